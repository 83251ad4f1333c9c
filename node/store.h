/* SPDX-License-Identifier: Apache-2.0 */
/* The LMDB store: one environment, named databases, sticky-error txns. */
#ifndef CL_NODE_STORE_H
#define CL_NODE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * The named databases (DESIGN §5).  Keys are fixed-width big-endian tuples
 * so that byte order is numeric order.  The ledger (ledger.c) owns the
 * meaning of keys and values; the store only moves bytes.
 */
enum cl_db {
	CL_DB_LOG,		/* u64 position -> signed event bytes */
	CL_DB_FEED,		/* author | u64 seq -> event id | u64 position */
	CL_DB_HEAD,		/* author -> head record */
	CL_DB_CRED,		/* u64 ISSUE position -> id | record */
	CL_DB_CREDEV,		/* ISSUE id | u64 seq -> status change */
	CL_DB_HOLDER,		/* holder ref, 8 bytes | u64 ISSUE position
				   -> (empty) */
	CL_DB_DIGEST,		/* document digest, likewise */
	CL_DB_ACHIEVEMENT,	/* DEFINE id -> u64 position */
	CL_DB_ACCRED,		/* issuer | authority | u64 seq -> record */
	CL_DB_FORK,		/* author | u64 seq | other id -> position */
	CL_DB_META,		/* name -> value: schema, network, counters */
	CL_DB_MERKLE,		/* u64 last leaf | u8 level -> subtree hash */
	CL_DB_CHECKPOINT,	/* u64 time -> size | root | signature */
	CL_DB_CREDID,		/* ISSUE id, 8 bytes | u64 position ->
				   (empty) */
	CL_DB_COUNT
};

struct cl_store_opts {
	size_t	 map_initial;	/* bytes; 0 = 64 MiB */
	size_t	 map_max;	/* bytes the map may grow to; 0 = 1 TiB */
	bool	 rdonly;	/* read-only: safe beside a running node */
	/*
	 * A throw-away store, rebuilt from elsewhere and deleted after (the
	 * auditor's replay): commits write straight into the map
	 * (MDB_WRITEMAP) and are never flushed (MDB_NOSYNC).  An fsync per
	 * commit, and the copy of every dirty page into the file, would be
	 * most of its cost.  A crash may lose or damage it, so never for a
	 * node's data.  Disk space for the map is reserved as it grows, so
	 * a full disk is an error, not a fault.
	 */
	bool	 scratch;
};

/* Caller-allocated; cl_store_open() initialises it. */
struct cl_store {
	void		*env;		/* MDB_env */
	unsigned int	 dbi[CL_DB_COUNT];
	size_t		 map_size;
	size_t		 map_max;
	bool		 rdonly;
	bool		 scratch;
	char		*dir;		/* for cl_store_release() */
};

/* A transaction.  After the first failure every call is a no-op. */
struct cl_txn {
	void		*txn;		/* MDB_txn */
	struct cl_store	*st;
	cl_err		 err;
	bool		 rw;
};

/* A borrowed value: valid until the next write in the txn or its end. */
struct cl_val {
	const void	*ptr;
	size_t		 len;
};

/* A cursor over the keys that start with a prefix, in ascending order. */
struct cl_iter {
	void		*cur;		/* MDB_cursor */
	struct cl_txn	*t;
	uint8_t		 prefix[80];
	size_t		 prefix_len;
	bool		 started;
	bool		 done;
};

/*
 * Open (creating if needed) the environment in directory dir, which must
 * exist, and every database of enum cl_db.  Errors: CL_EIO (no such
 * directory, permissions), CL_ESTORE (corrupt, version mismatch),
 * CL_EUSAGE (scratch and rdonly), CL_EMAPFULL (scratch: no disk space
 * for the map).
 */
CL_NODISCARD cl_err	cl_store_open(struct cl_store *st, const char *dir,
			    const struct cl_store_opts *opts);

