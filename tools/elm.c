/* SPDX-License-Identifier: Apache-2.0 */
/* DEFINE bodies from achievement JSON and from ELM v3 micro-credentials. */
#include "elm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "hex.h"
#include "limits.h"

/*
 * Where each Annex I element comes from in an ELM v3 credential.  The paths
 * were read off the Commission's sample (shared/samples/credentials/
 * elm-v3-microcredential-annex1-sample.jsonld) with jq.  C is
 * credentialSubject.hasClaim (the LearningAchievement; if hasClaim is an
 * array, its one element typed LearningAchievement), S is C.specifiedBy
 * (a Qualification / LearningAchievementSpecification).  "(en)" means the
 * "en" entry of a language map, else the first "en-*" entry, else the
 * first entry by tag; "[]" means a
 * single object or an array of them; several values are joined with "; ".
 * A Concept's text is its prefLabel (en), else its notation, else its id.
 *
 *   title              S.title, every language; else C.title
 *   awarding_body      C.awardedBy[].awardingBody[].legalName (en)
 *   country            issuer.location[].address[].countryCode.id, the
 *                      ISO 3166-1 alpha-3 code after
 *                      http://publications.europa.eu/resource/authority/
 *                      country/ ("IRL"), turned into alpha-2 ("IE"); if
 *                      the issuer has none, the same path under
 *                      C.awardedBy[].awardingBody[]
 *   learning_outcomes  S.learningOutcome[].title (en), else .definition (en)
 *   esco_skills        S.learningOutcome[].relatedESCOSkill[].id (or the
 *                      IRI string itself), without duplicates
 *   ects               S.creditPoint[].point (a decimal string, "2") of the
 *                      first creditPoint whose framework is ECTS: id
 *                      http://data.europa.eu/snb/education-credit/6fcec5c5af
 *                      or a label naming ECTS
 *   hours              S.volumeOfLearning, an ISO 8601 duration of whole
 *                      hours: "PT60H" -> 60 (PT<h>H<m>M<s>S; no date part,
 *                      since a day or month of learning has no fixed hours)
 *   eqf                S.eqfLevel.id http://data.europa.eu/snb/eqf/<1..8>
 *   nqf                S.nqfLevel[] Concept text ("RQF Level 6": the
 *                      sample's id, http://data.europa.eu/snb/qdr/c_c392e7a2,
 *                      does not end in the level)
 *   assessment         C.provenBy[] (LearningAssessment): the Concept text
 *                      of .specifiedBy.dcType, else .specifiedBy.title
 *                      (en), else .title (en), followed by " (<Concept text
 *                      of .specifiedBy.mode>)"; if C has no provenBy, the
 *                      same from S.provenBy[] (LearningAssessmentSpec.)
 *   participation      S.mode[] Concept text ("Blended")
 *   quality_assurance  opts->quality_assurance if given; else the first of
 *                      S.accreditation[], C.awardedBy[].awardingBody[].
 *                      accreditation[], issuer.accreditation[] that exists:
 *                      .title (en) or the Concept text of .dcType, plus
 *                      " by <.accreditingAgent.legalName (en)>"; an
 *                      accreditation given as an IRI string is "Accreditation
 *                      <IRI>".  THE SAMPLE HAS NONE: no accreditation, no
 *                      quality-assurance element anywhere, so without the
 *                      option quality_assurance stays absent and the event
 *                      validator rejects the DEFINE.
 *   prerequisites      S.entryRequirement[].noteLiteral (en)
 *   stackable_into     nothing: ELM knows no ledger DEFINE ids
 *   further_info       "Learning setting: <S.learningSetting Concept text>"
 *                      and "partial qualification: yes|no" from
 *                      S.isPartialQualification
 *
 * Not mapped, because they belong to ISSUE (the learner's credential), not
 * to DEFINE: C.provenBy.idVerification (supervision and identity check),
 * C.provenBy.grade, validFrom / issued (date of issuing) and the learner.
 */

#define ESCO_PREFIX	"http://data.europa.eu/esco/"
#define EQF_PREFIX	"http://data.europa.eu/snb/eqf/"
#define COUNTRY_PREFIX	\
	"http://publications.europa.eu/resource/authority/country/"
#define ECTS_CONCEPT	"http://data.europa.eu/snb/education-credit/6fcec5c5af"
#define SHOW_MAX	64	/* bytes of a bad value quoted in a message */
#define PATH_MAX_LEN	160	/* bytes of an ELM path in a message */

/*
 * ISO 3166-1: EU, EEA (IS, LI, NO), candidate and potential candidate
 * countries, CH, GB and the European microstates.  XKX/XK is the
 * user-assigned code the EU uses for Kosovo.
 */
static const char countries[][2][4] = {
	{ "ALB", "AL" }, { "AND", "AD" }, { "AUT", "AT" }, { "BEL", "BE" },
	{ "BGR", "BG" }, { "BIH", "BA" }, { "CHE", "CH" }, { "CYP", "CY" },
	{ "CZE", "CZ" }, { "DEU", "DE" }, { "DNK", "DK" }, { "ESP", "ES" },
	{ "EST", "EE" }, { "FIN", "FI" }, { "FRA", "FR" }, { "GBR", "GB" },
	{ "GEO", "GE" }, { "GRC", "GR" }, { "HRV", "HR" }, { "HUN", "HU" },
	{ "IRL", "IE" }, { "ISL", "IS" }, { "ITA", "IT" }, { "LIE", "LI" },
	{ "LTU", "LT" }, { "LUX", "LU" }, { "LVA", "LV" }, { "MCO", "MC" },
	{ "MDA", "MD" }, { "MKD", "MK" }, { "MLT", "MT" }, { "MNE", "ME" },
	{ "NLD", "NL" }, { "NOR", "NO" }, { "POL", "PL" }, { "PRT", "PT" },
	{ "ROU", "RO" }, { "SMR", "SM" }, { "SRB", "RS" }, { "SVK", "SK" },
	{ "SVN", "SI" }, { "SWE", "SE" }, { "TUR", "TR" }, { "UKR", "UA" },
	{ "VAT", "VA" }, { "XKX", "XK" },
};

