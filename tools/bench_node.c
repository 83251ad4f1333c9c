/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger-bench node: a credledger-node process, started here in a
 * scratch directory, measured over its client port beside limits measured
 * in the same run (DESIGN §8):
 *
 * 1. ingest: pre-signed events pushed as pipelined SUBMITs over a few
 *    connections, as a ratio to crypto_sign_verify_detached on 2 threads
 *    over the same signed messages;
 * 2. queries: CREDENTIAL by random ISSUE id from many pipelined
 *    connections, as a ratio to redis-benchmark GET of 1 KB values against
 *    a redis-server started here;
 * 3. memory: the node's resident memory outside LMDB's map after ingest
 *    and queries, read from /proc/PID/smaps.
 *
 * The load generator is one thread: epoll over nonblocking sockets, each
 * with a fixed number of requests in flight.  Children (the node, redis)
 * are stopped by PID on every way out.
 */
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "event.h"
#include "ledger.h"
#include "status.h"
#include "util.h"
#include "wire.h"

#define PATH_CAP	4096	/* bytes of a path we build */
#define SETUP_EVENTS	(2 * CL_BENCH_ISSUERS)	/* ACCREDITs, DEFINEs */
#define FEEDS_MAX	(CL_BENCH_ISSUERS + 1)	/* and the authority */
#define VERIFY_THREADS	2			/* the machine's cores */
#define VERIFY_MSGS	60000	/* messages of one verify measurement */
#define QFRAME_MAX	64	/* bytes of a CREDENTIAL request frame */
#define IN_START	(256 * 1024)	/* read buffer of a connection */
#define IOV_BATCH	64	/* frames of one writev */
#define READY_MS	60000	/* for the node's ready line */
#define STOP_MS		30000	/* for a child to exit after SIGTERM */
#define REDIS_SET_BATCH	1000	/* SETs in flight while filling redis */
#define REDIS_VALUE	1024	/* bytes of a redis value */
#define MEM_TARGET	(64.0 * 1024 * 1024)
#define INGEST_TARGET	0.7
#define QPS_TARGET	50000.0
#define P99_TARGET_US	5000.0

struct opts {
	size_t		 events;	/* ingest: events pushed */
	size_t		 conns;		/* ingest: connections */
	size_t		 batch;		/* ingest: events per SUBMIT */
	size_t		 depth;		/* ingest: SUBMITs in flight */
	size_t		 creds;		/* queries: ISSUEs in the node */
	size_t		 qconns;	/* queries: connections */
	size_t		 qdepth;	/* queries: requests in flight */
	size_t		 seconds;	/* queries: measured, per run */
	size_t		 mem_events;	/* memory: events in the node */
	size_t		 runs;		/* repetitions; medians reported */
	size_t		 redis_reqs;	/* redis-benchmark -n */
	const char	*node_bin;
	const char	*dir;
	const char	*out;
	bool		 quick;
	bool		 keep;		/* the scratch directory, logs */
};

/* What the decode pass learns of each event. */
struct evinfo {
	uint8_t		 id[CL_ID_LEN];
	uint8_t		 type;
	uint8_t		 feed;		/* its author, in ctx.feeds */
};

/* Signed messages for the verify limit, as the node verifies them. */
struct vmsgs {
	uint8_t		(*msg)[CL_BENCH_MSG_MAX];
	size_t		*len;
	uint8_t		(*sig)[CL_SIG_LEN];
	uint8_t		(*pk)[CL_PK_LEN];
	size_t		 n;
};

struct ctx {
	struct opts		 o;
	struct cl__bench_corpus	 c;
	struct evinfo		*info;
	uint8_t			 feeds[FEEDS_MAX][CL_PK_LEN];
	size_t			 feed_cnt;
	struct vmsgs		 vm;
	uint8_t			(*issues)[CL_ID_LEN];	/* in stream order */
	size_t			 issue_cnt;
	char			 tmp[PATH_CAP];		/* scratch */
	char			 genesis[PATH_CAP];
};

/* A running node. */
struct node {
	pid_t			 pid;
	char			 data[PATH_CAP];
	char			 log[PATH_CAP];
	struct sockaddr_in	 addr;
};

/* Over a phase: CPU of the node and of the bench, the node's writes. */
struct cpu {
	double		 wall, node0, self0, disk0, busy0;
	double		 node_cores, self_cores;
	double		 other_cores;	/* the rest of the machine's load */
	double		 disk_bytes;	/* written to the data's disk */
};

static pid_t			 kids[4];	/* started here: stopped */
static size_t			 kid_cnt;
static const char		*keep_dir;	/* left for a look on failure */
static volatile sig_atomic_t	 interrupted;

static void	fail(const char *, ...) CL_PRINTF(1, 2);
static void	progress(const char *, ...) CL_PRINTF(1, 2);

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static double
secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
progress(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("bench node: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
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

/* SIGTERM, then SIGKILL after ms; the exit status, or -1. */
static int
stop_kid(pid_t pid, int ms)
{
	int	st, i;

	forget_kid(pid);
	if (kill(pid, SIGTERM) != 0)
		return -1;
	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		sleep_ms(10);
	}
	fprintf(stderr, "bench node: pid %ld did not stop in %d ms: "
	    "SIGKILL\n", (long)pid, ms);
	kill(pid, SIGKILL);
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

/* Report, stop every child by its PID, and exit 1. */
static void
fail(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("credledger-bench node: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	while (kid_cnt > 0)
		(void)stop_kid(kids[kid_cnt - 1], 5000);
	if (keep_dir != NULL)
		fprintf(stderr, "credledger-bench node: scratch kept in %s\n",
		    keep_dir);
	exit(1);
}

static void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size)) == NULL)
		fail("out of memory");
	return p;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of n values (n >= 1); v is sorted in place. */
static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Remove a directory tree we made (no symlinks are followed). */
static void
rmtree(const char *path)
{
	char		 sub[PATH_CAP];
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
				rmtree(sub);
		}
		closedir(dir);
	}
	if (rmdir(path) != 0)
		fprintf(stderr, "bench node: could not remove %s: %s\n", path,
		    strerror(errno));
}

static void
path_join(char *out, const char *dir, const char *name)
{
	if (snprintf(out, PATH_CAP, "%s/%s", dir, name) >= PATH_CAP)
		fail("path too long: %s/%s", dir, name);
}

/* CPU seconds (user + system) of process pid, from /proc/PID/stat. */
static double
proc_cpu(pid_t pid)
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

/*
 * The block device the scratch directory is on, whose writes the ingest
 * counts: what reaches the disk, LMDB's pages as fdatasync(2) flushes
 * them, rather than what the node hands write(2).  The device's count is
 * of the whole machine: on a quiet one, the node's.
 */
static char	disk_stat[64];

static void
disk_find(const char *dir)
{
	struct stat	sb;

	if (stat(dir, &sb) == 0)
		snprintf(disk_stat, sizeof(disk_stat),
		    "/sys/dev/block/%u:%u/stat", major(sb.st_dev),
		    minor(sb.st_dev));
}

/* Bytes written to that device so far (sectors of 512 bytes). */
static double
proc_disk(pid_t pid)
{
	unsigned long long	 f[7];
	FILE			*fp;
	int			 n;

	(void)pid;
	if (disk_stat[0] == '\0' || (fp = fopen(disk_stat, "r")) == NULL)
		return 0;
	n = fscanf(fp, "%llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
	    &f[2], &f[3], &f[4], &f[5], &f[6]);
	fclose(fp);
	return n == 7 ? (double)f[6] * 512 : 0;
}

/*
 * CPU seconds the whole machine ran processes or was stolen by the
 * hypervisor (/proc/stat: user, nice, system, steal).  Interrupts and
 * softirqs are left out: the loopback TCP traffic of the node and the
 * bench is accounted there, not to the processes.
 */
static double
machine_busy(void)
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

static double
self_cpu(int who)
{
	struct rusage	ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
cpu_begin(struct cpu *c, pid_t pid)
{
	memset(c, 0, sizeof(*c));
	c->node0 = proc_cpu(pid);
	c->self0 = self_cpu(RUSAGE_SELF);
	c->disk0 = proc_disk(pid);
	c->busy0 = machine_busy();
	c->wall = secs(now_ns());
}

static void
cpu_end(struct cpu *c, pid_t pid)
{
	double	wall = secs(now_ns()) - c->wall;

	c->node_cores = (proc_cpu(pid) - c->node0) / wall;
	c->disk_bytes = proc_disk(pid) - c->disk0;
	c->other_cores = (machine_busy() - c->busy0) / wall - c->node_cores -
	    c->self_cores;
	if (c->other_cores < 0)
		c->other_cores = 0;
	c->self_cores = (self_cpu(RUSAGE_SELF) - c->self0) / wall;
}

/* Children. */

static pid_t
spawn(char *const argv[], int out_fd, int err_fd)
{
	pid_t	pid;
	int	null;

	if (kid_cnt == sizeof(kids) / sizeof(kids[0]))
		fail("too many children");
	if ((pid = fork()) < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		if ((null = open("/dev/null", O_RDWR)) < 0)
			_exit(127);
		dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(err_fd >= 0 ? err_fd : null, 2);
		signal(SIGPIPE, SIG_DFL);	/* ignored here, not there */
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	kids[kid_cnt++] = pid;
	return pid;
}

/* Wait for a child to exit by itself; its exit status. */
static int
wait_kid(pid_t pid)
{
	int	st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail("waitpid: %s", strerror(errno));
	forget_kid(pid);
	return st;
}

static bool
exited_ok(int st)
{
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The executable prog on PATH, into out; false if there is none. */
static bool
find_exec(const char *prog, char *out)
{
	const char	*path = getenv("PATH"), *p, *end;
	size_t		 n;

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n > 0 && snprintf(out, PATH_CAP, "%.*s/%s", (int)n, p,
		    prog) < PATH_CAP && access(out, X_OK) == 0)
			return true;
		if (*end == ':')
			end++;
	}
	return false;
}

static int
open_log(const char *path)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0)
		fail("%s: %s", path, strerror(errno));
	return fd;
}

