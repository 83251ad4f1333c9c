/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger-bench: measures, and writes what it measured beside the
 * limits of this machine measured in the same run (DESIGN §8).
 *
 *   credledger-bench store [--events N] [--dir DIR] [--out FILE]
 *   credledger-bench node [--quick] [options]   (bench_node.c)
 *   credledger-bench http [--quick] [options]   (bench_http.c)
 *
 * store: signed events verified and durably committed per second through
 * the ledger, in batches of 1, 100 and 10,000, as a ratio to
 * crypto_sign_verify_detached per second on one core and to a bare LMDB
 * append of the same bytes in the same batch size.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench.h"
#include "bench_common.h"
#include "bench_gossip.h"
#include "bench_http.h"
#include "event.h"
#include "genesis.h"
#include "hex.h"
#include "ledger.h"
#include "store.h"
#include "util.h"

#define ISSUERS		CL_BENCH_ISSUERS

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void	die(const char *, ...) CL_PRINTF(1, 2);

static void
die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("credledger-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void
seed_key(uint8_t *pk, uint8_t *sk, uint32_t n)
{
	uint8_t	seed[32] = { 0 };

	memcpy(seed, &n, sizeof(n));
	seed[31] = 0xbe;
	crypto_sign_seed_keypair(pk, sk, seed);
}

static void
push(struct cl__bench_corpus *c, struct cl_event *ev, const uint8_t *sk,
    uint64_t *seq, uint8_t *head)
{
	uint8_t	buf[CL_EVENT_MAX];
	size_t	len;
	cl_err	err;

	ev->seq = ++*seq;
	if (ev->seq > 1)
		memcpy(ev->prev, head, CL_ID_LEN);
	ev->time = 1763900000000ull + c->n;
	err = cl_ev_sign(ev, c->netid, sk, buf, sizeof(buf), &len, head);
	if (err != CL_OK)
		die("signing: %s", cl_strerror(err));
	if ((c->ev[c->n] = malloc(len)) == NULL)
		die("out of memory");
	memcpy(c->ev[c->n], buf, len);
	c->len[c->n++] = len;
}

#define S(x)	((struct cl_str){ x, sizeof(x) - 1 })

/*
 * A realistic stream: an authority accredits 16 issuers, each defines a
 * micro-credential, then issues round-robin, with a revocation in every
 * twenty events (an ISSUE is ~300 bytes, like DESIGN §8's records).
 */
void
cl__bench_corpus_make(struct cl__bench_corpus *c, size_t n)
{
	struct cl_genesis	 g;
	struct cl_event		 ev;
	struct cl_define	 ach;		/* a DEFINE's body */
	uint8_t			 apk[32], ask[64], ipk[ISSUERS][32];
	uint8_t			 isk[ISSUERS][64], ihead[ISSUERS][32];
	uint8_t			 ahead[32], def[ISSUERS][32];
	uint8_t			 last[ISSUERS][32];
	uint64_t		 aseq = 0, iseq[ISSUERS] = { 0 };
	uint32_t		 i, k;
	double			 t0 = now_s();

	memset(&g, 0, sizeof(g));
	seed_key(apk, ask, 1);
	g.version = CL_VERSION;
	g.name = S("bench");
	g.created = 1763900000000ull;
	g.auth_cnt = 1;
	memcpy(g.auth[0].key, apk, 32);
	if (cl_genesis_encode(&g, c->genesis, sizeof(c->genesis),
	    &c->genesis_len, NULL) != CL_OK)
		die("genesis");
	crypto_hash_sha256(c->netid, c->genesis, c->genesis_len);
	c->ev = calloc(n, sizeof(*c->ev));
	c->len = calloc(n, sizeof(*c->len));
	if (c->ev == NULL || c->len == NULL)
		die("out of memory");
	c->n = 0;
	for (k = 0; k < ISSUERS && c->n < n; k++) {
		seed_key(ipk[k], isk[k], 100 + k);
		cl_ev_init(&ev);
		ev.type = CL_EV_ACCREDIT;
		memcpy(ev.body.accredit.issuer, ipk[k], 32);
		ev.body.accredit.org_id = S("DE-HWK-0042");
		ev.body.accredit.name = S("Bühnenschule Köln gGmbH");
		ev.body.accredit.country = S("DE");
		ev.body.accredit.from_seq = 1;
		push(c, &ev, ask, &aseq, ahead);
	}
	for (k = 0; k < ISSUERS && c->n < n; k++) {
		cl_ev_init(&ev);
		cl__bench_define(&ev, &ach);
		push(c, &ev, isk[k], &iseq[k], ihead[k]);
		memcpy(def[k], ihead[k], 32);
	}
	for (i = 0; c->n < n; i++) {
		k = i % ISSUERS;
		cl_ev_init(&ev);
		if (i % 20 == 19) {
			ev.type = CL_EV_REVOKE;
			memcpy(ev.body.status.credential, last[k], 32);
			ev.body.status.reason_code = 1;
			ev.body.status.reason = S("issued in error");
			push(c, &ev, isk[k], &iseq[k], ihead[k]);
			continue;
		}
		ev.type = CL_EV_ISSUE;
		memcpy(ev.body.issue.achievement, def[k], 32);
		randombytes_buf(ev.body.issue.holder, 32);
		randombytes_buf(ev.body.issue.digest, 32);
		ev.body.issue.issued_at = 1763900000000ull;
		ev.body.issue.valid_until = 1900000000000ull;
		ev.body.issue.supervision = CL_SUP_ONSITE_ID;
		ev.body.issue.grade = S("passed with distinction");
		ev.body.issue.local_ref = S("BSK-2026-000123");
		push(c, &ev, isk[k], &iseq[k], ihead[k]);
		memcpy(last[k], ihead[k], 32);
	}
	fprintf(stderr, "signed %zu events in %.1f s\n", c->n, now_s() - t0);
}

void
cl__bench_corpus_free(struct cl__bench_corpus *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		free(c->ev[i]);
	free(c->ev);
	free(c->len);
	c->ev = NULL;
	c->len = NULL;
	c->n = 0;
}

/*
 * The signed bytes: tag, network id, then the event's map of 8 without
 * its last pair (key 7, bin8 of 64: 67 bytes), so a map of 7.
 */
size_t
cl__bench_signed_msg(const uint8_t netid[static CL_ID_LEN],
    const struct cl_event *ev, uint8_t *msg, size_t cap)
{
	if (ev->raw_len < 68 || ev->raw_len - 67 + 51 > cap)
		return 0;
	memcpy(msg, "credledger/event/v1", 19);
	memcpy(msg + 19, netid, 32);
	msg[51] = 0x87;
	memcpy(msg + 52, ev->raw + 1, ev->raw_len - 68);
	return 51 + ev->raw_len - 67;
}

/* Single-core crypto_sign_verify_detached over the corpus' messages. */
static double
verify_rate(const struct cl__bench_corpus *c, size_t n)
{
	struct cl_event	 ev;
	uint8_t		(*msg)[CL_BENCH_MSG_MAX];
	size_t		*mlen, i, ok = 0;
	uint8_t		(*sig)[64], (*pk)[32];
	double		 t0;

	/* the exact signed messages, without decoding in the timed loop */
	msg = calloc(n, sizeof(*msg));
	mlen = calloc(n, sizeof(*mlen));
	sig = calloc(n, sizeof(*sig));
	pk = calloc(n, sizeof(*pk));
	if (msg == NULL || mlen == NULL || sig == NULL || pk == NULL)
		die("out of memory");
	for (i = 0; i < n; i++) {
		size_t j = (c->n - n) + i;	/* ISSUEs, past the setup */

		if (cl_ev_decode(&ev, c->ev[j], c->len[j], NULL) != CL_OK ||
		    (mlen[i] = cl__bench_signed_msg(c->netid, &ev, msg[i],
		    sizeof(msg[0]))) == 0)
			die("corpus event %zu", j);
		memcpy(sig[i], ev.sig, 64);
		memcpy(pk[i], ev.author, 32);
		cl_ev_free(&ev);
	}
	t0 = now_s();
	for (i = 0; i < n; i++)
		ok += crypto_sign_verify_detached(sig[i], msg[i], mlen[i],
		    pk[i]) == 0;
	t0 = now_s() - t0;
	if (ok != n)
		die("verify baseline: %zu of %zu signatures failed", n - ok,
		    n);
	free(msg);
	free(mlen);
	free(sig);
	free(pk);
	return (double)n / t0;
}

static void
mkscratch(char *dir, size_t cap, const char *base, const char *name)
{
	if (snprintf(dir, cap, "%s/%s-XXXXXX", base, name) >= (int)cap)
		die("directory name too long");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp %s: %s", dir, strerror(errno));
}

static void
rmscratch(const char *dir)
{
	char	cmd[1200];

	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) < (int)sizeof(cmd))
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
}

