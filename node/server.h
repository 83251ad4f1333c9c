/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client port: libuv TCP connections speaking the client protocol
 * (proto/wire.h).  Submissions are decoded and their signatures checked in
 * libuv's thread pool, then committed on the loop thread in as few write
 * transactions as the queue allows; an answer "accepted" is sent only
 * after its commit.  Queries are answered on the loop thread from LMDB
 * read transactions.  Each connection's answers come in request order.
 * Loop thread only.
 */
#ifndef CL_NODE_SERVER_H
#define CL_NODE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "config.h"
#include "err.h"
#include "ledger.h"
#include "wire.h"

struct cl__conn;
struct cl__job;
struct cl_server;
struct cl_wire_status;

/*
 * Told when a submission made with cl_server_submit() is committed (err
 * CL_OK; res holds one result per event, in order) or failed (err; res
 * undefined).  sub, res and the events' bytes are valid during the call.
 */
typedef void (*cl_submit_cb)(void *arg, const struct cl_submit *sub,
    const struct cl_result *res, uint32_t n, cl_err err);

/*
 * Told after each commit, once per submission in it: what was stored,
 * and from where (origin as given to cl_server_submit(), NULL for a
 * client).  For gossip: push what is new, not back to where it came from.
 */
typedef void (*cl_commit_cb)(void *arg, const struct cl_submit *sub,
    const struct cl_result *res, uint32_t n, const void *origin);

struct cl_server_stats {
	uint64_t	submitted;	/* events in SUBMITs */
	uint64_t	accepted;	/* of which stored */
	uint64_t	rejected;
	uint64_t	commits;	/* write transactions */
	uint64_t	queries;
	uint64_t	conns_total;
	uint64_t	conns_refused;	/* over max_conns */
	uint64_t	conns_cut;	/* closed for a protocol error,
					   a timeout or a full output */
	uint64_t	by_result[CL_ACC_MAX + 1];	/* submitted events
							   by enum cl_accept */
	uint64_t	rejected_by_err[CL_ERR_COUNT];	/* REJECTED by why */
	uint64_t	stored_ms;	/* when a commit last stored an event
					   (real-time clock); 0: never */
};

/*
 * The writer: a thread of its own that commits one batch at a time, so
 * that the loop goes on reading, checking and answering while a commit
 * waits for the disk.  mu guards the hand-over (work, quit, err,
 * log_size); everything else is the loop's.
 */
struct cl__writer {
	uv_thread_t		 th;
	uv_mutex_t		 mu;
	uv_cond_t		 cv;
	uv_async_t		 done;		/* the batch is written */
	bool			 started;
	bool			 work;		/* a batch is handed over */
	bool			 quit;
	bool			 busy;		/* loop: a batch is out */
	struct cl_apply_part	*parts;		/* PARTS_MAX */
	size_t			 nparts;
	size_t			 events;
	struct cl__job		*batch;		/* its jobs, in order */
	uint64_t		 t0;
	cl_err			 err;
	uint64_t		 log_size;
};

