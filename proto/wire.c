/* SPDX-License-Identifier: Apache-2.0 */
/* The client protocol's frames, requests and answers (PROTOCOL.md §7). */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "canon.h"

static const char *const op_names[] = {
	[CL_OP_SUBMIT] = "submit", [CL_OP_CREDENTIAL] = "credential",
	[CL_OP_BY_DIGEST] = "by_digest", [CL_OP_BY_HOLDER] = "by_holder",
	[CL_OP_HEAD] = "head", [CL_OP_STATUS] = "status",
	[CL_OP_GENESIS] = "genesis", [CL_OP_CHECKPOINT] = "checkpoint",
	[CL_OP_CHECKPOINTS] = "checkpoints", [CL_OP_INCLUSION] = "inclusion",
	[CL_OP_CONSISTENCY] = "consistency", [CL_OP_EVENTS] = "events",
	[CL_OP_PEERS] = "peers",
};

const char *
cl_op_name(unsigned op)
{
	return op >= CL_OP_MIN && op <= CL_OP_MAX ? op_names[op] : "?";
}

static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

cl_err
cl_wire_frame(const uint8_t *buf, size_t len, uint32_t max,
    uint32_t *payload_len)
{
	uint32_t	n;

	*payload_len = 0;
	if (len < CL_WIRE_HDR_LEN)
		return CL_OK;
	n = load_be32(buf);
	if (n == 0)
		return CL_EBADREQ;
	if (n > max)
		return CL_ETOOBIG;
	*payload_len = n;
	return CL_OK;
}

void
cl_wire_hdr(uint8_t hdr[static CL_WIRE_HDR_LEN], uint32_t len)
{
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
}

/* How many integer arguments op takes (after the op). */
static unsigned
op_ints(unsigned op)
{
	switch (op) {
	case CL_OP_CHECKPOINTS:
		return 1;
	case CL_OP_INCLUSION:
	case CL_OP_CONSISTENCY:
	case CL_OP_EVENTS:
		return 2;
	default:
		return 0;
	}
}

/* Does op take a 32-byte key? */
static bool
op_has_key(unsigned op)
{
	return op == CL_OP_CREDENTIAL || op == CL_OP_BY_DIGEST ||
	    op == CL_OP_BY_HOLDER || op == CL_OP_HEAD;
}

static bool
is_uint(const msgpack_object *o, uint64_t max)
{
	return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= max;
}

static bool
is_bin(const msgpack_object *o, size_t len)
{
	return o->type == MSGPACK_OBJECT_BIN && o->via.bin.size == len;
}

cl_err
cl_req_decode(struct cl_req *r, const uint8_t *in, size_t len,
    const char **why)
{
	msgpack_zone		 z;
	msgpack_object		 obj;
	const msgpack_object	*a, *ev;
	uint32_t		 n, i;
	cl_err			 err;

	memset(r, 0, sizeof(*r));
	*why = NULL;
	if (!msgpack_zone_init(&z, 1024))
		return CL_ENOMEM;
	if ((err = cl__parse(in, len, &z, &obj)) != CL_OK) {
		*why = cl_strerror(err);
		err = err == CL_ENOMEM ? err : CL_EBADREQ;
		goto out;
	}
	err = CL_EBADREQ;
	if (obj.type != MSGPACK_OBJECT_ARRAY || obj.via.array.size < 1) {
		*why = "a request is an array [op, ...]";
		goto out;
	}
	a = obj.via.array.ptr;
	n = obj.via.array.size;
	if (!is_uint(&a[0], CL_OP_MAX) || a[0].via.u64 < CL_OP_MIN) {
		*why = "unknown op";
		goto out;
	}
	r->op = (unsigned)a[0].via.u64;
	if (r->op == CL_OP_SUBMIT) {
		if (n != 3 || !is_uint(&a[1], CL_SUBMIT_NO_FORK) ||
		    a[2].type != MSGPACK_OBJECT_ARRAY) {
			*why = "submit is [1, flags, [event, ...]]";
			goto out;
		}
		r->flags = (unsigned)a[1].via.u64;
		if (a[2].via.array.size == 0) {
			*why = "submit of no events";
			goto out;
		}
		if (a[2].via.array.size > CL_SUBMIT_MAX) {
			*why = "more events than one submit may carry";
			err = CL_ETOOBIG;
			goto out;
		}
		r->ev_cnt = a[2].via.array.size;
		r->ev = calloc(r->ev_cnt, sizeof(*r->ev));
		r->ev_len = calloc(r->ev_cnt, sizeof(*r->ev_len));
		if (r->ev == NULL || r->ev_len == NULL) {
			err = CL_ENOMEM;
			goto out;
		}
		ev = a[2].via.array.ptr;
		for (i = 0; i < r->ev_cnt; i++) {
			if (ev[i].type != MSGPACK_OBJECT_BIN ||
			    ev[i].via.bin.size == 0 ||
			    ev[i].via.bin.size > CL_EVENT_MAX) {
				*why = "an event is a bin of 1..16384 bytes";
				goto out;
			}
			r->ev[i] = (const uint8_t *)ev[i].via.bin.ptr;
			r->ev_len[i] = ev[i].via.bin.size;
		}
	} else if (op_has_key(r->op)) {
		if (n != 2 || !is_bin(&a[1], CL_ID_LEN)) {
			*why = "this op takes one bin of 32 bytes";
			goto out;
		}
		memcpy(r->key, a[1].via.bin.ptr, CL_ID_LEN);
	} else if (op_ints(r->op) > 0) {
		if (n != 1 + op_ints(r->op) || !is_uint(&a[1], UINT64_MAX) ||
		    (n == 3 && !is_uint(&a[2], UINT64_MAX))) {
			*why = "this op takes unsigned integers";
			goto out;
		}
		r->a = a[1].via.u64;
		r->b = n == 3 ? a[2].via.u64 : 0;
		if (r->op == CL_OP_EVENTS && (r->b == 0 ||
		    r->b > CL_EVENTS_MAX)) {
			*why = "events: a count of 1..1000";
			goto out;
		}
	} else if (n != 1) {
		*why = "this op takes no argument";
		goto out;
	}
	err = CL_OK;
out:
	msgpack_zone_destroy(&z);
	if (err != CL_OK)
		cl_req_free(r);
	return err;
}