const char *
cl_elm_country_alpha2(const char *alpha3)
{
	size_t	i;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		if (strcmp(countries[i][0], alpha3) == 0)
			return countries[i][1];
	return NULL;
}

/* Messages. */

static void	say(char *, size_t, const char *, ...) CL_PRINTF(3, 4);

static void
say(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		break;
	}
	return "null";
}

/*
 * A value as it would be written, quoted and escaped, cut to SHOW_MAX bytes
 * on a UTF-8 boundary: peer-style input goes into one-line messages.
 */
static const char *
show(const json_t *v, char *buf, size_t cap)
{
	char	*s;
	size_t	 n;

	if (json_is_object(v) || json_is_array(v))
		return type_name(v);
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(15));
	if (s == NULL)
		return "(value)";
	n = strlen(s);
	if (n > SHOW_MAX) {
		n = SHOW_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	(void)snprintf(buf, cap, "%.*s%s", (int)n, s,
	    n < strlen(s) ? "..." : "");
	free(s);
	return buf;
}

static const char *
show_cstr(const char *str, char *buf, size_t cap)
{
	json_t		*v;
	const char	*r;

	if ((v = json_string(str)) == NULL)
		return "(string)";
	r = show(v, buf, cap);
	if (r != buf) {
		(void)snprintf(buf, cap, "%s", r);
		r = buf;
	}
	json_decref(v);
	return r;
}

/* Files. */

static cl_err
slurp(const char *path, size_t max, char **out, size_t *out_len,
    char *errbuf, size_t errlen)
{
	FILE	*f;
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0, n;
	int	 saved;

	*out = NULL;
	*out_len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		say(errbuf, errlen, "%s: %s", path, strerror(errno));
		return CL_EIO;
	}
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(buf);
				(void)fclose(f);
				say(errbuf, errlen, "%s: over %zu bytes", path,
				    max);
				return CL_ETOOBIG;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > max + 1)
				cap = max + 1;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				(void)fclose(f);
				say(errbuf, errlen, "%s: out of memory", path);
				return CL_ENOMEM;
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		saved = errno;
		free(buf);
		(void)fclose(f);
		say(errbuf, errlen, "%s: %s", path, strerror(saved));
		return CL_EIO;
	}
	(void)fclose(f);
	if (len > max) {
		free(buf);
		say(errbuf, errlen, "%s: over %zu bytes", path, max);
		return CL_ETOOBIG;
	}
	*out = buf;
	*out_len = len;
	return CL_OK;
}

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
	char			 tmp[SHOW_MAX + 8];
};

