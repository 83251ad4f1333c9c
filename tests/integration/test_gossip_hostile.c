/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile peers against a real node: A gossips with a good node B while
 * a peer written here (a blocking socket doing the real handshake with a
 * key of its own) throws garbage before and after the handshake, a wrong
 * network key, an oversized frame length, a flood of events nobody asked
 * for, stops reading, or never finishes the handshake.  Each time A cuts
 * it, stays up, and an ISSUE submitted to A still reaches B; both stop
 * cleanly at the end.  And a hostile issuer: one that equivocates at one
 * length on two nodes apart is still found out once they are linked.
 *
 * The hostile peer connects from its own loopback address (127.0.0.N:
 * all of 127/8 is the loopback on Linux), so that a host A holds off is
 * that peer's only; one case holds off 127.0.0.1 itself, B's host, to
 * show that a ban refuses new links and leaves the one up alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "gossip_msg.h"
#include "handshake.h"
#include "harness.h"
#include "ledger.h"
#include "status.h"
#include "testlib.h"

#define WAIT_MS		30000
#define HS_MS		3000	/* A's [gossip] handshake_timeout_ms */
#define PROMPT_MS	1500	/* "at once": well under HS_MS */
#define OUT_MAX		262144	/* A's [client] max_output_bytes, when small */
#define SS_ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADER	crypto_secretstream_xchacha20poly1305_HEADERBYTES
/* As node/gossip.c: events nobody asked for before a peer is cut off. */
#define UNSOLICITED_MAX	20000
#define BATCH		1000	/* events in one EVENTS message */
#define PULL_CNT	50	/* events a slow reader's PULL asks for */

static struct tl_net	net;
static struct tl_feed	iss;
static struct tl_ev	def;		/* iss's DEFINE */
static uint32_t		holder;		/* of the next check ISSUE */
static struct h_node	a, b;
static char		cfg[64];
static struct tl_ev	batch[BATCH];	/* 16 KiB each: static */

static void
setup(void)
{
	if (sodium_init() < 0)
		cr_assert_fail("sodium_init");
	tl_net(&net, 1);
	tl_feed(&iss, 7);
	holder = 1;
	cfg[0] = '\0';
}

static void
teardown(void)
{
	h_node_free(&a);
	h_node_free(&b);
	if (cfg[0] != '\0')
		unlink(cfg);
}

TestSuite(gossip_hostile, .init = setup, .fini = teardown, .timeout = 120);

static uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the good side: A and B, and "does A still gossip with B?" ---- */

static void
submit_on(struct h_node *n, const struct tl_ev *const *evs, uint32_t cnt)
{
	struct h_conn	c;
	struct cl_resp	r;
	uint32_t	k;

	h_connect(&c, n->port);
	h_submit(&c, evs, cnt, 0, &r);
	for (k = 0; k < cnt; k++)
		cr_assert_eq(r.u.submit.r[k].acc, CL_ACC_ACCEPTED, "event %u: "
		    "%s", k, cl_accept_name(r.u.submit.r[k].acc));
	cl_resp_free(&r);
	h_close(&c);
}

static void
one(struct h_node *n, const struct tl_ev *ev)
{
	const struct tl_ev	*p[1] = { ev };

	submit_on(n, p, 1);
}

static unsigned
cred_on(struct h_node *n, const uint8_t *id)
{
	struct h_conn	c;
	unsigned	st;

	h_connect(&c, n->port);
	st = h_cred(&c, &net, id);
	h_close(&c);
	return st;
}

static void
status_of(struct h_node *n, struct cl_wire_status *st)
{
	struct h_conn	c;

	h_connect(&c, n->port);
	h_status(&c, st);
	h_close(&c);
}

/* The node's log (stderr) holds s: how we know why a link was cut. */
static bool
log_has(const struct h_node *n, const char *s)
{
	char	path[200], *buf;
	FILE	*f;
	long	len;
	bool	found;

	snprintf(path, sizeof(path), "%s/node.log", n->dir);
	if ((f = fopen(path, "rb")) == NULL)
		return false;
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	cr_assert_geq(len = ftell(f), 0);
	rewind(f);
	cr_assert_not_null(buf = malloc((size_t)len + 1));
	buf[fread(buf, 1, (size_t)len, f)] = '\0';
	fclose(f);
	found = strstr(buf, s) != NULL;
	free(buf);
	return found;
}

