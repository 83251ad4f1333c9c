/* SPDX-License-Identifier: Apache-2.0 */
/* Peer messages: strict decoding and encoding (PROTOCOL.md §12.3). */
#include "gossip_msg.h"

#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "canon.h"

static const char *const names[] = {
	[CL_G_HELLO] = "hello", [CL_G_STATE] = "state",
	[CL_G_BUCKETS_REQ] = "buckets_req", [CL_G_BUCKETS] = "buckets",
	[CL_G_HEADS_REQ] = "heads_req", [CL_G_HEADS] = "heads",
	[CL_G_PULL] = "pull", [CL_G_FORK_PULL] = "fork_pull",
	[CL_G_EVENTS] = "events", [CL_G_ANNOUNCE] = "announce",
	[CL_G_PEERS] = "peers",
};

const char *
cl_gmsg_name(unsigned t)
{
	return t >= CL_G_MIN && t <= CL_G_MAX ? names[t] : "?";
}

/* The number of items after the type, for the fixed shapes. */
static int
arity(unsigned t)
{
	switch (t) {
	case CL_G_HELLO:	return 2;
	case CL_G_STATE:	return 1;
	case CL_G_BUCKETS_REQ:	return 0;
	case CL_G_BUCKETS:	return 1;
	case CL_G_HEADS_REQ:	return 1;
	case CL_G_HEADS:	return 1;
	case CL_G_PULL:		return 3;
	case CL_G_FORK_PULL:	return 1;
	case CL_G_EVENTS:	return 1;
	case CL_G_ANNOUNCE:	return 1;
	case CL_G_PEERS:	return 1;
	default:		return -1;
	}
}

struct rd {
	const char	*why;
};

static bool
u64(struct rd *d, const msgpack_object *o, uint64_t *v)
{
	if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
		d->why = "an unsigned integer expected";
		return false;
	}
	*v = o->via.u64;
	return true;
}

static bool
bin(struct rd *d, const msgpack_object *o, uint8_t *out, size_t len)
{
	if (o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != len) {
		d->why = "a bin of the wrong size";
		return false;
	}
	memcpy(out, o->via.bin.ptr, len);
	return true;
}

static bool
array(struct rd *d, const msgpack_object *o, uint32_t max, uint32_t *n)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size > max) {
		d->why = "an array too long or of the wrong type";
		return false;
	}
	*n = o->via.array.size;
	return true;
}

static bool
rd_heads(struct rd *d, struct cl_gm *m, const msgpack_object *o)
{
	const msgpack_object	*x;
	uint32_t		 i, n;

	if (!array(d, o, CL_G_HEADS_MAX, &n))
		return false;
	if ((m->heads = calloc(n + 1, sizeof(*m->heads))) == NULL) {
		d->why = "out of memory";
		return false;
	}
	m->heads_cnt = n;
	for (i = 0; i < n; i++) {
		if (o->via.array.ptr[i].type != MSGPACK_OBJECT_ARRAY ||
		    o->via.array.ptr[i].via.array.size != 4) {
			d->why = "a head is [author, seq, fork_seq, fork_held]";
			return false;
		}
		x = o->via.array.ptr[i].via.array.ptr;
		if (!bin(d, &x[0], m->heads[i].author, CL_PK_LEN) ||
		    !u64(d, &x[1], &m->heads[i].seq) ||
		    !u64(d, &x[2], &m->heads[i].fork_seq) ||
		    !u64(d, &x[3], &m->heads[i].fork_held))
			return false;
	}
	return true;
}

static bool
rd_events(struct rd *d, struct cl_gm *m, const msgpack_object *o)
{
	const msgpack_object	*e;
	uint32_t		 i, n;

	if (!array(d, o, CL_G_EVENTS_MAX, &n))
		return false;
	m->ev = calloc(n + 1, sizeof(*m->ev));
	m->ev_len = calloc(n + 1, sizeof(*m->ev_len));
	if (m->ev == NULL || m->ev_len == NULL) {
		d->why = "out of memory";
		return false;
	}
	m->ev_cnt = n;
	for (i = 0; i < n; i++) {
		e = &o->via.array.ptr[i];
		if (e->type != MSGPACK_OBJECT_BIN || e->via.bin.size == 0 ||
		    e->via.bin.size > CL_EVENT_MAX) {
			d->why = "an event is a bin of 1..16384 bytes";
			return false;
		}
		m->ev[i] = (const uint8_t *)e->via.bin.ptr;
		m->ev_len[i] = e->via.bin.size;
	}
	return true;
}

