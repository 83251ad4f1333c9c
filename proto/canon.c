/* SPDX-License-Identifier: Apache-2.0 */
/* Canonical msgpack: bounded writer, guarded reader, table-driven records. */
#include "canon.h"

#include <string.h>

#include "limits.h"


static int
w_write(void *data, const char *buf, size_t len)
{
	struct cl__w	*w = data;

	if (w->err != CL_OK)
		return -1;
	if (len > w->cap - w->len) {
		w->err = CL_ETOOBIG;
		return -1;
	}
	memcpy(w->buf + w->len, buf, len);
	w->len += len;
	return 0;
}

void
cl__w_init(struct cl__w *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = CL_OK;
	msgpack_packer_init(&w->pk, w, w_write);
}

/* The packer's return values are ignored: the error sticks in w->err. */
void
cl__w_uint(struct cl__w *w, uint64_t v)
{
	(void)msgpack_pack_uint64(&w->pk, v);
}

void
cl__w_str(struct cl__w *w, const char *s, size_t len)
{
	(void)msgpack_pack_str_with_body(&w->pk, s, len);
}

void
cl__w_bin(struct cl__w *w, const void *b, size_t len)
{
	(void)msgpack_pack_bin_with_body(&w->pk, b, len);
}

void
cl__w_nil(struct cl__w *w)
{
	(void)msgpack_pack_nil(&w->pk);
}

void
cl__w_map(struct cl__w *w, size_t n)
{
	(void)msgpack_pack_map(&w->pk, n);
}

void
cl__w_array(struct cl__w *w, size_t n)
{
	(void)msgpack_pack_array(&w->pk, n);
}

/* A bounded cursor with a sticky error (Knot DNS's wire_ctx). */
struct cur {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	cl_err		 err;
};

static uint64_t
take(struct cur *c, size_t n)
{
	uint64_t	v = 0;

	if (c->err != CL_OK)
		return 0;
	if (n > c->len - c->off) {
		c->err = CL_ETRUNCATED;
		return 0;
	}
	while (n-- > 0)
		v = v << 8 | c->p[c->off++];
	return v;
}

static void
skip(struct cur *c, uint64_t n)
{
	if (c->err != CL_OK)
		return;
	if (n > c->len - c->off) {
		c->err = CL_ETRUNCATED;
		return;
	}
	c->off += (size_t)n;
}

/*
 * Walk one value.  Every element of a container takes at least one byte,
 * so a count larger than the bytes left is a lie: CL_ETRUNCATED, before
 * anything is allocated for it.
 */
static void
scan(struct cur *c, int depth)
{
	uint64_t	n = 0, b;
	bool		map = false;

	if (c->err != CL_OK)
		return;
	if (depth > CL_DEPTH_MAX) {
		c->err = CL_ETOOBIG;
		return;
	}
	b = take(c, 1);
	if (c->err != CL_OK)
		return;
	if (b <= 0x7f || b == 0xc0 || b == 0xc2 || b == 0xc3)
		return;			/* fixint, nil, false, true */
	if (b >= 0xa0 && b <= 0xbf) {
		skip(c, b & 0x1f);	/* fixstr */
		return;
	}
	switch (b) {
	case 0xcc: skip(c, 1); return;	/* uint 8..64 */
	case 0xcd: skip(c, 2); return;
	case 0xce: skip(c, 4); return;
	case 0xcf: skip(c, 8); return;
	case 0xc4: case 0xd9: skip(c, take(c, 1)); return;	/* bin, str */
	case 0xc5: case 0xda: skip(c, take(c, 2)); return;
	case 0xc6: case 0xdb: skip(c, take(c, 4)); return;
	case 0xdc: n = take(c, 2); break;	/* array 16, 32 */
	case 0xdd: n = take(c, 4); break;
	case 0xde: n = take(c, 2); map = true; break;	/* map 16, 32 */
	case 0xdf: n = take(c, 4); map = true; break;
	default:
		if (b >= 0x80 && b <= 0x8f) {
			n = b & 0x0f;
			map = true;
		} else if (b >= 0x90 && b <= 0x9f) {
			n = b & 0x0f;
		} else {
			/* floats, signed ints, ext: never on our wire */
			c->err = CL_EBADTYPE;
			return;
		}
	}
	if (map)
		n *= 2;
	if (c->err == CL_OK && n > c->len - c->off) {
		c->err = CL_ETRUNCATED;
		return;
	}
	while (n-- > 0 && c->err == CL_OK)
		scan(c, depth + 1);
}