static void
wait_log(const struct h_node *n, const char *s)
{
	uint64_t	t0 = mono_ms();

	while (!log_has(n, s)) {
		cr_assert_lt(mono_ms() - t0, WAIT_MS, "no \"%s\" in "
		    "%s/node.log after %d ms", s, n->dir, WAIT_MS);
		h_sleep_ms(50);
	}
}

/*
 * A is up, and still gossips with B: a new ISSUE submitted to A's client
 * port is valid on B within WAIT_MS.
 */
static void
still_gossiping(void)
{
	static struct tl_ev	x;
	uint64_t		t0 = mono_ms();
	unsigned		st;

	cr_assert(h_node_alive(&a), "A is down (see %s/node.log)", a.dir);
	tl_issue(&net, &iss, def.id, holder++, 0, &x);
	one(&a, &x);
	while ((st = cred_on(&b, x.id)) != CL_ST_VALID) {
		cr_assert_lt(mono_ms() - t0, WAIT_MS, "B: %s, not valid after "
		    "%d ms: A no longer gossips with B", cl_status_name(st),
		    WAIT_MS);
		h_sleep_ms(50);
	}
	cr_assert(h_node_alive(&a) && h_node_alive(&b));
}

/*
 * The end of a case: A and B stop cleanly on SIGTERM (under the
 * sanitizers, with nothing leaked on the paths the peer took).
 */
static void
stop_clean(void)
{
	int	st;

	cr_assert_eq(st = h_node_stop(&b), 0, "B exits %d", st);
	cr_assert_eq(st = h_node_stop(&a), 0, "A exits %d (see %s/node.log)",
	    st, a.dir);
}

static void
write_cfg(uint64_t out_max)
{
	FILE	*f;
	int	 fd;

	snprintf(cfg, sizeof(cfg), "/tmp/cl-hostile-XXXXXX");
	cr_assert_geq(fd = mkstemp(cfg), 0);
	cr_assert_not_null(f = fdopen(fd, "w"));
	fprintf(f, "[gossip]\nhandshake_timeout_ms = %d\n", HS_MS);
	if (out_max != 0)
		fprintf(f, "[client]\nmax_output_bytes = %llu\n",
		    (unsigned long long)out_max);
	cr_assert_eq(fclose(f), 0);
}

/*
 * A (with A's config: out_max 0 for the default), and B linked to it;
 * iss accredited and defined, and one ISSUE gone from A to B.
 */
static void
start_ab(uint64_t out_max)
{
	static struct tl_ev	acc;
	char			peer[64];
	const char		*aargs[] = { "--gossip", "127.0.0.1:0",
	    "--config", cfg, "--log-level", "debug", NULL };
	const char		*bargs[] = { "--gossip", "127.0.0.1:0",
	    "--peer", peer, NULL };

	write_cfg(out_max);
	h_node_start(&a, &net, aargs);
	cr_assert_gt(a.gossip_port, 0, "no gossip= in A's ready line");
	snprintf(peer, sizeof(peer), "127.0.0.1:%d", a.gossip_port);
	h_node_start(&b, &net, bargs);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_define(&net, &iss, &def);
	one(&a, &acc);
	one(&a, &def);
	still_gossiping();
}

/* ---- the hostile peer ---- */

struct hp {
	int		fd;
	uint8_t		sk[64], pk[32];
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	uint64_t	got;		/* bytes received */
};

/*
 * Connect to A's gossip port from src (127.0.0.N), with a small receive
 * buffer if rcvbuf (so that a peer that does not read backs A up soon).
 */
