/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger-node as a process: submissions and queries over the client
 * port, restarts, kill -9 after an acknowledgement, SIGTERM with work in
 * flight, and hostile clients (each followed by a query that must still be
 * answered).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hex.h"
#include "merkle.h"
#include "ledger.h"
#include "status.h"
#include "testlib.h"

static struct tl_net	net;
static struct tl_feed	iss;
static struct h_node	n;

static void
setup(void)
{
	tl_net(&net, 1);
	tl_feed(&iss, 7);
}

static void
teardown(void)
{
	h_node_free(&n);
}

TestSuite(node, .init = setup, .fini = teardown, .timeout = 180);

static void
expect_acc(const struct cl_resp *r, uint32_t i, unsigned acc)
{
	cr_assert_eq(r->u.submit.r[i].acc, acc, "event %u: %s, not %s", i,
	    cl_accept_name(r->u.submit.r[i].acc), cl_accept_name(acc));
}

/* ACCREDIT iss, DEFINE: both accepted. */
static void
accredit_define(struct h_conn *c, struct tl_ev *acc, struct tl_ev *def)
{
	const struct tl_ev	*evs[2] = { acc, def };
	struct cl_resp		 r;

	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, acc);
	tl_define(&net, &iss, def);
	h_submit(c, evs, 2, 0, &r);
	expect_acc(&r, 0, CL_ACC_ACCEPTED);
	expect_acc(&r, 1, CL_ACC_ACCEPTED);
	cl_resp_free(&r);
}

static void
ref(uint8_t out[CL_ID_LEN], uint32_t holder, uint8_t last)
{
	memset(out, 0, CL_ID_LEN);
	memcpy(out, &holder, sizeof(holder));
	out[31] = last;
}

static void
ids_of(struct h_conn *c, unsigned op, const uint8_t *key, struct cl_resp *r)
{
	struct cl_req	q;

	memset(&q, 0, sizeof(q));
	q.op = op;
	memcpy(q.key, key, CL_ID_LEN);
	h_send_req(c, &q);
	cr_assert(h_recv(c, op, r));
	cr_assert_eq(r->code, CL_OK);
}

/* Append the frame of q to buf (cap bytes), at *len. */
static void
put_req(uint8_t *buf, size_t cap, size_t *len, const struct cl_req *q)
{
	size_t	k;

	cr_assert_eq(cl_req_encode(q, buf + *len, cap - *len, &k), CL_OK);
	*len += k;
}

static void
put_cred(uint8_t *buf, size_t cap, size_t *len, const uint8_t *id)
{
	struct cl_req	q;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_CREDENTIAL;
	memcpy(q.key, id, CL_ID_LEN);
	put_req(buf, cap, len, &q);
}

static unsigned
recv_cred(struct h_conn *c)
{
	struct cl_resp	r;
	unsigned	st;

	cr_assert(h_recv(c, CL_OP_CREDENTIAL, &r));
	cr_assert_eq(r.code, CL_OK);
	st = r.u.cred.status;
	cl_resp_free(&r);
	return st;
}

/*
 * Runs of CREDENTIAL queries are answered on worker threads, up to a
 * bound at a time: in one write, many of them, a STATUS, a SUBMIT and the
 * queries behind it answer in request order, and those behind the
 * SUBMIT see its commit.
 */
