/* SPDX-License-Identifier: Apache-2.0 */
/* The LMDB store: one environment, named databases, sticky-error txns. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include <lmdb.h>

#define MIB			((size_t)1 << 20)
#define MAP_INITIAL_DEFAULT	(64 * MIB)
#if SIZE_MAX > 0xffffffffu
#define MAP_MAX_DEFAULT		((size_t)1 << 40)	/* 1 TiB */
#else
#define MAP_MAX_DEFAULT		((size_t)3 << 30)	/* 32 bits: 3 GiB */
#endif

_Static_assert(sizeof(MDB_dbi) == sizeof(unsigned int),
    "struct cl_store keeps MDB_dbi as unsigned int");

/* One name per enum cl_db; the names are the on-disk schema. */
static const char *const db_names[] = {
	[CL_DB_LOG] = "log",
	[CL_DB_FEED] = "feed",
	[CL_DB_HEAD] = "head",
	[CL_DB_CRED] = "cred",
	[CL_DB_CREDEV] = "credev",
	[CL_DB_HOLDER] = "holder",
	[CL_DB_DIGEST] = "digest",
	[CL_DB_ACHIEVEMENT] = "achievement",
	[CL_DB_MERKLE] = "merkle",
	[CL_DB_CHECKPOINT] = "checkpoint",
	[CL_DB_ACCRED] = "accred",
	[CL_DB_FORK] = "fork",
	[CL_DB_META] = "meta",
	[CL_DB_CREDID] = "credid",
};
_Static_assert(sizeof(db_names) / sizeof(db_names[0]) == CL_DB_COUNT,
    "every enum cl_db needs a name");

/*
 * LMDB returns its own codes (MDB_KEYEXIST .. MDB_LAST_ERRCODE, all
 * negative) and errno values.  A full map and a full file system are the
 * same to a caller: nothing more fits until an operator acts.
 */
static cl_err
map_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return CL_OK;
	case MDB_MAP_FULL:
	case ENOSPC:
	case EFBIG:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return CL_EMAPFULL;
	case ENOMEM:
		return CL_ENOMEM;
	case EIO:
		return CL_EIO;
	default:
		return CL_ESTORE;
	}
}

/* At open, a path that is missing or not ours is an I/O error. */
static cl_err
open_err(int rc)
{
	switch (rc) {
	case ENOENT:
	case ENOTDIR:
	case EACCES:
	case EPERM:
	case EROFS:
		return CL_EIO;
	default:
		return map_err(rc);
	}
}

/*
 * LMDB reports a short write as EIO ("short write, filesystem full?"), and
 * a write that meets the end of a file system's space is short rather than
 * ENOSPC whenever part of it fitted.  Ask the file system whether room is
 * left to tell that case from a failing disk.
 */
static bool
fs_full(MDB_env *env)
{
	struct statvfs	 sv;
	MDB_stat	 ms;
	int		 fd;

	if (mdb_env_get_fd(env, &fd) != 0 || fstatvfs(fd, &sv) != 0 ||
	    mdb_env_stat(env, &ms) != 0)
		return false;
	return (unsigned long long)sv.f_bavail * sv.f_frsize < ms.ms_psize;
}

static size_t
env_mapsize(MDB_env *env)
{
	MDB_envinfo	 info;

	if (mdb_env_info(env, &info) != 0)
		return 0;
	return info.me_mapsize;
}

/*
 * Begin a txn.  MDB_MAP_RESIZED means another process (the node, beside a
 * read-only auditor) grew the map past ours: adopt the size recorded in
 * the file (0) and retry once.  Like cl_store_grow(), remapping needs that
 * no other txn of this process is open; only a process that does not grow
 * the map itself ever sees this.
 */
static int
txn_begin(struct cl_store *st, unsigned int flags, MDB_txn **txn)
{
	int	 rc;

	rc = mdb_txn_begin(st->env, NULL, flags, txn);
	if (rc != MDB_MAP_RESIZED)
		return rc;
	if ((rc = mdb_env_set_mapsize(st->env, 0)) != 0)
		return rc;
	st->map_size = env_mapsize(st->env);
	if (st->map_max < st->map_size)
		st->map_max = st->map_size;
	return mdb_txn_begin(st->env, NULL, flags, txn);
}

