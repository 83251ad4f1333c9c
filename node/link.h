/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A peer link: one TCP connection to another node of the network, the
 * handshake (proto/handshake.h), then crypto_secretstream frames both
 * ways (PROTOCOL.md §12.2).  Two output queues: control messages go out
 * before any bulk ones, whatever was queued first.  Loop thread only.
 */
#ifndef CL_NODE_LINK_H
#define CL_NODE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>
#include <uv.h>

#include "err.h"
#include "handshake.h"

struct cl_link;
struct cl__msg;

enum cl_link_state {
	CL_LINK_CONNECTING = 0,
	CL_LINK_HANDSHAKE = 1,
	CL_LINK_UP = 2,
	CL_LINK_CLOSING = 3,
};

enum cl_link_prio {
	CL_PRIO_CONTROL = 0,	/* state, requests, fork proofs */
	CL_PRIO_BULK = 1,	/* events */
};

struct cl_link_ops {
	/* The handshake is done: peer_pk is proven.  Return false to close. */
	bool	(*up)(struct cl_link *);
	/* One decrypted message. */
	void	(*msg)(struct cl_link *, const uint8_t *msg, size_t len);
	/* The link is gone (err why, or CL_OK); it is freed after this. */
	void	(*down)(struct cl_link *, cl_err err, const char *why);
};

struct cl_link_limits {
	uint64_t	handshake_ms;
	uint64_t	idle_ms;
	uint64_t	frame_max;	/* plaintext bytes of one message */
	uint64_t	out_max;	/* queued bytes before the link is cut */
};

struct cl_link {
	uv_tcp_t		 tcp;		/* first: the handle is the link */
	uv_connect_t		 conn_req;
	uv_timer_t		 timer;		/* handshake, then idle */
	enum cl_link_state	 state;
	bool			 initiator;
	struct cl_hs		 hs;
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	bool			 rx_ready;	/* the peer's header is in */
	uint8_t			*in;
	size_t			 in_len, in_cap;
	struct cl__msg		*q[2], *q_tail[2];	/* by enum cl_link_prio */
	size_t			 q_bytes;	/* queued, not yet written */
	size_t			 w_bytes;	/* written, not yet done */
	uint64_t		 last_rx_ms;
	const struct cl_link_ops *ops;
	const struct cl_link_limits *lim;
	void			*data;		/* the gossip's */
	char			 addr[64];
	uint8_t			 peer_pk[32];	/* after the handshake */
	uint64_t		 bytes_in, bytes_out;
	cl_err			 close_err;	/* why it closed */
	const char		*close_why;
	bool			 violation;	/* closed because the proven
						   peer broke the framing */
	struct cl_link		*next;		/* the gossip's list */
};

/*
 * Start a link: outgoing to a resolved address (pin: the peer's key, or
 * NULL), or on an accepted connection (server: call after uv_accept into
 * l->tcp, which cl_link_init_accepted() initialises first).  netid and sk
 * are copied into the handshake.  On any failure ops->down is called
 * later, never from within these calls.
 */
void	cl_link_connect(struct cl_link *l, uv_loop_t *loop,
	    const struct sockaddr *sa, const uint8_t netid[static 32],
	    const uint8_t sk[static 64], const uint8_t *pin,
	    const struct cl_link_ops *ops, const struct cl_link_limits *lim);
void	cl_link_init_accepted(struct cl_link *l, uv_loop_t *loop);
void	cl_link_accepted(struct cl_link *l, const uint8_t netid[static 32],
	    const uint8_t sk[static 64], const struct cl_link_ops *ops,
	    const struct cl_link_limits *lim);

/*
 * Queue a message (takes buf, malloc'd with CL_LINK_HEAD bytes free in
 * front of the msg_len bytes of message).  Errors: CL_ETOOBIG over the
 * output budget (the link is being cut), CL_ESHUTDOWN (not up).
 */
#define CL_LINK_HEAD	64
CL_NODISCARD cl_err	cl_link_send(struct cl_link *l, enum cl_link_prio p,
			    uint8_t *buf, size_t msg_len);

/* Bytes queued and in flight: the link's output backlog. */
size_t	cl_link_backlog(const struct cl_link *l);

/* Close (idempotent); ops->down follows from the close callback. */
void	cl_link_close(struct cl_link *l, cl_err err, const char *why);

#endif
