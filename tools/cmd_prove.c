/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The checkpoint and prove verbs: a node's signed statements about its
 * log (PROTOCOL.md §11.3) and RFC 9162 proofs about it, each checked here
 * before it is printed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "ckptfile.h"
#include "cmd.h"
#include "event.h"
#include "hex.h"
#include "merkle.h"
#include "session.h"
#include "util.h"
#include "wire.h"

static void
checkpoint_usage(FILE *f)
{
	fputs("usage: credledger checkpoint [--all] [--json] [--out FILE] "
	    "[--node HOST:PORT]\n"
	    "\n"
	    "Ask a node for a checkpoint of its log, signed now with its node\n"
	    "key: the network, the node's key, the log's size, the RFC 9162\n"
	    "root of its events, the node's time and the signature over\n"
	    "them (PROTOCOL.md 11.3).  The signature is checked before\n"
	    "anything is printed.  Keep checkpoints: 'credledger audit\n"
	    "--checkpoint FILE' later shows whether the node's log still\n"
	    "holds what each one covered.\n"
	    "\n"
	    "      --all                   the checkpoints the node kept (one\n"
	    "                              per period in which its log grew),\n"
	    "                              oldest first\n"
	    "      --json                  print the checkpoint file's JSON:\n"
	    "                              {network, node, size, root, time,\n"
	    "                              signature}, hex but for size and\n"
	    "                              time (ms); an array with --all\n"
	    "      --out FILE              also write that JSON to FILE, for\n"
	    "                              'audit --checkpoint FILE'\n"
	    CL_SESSION_NODE_HELP
	    "  -h, --help                  show this and exit\n"
	    "\n"
	    "Exit status: 0 done, 1 a checkpoint does not verify, 2 a bad\n"
	    "command line, no node, or a file that cannot be written.\n", f);
}

static void
prove_usage(FILE *f)
{
	fputs("usage: credledger prove --inclusion POSITION --size N [--json] "
	    "[--node HOST:PORT]\n"
	    "       credledger prove --consistency M --size N [--json] "
	    "[--node HOST:PORT]\n"
	    "\n"
	    "Ask a node for an RFC 9162 proof about its log and check it\n"
	    "before printing it.  --inclusion: the event at log position\n"
	    "POSITION (counted from 0) is in the tree of the first N events;\n"
	    "it is checked against the root the node gives and the leaf hash\n"
	    "of the event it sends.  --consistency: the tree of the first N\n"
	    "events extends that of the first M (nothing of those M was\n"
	    "rewritten or dropped).  Compare the roots with checkpoints the\n"
	    "node signed ('credledger checkpoint') to hold it to them.\n"
	    "\n"
	    "      --inclusion POSITION    prove the event at POSITION\n"
	    "      --consistency M         prove size N extends size M\n"
	    "      --size N                the tree's size\n"
	    "      --json                  print JSON; hashes are hex\n"
	    CL_SESSION_NODE_HELP
	    "  -h, --help                  show this and exit\n"
	    "\n"
	    "Exit status: 0 the proof verifies, 1 it does not, 2 a bad command\n"
	    "line (a size past the log's) or no node.\n", f);
}

static void
utc(char *out, size_t cap, uint64_t ms)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);

	if (ms / 1000 > 253402300799ULL || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, cap, "?");
}

static json_t *
jhex(const uint8_t *b, size_t len)
{
	char	*h;
	json_t	*j;

	if ((h = malloc(2 * len + 1)) == NULL)
		return NULL;
	cl_hex_encode(h, b, len);
	j = json_string(h);
	free(h);
	return j;
}

static int
nomem(const char *verb)
{
	cl_tool_err(verb, "%s", cl_strerror(CL_ENOMEM));
	return CL_TOOL_USAGE;
}

/* Is c a good checkpoint of the node's network?  Says why not. */
static bool
ckpt_ok(const char *verb, const struct cl_session *s,
    const struct cl_checkpoint *c)
{
	if (cl_checkpoint_verify(c) != CL_OK) {
		cl_tool_err(verb, "the node's checkpoint of size %llu does not "
		    "verify: its signature is bad", (unsigned long long)
		    c->size);
		return false;
	}
	if (sodium_memcmp(c->network, s->g.netid, CL_ID_LEN) != 0) {
		cl_tool_err(verb, "the node's checkpoint of size %llu is of "
		    "another network than its genesis", (unsigned long long)
		    c->size);
		return false;
	}
	return true;
}

