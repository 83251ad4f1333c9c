/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP port: connections, requests, answers, routes and metrics. */
#include "http.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>
#include <jansson.h>
#include <sodium.h>

#include "bundle.h"
#include "checkpoint.h"
#include "credreport.h"
#include "date.h"
#include "event.h"
#include "gossip.h"
#include "hex.h"
#include "ledger.h"
#include "log.h"
#include "merkle.h"
#include "server.h"
#include "status.h"
#include "web.h"
#include "wire.h"

/* How often idle and slow connections are looked for. */
#define SWEEP_MS	250
/* Room for an answer's status line and header fields. */
#define HEAD_CAP	1024
/*
 * Answers of GET /v1/credentials/{id} are kept while the log does not
 * grow: an answer is a function of the events held and, for a valid
 * credential with an end date, of the time (PROTOCOL.md §5).  It spares
 * a popular credential its proof check (Ed25519, the dearest part).
 */
#define CACHE_SLOTS	4096		/* entries, a power of two */
#define CACHE_BODY_MAX	(64 * 1024)	/* bytes: larger are not kept */
#define CACHE_MS	60000		/* kept at most this long */
/* Peer links shown in /metrics at most. */
#define PEERS_MAX	1024
/* Header names and values kept: only a few are read, all are short. */
#define HNAME_CAP	32
#define HVAL_CAP	128

static const char comp[] = "http";

/* The routes, for metrics; the order is CL_HTTP_ROUTES'. */
enum route {
	R_PAGE, R_CREDENTIAL, R_VERIFY, R_DIGEST, R_HOLDER, R_ACHIEVEMENT,
	R_ISSUERS, R_STATUS, R_EVENTS, R_CHECKPOINT, R_INCLUSION,
	R_CONSISTENCY, R_METRICS, R_BAD, R_OTHER,
};
static const char *const route_names[CL_HTTP_ROUTES] = {
	"page", "credential", "verify", "digest", "holder", "achievement",
	"issuers", "status", "events", "checkpoint", "inclusion",
	"consistency", "metrics", "bad_request", "other",
};

/* The status codes this port answers; the order is CL_HTTP_CODES'. */
static const int codes[CL_HTTP_CODES] = {
	200, 400, 404, 405, 408, 413, 414, 415, 431, 500, 503, 507, 0,
};

/* Latency histogram bounds, seconds (the last bucket is +Inf). */
static const double buckets[CL_HTTP_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5,
};

struct cl__http_conn {
	uv_tcp_t		 tcp;		/* first: the handle is the conn */
	struct cl_http		*h;
	struct cl__http_conn	*prev, *next;	/* h->conns */
	http_parser		 p;
	uint8_t			*in;		/* bytes read, not yet parsed */
	size_t			 in_len;
	size_t			 out_len;	/* bytes queued to write */
	uint64_t		 last_ms;	/* last answer, or accept */
	uint64_t		 req_ms;	/* a request began; 0: none */
	uint64_t		 t0;		/* uv_hrtime() at its start */
	/* the request being read */
	char			 url[CL_HTTP_URL_MAX + 1];
	size_t			 url_len;
	size_t			 head_len;
	unsigned		 header_cnt;
	char			 hname[HNAME_CAP];
	size_t			 hname_len;
	char			 hval[HVAL_CAP];
	size_t			 hval_len;
	bool			 in_value;
	char			 ctype[HVAL_CAP];
	bool			 expect_continue;
	uint8_t			*body;
	size_t			 body_len, body_cap;
	int			 fail;		/* what to answer a request
						   that cannot be read */
	const char		*fail_why;
	bool			 complete;	/* a whole request is read */
	/* state */
	bool			 submitting;	/* POST /v1/events in flight */
	bool			 orphan;	/* closed while submitting */
	bool			 reading;
	bool			 closing;
	bool			 close_after;	/* once the output is out */
	bool			 queue_answer;	/* through the write queue, so
						   that on_written() resumes
						   parsing */
	uint32_t		 id;
	char			 peer[64];
};

/* One kept answer (an ISSUE id is SHA-256: its first bytes index). */
struct cl__http_cached {
	uint8_t		 id[CL_ID_LEN];
	uint64_t	 log_size;	/* the log it was made from */
	uint64_t	 until_ms;	/* real time it holds until */
	char		*body;		/* NULL: empty slot */
	size_t		 len;
	size_t		 cap;		/* bytes at body, reused */
};

/* One write: the request and its bytes in one allocation. */
struct wreq {
	uv_write_t		 w;
	struct cl__http_conn	*c;
	size_t			 len;
};

/* One answer, built by a route. */
struct answer {
	int		 code;
	const char	*ctype;
	const char	*extra;		/* more header lines, "\r\n" each */
	char		*body;		/* malloc'd, or NULL */
	const char	*fixed;		/* a static body instead */
	size_t		 len;
	enum route	 route;
};

static uint32_t	next_conn_id = 1;

static void	answers_free(struct cl_http *);
static void	conn_close(struct cl__http_conn *, const char *, cl_err);
static void	conn_drain(struct cl__http_conn *);
static void	maybe_stopped(struct cl_http *);

static uint64_t
mono_ms(struct cl_http *h)
{
	return uv_now(h->loop);
}

