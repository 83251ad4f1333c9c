/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the LMDB store (node/store.c), each in a fresh directory. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

#define MIB		((size_t)1 << 20)
#define VAL_LEN		1000	/* bytes of a log record (fill tests) */
#define BATCH		64	/* records per write txn (fill tests) */

static char	 dir[64];	/* this test's directory */
static char	 mnt[96];	/* a tmpfs mount point inside it */
static bool	 mounted;

/* Remove path and everything below it; no symlinks are followed. */
static void
rm_rf(const char *path)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		 sub[256];
	int		 n;

	if (lstat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			n = snprintf(sub, sizeof(sub), "%s/%s", path,
			    de->d_name);
			if (n > 0 && (size_t)n < sizeof(sub))
				rm_rf(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/*
 * Unmount the tmpfs.  Lazily in teardown: a test that failed may still
 * hold files there open, and the mount must not outlive the test.
 */
static void
unmount(bool lazy)
{
	char	 cmd[128];
	int	 n;

	if (!mounted)
		return;
	n = snprintf(cmd, sizeof(cmd), "umount %s'%s'", lazy ? "-l " : "",
	    mnt);
	cr_assert(n > 0 && (size_t)n < sizeof(cmd));
	cr_assert_eq(system(cmd), 0, "%s failed: unmount it by hand", cmd);
	mounted = false;
}

static void
setup(void)
{
	strcpy(dir, "/tmp/cl-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void
teardown(void)
{
	unmount(true);
	rm_rf(dir);
}

TestSuite(store, .init = setup, .fini = teardown);

static void
open_at(struct cl_store *st, const char *path, size_t initial, size_t max,
    bool rdonly)
{
	struct cl_store_opts	 o = { .map_initial = initial,
				       .map_max = max, .rdonly = rdonly };
	cl_err			 err;

	err = cl_store_open(st, path, &o);
	cr_assert_eq(err, CL_OK, "open %s: %s", path, cl_strerror(err));
}

static void
open_store(struct cl_store *st)
{
	open_at(st, dir, 0, 0, false);
}

static void
open_scratch(struct cl_store *st)
{
	struct cl_store_opts	 o = { .scratch = true };
	cl_err			 err;

	err = cl_store_open(st, dir, &o);
	cr_assert_eq(err, CL_OK, "open scratch %s: %s", dir, cl_strerror(err));
}

/* Bytes of disk the data file of the store in d holds. */
static size_t
allocated(const char *d)
{
	char		path[4096];
	struct stat	sb;

	snprintf(path, sizeof(path), "%s/data.mdb", d);
	cr_assert_eq(stat(path, &sb), 0, "%s", path);
	return (size_t)sb.st_blocks * 512;
}

static void
put_str(struct cl_txn *t, enum cl_db db, const char *k, const char *v,
    unsigned flags)
{
	cl_store_put(t, db, k, strlen(k), v, strlen(v), flags);
}

static void
commit(struct cl_txn *t)
{
	cl_err	 err = cl_store_end(t);

	cr_assert_eq(err, CL_OK, "commit: %s", cl_strerror(err));
}

/* Whether key k holds exactly the string v. */
static bool
holds(struct cl_txn *t, enum cl_db db, const char *k, const char *v)
{
	struct cl_val	 val;

	if (!cl_store_get(t, db, k, strlen(k), &val))
		return false;
	return val.len == strlen(v) && memcmp(val.ptr, v, val.len) == 0;
}

static void
log_val(uint8_t *v, uint64_t pos)
{
	memset(v, (int)(pos * 31 % 251), VAL_LEN);
	cl_store_be64(v, pos);
}

/* Append log records [first, first + cnt) in one write txn. */
static cl_err
put_batch(struct cl_store *st, uint64_t first, uint64_t cnt)
{
	struct cl_txn	 t;
	uint8_t		 k[8], v[VAL_LEN];
	uint64_t	 pos;

	cl_store_begin(st, &t, true);
	for (pos = first; pos < first + cnt; pos++) {
		cl_store_be64(k, pos);
		log_val(v, pos);
		cl_store_put(&t, CL_DB_LOG, k, sizeof(k), v, sizeof(v),
		    CL_PUT_APPEND);
	}
	return cl_store_end(&t);
}

/*
 * Whether the log holds exactly records [0, n), each intact.  It does not
 * assert, so that a forked child can use it.
 */
static bool
log_intact(struct cl_store *st, uint64_t n)
{
	struct cl_txn	 t;
	struct cl_val	 v;
	uint8_t		 k[8], want[VAL_LEN];
	uint64_t	 pos;
	bool		 ok;

	cl_store_begin(st, &t, false);
	ok = cl_store_count(&t, CL_DB_LOG) == n;
	for (pos = 0; ok && pos < n; pos++) {
		cl_store_be64(k, pos);
		log_val(want, pos);
		ok = cl_store_get(&t, CL_DB_LOG, k, sizeof(k), &v) &&
		    v.len == sizeof(want) &&
		    memcmp(v.ptr, want, sizeof(want)) == 0;
	}
	cl_store_be64(k, n);
	ok = ok && !cl_store_get(&t, CL_DB_LOG, k, sizeof(k), &v);
	return cl_store_end(&t) == CL_OK && ok;
}

static void
check_log(struct cl_store *st, uint64_t n)
{
	cr_assert(log_intact(st, n), "the log is not records [0, %llu)",
	    (unsigned long long)n);
}

Test(store, put_get_round_trip)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	struct cl_val	 v;
	uint8_t		 big[CL_DB_COUNT * 1000];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	open_store(&st);
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_META, "schema", "1", 0);
	cl_store_put(&t, CL_DB_HEAD, "big", 3, big, sizeof(big), 0);
	cl_store_put(&t, CL_DB_HOLDER, "empty", 5, NULL, 0, 0);
	/* Visible inside the writing txn already. */
	cr_assert(holds(&t, CL_DB_META, "schema", "1"));
	commit(&t);

	cl_store_begin(&st, &t, false);
	cr_assert(holds(&t, CL_DB_META, "schema", "1"));
	cr_assert(cl_store_get(&t, CL_DB_HEAD, "big", 3, &v));
	cr_assert_eq(v.len, sizeof(big));
	cr_assert(memcmp(v.ptr, big, sizeof(big)) == 0);
	cr_assert(cl_store_get(&t, CL_DB_HOLDER, "empty", 5, &v));
	cr_assert_eq(v.len, 0);
	/* Databases are separate key spaces. */
	cr_assert_not(cl_store_get(&t, CL_DB_HEAD, "schema", 6, &v));
	cr_assert_eq(cl_store_end(&t), CL_OK);

	/* A plain put overwrites. */
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_META, "schema", "2", 0);
	commit(&t);
	cl_store_begin(&st, &t, false);
	cr_assert(holds(&t, CL_DB_META, "schema", "2"));
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

/*
 * Giving LMDB's page buffers back reopens the environment: what was
 * committed is there, the map keeps its size, a scratch store stays so,
 * and writing goes on.
 */
Test(store, release_keeps_everything)
{
	struct cl_store	 st;
	size_t		 map;

	open_scratch(&st);
	cr_assert_eq(put_batch(&st, 0, 5000), CL_OK);
	cr_assert_eq(cl_store_grow(&st), CL_OK);
	map = st.map_size;
	cr_assert_eq(cl_store_release(&st), CL_OK);
	cr_assert_eq(st.map_size, map);
	cr_assert(st.scratch);
	check_log(&st, 5000);
	cr_assert_eq(put_batch(&st, 5000, 100), CL_OK);
	check_log(&st, 5100);
	cl_store_close(&st);
	cr_assert_eq(cl_store_release(&st), CL_EUSAGE, "closed: nothing to "
	    "reopen");
}

Test(store, get_absent_is_not_an_error)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	struct cl_val	 v = { .ptr = NULL, .len = 42 };

	open_store(&st);
	cl_store_begin(&st, &t, false);
	cr_assert_not(cl_store_get(&t, CL_DB_CRED, "nope", 4, &v));
	cr_assert_eq(t.err, CL_OK);
	cr_assert_eq(v.len, 42, "v must be left alone");
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

Test(store, del_present_and_absent)
{
	struct cl_store	 st;
	struct cl_txn	 t;

	open_store(&st);
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_DIGEST, "a", "1", 0);
	put_str(&t, CL_DB_DIGEST, "b", "2", 0);
	commit(&t);
	cl_store_begin(&st, &t, true);
	cl_store_del(&t, CL_DB_DIGEST, "a", 1);
	cl_store_del(&t, CL_DB_DIGEST, "zz", 2);
	cr_assert_eq(t.err, CL_OK);
	commit(&t);
	cl_store_begin(&st, &t, false);
	cr_assert_not(cl_store_get(&t, CL_DB_DIGEST, "a", 1, NULL));
	cr_assert(holds(&t, CL_DB_DIGEST, "b", "2"));
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

Test(store, append_in_order)
{
	struct cl_store	 st;

	open_store(&st);
	cr_assert_eq(put_batch(&st, 0, 500), CL_OK);
	cr_assert_eq(put_batch(&st, 500, 500), CL_OK);
	check_log(&st, 1000);
	cl_store_close(&st);
}

Test(store, append_out_of_order_is_sticky)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	struct cl_iter	 it;
	uint8_t		 k[8];

	open_store(&st);
	cr_assert_eq(put_batch(&st, 0, 10), CL_OK);

	cl_store_begin(&st, &t, true);
	cl_store_be64(k, 10);
	cl_store_put(&t, CL_DB_LOG, k, 8, "ten", 3, CL_PUT_APPEND);
	put_str(&t, CL_DB_META, "m", "before", 0);
	cr_assert_eq(t.err, CL_OK);
	cl_store_be64(k, 5);
	cl_store_put(&t, CL_DB_LOG, k, 8, "five", 4, CL_PUT_APPEND);
	cr_assert_eq(t.err, CL_ESTORE, "got %s", cl_errname(t.err));

	/* Every later call is a no-op and keeps the first error. */
	cl_store_be64(k, 11);
	cl_store_put(&t, CL_DB_LOG, k, 8, "eleven", 6, CL_PUT_APPEND);
	put_str(&t, CL_DB_META, "after", "x", 0);
	cl_store_be64(k, 0);
	cr_assert_not(cl_store_get(&t, CL_DB_LOG, k, 8, NULL));
	cr_assert_not(cl_store_last(&t, CL_DB_LOG, NULL, NULL));
	cr_assert_eq(cl_store_count(&t, CL_DB_LOG), 0);
	cl_store_del(&t, CL_DB_LOG, k, 8);
	cl_store_iter_begin(&t, &it, CL_DB_LOG, NULL, 0, NULL, 0);
	cr_assert_not(cl_store_iter_next(&it, NULL, NULL));
	cl_store_iter_end(&it);
	cr_assert_eq(t.err, CL_ESTORE);
	cr_assert_eq(cl_store_end(&t), CL_ESTORE);

	/* Nothing of that txn, everything from before. */
	check_log(&st, 10);
	cl_store_begin(&st, &t, false);
	cr_assert_not(cl_store_get(&t, CL_DB_META, "m", 1, NULL));
	cr_assert_not(cl_store_get(&t, CL_DB_META, "after", 5, NULL));
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

Test(store, nooverwrite_exists)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	uint8_t		 k[8];

	open_store(&st);
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_CRED, "id1", "first", CL_PUT_NOOVERWRITE);
	commit(&t);

	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_CRED, "id2", "new", CL_PUT_NOOVERWRITE);
	cr_assert_eq(t.err, CL_OK);
	put_str(&t, CL_DB_CRED, "id1", "second", CL_PUT_NOOVERWRITE);
	cr_assert_eq(t.err, CL_EEXISTS, "got %s", cl_errname(t.err));
	cr_assert_eq(cl_store_end(&t), CL_EEXISTS);

	/* Appending a key that is there is a duplicate, not disorder. */
	cr_assert_eq(put_batch(&st, 0, 3), CL_OK);
	cl_store_begin(&st, &t, true);
	cl_store_be64(k, 2);
	cl_store_put(&t, CL_DB_LOG, k, 8, "x", 1,
	    CL_PUT_APPEND | CL_PUT_NOOVERWRITE);
	cr_assert_eq(cl_store_end(&t), CL_EEXISTS);
	cl_store_begin(&st, &t, true);
	cl_store_be64(k, 3);
	cl_store_put(&t, CL_DB_LOG, k, 8, "x", 1,
	    CL_PUT_APPEND | CL_PUT_NOOVERWRITE);
	commit(&t);

	cl_store_begin(&st, &t, false);
	cr_assert(holds(&t, CL_DB_CRED, "id1", "first"));
	cr_assert_not(cl_store_get(&t, CL_DB_CRED, "id2", 3, NULL));
	cr_assert_eq(cl_store_count(&t, CL_DB_LOG), 4);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

