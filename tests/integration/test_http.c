/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP port of a real credledger-node: routes, status codes, JSON
 * bodies and errors, submissions through POST /v1/events, keep-alive and
 * pipelining on one connection, the limits (body, header, target sizes,
 * timeouts, connections) and /metrics counting what it served.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>

#include "bundle.h"
#include "genesis.h"
#include "harness.h"
#include "hex.h"
#include "status.h"
#include "testlib.h"
#include "wire.h"

static struct tl_net	net;
static struct tl_feed	iss;
static struct h_node	n;

static const char doc[] = "{\"credentialSubject\": \"a test document\"}";

static const char *const http_args[] = { "--http", "127.0.0.1:0", NULL };

static void
setup(void)
{
	tl_net(&net, 1);
	tl_feed(&iss, 7);
	h_node_start(&n, &net, http_args);
	cr_assert_gt(n.http_port, 0, "no http= in the ready line");
}

static void
teardown(void)
{
	/* a clean exit: under the sanitizers, also no leak */
	if (n.pid > 0 && h_node_alive(&n))
		cr_expect_eq(h_node_stop(&n), 0, "the node's exit status");
	h_node_free(&n);
}

TestSuite(http, .init = setup, .fini = teardown, .timeout = 120);

/* The body as JSON; asserts it parses. */
static json_t *
body_json(const struct h_http_resp *r)
{
	json_error_t	 e;
	json_t		*o;

	o = json_loadb((const char *)r->body, r->body_len, 0, &e);
	cr_assert_not_null(o, "not JSON (%s): %s", e.text, r->body);
	return o;
}

static const char *
str_of(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	cr_assert(json_is_string(v), "%s is not a string", key);
	return json_string_value(v);
}

/* An API answer: code, JSON, Content-Length; the body parsed. */
static json_t *
expect(const struct h_http_resp *r, int code)
{
	cr_assert_eq(r->status, code, "status %d, not %d: %s", r->status,
	    code, r->body);
	cr_assert(r->has_length, "no Content-Length");
	cr_assert_eq(strncmp(r->ctype, "application/json", 16), 0,
	    "Content-Type %s", r->ctype);
	return body_json(r);
}

/* An error answer: {"error": error, "detail": "..."}. */
static void
expect_error(const struct h_http_resp *r, int code, const char *error)
{
	json_t	*o = expect(r, code);

	cr_assert_str_eq(str_of(o, "error"), error);
	cr_assert_gt(strlen(str_of(o, "detail")), 10, "say what was wrong");
	json_decref(o);
}

static json_t *
get_json(const char *path, int code)
{
	struct h_http_resp	r;
	json_t			*o;

	h_http_get(n.http_port, path, &r);
	o = expect(&r, code);
	h_http_resp_free(&r);
	return o;
}

/* A SUBMIT payload of the events (the client protocol's, no frame). */
static uint8_t *
submit_payload(const struct tl_ev *const *evs, uint32_t cnt, size_t *len)
{
	const uint8_t	*ev[8];
	size_t		 evlen[8], flen;
	struct cl_req	 q;
	uint8_t		*buf;
	uint32_t	 i;

	cr_assert_leq(cnt, 8);
	for (i = 0; i < cnt; i++) {
		ev[i] = evs[i]->bytes;
		evlen[i] = evs[i]->len;
	}
	memset(&q, 0, sizeof(q));
	q.op = CL_OP_SUBMIT;
	q.ev = ev;
	q.ev_len = evlen;
	q.ev_cnt = cnt;
	buf = malloc(8 * (CL_EVENT_MAX + 16) + 64);
	cr_assert_not_null(buf);
	cr_assert_eq(cl_req_encode(&q, buf, 8 * (CL_EVENT_MAX + 16) + 64,
	    &flen), CL_OK);
	*len = flen - CL_WIRE_HDR_LEN;
	memmove(buf, buf + CL_WIRE_HDR_LEN, *len);
	return buf;
}