/* "1.2.3.4:5" or "[::1]:5". */
static void
addr_name(const struct sockaddr_storage *ss, char *out, size_t cap)
{
	char	host[48];

	if (ss->ss_family == AF_INET6) {
		uv_ip6_name((const struct sockaddr_in6 *)ss, host,
		    sizeof(host));
		(void)snprintf(out, cap, "[%s]:%d", host,
		    ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	} else if (ss->ss_family == AF_INET) {
		uv_ip4_name((const struct sockaddr_in *)ss, host,
		    sizeof(host));
		(void)snprintf(out, cap, "%s:%d", host,
		    ntohs(((const struct sockaddr_in *)ss)->sin_port));
	} else {
		(void)snprintf(out, cap, "?");
	}
}

/* Connections. */

static void
conn_free(struct cl__http_conn *c)
{
	free(c->in);
	free(c->body);
	free(c);
}

static void
on_closed(uv_handle_t *hd)
{
	struct cl__http_conn	*c = (struct cl__http_conn *)hd;
	struct cl_http		*h = c->h;

	if (c->submitting) {
		/* on_submitted() frees it once the commit is done */
		c->orphan = true;
		h->orphans++;
		return;
	}
	conn_free(c);
	maybe_stopped(h);
}

/* The one close path.  Idempotent; memory goes in on_closed. */
static void
conn_close(struct cl__http_conn *c, const char *why, cl_err err)
{
	struct cl_http	*h = c->h;

	if (c->closing)
		return;
	c->closing = true;
	if (err != CL_OK) {
		h->stats.conns_cut++;
		cl_log_info(comp, "peer=%s conn=%u closed: %s err=%s", c->peer,
		    c->id, why, cl_strerror(err));
	} else {
		cl_log_debug(comp, "peer=%s conn=%u closed: %s", c->peer,
		    c->id, why);
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	h->conn_cnt--;
	uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void
read_stop(struct cl__http_conn *c)
{
	if (c->reading)
		uv_read_stop((uv_stream_t *)&c->tcp);
	c->reading = false;
}

static void
on_written(uv_write_t *w, int status)
{
	struct wreq		*wr = (struct wreq *)w;
	struct cl__http_conn	*c = wr->c;

	c->out_len -= wr->len;
	free(wr);
	if (c->closing)
		return;
	if (status < 0) {
		conn_close(c, "write failed", CL_EIO);
		return;
	}
	if (c->close_after && c->out_len == 0) {
		conn_close(c, "answered", CL_OK);
		return;
	}
	if (c->out_len < CL_HTTP_OUT_MAX / 2)
		conn_drain(c);
}

/* Queue buf (a struct wreq, then len bytes); takes buf. */
static void
conn_send(struct cl__http_conn *c, uint8_t *buf, size_t len)
{
	struct wreq	*wr = (struct wreq *)(void *)buf;
	uv_buf_t	 b = uv_buf_init((char *)buf + sizeof(*wr),
	    (unsigned)len);

	wr->c = c;
	wr->len = len;
	c->out_len += len;
	if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, &b, 1,
	    on_written) != 0) {
		c->out_len -= len;
		free(buf);
		conn_close(c, "write failed", CL_EIO);
	}
}

static unsigned
code_index(int code)
{
	unsigned	i;

	for (i = 0; i < CL_HTTP_CODES - 1; i++)
		if (codes[i] == code)
			break;
	return i;	/* the last: any other */
}

static void
count(struct cl__http_conn *c, enum route r, int code)
{
	struct cl_http	*h = c->h;
	uint64_t	 ns = uv_hrtime() - c->t0;
	double		 s = (double)ns / 1e9;
	unsigned	 i;

	h->stats.requests[r][code_index(code)]++;
	for (i = 0; i < CL_HTTP_BUCKETS && s > buckets[i]; i++)
		;
	h->stats.latency[i]++;
	h->stats.latency_ns += ns;
}

static const char *
reason(int code)
{
	return code == 0 ? "?" : http_status_str((enum http_status)code);
}

/* Append the string s to head (*len bytes, HEAD_CAP at most). */
static bool
head_put(char *head, size_t *len, const char *s)
{
	size_t	n = strlen(s);

	if (n > HEAD_CAP - *len)
		return false;
	memcpy(head + *len, s, n);
	*len += n;
	return true;
}

/* v in decimal, ending just before end; returns its first digit. */
static const char *
u64_text(char *end, uint64_t v)
{
	*--end = '\0';
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

/*
 * Write an answer: status line, Content-Type, Content-Length (always),
 * Connection, the route's extra fields, then the body (not for HEAD).
 * The connection closes after it when the request or this port says so.
 * Head and body go out in one writev() when the socket takes them, as it
 * mostly does: no copy, no allocation, no write callback.  What it does
 * not take is queued (uv_try_write() takes nothing while writes are
 * queued, so answers keep their order).  The last answer conn_drain()
 * makes in one turn is always queued: its on_written() resumes parsing
 * the requests still read but not parsed, where no read may come.
 */
static void
send_answer(struct cl__http_conn *c, const struct answer *a, bool keep)
{
	char		 head[HEAD_CAP], num[24];
	const char	*body = a->body != NULL ? a->body : a->fixed;
	size_t		 blen = a->len, hlen, done = 0;
	uint8_t		*buf;
	uv_buf_t	 b[2];
	int		 n;
	bool		 ok;

	if (c->closing)
		return;
	if (c->p.method == HTTP_HEAD)
		blen = 0;
	if (c->h->stopping)
		keep = false;
	/* snprintf() was 2 % of an answer: the pieces are copied */
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d ", a->code);
	ok = n > 0 && (size_t)n < sizeof(head);
	hlen = ok ? (size_t)n : 0;
	ok = ok && head_put(head, &hlen, reason(a->code)) &&
	    head_put(head, &hlen, "\r\nContent-Type: ") &&
	    head_put(head, &hlen, a->ctype) &&
	    head_put(head, &hlen, "\r\nContent-Length: ") &&
	    head_put(head, &hlen, u64_text(num + sizeof(num), a->len)) &&
	    head_put(head, &hlen, keep ? "\r\nConnection: keep-alive\r\n" :
	    "\r\nConnection: close\r\n") &&
	    head_put(head, &hlen, "X-Content-Type-Options: nosniff\r\n") &&
	    (a->extra == NULL || head_put(head, &hlen, a->extra)) &&
	    head_put(head, &hlen, "\r\n");
	if (!ok) {
		conn_close(c, "cannot answer", CL_ENOMEM);
		return;
	}
	count(c, a->route, a->code);
	c->last_ms = mono_ms(c->h);
	b[0] = uv_buf_init(head, (unsigned)hlen);
	b[1] = uv_buf_init((char *)body, (unsigned)blen);
	n = c->queue_answer ? 0 :
	    uv_try_write((uv_stream_t *)&c->tcp, b, blen > 0 ? 2 : 1);
	if (n < 0 && n != UV_EAGAIN) {
		conn_close(c, "write failed", CL_EIO);
		return;
	}
	if (n > 0)
		done = (size_t)n;
	if (done < hlen + blen) {
		/* the rest: one allocation, freed in on_written() */
		if ((buf = malloc(sizeof(struct wreq) + hlen + blen -
		    done)) == NULL) {
			conn_close(c, "cannot answer", CL_ENOMEM);
			return;
		}
		if (done < hlen) {
			memcpy(buf + sizeof(struct wreq), head + done,
			    hlen - done);
			if (blen > 0)
				memcpy(buf + sizeof(struct wreq) + hlen - done,
				    body, blen);
		} else {
			memcpy(buf + sizeof(struct wreq), body + done - hlen,
			    hlen + blen - done);
		}
		conn_send(c, buf, hlen + blen - done);
	}
	if (!keep && !c->closing) {
		c->close_after = true;
		read_stop(c);
		/* nothing queued: no on_written() will close it */
		if (c->out_len == 0)
			conn_close(c, "answered", CL_OK);
	}
}

/* Answers. */

static const char json_ctype[] = "application/json";
static const char api_extra[] = "Cache-Control: no-store\r\n"
    "Access-Control-Allow-Origin: *\r\n";

/* Serialise o (stolen) as the answer's body; false: out of memory. */
static bool
set_json(struct answer *a, int code, json_t *o)
{
	size_t	n;

	a->code = code;
	a->ctype = json_ctype;
	a->extra = api_extra;
	if (o == NULL)
		return false;
	n = json_dumpb(o, NULL, 0, JSON_COMPACT);
	if (n == 0 || (a->body = malloc(n + 1)) == NULL) {
		json_decref(o);
		return false;
	}
	a->len = json_dumpb(o, a->body, n, JSON_COMPACT);
	a->body[a->len++] = '\n';
	json_decref(o);
	return true;
}

/* {"error": error, "detail": detail} */
static void
set_error(struct answer *a, int code, const char *error, const char *fmt,
    ...) CL_PRINTF(4, 5);

static void
set_error(struct answer *a, int code, const char *error, const char *fmt,
    ...)
{
	static const char	nomem[] = "{\"error\":\"internal\","
	    "\"detail\":\"out of memory\"}\n";
	char			detail[512];
	va_list			ap;

	va_start(ap, fmt);
	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	free(a->body);
	a->body = NULL;
	if (!set_json(a, code, json_pack("{s:s, s:s}", "error", error,
	    "detail", detail))) {
		a->code = 500;
		a->fixed = nomem;
		a->len = sizeof(nomem) - 1;
	}
}

static void
set_store_error(struct answer *a, cl_err err)
{
	set_error(a, err == CL_EMAPFULL ? 507 : 500, "storage",
	    "the ledger could not be read: %s", cl_strerror(err));
}

static void
set_nomem(struct answer *a)
{
	set_error(a, 500, "internal", "out of memory");
}

/* JSON helpers: a NULL value makes the json_object_set_new() fail. */

static json_t *
jhex(const uint8_t *b, size_t len)
{
	char	hex[2 * 64 + 1];

	if (len > 64)
		return NULL;
	cl_hex_encode(hex, b, len);
	return json_string(hex);
}

static json_t *
jb64(const uint8_t *b, size_t len)
{
	size_t	 cap = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_ORIGINAL);
	char	*s;
	json_t	*o;

	if ((s = malloc(cap)) == NULL)
		return NULL;
	sodium_bin2base64(s, cap, b, len, sodium_base64_VARIANT_ORIGINAL);
	o = json_string(s);
	free(s);
	return o;
}

static json_t *
jstr(const struct cl_str *s)
{
	return s->len > 0 ? json_stringn(s->ptr, s->len) : json_null();
}

static json_t *
jdate(uint64_t ms)
{
	char	day[CL_DATE_LEN];

	cl_date_format(day, ms);
	return json_string(day);
}

static json_t *
jseq(uint64_t v)
{
	/* UINT64_MAX means "none" in windows */
	return v == UINT64_MAX ? json_null() : json_integer((json_int_t)v);
}

static bool
set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) == 0;
}

/* 64 hex digits; false for anything else. */
static bool
parse_id(const char *s, size_t len, uint8_t out[CL_ID_LEN])
{
	return len == 2 * CL_ID_LEN &&
	    cl_hex_decode(out, CL_ID_LEN, s) == CL_OK;
}

/* Routes: each fills an answer. */

struct ctx {
	struct cl__http_conn	*c;
	struct cl_http		*h;
	struct cl_ledger	*l;
	const char		*path;	/* NUL-terminated, no query */
	const char		*query;	/* NUL-terminated, or NULL */
	uint64_t		 now;
};

/* A string literal's bytes: JSON written here. */
#define OUT_LIT(o, s)	cl_report_out_raw((o), (s), sizeof(s) - 1)

/*
 * Base64 with padding (RFC 4648 section 4), the text sodium_bin2base64()
 * writes for sodium_base64_VARIANT_ORIGINAL, without its NUL: 4 bytes
 * for every 3 or part of 3 of in.  A table lookup a byte: sodium's
 * encoder runs in constant time, which public proofs do not need, and
 * cost 9 % of a credential answer.
 */
static void
b64_encode(char *out, const uint8_t *in, size_t len)
{
	static const char	abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t		v;

	for (; len >= 3; len -= 3, in += 3) {
		v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
		*out++ = abc[v >> 18];
		*out++ = abc[v >> 12 & 63];
		*out++ = abc[v >> 6 & 63];
		*out++ = abc[v & 63];
	}
	if (len == 0)
		return;
	v = (uint32_t)in[0] << 16 | (len == 2 ? (uint32_t)in[1] << 8 : 0);
	*out++ = abc[v >> 18];
	*out++ = abc[v >> 12 & 63];
	*out++ = len == 2 ? abc[v >> 6 & 63] : '=';
	*out = '=';
}

/*
 * The verify --json object of credential id, checked here, with
 * "bundle": the proof's bytes in base64 (null for an unknown credential),
 * appended compactly to o without the closing '}', so that more members
 * may follow.  *status is the node's answer.
 */
static cl_err
cred_write(struct ctx *x, const uint8_t id[CL_ID_LEN],
    struct cl_report_out *o, unsigned *status, uint64_t *until)
{
	struct cl_cred_answer	*a;
	struct cl_report	 r;
	uint8_t			*bundle = NULL;
	size_t			 blen = 0, n;
	cl_err			 err;

	if ((a = malloc(sizeof(*a))) == NULL)
		return CL_ENOMEM;
	err = cl_ledger_credential_bundle(x->l, id, x->now, a, &bundle, &blen);
	if (err == CL_OK) {
		*status = a->status;
		/* valid now, expired once past valid_until */
		*until = a->status == CL_ST_VALID && a->valid_until != 0 ?
		    a->valid_until + 1 : UINT64_MAX;
		/* its signatures were verified when the node stored them */
		cl_report_check_held(&r, &x->l->genesis, id, a->status,
		    a->void_reason, bundle, blen, x->now);
		if (r.err != CL_OK)
			cl_log_err(comp, "the node's own proof does not "
			    "check: %s", r.why);
		err = cl_report_write(&r, x->h->frags, o);
		cl_report_free(&r);
	}
	if (err == CL_OK) {
		o->len--;	/* the report's '}' */
		if (bundle == NULL) {
			OUT_LIT(o, ",\"bundle\":null");
		} else {
			/* base64 needs no JSON escapes */
			n = (blen + 2) / 3 * 4;
			OUT_LIT(o, ",\"bundle\":\"");
			if (cl_report_out_room(o, n)) {
				b64_encode(o->ptr + o->len, bundle, blen);
				o->len += n;
			}
			OUT_LIT(o, "\"");
		}
		err = o->err;
	}
	free(bundle);
	free(a);
	/* a string jansson refuses was "no memory" before, and still is */
	return err == CL_EBADUTF8 ? CL_ENOMEM : err;
}

/* The answer's body, written into o: empty it. */
static void
out_reset(struct cl_report_out *o)
{
	o->len = 0;
	o->err = CL_OK;
}