void
cl_req_free(struct cl_req *r)
{
	if (r == NULL)
		return;
	free(r->ev);
	free(r->ev_len);
	r->ev = NULL;
	r->ev_len = NULL;
	r->ev_cnt = 0;
}

size_t
cl_req_frame_max(uint32_t n, size_t total)
{
	return CL_WIRE_HDR_LEN + 16 + (size_t)n * 5 + total;
}

/* Finish a frame written after its header: fill the header, or fail. */
static cl_err
frame_end(struct cl__w *w, uint8_t *frame, size_t *len)
{
	if (w->err != CL_OK)
		return w->err;
	if (w->len > CL_FRAME_MAX)
		return CL_ETOOBIG;
	cl_wire_hdr(frame, (uint32_t)w->len);
	*len = CL_WIRE_HDR_LEN + w->len;
	return CL_OK;
}

cl_err
cl_req_encode(const struct cl_req *r, uint8_t *out, size_t cap, size_t *len)
{
	struct cl__w	w;
	uint32_t	i;

	*len = 0;
	if (cap < CL_WIRE_HDR_LEN)
		return CL_ETOOBIG;
	cl__w_init(&w, out + CL_WIRE_HDR_LEN, cap - CL_WIRE_HDR_LEN);
	if (r->op == CL_OP_SUBMIT) {
		cl__w_array(&w, 3);
		cl__w_uint(&w, r->op);
		cl__w_uint(&w, r->flags);
		cl__w_array(&w, r->ev_cnt);
		for (i = 0; i < r->ev_cnt; i++)
			cl__w_bin(&w, r->ev[i], r->ev_len[i]);
	} else if (op_has_key(r->op)) {
		cl__w_array(&w, 2);
		cl__w_uint(&w, r->op);
		cl__w_bin(&w, r->key, CL_ID_LEN);
	} else if (op_ints(r->op) > 0) {
		cl__w_array(&w, 1 + op_ints(r->op));
		cl__w_uint(&w, r->op);
		cl__w_uint(&w, r->a);
		if (op_ints(r->op) == 2)
			cl__w_uint(&w, r->b);
	} else {
		cl__w_array(&w, 1);
		cl__w_uint(&w, r->op);
	}
	return frame_end(&w, out, len);
}

/* The bound of an answer's payload, to size its buffer. */
static size_t
resp_bound(const struct cl_resp *r)
{
	size_t	n = 32;

	switch (r->op) {
	case CL_OP_SUBMIT:
		n += (size_t)r->u.submit.cnt * 64;
		for (uint32_t i = 0; i < r->u.submit.cnt; i++)
			n += r->u.submit.r[i].field_len;
		return n;
	case CL_OP_CREDENTIAL:
		return n + r->u.cred.bundle_len;
	case CL_OP_BY_DIGEST:
	case CL_OP_BY_HOLDER:
		return n + (size_t)r->u.ids.cnt * 34;
	case CL_OP_GENESIS:
		return n + r->u.genesis.len;
	case CL_OP_CHECKPOINTS:
		return n + (size_t)r->u.ckpts.cnt * 200;
	case CL_OP_INCLUSION:
	case CL_OP_CONSISTENCY:
		return n + r->u.proof.event_len + 80 +
		    (size_t)r->u.proof.cnt * 34;
	case CL_OP_PEERS:
		return n + 160 + (size_t)r->u.peers.cnt * 200;
	case CL_OP_EVENTS:
		n += (size_t)r->u.events.cnt * 5;
		for (uint32_t i = 0; i < r->u.events.cnt; i++)
			n += r->u.events.ev_len[i];
		return n;
	default:
		return 512;
	}
}

