/* SPDX-License-Identifier: Apache-2.0 */
/* Proof bundles: encode, and check without a store. */
#include "bundle.h"

#include <stdlib.h>
#include <string.h>

#include "canon.h"

cl_err
cl_bundle_encode(const uint8_t *const *ev, const size_t *ev_len, uint32_t n,
    uint8_t *out, size_t cap, size_t *len)
{
	struct cl__w	w;
	uint32_t	i;

	if (n == 0 || n > CL_BUNDLE_EVENTS_MAX)
		return CL_ETOOBIG;
	cl__w_init(&w, out, cap);
	cl__w_array(&w, n);
	for (i = 0; i < n; i++) {
		if (ev_len[i] > CL_EVENT_MAX)
			return CL_ETOOBIG;
		cl__w_bin(&w, ev[i], ev_len[i]);
	}
	*len = w.len;
	return w.err;
}

void
cl_bundle_free(struct cl_bundle *b)
{
	uint32_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->ev_cnt && b->ev != NULL; i++)
		cl_ev_free(&b->ev[i]);
	free(b->ev);
	free(b->id);
	memset(b, 0, sizeof(*b));
}

/* Decode the array and every event in it, verifying each signature. */
static cl_err
load(struct cl_bundle *b, const struct cl_genesis *g, const uint8_t *in,
    size_t len, bool verify, struct cl_where *where)
{
	msgpack_zone	 zone;
	msgpack_object	 obj;
	uint8_t		*again = NULL;
	size_t		 again_len;
	uint32_t	 i;
	cl_err		 err;

	if (len > CL_BUNDLE_MAX)
		return CL_ETOOBIG;
	if (!msgpack_zone_init(&zone, 4096))
		return CL_ENOMEM;
	err = cl__parse(in, len, &zone, &obj);
	if (err == CL_OK && obj.type != MSGPACK_OBJECT_ARRAY)
		err = CL_EBADTYPE;
	if (err == CL_OK && (obj.via.array.size == 0 ||
	    obj.via.array.size > CL_BUNDLE_EVENTS_MAX))
		err = CL_ETOOBIG;
	if (err == CL_OK) {
		b->ev = calloc(obj.via.array.size, sizeof(*b->ev));
		b->id = calloc(obj.via.array.size, sizeof(*b->id));
		if (b->ev == NULL || b->id == NULL)
			err = CL_ENOMEM;
	}
	for (i = 0; err == CL_OK && i < obj.via.array.size; i++) {
		const msgpack_object *o = &obj.via.array.ptr[i];

		if (o->type != MSGPACK_OBJECT_BIN) {
			err = CL_EBADTYPE;
			break;
		}
		err = cl_ev_decode(&b->ev[i], (const uint8_t *)o->via.bin.ptr,
		    o->via.bin.size, where);
		if (err == CL_OK)
			b->ev_cnt = i + 1;
		if (err == CL_OK)
			err = verify ? cl_ev_verify(&b->ev[i], g->netid,
			    b->id[i]) : cl_ev_id(&b->ev[i], g->netid, b->id[i]);
	}
	/* canonical: re-encode the array around the same events */
	if (err == CL_OK && (again = malloc(len)) == NULL)
		err = CL_ENOMEM;
	if (err == CL_OK) {
		const uint8_t	*evp[CL_BUNDLE_EVENTS_MAX];
		size_t		 evl[CL_BUNDLE_EVENTS_MAX];

		for (i = 0; i < b->ev_cnt; i++) {
			evp[i] = b->ev[i].raw;
			evl[i] = b->ev[i].raw_len;
		}
		err = cl_bundle_encode(evp, evl, b->ev_cnt, again, len,
		    &again_len);
		if (err != CL_OK || again_len != len ||
		    memcmp(again, in, len) != 0)
			err = CL_ENONCANON;
	}
	free(again);
	msgpack_zone_destroy(&zone);
	return err;
}

static bool
same_feed_seq(const struct cl_event *a, const struct cl_event *b)
{
	return a->seq == b->seq &&
	    memcmp(a->author, b->author, CL_PK_LEN) == 0;
}

/* The lowest seq at which two bundle events of author differ; or MAX. */
static uint64_t
fork_of(const struct cl_bundle *b, const uint8_t *author)
{
	uint64_t	fork = UINT64_MAX;
	uint32_t	i, j;

	for (i = 0; i < b->ev_cnt; i++) {
		if (memcmp(b->ev[i].author, author, CL_PK_LEN) != 0)
			continue;
		for (j = i + 1; j < b->ev_cnt; j++)
			if (same_feed_seq(&b->ev[i], &b->ev[j]) &&
			    b->ev[i].seq < fork)
				fork = b->ev[i].seq;
	}
	return fork;
}

/* Is event i one of a fork pair of the issuer or of a genesis authority? */
static bool
in_fork_pair(const struct cl_bundle *b, const struct cl_genesis *g,
    uint32_t i)
{
	uint32_t	j;

	if (memcmp(b->ev[i].author, b->ev[b->issue].author, CL_PK_LEN) != 0 &&
	    cl_genesis_find(g, b->ev[i].author) < 0)
		return false;
	for (j = 0; j < b->ev_cnt; j++)
		if (j != i && same_feed_seq(&b->ev[i], &b->ev[j]))
			return true;
	return false;
}

static cl_err
bad(struct cl_where *where, const char *what)
{
	if (where != NULL)
		where->field = what;
	return CL_EBUNDLE;
}

