/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger-bench gossip: credledger-node processes gossiping on
 * 127.0.0.1, each figure beside a limit measured in the same run
 * (DESIGN §8), every part repeated and reported by its median:
 *
 * 1. propagation: 16 nodes linked as a ring with chords; ISSUEs submitted
 *    one at a time to random nodes; the time until every node answers
 *    each (pipelined CREDENTIAL polls from one thread), and the full
 *    copies each node received (the nodes' PEERS), beside the latency
 *    of one durable commit;
 * 2. catch-up: a fresh node pulling a million events from 2 peers, as a
 *    ratio to crypto_sign_verify_detached on 2 threads;
 * 3. the same blocks replicated by Hypercore between two Node.js
 *    processes (tools/hypercore-bench), as a ratio;
 * 4. anti-entropy: the bytes two nodes in sync exchange per round, on the
 *    wire, counted by a TCP proxy of this process between them.
 *
 * Every child is stopped by its PID on every way out (bench_common.c).
 */
#include "bench_gossip.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench.h"
#include "bench_common.h"
#include "event.h"
#include "gossip_msg.h"
#include "hex.h"
#include "ledger.h"
#include "status.h"
#include "util.h"
#include "wire.h"

#define NODES_MAX	64
#define RUNS_MAX	15
#define PROP_ISSUERS	16
#define POLL_IN_CAP	(64 * 1024)	/* a CREDENTIAL answer and more */
#define EVENT_WAIT_MS	10000	/* for an event to reach every node */
#define SETTLE_POLLS	4	/* equal link counts in a row: settled */
#define STATUS_EVERY_MS	100	/* catch-up: its STATUS read this often */
#define VERIFY_CPU_N	10000	/* signatures timed for the CPU of one */
#define HS_BYTES	200	/* handshake and stream header, each way */
#define SS_ABYTES	17	/* crypto_secretstream's tag and MAC */
#define SIZES_MAX	16	/* frame sizes told apart by the proxy */
#define IP_TCP_HDR	52	/* IPv4 20 + TCP 20 + timestamps 12 */

#define P99_TARGET_MS	250.0
#define COPIES_TARGET	2.0
#define CATCHUP_TARGET	0.7
#define HYPERCORE_TARGET 4.0
#define AE_TARGET	200.0

struct opts {
	size_t		 nodes;		/* 1: the network */
	size_t		 prop_events;
	size_t		 max_links;
	size_t		 poll_us;
	size_t		 gap_ms;
	size_t		 events;	/* 2, 3: the stream */
	size_t		 issuers;
	size_t		 ae_seconds;	/* 4: one window */
	size_t		 ae_events;
	size_t		 runs;
	size_t		 verify_msgs;
	size_t		 sync_ms;	/* 2: the nodes' sync_ms; 0: default */
	const char	*parts;
	const char	*node_bin;
	const char	*dir;
	const char	*out;
	const char	*hc_dir;
	bool		 quick;
	bool		 keep;
};

struct ctx {
	struct opts		 o;
	char			 tmp[CL_BENCH_PATH_CAP];
	char			 cfg_prop[CL_BENCH_PATH_CAP];
	char			 cfg_cu[CL_BENCH_PATH_CAP];	/* "": none */
	struct cl__bench_corpus	 c;		/* parts 2-4 */
	char			 genesis[CL_BENCH_PATH_CAP];
	struct cl__bench_corpus	 pc;		/* part 1 */
	char			 pgenesis[CL_BENCH_PATH_CAP];
	uint8_t			(*pids)[CL_ID_LEN];	/* pc's ids */
	struct cl__bench_vmsgs	 vm;
	double			 ev_mean;	/* bytes of c's events */
};

static bool
part(const struct ctx *x, char p)
{
	return strchr(x->o.parts, p) != NULL;
}

static double
ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static double
secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		cl__bench_fail("%s: %s", path, strerror(errno));
	cl__bench_write_all(fd, buf, len, path);
	close(fd);
}

/* xorshift64*: the bench's own choices, reproducible by seed. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define MED(arr, n, field)	med_of(arr, n, sizeof(*(arr)),		\
	(size_t)((const char *)&(arr)[0].field - (const char *)&(arr)[0]))

/* The median of the double at off in each of n structs of size bytes. */
static double
med_of(const void *base, size_t n, size_t size, size_t off)
{
	double	v[RUNS_MAX];
	size_t	i;

	for (i = 0; i < n; i++)
		memcpy(&v[i], (const char *)base + i * size + off,
		    sizeof(v[i]));
	return cl__bench_median(v, n);
}

static const char *
met(bool ok)
{
	return ok ? "met" : "**missed**";
}

/* Wait until the node's log holds size events; false after ms. */
static bool
wait_size(const struct cl__bench_node *nd, uint64_t size, long ms_max,
    struct cl_wire_status *st)
{
	uint64_t	t0 = cl__bench_now_ns();

	for (;;) {
		cl__bench_status(nd, st);
		if (st->log_size >= size)
			return true;
		if (cl__bench_interrupted())
			cl__bench_fail("interrupted");
		if (cl__bench_now_ns() - t0 > (uint64_t)ms_max * 1000000u)
			return false;
		cl__bench_sleep_ms(50);
	}
}

/* 1. Propagation. */

struct prop_run {
	double		 p50_ms, p99_ms, max_ms;
	double		 commit_ms;	/* SUBMIT answered, p50 */
	double		 first_ms;	/* first other node, p50 */
	double		 copies;	/* per node per event */
	double		 dups;		/* ... of events held */
	double		 polls;		/* per event */
	double		 poll_rtt_us;	/* a poll unanswered */
	double		 links_min, links_max, links_mean;
	size_t		 diameter;	/* 0: not connected */
	bool		 links_same;	/* before == after */
	double		 node_cores;	/* all nodes, together */
	double		 bench_cores;	/* the polling thread */
	double		 other_cores;	/* the rest of the machine */
};

struct pnode {
	struct cl__bench_node	 nd;
	uint8_t			 pk[CL_PK_LEN];	/* its node key */
	int			 pfd, sfd;	/* poll, submit conns */
	uint8_t			*in, *sin;
	size_t			 in_len, sin_len;
	bool			 inflight, done;
	uint64_t		 sent_ns, next_ns;
};

/* Node i's configured peers (earlier nodes only): a ring and chords. */
static size_t
ring_peers(size_t i, size_t n, size_t *out)
{
	size_t	k = 0, d = n / 4 > 2 ? n / 4 : 2;

	if (i >= 1)
		out[k++] = i - 1;
	if (i == n - 1 && n > 2)
		out[k++] = 0;
	if (n > 2 * d) {
		if (i >= d)
			out[k++] = i - d;
		if (i + d >= n)
			out[k++] = (i + d) % n;
	}
	return k;
}

/* Hops between the farthest two nodes of an adjacency, 0 if apart. */
static size_t
diameter(bool adj[NODES_MAX][NODES_MAX], size_t n)
{
	size_t	dist[NODES_MAX], q[NODES_MAX], s, i, h, t, far = 0;

	for (s = 0; s < n; s++) {
		for (i = 0; i < n; i++)
			dist[i] = SIZE_MAX;
		dist[s] = 0;
		q[0] = s;
		for (h = 0, t = 1; h < t; h++)
			for (i = 0; i < n; i++)
				if (adj[q[h]][i] && dist[i] == SIZE_MAX) {
					dist[i] = dist[q[h]] + 1;
					q[t++] = i;
				}
		for (i = 0; i < n; i++) {
			if (dist[i] == SIZE_MAX)
				return 0;
			if (dist[i] > far)
				far = dist[i];
		}
	}
	return far;
}

/* Every node's gossip counters, summed. */
struct gsum {
	double		 ev_in, dups, links_made;
};

/*
 * Every node's PEERS answer: the links up (their count per node, and the
 * adjacency by the keys at their far ends) and the counters, summed.
 */
static void
net_peers(struct pnode *pn, size_t n, bool adj[NODES_MAX][NODES_MAX],
    double *up, struct gsum *sum)
{
	struct cl_resp	r;
	uint32_t	l;
	size_t		i, k;

	memset(adj, 0, sizeof(bool) * NODES_MAX * NODES_MAX);
	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < n; i++) {
		cl__bench_peers(&pn[i].nd, &r);
		up[i] = 0;
		for (l = 0; l < r.u.peers.cnt; l++) {
			if (strcmp(r.u.peers.p[l].state, "up") != 0)
				continue;
			up[i]++;
			for (k = 0; k < n; k++)
				if (memcmp(r.u.peers.p[l].key, pn[k].pk,
				    CL_PK_LEN) == 0)
					adj[i][k] = adj[k][i] = true;
		}
		sum->ev_in += (double)r.u.peers.g.events_in;
		sum->dups += (double)r.u.peers.g.dups_in;
		sum->links_made += (double)r.u.peers.g.links_up;
		cl_resp_free(&r);
	}
}

static void
nb_write(int fd, const uint8_t *p, size_t len)
{
	ssize_t	r;

	while ((r = write(fd, p, len)) < 0 && errno == EINTR)
		;
	if (r != (ssize_t)len)
		cl__bench_fail("a short write to a node (%zd of %zu): %s", r,
		    len, r < 0 ? strerror(errno) : "socket full");
}

/*
 * Read what is there on fd into buf; return the payload of one whole
 * answer frame (moved to the front), or NULL for "not yet".
 */
static const uint8_t *
nb_answer(int fd, uint8_t *buf, size_t *len, uint32_t *plen, const char *log)
{
	ssize_t	r;

	r = read(fd, buf + *len, POLL_IN_CAP - *len);
	if (r == 0)
		cl__bench_fail("a node closed a connection (see %s)", log);
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return NULL;
		cl__bench_fail("read from a node: %s", strerror(errno));
	}
	*len += (size_t)r;
	*plen = 0;
	if (cl_wire_frame(buf, *len, POLL_IN_CAP - CL_WIRE_HDR_LEN, plen) !=
	    CL_OK)
		cl__bench_fail("a bad answer frame (see %s)", log);
	if (*plen == 0 || *len - CL_WIRE_HDR_LEN < *plen)
		return NULL;
	if (*len != CL_WIRE_HDR_LEN + *plen)
		cl__bench_fail("more than one answer to one request");
	return buf + CL_WIRE_HDR_LEN;
}

/*
 * One event: submitted to node r at t0, then every node asked for it at
 * most every poll_ns until it answers valid.  Fills lat (ns to each
 * node's first valid answer), and the commit latency; counts polls.
 */