/* A bare durable LMDB append of the same bytes, batch by batch. */
static double
append_rate(const struct cl__bench_corpus *c, size_t n, size_t batch,
    const char *base)
{
	struct cl_store		st;
	struct cl_store_opts	opts = { .map_initial = (size_t)1 << 30 };
	struct cl_txn		t;
	char			dir[1024];
	uint8_t			k[8];
	size_t			i, j;
	double			t0;
	cl_err			err;

	mkscratch(dir, sizeof(dir), base, "append");
	if ((err = cl_store_open(&st, dir, &opts)) != CL_OK)
		die("store %s: %s", dir, cl_strerror(err));
	t0 = now_s();
	for (i = 0; i < n; i += batch) {
		cl_store_begin(&st, &t, true);
		for (j = i; j < i + batch && j < n; j++) {
			cl_store_be64(k, j);
			cl_store_put(&t, CL_DB_LOG, k, 8, c->ev[j], c->len[j],
			    CL_PUT_APPEND);
		}
		if ((err = cl_store_end(&t)) != CL_OK)
			die("append: %s", cl_strerror(err));
	}
	t0 = now_s() - t0;
	cl_store_close(&st);
	rmscratch(dir);
	return (double)n / t0;
}

/*
 * The ledger's ingest.  A verifier thread prepares (decodes, verifies)
 * batch k+1 while this thread applies batch k: one core verifies, the
 * other commits, as the daemon will.  With threads == 0 both happen on
 * this thread, one after the other.
 */