/*
 * A scratch store writes into its map: LMDB has made the file as long as
 * the map, but sparse, and a store into a hole the disk has no room for
 * would be SIGBUS.  Allocate the blocks now, so that is ENOSPC here.
 */
static cl_err
reserve(struct cl_store *st)
{
	mdb_filehandle_t	fd;
	int			rc;

	if (!st->scratch)
		return CL_OK;
	if ((rc = mdb_env_get_fd(st->env, &fd)) != 0)
		return map_err(rc);
	if ((rc = posix_fallocate(fd, 0, (off_t)st->map_size)) != 0)
		return map_err(rc);
	return CL_OK;
}

cl_err
cl_store_open(struct cl_store *st, const char *dir,
    const struct cl_store_opts *opts)
{
	MDB_env		*env;
	MDB_txn		*txn;
	size_t		 initial = MAP_INITIAL_DEFAULT;
	size_t		 max = MAP_MAX_DEFAULT;
	unsigned int	 flags = MDB_NOTLS, i;
	int		 rc, dead;
	cl_err		 err;

	memset(st, 0, sizeof(*st));
	if (opts != NULL) {
		if (opts->map_initial != 0)
			initial = opts->map_initial;
		if (opts->map_max != 0)
			max = opts->map_max;
		st->rdonly = opts->rdonly;
		st->scratch = opts->scratch;
	}
	if (st->rdonly && st->scratch)
		return CL_EUSAGE;
	if (st->rdonly)
		flags |= MDB_RDONLY;
	/*
	 * Scratch: no readahead either.  A store into a page the map has not
	 * touched yet faults it in, and with readahead the kernel fills a
	 * whole window of zeros around it, most of which the next faults
	 * do not want (cl_ledger_apply: 7.0 against 4.9 us an event).
	 */
	if (st->scratch)
		flags |= MDB_WRITEMAP | MDB_NOSYNC | MDB_NORDAHEAD;

	if ((rc = mdb_env_create(&env)) != 0)
		return map_err(rc);
	st->env = env;
	if ((rc = mdb_env_set_maxdbs(env, CL_DB_COUNT)) != 0) {
		err = map_err(rc);
		goto fail;
	}
	/*
	 * No map size before the open: LMDB then takes the one recorded in
	 * the file (1 MiB for a new one), which a size set here would
	 * override.  Keep whichever of that and map_initial is larger.
	 */
	if ((rc = mdb_env_open(env, dir, flags, 0600)) != 0) {
		err = open_err(rc);
		goto fail;
	}
	if (env_mapsize(env) < initial &&
	    (rc = mdb_env_set_mapsize(env, initial)) != 0) {
		err = map_err(rc);
		goto fail;
	}
	st->map_size = env_mapsize(env);
	st->map_max = max < st->map_size ? st->map_size : max;
	if ((err = reserve(st)) != CL_OK)
		goto fail;

	/* Free the reader slots of processes that died inside a txn. */
	if ((rc = mdb_reader_check(env, &dead)) != 0) {
		err = map_err(rc);
		goto fail;
	}

	/*
	 * Open every database once, for the life of the env.  The handles
	 * become the env's only when this txn commits, read-only or not.
	 */
	if ((rc = txn_begin(st, st->rdonly ? MDB_RDONLY : 0, &txn)) != 0) {
		err = map_err(rc);
		goto fail;
	}
	for (i = 0; i < CL_DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, db_names[i],
		    st->rdonly ? 0 : MDB_CREATE, &st->dbi[i]);
		if (rc != 0) {
			/* NOTFOUND: read-only, and not a credledger store. */
			mdb_txn_abort(txn);
			err = rc == MDB_NOTFOUND ? CL_ESTORE : map_err(rc);
			goto fail;
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		err = map_err(rc);
		goto fail;
	}
	if ((st->dir = strdup(dir)) == NULL) {
		err = CL_ENOMEM;
		goto fail;
	}
	return CL_OK;

fail:
	cl_store_close(st);
	return err;
}

