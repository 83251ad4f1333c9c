/* SPDX-License-Identifier: Apache-2.0 */
/* The ledger: opening a store for a network, and applying events. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger_rec.h"
#include "merkle.h"

static const char *const accept_names[] = {
	[CL_ACC_ACCEPTED] = "accepted", [CL_ACC_DUPLICATE] = "duplicate",
	[CL_ACC_REJECTED] = "rejected", [CL_ACC_GAP] = "gap",
	[CL_ACC_UNKNOWN_AUTHOR] = "unknown_author", [CL_ACC_FORK] = "fork",
	[CL_ACC_PREV_MISMATCH] = "prev_mismatch",
	[CL_ACC_DISPUTED] = "disputed", [CL_ACC_FORK_FULL] = "fork_full",
	[CL_ACC_STALE] = "stale",
};

const char *
cl_accept_name(unsigned a)
{
	return a <= CL_ACC_MAX ? accept_names[a] : "?";
}

static const uint8_t zero_id[CL_ID_LEN];

static cl_err	counts_upgrade(struct cl_ledger *);
static cl_err	schema_upgrade(struct cl_ledger *);

static cl_err
load_log_size(struct cl_ledger *l)
{
	struct cl_txn	t;
	struct cl_val	k, v;

	cl_store_begin(&l->st, &t, false);
	l->log_size = 0;
	if (cl_store_last(&t, CL_DB_LOG, &k, &v) && k.len == 8)
		l->log_size = cl_store_load64(k.ptr) + 1;
	return cl_store_end(&t);
}

cl_err
cl_ledger_open(struct cl_ledger *l, const char *dir, const uint8_t *genesis,
    size_t genesis_len, const struct cl_store_opts *opts)
{
	struct cl_txn	 t;
	struct cl_val	 v;
	struct cl_genesis given;
	uint8_t		 schema[8];
	bool		 old = false;
	cl_err		 err;

	memset(l, 0, sizeof(*l));
	randombytes_buf(l->batch_key, sizeof(l->batch_key));
	if ((err = cl_store_open(&l->st, dir, opts)) != CL_OK)
		return err;
	cl_store_begin(&l->st, &t, !l->st.rdonly && genesis != NULL);
	if (cl_store_get(&t, CL_DB_META, CL__META_SCHEMA,
	    strlen(CL__META_SCHEMA), &v)) {
		if (v.len == 8 && cl_store_load64(v.ptr) == 2)
			old = true;	/* schema_upgrade(), below */
		else if (v.len != 8 ||
		    cl_store_load64(v.ptr) != CL_SCHEMA_VERSION)
			t.err = CL_ESTORE;
		if (t.err == CL_OK && cl_store_get(&t, CL_DB_META,
		    CL__META_GENESIS, strlen(CL__META_GENESIS), &v))
			t.err = cl_genesis_decode(&l->genesis, v.ptr, v.len,
			    NULL);
		else if (t.err == CL_OK)
			t.err = CL_ESTORE;
		if (t.err == CL_OK && genesis != NULL &&
		    (genesis_len != l->genesis.raw_len ||
		    memcmp(genesis, l->genesis.raw, genesis_len) != 0))
			t.err = CL_ENETWORK;
	} else if (t.err == CL_OK && genesis == NULL) {
		t.err = CL_ENOTFOUND;
	} else if (t.err == CL_OK) {
		t.err = cl_genesis_decode(&given, genesis, genesis_len, NULL);
		if (t.err == CL_OK) {
			l->genesis = given;
			cl_store_be64(schema, CL_SCHEMA_VERSION);
			cl_store_put(&t, CL_DB_META, CL__META_SCHEMA,
			    strlen(CL__META_SCHEMA), schema, 8, 0);
			cl_store_put(&t, CL_DB_META, CL__META_GENESIS,
			    strlen(CL__META_GENESIS), genesis, genesis_len,
			    0);
		}
	}
	err = cl_store_end(&t);
	if (err == CL_OK && old)
		err = l->st.rdonly ? CL_ESTORE : schema_upgrade(l);
	if (err == CL_OK)
		err = load_log_size(l);
	if (err == CL_OK && !l->st.rdonly)
		err = counts_upgrade(l);
	if (err != CL_OK)
		cl_ledger_close(l);
	return err;
}

static int
ref_part_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CL__REF_KLEN);
}

/* One credential of a schema 2 store, as schema_upgrade() moves it. */
struct old_cred {
	uint8_t		val[CL__CREDV_LEN];	/* id | record */
	uint64_t	pos;
};