static void
propagate(struct ctx *x, struct pnode *pn, size_t n, size_t e, size_t r,
    uint64_t *lat, uint64_t *commit_ns, uint64_t *polls, uint64_t *rtt_ns,
    uint64_t *rtt_cnt)
{
	const struct cl__bench_corpus	*c = &x->pc;
	struct cl_req			 q;
	struct cl_resp			 a;
	const uint8_t			*ev[1], *p;
	uint8_t				 sub[CL_EVENT_MAX + 64];
	uint8_t				 poll_f[64];
	size_t				 sub_len, poll_len, i, left = n;
	uint64_t			 poll_ns = x->o.poll_us * 1000u;
	uint64_t			 t0, now, wake;
	uint32_t			 plen;
	struct timespec			 ts;
	const char			*why;
	fd_set				 rd;
	int				 maxfd, rc;
	bool				 submitted = false;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_SUBMIT;
	q.ev_cnt = 1;
	ev[0] = c->ev[e];
	q.ev = ev;
	q.ev_len = &c->len[e];
	if (cl_req_encode(&q, sub, sizeof(sub), &sub_len) != CL_OK)
		cl__bench_fail("encoding a SUBMIT");
	memset(&q, 0, sizeof(q));
	q.op = CL_OP_CREDENTIAL;
	memcpy(q.key, x->pids[e], CL_ID_LEN);
	if (cl_req_encode(&q, poll_f, sizeof(poll_f), &poll_len) != CL_OK)
		cl__bench_fail("encoding a CREDENTIAL request");
	for (i = 0; i < n; i++) {
		pn[i].done = false;
		pn[i].inflight = false;
		pn[i].next_ns = 0;
	}
	t0 = cl__bench_now_ns();
	nb_write(pn[r].sfd, sub, sub_len);
	while (left > 0 || !submitted) {
		now = cl__bench_now_ns();
		if (now - t0 > (uint64_t)EVENT_WAIT_MS * 1000000u)
			cl__bench_fail("event %zu did not reach every node in "
			    "%d ms (%zu missing)", e, EVENT_WAIT_MS, left);
		wake = now + 100000000u;
		for (i = 0; i < n; i++) {
			if (pn[i].done || pn[i].inflight)
				continue;
			if (pn[i].next_ns <= now) {
				nb_write(pn[i].pfd, poll_f, poll_len);
				pn[i].inflight = true;
				pn[i].sent_ns = now;
				pn[i].next_ns = now + poll_ns;
				(*polls)++;
			} else if (pn[i].next_ns < wake) {
				wake = pn[i].next_ns;
			}
		}
		FD_ZERO(&rd);
		maxfd = -1;
		for (i = 0; i < n; i++)
			if (pn[i].inflight) {
				FD_SET(pn[i].pfd, &rd);
				if (pn[i].pfd > maxfd)
					maxfd = pn[i].pfd;
			}
		if (!submitted) {
			FD_SET(pn[r].sfd, &rd);
			if (pn[r].sfd > maxfd)
				maxfd = pn[r].sfd;
		}
		now = cl__bench_now_ns();
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(wake / 1000000000u);
		ts.tv_nsec = (long)(wake % 1000000000u);
		rc = pselect(maxfd + 1, &rd, NULL, NULL, &ts, NULL);
		if (rc < 0 && errno != EINTR)
			cl__bench_fail("pselect: %s", strerror(errno));
		if (rc <= 0)
			continue;
		now = cl__bench_now_ns();
		if (!submitted && FD_ISSET(pn[r].sfd, &rd) &&
		    (p = nb_answer(pn[r].sfd, pn[r].sin, &pn[r].sin_len, &plen,
		    pn[r].nd.log)) != NULL) {
			why = NULL;
			if (cl_resp_decode(&a, CL_OP_SUBMIT, p, plen, &why) !=
			    CL_OK || a.code != CL_OK || a.u.submit.cnt != 1 ||
			    a.u.submit.r[0].acc != CL_ACC_ACCEPTED)
				cl__bench_fail("event %zu was not accepted by "
				    "node %zu (see %s)", e, r, pn[r].nd.log);
			cl_resp_free(&a);
			pn[r].sin_len = 0;
			*commit_ns = now - t0;
			submitted = true;
		}
		for (i = 0; i < n; i++) {
			if (!pn[i].inflight || !FD_ISSET(pn[i].pfd, &rd))
				continue;
			if ((p = nb_answer(pn[i].pfd, pn[i].in, &pn[i].in_len,
			    &plen, pn[i].nd.log)) == NULL)
				continue;
			pn[i].in_len = 0;
			pn[i].inflight = false;
			why = NULL;
			if (cl_resp_decode(&a, CL_OP_CREDENTIAL, p, plen,
			    &why) != CL_OK || a.code != CL_OK)
				cl__bench_fail("a CREDENTIAL answer: %s",
				    why != NULL ? why : "an error");
			if (a.u.cred.status == CL_ST_VALID) {
				pn[i].done = true;
				lat[i] = now - t0;
				left--;
			} else if (a.u.cred.status == CL_ST_UNKNOWN) {
				*rtt_ns += now - pn[i].sent_ns;
				(*rtt_cnt)++;
			} else {
				cl__bench_fail("node %zu answers %s for a "
				    "fresh ISSUE", i,
				    cl_status_name(a.u.cred.status));
			}
			cl_resp_free(&a);
		}
	}
}

static void
pnet_start(struct ctx *x, struct pnode *pn, size_t n, size_t run)
{
	char		 name[32], peer[NODES_MAX][32];
	const char	*extra[32];
	size_t		 i, k, np, to[8];

	for (i = 0; i < n; i++) {
		np = ring_peers(i, n, to);
		k = 0;
		extra[k++] = "--gossip";
		extra[k++] = "127.0.0.1:0";
		extra[k++] = "--config";
		extra[k++] = x->cfg_prop;
		for (size_t j = 0; j < np; j++) {
			/* later nodes are linked to by them: see ring_peers */
			if (to[j] > i)
				continue;
			snprintf(peer[j], sizeof(peer[j]), "127.0.0.1:%u",
			    pn[to[j]].nd.gossip_port);
			extra[k++] = "--peer";
			extra[k++] = peer[j];
		}
		extra[k] = NULL;
		snprintf(name, sizeof(name), "prop%zu-node%02zu", run + 1, i);
		cl__bench_node_start(&pn[i].nd, x->o.node_bin, x->tmp, name,
		    x->pgenesis, extra);
		if (pn[i].nd.gossip_port == 0 ||
		    cl_hex_decode(pn[i].pk, CL_PK_LEN, pn[i].nd.key) != CL_OK)
			cl__bench_fail("node %zu: no gossip= or node= in its "
			    "ready line", i);
	}
	for (i = 0; i < n; i++) {
		if ((pn[i].pfd = cl__bench_connect(&pn[i].nd.client, true)) <
		    0 || (pn[i].sfd = cl__bench_connect(&pn[i].nd.client,
		    true)) < 0)
			cl__bench_fail("connect to node %zu: %s", i,
			    strerror(errno));
		pn[i].in = cl__bench_calloc(1, POLL_IN_CAP);
		pn[i].sin = cl__bench_calloc(1, POLL_IN_CAP);
		pn[i].in_len = pn[i].sin_len = 0;
	}
}

static void
pnet_stop(struct ctx *x, struct pnode *pn, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		close(pn[i].pfd);
		close(pn[i].sfd);
		free(pn[i].in);
		free(pn[i].sin);
	}
	for (i = 0; i < n; i++) {
		cl__bench_node_stop(&pn[i].nd);
		if (!x->o.keep) {
			cl__bench_rmtree(pn[i].nd.data);
			(void)unlink(pn[i].nd.log);
		}
	}
}

static void
prop_run(struct ctx *x, size_t run, struct prop_run *res)
{
	static bool		 adj[NODES_MAX][NODES_MAX];
	struct pnode		*pn;
	struct cl_wire_status	 st;
	struct gsum		 s0, s1;
	size_t			 n = x->o.nodes, E = x->o.prop_events;
	size_t			 setup = 2 * PROP_ISSUERS, i, e, r;
	double			 up0[NODES_MAX], up1[NODES_MAX];
	double			 cpu0 = 0, cpu1 = 0, b0, b1, self0, self1;
	uint64_t		*all, *first, *commit, lat[NODES_MAX];
	uint64_t		 polls = 0, rtt = 0, rtt_cnt = 0, rng, t0, t1;
	int			 same;

	memset(res, 0, sizeof(*res));
	pn = cl__bench_calloc(n, sizeof(*pn));
	all = cl__bench_calloc(E, sizeof(*all));
	first = cl__bench_calloc(E, sizeof(*first));
	commit = cl__bench_calloc(E, sizeof(*commit));
	pnet_start(x, pn, n, run);
	/* the issuers, on node 0; every node must hold them */
	(void)cl__bench_submit(&pn[0].nd, &x->pc, 0, setup, setup, 1);
	for (i = 0; i < n; i++)
		if (!wait_size(&pn[i].nd, setup, 30000, &st))
			cl__bench_fail("node %zu holds %llu of the %zu setup "
			    "events after 30 s (see %s)", i,
			    (unsigned long long)st.log_size, setup,
			    pn[i].nd.log);
	/* links: wait until no node's count changes for a while */
	net_peers(pn, n, adj, up0, &s0);
	for (same = 0; same < SETTLE_POLLS;) {
		cl__bench_sleep_ms(500);
		net_peers(pn, n, adj, up1, &s1);
		same = memcmp(up0, up1, n * sizeof(double)) == 0 &&
		    s0.links_made == s1.links_made ? same + 1 : 0;
		memcpy(up0, up1, n * sizeof(double));
		s0 = s1;
	}
	for (i = 0; i < n; i++)
		cpu0 += cl__bench_proc_cpu(pn[i].nd.pid);
	b0 = cl__bench_machine_busy();
	self0 = cl__bench_self_cpu();
	rng = 0x9e3779b97f4a7c15ull ^ (run + 1);
	t0 = cl__bench_now_ns();
	for (e = 0; e < E; e++) {
		r = rng_next(&rng) % n;
		propagate(x, pn, n, setup + e, r, lat, &commit[e], &polls,
		    &rtt, &rtt_cnt);
		all[e] = 0;
		first[e] = UINT64_MAX;
		for (i = 0; i < n; i++) {
			if (lat[i] > all[e])
				all[e] = lat[i];
			if (i != r && lat[i] < first[e])
				first[e] = lat[i];
		}
		if (cl__bench_interrupted())
			cl__bench_fail("interrupted");
		/* one at a time, with a little air between them */
		cl__bench_sleep_ms((long)(x->o.gap_ms / 2 +
		    rng_next(&rng) % (x->o.gap_ms + 1)));
	}
	t1 = cl__bench_now_ns();
	for (i = 0; i < n; i++)
		cpu1 += cl__bench_proc_cpu(pn[i].nd.pid);
	b1 = cl__bench_machine_busy();
	self1 = cl__bench_self_cpu();
	/* late copies (anti-entropy) count too: two sync periods */
	cl__bench_sleep_ms(2500);
	net_peers(pn, n, adj, up1, &s1);
	res->links_same = memcmp(up0, up1, n * sizeof(double)) == 0 &&
	    s0.links_made == s1.links_made;
	res->links_min = 1e9;
	for (i = 0; i < n; i++) {
		res->links_mean += up1[i] / (double)n;
		if (up1[i] < res->links_min)
			res->links_min = up1[i];
		if (up1[i] > res->links_max)
			res->links_max = up1[i];
	}
	res->diameter = diameter(adj, n);
	res->copies = (s1.ev_in - s0.ev_in) / (double)(E * n);
	res->dups = (s1.dups - s0.dups) / (double)(E * n);
	res->polls = (double)polls / (double)E;
	res->poll_rtt_us = rtt_cnt ? (double)rtt / (double)rtt_cnt / 1e3 : 0;
	res->node_cores = (cpu1 - cpu0) / secs(t1 - t0);
	res->bench_cores = (self1 - self0) / secs(t1 - t0);
	res->other_cores = (b1 - b0) / secs(t1 - t0) - res->node_cores -
	    res->bench_cores;
	if (res->other_cores < 0)
		res->other_cores = 0;
	qsort(all, E, sizeof(*all), cmp_u64);
	qsort(first, E, sizeof(*first), cmp_u64);
	qsort(commit, E, sizeof(*commit), cmp_u64);
	res->p50_ms = ms(all[E / 2]);
	res->p99_ms = ms(all[E * 99 / 100]);
	res->max_ms = ms(all[E - 1]);
	res->first_ms = ms(first[E / 2]);
	res->commit_ms = ms(commit[E / 2]);
	cl__bench_say("propagation %zu/%zu: p50 %.1f ms, p99 %.1f ms, max "
	    "%.1f ms (one commit %.1f ms, first other node %.1f ms); %.2f "
	    "copies per node per event (%.2f duplicates); links %.0f..%.0f%s, "
	    "diameter %zu; %.0f polls per event (round trip %.0f µs); nodes "
	    "%.2f cores, bench %.2f, other load %.2f", run + 1, x->o.runs,
	    res->p50_ms, res->p99_ms, res->max_ms, res->commit_ms,
	    res->first_ms, res->copies, res->dups, res->links_min,
	    res->links_max, res->links_same ? "" : " (changed)",
	    res->diameter, res->polls, res->poll_rtt_us, res->node_cores,
	    res->bench_cores, res->other_cores);
	pnet_stop(x, pn, n);
	free(pn);
	free(all);
	free(first);
	free(commit);
}

