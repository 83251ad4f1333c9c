/* SPDX-License-Identifier: Apache-2.0 */
/* DEFINE bodies from achievement JSON, and back. */
#include "achievement.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "elm_common.h"
#include "event.h"
#include "hex.h"
#include "limits.h"

/* Achievement JSON -> struct cl_define. */

void
cl_elm_strings_init(struct cl_elm_strings *store)
{
	memset(store, 0, sizeof(*store));
}

void
cl_elm_strings_free(struct cl_elm_strings *store)
{
	if (store == NULL)
		return;
	json_decref(store->root);
	memset(store, 0, sizeof(*store));
}

enum kind {
	K_TEXT,		/* non-empty string */
	K_COUNTRY,
	K_TITLE,
	K_OUTCOMES,
	K_SKILLS,
	K_ECTS,
	K_HOURS,
	K_EQF,
	K_NQF,
	K_STACK,
};

static const struct {
	const char	*key;
	enum kind	 kind;
	size_t		 off;	/* of the struct cl_str, for K_TEXT */
} keys[] = {
	{ "title", K_TITLE, 0 },
	{ "awarding_body", K_TEXT, offsetof(struct cl_define, awarding_body) },
	{ "country", K_COUNTRY, 0 },
	{ "learning_outcomes", K_OUTCOMES, 0 },
	{ "esco_skills", K_SKILLS, 0 },
	{ "ects", K_ECTS, 0 },
	{ "hours", K_HOURS, 0 },
	{ "eqf", K_EQF, 0 },
	{ "nqf", K_NQF, 0 },
	{ "assessment", K_TEXT, offsetof(struct cl_define, assessment) },
	{ "participation", K_TEXT,
	    offsetof(struct cl_define, participation) },
	{ "quality_assurance", K_TEXT,
	    offsetof(struct cl_define, quality_assurance) },
	{ "prerequisites", K_TEXT,
	    offsetof(struct cl_define, prerequisites) },
	{ "stackable_into", K_STACK, 0 },
	{ "further_info", K_TEXT, offsetof(struct cl_define, further_info) },
};

struct parse {
	struct cl_define	*def;
	struct cl_elm_strings	*store;
	char			*errbuf;
	size_t			 errlen;
	char			 tmp[CL__ELM_SHOW_BUF];
};

static cl_err
bad_type(struct parse *p, const char *what, const json_t *v,
    const char *expected)
{
	cl__elm_say(p->errbuf, p->errlen, "%s: expected %s, got %s", what,
	    expected, cl__elm_type_name(v));
	return CL_EBADTYPE;
}

/* A non-empty string; what names it ("awarding_body", "esco_skills[2]"). */
static cl_err
get_text(struct parse *p, const char *what, const json_t *v,
    struct cl_str *dst)
{
	size_t	len;

	if (!json_is_string(v))
		return bad_type(p, what, v, "a string");
	len = json_string_length(v);
	if (len == 0) {
		cl__elm_say(p->errbuf, p->errlen, "%s: empty string (leave the "
		    "key out instead)", what);
		return CL_ERANGE;
	}
	if (len > UINT32_MAX) {
		cl__elm_say(p->errbuf, p->errlen, "%s: %zu bytes", what, len);
		return CL_ETOOBIG;
	}
	dst->ptr = json_string_value(v);
	dst->len = (uint32_t)len;
	return CL_OK;
}

static cl_err
get_array(struct parse *p, const char *key, const json_t *v, size_t max)
{
	if (!json_is_array(v))
		return bad_type(p, key, v, "an array");
	if (json_array_size(v) > max) {
		cl__elm_say(p->errbuf, p->errlen, "%s: %zu items, at most %zu",
		    key, json_array_size(v), max);
		return CL_ETOOBIG;
	}
	return CL_OK;
}

static int
langcmp(const void *a, const void *b)
{
	const struct cl_langstr	*x = a, *y = b;
	uint32_t		 n = x->lang.len < y->lang.len ?
				    x->lang.len : y->lang.len;
	int			 c;

	if ((c = memcmp(x->lang.ptr, y->lang.ptr, n)) != 0)
		return c;
	return x->lang.len < y->lang.len ? -1 : x->lang.len > y->lang.len;
}