cl_err
cl_store_release(struct cl_store *st)
{
	struct cl_store_opts	 o;
	char			*dir = st->dir;
	cl_err			 err;

	if (st->env == NULL || dir == NULL)
		return CL_EUSAGE;
	memset(&o, 0, sizeof(o));
	o.map_initial = st->map_size;
	o.map_max = st->map_max;
	o.rdonly = st->rdonly;
	o.scratch = st->scratch;
	st->dir = NULL;		/* kept across the close */
	cl_store_close(st);
	err = cl_store_open(st, dir, &o);
	free(dir);
	if (err != CL_OK)
		cl_store_close(st);
	return err;
}

void
cl_store_close(struct cl_store *st)
{
	if (st->env != NULL)
		mdb_env_close(st->env);
	free(st->dir);
	memset(st, 0, sizeof(*st));
}

cl_err
cl_store_grow(struct cl_store *st)
{
	size_t	 size;
	int	 rc;

	if (st->env == NULL)
		return CL_EUSAGE;
	if (st->map_size >= st->map_max)
		return CL_EMAPFULL;
	if (st->map_size > st->map_max / 2)
		size = st->map_max;
	else
		size = st->map_size * 2;
	if ((rc = mdb_env_set_mapsize(st->env, size)) != 0)
		return map_err(rc);
	st->map_size = env_mapsize(st->env);
	return reserve(st);
}

void
cl_store_begin(struct cl_store *st, struct cl_txn *t, bool rw)
{
	MDB_txn	*txn;
	int	 rc;

	t->txn = NULL;
	t->st = st;
	t->err = CL_OK;
	t->rw = rw;
	if (st->env == NULL || (rw && st->rdonly)) {
		t->err = CL_EUSAGE;
		return;
	}
	if ((rc = txn_begin(st, rw ? 0 : MDB_RDONLY, &txn)) != 0) {
		t->err = map_err(rc);
		return;
	}
	t->txn = txn;
}

/*
 * Whether t may go on: no earlier failure, not ended, db a database.  The
 * first failure is kept; every later call does nothing (Knot's knot_lmdb).
 */
static bool
usable(struct cl_txn *t, enum cl_db db)
{
	if (t->err != CL_OK)
		return false;
	if (t->txn == NULL || (unsigned int)db >= CL_DB_COUNT) {
		t->err = CL_EUSAGE;
		return false;
	}
	return true;
}

/* usable(), and a write txn: else CL_EUSAGE. */
static bool
writable(struct cl_txn *t, enum cl_db db)
{
	if (!usable(t, db))
		return false;
	if (!t->rw) {
		t->err = CL_EUSAGE;
		return false;
	}
	return true;
}

static MDB_dbi
dbi(struct cl_txn *t, enum cl_db db)
{
	return t->st->dbi[db];
}

bool
cl_store_get(struct cl_txn *t, enum cl_db db, const void *key,
    size_t klen, struct cl_val *v)
{
	MDB_val	 k = { .mv_size = klen, .mv_data = (void *)key }, d;
	int	 rc;

	if (!usable(t, db))
		return false;
	if ((rc = mdb_get(t->txn, dbi(t, db), &k, &d)) != 0) {
		if (rc != MDB_NOTFOUND)
			t->err = map_err(rc);
		return false;
	}
	if (v != NULL) {
		v->ptr = d.mv_data;
		v->len = d.mv_size;
	}
	return true;
}

/*
 * MDB_KEYEXIST means "present" under MDB_NOOVERWRITE but "not after the
 * last key" under MDB_APPEND; with both, look which one it was.  An append
 * out of order is a broken invariant of the caller, not a duplicate.
 */
static cl_err
keyexist_err(struct cl_txn *t, enum cl_db db, MDB_val *k, unsigned flags)
{
	MDB_val	 d;

	if ((flags & CL_PUT_NOOVERWRITE) == 0)
		return CL_ESTORE;
	if ((flags & CL_PUT_APPEND) == 0 ||
	    mdb_get(t->txn, dbi(t, db), k, &d) == 0)
		return CL_EEXISTS;
	return CL_ESTORE;
}

