/* SPDX-License-Identifier: Apache-2.0 */
/* The fixed world of the fuzzers: keys, genesis, events and bundles. */
#include "seeds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bundle.h"
#include "event.h"
#include "genesis.h"

#define S(x)	((struct cl_str){ x, sizeof(x) - 1 })

static void
die(const char *what, cl_err err)
{
	fprintf(stderr, "fuzz seeds: %s: %s\n", what, cl_strerror(err));
	abort();
}

static void
key(struct fz_key *k, uint32_t n)
{
	uint8_t	seed[32];

	memset(seed, 0, sizeof(seed));
	memcpy(seed, &n, sizeof(n));
	seed[31] = 0xf2;
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

static void
feed(struct fz_feed *f, uint32_t n)
{
	memset(f, 0, sizeof(*f));
	key(&f->key, n);
}

void
fz_net_init(struct fz_net *net)
{
	struct cl_genesis	g;
	cl_err			err;
	uint32_t		i;

	if (sodium_init() < 0)
		die("sodium_init", CL_ENOMEM);
	memset(net, 0, sizeof(*net));
	memset(&g, 0, sizeof(g));
	g.version = CL_VERSION;
	g.name = S("fuzz");
	g.created = 1700000000000ull;
	g.auth_cnt = FZ_AUTH_CNT;
	for (i = 0; i < FZ_AUTH_CNT; i++) {
		feed(&net->auth[i], 1000 + i);
		memcpy(g.auth[i].key, net->auth[i].key.pk, CL_PK_LEN);
	}
	/* one authority with the optional fields, one without */
	g.auth[0].org = S("Europäische Akkreditierungsstelle");
	g.auth[0].country = S("EU");
	err = cl_genesis_encode(&g, net->genesis, sizeof(net->genesis),
	    &net->genesis_len, NULL);
	if (err != CL_OK)
		die("genesis", err);
	crypto_hash_sha256(net->netid, net->genesis, net->genesis_len);
}

void
fz_genesis_other(uint32_t n, int optional, uint8_t *out, size_t cap,
    size_t *len)
{
	struct cl_genesis	g;
	struct fz_key		k;
	cl_err			err;
	uint32_t		i;

	memset(&g, 0, sizeof(g));
	g.version = CL_VERSION;
	g.name = optional ? S("credledger pilot network: EU-wide, 2025") :
	    S("x");
	g.created = optional ? CL_SEQ_MAX : 0;
	g.auth_cnt = n;
	for (i = 0; i < n; i++) {
		key(&k, 2000 + i);
		memcpy(g.auth[i].key, k.pk, CL_PK_LEN);
		if (optional) {
			g.auth[i].org = S("Agence nationale de l'accrédi"
			    "tation");
			g.auth[i].country = S("FR");
		}
	}
	if ((err = cl_genesis_encode(&g, out, cap, len, NULL)) != CL_OK)
		die("other genesis", err);
}

static struct fz_ev *
add(struct fz_world *w, const char *name)
{
	struct fz_ev	*e;

	if (w->ev_cnt == FZ_EV_MAX)
		die(name, CL_ETOOBIG);
	e = &w->ev[w->ev_cnt++];
	if ((size_t)snprintf(e->name, sizeof(e->name), "%s", name) >=
	    sizeof(e->name))
		die(name, CL_ETOOBIG);
	return e;
}

static const struct fz_ev *
find(const struct fz_world *w, const char *name)
{
	uint32_t	i;

	for (i = 0; i < w->ev_cnt; i++)
		if (strcmp(w->ev[i].name, name) == 0)
			return &w->ev[i];
	die(name, CL_ENOTFOUND);
	return NULL;
}

/* Sign ev at an explicit place in f's chain, without advancing f. */
static const struct fz_ev *
sign_at(struct fz_world *w, const char *name, const struct fz_feed *f,
    struct cl_event *ev, uint64_t seq, const uint8_t *prev)
{
	struct fz_ev	*e = add(w, name);
	cl_err		 err;

	ev->version = CL_VERSION;
	ev->seq = seq;
	if (prev != NULL)
		memcpy(ev->prev, prev, CL_ID_LEN);
	else
		memset(ev->prev, 0, CL_ID_LEN);
	ev->time = 1700000000000ull + seq * 1000;
	err = cl_ev_sign(ev, w->net.netid, f->key.sk, e->bytes,
	    sizeof(e->bytes), &e->len, e->id);
	if (err != CL_OK)
		die(name, err);
	return e;
}

/* Sign ev as the next event of f. */
static const struct fz_ev *
sign(struct fz_world *w, const char *name, struct fz_feed *f,
    struct cl_event *ev)
{
	const struct fz_ev	*e;

	e = sign_at(w, name, f, ev, f->seq + 1, f->seq ? f->head : NULL);
	f->seq++;
	memcpy(f->head, e->id, CL_ID_LEN);
	return e;
}

static void
accredit(struct fz_world *w, const char *name, struct fz_feed *auth,
    const uint8_t *issuer, uint64_t from_seq, int full)
{
	struct cl_event		 ev;
	struct cl_accredit	*a = &ev.body.accredit;

	cl_ev_init(&ev);
	ev.type = CL_EV_ACCREDIT;
	memcpy(a->issuer, issuer, CL_PK_LEN);
	a->org_id = S("DE-HRB-12345");
	a->name = S("Bühnenschule Köln gGmbH");
	a->country = S("DE");
	a->from_seq = from_seq;
	if (full) {
		a->eqf_min = 3;
		a->eqf_max = 6;
		a->fields_cnt = 2;
		a->fields[0] = S("Performing arts");
		a->fields[1] = S("Stage technology");
		a->qa = S("ENQA standards, part 1");
		a->url = S("https://register.example.eu/issuers/DE-HRB-12345");
	}
	(void)sign(w, name, auth, &ev);
}

static void
withdraw(struct cl_event *ev, const uint8_t *issuer, uint64_t after_seq)
{
	cl_ev_init(ev);
	ev->type = CL_EV_WITHDRAW;
	memcpy(ev->body.withdraw.issuer, issuer, CL_PK_LEN);
	ev->body.withdraw.after_seq = after_seq;
	ev->body.withdraw.reason = S("Key compromised; see notice 2025/17.");
}

/* Every Annex I element, optional ones included; the body in d. */
static void
define_full(struct cl_event *ev, struct cl_define *d)
{
	cl_ev_init(ev);
	memset(d, 0, sizeof(*d));
	ev->type = CL_EV_DEFINE;
	ev->body.define = d;
	d->title_cnt = 3;
	d->title[0].lang = S("de");
	d->title[0].text = S("Bühnenrigging Grundlagen");
	d->title[1].lang = S("en");
	d->title[1].text = S("Stage rigging fundamentals");
	d->title[2].lang = S("pt-BR");
	d->title[2].text = S("Fundamentos de rigging de palco");
	d->awarding_body = S("Bühnenschule Köln");
	d->country = S("DE");
	d->outcomes_cnt = 3;
	d->outcomes[0] = S("Plan and rig a truss for a touring show");
	d->outcomes[1] = S("Inspect lifting equipment before use");
	d->outcomes[2] = S("Explain load paths:\n\tpoint loads, UDL ≤ 2 t");
	d->skills_cnt = 2;
	d->skills[0] = S("http://data.europa.eu/esco/skill/"
	    "0b3d3c1b-9b4f-4d6a-9b7b-3c4b2e1d0a9f");
	d->skills[1] = S("http://data.europa.eu/esco/skill/"
	    "a7c3c2d3-5f6e-4b1a-8e9d-1c2b3a4d5e6f");
	d->ects = 250;
	d->hours = 60;
	d->eqf = 4;
	d->nqf = S("DQR 4");
	d->assessment = S("Practical rigging exam with written test");
	d->participation = S("blended");
	d->quality_assurance = S("Accredited by the chamber of crafts");
	d->prerequisites = S("Working at height certificate");
	d->stack_cnt = 2;
	memset(d->stack[0], 0xa1, CL_ID_LEN);
	memset(d->stack[1], 0xb2, CL_ID_LEN);
	d->further_info = S("https://buehnenschule.example.de/rigging");
}

/* Only the mandatory elements, with hours as the workload; in d. */
static void
define_min(struct cl_event *ev, struct cl_define *d)
{
	cl_ev_init(ev);
	memset(d, 0, sizeof(*d));
	ev->type = CL_EV_DEFINE;
	ev->body.define = d;
	d->title_cnt = 1;
	d->title[0].lang = S("fr");
	d->title[0].text = S("Soudure");
	d->awarding_body = S("Lycée");
	d->country = S("FR");
	d->outcomes_cnt = 1;
	d->outcomes[0] = S("Souder");
	d->hours = 1;
	d->eqf = 1;
	d->nqf = S("3");
	d->assessment = S("QCM");
	d->participation = S("onsite");
	d->quality_assurance = S("France compétences");
}

static void
issue(struct cl_event *ev, const uint8_t *achievement, uint8_t holder,
    int full)
{
	struct cl_issue	*is = &ev->body.issue;

	cl_ev_init(ev);
	ev->type = CL_EV_ISSUE;
	memcpy(is->achievement, achievement, CL_ID_LEN);
	memset(is->holder, holder, CL_ID_LEN);
	is->issued_at = 1700000000000ull;
	if (full) {
		is->holder_kind = CL_HOLDER_SALTED;
		memset(is->digest, 0xd1, CL_ID_LEN);
		is->valid_until = 1900000000000ull;	/* after FZ_NOW */
		is->grade = S("passed with distinction");
		is->supervision = CL_SUP_ONLINE_ID;
		is->local_ref = S("BSK/2025/0042");
	} else {
		is->holder_kind = CL_HOLDER_WALLET;
		is->supervision = CL_SUP_NONE;
	}
}

static void
change(struct cl_event *ev, unsigned type, const uint8_t *cred,
    uint64_t code, const char *reason)
{
	cl_ev_init(ev);
	ev->type = type;
	memcpy(ev->body.status.credential, cred, CL_ID_LEN);
	ev->body.status.reason_code = code;
	if (reason != NULL)
		ev->body.status.reason = (struct cl_str){ reason,
		    (uint32_t)strlen(reason) };
}

static struct fz_bundle *
bundle_of(struct fz_world *w, const char *name, int refused,
    const struct fz_ev *const *evs, uint32_t n)
{
	const uint8_t		*p[FZ_EV_MAX];
	size_t			 l[FZ_EV_MAX];
	struct fz_bundle	*b;
	size_t			 cap = 16;
	uint32_t		 i;
	cl_err			 err;

	if (w->bundle_cnt == FZ_BUNDLE_MAX || n > FZ_EV_MAX)
		die(name, CL_ETOOBIG);
	for (i = 0; i < n; i++) {
		p[i] = evs[i]->bytes;
		l[i] = evs[i]->len;
		cap += evs[i]->len + 8;
	}
	b = &w->bundle[w->bundle_cnt++];
	b->name = name;
	b->refused = refused;
	if ((b->bytes = malloc(cap)) == NULL)
		die(name, CL_ENOMEM);
	if ((err = cl_bundle_encode(p, l, n, b->bytes, cap, &b->len)) != CL_OK)
		die(name, err);
	return b;
}

static void
bundle(struct fz_world *w, const char *name, int refused,
    const char *const *names)
{
	const struct fz_ev	*evs[FZ_EV_MAX];
	uint32_t		 n;

	for (n = 0; names[n] != NULL; n++)
		evs[n] = find(w, names[n]);
	(void)bundle_of(w, name, refused, evs, n);
}

/*
 * The credential's bundle with every change of the "many" run: one more
 * than a credential may have.
 */
static void
bundle_many(struct fz_world *w)
{
	const struct fz_ev	*evs[FZ_EV_MAX];
	uint32_t		 i, n = 0;

	evs[n++] = find(w, "i2-issue");
	evs[n++] = find(w, "i1-define-full");
	evs[n++] = find(w, "a0-1-accredit");
	for (i = 0; i < w->ev_cnt; i++)
		if (w->ev[i].bulk)
			evs[n++] = &w->ev[i];
	(void)bundle_of(w, "b21-too-many-changes", 1, evs, n);
}

/*
 * A copy of a bundle whose framing is valid msgpack but not the shortest:
 * an array 16 header, or the first event as a bin 32.
 */
static void
reframe(struct fz_world *w, const char *name, const char *from, int bin32)
{
	const struct fz_bundle	*src = NULL;
	struct fz_bundle	*b;
	uint32_t		 i;
	size_t			 n;

	for (i = 0; i < w->bundle_cnt; i++)
		if (strcmp(w->bundle[i].name, from) == 0)
			src = &w->bundle[i];
	if (src == NULL || w->bundle_cnt == FZ_BUNDLE_MAX ||
	    src->bytes[0] < 0x91 || src->bytes[0] > 0x9f ||
	    src->bytes[1] != 0xc5)
		die(name, CL_ENOTFOUND);
	b = &w->bundle[w->bundle_cnt++];
	b->name = name;
	b->refused = 1;
	if ((b->bytes = malloc(src->len + 4)) == NULL)
		die(name, CL_ENOMEM);
	if (!bin32) {
		b->bytes[0] = 0xdc;
		b->bytes[1] = 0;
		b->bytes[2] = src->bytes[0] & 0x0f;
		memcpy(b->bytes + 3, src->bytes + 1, src->len - 1);
		b->len = src->len + 2;
		return;
	}
	n = 0;
	b->bytes[n++] = src->bytes[0];
	b->bytes[n++] = 0xc6;
	b->bytes[n++] = 0;
	b->bytes[n++] = 0;
	memcpy(b->bytes + n, src->bytes + 2, src->len - 2);
	b->len = src->len + 2;
}

/* A bundle that checks, and one that cl_bundle_check() must refuse. */
#define B(name, ...)	bundle(w, name, 0,				\
			    (const char *const []){ __VA_ARGS__, NULL })