static cl_err
get_title(struct parse *p, const json_t *v)
{
	struct cl_define	*def = p->def;
	const char		*lang;
	json_t			*text;
	char			 what[CL_LANG_MAX + 32];
	size_t			 len;
	cl_err			 err;

	if (!json_is_object(v))
		return bad_type(p, "title", v,
		    "an object of language -> text");
	if (json_object_size(v) > CL_TITLE_LANGS_MAX) {
		cl__elm_say(p->errbuf, p->errlen, "title: %zu languages, at "
		    "most %d", json_object_size(v), CL_TITLE_LANGS_MAX);
		return CL_ETOOBIG;
	}
	json_object_foreach((json_t *)v, lang, text) {
		(void)snprintf(what, sizeof(what), "title.%s", lang);
		if ((len = strlen(lang)) == 0) {
			cl__elm_say(p->errbuf, p->errlen, "title: empty "
			    "language tag");
			return CL_ERANGE;
		}
		if (len > UINT32_MAX) {
			cl__elm_say(p->errbuf, p->errlen, "title: language "
			    "tag of %zu bytes", len);
			return CL_ETOOBIG;
		}
		if ((err = get_text(p, what, text,
		    &def->title[def->title_cnt].text)) != CL_OK)
			return err;
		def->title[def->title_cnt].lang.ptr = lang;
		def->title[def->title_cnt].lang.len = (uint32_t)len;
		def->title_cnt++;
	}
	qsort(def->title, def->title_cnt, sizeof(def->title[0]), langcmp);
	return CL_OK;
}

static cl_err
get_outcomes(struct parse *p, const json_t *v)
{
	struct cl_define	*def = p->def;
	char			 what[48];
	size_t			 i;
	cl_err			 err;

	if ((err = get_array(p, "learning_outcomes", v, CL_OUTCOMES_MAX)))
		return err;
	for (i = 0; i < json_array_size(v); i++) {
		(void)snprintf(what, sizeof(what), "learning_outcomes[%zu]",
		    i);
		if ((err = get_text(p, what, json_array_get(v, i),
		    &def->outcomes[i])) != CL_OK)
			return err;
		def->outcomes_cnt++;
	}
	return CL_OK;
}

