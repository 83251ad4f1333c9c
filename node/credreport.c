/* SPDX-License-Identifier: Apache-2.0 */
/* A checked credential, a DEFINE and a node's status, as JSON. */
#include "credreport.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "canon.h"
#include "date.h"
#include "hex.h"
#include "limits.h"
#include "status.h"
#include "wire.h"

static const char *const sup_names[] = {
	[CL_SUP_NONE] = "none", [CL_SUP_NO_ID] = "supervised",
	[CL_SUP_ONLINE_ID] = "online-id", [CL_SUP_ONSITE_ID] = "onsite-id",
};

const char *
cl_supervision_name(uint64_t sup)
{
	return sup >= CL_SUP_NONE && sup <= CL_SUP_MAX ? sup_names[sup] : "?";
}

static void
report_check(struct cl_report *r, const struct cl_genesis *g,
    const uint8_t *id, bool online, unsigned node_status, unsigned node_void,
    const uint8_t *bundle, size_t len, uint64_t now, bool held)
{
	struct cl_where	where = { NULL };

	memset(r, 0, sizeof(*r));
	memcpy(r->id, id, CL_ID_LEN);
	r->g = g;
	r->online = online;
	r->node_status = node_status;
	r->node_void = node_void;
	if (bundle == NULL) {
		/* "unknown" is the one answer that rests on nothing */
		if (online && node_status == CL_ST_UNKNOWN)
			return;
		r->err = CL_EBUNDLE;
		(void)snprintf(r->why, sizeof(r->why), "the node gave no "
		    "proof for its answer");
		return;
	}
	r->err = held ?
	    cl_bundle_check_held(&r->b, g, bundle, len, id, now, &where) :
	    cl_bundle_check(&r->b, g, bundle, len, id, now, &where);
	if (r->err != CL_OK) {
		(void)snprintf(r->why, sizeof(r->why), "the proof does not "
		    "check: %s%s%s", cl_strerror(r->err),
		    where.field != NULL ? ": " : "",
		    where.field != NULL ? where.field : "");
		return;
	}
	r->checked = true;
	if (online && r->b.result.status != node_status) {
		r->err = CL_EBUNDLE;
		(void)snprintf(r->why, sizeof(r->why), "the node says %s, "
		    "its proof says %s", cl_status_name(node_status),
		    cl_status_name(r->b.result.status));
	}
}

void
cl_report_check(struct cl_report *r, const struct cl_genesis *g,
    const uint8_t id[static CL_ID_LEN], bool online, unsigned node_status,
    unsigned node_void, const uint8_t *bundle, size_t len, uint64_t now)
{
	report_check(r, g, id, online, node_status, node_void, bundle, len,
	    now, false);
}

void
cl_report_check_held(struct cl_report *r, const struct cl_genesis *g,
    const uint8_t id[static CL_ID_LEN], unsigned node_status,
    unsigned node_void, const uint8_t *bundle, size_t len, uint64_t now)
{
	report_check(r, g, id, true, node_status, node_void, bundle, len, now,
	    true);
}

unsigned
cl_report_status(const struct cl_report *r)
{
	if (r->checked)
		return r->b.result.status;
	return r->online ? r->node_status : CL_ST_UNKNOWN;
}

void
cl_report_free(struct cl_report *r)
{
	if (r == NULL)
		return;
	cl_bundle_free(&r->b);
	r->checked = false;
}

static const struct cl_event *
at(const struct cl_report *r, int i)
{
	return i >= 0 ? &r->b.ev[i] : NULL;
}

void
cl_report_view(const struct cl_report *r, struct cl_report_view *v)
{
	const struct cl_event	*e;
	uint32_t		 i;
	int			 a;

	memset(v, 0, sizeof(*v));
	v->status = cl_report_status(r);
	if (!r->checked)
		return;
	v->is = at(r, r->b.issue);
	v->def = at(r, r->b.define);
	v->acc = at(r, r->b.accredit);
	v->chg = at(r, r->b.last_change);
	for (i = 0; i < r->b.ev_cnt; i++) {
		e = &r->b.ev[i];
		if (e->type == CL_EV_WITHDRAW &&
		    memcmp(e->body.withdraw.issuer, v->is->author,
		    CL_PK_LEN) == 0 && cl_genesis_find(r->g, e->author) >= 0 &&
		    (v->wd == NULL || e->body.withdraw.after_seq <
		    v->wd->body.withdraw.after_seq))
			v->wd = e;
	}
	if (v->acc != NULL && (a = cl_genesis_find(r->g, v->acc->author)) >= 0)
		v->by = &r->g->auth[a];
	/* the ISSUE's seq is in the issuer's window (PROTOCOL.md 5.2) */
	v->accredited = v->acc != NULL &&
	    v->status != CL_ST_ISSUER_WITHDRAWN &&
	    !(v->status == CL_ST_VOID &&
	    r->b.result.void_reason == CL_VOID_NOT_ACCREDITED);
}