/* POST the events; every result must be want. */
static void
post_events(const struct tl_ev *const *evs, uint32_t cnt, const char *want)
{
	struct h_http		 c;
	struct h_http_resp	 r;
	json_t			*o, *res;
	uint8_t			*p;
	size_t			 len, i;

	p = submit_payload(evs, cnt, &len);
	h_http_connect(&c, n.http_port);
	h_http_request(&c, "POST", "/v1/events", "application/msgpack", p,
	    len);
	free(p);
	cr_assert(h_http_recv(&c, &r));
	o = expect(&r, 200);
	res = json_object_get(o, "results");
	cr_assert_eq(json_array_size(res), cnt);
	for (i = 0; i < cnt; i++)
		cr_assert_str_eq(str_of(json_array_get(res, i), "result"),
		    want, "event %zu: %s", i, r.body);
	json_decref(o);
	h_http_resp_free(&r);
	h_http_close(&c);
}

/* ACCREDIT, DEFINE and an ISSUE for doc; the ISSUE is out. */
static void
issue_one(struct tl_ev *acc, struct tl_ev *def, struct tl_ev *is)
{
	const struct tl_ev	*evs[3] = { acc, def, is };
	struct cl_event		 ev;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, acc);
	tl_define(&net, &iss, def);
	cl_ev_init(&ev);
	ev.type = CL_EV_ISSUE;
	memcpy(ev.body.issue.achievement, def->id, CL_ID_LEN);
	memset(ev.body.issue.holder, 0x42, CL_ID_LEN);
	crypto_hash_sha256(ev.body.issue.digest, (const uint8_t *)doc,
	    sizeof(doc) - 1);
	ev.body.issue.issued_at = 1700000000000ull;
	ev.body.issue.supervision = CL_SUP_ONSITE_ID;
	tl_sign(&net, &iss, &ev, is);
	post_events(evs, 3, "accepted");
}

static void
hex_path(char *out, size_t cap, const char *prefix, const uint8_t *id)
{
	char	hex[2 * CL_ID_LEN + 1];

	cl_hex_encode(hex, id, CL_ID_LEN);
	snprintf(out, cap, "%s%s", prefix, hex);
}

Test(http, status_is_the_status_verbs_json)
{
	json_t	*o = get_json("/v1/status", 200);
	char	 hex[65];

	cl_hex_encode(hex, net.netid, CL_ID_LEN);
	cr_assert_str_eq(str_of(o, "network_id"), hex);
	cr_assert_str_eq(str_of(o, "node"), n.node_hex);
	cr_assert_str_eq(str_of(o, "network_name"), "test");
	cr_assert(json_is_object(json_object_get(o, "events_by_type")));
	cr_assert(json_is_integer(json_object_get(o, "log_size")));
	json_decref(o);
}

Test(http, bad_ids_unknown_routes_and_methods_are_json_errors)
{
	struct h_http		c;
	struct h_http_resp	r;
	char			path[128];
	json_t			*o;

	h_http_get(n.http_port, "/v1/credentials/xyz", &r);
	expect_error(&r, 400, "bad_id");
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/v1/credentials/0123456789abcdef", &r);
	expect_error(&r, 400, "bad_id");
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/v1/holders/nothex", &r);
	expect_error(&r, 400, "bad_id");
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/v1/achievements/", &r);
	expect_error(&r, 400, "bad_id");
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/v1/nothing-here", &r);
	expect_error(&r, 404, "not_found");
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/v1/proofs/inclusion?position=x", &r);
	expect_error(&r, 400, "bad_query");
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/v1/proofs/consistency?m=5&n=9", &r);
	expect_error(&r, 400, "bad_query");
	h_http_resp_free(&r);

	h_http_connect(&c, n.http_port);
	h_http_request(&c, "DELETE", "/v1/status", NULL, NULL, 0);
	cr_assert(h_http_recv(&c, &r));
	expect_error(&r, 405, "method_not_allowed");
	cr_assert_str_eq(r.allow, "GET, HEAD");
	h_http_resp_free(&r);
	h_http_request(&c, "GET", "/v1/verify", NULL, NULL, 0);
	cr_assert(h_http_recv(&c, &r));
	expect_error(&r, 405, "method_not_allowed");
	cr_assert_str_eq(r.allow, "POST");
	h_http_resp_free(&r);
	h_http_close(&c);

	/* unknown: the report all the same, status "unknown", 404 */
	memset(path, 0, sizeof(path));
	snprintf(path, sizeof(path), "/v1/credentials/%064d", 0);
	o = get_json(path, 404);
	cr_assert_str_eq(str_of(o, "status"), "unknown");
	cr_assert(json_is_null(json_object_get(o, "bundle")));
	json_decref(o);
}