/* init a data directory, run the node, wait for its ready line. */
static void
node_start(struct ctx *x, struct node *nd, const char *name)
{
	char		*argv[8], line[512], *p, *end;
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 r;
	uint64_t	 deadline;
	unsigned long	 pn;
	int		 logfd, pp[2], st;

	memset(nd, 0, sizeof(*nd));
	path_join(nd->data, x->tmp, name);
	if (snprintf(nd->log, sizeof(nd->log), "%s.log", nd->data) >=
	    (int)sizeof(nd->log))
		fail("path too long: %s", nd->data);
	logfd = open_log(nd->log);
	argv[0] = (char *)x->o.node_bin;
	argv[1] = "init";
	argv[2] = "--data";
	argv[3] = nd->data;
	argv[4] = "--genesis";
	argv[5] = x->genesis;
	argv[6] = NULL;
	if (!exited_ok(wait_kid(spawn(argv, -1, logfd))))
		fail("%s init failed (see %s)", x->o.node_bin, nd->log);
	if (pipe(pp) != 0)
		fail("pipe: %s", strerror(errno));
	fcntl(pp[0], F_SETFD, FD_CLOEXEC);
	argv[1] = "run";
	argv[4] = "--listen";
	argv[5] = "127.0.0.1:0";
	argv[6] = NULL;
	nd->pid = spawn(argv, pp[1], logfd);
	close(pp[1]);
	close(logfd);
	deadline = now_ns() + (uint64_t)READY_MS * 1000000u;
	pfd.fd = pp[0];
	pfd.events = POLLIN;
	while (memchr(line, '\n', len) == NULL) {
		if (len == sizeof(line) - 1 || now_ns() > deadline)
			fail("no ready line from the node (see %s)", nd->log);
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(pp[0], line + len, sizeof(line) - 1 - len);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			st = wait_kid(nd->pid);
			fail("the node exited (status %d) before it was ready "
			    "(see %s)", st, nd->log);
		}
		len += (size_t)r;
	}
	close(pp[0]);	/* the node prints nothing else to stdout */
	line[len] = '\0';
	/* ready client=127.0.0.1:PORT node=<hex> */
	if (strncmp(line, "ready client=127.0.0.1:", 23) != 0)
		fail("unexpected line from the node: %s", line);
	p = line + 23;
	pn = strtoul(p, &end, 10);
	if (end == p || *end != ' ' || pn == 0 || pn > 65535)
		fail("no port in the node's line: %s", line);
	nd->addr.sin_family = AF_INET;
	nd->addr.sin_port = htons((uint16_t)pn);
	nd->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	progress("node %s: pid %ld, port %lu", name, (long)nd->pid, pn);
}

static void
node_stop(struct node *nd)
{
	int	st = stop_kid(nd->pid, STOP_MS);

	if (!exited_ok(st))
		fail("the node (pid %ld) did not exit cleanly: status %d "
		    "(see %s)", (long)nd->pid, st, nd->log);
}

static int
tcp_connect(const struct sockaddr_in *sa, bool nonblock)
{
	int	fd, one = 1, e;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		fail("socket: %s", strerror(errno));
	fcntl(fd, F_SETFD, FD_CLOEXEC);
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

/*
 * The load generator: connections with up to depth requests each in
 * flight, written with writev, answers taken in order.  One thread.
 */
struct slot {
	uint8_t		*p;		/* the frame: borrowed */
	size_t		 len;
	uint64_t	 t_ns;		/* when it was queued to send */
	size_t		 tag;		/* the load's: which frame */
};

struct lconn {
	int		 fd;
	struct slot	*ring;		/* depth slots; k at k % depth */
	uint8_t		*qbuf;		/* depth * QFRAME_MAX bytes */
	uint64_t	 sent, written, answered;
	size_t		 wr_off;	/* bytes of slot "written" out */
	uint8_t		*in;
	size_t		 in_len, in_cap;
	bool		 pollout;
	size_t		 frame_next, frame_end;	/* ingest */
};

struct load {
	int		 ep;
	struct lconn	*c;
	size_t		 n;
	size_t		 depth;
	bool		 sending;	/* false: no new requests */
	uint64_t	 pending;	/* queued, not answered */
	const char	*log;		/* the node's, for messages */
	bool		(*next)(struct load *, struct lconn *, struct slot *);
	void		(*answer)(struct load *, struct lconn *,
			    const struct slot *, const uint8_t *, size_t,
			    uint64_t);
	void		*arg;
};

static void
load_open(struct load *l, const struct node *nd, size_t n, size_t depth)
{
	struct epoll_event	 ev;
	size_t			 i;

	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0)
		fail("epoll_create1: %s", strerror(errno));
	l->c = xcalloc(n, sizeof(*l->c));
	l->n = n;
	l->depth = depth;
	l->log = nd->log;
	for (i = 0; i < n; i++) {
		struct lconn *c = &l->c[i];

		if ((c->fd = tcp_connect(&nd->addr, true)) < 0)
			fail("connect to the node: %s", strerror(errno));
		c->ring = xcalloc(depth, sizeof(*c->ring));
		c->qbuf = xcalloc(depth, QFRAME_MAX);
		c->in = xcalloc(1, IN_START);
		c->in_cap = IN_START;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(l->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
			fail("epoll_ctl: %s", strerror(errno));
	}
}

static void
load_close(struct load *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		close(l->c[i].fd);
		free(l->c[i].ring);
		free(l->c[i].qbuf);
		free(l->c[i].in);
	}
	free(l->c);
	close(l->ep);
	l->c = NULL;
	l->n = 0;
}

static void
lconn_fill(struct load *l, struct lconn *c)
{
	struct slot	*s;
	uint64_t	 now = now_ns();

	while (l->sending && c->sent - c->answered < l->depth) {
		s = &c->ring[c->sent % l->depth];
		if (!l->next(l, c, s))
			break;
		s->t_ns = now;
		c->sent++;
		l->pending++;
	}
}

