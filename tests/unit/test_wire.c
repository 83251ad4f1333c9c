/* SPDX-License-Identifier: Apache-2.0 */
/* The client protocol codec: frames, requests and answers (PROTOCOL §10). */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "err.h"
#include "wire.h"

TestSuite(wire);

static uint8_t	buf[1 << 16];

/* Encode q, check the frame header, decode the payload again. */
static void
roundtrip(const struct cl_req *q, struct cl_req *out)
{
	size_t		 len;
	uint32_t	 plen;
	const char	*why = NULL;

	cr_assert_eq(cl_req_encode(q, buf, sizeof(buf), &len), CL_OK);
	cr_assert_eq(cl_wire_frame(buf, len, CL_FRAME_MAX, &plen), CL_OK);
	cr_assert_eq(plen + CL_WIRE_HDR_LEN, len);
	cr_assert_eq(cl_req_decode(out, buf + 4, plen, &why), CL_OK, "%s",
	    why ? why : "");
}

Test(wire, frame_lengths_are_checked_before_anything_else)
{
	static const uint8_t	zero[] = { 0, 0, 0, 0 };
	static const uint8_t	big[] = { 0, 0x40, 0, 1 };
	static const uint8_t	ok[] = { 0, 0, 1, 0 };
	uint32_t		n;

	cr_assert_eq(cl_wire_frame(ok, 3, CL_FRAME_MAX, &n), CL_OK);
	cr_assert_eq(n, 0, "three bytes are not yet a header");
	cr_assert_eq(cl_wire_frame(ok, 4, CL_FRAME_MAX, &n), CL_OK);
	cr_assert_eq(n, 256);
	cr_assert_eq(cl_wire_frame(zero, 4, CL_FRAME_MAX, &n), CL_EBADREQ);
	cr_assert_eq(cl_wire_frame(big, 4, CL_FRAME_MAX, &n), CL_ETOOBIG);
	cr_assert_eq(cl_wire_frame(ok, 4, 255, &n), CL_ETOOBIG);
}

Test(wire, every_request_round_trips)
{
	struct cl_req	q, r;
	const uint8_t	*ev[2] = { (const uint8_t *)"abc",
	    (const uint8_t *)"defg" };
	size_t		 len[2] = { 3, 4 };
	unsigned	 op;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_SUBMIT;
	q.flags = CL_SUBMIT_NO_FORK;
	q.ev = ev;
	q.ev_len = len;
	q.ev_cnt = 2;
	roundtrip(&q, &r);
	cr_assert_eq(r.op, CL_OP_SUBMIT);
	cr_assert_eq(r.flags, CL_SUBMIT_NO_FORK);
	cr_assert_eq(r.ev_cnt, 2);
	cr_assert_eq(r.ev_len[1], 4);
	cr_assert_arr_eq(r.ev[1], "defg", 4);
	cl_req_free(&r);
	for (op = CL_OP_CREDENTIAL; op <= CL_OP_GENESIS; op++) {
		memset(&q, 0, sizeof(q));
		q.op = op;
		memset(q.key, (int)op, sizeof(q.key));
		roundtrip(&q, &r);
		cr_assert_eq(r.op, op);
		if (op <= CL_OP_HEAD)
			cr_assert_arr_eq(r.key, q.key, CL_ID_LEN);
		cl_req_free(&r);
		cr_assert_str_neq(cl_op_name(op), "?");
	}
	cr_assert_str_eq(cl_op_name(0), "?");
	cr_assert_str_eq(cl_op_name(CL_OP_MAX + 1), "?");
}

