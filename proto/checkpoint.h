/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checkpoints (PROTOCOL.md §11.3): a node's signed statement that its log
 * of one network had a given size and RFC 9162 root at a given time.  An
 * auditor holding two checkpoints of a node and a consistency proof
 * between them can show that the node never rewrote or dropped what the
 * first covered.
 */
#ifndef CL_PROTO_CHECKPOINT_H
#define CL_PROTO_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "limits.h"

struct cl_checkpoint {
	uint8_t		network[CL_ID_LEN];
	uint8_t		node[CL_PK_LEN];	/* the node's key */
	uint64_t	size;			/* events in the log */
	uint8_t		root[CL_ID_LEN];	/* MTH of those events */
	uint64_t	time;			/* ms since the epoch, node's */
	uint8_t		sig[CL_SIG_LEN];
};

/* "credledger/checkpoint/v1" ‖ network ‖ node ‖ u64be size ‖ root ‖ time */
#define CL_CHECKPOINT_MSG_LEN	(24 + 32 + 32 + 8 + 32 + 8)

/* The bytes a checkpoint's signature covers. */
void	cl_checkpoint_msg(const struct cl_checkpoint *c,
	    uint8_t msg[static CL_CHECKPOINT_MSG_LEN]);

/* Sign c (all but sig set) with the node's libsodium secret key. */
void	cl_checkpoint_sign(struct cl_checkpoint *c, const uint8_t sk[static 64]);

/* Is c's signature by c->node over its fields?  Errors: CL_EBADSIG. */
CL_NODISCARD cl_err	cl_checkpoint_verify(const struct cl_checkpoint *c);

#endif
