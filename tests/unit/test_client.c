/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client side of the node protocol: host:port, the TCP client against
 * scripted servers, holder references, dates, ISSUE fields and batches,
 * and verify's report on bundles a ledger of the library makes.
 */
#include <criterion/criterion.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "bundle.h"
#include "client.h"
#include "clientlib.h"
#include "date.h"
#include "hex.h"
#include "issue.h"
#include "report.h"
#include "util.h"
#include "wire.h"

TestSuite(client, .init = ct_setup, .fini = ct_teardown, .timeout = 120);

/* host:port */

Test(client, hostport_good)
{
	static const struct {
		const char	*in, *host;
		uint16_t	 port;
	} ok[] = {
		{ "127.0.0.1:7400", "127.0.0.1", 7400 },
		{ "node-1.example.org:1", "node-1.example.org", 1 },
		{ "localhost:65535", "localhost", 65535 },
		{ "[::1]:7400", "::1", 7400 },
		{ "[fe80::1:2]:80", "fe80::1:2", 80 },
	};
	char		host[CL_CLIENT_HOST_MAX + 1];
	uint16_t	port;
	size_t		i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert_eq(cl_client_parse_hostport(ok[i].in, host,
		    sizeof(host), &port), CL_OK, "%s", ok[i].in);
		cr_assert_str_eq(host, ok[i].host);
		cr_assert_eq(port, ok[i].port, "%s", ok[i].in);
	}
}

Test(client, hostport_bad)
{
	static const char *const bad[] = {
		"", ":", ":7400", "localhost", "localhost:", "localhost:0",
		"localhost:65536", "localhost:+1", "localhost:-1",
		"localhost:07400", "localhost:74a", "localhost:7400 ",
		" localhost:7400", "local host:1", "::1:7400", "[::1]",
		"[::1]7400", "[::1]:", "[]:7400", "[::g]:1", "a:b:1",
		"localhost:99999999999999999999", "ho\tst:1",
	};
	char		host[CL_CLIENT_HOST_MAX + 1], small[4], longer[300];
	uint16_t	port = 42;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(cl_client_parse_hostport(bad[i], host,
		    sizeof(host), &port), CL_EUSAGE, "'%s' taken", bad[i]);
	cr_assert_eq(port, 42, "a failure wrote the port");
	/* a host over the limit, and over the caller's buffer */
	memset(longer, 'a', 256);
	strcpy(longer + 256, ":1");
	cr_assert_eq(cl_client_parse_hostport(longer, host, sizeof(host),
	    &port), CL_EUSAGE);
	cr_assert_eq(cl_client_parse_hostport("abcd:1", small, sizeof(small),
	    &port), CL_EUSAGE);
	cr_assert_eq(cl_client_parse_hostport("abc:1", small, sizeof(small),
	    &port), CL_OK);
}

Test(client, node_option_env_default)
{
	cr_assert_eq(unsetenv(CL_CLIENT_NODE_ENV), 0);
	cr_assert_str_eq(cl_client_node(NULL), CL_CLIENT_DEFAULT_NODE);
	cr_assert_str_eq(CL_CLIENT_DEFAULT_NODE, "127.0.0.1:7400");
	cr_assert_eq(setenv(CL_CLIENT_NODE_ENV, "", 1), 0);
	cr_assert_str_eq(cl_client_node(NULL), CL_CLIENT_DEFAULT_NODE);
	cr_assert_eq(setenv(CL_CLIENT_NODE_ENV, "node.example:7401", 1), 0);
	cr_assert_str_eq(cl_client_node(NULL), "node.example:7401");
	cr_assert_str_eq(cl_client_node("10.0.0.1:1"), "10.0.0.1:1");
}

Test(client, connect_refused)
{
	struct cl_client	c;
	char			addr[32];
	uint16_t		port;

	/* a port that was just free, and nobody listens on now */
	(void)close(ct_listener(&port));
	ct_addr(addr, sizeof(addr), port);
	cl_client_init(&c);
	cr_assert_eq(cl_client_open(&c, addr), CL_ECONNECT);
	cr_assert_not_null(strstr(c.msg, "cannot reach the node"), "%s",
	    c.msg);
	cr_assert_eq(c.fd, -1);
	cr_assert_eq(cl_client_open(&c, "127.0.0.1:0"), CL_EUSAGE);
	cr_assert_not_null(strstr(c.msg, "bad node address"), "%s", c.msg);
	cl_client_close(&c);
}

