/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger-bench audit: the auditor's replay (tools/audit.h) of a log of
 * a million events, against the two-core signature verify rate measured
 * in the same run; its peak memory; and inclusion and consistency proofs
 * per second on that log.
 *
 * The audit runs in a child process of its own (this program again, with
 * --child), so that its peak RSS is the audit's and not the corpus'.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "bench.h"
#include "event.h"
#include "export.h"
#include "ledger.h"
#include "merkle.h"
#include "progress.h"
#include "util.h"

extern char	**environ;

/* Signatures in the verify sample, and proofs timed. */
#define VERIFY_SAMPLE	40000
#define PROOFS		200000

static void	die(const char *fmt, ...) CL_PRINTF(1, 2);

static void
die(const char *fmt, ...)
{
	va_list	ap;

	fputs("credledger-bench audit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* The signed messages of a sample of ISSUEs, ready to verify. */
struct sample {
	uint8_t		(*msg)[CL_BENCH_MSG_MAX];
	size_t		*len;
	uint8_t		(*sig)[CL_SIG_LEN];
	uint8_t		(*pk)[CL_PK_LEN];
	size_t		 n;
};

struct vjob {
	const struct sample	*s;
	size_t			 lo, hi, ok;
};

static void *
verify_part(void *arg)
{
	struct vjob	*j = arg;
	size_t		 i;

	for (i = j->lo; i < j->hi; i++)
		j->ok += crypto_sign_verify_detached(j->s->sig[i],
		    j->s->msg[i], j->s->len[i], j->s->pk[i]) == 0;
	return NULL;
}

static double
cpu_s(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * crypto_sign_verify_detached per second on threads threads, and (*cpu)
 * the CPU seconds each signature took.
 */
static double
verify_rate(const struct sample *s, unsigned threads, double *cpu)
{
	pthread_t	th[16];
	struct vjob	j[16];
	size_t		ok = 0;
	unsigned	i;
	double		t0, c0;

	c0 = cpu_s();
	t0 = cl_progress_now();
	for (i = 0; i < threads; i++) {
		j[i] = (struct vjob){ s, s->n * i / threads,
		    s->n * (i + 1) / threads, 0 };
		if (pthread_create(&th[i], NULL, verify_part, &j[i]) != 0)
			die("cannot start a thread");
	}
	for (i = 0; i < threads; i++) {
		(void)pthread_join(th[i], NULL);
		ok += j[i].ok;
	}
	t0 = cl_progress_now() - t0;
	if (cpu != NULL)
		*cpu = (cpu_s() - c0) / (double)s->n;
	if (ok != s->n)
		die("%zu of %zu signatures failed", s->n - ok, s->n);
	return (double)s->n / t0;
}

static void
sample_make(const struct cl__bench_corpus *c, struct sample *s)
{
	struct cl_event	ev;
	size_t		i, j;

	s->n = c->n - 2 * CL_BENCH_ISSUERS < VERIFY_SAMPLE ?
	    c->n - 2 * CL_BENCH_ISSUERS : VERIFY_SAMPLE;
	s->msg = calloc(s->n, sizeof(*s->msg));
	s->len = calloc(s->n, sizeof(*s->len));
	s->sig = calloc(s->n, sizeof(*s->sig));
	s->pk = calloc(s->n, sizeof(*s->pk));
	if (s->msg == NULL || s->len == NULL || s->sig == NULL ||
	    s->pk == NULL)
		die("out of memory");
	for (i = 0; i < s->n; i++) {
		j = c->n - s->n + i;
		if (cl_ev_decode(&ev, c->ev[j], c->len[j], NULL) != CL_OK ||
		    (s->len[i] = cl__bench_signed_msg(c->netid, &ev, s->msg[i],
		    sizeof(s->msg[0]))) == 0)
			die("corpus event %zu", j);
		memcpy(s->sig[i], ev.sig, CL_SIG_LEN);
		memcpy(s->pk[i], ev.author, CL_PK_LEN);
		cl_ev_free(&ev);
	}
}

/* CPU seconds of cl_ledger_prepare() an event, on this thread alone. */
static double
prepare_cpu(const struct cl__bench_corpus *c, size_t n)
{
	struct cl_submit	 sub;
	size_t			 i, j;
	double			 c0 = cpu_s();

	for (i = 0; i < n; i++) {
		j = c->n - n + i;
		memset(&sub, 0, sizeof(sub));
		cl_ledger_prepare(c->netid, c->ev[j], c->len[j], &sub);
		if (sub.err != CL_OK)
			die("corpus event %zu: %s", j, cl_strerror(sub.err));
		cl_submit_free(&sub);
	}
	return (cpu_s() - c0) / (double)n;
}

static void
sample_free(struct sample *s)
{
	free(s->msg);
	free(s->len);
	free(s->sig);
	free(s->pk);
}

/* The child's memory, sampled: anonymous and file-backed, peaks (KiB). */
struct mem {
	pthread_mutex_t	mu;
	bool		quit;
	long		anon, file;
};

static void
mem_sample(struct mem *m)
{
	char	line[256];
	long	v;
	FILE	*f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "RssAnon: %ld", &v) == 1 && v > m->anon)
			m->anon = v;
		if (sscanf(line, "RssFile: %ld", &v) == 1 && v > m->file)
			m->file = v;
	}
	fclose(f);
}