/* 2, 3. Catch-up, and Hypercore. */

struct catchup_run {
	double		 verify;	/* 2 cores, events/s */
	double		 secs;		/* start to one digest */
	double		 rate;		/* events/s */
	double		 ratio;		/* rate / verify */
	double		 ready_s;	/* start to the ready line */
	double		 node_cores;	/* the new node */
	double		 node_us;	/* ... its CPU per event held */
	double		 verify_us;	/* CPU of one verify, one thread */
	double		 ratio_cpu;	/* verify_us / node_us */
	double		 peer_cores;	/* the 2 peers together */
	double		 other_cores;	/* the rest of the machine */
	double		 copies;	/* received per event held */
	double		 dups;		/* ... of events held already */
	bool		 hc_ok;
	double		 hc_rate;	/* blocks/s */
	double		 hc_secs;
	double		 hc_reader_cores, hc_writer_cores;
	double		 hc_other_cores;
	double		 vs_hc;		/* rate / hc_rate */
};

struct hc {
	bool		 ok;		/* a writer is up */
	char		 why[CL_BENCH_PATH_CAP + 256];	/* !ok */
	char		 node[CL_BENCH_PATH_CAP];	/* Node.js */
	char		 script[CL_BENCH_PATH_CAP];
	char		 version[64];
	pid_t		 writer;
	int		 wr_stdin;	/* closed: it stops */
	unsigned	 port;
	char		 key[65];
	size_t		 blocks, bytes;
	double		 append_s;
};

/* CPU seconds of the children waited for, so far. */
static double
children_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Read one line from a child's stdout within ms; false if none came. */
static bool
read_line(int fd, char *line, size_t cap, long ms_max)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	size_t		len = 0;
	uint64_t	t0 = cl__bench_now_ns();
	ssize_t		r;

	while (memchr(line, '\n', len) == NULL) {
		if (len == cap - 1 || cl__bench_now_ns() - t0 >
		    (uint64_t)ms_max * 1000000u || cl__bench_interrupted())
			return false;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((r = read(fd, line + len, cap - 1 - len)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return false;
		}
		len += (size_t)r;
	}
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return true;
}

/* "version" of node_modules/hypercore/package.json, or false. */
static bool
hc_version(const char *dir, char *out, size_t cap)
{
	char	 path[CL_BENCH_PATH_CAP], *p, *q, *s;
	uint8_t	*buf;
	size_t	 len;
	bool	 ok = false;

	if (snprintf(path, sizeof(path), "%s/node_modules/hypercore/"
	    "package.json", dir) >= (int)sizeof(path) ||
	    cl_tool_read_file(path, 1 << 20, &buf, &len) != CL_OK)
		return false;
	if ((s = malloc(len + 1)) == NULL)
		cl__bench_fail("out of memory");
	memcpy(s, buf, len);
	s[len] = '\0';
	free(buf);
	if ((p = strstr(s, "\"version\"")) != NULL &&
	    (p = strchr(p + 9, '"')) != NULL &&
	    (q = strchr(p + 1, '"')) != NULL) {
		snprintf(out, cap, "%.*s", (int)(q - p - 1), p + 1);
		ok = true;
	}
	free(s);
	return ok;
}

/*
 * Start the Hypercore writer: a core of blocks blocks of bytes bytes,
 * served on a free port.  When Node.js, the script or the pinned
 * hypercore is missing, h->ok is false and h->why says why.
 */
static void
hc_start(struct ctx *x, struct hc *h, size_t blocks, size_t bytes)
{
	char	*argv[8], dir[CL_BENCH_PATH_CAP], log[CL_BENCH_PATH_CAP];
	char	 nb[32], bb[32], line[512], *p;
	int	 out[2], in[2], logfd;

	memset(h, 0, sizeof(*h));
	h->wr_stdin = -1;
	h->blocks = blocks;
	h->bytes = bytes;
	if (!cl__bench_find_exec("node", h->node)) {
		snprintf(h->why, sizeof(h->why), "Node.js (`node`) is not on "
		    "PATH");
		return;
	}
	cl__bench_path(h->script, x->o.hc_dir, "replicate.js");
	if (access(h->script, R_OK) != 0) {
		snprintf(h->why, sizeof(h->why), "%s: %s", h->script,
		    strerror(errno));
		return;
	}
	if (!hc_version(x->o.hc_dir, h->version, sizeof(h->version))) {
		snprintf(h->why, sizeof(h->why), "hypercore is not installed "
		    "in %s (run `npm install` there)", x->o.hc_dir);
		return;
	}
	if (strcmp(h->version, "11.37.1") != 0) {
		snprintf(h->why, sizeof(h->why), "%s/node_modules holds "
		    "hypercore %s, not the pinned 11.37.1", x->o.hc_dir,
		    h->version);
		return;
	}
	cl__bench_path(dir, x->tmp, "hypercore-writer");
	cl__bench_path(log, x->tmp, "hypercore-writer.log");
	snprintf(nb, sizeof(nb), "%zu", blocks);
	snprintf(bb, sizeof(bb), "%zu", bytes);
	argv[0] = h->node;
	argv[1] = h->script;
	argv[2] = "writer";
	argv[3] = dir;
	argv[4] = nb;
	argv[5] = bb;
	argv[6] = NULL;
	if (pipe(out) != 0 || pipe(in) != 0)
		cl__bench_fail("pipe: %s", strerror(errno));
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	fcntl(in[1], F_SETFD, FD_CLOEXEC);
	if ((logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0)
		cl__bench_fail("%s: %s", log, strerror(errno));
	cl__bench_say("hypercore %s: the writer appends %zu blocks of %zu "
	    "bytes", h->version, blocks, bytes);
	h->writer = cl__bench_spawn(argv, in[0], out[1], logfd);
	close(in[0]);
	close(out[1]);
	close(logfd);
	h->wr_stdin = in[1];
	if (!read_line(out[0], line, sizeof(line), (long)(blocks / 1000 + 120)
	    * 1000)) {
		(void)cl__bench_stop(h->writer, 5000);
		close(out[0]);
		snprintf(h->why, sizeof(h->why), "the Hypercore writer did not "
		    "start (see %s)", log);
		cl__bench_say("%s", h->why);
		return;
	}
	close(out[0]);
	if (sscanf(line, "ready port=%u key=%64s", &h->port, h->key) != 2 ||
	    strlen(h->key) != 64 || (p = strstr(line, "append_s=")) == NULL)
		cl__bench_fail("the Hypercore writer said: %s", line);
	h->append_s = strtod(p + 9, NULL);
	h->ok = true;
	cl__bench_say("hypercore writer: pid %ld, port %u, %zu blocks "
	    "appended in %.1f s", (long)h->writer, h->port, blocks,
	    h->append_s);
}

/* One replication into a fresh reader; false if it failed. */
static bool
hc_read(struct ctx *x, struct hc *h, size_t run, struct catchup_run *res)
{
	char	*argv[8], dir[CL_BENCH_PATH_CAP], log[CL_BENCH_PATH_CAP];
	char	 name[48], port[16], nb[32], line[512];
	double	 w0, b0, b1, c0, c1, cpu_s = 0;
	uint64_t t0, t1;
	size_t	 blocks = 0;
	pid_t	 pid;
	int	 out[2], logfd, st;

	snprintf(name, sizeof(name), "hypercore-reader-%zu", run + 1);
	cl__bench_path(dir, x->tmp, name);
	snprintf(name, sizeof(name), "hypercore-reader-%zu.log", run + 1);
	cl__bench_path(log, x->tmp, name);
	snprintf(port, sizeof(port), "%u", h->port);
	snprintf(nb, sizeof(nb), "%zu", h->blocks);
	argv[0] = h->node;
	argv[1] = h->script;
	argv[2] = "reader";
	argv[3] = dir;
	argv[4] = port;
	argv[5] = h->key;
	argv[6] = nb;
	argv[7] = NULL;
	if (pipe(out) != 0)
		cl__bench_fail("pipe: %s", strerror(errno));
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	if ((logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0)
		cl__bench_fail("%s: %s", log, strerror(errno));
	w0 = cl__bench_proc_cpu(h->writer);
	c0 = children_cpu();
	b0 = cl__bench_machine_busy();
	t0 = cl__bench_now_ns();
	pid = cl__bench_spawn(argv, -1, out[1], logfd);
	close(out[1]);
	close(logfd);
	res->hc_ok = read_line(out[0], line, sizeof(line),
	    (long)(h->blocks / 200 + 120) * 1000) &&
	    sscanf(line, "done blocks=%zu seconds=%lf cpu_s=%lf", &blocks,
	    &res->hc_secs, &cpu_s) == 3 && blocks == h->blocks &&
	    res->hc_secs > 0;
	close(out[0]);
	b1 = cl__bench_machine_busy();
	t1 = cl__bench_now_ns();
	if (!res->hc_ok) {
		(void)cl__bench_stop(pid, 5000);
		snprintf(h->why, sizeof(h->why), "the Hypercore reader failed "
		    "(see %s)", log);
		cl__bench_say("%s", h->why);
		return false;
	}
	st = cl__bench_wait(pid);
	c1 = children_cpu();
	if (!cl__bench_exited_ok(st))
		cl__bench_say("the Hypercore reader exited with status %d "
		    "after its figures (see %s)", st, log);
	res->hc_rate = (double)h->blocks / res->hc_secs;
	res->hc_reader_cores = cpu_s / res->hc_secs;
	res->hc_writer_cores = (cl__bench_proc_cpu(h->writer) - w0) /
	    res->hc_secs;
	/* over the reader's whole life: Node.js starting up is its work */
	res->hc_other_cores = (b1 - b0 - (c1 - c0) -
	    (cl__bench_proc_cpu(h->writer) - w0)) / secs(t1 - t0);
	if (res->hc_other_cores < 0)
		res->hc_other_cores = 0;
	if (!x->o.keep)
		cl__bench_rmtree(dir);
	return true;
}

static void
hc_stop(struct hc *h)
{
	if (h->wr_stdin >= 0)
		close(h->wr_stdin);
	h->wr_stdin = -1;
	if (h->ok)
		(void)cl__bench_stop(h->writer, 10000);
	h->ok = false;
}

/* The peers of the catch-up, and what they hold. */
struct cnet {
	struct cl__bench_node	 p[2];
	uint8_t			 digest[CL_ID_LEN];
	uint64_t		 size, feeds;
	double			 ingest[2];	/* events/s */
};

static bool
status_is(const struct cl__bench_node *nd, const struct cl_wire_status *want,
    struct cl_wire_status *st)
{
	cl__bench_status(nd, st);
	return st->log_size == want->log_size &&
	    memcmp(st->digest, want->digest, CL_ID_LEN) == 0;
}

/*
 * The two peers take the stream over their client ports, one after the
 * other, and must then show one digest.  (Pulling it from a source would
 * hold the same events; part 2 times the pulling.)
 */
static void
cnet_start(struct ctx *x, struct cnet *cn)
{
	struct cl_wire_status	 st[2];
	const char		*gossip[] = { "--gossip", "127.0.0.1:0",
	    "--config", x->cfg_cu, NULL };
	char			 name[16];
	size_t			 i, f = 2 * x->o.issuers;
	double			 t;

	memset(cn, 0, sizeof(*cn));
	if (x->cfg_cu[0] == '\0')
		gossip[2] = NULL;
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "catchup-peer%zu", i + 1);
		cl__bench_node_start(&cn->p[i], x->o.node_bin, x->tmp, name,
		    x->genesis, gossip);
		cl__bench_say("catch-up: peer %zu takes %zu events over its "
		    "client port", i + 1, x->c.n);
		(void)cl__bench_submit(&cn->p[i], &x->c, 0, f, f, 1);
		t = cl__bench_submit(&cn->p[i], &x->c, f, x->c.n, 2000, 4);
		cn->ingest[i] = (double)(x->c.n - f) / t;
		cl__bench_status(&cn->p[i], &st[i]);
		if (st[i].log_size != x->c.n)
			cl__bench_fail("peer %zu holds %llu events, not %zu",
			    i + 1, (unsigned long long)st[i].log_size, x->c.n);
		cl__bench_say("catch-up: peer %zu took them at %.0f events/s",
		    i + 1, cn->ingest[i]);
	}
	if (memcmp(st[0].digest, st[1].digest, CL_ID_LEN) != 0)
		cl__bench_fail("the peers hold the same events but show two "
		    "digests");
	memcpy(cn->digest, st[0].digest, CL_ID_LEN);
	cn->size = st[0].log_size;
	cn->feeds = st[0].feeds;
}