/* End the object o holds and make it the answer's body. */
static bool
cred_answer(struct answer *a, int code, struct cl_report_out *o)
{
	OUT_LIT(o, "}\n");
	if (o->err != CL_OK)
		return false;
	a->code = code;
	a->ctype = json_ctype;
	a->extra = api_extra;
	a->fixed = o->ptr;	/* copied into the write */
	a->len = o->len;
	return true;
}

static void
answer_cred_err(struct answer *a, cl_err err)
{
	if (err == CL_ENOMEM)
		set_nomem(a);
	else
		set_store_error(a, err);
}

static struct cl__http_cached *
cache_slot(struct cl_http *h, const uint8_t *id)
{
	uint32_t	i;

	if (h->cache == NULL)
		return NULL;
	i = (uint32_t)id[0] | (uint32_t)id[1] << 8 | (uint32_t)id[2] << 16;
	return &h->cache[i & (CACHE_SLOTS - 1)];
}

/* GET /v1/credentials/{id} */
static void
r_credential(struct ctx *x, const char *arg, struct answer *a)
{
	struct cl__http_cached	*k;
	uint8_t			 id[CL_ID_LEN];
	uint64_t		 until;
	unsigned		 st;
	cl_err			 err;

	if (!parse_id(arg, strlen(arg), id)) {
		set_error(a, 400, "bad_id", "a credential id is 64 hex "
		    "digits (the id of its ISSUE event), not '%.80s'", arg);
		return;
	}
	k = cache_slot(x->h, id);
	if (k != NULL && k->body != NULL && memcmp(k->id, id, CL_ID_LEN) ==
	    0 && k->log_size == x->l->log_size && x->now < k->until_ms) {
		a->code = 200;
		a->ctype = json_ctype;
		a->extra = api_extra;
		a->fixed = k->body;	/* copied into the write */
		a->len = k->len;
		x->h->stats.cache_hits++;
		return;
	}
	if (x->h->body == NULL) {
		set_nomem(a);
		return;
	}
	out_reset(x->h->body);
	if ((err = cred_write(x, id, x->h->body, &st, &until)) != CL_OK) {
		answer_cred_err(a, err);
		return;
	}
	/* unknown: still the report, status "unknown" */
	if (!cred_answer(a, st == CL_ST_UNKNOWN ? 404 : 200, x->h->body)) {
		set_nomem(a);
		return;
	}
	if (k == NULL || a->code != 200 || a->len > CACHE_BODY_MAX)
		return;
	/* most answers are alike in size: the slot's bytes are reused */
	if (k->cap < a->len) {
		free(k->body);
		k->cap = 0;
		if ((k->body = malloc(a->len)) == NULL)
			return;
		k->cap = a->len;
	}
	memcpy(k->body, a->fixed, a->len);
	memcpy(k->id, id, CL_ID_LEN);
	k->len = a->len;
	k->log_size = x->l->log_size;
	k->until_ms = until < x->now + CACHE_MS ? until : x->now + CACHE_MS;
}

/*
 * The credentials whose document has this digest: the report of the
 * first valid one (else the first), with "matches" (every id and its
 * status) and "more".  404 when none.
 */
static void
by_digest(struct ctx *x, const uint8_t digest[CL_ID_LEN], struct answer *a)
{
	uint8_t			(*ids)[CL_ID_LEN];
	struct cl_cred_answer	*ca;
	struct cl_report_out	*o = NULL;
	json_t			*m = NULL;
	uint32_t		 cnt, i, best = 0;
	uint64_t		 until;
	unsigned		 st;
	bool			 more, ok, found = false;
	char			 hex[2 * CL_ID_LEN + 1];
	cl_err			 err;

	ids = malloc(CL_QUERY_CREDS_MAX * sizeof(*ids));
	ca = malloc(sizeof(*ca));
	if (ids == NULL || ca == NULL) {
		free(ids);
		free(ca);
		set_nomem(a);
		return;
	}
	err = cl_ledger_by_digest(x->l, digest, ids, &cnt, &more);
	if (err == CL_OK && cnt == 0) {
		cl_hex_encode(hex, digest, CL_ID_LEN);
		set_error(a, 404, "not_found", "no credential on this ledger "
		    "was issued for a document whose SHA-256 is %s", hex);
		goto out;
	}
	ok = err == CL_OK && (m = json_array()) != NULL;
	for (i = 0; ok && i < cnt; i++) {
		if ((err = cl_ledger_credential(x->l, ids[i], x->now, ca)) !=
		    CL_OK)
			break;
		if (!found && ca->status == CL_ST_VALID) {
			best = i;
			found = true;
		}
		ok = json_array_append_new(m, json_pack("{s:o, s:s}",
		    "credential", jhex(ids[i], CL_ID_LEN), "status",
		    cl_status_name(ca->status))) == 0;
	}
	if (err == CL_OK && ok && (o = x->h->body) == NULL)
		ok = false;
	if (err == CL_OK && ok) {
		out_reset(o);
		err = cred_write(x, ids[best], o, &st, &until);
	}
	if (err != CL_OK || !ok) {
		if (err == CL_OK)
			err = CL_ENOMEM;
		json_decref(m);
		answer_cred_err(a, err);
		goto out;
	}
	OUT_LIT(o, ",\"document_sha256\":");
	cl_report_out_hex(o, digest, CL_ID_LEN);
	OUT_LIT(o, ",\"matches\":");
	cl_report_out_json(o, m);	/* and releases it */
	if (more)
		OUT_LIT(o, ",\"more\":true");
	else
		OUT_LIT(o, ",\"more\":false");
	if (!cred_answer(a, 200, o))
		set_nomem(a);
out:
	free(ca);
	free(ids);
}

/* POST /v1/verify: the body is the credential document. */
static void
r_verify(struct ctx *x, struct answer *a)
{
	uint8_t	digest[CL_ID_LEN];

	crypto_hash_sha256(digest, x->c->body != NULL ? x->c->body :
	    (const uint8_t *)"", x->c->body_len);
	by_digest(x, digest, a);
}

/* GET /v1/digests/{sha256}: the same, the document hashed elsewhere. */
static void
r_digest(struct ctx *x, const char *arg, struct answer *a)
{
	uint8_t	digest[CL_ID_LEN];

	if (!parse_id(arg, strlen(arg), digest)) {
		set_error(a, 400, "bad_id", "a document digest is its SHA-256 "
		    "in 64 hex digits, not '%.80s'", arg);
		return;
	}
	by_digest(x, digest, a);
}

/* GET /v1/holders/{ref}: every credential of a holder reference. */
static void
r_holder(struct ctx *x, const char *arg, struct answer *a)
{
	uint8_t			 ref[CL_ID_LEN], (*ids)[CL_ID_LEN];
	uint32_t		 cnt, i;
	uint64_t		 until;
	unsigned		 st;
	bool			 more;
	struct cl_report_out	*o;
	cl_err			 err = CL_OK;

	if (!parse_id(arg, strlen(arg), ref)) {
		set_error(a, 400, "bad_id", "a holder reference (or wallet "
		    "key) is 64 hex digits, not '%.80s'", arg);
		return;
	}
	if ((ids = malloc(CL_QUERY_CREDS_MAX * sizeof(*ids))) == NULL) {
		set_nomem(a);
		return;
	}
	if ((err = cl_ledger_by_holder(x->l, ref, ids, &cnt, &more)) !=
	    CL_OK) {
		free(ids);
		set_store_error(a, err);
		return;
	}
	if ((o = x->h->body) == NULL) {
		free(ids);
		set_nomem(a);
		return;
	}
	out_reset(o);
	OUT_LIT(o, "{\"holder\":");
	cl_report_out_hex(o, ref, CL_ID_LEN);
	OUT_LIT(o, ",\"credentials\":[");
	for (i = 0; err == CL_OK && i < cnt; i++) {
		if (i > 0)
			OUT_LIT(o, ",");
		if ((err = cred_write(x, ids[i], o, &st, &until)) == CL_OK)
			OUT_LIT(o, "}");
	}
	free(ids);
	if (err != CL_OK) {
		answer_cred_err(a, err);
		return;
	}
	if (more)
		OUT_LIT(o, "],\"more\":true");
	else
		OUT_LIT(o, "],\"more\":false");
	if (!cred_answer(a, 200, o))
		set_nomem(a);
}

/* The event at log position pos, decoded into ev (cl_ev_free()). */
static cl_err
event_at(struct cl_ledger *l, uint64_t pos, struct cl_event *ev,
    uint8_t **raw, size_t *len)
{
	cl_err	err;

	cl_ev_init(ev);
	if ((err = cl_ledger_event_at(l, pos, raw, len)) != CL_OK)
		return err;
	if ((err = cl_ev_decode(ev, *raw, *len, NULL)) != CL_OK) {
		free(*raw);
		*raw = NULL;
		return CL_ESTORE;	/* what the node stored decodes */
	}
	return CL_OK;
}