/* Walk an iterator into a string "k1,k2,..." of its (text) keys. */
static void
walk(struct cl_txn *t, const char *prefix, const char *start, char *out,
    size_t outlen)
{
	struct cl_iter	 it;
	struct cl_val	 k, v;
	size_t		 n = 0;

	cl_store_iter_begin(t, &it, CL_DB_HOLDER, prefix,
	    prefix ? strlen(prefix) : 0, start, start ? strlen(start) : 0);
	out[0] = '\0';
	while (cl_store_iter_next(&it, &k, &v)) {
		cr_assert(n + k.len + 2 < outlen);
		if (n > 0)
			out[n++] = ',';
		memcpy(out + n, k.ptr, k.len);
		n += k.len;
		out[n] = '\0';
		/* Each value is its own key: keys and values pair up. */
		cr_assert(v.len == k.len && memcmp(v.ptr, k.ptr, k.len) == 0);
	}
	/* Ending is idempotent, and next after the end stays false. */
	cl_store_iter_end(&it);
	cl_store_iter_end(&it);
	cr_assert_not(cl_store_iter_next(&it, NULL, NULL));
	cr_assert_eq(t->err, CL_OK);
}

Test(store, prefix_iteration)
{
	static const char *const keys[] = {
		"a", "b", "b1", "b1x", "b2", "b3", "ba", "c", "c1",
	};
	struct cl_store	 st;
	struct cl_txn	 t;
	char		 got[128];

	open_store(&st);
	cl_store_begin(&st, &t, true);
	/* Put in a scrambled order: iteration must sort. */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t j = (i * 4) % (sizeof(keys) / sizeof(keys[0]));
		put_str(&t, CL_DB_HOLDER, keys[j], keys[j], 0);
	}
	commit(&t);

	cl_store_begin(&st, &t, false);
	walk(&t, "b", NULL, got, sizeof(got));
	cr_assert_str_eq(got, "b,b1,b1x,b2,b3,ba");
	walk(&t, "b1", NULL, got, sizeof(got));
	cr_assert_str_eq(got, "b1,b1x");
	walk(&t, "c", NULL, got, sizeof(got));
	cr_assert_str_eq(got, "c,c1");
	walk(&t, "d", NULL, got, sizeof(got));
	cr_assert_str_eq(got, "");
	walk(&t, "0", NULL, got, sizeof(got));
	cr_assert_str_eq(got, "");
	walk(&t, NULL, NULL, got, sizeof(got));
	cr_assert_str_eq(got, "a,b,b1,b1x,b2,b3,ba,c,c1");

	/* With a start: the first key >= start, within the prefix. */
	walk(&t, "b", "b2", got, sizeof(got));
	cr_assert_str_eq(got, "b2,b3,ba");
	walk(&t, "b", "b10", got, sizeof(got));
	cr_assert_str_eq(got, "b1x,b2,b3,ba");
	walk(&t, "b", "bz", got, sizeof(got));
	cr_assert_str_eq(got, "");
	walk(&t, "b", "c", got, sizeof(got));
	cr_assert_str_eq(got, "");
	walk(&t, "b", "a", got, sizeof(got));
	cr_assert_str_eq(got, "b,b1,b1x,b2,b3,ba", "start before prefix");
	walk(&t, NULL, "b3", got, sizeof(got));
	cr_assert_str_eq(got, "b3,ba,c,c1");
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

