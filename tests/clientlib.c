/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the client and verb tests. */
#include "clientlib.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>

#include "hex.h"
#include "util.h"
#include "wire.h"

static char	dir[64];
pid_t		ct_server = -1;

void
ct_setup(void)
{
	cr_assert(sodium_init() >= 0);
	strcpy(dir, "/tmp/cl-client-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

void
ct_teardown(void)
{
	char	cmd[128];

	if (ct_server > 0) {
		(void)kill(ct_server, SIGKILL);
		(void)waitpid(ct_server, NULL, 0);
		ct_server = -1;
	}
	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) < (int)sizeof(cmd))
		(void)system(cmd);
}

/* A path in the test directory; each call returns a new buffer. */
const char *
ct_path(const char *name)
{
	static char	bufs[8][128];
	static int	next;
	char		*p = bufs[next++ % 8];

	cr_assert(snprintf(p, sizeof(bufs[0]), "%s/%s", dir, name) <
	    (int)sizeof(bufs[0]));
	return p;
}

void
ct_write(const char *p, const void *b, size_t len)
{
	cr_assert_eq(cl_tool_write_file(p, b, len, 0600, true), CL_OK);
}

char *
ct_read_text(const char *p)
{
	uint8_t	*b, *nb;
	size_t	 len;

	cr_assert_eq(cl_tool_read_file(p, 1 << 22, &b, &len), CL_OK);
	cr_assert_not_null(nb = realloc(b, len + 1));
	nb[len] = '\0';
	return (char *)nb;
}

void
ct_hex(char out[static 2 * CL_ID_LEN + 1], const uint8_t *b)
{
	cl_hex_encode(out, b, CL_ID_LEN);
}

/* A listening socket on 127.0.0.1 and its port. */
int
ct_listener(uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	cr_assert((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(fd, 16), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

void
ct_addr(char *out, size_t cap, uint16_t port)
{
	cr_assert(snprintf(out, cap, "127.0.0.1:%u", (unsigned)port) <
	    (int)cap);
}

/* All of len bytes through read(2) or write(2). */
static int
whole(int fd, uint8_t *p, size_t len, bool rd)
{
	ssize_t	n;

	while (len > 0) {
		n = rd ? read(fd, p, len) : write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ct_read_n(int fd, void *buf, size_t len)
{
	return whole(fd, buf, len, true);
}

int
ct_write_n(int fd, const void *buf, size_t len)
{
	/* whole() only reads from buf when it writes */
	return whole(fd, (uint8_t *)(uintptr_t)buf, len, false);
}

/* Read one request frame; its payload is malloc'd. */
int
ct_read_request(int fd, uint8_t **buf, uint32_t *n)
{
	uint8_t	hdr[CL_WIRE_HDR_LEN];

	if (ct_read_n(fd, hdr, sizeof(hdr)) != 0 ||
	    cl_wire_frame(hdr, sizeof(hdr), CL_FRAME_MAX, n) != CL_OK ||
	    (*buf = malloc(*n)) == NULL || ct_read_n(fd, *buf, *n) != 0)
		return -1;
	return 0;
}

void
ct_world_open(struct ct_world *w)
{
	tl_net(&w->net, 1);
	tl_feed(&w->issuer, 7);
	tl_ledger_open(&w->tl, &w->net);
	tl_accredit(&w->net, &w->net.auth[0], w->issuer.key.pk, 1, &w->acc);
	tl_define(&w->net, &w->issuer, &w->def);
	tl_issue(&w->net, &w->issuer, w->def.id, 1, 0, &w->iss);
	cr_assert_eq(tl_submit(&w->tl.l, &w->acc, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&w->tl.l, &w->def, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(tl_submit(&w->tl.l, &w->iss, NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(cl_genesis_decode(&w->g, w->net.genesis,
	    w->net.genesis_len, NULL), CL_OK);
}

void
ct_world_close(struct ct_world *w)
{
	cl_genesis_free(&w->g);
	tl_ledger_close(&w->tl);
}

void
ct_world_change(struct ct_world *w, unsigned type)
{
	tl_change(&w->net, &w->issuer, type, w->iss.id, &w->chg);
	cr_assert_eq(tl_submit(&w->tl.l, &w->chg, NULL), CL_ACC_ACCEPTED);
}

/* The node's answer about the credential: status and bundle. */
void
ct_answer(struct ct_world *w, struct cl_cred_answer *a, uint8_t **b,
    size_t *len)
{
	cr_assert_eq(cl_ledger_credential(&w->tl.l, w->iss.id, TL_NOW, a),
	    CL_OK);
	cr_assert_eq(cl_ledger_bundle(&w->tl.l, a, b, len), CL_OK);
}

void
ct_has(const char *text, const char *want)
{
	cr_assert_not_null(strstr(text, want), "lacks \"%s\":\n%s", want,
	    text);
}

const char *
ct_jstr(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	cr_assert(json_is_string(v), "%s is not a string", key);
	return json_string_value(v);
}
