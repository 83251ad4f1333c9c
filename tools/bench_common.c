/* SPDX-License-Identifier: Apache-2.0 */
/* Children, nodes, requests and limits the node benchmarks share. */
#include "bench_common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "event.h"
#include "genesis.h"
#include "ledger.h"
#include "wire.h"

static pid_t			 kids[CL_BENCH_KIDS_MAX];
static size_t			 kid_cnt;
static const char		*bench_name = "bench";
static const char		*keep_dir;
static volatile sig_atomic_t	 interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void
cl__bench_setup(const char *name)
{
	struct sigaction	sa;

	bench_name = name;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void
cl__bench_keep_on_failure(const char *dir)
{
	keep_dir = dir;
}

bool
cl__bench_interrupted(void)
{
	return interrupted != 0;
}

void
cl__bench_say(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", bench_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

uint64_t
cl__bench_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
cl__bench_sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
forget_kid(pid_t pid)
{
	size_t	i;

	for (i = 0; i < kid_cnt; i++)
		if (kids[i] == pid) {
			kids[i] = kids[--kid_cnt];
			return;
		}
}

int
cl__bench_stop(pid_t pid, int ms)
{
	int	st, i;

	forget_kid(pid);
	if (kill(pid, SIGTERM) != 0)
		return -1;
	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		cl__bench_sleep_ms(10);
	}
	fprintf(stderr, "%s: pid %ld did not stop in %d ms: SIGKILL\n",
	    bench_name, (long)pid, ms);
	kill(pid, SIGKILL);
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

void
cl__bench_fail(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "credledger-%s: ", bench_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	while (kid_cnt > 0)
		(void)cl__bench_stop(kids[kid_cnt - 1], 5000);
	if (keep_dir != NULL)
		fprintf(stderr, "credledger-%s: scratch kept in %s\n",
		    bench_name, keep_dir);
	exit(1);
}

void *
cl__bench_calloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size)) == NULL)
		cl__bench_fail("out of memory");
	return p;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
cl__bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
cl__bench_path(char *out, const char *dir, const char *name)
{
	if (snprintf(out, CL_BENCH_PATH_CAP, "%s/%s", dir, name) >=
	    CL_BENCH_PATH_CAP)
		cl__bench_fail("path too long: %s/%s", dir, name);
}

void
cl__bench_rmtree(const char *path)
{
	char		 sub[CL_BENCH_PATH_CAP];
	struct stat	 sb;
	struct dirent	*d;
	DIR		*dir;

	if (lstat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		(void)unlink(path);
		return;
	}
	if ((dir = opendir(path)) != NULL) {
		while ((d = readdir(dir)) != NULL) {
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path,
			    d->d_name) < (int)sizeof(sub))
				cl__bench_rmtree(sub);
		}
		closedir(dir);
	}
	if (rmdir(path) != 0)
		fprintf(stderr, "%s: could not remove %s: %s\n", bench_name,
		    path, strerror(errno));
}

bool
cl__bench_find_exec(const char *prog, char *out)
{
	const char	*path = getenv("PATH"), *p, *end;
	size_t		 n;

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n > 0 && snprintf(out, CL_BENCH_PATH_CAP, "%.*s/%s",
		    (int)n, p, prog) < CL_BENCH_PATH_CAP &&
		    access(out, X_OK) == 0)
			return true;
		if (*end == ':')
			end++;
	}
	return false;
}

void
cl__bench_default_node_bin(char *out)
{
	char	self[CL_BENCH_PATH_CAP], *slash;
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		cl__bench_fail("/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (snprintf(out, CL_BENCH_PATH_CAP, "%s/../node/credledger-node",
	    self) >= CL_BENCH_PATH_CAP)
		cl__bench_fail("path too long: %s", self);
}

