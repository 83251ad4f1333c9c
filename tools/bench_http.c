/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger-bench http: GET /v1/credentials/{id} on a credledger-node's
 * HTTP port, started here, under wrk with 50 keep-alive connections, and
 * in the same run the ceiling of that load on this machine: nginx
 * answering every request with one file, a real answer of the median
 * size, to the same wrk script (DESIGN §8: a ratio to a limit measured
 * in the same run, medians over runs).
 *
 * Three mixes of ids, each its own wrk run:
 * - random: uniform over every credential the node holds (the target is
 *   judged on this one: each verifier checks the one credential it was
 *   sent, so the node's small answer cache seldom holds it);
 * - cold: the ids walked in a shuffled order, so an id comes back only
 *   after every other one and the answer cache never hits;
 * - hot: a few ids asked over and over, answered from the cache.
 * The cache's hits are read from the node's /metrics around each run.
 *
 * Children (the node, nginx, wrk, apt-get) are stopped by PID on every
 * way out (bench_common.c).
 */
#include "bench_http.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench_common.h"
#include "event.h"
#include "hex.h"
#include "util.h"
#include "wire.h"

#define SETUP_EVENTS	(2 * CL_BENCH_ISSUERS)	/* ACCREDITs, DEFINEs */
#define RUNS_MAX	15
#define SAMPLE_IDS	200		/* answers fetched for their size */
#define GET_CAP		(1024 * 1024)	/* bytes of an answer read here */
#define NGINX_START_MS	10000		/* for nginx to listen */
#define WRK_GRACE_S	60		/* past -d, for wrk to exit */
#define WARM_S		2		/* unmeasured wrk run, each server */
#define LINE_CAP	1024
#define QPS_TARGET	20000.0		/* issue 6, random mix */

enum mix {
	MIX_RANDOM,
	MIX_COLD,
	MIX_HOT,
	MIX_CNT
};

static const char *const mix_names[MIX_CNT] = { "random", "cold", "hot" };

struct opts {
	size_t		 creds;		/* credentials in the node */
	size_t		 conns;		/* wrk -c */
	size_t		 threads;	/* wrk -t */
	size_t		 seconds;	/* wrk -d, per measurement */
	size_t		 hot;		/* ids of the hot mix */
	size_t		 runs;		/* repetitions; medians reported */
	const char	*node_bin;
	const char	*dir;
	const char	*out;
	bool		 quick;
	bool		 keep;		/* the scratch directory, logs */
	bool		 no_install;	/* never run apt-get */
};

/* One wrk measurement, and the machine around it. */
struct wres {
	double		 rps;		/* requests / wrk's duration */
	double		 p50_us, p99_us, max_us;
	double		 requests;
	double		 sock_errors;	/* connect, read, write, timeout */
	double		 server_cores;	/* the node's or nginx's CPU */
	double		 wrk_cores;
	double		 other_cores;	/* the rest of the machine's load */
	double		 cpu_us_per_req;	/* server CPU per answer */
	double		 hit_share;	/* node: cache hits per 200 answer */
	double		 ratio;		/* rps ÷ the run's nginx rps */
};

struct run {
	struct wres	 ceil;
	bool		 ceil_ok;
	struct wres	 mix[MIX_CNT];
};

struct ctx {
	struct opts		 o;
	struct cl__bench_corpus	 c;
	uint8_t			(*ids)[CL_ID_LEN];	/* ISSUEs, in order */
	size_t			 id_cnt;
	size_t			 events;	/* the prefix holding them */
	size_t			 grown;		/* events in the node */
	double			 ingest_rate;
	char			 tmp[CL_BENCH_PATH_CAP];
	char			 genesis[CL_BENCH_PATH_CAP];
	char			 wrk[CL_BENCH_PATH_CAP];
	char			 wrk_ver[128];
	char			 nginx[CL_BENCH_PATH_CAP];
	char			 nginx_ver[128];
	/* why there is no ceiling; "": there is one */
	char			 nginx_why[CL_BENCH_PATH_CAP + 256];
	char			 script[MIX_CNT][CL_BENCH_PATH_CAP];
	struct cl__bench_node	 nd;
	uint16_t		 http_port;
	pid_t			 nginx_pid;
	uint16_t		 nginx_port;
	/* the answers, from a sample fetched before the runs */
	size_t			 body_min, body_med, body_max;
	size_t			 head_ours, head_nginx;
	size_t			 sampled, revoked;
	char			*ceil_body;	/* the median one */
	size_t			 ceil_len;
};

/* Small helpers. */

/* User + system CPU seconds of the children reaped so far. */
static double
children_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t
rng_next(uint64_t *s)
{
	/* xorshift64*: ids shuffled the same way on every run of the bench */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		cl__bench_fail("%s: %s", path, strerror(errno));
	cl__bench_write_all(fd, buf, len, path);
	if (close(fd) != 0)
		cl__bench_fail("%s: %s", path, strerror(errno));
}

/* The whole of a small file, NUL-terminated, into buf; its length. */
static size_t
read_small(const char *path, char *buf, size_t cap)
{
	size_t	n;
	FILE	*f;

	buf[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

static int
open_out(const char *path)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		cl__bench_fail("%s: %s", path, strerror(errno));
	return fd;
}

/* Run argv with stdout and stderr to path; its wait status. */
static int
run_to_file(char *const argv[], const char *path)
{
	int	fd = open_out(path), st;

	st = cl__bench_wait(cl__bench_spawn(argv, -1, fd, fd));
	close(fd);
	return st;
}

/* The first line of what "prog flag" prints, into out. */
static void
version_of(const struct ctx *x, const char *prog, const char *flag,
    char *out, size_t cap)
{
	char		 path[CL_BENCH_PATH_CAP], buf[LINE_CAP], *argv[3], *p;
	const char	*v;
	size_t		 len;

	cl__bench_path(path, x->tmp, "version.txt");
	argv[0] = (char *)prog;
	argv[1] = (char *)flag;
	argv[2] = NULL;
	(void)run_to_file(argv, path);
	(void)read_small(path, buf, sizeof(buf));
	buf[strcspn(buf, "\r\n")] = '\0';
	/* "wrk debian/4.1.0-3+b2 [epoll] Copyright ...", "nginx version: " */
	if ((p = strstr(buf, " Copyright")) != NULL)
		*p = '\0';
	v = strncmp(buf, "nginx version: ", 15) == 0 ? buf + 15 : buf;
	if (*v == '\0')
		v = "unknown version";
	len = strlen(v) < cap ? strlen(v) : cap - 1;	/* cut, on purpose */
	memcpy(out, v, len);
	out[len] = '\0';
	(void)unlink(path);
}

/* prog on PATH or in the sbin directories (nginx), into out. */
static bool
find_prog(const char *prog, char *out)
{
	static const char *const sbin[] = { "/usr/sbin", "/usr/local/sbin",
	    "/sbin" };
	size_t	i;

	if (cl__bench_find_exec(prog, out))
		return true;
	for (i = 0; i < sizeof(sbin) / sizeof(sbin[0]); i++)
		if (snprintf(out, CL_BENCH_PATH_CAP, "%s/%s", sbin[i], prog) <
		    CL_BENCH_PATH_CAP && access(out, X_OK) == 0)
			return true;
	return false;
}

/*
 * prog, or else "apt-get install -y pkg" (root only; once more after an
 * "apt-get update" if it fails), then prog.  why says what went wrong.
 */
static bool
find_or_install(const struct ctx *x, const char *prog, const char *pkg,
    char *out, char *why, size_t why_cap)
{
	char	 apt[CL_BENCH_PATH_CAP], log[CL_BENCH_PATH_CAP];
	char	*argv[6];
	int	 st, attempt;

	if (find_prog(prog, out))
		return true;
	if (x->o.no_install) {
		snprintf(why, why_cap, "%s is not installed (--no-install)",
		    prog);
		return false;
	}
	if (geteuid() != 0 || !cl__bench_find_exec("apt-get", apt)) {
		snprintf(why, why_cap, "%s is not installed, and apt-get is "
		    "not at hand as root to install %s", prog, pkg);
		return false;
	}
	cl__bench_path(log, x->tmp, "apt-get.log");
	setenv("DEBIAN_FRONTEND", "noninteractive", 1);
	for (attempt = 0; attempt < 2; attempt++) {
		if (attempt == 1) {
			cl__bench_say("apt-get update");
			argv[0] = apt;
			argv[1] = "update";
			argv[2] = NULL;
			(void)run_to_file(argv, log);
		}
		cl__bench_say("%s is missing: apt-get install -y %s", prog,
		    pkg);
		argv[0] = apt;
		argv[1] = "install";
		argv[2] = "-y";
		argv[3] = "-q";
		argv[4] = (char *)pkg;
		argv[5] = NULL;
		st = run_to_file(argv, log);
		if (cl__bench_exited_ok(st) && find_prog(prog, out))
			return true;
	}
	snprintf(why, why_cap, "%s is not installed and \"apt-get install -y "
	    "%s\" did not install it", prog, pkg);
	return false;
}

/* A free TCP port on 127.0.0.1, for nginx (which cannot say its own). */
static uint16_t
free_port(void)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		cl__bench_fail("socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		cl__bench_fail("a free port: %s", strerror(errno));
	close(fd);
	return ntohs(sa.sin_port);
}

static void
loopback(struct sockaddr_in *sa, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/*
 * GET path from 127.0.0.1:port over a new connection ("Connection:
 * close"): the status code; *head gets the bytes of the status line and
 * header fields, *body (cap GET_CAP) the body, NUL-terminated.  The
 * Content-Length must match.  0 when the connection fails.
 */
static int
http_get(uint16_t port, const char *path, char *body, size_t *body_len,
    size_t *head)
{
	static char		 buf[GET_CAP];
	struct sockaddr_in	 sa;
	char			 req[512], *end, *cl;
	size_t			 got = 0, hl;
	ssize_t			 n;
	int			 fd, code, len;
	unsigned long		 want;

	loopback(&sa, port);
	if ((fd = cl__bench_connect(&sa, false)) < 0)
		return 0;
	len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: "
	    "127.0.0.1:%u\r\nConnection: close\r\n\r\n", path,
	    (unsigned)port);
	if (len < 0 || (size_t)len >= sizeof(req))
		cl__bench_fail("a path too long: %s", path);
	cl__bench_write_all(fd, req, (size_t)len, "an HTTP server");
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cl__bench_fail("GET %s: %s", path, strerror(errno));
		}
		got += (size_t)n;
		if (got == sizeof(buf) - 1)
			cl__bench_fail("GET %s: an answer over %d bytes", path,
			    GET_CAP);
	}
	close(fd);
	buf[got] = '\0';
	if (sscanf(buf, "HTTP/1.1 %d ", &code) != 1 ||
	    (end = strstr(buf, "\r\n\r\n")) == NULL)
		cl__bench_fail("GET %s: not an HTTP/1.1 answer: %.80s", path,
		    buf);
	hl = (size_t)(end - buf) + 4;
	*end = '\0';	/* the fields, searched below as one string */
	if ((cl = strstr(buf, "\r\nContent-Length: ")) == NULL &&
	    (cl = strstr(buf, "\r\ncontent-length: ")) == NULL)
		cl__bench_fail("GET %s: no Content-Length", path);
	want = strtoul(cl + 18, NULL, 10);
	if (want != got - hl)
		cl__bench_fail("GET %s: Content-Length %lu, body %zu bytes",
		    path, want, got - hl);
	memcpy(body, buf + hl, got - hl + 1);
	*body_len = got - hl;
	*head = hl;
	return code;
}