static void
cnet_stop(struct ctx *x, struct cnet *cn)
{
	size_t	i;

	for (i = 0; i < 2; i++) {
		cl__bench_node_stop(&cn->p[i]);
		if (!x->o.keep)
			cl__bench_rmtree(cn->p[i].data);
	}
}

/*
 * The CPU time of one crypto_sign_verify_detached, on this thread's
 * clock: what a verify costs whatever else the machine runs (the limit,
 * by the wall clock, drops with the load).  Microseconds.
 */
static double
verify_cpu_us(const struct cl__bench_vmsgs *vm)
{
	struct timespec	a, b;
	size_t		i, n = vm->n < VERIFY_CPU_N ? vm->n : VERIFY_CPU_N;

	if (n == 0)
		return 0;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (i = 0; i < n; i++)
		if (crypto_sign_verify_detached(vm->sig[i], vm->msg[i],
		    vm->len[i], vm->pk[i]) != 0)
			cl__bench_fail("verify cost: a signature failed");
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	return ((double)(b.tv_sec - a.tv_sec) * 1e6 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e3) / (double)n;
}

/*
 * A fresh node with --peer to both: from its start until its STATUS
 * shows their digest (read every STATUS_EVERY_MS).
 */
static void
catchup_run(struct ctx *x, struct cnet *cn, size_t run,
    struct catchup_run *res)
{
	struct cl__bench_node	 nd;
	struct cl_wire_status	 want, st;
	struct cl_resp		 pr;
	const char		*with[8];
	char			 p1[32], p2[32], name[32];
	uint64_t		 t_end, last;
	double			 pc0, pc1, b0, b1, s0, s1;

	res->verify = cl__bench_verify_limit(&x->vm, CL_BENCH_VERIFY_THREADS);
	res->verify_us = verify_cpu_us(&x->vm);
	memset(&want, 0, sizeof(want));
	want.log_size = cn->size;
	memcpy(want.digest, cn->digest, CL_ID_LEN);
	snprintf(p1, sizeof(p1), "127.0.0.1:%u", cn->p[0].gossip_port);
	snprintf(p2, sizeof(p2), "127.0.0.1:%u", cn->p[1].gossip_port);
	with[0] = "--peer";
	with[1] = p1;
	with[2] = "--peer";
	with[3] = p2;
	with[4] = x->cfg_cu[0] != '\0' ? "--config" : NULL;
	with[5] = x->cfg_cu;
	with[6] = NULL;
	snprintf(name, sizeof(name), "catchup-fresh-%zu", run + 1);
	pc0 = cl__bench_proc_cpu(cn->p[0].pid) +
	    cl__bench_proc_cpu(cn->p[1].pid);
	b0 = cl__bench_machine_busy();
	s0 = cl__bench_self_cpu();
	cl__bench_node_start(&nd, x->o.node_bin, x->tmp, name, x->genesis,
	    with);
	last = nd.t_spawn_ns;
	while (!status_is(&nd, &want, &st)) {
		cl__bench_sleep_ms(STATUS_EVERY_MS);
		if (cl__bench_interrupted())
			cl__bench_fail("interrupted");
		if (cl__bench_now_ns() - last > 10000000000ull) {
			last = cl__bench_now_ns();
			cl__bench_say("  catch-up %zu: %llu of %llu after "
			    "%.0f s",
			    run + 1, (unsigned long long)st.log_size,
			    (unsigned long long)want.log_size,
			    secs(last - nd.t_spawn_ns));
		}
		if (secs(cl__bench_now_ns() - nd.t_spawn_ns) >
		    (double)cn->size / 200 + 300)
			cl__bench_fail("no catch-up (see %s)", nd.log);
	}
	t_end = cl__bench_now_ns();
	pc1 = cl__bench_proc_cpu(cn->p[0].pid) +
	    cl__bench_proc_cpu(cn->p[1].pid);
	b1 = cl__bench_machine_busy();
	s1 = cl__bench_self_cpu();
	res->secs = secs(t_end - nd.t_spawn_ns);
	res->ready_s = secs(nd.t_ready_ns - nd.t_spawn_ns);
	res->rate = (double)cn->size / res->secs;
	res->ratio = res->rate / res->verify;
	res->node_cores = cl__bench_proc_cpu(nd.pid) / res->secs;
	res->node_us = cl__bench_proc_cpu(nd.pid) * 1e6 / (double)cn->size;
	res->ratio_cpu = res->verify_us / res->node_us;
	res->peer_cores = (pc1 - pc0) / res->secs;
	res->other_cores = (b1 - b0 - (s1 - s0)) / res->secs -
	    res->node_cores - res->peer_cores;
	if (res->other_cores < 0)
		res->other_cores = 0;
	cl__bench_peers(&nd, &pr);
	res->copies = (double)pr.u.peers.g.events_in / (double)cn->size;
	res->dups = (double)pr.u.peers.g.dups_in / (double)cn->size;
	cl_resp_free(&pr);
	cl__bench_say("catch-up %zu/%zu: verify limit %.0f/s; %llu events in "
	    "%.1f s: %.0f/s, %.2f of the limit (node %.2f cores, %.1f µs "
	    "per event; a verify %.1f µs: %.2f by CPU; peers %.2f, other "
	    "load %.2f; %.3f copies received per event, %.3f duplicates)",
	    run + 1, x->o.runs, res->verify, (unsigned long long)cn->size,
	    res->secs, res->rate, res->ratio, res->node_cores, res->node_us,
	    res->verify_us, res->ratio_cpu, res->peer_cores,
	    res->other_cores, res->copies, res->dups);
	cl__bench_node_stop(&nd);
	if (!x->o.keep) {
		cl__bench_rmtree(nd.data);
		(void)unlink(nd.log);
	}
}

/* 4. Anti-entropy bytes: a counting proxy between two nodes. */

struct pdir {
	uint64_t	 bytes, frames;
	size_t		 skip;		/* handshake bytes to come */
	uint8_t		 hdr[4];
	size_t		 hdr_len;
	uint32_t	 clen;
	uint64_t	 body_left;
	bool		 in_body;
	uint32_t	 size[SIZES_MAX];	/* frame bytes, header in */
	uint64_t	 size_cnt[SIZES_MAX];
	uint64_t	 other;		/* frames of yet other sizes */
};

struct proxy {
	int			 lfd, bfd, afd; /* listen, B, A */
	uint16_t		 port;
	struct sockaddr_in	 a;
	pthread_t		 th;
	pthread_mutex_t		 mu;
	struct pdir		 d[2];	/* 0: B (dialler) to A */
	int			 wake[2];
	bool			 stop, closed;
	char			 err[128];
};

static void
frame_done(struct pdir *d)
{
	uint32_t	sz = 4 + d->clen;
	size_t		i;

	d->frames++;
	for (i = 0; i < SIZES_MAX; i++) {
		if (d->size_cnt[i] == 0 || d->size[i] == sz) {
			d->size[i] = sz;
			d->size_cnt[i]++;
			return;
		}
	}
	d->other++;
}

/* Count what went one way: bytes, and frames by their size. */
static void
pdir_take(struct pdir *d, const uint8_t *p, size_t n)
{
	size_t	k;

	d->bytes += n;
	while (n > 0) {
		if (d->skip > 0) {
			k = d->skip < n ? d->skip : n;
			d->skip -= k;
		} else if (!d->in_body) {
			d->hdr[d->hdr_len++] = *p;
			k = 1;
			if (d->hdr_len == 4) {
				d->clen = (uint32_t)d->hdr[0] << 24 |
				    (uint32_t)d->hdr[1] << 16 |
				    (uint32_t)d->hdr[2] << 8 | d->hdr[3];
				d->hdr_len = 0;
				d->body_left = d->clen;
				d->in_body = d->clen > 0;
				if (d->clen == 0)
					frame_done(d);
			}
		} else {
			k = d->body_left < n ? (size_t)d->body_left : n;
			d->body_left -= k;
			if (d->body_left == 0) {
				d->in_body = false;
				frame_done(d);
			}
		}
		p += k;
		n -= k;
	}
}