/* A reply of a scripted ct_server: bytes sent after one request. */
struct reply {
	const uint8_t	*bytes;
	size_t		 len;
	bool		 close;		/* then close the connection */
};

/*
 * A ct_server that takes one connection and answers the requests on it with
 * replies[0..n), then waits for the end of the stream.
 */
static uint16_t
scripted(const struct reply *replies, size_t n)
{
	uint8_t		*req, c;
	uint32_t	 len;
	uint16_t	 port;
	size_t		 i;
	int		 lfd = ct_listener(&port), fd;

	cr_assert((ct_server = fork()) >= 0);
	if (ct_server > 0) {
		(void)close(lfd);
		return port;
	}
	if ((fd = accept(lfd, NULL, NULL)) < 0)
		_exit(1);
	for (i = 0; i < n; i++) {
		if (ct_read_request(fd, &req, &len) != 0)
			_exit(1);
		free(req);
		if (ct_write_n(fd, replies[i].bytes, replies[i].len) != 0)
			_exit(1);
		if (replies[i].close)
			_exit(0);
	}
	while (read(fd, &c, 1) > 0)
		;
	_exit(0);
}

Test(client, call_answers_and_node_errors)
{
	struct cl_client	 c;
	struct cl_req		 req;
	struct cl_resp		 r, head;
	struct reply		 rep[3];
	uint8_t			*a, *b, *g;
	size_t			 alen, blen, glen;
	char			 addr[32];
	static const uint8_t	 genesis[] = { 0x93, 1, 2, 3 };

	memset(&head, 0, sizeof(head));
	head.op = CL_OP_HEAD;
	head.u.head.seq = 7;
	memset(head.u.head.id, 0xab, CL_ID_LEN);
	cr_assert_eq(cl_resp_encode(&head, 0, &a, &alen), CL_OK);
	cr_assert_eq(cl_resp_encode_err(CL_EBUSY, "too\x01many", 0, &b, &blen),
	    CL_OK);
	memset(&head, 0, sizeof(head));
	head.op = CL_OP_GENESIS;
	head.u.genesis.bytes = genesis;
	head.u.genesis.len = sizeof(genesis);
	cr_assert_eq(cl_resp_encode(&head, 0, &g, &glen), CL_OK);
	rep[0] = (struct reply){ a, alen, false };
	rep[1] = (struct reply){ b, blen, false };
	rep[2] = (struct reply){ g, glen, false };
	ct_addr(addr, sizeof(addr), scripted(rep, 3));

	cl_client_init(&c);
	cr_assert_eq(cl_client_open(&c, addr), CL_OK, "%s", c.msg);
	memset(&req, 0, sizeof(req));
	req.op = CL_OP_HEAD;
	cr_assert_eq(cl_client_call(&c, &req, &r), CL_OK, "%s", c.msg);
	cr_assert_eq(r.u.head.seq, 7);
	cr_assert_eq(r.u.head.id[31], 0xab);
	cl_resp_free(&r);
	/* an error answer: the node's code and words; the stream goes on */
	cr_assert_eq(cl_client_call(&c, &req, &r), CL_EBUSY);
	cr_assert_str_eq(c.msg, "the node says: too?many");
	cr_assert_geq(c.fd, 0);
	req.op = CL_OP_GENESIS;
	cr_assert_eq(cl_client_call(&c, &req, &r), CL_OK, "%s", c.msg);
	cr_assert_eq(r.u.genesis.len, sizeof(genesis));
	cr_assert_eq(memcmp(r.u.genesis.bytes, genesis, sizeof(genesis)), 0);
	cl_resp_free(&r);
	cl_client_close(&c);
	free(a);
	free(b);
	free(g);
}

/* Send one request to a scripted ct_server and expect err, then closed. */
static void
expect_broken(const uint8_t *bytes, size_t len, bool close, cl_err want,
    const char *msg)
{
	struct cl_client	c;
	struct cl_req		req;
	struct cl_resp		r;
	struct reply		rep = { bytes, len, close };
	char			addr[32];

	ct_addr(addr, sizeof(addr), scripted(&rep, 1));
	cl_client_init(&c);
	cr_assert_eq(cl_client_open(&c, addr), CL_OK, "%s", c.msg);
	memset(&req, 0, sizeof(req));
	req.op = CL_OP_STATUS;
	cr_assert_eq(cl_client_call(&c, &req, &r), want, "%s", c.msg);
	cr_assert_not_null(strstr(c.msg, msg), "%s", c.msg);
	cr_assert_eq(c.fd, -1, "the stream is out of step: closed");
	cr_assert_eq(cl_client_call(&c, &req, &r), CL_ECONNECT);
	cl_client_close(&c);
	(void)kill(ct_server, SIGKILL);
	(void)waitpid(ct_server, NULL, 0);
	ct_server = -1;
}

