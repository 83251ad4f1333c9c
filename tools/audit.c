/* SPDX-License-Identifier: Apache-2.0 */
/* The auditor: replay a log with the node's own rules, and what it finds. */
#include "audit.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "export.h"
#include "hex.h"
#include "merkle.h"
#include "progress.h"
#include "store.h"

/* Threads checking signatures, at most (a sanity bound on the option). */
#define THREADS_MAX	64
/*
 * The scratch stores' map to start with.  Its disk space is reserved
 * (struct cl_store_opts, scratch), so not more than a small log needs; a
 * batch that meets a full map is applied again after the map doubles,
 * which a log of a million events does three times.
 */
#define SCRATCH_MAP	((size_t)256 << 20)
#define PATH_CAP	4096
/*
 * Events a thread claims at a time: small enough that a thread the
 * scheduler parks (three threads share two cores) leaves little behind.
 */
#define CHUNK		64

/* Growable arrays: *p holds *cap items of size bytes; make room for need. */
static cl_err
grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void	**p = pp, *np;
	size_t	  n = *cap != 0 ? *cap : 64;

	if (need <= *cap)
		return CL_OK;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return CL_ENOMEM;
		n *= 2;
	}
	if ((np = realloc(*p, n * size)) == NULL)
		return CL_ENOMEM;
	*p = np;
	*cap = n;
	return CL_OK;
}

/*
 * Room for one more item in a list of cnt items grown by grow() alone:
 * its capacity is 64 doubled until it holds cnt.
 */
static cl_err
push_room(void *pp, size_t cnt, size_t size)
{
	size_t	cap = 0;

	if (cnt > 0)
		for (cap = 64; cap < cnt; cap *= 2)
			;
	return grow(pp, &cap, cnt + 1, size);
}

/* An ISSUE a scratch store holds: its id and its author's index. */
struct cred {
	uint8_t		id[CL_ID_LEN];
	uint32_t	author;
};

/* An event of a log compared with another: by id. */
struct cmpent {
	uint8_t		id[CL_ID_LEN];
	uint8_t		author[CL_PK_LEN];
	uint64_t	pos;
	uint64_t	seq;
	uint64_t	time;
	uint8_t		type;
};

/* One scratch store: a replay of (part of) the log under one clock. */
struct rep {
	bool			 open;
	char			 dir[PATH_CAP];
	struct cl_ledger	 l;
	struct cl_audit_clock	*clock;
	uint64_t		*map;		/* its positions -> the log's */
	size_t			 map_cnt, map_cap;
	struct cred		*cred;
	size_t			 cred_cnt, cred_cap;
	struct cl_result	*res;		/* CL_AUDIT_BATCH */
	struct cl_apply_part	*parts;
	size_t			 parts_cap;
};

/* A batch of records: their bytes, and what the workers make of them. */
struct slot {
	uint8_t			*buf;
	size_t			 buf_len, buf_cap;
	size_t			*off;		/* CL_AUDIT_BATCH each */
	size_t			*len;
	uint8_t			(*leaf)[CL_HASH_LEN];
	uint8_t			(*xid)[CL_ID_LEN]; /* also of a bad sig */
	struct cl_submit	*sub;
	size_t			 n;
	uint64_t		 first;		/* log position of record 0 */
	atomic_size_t		 claim;		/* next index to prepare */
};

/*
 * Worker threads: they, and the calling thread while it waits, claim
 * CHUNK events of the slot in hand at a time until none are left.
 */
struct pool {
	pthread_t	 th[THREADS_MAX];
	unsigned	 n;
	unsigned	 started;
	pthread_mutex_t	 mu;
	pthread_cond_t	 go, done;
	struct slot	*job;
	uint64_t	 gen;
	unsigned	 busy;
	bool		 quit;
	const uint8_t	*netid;
};

struct worker {
	struct pool	*p;
};

/* Where records come from: an export file or a store. */
struct src {
	bool			 is_file;
	struct cl_export_r	 r;
	const char *const	*more;		/* files that continue it */
	size_t			 more_cnt, more_i;
	uint8_t			*g0;		/* the first file's genesis */
	size_t			 g0_len;
	uint64_t		 off0;		/* bytes of the files before */
	const char		*bad;		/* a file of another genesis */
	bool			 l_open;
	struct cl_ledger	 l;
	uint64_t		 next;		/* position of the next one */
	bool			 broken;	/* file: framing lost */
	uint8_t			*held;		/* store: the last record */
	uint8_t			 buf[CL_EVENT_MAX];
};

/*
 * The RFC 9162 tree of the log, as its frontier: the roots of the
 * complete subtrees of the leaves so far, largest first (one per set bit
 * of the count).  Enough to give the root at every size on the way.
 */
struct frontier {
	uint8_t		h[CL_MERKLE_PROOF_MAX][CL_HASH_LEN];
	unsigned	cnt;
	uint64_t	n;
};

/* An author table: keyed hashing, so chosen keys cannot collide. */
struct atab {
	uint32_t	*slot;		/* index + 1; 0 empty */
	size_t		 nslot;
	size_t		 cap;
	uint8_t		 key[crypto_shorthash_KEYBYTES];
};

struct ctx {
	const struct cl_audit_opts *o;
	struct cl_audit		*a;
	char			*why;
	size_t			 why_cap;
	struct src		 src;
	struct pool		 pool;
	struct slot		 slot[2];
	struct rep		 main, auth, wit;
	struct frontier		 fr;
	size_t			*ck_order;	/* checkpoints by size */
	size_t			 ck_next;
	size_t			 wck;		/* witnessed: its checkpoint */
	struct atab		 at;
	struct cmpent		*cmp;
	size_t			 cmp_cnt, cmp_cap;
	char			 base[PATH_CAP];	/* scratch directory */
	bool			 base_made;
	struct cl_audit_finding	*tmp;		/* a round's STATE findings */
	size_t			 tmp_cnt, tmp_cap;
	uint64_t		 tmp_total;
	struct cl_progress	 pr;
};

/* Say what failed, once: "<fmt ...>: <cl_strerror(err)>". */
static cl_err	fail(struct ctx *x, cl_err err, const char *fmt, ...)
		    CL_PRINTF(3, 4);

static cl_err
fail(struct ctx *x, cl_err err, const char *fmt, ...)
{
	va_list	ap;
	size_t	n;

	if (x->why == NULL || x->why_cap == 0 || x->why[0] != '\0')
		return err;
	va_start(ap, fmt);
	(void)vsnprintf(x->why, x->why_cap, fmt, ap);
	va_end(ap);
	n = strlen(x->why);
	(void)snprintf(x->why + n, x->why_cap - n, "%s%s", n > 0 ? ": " : "",
	    cl_strerror(err));
	return err;
}

/* Findings. */

static void
finding_add(struct cl_audit *a, const struct cl_audit_finding *f)
{
	a->f_total++;
	if (a->f_cnt >= CL_AUDIT_LIST_MAX ||
	    push_room(&a->f, a->f_cnt, sizeof(*a->f)) != CL_OK)
		return;		/* counted, if not listed */
	a->f[a->f_cnt++] = *f;
}

/* STATE findings of one round, kept until the round proves stable. */
static void	state_finding(struct ctx *x, const char *fmt, ...)
		    CL_PRINTF(2, 3);

static void
state_finding(struct ctx *x, const char *fmt, ...)
{
	struct cl_audit_finding	*f;
	va_list			 ap;

	x->tmp_total++;
	if (x->tmp_cnt >= CL_AUDIT_LIST_MAX ||
	    grow(&x->tmp, &x->tmp_cap, x->tmp_cnt + 1, sizeof(*x->tmp)) !=
	    CL_OK)
		return;
	f = &x->tmp[x->tmp_cnt++];
	memset(f, 0, sizeof(*f));
	f->kind = CL_AUDIT_STATE;
	f->ev.pos = CL_AUDIT_NOPOS;
	va_start(ap, fmt);
	(void)vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
}

static void
ev_from(struct cl_audit_ev *e, uint64_t pos, const struct cl_event *ev,
    const uint8_t *id)
{
	memset(e, 0, sizeof(*e));
	e->pos = pos;
	if (ev == NULL || ev->raw == NULL)
		return;
	e->decoded = true;
	e->type = (unsigned)ev->type;
	memcpy(e->author, ev->author, CL_PK_LEN);
	e->seq = ev->seq;
	e->time = ev->time;
	if (id != NULL)
		memcpy(e->id, id, CL_ID_LEN);
}

/* The author table. */