static void
ckpt_text(const struct cl_checkpoint *c)
{
	char	when[32];

	utc(when, sizeof(when), c->time);
	fputs("network:   ", stdout);
	cl_tool_put_hex(stdout, c->network, CL_ID_LEN);
	fputs("node:      ", stdout);
	cl_tool_put_hex(stdout, c->node, CL_PK_LEN);
	printf("size:      %llu\nroot:      ", (unsigned long long)c->size);
	cl_tool_put_hex(stdout, c->root, CL_ID_LEN);
	printf("time:      %llu (%s)\nsignature: ", (unsigned long long)
	    c->time, when);
	cl_tool_put_hex(stdout, c->sig, CL_SIG_LEN);
}

/* The node's checkpoints: a fresh one, or with all those it kept. */
static int
get_checkpoints(const char *verb, struct cl_session *s, bool all,
    struct cl_checkpoint **out, size_t *cnt)
{
	struct cl_checkpoint	*list = NULL, *nl;
	struct cl_req		 req;
	struct cl_resp		 resp;
	size_t			 n = 0;
	uint64_t		 from = 0;
	bool			 more = true;

	*out = NULL;
	*cnt = 0;
	memset(&req, 0, sizeof(req));
	if (!all) {
		req.op = CL_OP_CHECKPOINT;
		if (cl_client_call(&s->c, &req, &resp) != CL_OK) {
			cl_tool_err(verb, "asking for a checkpoint: %s",
			    s->c.msg);
			return CL_TOOL_USAGE;
		}
		if ((list = malloc(sizeof(*list))) == NULL)
			return nomem(verb);
		*list = resp.u.ckpt;
		*out = list;
		*cnt = 1;
		return CL_TOOL_OK;
	}
	req.op = CL_OP_CHECKPOINTS;
	while (more) {
		req.a = from;
		if (cl_client_call(&s->c, &req, &resp) != CL_OK) {
			cl_tool_err(verb, "asking for checkpoints: %s",
			    s->c.msg);
			free(list);
			return CL_TOOL_USAGE;
		}
		more = resp.u.ckpts.more && resp.u.ckpts.cnt > 0;
		if (resp.u.ckpts.cnt > 0 &&
		    (nl = realloc(list, (n + resp.u.ckpts.cnt) *
		    sizeof(*list))) == NULL) {
			cl_resp_free(&resp);
			free(list);
			return nomem(verb);
		}
		if (resp.u.ckpts.cnt > 0) {
			list = nl;
			memcpy(list + n, resp.u.ckpts.c, resp.u.ckpts.cnt *
			    sizeof(*list));
			n += resp.u.ckpts.cnt;
			/* times ascend: the next page starts after the last */
			if (list[n - 1].time < from ||
			    list[n - 1].time == UINT64_MAX)
				more = false;
			from = list[n - 1].time + 1;
		}
		cl_resp_free(&resp);
	}
	*out = list;
	*cnt = n;
	return CL_TOOL_OK;
}