Test(store, prefix_too_long)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	struct cl_iter	 it;
	uint8_t		 p[81] = { 0 };

	open_store(&st);
	cl_store_begin(&st, &t, false);
	cl_store_iter_begin(&t, &it, CL_DB_LOG, p, sizeof(p), NULL, 0);
	cr_assert_not(cl_store_iter_next(&it, NULL, NULL));
	cl_store_iter_end(&it);
	cr_assert_eq(cl_store_end(&t), CL_EUSAGE);
	cl_store_close(&st);
}

Test(store, iterator_in_write_txn)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	struct cl_iter	 it;
	struct cl_val	 k;
	int		 n = 0;

	open_store(&st);
	cr_assert_eq(put_batch(&st, 0, 20), CL_OK);
	cl_store_begin(&st, &t, true);
	cl_store_iter_begin(&t, &it, CL_DB_LOG, NULL, 0, NULL, 0);
	while (cl_store_iter_next(&it, &k, NULL)) {
		cr_assert_eq(cl_store_load64(k.ptr), (uint64_t)n);
		n++;
	}
	cl_store_iter_end(&it);
	cr_assert_eq(n, 20);
	commit(&t);
	cl_store_close(&st);
}

Test(store, last_and_count)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	struct cl_val	 k, v;
	uint8_t		 want[VAL_LEN];

	open_store(&st);
	cl_store_begin(&st, &t, false);
	cr_assert_not(cl_store_last(&t, CL_DB_LOG, &k, &v));
	cr_assert_eq(cl_store_count(&t, CL_DB_LOG), 0);
	cr_assert_eq(cl_store_end(&t), CL_OK);

	cr_assert_eq(put_batch(&st, 0, 300), CL_OK);
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_META, "z", "last", 0);
	put_str(&t, CL_DB_META, "a", "first", 0);
	commit(&t);

	cl_store_begin(&st, &t, false);
	cr_assert(cl_store_last(&t, CL_DB_LOG, &k, &v));
	cr_assert_eq(k.len, 8);
	cr_assert_eq(cl_store_load64(k.ptr), 299);
	log_val(want, 299);
	cr_assert_eq(v.len, sizeof(want));
	cr_assert(memcmp(v.ptr, want, sizeof(want)) == 0);
	cr_assert_eq(cl_store_count(&t, CL_DB_LOG), 300);
	cr_assert(cl_store_last(&t, CL_DB_META, &k, &v));
	cr_assert(k.len == 1 && memcmp(k.ptr, "z", 1) == 0);
	cr_assert_eq(cl_store_count(&t, CL_DB_META), 2);
	cr_assert_eq(cl_store_count(&t, CL_DB_FORK), 0);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