Test(client, call_bad_answers)
{
	static const uint8_t	huge[] = { 0x00, 0x40, 0x00, 0x01 };
	static const uint8_t	zero[] = { 0, 0, 0, 0 };
	static const uint8_t	cut[] = { 0, 0, 0, 100, 0x92, 0 };
	static const uint8_t	junk[] = { 0, 0, 0, 2, 0xc1, 0xc1 };
	static const uint8_t	wrong[] = { 0, 0, 0, 3, 0x92, 0, 0xc0 };

	expect_broken(huge, sizeof(huge), false, CL_EPROTO,
	    "frame header of 4194305 bytes");
	expect_broken(zero, sizeof(zero), false, CL_EPROTO,
	    "frame header of 0 bytes");
	expect_broken(cut, sizeof(cut), true, CL_EIO,
	    "closed the connection");
	expect_broken(junk, sizeof(junk), false, CL_EPROTO, "malformed");
	expect_broken(wrong, sizeof(wrong), false, CL_EPROTO,
	    "malformed status answer");
	expect_broken(NULL, 0, true, CL_EIO, "closed the connection");
}

/* Holder references, dates */

Test(client, holder_ref_known_answer)
{
	uint8_t	salt[CL_HOLDER_SALT_LEN], ref[CL_ID_LEN], again[CL_ID_LEN];
	uint8_t	joined[20 + CL_HOLDER_SALT_LEN + 64];
	char	h[2 * CL_ID_LEN + 1];
	size_t	i, n;
	const char *who = "Maria Schmidt, born 2001-04-12";

	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (uint8_t)i;
	cl_holder_ref(ref, salt, who, strlen(who));
	ct_hex(h, ref);
	/* python3: sha256(b"credledger/holder/v1" + bytes(range(32)) + who) */
	cr_assert_str_eq(h,
	    "c4565f47ed34afcf32fe93c749cf6ccaed1fb094dd5b6f0b1c10c2a23abb61c5");
	/* the same as one hash over the joined bytes */
	n = 0;
	memcpy(joined, CL_HOLDER_TAG, 20);
	n += 20;
	memcpy(joined + n, salt, sizeof(salt));
	n += sizeof(salt);
	memcpy(joined + n, who, strlen(who));
	n += strlen(who);
	crypto_hash_sha256(again, joined, n);
	cr_assert_eq(memcmp(ref, again, CL_ID_LEN), 0);
	memset(salt, 0xaa, sizeof(salt));
	cl_holder_ref(ref, salt, "Jürgen Ö", strlen("Jürgen Ö"));
	ct_hex(h, ref);
	cr_assert_str_eq(h,
	    "0edca38ef8d0aac4b62b0521372236f96bdabfc42d22c7f665dd7edc39a394ec");
}

Test(client, dates)
{
	static const char *const bad[] = {
		"", "2024-1-01", "2024-01-1", "2024/01/01", "2024-00-10",
		"2024-13-01", "2024-01-00", "2024-01-32", "2023-02-29",
		"1900-02-29", "2024-04-31", "1969-12-31", "2024-01-01T00",
		"+024-01-01", " 2024-01-01", "2024-01-01 ",
	};
	char		day[CL_DATE_LEN];
	uint64_t	ms;
	size_t		i;

	cr_assert_eq(cl_date_parse("1970-01-01", &ms), CL_OK);
	cr_assert_eq(ms, 0);
	cr_assert_eq(cl_date_parse("2023-11-14", &ms), CL_OK);
	cr_assert_eq(ms, 1699920000000ull);
	cr_assert_eq(cl_date_parse("2024-02-29", &ms), CL_OK);
	cr_assert_eq(ms, 1709164800000ull);
	cr_assert_eq(cl_date_parse("2000-02-29", &ms), CL_OK);
	cl_date_format(day, 1700000000000ull);
	cr_assert_str_eq(day, "2023-11-14");
	cl_date_format(day, 1709164800000ull + CL_DAY_MS - 1);
	cr_assert_str_eq(day, "2024-02-29");
	cl_date_format(day, 1709164800000ull + CL_DAY_MS);
	cr_assert_str_eq(day, "2024-03-01");
	cr_assert_eq(cl_date_parse("9999-12-31", &ms), CL_OK);
	cl_date_format(day, ms);
	cr_assert_str_eq(day, "9999-12-31");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(cl_date_parse(bad[i], &ms), CL_EUSAGE, "'%s'",
		    bad[i]);
}

