/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger: acceptance rules (DESIGN §4) over the store, the indexes that
 * make status queries cheap, and the queries.  Linked by the daemon and the
 * auditor alike.  Not thread-safe: one thread applies batches; queries may
 * run on that thread between batches.  cl_ledger_prepare() is thread-safe.
 */
#ifndef CL_NODE_LEDGER_H
#define CL_NODE_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "err.h"
#include "event.h"
#include "genesis.h"
#include "status.h"
#include "store.h"

/* The store's schema; a store of another schema is refused. */
#define CL_SCHEMA_VERSION	3	/* 2: the Merkle tree of the log;
					   3: holder and digest entries of
					   parts (ledger_rec.h) */

/* Holder and digest queries answer at most this many credentials. */
#define CL_QUERY_CREDS_MAX	CL_QUERY_IDS_MAX

struct cl__batch_mem;	/* ledger.c */

struct cl_ledger {
	struct cl_store		 st;
	struct cl_genesis	 genesis;
	uint64_t		 log_size;	/* next log position */
	bool			 no_ref_index;	/* see cl_ledger_replay_only() */
	uint8_t			 batch_key[16];	/* keys a batch's hash of
						   credentials (ledger.c) */
	struct cl__batch_mem	*bmem;		/* kept from batch to batch */
};

/*
 * For a ledger rebuilt only to be checked (an audit's scratch store): do
 * not keep the holder and document-digest indexes, which nothing but
 * cl_ledger_by_holder() and cl_ledger_by_digest() read (they then answer
 * nothing).  Every status, head, digest and root is the same: the two
 * indexes of random keys are most of what applying an event writes.
 */
void	cl_ledger_replay_only(struct cl_ledger *l);

/*
 * Open the ledger in directory dir.  With genesis bytes, a new store is
 * bound to that network and an existing one must be of it (CL_ENETWORK
 * otherwise); with genesis NULL the store must exist (CL_ENOTFOUND when it
 * was never initialised).  Errors: those of cl_store_open(), genesis
 * decoding errors, CL_ENETWORK, CL_ENOTFOUND, CL_ESTORE (schema).
 */
CL_NODISCARD cl_err	cl_ledger_open(struct cl_ledger *l, const char *dir,
			    const uint8_t *genesis, size_t genesis_len,
			    const struct cl_store_opts *opts);
void	cl_ledger_close(struct cl_ledger *l);
/*
 * Give back the memory batches keep for the next one (the largest
 * batch's credential table and index arrays); the next batch allocates
 * afresh.  For a writer gone quiet.
 */
void	cl_ledger_trim(struct cl_ledger *l);

/* What became of one submitted event. */
enum cl_accept {
	CL_ACC_ACCEPTED = 0,	/* appended to its feed and the log */
	CL_ACC_DUPLICATE = 1,	/* held already; nothing changed */
	CL_ACC_REJECTED = 2,	/* invalid on its own: err says why */
	CL_ACC_GAP = 3,		/* seq > head + 1: fetch head+1 .. seq-1 */
	CL_ACC_UNKNOWN_AUTHOR = 4, /* no ACCREDIT names the author yet */
	CL_ACC_FORK = 5,	/* an equivocation: stored as a fork proof */
	CL_ACC_PREV_MISMATCH = 6, /* seq == head + 1, but prev is not the
				     head: the author forked below; fetch
				     its event at seq - 1 from the sender */
	CL_ACC_DISPUTED = 7,	/* past the feed's fork point: stored as
				   evidence, it changes no status */
	CL_ACC_FORK_FULL = 8,	/* past the fork point, but the feed holds
				   CL_FORK_HELD_MAX events there: not
				   stored */
	CL_ACC_STALE = 9,	/* no_fork: seq <= head with another id;
				   not stored (the signer's head was old:
				   sign again on head_seq) */
};
#define CL_ACC_MAX	CL_ACC_STALE

/* "accepted", "duplicate", ... */
const char	*cl_accept_name(unsigned);

/* One event to apply: decoded and verified by cl_ledger_prepare(). */
struct cl_submit {
	struct cl_event	 ev;
	uint8_t		 id[CL_ID_LEN];
	uint8_t		 leaf[CL_ID_LEN];	/* RFC 9162 leaf hash of the
						   bytes, decoded or not */
	cl_err		 err;		/* decode or signature error */
	struct cl_where	 where;
	bool		 no_fork;	/* a conflict is STALE, not a fork:
					   set by the caller for events its
					   client has just signed */
};

