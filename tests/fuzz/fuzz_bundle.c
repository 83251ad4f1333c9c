/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the proof-bundle checker, against the fixed genesis of
 * seeds.c and the credential "i2-issue" of its world.  What passes must
 * satisfy the checker's promises (bundle.h): a status in range, indexes
 * that point at events of the right type, a status consistent with the
 * events it rests on, and the same answer whatever the order of the
 * events.  A broken invariant is a bug: abort().
 *
 * Byte mutations alone almost never keep an Ed25519 signature valid, so
 * the checker's logic past load() would go unexplored.  A custom mutator
 * therefore treats a bundle as the list of events it is: it drops, repeats,
 * swaps and reorders them, splices in valid signed events of the world, and
 * mutates the bytes of one event (or, sometimes, of the whole input).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "event.h"
#include "genesis.h"
#include "seeds.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t	LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t	LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
	    unsigned int seed);
size_t	LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1,
	    const uint8_t *d2, size_t s2, uint8_t *out, size_t max_out,
	    unsigned int seed);

/* Elements the mutator keeps track of: a few over the checker's limit. */
#define ELEM_MAX	(CL_BUNDLE_EVENTS_MAX + 4)
/* Room for one mutated element: a little over an event's limit. */
#define ELEM_ROOM	(CL_EVENT_MAX + 256)

/* A "now" past the credential's valid_until: VALID turns EXPIRED. */
#define LATER		2000000000000ull

static struct fz_world		*world;
static struct cl_genesis	 genesis;
static const struct fz_ev	*pool[FZ_EV_MAX];	/* valid events */
static uint32_t			 pool_cnt;

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_bundle: invariant broken: %s\n", what);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint32_t	i;

	world = fz_world_new();
	if (cl_genesis_decode(&genesis, world->net.genesis,
	    world->net.genesis_len, NULL) != CL_OK)
		abort();
	/* the bulk changes would crowd out the rest */
	for (i = 0; i < world->ev_cnt; i++)
		if (!world->ev[i].bulk)
			pool[pool_cnt++] = &world->ev[i];
	return 0;
}

static bool
is_change(uint64_t type)
{
	return type == CL_EV_SUSPEND || type == CL_EV_REINSTATE ||
	    type == CL_EV_REVOKE;
}