static cl_err
bad_type(struct parse *p, const char *what, const json_t *v,
    const char *expected)
{
	say(p->errbuf, p->errlen, "%s: expected %s, got %s", what, expected,
	    type_name(v));
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
		say(p->errbuf, p->errlen, "%s: empty string (leave the key "
		    "out instead)", what);
		return CL_ERANGE;
	}
	if (len > UINT32_MAX) {
		say(p->errbuf, p->errlen, "%s: %zu bytes", what, len);
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
		say(p->errbuf, p->errlen, "%s: %zu items, at most %zu",
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
		say(p->errbuf, p->errlen, "title: %zu languages, at most %d",
		    json_object_size(v), CL_TITLE_LANGS_MAX);
		return CL_ETOOBIG;
	}
	json_object_foreach((json_t *)v, lang, text) {
		(void)snprintf(what, sizeof(what), "title.%s", lang);
		if ((len = strlen(lang)) == 0) {
			say(p->errbuf, p->errlen, "title: empty language tag");
			return CL_ERANGE;
		}
		if (len > UINT32_MAX) {
			say(p->errbuf, p->errlen, "title: language tag of "
			    "%zu bytes", len);
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
		if (s.len < strlen(ESCO_PREFIX) ||
		    memcmp(s.ptr, ESCO_PREFIX, strlen(ESCO_PREFIX)) != 0) {
			say(p->errbuf, p->errlen, "%s: expected an ESCO URI "
			    "(" ESCO_PREFIX "...), got %s", what,
			    show(json_array_get(v, i), p->tmp,
			    sizeof(p->tmp)));
			return CL_EBADTYPE;
		}
		for (j = 0; j < i; j++) {
			if (str_eq(&def->skills[j], &s)) {
				say(p->errbuf, p->errlen, "%s: %s repeats "
				    "esco_skills[%zu]", what,
				    show(json_array_get(v, i), p->tmp,
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
			say(p->errbuf, p->errlen, "%s: expected 64 hex "
			    "digits (a DEFINE id), got %s", what,
			    show(e, p->tmp, sizeof(p->tmp)));
			return CL_EBADTYPE;
		}
		for (j = 0; j < i; j++) {
			if (memcmp(def->stack[j], def->stack[i],
			    CL_ID_LEN) == 0) {
				say(p->errbuf, p->errlen, "%s: repeats "
				    "stackable_into[%zu]", what, j);
				return CL_ERANGE;
			}
		}
		def->stack_cnt++;
	}
	return CL_OK;
}

/* See "ects" in elm.h for why this rule is exact. */
static cl_err
get_ects(struct parse *p, const json_t *v)
{
	json_int_t	i;
	double		d;
	uint64_t	h;

	if (json_is_integer(v)) {
		i = json_integer_value(v);
		if (i <= 0 || (uint64_t)i > CL_ECTS_MAX / 100) {
			say(p->errbuf, p->errlen, "ects: %lld out of range "
			    "(above 0, at most %llu)", (long long)i,
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
		say(p->errbuf, p->errlen, "ects: %.15g out of range (above 0, "
		    "at most %llu)", d, CL_ECTS_MAX / 100);
		return CL_ERANGE;
	}
	h = (uint64_t)(d * 100.0 + 0.5);
	if (h == 0 || (double)h / 100.0 != d) {
		say(p->errbuf, p->errlen, "ects: %.15g has more than two "
		    "decimals (ECTS are kept in hundredths)", d);
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
		say(p->errbuf, p->errlen, "%s: %lld out of range %llu..%llu",
		    key, (long long)i, (unsigned long long)min,
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
		say(p->errbuf, p->errlen, "nqf: %lld is negative",
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
		say(p->errbuf, p->errlen, "country: expected an ISO 3166-1 "
		    "alpha-2 code such as \"IE\", got %s",
		    show(v, p->tmp, sizeof(p->tmp)));
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
		say(errbuf, errlen, "achievement: expected an object, got %s",
		    obj == NULL ? "nothing" : type_name(obj));
		json_decref(obj);
		return CL_EBADTYPE;
	}
	store->root = obj;
	json_object_foreach(obj, key, v) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strcmp(keys[k].key, key) == 0)
				break;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			say(errbuf, errlen, "unknown key %s",
			    show_cstr(key, p.tmp, sizeof(p.tmp)));
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
		say(errbuf, errlen, "achievement JSON, line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
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
	if ((err = slurp(path, CL_ACHIEVEMENT_FILE_MAX, &buf, &len, errbuf,
	    errlen)) != CL_OK)
		return err;
	err = cl_achievement_from_json(buf, len, out, store, errbuf, errlen);
	free(buf);
	return err;
}

/* struct cl_define -> achievement JSON. */

static int
put(json_t *obj, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(obj, key, v);
}

static json_t *
jstr(const struct cl_str *s)
{
	return json_stringn(s->ptr, s->len);
}

static int
put_str(json_t *obj, const char *key, const struct cl_str *s)
{
	if (s->len == 0)
		return 0;
	return put(obj, key, jstr(s));
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
		if (json_array_append_new(a, jstr(&s[i])) != 0) {
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
			rc = put(t, lang, jstr(&def->title[i].text));
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
		rc = put(o, "ects", def->ects % 100 == 0 ?
		    json_integer((json_int_t)(def->ects / 100)) :
		    json_real((double)def->ects / 100.0));
	if (rc == 0 && def->hours != 0)
		rc = put(o, "hours", json_integer((json_int_t)def->hours));
	if (rc == 0 && def->eqf != 0)
		rc = put(o, "eqf", json_integer((json_int_t)def->eqf));
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

/* ELM v3 -> achievement JSON. */

struct map {
	json_t				*out;	/* the achievement */
	const struct cl_elm_opts	*opts;
	char				*errbuf;
	size_t				 errlen;
	cl_err				 err;	/* the first; then no-ops */
	char				 tmp[SHOW_MAX + 8];
};

static void	fail(struct map *, cl_err, const char *, ...) CL_PRINTF(3, 4);

static void
fail(struct map *m, cl_err err, const char *fmt, ...)
{
	va_list	ap;

	if (m->err != CL_OK)
		return;
	m->err = err;
	if (m->errbuf == NULL || m->errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(m->errbuf, m->errlen, fmt, ap);
	va_end(ap);
}

/* A property that may hold one value or an array of them. */
static size_t
many_cnt(const json_t *v)
{
	if (v == NULL)
		return 0;
	return json_is_array(v) ? json_array_size(v) : 1;
}

static json_t *
many_at(json_t *v, size_t i)
{
	return json_is_array(v) ? json_array_get(v, i) : v;
}

static json_t *
get(const json_t *obj, const char *key)
{
	return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

/*
 * An embedded object whose properties we need.  An IRI string instead is a
 * reference to an object elsewhere (another file, a registry): not
 * resolved, so it is an error rather than a silent gap.
 */
static json_t *
node(struct map *m, json_t *v, const char *path)
{
	if (v == NULL || m->err != CL_OK)
		return NULL;
	if (json_is_object(v))
		return v;
	if (json_is_string(v))
		fail(m, CL_EBADTYPE, "%s: %s is a reference by id; only "
		    "embedded objects are mapped", path,
		    show(v, m->tmp, sizeof(m->tmp)));
	else
		fail(m, CL_EBADTYPE, "%s: expected an object, got %s", path,
		    type_name(v));
	return NULL;
}

static bool
has_type(const json_t *obj, const char *type)
{
	json_t	*t = get(obj, "type");
	size_t	 i;

	for (i = 0; i < many_cnt(t); i++) {
		const json_t *e = many_at(t, i);

		if (json_is_string(e) && strcmp(json_string_value(e),
		    type) == 0)
			return true;
	}
	return false;
}

/*
 * One language's text of a language map: "en", else the first "en-..." tag,
 * else the first tag (in byte order, so the choice does not depend on how
 * the file orders its keys).
 */
static const char *
lang_text(struct map *m, const json_t *v, const char *path)
{
	const char	*key, *best = NULL;
	json_t		*e, *pick = NULL;
	bool		 en, best_en = false;

	if (v == NULL || m->err != CL_OK)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_object(v)) {
		fail(m, CL_EBADTYPE, "%s: expected a language map, got %s",
		    path, type_name(v));
		return NULL;
	}
	if ((pick = json_object_get(v, "en")) == NULL) {
		json_object_foreach((json_t *)v, key, e) {
			en = strncmp(key, "en-", 3) == 0;
			if (best == NULL || (en && !best_en) ||
			    (en == best_en && strcmp(key, best) < 0)) {
				best = key;
				best_en = en;
				pick = e;
			}
		}
	}
	if (pick == NULL)
		return NULL;
	if (json_is_array(pick))	/* JSON-LD allows several texts */
		pick = json_array_get(pick, 0);
	if (!json_is_string(pick)) {
		fail(m, CL_EBADTYPE, "%s: expected text in the language map, "
		    "got %s", path, pick == NULL ? "nothing" :
		    type_name(pick));
		return NULL;
	}
	return json_string_value(pick);
}

static const char *
concept_id(const json_t *c)
{
	if (json_is_string(c))
		return json_string_value(c);
	if (json_is_string(get(c, "id")))
		return json_string_value(get(c, "id"));
	return NULL;
}

/* A Concept's text: prefLabel, else notation, else its id. */
static const char *
concept_text(struct map *m, const json_t *c, const char *path)
{
	char		 p[PATH_MAX_LEN];
	const char	*s;

	if (c == NULL || m->err != CL_OK)
		return NULL;
	if (!json_is_object(c) && !json_is_string(c)) {
		fail(m, CL_EBADTYPE, "%s: expected a Concept, got %s", path,
		    type_name(c));
		return NULL;
	}
	(void)snprintf(p, sizeof(p), "%s.prefLabel", path);
	if ((s = lang_text(m, get(c, "prefLabel"), p)) != NULL && *s != '\0')
		return s;
	if (json_is_string(get(c, "notation")) &&
	    json_string_length(get(c, "notation")) > 0)
		return json_string_value(get(c, "notation"));
	return concept_id(c);
}

/* Joined text, bounded like a free-text field of an event. */
struct text {
	char	s[CL_TEXT_MAX + 1];
	size_t	len;
};

static void
text_add(struct map *m, struct text *t, const char *sep, const char *s,
    const char *path)
{
	size_t	n, k;

	if (s == NULL || *s == '\0' || m->err != CL_OK)
		return;
	if (t->len > 0 && sep != NULL) {
		/* The same text twice (one body named twice) once. */
		if (strcmp(t->s, s) == 0)
			return;
		k = strlen(sep);
		if (t->len + k > CL_TEXT_MAX)
			goto toobig;
		memcpy(t->s + t->len, sep, k);
		t->len += k;
	}
	n = strlen(s);
	if (t->len + n > CL_TEXT_MAX)
		goto toobig;
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
	return;
toobig:
	fail(m, CL_ETOOBIG, "%s: text over %d bytes", path, CL_TEXT_MAX);
}

/* One item of joined text from up to four parts (NULL parts skipped). */
static const char *
piece(struct map *m, struct text *one, const char *a, const char *b,
    const char *c, const char *d, const char *path)
{
	one->len = 0;
	one->s[0] = '\0';
	text_add(m, one, NULL, a, path);
	text_add(m, one, NULL, b, path);
	text_add(m, one, NULL, c, path);
	text_add(m, one, NULL, d, path);
	return one->len > 0 ? one->s : NULL;
}

static void
out_set(struct map *m, const char *key, json_t *v)
{
	if (m->err != CL_OK) {
		json_decref(v);
		return;
	}
	if (v == NULL || json_object_set_new(m->out, key, v) != 0)
		fail(m, CL_ENOMEM, "%s: out of memory", key);
}

static void
out_text(struct map *m, const char *key, const struct text *t)
{
	if (t->len > 0 && m->err == CL_OK)
		out_set(m, key, json_stringn(t->s, t->len));
}

/* A whole number of hours from an ISO 8601 duration: "PT60H" -> 60. */
static bool
parse_hours(const char *s, uint64_t *hours)
{
	static const char	 units[] = "HMS";
	static const uint64_t	 secs[] = { 3600, 60, 1 };
	uint64_t		 total = 0, n;
	size_t			 u = 0, k;
	const char		*q;

	if (s[0] != 'P' || s[1] != 'T' || s[2] == '\0')
		return false;
	for (s += 2; *s != '\0'; s = q + 1) {
		n = 0;
		for (q = s; *q >= '0' && *q <= '9'; q++) {
			if (q - s >= 9)
				return false;
			n = n * 10 + (uint64_t)(*q - '0');
		}
		if (q == s)
			return false;
		for (k = u; k < 3 && units[k] != *q; k++)
			;
		if (k == 3)
			return false;	/* unknown, repeated or out of order */
		total += n * secs[k];
		u = k + 1;
	}
	if (total == 0 || total % 3600 != 0)
		return false;
	*hours = total / 3600;
	return true;
}

/* Hundredths from a decimal string: "2" -> 200, "2.5" -> 250. */
static bool
parse_hundredths(const char *s, uint64_t *out)
{
	uint64_t	v = 0;
	int		digits = 0, decimals = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 9)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (digits == 0)
		return false;
	v *= 100;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++decimals > 2)
				return false;
			v += (uint64_t)(*s - '0') * (decimals == 1 ? 10 : 1);
		}
		if (decimals == 0)
			return false;
	}
	if (*s != '\0' || v == 0 || v > CL_ECTS_MAX)
		return false;
	*out = v;
	return true;
}

/* The claim: credentialSubject.hasClaim, one LearningAchievement. */
static json_t *
find_claim(struct map *m, json_t *root)
{
	json_t	*cs, *hc, *e, *claim = NULL;
	size_t	 i, n = 0;

	if ((cs = get(root, "credentialSubject")) == NULL) {
		fail(m, CL_EMISSING, "credentialSubject: missing; not a "
		    "verifiable credential");
		return NULL;
	}
	if (json_is_array(cs)) {
		if (json_array_size(cs) != 1) {
			fail(m, CL_EBADTYPE, "credentialSubject: %zu subjects, "
			    "expected one", json_array_size(cs));
			return NULL;
		}
		cs = json_array_get(cs, 0);
	}
	if ((cs = node(m, cs, "credentialSubject")) == NULL)
		return NULL;
	if ((hc = get(cs, "hasClaim")) == NULL) {
		fail(m, CL_EMISSING, "credentialSubject.hasClaim: missing; no "
		    "learning achievement to map");
		return NULL;
	}
	if (!json_is_array(hc)) {
		if ((claim = node(m, hc, "credentialSubject.hasClaim")) ==
		    NULL)
			return NULL;
		if (!has_type(claim, "LearningAchievement")) {
			fail(m, CL_EBADTYPE, "credentialSubject.hasClaim: "
			    "type %s, expected LearningAchievement",
			    show(get(claim, "type"), m->tmp, sizeof(m->tmp)));
			return NULL;
		}
		return claim;
	}
	for (i = 0; i < json_array_size(hc); i++) {
		e = json_array_get(hc, i);
		if (json_is_object(e) && has_type(e, "LearningAchievement")) {
			claim = e;
			n++;
		}
	}
	if (n != 1) {
		fail(m, n == 0 ? CL_EMISSING : CL_EBADTYPE,
		    "credentialSubject.hasClaim: %zu LearningAchievements, "
		    "expected one", n);
		return NULL;
	}
	return claim;
}

static void
map_title(struct map *m, json_t *claim, json_t *spec)
{
	const char	*path = "credentialSubject.hasClaim.specifiedBy.title";
	const char	*lang, *s;
	json_t		*t, *e, *o;
	char		 p[PATH_MAX_LEN];

	if ((t = get(spec, "title")) == NULL) {
		t = get(claim, "title");
		path = "credentialSubject.hasClaim.title";
	}
	if (t == NULL || m->err != CL_OK)
		return;
	if (!json_is_object(t)) {
		fail(m, CL_EBADTYPE, "%s: expected a language map, got %s",
		    path, type_name(t));
		return;
	}
	if ((o = json_object()) == NULL) {
		fail(m, CL_ENOMEM, "title: out of memory");
		return;
	}
	json_object_foreach(t, lang, e) {
		(void)snprintf(p, sizeof(p), "%s.%s", path, lang);
		if (json_is_array(e))
			e = json_array_get(e, 0);
		if (!json_is_string(e)) {
			fail(m, CL_EBADTYPE, "%s: expected text, got %s", p,
			    e == NULL ? "nothing" : type_name(e));
			break;
		}
		s = json_string_value(e);
		if (*s != '\0' && json_object_set_new(o, lang,
		    json_string(s)) != 0) {
			fail(m, CL_ENOMEM, "title: out of memory");
			break;
		}
	}
	if (json_object_size(o) == 0) {
		json_decref(o);
		return;
	}
	out_set(m, "title", o);
}

static void
map_awarding_body(struct map *m, json_t *claim)
{
	struct text	 t = { { 0 }, 0 };
	json_t		*ab, *proc, *org;
	char		 p[PATH_MAX_LEN];
	size_t		 i, j;

	ab = get(claim, "awardedBy");
	for (i = 0; i < many_cnt(ab); i++) {
		(void)snprintf(p, sizeof(p),
		    "credentialSubject.hasClaim.awardedBy[%zu]", i);
		if ((proc = node(m, many_at(ab, i), p)) == NULL)
			break;
		for (j = 0; j < many_cnt(get(proc, "awardingBody")); j++) {
			(void)snprintf(p, sizeof(p), "credentialSubject."
			    "hasClaim.awardedBy[%zu].awardingBody[%zu]", i, j);
			org = node(m, many_at(get(proc, "awardingBody"), j), p);
			if (org == NULL)
				break;
			(void)snprintf(p, sizeof(p), "credentialSubject."
			    "hasClaim.awardedBy[%zu].awardingBody[%zu]."
			    "legalName", i, j);
			text_add(m, &t, "; ", lang_text(m,
			    get(org, "legalName"), p), p);
		}
	}
	out_text(m, "awarding_body", &t);
}

/* The first countryCode under org.location[].address[]; true if found. */
static bool
org_country(struct map *m, json_t *org, const char *path)
{
	json_t		*loc, *addr, *cc;
	const char	*id, *a2;
	char		 p[PATH_MAX_LEN];
	size_t		 i, j;

	for (i = 0; i < many_cnt(get(org, "location")); i++) {
		(void)snprintf(p, sizeof(p), "%s.location[%zu]", path, i);
		if ((loc = node(m, many_at(get(org, "location"), i), p)) ==
		    NULL)
			return false;
		for (j = 0; j < many_cnt(get(loc, "address")); j++) {
			(void)snprintf(p, sizeof(p), "%s.location[%zu]."
			    "address[%zu]", path, i, j);
			addr = node(m, many_at(get(loc, "address"), j), p);
			if (addr == NULL)
				return false;
			if ((cc = get(addr, "countryCode")) == NULL)
				continue;
			(void)snprintf(p, sizeof(p), "%s.location[%zu]."
			    "address[%zu].countryCode", path, i, j);
			id = concept_id(cc);
			if (id == NULL || strncmp(id, COUNTRY_PREFIX,
			    strlen(COUNTRY_PREFIX)) != 0) {
				fail(m, CL_EBADTYPE, "%s: expected a Concept "
				    "with id " COUNTRY_PREFIX "<alpha-3>, got "
				    "%s", p, id == NULL ? "no id" :
				    show_cstr(id, m->tmp, sizeof(m->tmp)));
				return false;
			}
			id += strlen(COUNTRY_PREFIX);
			if ((a2 = cl_elm_country_alpha2(id)) == NULL) {
				fail(m, CL_ENOTFOUND, "%s: country %s is not "
				    "in the ISO 3166-1 alpha-3 table", p,
				    show_cstr(id, m->tmp, sizeof(m->tmp)));
				return false;
			}
			out_set(m, "country", json_string(a2));
			return true;
		}
	}
	return false;
}

static void
map_country(struct map *m, json_t *root, json_t *claim)
{
	json_t	*issuer = get(root, "issuer"), *ab, *proc;
	char	 p[PATH_MAX_LEN];
	size_t	 i, j;

	/* A VC issuer may be just its IRI: then use the awarding body. */
	if (json_is_object(issuer) && org_country(m, issuer, "issuer"))
		return;
	ab = get(claim, "awardedBy");
	for (i = 0; i < many_cnt(ab) && m->err == CL_OK; i++) {
		proc = many_at(ab, i);
		for (j = 0; j < many_cnt(get(proc, "awardingBody")); j++) {
			(void)snprintf(p, sizeof(p), "credentialSubject."
			    "hasClaim.awardedBy[%zu].awardingBody[%zu]", i, j);
			if (org_country(m, many_at(get(proc, "awardingBody"),
			    j), p) || m->err != CL_OK)
				return;
		}
	}
}

static void
map_outcomes(struct map *m, json_t *spec)
{
	const char	*base = "credentialSubject.hasClaim.specifiedBy";
	json_t		*los = get(spec, "learningOutcome"), *lo, *sk, *ss;
	json_t		*outs = NULL, *skills = NULL;
	const char	*text, *id;
	char		 p[PATH_MAX_LEN];
	size_t		 i, j, k;

	if (many_cnt(los) == 0)
		return;
	if (many_cnt(los) > CL_OUTCOMES_MAX) {
		fail(m, CL_ETOOBIG, "%s.learningOutcome: %zu outcomes, at "
		    "most %d", base, many_cnt(los), CL_OUTCOMES_MAX);
		return;
	}
	if ((outs = json_array()) == NULL || (skills = json_array()) == NULL) {
		fail(m, CL_ENOMEM, "learning_outcomes: out of memory");
		goto out;
	}
	for (i = 0; i < many_cnt(los) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p), "%s.learningOutcome[%zu]", base,
		    i);
		if ((lo = node(m, many_at(los, i), p)) == NULL)
			break;
		(void)snprintf(p, sizeof(p), "%s.learningOutcome[%zu].title",
		    base, i);
		text = lang_text(m, get(lo, "title"), p);
		if (text == NULL || *text == '\0') {
			(void)snprintf(p, sizeof(p), "%s.learningOutcome[%zu]"
			    ".definition", base, i);
			text = lang_text(m, get(lo, "definition"), p);
		}
		if (m->err != CL_OK)
			break;
		if (text == NULL || *text == '\0') {
			fail(m, CL_EMISSING, "%s.learningOutcome[%zu]: no "
			    "title or definition", base, i);
			break;
		}
		if (json_array_append_new(outs, json_string(text)) != 0) {
			fail(m, CL_ENOMEM, "learning_outcomes: out of memory");
			break;
		}
		sk = get(lo, "relatedESCOSkill");
		for (j = 0; j < many_cnt(sk) && m->err == CL_OK; j++) {
			(void)snprintf(p, sizeof(p), "%s.learningOutcome[%zu]."
			    "relatedESCOSkill[%zu]", base, i, j);
			id = concept_id(many_at(sk, j));
			if (id == NULL || strncmp(id, ESCO_PREFIX,
			    strlen(ESCO_PREFIX)) != 0) {
				fail(m, CL_EBADTYPE, "%s: expected an ESCO "
				    "Concept (id " ESCO_PREFIX "...), got %s",
				    p, id == NULL ? "no id" :
				    show_cstr(id, m->tmp, sizeof(m->tmp)));
				break;
			}
			for (k = 0; k < json_array_size(skills); k++) {
				ss = json_array_get(skills, k);
				if (strcmp(json_string_value(ss), id) == 0)
					break;
			}
			if (k < json_array_size(skills))
				continue;
			if (json_array_size(skills) == CL_SKILLS_MAX) {
				fail(m, CL_ETOOBIG, "%s: over %d distinct ESCO "
				    "skills", p, CL_SKILLS_MAX);
				break;
			}
			if (json_array_append_new(skills,
			    json_string(id)) != 0)
				fail(m, CL_ENOMEM, "esco_skills: out of "
				    "memory");
		}
	}
	if (m->err != CL_OK)
		goto out;
	out_set(m, "learning_outcomes", outs);
	outs = NULL;
	if (json_array_size(skills) > 0) {
		out_set(m, "esco_skills", skills);
		skills = NULL;
	}
out:
	json_decref(outs);
	json_decref(skills);
}

static bool
is_ects(struct map *m, const json_t *fw, const char *path)
{
	const char	*id = concept_id(fw), *s;

	if (id != NULL && strcmp(id, ECTS_CONCEPT) == 0)
		return true;
	if (!json_is_object(fw))
		return false;
	s = lang_text(m, get(fw, "prefLabel"), path);
	return s != NULL && (strstr(s, "ECTS") != NULL ||
	    strstr(s, "European Credit Transfer") != NULL);
}

static void
map_ects(struct map *m, json_t *spec)
{
	const char	*base = "credentialSubject.hasClaim.specifiedBy";
	json_t		*cps = get(spec, "creditPoint"), *cp, *pt;
	uint64_t	 h = 0;
	char		 p[PATH_MAX_LEN];
	size_t		 i;

	for (i = 0; i < many_cnt(cps) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p), "%s.creditPoint[%zu]", base, i);
		if ((cp = node(m, many_at(cps, i), p)) == NULL)
			return;
		(void)snprintf(p, sizeof(p), "%s.creditPoint[%zu].framework",
		    base, i);
		if (!is_ects(m, get(cp, "framework"), p))
			continue;
		(void)snprintf(p, sizeof(p), "%s.creditPoint[%zu].point",
		    base, i);
		pt = get(cp, "point");
		if (json_is_string(pt) &&
		    parse_hundredths(json_string_value(pt), &h))
			break;
		if (json_is_integer(pt) && json_integer_value(pt) > 0 &&
		    (uint64_t)json_integer_value(pt) <= CL_ECTS_MAX / 100) {
			h = (uint64_t)json_integer_value(pt) * 100;
			break;
		}
		fail(m, CL_ERANGE, "%s: expected ECTS credits as a decimal "
		    "above 0 with at most two decimals, got %s", p,
		    pt == NULL ? "nothing" : show(pt, m->tmp, sizeof(m->tmp)));
		return;
	}
	if (h == 0 || m->err != CL_OK)
		return;
	out_set(m, "ects", h % 100 == 0 ? json_integer((json_int_t)(h / 100)) :
	    json_real((double)h / 100.0));
}

static void
map_hours(struct map *m, json_t *spec)
{
	const char	*path = "credentialSubject.hasClaim.specifiedBy."
			    "volumeOfLearning";
	json_t		*v = get(spec, "volumeOfLearning");
	uint64_t	 h;

	if (v == NULL || m->err != CL_OK)
		return;
	if (!json_is_string(v)) {
		fail(m, CL_EBADTYPE, "%s: expected an ISO 8601 duration, got "
		    "%s", path, type_name(v));
		return;
	}
	if (!parse_hours(json_string_value(v), &h)) {
		fail(m, CL_ERANGE, "%s: %s is not a whole number of hours "
		    "such as PT60H (a day or a month of learning has no fixed "
		    "number of hours)", path, show(v, m->tmp, sizeof(m->tmp)));
		return;
	}
	out_set(m, "hours", json_integer((json_int_t)h));
}

static void
map_eqf(struct map *m, json_t *spec)
{
	const char	*path = "credentialSubject.hasClaim.specifiedBy."
			    "eqfLevel";
	json_t		*c = get(spec, "eqfLevel");
	const char	*id;

	if (c == NULL || m->err != CL_OK)
		return;
	if (many_cnt(c) != 1) {
		fail(m, CL_EBADTYPE, "%s: %zu levels, expected one", path,
		    many_cnt(c));
		return;
	}
	c = many_at(c, 0);
	id = concept_id(c);
	if (id == NULL || strncmp(id, EQF_PREFIX, strlen(EQF_PREFIX)) != 0 ||
	    id[strlen(EQF_PREFIX)] < '1' || id[strlen(EQF_PREFIX)] > '8' ||
	    id[strlen(EQF_PREFIX) + 1] != '\0') {
		fail(m, CL_ERANGE, "%s: expected a Concept with id "
		    EQF_PREFIX "<1..8>, got %s", path, id == NULL ? "no id" :
		    show_cstr(id, m->tmp, sizeof(m->tmp)));
		return;
	}
	out_set(m, "eqf", json_integer(id[strlen(EQF_PREFIX)] - '0'));
}

/* Concept texts of a one-or-many property, joined. */
static void
map_concepts(struct map *m, json_t *v, const char *path, const char *key)
{
	struct text	t = { { 0 }, 0 };
	char		p[PATH_MAX_LEN];
	size_t		i;

	for (i = 0; i < many_cnt(v) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p), "%s[%zu]", path, i);
		text_add(m, &t, "; ", concept_text(m, many_at(v, i), p), p);
	}
	out_text(m, key, &t);
}

/* One assessment (LearningAssessment or its specification): "type (mode)". */
static void
assessment_text(struct map *m, struct text *t, json_t *as, json_t *sp,
    const char *path)
{
	const char	*type = NULL, *mode;
	char		 p[PATH_MAX_LEN];
	struct text	 one;

	(void)snprintf(p, sizeof(p), "%s.dcType", path);
	if (get(sp, "dcType") != NULL)
		type = concept_text(m, many_at(get(sp, "dcType"), 0), p);
	(void)snprintf(p, sizeof(p), "%s.title", path);
	if (type == NULL)
		type = lang_text(m, get(sp, "title"), p);
	if (type == NULL)
		type = lang_text(m, get(as, "title"), p);
	(void)snprintf(p, sizeof(p), "%s.mode", path);
	mode = NULL;
	if (get(sp, "mode") != NULL)
		mode = concept_text(m, many_at(get(sp, "mode"), 0), p);
	if (type == NULL || *type == '\0' || m->err != CL_OK)
		return;
	if (mode != NULL && *mode != '\0')
		text_add(m, t, "; ", piece(m, &one, type, " (", mode, ")",
		    path), path);
	else
		text_add(m, t, "; ", type, path);
}

static void
map_assessment(struct map *m, json_t *claim, json_t *spec)
{
	struct text	 t = { { 0 }, 0 };
	json_t		*pb, *as, *sp;
	char		 p[PATH_MAX_LEN];
	size_t		 i;

	pb = get(claim, "provenBy");
	for (i = 0; i < many_cnt(pb) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p),
		    "credentialSubject.hasClaim.provenBy[%zu]", i);
		if ((as = node(m, many_at(pb, i), p)) == NULL)
			return;
		(void)snprintf(p, sizeof(p),
		    "credentialSubject.hasClaim.provenBy[%zu].specifiedBy", i);
		sp = node(m, get(as, "specifiedBy"), p);
		assessment_text(m, &t, as, sp, p);
	}
	pb = t.len == 0 ? get(spec, "provenBy") : NULL;
	for (i = 0; i < many_cnt(pb) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p),
		    "credentialSubject.hasClaim.specifiedBy.provenBy[%zu]", i);
		if ((sp = node(m, many_at(pb, i), p)) == NULL)
			return;
		assessment_text(m, &t, NULL, sp, p);
	}
	out_text(m, "assessment", &t);
}