static bool
send_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	r;

	while (n > 0) {
		if ((r = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += r;
		n -= (size_t)r;
	}
	return true;
}

static void *
proxy_main(void *arg)
{
	struct proxy	*px = arg;
	struct pollfd	 pf[3];
	static uint8_t	 buf[65536];
	ssize_t		 r;
	int		 i, from, to;

	pf[0] = (struct pollfd){ px->lfd, POLLIN, 0 };
	pf[1] = (struct pollfd){ px->wake[0], POLLIN, 0 };
	while (poll(pf, 2, -1) < 0 && errno == EINTR)
		;
	if (!(pf[0].revents & POLLIN))
		return NULL;
	if ((px->bfd = accept(px->lfd, NULL, NULL)) < 0) {
		snprintf(px->err, sizeof(px->err), "accept: %s",
		    strerror(errno));
		return NULL;
	}
	fcntl(px->bfd, F_SETFD, FD_CLOEXEC);
	if ((px->afd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(px->afd, (struct sockaddr *)&px->a, sizeof(px->a)) != 0) {
		snprintf(px->err, sizeof(px->err), "connect to A: %s",
		    strerror(errno));
		return NULL;
	}
	i = 1;
	setsockopt(px->afd, IPPROTO_TCP, TCP_NODELAY, &i, sizeof(i));
	setsockopt(px->bfd, IPPROTO_TCP, TCP_NODELAY, &i, sizeof(i));
	pf[0] = (struct pollfd){ px->bfd, POLLIN, 0 };
	pf[1] = (struct pollfd){ px->afd, POLLIN, 0 };
	pf[2] = (struct pollfd){ px->wake[0], POLLIN, 0 };
	while (!px->stop) {
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[2].revents & POLLIN)
			break;
		for (i = 0; i < 2; i++) {
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			from = i == 0 ? px->bfd : px->afd;
			to = i == 0 ? px->afd : px->bfd;
			if ((r = read(from, buf, sizeof(buf))) <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				pthread_mutex_lock(&px->mu);
				px->closed = true;
				pthread_mutex_unlock(&px->mu);
				return NULL;
			}
			pthread_mutex_lock(&px->mu);
			pdir_take(&px->d[i], buf, (size_t)r);
			pthread_mutex_unlock(&px->mu);
			if (!send_all(to, buf, (size_t)r)) {
				pthread_mutex_lock(&px->mu);
				px->closed = true;
				pthread_mutex_unlock(&px->mu);
				return NULL;
			}
		}
	}
	return NULL;
}

static void
proxy_start(struct proxy *px, uint16_t a_port)
{
	struct sockaddr_in	sa;
	socklen_t		sl = sizeof(sa);

	memset(px, 0, sizeof(*px));
	px->bfd = px->afd = -1;
	px->d[0].skip = px->d[1].skip = HS_BYTES;
	px->a.sin_family = AF_INET;
	px->a.sin_port = htons(a_port);
	px->a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((px->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(px->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(px->lfd, 4) != 0 ||
	    getsockname(px->lfd, (struct sockaddr *)&sa, &sl) != 0)
		cl__bench_fail("the proxy's port: %s", strerror(errno));
	px->port = ntohs(sa.sin_port);
	if (pipe(px->wake) != 0)
		cl__bench_fail("pipe: %s", strerror(errno));
	fcntl(px->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(px->wake[1], F_SETFD, FD_CLOEXEC);
	pthread_mutex_init(&px->mu, NULL);
	if (pthread_create(&px->th, NULL, proxy_main, px) != 0)
		cl__bench_fail("pthread_create");
}

static void
proxy_stop(struct proxy *px)
{
	px->stop = true;
	if (write(px->wake[1], "x", 1) != 1)
		cl__bench_say("waking the proxy: %s", strerror(errno));
	pthread_join(px->th, NULL);
	if (px->bfd >= 0)
		close(px->bfd);
	if (px->afd >= 0)
		close(px->afd);
	close(px->lfd);
	close(px->wake[0]);
	close(px->wake[1]);
	pthread_mutex_destroy(&px->mu);
}

/* What the proxy and the nodes counted at one moment. */
struct ae_snap {
	struct pdir	 d[2];
	bool		 closed;
	uint64_t	 segs;		/* proxy's socket to A */
	double		 a_bytes, b_bytes;	/* PEERS: in + out */
	double		 a_up, b_up;
	double		 rounds, in_sync;	/* PEERS: A's and B's */
	uint64_t	 t_ns;
};

static uint64_t
tcp_segs(int fd)
{
	struct tcp_info	ti;
	socklen_t	sl = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &sl) != 0)
		return 0;
	return (uint64_t)ti.tcpi_segs_in + ti.tcpi_segs_out;
}

/* A node's links up, the bytes over them, its rounds begun and in sync. */
static void
node_bytes(const struct cl__bench_node *nd, double *bytes, double *up,
    double *rounds, double *in_sync)
{
	struct cl_resp	r;
	uint32_t	l;

	cl__bench_peers(nd, &r);
	*bytes = *up = 0;
	for (l = 0; l < r.u.peers.cnt; l++) {
		*bytes += (double)(r.u.peers.p[l].bytes_in +
		    r.u.peers.p[l].bytes_out);
		*up += strcmp(r.u.peers.p[l].state, "up") == 0;
	}
	*rounds += (double)r.u.peers.g.rounds;
	*in_sync += (double)r.u.peers.g.rounds_in_sync;
	cl_resp_free(&r);
}

static void
ae_snap(struct proxy *px, const struct cl__bench_node *a,
    const struct cl__bench_node *b, struct ae_snap *s)
{
	s->rounds = s->in_sync = 0;
	node_bytes(a, &s->a_bytes, &s->a_up, &s->rounds, &s->in_sync);
	pthread_mutex_lock(&px->mu);
	s->d[0] = px->d[0];
	s->d[1] = px->d[1];
	s->closed = px->closed;
	pthread_mutex_unlock(&px->mu);
	s->segs = tcp_segs(px->afd);
	s->t_ns = cl__bench_now_ns();
	node_bytes(b, &s->b_bytes, &s->b_up, &s->rounds, &s->in_sync);
}

static uint64_t
frames_of(const struct pdir *d, uint32_t size)
{
	size_t	i;

	for (i = 0; i < SIZES_MAX; i++)
		if (d->size_cnt[i] > 0 && d->size[i] == size)
			return d->size_cnt[i];
	return 0;
}

struct ae_run {
	double		 secs;
	double		 rounds;	/* STATE frames, both ways */
	double		 bytes;		/* both ways */
	double		 per_round;
	double		 other_frames;
	double		 a_bytes, b_bytes;	/* the nodes' counts */
	double		 node_rounds;	/* ... of rounds begun */
	double		 node_in_sync;	/* ... STATEs equal */
	double		 segs_per_round;
	double		 wire_per_round;	/* with IP, TCP */
};

struct ae_net {
	struct cl__bench_node	 a, b;
	struct proxy		 px;
	uint32_t		 state_frame;	/* bytes: frame */
	size_t			 state_msg;	/* ... message */
	uint64_t		 feeds, events;
};

static void
ae_start(struct ctx *x, struct ae_net *an)
{
	struct cl_wire_status	 sa, sb;
	struct cl_gm		 m;
	uint8_t			*buf;
	const char		*a_args[] = { "--gossip", "127.0.0.1:0",
	    NULL };
	const char		*b_args[8];
	struct cl__bench_node	*nd;
	char			 peer[32];
	size_t			 n = x->o.ae_events, len, i;
	uint64_t		 t0;

	memset(&m, 0, sizeof(m));
	m.type = CL_G_STATE;
	if (cl_gmsg_encode(&m, 0, &buf, &len) != CL_OK)
		cl__bench_fail("encoding a STATE message");
	free(buf);
	an->state_msg = len;
	an->state_frame = (uint32_t)(4 + len + SS_ABYTES);
	/* both take the events over their client ports, B before it links */
	cl__bench_node_start(&an->b, x->o.node_bin, x->tmp, "ae-b", x->genesis,
	    a_args);
	cl__bench_node_start(&an->a, x->o.node_bin, x->tmp, "ae-a", x->genesis,
	    a_args);
	for (i = 0; i < 2; i++) {
		nd = i == 0 ? &an->a : &an->b;
		(void)cl__bench_submit(nd, &x->c, 0, 2 * x->o.issuers,
		    2 * x->o.issuers, 1);
		(void)cl__bench_submit(nd, &x->c, 2 * x->o.issuers, n, 2000, 4);
	}
	cl__bench_node_stop(&an->b);
	proxy_start(&an->px, an->a.gossip_port);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", an->px.port);
	b_args[0] = "--gossip";
	b_args[1] = "127.0.0.1:0";
	b_args[2] = "--peer";
	b_args[3] = peer;
	b_args[4] = NULL;
	cl__bench_node_start(&an->b, x->o.node_bin, x->tmp, "ae-b", x->genesis,
	    b_args);
	cl__bench_status(&an->a, &sa);
	t0 = cl__bench_now_ns();
	while (!status_is(&an->b, &sa, &sb)) {
		if (an->px.err[0] != '\0')
			cl__bench_fail("the proxy: %s", an->px.err);
		if (secs(cl__bench_now_ns() - t0) > 120)
			cl__bench_fail("B and A show two digests through the "
			    "proxy after 120 s (see %s)", an->b.log);
		cl__bench_sleep_ms(100);
	}
	an->feeds = sa.feeds;
	an->events = sa.log_size;
	cl__bench_say("anti-entropy: A and B hold %llu events of %llu feeds "
	    "each, one digest %.1f s after B started; a STATE message is %zu "
	    "bytes, its frame %u", (unsigned long long)an->events,
	    (unsigned long long)an->feeds, secs(cl__bench_now_ns() - t0),
	    an->state_msg, an->state_frame);
	/* let the catch-up's last pulls and answers pass */
	cl__bench_sleep_ms(3000);
}

static void
ae_window(struct ctx *x, struct ae_net *an, size_t run, struct ae_run *res)
{
	struct ae_snap	s0, s1;
	uint64_t	st, fr;
	size_t		i;

	memset(res, 0, sizeof(*res));
	ae_snap(&an->px, &an->a, &an->b, &s0);
	cl__bench_sleep_ms((long)x->o.ae_seconds * 1000);
	ae_snap(&an->px, &an->a, &an->b, &s1);
	if (s1.closed || s1.a_up != 1 || s1.b_up != 1)
		cl__bench_fail("anti-entropy: the link through the proxy went "
		    "down, or another came up (A %.0f links, B %.0f; see %s)",
		    s1.a_up, s1.b_up, an->a.log);
	res->secs = secs(s1.t_ns - s0.t_ns);
	for (i = 0; i < 2; i++) {
		st = frames_of(&s1.d[i], an->state_frame) -
		    frames_of(&s0.d[i], an->state_frame);
		fr = s1.d[i].frames - s0.d[i].frames;
		res->rounds += (double)st;
		res->other_frames += (double)(fr - st);
		res->bytes += (double)(s1.d[i].bytes - s0.d[i].bytes);
	}
	res->a_bytes = s1.a_bytes - s0.a_bytes;
	res->b_bytes = s1.b_bytes - s0.b_bytes;
	res->node_rounds = s1.rounds - s0.rounds;
	res->node_in_sync = s1.in_sync - s0.in_sync;
	if (res->rounds == 0)
		cl__bench_fail("anti-entropy: no STATE frame in %.1f s",
		    res->secs);
	res->per_round = res->bytes / res->rounds;
	res->segs_per_round = (double)(s1.segs - s0.segs) / res->rounds;
	res->wire_per_round = res->per_round + res->segs_per_round *
	    IP_TCP_HDR;
	cl__bench_say("anti-entropy %zu/%zu: %.1f s, %.0f rounds, %.0f bytes "
	    "both ways: %.1f bytes a round (%.0f other frames; the nodes "
	    "counted %.0f and %.0f bytes, %.0f rounds, %.0f in sync; %.2f TCP "
	    "segments a round)", run + 1, x->o.runs, res->secs, res->rounds,
	    res->bytes, res->per_round, res->other_frames, res->a_bytes,
	    res->b_bytes, res->node_rounds, res->node_in_sync,
	    res->segs_per_round);
}

static void
ae_stop(struct ctx *x, struct ae_net *an)
{
	cl__bench_node_stop(&an->b);
	cl__bench_node_stop(&an->a);
	proxy_stop(&an->px);
	if (!x->o.keep) {
		cl__bench_rmtree(an->a.data);
		cl__bench_rmtree(an->b.data);
	}
}

/* The report. */

struct report {
	struct prop_run		*prop;
	struct catchup_run	*cu;
	struct ae_run		*ae;
	struct cnet		 cn;
	struct hc		 hc;
	struct ae_net		 an;
	char			 node_version[64];
};

static void
report_prop(FILE *f, const struct ctx *x, const struct report *rp)
{
	const struct opts	*o = &x->o;
	const struct prop_run	*r;
	size_t			 i, n = o->runs, to[8], k, deg = 0;
	double			 p99, copies;

	for (i = 0; i < o->nodes; i++)
		deg += ring_peers(i, o->nodes, to);
	fprintf(f, "## 1. Propagation to %zu nodes\n\n"
	    "- network: %zu nodes, each started with `--peer` to the "
	    "gossip ports of its ring neighbour and of its chord (node i to "
	    "i−1 and i−%zu, wrapping around: %zu configured links in all), "
	    "and `max_links = %zu` in a config file.  Nodes learn further "
	    "addresses from their peers and dial them while under "
	    "max_links, so the links that were up are reported, from each "
	    "node's PEERS answer (its links, by the key at the far end): "
	    "links per node, and the diameter of that graph in hops.  The "
	    "clock starts once no node's links have changed for 2 s; "
	    "*changed* marks a run in which links came or went anyway\n"
	    "- events: %d issuers accredited and defined on node 0 and held "
	    "by every node before the clock starts; then %zu ISSUEs, one at "
	    "a time, each submitted to a node drawn at random (seeded per "
	    "run); the next goes %zu–%zu ms after the last node answered the "
	    "one before\n"
	    "- latency: from writing the SUBMIT to reading the last node's "
	    "first `valid` answer to CREDENTIAL.  One thread polls every "
	    "node over its own connection: one CREDENTIAL in flight per "
	    "node, asked again at most every %zu µs, so a node's time is "
	    "late by at most %zu µs plus one round trip of a poll (its mean "
	    "is in the table)\n"
	    "- limit: one durable commit, i.e. the answer to the SUBMIT "
	    "from the node it went to (p50): every node commits an event "
	    "before it announces it, so an event d hops away cannot arrive "
	    "before about d of these\n"
	    "- copies: the full copies of events the nodes received over "
	    "gossip (PEERS' `events_in`, summed over the nodes, after − "
	    "before, read 2.5 s after the last event so that late copies "
	    "from anti-entropy count too) ÷ (events × nodes); the floor is "
	    "(nodes − 1) ÷ nodes = %.2f, one copy for every node but the "
	    "one submitted to; *duplicates*: the part of them that was held "
	    "already (PEERS' `dups_in`)\n"
	    "- CPU: the nodes' user + system time over the timed part ÷ its "
	    "length, in cores (all of them together); the bench's (the "
	    "polling thread); *other load*: the machine's user + system + "
	    "steal time (/proc/stat) less both, i.e. work that was not "
	    "ours\n\n"
	    "| run | one commit p50 ms (limit) | p50 ms | p99 ms | max ms | "
	    "target | first other node p50 ms | copies per node per event | "
	    "target | of which duplicates | links per node | diameter | "
	    "polls per event | poll round trip µs | nodes' CPU (cores) | "
	    "bench CPU (cores) | other load (cores) |\n"
	    "|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---|---:|---:|"
	    "---:|---:|---:|---:|\n", o->nodes, o->nodes,
	    o->nodes / 4 > 2 ? o->nodes / 4 : (size_t)2, deg, o->max_links,
	    PROP_ISSUERS, o->prop_events,
	    o->gap_ms / 2, o->gap_ms / 2 + o->gap_ms, o->poll_us, o->poll_us,
	    (double)(o->nodes - 1) / (double)o->nodes);
	for (i = 0; i < n; i++) {
		r = &rp->prop[i];
		fprintf(f, "| %zu | %.2f | %.1f | %.1f | %.1f | p99 < %.0f ms: "
		    "%s | %.1f | %.2f | < %.0f: %s | %.2f | %.0f–%.0f (mean "
		    "%.1f)%s | %zu | %.0f | %.0f | %.2f | %.2f | %.2f |\n",
		    i + 1,
		    r->commit_ms, r->p50_ms, r->p99_ms, r->max_ms,
		    P99_TARGET_MS, met(r->p99_ms < P99_TARGET_MS),
		    r->first_ms, r->copies, COPIES_TARGET,
		    met(r->copies < COPIES_TARGET), r->dups,
		    r->links_min, r->links_max, r->links_mean,
		    r->links_same ? "" : ", changed during the run",
		    r->diameter, r->polls, r->poll_rtt_us, r->node_cores,
		    r->bench_cores, r->other_cores);
	}
	p99 = MED(rp->prop, n, p99_ms);
	copies = MED(rp->prop, n, copies);
	for (k = 0, i = 0; i < n; i++)
		k = rp->prop[i].diameter > k ? rp->prop[i].diameter : k;
	fprintf(f, "| **median** | **%.2f** | **%.1f** | **%.1f** | %.1f | "
	    "p99 < %.0f ms: %s | %.1f | **%.2f** | < %.0f: %s | %.2f | mean "
	    "%.1f | ≤ %zu | %.0f | %.0f | %.2f | %.2f | %.2f |\n\n",
	    MED(rp->prop, n, commit_ms), MED(rp->prop, n, p50_ms), p99,
	    MED(rp->prop, n, max_ms), P99_TARGET_MS, met(p99 < P99_TARGET_MS),
	    MED(rp->prop, n, first_ms), copies, COPIES_TARGET,
	    met(copies < COPIES_TARGET), MED(rp->prop, n, dups),
	    MED(rp->prop, n, links_mean), k, MED(rp->prop, n, polls),
	    MED(rp->prop, n, poll_rtt_us), MED(rp->prop, n, node_cores),
	    MED(rp->prop, n, bench_cores), MED(rp->prop, n, other_cores));
}

static void
report_catchup(FILE *f, const struct ctx *x, const struct report *rp)
{
	const struct opts		*o = &x->o;
	const struct catchup_run	*r;
	size_t				 i, n = o->runs;
	double				 ratio;
	char				 sync_note[128] = "";

	if (x->cfg_cu[0] != '\0')
		snprintf(sync_note, sizeof(sync_note), "\n- **not the "
		    "defaults**: the three nodes run with `sync_ms = %zu`",
		    o->sync_ms);
	fprintf(f, "## 2. Catch-up of %zu events from 2 peers\n\n"
	    "- stream: %zu signed events of %zu feeds: an authority "
	    "ACCREDITs %zu issuers, each DEFINEs a micro-credential, then "
	    "ISSUEs follow round-robin over the issuers with one REVOKE in "
	    "twenty (ISSUE ≈ %zu bytes, %.0f bytes per event on average)\n"
	    "- setup, not timed: two peer nodes take the stream over their "
	    "client ports, one after the other (%.0f and %.0f events/s), and "
	    "show one digest; they hold %llu feeds\n"
	    "- run: a fresh node, `credledger-node run --peer P1 --peer P2` "
	    "(defaults; no gossip port of its own), initialised before the "
	    "clock; the time runs from starting it until a STATUS answer of "
	    "it shows the peers' digest and log size (STATUS is asked every "
	    "%d ms)\n"
	    "- verify limit: `crypto_sign_verify_detached` on %d threads "
	    "(pthreads) over the signed bytes of %zu of the same events, "
	    "measured just before each run\n"
	    "- CPU: user + system time of the new node over the run ÷ its "
	    "length, in cores; the peers' together likewise; *other load*: "
	    "the machine's user + system + steal time (/proc/stat) less the "
	    "three nodes' and the bench's, i.e. work that was not ours; "
	    "*µs per event*: the new node's user + system time ÷ events "
	    "held; *by CPU*: the CPU time of one verify (one thread's "
	    "clock, over %d of the same signatures) ÷ µs per event, i.e. "
	    "the ratio the node would reach on cores of its own at that "
	    "cost, which the machine's other load disturbs far less than "
	    "the rate and the limit by the wall clock\n"
	    "- copies: events the new node received over gossip (PEERS' "
	    "`events_in`, after the run) ÷ events held; *duplicates*: the "
	    "part of them it held already (`dups_in`); events of authors it "
	    "did not know yet are in the copies, not in the duplicates%s\n\n"
	    "| run | verify limit, 2 cores (events/s) | catch-up (events/s) | "
	    "÷ verify | target | seconds | of which until ready | new node "
	    "CPU (cores) | µs per event | verify µs (CPU) | ÷ verify by CPU | "
	    "peers' CPU (cores) | other load (cores) | copies "
	    "per event | of which duplicates |\n"
	    "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	    "---:|---:|\n",
	    rp->cn.size, rp->cn.size, o->issuers + 1, o->issuers,
	    x->c.len[2 * o->issuers], x->ev_mean, rp->cn.ingest[0],
	    rp->cn.ingest[1], (unsigned long long)rp->cn.feeds,
	    STATUS_EVERY_MS, CL_BENCH_VERIFY_THREADS,
	    x->vm.n, VERIFY_CPU_N, sync_note);
	for (i = 0; i < n; i++) {
		r = &rp->cu[i];
		fprintf(f, "| %zu | %.0f | %.0f | %.2f | ≥ %.1f: %s | %.1f | "
		    "%.2f | %.2f | %.1f | %.1f | %.2f | %.2f | %.2f | %.3f | "
		    "%.3f |\n",
		    i + 1, r->verify, r->rate, r->ratio, CATCHUP_TARGET,
		    met(r->ratio >= CATCHUP_TARGET), r->secs, r->ready_s,
		    r->node_cores, r->node_us, r->verify_us, r->ratio_cpu,
		    r->peer_cores,
		    r->other_cores, r->copies, r->dups);
	}
	ratio = MED(rp->cu, n, ratio);
	fprintf(f, "| **median** | **%.0f** | **%.0f** | **%.2f** | ≥ %.1f: "
	    "%s | %.1f | %.2f | %.2f | %.1f | %.1f | %.2f | %.2f | %.2f | "
	    "%.3f | %.3f |\n\n",
	    MED(rp->cu, n, verify), MED(rp->cu, n, rate), ratio,
	    CATCHUP_TARGET, met(ratio >= CATCHUP_TARGET),
	    MED(rp->cu, n, secs), MED(rp->cu, n, ready_s),
	    MED(rp->cu, n, node_cores), MED(rp->cu, n, node_us),
	    MED(rp->cu, n, verify_us), MED(rp->cu, n, ratio_cpu),
	    MED(rp->cu, n, peer_cores),
	    MED(rp->cu, n, other_cores), MED(rp->cu, n, copies),
	    MED(rp->cu, n, dups));
}

static void
report_hc(FILE *f, const struct ctx *x, const struct report *rp)
{
	const struct opts		*o = &x->o;
	const struct catchup_run	*r;
	struct catchup_run		 ok[RUNS_MAX];
	size_t				 i, n = o->runs, k = 0;
	double				 ratio;

	for (i = 0; i < n; i++)
		if (rp->cu[i].hc_ok)
			ok[k++] = rp->cu[i];
	fprintf(f, "## 3. The same catch-up by Hypercore\n\n");
	if (k == 0) {
		fprintf(f, "Not measured: %s.\n\n", rp->hc.why);
		return;
	}
	fprintf(f, "- hypercore %s (pinned in tools/hypercore-bench/"
	    "package.json, installed from the npm registry) on Node.js %s, "
	    "driven by tools/hypercore-bench/replicate.js: a writer process "
	    "appends %zu blocks of %zu random bytes (the mean size of the "
	    "events of part 2) to one core, in batches of 1000 (%.1f s, not "
	    "timed), and serves replication on 127.0.0.1; for each run a "
	    "reader process with a fresh storage directory connects over "
	    "TCP, replicates (`core.replicate()`: Hypercore's Noise-"
	    "encrypted stream) and downloads every block, each checked "
	    "against the writer's signed Merkle tree; the time runs from "
	    "just before its connect() until it holds all blocks "
	    "(contiguousLength), on its own clock\n"
	    "- ratio: credledger's catch-up rate of the same run (part 2, "
	    "measured just before) ÷ Hypercore's blocks/s.  Not the same "
	    "work: credledger checks one Ed25519 signature per event, the "
	    "ledger's acceptance rules and indexes, and commits durably; "
	    "Hypercore checks Merkle proofs and one signature per tree "
	    "root\n"
	    "- CPU: the reader's own count (process.cpuUsage) and the "
	    "writer's (/proc) over the run ÷ its length; other load as in "
	    "part 2, less reader and writer\n\n"
	    "| run | Hypercore (blocks/s) | credledger (events/s) | "
	    "credledger ÷ Hypercore | target | Hypercore seconds | reader "
	    "CPU (cores) | writer CPU (cores) | other load (cores) |\n"
	    "|---:|---:|---:|---:|---|---:|---:|---:|---:|\n", rp->hc.version,
	    rp->node_version, rp->hc.blocks, rp->hc.bytes, rp->hc.append_s);
	for (i = 0; i < n; i++) {
		r = &rp->cu[i];
		if (!r->hc_ok) {
			fprintf(f, "| %zu | not measured | %.0f | – | – | – "
			    "| – | – | – |\n", i + 1, r->rate);
			continue;
		}
		fprintf(f, "| %zu | %.0f | %.0f | %.2f | ≥ %.0f: %s | %.1f | "
		    "%.2f | %.2f | %.2f |\n", i + 1, r->hc_rate, r->rate,
		    r->vs_hc, HYPERCORE_TARGET,
		    met(r->vs_hc >= HYPERCORE_TARGET), r->hc_secs,
		    r->hc_reader_cores, r->hc_writer_cores,
		    r->hc_other_cores);
	}
	ratio = MED(ok, k, vs_hc);
	fprintf(f, "| **median** | **%.0f** | **%.0f** | **%.2f** | ≥ %.0f: "
	    "%s | %.1f | %.2f | %.2f | %.2f |\n\n", MED(ok, k, hc_rate),
	    MED(ok, k, rate), ratio, HYPERCORE_TARGET,
	    met(ratio >= HYPERCORE_TARGET), MED(ok, k, hc_secs),
	    MED(ok, k, hc_reader_cores), MED(ok, k, hc_writer_cores),
	    MED(ok, k, hc_other_cores));
	if (k < n)
		fprintf(f, "Some runs were not measured: %s.\n\n", rp->hc.why);
}

static void
report_ae(FILE *f, const struct ctx *x, const struct report *rp)
{
	const struct opts	*o = &x->o;
	const struct ae_run	*r;
	size_t			 i, n = o->runs;
	double			 per;

	fprintf(f, "## 4. Anti-entropy: bytes per round between 2 nodes in "
	    "sync with %llu feeds\n\n"
	    "- A and B each take %llu events of %llu feeds (the first of "
	    "part 2's stream) over their client ports; then B is restarted "
	    "with `--peer` to a TCP proxy in the bench, which forwards every "
	    "byte to A's gossip port and back and counts them.  Once both "
	    "show one digest, and 3 s more, each run counts a window of "
	    "%zu s\n"
	    "- a round: one node's STATE message (its state digest) and "
	    "whatever answers it; in sync nothing does.  Each node begins "
	    "one on each link every sync period (1000 ms by default), so a "
	    "link carries about 2 rounds a second\n"
	    "- bytes: the TCP payload, both ways — each message's 4-byte "
	    "frame header, crypto_secretstream's %d bytes and the message "
	    "(STATE: %zu bytes of msgpack, %u bytes in all).  The proxy "
	    "cannot decrypt but reads the frame headers, and counts frames "
	    "by size: rounds are the STATE-sized ones, *other frames* the "
	    "rest.  The nodes' own counts over the same window are shown as "
	    "a check: the bytes in + out of their one link, the rounds they "
	    "began and the STATEs they found equal to their own (PEERS' "
	    "`rounds` and `rounds_in_sync`, A's and B's together)\n"
	    "- under TCP: the segments per round on the proxy's connection "
	    "to A (TCP_INFO segs_in + segs_out, so ACKs included), and the "
	    "round's bytes with %d bytes of IPv4 and TCP headers (with "
	    "timestamps) per segment; a direct link would show the same "
	    "segments, as the proxy forwards each read at once\n\n"
	    "| run | seconds | rounds | bytes both ways | bytes per round | "
	    "target | other frames | bytes A counted | bytes B counted | "
	    "rounds begun, in sync (nodes) | TCP segments per round | with "
	    "IPv4 + TCP headers, per round |\n"
	    "|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|\n",
	    (unsigned long long)rp->an.feeds,
	    (unsigned long long)rp->an.events,
	    (unsigned long long)rp->an.feeds, o->ae_seconds, SS_ABYTES,
	    rp->an.state_msg, rp->an.state_frame, IP_TCP_HDR);
	for (i = 0; i < n; i++) {
		r = &rp->ae[i];
		fprintf(f, "| %zu | %.1f | %.0f | %.0f | %.1f | < %.0f: %s | "
		    "%.0f | %.0f | %.0f | %.0f, %.0f | %.2f | %.1f |\n", i + 1,
		    r->secs, r->rounds, r->bytes, r->per_round, AE_TARGET,
		    met(r->per_round < AE_TARGET), r->other_frames,
		    r->a_bytes, r->b_bytes, r->node_rounds, r->node_in_sync,
		    r->segs_per_round, r->wire_per_round);
	}
	per = MED(rp->ae, n, per_round);
	fprintf(f, "| **median** | %.1f | %.0f | %.0f | **%.1f** | < %.0f: %s "
	    "| %.0f | %.0f | %.0f | %.0f, %.0f | %.2f | %.1f |\n\n",
	    MED(rp->ae, n, secs), MED(rp->ae, n, rounds),
	    MED(rp->ae, n, bytes), per, AE_TARGET, met(per < AE_TARGET),
	    MED(rp->ae, n, other_frames), MED(rp->ae, n, a_bytes),
	    MED(rp->ae, n, b_bytes), MED(rp->ae, n, node_rounds),
	    MED(rp->ae, n, node_in_sync),
	    MED(rp->ae, n, segs_per_round), MED(rp->ae, n, wire_per_round));
}

static void
node_js_version(const char *node, char *out, size_t cap)
{
	char	*argv[3], buf[64];
	ssize_t	 n;
	int	 pp[2];
	pid_t	 pid;

	snprintf(out, cap, "?");
	argv[0] = (char *)node;
	argv[1] = "--version";
	argv[2] = NULL;
	if (pipe(pp) != 0)
		return;
	fcntl(pp[0], F_SETFD, FD_CLOEXEC);
	pid = cl__bench_spawn(argv, -1, pp[1], -1);
	close(pp[1]);
	n = read(pp[0], buf, sizeof(buf) - 1);
	close(pp[0]);
	(void)cl__bench_wait(pid);
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(out, cap, "%s", buf);
	}
}

static void
write_report(const struct ctx *x, const struct report *rp, int argc,
    char **argv)
{
	const struct opts	*o = &x->o;
	char			 when[64], cpu[256];
	struct utsname		 u;
	time_t			 tnow = time(NULL);
	FILE			*f;
	int			 a;

	if ((f = fopen(o->out, "w")) == NULL)
		cl__bench_fail("%s: %s", o->out, strerror(errno));
	uname(&u);
	cl__bench_cpu_model(cpu, sizeof(cpu));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&tnow));
	fprintf(f, "# Gossip benchmark\n\n"
	    "Written by `credledger-bench gossip` on %s (%s %s, %s, %ld "
	    "cores)%s.  Command: `credledger-bench", when, u.sysname,
	    u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN), o->quick ?
	    ", **a --quick smoke run, not the report's figures**" : "");
	for (a = 0; a < argc; a++)
		fprintf(f, " %s", argv[a]);
	fprintf(f, "`.  Every limit is measured in this run, on the same "
	    "machine, beside the figure it is divided by (DESIGN §8: single "
	    "runs drift by up to 15 %%); runs per part: %zu, and the "
	    "figures are their medians.\n\n"
	    "The nodes are `credledger-node run --listen 127.0.0.1:0 "
	    "--gossip 127.0.0.1:0` processes with the defaults otherwise "
	    "(signature-checking workers = cores, `batch_max` 10000, durable "
	    "LMDB commits, `sync_ms` 1000), each with a fresh data "
	    "directory under %s, stopped with SIGTERM; nodes and bench share "
	    "the machine's %ld cores.\n\n", o->runs, o->dir,
	    sysconf(_SC_NPROCESSORS_ONLN));
	if (part(x, '1'))
		report_prop(f, x, rp);
	if (part(x, '2'))
		report_catchup(f, x, rp);
	if (part(x, '2') && part(x, '3'))
		report_hc(f, x, rp);
	if (part(x, '4'))
		report_ae(f, x, rp);
	if (fclose(f) != 0)
		cl__bench_fail("%s: %s", o->out, strerror(errno));
	cl__bench_say("wrote %s", o->out);
}