/* {key, name, country, org_id}: what the ACCREDIT of issuer says. */
static json_t *
issuer_json(struct ctx *x, const uint8_t *issuer)
{
	struct cl_event	 ev;
	uint8_t		*raw = NULL;
	uint64_t	 pos;
	size_t		 len;
	json_t		*o;
	bool		 ok;

	if ((o = json_object()) == NULL)
		return NULL;
	ok = set(o, "key", jhex(issuer, CL_PK_LEN));
	if (ok && cl_ledger_accredit_pos(x->l, issuer, &pos) == CL_OK &&
	    event_at(x->l, pos, &ev, &raw, &len) == CL_OK) {
		ok = set(o, "name", jstr(&ev.body.accredit.name)) &&
		    set(o, "country", jstr(&ev.body.accredit.country)) &&
		    set(o, "org_id", jstr(&ev.body.accredit.org_id));
		cl_ev_free(&ev);
		free(raw);
	} else if (ok) {
		ok = set(o, "name", json_null()) &&
		    set(o, "country", json_null()) &&
		    set(o, "org_id", json_null());
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* GET /v1/achievements/{id}: a DEFINE, rendered, and its bytes. */
static void
r_achievement(struct ctx *x, const char *arg, struct answer *a)
{
	struct cl_event	 ev;
	uint8_t		 id[CL_ID_LEN], *raw = NULL;
	const struct cl_str *t;
	uint64_t	 pos;
	size_t		 len;
	json_t		*o = NULL, *titles;
	bool		 ok;
	cl_err		 err;

	if (!parse_id(arg, strlen(arg), id)) {
		set_error(a, 400, "bad_id", "an achievement id is 64 hex "
		    "digits (the id of its DEFINE event), not '%.80s'", arg);
		return;
	}
	err = cl_ledger_define_pos(x->l, id, &pos);
	if (err == CL_ENOTFOUND) {
		set_error(a, 404, "not_found", "this ledger holds no DEFINE "
		    "event with id %.64s", arg);
		return;
	}
	if (err == CL_OK)
		err = event_at(x->l, pos, &ev, &raw, &len);
	if (err == CL_OK && ev.type != CL_EV_DEFINE) {
		/* the index points at what is no DEFINE: no body.define */
		cl_ev_free(&ev);
		free(raw);
		err = CL_ESTORE;
	}
	if (err != CL_OK) {
		set_store_error(a, err);
		return;
	}
	err = cl_achievement_to_json(ev.body.define, &o);
	/* as in verify's report: every title, and the one shown */
	ok = err == CL_OK &&
	    ((titles = json_object_get(o, "title")) == NULL ||
	    json_object_set(o, "titles", titles) == 0) &&
	    set(o, "id", jhex(id, CL_ID_LEN)) &&
	    set(o, "title", (t = cl_report_title(ev.body.define)) != NULL ?
	    jstr(t) : json_null()) &&
	    set(o, "issuer", issuer_json(x, ev.author)) &&
	    set(o, "seq", json_integer((json_int_t)ev.seq)) &&
	    set(o, "defined_at", jdate(ev.time)) &&
	    set(o, "event", jb64(raw, len));
	cl_ev_free(&ev);
	free(raw);
	if (!ok) {
		json_decref(o);
		set_nomem(a);
		return;
	}
	if (!set_json(a, 200, o))
		set_nomem(a);
}

/* One issuer of GET /v1/issuers. */
static json_t *
one_issuer(struct ctx *x, const struct cl_issuer_info *in)
{
	const struct cl_authority	*au;
	struct cl_event			 ev;
	uint8_t				*raw = NULL;
	size_t				 len;
	const char			*state;
	json_t				*o, *by, *wd;
	int				 i;
	bool				 ok;

	if (in->win.from == UINT64_MAX)
		state = "not_accredited";	/* past its authority's fork */
	else if (in->win.fork != UINT64_MAX)
		state = "disputed";
	else if (in->win.after != UINT64_MAX)
		state = "withdrawn";
	else
		state = "accredited";
	if ((o = json_object()) == NULL)
		return NULL;
	ok = set(o, "key", jhex(in->issuer, CL_PK_LEN)) &&
	    set(o, "state", json_string(state)) &&
	    set(o, "from_seq", jseq(in->win.from)) &&
	    set(o, "withdrawn_after_seq", jseq(in->win.after)) &&
	    set(o, "fork_seq", jseq(in->win.fork));
	if (ok && in->accredit_pos != UINT64_MAX &&
	    event_at(x->l, in->accredit_pos, &ev, &raw, &len) == CL_OK) {
		i = cl_genesis_find(&x->l->genesis, ev.author);
		au = i >= 0 ? &x->l->genesis.auth[i] : NULL;
		ok = set(o, "name", jstr(&ev.body.accredit.name)) &&
		    set(o, "country", jstr(&ev.body.accredit.country)) &&
		    set(o, "org_id", jstr(&ev.body.accredit.org_id)) &&
		    set(o, "qa", jstr(&ev.body.accredit.qa)) &&
		    set(o, "url", jstr(&ev.body.accredit.url)) &&
		    set(o, "accredited_at", jdate(ev.time)) &&
		    (by = json_object()) != NULL &&
		    set(o, "accredited_by", by) &&
		    set(by, "key", jhex(ev.author, CL_PK_LEN)) &&
		    set(by, "name", au != NULL ? jstr(&au->org) :
		    json_null()) &&
		    set(by, "country", au != NULL ? jstr(&au->country) :
		    json_null());
		cl_ev_free(&ev);
		free(raw);
	} else if (ok) {
		ok = set(o, "name", json_null()) &&
		    set(o, "country", json_null()) &&
		    set(o, "org_id", json_null()) &&
		    set(o, "accredited_by", json_null());
	}
	if (ok && in->withdraw_pos != UINT64_MAX &&
	    event_at(x->l, in->withdraw_pos, &ev, &raw, &len) == CL_OK) {
		ok = (wd = json_object()) != NULL &&
		    set(o, "withdrawal", wd) &&
		    set(wd, "after_seq", json_integer((json_int_t)
		    ev.body.withdraw.after_seq)) &&
		    set(wd, "reason", jstr(&ev.body.withdraw.reason)) &&
		    set(wd, "at", jdate(ev.time)) &&
		    set(wd, "by", jhex(ev.author, CL_PK_LEN));
		cl_ev_free(&ev);
		free(raw);
	} else if (ok) {
		ok = set(o, "withdrawal", json_null());
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Find key in a query string "a=1&b=2": its value, NUL-terminated. */
static bool
query_get(const char *q, const char *key, char *out, size_t cap)
{
	size_t	klen = strlen(key), vlen;

	while (q != NULL && *q != '\0') {
		vlen = strcspn(q, "&");
		if (vlen > klen && strncmp(q, key, klen) == 0 &&
		    q[klen] == '=') {
			if (vlen - klen - 1 >= cap)
				return false;
			memcpy(out, q + klen + 1, vlen - klen - 1);
			out[vlen - klen - 1] = '\0';
			return true;
		}
		q += vlen;
		if (*q == '&')
			q++;
	}
	return false;
}

/* A whole number of digits only, at most 2^53 (WireGuard's rule). */
static bool
parse_u64(const char *s, uint64_t *out)
{
	uint64_t	v = 0;

	if (*s == '\0' || strlen(s) > 16)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > CL_SEQ_MAX)
		return false;
	*out = v;
	return true;
}

/*
 * Query parameter key: absent gives def (when has_def), else it must be
 * a whole number.  False: the answer says what was wrong.
 */
static bool
query_u64(struct ctx *x, const char *key, bool has_def, uint64_t def,
    uint64_t *v, struct answer *a)
{
	char	buf[24];

	if (!query_get(x->query, key, buf, sizeof(buf))) {
		if (has_def) {
			*v = def;
			return true;
		}
		set_error(a, 400, "bad_query", "want ?%s=N, a whole number",
		    key);
		return false;
	}
	if (!parse_u64(buf, v)) {
		set_error(a, 400, "bad_query", "%s: '%.24s' is not a whole "
		    "number up to 2^53", key, buf);
		return false;
	}
	return true;
}

/* GET /v1/issuers[?after=KEY] */
static void
r_issuers(struct ctx *x, struct answer *a)
{
	struct cl_issuer_info	*in;
	uint8_t			 after[CL_PK_LEN];
	char			 buf[2 * CL_PK_LEN + 2];
	uint32_t		 cnt, i;
	bool			 more, ok, has_after = false;
	json_t			*o, *list;
	cl_err			 err;

	if (query_get(x->query, "after", buf, sizeof(buf))) {
		if (!parse_id(buf, strlen(buf), after)) {
			set_error(a, 400, "bad_query", "after: an issuer key "
			    "is 64 hex digits");
			return;
		}
		has_after = true;
	}
	if ((in = calloc(CL_ISSUERS_MAX, sizeof(*in))) == NULL) {
		set_nomem(a);
		return;
	}
	if ((err = cl_ledger_issuers(x->l, has_after ? after : NULL, in,
	    CL_ISSUERS_MAX, &cnt, &more)) != CL_OK) {
		free(in);
		set_store_error(a, err);
		return;
	}
	o = json_object();
	ok = o != NULL && (list = json_array()) != NULL &&
	    set(o, "issuers", list) && set(o, "more", json_boolean(more));
	for (i = 0; ok && i < cnt; i++)
		ok = json_array_append_new(list, one_issuer(x, &in[i])) == 0;
	free(in);
	if (!ok) {
		json_decref(o);
		set_nomem(a);
		return;
	}
	if (!set_json(a, 200, o))
		set_nomem(a);
}

/* GET /v1/status: as `credledger status --json`. */
static void
r_status(struct ctx *x, struct answer *a)
{
	struct cl_wire_status	w;
	json_t			*o;
	cl_err			 err;

	cl_server_status(x->h->srv, &w, &err);
	if (err != CL_OK) {
		set_store_error(a, err);
		return;
	}
	if (cl_report_status_json(&x->l->genesis, &w, &o) != CL_OK ||
	    !set_json(a, 200, o))
		set_nomem(a);
}

/* GET /v1/checkpoint: the log as it is, signed now. */
static void
r_checkpoint(struct ctx *x, struct answer *a)
{
	struct cl_checkpoint	c;
	cl_err			err;

	if ((err = cl_server_checkpoint(x->h->srv, &c)) != CL_OK) {
		set_store_error(a, err);
		return;
	}
	if (!set_json(a, 200, json_pack("{s:o, s:o, s:I, s:o, s:I, s:o}",
	    "network_id", jhex(c.network, CL_ID_LEN),
	    "node", jhex(c.node, CL_PK_LEN),
	    "size", (json_int_t)c.size,
	    "root", jhex(c.root, CL_ID_LEN),
	    "time", (json_int_t)c.time,
	    "signature", jhex(c.sig, CL_SIG_LEN))))
		set_nomem(a);
}

static json_t *
hash_list(uint8_t (*hash)[CL_ID_LEN], unsigned n)
{
	json_t		*l;
	unsigned	 i;

	if ((l = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(l, jhex(hash[i], CL_ID_LEN)) != 0) {
			json_decref(l);
			return NULL;
		}
	return l;
}

/* GET /v1/proofs/inclusion?position=N[&size=M] */
static void
r_inclusion(struct ctx *x, struct answer *a)
{
	uint8_t		 hash[CL_MERKLE_PROOF_MAX][CL_ID_LEN];
	uint8_t		 root[CL_ID_LEN], *event = NULL;
	uint64_t	 pos, size;
	size_t		 elen;
	unsigned	 cnt;
	cl_err		 err;

	if (!query_u64(x, "position", false, 0, &pos, a) ||
	    !query_u64(x, "size", true, x->l->log_size, &size, a))
		return;
	if (size > x->l->log_size || pos >= size) {
		set_error(a, 400, "bad_query", "want position < size <= %llu "
		    "(the log's size)", (unsigned long long)x->l->log_size);
		return;
	}
	err = cl_ledger_event_at(x->l, pos, &event, &elen);
	if (err == CL_OK)
		err = cl_ledger_inclusion(x->l, pos, size, hash, &cnt);
	if (err == CL_OK)
		err = cl_ledger_root(x->l, size, root);
	if (err != CL_OK)
		set_store_error(a, err);
	else if (!set_json(a, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}",
	    "position", (json_int_t)pos, "size", (json_int_t)size,
	    "root", jhex(root, CL_ID_LEN), "event", jb64(event, elen),
	    "path", hash_list(hash, cnt))))
		set_nomem(a);
	free(event);
}

/* GET /v1/proofs/consistency?m=M[&n=N] */
static void
r_consistency(struct ctx *x, struct answer *a)
{
	uint8_t		 hash[CL_MERKLE_PROOF_MAX][CL_ID_LEN];
	uint8_t		 root_m[CL_ID_LEN], root_n[CL_ID_LEN];
	uint64_t	 m, n;
	unsigned	 cnt;
	cl_err		 err;

	if (!query_u64(x, "m", false, 0, &m, a) ||
	    !query_u64(x, "n", true, x->l->log_size, &n, a))
		return;
	if (n > x->l->log_size || m == 0 || m > n) {
		set_error(a, 400, "bad_query", "want 1 <= m <= n <= %llu (the "
		    "log's size)", (unsigned long long)x->l->log_size);
		return;
	}
	err = cl_ledger_consistency(x->l, m, n, hash, &cnt);
	if (err == CL_OK)
		err = cl_ledger_root(x->l, m, root_m);
	if (err == CL_OK)
		err = cl_ledger_root(x->l, n, root_n);
	if (err != CL_OK)
		set_store_error(a, err);
	else if (!set_json(a, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}",
	    "m", (json_int_t)m, "n", (json_int_t)n,
	    "root_m", jhex(root_m, CL_ID_LEN),
	    "root_n", jhex(root_n, CL_ID_LEN),
	    "proof", hash_list(hash, cnt))))
		set_nomem(a);
}

