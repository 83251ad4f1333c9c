/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Order independence (DESIGN §4), as a property: one history of several
 * authorities and issuers, delivered to fresh stores in many orders that
 * keep each feed in order, must leave every store with the same state
 * digest and the same answer to every credential query.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "bundle.h"
#include "genesis.h"
#include "testlib.h"

#define AUTH_N		3
#define ISSUER_N	5
#define CHAIN_N		(AUTH_N + ISSUER_N)
#define FEED_MIN	700		/* events of an issuer's feed, at least */
#define FEED_SPREAD	150		/* ... plus up to this many */
#define FORKED		3		/* the issuer that equivocates */
#define BR_MAX		4		/* events of a branch from the fork */
#define HOLDERS		900
#define EV_MAX		(ISSUER_N * (FEED_MIN + FEED_SPREAD) + 64)
#define ORDER_N		10
#define BATCH_MAX	500
#define SINGLES		300		/* one-event txns, in one order only */
#define BUNDLE_SAMPLE	50
#define SEED_DEFAULT	0x0c7ed1ed6e700001ull
#define EXPIRED_AT	1750000000000ull	/* before TL_NOW */
#define LATER		1900000000000ull	/* after TL_NOW */

enum { BR_MAIN, BR_A, BR_B };

/* One signed event of the universe, and what the generator meant by it. */
struct uev {
	struct tl_ev	ev;
	unsigned	type;
	int		chain;		/* authorities, then issuers */
	int		branch;
	uint32_t	holder;		/* ISSUE */
};

/* The universe: every signed event, by feed. */
struct universe {
	struct uev	*ev;
	size_t		 n;
	size_t		*chain[CHAIN_N];	/* feed order; FORKED: prefix */
	size_t		 chain_len[CHAIN_N];
	size_t		 br[2][BR_MAX];		/* FORKED: branches A and B */
	size_t		 br_len[2];
	uint64_t	 fork_seq;
	size_t		*issues;		/* every ISSUE */
	size_t		 issue_cnt;
	uint64_t	 by_type[CL_EV_TYPE_MAX + 1];
	bool		 holder_used[HOLDERS];
};

static struct tl_net	net;
static struct tl_feed	issuer[ISSUER_N];
static struct universe	U;
static uint64_t		seed, rng;
static const size_t	*rank_of;	/* for by_rank() */