static void
lconn_flush(struct load *l, struct lconn *c)
{
	struct epoll_event	 ev;
	struct iovec		 iov[IOV_BATCH];
	struct slot		*s;
	uint64_t		 k;
	size_t			 n, off, left, w;
	ssize_t			 r;
	bool			 want;

	while (c->written < c->sent) {
		for (n = 0, k = c->written; k < c->sent && n < IOV_BATCH;
		    k++, n++) {
			s = &c->ring[k % l->depth];
			off = k == c->written ? c->wr_off : 0;
			iov[n].iov_base = s->p + off;
			iov[n].iov_len = s->len - off;
		}
		if ((r = writev(c->fd, iov, (int)n)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			fail("write to the node: %s (see %s)",
			    strerror(errno), l->log);
		}
		for (w = (size_t)r; w > 0;) {
			s = &c->ring[c->written % l->depth];
			left = s->len - c->wr_off;
			if (w < left) {
				c->wr_off += w;
				break;
			}
			w -= left;
			c->wr_off = 0;
			c->written++;
		}
	}
	want = c->written < c->sent;
	if (want != c->pollout) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | (want ? EPOLLOUT : 0);
		ev.data.ptr = c;
		if (epoll_ctl(l->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
			fail("epoll_ctl: %s", strerror(errno));
		c->pollout = want;
	}
}

static void
lconn_read(struct load *l, struct lconn *c)
{
	const struct slot	*s;
	uint32_t		 plen = 0;
	uint64_t		 now;
	size_t			 off = 0;
	ssize_t			 r;
	cl_err			 err;

	r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
	if (r == 0)
		fail("the node closed a connection (see %s)", l->log);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		fail("read from the node: %s (see %s)", strerror(errno),
		    l->log);
	}
	c->in_len += (size_t)r;
	now = now_ns();
	for (;;) {
		err = cl_wire_frame(c->in + off, c->in_len - off, CL_FRAME_MAX,
		    &plen);
		if (err != CL_OK)
			fail("a bad answer frame: %s", cl_strerror(err));
		if (plen == 0 || c->in_len - off - CL_WIRE_HDR_LEN < plen)
			break;
		if (c->answered == c->written)
			fail("an answer to no request");
		s = &c->ring[c->answered % l->depth];
		l->answer(l, c, s, c->in + off + CL_WIRE_HDR_LEN, plen, now);
		c->answered++;
		l->pending--;
		off += CL_WIRE_HDR_LEN + plen;
		plen = 0;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	if ((size_t)plen + CL_WIRE_HDR_LEN > c->in_cap) {
		c->in_cap = (size_t)plen + CL_WIRE_HDR_LEN;
		if ((c->in = realloc(c->in, c->in_cap)) == NULL)
			fail("out of memory");
	}
	lconn_fill(l, c);
	lconn_flush(l, c);
}

static void
load_start(struct load *l)
{
	size_t	i;

	l->sending = true;
	for (i = 0; i < l->n; i++) {
		lconn_fill(l, &l->c[i]);
		lconn_flush(l, &l->c[i]);
	}
}

static void
load_step(struct load *l, int timeout_ms)
{
	struct epoll_event	 ev[64];
	struct lconn		*c;
	int			 n, i;

	if (interrupted)
		fail("interrupted");
	if ((n = epoll_wait(l->ep, ev, 64, timeout_ms)) < 0) {
		if (errno == EINTR)
			return;
		fail("epoll_wait: %s", strerror(errno));
	}
	for (i = 0; i < n; i++) {
		c = ev[i].data.ptr;
		if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			lconn_read(l, c);
		if (ev[i].events & EPOLLOUT)
			lconn_flush(l, c);
	}
}

/* Ingest: whole feeds per connection, in stream order. */

struct frame {
	uint8_t		*buf;
	size_t		 len;
	const size_t	*idx;		/* its events' stream positions */
	uint32_t	 cnt;
};

struct ingest {
	struct ctx	*x;
	struct frame	*frames;
	size_t		 frame_cnt;
	uint64_t	 last_ns;	/* the last answer */
	size_t		 ok;		/* events accepted */
};

static bool
ingest_next(struct load *l, struct lconn *c, struct slot *s)
{
	struct ingest	*g = l->arg;
	struct frame	*f;

	if (c->frame_next == c->frame_end)
		return false;
	f = &g->frames[c->frame_next];
	s->p = f->buf;
	s->len = f->len;
	s->tag = c->frame_next++;
	return true;
}

static void
ingest_answer(struct load *l, struct lconn *c, const struct slot *s,
    const uint8_t *p, size_t len, uint64_t now)
{
	struct ingest		*g = l->arg;
	const struct frame	*f = &g->frames[s->tag];
	struct cl_resp		 r;
	const char		*why = NULL;
	uint32_t		 i;
	cl_err			 err;

	(void)c;
	if ((err = cl_resp_decode(&r, CL_OP_SUBMIT, p, len, &why)) != CL_OK)
		fail("a SUBMIT answer that does not decode: %s: %s",
		    cl_strerror(err), why != NULL ? why : "");
	if (r.code != CL_OK)
		fail("SUBMIT failed: %s: %.*s", cl_strerror(r.code),
		    (int)r.msg_len, r.msg != NULL ? r.msg : "");
	if (r.u.submit.cnt != f->cnt)
		fail("%u results for %u events", r.u.submit.cnt, f->cnt);
	for (i = 0; i < f->cnt; i++) {
		const struct cl_wire_result *w = &r.u.submit.r[i];
		size_t j = f->idx[i];

		if (w->acc != CL_ACC_ACCEPTED)
			fail("event %zu (%s) not accepted: %s, %s%s%.*s", j,
			    cl_ev_type_name(g->x->info[j].type),
			    cl_accept_name(w->acc), cl_strerror(w->err),
			    w->field != NULL ? " at " : "", (int)w->field_len,
			    w->field != NULL ? w->field : "");
		if (memcmp(w->id, g->x->info[j].id, CL_ID_LEN) != 0)
			fail("event %zu: the node's id is not ours", j);
	}
	g->ok += f->cnt;
	g->last_ns = now;
	cl_resp_free(&r);
}

static void
frame_encode(const struct ctx *x, struct frame *f, const size_t *idx,
    uint32_t cnt)
{
	const uint8_t	**ev = xcalloc(cnt, sizeof(*ev));
	size_t		 *ev_len = xcalloc(cnt, sizeof(*ev_len));
	struct cl_req	  r;
	size_t		  total = 0, cap;
	uint32_t	  i;
	cl_err		  err;

	for (i = 0; i < cnt; i++) {
		ev[i] = x->c.ev[idx[i]];
		ev_len[i] = x->c.len[idx[i]];
		total += ev_len[i];
	}
	memset(&r, 0, sizeof(r));
	r.op = CL_OP_SUBMIT;
	r.ev_cnt = cnt;
	r.ev = ev;
	r.ev_len = ev_len;
	cap = cl_req_frame_max(cnt, total);
	f->buf = xcalloc(1, cap);
	if ((err = cl_req_encode(&r, f->buf, cap, &f->len)) != CL_OK)
		fail("encoding a SUBMIT of %u events: %s", cnt,
		    cl_strerror(err));
	f->idx = idx;
	f->cnt = cnt;
	free(ev);
	free(ev_len);
}

/*
 * Send events [from, to) of the stream over conns connections, batch
 * events a SUBMIT, depth SUBMITs in flight on each; wait for every answer
 * and check that every event was accepted.  The feeds are dealt to the
 * connections (feed % conns), so each feed's events go in order over one
 * connection.  Returns the seconds from the first send to the last answer.
 */
static double
push_events(struct ctx *x, const struct node *nd, size_t from, size_t to,
    size_t conns, size_t batch, size_t depth, struct cpu *cpu)
{
	struct ingest	 g;
	struct load	 l;
	size_t		*idx, *first, *fill, *fnext, i, k, n = to - from, m;
	uint64_t	 t0;

	memset(&g, 0, sizeof(g));
	memset(&l, 0, sizeof(l));
	g.x = x;
	idx = xcalloc(n, sizeof(*idx));
	first = xcalloc(conns + 1, sizeof(*first));
	fill = xcalloc(conns, sizeof(*fill));
	fnext = xcalloc(conns + 1, sizeof(*fnext));
	for (i = from; i < to; i++)
		first[x->info[i].feed % conns + 1]++;
	for (k = 0; k < conns; k++) {
		first[k + 1] += first[k];
		fill[k] = first[k];
		g.frame_cnt += (first[k + 1] - first[k] + batch - 1) / batch;
	}
	for (i = from; i < to; i++)
		idx[fill[x->info[i].feed % conns]++] = i;
	g.frames = xcalloc(g.frame_cnt, sizeof(*g.frames));
	for (k = 0, m = 0; k < conns; k++) {
		fnext[k] = m;
		for (i = first[k]; i < first[k + 1]; i += batch, m++)
			frame_encode(x, &g.frames[m], idx + i, (uint32_t)
			    (first[k + 1] - i < batch ? first[k + 1] - i :
			    batch));
	}
	fnext[conns] = m;
	load_open(&l, nd, conns, depth);
	l.next = ingest_next;
	l.answer = ingest_answer;
	l.arg = &g;
	for (k = 0; k < conns; k++) {
		l.c[k].frame_next = fnext[k];
		l.c[k].frame_end = fnext[k + 1];
	}
	if (cpu != NULL)
		cpu_begin(cpu, nd->pid);
	t0 = now_ns();
	load_start(&l);
	while (l.pending > 0)
		load_step(&l, 1000);
	if (cpu != NULL)
		cpu_end(cpu, nd->pid);
	load_close(&l);
	if (g.ok != n)
		fail("%zu of %zu events answered", g.ok, n);
	for (m = 0; m < g.frame_cnt; m++)
		free(g.frames[m].buf);
	free(g.frames);
	free(idx);
	free(first);
	free(fill);
	free(fnext);
	return secs(g.last_ns - t0);
}

/*
 * Events [from, to) into the node: the ACCREDITs and DEFINEs first, in one
 * SUBMIT that is answered before the rest is sent.  The events/s of the
 * rest.
 */
static double
ingest(struct ctx *x, const struct node *nd, size_t from, size_t to,
    struct cpu *cpu)
{
	double	t;

	if (from < SETUP_EVENTS) {
		(void)push_events(x, nd, from, SETUP_EVENTS, 1, SETUP_EVENTS, 1,
		    NULL);
		from = SETUP_EVENTS;
	}
	t = push_events(x, nd, from, to, x->o.conns, x->o.batch, x->o.depth,
	    cpu);
	return (double)(to - from) / t;
}

/* One request and its answer over a blocking connection. */
static void
rpc(const struct node *nd, const struct cl_req *q, uint8_t *buf, size_t cap,
    struct cl_resp *r)
{
	const char	*why = NULL;
	size_t		 len, got = 0;
	uint32_t	 plen = 0;
	ssize_t		 n;
	int		 fd;
	cl_err		 err;

	if ((fd = tcp_connect(&nd->addr, false)) < 0)
		fail("connect to the node: %s", strerror(errno));
	if (cl_req_encode(q, buf, cap, &len) != CL_OK ||
	    write(fd, buf, len) != (ssize_t)len)
		fail("sending a %s request", cl_op_name(q->op));
	while (plen == 0 || got < plen + CL_WIRE_HDR_LEN) {
		if ((n = read(fd, buf + got, cap - got)) <= 0)
			fail("no answer to %s", cl_op_name(q->op));
		got += (size_t)n;
		if (cl_wire_frame(buf, got, (uint32_t)(cap - CL_WIRE_HDR_LEN),
		    &plen) != CL_OK)
			fail("a bad %s answer", cl_op_name(q->op));
	}
	close(fd);
	err = cl_resp_decode(r, q->op, buf + CL_WIRE_HDR_LEN, plen, &why);
	if (err != CL_OK || r->code != CL_OK)
		fail("%s answer: %s %s", cl_op_name(q->op),
		    cl_strerror(err != CL_OK ? err : r->code),
		    why != NULL ? why : "");
}

static void
node_status(const struct node *nd, struct cl_wire_status *st)
{
	static uint8_t	buf[65536];
	struct cl_req	q;
	struct cl_resp	r;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_STATUS;
	rpc(nd, &q, buf, sizeof(buf), &r);
	*st = r.u.status;
	cl_resp_free(&r);
}

/* Queries: CREDENTIAL by a random ISSUE id. */

struct query {
	const uint8_t	(*ids)[CL_ID_LEN];
	size_t		 id_cnt;
	uint64_t	 rng;
	uint64_t	 rec_from, rec_to;	/* answers counted: ns */
	uint64_t	*lat;			/* ns, of answers counted */
	size_t		 lat_cnt, lat_cap;
	uint64_t	 bytes;			/* of answers counted */
	uint64_t	 by_status[CL_ST_MAX + 1];
};

struct qresult {
	double		 qps, p50_us, p99_us, answer_bytes;
	struct cpu	 cpu;
	uint64_t	 n;
};

/* xorshift64*: cheap enough to stay out of the profile. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static bool
query_next(struct load *l, struct lconn *c, struct slot *s)
{
	struct query	*q = l->arg;
	struct cl_req	 r;
	size_t		 k = (size_t)(s - c->ring);

	memset(&r, 0, sizeof(r));
	r.op = CL_OP_CREDENTIAL;
	memcpy(r.key, q->ids[rng_next(&q->rng) % q->id_cnt], CL_ID_LEN);
	s->p = c->qbuf + k * QFRAME_MAX;
	if (cl_req_encode(&r, s->p, QFRAME_MAX, &s->len) != CL_OK)
		fail("encoding a CREDENTIAL request");
	return true;
}

static void
query_answer(struct load *l, struct lconn *c, const struct slot *s,
    const uint8_t *p, size_t len, uint64_t now)
{
	struct query	*q = l->arg;
	struct cl_resp	 r;
	const char	*why = NULL;
	cl_err		 err;

	(void)c;
	if ((err = cl_resp_decode(&r, CL_OP_CREDENTIAL, p, len, &why)) !=
	    CL_OK)
		fail("a CREDENTIAL answer that does not decode: %s: %s",
		    cl_strerror(err), why != NULL ? why : "");
	if (r.code != CL_OK)
		fail("CREDENTIAL failed: %s: %.*s", cl_strerror(r.code),
		    (int)r.msg_len, r.msg != NULL ? r.msg : "");
	if (r.u.cred.status > CL_ST_MAX || r.u.cred.status == CL_ST_UNKNOWN ||
	    r.u.cred.bundle == NULL)
		fail("a credential the node holds came back %s",
		    cl_status_name(r.u.cred.status));
	if (now >= q->rec_from && now < q->rec_to) {
		if (q->lat_cnt == q->lat_cap) {
			q->lat_cap = q->lat_cap ? 2 * q->lat_cap : 1 << 20;
			q->lat = realloc(q->lat, q->lat_cap * sizeof(*q->lat));
			if (q->lat == NULL)
				fail("out of memory");
		}
		q->lat[q->lat_cnt++] = now - s->t_ns;
		q->bytes += len + CL_WIRE_HDR_LEN;
		q->by_status[r.u.cred.status]++;
	}
	cl_resp_free(&r);
}

/*
 * qconns connections, qdepth requests in flight each: warm up, then count
 * the answers of the next seconds.  Stops sending, takes the answers in
 * flight, closes.
 */
static void
query_run(struct ctx *x, const struct node *nd, size_t id_cnt, double warm,
    double measure, struct qresult *res)
{
	struct query	q;
	struct load	l;
	uint64_t	t;

	memset(&q, 0, sizeof(q));
	memset(&l, 0, sizeof(l));
	memset(res, 0, sizeof(*res));
	q.ids = (const uint8_t (*)[CL_ID_LEN])x->issues;
	q.id_cnt = id_cnt;
	randombytes_buf(&q.rng, sizeof(q.rng));
	q.rng |= 1;
	load_open(&l, nd, x->o.qconns, x->o.qdepth);
	l.next = query_next;
	l.answer = query_answer;
	l.arg = &q;
	t = now_ns();
	q.rec_from = t + (uint64_t)(warm * 1e9);
	q.rec_to = q.rec_from + (uint64_t)(measure * 1e9);
	load_start(&l);
	while ((t = now_ns()) < q.rec_from)
		load_step(&l, (int)((q.rec_from - t) / 1000000) + 1);
	cpu_begin(&res->cpu, nd->pid);
	while ((t = now_ns()) < q.rec_to)
		load_step(&l, (int)((q.rec_to - t) / 1000000) + 1);
	cpu_end(&res->cpu, nd->pid);
	l.sending = false;
	while (l.pending > 0)
		load_step(&l, 1000);
	load_close(&l);
	if (q.lat_cnt == 0)
		fail("no answers in %.1f s", measure);
	qsort(q.lat, q.lat_cnt, sizeof(*q.lat), cmp_u64);
	res->n = q.lat_cnt;
	res->qps = (double)q.lat_cnt / measure;
	res->p50_us = (double)q.lat[q.lat_cnt / 2] / 1e3;
	res->p99_us = (double)q.lat[q.lat_cnt * 99 / 100] / 1e3;
	res->answer_bytes = (double)q.bytes / (double)q.lat_cnt;
	progress("  %llu valid, %llu revoked, %llu other",
	    (unsigned long long)q.by_status[CL_ST_VALID],
	    (unsigned long long)q.by_status[CL_ST_REVOKED],
	    (unsigned long long)(q.lat_cnt - q.by_status[CL_ST_VALID] -
	    q.by_status[CL_ST_REVOKED]));
	free(q.lat);
}

/* Redis: the same load shape against redis-server, by redis-benchmark. */

struct redis {
	bool		 ok;		/* measured */
	char		 why[128];	/* !ok: why not */
	char		 server[PATH_CAP], bench[PATH_CAP];
	char		 log[PATH_CAP];
	pid_t		 pid;
	struct sockaddr_in addr;
	unsigned	 port;
};

struct rresult {
	double		 rps, p50_us, p99_us;
	double		 server_cores, client_cores, other_cores;
};

static unsigned
free_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		sl = sizeof(sa);
	int			fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) != 0)
		fail("finding a free port: %s", strerror(errno));
	close(fd);
	return ntohs(sa.sin_port);
}