/* POST /v1/events: a SUBMIT, answered once committed. */

static json_t *
result_json(const struct cl_result *r)
{
	json_t	*o;
	bool	 ok, stored = r->acc == CL_ACC_ACCEPTED ||
	    r->acc == CL_ACC_FORK || r->acc == CL_ACC_DISPUTED;

	if ((o = json_object()) == NULL)
		return NULL;
	ok = set(o, "result", json_string(cl_accept_name(r->acc))) &&
	    set(o, "id", r->acc == CL_ACC_REJECTED ? json_null() :
	    jhex(r->id, CL_ID_LEN)) &&
	    set(o, "error", r->acc == CL_ACC_REJECTED ?
	    json_string(cl_errname(r->err)) : json_null()) &&
	    set(o, "detail", r->acc == CL_ACC_REJECTED ?
	    json_string(cl_strerror(r->err)) : json_null()) &&
	    set(o, "field", r->field != NULL ? json_string(r->field) :
	    json_null()) &&
	    set(o, "void_reason", r->void_reason != CL_VOID_NONE ?
	    json_string(cl_void_reason(r->void_reason)) : json_null()) &&
	    set(o, "position", stored ? json_integer((json_int_t)r->pos) :
	    json_null()) &&
	    set(o, "head_seq", r->acc == CL_ACC_GAP ||
	    r->acc == CL_ACC_PREV_MISMATCH || r->acc == CL_ACC_STALE ?
	    json_integer((json_int_t)r->head_seq) : json_null());
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void
on_submitted(void *arg, const struct cl_submit *sub,
    const struct cl_result *res, uint32_t n, cl_err err)
{
	struct cl__http_conn	*c = arg;
	struct cl_http		*h = c->h;
	struct answer		 a;
	json_t			*o, *list;
	uint32_t		 i, stored = 0;
	bool			 ok;

	(void)sub;
	c->submitting = false;
	if (c->orphan) {
		/* closed meanwhile: the events are committed all the same */
		h->orphans--;
		conn_free(c);
		maybe_stopped(h);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.route = R_EVENTS;
	if (err != CL_OK) {
		set_error(&a, err == CL_EMAPFULL ? 507 : 500, "storage",
		    "the events were not stored: %s", cl_strerror(err));
	} else {
		o = json_object();
		ok = o != NULL && (list = json_array()) != NULL &&
		    set(o, "results", list);
		for (i = 0; ok && i < n; i++) {
			if (res[i].acc == CL_ACC_ACCEPTED ||
			    res[i].acc == CL_ACC_FORK ||
			    res[i].acc == CL_ACC_DISPUTED)
				stored++;
			ok = json_array_append_new(list,
			    result_json(&res[i])) == 0;
		}
		ok = ok && set(o, "stored", json_integer(stored));
		if (!ok)
			json_decref(o);
		if (!ok || !set_json(&a, 200, o))
			set_nomem(&a);
	}
	a.route = R_EVENTS;
	if (!c->closing)
		send_answer(c, &a, http_should_keep_alive(&c->p) != 0);
	free(a.body);
	if (!c->closing)
		conn_drain(c);	/* the next request, in order */
}

/* Is the request's Content-Type (its media type) want? */
static bool
media_type_is(const struct cl__http_conn *c, const char *want)
{
	size_t	n = strlen(want);

	return strncmp(c->ctype, want, n) == 0 &&
	    (c->ctype[n] == '\0' || c->ctype[n] == ';' || c->ctype[n] == ' ');
}

/* Returns true when the answer comes later (on_submitted). */
static bool
r_events(struct ctx *x, struct answer *a)
{
	struct cl__http_conn	*c = x->c;
	struct cl_req		 req;
	const char		*why = NULL;
	cl_err			 err;

	if (!media_type_is(c, "application/msgpack") &&
	    !media_type_is(c, "application/x-msgpack")) {
		set_error(a, 415, "unsupported_media_type", "the body is the "
		    "client protocol's SUBMIT payload, [1, flags, [bin event, "
		    "...]], as Content-Type application/msgpack");
		return false;
	}
	if ((err = cl_req_decode(&req, c->body, c->body_len, &why)) !=
	    CL_OK) {
		set_error(a, 400, "bad_submit", "not a SUBMIT payload: %s%s%s",
		    cl_strerror(err), why != NULL ? ": " : "",
		    why != NULL ? why : "");
		return false;
	}
	if (req.op != CL_OP_SUBMIT) {
		cl_req_free(&req);
		set_error(a, 400, "bad_submit", "the payload is a request of "
		    "op %u, not a SUBMIT [1, flags, [bin event, ...]]",
		    req.op);
		return false;
	}
	err = cl_server_submit(x->h->srv, req.ev, req.ev_len, req.ev_cnt,
	    req.flags, NULL, on_submitted, c);
	cl_req_free(&req);
	if (err != CL_OK) {
		if (err == CL_ESHUTDOWN)
			set_error(a, 503, "shutting_down", "the node is "
			    "stopping; submit again elsewhere or later");
		else if (err == CL_ETOOBIG)
			set_error(a, 413, "too_many_events", "at most %d "
			    "events in one submission", CL_SUBMIT_MAX);
		else
			set_nomem(a);
		return false;
	}
	c->submitting = true;
	return true;
}

/* GET /metrics: Prometheus text format 0.0.4. */

struct text {
	char	*buf;
	size_t	 len, cap;
	bool	 failed;
};

static void	tprintf(struct text *, const char *, ...) CL_PRINTF(2, 3);

static void
tprintf(struct text *t, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 want;
	char	*p;
	int	 n;

	if (t->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		want = t->cap * 2 + (size_t)n + 1;
		if ((p = realloc(t->buf, want)) == NULL) {
			t->failed = true;
			return;
		}
		t->buf = p;
		t->cap = want;
	}
}

static void
metric(struct text *t, const char *name, const char *type, const char *help)
{
	tprintf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Peer links: how many in each state, and what moved over them. */
static void
peers(struct text *t, const struct cl_gossip *g)
{
	static const char *const states[] = { "connecting", "handshake",
	    "up" };
	struct cl_gossip_peer_info	*p = NULL;
	uint64_t			 in = 0, out = 0, evin = 0, evout = 0;
	size_t				 n = 0, i, k, by;

	if (g != NULL && (p = calloc(PEERS_MAX, sizeof(*p))) != NULL)
		n = cl_gossip_peers(g, p, PEERS_MAX);
	metric(t, "credledger_peers", "gauge", "Gossip peer links, by "
	    "state.");
	for (k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
		for (i = 0, by = 0; i < n; i++)
			by += p[i].state != NULL &&
			    strcmp(p[i].state, states[k]) == 0;
		tprintf(t, "credledger_peers{state=\"%s\"} %zu\n", states[k],
		    by);
	}
	for (i = 0; i < n; i++) {
		in += p[i].bytes_in;
		out += p[i].bytes_out;
		evin += p[i].events_in;
		evout += p[i].events_out;
	}
	free(p);
	metric(t, "credledger_gossip_bytes_total", "counter", "Bytes over "
	    "the peer links open now, by direction.");
	tprintf(t, "credledger_gossip_bytes_total{direction=\"in\"} %llu\n"
	    "credledger_gossip_bytes_total{direction=\"out\"} %llu\n",
	    (unsigned long long)in, (unsigned long long)out);
	metric(t, "credledger_gossip_events_total", "counter", "Events over "
	    "the peer links open now, by direction.");
	tprintf(t, "credledger_gossip_events_total{direction=\"in\"} %llu\n"
	    "credledger_gossip_events_total{direction=\"out\"} %llu\n",
	    (unsigned long long)evin, (unsigned long long)evout);
}

static void
r_metrics(struct ctx *x, struct answer *a)
{
	static const char	 ptype[] = "text/plain; version=0.0.4; "
	    "charset=utf-8";
	struct cl_http		*h = x->h;
	struct cl_server	*s = h->srv;
	struct cl_counts	 n;
	struct text		 t = { NULL, 0, 0, false };
	uint8_t			 digest[CL_ID_LEN];
	uint64_t		 cum = 0;
	size_t			 used, size;
	unsigned		 i, k;
	cl_err			 err;

	if ((err = cl_ledger_counts(x->l, &n)) != CL_OK ||
	    (err = cl_ledger_digest(x->l, digest)) != CL_OK) {
		set_store_error(a, err);
		return;
	}
	if (memcmp(digest, h->digest, CL_ID_LEN) != 0) {
		/* changed by a commit (when it is known), else just now */
		memcpy(h->digest, digest, CL_ID_LEN);
		h->digest_ms = s->stats.stored_ms > h->digest_ms &&
		    s->stats.stored_ms <= x->now ? s->stats.stored_ms : x->now;
	}
	if ((t.buf = malloc(16384)) == NULL) {
		set_nomem(a);
		return;
	}
	t.cap = 16384;
	metric(&t, "credledger_events", "gauge", "Events held, by type.");
	for (i = CL_EV_TYPE_MIN; i <= CL_EV_TYPE_MAX; i++)
		tprintf(&t, "credledger_events{type=\"%s\"} %llu\n",
		    cl_ev_type_name(i), (unsigned long long)n.by_type[i]);
	metric(&t, "credledger_log_events", "gauge",
	    "Events in the log (its Merkle tree's size).");
	tprintf(&t, "credledger_log_events %llu\n",
	    (unsigned long long)x->l->log_size);
	metric(&t, "credledger_feeds", "gauge", "Feeds (authors) held.");
	tprintf(&t, "credledger_feeds %llu\n", (unsigned long long)n.feeds);
	metric(&t, "credledger_credentials", "gauge", "Credentials issued.");
	tprintf(&t, "credledger_credentials %llu\n",
	    (unsigned long long)n.credentials);
	metric(&t, "credledger_forked_feeds", "gauge",
	    "Feeds with a fork proof (equivocating authors).");
	tprintf(&t, "credledger_forked_feeds %llu\n",
	    (unsigned long long)n.forks);
	metric(&t, "credledger_submitted_events_total", "counter",
	    "Events submitted since start (client port and HTTP), by "
	    "result.");
	for (i = 0; i <= CL_ACC_MAX; i++)
		tprintf(&t, "credledger_submitted_events_total{result=\"%s\"} "
		    "%llu\n", cl_accept_name(i),
		    (unsigned long long)s->stats.by_result[i]);
	metric(&t, "credledger_rejected_events_total", "counter",
	    "Events rejected since start, by error.");
	for (i = 1; i < CL_ERR_COUNT; i++)
		if (s->stats.rejected_by_err[i] > 0)
			tprintf(&t, "credledger_rejected_events_total{error="
			    "\"%s\"} %llu\n", cl_errname((cl_err)i),
			    (unsigned long long)s->stats.rejected_by_err[i]);
	metric(&t, "credledger_commits_total", "counter",
	    "Write transactions committed.");
	tprintf(&t, "credledger_commits_total %llu\n",
	    (unsigned long long)s->stats.commits);
	metric(&t, "credledger_client_requests_total", "counter",
	    "Requests on the client port.");
	tprintf(&t, "credledger_client_requests_total %llu\n",
	    (unsigned long long)s->stats.queries);
	metric(&t, "credledger_http_requests_total", "counter",
	    "HTTP requests answered, by route and status code.");
	for (i = 0; i < CL_HTTP_ROUTES; i++)
		for (k = 0; k < CL_HTTP_CODES; k++)
			if (h->stats.requests[i][k] > 0)
				tprintf(&t, "credledger_http_requests_total{"
				    "route=\"%s\",code=\"%d\"} %llu\n",
				    route_names[i], codes[k],
				    (unsigned long long)
				    h->stats.requests[i][k]);
	metric(&t, "credledger_http_request_duration_seconds", "histogram",
	    "Time from a request's first byte to its answer queued.");
	for (i = 0; i <= CL_HTTP_BUCKETS; i++) {
		cum += h->stats.latency[i];
		if (i < CL_HTTP_BUCKETS)
			tprintf(&t, "credledger_http_request_duration_seconds_"
			    "bucket{le=\"%g\"} %llu\n", buckets[i],
			    (unsigned long long)cum);
		else
			tprintf(&t, "credledger_http_request_duration_seconds_"
			    "bucket{le=\"+Inf\"} %llu\n",
			    (unsigned long long)cum);
	}
	tprintf(&t, "credledger_http_request_duration_seconds_sum %.9f\n",
	    (double)h->stats.latency_ns / 1e9);
	tprintf(&t, "credledger_http_request_duration_seconds_count %llu\n",
	    (unsigned long long)cum);
	metric(&t, "credledger_http_cache_hits_total", "counter",
	    "Credential answers served from the cache (the log unchanged).");
	tprintf(&t, "credledger_http_cache_hits_total %llu\n",
	    (unsigned long long)h->stats.cache_hits);
	metric(&t, "credledger_client_connections", "gauge",
	    "Open connections on the client port.");
	tprintf(&t, "credledger_client_connections %zu\n", s->conn_cnt);
	metric(&t, "credledger_http_connections", "gauge",
	    "Open connections on the HTTP port.");
	tprintf(&t, "credledger_http_connections %zu\n", h->conn_cnt);
	metric(&t, "credledger_http_connections_total", "counter",
	    "Connections accepted on the HTTP port.");
	tprintf(&t, "credledger_http_connections_total %llu\n",
	    (unsigned long long)h->stats.conns_total);
	cl_store_usage(&x->l->st, &used, &size);
	metric(&t, "credledger_lmdb_map_used_bytes", "gauge",
	    "Bytes of the LMDB map in use.");
	tprintf(&t, "credledger_lmdb_map_used_bytes %zu\n", used);
	metric(&t, "credledger_lmdb_map_size_bytes", "gauge",
	    "Bytes of the LMDB map (it grows when full).");
	tprintf(&t, "credledger_lmdb_map_size_bytes %zu\n", size);
	metric(&t, "credledger_state_digest_age_seconds", "gauge",
	    "Seconds since the state digest last changed (or the node "
	    "started).");
	tprintf(&t, "credledger_state_digest_age_seconds %.3f\n",
	    (double)(x->now - h->digest_ms) / 1000.0);
	peers(&t, h->gossip);
	metric(&t, "credledger_uptime_seconds", "gauge",
	    "Seconds since the node started.");
	tprintf(&t, "credledger_uptime_seconds %.3f\n",
	    (double)(uv_now(h->loop) - s->start_ms) / 1000.0);
	if (t.failed) {
		free(t.buf);
		set_nomem(a);
		return;
	}
	a->code = 200;
	a->ctype = ptype;
	a->extra = "Cache-Control: no-store\r\n";
	a->body = t.buf;
	a->len = t.len;
}

/* The page and its files. */
static bool
r_asset(const char *path, struct answer *a)
{
	static const char extra[] = "Cache-Control: no-cache\r\n"
	    "Content-Security-Policy: default-src 'none'; "
	    "script-src 'self'; style-src 'self'; connect-src 'self'; "
	    "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
	    "frame-ancestors 'none'\r\n"
	    "Referrer-Policy: no-referrer\r\n";
	size_t	i;

	for (i = 0; i < cl__web_asset_cnt; i++)
		if (strcmp(path, cl__web_assets[i].path) == 0) {
			a->code = 200;
			a->ctype = cl__web_assets[i].ctype;
			a->extra = extra;
			a->fixed = (const char *)cl__web_assets[i].data;
			a->len = cl__web_assets[i].len;
			return true;
		}
	return false;
}

/* "/v1/credentials/" + arg: arg, or NULL. */
static const char *
prefixed(const char *path, const char *prefix)
{
	size_t	n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

static void
not_allowed(struct answer *a, const char *allow)
{
	static char	extra[128];

	set_error(a, 405, "method_not_allowed", "this resource takes %s",
	    allow);
	(void)snprintf(extra, sizeof(extra), "%sAllow: %s\r\n", api_extra,
	    allow);
	a->extra = extra;
}

/*
 * Route the request.  Returns true when the answer comes later (a
 * submission in flight).
 */
static bool
route(struct ctx *x, struct answer *a)
{
	static const struct {
		const char	*path;		/* exact, or prefix with '/' */
		bool		 prefix;
		bool		 post;		/* else GET (and HEAD) */
		enum route	 r;
	} table[] = {
		{ "/v1/credentials/", true, false, R_CREDENTIAL },
		{ "/v1/digests/", true, false, R_DIGEST },
		{ "/v1/holders/", true, false, R_HOLDER },
		{ "/v1/achievements/", true, false, R_ACHIEVEMENT },
		{ "/v1/verify", false, true, R_VERIFY },
		{ "/v1/events", false, true, R_EVENTS },
		{ "/v1/issuers", false, false, R_ISSUERS },
		{ "/v1/status", false, false, R_STATUS },
		{ "/v1/checkpoint", false, false, R_CHECKPOINT },
		{ "/v1/proofs/inclusion", false, false, R_INCLUSION },
		{ "/v1/proofs/consistency", false, false, R_CONSISTENCY },
		{ "/metrics", false, false, R_METRICS },
	};
	unsigned	 m = x->c->p.method;
	const char	*arg = NULL;
	size_t		 i;
	bool		 get = m == HTTP_GET || m == HTTP_HEAD;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].prefix)
			arg = prefixed(x->path, table[i].path);
		else
			arg = strcmp(x->path, table[i].path) == 0 ? "" : NULL;
		if (arg != NULL)
			break;
	}
	if (i == sizeof(table) / sizeof(table[0])) {
		a->route = R_PAGE;
		if (get && r_asset(x->path, a))
			return false;
		if (!get && cl__web_asset_cnt > 0 && r_asset(x->path, a)) {
			free(a->body);
			memset(a, 0, sizeof(*a));
			a->route = R_PAGE;
			not_allowed(a, "GET, HEAD");
			return false;
		}
		a->route = R_OTHER;
		set_error(a, 404, "not_found", "no such resource: %.200s "
		    "(the API is under /v1/, see GET /)", x->path);
		return false;
	}
	a->route = table[i].r;
	if (table[i].post ? m != HTTP_POST : !get) {
		not_allowed(a, table[i].post ? "POST" : "GET, HEAD");
		return false;
	}
	switch (table[i].r) {
	case R_CREDENTIAL:
		r_credential(x, arg, a);
		break;
	case R_DIGEST:
		r_digest(x, arg, a);
		break;
	case R_HOLDER:
		r_holder(x, arg, a);
		break;
	case R_ACHIEVEMENT:
		r_achievement(x, arg, a);
		break;
	case R_VERIFY:
		r_verify(x, a);
		break;
	case R_EVENTS:
		return r_events(x, a);
	case R_ISSUERS:
		r_issuers(x, a);
		break;
	case R_STATUS:
		r_status(x, a);
		break;
	case R_CHECKPOINT:
		r_checkpoint(x, a);
		break;
	case R_INCLUSION:
		r_inclusion(x, a);
		break;
	case R_CONSISTENCY:
		r_consistency(x, a);
		break;
	case R_METRICS:
		r_metrics(x, a);
		break;
	default:
		set_error(a, 404, "not_found", "no such resource");
		break;
	}
	return false;
}

/* One whole request: answer it (or start its submission). */
static void
handle(struct cl__http_conn *c)
{
	struct http_parser_url	 u;
	struct answer		 a;
	struct ctx		 x;
	char			 path[CL_HTTP_URL_MAX + 1];
	char			 query[CL_HTTP_URL_MAX + 1];
	bool			 keep = http_should_keep_alive(&c->p) != 0;
	size_t			 n;

	memset(&a, 0, sizeof(a));
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.h = c->h;
	x.l = c->h->srv->ledger;
	x.now = cl_now_ms();
	a.route = R_BAD;
	c->url[c->url_len] = '\0';
	http_parser_url_init(&u);
	if (c->h->stopping) {
		set_error(&a, 503, "shutting_down", "the node is stopping");
		keep = false;
	} else if (http_parser_parse_url(c->url, c->url_len, 0, &u) != 0 ||
	    !(u.field_set & (1 << UF_PATH))) {
		set_error(&a, 400, "bad_request", "the request target is not "
		    "a path");
	} else if (memchr(c->url, '%', c->url_len) != NULL) {
		/* nothing of this API needs escapes: hex, digits, '/' */
		set_error(&a, 400, "bad_request", "percent-escapes are not "
		    "used by this API: %.200s", c->url);
	} else {
		n = u.field_data[UF_PATH].len;
		memcpy(path, c->url + u.field_data[UF_PATH].off, n);
		path[n] = '\0';
		x.path = path;
		if (u.field_set & (1 << UF_QUERY)) {
			n = u.field_data[UF_QUERY].len;
			memcpy(query, c->url + u.field_data[UF_QUERY].off, n);
			query[n] = '\0';
			x.query = query;
		}
		if (route(&x, &a)) {
			/* on_submitted() answers; nothing more is read */
			read_stop(c);
			return;
		}
	}
	send_answer(c, &a, keep);
	free(a.body);
}

/* A request that cannot be read further: answer, then close. */
static void
fail_request(struct cl__http_conn *c, int code, const char *why)
{
	struct answer	a;

	memset(&a, 0, sizeof(a));
	a.route = R_BAD;
	switch (code) {
	case 408:
		set_error(&a, 408, "request_timeout", "%s", why);
		break;
	case 413:
		set_error(&a, 413, "body_too_large", "%s", why);
		break;
	case 414:
		set_error(&a, 414, "uri_too_long", "%s", why);
		break;
	case 431:
		set_error(&a, 431, "headers_too_large", "%s", why);
		break;
	case 500:
		set_error(&a, 500, "internal", "%s", why);
		break;
	case 503:
		set_error(&a, 503, "busy", "%s", why);
		break;
	default:
		set_error(&a, 400, "bad_request", "%s", why);
		break;
	}
	c->h->stats.conns_cut++;
	send_answer(c, &a, false);
	free(a.body);
}

/* Parser callbacks: collect the request, enforce the limits. */

static int
over(struct cl__http_conn *c, int code, const char *why)
{
	c->fail = code;
	c->fail_why = why;
	return -1;	/* stops the parser: HPE_CB_* */
}

static void
reset_request(struct cl__http_conn *c)
{
	c->url_len = 0;
	c->head_len = 0;
	c->header_cnt = 0;
	c->hname_len = 0;
	c->hval_len = 0;
	c->in_value = false;
	c->ctype[0] = '\0';
	c->expect_continue = false;
	c->body_len = 0;
	c->complete = false;
}

static int
on_message_begin(http_parser *p)
{
	struct cl__http_conn	*c = p->data;

	reset_request(c);
	if (c->req_ms == 0)
		c->req_ms = mono_ms(c->h);
	c->t0 = uv_hrtime();
	return 0;
}

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct cl__http_conn	*c = p->data;

	if (len > CL_HTTP_URL_MAX - c->url_len)
		return over(c, 414, "the request target is longer than this "
		    "node takes");
	memcpy(c->url + c->url_len, at, len);
	c->url_len += len;
	return 0;
}