/* splitmix64: small, and the same everywhere. */
static uint64_t
rnd(void)
{
	uint64_t	z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t
below(size_t n)
{
	return (size_t)(rnd() % n);
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* A new event slot at the end of a chain (or of a branch of FORKED). */
static struct uev *
slot(int chain, int branch, unsigned type)
{
	struct uev	*u;
	size_t		 i = U.n++;

	cr_assert_lt(i, (size_t)EV_MAX);
	u = &U.ev[i];
	u->type = type;
	u->chain = chain;
	u->branch = branch;
	if (branch == BR_MAIN)
		U.chain[chain][U.chain_len[chain]++] = i;
	else
		U.br[branch - 1][U.br_len[branch - 1]++] = i;
	if (type == CL_EV_ISSUE)
		U.issues[U.issue_cnt++] = i;
	U.by_type[type]++;
	return u;
}

/* What the generator knows of one issuer's feed as it writes it. */
struct igen {
	size_t		 len;		/* events to write on the main chain */
	size_t		 defs[8];
	size_t		 def_cnt;
	size_t		*creds;		/* its ISSUEs */
	size_t		 cred_cnt;
	size_t		 touched[64];	/* credentials it changed lately */
	size_t		 touched_cnt;
};

static struct igen	gen[ISSUER_N];

/* The same body as tl_issue(), for signing with tl_sign_at(). */
static void
issue_body(struct cl_event *ev, const uint8_t *achievement, uint32_t holder,
    uint64_t valid_until)
{
	cl_ev_init(ev);
	ev->type = CL_EV_ISSUE;
	memcpy(ev->body.issue.achievement, achievement, CL_ID_LEN);
	memcpy(ev->body.issue.holder, &holder, sizeof(holder));
	ev->body.issue.holder[31] = 0x42;
	memcpy(ev->body.issue.digest, &holder, sizeof(holder));
	ev->body.issue.digest[31] = 0xd1;
	ev->body.issue.issued_at = 1700000000000ull;
	ev->body.issue.valid_until = valid_until;
	ev->body.issue.supervision = CL_SUP_ONSITE_ID;
	ev->body.issue.grade = (struct cl_str){ "passed", 6 };
}

static void
holder_ref(uint32_t holder, uint8_t ref[static CL_ID_LEN], uint8_t last)
{
	memset(ref, 0, CL_ID_LEN);
	memcpy(ref, &holder, sizeof(holder));
	ref[31] = last;
}

static uint64_t
pick_valid_until(void)
{
	size_t	r = below(100);

	if (r < 10)
		return EXPIRED_AT + below(1000000);
	return r < 40 ? LATER : 0;
}

/* An issuer's next ISSUE; sometimes of another issuer's achievement. */
static void
gen_issue(int i, int branch, struct tl_feed *f)
{
	struct igen	*g = &gen[i];
	struct uev	*u;
	const uint8_t	*ach;
	int		 other = (int)below(ISSUER_N);

	if (below(100) < 4 && other != i && gen[other].def_cnt > 0)
		ach = U.ev[gen[other].defs[below(gen[other].def_cnt)]].ev.id;
	else
		ach = U.ev[g->defs[below(g->def_cnt)]].ev.id;
	u = slot(AUTH_N + i, branch, CL_EV_ISSUE);
	u->holder = (uint32_t)below(HOLDERS);
	U.holder_used[u->holder] = true;
	tl_issue(&net, f, ach, u->holder, pick_valid_until(), &u->ev);
	if (branch == BR_MAIN)
		g->creds[g->cred_cnt++] = (size_t)(u - U.ev);
}

/*
 * A SUSPEND, REINSTATE or REVOKE of one of the issuer's credentials, often
 * one it changed before (so that chains of changes, and void ones, occur),
 * now and then of another issuer's credential (void).
 */
static void
gen_change(int i, int branch, struct tl_feed *f)
{
	static const unsigned	types[] = { CL_EV_SUSPEND, CL_EV_SUSPEND,
	    CL_EV_SUSPEND, CL_EV_REINSTATE, CL_EV_REINSTATE, CL_EV_REVOKE,
	    CL_EV_REVOKE };
	struct igen		*g = &gen[i];
	struct uev		*u;
	size_t			 cred;
	unsigned		 type = types[below(7)];
	int			 other = (int)below(ISSUER_N);

	if (below(100) < 8 && other != i && gen[other].cred_cnt > 0) {
		cred = gen[other].creds[below(gen[other].cred_cnt)];
	} else if (g->touched_cnt > 0 && below(2) == 0) {
		cred = g->touched[below(g->touched_cnt)];
	} else {
		cred = g->creds[below(g->cred_cnt)];
		if (g->touched_cnt < 64)
			g->touched[g->touched_cnt++] = cred;
		else
			g->touched[below(64)] = cred;
	}
	u = slot(AUTH_N + i, branch, type);
	tl_change(&net, f, type, U.ev[cred].ev.id, &u->ev);
}

static void
gen_define(int i)
{
	struct uev	*u = slot(AUTH_N + i, BR_MAIN, CL_EV_DEFINE);

	tl_define(&net, &issuer[i], &u->ev);
	gen[i].defs[gen[i].def_cnt++] = (size_t)(u - U.ev);
}

/* The issuer's next event on its main chain. */
static void
gen_step(int i)
{
	struct igen	*g = &gen[i];
	uint64_t	 seq = issuer[i].seq + 1;
	size_t		 r = below(1000);

	if (seq == 1 || seq == 3 || seq == 6)
		gen_define(i);
	else if (seq < 6)
		gen_issue(i, BR_MAIN, &issuer[i]);
	else if (r < 5 && g->def_cnt < 8)
		gen_define(i);
	else if (r < 140 && g->cred_cnt > 0)
		gen_change(i, BR_MAIN, &issuer[i]);
	else
		gen_issue(i, BR_MAIN, &issuer[i]);
}

/*
 * The equivocation: at fork_seq the issuer signs two ISSUEs with the same
 * prev; branch A goes on with an ISSUE, a SUSPEND and an ISSUE, branch B
 * with an ISSUE and a REVOKE of the same credential A suspends.  Nodes
 * take one branch or the other past the fork, as events happen to come.
 */
static void
gen_fork(void)
{
	struct tl_feed	 fb = issuer[FORKED];
	struct igen	*g = &gen[FORKED];
	struct cl_event	 ev;
	struct uev	*u;
	size_t		 target = g->creds[below(g->cred_cnt)];
	uint8_t		 prev[CL_ID_LEN];

	U.fork_seq = issuer[FORKED].seq + 1;
	memcpy(prev, issuer[FORKED].head, CL_ID_LEN);
	gen_issue(FORKED, BR_A, &issuer[FORKED]);
	gen_issue(FORKED, BR_A, &issuer[FORKED]);
	u = slot(AUTH_N + FORKED, BR_A, CL_EV_SUSPEND);
	tl_change(&net, &issuer[FORKED], CL_EV_SUSPEND, U.ev[target].ev.id,
	    &u->ev);
	gen_issue(FORKED, BR_A, &issuer[FORKED]);

	u = slot(AUTH_N + FORKED, BR_B, CL_EV_ISSUE);
	u->holder = (uint32_t)below(HOLDERS);
	U.holder_used[u->holder] = true;
	issue_body(&ev, U.ev[g->defs[0]].ev.id, u->holder, 0);
	tl_sign_at(&net, &fb, &ev, U.fork_seq, prev, &u->ev);
	cr_assert(memcmp(u->ev.id, U.ev[U.br[0][0]].ev.id, CL_ID_LEN) != 0);
	fb.seq = U.fork_seq;
	memcpy(fb.head, u->ev.id, CL_ID_LEN);
	gen_issue(FORKED, BR_B, &fb);
	u = slot(AUTH_N + FORKED, BR_B, CL_EV_REVOKE);
	tl_change(&net, &fb, CL_EV_REVOKE, U.ev[target].ev.id, &u->ev);
}

static void
accredit(int a, int i, uint64_t from_seq)
{
	struct uev	*u = slot(a, BR_MAIN, CL_EV_ACCREDIT);

	tl_accredit(&net, &net.auth[a], issuer[i].key.pk, from_seq, &u->ev);
}

static void
withdraw(int a, int i, uint64_t after_seq)
{
	struct uev	*u = slot(a, BR_MAIN, CL_EV_WITHDRAW);

	tl_withdraw(&net, &net.auth[a], issuer[i].key.pk, after_seq, &u->ev);
}

/*
 * The history.  Issuer 0: accredited by authority 0, withdrawn by it in
 * mid-feed.  Issuer 1: accredited by authority 1, withdrawn by authority 2.
 * Issuer 2: accredited only from seq 5 (and by another from 40), so its
 * first ISSUEs are void.  Issuer 3: equivocates.  Issuer 4: accredited by
 * two authorities, one from seq 10 and one from seq 1.
 */
static void
generate(void)
{
	const char	*env = getenv("CL_ORDER_SEED");
	size_t		 left;
	int		 c;

	seed = env != NULL ? strtoull(env, NULL, 0) : SEED_DEFAULT;
	rng = seed;
	memset(&U, 0, sizeof(U));
	memset(gen, 0, sizeof(gen));
	tl_net(&net, AUTH_N);
	cr_assert_not_null(U.ev = calloc(EV_MAX, sizeof(*U.ev)));
	cr_assert_not_null(U.issues = calloc(EV_MAX, sizeof(size_t)));
	for (c = 0; c < CHAIN_N; c++)
		cr_assert_not_null(U.chain[c] = calloc(EV_MAX,
		    sizeof(size_t)));
	for (c = 0; c < ISSUER_N; c++) {
		tl_feed(&issuer[c], 200 + (uint32_t)c);
		gen[c].len = FEED_MIN + below(FEED_SPREAD);
		cr_assert_not_null(gen[c].creds = calloc(EV_MAX,
		    sizeof(size_t)));
	}
	gen[FORKED].len -= BR_MAX;

	accredit(0, 0, 1);
	accredit(1, 1, 1);
	accredit(0, 2, 5);
	accredit(1, 3, 1);
	accredit(0, 4, 10);
	accredit(2, 4, 1);
	accredit(2, 2, 40);

	/* the issuers write in turn, in random order */
	for (left = 0, c = 0; c < ISSUER_N; c++)
		left += gen[c].len;
	while (left > 0) {
		size_t	r = below(left);

		for (c = 0; r >= gen[c].len - issuer[c].seq; c++)
			r -= gen[c].len - issuer[c].seq;
		gen_step(c);
		left--;
	}
	gen_fork();

	withdraw(0, 0, gen[0].len / 2);
	withdraw(2, 1, gen[1].len * 3 / 5);

	cr_log_info("order: seed %#llx: %zu events, %zu ISSUEs, fork of "
	    "issuer %d at seq %llu", (unsigned long long)seed, U.n,
	    U.issue_cnt, FORKED, (unsigned long long)U.fork_seq);
	for (c = CL_EV_TYPE_MIN; c <= CL_EV_TYPE_MAX; c++)
		cr_log_info("order:   %-9s %llu", cl_ev_type_name((unsigned)c),
		    (unsigned long long)U.by_type[c]);
}

static void
teardown(void)
{
	int	c;

	for (c = 0; c < CHAIN_N; c++)
		free(U.chain[c]);
	for (c = 0; c < ISSUER_N; c++)
		free(gen[c].creds);
	free(U.issues);
	free(U.ev);
	memset(&U, 0, sizeof(U));
}

TestSuite(order, .init = generate, .fini = teardown, .timeout = 300);

/* How one delivery goes. */
struct plan {
	const char	*name;
	bool		 concat;	/* feeds one after another, not mixed */
	bool		 reverse;	/* concat: issuers before authorities */
	bool		 a_first;	/* FORKED: branch A before branch B */
	bool		 mix_branches;	/* FORKED: the second branch mixed in
					   as a feed of its own */
	bool		 fork_gap;	/* FORKED: X[0], all of Y, the rest
					   of X, with Y[0] held back: a
					   prev_mismatch, then a proof above
					   the fork that Y[0] lowers */
	bool		 big;		/* batches of BATCH_MAX, not random */
	size_t		 singles;	/* first events one per txn */
	unsigned	 withhold;	/* percent held back, delivered later */
	unsigned	 again;		/* percent delivered a second time */
};

/*
 * A delivery order: each feed in order, feeds merged at random.  The
 * forked feed is its prefix, then one branch, then the other; or, with
 * mix_branches, the other branch is a feed of its own that may start once
 * the prefix is out; or, with fork_gap, X[0] Y[0] Y[1] ... X[1] ... (and
 * deliver() holds Y[0] back).  rank gets each event's place in the order.
 */
static size_t
make_order(const struct plan *p, size_t *out, size_t *rank)
{
	size_t	*seqs[CHAIN_N + 1], len[CHAIN_N + 1], at[CHAIN_N + 1];
	size_t	 fk[FEED_MIN + FEED_SPREAD + 16], left = 0, n = 0, avail, i;
	size_t	 pre = U.chain_len[AUTH_N + FORKED];
	int	 c, k, x = p->a_first ? 0 : 1;

	for (c = 0; c < CHAIN_N; c++) {
		seqs[c] = U.chain[c];
		len[c] = U.chain_len[c];
		at[c] = 0;
	}
	memcpy(fk, U.chain[AUTH_N + FORKED], pre * sizeof(size_t));
	memcpy(fk + pre, U.br[x], U.br_len[x] * sizeof(size_t));
	len[AUTH_N + FORKED] = pre + U.br_len[x];
	seqs[AUTH_N + FORKED] = fk;
	seqs[CHAIN_N] = U.br[1 - x];
	len[CHAIN_N] = U.br_len[1 - x];
	at[CHAIN_N] = 0;
	if (p->fork_gap) {
		memcpy(fk + pre + 1, U.br[1 - x],
		    U.br_len[1 - x] * sizeof(size_t));
		memcpy(fk + pre + 1 + U.br_len[1 - x], U.br[x] + 1,
		    (U.br_len[x] - 1) * sizeof(size_t));
		len[AUTH_N + FORKED] += U.br_len[1 - x];
		len[CHAIN_N] = 0;
	} else if (p->concat || !p->mix_branches) {
		memcpy(fk + len[AUTH_N + FORKED], U.br[1 - x],
		    U.br_len[1 - x] * sizeof(size_t));
		len[AUTH_N + FORKED] += U.br_len[1 - x];
		len[CHAIN_N] = 0;
	}
	for (c = 0; c <= CHAIN_N; c++)
		left += len[c];
	if (p->concat) {
		for (k = 0; k < CHAIN_N; k++) {
			c = p->reverse ? CHAIN_N - 1 - k : k;
			memcpy(out + n, seqs[c], len[c] * sizeof(size_t));
			n += len[c];
		}
	}
	/* uniform over the interleavings that keep each feed in order */
	while (!p->concat && left > 0) {
		bool	y_ok = at[AUTH_N + FORKED] >= pre;
		size_t	r;

		avail = left - (y_ok ? 0 : len[CHAIN_N] - at[CHAIN_N]);
		r = below(avail);
		for (c = 0; c <= CHAIN_N; c++) {
			size_t	w = c == CHAIN_N && !y_ok ? 0 :
			    len[c] - at[c];

			if (r < w)
				break;
			r -= w;
		}
		out[n++] = seqs[c][at[c]++];
		left--;
	}
	for (i = n; i > 0; i--)
		rank[out[i - 1]] = i - 1;
	return n;
}

struct tally {
	size_t	acc[CL_ACC_MAX + 1];
	size_t	batches;
	size_t	passes;
	size_t	left;		/* pending at the fixpoint */
};

/*
 * One pass over list, as a gossiping node would take it: events that wait
 * for others (GAP, UNKNOWN_AUTHOR, PREV_MISMATCH) go to pend, in order.
 */
static size_t
pass(struct cl_ledger *l, const struct plan *p, const size_t *list,
    size_t n, size_t singles, size_t *pend, struct tally *t, int order)
{
	const struct tl_ev	*evs[BATCH_MAX];
	struct cl_result	 res[BATCH_MAX];
	size_t			 i = 0, j, m, pn = 0;

	while (i < n) {
		if (i < singles)
			m = 1;
		else if (p->big)
			m = BATCH_MAX;
		else
			m = 1 + below(BATCH_MAX);
		if (m > n - i)
			m = n - i;
		for (j = 0; j < m; j++)
			evs[j] = &U.ev[list[i + j]].ev;
		tl_submit_batch(l, evs, m, res);
		t->batches++;
		for (j = 0; j < m; j++) {
			const struct uev *u = &U.ev[list[i + j]];
			enum cl_accept	  a = res[j].acc;

			cr_assert_neq(a, CL_ACC_REJECTED, "seed %#llx order "
			    "%d: %s seq %llu of chain %d rejected: %s (%s)",
			    (unsigned long long)seed, order,
			    cl_ev_type_name(u->type),
			    (unsigned long long)u->ev.seq, u->chain,
			    cl_strerror(res[j].err),
			    res[j].field ? res[j].field : "");
			t->acc[a]++;
			if (a == CL_ACC_GAP || a == CL_ACC_UNKNOWN_AUTHOR ||
			    a == CL_ACC_PREV_MISMATCH)
				pend[pn++] = list[i + j];
		}
		i += m;
	}
	return pn;
}

/* Offer pend again and again until a pass makes no progress. */
static size_t
fixpoint(struct cl_ledger *l, const struct plan *p, size_t *pend, size_t pn,
    size_t *tmp, struct tally *t, int order)
{
	size_t	n;

	while (pn > 0) {
		n = pass(l, p, pend, pn, 0, tmp, t, order);
		t->passes++;
		memcpy(pend, tmp, n * sizeof(size_t));
		if (n == pn)
			break;
		pn = n;
	}
	return pn;
}

static int
by_rank(const void *a, const void *b)
{
	size_t	x = rank_of[*(const size_t *)a], y = rank_of[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/*
 * Deliver the universe to l as plan p says.  Held-back events come after
 * the first fixpoint, together with what still waits, in the order's
 * order: as a node that fetches a feed's gap gets the events in seq order.
 */
static void
deliver(struct cl_ledger *l, const struct plan *p, int order,
    struct tally *t)
{
	size_t	*ord, *first, *later, *pend, *tmp, *rank;
	size_t	 n, fn = 0, ln = 0, pn, i;

	memset(t, 0, sizeof(*t));
	cr_assert_not_null(ord = calloc(2 * EV_MAX, sizeof(size_t)));
	cr_assert_not_null(first = calloc(2 * EV_MAX, sizeof(size_t)));
	cr_assert_not_null(later = calloc(2 * EV_MAX, sizeof(size_t)));
	cr_assert_not_null(pend = calloc(4 * EV_MAX, sizeof(size_t)));
	cr_assert_not_null(tmp = calloc(4 * EV_MAX, sizeof(size_t)));
	cr_assert_not_null(rank = calloc(EV_MAX, sizeof(size_t)));
	n = make_order(p, ord, rank);
	cr_assert_eq(n, U.n);
	for (i = 0; i < n; i++) {
		if ((p->fork_gap && ord[i] == U.br[p->a_first ? 1 : 0][0]) ||
		    (p->withhold > 0 && below(100) < p->withhold))
			later[ln++] = ord[i];
		else
			first[fn++] = ord[i];
	}
	/* gossip repeats itself: some events come again, at random */
	for (i = 0; i < n; i++)
		if (p->again > 0 && below(100) < p->again)
			later[ln++] = ord[below(n)];

	pn = pass(l, p, first, fn, p->singles, pend, t, order);
	t->passes++;
	pn = fixpoint(l, p, pend, pn, tmp, t, order);
	if (ln > 0) {
		/* the gaps are filled: the held-back events, then the rest */
		memcpy(later + ln, pend, pn * sizeof(size_t));
		rank_of = rank;
		qsort(later, ln + pn, sizeof(size_t), by_rank);
		pn = pass(l, p, later, ln + pn, 0, pend, t, order);
		t->passes++;
		pn = fixpoint(l, p, pend, pn, tmp, t, order);
	}
	/* only the forked issuer's events past its fork point may wait */
	for (i = 0; i < pn; i++) {
		const struct uev *u = &U.ev[pend[i]];

		cr_assert(u->chain == AUTH_N + FORKED &&
		    u->ev.seq > U.fork_seq, "seed %#llx order %d: %s seq %llu "
		    "of chain %d never delivered", (unsigned long long)seed,
		    order, cl_ev_type_name(u->type),
		    (unsigned long long)u->ev.seq, u->chain);
	}
	t->left = pn;
	free(ord);
	free(first);
	free(later);
	free(pend);
	free(tmp);
	free(rank);
}

/*
 * name, concat, reverse, a_first, mix_branches, fork_gap, big, singles,
 * %later, %again
 */
static const struct plan plans[ORDER_N] = {
	{ "feeds in turn", true, false, true, false, false, true, 0, 0, 0 },
	{ "issuers first", true, true, false, false, false, true, 0, 0, 0 },
	{ "mixed", false, false, true, false, false, true, 0, 0, 0 },
	{ "mixed, batches", false, false, false, true, false, false, 0, 0,
	    0 },
	{ "mixed, gaps", false, false, true, true, false, false, 0, 10, 0 },
	{ "mixed, singles", false, false, false, false, false, false,
	    SINGLES, 0, 0 },
	{ "mixed, repeats", false, false, true, true, false, false, 0, 0,
	    3 },
	{ "mixed, gaps, repeats", false, false, false, false, true, false, 0,
	    25, 2 },
	{ "mixed, batches", false, false, true, false, true, false, 0, 0, 0 },
	{ "mixed, gaps", false, false, false, true, false, true, 0, 5, 1 },
};

/* Everything a store answers, to compare with another store. */
struct answers {
	uint8_t			 digest[CL_ID_LEN];
	struct cl_counts	 counts;
	struct cl_cred_answer	*cred;		/* per ISSUE of U */
	uint32_t		 holder_cnt[HOLDERS];
	bool			 holder_more[HOLDERS];
	uint8_t			(*holder)[CL_QUERY_CREDS_MAX][CL_ID_LEN];
	uint32_t		 digest_cnt[HOLDERS];
};

static void
answers_alloc(struct answers *a)
{
	memset(a, 0, sizeof(*a));
	cr_assert_not_null(a->cred = calloc(EV_MAX, sizeof(*a->cred)));
	cr_assert_not_null(a->holder = calloc(HOLDERS, sizeof(*a->holder)));
}

static void
answers_free(struct answers *a)
{
	free(a->cred);
	free(a->holder);
}

static void
answers_of(struct cl_ledger *l, struct answers *a)
{
	uint8_t		ref[CL_ID_LEN];
	uint8_t		(*tmp)[CL_ID_LEN];
	size_t		i;
	bool		more;
	uint32_t	h;

	cr_assert_not_null(tmp = calloc(CL_QUERY_CREDS_MAX, CL_ID_LEN));
	cr_assert_eq(cl_ledger_digest(l, a->digest), CL_OK);
	cr_assert_eq(cl_ledger_counts(l, &a->counts), CL_OK);
	for (i = 0; i < U.issue_cnt; i++)
		cr_assert_eq(cl_ledger_credential(l, U.ev[U.issues[i]].ev.id,
		    TL_NOW, &a->cred[i]), CL_OK);
	for (h = 0; h < HOLDERS; h++) {
		if (!U.holder_used[h])
			continue;
		holder_ref(h, ref, 0x42);
		cr_assert_eq(cl_ledger_by_holder(l, ref, a->holder[h],
		    &a->holder_cnt[h], &a->holder_more[h]), CL_OK);
		holder_ref(h, ref, 0xd1);
		cr_assert_eq(cl_ledger_by_digest(l, ref, tmp,
		    &a->digest_cnt[h], &more), CL_OK);
	}
	free(tmp);
}

static const char *
branch_name(int b)
{
	return b == BR_MAIN ? "main" : b == BR_A ? "A" : "B";
}

/* Compare store s's answers with the reference's; log what differs. */
static size_t
compare(const struct answers *ref, const struct answers *s, int order)
{
	size_t		 i, bad = 0;
	uint32_t	 h;

	for (i = 0; i < U.issue_cnt; i++) {
		const struct cl_cred_answer *x = &ref->cred[i], *y = &s->cred[i];
		const struct uev *u = &U.ev[U.issues[i]];

		if (x->status == y->status &&
		    x->void_reason == y->void_reason &&
		    x->issue_seq == y->issue_seq &&
		    x->valid_until == y->valid_until &&
		    memcmp(x->issuer, y->issuer, CL_PK_LEN) == 0 &&
		    memcmp(x->holder, y->holder, CL_ID_LEN) == 0 &&
		    memcmp(x->achievement, y->achievement, CL_ID_LEN) == 0 &&
		    memcmp(&x->win, &y->win, sizeof(x->win)) == 0)
			continue;
		if (bad++ < 12)
			cr_log_error("order %d: ISSUE of issuer %d seq %llu "
			    "(branch %s): %s/%u seq %llu in the reference, "
			    "%s/%u seq %llu here", order, u->chain - AUTH_N,
			    (unsigned long long)u->ev.seq,
			    branch_name(u->branch), cl_status_name(x->status),
			    x->void_reason, (unsigned long long)x->issue_seq,
			    cl_status_name(y->status), y->void_reason,
			    (unsigned long long)y->issue_seq);
	}
	for (h = 0; h < HOLDERS; h++) {
		if (!U.holder_used[h])
			continue;
		if (ref->holder_cnt[h] == s->holder_cnt[h] &&
		    ref->holder_more[h] == s->holder_more[h] &&
		    ref->digest_cnt[h] == s->digest_cnt[h] &&
		    memcmp(ref->holder[h], s->holder[h],
		    ref->holder_cnt[h] * (size_t)CL_ID_LEN) == 0)
			continue;
		if (bad++ < 12)
			cr_log_error("order %d: holder %u: %u credentials in "
			    "the reference, %u here (by digest %u, %u)", order,
			    h, ref->holder_cnt[h], s->holder_cnt[h],
			    ref->digest_cnt[h], s->digest_cnt[h]);
	}
	if (ref->counts.credentials != s->counts.credentials && bad++ < 12)
		cr_log_error("order %d: %llu credentials in the reference, "
		    "%llu here", order,
		    (unsigned long long)ref->counts.credentials,
		    (unsigned long long)s->counts.credentials);
	return bad;
}

/* The proof bundle of cred checks offline to the store's own answer. */
static void
check_bundle(struct cl_ledger *l, const struct cl_genesis *g, size_t idx,
    int order)
{
	const struct uev	*u = &U.ev[idx];
	struct cl_cred_answer	 a;
	struct cl_bundle	 b;
	struct cl_where		 where = { NULL };
	uint8_t			*bytes;
	size_t			 len;
	cl_err			 err;

	cr_assert_eq(cl_ledger_credential(l, u->ev.id, TL_NOW, &a), CL_OK);
	if (a.status == CL_ST_UNKNOWN)
		return;		/* no proof; compare() says if it should */
	cr_assert_eq(cl_ledger_bundle(l, &a, &bytes, &len), CL_OK);
	err = cl_bundle_check(&b, g, bytes, len, u->ev.id, TL_NOW, &where);
	cr_assert_eq(err, CL_OK, "seed %#llx order %d: bundle of issuer %d "
	    "seq %llu (%s, %s): %s (%s)", (unsigned long long)seed, order,
	    u->chain - AUTH_N, (unsigned long long)u->ev.seq,
	    cl_status_name(a.status), cl_void_reason(a.void_reason),
	    cl_strerror(err), where.field ? where.field : "");
	cr_assert_eq(b.result.status, a.status, "seed %#llx order %d: issuer "
	    "%d seq %llu: the node says %s, its bundle %s",
	    (unsigned long long)seed, order, u->chain - AUTH_N,
	    (unsigned long long)u->ev.seq, cl_status_name(a.status),
	    cl_status_name(b.result.status));
	cr_assert_eq(b.result.void_reason, a.void_reason);
	cl_bundle_free(&b);
	free(bytes);
}

/* The credentials whose bundles are checked: random, and one per status. */
static size_t
bundle_sample(const struct answers *ref, size_t *out)
{
	bool	seen[CL_ST_MAX + 1] = { false };
	size_t	i, n = 0;

	for (i = 0; i < BUNDLE_SAMPLE; i++)
		out[n++] = U.issues[below(U.issue_cnt)];
	for (i = 0; i < U.issue_cnt; i++) {
		unsigned	st = ref->cred[i].status;

		if (!seen[st]) {
			seen[st] = true;
			out[n++] = U.issues[i];
		}
	}
	return n;
}

static void
histogram(const struct answers *a, size_t st[CL_ST_MAX + 1],
    size_t vr[CL_VOID_MAX + 1])
{
	size_t	i;

	for (i = 0; i < U.issue_cnt; i++) {
		st[a->cred[i].status]++;
		if (a->cred[i].status == CL_ST_VOID)
			vr[a->cred[i].void_reason]++;
	}
	for (i = 0; i <= CL_ST_MAX; i++)
		cr_log_info("order:   %-16s %zu", cl_status_name((unsigned)i),
		    st[i]);
	for (i = 1; i <= CL_VOID_MAX; i++)
		if (vr[i] > 0)
			cr_log_info("order:   void: %-50s %zu",
			    cl_void_reason((unsigned)i), vr[i]);
}

Test(order, history_has_every_status)
{
	struct tl_ledger	tl;
	struct tally		t;
	struct answers		a;
	size_t			st[CL_ST_MAX + 1] = { 0 };
	size_t			vr[CL_VOID_MAX + 1] = { 0 };
	static const unsigned	want[] = { CL_ST_VALID, CL_ST_SUSPENDED,
	    CL_ST_REVOKED, CL_ST_EXPIRED, CL_ST_VOID, CL_ST_ISSUER_WITHDRAWN,
	    CL_ST_DISPUTED };
	size_t			i;

	cr_assert_geq(U.issue_cnt, 3000);
	tl_ledger_open(&tl, &net);
	deliver(&tl.l, &plans[0], 0, &t);
	answers_alloc(&a);
	answers_of(&tl.l, &a);
	histogram(&a, st, vr);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect_gt(st[want[i]], 0, "seed %#llx: no credential is %s",
		    (unsigned long long)seed, cl_status_name(want[i]));
	cr_expect_gt(vr[CL_VOID_NO_DEFINE], 0);
	cr_expect_gt(vr[CL_VOID_NOT_ACCREDITED], 0);
	cr_assert_eq(a.counts.forks, 1);
	answers_free(&a);
	tl_ledger_close(&tl);
}

Test(order, every_order_gives_the_same_answers)
{
	struct tl_ledger	tl;
	struct tally		t;
	struct answers		ref, cur;
	struct cl_genesis	g;
	struct timespec		t0, t1;
	size_t			sample[BUNDLE_SAMPLE + CL_ST_MAX + 1];
	size_t			sn = 0, i, bad = 0;
	char			hex[2 * CL_ID_LEN + 1];
	int			o;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(cl_genesis_decode(&g, net.genesis, net.genesis_len,
	    NULL), CL_OK);
	answers_alloc(&ref);
	answers_alloc(&cur);
	for (o = 0; o < ORDER_N; o++) {
		struct answers	*a = o == 0 ? &ref : &cur;
		size_t		 b;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		tl_ledger_open(&tl, &net);
		deliver(&tl.l, &plans[o], o, &t);
		answers_of(&tl.l, a);
		if (o == 0)
			sn = bundle_sample(&ref, sample);
		for (i = 0; i < sn; i++)
			check_bundle(&tl.l, &g, sample[i], o);
		for (i = 0; i < CL_ID_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", a->digest[i]);
		cr_log_info("order %d (%s, branch %s first%s): %zu txns, %zu "
		    "passes; accepted %zu, gap %zu, unknown author %zu, prev "
		    "mismatch %zu, duplicate %zu, fork %zu, disputed %zu; %zu "
		    "left waiting; digest %.16s; %.0f ms", o, plans[o].name,
		    plans[o].a_first ? "A" : "B",
		    plans[o].fork_gap ? ", fork gap" :
		    plans[o].mix_branches ? ", branches mixed" : "", t.batches, t.passes,
		    t.acc[CL_ACC_ACCEPTED], t.acc[CL_ACC_GAP],
		    t.acc[CL_ACC_UNKNOWN_AUTHOR],
		    t.acc[CL_ACC_PREV_MISMATCH], t.acc[CL_ACC_DUPLICATE],
		    t.acc[CL_ACC_FORK], t.acc[CL_ACC_DISPUTED], t.left, hex,
		    ms_since(&t1));
		if (o > 0) {
			b = compare(&ref, &cur, o);
			if (memcmp(ref.digest, cur.digest, CL_ID_LEN) != 0) {
				cr_log_error("order %d: state digest differs",
				    o);
				b++;
			}
			if (b > 0)
				cr_log_error("seed %#llx order %d: %zu answers "
				    "differ from order 0",
				    (unsigned long long)seed, o, b);
			bad += b;
		}
		tl_ledger_close(&tl);
	}
	cr_log_info("order: %d orders, %zu credentials, %zu bundles each, "
	    "%.0f ms", ORDER_N, U.issue_cnt, sn, ms_since(&t0));
	answers_free(&ref);
	answers_free(&cur);
	cl_genesis_free(&g);
	cr_assert_eq(bad, 0, "seed %#llx: %zu answers depend on the order",
	    (unsigned long long)seed, bad);
}
