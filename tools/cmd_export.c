/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The export verb: a node's log as an export file (PROTOCOL.md §11.4),
 * over the client port or read-only from its store.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "export.h"
#include "ledger.h"
#include "progress.h"
#include "session.h"
#include "util.h"
#include "wire.h"

static void
export_usage(FILE *f)
{
	fputs("usage: credledger export [--node HOST:PORT | --data DIR] "
	    "--out FILE [--from N]\n"
	    "\n"
	    "Write a node's log to FILE as an export file: the magic\n"
	    "CLEXPORT, version 1, the genesis, then every event the node\n"
	    "holds in log position order (PROTOCOL.md 11.4), for\n"
	    "'credledger audit'.  The log is taken as it stands when the\n"
	    "export starts; events stored later are not in it.  FILE is\n"
	    "written whole or not at all (a temporary file, fsync'd, then\n"
	    "moved into place).\n"
	    "\n"
	    "      --out FILE              the export file to write\n"
	    "      --data DIR              read the node's store directly,\n"
	    "                              read-only (DIR is its data\n"
	    "                              directory): safe while it runs\n"
	    "      --from N                start at log position N (default\n"
	    "                              0): an increment of an earlier\n"
	    "                              export, 'audit EARLIER FILE' reads\n"
	    "                              both as one log\n"
	    "      --quiet                 no progress line on stderr\n"
	    CL_SESSION_NODE_HELP
	    "  -h, --help                  show this and exit\n"
	    "\n"
	    "Exit status: 0 done, 1 the node or the file failed, 2 a bad\n"
	    "command line.\n", f);
}

struct eargs {
	struct cl_session_opts	 so;
	const char		*out;
	const char		*data;
	const char		*from_s;
	uint64_t		 from;
	bool			 quiet;
};