static uint64_t
atab_hash(const struct atab *t, const uint8_t *pk)
{
	uint8_t		h[crypto_shorthash_BYTES];
	uint64_t	v = 0;
	int		i;

	crypto_shorthash(h, pk, CL_PK_LEN, t->key);
	for (i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return v;
}

static cl_err
atab_rehash(struct cl_audit *a, struct atab *t, size_t nslot)
{
	uint32_t	*s;
	size_t		 i, j;

	if ((s = calloc(nslot, sizeof(*s))) == NULL)
		return CL_ENOMEM;
	for (i = 0; i < a->author_cnt; i++) {
		j = (size_t)atab_hash(t, a->author[i].key) & (nslot - 1);
		while (s[j] != 0)
			j = (j + 1) & (nslot - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = s;
	t->nslot = nslot;
	return CL_OK;
}

/* The index of author pk, added if new. */
static cl_err
atab_get(struct ctx *x, const uint8_t *pk, uint32_t *idx)
{
	struct cl_audit		*a = x->a;
	struct atab		*t = &x->at;
	struct cl_audit_author	*au;
	size_t			 j;
	cl_err			 err;

	if (t->nslot == 0 && (err = atab_rehash(a, t, 64)) != CL_OK)
		return err;
	j = (size_t)atab_hash(t, pk) & (t->nslot - 1);
	while (t->slot[j] != 0) {
		if (memcmp(a->author[t->slot[j] - 1].key, pk, CL_PK_LEN) == 0) {
			*idx = t->slot[j] - 1;
			return CL_OK;
		}
		j = (j + 1) & (t->nslot - 1);
	}
	if (a->author_cnt >= UINT32_MAX - 1 ||
	    (err = grow(&a->author, &t->cap, a->author_cnt + 1,
	    sizeof(*a->author))) != CL_OK)
		return CL_ENOMEM;
	au = &a->author[a->author_cnt];
	memset(au, 0, sizeof(*au));
	memcpy(au->key, pk, CL_PK_LEN);
	au->authority = cl_genesis_find(&a->g, pk) >= 0;
	t->slot[j] = (uint32_t)a->author_cnt + 1;
	*idx = (uint32_t)a->author_cnt++;
	if (2 * a->author_cnt > t->nslot)
		return atab_rehash(a, t, 2 * t->nslot);
	return CL_OK;
}

/* Scratch directories. */

/* Remove dir and what it holds, one level of subdirectories deep. */
static void
rm_dir(const char *dir, int depth)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 p[PATH_CAP];

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(p))
				continue;
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (depth > 0)
					rm_dir(p, depth - 1);
			} else
				(void)unlink(p);
		}
		(void)closedir(d);
	}
	(void)rmdir(dir);
}

static cl_err
rep_open(struct ctx *x, struct rep *r, const char *name,
    struct cl_audit_clock *clock)
{
	struct cl_store_opts	opts = { .map_initial = SCRATCH_MAP,
				       .scratch = true };
	cl_err			err;

	r->clock = clock;
	if (snprintf(r->dir, sizeof(r->dir), "%s/%s", x->base, name) >=
	    (int)sizeof(r->dir))
		return fail(x, CL_EIO, "scratch path too long: %s",
		    x->base);
	if (mkdir(r->dir, 0700) != 0)
		return fail(x, CL_EIO, "cannot make a scratch store in %s",
		    x->base);
	if ((r->res = calloc(CL_AUDIT_BATCH, sizeof(*r->res))) == NULL)
		return fail(x, CL_ENOMEM, "the audit");
	err = cl_ledger_open(&r->l, r->dir, x->a->g.raw, x->a->g.raw_len,
	    &opts);
	if (err != CL_OK)
		return fail(x, err, "cannot open a scratch store in %s",
		    r->dir);
	r->open = true;
	/* nothing here asks by holder or digest: skip those indexes */
	cl_ledger_replay_only(&r->l);
	return CL_OK;
}

static void
rep_close(struct rep *r)
{
	if (r->open)
		cl_ledger_close(&r->l);
	r->open = false;
	free(r->map);
	free(r->cred);
	free(r->res);
	free(r->parts);
	memset(r, 0, sizeof(*r));
}

/*
 * Apply parts of slot s to r and take in what r stored.  Results of the
 * main replay are read by the caller from r->res.
 */
static cl_err
rep_apply(struct ctx *x, struct rep *r, struct slot *s, size_t nparts,
    const size_t *start)
{
	struct cl_result	*res;
	struct cl_submit	*sub;
	size_t			 p, k, i;
	uint32_t		 au;
	cl_err			 err;

	if (nparts == 0)
		return CL_OK;
	if ((err = cl_ledger_apply_parts(&r->l, r->parts, nparts)) != CL_OK)
		return fail(x, err, "the scratch store in %s", r->dir);
	for (p = 0; p < nparts; p++) {
		r->clock->events += r->parts[p].n;
		for (k = 0; k < r->parts[p].n; k++) {
			res = &r->parts[p].out[k];
			i = start[p] + k;
			sub = &s->sub[i];
			if (res->acc != CL_ACC_ACCEPTED &&
			    res->acc != CL_ACC_FORK &&
			    res->acc != CL_ACC_DISPUTED)
				continue;
			/* a store appends at its own next position */
			if (res->pos != r->map_cnt)
				return fail(x, CL_ESTORE, "the scratch store "
				    "in %s skipped a position", r->dir);
			if (grow(&r->map, &r->map_cap, r->map_cnt + 1,
			    sizeof(*r->map)) != CL_OK)
				return fail(x, CL_ENOMEM, "the audit");
			r->map[r->map_cnt++] = s->first + i;
			r->clock->stored++;
			if (sub->ev.type != CL_EV_ISSUE)
				continue;
			au = UINT32_MAX;
			if (r == &x->main &&
			    (err = atab_get(x, sub->ev.author, &au)) != CL_OK)
				return fail(x, err, "the audit");
			if (grow(&r->cred, &r->cred_cap, r->cred_cnt + 1,
			    sizeof(*r->cred)) != CL_OK)
				return fail(x, CL_ENOMEM, "the audit");
			memcpy(r->cred[r->cred_cnt].id, sub->id, CL_ID_LEN);
			r->cred[r->cred_cnt++].author = au;
		}
	}
	return CL_OK;
}

/* Sources. */

static cl_err
src_open(struct ctx *x, struct src *s, const char *file, const char *data,
    const uint8_t **genesis, size_t *len)
{
	struct cl_store_opts	opts = { .rdonly = true };
	char			dir[PATH_CAP];
	cl_err			err;

	memset(s, 0, sizeof(*s));
	if (file != NULL) {
		s->is_file = true;
		if ((err = cl_export_open(&s->r, file)) != CL_OK) {
			if (x->why != NULL)
				(void)snprintf(x->why, x->why_cap, "%s: %s",
				    file, err == CL_EIO ? strerror(errno) :
				    s->r.why);
			return err;
		}
		*genesis = s->r.genesis;
		*len = s->r.genesis_len;
		if ((s->g0 = malloc(*len)) == NULL)
			return fail(x, CL_ENOMEM, "the audit");
		memcpy(s->g0, *genesis, *len);
		s->g0_len = *len;
		return CL_OK;
	}
	cl_export_store_dir(data, dir, sizeof(dir));
	if ((err = cl_ledger_open(&s->l, dir, NULL, 0, &opts)) != CL_OK) {
		if (x->why != NULL)
			(void)snprintf(x->why, x->why_cap, "%s: cannot open "
			    "the store read-only: %s", dir,
			    err == CL_ENOTFOUND ? "no ledger there" :
			    cl_strerror(err));
		return err;
	}
	s->l_open = true;
	*genesis = s->l.genesis.raw;
	*len = s->l.genesis.raw_len;
	return CL_OK;
}

static void
src_close(struct src *s)
{
	if (s->is_file)
		cl_export_close(&s->r);
	if (s->l_open)
		cl_ledger_close(&s->l);
	free(s->held);
	free(s->g0);
	memset(s, 0, sizeof(*s));
}

/*
 * The next of the files that continue the log, opened in place of the
 * one that ended.  Errors: those of cl_export_open(); CL_ENETWORK when its
 * genesis is not the first file's (s->bad names it).
 */
static cl_err
src_next_file(struct src *s)
{
	const char	*path = s->more[s->more_i++];
	cl_err		 err;

	s->off0 += s->r.off;
	cl_export_close(&s->r);
	s->bad = path;
	if ((err = cl_export_open(&s->r, path)) != CL_OK)
		return err;
	if (s->r.genesis_len != s->g0_len ||
	    memcmp(s->r.genesis, s->g0, s->g0_len) != 0)
		return CL_ENETWORK;
	s->bad = NULL;
	return CL_OK;
}

