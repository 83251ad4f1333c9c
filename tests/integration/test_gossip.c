/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gossip between real credledger-node processes on 127.0.0.1: a line of
 * three, five nodes with one killed and restarted, a fresh node catching
 * up, a node of another network refused, and an equivocation that ends
 * disputed everywhere.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hex.h"
#include "ledger.h"
#include "status.h"
#include "testlib.h"

#define NODES_MAX	6
#define WAIT_MS		30000

static struct tl_net	net;
static struct tl_feed	iss;
static struct h_node	nodes[NODES_MAX];

static void
setup(void)
{
	tl_net(&net, 1);
	tl_feed(&iss, 7);
}

static void
teardown(void)
{
	int	i;

	for (i = 0; i < NODES_MAX; i++)
		h_node_free(&nodes[i]);
}

TestSuite(gossip, .init = setup, .fini = teardown, .timeout = 240);

static uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Start node i gossiping, with a peer (the gossip port of node p). */
static void
start(int i, int p, const struct tl_net *nt)
{
	char		 peer[64];
	const char	*with[] = { "--gossip", "127.0.0.1:0", "--peer", peer,
	    NULL };
	const char	*alone[] = { "--gossip", "127.0.0.1:0", NULL };

	if (p >= 0)
		snprintf(peer, sizeof(peer), "127.0.0.1:%d",
		    nodes[p].gossip_port);
	h_node_start(&nodes[i], nt, p >= 0 ? with : alone);
	cr_assert_gt(nodes[i].gossip_port, 0, "no gossip= in the ready line");
}

static void
restart(int i, int p)
{
	char		 peer[64];
	const char	*with[] = { "--gossip", "127.0.0.1:0", "--peer", peer,
	    NULL };

	snprintf(peer, sizeof(peer), "127.0.0.1:%d", nodes[p].gossip_port);
	h_node_restart(&nodes[i], with);
}

static void
status_of(int i, struct cl_wire_status *st)
{
	struct h_conn	c;

	h_connect(&c, nodes[i].port);
	h_status(&c, st);
	h_close(&c);
}

static unsigned
cred_on(int i, const uint8_t *id)
{
	struct h_conn	c;
	unsigned	st;

	h_connect(&c, nodes[i].port);
	st = h_cred(&c, &net, id);
	h_close(&c);
	return st;
}

/* Wait until node i answers want for credential id. */
static void
wait_cred(int i, const uint8_t *id, unsigned want)
{
	uint64_t	t0 = mono_ms();
	unsigned	st;

	while ((st = cred_on(i, id)) != want) {
		cr_assert_lt(mono_ms() - t0, WAIT_MS, "node %d: %s, not %s "
		    "after %d ms", i, cl_status_name(st), cl_status_name(want),
		    WAIT_MS);
		h_sleep_ms(50);
	}
}

/* Wait until nodes [0, n) (but skip) report one digest and log size. */
static void
wait_converged(int n, int skip)
{
	struct cl_wire_status	st[NODES_MAX];
	uint64_t		t0 = mono_ms();
	int			i, first;
	bool			same;

	for (;;) {
		same = true;
		first = -1;
		for (i = 0; i < n; i++) {
			if (i == skip)
				continue;
			status_of(i, &st[i]);
			if (first < 0)
				first = i;
			else if (memcmp(st[i].digest, st[first].digest,
			    CL_ID_LEN) != 0)
				same = false;
		}
		if (same)
			return;
		cr_assert_lt(mono_ms() - t0, WAIT_MS, "no convergence in %d "
		    "ms", WAIT_MS);
		h_sleep_ms(100);
	}
}

static void
submit_on(int i, const struct tl_ev *const *evs, uint32_t n)
{
	struct h_conn	c;
	struct cl_resp	r;
	uint32_t	k;

	h_connect(&c, nodes[i].port);
	h_submit(&c, evs, n, 0, &r);
	for (k = 0; k < n; k++)
		cr_assert(r.u.submit.r[k].acc == CL_ACC_ACCEPTED ||
		    r.u.submit.r[k].acc == CL_ACC_FORK, "event %u on node %d: "
		    "%s", k, i, cl_accept_name(r.u.submit.r[k].acc));
	cl_resp_free(&r);
	h_close(&c);
}

static void
one(int i, const struct tl_ev *ev)
{
	const struct tl_ev	*p[1] = { ev };

	submit_on(i, p, 1);
}