void
cl__bench_cpu_model(char *out, size_t cap)
{
	char	line[512], *p;
	FILE	*f;

	snprintf(out, cap, "unknown CPU");
	if ((f = fopen("/proc/cpuinfo", "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "model name", 10) == 0 &&
		    (p = strchr(line, ':')) != NULL) {
			p += strspn(p + 1, " \t") + 1;
			p[strcspn(p, "\n")] = '\0';
			snprintf(out, cap, "%s", p);
			break;
		}
	fclose(f);
}

pid_t
cl__bench_spawn(char *const argv[], int in_fd, int out_fd, int err_fd)
{
	pid_t	pid;
	int	null;

	if (kid_cnt == CL_BENCH_KIDS_MAX)
		cl__bench_fail("too many children");
	if ((pid = fork()) < 0)
		cl__bench_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		if ((null = open("/dev/null", O_RDWR)) < 0)
			_exit(127);
		dup2(in_fd >= 0 ? in_fd : null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(err_fd >= 0 ? err_fd : null, 2);
		signal(SIGPIPE, SIG_DFL);	/* ignored here, not there */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	kids[kid_cnt++] = pid;
	return pid;
}

int
cl__bench_wait(pid_t pid)
{
	int	st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			cl__bench_fail("waitpid: %s", strerror(errno));
	forget_kid(pid);
	return st;
}

bool
cl__bench_exited_ok(int st)
{
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

double
cl__bench_proc_cpu(pid_t pid)
{
	char			 path[64], buf[2048], *p;
	unsigned long long	 ut = 0, st = 0;
	size_t			 n;
	FILE			*f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after the command's ")": state, 5 ints, 5 counters, utime, stime */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
	    "%llu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

double
cl__bench_machine_busy(void)
{
	unsigned long long	 v[8] = { 0 };
	FILE			*f;

	if ((f = fopen("/proc/stat", "r")) == NULL)
		return 0;
	/* cpu user nice system idle iowait irq softirq steal */
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		v[0] = v[1] = v[2] = v[7] = 0;
	fclose(f);
	return (double)(v[0] + v[1] + v[2] + v[7]) /
	    (double)sysconf(_SC_CLK_TCK);
}

double
cl__bench_self_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

void
cl__bench_write_all(int fd, const void *buf, size_t len, const char *what)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			cl__bench_fail("write to %s: %s", what,
			    strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
}

static int
open_log(const char *path)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0)
		cl__bench_fail("%s: %s", path, strerror(errno));
	return fd;
}

/* The port after key= in a ready line ("gossip=127.0.0.1:"), or 0. */
static uint16_t
ready_port(const char *line, const char *key)
{
	const char	*p = strstr(line, key);
	char		*end;
	unsigned long	 pn;

	if (p == NULL)
		return 0;
	p += strlen(key);
	pn = strtoul(p, &end, 10);
	if (end == p || (*end != ' ' && *end != '\n' && *end != '\0') ||
	    pn == 0 || pn > 65535)
		cl__bench_fail("a bad port after %s in: %s", key, line);
	return (uint16_t)pn;
}

void
cl__bench_node_start(struct cl__bench_node *nd, const char *bin,
    const char *dir, const char *name, const char *genesis,
    const char *const *extra)
{
	char		*argv[64], line[1024], *p;
	struct pollfd	 pfd;
	size_t		 len = 0, k = 0;
	ssize_t		 r;
	uint64_t	 deadline;
	int		 logfd, pp[2], st;

	memset(nd, 0, sizeof(*nd));
	cl__bench_path(nd->data, dir, name);
	if (snprintf(nd->log, sizeof(nd->log), "%s.log", nd->data) >=
	    (int)sizeof(nd->log))
		cl__bench_fail("path too long: %s", nd->data);
	logfd = open_log(nd->log);
	argv[0] = (char *)bin;
	argv[1] = "init";
	argv[2] = "--data";
	argv[3] = nd->data;
	argv[4] = "--genesis";
	argv[5] = (char *)genesis;
	argv[6] = NULL;
	if (!cl__bench_exited_ok(cl__bench_wait(cl__bench_spawn(argv, -1, -1,
	    logfd))))
		cl__bench_fail("%s init failed (see %s)", bin, nd->log);
	k = 1;
	argv[k++] = "run";
	argv[k++] = "--data";
	argv[k++] = nd->data;
	argv[k++] = "--listen";
	argv[k++] = "127.0.0.1:0";
	for (; extra != NULL && *extra != NULL; extra++) {
		if (k == sizeof(argv) / sizeof(argv[0]) - 1)
			cl__bench_fail("too many node arguments");
		argv[k++] = (char *)*extra;
	}
	argv[k] = NULL;
	if (pipe(pp) != 0)
		cl__bench_fail("pipe: %s", strerror(errno));
	fcntl(pp[0], F_SETFD, FD_CLOEXEC);
	nd->t_spawn_ns = cl__bench_now_ns();
	nd->pid = cl__bench_spawn(argv, -1, pp[1], logfd);
	close(pp[1]);
	close(logfd);
	deadline = cl__bench_now_ns() + (uint64_t)CL_BENCH_READY_MS * 1000000u;
	pfd.fd = pp[0];
	pfd.events = POLLIN;
	while (memchr(line, '\n', len) == NULL) {
		if (len == sizeof(line) - 1 || cl__bench_now_ns() > deadline)
			cl__bench_fail("no ready line from %s (see %s)", name,
			    nd->log);
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(pp[0], line + len, sizeof(line) - 1 - len);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			st = cl__bench_wait(nd->pid);
			cl__bench_fail("node %s exited (status %d) before it "
			    "was ready (see %s)", name, st, nd->log);
		}
		len += (size_t)r;
	}
	nd->t_ready_ns = cl__bench_now_ns();
	close(pp[0]);	/* the node prints nothing else to stdout */
	line[len] = '\0';
	/* ready client=127.0.0.1:PORT node=<hex> [gossip=...] [http=...] */
	if (strncmp(line, "ready client=127.0.0.1:", 23) != 0)
		cl__bench_fail("unexpected line from node %s: %s", name, line);
	nd->client.sin_family = AF_INET;
	nd->client.sin_port = htons(ready_port(line, "client=127.0.0.1:"));
	nd->client.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	nd->gossip_port = ready_port(line, " gossip=127.0.0.1:");
	if ((p = strstr(line, " node=")) == NULL ||
	    strspn(p + 6, "0123456789abcdef") != 64)
		cl__bench_fail("no node key in: %s", line);
	memcpy(nd->key, p + 6, 64);
	nd->key[64] = '\0';
}

void
cl__bench_node_stop(struct cl__bench_node *nd)
{
	int	st = cl__bench_stop(nd->pid, CL_BENCH_STOP_MS);

	if (!cl__bench_exited_ok(st))
		cl__bench_fail("node pid %ld did not exit cleanly: status %d "
		    "(see %s)", (long)nd->pid, st, nd->log);
	nd->pid = 0;
}

int
cl__bench_connect(const struct sockaddr_in *sa, bool nonblock)
{
	int	fd, one = 1, e;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		cl__bench_fail("socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (nonblock)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

void
cl__bench_rpc(const struct cl__bench_node *nd, const struct cl_req *q,
    uint8_t *buf, size_t cap, struct cl_resp *r)
{
	const char	*why = NULL;
	size_t		 len, got = 0;
	uint32_t	 plen = 0;
	ssize_t		 n;
	int		 fd;
	cl_err		 err;

	if ((fd = cl__bench_connect(&nd->client, false)) < 0)
		cl__bench_fail("connect to the node (see %s): %s", nd->log,
		    strerror(errno));
	if (cl_req_encode(q, buf, cap, &len) != CL_OK)
		cl__bench_fail("encoding a %s request", cl_op_name(q->op));
	cl__bench_write_all(fd, buf, len, "the node");
	while (plen == 0 || got < plen + CL_WIRE_HDR_LEN) {
		if ((n = read(fd, buf + got, cap - got)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			cl__bench_fail("no answer to %s (see %s)",
			    cl_op_name(q->op), nd->log);
		}
		got += (size_t)n;
		if (cl_wire_frame(buf, got, (uint32_t)(cap - CL_WIRE_HDR_LEN),
		    &plen) != CL_OK)
			cl__bench_fail("a bad %s answer", cl_op_name(q->op));
	}
	close(fd);
	err = cl_resp_decode(r, q->op, buf + CL_WIRE_HDR_LEN, plen, &why);
	if (err != CL_OK || r->code != CL_OK)
		cl__bench_fail("%s answer: %s %s", cl_op_name(q->op),
		    cl_strerror(err != CL_OK ? err : r->code),
		    why != NULL ? why : "");
}

void
cl__bench_status(const struct cl__bench_node *nd, struct cl_wire_status *st)
{
	static uint8_t	buf[65536];
	struct cl_req	q;
	struct cl_resp	r;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_STATUS;
	cl__bench_rpc(nd, &q, buf, sizeof(buf), &r);
	*st = r.u.status;
	cl_resp_free(&r);
}

void
cl__bench_peers(const struct cl__bench_node *nd, struct cl_resp *r)
{
	static uint8_t	buf[CL_WIRE_PEERS_MAX * 256 + 4096];
	struct cl_req	q;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_PEERS;
	cl__bench_rpc(nd, &q, buf, sizeof(buf), r);
}

/* SUBMIT answers, taken in order; every event must be accepted. */
struct submit_frame {
	uint8_t		*buf;
	size_t		 len;
	uint32_t	 cnt;
};

static void
take_answer(const struct cl__bench_node *nd, const uint8_t *p, size_t len,
    uint32_t want)
{
	struct cl_resp	 r;
	const char	*why = NULL;
	uint32_t	 i;
	cl_err		 err;

	if ((err = cl_resp_decode(&r, CL_OP_SUBMIT, p, len, &why)) != CL_OK)
		cl__bench_fail("a SUBMIT answer that does not decode: %s: %s",
		    cl_strerror(err), why != NULL ? why : "");
	if (r.code != CL_OK)
		cl__bench_fail("SUBMIT failed: %s: %.*s (see %s)",
		    cl_strerror(r.code), (int)r.msg_len,
		    r.msg != NULL ? r.msg : "", nd->log);
	if (r.u.submit.cnt != want)
		cl__bench_fail("%u results for %u events", r.u.submit.cnt,
		    want);
	for (i = 0; i < want; i++)
		if (r.u.submit.r[i].acc != CL_ACC_ACCEPTED)
			cl__bench_fail("an event not accepted: %s, %s",
			    cl_accept_name(r.u.submit.r[i].acc),
			    cl_strerror(r.u.submit.r[i].err));
	cl_resp_free(&r);
}

double
cl__bench_submit(const struct cl__bench_node *nd,
    const struct cl__bench_corpus *c, size_t from, size_t to, size_t batch,
    size_t depth)
{
	struct submit_frame	*fr;
	struct cl_req		 q;
	const uint8_t		**ev;
	uint8_t			*in;
	size_t			 nf, i, k, total, cap, in_len = 0, in_cap;
	size_t			 sent = 0, done = 0, off;
	uint64_t		 t0, t1;
	uint32_t		 plen;
	ssize_t			 r;
	int			 fd;

	if (to <= from)
		return 0;
	nf = (to - from + batch - 1) / batch;
	fr = cl__bench_calloc(nf, sizeof(*fr));
	ev = cl__bench_calloc(batch, sizeof(*ev));
	for (i = 0; i < nf; i++) {
		size_t b0 = from + i * batch, b1 = b0 + batch < to ? b0 + batch
		    : to;

		for (k = b0, total = 0; k < b1; k++) {
			ev[k - b0] = c->ev[k];
			total += c->len[k];
		}
		memset(&q, 0, sizeof(q));
		q.op = CL_OP_SUBMIT;
		q.ev_cnt = (uint32_t)(b1 - b0);
		q.ev = ev;
		q.ev_len = c->len + b0;
		cap = cl_req_frame_max(q.ev_cnt, total);
		fr[i].buf = cl__bench_calloc(1, cap);
		fr[i].cnt = q.ev_cnt;
		if (cl_req_encode(&q, fr[i].buf, cap, &fr[i].len) != CL_OK)
			cl__bench_fail("encoding a SUBMIT of %u events",
			    q.ev_cnt);
	}
	in_cap = 1 << 20;
	in = cl__bench_calloc(1, in_cap);
	if ((fd = cl__bench_connect(&nd->client, false)) < 0)
		cl__bench_fail("connect to the node (see %s): %s", nd->log,
		    strerror(errno));
	/* blocking writes of whole frames, depth ahead of the answers */
	t0 = cl__bench_now_ns();
	while (done < nf) {
		while (sent < nf && sent - done < depth) {
			cl__bench_write_all(fd, fr[sent].buf, fr[sent].len,
			    "the node");
			sent++;
		}
		if ((r = read(fd, in + in_len, in_cap - in_len)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			cl__bench_fail("the node closed the connection (see "
			    "%s)", nd->log);
		}
		in_len += (size_t)r;
		for (off = 0;;) {
			plen = 0;
			if (cl_wire_frame(in + off, in_len - off, CL_FRAME_MAX,
			    &plen) != CL_OK)
				cl__bench_fail("a bad answer frame");
			if (plen == 0 ||
			    in_len - off - CL_WIRE_HDR_LEN < plen)
				break;
			take_answer(nd, in + off + CL_WIRE_HDR_LEN, plen,
			    fr[done].cnt);
			done++;
			off += CL_WIRE_HDR_LEN + plen;
		}
		memmove(in, in + off, in_len - off);
		in_len -= off;
		if (plen + CL_WIRE_HDR_LEN > in_cap) {
			in_cap = plen + CL_WIRE_HDR_LEN;
			if ((in = realloc(in, in_cap)) == NULL)
				cl__bench_fail("out of memory");
		}
		if (cl__bench_interrupted())
			cl__bench_fail("interrupted");
	}
	t1 = cl__bench_now_ns();
	close(fd);
	for (i = 0; i < nf; i++)
		free(fr[i].buf);
	free(fr);
	free(ev);
	free(in);
	return (double)(t1 - t0) / 1e9;
}

void
cl__bench_vmsgs_make(struct cl__bench_vmsgs *vm,
    const struct cl__bench_corpus *c, size_t from, size_t n)
{
	struct cl_event	ev;
	size_t		i;

	if (from + n > c->n)
		n = from < c->n ? c->n - from : 0;
	vm->n = n;
	vm->msg = cl__bench_calloc(n, sizeof(*vm->msg));
	vm->len = cl__bench_calloc(n, sizeof(*vm->len));
	vm->sig = cl__bench_calloc(n, sizeof(*vm->sig));
	vm->pk = cl__bench_calloc(n, sizeof(*vm->pk));
	for (i = 0; i < n; i++) {
		if (cl_ev_decode(&ev, c->ev[from + i], c->len[from + i],
		    NULL) != CL_OK ||
		    (vm->len[i] = cl__bench_signed_msg(c->netid, &ev,
		    vm->msg[i], sizeof(vm->msg[i]))) == 0)
			cl__bench_fail("corpus event %zu", from + i);
		memcpy(vm->sig[i], ev.sig, CL_SIG_LEN);
		memcpy(vm->pk[i], ev.author, CL_PK_LEN);
		cl_ev_free(&ev);
	}
}

void
cl__bench_vmsgs_free(struct cl__bench_vmsgs *vm)
{
	free(vm->msg);
	free(vm->len);
	free(vm->sig);
	free(vm->pk);
	memset(vm, 0, sizeof(*vm));
}

struct vpart {
	const struct cl__bench_vmsgs	*vm;
	size_t				 from, to, ok;
};

static void *
verify_range(void *arg)
{
	struct vpart	*p = arg;
	size_t		 i;

	for (i = p->from; i < p->to; i++)
		p->ok += crypto_sign_verify_detached(p->vm->sig[i],
		    p->vm->msg[i], p->vm->len[i], p->vm->pk[i]) == 0;
	return NULL;
}

double
cl__bench_verify_limit(const struct cl__bench_vmsgs *vm, unsigned threads)
{
	struct vpart	part[16];
	pthread_t	th[16];
	size_t		k, ok = 0, n = vm->n;
	uint64_t	t0;

	if (threads == 0 || threads > 16 || n == 0)
		cl__bench_fail("verify limit: %u threads, %zu messages",
		    threads, n);
	t0 = cl__bench_now_ns();
	for (k = 0; k < threads; k++) {
		part[k].vm = vm;
		part[k].from = n * k / threads;
		part[k].to = n * (k + 1) / threads;
		part[k].ok = 0;
		if (pthread_create(&th[k], NULL, verify_range, &part[k]) != 0)
			cl__bench_fail("pthread_create");
	}
	for (k = 0; k < threads; k++) {
		pthread_join(th[k], NULL);
		ok += part[k].ok;
	}
	t0 = cl__bench_now_ns() - t0;
	if (ok != n)
		cl__bench_fail("verify limit: %zu of %zu signatures failed",
		    n - ok, n);
	return (double)n / ((double)t0 / 1e9);
}

/* The stream of many feeds. */

#define S(x)	((struct cl_str){ x, sizeof(x) - 1 })
#define T0_MS	1763900000000ull

void
cl__bench_define(struct cl_event *ev, struct cl_define *ach)
{
	ev->type = CL_EV_DEFINE;
	memset(ach, 0, sizeof(*ach));
	ev->body.define = ach;
	ach->title_cnt = 1;
	ach->title[0].lang = S("en");
	ach->title[0].text = S("Stage rigging fundamentals");
	ach->awarding_body = S("Bühnenschule Köln");
	ach->country = S("DE");
	ach->outcomes_cnt = 1;
	ach->outcomes[0] = S("Rig a truss safely");
	ach->ects = 250;
	ach->eqf = 4;
	ach->nqf = S("4");
	ach->assessment = S("practical exam");
	ach->participation = S("onsite");
	ach->quality_assurance = S("chamber of crafts");
}

struct issuer {
	uint8_t		 pk[32], sk[64], head[32], def[32], last[32];
	uint64_t	 seq;
	bool		 has_last;
};

struct signer {
	struct cl__bench_corpus	*c;
	struct issuer		*is;
	size_t			 issuers, n;
	unsigned		 revoke_every, t, threads;
	cl_err			 err;
};

static void
key_of(uint8_t *pk, uint8_t *sk, uint32_t n, uint32_t seed)
{
	uint8_t	s[32] = { 0 };

	memcpy(s, &n, sizeof(n));
	memcpy(s + 4, &seed, sizeof(seed));
	s[31] = 0xc1;
	crypto_sign_seed_keypair(pk, sk, s);
}

/* Sign ev as the next of a feed into slot j of the stream. */
static cl_err
sign_into(struct cl__bench_corpus *c, size_t j, struct cl_event *ev,
    const uint8_t *sk, uint64_t *seq, uint8_t *head)
{
	uint8_t	buf[CL_EVENT_MAX];
	size_t	len;
	cl_err	err;

	ev->seq = ++*seq;
	if (ev->seq > 1)
		memcpy(ev->prev, head, CL_ID_LEN);
	ev->time = T0_MS + j;
	if ((err = cl_ev_sign(ev, c->netid, sk, buf, sizeof(buf), &len,
	    head)) != CL_OK)
		return err;
	if ((c->ev[j] = malloc(len)) == NULL)
		return CL_ENOMEM;
	memcpy(c->ev[j], buf, len);
	c->len[j] = len;
	return CL_OK;
}

static void *
sign_feeds(void *arg)
{
	struct signer		*s = arg;
	struct cl__bench_corpus	*c = s->c;
	struct cl_event		 ev;
	struct cl_define	 ach;		/* a DEFINE's body */
	struct issuer		*is;
	size_t			 k, i, j, f = s->issuers;

	for (k = s->t; k < f && f + k < s->n; k += s->threads) {
		is = &s->is[k];
		cl_ev_init(&ev);
		cl__bench_define(&ev, &ach);
		if ((s->err = sign_into(c, f + k, &ev, is->sk, &is->seq,
		    is->head)) != CL_OK)
			return NULL;
		memcpy(is->def, is->head, 32);
	}
	for (j = 2 * f, i = 0; j < s->n; j++, i++) {
		k = i % f;
		if (k % s->threads != s->t)
			continue;
		is = &s->is[k];
		cl_ev_init(&ev);
		if (s->revoke_every != 0 &&
		    i % s->revoke_every == s->revoke_every - 1 &&
		    is->has_last) {
			ev.type = CL_EV_REVOKE;
			memcpy(ev.body.status.credential, is->last, 32);
			ev.body.status.reason_code = 1;
			ev.body.status.reason = S("issued in error");
			if ((s->err = sign_into(c, j, &ev, is->sk, &is->seq,
			    is->head)) != CL_OK)
				return NULL;
			is->has_last = false;
			continue;
		}
		ev.type = CL_EV_ISSUE;
		memcpy(ev.body.issue.achievement, is->def, 32);
		randombytes_buf(ev.body.issue.holder, 32);
		randombytes_buf(ev.body.issue.digest, 32);
		ev.body.issue.issued_at = T0_MS;
		ev.body.issue.valid_until = 1900000000000ull;
		ev.body.issue.supervision = CL_SUP_ONSITE_ID;
		ev.body.issue.grade = S("passed with distinction");
		ev.body.issue.local_ref = S("BSK-2026-000123");
		if ((s->err = sign_into(c, j, &ev, is->sk, &is->seq,
		    is->head)) != CL_OK)
			return NULL;
		memcpy(is->last, is->head, 32);
		is->has_last = true;
	}
	return NULL;
}

void
cl__bench_corpus_feeds(struct cl__bench_corpus *c, size_t n, size_t issuers,
    unsigned revoke_every, uint32_t seed, unsigned threads)
{
	struct cl_genesis	 g;
	struct cl_event		 ev;
	struct issuer		*is;
	struct signer		 sg[16];
	pthread_t		 th[16];
	uint8_t			 apk[32], ask[64], ahead[32];
	uint64_t		 aseq = 0;
	uint64_t		 t0 = cl__bench_now_ns();
	size_t			 k;
	unsigned		 t;
	cl_err			 err;

	if (issuers == 0 || threads == 0 || threads > 16)
		cl__bench_fail("a stream of %zu issuers on %u threads",
		    issuers, threads);
	memset(&g, 0, sizeof(g));
	memset(c, 0, sizeof(*c));
	key_of(apk, ask, 0, seed);
	g.version = CL_VERSION;
	g.name = S("bench");
	g.created = T0_MS;
	g.auth_cnt = 1;
	memcpy(g.auth[0].key, apk, 32);
	if (cl_genesis_encode(&g, c->genesis, sizeof(c->genesis),
	    &c->genesis_len, NULL) != CL_OK)
		cl__bench_fail("genesis");
	crypto_hash_sha256(c->netid, c->genesis, c->genesis_len);
	c->ev = cl__bench_calloc(n, sizeof(*c->ev));
	c->len = cl__bench_calloc(n, sizeof(*c->len));
	is = cl__bench_calloc(issuers, sizeof(*is));
	/* the authority's feed first: one feed is signed in order */
	for (k = 0; k < issuers && k < n; k++) {
		key_of(is[k].pk, is[k].sk, (uint32_t)k + 1, seed);
		cl_ev_init(&ev);
		ev.type = CL_EV_ACCREDIT;
		memcpy(ev.body.accredit.issuer, is[k].pk, 32);
		ev.body.accredit.org_id = S("DE-HWK-0042");
		ev.body.accredit.name = S("Bühnenschule Köln gGmbH");
		ev.body.accredit.country = S("DE");
		ev.body.accredit.from_seq = 1;
		if ((err = sign_into(c, k, &ev, ask, &aseq, ahead)) != CL_OK)
			cl__bench_fail("signing: %s", cl_strerror(err));
	}
	sodium_memzero(ask, sizeof(ask));
	for (t = 0; t < threads; t++) {
		sg[t] = (struct signer){ c, is, issuers, n, revoke_every, t,
		    threads, CL_OK };
		if (pthread_create(&th[t], NULL, sign_feeds, &sg[t]) != 0)
			cl__bench_fail("pthread_create");
	}
	for (t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
	for (t = 0; t < threads; t++)
		if (sg[t].err != CL_OK)
			cl__bench_fail("signing: %s", cl_strerror(sg[t].err));
	for (k = 0; k < issuers; k++)
		sodium_memzero(is[k].sk, sizeof(is[k].sk));
	free(is);
	c->n = n;
	for (k = 0; k < n; k++)
		if (c->ev[k] == NULL)
			cl__bench_fail("stream slot %zu was not signed", k);
	cl__bench_say("signed %zu events of %zu issuers on %u threads in "
	    "%.1f s", n, issuers, threads,
	    (double)(cl__bench_now_ns() - t0) / 1e9);
}
