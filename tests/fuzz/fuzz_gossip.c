/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the peer message decoder (proto/gossip_msg.c), which
 * reads what another node sends inside a link.  Whatever decodes must
 * encode again and decode to the same thing.  A broken invariant is a
 * bug: abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gossip_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_gossip: invariant broken: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cl_gm	 a, b;
	const char		*why = NULL;
	uint8_t			*out;
	size_t			 len;
	uint32_t		 i;

	if (cl_gmsg_decode(&a, data, size, &why) != CL_OK) {
		if (why == NULL)
			broken("a refused message without a reason");
		if (a.heads != NULL || a.ev != NULL || a.ann != NULL ||
		    a.peers != NULL)
			broken("a refused message holds arrays");
		return 0;
	}
	if (a.type < CL_G_MIN || a.type > CL_G_MAX)
		broken("an unknown type decoded");
	if (cl_gmsg_encode(&a, 16, &out, &len) != CL_OK)
		broken("a decoded message does not encode");
	if (cl_gmsg_decode(&b, out + 16, len, &why) != CL_OK)
		broken("a re-encoded message does not decode");
	if (a.type != b.type || a.heads_cnt != b.heads_cnt ||
	    a.ev_cnt != b.ev_cnt || a.ann_cnt != b.ann_cnt ||
	    a.peers_cnt != b.peers_cnt || a.from != b.from ||
	    a.count != b.count || a.log_size != b.log_size ||
	    memcmp(a.digest, b.digest, sizeof(a.digest)) != 0 ||
	    memcmp(a.author, b.author, sizeof(a.author)) != 0 ||
	    memcmp(a.bitmap, b.bitmap, sizeof(a.bitmap)) != 0 ||
	    memcmp(a.buckets, b.buckets, sizeof(a.buckets)) != 0)
		broken("a message changed on the way round");
	for (i = 0; i < a.ev_cnt; i++)
		if (a.ev_len[i] != b.ev_len[i] ||
		    memcmp(a.ev[i], b.ev[i], a.ev_len[i]) != 0)
			broken("an event changed on the way round");
	for (i = 0; i < a.heads_cnt; i++)
		if (memcmp(&a.heads[i], &b.heads[i], sizeof(a.heads[i])) != 0)
			broken("a head changed on the way round");
	cl_gmsg_free(&a);
	cl_gmsg_free(&b);
	free(out);
	return 0;
}