/* A credential issued on A verifies on C; a revocation on C reaches A. */
Test(gossip, a_line_of_three_carries_issue_and_revocation_both_ways)
{
	static struct tl_ev	acc, def, x, rev;
	struct cl_wire_status	a, c;

	start(0, -1, &net);
	start(1, 0, &net);
	start(2, 1, &net);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_define(&net, &iss, &def);
	tl_issue(&net, &iss, def.id, 1, 0, &x);
	one(0, &acc);
	one(0, &def);
	one(0, &x);
	wait_cred(2, x.id, CL_ST_VALID);
	tl_change(&net, &iss, CL_EV_REVOKE, x.id, &rev);
	one(2, &rev);
	wait_cred(0, x.id, CL_ST_REVOKED);
	wait_converged(3, -1);
	status_of(0, &a);
	status_of(2, &c);
	cr_assert_eq(a.log_size, 4);
	cr_assert_eq(c.log_size, 4);
}

/* Five nodes; one killed, the others go on; restarted, it converges. */
Test(gossip, five_nodes_converge_after_one_is_killed_and_restarted)
{
	static struct tl_ev	acc, def, ev[40];
	struct cl_wire_status	st;
	int			i;

	start(0, -1, &net);
	for (i = 1; i < 5; i++)
		start(i, i - 1, &net);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_define(&net, &iss, &def);
	one(0, &acc);
	one(0, &def);
	for (i = 0; i < 10; i++) {
		int k;

		tl_issue(&net, &iss, def.id, (uint32_t)i, 0, &ev[i]);
		one(i % 5, &ev[i]);
		/* one feed: the next node to sign on must hold this one */
		for (k = 0; k < 5; k++)
			wait_cred(k, ev[i].id, CL_ST_VALID);
	}
	wait_converged(5, -1);
	h_node_kill9(&nodes[2]);
	/* issue on 0, then go on on 1 once it has them (one feed) */
	for (i = 10; i < 30; i++) {
		if (i == 20)
			wait_cred(1, ev[19].id, CL_ST_VALID);
		tl_issue(&net, &iss, def.id, (uint32_t)i, 0, &ev[i]);
		one(i < 20 ? 0 : 1, &ev[i]);
	}
	tl_change(&net, &iss, CL_EV_REVOKE, ev[3].id, &ev[30]);
	one(1, &ev[30]);
	wait_cred(1, ev[29].id, CL_ST_VALID);
	restart(2, 1);
	/* 3 and 4 hang on 2: once it is back, everything flows again */
	wait_converged(5, -1);
	status_of(4, &st);
	cr_assert_eq(st.log_size, 2 + 30 + 1);
	cr_assert_eq(cred_on(4, ev[3].id), CL_ST_REVOKED);
	cr_assert_eq(cred_on(2, ev[29].id), CL_ST_VALID);
}

#define CATCHUP	20000

/* A node started empty after 20,000 events catches up. */
Test(gossip, a_fresh_node_catches_up_on_20000_events)
{
	static struct tl_ev	 acc, def, ev[1000];
	static const struct tl_ev *p[1000];
	struct cl_wire_status	 a, b;
	struct tl_feed		 feeds[4];
	uint64_t		 t0;
	int			 f, k, i;

	start(0, -1, &net);
	/* four issuers, so that catch-up pulls several feeds at once */
	for (f = 0; f < 4; f++) {
		tl_feed(&feeds[f], (uint32_t)(20 + f));
		tl_accredit(&net, &net.auth[0], feeds[f].key.pk, 1, &acc);
		one(0, &acc);
		tl_define(&net, &feeds[f], &def);
		one(0, &def);
		for (k = 0; k < CATCHUP / 4 / 1000; k++) {
			for (i = 0; i < 1000; i++) {
				tl_issue(&net, &feeds[f], def.id,
				    (uint32_t)(f * 100000 + k * 1000 + i), 0,
				    &ev[i]);
				p[i] = &ev[i];
			}
			submit_on(0, p, 1000);
		}
	}
	status_of(0, &a);
	cr_assert_eq(a.log_size, CATCHUP + 8);
	t0 = mono_ms();
	start(1, 0, &net);
	wait_converged(2, -1);
	status_of(1, &b);
	cr_assert_eq(b.log_size, a.log_size);
	cr_assert_eq(b.credentials, CATCHUP);
	cr_log_info("gossip: caught up on %llu events in %llu ms",
	    (unsigned long long)b.log_size,
	    (unsigned long long)(mono_ms() - t0));
}

/* A node of another network gets nothing, and gives nothing. */
Test(gossip, a_node_of_another_genesis_is_refused)
{
	static struct tl_ev	acc;
	struct tl_net		other;
	struct cl_wire_status	st;

	start(0, -1, &net);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	one(0, &acc);
	tl_net(&other, 2);
	start(1, 0, &other);
	h_sleep_ms(1500);
	status_of(1, &st);
	cr_assert_eq(st.log_size, 0, "nothing crossed from another network");
	status_of(0, &st);
	cr_assert_eq(st.log_size, 1);
	cr_assert(h_node_alive(&nodes[0]) && h_node_alive(&nodes[1]));
}