Test(store, failed_txn_keeps_committed_data)
{
	struct cl_store	 st;
	struct cl_txn	 t;

	open_store(&st);
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_CRED, "c1", "valid", 0);
	put_str(&t, CL_DB_CRED, "c2", "valid", 0);
	commit(&t);

	/* Overwrite, delete and add, then fail: none of it may stick. */
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_CRED, "c1", "revoked", 0);
	cl_store_del(&t, CL_DB_CRED, "c2", 2);
	put_str(&t, CL_DB_CRED, "c3", "valid", 0);
	put_str(&t, CL_DB_CRED, "c3", "again", CL_PUT_NOOVERWRITE);
	cr_assert_eq(cl_store_end(&t), CL_EEXISTS);

	/* A read txn is aborted; a clean write txn that ends is kept. */
	cl_store_begin(&st, &t, false);
	cr_assert(holds(&t, CL_DB_CRED, "c1", "valid"));
	cr_assert(holds(&t, CL_DB_CRED, "c2", "valid"));
	cr_assert_not(cl_store_get(&t, CL_DB_CRED, "c3", 2, NULL));
	cr_assert_eq(cl_store_count(&t, CL_DB_CRED), 2);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);

	/* And it is all still there on disk. */
	open_store(&st);
	cl_store_begin(&st, &t, false);
	cr_assert(holds(&t, CL_DB_CRED, "c1", "valid"));
	cr_assert(holds(&t, CL_DB_CRED, "c2", "valid"));
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