/* Each malformed request is refused with a reason; nothing leaks. */
Test(wire, malformed_requests_are_refused_with_a_reason)
{
	static const struct {
		const char	*what;
		uint8_t		 b[16];
		size_t		 len;
		cl_err		 err;
	} bad[] = {
		{ "not an array", { 0x06 }, 1, CL_EBADREQ },
		{ "empty array", { 0x90 }, 1, CL_EBADREQ },
		{ "op 0", { 0x91, 0x00 }, 2, CL_EBADREQ },
		{ "op 14", { 0x91, 0x0e }, 2, CL_EBADREQ },
		{ "op as str", { 0x91, 0xa1, 0x31 }, 3, CL_EBADREQ },
		{ "status with an argument", { 0x92, 0x06, 0x00 }, 3,
		    CL_EBADREQ },
		{ "credential without its id", { 0x91, 0x02 }, 2,
		    CL_EBADREQ },
		{ "an id of 2 bytes", { 0x92, 0x02, 0xc4, 0x02, 1, 2 }, 6,
		    CL_EBADREQ },
		{ "submit of nothing", { 0x93, 0x01, 0x00, 0x90 }, 4,
		    CL_EBADREQ },
		{ "submit flag 2", { 0x93, 0x01, 0x02, 0x91, 0xc4, 0x01, 0 },
		    7, CL_EBADREQ },
		{ "submit of an empty bin", { 0x93, 0x01, 0x00, 0x91, 0xc4,
		    0x00 }, 6, CL_EBADREQ },
		{ "submit of a str", { 0x93, 0x01, 0x00, 0x91, 0xa1, 0x41 },
		    6, CL_EBADREQ },
		{ "trailing byte", { 0x91, 0x06, 0x06 }, 3, CL_EBADREQ },
		{ "truncated", { 0x92, 0x02, 0xc4, 0x20, 1 }, 5, CL_EBADREQ },
		{ "a float", { 0x92, 0x06, 0xca, 0, 0, 0, 0 }, 7, CL_EBADREQ },
		{ "a count over the input", { 0xdd, 0xff, 0xff, 0xff, 0xff },
		    5, CL_EBADREQ },
	};
	struct cl_req	r;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		cr_expect_eq(cl_req_decode(&r, bad[i].b, bad[i].len, &why),
		    bad[i].err, "%s", bad[i].what);
		cr_expect_not_null(why, "%s: no reason", bad[i].what);
		cr_expect_null(r.ev, "%s", bad[i].what);
	}
}

Test(wire, a_submit_over_the_event_limit_is_too_big)
{
	static uint8_t	 in[8 + 2 * (CL_SUBMIT_MAX + 1)];
	struct cl_req	 r;
	const char	*why;
	size_t		 n = 0, i;

	in[n++] = 0x93;
	in[n++] = 0x01;
	in[n++] = 0x00;
	in[n++] = 0xdc;		/* array 16 */
	in[n++] = (uint8_t)((CL_SUBMIT_MAX + 1) >> 8);
	in[n++] = (uint8_t)(CL_SUBMIT_MAX + 1);
	for (i = 0; i <= CL_SUBMIT_MAX; i++) {
		in[n++] = 0xc4;
		in[n++] = 0x00;
	}
	cr_assert_eq(cl_req_decode(&r, in, n, &why), CL_ETOOBIG);
}

/* Encode an answer, then decode it as a client would. */
static void
resp_roundtrip(const struct cl_resp *a, struct cl_resp *out)
{
	uint8_t		*p;
	size_t		 len;
	uint32_t	 plen;
	const char	*why = NULL;

	cr_assert_eq(cl_resp_encode(a, 8, &p, &len), CL_OK);
	cr_assert_eq(cl_wire_frame(p + 8, len, CL_FRAME_MAX, &plen), CL_OK);
	cr_assert_eq(plen + 4, len);
	memcpy(buf, p + 12, plen);
	free(p);
	cr_assert_eq(cl_resp_decode(out, a->op, buf, plen, &why), CL_OK,
	    "%s", why ? why : "");
	cr_assert_eq(out->code, CL_OK);
}

