/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client port: connections, frames and submissions (queries:
 * server_query.c).
 */
#include "server.h"
#include "server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <sodium.h>

#include "checkpoint.h"
#include "log.h"
#include "wire.h"

/* What the read buffer starts at; it grows to the frame being read. */
#define IN_START	(64 * 1024)
/* Answers gathered before they go out in one write (writev). */
#define PEND_MAX	64
/* SUBMITs one connection may have in flight; a query waits for them. */
#define SUBMIT_DEPTH	4
/* Events in flight node-wide (672 bytes each, decoded) before reads wait. */
#define INFLIGHT_EVENTS	40000
/*
 * A verified submission waits this long at most for the ones being
 * checked behind it, so that they share its commit: fewer, larger write
 * transactions write fewer index pages an event.  Under load, when a
 * part of a batch (1 / COMMIT_LOAD_PART) or more is in flight, it waits
 * up to COMMIT_WAIT_LOAD_MS for a whole batch, and, with everything
 * checked, for input that pauses COMMIT_WAIT_MS.  (Not from a quarter
 * batch: one client with 8,000 events in flight then waited for all of
 * them to be checked, and the checking threads idled through the commit
 * its answers waited for: 1.69 cores busy against 1.90, 4 % slower.)
 * At 10,000 events half the pages are written an event that batches of
 * the 3,000 a commit's time gathers write, and a catch-up that commits
 * what one commit's time gathers (about 16,000 events at 1,000,000)
 * writes most pages of the random-keyed indexes each time.  An answer
 * under load comes later by that much; one alone, at once.
 */
#define COMMIT_WAIT_MS		5
#define COMMIT_WAIT_LOAD_MS	400
#define COMMIT_LOAD_PART	2
/* Events one work item checks: small enough to spread over the pool. */
#define CHUNK_EVENTS	128
/*
 * LMDB keeps the page buffers of its largest write transaction until the
 * environment closes: after a commit of more events than this, once no
 * commit has come for RELEASE_MS, the store is opened anew to give them
 * back.  A node ingests in large commits and rests in little memory.
 */
#define RELEASE_EVENTS	1000
#define RELEASE_MS	2000
/* How often idle and slow connections are looked for. */
#define SWEEP_MS	250

struct qjob;

struct cl__conn {
	uv_tcp_t		 tcp;		/* first: the handle is the conn */
	struct cl_server	*s;
	struct cl__conn		*prev, *next;	/* s->conns */
	struct cl__conn		*ready_next;	/* s->ready */
	uint8_t			*in;
	size_t			 in_len, in_cap;
	size_t			 out_len;	/* bytes queued to write */
	uint8_t			*pend[PEND_MAX];	/* answers not yet
							   written: 0
							   free, then frame */
	size_t			 pend_len[PEND_MAX];
	unsigned		 pend_cnt;
	uint64_t		 last_ms;	/* last whole frame, or accept */
	uint64_t		 frame_ms;	/* a frame began; 0: none */
	unsigned		 jobs;		/* SUBMITs in flight */
	struct qjob		*qjob;		/* CREDENTIALs out, or NULL */
	bool			 waiting;	/* for room in flight */
	bool			 reading;
	bool			 queued;	/* on s->ready */
	bool			 closing;
	bool			 close_after;	/* once the output is out */
	uint32_t		 id;
	char			 peer[64];
};

struct cl__job {
	struct cl__job		*next;
	struct cl_server	*s;
	struct cl__conn		*c;		/* NULL once it closed */
	uint8_t			*payload;	/* the request's bytes */
	struct cl_req		 req;		/* events point into payload */
	struct cl_submit	*sub;
	struct cl_result	*res;
	uint32_t		 chunks_left;
	bool			 verified;
	uint64_t		 verified_ms;
	cl_submit_cb		 cb;		/* not from a connection */
	void			*cb_arg;
	const void		*origin;
};

struct chunk {
	uv_work_t		 w;
	struct cl__job		*j;
	uint32_t		 from, to;
};

/*
 * A run of CREDENTIAL requests of one connection, answered on a worker
 * thread: looking a credential up and encoding its proof bundle is most
 * of what a query costs, and on the loop it kept the node to one core.
 * The connection takes no other request until the answers are queued,
 * in order.
 */
#define QJOB_MAX	32

struct qjob {
	uv_work_t		 w;
	struct cl_server	*s;
	struct cl__conn		*c;		/* NULL once it closed */
	uint32_t		 n;
	uint8_t			 key[QJOB_MAX][CL_ID_LEN];
	uint8_t			*out[QJOB_MAX];	/* answer frames; NULL:
						   out of memory */
	size_t			 out_len[QJOB_MAX];
	bool			 queued;	/* on the pool: no more */
};

/*
 * One write of a connection's gathered answers: the request, and the
 * answers it owns (each freed when the write is done).
 */
struct wreq {
	uv_write_t		 w;
	struct cl__conn		*c;
	size_t			 len;
	unsigned		 n;
	uint8_t			*bufs[PEND_MAX];
};

static const char comp[] = "client";