/* The header just read in full: keep the few this port reads. */
static void
header_done(struct cl__http_conn *c)
{
	c->hname[c->hname_len] = '\0';
	c->hval[c->hval_len] = '\0';
	if (strcmp(c->hname, "content-type") == 0)
		memcpy(c->ctype, c->hval, c->hval_len + 1);
	else if (strcmp(c->hname, "expect") == 0 &&
	    strcmp(c->hval, "100-continue") == 0)
		c->expect_continue = true;
	c->hname_len = 0;
	c->hval_len = 0;
	c->in_value = false;
}

static int
head_bytes(struct cl__http_conn *c, size_t len)
{
	if (len > c->h->cfg->http_head_max - c->head_len ||
	    c->head_len + len > c->h->cfg->http_head_max)
		return over(c, 431, "the request's header fields are longer "
		    "than this node takes");
	c->head_len += len;
	return 0;
}

static int
on_header_field(http_parser *p, const char *at, size_t len)
{
	struct cl__http_conn	*c = p->data;
	size_t			 i;

	if (c->in_value)
		header_done(c);
	if (c->hname_len == 0 && ++c->header_cnt > CL_HTTP_HEADERS_MAX)
		return over(c, 431, "more header fields than this node "
		    "takes");
	if (head_bytes(c, len + 4) != 0)	/* ": " and CRLF */
		return -1;
	for (i = 0; i < len && c->hname_len < HNAME_CAP - 1; i++) {
		char ch = at[i];

		c->hname[c->hname_len++] = ch >= 'A' && ch <= 'Z' ?
		    (char)(ch - 'A' + 'a') : ch;
	}
	if (i < len)
		c->hname[0] = '\0';	/* a long name: not one we read */
	return 0;
}

