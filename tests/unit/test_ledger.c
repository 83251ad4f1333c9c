/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger: every acceptance rule and effect rule of DESIGN §4 (PROTOCOL.md
 * §4, §5) as applied to a real store, the queries, persistence, big batches
 * and map growth.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "ledger_rec.h"
#include "merkle.h"
#include "testlib.h"

#define ISSUED_AT	1700000000000ull

static struct tl_net	net;
static struct tl_feed	iss, iss2;	/* two issuers */
static struct tl_ledger	tl;

static void
setup(void)
{
	tl_net(&net, 2);
	tl_feed(&iss, 7);
	tl_feed(&iss2, 8);
	tl_ledger_open(&tl, &net);
}

static void
teardown(void)
{
	tl_ledger_close(&tl);
}

TestSuite(ledger, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------ */
/* Helpers. */

/* A 32-byte reference from a number: holder refs, digests, fake ids. */
static void
ref(uint8_t out[CL_ID_LEN], uint8_t tag, uint32_t n)
{
	memset(out, 0, CL_ID_LEN);
	out[0] = (uint8_t)(n >> 24);
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	out[31] = tag;
}

static void
issue_body(struct cl_event *ev, const uint8_t *ach, uint32_t holder,
    uint32_t digest, uint64_t valid_until)
{
	cl_ev_init(ev);
	ev->type = CL_EV_ISSUE;
	memcpy(ev->body.issue.achievement, ach, CL_ID_LEN);
	ref(ev->body.issue.holder, 0x42, holder);
	if (digest != 0)
		ref(ev->body.issue.digest, 0xd1, digest);
	ev->body.issue.issued_at = ISSUED_AT;
	ev->body.issue.valid_until = valid_until;
	ev->body.issue.supervision = CL_SUP_ONSITE_ID;
}

/* The next ISSUE of f, with a holder, a digest (0: none), an expiry. */
static void
issue(struct tl_feed *f, const uint8_t *ach, uint32_t holder,
    uint32_t digest, uint64_t valid_until, struct tl_ev *out)
{
	struct cl_event	ev;

	issue_body(&ev, ach, holder, digest, valid_until);
	tl_sign(&net, f, &ev, out);
}

/* An ISSUE at an explicit seq and prev: the other branch of a fork. */
static void
issue_at(struct tl_feed *f, const uint8_t *ach, uint32_t holder,
    uint64_t seq, const uint8_t *prev, struct tl_ev *out)
{
	struct cl_event	ev;

	issue_body(&ev, ach, holder, 0, 0);
	tl_sign_at(&net, f, &ev, seq, prev, out);
}

/* An ACCREDIT at an explicit seq and prev (an authority's fork). */
static void
accredit_at(struct tl_feed *auth, const uint8_t *issuer, uint64_t seq,
    const uint8_t *prev, struct tl_ev *out)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = CL_EV_ACCREDIT;
	memcpy(ev.body.accredit.issuer, issuer, CL_PK_LEN);
	ev.body.accredit.org_id = (struct cl_str){ "AT-9", 4 };
	ev.body.accredit.name = (struct cl_str){ "Other branch", 12 };
	ev.body.accredit.country = (struct cl_str){ "AT", 2 };
	ev.body.accredit.from_seq = 1;
	tl_sign_at(&net, auth, &ev, seq, prev, out);
}

static enum cl_accept
sub(const struct tl_ev *ev)
{
	return tl_submit(&tl.l, ev, NULL);
}

/* Submit and expect acceptance, not void; returns the log position. */
static uint64_t
ok(const struct tl_ev *ev)
{
	struct cl_result	r;

	cr_assert_eq(tl_submit(&tl.l, ev, &r), CL_ACC_ACCEPTED, "got %s",
	    cl_accept_name(r.acc));
	cr_assert_eq(r.void_reason, CL_VOID_NONE, "void: %s",
	    cl_void_reason(r.void_reason));
	return r.pos;
}

/* Submit and expect acceptance as a void event. */
static void
void_(const struct tl_ev *ev, enum cl_void want)
{
	struct cl_result	r;

	cr_assert_eq(tl_submit(&tl.l, ev, &r), CL_ACC_ACCEPTED, "got %s",
	    cl_accept_name(r.acc));
	cr_assert_eq(r.void_reason, want, "void %u (%s), want %u",
	    r.void_reason, cl_void_reason(r.void_reason), want);
}

static void
answer(const uint8_t *cred, struct cl_cred_answer *a)
{
	cr_assert_eq(cl_ledger_credential(&tl.l, cred, TL_NOW, a), CL_OK);
}

static void
expect_status(const uint8_t *cred, enum cl_cred_status want)
{
	enum cl_cred_status	st = tl_status(&tl.l, cred);

	cr_assert_eq(st, want, "status %s, want %s", cl_status_name(st),
	    cl_status_name(want));
}

/* Is log position pos in the proof of a? */
static bool
in_proof(const struct cl_cred_answer *a, uint64_t pos)
{
	uint32_t	i;

	for (i = 0; i < a->proof_cnt; i++)
		if (a->proof[i] == pos)
			return true;
	return false;
}

static void
counts(struct cl_counts *c)
{
	cr_assert_eq(cl_ledger_counts(&tl.l, c), CL_OK);
}

static void
digest(uint8_t d[CL_ID_LEN])
{
	cr_assert_eq(cl_ledger_digest(&tl.l, d), CL_OK);
}

static void
head(const uint8_t *author, struct cl_head *h)
{
	cr_assert_eq(cl_ledger_head(&tl.l, author, h), CL_OK);
}

/* ACCREDIT iss by authority 0 from seq 1, then iss's DEFINE. */
static void
accredit_and_define(struct tl_ev *acc, struct tl_ev *def)
{
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, acc);
	ok(acc);
	tl_define(&net, &iss, def);
	ok(def);
}

/* ------------------------------------------------------------------ */
/* Acceptance. */

Test(ledger, authority_event_is_accepted)
{
	struct tl_ev		acc;
	struct cl_result	r;
	struct cl_head		h;
	uint8_t			id[CL_ID_LEN], *bytes;
	uint64_t		pos;
	size_t			len;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	cr_assert_eq(tl_submit(&tl.l, &acc, &r), CL_ACC_ACCEPTED);
	cr_assert_eq(r.err, CL_OK);
	cr_assert_eq(r.pos, 0);
	cr_assert_eq(r.void_reason, CL_VOID_NONE);
	cr_assert_arr_eq(r.id, acc.id, CL_ID_LEN);
	head(net.auth[0].key.pk, &h);
	cr_assert_eq(h.seq, 1);
	cr_assert_arr_eq(h.id, acc.id, CL_ID_LEN);
	cr_assert_eq(h.fork_seq, 0);
	cr_assert_eq(h.pos, 0);
	cr_assert_eq(cl_ledger_feed_at(&tl.l, net.auth[0].key.pk, 1, id,
	    &pos), CL_OK);
	cr_assert_arr_eq(id, acc.id, CL_ID_LEN);
	cr_assert_eq(pos, 0);
	cr_assert_eq(cl_ledger_event_at(&tl.l, 0, &bytes, &len), CL_OK);
	cr_assert_eq(len, acc.len);
	cr_assert_arr_eq(bytes, acc.bytes, len);
	free(bytes);
}

Test(ledger, the_same_event_again_is_a_duplicate)
{
	struct tl_ev		acc;
	struct cl_result	r;
	struct cl_counts	c;
	uint8_t			d1[CL_ID_LEN], d2[CL_ID_LEN];

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	ok(&acc);
	digest(d1);
	cr_assert_eq(tl_submit(&tl.l, &acc, &r), CL_ACC_DUPLICATE);
	cr_assert_arr_eq(r.id, acc.id, CL_ID_LEN);
	counts(&c);
	cr_assert_eq(c.log, 1);
	cr_assert_eq(c.by_type[CL_EV_ACCREDIT], 1);
	digest(d2);
	cr_assert_arr_eq(d1, d2, CL_ID_LEN);
}

Test(ledger, the_same_event_twice_in_one_batch_is_a_duplicate)
{
	struct tl_ev		acc;
	const struct tl_ev	*evs[3] = { &acc, &acc, &acc };
	struct cl_result	r[3];
	struct cl_counts	c;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_submit_batch(&tl.l, evs, 3, r);
	cr_assert_eq(r[0].acc, CL_ACC_ACCEPTED);
	cr_assert_eq(r[1].acc, CL_ACC_DUPLICATE);
	cr_assert_eq(r[2].acc, CL_ACC_DUPLICATE);
	counts(&c);
	cr_assert_eq(c.log, 1);
}