/* "1.2.3.4:5" or "[::1]:5". */
static void
addr_name(const struct sockaddr_storage *ss, char *out, size_t cap)
{
	char	host[48];

	if (ss->ss_family == AF_INET6) {
		uv_ip6_name((const struct sockaddr_in6 *)ss, host,
		    sizeof(host));
		snprintf(out, cap, "[%s]:%d", host,
		    ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	} else if (ss->ss_family == AF_INET) {
		uv_ip4_name((const struct sockaddr_in *)ss, host,
		    sizeof(host));
		snprintf(out, cap, "%s:%d", host,
		    ntohs(((const struct sockaddr_in *)ss)->sin_port));
	} else {
		snprintf(out, cap, "?");
	}
}
static uint32_t	next_conn_id = 1;

uint64_t
cl_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
mono_ms(struct cl_server *s)
{
	return uv_now(s->loop);
}

static void	conn_drain(struct cl__conn *);
static void	mark_ready(struct cl__conn *);
static void	maybe_stopped(struct cl_server *);

static void
on_closed(uv_handle_t *h)
{
	struct cl__conn		*c = (struct cl__conn *)h;
	struct cl_server	*s = c->s;

	while (c->pend_cnt > 0)
		free(c->pend[--c->pend_cnt]);
	free(c->in);
	free(c);
	maybe_stopped(s);
}

/* The one close path.  Idempotent; memory goes in on_closed. */
void
cl__conn_close(struct cl__conn *c, const char *why, cl_err err)
{
	struct cl_server	*s = c->s;
	struct cl__conn		**pp;

	if (c->closing)
		return;
	c->closing = true;
	if (err != CL_OK) {
		s->stats.conns_cut++;
		cl_log_info(comp, "peer=%s conn=%u closed: %s err=%s", c->peer,
		    c->id, why, cl_strerror(err));
	} else {
		cl_log_debug(comp, "peer=%s conn=%u closed: %s", c->peer,
		    c->id, why);
	}
	if (c->jobs > 0) {
		struct cl__job *j;

		for (j = s->jobs; j != NULL; j = j->next)
			if (j->c == c)
				j->c = NULL;	/* it commits; nobody to answer */
		for (j = s->w.batch; j != NULL; j = j->next)
			if (j->c == c)
				j->c = NULL;
	}
	c->jobs = 0;
	if (c->qjob != NULL) {
		if (c->qjob->queued)
			c->qjob->c = NULL;	/* answered into the void */
		else
			free(c->qjob);
		c->qjob = NULL;
	}
	if (c->queued) {
		for (pp = &s->ready; *pp != NULL; pp = &(*pp)->ready_next)
			if (*pp == c) {
				*pp = c->ready_next;
				break;
			}
		c->queued = false;
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->conn_cnt--;
	uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void
on_written(uv_write_t *w, int status)
{
	struct wreq	*wr = (struct wreq *)w;
	struct cl__conn	*c = wr->c;

	c->out_len -= wr->len;
	while (wr->n > 0)
		free(wr->bufs[--wr->n]);
	free(wr);
	if (c->closing)
		return;
	if (status < 0) {
		cl__conn_close(c, "write failed", CL_EIO);
		return;
	}
	if (c->close_after && c->out_len == 0) {
		cl__conn_close(c, "closing", CL_OK);
		return;
	}
	/* below the output budget again: take more requests */
	if (c->out_len < c->s->cfg->out_max / 2)
		conn_drain(c);
}

/* Write every gathered answer of c in one writev. */
static void
conn_flush(struct cl__conn *c)
{
	struct wreq	*wr;
	uv_buf_t	 b[PEND_MAX];
	size_t		 len = 0;
	unsigned	 i;

	if (c->pend_cnt == 0 || c->closing)
		return;
	if ((wr = malloc(sizeof(*wr))) == NULL) {
		cl__conn_close(c, "out of memory", CL_ENOMEM);
		return;
	}
	for (i = 0; i < c->pend_cnt; i++) {
		b[i] = uv_buf_init((char *)c->pend[i], (unsigned)c->pend_len[i]);
		wr->bufs[i] = c->pend[i];
		len += c->pend_len[i];
	}
	wr->c = c;
	wr->n = c->pend_cnt;
	wr->len = len;
	c->pend_cnt = 0;
	if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, b, wr->n,
	    on_written) != 0) {
		c->out_len -= len;
		while (wr->n > 0)
			free(wr->bufs[--wr->n]);
		free(wr);
		cl__conn_close(c, "write failed", CL_EIO);
	}
}

/* Gather an encoded answer (takes buf); conn_drain() writes them. */
void
cl__conn_send(struct cl__conn *c, uint8_t *buf, size_t len)
{
	if (c->closing) {
		free(buf);
		return;
	}
	if (c->pend_cnt == PEND_MAX)
		conn_flush(c);
	if (c->closing) {
		free(buf);
		return;
	}
	c->pend[c->pend_cnt] = buf;
	c->pend_len[c->pend_cnt++] = len;
	c->out_len += len;
}

void
cl__send_resp(struct cl__conn *c, const struct cl_resp *r)
{
	uint8_t	*buf;
	size_t	 len;
	cl_err	 err;

	if ((err = cl_resp_encode(r, 0, &buf, &len)) != CL_OK) {
		if (cl_resp_encode_err(err, "answer too large", 0,
		    &buf, &len) != CL_OK) {
			cl__conn_close(c, "out of memory", CL_ENOMEM);
			return;
		}
	}
	cl__conn_send(c, buf, len);
}

void
cl__send_err(struct cl__conn *c, cl_err code, const char *msg)
{
	uint8_t	*buf;
	size_t	 len;

	if (cl_resp_encode_err(code, msg, 0, &buf, &len) != CL_OK) {
		cl__conn_close(c, "out of memory", CL_ENOMEM);
		return;
	}
	cl__conn_send(c, buf, len);
}

/* Answer, then close once it is written: the framing is lost. */
static void
fail_conn(struct cl__conn *c, cl_err code, const char *msg)
{
	if (c->closing)
		return;
	c->s->stats.conns_cut++;
	cl__send_err(c, code, msg);
	conn_flush(c);
	if (c->closing)
		return;
	c->close_after = true;
	if (c->reading) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = false;
	}
}

/* Queries are answered in server_query.c. */

struct cl_server *
cl__conn_server(const struct cl__conn *c)
{
	return c->s;
}

static void
qjob_work(uv_work_t *w)
{
	struct qjob	*qj = (struct qjob *)w;
	uint32_t	 i;

	for (i = 0; i < qj->n; i++)
		qj->out[i] = cl__credential_answer(qj->s->ledger, qj->key[i],
		    &qj->out_len[i]);
}

static void	grow_resume(struct cl_server *);
static void	on_release(uv_timer_t *);

/* Queue qj's answers on its connection, if it is still open. */
static void
qjob_answer(struct qjob *qj)
{
	struct cl__conn	*c = qj->c;
	uint32_t	 i;

	for (i = 0; i < qj->n; i++) {
		if (c == NULL || c->closing)
			free(qj->out[i]);
		else if (qj->out[i] == NULL)
			cl__conn_close(c, "out of memory", CL_ENOMEM);
		else
			cl__conn_send(c, qj->out[i], qj->out_len[i]);
	}
	if (c != NULL && !c->closing)
		c->qjob = NULL;
}