static void
w_ckpt(struct cl__w *w, const struct cl_checkpoint *c)
{
	cl__w_array(w, 6);
	cl__w_bin(w, c->network, CL_ID_LEN);
	cl__w_bin(w, c->node, CL_PK_LEN);
	cl__w_uint(w, c->size);
	cl__w_bin(w, c->root, CL_ID_LEN);
	cl__w_uint(w, c->time);
	cl__w_bin(w, c->sig, CL_SIG_LEN);
}

static void
w_hashes(struct cl__w *w, uint8_t (*h)[CL_ID_LEN], unsigned cnt)
{
	unsigned	i;

	cl__w_array(w, cnt);
	for (i = 0; i < cnt; i++)
		cl__w_bin(w, h[i], CL_ID_LEN);
}

static void
w_id_or_nil(struct cl__w *w, const uint8_t *id)
{
	static const uint8_t	zero[CL_ID_LEN];

	if (memcmp(id, zero, CL_ID_LEN) == 0)
		cl__w_nil(w);
	else
		cl__w_bin(w, id, CL_ID_LEN);
}

static void
w_status(struct cl__w *w, const struct cl_wire_status *s)
{
	int	i;

	cl__w_array(w, 16);
	cl__w_bin(w, s->node, CL_PK_LEN);
	cl__w_bin(w, s->network, CL_ID_LEN);
	cl__w_bin(w, s->digest, CL_ID_LEN);
	cl__w_uint(w, s->log_size);
	cl__w_uint(w, s->feeds);
	cl__w_uint(w, s->credentials);
	cl__w_uint(w, s->void_events);
	cl__w_uint(w, s->forks);
	cl__w_array(w, 7);
	for (i = 1; i <= 7; i++)
		cl__w_uint(w, s->by_type[i]);
	cl__w_uint(w, s->map_used);
	cl__w_uint(w, s->map_size);
	cl__w_uint(w, s->connections);
	cl__w_uint(w, s->uptime_ms);
	cl__w_uint(w, s->submitted);
	cl__w_uint(w, s->accepted);
	cl__w_array(w, 3);
	for (i = 0; i < 3; i++)
		cl__w_uint(w, s->by_state[i]);
}