Test(ledger, bad_signature_is_rejected)
{
	struct tl_ev		acc;
	struct tl_net		other;
	struct cl_result	r;
	struct cl_counts	c;
	struct cl_head		h;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	acc.bytes[acc.len - 1] ^= 0x01;		/* last byte of sig */
	cr_assert_eq(tl_submit(&tl.l, &acc, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_EBADSIG, "%s", cl_errname(r.err));
	/* signed for another network */
	tl_net(&other, 2);
	memcpy(other.netid, net.netid, CL_ID_LEN);
	other.netid[0] ^= 0xff;
	tl_accredit(&other, &other.auth[0], iss.key.pk, 1, &acc);
	cr_assert_eq(tl_submit(&tl.l, &acc, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_EBADSIG);
	counts(&c);
	cr_assert_eq(c.log, 0);
	cr_assert_eq(c.feeds, 0);
	cr_assert_eq(cl_ledger_head(&tl.l, net.auth[0].key.pk, &h),
	    CL_ENOTFOUND);
}

Test(ledger, non_canonical_bytes_are_rejected_with_the_error)
{
	struct tl_ev		acc, bad;
	struct cl_result	r;
	struct cl_counts	c;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	/* 88 | 00 01 | 01 01 | 02 c4 20 <32> | 03 01: seq at 41 */
	cr_assert_eq(acc.bytes[40], 0x03);
	cr_assert_eq(acc.bytes[41], 0x01);
	memcpy(bad.bytes, acc.bytes, 41);
	bad.bytes[41] = 0xcc;			/* seq 1 as a uint 8 */
	memcpy(bad.bytes + 42, acc.bytes + 41, acc.len - 41);
	bad.len = acc.len + 1;
	cr_assert_eq(tl_submit(&tl.l, &bad, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_ENONCANON, "%s", cl_errname(r.err));
	cr_assert_not_null(r.field);
	cr_assert_str_eq(r.field, "event");
	memcpy(&bad, &acc, sizeof(bad));	/* a trailing byte */
	bad.bytes[bad.len++] = 0x00;
	cr_assert_eq(tl_submit(&tl.l, &bad, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_ETRAILING);
	bad.len = acc.len - 1;			/* one byte short */
	cr_assert_eq(tl_submit(&tl.l, &bad, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_ETRUNCATED);
	bad.len = CL_EVENT_MAX + 1;		/* over the limit */
	cr_assert_eq(tl_submit(&tl.l, &bad, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_ETOOBIG);
	counts(&c);
	cr_assert_eq(c.log, 0);
	ok(&acc);				/* the real one still goes */
}

Test(ledger, authority_event_by_a_non_authority_is_rejected)
{
	struct tl_ev		acc, def, bad;
	struct cl_result	r;
	struct cl_counts	c;
	struct cl_head		h;

	accredit_and_define(&acc, &def);
	/* an accredited issuer may not accredit */
	tl_accredit(&net, &iss, iss2.key.pk, 1, &bad);
	cr_assert_eq(tl_submit(&tl.l, &bad, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_EBADAUTHOR);
	cr_assert_str_eq(r.field, "author");
	/* nor may a stranger withdraw */
	tl_withdraw(&net, &iss2, iss.key.pk, 0, &bad);
	cr_assert_eq(tl_submit(&tl.l, &bad, &r), CL_ACC_REJECTED);
	cr_assert_eq(r.err, CL_EBADAUTHOR);
	counts(&c);
	cr_assert_eq(c.log, 2);
	head(iss.key.pk, &h);
	cr_assert_eq(h.seq, 1);
	cr_assert_eq(cl_ledger_head(&tl.l, iss2.key.pk, &h), CL_ENOTFOUND);
}

Test(ledger, issuer_event_before_its_accredit_waits)
{
	struct tl_ev		acc, def;
	struct cl_result	r;
	struct cl_counts	c;
	struct cl_head		h;

	tl_define(&net, &iss, &def);
	cr_assert_eq(tl_submit(&tl.l, &def, &r), CL_ACC_UNKNOWN_AUTHOR);
	cr_assert_eq(r.err, CL_OK);
	counts(&c);
	cr_assert_eq(c.log, 0, "nothing is stored");
	cr_assert_eq(c.feeds, 0);
	cr_assert_eq(cl_ledger_head(&tl.l, iss.key.pk, &h), CL_ENOTFOUND);
	/* an ACCREDIT of someone else does not help */
	tl_accredit(&net, &net.auth[0], iss2.key.pk, 1, &acc);
	ok(&acc);
	cr_assert_eq(sub(&def), CL_ACC_UNKNOWN_AUTHOR);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	ok(&acc);
	ok(&def);
	head(iss.key.pk, &h);
	cr_assert_eq(h.seq, 1);
}

Test(ledger, accredit_later_in_the_same_batch_comes_too_late)
{
	struct tl_ev		acc, def;
	const struct tl_ev	*evs[3] = { &def, &acc, &def };
	struct cl_result	r[3];

	tl_define(&net, &iss, &def);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_submit_batch(&tl.l, evs, 3, r);
	cr_assert_eq(r[0].acc, CL_ACC_UNKNOWN_AUTHOR);
	cr_assert_eq(r[1].acc, CL_ACC_ACCEPTED);
	cr_assert_eq(r[2].acc, CL_ACC_ACCEPTED);
}

Test(ledger, gap_is_reported_and_then_filled)
{
	struct tl_ev		acc, def, i2, i3;
	struct cl_result	r;
	struct cl_head		h;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	ok(&acc);
	tl_define(&net, &iss, &def);
	issue(&iss, def.id, 1, 0, 0, &i2);
	issue(&iss, def.id, 2, 0, 0, &i3);
	cr_assert_eq(tl_submit(&tl.l, &i2, &r), CL_ACC_GAP);	/* empty */
	cr_assert_eq(r.head_seq, 0);
	ok(&def);
	cr_assert_eq(tl_submit(&tl.l, &i3, &r), CL_ACC_GAP);
	cr_assert_eq(r.head_seq, 1);
	head(iss.key.pk, &h);
	cr_assert_eq(h.seq, 1, "nothing of a gap is stored");
	ok(&i2);
	ok(&i3);
	head(iss.key.pk, &h);
	cr_assert_eq(h.seq, 3);
	expect_status(i2.id, CL_ST_VALID);
	expect_status(i3.id, CL_ST_VALID);
}

Test(ledger, prev_other_than_the_head_is_a_mismatch)
{
	struct tl_ev		acc, def, good, bad;
	struct cl_result	r;
	struct cl_counts	c;
	uint8_t			wrong[CL_ID_LEN];

	accredit_and_define(&acc, &def);
	ref(wrong, 0x99, 1);
	issue_at(&iss, def.id, 1, 2, wrong, &bad);
	cr_assert_eq(tl_submit(&tl.l, &bad, &r), CL_ACC_PREV_MISMATCH);
	cr_assert_eq(r.head_seq, 1);
	counts(&c);
	cr_assert_eq(c.log, 2);
	issue(&iss, def.id, 1, 0, 0, &good);
	ok(&good);
}

/* ------------------------------------------------------------------ */
/* Forks. */

/*
 * iss: DEFINE 1, ISSUE a 2, ISSUE b 3, ISSUE d 4 held; c is another event
 * at seq 3.
 */
struct forked {
	struct tl_ev	acc, def, a, b, d, c;
};

static void
forked_feed(struct forked *f)
{
	accredit_and_define(&f->acc, &f->def);
	issue(&iss, f->def.id, 1, 0, 0, &f->a);
	issue(&iss, f->def.id, 2, 0, 0, &f->b);
	issue(&iss, f->def.id, 4, 0, 0, &f->d);
	ok(&f->a);
	ok(&f->b);
	ok(&f->d);
	issue_at(&iss, f->def.id, 3, 3, f->a.id, &f->c);
}

Test(ledger, equivocation_is_stored_as_a_fork_proof)
{
	static struct forked	f;
	struct cl_result	r;
	struct cl_counts	c;
	struct cl_head		h;
	uint8_t			d1[CL_ID_LEN], d2[CL_ID_LEN], *bytes;
	size_t			len;

	forked_feed(&f);
	digest(d1);
	cr_assert_eq(tl_submit(&tl.l, &f.c, &r), CL_ACC_FORK);
	cr_assert_eq(r.pos, 5);
	cr_assert_arr_eq(r.id, f.c.id, CL_ID_LEN);
	counts(&c);
	cr_assert_eq(c.forks, 1);
	cr_assert_eq(c.log, 6, "the proof is in the log");
	cr_assert_eq(c.by_type[CL_EV_ISSUE], 4, "counted, though in no feed");
	cr_assert_eq(cl_ledger_event_at(&tl.l, 5, &bytes, &len), CL_OK);
	cr_assert_arr_eq(bytes, f.c.bytes, f.c.len);
	free(bytes);
	head(iss.key.pk, &h);
	cr_assert_eq(h.fork_seq, 3);
	cr_assert_eq(h.seq, 4);
	cr_assert_arr_eq(h.id, f.d.id, CL_ID_LEN);
	digest(d2);
	cr_assert_arr_neq(d1, d2, CL_ID_LEN);
	/* the same proof again changes nothing */
	cr_assert_eq(sub(&f.c), CL_ACC_DUPLICATE);
	counts(&c);
	cr_assert_eq(c.forks, 1);
	cr_assert_eq(c.log, 6);
}

Test(ledger, fork_disputes_credentials_at_and_after_its_point)
{
	static struct forked	f;
	struct cl_cred_answer	a;

	forked_feed(&f);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	expect_status(f.a.id, CL_ST_VALID);		/* seq 2 */
	expect_status(f.b.id, CL_ST_DISPUTED);		/* seq 3 */
	expect_status(f.d.id, CL_ST_DISPUTED);		/* seq 4 */
	answer(f.b.id, &a);
	cr_assert_eq(a.win.fork, 3);
	/*
	 * The proof: ISSUE b first (also the feed's event at the fork
	 * point), the fork proof c, the ACCREDIT.  No DEFINE: past the fork
	 * whether an ISSUE found one proves nothing.
	 */
	cr_assert_eq(a.proof_cnt, 3);
	cr_assert_eq(a.proof[0], 3);
	cr_assert(in_proof(&a, 5) && in_proof(&a, 0));
}

/*
 * DESIGN §4: answers depend only on the set of events held.  Two nodes
 * hold the same events, b and c both ISSUEs at seq 3: one got b first, the
 * other c (and then d, past the fork, off its chain).  Both credentials
 * are issued at the fork point, so both must be disputed on both nodes.
 */
Test(ledger, both_branches_of_a_fork_answer_disputed_whatever_the_order)
{
	static struct forked	f;
	struct tl_ledger	other;
	enum cl_cred_status	st[2][2];
	uint8_t			d1[CL_ID_LEN], d2[CL_ID_LEN];

	forked_feed(&f);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	tl_ledger_open(&other, &net);		/* same events, c first */
	cr_assert_eq(tl_submit(&other.l, &f.acc, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&other.l, &f.def, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&other.l, &f.a, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&other.l, &f.c, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&other.l, &f.b, NULL), CL_ACC_FORK);
	cr_assert_eq(cl_ledger_digest(&other.l, d2), CL_OK);
	digest(d1);
	cr_assert_arr_neq(d1, d2, CL_ID_LEN, "other lacks d");
	cr_assert_eq(tl_submit(&other.l, &f.d, NULL), CL_ACC_DISPUTED);
	cr_assert_eq(cl_ledger_digest(&other.l, d2), CL_OK);
	cr_assert_arr_eq(d1, d2, CL_ID_LEN, "digests agree");
	st[0][0] = tl_status(&tl.l, f.b.id);
	st[0][1] = tl_status(&tl.l, f.c.id);
	st[1][0] = tl_status(&other.l, f.b.id);
	st[1][1] = tl_status(&other.l, f.c.id);
	cr_assert_eq(tl_status(&other.l, f.d.id), CL_ST_DISPUTED);
	tl_ledger_close(&other);
	cr_assert_eq(st[0][0], CL_ST_DISPUTED, "node 1, b: %s",
	    cl_status_name(st[0][0]));
	cr_assert_eq(st[1][1], CL_ST_DISPUTED, "node 2, c: %s",
	    cl_status_name(st[1][1]));
	cr_assert_eq(st[0][1], CL_ST_DISPUTED, "node 1 holds c as a fork "
	    "proof and answers %s", cl_status_name(st[0][1]));
	cr_assert_eq(st[1][0], CL_ST_DISPUTED, "node 2 holds b as a fork "
	    "proof and answers %s", cl_status_name(st[1][0]));
}

/*
 * Events past the fork point are held off the chain as evidence: a node
 * that took the other branch holds the same set, and answers alike.
 */
Test(ledger, events_past_the_fork_point_are_held_off_the_chain)
{
	static struct forked	f;
	static struct tl_ev	a2, b2;
	struct cl_counts	c;
	struct cl_head		h;

	forked_feed(&f);
	issue_at(&iss, f.def.id, 9, 2, f.def.id, &a2);	/* fork at 2 */
	cr_assert_eq(sub(&a2), CL_ACC_FORK);
	issue_at(&iss, f.def.id, 9, 3, f.a.id, &b2);	/* another at 3 */
	cr_assert_eq(sub(&b2), CL_ACC_DISPUTED);
	cr_assert_eq(sub(&f.c), CL_ACC_DISPUTED);
	cr_assert_eq(sub(&b2), CL_ACC_DUPLICATE);
	counts(&c);
	cr_assert_eq(c.forks, 1);
	cr_assert_eq(c.log, 8);
	cr_assert_eq(c.credentials, 6);
	head(iss.key.pk, &h);
	cr_assert_eq(h.fork_seq, 2);
	cr_assert_eq(h.seq, 4, "the chain does not change");
	cr_assert_eq(h.fork_held, 6, "a b d on the chain, a2 b2 c off it");
	expect_status(b2.id, CL_ST_DISPUTED);
	expect_status(f.c.id, CL_ST_DISPUTED);
}

Test(ledger, proof_below_the_fork_lowers_the_fork_point)
{
	static struct forked	f;
	static struct tl_ev	a2;
	struct cl_counts	c;
	struct cl_head		h;

	forked_feed(&f);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	expect_status(f.a.id, CL_ST_VALID);
	issue_at(&iss, f.def.id, 9, 2, f.def.id, &a2);
	cr_assert_eq(sub(&a2), CL_ACC_FORK);
	counts(&c);
	cr_assert_eq(c.forks, 1, "one forked feed");
	head(iss.key.pk, &h);
	cr_assert_eq(h.fork_seq, 2);
	cr_assert_eq(h.fork_held, 5);
	expect_status(f.a.id, CL_ST_DISPUTED);
	/* the proof at 3, sent again, is held: a duplicate */
	cr_assert_eq(sub(&f.c), CL_ACC_DUPLICATE);
}

/*
 * A third variant at the fork seq does not lower the fork point; it is
 * held, up to CL_FORK_HELD_MAX events past the fork, and no further: an
 * equivocating author cannot fill the disk.
 */
Test(ledger, variants_past_the_fork_are_held_up_to_a_bound)
{
	static struct forked	f;
	static struct tl_ev	e;
	struct cl_counts	c;
	struct cl_head		h;
	uint32_t		i, n;

	forked_feed(&f);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	head(iss.key.pk, &h);
	cr_assert_eq(h.fork_held, 3, "b, d and c");
	n = CL_FORK_HELD_MAX - 3;
	for (i = 0; i < n; i++) {
		issue_at(&iss, f.def.id, 100 + i, 3, f.a.id, &e);
		cr_assert_eq(sub(&e), CL_ACC_DISPUTED, "variant %u", i);
	}
	issue_at(&iss, f.def.id, 100 + n, 3, f.a.id, &e);
	cr_assert_eq(sub(&e), CL_ACC_FORK_FULL);
	cr_assert_eq(tl_status(&tl.l, e.id), CL_ST_UNKNOWN);
	counts(&c);
	cr_assert_eq(c.forks, 1);
	cr_assert_eq(c.log, 6 + n);
	cr_assert_eq(sub(&f.c), CL_ACC_DUPLICATE);
}

Test(ledger, appends_to_a_forked_feed_are_disputed)
{
	static struct forked	f;
	static struct tl_ev	e;
	struct cl_counts	c;
	struct cl_head		h;

	forked_feed(&f);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	issue(&iss, f.def.id, 5, 0, 0, &e);		/* seq 5, prev d */
	cr_assert_eq(sub(&e), CL_ACC_DISPUTED);
	issue(&iss, f.def.id, 6, 0, 0, &e);		/* seq 6: no gap */
	cr_assert_eq(sub(&e), CL_ACC_DISPUTED);
	counts(&c);
	cr_assert_eq(c.log, 8, "held off the chain");
	head(iss.key.pk, &h);
	cr_assert_eq(h.seq, 4, "a forked chain never grows");
	cr_assert_eq(tl_status(&tl.l, e.id), CL_ST_DISPUTED);
}

Test(ledger, changes_at_or_after_the_fork_point_are_not_effective)
{
	struct tl_ev		acc, def, is, rev, alt;
	uint8_t			prev[CL_ID_LEN];

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	memcpy(prev, iss.head, CL_ID_LEN);
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &rev);	/* seq 3 */
	ok(&rev);
	expect_status(is.id, CL_ST_REVOKED);
	issue_at(&iss, def.id, 7, 3, prev, &alt);
	cr_assert_eq(sub(&alt), CL_ACC_FORK);
	expect_status(is.id, CL_ST_VALID);
}

/* ------------------------------------------------------------------ */
/* Void events: stored, marked, and the feed goes on. */

static void
feed_goes_on(const uint8_t *def_id)
{
	struct tl_ev	next;

	issue(&iss, def_id, 777, 0, 0, &next);
	ok(&next);
	expect_status(next.id, CL_ST_VALID);
}

Test(ledger, issue_of_an_undefined_achievement_is_void)
{
	struct tl_ev		acc, def, bad;
	struct cl_cred_answer	a;
	struct cl_counts	c;
	uint8_t			nowhere[CL_ID_LEN];

	accredit_and_define(&acc, &def);
	ref(nowhere, 0xde, 1);
	issue(&iss, nowhere, 1, 0, 0, &bad);
	void_(&bad, CL_VOID_NO_DEFINE);
	answer(bad.id, &a);
	cr_assert_eq(a.status, CL_ST_VOID);
	cr_assert_eq(a.void_reason, CL_VOID_NO_DEFINE);
	counts(&c);
	cr_assert_eq(c.void_events, 1);
	cr_assert_eq(c.credentials, 1);
	cr_assert_eq(c.by_state[CL_ST_VALID], 0, "a void ISSUE has no state");
	feed_goes_on(def.id);
	counts(&c);
	cr_assert_eq(c.by_state[CL_ST_VALID], 1);
}

Test(ledger, issue_of_another_issuers_define_is_void)
{
	struct tl_ev		acc, def, acc2, def2, bad;
	struct cl_cred_answer	a;

	accredit_and_define(&acc, &def);
	tl_accredit(&net, &net.auth[0], iss2.key.pk, 1, &acc2);
	ok(&acc2);
	tl_define(&net, &iss2, &def2);
	ok(&def2);
	issue(&iss, def2.id, 1, 0, 0, &bad);
	void_(&bad, CL_VOID_NO_DEFINE);
	answer(bad.id, &a);
	cr_assert_eq(a.status, CL_ST_VOID);
	cr_assert_eq(a.void_reason, CL_VOID_NO_DEFINE);
	feed_goes_on(def.id);
}

Test(ledger, change_of_a_credential_never_issued_is_void)
{
	struct tl_ev		acc, def, acc2, def2, other, bad;
	uint8_t			never[CL_ID_LEN];

	accredit_and_define(&acc, &def);
	ref(never, 0xee, 1);
	tl_change(&net, &iss, CL_EV_SUSPEND, never, &bad);
	void_(&bad, CL_VOID_NO_CREDENTIAL);
	tl_change(&net, &iss, CL_EV_REVOKE, never, &bad);
	void_(&bad, CL_VOID_NO_CREDENTIAL);
	/* another issuer's credential is not this feed's to change */
	tl_accredit(&net, &net.auth[0], iss2.key.pk, 1, &acc2);
	ok(&acc2);
	tl_define(&net, &iss2, &def2);
	ok(&def2);
	issue(&iss2, def2.id, 1, 0, 0, &other);
	ok(&other);
	tl_change(&net, &iss, CL_EV_REVOKE, other.id, &bad);
	void_(&bad, CL_VOID_NO_CREDENTIAL);
	expect_status(other.id, CL_ST_VALID);
	feed_goes_on(def.id);
}

Test(ledger, reinstating_a_valid_credential_is_void)
{
	struct tl_ev	acc, def, is, ch;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	tl_change(&net, &iss, CL_EV_REINSTATE, is.id, &ch);
	void_(&ch, CL_VOID_NOT_SUSPENDED);
	expect_status(is.id, CL_ST_VALID);
	feed_goes_on(def.id);
}

Test(ledger, suspending_twice_is_void)
{
	struct tl_ev		acc, def, is, s1, s2;
	struct cl_cred_answer	a;
	uint64_t		pos;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	tl_change(&net, &iss, CL_EV_SUSPEND, is.id, &s1);
	pos = ok(&s1);
	tl_change(&net, &iss, CL_EV_SUSPEND, is.id, &s2);
	void_(&s2, CL_VOID_ALREADY_SUSPENDED);
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_SUSPENDED);
	cr_assert_eq(a.status_pos, pos, "the first SUSPEND set it");
	feed_goes_on(def.id);
}

Test(ledger, any_change_after_revoke_is_void)
{
	struct tl_ev	acc, def, is, rev, ch;
	unsigned	t;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &rev);
	ok(&rev);
	for (t = CL_EV_SUSPEND; t <= CL_EV_REVOKE; t++) {
		tl_change(&net, &iss, t, is.id, &ch);
		void_(&ch, CL_VOID_ALREADY_REVOKED);
	}
	expect_status(is.id, CL_ST_REVOKED);
	feed_goes_on(def.id);
}

Test(ledger, changes_over_the_maximum_are_void)
{
	static struct tl_ev	ch;
	struct tl_ev		acc, def, is;
	struct cl_cred_answer	a;
	struct cl_counts	c;
	int			i;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	for (i = 0; i < CL_CRED_CHANGES_MAX; i++) {
		tl_change(&net, &iss, i % 2 ? CL_EV_REINSTATE : CL_EV_SUSPEND,
		    is.id, &ch);
		ok(&ch);
	}
	expect_status(is.id, CL_ST_VALID);
	tl_change(&net, &iss, CL_EV_SUSPEND, is.id, &ch);
	void_(&ch, CL_VOID_TOO_MANY_CHANGES);
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &ch);
	void_(&ch, CL_VOID_TOO_MANY_CHANGES);
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_VALID);
	cr_assert_eq(a.proof_cnt, 3 + CL_CRED_CHANGES_MAX);
	counts(&c);
	cr_assert_eq(c.void_events, 2);
	cr_assert_eq(c.by_state[CL_ST_VALID], 1, "the void changes changed "
	    "nothing");
	cr_assert_eq(c.by_state[CL_ST_SUSPENDED] + c.by_state[CL_ST_REVOKED],
	    0);
	feed_goes_on(def.id);
}

/* ------------------------------------------------------------------ */
/* Status. */

Test(ledger, valid_suspended_valid_revoked)
{
	struct tl_ev		acc, def, is, ch;
	struct cl_cred_answer	a;
	uint64_t		pos;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_VALID);
	cr_assert_eq(a.status_pos, UINT64_MAX);
	tl_change(&net, &iss, CL_EV_SUSPEND, is.id, &ch);
	pos = ok(&ch);
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_SUSPENDED);
	cr_assert_eq(a.status_pos, pos);
	tl_change(&net, &iss, CL_EV_REINSTATE, is.id, &ch);
	pos = ok(&ch);
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_VALID);
	cr_assert_eq(a.status_pos, pos);
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &ch);
	pos = ok(&ch);
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_REVOKED);
	cr_assert_eq(a.status_pos, pos);
}