static int
old_cred_cmp(const void *a, const void *b)
{
	const struct old_cred	*x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The databases of parts (ledger_rec.h), and their keys' lengths. */
enum { REF_CREDID, REF_HOLDER, REF_DIGEST, REF_N };
static const enum cl_db	part_db[REF_N] = { CL_DB_CREDID, CL_DB_HOLDER,
			    CL_DB_DIGEST };
static const size_t	part_klen[REF_N] = { CL__CREDID_KLEN, CL__REF_KLEN,
			    CL__REF_KLEN };

/*
 * The key of a CREDID entry (ref NULL: the id's part, then pos), or of a
 * HOLDER or DIGEST entry (the ref's part, the id's, pos).  Zero-padded
 * to CL__REF_KLEN: keys of one kind sort alike padded or not.
 */
static void
part_key(uint8_t k[CL__REF_KLEN], const uint8_t *ref, const uint8_t *id,
    uint64_t pos)
{
	size_t	n = 0;

	memset(k, 0, CL__REF_KLEN);
	if (ref != NULL) {
		memcpy(k, ref, CL__REF_PART);
		n = CL__REF_PART;
	}
	memcpy(k + n, id, CL__REF_PART);
	cl_store_be64(k + n + CL__REF_PART, pos);
}

/*
 * Room for n elements of size at p (capacity *cap, doubled from 1024
 * as needed): *out is p or where it moved to.  False: out of memory, p
 * as it was.
 */
static bool
room(void *p, size_t *cap, size_t n, size_t size, void **out)
{
	void	*np;
	size_t	 c = *cap ? *cap : 1024;

	*out = p;
	if (n <= *cap)
		return true;
	while (c < n)
		c *= 2;
	if ((np = realloc(p, c * size)) == NULL)
		return false;
	*out = np;
	*cap = c;
	return true;
}

/* Sort n keys of parts (part_key()) and put them into part_db[w]. */
static void
put_parts(struct cl_txn *t, int w, uint8_t (*key)[CL__REF_KLEN], size_t n,
    struct cl_kv *kv)
{
	size_t	i;

	if (n == 0)
		return;
	qsort(key, n, sizeof(*key), ref_part_cmp);
	for (i = 0; i < n; i++) {
		kv[i].key = key[i];
		kv[i].klen = part_klen[w];
		kv[i].val = "";
		kv[i].vlen = 0;
	}
	cl_store_put_sorted(t, part_db[w], kv, n);
}

/*
 * A store of schema 2 keeps credentials under their ids, and whole refs
 * and ids in HOLDER and DIGEST: move them to the layout of schema 3
 * (ledger_rec.h), in one transaction, from the credential records (which
 * name both refs).  It holds every record in memory meanwhile, about
 * 250 bytes each, once.  Only a store opened for writing can; a
 * read-only open of one is CL_ESTORE until the node has opened it once.
 */
static cl_err
schema_upgrade(struct cl_ledger *l)
{
	struct cl_txn		 t;
	struct cl_iter		 it;
	struct cl_val		 k, v;
	struct cl__cred		 c;
	struct old_cred		*oc = NULL;
	struct cl_kv		*kv = NULL;
	void			*np;
	uint8_t			(*key)[CL__REF_KLEN] = NULL, pk[8];
	uint8_t			 schema[8];
	size_t			 n = 0, cap = 0, i, m;
	int			 w;

	cl_store_begin(&l->st, &t, true);
	cl_store_iter_begin(&t, &it, CL_DB_CRED, NULL, 0, NULL, 0);
	while (t.err == CL_OK && cl_store_iter_next(&it, &k, &v)) {
		if (k.len != CL_ID_LEN || v.len != CL__CRED_LEN) {
			t.err = CL_ESTORE;
			break;
		}
		if (!room(oc, &cap, n + 1, sizeof(*oc), &np)) {
			t.err = CL_ENOMEM;
			break;
		}
		oc = np;
		memcpy(oc[n].val, k.ptr, CL_ID_LEN);
		memcpy(oc[n].val + CL_ID_LEN, v.ptr, CL__CRED_LEN);
		cl__cred_unpack(&c, v.ptr);
		oc[n++].pos = c.pos;
	}
	cl_store_iter_end(&it);
	if (t.err == CL_OK && n > 0 &&
	    ((kv = calloc(n, sizeof(*kv))) == NULL ||
	    (key = calloc(n, sizeof(*key))) == NULL))
		t.err = CL_ENOMEM;
	if (t.err == CL_OK)
		cl_store_clear(&t, CL_DB_CRED);
	if (n > 0)
		qsort(oc, n, sizeof(*oc), old_cred_cmp);
	for (i = 0; i < n && t.err == CL_OK; i++) {
		cl_store_be64(pk, oc[i].pos);
		cl_store_put(&t, CL_DB_CRED, pk, 8, oc[i].val, CL__CREDV_LEN,
		    CL_PUT_APPEND);
	}
	for (w = 0; w < REF_N && t.err == CL_OK; w++) {
		cl_store_clear(&t, part_db[w]);
		for (i = m = 0; i < n; i++) {
			const uint8_t *id = oc[i].val;

			cl__cred_unpack(&c, id + CL_ID_LEN);
			if (w == REF_CREDID)
				part_key(key[m++], NULL, id, c.pos);
			else if (l->no_ref_index)
				break;
			else if (w == REF_HOLDER)
				part_key(key[m++], c.holder, id, c.pos);
			else if (memcmp(c.digest, zero_id, CL_ID_LEN) != 0)
				part_key(key[m++], c.digest, id, c.pos);
		}
		put_parts(&t, w, key, m, kv);
	}
	cl_store_be64(schema, CL_SCHEMA_VERSION);
	cl_store_put(&t, CL_DB_META, CL__META_SCHEMA, strlen(CL__META_SCHEMA),
	    schema, sizeof(schema), 0);
	free(key);
	free(kv);
	free(oc);
	return cl_store_end(&t);
}

/*
 * A store whose counts predate the credentials by state: count them once,
 * from every credential on a feed's chain (its feed holds its ISSUE at
 * its seq; the others are held past a fork) that is not void.
 */
static cl_err
counts_upgrade(struct cl_ledger *l)
{
	struct cl_txn	 t;
	struct cl_iter	 it;
	struct cl_val	 k, v, f;
	struct cl__cred	 c;
	uint8_t		 rec[8 * CL__COUNTS_N], fk[CL__FEED_KLEN];
	uint64_t	 st[3] = { 0, 0, 0 };
	int		 i;

	cl_store_begin(&l->st, &t, true);
	if (!cl_store_get(&t, CL_DB_META, CL__META_COUNTS,
	    strlen(CL__META_COUNTS), &v) || v.len != 8 * CL__COUNTS_N1)
		return cl_store_end(&t);	/* none, or counted already */
	memset(rec, 0, sizeof(rec));
	memcpy(rec, v.ptr, v.len);
	cl_store_iter_begin(&t, &it, CL_DB_CRED, NULL, 0, NULL, 0);
	while (cl_store_iter_next(&it, &k, &v)) {
		if (k.len != 8 || v.len != CL__CREDV_LEN) {
			t.err = CL_ESTORE;
			break;
		}
		cl__cred_unpack(&c, (const uint8_t *)v.ptr + CL_ID_LEN);
		memcpy(fk, c.issuer, CL_PK_LEN);
		cl_store_be64(fk + CL_PK_LEN, c.seq);
		if (c.issue_void != CL_VOID_NONE || c.feed_status > 2 ||
		    !cl_store_get(&t, CL_DB_FEED, fk, sizeof(fk), &f) ||
		    f.len != CL__FEED_LEN ||
		    memcmp(f.ptr, v.ptr, CL_ID_LEN) != 0)
			continue;
		st[c.feed_status]++;
	}
	cl_store_iter_end(&it);
	for (i = 0; i < 3; i++)
		cl_store_be64(rec + 8 * (CL__CNT_STATE + i), st[i]);
	cl_store_put(&t, CL_DB_META, CL__META_COUNTS, strlen(CL__META_COUNTS),
	    rec, sizeof(rec), 0);
	return cl_store_end(&t);
}

void
cl_ledger_replay_only(struct cl_ledger *l)
{
	l->no_ref_index = true;
}

void
cl_ledger_close(struct cl_ledger *l)
{
	if (l == NULL)
		return;
	cl_ledger_trim(l);
	cl_genesis_free(&l->genesis);
	cl_store_close(&l->st);
}

void
cl_ledger_prepare(const uint8_t netid[static CL_ID_LEN], const uint8_t *bytes,
    size_t len, struct cl_submit *s)
{
	s->where.field = NULL;
	s->no_fork = false;
	cl_merkle_leaf(s->leaf, bytes, len);
	s->err = cl_ev_decode(&s->ev, bytes, len, &s->where);
	if (s->err == CL_OK)
		s->err = cl_ev_verify(&s->ev, netid, s->id);
}

void
cl_submit_free(struct cl_submit *s)
{
	if (s != NULL)
		cl_ev_free(&s->ev);
}

/*
 * Index writes wait for the end of their batch and go in sorted
 * (cl_store_put_sorted()): the credentials the batch issues or changes
 * (by position: new ones at the end of CRED), and the CREDID, holder
 * and digest entries of its ISSUEs.  Searched one by one from the root,
 * random keys were a third of what applying an event cost.  Nothing in
 * a batch reads the last three; credentials are looked up here before
 * the store.
 */
struct cred_slot {
	uint8_t		 val[CL__CREDV_LEN];	/* id | record */
	uint8_t		 key[8];		/* its ISSUE's position */
	uint32_t	 gen;			/* in use by batch gen */
};

/*
 * What a batch holds, kept for the next one: fresh for each, the
 * credential table and the index arrays (some 17 MB for 30,000 ISSUEs)
 * took a page fault every 4 KB, 44 % of a catching-up node's faults.
 * A slot is in use when its gen is the batch's, so starting a batch
 * clears nothing.  cl_ledger_trim() gives it all back.
 */
struct cl__batch_mem {
	struct cred_slot	*cred;		/* open addressing */
	size_t			 cred_cap;	/* 0 or 2^k */
	uint32_t		 gen;		/* this batch's, from 1 */
	uint32_t		*used;		/* slots in use, cred_cap / 2 */
	uint8_t			(*ref[REF_N])[CL__REF_KLEN];	/* part_key() */
	size_t			 ref_cap[REF_N];
	struct cl_kv		*kv;
	struct cred_slot	**by_pos;
	size_t			 kv_cap, by_pos_cap;
};

/* The state of one batch: its txn, counters and index writes to add. */
struct batch {
	struct cl_ledger	*l;
	struct cl__batch_mem	*m;
	struct cl_txn		 t;
	uint64_t		 pos;		/* next log position */
	uint64_t		 counts[CL__COUNTS_N];
	size_t			 cred_n;
	size_t			 ref_n[REF_N];
};

_Static_assert(sizeof(((struct cl_ledger *)0)->batch_key) ==
    crypto_shorthash_KEYBYTES, "batch_key is a shorthash key");

/* Slot of a credential id; keyed, so ids ground to collide do not. */
static size_t
cred_hash(const struct batch *b, const uint8_t *id)
{
	uint8_t		h[crypto_shorthash_BYTES];

	crypto_shorthash(h, id, CL_ID_LEN, b->l->batch_key);
	return (size_t)cl_store_load64(h);
}

static bool
cred_grow(struct batch *b)
{
	struct cl__batch_mem	*m = b->m;
	struct cred_slot	*old = m->cred, *e;
	uint32_t		*used;
	size_t			 cap = m->cred_cap ? 2 * m->cred_cap : 1024;
	size_t			 i, j;

	/*
	 * Not calloc() (nor malloc() and memset(), which compilers make
	 * calloc()): its fresh pages read as the shared zero page, and the
	 * first store to each then costs a copy-on-write fault and a TLB
	 * shootdown on every core.  Stores first fault them in plainly.
	 */
	if ((e = malloc(cap * sizeof(*e))) == NULL)
		return false;
	if ((used = malloc(cap / 2 * sizeof(*used))) == NULL) {
		free(e);
		return false;
	}
	for (i = 0; i < cap; i++)
		e[i].gen = 0;
	for (i = 0; i < b->cred_n; i++) {
		const struct cred_slot *o = &old[m->used[i]];

		for (j = cred_hash(b, o->val) & (cap - 1); e[j].gen == m->gen;
		    j = (j + 1) & (cap - 1))
			;
		e[j] = *o;
		used[i] = (uint32_t)j;
	}
	free(old);
	free(m->used);
	m->cred = e;
	m->used = used;
	m->cred_cap = cap;
	return true;
}

/* The batch's record of credential id; with add, a new one if none. */
static struct cred_slot *
cred_slot(struct batch *b, const uint8_t *id, bool add)
{
	struct cl__batch_mem	*m = b->m;
	size_t			 i, mask;

	if (add && 2 * (b->cred_n + 1) > m->cred_cap && !cred_grow(b)) {
		b->t.err = CL_ENOMEM;
		return NULL;
	}
	if (m->cred_cap == 0)
		return NULL;
	mask = m->cred_cap - 1;
	for (i = cred_hash(b, id) & mask; m->cred[i].gen == m->gen;
	    i = (i + 1) & mask)
		if (memcmp(m->cred[i].val, id, CL_ID_LEN) == 0)
			return &m->cred[i];
	if (!add)
		return NULL;
	m->cred[i].gen = m->gen;
	memcpy(m->cred[i].val, id, CL_ID_LEN);
	m->used[b->cred_n++] = (uint32_t)i;
	return &m->cred[i];
}

/* A credential as this batch leaves it: its own write, else the store's. */
static bool
cred_get(struct batch *b, const uint8_t *id, struct cl__cred *c)
{
	struct cred_slot	*e = cred_slot(b, id, false);

	if (e != NULL) {
		cl__cred_unpack(c, e->val + CL_ID_LEN);
		return true;
	}
	return cl__cred_find(&b->t, id, c);
}

static void
cred_put(struct batch *b, const uint8_t *id, const struct cl__cred *c)
{
	struct cred_slot	*e = cred_slot(b, id, true);

	if (e == NULL)
		return;
	cl__cred_pack(e->val + CL_ID_LEN, c);
	cl_store_be64(e->key, c->pos);
}

static void
ref_add(struct batch *b, int which, const uint8_t *ref, const uint8_t *id,
    uint64_t pos)
{
	struct cl__batch_mem	*m = b->m;
	void			*p;

	if (!room(m->ref[which], &m->ref_cap[which], b->ref_n[which] + 1,
	    sizeof(*m->ref[which]), &p)) {
		b->t.err = CL_ENOMEM;
		return;
	}
	m->ref[which] = p;
	part_key(m->ref[which][b->ref_n[which]++], ref, id, pos);
}

static int
cred_cmp(const void *a, const void *b)
{
	const struct cred_slot	*x = *(const struct cred_slot *const *)a;
	const struct cred_slot	*y = *(const struct cred_slot *const *)b;

	return memcmp(x->key, y->key, sizeof(x->key));
}

/* The held index writes, each database's in key order. */
static void
flush_indexes(struct batch *b)
{
	struct cl__batch_mem	*m = b->m;
	size_t			 i, n = b->cred_n, most = b->cred_n;
	void			*p;
	bool			 ok;
	int			 w;

	for (w = 0; w < REF_N; w++)
		if (b->ref_n[w] > most)
			most = b->ref_n[w];
	if (b->t.err != CL_OK || most == 0)
		return;
	ok = room(m->kv, &m->kv_cap, most, sizeof(*m->kv), &p);
	m->kv = p;
	if (ok) {
		ok = room(m->by_pos, &m->by_pos_cap, n, sizeof(*m->by_pos),
		    &p);
		m->by_pos = p;
	}
	if (!ok) {
		b->t.err = CL_ENOMEM;
		return;
	}
	for (i = 0; i < n; i++)
		m->by_pos[i] = &m->cred[m->used[i]];
	if (n > 0)
		qsort(m->by_pos, n, sizeof(*m->by_pos), cred_cmp);
	for (i = 0; i < n; i++) {
		m->kv[i].key = m->by_pos[i]->key;
		m->kv[i].klen = sizeof(m->by_pos[i]->key);
		m->kv[i].val = m->by_pos[i]->val;
		m->kv[i].vlen = CL__CREDV_LEN;
	}
	cl_store_put_sorted(&b->t, CL_DB_CRED, m->kv, n);
	for (w = 0; w < REF_N; w++)
		put_parts(&b->t, w, m->ref[w], b->ref_n[w], m->kv);
}

/* A batch's start: the kept memory, with no slot in use. */
static bool
batch_init(struct batch *b, struct cl_ledger *l)
{
	struct cl__batch_mem	*m;
	size_t			 i;

	memset(b, 0, sizeof(*b));
	b->l = l;
	b->pos = l->log_size;
	if (l->bmem == NULL && (l->bmem = calloc(1, sizeof(*m))) == NULL)
		return false;
	b->m = m = l->bmem;
	if (++m->gen == 0) {
		for (i = 0; i < m->cred_cap; i++)
			m->cred[i].gen = 0;
		m->gen = 1;
	}
	return true;
}

void
cl_ledger_trim(struct cl_ledger *l)
{
	struct cl__batch_mem	*m = l->bmem;
	int			 w;

	if (m == NULL)
		return;
	free(m->cred);
	free(m->used);
	for (w = 0; w < REF_N; w++)
		free(m->ref[w]);
	free(m->kv);
	free(m->by_pos);
	free(m);
	l->bmem = NULL;
}

static void
head_get(struct batch *b, const uint8_t *author, struct cl_head *h)
{
	cl__head_read(&b->t, author, h);
}

static void
head_put(struct batch *b, const uint8_t *author, const struct cl_head *h)
{
	uint8_t	v[CL__HEAD_LEN];

	cl_store_be64(v, h->seq);
	memcpy(v + 8, h->id, CL_ID_LEN);
	cl_store_be64(v + 40, h->fork_seq);
	cl_store_be64(v + 48, h->pos);
	cl_store_be64(v + 56, h->fork_held);
	cl_store_put(&b->t, CL_DB_HEAD, author, CL_PK_LEN, v, sizeof(v), 0);
}

/*
 * Append to the log, and to its Merkle tree (the leaf, and the subtrees
 * it completes), in the same transaction: the tree always covers exactly
 * the log.
 */
static uint64_t
log_append(struct batch *b, const struct cl_submit *s)
{
	const struct cl_event	*ev = &s->ev;
	uint8_t		k[8], mk[CL__MERKLE_KLEN];
	const uint8_t	*h = s->leaf;
	uint8_t		up[CL_MERKLE_PROOF_MAX][CL_HASH_LEN];
	uint64_t	pos = b->pos, ix[CL_MERKLE_PROOF_MAX];
	unsigned	lv[CL_MERKLE_PROOF_MAX], cnt = 0, i;
	cl_err		err;

	cl_store_be64(k, pos);
	cl_store_put(&b->t, CL_DB_LOG, k, 8, ev->raw, ev->raw_len,
	    CL_PUT_APPEND);
	cl__merkle_key(mk, 0, pos);
	cl_store_put(&b->t, CL_DB_MERKLE, mk, sizeof(mk), h, CL_HASH_LEN,
	    CL_PUT_APPEND);
	if (b->t.err == CL_OK &&
	    (err = cl_merkle_append(cl__merkle_get, &b->t, pos, h, lv, ix, up,
	    &cnt)) != CL_OK && b->t.err == CL_OK)
		b->t.err = err;
	for (i = 0; i < cnt; i++) {
		cl__merkle_key(mk, lv[i], ix[i]);
		cl_store_put(&b->t, CL_DB_MERKLE, mk, sizeof(mk), up[i],
		    CL_HASH_LEN, CL_PUT_APPEND);
	}
	b->pos++;
	return pos;
}

/* Is author named by any ACCREDIT held?  (Effect is decided at query.) */
static bool
is_accredited(struct batch *b, const uint8_t *author)
{
	return cl__accredited(&b->t, author);
}

static void
index_accred(struct batch *b, const struct cl_event *ev, uint64_t pos)
{
	uint8_t		k[CL__ACCRED_KLEN], v[CL__ACCRED_LEN];
	const uint8_t	*issuer;
	uint64_t	 val;

	if (ev->type == CL_EV_ACCREDIT) {
		issuer = ev->body.accredit.issuer;
		val = ev->body.accredit.from_seq;
		v[0] = CL__ACCRED_GRANT;
	} else {
		issuer = ev->body.withdraw.issuer;
		val = ev->body.withdraw.after_seq;
		v[0] = CL__ACCRED_WITHDRAW;
	}
	memcpy(k, issuer, CL_PK_LEN);
	memcpy(k + CL_PK_LEN, ev->author, CL_PK_LEN);
	cl_store_be64(k + 2 * CL_PK_LEN, ev->seq);
	cl_store_be64(v + 1, val);
	cl_store_be64(v + 9, pos);
	cl_store_put(&b->t, CL_DB_ACCRED, k, sizeof(k), v, sizeof(v), 0);
}

static void
index_define(struct batch *b, const struct cl_submit *s, uint64_t pos)
{
	uint8_t	v[CL__ACH_LEN];

	cl_store_be64(v, pos);
	memcpy(v + 8, s->ev.author, CL_PK_LEN);
	cl_store_be64(v + 8 + CL_PK_LEN, s->ev.seq);
	cl_store_put(&b->t, CL_DB_ACHIEVEMENT, s->id, CL_ID_LEN, v, sizeof(v),
	    0);
}

/*
 * ISSUE: void unless its DEFINE came earlier in the same feed.  "Earlier"
 * is checked, not assumed: an ISSUE kept as a fork proof may name the
 * DEFINE the feed holds at the same seq, on the other branch.
 */
static enum cl_void
index_issue(struct batch *b, const struct cl_submit *s, uint64_t pos)
{
	const struct cl_issue	*is = &s->ev.body.issue;
	struct cl__cred		 c;
	struct cl_val		 v;

	memset(&c, 0, sizeof(c));
	c.issue_void = CL_VOID_NO_DEFINE;
	if (cl_store_get(&b->t, CL_DB_ACHIEVEMENT, is->achievement, CL_ID_LEN,
	    &v) && v.len == CL__ACH_LEN &&
	    memcmp((const uint8_t *)v.ptr + 8, s->ev.author, CL_PK_LEN) == 0 &&
	    cl_store_load64((const uint8_t *)v.ptr + 8 + CL_PK_LEN) <
	    s->ev.seq)
		c.issue_void = CL_VOID_NONE;
	memcpy(c.issuer, s->ev.author, CL_PK_LEN);
	c.seq = s->ev.seq;
	c.pos = pos;
	memcpy(c.achievement, is->achievement, CL_ID_LEN);
	memcpy(c.holder, is->holder, CL_ID_LEN);
	memcpy(c.digest, is->digest, CL_ID_LEN);
	c.issued_at = is->issued_at;
	c.valid_until = is->valid_until;
	c.feed_status = CL_ST_VALID;
	cred_put(b, s->id, &c);
	ref_add(b, REF_CREDID, NULL, s->id, pos);
	if (b->l->no_ref_index)
		return (enum cl_void)c.issue_void;
	ref_add(b, REF_HOLDER, is->holder, s->id, pos);
	if (memcmp(is->digest, zero_id, CL_ID_LEN) != 0)
		ref_add(b, REF_DIGEST, is->digest, s->id, pos);
	return (enum cl_void)c.issue_void;
}

/*
 * SUSPEND, REINSTATE, REVOKE: void unless the credential was issued earlier
 * in this feed and the feed-local state machine allows the change.
 */
static enum cl_void
index_change(struct batch *b, const struct cl_submit *s, uint64_t pos)
{
	const uint8_t		*cred = s->ev.body.status.credential;
	struct cl__cred		 c;
	enum cl_cred_status	 next;
	enum cl_void		 vr;
	uint8_t			 k[CL__CREDEV_KLEN], ev[CL__CREDEV_LEN];

	if (!cred_get(b, cred, &c))
		return CL_VOID_NO_CREDENTIAL;
	if (memcmp(c.issuer, s->ev.author, CL_PK_LEN) != 0)
		return CL_VOID_NO_CREDENTIAL;
	next = (enum cl_cred_status)c.feed_status;
	if (c.changes >= CL_CRED_CHANGES_MAX)
		vr = CL_VOID_TOO_MANY_CHANGES;
	else
		vr = cl_status_step((enum cl_cred_status)c.feed_status,
		    (unsigned)s->ev.type, &next);
	memcpy(k, cred, CL_ID_LEN);
	cl_store_be64(k + CL_ID_LEN, s->ev.seq);
	ev[0] = (uint8_t)s->ev.type;
	ev[1] = (uint8_t)vr;
	cl_store_be64(ev + 2, pos);
	cl_store_put(&b->t, CL_DB_CREDEV, k, sizeof(k), ev, sizeof(ev), 0);
	if (vr == CL_VOID_NONE) {
		/* u64 sums: the decrement wraps, the total does not */
		b->counts[CL__CNT_STATE + c.feed_status]--;
		b->counts[CL__CNT_STATE + next]++;
		c.feed_status = (uint8_t)next;
		c.changes++;
		cred_put(b, cred, &c);
	}
	return vr;
}

/* Append an event at the head of its feed, and index it. */
static void
append(struct batch *b, struct cl_submit *s, struct cl_head *h,
    struct cl_result *r)
{
	uint8_t		k[CL__FEED_KLEN], v[CL__FEED_LEN];
	uint64_t	pos = log_append(b, s);

	memcpy(k, s->ev.author, CL_PK_LEN);
	cl_store_be64(k + CL_PK_LEN, s->ev.seq);
	memcpy(v, s->id, CL_ID_LEN);
	cl_store_be64(v + CL_ID_LEN, pos);
	cl_store_put(&b->t, CL_DB_FEED, k, sizeof(k), v, sizeof(v),
	    CL_PUT_NOOVERWRITE);
	h->seq = s->ev.seq;
	memcpy(h->id, s->id, CL_ID_LEN);
	h->pos = pos;
	head_put(b, s->ev.author, h);
	switch (s->ev.type) {
	case CL_EV_ACCREDIT:
	case CL_EV_WITHDRAW:
		index_accred(b, &s->ev, pos);
		break;
	case CL_EV_DEFINE:
		index_define(b, s, pos);
		break;
	case CL_EV_ISSUE:
		r->void_reason = index_issue(b, s, pos);
		b->counts[CL__CNT_CREDS]++;
		if (r->void_reason == CL_VOID_NONE)
			b->counts[CL__CNT_STATE + CL_ST_VALID]++;
		break;
	default:
		r->void_reason = index_change(b, s, pos);
		break;
	}
	b->counts[s->ev.type - 1]++;
	if (r->void_reason != CL_VOID_NONE)
		b->counts[CL__CNT_VOID]++;
	r->acc = CL_ACC_ACCEPTED;
	r->pos = pos;
}

/*
 * Keep s off the chain of its feed: an event of another branch past the
 * fork point.  Every node that is given the same events then holds the
 * same ones, whichever branch it took for its chain, so it can index them
 * alike: ISSUEs (all answer disputed), DEFINEs, and an authority's
 * ACCREDITs and WITHDRAWs (effect ignores those past its fork).  Status
 * changes past the fork change nothing, so they are only kept.
 */
static uint64_t
aside(struct batch *b, struct cl_submit *s)
{
	uint8_t		fk[CL__FORK_KLEN], pv[8];
	uint64_t	pos = log_append(b, s);

	memcpy(fk, s->ev.author, CL_PK_LEN);
	cl_store_be64(fk + CL_PK_LEN, s->ev.seq);
	memcpy(fk + CL__FEED_KLEN, s->id, CL_ID_LEN);
	cl_store_be64(pv, pos);
	cl_store_put(&b->t, CL_DB_FORK, fk, sizeof(fk), pv, 8,
	    CL_PUT_NOOVERWRITE);
	switch (s->ev.type) {
	case CL_EV_ACCREDIT:
	case CL_EV_WITHDRAW:
		index_accred(b, &s->ev, pos);
		break;
	case CL_EV_DEFINE:
		index_define(b, s, pos);
		break;
	case CL_EV_ISSUE:
		(void)index_issue(b, s, pos);
		b->counts[CL__CNT_CREDS]++;
		break;
	default:
		break;
	}
	b->counts[s->ev.type - 1]++;
	return pos;
}

/* Is s held off its feed's chain already? */
static bool
held_aside(struct batch *b, const struct cl_submit *s)
{
	uint8_t		fk[CL__FORK_KLEN];
	struct cl_val	v;

	memcpy(fk, s->ev.author, CL_PK_LEN);
	cl_store_be64(fk + CL_PK_LEN, s->ev.seq);
	memcpy(fk + CL__FEED_KLEN, s->id, CL_ID_LEN);
	return cl_store_get(&b->t, CL_DB_FORK, fk, sizeof(fk), &v);
}

/*
 * An event of a feed forked at or below its seq: held past the fork, up to
 * CL_FORK_HELD_MAX events of the feed.
 */
static void
disputed(struct batch *b, struct cl_submit *s, struct cl_head *h,
    struct cl_result *r)
{
	if (held_aside(b, s)) {
		r->acc = CL_ACC_DUPLICATE;
		return;
	}
	if (h->fork_held >= CL_FORK_HELD_MAX) {
		r->acc = CL_ACC_FORK_FULL;
		return;
	}
	r->pos = aside(b, s);
	h->fork_held++;
	head_put(b, s->ev.author, h);
	r->acc = CL_ACC_DISPUTED;
}

/*
 * s claims seq <= head: the same event again, or an equivocation.  The
 * fork point is the lowest seq at which two held events of the author
 * differ; everything the author signed from there on is held but changes
 * no status (DESIGN §4).  Lowering it counts the chain events it passes.
 */
static void
conflict(struct batch *b, struct cl_submit *s, struct cl_head *h,
    struct cl_result *r)
{
	uint8_t		k[CL__FEED_KLEN];
	struct cl_val	v;
	uint64_t	top;

	memcpy(k, s->ev.author, CL_PK_LEN);
	cl_store_be64(k + CL_PK_LEN, s->ev.seq);
	if (!cl_store_get(&b->t, CL_DB_FEED, k, sizeof(k), &v) ||
	    v.len != CL__FEED_LEN) {
		if (b->t.err == CL_OK)
			b->t.err = CL_ESTORE;	/* feeds have no holes */
		return;
	}
	if (memcmp(v.ptr, s->id, CL_ID_LEN) == 0) {
		r->acc = CL_ACC_DUPLICATE;
		return;
	}
	if (s->no_fork) {
		r->acc = held_aside(b, s) ? CL_ACC_DUPLICATE : CL_ACC_STALE;
		r->head_seq = h->seq;
		return;
	}
	if (h->fork_seq != 0 && h->fork_seq <= s->ev.seq) {
		disputed(b, s, h, r);
		return;
	}
	if (held_aside(b, s)) {		/* cannot be: it would be the fork */
		b->t.err = CL_ESTORE;
		return;
	}
	/* chain events now at or past the fork: seq .. top */
	top = h->fork_seq != 0 ? h->fork_seq - 1 : h->seq;
	if (h->fork_seq == 0)
		b->counts[CL__CNT_FORKS]++;
	h->fork_held += top - s->ev.seq + 1 + 1;
	h->fork_seq = s->ev.seq;
	r->pos = aside(b, s);
	head_put(b, s->ev.author, h);
	r->acc = CL_ACC_FORK;
}

static void
apply_one(struct batch *b, struct cl_submit *s, struct cl_result *r)
{
	struct cl_head	h;
	const uint8_t	*author = s->ev.author;

	memset(r, 0, sizeof(*r));
	if (s->err != CL_OK) {
		r->acc = CL_ACC_REJECTED;
		r->err = s->err;
		r->field = s->where.field;
		return;
	}
	memcpy(r->id, s->id, CL_ID_LEN);
	if (cl_ev_is_authority_type(s->ev.type)) {
		if (cl_genesis_find(&b->l->genesis, author) < 0) {
			r->acc = CL_ACC_REJECTED;
			r->err = CL_EBADAUTHOR;
			r->field = "author";
			return;
		}
	} else if (!is_accredited(b, author)) {
		r->acc = CL_ACC_UNKNOWN_AUTHOR;
		return;
	}
	head_get(b, author, &h);
	if (s->ev.seq <= h.seq) {
		conflict(b, s, &h, r);
	} else if (h.fork_seq != 0) {
		disputed(b, s, &h, r);	/* a forked chain never grows */
	} else if (s->ev.seq > h.seq + 1) {
		r->acc = CL_ACC_GAP;
		r->head_seq = h.seq;
	} else if (s->ev.seq > 1 && memcmp(s->ev.prev, h.id, CL_ID_LEN) != 0) {
		r->acc = CL_ACC_PREV_MISMATCH;
		r->head_seq = h.seq;
	} else {
		append(b, s, &h, r);
	}
}

static void
counts_add(struct batch *b)
{
	struct cl_val	v;
	uint8_t		rec[8 * CL__COUNTS_N];
	int		i;

	memset(rec, 0, sizeof(rec));
	if (cl_store_get(&b->t, CL_DB_META, CL__META_COUNTS,
	    strlen(CL__META_COUNTS), &v)) {
		if (v.len != sizeof(rec)) {
			b->t.err = CL_ESTORE;	/* counts_upgrade() at open */
			return;
		}
		memcpy(rec, v.ptr, sizeof(rec));
	}
	for (i = 0; i < CL__COUNTS_N; i++)
		cl_store_be64(rec + 8 * i,
		    cl_store_load64(rec + 8 * i) + b->counts[i]);
	cl_store_put(&b->t, CL_DB_META, CL__META_COUNTS,
	    strlen(CL__META_COUNTS), rec, sizeof(rec), 0);
}

cl_err
cl_ledger_write(struct cl_ledger *l, const struct cl_apply_part *parts,
    size_t nparts, uint64_t *log_size)
{
	struct batch	b;
	size_t		i, p;
	cl_err		err;

	if (!batch_init(&b, l))
		return CL_ENOMEM;
	cl_store_begin(&l->st, &b.t, true);
	for (p = 0; p < nparts; p++)
		for (i = 0; i < parts[p].n && b.t.err == CL_OK; i++)
			apply_one(&b, &parts[p].in[i], &parts[p].out[i]);
	flush_indexes(&b);
	counts_add(&b);
	if ((err = cl_store_end(&b.t)) == CL_OK)
		*log_size = b.pos;
	return err;
}

cl_err
cl_ledger_apply_parts(struct cl_ledger *l, const struct cl_apply_part *parts,
    size_t nparts)
{
	uint64_t	size;
	cl_err		err;

	/* On CL_EMAPFULL nothing of the batch is stored: grow, go again. */
	while ((err = cl_ledger_write(l, parts, nparts, &size)) ==
	    CL_EMAPFULL)
		if ((err = cl_store_grow(&l->st)) != CL_OK)
			return err;
	if (err == CL_OK)
		l->log_size = size;
	return err;
}

cl_err
cl_ledger_apply(struct cl_ledger *l, struct cl_submit *in, size_t n,
    struct cl_result *out)
{
	struct cl_apply_part	part = { in, n, out };

	return cl_ledger_apply_parts(l, &part, 1);
}
