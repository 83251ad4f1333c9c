/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verbs that sign events and submit them to a node: accredit,
 * withdraw, define, issue, suspend, reinstate and revoke.  Their options
 * are tables, so that every verb parses, checks and explains them alike.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "achievement.h"
#include "client.h"
#include "cmd.h"
#include "event.h"
#include "hex.h"
#include "issue.h"
#include "session.h"
#include "util.h"

#define OPTS_MAX	16	/* options of a verb, besides the common ones */
#define MSG_MAX		512	/* one line of a message */

enum kind {
	K_TEXT,		/* a string of the body */
	K_FIELD,	/* one more field of an ACCREDIT's scope */
	K_HEX,		/* 32 bytes of the body, as 64 hex digits */
	K_NUM,		/* a number of the body, lo..hi */
	K_FILE,		/* the file a verb reads */
	K_ISSUE,	/* a field of an ISSUE, by issue.h */
};

struct vopt {
	const char	*name;
	const char	*arg;		/* its value in --help */
	enum kind	 kind;
	size_t		 off;		/* the field in struct cl_event */
	uint64_t	 lo, hi, def;	/* K_NUM; K_ISSUE: lo is the field */
	bool		 need;		/* the event validator cannot tell
					   "absent" (a key, a number) */
	const char	*help;
};

#define TEXT(n, a, f, h)	{ n, a, K_TEXT, EV(f), 0, 0, 0, false, h }
#define HEX(n, a, f, h)		{ n, a, K_HEX, EV(f), 0, 0, 0, true, h }
#define NUM(n, f, lo, hi, def, need, h)					\
	{ n, "N", K_NUM, EV(f), lo, hi, def, need, h }
#define ISSUE(n, a, f, h)	{ n, a, K_ISSUE, 0, f, 0, 0, false, h }
#define FILE_OPT(n, a, need, h)	{ n, a, K_FILE, 0, 0, 0, 0, need, h }
#define EV(f)			offsetof(struct cl_event, body.f)
#define END			{ NULL, NULL, K_TEXT, 0, 0, 0, 0, false, NULL }

/* What the command line gave. */
struct args {
	struct cl_session_opts	 so;
	struct cl_event		 ev;
	struct cl_define	 def;		/* define: ev's body */
	const char		*file;
	struct cl_issue_spec	 spec;
	bool			 seen[OPTS_MAX];
};

struct verb {
	const char		*name;
	unsigned		 type;
	const char		*synopsis;
	const char		*about;
	const struct vopt	*opt;
	int			(*run)(const struct verb *, struct args *);
};

static void
usage(const struct verb *v, FILE *f)
{
	const struct vopt	*o;
	char			 left[48];

	fprintf(f, "usage: credledger %s %s\n\n%s\n\n", v->name, v->synopsis,
	    v->about);
	for (o = v->opt; o->name != NULL; o++) {
		(void)snprintf(left, sizeof(left), "--%s %s", o->name, o->arg);
		fprintf(f, "      %-22s  %s\n", left, o->help);
	}
	fputs(CL_SESSION_KEY_HELP CL_SESSION_NODE_HELP
	    "  -h, --help                  show this and exit\n", f);
}