static void
w_body(struct cl__w *w, const struct cl_resp *r)
{
	const struct cl_wire_result	*x;
	uint32_t			 i;

	switch (r->op) {
	case CL_OP_SUBMIT:
		cl__w_array(w, r->u.submit.cnt);
		for (i = 0; i < r->u.submit.cnt; i++) {
			x = &r->u.submit.r[i];
			cl__w_array(w, 7);
			cl__w_uint(w, x->acc);
			cl__w_uint(w, x->err);
			if (x->field != NULL)
				cl__w_str(w, x->field, x->field_len);
			else
				cl__w_nil(w);
			cl__w_uint(w, x->void_reason);
			cl__w_uint(w, x->pos);
			cl__w_uint(w, x->head_seq);
			w_id_or_nil(w, x->id);
		}
		break;
	case CL_OP_CREDENTIAL:
		cl__w_array(w, 3);
		cl__w_uint(w, r->u.cred.status);
		cl__w_uint(w, r->u.cred.void_reason);
		if (r->u.cred.bundle != NULL)
			cl__w_bin(w, r->u.cred.bundle, r->u.cred.bundle_len);
		else
			cl__w_nil(w);
		break;
	case CL_OP_BY_DIGEST:
	case CL_OP_BY_HOLDER:
		cl__w_array(w, 2);
		cl__w_array(w, r->u.ids.cnt);
		for (i = 0; i < r->u.ids.cnt; i++)
			cl__w_bin(w, r->u.ids.ids + (size_t)i * CL_ID_LEN,
			    CL_ID_LEN);
		cl__w_uint(w, r->u.ids.more ? 1 : 0);
		break;
	case CL_OP_HEAD:
		cl__w_array(w, 3);
		cl__w_uint(w, r->u.head.seq);
		w_id_or_nil(w, r->u.head.id);
		cl__w_uint(w, r->u.head.fork_seq);
		break;
	case CL_OP_STATUS:
		w_status(w, &r->u.status);
		break;
	case CL_OP_GENESIS:
		cl__w_bin(w, r->u.genesis.bytes, r->u.genesis.len);
		break;
	case CL_OP_CHECKPOINT:
		w_ckpt(w, &r->u.ckpt);
		break;
	case CL_OP_CHECKPOINTS:
		cl__w_array(w, 2);
		cl__w_array(w, r->u.ckpts.cnt);
		for (i = 0; i < r->u.ckpts.cnt; i++)
			w_ckpt(w, &r->u.ckpts.c[i]);
		cl__w_uint(w, r->u.ckpts.more ? 1 : 0);
		break;
	case CL_OP_INCLUSION:
		cl__w_array(w, 3);
		cl__w_bin(w, r->u.proof.event, r->u.proof.event_len);
		cl__w_bin(w, r->u.proof.root, CL_ID_LEN);
		w_hashes(w, r->u.proof.hash, r->u.proof.cnt);
		break;
	case CL_OP_CONSISTENCY:
		cl__w_array(w, 3);
		cl__w_bin(w, r->u.proof.root_m, CL_ID_LEN);
		cl__w_bin(w, r->u.proof.root, CL_ID_LEN);
		w_hashes(w, r->u.proof.hash, r->u.proof.cnt);
		break;
	case CL_OP_PEERS: {
		const struct cl_wire_gossip *g = &r->u.peers.g;

		cl__w_array(w, 2);
		cl__w_array(w, r->u.peers.cnt);
		for (i = 0; i < r->u.peers.cnt; i++) {
			const struct cl_wire_peer *p = &r->u.peers.p[i];

			cl__w_array(w, 8);
			cl__w_bin(w, p->key, CL_PK_LEN);
			cl__w_str(w, p->addr, strnlen(p->addr,
			    sizeof(p->addr)));
			cl__w_str(w, p->state, strnlen(p->state,
			    sizeof(p->state)));
			cl__w_uint(w, p->outgoing ? 1 : 0);
			cl__w_uint(w, p->events_in);
			cl__w_uint(w, p->events_out);
			cl__w_uint(w, p->bytes_in);
			cl__w_uint(w, p->bytes_out);
		}
		cl__w_array(w, 10);
		cl__w_uint(w, g->events_in);
		cl__w_uint(w, g->events_new);
		cl__w_uint(w, g->events_out);
		cl__w_uint(w, g->dups_in);
		cl__w_uint(w, g->announces_out);
		cl__w_uint(w, g->rounds);
		cl__w_uint(w, g->rounds_in_sync);
		cl__w_uint(w, g->links_up);
		cl__w_uint(w, g->links_refused);
		cl__w_uint(w, g->peers_banned);
		break;
	}
	case CL_OP_EVENTS:
		cl__w_array(w, 2);
		cl__w_array(w, r->u.events.cnt);
		for (i = 0; i < r->u.events.cnt; i++)
			cl__w_bin(w, r->u.events.ev[i], r->u.events.ev_len[i]);
		cl__w_uint(w, r->u.events.next);
		break;
	default:
		w->err = CL_EBADREQ;
		break;
	}
}

static cl_err
resp_write(const struct cl_resp *r, cl_err code, const char *msg,
    size_t bound, size_t head, uint8_t **out, size_t *len)
{
	struct cl__w	w;
	uint8_t		*buf;
	cl_err		 err;

	*out = NULL;
	*len = 0;
	if ((buf = malloc(head + CL_WIRE_HDR_LEN + bound)) == NULL)
		return CL_ENOMEM;
	cl__w_init(&w, buf + head + CL_WIRE_HDR_LEN, bound);
	cl__w_array(&w, 2);
	cl__w_uint(&w, (uint64_t)code);
	if (r != NULL)
		w_body(&w, r);
	else if (msg != NULL)
		cl__w_str(&w, msg, strlen(msg));
	else
		w.err = CL_EUSAGE;	/* neither an answer nor words */
	if ((err = frame_end(&w, buf + head, len)) != CL_OK) {
		free(buf);
		return err;
	}
	*out = buf;
	return CL_OK;
}

cl_err
cl_resp_encode(const struct cl_resp *r, size_t head, uint8_t **out,
    size_t *len)
{
	return resp_write(r, CL_OK, NULL, resp_bound(r), head, out, len);
}

cl_err
cl_resp_encode_err(cl_err code, const char *msg, size_t head, uint8_t **out,
    size_t *len)
{
	if (msg == NULL || *msg == '\0')
		msg = cl_strerror(code);
	return resp_write(NULL, code, msg, strlen(msg) + 32, head, out, len);
}

