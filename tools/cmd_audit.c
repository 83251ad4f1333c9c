/* SPDX-License-Identifier: Apache-2.0 */
/* The audit verb: replay a node's log and report what holds (audit.h). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "ckptfile.h"
#include "cmd.h"
#include "date.h"
#include "genesis.h"
#include "hex.h"
#include "util.h"

static void
audit_usage(FILE *f)
{
	fputs("usage: credledger audit (FILE... | --data DIR) [--json] "
	    "[--genesis FILE]\n"
	    "                        [--checkpoint FILE]... [--compare "
	    "FILE|DIR]\n"
	    "                        [--as-of TIME] [--credential ID]\n"
	    "\n"
	    "Replay every event of a node's log, in log order, from its\n"
	    "genesis, with the store and rules the node itself uses, and\n"
	    "report what does not hold: an event that does not decode or\n"
	    "whose signature fails (of this network), one a node could not\n"
	    "have stored where it stands (a gap, a prev mismatch, an unknown\n"
	    "author, a duplicate), a damaged file.  The report counts events\n"
	    "by type, issuers (with the organisation of their ACCREDIT) and\n"
	    "credentials by status, lists void events by reason, forks, and\n"
	    "the 'ineffective events' (an issuer's after its withdrawal\n"
	    "point, before its accreditation or past its fork point: a\n"
	    "node holds them rightly, so they are listed, not findings), and\n"
	    "ends with the state digest and the RFC 9162 root of the log.\n"
	    "\n"
	    "FILE is an export file ('credledger export'); more FILEs go on\n"
	    "its log in order, as exports with --from do (each of the same\n"
	    "genesis; an increment that does not start where the log before\n"
	    "ends shows as duplicates or gaps).  --data DIR reads\n"
	    "a node's store read-only, also while it runs, and checks too\n"
	    "that the node's own indexes (state digest, counts, Merkle tree,\n"
	    "every head, every credential's status and proof) are the\n"
	    "replay's, and the checkpoints the node kept.\n"
	    "\n"
	    "      --json                  print the report as JSON\n"
	    "      --genesis FILE          the genesis to trust: a log of\n"
	    "                              another is a finding, and nothing\n"
	    "                              else is checked\n"
	    "      --checkpoint FILE       a checkpoint file ('checkpoint\n"
	    "                              --json', one or an array): its\n"
	    "                              signature holds, it is of this\n"
	    "                              network, and the log's first size\n"
	    "                              events have its root; repeatable\n"
	    "      --compare FILE|DIR      another log of the network (an\n"
	    "                              export file or a store): do both\n"
	    "                              hold the same events?  Lists what\n"
	    "                              each lacks (by event id)\n"
	    "      --as-of TIME            the state at TIME: YYYY-MM-DD\n"
	    "                              (00:00 UTC), YYYY-MM-DDTHH:MM:SSZ\n"
	    "                              or ms since the epoch; by the\n"
	    "                              events' own times (the authors'\n"
	    "                              claim) and, given checkpoints, by\n"
	    "                              the latest one signed by then\n"
	    "      --credential ID         one credential's status (now, and\n"
	    "                              at --as-of) and the events that\n"
	    "                              decide it\n"
	    "      --scratch DIR           where the scratch stores go\n"
	    "                              (default $TMPDIR, else /tmp)\n"
	    "      --threads N             signature checks on N threads\n"
	    "                              (default 2)\n"
	    "      --quiet                 no progress line on stderr\n"
	    "  -h, --help                  show this and exit\n"
	    "\n"
	    "Exit status: 0 clean, 1 findings, 2 a bad command line or a log\n"
	    "that cannot be read (not an export file, an unreadable store).\n",
	    f);
}

struct aargs {
	const char		*file;
	const char *const	*more;		/* FILEs after the first */
	size_t			 more_cnt;
	const char		*data;
	const char		*genesis;
	const char		*compare;
	const char		*scratch;
	const char		*as_of;
	const char		*cred;
	const char		*threads;
	const char		**ck;		/* --checkpoint files */
	size_t			 ck_cnt;
	bool			 json;
	bool			 quiet;
};

static volatile sig_atomic_t	stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Two digits of s at i, in 0..max. */
static bool
two(const char *s, int i, unsigned max, unsigned *v)
{
	if (s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9')
		return false;
	*v = (unsigned)(s[i] - '0') * 10 + (unsigned)(s[i + 1] - '0');
	return *v <= max;
}

/*
 * TIME: YYYY-MM-DD (its start, UTC), YYYY-MM-DDTHH:MM:SSZ, or ms since
 * the epoch.  Strict: nothing else, no leap second.
 */
static cl_err
parse_time(const char *s, uint64_t *ms)
{
	char		day[11];
	unsigned	h, m, sec;
	size_t		n = strlen(s);

	if (n > 0 && strspn(s, "0123456789") == n)
		return cl_tool_parse_u64(s, CL_SEQ_MAX, ms);
	if (n != 10 && n != 20)
		return CL_EUSAGE;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (cl_date_parse(day, ms) != CL_OK)
		return CL_EUSAGE;
	if (n == 10)
		return CL_OK;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    !two(s, 11, 23, &h) || !two(s, 14, 59, &m) || !two(s, 17, 59, &sec))
		return CL_EUSAGE;
	*ms += ((uint64_t)h * 3600 + m * 60 + sec) * 1000;
	return CL_OK;
}