Test(node, pipelined_queries_around_a_submission_answer_in_order)
{
	enum { RUN = 80 };
	static struct tl_ev	acc, def, x, y, rev;
	static uint8_t		buf[1 << 16];
	const struct tl_ev	*one[1];
	struct h_conn		c;
	struct cl_resp		r;
	struct cl_req		q;
	const uint8_t		*ev[1];
	size_t			len = 0, elen[1];
	uint8_t			never[CL_ID_LEN];
	int			i;

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	tl_issue(&net, &iss, def.id, 5, 0, &x);
	tl_issue(&net, &iss, def.id, 6, 0, &y);
	one[0] = &x;
	h_submit(&c, one, 1, 0, &r);
	cl_resp_free(&r);
	one[0] = &y;
	h_submit(&c, one, 1, 0, &r);
	cl_resp_free(&r);
	tl_change(&net, &iss, CL_EV_REVOKE, x.id, &rev);
	memset(never, 0x5a, sizeof(never));

	for (i = 0; i < RUN; i++)
		put_cred(buf, sizeof(buf), &len, i % 3 == 2 ? never :
		    i % 3 ? y.id : x.id);
	memset(&q, 0, sizeof(q));
	q.op = CL_OP_STATUS;
	put_req(buf, sizeof(buf), &len, &q);
	put_cred(buf, sizeof(buf), &len, x.id);
	memset(&q, 0, sizeof(q));
	q.op = CL_OP_SUBMIT;
	ev[0] = rev.bytes;
	elen[0] = rev.len;
	q.ev = ev;
	q.ev_len = elen;
	q.ev_cnt = 1;
	put_req(buf, sizeof(buf), &len, &q);
	put_cred(buf, sizeof(buf), &len, x.id);
	put_cred(buf, sizeof(buf), &len, y.id);
	h_send(&c, buf, len);

	for (i = 0; i < RUN; i++)
		cr_assert_eq(recv_cred(&c), i % 3 == 2 ? CL_ST_UNKNOWN :
		    CL_ST_VALID, "answer %d", i);
	cr_assert(h_recv(&c, CL_OP_STATUS, &r), "STATUS in its place");
	cl_resp_free(&r);
	cr_assert_eq(recv_cred(&c), CL_ST_VALID, "before the revocation");
	cr_assert(h_recv(&c, CL_OP_SUBMIT, &r));
	expect_acc(&r, 0, CL_ACC_ACCEPTED);
	cl_resp_free(&r);
	cr_assert_eq(recv_cred(&c), CL_ST_REVOKED, "after it");
	cr_assert_eq(recv_cred(&c), CL_ST_VALID);
	/* and the connection goes on */
	cr_assert_eq(h_cred(&c, &net, x.id), CL_ST_REVOKED);
	h_close(&c);
}

Test(node, submit_and_query_by_id_digest_holder_and_head)
{
	static struct tl_ev	acc, def, x, y, rev;
	const struct tl_ev	*one[1];
	struct h_conn		c;
	struct cl_resp		r1, r2, r;
	struct cl_wire_status	st;
	struct cl_req		q;
	uint8_t			k[CL_ID_LEN], never[CL_ID_LEN];
	char			hex[65];

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	tl_issue(&net, &iss, def.id, 5, 0, &x);
	tl_issue(&net, &iss, def.id, 5, 0, &y);
	/* two submissions pipelined on one connection: answers in order */
	{
		struct cl_req	qa, qb;
		const uint8_t	*ea[1] = { x.bytes }, *eb[1] = { y.bytes };
		size_t		 la[1] = { x.len }, lb[1] = { y.len };

		memset(&qa, 0, sizeof(qa));
		qa.op = CL_OP_SUBMIT;
		qa.ev = ea;
		qa.ev_len = la;
		qa.ev_cnt = 1;
		qb = qa;
		qb.ev = eb;
		qb.ev_len = lb;
		h_send_req(&c, &qa);
		h_send_req(&c, &qb);
		cr_assert(h_recv(&c, CL_OP_SUBMIT, &r1));
		cr_assert(h_recv(&c, CL_OP_SUBMIT, &r2));
	}
	expect_acc(&r1, 0, CL_ACC_ACCEPTED);
	expect_acc(&r2, 0, CL_ACC_ACCEPTED);
	cr_assert_arr_eq(r1.u.submit.r[0].id, x.id, CL_ID_LEN);
	cr_assert_arr_eq(r2.u.submit.r[0].id, y.id, CL_ID_LEN);
	cl_resp_free(&r1);
	cl_resp_free(&r2);

	cr_assert_eq(h_cred(&c, &net, x.id), CL_ST_VALID);
	ref(k, 5, 0x42);
	ids_of(&c, CL_OP_BY_HOLDER, k, &r);
	cr_assert_eq(r.u.ids.cnt, 2, "a holder may have many");
	cr_assert_not(r.u.ids.more);
	cl_resp_free(&r);
	ref(k, 5, 0xd1);
	ids_of(&c, CL_OP_BY_DIGEST, k, &r);
	cr_assert_eq(r.u.ids.cnt, 2);
	cl_resp_free(&r);

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_HEAD;
	memcpy(q.key, iss.key.pk, CL_PK_LEN);
	h_send_req(&c, &q);
	cr_assert(h_recv(&c, CL_OP_HEAD, &r));
	cr_assert_eq(r.u.head.seq, 3);
	cr_assert_arr_eq(r.u.head.id, y.id, CL_ID_LEN);
	cl_resp_free(&r);

	tl_change(&net, &iss, CL_EV_REVOKE, x.id, &rev);
	one[0] = &rev;
	h_submit(&c, one, 1, 0, &r);
	expect_acc(&r, 0, CL_ACC_ACCEPTED);
	cl_resp_free(&r);
	cr_assert_eq(h_cred(&c, &net, x.id), CL_ST_REVOKED);
	cr_assert_eq(h_cred(&c, &net, y.id), CL_ST_VALID);
	ref(never, 999, 0x77);
	cr_assert_eq(h_cred(&c, &net, never), CL_ST_UNKNOWN);

	h_status(&c, &st);
	cl_hex_encode(hex, st.node, CL_PK_LEN);
	cr_assert_str_eq(hex, n.node_hex);
	cr_assert_arr_eq(st.network, net.netid, CL_ID_LEN);
	cr_assert_eq(st.log_size, 5);
	cr_assert_eq(st.credentials, 2);
	cr_assert_eq(st.by_type[CL_EV_ISSUE], 2);
	cr_assert_eq(st.by_type[CL_EV_REVOKE], 1);
	cr_assert_eq(st.connections, 1);
	h_close(&c);
	cr_assert_eq(h_node_stop(&n), 0, "SIGTERM: a clean exit");
}