Test(ledger, valid_revoked)
{
	struct tl_ev	acc, def, is, ch;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &ch);
	ok(&ch);
	expect_status(is.id, CL_ST_REVOKED);
}

Test(ledger, suspended_revoked)
{
	struct tl_ev	acc, def, is, ch;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	tl_change(&net, &iss, CL_EV_SUSPEND, is.id, &ch);
	ok(&ch);
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &ch);
	ok(&ch);
	expect_status(is.id, CL_ST_REVOKED);
}

Test(ledger, expired_when_valid_until_is_before_now)
{
	struct tl_ev		acc, def, past, now, later, none;
	struct cl_cred_answer	a;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, TL_NOW - 1, &past);
	issue(&iss, def.id, 2, 0, TL_NOW, &now);
	issue(&iss, def.id, 3, 0, TL_NOW + 1, &later);
	issue(&iss, def.id, 4, 0, 0, &none);
	ok(&past);
	ok(&now);
	ok(&later);
	ok(&none);
	expect_status(past.id, CL_ST_EXPIRED);
	expect_status(now.id, CL_ST_VALID);	/* valid at valid_until */
	expect_status(later.id, CL_ST_VALID);
	expect_status(none.id, CL_ST_VALID);
	/* expiry is a question of when one asks */
	cr_assert_eq(cl_ledger_credential(&tl.l, past.id, TL_NOW - 1, &a),
	    CL_OK);
	cr_assert_eq(a.status, CL_ST_VALID);
	cr_assert_eq(a.valid_until, TL_NOW - 1);
}