void
cl_store_put(struct cl_txn *t, enum cl_db db, const void *key,
    size_t klen, const void *val, size_t vlen, unsigned flags)
{
	MDB_val		 k = { .mv_size = klen, .mv_data = (void *)key };
	MDB_val		 d = { .mv_size = vlen, .mv_data = (void *)val };
	unsigned int	 mflags = 0;
	int		 rc;

	if (!writable(t, db))
		return;
	if (flags & CL_PUT_APPEND)
		mflags |= MDB_APPEND;
	if (flags & CL_PUT_NOOVERWRITE)
		mflags |= MDB_NOOVERWRITE;
	rc = mdb_put(t->txn, dbi(t, db), &k, &d, mflags);
	if (rc == MDB_KEYEXIST)
		t->err = keyexist_err(t, db, &k, flags);
	else if (rc != 0)
		t->err = map_err(rc);
}

void
cl_store_put_sorted(struct cl_txn *t, enum cl_db db, const struct cl_kv *kv,
    size_t n)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	size_t		 i;
	int		 rc;

	if (n == 0 || !writable(t, db))
		return;
	if ((rc = mdb_cursor_open(t->txn, dbi(t, db), &cur)) != 0) {
		t->err = map_err(rc);
		return;
	}
	for (i = 0; i < n; i++) {
		k.mv_size = kv[i].klen;
		k.mv_data = (void *)kv[i].key;
		d.mv_size = kv[i].vlen;
		d.mv_data = (void *)kv[i].val;
		if ((rc = mdb_cursor_put(cur, &k, &d, 0)) != 0) {
			t->err = map_err(rc);
			break;
		}
	}
	mdb_cursor_close(cur);
}

void
cl_store_clear(struct cl_txn *t, enum cl_db db)
{
	int	rc;

	if (!writable(t, db))
		return;
	if ((rc = mdb_drop(t->txn, dbi(t, db), 0)) != 0)
		t->err = map_err(rc);
}