cl_err
cl__parse(const uint8_t *in, size_t len, msgpack_zone *z, msgpack_object *obj)
{
	struct cur		c = { in, len, 0, CL_OK };
	size_t			off = 0;
	msgpack_unpack_return	r;

	scan(&c, 0);
	if (c.err != CL_OK)
		return c.err;
	if (c.off != len)
		return CL_ETRAILING;
	r = msgpack_unpack((const char *)in, len, &off, z, obj);
	switch (r) {
	case MSGPACK_UNPACK_SUCCESS:
		return CL_OK;
	case MSGPACK_UNPACK_EXTRA_BYTES:
		return CL_ETRAILING;
	case MSGPACK_UNPACK_CONTINUE:
		return CL_ETRUNCATED;
	case MSGPACK_UNPACK_NOMEM_ERROR:
		return CL_ENOMEM;
	default:
		return CL_EBADTYPE;
	}
}

/*
 * Walk s as UTF-8, calling ok() on each code point; false at the first
 * invalid sequence (overlong, surrogate, > U+10FFFF, truncated) or the
 * first code point ok() refuses.
 */
static bool
utf8_walk(const char *str, size_t len, bool (*ok)(uint32_t, uint8_t),
    uint8_t chk)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		if (s[i] < 0x80) {
			n = 0;
			cp = s[i];
		} else if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			cp = s[i] & 0x1fu;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 2;
			cp = s[i] & 0x0fu;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			cp = s[i] & 0x07u;
		} else {
			return false;
		}
		if (n > len - i - 1)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if (ok != NULL && !ok(cp, chk))
			return false;
		i += n + 1;
	}
	return true;
}

bool
cl__utf8_valid(const char *s, size_t len)
{
	return utf8_walk(s, len, NULL, 0);
}

/*
 * Characters that can make a name read as another on a verification
 * page, or drive a terminal: C0 and C1 controls (free text may keep tab
 * and newline), zero-width and direction marks, bidi embeddings,
 * overrides and isolates, the byte-order mark, non-characters.
 */