/* ISSUE fields */

static const char ach_hex[] =
    "3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f";

Test(client, issue_fields_from_options)
{
	struct cl_issue_spec	s;
	char			msg[256];
	uint8_t			salt[CL_HOLDER_SALT_LEN], ref[CL_ID_LEN];

	cl_issue_spec_init(&s, true);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_ACHIEVEMENT, "12", msg,
	    sizeof(msg)), CL_EUSAGE);
	cr_assert_str_eq(msg, "bad --achievement '12': want 64 hex digits, "
	    "the id of a DEFINE");
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_SUPERVISION, "watched", msg,
	    sizeof(msg)), CL_EUSAGE);
	cr_assert_str_eq(msg, "bad --supervision 'watched': want none, "
	    "supervised, online-id or onsite-id");
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_VALID_UNTIL, "2024-02-30",
	    msg, sizeof(msg)), CL_EUSAGE);
	cr_assert_not_null(strstr(msg, "want a date YYYY-MM-DD"));
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_DOCUMENT, ct_path("none"), msg,
	    sizeof(msg)), CL_EIO);
	cr_assert_not_null(strstr(msg, "No such file"), "%s", msg);

	/* what is missing or excluded, named as options */
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_EUSAGE);
	cr_assert_str_eq(msg, "missing the holder: give --holder-ref, "
	    "--holder-key or --holder-id");
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_HOLDER_KEY, ach_hex, msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_SALT, ach_hex, msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_EUSAGE);
	cr_assert_str_eq(msg, "--salt goes with --holder-id only");
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_HOLDER_ID, "Maria", msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_EUSAGE);
	cr_assert_str_eq(msg, "--holder-ref, --holder-key and --holder-id "
	    "exclude each other");

	/* a given salt: the reference is the formula's, nothing made */
	cl_issue_spec_init(&s, true);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_HOLDER_ID, "Maria", msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_SALT, ach_hex, msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_EUSAGE);
	cr_assert_str_eq(msg, "missing --achievement");
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_ACHIEVEMENT, ach_hex, msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_ISSUED_AT, "2024-03-01", msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_VALID_UNTIL, "2024-02-29",
	    msg, sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_ERANGE);
	cr_assert_str_eq(msg, "--valid-until: before the day of issue");
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_VALID_UNTIL, "2024-03-01",
	    msg, sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_OK, "%s", msg);
	cr_assert(!s.salt_made);
	cr_assert_eq(cl_hex_decode(salt, sizeof(salt), ach_hex), CL_OK);
	cl_holder_ref(ref, salt, "Maria", 5);
	cr_assert_eq(memcmp(s.body.holder, ref, CL_ID_LEN), 0);
	cr_assert_eq(s.body.holder_kind, CL_HOLDER_SALTED);
	cr_assert_eq(s.body.supervision, CL_SUP_NONE);
	cr_assert_eq(s.body.issued_at, 1709251200000ull);
	/* valid through the whole of that day */
	cr_assert_eq(s.body.valid_until, 1709251200000ull + CL_DAY_MS - 1);

	/* no salt: a random one, made known */
	cl_issue_spec_init(&s, true);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_HOLDER_ID, "Maria", msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_ACHIEVEMENT, ach_hex, msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_set(&s, CL_IF_GRADE, "x\x01y", msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_ERANGE);
	cr_assert_not_null(strstr(msg, "--grade: "), "%s", msg);
	s.body.grade.len = 0;
	cr_assert_eq(cl_issue_spec_finish(&s, 1800000000000ull, msg,
	    sizeof(msg)), CL_OK, "%s", msg);
	cr_assert(s.salt_made);
	cl_holder_ref(ref, s.salt, "Maria", 5);
	cr_assert_eq(memcmp(s.body.holder, ref, CL_ID_LEN), 0);
	cr_assert_eq(s.body.issued_at, 1800000000000ull);
}

/* Parse text as a batch; expect err at line with msg. */
static void
batch_fails(const char *text, cl_err want, size_t want_line, const char *msg)
{
	struct cl_issue_batch	b;
	char			buf[256];
	size_t			line;

	cr_assert_eq(cl_issue_batch_parse(&b, text, strlen(text), NULL,
	    1800000000000ull, &line, buf, sizeof(buf)), want, "%s: %s", text,
	    buf);
	cr_assert_eq(line, want_line, "%s: line %zu", text, line);
	cr_assert_not_null(strstr(buf, msg), "%s: '%s' lacks '%s'", text, buf,
	    msg);
	cr_assert_eq(b.cnt, 0);
	cr_assert_null(b.spec);
}

