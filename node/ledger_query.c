/* SPDX-License-Identifier: Apache-2.0 */
/* Ledger queries: heads, credentials with their proofs, indexes, digest. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bundle.h"
#include "ledger_rec.h"
#include "merkle.h"

static const char state_tag[] = "credledger/state/v1";

bool
cl__cred_find(struct cl_txn *t, const uint8_t *id, struct cl__cred *c)
{
	struct cl_iter	 it;
	struct cl_val	 k, v, r;
	bool		 found = false;

	cl_store_iter_begin(t, &it, CL_DB_CREDID, id, CL__REF_PART, NULL, 0);
	while (!found && cl_store_iter_next(&it, &k, &v)) {
		if (k.len != CL__CREDID_KLEN) {
			t->err = CL_ESTORE;
			break;
		}
		if (!cl_store_get(t, CL_DB_CRED,
		    (const uint8_t *)k.ptr + CL__REF_PART, 8, &r) ||
		    r.len != CL__CREDV_LEN) {
			if (t->err == CL_OK)
				t->err = CL_ESTORE;	/* no dangling parts */
			break;
		}
		if (memcmp(r.ptr, id, CL_ID_LEN) != 0)
			continue;		/* another id's part */
		cl__cred_unpack(c, (const uint8_t *)r.ptr + CL_ID_LEN);
		found = true;
	}
	cl_store_iter_end(&it);
	return found;
}

bool
cl__accredited(struct cl_txn *t, const uint8_t *author)
{
	struct cl_iter	it;
	struct cl_val	k, v;
	bool		found = false;

	cl_store_iter_begin(t, &it, CL_DB_ACCRED, author, CL_PK_LEN, NULL, 0);
	while (!found && cl_store_iter_next(&it, &k, &v))
		found = v.len == CL__ACCRED_LEN &&
		    ((const uint8_t *)v.ptr)[0] == CL__ACCRED_GRANT;
	cl_store_iter_end(&it);
	return found;
}

void
cl__head_read(struct cl_txn *t, const uint8_t *author, struct cl_head *h)
{
	struct cl_val	 v;
	const uint8_t	*p;

	memset(h, 0, sizeof(*h));
	if (!cl_store_get(t, CL_DB_HEAD, author, CL_PK_LEN, &v))
		return;
	if (v.len != CL__HEAD_LEN) {
		t->err = CL_ESTORE;
		return;
	}
	p = v.ptr;
	h->seq = cl_store_load64(p);
	memcpy(h->id, p + 8, CL_ID_LEN);
	h->fork_seq = cl_store_load64(p + 40);
	h->pos = cl_store_load64(p + 48);
	h->fork_held = cl_store_load64(p + 56);
}

cl_err
cl__merkle_get(void *arg, unsigned level, uint64_t index, uint8_t *out)
{
	struct cl_txn	*t = arg;
	struct cl_val	 v;
	uint8_t		 k[CL__MERKLE_KLEN];

	cl__merkle_key(k, level, index);
	if (!cl_store_get(t, CL_DB_MERKLE, k, sizeof(k), &v) ||
	    v.len != CL_HASH_LEN)
		return t->err != CL_OK ? t->err : CL_ESTORE;
	memcpy(out, v.ptr, CL_HASH_LEN);
	return CL_OK;
}

cl_err
cl_ledger_checkpoint_put(struct cl_ledger *l, const struct cl_checkpoint *c)
{
	struct cl_txn	t;
	uint8_t		k[8], v[CL__CKPT_LEN];

	if (memcmp(c->network, l->genesis.netid, CL_ID_LEN) != 0)
		return CL_ENETWORK;
	cl_store_be64(k, c->time);
	cl_store_be64(v, c->size);
	memcpy(v + 8, c->root, CL_ID_LEN);
	memcpy(v + 8 + CL_ID_LEN, c->node, CL_PK_LEN);
	memcpy(v + 8 + CL_ID_LEN + CL_PK_LEN, c->sig, CL_SIG_LEN);
	cl_store_begin(&l->st, &t, true);
	cl_store_put(&t, CL_DB_CHECKPOINT, k, sizeof(k), v, sizeof(v), 0);
	return cl_store_end(&t);
}

