/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verify verb: ask a node about a credential and check the proof it
 * sends, or check a saved proof with no node; and the status verb.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <msgpack.h>

#include "bundle.h"
#include "cmd.h"
#include "event.h"
#include "hex.h"
#include "issue.h"
#include "report.h"
#include "session.h"
#include "util.h"
#include "wire.h"

static void
verify_usage(FILE *f)
{
	fputs("usage: credledger verify (--credential ID | --document FILE | "
	    "--holder-ref HEX)\n"
	    "                         [--json] [--genesis FILE] "
	    "[--save-bundle FILE]\n"
	    "                         [--node HOST:PORT]\n"
	    "       credledger verify --bundle FILE --genesis FILE "
	    "[--credential ID] [--json]\n"
	    "\n"
	    "Ask a node whether a credential is valid, and check the answer:\n"
	    "the node sends the signed events it rests on, and they are\n"
	    "checked here, against the network's genesis, as the node would.\n"
	    "A credential is named by its id, found by the SHA-256 of its\n"
	    "document file, or found by its holder reference (all of that\n"
	    "holder's credentials).  With --bundle a proof saved with\n"
	    "--save-bundle is checked with no node at all.\n"
	    "\n"
	    "Exit status: 0 when the credential (every one) is valid, 1 when\n"
	    "one is not (suspended, revoked, expired, unknown, ...), 2 for a\n"
	    "bad command line, no node, or an answer whose proof does not\n"
	    "check.\n"
	    "\n"
	    "      --credential ID         the credential's id (64 hex\n"
	    "                              digits)\n"
	    "      --document FILE         the credential document\n"
	    "      --holder-ref HEX        the holder reference or wallet key\n"
	    "      --genesis FILE          the genesis to trust (default: the\n"
	    "                              node's); a node of another network\n"
	    "                              is an error\n"
	    "      --save-bundle FILE      write the proof to FILE\n"
	    "      --bundle FILE           check the proof in FILE, offline\n"
	    "      --json                  print JSON: one object for\n"
	    "                              --credential and --bundle, an\n"
	    "                              array for --document and\n"
	    "                              --holder-ref\n"
	    CL_SESSION_NODE_HELP
	    "  -h, --help                  show this and exit\n", f);
}

/* What the command line asked for. */
struct vargs {
	struct cl_session_opts	 so;
	const char		*credential;
	const char		*document;
	const char		*holder;
	const char		*bundle;
	const char		*genesis;
	const char		*save;
	bool			 json;
	uint8_t			 key[CL_ID_LEN];	/* credential, holder */
};