/* What bundle.h promises of a bundle that checked. */
static void
invariants(const struct cl_bundle *b)
{
	const struct cl_event	*is, *e;
	uint8_t			 id[CL_ID_LEN];
	uint32_t		 i;
	enum cl_cred_status	 st = b->result.status;

	if (b->ev_cnt < 1 || b->ev_cnt > CL_BUNDLE_EVENTS_MAX ||
	    b->ev == NULL || b->id == NULL)
		broken("event count");
	if ((unsigned)st > CL_ST_MAX ||
	    (unsigned)b->result.void_reason > CL_VOID_MAX)
		broken("status or void reason out of range");
	if ((st == CL_ST_VOID) != (b->result.void_reason != CL_VOID_NONE))
		broken("void reason without VOID, or VOID without reason");
	if (st == CL_ST_UNKNOWN)
		broken("a bundle with its ISSUE says UNKNOWN");
	for (i = 0; i < b->ev_cnt; i++) {
		if (b->ev[i].raw == NULL)
			broken("an event without its bytes");
		if (cl_ev_id(&b->ev[i], genesis.netid, id) != CL_OK ||
		    memcmp(id, b->id[i], CL_ID_LEN) != 0)
			broken("an event id is not the event's");
	}

	if (b->issue < 0 || (uint32_t)b->issue >= b->ev_cnt)
		broken("issue index");
	is = &b->ev[b->issue];
	if (is->type != CL_EV_ISSUE ||
	    memcmp(b->id[b->issue], world->cred, CL_ID_LEN) != 0 ||
	    memcmp(b->credential, world->cred, CL_ID_LEN) != 0)
		broken("the ISSUE is not the credential's");

	if (b->define >= (int)b->ev_cnt || b->define < -1)
		broken("define index");
	if (b->define >= 0) {
		e = &b->ev[b->define];
		if (e->type != CL_EV_DEFINE ||
		    memcmp(e->author, is->author, CL_PK_LEN) != 0 ||
		    e->seq >= is->seq ||
		    memcmp(b->id[b->define], is->body.issue.achievement,
		    CL_ID_LEN) != 0)
			broken("the DEFINE is not the ISSUE's");
	} else if (st != CL_ST_DISPUTED && (st != CL_ST_VOID ||
	    b->result.void_reason != CL_VOID_NO_DEFINE)) {
		/* past a fork nothing holds, a void ISSUE included */
		broken("no DEFINE, yet neither DISPUTED nor VOID for it");
	}

	if (b->accredit >= (int)b->ev_cnt || b->accredit < -1)
		broken("accredit index");
	if (b->accredit >= 0) {
		e = &b->ev[b->accredit];
		if (e->type != CL_EV_ACCREDIT ||
		    cl_genesis_find(&genesis, e->author) < 0 ||
		    memcmp(e->body.accredit.issuer, is->author,
		    CL_PK_LEN) != 0)
			broken("the ACCREDIT is not of the issuer");
	} else if (st != CL_ST_VOID && st != CL_ST_DISPUTED) {
		broken("a status that needs an accreditation has none");
	}

	if (b->last_change >= (int)b->ev_cnt || b->last_change < -1)
		broken("last_change index");
	if (b->last_change >= 0) {
		e = &b->ev[b->last_change];
		if (!is_change(e->type) ||
		    memcmp(e->author, is->author, CL_PK_LEN) != 0 ||
		    memcmp(e->body.status.credential, world->cred,
		    CL_ID_LEN) != 0 || e->seq <= is->seq)
			broken("the last change is not the credential's");
	}
	switch (st) {
	case CL_ST_SUSPENDED:
		if (b->last_change < 0 ||
		    b->ev[b->last_change].type != CL_EV_SUSPEND)
			broken("SUSPENDED without a SUSPEND");
		break;
	case CL_ST_REVOKED:
		if (b->last_change < 0 ||
		    b->ev[b->last_change].type != CL_EV_REVOKE)
			broken("REVOKED without a REVOKE");
		break;
	case CL_ST_VALID: case CL_ST_EXPIRED:
		if (b->last_change >= 0 &&
		    b->ev[b->last_change].type != CL_EV_REINSTATE)
			broken("VALID after a SUSPEND or REVOKE");
		if (st == CL_ST_EXPIRED && (is->body.issue.valid_until == 0 ||
		    is->body.issue.valid_until >= FZ_NOW))
			broken("EXPIRED but not past valid_until");
		break;
	default:
		if (b->last_change >= 0)
			broken("a change counted while VOID, DISPUTED or "
			    "WITHDRAWN");
		break;
	}
}

/*
 * The same events in reverse order must get the same answer; asked later
 * (LATER), only a VALID credential past its valid_until changes: EXPIRED.
 */
