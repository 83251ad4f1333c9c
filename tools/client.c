/* SPDX-License-Identifier: Apache-2.0 */
/* A small blocking client of a node's client port (wire.h). */
#include "client.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "wire.h"

/* A request frame other than SUBMIT: [op, bin 32] and its header. */
#define SMALL_REQ_MAX	64

static void
say(struct cl_client *c, const char *fmt, ...) CL_PRINTF(2, 3);

static void
say(struct cl_client *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	/* Cut to fit: a message is for a person, one line. */
	(void)vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
}

static bool
host_char(char ch, bool v6)
{
	if (v6)
		return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		    (ch >= 'A' && ch <= 'F') || ch == ':' || ch == '.';
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '.' || ch == '_';
}

cl_err
cl_client_parse_hostport(const char *s, char *host, size_t cap,
    uint16_t *port)
{
	const char	*h, *p, *end;
	uint64_t	 v;
	size_t		 len, i;
	bool		 v6 = s[0] == '[';

	if (v6) {
		h = s + 1;
		if ((end = strchr(h, ']')) == NULL || end[1] != ':')
			return CL_EUSAGE;
		p = end + 2;
	} else {
		h = s;
		if ((end = strchr(h, ':')) == NULL)
			return CL_EUSAGE;
		p = end + 1;
	}
	len = (size_t)(end - h);
	if (len == 0 || len > CL_CLIENT_HOST_MAX || len >= cap)
		return CL_EUSAGE;
	for (i = 0; i < len; i++)
		if (!host_char(h[i], v6))
			return CL_EUSAGE;
	/* Digits only, no leading zero: "7400", never "+7400" or "07400". */
	if (p[0] == '0' || cl_tool_parse_u64(p, UINT16_MAX, &v) != CL_OK ||
	    v == 0)
		return CL_EUSAGE;
	memcpy(host, h, len);
	host[len] = '\0';
	*port = (uint16_t)v;
	return CL_OK;
}

const char *
cl_client_node(const char *opt)
{
	const char	*env;

	if (opt != NULL)
		return opt;
	if ((env = getenv(CL_CLIENT_NODE_ENV)) != NULL && env[0] != '\0')
		return env;
	return CL_CLIENT_DEFAULT_NODE;
}