Test(ledger, suspension_and_revocation_win_over_expiry)
{
	struct tl_ev	acc, def, s, r, ch;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, TL_NOW - 1, &s);
	issue(&iss, def.id, 2, 0, TL_NOW - 1, &r);
	ok(&s);
	ok(&r);
	tl_change(&net, &iss, CL_EV_SUSPEND, s.id, &ch);
	ok(&ch);
	tl_change(&net, &iss, CL_EV_REVOKE, r.id, &ch);
	ok(&ch);
	expect_status(s.id, CL_ST_SUSPENDED);
	expect_status(r.id, CL_ST_REVOKED);
}

Test(ledger, unknown_id_is_unknown)
{
	struct tl_ev		acc, def;
	struct cl_cred_answer	a;

	accredit_and_define(&acc, &def);
	answer(acc.id, &a);			/* an id, but no ISSUE */
	cr_assert_eq(a.status, CL_ST_UNKNOWN);
	cr_assert_eq(a.proof_cnt, 0);
	cr_assert_eq(a.status_pos, UINT64_MAX);
	answer(def.id, &a);
	cr_assert_eq(a.status, CL_ST_UNKNOWN);
}

Test(ledger, answer_carries_the_credential_and_its_proof)
{
	struct tl_ev		acc, def, is;
	struct cl_cred_answer	a;
	uint8_t			want[CL_ID_LEN];

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	ok(&acc);					/* pos 0 */
	tl_define(&net, &iss, &def);
	ok(&def);					/* pos 1 */
	issue(&iss, def.id, 5, 6, TL_NOW + 5, &is);
	ok(&is);					/* pos 2 */
	answer(is.id, &a);
	cr_assert_arr_eq(a.id, is.id, CL_ID_LEN);
	cr_assert_arr_eq(a.issuer, iss.key.pk, CL_PK_LEN);
	cr_assert_arr_eq(a.achievement, def.id, CL_ID_LEN);
	ref(want, 0x42, 5);
	cr_assert_arr_eq(a.holder, want, CL_ID_LEN);
	ref(want, 0xd1, 6);
	cr_assert_arr_eq(a.digest, want, CL_ID_LEN);
	cr_assert_eq(a.issue_seq, 2);
	cr_assert_eq(a.issued_at, ISSUED_AT);
	cr_assert_eq(a.valid_until, TL_NOW + 5);
	cr_assert_eq(a.win.from, 1);
	cr_assert_eq(a.win.after, UINT64_MAX);
	cr_assert_eq(a.win.fork, UINT64_MAX);
	cr_assert_eq(a.proof_cnt, 3);
	cr_assert_eq(a.proof[0], 2, "the ISSUE first");
	cr_assert(in_proof(&a, 1), "the DEFINE");
	cr_assert(in_proof(&a, 0), "the ACCREDIT");
}

/* ------------------------------------------------------------------ */
/* Effect: accreditation, withdrawal and authority forks. */

Test(ledger, accredit_from_seq_is_the_first_effective_seq)
{
	struct tl_ev		acc, def, i2, i3;
	struct cl_cred_answer	a;
	struct cl_window	w;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 3, &acc);
	ok(&acc);
	tl_define(&net, &iss, &def);
	ok(&def);				/* accepted all the same */
	issue(&iss, def.id, 1, 0, 0, &i2);
	issue(&iss, def.id, 2, 0, 0, &i3);
	ok(&i2);
	ok(&i3);
	answer(i2.id, &a);			/* seq 2 = from_seq - 1 */
	cr_assert_eq(a.status, CL_ST_VOID);
	cr_assert_eq(a.void_reason, CL_VOID_NOT_ACCREDITED);
	expect_status(i3.id, CL_ST_VALID);	/* seq 3 = from_seq */
	cr_assert_eq(cl_ledger_window(&tl.l, iss.key.pk, &w), CL_OK);
	cr_assert_eq(w.from, 3);
}

Test(ledger, lowest_from_seq_of_all_accredits_counts)
{
	struct tl_ev		acc, acc2, def, i2;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 5, &acc);
	ok(&acc);
	tl_define(&net, &iss, &def);
	ok(&def);
	issue(&iss, def.id, 1, 0, 0, &i2);
	ok(&i2);
	expect_status(i2.id, CL_ST_VOID);
	tl_accredit(&net, &net.auth[1], iss.key.pk, 1, &acc2);
	ok(&acc2);
	expect_status(i2.id, CL_ST_VALID);
}

Test(ledger, withdraw_after_seq_is_the_last_effective_seq)
{
	struct tl_ev		acc, def, i2, i3, wd;
	struct cl_window	w;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &i2);
	issue(&iss, def.id, 2, 0, 0, &i3);
	ok(&i2);
	ok(&i3);
	tl_withdraw(&net, &net.auth[0], iss.key.pk, 2, &wd);
	ok(&wd);
	expect_status(i2.id, CL_ST_VALID);		/* seq 2 = after_seq */
	expect_status(i3.id, CL_ST_ISSUER_WITHDRAWN);	/* seq 3 */
	cr_assert_eq(cl_ledger_window(&tl.l, iss.key.pk, &w), CL_OK);
	cr_assert_eq(w.from, 1);
	cr_assert_eq(w.after, 2);
}

Test(ledger, change_after_the_withdrawal_point_is_not_effective)
{
	struct tl_ev		acc, def, is, wd, ch;
	struct cl_cred_answer	a;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);					/* seq 2 */
	tl_withdraw(&net, &net.auth[0], iss.key.pk, 2, &wd);
	ok(&wd);
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &ch);
	ok(&ch);					/* seq 3 */
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_VALID);
	cr_assert_eq(a.status_pos, UINT64_MAX);
}

Test(ledger, change_at_the_withdrawal_point_is_effective)
{
	struct tl_ev	acc, def, is, ch, later, wd;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);					/* seq 2 */
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &ch);
	ok(&ch);					/* seq 3 */
	issue(&iss, def.id, 2, 0, 0, &later);
	ok(&later);					/* seq 4 */
	tl_withdraw(&net, &net.auth[0], iss.key.pk, 3, &wd);
	ok(&wd);
	expect_status(is.id, CL_ST_REVOKED);
	expect_status(later.id, CL_ST_ISSUER_WITHDRAWN);
}

Test(ledger, withdrawal_by_another_authority_counts)
{
	struct tl_ev	acc, def, i2, i3, wd;

	accredit_and_define(&acc, &def);	/* authority 0 */
	issue(&iss, def.id, 1, 0, 0, &i2);
	issue(&iss, def.id, 2, 0, 0, &i3);
	ok(&i2);
	ok(&i3);
	tl_withdraw(&net, &net.auth[1], iss.key.pk, 2, &wd);
	ok(&wd);
	expect_status(i2.id, CL_ST_VALID);
	expect_status(i3.id, CL_ST_ISSUER_WITHDRAWN);
}

/*
 * An ACCREDIT an authority wrote at or after its own fork point does not
 * count.  An issuer no counted ACCREDIT names is as on a node that never
 * took its events (one that saw the other branch first): unknown, and out
 * of the state digest.
 */