Test(store, map_full_grow_and_limit)
{
	struct cl_store	 st;
	uint64_t	 n = 0;
	size_t		 used, size;
	cl_err		 err;
	int		 grows = 0;

	open_at(&st, dir, 1 * MIB, 4 * MIB, false);
	cr_assert_eq(st.map_size, 1 * MIB);

	/* Fill the 1 MiB map; grow; the failed batch then fits. */
	while ((err = put_batch(&st, n, BATCH)) == CL_OK)
		n += BATCH;
	cr_assert_eq(err, CL_EMAPFULL, "got %s", cl_errname(err));
	cr_assert_gt(n, 0);
	check_log(&st, n);
	cr_assert_eq(cl_store_grow(&st), CL_OK);
	cr_assert_eq(st.map_size, 2 * MIB);
	grows++;
	cr_assert_eq(put_batch(&st, n, BATCH), CL_OK);
	n += BATCH;

	/* Go on to map_max. */
	for (;;) {
		if ((err = put_batch(&st, n, BATCH)) == CL_OK) {
			n += BATCH;
			continue;
		}
		cr_assert_eq(err, CL_EMAPFULL, "got %s", cl_errname(err));
		if ((err = cl_store_grow(&st)) != CL_OK)
			break;
		grows++;
	}
	cr_assert_eq(err, CL_EMAPFULL, "grow: %s", cl_errname(err));
	cr_assert_eq(grows, 2);
	cr_assert_eq(st.map_size, 4 * MIB);
	cl_store_usage(&st, &used, &size);
	cr_assert_eq(size, 4 * MIB);
	cr_assert(used > 3 * MIB && used <= size, "used %zu", used);
	check_log(&st, n);
	cl_store_close(&st);

	/* Nothing lost, and the grown map outlives a smaller map_initial. */
	open_at(&st, dir, 1 * MIB, 4 * MIB, false);
	cr_assert_eq(st.map_size, 4 * MIB);
	check_log(&st, n);
	cr_assert_eq(cl_store_grow(&st), CL_EMAPFULL);
	cr_assert_eq(put_batch(&st, n, BATCH), CL_EMAPFULL);
	cl_store_close(&st);

	/* A larger map_max lets it go on. */
	open_at(&st, dir, 1 * MIB, 8 * MIB, false);
	cr_assert_eq(cl_store_grow(&st), CL_OK);
	cr_assert_eq(put_batch(&st, n, BATCH), CL_OK);
	check_log(&st, n + BATCH);
	cl_store_close(&st);
}

