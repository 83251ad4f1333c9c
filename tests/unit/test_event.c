/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events: round trips of every type, a known-answer vector, every rejection
 * of the strict decoder, and signatures.  Malformed bytes are built with
 * msgpack-c's packer (plus raw bytes where msgpack-c would not write them),
 * never with the code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <criterion/criterion.h>
#include <msgpack.h>
#include <sodium.h>

#include "event.h"

#define TIME		1700000000000ull	/* ms: needs a uint64 */
#define ORG_ID		"DE-123"
#define ORG_NAME	"Bühnenschule Köln"
#define URL_ACC		"https://example.org/accreditation"
#define ESCO		"http://data.europa.eu/esco/skill/0b3d3c1b"
#define S(x)		((struct cl_str){ x, (uint32_t)(sizeof(x) - 1) })

struct key {
	uint8_t	pk[CL_PK_LEN];
	uint8_t	sk[64];
};

static struct key	ka, kb;
static uint8_t		net_a[CL_ID_LEN], net_b[CL_ID_LEN];
static uint8_t		sig5a[CL_SIG_LEN], prev5c[CL_ID_LEN];
static uint8_t		ach[CL_ID_LEN], holder[CL_ID_LEN], digest[CL_ID_LEN];
static uint8_t		cred[CL_ID_LEN], stack1[CL_ID_LEN], stack2[CL_ID_LEN];
static char		big[CL_EVENT_MAX * 2];	/* 'x' * n, for lengths */
/* Distinct list items (lists may not repeat one): names, URIs, ids. */
#define ITEMS_N		80
static char		items[ITEMS_N][8];	/* "i00" .. */
static char		uris[ITEMS_N][16];	/* "urn:x:00" .. */
static uint8_t		ids[ITEMS_N][CL_ID_LEN];
static char		longs[ITEMS_N][301];	/* 300 bytes each */

static void
key_from(struct key *k, uint8_t first)
{
	uint8_t	seed[32];
	int	i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(first + i);
	cr_assert_eq(crypto_sign_seed_keypair(k->pk, k->sk, seed), 0);
}

static void
setup(void)
{
	cr_assert(sodium_init() >= 0);
	key_from(&ka, 0x00);
	key_from(&kb, 0x40);
	memset(net_a, 0xaa, sizeof(net_a));
	memset(net_b, 0xbb, sizeof(net_b));
	memset(sig5a, 0x5a, sizeof(sig5a));
	memset(prev5c, 0x5c, sizeof(prev5c));
	memset(ach, 0x71, sizeof(ach));
	memset(holder, 0x72, sizeof(holder));
	memset(digest, 0x73, sizeof(digest));
	memset(cred, 0x74, sizeof(cred));
	memset(stack1, 0x61, sizeof(stack1));
	memset(stack2, 0x62, sizeof(stack2));
	memset(big, 'x', sizeof(big));
	for (int i = 0; i < ITEMS_N; i++) {
		snprintf(items[i], sizeof(items[i]), "i%02d", i);
		snprintf(uris[i], sizeof(uris[i]), "urn:x:%02d", i);
		memset(ids[i], 0x30, CL_ID_LEN);
		ids[i][0] = (uint8_t)i;
		memset(longs[i], 'x', 300);
		memcpy(longs[i], items[i], 3);
		longs[i][300] = '\0';
	}
}

TestSuite(event, .init = setup);

/* ------------------------------------------------------------------ */
/* Events as structs. */

static void
ev_head(struct cl_event *ev, uint64_t type)
{
	cl_ev_init(ev);
	ev->type = type;
	memcpy(ev->author, ka.pk, CL_PK_LEN);
	ev->seq = 1;
	ev->time = TIME;
	memcpy(ev->sig, sig5a, CL_SIG_LEN);
}

static void
ev_accredit(struct cl_event *ev, bool full)
{
	struct cl_accredit	*a = &ev->body.accredit;

	ev_head(ev, CL_EV_ACCREDIT);
	memcpy(a->issuer, kb.pk, CL_PK_LEN);
	a->org_id = S(ORG_ID);
	a->name = S(ORG_NAME);
	a->country = S("DE");
	a->from_seq = 7;
	if (!full)
		return;
	a->eqf_min = 3;
	a->eqf_max = 6;
	a->fields_cnt = 2;
	a->fields[0] = S("0215");
	a->fields[1] = S("1014");
	a->qa = S("EQAVET");
	a->url = S(URL_ACC);
}

static void
ev_withdraw(struct cl_event *ev)
{
	struct cl_withdraw	*w = &ev->body.withdraw;

	ev_head(ev, CL_EV_WITHDRAW);
	memcpy(w->issuer, kb.pk, CL_PK_LEN);
	w->after_seq = 12;
	w->reason = S("key rotated");
}

/*
 * A DEFINE's body is the caller's (event.h); these tests build one DEFINE
 * at a time, each test in a process of its own, so one body serves.
 */
static struct cl_define	define_body;

/* Fill ev as a DEFINE; returns its body, for a test to change. */
static struct cl_define *
ev_define(struct cl_event *ev, bool full)
{
	struct cl_define	*d = &define_body;

	ev_head(ev, CL_EV_DEFINE);
	memset(d, 0, sizeof(*d));
	ev->body.define = d;
	d->title_cnt = 1;
	d->title[0].lang = S("de");
	d->title[0].text = S("Bühnenrigging");
	d->awarding_body = S(ORG_NAME);
	d->country = S("DE");
	d->outcomes_cnt = 1;
	d->outcomes[0] = S("Plan and rig a truss");
	d->eqf = 4;
	d->nqf = S("4");
	d->assessment = S("Practical exam");
	d->participation = S("onsite");
	d->quality_assurance = S("Chamber of crafts");
	if (!full) {
		d->hours = 60;
		return d;
	}
	d->title_cnt = 3;
	d->title[1].lang = S("en");
	d->title[1].text = S("Stage rigging");
	d->title[2].lang = S("pt-BR");
	d->title[2].text = S("Rigging de palco");
	d->outcomes_cnt = 2;
	d->outcomes[1] = S("Inspect lifting gear\nbefore use");
	d->skills_cnt = 1;
	d->skills[0] = S(ESCO);
	d->ects = 250;
	d->hours = 60;
	d->prerequisites = S("First aid course");
	d->stack_cnt = 2;
	memcpy(d->stack[0], stack1, CL_ID_LEN);
	memcpy(d->stack[1], stack2, CL_ID_LEN);
	d->further_info = S("https://example.org/rigging");
	return d;
}

static void
ev_issue(struct cl_event *ev, bool full)
{
	struct cl_issue	*is = &ev->body.issue;

	ev_head(ev, CL_EV_ISSUE);
	memcpy(is->achievement, ach, CL_ID_LEN);
	memcpy(is->holder, holder, CL_ID_LEN);
	is->holder_kind = CL_HOLDER_SALTED;
	is->issued_at = TIME;
	is->supervision = CL_SUP_NONE;
	if (!full)
		return;
	is->holder_kind = CL_HOLDER_WALLET;
	memcpy(is->digest, digest, CL_ID_LEN);
	is->valid_until = TIME + 1000;
	is->grade = S("sehr gut");
	is->supervision = CL_SUP_ONSITE_ID;
	is->local_ref = S("2024/0815");
}

static void
ev_status(struct cl_event *ev, uint64_t type, bool full)
{
	struct cl_status	*st = &ev->body.status;

	ev_head(ev, type);
	memcpy(st->credential, cred, CL_ID_LEN);
	if (type == CL_EV_REVOKE && full)
		st->reason_code = 3;
	if (full)
		st->reason = S("under review");
}

/* ------------------------------------------------------------------ */
/* Events as hand-built msgpack: a small value tree, packed by msgpack-c. */

enum hk {
	HK_UINT, HK_NEG, HK_F32, HK_F64, HK_NIL, HK_TRUE, HK_STR, HK_BIN,
	HK_EXT, HK_ARR, HK_MAP, HK_RAW,
};

#define HM_MAX	24		/* entries of one map */
#define HA_MAX	80		/* items of one array: over every limit */

struct hmap;

struct hv {
	enum hk			 k;
	uint64_t		 u;
	int64_t			 i;
	const void		*p;
	size_t			 len;	/* bytes; items of an array */
	const struct hv		*items;
	const struct hmap	*map;
};

struct hmap {
	size_t		n;
	struct hv	key[HM_MAX];
	struct hv	val[HM_MAX];
};

/* One event: its maps and the storage its arrays point into. */
struct hev {
	struct hmap	top, body;
	struct hv	arr[4][HA_MAX];
	struct hv	pair[HA_MAX][2];
};

static struct hv
hu(uint64_t u)
{
	return (struct hv){ .k = HK_UINT, .u = u };
}

static struct hv
hs(const char *s)
{
	return (struct hv){ .k = HK_STR, .p = s, .len = strlen(s) };
}

static struct hv
hsn(const char *s, size_t n)
{
	return (struct hv){ .k = HK_STR, .p = s, .len = n };
}

static struct hv
hb(const void *p, size_t n)
{
	return (struct hv){ .k = HK_BIN, .p = p, .len = n };
}

static struct hv
hraw(const void *p, size_t n)
{
	return (struct hv){ .k = HK_RAW, .p = p, .len = n };
}

static struct hv
hkind(enum hk k)
{
	return (struct hv){ .k = k, .i = -1, .p = "\x01", .len = 1 };
}

static struct hv
harr(const struct hv *v, size_t n)
{
	return (struct hv){ .k = HK_ARR, .items = v, .len = n };
}

static int
hm_find(const struct hmap *m, uint64_t key)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		if (m->key[i].k == HK_UINT && m->key[i].u == key)
			return (int)i;
	return -1;
}

/* Set key to v: replaced in place, or inserted in ascending order. */
static void
hm_put(struct hmap *m, uint64_t key, struct hv v)
{
	int	at = hm_find(m, key);
	size_t	i;

	if (at >= 0) {
		m->val[at] = v;
		return;
	}
	cr_assert_lt(m->n, HM_MAX);
	for (i = m->n; i > 0 && m->key[i - 1].u > key; i--) {
		m->key[i] = m->key[i - 1];
		m->val[i] = m->val[i - 1];
	}
	m->key[i] = hu(key);
	m->val[i] = v;
	m->n++;
}

/* Add an entry at the end, whatever the order (duplicates, disorder). */
static void
hm_append(struct hmap *m, struct hv key, struct hv v)
{
	cr_assert_lt(m->n, HM_MAX);
	m->key[m->n] = key;
	m->val[m->n] = v;
	m->n++;
}

static void
hm_del(struct hmap *m, uint64_t key)
{
	int	at = hm_find(m, key);
	size_t	i;

	cr_assert_geq(at, 0, "no key %llu", (unsigned long long)key);
	for (i = (size_t)at; i + 1 < m->n; i++) {
		m->key[i] = m->key[i + 1];
		m->val[i] = m->val[i + 1];
	}
	m->n--;
}

static void
hm_swap(struct hmap *m, size_t a, size_t b)
{
	struct hv	k = m->key[a], v = m->val[a];

	m->key[a] = m->key[b];
	m->val[a] = m->val[b];
	m->key[b] = k;
	m->val[b] = v;
}

/* An array of strings in slot of h. */
static struct hv
hv_strs(struct hev *h, int slot, const char *const *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		h->arr[slot][i] = hs(s[i]);
	return harr(h->arr[slot], n);
}

/* Titles: an array of [lang, text] pairs, in slot 0. */
static struct hv
hv_titles(struct hev *h, const char *const *lang, const char *const *text,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		h->pair[i][0] = hs(lang[i]);
		h->pair[i][1] = hs(text[i]);
		h->arr[0][i] = harr(h->pair[i], 2);
	}
	return harr(h->arr[0], n);
}

static void
hev_head(struct hev *h, uint64_t type)
{
	memset(h, 0, sizeof(*h));
	hm_put(&h->top, 0, hu(1));
	hm_put(&h->top, 1, hu(type));
	hm_put(&h->top, 2, hb(ka.pk, CL_PK_LEN));
	hm_put(&h->top, 3, hu(1));
	hm_put(&h->top, 4, hkind(HK_NIL));
	hm_put(&h->top, 5, hu(TIME));
	hm_put(&h->top, 6, (struct hv){ .k = HK_MAP, .map = &h->body });
	hm_put(&h->top, 7, hb(sig5a, CL_SIG_LEN));
}

/* At seq 2 and later, prev is a bin 32. */
static void
hev_seq(struct hev *h, uint64_t seq)
{
	hm_put(&h->top, 3, hu(seq));
	hm_put(&h->top, 4, seq == 1 ? hkind(HK_NIL) : hb(prev5c, CL_ID_LEN));
}