Test(ledger, accredit_after_its_authoritys_fork_point_does_not_count)
{
	struct tl_ev		accy, accx, alt, def, is;
	struct tl_ledger	other;
	struct cl_window	w;
	struct cl_cred_answer	a;
	uint64_t		pos;
	uint8_t			d1[CL_ID_LEN], d2[CL_ID_LEN];

	tl_accredit(&net, &net.auth[0], iss2.key.pk, 1, &accy); /* seq 1 */
	ok(&accy);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &accx);	/* seq 2 */
	ok(&accx);
	tl_define(&net, &iss, &def);
	ok(&def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	expect_status(is.id, CL_ST_VALID);
	cr_assert_eq(cl_ledger_accredit_pos(&tl.l, iss.key.pk, &pos), CL_OK);
	cr_assert_eq(pos, 1);
	/* authority 0 equivocates at seq 1: its seq 2 no longer counts */
	accredit_at(&net.auth[0], iss2.key.pk, 1, NULL, &alt);
	cr_assert_eq(sub(&alt), CL_ACC_FORK);
	answer(is.id, &a);
	cr_assert_eq(a.status, CL_ST_UNKNOWN, "%s", cl_status_name(a.status));
	cr_assert_eq(a.proof_cnt, 0);
	cr_assert_eq(cl_ledger_window(&tl.l, iss.key.pk, &w), CL_OK);
	cr_assert_eq(w.from, UINT64_MAX);
	cr_assert_eq(cl_ledger_accredit_pos(&tl.l, iss.key.pk, &pos),
	    CL_ENOTFOUND);
	/*
	 * A node that got the other branch first holds accx off the chain:
	 * it names iss, so iss's events are held, and count for nothing.
	 */
	tl_ledger_open(&other, &net);
	cr_assert_eq(tl_submit(&other.l, &def, NULL), CL_ACC_UNKNOWN_AUTHOR);
	cr_assert_eq(tl_submit(&other.l, &alt, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&other.l, &accy, NULL), CL_ACC_FORK);
	cr_assert_eq(tl_submit(&other.l, &accx, NULL), CL_ACC_DISPUTED);
	cr_assert_eq(tl_submit(&other.l, &def, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&other.l, &is, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_status(&other.l, is.id), CL_ST_UNKNOWN);
	digest(d1);
	cr_assert_eq(cl_ledger_digest(&other.l, d2), CL_OK);
	tl_ledger_close(&other);
	cr_assert_arr_eq(d1, d2, CL_ID_LEN, "the two nodes agree");
}

Test(ledger, accredit_before_its_authoritys_fork_point_counts)
{
	struct tl_ev	accx, accy, alt, def, is;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &accx);	/* seq 1 */
	ok(&accx);
	tl_accredit(&net, &net.auth[0], iss2.key.pk, 1, &accy);	/* seq 2 */
	ok(&accy);
	tl_define(&net, &iss, &def);
	ok(&def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	accredit_at(&net.auth[0], iss2.key.pk, 2, accx.id, &alt);
	cr_assert_eq(sub(&alt), CL_ACC_FORK);
	expect_status(is.id, CL_ST_VALID);
}

/* ------------------------------------------------------------------ */
/* Queries. */

static bool
has(uint8_t (*ids)[CL_ID_LEN], uint32_t cnt, const uint8_t *id)
{
	uint32_t	i;

	for (i = 0; i < cnt; i++)
		if (memcmp(ids[i], id, CL_ID_LEN) == 0)
			return true;
	return false;
}

Test(ledger, credentials_by_holder_and_by_digest)
{
	static uint8_t	ids[CL_QUERY_CREDS_MAX][CL_ID_LEN];
	struct tl_ev	acc, def, h1a, h1b, h1c, h2;
	uint8_t		r[CL_ID_LEN];
	uint32_t	cnt;
	bool		more;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 11, 0, &h1a);
	issue(&iss, def.id, 1, 12, 0, &h1b);
	issue(&iss, def.id, 1, 0, 0, &h1c);	/* no digest */
	issue(&iss, def.id, 2, 11, 0, &h2);	/* shares h1a's digest */
	ok(&h1a);
	ok(&h1b);
	ok(&h1c);
	ok(&h2);
	ref(r, 0x42, 1);
	cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 3);
	cr_assert_not(more);
	cr_assert(has(ids, cnt, h1a.id) && has(ids, cnt, h1b.id) &&
	    has(ids, cnt, h1c.id));
	ref(r, 0x42, 2);
	cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert_arr_eq(ids[0], h2.id, CL_ID_LEN);
	ref(r, 0x42, 3);
	cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 0);
	ref(r, 0xd1, 11);
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 2);
	cr_assert(has(ids, cnt, h1a.id) && has(ids, cnt, h2.id));
	ref(r, 0xd1, 12);
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert_arr_eq(ids[0], h1b.id, CL_ID_LEN);
	memset(r, 0, sizeof(r));		/* absent digests: not filed */
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 0);
	/* a holder reference is not a digest */
	ref(r, 0x42, 1);
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 0);
}

/* Prepare and apply n events in one batch; all must be accepted. */
static void
apply_all(struct cl_ledger *l, struct cl_submit *s, size_t n)
{
	struct cl_result	*res = calloc(n, sizeof(*res));
	size_t			 i;
	cl_err			 err;

	cr_assert_not_null(res);
	err = cl_ledger_apply(l, s, n, res);
	cr_assert_eq(err, CL_OK, "apply: %s", cl_errname(err));
	for (i = 0; i < n; i++) {
		cr_assert_eq(res[i].acc, CL_ACC_ACCEPTED, "event %zu: %s", i,
		    cl_accept_name(res[i].acc));
		cr_assert_eq(res[i].void_reason, CL_VOID_NONE);
		cr_assert_eq(res[i].pos, l->log_size - n + i);
	}
	free(res);
}

/*
 * ACCREDIT, DEFINE and n - 2 ISSUEs (holder 1, digest i) of iss, prepared
 * into a fresh array.
 */
static struct cl_submit *
prepare_feed(const struct cl_ledger *l, size_t n)
{
	struct cl_submit	*s = calloc(n, sizeof(*s));
	struct tl_ev		*ev = malloc(sizeof(*ev));
	uint8_t			 def[CL_ID_LEN];
	size_t			 i;

	cr_assert(s != NULL && ev != NULL && n >= 2);
	for (i = 0; i < n; i++) {
		if (i == 0)
			tl_accredit(&net, &net.auth[0], iss.key.pk, 1, ev);
		else if (i == 1)
			tl_define(&net, &iss, ev);
		else
			issue(&iss, def, 1, (uint32_t)i, 0, ev);
		if (i == 1)
			memcpy(def, ev->id, CL_ID_LEN);
		cl_ledger_prepare(l->genesis.netid, ev->bytes, ev->len, &s[i]);
		cr_assert_eq(s[i].err, CL_OK);
	}
	free(ev);
	return s;
}

static void
submits_free(struct cl_submit *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		cl_submit_free(&s[i]);
	free(s);
}

/*
 * A batch holds its credential, holder and digest writes back and puts
 * them in sorted at its end: issues, changes of credentials issued in the
 * same batch (and void ones), all in one batch, must leave the state that
 * the same events leave one batch each.
 */
Test(ledger, one_batch_and_one_by_one_leave_the_same_state)
{
	enum { N = 3000 };
	static struct tl_ev	ev[N];
	static const struct tl_ev *evs[N];
	static struct cl_result	res[N];
	static uint8_t		ids[CL_QUERY_CREDS_MAX][CL_ID_LEN];
	static const unsigned	kinds[] = { CL_EV_SUSPEND, CL_EV_REINSTATE,
				    CL_EV_REVOKE, CL_EV_REINSTATE };
	struct tl_ledger	one;
	struct cl_counts	ca, cb;
	uint8_t			da[CL_ID_LEN], db[CL_ID_LEN], r[CL_ID_LEN];
	size_t			i, n = 0, issues = 0;
	uint32_t		cnt, cnt1;
	bool			more;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &ev[n++]);
	tl_define(&net, &iss, &ev[n++]);
	while (n < N) {
		/* an ISSUE, or a change of an earlier one (holders repeat) */
		if (issues < 2 || n % 3 != 0) {
			issue(&iss, ev[1].id, (uint32_t)(n % 97),
			    (uint32_t)(n % 5 == 0 ? 0 : n), 0, &ev[n]);
			issues++;
		} else {
			tl_change(&net, &iss, kinds[n % 4],
			    ev[2 + (n * 7919) % (n - 2)].id, &ev[n]);
		}
		n++;
	}
	for (i = 0; i < n; i++)
		evs[i] = &ev[i];
	tl_submit_batch(&tl.l, evs, n, res);

	tl_ledger_open(&one, &net);
	for (i = 0; i < n; i++) {
		struct cl_result	r1;

		tl_submit(&one.l, &ev[i], &r1);
		cr_assert_eq(r1.acc, res[i].acc, "event %zu", i);
		cr_assert_eq(r1.void_reason, res[i].void_reason, "event %zu: "
		    "%s, in one batch %s", i, cl_void_reason(r1.void_reason),
		    cl_void_reason(res[i].void_reason));
	}
	cr_assert_eq(cl_ledger_digest(&tl.l, da), CL_OK);
	cr_assert_eq(cl_ledger_digest(&one.l, db), CL_OK);
	cr_assert_arr_eq(da, db, CL_ID_LEN);
	cr_assert_eq(cl_ledger_counts(&tl.l, &ca), CL_OK);
	cr_assert_eq(cl_ledger_counts(&one.l, &cb), CL_OK);
	cr_assert_eq(ca.credentials, issues);
	cr_assert_arr_eq(ca.by_state, cb.by_state, sizeof(ca.by_state));
	cr_assert(ca.by_state[CL_ST_REVOKED] > 0 &&
	    ca.by_state[CL_ST_SUSPENDED] > 0);
	for (i = 2; i < n; i++)
		cr_assert_eq(tl_status(&tl.l, ev[i].id),
		    tl_status(&one.l, ev[i].id), "event %zu", i);
	for (i = 0; i < 97; i++) {
		ref(r, 0x42, (uint32_t)i);
		cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more),
		    CL_OK);
		cr_assert_eq(cl_ledger_by_holder(&one.l, r, ids, &cnt1, &more),
		    CL_OK);
		cr_assert_eq(cnt, cnt1, "holder %zu", i);
		cr_assert_gt(cnt, 0);
	}
	ref(r, 0xd1, 7);
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert_arr_eq(ids[0], ev[7].id, CL_ID_LEN);
	tl_ledger_close(&one);
}