/* The value of a Prometheus sample line "name value" in text. */
static double
metric_value(const char *text, const char *name)
{
	const char	*p = text;
	size_t		 n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return 0;	/* a counter not yet shown is 0 */
}

/* The node's credential 200 answers and cache hits, from /metrics. */
static void
node_counters(const struct ctx *x, double *answered, double *hits)
{
	static char	body[GET_CAP];
	size_t		len, head;

	if (http_get(x->http_port, "/metrics", body, &len, &head) != 200)
		cl__bench_fail("GET /metrics failed (see %s)", x->nd.log);
	*answered = metric_value(body, "credledger_http_requests_total{route="
	    "\"credential\",code=\"200\"}");
	*hits = metric_value(body, "credledger_http_cache_hits_total");
}

/* The HTTP port from the node's log: "serving HTTP on 127.0.0.1:PORT". */
static uint16_t
node_http_port(const struct cl__bench_node *nd)
{
	static char	 log[256 * 1024];
	const char	*key = "serving HTTP on 127.0.0.1:", *p;
	unsigned long	 pn;
	char		*end;

	(void)read_small(nd->log, log, sizeof(log));
	if ((p = strstr(log, key)) == NULL)
		cl__bench_fail("no HTTP port in %s", nd->log);
	pn = strtoul(p + strlen(key), &end, 10);
	if (end == p + strlen(key) || pn == 0 || pn > 65535)
		cl__bench_fail("a bad HTTP port in %s", nd->log);
	return (uint16_t)pn;
}

/* The ISSUE ids of the stream, up to o.creds of them, and their prefix. */
static void
index_issues(struct ctx *x)
{
	struct cl_event	ev;
	size_t		i;

	x->ids = cl__bench_calloc(x->o.creds, sizeof(*x->ids));
	for (i = 0; i < x->c.n && x->id_cnt < x->o.creds; i++) {
		if (cl_ev_decode(&ev, x->c.ev[i], x->c.len[i], NULL) != CL_OK)
			cl__bench_fail("event %zu does not decode", i);
		if (ev.type == CL_EV_ISSUE &&
		    cl_ev_id(&ev, x->c.netid, x->ids[x->id_cnt++]) != CL_OK)
			cl__bench_fail("event %zu has no id", i);
		cl_ev_free(&ev);
	}
	if (x->id_cnt < x->o.creds)
		cl__bench_fail("the stream has only %zu ISSUEs", x->id_cnt);
	x->events = i;
}