static void
hev_accredit(struct hev *h, bool full)
{
	static const char *const fields[] = { "0215", "1014" };
	struct hmap		*b = &h->body;

	hev_head(h, CL_EV_ACCREDIT);
	hm_put(b, 0, hb(kb.pk, CL_PK_LEN));
	hm_put(b, 1, hs(ORG_ID));
	hm_put(b, 2, hs(ORG_NAME));
	hm_put(b, 3, hs("DE"));
	hm_put(b, 4, hu(7));
	if (!full)
		return;
	hm_put(b, 5, hu(3));
	hm_put(b, 6, hu(6));
	hm_put(b, 7, hv_strs(h, 1, fields, 2));
	hm_put(b, 8, hs("EQAVET"));
	hm_put(b, 9, hs(URL_ACC));
}

static void
hev_withdraw(struct hev *h)
{
	hev_head(h, CL_EV_WITHDRAW);
	hm_put(&h->body, 0, hb(kb.pk, CL_PK_LEN));
	hm_put(&h->body, 1, hu(12));
	hm_put(&h->body, 2, hs("key rotated"));
}

static void
hev_define(struct hev *h, bool full)
{
	static const char *const lang[] = { "de", "en", "pt-BR" };
	static const char *const text[] = { "Bühnenrigging", "Stage rigging",
	    "Rigging de palco" };
	static const char *const outc[] = { "Plan and rig a truss",
	    "Inspect lifting gear\nbefore use" };
	static const char *const skills[] = { ESCO };
	struct hmap		*b = &h->body;

	hev_head(h, CL_EV_DEFINE);
	hm_put(b, 0, hv_titles(h, lang, text, full ? 3 : 1));
	hm_put(b, 1, hs(ORG_NAME));
	hm_put(b, 2, hs("DE"));
	hm_put(b, 3, hv_strs(h, 1, outc, full ? 2 : 1));
	hm_put(b, 6, hu(60));
	hm_put(b, 7, hu(4));
	hm_put(b, 8, hs("4"));
	hm_put(b, 9, hs("Practical exam"));
	hm_put(b, 10, hs("onsite"));
	hm_put(b, 11, hs("Chamber of crafts"));
	if (!full)
		return;
	hm_put(b, 4, hv_strs(h, 2, skills, 1));
	hm_put(b, 5, hu(250));
	hm_put(b, 12, hs("First aid course"));
	h->arr[3][0] = hb(stack1, CL_ID_LEN);
	h->arr[3][1] = hb(stack2, CL_ID_LEN);
	hm_put(b, 13, harr(h->arr[3], 2));
	hm_put(b, 14, hs("https://example.org/rigging"));
}

static void
hev_issue(struct hev *h, bool full)
{
	struct hmap	*b = &h->body;

	hev_head(h, CL_EV_ISSUE);
	hm_put(b, 0, hb(ach, CL_ID_LEN));
	hm_put(b, 1, hb(holder, CL_ID_LEN));
	hm_put(b, 2, hu(CL_HOLDER_SALTED));
	hm_put(b, 4, hu(TIME));
	hm_put(b, 7, hu(CL_SUP_NONE));
	if (!full)
		return;
	hm_put(b, 2, hu(CL_HOLDER_WALLET));
	hm_put(b, 3, hb(digest, CL_ID_LEN));
	hm_put(b, 5, hu(TIME + 1000));
	hm_put(b, 6, hs("sehr gut"));
	hm_put(b, 7, hu(CL_SUP_ONSITE_ID));
	hm_put(b, 8, hs("2024/0815"));
}

static void
hev_status(struct hev *h, uint64_t type, bool full)
{
	hev_head(h, type);
	hm_put(&h->body, 0, hb(cred, CL_ID_LEN));
	if (type == CL_EV_REVOKE)
		hm_put(&h->body, 1, hu(full ? 3 : 0));
	if (full)
		hm_put(&h->body, type == CL_EV_REVOKE ? 2 : 1,
		    hs("under review"));
}

static void
pack_hv(msgpack_packer *pk, msgpack_sbuffer *sb, const struct hv *v)
{
	size_t	i;

	switch (v->k) {
	case HK_UINT:
		msgpack_pack_uint64(pk, v->u);
		break;
	case HK_NEG:
		msgpack_pack_int64(pk, v->i);
		break;
	case HK_F32:
		msgpack_pack_float(pk, 1.5f);
		break;
	case HK_F64:
		msgpack_pack_double(pk, 1.5);
		break;
	case HK_NIL:
		msgpack_pack_nil(pk);
		break;
	case HK_TRUE:
		msgpack_pack_true(pk);
		break;
	case HK_STR:
		msgpack_pack_str_with_body(pk, v->p, v->len);
		break;
	case HK_BIN:
		msgpack_pack_bin_with_body(pk, v->p, v->len);
		break;
	case HK_EXT:
		msgpack_pack_ext(pk, v->len, 1);
		msgpack_pack_ext_body(pk, v->p, v->len);
		break;
	case HK_RAW:
		msgpack_sbuffer_write(sb, v->p, v->len);
		break;
	case HK_ARR:
		msgpack_pack_array(pk, v->len);
		for (i = 0; i < v->len; i++)
			pack_hv(pk, sb, &v->items[i]);
		break;
	case HK_MAP:
		msgpack_pack_map(pk, v->map->n);
		for (i = 0; i < v->map->n; i++) {
			pack_hv(pk, sb, &v->map->key[i]);
			pack_hv(pk, sb, &v->map->val[i]);
		}
		break;
	}
}

/* Pack a map into sb (initialised here; the caller destroys it). */
static void
pack_map(const struct hmap *m, msgpack_sbuffer *sb)
{
	msgpack_packer		pk;
	const struct hv		v = { .k = HK_MAP, .map = m };

	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	pack_hv(&pk, sb, &v);
}

/* Sign h for net as PROTOCOL.md says, with libsodium alone. */
static void
hev_sign(struct hev *h, const uint8_t *net, const struct key *k,
    uint8_t *sig, uint8_t id[CL_ID_LEN])
{
	static const char	tag[] = "credledger/event/v1";
	struct hmap		unsig = h->top;
	msgpack_sbuffer		sb;
	uint8_t			*msg;
	size_t			 len;

	hm_del(&unsig, 7);
	pack_map(&unsig, &sb);
	len = sizeof(tag) - 1 + CL_ID_LEN + sb.size;
	cr_assert_not_null(msg = malloc(len));
	memcpy(msg, tag, sizeof(tag) - 1);
	memcpy(msg + sizeof(tag) - 1, net, CL_ID_LEN);
	memcpy(msg + sizeof(tag) - 1 + CL_ID_LEN, sb.data, sb.size);
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
	crypto_hash_sha256(id, msg, len);
	hm_put(&h->top, 7, hb(sig, CL_SIG_LEN));
	free(msg);
	msgpack_sbuffer_destroy(&sb);
}

/* ------------------------------------------------------------------ */
/* Expectations. */

static const char	nowhere[] = "(no field)";

/*
 * Decode bytes and expect err; field: the where.field wanted, NULL to not
 * look, nowhere for "none".
 */
static void
expect_bytes(const void *bytes, size_t len, cl_err want, const char *field)
{
	struct cl_event	ev;
	struct cl_where	w = { "untouched" };
	cl_err		err;

	err = cl_ev_decode(&ev, bytes, len, &w);
	cr_assert_eq(err, want, "decode: %s at %s; want %s", cl_errname(err),
	    w.field ? w.field : "(none)", cl_errname(want));
	if (err == CL_OK) {
		cr_assert_eq(ev.raw_len, len);
		cl_ev_free(&ev);
		return;
	}
	cr_assert_null(ev.raw, "nothing is held after an error");
	cr_assert_null(ev.define_owned, "nor a DEFINE's body");
	if (field == nowhere)
		cr_assert_null(w.field, "where: %s", w.field);
	else if (field != NULL) {
		cr_assert_not_null(w.field, "want where %s", field);
		cr_assert_str_eq(w.field, field);
	}
}

static void
expect_hev(const struct hev *h, cl_err want, const char *field)
{
	msgpack_sbuffer	sb;

	pack_map(&h->top, &sb);
	expect_bytes(sb.data, sb.size, want, field);
	msgpack_sbuffer_destroy(&sb);
}

/* Encode a struct and expect err at field. */
static void
expect_encode(const struct cl_event *ev, cl_err want, const char *field)
{
	uint8_t		out[CL_EVENT_MAX];
	size_t		len;
	struct cl_where	w = { NULL };
	cl_err		err;

	err = cl_ev_encode(ev, true, out, sizeof(out), &len, &w);
	cr_assert_eq(err, want, "encode: %s at %s; want %s", cl_errname(err),
	    w.field ? w.field : "(none)", cl_errname(want));
	if (field != NULL && want != CL_OK) {
		cr_assert_not_null(w.field, "want where %s", field);
		cr_assert_str_eq(w.field, field);
	}
}

/* ------------------------------------------------------------------ */
/* Round trips. */

static void
str_eq(const struct cl_str *got, const struct cl_str *want, const char *what,
    const struct cl_event *d)
{
	cr_assert_eq(got->len, want->len, "%s: length %u, want %u", what,
	    got->len, want->len);
	if (want->len == 0)
		return;
	cr_assert_arr_eq(got->ptr, want->ptr, want->len, "%s differs", what);
	/* strings of a decoded event point into its own copy */
	cr_assert((const uint8_t *)got->ptr >= d->raw &&
	    (const uint8_t *)got->ptr + got->len <= d->raw + d->raw_len,
	    "%s does not point into raw", what);
}

static void
body_eq(const struct cl_event *d, const struct cl_event *e)
{
	uint32_t	i;

	switch (e->type) {
	case CL_EV_ACCREDIT: {
		const struct cl_accredit *x = &d->body.accredit;
		const struct cl_accredit *y = &e->body.accredit;

		cr_assert_arr_eq(x->issuer, y->issuer, CL_PK_LEN);
		str_eq(&x->org_id, &y->org_id, "org_id", d);
		str_eq(&x->name, &y->name, "name", d);
		str_eq(&x->country, &y->country, "country", d);
		cr_assert_eq(x->from_seq, y->from_seq);
		cr_assert_eq(x->eqf_min, y->eqf_min);
		cr_assert_eq(x->eqf_max, y->eqf_max);
		cr_assert_eq(x->fields_cnt, y->fields_cnt);
		for (i = 0; i < y->fields_cnt; i++)
			str_eq(&x->fields[i], &y->fields[i], "fields", d);
		str_eq(&x->qa, &y->qa, "qa", d);
		str_eq(&x->url, &y->url, "url", d);
		break;
	}
	case CL_EV_WITHDRAW: {
		const struct cl_withdraw *x = &d->body.withdraw;
		const struct cl_withdraw *y = &e->body.withdraw;

		cr_assert_arr_eq(x->issuer, y->issuer, CL_PK_LEN);
		cr_assert_eq(x->after_seq, y->after_seq);
		str_eq(&x->reason, &y->reason, "reason", d);
		break;
	}
	case CL_EV_DEFINE: {
		const struct cl_define *x = d->body.define;
		const struct cl_define *y = e->body.define;

		cr_assert_eq(x->title_cnt, y->title_cnt);
		for (i = 0; i < y->title_cnt; i++) {
			str_eq(&x->title[i].lang, &y->title[i].lang, "lang", d);
			str_eq(&x->title[i].text, &y->title[i].text, "title",
			    d);
		}
		str_eq(&x->awarding_body, &y->awarding_body, "awarding", d);
		str_eq(&x->country, &y->country, "country", d);
		cr_assert_eq(x->outcomes_cnt, y->outcomes_cnt);
		for (i = 0; i < y->outcomes_cnt; i++)
			str_eq(&x->outcomes[i], &y->outcomes[i], "outcome", d);
		cr_assert_eq(x->skills_cnt, y->skills_cnt);
		for (i = 0; i < y->skills_cnt; i++)
			str_eq(&x->skills[i], &y->skills[i], "skill", d);
		cr_assert_eq(x->ects, y->ects);
		cr_assert_eq(x->hours, y->hours);
		cr_assert_eq(x->eqf, y->eqf);
		str_eq(&x->nqf, &y->nqf, "nqf", d);
		str_eq(&x->assessment, &y->assessment, "assessment", d);
		str_eq(&x->participation, &y->participation, "particip.", d);
		str_eq(&x->quality_assurance, &y->quality_assurance, "qa", d);
		str_eq(&x->prerequisites, &y->prerequisites, "prereq.", d);
		cr_assert_eq(x->stack_cnt, y->stack_cnt);
		for (i = 0; i < y->stack_cnt; i++)
			cr_assert_arr_eq(x->stack[i], y->stack[i], CL_ID_LEN);
		str_eq(&x->further_info, &y->further_info, "further", d);
		break;
	}
	case CL_EV_ISSUE: {
		const struct cl_issue *x = &d->body.issue;
		const struct cl_issue *y = &e->body.issue;

		cr_assert_arr_eq(x->achievement, y->achievement, CL_ID_LEN);
		cr_assert_arr_eq(x->holder, y->holder, CL_ID_LEN);
		cr_assert_eq(x->holder_kind, y->holder_kind);
		cr_assert_arr_eq(x->digest, y->digest, CL_ID_LEN);
		cr_assert_eq(x->issued_at, y->issued_at);
		cr_assert_eq(x->valid_until, y->valid_until);
		str_eq(&x->grade, &y->grade, "grade", d);
		cr_assert_eq(x->supervision, y->supervision);
		str_eq(&x->local_ref, &y->local_ref, "local_ref", d);
		break;
	}
	default: {
		const struct cl_status *x = &d->body.status;
		const struct cl_status *y = &e->body.status;

		cr_assert_arr_eq(x->credential, y->credential, CL_ID_LEN);
		cr_assert_eq(x->reason_code, y->reason_code);
		str_eq(&x->reason, &y->reason, "reason", d);
		break;
	}
	}
}