Test(wire, every_answer_round_trips)
{
	struct cl_wire_result	res[2];
	struct cl_resp		a, b;
	uint8_t			ids[3 * CL_ID_LEN];
	static const uint8_t	bundle[] = { 0x91, 0xc4, 0x01, 0x00 };

	memset(res, 0, sizeof(res));
	res[0].acc = 0;
	res[0].pos = 7;
	memset(res[0].id, 0xab, CL_ID_LEN);
	res[1].acc = 2;
	res[1].err = CL_EBADSIG;
	res[1].field = "sig";
	res[1].field_len = 3;
	memset(&a, 0, sizeof(a));
	a.op = CL_OP_SUBMIT;
	a.u.submit.cnt = 2;
	a.u.submit.r = res;
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.submit.cnt, 2);
	cr_assert_eq(b.u.submit.r[0].pos, 7);
	cr_assert_arr_eq(b.u.submit.r[0].id, res[0].id, CL_ID_LEN);
	cr_assert_eq(b.u.submit.r[1].err, CL_EBADSIG);
	cr_assert_eq(b.u.submit.r[1].field_len, 3);
	cr_assert_arr_eq(b.u.submit.r[1].field, "sig", 3);
	cl_resp_free(&b);

	memset(&a, 0, sizeof(a));
	a.op = CL_OP_CREDENTIAL;
	a.u.cred.status = 2;
	a.u.cred.bundle = bundle;
	a.u.cred.bundle_len = sizeof(bundle);
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.cred.status, 2);
	cr_assert_eq(b.u.cred.bundle_len, sizeof(bundle));
	cr_assert_arr_eq(b.u.cred.bundle, bundle, sizeof(bundle));

	memset(ids, 0x11, sizeof(ids));
	ids[CL_ID_LEN] = 0x22;
	memset(&a, 0, sizeof(a));
	a.op = CL_OP_BY_HOLDER;
	a.u.ids.cnt = 3;
	a.u.ids.ids = ids;
	a.u.ids.more = true;
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.ids.cnt, 3);
	cr_assert(b.u.ids.more);
	cr_assert_arr_eq(b.u.ids.ids, ids, sizeof(ids));
	cl_resp_free(&b);

	memset(&a, 0, sizeof(a));
	a.op = CL_OP_STATUS;
	a.u.status.log_size = 99;
	a.u.status.by_type[7] = 5;
	a.u.status.accepted = 1234567890123ULL;
	memset(a.u.status.digest, 0x5a, CL_ID_LEN);
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.status.log_size, 99);
	cr_assert_eq(b.u.status.by_type[7], 5);
	cr_assert_eq(b.u.status.accepted, 1234567890123ULL);
	cr_assert_arr_eq(b.u.status.digest, a.u.status.digest, CL_ID_LEN);

	memset(&a, 0, sizeof(a));
	a.op = CL_OP_HEAD;	/* an unknown author: seq 0, id nil */
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.head.seq, 0);
}

Test(wire, an_error_answer_carries_its_code_and_words)
{
	uint8_t		*p;
	size_t		 len;
	struct cl_resp	 r;
	const char	*why;

	cr_assert_eq(cl_resp_encode_err(CL_EBUSY, "too many connections", 0,
	    &p, &len), CL_OK);
	cr_assert_eq(cl_resp_decode(&r, CL_OP_STATUS, p + 4, len - 4, &why),
	    CL_OK);
	cr_assert_eq(r.code, CL_EBUSY);
	cr_assert_eq(r.msg_len, strlen("too many connections"));
	cr_assert_arr_eq(r.msg, "too many connections", r.msg_len);
	free(p);
	/* no words given: the code's own message */
	cr_assert_eq(cl_resp_encode_err(CL_ENOTFOUND, NULL, 0, &p, &len),
	    CL_OK);
	cr_assert_eq(cl_resp_decode(&r, CL_OP_HEAD, p + 4, len - 4, &why),
	    CL_OK);
	cr_assert_arr_eq(r.msg, "not found", r.msg_len);
	free(p);
}