static void
reversed(const struct cl_bundle *b, size_t size)
{
	const struct cl_issue	*is = &b->ev[b->issue].body.issue;
	enum cl_cred_status	 want = b->result.status;
	const uint8_t		*p[CL_BUNDLE_EVENTS_MAX];
	size_t			 l[CL_BUNDLE_EVENTS_MAX], len;
	struct cl_bundle	 r;
	uint8_t			*buf;
	uint32_t		 i, n = b->ev_cnt;
	cl_err			 err;

	if ((buf = malloc(size)) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		p[i] = b->ev[n - 1 - i].raw;
		l[i] = b->ev[n - 1 - i].raw_len;
	}
	if (cl_bundle_encode(p, l, n, buf, size, &len) != CL_OK ||
	    len != size)
		broken("a checked bundle does not re-encode");
	err = cl_bundle_check(&r, &genesis, buf, len, world->cred, LATER,
	    NULL);
	if (err != CL_OK)
		broken("the reversed bundle is refused");
	if (want == CL_ST_VALID && is->valid_until != 0 &&
	    is->valid_until < LATER)
		want = CL_ST_EXPIRED;
	if (r.result.status != want ||
	    r.result.void_reason != b->result.void_reason ||
	    r.issue != (int)(n - 1) - b->issue ||
	    (r.define < 0) != (b->define < 0) ||
	    (r.accredit < 0) != (b->accredit < 0) ||
	    (r.last_change < 0) != (b->last_change < 0))
		broken("the order of the events (or a later now) changes "
		    "the answer");
	if (r.last_change >= 0 && memcmp(r.id[r.last_change],
	    b->id[b->last_change], CL_ID_LEN) != 0)
		broken("the order of the events changes the last change");
	cl_bundle_free(&r);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cl_bundle	b;
	struct cl_where		where = { NULL };
	cl_err			err;

	err = cl_bundle_check(&b, &genesis, data, size, world->cred, FZ_NOW,
	    &where);
	if (where.field != NULL)
		(void)strlen(where.field);	/* a valid string */
	if (err != CL_OK) {
		if (b.ev != NULL || b.id != NULL || b.ev_cnt != 0 ||
		    b.issue != -1)
			broken("a refused bundle holds something");
		return 0;
	}
	invariants(&b);
	reversed(&b, size);
	cl_bundle_free(&b);
	return 0;
}

/* The mutator's view of a bundle: where its elements are. */
struct elems {
	uint32_t	 n;
	const uint8_t	*p[ELEM_MAX];
	size_t		 len[ELEM_MAX];
};