/* The ids of idx[0..n) in hex, one a line, to path. */
static void
write_ids(const struct ctx *x, const char *path, const size_t *idx,
    size_t n)
{
	char	 hex[2 * CL_ID_LEN + 1];
	size_t	 i;
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		cl__bench_fail("%s: %s", path, strerror(errno));
	for (i = 0; i < n; i++) {
		cl_hex_encode(hex, x->ids[idx[i]], CL_ID_LEN);
		fprintf(f, "%s\n", hex);
	}
	if (fclose(f) != 0)
		cl__bench_fail("%s: %s", path, strerror(errno));
}

/*
 * The wrk script of a mix: the ids are read from list at start and one
 * GET formatted for each, so a request costs wrk a table look-up; walk
 * hands them out in the list's order (each thread from its own offset),
 * else uniformly at random.  done() prints one line the bench reads.
 */
static void
write_script(const char *path, const char *list, bool walk,
    size_t threads, unsigned seed)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		cl__bench_fail("%s: %s", path, strerror(errno));
	fprintf(f,
	    "-- Written by credledger-bench http: GET /v1/credentials/{id},\n"
	    "-- the ids from %s, %s.\n"
	    "local reqs, n, pos, made = {}, 0, 0, 0\n"
	    "\n"
	    "function setup(thread)\n"
	    "\tthread:set(\"tid\", made)\n"
	    "\tmade = made + 1\n"
	    "end\n"
	    "\n"
	    "function init(args)\n"
	    "\tfor id in io.lines(\"%s\") do\n"
	    "\t\tn = n + 1\n"
	    "\t\treqs[n] = wrk.format(\"GET\", \"/v1/credentials/\" .. id)\n"
	    "\tend\n"
	    "\tif n == 0 then error(\"no ids in %s\") end\n"
	    "\tmath.randomseed(%u + (tid or 0))\n"
	    "\tpos = math.floor(n * (tid or 0) / %zu)\n"
	    "end\n"
	    "\n", list, walk ? "walked in order from each thread's offset" :
	    "picked uniformly at random", list, list, seed, threads);
	if (walk)
		fprintf(f,
		    "function request()\n"
		    "\tpos = pos %% n + 1\n"
		    "\treturn reqs[pos]\n"
		    "end\n\n");
	else
		fprintf(f,
		    "function request()\n"
		    "\treturn reqs[math.random(n)]\n"
		    "end\n\n");
	fprintf(f,
	    "function done(summary, latency, requests)\n"
	    "\tlocal e = summary.errors\n"
	    "\tio.write(string.format(\"clbench requests=%%d duration_us=%%d "
	    "p50_us=%%.1f p99_us=%%.1f max_us=%%.1f status=%%d connect=%%d "
	    "read=%%d write=%%d timeout=%%d\\n\", summary.requests, "
	    "summary.duration, latency:percentile(50), "
	    "latency:percentile(99), latency.max, e.status, e.connect, "
	    "e.read, e.write, e.timeout))\n"
	    "end\n");
	if (fclose(f) != 0)
		cl__bench_fail("%s: %s", path, strerror(errno));
}

