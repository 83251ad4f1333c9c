/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key and record layouts of the ledger's databases (fixed-width, big-endian
 * integers), shared by ledger.c and ledger_query.c.  Private to node/.
 */
#ifndef CL_NODE_LEDGER_REC_H
#define CL_NODE_LEDGER_REC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "limits.h"
#include "store.h"

/* HEAD: author -> seq | id | fork_seq | pos | fork_held */
#define CL__HEAD_LEN	(8 + CL_ID_LEN + 8 + 8 + 8)
/* FEED: author | seq -> id | pos */
#define CL__FEED_KLEN	(CL_PK_LEN + 8)
#define CL__FEED_LEN	(CL_ID_LEN + 8)
/* ACCRED: issuer | authority | authority seq -> kind | value | pos */
#define CL__ACCRED_KLEN	(2 * CL_PK_LEN + 8)
#define CL__ACCRED_LEN	(1 + 8 + 8)
/* ACHIEVEMENT: DEFINE id -> pos | author | seq */
#define CL__ACH_LEN	(8 + CL_PK_LEN + 8)
/* CREDEV: ISSUE id | seq -> type | void | pos */
#define CL__CREDEV_KLEN	(CL_ID_LEN + 8)
#define CL__CREDEV_LEN	(1 + 1 + 8)
/*
 * FORK: author | seq | id -> pos, for every event held that is not on the
 * feed's chain: the other branches past its fork point.
 */
#define CL__FORK_KLEN	(CL_PK_LEN + 8 + CL_ID_LEN)
/*
 * MERKLE: the complete subtrees of the log's RFC 9162 tree.  Subtree
 * (level, index) covers leaves [index << level, (index + 1) << level) and
 * is keyed by its last leaf and its level, so that every append writes
 * keys above all others (MDB_APPEND): last | level -> SHA-256.
 */
#define CL__MERKLE_KLEN	(8 + 1)

static inline void
cl__merkle_key(uint8_t k[CL__MERKLE_KLEN], unsigned level, uint64_t index)
{
	cl_store_be64(k, ((index + 1) << level) - 1);
	k[8] = (uint8_t)level;
}

/* CHECKPOINT: u64 time -> u64 size | root | node key | signature */
#define CL__CKPT_LEN	(8 + CL_ID_LEN + CL_PK_LEN + CL_SIG_LEN)

/*
 * Credentials by position (schema 3).  An ISSUE's id is a random key:
 * kept under it, each ISSUE's record went to a page of its own in a large
 * batch.  So:
 *   CRED: u64 ISSUE position -> ISSUE id | credential record: a batch's
 *	new credentials go to the end of the tree;
 *   CREDID: the first CL__REF_PART bytes of the ISSUE id | u64 position;
 *   HOLDER, DIGEST: the first CL__REF_PART bytes of the ref, then of the
 *	ISSUE id | u64 position (ids in order, as queries answer them);
 * the last three -> (empty), 24 or 32 bytes an entry where whole refs
 * and ids took 72.  A lookup reads the records at the positions its part
 * names and keeps those whose record names the whole id or ref: parts
 * collide rarely, and a collision costs a look more, never a wrong
 * answer.
 */
#define CL__REF_PART	8
#define CL__CREDID_KLEN	(CL__REF_PART + 8)
#define CL__REF_KLEN	(2 * CL__REF_PART + 8)
#define CL__CREDV_LEN	(CL_ID_LEN + CL__CRED_LEN)

/* META keys. */
#define CL__META_GENESIS	"genesis"
#define CL__META_SCHEMA		"schema"
#define CL__META_COUNTS		"counts"
/*
 * counts: by_type[1..7], void, forks, credentials, then the credentials
 * of feeds' chains (ISSUE not void) by their feed's state: valid,
 * suspended, revoked.  u64 each.  Stores of schema 1 before the states
 * were counted hold the first CL__COUNTS_N1; opening one counts them.
 */