/* Answers are decoded into a zone that dies before we return: copy out. */
struct rd {
	const char	*why;
};

static bool
get_u(struct rd *d, const msgpack_object *o, uint64_t max, uint64_t *v)
{
	if (!is_uint(o, max)) {
		d->why = "an integer out of place or range";
		return false;
	}
	*v = o->via.u64;
	return true;
}

static bool
get_id(struct rd *d, const msgpack_object *o, uint8_t *id, bool nil_ok)
{
	if (nil_ok && o->type == MSGPACK_OBJECT_NIL) {
		memset(id, 0, CL_ID_LEN);
		return true;
	}
	if (!is_bin(o, CL_ID_LEN)) {
		d->why = "an id is a bin of 32 bytes";
		return false;
	}
	memcpy(id, o->via.bin.ptr, CL_ID_LEN);
	return true;
}

static bool
is_array(struct rd *d, const msgpack_object *o, uint32_t n)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n) {
		d->why = "an array of the wrong size";
		return false;
	}
	return true;
}

/* Pointer into the input for a str/bin of obj (zone objects point in). */
static const uint8_t *
in_ptr(const msgpack_object *o)
{
	return (const uint8_t *)(o->type == MSGPACK_OBJECT_STR ?
	    o->via.str.ptr : o->via.bin.ptr);
}

static bool
rd_submit(struct rd *d, struct cl_resp *r, const msgpack_object *b)
{
	const msgpack_object	*x;
	struct cl_wire_result	*w;
	uint64_t		 v;
	uint32_t		 i;

	if (b->type != MSGPACK_OBJECT_ARRAY ||
	    b->via.array.size > CL_SUBMIT_MAX) {
		d->why = "submit results are an array";
		return false;
	}
	r->u.submit.cnt = b->via.array.size;
	r->u.submit.r = calloc(r->u.submit.cnt ? r->u.submit.cnt : 1,
	    sizeof(*r->u.submit.r));
	if (r->u.submit.r == NULL) {
		d->why = "out of memory";
		return false;
	}
	for (i = 0; i < r->u.submit.cnt; i++) {
		w = &r->u.submit.r[i];
		if (!is_array(d, &b->via.array.ptr[i], 7))
			return false;
		x = b->via.array.ptr[i].via.array.ptr;
		if (!get_u(d, &x[0], 255, &v))
			return false;
		w->acc = (unsigned)v;
		if (!get_u(d, &x[1], 255, &v))
			return false;
		w->err = (unsigned)v;
		if (x[2].type == MSGPACK_OBJECT_STR &&
		    x[2].via.str.size <= 128) {
			w->field = (const char *)in_ptr(&x[2]);
			w->field_len = x[2].via.str.size;
		} else if (x[2].type != MSGPACK_OBJECT_NIL) {
			d->why = "a result's field is a short str or nil";
			return false;
		}
		if (!get_u(d, &x[3], 255, &v))
			return false;
		w->void_reason = (unsigned)v;
		if (!get_u(d, &x[4], UINT64_MAX, &w->pos) ||
		    !get_u(d, &x[5], UINT64_MAX, &w->head_seq) ||
		    !get_id(d, &x[6], w->id, true))
			return false;
	}
	return true;
}

static bool
rd_status(struct rd *d, struct cl_wire_status *s, const msgpack_object *b)
{
	const msgpack_object	*x;
	uint64_t		*u[] = { &s->log_size, &s->feeds,
	    &s->credentials, &s->void_events, &s->forks };
	uint64_t		*t[] = { &s->map_used, &s->map_size,
	    &s->connections, &s->uptime_ms, &s->submitted, &s->accepted };
	size_t			 i;

	if (!is_array(d, b, 16))
		return false;
	x = b->via.array.ptr;
	if (!get_id(d, &x[0], s->node, false) ||
	    !get_id(d, &x[1], s->network, false) ||
	    !get_id(d, &x[2], s->digest, false))
		return false;
	for (i = 0; i < 5; i++)
		if (!get_u(d, &x[3 + i], UINT64_MAX, u[i]))
			return false;
	if (!is_array(d, &x[8], 7))
		return false;
	for (i = 0; i < 7; i++)
		if (!get_u(d, &x[8].via.array.ptr[i], UINT64_MAX,
		    &s->by_type[i + 1]))
			return false;
	for (i = 0; i < 6; i++)
		if (!get_u(d, &x[9 + i], UINT64_MAX, t[i]))
			return false;
	if (!is_array(d, &x[15], 3))
		return false;
	for (i = 0; i < 3; i++)
		if (!get_u(d, &x[15].via.array.ptr[i], UINT64_MAX,
		    &s->by_state[i]))
			return false;
	return true;
}