static int
on_header_value(http_parser *p, const char *at, size_t len)
{
	struct cl__http_conn	*c = p->data;
	size_t			 n;

	c->in_value = true;
	if (head_bytes(c, len) != 0)
		return -1;
	n = len < HVAL_CAP - 1 - c->hval_len ? len :
	    HVAL_CAP - 1 - c->hval_len;
	memcpy(c->hval + c->hval_len, at, n);
	c->hval_len += n;
	return 0;
}

static int
on_headers_complete(http_parser *p)
{
	static const char	cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	struct cl__http_conn	*c = p->data;
	uint8_t			*buf;

	if (c->in_value)
		header_done(c);
	/* ULLONG_MAX: no Content-Length (none, or chunked) */
	if (p->content_length != ULLONG_MAX &&
	    p->content_length > c->h->cfg->http_body_max)
		return over(c, 413, "the body is longer than this node takes "
		    "(max_body_bytes)");
	if (c->expect_continue && p->http_major == 1 && p->http_minor >= 1 &&
	    (buf = malloc(sizeof(struct wreq) + sizeof(cont) - 1)) != NULL) {
		memcpy(buf + sizeof(struct wreq), cont, sizeof(cont) - 1);
		conn_send(c, buf, sizeof(cont) - 1);
	}
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct cl__http_conn	*c = p->data;
	size_t			 want;
	uint8_t			*b;

	if (len > c->h->cfg->http_body_max - c->body_len)
		return over(c, 413, "the body is longer than this node takes "
		    "(max_body_bytes)");
	if (c->body_len + len > c->body_cap) {
		/* a declared length is checked above: take it at once */
		want = p->content_length != ULLONG_MAX &&
		    !(p->flags & F_CHUNKED) ?
		    (size_t)p->content_length : c->body_cap * 2 + len;
		if (want < c->body_len + len)
			want = c->body_len + len;
		if (want > c->h->cfg->http_body_max)
			want = c->h->cfg->http_body_max;
		if ((b = realloc(c->body, want)) == NULL)
			return over(c, 500, "out of memory");
		c->body = b;
		c->body_cap = want;
	}
	memcpy(c->body + c->body_len, at, len);
	c->body_len += len;
	return 0;
}

static int
on_message_complete(http_parser *p)
{
	struct cl__http_conn	*c = p->data;

	c->complete = true;
	http_parser_pause(p, 1);	/* one request at a time, in order */
	return 0;
}

static const http_parser_settings settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

static void	on_alloc(uv_handle_t *, size_t, uv_buf_t *);
static void	on_read(uv_stream_t *, ssize_t, const uv_buf_t *);

static void
read_start(struct cl__http_conn *c)
{
	if (c->reading || c->closing || c->close_after || c->submitting ||
	    c->h->stopping)
		return;
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = true;
	else
		conn_close(c, "read failed", CL_EIO);
}

/*
 * Parse what was read, one request at a time, and answer each before the
 * next is parsed (pipelining, in order).  A submission in flight or a
 * full output stops it; so does CL_HTTP_PER_READ requests, the rest then
 * waits for the next read or write.
 */
