/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger demo: a credential's life through the ledger library, told in
 * plain words: a network, three accredited schools in three countries, a
 * micro-credential with ESCO skills, an issuance, verification by id and by
 * document (each answer's proof checked as a verifier would), revocation.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bundle.h"
#include "cmd.h"
#include "event.h"
#include "genesis.h"
#include "hex.h"
#include "issue.h"
#include "ledger.h"
#include "util.h"

#define SKILLS_MAX	6

struct org {
	const char	*name;
	const char	*country;
	const char	*org_id;
	uint8_t		 pk[CL_PK_LEN];
	uint8_t		 sk[64];
	uint64_t	 seq;
	uint8_t		 head[CL_ID_LEN];
};

struct demo {
	struct cl_ledger	 l;
	uint8_t			 netid[CL_ID_LEN];
	struct cl_genesis	 g;
	uint8_t			 genesis[4096];
	size_t			 genesis_len;
	int			 step;
	char			 skill_uri[SKILLS_MAX][160];
	char			 skill_label[SKILLS_MAX][160];
	int			 skills;
};

static void
say(struct demo *d, const char *what)
{
	printf("\n%d. %s\n", ++d->step, what);
}

static void
hex(char *out, const uint8_t *in, size_t len)
{
	cl_hex_encode(out, in, len);
}

/* Sign ev as org's next event and submit it alone; 0 when accepted. */
static int
submit(struct demo *d, struct org *o, struct cl_event *ev, uint8_t *id)
{
	uint8_t			 buf[CL_EVENT_MAX];
	size_t			 len;
	struct cl_submit	 s;
	struct cl_result	 r;
	cl_err			 err;

	ev->seq = o->seq + 1;
	if (o->seq > 0)
		memcpy(ev->prev, o->head, CL_ID_LEN);
	ev->time = cl_tool_now_ms();
	err = cl_ev_sign(ev, d->netid, o->sk, buf, sizeof(buf), &len, id);
	if (err != CL_OK) {
		cl_tool_err("demo", "signing a %s: %s",
		    cl_ev_type_name((unsigned)ev->type), cl_strerror(err));
		return -1;
	}
	memset(&s, 0, sizeof(s));
	cl_ledger_prepare(d->netid, buf, len, &s);
	err = cl_ledger_apply(&d->l, &s, 1, &r);
	cl_submit_free(&s);
	if (err != CL_OK || r.acc != CL_ACC_ACCEPTED) {
		cl_tool_err("demo", "the ledger did not accept a %s: %s",
		    cl_ev_type_name((unsigned)ev->type), err != CL_OK ?
		    cl_strerror(err) : cl_accept_name(r.acc));
		return -1;
	}
	o->seq++;
	memcpy(o->head, id, CL_ID_LEN);
	printf("   the ledger accepted the %s (%zu bytes, log position "
	    "%llu)\n", cl_ev_type_name((unsigned)ev->type), len,
	    (unsigned long long)r.pos);
	return 0;
}

/* Pick rigging and work-at-height skills from the ESCO sample. */
static int
load_skills(struct demo *d, const char *samples)
{
	static const char *const want[] = { "use rigging tools", "rig loads",
	    "operate hoists", "follow safety procedures when working at "
	    "heights", "manage event structure installation", "draw up risk "
	    "assessment" };
	char	 path[1024], line[512], *tab;
	FILE	*f;
	size_t	 i;

	if (snprintf(path, sizeof(path), "%s/esco-skills.tsv", samples) >=
	    (int)sizeof(path))
		return -1;
	if ((f = fopen(path, "r")) == NULL) {
		cl_tool_err("demo", "%s: %s (give the samples folder with "
		    "--samples DIR)", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL && d->skills < SKILLS_MAX) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab++ = '\0';
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			if (strcmp(tab, want[i]) != 0 ||
			    strlen(line) >= sizeof(d->skill_uri[0]) ||
			    strlen(tab) >= sizeof(d->skill_label[0]))
				continue;
			strcpy(d->skill_uri[d->skills], line);
			strcpy(d->skill_label[d->skills], tab);
			d->skills++;
		}
	}
	fclose(f);
	if (d->skills == 0) {
		cl_tool_err("demo", "%s has none of the rigging skills", path);
		return -1;
	}
	return 0;
}