/* Options. */

struct numopt {
	const char	*name;
	size_t		 off;		/* in struct opts */
	uint64_t	 min, max;
	size_t		 full, quick;	/* defaults */
	const char	*help;
};

static const struct numopt numopts[] = {
	{ "nodes", offsetof(struct opts, nodes), 3, NODES_MAX, 16, 16,
	    "1: nodes of the network" },
	{ "prop-events", offsetof(struct opts, prop_events), 10, 100000,
	    200, 50, "1: ISSUEs propagated per run" },
	{ "max-links", offsetof(struct opts, max_links), 1, 1024, 4, 4,
	    "1: the nodes' max_links" },
	{ "poll-us", offsetof(struct opts, poll_us), 50, 1000000, 1000, 1000,
	    "1: a node is polled at most this often" },
	{ "gap-ms", offsetof(struct opts, gap_ms), 0, 10000, 20, 20,
	    "1: mean pause between two events" },
	{ "events", offsetof(struct opts, events), 10000, 10000000, 1000000,
	    50000, "2, 3: events caught up (blocks for Hypercore)" },
	{ "issuers", offsetof(struct opts, issuers), 1, 100000, 999, 999,
	    "2-4: issuers of the stream (feeds: one more)" },
	{ "ae-events", offsetof(struct opts, ae_events), 100, 10000000, 0, 0,
	    "4: events in the nodes (0: 4 per issuer)" },
	{ "ae-seconds", offsetof(struct opts, ae_seconds), 1, 3600, 20, 5,
	    "4: seconds counted per run" },
	{ "verify-msgs", offsetof(struct opts, verify_msgs), 1000, 1000000,
	    60000, 10000, "2: signatures of one verify measurement" },
	{ "sync-ms", offsetof(struct opts, sync_ms), 0, 3600000, 0, 0,
	    "2: sync_ms of its nodes (0: theirs)" },
	{ "runs", offsetof(struct opts, runs), 1, RUNS_MAX, 3, 1,
	    "repetitions of each part (medians reported)" },
};
#define NUMOPTS	(sizeof(numopts) / sizeof(numopts[0]))

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: credledger-bench gossip [--quick] [--parts 1234] "
	    "[--node-bin PATH]\n"
	    "           [--hypercore DIR] [--dir DIR] [--out FILE] [--keep] "
	    "[--N value ...]\n"
	    "Runs credledger-node processes gossiping on 127.0.0.1 and "
	    "measures\n(1) propagation to 16 nodes, (2) catch-up from 2 "
	    "peers, (3) the same by\nHypercore, (4) anti-entropy bytes per "
	    "round; writes the report (Markdown).\n"
	    "  --quick          a small smoke run (the defaults in "
	    "brackets)\n"
	    "  --parts DIGITS   the parts to run (default 1234; 3 needs 2)\n"
	    "  --node-bin PATH  the node (default: ../node/credledger-node "
	    "next to this\n"
	    "                   program)\n"
	    "  --hypercore DIR  replicate.js and its node_modules (default "
	    "tools/hypercore-bench)\n"
	    "  --dir DIR        where the scratch directory goes (default "
	    "/var/tmp)\n"
	    "  --out FILE       the report (default bench/gossip.md)\n"
	    "  --keep           keep the scratch directory (data, logs)\n");
	for (i = 0; i < NUMOPTS; i++)
		fprintf(f, "  --%-15s %s (default %zu [%zu])\n",
		    numopts[i].name, numopts[i].help, numopts[i].full,
		    numopts[i].quick);
}

