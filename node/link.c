/* SPDX-License-Identifier: Apache-2.0 */
/* Peer links: handshake, then encrypted frames with two priorities. */
#include "link.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

#define SS_ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADER	crypto_secretstream_xchacha20poly1305_HEADERBYTES
/* Bytes written and not yet done before the next message waits. */
#define WINDOW		(256 * 1024)
/* The read buffer starts at this and grows to the frame being read. */
#define IN_START	(64 * 1024)

struct cl__msg {
	struct cl__msg	*next;
	uint8_t		*buf;		/* CL_LINK_HEAD free, then msg */
	size_t		 len;
};

struct wreq {
	uv_write_t	 w;
	struct cl_link	*l;
	size_t		 len;
};

static const char comp[] = "link";

static void	pump(struct cl_link *);

static void
on_timer_closed(uv_handle_t *h)
{
	struct cl_link	*l = h->data;
	struct cl__msg	*m, *next;
	int		 p;

	for (p = 0; p < 2; p++)
		for (m = l->q[p]; m != NULL; m = next) {
			next = m->next;
			free(m->buf);
			free(m);
		}
	free(l->in);
	cl_hs_wipe(&l->hs, false);
	sodium_memzero(&l->tx, sizeof(l->tx));
	sodium_memzero(&l->rx, sizeof(l->rx));
	/* down was told in on_tcp_closed; the link is the caller's memory */
	free(l);
}

static void
on_tcp_closed(uv_handle_t *h)
{
	struct cl_link	*l = (struct cl_link *)h;

	l->ops->down(l, l->close_err, l->close_why);
	uv_close((uv_handle_t *)&l->timer, on_timer_closed);
}

void
cl_link_close(struct cl_link *l, cl_err err, const char *why)
{
	if (l->state == CL_LINK_CLOSING)
		return;
	l->state = CL_LINK_CLOSING;
	l->close_err = err;
	l->close_why = why;
	uv_timer_stop(&l->timer);
	uv_close((uv_handle_t *)&l->tcp, on_tcp_closed);
}

static void
on_written(uv_write_t *w, int status)
{
	struct wreq	*wr = (struct wreq *)w;
	struct cl_link	*l = wr->l;

	l->w_bytes -= wr->len;
	free(wr);
	if (l->state == CL_LINK_CLOSING)
		return;
	if (status < 0) {
		cl_link_close(l, CL_EIO, "write failed");
		return;
	}
	pump(l);
}

/* Write bytes as they are (handshake), or a frame built by pump(). */
static void
write_buf(struct cl_link *l, struct wreq *wr, uint8_t *p, size_t len)
{
	uv_buf_t	b = uv_buf_init((char *)p, (unsigned)len);

	wr->l = l;
	wr->len = len;
	l->w_bytes += len;
	l->bytes_out += len;
	if (uv_write(&wr->w, (uv_stream_t *)&l->tcp, &b, 1, on_written) !=
	    0) {
		l->w_bytes -= len;
		free(wr);
		cl_link_close(l, CL_EIO, "write failed");
	}
}

static void
write_raw(struct cl_link *l, const uint8_t *p, size_t len)
{
	struct wreq	*wr = malloc(sizeof(*wr) + len);

	if (wr == NULL) {
		cl_link_close(l, CL_ENOMEM, "out of memory");
		return;
	}
	memcpy(wr + 1, p, len);
	write_buf(l, wr, (uint8_t *)(wr + 1), len);
}

/* Encrypt and write queued messages, control first, within the window. */
static void
pump(struct cl_link *l)
{
	struct cl__msg	*m;
	struct wreq	*wr;
	uint8_t		*f;
	size_t		 clen;
	int		 p;

	while (l->state == CL_LINK_UP && l->w_bytes < WINDOW) {
		p = l->q[CL_PRIO_CONTROL] != NULL ? CL_PRIO_CONTROL :
		    CL_PRIO_BULK;
		if ((m = l->q[p]) == NULL)
			return;
		if ((l->q[p] = m->next) == NULL)
			l->q_tail[p] = NULL;
		l->q_bytes -= m->len;
		clen = m->len + SS_ABYTES;
		wr = malloc(sizeof(*wr) + 4 + clen);
		if (wr == NULL) {
			free(m->buf);
			free(m);
			cl_link_close(l, CL_ENOMEM, "out of memory");
			return;
		}
		f = (uint8_t *)(wr + 1);
		f[0] = (uint8_t)(clen >> 24);
		f[1] = (uint8_t)(clen >> 16);
		f[2] = (uint8_t)(clen >> 8);
		f[3] = (uint8_t)clen;
		crypto_secretstream_xchacha20poly1305_push(&l->tx, f + 4, NULL,
		    m->buf + CL_LINK_HEAD, m->len, NULL, 0, 0);
		free(m->buf);
		free(m);
		write_buf(l, wr, f, 4 + clen);
	}
}