/* Returns CL_TOOL_OK, -1 after --help, or the status to exit with. */
static int
audit_args(int argc, char **argv, struct aargs *a)
{
	enum { OPT_DATA = 0x1000, OPT_JSON, OPT_GENESIS, OPT_CKPT,
	    OPT_COMPARE, OPT_ASOF, OPT_CRED, OPT_SCRATCH, OPT_THREADS,
	    OPT_QUIET };
	static const struct option	opts[] = {
		{ "data", required_argument, NULL, OPT_DATA },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "genesis", required_argument, NULL, OPT_GENESIS },
		{ "checkpoint", required_argument, NULL, OPT_CKPT },
		{ "compare", required_argument, NULL, OPT_COMPARE },
		{ "as-of", required_argument, NULL, OPT_ASOF },
		{ "credential", required_argument, NULL, OPT_CRED },
		{ "scratch", required_argument, NULL, OPT_SCRATCH },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*verb = argv[0], **nck;
	int		 c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = CL_TOOL_OK;
		switch (c) {
		case OPT_DATA:
			rc = cl_tool_once(verb, "--data", &a->data);
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_GENESIS:
			rc = cl_tool_once(verb, "--genesis", &a->genesis);
			break;
		case OPT_CKPT:
			if (optarg[0] == '\0') {
				cl_tool_err(verb, "--checkpoint is empty");
				return CL_TOOL_USAGE;
			}
			if ((nck = realloc(a->ck, (a->ck_cnt + 1) *
			    sizeof(*nck))) == NULL) {
				cl_tool_err(verb, "%s",
				    cl_strerror(CL_ENOMEM));
				return CL_TOOL_USAGE;
			}
			a->ck = nck;
			a->ck[a->ck_cnt++] = optarg;
			break;
		case OPT_COMPARE:
			rc = cl_tool_once(verb, "--compare", &a->compare);
			break;
		case OPT_ASOF:
			rc = cl_tool_once(verb, "--as-of", &a->as_of);
			break;
		case OPT_CRED:
			rc = cl_tool_once(verb, "--credential", &a->cred);
			break;
		case OPT_SCRATCH:
			rc = cl_tool_once(verb, "--scratch", &a->scratch);
			break;
		case OPT_THREADS:
			rc = cl_tool_once(verb, "--threads", &a->threads);
			break;
		case OPT_QUIET:
			a->quiet = true;
			break;
		case 'h':
			audit_usage(stdout);
			return -1;
		default:
			return cl_tool_badopt(verb, argv, c);
		}
		if (rc != CL_TOOL_OK)
			return rc;
	}
	if (optind < argc) {
		a->file = argv[optind++];
		a->more = (const char *const *)(argv + optind);
		a->more_cnt = (size_t)(argc - optind);
	}
	for (c = optind; c < argc; c++)
		if (argv[c][0] == '\0') {
			cl_tool_err(verb, "an export FILE is empty");
			return CL_TOOL_USAGE;
		}
	if ((a->file == NULL) == (a->data == NULL)) {
		cl_tool_err(verb, a->file == NULL ? "missing the log: an export "
		    "FILE or --data DIR" : "give an export FILE or --data DIR, "
		    "not both");
		return CL_TOOL_USAGE;
	}
	if (a->file != NULL && a->file[0] == '\0') {
		cl_tool_err(verb, "the export FILE is empty");
		return CL_TOOL_USAGE;
	}
	return CL_TOOL_OK;
}