static void
qjob_done(uv_work_t *w, int status)
{
	struct qjob		*qj = (struct qjob *)w;
	struct cl_server	*s = qj->s;
	struct cl__conn		*c = qj->c;

	(void)status;	/* never cancelled: stop waits for it */
	s->qjobs--;
	qjob_answer(qj);
	if (c != NULL && !c->closing)
		conn_drain(c);	/* the next requests, in order */
	free(qj);
	if (s->qjobs == 0 && s->release_pending)
		on_release(&s->release_timer);
	if (s->qjobs == 0)
		grow_resume(s);
	if (s->stopping)
		maybe_stopped(s);
}

/*
 * Is the frame p (len bytes) a CREDENTIAL request that a worker may
 * answer?  Then its key is in *q.  Not while the map must grow or the
 * store be reopened, which need every reader out, nor while the workers
 * check signatures: a query would wait behind them, and is answered on
 * the loop at once.
 */
static bool
qjob_takes(struct cl_server *s, const uint8_t *p, size_t len,
    struct cl_req *q)
{
	const char	*why;

	if (s->grow_pending || s->release_pending || s->stopping ||
	    s->verifying > 0 || len < 2 ||
	    p[1] != CL_OP_CREDENTIAL)
		return false;
	if (cl_req_decode(q, p, len, &why) != CL_OK)
		return false;		/* handle() says what is wrong */
	if (q->op != CL_OP_CREDENTIAL) {
		cl_req_free(q);
		return false;
	}
	return true;
}

/* Add a CREDENTIAL to c's run; false when the run is full. */
static bool
qjob_add(struct cl__conn *c, const struct cl_req *q)
{
	struct qjob	*qj = c->qjob;

	if (qj == NULL) {
		if ((qj = calloc(1, sizeof(*qj))) == NULL)
			return false;
		qj->s = c->s;
		qj->c = c;
		c->qjob = qj;
	}
	if (qj->n == QJOB_MAX)
		return false;
	memcpy(qj->key[qj->n++], q->key, CL_ID_LEN);
	return true;
}

static void
qjob_start(struct cl__conn *c)
{
	struct qjob	*qj = c->qjob;
	int		 rc;

	qj->queued = true;
	if ((rc = uv_queue_work(c->s->loop, &qj->w, qjob_work,
	    qjob_done)) == 0) {
		c->s->qjobs++;
		return;
	}
	/* libuv refuses only bad arguments: answer here, then */
	cl_log_err(comp, "queueing queries failed: %s", uv_strerror(rc));
	qjob_work(&qj->w);
	qjob_answer(qj);
	free(qj);
}

/* Keep a checkpoint when the log grew since the last one kept. */
static void
keep_checkpoint(struct cl_server *s)
{
	struct cl_checkpoint	c;
	cl_err			err;

	if (s->ledger->log_size == s->ckpt_size)
		return;		/* nothing new to attest */
	if (s->w.busy) {
		s->ckpt_pending = true;	/* one write txn at a time */
		return;
	}
	if ((err = cl_server_checkpoint(s, &c)) == CL_OK)
		err = cl_ledger_checkpoint_put(s->ledger, &c);
	if (err != CL_OK) {
		cl_log_warn("node", "checkpoint of size %llu not kept err=%s",
		    (unsigned long long)c.size, cl_strerror(err));
		return;
	}
	s->ckpt_size = c.size;
	cl_log_info("node", "checkpoint: size %llu", (unsigned long long)
	    c.size);
}

static void
on_ckpt_timer(uv_timer_t *t)
{
	keep_checkpoint(t->data);
}

/* Submissions: verify in the pool, commit on the loop, then answer. */

static void
job_free(struct cl__job *j)
{
	uint32_t	i;

	if (j == NULL)
		return;
	if (j->sub != NULL)
		for (i = 0; i < j->req.ev_cnt; i++)
			cl_submit_free(&j->sub[i]);
	free(j->sub);
	free(j->res);
	cl_req_free(&j->req);
	free(j->payload);
	free(j);
}

/* Decode and verify events [from, to) of j.  Any thread. */
static void
prepare_range(struct cl__job *j, uint32_t from, uint32_t to)
{
	const uint8_t	*netid = j->s->ledger->genesis.netid;
	uint32_t	 i;

	for (i = from; i < to; i++) {
		cl_ledger_prepare(netid, j->req.ev[i], j->req.ev_len[i],
		    &j->sub[i]);
		j->sub[i].no_fork = (j->req.flags & CL_SUBMIT_NO_FORK) != 0;
	}
}

static void
verify_work(uv_work_t *w)
{
	struct chunk	*ch = (struct chunk *)w;

	prepare_range(ch->j, ch->from, ch->to);
}

static void
verify_done(uv_work_t *w, int status)
{
	struct chunk	*ch = (struct chunk *)w;
	struct cl__job	*j = ch->j;

	(void)status;	/* never cancelled: stop waits for the pool */
	free(ch);
	if (--j->chunks_left == 0) {
		j->verified = true;	/* the check handle commits it */
		j->verified_ms = uv_now(j->s->loop);
		j->s->verifying--;
	}
}

static void
answer_job(struct cl__job *j, cl_err err)
{
	struct cl__conn		*c = j->c;
	struct cl_wire_result	*wr;
	struct cl_resp		 r;
	uint32_t		 i;

	if (c == NULL)
		return;
	c->jobs--;
	if (err != CL_OK) {
		cl__send_err(c, err, "the batch was not stored");
	} else if ((wr = calloc(j->req.ev_cnt, sizeof(*wr))) == NULL) {
		cl__send_err(c, CL_ENOMEM, NULL);
	} else {
		for (i = 0; i < j->req.ev_cnt; i++) {
			const struct cl_result *x = &j->res[i];

			wr[i].acc = x->acc;
			wr[i].err = x->err;
			wr[i].field = x->field;
			wr[i].field_len = x->field ? strlen(x->field) : 0;
			wr[i].void_reason = x->void_reason;
			wr[i].pos = x->pos;
			wr[i].head_seq = x->head_seq;
			memcpy(wr[i].id, x->id, CL_ID_LEN);
		}
		memset(&r, 0, sizeof(r));
		r.op = CL_OP_SUBMIT;
		r.u.submit.cnt = j->req.ev_cnt;
		r.u.submit.r = wr;
		cl__send_resp(c, &r);
		free(wr);
	}
	conn_drain(c);		/* the next request, in order */
}