static uint32_t
rnd(uint32_t *s)
{
	/* xorshift32: the mutator must be a function of its seed */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static uint64_t
be(const uint8_t *p, size_t n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/* Split an array of bins; false if in is not one (or has too many). */
static bool
split(const uint8_t *in, size_t size, struct elems *e)
{
	size_t		off = 0, h;
	uint64_t	n, len;
	uint32_t	i;

	if (size < 1)
		return false;
	if (in[0] >= 0x90 && in[0] <= 0x9f) {
		n = in[0] & 0x0f;
		off = 1;
	} else if (in[0] == 0xdc && size >= 3) {
		n = be(in + 1, 2);
		off = 3;
	} else if (in[0] == 0xdd && size >= 5) {
		n = be(in + 1, 4);
		off = 5;
	} else {
		return false;
	}
	if (n > ELEM_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (off >= size)
			return false;
		h = in[off] == 0xc4 ? 1 : in[off] == 0xc5 ? 2 :
		    in[off] == 0xc6 ? 4 : 0;
		if (h == 0 || h > size - off - 1)
			return false;
		len = be(in + off + 1, h);
		off += 1 + h;
		if (len > size - off)
			return false;
		e->p[i] = in + off;
		e->len[i] = (size_t)len;
		off += (size_t)len;
	}
	e->n = (uint32_t)n;
	return off == size;
}

/* Write e canonically (shortest headers) to out; 0 if it does not fit. */
static size_t
join(const struct elems *e, uint8_t *out, size_t cap)
{
	size_t		off = 0, need, h, k;
	uint32_t	i;

	need = 5;
	for (i = 0; i < e->n; i++)
		need += 5 + e->len[i];
	if (need > cap)
		return 0;
	if (e->n <= 15) {
		out[off++] = (uint8_t)(0x90 | e->n);
	} else {
		out[off++] = 0xdc;
		out[off++] = (uint8_t)(e->n >> 8);
		out[off++] = (uint8_t)e->n;
	}
	for (i = 0; i < e->n; i++) {
		h = e->len[i] <= 0xff ? 1 : e->len[i] <= 0xffff ? 2 : 4;
		out[off++] = h == 1 ? 0xc4 : h == 2 ? 0xc5 : 0xc6;
		for (k = h; k > 0; k--)
			out[off++] = (uint8_t)(e->len[i] >> (8 * (k - 1)));
		memmove(out + off, e->p[i], e->len[i]);
		off += e->len[i];
	}
	return off;
}

static void
insert(struct elems *e, uint32_t at, const uint8_t *p, size_t len)
{
	memmove(&e->p[at + 1], &e->p[at], (e->n - at) * sizeof(e->p[0]));
	memmove(&e->len[at + 1], &e->len[at], (e->n - at) *
	    sizeof(e->len[0]));
	e->p[at] = p;
	e->len[at] = len;
	e->n++;
}

static void
erase(struct elems *e, uint32_t at)
{
	memmove(&e->p[at], &e->p[at + 1], (e->n - at - 1) * sizeof(e->p[0]));
	memmove(&e->len[at], &e->len[at + 1], (e->n - at - 1) *
	    sizeof(e->len[0]));
	e->n--;
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
    unsigned int seed)
{
	static uint8_t		*copy;
	static size_t		 copy_cap;
	static uint8_t		 one[ELEM_ROOM];
	struct elems		 e;
	const struct fz_ev	*add;
	uint32_t		 s = seed ? seed : 0x9e3779b9u, i, j, op;
	size_t			 len;

	op = rnd(&s) % 8;
	if (op == 7 || !split(data, size, &e) || e.n == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	/* elements point into data, which join() overwrites: copy first */
	if (copy_cap < size) {
		free(copy);
		if ((copy = malloc(size)) == NULL)
			abort();
		copy_cap = size;
	}
	memcpy(copy, data, size);
	(void)split(copy, size, &e);
	i = rnd(&s) % e.n;
	j = rnd(&s) % e.n;
	add = pool[rnd(&s) % pool_cnt];
	switch (op) {
	case 0: case 1:		/* mutate one event's bytes */
		len = e.len[i] < ELEM_ROOM ? e.len[i] : ELEM_ROOM;
		memcpy(one, e.p[i], len);
		e.len[i] = LLVMFuzzerMutate(one, len, sizeof(one));
		e.p[i] = one;
		break;
	case 2:			/* drop one */
		if (e.n > 1)
			erase(&e, i);
		break;
	case 3:			/* repeat one */
		if (e.n < ELEM_MAX)
			insert(&e, j, e.p[i], e.len[i]);
		break;
	case 4: {		/* swap two */
		const uint8_t	*tp = e.p[i];
		size_t		 tl = e.len[i];

		e.p[i] = e.p[j];
		e.len[i] = e.len[j];
		e.p[j] = tp;
		e.len[j] = tl;
		break;
	}
	case 5:			/* add a valid event of the world */
		if (e.n < ELEM_MAX)
			insert(&e, j, add->bytes, add->len);
		break;
	default:		/* replace one by a valid event */
		e.p[i] = add->bytes;
		e.len[i] = add->len;
		break;
	}
	if ((len = join(&e, data, max_size)) == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	return len;
}

size_t
LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2,
    size_t s2, uint8_t *out, size_t max_out, unsigned int seed)
{
	static struct elems	a, b, c;
	uint32_t		s = seed ? seed : 0x9e3779b9u, i;

	if (!split(d1, s1, &a) || !split(d2, s2, &b))
		return 0;
	/* a random sub-sequence of each, in order, then a's rest */
	c.n = 0;
	for (i = 0; i < a.n && c.n < ELEM_MAX; i++)
		if (rnd(&s) % 2 == 0)
			insert(&c, c.n, a.p[i], a.len[i]);
	for (i = 0; i < b.n && c.n < ELEM_MAX; i++)
		if (rnd(&s) % 2 == 0)
			insert(&c, rnd(&s) % (c.n + 1), b.p[i], b.len[i]);
	if (c.n == 0 && a.n > 0)
		insert(&c, 0, a.p[0], a.len[0]);
	if (c.n == 0)
		return 0;
	return join(&c, out, max_out);
}