struct cl_server {
	uv_loop_t		*loop;
	struct cl_ledger	*ledger;
	const struct cl_config	*cfg;
	uint8_t			 node_pk[32];
	uint8_t			 node_sk[64];	/* signs checkpoints; wiped at
						   stop */
	uv_timer_t		 ckpt_timer;
	uint64_t		 ckpt_size;	/* log size at the last kept */
	uv_tcp_t		 listener;
	uv_timer_t		 sweep;
	uv_check_t		 check;
	uv_idle_t		 kick;		/* work left: do not block */
	uv_timer_t		 commit_timer;	/* a batch waits for more */
	struct cl__conn		*conns;		/* all open connections */
	size_t			 conn_cnt;
	struct cl__conn		*ready;		/* input left to process */
	struct cl__job		*jobs, *jobs_tail;	/* in arrival order */
	size_t			 jobs_cnt;	/* these and the writer's */
	struct cl__writer	 w;
	bool			 ckpt_pending;	/* due while a batch was out */
	uv_timer_t		 release_timer;	/* LMDB's pages back, idle */
	uint64_t		 batch_peak;	/* events, since the last */
	uint64_t		 queued_events;	/* in jobs_cnt */
	uint64_t		 input_ms;	/* uv_now(): the last job in */
	uint64_t		 written_ms;	/* uv_now(): the last commit */
	unsigned		 qjobs;		/* query runs on workers */
	unsigned		 verifying;	/* jobs with chunks on them */
	bool			 grow_pending;	/* the map must grow once
						   they are done */
	bool			 release_pending;	/* ... the store be
							   reopened */
	bool			 stopping;
	cl_err			 fatal;		/* storage failed: stop */
	uint64_t		 start_ms;
	char			 addr[64];	/* HOST:PORT bound */
	struct cl_server_stats	 stats;
	void			(*stopped)(struct cl_server *);
	cl_commit_cb		 on_commit;	/* may be NULL */
	void			*on_commit_arg;
	/* PEERS: fills the answer; NULL answers no links, zero counters */
	uint32_t		(*peers)(void *arg, struct cl_wire_peer *out,
				    uint32_t max, struct cl_wire_gossip *st);
	void			*peers_arg;
};

/*
 * Bind cfg->listen (port 0: any free port; the bound one is in s->addr)
 * and start serving.  ledger and cfg are borrowed and must outlive the
 * server; node_sk (libsodium's 64 bytes: seed and public key) is copied,
 * to sign checkpoints, and wiped when the server stops.  A checkpoint is
 * kept at start when the log grew since the last, and then every
 * cfg->checkpoint_s in which it grew.
 * Errors: CL_EUSAGE (bad address), CL_EIO (bind or listen).
 */
CL_NODISCARD cl_err	cl_server_start(struct cl_server *s, uv_loop_t *loop,
			    struct cl_ledger *ledger,
			    const struct cl_config *cfg,
			    const uint8_t node_sk[static 64]);

/*
 * Stop: refuse new connections, finish what is in flight (every batch
 * that was verified is committed and answered), close every connection
 * and handle, then call stopped (NULL: the one given before, if any; set
 * s->stopped after start to be told of a stop the server decides on, as
 * after a storage failure).  The loop then runs out.  Idempotent.
 */
void	cl_server_stop(struct cl_server *s,
	    void (*stopped)(struct cl_server *));

/*
 * Submit n events (copied) through the same pipeline as the client port:
 * checked in the pool, committed in order with everything queued, then
 * cb.  flags as SUBMIT's (CL_SUBMIT_NO_FORK).  Returns CL_OK (cb will be
 * called, never from within this call) or an error (it will not):
 * CL_ENOMEM, CL_ESHUTDOWN, CL_ETOOBIG (n over CL_SUBMIT_MAX).
 * Loop thread only.
 */
CL_NODISCARD cl_err	cl_server_submit(struct cl_server *s,
			    const uint8_t *const *ev, const size_t *len,
			    uint32_t n, unsigned flags, const void *origin,
			    cl_submit_cb cb, void *arg);

/* Events queued for commit (in submissions not yet committed). */
uint64_t	cl_server_queued(const struct cl_server *s);

/*
 * The node's status, the client protocol's STATUS answer (wire.h), into
 * w.  *err: CL_OK, or the ledger's error (w is then partly filled).
 */
void	cl_server_status(struct cl_server *s, struct cl_wire_status *w,
	    cl_err *err);

/*
 * Sign a checkpoint of the log as it is now with the node key; it is not
 * kept.  Errors: those of cl_ledger_root().
 */
CL_NODISCARD cl_err	cl_server_checkpoint(struct cl_server *s,
			    struct cl_checkpoint *c);

/* Milliseconds since the epoch, real-time clock. */
uint64_t	cl_now_ms(void);

#endif
