/* SPDX-License-Identifier: Apache-2.0 */
/* Proof bundles: what a node answers, checked without the node's store. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bundle.h"
#include "genesis.h"
#include "testlib.h"

static struct tl_net	net;
static struct tl_feed	issuer;
static struct tl_ledger	tl;
static struct tl_ev	acc, def, iss;

static void
setup(void)
{
	tl_net(&net, 2);
	tl_feed(&issuer, 7);
	tl_ledger_open(&tl, &net);
	tl_accredit(&net, &net.auth[0], issuer.key.pk, 1, &acc);
	tl_define(&net, &issuer, &def);
	tl_issue(&net, &issuer, def.id, 1, 0, &iss);
	cr_assert_eq(tl_submit(&tl.l, &acc, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&tl.l, &def, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&tl.l, &iss, NULL), CL_ACC_ACCEPTED);
}

static void
teardown(void)
{
	tl_ledger_close(&tl);
}

TestSuite(bundle, .init = setup, .fini = teardown);

/* Ask the ledger, then check its bundle as a verifier would. */
static void
check(const uint8_t *cred, enum cl_cred_status want, struct cl_bundle *b)
{
	struct cl_cred_answer	a;
	struct cl_genesis	g;
	struct cl_where		where = { NULL };
	uint8_t			*bytes;
	size_t			 len;
	cl_err			 err;

	cr_assert_eq(cl_ledger_credential(&tl.l, cred, TL_NOW, &a), CL_OK);
	cr_assert_eq(a.status, want, "node says %s, want %s",
	    cl_status_name(a.status), cl_status_name(want));
	cr_assert_eq(cl_ledger_bundle(&tl.l, &a, &bytes, &len), CL_OK);
	cr_assert_eq(cl_genesis_decode(&g, net.genesis, net.genesis_len,
	    NULL), CL_OK);
	err = cl_bundle_check(b, &g, bytes, len, cred, TL_NOW, &where);
	cr_assert_eq(err, CL_OK, "bundle: %s (%s)", cl_strerror(err),
	    where.field ? where.field : "");
	cr_assert_eq(b->result.status, want, "bundle says %s",
	    cl_status_name(b->result.status));
	free(bytes);
	cl_genesis_free(&g);
}

Test(bundle, valid_credential_checks_offline)
{
	struct cl_bundle	b;

	check(iss.id, CL_ST_VALID, &b);
	cr_assert_eq(b.ev_cnt, 3);
	cr_assert_geq(b.define, 0);
	cr_assert_geq(b.accredit, 0);
	cr_assert_eq(b.ev[b.accredit].type, CL_EV_ACCREDIT);
	cl_bundle_free(&b);
}

Test(bundle, revoked_credential_carries_its_revocation)
{
	struct cl_bundle	b;
	struct tl_ev		sus, rei, rev;

	tl_change(&net, &issuer, CL_EV_SUSPEND, iss.id, &sus);
	tl_change(&net, &issuer, CL_EV_REINSTATE, iss.id, &rei);
	tl_change(&net, &issuer, CL_EV_REVOKE, iss.id, &rev);
	cr_assert_eq(tl_submit(&tl.l, &sus, NULL), CL_ACC_ACCEPTED);
	check(iss.id, CL_ST_SUSPENDED, &b);
	cl_bundle_free(&b);
	cr_assert_eq(tl_submit(&tl.l, &rei, NULL), CL_ACC_ACCEPTED);
	check(iss.id, CL_ST_VALID, &b);
	cl_bundle_free(&b);
	cr_assert_eq(tl_submit(&tl.l, &rev, NULL), CL_ACC_ACCEPTED);
	check(iss.id, CL_ST_REVOKED, &b);
	cr_assert_eq(b.ev_cnt, 6);
	cr_assert_eq(b.ev[b.last_change].type, CL_EV_REVOKE);
	cl_bundle_free(&b);
}

Test(bundle, withdrawal_is_proven)
{
	struct cl_bundle	b;
	struct tl_ev		wd, iss2;

	tl_withdraw(&net, &net.auth[1], issuer.key.pk, 2, &wd);
	tl_issue(&net, &issuer, def.id, 2, 0, &iss2);
	cr_assert_eq(tl_submit(&tl.l, &wd, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&tl.l, &iss2, NULL), CL_ACC_ACCEPTED);
	check(iss.id, CL_ST_VALID, &b);		/* seq 2: before the point */
	cl_bundle_free(&b);
	check(iss2.id, CL_ST_ISSUER_WITHDRAWN, &b);	/* seq 3: after */
	cl_bundle_free(&b);
}