static bool
get_bin(struct rd *d, const msgpack_object *o, uint8_t *out, size_t len)
{
	if (!is_bin(o, len)) {
		d->why = "a bin of the wrong size";
		return false;
	}
	memcpy(out, o->via.bin.ptr, len);
	return true;
}

static bool
rd_ckpt(struct rd *d, struct cl_checkpoint *c, const msgpack_object *b)
{
	const msgpack_object	*x;

	if (!is_array(d, b, 6))
		return false;
	x = b->via.array.ptr;
	return get_bin(d, &x[0], c->network, CL_ID_LEN) &&
	    get_bin(d, &x[1], c->node, CL_PK_LEN) &&
	    get_u(d, &x[2], UINT64_MAX, &c->size) &&
	    get_bin(d, &x[3], c->root, CL_ID_LEN) &&
	    get_u(d, &x[4], UINT64_MAX, &c->time) &&
	    get_bin(d, &x[5], c->sig, CL_SIG_LEN);
}

static bool
rd_hashes(struct rd *d, struct cl_resp *r, const msgpack_object *b)
{
	uint32_t	i;

	if (b->type != MSGPACK_OBJECT_ARRAY ||
	    b->via.array.size > CL_WIRE_PROOF_MAX) {
		d->why = "a proof is an array of at most 64 hashes";
		return false;
	}
	r->u.proof.cnt = b->via.array.size;
	r->u.proof.hash = malloc((size_t)r->u.proof.cnt * CL_ID_LEN + 1);
	if (r->u.proof.hash == NULL) {
		d->why = "out of memory";
		return false;
	}
	for (i = 0; i < r->u.proof.cnt; i++)
		if (!get_bin(d, &b->via.array.ptr[i], r->u.proof.hash[i],
		    CL_ID_LEN))
			return false;
	return true;
}

/* A short str into a fixed buffer, NUL-terminated. */
static bool
get_str(struct rd *d, const msgpack_object *o, char *out, size_t cap)
{
	if (o->type != MSGPACK_OBJECT_STR || o->via.str.size >= cap) {
		d->why = "a short str expected";
		return false;
	}
	memcpy(out, o->via.str.ptr, o->via.str.size);
	out[o->via.str.size] = '\0';
	return true;
}

static bool
rd_peers(struct rd *d, struct cl_resp *r, const msgpack_object *b)
{
	const msgpack_object	*x, *y;
	struct cl_wire_gossip	*g = &r->u.peers.g;
	uint64_t		*gv[] = { &g->events_in, &g->events_new,
	    &g->events_out, &g->dups_in, &g->announces_out, &g->rounds,
	    &g->rounds_in_sync, &g->links_up, &g->links_refused,
	    &g->peers_banned };
	uint64_t		 v;
	uint32_t		 i, n;

	if (!is_array(d, b, 2))
		return false;
	x = b->via.array.ptr;
	if (x[0].type != MSGPACK_OBJECT_ARRAY ||
	    x[0].via.array.size > CL_WIRE_PEERS_MAX || !is_array(d, &x[1], 10)) {
		d->why = "peers: [[peer, ...], [10 counters]]";
		return false;
	}
	n = x[0].via.array.size;
	if ((r->u.peers.p = calloc(n + 1, sizeof(*r->u.peers.p))) == NULL) {
		d->why = "out of memory";
		return false;
	}
	r->u.peers.cnt = n;
	for (i = 0; i < n; i++) {
		struct cl_wire_peer *p = &r->u.peers.p[i];

		if (!is_array(d, &x[0].via.array.ptr[i], 8))
			return false;
		y = x[0].via.array.ptr[i].via.array.ptr;
		if (!get_bin(d, &y[0], p->key, CL_PK_LEN) ||
		    !get_str(d, &y[1], p->addr, sizeof(p->addr)) ||
		    !get_str(d, &y[2], p->state, sizeof(p->state)) ||
		    !get_u(d, &y[3], 1, &v) ||
		    !get_u(d, &y[4], UINT64_MAX, &p->events_in) ||
		    !get_u(d, &y[5], UINT64_MAX, &p->events_out) ||
		    !get_u(d, &y[6], UINT64_MAX, &p->bytes_in) ||
		    !get_u(d, &y[7], UINT64_MAX, &p->bytes_out))
			return false;
		p->outgoing = v == 1;
	}
	for (i = 0; i < 10; i++)
		if (!get_u(d, &x[1].via.array.ptr[i], UINT64_MAX, gv[i]))
			return false;
	return true;
}