static bool
stored(enum cl_accept a)
{
	return a == CL_ACC_ACCEPTED || a == CL_ACC_FORK ||
	    a == CL_ACC_DISPUTED;
}

/* Jobs one batch takes at most (a job is one SUBMIT, or one peer's). */
#define PARTS_MAX	1024

/* The writer thread: one batch at a time, handed over under w->mu. */
static void
writer_main(void *arg)
{
	struct cl_server	*s = arg;
	struct cl__writer	*w = &s->w;
	uint64_t		 size = 0;
	cl_err			 err;

	uv_mutex_lock(&w->mu);
	for (;;) {
		while (!w->work && !w->quit)
			uv_cond_wait(&w->cv, &w->mu);
		if (!w->work)
			break;		/* quit, and nothing handed over */
		uv_mutex_unlock(&w->mu);
		err = cl_ledger_write(s->ledger, w->parts, w->nparts, &size);
		uv_mutex_lock(&w->mu);
		w->err = err;
		w->log_size = size;
		w->work = false;
		uv_async_send(&w->done);
	}
	uv_mutex_unlock(&w->mu);
}

static void
writer_go(struct cl__writer *w)
{
	uv_mutex_lock(&w->mu);
	w->work = true;
	uv_cond_signal(&w->cv);
	uv_mutex_unlock(&w->mu);
}

/*
 * Hand the verified jobs at the head of the queue to the writer, up to
 * batch_max events (at least one job), for one write transaction.  Jobs
 * behind an unverified one wait: events of one feed may span jobs, and
 * must be applied in the order they came.  One batch is out at a time;
 * what is verified meanwhile goes into the next, so batches grow with the
 * load and a commit's wait for the disk is shared by more events.
 */
static void
commit_start(struct cl_server *s)
{
	struct cl__writer	*w = &s->w;
	struct cl__job		*j, *last = NULL;
	size_t			 n = 0, events = 0;

	if (w->busy)
		return;
	for (j = s->jobs; j != NULL && j->verified && n < PARTS_MAX;
	    j = j->next) {
		if (n > 0 && events + j->req.ev_cnt > s->cfg->batch_max)
			break;
		w->parts[n].in = j->sub;
		w->parts[n].n = j->req.ev_cnt;
		w->parts[n].out = j->res;
		events += j->req.ev_cnt;
		last = j;
		n++;
	}
	if (n == 0)
		return;
	/* off the queue: new jobs queue behind, the batch stays in order */
	w->batch = s->jobs;
	s->jobs = last->next;
	last->next = NULL;
	if (s->jobs == NULL)
		s->jobs_tail = NULL;
	w->nparts = n;
	w->events = events;
	w->t0 = uv_hrtime();
	w->busy = true;
	writer_go(w);
}

static void	keep_checkpoint(struct cl_server *);
static void	on_kick(uv_idle_t *);

/* Quiet since the last large commit: LMDB's page buffers back. */
static void
on_release(uv_timer_t *t)
{
	struct cl_server	*s = t->data;
	cl_err			 err;

	s->release_pending = false;
	if (s->w.busy || s->stopping)
		return;		/* the next commit starts the timer again */
	if (s->qjobs > 0) {
		/* reopening needs every reader out: the last one does it */
		s->release_pending = true;
		return;
	}
	if ((err = cl_store_release(&s->ledger->st)) != CL_OK) {
		cl_log_err("ledger", "reopening the store failed err=%s",
		    cl_strerror(err));
		s->fatal = err;
		cl_server_stop(s, NULL);
		return;
	}
	cl_ledger_trim(s->ledger);
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
	cl_log_debug("ledger", "store reopened after commits of up to %llu "
	    "events: their page buffers given back",
	    (unsigned long long)s->batch_peak);
	s->batch_peak = 0;
}

/* The writer is done with its batch: answer it, on the loop. */
static void
on_batch_written(uv_async_t *h)
{
	struct cl_server	*s = h->data;
	struct cl__writer	*w = &s->w;
	struct cl__job		*j, *next;
	size_t			 i;
	uint64_t		 size;
	cl_err			 err;

	uv_mutex_lock(&w->mu);
	if (!w->busy || w->work) {
		uv_mutex_unlock(&w->mu);
		return;		/* a wake-up for a batch answered already */
	}
	err = w->err;
	size = w->log_size;
	uv_mutex_unlock(&w->mu);
	if (err == CL_EMAPFULL && s->qjobs > 0) {
		/* resizing needs every reader out: the last one resumes */
		s->grow_pending = true;
		return;
	}
	if (err == CL_EMAPFULL &&
	    (err = cl_store_grow(&s->ledger->st)) == CL_OK) {
		/* nothing was stored, and no read is open here: again */
		cl_log_info("ledger", "map grown to %zu MiB",
		    s->ledger->st.map_size >> 20);
		writer_go(w);
		return;
	}
	w->busy = false;
	s->written_ms = uv_now(s->loop);
	s->stats.commits++;
	if (w->events > s->batch_peak)
		s->batch_peak = w->events;
	if (s->batch_peak > RELEASE_EVENTS)
		uv_timer_start(&s->release_timer, on_release, RELEASE_MS, 0);
	if (err == CL_OK) {
		s->ledger->log_size = size;
	} else {
		cl_log_err("ledger", "commit of %zu events failed, nothing "
		    "stored err=%s", w->events, cl_strerror(err));
		if (err != CL_EMAPFULL)
			s->fatal = err;
	}
	for (j = w->batch, w->batch = NULL; j != NULL; j = next) {
		next = j->next;
		for (i = 0; err == CL_OK && i < j->req.ev_cnt; i++) {
			s->stats.by_result[j->res[i].acc]++;
			if (stored(j->res[i].acc)) {
				s->stats.accepted++;
				s->stats.stored_ms = cl_now_ms();
			} else if (j->res[i].acc == CL_ACC_REJECTED) {
				s->stats.rejected++;
				if ((unsigned)j->res[i].err < CL_ERR_COUNT)
					s->stats.rejected_by_err[
					    j->res[i].err]++;
			}
		}
		s->jobs_cnt--;
		s->queued_events -= j->req.ev_cnt;
		if (err == CL_OK && s->on_commit != NULL)
			s->on_commit(s->on_commit_arg, j->sub, j->res,
			    j->req.ev_cnt, j->origin);
		if (j->cb != NULL)
			j->cb(j->cb_arg, j->sub, j->res, j->req.ev_cnt, err);
		else
			answer_job(j, err);
		job_free(j);
	}
	cl_log_debug("ledger", "committed %zu events of %zu submissions in "
	    "%.1f ms", w->events, w->nparts,
	    (double)(uv_hrtime() - w->t0) / 1e6);
	/* room in flight again: the connections that waited for it go on */
	if (s->queued_events < INFLIGHT_EVENTS) {
		struct cl__conn *c;

		for (c = s->conns; c != NULL; c = c->next)
			if (c->waiting && !c->closing) {
				c->waiting = false;
				mark_ready(c);
			}
	}
	if (s->ckpt_pending && s->fatal == CL_OK) {
		s->ckpt_pending = false;
		keep_checkpoint(s);
	}
	if (s->fatal != CL_OK)
		cl_server_stop(s, NULL);
	/* the next batch, and the rest, from the check handle */
	uv_idle_start(&s->kick, on_kick);
}