/* Returns CL_TOOL_OK, -1 after --help, or the status to exit with. */
static int
verify_args(int argc, char **argv, struct vargs *a)
{
	enum { OPT_CRED = CL_OPT_VERB, OPT_DOC, OPT_HOLDER, OPT_BUNDLE,
	    OPT_GENESIS, OPT_SAVE, OPT_JSON };
	static const struct option	opts[] = {
		{ "credential", required_argument, NULL, OPT_CRED },
		{ "document", required_argument, NULL, OPT_DOC },
		{ "holder-ref", required_argument, NULL, OPT_HOLDER },
		{ "bundle", required_argument, NULL, OPT_BUNDLE },
		{ "genesis", required_argument, NULL, OPT_GENESIS },
		{ "save-bundle", required_argument, NULL, OPT_SAVE },
		{ "json", no_argument, NULL, OPT_JSON },
		CL_SESSION_NODE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*verb = argv[0], *hex;
	int		 c, rc, ways;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = CL_TOOL_OK;
		switch (c) {
		case OPT_CRED:
			rc = cl_tool_once(verb, "--credential", &a->credential);
			break;
		case OPT_DOC:
			rc = cl_tool_once(verb, "--document", &a->document);
			break;
		case OPT_HOLDER:
			rc = cl_tool_once(verb, "--holder-ref", &a->holder);
			break;
		case OPT_BUNDLE:
			rc = cl_tool_once(verb, "--bundle", &a->bundle);
			break;
		case OPT_GENESIS:
			rc = cl_tool_once(verb, "--genesis", &a->genesis);
			break;
		case OPT_SAVE:
			rc = cl_tool_once(verb, "--save-bundle", &a->save);
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case 'h':
			verify_usage(stdout);
			return -1;
		default:
			if ((rc = cl_session_opt(verb, c, &a->so)) < 0)
				return cl_tool_badopt(verb, argv, c);
			break;
		}
		if (rc != CL_TOOL_OK)
			return rc;
	}
	if (optind < argc) {
		cl_tool_err(verb, "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	hex = a->credential != NULL ? a->credential : a->holder;
	if (hex != NULL && cl_hex_decode(a->key, CL_ID_LEN, hex) != CL_OK) {
		cl_tool_err(verb, "bad %s '%s': want %d hex digits",
		    a->credential != NULL ? "--credential" : "--holder-ref",
		    hex, 2 * CL_ID_LEN);
		return CL_TOOL_USAGE;
	}
	ways = (a->credential != NULL) + (a->document != NULL) +
	    (a->holder != NULL);
	if (a->bundle != NULL) {
		if (a->document != NULL || a->holder != NULL ||
		    a->save != NULL || a->so.node != NULL) {
			cl_tool_err(verb, "--bundle checks a proof offline: "
			    "it takes --genesis, --credential and --json only");
			return CL_TOOL_USAGE;
		}
		if (a->genesis == NULL) {
			cl_tool_err(verb, "--bundle needs --genesis FILE, the "
			    "network's genesis to check it against");
			return CL_TOOL_USAGE;
		}
		return CL_TOOL_OK;
	}
	if (ways != 1) {
		cl_tool_err(verb, ways == 0 ? "missing --credential ID, "
		    "--document FILE or --holder-ref HEX" : "give one of "
		    "--credential, --document and --holder-ref");
		return CL_TOOL_USAGE;
	}
	return cl_session_opts_check(verb, &a->so, false);
}

/* Read a whole file of at most max bytes; say why not. */
static int
slurp(const char *verb, const char *what, const char *path, size_t max,
    uint8_t **out, size_t *len)
{
	cl_err	err;

	if ((err = cl_tool_read_file(path, max, out, len)) == CL_OK)
		return CL_TOOL_OK;
	if (err == CL_ETOOBIG)
		cl_tool_err(verb, "'%s' is over %zu bytes: not a %s", path, max,
		    what);
	else
		cl_tool_err(verb, "cannot read '%s': %s", path,
		    err == CL_EIO ? strerror(errno) : cl_strerror(err));
	return CL_TOOL_USAGE;
}

static int
load_genesis(const char *verb, const char *path, struct cl_genesis *g)
{
	struct cl_where	 where = { NULL };
	uint8_t		*raw;
	size_t		 len;
	cl_err		 err;
	int		 rc;

	if ((rc = slurp(verb, "genesis file", path, CL_GENESIS_MAX, &raw,
	    &len)) != CL_TOOL_OK)
		return rc;
	err = cl_genesis_decode(g, raw, len, &where);
	free(raw);
	if (err != CL_OK) {
		cl_tool_err(verb, "'%s' is not a genesis file: %s: %s", path,
		    where.field != NULL ? where.field : "genesis",
		    cl_strerror(err));
		return CL_TOOL_USAGE;
	}
	return CL_TOOL_OK;
}

/* Print reports as the command line asked; the worst exit status. */
static int
print_reports(const char *verb, const struct vargs *a,
    const struct cl_report *r, size_t n)
{
	json_t	*arr = NULL, *o;
	size_t	 i;
	int	 rc = CL_TOOL_OK, e;

	if (a->json && (arr = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		e = cl_report_exit(&r[i]);
		if (e == CL_TOOL_USAGE || rc == CL_TOOL_OK)
			rc = e;
		if (!a->json) {
			if (i > 0)
				putchar('\n');
			cl_report_text(stdout, &r[i]);
			continue;
		}
		if (cl_report_json(&r[i], &o) != CL_OK ||
		    json_array_append_new(arr, o) != 0)
			goto nomem;
	}
	if (a->json) {
		o = a->document != NULL || a->holder != NULL ? arr :
		    json_array_get(arr, 0);
		if (json_dumpf(o, stdout, JSON_INDENT(2)) != 0)
			goto nomem;
		putchar('\n');
		json_decref(arr);
	}
	return rc;
nomem:
	json_decref(arr);
	cl_tool_err(verb, "cannot make the JSON: %s", cl_strerror(CL_ENOMEM));
	return CL_TOOL_USAGE;
}

/*
 * The id of the one ISSUE in a bundle, for a bundle given without
 * --credential.  The bundle is checked properly afterwards; this only
 * looks for what to check it for.
 */
static int
bundle_issue(const char *verb, const char *path, const uint8_t *in,
    size_t len, const struct cl_genesis *g, uint8_t id[CL_ID_LEN])
{
	msgpack_unpacked	 u;
	const msgpack_object	*o;
	struct cl_event		 ev;
	size_t			 off = 0;
	uint32_t		 i, found = 0;

	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, (const char *)in, len, &off) ==
	    MSGPACK_UNPACK_SUCCESS && u.data.type == MSGPACK_OBJECT_ARRAY) {
		for (i = 0; i < u.data.via.array.size; i++) {
			o = &u.data.via.array.ptr[i];
			if (o->type != MSGPACK_OBJECT_BIN ||
			    cl_ev_decode(&ev, (const uint8_t *)o->via.bin.ptr,
			    o->via.bin.size, NULL) != CL_OK)
				continue;
			if (ev.type == CL_EV_ISSUE &&
			    cl_ev_id(&ev, g->netid, id) == CL_OK)
				found++;
			cl_ev_free(&ev);
		}
	}
	msgpack_unpacked_destroy(&u);
	if (found == 1)
		return CL_TOOL_OK;
	cl_tool_err(verb, "'%s' holds %s ISSUE: name the credential with "
	    "--credential ID", path, found == 0 ? "no" : "more than one");
	return CL_TOOL_USAGE;
}

static int
verify_offline(const char *verb, const struct vargs *a)
{
	struct cl_genesis	 g;
	struct cl_report	 r;
	uint8_t			 id[CL_ID_LEN];
	uint8_t			*raw = NULL;
	size_t			 len;
	int			 rc;

	memset(&g, 0, sizeof(g));
	if ((rc = load_genesis(verb, a->genesis, &g)) != CL_TOOL_OK)
		return rc;
	rc = slurp(verb, "proof bundle", a->bundle, CL_BUNDLE_MAX, &raw, &len);
	if (rc == CL_TOOL_OK && a->credential != NULL)
		memcpy(id, a->key, CL_ID_LEN);
	else if (rc == CL_TOOL_OK)
		rc = bundle_issue(verb, a->bundle, raw, len, &g, id);
	if (rc == CL_TOOL_OK) {
		cl_report_check(&r, &g, id, false, 0, 0, raw, len,
		    cl_tool_now_ms());
		rc = print_reports(verb, a, &r, 1);
		cl_report_free(&r);
	}
	free(raw);
	cl_genesis_free(&g);
	return rc;
}

/* The credentials the question names: into *ids (malloc'd), *n. */
static int
find_ids(struct cl_session *s, const struct vargs *a, uint8_t **ids,
    size_t *n)
{
	struct cl_req	 req;
	struct cl_resp	 resp;
	char		 hex[2 * CL_ID_LEN + 1];
	cl_err		 err;

	*n = 0;
	if ((*ids = malloc(CL_QUERY_IDS_MAX * CL_ID_LEN)) == NULL) {
		cl_tool_err(s->verb, "%s", cl_strerror(CL_ENOMEM));
		return CL_TOOL_USAGE;
	}
	if (a->credential != NULL) {
		memcpy(*ids, a->key, CL_ID_LEN);
		*n = 1;
		return CL_TOOL_OK;
	}
	memset(&req, 0, sizeof(req));
	req.op = a->holder != NULL ? CL_OP_BY_HOLDER : CL_OP_BY_DIGEST;
	if (a->holder != NULL)
		memcpy(req.key, a->key, CL_ID_LEN);
	else if (cl_document_digest(a->document, req.key) != CL_OK) {
		cl_tool_err(s->verb, "cannot read '%s': %s", a->document,
		    strerror(errno));
		return CL_TOOL_USAGE;
	}
	if ((err = cl_client_call(&s->c, &req, &resp)) != CL_OK) {
		cl_tool_err(s->verb, "%s", s->c.msg);
		return CL_TOOL_USAGE;
	}
	*n = resp.u.ids.cnt;
	memcpy(*ids, resp.u.ids.ids, *n * CL_ID_LEN);
	if (resp.u.ids.more)
		cl_tool_err(s->verb, "warning: the node has more than %zu "
		    "credentials for this; these are the first", *n);
	cl_resp_free(&resp);
	if (*n == 0 && !a->json) {
		cl_hex_encode(hex, req.key, CL_ID_LEN);
		if (a->holder != NULL)
			printf("no credential is filed under holder %s\n", hex);
		else
			printf("no credential has the document's digest %s\n",
			    hex);
	}
	return CL_TOOL_OK;
}

/* Ask for credential id and check the answer into r. */
static int
ask(struct cl_session *s, const struct vargs *a,
    const struct cl_genesis *g, const uint8_t *id, bool save,
    struct cl_report *r)
{
	struct cl_req	 req;
	struct cl_resp	 resp;
	cl_err		 err;

	memset(&req, 0, sizeof(req));
	req.op = CL_OP_CREDENTIAL;
	memcpy(req.key, id, CL_ID_LEN);
	if ((err = cl_client_call(&s->c, &req, &resp)) != CL_OK) {
		cl_tool_err(s->verb, "%s", s->c.msg);
		return CL_TOOL_USAGE;
	}
	/* resp points into the client: check before the next call */
	cl_report_check(r, g, id, true, resp.u.cred.status,
	    resp.u.cred.void_reason, resp.u.cred.bundle,
	    resp.u.cred.bundle_len, cl_tool_now_ms());
	if (save && resp.u.cred.bundle == NULL) {
		cl_tool_err(s->verb, "no proof to save in '%s'", a->save);
		return CL_TOOL_FAIL;
	}
	if (save && (err = cl_tool_write_file(a->save, resp.u.cred.bundle,
	    resp.u.cred.bundle_len, 0644, true)) != CL_OK) {
		cl_tool_err(s->verb, "cannot write '%s': %s", a->save,
		    err == CL_EIO ? strerror(errno) : cl_strerror(err));
		return CL_TOOL_USAGE;
	}
	return CL_TOOL_OK;
}

static int
verify_online(const char *verb, const struct vargs *a)
{
	struct cl_session	 s;
	struct cl_genesis	 trusted;
	struct cl_report	*r = NULL;
	const struct cl_genesis	*g = NULL;
	uint8_t			*ids = NULL;
	size_t			 n = 0, i, done = 0;
	int			 rc;

	memset(&trusted, 0, sizeof(trusted));
	if (a->genesis != NULL &&
	    (rc = load_genesis(verb, a->genesis, &trusted)) != CL_TOOL_OK)
		return rc;
	/* no node, or one that answers badly: not an answer about it */
	if (cl_session_open(&s, verb, &a->so) != CL_TOOL_OK) {
		rc = CL_TOOL_USAGE;
		goto out;
	}
	g = a->genesis != NULL ? &trusted : &s.g;
	if (a->genesis != NULL && (s.g.raw_len != trusted.raw_len ||
	    memcmp(s.g.raw, trusted.raw, trusted.raw_len) != 0)) {
		cl_tool_err(verb, "the node is of another network than "
		    "'%s': do not trust its answers", a->genesis);
		rc = CL_TOOL_USAGE;
		goto out;
	}
	if ((rc = find_ids(&s, a, &ids, &n)) != CL_TOOL_OK)
		goto out;
	if (a->save != NULL && n != 1) {
		cl_tool_err(verb, "--save-bundle: %zu credentials answer; "
		    "name one with --credential", n);
		rc = CL_TOOL_USAGE;
		goto out;
	}
	if (n > 0 && (r = calloc(n, sizeof(*r))) == NULL) {
		cl_tool_err(verb, "%s", cl_strerror(CL_ENOMEM));
		rc = CL_TOOL_USAGE;
		goto out;
	}
	for (done = 0; done < n; done++)
		if ((rc = ask(&s, a, g, ids + done * CL_ID_LEN, a->save != NULL,
		    &r[done])) != CL_TOOL_OK) {
			done++;
			goto out;
		}
	rc = print_reports(verb, a, r, n);
	/* none found: "unknown" */
	if (n == 0 && rc == CL_TOOL_OK)
		rc = CL_TOOL_FAIL;
out:
	for (i = 0; i < done; i++)
		cl_report_free(&r[i]);
	free(r);
	free(ids);
	cl_session_close(&s);
	cl_genesis_free(&trusted);
	return rc;
}

int
cmd_verify(int argc, char **argv)
{
	struct vargs	a;
	int		rc;

	memset(&a, 0, sizeof(a));
	if ((rc = verify_args(argc, argv, &a)) != CL_TOOL_OK)
		return rc < 0 ? CL_TOOL_OK : rc;
	return a.bundle != NULL ? verify_offline(argv[0], &a) :
	    verify_online(argv[0], &a);
}

static void
status_usage(FILE *f)
{
	fputs("usage: credledger status [--json] [--node HOST:PORT]\n"
	    "\n"
	    "Show what a node holds and how it runs: its key, the network,\n"
	    "events by type, credentials, forks, void events, the state\n"
	    "digest (equal on nodes that hold the same events), the log,\n"
	    "the store's use, connections and uptime; and its gossip links\n"
	    "(peer key, address, state, events in and out) and counters.\n"
	    "\n"
	    "      --json                  print it as JSON\n"
	    CL_SESSION_NODE_HELP
	    "  -h, --help                  show this and exit\n", f);
}

/* "12.3 MiB" */
static void
bytes_text(char *out, size_t cap, uint64_t n)
{
	if (n < 1024 * 1024)
		(void)snprintf(out, cap, "%.1f KiB", (double)n / 1024);
	else
		(void)snprintf(out, cap, "%.1f MiB", (double)n /
		    (1024 * 1024));
}

static void
status_text(const struct cl_genesis *g, const struct cl_wire_status *st)
{
	char		used[32], size[32];
	uint64_t	up = st->uptime_ms / 1000;
	unsigned	t;

	fputs("node key:      ", stdout);
	cl_tool_put_hex(stdout, st->node, CL_PK_LEN);
	fputs("network:       ", stdout);
	cl_tool_put_str(stdout, g->name.ptr, g->name.len);
	fputs("\nnetwork id:    ", stdout);
	cl_tool_put_hex(stdout, st->network, CL_ID_LEN);
	printf("events:        %llu in %llu feeds\n",
	    (unsigned long long)st->log_size, (unsigned long long)st->feeds);
	for (t = CL_EV_TYPE_MIN; t <= CL_EV_TYPE_MAX; t++)
		printf("  %-12s %llu\n", cl_ev_type_name(t),
		    (unsigned long long)st->by_type[t]);
	printf("credentials:   %llu; by their issuer's last word (expiry, "
	    "accreditation\n               and forks are judged when a "
	    "credential is verified):\n  %-12s %llu\n  %-12s %llu\n"
	    "  %-12s %llu\nforks:         %llu\n"
	    "void events:   %llu\nstate digest:  ",
	    (unsigned long long)st->credentials,
	    "active", (unsigned long long)st->by_state[CL_ST_VALID],
	    "suspended", (unsigned long long)st->by_state[CL_ST_SUSPENDED],
	    "revoked", (unsigned long long)st->by_state[CL_ST_REVOKED],
	    (unsigned long long)st->forks,
	    (unsigned long long)st->void_events);
	cl_tool_put_hex(stdout, st->digest, CL_ID_LEN);
	bytes_text(used, sizeof(used), st->map_used);
	bytes_text(size, sizeof(size), st->map_size);
	printf("log size:      %llu events\nmap use:       %s of %s (%.0f%%)\n"
	    "connections:   %llu\nuptime:        %llud %02lluh %02llum "
	    "%02llus\nsubmitted:     %llu, of which %llu accepted\n",
	    (unsigned long long)st->log_size, used, size,
	    st->map_size > 0 ? 100.0 * (double)st->map_used /
	    (double)st->map_size : 0.0, (unsigned long long)st->connections,
	    (unsigned long long)(up / 86400),
	    (unsigned long long)(up / 3600 % 24),
	    (unsigned long long)(up / 60 % 60), (unsigned long long)(up % 60),
	    (unsigned long long)st->submitted,
	    (unsigned long long)st->accepted);
}

/* The gossip links and counters of a PEERS answer, as text. */
static void
peers_text(const struct cl_resp *pr)
{
	const struct cl_wire_gossip	*g = &pr->u.peers.g;
	uint32_t			 i;

	printf("peers:         %u\n", pr->u.peers.cnt);
	for (i = 0; i < pr->u.peers.cnt; i++) {
		const struct cl_wire_peer *p = &pr->u.peers.p[i];
		char kh[17];

		cl_hex_encode(kh, p->key, 8);
		printf("  %s  %-21s %-10s %s, events in %llu, out %llu\n",
		    kh, p->addr, p->state, p->outgoing ? "dialled" : "accepted",
		    (unsigned long long)p->events_in,
		    (unsigned long long)p->events_out);
	}
	printf("gossip:        %llu events in (%llu new, %llu duplicate), "
	    "%llu out; %llu rounds, %llu in sync\n",
	    (unsigned long long)g->events_in,
	    (unsigned long long)g->events_new,
	    (unsigned long long)g->dups_in,
	    (unsigned long long)g->events_out,
	    (unsigned long long)g->rounds,
	    (unsigned long long)g->rounds_in_sync);
}

/* The same into o: "peers" (array) and "gossip" (object). */
static bool
peers_json(json_t *o, const struct cl_resp *pr)
{
	const struct cl_wire_gossip	*g = &pr->u.peers.g;
	json_t				*a = json_array(), *p, *gj;
	char				 hex[65];
	uint32_t			 i;
	bool				 ok = a != NULL;

	for (i = 0; ok && i < pr->u.peers.cnt; i++) {
		const struct cl_wire_peer *w = &pr->u.peers.p[i];

		cl_hex_encode(hex, w->key, 32);
		p = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I}",
		    "key", hex, "address", w->addr, "state", w->state,
		    "outgoing", w->outgoing, "events_in",
		    (json_int_t)w->events_in, "events_out",
		    (json_int_t)w->events_out, "bytes_in",
		    (json_int_t)w->bytes_in, "bytes_out",
		    (json_int_t)w->bytes_out);
		ok = p != NULL && json_array_append_new(a, p) == 0;
	}
	gj = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "events_in", (json_int_t)g->events_in,
	    "events_new", (json_int_t)g->events_new,
	    "events_out", (json_int_t)g->events_out,
	    "duplicates_in", (json_int_t)g->dups_in,
	    "announces_out", (json_int_t)g->announces_out,
	    "rounds", (json_int_t)g->rounds,
	    "rounds_in_sync", (json_int_t)g->rounds_in_sync,
	    "links_up", (json_int_t)g->links_up,
	    "links_refused", (json_int_t)g->links_refused);
	ok = ok && gj != NULL && json_object_set_new(o, "peers", a) == 0;
	if (!ok)
		json_decref(a);
	ok = ok && json_object_set_new(o, "gossip", gj) == 0;
	if (!ok)
		json_decref(gj);
	return ok;
}