Test(store, usage)
{
	struct cl_store	 st;
	size_t		 used0, used1, size;

	open_store(&st);
	cl_store_usage(&st, &used0, &size);
	cr_assert_eq(size, 64 * MIB, "default map_initial");
	cr_assert_eq(st.map_size, size);
	cr_assert_gt(used0, 0);
	cr_assert_eq(put_batch(&st, 0, 1000), CL_OK);
	cl_store_usage(&st, &used1, &size);
	cr_assert_geq(used1, used0 + 1000 * VAL_LEN);
	cr_assert_lt(used1, size);
	cl_store_close(&st);
	cl_store_usage(&st, &used1, &size);
	cr_assert(used1 == 0 && size == 0);
}

Test(store, rdonly_after_writer_closed)
{
	struct cl_store	 st;
	struct cl_txn	 t;

	open_store(&st);
	cr_assert_eq(put_batch(&st, 0, 100), CL_OK);
	cl_store_close(&st);

	open_at(&st, dir, 0, 0, true);
	cr_assert(st.rdonly);
	check_log(&st, 100);

	/* Writing is refused and the refusal is sticky. */
	cl_store_begin(&st, &t, true);
	cr_assert_eq(t.err, CL_EUSAGE);
	cr_assert_eq(cl_store_end(&t), CL_EUSAGE);
	cl_store_begin(&st, &t, false);
	put_str(&t, CL_DB_META, "k", "v", 0);
	cr_assert_eq(t.err, CL_EUSAGE);
	cr_assert_eq(cl_store_count(&t, CL_DB_LOG), 0);
	cr_assert_eq(cl_store_end(&t), CL_EUSAGE);
	check_log(&st, 100);
	cl_store_close(&st);
}

Test(store, a_scratch_store_holds_what_it_committed)
{
	struct cl_store		 st;
	struct cl_txn		 t;

	open_scratch(&st);
	cr_assert_eq(put_batch(&st, 0, 100), CL_OK);
	check_log(&st, 100);
	/* a failed txn is dropped as in any store */
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_META, "k", "v", 0);
	t.err = CL_ESTORE;
	cr_assert_eq(cl_store_end(&t), CL_ESTORE);
	cl_store_close(&st);
	/* closed cleanly, it reads back like any other */
	open_at(&st, dir, 0, 0, true);
	check_log(&st, 100);
	cl_store_close(&st);
	/* its disk space is taken as the map grows, not when written */
	open_scratch(&st);
	cr_assert_eq(cl_store_grow(&st), CL_OK);
	cr_assert_geq(allocated(dir), st.map_size);
	cl_store_close(&st);
}

Test(store, scratch_and_read_only_do_not_mix)
{
	struct cl_store		 st;
	struct cl_store_opts	 o = { .rdonly = true, .scratch = true };

	open_store(&st);
	cl_store_close(&st);
	cr_assert_eq(cl_store_open(&st, dir, &o), CL_EUSAGE);
}

Test(store, rdonly_needs_a_store)
{
	struct cl_store		 st;
	struct cl_store_opts	 o = { .rdonly = true };

	/* No data.mdb: nothing to read, and nothing is created. */
	cr_assert_eq(cl_store_open(&st, dir, &o), CL_EIO);
	cr_assert_null(st.env);
	cl_store_close(&st);
}

Test(store, read_beside_write)
{
	struct cl_store	 st;
	struct cl_txn	 r, w, r2;

	open_store(&st);
	cl_store_begin(&st, &w, true);
	put_str(&w, CL_DB_META, "k", "old", 0);
	commit(&w);

	cl_store_begin(&st, &r, false);
	cl_store_begin(&st, &w, true);
	cr_assert_eq(r.err, CL_OK);
	cr_assert_eq(w.err, CL_OK);
	put_str(&w, CL_DB_META, "k", "new", 0);
	cr_assert(holds(&w, CL_DB_META, "k", "new"));
	cr_assert(holds(&r, CL_DB_META, "k", "old"));
	commit(&w);
	/* A reader keeps its snapshot; a new one sees the commit. */
	cr_assert(holds(&r, CL_DB_META, "k", "old"));
	cl_store_begin(&st, &r2, false);
	cr_assert(holds(&r2, CL_DB_META, "k", "new"));
	cr_assert_eq(cl_store_end(&r2), CL_OK);
	cr_assert_eq(cl_store_end(&r), CL_OK);
	cl_store_close(&st);
}

