/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client port's queries, each answered at once from a read
 * transaction of its own.  server.c reads the frames and sends the
 * answers; it runs CREDENTIAL queries on the worker threads, through
 * cl__credential_answer().
 */
#include "server.h"
#include "server_int.h"

#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "log.h"
#include "merkle.h"
#include "wire.h"

static const char comp[] = "client";

/* Any thread (server_int.h). */
uint8_t *
cl__credential_answer(struct cl_ledger *l, const uint8_t *id, size_t *len)
{
	struct cl_cred_answer	*a;
	struct cl_resp		 r;
	uint8_t			*bundle = NULL, *buf = NULL;
	size_t			 blen = 0;
	cl_err			 err;

	if ((a = malloc(sizeof(*a))) == NULL)
		err = CL_ENOMEM;
	else
		err = cl_ledger_credential_bundle(l, id, cl_now_ms(), a,
		    &bundle, &blen);
	if (err == CL_OK) {
		memset(&r, 0, sizeof(r));
		r.op = CL_OP_CREDENTIAL;
		r.u.cred.status = a->status;
		r.u.cred.void_reason = a->void_reason;
		r.u.cred.bundle = bundle;
		r.u.cred.bundle_len = blen;
		err = cl_resp_encode(&r, 0, &buf, len);
		if (err != CL_OK)
			err = cl_resp_encode_err(err, "answer too large", 0,
			    &buf, len);
	} else {
		if (err != CL_ENOMEM)
			cl_log_err(comp, "credential query err=%s",
			    cl_strerror(err));
		if (cl_resp_encode_err(err, NULL, 0, &buf, len) != CL_OK)
			buf = NULL;
	}
	free(bundle);
	free(a);
	return buf;
}

void
cl__q_credential(struct cl__conn *c, const struct cl_req *q)
{
	uint8_t	*buf;
	size_t	 len;

	buf = cl__credential_answer(cl__conn_server(c)->ledger, q->key, &len);
	if (buf == NULL)
		cl__conn_close(c, "out of memory", CL_ENOMEM);
	else
		cl__conn_send(c, buf, len);
}