int
cmd_checkpoint(int argc, char **argv)
{
	enum { OPT_ALL = CL_OPT_VERB, OPT_JSON, OPT_OUT };
	static const struct option	opts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "out", required_argument, NULL, OPT_OUT },
		CL_SESSION_NODE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cl_session_opts	 so;
	struct cl_session	 s;
	struct cl_checkpoint	*list = NULL;
	const char		*verb = argv[0], *out = NULL;
	json_t			*j = NULL, *o;
	char			*text = NULL, when[32];
	size_t			 n = 0, i, bad = 0;
	bool			 all = false, json = false;
	int			 c, rc;
	cl_err			 err;

	memset(&so, 0, sizeof(so));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = CL_TOOL_OK;
		if (c == OPT_ALL)
			all = true;
		else if (c == OPT_JSON)
			json = true;
		else if (c == OPT_OUT)
			rc = cl_tool_once(verb, "--out", &out);
		else if (c == 'h') {
			checkpoint_usage(stdout);
			return CL_TOOL_OK;
		} else if ((rc = cl_session_opt(verb, c, &so)) < 0)
			return cl_tool_badopt(verb, argv, c);
		if (rc != CL_TOOL_OK)
			return rc;
	}
	if (optind < argc) {
		cl_tool_err(verb, "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	if ((rc = cl_session_opts_check(verb, &so, false)) != CL_TOOL_OK)
		return rc;
	if ((rc = cl_session_open(&s, verb, &so)) != CL_TOOL_OK) {
		rc = CL_TOOL_USAGE;
		goto out;
	}
	if ((rc = get_checkpoints(verb, &s, all, &list, &n)) != CL_TOOL_OK)
		goto out;
	/* only what verifies is printed or saved */
	for (i = 0; i < n; i++)
		if (!ckpt_ok(verb, &s, &list[i]))
			bad++;
	if (bad > 0) {
		rc = CL_TOOL_FAIL;
		goto out;
	}
	if ((json || out != NULL) && all && (j = json_array()) == NULL) {
		rc = nomem(verb);
		goto out;
	}
	for (i = 0; (json || out != NULL) && i < n; i++) {
		if (cl_ckpt_json(&list[i], &o) != CL_OK) {
			rc = nomem(verb);
			goto out;
		}
		if (!all)
			j = o;
		else if (json_array_append_new(j, o) != 0) {
			rc = nomem(verb);
			goto out;
		}
	}
	if (j != NULL && (text = json_dumps(j, JSON_INDENT(2))) == NULL) {
		rc = nomem(verb);
		goto out;
	}
	if (out != NULL && (err = cl_tool_write_file(out, text, strlen(text),
	    0644, true)) != CL_OK) {
		cl_tool_err(verb, "cannot write '%s': %s", out, err == CL_EIO ?
		    strerror(errno) : cl_strerror(err));
		rc = CL_TOOL_USAGE;
		goto out;
	}
	if (json)
		printf("%s\n", text);
	else if (!all)
		ckpt_text(&list[0]);
	else {
		if (n > 0) {
			fputs("node ", stdout);
			cl_tool_put_hex(stdout, list[0].node, CL_PK_LEN);
		}
		printf("%zu checkpoints kept, every signature valid\n", n);
		for (i = 0; i < n; i++) {
			utc(when, sizeof(when), list[i].time);
			printf("  %s  size %-10llu root ", when,
			    (unsigned long long)list[i].size);
			cl_tool_put_hex(stdout, list[i].root, CL_ID_LEN);
		}
	}
	rc = CL_TOOL_OK;
out:
	free(text);
	json_decref(j);
	free(list);
	cl_session_close(&s);
	return rc;
}

/* A number argument of prove. */
static int
num(const char *verb, const char *opt, const char *s, uint64_t *v)
{
	if (cl_tool_parse_u64(s, CL_SEQ_MAX, v) == CL_OK)
		return CL_TOOL_OK;
	cl_tool_err(verb, "bad %s '%s': want a number from 0", opt, s);
	return CL_TOOL_USAGE;
}

static json_t *
jpath(const uint8_t (*h)[CL_ID_LEN], unsigned cnt)
{
	json_t		*a = json_array();
	unsigned	 i;

	for (i = 0; a != NULL && i < cnt; i++)
		if (json_array_append_new(a, jhex(h[i], CL_ID_LEN)) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static void
path_text(const uint8_t (*h)[CL_ID_LEN], unsigned cnt, const char *order)
{
	unsigned	i;

	printf("proof (%u hashes, %s):\n", cnt, order);
	for (i = 0; i < cnt; i++) {
		fputs("  ", stdout);
		cl_tool_put_hex(stdout, h[i], CL_ID_LEN);
	}
}

/* The node's answer to a proof request, for its range errors. */
static int
call_proof(const char *verb, struct cl_session *s, const struct cl_req *req,
    struct cl_resp *resp)
{
	cl_err	err;

	if ((err = cl_client_call(&s->c, req, resp)) == CL_OK)
		return CL_TOOL_OK;
	if (err == CL_ERANGE)
		cl_tool_err(verb, "bad --size %llu: %s",
		    (unsigned long long)req->b, s->c.msg);
	else
		cl_tool_err(verb, "asking for the proof: %s", s->c.msg);
	return CL_TOOL_USAGE;
}

static int
prove_inclusion(const char *verb, struct cl_session *s, uint64_t m,
    uint64_t n, bool json)
{
	const uint8_t	(*path)[CL_ID_LEN];
	struct cl_req	 req;
	struct cl_resp	 resp;
	struct cl_event	 ev;
	uint8_t		 leaf[CL_HASH_LEN], id[CL_ID_LEN];
	json_t		*o;
	bool		 decoded;
	int		 rc;

	memset(&req, 0, sizeof(req));
	req.op = CL_OP_INCLUSION;
	req.a = m;
	req.b = n;
	if ((rc = call_proof(verb, s, &req, &resp)) != CL_TOOL_OK)
		return rc;
	path = (const uint8_t (*)[CL_ID_LEN])resp.u.proof.hash;
	cl_merkle_leaf(leaf, resp.u.proof.event, resp.u.proof.event_len);
	if (!cl_merkle_verify_inclusion(m, n, leaf, path, resp.u.proof.cnt,
	    resp.u.proof.root)) {
		cl_tool_err(verb, "the node's proof does not verify: the event "
		    "it sends for position %llu is not in the tree of size "
		    "%llu whose root it gives", (unsigned long long)m,
		    (unsigned long long)n);
		cl_resp_free(&resp);
		return CL_TOOL_FAIL;
	}
	decoded = cl_ev_decode(&ev, resp.u.proof.event,
	    resp.u.proof.event_len, NULL) == CL_OK &&
	    cl_ev_id(&ev, s->g.netid, id) == CL_OK;
	if (json) {
		o = json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:b}",
		    "proof", "inclusion", "position", (json_int_t)m, "size",
		    (json_int_t)n, "root", jhex(resp.u.proof.root, CL_ID_LEN),
		    "leaf_hash", jhex(leaf, CL_HASH_LEN), "event",
		    jhex(resp.u.proof.event, resp.u.proof.event_len),
		    "event_id", decoded ? jhex(id, CL_ID_LEN) : json_null(),
		    "path", jpath(path, resp.u.proof.cnt), "verified", 1);
		if (o == NULL || json_dumpf(o, stdout, JSON_INDENT(2)) != 0)
			rc = nomem(verb);
		else
			putchar('\n');
		json_decref(o);
	} else {
		printf("inclusion of log position %llu in the tree of size "
		    "%llu: verified\nroot:      ", (unsigned long long)m,
		    (unsigned long long)n);
		cl_tool_put_hex(stdout, resp.u.proof.root, CL_ID_LEN);
		fputs("leaf hash: ", stdout);
		cl_tool_put_hex(stdout, leaf, CL_HASH_LEN);
		if (decoded) {
			printf("event:     %s seq %llu by ",
			    cl_ev_type_name((unsigned)ev.type),
			    (unsigned long long)ev.seq);
			cl_tool_put_hex(stdout, ev.author, CL_PK_LEN);
			fputs("event id:  ", stdout);
			cl_tool_put_hex(stdout, id, CL_ID_LEN);
		} else
			puts("event:     (does not decode)");
		path_text(path, resp.u.proof.cnt, "from the leaf's sibling "
		    "up");
	}
	if (decoded)
		cl_ev_free(&ev);
	cl_resp_free(&resp);
	return rc;
}

static int
prove_consistency(const char *verb, struct cl_session *s, uint64_t m,
    uint64_t n, bool json)
{
	const uint8_t	(*path)[CL_ID_LEN];
	struct cl_req	 req;
	struct cl_resp	 resp;
	json_t		*o;
	int		 rc;

	memset(&req, 0, sizeof(req));
	req.op = CL_OP_CONSISTENCY;
	req.a = m;
	req.b = n;
	if ((rc = call_proof(verb, s, &req, &resp)) != CL_TOOL_OK)
		return rc;
	path = (const uint8_t (*)[CL_ID_LEN])resp.u.proof.hash;
	if (!cl_merkle_verify_consistency(m, n, resp.u.proof.root_m,
	    resp.u.proof.root, path, resp.u.proof.cnt)) {
		cl_tool_err(verb, "the node's proof does not verify: it does "
		    "not show that the tree of size %llu extends that of size "
		    "%llu with the roots it gives", (unsigned long long)n,
		    (unsigned long long)m);
		cl_resp_free(&resp);
		return CL_TOOL_FAIL;
	}
	if (json) {
		o = json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:b}", "proof",
		    "consistency", "m", (json_int_t)m, "size", (json_int_t)n,
		    "root_m", jhex(resp.u.proof.root_m, CL_ID_LEN), "root",
		    jhex(resp.u.proof.root, CL_ID_LEN), "path",
		    jpath(path, resp.u.proof.cnt), "verified", 1);
		if (o == NULL || json_dumpf(o, stdout, JSON_INDENT(2)) != 0)
			rc = nomem(verb);
		else
			putchar('\n');
		json_decref(o);
	} else {
		printf("consistency of the tree of size %llu with that of "
		    "size %llu: verified\nroot of %llu: ",
		    (unsigned long long)n, (unsigned long long)m,
		    (unsigned long long)m);
		cl_tool_put_hex(stdout, resp.u.proof.root_m, CL_ID_LEN);
		printf("root of %llu: ", (unsigned long long)n);
		cl_tool_put_hex(stdout, resp.u.proof.root, CL_ID_LEN);
		path_text(path, resp.u.proof.cnt, "RFC 9162 PROOF(m, D[n])");
	}
	cl_resp_free(&resp);
	return rc;
}