Test(http, submitted_events_are_answered_and_the_credential_found)
{
	struct tl_ev	 acc, def, is, rv;
	const struct tl_ev *one[1] = { &rv };
	char		 path[160], hex[65];
	json_t		*o, *a, *list;
	uint8_t		 raw[CL_BUNDLE_MAX];
	size_t		 raw_len;
	struct cl_bundle b;
	struct cl_genesis g;

	issue_one(&acc, &def, &is);
	post_events((const struct tl_ev *const[]){ &is }, 1, "duplicate");

	hex_path(path, sizeof(path), "/v1/credentials/", is.id);
	o = get_json(path, 200);
	cr_assert_str_eq(str_of(o, "status"), "valid");
	cr_assert(json_is_true(json_object_get(o, "proof_checked")));
	cr_assert_eq(json_integer_value(json_object_get(o, "proof_events")),
	    3);
	a = json_object_get(o, "achievement");
	cl_hex_encode(hex, def.id, CL_ID_LEN);
	cr_assert_str_eq(str_of(a, "id"), hex);
	cr_assert(json_is_array(json_object_get(a, "learning_outcomes")));
	cl_hex_encode(hex, iss.key.pk, CL_PK_LEN);
	cr_assert_str_eq(str_of(json_object_get(o, "issuer"), "key"), hex);
	/* the bundle is there, and checks offline */
	cr_assert_eq(sodium_base642bin(raw, sizeof(raw), str_of(o, "bundle"),
	    strlen(str_of(o, "bundle")), NULL, &raw_len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	cr_assert_eq(cl_genesis_decode(&g, net.genesis, net.genesis_len, NULL),
	    CL_OK);
	cr_assert_eq(cl_bundle_check(&b, &g, raw, raw_len, is.id, TL_NOW,
	    NULL), CL_OK);
	cr_assert_eq(b.result.status, CL_ST_VALID);
	cl_bundle_free(&b);
	cl_genesis_free(&g);
	json_decref(o);

	/* by document: POSTed, and by its digest */
	{
		struct h_http		c;
		struct h_http_resp	r;
		uint8_t			d[CL_ID_LEN];

		h_http_connect(&c, n.http_port);
		h_http_request(&c, "POST", "/v1/verify", "application/json",
		    doc, sizeof(doc) - 1);
		cr_assert(h_http_recv(&c, &r));
		o = expect(&r, 200);
		h_http_resp_free(&r);
		cl_hex_encode(hex, is.id, CL_ID_LEN);
		cr_assert_str_eq(str_of(o, "credential"), hex);
		cr_assert_eq(json_array_size(json_object_get(o, "matches")),
		    1);
		cr_assert(json_is_false(json_object_get(o, "more")));
		json_decref(o);
		h_http_request(&c, "POST", "/v1/verify", "text/plain",
		    "another document", 16);
		cr_assert(h_http_recv(&c, &r));
		expect_error(&r, 404, "not_found");
		h_http_resp_free(&r);
		h_http_close(&c);
		crypto_hash_sha256(d, (const uint8_t *)doc, sizeof(doc) - 1);
		hex_path(path, sizeof(path), "/v1/digests/", d);
		o = get_json(path, 200);
		cr_assert_str_eq(str_of(o, "status"), "valid");
		json_decref(o);
	}

	/* the holder's credentials */
	memset(hex, '4', 64);
	hex[64] = '\0';
	for (size_t i = 1; i < 64; i += 2)
		hex[i] = '2';
	snprintf(path, sizeof(path), "/v1/holders/%s", hex);
	o = get_json(path, 200);
	list = json_object_get(o, "credentials");
	cr_assert_eq(json_array_size(list), 1);
	cr_assert_str_eq(str_of(json_array_get(list, 0), "status"), "valid");
	json_decref(o);

	/* the achievement, rendered, with its event */
	hex_path(path, sizeof(path), "/v1/achievements/", def.id);
	o = get_json(path, 200);
	cr_assert(json_is_integer(json_object_get(o, "eqf")));
	cr_assert(json_is_object(json_object_get(o, "titles")));
	cr_assert(json_is_string(json_object_get(o, "event")));
	json_decref(o);
	hex_path(path, sizeof(path), "/v1/achievements/", is.id);
	json_decref(get_json(path, 404));

	/* the issuer, accredited */
	o = get_json("/v1/issuers", 200);
	list = json_object_get(o, "issuers");
	cr_assert_eq(json_array_size(list), 1);
	cr_assert_str_eq(str_of(json_array_get(list, 0), "state"),
	    "accredited");
	cr_assert_str_eq(str_of(json_array_get(list, 0), "country"), "DE");
	json_decref(o);

	/* revoked: the reason shows */
	tl_change(&net, &iss, CL_EV_REVOKE, is.id, &rv);
	post_events(one, 1, "accepted");
	hex_path(path, sizeof(path), "/v1/credentials/", is.id);
	o = get_json(path, 200);
	cr_assert_str_eq(str_of(o, "status"), "revoked");
	cr_assert_str_eq(str_of(json_object_get(o, "revocation"), "reason"),
	    "issued in error");
	json_decref(o);

	/* the log: checkpoint and proofs */
	o = get_json("/v1/checkpoint", 200);
	cr_assert_eq(json_integer_value(json_object_get(o, "size")), 4);
	json_decref(o);
	o = get_json("/v1/proofs/inclusion?position=1&size=4", 200);
	cr_assert_eq(json_array_size(json_object_get(o, "path")), 2);
	json_decref(o);
	o = get_json("/v1/proofs/consistency?m=2&n=4", 200);
	cr_assert(json_is_array(json_object_get(o, "proof")));
	json_decref(o);
}

Test(http, bad_submissions_are_refused_with_the_reason)
{
	struct h_http		c;
	struct h_http_resp	r;
	struct tl_ev		acc, bad;
	const struct tl_ev	*one[1] = { &bad };
	uint8_t			*p;
	size_t			 len;
	json_t			*o, *res;

	h_http_connect(&c, n.http_port);
	h_http_request(&c, "POST", "/v1/events", "application/json", "[]", 2);
	cr_assert(h_http_recv(&c, &r));
	expect_error(&r, 415, "unsupported_media_type");
	h_http_resp_free(&r);
	h_http_request(&c, "POST", "/v1/events", "application/msgpack",
	    "\x93\x01", 2);
	cr_assert(h_http_recv(&c, &r));
	expect_error(&r, 400, "bad_submit");
	h_http_resp_free(&r);
	/* a bad signature: a result, not an HTTP error */
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	bad = acc;
	bad.bytes[bad.len - 1] ^= 1;
	p = submit_payload(one, 1, &len);
	h_http_request(&c, "POST", "/v1/events", "application/msgpack", p,
	    len);
	free(p);
	cr_assert(h_http_recv(&c, &r));
	o = expect(&r, 200);
	res = json_array_get(json_object_get(o, "results"), 0);
	cr_assert_str_eq(str_of(res, "result"), "rejected");
	cr_assert_str_eq(str_of(res, "error"), "BADSIG");
	json_decref(o);
	h_http_resp_free(&r);
	h_http_close(&c);
}

Test(http, keep_alive_and_pipelined_requests_answer_in_order)
{
	static const char three[] =
	    "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /v1/credentials/nope HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /v1/issuers HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	struct h_http		c;
	struct h_http_resp	r;
	int			i;

	h_http_connect(&c, n.http_port);
	/* keep-alive: many requests, one connection */
	for (i = 0; i < 20; i++) {
		h_http_request(&c, "GET", "/v1/status", NULL, NULL, 0);
		cr_assert(h_http_recv(&c, &r));
		cr_assert_eq(r.status, 200);
		cr_assert(r.keep_alive);
		cr_assert_str_eq(r.connection, "keep-alive");
		h_http_resp_free(&r);
	}
	/* pipelined, in one write: answers in request order */
	h_http_send(&c, three, sizeof(three) - 1);
	cr_assert(h_http_recv(&c, &r));
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr((char *)r.body, "network_id"));
	h_http_resp_free(&r);
	cr_assert(h_http_recv(&c, &r));
	cr_assert_eq(r.status, 400);
	h_http_resp_free(&r);
	cr_assert(h_http_recv(&c, &r));
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr((char *)r.body, "\"issuers\""));
	h_http_resp_free(&r);
	cr_assert(h_http_recv(&c, &r));
	cr_assert_eq(r.status, 200);
	cr_assert_eq(strncmp(r.ctype, "text/plain; version=0.0.4", 25), 0);
	h_http_resp_free(&r);
	/* HTTP/1.0 without keep-alive: closed after the answer */
	h_http_send(&c, "GET /v1/status HTTP/1.0\r\n\r\n", 27);
	cr_assert(h_http_recv(&c, &r));
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.connection, "close");
	h_http_resp_free(&r);
	cr_assert(!h_http_recv(&c, &r), "closed after an HTTP/1.0 answer");
	h_http_close(&c);
}