/*
 * The holder and digest indexes keep the first bytes of each ref: refs
 * that agree in them are told apart by the credential records.
 */
Test(ledger, refs_of_one_prefix_are_told_apart)
{
	static uint8_t	ids[CL_QUERY_CREDS_MAX][CL_ID_LEN];
	struct tl_ev	acc, def, a, b;
	struct cl_event	e;
	uint8_t		r[CL_ID_LEN];
	uint32_t	cnt;
	bool		more;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 9, 0, &a);
	ok(&a);
	/* holder 0x43/1 and digest 0xd2/9: the same first 8 bytes */
	issue_body(&e, def.id, 1, 9, 0);
	ref(e.body.issue.holder, 0x43, 1);
	ref(e.body.issue.digest, 0xd2, 9);
	tl_sign(&net, &iss, &e, &b);
	ok(&b);
	ref(r, 0x42, 1);
	cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert_arr_eq(ids[0], a.id, CL_ID_LEN);
	ref(r, 0x43, 1);
	cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert_arr_eq(ids[0], b.id, CL_ID_LEN);
	ref(r, 0x44, 1);
	cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 0);
	ref(r, 0xd2, 9);
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert_arr_eq(ids[0], b.id, CL_ID_LEN);
}

/*
 * A store of schema 2 (credentials under their ids, whole refs and ids in
 * the holder and digest indexes) is rewritten when the node opens it, and
 * only then: read-only it is refused.  Every credential answers as before.
 */
Test(ledger, a_schema_2_store_is_upgraded_on_its_first_writing_open)
{
	static uint8_t		ids[CL_QUERY_CREDS_MAX][CL_ID_LEN];
	struct tl_ev		acc, def, ev;
	struct cl_store_opts	ro = { .rdonly = true };
	struct cl_ledger	l2;
	struct cl_txn		t;
	struct cl_iter		it;
	struct cl_val		k, v;
	struct cl__cred		c;
	static uint8_t		recs[64][CL__CREDV_LEN];
	uint8_t			old[2 * CL_ID_LEN], r[CL_ID_LEN], schema[8];
	uint32_t		i, n, cnt;
	bool			more;

	accredit_and_define(&acc, &def);
	for (i = 0; i < 50; i++) {
		issue(&iss, def.id, i % 7, i % 2 ? i : 0, 0, &ev);
		ok(&ev);
	}
	/* make it a schema 2 store, as an older node left it */
	cl_store_begin(&tl.l.st, &t, true);
	cl_store_iter_begin(&t, &it, CL_DB_CRED, NULL, 0, NULL, 0);
	for (n = 0; cl_store_iter_next(&it, &k, &v); n++) {
		cr_assert_eq(v.len, CL__CREDV_LEN);
		memcpy(recs[n], v.ptr, CL__CREDV_LEN);
	}
	cl_store_iter_end(&it);
	cl_store_clear(&t, CL_DB_CRED);
	cl_store_clear(&t, CL_DB_CREDID);
	cl_store_clear(&t, CL_DB_HOLDER);
	cl_store_clear(&t, CL_DB_DIGEST);
	for (i = 0; i < n; i++) {
		cl__cred_unpack(&c, recs[i] + CL_ID_LEN);
		cl_store_put(&t, CL_DB_CRED, recs[i], CL_ID_LEN,
		    recs[i] + CL_ID_LEN, CL__CRED_LEN, 0);
		memcpy(old, c.holder, CL_ID_LEN);
		memcpy(old + CL_ID_LEN, recs[i], CL_ID_LEN);
		cl_store_put(&t, CL_DB_HOLDER, old, sizeof(old), "", 0, 0);
		memcpy(old, c.digest, CL_ID_LEN);
		if (c.digest[31] != 0)
			cl_store_put(&t, CL_DB_DIGEST, old, sizeof(old), "", 0,
			    0);
	}
	cl_store_be64(schema, 2);
	cl_store_put(&t, CL_DB_META, CL__META_SCHEMA, strlen(CL__META_SCHEMA),
	    schema, sizeof(schema), 0);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_ledger_close(&tl.l);

	cr_assert_eq(cl_ledger_open(&l2, tl.dir, NULL, 0, &ro), CL_ESTORE,
	    "read-only, a schema 2 store is not read");
	tl_ledger_reopen(&tl);
	for (i = 0; i < 7; i++) {
		ref(r, 0x42, i);
		cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more),
		    CL_OK);
		cr_assert_eq(cnt, 50 / 7 + (i < 50 % 7), "holder %u", i);
	}
	ref(r, 0xd1, 7);
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 1);
	for (i = 0; i < n; i++)
		cr_assert_eq(tl_status(&tl.l, recs[i]), CL_ST_VALID);
	ref(r, 0xd1, 8);
	cr_assert_eq(cl_ledger_by_digest(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, 0, "no digest for even ones");
	cl_store_begin(&tl.l.st, &t, false);
	cr_assert(cl_store_get(&t, CL_DB_META, CL__META_SCHEMA,
	    strlen(CL__META_SCHEMA), &v));
	cr_assert_eq(cl_store_load64(v.ptr), CL_SCHEMA_VERSION);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	/* read-only now, as export --data beside a node */
	cr_assert_eq(cl_ledger_open(&l2, tl.dir, NULL, 0, &ro), CL_OK);
	cl_ledger_close(&l2);
}

Test(ledger, holder_query_stops_at_its_maximum)
{
	static uint8_t		ids[CL_QUERY_CREDS_MAX][CL_ID_LEN];
	size_t			n = 2 + CL_QUERY_CREDS_MAX + 1;
	struct cl_submit	*s = prepare_feed(&tl.l, n);
	uint8_t			r[CL_ID_LEN];
	uint32_t		cnt;
	bool			more;

	apply_all(&tl.l, s, n);
	submits_free(s, n);
	ref(r, 0x42, 1);
	cr_assert_eq(cl_ledger_by_holder(&tl.l, r, ids, &cnt, &more), CL_OK);
	cr_assert_eq(cnt, CL_QUERY_CREDS_MAX);
	cr_assert(more);
}

Test(ledger, heads_and_positions_of_feeds)
{
	struct tl_ev	acc, def, is;
	struct cl_head	h;
	uint8_t		id[CL_ID_LEN], *bytes;
	uint64_t	pos;
	size_t		len;

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	head(iss.key.pk, &h);
	cr_assert_eq(h.seq, 2);
	cr_assert_arr_eq(h.id, is.id, CL_ID_LEN);
	cr_assert_eq(h.pos, 2);
	cr_assert_eq(h.fork_seq, 0);
	cr_assert_eq(cl_ledger_feed_at(&tl.l, iss.key.pk, 1, id, &pos), CL_OK);
	cr_assert_arr_eq(id, def.id, CL_ID_LEN);
	cr_assert_eq(pos, 1);
	cr_assert_eq(cl_ledger_feed_at(&tl.l, iss.key.pk, 3, id, &pos),
	    CL_ENOTFOUND);
	cr_assert_eq(cl_ledger_feed_at(&tl.l, iss2.key.pk, 1, id, &pos),
	    CL_ENOTFOUND);
	cr_assert_eq(cl_ledger_head(&tl.l, iss2.key.pk, &h), CL_ENOTFOUND);
	cr_assert_eq(h.seq, 0);
	cr_assert_eq(cl_ledger_event_at(&tl.l, 3, &bytes, &len),
	    CL_ENOTFOUND);
	cr_assert_null(bytes);
	cr_assert_eq(cl_ledger_event_at(&tl.l, 1, &bytes, &len), CL_OK);
	cr_assert_eq(len, def.len);
	cr_assert_arr_eq(bytes, def.bytes, len);
	free(bytes);
}

/* What gossip asks before it pulls a feed: would its events be taken? */
Test(ledger, an_author_is_known_once_an_accredit_names_it)
{
	struct tl_ev	acc, wd;
	bool		known = true;

	cr_assert_eq(cl_ledger_author_known(&tl.l, iss.key.pk, &known),
	    CL_OK);
	cr_assert_not(known);
	cr_assert_eq(cl_ledger_author_known(&tl.l, net.auth[1].key.pk,
	    &known), CL_OK);
	cr_assert(known, "an authority of the genesis is known");
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	ok(&acc);
	cr_assert_eq(cl_ledger_author_known(&tl.l, iss.key.pk, &known),
	    CL_OK);
	cr_assert(known);
	/* a withdrawal ends the effect, not the acceptance of its events */
	tl_withdraw(&net, &net.auth[0], iss.key.pk, 1, &wd);
	ok(&wd);
	cr_assert_eq(cl_ledger_author_known(&tl.l, iss.key.pk, &known),
	    CL_OK);
	cr_assert(known);
	cr_assert_eq(cl_ledger_author_known(&tl.l, iss2.key.pk, &known),
	    CL_OK);
	cr_assert_not(known, "another issuer is still a stranger");
}

Test(ledger, counts_of_what_is_held)
{
	static struct forked	f;
	struct tl_ev		wd, bad, ch;
	struct cl_counts	c;
	uint8_t			never[CL_ID_LEN];

	counts(&c);
	cr_assert_eq(c.log + c.feeds + c.credentials + c.forks, 0);
	forked_feed(&f);				/* 6 events */
	ref(never, 0xee, 1);
	tl_change(&net, &iss2, CL_EV_SUSPEND, never, &bad);
	cr_assert_eq(sub(&bad), CL_ACC_UNKNOWN_AUTHOR);	/* not counted */
	tl_withdraw(&net, &net.auth[1], iss.key.pk, 10, &wd);
	ok(&wd);
	tl_change(&net, &iss, CL_EV_SUSPEND, never, &ch);	/* seq 5 */
	void_(&ch, CL_VOID_NO_CREDENTIAL);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	counts(&c);
	cr_assert_eq(c.by_type[CL_EV_ACCREDIT], 1);
	cr_assert_eq(c.by_type[CL_EV_WITHDRAW], 1);
	cr_assert_eq(c.by_type[CL_EV_DEFINE], 1);
	cr_assert_eq(c.by_type[CL_EV_ISSUE], 4, "c too, off the chain");
	cr_assert_eq(c.by_type[CL_EV_SUSPEND], 1);
	cr_assert_eq(c.by_type[CL_EV_REINSTATE], 0);
	cr_assert_eq(c.by_type[CL_EV_REVOKE], 0);
	cr_assert_eq(c.log, 8);
	cr_assert_eq(c.feeds, 3);		/* two authorities, iss */
	cr_assert_eq(c.credentials, 4);
	cr_assert_eq(c.void_events, 1);
	cr_assert_eq(c.forks, 1);
	/* a, b and d on the chain; c is held past the fork, in no state */
	cr_assert_eq(c.by_state[CL_ST_VALID], 3);
	cr_assert_eq(c.by_state[CL_ST_SUSPENDED], 0);
	cr_assert_eq(c.by_state[CL_ST_REVOKED], 0);
}