static bool
str_eq(const struct cl_str *a, const struct cl_str *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

static cl_err
get_skills(struct parse *p, const json_t *v)
{
	struct cl_define	*def = p->def;
	struct cl_str		 s;
	char			 what[48];
	size_t			 i, j;
	cl_err			 err;

	if ((err = get_array(p, "esco_skills", v, CL_SKILLS_MAX)))
		return err;
	for (i = 0; i < json_array_size(v); i++) {
		(void)snprintf(what, sizeof(what), "esco_skills[%zu]", i);
		if ((err = get_text(p, what, json_array_get(v, i), &s)))
			return err;
		if (s.len < strlen(CL__ELM_ESCO_PREFIX) || memcmp(s.ptr,
		    CL__ELM_ESCO_PREFIX, strlen(CL__ELM_ESCO_PREFIX)) != 0) {
			cl__elm_say(p->errbuf, p->errlen, "%s: expected an "
			    "ESCO URI (" CL__ELM_ESCO_PREFIX "...), got %s",
			    what, cl__elm_show(json_array_get(v, i), p->tmp,
			    sizeof(p->tmp)));
			return CL_EBADTYPE;
		}
		for (j = 0; j < i; j++) {
			if (str_eq(&def->skills[j], &s)) {
				cl__elm_say(p->errbuf, p->errlen, "%s: %s "
				    "repeats esco_skills[%zu]", what,
				    cl__elm_show(json_array_get(v, i), p->tmp,
				    sizeof(p->tmp)), j);
				return CL_ERANGE;
			}
		}
		def->skills[def->skills_cnt++] = s;
	}
	return CL_OK;
}

static cl_err
get_stack(struct parse *p, const json_t *v)
{
	struct cl_define	*def = p->def;
	const json_t		*e;
	char			 what[48];
	size_t			 i, j;
	cl_err			 err;

	if ((err = get_array(p, "stackable_into", v, CL_STACK_MAX)))
		return err;
	for (i = 0; i < json_array_size(v); i++) {
		(void)snprintf(what, sizeof(what), "stackable_into[%zu]", i);
		e = json_array_get(v, i);
		if (!json_is_string(e))
			return bad_type(p, what, e,
			    "a string of 64 hex digits (a DEFINE id)");
		if (json_string_length(e) != 2 * CL_ID_LEN ||
		    cl_hex_decode(def->stack[i], CL_ID_LEN,
		    json_string_value(e)) != CL_OK) {
			cl__elm_say(p->errbuf, p->errlen, "%s: expected 64 hex "
			    "digits (a DEFINE id), got %s", what,
			    cl__elm_show(e, p->tmp, sizeof(p->tmp)));
			return CL_EBADTYPE;
		}
		for (j = 0; j < i; j++) {
			if (memcmp(def->stack[j], def->stack[i],
			    CL_ID_LEN) == 0) {
				cl__elm_say(p->errbuf, p->errlen, "%s: repeats "
				    "stackable_into[%zu]", what, j);
				return CL_ERANGE;
			}
		}
		def->stack_cnt++;
	}
	return CL_OK;
}

/* See "ects" in achievement.h for why this rule is exact. */
static cl_err
get_ects(struct parse *p, const json_t *v)
{
	json_int_t	i;
	double		d;
	uint64_t	h;

	if (json_is_integer(v)) {
		i = json_integer_value(v);
		if (i <= 0 || (uint64_t)i > CL_ECTS_MAX / 100) {
			cl__elm_say(p->errbuf, p->errlen, "ects: %lld out of "
			    "range (above 0, at most %llu)", (long long)i,
			    CL_ECTS_MAX / 100);
			return CL_ERANGE;
		}
		p->def->ects = (uint64_t)i * 100;
		return CL_OK;
	}
	if (!json_is_real(v))
		return bad_type(p, "ects", v, "a number such as 2.5");
	d = json_real_value(v);
	if (!(d > 0.0) || d > (double)(CL_ECTS_MAX / 100)) {
		cl__elm_say(p->errbuf, p->errlen, "ects: %.15g out of range "
		    "(above 0, at most %llu)", d, CL_ECTS_MAX / 100);
		return CL_ERANGE;
	}
	h = (uint64_t)(d * 100.0 + 0.5);
	if (h == 0 || (double)h / 100.0 != d) {
		cl__elm_say(p->errbuf, p->errlen, "ects: %.15g has more than "
		    "two decimals (ECTS are kept in hundredths)", d);
		return CL_ERANGE;
	}
	p->def->ects = h;
	return CL_OK;
}

static cl_err
get_uint(struct parse *p, const char *key, const json_t *v, uint64_t min,
    uint64_t max, uint64_t *dst)
{
	json_int_t	i;

	if (!json_is_integer(v))
		return bad_type(p, key, v, "an integer");
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max) {
		cl__elm_say(p->errbuf, p->errlen, "%s: %lld out of range "
		    "%llu..%llu", key, (long long)i, (unsigned long long)min,
		    (unsigned long long)max);
		return CL_ERANGE;
	}
	*dst = (uint64_t)i;
	return CL_OK;
}

static cl_err
get_nqf(struct parse *p, const json_t *v)
{
	struct cl_elm_strings	*st = p->store;
	json_int_t		 i;
	int			 n;

	if (json_is_string(v))
		return get_text(p, "nqf", v, &p->def->nqf);
	if (!json_is_integer(v))
		return bad_type(p, "nqf", v, "a string or an integer");
	if ((i = json_integer_value(v)) < 0) {
		cl__elm_say(p->errbuf, p->errlen, "nqf: %lld is negative",
		    (long long)i);
		return CL_ERANGE;
	}
	n = snprintf(st->nqf, sizeof(st->nqf), "%lld", (long long)i);
	p->def->nqf.ptr = st->nqf;
	p->def->nqf.len = (uint32_t)n;
	return CL_OK;
}