#define LINE(rest)	"{\"achievement\": \"3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f" \
			"3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f\", " rest "}\n"

Test(client, batch_errors_name_their_line)
{
	/* after good lines, one bad line: its number and what is wrong */
	static const struct {
		unsigned	 good;		/* good lines before it */
		const char	*bad;
		cl_err		 err;
		const char	*msg;
	} cases[] = {
		{ 0, "{", CL_EUSAGE, "column" },
		{ 0, "[1]\n", CL_EUSAGE, "expected an object, got an array" },
		{ 3, LINE("\"holder_id\": \"B\", \"colour\": \"red\""),
		    CL_EUSAGE, "unknown key \"colour\"" },
		{ 1, LINE("\"holder_id\": 7"), CL_EUSAGE,
		    "holder_id: expected a string, got an integer" },
		{ 1, LINE("\"grade\": \"A\""), CL_EUSAGE, "missing the holder: "
		    "give holder_ref, holder_key or holder_id" },
		{ 2, LINE("\"holder_ref\": \"abc\""), CL_EUSAGE,
		    "holder_ref \"abc\": want 64 hex digits" },
		{ 1, LINE("\"holder_id\": \"B\", \"valid_until\": \"soon\""),
		    CL_EUSAGE, "valid_until \"soon\": want a date" },
		{ 1, LINE("\"holder_key\": \"3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f"
		    "3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f\", \"salt\": \"3c4d5e6f"
		    "3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f3c4d5e6f"
		    "\""), CL_EUSAGE, "salt goes with holder_id only" },
		{ 1, LINE("\"holder_id\": \"B\", \"document\": "
		    "\"/nonexistent\""), CL_EIO, "cannot read document" },
		{ 1, LINE("\"holder_id\": \"B\", \"grade\": \"\""), CL_EUSAGE,
		    "grade is empty" },
		{ 1, LINE("\"holder_id\": \"B\", \"grade\": \"a\\u0000b\""),
		    CL_EUSAGE, "is not allowed" },
		{ 1, LINE("\"holder_id\": \"B\", \"local_ref\": \"a\\u202eb\""),
		    CL_ERANGE, "local_ref: " },
		{ 1, "{\"holder_id\": \"B\", \"holder_id\": \"C\"}\n",
		    CL_EUSAGE, "duplicate" },
	};
	char		text[2048];
	size_t		i, n;
	unsigned	k;

	batch_fails("", CL_EMISSING, 0, "no credential");
	batch_fails("\n  \n\r\n", CL_EMISSING, 0, "no credential");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* a blank line among the good ones counts too */
		n = (size_t)snprintf(text, sizeof(text), "%s",
		    cases[i].good > 1 ? "\n" : "");
		for (k = 0; k < cases[i].good; k++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s",
			    LINE("\"holder_id\": \"Anna\""));
		cr_assert_lt(n + strlen(cases[i].bad), sizeof(text));
		strcpy(text + n, cases[i].bad);
		batch_fails(text, cases[i].err, cases[i].good +
		    (cases[i].good > 1) + 1, cases[i].msg);
	}
}

