/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the genesis decoder.  Whatever cl_genesis_decode()
 * accepts must re-encode to exactly the input, have the SHA-256 of the
 * input as its network id, and find each of its (unique) authorities.
 * A broken invariant is a bug: abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "genesis.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_genesis: invariant broken: %s\n", what);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		out[CL_GENESIS_MAX];
	static struct cl_genesis g;
	struct cl_where		where = { NULL };
	uint8_t			netid[CL_ID_LEN];
	size_t			len;
	uint32_t		i;
	cl_err			err;

	err = cl_genesis_decode(&g, data, size, &where);
	if (where.field != NULL)
		(void)strlen(where.field);	/* a valid string */
	if (err != CL_OK) {
		if (g.raw != NULL || g.auth_cnt != 0)
			broken("decode failed but holds something");
		return 0;
	}
	if (g.raw == NULL || g.raw_len != size ||
	    memcmp(g.raw, data, size) != 0)
		broken("decoded genesis does not own a copy of its bytes");
	if (g.version != CL_VERSION || g.auth_cnt < 1 ||
	    g.auth_cnt > CL_AUTHORITIES_MAX || g.name.len == 0)
		broken("decoded genesis breaks its rules");

	err = cl_genesis_encode(&g, out, sizeof(out), &len, &where);
	if (err != CL_OK)
		broken("decoded genesis does not encode");
	if (len != size || memcmp(out, data, size) != 0)
		broken("re-encoding differs from the input");

	crypto_hash_sha256(netid, data, size);
	if (memcmp(netid, g.netid, CL_ID_LEN) != 0)
		broken("network id is not the hash of the bytes");
	for (i = 0; i < g.auth_cnt; i++)
		if (cl_genesis_find(&g, g.auth[i].key) != (int)i)
			broken("an authority is not found at its index");
	cl_genesis_free(&g);
	return 0;
}