static void *
reader_thread(void *arg)
{
	struct cl_txn	*t = arg;
	struct cl_iter	 it;
	uintptr_t	 n = 0;

	if (!holds(t, CL_DB_META, "k", "v"))
		return NULL;
	cl_store_iter_begin(t, &it, CL_DB_LOG, NULL, 0, NULL, 0);
	while (cl_store_iter_next(&it, NULL, NULL))
		n++;
	cl_store_iter_end(&it);
	return (void *)n;
}

Test(store, read_txn_on_another_thread)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	pthread_t	 th;
	void		*n;

	open_store(&st);
	cr_assert_eq(put_batch(&st, 0, 50), CL_OK);
	cl_store_begin(&st, &t, true);
	put_str(&t, CL_DB_META, "k", "v", 0);
	commit(&t);

	/* Begun here, used there, ended here (MDB_NOTLS). */
	cl_store_begin(&st, &t, false);
	cr_assert_eq(pthread_create(&th, NULL, reader_thread, &t), 0);
	cr_assert_eq(pthread_join(th, &n), 0);
	cr_assert_eq((uintptr_t)n, 50);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cl_store_close(&st);
}

Test(store, read_txn_begin_failure_is_sticky)
{
	static struct cl_txn	 t[1024];
	struct cl_store		 st;
	size_t			 i, n;

	open_store(&st);
	cr_assert_eq(put_batch(&st, 0, 1), CL_OK);
	/* Many readers in one thread (MDB_NOTLS), until the table is full. */
	for (n = 0; n < 1024; n++) {
		cl_store_begin(&st, &t[n], false);
		if (t[n].err != CL_OK)
			break;
	}
	cr_assert(n >= 126 && n < 1024, "%zu readers", n);
	cr_assert_eq(t[n].err, CL_ESTORE, "got %s", cl_errname(t[n].err));
	cr_assert_null(t[n].txn);
	cr_assert_not(cl_store_get(&t[n], CL_DB_LOG, "\0\0\0\0\0\0\0\0", 8,
	    NULL));
	cr_assert_eq(cl_store_count(&t[n], CL_DB_LOG), 0);
	cr_assert_eq(cl_store_end(&t[n]), CL_ESTORE);
	cr_assert_eq(cl_store_end(&t[n]), CL_ESTORE);
	for (i = 0; i < n; i++) {
		cr_assert_eq(cl_store_count(&t[i], CL_DB_LOG), 1);
		cr_assert_eq(cl_store_end(&t[i]), CL_OK);
	}
	/* The slots are free again. */
	check_log(&st, 1);
	cl_store_close(&st);
}

Test(store, open_missing_dir)
{
	struct cl_store	 st;
	char		 path[96];

	snprintf(path, sizeof(path), "%s/missing", dir);
	cr_assert_eq(cl_store_open(&st, path, NULL), CL_EIO);
	/* Close accepts a store that failed to open, more than once. */
	cl_store_close(&st);
	cl_store_close(&st);
}