static cl_err	check(struct cl_bundle *, const struct cl_genesis *,
		    const uint8_t *, size_t, const uint8_t *, uint64_t, bool,
		    struct cl_where *);

cl_err
cl_bundle_check(struct cl_bundle *b, const struct cl_genesis *g,
    const uint8_t *in, size_t len, const uint8_t cred[static CL_ID_LEN],
    uint64_t now, struct cl_where *where)
{
	return check(b, g, in, len, cred, now, true, where);
}

cl_err
cl_bundle_check_held(struct cl_bundle *b, const struct cl_genesis *g,
    const uint8_t *in, size_t len, const uint8_t cred[static CL_ID_LEN],
    uint64_t now, struct cl_where *where)
{
	return check(b, g, in, len, cred, now, false, where);
}

static cl_err
check(struct cl_bundle *b, const struct cl_genesis *g, const uint8_t *in,
    size_t len, const uint8_t *cred, uint64_t now, bool verify,
    struct cl_where *where)
{
	const struct cl_event	*is, *e;
	struct cl_change	 ch[CL_CRED_CHANGES_MAX];
	int			 chidx[CL_CRED_CHANGES_MAX];
	struct cl_status_in	 sin;
	uint64_t		 best = UINT64_MAX, afork;
	uint32_t		 i, j, n = 0;
	cl_err			 err;

	memset(b, 0, sizeof(*b));
	b->issue = b->define = b->accredit = b->last_change = -1;
	memcpy(b->credential, cred, CL_ID_LEN);
	if (where != NULL)
		where->field = NULL;
	if ((err = load(b, g, in, len, verify, where)) != CL_OK)
		goto fail;
	for (i = 0; i < b->ev_cnt; i++) {
		for (j = 0; j < i; j++)
			if (memcmp(b->id[i], b->id[j], CL_ID_LEN) == 0) {
				err = bad(where, "an event twice");
				goto fail;
			}
		if (b->ev[i].type == CL_EV_ISSUE &&
		    memcmp(b->id[i], cred, CL_ID_LEN) == 0)
			b->issue = (int)i;
	}
	if (b->issue < 0) {
		err = bad(where, "no ISSUE of this credential");
		goto fail;
	}
	is = &b->ev[b->issue];
	cl_window_init(&sin.win);
	sin.win.fork = fork_of(b, is->author);
	for (i = 0; i < b->ev_cnt; i++) {
		e = &b->ev[i];
		if ((int)i == b->issue)
			continue;
		switch (e->type) {
		case CL_EV_DEFINE:
			if (memcmp(e->author, is->author, CL_PK_LEN) == 0 &&
			    memcmp(b->id[i], is->body.issue.achievement,
			    CL_ID_LEN) == 0 && e->seq < is->seq) {
				b->define = (int)i;
				continue;
			}
			break;
		case CL_EV_SUSPEND: case CL_EV_REINSTATE: case CL_EV_REVOKE:
			if (memcmp(e->author, is->author, CL_PK_LEN) == 0 &&
			    memcmp(e->body.status.credential, cred,
			    CL_ID_LEN) == 0 && e->seq > is->seq) {
				if (n == CL_CRED_CHANGES_MAX) {
					err = bad(where, "too many changes");
					goto fail;
				}
				ch[n].seq = e->seq;
				ch[n].type = (uint8_t)e->type;
				chidx[n++] = (int)i;
				continue;
			}
			break;
		case CL_EV_ACCREDIT: case CL_EV_WITHDRAW:
			/* both bodies start with the issuer key */
			if (cl_genesis_find(g, e->author) < 0 ||
			    memcmp(e->type == CL_EV_ACCREDIT ?
			    e->body.accredit.issuer : e->body.withdraw.issuer,
			    is->author, CL_PK_LEN) != 0)
				break;
			afork = fork_of(b, e->author);
			if (afork <= e->seq)
				continue;	/* written past its fork */
			if (e->type == CL_EV_WITHDRAW) {
				cl_window_withdraw(&sin.win,
				    e->body.withdraw.after_seq);
			} else {
				cl_window_accredit(&sin.win,
				    e->body.accredit.from_seq);
				if (e->body.accredit.from_seq < best) {
					best = e->body.accredit.from_seq;
					b->accredit = (int)i;
				}
			}
			continue;
		default:
			break;
		}
		if (!in_fork_pair(b, g, i)) {
			err = bad(where, "an event the answer does not rest "
			    "on");
			goto fail;
		}
	}
	/* changes in feed order; two at one seq would be a fork pair */
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && ch[j - 1].seq > ch[j].seq; j--) {
			struct cl_change tc = ch[j];
			int ti = chidx[j];

			ch[j] = ch[j - 1];
			chidx[j] = chidx[j - 1];
			ch[j - 1] = tc;
			chidx[j - 1] = ti;
		}
	}
	sin.issue_seq = is->seq;
	sin.issue_void = b->define < 0 ? CL_VOID_NO_DEFINE : CL_VOID_NONE;
	sin.valid_until = is->body.issue.valid_until;
	sin.changes = ch;
	sin.changes_cnt = n;
	sin.now = now;
	cl_status_eval(&sin, &b->result);
	if (b->result.last_change >= 0)
		b->last_change = chidx[b->result.last_change];
	return CL_OK;
fail:
	cl_bundle_free(b);
	b->issue = b->define = b->accredit = b->last_change = -1;
	return err;
}