Test(ledger, credentials_by_state_follow_their_changes)
{
	struct tl_ev		acc, def, a, b, x, ch;
	struct cl_counts	c, again;
	struct cl_txn		t;
	struct cl_val		v;
	uint8_t			old[8 * 10];

	accredit_and_define(&acc, &def);
	issue(&iss, def.id, 1, 0, 0, &a);
	issue(&iss, def.id, 2, 0, 0, &b);
	issue(&iss, def.id, 3, 0, 0, &x);
	ok(&a);
	ok(&b);
	ok(&x);
	tl_change(&net, &iss, CL_EV_SUSPEND, a.id, &ch);
	ok(&ch);
	tl_change(&net, &iss, CL_EV_SUSPEND, b.id, &ch);
	ok(&ch);
	tl_change(&net, &iss, CL_EV_REVOKE, b.id, &ch);	/* suspended: ok */
	ok(&ch);
	tl_change(&net, &iss, CL_EV_REINSTATE, b.id, &ch);	/* revoked: no */
	void_(&ch, CL_VOID_ALREADY_REVOKED);
	counts(&c);
	cr_assert_eq(c.by_state[CL_ST_VALID], 1);
	cr_assert_eq(c.by_state[CL_ST_SUSPENDED], 1);
	cr_assert_eq(c.by_state[CL_ST_REVOKED], 1);

	/*
	 * A store from before the states were counted holds the first ten
	 * counts only: opening it counts the states from the credentials.
	 */
	cl_store_begin(&tl.l.st, &t, true);
	cr_assert(cl_store_get(&t, CL_DB_META, "counts", 6, &v));
	cr_assert_gt(v.len, sizeof(old));
	memcpy(old, v.ptr, sizeof(old));
	cl_store_put(&t, CL_DB_META, "counts", 6, old, sizeof(old), 0);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	tl_ledger_reopen(&tl);
	counts(&again);
	cr_assert_eq(memcmp(&c, &again, sizeof(c)), 0);
}

Test(ledger, define_pos_finds_defines_only)
{
	struct tl_ev	acc, def, def2, is;
	uint64_t	pos;

	accredit_and_define(&acc, &def);
	tl_define(&net, &iss, &def2);
	ok(&def2);
	issue(&iss, def.id, 1, 0, 0, &is);
	ok(&is);
	cr_assert_eq(cl_ledger_define_pos(&tl.l, def.id, &pos), CL_OK);
	cr_assert_eq(pos, 1);
	cr_assert_eq(cl_ledger_define_pos(&tl.l, def2.id, &pos), CL_OK);
	cr_assert_eq(pos, 2);
	cr_assert_eq(cl_ledger_define_pos(&tl.l, is.id, &pos), CL_ENOTFOUND);
	cr_assert_eq(cl_ledger_define_pos(&tl.l, acc.id, &pos),
	    CL_ENOTFOUND);
}

Test(ledger, accredit_pos_is_the_lowest_from_seq)
{
	struct tl_ev	a5, a1;
	uint64_t	pos;

	cr_assert_eq(cl_ledger_accredit_pos(&tl.l, iss.key.pk, &pos),
	    CL_ENOTFOUND);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 5, &a5);
	ok(&a5);					/* pos 0 */
	cr_assert_eq(cl_ledger_accredit_pos(&tl.l, iss.key.pk, &pos), CL_OK);
	cr_assert_eq(pos, 0);
	tl_accredit(&net, &net.auth[1], iss.key.pk, 1, &a1);
	ok(&a1);					/* pos 1 */
	cr_assert_eq(cl_ledger_accredit_pos(&tl.l, iss.key.pk, &pos), CL_OK);
	cr_assert_eq(pos, 1);
	cr_assert_eq(cl_ledger_accredit_pos(&tl.l, iss2.key.pk, &pos),
	    CL_ENOTFOUND);
}