static cl_err
get_country(struct parse *p, const json_t *v)
{
	const char	*s;
	cl_err		 err;

	if ((err = get_text(p, "country", v, &p->def->country)) != CL_OK)
		return err;
	s = p->def->country.ptr;
	if (p->def->country.len != 2 || s[0] < 'A' || s[0] > 'Z' ||
	    s[1] < 'A' || s[1] > 'Z') {
		cl__elm_say(p->errbuf, p->errlen, "country: expected an ISO "
		    "3166-1 alpha-2 code such as \"IE\", got %s",
		    cl__elm_show(v, p->tmp, sizeof(p->tmp)));
		return CL_EBADTYPE;
	}
	return CL_OK;
}

static cl_err
get_key(struct parse *p, size_t k, const json_t *v)
{
	struct cl_define	*def = p->def;

	switch (keys[k].kind) {
	case K_TEXT:
		return get_text(p, keys[k].key, v,
		    (struct cl_str *)(void *)((char *)def + keys[k].off));
	case K_COUNTRY:
		return get_country(p, v);
	case K_TITLE:
		return get_title(p, v);
	case K_OUTCOMES:
		return get_outcomes(p, v);
	case K_SKILLS:
		return get_skills(p, v);
	case K_ECTS:
		return get_ects(p, v);
	case K_HOURS:
		return get_uint(p, "hours", v, 1, CL_SEQ_MAX, &def->hours);
	case K_EQF:
		return get_uint(p, "eqf", v, 1, CL_EQF_MAX, &def->eqf);
	case K_NQF:
		return get_nqf(p, v);
	case K_STACK:
		return get_stack(p, v);
	}
	return CL_EBADTYPE;
}

cl_err
cl_achievement_from_value(json_t *obj, struct cl_define *out,
    struct cl_elm_strings *store, char *errbuf, size_t errlen)
{
	struct parse	 p = { out, store, errbuf, errlen, { 0 } };
	const char	*key;
	json_t		*v;
	size_t		 k;
	cl_err		 err = CL_OK;

	/* Take the reference first: obj may be what store holds. */
	json_incref(obj);
	cl_elm_strings_free(store);
	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj)) {
		cl__elm_say(errbuf, errlen, "achievement: expected an object, "
		    "got %s", obj == NULL ? "nothing" : cl__elm_type_name(obj));
		json_decref(obj);
		return CL_EBADTYPE;
	}
	store->root = obj;
	json_object_foreach(obj, key, v) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strcmp(keys[k].key, key) == 0)
				break;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			cl__elm_say(errbuf, errlen, "unknown key %s",
			    cl__elm_show_cstr(key, p.tmp, sizeof(p.tmp)));
			err = CL_EUNKNOWNKEY;
			break;
		}
		if ((err = get_key(&p, k, v)) != CL_OK)
			break;
	}
	if (err != CL_OK) {
		memset(out, 0, sizeof(*out));
		cl_elm_strings_free(store);
	}
	return err;
}

cl_err
cl_achievement_from_json(const char *json, size_t len, struct cl_define *out,
    struct cl_elm_strings *store, char *errbuf, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*root;
	cl_err		 err;

	cl_elm_strings_free(store);
	memset(out, 0, sizeof(*out));
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		cl__elm_say(errbuf, errlen, "achievement JSON, line %d column "
		    "%d: %s", jerr.line, jerr.column, jerr.text);
		return CL_EUSAGE;
	}
	err = cl_achievement_from_value(root, out, store, errbuf, errlen);
	json_decref(root);
	return err;
}

cl_err
cl_achievement_from_file(const char *path, struct cl_define *out,
    struct cl_elm_strings *store, char *errbuf, size_t errlen)
{
	char	*buf;
	size_t	 len;
	cl_err	 err;

	cl_elm_strings_free(store);
	memset(out, 0, sizeof(*out));
	if ((err = cl__elm_slurp(path, CL_ACHIEVEMENT_FILE_MAX, &buf, &len,
	    errbuf, errlen)) != CL_OK)
		return err;
	err = cl_achievement_from_json(buf, len, out, store, errbuf, errlen);
	free(buf);
	return err;
}