/* The last query run is done: the map may grow, the batch go again. */
static void
grow_resume(struct cl_server *s)
{
	if (!s->grow_pending)
		return;
	s->grow_pending = false;
	on_batch_written(&s->w.done);
}

/* Queue j (its events in j->req) and start checking them in the pool. */
static cl_err
job_start(struct cl_server *s, struct cl__job *j)
{
	struct chunk	*ch;
	uint32_t	 i;

	j->s = s;
	j->sub = calloc(j->req.ev_cnt, sizeof(*j->sub));
	j->res = calloc(j->req.ev_cnt, sizeof(*j->res));
	if (j->sub == NULL || j->res == NULL)
		return CL_ENOMEM;
	s->stats.submitted += j->req.ev_cnt;
	s->queued_events += j->req.ev_cnt;
	s->input_ms = uv_now(s->loop);
	/* into the queue first: a chunk may finish before the loop ends */
	if (s->jobs_tail != NULL)
		s->jobs_tail->next = j;
	else
		s->jobs = j;
	s->jobs_tail = j;
	s->jobs_cnt++;
	for (i = 0; i < j->req.ev_cnt; i += CHUNK_EVENTS) {
		if ((ch = calloc(1, sizeof(*ch))) == NULL) {
			/* verify the rest here: slower, still correct */
			prepare_range(j, i, j->req.ev_cnt);
			break;
		}
		ch->j = j;
		ch->from = i;
		ch->to = i + CHUNK_EVENTS < j->req.ev_cnt ?
		    i + CHUNK_EVENTS : j->req.ev_cnt;
		j->chunks_left++;
		if (uv_queue_work(s->loop, &ch->w, verify_work,
		    verify_done) != 0) {
			j->chunks_left--;
			verify_work(&ch->w);
			free(ch);
		}
	}
	if (j->chunks_left == 0) {
		j->verified = true;
		j->verified_ms = uv_now(s->loop);
	} else {
		s->verifying++;
	}
	return CL_OK;
}

static void
start_submit(struct cl__conn *c, const uint8_t *payload, size_t len)
{
	struct cl__job	*j;
	const char	*why;
	cl_err		 err;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->payload = malloc(len)) == NULL) {
		free(j);
		cl__send_err(c, CL_ENOMEM, NULL);
		return;
	}
	memcpy(j->payload, payload, len);
	if ((err = cl_req_decode(&j->req, j->payload, len, &why)) != CL_OK) {
		job_free(j);
		cl__send_err(c, err, why);
		return;
	}
	j->c = c;
	if ((err = job_start(c->s, j)) != CL_OK) {
		job_free(j);
		cl__send_err(c, err, NULL);
		return;
	}
	c->jobs++;	/* its next query waits for every one */
}

cl_err
cl_server_submit(struct cl_server *s, const uint8_t *const *ev,
    const size_t *len, uint32_t n, unsigned flags, const void *origin,
    cl_submit_cb cb, void *arg)
{
	struct cl__job	*j;
	size_t		 total = 0, off = 0;
	uint32_t	 i;
	cl_err		 err;

	if (s->stopping)
		return CL_ESHUTDOWN;
	if (n == 0 || n > CL_SUBMIT_MAX)
		return CL_ETOOBIG;
	for (i = 0; i < n; i++)
		total += len[i];
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->payload = malloc(total + 1)) == NULL ||
	    (j->req.ev = calloc(n, sizeof(*j->req.ev))) == NULL ||
	    (j->req.ev_len = calloc(n, sizeof(*j->req.ev_len))) == NULL) {
		job_free(j);
		return CL_ENOMEM;
	}
	j->req.op = CL_OP_SUBMIT;
	j->req.flags = flags;
	j->req.ev_cnt = n;
	for (i = 0; i < n; i++) {
		memcpy(j->payload + off, ev[i], len[i]);
		j->req.ev[i] = j->payload + off;
		j->req.ev_len[i] = len[i];
		off += len[i];
	}
	j->cb = cb;
	j->cb_arg = arg;
	j->origin = origin;
	if ((err = job_start(s, j)) != CL_OK) {
		/* job_start queues only once it cannot fail */
		job_free(j);
		return err;
	}
	return CL_OK;
}

uint64_t
cl_server_queued(const struct cl_server *s)
{
	return s->queued_events;
}

