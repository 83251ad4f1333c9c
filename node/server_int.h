/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What server.c and server_query.c share: a connection's sending and
 * closing, and the query answerers.  Not for other modules (server.h).
 */
#ifndef CL_SERVER_INT_H
#define CL_SERVER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"
#include "wire.h"

struct cl__conn;

struct cl_server	*cl__conn_server(const struct cl__conn *c);
/* Queue an encoded answer (takes buf); the connection writes them. */
void	cl__conn_send(struct cl__conn *c, uint8_t *buf, size_t len);
void	cl__send_resp(struct cl__conn *c, const struct cl_resp *r);
void	cl__send_err(struct cl__conn *c, cl_err code, const char *msg);
void	cl__conn_close(struct cl__conn *c, const char *why, cl_err err);

/*
 * The answer frame to a CREDENTIAL query of id, or NULL when out of
 * memory.  Any thread: it reads from a transaction of its own.
 */
uint8_t	*cl__credential_answer(struct cl_ledger *l, const uint8_t *id,
	    size_t *len);

/* The queries, each answered on c at once. */
void	cl__q_credential(struct cl__conn *c, const struct cl_req *q);
void	cl__q_ids(struct cl__conn *c, const struct cl_req *q);
void	cl__q_head(struct cl__conn *c, const struct cl_req *q);
void	cl__q_status(struct cl__conn *c);
void	cl__q_genesis(struct cl__conn *c);
void	cl__q_checkpoint(struct cl__conn *c);
void	cl__q_checkpoints(struct cl__conn *c, const struct cl_req *q);
void	cl__q_proof(struct cl__conn *c, const struct cl_req *q);
void	cl__q_events(struct cl__conn *c, const struct cl_req *q);
void	cl__q_peers(struct cl__conn *c);

#endif