Test(client, batch_lines_and_defaults)
{
	struct cl_issue_batch	b;
	struct cl_issue_spec	def;
	uint8_t			ach[CL_ID_LEN], ref[CL_ID_LEN];
	char			msg[256], text[1024];
	size_t			line;

	cr_assert_eq(cl_hex_decode(ach, CL_ID_LEN, ach_hex), CL_OK);
	/* defaults from the command line; lines override them */
	cl_issue_spec_init(&def, true);
	cr_assert_eq(cl_issue_spec_set(&def, CL_IF_ACHIEVEMENT, ach_hex, msg,
	    sizeof(msg)), CL_OK);
	cr_assert_eq(cl_issue_spec_set(&def, CL_IF_SUPERVISION, "onsite-id",
	    msg, sizeof(msg)), CL_OK);
	(void)snprintf(text, sizeof(text), "{\"holder_id\": \"Anna\"}\r\n"
	    "\n"
	    "{\"holder_key\": \"%s\", \"supervision\": \"none\", "
	    "\"valid_until\": \"2030-06-30\", \"grade\": \"B+\"}\r\n"
	    "  {\"holder_ref\": \"%s\", \"salt\": \"\"}", ach_hex, ach_hex);
	cr_assert_eq(cl_issue_batch_parse(&b, text, strlen(text), &def,
	    1800000000000ull, &line, msg, sizeof(msg)), CL_EUSAGE);
	cr_assert_eq(line, 4);
	cr_assert_str_eq(msg, "salt is empty (leave the key out instead)");
	/* the same without the bad key, and no newline at the end */
	(void)snprintf(text, sizeof(text), "{\"holder_id\": \"Anna\"}\r\n"
	    "\n"
	    "{\"holder_key\": \"%s\", \"supervision\": \"none\", "
	    "\"valid_until\": \"2030-06-30\", \"grade\": \"B+\"}\r\n"
	    "  {\"holder_ref\": \"%s\"}", ach_hex, ach_hex);
	cr_assert_eq(cl_issue_batch_parse(&b, text, strlen(text), &def,
	    1800000000000ull, &line, msg, sizeof(msg)), CL_OK, "%zu: %s", line,
	    msg);
	cr_assert_eq(b.cnt, 3);
	cr_assert(b.spec[0].salt_made);
	cl_holder_ref(ref, b.spec[0].salt, "Anna", 4);
	cr_assert_eq(memcmp(b.spec[0].body.holder, ref, CL_ID_LEN), 0);
	cr_assert_eq(memcmp(b.spec[0].body.achievement, ach, CL_ID_LEN), 0);
	cr_assert_eq(b.spec[0].body.supervision, CL_SUP_ONSITE_ID);
	cr_assert_eq(b.spec[0].body.issued_at, 1800000000000ull);
	cr_assert_eq(b.spec[1].body.holder_kind, CL_HOLDER_WALLET);
	cr_assert_eq(b.spec[1].body.supervision, CL_SUP_NONE);
	cr_assert_eq(b.spec[1].body.grade.len, 2);
	cr_assert_eq(memcmp(b.spec[1].body.grade.ptr, "B+", 2), 0);
	cr_assert(!b.spec[1].salt_made);
	cr_assert_eq(b.spec[2].body.holder_kind, CL_HOLDER_SALTED);
	cr_assert_eq(memcmp(b.spec[2].body.holder, ach, CL_ID_LEN), 0);
	cl_issue_batch_free(&b);
	cl_issue_batch_free(&b);
}

/* Check the ledger's answer as verify does. */
static void
report(struct ct_world *w, struct cl_report *r)
{
	struct cl_cred_answer	 a;
	uint8_t			*b;
	size_t			 len;

	ct_answer(w, &a, &b, &len);
	cl_report_check(r, &w->g, w->iss.id, true, a.status, a.void_reason,
	    b, len, TL_NOW);
	free(b);
}

static char *
text_of(const struct cl_report *r)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	cr_assert_not_null(f = open_memstream(&buf, &len));
	cl_report_text(f, r);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

static json_t *
json_of(const struct cl_report *r)
{
	json_t	*o;

	cr_assert_eq(cl_report_json(r, &o), CL_OK);
	return o;
}