/*
 * More pipelined requests than the node parses in one turn
 * (CL_HTTP_PER_READ), sent at once and then nothing more: every one is
 * answered, in order, though no further read comes to resume parsing.
 */
Test(http, more_pipelined_requests_than_one_turn_takes)
{
	static const char	one[] = "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
	enum { CNT = 3 * CL_HTTP_PER_READ + 5 };
	struct h_http		c;
	struct h_http_resp	r;
	char			*all;
	size_t			 i;

	cr_assert_not_null(all = malloc(CNT * (sizeof(one) - 1)));
	for (i = 0; i < CNT; i++)
		memcpy(all + i * (sizeof(one) - 1), one, sizeof(one) - 1);
	h_http_connect(&c, n.http_port);
	h_http_send(&c, all, CNT * (sizeof(one) - 1));
	free(all);
	for (i = 0; i < CNT; i++) {
		cr_assert(h_http_recv(&c, &r), "answer %zu of %d", i + 1, CNT);
		cr_assert_eq(r.status, 200);
		h_http_resp_free(&r);
	}
	h_http_close(&c);
}

/* Send raw, expect one error answer and the connection closed. */
static void
refused(const void *req, size_t len, int code, const char *error)
{
	struct h_http		c;
	struct h_http_resp	r;

	h_http_connect(&c, n.http_port);
	h_http_send(&c, req, len);
	cr_assert(h_http_recv(&c, &r), "an answer before the close");
	expect_error(&r, code, error);
	cr_assert_str_eq(r.connection, "close");
	h_http_resp_free(&r);
	cr_assert(!h_http_recv(&c, &r), "closed after %d", code);
	h_http_close(&c);
}