#define BAD(name, ...)	bundle(w, name, 1,				\
			    (const char *const []){ __VA_ARGS__, NULL })

static void
bundles(struct fz_world *w)
{
	B("b01-issue-only", "i2-issue");
	B("b02-valid", "i2-issue", "i1-define-full", "a0-1-accredit");
	B("b03-revoked", "i2-issue", "i1-define-full", "a0-1-accredit",
	    "i6-revoke");
	B("b04-suspended", "a0-1-accredit", "i1-define-full", "i2-issue",
	    "i3-suspend");
	B("b05-all-changes", "i2-issue", "i1-define-full", "a0-1-accredit",
	    "i3-suspend", "i4-reinstate", "i5-suspend", "i6-revoke");
	B("b06-withdrawn-later", "i2-issue", "i1-define-full",
	    "a0-1-accredit", "a1-1-accredit-full", "a1-2-withdraw",
	    "i6-revoke", "i5-suspend", "i4-reinstate", "i3-suspend");
	B("b07-not-accredited", "i2-issue", "i1-define-full",
	    "a1-1-accredit-full");
	B("b08-issuer-withdrawn", "i2-issue", "i1-define-full",
	    "a0-1-accredit", "a0-3-withdraw");
	B("b09-disputed", "i2-issue", "i1-define-full", "a0-1-accredit",
	    "i2b-fork-issue");
	B("b10-fork-later", "i2-issue", "i1-define-full", "a0-1-accredit",
	    "i3-suspend", "i4-reinstate", "i5-suspend", "i6-revoke",
	    "i6b-fork-suspend");
	B("b11-authority-fork", "i2-issue", "i1-define-full",
	    "a0-1-accredit", "a1-1-accredit-full", "a1-2-withdraw",
	    "a1-2b-fork-withdraw");
	B("b12-two-accredits", "i2-issue", "i1-define-full",
	    "a1-1-accredit-full", "a0-1-accredit", "i3-suspend");
	/* refused: not every event belongs, or the ISSUE is missing */
	BAD("b13-unrelated", "i2-issue", "j2-issue");
	BAD("b14-twice", "i2-issue", "i1-define-full", "i1-define-full");
	BAD("b15-no-issue", "i1-define-full", "a0-1-accredit");
	BAD("b16-later-define", "i2-issue", "i7-define-min");
	BAD("b17-other-accredit", "i2-issue", "i1-define-full",
	    "a0-2-accredit-full");
	/* a change after the REVOKE is void: still revoked */
	B("b18-change-after-revoke", "i2-issue", "i1-define-full",
	    "a0-1-accredit", "i6-revoke", "i10-suspend-after-revoke");
	reframe(w, "b19-array16", "b02-valid", 0);
	reframe(w, "b20-bin32", "b02-valid", 1);
	bundle_many(w);
}

