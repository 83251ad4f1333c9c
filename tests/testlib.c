/* SPDX-License-Identifier: Apache-2.0 */
/* Test helpers: deterministic keys, feeds, signed events, temp ledgers. */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "genesis.h"

void
tl_key(struct tl_key *k, uint32_t n)
{
	uint8_t	seed[32];

	memset(seed, 0, sizeof(seed));
	memcpy(seed, &n, sizeof(n));
	seed[31] = 0x5e;
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

void
tl_feed(struct tl_feed *f, uint32_t n)
{
	memset(f, 0, sizeof(*f));
	tl_key(&f->key, n);
}

void
tl_net(struct tl_net *net, int n)
{
	struct cl_genesis	g;
	int			i;

	cr_assert(sodium_init() >= 0);
	cr_assert(n >= 1 && n <= TL_AUTH_MAX);
	memset(net, 0, sizeof(*net));
	memset(&g, 0, sizeof(g));
	g.version = CL_VERSION;
	g.name = (struct cl_str){ "test", 4 };
	g.created = 1700000000000ull;
	g.auth_cnt = (uint32_t)n;
	for (i = 0; i < n; i++) {
		tl_feed(&net->auth[i], 1000 + (uint32_t)i);
		memcpy(g.auth[i].key, net->auth[i].key.pk, CL_PK_LEN);
		g.auth[i].org = (struct cl_str){ "Authority", 9 };
		g.auth[i].country = (struct cl_str){ "EU", 2 };
	}
	net->auth_cnt = n;
	cr_assert_eq(cl_genesis_encode(&g, net->genesis,
	    sizeof(net->genesis), &net->genesis_len, NULL), CL_OK);
	crypto_hash_sha256(net->netid, net->genesis, net->genesis_len);
}

void
tl_sign_at(const struct tl_net *net, struct tl_feed *f, struct cl_event *ev,
    uint64_t seq, const uint8_t *prev, struct tl_ev *out)
{
	cl_err	err;

	ev->version = CL_VERSION;
	ev->seq = seq;
	if (prev != NULL)
		memcpy(ev->prev, prev, CL_ID_LEN);
	else
		memset(ev->prev, 0, CL_ID_LEN);
	ev->time = 1700000000000ull + seq;
	err = cl_ev_sign(ev, net->netid, f->key.sk, out->bytes,
	    sizeof(out->bytes), &out->len, out->id);
	cr_assert_eq(err, CL_OK, "sign: %s", cl_strerror(err));
	out->seq = seq;
}

void
tl_sign(const struct tl_net *net, struct tl_feed *f, struct cl_event *ev,
    struct tl_ev *out)
{
	tl_sign_at(net, f, ev, f->seq + 1, f->seq ? f->head : NULL, out);
	f->seq++;
	memcpy(f->head, out->id, CL_ID_LEN);
}

void
tl_accredit(const struct tl_net *net, struct tl_feed *auth,
    const uint8_t *issuer, uint64_t from_seq, struct tl_ev *out)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = CL_EV_ACCREDIT;
	memcpy(ev.body.accredit.issuer, issuer, CL_PK_LEN);
	ev.body.accredit.org_id = (struct cl_str){ "DE-123", 6 };
	ev.body.accredit.name = (struct cl_str){ "Bühnenschule Köln", 19 };
	ev.body.accredit.country = (struct cl_str){ "DE", 2 };
	ev.body.accredit.from_seq = from_seq;
	tl_sign(net, auth, &ev, out);
}

void
tl_withdraw(const struct tl_net *net, struct tl_feed *auth,
    const uint8_t *issuer, uint64_t after_seq, struct tl_ev *out)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = CL_EV_WITHDRAW;
	memcpy(ev.body.withdraw.issuer, issuer, CL_PK_LEN);
	ev.body.withdraw.after_seq = after_seq;
	ev.body.withdraw.reason = (struct cl_str){ "key rotated", 11 };
	tl_sign(net, auth, &ev, out);
}

#define S(x)	((struct cl_str){ x, sizeof(x) - 1 })

/* For static initialisers, where S()'s compound literal is not constant. */
#define SI(x)	{ x, sizeof(x) - 1 }