Test(http, oversized_bodies_headers_and_targets_are_refused)
{
	static const char cl[] = "POST /v1/verify HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 1048577\r\n\r\n";
	char	*big;
	size_t	 len, i, off;

	/* a body over max_body_bytes, refused by its Content-Length */
	refused(cl, sizeof(cl) - 1, 413, "body_too_large");
	/* ... and a chunked one, as it comes */
	big = malloc(2 * 1024 * 1024);
	cr_assert_not_null(big);
	off = (size_t)sprintf(big, "POST /v1/verify HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	for (i = 0; i < 17; i++) {
		off += (size_t)sprintf(big + off, "10000\r\n");
		memset(big + off, 'a', 65536);
		off += 65536;
		off += (size_t)sprintf(big + off, "\r\n");
	}
	refused(big, off, 413, "body_too_large");
	/* header fields over max_header_bytes */
	len = (size_t)sprintf(big, "GET /v1/status HTTP/1.1\r\nX-Pad: ");
	memset(big + len, 'p', 9000);
	len += 9000;
	len += (size_t)sprintf(big + len, "\r\n\r\n");
	refused(big, len, 431, "headers_too_large");
	/* too many header fields */
	len = (size_t)sprintf(big, "GET /v1/status HTTP/1.1\r\n");
	for (i = 0; i < 80; i++)
		len += (size_t)sprintf(big + len, "X-H%zu: 1\r\n", i);
	len += (size_t)sprintf(big + len, "\r\n");
	refused(big, len, 431, "headers_too_large");
	/* a target over 2048 bytes */
	len = (size_t)sprintf(big, "GET /v1/credentials/");
	memset(big + len, 'a', 3000);
	len += 3000;
	len += (size_t)sprintf(big + len, " HTTP/1.1\r\n\r\n");
	refused(big, len, 414, "uri_too_long");
	/* not HTTP at all */
	refused("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11, 400,
	    "bad_request");
	free(big);

	/* and the node goes on */
	json_decref(get_json("/v1/status", 200));
}