void
cl_client_init(struct cl_client *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/*
 * Wait until fd is ready for events, at most ms.  Returns 0, or -1 with
 * errno set (ETIMEDOUT when the time ran out).
 */
static int
wait_fd(int fd, short events, int ms)
{
	struct pollfd	pfd = { fd, events, 0 };
	int		n;

	do
		n = poll(&pfd, 1, ms);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

/*
 * A connected, non-blocking socket to ai within CL_CLIENT_CONNECT_MS, or
 * -1 with errno set.  It stays non-blocking: every read and write waits
 * in poll(), so that no call can hang past its time limit.
 */
static int
connect_one(const struct addrinfo *ai)
{
	socklen_t	len = sizeof(int);
	int		fd, soerr = 0, one = 1, saved;

	if ((fd = socket(ai->ai_family, ai->ai_socktype,
	    ai->ai_protocol)) < 0)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		goto fail;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS && errno != EINTR)
			goto fail;
		if (wait_fd(fd, POLLOUT, CL_CLIENT_CONNECT_MS) < 0)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			goto fail;
		if (soerr != 0) {
			errno = soerr;
			goto fail;
		}
	}
	/* Small requests, each awaited: do not wait for more to send. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}

cl_err
cl_client_open(struct cl_client *c, const char *hostport)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[CL_CLIENT_HOST_MAX + 1], port[8];
	uint16_t	 pnum;
	int		 rc, fd = -1, saved = 0;

	cl_client_close(c);
	if (cl_client_parse_hostport(hostport, host, sizeof(host), &pnum) !=
	    CL_OK) {
		say(c, "bad node address '%.64s': want HOST:PORT, PORT "
		    "1..65535", hostport);
		return CL_EUSAGE;
	}
	(void)snprintf(port, sizeof(port), "%u", (unsigned)pnum);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		say(c, "cannot reach the node at %s: %s", hostport,
		    rc == EAI_MEMORY ? cl_strerror(CL_ENOMEM) :
		    gai_strerror(rc));
		return rc == EAI_MEMORY ? CL_ENOMEM : CL_ECONNECT;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		if ((fd = connect_one(ai)) < 0)
			saved = errno;
	freeaddrinfo(res);
	if (fd < 0) {
		say(c, "cannot reach the node at %s: %s", hostport,
		    strerror(saved));
		return CL_ECONNECT;
	}
	c->fd = fd;
	return CL_OK;
}

/* Room for n bytes in *buf (*cap bytes now).  Returns 0 or -1. */
static int
reserve(uint8_t **buf, size_t *cap, size_t n)
{
	uint8_t	*nbuf;

	if (n <= *cap)
		return 0;
	if ((nbuf = realloc(*buf, n)) == NULL)
		return -1;
	*buf = nbuf;
	*cap = n;
	return 0;
}

/* Send all of buf.  Returns 0 or -1 with errno set. */
static int
send_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		/* A node gone away is EPIPE here, not a SIGPIPE. */
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (wait_fd(fd, POLLOUT, CL_CLIENT_IO_MS) < 0)
				return -1;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Receive exactly len bytes.  Returns 0, or -1 with errno set (0 for
 * the end of the stream).
 */
static int
recv_all(int fd, uint8_t *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = recv(fd, buf, len, 0);
		if (n == 0) {
			errno = 0;
			return -1;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (wait_fd(fd, POLLIN, CL_CLIENT_IO_MS) < 0)
				return -1;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Close the stream after a failure that may leave it out of step. */
static cl_err
broken(struct cl_client *c, cl_err err)
{
	(void)close(c->fd);
	c->fd = -1;
	return err;
}

static cl_err
io_failed(struct cl_client *c, const char *what)
{
	if (errno == 0)
		say(c, "the node closed the connection while %s", what);
	else
		say(c, "%s: %s", what, strerror(errno));
	return broken(c, CL_EIO);
}

void
cl_client_printable(char *dst, size_t cap, const char *src, size_t len)
{
	unsigned char	ch;
	size_t		i;

	for (i = 0; i < len && i + 1 < cap; i++) {
		ch = (unsigned char)src[i];
		dst[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	dst[i] = '\0';
}

/* The node's message, one line of printable bytes. */
static void
node_said(struct cl_client *c, const struct cl_resp *resp)
{
	static const char	prefix[] = "the node says: ";
	size_t			n = sizeof(prefix) - 1;

	memcpy(c->msg, prefix, n);
	cl_client_printable(c->msg + n, sizeof(c->msg) - n, resp->msg,
	    resp->msg_len);
}

cl_err
cl_client_call(struct cl_client *c, const struct cl_req *r,
    struct cl_resp *resp)
{
	uint8_t		 hdr[CL_WIRE_HDR_LEN];
	const char	*why = NULL;
	size_t		 bound = SMALL_REQ_MAX, total = 0, len;
	uint32_t	 i, n;
	cl_err		 err;

	memset(resp, 0, sizeof(*resp));
	resp->op = r->op;
	if (c->fd < 0) {
		say(c, "not connected to a node");
		return CL_ECONNECT;
	}
	if (r->op == CL_OP_SUBMIT) {
		for (i = 0; i < r->ev_cnt; i++)
			total += r->ev_len[i];
		bound = cl_req_frame_max(r->ev_cnt, total);
	}
	if (bound > CL_WIRE_HDR_LEN + (size_t)CL_FRAME_MAX)
		bound = CL_WIRE_HDR_LEN + (size_t)CL_FRAME_MAX;
	if (reserve(&c->out, &c->out_cap, bound) < 0) {
		say(c, "%s", cl_strerror(CL_ENOMEM));
		return CL_ENOMEM;
	}
	if ((err = cl_req_encode(r, c->out, bound, &len)) != CL_OK) {
		say(c, "a %s request over %d bytes", cl_op_name(r->op),
		    CL_FRAME_MAX);
		return err;
	}
	if (send_all(c->fd, c->out, len) < 0)
		return io_failed(c, "sending a request");
	if (recv_all(c->fd, hdr, sizeof(hdr)) < 0)
		return io_failed(c, "waiting for the answer");
	if (cl_wire_frame(hdr, sizeof(hdr), CL_FRAME_MAX, &n) != CL_OK) {
		say(c, "the node sent a frame header of %u bytes (1..%d)",
		    (unsigned)hdr[0] << 24 | (unsigned)hdr[1] << 16 |
		    (unsigned)hdr[2] << 8 | hdr[3], CL_FRAME_MAX);
		return broken(c, CL_EPROTO);
	}
	if (reserve(&c->in, &c->in_cap, n) < 0) {
		say(c, "%s", cl_strerror(CL_ENOMEM));
		return broken(c, CL_ENOMEM);
	}
	if (recv_all(c->fd, c->in, n) < 0)
		return io_failed(c, "reading the answer");
	if ((err = cl_resp_decode(resp, r->op, c->in, n, &why)) != CL_OK) {
		say(c, "a malformed %s answer: %s", cl_op_name(r->op),
		    why != NULL ? why : cl_strerror(err));
		return broken(c, err);
	}
	if (resp->code != CL_OK) {
		node_said(c, resp);
		return (cl_err)resp->code;
	}
	return CL_OK;
}

void
cl_client_close(struct cl_client *c)
{
	if (c->fd >= 0)
		(void)close(c->fd);
	free(c->in);
	free(c->out);
	cl_client_init(c);
}