static bool
rd_announce(struct rd *d, struct cl_gm *m, const msgpack_object *o)
{
	const msgpack_object	*x;
	uint32_t		 i, n;

	if (!array(d, o, CL_G_ANNOUNCE_MAX, &n))
		return false;
	if ((m->ann = calloc(n + 1, sizeof(*m->ann))) == NULL) {
		d->why = "out of memory";
		return false;
	}
	m->ann_cnt = n;
	for (i = 0; i < n; i++) {
		if (o->via.array.ptr[i].type != MSGPACK_OBJECT_ARRAY ||
		    o->via.array.ptr[i].via.array.size != 2) {
			d->why = "an announce is [author, seq]";
			return false;
		}
		x = o->via.array.ptr[i].via.array.ptr;
		if (!bin(d, &x[0], m->ann[i].author, CL_PK_LEN) ||
		    !u64(d, &x[1], &m->ann[i].seq))
			return false;
	}
	return true;
}

static bool
rd_peers(struct rd *d, struct cl_gm *m, const msgpack_object *o)
{
	const msgpack_object	*e;
	uint32_t		 i, n;

	if (!array(d, o, CL_G_PEERS_MAX, &n))
		return false;
	m->peers = calloc(n + 1, sizeof(*m->peers));
	m->peers_len = calloc(n + 1, sizeof(*m->peers_len));
	if (m->peers == NULL || m->peers_len == NULL) {
		d->why = "out of memory";
		return false;
	}
	m->peers_cnt = n;
	for (i = 0; i < n; i++) {
		e = &o->via.array.ptr[i];
		if (e->type != MSGPACK_OBJECT_STR || e->via.str.size == 0 ||
		    e->via.str.size > CL_G_ADDR_MAX) {
			d->why = "a peer address is a short str";
			return false;
		}
		m->peers[i] = e->via.str.ptr;
		m->peers_len[i] = e->via.str.size;
	}
	return true;
}

static bool
rd_body(struct rd *d, struct cl_gm *m, const msgpack_object *x)
{
	uint32_t	i, n;

	switch (m->type) {
	case CL_G_HELLO:
		if (x[0].type != MSGPACK_OBJECT_STR ||
		    x[0].via.str.size > CL_G_ADDR_MAX) {
			d->why = "hello: a short str address";
			return false;
		}
		m->addr = x[0].via.str.ptr;
		m->addr_len = x[0].via.str.size;
		return u64(d, &x[1], &m->log_size);
	case CL_G_STATE:
		return bin(d, &x[0], m->digest, CL_ID_LEN);
	case CL_G_BUCKETS_REQ:
		return true;
	case CL_G_BUCKETS:
		if (!array(d, &x[0], CL_G_BUCKETS_N, &n) ||
		    n != CL_G_BUCKETS_N) {
			d->why = "buckets: exactly 256 digests";
			return false;
		}
		for (i = 0; i < n; i++)
			if (!bin(d, &x[0].via.array.ptr[i], m->buckets[i],
			    CL_ID_LEN))
				return false;
		return true;
	case CL_G_HEADS_REQ:
		return bin(d, &x[0], m->bitmap, sizeof(m->bitmap));
	case CL_G_HEADS:
		return rd_heads(d, m, &x[0]);
	case CL_G_PULL:
		if (!bin(d, &x[0], m->author, CL_PK_LEN) ||
		    !u64(d, &x[1], &m->from) || !u64(d, &x[2], &m->count))
			return false;
		if (m->from == 0 || m->count == 0 ||
		    m->count > CL_G_PULL_MAX) {
			d->why = "pull: from >= 1, count 1..1000";
			return false;
		}
		return true;
	case CL_G_FORK_PULL:
		return bin(d, &x[0], m->author, CL_PK_LEN);
	case CL_G_EVENTS:
		return rd_events(d, m, &x[0]);
	case CL_G_ANNOUNCE:
		return rd_announce(d, m, &x[0]);
	case CL_G_PEERS:
		return rd_peers(d, m, &x[0]);
	}
	d->why = "unknown message";
	return false;
}

cl_err
cl_gmsg_decode(struct cl_gm *m, const uint8_t *in, size_t len,
    const char **why)
{
	msgpack_zone	 z;
	msgpack_object	 obj;
	struct rd	 d = { NULL };
	cl_err		 err;
	int		 n;

	memset(m, 0, sizeof(*m));
	*why = NULL;
	if (!msgpack_zone_init(&z, 4096))
		return CL_ENOMEM;
	if ((err = cl__parse(in, len, &z, &obj)) != CL_OK) {
		d.why = cl_strerror(err);
		err = err == CL_ENOMEM ? err : CL_EPROTO;
		goto out;
	}
	err = CL_EPROTO;
	if (obj.type != MSGPACK_OBJECT_ARRAY || obj.via.array.size < 1 ||
	    obj.via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    obj.via.array.ptr[0].via.u64 > CL_G_MAX ||
	    (n = arity((unsigned)obj.via.array.ptr[0].via.u64)) < 0) {
		d.why = "a message is [type, ...] of a known type";
		goto out;
	}
	m->type = (unsigned)obj.via.array.ptr[0].via.u64;
	if (obj.via.array.size != (uint32_t)n + 1) {
		d.why = "a message of the wrong length";
		goto out;
	}
	if (rd_body(&d, m, obj.via.array.ptr + 1))
		err = CL_OK;
out:
	msgpack_zone_destroy(&z);
	if (err != CL_OK)
		cl_gmsg_free(m);
	*why = d.why;
	return err;
}