/* The lists and scripts of the three mixes, in the scratch directory. */
static void
write_mixes(struct ctx *x)
{
	char		 list[CL_BENCH_PATH_CAP];
	size_t		*idx, i, j, t, n = x->id_cnt;
	uint64_t	 s = 0x9e3779b97f4a7c15ULL;

	idx = cl__bench_calloc(n, sizeof(*idx));
	for (i = 0; i < n; i++)
		idx[i] = i;
	cl__bench_path(list, x->tmp, "ids-all.txt");
	write_ids(x, list, idx, n);
	cl__bench_path(x->script[MIX_RANDOM], x->tmp, "random.lua");
	write_script(x->script[MIX_RANDOM], list, false, x->o.threads, 1);
	for (i = n - 1; i > 0; i--) {	/* Fisher-Yates */
		j = (size_t)(rng_next(&s) % (i + 1));
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	cl__bench_path(list, x->tmp, "ids-shuffled.txt");
	write_ids(x, list, idx, n);
	cl__bench_path(x->script[MIX_COLD], x->tmp, "cold.lua");
	write_script(x->script[MIX_COLD], list, true, x->o.threads, 2);
	cl__bench_path(list, x->tmp, "ids-hot.txt");
	write_ids(x, list, idx + n - x->o.hot, x->o.hot);
	cl__bench_path(x->script[MIX_HOT], x->tmp, "hot.lua");
	write_script(x->script[MIX_HOT], list, false, x->o.threads, 3);
	free(idx);
}

/* "key": true in a compact or spaced JSON text. */
static bool
json_true(const char *text, const char *key)
{
	const char	*p = strstr(text, key);

	if (p == NULL)
		return false;
	p += strlen(key);
	p += strspn(p, " :");
	return strncmp(p, "true", 4) == 0;
}

/*
 * Fetch SAMPLE_IDS answers spread over the ids: each must be 200 with a
 * bundle and a checked proof.  Keeps the median-sized body for nginx.
 */
static void
sample_answers(struct ctx *x)
{
	static char	 body[GET_CAP];
	char		 path[128], hex[2 * CL_ID_LEN + 1];
	size_t		 sizes[SAMPLE_IDS], sorted[SAMPLE_IDS];
	size_t		 i, k, len, head, n = SAMPLE_IDS, med_i = 0;
	int		 code;

	if (n > x->id_cnt)
		n = x->id_cnt;
	if (n == 0)
		cl__bench_fail("no credentials to ask for");
	for (i = 0; i < n; i++) {
		k = i * x->id_cnt / n;
		cl_hex_encode(hex, x->ids[k], CL_ID_LEN);
		snprintf(path, sizeof(path), "/v1/credentials/%s", hex);
		if ((code = http_get(x->http_port, path, body, &len,
		    &head)) != 200)
			cl__bench_fail("GET %s: %d, not 200 (see %s)", path,
			    code, x->nd.log);
		if (strstr(body, "\"bundle\"") == NULL ||
		    !json_true(body, "\"proof_checked\""))
			cl__bench_fail("GET %s: no bundle or an unchecked "
			    "proof: %.200s", path, body);
		x->revoked += strstr(body, "\"status\":\"revoked\"") != NULL;
		sizes[i] = sorted[i] = len;
		x->head_ours = head;
	}
	for (i = 1; i < n; i++)		/* insertion sort: n is small */
		for (k = i; k > 0 && sorted[k - 1] > sorted[k]; k--) {
			len = sorted[k];
			sorted[k] = sorted[k - 1];
			sorted[k - 1] = len;
		}
	x->sampled = n;
	x->body_min = sorted[0];
	x->body_med = sorted[n / 2];
	x->body_max = sorted[n - 1];
	for (i = 0; i < n; i++)
		if (sizes[i] == x->body_med) {
			med_i = i;
			break;
		}
	cl_hex_encode(hex, x->ids[med_i * x->id_cnt / n], CL_ID_LEN);
	snprintf(path, sizeof(path), "/v1/credentials/%s", hex);
	if (http_get(x->http_port, path, body, &len, &head) != 200 ||
	    len != x->body_med)
		cl__bench_fail("GET %s changed", path);
	x->ceil_body = cl__bench_calloc(1, len + 1);
	memcpy(x->ceil_body, body, len);
	x->ceil_len = len;
	cl__bench_say("answers: %zu fetched, bodies %zu-%zu bytes (median "
	    "%zu), header %zu bytes", n, x->body_min, x->body_max,
	    x->body_med, x->head_ours);
}

/*
 * nginx on a free port, one worker, answering every path with the
 * median answer.  False (and nginx_why) when it does not come up.
 */
static bool
nginx_start(struct ctx *x)
{
	char			 dir[CL_BENCH_PATH_CAP];
	char			 conf[CL_BENCH_PATH_CAP];
	char			 www[CL_BENCH_PATH_CAP], log[CL_BENCH_PATH_CAP];
	char			 elog[CL_BENCH_PATH_CAP];
	char			 file[CL_BENCH_PATH_CAP], *argv[8];
	struct sockaddr_in	 sa;
	siginfo_t		 si;
	uint64_t		 deadline;
	size_t			 len, head;
	FILE			*f;
	int			 fd, logfd;

	cl__bench_path(dir, x->tmp, "nginx");
	cl__bench_path(www, dir, "www");
	if (mkdir(dir, 0700) != 0 || mkdir(www, 0700) != 0)
		cl__bench_fail("mkdir %s: %s", www, strerror(errno));
	cl__bench_path(file, www, "answer.json");
	write_file(file, x->ceil_body, x->ceil_len);
	x->nginx_port = free_port();
	cl__bench_path(conf, dir, "nginx.conf");
	if ((f = fopen(conf, "w")) == NULL)
		cl__bench_fail("%s: %s", conf, strerror(errno));
	/* temp paths here, so nothing outside the scratch is touched */
	fprintf(f,
	    "# Written by credledger-bench http: the ceiling, a static "
	    "answer.\n"
	    "daemon off;\n"
	    "master_process off;\n"
	    "worker_processes 1;\n"
	    "pid %s/nginx.pid;\n"
	    "error_log %s/error.log warn;\n"
	    "events {\n"
	    "\tworker_connections 1024;\n"
	    "}\n"
	    "http {\n"
	    "\taccess_log off;\n"
	    "\tserver_tokens off;\n"
	    "\tetag off;\n"
	    "\tkeepalive_timeout 65s;\n"
	    "\tkeepalive_requests 100000000;\n"
	    "\topen_file_cache max=16 inactive=3600s;\n"
	    "\topen_file_cache_valid 3600s;\n"
	    "\tsendfile on;\n"
	    "\ttcp_nodelay on;\n"
	    "\tclient_body_temp_path %s/body;\n"
	    "\tproxy_temp_path %s/proxy;\n"
	    "\tfastcgi_temp_path %s/fastcgi;\n"
	    "\tuwsgi_temp_path %s/uwsgi;\n"
	    "\tscgi_temp_path %s/scgi;\n"
	    "\tdefault_type application/json;\n"
	    "\tserver {\n"
	    "\t\tlisten 127.0.0.1:%u;\n"
	    "\t\troot %s;\n"
	    "\t\tlocation / {\n"
	    "\t\t\ttry_files /answer.json =404;\n"
	    "\t\t}\n"
	    "\t}\n"
	    "}\n", dir, dir, dir, dir, dir, dir, dir,
	    (unsigned)x->nginx_port, www);
	if (fclose(f) != 0)
		cl__bench_fail("%s: %s", conf, strerror(errno));
	cl__bench_path(log, dir, "stderr.log");
	cl__bench_path(elog, dir, "error.log");
	logfd = open_out(log);
	argv[0] = x->nginx;
	argv[1] = "-p";
	argv[2] = dir;
	argv[3] = "-c";
	argv[4] = conf;
	argv[5] = "-e";
	argv[6] = elog;
	argv[7] = NULL;
	x->nginx_pid = cl__bench_spawn(argv, -1, logfd, logfd);
	close(logfd);
	loopback(&sa, x->nginx_port);
	deadline = cl__bench_now_ns() + (uint64_t)NGINX_START_MS * 1000000u;
	for (;;) {
		if ((fd = cl__bench_connect(&sa, false)) >= 0) {
			close(fd);
			break;
		}
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)x->nginx_pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) == 0 && si.si_pid == x->nginx_pid) {
			(void)cl__bench_wait(x->nginx_pid);
			x->nginx_pid = 0;
			snprintf(x->nginx_why, sizeof(x->nginx_why), "nginx "
			    "exited at start (see %s)", elog);
			return false;
		}
		if (cl__bench_now_ns() > deadline) {
			(void)cl__bench_stop(x->nginx_pid, 5000);
			x->nginx_pid = 0;
			snprintf(x->nginx_why, sizeof(x->nginx_why), "nginx "
			    "did not listen within %d ms (see %s)",
			    NGINX_START_MS, elog);
			return false;
		}
		cl__bench_sleep_ms(20);
	}
	/* the same bytes as the node's answer */
	{
		static char	got[GET_CAP];

		if (http_get(x->nginx_port, "/v1/credentials/x", got, &len,
		    &head) != 200 || len != x->ceil_len ||
		    memcmp(got, x->ceil_body, len) != 0)
			cl__bench_fail("nginx does not answer the file (see "
			    "%s)", elog);
		x->head_nginx = head;
	}
	cl__bench_say("nginx: pid %ld, port %u, a body of %zu bytes, header "
	    "%zu bytes", (long)x->nginx_pid, (unsigned)x->nginx_port,
	    x->ceil_len, x->head_nginx);
	return true;
}

static void
nginx_stop(struct ctx *x)
{
	int	st;

	if (x->nginx_pid <= 0)
		return;
	st = cl__bench_stop(x->nginx_pid, 10000);
	if (!cl__bench_exited_ok(st))
		cl__bench_say("nginx (pid %ld) did not exit cleanly: status %d",
		    (long)x->nginx_pid, st);
	x->nginx_pid = 0;
}

/*
 * wrk with script against port for seconds; server is the process whose
 * CPU is counted.  Fails on socket errors and on any answer that is not
 * 2xx (an unknown id would be 404).
 */