/* The same events, same ids: a duplicate; a rejected event says why. */
Test(node, duplicates_and_rejections_are_answered_per_event)
{
	static struct tl_ev	acc, def, x, bad;
	const struct tl_ev	*evs[3] = { &x, &x, &bad };
	struct h_conn		c;
	struct cl_resp		r;

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	tl_issue(&net, &iss, def.id, 1, 0, &x);
	bad = x;
	bad.bytes[bad.len - 1] ^= 1;		/* the signature's last byte */
	h_submit(&c, evs, 3, 0, &r);
	expect_acc(&r, 0, CL_ACC_ACCEPTED);
	expect_acc(&r, 1, CL_ACC_DUPLICATE);
	expect_acc(&r, 2, CL_ACC_REJECTED);
	cr_assert_eq(r.u.submit.r[2].err, CL_EBADSIG);
	cl_resp_free(&r);
	h_close(&c);
}

/* A signer on an old head gets "stale", not a fork proof against it. */
Test(node, a_stale_head_is_not_turned_into_a_fork)
{
	static struct tl_ev	acc, def, x, y;
	const struct tl_ev	*one[1] = { &y };
	struct tl_feed		old;
	struct h_conn		c;
	struct cl_resp		r;
	struct cl_wire_status	st;

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	old = iss;
	tl_issue(&net, &iss, def.id, 1, 0, &x);	/* seq 2 */
	tl_issue(&net, &old, def.id, 2, 0, &y);	/* seq 2 too */
	one[0] = &x;
	h_submit(&c, one, 1, CL_SUBMIT_NO_FORK, &r);
	expect_acc(&r, 0, CL_ACC_ACCEPTED);
	cl_resp_free(&r);
	one[0] = &y;
	h_submit(&c, one, 1, CL_SUBMIT_NO_FORK, &r);
	expect_acc(&r, 0, CL_ACC_STALE);
	cr_assert_eq(r.u.submit.r[0].head_seq, 2);
	cl_resp_free(&r);
	h_status(&c, &st);
	cr_assert_eq(st.forks, 0);
	cr_assert_eq(h_cred(&c, &net, x.id), CL_ST_VALID);
	/* from a peer, the same bytes are an equivocation */
	h_submit(&c, one, 1, 0, &r);
	expect_acc(&r, 0, CL_ACC_FORK);
	cl_resp_free(&r);
	cr_assert_eq(h_cred(&c, &net, x.id), CL_ST_DISPUTED);
	cr_assert_eq(h_cred(&c, &net, y.id), CL_ST_DISPUTED);
	h_close(&c);
}