Test(bundle, tampered_bundle_is_refused)
{
	struct cl_cred_answer	a;
	struct cl_bundle	b;
	struct cl_genesis	g;
	uint8_t			*bytes;
	size_t			 len, i;
	int			 refused = 0;

	cr_assert_eq(cl_ledger_credential(&tl.l, iss.id, TL_NOW, &a), CL_OK);
	cr_assert_eq(cl_ledger_bundle(&tl.l, &a, &bytes, &len), CL_OK);
	cr_assert_eq(cl_genesis_decode(&g, net.genesis, net.genesis_len,
	    NULL), CL_OK);
	/* flip every byte in turn: no flip may pass as the same answer */
	for (i = 0; i < len; i++) {
		bytes[i] ^= 0x01;
		if (cl_bundle_check(&b, &g, bytes, len, iss.id, TL_NOW,
		    NULL) != CL_OK)
			refused++;
		else
			cl_bundle_free(&b);
		bytes[i] ^= 0x01;
	}
	cr_assert_eq(refused, (int)len, "%d of %zu flips refused", refused,
	    len);
	free(bytes);
	cl_genesis_free(&g);
}

Test(bundle, other_network_is_refused)
{
	struct cl_cred_answer	a;
	struct cl_bundle	b;
	struct tl_net		other;
	struct cl_genesis	g;
	uint8_t			*bytes;
	size_t			 len;

	tl_net(&other, 1);
	cr_assert_eq(cl_ledger_credential(&tl.l, iss.id, TL_NOW, &a), CL_OK);
	cr_assert_eq(cl_ledger_bundle(&tl.l, &a, &bytes, &len), CL_OK);
	cr_assert_eq(cl_genesis_decode(&g, other.genesis, other.genesis_len,
	    NULL), CL_OK);
	cr_assert_eq(cl_bundle_check(&b, &g, bytes, len, iss.id, TL_NOW,
	    NULL), CL_EBADSIG);
	free(bytes);
	cl_genesis_free(&g);
}

Test(bundle, unrelated_event_is_refused)
{
	struct cl_bundle	b;
	struct cl_genesis	g;
	struct tl_ev		iss2;
	const uint8_t		*evs[2];
	size_t			 lens[2], len;
	uint8_t			 out[2 * CL_EVENT_MAX];
	struct cl_where		 where = { NULL };

	tl_issue(&net, &issuer, def.id, 9, 0, &iss2);
	evs[0] = iss.bytes;
	lens[0] = iss.len;
	evs[1] = iss2.bytes;
	lens[1] = iss2.len;
	cr_assert_eq(cl_bundle_encode(evs, lens, 2, out, sizeof(out), &len),
	    CL_OK);
	cr_assert_eq(cl_genesis_decode(&g, net.genesis, net.genesis_len,
	    NULL), CL_OK);
	cr_assert_eq(cl_bundle_check(&b, &g, out, len, iss.id, TL_NOW,
	    &where), CL_EBUNDLE);
	cr_assert_not_null(where.field);
	cl_genesis_free(&g);
}

/*
 * The node's own check of its answer: the same result as a verifier's,
 * everything but the signatures checked (a flipped signature byte passes
 * it, and only it; a changed id does not).
 */
Test(bundle, a_held_check_skips_only_the_signatures)
{
	struct cl_cred_answer	 a;
	struct cl_bundle	 b, h;
	struct cl_genesis	 g;
	uint8_t			*bytes, other[CL_ID_LEN];
	size_t			 len;

	cr_assert_eq(cl_ledger_credential(&tl.l, iss.id, TL_NOW, &a), CL_OK);
	cr_assert_eq(cl_ledger_bundle(&tl.l, &a, &bytes, &len), CL_OK);
	cr_assert_eq(cl_genesis_decode(&g, net.genesis, net.genesis_len,
	    NULL), CL_OK);
	cr_assert_eq(cl_bundle_check(&b, &g, bytes, len, iss.id, TL_NOW,
	    NULL), CL_OK);
	cr_assert_eq(cl_bundle_check_held(&h, &g, bytes, len, iss.id, TL_NOW,
	    NULL), CL_OK);
	cr_assert_eq(h.result.status, b.result.status);
	cr_assert_eq(h.ev_cnt, b.ev_cnt);
	cr_assert_arr_eq(h.id[0], b.id[0], CL_ID_LEN, "ids from the bytes");
	cl_bundle_free(&b);
	cl_bundle_free(&h);
	/* the last byte of the bundle is its last event's signature's */
	bytes[len - 1] ^= 0x01;
	cr_assert_eq(cl_bundle_check(&b, &g, bytes, len, iss.id, TL_NOW,
	    NULL), CL_EBADSIG);
	cr_assert_eq(cl_bundle_check_held(&h, &g, bytes, len, iss.id, TL_NOW,
	    NULL), CL_OK, "not verified again");
	cl_bundle_free(&h);
	bytes[len - 1] ^= 0x01;
	memset(other, 0x11, sizeof(other));
	cr_assert_eq(cl_bundle_check_held(&h, &g, bytes, len, other, TL_NOW,
	    NULL), CL_EBUNDLE, "another credential's bundle");
	free(bytes);
	cl_genesis_free(&g);
}