cl_err
cl_ledger_checkpoints(struct cl_ledger *l, uint64_t from,
    struct cl_checkpoint *out, uint32_t max, uint32_t *cnt, bool *more)
{
	struct cl_txn	 t;
	struct cl_iter	 it;
	struct cl_val	 k, v;
	const uint8_t	*p;
	uint8_t		 start[8];

	*cnt = 0;
	*more = false;
	cl_store_be64(start, from);
	cl_store_begin(&l->st, &t, false);
	cl_store_iter_begin(&t, &it, CL_DB_CHECKPOINT, NULL, 0, start, 8);
	while (cl_store_iter_next(&it, &k, &v)) {
		if (k.len != 8 || v.len != CL__CKPT_LEN) {
			t.err = CL_ESTORE;
			break;
		}
		if (*cnt == max) {
			*more = true;
			break;
		}
		p = v.ptr;
		memcpy(out[*cnt].network, l->genesis.netid, CL_ID_LEN);
		out[*cnt].time = cl_store_load64(k.ptr);
		out[*cnt].size = cl_store_load64(p);
		memcpy(out[*cnt].root, p + 8, CL_ID_LEN);
		memcpy(out[*cnt].node, p + 8 + CL_ID_LEN, CL_PK_LEN);
		memcpy(out[*cnt].sig, p + 8 + CL_ID_LEN + CL_PK_LEN,
		    CL_SIG_LEN);
		(*cnt)++;
	}
	cl_store_iter_end(&it);
	return cl_store_end(&t);
}

cl_err
cl_ledger_checkpoint_last(struct cl_ledger *l, uint64_t *size)
{
	struct cl_txn	t;
	struct cl_val	k, v;

	*size = 0;
	cl_store_begin(&l->st, &t, false);
	if (cl_store_last(&t, CL_DB_CHECKPOINT, &k, &v)) {
		if (v.len != CL__CKPT_LEN)
			t.err = CL_ESTORE;
		else
			*size = cl_store_load64(v.ptr);
	}
	return cl_store_end(&t);
}

/* The size the tree has: the log's, as committed. */
static cl_err
tree_size(struct cl_ledger *l, uint64_t size)
{
	return size <= l->log_size ? CL_OK : CL_ERANGE;
}

cl_err
cl_ledger_root(struct cl_ledger *l, uint64_t size, uint8_t root[static 32])
{
	struct cl_txn	t;
	cl_err		err;

	if ((err = tree_size(l, size)) != CL_OK)
		return err;
	cl_store_begin(&l->st, &t, false);
	if (t.err == CL_OK)
		t.err = cl_merkle_root(cl__merkle_get, &t, size, root);
	return cl_store_end(&t);
}

cl_err
cl_ledger_inclusion(struct cl_ledger *l, uint64_t m, uint64_t size,
    uint8_t (*proof)[32], unsigned *cnt)
{
	struct cl_txn	t;
	cl_err		err;

	*cnt = 0;
	if ((err = tree_size(l, size)) != CL_OK)
		return err;
	cl_store_begin(&l->st, &t, false);
	if (t.err == CL_OK)
		t.err = cl_merkle_inclusion(cl__merkle_get, &t, m, size, proof,
		    cnt);
	return cl_store_end(&t);
}

cl_err
cl_ledger_consistency(struct cl_ledger *l, uint64_t m, uint64_t size,
    uint8_t (*proof)[32], unsigned *cnt)
{
	struct cl_txn	t;
	cl_err		err;

	*cnt = 0;
	if ((err = tree_size(l, size)) != CL_OK)
		return err;
	cl_store_begin(&l->st, &t, false);
	if (t.err == CL_OK)
		t.err = cl_merkle_consistency(cl__merkle_get, &t, m, size,
		    proof, cnt);
	return cl_store_end(&t);
}

cl_err
cl_ledger_head(struct cl_ledger *l, const uint8_t author[static CL_PK_LEN],
    struct cl_head *h)
{
	struct cl_txn	t;
	cl_err		err;

	cl_store_begin(&l->st, &t, false);
	cl__head_read(&t, author, h);
	if ((err = cl_store_end(&t)) != CL_OK)
		return err;
	return h->seq == 0 ? CL_ENOTFOUND : CL_OK;
}