/*
 * Sign e (at seq), decode the bytes, and check every field, the
 * signature, the id, and that the bytes re-encode to themselves.
 */
static void
roundtrip(struct cl_event *e, uint64_t seq)
{
	uint8_t		out[CL_EVENT_MAX], again[CL_EVENT_MAX];
	uint8_t		id[CL_ID_LEN], id2[CL_ID_LEN], id3[CL_ID_LEN];
	uint8_t		id4[CL_ID_LEN];
	size_t		len, len2;
	struct cl_event	d;
	struct cl_where	w = { NULL };
	cl_err		err;

	e->seq = seq;
	if (seq > 1)
		memcpy(e->prev, prev5c, CL_ID_LEN);
	err = cl_ev_sign(e, net_a, ka.sk, out, sizeof(out), &len, id);
	cr_assert_eq(err, CL_OK, "sign: %s", cl_errname(err));
	err = cl_ev_decode(&d, out, len, &w);
	cr_assert_eq(err, CL_OK, "decode: %s at %s", cl_errname(err),
	    w.field ? w.field : "-");
	cr_assert_eq(d.raw_len, len);
	cr_assert_arr_eq(d.raw, out, len);
	cr_assert_eq(d.version, CL_VERSION);
	cr_assert_eq(d.type, e->type);
	cr_assert_arr_eq(d.author, ka.pk, CL_PK_LEN);
	cr_assert_eq(d.seq, seq);
	cr_assert_arr_eq(d.prev, e->prev, CL_ID_LEN);
	cr_assert_eq(d.time, e->time);
	cr_assert_arr_eq(d.sig, e->sig, CL_SIG_LEN);
	body_eq(&d, e);
	cr_assert_eq(cl_ev_verify(&d, net_a, id2), CL_OK);
	cr_assert_arr_eq(id2, id, CL_ID_LEN);
	cr_assert_eq(cl_ev_id(&d, net_a, id3), CL_OK);
	cr_assert_arr_eq(id3, id, CL_ID_LEN);
	cr_assert_eq(cl_ev_id(e, net_a, id4), CL_OK);	/* re-encodes */
	cr_assert_arr_eq(id4, id, CL_ID_LEN);
	cr_assert_eq(cl_ev_encode(&d, true, again, sizeof(again), &len2,
	    NULL), CL_OK);
	cr_assert_eq(len2, len);
	cr_assert_arr_eq(again, out, len);
	cl_ev_free(&d);
	cr_assert_null(d.raw);
	cl_ev_free(&d);		/* twice is harmless */
}

Test(event, roundtrip_accredit_full)
{
	struct cl_event	e;

	ev_accredit(&e, true);
	roundtrip(&e, 1);
}

Test(event, roundtrip_accredit_without_optional_fields)
{
	struct cl_event	e;

	ev_accredit(&e, false);
	roundtrip(&e, 3);
}

Test(event, roundtrip_withdraw)
{
	struct cl_event	e;

	ev_withdraw(&e);
	roundtrip(&e, 2);
	e.body.withdraw.after_seq = 0;	/* mandatory, so 0 is written */
	roundtrip(&e, 2);
}

Test(event, roundtrip_define_full)
{
	struct cl_event	e;

	ev_define(&e, true);
	roundtrip(&e, 1);
}

Test(event, roundtrip_define_minimal)
{
	struct cl_event	e;
	struct cl_define *def;

	def = ev_define(&e, false);	/* hours only */
	roundtrip(&e, 1);
	def->hours = 0;
	def->ects = 500;	/* ECTS only */
	roundtrip(&e, 2);
}

/*
 * The node holds a decoded event per event in flight and zeroes each: a
 * DEFINE's 3.7 KB body lives out of line so that none pays for it.  The
 * largest inline body left is ACCREDIT's (400 bytes).
 */
Test(event, event_struct_stays_small)
{
	cr_assert_leq(sizeof(struct cl_event), 640, "%zu bytes",
	    sizeof(struct cl_event));
	cr_assert_lt(sizeof(struct cl_event), sizeof(struct cl_define));
}

/* A decoded DEFINE has a body of its own, freed with the event. */
Test(event, decoded_define_owns_its_body)
{
	struct cl_event	e, d;
	uint8_t		out[CL_EVENT_MAX], again[CL_EVENT_MAX];
	uint8_t		id[CL_ID_LEN];
	size_t		len, len2;

	ev_define(&e, true);
	cr_assert_eq(cl_ev_sign(&e, net_a, ka.sk, out, sizeof(out), &len, id),
	    CL_OK);
	cr_assert_eq(cl_ev_decode(&d, out, len, NULL), CL_OK);
	cr_assert_not_null(d.body.define);
	cr_assert_eq(d.body.define, d.define_owned);
	cr_assert_neq(d.body.define, &define_body, "a copy, not the input's");
	body_eq(&d, &e);
	cr_assert_eq(cl_ev_encode(&d, true, again, sizeof(again), &len2,
	    NULL), CL_OK);
	cr_assert_eq(len2, len);
	cr_assert_arr_eq(again, out, len);
	cl_ev_free(&d);		/* ASan and valgrind see a leak otherwise */
	cr_assert_null(d.body.define);
	cr_assert_null(d.define_owned);
	cl_ev_free(&d);
	/* a built event's body is its caller's: cl_ev_free() leaves it */
	cl_ev_free(&e);
	cr_assert_eq(e.body.define, &define_body);
	cr_assert_eq(define_body.eqf, 4);
}

/* Other bodies are inline: nothing is allocated, free leaves them be. */
Test(event, decoded_issue_owns_no_define)
{
	struct cl_event	e, d;
	uint8_t		out[CL_EVENT_MAX], id[CL_ID_LEN];
	size_t		len;

	ev_issue(&e, true);
	cr_assert_eq(cl_ev_sign(&e, net_a, ka.sk, out, sizeof(out), &len, id),
	    CL_OK);
	cr_assert_eq(cl_ev_decode(&d, out, len, NULL), CL_OK);
	cr_assert_null(d.define_owned);
	cl_ev_free(&d);
	cr_assert_arr_eq(d.body.issue.achievement, ach, CL_ID_LEN);
}

/* A DEFINE built without a body is an error, never a NULL read. */
Test(event, define_without_a_body_is_missing)
{
	struct cl_event	e;
	uint8_t		out[CL_EVENT_MAX], id[CL_ID_LEN];
	size_t		len;

	ev_define(&e, true);
	e.body.define = NULL;
	expect_encode(&e, CL_EMISSING, "body");
	cr_assert_eq(cl_ev_encode(&e, false, out, sizeof(out), &len, NULL),
	    CL_EMISSING);
	cr_assert_eq(cl_ev_id(&e, net_a, id), CL_EMISSING);
	cr_assert_eq(cl_ev_sign(&e, net_a, ka.sk, out, sizeof(out), &len, id),
	    CL_EMISSING);
}

Test(event, roundtrip_issue_with_every_optional_field)
{
	struct cl_event	e;

	ev_issue(&e, true);
	roundtrip(&e, 5);
}

Test(event, roundtrip_issue_without_optional_fields)
{
	struct cl_event	e;
	static const uint8_t zero[CL_ID_LEN];

	ev_issue(&e, false);
	roundtrip(&e, 5);
	cr_assert_arr_eq(e.body.issue.digest, zero, CL_ID_LEN);
	cr_assert_eq(e.body.issue.valid_until, 0);
}

Test(event, roundtrip_suspend)
{
	struct cl_event	e;

	ev_status(&e, CL_EV_SUSPEND, true);
	roundtrip(&e, 6);
	ev_status(&e, CL_EV_SUSPEND, false);
	roundtrip(&e, 6);
}

Test(event, roundtrip_reinstate)
{
	struct cl_event	e;

	ev_status(&e, CL_EV_REINSTATE, true);
	roundtrip(&e, 7);
	ev_status(&e, CL_EV_REINSTATE, false);
	roundtrip(&e, 7);
}

Test(event, roundtrip_revoke)
{
	struct cl_event	e;

	ev_status(&e, CL_EV_REVOKE, true);
	roundtrip(&e, 8);
	ev_status(&e, CL_EV_REVOKE, false);	/* reason code 0 */
	roundtrip(&e, 8);
}

Test(event, roundtrip_at_the_largest_seq)
{
	struct cl_event	e;

	ev_status(&e, CL_EV_REVOKE, true);
	e.body.status.reason_code = CL_REVOKE_CODE_MAX;
	roundtrip(&e, CL_SEQ_MAX);
}

/* The encoder and msgpack-c agree on every type, byte for byte. */
Test(event, encoder_writes_what_msgpack_c_writes)
{
	struct cl_event	e;
	struct hev	h;
	uint8_t		out[CL_EVENT_MAX];
	size_t		len;
	msgpack_sbuffer	sb;
	int		i;

	for (i = 0; i < 11; i++) {
		switch (i) {
		case 0: ev_accredit(&e, true); hev_accredit(&h, true); break;
		case 1: ev_accredit(&e, false); hev_accredit(&h, false); break;
		case 2: ev_withdraw(&e); hev_withdraw(&h); break;
		case 3: ev_define(&e, true); hev_define(&h, true); break;
		case 4: ev_define(&e, false); hev_define(&h, false); break;
		case 5: ev_issue(&e, true); hev_issue(&h, true); break;
		case 6: ev_issue(&e, false); hev_issue(&h, false); break;
		case 7:
			ev_status(&e, CL_EV_SUSPEND, true);
			hev_status(&h, CL_EV_SUSPEND, true);
			break;
		case 8:
			ev_status(&e, CL_EV_REINSTATE, false);
			hev_status(&h, CL_EV_REINSTATE, false);
			break;
		case 9:
			ev_status(&e, CL_EV_REVOKE, true);
			hev_status(&h, CL_EV_REVOKE, true);
			break;
		default:
			ev_status(&e, CL_EV_REVOKE, false);
			hev_status(&h, CL_EV_REVOKE, false);
			break;
		}
		cr_assert_eq(cl_ev_encode(&e, true, out, sizeof(out), &len,
		    NULL), CL_OK, "case %d", i);
		pack_map(&h.top, &sb);
		cr_assert_eq(len, sb.size, "case %d: %zu bytes, msgpack-c %zu",
		    i, len, sb.size);
		cr_assert_arr_eq(out, sb.data, len, "case %d", i);
		expect_bytes(sb.data, sb.size, CL_OK, NULL);
		msgpack_sbuffer_destroy(&sb);
	}
}

Test(event, decode_without_where_is_fine)
{
	struct hev	h;
	msgpack_sbuffer	sb;
	struct cl_event	ev;

	hev_accredit(&h, true);
	pack_map(&h.top, &sb);
	cr_assert_eq(cl_ev_decode(&ev, (const uint8_t *)sb.data, sb.size,
	    NULL), CL_OK);
	cl_ev_free(&ev);
	cr_assert_eq(cl_ev_decode(&ev, (const uint8_t *)sb.data,
	    sb.size - 1, NULL), CL_ETRUNCATED);
	msgpack_sbuffer_destroy(&sb);
}

Test(event, encode_into_a_small_buffer_is_toobig)
{
	struct cl_event	e;
	uint8_t		out[CL_EVENT_MAX];
	size_t		len, need;

	ev_define(&e, true);
	cr_assert_eq(cl_ev_encode(&e, true, out, sizeof(out), &need, NULL),
	    CL_OK);
	cr_assert_eq(cl_ev_encode(&e, true, out, need, &len, NULL), CL_OK);
	cr_assert_eq(len, need);
	cr_assert_eq(cl_ev_encode(&e, true, out, need - 1, &len, NULL),
	    CL_ETOOBIG);
	cr_assert_eq(cl_ev_encode(&e, false, out, need - 1, &len, NULL),
	    CL_OK, "the unsigned form is 67 bytes shorter");
	cr_assert_eq(len, need - 67);
}

Test(event, type_names)
{
	cr_assert_str_eq(cl_ev_type_name(CL_EV_ACCREDIT), "ACCREDIT");
	cr_assert_str_eq(cl_ev_type_name(CL_EV_REVOKE), "REVOKE");
	cr_assert_str_eq(cl_ev_type_name(0), "?");
	cr_assert_str_eq(cl_ev_type_name(8), "?");
	cr_assert_eq(cl_ev_type_parse("issue"), CL_EV_ISSUE);
	cr_assert_eq(cl_ev_type_parse("Reinstate"), CL_EV_REINSTATE);
	cr_assert_eq(cl_ev_type_parse("bogus"), 0);
	cr_assert_eq(cl_ev_type_parse(""), 0);
	cr_assert(cl_ev_is_authority_type(CL_EV_ACCREDIT));
	cr_assert(cl_ev_is_authority_type(CL_EV_WITHDRAW));
	for (unsigned t = CL_EV_DEFINE; t <= CL_EV_TYPE_MAX + 1; t++)
		cr_assert_not(cl_ev_is_authority_type(t), "type %u", t);
}

