/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the benchmarks that run credledger-node processes share: child
 * processes stopped by PID on every way out, nodes started from a genesis
 * and read from their ready line, blocking requests over the client port,
 * the 2-core verify limit, and signed streams of many feeds.
 *
 * One thread owns the children (the caller of cl__bench_spawn()); the
 * helpers that fail call cl__bench_fail(), which stops every child and
 * exits 1, so a benchmark never leaves a node running behind it.
 */
#ifndef CL_TOOLS_BENCH_COMMON_H
#define CL_TOOLS_BENCH_COMMON_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bench.h"
#include "err.h"

struct cl_define;
struct cl_event;
struct cl_req;
struct cl_resp;
struct cl_wire_status;

#define CL_BENCH_PATH_CAP	4096	/* bytes of a path we build */
#define CL_BENCH_KIDS_MAX	64	/* children running at once */
#define CL_BENCH_READY_MS	60000	/* for a node's ready line */
#define CL_BENCH_STOP_MS	30000	/* for a child to exit after SIGTERM */
#define CL_BENCH_VERIFY_THREADS	2	/* the machine's cores */

/*
 * Name the benchmark for messages ("bench gossip") and the directory to
 * name, not remove, when it fails (NULL: none).  Installs SIGINT and
 * SIGTERM handlers that only set a flag (cl__bench_interrupted()) and
 * ignores SIGPIPE.
 */
void	cl__bench_setup(const char *name);
void	cl__bench_keep_on_failure(const char *dir);
bool	cl__bench_interrupted(void);

/* Progress to stderr: "bench <name>: ...\n". */
void	cl__bench_say(const char *fmt, ...) CL_PRINTF(1, 2);

/* Say what failed, stop every child by its PID, exit 1. */
_Noreturn void	cl__bench_fail(const char *fmt, ...) CL_PRINTF(1, 2);

/* calloc that fails the benchmark; n == 0 allocates one. */
void	*cl__bench_calloc(size_t n, size_t size);

uint64_t	cl__bench_now_ns(void);		/* CLOCK_MONOTONIC */
void		cl__bench_sleep_ms(long ms);
/* The median of n >= 1 values; v is sorted in place. */
double		cl__bench_median(double *v, size_t n);

/* dir/name into out (CL_BENCH_PATH_CAP bytes), or fail. */
void	cl__bench_path(char *out, const char *dir, const char *name);
/* Remove a tree we made (symlinks are removed, never followed). */
void	cl__bench_rmtree(const char *path);
/* The executable prog on PATH into out (CL_BENCH_PATH_CAP); false if none. */
bool	cl__bench_find_exec(const char *prog, char *out);
/* ../node/credledger-node beside this program, into out. */
void	cl__bench_default_node_bin(char *out);
/* The CPU's model name from /proc/cpuinfo, into out. */
void	cl__bench_cpu_model(char *out, size_t cap);

/*
 * Children.  cl__bench_spawn() runs argv[0] with the given descriptors as
 * stdin, stdout and stderr (-1: /dev/null) and remembers its PID;
 * cl__bench_stop() sends SIGTERM, then SIGKILL after ms, and returns the
 * wait status (-1 if it could not be had); cl__bench_wait() waits for a
 * child to exit by itself.
 */
pid_t	cl__bench_spawn(char *const argv[], int in_fd, int out_fd, int err_fd);
int	cl__bench_stop(pid_t pid, int ms);
int	cl__bench_wait(pid_t pid);
bool	cl__bench_exited_ok(int status);
/* User + system CPU seconds of a process, from /proc/PID/stat. */
double	cl__bench_proc_cpu(pid_t pid);
/*
 * CPU seconds the whole machine ran processes or had stolen by the
 * hypervisor (/proc/stat: user, nice, system, steal), for "other load".
 */
double	cl__bench_machine_busy(void);
/* This process's own user + system CPU seconds. */
double	cl__bench_self_cpu(void);

/* Write all of buf, or fail; what names the other end. */
void	cl__bench_write_all(int fd, const void *buf, size_t len,
	    const char *what);