static bool
feed_get(struct cl_txn *t, const uint8_t *author, uint64_t seq, uint8_t *id,
    uint64_t *pos)
{
	uint8_t		k[CL__FEED_KLEN];
	struct cl_val	v;

	memcpy(k, author, CL_PK_LEN);
	cl_store_be64(k + CL_PK_LEN, seq);
	if (!cl_store_get(t, CL_DB_FEED, k, sizeof(k), &v))
		return false;
	if (v.len != CL__FEED_LEN) {
		t->err = CL_ESTORE;
		return false;
	}
	if (id != NULL)
		memcpy(id, v.ptr, CL_ID_LEN);
	*pos = cl_store_load64((const uint8_t *)v.ptr + CL_ID_LEN);
	return true;
}

cl_err
cl_ledger_feed_at(struct cl_ledger *l, const uint8_t author[static CL_PK_LEN],
    uint64_t seq, uint8_t id[static CL_ID_LEN], uint64_t *pos)
{
	struct cl_txn	t;
	bool		found;
	cl_err		err;

	cl_store_begin(&l->st, &t, false);
	found = feed_get(&t, author, seq, id, pos);
	if ((err = cl_store_end(&t)) != CL_OK)
		return err;
	return found ? CL_OK : CL_ENOTFOUND;
}