static bool
cp_allowed(uint32_t cp, uint8_t chk)
{
	if (cp < 0x20)
		return chk == CL_CHK_TEXT && (cp == '\t' || cp == '\n');
	if (cp >= 0x7f && cp <= 0x9f)
		return false;
	if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
	    (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
		return false;
	if (chk == CL_CHK_URI)
		return cp > 0x20 && cp < 0x7f;
	return true;
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_alnum(char c)
{
	return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9');
}

static bool
lang_valid(const char *s, size_t len)
{
	size_t	i = 0, run;

	while (i < len && is_lower(s[i]))
		i++;
	if (i < 2 || i > 3)
		return false;
	while (i < len) {
		if (s[i++] != '-')
			return false;
		for (run = 0; i < len && is_alnum(s[i]); i++)
			run++;
		if (run < 1 || run > 8)
			return false;
	}
	return true;
}

/* Content checks beyond UTF-8; the error for a bad string. */
static cl_err
str_check(const char *s, size_t len, uint8_t chk, uint64_t max)
{
	if (len == 0)
		return CL_ERANGE;
	if (len > max)
		return CL_ETOOBIG;
	if (!cl__utf8_valid(s, len))
		return CL_EBADUTF8;
	if (!utf8_walk(s, len, cp_allowed, chk))
		return CL_ERANGE;
	switch (chk) {
	case CL_CHK_COUNTRY:
		return len == 2 && is_upper(s[0]) && is_upper(s[1]) ?
		    CL_OK : CL_ERANGE;
	case CL_CHK_LANG:
		return lang_valid(s, len) ? CL_OK : CL_ERANGE;
	case CL_CHK_URI:
		return memchr(s, ':', len) != NULL ? CL_OK : CL_ERANGE;
	default:
		return CL_OK;
	}
}

static bool
all_zero(const uint8_t *p, size_t len)
{
	uint8_t	acc = 0;

	while (len-- > 0)
		acc |= *p++;
	return acc == 0;
}

#define AT(rec, off, type)	((type *)(void *)((char *)(rec) + (off)))
#define CAT(rec, off, type)	\
	((const type *)(const void *)((const char *)(rec) + (off)))

/* True when a field holds nothing, so an optional one is left out. */
static bool
field_empty(const struct cl__field *f, const void *rec)
{
	switch (f->kind) {
	case CL_FK_U64:
		return *CAT(rec, f->off, uint64_t) == 0;
	case CL_FK_BIN32:
		return all_zero(CAT(rec, f->off, uint8_t), 32);
	case CL_FK_BIN64:
		return all_zero(CAT(rec, f->off, uint8_t), 64);
	case CL_FK_STR:
		return CAT(rec, f->off, struct cl_str)->len == 0;
	case CL_FK_STRS: case CL_FK_LANGSTRS: case CL_FK_BIN32S:
	case CL_FK_RECORDS:
		return *CAT(rec, f->cnt_off, uint32_t) == 0;
	default:
		return false;	/* PREV and BODY are always written */
	}
}

static void
fail(struct cl__w *w, struct cl_where *where, cl_err err, const char *field)
{
	if (w->err != CL_OK)
		return;
	w->err = err;
	if (where != NULL)
		where->field = field;
}

static void
enc_str(struct cl__w *w, const struct cl_str *s, uint8_t chk, uint64_t max,
    struct cl_where *where, const char *name)
{
	cl_err	err;

	if ((err = str_check(s->ptr, s->len, chk, max)) != CL_OK) {
		fail(w, where, err, name);
		return;
	}
	cl__w_str(w, s->ptr, s->len);
}

static void
enc_field(struct cl__w *w, const struct cl__field *f, const void *rec,
    struct cl_where *where)
{
	uint32_t		 i, cnt = 0;
	uint64_t		 v;
	const struct cl_str	*ss;
	const struct cl_langstr	*ls;

	if (f->kind >= CL_FK_STRS && f->kind <= CL_FK_RECORDS) {
		cnt = *CAT(rec, f->cnt_off, uint32_t);
		if (cnt > f->max) {
			fail(w, where, CL_ETOOBIG, f->name);
			return;
		}
		cl__w_array(w, cnt);
	}
	switch (f->kind) {
	case CL_FK_U64:
		v = *CAT(rec, f->off, uint64_t);
		if (v < f->min || v > f->max)
			fail(w, where, CL_ERANGE, f->name);
		cl__w_uint(w, v);
		break;
	case CL_FK_BIN32:
		cl__w_bin(w, CAT(rec, f->off, uint8_t), 32);
		break;
	case CL_FK_BIN64:
		cl__w_bin(w, CAT(rec, f->off, uint8_t), 64);
		break;
	case CL_FK_PREV:
		if (all_zero(CAT(rec, f->off, uint8_t), 32))
			cl__w_nil(w);
		else
			cl__w_bin(w, CAT(rec, f->off, uint8_t), 32);
		break;
	case CL_FK_STR:
		enc_str(w, CAT(rec, f->off, struct cl_str), f->chk, f->max,
		    where, f->name);
		break;
	case CL_FK_STRS:
		ss = CAT(rec, f->off, struct cl_str);
		for (i = 0; i < cnt; i++)
			enc_str(w, &ss[i], f->chk, f->item_max, where,
			    f->name);
		break;
	case CL_FK_LANGSTRS:
		ls = CAT(rec, f->off, struct cl_langstr);
		for (i = 0; i < cnt; i++) {
			cl__w_array(w, 2);
			enc_str(w, &ls[i].lang, CL_CHK_LANG, CL_LANG_MAX,
			    where, f->name);
			enc_str(w, &ls[i].text, f->chk, f->item_max, where,
			    f->name);
		}
		break;
	case CL_FK_BIN32S:
		for (i = 0; i < cnt; i++)
			cl__w_bin(w, CAT(rec, f->off, uint8_t) + 32 * i, 32);
		break;
	case CL_FK_RECORDS:
		for (i = 0; i < cnt; i++)
			cl__rec_encode(w, f->sub, (const char *)rec + f->off +
			    f->stride * i, where);
		break;
	case CL_FK_BODY: {
		const struct cl__table	*sub = f->select(rec);
		const void		*body;

		if (sub == NULL) {
			fail(w, where, CL_EBADEVTYPE, f->name);
			break;
		}
		body = f->body != NULL ? f->body(rec) :
		    (const char *)rec + f->off;
		if (body == NULL)
			fail(w, where, CL_EMISSING, f->name);
		else
			cl__rec_encode(w, sub, body, where);
		break;
	}
	}
}

void
cl__rec_encode(struct cl__w *w, const struct cl__table *t, const void *rec,
    struct cl_where *where)
{
	size_t	i, n = 0;

	for (i = 0; i < t->n; i++) {
		const struct cl__field *f = &t->f[i];

		if (!field_empty(f, rec))
			n++;
		else if (!f->opt && f->kind != CL_FK_U64 &&
		    f->kind != CL_FK_BIN32 && f->kind != CL_FK_BIN64)
			fail(w, where, CL_EMISSING, f->name);
		else if (!f->opt && f->kind == CL_FK_U64 && f->min > 0)
			fail(w, where, CL_EMISSING, f->name);
		else if (!f->opt)
			n++;
	}
	cl__w_map(w, n);
	for (i = 0; i < t->n && w->err == CL_OK; i++) {
		if (t->f[i].opt && field_empty(&t->f[i], rec))
			continue;
		cl__w_uint(w, t->f[i].key);
		enc_field(w, &t->f[i], rec, where);
	}
}

static cl_err
dec_str(const msgpack_object *o, struct cl_str *s, uint8_t chk, uint64_t max)
{
	if (o->type != MSGPACK_OBJECT_STR)
		return CL_EBADTYPE;
	s->ptr = o->via.str.ptr;
	s->len = o->via.str.size;
	return str_check(s->ptr, s->len, chk, max);
}

static cl_err
dec_bin(const msgpack_object *o, uint8_t *out, size_t len)
{
	if (o->type != MSGPACK_OBJECT_BIN)
		return CL_EBADTYPE;
	if (o->via.bin.size != len)
		return CL_ERANGE;
	memcpy(out, o->via.bin.ptr, len);
	return CL_OK;
}

static cl_err
dec_field(const msgpack_object *o, const struct cl__field *f, void *rec,
    struct cl_where *where)
{
	uint32_t	 i, n = 0;
	cl_err		 err = CL_OK;

	if (f->kind >= CL_FK_STRS && f->kind <= CL_FK_RECORDS) {
		if (o->type != MSGPACK_OBJECT_ARRAY)
			return CL_EBADTYPE;
		if (o->via.array.size > f->max)
			return CL_ETOOBIG;
		n = o->via.array.size;
		if (n == 0 && !f->opt)
			return CL_EMISSING;
		*AT(rec, f->cnt_off, uint32_t) = n;
	}
	switch (f->kind) {
	case CL_FK_U64:
		if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
			return CL_EBADTYPE;
		if (o->via.u64 < f->min || o->via.u64 > f->max)
			return CL_ERANGE;
		*AT(rec, f->off, uint64_t) = o->via.u64;
		return CL_OK;
	case CL_FK_BIN32:
		return dec_bin(o, AT(rec, f->off, uint8_t), 32);
	case CL_FK_BIN64:
		return dec_bin(o, AT(rec, f->off, uint8_t), 64);
	case CL_FK_PREV:
		if (o->type == MSGPACK_OBJECT_NIL)
			return CL_OK;
		if ((err = dec_bin(o, AT(rec, f->off, uint8_t), 32)) != CL_OK)
			return err;
		/* an all-zero prev would re-encode as nil */
		return all_zero(AT(rec, f->off, uint8_t), 32) ?
		    CL_ENONCANON : CL_OK;
	case CL_FK_STR:
		return dec_str(o, AT(rec, f->off, struct cl_str), f->chk,
		    f->max);
	case CL_FK_STRS:
		for (i = 0; i < n && err == CL_OK; i++)
			err = dec_str(&o->via.array.ptr[i],
			    AT(rec, f->off, struct cl_str) + i, f->chk,
			    f->item_max);
		return err;
	case CL_FK_LANGSTRS:
		for (i = 0; i < n && err == CL_OK; i++) {
			const msgpack_object	*p = &o->via.array.ptr[i];
			struct cl_langstr	*ls;

			ls = AT(rec, f->off, struct cl_langstr) + i;
			if (p->type != MSGPACK_OBJECT_ARRAY)
				return CL_EBADTYPE;
			if (p->via.array.size != 2)
				return CL_ERANGE;
			err = dec_str(&p->via.array.ptr[0], &ls->lang,
			    CL_CHK_LANG, CL_LANG_MAX);
			if (err == CL_OK)
				err = dec_str(&p->via.array.ptr[1], &ls->text,
				    f->chk, f->item_max);
		}
		return err;
	case CL_FK_BIN32S:
		for (i = 0; i < n && err == CL_OK; i++)
			err = dec_bin(&o->via.array.ptr[i],
			    AT(rec, f->off, uint8_t) + 32 * i, 32);
		return err;
	case CL_FK_RECORDS:
		for (i = 0; i < n && err == CL_OK; i++)
			err = cl__rec_decode(&o->via.array.ptr[i], f->sub,
			    (char *)rec + f->off + f->stride * i, where);
		return err;
	case CL_FK_BODY: {
		const struct cl__table	*sub = f->select(rec);
		void			*body;

		if (sub == NULL)
			return CL_EBADEVTYPE;
		body = f->body_new != NULL ? f->body_new(rec) :
		    (char *)rec + f->off;
		if (body == NULL)
			return CL_ENOMEM;
		return cl__rec_decode(o, sub, body, where);
	}
	}
	return CL_EBADTYPE;
}

cl_err
cl__rec_decode(const msgpack_object *obj, const struct cl__table *t,
    void *rec, struct cl_where *where)
{
	const msgpack_object_kv	*kv;
	size_t			 i, fi = 0;
	uint64_t		 key, last = 0;
	cl_err			 err;
	const char		*at = t->name;

	if (obj->type != MSGPACK_OBJECT_MAP) {
		err = CL_EBADTYPE;
		goto out;
	}
	for (i = 0; i < obj->via.map.size; i++) {
		kv = &obj->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
			at = t->name;	/* names no field: the record's fault */
			err = CL_EBADTYPE;
			goto out;
		}
		key = kv->key.via.u64;
		if (i > 0 && key <= last) {
			err = key == last ? CL_EDUPKEY : CL_EKEYORDER;
			goto out;
		}
		last = key;
		for (; fi < t->n && t->f[fi].key < key; fi++) {
			if (!t->f[fi].opt) {
				at = t->f[fi].name;
				err = CL_EMISSING;
				goto out;
			}
		}
		if (fi == t->n || t->f[fi].key != key) {
			at = t->name;	/* not the field decoded before it */
			err = CL_EUNKNOWNKEY;
			goto out;
		}
		at = t->f[fi].name;
		if (where != NULL)
			where->field = NULL;
		err = dec_field(&kv->val, &t->f[fi], rec, where);
		if (err != CL_OK) {
			/*
			 * A nested record has said where; an error of the
			 * list of records itself (not a list, too long,
			 * empty) is this field's.
			 */
			if (where != NULL && where->field != NULL)
				return err;
			goto out;
		}
		fi++;
	}
	for (; fi < t->n; fi++) {
		if (!t->f[fi].opt) {
			at = t->f[fi].name;
			err = CL_EMISSING;
			goto out;
		}
	}
	return CL_OK;
out:
	if (where != NULL)
		where->field = at;
	return err;
}