/*
 * The next record: *p (valid until the next call) of *len bytes, or
 * CL_ENOTFOUND at the end.  A file whose framing is lost ends there with
 * a FILE finding (a, if not NULL).
 */
static cl_err
src_next(struct src *s, struct cl_audit *a, const uint8_t **p, size_t *len)
{
	struct cl_audit_finding	f;
	cl_err			err;

	free(s->held);
	s->held = NULL;
	if (s->is_file) {
		if (s->broken)
			return CL_ENOTFOUND;
		err = cl_export_next(&s->r, s->buf, len);
		while (err == CL_ENOTFOUND && s->more_i < s->more_cnt) {
			if ((err = src_next_file(s)) != CL_OK)
				return err;
			err = cl_export_next(&s->r, s->buf, len);
		}
		if (err == CL_OK) {
			*p = s->buf;
			s->next++;
			return CL_OK;
		}
		if (err == CL_ENOTFOUND || err == CL_EIO)
			return err;
		s->broken = true;
		if (a != NULL) {
			memset(&f, 0, sizeof(f));
			f.kind = CL_AUDIT_FILE;
			f.ev.pos = s->next;
			f.err = err;
			(void)snprintf(f.what, sizeof(f.what), "%s, at byte "
			    "%llu of the file: nothing after it is read",
			    s->r.why, (unsigned long long)s->r.off);
			finding_add(a, &f);
		}
		return CL_ENOTFOUND;
	}
	err = cl_ledger_event_at(&s->l, s->next, &s->held, len);
	if (err != CL_OK)
		return err;
	*p = s->held;
	s->next++;
	return CL_OK;
}

/* Units of progress: bytes of a file, positions of a store. */
static uint64_t
src_done(const struct src *s)
{
	return s->is_file ? s->off0 + s->r.off : s->next;
}

/* Workers. */

/* Decode and verify record i of s, and hash it as a leaf of the log. */
static void
prepare(const uint8_t *netid, struct slot *s, size_t i)
{
	const uint8_t	*rec = s->buf + s->off[i];

	cl_ledger_prepare(netid, rec, s->len[i], &s->sub[i]);
	memcpy(s->leaf[i], s->sub[i].leaf, CL_HASH_LEN);
	if (s->sub[i].err == CL_OK)
		memcpy(s->xid[i], s->sub[i].id, CL_ID_LEN);
	else if (s->sub[i].ev.raw == NULL ||
	    cl_ev_id(&s->sub[i].ev, netid, s->xid[i]) != CL_OK)
		memset(s->xid[i], 0, CL_ID_LEN);
}

static void
work(struct pool *p, struct slot *s)
{
	size_t	lo, hi, i;

	while ((lo = atomic_fetch_add(&s->claim, CHUNK)) < s->n) {
		hi = s->n - lo < CHUNK ? s->n : lo + CHUNK;
		for (i = lo; i < hi; i++)
			prepare(p->netid, s, i);
	}
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	struct pool	*p = w->p;
	struct slot	*s;
	uint64_t	 seen = 0;

	(void)pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && p->gen == seen)
			(void)pthread_cond_wait(&p->go, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		s = p->job;
		(void)pthread_mutex_unlock(&p->mu);
		work(p, s);
		(void)pthread_mutex_lock(&p->mu);
		if (--p->busy == 0)
			(void)pthread_cond_signal(&p->done);
	}
	(void)pthread_mutex_unlock(&p->mu);
	free(w);
	return NULL;
}

static cl_err
pool_start(struct pool *p, unsigned n, const uint8_t *netid)
{
	struct worker	*w;

	memset(p, 0, sizeof(*p));
	p->n = n;
	p->netid = netid;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return CL_ENOMEM;
	if (pthread_cond_init(&p->go, NULL) != 0 ||
	    pthread_cond_init(&p->done, NULL) != 0)
		return CL_ENOMEM;
	for (p->started = 0; p->started < n; p->started++) {
		if ((w = malloc(sizeof(*w))) == NULL)
			return CL_ENOMEM;
		w->p = p;
		if (pthread_create(&p->th[p->started], NULL, worker_main, w) !=
		    0) {
			free(w);
			return CL_ENOMEM;
		}
	}
	return CL_OK;
}

static void
pool_stop(struct pool *p)
{
	unsigned	i;

	if (p->n == 0)
		return;
	(void)pthread_mutex_lock(&p->mu);
	p->quit = true;
	(void)pthread_cond_broadcast(&p->go);
	(void)pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->started; i++)
		(void)pthread_join(p->th[i], NULL);
	(void)pthread_cond_destroy(&p->go);
	(void)pthread_cond_destroy(&p->done);
	(void)pthread_mutex_destroy(&p->mu);
	p->n = 0;
}

/* Hand s to the workers. */
static void
pool_run(struct pool *p, struct slot *s)
{
	atomic_store(&s->claim, 0);
	(void)pthread_mutex_lock(&p->mu);
	p->job = s;
	p->busy = p->started;
	p->gen++;
	(void)pthread_cond_broadcast(&p->go);
	(void)pthread_mutex_unlock(&p->mu);
}

/*
 * Help with the slot in hand, then wait for every worker to be done with
 * it: a worker lets go of a slot only when no chunk of it is left.
 */
static void
pool_wait(struct pool *p)
{
	work(p, p->job);
	(void)pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		(void)pthread_cond_wait(&p->done, &p->mu);
	(void)pthread_mutex_unlock(&p->mu);
}

/* The Merkle frontier. */

static void
fr_add(struct frontier *f, const uint8_t leaf[CL_HASH_LEN])
{
	uint64_t	m;

	memcpy(f->h[f->cnt++], leaf, CL_HASH_LEN);
	for (m = ++f->n; (m & 1) == 0; m >>= 1) {
		cl_merkle_node(f->h[f->cnt - 2], f->h[f->cnt - 2],
		    f->h[f->cnt - 1]);
		f->cnt--;
	}
}

static void
fr_root(const struct frontier *f, uint8_t root[CL_HASH_LEN])
{
	unsigned	i;

	if (f->cnt == 0) {
		crypto_hash_sha256(root, NULL, 0);
		return;
	}
	memcpy(root, f->h[f->cnt - 1], CL_HASH_LEN);
	for (i = f->cnt - 1; i-- > 0;)
		cl_merkle_node(root, f->h[i], root);
}

/* Checkpoints whose size the frontier has reached: do their roots hold? */
static void
ck_reached(struct ctx *x)
{
	struct cl_audit		*a = x->a;
	struct cl_audit_ckpt	*c;
	struct cl_audit_finding	 f;
	uint8_t			 root[CL_HASH_LEN];
	bool			 have = false;

	while (x->ck_next < a->ckpt_cnt &&
	    a->ckpt[x->ck_order[x->ck_next]].c.size == x->fr.n) {
		c = &a->ckpt[x->ck_order[x->ck_next++]];
		if (c->verdict != CL_AUDIT_CK_UNCHECKED)
			continue;
		if (!have)
			fr_root(&x->fr, root);
		have = true;
		memcpy(c->log_root, root, CL_HASH_LEN);
		if (sodium_memcmp(root, c->c.root, CL_HASH_LEN) == 0) {
			c->verdict = CL_AUDIT_CK_OK;
			continue;
		}
		c->verdict = CL_AUDIT_CK_ROOT;
		memset(&f, 0, sizeof(f));
		f.kind = CL_AUDIT_CHECKPOINT;
		f.ev.pos = CL_AUDIT_NOPOS;
		f.ck = (size_t)(c - a->ckpt);
		(void)snprintf(f.what, sizeof(f.what), "%s: the log's first "
		    "%llu events are not those it signed (another root): the "
		    "log was rewritten, or events were dropped or moved",
		    c->source, (unsigned long long)c->c.size);
		finding_add(a, &f);
	}
}

/* The pass: read, verify on the workers, apply here. */

static cl_err
slot_init(struct slot *s)
{
	memset(s, 0, sizeof(*s));
	s->off = calloc(CL_AUDIT_BATCH, sizeof(*s->off));
	s->len = calloc(CL_AUDIT_BATCH, sizeof(*s->len));
	s->leaf = calloc(CL_AUDIT_BATCH, sizeof(*s->leaf));
	s->xid = calloc(CL_AUDIT_BATCH, sizeof(*s->xid));
	s->sub = calloc(CL_AUDIT_BATCH, sizeof(*s->sub));
	if (s->off == NULL || s->len == NULL || s->leaf == NULL ||
	    s->xid == NULL || s->sub == NULL)
		return CL_ENOMEM;
	return CL_OK;
}

static void
slot_release(struct slot *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		cl_submit_free(&s->sub[i]);
	s->n = 0;
	s->buf_len = 0;
}