static void
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			fail("write to redis: %s", strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Read until want bytes came; they must be copies of expect. */
static void
read_replies(int fd, const char *expect, size_t n)
{
	char	buf[8192];
	size_t	elen = strlen(expect), want = n * elen, got = 0, i;
	ssize_t	r;

	while (got < want) {
		r = read(fd, buf, sizeof(buf) < want - got ? sizeof(buf) :
		    want - got);
		if (r <= 0)
			fail("redis closed the connection");
		for (i = 0; i < (size_t)r; i++)
			if (buf[i] != expect[(got + i) % elen])
				fail("redis answered something other than "
				    "%.*s", (int)elen - 2, expect);
		got += (size_t)r;
	}
}

/*
 * Start redis-server on a free port and store keys values of
 * REDIS_VALUE bytes under the names redis-benchmark -r gives them
 * ("key:" and 12 digits), so that every GET finds one.
 */
static void
redis_start(struct ctx *x, struct redis *rd, size_t keys)
{
	static char	 cmd[REDIS_SET_BATCH * (REDIS_VALUE + 64)];
	char		 port[16], dir[PATH_CAP], *argv[16], val[REDIS_VALUE];
	size_t		 i, j, len;
	int		 fd = -1, logfd, k;

	memset(rd, 0, sizeof(*rd));
	if (!find_exec("redis-server", rd->server) ||
	    !find_exec("redis-benchmark", rd->bench)) {
		snprintf(rd->why, sizeof(rd->why), "redis-server or "
		    "redis-benchmark is not installed");
		progress("redis: %s: not measured", rd->why);
		return;
	}
	rd->port = free_port();
	snprintf(port, sizeof(port), "%u", rd->port);
	path_join(dir, x->tmp, "redis");
	path_join(rd->log, x->tmp, "redis.log");
	if (mkdir(dir, 0700) != 0)
		fail("%s: %s", dir, strerror(errno));
	logfd = open_log(rd->log);
	k = 0;
	argv[k++] = rd->server;
	argv[k++] = "--port";
	argv[k++] = port;
	argv[k++] = "--bind";
	argv[k++] = "127.0.0.1";
	argv[k++] = "--save";
	argv[k++] = "";
	argv[k++] = "--appendonly";
	argv[k++] = "no";
	argv[k++] = "--dir";
	argv[k++] = dir;
	argv[k++] = "--daemonize";
	argv[k++] = "no";
	argv[k] = NULL;
	rd->pid = spawn(argv, logfd, logfd);
	close(logfd);
	rd->addr.sin_family = AF_INET;
	rd->addr.sin_port = htons((uint16_t)rd->port);
	rd->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 500 && (fd = tcp_connect(&rd->addr, false)) < 0; i++)
		sleep_ms(10);
	if (fd < 0) {
		(void)stop_kid(rd->pid, 5000);
		snprintf(rd->why, sizeof(rd->why), "redis-server did not "
		    "start");
		progress("redis: %s (see %s): not measured", rd->why, rd->log);
		return;
	}
	memset(val, 'x', sizeof(val));
	for (i = 0; i < keys; i += REDIS_SET_BATCH) {
		for (j = i, len = 0; j < keys && j < i + REDIS_SET_BATCH; j++)
			len += (size_t)snprintf(cmd + len, sizeof(cmd) - len,
			    "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012zu\r\n$%d\r\n"
			    "%.*s\r\n", j, REDIS_VALUE, REDIS_VALUE, val);
		write_all(fd, cmd, len);
		read_replies(fd, "+OK\r\n", j - i);
	}
	snprintf(cmd, sizeof(cmd), "*1\r\n$6\r\nDBSIZE\r\n");
	write_all(fd, cmd, strlen(cmd));
	snprintf(cmd, sizeof(cmd), ":%zu\r\n", keys);
	read_replies(fd, cmd, 1);
	close(fd);
	rd->ok = true;
	progress("redis: pid %ld, port %u, %zu keys of %d bytes",
	    (long)rd->pid, rd->port, keys, REDIS_VALUE);
}

/* INFO stats' keyspace_misses: a GET that found no value. */
static unsigned long long
redis_misses(const struct redis *rd)
{
	static const char	 cmd[] = "*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n";
	char			 buf[16384], *p, *end;
	unsigned long long	 misses;
	unsigned long		 want = 0;
	size_t			 got = 0;
	ssize_t			 n;
	int			 fd;

	if ((fd = tcp_connect(&rd->addr, false)) < 0)
		fail("connect to redis: %s", strerror(errno));
	write_all(fd, cmd, sizeof(cmd) - 1);
	/* a bulk string: "$len\r\n", len bytes, "\r\n" */
	while (got < sizeof(buf) - 1 && (want == 0 || got < want)) {
		if ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) <= 0)
			fail("no INFO answer from redis");
		got += (size_t)n;
		buf[got] = '\0';
		if (want == 0 && buf[0] == '$' &&
		    (p = strstr(buf, "\r\n")) != NULL)
			want = strtoul(buf + 1, NULL, 10) +
			    (unsigned long)(p - buf) + 4;
	}
	close(fd);
	if ((p = strstr(buf, "keyspace_misses:")) == NULL)
		fail("no keyspace_misses in redis' INFO");
	misses = strtoull(p + 16, &end, 10);
	if (end == p + 16)
		fail("a bad keyspace_misses in redis' INFO");
	return misses;
}

static void
redis_stop(struct redis *rd)
{
	if (rd->ok)
		(void)stop_kid(rd->pid, STOP_MS);
	rd->ok = false;
}