/* Accreditations of one holder; returns how many texts were added. */
static size_t
accreditations(struct map *m, struct text *t, json_t *holder,
    const char *path)
{
	json_t		*acc = get(holder, "accreditation"), *a;
	const char	*what, *agent;
	char		 p[PATH_MAX_LEN];
	struct text	 one;
	size_t		 i, n = 0;

	for (i = 0; i < many_cnt(acc) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p), "%s.accreditation[%zu]", path, i);
		a = many_at(acc, i);
		if (json_is_string(a)) {
			text_add(m, t, "; ", piece(m, &one, "Accreditation ",
			    json_string_value(a), NULL, NULL, p), p);
			n++;
			continue;
		}
		if ((a = node(m, a, p)) == NULL)
			break;
		what = lang_text(m, get(a, "title"), p);
		if (what == NULL && get(a, "dcType") != NULL)
			what = concept_text(m, many_at(get(a, "dcType"), 0), p);
		if (what == NULL)
			what = "Accreditation";
		/* An agent named only by its IRI adds nothing readable. */
		agent = lang_text(m, get(get(a, "accreditingAgent"),
		    "legalName"), p);
		if (agent != NULL && *agent != '\0')
			text_add(m, t, "; ", piece(m, &one, what, " by ",
			    agent, NULL, p), p);
		else
			text_add(m, t, "; ", what, p);
		n++;
	}
	return n;
}