Test(wire, malformed_answers_are_a_protocol_error)
{
	static const struct {
		const char	*what;
		unsigned	 op;
		uint8_t		 b[12];
		size_t		 len;
	} bad[] = {
		{ "not an array", CL_OP_STATUS, { 0x00 }, 1 },
		{ "code out of range", CL_OP_STATUS, { 0x92, 0xcc, 0xff, 0xc0 },
		    4 },
		{ "an error without words", CL_OP_STATUS, { 0x92, 0x02, 0xc0 },
		    3 },
		{ "head of two items", CL_OP_HEAD, { 0x92, 0x00, 0x92, 0x00,
		    0xc0 }, 5 },
		{ "credential bundle as str", CL_OP_CREDENTIAL, { 0x92, 0x00,
		    0x93, 0x00, 0x00, 0xa1, 0x41 }, 7 },
		{ "ids of 1 byte", CL_OP_BY_DIGEST, { 0x92, 0x00, 0x92, 0x91,
		    0xc4, 0x01, 0x00, 0x00 }, 8 },
		{ "a submit result that is no array", CL_OP_SUBMIT, { 0x92,
		    0x00, 0x91, 0x00 }, 4 },
	};
	struct cl_resp	r;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		cr_expect_eq(cl_resp_decode(&r, bad[i].op, bad[i].b,
		    bad[i].len, &why), CL_EPROTO, "%s", bad[i].what);
		cr_expect_not_null(why, "%s", bad[i].what);
	}
}

Test(wire, audit_requests_and_answers_round_trip)
{
	struct cl_req		 q, r;
	struct cl_resp		 a, b;
	struct cl_checkpoint	 ck[2];
	uint8_t			 h[3][CL_ID_LEN];
	const uint8_t		*ev[2] = { (const uint8_t *)"xy",
	    (const uint8_t *)"z" };
	size_t			 len[2] = { 2, 1 };
	const char		*why;
	static const uint8_t	 zero_count[] = { 0x93, 0x0c, 0x00, 0x00 };

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_INCLUSION;
	q.a = 5;
	q.b = 1ULL << 40;
	roundtrip(&q, &r);
	cr_assert_eq(r.a, 5);
	cr_assert_eq(r.b, 1ULL << 40);
	q.op = CL_OP_CHECKPOINTS;
	q.a = 1700000000000ULL;
	roundtrip(&q, &r);
	cr_assert_eq(r.a, 1700000000000ULL);
	cr_assert_eq(cl_req_decode(&r, zero_count, sizeof(zero_count), &why),
	    CL_EBADREQ, "events: a count of 0");

	memset(ck, 0x3c, sizeof(ck));
	ck[1].size = 77;
	ck[1].time = 123;
	memset(&a, 0, sizeof(a));
	a.op = CL_OP_CHECKPOINTS;
	a.u.ckpts.cnt = 2;
	a.u.ckpts.c = ck;
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.ckpts.cnt, 2);
	cr_assert_eq(b.u.ckpts.c[1].size, 77);
	cr_assert_arr_eq(b.u.ckpts.c[1].sig, ck[1].sig, CL_SIG_LEN);
	cl_resp_free(&b);

	memset(h, 0x77, sizeof(h));
	memset(&a, 0, sizeof(a));
	a.op = CL_OP_INCLUSION;
	a.u.proof.event = (const uint8_t *)"leaf";
	a.u.proof.event_len = 4;
	a.u.proof.cnt = 3;
	a.u.proof.hash = h;
	memset(a.u.proof.root, 0x01, CL_ID_LEN);
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.proof.cnt, 3);
	cr_assert_eq(b.u.proof.event_len, 4);
	cr_assert_arr_eq(b.u.proof.hash, h, sizeof(h));
	cr_assert_arr_eq(b.u.proof.root, a.u.proof.root, CL_ID_LEN);
	cl_resp_free(&b);

	memset(&a, 0, sizeof(a));
	a.op = CL_OP_EVENTS;
	a.u.events.cnt = 2;
	a.u.events.ev = ev;
	a.u.events.ev_len = len;
	a.u.events.next = 9;
	resp_roundtrip(&a, &b);
	cr_assert_eq(b.u.events.cnt, 2);
	cr_assert_eq(b.u.events.next, 9);
	cr_assert_arr_eq(b.u.events.ev[0], "xy", 2);
	cl_resp_free(&b);
}