/* ------------------------------------------------------------------ */
/* The known-answer vector (tests/vectors/event_kat.txt). */

struct kat {
	char	name[16];
	uint8_t	val[1024];
	size_t	len;
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Read "name = hex" lines; '#' lines and blank lines are skipped. */
static size_t
kat_read(struct kat *k, size_t max)
{
	const char	*dir = getenv("CL_VECTORS");
	char		 path[4096], line[8192], *eq, *p;
	FILE		*f;
	size_t		 n = 0;

	cr_assert_not_null(dir, "CL_VECTORS is not set (CTest sets it)");
	cr_assert_lt((size_t)snprintf(path, sizeof(path), "%s/event_kat.txt",
	    dir), sizeof(path));
	cr_assert_not_null(f = fopen(path, "r"), "cannot read %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		cr_assert_lt(n, max);
		cr_assert_not_null(eq = strstr(line, " = "), "bad line: %s",
		    line);
		*eq = '\0';
		cr_assert_lt(strlen(line), sizeof(k[n].name));
		strcpy(k[n].name, line);
		k[n].len = 0;
		for (p = eq + 3; hexval(p[0]) >= 0 && hexval(p[1]) >= 0;
		    p += 2) {
			cr_assert_lt(k[n].len, sizeof(k[n].val));
			k[n].val[k[n].len++] = (uint8_t)(hexval(p[0]) << 4 |
			    hexval(p[1]));
		}
		cr_assert(*p == '\n' || *p == '\0', "bad hex in %s", k[n].name);
		n++;
	}
	fclose(f);
	return n;
}

static const struct kat *
kat_get(const struct kat *k, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(k[i].name, name) == 0)
			return &k[i];
	cr_assert_fail("no %s in event_kat.txt", name);
	return NULL;
}

static struct key	kat_key;
static uint8_t		kat_issuer[CL_PK_LEN];
#define KAT_NAME	"Bühnenschule Köln gGmbH"
#define KAT_URL		"https://buehnenschule.example/akkreditierung"

static void
kat_setup(void)
{
	int	i;

	setup();
	key_from(&kat_key, 0x00);
	for (i = 0; i < CL_PK_LEN; i++)
		kat_issuer[i] = (uint8_t)(0x20 + i);
}

static void
kat_event(struct cl_event *ev)
{
	struct cl_accredit	*a = &ev->body.accredit;

	cl_ev_init(ev);
	ev->type = CL_EV_ACCREDIT;
	ev->seq = 1;
	ev->time = TIME;
	memcpy(a->issuer, kat_issuer, CL_PK_LEN);
	a->org_id = S("DE-HRK-0042");
	a->name = S(KAT_NAME);
	a->country = S("DE");
	a->from_seq = 1;
	a->eqf_min = 3;
	a->eqf_max = 5;
	a->fields_cnt = 2;
	a->fields[0] = S("0215");
	a->fields[1] = S("1014");
	a->qa = S("EQAVET");
	a->url = S(KAT_URL);
}

static void
kat_hev(struct hev *h)
{
	static const char *const fields[] = { "0215", "1014" };
	struct hmap		*b = &h->body;

	hev_head(h, CL_EV_ACCREDIT);
	hm_put(&h->top, 2, hb(kat_key.pk, CL_PK_LEN));
	hm_put(b, 0, hb(kat_issuer, CL_PK_LEN));
	hm_put(b, 1, hs("DE-HRK-0042"));
	hm_put(b, 2, hs(KAT_NAME));
	hm_put(b, 3, hs("DE"));
	hm_put(b, 4, hu(1));
	hm_put(b, 5, hu(3));
	hm_put(b, 6, hu(5));
	hm_put(b, 7, hv_strs(h, 1, fields, 2));
	hm_put(b, 8, hs("EQAVET"));
	hm_put(b, 9, hs(KAT_URL));
}

#define KAT_MAX	16

Test(event, kat_file_agrees_with_msgpack_c_and_libsodium, .init = kat_setup)
{
	struct kat	k[KAT_MAX];
	size_t		n = kat_read(k, KAT_MAX);
	struct hev	h;
	uint8_t		sig[CL_SIG_LEN], id[CL_ID_LEN], seed[32];
	msgpack_sbuffer	sb;
	const struct kat *v;
	int		i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	v = kat_get(k, n, "seed");
	cr_assert_eq(v->len, 32);
	cr_assert_arr_eq(v->val, seed, 32);
	v = kat_get(k, n, "author");
	cr_assert_arr_eq(v->val, kat_key.pk, CL_PK_LEN);
	v = kat_get(k, n, "netid");
	cr_assert_arr_eq(v->val, net_a, CL_ID_LEN);
	v = kat_get(k, n, "issuer");
	cr_assert_arr_eq(v->val, kat_issuer, CL_PK_LEN);

	kat_hev(&h);
	hm_del(&h.top, 7);
	pack_map(&h.top, &sb);
	v = kat_get(k, n, "unsigned");
	cr_assert_eq(v->len, sb.size);
	cr_assert_arr_eq(v->val, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);

	kat_hev(&h);
	hev_sign(&h, net_a, &kat_key, sig, id);
	pack_map(&h.top, &sb);
	v = kat_get(k, n, "signed");
	cr_assert_eq(v->len, sb.size);
	cr_assert_arr_eq(v->val, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	cr_assert_arr_eq(kat_get(k, n, "sig")->val, sig, CL_SIG_LEN);
	cr_assert_arr_eq(kat_get(k, n, "id")->val, id, CL_ID_LEN);
}

Test(event, kat_sign_writes_the_vector, .init = kat_setup)
{
	struct kat	k[KAT_MAX];
	size_t		n = kat_read(k, KAT_MAX);
	struct cl_event	e;
	uint8_t		out[CL_EVENT_MAX], id[CL_ID_LEN];
	size_t		len;
	const struct kat *v = kat_get(k, n, "signed");

	kat_event(&e);
	cr_assert_eq(cl_ev_sign(&e, net_a, kat_key.sk, out, sizeof(out), &len,
	    id), CL_OK);
	cr_assert_eq(len, v->len, "signed form is %zu bytes, vector %zu", len,
	    v->len);
	cr_assert_arr_eq(out, v->val, len, "the byte form of events changed");
	cr_assert_arr_eq(id, kat_get(k, n, "id")->val, CL_ID_LEN);
	cr_assert_arr_eq(e.sig, kat_get(k, n, "sig")->val, CL_SIG_LEN);
	cr_assert_arr_eq(e.author, kat_get(k, n, "author")->val, CL_PK_LEN);
	v = kat_get(k, n, "unsigned");
	cr_assert_eq(cl_ev_encode(&e, false, out, sizeof(out), &len, NULL),
	    CL_OK);
	cr_assert_eq(len, v->len);
	cr_assert_arr_eq(out, v->val, len);
}

Test(event, kat_decode_and_verify_the_vector, .init = kat_setup)
{
	struct kat	k[KAT_MAX];
	size_t		n = kat_read(k, KAT_MAX);
	struct cl_event	d, e;
	uint8_t		id[CL_ID_LEN];
	const struct kat *v = kat_get(k, n, "signed");

	cr_assert_eq(cl_ev_decode(&d, v->val, v->len, NULL), CL_OK);
	kat_event(&e);
	memcpy(e.author, kat_key.pk, CL_PK_LEN);
	memcpy(e.sig, kat_get(k, n, "sig")->val, CL_SIG_LEN);
	cr_assert_eq(d.type, CL_EV_ACCREDIT);
	cr_assert_eq(d.seq, 1);
	cr_assert_eq(d.time, TIME);
	cr_assert_arr_eq(d.author, e.author, CL_PK_LEN);
	cr_assert_arr_eq(d.sig, e.sig, CL_SIG_LEN);
	body_eq(&d, &e);
	cr_assert_eq(cl_ev_verify(&d, net_a, id), CL_OK);
	cr_assert_arr_eq(id, kat_get(k, n, "id")->val, CL_ID_LEN);
	memset(id, 0, sizeof(id));
	cr_assert_eq(cl_ev_id(&d, net_a, id), CL_OK);
	cr_assert_arr_eq(id, kat_get(k, n, "id")->val, CL_ID_LEN);
	cr_assert_eq(cl_ev_verify(&d, net_b, id), CL_EBADSIG);
	cl_ev_free(&d);
}

/* ------------------------------------------------------------------ */
/* The strict decoder: every rejection. */

/* Every hand-built base decodes, so each rejection below has one cause. */
Test(event, hand_built_bases_decode)
{
	struct hev	h;
	unsigned	t;

	hev_accredit(&h, true);
	expect_hev(&h, CL_OK, NULL);
	hev_accredit(&h, false);
	expect_hev(&h, CL_OK, NULL);
	hev_withdraw(&h);
	expect_hev(&h, CL_OK, NULL);
	hev_define(&h, true);
	expect_hev(&h, CL_OK, NULL);
	hev_define(&h, false);
	expect_hev(&h, CL_OK, NULL);
	hev_issue(&h, true);
	expect_hev(&h, CL_OK, NULL);
	hev_issue(&h, false);
	hev_seq(&h, 9);
	expect_hev(&h, CL_OK, NULL);
	for (t = CL_EV_SUSPEND; t <= CL_EV_REVOKE; t++) {
		hev_status(&h, t, true);
		expect_hev(&h, CL_OK, NULL);
		hev_status(&h, t, false);
		expect_hev(&h, CL_OK, NULL);
	}
}

Test(event, trailing_bytes_are_rejected)
{
	struct hev	h;
	msgpack_sbuffer	sb;
	size_t		len;

	hev_issue(&h, true);
	pack_map(&h.top, &sb);
	len = sb.size;
	msgpack_sbuffer_write(&sb, "\x00", 1);
	expect_bytes(sb.data, sb.size, CL_ETRAILING, nowhere);
	msgpack_sbuffer_write(&sb, sb.data, len);	/* and a whole event */
	expect_bytes(sb.data, len, CL_OK, NULL);
	expect_bytes(sb.data, sb.size, CL_ETRAILING, nowhere);
	msgpack_sbuffer_destroy(&sb);
}

Test(event, every_truncation_is_rejected)
{
	struct hev	h;
	msgpack_sbuffer	sb;
	size_t		n;
	int		i;

	for (i = 0; i < 4; i++) {
		switch (i) {
		case 0: hev_accredit(&h, true); break;
		case 1: hev_define(&h, true); break;
		case 2: hev_issue(&h, true); break;
		default: hev_status(&h, CL_EV_REVOKE, true); break;
		}
		hev_seq(&h, 2);
		pack_map(&h.top, &sb);
		expect_bytes(sb.data, sb.size, CL_OK, NULL);
		for (n = 0; n < sb.size; n++)
			expect_bytes(sb.data, n, CL_ETRUNCATED, nowhere);
		msgpack_sbuffer_destroy(&sb);
	}
}

Test(event, non_minimal_integer_is_noncanonical)
{
	struct hev	h;

	hev_issue(&h, true);
	hev_seq(&h, 5);
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.top, 3, hraw("\xcc\x05", 2));
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.top, 3, hraw("\xcd\x00\x05", 3));
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.top, 3, hraw("\xce\x00\x00\x00\x05", 5));
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.top, 3, hraw("\xcf\x00\x00\x00\x00\x00\x00\x00\x05", 9));
	expect_hev(&h, CL_ENONCANON, "event");
	/* 1700000000000 needs 64 bits; 200 fits a uint 8 */
	hev_issue(&h, true);
	hm_put(&h.top, 5, hraw("\xcd\x00\xc8", 3));
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.top, 5, hraw("\xcc\xc8", 2));
	expect_hev(&h, CL_OK, NULL);
	/* in the body too, and as a key */
	hev_issue(&h, true);
	hm_put(&h.body, 7, hraw("\xcc\x04", 2));
	expect_hev(&h, CL_ENONCANON, "event");
	hev_issue(&h, true);
	h.top.key[1] = hraw("\xcc\x01", 2);
	expect_hev(&h, CL_ENONCANON, "event");
}

Test(event, non_minimal_string_header_is_noncanonical)
{
	struct hev	h;

	hev_accredit(&h, true);
	hm_put(&h.body, 1, hraw("\xd9\x06" ORG_ID, 8));	/* str 8 */
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.body, 1, hraw("\xda\x00\x06" ORG_ID, 9));	/* str 16 */
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.body, 1, hraw("\xdb\x00\x00\x00\x06" ORG_ID, 11));
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.body, 1, hraw("\xa6" ORG_ID, 7));	/* fixstr: fine */
	expect_hev(&h, CL_OK, NULL);
}

