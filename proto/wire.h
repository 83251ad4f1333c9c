/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client protocol (PROTOCOL.md §7): frames of a 4-byte big-endian
 * length and a msgpack message; requests and their answers.  Pure: no
 * I/O.  The daemon decodes requests and encodes answers, the command line
 * the other way round.
 */
#ifndef CL_PROTO_WIRE_H
#define CL_PROTO_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "err.h"
#include "limits.h"

#define CL_WIRE_HDR_LEN		4

/*
 * Look at the start of buf (len bytes, possibly less than a header).
 * *payload_len = 0 when fewer than CL_WIRE_HDR_LEN bytes are there; else
 * the declared length, checked before anything is allocated or awaited.
 * Errors: CL_EBADREQ for a zero length, CL_ETOOBIG over max.
 */
CL_NODISCARD cl_err	cl_wire_frame(const uint8_t *buf, size_t len,
			    uint32_t max, uint32_t *payload_len);

/* Write a frame header for a payload of len bytes. */
void	cl_wire_hdr(uint8_t hdr[static CL_WIRE_HDR_LEN], uint32_t len);

/* Requests.  The numbers are on the wire and never change. */
enum cl_op {
	CL_OP_SUBMIT = 1,	/* signed events -> one result each */
	CL_OP_CREDENTIAL = 2,	/* ISSUE id -> status and proof bundle */
	CL_OP_BY_DIGEST = 3,	/* document digest -> ISSUE ids */
	CL_OP_BY_HOLDER = 4,	/* holder reference -> ISSUE ids */
	CL_OP_HEAD = 5,		/* author -> its feed's head */
	CL_OP_STATUS = 6,	/* -> node key, network, counts, digest */
	CL_OP_GENESIS = 7,	/* -> the genesis file's bytes */
	CL_OP_CHECKPOINT = 8,	/* -> a checkpoint of the log, signed now */
	CL_OP_CHECKPOINTS = 9,	/* time -> the stored ones from then on */
	CL_OP_INCLUSION = 10,	/* position, size -> event, root, path */
	CL_OP_CONSISTENCY = 11,	/* size m, size n -> both roots, proof */
	CL_OP_EVENTS = 12,	/* position, count -> the log from there */
	CL_OP_PEERS = 13,	/* -> gossip links and counters */
};
#define CL_OP_MIN	CL_OP_SUBMIT
#define CL_OP_MAX	CL_OP_PEERS

#define CL_WIRE_PEERS_MAX	256	/* links in one PEERS answer */

/* One gossip link, for status. */
struct cl_wire_peer {
	uint8_t		 key[CL_PK_LEN];	/* zero before the handshake */
	char		 addr[64];
	char		 state[16];		/* "up", "handshake", ... */
	bool		 outgoing;
	uint64_t	 events_in, events_out, bytes_in, bytes_out;
};

/* The node's gossip counters (node/gossip.h). */
struct cl_wire_gossip {
	uint64_t	events_in, events_new, events_out, dups_in;
	uint64_t	announces_out, rounds, rounds_in_sync;
	uint64_t	links_up, links_refused, peers_banned;
};

/* Hashes in a proof answer: one per level (proto/merkle.h). */
#define CL_WIRE_PROOF_MAX	64

/* "submit", "credential", ...; "?" for no op. */
const char	*cl_op_name(unsigned);

/* SUBMIT flags. */
#define CL_SUBMIT_NO_FORK	0x1	/* a conflict is "stale", not a fork
					   proof: what a signing client
					   wants when its head was old */

/*
 * A decoded request.  SUBMIT's events point into the decoded input, which
 * must outlive the request; ev and ev_len are malloc'd (cl_req_free()).
 */
struct cl_req {
	unsigned	 op;
	unsigned	 flags;			/* SUBMIT */
	uint8_t		 key[CL_ID_LEN];	/* id, digest, holder, author */
	uint64_t	 a, b;			/* CHECKPOINTS: time; INCLUSION:
						   position, size; CONSISTENCY:
						   m, n; EVENTS: position,
						   count (1..CL_EVENTS_MAX) */
	uint32_t	 ev_cnt;		/* SUBMIT: 1..CL_SUBMIT_MAX */
	const uint8_t	**ev;
	size_t		*ev_len;
};

/*
 * Decode a request payload, strictly: the message is an array whose first
 * item is a known op, then exactly the arguments of that op, of the right
 * types and sizes, and nothing after.  Errors: CL_EBADREQ (what is wrong is
 * in *why, a static string), CL_ETOOBIG (too many events), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_req_decode(struct cl_req *r, const uint8_t *in,
			    size_t len, const char **why);
void	cl_req_free(struct cl_req *r);

/*
 * Encode a request as a whole frame (header included) into out, cap
 * bytes.  For SUBMIT give ev, ev_len and ev_cnt.  Errors: CL_ETOOBIG.
 */
CL_NODISCARD cl_err	cl_req_encode(const struct cl_req *r, uint8_t *out,
			    size_t cap, size_t *len);