Test(http, a_request_that_does_not_arrive_in_time_is_408)
{
	struct h_http		c;
	struct h_http_resp	r;
	char			cfg[256];
	FILE			*f;

	/* a short request timeout, from the config file */
	h_node_stop(&n);
	snprintf(cfg, sizeof(cfg), "%s/http.ini", n.dir);
	f = fopen(cfg, "w");
	cr_assert_not_null(f);
	fprintf(f, "[http]\nrequest_timeout_ms = 300\n");
	fclose(f);
	{
		const char *const args[] = { "--config", cfg, "--http",
		    "127.0.0.1:0", NULL };

		h_node_restart(&n, args);
	}
	h_http_connect(&c, n.http_port);
	h_http_send(&c, "GET /v1/sta", 11);
	cr_assert(h_http_recv(&c, &r));
	expect_error(&r, 408, "request_timeout");
	h_http_resp_free(&r);
	cr_assert(!h_http_recv(&c, &r));
	h_http_close(&c);
}

/* The value of one metrics line, or -1 when it is missing. */
static double
metric(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 len = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == ' ')
			return strtod(p + len + 1, NULL);
		p += len;
	}
	return -1;
}

Test(http, metrics_are_prometheus_text_and_count)
{
	struct h_http_resp	r;
	struct tl_ev		acc, def, is;
	double			before, after;
	static const char *const lines[] = {
		"credledger_events{type=\"ISSUE\"}",
		"credledger_log_events",
		"credledger_submitted_events_total{result=\"accepted\"}",
		"credledger_http_request_duration_seconds_bucket{le=\"+Inf\"}",
		"credledger_http_request_duration_seconds_count",
		"credledger_client_connections",
		"credledger_http_connections",
		"credledger_lmdb_map_used_bytes",
		"credledger_lmdb_map_size_bytes",
		"credledger_state_digest_age_seconds",
		"credledger_peers{state=\"up\"}",
	};
	size_t			i;

	json_decref(get_json("/v1/status", 200));
	h_http_get(n.http_port, "/metrics", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr((char *)r.body,
	    "# TYPE credledger_http_request_duration_seconds histogram"));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		cr_assert_geq(metric((char *)r.body, lines[i]), 0,
		    "missing: %s", lines[i]);
	before = metric((char *)r.body,
	    "credledger_http_requests_total{route=\"status\",code=\"200\"}");
	cr_assert_geq(before, 1);
	cr_assert_eq(metric((char *)r.body,
	    "credledger_events{type=\"ISSUE\"}"), 0);
	h_http_resp_free(&r);

	issue_one(&acc, &def, &is);
	json_decref(get_json("/v1/status", 200));
	h_http_get(n.http_port, "/metrics", &r);
	after = metric((char *)r.body,
	    "credledger_http_requests_total{route=\"status\",code=\"200\"}");
	cr_assert_eq(after, before + 1, "status served once more");
	cr_assert_eq(metric((char *)r.body,
	    "credledger_events{type=\"ISSUE\"}"), 1);
	cr_assert_eq(metric((char *)r.body,
	    "credledger_submitted_events_total{result=\"accepted\"}"), 3);
	cr_assert_eq(metric((char *)r.body,
	    "credledger_http_requests_total{route=\"events\",code=\"200\"}"),
	    1);
	cr_assert_lt(metric((char *)r.body,
	    "credledger_state_digest_age_seconds"), 60);
	h_http_resp_free(&r);
}