cl_err
cl_ledger_event_at(struct cl_ledger *l, uint64_t pos, uint8_t **out,
    size_t *len)
{
	struct cl_txn	t;
	struct cl_val	v;
	uint8_t		k[8];
	cl_err		err = CL_ENOTFOUND, err2;

	*out = NULL;
	*len = 0;
	cl_store_be64(k, pos);
	cl_store_begin(&l->st, &t, false);
	if (cl_store_get(&t, CL_DB_LOG, k, 8, &v)) {
		if ((*out = malloc(v.len ? v.len : 1)) == NULL) {
			err = CL_ENOMEM;
		} else {
			memcpy(*out, v.ptr, v.len);
			*len = v.len;
			err = CL_OK;
		}
	}
	if (t.err != CL_OK)
		err = t.err;
	t.err = err == CL_ENOTFOUND ? CL_OK : err;
	if ((err2 = cl_store_end(&t)) != CL_OK)
		err = err2;
	if (err != CL_OK) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/* Positions of the proof being gathered; overflow sticks as CL_ETOOBIG. */
struct proof {
	struct cl_cred_answer	*a;
	cl_err			 err;
};

static void
proof_add(struct proof *p, uint64_t pos)
{
	uint32_t	i;

	if (p == NULL || p->err != CL_OK)
		return;
	for (i = 0; i < p->a->proof_cnt; i++)
		if (p->a->proof[i] == pos)
			return;
	if (p->a->proof_cnt == CL_BUNDLE_EVENTS_MAX) {
		p->err = CL_ETOOBIG;
		return;
	}
	p->a->proof[p->a->proof_cnt++] = pos;
}

/* A forked feed's proof: its event at the fork point and one other. */
static void
proof_fork(struct cl_txn *t, struct proof *p, const uint8_t *author,
    uint64_t fork_seq)
{
	struct cl_iter	it;
	struct cl_val	k, v;
	uint8_t		pre[CL__FEED_KLEN];
	uint64_t	pos;

	if (p == NULL)
		return;
	if (feed_get(t, author, fork_seq, NULL, &pos))
		proof_add(p, pos);
	memcpy(pre, author, CL_PK_LEN);
	cl_store_be64(pre + CL_PK_LEN, fork_seq);
	cl_store_iter_begin(t, &it, CL_DB_FORK, pre, sizeof(pre), NULL, 0);
	if (cl_store_iter_next(&it, &k, &v) && v.len == 8)
		proof_add(p, cl_store_load64(v.ptr));
	cl_store_iter_end(&it);
}

/*
 * The issuer's effective window from the ACCREDITs and WITHDRAWs held.
 * Those an authority wrote at or after its own fork point do not count.
 * With p, the proof gets what determines the window and nothing more: the
 * issuer's fork proof, the effective ACCREDIT with the lowest from_seq and
 * the effective WITHDRAW with the lowest after_seq (others only widen or
 * repeat them), so a proof stays small however many there are.  With
 * first, the position of that ACCREDIT.
 */
static void
window_of(struct cl_txn *t, const uint8_t *issuer, struct cl_window *w,
    struct proof *p, uint64_t *first)
{
	struct cl_iter	 it;
	struct cl_val	 k, v;
	struct cl_head	 h;
	const uint8_t	*kp, *vp;
	uint64_t	 aseq, val, grant = UINT64_MAX, withdraw = UINT64_MAX;

	cl_window_init(w);
	cl__head_read(t, issuer, &h);
	if (h.fork_seq != 0) {
		w->fork = h.fork_seq;
		proof_fork(t, p, issuer, h.fork_seq);
	}
	cl_store_iter_begin(t, &it, CL_DB_ACCRED, issuer, CL_PK_LEN, NULL, 0);
	while (cl_store_iter_next(&it, &k, &v)) {
		if (k.len != CL__ACCRED_KLEN || v.len != CL__ACCRED_LEN) {
			t->err = CL_ESTORE;
			break;
		}
		kp = k.ptr;
		vp = v.ptr;
		aseq = cl_store_load64(kp + 2 * CL_PK_LEN);
		val = cl_store_load64(vp + 1);
		cl__head_read(t, kp + CL_PK_LEN, &h);
		if (h.fork_seq != 0 && h.fork_seq <= aseq)
			continue;
		if (vp[0] == CL__ACCRED_GRANT && val < w->from) {
			cl_window_accredit(w, val);
			grant = cl_store_load64(vp + 9);
		} else if (vp[0] == CL__ACCRED_WITHDRAW && val < w->after) {
			cl_window_withdraw(w, val);
			withdraw = cl_store_load64(vp + 9);
		}
	}
	cl_store_iter_end(&it);
	if (grant != UINT64_MAX)
		proof_add(p, grant);
	if (withdraw != UINT64_MAX)
		proof_add(p, withdraw);
	if (first != NULL)
		*first = grant;
}

cl_err
cl_ledger_window(struct cl_ledger *l, const uint8_t issuer[static CL_PK_LEN],
    struct cl_window *w)
{
	struct cl_txn	t;

	cl_store_begin(&l->st, &t, false);
	window_of(&t, issuer, w, NULL, NULL);
	return cl_store_end(&t);
}

cl_err
cl_ledger_accredit_pos(struct cl_ledger *l,
    const uint8_t issuer[static CL_PK_LEN], uint64_t *pos)
{
	struct cl_txn		t;
	struct cl_window	w;
	cl_err			err;

	*pos = UINT64_MAX;
	cl_store_begin(&l->st, &t, false);
	window_of(&t, issuer, &w, NULL, pos);
	if ((err = cl_store_end(&t)) != CL_OK)
		return err;
	return *pos == UINT64_MAX ? CL_ENOTFOUND : CL_OK;
}

static bool
define_get(struct cl_txn *t, const uint8_t *id, uint64_t *pos)
{
	struct cl_val	v;

	if (!cl_store_get(t, CL_DB_ACHIEVEMENT, id, CL_ID_LEN, &v))
		return false;
	if (v.len != CL__ACH_LEN) {
		t->err = CL_ESTORE;
		return false;
	}
	*pos = cl_store_load64(v.ptr);
	return true;
}

cl_err
cl_ledger_define_pos(struct cl_ledger *l, const uint8_t id[static CL_ID_LEN],
    uint64_t *pos)
{
	struct cl_txn	t;
	bool		found;
	cl_err		err;

	cl_store_begin(&l->st, &t, false);
	found = define_get(&t, id, pos);
	if ((err = cl_store_end(&t)) != CL_OK)
		return err;
	return found ? CL_OK : CL_ENOTFOUND;
}

/*
 * The issuers, from the ACCRED index (issuer | authority | seq), one per
 * distinct issuer key.  Each gets window_of()'s window and ACCREDIT; its
 * WITHDRAW is the counted one whose after_seq set the window, found on
 * the way over the issuer's entries.
 */
cl_err
cl_ledger_issuers(struct cl_ledger *l, const uint8_t *after,
    struct cl_issuer_info *out, uint32_t max, uint32_t *cnt, bool *more)
{
	struct cl_txn		 t;
	struct cl_iter		 it;
	struct cl_val		 k, v;
	struct cl_head		 h;
	struct cl_issuer_info	*cur = NULL;
	const uint8_t		*kp, *vp;
	uint8_t			 start[CL_PK_LEN + 1];

	*cnt = 0;
	*more = false;
	cl_store_begin(&l->st, &t, false);
	if (after != NULL) {
		/* the first key past every key of after */
		memcpy(start, after, CL_PK_LEN);
		start[CL_PK_LEN] = 0xff;
	}
	cl_store_iter_begin(&t, &it, CL_DB_ACCRED, NULL, 0,
	    after != NULL ? start : NULL, after != NULL ? sizeof(start) : 0);
	while (cl_store_iter_next(&it, &k, &v)) {
		if (k.len != CL__ACCRED_KLEN || v.len != CL__ACCRED_LEN) {
			t.err = CL_ESTORE;
			break;
		}
		kp = k.ptr;
		vp = v.ptr;
		if (after != NULL && memcmp(kp, after, CL_PK_LEN) <= 0)
			continue;
		if (cur == NULL || memcmp(kp, cur->issuer, CL_PK_LEN) != 0) {
			if (*cnt == max) {
				*more = true;
				break;
			}
			cur = &out[(*cnt)++];
			memset(cur, 0, sizeof(*cur));
			memcpy(cur->issuer, kp, CL_PK_LEN);
			cur->accredit_pos = UINT64_MAX;
			cur->withdraw_pos = UINT64_MAX;
			window_of(&t, cur->issuer, &cur->win, NULL,
			    &cur->accredit_pos);
		}
		if (vp[0] != CL__ACCRED_WITHDRAW ||
		    cur->withdraw_pos != UINT64_MAX ||
		    cl_store_load64(vp + 1) != cur->win.after)
			continue;
		/* as window_of(): not one its authority wrote past a fork */
		cl__head_read(&t, kp + CL_PK_LEN, &h);
		if (h.fork_seq != 0 && h.fork_seq <= cl_store_load64(kp +
		    2 * CL_PK_LEN))
			continue;
		cur->withdraw_pos = cl_store_load64(vp + 9);
	}
	cl_store_iter_end(&it);
	return cl_store_end(&t);
}

/* The answer for credential id, inside the read txn t (its error set). */
static void
credential_in(struct cl_txn *tp, const uint8_t *id, uint64_t now,
    struct cl_cred_answer *a)
{
	struct cl_iter		 it;
	struct cl_val		 k, v;
	struct cl__cred		 c;
	struct cl_change	 ch[CL_CRED_CHANGES_MAX];
	uint64_t		 chpos[CL_CRED_CHANGES_MAX], pos;
	struct cl_status_in	 in;
	struct cl_status_out	 out;
	struct proof		 p = { a, CL_OK };
	uint32_t		 n = 0;
	const uint8_t		*vp;

	memset(a, 0, sizeof(*a));
	memcpy(a->id, id, CL_ID_LEN);
	a->status = CL_ST_UNKNOWN;
	a->status_pos = UINT64_MAX;
	if (!cl__cred_find(tp, id, &c))
		return;
	proof_add(&p, c.pos);
	window_of(tp, c.issuer, &a->win, &p, NULL);
	if (a->win.from == UINT64_MAX) {
		/*
		 * No effective ACCREDIT names the issuer.  Whether a node
		 * took its events at all depended on which branch of a
		 * forked authority it saw first, so the answer must not:
		 * such a credential is unknown, as on a node without it.
		 */
		a->proof_cnt = 0;
		return;
	}
	/*
	 * Only the issuer's own DEFINE proves anything: one of another
	 * feed is why the ISSUE is void, and a bundle with it is refused.
	 */
	if (c.seq < a->win.fork && c.issue_void == CL_VOID_NONE &&
	    define_get(tp, c.achievement, &pos))
		proof_add(&p, pos);
	cl_store_iter_begin(tp, &it, CL_DB_CREDEV, id, CL_ID_LEN, NULL, 0);
	while (cl_store_iter_next(&it, &k, &v) && n < CL_CRED_CHANGES_MAX) {
		if (k.len != CL__CREDEV_KLEN || v.len != CL__CREDEV_LEN) {
			tp->err = CL_ESTORE;
			break;
		}
		vp = v.ptr;
		ch[n].seq = cl_store_load64((const uint8_t *)k.ptr +
		    CL_ID_LEN);
		/* past the fork nothing counts, and nodes differ there */
		if (vp[1] != CL_VOID_NONE || ch[n].seq >= a->win.fork)
			continue;
		ch[n].type = vp[0];
		chpos[n] = cl_store_load64(vp + 2);
		proof_add(&p, chpos[n]);
		n++;
	}
	cl_store_iter_end(&it);

	in.issue_seq = c.seq;
	in.issue_void = (enum cl_void)c.issue_void;
	in.valid_until = c.valid_until;
	in.win = a->win;
	in.changes = ch;
	in.changes_cnt = n;
	in.now = now;
	cl_status_eval(&in, &out);
	a->status = out.status;
	a->void_reason = out.void_reason;
	if (out.last_change >= 0)
		a->status_pos = chpos[out.last_change];
	memcpy(a->issuer, c.issuer, CL_PK_LEN);
	memcpy(a->achievement, c.achievement, CL_ID_LEN);
	memcpy(a->holder, c.holder, CL_ID_LEN);
	memcpy(a->digest, c.digest, CL_ID_LEN);
	a->issue_seq = c.seq;
	a->issued_at = c.issued_at;
	a->valid_until = c.valid_until;
	if (tp->err == CL_OK)
		tp->err = p.err;
}

cl_err
cl_ledger_credential(struct cl_ledger *l, const uint8_t id[static CL_ID_LEN],
    uint64_t now, struct cl_cred_answer *a)
{
	struct cl_txn	t;

	cl_store_begin(&l->st, &t, false);
	credential_in(&t, id, now, a);
	return cl_store_end(&t);
}

cl_err
cl_ledger_credential_bundle(struct cl_ledger *l,
    const uint8_t id[static CL_ID_LEN], uint64_t now,
    struct cl_cred_answer *a, uint8_t **out, size_t *len)
{
	const uint8_t	*ev[CL_BUNDLE_EVENTS_MAX];
	size_t		 ev_len[CL_BUNDLE_EVENTS_MAX], cap = 16;
	struct cl_txn	 t;
	struct cl_val	 v;
	uint8_t		 k[8];
	uint32_t	 i;

	*out = NULL;
	*len = 0;
	cl_store_begin(&l->st, &t, false);
	credential_in(&t, id, now, a);
	/* the events as LMDB holds them: valid until the txn ends */
	for (i = 0; i < a->proof_cnt && t.err == CL_OK; i++) {
		cl_store_be64(k, a->proof[i]);
		if (!cl_store_get(&t, CL_DB_LOG, k, 8, &v)) {
			if (t.err == CL_OK)
				t.err = CL_ESTORE;
			break;
		}
		ev[i] = v.ptr;
		ev_len[i] = v.len;
		cap += v.len + 5;
	}
	if (t.err == CL_OK && a->proof_cnt > 0) {
		if ((*out = malloc(cap)) == NULL)
			t.err = CL_ENOMEM;
		else
			t.err = cl_bundle_encode(ev, ev_len, a->proof_cnt, *out,
			    cap, len);
	}
	if (t.err != CL_OK) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return cl_store_end(&t);
}

cl_err
cl_ledger_bundle(struct cl_ledger *l, const struct cl_cred_answer *a,
    uint8_t **out, size_t *len)
{
	uint8_t		*ev[CL_BUNDLE_EVENTS_MAX];
	size_t		 ev_len[CL_BUNDLE_EVENTS_MAX], cap = 16;
	uint32_t	 i, n = 0;
	cl_err		 err = CL_OK;

	*out = NULL;
	*len = 0;
	if (a->proof_cnt == 0)
		return CL_ENOTFOUND;	/* an unknown credential */
	memset(ev, 0, sizeof(ev));
	memset(ev_len, 0, sizeof(ev_len));
	for (i = 0; i < a->proof_cnt && err == CL_OK; i++) {
		err = cl_ledger_event_at(l, a->proof[i], &ev[n], &ev_len[n]);
		if (err == CL_OK)
			cap += ev_len[n++] + 5;
	}
	if (err == CL_OK && (*out = malloc(cap)) == NULL)
		err = CL_ENOMEM;
	if (err == CL_OK)
		err = cl_bundle_encode((const uint8_t *const *)ev, ev_len, n,
		    *out, cap, len);
	for (i = 0; i < n; i++)
		free(ev[i]);
	if (err != CL_OK) {
		free(*out);
		*out = NULL;
	}
	return err;
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CL_ID_LEN);
}