/* The bound of a request frame of n events of total bytes. */
size_t	cl_req_frame_max(uint32_t n, size_t total);

/* One SUBMIT result (ledger.h's struct cl_result, on the wire). */
struct cl_wire_result {
	unsigned	 acc;		/* enum cl_accept */
	unsigned	 err;		/* cl_err when rejected */
	const char	*field;		/* rejected: where, or NULL */
	size_t		 field_len;
	unsigned	 void_reason;	/* enum cl_void */
	uint64_t	 pos;
	uint64_t	 head_seq;
	uint8_t		 id[CL_ID_LEN];	/* all zero for a rejected event */
};

/* The node's status. */
struct cl_wire_status {
	uint8_t		 node[CL_PK_LEN];
	uint8_t		 network[CL_ID_LEN];
	uint8_t		 digest[CL_ID_LEN];
	uint64_t	 log_size;
	uint64_t	 feeds;
	uint64_t	 credentials;
	uint64_t	 void_events;
	uint64_t	 forks;
	uint64_t	 by_type[8];		/* [1..7] by event type */
	uint64_t	 by_state[3];		/* credentials by their feed's
						   state: valid, suspended,
						   revoked (cl_counts) */
	uint64_t	 map_used;		/* bytes of the LMDB map in use */
	uint64_t	 map_size;
	uint64_t	 connections;		/* client connections open */
	uint64_t	 uptime_ms;
	uint64_t	 submitted;		/* events submitted since start */
	uint64_t	 accepted;		/* ... of which stored */
};

/* A decoded answer.  Pointers point into the decoded input. */
struct cl_resp {
	unsigned	 op;
	unsigned	 code;		/* cl_err: CL_OK or why it failed */
	const char	*msg;		/* code != CL_OK: the node's words */
	size_t		 msg_len;
	union {
		struct {	/* SUBMIT */
			uint32_t		 cnt;
			struct cl_wire_result	*r;	/* malloc'd */
		} submit;
		struct {	/* CREDENTIAL */
			unsigned	 status;	/* enum cl_cred_status */
			unsigned	 void_reason;
			const uint8_t	*bundle;	/* NULL: none (unknown) */
			size_t		 bundle_len;
		} cred;
		struct {	/* BY_DIGEST, BY_HOLDER */
			uint32_t	 cnt;
			uint8_t		*ids;		/* cnt * 32 bytes;
							   decoded: malloc'd */
			bool		 more;
		} ids;
		struct {	/* HEAD */
			uint64_t	 seq;
			uint8_t		 id[CL_ID_LEN];
			uint64_t	 fork_seq;
		} head;
		struct cl_wire_status	status;
		struct {	/* GENESIS */
			const uint8_t	*bytes;
			size_t		 len;
		} genesis;
		struct cl_checkpoint	ckpt;	/* CHECKPOINT */
		struct {	/* CHECKPOINTS */
			uint32_t		 cnt;
			struct cl_checkpoint	*c;	/* decoded: malloc'd */
			bool			 more;
		} ckpts;
		struct {	/* INCLUSION, CONSISTENCY */
			const uint8_t	*event;		/* INCLUSION: the leaf */
			size_t		 event_len;
			uint8_t		 root[CL_ID_LEN];	/* of size */
			uint8_t		 root_m[CL_ID_LEN];	/* CONSISTENCY */
			unsigned	 cnt;
			uint8_t		(*hash)[CL_ID_LEN];	/* decoded:
								   malloc'd */
		} proof;
		struct {	/* PEERS */
			uint32_t		 cnt;
			struct cl_wire_peer	*p;	/* decoded: malloc'd */
			struct cl_wire_gossip	 g;
		} peers;
		struct {	/* EVENTS */
			uint32_t	 cnt;
			const uint8_t	**ev;		/* decoded: malloc'd */
			size_t		*ev_len;	/* decoded: malloc'd */
			uint64_t	 next;		/* position after them */
		} events;
	} u;
};

/*
 * Decode an answer to a request of op.  Strict, as cl_req_decode().
 * Release with cl_resp_free().  Errors: CL_EPROTO (what in *why),
 * CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_resp_decode(struct cl_resp *r, unsigned op,
			    const uint8_t *in, size_t len, const char **why);
void	cl_resp_free(struct cl_resp *r);

/*
 * Encode an answer as a whole frame into a malloc'd buffer *out of *len
 * bytes; the first CL_WIRE_HDR_LEN + head bytes are left free for the
 * caller (libuv's uv_write_t before the frame: one allocation a write).
 * cl_resp_encode_err() encodes an error answer with a message.
 * Errors: CL_ENOMEM, CL_ETOOBIG (over CL_FRAME_MAX).
 */
CL_NODISCARD cl_err	cl_resp_encode(const struct cl_resp *r, size_t head,
			    uint8_t **out, size_t *len);
CL_NODISCARD cl_err	cl_resp_encode_err(cl_err code, const char *msg,
			    size_t head, uint8_t **out, size_t *len);

#endif