static void *
mem_main(void *arg)
{
	struct mem		*m = arg;
	struct timespec		 ts = { 0, 50 * 1000 * 1000 };
	bool			 quit;

	do {
		(void)pthread_mutex_lock(&m->mu);
		mem_sample(m);
		quit = m->quit;
		(void)pthread_mutex_unlock(&m->mu);
		(void)nanosleep(&ts, NULL);
	} while (!quit);
	return NULL;
}

/*
 * The child: audit the file, print "replay_s total_s events findings
 * anon_kib file_kib".  Its exit status is the audit's.
 */
static int
child(const char *file, const char *dir, unsigned threads)
{
	struct cl_audit_opts	o;
	struct cl_audit		a;
	struct mem		m;
	pthread_t		th;
	char			why[256];
	cl_err			err;
	int			rc;

	memset(&m, 0, sizeof(m));
	if (pthread_mutex_init(&m.mu, NULL) != 0 ||
	    pthread_create(&th, NULL, mem_main, &m) != 0)
		die("cannot start the memory sampler");
	memset(&o, 0, sizeof(o));
	o.file = file;
	o.scratch = dir;
	o.threads = threads;
	o.now = cl_tool_now_ms();
	o.quiet = isatty(STDERR_FILENO) != 1;
	if ((err = cl_audit_run(&o, &a, why, sizeof(why))) != CL_OK)
		die("audit: %s", why);
	(void)pthread_mutex_lock(&m.mu);
	m.quit = true;
	(void)pthread_mutex_unlock(&m.mu);
	(void)pthread_join(th, NULL);
	printf("%.3f %.3f %llu %llu %ld %ld %.3f\n", a.replay_s, a.total_s,
	    (unsigned long long)a.log_size, (unsigned long long)a.f_total,
	    m.anon, m.file, a.replay_cpu_s);
	rc = cl_audit_exit(&a);
	cl_audit_free(&a);
	return rc;
}

struct run {
	double		replay_s, total_s;
	uint64_t	events, findings;
	long		maxrss_kib, anon_kib, file_kib;
	double		cpu_s;		/* user + system */
	double		replay_cpu_s;	/* ... of the replay */
};

