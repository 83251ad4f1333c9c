/* SPDX-License-Identifier: Apache-2.0 */
/* What the verbs that talk to a node share: options, key, node, signing. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "ledger.h"
#include "limits.h"
#include "util.h"
#include "wire.h"

int
cl_session_opt(const char *verb, int c, struct cl_session_opts *o)
{
	switch (c) {
	case CL_OPT_NODE:
		return cl_tool_once(verb, "--node", &o->node);
	case CL_OPT_KEY:
		return cl_tool_once(verb, "--key", &o->key);
	case CL_OPT_PASSFILE:
		return cl_tool_once(verb, "--passphrase-file", &o->pass_file);
	case CL_OPT_NOPASS:
		o->nopass = true;
		return CL_TOOL_OK;
	default:
		return -1;
	}
}

int
cl_session_opts_check(const char *verb, const struct cl_session_opts *o,
    bool need_key)
{
	char		 host[CL_CLIENT_HOST_MAX + 1];
	const char	*node = cl_client_node(o->node);
	uint16_t	 port;

	if (need_key && o->key == NULL) {
		cl_tool_err(verb, "missing --key FILE");
		return CL_TOOL_USAGE;
	}
	if (o->nopass && o->pass_file != NULL) {
		cl_tool_err(verb,
		    "--no-passphrase and --passphrase-file exclude each other");
		return CL_TOOL_USAGE;
	}
	if (cl_client_parse_hostport(node, host, sizeof(host), &port) !=
	    CL_OK) {
		cl_tool_err(verb, "bad %s '%s': want HOST:PORT with PORT "
		    "1..65535", o->node != NULL ? "--node" :
		    "$" CL_CLIENT_NODE_ENV, node);
		return CL_TOOL_USAGE;
	}
	return CL_TOOL_OK;
}

cl_err
cl_session_check(const struct cl_event *ev, struct cl_where *where)
{
	struct cl_event	e;
	uint8_t		buf[CL_EVENT_MAX];
	size_t		len;

	/*
	 * The longest header a feed can give it (seq and prev), so that an
	 * event that passes here is never too big when it is signed.
	 */
	e = *ev;
	e.version = CL_VERSION;
	e.seq = CL_SEQ_MAX;
	memset(e.prev, 0xff, sizeof(e.prev));
	e.time = cl_tool_now_ms();
	where->field = NULL;
	return cl_ev_encode(&e, true, buf, sizeof(buf), &len, where);
}

const char *
cl_session_field(const char *field)
{
	if (field == NULL)
		return "body";
	return strncmp(field, "body.", 5) == 0 ? field + 5 : field;
}

const char *
cl_session_why(cl_err err)
{
	switch (err) {
	case CL_ERANGE:
		return "empty, out of range, or with a control, zero-width "
		    "or bidi character";
	case CL_ETOOBIG:
		return "too long";
	case CL_EBADUTF8:
		return "not valid UTF-8";
	default:
		return cl_strerror(err);
	}
}

int
cl_session_bad_option(const char *verb, cl_err err, const char *field)
{
	const char	*f = cl_session_field(field);
	char		 opt[64];
	size_t		 i;

	if (field == NULL || strncmp(field, "body.", 5) != 0) {
		cl_tool_err(verb, "the event cannot be made: %s%s%s",
		    field != NULL ? field : "", field != NULL ? ": " : "",
		    cl_strerror(err));
		return CL_TOOL_USAGE;
	}
	/* An ACCREDIT's scope "fields" are given one --field each. */
	if (strcmp(f, "fields") == 0)
		f = "field";
	if (snprintf(opt, sizeof(opt), "--%s", f) >= (int)sizeof(opt))
		opt[sizeof(opt) - 1] = '\0';
	for (i = 0; opt[i] != '\0'; i++)
		if (opt[i] == '_')
			opt[i] = '-';
	if (err == CL_EMISSING)
		cl_tool_err(verb, "missing %s", opt);
	else if (err == CL_ERANGE && strcmp(f, "country") == 0)
		cl_tool_err(verb, "bad %s: want two upper-case letters "
		    "(ISO 3166-1 alpha-2)", opt);
	else if (err == CL_ERANGE && strcmp(f, "url") == 0)
		cl_tool_err(verb, "bad %s: want a URL (printable ASCII, no "
		    "space, with a ':')", opt);
	else if (err == CL_ERANGE && strcmp(f, "eqf_max") == 0)
		cl_tool_err(verb, "bad %s: below --eqf-min", opt);
	else
		cl_tool_err(verb, "bad %s: %s", opt, cl_session_why(err));
	return CL_TOOL_USAGE;
}