static int
parse_opts(struct opts *o, int argc, char **argv, char *node_bin)
{
	struct option	lo[NUMOPTS + 10];
	bool		set[NUMOPTS];
	size_t		i;
	uint64_t	v;
	int		c, li;

	memset(o, 0, sizeof(*o));
	memset(set, 0, sizeof(set));
	memset(lo, 0, sizeof(lo));
	for (i = 0; i < NUMOPTS; i++) {
		lo[i].name = numopts[i].name;
		lo[i].has_arg = required_argument;
		lo[i].val = 1000 + (int)i;
	}
	lo[i++] = (struct option){ "quick", no_argument, NULL, 'q' };
	lo[i++] = (struct option){ "parts", required_argument, NULL, 'p' };
	lo[i++] = (struct option){ "node-bin", required_argument, NULL, 'b' };
	lo[i++] = (struct option){ "hypercore", required_argument, NULL, 'y' };
	lo[i++] = (struct option){ "dir", required_argument, NULL, 'd' };
	lo[i++] = (struct option){ "out", required_argument, NULL, 'o' };
	lo[i++] = (struct option){ "keep", no_argument, NULL, 'k' };
	lo[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	o->dir = "/var/tmp";
	o->out = "bench/gossip.md";
	o->hc_dir = "tools/hypercore-bench";
	o->parts = "1234";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, &li)) != -1) {
		switch (c) {
		case 'q':
			o->quick = true;
			break;
		case 'p':
			if (optarg[0] == '\0' ||
			    strspn(optarg, "1234") != strlen(optarg)) {
				fprintf(stderr, "credledger-bench gossip: "
				    "--parts: '%s' is not digits 1 to 4\n",
				    optarg);
				return 2;
			}
			o->parts = optarg;
			break;
		case 'b':
			o->node_bin = optarg;
			break;
		case 'y':
			o->hc_dir = optarg;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'k':
			o->keep = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "credledger-bench gossip: %s needs a "
			    "value\n", argv[optind - 1]);
			return 2;
		case '?':
			fprintf(stderr, "credledger-bench gossip: unknown "
			    "option %s\n", argv[optind - 1]);
			return 2;
		default:
			i = (size_t)(c - 1000);
			if (cl_tool_parse_u64(optarg, numopts[i].max, &v) !=
			    CL_OK || v < numopts[i].min) {
				fprintf(stderr, "credledger-bench gossip: "
				    "--%s: '%s' is not a number from %llu to "
				    "%llu\n",
				    numopts[i].name, optarg,
				    (unsigned long long)numopts[i].min,
				    (unsigned long long)numopts[i].max);
				return 2;
			}
			*(size_t *)(void *)((char *)o + numopts[i].off) =
			    (size_t)v;
			set[i] = true;
			break;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "credledger-bench gossip: unexpected '%s'\n",
		    argv[optind]);
		return 2;
	}
	for (i = 0; i < NUMOPTS; i++)
		if (!set[i])
			*(size_t *)(void *)((char *)o + numopts[i].off) =
			    o->quick ? numopts[i].quick : numopts[i].full;
	if (o->ae_events == 0)
		o->ae_events = 4 * o->issuers;
	if (o->ae_events < 2 * o->issuers || o->events < 2 * o->issuers ||
	    o->ae_events > o->events) {
		fprintf(stderr, "credledger-bench gossip: --events and "
		    "--ae-events need at least 2 per issuer (%zu), and "
		    "--ae-events at most --events\n", o->issuers);
		return 2;
	}
	if (o->node_bin == NULL) {
		cl__bench_default_node_bin(node_bin);
		o->node_bin = node_bin;
	}
	if (access(o->node_bin, X_OK) != 0) {
		fprintf(stderr, "credledger-bench gossip: %s: %s "
		    "(--node-bin)\n", o->node_bin, strerror(errno));
		return 1;
	}
	return -1;
}