static void
wrk_run(const struct ctx *x, const char *script, uint16_t port,
    pid_t server, size_t seconds, const char *what, struct wres *w)
{
	char		 out[CL_BENCH_PATH_CAP], buf[64 * 1024], url[64];
	char		 t[16], c[16], d[16], *argv[14], *p;
	unsigned long long	 req, dur, st, e_conn, e_read, e_write, e_to;
	double		 p50, p99, pmax, srv0, kid0, busy0, wall;
	uint64_t	 t0, deadline;
	siginfo_t	 si;
	pid_t		 pid;
	int		 fd, status;

	memset(w, 0, sizeof(*w));
	cl__bench_path(out, x->tmp, "wrk.out");
	snprintf(t, sizeof(t), "%zu", x->o.threads);
	snprintf(c, sizeof(c), "%zu", x->o.conns);
	snprintf(d, sizeof(d), "%zus", seconds);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", (unsigned)port);
	argv[0] = (char *)x->wrk;
	argv[1] = "-t";
	argv[2] = t;
	argv[3] = "-c";
	argv[4] = c;
	argv[5] = "-d";
	argv[6] = d;
	argv[7] = "--latency";
	argv[8] = "--timeout";
	argv[9] = "10s";
	argv[10] = "-s";
	argv[11] = (char *)script;
	argv[12] = url;
	argv[13] = NULL;
	fd = open_out(out);
	srv0 = cl__bench_proc_cpu(server);
	kid0 = children_cpu();
	busy0 = cl__bench_machine_busy();
	t0 = cl__bench_now_ns();
	pid = cl__bench_spawn(argv, -1, fd, fd);
	close(fd);
	deadline = t0 + (uint64_t)(seconds + WRK_GRACE_S) * 1000000000u;
	for (;;) {	/* wait, not reap: cl__bench_wait() forgets the PID */
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) == 0 && si.si_pid == pid)
			break;
		if (cl__bench_interrupted())
			cl__bench_fail("interrupted");
		if (cl__bench_now_ns() > deadline) {
			(void)cl__bench_stop(pid, 5000);
			cl__bench_fail("wrk did not finish in %zu s (see %s)",
			    seconds + WRK_GRACE_S, out);
		}
		cl__bench_sleep_ms(50);
	}
	/* the server's CPU before wrk is reaped: the same instant */
	w->server_cores = cl__bench_proc_cpu(server) - srv0;
	wall = (double)(cl__bench_now_ns() - t0) / 1e9;
	w->other_cores = cl__bench_machine_busy() - busy0;
	status = cl__bench_wait(pid);
	w->wrk_cores = (children_cpu() - kid0) / wall;
	w->server_cores /= wall;
	w->other_cores = w->other_cores / wall - w->server_cores -
	    w->wrk_cores;
	if (w->other_cores < 0)
		w->other_cores = 0;
	(void)read_small(out, buf, sizeof(buf));
	if (!cl__bench_exited_ok(status) ||
	    (p = strstr(buf, "clbench requests=")) == NULL ||
	    sscanf(p, "clbench requests=%llu duration_us=%llu p50_us=%lf "
	    "p99_us=%lf max_us=%lf status=%llu connect=%llu read=%llu "
	    "write=%llu timeout=%llu", &req, &dur, &p50, &p99, &pmax, &st,
	    &e_conn, &e_read, &e_write, &e_to) != 10 || dur == 0)
		cl__bench_fail("wrk on %s failed (status %d): %.400s", what,
		    status, buf);
	if (st != 0)
		cl__bench_fail("%s: %llu answers of %llu were not 2xx", what,
		    st, req);
	w->requests = (double)req;
	w->rps = (double)req / ((double)dur / 1e6);
	w->p50_us = p50;
	w->p99_us = p99;
	w->max_us = pmax;
	w->sock_errors = (double)(e_conn + e_read + e_write + e_to);
	w->cpu_us_per_req = w->server_cores * wall * 1e6 / (double)req;
	if (w->sock_errors > 0)
		cl__bench_say("%s: socket errors: connect %llu, read %llu, "
		    "write %llu, timeout %llu", what, e_conn, e_read, e_write,
		    e_to);
}

/*
 * One more event of the stream into the node: the log grows, and every
 * answer the node keeps is void (they hold while the log does not).
 */
static void
grow_log(struct ctx *x)
{
	if (x->grown >= x->c.n)
		cl__bench_fail("the stream is too short to grow the log");
	(void)cl__bench_submit(&x->nd, &x->c, x->grown, x->grown + 1, 1, 1);
	x->grown++;
}

static void
measure_mix(struct ctx *x, enum mix m, size_t seconds, struct wres *w)
{
	double	a0, h0, a1, h1;

	if (m == MIX_COLD)
		grow_log(x);
	node_counters(x, &a0, &h0);
	wrk_run(x, x->script[m], x->http_port, x->nd.pid, seconds,
	    mix_names[m], w);
	node_counters(x, &a1, &h1);
	w->hit_share = a1 > a0 ? (h1 - h0) / (a1 - a0) : 0;
	if (m == MIX_COLD && w->hit_share > 0.01)
		cl__bench_say("cold: %.1f %% answer-cache hits: the walk came "
		    "round again (more --credentials)", 100 * w->hit_share);
}

static void
say_wres(const char *what, size_t i, size_t runs, const struct wres *w)
{
	cl__bench_say("%s %zu/%zu: %.0f requests/s, p50 %.0f µs, p99 %.0f "
	    "µs (server %.2f cores, %.0f µs CPU a request; wrk %.2f; other "
	    "%.2f)", what, i + 1, runs, w->rps, w->p50_us, w->p99_us,
	    w->server_cores, w->cpu_us_per_req, w->wrk_cores,
	    w->other_cores);
}

/* The report. */

/* The median over n runs of the double at off in one part's struct wres. */
static double
wmed(const struct run *r, size_t n, int part, size_t off)
{
	const struct wres	*w;
	double			 v[RUNS_MAX];
	size_t			 i;

	for (i = 0; i < n && i < RUNS_MAX; i++) {
		w = part < 0 ? &r[i].ceil : &r[i].mix[part];
		memcpy(&v[i], (const char *)w + off, sizeof(v[i]));
	}
	return cl__bench_median(v, i);
}
#define WMED(r, n, part, f)	wmed(r, n, part, offsetof(struct wres, f))

static const char *
met(bool ok)
{
	return ok ? "met" : "**missed**";
}

static void
row(FILE *f, const char *run, const struct wres *w, bool node,
    bool have_ceil, bool bold)
{
	const char	*b = bold ? "**" : "";

	fprintf(f, "| %s | %s%.0f%s | %.0f | %s%.0f%s | %.0f | %.2f | %.0f | "
	    "%.2f | %.2f |", run, b, w->rps, b, w->p50_us, b, w->p99_us, b,
	    w->max_us, w->server_cores, w->cpu_us_per_req, w->wrk_cores,
	    w->other_cores);
	if (node)
		fprintf(f, " %.1f %% |", 100 * w->hit_share);
	if (node && have_ceil)
		fprintf(f, " %s%.3f%s |", b, w->ratio, b);
	else if (node)
		fprintf(f, " — |");
	fputc('\n', f);
}

static void
median_of(const struct run *r, size_t n, int part, struct wres *m)
{
	memset(m, 0, sizeof(*m));
	m->rps = WMED(r, n, part, rps);
	m->p50_us = WMED(r, n, part, p50_us);
	m->p99_us = WMED(r, n, part, p99_us);
	m->max_us = WMED(r, n, part, max_us);
	m->server_cores = WMED(r, n, part, server_cores);
	m->cpu_us_per_req = WMED(r, n, part, cpu_us_per_req);
	m->wrk_cores = WMED(r, n, part, wrk_cores);
	m->other_cores = WMED(r, n, part, other_cores);
	m->hit_share = WMED(r, n, part, hit_share);
	m->ratio = WMED(r, n, part, ratio);
}

