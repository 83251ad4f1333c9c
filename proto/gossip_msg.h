/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Peer messages (PROTOCOL.md §12.3): what two nodes of one network say to
 * each other inside an encrypted link.  Each message is a msgpack array
 * whose first item is its type.  Pure: no I/O.
 */
#ifndef CL_PROTO_GOSSIP_MSG_H
#define CL_PROTO_GOSSIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "limits.h"

enum cl_gmsg {
	CL_G_HELLO = 1,		/* gossip address, log size */
	CL_G_STATE = 2,		/* state digest: anti-entropy's first word */
	CL_G_BUCKETS_REQ = 3,	/* "send your bucket digests" */
	CL_G_BUCKETS = 4,	/* 256 bucket digests */
	CL_G_HEADS_REQ = 5,	/* heads of these buckets (a 256-bit map) */
	CL_G_HEADS = 6,		/* (author, seq, fork_seq, fork_held) ... */
	CL_G_PULL = 7,		/* author, from seq, count */
	CL_G_FORK_PULL = 8,	/* author: all held past its fork point */
	CL_G_EVENTS = 9,	/* signed events */
	CL_G_ANNOUNCE = 10,	/* (author, seq) of heads just committed */
	CL_G_PEERS = 11,	/* addresses of other nodes: "key@host:port" */
};
#define CL_G_MIN	CL_G_HELLO
#define CL_G_MAX	CL_G_PEERS

#define CL_G_BUCKETS_N		256	/* by the author key's first byte */
#define CL_G_HEADS_MAX		4096	/* heads in one HEADS message */
#define CL_G_EVENTS_MAX		1000	/* events in one EVENTS message */
#define CL_G_ANNOUNCE_MAX	4096
#define CL_G_PEERS_MAX		64
#define CL_G_ADDR_MAX		128	/* bytes of "key@host:port" */
#define CL_G_PULL_MAX		1000	/* events one PULL may ask for */

/* "hello", "state", ...; "?" for no type. */
const char	*cl_gmsg_name(unsigned);

struct cl_ghead {
	uint8_t		author[CL_PK_LEN];
	uint64_t	seq;
	uint64_t	fork_seq;
	uint64_t	fork_held;
};

struct cl_gann {
	uint8_t		author[CL_PK_LEN];
	uint64_t	seq;
};

/*
 * A decoded message.  Byte strings point into the decoded input; arrays
 * are malloc'd (cl_gmsg_free()).
 */
struct cl_gm {
	unsigned	 type;
	uint64_t	 log_size;			/* HELLO */
	const char	*addr;				/* HELLO: may be "" */
	size_t		 addr_len;
	uint8_t		 digest[CL_ID_LEN];		/* STATE */
	uint8_t		 buckets[CL_G_BUCKETS_N][CL_ID_LEN];	/* BUCKETS */
	uint8_t		 bitmap[CL_G_BUCKETS_N / 8];	/* HEADS_REQ */
	uint32_t	 heads_cnt;			/* HEADS */
	struct cl_ghead	*heads;
	uint8_t		 author[CL_PK_LEN];		/* PULL, FORK_PULL */
	uint64_t	 from, count;			/* PULL */
	uint32_t	 ev_cnt;			/* EVENTS */
	const uint8_t	**ev;
	size_t		*ev_len;
	uint32_t	 ann_cnt;			/* ANNOUNCE */
	struct cl_gann	*ann;
	uint32_t	 peers_cnt;			/* PEERS */
	const char	**peers;
	size_t		*peers_len;
};

/*
 * Decode a message, strictly (known type, exact shape, bounds, nothing
 * after).  Errors: CL_EPROTO (*why says what), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_gmsg_decode(struct cl_gm *m, const uint8_t *in,
			    size_t len, const char **why);
void	cl_gmsg_free(struct cl_gm *m);

/*
 * Encode m into a malloc'd *out of *len bytes with head bytes free in
 * front (for the link's frame header and cipher).  Errors: CL_ENOMEM,
 * CL_ETOOBIG.
 */
CL_NODISCARD cl_err	cl_gmsg_encode(const struct cl_gm *m, size_t head,
			    uint8_t **out, size_t *len);

#endif