/*
 * ISSUE ids by holder or digest, in id order, at most
 * CL_QUERY_CREDS_MAX: the entries of db that start with the ref's part
 * come in the order of the ids' parts and name ISSUE positions; of the
 * records there, those that name the whole ref (ledger_rec.h).  Ids that
 * share a part come in position order, which differs between nodes, so
 * the answer is sorted, and it ends past the last of them.
 */
static cl_err
by_ref(struct cl_ledger *l, enum cl_db db, const uint8_t *ref,
    uint8_t (*ids)[CL_ID_LEN], uint32_t *cnt, bool *more)
{
	struct cl_txn	 t;
	struct cl_iter	 it;
	struct cl_val	 k, v, r;
	struct cl__cred	 c;
	uint8_t		(*got)[CL_ID_LEN] = NULL, (*p)[CL_ID_LEN];
	const uint8_t	*whole;
	uint8_t		 last[CL__REF_PART];
	size_t		 n = 0, cap = 0;

	*cnt = 0;
	*more = false;
	cl_store_begin(&l->st, &t, false);
	cl_store_iter_begin(&t, &it, db, ref, CL__REF_PART, NULL, 0);
	while (cl_store_iter_next(&it, &k, &v)) {
		if (k.len != CL__REF_KLEN) {
			t.err = CL_ESTORE;
			break;
		}
		if (!cl_store_get(&t, CL_DB_CRED,
		    (const uint8_t *)k.ptr + 2 * CL__REF_PART, 8, &r) ||
		    r.len != CL__CREDV_LEN) {
			if (t.err == CL_OK)
				t.err = CL_ESTORE;
			break;
		}
		cl__cred_unpack(&c, (const uint8_t *)r.ptr + CL_ID_LEN);
		whole = db == CL_DB_HOLDER ? c.holder : c.digest;
		if (memcmp(whole, ref, CL_ID_LEN) != 0)
			continue;		/* another ref's part */
		if (n >= CL_QUERY_CREDS_MAX &&
		    memcmp(r.ptr, last, CL__REF_PART) != 0) {
			*more = true;
			break;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : CL_QUERY_CREDS_MAX + 1;
			if ((p = realloc(got, cap * sizeof(*got))) == NULL) {
				t.err = CL_ENOMEM;
				break;
			}
			got = p;
		}
		memcpy(got[n++], r.ptr, CL_ID_LEN);
		memcpy(last, r.ptr, CL__REF_PART);
	}
	cl_store_iter_end(&it);
	if (n > 0)
		qsort(got, n, sizeof(*got), id_cmp);
	if (n > CL_QUERY_CREDS_MAX) {
		n = CL_QUERY_CREDS_MAX;
		*more = true;
	}
	if (n > 0)
		memcpy(ids, got, n * sizeof(*got));
	*cnt = (uint32_t)n;
	free(got);
	return cl_store_end(&t);
}