static void
slot_free(struct slot *s)
{
	slot_release(s);
	free(s->buf);
	free(s->off);
	free(s->len);
	free(s->leaf);
	free(s->xid);
	free(s->sub);
	memset(s, 0, sizeof(*s));
}

/* Read the next batch into s; s->n == 0 at the end of the log. */
static cl_err
slot_fill(struct ctx *x, struct slot *s)
{
	const uint8_t	*p;
	size_t		 len;
	cl_err		 err;

	s->n = 0;
	s->buf_len = 0;
	s->first = x->src.next;
	while (s->n < CL_AUDIT_BATCH && s->buf_len < CL_AUDIT_BATCH_BYTES) {
		err = src_next(&x->src, x->a, &p, &len);
		if (err == CL_ENOTFOUND)
			break;
		if (err != CL_OK && x->src.bad != NULL)
			return fail(x, err, "%s: %s", x->src.bad,
			    err == CL_ENETWORK ? "its genesis is not the "
			    "first file's" : x->src.r.why != NULL ?
			    x->src.r.why : "cannot read it");
		if (err != CL_OK)
			return fail(x, err, "reading the log");
		if (grow(&s->buf, &s->buf_cap, s->buf_len + len, 1) != CL_OK)
			return fail(x, CL_ENOMEM, "the audit");
		memcpy(s->buf + s->buf_len, p, len);
		s->off[s->n] = s->buf_len;
		s->len[s->n++] = len;
		s->buf_len += len;
	}
	return CL_OK;
}

/* What the main replay said of each event of s. */
static cl_err
main_results(struct ctx *x, struct slot *s)
{
	struct cl_audit		*a = x->a;
	struct cl_audit_finding	 f;
	struct cl_audit_author	*au;
	struct cl_result	*r;
	struct cl_submit	*sub;
	struct cmpent		*c;
	uint64_t		 pos;
	uint32_t		 ai;
	size_t			 i;
	cl_err			 err;

	for (i = 0; i < s->n; i++) {
		r = &x->main.res[i];
		sub = &s->sub[i];
		pos = s->first + i;
		if (sub->ev.raw != NULL)
			a->decoded++;
		if (r->acc <= CL_ACC_MAX)
			a->acc[r->acc]++;
		if (x->o->compare != NULL && sub->ev.raw != NULL) {
			if (grow(&x->cmp, &x->cmp_cap, x->cmp_cnt + 1,
			    sizeof(*x->cmp)) != CL_OK)
				return fail(x, CL_ENOMEM, "the audit");
			c = &x->cmp[x->cmp_cnt++];
			memcpy(c->id, s->xid[i], CL_ID_LEN);
			memcpy(c->author, sub->ev.author, CL_PK_LEN);
			c->pos = pos;
			c->seq = sub->ev.seq;
			c->time = sub->ev.time;
			c->type = (uint8_t)sub->ev.type;
		}
		switch (r->acc) {
		case CL_ACC_ACCEPTED:
		case CL_ACC_FORK:
		case CL_ACC_DISPUTED:
			if ((err = atab_get(x, sub->ev.author, &ai)) != CL_OK)
				return fail(x, err, "the audit");
			au = &a->author[ai];
			au->by_type[sub->ev.type]++;
			if (r->acc == CL_ACC_DISPUTED)
				au->disputed++;
			if (r->acc == CL_ACC_FORK) {
				au->fork_seq = sub->ev.seq;
				au->fork_pos[1] = pos;
			}
			if (r->acc == CL_ACC_ACCEPTED &&
			    r->void_reason != CL_VOID_NONE) {
				au->void_events++;
				if (r->void_reason <= CL_VOID_MAX)
					a->void_by_reason[r->void_reason]++;
			}
			continue;
		default:
			break;
		}
		memset(&f, 0, sizeof(f));
		ev_from(&f.ev, pos, &sub->ev, s->xid[i]);
		if (r->acc == CL_ACC_REJECTED) {
			f.kind = CL_AUDIT_REJECTED;
			f.err = r->err;
			f.field = r->field;
		} else {
			f.kind = CL_AUDIT_ORDER;
			f.acc = r->acc;
			f.head_seq = r->head_seq;
		}
		finding_add(a, &f);
	}
	return CL_OK;
}

/* Apply s everywhere: the log, and the clocks of --as-of. */
static cl_err
process(struct ctx *x, struct slot *s)
{
	const struct cl_audit_opts	*o = x->o;
	struct rep			*r;
	size_t				 i, np, start[CL_AUDIT_BATCH], end;
	cl_err				 err;

	for (i = 0; i < s->n; i++) {
		fr_add(&x->fr, s->leaf[i]);
		ck_reached(x);
	}
	r = &x->main;
	if (grow(&r->parts, &r->parts_cap, 1, sizeof(*r->parts)) != CL_OK)
		return fail(x, CL_ENOMEM, "the audit");
	r->parts[0] = (struct cl_apply_part){ s->sub, s->n, r->res };
	start[0] = 0;
	if ((err = rep_apply(x, r, s, 1, start)) != CL_OK ||
	    (err = main_results(x, s)) != CL_OK)
		return err;

	/* the authors' clock: runs of the events dated at or before it */
	r = &x->auth;
	if (r->open) {
		for (i = 0, np = 0; i < s->n; i++) {
			if (s->sub[i].err != CL_OK ||
			    s->sub[i].ev.time > o->as_of)
				continue;
			if (np > 0 && start[np - 1] + r->parts[np - 1].n == i) {
				r->parts[np - 1].n++;
				continue;
			}
			if (grow(&r->parts, &r->parts_cap, np + 1,
			    sizeof(*r->parts)) != CL_OK)
				return fail(x, CL_ENOMEM, "the audit");
			start[np] = i;
			r->parts[np++] = (struct cl_apply_part){ s->sub + i, 1,
			    r->res + i };
		}
		if ((err = rep_apply(x, r, s, np, start)) != CL_OK)
			return err;
	}

	/* the witnessed clock: the events its checkpoint covers */
	r = &x->wit;
	if (r->open && s->first < x->a->ckpt[x->wck].c.size) {
		end = x->a->ckpt[x->wck].c.size - s->first < s->n ?
		    (size_t)(x->a->ckpt[x->wck].c.size - s->first) : s->n;
		if (grow(&r->parts, &r->parts_cap, 1, sizeof(*r->parts)) !=
		    CL_OK)
			return fail(x, CL_ENOMEM, "the audit");
		r->parts[0] = (struct cl_apply_part){ s->sub, end, r->res };
		start[0] = 0;
		if ((err = rep_apply(x, r, s, 1, start)) != CL_OK)
			return err;
	}
	return CL_OK;
}