static int
status_json(const char *verb, const struct cl_genesis *g,
    const struct cl_wire_status *st, const struct cl_resp *pr)
{
	json_t	*o;
	bool	 ok;

	ok = cl_report_status_json(g, st, &o) == CL_OK &&
	    (pr == NULL || peers_json(o, pr)) &&
	    json_dumpf(o, stdout, JSON_INDENT(2)) == 0;
	if (ok)
		putchar('\n');
	else
		cl_tool_err(verb, "cannot make the JSON: %s",
		    cl_strerror(CL_ENOMEM));
	json_decref(o);
	return ok ? CL_TOOL_OK : CL_TOOL_FAIL;
}

int
cmd_status(int argc, char **argv)
{
	enum { OPT_JSON = CL_OPT_VERB };
	static const struct option	opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		CL_SESSION_NODE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cl_session_opts	 so;
	struct cl_session	 s;
	struct cl_req		 req;
	struct cl_resp		 resp, pr;
	struct cl_wire_status	 st;
	const char		*verb = argv[0];
	bool			 peers;
	bool			 json = false;
	int			 c, rc;

	memset(&so, 0, sizeof(so));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == OPT_JSON)
			json = true;
		else if (c == 'h') {
			status_usage(stdout);
			return CL_TOOL_OK;
		} else if ((rc = cl_session_opt(verb, c, &so)) < 0)
			return cl_tool_badopt(verb, argv, c);
		else if (rc != CL_TOOL_OK)
			return rc;
	}
	if (optind < argc) {
		cl_tool_err(verb, "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	if ((rc = cl_session_opts_check(verb, &so, false)) != CL_TOOL_OK)
		return rc;
	if ((rc = cl_session_open(&s, verb, &so)) == CL_TOOL_OK) {
		memset(&req, 0, sizeof(req));
		req.op = CL_OP_STATUS;
		if (cl_client_call(&s.c, &req, &resp) != CL_OK) {
			cl_tool_err(verb, "%s", s.c.msg);
			rc = CL_TOOL_FAIL;
		} else {
			st = resp.u.status;	/* the next call reuses it */
			req.op = CL_OP_PEERS;
			/* a node without gossip still answers, with none */
			peers = cl_client_call(&s.c, &req, &pr) == CL_OK;
			if (json)
				rc = status_json(verb, &s.g, &st,
				    peers ? &pr : NULL);
			else
				status_text(&s.g, &st);
			if (!json && peers)
				peers_text(&pr);
			if (peers)
				cl_resp_free(&pr);
		}
	}
	cl_session_close(&s);
	return rc;
}