static void
conn_drain(struct cl__http_conn *c)
{
	enum http_errno	 e;
	size_t		 off = 0, n;
	int		 reqs = 0;
	char		 why[160];

	while (!c->closing && !c->close_after && !c->submitting &&
	    c->out_len < CL_HTTP_OUT_MAX && reqs < CL_HTTP_PER_READ &&
	    off < c->in_len) {
		if (c->req_ms == 0)
			c->t0 = uv_hrtime();	/* also for a bad request */
		n = http_parser_execute(&c->p, &settings,
		    (const char *)c->in + off, c->in_len - off);
		off += n;
		e = HTTP_PARSER_ERRNO(&c->p);
		if (e == HPE_PAUSED) {
			http_parser_pause(&c->p, 0);
			c->req_ms = 0;
			reqs++;
			/* the last this turn: its write callback goes on */
			c->queue_answer = reqs == CL_HTTP_PER_READ;
			handle(c);
			c->queue_answer = false;
			continue;
		}
		if (e != HPE_OK) {
			if (c->fail != 0) {
				fail_request(c, c->fail, c->fail_why);
			} else if (e == HPE_HEADER_OVERFLOW) {
				fail_request(c, 431, "the request's header "
				    "fields are too long");
			} else {
				(void)snprintf(why, sizeof(why), "not an "
				    "HTTP/1.1 request: %s",
				    http_errno_description(e));
				fail_request(c, 400, why);
			}
			cl_log_info(comp, "peer=%s conn=%u bad request: %s",
			    c->peer, c->id, http_errno_name(e));
			off = c->in_len;
			break;
		}
		/* all of it taken, no whole request yet */
	}
	if (c->closing)
		return;
	if (off > 0) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	if (c->in_len == 0) {
		/* idle connections hold no buffer */
		free(c->in);
		c->in = NULL;
	}
	if (c->submitting || c->close_after ||
	    c->out_len >= CL_HTTP_OUT_MAX || c->in_len == CL_HTTP_IN_LEN)
		read_stop(c);
	else
		read_start(c);
}

static void
on_alloc(uv_handle_t *hd, size_t hint, uv_buf_t *buf)
{
	struct cl__http_conn	*c = (struct cl__http_conn *)hd;

	(void)hint;
	if (c->in == NULL && (c->in = malloc(CL_HTTP_IN_LEN)) == NULL) {
		*buf = uv_buf_init(NULL, 0);	/* UV_ENOBUFS */
		return;
	}
	*buf = uv_buf_init((char *)c->in + c->in_len,
	    (unsigned)(CL_HTTP_IN_LEN - c->in_len));
}

static void
on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct cl__http_conn	*c = (struct cl__http_conn *)st;

	(void)buf;
	if (nread < 0) {
		if (nread == UV_EOF && (c->submitting || c->out_len > 0)) {
			/* half-closed: the answers still go out */
			read_stop(c);
			c->close_after = true;
		} else {
			conn_close(c, nread == UV_EOF ? "end of stream" :
			    uv_strerror((int)nread), nread == UV_EOF ?
			    CL_OK : CL_EIO);
		}
		return;
	}
	if (nread == 0)
		return;
	c->in_len += (size_t)nread;
	conn_drain(c);
}

static void
on_connection(uv_stream_t *l, int status)
{
	struct cl_http		*h = l->data;
	struct cl__http_conn	*c;
	struct sockaddr_storage	 ss;
	int			 sl = sizeof(ss);

	if (status < 0) {
		cl_log_warn(comp, "accept: %s", uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cl_log_err(comp, "accept: out of memory");
		return;
	}
	c->h = h;
	uv_tcp_init(h->loop, &c->tcp);
	if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
		uv_close((uv_handle_t *)&c->tcp, (uv_close_cb)free);
		return;
	}
	http_parser_init(&c->p, HTTP_REQUEST);
	c->p.data = c;
	c->id = next_conn_id++;
	memset(&ss, 0, sizeof(ss));
	(void)uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &sl);
	addr_name(&ss, c->peer, sizeof(c->peer));
	uv_tcp_nodelay(&c->tcp, 1);
	c->last_ms = mono_ms(h);
	c->next = h->conns;
	if (h->conns != NULL)
		h->conns->prev = c;
	h->conns = c;
	h->conn_cnt++;
	h->stats.conns_total++;
	if (h->conn_cnt > h->cfg->http_max_conns) {
		h->stats.conns_refused++;
		c->t0 = uv_hrtime();
		fail_request(c, 503, "too many connections; try again later");
		cl_log_warn(comp, "peer=%s refused: %zu connections open",
		    c->peer, h->conn_cnt - 1);
		return;
	}
	cl_log_debug(comp, "peer=%s conn=%u open", c->peer, c->id);
	read_start(c);
}

static void
on_sweep(uv_timer_t *t)
{
	struct cl_http		*h = t->data;
	struct cl__http_conn	*c, *next;
	uint64_t		 now = mono_ms(h);

	for (c = h->conns; c != NULL; c = next) {
		next = c->next;
		if (c->closing || c->submitting)
			continue;
		if (c->close_after) {
			if (now - c->last_ms > h->cfg->http_request_ms)
				conn_close(c, "its answer is not being read",
				    CL_ETOOBIG);
		} else if (c->req_ms != 0 &&
		    now - c->req_ms > h->cfg->http_request_ms) {
			c->t0 = uv_hrtime();
			fail_request(c, 408, "the request did not arrive in "
			    "time (request_timeout_ms)");
		} else if (c->req_ms == 0 && c->out_len == 0 &&
		    now - c->last_ms > h->cfg->http_idle_ms) {
			conn_close(c, "idle", CL_OK);
		}
	}
}

/* Start and stop. */

static cl_err
parse_addr(const char *s, struct sockaddr_storage *ss)
{
	char		 host[CL_CONFIG_STR_MAX], *colon, *end;
	unsigned long	 port;

	(void)snprintf(host, sizeof(host), "%s", s);
	if ((colon = strrchr(host, ':')) == NULL || colon[1] < '0' ||
	    colon[1] > '9')
		return CL_EUSAGE;
	*colon = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port > 65535)
		return CL_EUSAGE;
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && colon > host + 1 && colon[-1] == ']') {
		colon[-1] = '\0';
		return uv_ip6_addr(host + 1, (int)port,
		    (struct sockaddr_in6 *)ss) == 0 ? CL_OK : CL_EUSAGE;
	}
	return uv_ip4_addr(host, (int)port, (struct sockaddr_in *)ss) == 0 ?
	    CL_OK : CL_EUSAGE;
}

cl_err
cl_http_start(struct cl_http *h, uv_loop_t *loop, struct cl_server *srv,
    const struct cl_config *cfg)
{
	struct sockaddr_storage	ss;
	int			sl = sizeof(ss), rc;
	cl_err			err;

	memset(h, 0, sizeof(*h));
	h->loop = loop;
	h->srv = srv;
	h->cfg = cfg;
	if ((err = parse_addr(cfg->http_listen, &ss)) != CL_OK)
		return err;
	if ((err = cl_ledger_digest(srv->ledger, h->digest)) != CL_OK)
		return err;
	h->digest_ms = cl_now_ms();
	/* without it every answer is made afresh: slower, still right */
	h->cache = calloc(CACHE_SLOTS, sizeof(*h->cache));
	/* the same for the issuer and achievement JSON answers share */
	h->frags = cl_report_cache_new();
	/* without it no credential is answered (500, out of memory) */
	h->body = calloc(1, sizeof(*h->body));
	uv_tcp_init(loop, &h->listener);
	h->listener.data = h;
	if ((rc = uv_tcp_bind(&h->listener, (struct sockaddr *)&ss, 0)) !=
	    0 || (rc = uv_listen((uv_stream_t *)&h->listener, 511,
	    on_connection)) != 0) {
		cl_log_err(comp, "listen on %s: %s", cfg->http_listen,
		    uv_strerror(rc));
		uv_close((uv_handle_t *)&h->listener, NULL);
		answers_free(h);
		return CL_EIO;
	}
	uv_tcp_getsockname(&h->listener, (struct sockaddr *)&ss, &sl);
	addr_name(&ss, h->addr, sizeof(h->addr));
	uv_timer_init(loop, &h->sweep);
	h->sweep.data = h;
	uv_timer_start(&h->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
	cl_log_info(comp, "serving HTTP on %s", h->addr);
	return CL_OK;
}

static void
cache_free(struct cl_http *h)
{
	size_t	i;

	if (h->cache == NULL)
		return;
	for (i = 0; i < CACHE_SLOTS; i++)
		free(h->cache[i].body);
	free(h->cache);
	h->cache = NULL;
}

static void
answers_free(struct cl_http *h)
{
	cache_free(h);
	cl_report_cache_free(h->frags);
	h->frags = NULL;
	cl_report_out_free(h->body);
	free(h->body);
	h->body = NULL;
}

static void
on_handle_closed(uv_handle_t *hd)
{
	struct cl_http	*h = hd->data;

	if (uv_is_closing((uv_handle_t *)&h->listener) &&
	    uv_is_closing((uv_handle_t *)&h->sweep))
		maybe_stopped(h);
}

static void
maybe_stopped(struct cl_http *h)
{
	if (!h->stopping || h->done || h->conns != NULL || h->orphans > 0 ||
	    !uv_is_closing((uv_handle_t *)&h->sweep))
		return;
	h->done = true;
	answers_free(h);
	cl_log_info(comp, "stopped: %llu connections served",
	    (unsigned long long)h->stats.conns_total);
	if (h->stopped != NULL)
		h->stopped(h);
}

void
cl_http_stop(struct cl_http *h, void (*stopped)(struct cl_http *))
{
	struct cl__http_conn	*c, *next;

	if (stopped != NULL)
		h->stopped = stopped;
	if (h->stopping)
		return;
	h->stopping = true;
	uv_close((uv_handle_t *)&h->listener, on_handle_closed);
	uv_close((uv_handle_t *)&h->sweep, on_handle_closed);
	for (c = h->conns; c != NULL; c = next) {
		next = c->next;
		read_stop(c);
		if (!c->submitting && c->out_len == 0)
			conn_close(c, "node stopping", CL_OK);
		else
			c->close_after = true;
	}
	maybe_stopped(h);
}