/* CPU seconds of this process so far, all threads. */
static double
cpu_now(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Replay what the source has left. */
static cl_err
pass(struct ctx *x)
{
	struct slot	*cur = &x->slot[0], *nxt = &x->slot[1], *t;
	double		 t0 = cl_progress_now(), c0 = cpu_now();
	cl_err		 err;

	if ((err = slot_fill(x, cur)) != CL_OK || cur->n == 0)
		return err;
	pool_run(&x->pool, cur);
	for (;;) {
		err = slot_fill(x, nxt);	/* beside the workers */
		pool_wait(&x->pool);
		if (err != CL_OK) {
			nxt->n = 0;
			break;
		}
		if (nxt->n > 0)
			pool_run(&x->pool, nxt);
		err = process(x, cur);		/* beside the workers */
		slot_release(cur);
		x->a->log_size = x->fr.n;
		cl_progress_set(&x->pr, src_done(&x->src), x->fr.n);
		if (err == CL_OK && x->o->stop != NULL && *x->o->stop) {
			if (x->why != NULL && x->why_cap > 0)
				(void)snprintf(x->why, x->why_cap,
				    "interrupted");
			err = CL_ESHUTDOWN;
		}
		if (err != CL_OK || nxt->n == 0)
			break;
		t = cur;
		cur = nxt;
		nxt = t;
	}
	if (nxt->n > 0) {
		pool_wait(&x->pool);
		slot_release(nxt);
	}
	slot_release(cur);
	x->a->replay_s += cl_progress_now() - t0;
	x->a->replay_cpu_s += cpu_now() - c0;
	return err;
}

/* After the replay: statuses, names, forks, the node's own state. */

static const char *
hex8(char out[17], const uint8_t *b)
{
	cl_hex_encode(out, b, 8);
	return out;
}

/*
 * The statuses of r's credentials at its clock.  With node (--data), the
 * node's answer for each must be the replay's.
 */
static cl_err
statuses(struct ctx *x, struct rep *r, struct cl_ledger *node)
{
	struct cl_audit_clock	*c = r->clock;
	struct cl_cred_answer	 a, b;
	struct cl_audit_author	*au;
	char			 h[17];
	size_t			 i;
	uint32_t		 k;
	cl_err			 err;

	memset(c->by_status, 0, sizeof(c->by_status));
	c->credentials = 0;
	for (i = 0; i < r->cred_cnt; i++) {
		err = cl_ledger_credential(&r->l, r->cred[i].id, c->at, &a);
		if (err != CL_OK)
			return fail(x, err, "the scratch store in %s",
			    r->dir);
		if (a.status > CL_ST_MAX)
			return fail(x, CL_ESTORE, "a status out of range");
		c->by_status[a.status]++;
		c->credentials++;
		if (r->cred[i].author != UINT32_MAX) {
			au = &x->a->author[r->cred[i].author];
			au->by_status[a.status]++;
			au->credentials++;
		}
		if (node == NULL)
			continue;
		if ((err = cl_ledger_credential(node, r->cred[i].id, c->at,
		    &b)) != CL_OK)
			return fail(x, err, "the node's store");
		if (a.status != b.status || a.void_reason != b.void_reason) {
			state_finding(x, "credential %s…: the node says %s, "
			    "the replay %s", hex8(h, r->cred[i].id),
			    cl_status_name(b.status),
			    cl_status_name(a.status));
			continue;
		}
		/* the events it rests on: the same, at the same positions */
		if ((a.status_pos == UINT64_MAX) !=
		    (b.status_pos == UINT64_MAX) ||
		    (a.status_pos != UINT64_MAX && (a.status_pos >=
		    r->map_cnt || r->map[a.status_pos] != b.status_pos)) ||
		    a.proof_cnt != b.proof_cnt) {
			state_finding(x, "credential %s…: the node rests its "
			    "status on other events than the replay",
			    hex8(h, r->cred[i].id));
			continue;
		}
		for (k = 0; k < a.proof_cnt; k++)
			if (a.proof[k] >= r->map_cnt ||
			    r->map[a.proof[k]] != b.proof[k])
				break;
		if (k < a.proof_cnt)
			state_finding(x, "credential %s…: the node's proof "
			    "holds other events than the replay's",
			    hex8(h, r->cred[i].id));
	}
	return CL_OK;
}

/* Digest and counts of a clock's store. */
static cl_err
clock_sum(struct ctx *x, struct rep *r)
{
	cl_err	err;

	if ((err = cl_ledger_digest(&r->l, r->clock->digest)) != CL_OK ||
	    (err = cl_ledger_counts(&r->l, &r->clock->counts)) != CL_OK)
		return fail(x, err, "the scratch store in %s", r->dir);
	r->clock->done = true;
	return CL_OK;
}

/* --data: do the node's indexes say what the replay says? */
static cl_err
state_compare(struct ctx *x)
{
	struct cl_audit		*a = x->a;
	struct cl_ledger	*node = &x->src.l;
	struct cl_counts	 cn, *cr = &a->log.counts;
	struct cl_head		 hn, hr;
	uint8_t			 dn[CL_ID_LEN], root[CL_ID_LEN];
	char			 h[17], h2[17];
	size_t			 i;
	unsigned		 t;
	cl_err			 err, e1, e2;

	if ((err = cl_ledger_digest(node, dn)) != CL_OK ||
	    (err = cl_ledger_counts(node, &cn)) != CL_OK)
		return fail(x, err, "the node's store");
	if (memcmp(dn, a->log.digest, CL_ID_LEN) != 0)
		state_finding(x, "state digest: the node's is %s…, the "
		    "replay's %s…", hex8(h, dn), hex8(h2, a->log.digest));
	for (t = CL_EV_TYPE_MIN; t <= CL_EV_TYPE_MAX; t++)
		if (cn.by_type[t] != cr->by_type[t])
			state_finding(x, "%s events: the node counts %llu, the "
			    "replay %llu", cl_ev_type_name(t),
			    (unsigned long long)cn.by_type[t],
			    (unsigned long long)cr->by_type[t]);
#define SAME(f, what)							\
	if (cn.f != cr->f)						\
		state_finding(x, what ": the node counts %llu, the replay " \
		    "%llu", (unsigned long long)cn.f,			\
		    (unsigned long long)cr->f)
	SAME(feeds, "feeds");
	SAME(credentials, "credentials");
	SAME(void_events, "void events");
	SAME(forks, "forked feeds");
	SAME(by_state[CL_ST_VALID], "active credentials");
	SAME(by_state[CL_ST_SUSPENDED], "suspended credentials");
	SAME(by_state[CL_ST_REVOKED], "revoked credentials");
#undef SAME
	/* the node's own tree of its log */
	if ((err = cl_ledger_root(node, a->log_size, root)) == CL_ERANGE)
		state_finding(x, "the node's Merkle tree does not reach the "
		    "%llu events of its log", (unsigned long long)a->log_size);
	else if (err != CL_OK)
		return fail(x, err, "the node's store");
	else if (memcmp(root, a->root, CL_ID_LEN) != 0)
		state_finding(x, "the node's Merkle tree has root %s… for its "
		    "%llu events, the log %s…", hex8(h, root),
		    (unsigned long long)a->log_size, hex8(h2, a->root));
	for (i = 0; i < a->author_cnt; i++) {
		e1 = cl_ledger_head(node, a->author[i].key, &hn);
		e2 = cl_ledger_head(&x->main.l, a->author[i].key, &hr);
		if ((e1 != CL_OK && e1 != CL_ENOTFOUND) ||
		    (e2 != CL_OK && e2 != CL_ENOTFOUND))
			return fail(x, e1 != CL_OK ? e1 : e2, "heads");
		if (e1 != e2 || (e1 == CL_OK && (hn.seq != hr.seq ||
		    memcmp(hn.id, hr.id, CL_ID_LEN) != 0 ||
		    hn.fork_seq != hr.fork_seq ||
		    hn.fork_held != hr.fork_held || hr.pos >=
		    x->main.map_cnt || x->main.map[hr.pos] != hn.pos)))
			state_finding(x, "the head of %s…: the node holds seq "
			    "%llu (fork %llu), the replay seq %llu (fork "
			    "%llu)", hex8(h, a->author[i].key),
			    (unsigned long long)(e1 == CL_OK ? hn.seq : 0),
			    (unsigned long long)(e1 == CL_OK ? hn.fork_seq :
			    0), (unsigned long long)(e2 == CL_OK ? hr.seq : 0),
			    (unsigned long long)(e2 == CL_OK ? hr.fork_seq :
			    0));
	}
	return statuses(x, &x->main, node);
}

/* Copy a string of an event (not NUL-terminated) as a C string. */
static char *
dup_str(const struct cl_str *s)
{
	char	*p;

	if (s->len == 0 || (p = malloc((size_t)s->len + 1)) == NULL)
		return NULL;
	memcpy(p, s->ptr, s->len);
	p[s->len] = '\0';
	return p;
}

/* Decode the event at position pos of r into ev (cl_ev_free() it). */
static cl_err
rep_event(struct rep *r, uint64_t pos, struct cl_event *ev)
{
	uint8_t	*b;
	size_t	 len;
	cl_err	 err;

	cl_ev_init(ev);
	if ((err = cl_ledger_event_at(&r->l, pos, &b, &len)) != CL_OK)
		return err;
	err = cl_ev_decode(ev, b, len, NULL);
	free(b);
	return err;
}

/* Authorities first, then issuers; each by key. */
static int
cmp_author(const void *p, const void *q)
{
	const struct cl_audit_author	*a = p, *b = q;

	if (a->authority != b->authority)
		return a->authority ? -1 : 1;
	return memcmp(a->key, b->key, CL_PK_LEN);
}

/*
 * Names, heads and forks of the authors, in report order.  After the
 * statuses: the author indexes of x->main.cred are stale once sorted.
 */
static cl_err
authors(struct ctx *x)
{
	struct cl_audit		*a = x->a;
	struct cl_audit_author	*au;
	struct cl_event		 ev;
	struct cl_head		 h;
	uint8_t			 id[CL_ID_LEN];
	uint64_t		 pos;
	size_t			 i;
	int			 k;
	cl_err			 err;

	if (a->author_cnt > 1) {
		qsort(a->author, a->author_cnt, sizeof(*a->author),
		    cmp_author);
		if ((err = atab_rehash(a, &x->at, x->at.nslot)) != CL_OK)
			return fail(x, err, "the audit");
	}
	for (i = 0; i < a->author_cnt; i++) {
		au = &a->author[i];
		if ((err = cl_ledger_head(&x->main.l, au->key, &h)) != CL_OK &&
		    err != CL_ENOTFOUND)
			return fail(x, err, "heads");
		au->head_seq = err == CL_OK ? h.seq : 0;
		au->fork_seq = err == CL_OK ? h.fork_seq : 0;
		if (au->fork_seq != 0 && cl_ledger_feed_at(&x->main.l, au->key,
		    au->fork_seq, id, &pos) == CL_OK && pos < x->main.map_cnt)
			au->fork_pos[0] = x->main.map[pos];
		if ((k = cl_genesis_find(&a->g, au->key)) >= 0) {
			au->name = dup_str(&a->g.auth[k].org);
			au->country = dup_str(&a->g.auth[k].country);
			continue;
		}
		if (cl_ledger_accredit_pos(&x->main.l, au->key, &pos) !=
		    CL_OK || rep_event(&x->main, pos, &ev) != CL_OK)
			continue;
		if (ev.type == CL_EV_ACCREDIT) {
			au->name = dup_str(&ev.body.accredit.name);
			au->country = dup_str(&ev.body.accredit.country);
			au->org_id = dup_str(&ev.body.accredit.org_id);
		}
		cl_ev_free(&ev);
	}
	return CL_OK;
}

static void
ineffective_add(struct ctx *x, uint64_t spos, const char *why)
{
	struct cl_audit		*a = x->a;
	struct cl_audit_ev	 e;
	struct cl_event		 ev;
	uint8_t			 id[CL_ID_LEN];

	a->ineffective_total++;
	if (a->ineffective_cnt >= CL_AUDIT_LIST_MAX ||
	    spos >= x->main.map_cnt)
		return;
	if (rep_event(&x->main, spos, &ev) != CL_OK)
		return;
	if (cl_ev_id(&ev, a->g.netid, id) != CL_OK)
		memset(id, 0, sizeof(id));
	ev_from(&e, x->main.map[spos], &ev, id);
	e.why = why;
	cl_ev_free(&ev);
	if (push_room(&a->ineffective, a->ineffective_cnt, sizeof(e)) ==
	    CL_OK)
		a->ineffective[a->ineffective_cnt++] = e;
}

/* Why an author's event at seq has no effect under window w; or NULL. */
static const char *
why_ineffective(const struct cl_window *w, uint64_t seq)
{
	if (seq < w->from)
		return w->from == UINT64_MAX ? "no counted ACCREDIT names its "
		    "author" : "before its author's accreditation (from_seq)";
	if (seq > w->after)
		return "issued after its author's withdrawal point";
	if (seq >= w->fork)
		return "at or past its feed's fork point";
	return NULL;
}

/*
 * Events the rules hold but that have no effect (PROTOCOL.md §5.1): an
 * issuer's before the first seq an ACCREDIT covers or after its
 * withdrawal point, and any author's chain events at or past its fork
 * point.  They are the feed's seqs [1, from) and [min(after + 1, fork),
 * head]; only those are read.
 */
static cl_err
ineffective(struct ctx *x)
{
	struct cl_audit		*a = x->a;
	struct cl_audit_author	*au;
	struct cl_window	 w;
	uint8_t			 id[CL_ID_LEN];
	uint64_t		 seq, pos, tail;
	const char		*why;
	size_t			 i;
	cl_err			 err;

	for (i = 0; i < a->author_cnt; i++) {
		au = &a->author[i];
		cl_window_init(&w);
		if (au->authority)
			cl_window_accredit(&w, 1);
		else if ((err = cl_ledger_window(&x->main.l, au->key, &w)) !=
		    CL_OK)
			return fail(x, err, "windows");
		if (au->fork_seq != 0)
			w.fork = au->fork_seq;
		tail = w.after < w.fork - 1 ? w.after + 1 : w.fork;
		for (seq = 1; seq <= au->head_seq; seq++) {
			if ((why = why_ineffective(&w, seq)) == NULL) {
				if (tail == UINT64_MAX || tail <= seq)
					break;
				seq = tail - 1;		/* the loop adds 1 */
				continue;
			}
			if ((err = cl_ledger_feed_at(&x->main.l, au->key, seq,
			    id, &pos)) != CL_OK)
				return fail(x, err, "feeds");
			ineffective_add(x, pos, why);
		}
	}
	return CL_OK;
}

/* --credential: its status at a clock, and the events deciding it. */
static cl_err
credential(struct ctx *x, struct rep *r)
{
	struct cl_audit_clock	*c = r->clock;
	struct cl_cred_answer	 ans;
	struct cl_event		 ev;
	uint8_t			 id[CL_ID_LEN];
	uint32_t		 k;
	cl_err			 err;

	c->status_ev = UINT32_MAX;
	if ((err = cl_ledger_credential(&r->l, x->o->cred, c->at, &ans)) !=
	    CL_OK)
		return fail(x, err, "the scratch store in %s", r->dir);
	c->status = ans.status;
	c->void_reason = ans.void_reason;
	c->proof_cnt = 0;
	for (k = 0; k < ans.proof_cnt; k++) {
		if (ans.proof[k] >= r->map_cnt ||
		    rep_event(r, ans.proof[k], &ev) != CL_OK)
			continue;
		if (cl_ev_id(&ev, x->a->g.netid, id) != CL_OK)
			memset(id, 0, sizeof(id));
		if (ans.proof[k] == ans.status_pos)
			c->status_ev = c->proof_cnt;
		ev_from(&c->proof[c->proof_cnt++], r->map[ans.proof[k]], &ev,
		    id);
		cl_ev_free(&ev);
	}
	return CL_OK;
}

static int
cmp_id(const void *p, const void *q)
{
	const struct cmpent	*a = p, *b = q;
	int			 d = memcmp(a->id, b->id, CL_ID_LEN);

	if (d != 0)
		return d;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* One of a sorted list, once: the first of equal ids. */
static size_t
dedup(struct cmpent *e, size_t n)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++)
		if (k == 0 || memcmp(e[k - 1].id, e[i].id, CL_ID_LEN) != 0)
			e[k++] = e[i];
	return k;
}