/* One whole request frame. */
static void
handle(struct cl__conn *c, const uint8_t *p, size_t len)
{
	struct cl_req	q;
	const char	*why;
	cl_err		err;

	c->s->stats.queries++;
	/* a submit is decoded again from its own copy, in start_submit */
	if (len > 1 && p[1] == CL_OP_SUBMIT) {
		start_submit(c, p, len);
		return;
	}
	if ((err = cl_req_decode(&q, p, len, &why)) != CL_OK) {
		char esc[4 * 64 + 4];

		cl_log_info(comp, "peer=%s conn=%u bad request: %s: %s",
		    c->peer, c->id, why ? why : cl_strerror(err),
		    cl_log_escape(esc, sizeof(esc), p, len));
		cl__send_err(c, err, why);
		return;
	}
	switch (q.op) {
	case CL_OP_SUBMIT:
		/* p[1] is the op only in the smallest encoding: decode */
		cl_req_free(&q);
		start_submit(c, p, len);
		return;
	case CL_OP_CREDENTIAL:
		cl__q_credential(c, &q);
		break;
	case CL_OP_BY_DIGEST:
	case CL_OP_BY_HOLDER:
		cl__q_ids(c, &q);
		break;
	case CL_OP_HEAD:
		cl__q_head(c, &q);
		break;
	case CL_OP_STATUS:
		cl__q_status(c);
		break;
	case CL_OP_GENESIS:
		cl__q_genesis(c);
		break;
	case CL_OP_CHECKPOINT:
		cl__q_checkpoint(c);
		break;
	case CL_OP_CHECKPOINTS:
		cl__q_checkpoints(c, &q);
		break;
	case CL_OP_INCLUSION:
	case CL_OP_CONSISTENCY:
		cl__q_proof(c, &q);
		break;
	case CL_OP_EVENTS:
		cl__q_events(c, &q);
		break;
	case CL_OP_PEERS:
		cl__q_peers(c);
		break;
	}
	cl_req_free(&q);
}

static void	on_alloc(uv_handle_t *, size_t, uv_buf_t *);
static void	on_read(uv_stream_t *, ssize_t, const uv_buf_t *);

static void
read_start(struct cl__conn *c)
{
	if (c->reading || c->closing || c->close_after || c->s->stopping)
		return;
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = true;
	else
		cl__conn_close(c, "read failed", CL_EIO);
}

static void
read_stop(struct cl__conn *c)
{
	if (c->reading)
		uv_read_stop((uv_stream_t *)&c->tcp);
	c->reading = false;
}

static void
mark_ready(struct cl__conn *c)
{
	if (c->queued)
		return;
	c->queued = true;
	c->ready_next = c->s->ready;
	c->s->ready = c;
}

/*
 * Take whole frames from the input, in order, at most CL_FRAMES_PER_READ
 * at a time (the rest waits for the check handle, so that one client's
 * pipeline cannot starve the others).  A SUBMIT in flight, or a full
 * output, stops it: answers stay in request order and memory bounded.
 */
static void
drain_frames(struct cl__conn *c)
{
	struct cl_server	*s = c->s;
	size_t			 off = 0;
	uint32_t		 plen;
	int			 frames = 0;
	cl_err			 err;

	bool			 blocked = false, submit, taken;
	const uint8_t		*p;
	struct cl_req		 q;

	while (!c->closing && !c->close_after &&
	    c->out_len < s->cfg->out_max && frames < CL_FRAMES_PER_READ) {
		if (c->qjob != NULL && c->qjob->queued) {
			blocked = true;		/* answers first */
			break;
		}
		err = cl_wire_frame(c->in + off, c->in_len - off,
		    (uint32_t)s->cfg->max_frame, &plen);
		if (err != CL_OK) {
			fail_conn(c, err, err == CL_ETOOBIG ?
			    "frame longer than this node takes" :
			    "a frame of length 0");
			cl_log_info(comp, "peer=%s conn=%u bad frame err=%s",
			    c->peer, c->id, cl_strerror(err));
			break;
		}
		if (plen == 0 || c->in_len - off - CL_WIRE_HDR_LEN < plen) {
			/* a part of a frame: it must end in time */
			if (c->in_len - off > 0 && c->frame_ms == 0)
				c->frame_ms = mono_ms(s);
			break;
		}
		c->frame_ms = 0;
		p = c->in + off + CL_WIRE_HDR_LEN;
		/* a run of CREDENTIALs goes to a worker, and first */
		if (c->jobs == 0 && qjob_takes(s, p, plen, &q)) {
			taken = qjob_add(c, &q);
			cl_req_free(&q);
			if (taken) {
				s->stats.queries++;
				c->last_ms = mono_ms(s);
				off += CL_WIRE_HDR_LEN + plen;
				frames++;
				continue;
			}
		}
		if (c->qjob != NULL) {
			blocked = true;		/* its answers go first */
			break;
		}
		/*
		 * SUBMITs pipeline (their answers keep their order: the
		 * commit queue is one FIFO); anything else waits for them.
		 */
		submit = plen >= 2 && p[0] == 0x93 && p[1] == CL_OP_SUBMIT;
		if ((c->jobs > 0 && !submit) ||
		    (submit && c->jobs >= SUBMIT_DEPTH)) {
			blocked = true;
			break;
		}
		if (submit && s->queued_events >= INFLIGHT_EVENTS) {
			c->waiting = true;	/* on_batch_written wakes it */
			blocked = true;
			break;
		}
		c->last_ms = mono_ms(s);
		handle(c, p, plen);
		off += CL_WIRE_HDR_LEN + plen;
		frames++;
	}
	if (c->closing)
		return;
	if (c->qjob != NULL && !c->qjob->queued) {
		qjob_start(c);
		blocked = c->qjob != NULL;	/* done at once: not */
	}
	if (off > 0) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	if (c->in_len == 0 && c->in_cap > 0) {
		/* idle connections hold no buffer */
		free(c->in);
		c->in = NULL;
		c->in_cap = 0;
	}
	if (frames == CL_FRAMES_PER_READ && !blocked &&
	    c->out_len < s->cfg->out_max)
		mark_ready(c);		/* more may be waiting */
	if (blocked || c->out_len >= s->cfg->out_max || c->close_after)
		read_stop(c);
	else
		read_start(c);
}