void
cl_store_del(struct cl_txn *t, enum cl_db db, const void *key,
    size_t klen)
{
	MDB_val	 k = { .mv_size = klen, .mv_data = (void *)key };
	int	 rc;

	if (!writable(t, db))
		return;
	rc = mdb_del(t->txn, dbi(t, db), &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		t->err = map_err(rc);
}

bool
cl_store_last(struct cl_txn *t, enum cl_db db, struct cl_val *k,
    struct cl_val *v)
{
	MDB_cursor	*cur;
	MDB_val		 mk, md;
	int		 rc;

	if (!usable(t, db))
		return false;
	if ((rc = mdb_cursor_open(t->txn, dbi(t, db), &cur)) != 0) {
		t->err = map_err(rc);
		return false;
	}
	/* The values point into the map, not the cursor: they outlive it. */
	rc = mdb_cursor_get(cur, &mk, &md, MDB_LAST);
	mdb_cursor_close(cur);
	if (rc != 0) {
		if (rc != MDB_NOTFOUND)
			t->err = map_err(rc);
		return false;
	}
	if (k != NULL) {
		k->ptr = mk.mv_data;
		k->len = mk.mv_size;
	}
	if (v != NULL) {
		v->ptr = md.mv_data;
		v->len = md.mv_size;
	}
	return true;
}

uint64_t
cl_store_count(struct cl_txn *t, enum cl_db db)
{
	MDB_stat	 ms;
	int		 rc;

	if (!usable(t, db))
		return 0;
	if ((rc = mdb_stat(t->txn, dbi(t, db), &ms)) != 0) {
		t->err = map_err(rc);
		return 0;
	}
	return ms.ms_entries;
}

/* Byte order of keys, as LMDB's default comparison sees it. */
static int
keycmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int	 c;

	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/*
 * The cursor is left on the first candidate and started is false: the
 * first cl_store_iter_next() reads it (MDB_GET_CURRENT), later ones move
 * on (MDB_NEXT).  done means nothing more will be returned.
 */
void
cl_store_iter_begin(struct cl_txn *t, struct cl_iter *it, enum cl_db db,
    const void *prefix, size_t plen, const void *start, size_t slen)
{
	MDB_cursor	*cur;
	MDB_val		 k, d;
	int		 rc;

	memset(it, 0, sizeof(*it));
	it->t = t;
	it->done = true;
	if (!usable(t, db))
		return;
	if (plen > sizeof(it->prefix)) {
		t->err = CL_EUSAGE;
		return;
	}
	if (plen > 0)
		memcpy(it->prefix, prefix, plen);
	it->prefix_len = plen;
	if ((rc = mdb_cursor_open(t->txn, dbi(t, db), &cur)) != 0) {
		t->err = map_err(rc);
		return;
	}
	it->cur = cur;

	/*
	 * Seek to the later of prefix and start: a start before the prefix
	 * would land on keys outside it and end the walk at once.
	 */
	k.mv_data = it->prefix;
	k.mv_size = plen;
	if (start != NULL && keycmp(start, slen, it->prefix, plen) > 0) {
		k.mv_data = (void *)start;
		k.mv_size = slen;
	}
	/* LMDB rejects an empty key, even to seek with. */
	rc = mdb_cursor_get(cur, &k, &d,
	    k.mv_size == 0 ? MDB_FIRST : MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		return;
	if (rc != 0) {
		t->err = map_err(rc);
		return;
	}
	it->done = false;
}

bool
cl_store_iter_next(struct cl_iter *it, struct cl_val *k, struct cl_val *v)
{
	MDB_val	 mk, md;
	int	 rc;

	if (it->done || it->t->err != CL_OK || it->t->txn == NULL) {
		it->done = true;
		return false;
	}
	rc = mdb_cursor_get(it->cur, &mk, &md,
	    it->started ? MDB_NEXT : MDB_GET_CURRENT);
	it->started = true;
	if (rc != 0) {
		if (rc != MDB_NOTFOUND)
			it->t->err = map_err(rc);
		it->done = true;
		return false;
	}
	if (mk.mv_size < it->prefix_len ||
	    memcmp(mk.mv_data, it->prefix, it->prefix_len) != 0) {
		it->done = true;
		return false;
	}
	if (k != NULL) {
		k->ptr = mk.mv_data;
		k->len = mk.mv_size;
	}
	if (v != NULL) {
		v->ptr = md.mv_data;
		v->len = md.mv_size;
	}
	return true;
}

void
cl_store_iter_end(struct cl_iter *it)
{
	/*
	 * A write txn frees its cursors when it ends; a read txn's cursor
	 * is ours to close, before or after the txn ends (lmdb.h).  So a
	 * late end is harmless while the cl_txn exists and is not begun
	 * again; ending first is still the rule.
	 */
	if (it->cur != NULL && (it->t->txn != NULL || !it->t->rw))
		mdb_cursor_close(it->cur);
	it->cur = NULL;
	it->done = true;
}

cl_err
cl_store_end(struct cl_txn *t)
{
	MDB_txn	*txn = t->txn;
	int	 rc;

	if (txn == NULL)
		return t->err;
	t->txn = NULL;
	if (!t->rw || t->err != CL_OK) {
		mdb_txn_abort(txn);
		return t->err;
	}
	/* A failed commit frees the txn too, and leaves the file as it was. */
	if ((rc = mdb_txn_commit(txn)) != 0) {
		if (rc == EIO && fs_full(t->st->env))
			t->err = CL_EMAPFULL;
		else
			t->err = map_err(rc);
	}
	return t->err;
}

void
cl_store_usage(struct cl_store *st, size_t *used, size_t *size)
{
	MDB_envinfo	 info;
	MDB_stat	 ms;

	*used = 0;
	*size = 0;
	if (st->env == NULL || mdb_env_info(st->env, &info) != 0 ||
	    mdb_env_stat(st->env, &ms) != 0)
		return;
	*used = (info.me_last_pgno + 1) * ms.ms_psize;
	*size = info.me_mapsize;
}