void
cl__q_ids(struct cl__conn *c, const struct cl_req *q)
{
	struct cl_server	*s = cl__conn_server(c);
	uint8_t			(*ids)[CL_ID_LEN];
	struct cl_resp		 r;
	uint32_t		 cnt;
	bool			 more;
	cl_err			 err;

	if ((ids = malloc(CL_QUERY_CREDS_MAX * sizeof(*ids))) == NULL) {
		cl__send_err(c, CL_ENOMEM, NULL);
		return;
	}
	err = q->op == CL_OP_BY_DIGEST ?
	    cl_ledger_by_digest(s->ledger, q->key, ids, &cnt, &more) :
	    cl_ledger_by_holder(s->ledger, q->key, ids, &cnt, &more);
	if (err != CL_OK) {
		free(ids);
		cl__send_err(c, err, NULL);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.op = q->op;
	r.u.ids.cnt = cnt;
	r.u.ids.ids = &ids[0][0];
	r.u.ids.more = more;
	cl__send_resp(c, &r);
	free(ids);
}

void
cl__q_head(struct cl__conn *c, const struct cl_req *q)
{
	struct cl_head	h;
	struct cl_resp	r;
	cl_err		err;

	err = cl_ledger_head(cl__conn_server(c)->ledger, q->key, &h);
	if (err != CL_OK && err != CL_ENOTFOUND) {
		cl__send_err(c, err, NULL);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.op = CL_OP_HEAD;
	if (err == CL_OK) {
		r.u.head.seq = h.seq;
		memcpy(r.u.head.id, h.id, CL_ID_LEN);
		r.u.head.fork_seq = h.fork_seq;
	}
	cl__send_resp(c, &r);
}

void
cl_server_status(struct cl_server *s, struct cl_wire_status *w,
    cl_err *err)
{
	struct cl_counts	n;
	size_t			used, size;
	int			i;

	memset(w, 0, sizeof(*w));
	if ((*err = cl_ledger_counts(s->ledger, &n)) != CL_OK ||
	    (*err = cl_ledger_digest(s->ledger, w->digest)) != CL_OK)
		return;
	memcpy(w->node, s->node_pk, CL_PK_LEN);
	memcpy(w->network, s->ledger->genesis.netid, CL_ID_LEN);
	w->log_size = n.log;
	w->feeds = n.feeds;
	w->credentials = n.credentials;
	w->void_events = n.void_events;
	w->forks = n.forks;
	for (i = CL_EV_TYPE_MIN; i <= CL_EV_TYPE_MAX; i++)
		w->by_type[i] = n.by_type[i];
	for (i = 0; i < 3; i++)
		w->by_state[i] = n.by_state[i];
	cl_store_usage(&s->ledger->st, &used, &size);
	w->map_used = used;
	w->map_size = size;
	w->connections = s->conn_cnt;
	w->uptime_ms = uv_now(s->loop) - s->start_ms;
	w->submitted = s->stats.submitted;
	w->accepted = s->stats.accepted;
}

void
cl__q_status(struct cl__conn *c)
{
	struct cl_resp	r;
	cl_err		err;

	memset(&r, 0, sizeof(r));
	r.op = CL_OP_STATUS;
	cl_server_status(cl__conn_server(c), &r.u.status, &err);
	if (err != CL_OK) {
		cl__send_err(c, err, NULL);
		return;
	}
	cl__send_resp(c, &r);
}

void
cl__q_genesis(struct cl__conn *c)
{
	struct cl_resp	r;

	memset(&r, 0, sizeof(r));
	r.op = CL_OP_GENESIS;
	r.u.genesis.bytes = cl__conn_server(c)->ledger->genesis.raw;
	r.u.genesis.len = cl__conn_server(c)->ledger->genesis.raw_len;
	cl__send_resp(c, &r);
}

/* Audits: checkpoints, proofs and the log itself. */

cl_err
cl_server_checkpoint(struct cl_server *s, struct cl_checkpoint *c)
{
	cl_err	err;

	memset(c, 0, sizeof(*c));
	memcpy(c->network, s->ledger->genesis.netid, CL_ID_LEN);
	memcpy(c->node, s->node_pk, CL_PK_LEN);
	c->size = s->ledger->log_size;
	c->time = cl_now_ms();
	if ((err = cl_ledger_root(s->ledger, c->size, c->root)) != CL_OK)
		return err;
	cl_checkpoint_sign(c, s->node_sk);
	return CL_OK;
}

void
cl__q_checkpoint(struct cl__conn *c)
{
	struct cl_resp	r;
	cl_err		err;

	memset(&r, 0, sizeof(r));
	r.op = CL_OP_CHECKPOINT;
	if ((err = cl_server_checkpoint(cl__conn_server(c), &r.u.ckpt)) != CL_OK) {
		cl__send_err(c, err, NULL);
		return;
	}
	cl__send_resp(c, &r);
}

void
cl__q_checkpoints(struct cl__conn *c, const struct cl_req *q)
{
	struct cl_checkpoint	*list;
	struct cl_resp		 r;
	uint32_t		 cnt;
	bool			 more;
	cl_err			 err;

	if ((list = calloc(CL_CHECKPOINTS_MAX, sizeof(*list))) == NULL) {
		cl__send_err(c, CL_ENOMEM, NULL);
		return;
	}
	err = cl_ledger_checkpoints(cl__conn_server(c)->ledger, q->a, list,
	    CL_CHECKPOINTS_MAX, &cnt, &more);
	if (err != CL_OK) {
		free(list);
		cl__send_err(c, err, NULL);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.op = CL_OP_CHECKPOINTS;
	r.u.ckpts.cnt = cnt;
	r.u.ckpts.c = list;
	r.u.ckpts.more = more;
	cl__send_resp(c, &r);
	free(list);
}

void
cl__q_proof(struct cl__conn *c, const struct cl_req *q)
{
	struct cl_ledger	*l = cl__conn_server(c)->ledger;
	uint8_t			 hash[CL_MERKLE_PROOF_MAX][CL_ID_LEN];
	uint8_t			*event = NULL;
	struct cl_resp		 r;
	cl_err			 err;

	memset(&r, 0, sizeof(r));
	r.op = q->op;
	r.u.proof.hash = hash;
	if (q->op == CL_OP_INCLUSION) {
		if (q->b > l->log_size || q->a >= q->b) {
			cl__send_err(c, CL_ERANGE, "want position < size <= the "
			    "log's size");
			return;
		}
		err = cl_ledger_event_at(l, q->a, &event,
		    &r.u.proof.event_len);
		if (err == CL_OK)
			err = cl_ledger_inclusion(l, q->a, q->b, hash,
			    &r.u.proof.cnt);
		r.u.proof.event = event;
	} else {
		if (q->b > l->log_size || q->a == 0 || q->a > q->b) {
			cl__send_err(c, CL_ERANGE, "want 1 <= m <= n <= the log's "
			    "size");
			return;
		}
		err = cl_ledger_consistency(l, q->a, q->b, hash,
		    &r.u.proof.cnt);
		if (err == CL_OK)
			err = cl_ledger_root(l, q->a, r.u.proof.root_m);
	}
	if (err == CL_OK)
		err = cl_ledger_root(l, q->b, r.u.proof.root);
	if (err != CL_OK)
		cl__send_err(c, err, NULL);
	else
		cl__send_resp(c, &r);
	free(event);
}

/* The log from position a on: at most b events, CL_EVENTS_BYTES_MAX. */
void
cl__q_events(struct cl__conn *c, const struct cl_req *q)
{
	struct cl_ledger	*l = cl__conn_server(c)->ledger;
	uint8_t			**ev;
	size_t			*len, total = 0;
	struct cl_resp		 r;
	uint32_t		 n = 0, i;
	cl_err			 err = CL_OK;

	ev = calloc(q->b, sizeof(*ev));
	len = calloc(q->b, sizeof(*len));
	if (ev == NULL || len == NULL) {
		free(ev);
		free(len);
		cl__send_err(c, CL_ENOMEM, NULL);
		return;
	}
	while (n < q->b && q->a + n < l->log_size &&
	    total < CL_EVENTS_BYTES_MAX) {
		if ((err = cl_ledger_event_at(l, q->a + n, &ev[n], &len[n])) !=
		    CL_OK)
			break;
		total += len[n++];
	}
	if (err != CL_OK) {
		cl__send_err(c, err, NULL);
	} else {
		memset(&r, 0, sizeof(r));
		r.op = CL_OP_EVENTS;
		r.u.events.cnt = n;
		r.u.events.ev = (const uint8_t **)ev;
		r.u.events.ev_len = len;
		r.u.events.next = q->a + n;
		cl__send_resp(c, &r);
	}
	for (i = 0; i < n; i++)
		free(ev[i]);
	free(ev);
	free(len);
}

void
cl__q_peers(struct cl__conn *c)
{
	struct cl_server	*s = cl__conn_server(c);
	struct cl_resp		 r;

	memset(&r, 0, sizeof(r));
	r.op = CL_OP_PEERS;
	if (s->peers != NULL) {
		r.u.peers.p = calloc(CL_WIRE_PEERS_MAX, sizeof(*r.u.peers.p));
		if (r.u.peers.p == NULL) {
			cl__send_err(c, CL_ENOMEM, NULL);
			return;
		}
		r.u.peers.cnt = s->peers(s->peers_arg, r.u.peers.p,
		    CL_WIRE_PEERS_MAX, &r.u.peers.g);
	}
	cl__send_resp(c, &r);
	free(r.u.peers.p);
}