/* Ask the ledger about a credential, and check its proof offline. */
static int
verify(struct demo *d, const uint8_t *cred, const char *how)
{
	struct cl_cred_answer	 a;
	struct cl_bundle	 b;
	struct cl_where		 where = { NULL };
	uint8_t			*bytes = NULL;
	size_t			 len = 0;
	char			 id[2 * CL_ID_LEN + 1];
	cl_err			 err;

	err = cl_ledger_credential(&d->l, cred, cl_tool_now_ms(), &a);
	if (err != CL_OK) {
		cl_tool_err("demo", "query: %s", cl_strerror(err));
		return -1;
	}
	hex(id, cred, CL_ID_LEN);
	printf("   %s: credential %.16s… is %s\n", how, id,
	    cl_status_name(a.status));
	if (a.status == CL_ST_UNKNOWN)
		return 0;
	if ((err = cl_ledger_bundle(&d->l, &a, &bytes, &len)) == CL_OK)
		err = cl_bundle_check(&b, &d->g, bytes, len, cred,
		    cl_tool_now_ms(), &where);
	free(bytes);
	if (err != CL_OK) {
		cl_tool_err("demo", "the proof did not check: %s (%s)",
		    cl_strerror(err), where.field ? where.field : "");
		return -1;
	}
	printf("   proof checked without the node: %u signed events, every "
	    "signature valid, status derived again: %s\n", b.ev_cnt,
	    cl_status_name(b.result.status));
	if (b.accredit >= 0) {
		const struct cl_accredit *ac = &b.ev[b.accredit].body.accredit;

		printf("   issuer: %.*s (%.*s), accredited by a genesis "
		    "authority\n", (int)ac->name.len, ac->name.ptr,
		    (int)ac->country.len, ac->country.ptr);
	}
	if (b.last_change >= 0 && b.ev[b.last_change].type == CL_EV_REVOKE) {
		const struct cl_status *st = &b.ev[b.last_change].body.status;

		printf("   revoked: \"%.*s\"\n", (int)st->reason.len,
		    st->reason.ptr);
	}
	if (b.result.status != a.status) {
		cl_tool_err("demo", "node and proof disagree");
		cl_bundle_free(&b);
		return -1;
	}
	cl_bundle_free(&b);
	return 0;
}

#define S(x)	((struct cl_str){ x, sizeof(x) - 1 })

static struct cl_str
cstr(const char *s)
{
	return (struct cl_str){ s, (uint32_t)strlen(s) };
}