/* redis-benchmark GET, -c qconns -P qdepth; false when it failed. */
static bool
redis_bench(const struct ctx *x, struct redis *rd, size_t keys,
    struct rresult *res)
{
	static char	 out[65536];
	char		 port[16], c[16], p[16], n[24], r[24], *argv[24], *line;
	double		 avg, mn, p50, p95, p99, t0, s0, k0, b0;
	size_t		 len = 0;
	ssize_t		 got;
	pid_t		 pid;
	int		 pp[2], k = 0, st;

	memset(res, 0, sizeof(*res));
	snprintf(port, sizeof(port), "%u", rd->port);
	snprintf(c, sizeof(c), "%zu", x->o.qconns);
	snprintf(p, sizeof(p), "%zu", x->o.qdepth);
	snprintf(n, sizeof(n), "%zu", x->o.redis_reqs);
	snprintf(r, sizeof(r), "%zu", keys);
	argv[k++] = rd->bench;
	argv[k++] = "-h";
	argv[k++] = "127.0.0.1";
	argv[k++] = "-p";
	argv[k++] = port;
	argv[k++] = "-c";
	argv[k++] = c;
	argv[k++] = "-P";
	argv[k++] = p;
	argv[k++] = "-t";
	argv[k++] = "get";
	argv[k++] = "-d";
	argv[k++] = "1024";
	argv[k++] = "-n";
	argv[k++] = n;
	argv[k++] = "-r";
	argv[k++] = r;
	argv[k++] = "--csv";
	argv[k] = NULL;
	if (pipe(pp) != 0)
		fail("pipe: %s", strerror(errno));
	fcntl(pp[0], F_SETFD, FD_CLOEXEC);
	t0 = secs(now_ns());
	s0 = proc_cpu(rd->pid);
	k0 = self_cpu(RUSAGE_CHILDREN);
	b0 = machine_busy();
	pid = spawn(argv, pp[1], -1);
	close(pp[1]);
	while (len < sizeof(out) - 1 &&
	    (got = read(pp[0], out + len, sizeof(out) - 1 - len)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		len += (size_t)got;
	}
	close(pp[0]);
	st = wait_kid(pid);
	t0 = secs(now_ns()) - t0;
	res->server_cores = (proc_cpu(rd->pid) - s0) / t0;
	res->client_cores = (self_cpu(RUSAGE_CHILDREN) - k0) / t0;
	res->other_cores = (machine_busy() - b0) / t0 - res->server_cores -
	    res->client_cores;
	if (res->other_cores < 0)
		res->other_cores = 0;
	out[len] = '\0';
	if (!exited_ok(st) || (line = strstr(out, "\"GET\",")) == NULL ||
	    sscanf(line, "\"GET\",\"%lf\",\"%lf\",\"%lf\",\"%lf\",\"%lf\","
	    "\"%lf\"", &res->rps, &avg, &mn, &p50, &p95, &p99) != 6) {
		snprintf(rd->why, sizeof(rd->why), "redis-benchmark failed "
		    "(status %d)", st);
		progress("redis: %s; its output: %s", rd->why, out);
		return false;
	}
	res->p50_us = p50 * 1e3;
	res->p99_us = p99 * 1e3;
	if (redis_misses(rd) != 0)
		fail("redis-benchmark asked for keys redis does not hold");
	return true;
}

/* Memory: resident bytes by mapping, from /proc/PID/smaps. */

#define MEM_TOP		4	/* the largest mappings, named */

struct mem {
	double		 other;		/* every mapping but data.mdb */
	double		 anon;		/* ... of which not file-backed */
	double		 mdb;		/* ledger/data.mdb */
	double		 hwm;		/* VmHWM: peak, data.mdb included */
	struct {
		char	 name[48];
		double	 rss;
	}		 top[MEM_TOP];	/* outside data.mdb, largest first */
};

/* Keep the MEM_TOP largest mappings: name (cut to fit) and bytes. */
static void
mem_top(struct mem *m, const char *name, double rss)
{
	size_t	i, k;

	for (i = 0; i < MEM_TOP && m->top[i].rss >= rss; i++)
		;
	if (i == MEM_TOP || rss == 0)
		return;
	for (k = MEM_TOP - 1; k > i; k--)
		m->top[k] = m->top[k - 1];
	snprintf(m->top[i].name, sizeof(m->top[i].name), "%s",
	    name[0] != '\0' ? name : "[anon]");
	m->top[i].rss = rss;
}

static void
node_memory(const struct node *nd, struct mem *m)
{
	char		 path[64], line[4096], name[PATH_CAP];
	unsigned long	 kb;
	bool		 is_mdb = false, is_anon = false;
	const char	*base;
	FILE		*f;
	int		 off;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "/proc/%ld/smaps", (long)nd->pid);
	if ((f = fopen(path, "r")) == NULL)
		fail("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		/* a mapping: "start-end perms offset dev inode [path]" */
		off = 0;
		if (sscanf(line, "%*x-%*x %*s %*x %*s %*u %n", &off) == 0 &&
		    off > 0) {
			name[0] = '\0';
			(void)sscanf(line + off, "%4095s", name);
			is_mdb = strlen(name) >= 16 && strcmp(name +
			    strlen(name) - 16, "/ledger/data.mdb") == 0;
			is_anon = name[0] != '/';
			continue;
		}
		if (sscanf(line, "Rss: %lu kB", &kb) == 1) {
			if (is_mdb) {
				m->mdb += (double)kb * 1024;
				continue;
			}
			m->other += (double)kb * 1024;
			if (is_anon)
				m->anon += (double)kb * 1024;
			base = strrchr(name, '/');
			mem_top(m, base != NULL ? base + 1 : name,
			    (double)kb * 1024);
		}
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)nd->pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "VmHWM: %lu kB", &kb) == 1)
				m->hwm = (double)kb * 1024;
		fclose(f);
	}
}

/* The stream, its ids and the verify limit. */

struct decode_part {
	struct ctx	*x;
	size_t		 from, to;
	const char	*err;
	size_t		 err_at;
};

static void *
decode_range(void *arg)
{
	struct decode_part	*d = arg;
	struct ctx		*x = d->x;
	struct cl_event		 ev;
	size_t			 i, f, v;

	for (i = d->from; i < d->to; i++) {
		if (cl_ev_decode(&ev, x->c.ev[i], x->c.len[i], NULL) != CL_OK) {
			d->err = "does not decode";
			d->err_at = i;
			return NULL;
		}
		for (f = 0; f < x->feed_cnt; f++)
			if (memcmp(x->feeds[f], ev.author, CL_PK_LEN) == 0)
				break;
		if (f == x->feed_cnt ||
		    cl_ev_id(&ev, x->c.netid, x->info[i].id) != CL_OK) {
			d->err = "has an unknown author or no id";
			d->err_at = i;
			cl_ev_free(&ev);
			return NULL;
		}
		x->info[i].type = (uint8_t)ev.type;
		x->info[i].feed = (uint8_t)f;
		/* the first bulk events: the verify limit's messages */
		if (i >= SETUP_EVENTS && (v = i - SETUP_EVENTS) < x->vm.n) {
			x->vm.len[v] = cl__bench_signed_msg(x->c.netid, &ev,
			    x->vm.msg[v], sizeof(x->vm.msg[v]));
			memcpy(x->vm.sig[v], ev.sig, CL_SIG_LEN);
			memcpy(x->vm.pk[v], ev.author, CL_PK_LEN);
			if (x->vm.len[v] == 0) {
				d->err = "is too long to verify here";
				d->err_at = i;
			}
		}
		cl_ev_free(&ev);
	}
	return NULL;
}

/* Decode every event on 2 threads: ids, types, feeds, messages. */
static void
corpus_index(struct ctx *x, size_t verify_n)
{
	struct decode_part	 part[VERIFY_THREADS];
	pthread_t		 th[VERIFY_THREADS];
	struct cl_event		 ev;
	size_t			 i, k, n = x->c.n;
	uint64_t		 t0 = now_ns();

	x->info = xcalloc(n, sizeof(*x->info));
	x->vm.n = verify_n < n - SETUP_EVENTS ? verify_n : n - SETUP_EVENTS;
	x->vm.msg = xcalloc(x->vm.n, sizeof(*x->vm.msg));
	x->vm.len = xcalloc(x->vm.n, sizeof(*x->vm.len));
	x->vm.sig = xcalloc(x->vm.n, sizeof(*x->vm.sig));
	x->vm.pk = xcalloc(x->vm.n, sizeof(*x->vm.pk));
	/* the feeds: the authority's, then each DEFINE's issuer */
	for (i = 0; i < SETUP_EVENTS; i++) {
		if (cl_ev_decode(&ev, x->c.ev[i], x->c.len[i], NULL) != CL_OK)
			fail("setup event %zu does not decode", i);
		for (k = 0; k < x->feed_cnt; k++)
			if (memcmp(x->feeds[k], ev.author, CL_PK_LEN) == 0)
				break;
		if (k == x->feed_cnt && k < FEEDS_MAX)
			memcpy(x->feeds[x->feed_cnt++], ev.author, CL_PK_LEN);
		cl_ev_free(&ev);
	}
	for (k = 0; k < VERIFY_THREADS; k++) {
		part[k].x = x;
		part[k].from = n * k / VERIFY_THREADS;
		part[k].to = n * (k + 1) / VERIFY_THREADS;
		part[k].err = NULL;
		if (pthread_create(&th[k], NULL, decode_range, &part[k]) != 0)
			fail("pthread_create");
	}
	for (k = 0; k < VERIFY_THREADS; k++)
		pthread_join(th[k], NULL);
	for (k = 0; k < VERIFY_THREADS; k++)
		if (part[k].err != NULL)
			fail("event %zu %s", part[k].err_at, part[k].err);
	x->issues = xcalloc(n, sizeof(*x->issues));
	for (i = 0; i < n; i++)
		if (x->info[i].type == CL_EV_ISSUE)
			memcpy(x->issues[x->issue_cnt++], x->info[i].id,
			    CL_ID_LEN);
	progress("indexed %zu events (%zu ISSUEs, %zu feeds) in %.1f s", n,
	    x->issue_cnt, x->feed_cnt, secs(now_ns() - t0));
}