Test(node, a_restart_keeps_everything)
{
	static struct tl_ev	acc, def, x;
	const struct tl_ev	*one[1] = { &x };
	struct h_conn		c;
	struct cl_resp		r;
	struct cl_wire_status	a, b;

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	tl_issue(&net, &iss, def.id, 1, 0, &x);
	h_submit(&c, one, 1, 0, &r);
	cl_resp_free(&r);
	h_status(&c, &a);
	h_close(&c);
	cr_assert_eq(h_node_stop(&n), 0);
	h_node_restart(&n, NULL);
	h_connect(&c, n.port);
	h_status(&c, &b);
	cr_assert_arr_eq(a.digest, b.digest, CL_ID_LEN);
	cr_assert_arr_eq(a.node, b.node, CL_PK_LEN, "the same node key");
	cr_assert_eq(b.log_size, 3);
	cr_assert_eq(h_cred(&c, &net, x.id), CL_ST_VALID);
	h_close(&c);
}

#define BULK	3000

/* Accepted means durable: kill -9 the instant the answer is read. */
Test(node, kill_9_right_after_an_accepted_batch_loses_nothing)
{
	static struct tl_ev	acc, def, ev[BULK];
	static const struct tl_ev *p[BULK];
	struct h_conn		c;
	struct cl_resp		r[3];
	struct cl_wire_status	st;
	uint32_t		i, k;

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	for (i = 0; i < BULK; i++) {
		tl_issue(&net, &iss, def.id, 100 + i, 0, &ev[i]);
		p[i] = &ev[i];
	}
	/* three submissions in flight at once, then the answers */
	for (k = 0; k < 3; k++) {
		struct cl_req	q;
		const uint8_t	*e[BULK / 3];
		size_t		 l[BULK / 3];

		for (i = 0; i < BULK / 3; i++) {
			e[i] = p[k * (BULK / 3) + i]->bytes;
			l[i] = p[k * (BULK / 3) + i]->len;
		}
		memset(&q, 0, sizeof(q));
		q.op = CL_OP_SUBMIT;
		q.ev = e;
		q.ev_len = l;
		q.ev_cnt = BULK / 3;
		h_send_req(&c, &q);
	}
	for (k = 0; k < 3; k++)
		cr_assert(h_recv(&c, CL_OP_SUBMIT, &r[k]));
	h_node_kill9(&n);
	for (k = 0; k < 3; k++) {
		cr_assert_eq(r[k].code, CL_OK);
		for (i = 0; i < BULK / 3; i++)
			expect_acc(&r[k], i, CL_ACC_ACCEPTED);
		cl_resp_free(&r[k]);
	}
	h_close(&c);
	h_node_restart(&n, NULL);
	h_connect(&c, n.port);
	h_status(&c, &st);
	cr_assert_eq(st.credentials, BULK, "%llu of %d credentials after "
	    "kill -9", (unsigned long long)st.credentials, BULK);
	cr_assert_eq(st.log_size, BULK + 2);
	cr_assert_eq(h_cred(&c, &net, ev[BULK - 1].id), CL_ST_VALID);
	h_close(&c);
}

/* SIGTERM with a big submission in flight: it is committed and answered. */
Test(node, sigterm_commits_and_answers_what_is_in_flight)
{
	static struct tl_ev	acc, def, ev[BULK];
	static const struct tl_ev *p[BULK];
	struct h_conn		c;
	struct cl_resp		r;
	struct cl_req		q;
	static const uint8_t	*e[BULK];
	static size_t		 l[BULK];
	uint32_t		i;

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	for (i = 0; i < BULK; i++) {
		tl_issue(&net, &iss, def.id, i, 0, &ev[i]);
		p[i] = &ev[i];
		e[i] = ev[i].bytes;
		l[i] = ev[i].len;
	}
	memset(&q, 0, sizeof(q));
	q.op = CL_OP_SUBMIT;
	q.ev = e;
	q.ev_len = l;
	q.ev_cnt = BULK;
	h_send_req(&c, &q);
	h_sleep_ms(20);		/* into the node's pipeline */
	kill(n.pid, SIGTERM);
	cr_assert(h_recv(&c, CL_OP_SUBMIT, &r), "no answer after SIGTERM");
	cr_assert_eq(r.code, CL_OK);
	for (i = 0; i < BULK; i++)
		expect_acc(&r, i, CL_ACC_ACCEPTED);
	cl_resp_free(&r);
	cr_assert(h_closed_within(&c, 5000), "closed after the answer");
	h_close(&c);
	cr_assert_eq(h_node_wait(&n), 0, "exit 0 after SIGTERM, not %d",
	    n.exit_status);
	(void)p;
}