Test(event, non_minimal_bin_and_container_headers_are_noncanonical)
{
	struct hev	h;
	uint8_t		raw[3 + CL_PK_LEN];

	hev_accredit(&h, true);
	raw[0] = 0xc5;				/* bin 16 for 32 bytes */
	raw[1] = 0;
	raw[2] = CL_PK_LEN;
	memcpy(raw + 3, kb.pk, CL_PK_LEN);
	hm_put(&h.body, 0, hraw(raw, sizeof(raw)));
	expect_hev(&h, CL_ENONCANON, "event");
	hev_accredit(&h, true);			/* array 16 for 2 items */
	hm_put(&h.body, 7, hraw("\xdc\x00\x02\xa4" "0215\xa4" "1014", 13));
	expect_hev(&h, CL_ENONCANON, "event");
	hm_put(&h.body, 7, hraw("\x92\xa4" "0215\xa4" "1014", 11));
	expect_hev(&h, CL_OK, NULL);
}

Test(event, non_minimal_map_header_is_noncanonical)
{
	struct hev	h;
	msgpack_sbuffer	sb;
	msgpack_sbuffer	out;

	hev_withdraw(&h);
	pack_map(&h.top, &sb);
	cr_assert_eq((uint8_t)sb.data[0], 0x88);
	msgpack_sbuffer_init(&out);			/* map 16 of 8 */
	msgpack_sbuffer_write(&out, "\xde\x00\x08", 3);
	msgpack_sbuffer_write(&out, sb.data + 1, sb.size - 1);
	expect_bytes(out.data, out.size, CL_ENONCANON, "event");
	msgpack_sbuffer_destroy(&out);
	msgpack_sbuffer_destroy(&sb);
}

Test(event, unsorted_keys_are_rejected)
{
	struct hev	h;

	hev_accredit(&h, true);			/* body ... 7 9 8 */
	hm_swap(&h.body, 8, 9);
	expect_hev(&h, CL_EKEYORDER, NULL);
	hev_define(&h, true);			/* body ... 12 14 13 */
	hm_swap(&h.body, 13, 14);
	expect_hev(&h, CL_EKEYORDER, NULL);
	hev_issue(&h, true);			/* 0 .. 7 3 */
	hm_append(&h.top, hu(3), hu(1));
	expect_hev(&h, CL_EKEYORDER, NULL);
	hev_accredit(&h, false);		/* body 0 .. 4 0 */
	hm_append(&h.body, hu(0), hb(kb.pk, CL_PK_LEN));
	expect_hev(&h, CL_EKEYORDER, NULL);
}

/*
 * Entries are judged in wire order (PROTOCOL.md §1.4 step 3): when a
 * mandatory key comes after a higher one, the higher one finds it missing
 * before the lower one shows the disorder.
 */
Test(event, mandatory_key_after_a_higher_one_is_missing)
{
	struct hev	h;

	hev_accredit(&h, true);			/* 0 1 3 2 ... */
	hm_swap(&h.top, 2, 3);
	expect_hev(&h, CL_EMISSING, "author");
	hev_accredit(&h, true);			/* sig first */
	hm_swap(&h.top, 0, 7);
	expect_hev(&h, CL_EMISSING, "version");
	hev_accredit(&h, true);			/* body 0 2 1 ... */
	hm_swap(&h.body, 1, 2);
	expect_hev(&h, CL_EMISSING, "body.org_id");
}

Test(event, duplicate_keys_are_rejected)
{
	struct hev	h;

	hev_issue(&h, true);
	h.top.n = 4;				/* 0 1 2 3 3 ... */
	hm_append(&h.top, hu(3), hu(1));
	hm_append(&h.top, hu(4), hkind(HK_NIL));
	hm_append(&h.top, hu(5), hu(TIME));
	hm_append(&h.top, hu(6), (struct hv){ .k = HK_MAP, .map = &h.body });
	hm_append(&h.top, hu(7), hb(sig5a, CL_SIG_LEN));
	expect_hev(&h, CL_EDUPKEY, "seq");
	hev_issue(&h, true);
	hm_append(&h.top, hu(7), hb(sig5a, CL_SIG_LEN));	/* last twice */
	expect_hev(&h, CL_EDUPKEY, "sig");
	hev_accredit(&h, false);
	hm_append(&h.body, hu(4), hu(7));
	expect_hev(&h, CL_EDUPKEY, "body.from_seq");
}

Test(event, unknown_top_level_key_is_rejected)
{
	struct hev	h;

	hev_issue(&h, true);
	hm_put(&h.top, 8, hu(1));
	expect_hev(&h, CL_EUNKNOWNKEY, "event");
	hev_issue(&h, true);
	hm_put(&h.top, 200, hs("extension"));
	expect_hev(&h, CL_EUNKNOWNKEY, "event");
}

Test(event, unknown_body_key_is_rejected)
{
	struct hev	h;

	hev_accredit(&h, true);
	hm_put(&h.body, 10, hs("extra"));
	expect_hev(&h, CL_EUNKNOWNKEY, "body");
	hev_accredit(&h, false);		/* after key 4, before none */
	hm_put(&h.body, 11, hu(1));
	expect_hev(&h, CL_EUNKNOWNKEY, "body");
	hev_withdraw(&h);
	hm_put(&h.body, 3, hu(1));
	expect_hev(&h, CL_EUNKNOWNKEY, "body");
	hev_status(&h, CL_EV_SUSPEND, false);	/* REVOKE's key 2 */
	hm_put(&h.body, 2, hs("reason"));
	expect_hev(&h, CL_EUNKNOWNKEY, "body");
}

Test(event, non_integer_key_is_rejected)
{
	struct hev	h;

	hev_issue(&h, true);
	h.top.key[3] = hs("seq");
	expect_hev(&h, CL_EBADTYPE, "event");
	hev_issue(&h, true);
	h.body.key[0] = hs("achievement");
	expect_hev(&h, CL_EBADTYPE, "body");
}

static void
expect_missing(void (*make)(struct hev *), uint64_t key, const char *field)
{
	struct hev	h;

	make(&h);
	if (key < 100) {
		hm_del(&h.top, key);
	} else {
		hm_del(&h.body, key - 100);
	}
	expect_hev(&h, CL_EMISSING, field);
}

static void mk_accredit(struct hev *h) { hev_accredit(h, true); }
static void mk_withdraw(struct hev *h) { hev_withdraw(h); }
static void mk_define(struct hev *h) { hev_define(h, true); }
static void mk_issue(struct hev *h) { hev_issue(h, true); }
static void mk_suspend(struct hev *h) { hev_status(h, CL_EV_SUSPEND, true); }
static void mk_revoke(struct hev *h) { hev_status(h, CL_EV_REVOKE, true); }

Test(event, missing_mandatory_field_is_rejected)
{
	static const char *const top[] = { "version", "type", "author", "seq",
	    "prev", "time", "body", "sig" };
	uint64_t	k;

	for (k = 0; k < 8; k++)
		expect_missing(mk_issue, k, top[k]);
	expect_missing(mk_accredit, 100, "body.issuer");
	expect_missing(mk_accredit, 101, "body.org_id");
	expect_missing(mk_accredit, 102, "body.name");
	expect_missing(mk_accredit, 103, "body.country");
	expect_missing(mk_accredit, 104, "body.from_seq");
	expect_missing(mk_withdraw, 100, "body.issuer");
	expect_missing(mk_withdraw, 101, "body.after_seq");
	expect_missing(mk_withdraw, 102, "body.reason");
	expect_missing(mk_define, 100, "body.title");
	expect_missing(mk_define, 107, "body.eqf");
	expect_missing(mk_issue, 100, "body.achievement");
	expect_missing(mk_issue, 101, "body.holder");
	expect_missing(mk_issue, 102, "body.holder_kind");
	expect_missing(mk_issue, 104, "body.issued_at");
	expect_missing(mk_issue, 107, "body.supervision");
	expect_missing(mk_suspend, 100, "body.credential");
	expect_missing(mk_revoke, 100, "body.credential");
	expect_missing(mk_revoke, 101, "body.reason_code");
}

Test(event, empty_body_is_missing_its_first_field)
{
	struct hev	h;

	hev_issue(&h, true);
	h.body.n = 0;
	expect_hev(&h, CL_EMISSING, "body.achievement");
	hev_issue(&h, true);
	h.top.n = 0;
	expect_hev(&h, CL_EMISSING, "version");
}

Test(event, wrong_type_is_rejected)
{
	struct hev	h;

	hev_issue(&h, true);			/* str where bin */
	hm_put(&h.top, 2, hsn((const char *)ka.pk, CL_PK_LEN));
	expect_hev(&h, CL_EBADTYPE, "author");
	hev_issue(&h, true);
	hm_put(&h.body, 0, hsn("0123456789abcdef0123456789abcdef", 32));
	expect_hev(&h, CL_EBADTYPE, "body.achievement");
	hev_accredit(&h, true);			/* bin where str */
	hm_put(&h.body, 1, hb(ORG_ID, 6));
	expect_hev(&h, CL_EBADTYPE, "body.org_id");
	hev_issue(&h, true);			/* str where uint */
	hm_put(&h.top, 3, hs("1"));
	expect_hev(&h, CL_EBADTYPE, "seq");
	hev_issue(&h, true);			/* bool where uint */
	hm_put(&h.body, 7, hkind(HK_TRUE));
	expect_hev(&h, CL_EBADTYPE, "body.supervision");
	hev_issue(&h, true);			/* nil where uint */
	hm_put(&h.top, 5, hkind(HK_NIL));
	expect_hev(&h, CL_EBADTYPE, "time");
	hev_issue(&h, true);			/* uint where prev */
	hev_seq(&h, 2);
	hm_put(&h.top, 4, hu(0));
	expect_hev(&h, CL_EBADTYPE, "prev");
	hev_accredit(&h, true);			/* str where array */
	hm_put(&h.body, 7, hs("0215"));
	expect_hev(&h, CL_EBADTYPE, "body.fields");
	hev_accredit(&h, true);			/* array where body map */
	hm_put(&h.top, 6, harr(NULL, 0));
	expect_hev(&h, CL_EBADTYPE, "body");
	hev_define(&h, true);			/* a title that is no pair */
	h.arr[0][1] = hs("en");
	expect_hev(&h, CL_EBADTYPE, "body.title");
}

Test(event, body_must_match_the_type)
{
	struct hev	h;

	hev_accredit(&h, true);			/* org_id where after_seq */
	hm_put(&h.top, 1, hu(CL_EV_WITHDRAW));
	expect_hev(&h, CL_EBADTYPE, "body.after_seq");
	hev_status(&h, CL_EV_SUSPEND, true);	/* no reason_code */
	hm_put(&h.top, 1, hu(CL_EV_REVOKE));
	expect_hev(&h, CL_EBADTYPE, "body.reason_code");
}

Test(event, bin_of_wrong_length_is_rejected)
{
	struct hev	h;

	hev_issue(&h, true);
	hm_put(&h.top, 2, hb(ka.pk, CL_PK_LEN - 1));
	expect_hev(&h, CL_ERANGE, "author");
	hev_issue(&h, true);
	hm_put(&h.top, 7, hb(big, CL_SIG_LEN + 1));
	expect_hev(&h, CL_ERANGE, "sig");
	hev_issue(&h, true);
	hm_put(&h.body, 3, hb(digest, 0));
	expect_hev(&h, CL_ERANGE, "body.digest");
	hev_issue(&h, true);
	hev_seq(&h, 2);
	hm_put(&h.top, 4, hb(big, CL_ID_LEN + 1));
	expect_hev(&h, CL_ERANGE, "prev");
}

Test(event, float_anywhere_is_rejected)
{
	struct hev	h;

	hev_issue(&h, true);
	hm_put(&h.top, 5, hkind(HK_F64));
	expect_hev(&h, CL_EBADTYPE, NULL);
	hev_issue(&h, true);
	hm_put(&h.top, 5, hkind(HK_F32));
	expect_hev(&h, CL_EBADTYPE, NULL);
	hev_define(&h, true);			/* 2.5 ECTS as a float */
	hm_put(&h.body, 5, hkind(HK_F64));
	expect_hev(&h, CL_EBADTYPE, NULL);
	hev_accredit(&h, true);			/* in an array */
	h.arr[1][1] = hkind(HK_F32);
	expect_hev(&h, CL_EBADTYPE, NULL);
	hev_issue(&h, true);			/* as a key */
	hm_append(&h.top, hkind(HK_F64), hu(1));
	expect_hev(&h, CL_EBADTYPE, NULL);
}

Test(event, negative_integer_is_rejected)
{
	struct hev	h;
	struct hv	v = hkind(HK_NEG);

	hev_issue(&h, true);
	hm_put(&h.top, 5, v);			/* negative fixint */
	expect_hev(&h, CL_EBADTYPE, NULL);
	v.i = -200;				/* int 16 */
	hm_put(&h.top, 3, v);
	expect_hev(&h, CL_EBADTYPE, NULL);
	hev_issue(&h, true);			/* int 8 holding 5 */
	hm_put(&h.body, 7, hraw("\xd0\x04", 2));
	expect_hev(&h, CL_EBADTYPE, NULL);
	hev_issue(&h, true);			/* int 64 holding 1 */
	hm_put(&h.top, 0, hraw("\xd3\0\0\0\0\0\0\0\x01", 9));
	expect_hev(&h, CL_EBADTYPE, NULL);
}