/* Take the value of option o, number i of v, from optarg. */
static int
take(const struct verb *v, const struct vopt *o, size_t i, struct args *a)
{
	struct cl_accredit	*ac = &a->ev.body.accredit;
	char			*field = (char *)&a->ev + o->off;
	char			 msg[MSG_MAX];
	uint64_t		 u;
	cl_err			 err;

	if (a->seen[i] && o->kind != K_FIELD) {
		cl_tool_err(v->name, "--%s given twice", o->name);
		return CL_TOOL_USAGE;
	}
	if (optarg[0] == '\0') {
		cl_tool_err(v->name, "--%s is empty", o->name);
		return CL_TOOL_USAGE;
	}
	a->seen[i] = true;
	switch (o->kind) {
	case K_TEXT:
		/* the event validator checks length and characters */
		*(struct cl_str *)(void *)field = (struct cl_str){ optarg,
		    (uint32_t)strnlen(optarg, CL_TEXT_MAX + 1) };
		break;
	case K_FIELD:
		if (ac->fields_cnt == CL_SCOPE_FIELDS_MAX) {
			cl_tool_err(v->name, "more than %d --%s",
			    CL_SCOPE_FIELDS_MAX, o->name);
			return CL_TOOL_USAGE;
		}
		ac->fields[ac->fields_cnt++] = (struct cl_str){ optarg,
		    (uint32_t)strnlen(optarg, CL_TEXT_MAX + 1) };
		break;
	case K_HEX:
		if (cl_hex_decode((uint8_t *)field, CL_ID_LEN, optarg) !=
		    CL_OK) {
			cl_tool_err(v->name, "bad --%s '%s': want %d hex "
			    "digits", o->name, optarg, 2 * CL_ID_LEN);
			return CL_TOOL_USAGE;
		}
		break;
	case K_NUM:
		if (cl_tool_parse_u64(optarg, o->hi, &u) != CL_OK ||
		    u < o->lo) {
			cl_tool_err(v->name, "bad --%s '%s': want a number "
			    "%llu..%llu", o->name, optarg,
			    (unsigned long long)o->lo,
			    (unsigned long long)o->hi);
			return CL_TOOL_USAGE;
		}
		*(uint64_t *)(void *)field = u;
		break;
	case K_FILE:
		a->file = optarg;
		break;
	case K_ISSUE:
		err = cl_issue_spec_set(&a->spec, (enum cl_issue_field)o->lo,
		    optarg, msg, sizeof(msg));
		if (err != CL_OK) {
			cl_tool_err(v->name, "%s", msg);
			return err == CL_EIO ? CL_TOOL_FAIL : CL_TOOL_USAGE;
		}
		break;
	}
	return CL_TOOL_OK;
}

/* Returns CL_TOOL_OK, -1 after --help, or the status to exit with. */
static int
parse(const struct verb *v, int argc, char **argv, struct args *a)
{
	static const struct option	 common[] = {
		CL_SESSION_NODE_OPTION,
		CL_SESSION_KEY_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct option			 lo[OPTS_MAX + sizeof(common) /
					    sizeof(common[0])];
	size_t				 n, i;
	int				 c, rc;

	for (n = 0; v->opt[n].name != NULL; n++) {
		lo[n] = (struct option){ v->opt[n].name, required_argument,
		    NULL, CL_OPT_VERB + (int)n };
		if (v->opt[n].kind == K_NUM)
			*(uint64_t *)(void *)((char *)&a->ev + v->opt[n].off) =
			    v->opt[n].def;
	}
	memcpy(lo + n, common, sizeof(common));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(v, stdout);
			return -1;
		}
		if ((rc = cl_session_opt(v->name, c, &a->so)) >= 0) {
			if (rc != CL_TOOL_OK)
				return rc;
			continue;
		}
		if (c < CL_OPT_VERB || c >= CL_OPT_VERB + (int)n)
			return cl_tool_badopt(v->name, argv, c);
		i = (size_t)(c - CL_OPT_VERB);
		if ((rc = take(v, &v->opt[i], i, a)) != CL_TOOL_OK)
			return rc;
	}
	if (optind < argc) {
		cl_tool_err(v->name, "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	for (i = 0; i < n; i++) {
		if (v->opt[i].need && !a->seen[i]) {
			cl_tool_err(v->name, "missing --%s %s", v->opt[i].name,
			    v->opt[i].arg);
			return CL_TOOL_USAGE;
		}
	}
	return cl_session_opts_check(v->name, &a->so, true);
}

/* Sign and submit a->ev; print its id. */
static int
sign_print(const struct verb *v, struct args *a)
{
	uint8_t	id[CL_ID_LEN];
	int	rc;

	if ((rc = cl_session_sign_one(v->name, &a->so, &a->ev, id)) ==
	    CL_TOOL_OK)
		cl_tool_put_hex(stdout, id, sizeof(id));
	return rc;
}