/* The options of the audit, from the arguments; files read here. */
static int
audit_opts(const char *verb, const struct aargs *a, struct cl_audit_opts *o,
    uint8_t **genesis)
{
	struct cl_checkpoint	*list;
	struct cl_audit_ckpt	*ck;
	struct cl_genesis	 g;
	struct cl_where		 where = { NULL };
	uint64_t		 v;
	size_t			 len, n, i, k;
	char			 why[200];
	cl_err			 err;

	o->file = a->file;
	o->more = a->more;
	o->more_cnt = a->more_cnt;
	o->data = a->data;
	o->compare = a->compare;
	o->scratch = a->scratch;
	o->quiet = a->quiet;
	o->now = cl_tool_now_ms();
	o->stop = &stop;
	if (a->threads != NULL) {
		if (cl_tool_parse_u64(a->threads, 64, &v) != CL_OK || v == 0) {
			cl_tool_err(verb, "bad --threads '%s': want 1 to 64",
			    a->threads);
			return CL_TOOL_USAGE;
		}
		o->threads = (unsigned)v;
	}
	if (a->as_of != NULL) {
		if (parse_time(a->as_of, &o->as_of) != CL_OK) {
			cl_tool_err(verb, "bad --as-of '%s': want YYYY-MM-DD, "
			    "YYYY-MM-DDTHH:MM:SSZ or ms since the epoch",
			    a->as_of);
			return CL_TOOL_USAGE;
		}
		o->as_of_set = true;
	}
	if (a->cred != NULL) {
		if (cl_hex_decode(o->cred, CL_ID_LEN, a->cred) != CL_OK) {
			cl_tool_err(verb, "bad --credential '%s': want %d hex "
			    "digits", a->cred, 2 * CL_ID_LEN);
			return CL_TOOL_USAGE;
		}
		o->cred_set = true;
	}
	if (a->genesis != NULL) {
		if ((err = cl_tool_read_file(a->genesis, CL_GENESIS_MAX,
		    genesis, &len)) != CL_OK) {
			cl_tool_err(verb, "cannot read '%s': %s", a->genesis,
			    err == CL_EIO ? strerror(errno) :
			    err == CL_ETOOBIG ? "too big for a genesis file" :
			    cl_strerror(err));
			return CL_TOOL_USAGE;
		}
		if ((err = cl_genesis_decode(&g, *genesis, len, &where)) !=
		    CL_OK) {
			cl_tool_err(verb, "'%s' is not a genesis file: %s: %s",
			    a->genesis, where.field != NULL ? where.field :
			    "genesis", cl_strerror(err));
			return CL_TOOL_USAGE;
		}
		cl_genesis_free(&g);
		o->trusted = *genesis;
		o->trusted_len = len;
	}
	for (i = 0; i < a->ck_cnt; i++) {
		if ((err = cl_ckpt_load(a->ck[i], &list, &n, why,
		    sizeof(why))) != CL_OK) {
			cl_tool_err(verb, "bad --checkpoint '%s': %s%s%s",
			    a->ck[i], why, err == CL_EIO ? ": " : "",
			    err == CL_EIO ? strerror(errno) : "");
			return CL_TOOL_USAGE;
		}
		if ((ck = realloc(o->ckpt, (o->ckpt_cnt + n) *
		    sizeof(*ck))) == NULL) {
			free(list);
			cl_tool_err(verb, "%s", cl_strerror(CL_ENOMEM));
			return CL_TOOL_USAGE;
		}
		o->ckpt = ck;
		for (k = 0; k < n; k++) {
			memset(&ck[o->ckpt_cnt], 0, sizeof(*ck));
			ck[o->ckpt_cnt].c = list[k];
			ck[o->ckpt_cnt++].source = a->ck[i];
		}
		free(list);
	}
	return CL_TOOL_OK;
}

int
cmd_audit(int argc, char **argv)
{
	struct sigaction	 sa;
	struct aargs		 a;
	struct cl_audit_opts	 o;
	struct cl_audit		 r;
	const char		*verb = argv[0];
	uint8_t			*genesis = NULL;
	json_t			*j = NULL;
	char			 why[512];
	int			 rc;
	cl_err			 err;

	memset(&a, 0, sizeof(a));
	memset(&o, 0, sizeof(o));
	if ((rc = audit_args(argc, argv, &a)) != CL_TOOL_OK) {
		free(a.ck);
		return rc < 0 ? CL_TOOL_OK : rc;
	}
	if ((rc = audit_opts(verb, &a, &o, &genesis)) != CL_TOOL_OK)
		goto out;
	/* an interrupted audit still removes its scratch stores */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	err = cl_audit_run(&o, &r, why, sizeof(why));
	if (err != CL_OK) {
		cl_tool_err(verb, "%s", why);
		rc = CL_TOOL_USAGE;
	} else if (a.json) {
		if (cl_audit_json(&r, &j) != CL_OK ||
		    json_dumpf(j, stdout, JSON_INDENT(2)) != 0) {
			cl_tool_err(verb, "cannot make the JSON: %s",
			    cl_strerror(CL_ENOMEM));
			rc = CL_TOOL_USAGE;
		} else {
			putchar('\n');
			rc = cl_audit_exit(&r);
		}
		json_decref(j);
	} else {
		cl_audit_text(stdout, &r);
		rc = cl_audit_exit(&r);
	}
	cl_audit_free(&r);
out:
	free(o.ckpt);
	free(genesis);
	free(a.ck);
	return rc;
}