Test(event, ext_type_is_rejected)
{
	struct hev	h;
	struct hv	v = hkind(HK_EXT);

	hev_issue(&h, true);
	hm_put(&h.body, 6, v);			/* fixext 1 */
	expect_hev(&h, CL_EBADTYPE, NULL);
	v.p = big;
	v.len = 3;				/* ext 8 */
	hm_put(&h.body, 6, v);
	expect_hev(&h, CL_EBADTYPE, NULL);
	hev_issue(&h, true);			/* a timestamp ext for time */
	hm_put(&h.top, 5, hraw("\xd6\xff\x65\x53\xf1\x00", 6));
	expect_hev(&h, CL_EBADTYPE, NULL);
}

Test(event, invalid_utf8_is_rejected)
{
	static const struct {
		const char	*s;
		size_t		 len;
		const char	*what;
	} bad[] = {
		{ "K\xc0\xaf", 3, "overlong '/' in 2 bytes" },
		{ "K\xe0\x80\xaf", 4, "overlong '/' in 3 bytes" },
		{ "K\xf0\x80\x80\xaf", 5, "overlong '/' in 4 bytes" },
		{ "K\xc1\xbf", 3, "overlong U+7F" },
		{ "K\xed\xa0\x80", 4, "high surrogate U+D800" },
		{ "K\xed\xbf\xbf", 4, "low surrogate U+DFFF" },
		{ "K\xc3", 2, "truncated at the end" },
		{ "K\xe2\x82", 3, "truncated 3-byte sequence" },
		{ "K\xe2\x82x", 4, "sequence cut by ASCII" },
		{ "K\x80", 2, "bare continuation byte" },
		{ "K\xf4\x90\x80\x80", 5, "above U+10FFFF" },
		{ "K\xf5\x80\x80\x80", 5, "lead byte F5" },
		{ "K\xff", 2, "byte FF" },
	};
	struct hev	h;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_log_info("%s", bad[i].what);
		hev_accredit(&h, true);
		hm_put(&h.body, 2, hsn(bad[i].s, bad[i].len));
		expect_hev(&h, CL_EBADUTF8, "body.name");
		hev_withdraw(&h);		/* a text field too */
		hm_put(&h.body, 2, hsn(bad[i].s, bad[i].len));
		expect_hev(&h, CL_EBADUTF8, "body.reason");
	}
}

Test(event, valid_utf8_of_every_length_is_accepted)
{
	struct hev	h;

	hev_accredit(&h, true);
	/* é (2 bytes), € and U+FFFD (3), 🎓 and U+10FFFD (4) */
	hm_put(&h.body, 2, hs("K\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x93"
	    " \xf4\x8f\xbf\xbd \xef\xbf\xbd"));
	expect_hev(&h, CL_OK, NULL);
}

/*
 * Code points that can make one name read as another on a verification
 * page, or drive a terminal, are refused in every string (PROTOCOL.md
 * §1.3); free text keeps tab and line feed.
 */
Test(event, invisible_and_control_characters_are_refused)
{
	static const struct {
		const char	*s;
		const char	*what;
	} bad[] = {
		{ "A\xc2\x85" "B", "C1 control NEL U+0085" },
		{ "A\xc2\x9b" "B", "C1 CSI U+009B" },
		{ "A\xe2\x80\x8b" "B", "zero-width space U+200B" },
		{ "A\xe2\x80\x8f" "B", "right-to-left mark U+200F" },
		{ "A\xe2\x80\xae" "B", "right-to-left override U+202E" },
		{ "A\xe2\x81\xa6" "B", "left-to-right isolate U+2066" },
		{ "\xef\xbb\xbf" "AB", "byte-order mark U+FEFF" },
		{ "A\xef\xbf\xbe", "non-character U+FFFE" },
		{ "A\xef\xb7\x90", "non-character U+FDD0" },
		{ "A\xf4\x8f\xbf\xbf", "non-character U+10FFFF" },
		{ "A\x1b[31m", "escape" },
		{ "A\rB", "carriage return" },
	};
	struct hev	h;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_log_info("%s", bad[i].what);
		hev_accredit(&h, true);			/* a NAME */
		hm_put(&h.body, 2, hs(bad[i].s));
		expect_hev(&h, CL_ERANGE, "body.name");
		hev_withdraw(&h);			/* a TEXT */
		hm_put(&h.body, 2, hs(bad[i].s));
		expect_hev(&h, CL_ERANGE, "body.reason");
	}
	hev_withdraw(&h);
	hm_put(&h.body, 2, hs("tab\there\nand a new line"));
	expect_hev(&h, CL_OK, NULL);
	hev_accredit(&h, true);
	hm_put(&h.body, 2, hs("Tab\tin a name"));
	expect_hev(&h, CL_ERANGE, "body.name");
}

Test(event, string_contents_are_checked)
{
	struct hev	h;

	hev_accredit(&h, true);			/* NUL in a name */
	hm_put(&h.body, 2, hsn("Bad\0Name", 8));
	expect_hev(&h, CL_ERANGE, "body.name");
	hm_put(&h.body, 2, hs("Line\nbreak"));	/* control in a name */
	expect_hev(&h, CL_ERANGE, "body.name");
	hm_put(&h.body, 2, hs("DEL\x7f"));
	expect_hev(&h, CL_ERANGE, "body.name");
	hev_withdraw(&h);			/* text: newline is fine */
	hm_put(&h.body, 2, hs("line one\nline two\ttab"));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 2, hsn("nul\0", 4));	/* but not NUL */
	expect_hev(&h, CL_ERANGE, "body.reason");
	hev_accredit(&h, true);			/* URI: needs ':' */
	hm_put(&h.body, 9, hs("example.org/x"));
	expect_hev(&h, CL_ERANGE, "body.url");
	hm_put(&h.body, 9, hs("https://example.org/a b"));
	expect_hev(&h, CL_ERANGE, "body.url");
	hm_put(&h.body, 9, hs("https://example.org/\xc3\xa9"));
	expect_hev(&h, CL_ERANGE, "body.url");
}