int
cmd_prove(int argc, char **argv)
{
	enum { OPT_INCL = CL_OPT_VERB, OPT_CONS, OPT_SIZE, OPT_JSON };
	static const struct option	opts[] = {
		{ "inclusion", required_argument, NULL, OPT_INCL },
		{ "consistency", required_argument, NULL, OPT_CONS },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "json", no_argument, NULL, OPT_JSON },
		CL_SESSION_NODE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cl_session_opts	 so;
	struct cl_session	 s;
	const char		*verb = argv[0], *incl = NULL, *cons = NULL;
	const char		*size = NULL;
	uint64_t		 m = 0, n = 0;
	bool			 json = false;
	int			 c, rc;

	memset(&so, 0, sizeof(so));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = CL_TOOL_OK;
		if (c == OPT_INCL)
			rc = cl_tool_once(verb, "--inclusion", &incl);
		else if (c == OPT_CONS)
			rc = cl_tool_once(verb, "--consistency", &cons);
		else if (c == OPT_SIZE)
			rc = cl_tool_once(verb, "--size", &size);
		else if (c == OPT_JSON)
			json = true;
		else if (c == 'h') {
			prove_usage(stdout);
			return CL_TOOL_OK;
		} else if ((rc = cl_session_opt(verb, c, &so)) < 0)
			return cl_tool_badopt(verb, argv, c);
		if (rc != CL_TOOL_OK)
			return rc;
	}
	if (optind < argc) {
		cl_tool_err(verb, "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	if ((incl == NULL) == (cons == NULL)) {
		cl_tool_err(verb, "give one of --inclusion POSITION and "
		    "--consistency M");
		return CL_TOOL_USAGE;
	}
	if (size == NULL) {
		cl_tool_err(verb, "missing --size N");
		return CL_TOOL_USAGE;
	}
	if ((rc = num(verb, incl != NULL ? "--inclusion" : "--consistency",
	    incl != NULL ? incl : cons, &m)) != CL_TOOL_OK ||
	    (rc = num(verb, "--size", size, &n)) != CL_TOOL_OK)
		return rc;
	if (incl != NULL && m >= n) {
		cl_tool_err(verb, "bad --inclusion '%s': position %llu is not "
		    "in a tree of size %llu (positions 0 to N-1)", incl,
		    (unsigned long long)m, (unsigned long long)n);
		return CL_TOOL_USAGE;
	}
	if (cons != NULL && (m == 0 || m > n)) {
		cl_tool_err(verb, "bad --consistency '%s': want 1 <= M <= N "
		    "(--size %llu)", cons, (unsigned long long)n);
		return CL_TOOL_USAGE;
	}
	if ((rc = cl_session_opts_check(verb, &so, false)) != CL_TOOL_OK)
		return rc;
	if ((rc = cl_session_open(&s, verb, &so)) != CL_TOOL_OK)
		rc = CL_TOOL_USAGE;
	else if (incl != NULL)
		rc = prove_inclusion(verb, &s, m, n, json);
	else
		rc = prove_consistency(verb, &s, m, n, json);
	cl_session_close(&s);
	return rc;
}