static int
run(struct demo *d, const char *dir, const char *samples)
{
	struct org	 auth = { "European Qualifications Consortium", "EU",
	    "EU-QC", { 0 }, { 0 }, 0, { 0 } };
	struct org	 org[3] = {
		{ "Bühnentechnik-Akademie Köln", "DE", "DE-HWK-5142", { 0 },
		    { 0 }, 0, { 0 } },
		{ "Centre de Formation Scénique Liège", "BE", "BE-0412.345.678",
		    { 0 }, { 0 }, 0, { 0 } },
		{ "Tallinna Kutsehariduskeskus", "EE", "EE-70004465", { 0 },
		    { 0 }, 0, { 0 } },
	};
	struct cl_store_opts	 opts = { 0 };
	struct cl_event		 ev;
	struct cl_define	 ach;		/* the DEFINE's body */
	struct cl_counts	 cnt;
	uint8_t			 def[CL_ID_LEN], cred[CL_ID_LEN];
	uint8_t			 salt[CL_HOLDER_SALT_LEN], holder[CL_ID_LEN];
	uint8_t			 digest[CL_ID_LEN];
	uint8_t			 ids[4][CL_ID_LEN], state[CL_ID_LEN];
	uint8_t			*doc = NULL;
	size_t			 doc_len, i;
	uint32_t		 n;
	bool			 more;
	char			 h[2 * CL_ID_LEN + 1], path[1024];
	const char		*learner = "Maria Schmidt, born 2001-04-12";
	cl_err			 err;

	if (load_skills(d, samples) != 0)
		return CL_TOOL_FAIL;
	say(d, "A network is founded: one authority, a genesis file.");
	crypto_sign_keypair(auth.pk, auth.sk);
	memset(&d->g, 0, sizeof(d->g));
	d->g.version = CL_VERSION;
	d->g.name = S("credledger-demo");
	d->g.created = cl_tool_now_ms();
	d->g.auth_cnt = 1;
	memcpy(d->g.auth[0].key, auth.pk, CL_PK_LEN);
	d->g.auth[0].org = cstr(auth.name);
	d->g.auth[0].country = S("BE");
	err = cl_genesis_encode(&d->g, d->genesis, sizeof(d->genesis),
	    &d->genesis_len, NULL);
	if (err == CL_OK)
		err = cl_genesis_decode(&d->g, d->genesis, d->genesis_len,
		    NULL);
	if (err == CL_OK)
		err = cl_ledger_open(&d->l, dir, d->genesis, d->genesis_len,
		    &opts);
	if (err != CL_OK) {
		cl_tool_err("demo", "%s: %s", dir, cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	memcpy(d->netid, d->g.netid, CL_ID_LEN);
	hex(h, d->netid, CL_ID_LEN);
	printf("   network \"credledger-demo\", id %s\n   authority: %s\n",
	    h, auth.name);
	printf("   ledger in %s\n", dir);

	say(d, "The authority accredits three schools in three countries.");
	for (i = 0; i < 3; i++) {
		crypto_sign_keypair(org[i].pk, org[i].sk);
		cl_ev_init(&ev);
		ev.type = CL_EV_ACCREDIT;
		memcpy(ev.body.accredit.issuer, org[i].pk, CL_PK_LEN);
		ev.body.accredit.org_id = cstr(org[i].org_id);
		ev.body.accredit.name = cstr(org[i].name);
		ev.body.accredit.country = cstr(org[i].country);
		ev.body.accredit.from_seq = 1;
		ev.body.accredit.eqf_min = 3;
		ev.body.accredit.eqf_max = 5;
		ev.body.accredit.qa = S("EQAVET");
		printf("   %s (%s)\n", org[i].name, org[i].country);
		if (submit(d, &auth, &ev, ids[0]) != 0)
			return CL_TOOL_FAIL;
	}

	say(d, "The Cologne academy defines a micro-credential (Annex I "
	    "elements, ESCO skills).");
	cl_ev_init(&ev);
	ev.type = CL_EV_DEFINE;
	memset(&ach, 0, sizeof(ach));
	ev.body.define = &ach;
	ach.title_cnt = 2;
	ach.title[0].lang = S("de");
	ach.title[0].text = S("Bühnenrigging: Grundlagen");
	ach.title[1].lang = S("en");
	ach.title[1].text = S("Stage rigging fundamentals");
	ach.awarding_body = cstr(org[0].name);
	ach.country = S("DE");
	ach.outcomes_cnt = 2;
	ach.outcomes[0] = S("Plans, rigs and de-rigs a truss "
	    "structure for a touring production under supervision");
	ach.outcomes[1] = S("Inspects hoists and lifting "
	    "accessories and keeps the inspection log");
	ach.skills_cnt = (uint32_t)d->skills;
	for (i = 0; i < (size_t)d->skills; i++) {
		ach.skills[i] = cstr(d->skill_uri[i]);
		printf("   ESCO skill: %s\n", d->skill_label[i]);
	}
	ach.ects = 300;
	ach.hours = 80;
	ach.eqf = 4;
	ach.nqf = S("DQR 4");
	ach.assessment = S("Practical rigging test and written exam");
	ach.participation = S("onsite");
	ach.quality_assurance = S("Chamber of crafts examination "
	    "board (HWK Köln)");
	if (submit(d, &org[0], &ev, def) != 0)
		return CL_TOOL_FAIL;
	hex(h, def, CL_ID_LEN);
	printf("   \"Stage rigging fundamentals\", EQF 4, 3 ECTS: achievement "
	    "%.16s…\n", h);

	say(d, "It issues the credential to a learner: no personal data on "
	    "the ledger.");
	if (snprintf(path, sizeof(path), "%s/credentials/"
	    "elm-v3-edc-credential-sample.jsonld", samples) >=
	    (int)sizeof(path))
		return CL_TOOL_FAIL;
	if ((err = cl_tool_read_file(path, 1 << 24, &doc, &doc_len)) !=
	    CL_OK) {
		cl_tool_err("demo", "%s: %s", path, strerror(errno));
		return CL_TOOL_FAIL;
	}
	crypto_hash_sha256(digest, doc, doc_len);
	free(doc);
	/* the reference 'credledger issue --holder-id' makes */
	randombytes_buf(salt, sizeof(salt));
	cl_holder_ref(holder, salt, learner, strlen(learner));
	cl_ev_init(&ev);
	ev.type = CL_EV_ISSUE;
	memcpy(ev.body.issue.achievement, def, CL_ID_LEN);
	memcpy(ev.body.issue.holder, holder, CL_ID_LEN);
	ev.body.issue.holder_kind = CL_HOLDER_SALTED;
	memcpy(ev.body.issue.digest, digest, CL_ID_LEN);
	ev.body.issue.issued_at = cl_tool_now_ms();
	ev.body.issue.grade = S("passed (sehr gut)");
	ev.body.issue.supervision = CL_SUP_ONSITE_ID;
	ev.body.issue.local_ref = S("BTA-2026-0117");
	if (submit(d, &org[0], &ev, cred) != 0)
		return CL_TOOL_FAIL;
	hex(h, cred, CL_ID_LEN);
	printf("   credential id %s\n", h);
	printf("   the ledger holds a salted hash of the learner, and the "
	    "SHA-256 of the document\n   she holds (%s)\n",
	    "elm-v3-edc-credential-sample.jsonld");

	say(d, "An employer in Tallinn checks it, by id and by the document "
	    "file.");
	if (verify(d, cred, "by id") != 0)
		return CL_TOOL_FAIL;
	if ((err = cl_ledger_by_digest(&d->l, digest, ids, &n, &more)) !=
	    CL_OK || n != 1 || memcmp(ids[0], cred, CL_ID_LEN) != 0) {
		cl_tool_err("demo", "lookup by document failed");
		return CL_TOOL_FAIL;
	}
	if (verify(d, ids[0], "by document") != 0)
		return CL_TOOL_FAIL;

	say(d, "The academy finds the exam was not supervised as declared, "
	    "and revokes it.");
	cl_ev_init(&ev);
	ev.type = CL_EV_REVOKE;
	memcpy(ev.body.status.credential, cred, CL_ID_LEN);
	ev.body.status.reason_code = 1;
	ev.body.status.reason = S("assessment irregularity: exam not "
	    "supervised as declared");
	if (submit(d, &org[0], &ev, ids[1]) != 0)
		return CL_TOOL_FAIL;
	if (verify(d, cred, "by id") != 0)
		return CL_TOOL_FAIL;

	say(d, "What the ledger holds.");
	if ((err = cl_ledger_counts(&d->l, &cnt)) != CL_OK ||
	    (err = cl_ledger_digest(&d->l, state)) != CL_OK) {
		cl_tool_err("demo", "%s", cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	printf("   %llu events in %llu feeds: %llu ACCREDIT, %llu DEFINE, "
	    "%llu ISSUE, %llu REVOKE\n", (unsigned long long)cnt.log,
	    (unsigned long long)cnt.feeds,
	    (unsigned long long)cnt.by_type[CL_EV_ACCREDIT],
	    (unsigned long long)cnt.by_type[CL_EV_DEFINE],
	    (unsigned long long)cnt.by_type[CL_EV_ISSUE],
	    (unsigned long long)cnt.by_type[CL_EV_REVOKE]);
	hex(h, state, CL_ID_LEN);
	printf("   state digest %s\n", h);
	printf("\nDone: issued, verified valid, revoked, verified revoked.\n");
	sodium_memzero(auth.sk, sizeof(auth.sk));
	for (i = 0; i < 3; i++)
		sodium_memzero(org[i].sk, sizeof(org[i].sk));
	return CL_TOOL_OK;
}

int
cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "samples", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct demo	 d;
	const char		*dir = NULL, *samples = getenv("CL_SAMPLES");
	char			 tmp[] = "/tmp/credledger-demo-XXXXXX";
	int			 c, rc;

	if (samples == NULL)
		samples = "../shared/samples";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 's':
			samples = optarg;
			break;
		case 'h':
			printf("usage: credledger demo [--dir DIR] "
			    "[--samples DIR]\n\n"
			    "Walks a credential through the ledger library: "
			    "a network, three accredited\nschools, a "
			    "micro-credential, issuance, verification with "
			    "the proof checked\noffline, revocation.\n\n"
			    "  --dir DIR      an empty directory for the ledger "
			    "(default: a new one in /tmp)\n"
			    "  --samples DIR  the shared samples (default "
			    "$CL_SAMPLES or ../shared/samples)\n");
			return CL_TOOL_OK;
		default:
			return cl_tool_badopt("demo", argv, c);
		}
	}
	if (optind != argc) {
		cl_tool_err("demo", "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	if (sodium_init() < 0) {
		cl_tool_err("demo", "libsodium failed to initialise");
		return CL_TOOL_FAIL;
	}
	if (dir == NULL) {
		if (mkdtemp(tmp) == NULL) {
			cl_tool_err("demo", "%s: %s", tmp, strerror(errno));
			return CL_TOOL_FAIL;
		}
		dir = tmp;
	}
	rc = run(&d, dir, samples);
	cl_ledger_close(&d.l);
	cl_genesis_free(&d.g);
	return rc;
}
