/* SPDX-License-Identifier: Apache-2.0 */
/* Integration harness: node processes and client connections. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <http_parser.h>

#include "bundle.h"
#include "genesis.h"
#include "limits.h"
#include "status.h"

#define READY_MS	20000
#define ANSWER_MS	30000

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
h_sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

const char *
h_node_bin(void)
{
	const char	*p = getenv("CL_NODE");

	cr_assert_not_null(p, "CL_NODE is not set (run through ctest)");
	return p;
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	FILE	*f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

int
h_run(char *const argv[])
{
	pid_t	pid;
	int	st;

	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
spawn(struct h_node *n, const char *const *extra)
{
	char		*argv[40], logpath[200], line[512];
	int		 out[2], i = 0, k;
	size_t		 len = 0;
	struct pollfd	 pfd;
	ssize_t		 r;
	char		*p;

	argv[i++] = (char *)h_node_bin();
	argv[i++] = (char *)"run";
	argv[i++] = (char *)"--data";
	argv[i++] = n->data;
	argv[i++] = (char *)"--listen";
	argv[i++] = (char *)"127.0.0.1:0";
	for (k = 0; extra != NULL && extra[k] != NULL && i < 38; k++)
		argv[i++] = (char *)extra[k];
	argv[i] = NULL;
	snprintf(logpath, sizeof(logpath), "%s/node.log", n->dir);
	cr_assert_eq(pipe(out), 0);
	n->pid = fork();
	cr_assert_neq(n->pid, -1);
	if (n->pid == 0) {
		int log = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(out[1], 1);
		dup2(log, 2);
		close(out[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	pfd.fd = out[0];
	pfd.events = POLLIN;
	while (len < sizeof(line) - 1) {
		cr_assert_gt(poll(&pfd, 1, READY_MS), 0, "no ready line "
		    "(see %s)", logpath);
		r = read(out[0], line + len, sizeof(line) - 1 - len);
		cr_assert_gt(r, 0, "node exited before ready (see %s)",
		    logpath);
		len += (size_t)r;
		line[len] = '\0';
		if (strchr(line, '\n') != NULL)
			break;
	}
	close(out[0]);
	cr_assert(strncmp(line, "ready client=127.0.0.1:", 23) == 0,
	    "ready line: %s", line);
	n->port = atoi(line + 23);
	p = strstr(line, " node=");
	cr_assert_not_null(p);
	memcpy(n->node_hex, p + 6, 64);
	n->node_hex[64] = '\0';
	cr_assert_gt(n->port, 0);
	n->gossip_port = 0;
	if ((p = strstr(line, " gossip=127.0.0.1:")) != NULL)
		n->gossip_port = atoi(p + 18);
	n->http_port = 0;
	if ((p = strstr(line, " http=127.0.0.1:")) != NULL)
		n->http_port = atoi(p + 16);
}

void
h_node_start(struct h_node *n, const struct tl_net *net,
    const char *const *extra)
{
	char	*argv[8];

	memset(n, 0, sizeof(*n));
	snprintf(n->dir, sizeof(n->dir), "/tmp/cl-it-XXXXXX");
	cr_assert_not_null(mkdtemp(n->dir));
	snprintf(n->data, sizeof(n->data), "%s/data", n->dir);
	snprintf(n->genesis, sizeof(n->genesis), "%s/genesis.cl", n->dir);
	write_file(n->genesis, net->genesis, net->genesis_len);
	argv[0] = (char *)h_node_bin();
	argv[1] = (char *)"init";
	argv[2] = (char *)"--data";
	argv[3] = n->data;
	argv[4] = (char *)"--genesis";
	argv[5] = n->genesis;
	argv[6] = NULL;
	cr_assert_eq(h_run(argv), 0, "init failed");
	spawn(n, extra);
}

void
h_node_start_genesis(struct h_node *n, const char *path,
    const char *const *extra)
{
	static uint8_t	 buf[CL_GENESIS_MAX + 1];
	char		*argv[8];
	FILE		*f;
	size_t		 len;

	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	len = fread(buf, 1, sizeof(buf), f);
	cr_assert(!ferror(f), "%s: %s", path, strerror(errno));
	cr_assert_leq(len, CL_GENESIS_MAX, "%s: not a genesis file", path);
	fclose(f);
	memset(n, 0, sizeof(*n));
	snprintf(n->dir, sizeof(n->dir), "/tmp/cl-it-XXXXXX");
	cr_assert_not_null(mkdtemp(n->dir));
	snprintf(n->data, sizeof(n->data), "%s/data", n->dir);
	snprintf(n->genesis, sizeof(n->genesis), "%s/genesis.cl", n->dir);
	write_file(n->genesis, buf, len);
	argv[0] = (char *)h_node_bin();
	argv[1] = (char *)"init";
	argv[2] = (char *)"--data";
	argv[3] = n->data;
	argv[4] = (char *)"--genesis";
	argv[5] = n->genesis;
	argv[6] = NULL;
	cr_assert_eq(h_run(argv), 0, "init failed");
	spawn(n, extra);
}

void
h_node_restart(struct h_node *n, const char *const *extra)
{
	cr_assert_eq(n->pid, 0, "restart of a running node");
	spawn(n, extra);
}

static int
reap(struct h_node *n)
{
	int	st;

	cr_assert_eq(waitpid(n->pid, &st, 0), n->pid);
	n->pid = 0;
	n->exit_status = WIFEXITED(st) ? WEXITSTATUS(st) :
	    -WTERMSIG(st);
	return n->exit_status;
}

int
h_node_stop(struct h_node *n)
{
	cr_assert_neq(n->pid, 0);
	kill(n->pid, SIGTERM);
	return reap(n);
}

int
h_node_wait(struct h_node *n)
{
	cr_assert_neq(n->pid, 0);
	return reap(n);
}

void
h_node_kill9(struct h_node *n)
{
	cr_assert_neq(n->pid, 0);
	kill(n->pid, SIGKILL);
	reap(n);
}

bool
h_node_alive(struct h_node *n)
{
	return n->pid != 0 && waitpid(n->pid, NULL, WNOHANG) == 0;
}

void
h_node_free(struct h_node *n)
{
	char	cmd[300];

	if (n->pid != 0) {
		kill(n->pid, SIGKILL);
		waitpid(n->pid, NULL, 0);
		n->pid = 0;
	}
	if (n->dir[0] != '\0' && getenv("CL_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", n->dir);
		(void)system(cmd);
	}
}

void
h_connect(struct h_conn *c, int port)
{
	struct sockaddr_in	sa;
	int			one = 1;

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(c->fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
	    "connect: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void
h_close(struct h_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->cap = 0;
}

void
h_send(struct h_conn *c, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 w;

	while (len > 0) {
		w = send(c->fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		cr_assert_gt(w, 0, "send: %s", strerror(errno));
		p += w;
		len -= (size_t)w;
	}
}

void
h_send_req(struct h_conn *c, const struct cl_req *q)
{
	size_t	 cap = CL_FRAME_MAX + 64, len;
	uint8_t	*buf = malloc(cap);

	cr_assert_not_null(buf);
	cr_assert_eq(cl_req_encode(q, buf, cap, &len), CL_OK);
	h_send(c, buf, len);
	free(buf);
}

/* Read exactly len bytes; false on end of stream before any byte. */
static bool
read_full(int fd, uint8_t *buf, size_t len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	size_t		got = 0;
	ssize_t		r;

	while (got < len) {
		cr_assert_gt(poll(&pfd, 1, ANSWER_MS), 0, "no answer in %d ms",
		    ANSWER_MS);
		r = recv(fd, buf + got, len - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			cr_assert_eq(got, 0, "stream ended inside a frame");
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

bool
h_recv(struct h_conn *c, unsigned op, struct cl_resp *r)
{
	uint8_t		 hdr[4];
	uint32_t	 plen;
	const char	*why = NULL;

	if (!read_full(c->fd, hdr, 4))
		return false;
	cr_assert_eq(cl_wire_frame(hdr, 4, CL_FRAME_MAX, &plen), CL_OK);
	if (plen > c->cap) {
		c->buf = realloc(c->buf, plen);
		cr_assert_not_null(c->buf);
		c->cap = plen;
	}
	cr_assert(read_full(c->fd, c->buf, plen));
	cr_assert_eq(cl_resp_decode(r, op, c->buf, plen, &why), CL_OK,
	    "answer: %s", why ? why : "?");
	return true;
}

bool
h_closed_within(struct h_conn *c, int ms)
{
	struct pollfd	pfd = { c->fd, POLLIN, 0 };
	uint8_t		buf[4096];
	ssize_t		r;

	for (;;) {
		if (poll(&pfd, 1, ms) <= 0)
			return false;
		r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0 || (r < 0 && errno == ECONNRESET))
			return true;
		if (r < 0)
			return false;
	}
}

void
h_submit(struct h_conn *c, const struct tl_ev *const *evs, uint32_t n,
    unsigned flags, struct cl_resp *r)
{
	struct cl_req	q;
	const uint8_t	**ev = calloc(n, sizeof(*ev));
	size_t		*len = calloc(n, sizeof(*len));
	uint32_t	 i;

	cr_assert(ev != NULL && len != NULL);
	for (i = 0; i < n; i++) {
		ev[i] = evs[i]->bytes;
		len[i] = evs[i]->len;
	}
	memset(&q, 0, sizeof(q));
	q.op = CL_OP_SUBMIT;
	q.flags = flags;
	q.ev = ev;
	q.ev_len = len;
	q.ev_cnt = n;
	h_send_req(c, &q);
	free(ev);
	free(len);
	cr_assert(h_recv(c, CL_OP_SUBMIT, r), "no answer to submit");
	cr_assert_eq(r->code, CL_OK, "submit: %.*s", (int)r->msg_len,
	    r->msg);
	cr_assert_eq(r->u.submit.cnt, n);
}

void
h_status(struct h_conn *c, struct cl_wire_status *s)
{
	struct cl_req	q;
	struct cl_resp	r;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_STATUS;
	h_send_req(c, &q);
	cr_assert(h_recv(c, CL_OP_STATUS, &r));
	cr_assert_eq(r.code, CL_OK);
	*s = r.u.status;
	cl_resp_free(&r);
}

unsigned
h_cred(struct h_conn *c, const struct tl_net *net, const uint8_t *id)
{
	struct cl_req		 q;
	struct cl_resp		 r;
	struct cl_genesis	 g;
	struct cl_bundle	 b;
	struct cl_where		 where = { NULL };
	unsigned		 st;
	cl_err			 err;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_CREDENTIAL;
	memcpy(q.key, id, CL_ID_LEN);
	h_send_req(c, &q);
	cr_assert(h_recv(c, CL_OP_CREDENTIAL, &r));
	cr_assert_eq(r.code, CL_OK, "credential: %.*s", (int)r.msg_len,
	    r.msg);
	st = r.u.cred.status;
	if (st == CL_ST_UNKNOWN) {
		cr_assert_null(r.u.cred.bundle, "an unknown credential has "
		    "no proof");
	} else {
		/* a verifier's check: the bundle alone, against the genesis */
		cr_assert_not_null(r.u.cred.bundle);
		cr_assert_eq(cl_genesis_decode(&g, net->genesis,
		    net->genesis_len, NULL), CL_OK);
		err = cl_bundle_check(&b, &g, r.u.cred.bundle,
		    r.u.cred.bundle_len, id, now_ms(), &where);
		cr_assert_eq(err, CL_OK, "bundle: %s at %s", cl_strerror(err),
		    where.field ? where.field : "?");
		cr_assert_eq(b.result.status, st, "node says %s, bundle %s",
		    cl_status_name(st), cl_status_name(b.result.status));
		cl_bundle_free(&b);
		cl_genesis_free(&g);
	}
	cl_resp_free(&r);
	return st;
}

/* HTTP. */

#define HTTP_READ_MS	10000

void
h_http_connect(struct h_http *c, int port)
{
	struct sockaddr_in	sin;

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(c->fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)), 0,
	    "connect to the HTTP port %d: %s", port, strerror(errno));
}