static void
hp_connect(struct hp *h, const char *src, int rcvbuf)
{
	struct sockaddr_in	sa;
	int			one = 1;

	memset(h, 0, sizeof(*h));
	crypto_sign_keypair(h->pk, h->sk);
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(h->fd, 0);
	if (rcvbuf > 0)
		setsockopt(h->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	cr_assert_eq(inet_pton(AF_INET, src, &sa.sin_addr), 1);
	cr_assert_eq(bind(h->fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
	    "bind %s: %s", src, strerror(errno));
	sa.sin_port = htons((uint16_t)a.gossip_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
	    "connect: %s", strerror(errno));
	setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
hp_close(struct hp *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	sodium_memzero(h->sk, sizeof(h->sk));
}

/* Send all of p; false if A has closed the connection meanwhile. */
static bool
hp_send_raw(struct hp *h, const void *p, size_t len)
{
	const uint8_t	*q = p;
	ssize_t		 w;

	while (len > 0) {
		w = send(h->fd, q, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return false;
		cr_assert_gt(w, 0, "send: %s", strerror(errno));
		q += w;
		len -= (size_t)w;
	}
	return true;
}

/* Read exactly len bytes within ms; false on end of stream. */
static bool
hp_read(struct hp *h, uint8_t *p, size_t len, int ms)
{
	struct pollfd	pfd = { h->fd, POLLIN, 0 };
	ssize_t		r;
	size_t		got = 0;

	while (got < len) {
		cr_assert_gt(poll(&pfd, 1, ms), 0, "nothing from A in %d ms",
		    ms);
		r = recv(h->fd, p + got, len - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || (r < 0 && errno == ECONNRESET))
			return false;
		cr_assert_gt(r, 0, "recv: %s", strerror(errno));
		got += (size_t)r;
		h->got += (uint64_t)r;
	}
	return true;
}

/*
 * Has A closed the connection within ms?  Whatever it sends meanwhile is
 * read and counted in h->got.
 */
static bool
hp_closed_within(struct hp *h, int ms)
{
	struct pollfd	pfd = { h->fd, POLLIN, 0 };
	uint8_t		buf[65536];
	uint64_t	t0 = mono_ms(), t;
	ssize_t		r;

	for (;;) {
		t = mono_ms() - t0;
		if (t >= (uint64_t)ms || poll(&pfd, 1, ms - (int)t) <= 0)
			return false;
		r = recv(h->fd, buf, sizeof(buf), 0);
		if (r == 0 || (r < 0 && errno == ECONNRESET))
			return true;
		if (r < 0 && errno != EINTR)
			return false;
		if (r > 0)
			h->got += (uint64_t)r;
	}
}

/*
 * The handshake as initiator, with our own key, in network netid; then
 * our stream header, and A's.  Asserts it works.
 */
static void
hp_handshake(struct hp *h, const uint8_t netid[static 32])
{
	struct cl_hs	hs;
	uint8_t		m1[CL_HS_MSG1_LEN], m2[CL_HS_MSG2_LEN];
	uint8_t		m3[CL_HS_MSG3_LEN + SS_HEADER], hdr[SS_HEADER];

	cl_hs_init(&hs, true, netid, h->sk, NULL);
	cl_hs_msg1(&hs, m1);
	cr_assert(hp_send_raw(h, m1, sizeof(m1)));
	cr_assert(hp_read(h, m2, sizeof(m2), WAIT_MS), "A closed at message "
	    "2");
	cr_assert_eq(cl_hs_recv2(&hs, m2, m3), CL_OK);
	crypto_secretstream_xchacha20poly1305_init_push(&h->tx,
	    m3 + CL_HS_MSG3_LEN, hs.tx);
	cr_assert(hp_send_raw(h, m3, sizeof(m3)));
	cr_assert(hp_read(h, hdr, sizeof(hdr), WAIT_MS), "A closed before "
	    "its stream header");
	cr_assert_eq(crypto_secretstream_xchacha20poly1305_init_pull(&h->rx,
	    hdr, hs.rx), 0);
	cl_hs_wipe(&hs, false);
}

/* Encrypt len bytes of plaintext into one frame and send it. */
static bool
hp_send_plain(struct hp *h, const uint8_t *msg, size_t len)
{
	uint8_t	*f = malloc(4 + len + SS_ABYTES);
	size_t	 clen = len + SS_ABYTES;
	bool	 ok;

	cr_assert_not_null(f);
	f[0] = (uint8_t)(clen >> 24);
	f[1] = (uint8_t)(clen >> 16);
	f[2] = (uint8_t)(clen >> 8);
	f[3] = (uint8_t)clen;
	crypto_secretstream_xchacha20poly1305_push(&h->tx, f + 4, NULL, msg,
	    len, NULL, 0, 0);
	ok = hp_send_raw(h, f, 4 + clen);
	free(f);
	return ok;
}

static bool
hp_send_msg(struct hp *h, const struct cl_gm *m)
{
	uint8_t	*buf;
	size_t	 len;
	bool	 ok;

	cr_assert_eq(cl_gmsg_encode(m, 0, &buf, &len), CL_OK);
	ok = hp_send_plain(h, buf, len);
	free(buf);
	return ok;
}

/* Read one message from A: its type. */
static unsigned
hp_recv_type(struct hp *h)
{
	uint8_t			 hdr[4], *c, *m;
	uint32_t		 clen;
	unsigned long long	 mlen;
	unsigned char		 tag;
	struct cl_gm		*gm;
	const char		*why = NULL;
	unsigned		 type;

	cr_assert(hp_read(h, hdr, 4, WAIT_MS), "A closed the link");
	clen = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	cr_assert(clen >= SS_ABYTES && clen <= CL_FRAME_MAX + SS_ABYTES);
	c = malloc(clen);
	m = malloc(clen);
	gm = malloc(sizeof(*gm));
	cr_assert(c != NULL && m != NULL && gm != NULL);
	cr_assert(hp_read(h, c, clen, WAIT_MS), "A closed inside a frame");
	cr_assert_eq(crypto_secretstream_xchacha20poly1305_pull(&h->rx, m,
	    &mlen, &tag, c, clen, NULL, 0), 0, "A's frame does not decrypt");
	cr_assert_eq(cl_gmsg_decode(gm, m, (size_t)mlen, &why), CL_OK,
	    "A's message: %s", why ? why : "?");
	type = gm->type;
	cl_gmsg_free(gm);
	free(gm);
	free(c);
	free(m);
	return type;
}

/* Connect from src and be a member of the network: A says hello. */
static void
hp_member(struct hp *h, const char *src, int rcvbuf)
{
	hp_connect(h, src, rcvbuf);
	hp_handshake(h, net.netid);
	cr_assert_eq(hp_recv_type(h), CL_G_HELLO, "A's first message");
}

/*
 * A refuses a new link from src: it closes the connection without a word
 * although message 1 is right.
 */
static void
assert_held_off(const char *src)
{
	struct hp	h;
	struct cl_hs	hs;
	uint8_t		m1[CL_HS_MSG1_LEN];

	hp_connect(&h, src, 0);
	cl_hs_init(&hs, true, net.netid, h.sk, NULL);
	cl_hs_msg1(&hs, m1);
	cl_hs_wipe(&hs, false);
	(void)hp_send_raw(&h, m1, sizeof(m1));
	cr_assert(hp_closed_within(&h, PROMPT_MS), "%s not held off", src);
	cr_assert_eq(h.got, 0, "A answered a host it holds off");
	hp_close(&h);
}

/* ---- the cases ---- */

Test(gossip_hostile, garbage_before_the_handshake_is_dropped)
{
	static const char	http[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "User-Agent: hostile/1\r\nAccept: */*\r\n\r\n";
	uint8_t			junk[4096];
	struct hp		h;

	start_ab(0);
	randombytes_buf(junk, sizeof(junk));
	hp_connect(&h, "127.0.0.2", 0);
	(void)hp_send_raw(&h, junk, sizeof(junk));
	cr_assert(hp_closed_within(&h, PROMPT_MS), "random bytes: not closed "
	    "at once");
	cr_assert_eq(h.got, 0, "A answered random bytes");
	hp_close(&h);

	hp_connect(&h, "127.0.0.2", 0);
	(void)hp_send_raw(&h, http, sizeof(http) - 1);
	cr_assert(hp_closed_within(&h, PROMPT_MS), "an HTTP request: not "
	    "closed at once");
	cr_assert_eq(h.got, 0, "A answered an HTTP request");
	hp_close(&h);

	/* unauthenticated garbage is dropped, not held off */
	hp_member(&h, "127.0.0.2", 0);
	hp_close(&h);
	still_gossiping();
	stop_clean();
}

Test(gossip_hostile, a_wrong_network_key_is_dropped_at_message_1)
{
	struct tl_net	other;
	struct hp	h;
	struct cl_hs	hs;
	uint8_t		m1[CL_HS_MSG1_LEN];

	start_ab(0);
	tl_net(&other, 2);
	cr_assert_neq(memcmp(other.netid, net.netid, 32), 0);
	hp_connect(&h, "127.0.0.2", 0);
	cl_hs_init(&hs, true, other.netid, h.sk, NULL);
	cl_hs_msg1(&hs, m1);
	cl_hs_wipe(&hs, false);
	cr_assert(hp_send_raw(&h, m1, sizeof(m1)));
	cr_assert(hp_closed_within(&h, PROMPT_MS), "not dropped at message 1");
	cr_assert_eq(h.got, 0, "A sent %llu bytes to another network",
	    (unsigned long long)h.got);
	hp_close(&h);
	wait_log(&a, "not of this network");
	still_gossiping();
	stop_clean();
}

/*
 * After the handshake: a frame that does not decrypt, then (from another
 * host) a well-encrypted frame that is no message, from B's own host.
 * Both are cut and held off; B's link stays up through it.
 */
Test(gossip_hostile, garbage_after_the_handshake_is_cut_and_held_off)
{
	uint8_t		junk[300];
	struct hp	h;

	start_ab(0);
	hp_member(&h, "127.0.0.2", 0);
	randombytes_buf(junk, sizeof(junk));
	junk[0] = junk[1] = 0;
	junk[2] = 1;		/* 256 bytes that are no ciphertext of ours */
	junk[3] = 0;
	(void)hp_send_raw(&h, junk, 4 + 256);
	cr_assert(hp_closed_within(&h, PROMPT_MS), "a frame that does not "
	    "decrypt: not cut");
	hp_close(&h);
	wait_log(&a, "a frame that does not decrypt");
	assert_held_off("127.0.0.2");

	/* 127.0.0.1: B's host too, whose link is up and stays up */
	hp_member(&h, "127.0.0.1", 0);
	junk[0] = 0x93;		/* msgpack [99, 0, 0]: no message type */
	junk[1] = 99;
	junk[2] = 0;
	junk[3] = 0;
	(void)hp_send_plain(&h, junk, 4);
	cr_assert(hp_closed_within(&h, PROMPT_MS), "a malformed message: not "
	    "cut");
	hp_close(&h);
	wait_log(&a, "cut off and held off for 30 s");
	assert_held_off("127.0.0.1");
	still_gossiping();
	/* the ban is of those hosts only */
	hp_member(&h, "127.0.0.3", 0);
	hp_close(&h);
	stop_clean();
}

Test(gossip_hostile, an_oversized_frame_length_is_cut)
{
	static const uint8_t	huge[4] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t			over[4];
	uint32_t		len = CL_FRAME_MAX + SS_ABYTES + 1;
	struct hp		h;

	start_ab(0);
	hp_member(&h, "127.0.0.2", 0);
	(void)hp_send_raw(&h, huge, sizeof(huge));
	cr_assert(hp_closed_within(&h, PROMPT_MS), "0xffffffff: not cut");
	hp_close(&h);
	wait_log(&a, "frame length out of bounds");
	assert_held_off("127.0.0.2");

	/* one byte over the bound, from another host */
	over[0] = (uint8_t)(len >> 24);
	over[1] = (uint8_t)(len >> 16);
	over[2] = (uint8_t)(len >> 8);
	over[3] = (uint8_t)len;
	hp_member(&h, "127.0.0.3", 0);
	(void)hp_send_raw(&h, over, sizeof(over));
	cr_assert(hp_closed_within(&h, PROMPT_MS), "frame max + 1: not cut");
	hp_close(&h);
	still_gossiping();
	stop_clean();
}

/* Wait until x and y report one state digest. */
static void
wait_same(struct h_node *x, struct h_node *y)
{
	struct cl_wire_status	sx, sy;
	uint64_t		t0 = mono_ms();

	for (;;) {
		status_of(x, &sx);
		status_of(y, &sy);
		if (memcmp(sx.digest, sy.digest, CL_ID_LEN) == 0)
			return;
		cr_assert_lt(mono_ms() - t0, WAIT_MS, "no convergence in %d ms "
		    "(logs %llu and %llu)", WAIT_MS, (unsigned long long)
		    sx.log_size, (unsigned long long)sy.log_size);
		h_sleep_ms(100);
	}
}

/* STATUS on A's client port: the time it takes, in ms. */
static uint64_t
status_ms(void)
{
	struct cl_wire_status	st;
	uint64_t		t0 = mono_ms();

	status_of(&a, &st);
	return mono_ms() - t0;
}

/*
 * Valid events of the network, in EVENTS messages nobody asked for: cut
 * off once over the budget, and held off; A answers its clients all the
 * while and goes on gossiping with B.
 */
Test(gossip_hostile, a_flood_of_unwanted_events_is_cut_off)
{
	static struct tl_ev	acc, fdef;
	static const uint8_t	*ev[BATCH];
	static size_t		 len[BATCH];
	struct tl_feed		 flood;
	struct cl_wire_status	 st;
	struct cl_gm		 m;
	struct hp		 h;
	uint64_t		 worst = 0, t, t0;
	uint32_t		 k, i, sent = 0;
	bool			 cut = false;

	start_ab(0);
	tl_feed(&flood, 9);
	tl_accredit(&net, &net.auth[0], flood.key.pk, 1, &acc);
	tl_define(&net, &flood, &fdef);
	one(&a, &acc);
	one(&a, &fdef);
	hp_member(&h, "127.0.0.2", 0);
	t0 = mono_ms();
	for (k = 0; k < UNSOLICITED_MAX / BATCH + 5 && !cut; k++) {
		for (i = 0; i < BATCH; i++) {
			tl_issue(&net, &flood, fdef.id, k * BATCH + i, 0,
			    &batch[i]);
			ev[i] = batch[i].bytes;
			len[i] = batch[i].len;
		}
		memset(&m, 0, sizeof(m));
		m.type = CL_G_EVENTS;
		m.ev = ev;
		m.ev_len = len;
		m.ev_cnt = BATCH;
		if (!hp_send_msg(&h, &m))
			cut = true;
		else
			sent += BATCH;
		if ((t = status_ms()) > worst)
			worst = t;
	}
	cr_log_info("gossip_hostile: %u events of one feed sent unasked in "
	    "%llu ms; STATUS on A at worst %llu ms", sent,
	    (unsigned long long)(mono_ms() - t0), (unsigned long long)worst);
	cr_assert(cut || hp_closed_within(&h, WAIT_MS), "not cut off");
	hp_close(&h);
	cr_assert_gt(sent, UNSOLICITED_MAX, "cut off within the budget");
	wait_log(&a, "a flood of events nobody asked for");
	/* while A commits what it took, it answers at once */
	for (i = 0; i < 10; i++)
		if ((t = status_ms()) > worst)
			worst = t;
	cr_assert_lt(worst, 2000, "STATUS took %llu ms", (unsigned long long)
	    worst);
	assert_held_off("127.0.0.2");
	status_of(&a, &st);
	cr_assert_leq(st.log_size, 5 + UNSOLICITED_MAX, "A took more "
	    "than the budget: %llu events", (unsigned long long)st.log_size);
	still_gossiping();
	stop_clean();
}

/*
 * A peer that asks and never reads: A holds 5,000 events, the peer sends
 * PULLs for them and reads nothing; A cuts it when its output is over
 * [client] max_output_bytes, and B is served all along.
 */
Test(gossip_hostile, a_peer_that_stops_reading_is_cut_at_the_output_budget)
{
	static struct tl_ev	 acc, fdef;
	static const struct tl_ev *p[BATCH];
	struct tl_feed		 big;
	struct cl_gm		 m;
	struct hp		 h;
	uint32_t		 k, i, pulls = 0;
	uint64_t		 t0;
	bool			 cut = false;

	start_ab(OUT_MAX);
	tl_feed(&big, 11);
	tl_accredit(&net, &net.auth[0], big.key.pk, 1, &acc);
	tl_define(&net, &big, &fdef);
	one(&a, &acc);
	one(&a, &fdef);
	for (k = 0; k < 5; k++) {
		for (i = 0; i < BATCH; i++) {
			tl_issue(&net, &big, fdef.id, k * BATCH + i, 0,
			    &batch[i]);
			p[i] = &batch[i];
		}
		submit_on(&a, p, BATCH);
	}
	wait_same(&a, &b);	/* B caught up on them within A's budget */
	hp_member(&h, "127.0.0.2", 4096);
	t0 = mono_ms();
	memset(&m, 0, sizeof(m));
	m.type = CL_G_PULL;
	memcpy(m.author, big.key.pk, 32);
	m.count = PULL_CNT;
	/*
	 * Answers of PULL_CNT events each, well under the budget: it is
	 * their sum, once the socket buffers are full, that goes over.
	 */
	while (!cut && mono_ms() - t0 < WAIT_MS) {
		m.from = 2 + (pulls % (5 * BATCH / PULL_CNT)) * PULL_CNT;
		if (!hp_send_msg(&h, &m))
			cut = true;
		else
			pulls++;
		if (pulls % 64 == 0 && log_has(&a, "the peer does not read"))
			break;
	}
	wait_log(&a, "the peer does not read");
	cr_log_info("gossip_hostile: cut for not reading after %u pulls of "
	    "%d events of %zu bytes, %llu ms (%s)", pulls, PULL_CNT,
	    batch[0].len, (unsigned long long)(mono_ms() - t0),
	    cut ? "send failed" : "logged");
	cr_assert_gt((uint64_t)pulls * PULL_CNT * batch[0].len, OUT_MAX,
	    "cut before the budget was reached");
	cr_assert(hp_closed_within(&h, WAIT_MS), "not cut");
	hp_close(&h);
	still_gossiping();
	stop_clean();
}

/* Connect, say nothing: closed after [gossip] handshake_timeout_ms. */
Test(gossip_hostile, a_handshake_that_never_ends_times_out)
{
	struct hp	h;
	uint64_t	t0, t;
	uint8_t		m1[CL_HS_MSG1_LEN / 2];

	start_ab(0);
	hp_connect(&h, "127.0.0.2", 0);
	t0 = mono_ms();
	cr_assert(hp_closed_within(&h, HS_MS + 5000), "not closed after the "
	    "handshake timeout");
	t = mono_ms() - t0;
	cr_assert_geq(t, HS_MS - 200, "closed after %llu ms, before the "
	    "timeout", (unsigned long long)t);
	cr_assert_eq(h.got, 0);
	hp_close(&h);

	/* half of message 1, then nothing: the same */
	hp_connect(&h, "127.0.0.2", 0);
	randombytes_buf(m1, sizeof(m1));
	t0 = mono_ms();
	cr_assert(hp_send_raw(&h, m1, sizeof(m1)));
	cr_assert(hp_closed_within(&h, HS_MS + 5000), "half a message 1: not "
	    "closed after the handshake timeout");
	cr_assert_geq(mono_ms() - t0, HS_MS - 200);
	hp_close(&h);
	wait_log(&a, "handshake timeout");
	still_gossiping();
	stop_clean();
}

/*
 * An issuer that equivocates at one length: x to A and y to B at the same
 * seq, and nothing after, while they are apart.  Once linked, the heads
 * they exchange have one seq, and only the digests differ; the fork must
 * still be found, and end disputed on both.
 */
Test(gossip_hostile, an_equivocation_of_equal_length_is_found)
{
	static struct tl_ev	acc, x, y;
	char			peer[64];
	const char		*alone[] = { "--gossip", "127.0.0.1:0", NULL };
	const char		*linked[] = { "--gossip", "127.0.0.1:0",
	    "--peer", peer, NULL };
	struct cl_wire_status	st;
	struct tl_feed		fork;
	uint64_t		t0;

	h_node_start(&a, &net, alone);
	h_node_start(&b, &net, alone);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &acc);
	tl_define(&net, &iss, &def);
	one(&a, &acc);
	one(&a, &def);
	one(&b, &acc);
	one(&b, &def);
	fork = iss;
	tl_issue(&net, &iss, def.id, 1, 0, &x);		/* seq 2 */
	tl_issue(&net, &fork, def.id, 2, 0, &y);	/* seq 2 too */
	one(&a, &x);
	one(&b, &y);
	cr_assert_eq(h_node_stop(&b), 0);
	snprintf(peer, sizeof(peer), "127.0.0.1:%d", a.gossip_port);
	h_node_restart(&b, linked);
	t0 = mono_ms();
	while (cred_on(&a, y.id) != CL_ST_DISPUTED ||
	    cred_on(&b, x.id) != CL_ST_DISPUTED ||
	    cred_on(&a, x.id) != CL_ST_DISPUTED ||
	    cred_on(&b, y.id) != CL_ST_DISPUTED) {
		cr_assert_lt(mono_ms() - t0, WAIT_MS, "the fork is not found "
		    "in %d ms (A: %s, %s; B: %s, %s)", WAIT_MS,
		    cl_status_name(cred_on(&a, x.id)),
		    cl_status_name(cred_on(&a, y.id)),
		    cl_status_name(cred_on(&b, x.id)),
		    cl_status_name(cred_on(&b, y.id)));
		h_sleep_ms(50);
	}
	wait_same(&a, &b);
	status_of(&a, &st);
	cr_assert_eq(st.forks, 1);
	status_of(&b, &st);
	cr_assert_eq(st.forks, 1);
	stop_clean();
}