Test(event, over_long_string_is_toobig)
{
	struct hev	h;

	hev_accredit(&h, true);
	hm_put(&h.body, 1, hsn(big, CL_NAME_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 1, hsn(big, CL_NAME_MAX + 1));
	expect_hev(&h, CL_ETOOBIG, "body.org_id");
	hev_withdraw(&h);
	hm_put(&h.body, 2, hsn(big, CL_TEXT_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 2, hsn(big, CL_TEXT_MAX + 1));
	expect_hev(&h, CL_ETOOBIG, "body.reason");
	hev_accredit(&h, true);
	hm_put(&h.body, 1, hsn(big, CL_EVENT_MAX));	/* str 16 */
	expect_hev(&h, CL_ETOOBIG, nowhere);	/* over CL_EVENT_MAX first */
}

Test(event, too_many_array_items_is_toobig)
{
	const char	*v[HA_MAX];
	struct hev	h;
	size_t		i;
	char		lang[CL_TITLE_LANGS_MAX + 1][3];

	for (i = 0; i < HA_MAX; i++)
		v[i] = items[i];
	hev_accredit(&h, true);
	hm_put(&h.body, 7, hv_strs(&h, 1, v, CL_SCOPE_FIELDS_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 7, hv_strs(&h, 1, v, CL_SCOPE_FIELDS_MAX + 1));
	expect_hev(&h, CL_ETOOBIG, "body.fields");
	hev_define(&h, true);
	hm_put(&h.body, 3, hv_strs(&h, 1, v, CL_OUTCOMES_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 3, hv_strs(&h, 1, v, CL_OUTCOMES_MAX + 1));
	expect_hev(&h, CL_ETOOBIG, "body.learning_outcomes");
	for (i = 0; i < HA_MAX; i++)
		v[i] = uris[i];
	hev_define(&h, true);
	hm_put(&h.body, 4, hv_strs(&h, 2, v, CL_SKILLS_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 4, hv_strs(&h, 2, v, CL_SKILLS_MAX + 1));
	expect_hev(&h, CL_ETOOBIG, "body.esco_skills");
	hev_define(&h, true);
	for (i = 0; i < CL_STACK_MAX + 1; i++)
		h.arr[3][i] = hb(ids[i], CL_ID_LEN);
	hm_put(&h.body, 13, harr(h.arr[3], CL_STACK_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 13, harr(h.arr[3], CL_STACK_MAX + 1));
	expect_hev(&h, CL_ETOOBIG, "body.stackable_into");
	hev_define(&h, true);			/* 33 titles: "aa" .. "bg" */
	for (i = 0; i < CL_TITLE_LANGS_MAX + 1; i++) {
		lang[i][0] = (char)('a' + i / 26);
		lang[i][1] = (char)('a' + i % 26);
		lang[i][2] = '\0';
		h.pair[i][0] = hs(lang[i]);
		h.pair[i][1] = hs("Title");
		h.arr[0][i] = harr(h.pair[i], 2);
	}
	hm_put(&h.body, 0, harr(h.arr[0], CL_TITLE_LANGS_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 0, harr(h.arr[0], CL_TITLE_LANGS_MAX + 1));
	expect_hev(&h, CL_ETOOBIG, "body.title");
}

Test(event, encoding_too_many_array_items_is_toobig)
{
	struct cl_event	e;
	struct cl_define *def;
	uint32_t	i;
	static char	lang[CL_TITLE_LANGS_MAX + 1][3];

	ev_accredit(&e, true);
	for (i = 0; i < CL_SCOPE_FIELDS_MAX; i++)
		e.body.accredit.fields[i] = (struct cl_str){ items[i], 3 };
	e.body.accredit.fields_cnt = CL_SCOPE_FIELDS_MAX;
	expect_encode(&e, CL_OK, NULL);
	e.body.accredit.fields_cnt = CL_SCOPE_FIELDS_MAX + 1;
	expect_encode(&e, CL_ETOOBIG, "body.fields");
	e.body.accredit.fields_cnt = 100000;	/* read nothing past it */
	expect_encode(&e, CL_ETOOBIG, "body.fields");
	def = ev_define(&e, true);
	for (i = 0; i < CL_OUTCOMES_MAX; i++)
		def->outcomes[i] = (struct cl_str){ items[i], 3 };
	def->outcomes_cnt = CL_OUTCOMES_MAX + 1;
	expect_encode(&e, CL_ETOOBIG, "body.learning_outcomes");
	def->outcomes_cnt = 100000;
	expect_encode(&e, CL_ETOOBIG, "body.learning_outcomes");
	def = ev_define(&e, true);
	def->skills_cnt = CL_SKILLS_MAX + 1;
	expect_encode(&e, CL_ETOOBIG, "body.esco_skills");
	def = ev_define(&e, true);
	def->stack_cnt = CL_STACK_MAX + 1;
	expect_encode(&e, CL_ETOOBIG, "body.stackable_into");
	def->stack_cnt = 100000;
	expect_encode(&e, CL_ETOOBIG, "body.stackable_into");
	def = ev_define(&e, true);	/* 32 sorted titles, claim 33 */
	for (i = 0; i < CL_TITLE_LANGS_MAX; i++) {
		lang[i][0] = (char)('a' + i / 26);
		lang[i][1] = (char)('a' + i % 26);
		def->title[i].lang = (struct cl_str){ lang[i], 2 };
		def->title[i].text = S("Title");
	}
	def->title_cnt = CL_TITLE_LANGS_MAX;
	expect_encode(&e, CL_OK, NULL);
	def->title_cnt = CL_TITLE_LANGS_MAX + 1;
	expect_encode(&e, CL_ETOOBIG, "body.title");
	def->title_cnt = 100000;
	expect_encode(&e, CL_ETOOBIG, "body.title");
}

/* A list item that is empty is refused like any empty string. */
Test(event, empty_list_item_is_not_encoded)
{
	struct cl_event	e;
	struct cl_define *def;

	ev_accredit(&e, true);
	e.body.accredit.fields[1] = (struct cl_str){ NULL, 0 };
	expect_encode(&e, CL_ERANGE, "body.fields");
	def = ev_define(&e, true);
	def->title[1].lang = (struct cl_str){ NULL, 0 };
	expect_encode(&e, CL_EKEYORDER, "body.title");	/* "" < "de" */
	def = ev_define(&e, true);
	def->title[1].text = (struct cl_str){ NULL, 0 };
	expect_encode(&e, CL_ERANGE, "body.title");
}

Test(event, repeated_list_items_are_rejected)
{
	static const char *const two[] = { "0215", "0215" };
	static const char *const esco[] = { ESCO, ESCO };
	struct hev	h;
	struct cl_event	e;
	struct cl_define *def;

	hev_accredit(&h, true);
	hm_put(&h.body, 7, hv_strs(&h, 1, two, 2));
	expect_hev(&h, CL_EDUPKEY, "body.fields");
	hev_define(&h, true);
	hm_put(&h.body, 3, hv_strs(&h, 1, two, 2));
	expect_hev(&h, CL_EDUPKEY, "body.learning_outcomes");
	hev_define(&h, true);
	hm_put(&h.body, 4, hv_strs(&h, 2, esco, 2));
	expect_hev(&h, CL_EDUPKEY, "body.esco_skills");
	hev_define(&h, true);
	h.arr[3][1] = hb(stack1, CL_ID_LEN);	/* stack1 twice */
	expect_hev(&h, CL_EDUPKEY, "body.stackable_into");
	ev_accredit(&e, true);
	e.body.accredit.fields[1] = e.body.accredit.fields[0];
	expect_encode(&e, CL_EDUPKEY, "body.fields");
	def = ev_define(&e, true);
	memcpy(def->stack[1], def->stack[0], CL_ID_LEN);
	expect_encode(&e, CL_EDUPKEY, "body.stackable_into");
	/* an order other than sorted is the author's to choose */
	ev_accredit(&e, true);
	e.body.accredit.fields[0] = S("1014");
	e.body.accredit.fields[1] = S("0215");
	expect_encode(&e, CL_OK, NULL);
}

Test(event, event_over_the_maximum_is_toobig)
{
	const char	*v[CL_OUTCOMES_MAX];
	struct hev	h;
	msgpack_sbuffer	sb;
	size_t		i;

	/* 64 outcomes of 300 bytes: each field in bounds, the whole not */
	for (i = 0; i < CL_OUTCOMES_MAX; i++)
		v[i] = longs[i];
	hev_define(&h, true);
	hm_put(&h.body, 3, hv_strs(&h, 1, v, CL_OUTCOMES_MAX));
	pack_map(&h.top, &sb);
	cr_assert_gt(sb.size, CL_EVENT_MAX);
	expect_bytes(sb.data, sb.size, CL_ETOOBIG, nowhere);
	expect_bytes(sb.data, CL_EVENT_MAX + 1, CL_ETOOBIG, nowhere);
	msgpack_sbuffer_destroy(&sb);
}

Test(event, encoding_over_the_maximum_is_toobig)
{
	struct cl_event	e;
	struct cl_define *def;
	uint8_t		*out;
	size_t		len, i;

	def = ev_define(&e, true);
	def->outcomes_cnt = CL_OUTCOMES_MAX;
	for (i = 0; i < CL_OUTCOMES_MAX; i++)
		def->outcomes[i] = (struct cl_str){ longs[i], 300 };
	cr_assert_not_null(out = malloc(4 * CL_EVENT_MAX));
	/* even with room in the buffer */
	cr_assert_eq(cl_ev_encode(&e, true, out, 4 * CL_EVENT_MAX, &len,
	    NULL), CL_ETOOBIG);
	free(out);
}

Test(event, unknown_event_type_is_rejected)
{
	struct hev	h;

	hev_status(&h, CL_EV_SUSPEND, true);
	hm_put(&h.top, 1, hu(0));
	expect_hev(&h, CL_ERANGE, "type");
	hm_put(&h.top, 1, hu(CL_EV_TYPE_MAX + 1));
	expect_hev(&h, CL_ERANGE, "type");
	hm_put(&h.top, 1, hu(255));
	expect_hev(&h, CL_ERANGE, "type");
}

Test(event, unknown_event_type_is_not_encoded)
{
	struct cl_event	e;

	ev_status(&e, CL_EV_SUSPEND, true);
	e.type = 0;				/* 0 is "absent" in a struct */
	expect_encode(&e, CL_EMISSING, "type");
	e.type = CL_EV_TYPE_MAX + 1;
	expect_encode(&e, CL_ERANGE, "type");
}

Test(event, other_versions_are_rejected)
{
	struct hev	h;
	struct cl_event	e;

	hev_issue(&h, true);
	hm_put(&h.top, 0, hu(2));
	expect_hev(&h, CL_EBADVERSION, "version");
	hm_put(&h.top, 0, hu(255));
	expect_hev(&h, CL_EBADVERSION, "version");
	hm_put(&h.top, 0, hu(0));
	expect_hev(&h, CL_ERANGE, "version");
	hm_put(&h.top, 0, hu(256));
	expect_hev(&h, CL_ERANGE, "version");
	ev_issue(&e, true);
	e.version = 2;
	expect_encode(&e, CL_EBADVERSION, "version");
}

Test(event, seq_out_of_range_is_rejected)
{
	struct hev	h;

	hev_issue(&h, true);
	hm_put(&h.top, 3, hu(0));
	expect_hev(&h, CL_ERANGE, "seq");
	hev_seq(&h, CL_SEQ_MAX + 1);
	expect_hev(&h, CL_ERANGE, "seq");
	hev_seq(&h, CL_SEQ_MAX);
	expect_hev(&h, CL_OK, NULL);
}

Test(event, prev_is_nil_exactly_at_seq_1)
{
	struct hev	h;
	struct cl_event	e;

	hev_issue(&h, true);
	hm_put(&h.top, 4, hb(prev5c, CL_ID_LEN));	/* prev at seq 1 */
	expect_hev(&h, CL_ERANGE, "prev");
	hev_seq(&h, 2);
	hm_put(&h.top, 4, hkind(HK_NIL));		/* nil at seq 2 */
	expect_hev(&h, CL_ERANGE, "prev");
	ev_issue(&e, true);
	memcpy(e.prev, prev5c, CL_ID_LEN);
	expect_encode(&e, CL_ERANGE, "prev");
	memset(e.prev, 0, CL_ID_LEN);
	e.seq = 2;
	expect_encode(&e, CL_ERANGE, "prev");
}

Test(event, all_zero_prev_is_noncanonical)
{
	struct hev	h;
	static const uint8_t zero[CL_ID_LEN];

	hev_issue(&h, true);
	hev_seq(&h, 2);
	hm_put(&h.top, 4, hb(zero, CL_ID_LEN));
	expect_hev(&h, CL_ENONCANON, "prev");
}

/*
 * An optional field is absent or holds a value; written out with its
 * zero value it is rejected.  Integers with a minimum of 1 fail their
 * range; an empty optional array and an all-zero digest decode, but
 * re-encode without the field, so the bytes are non-canonical.
 */
Test(event, explicit_zero_optional_field_is_rejected)
{
	static const uint8_t zero[CL_ID_LEN];
	struct hev	h;

	hev_accredit(&h, false);
	hm_put(&h.body, 5, hu(0));
	expect_hev(&h, CL_ERANGE, "body.eqf_min");
	hev_define(&h, true);
	hm_put(&h.body, 5, hu(0));
	expect_hev(&h, CL_ERANGE, "body.ects");
	hev_issue(&h, false);
	hm_put(&h.body, 5, hu(0));
	expect_hev(&h, CL_ERANGE, "body.valid_until");
	hev_issue(&h, false);
	hm_put(&h.body, 6, hs(""));
	expect_hev(&h, CL_ERANGE, "body.grade");
	hev_accredit(&h, false);
	hm_put(&h.body, 7, harr(NULL, 0));
	expect_hev(&h, CL_ENONCANON, "event");
	hev_define(&h, false);
	hm_put(&h.body, 13, harr(NULL, 0));
	expect_hev(&h, CL_ENONCANON, "event");
	hev_issue(&h, false);
	hm_put(&h.body, 3, hb(zero, CL_ID_LEN));
	expect_hev(&h, CL_ENONCANON, "event");
}

Test(event, eqf_range_of_accredit_must_be_ordered)
{
	struct hev	h;
	struct cl_event	e;

	hev_accredit(&h, true);
	hm_put(&h.body, 5, hu(6));
	hm_put(&h.body, 6, hu(3));
	expect_hev(&h, CL_ERANGE, "body.eqf_max");
	hm_put(&h.body, 6, hu(9));
	expect_hev(&h, CL_ERANGE, "body.eqf_max");
	ev_accredit(&e, true);
	e.body.accredit.eqf_min = 7;
	expect_encode(&e, CL_ERANGE, "body.eqf_max");
}

static void
expect_country(const char *c, cl_err want)
{
	struct hev	h;
	struct cl_event	e;

	cr_log_info("country \"%s\"", c);
	hev_accredit(&h, true);
	hm_put(&h.body, 3, hs(c));
	expect_hev(&h, want, "body.country");
	hev_define(&h, true);
	hm_put(&h.body, 2, hs(c));
	expect_hev(&h, want, "body.country");
	ev_accredit(&e, true);
	e.body.accredit.country = (struct cl_str){ c, (uint32_t)strlen(c) };
	expect_encode(&e, want, "body.country");
}

Test(event, bad_country_is_rejected)
{
	/* two bytes of the wrong shape */
	expect_country("de", CL_ERANGE);
	expect_country("dE", CL_ERANGE);
	expect_country("D1", CL_ERANGE);
	expect_country("D", CL_ERANGE);
	/* longer than the 2-byte field: a length error (PROTOCOL.md §1.3) */
	expect_country("DEU", CL_ETOOBIG);
	expect_country("\xc3\x84" "D", CL_ETOOBIG);
	expect_country("AT", CL_OK);
}

Test(event, bad_language_tag_is_rejected)
{
	static const char *const bad[] = { "EN", "e", "en_US", "engl",
	    "en-", "-en", "en--US", "en-toolongxx", "1a", "en US",
	    "e\xc3\xa9" };
	static const char *const good[] = { "en", "gsw", "pt-BR",
	    "sr-Latn-RS", "de-CH-1901" };
	struct hev	h;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_log_info("lang \"%s\"", bad[i]);
		hev_define(&h, false);
		h.pair[0][0] = hs(bad[i]);
		expect_hev(&h, CL_ERANGE, "body.title");
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		hev_define(&h, false);
		h.pair[0][0] = hs(good[i]);
		expect_hev(&h, CL_OK, NULL);
	}
	hev_define(&h, false);
	h.pair[0][0] = hs("en-aaaaaaaa-bbbb");	/* 16 bytes: the limit */
	expect_hev(&h, CL_OK, NULL);
	h.pair[0][0] = hs("en-aaaaaaaa-bbbbb");
	expect_hev(&h, CL_ETOOBIG, "body.title");
}

Test(event, define_titles_must_be_in_language_order)
{
	struct hev	h;
	struct cl_event	e;
	struct cl_define *def;

	hev_define(&h, true);			/* de, pt-BR, en */
	h.arr[0][1] = harr(h.pair[2], 2);
	h.arr[0][2] = harr(h.pair[1], 2);
	expect_hev(&h, CL_EKEYORDER, "body.title");
	def = ev_define(&e, true);
	def->title[0].lang = S("fr");
	expect_encode(&e, CL_EKEYORDER, "body.title");
	/* byte order: a tag sorts before its longer variants */
	def = ev_define(&e, true);
	def->title[1].lang = S("pt");
	expect_encode(&e, CL_OK, NULL);
	def->title[1].lang = S("pt-BR");
	def->title[2].lang = S("pt");
	expect_encode(&e, CL_EKEYORDER, "body.title");
}

Test(event, define_titles_must_not_repeat_a_language)
{
	struct hev	h;
	struct cl_event	e;
	struct cl_define *def;

	hev_define(&h, true);			/* de, de, pt-BR */
	h.pair[1][0] = hs("de");
	expect_hev(&h, CL_EDUPKEY, "body.title");
	def = ev_define(&e, true);
	def->title[2].lang = S("en");
	expect_encode(&e, CL_EDUPKEY, "body.title");
}

Test(event, define_needs_a_workload)
{
	struct hev	h;
	struct cl_event	e;
	struct cl_define *def;

	hev_define(&h, true);
	hm_del(&h.body, 5);
	hm_del(&h.body, 6);
	expect_hev(&h, CL_EMISSING, "body.workload");
	def = ev_define(&e, true);
	def->ects = 0;
	def->hours = 0;
	expect_encode(&e, CL_EMISSING, "body.workload");
}

/* Annex I: the elements every DEFINE must carry, by key and field. */
static const struct {
	uint64_t	 key;
	const char	*field;
} annex[] = {
	{ 0, "body.title" }, { 1, "body.awarding_body" },
	{ 2, "body.country" }, { 3, "body.learning_outcomes" },
	{ 7, "body.eqf" }, { 8, "body.nqf" }, { 9, "body.assessment" },
	{ 10, "body.participation" }, { 11, "body.quality_assurance" },
};
#define ANNEX_N	(sizeof(annex) / sizeof(annex[0]))

static void
annex_clear(struct cl_define *d, uint64_t key)
{
	switch (key) {
	case 0: d->title_cnt = 0; break;
	case 1: d->awarding_body.len = 0; break;
	case 2: d->country.len = 0; break;
	case 3: d->outcomes_cnt = 0; break;
	case 7: d->eqf = 0; break;
	case 8: d->nqf.len = 0; break;
	case 9: d->assessment.len = 0; break;
	case 10: d->participation.len = 0; break;
	default: d->quality_assurance.len = 0; break;
	}
}

Test(event, annex_i_element_missing_is_not_encoded)
{
	struct cl_event	e;
	struct cl_define *def;
	uint8_t		out[CL_EVENT_MAX], id[CL_ID_LEN];
	size_t		i, len;

	for (i = 0; i < ANNEX_N; i++) {
		def = ev_define(&e, true);
		annex_clear(def, annex[i].key);
		expect_encode(&e, CL_EMISSING, annex[i].field);
		cr_assert_eq(cl_ev_sign(&e, net_a, ka.sk, out, sizeof(out),
		    &len, id), CL_EMISSING, "%s", annex[i].field);
	}
}

Test(event, annex_i_element_missing_is_not_decoded)
{
	struct hev	h;
	size_t		i;

	for (i = 0; i < ANNEX_N; i++) {
		hev_define(&h, true);
		hm_del(&h.body, annex[i].key);
		expect_hev(&h, CL_EMISSING, annex[i].field);
	}
	/* an empty list is missing too */
	hev_define(&h, true);
	hm_put(&h.body, 0, harr(NULL, 0));
	expect_hev(&h, CL_EMISSING, "body.title");
	hev_define(&h, true);
	hm_put(&h.body, 3, harr(NULL, 0));
	expect_hev(&h, CL_EMISSING, "body.learning_outcomes");
	hev_define(&h, true);			/* and an empty string */
	hm_put(&h.body, 8, hs(""));
	expect_hev(&h, CL_ERANGE, "body.nqf");
}

Test(event, eqf_level_out_of_range_is_rejected)
{
	struct hev	h;

	hev_define(&h, true);
	hm_put(&h.body, 7, hu(9));
	expect_hev(&h, CL_ERANGE, "body.eqf");
	hm_put(&h.body, 7, hu(0));
	expect_hev(&h, CL_ERANGE, "body.eqf");
	hm_put(&h.body, 7, hu(8));
	expect_hev(&h, CL_OK, NULL);
}

Test(event, issue_valid_until_before_issued_at_is_rejected)
{
	struct hev	h;
	struct cl_event	e;

	hev_issue(&h, true);
	hm_put(&h.body, 5, hu(TIME - 1));
	expect_hev(&h, CL_ERANGE, "body.valid_until");
	hm_put(&h.body, 5, hu(TIME));		/* the same instant is fine */
	expect_hev(&h, CL_OK, NULL);
	ev_issue(&e, true);
	e.body.issue.valid_until = TIME - 1;
	expect_encode(&e, CL_ERANGE, "body.valid_until");
}

Test(event, issue_supervision_out_of_range_is_rejected)
{
	struct hev	h;
	struct cl_event	e;

	hev_issue(&h, true);
	hm_put(&h.body, 7, hu(0));
	expect_hev(&h, CL_ERANGE, "body.supervision");
	hm_put(&h.body, 7, hu(CL_SUP_MAX + 1));
	expect_hev(&h, CL_ERANGE, "body.supervision");
	ev_issue(&e, true);
	e.body.issue.supervision = 0;
	expect_encode(&e, CL_EMISSING, "body.supervision");
	e.body.issue.supervision = 5;
	expect_encode(&e, CL_ERANGE, "body.supervision");
}

Test(event, issue_holder_kind_out_of_range_is_rejected)
{
	struct hev	h;
	struct cl_event	e;

	hev_issue(&h, true);
	hm_put(&h.body, 2, hu(2));
	expect_hev(&h, CL_ERANGE, "body.holder_kind");
	ev_issue(&e, true);
	e.body.issue.holder_kind = 2;
	expect_encode(&e, CL_ERANGE, "body.holder_kind");
}

Test(event, revoke_reason_code_out_of_range_is_rejected)
{
	struct hev	h;
	struct cl_event	e;

	hev_status(&h, CL_EV_REVOKE, true);
	hm_put(&h.body, 1, hu(CL_REVOKE_CODE_MAX));
	expect_hev(&h, CL_OK, NULL);
	hm_put(&h.body, 1, hu(CL_REVOKE_CODE_MAX + 1));
	expect_hev(&h, CL_ERANGE, "body.reason_code");
	ev_status(&e, CL_EV_REVOKE, true);
	e.body.status.reason_code = 10;
	expect_encode(&e, CL_ERANGE, "body.reason_code");
}

/*
 * A count of 2^32-1 in a few bytes.  No allocation may be sized by it:
 * the address space is capped at 256 MiB here (ASan builds cannot cap it,
 * and report any allocation that big themselves).
 */
Test(event, huge_declared_count_in_a_tiny_buffer_is_truncated)
{
	static const struct {
		const char	*b;
		size_t		 len;
	} tiny[] = {
		{ "\xdd\xff\xff\xff\xff", 5 },		/* array 32 */
		{ "\xdf\xff\xff\xff\xff", 5 },		/* map 32 */
		{ "\xdc\xff\xff\x01", 4 },		/* array 16 */
		{ "\xde\xff\xff\x01\x01", 5 },		/* map 16 */
		{ "\xdb\xff\xff\xff\xff" "abc", 8 },	/* str 32 */
		{ "\xc6\xff\xff\xff\xff" "abc", 8 },	/* bin 32 */
		{ "\x81\x00\xdd\xff\xff\xff\xff\x00", 8 },	/* nested */
	};
	struct hev	h;
	size_t		i;
#ifndef __SANITIZE_ADDRESS__
	struct rlimit	rl = { 256u << 20, 256u << 20 };

	cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
#endif
	for (i = 0; i < sizeof(tiny) / sizeof(tiny[0]); i++)
		expect_bytes(tiny[i].b, tiny[i].len, CL_ETRUNCATED, nowhere);
	/* inside a whole event, as the value of a list */
	hev_accredit(&h, true);
	hm_put(&h.body, 7, hraw("\xdd\xff\xff\xff\xff\xa1x", 7));
	expect_hev(&h, CL_ETRUNCATED, nowhere);
	hev_define(&h, true);
	hm_put(&h.body, 3, hraw("\xdc\xff\xff", 3));
	expect_hev(&h, CL_ETRUNCATED, nowhere);
}

/* Nest n arrays around a string as the value of ACCREDIT's fields. */
static void
nest(struct hev *h, size_t n)
{
	size_t	i;

	cr_assert_lt(n, HA_MAX);
	hev_accredit(h, true);
	h->arr[2][0] = hs("0215");
	for (i = 1; i < n; i++)
		h->arr[2][i] = harr(&h->arr[2][i - 1], 1);
	hm_put(&h->body, 7, harr(&h->arr[2][n - 1], 1));
}

Test(event, nesting_deeper_than_8_is_toobig)
{
	struct hev	h;
	msgpack_sbuffer	sb;
	size_t		i;

	/* event (0) > body (1) > fields (2) > arrays > the string at 8 */
	nest(&h, 6);
	expect_hev(&h, CL_EBADTYPE, "body.fields");
	nest(&h, 7);				/* the string at depth 9 */
	expect_hev(&h, CL_ETOOBIG, nowhere);
	nest(&h, 40);
	expect_hev(&h, CL_ETOOBIG, nowhere);
	/* 100,000 nested arrays: no recursion that deep */
	msgpack_sbuffer_init(&sb);
	for (i = 0; i < 100000; i++)
		msgpack_sbuffer_write(&sb, "\x91", 1);
	msgpack_sbuffer_write(&sb, "\x00", 1);
	expect_bytes(sb.data, CL_EVENT_MAX, CL_ETOOBIG, nowhere);
	msgpack_sbuffer_destroy(&sb);
}

Test(event, top_level_must_be_a_map)
{
	expect_bytes("\x90", 1, CL_EBADTYPE, "event");
	expect_bytes("\x01", 1, CL_EBADTYPE, "event");
	expect_bytes("\xc0", 1, CL_EBADTYPE, "event");
	expect_bytes("\x80", 1, CL_EMISSING, "version");
	expect_bytes("", 0, CL_ETRUNCATED, nowhere);
}

Test(event, reserved_byte_c1_is_rejected)
{
	struct hev	h;

	hev_issue(&h, true);
	hm_put(&h.body, 6, hraw("\xc1", 1));
	expect_hev(&h, CL_EBADTYPE, nowhere);
}

/* ------------------------------------------------------------------ */
/* Signatures. */

static void
flip_all(const uint8_t *out, size_t len)
{
	uint8_t		*buf = malloc(len), id[CL_ID_LEN];
	struct cl_event	d;
	size_t		i;
	int		b, decoded = 0;

	cr_assert_not_null(buf);
	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++) {
			memcpy(buf, out, len);
			buf[i] ^= (uint8_t)(1u << b);
			if (cl_ev_decode(&d, buf, len, NULL) != CL_OK)
				continue;
			decoded++;
			cr_assert_eq(cl_ev_verify(&d, net_a, id), CL_EBADSIG,
			    "byte %zu bit %d passes", i, b);
			cl_ev_free(&d);
		}
	}
	/* most flips of text, keys, signature still decode */
	cr_assert_gt(decoded, 0);
	free(buf);
}

Test(event, any_flipped_bit_fails_decode_or_verify)
{
	struct cl_event	e;
	uint8_t		out[CL_EVENT_MAX], id[CL_ID_LEN];
	size_t		len;

	ev_accredit(&e, true);
	cr_assert_eq(cl_ev_sign(&e, net_a, ka.sk, out, sizeof(out), &len, id),
	    CL_OK);
	flip_all(out, len);
	ev_issue(&e, true);
	e.seq = 4;
	memcpy(e.prev, prev5c, CL_ID_LEN);
	cr_assert_eq(cl_ev_sign(&e, net_a, kb.sk, out, sizeof(out), &len, id),
	    CL_OK);
	flip_all(out, len);
}

Test(event, signed_for_another_network_fails_verify)
{
	struct cl_event	e, d;
	uint8_t		out[CL_EVENT_MAX], id[CL_ID_LEN], id_b[CL_ID_LEN];
	size_t		len;

	ev_issue(&e, true);
	cr_assert_eq(cl_ev_sign(&e, net_b, ka.sk, out, sizeof(out), &len,
	    id_b), CL_OK);
	cr_assert_eq(cl_ev_decode(&d, out, len, NULL), CL_OK);
	cr_assert_eq(cl_ev_verify(&d, net_a, id), CL_EBADSIG);
	cr_assert_eq(cl_ev_verify(&d, net_b, id), CL_OK);
	cr_assert_arr_eq(id, id_b, CL_ID_LEN);
	/* the id names the network too */
	cr_assert_eq(cl_ev_id(&d, net_a, id), CL_OK);
	cr_assert_arr_neq(id, id_b, CL_ID_LEN);
	cl_ev_free(&d);
}

Test(event, sign_takes_the_author_from_the_key)
{
	struct cl_event	e, d;
	uint8_t		out[CL_EVENT_MAX], id[CL_ID_LEN], id2[CL_ID_LEN];
	size_t		len;

	ev_withdraw(&e);
	memset(e.author, 0xee, CL_PK_LEN);	/* overwritten */
	cr_assert_eq(cl_ev_sign(&e, net_a, kb.sk, out, sizeof(out), &len, id),
	    CL_OK);
	cr_assert_arr_eq(e.author, kb.pk, CL_PK_LEN);
	cr_assert_eq(cl_ev_decode(&d, out, len, NULL), CL_OK);
	cr_assert_arr_eq(d.author, kb.pk, CL_PK_LEN);
	cr_assert_eq(cl_ev_verify(&d, net_a, id2), CL_OK);
	cr_assert_arr_eq(id2, id, CL_ID_LEN);
	cl_ev_free(&d);
}

Test(event, signature_of_another_author_fails_verify)
{
	struct cl_event	d;
	uint8_t		sig[CL_SIG_LEN], id[CL_ID_LEN], id2[CL_ID_LEN];
	struct hev	h;
	msgpack_sbuffer	sb;

	/* a's signature, but the author field names b */
	hev_withdraw(&h);
	hm_put(&h.top, 2, hb(kb.pk, CL_PK_LEN));
	hev_sign(&h, net_a, &ka, sig, id);
	pack_map(&h.top, &sb);
	cr_assert_eq(cl_ev_decode(&d, (const uint8_t *)sb.data, sb.size,
	    NULL), CL_OK);
	cr_assert_eq(cl_ev_verify(&d, net_a, id), CL_EBADSIG);
	cl_ev_free(&d);
	msgpack_sbuffer_destroy(&sb);
	/* and signed properly by b it passes */
	hev_sign(&h, net_a, &kb, sig, id);
	pack_map(&h.top, &sb);
	cr_assert_eq(cl_ev_decode(&d, (const uint8_t *)sb.data, sb.size,
	    NULL), CL_OK);
	cr_assert_eq(cl_ev_verify(&d, net_a, id2), CL_OK);
	cr_assert_arr_eq(id2, id, CL_ID_LEN);
	cl_ev_free(&d);
	msgpack_sbuffer_destroy(&sb);
}