void
h_http_close(struct h_http *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->in);
	c->in = NULL;
	c->in_len = c->in_cap = 0;
}

void
h_http_send(struct h_http *c, const void *p, size_t len)
{
	const uint8_t	*b = p;
	ssize_t		 n;

	while (len > 0) {
		n = send(c->fd, b, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		cr_assert_gt(n, 0, "send: %s", strerror(errno));
		b += n;
		len -= (size_t)n;
	}
}

void
h_http_request(struct h_http *c, const char *method, const char *path,
    const char *ctype, const void *body, size_t len)
{
	char	head[1024];
	int	n;

	if (body != NULL)
		n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\n"
		    "Host: 127.0.0.1\r\nContent-Type: %s\r\n"
		    "Content-Length: %zu\r\n\r\n", method, path,
		    ctype != NULL ? ctype : "application/octet-stream", len);
	else
		n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\n"
		    "Host: 127.0.0.1\r\n\r\n", method, path);
	cr_assert(n > 0 && (size_t)n < sizeof(head));
	h_http_send(c, head, (size_t)n);
	if (body != NULL && len > 0)
		h_http_send(c, body, len);
}

struct parse {
	struct h_http_resp	*r;
	char			 field[64];
	bool			 done;
	enum { F_OTHER, F_CTYPE, F_CONN, F_ALLOW } which;
};