static void
table(FILE *f, const struct ctx *x, const struct run *r, int part,
    bool have_ceil)
{
	struct wres	m;
	char		name[24];
	size_t		i, n = x->o.runs;
	bool		node = part >= 0;

	fprintf(f, "| run | requests/s | p50 µs | p99 µs | max µs | %s CPU "
	    "(cores) | CPU µs a request | wrk CPU (cores) | other load "
	    "(cores) |%s%s\n", node ? "node" : "nginx",
	    node ? " answer-cache hits |" : "",
	    node ? " ÷ nginx, same run |" : "");
	fprintf(f, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|%s%s\n",
	    node ? "---:|" : "", node ? "---:|" : "");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%zu", i + 1);
		row(f, name, part < 0 ? &r[i].ceil : &r[i].mix[part], node,
		    have_ceil, false);
	}
	median_of(r, n, part, &m);
	row(f, "**median**", &m, node, have_ceil, true);
	fputc('\n', f);
}

static void
write_report(const struct ctx *x, const struct run *r, int argc,
    char **argv)
{
	const struct opts	*o = &x->o;
	char			 when[64], cpu[256];
	struct utsname		 u;
	struct wres		 m[MIX_CNT], mc;
	time_t			 tnow = time(NULL);
	bool			 have_ceil = x->nginx_why[0] == '\0';
	size_t			 n = o->runs, i;
	double			 sock_errors = 0;
	FILE			*f;
	int			 a, k;

	for (i = 0; i < n; i++) {
		sock_errors += r[i].ceil.sock_errors;
		for (k = 0; k < MIX_CNT; k++)
			sock_errors += r[i].mix[k].sock_errors;
	}

	if ((f = fopen(o->out, "w")) == NULL)
		cl__bench_fail("%s: %s", o->out, strerror(errno));
	uname(&u);
	cl__bench_cpu_model(cpu, sizeof(cpu));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&tnow));
	for (k = 0; k < MIX_CNT; k++)
		median_of(r, n, k, &m[k]);
	if (have_ceil)
		median_of(r, n, -1, &mc);
	fprintf(f, "# HTTP benchmark\n\n"
	    "Written by `credledger-bench http` on %s (%s %s, %s, %ld "
	    "cores)%s.  Command: `credledger-bench", when, u.sysname,
	    u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN), o->quick ?
	    ", **a --quick smoke run, not the report's figures**" : "");
	for (a = 0; a < argc; a++)
		fprintf(f, " %s", argv[a]);
	fprintf(f, "`.  The ceiling is measured in every run, on the same "
	    "machine, just before the figures divided by it (DESIGN §8: "
	    "single runs drift by up to 15 %%); runs: %zu, and the figures "
	    "are their medians.\n\n", n);

	fprintf(f, "## Method\n\n"
	    "- node: `credledger-node run --listen 127.0.0.1:0 --http "
	    "127.0.0.1:0` with its defaults, on a fresh data directory under "
	    "%s, holding %zu credentials (%zu events of `credledger-bench "
	    "store`'s stream: 16 ACCREDIT, 16 DEFINE, ISSUEs round-robin over "
	    "16 issuers, one REVOKE in twenty), ingested over the client "
	    "port at %.0f events/s before any clock starts; STATUS checked; "
	    "stopped with SIGTERM\n"
	    "- answers: %zu credentials spread over the ids fetched once "
	    "before the runs, each `200` with a `bundle` and `\"proof_"
	    "checked\": true` (%zu of them revoked): bodies %zu–%zu bytes, "
	    "median %zu, plus %zu bytes of status line and header fields\n"
	    "- load: %s, `wrk -t %zu -c %zu -d %zus --latency --timeout 10s "
	    "-s MIX.lua`: HTTP/1.1 keep-alive, one request in flight per "
	    "connection (no pipelining); a script the bench writes to the "
	    "scratch directory reads an id list, formats one `GET "
	    "/v1/credentials/{id}` per id at start and hands wrk one per "
	    "request; any answer that is not 2xx fails the bench; socket "
	    "errors (connect, read, write, timeout), all runs: %.0f; "
	    "p50/p99/max: wrk's latency, from sending a request "
	    "to reading its whole answer (wrk, not wrk2: no correction for "
	    "coordinated omission); one unmeasured %d s run against each "
	    "server first\n"
	    "- wrk threads: %zu (`--threads`).  The machine's %ld cores are "
	    "shared by wrk, the server and whatever else runs (*other "
	    "load*); the node answers HTTP on its one event-loop thread and "
	    "nginx runs one worker.  2 is the default because in trials on "
	    "this machine one wrk thread held the nginx ceiling down, and "
	    "the node did no worse with 2\n",
	    o->dir, x->id_cnt, x->events, x->ingest_rate, x->sampled,
	    x->revoked, x->body_min, x->body_max, x->body_med, x->head_ours,
	    x->wrk_ver, o->threads, o->conns, o->seconds, sock_errors, WARM_S,
	    o->threads, sysconf(_SC_NPROCESSORS_ONLN));
	if (have_ceil)
		fprintf(f, "- ceiling: %s, started by the bench as `nginx -p "
		    "DIR -c DIR/nginx.conf` (written to the scratch "
		    "directory: `daemon off; master_process off; "
		    "worker_processes 1;` `access_log off; keepalive_requests "
		    "100000000; open_file_cache; sendfile on;` and `try_files "
		    "/answer.json` for every path) on a free port, answering "
		    "the median answer above byte for byte (%zu bytes, plus "
		    "%zu of header fields), to the random mix's script: the "
		    "same requests, the same wrk, the same connections\n",
		    x->nginx_ver, x->ceil_len, x->head_nginx);
	else
		fprintf(f, "- ceiling: **not measured**: %s\n", x->nginx_why);
	fprintf(f, "- mixes, one wrk run each, in this order after the "
	    "ceiling: *random* — ids uniformly at random over all %zu "
	    "credentials; *cold* — all ids walked in a shuffled order, so "
	    "an id comes back only after %zu others and never from the "
	    "node's answer cache (4096 slots, an id's slot set by its first "
	    "bytes), and the log grows by one event of the stream just "
	    "before, which voids every kept answer; *hot* — %zu ids at "
	    "random, which that cache mostly holds (ids whose slots collide "
	    "evict each other); answer-cache hits: "
	    "`credledger_http_cache_hits_total` over the credential answers "
	    "with 200 (`/metrics`, read before and after each run)\n"
	    "- CPU: user + system time of the server process over the wrk "
	    "run / its length, in cores, and per request answered; wrk's "
	    "likewise; *other load*: the rest of the machine's busy time "
	    "(/proc/stat), work that was neither\n\n",
	    x->id_cnt, x->id_cnt - 1, o->hot);

	fprintf(f, "## Ceiling: nginx, the same answer as a static file\n\n");
	if (have_ceil)
		table(f, x, r, -1, have_ceil);
	else
		fprintf(f, "**Not measured**: %s.\n\n", x->nginx_why);
	for (k = 0; k < MIX_CNT; k++) {
		fprintf(f, "## Node, %s mix%s\n\n", mix_names[k],
		    k == MIX_RANDOM ? " (the target's)" : k == MIX_COLD ?
		    " (no answer-cache hits)" : " (the answer cache)");
		table(f, x, r, k, have_ceil);
	}

	fprintf(f, "## Target\n\n"
	    "Issue 6: ≥ %.0f requests/s with %zu keep-alive connections, "
	    "judged on the random mix — what verifiers do, each checking the "
	    "credential it was sent, over many more credentials than the "
	    "answer cache holds: %.0f requests/s, p99 %.0f µs: %s",
	    QPS_TARGET, o->conns, m[MIX_RANDOM].rps, m[MIX_RANDOM].p99_us,
	    met(m[MIX_RANDOM].rps >= QPS_TARGET));
	if (have_ceil)
		fprintf(f, "; %.3f of nginx's %.0f requests/s with the same "
		    "answer in the same runs", m[MIX_RANDOM].ratio, mc.rps);
	fprintf(f, ".\n\nThe other mixes: cold %.0f requests/s (%s), hot "
	    "%.0f requests/s (%s)",
	    m[MIX_COLD].rps, met(m[MIX_COLD].rps >= QPS_TARGET),
	    m[MIX_HOT].rps, met(m[MIX_HOT].rps >= QPS_TARGET));
	if (have_ceil)
		fprintf(f, "; ÷ nginx %.3f and %.3f", m[MIX_COLD].ratio,
		    m[MIX_HOT].ratio);
	fprintf(f, ".\n\nCPU per answer, which the rest of the machine's "
	    "load changes less than the rates: the node %.0f µs random, %.0f "
	    "µs cold, %.0f µs hot",
	    m[MIX_RANDOM].cpu_us_per_req, m[MIX_COLD].cpu_us_per_req,
	    m[MIX_HOT].cpu_us_per_req);
	if (have_ceil)
		fprintf(f, "; nginx %.0f µs", mc.cpu_us_per_req);
	fprintf(f, ".  With a whole core to itself the node's one loop thread "
	    "would answer at most ≈ %.0f requests/s random, %.0f cold, %.0f "
	    "hot.  Other load during the node's random runs: %.2f cores of "
	    "%ld (median).\n",
	    1e6 / m[MIX_RANDOM].cpu_us_per_req,
	    1e6 / m[MIX_COLD].cpu_us_per_req,
	    1e6 / m[MIX_HOT].cpu_us_per_req, m[MIX_RANDOM].other_cores,
	    sysconf(_SC_NPROCESSORS_ONLN));
	if (fclose(f) != 0)
		cl__bench_fail("%s: %s", o->out, strerror(errno));
	cl__bench_say("wrote %s", o->out);
}