static void
lack_add(struct cl_audit_ev **list, size_t *cnt, uint64_t *total,
    const struct cmpent *c)
{
	struct cl_audit_ev	e;

	(*total)++;
	if (*cnt >= CL_AUDIT_LIST_MAX ||
	    push_room(list, *cnt, sizeof(e)) != CL_OK)
		return;
	memset(&e, 0, sizeof(e));
	e.pos = c->pos;
	e.decoded = true;
	e.type = c->type;
	memcpy(e.author, c->author, CL_PK_LEN);
	e.seq = c->seq;
	e.time = c->time;
	memcpy(e.id, c->id, CL_ID_LEN);
	(*list)[(*cnt)++] = e;
}

/* --compare: the events of the other log, by id, against this one's. */
static cl_err
compare(struct ctx *x)
{
	struct cl_audit		*a = x->a;
	struct cl_audit_finding	 f;
	struct src		 s;
	struct cmpent		*o = NULL, *c;
	struct cl_event		 ev;
	const uint8_t		*g, *p;
	struct stat		 st;
	size_t			 glen, len, n = 0, cap = 0, i, j, m;
	bool			 dir;
	cl_err			 err;

	dir = stat(x->o->compare, &st) == 0 && S_ISDIR(st.st_mode);
	if ((err = src_open(x, &s, dir ? NULL : x->o->compare,
	    dir ? x->o->compare : NULL, &g, &glen)) != CL_OK) {
		src_close(&s);
		return err;
	}
	if (glen != a->g.raw_len || memcmp(g, a->g.raw, glen) != 0) {
		src_close(&s);
		return fail(x, CL_ENETWORK, "%s: another genesis: the logs "
		    "are of different networks", x->o->compare);
	}
	while ((err = src_next(&s, NULL, &p, &len)) == CL_OK) {
		a->other_size++;
		if (cl_ev_decode(&ev, p, len, NULL) != CL_OK)
			continue;
		if (grow(&o, &cap, n + 1, sizeof(*o)) != CL_OK) {
			cl_ev_free(&ev);
			err = CL_ENOMEM;
			break;
		}
		c = &o[n];
		if (cl_ev_id(&ev, a->g.netid, c->id) == CL_OK) {
			memcpy(c->author, ev.author, CL_PK_LEN);
			c->pos = s.next - 1;
			c->seq = ev.seq;
			c->time = ev.time;
			c->type = (uint8_t)ev.type;
			n++;
		}
		cl_ev_free(&ev);
	}
	a->other_broken = s.broken;
	src_close(&s);
	if (err != CL_ENOTFOUND) {
		free(o);
		return fail(x, err, "reading %s", x->o->compare);
	}
	if (n > 0)
		qsort(o, n, sizeof(*o), cmp_id);
	if (x->cmp_cnt > 0)
		qsort(x->cmp, x->cmp_cnt, sizeof(*x->cmp), cmp_id);
	n = dedup(o, n);
	m = dedup(x->cmp, x->cmp_cnt);
	for (i = j = 0; i < m || j < n;) {
		int d = i == m ? 1 : j == n ? -1 :
		    memcmp(x->cmp[i].id, o[j].id, CL_ID_LEN);

		if (d < 0)
			lack_add(&a->only_here, &a->only_here_cnt,
			    &a->only_here_total, &x->cmp[i++]);
		else if (d > 0)
			lack_add(&a->only_there, &a->only_there_cnt,
			    &a->only_there_total, &o[j++]);
		else
			i++, j++;
	}
	free(o);
	a->compared = true;
	if (a->only_here_total == 0 && a->only_there_total == 0)
		return CL_OK;
	memset(&f, 0, sizeof(f));
	f.kind = CL_AUDIT_COMPARE;
	f.ev.pos = CL_AUDIT_NOPOS;
	(void)snprintf(f.what, sizeof(f.what), "the logs hold different "
	    "events: %s lacks %llu of this log's, this log lacks %llu of "
	    "its", x->o->compare, (unsigned long long)a->only_here_total,
	    (unsigned long long)a->only_there_total);
	finding_add(a, &f);
	return CL_OK;
}