static void
map_quality_assurance(struct map *m, json_t *root, json_t *claim,
    json_t *spec)
{
	struct text	 t = { { 0 }, 0 };
	json_t		*ab, *proc;
	char		 p[PATH_MAX_LEN];
	size_t		 i, j;

	if (m->opts != NULL && m->opts->quality_assurance != NULL &&
	    m->opts->quality_assurance[0] != '\0') {
		text_add(m, &t, NULL, m->opts->quality_assurance,
		    "--quality-assurance");
		out_text(m, "quality_assurance", &t);
		return;
	}
	if (accreditations(m, &t, spec,
	    "credentialSubject.hasClaim.specifiedBy") == 0) {
		ab = get(claim, "awardedBy");
		for (i = 0; i < many_cnt(ab) && m->err == CL_OK; i++) {
			proc = many_at(ab, i);
			for (j = 0; j < many_cnt(get(proc, "awardingBody"));
			    j++) {
				(void)snprintf(p, sizeof(p), "credentialSubject"
				    ".hasClaim.awardedBy[%zu].awardingBody"
				    "[%zu]", i, j);
				(void)accreditations(m, &t, many_at(get(proc,
				    "awardingBody"), j), p);
			}
		}
	}
	if (t.len == 0 && json_is_object(get(root, "issuer")))
		(void)accreditations(m, &t, get(root, "issuer"), "issuer");
	out_text(m, "quality_assurance", &t);
}

