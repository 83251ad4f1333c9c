/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ledger queries for gossip: bucket digests and heads (anti-entropy),
 * ranges of a feed's chain (pulls), and what a forked feed holds.
 */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger_rec.h"

cl_err
cl_ledger_buckets(struct cl_ledger *l, uint8_t (*out)[CL_ID_LEN])
{
	crypto_hash_sha256_state	 hs[CL_LEDGER_BUCKETS];
	struct cl_txn			 t;
	struct cl_iter			 it;
	struct cl_val			 k, v;
	uint8_t				 rec[CL__FEED_REC_LEN];
	unsigned			 b;

	for (b = 0; b < CL_LEDGER_BUCKETS; b++)
		crypto_hash_sha256_init(&hs[b]);
	cl_store_begin(&l->st, &t, false);
	cl_store_iter_begin(&t, &it, CL_DB_HEAD, NULL, 0, NULL, 0);
	while (cl_store_iter_next(&it, &k, &v) && t.err == CL_OK) {
		if (!cl__feed_record(l, &t, &k, &v, rec))
			continue;
		b = ((const uint8_t *)k.ptr)[0];
		crypto_hash_sha256_update(&hs[b], k.ptr, CL_PK_LEN);
		crypto_hash_sha256_update(&hs[b], rec, sizeof(rec));
	}
	cl_store_iter_end(&it);
	for (b = 0; b < CL_LEDGER_BUCKETS; b++)
		crypto_hash_sha256_final(&hs[b], out[b]);
	return cl_store_end(&t);
}

cl_err
cl_ledger_author_known(struct cl_ledger *l,
    const uint8_t author[static CL_PK_LEN], bool *known)
{
	struct cl_txn	t;

	if ((*known = cl_genesis_find(&l->genesis, author) >= 0))
		return CL_OK;
	cl_store_begin(&l->st, &t, false);
	*known = cl__accredited(&t, author);
	return cl_store_end(&t);
}

cl_err
cl_ledger_heads_in(struct cl_ledger *l, const uint8_t bitmap[static 32],
    struct cl_sync_head *out, uint32_t max, uint32_t *cnt, bool *more)
{
	struct cl_txn	 t;
	struct cl_iter	 it;
	struct cl_val	 k, v;
	uint8_t		 rec[CL__FEED_REC_LEN];
	const uint8_t	*p;
	unsigned	 b;

	*cnt = 0;
	*more = false;
	cl_store_begin(&l->st, &t, false);
	cl_store_iter_begin(&t, &it, CL_DB_HEAD, NULL, 0, NULL, 0);
	while (cl_store_iter_next(&it, &k, &v) && t.err == CL_OK) {
		if (k.len != CL_PK_LEN)
			continue;
		b = ((const uint8_t *)k.ptr)[0];
		if ((bitmap[b / 8] & (1u << (b % 8))) == 0 ||
		    !cl__feed_record(l, &t, &k, &v, rec))
			continue;
		if (*cnt == max) {
			*more = true;
			break;
		}
		p = v.ptr;
		memcpy(out[*cnt].author, k.ptr, CL_PK_LEN);
		out[*cnt].seq = cl_store_load64(p);
		out[*cnt].fork_seq = cl_store_load64(p + 40);
		out[*cnt].fork_held = cl_store_load64(p + 56);
		(*cnt)++;
	}
	cl_store_iter_end(&it);
	return cl_store_end(&t);
}

/* Copy the log's event at pos into a new buffer. */
static bool
copy_event(struct cl_txn *t, uint64_t pos, uint8_t **out, size_t *len)
{
	struct cl_val	v;
	uint8_t		k[8];

	cl_store_be64(k, pos);
	if (!cl_store_get(t, CL_DB_LOG, k, 8, &v)) {
		if (t->err == CL_OK)
			t->err = CL_ESTORE;	/* an index without its event */
		return false;
	}
	if ((*out = malloc(v.len)) == NULL) {
		t->err = CL_ENOMEM;
		return false;
	}
	memcpy(*out, v.ptr, v.len);
	*len = v.len;
	return true;
}

cl_err
cl_ledger_feed_events(struct cl_ledger *l, const uint8_t author[static 32],
    uint64_t from, uint32_t max, size_t bytes_max, uint8_t **ev,
    size_t *ev_len, uint32_t *cnt)
{
	struct cl_txn	 t;
	struct cl_iter	 it;
	struct cl_val	 k, v;
	uint8_t		 start[CL__FEED_KLEN];
	size_t		 total = 0;

	*cnt = 0;
	memcpy(start, author, CL_PK_LEN);
	cl_store_be64(start + CL_PK_LEN, from);
	cl_store_begin(&l->st, &t, false);
	cl_store_iter_begin(&t, &it, CL_DB_FEED, author, CL_PK_LEN, start,
	    sizeof(start));
	while (*cnt < max && total < bytes_max &&
	    cl_store_iter_next(&it, &k, &v)) {
		if (v.len != CL__FEED_LEN ||
		    cl_store_load64((const uint8_t *)k.ptr + CL_PK_LEN) !=
		    from + *cnt) {
			t.err = CL_ESTORE;	/* feeds have no holes */
			break;
		}
		if (!copy_event(&t, cl_store_load64((const uint8_t *)v.ptr +
		    CL_ID_LEN), &ev[*cnt], &ev_len[*cnt]))
			break;
		total += ev_len[(*cnt)++];
	}
	cl_store_iter_end(&it);
	return cl_store_end(&t);
}

cl_err
cl_ledger_fork_events(struct cl_ledger *l, const uint8_t author[static 32],
    uint32_t max, size_t bytes_max, uint8_t **ev, size_t *ev_len,
    uint32_t *cnt)
{
	size_t		 total = 0;
	struct cl_txn	 t;
	struct cl_iter	 it;
	struct cl_val	 k, v;
	struct cl_head	 h;
	uint8_t		 start[CL__FEED_KLEN];
	int		 pass;

	*cnt = 0;
	cl_store_begin(&l->st, &t, false);
	cl__head_read(&t, author, &h);
	if (h.fork_seq == 0)
		return cl_store_end(&t);
	memcpy(start, author, CL_PK_LEN);
	cl_store_be64(start + CL_PK_LEN, h.fork_seq);
	/* off the chain first: they are what the other side may lack */
	for (pass = 0; pass < 2 && t.err == CL_OK; pass++) {
		cl_store_iter_begin(&t, &it, pass == 0 ? CL_DB_FORK :
		    CL_DB_FEED, author, CL_PK_LEN, start, sizeof(start));
		while (*cnt < max && total < bytes_max &&
		    cl_store_iter_next(&it, &k, &v)) {
			const uint8_t *pp = v.ptr;

			if (pass == 0 ? v.len != 8 : v.len != CL__FEED_LEN) {
				t.err = CL_ESTORE;
				break;
			}
			if (!copy_event(&t, cl_store_load64(pass == 0 ? pp :
			    pp + CL_ID_LEN), &ev[*cnt], &ev_len[*cnt]))
				break;
			total += ev_len[(*cnt)++];
		}
		cl_store_iter_end(&it);
	}
	return cl_store_end(&t);
}