/* The number of events before the k-th ISSUE's successor: a prefix. */
static size_t
prefix_with_issues(const struct ctx *x, size_t k)
{
	size_t	i, seen = 0;

	for (i = 0; i < x->c.n && seen < k; i++)
		seen += x->info[i].type == CL_EV_ISSUE;
	if (seen < k)
		fail("the stream has only %zu ISSUEs, not %zu", seen, k);
	return i;
}

/* The ISSUEs among the first n events. */
static size_t
issues_in(const struct ctx *x, size_t n)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++)
		k += x->info[i].type == CL_EV_ISSUE;
	return k;
}

struct vpart {
	const struct vmsgs	*vm;
	size_t			 from, to, ok;
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

/* crypto_sign_verify_detached per second on VERIFY_THREADS threads. */
static double
verify_limit(const struct ctx *x)
{
	struct vpart	part[VERIFY_THREADS];
	pthread_t	th[VERIFY_THREADS];
	size_t		k, ok = 0, n = x->vm.n;
	uint64_t	t0;

	t0 = now_ns();
	for (k = 0; k < VERIFY_THREADS; k++) {
		part[k].vm = &x->vm;
		part[k].from = n * k / VERIFY_THREADS;
		part[k].to = n * (k + 1) / VERIFY_THREADS;
		part[k].ok = 0;
		if (pthread_create(&th[k], NULL, verify_range, &part[k]) != 0)
			fail("pthread_create");
	}
	for (k = 0; k < VERIFY_THREADS; k++) {
		pthread_join(th[k], NULL);
		ok += part[k].ok;
	}
	t0 = now_ns() - t0;
	if (ok != n)
		fail("verify limit: %zu of %zu signatures failed", n - ok, n);
	return (double)n / secs(t0);
}

/* The run and its report. */

struct ingest_run {
	double		 verify, rate, ratio;
	struct cpu	 cpu;
};

struct query_round {
	struct qresult	 q;
	struct rresult	 r;
	double		 ratio;		/* q.qps / r.rps */
	bool		 r_ok;
};

/* A target cell: "missed" stands out. */
static const char *
met(bool ok)
{
	return ok ? "met" : "**missed**";
}

static void
cpu_model(char *out, size_t cap)
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

static double
mib(double b)
{
	return b / (1024.0 * 1024.0);
}

struct report {
	struct ingest_run	*in;
	struct query_round	*qr;
	double			 q_ingest;	/* events/s, the query node */
	size_t			 q_events;
	double			 m_ingest;	/* events/s, the rest */
	struct cpu		 m_cpu;
	size_t			 m_events, m_creds;
	struct mem		 mem;
	struct cl_wire_status	 m_status;
	struct qresult		 burst;
	double			 burst_s;
	char			 redis_why[128];
	char			 redis_ver[64];
	char			 node_defaults[128];
};

/* Run argv to its end; its stdout, cut to cap - 1 bytes, into out. */
static void
run_capture(char *const argv[], char *out, size_t cap)
{
	size_t	 len = 0;
	ssize_t	 n;
	int	 pp[2];
	pid_t	 pid;

	out[0] = '\0';
	if (pipe(pp) != 0)
		return;
	fcntl(pp[0], F_SETFD, FD_CLOEXEC);
	pid = spawn(argv, pp[1], -1);
	close(pp[1]);
	while (len < cap - 1 &&
	    (n = read(pp[0], out + len, cap - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(pp[0]);
	(void)wait_kid(pid);
}

static void
redis_version(const struct redis *rd, char *out, size_t cap)
{
	char	*argv[3], buf[256], *p;

	snprintf(out, cap, "redis");
	argv[0] = (char *)rd->server;
	argv[1] = "--version";
	argv[2] = NULL;
	run_capture(argv, buf, sizeof(buf));
	/* "Redis server v=7.0.15 sha=..." */
	if ((p = strstr(buf, "v=")) != NULL) {
		p[2 + strcspn(p + 2, " \n")] = '\0';
		snprintf(out, cap, "Redis %s", p + 2);
	}
}

/*
 * The node's defaults for the settings that shape these figures, as its
 * --help states them: "workers: cores, batch-max: 10000".
 */
static void
node_defaults(const char *bin, char *out, size_t cap)
{
	static const char *const keys[] = { "--workers", "--batch-max" };
	static char	 help[16384];
	char		*argv[3], *p, *d, *e;
	size_t		 i, len = 0;

	argv[0] = (char *)bin;
	argv[1] = "--help";
	argv[2] = NULL;
	run_capture(argv, help, sizeof(help));
	out[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((p = strstr(help, keys[i])) == NULL ||
		    (d = strstr(p, "(default")) == NULL ||
		    (e = strchr(d, ')')) == NULL || strchr(p, '\n') < d)
			continue;
		d += 8;
		d += strspn(d, " :");
		len += (size_t)snprintf(out + len, cap - len, "%s%s = %.*s",
		    len > 0 ? ", " : "", keys[i] + 2, (int)(e - d), d);
		if (len >= cap)
			break;
	}
	if (out[0] == '\0')
		snprintf(out, cap, "as its --help says");
}

#define RUNS_MAX	15
#define BUSY_CORES	0.25	/* other load that voids a ratio */

/* Under a table: say so when other work shared the machine. */
static void
busy_note(FILE *f, double other)
{
	if (other <= BUSY_CORES)
		return;
	fprintf(f, "**The machine was busy during this part: other work "
	    "took %.2f cores (median).  The limit and the figure suffer "
	    "from it unequally, so these ratios do not hold; run again on a "
	    "quiet machine.**\n\n", other);
}

/* The median of the double at off in each of n structs of size bytes. */
static double
med(const void *base, size_t size, size_t off, size_t n)
{
	double	v[RUNS_MAX];
	size_t	i;

	for (i = 0; i < n; i++)
		memcpy(&v[i], (const char *)base + i * size + off,
		    sizeof(v[i]));
	return median(v, n);
}
#define MED(a, n, type, field)	med(a, sizeof(type), offsetof(type, field), n)

static void
report_ingest(FILE *f, const struct ctx *x, const struct report *rp)
{
	const struct opts	*o = &x->o;
	const struct ingest_run	*r;
	size_t			 i, n = o->runs;
	double			 ratio;

	fprintf(f, "## 1. Ingest over the client port\n\n"
	    "- %zu pre-signed events per run, into a fresh node each run: "
	    "the 32 ACCREDIT + DEFINE in one SUBMIT, answered before the "
	    "clock starts, then the other %zu over %zu connections as "
	    "SUBMITs of %zu events, %zu in flight per connection; the 16 "
	    "feeds are dealt to the connections, so each feed's events go "
	    "in order over one connection\n"
	    "- rate: events of the timed part / seconds from its first send "
	    "to its last answer; every event's result is checked to be "
	    "*accepted* with the id the bench computed (anything else fails "
	    "the bench)\n"
	    "- verify limit: `crypto_sign_verify_detached` on %d threads "
	    "(pthreads, one per core) over the signed bytes of the first "
	    "%zu of the same events, measured just before each run\n"
	    "- CPU: user + system time over the timed part / its length, in "
	    "cores; *other load*: the machine's user + system + steal time "
	    "(/proc/stat) less ours, i.e. work that was not ours; written: "
	    "bytes written to the block device of the data directory "
	    "(/sys/dev/block/…/stat: LMDB's pages; the whole machine's "
	    "writes to it) over "
	    "the timed part / its events\n\n"
	    "| run | verify limit, 2 cores (events/s) | ingest (events/s) | "
	    "÷ verify | target | node CPU (cores) | bench CPU (cores) | "
	    "other load (cores) | written per event |\n"
	    "|---:|---:|---:|---:|---|---:|---:|---:|---:|\n", o->events,
	    o->events - SETUP_EVENTS, o->conns, o->batch, o->depth,
	    VERIFY_THREADS, x->vm.n);
	for (i = 0; i < n; i++) {
		r = &rp->in[i];
		fprintf(f, "| %zu | %.0f | %.0f | %.2f | ≥ %.1f: %s | %.2f | "
		    "%.2f | %.2f | %.1f KiB |\n", i + 1, r->verify, r->rate,
		    r->ratio, INGEST_TARGET, met(r->ratio >= INGEST_TARGET),
		    r->cpu.node_cores, r->cpu.self_cores, r->cpu.other_cores,
		    r->cpu.disk_bytes / 1024 /
		    (double)(o->events - SETUP_EVENTS));
	}
	ratio = MED(rp->in, n, struct ingest_run, ratio);
	fprintf(f, "| **median** | **%.0f** | **%.0f** | **%.2f** | "
	    "≥ %.1f: %s | %.2f | %.2f | %.2f | %.1f KiB |\n\n",
	    MED(rp->in, n, struct ingest_run, verify),
	    MED(rp->in, n, struct ingest_run, rate), ratio, INGEST_TARGET,
	    met(ratio >= INGEST_TARGET),
	    MED(rp->in, n, struct ingest_run, cpu.node_cores),
	    MED(rp->in, n, struct ingest_run, cpu.self_cores),
	    MED(rp->in, n, struct ingest_run, cpu.other_cores),
	    MED(rp->in, n, struct ingest_run, cpu.disk_bytes) / 1024 /
	    (double)(o->events - SETUP_EVENTS));
	busy_note(f, MED(rp->in, n, struct ingest_run, cpu.other_cores));
}

static void
report_queries(FILE *f, const struct ctx *x, const struct report *rp)
{
	const struct opts	 *o = &x->o;
	const struct query_round *q;
	struct query_round	  ok[RUNS_MAX];
	size_t			  i, n = o->runs, k = 0;
	double			  qps, p99;

	for (i = 0; i < n; i++)
		if (rp->qr[i].r_ok)
			ok[k++] = rp->qr[i];
	fprintf(f, "## 2. Verification queries\n\n"
	    "- a fresh node holding %zu credentials (%zu events, ingested as "
	    "in part 1 at %.0f events/s before the clock starts; STATUS "
	    "checked)\n"
	    "- %zu connections, %zu CREDENTIAL requests in flight on each, "
	    "for ISSUE ids drawn uniformly at random: 1 s of warm-up, then "
	    "%zu s counted, per run; every answer is decoded and checked to "
	    "carry a status other than *unknown* and a proof bundle "
	    "(ISSUE + DEFINE + ACCREDIT, and the REVOKE where there is one: "
	    "answers ≈ %.0f bytes)\n"
	    "- latency: per request, from queueing it on its connection to "
	    "reading its whole answer, µs\n"
	    "- redis: ", o->creds, rp->q_events, rp->q_ingest, o->qconns,
	    o->qdepth, o->seconds, rp->qr[0].q.answer_bytes);
	if (k > 0)
		fprintf(f, "%s, `redis-server --port P --save '' "
		    "--appendonly no` started by the bench on a free port and "
		    "filled with %zu keys of 1024 bytes, named as "
		    "`redis-benchmark -r` names them; after each of our runs "
		    "`redis-benchmark -p P -c %zu -P %zu -t get -d 1024 -n %zu "
		    "-r %zu --csv`; redis' keyspace_misses is checked to stay "
		    "0, so every GET answers 1 KB; redis-benchmark, like our "
		    "load generator, is one thread\n", rp->redis_ver, o->creds,
		    o->qconns, o->qdepth, o->redis_reqs, o->creds);
	else
		fprintf(f, "not measured: %s\n", rp->redis_why);
	fprintf(f, "\n| run | queries/s | p50 µs | p99 µs | node CPU "
	    "(cores) | bench CPU (cores) | other load (cores) | redis GET/s "
	    "| ÷ redis |\n"
	    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		q = &rp->qr[i];
		fprintf(f, "| %zu | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | ",
		    i + 1, q->q.qps, q->q.p50_us, q->q.p99_us,
		    q->q.cpu.node_cores, q->q.cpu.self_cores,
		    q->q.cpu.other_cores);
		if (q->r_ok)
			fprintf(f, "%.0f | %.3f |\n", q->r.rps, q->ratio);
		else
			fprintf(f, "not measured | – |\n");
	}
	qps = MED(rp->qr, n, struct query_round, q.qps);
	p99 = MED(rp->qr, n, struct query_round, q.p99_us);
	fprintf(f, "| **median** | **%.0f** | %.0f | **%.0f** | %.2f | %.2f "
	    "| %.2f | ", qps, MED(rp->qr, n, struct query_round, q.p50_us),
	    p99, MED(rp->qr, n, struct query_round, q.cpu.node_cores),
	    MED(rp->qr, n, struct query_round, q.cpu.self_cores),
	    MED(rp->qr, n, struct query_round, q.cpu.other_cores));
	if (k > 0)
		fprintf(f, "**%.0f** | **%.3f** |\n",
		    MED(ok, k, struct query_round, r.rps),
		    MED(ok, k, struct query_round, ratio));
	else
		fprintf(f, "not measured | – |\n");
	fprintf(f, "\nTargets: ≥ %.0f queries/s: %s; p99 < %.0f µs: %s.\n\n",
	    QPS_TARGET, met(qps >= QPS_TARGET), P99_TARGET_US,
	    met(p99 < P99_TARGET_US));
	busy_note(f, MED(rp->qr, n, struct query_round, q.cpu.other_cores));
	if (k > 0) {
		fprintf(f, "redis-benchmark's own figures, in the same "
		    "runs:\n\n"
		    "| run | GET/s | p50 µs | p99 µs | redis-server CPU "
		    "(cores) | redis-benchmark CPU (cores) | other load "
		    "(cores) |\n"
		    "|---:|---:|---:|---:|---:|---:|---:|\n");
		for (i = 0; i < k; i++)
			fprintf(f, "| %zu | %.0f | %.0f | %.0f | %.2f | %.2f | "
			    "%.2f |\n", i + 1, ok[i].r.rps, ok[i].r.p50_us,
			    ok[i].r.p99_us, ok[i].r.server_cores,
			    ok[i].r.client_cores, ok[i].r.other_cores);
		fprintf(f, "\n");
	}
}

static void
report_memory(FILE *f, const struct ctx *x, const struct report *rp)
{
	size_t	i;

	(void)x;
	fprintf(f, "## 3. Memory\n\n"
	    "- the node of part 2, then the rest of the stream up to %zu "
	    "events (%zu credentials; %.0f events/s, node CPU %.2f cores, "
	    "%.1f KiB written per event), then %.0f s of the same queries "
	    "over all its credentials (%.0f queries/s)\n"
	    "- read from `/proc/PID/smaps` right after (the node has given "
	    "back LMDB's page buffers of its large commits 2 s after the last "
	    "one: VmHWM shows the peak): the Rss of every "
	    "mapping summed, except the one of `…/ledger/data.mdb` (LMDB's "
	    "map: pages of the page cache, which the kernel may drop), shown "
	    "apart; *anonymous* is the part outside data.mdb not backed by "
	    "a file (heap, thread stacks, libuv and LMDB buffers); the rest "
	    "is the executable, the libraries and lock.mdb\n\n"
	    "| events | credentials | RSS outside data.mdb | of which "
	    "anonymous | target | data.mdb RSS | map used (STATUS) | VmHWM "
	    "(all) |\n"
	    "|---:|---:|---:|---:|---|---:|---:|---:|\n"
	    "| %zu | %zu | **%.1f MiB** | %.1f MiB | < %.0f MiB: %s | %.1f "
	    "MiB | %.1f MiB | %.1f MiB |\n\n"
	    "Largest mappings outside data.mdb:",
	    rp->m_events, rp->m_creds, rp->m_ingest, rp->m_cpu.node_cores,
	    rp->m_events > rp->q_events ? rp->m_cpu.disk_bytes / 1024 /
	    (double)(rp->m_events - rp->q_events) : 0, rp->burst_s,
	    rp->burst.qps, rp->m_events, rp->m_creds, mib(rp->mem.other),
	    mib(rp->mem.anon), mib(MEM_TARGET), met(rp->mem.other <
	    MEM_TARGET), mib(rp->mem.mdb), mib((double)rp->m_status.map_used),
	    mib(rp->mem.hwm));
	for (i = 0; i < MEM_TOP && rp->mem.top[i].rss > 0; i++)
		fprintf(f, "%s `%s` %.1f MiB", i > 0 ? "," : "",
		    rp->mem.top[i].name, mib(rp->mem.top[i].rss));
	fprintf(f, ".\n");
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
		fail("%s: %s", o->out, strerror(errno));
	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&tnow));
	fprintf(f, "# Node benchmark\n\n"
	    "Written by `credledger-bench node` on %s (%s %s, %s, %ld "
	    "cores)%s.  Command: `credledger-bench", when, u.sysname,
	    u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN), o->quick ?
	    ", **a --quick smoke run, not the report's figures**" : "");
	for (a = 0; a < argc; a++)
		fprintf(f, " %s", argv[a]);
	fprintf(f, "`.  Every limit is measured in this run, on the same "
	    "machine, beside the figure it is divided by (DESIGN §8: single "
	    "runs drift by up to 15 %%); runs per part: %zu, and the "
	    "figures are their medians.\n\n"
	    "The bench starts `credledger-node run --listen 127.0.0.1:0` "
	    "with its defaults (%s; durable commits) on a fresh data "
	    "directory under %s, talks to it over TCP on loopback, and stops "
	    "it with SIGTERM.  The load generator is one thread of the bench "
	    "(epoll over nonblocking sockets, requests pipelined with "
	    "writev); node and bench share the machine's %ld cores.  The "
	    "stream is `credledger-bench store`'s: 16 ACCREDIT, 16 DEFINE, "
	    "then ISSUEs round-robin over 16 issuers with one REVOKE in "
	    "twenty (ISSUE ≈ %zu bytes).\n\n", o->runs, rp->node_defaults,
	    o->dir,
	    sysconf(_SC_NPROCESSORS_ONLN), x->c.len[SETUP_EVENTS]);
	report_ingest(f, x, rp);
	report_queries(f, x, rp);
	report_memory(f, x, rp);
	if (fclose(f) != 0)
		fail("%s: %s", o->out, strerror(errno));
	progress("wrote %s", o->out);
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
	{ "events", offsetof(struct opts, events), 1000, 10000000,
	    200000, 20000, "ingest: events pushed per run" },
	{ "conns", offsetof(struct opts, conns), 1, CL_BENCH_ISSUERS,
	    4, 4, "ingest: connections" },
	{ "batch", offsetof(struct opts, batch), 1, CL_SUBMIT_MAX,
	    2000, 2000, "ingest: events per SUBMIT" },
	{ "depth", offsetof(struct opts, depth), 1, 64,
	    4, 4, "ingest: SUBMITs in flight per connection" },
	{ "credentials", offsetof(struct opts, creds), 100, 5000000,
	    100000, 20000, "queries: credentials in the node" },
	{ "query-conns", offsetof(struct opts, qconns), 1, 1000,
	    50, 50, "queries: connections" },
	{ "query-depth", offsetof(struct opts, qdepth), 1, 256,
	    16, 16, "queries: requests in flight per connection" },
	{ "seconds", offsetof(struct opts, seconds), 1, 3600,
	    10, 2, "queries: seconds counted per run" },
	{ "mem-events", offsetof(struct opts, mem_events), 1000, 10000000,
	    1000000, 100000, "memory: events in the node" },
	{ "runs", offsetof(struct opts, runs), 1, RUNS_MAX,
	    3, 1, "repetitions (medians reported)" },
	{ "redis-requests", offsetof(struct opts, redis_reqs), 10000,
	    100000000, 2000000, 200000, "redis-benchmark -n" },
};
#define NUMOPTS	(sizeof(numopts) / sizeof(numopts[0]))

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: credledger-bench node [--quick] [--node-bin PATH] "
	    "[--dir DIR] [--out FILE]\n"
	    "                              [--events N] ... (below)\n"
	    "Starts a credledger-node in a scratch directory and measures "
	    "ingest, queries\nand memory over its client port; writes the "
	    "report (Markdown).\n"
	    "  --quick          a small smoke run (the defaults in "
	    "brackets)\n"
	    "  --node-bin PATH  the node (default: ../node/credledger-node "
	    "next to this\n"
	    "                   program)\n"
	    "  --dir DIR        where the scratch directory goes (default "
	    "/var/tmp)\n"
	    "  --out FILE       the report (default bench/node.md)\n"
	    "  --keep           keep the scratch directory (data, logs)\n");
	for (i = 0; i < NUMOPTS; i++)
		fprintf(f, "  --%-15s %s (default %zu [%zu])\n",
		    numopts[i].name, numopts[i].help, numopts[i].full,
		    numopts[i].quick);
}