Test(client, report_valid)
{
	struct ct_world		 w;
	struct cl_report	 r;
	json_t			*o, *a, *is;
	char			*t, want[128], id[2 * CL_ID_LEN + 1];

	ct_world_open(&w);
	report(&w, &r);
	cr_assert_eq(r.err, CL_OK, "%s", r.why);
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_OK);
	ct_hex(id, w.iss.id);
	t = text_of(&r);
	(void)snprintf(want, sizeof(want), "credential %s is valid\n", id);
	cr_assert_eq(strncmp(t, want, strlen(want)), 0, "%s", t);
	ct_has(t, "  issuer:            Bühnenschule Köln (DE), DE-123\n");
	ct_has(t, "  accredited:        yes, by Authority (EU), from seq 1 of "
	    "its feed\n");
	/* English preferred, though "de" sorts first */
	ct_has(t, "  micro-credential:  Stage rigging fundamentals\n");
	ct_has(t, "  level:             EQF 4, 2.5 ECTS, 60 hours\n");
	ct_has(t, "    - Inspect lifting equipment before use\n");
	ct_has(t, "  issued:            2023-11-14\n");
	ct_has(t, "  valid until:       no end date\n");
	ct_has(t, "  supervision:       onsite-id\n");
	ct_has(t, "  proof checked: 3 signed events, every signature valid\n");
	free(t);

	o = json_of(&r);
	cr_assert_str_eq(ct_jstr(o, "status"), "valid");
	cr_assert_str_eq(ct_jstr(o, "node_status"), "valid");
	cr_assert_str_eq(ct_jstr(o, "credential"), id);
	cr_assert_str_eq(ct_jstr(o, "issued_at"), "2023-11-14");
	cr_assert(json_is_null(json_object_get(o, "valid_until")));
	cr_assert(json_is_null(json_object_get(o, "revocation")));
	cr_assert(json_is_true(json_object_get(o, "proof_checked")));
	cr_assert_eq(json_integer_value(json_object_get(o, "proof_events")),
	    3);
	is = json_object_get(o, "issuer");
	cr_assert_str_eq(ct_jstr(is, "name"), "Bühnenschule Köln");
	cr_assert_str_eq(ct_jstr(is, "country"), "DE");
	cr_assert(json_is_true(json_object_get(is, "accredited")));
	a = json_object_get(o, "achievement");
	ct_hex(id, w.def.id);
	cr_assert_str_eq(ct_jstr(a, "id"), id);
	cr_assert_str_eq(ct_jstr(a, "title"), "Stage rigging fundamentals");
	cr_assert(json_is_real(json_object_get(a, "ects")));
	cr_assert_float_eq(json_real_value(json_object_get(a, "ects")), 2.5,
	    1e-9);
	cr_assert_eq(json_integer_value(json_object_get(a, "eqf")), 4);
	cr_assert_eq(json_array_size(json_object_get(a,
	    "learning_outcomes")), 2);
	cr_assert_eq(json_array_size(json_object_get(a, "esco_skills")), 1);
	cr_assert_str_eq(ct_jstr(json_object_get(a, "titles"), "de"),
	    "Bühnenrigging Grundlagen");
	json_decref(o);
	cl_report_free(&r);
	ct_world_close(&w);
}

Test(client, report_suspended_and_revoked)
{
	struct ct_world		 w;
	struct cl_report	 r;
	json_t			*o, *x;
	char			*t;

	ct_world_open(&w);
	ct_world_change(&w, CL_EV_SUSPEND);
	report(&w, &r);
	cr_assert_eq(r.err, CL_OK, "%s", r.why);
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_FAIL);
	t = text_of(&r);
	ct_has(t, " is suspended\n");
	ct_has(t, "  suspended:         2023-11-14: issued in error\n");
	free(t);
	o = json_of(&r);
	cr_assert(json_is_null(json_object_get(o, "revocation")));
	x = json_object_get(o, "suspension");
	cr_assert_str_eq(ct_jstr(x, "reason"), "issued in error");
	cr_assert_str_eq(ct_jstr(x, "at"), "2023-11-14");
	json_decref(o);
	cl_report_free(&r);

	ct_world_change(&w, CL_EV_REINSTATE);
	ct_world_change(&w, CL_EV_REVOKE);
	report(&w, &r);
	cr_assert_eq(r.err, CL_OK, "%s", r.why);
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_FAIL);
	t = text_of(&r);
	ct_has(t, " is revoked\n");
	ct_has(t, "  revoked:           2023-11-14, reason code 1: issued in "
	    "error\n");
	ct_has(t, "proof checked: 6 signed events");
	free(t);
	o = json_of(&r);
	cr_assert_str_eq(ct_jstr(o, "status"), "revoked");
	cr_assert(json_is_null(json_object_get(o, "suspension")));
	x = json_object_get(o, "revocation");
	cr_assert_str_eq(ct_jstr(x, "reason"), "issued in error");
	cr_assert_eq(json_integer_value(json_object_get(x, "code")), 1);
	cr_assert_str_eq(ct_jstr(x, "at"), "2023-11-14");
	json_decref(o);
	cl_report_free(&r);
	ct_world_close(&w);
}