/* Take what requests may be taken; write their answers in one go. */
static void
conn_drain(struct cl__conn *c)
{
	drain_frames(c);
	conn_flush(c);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct cl__conn	*c = (struct cl__conn *)h;
	size_t		 want = IN_START;
	uint32_t	 plen = 0;
	uint8_t		*p;

	(void)hint;
	/* a header read: grow to the whole frame it declares (checked) */
	if (cl_wire_frame(c->in, c->in_len, (uint32_t)c->s->cfg->max_frame,
	    &plen) == CL_OK && plen > 0 &&
	    (size_t)plen + CL_WIRE_HDR_LEN > want)
		want = (size_t)plen + CL_WIRE_HDR_LEN;
	if (c->in_cap - c->in_len == 0 || want > c->in_cap) {
		if (want <= c->in_cap)
			want = c->in_cap + IN_START;
		if (want > c->s->cfg->max_frame + CL_WIRE_HDR_LEN + IN_START)
			want = c->s->cfg->max_frame + CL_WIRE_HDR_LEN +
			    IN_START;
		if (want > c->in_cap && (p = realloc(c->in, want)) != NULL) {
			c->in = p;
			c->in_cap = want;
		}
	}
	*buf = uv_buf_init((char *)c->in + c->in_len,
	    (unsigned)(c->in_cap - c->in_len));
}

static void
on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct cl__conn	*c = (struct cl__conn *)st;

	(void)buf;
	if (nread < 0) {
		cl__conn_close(c, nread == UV_EOF ? "end of stream" :
		    uv_strerror((int)nread), nread == UV_EOF ? CL_OK :
		    CL_EIO);
		return;
	}
	if (nread == 0)
		return;		/* EAGAIN */
	/* (no room left, when on_alloc could not grow, is UV_ENOBUFS) */
	c->in_len += (size_t)nread;
	conn_drain(c);
}

static void
on_connection(uv_stream_t *l, int status)
{
	struct cl_server	*s = l->data;
	struct cl__conn		*c;
	struct sockaddr_storage	 ss;
	int			 sl = sizeof(ss);

	if (status < 0) {
		cl_log_warn(comp, "accept: %s", uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cl_log_err(comp, "accept: out of memory");
		return;
	}
	c->s = s;
	uv_tcp_init(s->loop, &c->tcp);
	if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
		uv_close((uv_handle_t *)&c->tcp, (uv_close_cb)free);
		return;
	}
	c->id = next_conn_id++;
	memset(&ss, 0, sizeof(ss));
	(void)uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &sl);
	addr_name(&ss, c->peer, sizeof(c->peer));
	uv_tcp_nodelay(&c->tcp, 1);
	c->last_ms = mono_ms(s);
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->conn_cnt++;
	s->stats.conns_total++;
	if (s->conn_cnt > s->cfg->max_conns) {
		s->stats.conns_refused++;
		fail_conn(c, CL_EBUSY, "too many connections");
		cl_log_warn(comp, "peer=%s refused: %zu connections open",
		    c->peer, s->conn_cnt - 1);
		return;
	}
	cl_log_debug(comp, "peer=%s conn=%u open", c->peer, c->id);
	read_start(c);
}

static void
on_kick(uv_idle_t *h)
{
	(void)h;	/* on_check does the work, after this poll */
}

static void
on_commit_timer(uv_timer_t *t)
{
	(void)t;	/* on_check, after this turn's poll, commits */
}

/*
 * Is the verified head of the queue to be committed now?  Yes when it
 * is a full batch; when nothing is being checked behind it and the
 * queue is short, or, under load, input has paused COMMIT_WAIT_MS; and
 * when it has waited COMMIT_WAIT_MS (COMMIT_WAIT_LOAD_MS under load).
 * Else a timer wakes the loop then.
 */
static bool
commit_due(struct cl_server *s)
{
	struct cl__job	*j;
	uint64_t	 events = 0, now, waited, wait, left, quiet;
	bool		 loaded;

	if (s->w.busy || s->jobs == NULL || !s->jobs->verified)
		return false;	/* on_batch_written kicks the loop */
	for (j = s->jobs; j != NULL && j->verified; j = j->next)
		events += j->req.ev_cnt;
	if (events >= s->cfg->batch_max || s->stopping)
		return true;
	now = uv_now(s->loop);
	waited = now - s->jobs->verified_ms;
	loaded = s->queued_events >= s->cfg->batch_max / COMMIT_LOAD_PART;
	if (j == NULL && !loaded)
		return true;	/* nothing behind it */
	wait = COMMIT_WAIT_MS;
	if (loaded) {
		/* from the last commit: what it gathered is no batch yet */
		wait = COMMIT_WAIT_LOAD_MS;
		if (s->written_ms > s->jobs->verified_ms)
			waited = now - s->written_ms;
	}
	if (waited >= wait)
		return true;
	left = wait - waited;
	if (j == NULL) {
		/* all checked, under load: more coming, or a pause? */
		quiet = now - s->input_ms;
		if (quiet >= COMMIT_WAIT_MS)
			return true;
		if (left > COMMIT_WAIT_MS - quiet)
			left = COMMIT_WAIT_MS - quiet;
	}
	uv_timer_start(&s->commit_timer, on_commit_timer, left, 0);
	return false;
}

/* Once per loop iteration: commit what is verified, go on with input. */
static void
on_check(uv_check_t *h)
{
	struct cl_server	*s = h->data;
	struct cl__conn		*c;

	if (commit_due(s))
		commit_start(s);
	while ((c = s->ready) != NULL) {
		s->ready = c->ready_next;
		c->queued = false;
		conn_drain(c);
		if (c->queued)
			break;	/* it put itself back: next iteration */
	}
	/* work left: an idle handle keeps the next poll from blocking */
	if (s->ready != NULL || commit_due(s))
		uv_idle_start(&s->kick, on_kick);
	else
		uv_idle_stop(&s->kick);
	maybe_stopped(s);
}

static void
on_sweep(uv_timer_t *t)
{
	struct cl_server	*s = t->data;
	struct cl__conn		*c, *next;
	uint64_t		 now = mono_ms(s);

	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (c->closing)
			continue;
		if (c->frame_ms != 0 && now - c->frame_ms > s->cfg->frame_ms)
			cl__conn_close(c, "a frame did not end in time",
			    CL_ETRUNCATED);
		else if (c->jobs == 0 && c->out_len == 0 &&
		    now - c->last_ms > s->cfg->idle_ms)
			cl__conn_close(c, "idle", CL_OK);
		else if (c->jobs == 0 && (c->close_after ||
		    c->out_len >= s->cfg->out_max) &&
		    now - c->last_ms > s->cfg->frame_ms)
			cl__conn_close(c, "its answers are not being read",
			    CL_ETOOBIG);
	}
}