static bool
rd_audit(struct rd *d, struct cl_resp *r, const msgpack_object *b)
{
	const msgpack_object	*x;
	uint64_t		 v;
	uint32_t		 i, n;

	switch (r->op) {
	case CL_OP_CHECKPOINT:
		return rd_ckpt(d, &r->u.ckpt, b);
	case CL_OP_CHECKPOINTS:
		if (!is_array(d, b, 2))
			return false;
		x = b->via.array.ptr;
		if (x[0].type != MSGPACK_OBJECT_ARRAY ||
		    x[0].via.array.size > CL_CHECKPOINTS_MAX) {
			d->why = "at most 256 checkpoints";
			return false;
		}
		n = x[0].via.array.size;
		if ((r->u.ckpts.c = calloc(n + 1, sizeof(*r->u.ckpts.c))) ==
		    NULL) {
			d->why = "out of memory";
			return false;
		}
		r->u.ckpts.cnt = n;
		for (i = 0; i < n; i++)
			if (!rd_ckpt(d, &r->u.ckpts.c[i], &x[0].via.array.ptr[i]))
				return false;
		if (!get_u(d, &x[1], 1, &v))
			return false;
		r->u.ckpts.more = v == 1;
		return true;
	case CL_OP_INCLUSION:
	case CL_OP_CONSISTENCY:
		if (!is_array(d, b, 3))
			return false;
		x = b->via.array.ptr;
		if (r->op == CL_OP_INCLUSION) {
			if (x[0].type != MSGPACK_OBJECT_BIN ||
			    x[0].via.bin.size == 0 ||
			    x[0].via.bin.size > CL_EVENT_MAX) {
				d->why = "the leaf is an event";
				return false;
			}
			r->u.proof.event = in_ptr(&x[0]);
			r->u.proof.event_len = x[0].via.bin.size;
		} else if (!get_bin(d, &x[0], r->u.proof.root_m, CL_ID_LEN)) {
			return false;
		}
		return get_bin(d, &x[1], r->u.proof.root, CL_ID_LEN) &&
		    rd_hashes(d, r, &x[2]);
	case CL_OP_PEERS:
		return rd_peers(d, r, b);
	case CL_OP_EVENTS:
		if (!is_array(d, b, 2))
			return false;
		x = b->via.array.ptr;
		if (x[0].type != MSGPACK_OBJECT_ARRAY ||
		    x[0].via.array.size > CL_EVENTS_MAX) {
			d->why = "at most 1000 events";
			return false;
		}
		n = x[0].via.array.size;
		r->u.events.ev = calloc(n + 1, sizeof(*r->u.events.ev));
		r->u.events.ev_len = calloc(n + 1,
		    sizeof(*r->u.events.ev_len));
		if (r->u.events.ev == NULL || r->u.events.ev_len == NULL) {
			d->why = "out of memory";
			return false;
		}
		r->u.events.cnt = n;
		for (i = 0; i < n; i++) {
			const msgpack_object *e = &x[0].via.array.ptr[i];

			if (e->type != MSGPACK_OBJECT_BIN ||
			    e->via.bin.size == 0 ||
			    e->via.bin.size > CL_EVENT_MAX) {
				d->why = "an event is a bin of 1..16384 bytes";
				return false;
			}
			r->u.events.ev[i] = in_ptr(e);
			r->u.events.ev_len[i] = e->via.bin.size;
		}
		return get_u(d, &x[1], UINT64_MAX, &r->u.events.next);
	default:
		d->why = "unknown op";
		return false;
	}
}