/*
 * Give back the memory LMDB keeps of past write transactions: it holds
 * every page buffer its largest transaction dirtied, for reuse, until the
 * environment closes.  Closes and opens the environment again, with the
 * map as large as it is.  No txn of this process may be open.  On failure
 * the store is closed.  Errors: those of cl_store_open(), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_store_release(struct cl_store *st);

/* Close; no txn may be open.  Accepts a store that failed to open. */
void	cl_store_close(struct cl_store *st);

/*
 * Double the map size (up to map_max).  No txn of this process may be
 * open.  Errors: CL_EMAPFULL when map_max is reached or (scratch) the
 * disk has no room for the larger map, CL_ESTORE.
 */
CL_NODISCARD cl_err	cl_store_grow(struct cl_store *st);

/*
 * Begin a txn; a failure is kept in t->err.  One write txn at a time, on
 * one thread; read txns may run beside it, on any thread (MDB_NOTLS).
 */
void	cl_store_begin(struct cl_store *st, struct cl_txn *t, bool rw);

/*
 * Look a key up.  True and *v set when found; false when absent or after a
 * failure (t->err tells which).
 */
bool	cl_store_get(struct cl_txn *t, enum cl_db db, const void *key,
	    size_t klen, struct cl_val *v);

/*
 * Store a value.  CL_PUT_APPEND: the key sorts after every key of db (the
 * log); CL_PUT_NOOVERWRITE: an existing key is the error CL_EEXISTS.  A
 * full map is CL_EMAPFULL: end the txn, cl_store_grow(), try again.
 */
#define CL_PUT_APPEND		0x1u
#define CL_PUT_NOOVERWRITE	0x2u
void	cl_store_put(struct cl_txn *t, enum cl_db db, const void *key,
	    size_t klen, const void *val, size_t vlen, unsigned flags);

/* One key and value for cl_store_put_sorted(). */
struct cl_kv {
	const void	*key;
	size_t		 klen;
	const void	*val;
	size_t		 vlen;
};

/*
 * Store n pairs, as cl_store_put() with no flags, through one cursor:
 * given in ascending key order, each put starts from the leaf page of the
 * one before, and the pages it walks are warm in the cache, where random
 * keys would each search the tree from its root.  Any order is correct.
 */
void	cl_store_put_sorted(struct cl_txn *t, enum cl_db db,
	    const struct cl_kv *kv, size_t n);

/* Delete every key of db. */
void	cl_store_clear(struct cl_txn *t, enum cl_db db);

/* Delete a key; absent is not an error. */
void	cl_store_del(struct cl_txn *t, enum cl_db db, const void *key,
	    size_t klen);

/* The last (greatest) key of db; false when db is empty. */
bool	cl_store_last(struct cl_txn *t, enum cl_db db, struct cl_val *k,
	    struct cl_val *v);

/* The number of entries of db (0 after a failure). */
uint64_t	cl_store_count(struct cl_txn *t, enum cl_db db);

/*
 * Iterate over the keys starting with prefix (plen <= 80; 0 = all), from
 * the first key >= start when start is not NULL.  Always end an iterator
 * before ending its txn.
 */
void	cl_store_iter_begin(struct cl_txn *t, struct cl_iter *it,
	    enum cl_db db, const void *prefix, size_t plen,
	    const void *start, size_t slen);
bool	cl_store_iter_next(struct cl_iter *it, struct cl_val *k,
	    struct cl_val *v);
void	cl_store_iter_end(struct cl_iter *it);

/*
 * Commit a write txn without error, else abort; returns the txn's first
 * error or the commit's (CL_EMAPFULL for a full disk or map, CL_EIO).
 * Nothing committed before is ever lost.
 */
CL_NODISCARD cl_err	cl_store_end(struct cl_txn *t);

/* Bytes of the map in use and its size, for metrics. */
void	cl_store_usage(struct cl_store *st, size_t *used, size_t *size);

/* Big-endian loads and stores for keys and records. */
static inline void
cl_store_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline uint64_t
cl_store_load64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

#endif