cl_err
cl_link_send(struct cl_link *l, enum cl_link_prio p, uint8_t *buf,
    size_t msg_len)
{
	struct cl__msg	*m;

	if (l->state != CL_LINK_UP) {
		free(buf);
		return CL_ESHUTDOWN;
	}
	if (msg_len > l->lim->frame_max) {
		free(buf);
		return CL_ETOOBIG;
	}
	if (l->q_bytes + l->w_bytes + msg_len > l->lim->out_max) {
		free(buf);
		cl_link_close(l, CL_ETOOBIG, "the peer does not read: output "
		    "over its budget");
		return CL_ETOOBIG;
	}
	if ((m = malloc(sizeof(*m))) == NULL) {
		free(buf);
		return CL_ENOMEM;
	}
	m->next = NULL;
	m->buf = buf;
	m->len = msg_len;
	if (l->q_tail[p] != NULL)
		l->q_tail[p]->next = m;
	else
		l->q[p] = m;
	l->q_tail[p] = m;
	l->q_bytes += msg_len;
	pump(l);
	return CL_OK;
}

size_t
cl_link_backlog(const struct cl_link *l)
{
	return l->q_bytes + l->w_bytes;
}

static void
on_timer(uv_timer_t *t)
{
	struct cl_link	*l = t->data;

	if (l->state != CL_LINK_UP) {
		cl_link_close(l, CL_ETRUNCATED, "handshake timeout");
		return;
	}
	if (uv_now(t->loop) - l->last_rx_ms > l->lim->idle_ms)
		cl_link_close(l, CL_OK, "idle");
}

/*
 * The peer, whose key the handshake proved, sent what no node of the
 * network sends: say so (ops->down holds it off), and close.
 */
static void
violation(struct cl_link *l, cl_err err, const char *why)
{
	l->violation = true;
	cl_link_close(l, err, why);
}

static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Our stream header, right after our last handshake message. */
static void
send_header(struct cl_link *l)
{
	uint8_t	hdr[SS_HEADER];

	crypto_secretstream_xchacha20poly1305_init_push(&l->tx, hdr,
	    l->hs.tx);
	write_raw(l, hdr, sizeof(hdr));
}

/*
 * The handshake: fixed-size messages, nothing else, until both headers
 * are in.  Returns the bytes taken, 0 for "need more", or -1 (closed).
 */
static ssize_t
take_handshake(struct cl_link *l, const uint8_t *p, size_t n)
{
	uint8_t	out[CL_HS_MSG2_LEN];
	cl_err	err;

	if (l->hs.step == 3) {
		if (n < SS_HEADER)
			return 0;
		if (crypto_secretstream_xchacha20poly1305_init_pull(&l->rx, p,
		    l->hs.rx) != 0) {
			violation(l, CL_EPROTO, "bad stream header");
			return -1;
		}
		l->rx_ready = true;
		memcpy(l->peer_pk, l->hs.peer_pk, 32);
		cl_hs_wipe(&l->hs, false);
		l->state = CL_LINK_UP;
		if (!l->ops->up(l)) {
			cl_link_close(l, CL_OK, "not wanted");
			return -1;
		}
		uv_timer_start(&l->timer, on_timer, l->lim->idle_ms / 4 + 1,
		    l->lim->idle_ms / 4 + 1);
		pump(l);
		return SS_HEADER;
	}
	if (!l->initiator && l->hs.step == 0) {
		if (n < CL_HS_MSG1_LEN)
			return 0;
		if ((err = cl_hs_recv1(&l->hs, p, out)) != CL_OK) {
			cl_link_close(l, err, "not of this network");
			return -1;
		}
		write_raw(l, out, CL_HS_MSG2_LEN);
		return CL_HS_MSG1_LEN;
	}
	if (l->initiator && l->hs.step == 1) {
		if (n < CL_HS_MSG2_LEN)
			return 0;
		if ((err = cl_hs_recv2(&l->hs, p, out)) != CL_OK) {
			cl_link_close(l, err, err == CL_EBADKEY ?
			    "not the pinned node key" : "handshake failed");
			return -1;
		}
		write_raw(l, out, CL_HS_MSG3_LEN);
		send_header(l);
		return CL_HS_MSG2_LEN;
	}
	if (!l->initiator && l->hs.step == 2) {
		if (n < CL_HS_MSG3_LEN)
			return 0;
		if ((err = cl_hs_recv3(&l->hs, p)) != CL_OK) {
			cl_link_close(l, err, "handshake failed");
			return -1;
		}
		send_header(l);
		return CL_HS_MSG3_LEN;
	}
	cl_link_close(l, CL_EPROTO, "handshake out of step");
	return -1;
}