/* A running credledger-node. */
struct cl__bench_node {
	pid_t			 pid;
	char			 data[CL_BENCH_PATH_CAP];
	char			 log[CL_BENCH_PATH_CAP];	/* its stderr */
	struct sockaddr_in	 client;
	uint16_t		 gossip_port;	/* 0: no gossip= */
	char			 key[65];	/* node=, hex */
	uint64_t		 t_spawn_ns;	/* when "run" was started */
	uint64_t		 t_ready_ns;	/* when its ready line came */
};

/*
 * "credledger-node init --data DIR --genesis FILE", then "run --data DIR
 * --listen 127.0.0.1:0" and the extra arguments (NULL-terminated, may be
 * NULL); waits for the ready line and reads the client and gossip ports
 * and the node key from it.  stderr goes to DIR.log.
 */
void	cl__bench_node_start(struct cl__bench_node *nd, const char *bin,
	    const char *dir, const char *name, const char *genesis,
	    const char *const *extra);
/* SIGTERM; fails unless it exits 0. */
void	cl__bench_node_stop(struct cl__bench_node *nd);

/* A TCP connection with TCP_NODELAY; -1 with errno on failure. */
int	cl__bench_connect(const struct sockaddr_in *sa, bool nonblock);

/*
 * One request and its answer over a new blocking connection to the
 * node's client port; buf (cap bytes) holds the answer r points into.
 * Fails unless the answer decodes and says CL_OK.
 */
void	cl__bench_rpc(const struct cl__bench_node *nd, const struct cl_req *q,
	    uint8_t *buf, size_t cap, struct cl_resp *r);
void	cl__bench_status(const struct cl__bench_node *nd,
	    struct cl_wire_status *st);

/*
 * The node's PEERS answer into r: its links (r->u.peers.p, malloc'd:
 * cl_resp_free()) and its gossip counters (r->u.peers.g).
 */
void	cl__bench_peers(const struct cl__bench_node *nd, struct cl_resp *r);

/*
 * Events [from, to) of c into the node: SUBMITs of batch events, depth
 * in flight on one connection (so every feed stays in order).  Fails
 * unless every event is accepted.  Returns the seconds from the first
 * send to the last answer.
 */
double	cl__bench_submit(const struct cl__bench_node *nd,
	    const struct cl__bench_corpus *c, size_t from, size_t to,
	    size_t batch, size_t depth);

/*
 * The signed messages of n events of c from position from on, as the
 * node verifies them, for the verify limit.
 */
struct cl__bench_vmsgs {
	uint8_t		(*msg)[CL_BENCH_MSG_MAX];
	size_t		*len;
	uint8_t		(*sig)[CL_SIG_LEN];
	uint8_t		(*pk)[CL_PK_LEN];
	size_t		 n;
};
void	cl__bench_vmsgs_make(struct cl__bench_vmsgs *vm,
	    const struct cl__bench_corpus *c, size_t from, size_t n);
void	cl__bench_vmsgs_free(struct cl__bench_vmsgs *vm);
/* crypto_sign_verify_detached per second on threads threads. */
double	cl__bench_verify_limit(const struct cl__bench_vmsgs *vm,
	    unsigned threads);

/*
 * A stream of n signed events of many feeds, signed on threads threads:
 * an authority ACCREDITs `issuers' issuers, each DEFINEs a
 * micro-credential, then ISSUEs follow round-robin over the issuers, with
 * every revoke_every-th (0: none) a REVOKE of that issuer's last ISSUE.
 * Events are those of cl__bench_corpus_make() (bench.c) otherwise; every
 * prefix is a valid ledger.  seed varies the keys.  Exits on failure.
 */
void	cl__bench_corpus_feeds(struct cl__bench_corpus *c, size_t n,
	    size_t issuers, unsigned revoke_every, uint32_t seed,
	    unsigned threads);

/* ev (initialised) becomes the benches' DEFINE, its body in *ach. */
void	cl__bench_define(struct cl_event *ev, struct cl_define *ach);

#endif