/* Audit file in a child process: its times and its peak RSS. */
static void
audit_child(const char *self, const char *file, const char *dir,
    unsigned threads, struct run *r)
{
	posix_spawn_file_actions_t	 fa;
	struct rusage			 ru;
	char				 out[4200], th[16], *argv[10];
	FILE				*f;
	pid_t				 pid;
	int				 st;

	(void)snprintf(out, sizeof(out), "%s/child.out", dir);
	(void)snprintf(th, sizeof(th), "%u", threads);
	argv[0] = (char *)(uintptr_t)self;
	argv[1] = "audit";
	argv[2] = "--child";
	argv[3] = (char *)(uintptr_t)file;
	argv[4] = "--dir";
	argv[5] = (char *)(uintptr_t)dir;
	argv[6] = "--threads";
	argv[7] = th;
	argv[8] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600) != 0)
		die("posix_spawn_file_actions");
	if (posix_spawn(&pid, self, &fa, NULL, argv, environ) != 0)
		die("cannot run %s", self);
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	/* the largest child waited for: the only one */
	if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
		die("getrusage: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("the audit of the corpus failed (status %d): it must be "
		    "clean", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	if ((f = fopen(out, "r")) == NULL ||
	    fscanf(f, "%lf %lf %llu %llu %ld %ld %lf", &r->replay_s,
	    &r->total_s, (unsigned long long *)&r->events,
	    (unsigned long long *)&r->findings, &r->anon_kib, &r->file_kib,
	    &r->replay_cpu_s) != 7)
		die("the audit's child said nothing");
	fclose(f);
	r->maxrss_kib = ru.ru_maxrss;
	r->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec /
	    1e6 + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec /
	    1e6;
}

/*
 * A ledger of the corpus, to prove from: applied without signature
 * checks (the audit has just checked them all), which is not what a node
 * does but gives the same store.
 */
static void
proof_ledger(const struct cl__bench_corpus *c, const char *dir,
    struct cl_ledger *l, double *apply_cpu)
{
	struct cl_store_opts	 opts = { .map_initial = (size_t)2 << 30,
					.scratch = true };
	struct cl_submit	*s;
	struct cl_result	*res;
	size_t			 i, k, n;
	double			 c0;
	cl_err			 err;

	*apply_cpu = 0;
	if (mkdir(dir, 0700) != 0)
		die("%s: %s", dir, strerror(errno));
	if ((err = cl_ledger_open(l, dir, c->genesis, c->genesis_len,
	    &opts)) != CL_OK)
		die("ledger in %s: %s", dir, cl_strerror(err));
	s = calloc(CL_AUDIT_BATCH, sizeof(*s));
	res = calloc(CL_AUDIT_BATCH, sizeof(*res));
	if (s == NULL || res == NULL)
		die("out of memory");
	for (i = 0; i < c->n; i += n) {
		n = c->n - i < CL_AUDIT_BATCH ? c->n - i : CL_AUDIT_BATCH;
		for (k = 0; k < n; k++) {
			/* as cl_ledger_prepare(), less the signature */
			memset(&s[k], 0, sizeof(s[k]));
			cl_merkle_leaf(s[k].leaf, c->ev[i + k], c->len[i + k]);
			s[k].err = cl_ev_decode(&s[k].ev, c->ev[i + k],
			    c->len[i + k], NULL);
			if (s[k].err == CL_OK)
				s[k].err = cl_ev_id(&s[k].ev, c->netid,
				    s[k].id);
		}
		c0 = cpu_s();
		if ((err = cl_ledger_apply(l, s, n, res)) != CL_OK)
			die("apply: %s", cl_strerror(err));
		*apply_cpu += cpu_s() - c0;
		for (k = 0; k < n; k++) {
			if (res[k].acc != CL_ACC_ACCEPTED)
				die("corpus event %zu: %s", i + k,
				    cl_accept_name(res[k].acc));
			cl_submit_free(&s[k]);
		}
	}
	free(s);
	free(res);
	*apply_cpu /= (double)c->n;
}