struct cl_result {
	enum cl_accept	 acc;
	cl_err		 err;		/* REJECTED: why */
	const char	*field;		/* REJECTED: where, or NULL */
	enum cl_void	 void_reason;	/* ACCEPTED: stored, but void */
	uint64_t	 pos;		/* ACCEPTED, FORK: log position */
	uint64_t	 head_seq;	/* GAP, PREV_MISMATCH, STALE: the seq
					   held */
	uint8_t		 id[CL_ID_LEN];
};

/*
 * Decode and verify bytes into s, and hash them as a leaf of the log.
 * Thread-safe: run it in a worker pool.
 * Failures are kept in s->err for cl_ledger_apply() to report.  Always
 * release s with cl_submit_free().
 */
void	cl_ledger_prepare(const uint8_t netid[static CL_ID_LEN],
	    const uint8_t *bytes, size_t len, struct cl_submit *s);
void	cl_submit_free(struct cl_submit *s);

/*
 * Apply n prepared events in order, in one write transaction, committed
 * before this returns: a result of ACCEPTED is durable.  Events of one
 * batch may chain on each other.  A full map is grown and the batch tried
 * again.  On error nothing of the batch is stored and out is undefined.
 * Errors: CL_EMAPFULL (disk or map_max full), CL_ESTORE, CL_EIO.
 */
CL_NODISCARD cl_err	cl_ledger_apply(struct cl_ledger *l,
			    struct cl_submit *in, size_t n,
			    struct cl_result *out);

/*
 * The same for several arrays of events, applied in order in one write
 * transaction: the events of many submissions, one durable commit.
 */
struct cl_apply_part {
	struct cl_submit	*in;
	size_t			 n;
	struct cl_result	*out;
};
CL_NODISCARD cl_err	cl_ledger_apply_parts(struct cl_ledger *l,
			    const struct cl_apply_part *parts, size_t nparts);

/*
 * The write of cl_ledger_apply_parts() alone, for a writer thread of its
 * own while other threads read the ledger: one write transaction, and
 * neither the map grown nor l->log_size changed, as both need that no
 * read runs.  On success *log_size is the size to set l->log_size to, on
 * the thread that reads; CL_EMAPFULL: nothing stored, cl_store_grow() with
 * no txn open, then write again.
 */
CL_NODISCARD cl_err	cl_ledger_write(struct cl_ledger *l,
			    const struct cl_apply_part *parts, size_t nparts,
			    uint64_t *log_size);

/* A feed's head. */
struct cl_head {
	uint64_t	seq;		/* 0: no events */
	uint8_t		id[CL_ID_LEN];
	uint64_t	fork_seq;	/* 0: no fork proof */
	uint64_t	pos;		/* log position of the head event */
	uint64_t	fork_held;	/* events held at seq >= fork_seq, on
					   the chain and off it */
};

/* Errors: CL_ENOTFOUND for an unknown author, CL_ESTORE. */
CL_NODISCARD cl_err	cl_ledger_head(struct cl_ledger *l,
			    const uint8_t author[static CL_PK_LEN],
			    struct cl_head *h);

/* A feed's event at seq: its id and log position. */
CL_NODISCARD cl_err	cl_ledger_feed_at(struct cl_ledger *l,
			    const uint8_t author[static CL_PK_LEN],
			    uint64_t seq, uint8_t id[static CL_ID_LEN],
			    uint64_t *pos);

/*
 * The signed bytes at log position pos, copied to a malloc'd *out (the
 * caller frees).  Errors: CL_ENOTFOUND, CL_ENOMEM, CL_ESTORE.
 */
CL_NODISCARD cl_err	cl_ledger_event_at(struct cl_ledger *l, uint64_t pos,
			    uint8_t **out, size_t *len);

/* The answer to a credential query, and the events it rests on. */
struct cl_cred_answer {
	enum cl_cred_status	 status;
	enum cl_void		 void_reason;
	uint8_t			 id[CL_ID_LEN];
	uint8_t			 issuer[CL_PK_LEN];
	uint8_t			 achievement[CL_ID_LEN];
	uint8_t			 holder[CL_ID_LEN];
	uint8_t			 digest[CL_ID_LEN];
	uint64_t		 issue_seq;
	uint64_t		 issued_at;
	uint64_t		 valid_until;
	struct cl_window	 win;
	uint64_t		 status_pos;	/* the change that set the
						   status, or UINT64_MAX */
	uint32_t		 proof_cnt;	/* log positions of the proof */
	uint64_t		 proof[CL_BUNDLE_EVENTS_MAX];
};

