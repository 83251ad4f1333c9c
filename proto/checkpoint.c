/* SPDX-License-Identifier: Apache-2.0 */
/* Signed checkpoints of a node's log. */
#include "checkpoint.h"

#include <string.h>

#include <sodium.h>

static const char tag[24] = "credledger/checkpoint/v1";

static void
be64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void
cl_checkpoint_msg(const struct cl_checkpoint *c,
    uint8_t msg[static CL_CHECKPOINT_MSG_LEN])
{
	uint8_t	*p = msg;

	memcpy(p, tag, sizeof(tag));
	p += sizeof(tag);
	memcpy(p, c->network, CL_ID_LEN);
	p += CL_ID_LEN;
	memcpy(p, c->node, CL_PK_LEN);
	p += CL_PK_LEN;
	be64(p, c->size);
	p += 8;
	memcpy(p, c->root, CL_ID_LEN);
	p += CL_ID_LEN;
	be64(p, c->time);
}

void
cl_checkpoint_sign(struct cl_checkpoint *c, const uint8_t sk[static 64])
{
	uint8_t	msg[CL_CHECKPOINT_MSG_LEN];

	cl_checkpoint_msg(c, msg);
	crypto_sign_detached(c->sig, NULL, msg, sizeof(msg), sk);
}

cl_err
cl_checkpoint_verify(const struct cl_checkpoint *c)
{
	uint8_t	msg[CL_CHECKPOINT_MSG_LEN];

	cl_checkpoint_msg(c, msg);
	if (crypto_sign_verify_detached(c->sig, msg, sizeof(msg),
	    c->node) != 0)
		return CL_EBADSIG;
	return CL_OK;
}