cl_err
cl_ledger_by_holder(struct cl_ledger *l,
    const uint8_t holder[static CL_ID_LEN], uint8_t (*ids)[CL_ID_LEN],
    uint32_t *cnt, bool *more)
{
	return by_ref(l, CL_DB_HOLDER, holder, ids, cnt, more);
}

cl_err
cl_ledger_by_digest(struct cl_ledger *l,
    const uint8_t digest[static CL_ID_LEN], uint8_t (*ids)[CL_ID_LEN],
    uint32_t *cnt, bool *more)
{
	return by_ref(l, CL_DB_DIGEST, digest, ids, cnt, more);
}

cl_err
cl_ledger_counts(struct cl_ledger *l, struct cl_counts *c)
{
	struct cl_txn	 t;
	struct cl_val	 v;
	const uint8_t	*p;
	int		 i;

	memset(c, 0, sizeof(*c));
	cl_store_begin(&l->st, &t, false);
	if (cl_store_get(&t, CL_DB_META, CL__META_COUNTS,
	    strlen(CL__META_COUNTS), &v) && (v.len == 8 * CL__COUNTS_N ||
	    v.len == 8 * CL__COUNTS_N1)) {
		p = v.ptr;
		/* read-only on a store not yet upgraded: no states */
		for (i = 0; v.len == 8 * CL__COUNTS_N && i < 3; i++)
			c->by_state[i] = cl_store_load64(p +
			    8 * (CL__CNT_STATE + i));
		for (i = CL_EV_TYPE_MIN; i <= CL_EV_TYPE_MAX; i++)
			c->by_type[i] = cl_store_load64(p + 8 * (i - 1));
		c->void_events = cl_store_load64(p + 8 * CL__CNT_VOID);
		c->forks = cl_store_load64(p + 8 * CL__CNT_FORKS);
		c->credentials = cl_store_load64(p + 8 * CL__CNT_CREDS);
	}
	c->feeds = cl_store_count(&t, CL_DB_HEAD);
	c->log = l->log_size;
	return cl_store_end(&t);
}