/* One frame: decrypt it and hand it up.  Same returns. */
static ssize_t
take_frame(struct cl_link *l, const uint8_t *p, size_t n)
{
	uint8_t			*m;
	unsigned long long	 mlen;
	unsigned char		 tag;
	uint32_t		 clen;

	if (n < 4)
		return 0;
	clen = load_be32(p);
	if (clen < SS_ABYTES || clen - SS_ABYTES > l->lim->frame_max) {
		violation(l, CL_ETOOBIG, "frame length out of bounds");
		return -1;
	}
	if (n - 4 < clen)
		return 0;
	if ((m = malloc(clen - SS_ABYTES + 1)) == NULL) {
		cl_link_close(l, CL_ENOMEM, "out of memory");
		return -1;
	}
	if (crypto_secretstream_xchacha20poly1305_pull(&l->rx, m, &mlen, &tag,
	    p + 4, clen, NULL, 0) != 0 || tag != 0) {
		free(m);
		violation(l, CL_EPROTO, "a frame that does not decrypt");
		return -1;
	}
	l->ops->msg(l, m, (size_t)mlen);
	free(m);
	return l->state == CL_LINK_CLOSING ? -1 : (ssize_t)(4 + clen);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct cl_link	*l = (struct cl_link *)h;
	size_t		 want = IN_START;
	uint8_t		*p;

	(void)hint;
	/* a frame header in: room for the whole frame it declares */
	if (l->rx_ready && l->in_len >= 4) {
		uint32_t clen = load_be32(l->in);

		if (clen <= l->lim->frame_max + SS_ABYTES &&
		    4 + (size_t)clen > want)
			want = 4 + (size_t)clen;
	}
	if (want <= l->in_cap && l->in_len == l->in_cap)
		want = l->in_cap + IN_START;
	if (want > l->in_cap && (p = realloc(l->in, want)) != NULL) {
		l->in = p;
		l->in_cap = want;
	}
	*buf = uv_buf_init((char *)l->in + l->in_len,
	    (unsigned)(l->in_cap - l->in_len));
}

static void
on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct cl_link	*l = (struct cl_link *)st;
	size_t		 off = 0;
	ssize_t		 r;

	(void)buf;
	if (nread < 0) {
		cl_link_close(l, nread == UV_EOF ? CL_OK : CL_EIO,
		    nread == UV_EOF ? "end of stream" :
		    uv_strerror((int)nread));
		return;
	}
	l->in_len += (size_t)nread;
	l->bytes_in += (size_t)nread;
	l->last_rx_ms = uv_now(st->loop);
	for (;;) {
		if (l->rx_ready)
			r = take_frame(l, l->in + off, l->in_len - off);
		else
			r = take_handshake(l, l->in + off, l->in_len - off);
		if (r < 0)
			return;		/* closed */
		if (r == 0)
			break;
		off += (size_t)r;
	}
	if (!l->rx_ready && l->in_len - off > CL_HS_MSG2_LEN + SS_HEADER) {
		cl_link_close(l, CL_EPROTO, "bytes before the handshake ends");
		return;
	}
	memmove(l->in, l->in + off, l->in_len - off);
	l->in_len -= off;
	if (l->in_len == 0 && l->in_cap > IN_START) {
		free(l->in);
		l->in = NULL;
		l->in_cap = 0;
	}
}

static void
start(struct cl_link *l)
{
	l->state = CL_LINK_HANDSHAKE;
	l->last_rx_ms = uv_now(l->tcp.loop);
	uv_tcp_nodelay(&l->tcp, 1);
	uv_timer_start(&l->timer, on_timer, l->lim->handshake_ms, 0);
	if (uv_read_start((uv_stream_t *)&l->tcp, on_alloc, on_read) != 0) {
		cl_link_close(l, CL_EIO, "read failed");
		return;
	}
	if (l->initiator) {
		uint8_t	m1[CL_HS_MSG1_LEN];

		cl_hs_msg1(&l->hs, m1);
		write_raw(l, m1, sizeof(m1));
	}
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct cl_link	*l = (struct cl_link *)req->handle;

	if (l->state == CL_LINK_CLOSING)
		return;
	if (status < 0) {
		cl_link_close(l, CL_ECONNECT, uv_strerror(status));
		return;
	}
	start(l);
}

static void
init_common(struct cl_link *l, uv_loop_t *loop)
{
	uv_tcp_init(loop, &l->tcp);
	uv_timer_init(loop, &l->timer);
	l->timer.data = l;
}

void
cl_link_connect(struct cl_link *l, uv_loop_t *loop, const struct sockaddr *sa,
    const uint8_t netid[static 32], const uint8_t sk[static 64],
    const uint8_t *pin, const struct cl_link_ops *ops,
    const struct cl_link_limits *lim)
{
	int	rc;

	init_common(l, loop);
	l->ops = ops;
	l->lim = lim;
	l->initiator = true;
	l->state = CL_LINK_CONNECTING;
	cl_hs_init(&l->hs, true, netid, sk, pin);
	if ((rc = uv_tcp_connect(&l->conn_req, &l->tcp, sa, on_connect)) !=
	    0) {
		cl_log_debug(comp, "connect %s: %s", l->addr, uv_strerror(rc));
		cl_link_close(l, CL_ECONNECT, "connect failed");
	}
}

void
cl_link_init_accepted(struct cl_link *l, uv_loop_t *loop)
{
	init_common(l, loop);
	l->state = CL_LINK_CONNECTING;
}

void
cl_link_accepted(struct cl_link *l, const uint8_t netid[static 32],
    const uint8_t sk[static 64], const struct cl_link_ops *ops,
    const struct cl_link_limits *lim)
{
	l->ops = ops;
	l->lim = lim;
	l->initiator = false;
	cl_hs_init(&l->hs, false, netid, sk, NULL);
	start(l);
}