Test(ledger, issuers_lists_each_accredited_key_once_with_its_window)
{
	struct cl_issuer_info	out[4];
	struct tl_ev		a1, a2, b1, wd;
	const struct cl_issuer_info *i1, *i2;
	uint32_t		cnt;
	bool			more;

	cr_assert_eq(cl_ledger_issuers(&tl.l, NULL, out, 4, &cnt, &more),
	    CL_OK);
	cr_assert_eq(cnt, 0);
	cr_assert(!more);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 3, &a1);
	ok(&a1);					/* pos 0 */
	tl_accredit(&net, &net.auth[1], iss.key.pk, 1, &a2);
	ok(&a2);					/* pos 1 */
	tl_accredit(&net, &net.auth[0], iss2.key.pk, 1, &b1);
	ok(&b1);					/* pos 2 */
	tl_withdraw(&net, &net.auth[1], iss2.key.pk, 4, &wd);
	ok(&wd);					/* pos 3 */

	cr_assert_eq(cl_ledger_issuers(&tl.l, NULL, out, 4, &cnt, &more),
	    CL_OK);
	cr_assert_eq(cnt, 2, "one entry per issuer, not per ACCREDIT");
	cr_assert(!more);
	cr_assert_lt(memcmp(out[0].issuer, out[1].issuer, CL_PK_LEN), 0);
	i1 = memcmp(out[0].issuer, iss.key.pk, CL_PK_LEN) == 0 ? &out[0] :
	    &out[1];
	i2 = i1 == &out[0] ? &out[1] : &out[0];
	cr_assert_eq(memcmp(i2->issuer, iss2.key.pk, CL_PK_LEN), 0);
	cr_assert_eq(i1->win.from, 1, "the lowest from_seq");
	cr_assert_eq(i1->win.after, UINT64_MAX);
	cr_assert_eq(i1->accredit_pos, 1);
	cr_assert_eq(i1->withdraw_pos, UINT64_MAX);
	cr_assert_eq(i2->win.from, 1);
	cr_assert_eq(i2->win.after, 4);
	cr_assert_eq(i2->accredit_pos, 2);
	cr_assert_eq(i2->withdraw_pos, 3);

	/* one at a time: more, then ask after the last key */
	cr_assert_eq(cl_ledger_issuers(&tl.l, NULL, out, 1, &cnt, &more),
	    CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert(more);
	memcpy(out[3].issuer, out[0].issuer, CL_PK_LEN);
	cr_assert_eq(cl_ledger_issuers(&tl.l, out[3].issuer, out, 1, &cnt,
	    &more), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert(!more);
	cr_assert_gt(memcmp(out[0].issuer, out[3].issuer, CL_PK_LEN), 0);
}

/* ------------------------------------------------------------------ */
/* Persistence. */

Test(ledger, reopening_keeps_everything)
{
	static struct forked	f;
	struct tl_ev		ch, more;
	struct cl_counts	c1, c2;
	struct cl_head		h1, h2;
	uint8_t			d1[CL_ID_LEN], d2[CL_ID_LEN];
	struct cl_result	r;

	forked_feed(&f);
	tl_change(&net, &iss, CL_EV_REVOKE, f.a.id, &ch);	/* seq 5 */
	ok(&ch);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	digest(d1);
	counts(&c1);
	head(iss.key.pk, &h1);
	tl_ledger_reopen(&tl);
	digest(d2);
	cr_assert_arr_eq(d1, d2, CL_ID_LEN);
	counts(&c2);
	cr_assert_eq(memcmp(&c1, &c2, sizeof(c1)), 0);
	head(iss.key.pk, &h2);
	cr_assert_eq(memcmp(&h1, &h2, sizeof(h1)), 0);
	expect_status(f.a.id, CL_ST_VALID);	/* REVOKE after the fork */
	expect_status(f.b.id, CL_ST_DISPUTED);
	cr_assert_eq(tl.l.log_size, c1.log);
	cr_assert_arr_eq(tl.l.genesis.netid, net.netid, CL_ID_LEN);
	/* and it goes on where it stopped */
	tl_accredit(&net, &net.auth[1], iss2.key.pk, 1, &more);
	cr_assert_eq(tl_submit(&tl.l, &more, &r), CL_ACC_ACCEPTED);
	cr_assert_eq(r.pos, c1.log);
	cr_assert_eq(sub(&f.a), CL_ACC_DUPLICATE);
}

Test(ledger, reopening_with_the_same_genesis_is_fine)
{
	struct cl_store_opts	opts = { 0 };
	struct tl_ev		acc;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	ok(&acc);
	cl_ledger_close(&tl.l);
	cr_assert_eq(cl_ledger_open(&tl.l, tl.dir, net.genesis,
	    net.genesis_len, &opts), CL_OK);
	cr_assert_eq(sub(&acc), CL_ACC_DUPLICATE);
}

Test(ledger, opening_with_another_genesis_is_another_network)
{
	struct cl_store_opts	opts = { 0 };
	struct tl_net		other;
	struct tl_ev		acc;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	ok(&acc);
	tl_net(&other, 1);
	cl_ledger_close(&tl.l);
	cr_assert_eq(cl_ledger_open(&tl.l, tl.dir, other.genesis,
	    other.genesis_len, &opts), CL_ENETWORK);
	/* the store is untouched: it opens as before */
	cr_assert_eq(cl_ledger_open(&tl.l, tl.dir, NULL, 0, &opts), CL_OK);
	cr_assert_arr_eq(tl.l.genesis.netid, net.netid, CL_ID_LEN);
	cr_assert_eq(sub(&acc), CL_ACC_DUPLICATE);
}

Test(ledger, opening_an_uninitialised_store_needs_a_genesis)
{
	struct cl_store_opts	opts = { 0 };
	struct cl_ledger	l;
	char			dir[] = "/tmp/cl-test-XXXXXX";
	char			cmd[64];

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(cl_ledger_open(&l, dir, NULL, 0, &opts), CL_ENOTFOUND);
	/* bad genesis bytes: their decoding error, nothing bound */
	cr_assert_eq(cl_ledger_open(&l, dir, net.genesis, net.genesis_len - 1,
	    &opts), CL_ETRUNCATED);
	cr_assert_eq(cl_ledger_open(&l, dir, NULL, 0, &opts), CL_ENOTFOUND);
	cr_assert_eq(cl_ledger_open(&l, dir, net.genesis, net.genesis_len,
	    &opts), CL_OK);
	cl_ledger_close(&l);
	cr_assert_eq(cl_ledger_open(&l, dir, NULL, 0, &opts), CL_OK);
	cr_assert_arr_eq(l.genesis.netid, net.netid, CL_ID_LEN);
	cl_ledger_close(&l);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(cl_ledger_open(&l, "/nonexistent/cl-test", net.genesis,
	    net.genesis_len, &opts), CL_EIO);
}

/* ------------------------------------------------------------------ */
/* Scale. */

Test(ledger, batch_of_10000_events_is_accepted)
{
	size_t			n = 10000;
	struct cl_submit	*s = prepare_feed(&tl.l, n);
	struct cl_counts	c;
	struct cl_head		h;

	apply_all(&tl.l, s, n);
	submits_free(s, n);
	counts(&c);
	cr_assert_eq(c.log, n);
	cr_assert_eq(c.credentials, n - 2);
	head(iss.key.pk, &h);
	cr_assert_eq(h.seq, n - 1);
	expect_status(iss.head, CL_ST_VALID);
}

Test(ledger, a_tiny_map_grows_to_take_20000_events)
{
	struct cl_store_opts	opts = { .map_initial = 1u << 20 };
	struct tl_ledger	t;
	size_t			n = 20000;
	struct cl_submit	*s;
	struct cl_counts	c;

	strcpy(t.dir, "/tmp/cl-test-XXXXXX");
	cr_assert_not_null(mkdtemp(t.dir));
	cr_assert_eq(cl_ledger_open(&t.l, t.dir, net.genesis,
	    net.genesis_len, &opts), CL_OK);
	cr_assert_leq(t.l.st.map_size, (size_t)1 << 20);
	s = prepare_feed(&t.l, n);
	apply_all(&t.l, s, n);
	submits_free(s, n);
	cr_assert_gt(t.l.st.map_size, (size_t)1 << 20, "the map grew");
	cr_assert_eq(cl_ledger_counts(&t.l, &c), CL_OK);
	cr_assert_eq(c.log, n);
	cr_assert_eq(tl_status(&t.l, iss.head), CL_ST_VALID);
	tl_ledger_reopen(&t);
	cr_assert_eq(cl_ledger_counts(&t.l, &c), CL_OK);
	cr_assert_eq(c.log, n);
	tl_ledger_close(&t);
}

/*
 * A client that signed on an old head must not make its own issuer look
 * like an equivocator: with no_fork a conflict is "stale", nothing is
 * stored, and the head it must sign on is reported.
 */
Test(ledger, no_fork_answers_stale_and_stores_nothing)
{
	static struct forked	f;
	struct cl_submit	s;
	struct cl_result	r;
	struct cl_counts	c;
	struct cl_head		h;

	forked_feed(&f);
	cl_ledger_prepare(tl.l.genesis.netid, f.c.bytes, f.c.len, &s);
	s.no_fork = true;
	cr_assert_eq(cl_ledger_apply(&tl.l, &s, 1, &r), CL_OK);
	cr_assert_eq(r.acc, CL_ACC_STALE);
	cr_assert_eq(r.head_seq, 4);
	counts(&c);
	cr_assert_eq(c.log, 5);
	cr_assert_eq(c.forks, 0);
	head(iss.key.pk, &h);
	cr_assert_eq(h.fork_seq, 0);
	/* the same event held on the chain is still a duplicate */
	cl_submit_free(&s);
	cl_ledger_prepare(tl.l.genesis.netid, f.d.bytes, f.d.len, &s);
	s.no_fork = true;
	cr_assert_eq(cl_ledger_apply(&tl.l, &s, 1, &r), CL_OK);
	cr_assert_eq(r.acc, CL_ACC_DUPLICATE);
	cl_submit_free(&s);
}

/* MTH of log positions [start, start + n), from the stored bytes alone. */
static void
log_mth(uint64_t start, uint64_t n, uint8_t out[32])
{
	uint8_t		 l[32], r[32], *bytes;
	size_t		 len;
	uint64_t	 k = 1;

	if (n == 1) {
		cr_assert_eq(cl_ledger_event_at(&tl.l, start, &bytes, &len),
		    CL_OK);
		cl_merkle_leaf(out, bytes, len);
		free(bytes);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	log_mth(start, k, l);
	log_mth(start + k, n - k, r);
	cl_merkle_node(out, l, r);
}

/*
 * The log is an RFC 9162 tree, kept in the same transactions as the log:
 * the head of every size is the MTH of the events stored at positions
 * 0..size-1, across batches and a reopen, and its proofs verify.
 */
Test(ledger, the_log_is_a_merkle_tree_of_its_events)
{
	static struct forked	 f;
	static struct tl_ev	 e[9];
	const struct tl_ev	*batch[9];
	struct cl_result	 res[9];
	uint8_t			 root[40][32], ref[32], h[32], *bytes;
	uint8_t			 p[CL_MERKLE_PROOF_MAX][32];
	struct cl_counts	 c;
	size_t			 len;
	uint64_t		 n, m;
	unsigned		 cnt, i;

	forked_feed(&f);			/* 5, one at a time */
	for (i = 0; i < 9; i++) {
		tl_issue(&net, &iss, f.def.id, 50 + i, 0, &e[i]);
		batch[i] = &e[i];
	}
	tl_submit_batch(&tl.l, batch, 9, res);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);	/* off the chain: in the log */
	tl_ledger_reopen(&tl);
	counts(&c);
	cr_assert_eq(c.log, 15);
	for (n = 1; n <= c.log; n++) {
		cr_assert_eq(cl_ledger_root(&tl.l, n, root[n]), CL_OK);
		log_mth(0, n, ref);
		cr_assert_arr_eq(root[n], ref, 32, "size %llu",
		    (unsigned long long)n);
	}
	cr_assert_eq(cl_ledger_root(&tl.l, c.log + 1, ref), CL_ERANGE);
	for (n = 1; n <= c.log; n++) {
		for (m = 0; m < n; m++) {
			cr_assert_eq(cl_ledger_event_at(&tl.l, m, &bytes,
			    &len), CL_OK);
			cl_merkle_leaf(h, bytes, len);
			free(bytes);
			cr_assert_eq(cl_ledger_inclusion(&tl.l, m, n, p, &cnt),
			    CL_OK);
			cr_assert(cl_merkle_verify_inclusion(m, n, h,
			    (const uint8_t (*)[32])p, cnt, root[n]));
		}
		for (m = 1; m <= n; m++) {
			cr_assert_eq(cl_ledger_consistency(&tl.l, m, n, p,
			    &cnt), CL_OK);
			cr_assert(cl_merkle_verify_consistency(m, n, root[m],
			    root[n], (const uint8_t (*)[32])p, cnt));
		}
	}
}

/* One transaction or two: the same answer and the same bundle bytes. */
Test(ledger, credential_and_bundle_in_one_read_are_the_same)
{
	static struct forked	 f;
	struct cl_cred_answer	 a, b;
	uint8_t			*one, *two, never[CL_ID_LEN];
	size_t			 one_len, two_len;
	const uint8_t		*ids[2];
	int			 i;

	forked_feed(&f);
	ids[0] = f.a.id;
	ids[1] = f.b.id;
	for (i = 0; i < 2; i++) {
		cr_assert_eq(cl_ledger_credential_bundle(&tl.l, ids[i], TL_NOW,
		    &a, &one, &one_len), CL_OK);
		cr_assert_eq(cl_ledger_credential(&tl.l, ids[i], TL_NOW, &b),
		    CL_OK);
		cr_assert_eq(cl_ledger_bundle(&tl.l, &b, &two, &two_len), CL_OK);
		cr_assert_eq(a.status, b.status);
		cr_assert_eq(one_len, two_len);
		cr_assert_arr_eq(one, two, one_len);
		free(one);
		free(two);
	}
	memset(never, 0x5e, sizeof(never));
	cr_assert_eq(cl_ledger_credential_bundle(&tl.l, never, TL_NOW, &a,
	    &one, &one_len), CL_OK);
	cr_assert_eq(a.status, CL_ST_UNKNOWN);
	cr_assert_null(one, "no proof for an unknown credential");
}

/* A replay-only ledger answers every status as a full one, keeps no
 * holder or digest index, and reports the same digest and root. */
Test(ledger, a_replay_only_ledger_answers_alike_without_ref_indexes)
{
	static struct forked	 f;
	struct tl_ledger	 r;
	uint8_t			 d1[CL_ID_LEN], d2[CL_ID_LEN], hr[CL_ID_LEN];
	uint8_t			 root1[32], root2[32], ids[4][CL_ID_LEN];
	const struct tl_ev	*evs[6];
	struct cl_result	 res[6];
	struct cl_counts	 c;
	uint32_t		 cnt;
	bool			 more;

	forked_feed(&f);
	cr_assert_eq(sub(&f.c), CL_ACC_FORK);
	tl_ledger_open(&r, &net);
	cl_ledger_replay_only(&r.l);
	evs[0] = &f.acc;
	evs[1] = &f.def;
	evs[2] = &f.a;
	evs[3] = &f.b;
	evs[4] = &f.d;
	evs[5] = &f.c;
	tl_submit_batch(&r.l, evs, 6, res);
	digest(d1);
	cr_assert_eq(cl_ledger_digest(&r.l, d2), CL_OK);
	cr_assert_arr_eq(d1, d2, CL_ID_LEN);
	counts(&c);
	cr_assert_eq(cl_ledger_root(&tl.l, c.log, root1), CL_OK);
	cr_assert_eq(cl_ledger_root(&r.l, c.log, root2), CL_OK);
	cr_assert_arr_eq(root1, root2, 32);
	cr_assert_eq(tl_status(&r.l, f.a.id), tl_status(&tl.l, f.a.id));
	cr_assert_eq(tl_status(&r.l, f.d.id), CL_ST_DISPUTED);
	ref(hr, 0x42, 1);			/* a's holder */
	cr_assert_eq(cl_ledger_by_holder(&r.l, hr, ids, &cnt, &more),
	    CL_OK);
	cr_assert_eq(cnt, 0, "no holder index");
	cr_assert_eq(cl_ledger_by_holder(&tl.l, hr, ids, &cnt, &more),
	    CL_OK);
	cr_assert_gt(cnt, 0, "the full ledger has it");
	tl_ledger_close(&r);
}