/* After each bad input, a fresh connection must still be served. */
static void
still_serving(void)
{
	struct h_conn		c;
	struct cl_wire_status	st;

	cr_assert(h_node_alive(&n), "the node died");
	h_connect(&c, n.port);
	h_status(&c, &st);
	cr_assert_arr_eq(st.network, net.netid, CL_ID_LEN);
	h_close(&c);
}

static void
expect_error(struct h_conn *c, unsigned code)
{
	struct cl_resp	r;

	cr_assert(h_recv(c, CL_OP_STATUS, &r), "no error answer");
	cr_assert_eq(r.code, code, "error %u (%.*s), not %u", r.code,
	    (int)r.msg_len, r.msg, code);
	cr_assert_gt(r.msg_len, 0, "an error says what was wrong");
}

Test(node, hostile_frames_get_an_error_and_the_node_goes_on)
{
	static const uint8_t	huge[] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t	zero[] = { 0, 0, 0, 0 };
	static const uint8_t	junk[] = { 0, 0, 0, 3, 0xc1, 0xc1, 0xc1 };
	static const uint8_t	badop[] = { 0, 0, 0, 2, 0x91, 0x63 };	/* op 99 */
	static const uint8_t	notev[] = { 0, 0, 0, 6, 0x93, 1, 0, 0x91,
	    0xc4, 0x00 };
	static const uint8_t	trunc[] = { 0, 0, 0, 100, 0x91 };
	static const uint8_t	status[] = { 0, 0, 0, 2, 0x91, 0x06 };
	struct h_conn		c;
	struct cl_wire_status	st;
	struct cl_resp		r;

	h_node_start(&n, &net, NULL);

	/* a length over the limit: an answer, then the connection ends */
	h_connect(&c, n.port);
	h_send(&c, huge, sizeof(huge));
	expect_error(&c, CL_ETOOBIG);
	cr_assert(h_closed_within(&c, 5000));
	h_close(&c);
	still_serving();

	h_connect(&c, n.port);
	h_send(&c, zero, sizeof(zero));
	expect_error(&c, CL_EBADREQ);
	cr_assert(h_closed_within(&c, 5000));
	h_close(&c);
	still_serving();

	/* garbage and unknown ops inside good frames: the conn goes on */
	h_connect(&c, n.port);
	h_send(&c, junk, sizeof(junk));
	expect_error(&c, CL_EBADREQ);
	h_send(&c, badop, sizeof(badop));
	expect_error(&c, CL_EBADREQ);
	h_send(&c, notev, sizeof(notev));
	expect_error(&c, CL_EBADREQ);
	h_send(&c, status, sizeof(status));
	cr_assert(h_recv(&c, CL_OP_STATUS, &r));
	cr_assert_eq(r.code, CL_OK);
	cl_resp_free(&r);
	h_status(&c, &st);
	cr_assert_eq(st.log_size, 0);
	h_close(&c);

	/* a peer that goes away in the middle of a frame */
	h_connect(&c, n.port);
	h_send(&c, trunc, sizeof(trunc));
	h_close(&c);
	still_serving();
}

/* An event that is not canonical is rejected, naming what is wrong. */
Test(node, a_non_canonical_event_is_rejected_per_event)
{
	static struct tl_ev	acc, def, x, nc;
	const struct tl_ev	*one[1] = { &nc };
	struct h_conn		c;
	struct cl_resp		r;

	h_node_start(&n, &net, NULL);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	tl_issue(&net, &iss, def.id, 1, 0, &x);
	nc = x;
	nc.bytes[nc.len] = 0xc0;	/* a trailing nil */
	nc.len++;
	h_submit(&c, one, 1, 0, &r);
	expect_acc(&r, 0, CL_ACC_REJECTED);
	cr_assert_eq(r.u.submit.r[0].err, CL_ETRAILING);
	cl_resp_free(&r);
	h_close(&c);
	still_serving();
}

