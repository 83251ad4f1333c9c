/* SPDX-License-Identifier: Apache-2.0 */
/* A small blocking client of a node's client port (wire.h). */
#ifndef CL_TOOLS_CLIENT_H
#define CL_TOOLS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct cl_req;
struct cl_resp;

/* Where the verbs look for a node without --node or $CREDLEDGER_NODE. */
#define CL_CLIENT_DEFAULT_NODE	"127.0.0.1:7400"
#define CL_CLIENT_NODE_ENV	"CREDLEDGER_NODE"

/*
 * Time limits, in ms: to connect to one address of the node, and for the
 * node to take or give the next bytes of a frame once a call is under
 * way (a SUBMIT of CL_SUBMIT_MAX events is one fsync'd batch: seconds).
 */
#define CL_CLIENT_CONNECT_MS	10000
#define CL_CLIENT_IO_MS		120000

/* The longest host name of "HOST:PORT", in bytes (RFC 1035: 253). */
#define CL_CLIENT_HOST_MAX	255

/* The message of the last failure: short, one line, no newline. */
#define CL_CLIENT_MSG_MAX	256

struct cl_client {
	int		 fd;		/* -1 when closed */
	uint8_t		*in;		/* the last answer's payload */
	size_t		 in_cap;
	uint8_t		*out;		/* the request frame being sent */
	size_t		 out_cap;
	char		 msg[CL_CLIENT_MSG_MAX];
};

/*
 * Split "HOST:PORT" into host (cap bytes, NUL-terminated) and *port.
 * Strict: HOST is a name or an IPv4 address, or an IPv6 address in
 * brackets ("[::1]:7400"); it is not empty, has no ':' outside brackets,
 * no space or control character and at most CL_CLIENT_HOST_MAX bytes.
 * PORT is 1..65535 in decimal digits only (no sign, no leading zero).
 * Errors: CL_EUSAGE.
 */
CL_NODISCARD cl_err	cl_client_parse_hostport(const char *hostport,
			    char *host, size_t cap, uint16_t *port);

/*
 * The node a verb talks to: opt (its --node) if not NULL, else
 * $CREDLEDGER_NODE if set and not empty, else CL_CLIENT_DEFAULT_NODE.
 */
const char	*cl_client_node(const char *opt);

/* Make c closed, holding nothing; cl_client_close() is then a no-op. */
void	cl_client_init(struct cl_client *c);

/*
 * Connect c (initialised, or closed) to hostport: every address
 * getaddrinfo() gives, in turn, each within CL_CLIENT_CONNECT_MS.  On
 * error c is closed and c->msg says what went wrong.
 * Errors: CL_EUSAGE (hostport is malformed), CL_ECONNECT (no name, or no
 * address answered), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_client_open(struct cl_client *c,
			    const char *hostport);

/*
 * Send request r and read its answer into resp.  The answer's strings,
 * bundle and genesis point into a buffer of c, valid until the next call
 * or cl_client_close(); release resp with cl_resp_free() (SUBMIT results
 * and ids are malloc'd) before the next call.
 *
 * When the node answers with an error, that code is returned (the
 * node's words in c->msg) and resp holds nothing to release.  On any
 * other error the connection is closed, since the stream may be out of
 * step, and c->msg says what went wrong.
 * Errors: the node's code; CL_ETOOBIG (the request is over CL_FRAME_MAX),
 * CL_EIO (the connection failed, closed, or timed out), CL_EPROTO (an
 * answer that is not one: a bad frame or a malformed message),
 * CL_ECONNECT (c is not connected), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_client_call(struct cl_client *c,
			    const struct cl_req *r, struct cl_resp *resp);

/*
 * Copy len bytes of src, which a node or a file sent, to dst (cap bytes,
 * at least 1) as one printable line: control bytes and DEL become '?';
 * cut to fit, always NUL-terminated.
 */
void	cl_client_printable(char *dst, size_t cap, const char *src,
	    size_t len);

/* Close the connection and free the buffers; accepts a closed c. */
void	cl_client_close(struct cl_client *c);

#endif