void
cl_gmsg_free(struct cl_gm *m)
{
	if (m == NULL)
		return;
	free(m->heads);
	free(m->ev);
	free(m->ev_len);
	free(m->ann);
	free(m->peers);
	free(m->peers_len);
	m->heads = NULL;
	m->ev = NULL;
	m->ev_len = NULL;
	m->ann = NULL;
	m->peers = NULL;
	m->peers_len = NULL;
	m->heads_cnt = m->ev_cnt = m->ann_cnt = m->peers_cnt = 0;
}

static size_t
bound(const struct cl_gm *m)
{
	size_t		n = 64;
	uint32_t	i;

	switch (m->type) {
	case CL_G_HELLO:
		return n + m->addr_len;
	case CL_G_BUCKETS:
		return n + CL_G_BUCKETS_N * 34;
	case CL_G_HEADS:
		return n + (size_t)m->heads_cnt * 64;
	case CL_G_EVENTS:
		for (i = 0; i < m->ev_cnt; i++)
			n += m->ev_len[i] + 5;
		return n;
	case CL_G_ANNOUNCE:
		return n + (size_t)m->ann_cnt * 48;
	case CL_G_PEERS:
		for (i = 0; i < m->peers_cnt; i++)
			n += m->peers_len[i] + 3;
		return n;
	default:
		return n + 64;
	}
}

cl_err
cl_gmsg_encode(const struct cl_gm *m, size_t head, uint8_t **out,
    size_t *len)
{
	struct cl__w	 w;
	size_t		 cap = bound(m);
	uint8_t		*buf;
	uint32_t	 i;
	int		 n = arity(m->type);

	*out = NULL;
	*len = 0;
	if (n < 0)
		return CL_EUSAGE;
	if ((buf = malloc(head + cap)) == NULL)
		return CL_ENOMEM;
	cl__w_init(&w, buf + head, cap);
	cl__w_array(&w, (size_t)n + 1);
	cl__w_uint(&w, m->type);
	switch (m->type) {
	case CL_G_HELLO:
		cl__w_str(&w, m->addr != NULL ? m->addr : "", m->addr_len);
		cl__w_uint(&w, m->log_size);
		break;
	case CL_G_STATE:
		cl__w_bin(&w, m->digest, CL_ID_LEN);
		break;
	case CL_G_BUCKETS_REQ:
		break;
	case CL_G_BUCKETS:
		cl__w_array(&w, CL_G_BUCKETS_N);
		for (i = 0; i < CL_G_BUCKETS_N; i++)
			cl__w_bin(&w, m->buckets[i], CL_ID_LEN);
		break;
	case CL_G_HEADS_REQ:
		cl__w_bin(&w, m->bitmap, sizeof(m->bitmap));
		break;
	case CL_G_HEADS:
		cl__w_array(&w, m->heads_cnt);
		for (i = 0; i < m->heads_cnt; i++) {
			cl__w_array(&w, 4);
			cl__w_bin(&w, m->heads[i].author, CL_PK_LEN);
			cl__w_uint(&w, m->heads[i].seq);
			cl__w_uint(&w, m->heads[i].fork_seq);
			cl__w_uint(&w, m->heads[i].fork_held);
		}
		break;
	case CL_G_PULL:
		cl__w_bin(&w, m->author, CL_PK_LEN);
		cl__w_uint(&w, m->from);
		cl__w_uint(&w, m->count);
		break;
	case CL_G_FORK_PULL:
		cl__w_bin(&w, m->author, CL_PK_LEN);
		break;
	case CL_G_EVENTS:
		cl__w_array(&w, m->ev_cnt);
		for (i = 0; i < m->ev_cnt; i++)
			cl__w_bin(&w, m->ev[i], m->ev_len[i]);
		break;
	case CL_G_ANNOUNCE:
		cl__w_array(&w, m->ann_cnt);
		for (i = 0; i < m->ann_cnt; i++) {
			cl__w_array(&w, 2);
			cl__w_bin(&w, m->ann[i].author, CL_PK_LEN);
			cl__w_uint(&w, m->ann[i].seq);
		}
		break;
	case CL_G_PEERS:
		cl__w_array(&w, m->peers_cnt);
		for (i = 0; i < m->peers_cnt; i++)
			cl__w_str(&w, m->peers[i], m->peers_len[i]);
		break;
	}
	if (w.err != CL_OK) {
		free(buf);
		return w.err;
	}
	*out = buf;
	*len = w.len;
	return CL_OK;
}