#define CL__COUNTS_N		13
#define CL__COUNTS_N1		10
#define CL__CNT_VOID		7
#define CL__CNT_FORKS		8
#define CL__CNT_CREDS		9
#define CL__CNT_STATE		10	/* + CL_ST_VALID .. CL_ST_REVOKED */

/* CRED: ISSUE id -> this record. */
struct cl__cred {
	uint8_t		issuer[CL_PK_LEN];
	uint64_t	seq;
	uint64_t	pos;
	uint8_t		achievement[CL_ID_LEN];
	uint8_t		holder[CL_ID_LEN];
	uint8_t		digest[CL_ID_LEN];
	uint64_t	issued_at;
	uint64_t	valid_until;
	uint8_t		issue_void;	/* enum cl_void */
	uint8_t		feed_status;	/* VALID, SUSPENDED, REVOKED */
	uint16_t	changes;	/* status changes held */
};
#define CL__CRED_LEN	(CL_PK_LEN + 8 + 8 + 3 * CL_ID_LEN + 8 + 8 + 4)

/* ACCRED kinds. */
#define CL__ACCRED_GRANT	1
#define CL__ACCRED_WITHDRAW	2

static inline void
cl__cred_pack(uint8_t *p, const struct cl__cred *c)
{
	memcpy(p, c->issuer, 32);
	cl_store_be64(p + 32, c->seq);
	cl_store_be64(p + 40, c->pos);
	memcpy(p + 48, c->achievement, 32);
	memcpy(p + 80, c->holder, 32);
	memcpy(p + 112, c->digest, 32);
	cl_store_be64(p + 144, c->issued_at);
	cl_store_be64(p + 152, c->valid_until);
	p[160] = c->issue_void;
	p[161] = c->feed_status;
	p[162] = (uint8_t)(c->changes >> 8);
	p[163] = (uint8_t)c->changes;
}

static inline void
cl__cred_unpack(struct cl__cred *c, const uint8_t *p)
{
	memcpy(c->issuer, p, 32);
	c->seq = cl_store_load64(p + 32);
	c->pos = cl_store_load64(p + 40);
	memcpy(c->achievement, p + 48, 32);
	memcpy(c->holder, p + 80, 32);
	memcpy(c->digest, p + 112, 32);
	c->issued_at = cl_store_load64(p + 144);
	c->valid_until = cl_store_load64(p + 152);
	c->issue_void = p[160];
	c->feed_status = p[161];
	c->changes = (uint16_t)(p[162] << 8 | p[163]);
}

struct cl_head;

/*
 * A feed's record in the state digest (PROTOCOL.md §5.4): R of 41 bytes
 * from its HEAD entry (k, v).  False when the feed does not count (or on
 * a store error, left in t->err).
 */
#define CL__FEED_REC_LEN	(8 + CL_ID_LEN + 1)
struct cl_ledger;
bool	cl__feed_record(struct cl_ledger *l, struct cl_txn *t,
	    const struct cl_val *k, const struct cl_val *v,
	    uint8_t rec[static CL__FEED_REC_LEN]);

/* cl_merkle_get_cb over CL_DB_MERKLE; arg is a struct cl_txn. */
cl_err	cl__merkle_get(void *arg, unsigned level, uint64_t index,
	    uint8_t *out);

/*
 * Is author named by any ACCREDIT held?  What acceptance asks of an
 * issuer's event (its effect is decided at query time).
 */
bool	cl__accredited(struct cl_txn *t, const uint8_t *author);

/* Read a head record; *h is zeroed when the author has no feed. */
void	cl__head_read(struct cl_txn *t, const uint8_t *author,
	    struct cl_head *h);

/*
 * The record of credential id, from the store (not a batch's writes);
 * false when there is none or after a failure (t->err says which).
 */
bool	cl__cred_find(struct cl_txn *t, const uint8_t *id,
	    struct cl__cred *c);

#endif
