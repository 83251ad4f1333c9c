/* SPDX-License-Identifier: Apache-2.0 */
/* The genesis file: strict codec and the network id. */
#include "genesis.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "canon.h"

#define S struct cl_authority
static const struct cl__field auth_f[] = {
	{ .key = 0, .kind = CL_FK_BIN32, .name = "authorities.key",
	    .off = offsetof(S, key) },
	{ .key = 1, .kind = CL_FK_STR, .chk = CL_CHK_NAME, .opt = true,
	    .name = "authorities.org", .off = offsetof(S, org),
	    .max = CL_NAME_MAX },
	{ .key = 2, .kind = CL_FK_STR, .chk = CL_CHK_COUNTRY, .opt = true,
	    .name = "authorities.country", .off = offsetof(S, country),
	    .max = 2 },
};
#undef S
static const struct cl__table auth_t = { "authorities", auth_f, 3 };

#define S struct cl_genesis
static const struct cl__field genesis_f[] = {
	{ .key = 0, .kind = CL_FK_U64, .name = "version",
	    .off = offsetof(S, version), .min = 1, .max = CL_VERSION_MAX },
	{ .key = 1, .kind = CL_FK_STR, .chk = CL_CHK_NAME, .name = "name",
	    .off = offsetof(S, name), .max = CL_NAME_MAX },
	{ .key = 2, .kind = CL_FK_U64, .name = "created",
	    .off = offsetof(S, created), .max = CL_SEQ_MAX },
	{ .key = 3, .kind = CL_FK_RECORDS, .name = "authorities",
	    .off = offsetof(S, auth), .cnt_off = offsetof(S, auth_cnt),
	    .max = CL_AUTHORITIES_MAX, .stride = sizeof(struct cl_authority),
	    .sub = &auth_t },
};
#undef S
static const struct cl__table genesis_t = { "genesis", genesis_f, 4 };

int
cl_genesis_find(const struct cl_genesis *g,
    const uint8_t key[static CL_PK_LEN])
{
	uint32_t	i;

	for (i = 0; i < g->auth_cnt; i++)
		if (memcmp(g->auth[i].key, key, CL_PK_LEN) == 0)
			return (int)i;
	return -1;
}

static cl_err
rules(const struct cl_genesis *g, struct cl_where *where)
{
	uint32_t	i, j;

	if (g->version != CL_VERSION) {
		if (where != NULL)
			where->field = "version";
		return CL_EBADVERSION;
	}
	if (g->auth_cnt == 0) {
		if (where != NULL)
			where->field = "authorities";
		return CL_EMISSING;
	}
	/* over the array, the count is the encoder's TOOBIG */
	for (i = 0; i < g->auth_cnt && i < CL_AUTHORITIES_MAX; i++) {
		for (j = 0; j < i; j++) {
			if (memcmp(g->auth[i].key, g->auth[j].key,
			    CL_PK_LEN) == 0) {
				if (where != NULL)
					where->field = "authorities.key";
				return CL_EDUPKEY;
			}
		}
	}
	return CL_OK;
}

cl_err
cl_genesis_encode(const struct cl_genesis *g, uint8_t *out, size_t cap,
    size_t *len, struct cl_where *where)
{
	struct cl__w	w;
	cl_err		err;

	if ((err = rules(g, where)) != CL_OK)
		return err;
	cl__w_init(&w, out, cap < CL_GENESIS_MAX ? cap : CL_GENESIS_MAX);
	cl__rec_encode(&w, &genesis_t, g, where);
	*len = w.len;
	return w.err;
}

void
cl_genesis_free(struct cl_genesis *g)
{
	if (g == NULL)
		return;
	free(g->raw);
	memset(g, 0, sizeof(*g));
}

cl_err
cl_genesis_decode(struct cl_genesis *g, const uint8_t *in, size_t len,
    struct cl_where *where)
{
	msgpack_zone	 zone;
	msgpack_object	 obj;
	uint8_t		*raw, *again = NULL;
	size_t		 again_len;
	cl_err		 err;

	memset(g, 0, sizeof(*g));
	if (where != NULL)
		where->field = NULL;
	if (len > CL_GENESIS_MAX)
		return CL_ETOOBIG;
	if ((raw = malloc(len ? len : 1)) == NULL)
		return CL_ENOMEM;
	memcpy(raw, in, len);
	if (!msgpack_zone_init(&zone, 4096)) {
		free(raw);
		return CL_ENOMEM;
	}
	err = cl__parse(raw, len, &zone, &obj);
	if (err == CL_OK)
		err = cl__rec_decode(&obj, &genesis_t, g, where);
	if (err == CL_OK)
		err = rules(g, where);
	if (err == CL_OK && (again = malloc(len)) == NULL)
		err = CL_ENOMEM;
	if (err == CL_OK) {
		err = cl_genesis_encode(g, again, len, &again_len, where);
		if (err == CL_ETOOBIG || (err == CL_OK && (again_len != len ||
		    memcmp(again, raw, len) != 0))) {
			err = CL_ENONCANON;
			if (where != NULL)
				where->field = "genesis";
		}
	}
	free(again);
	msgpack_zone_destroy(&zone);
	if (err != CL_OK) {
		free(raw);
		memset(g, 0, sizeof(*g));
		return err;
	}
	g->raw = raw;
	g->raw_len = len;
	crypto_hash_sha256(g->netid, raw, len);
	return CL_OK;
}