const struct cl_str *
cl_report_title(const struct cl_define *d)
{
	uint32_t	i;

	for (i = 0; i < d->title_cnt; i++)
		if (d->title[i].lang.len == 2 &&
		    memcmp(d->title[i].lang.ptr, "en", 2) == 0)
			return &d->title[i].text;
	return d->title_cnt > 0 ? &d->title[0].text : NULL;
}

void
cl_report_ects_text(char *out, size_t cap, uint64_t h)
{
	unsigned long long	w = h / 100, f = h % 100;

	if (f == 0)
		(void)snprintf(out, cap, "%llu", w);
	else if (f % 10 == 0)
		(void)snprintf(out, cap, "%llu.%llu", w, f / 10);
	else
		(void)snprintf(out, cap, "%llu.%02llu", w, f);
}

static bool
zero_id(const uint8_t *b)
{
	static const uint8_t	zero[CL_ID_LEN];

	return memcmp(b, zero, CL_ID_LEN) == 0;
}

/* JSON.  json_object_set_new() fails for a NULL value: one check. */

static json_t *
jhex(const uint8_t *b, size_t len)
{
	char	hex[2 * CL_ID_LEN + 1];

	cl_hex_encode(hex, b, len);
	return json_string(hex);
}

static json_t *
jstr(const struct cl_str *s)
{
	return s->len > 0 ? json_stringn(s->ptr, s->len) : json_null();
}

static bool
set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) == 0;
}

/* Give key a value (null, or []) where the DEFINE left it absent. */
static bool
set_absent(json_t *o, const char *key, bool list)
{
	if (json_object_get(o, key) != NULL)
		return true;
	return set(o, key, list ? json_array() : json_null());
}