static bool
rd_body(struct rd *d, struct cl_resp *r, const msgpack_object *b)
{
	const msgpack_object	*x;
	uint64_t		 v;
	uint32_t		 i;

	switch (r->op) {
	case CL_OP_SUBMIT:
		return rd_submit(d, r, b);
	case CL_OP_CREDENTIAL:
		if (!is_array(d, b, 3))
			return false;
		x = b->via.array.ptr;
		if (!get_u(d, &x[0], 255, &v))
			return false;
		r->u.cred.status = (unsigned)v;
		if (!get_u(d, &x[1], 255, &v))
			return false;
		r->u.cred.void_reason = (unsigned)v;
		if (x[2].type == MSGPACK_OBJECT_BIN) {
			r->u.cred.bundle = in_ptr(&x[2]);
			r->u.cred.bundle_len = x[2].via.bin.size;
		} else if (x[2].type != MSGPACK_OBJECT_NIL) {
			d->why = "a bundle is a bin or nil";
			return false;
		}
		return true;
	case CL_OP_BY_DIGEST:
	case CL_OP_BY_HOLDER:
		if (!is_array(d, b, 2))
			return false;
		x = b->via.array.ptr;
		if (x[0].type != MSGPACK_OBJECT_ARRAY) {
			d->why = "ids are an array";
			return false;
		}
		if (x[0].via.array.size > CL_QUERY_IDS_MAX) {
			d->why = "more ids than an answer may carry";
			return false;
		}
		r->u.ids.cnt = x[0].via.array.size;
		r->u.ids.ids = malloc((size_t)r->u.ids.cnt * CL_ID_LEN + 1);
		if (r->u.ids.ids == NULL) {
			d->why = "out of memory";
			return false;
		}
		for (i = 0; i < r->u.ids.cnt; i++)
			if (!get_id(d, &x[0].via.array.ptr[i],
			    r->u.ids.ids + (size_t)i * CL_ID_LEN, false))
				return false;
		if (!get_u(d, &x[1], 1, &v))
			return false;
		r->u.ids.more = v == 1;
		return true;
	case CL_OP_HEAD:
		if (!is_array(d, b, 3))
			return false;
		x = b->via.array.ptr;
		return get_u(d, &x[0], UINT64_MAX, &r->u.head.seq) &&
		    get_id(d, &x[1], r->u.head.id, true) &&
		    get_u(d, &x[2], UINT64_MAX, &r->u.head.fork_seq);
	case CL_OP_STATUS:
		return rd_status(d, &r->u.status, b);
	case CL_OP_GENESIS:
		if (b->type != MSGPACK_OBJECT_BIN) {
			d->why = "the genesis is a bin";
			return false;
		}
		r->u.genesis.bytes = in_ptr(b);
		r->u.genesis.len = b->via.bin.size;
		return true;
	default:
		return rd_audit(d, r, b);
	}
}

cl_err
cl_resp_decode(struct cl_resp *r, unsigned op, const uint8_t *in, size_t len,
    const char **why)
{
	msgpack_zone		 z;
	msgpack_object		 obj;
	const msgpack_object	*a;
	struct rd		 d = { NULL };
	cl_err			 err;

	memset(r, 0, sizeof(*r));
	r->op = op;
	if (!msgpack_zone_init(&z, 4096))
		return CL_ENOMEM;
	if ((err = cl__parse(in, len, &z, &obj)) != CL_OK) {
		d.why = cl_strerror(err);
		err = err == CL_ENOMEM ? err : CL_EPROTO;
		goto out;
	}
	err = CL_EPROTO;
	if (obj.type != MSGPACK_OBJECT_ARRAY || obj.via.array.size != 2 ||
	    !is_uint(&obj.via.array.ptr[0], CL_ERR_COUNT - 1)) {
		d.why = "an answer is [code, body]";
		goto out;
	}
	a = obj.via.array.ptr;
	r->code = (unsigned)a[0].via.u64;
	if (r->code != CL_OK) {
		if (a[1].type != MSGPACK_OBJECT_STR) {
			d.why = "an error answer carries a message";
			goto out;
		}
		r->msg = (const char *)in_ptr(&a[1]);
		r->msg_len = a[1].via.str.size;
		err = CL_OK;
		goto out;
	}
	if (rd_body(&d, r, &a[1]))
		err = CL_OK;
out:
	msgpack_zone_destroy(&z);
	if (err != CL_OK)
		cl_resp_free(r);
	*why = d.why;
	return err;
}

void
cl_resp_free(struct cl_resp *r)
{
	if (r == NULL)
		return;
	if (r->op == CL_OP_SUBMIT && r->code == CL_OK) {
		free(r->u.submit.r);
		r->u.submit.r = NULL;
		r->u.submit.cnt = 0;
	} else if ((r->op == CL_OP_BY_DIGEST || r->op == CL_OP_BY_HOLDER) &&
	    r->code == CL_OK) {
		free(r->u.ids.ids);
		r->u.ids.ids = NULL;
		r->u.ids.cnt = 0;
	} else if (r->op == CL_OP_CHECKPOINTS && r->code == CL_OK) {
		free(r->u.ckpts.c);
		r->u.ckpts.c = NULL;
		r->u.ckpts.cnt = 0;
	} else if ((r->op == CL_OP_INCLUSION || r->op == CL_OP_CONSISTENCY) &&
	    r->code == CL_OK) {
		free(r->u.proof.hash);
		r->u.proof.hash = NULL;
		r->u.proof.cnt = 0;
	} else if (r->op == CL_OP_PEERS && r->code == CL_OK) {
		free(r->u.peers.p);
		r->u.peers.p = NULL;
		r->u.peers.cnt = 0;
	} else if (r->op == CL_OP_EVENTS && r->code == CL_OK) {
		free(r->u.events.ev);
		free(r->u.events.ev_len);
		r->u.events.ev = NULL;
		r->u.events.ev_len = NULL;
		r->u.events.cnt = 0;
	}
}