/* Setting up. */

/* A checkpoint's size and index, to sort them by size. */
struct cksort {
	uint64_t	size;
	size_t		idx;
};

static int
cmp_ck(const void *p, const void *q)
{
	const struct cksort	*a = p, *b = q;

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The checkpoints: signatures and networks now, roots during the pass. */
static cl_err
checkpoints(struct ctx *x)
{
	struct cl_audit		*a = x->a;
	struct cl_audit_ckpt	*c;
	struct cl_audit_finding	 f;
	struct cksort		*o;
	size_t			 i, k;

	x->wck = SIZE_MAX;
	if (a->ckpt_cnt == 0)
		return CL_OK;
	if ((x->ck_order = calloc(a->ckpt_cnt, sizeof(*x->ck_order))) ==
	    NULL || (o = calloc(a->ckpt_cnt, sizeof(*o))) == NULL)
		return fail(x, CL_ENOMEM, "the audit");
	for (i = 0; i < a->ckpt_cnt; i++)
		o[i] = (struct cksort){ a->ckpt[i].c.size, i };
	qsort(o, a->ckpt_cnt, sizeof(*o), cmp_ck);
	for (i = 0; i < a->ckpt_cnt; i++)
		x->ck_order[i] = o[i].idx;
	free(o);
	for (i = 0; i < a->ckpt_cnt; i++) {
		c = &a->ckpt[i];
		memset(&f, 0, sizeof(f));
		f.kind = CL_AUDIT_CHECKPOINT;
		f.ev.pos = CL_AUDIT_NOPOS;
		f.ck = i;
		if (cl_checkpoint_verify(&c->c) != CL_OK) {
			c->verdict = CL_AUDIT_CK_BADSIG;
			(void)snprintf(f.what, sizeof(f.what), "%s: its "
			    "signature does not verify", c->source);
		} else if (sodium_memcmp(c->c.network, a->g.netid,
		    CL_ID_LEN) != 0) {
			c->verdict = CL_AUDIT_CK_NETWORK;
			(void)snprintf(f.what, sizeof(f.what), "%s: a "
			    "checkpoint of another network", c->source);
		} else
			continue;
		finding_add(a, &f);
	}
	/* --as-of: the latest good-looking checkpoint at or before it */
	for (k = 0; x->o->as_of_set && k < a->ckpt_cnt; k++) {
		c = &a->ckpt[k];
		if (c->verdict != CL_AUDIT_CK_UNCHECKED ||
		    c->c.time > x->o->as_of)
			continue;
		if (x->wck == SIZE_MAX || c->c.time > a->ckpt[x->wck].c.time ||
		    (c->c.time == a->ckpt[x->wck].c.time &&
		    c->c.size > a->ckpt[x->wck].c.size))
			x->wck = k;
	}
	ck_reached(x);		/* size 0 */
	return CL_OK;
}

/* With --data, the checkpoints the node kept are checked too. */
static cl_err
node_checkpoints(struct ctx *x)
{
	struct cl_audit		*a = x->a;
	struct cl_checkpoint	*buf;
	uint64_t		 from = 0;
	uint32_t		 cnt, i;
	bool			 more = true;
	cl_err			 err = CL_OK;

	if ((buf = calloc(CL_CHECKPOINTS_MAX, sizeof(*buf))) == NULL)
		return fail(x, CL_ENOMEM, "the audit");
	while (more && err == CL_OK) {
		if ((err = cl_ledger_checkpoints(&x->src.l, from, buf,
		    CL_CHECKPOINTS_MAX, &cnt, &more)) != CL_OK)
			break;
		if (cnt == 0)
			break;
		for (i = 0; i < cnt && err == CL_OK; i++) {
			if (push_room(&a->ckpt, a->ckpt_cnt,
			    sizeof(*a->ckpt)) != CL_OK) {
				err = CL_ENOMEM;
				break;
			}
			memset(&a->ckpt[a->ckpt_cnt], 0, sizeof(*a->ckpt));
			a->ckpt[a->ckpt_cnt].c = buf[i];
			a->ckpt[a->ckpt_cnt++].source = "kept by the node";
		}
		if (buf[cnt - 1].time == UINT64_MAX)
			break;
		from = buf[cnt - 1].time + 1;
	}
	free(buf);
	if (err != CL_OK)
		return fail(x, err, "the node's checkpoints");
	return CL_OK;
}

static cl_err
setup(struct ctx *x)
{
	const struct cl_audit_opts	*o = x->o;
	struct cl_audit			*a = x->a;
	struct cl_where			 where = { NULL };
	const uint8_t			*g;
	const char			*tmp;
	struct stat			 st;
	uint64_t			 total;
	size_t				 glen, i;
	unsigned			 n;
	cl_err				 err;

	if ((err = src_open(x, &x->src, o->file, o->data, &g, &glen)) !=
	    CL_OK)
		return err;
	x->src.more = o->more;
	x->src.more_cnt = o->file != NULL ? o->more_cnt : 0;
	if ((err = cl_genesis_decode(&a->g, g, glen, &where)) != CL_OK) {
		(void)snprintf(x->why, x->why_cap, "the log's genesis record "
		    "is not a genesis file: %s: %s", where.field != NULL ?
		    where.field : "genesis", cl_strerror(err));
		return err;
	}
	a->genesis_trusted = o->trusted != NULL && o->trusted_len == glen &&
	    memcmp(o->trusted, g, glen) == 0;
	if (o->ckpt_cnt > 0) {
		if ((a->ckpt = calloc(o->ckpt_cnt, sizeof(*a->ckpt))) == NULL)
			return fail(x, CL_ENOMEM, "the audit");
		memcpy(a->ckpt, o->ckpt, o->ckpt_cnt * sizeof(*a->ckpt));
		a->ckpt_cnt = a->ckpt_given = o->ckpt_cnt;
	}
	if (o->data != NULL && (err = node_checkpoints(x)) != CL_OK)
		return err;
	randombytes_buf(x->at.key, sizeof(x->at.key));
	tmp = o->scratch != NULL ? o->scratch : getenv("TMPDIR");
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	if (snprintf(x->base, sizeof(x->base), "%s/credledger-audit-XXXXXX",
	    tmp) >= (int)sizeof(x->base))
		return fail(x, CL_EIO, "scratch path too long: %s", tmp);
	if (mkdtemp(x->base) == NULL)
		return fail(x, CL_EIO, "cannot make a scratch directory in "
		    "%s", tmp);
	x->base_made = true;
	a->log.at = o->now;
	a->authors.at = a->witnessed.at = o->as_of;
	a->witnessed.ckpt = SIZE_MAX;
	if ((err = rep_open(x, &x->main, "log", &a->log)) != CL_OK)
		return err;
	if ((err = checkpoints(x)) != CL_OK)
		return err;
	if (o->as_of_set &&
	    (err = rep_open(x, &x->auth, "authors", &a->authors)) != CL_OK)
		return err;
	if (o->as_of_set && x->wck != SIZE_MAX) {
		a->witnessed.ckpt = x->wck;
		if ((err = rep_open(x, &x->wit, "witnessed", &a->witnessed)) !=
		    CL_OK)
			return err;
	}
	if ((err = slot_init(&x->slot[0])) != CL_OK ||
	    (err = slot_init(&x->slot[1])) != CL_OK)
		return fail(x, err, "the audit");
	n = o->threads != 0 ? o->threads : CL_AUDIT_THREADS;
	if (n > THREADS_MAX)
		n = THREADS_MAX;
	if ((err = pool_start(&x->pool, n, a->g.netid)) != CL_OK)
		return fail(x, err, "cannot start the workers");
	total = x->src.is_file ? x->src.r.size : x->src.l.log_size;
	for (i = 0; i < x->src.more_cnt; i++)
		if (stat(o->more[i], &st) == 0)
			total += (uint64_t)st.st_size;
	cl_progress_init(&x->pr, "audit", total, o->quiet);
	return CL_OK;
}

/* Adopt the STATE findings of the last round; drop them otherwise. */
static void
tmp_commit(struct ctx *x, bool keep)
{
	size_t	i;

	for (i = 0; keep && i < x->tmp_cnt; i++)
		finding_add(x->a, &x->tmp[i]);
	if (keep && x->tmp_total > x->tmp_cnt)
		x->a->f_total += x->tmp_total - x->tmp_cnt;
	x->tmp_cnt = 0;
	x->tmp_total = 0;
}

/* The replay, and with --data the node's state, until it holds still. */
static cl_err
replay(struct ctx *x)
{
	struct cl_audit	*a = x->a;
	struct cl_audit_author *au;
	uint8_t		*b;
	size_t		 len, i;
	unsigned	 round;
	cl_err		 err;

	for (round = 0;; round++) {
		if ((err = pass(x)) != CL_OK)
			return err;
		fr_root(&x->fr, a->root);
		if ((err = clock_sum(x, &x->main)) != CL_OK)
			return err;
		for (i = 0; i < a->author_cnt; i++) {
			au = &a->author[i];
			au->credentials = 0;
			memset(au->by_status, 0, sizeof(au->by_status));
		}
		if (x->o->data == NULL)
			return statuses(x, &x->main, NULL);
		if ((err = state_compare(x)) != CL_OK)
			return err;
		/*
		 * The log only grows: if nothing is at the next position
		 * now, nothing was while the indexes were read, and they
		 * were all of this log.
		 */
		err = cl_ledger_event_at(&x->src.l, x->src.next, &b, &len);
		free(b);
		if (err == CL_ENOTFOUND) {
			a->state_checked = true;
			tmp_commit(x, true);
			return CL_OK;
		}
		if (err != CL_OK)
			return fail(x, err, "the node's store");
		tmp_commit(x, false);
		if (round + 1 == CL_AUDIT_CATCHUP_MAX) {
			a->state_moving = true;
			return CL_OK;
		}
	}
}

cl_err
cl_audit_run(const struct cl_audit_opts *o, struct cl_audit *a, char *why,
    size_t cap)
{
	struct ctx		 x;
	struct cl_audit_finding	 f;
	struct cl_audit_ckpt	*c;
	double			 t0 = cl_progress_now();
	size_t			 i;
	cl_err			 err;

	memset(a, 0, sizeof(*a));
	memset(&x, 0, sizeof(x));
	a->o = o;
	x.o = o;
	x.a = a;
	x.why = why;
	x.why_cap = cap;
	if (why != NULL && cap > 0)
		why[0] = '\0';
	if ((err = setup(&x)) != CL_OK)
		goto out;
	if (o->trusted != NULL && !a->genesis_trusted) {
		/* under another genesis nothing the log says is checked */
		memset(&f, 0, sizeof(f));
		f.kind = CL_AUDIT_GENESIS;
		f.ev.pos = CL_AUDIT_NOPOS;
		(void)snprintf(f.what, sizeof(f.what), "the log is of another "
		    "network than the trusted genesis");
		finding_add(a, &f);
		goto out;
	}
	if ((err = replay(&x)) != CL_OK)
		goto out;
	cl_progress_end(&x.pr);
	for (i = 0; i < a->ckpt_cnt; i++) {
		c = &a->ckpt[i];
		if (c->verdict != CL_AUDIT_CK_UNCHECKED)
			continue;
		c->verdict = CL_AUDIT_CK_BEYOND;
		memset(&f, 0, sizeof(f));
		f.kind = CL_AUDIT_CHECKPOINT;
		f.ev.pos = CL_AUDIT_NOPOS;
		f.ck = i;
		(void)snprintf(f.what, sizeof(f.what), "%s: it covers %llu "
		    "events, the log holds %llu: events it covered were "
		    "dropped", c->source, (unsigned long long)c->c.size,
		    (unsigned long long)a->log_size);
		finding_add(a, &f);
	}
	if ((err = authors(&x)) != CL_OK || (err = ineffective(&x)) != CL_OK)
		goto out;
	if (x.auth.open && ((err = clock_sum(&x, &x.auth)) != CL_OK ||
	    (err = statuses(&x, &x.auth, NULL)) != CL_OK))
		goto out;
	if (x.wit.open && ((err = clock_sum(&x, &x.wit)) != CL_OK ||
	    (err = statuses(&x, &x.wit, NULL)) != CL_OK))
		goto out;
	if (o->cred_set && ((err = credential(&x, &x.main)) != CL_OK ||
	    (x.auth.open && (err = credential(&x, &x.auth)) != CL_OK) ||
	    (x.wit.open && (err = credential(&x, &x.wit)) != CL_OK)))
		goto out;
	if (o->compare != NULL && (err = compare(&x)) != CL_OK)
		goto out;
out:
	cl_progress_end(&x.pr);
	pool_stop(&x.pool);
	slot_free(&x.slot[0]);
	slot_free(&x.slot[1]);
	rep_close(&x.main);
	rep_close(&x.auth);
	rep_close(&x.wit);
	src_close(&x.src);
	if (x.base_made)
		rm_dir(x.base, 1);
	free(x.ck_order);
	free(x.at.slot);
	free(x.cmp);
	free(x.tmp);
	a->total_s = cl_progress_now() - t0;
	if (err != CL_OK && why != NULL && cap > 0 && why[0] == '\0')
		(void)snprintf(why, cap, "%s", cl_strerror(err));
	return err;
}

void
cl_audit_free(struct cl_audit *a)
{
	size_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < a->author_cnt; i++) {
		free(a->author[i].name);
		free(a->author[i].country);
		free(a->author[i].org_id);
	}
	free(a->author);
	free(a->ineffective);
	free(a->f);
	free(a->ckpt);
	free(a->only_here);
	free(a->only_there);
	cl_genesis_free(&a->g);
	memset(a, 0, sizeof(*a));
}