/* ../node/credledger-node beside /proc/self/exe. */
static void
default_node_bin(char *out)
{
	char	self[PATH_CAP], *slash;
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		fail("/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (snprintf(out, PATH_CAP, "%s/../node/credledger-node", self) >=
	    PATH_CAP)
		fail("path too long: %s", self);
}

static int
parse_opts(struct opts *o, int argc, char **argv, char *node_bin)
{
	struct option	lo[NUMOPTS + 7];
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
	lo[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	o->dir = "/var/tmp";
	o->out = "bench/node.md";
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
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "credledger-bench node: %s needs a "
			    "value\n", argv[optind - 1]);
			return 2;
		case '?':
			fprintf(stderr, "credledger-bench node: unknown option "
			    "%s\n", argv[optind - 1]);
			return 2;
		default:
			i = (size_t)(c - 1000);
			if (cl_tool_parse_u64(optarg, numopts[i].max, &v) !=
			    CL_OK || v < numopts[i].min) {
				fprintf(stderr, "credledger-bench node: --%s: "
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
		fprintf(stderr, "credledger-bench node: unexpected '%s'\n",
		    argv[optind]);
		return 2;
	}
	for (i = 0; i < NUMOPTS; i++)
		if (!set[i])
			*(size_t *)(void *)((char *)o + numopts[i].off) =
			    o->quick ? numopts[i].quick : numopts[i].full;
	if (o->node_bin == NULL) {
		default_node_bin(node_bin);
		o->node_bin = node_bin;
	}
	if (access(o->node_bin, X_OK) != 0) {
		fprintf(stderr, "credledger-bench node: %s: %s (--node-bin)\n",
		    o->node_bin, strerror(errno));
		return 1;
	}
	return -1;
}

int
cl__bench_node(int argc, char **argv)
{
	static char		 node_bin[PATH_CAP];
	struct ctx		 x;
	struct report		 rp;
	struct node		 nd;
	struct redis		 rd;
	struct cl_wire_status	 st;
	struct sigaction	 sa;
	char			 name[32];
	size_t			 i, total, q_events;
	int			 rc, fd;

	memset(&x, 0, sizeof(x));
	memset(&rp, 0, sizeof(rp));
	if ((rc = parse_opts(&x.o, argc, argv, node_bin)) >= 0)
		return rc;
	/* the stream: long enough for every part */
	total = x.o.events;
	if (x.o.mem_events > total)
		total = x.o.mem_events;
	/* one REVOKE in twenty: creds ISSUEs need creds * 20 / 19 + setup */
	if (SETUP_EVENTS + x.o.creds * 20 / 19 + 20 > total)
		total = SETUP_EVENTS + x.o.creds * 20 / 19 + 20;
	progress("signing %zu events (one core)", total);
	cl__bench_corpus_make(&x.c, total);
	corpus_index(&x, x.o.quick ? 10000 : VERIFY_MSGS);
	q_events = prefix_with_issues(&x, x.o.creds);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (snprintf(x.tmp, sizeof(x.tmp), "%s/credledger-bench-node-XXXXXX",
	    x.o.dir) >= (int)sizeof(x.tmp) || mkdtemp(x.tmp) == NULL)
		fail("mkdtemp under %s: %s", x.o.dir, strerror(errno));
	disk_find(x.tmp);
	keep_dir = x.tmp;
	path_join(x.genesis, x.tmp, "genesis.bin");
	if ((fd = open(x.genesis, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		fail("%s: %s", x.genesis, strerror(errno));
	write_all(fd, x.c.genesis, x.c.genesis_len);
	close(fd);

	node_defaults(x.o.node_bin, rp.node_defaults,
	    sizeof(rp.node_defaults));

	/* 1: ingest, a fresh node per run */
	rp.in = xcalloc(x.o.runs, sizeof(*rp.in));
	for (i = 0; i < x.o.runs; i++) {
		struct ingest_run *r = &rp.in[i];

		r->verify = verify_limit(&x);
		snprintf(name, sizeof(name), "ingest-%zu", i + 1);
		node_start(&x, &nd, name);
		r->rate = ingest(&x, &nd, 0, x.o.events, &r->cpu);
		r->ratio = r->rate / r->verify;
		progress("ingest %zu/%zu: verify limit %.0f/s, %zu events at "
		    "%.0f/s: %.2f (node %.2f cores, bench %.2f, %.1f KiB "
		    "written per event)", i + 1, x.o.runs, r->verify,
		    x.o.events, r->rate, r->ratio, r->cpu.node_cores,
		    r->cpu.self_cores, r->cpu.disk_bytes / 1024 /
		    (double)(x.o.events - SETUP_EVENTS));
		node_stop(&nd);
		if (!x.o.keep)
			rmtree(nd.data);
	}

	/* 2: queries, against redis */
	node_start(&x, &nd, "query");
	rp.q_events = q_events;
	rp.q_ingest = ingest(&x, &nd, 0, q_events, NULL);
	node_status(&nd, &st);
	if (st.credentials != x.o.creds || st.log_size != q_events)
		fail("the node holds %llu credentials in %llu events, not "
		    "%zu in %zu", (unsigned long long)st.credentials,
		    (unsigned long long)st.log_size, x.o.creds, q_events);
	progress("query node: %zu credentials in %zu events (%.0f events/s)",
	    x.o.creds, q_events, rp.q_ingest);
	redis_start(&x, &rd, x.o.creds);
	if (rd.ok)
		redis_version(&rd, rp.redis_ver, sizeof(rp.redis_ver));
	rp.qr = xcalloc(x.o.runs, sizeof(*rp.qr));
	for (i = 0; i < x.o.runs; i++) {
		struct query_round *q = &rp.qr[i];

		query_run(&x, &nd, x.o.creds, 1.0, (double)x.o.seconds, &q->q);
		progress("queries %zu/%zu: %.0f/s, p50 %.0f µs, p99 %.0f µs "
		    "(node %.2f cores, bench %.2f)", i + 1, x.o.runs, q->q.qps,
		    q->q.p50_us, q->q.p99_us, q->q.cpu.node_cores,
		    q->q.cpu.self_cores);
		if (rd.ok && (q->r_ok = redis_bench(&x, &rd, x.o.creds,
		    &q->r)))
			q->ratio = q->q.qps / q->r.rps;
		if (q->r_ok)
			progress("redis %zu/%zu: %.0f GET/s, p50 %.0f µs, "
			    "p99 %.0f µs: ours ÷ redis %.3f", i + 1, x.o.runs,
			    q->r.rps, q->r.p50_us, q->r.p99_us,
			    q->ratio);
	}
	snprintf(rp.redis_why, sizeof(rp.redis_why), "%s", rd.why);
	redis_stop(&rd);

	/* 3: memory, the same node grown to mem_events */
	rp.m_events = x.o.mem_events > q_events ? x.o.mem_events : q_events;
	if (rp.m_events > q_events) {
		progress("memory: ingesting %zu more events",
		    rp.m_events - q_events);
		rp.m_ingest = ingest(&x, &nd, q_events, rp.m_events,
		    &rp.m_cpu);
		progress("memory: %.0f events/s (node %.2f cores, %.1f KiB "
		    "written per event)", rp.m_ingest, rp.m_cpu.node_cores,
		    rp.m_cpu.disk_bytes / 1024 /
		    (double)(rp.m_events - q_events));
	}
	rp.m_creds = issues_in(&x, rp.m_events);
	rp.burst_s = x.o.quick ? 1.0 : 2.0;
	query_run(&x, &nd, rp.m_creds, 0.2, rp.burst_s, &rp.burst);
	node_memory(&nd, &rp.mem);
	for (i = 0; i < MEM_TOP && rp.mem.top[i].rss > 0; i++)
		progress("  mapping %s: %.1f MiB", rp.mem.top[i].name,
		    mib(rp.mem.top[i].rss));
	node_status(&nd, &rp.m_status);
	if (rp.m_status.log_size != rp.m_events)
		fail("the node holds %llu events, not %zu",
		    (unsigned long long)rp.m_status.log_size, rp.m_events);
	progress("memory: %zu events, %zu credentials: %.1f MiB outside "
	    "data.mdb (%.1f anonymous), data.mdb %.1f MiB, VmHWM %.1f MiB",
	    rp.m_events, rp.m_creds, mib(rp.mem.other), mib(rp.mem.anon),
	    mib(rp.mem.mdb), mib(rp.mem.hwm));
	node_stop(&nd);

	write_report(&x, &rp, argc, argv);
	if (x.o.keep) {
		progress("scratch kept in %s", x.tmp);
	} else {
		keep_dir = NULL;
		rmtree(x.tmp);
	}
	free(rp.in);
	free(rp.qr);
	free(x.info);
	free(x.issues);
	free(x.vm.msg);
	free(x.vm.len);
	free(x.vm.sig);
	free(x.vm.pk);
	cl__bench_corpus_free(&x.c);
	return 0;
}