/*
 * A disputed feed counts by its fork point and the number of events held
 * past it (of every branch, PROTOCOL.md §5): which branch a node took for
 * its chain depended on arrival order, and no answer depends on it.  The
 * feed of an issuer that no effective ACCREDIT names does not count:
 * whether a node holds it depended on arrival order (see
 * cl_ledger_credential()).
 */
bool
cl__feed_record(struct cl_ledger *l, struct cl_txn *t, const struct cl_val *k,
    const struct cl_val *v, uint8_t rec[static CL__FEED_REC_LEN])
{
	const uint8_t		*p = v->ptr;
	struct cl_window	 w;

	if (k->len != CL_PK_LEN || v->len != CL__HEAD_LEN) {
		t->err = CL_ESTORE;
		return false;
	}
	if (cl_genesis_find(&l->genesis, k->ptr) < 0) {
		window_of(t, k->ptr, &w, NULL, NULL);
		if (w.from == UINT64_MAX)
			return false;
	}
	memset(rec, 0, CL__FEED_REC_LEN);
	if (cl_store_load64(p + 40) != 0) {
		memcpy(rec, p + 40, 8);			/* fork_seq */
		memcpy(rec + 8, p + 56, 8);		/* fork_held */
		rec[8 + CL_ID_LEN] = 1;
	} else {
		memcpy(rec, p, 8 + CL_ID_LEN);		/* seq, id */
	}
	return true;
}

cl_err
cl_ledger_digest(struct cl_ledger *l, uint8_t digest[static CL_ID_LEN])
{
	crypto_hash_sha256_state	 hs;
	struct cl_txn			 t;
	struct cl_iter			 it;
	struct cl_val			 k, v;
	uint8_t				 rec[CL__FEED_REC_LEN];

	crypto_hash_sha256_init(&hs);
	crypto_hash_sha256_update(&hs, (const uint8_t *)state_tag,
	    sizeof(state_tag) - 1);
	cl_store_begin(&l->st, &t, false);
	cl_store_iter_begin(&t, &it, CL_DB_HEAD, NULL, 0, NULL, 0);
	while (cl_store_iter_next(&it, &k, &v) && t.err == CL_OK) {
		if (!cl__feed_record(l, &t, &k, &v, rec))
			continue;
		crypto_hash_sha256_update(&hs, k.ptr, CL_PK_LEN);
		crypto_hash_sha256_update(&hs, rec, sizeof(rec));
	}
	cl_store_iter_end(&it);
	crypto_hash_sha256_final(&hs, digest);
	return cl_store_end(&t);
}