Test(store, open_corrupt)
{
	struct cl_store	 st;
	char		 path[96], junk[16384];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	cr_assert_not_null(f = fopen(path, "w"));
	memset(junk, 'x', sizeof(junk));
	cr_assert_eq(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(cl_store_open(&st, dir, NULL), CL_ESTORE);
	cl_store_close(&st);
}

/*
 * The writer of reader_adopts_map_grown_by_writer, in a child process:
 * wait for go, then append 3000 records from 1 MiB upwards.  Returns 'k'
 * or the step that failed.
 */
static char
grow_writer(int go)
{
	struct cl_store_opts	 o = { .map_initial = MIB,
				       .map_max = 16 * MIB };
	struct cl_store		 st;
	uint64_t		 n;
	char			 c;
	cl_err			 err;

	if (read(go, &c, 1) != 1)
		return 'r';
	if (cl_store_open(&st, dir, &o) != CL_OK)
		return 'o';
	for (n = 0; n < 3000; n += BATCH) {
		while ((err = put_batch(&st, n, BATCH)) == CL_EMAPFULL)
			if (cl_store_grow(&st) != CL_OK)
				return 'g';
		if (err != CL_OK)
			return 'p';
	}
	cl_store_close(&st);
	return 'k';
}

Test(store, reader_adopts_map_grown_by_writer)
{
	struct cl_store	 st;
	struct cl_txn	 t;
	int		 go[2], done[2], status;
	char		 c = 'x';
	pid_t		 pid;
	uint64_t	 n;

	open_at(&st, dir, MIB, 0, false);
	cl_store_close(&st);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(done), 0);
	/*
	 * Fork before opening: an env must not cross a fork.  The child's
	 * verdict comes through a pipe, as a checker such as valgrind may
	 * own its exit status.
	 */
	if ((pid = fork()) == 0) {
		close(go[1]);
		close(done[0]);
		c = grow_writer(go[0]);
		_exit(write(done[1], &c, 1) == 1 ? 0 : 1);
	}
	cr_assert_gt(pid, 0);
	close(go[0]);
	close(done[1]);
	open_at(&st, dir, MIB, 0, true);
	cr_assert_eq(st.map_size, MIB);
	cr_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	cr_assert_eq(read(done[0], &c, 1), 1, "writer died");
	close(done[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(c, 'k', "writer failed at step %c", c);

	/* The log is now far larger than our 1 MiB map. */
	cl_store_begin(&st, &t, false);
	cr_assert_eq(t.err, CL_OK, "begin: %s", cl_errname(t.err));
	n = cl_store_count(&t, CL_DB_LOG);
	cr_assert_eq(cl_store_end(&t), CL_OK);
	cr_assert_gt(st.map_size, MIB);
	cr_assert_geq(n, 3000);
	check_log(&st, n);
	cl_store_close(&st);
}

/*
 * The store work of disk_full, in a child process so that nothing of the
 * tmpfs is open when the parent unmounts it, even if the child crashes.
 * Returns 'k' or the step that failed, and *err the error there.
 */
static char
fill_disk(cl_err *err)
{
	struct cl_store_opts	 o = { .map_initial = 64 * MIB,
				       .map_max = 64 * MIB };
	struct cl_store		 st;
	uint64_t		 n = 0;

	if ((*err = cl_store_open(&st, mnt, &o)) != CL_OK)
		return 'o';
	while ((*err = put_batch(&st, n, BATCH)) == CL_OK)
		n += BATCH;
	if (*err != CL_EMAPFULL || n == 0)
		return 'f';
	if (!log_intact(&st, n))
		return 'l';
	/* Still full, still refusing cleanly. */
	if ((*err = put_batch(&st, n, BATCH)) != CL_EMAPFULL)
		return 'a';
	cl_store_close(&st);
	if ((*err = cl_store_open(&st, mnt, &o)) != CL_OK)
		return 'O';
	if (!log_intact(&st, n))
		return 'L';
	cl_store_close(&st);
	return 'k';
}

/*
 * A file system that fills before the map does.  Needs root and mount(8).
 * The test unmounts the tmpfs, and teardown does, lazily, if it failed.
 */
Test(store, disk_full)
{
	char		 cmd[160];
	uint8_t		 verdict[2] = { '?', 0 };
	int		 out[2], status;
	pid_t		 pid;
	cl_err		 err;

	if (geteuid() != 0) {
		rm_rf(dir);	/* teardown does not run after a skip */
		cr_skip_test("disk_full needs root to mount a tmpfs");
	}
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	cr_assert_eq(mkdir(mnt, 0700), 0);
	snprintf(cmd, sizeof(cmd),
	    "mount -t tmpfs -o size=2m,mode=0700 cl-store-test '%s'", mnt);
	if (system(cmd) != 0) {
		rm_rf(dir);
		cr_skip_test("disk_full: cannot mount a tmpfs here");
	}
	mounted = true;

	cr_assert_eq(pipe(out), 0);
	if ((pid = fork()) == 0) {
		close(out[0]);
		verdict[0] = (uint8_t)fill_disk(&err);
		verdict[1] = (uint8_t)err;
		_exit(write(out[1], verdict, 2) == 2 ? 0 : 1);
	}
	cr_assert_gt(pid, 0);
	close(out[1]);
	if (read(out[0], verdict, 2) != 2)
		verdict[0] = '?';
	close(out[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	unmount(false);
	cr_assert_eq(verdict[0], 'k', "step %c: %s", verdict[0],
	    cl_errname((cl_err)verdict[1]));
}