/* Event ids of the propagation stream. */
static void
prop_corpus(struct ctx *x)
{
	struct cl_event	ev;
	size_t		i, n = 2 * PROP_ISSUERS + x->o.prop_events;

	cl__bench_corpus_feeds(&x->pc, n, PROP_ISSUERS, 0, 2,
	    CL_BENCH_VERIFY_THREADS);
	x->pids = cl__bench_calloc(n, sizeof(*x->pids));
	for (i = 0; i < n; i++) {
		if (cl_ev_decode(&ev, x->pc.ev[i], x->pc.len[i], NULL) !=
		    CL_OK || cl_ev_id(&ev, x->pc.netid, x->pids[i]) != CL_OK)
			cl__bench_fail("propagation event %zu", i);
		cl_ev_free(&ev);
	}
	cl__bench_path(x->pgenesis, x->tmp, "genesis-prop.bin");
	write_file(x->pgenesis, x->pc.genesis, x->pc.genesis_len);
}

int
cl__bench_gossip(int argc, char **argv)
{
	static char		 node_bin[CL_BENCH_PATH_CAP];
	static struct ctx	 x;
	static struct report	 rp;
	char			 cfg[128];
	size_t			 i, total = 0;
	int			 rc, len;

	if ((rc = parse_opts(&x.o, argc, argv, node_bin)) >= 0)
		return rc;
	cl__bench_setup("bench gossip");
	if (snprintf(x.tmp, sizeof(x.tmp), "%s/credledger-bench-gossip-XXXXXX",
	    x.o.dir) >= (int)sizeof(x.tmp) || mkdtemp(x.tmp) == NULL)
		cl__bench_fail("mkdtemp under %s: %s", x.o.dir,
		    strerror(errno));
	cl__bench_keep_on_failure(x.tmp);
	cl__bench_say("scratch %s, node %s", x.tmp, x.o.node_bin);
	if (part(&x, '2') || part(&x, '4')) {
		total = part(&x, '2') ? x.o.events : x.o.ae_events;
		cl__bench_corpus_feeds(&x.c, total, x.o.issuers, 20, 1,
		    CL_BENCH_VERIFY_THREADS);
		cl__bench_path(x.genesis, x.tmp, "genesis.bin");
		write_file(x.genesis, x.c.genesis, x.c.genesis_len);
		for (i = 0; i < x.c.n; i++)
			x.ev_mean += (double)x.c.len[i];
		x.ev_mean /= (double)x.c.n;
		cl__bench_vmsgs_make(&x.vm, &x.c, 2 * x.o.issuers,
		    x.o.verify_msgs);
	}

	if (part(&x, '4')) {
		rp.ae = cl__bench_calloc(x.o.runs, sizeof(*rp.ae));
		ae_start(&x, &rp.an);
		for (i = 0; i < x.o.runs; i++)
			ae_window(&x, &rp.an, i, &rp.ae[i]);
		ae_stop(&x, &rp.an);
	}

	if (part(&x, '1')) {
		prop_corpus(&x);
		cl__bench_path(x.cfg_prop, x.tmp, "prop.conf");
		len = snprintf(cfg, sizeof(cfg), "[gossip]\nmax_links = %zu\n",
		    x.o.max_links);
		write_file(x.cfg_prop, cfg, (size_t)len);
		rp.prop = cl__bench_calloc(x.o.runs, sizeof(*rp.prop));
		for (i = 0; i < x.o.runs; i++)
			prop_run(&x, i, &rp.prop[i]);
	}

	if (part(&x, '2')) {
		if (x.o.sync_ms != 0) {
			cl__bench_path(x.cfg_cu, x.tmp, "catchup.conf");
			len = snprintf(cfg, sizeof(cfg), "[gossip]\nsync_ms = "
			    "%zu\n", x.o.sync_ms);
			write_file(x.cfg_cu, cfg, (size_t)len);
		}
		rp.cu = cl__bench_calloc(x.o.runs, sizeof(*rp.cu));
		cnet_start(&x, &rp.cn);
		if (part(&x, '3')) {
			hc_start(&x, &rp.hc, x.c.n, (size_t)(x.ev_mean + 0.5));
			if (rp.hc.ok)
				node_js_version(rp.hc.node, rp.node_version,
				    sizeof(rp.node_version));
			else
				cl__bench_say("hypercore: not measured: %s",
				    rp.hc.why);
		}
		for (i = 0; i < x.o.runs; i++) {
			catchup_run(&x, &rp.cn, i, &rp.cu[i]);
			if (!rp.hc.ok || !hc_read(&x, &rp.hc, i, &rp.cu[i]))
				continue;
			rp.cu[i].vs_hc = rp.cu[i].rate / rp.cu[i].hc_rate;
			cl__bench_say("hypercore %zu/%zu: %zu blocks in %.1f "
			    "s: %.0f/s (reader %.2f cores, writer %.2f); "
			    "credledger ÷ Hypercore %.2f", i + 1, x.o.runs,
			    rp.hc.blocks, rp.cu[i].hc_secs, rp.cu[i].hc_rate,
			    rp.cu[i].hc_reader_cores,
			    rp.cu[i].hc_writer_cores, rp.cu[i].vs_hc);
		}
		hc_stop(&rp.hc);
		cnet_stop(&x, &rp.cn);
	}

	write_report(&x, &rp, argc, argv);
	if (x.o.keep) {
		cl__bench_say("scratch kept in %s", x.tmp);
	} else {
		cl__bench_keep_on_failure(NULL);
		cl__bench_rmtree(x.tmp);
	}
	free(rp.prop);
	free(rp.cu);
	free(rp.ae);
	free(x.pids);
	cl__bench_vmsgs_free(&x.vm);
	if (x.c.ev != NULL)
		cl__bench_corpus_free(&x.c);
	if (x.pc.ev != NULL)
		cl__bench_corpus_free(&x.pc);
	return 0;
}