static void
map_prerequisites(struct map *m, json_t *spec)
{
	struct text	 t = { { 0 }, 0 };
	json_t		*er = get(spec, "entryRequirement"), *note;
	char		 p[PATH_MAX_LEN];
	size_t		 i;

	for (i = 0; i < many_cnt(er) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p), "credentialSubject.hasClaim."
		    "specifiedBy.entryRequirement[%zu]", i);
		if ((note = node(m, many_at(er, i), p)) == NULL)
			return;
		(void)snprintf(p, sizeof(p), "credentialSubject.hasClaim."
		    "specifiedBy.entryRequirement[%zu].noteLiteral", i);
		text_add(m, &t, "; ", lang_text(m, get(note, "noteLiteral"),
		    p), p);
	}
	out_text(m, "prerequisites", &t);
}

static void
map_further_info(struct map *m, json_t *spec)
{
	const char	*path = "credentialSubject.hasClaim.specifiedBy";
	struct text	 t = { { 0 }, 0 }, ls = { { 0 }, 0 };
	json_t		*v;
	char		 p[PATH_MAX_LEN];
	struct text	 one;
	size_t		 i;

	v = get(spec, "learningSetting");
	for (i = 0; i < many_cnt(v) && m->err == CL_OK; i++) {
		(void)snprintf(p, sizeof(p), "%s.learningSetting[%zu]", path,
		    i);
		text_add(m, &ls, ", ", concept_text(m, many_at(v, i), p), p);
	}
	if (ls.len > 0) {
		text_add(m, &t, "; ", piece(m, &one, "Learning setting: ",
		    ls.s, NULL, NULL, path), path);
	}
	v = get(spec, "isPartialQualification");
	if (v != NULL && !json_is_boolean(v))
		fail(m, CL_EBADTYPE, "%s.isPartialQualification: expected a "
		    "boolean, got %s", path, type_name(v));
	else if (v != NULL)
		text_add(m, &t, "; ", json_is_true(v) ?
		    "partial qualification: yes" :
		    "partial qualification: no", path);
	out_text(m, "further_info", &t);
}