static int
hp_field(http_parser *p, const char *at, size_t len)
{
	struct parse	*x = p->data;

	snprintf(x->field, sizeof(x->field), "%.*s", (int)len, at);
	x->which = strcasecmp(x->field, "Content-Type") == 0 ? F_CTYPE :
	    strcasecmp(x->field, "Connection") == 0 ? F_CONN :
	    strcasecmp(x->field, "Allow") == 0 ? F_ALLOW : F_OTHER;
	if (strcasecmp(x->field, "Content-Length") == 0)
		x->r->has_length = true;
	return 0;
}

static int
hp_value(http_parser *p, const char *at, size_t len)
{
	struct parse	*x = p->data;
	size_t		 i;

	if (x->which == F_CTYPE)
		snprintf(x->r->ctype, sizeof(x->r->ctype), "%.*s", (int)len,
		    at);
	else if (x->which == F_ALLOW)
		snprintf(x->r->allow, sizeof(x->r->allow), "%.*s", (int)len,
		    at);
	else if (x->which == F_CONN) {
		snprintf(x->r->connection, sizeof(x->r->connection), "%.*s",
		    (int)len, at);
		for (i = 0; x->r->connection[i] != '\0'; i++)
			if (x->r->connection[i] >= 'A' &&
			    x->r->connection[i] <= 'Z')
				x->r->connection[i] += 'a' - 'A';
	}
	return 0;
}