/* Returns CL_TOOL_OK, -1 after --help, or the status to exit with. */
static int
export_args(int argc, char **argv, struct eargs *a)
{
	enum { OPT_OUT = CL_OPT_VERB, OPT_DATA, OPT_FROM, OPT_QUIET };
	static const struct option	opts[] = {
		{ "out", required_argument, NULL, OPT_OUT },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		CL_SESSION_NODE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*verb = argv[0];
	int		 c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = CL_TOOL_OK;
		switch (c) {
		case OPT_OUT:
			rc = cl_tool_once(verb, "--out", &a->out);
			break;
		case OPT_DATA:
			rc = cl_tool_once(verb, "--data", &a->data);
			break;
		case OPT_FROM:
			rc = cl_tool_once(verb, "--from", &a->from_s);
			break;
		case OPT_QUIET:
			a->quiet = true;
			break;
		case 'h':
			export_usage(stdout);
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
	if (a->out == NULL) {
		cl_tool_err(verb, "missing --out FILE");
		return CL_TOOL_USAGE;
	}
	if (a->from_s != NULL &&
	    cl_tool_parse_u64(a->from_s, UINT64_MAX - 1, &a->from) != CL_OK) {
		cl_tool_err(verb, "bad --from '%s': want a log position (a "
		    "number from 0)", a->from_s);
		return CL_TOOL_USAGE;
	}
	if (a->data != NULL && a->so.node != NULL) {
		cl_tool_err(verb, "give --node or --data, not both");
		return CL_TOOL_USAGE;
	}
	return a->data != NULL ? CL_TOOL_OK :
	    cl_session_opts_check(verb, &a->so, false);
}

static int
write_err(const char *verb, const char *path, cl_err err)
{
	if (err == CL_EIO)
		cl_tool_err(verb, "cannot write '%s': %s", path,
		    strerror(errno));
	else
		cl_tool_err(verb, "cannot write '%s': %s", path,
		    cl_strerror(err));
	return CL_TOOL_FAIL;
}

/* --from past the end of a log of size events. */
static int
past_end(const char *verb, const struct eargs *a, uint64_t size)
{
	cl_tool_err(verb, "bad --from '%s': the log holds %llu events "
	    "(positions 0 to %llu)", a->from_s, (unsigned long long)size,
	    (unsigned long long)(size > 0 ? size - 1 : 0));
	return CL_TOOL_USAGE;
}

static void
done(const struct eargs *a, uint64_t from, uint64_t to)
{
	printf("exported %llu events (log positions %llu to %llu) to ",
	    (unsigned long long)(to - from), (unsigned long long)from,
	    (unsigned long long)(to > from ? to - 1 : from));
	cl_tool_put_str(stdout, a->out, strlen(a->out));
	putchar('\n');
}

static int
export_node(const char *verb, const struct eargs *a)
{
	struct cl_session	 s;
	struct cl_export_w	 w;
	struct cl_progress	 pr;
	struct cl_req		 req;
	struct cl_resp		 resp;
	uint64_t		 pos, end;
	uint32_t		 i, want;
	int			 rc;
	cl_err			 err = CL_OK;

	memset(&w, 0, sizeof(w));
	if ((rc = cl_session_open(&s, verb, &a->so)) != CL_TOOL_OK)
		goto out;
	/* the log as it stands now: later events are not exported */
	memset(&req, 0, sizeof(req));
	req.op = CL_OP_STATUS;
	if (cl_client_call(&s.c, &req, &resp) != CL_OK) {
		cl_tool_err(verb, "asking for the status: %s", s.c.msg);
		rc = CL_TOOL_FAIL;
		goto out;
	}
	end = resp.u.status.log_size;
	if (a->from > end) {
		rc = past_end(verb, a, end);
		goto out;
	}
	if ((err = cl_export_create(&w, a->out, s.g.raw, s.g.raw_len)) !=
	    CL_OK) {
		rc = write_err(verb, a->out, err);
		goto out;
	}
	cl_progress_init(&pr, "export", end - a->from, a->quiet);
	for (pos = a->from; pos < end;) {
		want = end - pos < CL_EVENTS_MAX ? (uint32_t)(end - pos) :
		    CL_EVENTS_MAX;
		memset(&req, 0, sizeof(req));
		req.op = CL_OP_EVENTS;
		req.a = pos;
		req.b = want;
		if (cl_client_call(&s.c, &req, &resp) != CL_OK) {
			cl_progress_end(&pr);
			cl_tool_err(verb, "asking for the log at %llu: %s",
			    (unsigned long long)pos, s.c.msg);
			rc = CL_TOOL_FAIL;
			goto out;
		}
		if (resp.u.events.cnt == 0 || resp.u.events.cnt > want ||
		    resp.u.events.next != pos + resp.u.events.cnt) {
			cl_resp_free(&resp);
			cl_progress_end(&pr);
			cl_tool_err(verb, "the node answered the log at %llu "
			    "out of order", (unsigned long long)pos);
			rc = CL_TOOL_FAIL;
			goto out;
		}
		for (i = 0; i < resp.u.events.cnt; i++)
			if ((err = cl_export_add(&w, resp.u.events.ev[i],
			    resp.u.events.ev_len[i])) != CL_OK)
				break;
		pos = resp.u.events.next;
		cl_resp_free(&resp);
		if (err != CL_OK) {
			cl_progress_end(&pr);
			rc = err == CL_ERANGE ? (cl_tool_err(verb, "the node "
			    "sent an event of a size no event has"),
			    CL_TOOL_FAIL) : write_err(verb, a->out, err);
			goto out;
		}
		cl_progress_set(&pr, pos - a->from, pos - a->from);
	}
	cl_progress_end(&pr);
	if ((err = cl_export_commit(&w)) != CL_OK) {
		rc = write_err(verb, a->out, err);
		goto out;
	}
	done(a, a->from, end);
out:
	cl_export_abort(&w);
	cl_session_close(&s);
	return rc;
}

static int
export_data(const char *verb, const struct eargs *a)
{
	struct cl_store_opts	 opts = { .rdonly = true };
	struct cl_ledger	 l;
	struct cl_export_w	 w;
	struct cl_progress	 pr;
	char			 dir[4096];
	uint8_t			*ev;
	size_t			 len;
	uint64_t		 pos, end;
	int			 rc = CL_TOOL_OK;
	cl_err			 err;

	cl_export_store_dir(a->data, dir, sizeof(dir));
	if ((err = cl_ledger_open(&l, dir, NULL, 0, &opts)) != CL_OK) {
		cl_tool_err(verb, "cannot open the store in '%s' read-only: "
		    "%s", dir, err == CL_ENOTFOUND ? "no ledger there" :
		    cl_strerror(err));
		return err == CL_EIO || err == CL_ENOTFOUND ? CL_TOOL_USAGE :
		    CL_TOOL_FAIL;
	}
	end = l.log_size;	/* as it stood when opened */
	if (a->from > end) {
		cl_ledger_close(&l);
		return past_end(verb, a, end);
	}
	if ((err = cl_export_create(&w, a->out, l.genesis.raw,
	    l.genesis.raw_len)) != CL_OK) {
		cl_ledger_close(&l);
		return write_err(verb, a->out, err);
	}
	cl_progress_init(&pr, "export", end - a->from, a->quiet);
	for (pos = a->from; pos < end && rc == CL_TOOL_OK; pos++) {
		if ((err = cl_ledger_event_at(&l, pos, &ev, &len)) != CL_OK) {
			cl_tool_err(verb, "reading log position %llu: %s",
			    (unsigned long long)pos, cl_strerror(err));
			rc = CL_TOOL_FAIL;
			break;
		}
		err = cl_export_add(&w, ev, len);
		free(ev);
		if (err != CL_OK)
			rc = err == CL_ERANGE ? (cl_tool_err(verb, "the store "
			    "holds a record of %zu bytes at %llu: no event is "
			    "that size", len, (unsigned long long)pos),
			    CL_TOOL_FAIL) : write_err(verb, a->out, err);
		cl_progress_set(&pr, pos + 1 - a->from, pos + 1 - a->from);
	}
	cl_progress_end(&pr);
	cl_ledger_close(&l);
	if (rc == CL_TOOL_OK && (err = cl_export_commit(&w)) != CL_OK)
		rc = write_err(verb, a->out, err);
	cl_export_abort(&w);
	if (rc == CL_TOOL_OK)
		done(a, a->from, end);
	return rc;
}

int
cmd_export(int argc, char **argv)
{
	struct eargs	a;
	int		rc;

	memset(&a, 0, sizeof(a));
	if ((rc = export_args(argc, argv, &a)) != CL_TOOL_OK)
		return rc < 0 ? CL_TOOL_OK : rc;
	return a.data != NULL ? export_data(argv[0], &a) :
	    export_node(argv[0], &a);
}