/* The verbs whose options are the event's fields. */
static int
run_event(const struct verb *v, struct args *a)
{
	struct cl_where	where = { NULL };
	cl_err		err;

	if ((err = cl_session_check(&a->ev, &where)) != CL_OK)
		return cl_session_bad_option(v->name, err, where.field);
	return sign_print(v, a);
}

static int
run_define(const struct verb *v, struct args *a)
{
	struct cl_elm_strings	 st;
	struct cl_define	*def = &a->def;
	struct cl_where		 where = { NULL };
	const char		*field;
	uint8_t			*raw;
	char			 msg[MSG_MAX], safe[MSG_MAX];
	size_t			 len;
	int			 rc = CL_TOOL_FAIL;
	cl_err			 err;

	err = cl_tool_read_file(a->file, CL_ACHIEVEMENT_FILE_MAX, &raw, &len);
	if (err != CL_OK) {
		cl_tool_err(v->name, "cannot read '%s': %s", a->file,
		    err == CL_EIO ? strerror(errno) : cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	cl_elm_strings_init(&st);
	err = cl_achievement_from_json((const char *)raw, len, def, &st, msg,
	    sizeof(msg));
	free(raw);
	if (err != CL_OK) {
		cl_client_printable(safe, sizeof(safe), msg, strlen(msg));
		cl_tool_err(v->name, "'%s': %s", a->file, safe);
		goto out;
	}
	a->ev.body.define = def;
	/* The validator's rule and words: one list of Annex I elements. */
	if ((err = cl_session_check(&a->ev, &where)) != CL_OK) {
		field = cl_session_field(where.field);
		if (err == CL_EMISSING)
			cl_tool_err(v->name, "'%s': missing Annex I element: "
			    "%s%s", a->file, field, strcmp(field, "workload") ==
			    0 ? " (ects or hours)" : "");
		else
			cl_tool_err(v->name, "'%s': %s: %s", a->file, field,
			    cl_session_why(err));
		goto out;
	}
	rc = sign_print(v, a);
out:
	cl_elm_strings_free(&st);
	return rc;
}

static void
fill_issue(void *arg, size_t i, struct cl_event *ev)
{
	const struct cl_issue_batch	*b = arg;

	ev->type = CL_EV_ISSUE;
	ev->body.issue = b->spec[i].body;
}

/* Print "<id>[ <salt>]" lines of the first n credentials of b. */
static void
print_batch(const struct cl_issue_batch *b, uint8_t (*ids)[CL_ID_LEN],
    size_t n)
{
	char	id[2 * CL_ID_LEN + 1], salt[2 * CL_HOLDER_SALT_LEN + 1];
	size_t	i;

	for (i = 0; i < n; i++) {
		cl_hex_encode(id, ids[i], CL_ID_LEN);
		if (b->spec[i].salt_made) {
			cl_hex_encode(salt, b->spec[i].salt,
			    CL_HOLDER_SALT_LEN);
			printf("%s %s\n", id, salt);
		} else
			printf("%s\n", id);
	}
}

static int
run_batch(const struct verb *v, struct args *a)
{
	static const enum cl_issue_field	 own[] = { CL_IF_HOLDER_REF,
	    CL_IF_HOLDER_KEY, CL_IF_HOLDER_ID, CL_IF_SALT, CL_IF_DOCUMENT,
	    CL_IF_LOCAL_REF };
	struct cl_issue_batch			 b;
	struct cl_session			 s;
	uint8_t					(*ids)[CL_ID_LEN];
	uint8_t					*raw;
	char					 msg[MSG_MAX];
	size_t					 len, line, i, done = 0;
	int					 rc;
	cl_err					 err;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (a->spec.set[own[i]]) {
			cl_tool_err(v->name, "%s is one learner's: with "
			    "--batch it goes in the file",
			    cl_issue_field_name(own[i], true));
			return CL_TOOL_USAGE;
		}
	}
	err = cl_tool_read_file(a->file, CL_BATCH_FILE_MAX, &raw, &len);
	if (err != CL_OK) {
		cl_tool_err(v->name, "cannot read '%s': %s", a->file,
		    err == CL_EIO ? strerror(errno) : cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	err = cl_issue_batch_parse(&b, (const char *)raw, len, &a->spec,
	    cl_tool_now_ms(), &line, msg, sizeof(msg));
	free(raw);
	if (err != CL_OK) {
		if (line > 0)
			cl_tool_err(v->name, "'%s' line %zu: %s; nothing was "
			    "submitted", a->file, line, msg);
		else
			cl_tool_err(v->name, "'%s': %s", a->file, msg);
		return CL_TOOL_FAIL;
	}
	if ((ids = calloc(b.cnt, sizeof(*ids))) == NULL) {
		cl_tool_err(v->name, "%s", cl_strerror(CL_ENOMEM));
		cl_issue_batch_free(&b);
		return CL_TOOL_FAIL;
	}
	if ((rc = cl_session_open(&s, v->name, &a->so)) == CL_TOOL_OK)
		rc = cl_session_submit(&s, b.cnt, fill_issue, &b, ids, &done);
	cl_session_close(&s);
	/* What the node took is issued, also when the rest was not. */
	print_batch(&b, ids, done);
	if (rc != CL_TOOL_OK && done > 0)
		cl_tool_err(v->name, "%zu of %zu credentials were issued (the "
		    "lines printed)", done, b.cnt);
	free(ids);
	cl_issue_batch_free(&b);
	return rc;
}

static int
run_issue(const struct verb *v, struct args *a)
{
	char	msg[MSG_MAX];
	int	rc;
	cl_err	err;

	if (a->file != NULL)
		return run_batch(v, a);
	err = cl_issue_spec_finish(&a->spec, cl_tool_now_ms(), msg,
	    sizeof(msg));
	if (err != CL_OK) {
		cl_tool_err(v->name, "%s", msg);
		return CL_TOOL_USAGE;
	}
	a->ev.body.issue = a->spec.body;
	if ((rc = sign_print(v, a)) == CL_TOOL_OK &&
	    a->spec.set[CL_IF_HOLDER_ID]) {
		fputs("salt ", stdout);
		cl_tool_put_hex(stdout, a->spec.salt, sizeof(a->spec.salt));
	}
	return rc;
}

static const struct vopt accredit_opts[] = {
	HEX("issuer", "HEXKEY", accredit.issuer, "the issuer's public key"),
	TEXT("org-id", "ID", accredit.org_id,
	    "its number in a national register"),
	TEXT("name", "NAME", accredit.name, "its legal name"),
	TEXT("country", "CC", accredit.country,
	    "its country, ISO 3166-1 alpha-2 (DE)"),
	NUM("from-seq", accredit.from_seq, 1, CL_SEQ_MAX, 1, false,
	    "first seq of its feed covered (1)"),
	NUM("eqf-min", accredit.eqf_min, 1, CL_EQF_MAX, 0, false,
	    "lowest EQF level of its scope"),
	NUM("eqf-max", accredit.eqf_max, 1, CL_EQF_MAX, 0, false,
	    "highest EQF level of its scope"),
	{ "field", "TEXT", K_FIELD, 0, 0, 0, 0, false,
	    "a field of its scope; again for more" },
	TEXT("qa", "TEXT", accredit.qa, "its quality-assurance framework"),
	TEXT("url", "URL", accredit.url, "its web site"),
	END
};

static const struct vopt withdraw_opts[] = {
	HEX("issuer", "HEXKEY", withdraw.issuer, "the issuer's public key"),
	NUM("after-seq", withdraw.after_seq, 0, CL_SEQ_MAX, 0, true,
	    "its events after seq N stop counting"),
	TEXT("reason", "TEXT", withdraw.reason, "why"),
	END
};

static const struct vopt define_opts[] = {
	FILE_OPT("file", "FILE", true, "the achievement JSON"),
	END
};

static const struct vopt issue_opts[] = {
	ISSUE("achievement", "ID", CL_IF_ACHIEVEMENT,
	    "the micro-credential: its DEFINE id"),
	ISSUE("holder-ref", "HEX", CL_IF_HOLDER_REF,
	    "the holder reference, made elsewhere"),
	ISSUE("holder-key", "HEXKEY", CL_IF_HOLDER_KEY,
	    "the learner's wallet public key"),
	ISSUE("holder-id", "TEXT", CL_IF_HOLDER_ID,
	    "the learner's identity, hashed (below)"),
	ISSUE("salt", "HEX", CL_IF_SALT, "its salt, 32 bytes (random)"),
	ISSUE("document", "FILE", CL_IF_DOCUMENT,
	    "the credential document: its SHA-256"),
	ISSUE("valid-until", "DATE", CL_IF_VALID_UNTIL,
	    "YYYY-MM-DD, through that day (UTC)"),
	ISSUE("grade", "TEXT", CL_IF_GRADE, "the grade"),
	ISSUE("supervision", "HOW", CL_IF_SUPERVISION,
	    "none, supervised, online-id, onsite-id"),
	ISSUE("local-ref", "TEXT", CL_IF_LOCAL_REF,
	    "the issuer's own reference"),
	ISSUE("issued-at", "DATE", CL_IF_ISSUED_AT,
	    "YYYY-MM-DD (default: now)"),
	FILE_OPT("batch", "FILE", false, "many credentials: JSON lines"),
	END
};

static const struct vopt change_opts[] = {
	HEX("credential", "ID", status.credential,
	    "the credential: its ISSUE id"),
	TEXT("reason", "TEXT", status.reason, "why"),
	END
};

static const struct vopt revoke_opts[] = {
	HEX("credential", "ID", status.credential,
	    "the credential: its ISSUE id"),
	TEXT("reason", "TEXT", status.reason, "why"),
	NUM("reason-code", status.reason_code, 0, CL_REVOKE_CODE_MAX, 0,
	    false, "0..9, below (0)"),
	END
};

#define PRINTS_ID	"It prints the event's id."

static const struct verb	accredit_verb = {
	"accredit", CL_EV_ACCREDIT,
	"--key AUTHORITY_KEY --issuer HEXKEY --org-id ID\n"
	"       --name NAME --country CC [--from-seq N] [--eqf-min N "
	"--eqf-max N]\n"
	"       [--field TEXT ...] [--qa TEXT] [--url URL] [--node HOST:PORT]",
	"As a genesis authority, accredit an issuer: its events from seq\n"
	"--from-seq of its feed on count.  " PRINTS_ID,
	accredit_opts, run_event
};

static const struct verb	withdraw_verb = {
	"withdraw", CL_EV_WITHDRAW,
	"--key AUTHORITY_KEY --issuer HEXKEY --after-seq N\n"
	"       --reason TEXT [--node HOST:PORT]",
	"As a genesis authority, withdraw an issuer's accreditation: its\n"
	"events after seq N of its feed no longer count; credentials it\n"
	"issued up to N stay valid.  Final.  " PRINTS_ID,
	withdraw_opts, run_event
};

static const struct verb	define_verb = {
	"define", CL_EV_DEFINE,
	"--key ISSUER_KEY --file ACHIEVEMENT.json [--node HOST:PORT]",
	"Define a micro-credential from achievement JSON (see\n"
	"'credledger define-elm' to make it from an ELM file).  Every\n"
	"mandatory Annex I element must be there.  It prints the\n"
	"achievement id, the id of the DEFINE, that 'issue' names.",
	define_opts, run_define
};

static const struct verb	issue_verb = {
	"issue", CL_EV_ISSUE,
	"--key ISSUER_KEY --achievement ID\n"
	"       (--holder-ref HEX | --holder-key HEX | --holder-id TEXT "
	"[--salt HEX])\n"
	"       [--document FILE] [--valid-until YYYY-MM-DD] [--grade TEXT]\n"
	"       [--supervision none|supervised|online-id|onsite-id]\n"
	"       [--local-ref TEXT] [--issued-at YYYY-MM-DD] "
	"[--node HOST:PORT]\n"
	"       credledger issue --key ISSUER_KEY --batch FILE.jsonl "
	"[options]",
	"Issue a credential and print its id (64 hex digits).\n"
	"\n"
	"The learner is named by a holder reference only.  --holder-key\n"
	"names their wallet key; --holder-id makes the reference\n"
	"\n"
	"    SHA-256(\"" CL_HOLDER_TAG "\" || salt || identity)\n"
	"\n"
	"with a 32-byte salt (random unless --salt) and the identity's\n"
	"UTF-8 bytes exactly as given, and prints \"salt <hex>\" on a\n"
	"second line: the salt goes to the learner with their document,\n"
	"and is not kept anywhere else.  --document puts the SHA-256 of\n"
	"the file on the ledger, so that its holder can look it up.\n"
	"Supervision is \"none\" unless given.\n"
	"\n"
	"--batch issues one credential a line of FILE, each a JSON object\n"
	"of string values with the keys achievement, holder_ref,\n"
	"holder_key, holder_id, salt, document, valid_until, grade,\n"
	"supervision, local_ref and issued_at, as the options (a document\n"
	"is named relative to the working directory).  --achievement,\n"
	"--valid-until, --grade, --supervision and --issued-at give\n"
	"defaults for the lines.  Every line is checked before anything is\n"
	"submitted; the credentials are one chain of the issuer's feed,\n"
	"submitted in as few requests as fit.  It prints \"<id>\" a line,\n"
	"\"<id> <salt>\" where a salt was made.",
	issue_opts, run_issue
};

static const struct verb	suspend_verb = {
	"suspend", CL_EV_SUSPEND,
	"--key ISSUER_KEY --credential ID [--reason TEXT] "
	"[--node HOST:PORT]",
	"Suspend a credential the key issued, until 'reinstate'.  "
	PRINTS_ID,
	change_opts, run_event
};

static const struct verb	reinstate_verb = {
	"reinstate", CL_EV_REINSTATE,
	"--key ISSUER_KEY --credential ID [--reason TEXT] "
	"[--node HOST:PORT]",
	"Make a suspended credential valid again.  " PRINTS_ID,
	change_opts, run_event
};

static const struct verb	revoke_verb = {
	"revoke", CL_EV_REVOKE,
	"--key ISSUER_KEY --credential ID [--reason TEXT]\n"
	"       [--reason-code N] [--node HOST:PORT]",
	"Revoke a credential the key issued, for good.  " PRINTS_ID "\n"
	"Reason codes (PROTOCOL.md 3.5, proposed): 0 unspecified, 1 issued\n"
	"in error, 2 misconduct or fraud, 3 superseded, 4 assessment\n"
	"annulled, 5 at the holder's request, 6 issuer key compromised,\n"
	"7 issuer lost its accreditation, 8 decision of a court or\n"
	"authority, 9 other.",
	revoke_opts, run_event
};

static int
event_verb(const struct verb *v, int argc, char **argv)
{
	struct args	a;
	int		rc;

	memset(&a, 0, sizeof(a));
	cl_ev_init(&a.ev);
	a.ev.type = v->type;
	cl_issue_spec_init(&a.spec, true);
	if ((rc = parse(v, argc, argv, &a)) != CL_TOOL_OK)
		return rc < 0 ? CL_TOOL_OK : rc;
	return v->run(v, &a);
}

int
cmd_accredit(int argc, char **argv)
{
	return event_verb(&accredit_verb, argc, argv);
}

int
cmd_withdraw(int argc, char **argv)
{
	return event_verb(&withdraw_verb, argc, argv);
}

int
cmd_define(int argc, char **argv)
{
	return event_verb(&define_verb, argc, argv);
}

int
cmd_issue(int argc, char **argv)
{
	return event_verb(&issue_verb, argc, argv);
}

int
cmd_suspend(int argc, char **argv)
{
	return event_verb(&suspend_verb, argc, argv);
}

int
cmd_reinstate(int argc, char **argv)
{
	return event_verb(&reinstate_verb, argc, argv);
}

int
cmd_revoke(int argc, char **argv)
{
	return event_verb(&revoke_verb, argc, argv);
}