struct fz_world *
fz_world_new(void)
{
	struct fz_world		*w;
	struct cl_event		 ev;
	struct cl_define	 def;		/* ev's, when a DEFINE */
	const struct fz_ev	*i1, *i2, *i5, *i7, *i8, *j1, *j2, *a11;
	char			 name[32];
	uint32_t		 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		die("world", CL_ENOMEM);
	fz_net_init(&w->net);
	feed(&w->issuer, 7);
	feed(&w->other, 8);

	/* authority 0: accredits both issuers, later withdraws one */
	accredit(w, "a0-1-accredit", &w->net.auth[0], w->issuer.key.pk, 1,
	    0);
	accredit(w, "a0-2-accredit-full", &w->net.auth[0], w->other.key.pk,
	    1, 1);
	withdraw(&ev, w->issuer.key.pk, 1);
	(void)sign(w, "a0-3-withdraw", &w->net.auth[0], &ev);

	/* authority 1: a later accreditation, a withdrawal, and a fork */
	accredit(w, "a1-1-accredit-full", &w->net.auth[1], w->issuer.key.pk,
	    3, 1);
	a11 = &w->ev[w->ev_cnt - 1];
	withdraw(&ev, w->issuer.key.pk, 4);
	(void)sign(w, "a1-2-withdraw", &w->net.auth[1], &ev);
	withdraw(&ev, w->issuer.key.pk, 10);
	(void)sign_at(w, "a1-2b-fork-withdraw", &w->net.auth[1], &ev, 2,
	    a11->id);

	/* the issuer: the credential and its whole life, and forks */
	define_full(&ev, &def);
	i1 = sign(w, "i1-define-full", &w->issuer, &ev);
	issue(&ev, i1->id, 0x42, 1);
	i2 = sign(w, "i2-issue", &w->issuer, &ev);
	memcpy(w->cred, i2->id, CL_ID_LEN);
	change(&ev, CL_EV_SUSPEND, w->cred, 0, "Under investigation");
	(void)sign(w, "i3-suspend", &w->issuer, &ev);
	change(&ev, CL_EV_REINSTATE, w->cred, 0, "Investigation closed");
	(void)sign(w, "i4-reinstate", &w->issuer, &ev);
	change(&ev, CL_EV_SUSPEND, w->cred, 0, NULL);
	i5 = sign(w, "i5-suspend", &w->issuer, &ev);
	change(&ev, CL_EV_REVOKE, w->cred, 3, "Assessment fraud: résumé "
	    "of findings in case 17");
	(void)sign(w, "i6-revoke", &w->issuer, &ev);
	define_min(&ev, &def);
	i7 = sign(w, "i7-define-min", &w->issuer, &ev);
	issue(&ev, i7->id, 0x43, 0);
	i8 = sign(w, "i8-issue-wallet", &w->issuer, &ev);
	change(&ev, CL_EV_REVOKE, i8->id, 0, NULL);
	(void)sign(w, "i9-revoke-min", &w->issuer, &ev);
	issue(&ev, i1->id, 0x44, 1);
	(void)sign_at(w, "i2b-fork-issue", &w->issuer, &ev, 2, i1->id);
	change(&ev, CL_EV_SUSPEND, w->cred, 0, "After the revocation");
	(void)sign(w, "i10-suspend-after-revoke", &w->issuer, &ev);
	change(&ev, CL_EV_SUSPEND, w->cred, 0, "fork");
	(void)sign_at(w, "i6b-fork-suspend", &w->issuer, &ev, 6, i5->id);
	/* more changes than a credential may have */
	for (i = 0; i < FZ_MANY; i++) {
		if (snprintf(name, sizeof(name), "many-%02u", i) < 0)
			die("many", CL_EUSAGE);
		change(&ev, i % 2 ? CL_EV_REINSTATE : CL_EV_SUSPEND, w->cred,
		    0, NULL);
		(void)sign(w, name, &w->issuer, &ev);
		w->ev[w->ev_cnt - 1].bulk = 1;
	}

	/* another issuer, with nothing to do with the credential */
	define_min(&ev, &def);
	j1 = sign(w, "j1-define-min", &w->other, &ev);
	issue(&ev, j1->id, 0x45, 1);
	j2 = sign(w, "j2-issue", &w->other, &ev);
	change(&ev, CL_EV_REINSTATE, j2->id, 0, NULL);
	(void)sign(w, "j3-reinstate", &w->other, &ev);

	bundles(w);
	return w;
}

void
fz_world_free(struct fz_world *w)
{
	uint32_t	i;

	if (w == NULL)
		return;
	for (i = 0; i < w->bundle_cnt; i++)
		free(w->bundle[i].bytes);
	free(w);
}