struct pipe {
	const struct cl__bench_corpus	*c;
	size_t				 batch;
	size_t				 n;
	struct cl_submit		*slot[2];
	size_t				 slot_n[2];
	bool				 full[2];
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
};

static void
prepare(const struct cl__bench_corpus *c, struct cl_submit *s, size_t from,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		cl_ledger_prepare(c->netid, c->ev[from + i], c->len[from + i],
		    &s[i]);
}

static void *
verifier(void *arg)
{
	struct pipe	*p = arg;
	size_t		 i, k = 0, m;

	for (i = 0; i < p->n; i += p->batch, k ^= 1) {
		pthread_mutex_lock(&p->mu);
		while (p->full[k])
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		m = p->n - i < p->batch ? p->n - i : p->batch;
		prepare(p->c, p->slot[k], i, m);
		pthread_mutex_lock(&p->mu);
		p->slot_n[k] = m;
		p->full[k] = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static double
ingest_rate(const struct cl__bench_corpus *c, size_t n, size_t batch,
    bool threaded, const char *base)
{
	struct cl_ledger	 l;
	struct cl_store_opts	 opts = { .map_initial = (size_t)1 << 30 };
	struct cl_result	*res;
	struct pipe		 p;
	pthread_t		 th;
	char			 dir[1024];
	size_t			 i, j, k = 0, m, accepted = 0;
	double			 t0;
	cl_err			 err;

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.batch = batch;
	p.n = n;
	p.slot[0] = calloc(batch, sizeof(struct cl_submit));
	p.slot[1] = calloc(batch, sizeof(struct cl_submit));
	res = calloc(batch, sizeof(*res));
	if (p.slot[0] == NULL || p.slot[1] == NULL || res == NULL)
		die("out of memory");
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	mkscratch(dir, sizeof(dir), base, "ledger");
	err = cl_ledger_open(&l, dir, c->genesis, c->genesis_len, &opts);
	if (err != CL_OK)
		die("ledger %s: %s", dir, cl_strerror(err));
	t0 = now_s();
	if (threaded && pthread_create(&th, NULL, verifier, &p) != 0)
		die("pthread_create");
	for (i = 0; i < n; i += batch, k ^= 1) {
		if (threaded) {
			pthread_mutex_lock(&p.mu);
			while (!p.full[k])
				pthread_cond_wait(&p.cv, &p.mu);
			pthread_mutex_unlock(&p.mu);
			m = p.slot_n[k];
		} else {
			m = n - i < batch ? n - i : batch;
			prepare(c, p.slot[k], i, m);
		}
		if ((err = cl_ledger_apply(&l, p.slot[k], m, res)) != CL_OK)
			die("apply: %s", cl_strerror(err));
		for (j = 0; j < m; j++) {
			accepted += res[j].acc == CL_ACC_ACCEPTED;
			cl_submit_free(&p.slot[k][j]);
		}
		if (threaded) {
			pthread_mutex_lock(&p.mu);
			p.full[k] = false;
			pthread_cond_broadcast(&p.cv);
			pthread_mutex_unlock(&p.mu);
		}
	}
	if (threaded)
		pthread_join(th, NULL);
	t0 = now_s() - t0;
	if (accepted != n)
		die("only %zu of %zu events accepted", accepted, n);
	cl_ledger_close(&l);
	rmscratch(dir);
	free(p.slot[0]);
	free(p.slot[1]);
	free(res);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	return (double)n / t0;
}

static int
cmd_store(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "events", required_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const size_t batches[] = { 1, 100, 10000 };
	struct cl__bench_corpus c;
	struct utsname	u;
	const char	*dir = "/var/tmp", *out = "bench/store.md";
	size_t		n = 60000, b, events, i, vn;
	double		verify, verify2, app, seq, par;
	FILE		*f;
	char		 when[64];
	time_t		 tnow = time(NULL);
	int		 ch;
	uint64_t	 v;

	while ((ch = getopt_long(argc, argv, "n:d:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (cl_tool_parse_u64(optarg, 10000000, &v) != CL_OK ||
			    v < 1000) {
				fprintf(stderr, "credledger-bench store: "
				    "--events: '%s' is not a number from 1000 "
				    "to 10000000\n", optarg);
				return 2;
			}
			n = (size_t)v;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: credledger-bench store [--events N] "
			    "[--dir DIR] [--out FILE]\n"
			    "  --events N  events for the 10,000 batches "
			    "(default 60000)\n"
			    "  --dir DIR   where scratch stores go "
			    "(default /var/tmp: a real disk, not tmpfs)\n"
			    "  --out FILE  the report (default "
			    "bench/store.md)\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "credledger-bench store: unexpected '%s'\n",
		    argv[optind]);
		return 2;
	}
	cl__bench_corpus_make(&c, n);
	vn = c.n - 2 * ISSUERS < 10000 ? c.n - 2 * ISSUERS : 10000;
	if ((f = fopen(out, "w")) == NULL)
		die("%s: %s", out, strerror(errno));
	uname(&u);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&tnow));
	fprintf(f, "# Store benchmark\n\n"
	    "Written by `credledger-bench store` on %s (%s %s, %ld cores). "
	    "Every rate is measured in this run, and each ledger figure is "
	    "divided by the verify limit measured just before it, so the "
	    "ratios hold on a busy machine (DESIGN §8: single runs drift "
	    "by up to 15 %%).\n\n"
	    "- events: a stream of %zu signed events (16 ACCREDIT, 16 "
	    "DEFINE, ISSUEs round-robin over 16 issuers, one REVOKE in "
	    "twenty), ISSUE ≈ %zu bytes\n"
	    "- verify limit: `crypto_sign_verify_detached` on one core over "
	    "the same signed messages\n"
	    "- append limit: bare durable LMDB append (`MDB_APPEND`) of the "
	    "same bytes, same batch size, no indexes, no verification\n"
	    "- ledger: decode + canonical check + verify + acceptance rules "
	    "+ log append + indexes, committed durably before the result; "
	    "*sequential* does it all on one thread, *pipelined* verifies "
	    "batch k+1 on a second thread while batch k commits\n\n"
	    "| batch | events | append limit/s | verify limit/s | "
	    "sequential/s | ÷ verify | ÷ append | verify limit/s | "
	    "pipelined/s | ÷ verify | ÷ append |\n"
	    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
	    when, u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN), c.n,
	    c.len[c.n - 2]);
	for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		b = batches[i];
		/* durable commits cost ~0.5 ms each: fewer events for 1 */
		events = b == 1 ? 2000 : b == 100 ? 20000 : c.n;
		if (events > c.n)
			events = c.n;
		app = append_rate(&c, events, b, dir);
		verify = verify_rate(&c, vn);
		seq = ingest_rate(&c, events, b, false, dir);
		verify2 = verify_rate(&c, vn);
		par = ingest_rate(&c, events, b, true, dir);
		fprintf(stderr, "batch %zu: append %.0f/s, verify %.0f/s, "
		    "sequential %.0f/s (%.2f), verify %.0f/s, pipelined "
		    "%.0f/s (%.2f)\n", b, app, verify, seq, seq / verify,
		    verify2, par, par / verify2);
		fprintf(f, "| %zu | %zu | %.0f | %.0f | %.0f | %.2f | %.2f | "
		    "%.0f | %.0f | %.2f | %.2f |\n", b, events, app, verify,
		    seq, seq / verify, seq / app, verify2, par, par / verify2,
		    par / app);
	}
	fprintf(f, "\nTarget (issue 2): with large batches, verified and "
	    "durably committed events per second at least 0.8 of the "
	    "single-core verify rate.\n");
	if (fclose(f) != 0)
		die("%s: %s", out, strerror(errno));
	fprintf(stderr, "wrote %s\n", out);
	cl__bench_corpus_free(&c);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		printf("usage: credledger-bench store [--events N] [--dir DIR] "
		    "[--out FILE]\n"
		    "       credledger-bench node [--quick] [options]\n"
		    "       credledger-bench http [--quick] [options]\n"
		    "       credledger-bench audit [--events N] [options]\n"
		    "  store  the ledger's ingest against the verify and "
		    "LMDB append limits\n"
		    "  node   a credledger-node over its client port: ingest, "
		    "queries, memory\n"
		    "         (credledger-bench node --help)\n"
		    "  http   GET /v1/credentials/{id} under wrk, beside nginx "
		    "with the same answer\n"
		    "         (credledger-bench http --help)\n"
		    "  audit  the auditor's replay of 1,000,000 events, and "
		    "proofs per second\n"
		    "         (credledger-bench audit --help)\n");
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "store") == 0)
		return cmd_store(argc - 1, argv + 1);
	if (strcmp(argv[1], "node") == 0)
		return cl__bench_node(argc - 1, argv + 1);
	if (strcmp(argv[1], "gossip") == 0)
		return cl__bench_gossip(argc - 1, argv + 1);
	if (strcmp(argv[1], "http") == 0)
		return cl__bench_http(argc - 1, argv + 1);
	if (strcmp(argv[1], "audit") == 0)
		return cl__bench_audit(argc - 1, argv + 1);
	fprintf(stderr, "credledger-bench: unknown benchmark '%s'\n", argv[1]);
	return 2;
}