static void
write_config(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

Test(node, a_slow_drip_and_an_idle_client_are_cut_off)
{
	static const uint8_t	part[] = { 0, 0, 0, 100, 0x91, 0x06 };
	const char		*extra[] = { "--config", NULL, NULL };
	char			 cfg[64];
	struct h_conn		 slow, idle;

	snprintf(cfg, sizeof(cfg), "/tmp/cl-it-cfg-%d.ini", (int)getpid());
	write_config(cfg, "# a tight node\n[client]\nframe_timeout_ms = 500\n"
	    "idle_timeout_ms = 1500\n");
	extra[1] = cfg;
	h_node_start(&n, &net, extra);
	unlink(cfg);
	h_connect(&slow, n.port);
	h_connect(&idle, n.port);
	h_send(&slow, part, sizeof(part));
	cr_assert(h_closed_within(&slow, 3000), "a frame that never ends");
	still_serving();
	cr_assert(h_closed_within(&idle, 5000), "an idle connection");
	h_close(&slow);
	h_close(&idle);
}

#define IDLE_CONNS	1500

Test(node, thousands_of_idle_connections_and_the_cap)
{
	const char		*extra[] = { "--max-connections", "1600",
	    NULL };
	static struct h_conn	c[IDLE_CONNS + 200];
	struct h_conn		over;
	struct rlimit		rl;
	struct cl_wire_status	st;
	int			i;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = rl.rlim_max;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	cr_assert_geq(rl.rlim_cur, IDLE_CONNS + 300, "fd limit too low");
	h_node_start(&n, &net, extra);
	for (i = 0; i < IDLE_CONNS; i++)
		h_connect(&c[i], n.port);
	still_serving();
	h_status(&c[0], &st);
	cr_assert_geq(st.connections, IDLE_CONNS);
	/* up to the cap, then refused with a word why */
	for (i = IDLE_CONNS; i < 1600; i++)
		h_connect(&c[i], n.port);
	h_sleep_ms(200);
	h_connect(&over, n.port);
	expect_error(&over, CL_EBUSY);
	cr_assert(h_closed_within(&over, 5000));
	h_close(&over);
	h_close(&c[1]);
	h_sleep_ms(200);
	h_status(&c[0], &st);
	for (i = 0; i < 1600; i++)
		h_close(&c[i]);
}

static int
node_cmd(const char *a1, const char *a2, const char *a3, const char *a4,
    const char *a5, const char *a6)
{
	char	*argv[] = { (char *)h_node_bin(), (char *)a1, (char *)a2,
	    (char *)a3, (char *)a4, (char *)a5, (char *)a6, NULL };

	return h_run(argv);
}

Test(node, init_refuses_a_data_directory_of_another_network)
{
	struct tl_net	other;
	char		path[200];
	FILE		*f;

	h_node_start(&n, &net, NULL);
	cr_assert_eq(h_node_stop(&n), 0);
	/* again with the same genesis: fine, nothing changes */
	cr_assert_eq(node_cmd("init", "--data", n.data, "--genesis",
	    n.genesis, NULL), 0);
	tl_net(&other, 2);
	snprintf(path, sizeof(path), "%s/other.cl", n.dir);
	cr_assert_not_null(f = fopen(path, "wb"));
	cr_assert_eq(fwrite(other.genesis, 1, other.genesis_len, f),
	    other.genesis_len);
	fclose(f);
	cr_assert_eq(node_cmd("init", "--data", n.data, "--genesis", path,
	    NULL), 1);
	h_node_restart(&n, NULL);
	still_serving();
}

Test(node, bad_arguments_and_configuration_exit_2)
{
	char	cfg[200];
	FILE	*f;

	h_node_start(&n, &net, NULL);
	cr_assert_eq(h_node_stop(&n), 0);
	cr_assert_eq(node_cmd("run", NULL, NULL, NULL, NULL, NULL), 2);
	cr_assert_eq(node_cmd("frobnicate", NULL, NULL, NULL, NULL, NULL),
	    2);
	cr_assert_eq(node_cmd("run", "--data", n.data, "--workers", "-1",
	    NULL), 2);
	cr_assert_eq(node_cmd("run", "--data", n.data, "--listen",
	    "127.0.0.1:99999", NULL), 2);
	snprintf(cfg, sizeof(cfg), "%s/bad.ini", n.dir);
	cr_assert_not_null(f = fopen(cfg, "w"));
	fputs("[client]\nlisten = 127.0.0.1:0\nno_such_key = 1\n", f);
	fclose(f);
	cr_assert_eq(node_cmd("run", "--data", n.data, "--config", cfg,
	    NULL), 2);
	cr_assert_eq(node_cmd("--help", NULL, NULL, NULL, NULL, NULL), 0);
	cr_assert_eq(node_cmd("run", "--data", "/nonexistent/cl", NULL, NULL,
	    NULL), 1);
}

/* A full map is a clear error; nothing committed is lost; queries go on. */
Test(node, a_full_store_says_so_and_loses_nothing)
{
	const char		*extra[] = { "--config", NULL, NULL };
	static struct tl_ev	 acc, def, ev[20000];
	static const struct tl_ev *p[500];
	char			 cfg[64];
	struct h_conn		 c;
	struct cl_resp		 r;
	struct cl_wire_status	 st;
	struct cl_req		 q;
	static const uint8_t	*e[500];
	static size_t		 l[500];
	uint32_t		 i, k, stored = 0;
	bool			 full = false;

	snprintf(cfg, sizeof(cfg), "/tmp/cl-it-cfg-%d.ini", (int)getpid());
	write_config(cfg, "[ledger]\nmap_max_mib = 2\n");
	extra[1] = cfg;
	h_node_start(&n, &net, extra);
	unlink(cfg);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	for (k = 0; k < 40 && !full; k++) {
		for (i = 0; i < 500; i++) {
			tl_issue(&net, &iss, def.id, k * 500 + i, 0,
			    &ev[k * 500 + i]);
			p[i] = &ev[k * 500 + i];
			e[i] = p[i]->bytes;
			l[i] = p[i]->len;
		}
		memset(&q, 0, sizeof(q));
		q.op = CL_OP_SUBMIT;
		q.ev = e;
		q.ev_len = l;
		q.ev_cnt = 500;
		h_send_req(&c, &q);
		cr_assert(h_recv(&c, CL_OP_SUBMIT, &r));
		if (r.code == CL_EMAPFULL) {
			full = true;
			cr_assert_gt(r.msg_len, 0);
		} else {
			cr_assert_eq(r.code, CL_OK);
			for (i = 0; i < 500; i++)
				expect_acc(&r, i, CL_ACC_ACCEPTED);
			stored += 500;
			cl_resp_free(&r);
		}
	}
	cr_assert(full, "2 MiB never filled");
	h_status(&c, &st);
	cr_assert_eq(st.credentials, stored, "all that was accepted, and "
	    "nothing of the batch that did not fit");
	cr_assert_eq(h_cred(&c, &net, ev[0].id), CL_ST_VALID);
	h_close(&c);
	cr_assert_eq(h_node_stop(&n), 0);
	h_node_restart(&n, NULL);
	h_connect(&c, n.port);
	h_status(&c, &st);
	cr_assert_eq(st.credentials, stored);
	h_close(&c);
}

/* The example configuration the package installs is one the node takes. */
Test(node, the_example_configuration_is_valid)
{
	char		 path[512];
	const char	*extra[] = { "--config", path, "--listen",
	    "127.0.0.1:0", NULL };
	const char	*top = getenv("CL_SOURCE_DIR");

	cr_assert_not_null(top, "CL_SOURCE_DIR is not set");
	snprintf(path, sizeof(path), "%s/deploy/credledger-node.ini", top);
	/*
	 * The file says data = /var/lib/credledger; the harness's --data
	 * wins, as every flag does over the file.
	 */
	h_node_start(&n, &net, extra);
	still_serving();
}

static void
req2(struct h_conn *c, unsigned op, uint64_t a, uint64_t b, struct cl_resp *r)
{
	struct cl_req	q;

	memset(&q, 0, sizeof(q));
	q.op = op;
	q.a = a;
	q.b = b;
	h_send_req(c, &q);
	cr_assert(h_recv(c, op, r));
}

/*
 * An auditor's view over the client port: signed checkpoints, inclusion
 * proofs of every event against one, a consistency proof between two,
 * the log itself, and the checkpoints the node keeps each period.
 */
Test(node, checkpoints_proofs_and_the_log_over_the_client_port)
{
	const char		*extra[] = { "--config", NULL, NULL };
	static struct tl_ev	 acc, def, ev[20];
	const struct tl_ev	*p[20];
	struct cl_checkpoint	 c1, c2;
	struct h_conn		 c;
	struct cl_resp		 r;
	char			 cfg[64], hex[65];
	uint8_t			 leaf[32];
	uint64_t		 i;

	snprintf(cfg, sizeof(cfg), "/tmp/cl-it-cfg-%d.ini", (int)getpid());
	write_config(cfg, "[ledger]\ncheckpoint_period_s = 1\n");
	extra[1] = cfg;
	h_node_start(&n, &net, extra);
	unlink(cfg);
	h_connect(&c, n.port);
	accredit_define(&c, &acc, &def);
	for (i = 0; i < 20; i++) {
		tl_issue(&net, &iss, def.id, (uint32_t)i, 0, &ev[i]);
		p[i] = &ev[i];
	}
	h_submit(&c, p, 10, 0, &r);
	cl_resp_free(&r);

	req2(&c, CL_OP_CHECKPOINT, 0, 0, &r);
	cr_assert_eq(r.code, CL_OK);
	c1 = r.u.ckpt;
	cr_assert_eq(cl_checkpoint_verify(&c1), CL_OK);
	cr_assert_eq(c1.size, 12);
	cr_assert_arr_eq(c1.network, net.netid, CL_ID_LEN);
	cl_hex_encode(hex, c1.node, CL_PK_LEN);
	cr_assert_str_eq(hex, n.node_hex, "signed by the node's key");
	c1.size++;
	cr_assert_eq(cl_checkpoint_verify(&c1), CL_EBADSIG);
	c1.size--;

	for (i = 0; i < c1.size; i++) {
		req2(&c, CL_OP_INCLUSION, i, c1.size, &r);
		cr_assert_eq(r.code, CL_OK);
		cr_assert_arr_eq(r.u.proof.root, c1.root, CL_ID_LEN);
		cl_merkle_leaf(leaf, r.u.proof.event, r.u.proof.event_len);
		cr_assert(cl_merkle_verify_inclusion(i, c1.size, leaf,
		    (const uint8_t (*)[CL_ID_LEN])r.u.proof.hash,
		    r.u.proof.cnt, c1.root), "event %llu",
		    (unsigned long long)i);
		if (i >= 2)
			cr_assert_arr_eq(r.u.proof.event, ev[i - 2].bytes,
			    ev[i - 2].len, "the leaf is the event stored");
		cl_resp_free(&r);
	}
	h_submit(&c, p + 10, 10, 0, &r);
	cl_resp_free(&r);
	req2(&c, CL_OP_CHECKPOINT, 0, 0, &r);
	c2 = r.u.ckpt;
	cr_assert_eq(cl_checkpoint_verify(&c2), CL_OK);
	cr_assert_eq(c2.size, 22);
	req2(&c, CL_OP_CONSISTENCY, c1.size, c2.size, &r);
	cr_assert_eq(r.code, CL_OK);
	cr_assert_arr_eq(r.u.proof.root_m, c1.root, CL_ID_LEN);
	cr_assert_arr_eq(r.u.proof.root, c2.root, CL_ID_LEN);
	cr_assert(cl_merkle_verify_consistency(c1.size, c2.size, c1.root,
	    c2.root, (const uint8_t (*)[CL_ID_LEN])r.u.proof.hash,
	    r.u.proof.cnt), "the node kept what c1 covered");
	cl_resp_free(&r);
	req2(&c, CL_OP_CONSISTENCY, c2.size, c2.size + 1, &r);
	cr_assert_eq(r.code, CL_ERANGE, "no proof beyond the log");

	/* the log, in position order, in two pages */
	req2(&c, CL_OP_EVENTS, 0, 15, &r);
	cr_assert_eq(r.code, CL_OK);
	cr_assert_eq(r.u.events.cnt, 15);
	cr_assert_eq(r.u.events.next, 15);
	cr_assert_eq(r.u.events.ev_len[0], acc.len);
	cr_assert_arr_eq(r.u.events.ev[0], acc.bytes, acc.len);
	cl_resp_free(&r);
	req2(&c, CL_OP_EVENTS, 15, 1000, &r);
	cr_assert_eq(r.u.events.cnt, 7);
	cr_assert_eq(r.u.events.next, 22);
	cr_assert_arr_eq(r.u.events.ev[6], ev[19].bytes, ev[19].len);
	cl_resp_free(&r);

	/* a period later the node has kept one of the grown log */
	h_sleep_ms(1600);
	req2(&c, CL_OP_CHECKPOINTS, 0, 0, &r);
	cr_assert_eq(r.code, CL_OK);
	cr_assert_geq(r.u.ckpts.cnt, 1);
	cr_assert_eq(r.u.ckpts.c[r.u.ckpts.cnt - 1].size, 22);
	for (i = 0; i < r.u.ckpts.cnt; i++)
		cr_assert_eq(cl_checkpoint_verify(&r.u.ckpts.c[i]), CL_OK);
	cl_resp_free(&r);
	h_close(&c);
}