/* One body serves every DEFINE of the tests: it is constant. */
static const struct cl_define tl_define_rigging = {
	.title_cnt = 2,
	.title = {
		{ SI("de"), SI("Bühnenrigging Grundlagen") },
		{ SI("en"), SI("Stage rigging fundamentals") },
	},
	.awarding_body = SI("Bühnenschule Köln"),
	.country = SI("DE"),
	.outcomes_cnt = 2,
	.outcomes = {
		SI("Plan and rig a truss for a touring show"),
		SI("Inspect lifting equipment before use"),
	},
	.skills_cnt = 1,
	.skills = {
		SI("http://data.europa.eu/esco/skill/"
		    "0b3d3c1b-9b4f-4d6a-9b7b-3c4b2e1d0a9f"),
	},
	.ects = 250,
	.hours = 60,
	.eqf = 4,
	.nqf = SI("4"),
	.assessment = SI("Practical rigging exam with written test"),
	.participation = SI("onsite"),
	.quality_assurance = SI("Accredited by the chamber of crafts"),
};

void
tl_define_body(struct cl_event *ev)
{
	ev->type = CL_EV_DEFINE;
	ev->body.define = &tl_define_rigging;
}

void
tl_define(const struct tl_net *net, struct tl_feed *f, struct tl_ev *out)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	tl_define_body(&ev);
	tl_sign(net, f, &ev, out);
}

void
tl_issue(const struct tl_net *net, struct tl_feed *f,
    const uint8_t *achievement, uint32_t holder, uint64_t valid_until,
    struct tl_ev *out)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = CL_EV_ISSUE;
	memcpy(ev.body.issue.achievement, achievement, CL_ID_LEN);
	memcpy(ev.body.issue.holder, &holder, sizeof(holder));
	ev.body.issue.holder[31] = 0x42;
	memcpy(ev.body.issue.digest, &holder, sizeof(holder));
	ev.body.issue.digest[31] = 0xd1;
	ev.body.issue.issued_at = 1700000000000ull;
	ev.body.issue.valid_until = valid_until;
	ev.body.issue.supervision = CL_SUP_ONSITE_ID;
	ev.body.issue.grade = S("passed");
	tl_sign(net, f, &ev, out);
}

void
tl_change(const struct tl_net *net, struct tl_feed *f, unsigned type,
    const uint8_t *credential, struct tl_ev *out)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = type;
	memcpy(ev.body.status.credential, credential, CL_ID_LEN);
	if (type == CL_EV_REVOKE)
		ev.body.status.reason_code = 1;
	ev.body.status.reason = S("issued in error");
	tl_sign(net, f, &ev, out);
}

void
tl_ledger_open(struct tl_ledger *t, const struct tl_net *net)
{
	struct cl_store_opts	opts = { 0 };
	cl_err			err;

	strcpy(t->dir, "/tmp/cl-test-XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	err = cl_ledger_open(&t->l, t->dir, net->genesis, net->genesis_len,
	    &opts);
	cr_assert_eq(err, CL_OK, "open: %s", cl_strerror(err));
}

void
tl_ledger_reopen(struct tl_ledger *t)
{
	struct cl_store_opts	opts = { 0 };
	cl_err			err;

	cl_ledger_close(&t->l);
	err = cl_ledger_open(&t->l, t->dir, NULL, 0, &opts);
	cr_assert_eq(err, CL_OK, "reopen: %s", cl_strerror(err));
}

void
tl_ledger_close(struct tl_ledger *t)
{
	char	cmd[128];

	cl_ledger_close(&t->l);
	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir) <
	    (int)sizeof(cmd))
		cr_assert_eq(system(cmd), 0);
}

void
tl_submit_batch(struct cl_ledger *l, const struct tl_ev *const *evs,
    size_t n, struct cl_result *res)
{
	struct cl_submit	*s = calloc(n, sizeof(*s));
	size_t			 i;
	cl_err			 err;

	cr_assert_not_null(s);
	for (i = 0; i < n; i++)
		cl_ledger_prepare(l->genesis.netid, evs[i]->bytes,
		    evs[i]->len, &s[i]);
	err = cl_ledger_apply(l, s, n, res);
	cr_assert_eq(err, CL_OK, "apply: %s", cl_strerror(err));
	for (i = 0; i < n; i++)
		cl_submit_free(&s[i]);
	free(s);
}

enum cl_accept
tl_submit(struct cl_ledger *l, const struct tl_ev *ev, struct cl_result *r)
{
	struct cl_result	tmp;

	if (r == NULL)
		r = &tmp;
	tl_submit_batch(l, &ev, 1, r);
	return r->acc;
}

enum cl_cred_status
tl_status(struct cl_ledger *l, const uint8_t *cred)
{
	static struct cl_cred_answer	a;
	cl_err				err;

	err = cl_ledger_credential(l, cred, TL_NOW, &a);
	cr_assert_eq(err, CL_OK, "credential: %s", cl_strerror(err));
	return a.status;
}