cl_err
cl_elm_to_achievement(const char *jsonld, size_t len,
    const struct cl_elm_opts *opts, json_t **achievement, char *errbuf,
    size_t errlen)
{
	struct map	 m = { NULL, opts, errbuf, errlen, CL_OK, { 0 } };
	json_error_t	 jerr;
	json_t		*root, *claim, *spec;

	*achievement = NULL;
	root = json_loadb(jsonld, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		say(errbuf, errlen, "ELM JSON-LD, line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		return CL_EUSAGE;
	}
	if (!json_is_object(root)) {
		say(errbuf, errlen, "ELM JSON-LD: expected an object, got %s",
		    type_name(root));
		json_decref(root);
		return CL_EBADTYPE;
	}
	if ((m.out = json_object()) == NULL) {
		json_decref(root);
		say(errbuf, errlen, "out of memory");
		return CL_ENOMEM;
	}
	claim = find_claim(&m, root);
	spec = node(&m, get(claim, "specifiedBy"),
	    "credentialSubject.hasClaim.specifiedBy");
	map_title(&m, claim, spec);
	map_awarding_body(&m, claim);
	map_country(&m, root, claim);
	map_outcomes(&m, spec);
	map_ects(&m, spec);
	map_hours(&m, spec);
	map_eqf(&m, spec);
	map_concepts(&m, get(spec, "nqfLevel"),
	    "credentialSubject.hasClaim.specifiedBy.nqfLevel", "nqf");
	map_assessment(&m, claim, spec);
	map_concepts(&m, get(spec, "mode"),
	    "credentialSubject.hasClaim.specifiedBy.mode", "participation");
	map_quality_assurance(&m, root, claim, spec);
	map_prerequisites(&m, spec);
	map_further_info(&m, spec);
	json_decref(root);
	if (m.err != CL_OK) {
		json_decref(m.out);
		return m.err;
	}
	*achievement = m.out;
	return CL_OK;
}

cl_err
cl_define_from_elm_file(const char *path, const struct cl_elm_opts *opts,
    struct cl_define *out, struct cl_elm_strings *store, char *errbuf,
    size_t errlen)
{
	json_t	*ach;
	char	*buf;
	size_t	 len;
	cl_err	 err;

	cl_elm_strings_free(store);
	memset(out, 0, sizeof(*out));
	if ((err = slurp(path, CL_ELM_FILE_MAX, &buf, &len, errbuf,
	    errlen)) != CL_OK)
		return err;
	err = cl_elm_to_achievement(buf, len, opts, &ach, errbuf, errlen);
	free(buf);
	if (err != CL_OK)
		return err;
	err = cl_achievement_from_value(ach, out, store, errbuf, errlen);
	json_decref(ach);
	return err;
}