/*
 * The status of credential id at time now (ms) and the log positions of
 * the signed events it rests on (ISSUE first).  An unknown id is not an
 * error: status CL_ST_UNKNOWN, proof_cnt 0.
 */
CL_NODISCARD cl_err	cl_ledger_credential(struct cl_ledger *l,
			    const uint8_t id[static CL_ID_LEN], uint64_t now,
			    struct cl_cred_answer *a);

/*
 * The same, and its proof encoded as a bundle (bundle.h) into a malloc'd
 * *out (NULL for an unknown credential), all in one read transaction.
 */
CL_NODISCARD cl_err	cl_ledger_credential_bundle(struct cl_ledger *l,
			    const uint8_t id[static CL_ID_LEN], uint64_t now,
			    struct cl_cred_answer *a, uint8_t **out,
			    size_t *len);

/* Encode a's proof as a bundle (bundle.h) into a malloc'd *out. */
CL_NODISCARD cl_err	cl_ledger_bundle(struct cl_ledger *l,
			    const struct cl_cred_answer *a, uint8_t **out,
			    size_t *len);

/*
 * The ISSUE ids filed under a holder reference or a document digest, at
 * most CL_QUERY_CREDS_MAX; *more is set when there are more.
 */
CL_NODISCARD cl_err	cl_ledger_by_holder(struct cl_ledger *l,
			    const uint8_t holder[static CL_ID_LEN],
			    uint8_t (*ids)[CL_ID_LEN], uint32_t *cnt,
			    bool *more);
CL_NODISCARD cl_err	cl_ledger_by_digest(struct cl_ledger *l,
			    const uint8_t digest[static CL_ID_LEN],
			    uint8_t (*ids)[CL_ID_LEN], uint32_t *cnt,
			    bool *more);

/* An issuer's accreditation as the held events say: its window. */
CL_NODISCARD cl_err	cl_ledger_window(struct cl_ledger *l,
			    const uint8_t issuer[static CL_PK_LEN],
			    struct cl_window *w);

/*
 * The log position of the effective ACCREDIT that names issuer with the
 * lowest from_seq (for display: organisation, country), or CL_ENOTFOUND.
 */
CL_NODISCARD cl_err	cl_ledger_accredit_pos(struct cl_ledger *l,
			    const uint8_t issuer[static CL_PK_LEN],
			    uint64_t *pos);

/* The log position of DEFINE id.  Errors: CL_ENOTFOUND. */
CL_NODISCARD cl_err	cl_ledger_define_pos(struct cl_ledger *l,
			    const uint8_t id[static CL_ID_LEN], uint64_t *pos);

/* An issuer key that a held ACCREDIT or WITHDRAW names. */
struct cl_issuer_info {
	uint8_t			issuer[CL_PK_LEN];
	struct cl_window	win;		/* as cl_ledger_window() */
	uint64_t		accredit_pos;	/* the counted ACCREDIT of
						   lowest from_seq (log
						   position), or UINT64_MAX */
	uint64_t		withdraw_pos;	/* the counted WITHDRAW that
						   set win.after, or
						   UINT64_MAX */
};

/* Issuers one cl_ledger_issuers() call answers at most. */
#define CL_ISSUERS_MAX	256

/*
 * The issuers named by held ACCREDITs and WITHDRAWs, in ascending key
 * order, starting after key after (NULL: from the first), at most max
 * into out; *more is set when there are more (ask again with the last
 * key).  An issuer whose every ACCREDIT was written past its authority's
 * fork point is listed, with win.from UINT64_MAX.  One read transaction.
 * Errors: CL_ESTORE.
 */
CL_NODISCARD cl_err	cl_ledger_issuers(struct cl_ledger *l,
			    const uint8_t *after, struct cl_issuer_info *out,
			    uint32_t max, uint32_t *cnt, bool *more);

/*
 * The log's RFC 9162 Merkle tree (proto/merkle.h), for any size up to the
 * log's: its head, the inclusion proof of the event at position m, and the
 * consistency proof from size m.  O(log n) reads each.
 * Errors: CL_ERANGE (a size beyond the log, m out of range), CL_ESTORE.
 */
CL_NODISCARD cl_err	cl_ledger_root(struct cl_ledger *l, uint64_t size,
			    uint8_t root[static 32]);
CL_NODISCARD cl_err	cl_ledger_inclusion(struct cl_ledger *l, uint64_t m,
			    uint64_t size, uint8_t (*proof)[32],
			    unsigned *cnt);
CL_NODISCARD cl_err	cl_ledger_consistency(struct cl_ledger *l, uint64_t m,
			    uint64_t size, uint8_t (*proof)[32],
			    unsigned *cnt);