/* When wrk cannot be had: the report says so, and nothing else. */
static void
write_unmeasured(const struct ctx *x, const char *why, int argc,
    char **argv)
{
	char	 when[64];
	time_t	 tnow = time(NULL);
	FILE	*f;
	int	 a;

	if ((f = fopen(x->o.out, "w")) == NULL)
		cl__bench_fail("%s: %s", x->o.out, strerror(errno));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&tnow));
	fprintf(f, "# HTTP benchmark\n\n"
	    "Written by `credledger-bench http` on %s.  Command: "
	    "`credledger-bench", when);
	for (a = 0; a < argc; a++)
		fprintf(f, " %s", argv[a]);
	fprintf(f, "`.\n\n**Not measured**: %s.  The load generator is wrk "
	    "(Debian package `wrk`); install it and run the command "
	    "again.\n", why);
	if (fclose(f) != 0)
		cl__bench_fail("%s: %s", x->o.out, strerror(errno));
	cl__bench_say("wrote %s", x->o.out);
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
	{ "credentials", offsetof(struct opts, creds), 1000, 5000000,
	    100000, 20000, "credentials in the node" },
	{ "conns", offsetof(struct opts, conns), 1, 1000, 50, 50,
	    "wrk -c: keep-alive connections" },
	{ "threads", offsetof(struct opts, threads), 1, 64, 2, 2,
	    "wrk -t" },
	{ "seconds", offsetof(struct opts, seconds), 1, 3600, 10, 3,
	    "wrk -d: seconds of each measurement" },
	{ "hot", offsetof(struct opts, hot), 1, 1000000, 1000, 1000,
	    "ids of the hot mix" },
	{ "runs", offsetof(struct opts, runs), 1, RUNS_MAX, 3, 1,
	    "repetitions (medians reported)" },
};
#define NUMOPTS	(sizeof(numopts) / sizeof(numopts[0]))

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: credledger-bench http [--quick] [--node-bin PATH] "
	    "[--dir DIR] [--out FILE]\n"
	    "           [--keep] [--no-install] [--N value ...]\n"
	    "Starts a credledger-node with an HTTP port and measures GET "
	    "/v1/credentials/{id}\nunder wrk, beside nginx serving an answer "
	    "of the same size; writes the\nreport (Markdown).  wrk and nginx "
	    "are installed with apt-get when missing.\n"
	    "  --quick          a small smoke run (the defaults in "
	    "brackets)\n"
	    "  --node-bin PATH  the node (default: ../node/credledger-node "
	    "next to this\n"
	    "                   program)\n"
	    "  --dir DIR        where the scratch directory goes (default "
	    "/var/tmp)\n"
	    "  --out FILE       the report (default bench/http.md)\n"
	    "  --keep           keep the scratch directory (data, logs, "
	    "scripts)\n"
	    "  --no-install     never run apt-get\n");
	for (i = 0; i < NUMOPTS; i++)
		fprintf(f, "  --%-15s %s (default %zu [%zu])\n",
		    numopts[i].name, numopts[i].help, numopts[i].full,
		    numopts[i].quick);
}