/* Proofs per second: inclusion of random positions, and consistency. */
static void
proof_rates(struct cl_ledger *l, uint64_t size, double *incl, double *cons)
{
	uint8_t		proof[CL_MERKLE_PROOF_MAX][CL_HASH_LEN];
	uint8_t		root[CL_HASH_LEN], rm[CL_HASH_LEN], leaf[CL_HASH_LEN];
	uint8_t		*ev;
	uint64_t	m;
	unsigned	cnt;
	size_t		i, len;
	double		t0;
	cl_err		err;

	if (cl_ledger_root(l, size, root) != CL_OK)
		die("root");
	t0 = cl_progress_now();
	for (i = 0; i < PROOFS; i++) {
		m = randombytes_uniform((uint32_t)size);
		if ((err = cl_ledger_inclusion(l, m, size, proof, &cnt)) !=
		    CL_OK)
			die("inclusion: %s", cl_strerror(err));
	}
	*incl = PROOFS / (cl_progress_now() - t0);
	/* a few, checked: what was timed is a real proof */
	for (i = 0; i < 100; i++) {
		m = randombytes_uniform((uint32_t)size);
		if (cl_ledger_inclusion(l, m, size, proof, &cnt) != CL_OK ||
		    cl_ledger_event_at(l, m, &ev, &len) != CL_OK)
			die("inclusion");
		cl_merkle_leaf(leaf, ev, len);
		free(ev);
		if (!cl_merkle_verify_inclusion(m, size, leaf,
		    (const uint8_t (*)[CL_HASH_LEN])proof, cnt, root))
			die("an inclusion proof of %llu does not verify",
			    (unsigned long long)m);
	}
	t0 = cl_progress_now();
	for (i = 0; i < PROOFS; i++) {
		m = 1 + randombytes_uniform((uint32_t)size);
		if (cl_ledger_consistency(l, m, size, proof, &cnt) != CL_OK)
			die("consistency");
	}
	*cons = PROOFS / (cl_progress_now() - t0);
	m = size / 3 + 1;
	if (cl_ledger_consistency(l, m, size, proof, &cnt) != CL_OK ||
	    cl_ledger_root(l, m, rm) != CL_OK ||
	    !cl_merkle_verify_consistency(m, size, rm, root,
	    (const uint8_t (*)[CL_HASH_LEN])proof, cnt))
		die("a consistency proof does not verify");
}

static void
rmrf(const char *dir)
{
	char	cmd[4200];

	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) < (int)sizeof(cmd))
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
}

static void
usage(FILE *f)
{
	fputs("usage: credledger-bench audit [--events N] [--dir DIR] "
	    "[--out FILE] [--threads N]\n"
	    "  --events N   events in the log (default 1000000)\n"
	    "  --dir DIR    where the export and the scratch stores go "
	    "(default\n"
	    "               /var/tmp: a real disk, not tmpfs)\n"
	    "  --out FILE   the report (default bench/audit.md)\n"
	    "  --threads N  the audit's signature threads, and the cores "
	    "of the\n"
	    "               verify limit (default 2)\n"
	    "  --keep       keep the export file and the proof ledger\n", f);
}