/*
 * Checkpoints the node signed and keeps (one per period in which the log
 * grew), keyed by time: c->network must be the ledger's.  put: one write
 * transaction, committed.  list: those with time >= from, ascending, at
 * most max; *more when there are more.
 * Errors: CL_ENETWORK (put), CL_ESTORE, CL_EMAPFULL.
 */
CL_NODISCARD cl_err	cl_ledger_checkpoint_put(struct cl_ledger *l,
			    const struct cl_checkpoint *c);
CL_NODISCARD cl_err	cl_ledger_checkpoints(struct cl_ledger *l,
			    uint64_t from, struct cl_checkpoint *out,
			    uint32_t max, uint32_t *cnt, bool *more);
/* The log size of the newest checkpoint kept; 0 when none. */
CL_NODISCARD cl_err	cl_ledger_checkpoint_last(struct cl_ledger *l,
			    uint64_t *size);

/*
 * Gossip (node/ledger_sync.c).  Feeds fall into CL_LEDGER_BUCKETS buckets
 * by their author key's first byte; a bucket's digest is SHA-256 over the
 * state digest's records of its feeds (PROTOCOL.md §12.4), so two nodes
 * find the feeds they differ on by comparing 256 digests, then the heads
 * of the differing buckets.
 */
#define CL_LEDGER_BUCKETS	256
CL_NODISCARD cl_err	cl_ledger_buckets(struct cl_ledger *l,
			    uint8_t (*out)[CL_ID_LEN]);

struct cl_sync_head {
	uint8_t		author[CL_PK_LEN];
	uint64_t	seq;		/* the chain's head */
	uint64_t	fork_seq;	/* 0: not forked */
	uint64_t	fork_held;
};
/*
 * Would author's events be taken now, or dropped as CL_ACC_UNKNOWN_AUTHOR?
 * *known: author is an authority of the genesis, or an ACCREDIT held
 * names it.  Gossip pulls a feed only then.  Errors: CL_ESTORE.
 */
CL_NODISCARD cl_err	cl_ledger_author_known(struct cl_ledger *l,
			    const uint8_t author[static CL_PK_LEN],
			    bool *known);

/* Heads of the counted feeds in the buckets of bitmap (bit b of byte
 * b / 8), in author order, at most max; *more when there are more. */
CL_NODISCARD cl_err	cl_ledger_heads_in(struct cl_ledger *l,
			    const uint8_t bitmap[static 32],
			    struct cl_sync_head *out, uint32_t max,
			    uint32_t *cnt, bool *more);

/*
 * Copies of a feed's chain events from seq from on, at most max and about
 * bytes_max bytes, into malloc'd ev[i] (the caller frees each).
 */
CL_NODISCARD cl_err	cl_ledger_feed_events(struct cl_ledger *l,
			    const uint8_t author[static 32], uint64_t from,
			    uint32_t max, size_t bytes_max, uint8_t **ev,
			    size_t *ev_len, uint32_t *cnt);

/*
 * A forked feed's events at or past its fork point, off the chain first,
 * at most max and about bytes_max bytes.
 */
CL_NODISCARD cl_err	cl_ledger_fork_events(struct cl_ledger *l,
			    const uint8_t author[static 32], uint32_t max,
			    size_t bytes_max, uint8_t **ev, size_t *ev_len,
			    uint32_t *cnt);

/* Counts of what the ledger holds. */
struct cl_counts {
	uint64_t	by_type[CL_EV_TYPE_MAX + 1];	/* appended events */
	uint64_t	log;		/* events in the log */
	uint64_t	feeds;
	uint64_t	credentials;
	uint64_t	void_events;
	uint64_t	forks;		/* forked feeds */
	/*
	 * The credentials of feeds' chains whose ISSUE is not void, by the
	 * state their issuer last gave them: CL_ST_VALID, SUSPENDED,
	 * REVOKED.  What a verifier is answered also weighs expiry, the
	 * issuer's accreditation and forks, judged when asked.
	 */
	uint64_t	by_state[3];
};
CL_NODISCARD cl_err	cl_ledger_counts(struct cl_ledger *l,
			    struct cl_counts *c);

/*
 * The state digest: SHA-256 over "credledger/state/v1" and, for each feed
 * in author order, author | seq | id | forked (PROTOCOL.md §5).  Two
 * ledgers holding the same events report the same digest.
 */
CL_NODISCARD cl_err	cl_ledger_digest(struct cl_ledger *l,
			    uint8_t digest[static CL_ID_LEN]);

#endif