static int
parse_opts(struct opts *o, int argc, char **argv, char *node_bin)
{
	struct option	lo[NUMOPTS + 8];
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
	lo[i++] = (struct option){ "node-bin", required_argument, NULL, 'b' };
	lo[i++] = (struct option){ "dir", required_argument, NULL, 'd' };
	lo[i++] = (struct option){ "out", required_argument, NULL, 'o' };
	lo[i++] = (struct option){ "keep", no_argument, NULL, 'k' };
	lo[i++] = (struct option){ "no-install", no_argument, NULL, 'n' };
	lo[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	o->dir = "/var/tmp";
	o->out = "bench/http.md";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, &li)) != -1) {
		switch (c) {
		case 'q':
			o->quick = true;
			break;
		case 'b':
			o->node_bin = optarg;
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
		case 'n':
			o->no_install = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "credledger-bench http: %s needs a "
			    "value\n", argv[optind - 1]);
			return 2;
		case '?':
			fprintf(stderr, "credledger-bench http: unknown option "
			    "%s\n", argv[optind - 1]);
			return 2;
		default:
			i = (size_t)(c - 1000);
			if (cl_tool_parse_u64(optarg, numopts[i].max, &v) !=
			    CL_OK || v < numopts[i].min) {
				fprintf(stderr, "credledger-bench http: --%s: "
				    "'%s' is not a number from %llu to %llu\n",
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
		fprintf(stderr, "credledger-bench http: unexpected '%s'\n",
		    argv[optind]);
		return 2;
	}
	for (i = 0; i < NUMOPTS; i++)
		if (!set[i])
			*(size_t *)(void *)((char *)o + numopts[i].off) =
			    o->quick ? numopts[i].quick : numopts[i].full;
	if (o->hot > o->creds) {
		fprintf(stderr, "credledger-bench http: --hot %zu is over "
		    "--credentials %zu\n", o->hot, o->creds);
		return 2;
	}
	if (o->node_bin == NULL) {
		cl__bench_default_node_bin(node_bin);
		o->node_bin = node_bin;
	}
	if (access(o->node_bin, X_OK) != 0) {
		fprintf(stderr, "credledger-bench http: %s: %s (--node-bin)\n",
		    o->node_bin, strerror(errno));
		return 1;
	}
	return -1;
}

int
cl__bench_http(int argc, char **argv)
{
	static char		 node_bin[CL_BENCH_PATH_CAP];
	static struct ctx	 x;
	static const char *const extra[] = { "--http", "127.0.0.1:0", NULL };
	struct cl_wire_status	 st;
	struct run		*r;
	struct wres		 warm;
	char			 why[CL_BENCH_PATH_CAP + 256];
	size_t			 i, total;
	int			 rc, k;
	double			 secs;

	if ((rc = parse_opts(&x.o, argc, argv, node_bin)) >= 0)
		return rc;
	cl__bench_setup("bench http");
	if (snprintf(x.tmp, sizeof(x.tmp), "%s/credledger-bench-http-XXXXXX",
	    x.o.dir) >= (int)sizeof(x.tmp) || mkdtemp(x.tmp) == NULL)
		cl__bench_fail("mkdtemp under %s: %s", x.o.dir,
		    strerror(errno));
	cl__bench_keep_on_failure(x.tmp);
	cl__bench_say("scratch %s, node %s", x.tmp, x.o.node_bin);

	if (!find_or_install(&x, "wrk", "wrk", x.wrk, why, sizeof(why))) {
		cl__bench_say("not measured: %s", why);
		write_unmeasured(&x, why, argc, argv);
		cl__bench_keep_on_failure(NULL);
		if (!x.o.keep)
			cl__bench_rmtree(x.tmp);
		return 1;
	}
	version_of(&x, x.wrk, "-v", x.wrk_ver, sizeof(x.wrk_ver));
	if (find_or_install(&x, "nginx", "nginx-light", x.nginx, x.nginx_why,
	    sizeof(x.nginx_why))) {
		version_of(&x, x.nginx, "-v", x.nginx_ver,
		    sizeof(x.nginx_ver));
	} else {
		cl__bench_say("the ceiling is not measured: %s",
		    x.nginx_why);
	}
	cl__bench_say("%s; %s", x.wrk_ver, x.nginx_why[0] == '\0' ?
	    x.nginx_ver : "no nginx");

	/*
	 * one REVOKE in twenty: creds ISSUEs need creds * 20 / 19 + setup;
	 * and one event more for each cold run (grow_log())
	 */
	total = SETUP_EVENTS + x.o.creds * 20 / 19 + 20 + x.o.runs;
	cl__bench_say("signing %zu events (one core)", total);
	cl__bench_corpus_make(&x.c, total);
	index_issues(&x);
	cl__bench_path(x.genesis, x.tmp, "genesis.bin");
	write_file(x.genesis, x.c.genesis, x.c.genesis_len);
	write_mixes(&x);

	cl__bench_node_start(&x.nd, x.o.node_bin, x.tmp, "node", x.genesis,
	    extra);
	x.http_port = node_http_port(&x.nd);
	cl__bench_say("node: pid %ld, client port %u, HTTP port %u",
	    (long)x.nd.pid, (unsigned)ntohs(x.nd.client.sin_port),
	    (unsigned)x.http_port);
	(void)cl__bench_submit(&x.nd, &x.c, 0, SETUP_EVENTS, SETUP_EVENTS, 1);
	secs = cl__bench_submit(&x.nd, &x.c, SETUP_EVENTS, x.events, 2000, 4);
	x.ingest_rate = (double)(x.events - SETUP_EVENTS) / secs;
	x.grown = x.events;
	cl__bench_status(&x.nd, &st);
	if (st.credentials != x.id_cnt || st.log_size != x.events)
		cl__bench_fail("the node holds %llu credentials in %llu "
		    "events, not %zu in %zu", (unsigned long long)
		    st.credentials, (unsigned long long)st.log_size,
		    x.id_cnt, x.events);
	cl__bench_say("node: %zu credentials in %zu events (%.0f events/s)",
	    x.id_cnt, x.events, x.ingest_rate);
	sample_answers(&x);
	if (x.nginx_why[0] == '\0' && !nginx_start(&x))
		cl__bench_say("the ceiling is not measured: %s",
		    x.nginx_why);

	/* warm-up: page cache, allocators, connections; not counted */
	if (x.nginx_pid > 0)
		wrk_run(&x, x.script[MIX_RANDOM], x.nginx_port, x.nginx_pid,
		    WARM_S, "nginx warm-up", &warm);
	wrk_run(&x, x.script[MIX_RANDOM], x.http_port, x.nd.pid, WARM_S,
	    "node warm-up", &warm);

	r = cl__bench_calloc(x.o.runs, sizeof(*r));
	for (i = 0; i < x.o.runs; i++) {
		if (x.nginx_pid > 0) {
			wrk_run(&x, x.script[MIX_RANDOM], x.nginx_port,
			    x.nginx_pid, x.o.seconds, "nginx", &r[i].ceil);
			r[i].ceil_ok = true;
			say_wres("nginx", i, x.o.runs, &r[i].ceil);
		}
		for (k = 0; k < MIX_CNT; k++) {
			struct wres *w = &r[i].mix[k];

			measure_mix(&x, (enum mix)k, x.o.seconds, w);
			if (r[i].ceil_ok)
				w->ratio = w->rps / r[i].ceil.rps;
			say_wres(mix_names[k], i, x.o.runs, w);
			if (r[i].ceil_ok)
				cl__bench_say("  answer-cache hits %.1f %%, "
				    "÷ nginx %.3f", 100 * w->hit_share,
				    w->ratio);
			else
				cl__bench_say("  answer-cache hits %.1f %%",
				    100 * w->hit_share);
		}
	}
	nginx_stop(&x);
	cl__bench_node_stop(&x.nd);

	write_report(&x, r, argc, argv);
	if (x.o.keep) {
		cl__bench_say("scratch kept in %s", x.tmp);
	} else {
		cl__bench_keep_on_failure(NULL);
		cl__bench_rmtree(x.tmp);
	}
	free(r);
	free(x.ids);
	free(x.ceil_body);
	cl__bench_corpus_free(&x.c);
	return 0;
}