int
cl__bench_audit(int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "events", required_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 't' },
		{ "child", required_argument, NULL, 'c' },
		{ "keep", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cl__bench_corpus	 c;
	struct cl_export_w	 w;
	struct cl_ledger	 l;
	struct sample		 s;
	struct run		 r;
	struct utsname		 u;
	struct stat		 st;
	const char		*base = "/var/tmp", *out = "bench/audit.md";
	const char		*child_file = NULL;
	char			 dir[4096], file[4200], ldir[4200], self[4096];
	char			 when[64];
	time_t			 tnow = time(NULL);
	size_t			 n = 1000000, i;
	unsigned		 threads = CL_AUDIT_THREADS;
	double			 v1, v2, vt, rate, incl, cons, one;
	double			 cpu1, cpu2, cpuv, cpua, cpuw, load[1];
	double			 prep, apply;
	uint64_t		 v;
	ssize_t			 sl;
	FILE			*f;
	bool			 keep = false;
	int			 ch;

	while ((ch = getopt_long(argc, argv, "n:d:o:t:c:kh", opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'n':
			if (cl_tool_parse_u64(optarg, 10000000, &v) != CL_OK ||
			    v < 1000) {
				fprintf(stderr, "credledger-bench audit: "
				    "--events: '%s' is not a number from 1000 "
				    "to 10000000\n", optarg);
				return 2;
			}
			n = (size_t)v;
			break;
		case 'd':
			base = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			if (cl_tool_parse_u64(optarg, 16, &v) != CL_OK ||
			    v == 0) {
				fprintf(stderr, "credledger-bench audit: "
				    "--threads: '%s' is not a number from 1 to "
				    "16\n", optarg);
				return 2;
			}
			threads = (unsigned)v;
			break;
		case 'c':
			child_file = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "credledger-bench audit: unexpected '%s'\n",
		    argv[optind]);
		return 2;
	}
	if (child_file != NULL)
		return child(child_file, base, threads);
	if ((sl = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		die("cannot find this program: %s", strerror(errno));
	self[sl] = '\0';

	/* before signing the events: a bad --dir fails at once */
	if (snprintf(dir, sizeof(dir), "%s/bench-audit-XXXXXX", base) >=
	    (int)sizeof(dir))
		die("--dir %s: too long a path", base);
	if (mkdtemp(dir) == NULL)
		die("cannot make a directory in %s: %s", base,
		    strerror(errno));
	cl__bench_corpus_make(&c, n);
	(void)snprintf(file, sizeof(file), "%s/log.clexport", dir);
	(void)snprintf(ldir, sizeof(ldir), "%s/ledger", dir);
	if (cl_export_create(&w, file, c.genesis, c.genesis_len) != CL_OK)
		die("%s: %s", file, strerror(errno));
	for (i = 0; i < c.n; i++)
		if (cl_export_add(&w, c.ev[i], c.len[i]) != CL_OK)
			die("%s: %s", file, strerror(errno));
	if (cl_export_commit(&w) != CL_OK || stat(file, &st) != 0)
		die("%s: %s", file, strerror(errno));
	fprintf(stderr, "wrote %s: %.1f MiB\n", file,
	    (double)st.st_size / (1 << 20));

	/* the verify limit just before and just after the audit */
	sample_make(&c, &s);
	one = verify_rate(&s, 1, &cpu1);
	v1 = verify_rate(&s, threads, &cpuv);
	fprintf(stderr, "verify: %.0f/s on 1 core, %.0f/s on %u\n", one, v1,
	    threads);
	audit_child(self, file, dir, threads, &r);
	v2 = verify_rate(&s, threads, &cpu2);
	vt = (v1 + v2) / 2;
	cpuv = cpuv < cpu2 ? cpuv : cpu2;	/* the least disturbed */
	rate = (double)r.events / r.replay_s;
	cpua = r.replay_cpu_s / (double)r.events;
	cpuw = r.cpu_s / (double)r.events;
	fprintf(stderr, "audit: %llu events replayed in %.1f s: %.0f/s, "
	    "%.2f of the %u-core verify rate (%.0f/s); CPU %.1f us an event "
	    "against %.1f us a signature (%.2f); whole audit %.1f s; peak RSS "
	    "%.0f MiB (anonymous %.0f, file-backed %.0f)\n",
	    (unsigned long long)r.events, r.replay_s, rate, rate / vt, threads,
	    vt, cpua * 1e6, cpuv * 1e6, cpuv / cpua, r.total_s,
	    (double)r.maxrss_kib / 1024, (double)r.anon_kib / 1024,
	    (double)r.file_kib / 1024);
	sample_free(&s);

	prep = prepare_cpu(&c, s.n);
	proof_ledger(&c, ldir, &l, &apply);
	fprintf(stderr, "CPU an event: cl_ledger_prepare %.1f us, "
	    "cl_ledger_apply %.1f us (over the %zu events)\n", prep * 1e6,
	    apply * 1e6, c.n);
	proof_rates(&l, c.n, &incl, &cons);
	fprintf(stderr, "proofs on %zu events: %.0f inclusion/s, %.0f "
	    "consistency/s\n", c.n, incl, cons);
	cl_ledger_close(&l);

	uname(&u);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&tnow));
	load[0] = -1;
	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		if (fscanf(f, "%lf", &load[0]) != 1)
			load[0] = -1;
		fclose(f);
	}
	if ((f = fopen(out, "w")) == NULL)
		die("%s: %s", out, strerror(errno));
	fprintf(f, "# Audit benchmark\n\n"
	    "Written by `credledger-bench audit` on %s (%s %s, %ld cores, "
	    "load average %.1f when it ended).  Every rate is measured in "
	    "this run.\n\n"
	    "- log: an export file of %zu signed events (16 ACCREDIT, 16 "
	    "DEFINE, ISSUEs round-robin over 16 issuers, one REVOKE in "
	    "twenty), %.1f MiB\n"
	    "- audit: `cl_audit_run()` (tools/audit.h) in a process of its "
	    "own: read the file; decode, canonical check, signature check "
	    "and leaf hash on %u threads (the calling thread helps while it "
	    "waits); the node's own acceptance rules (`cl_ledger_apply`, "
	    "batches of %d) into a scratch store that commits without "
	    "fsync and writes into its map (`scratch` in `struct cl_store_opts`: it is thrown away after), on the "
	    "calling thread, beside the checks of the next batch\n"
	    "- verify limit: `crypto_sign_verify_detached` on %u threads "
	    "over the same signed messages, just before and just after the "
	    "audit (mean)\n\n"
	    "| figure | value |\n|---|---:|\n"
	    "| events | %llu |\n"
	    "| verify limit, 1 core | %.0f /s |\n"
	    "| verify limit, %u cores (before, after) | %.0f, %.0f /s |\n"
	    "| audit replay | %.1f s, %.0f events/s |\n"
	    "| **replay ÷ %u-core verify, wall clock** | **%.2f** (target ≥ "
	    "0.80) |\n"
	    "| CPU per event, the replay (all threads) | %.1f µs |\n"
	    "| CPU per event, the whole audit process | %.1f µs |\n"
	    "| CPU per signature, verify limit | %.1f µs |\n"
	    "| **verify ÷ replay, CPU time** | **%.2f** |\n"
	    "| CPU per event, `cl_ledger_prepare` alone (one thread) | %.1f "
	    "µs |\n"
	    "| CPU per event, `cl_ledger_apply` alone (%zu events, batches "
	    "of %d) | %.1f µs |\n"
	    "| ceiling on idle cores: verify ÷ (prepare + apply) | %.2f |\n"
	    "| whole audit (with every credential's status, authors, "
	    "report) | %.1f s |\n"
	    "| peak RSS of the audit process | %.0f MiB |\n"
	    "| ... of which anonymous (heap), peak | %.0f MiB |\n"
	    "| ... of which file-backed (the scratch store's map), peak | "
	    "%.0f MiB |\n"
	    "| inclusion proofs (random position, tree of %zu) | %.0f /s |\n"
	    "| consistency proofs (random m, to %zu) | %.0f /s |\n\n"
	    "On two cores the apply thread and the signature threads share "
	    "the same CPUs, so the replay can reach at most the ceiling "
	    "above: what `cl_ledger_apply` costs an event (the node's own "
	    "rules and indexes, the same for a node's ingest) comes out of "
	    "the verify budget.  Its wall-clock ratio "
	    "depends on the cores it gets: on a shared machine the verify "
	    "limit and the audit, measured one after the other, do not see "
	    "the same load, so the CPU-time ratio (the CPU a bare "
	    "`crypto_sign_verify_detached` takes, over the CPU the replay "
	    "takes per event, all threads) is the one that says how close "
	    "the replay is to the verify rate on idle cores.  The heap holds two "
	    "batches of prepared events (%d × %zu bytes of `struct "
	    "cl_submit`, and each event's bytes); the scratch store's pages "
	    "are written straight into its map, which is the file-backed "
	    "part: page cache the kernel can take back. "
	    " Proofs are read from the ledger's stored subtrees (O(log n) "
	    "reads each).\n",
	    when, u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN),
	    load[0], c.n, (double)st.st_size / (1 << 20), threads,
	    CL_AUDIT_BATCH, threads, (unsigned long long)r.events, one,
	    threads, v1, v2, r.replay_s, rate, threads, rate / vt, cpua * 1e6,
	    cpuw * 1e6, cpuv * 1e6, cpuv / cpua, prep * 1e6, c.n,
	    CL_AUDIT_BATCH, apply * 1e6, cpuv / (prep + apply), r.total_s,
	    (double)r.maxrss_kib / 1024,
	    (double)r.anon_kib / 1024, (double)r.file_kib / 1024, c.n, incl,
	    c.n, cons, CL_AUDIT_BATCH, sizeof(struct cl_submit));
	if (fclose(f) != 0)
		die("%s: %s", out, strerror(errno));
	fprintf(stderr, "wrote %s\n", out);
	if (keep)
		fprintf(stderr, "kept %s\n", dir);
	else
		rmrf(dir);
	cl__bench_corpus_free(&c);
	return 0;
}