static json_t *
j_issuer(const struct cl_report_view *v)
{
	const struct cl_accredit	*ac;
	json_t				*o, *by;
	bool				 ok;

	if ((o = json_object()) == NULL)
		return NULL;
	ok = set(o, "key", jhex(v->is->author, CL_PK_LEN)) &&
	    set(o, "accredited", json_boolean(v->accredited)) &&
	    set(o, "withdrawn_after_seq", v->wd != NULL ?
	    json_integer((json_int_t)v->wd->body.withdraw.after_seq) :
	    json_null());
	if (v->acc == NULL)
		ok = ok && set(o, "name", json_null()) &&
		    set(o, "country", json_null()) &&
		    set(o, "org_id", json_null()) &&
		    set(o, "accredited_by", json_null());
	else {
		/* by belongs to o as soon as it exists */
		ac = &v->acc->body.accredit;
		ok = ok && set(o, "name", jstr(&ac->name)) &&
		    set(o, "country", jstr(&ac->country)) &&
		    set(o, "org_id", jstr(&ac->org_id)) &&
		    (by = json_object()) != NULL &&
		    set(o, "accredited_by", by) &&
		    set(by, "key", jhex(v->acc->author, CL_PK_LEN)) &&
		    set(by, "name", v->by != NULL ? jstr(&v->by->org) :
		    json_null()) &&
		    set(by, "country", v->by != NULL ?
		    jstr(&v->by->country) : json_null()) &&
		    set(by, "from_seq",
		    json_integer((json_int_t)ac->from_seq));
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
j_achievement(const struct cl_report_view *v)
{
	const struct cl_str	*t = NULL;
	json_t			*o = NULL, *titles;
	bool			 ok;

	if (v->def == NULL)
		o = json_object();
	else if (cl_achievement_to_json(v->def->body.define, &o) != CL_OK)
		return NULL;
	if (o == NULL)
		return NULL;
	/* all titles under "titles", the one shown under "title" */
	ok = (titles = json_object_get(o, "title")) == NULL ||
	    json_object_set(o, "titles", titles) == 0;
	if (v->def != NULL)
		t = cl_report_title(v->def->body.define);
	ok = ok && set(o, "id", jhex(v->is->body.issue.achievement,
	    CL_ID_LEN)) && set(o, "title", t != NULL ? jstr(t) :
	    json_null()) && set_absent(o, "eqf", false) &&
	    set_absent(o, "ects", false) &&
	    set_absent(o, "learning_outcomes", true) &&
	    set_absent(o, "esco_skills", true);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * The compact writer.  It writes what json_dumpb() with JSON_COMPACT
 * writes for the same values: no spaces, strings escaped as jansson
 * escapes them (the two quote characters, and control characters as \b
 * \f \n \r \t or \u00XX; the rest, UTF-8 included, as it is), integers
 * in decimal, and nested objects as jansson dumps them.
 */

void
cl_report_out_free(struct cl_report_out *o)
{
	if (o == NULL)
		return;
	free(o->ptr);
	memset(o, 0, sizeof(*o));
}

bool
cl_report_out_room(struct cl_report_out *o, size_t n)
{
	size_t	 cap;
	char	*p;

	if (o->err != CL_OK)
		return false;
	if (n <= o->cap - o->len)
		return true;
	if (n > SIZE_MAX / 2 - o->len) {
		o->err = CL_ENOMEM;
		return false;
	}
	for (cap = o->cap > 0 ? o->cap : 4096; cap - o->len < n; cap *= 2)
		;
	if ((p = realloc(o->ptr, cap)) == NULL) {
		o->err = CL_ENOMEM;
		return false;
	}
	o->ptr = p;
	o->cap = cap;
	return true;
}

void
cl_report_out_raw(struct cl_report_out *o, const void *b, size_t n)
{
	if (!cl_report_out_room(o, n))
		return;
	memcpy(o->ptr + o->len, b, n);
	o->len += n;
}


/* A literal: keys with their separators, null, true, false. */
static void
w_lit(struct cl_report_out *o, const char *s)
{
	cl_report_out_raw(o, s, strlen(s));
}

static void
w_str(struct cl_report_out *o, const char *s, size_t n)
{
	static const char	 xd[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)s, *end = p + n;
	const unsigned char	*run;
	char			 esc[6] = { '\\', 'u', '0', '0' };

	/* what json_stringn() refuses; the rest, UTF-8 included, as it is */
	if (!cl__utf8_valid(s, n)) {
		if (o->err == CL_OK)
			o->err = CL_EBADUTF8;
		return;
	}
	cl_report_out_raw(o, "\"", 1);
	while (p < end && o->err == CL_OK) {
		for (run = p; p < end && *p >= 0x20 && *p != '"' &&
		    *p != '\\'; p++)
			;
		cl_report_out_raw(o, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		switch (*p) {
		case '"':
			cl_report_out_raw(o, "\\\"", 2);
			break;
		case '\\':
			cl_report_out_raw(o, "\\\\", 2);
			break;
		case '\b':
			cl_report_out_raw(o, "\\b", 2);
			break;
		case '\f':
			cl_report_out_raw(o, "\\f", 2);
			break;
		case '\n':
			cl_report_out_raw(o, "\\n", 2);
			break;
		case '\r':
			cl_report_out_raw(o, "\\r", 2);
			break;
		case '\t':
			cl_report_out_raw(o, "\\t", 2);
			break;
		default:
			esc[4] = xd[*p >> 4];
			esc[5] = xd[*p & 0xf];
			cl_report_out_raw(o, esc, sizeof(esc));
			break;
		}
		p++;
	}
	cl_report_out_raw(o, "\"", 1);
}

/* A string, or null for an empty one (as jstr()). */
static void
w_cstr(struct cl_report_out *o, const struct cl_str *s)
{
	if (s->len > 0)
		w_str(o, s->ptr, s->len);
	else
		w_lit(o, "null");
}

static void
w_name(struct cl_report_out *o, const char *s)
{
	w_str(o, s, strlen(s));
}

void
cl_report_out_hex(struct cl_report_out *o, const uint8_t *b, size_t len)
{
	/* cl_hex_encode() ends with a NUL, which the quote overwrites */
	if (!cl_report_out_room(o, 2 * len + 3))
		return;
	o->ptr[o->len++] = '"';
	cl_hex_encode(o->ptr + o->len, b, len);
	o->len += 2 * len;
	o->ptr[o->len++] = '"';
}

/* As json_integer((json_int_t)v) prints it. */
static void
w_int(struct cl_report_out *o, uint64_t v)
{
	char	num[24];
	int	n;

	n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
	    (json_int_t)v);
	if (n < 0 || (size_t)n >= sizeof(num)) {
		o->err = CL_ENOMEM;
		return;
	}
	cl_report_out_raw(o, num, (size_t)n);
}

static void
w_bool(struct cl_report_out *o, bool b)
{
	w_lit(o, b ? "true" : "false");
}

static void
w_date(struct cl_report_out *o, uint64_t ms)
{
	char	day[CL_DATE_LEN];

	if (ms == 0) {
		w_lit(o, "null");
		return;
	}
	cl_date_format(day, ms);
	w_name(o, day);
}

/* j NULL: out of memory (what a json_*() constructor failing gives). */
void
cl_report_out_json(struct cl_report_out *o, json_t *j)
{
	size_t	n;

	if (j == NULL) {
		if (o->err == CL_OK)
			o->err = CL_ENOMEM;
		return;
	}
	n = json_dumpb(j, NULL, 0, JSON_COMPACT);
	if (n == 0 && o->err == CL_OK)
		o->err = CL_ENOMEM;
	if (o->err == CL_OK && cl_report_out_room(o, n))
		o->len += json_dumpb(j, o->ptr + o->len, n, JSON_COMPACT);
	json_decref(j);
}

/* Kept issuer and achievement JSON. */

#define FRAG_SLOTS	256		/* of each kind, a power of two */
#define FRAG_WAYS	4		/* slots a key may take, likewise */
#define FRAG_KEY_LEN	(CL_PK_LEN + CL_ID_LEN + 11)

struct frag {
	uint8_t	 key[FRAG_KEY_LEN];
	char	*json;			/* NULL: an empty slot */
	size_t	 len;
};

struct cl_report_cache {
	struct frag	iss[FRAG_SLOTS];
	struct frag	ach[FRAG_SLOTS];
};

struct cl_report_cache *
cl_report_cache_new(void)
{
	return calloc(1, sizeof(struct cl_report_cache));
}

void
cl_report_cache_free(struct cl_report_cache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < FRAG_SLOTS; i++) {
		free(c->iss[i].json);
		free(c->ach[i].json);
	}
	free(c);
}

/*
 * The slot of key: the one holding it, else an empty one of its set,
 * else the one of its set to evict (picked by the hash).  Sets of
 * FRAG_WAYS, so that two keys that hash alike do not evict each other.
 */
static struct frag *
frag_slot(struct frag *tab, const uint8_t *key)
{
	struct frag	*set, *empty = NULL;
	uint32_t	 h = 2166136261u;	/* FNV-1a */
	size_t		 i;

	for (i = 0; i < FRAG_KEY_LEN; i++)
		h = (h ^ key[i]) * 16777619u;
	set = &tab[h & (FRAG_SLOTS - FRAG_WAYS)];
	for (i = 0; i < FRAG_WAYS; i++) {
		if (set[i].json == NULL) {
			if (empty == NULL)
				empty = &set[i];
		} else if (memcmp(set[i].key, key, FRAG_KEY_LEN) == 0) {
			return &set[i];
		}
	}
	return empty != NULL ? empty : &set[(h >> 24) % FRAG_WAYS];
}

/*
 * Write the kept JSON under key, or make it with make(v), write it and
 * keep it.  tab NULL: nothing is kept.
 */
static void
w_frag(struct cl_report_out *o, struct frag *tab, const uint8_t *key,
    json_t *(*make)(const struct cl_report_view *),
    const struct cl_report_view *v)
{
	struct frag	*f = NULL;
	size_t		 at = o->len;
	char		*copy;

	if (tab != NULL) {
		f = frag_slot(tab, key);
		if (f->json != NULL && memcmp(f->key, key, FRAG_KEY_LEN) == 0) {
			cl_report_out_raw(o, f->json, f->len);
			return;
		}
	}
	cl_report_out_json(o, make(v));
	if (f == NULL || o->err != CL_OK ||
	    (copy = malloc(o->len - at)) == NULL)
		return;		/* not kept: made again next time */
	memcpy(copy, o->ptr + at, o->len - at);
	free(f->json);
	f->json = copy;
	f->len = o->len - at;
	memcpy(f->key, key, FRAG_KEY_LEN);
}

/*
 * The issuer's JSON is j_issuer()'s: a function of the ISSUE's author,
 * the ACCREDIT (its id names its content; its author's name comes from
 * the genesis), whether the ISSUE is in the window, and the WITHDRAW's
 * after_seq.
 */
static void
w_issuer(struct cl_report_out *o, struct cl_report_cache *c,
    const struct cl_report *r, const struct cl_report_view *v)
{
	uint8_t	key[FRAG_KEY_LEN], *k = key;
	uint64_t seq = v->wd != NULL ? v->wd->body.withdraw.after_seq : 0;
	int	i;

	memset(key, 0, sizeof(key));
	memcpy(k, v->is->author, CL_PK_LEN);
	k += CL_PK_LEN;
	if (v->acc != NULL)
		memcpy(k, r->b.id[r->b.accredit], CL_ID_LEN);
	k += CL_ID_LEN;
	*k++ = v->acc != NULL;
	*k++ = v->accredited;
	*k++ = v->wd != NULL;
	for (i = 7; i >= 0; i--)
		*k++ = (uint8_t)(seq >> (8 * i));
	w_frag(o, c != NULL ? c->iss : NULL, key, j_issuer, v);
}

/*
 * The achievement's is j_achievement()'s: a function of the DEFINE (its
 * id names it) and the ISSUE's achievement id.  Without a DEFINE it is
 * made each time.
 */
static void
w_achievement(struct cl_report_out *o, struct cl_report_cache *c,
    const struct cl_report *r, const struct cl_report_view *v)
{
	uint8_t	key[FRAG_KEY_LEN];

	memset(key, 0, sizeof(key));
	if (v->def != NULL)
		memcpy(key, r->b.id[r->b.define], CL_ID_LEN);
	memcpy(key + CL_ID_LEN, v->is->body.issue.achievement, CL_ID_LEN);
	w_frag(o, c != NULL && v->def != NULL ? c->ach : NULL, key,
	    j_achievement, v);
}

/* The change that set the status, if it is of type; else null. */
static void
w_change(struct cl_report_out *o, const struct cl_report_view *v,
    unsigned type)
{
	const struct cl_status	*st;

	if (v->chg == NULL || v->chg->type != type) {
		w_lit(o, "null");
		return;
	}
	st = &v->chg->body.status;
	w_lit(o, "{\"reason\":");
	w_cstr(o, &st->reason);
	if (type == CL_EV_REVOKE) {
		w_lit(o, ",\"code\":");
		w_int(o, st->reason_code);
	}
	w_lit(o, ",\"at\":");
	w_date(o, v->chg->time);
	w_lit(o, "}");
}

/* What the ISSUE says: issued_at .. local_ref, each after a ','. */
static void
w_issue(struct cl_report_out *o, const struct cl_report_view *v)
{
	const struct cl_issue	*is;

	if (v->is == NULL) {
		w_lit(o, ",\"issued_at\":null,\"valid_until\":null,"
		    "\"holder\":null,\"document_digest\":null,\"grade\":null,"
		    "\"supervision\":null,\"local_ref\":null");
		return;
	}
	is = &v->is->body.issue;
	w_lit(o, ",\"issued_at\":");
	w_date(o, is->issued_at);
	w_lit(o, ",\"valid_until\":");
	w_date(o, is->valid_until);
	w_lit(o, is->holder_kind == CL_HOLDER_WALLET ?
	    ",\"holder\":{\"kind\":\"wallet\",\"ref\":" :
	    ",\"holder\":{\"kind\":\"salted\",\"ref\":");
	cl_report_out_hex(o, is->holder, CL_ID_LEN);
	w_lit(o, "},\"document_digest\":");
	if (zero_id(is->digest))
		w_lit(o, "null");
	else
		cl_report_out_hex(o, is->digest, CL_ID_LEN);
	w_lit(o, ",\"grade\":");
	w_cstr(o, &is->grade);
	w_lit(o, ",\"supervision\":");
	w_name(o, cl_supervision_name(is->supervision));
	w_lit(o, ",\"local_ref\":");
	w_cstr(o, &is->local_ref);
}

cl_err
cl_report_write(const struct cl_report *r, struct cl_report_cache *cache,
    struct cl_report_out *o)
{
	struct cl_report_view	 v;
	unsigned		 vr;

	cl_report_view(r, &v);
	vr = r->checked ? r->b.result.void_reason : r->node_void;
	w_lit(o, "{\"status\":");
	w_name(o, cl_status_name(v.status));
	w_lit(o, ",\"credential\":");
	cl_report_out_hex(o, r->id, CL_ID_LEN);
	w_lit(o, ",\"node_status\":");
	if (r->online)
		w_name(o, cl_status_name(r->node_status));
	else
		w_lit(o, "null");
	w_lit(o, ",\"void_reason\":");
	if (v.status == CL_ST_VOID)
		w_name(o, cl_void_reason(vr));
	else
		w_lit(o, "null");
	w_lit(o, ",\"issuer\":");
	if (v.is != NULL)
		w_issuer(o, cache, r, &v);
	else
		w_lit(o, "null");
	w_lit(o, ",\"achievement\":");
	if (v.is != NULL)
		w_achievement(o, cache, r, &v);
	else
		w_lit(o, "null");
	w_issue(o, &v);
	w_lit(o, ",\"revocation\":");
	w_change(o, &v, CL_EV_REVOKE);
	w_lit(o, ",\"suspension\":");
	w_change(o, &v, CL_EV_SUSPEND);
	w_lit(o, ",\"proof_checked\":");
	w_bool(o, r->err == CL_OK && r->checked);
	w_lit(o, ",\"proof_events\":");
	w_int(o, r->checked ? r->b.ev_cnt : 0);
	w_lit(o, ",\"error\":");
	if (r->err != CL_OK)
		w_name(o, r->why);
	else
		w_lit(o, "null");
	w_lit(o, "}");
	return o->err;
}

cl_err
cl_report_json(const struct cl_report *r, json_t **out)
{
	struct cl_report_out	 t;
	json_error_t		 je;
	cl_err			 err;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	err = cl_report_write(r, NULL, &t);
	/* the text is ours and well formed: jansson fails only for memory */
	if (err == CL_OK &&
	    (*out = json_loadb(t.ptr, t.len, JSON_ALLOW_NUL, &je)) == NULL)
		err = CL_ENOMEM;
	cl_report_out_free(&t);
	return err;
}

/* struct cl_define -> achievement JSON. */

static int
ach_put(json_t *obj, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(obj, key, v);
}

static json_t *
ach_str(const struct cl_str *s)
{
	return json_stringn(s->ptr, s->len);
}

static int
put_str(json_t *obj, const char *key, const struct cl_str *s)
{
	if (s->len == 0)
		return 0;
	return ach_put(obj, key, ach_str(s));
}

static int
put_strs(json_t *obj, const char *key, const struct cl_str *s, uint32_t n)
{
	json_t		*a;
	uint32_t	 i;

	if (n == 0)
		return 0;
	if ((a = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (json_array_append_new(a, ach_str(&s[i])) != 0) {
			json_decref(a);
			return -1;
		}
	}
	return json_object_set_new(obj, key, a);
}

cl_err
cl_achievement_to_json(const struct cl_define *def, json_t **out)
{
	json_t		*o, *t = NULL, *a;
	char		 lang[CL_LANG_MAX + 1];
	char		 hex[2 * CL_ID_LEN + 1];
	uint32_t	 i;
	int		 rc = 0;

	*out = NULL;
	/* jansson keys are NUL-terminated; valid tags are short. */
	for (i = 0; i < def->title_cnt; i++)
		if (def->title[i].lang.len > CL_LANG_MAX)
			return CL_ETOOBIG;
	if ((o = json_object()) == NULL)
		return CL_ENOMEM;
	if (def->title_cnt > 0) {
		if ((t = json_object()) == NULL)
			rc = -1;
		for (i = 0; rc == 0 && i < def->title_cnt; i++) {
			memcpy(lang, def->title[i].lang.ptr,
			    def->title[i].lang.len);
			lang[def->title[i].lang.len] = '\0';
			rc = ach_put(t, lang, ach_str(&def->title[i].text));
		}
		if (rc == 0)
			rc = json_object_set(o, "title", t);
		json_decref(t);
	}
	if (rc == 0)
		rc = put_str(o, "awarding_body", &def->awarding_body);
	if (rc == 0)
		rc = put_str(o, "country", &def->country);
	if (rc == 0)
		rc = put_strs(o, "learning_outcomes", def->outcomes,
		    def->outcomes_cnt);
	if (rc == 0)
		rc = put_strs(o, "esco_skills", def->skills, def->skills_cnt);
	if (rc == 0 && def->ects != 0)
		rc = ach_put(o, "ects", def->ects % 100 == 0 ?
		    json_integer((json_int_t)(def->ects / 100)) :
		    json_real((double)def->ects / 100.0));
	if (rc == 0 && def->hours != 0)
		rc = ach_put(o, "hours", json_integer((json_int_t)def->hours));
	if (rc == 0 && def->eqf != 0)
		rc = ach_put(o, "eqf", json_integer((json_int_t)def->eqf));
	if (rc == 0)
		rc = put_str(o, "nqf", &def->nqf);
	if (rc == 0)
		rc = put_str(o, "assessment", &def->assessment);
	if (rc == 0)
		rc = put_str(o, "participation", &def->participation);
	if (rc == 0)
		rc = put_str(o, "quality_assurance", &def->quality_assurance);
	if (rc == 0)
		rc = put_str(o, "prerequisites", &def->prerequisites);
	if (rc == 0 && def->stack_cnt > 0) {
		if ((a = json_array()) == NULL)
			rc = -1;
		for (i = 0; rc == 0 && i < def->stack_cnt; i++) {
			cl_hex_encode(hex, def->stack[i], CL_ID_LEN);
			rc = json_array_append_new(a, json_string(hex));
		}
		if (rc == 0)
			rc = json_object_set(o, "stackable_into", a);
		json_decref(a);
	}
	if (rc == 0)
		rc = put_str(o, "further_info", &def->further_info);
	if (rc != 0) {
		/* jansson says NULL both for bad UTF-8 and for no memory. */
		json_decref(o);
		return CL_EBADUTF8;
	}
	*out = o;
	return CL_OK;
}

/* A node's status, as `credledger status --json` prints it. */

cl_err
cl_report_status_json(const struct cl_genesis *g,
    const struct cl_wire_status *st, json_t **out)
{
	const struct {
		const char	*key;
		uint64_t	 v;
	} nums[] = {
		{ "log_size", st->log_size }, { "feeds", st->feeds },
		{ "credentials", st->credentials },
		{ "void_events", st->void_events }, { "forks", st->forks },
		{ "map_used", st->map_used }, { "map_size", st->map_size },
		{ "connections", st->connections },
		{ "uptime_ms", st->uptime_ms }, { "submitted", st->submitted },
		{ "accepted", st->accepted },
	};
	json_t		*o, *types, *states;
	size_t		 i;
	unsigned	 t;
	bool		 ok;

	*out = NULL;
	if ((o = json_object()) == NULL)
		return CL_ENOMEM;
	ok = set(o, "node", jhex(st->node, CL_PK_LEN)) &&
	    set(o, "network_id", jhex(st->network, CL_ID_LEN)) &&
	    set(o, "network_name", json_stringn(g->name.ptr, g->name.len)) &&
	    set(o, "digest", jhex(st->digest, CL_ID_LEN)) &&
	    (types = json_object()) != NULL &&
	    set(o, "events_by_type", types);
	for (t = CL_EV_TYPE_MIN; ok && t <= CL_EV_TYPE_MAX; t++)
		ok = set(types, cl_ev_type_name(t),
		    json_integer((json_int_t)st->by_type[t]));
	/* by the issuer's last word: expiry, accreditation, forks aside */
	ok = ok && (states = json_object()) != NULL &&
	    set(o, "credentials_by_state", states) &&
	    set(states, "active",
	    json_integer((json_int_t)st->by_state[CL_ST_VALID])) &&
	    set(states, "suspended",
	    json_integer((json_int_t)st->by_state[CL_ST_SUSPENDED])) &&
	    set(states, "revoked",
	    json_integer((json_int_t)st->by_state[CL_ST_REVOKED]));
	for (i = 0; ok && i < sizeof(nums) / sizeof(nums[0]); i++)
		ok = set(o, nums[i].key, json_integer((json_int_t)nums[i].v));
	if (!ok) {
		json_decref(o);
		return CL_ENOMEM;
	}
	*out = o;
	return CL_OK;
}