Test(http, the_page_is_served_with_its_files)
{
	struct h_http_resp	r;

	h_http_get(n.http_port, "/", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(strncmp(r.ctype, "text/html", 9), 0);
	cr_assert_not_null(strstr((char *)r.body, "app.js"));
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/app.js", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(strncmp(r.ctype, "text/javascript", 15), 0);
	h_http_resp_free(&r);
	h_http_get(n.http_port, "/style.css", &r);
	cr_assert_eq(r.status, 200);
	h_http_resp_free(&r);
}

Test(http, a_submission_in_flight_is_answered_at_sigterm)
{
	struct tl_ev		acc, def, is;

	issue_one(&acc, &def, &is);
	cr_assert_eq(h_node_stop(&n), 0, "a clean exit with HTTP on");
}

Test(http, one_connection_over_max_connections_is_answered_503)
{
	struct h_http		c1, c2;
	struct h_http_resp	r;
	char			cfg[256];
	FILE			*f;

	h_node_stop(&n);
	snprintf(cfg, sizeof(cfg), "%s/http.ini", n.dir);
	f = fopen(cfg, "w");
	cr_assert_not_null(f);
	fprintf(f, "[http]\nmax_connections = 1\n");
	fclose(f);
	{
		const char *const args[] = { "--config", cfg, "--http",
		    "127.0.0.1:0", NULL };

		h_node_restart(&n, args);
	}
	h_http_connect(&c1, n.http_port);
	h_http_request(&c1, "GET", "/v1/status", NULL, NULL, 0);
	cr_assert(h_http_recv(&c1, &r));
	cr_assert_eq(r.status, 200);
	h_http_resp_free(&r);
	h_http_connect(&c2, n.http_port);
	cr_assert(h_http_recv(&c2, &r));
	expect_error(&r, 503, "busy");
	h_http_resp_free(&r);
	cr_assert(!h_http_recv(&c2, &r));
	h_http_close(&c2);
	/* the first goes on */
	h_http_request(&c1, "GET", "/v1/status", NULL, NULL, 0);
	cr_assert(h_http_recv(&c1, &r));
	cr_assert_eq(r.status, 200);
	h_http_resp_free(&r);
	h_http_close(&c1);
}

Test(http, the_port_is_off_unless_asked_for)
{
	h_node_stop(&n);
	h_node_restart(&n, NULL);
	cr_assert_eq(n.http_port, 0, "no http= in the ready line");
}

/*
 * A GET pipelined behind a POST /v1/events waits for the commit: it
 * sees the credential the POST stored, and answers come in order.
 */
Test(http, a_query_pipelined_behind_a_submission_sees_its_commit)
{
	struct tl_ev		 acc, def, is;
	const struct tl_ev	*evs[3] = { &acc, &def, &is };
	struct cl_event		 ev;
	struct h_http		 c;
	struct h_http_resp	 r;
	char			 head[256], get[256], hex[65];
	uint8_t			*p;
	size_t			 len;
	json_t			*o;
	int			 n1, n2;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_define(&net, &iss, &def);
	cl_ev_init(&ev);
	ev.type = CL_EV_ISSUE;
	memcpy(ev.body.issue.achievement, def.id, CL_ID_LEN);
	memset(ev.body.issue.holder, 0x17, CL_ID_LEN);
	ev.body.issue.issued_at = 1700000000000ull;
	ev.body.issue.supervision = CL_SUP_NONE;
	tl_sign(&net, &iss, &ev, &is);
	p = submit_payload(evs, 3, &len);
	cl_hex_encode(hex, is.id, CL_ID_LEN);
	n1 = snprintf(head, sizeof(head), "POST /v1/events HTTP/1.1\r\n"
	    "Host: x\r\nContent-Type: application/msgpack\r\n"
	    "Content-Length: %zu\r\n\r\n", len);
	n2 = snprintf(get, sizeof(get), "GET /v1/credentials/%s HTTP/1.1\r\n"
	    "Host: x\r\n\r\n", hex);
	h_http_connect(&c, n.http_port);
	h_http_send(&c, head, (size_t)n1);
	h_http_send(&c, p, len);
	h_http_send(&c, get, (size_t)n2);
	free(p);
	cr_assert(h_http_recv(&c, &r));
	o = expect(&r, 200);
	cr_assert_eq(json_integer_value(json_object_get(o, "stored")), 3);
	json_decref(o);
	h_http_resp_free(&r);
	cr_assert(h_http_recv(&c, &r));
	o = expect(&r, 200);
	cr_assert_str_eq(str_of(o, "status"), "valid");
	cr_assert_str_eq(str_of(o, "credential"), hex);
	json_decref(o);
	h_http_resp_free(&r);
	h_http_close(&c);
}