/*
 * An equivocating issuer: two different ISSUEs at one seq, one given to
 * each of two nodes.  Both end disputed on every node, each of which
 * holds the fork proof.
 */
Test(gossip, an_equivocation_ends_disputed_on_every_node)
{
	static struct tl_ev	acc, def, x, y, after;
	struct tl_feed		fork;
	struct cl_wire_status	st;
	int			i;

	start(0, -1, &net);
	start(1, 0, &net);
	start(2, 1, &net);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_define(&net, &iss, &def);
	one(0, &acc);
	one(0, &def);
	wait_converged(3, -1);
	fork = iss;
	tl_issue(&net, &iss, def.id, 1, 0, &x);		/* seq 2 */
	tl_issue(&net, &fork, def.id, 2, 0, &y);	/* seq 2 too */
	tl_issue(&net, &iss, def.id, 3, 0, &after);	/* seq 3, after x */
	one(0, &x);
	one(0, &after);
	one(2, &y);
	for (i = 0; i < 3; i++) {
		wait_cred(i, x.id, CL_ST_DISPUTED);
		wait_cred(i, y.id, CL_ST_DISPUTED);
	}
	wait_converged(3, -1);
	for (i = 0; i < 3; i++) {
		status_of(i, &st);
		cr_assert_eq(st.forks, 1, "node %d holds the fork proof", i);
		cr_assert_eq(st.log_size, 5, "node %d holds every event", i);
		cr_assert_eq(cred_on(i, after.id), CL_ST_DISPUTED);
	}
}

/* PEERS: each node's links, up, with traffic counted both ways. */
Test(gossip, status_lists_the_links_and_counts_the_traffic)
{
	static struct tl_ev	acc, def, x;
	struct h_conn		c;
	struct cl_req		q;
	struct cl_resp		r;
	uint32_t		i, up = 0;

	start(0, -1, &net);
	start(1, 0, &net);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_define(&net, &iss, &def);
	tl_issue(&net, &iss, def.id, 1, 0, &x);
	one(0, &acc);
	one(0, &def);
	one(0, &x);
	wait_cred(1, x.id, CL_ST_VALID);
	h_connect(&c, nodes[1].port);
	memset(&q, 0, sizeof(q));
	q.op = CL_OP_PEERS;
	h_send_req(&c, &q);
	cr_assert(h_recv(&c, CL_OP_PEERS, &r));
	cr_assert_eq(r.code, CL_OK);
	for (i = 0; i < r.u.peers.cnt; i++)
		if (strcmp(r.u.peers.p[i].state, "up") == 0) {
			char hex[65];

			up++;
			cl_hex_encode(hex, r.u.peers.p[i].key, 32);
			cr_assert_str_eq(hex, nodes[0].node_hex);
			cr_assert(r.u.peers.p[i].outgoing, "node 1 dialled 0");
			cr_assert_gt(r.u.peers.p[i].bytes_in, 0);
			cr_assert_geq(r.u.peers.p[i].events_in, 3);
		}
	cr_assert_eq(up, 1);
	cr_assert_geq(r.u.peers.g.events_new, 3, "three events came by gossip");
	cr_assert_eq(r.u.peers.g.links_up, 1);
	cl_resp_free(&r);
	h_close(&c);
}

#define EARLY_FEEDS	24	/* issuer keys that sort before the authority's */

/*
 * A fresh node catches up on more feeds than it pulls at once from a
 * link, whose heads come (in key order) before the authority's that
 * accredits them.  Pulled before their ACCREDITs are in, their events
 * would be dropped as of unknown authors and the same feeds pulled again
 * first, every round: the authority's would never be reached.
 */
Test(gossip, a_fresh_node_catches_up_on_issuers_listed_before_their_authority)
{
	static struct tl_ev	acc, def, x;
	struct cl_wire_status	a, b;
	struct tl_feed		f;
	uint32_t		seed;
	int			k = 0;

	start(0, -1, &net);
	for (seed = 300; k < EARLY_FEEDS; seed++) {
		tl_feed(&f, seed);
		if (memcmp(f.key.pk, net.auth[0].key.pk, CL_PK_LEN) > 0)
			continue;
		tl_accredit(&net, &net.auth[0], f.key.pk, 1, &acc);
		one(0, &acc);
		tl_define(&net, &f, &def);
		one(0, &def);
		tl_issue(&net, &f, def.id, seed, 0, &x);
		one(0, &x);
		k++;
	}
	status_of(0, &a);
	cr_assert_eq(a.log_size, 3 * EARLY_FEEDS);
	start(1, 0, &net);
	wait_converged(2, -1);
	status_of(1, &b);
	cr_assert_eq(b.log_size, a.log_size);
	cr_assert_eq(b.credentials, EARLY_FEEDS);
}