Test(client, report_answers_that_do_not_stand)
{
	struct ct_world		 w;
	struct tl_net		 other;
	struct cl_genesis	 og;
	struct cl_cred_answer	 a;
	struct cl_report	 r;
	uint8_t			*b;
	size_t			 len;
	json_t			*o;
	char			*t;

	ct_world_open(&w);
	ct_world_change(&w, CL_EV_REVOKE);
	ct_answer(&w, &a, &b, &len);
	/* a node that says valid with a proof of revoked */
	cl_report_check(&r, &w.g, w.iss.id, true, CL_ST_VALID, 0, b, len,
	    TL_NOW);
	cr_assert_eq(r.err, CL_EBUNDLE);
	cr_assert_str_eq(r.why, "the node says valid, its proof says revoked");
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_USAGE);
	t = text_of(&r);
	ct_has(t, " is NOT verified: the node says valid, its proof says "
	    "revoked\n");
	cr_assert_null(strstr(t, "proof checked"));
	free(t);
	o = json_of(&r);
	cr_assert(json_is_false(json_object_get(o, "proof_checked")));
	cr_assert_str_eq(ct_jstr(o, "node_status"), "valid");
	cr_assert_str_eq(ct_jstr(o, "error"), r.why);
	json_decref(o);
	cl_report_free(&r);

	/* no proof at all for an answer that needs one */
	cl_report_check(&r, &w.g, w.iss.id, true, CL_ST_VALID, 0, NULL, 0,
	    TL_NOW);
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_USAGE);
	cr_assert_str_eq(r.why, "the node gave no proof for its answer");

	/* a changed byte, and a proof of another network */
	b[len - 1] ^= 1;
	cl_report_check(&r, &w.g, w.iss.id, true, a.status, 0, b, len,
	    TL_NOW);
	cr_assert_neq(r.err, CL_OK);
	cr_assert(!r.checked);
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_USAGE);
	o = json_of(&r);
	cr_assert(json_is_null(json_object_get(o, "issuer")));
	cr_assert(json_is_false(json_object_get(o, "proof_checked")));
	json_decref(o);
	b[len - 1] ^= 1;
	tl_net(&other, 2);
	cr_assert_eq(cl_genesis_decode(&og, other.genesis, other.genesis_len,
	    NULL), CL_OK);
	cl_report_check(&r, &og, w.iss.id, true, a.status, 0, b, len, TL_NOW);
	cr_assert_eq(r.err, CL_EBADSIG);
	ct_has(r.why, "the proof does not check: bad signature");
	cl_genesis_free(&og);
	free(b);
	ct_world_close(&w);
}

Test(client, report_issuer_withdrawn)
{
	struct ct_world		 w;
	struct cl_report	 r;
	struct tl_ev		 wd;
	json_t			*o, *is;
	char			*t;

	/* withdrawn after the DEFINE (seq 1): the ISSUE (seq 2) is past it */
	ct_world_open(&w);
	tl_withdraw(&w.net, &w.net.auth[0], w.issuer.key.pk, 1, &wd);
	cr_assert_eq(tl_submit(&w.tl.l, &wd, NULL), CL_ACC_ACCEPTED);
	report(&w, &r);
	cr_assert_eq(r.err, CL_OK, "%s", r.why);
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_FAIL);
	t = text_of(&r);
	ct_has(t, " is issuer_withdrawn\n");
	ct_has(t, "  accredited:        not for this credential; by Authority "
	    "(EU), from seq 1 of its feed\n");
	ct_has(t, "  withdrawn:         after seq 1 of its feed: key rotated\n");
	free(t);
	o = json_of(&r);
	is = json_object_get(o, "issuer");
	cr_assert(json_is_false(json_object_get(is, "accredited")));
	cr_assert_eq(json_integer_value(json_object_get(is,
	    "withdrawn_after_seq")), 1);
	cr_assert(json_is_true(json_object_get(o, "proof_checked")));
	json_decref(o);
	cl_report_free(&r);
	ct_world_close(&w);
}

Test(client, report_unknown)
{
	struct ct_world		 w;
	struct cl_report	 r;
	uint8_t			 id[CL_ID_LEN];
	char			*t, want[128], h[2 * CL_ID_LEN + 1];
	json_t			*o;

	ct_world_open(&w);
	memset(id, 0x5a, sizeof(id));
	cl_report_check(&r, &w.g, id, true, CL_ST_UNKNOWN, 0, NULL, 0, TL_NOW);
	cr_assert_eq(r.err, CL_OK);
	cr_assert_eq(cl_report_exit(&r), CL_TOOL_FAIL);
	t = text_of(&r);
	ct_hex(h, id);
	(void)snprintf(want, sizeof(want), "credential %s is unknown\n", h);
	cr_assert_str_eq(t, want);
	free(t);
	o = json_of(&r);
	cr_assert_str_eq(ct_jstr(o, "status"), "unknown");
	cr_assert(json_is_null(json_object_get(o, "issuer")));
	cr_assert(json_is_null(json_object_get(o, "achievement")));
	cr_assert(json_is_null(json_object_get(o, "issued_at")));
	cr_assert(json_is_false(json_object_get(o, "proof_checked")));
	json_decref(o);
	cl_report_free(&r);
	ct_world_close(&w);
}