int
cl_audit_exit(const struct cl_audit *a)
{
	return a->f_total > 0 ? 1 : 0;
}

const char *
cl_audit_ck_name(enum cl_audit_ck v)
{
	switch (v) {
	case CL_AUDIT_CK_OK:
		return "holds";
	case CL_AUDIT_CK_BADSIG:
		return "bad signature";
	case CL_AUDIT_CK_NETWORK:
		return "another network";
	case CL_AUDIT_CK_BEYOND:
		return "covers more than the log";
	case CL_AUDIT_CK_ROOT:
		return "another root: the log was rewritten";
	default:
		return "not checked";
	}
}

void
cl_audit_finding_text(const struct cl_audit_finding *f, char *out,
    size_t cap)
{
	switch (f->kind) {
	case CL_AUDIT_REJECTED:
		(void)snprintf(out, cap, "rejected: %s%s%s%s",
		    cl_strerror(f->err), f->field != NULL ? " (" : "",
		    f->field != NULL ? f->field : "",
		    f->field != NULL ? ")" : "");
		break;
	case CL_AUDIT_ORDER:
		switch (f->acc) {
		case CL_ACC_DUPLICATE:
			(void)snprintf(out, cap, "duplicate: the log holds "
			    "this event already");
			break;
		case CL_ACC_GAP:
			(void)snprintf(out, cap, "gap: its feed stands at seq "
			    "%llu here, events before it are missing",
			    (unsigned long long)f->head_seq);
			break;
		case CL_ACC_PREV_MISMATCH:
			(void)snprintf(out, cap, "prev_mismatch: it does not "
			    "follow its feed's event at seq %llu",
			    (unsigned long long)f->head_seq);
			break;
		case CL_ACC_UNKNOWN_AUTHOR:
			(void)snprintf(out, cap, "unknown_author: no ACCREDIT "
			    "before it names its author");
			break;
		default:
			(void)snprintf(out, cap, "%s: a node does not store "
			    "this event here", cl_accept_name(f->acc));
			break;
		}
		break;
	case CL_AUDIT_FILE:
		(void)snprintf(out, cap, "damaged file: %s", f->what);
		break;
	default:
		(void)snprintf(out, cap, "%s", f->what);
		break;
	}
}