cl_err
cl_server_start(struct cl_server *s, uv_loop_t *loop, struct cl_ledger *ledger,
    const struct cl_config *cfg, const uint8_t node_sk[static 64])
{
	struct sockaddr_storage	 ss;
	char			 host[CL_CONFIG_STR_MAX], *colon, *end;
	unsigned long		 port;
	int			 sl = sizeof(ss), rc;

	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->ledger = ledger;
	s->cfg = cfg;
	memcpy(s->node_sk, node_sk, 64);
	memcpy(s->node_pk, node_sk + 32, 32);	/* libsodium: seed | pk */
	s->start_ms = uv_now(loop);

	snprintf(host, sizeof(host), "%s", cfg->listen);
	if ((colon = strrchr(host, ':')) == NULL || colon[1] < '0' ||
	    colon[1] > '9')
		return CL_EUSAGE;
	*colon = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port > 65535)
		return CL_EUSAGE;
	if (host[0] == '[' && colon > host + 1 && colon[-1] == ']') {
		colon[-1] = '\0';
		rc = uv_ip6_addr(host + 1, (int)port,
		    (struct sockaddr_in6 *)&ss);
	} else {
		rc = uv_ip4_addr(host, (int)port, (struct sockaddr_in *)&ss);
	}
	if (rc != 0)
		return CL_EUSAGE;

	uv_tcp_init(loop, &s->listener);
	s->listener.data = s;
	if ((rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, 0)) !=
	    0 || (rc = uv_listen((uv_stream_t *)&s->listener, 511,
	    on_connection)) != 0) {
		cl_log_err(comp, "listen on %s: %s", cfg->listen,
		    uv_strerror(rc));
		uv_close((uv_handle_t *)&s->listener, NULL);
		return CL_EIO;
	}
	uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &sl);
	addr_name(&ss, s->addr, sizeof(s->addr));
	uv_timer_init(loop, &s->sweep);
	s->sweep.data = s;
	uv_timer_start(&s->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
	uv_check_init(loop, &s->check);
	s->check.data = s;
	uv_check_start(&s->check, on_check);
	uv_idle_init(loop, &s->kick);
	uv_timer_init(loop, &s->commit_timer);
	if ((s->w.parts = calloc(PARTS_MAX, sizeof(*s->w.parts))) == NULL ||
	    uv_mutex_init(&s->w.mu) != 0) {
		free(s->w.parts);
		return CL_ENOMEM;
	}
	if (uv_cond_init(&s->w.cv) != 0) {
		uv_mutex_destroy(&s->w.mu);
		free(s->w.parts);
		return CL_ENOMEM;
	}
	uv_timer_init(loop, &s->release_timer);
	s->release_timer.data = s;
	uv_async_init(loop, &s->w.done, on_batch_written);
	s->w.done.data = s;
	if ((rc = uv_thread_create(&s->w.th, writer_main, s)) != 0) {
		cl_log_err("ledger", "writer thread: %s", uv_strerror(rc));
		return CL_ENOMEM;
	}
	s->w.started = true;
	uv_timer_init(loop, &s->ckpt_timer);
	s->ckpt_timer.data = s;
	if (cl_ledger_checkpoint_last(ledger, &s->ckpt_size) != CL_OK)
		s->ckpt_size = 0;
	keep_checkpoint(s);
	uv_timer_start(&s->ckpt_timer, on_ckpt_timer, cfg->checkpoint_s * 1000,
	    cfg->checkpoint_s * 1000);
	return CL_OK;
}

static void
on_handle_closed(uv_handle_t *h)
{
	(void)h;
}

/* The end of a stop: nothing in flight, no connection left. */
static void
maybe_stopped(struct cl_server *s)
{
	if (!s->stopping || s->conns != NULL || s->jobs != NULL ||
	    s->w.busy || s->qjobs > 0 ||
	    uv_is_closing((uv_handle_t *)&s->check))
		return;
	if (s->w.started) {
		uv_mutex_lock(&s->w.mu);
		s->w.quit = true;
		uv_cond_signal(&s->w.cv);
		uv_mutex_unlock(&s->w.mu);
		uv_thread_join(&s->w.th);
		s->w.started = false;
		uv_cond_destroy(&s->w.cv);
		uv_mutex_destroy(&s->w.mu);
		free(s->w.parts);
		s->w.parts = NULL;
	}
	uv_close((uv_handle_t *)&s->w.done, on_handle_closed);
	uv_close((uv_handle_t *)&s->release_timer, on_handle_closed);
	uv_close((uv_handle_t *)&s->sweep, on_handle_closed);
	uv_close((uv_handle_t *)&s->check, on_handle_closed);
	uv_close((uv_handle_t *)&s->kick, on_handle_closed);
	uv_close((uv_handle_t *)&s->ckpt_timer, on_handle_closed);
	uv_close((uv_handle_t *)&s->commit_timer, on_handle_closed);
	sodium_memzero(s->node_sk, sizeof(s->node_sk));
	cl_log_info("node", "stopped: %llu events submitted, %llu stored, "
	    "%llu commits", (unsigned long long)s->stats.submitted,
	    (unsigned long long)s->stats.accepted,
	    (unsigned long long)s->stats.commits);
	if (s->stopped != NULL)
		s->stopped(s);
}

void
cl_server_stop(struct cl_server *s, void (*stopped)(struct cl_server *))
{
	struct cl__conn	*c, *next;

	if (stopped != NULL)
		s->stopped = stopped;
	if (s->stopping)
		return;
	cl_log_info("node", "stopping: %zu connections, %zu submissions in "
	    "flight", s->conn_cnt, s->jobs_cnt);
	s->stopping = true;
	uv_close((uv_handle_t *)&s->listener, on_handle_closed);
	/*
	 * Connections without a submission in flight close now; those with
	 * one close once it is committed and answered (answer_job ->
	 * conn_drain sees stopping and stops reading; the sweep closes them
	 * when their output is out).
	 */
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		read_stop(c);
		if (c->jobs == 0 && c->out_len == 0)
			cl__conn_close(c, "node stopping", CL_OK);
		else
			c->close_after = true;
	}
	maybe_stopped(s);
}