static int
hp_body(http_parser *p, const char *at, size_t len)
{
	struct parse	*x = p->data;
	uint8_t		*b;

	b = realloc(x->r->body, x->r->body_len + len + 1);
	cr_assert_not_null(b);
	memcpy(b + x->r->body_len, at, len);
	x->r->body = b;
	x->r->body_len += len;
	b[x->r->body_len] = '\0';
	return 0;
}

static int
hp_done(http_parser *p)
{
	struct parse	*x = p->data;

	x->r->status = (int)p->status_code;
	x->r->keep_alive = http_should_keep_alive(p) != 0;
	x->done = true;
	http_parser_pause(p, 1);
	return 0;
}

bool
h_http_recv(struct h_http *c, struct h_http_resp *r)
{
	static const http_parser_settings set = {
		.on_header_field = hp_field,
		.on_header_value = hp_value,
		.on_body = hp_body,
		.on_message_complete = hp_done,
	};
	struct parse	x;
	http_parser	p;
	struct pollfd	pfd;
	size_t		n;
	ssize_t		got;
	bool		eof = false;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	x.r = r;
	http_parser_init(&p, HTTP_RESPONSE);
	p.data = &x;
	for (;;) {
		if (c->in_len > 0 || eof) {
			n = http_parser_execute(&p, &set, (const char *)c->in,
			    c->in_len);	/* 0 bytes: the end of stream */
			memmove(c->in, c->in + n, c->in_len - n);
			c->in_len -= n;
			if (x.done) {
				if (r->body == NULL) {
					r->body = calloc(1, 1);
					cr_assert_not_null(r->body);
				}
				return true;
			}
			cr_assert_eq(HTTP_PARSER_ERRNO(&p), HPE_OK,
			    "not an HTTP answer: %s",
			    http_errno_description(HTTP_PARSER_ERRNO(&p)));
			if (eof) {
				h_http_resp_free(r);
				return false;
			}
		}
		if (c->in_cap - c->in_len < 65536) {
			c->in = realloc(c->in, c->in_cap + 65536);
			cr_assert_not_null(c->in);
			c->in_cap += 65536;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		cr_assert_gt(poll(&pfd, 1, HTTP_READ_MS), 0, "no HTTP answer "
		    "in %d ms", HTTP_READ_MS);
		got = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			eof = true;
		else
			c->in_len += (size_t)got;
	}
}

void
h_http_resp_free(struct h_http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

void
h_http_get(int port, const char *path, struct h_http_resp *r)
{
	struct h_http	c;

	h_http_connect(&c, port);
	h_http_request(&c, "GET", path, NULL, NULL, 0);
	cr_assert(h_http_recv(&c, r), "GET %s: the node closed without an "
	    "answer", path);
	h_http_close(&c);
}