int
cl_session_open(struct cl_session *s, const char *verb,
    const struct cl_session_opts *o)
{
	struct cl_req		 req;
	struct cl_resp		 resp;
	struct cl_where		 where = { NULL };
	cl_err			 err;

	memset(s, 0, sizeof(*s));
	s->verb = verb;
	cl_client_init(&s->c);
	if (o->key != NULL) {
		/* --no-passphrase: a plain key, or nothing; never a prompt */
		if (o->nopass)
			err = cl_key_load(&s->k, o->key, NULL, 0);
		else
			err = cl_key_open(&s->k, o->key, o->pass_file);
		if (err == CL_EPASSPHRASE && o->nopass) {
			cl_tool_err(verb, "'%s' is sealed with a passphrase: "
			    "leave out --no-passphrase", o->key);
			return CL_TOOL_USAGE;
		}
		if (err != CL_OK)
			return cl_key_perror(verb, o->key, o->pass_file, err);
		s->has_key = true;
	}
	if ((err = cl_client_open(&s->c, cl_client_node(o->node))) != CL_OK) {
		cl_tool_err(verb, "%s", s->c.msg);
		return err == CL_EUSAGE ? CL_TOOL_USAGE : CL_TOOL_FAIL;
	}
	memset(&req, 0, sizeof(req));
	req.op = CL_OP_GENESIS;
	if ((err = cl_client_call(&s->c, &req, &resp)) != CL_OK) {
		cl_tool_err(verb, "asking for the genesis: %s", s->c.msg);
		return CL_TOOL_FAIL;
	}
	err = cl_genesis_decode(&s->g, resp.u.genesis.bytes,
	    resp.u.genesis.len, &where);
	cl_resp_free(&resp);
	if (err != CL_OK) {
		cl_tool_err(verb, "the node's genesis does not decode: %s: %s",
		    where.field != NULL ? where.field : "genesis",
		    cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	return CL_TOOL_OK;
}

void
cl_session_close(struct cl_session *s)
{
	cl_key_wipe(&s->k);
	s->has_key = false;
	cl_client_close(&s->c);
	cl_genesis_free(&s->g);
}

/* Signed events of one SUBMIT, in one buffer of a frame's size. */
struct chunk {
	uint8_t		*buf;		/* CL_FRAME_MAX bytes */
	size_t		 used;
	uint32_t	 cnt;
	const uint8_t	*ev[CL_SUBMIT_MAX];
	size_t		 len[CL_SUBMIT_MAX];
	uint8_t		 type[CL_SUBMIT_MAX];
};

/* The key's feed as the node holds it: seq 0 for no event yet. */
static int
read_head(struct cl_session *s, uint64_t *seq, uint8_t prev[CL_ID_LEN])
{
	static const uint8_t	 zero[CL_ID_LEN];
	struct cl_req		 req;
	struct cl_resp		 resp;
	cl_err			 err;

	memset(&req, 0, sizeof(req));
	req.op = CL_OP_HEAD;
	memcpy(req.key, s->k.pk, CL_PK_LEN);
	err = cl_client_call(&s->c, &req, &resp);
	if (err == CL_ENOTFOUND) {
		*seq = 0;
		memset(prev, 0, CL_ID_LEN);
		return CL_TOOL_OK;
	}
	if (err != CL_OK) {
		cl_tool_err(s->verb, "reading the feed's head: %s", s->c.msg);
		return CL_TOOL_FAIL;
	}
	*seq = resp.u.head.seq;
	memcpy(prev, resp.u.head.id, CL_ID_LEN);
	if (*seq >= CL_SEQ_MAX || (*seq == 0) !=
	    (memcmp(prev, zero, CL_ID_LEN) == 0)) {
		cl_tool_err(s->verb, "the node answered a bad head (seq %llu)",
		    (unsigned long long)*seq);
		return CL_TOOL_FAIL;
	}
	if (resp.u.head.fork_seq != 0)
		cl_tool_err(s->verb, "warning: this key's feed is forked at "
		    "seq %llu: what it signs from there on changes nothing",
		    (unsigned long long)resp.u.head.fork_seq);
	return CL_TOOL_OK;
}

/* Can one more event of any size join the chunk's frame? */
static bool
room(const struct chunk *ch)
{
	return ch->cnt < CL_SUBMIT_MAX &&
	    cl_req_frame_max(ch->cnt + 1, ch->used + CL_EVENT_MAX) <=
	    CL_WIRE_HDR_LEN + (size_t)CL_FRAME_MAX;
}

/*
 * Sign events from.. of n into ch, the first at seq + 1 after prev, as
 * many as fit one SUBMIT; ids[from..] get their ids.
 */
static int
sign_chunk(struct cl_session *s, struct chunk *ch, size_t from, size_t n,
    cl_session_fill_cb *fill, void *arg, uint64_t seq,
    const uint8_t prev[CL_ID_LEN], uint8_t (*ids)[CL_ID_LEN])
{
	struct cl_event		 ev;
	uint64_t		 now = cl_tool_now_ms();
	size_t			 i, len;
	cl_err			 err;

	ch->used = 0;
	ch->cnt = 0;
	while (from + ch->cnt < n && room(ch)) {
		i = from + ch->cnt;
		cl_ev_init(&ev);
		fill(arg, i, &ev);
		ev.version = CL_VERSION;
		memcpy(ev.author, s->k.pk, CL_PK_LEN);
		ev.seq = seq + ch->cnt + 1;
		memcpy(ev.prev, ch->cnt == 0 ? prev : ids[i - 1], CL_ID_LEN);
		ev.time = now;
		err = cl_ev_sign(&ev, s->g.netid, s->k.sk, ch->buf + ch->used,
		    CL_EVENT_MAX, &len, ids[i]);
		/* bodies are checked before: a seq past the limit, or memory */
		if (err != CL_OK) {
			cl_tool_err(s->verb, "cannot sign the %s at seq %llu: "
			    "%s", cl_ev_type_name((unsigned)ev.type),
			    (unsigned long long)ev.seq, cl_strerror(err));
			return CL_TOOL_FAIL;
		}
		ch->ev[ch->cnt] = ch->buf + ch->used;
		ch->len[ch->cnt] = len;
		ch->type[ch->cnt] = (uint8_t)ev.type;
		ch->used += len;
		ch->cnt++;
	}
	return CL_TOOL_OK;
}

/* Say why event i of n (of type) was not taken. */
static void
refused(const struct cl_session *s, const struct cl_wire_result *x,
    size_t i, size_t n, const char *type)
{
	char	what[64], field[128] = "", why[160] = "";

	if (n == 1)
		(void)snprintf(what, sizeof(what), "the %s", type);
	else
		(void)snprintf(what, sizeof(what), "event %zu of %zu (%s)",
		    i + 1, n, type);
	if (x->field != NULL)
		cl_client_printable(field, sizeof(field), x->field,
		    x->field_len);
	if (x->err != CL_OK || x->field != NULL)
		(void)snprintf(why, sizeof(why), ": %s%s%s",
		    cl_strerror((cl_err)x->err), field[0] != '\0' ? " at " : "",
		    field);
	cl_tool_err(s->verb, "the node did not accept %s: %s%s", what,
	    cl_accept_name(x->acc), why);
	switch (x->acc) {
	case CL_ACC_UNKNOWN_AUTHOR:
		cl_tool_err(s->verb, "no ACCREDIT the node holds names this "
		    "key yet");
		break;
	case CL_ACC_GAP:
	case CL_ACC_PREV_MISMATCH:
		cl_tool_err(s->verb, "the node holds this feed up to seq %llu",
		    (unsigned long long)x->head_seq);
		break;
	case CL_ACC_STALE:
		cl_tool_err(s->verb, "the feed kept moving while this signed "
		    "(another signer with the same key?); gave up after %d "
		    "tries", CL_SESSION_STALE_TRIES);
		break;
	case CL_ACC_FORK:
	case CL_ACC_DISPUTED:
	case CL_ACC_FORK_FULL:
		cl_tool_err(s->verb, "this key's feed is forked: what it "
		    "signs from there on changes nothing");
		break;
	default:
		break;
	}
}

/*
 * Submit ch, events from.. of n.  *ok gets how many were accepted (a
 * prefix), *stale whether the next one came back stale.
 */
static int
send_chunk(struct cl_session *s, struct chunk *ch, size_t from,
    size_t n, uint8_t (*ids)[CL_ID_LEN], bool last_try, size_t *ok,
    bool *stale)
{
	const struct cl_wire_result	*x;
	struct cl_req			 req;
	struct cl_resp			 resp;
	char				 hex[2 * CL_ID_LEN + 1];
	uint32_t			 k;
	int				 rc = CL_TOOL_OK;
	cl_err				 err;

	memset(&req, 0, sizeof(req));
	req.op = CL_OP_SUBMIT;
	req.flags = CL_SUBMIT_NO_FORK;
	req.ev_cnt = ch->cnt;
	req.ev = ch->ev;
	req.ev_len = ch->len;
	*ok = 0;
	*stale = false;
	if ((err = cl_client_call(&s->c, &req, &resp)) != CL_OK) {
		cl_tool_err(s->verb, "submitting: %s", s->c.msg);
		return CL_TOOL_FAIL;
	}
	if (resp.u.submit.cnt != ch->cnt) {
		cl_tool_err(s->verb, "the node answered %u results for %u "
		    "events", (unsigned)resp.u.submit.cnt, (unsigned)ch->cnt);
		rc = CL_TOOL_FAIL;
		goto out;
	}
	for (k = 0; k < ch->cnt; k++) {
		x = &resp.u.submit.r[k];
		if (x->acc != CL_ACC_ACCEPTED && x->acc != CL_ACC_DUPLICATE)
			break;
		cl_hex_encode(hex, ids[from + k], CL_ID_LEN);
		if (x->acc == CL_ACC_ACCEPTED &&
		    memcmp(x->id, ids[from + k], CL_ID_LEN) != 0) {
			cl_tool_err(s->verb, "the node took event %s under "
			    "another id", hex);
			rc = CL_TOOL_FAIL;
			goto out;
		}
		if (x->void_reason != CL_VOID_NONE)
			cl_tool_err(s->verb, "warning: event %s is void: %s",
			    hex, cl_void_reason(x->void_reason));
	}
	*ok = k;
	if (k == ch->cnt)
		goto out;
	x = &resp.u.submit.r[k];
	if (x->acc == CL_ACC_STALE && !last_try) {
		*stale = true;
		goto out;
	}
	refused(s, x, from + k, n, cl_ev_type_name(ch->type[k]));
	rc = CL_TOOL_FAIL;
out:
	cl_resp_free(&resp);
	return rc;
}

int
cl_session_submit(struct cl_session *s, size_t n, cl_session_fill_cb *fill,
    void *arg, uint8_t (*ids)[CL_ID_LEN], size_t *held)
{
	struct chunk	*ch;
	uint8_t		 prev[CL_ID_LEN];
	uint64_t	 seq;
	size_t		 done = 0, ok;
	bool		 stale;
	int		 tries = 0, rc;

	if ((ch = calloc(1, sizeof(*ch))) == NULL ||
	    (ch->buf = malloc(CL_FRAME_MAX)) == NULL) {
		free(ch);
		cl_tool_err(s->verb, "%s", cl_strerror(CL_ENOMEM));
		return CL_TOOL_FAIL;
	}
	rc = read_head(s, &seq, prev);
	while (rc == CL_TOOL_OK && done < n) {
		if ((rc = sign_chunk(s, ch, done, n, fill, arg, seq, prev,
		    ids)) != CL_TOOL_OK)
			break;
		rc = send_chunk(s, ch, done, n, ids,
		    tries == CL_SESSION_STALE_TRIES, &ok, &stale);
		if (ok > 0) {
			done += ok;
			seq += ok;
			memcpy(prev, ids[done - 1], CL_ID_LEN);
		}
		/* Someone else wrote on this feed: sign the rest again. */
		if (rc == CL_TOOL_OK && stale) {
			tries++;
			rc = read_head(s, &seq, prev);
		}
	}
	free(ch->buf);
	free(ch);
	if (held != NULL)
		*held = done;
	return rc;
}

static void
fill_copy(void *arg, size_t i, struct cl_event *ev)
{
	*ev = *(const struct cl_event *)arg;
}

int
cl_session_submit_one(struct cl_session *s, const struct cl_event *ev,
    uint8_t id[static CL_ID_LEN])
{
	return cl_session_submit(s, 1, fill_copy, (void *)(uintptr_t)ev,
	    (uint8_t (*)[CL_ID_LEN])id, NULL);
}

int
cl_session_sign_one(const char *verb, const struct cl_session_opts *o,
    const struct cl_event *ev, uint8_t id[static CL_ID_LEN])
{
	struct cl_session	s;
	int			rc;

	if ((rc = cl_session_open(&s, verb, o)) == CL_TOOL_OK)
		rc = cl_session_submit_one(&s, ev, id);
	cl_session_close(&s);
	return rc;
}
