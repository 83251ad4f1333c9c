/* SPDX-License-Identifier: Apache-2.0 */
/* ELM v3 micro-credentials mapped to achievement JSON. */
#include "elm.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "achievement.h"
#include "elm_common.h"
#include "event.h"
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

#define EQF_PREFIX	"http://data.europa.eu/snb/eqf/"
#define COUNTRY_PREFIX	\
	"http://publications.europa.eu/resource/authority/country/"
#define ECTS_CONCEPT	"http://data.europa.eu/snb/education-credit/6fcec5c5af"
#define PATH_MAX_LEN	160	/* bytes of an ELM path in a message */

struct map {
	json_t				*out;	/* the achievement */
	const struct cl_elm_opts	*opts;
	char				*errbuf;
	size_t				 errlen;
	cl_err				 err;	/* the first; then no-ops */
	char				 tmp[CL__ELM_SHOW_BUF];
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

static bool	mkpath(struct map *, char [static PATH_MAX_LEN], const char *,
		    ...) CL_PRINTF(3, 4);

/*
 * Write the ELM path of an element into p, for messages.  Paths are made
 * of literals, array indices and the path of the enclosing element, so
 * they fit; one that did not would name another element, so it fails the
 * mapping (CL_ETOOBIG) rather than being cut.  Returns false then.
 */
static bool
mkpath(struct map *m, char p[static PATH_MAX_LEN], const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(p, PATH_MAX_LEN, fmt, ap);
	va_end(ap);
	if (n >= 0 && n < PATH_MAX_LEN)
		return true;
	fail(m, CL_ETOOBIG, "%s...: ELM path over %d bytes", p,
	    PATH_MAX_LEN - 1);
	return false;
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
		    cl__elm_show(v, m->tmp, sizeof(m->tmp)));
	else
		fail(m, CL_EBADTYPE, "%s: expected an object, got %s", path,
		    cl__elm_type_name(v));
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
		    path, cl__elm_type_name(v));
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
		    cl__elm_type_name(pick));
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
		    cl__elm_type_name(c));
		return NULL;
	}
	if (!mkpath(m, p, "%s.prefLabel", path))
		return NULL;
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
			    cl__elm_show(get(claim, "type"), m->tmp,
			    sizeof(m->tmp)));
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

	if ((t = get(spec, "title")) == NULL) {
		t = get(claim, "title");
		path = "credentialSubject.hasClaim.title";
	}
	if (t == NULL || m->err != CL_OK)
		return;
	if (!json_is_object(t)) {
		fail(m, CL_EBADTYPE, "%s: expected a language map, got %s",
		    path, cl__elm_type_name(t));
		return;
	}
	if ((o = json_object()) == NULL) {
		fail(m, CL_ENOMEM, "title: out of memory");
		return;
	}
	/* A tag from the file may be long: no mkpath(), name it as it is. */
	json_object_foreach(t, lang, e) {
		if (json_is_array(e))
			e = json_array_get(e, 0);
		if (!json_is_string(e)) {
			fail(m, CL_EBADTYPE, "%s.%s: expected text, got %s",
			    path, lang, e == NULL ? "nothing" :
			    cl__elm_type_name(e));
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
	for (i = 0; i < many_cnt(ab) && m->err == CL_OK; i++) {
		if (!mkpath(m, p, "credentialSubject.hasClaim.awardedBy[%zu]",
		    i))
			break;
		if ((proc = node(m, many_at(ab, i), p)) == NULL)
			break;
		for (j = 0; j < many_cnt(get(proc, "awardingBody")); j++) {
			if (!mkpath(m, p, "credentialSubject."
			    "hasClaim.awardedBy[%zu].awardingBody[%zu]", i, j))
				break;
			org = node(m, many_at(get(proc, "awardingBody"), j), p);
			if (org == NULL)
				break;
			if (!mkpath(m, p, "credentialSubject."
			    "hasClaim.awardedBy[%zu].awardingBody[%zu]."
			    "legalName", i, j))
				break;
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
		if (!mkpath(m, p, "%s.location[%zu]", path, i))
			return false;
		if ((loc = node(m, many_at(get(org, "location"), i), p)) ==
		    NULL)
			return false;
		for (j = 0; j < many_cnt(get(loc, "address")); j++) {
			if (!mkpath(m, p, "%s.location[%zu].address[%zu]",
			    path, i, j))
				return false;
			addr = node(m, many_at(get(loc, "address"), j), p);
			if (addr == NULL)
				return false;
			if ((cc = get(addr, "countryCode")) == NULL)
				continue;
			if (!mkpath(m, p, "%s.location[%zu].address[%zu]."
			    "countryCode", path, i, j))
				return false;
			id = concept_id(cc);
			if (id == NULL || strncmp(id, COUNTRY_PREFIX,
			    strlen(COUNTRY_PREFIX)) != 0) {
				fail(m, CL_EBADTYPE, "%s: expected a Concept "
				    "with id " COUNTRY_PREFIX "<alpha-3>, got "
				    "%s", p, id == NULL ? "no id" :
				    cl__elm_show_cstr(id, m->tmp,
				    sizeof(m->tmp)));
				return false;
			}
			id += strlen(COUNTRY_PREFIX);
			if ((a2 = cl_elm_country_alpha2(id)) == NULL) {
				fail(m, CL_ENOTFOUND, "%s: country %s is not "
				    "in the ISO 3166-1 alpha-3 table", p,
				    cl__elm_show_cstr(id, m->tmp,
				    sizeof(m->tmp)));
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
			if (!mkpath(m, p, "credentialSubject."
			    "hasClaim.awardedBy[%zu].awardingBody[%zu]", i, j))
				return;
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
		if (!mkpath(m, p, "%s.learningOutcome[%zu]", base, i))
			break;
		if ((lo = node(m, many_at(los, i), p)) == NULL)
			break;
		if (!mkpath(m, p, "%s.learningOutcome[%zu].title", base, i))
			break;
		text = lang_text(m, get(lo, "title"), p);
		if (text == NULL || *text == '\0') {
			if (!mkpath(m, p, "%s.learningOutcome[%zu]"
			    ".definition", base, i))
				break;
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
			if (!mkpath(m, p, "%s.learningOutcome[%zu]."
			    "relatedESCOSkill[%zu]", base, i, j))
				break;
			id = concept_id(many_at(sk, j));
			if (id == NULL || strncmp(id, CL__ELM_ESCO_PREFIX,
			    strlen(CL__ELM_ESCO_PREFIX)) != 0) {
				fail(m, CL_EBADTYPE, "%s: expected an ESCO "
				    "Concept (id " CL__ELM_ESCO_PREFIX "...), "
				    "got %s", p, id == NULL ? "no id" :
				    cl__elm_show_cstr(id, m->tmp,
				    sizeof(m->tmp)));
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
		if (!mkpath(m, p, "%s.creditPoint[%zu]", base, i))
			return;
		if ((cp = node(m, many_at(cps, i), p)) == NULL)
			return;
		if (!mkpath(m, p, "%s.creditPoint[%zu].framework", base, i))
			return;
		if (!is_ects(m, get(cp, "framework"), p))
			continue;
		if (!mkpath(m, p, "%s.creditPoint[%zu].point", base, i))
			return;
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
		    pt == NULL ? "nothing" : cl__elm_show(pt, m->tmp,
		    sizeof(m->tmp)));
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
		    "%s", path, cl__elm_type_name(v));
		return;
	}
	if (!parse_hours(json_string_value(v), &h)) {
		fail(m, CL_ERANGE, "%s: %s is not a whole number of hours "
		    "such as PT60H (a day or a month of learning has no fixed "
		    "number of hours)", path, cl__elm_show(v, m->tmp,
		    sizeof(m->tmp)));
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
		    cl__elm_show_cstr(id, m->tmp, sizeof(m->tmp)));
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
		if (!mkpath(m, p, "%s[%zu]", path, i))
			break;
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

	if (!mkpath(m, p, "%s.dcType", path))
		return;
	if (get(sp, "dcType") != NULL)
		type = concept_text(m, many_at(get(sp, "dcType"), 0), p);
	if (!mkpath(m, p, "%s.title", path))
		return;
	if (type == NULL)
		type = lang_text(m, get(sp, "title"), p);
	if (type == NULL)
		type = lang_text(m, get(as, "title"), p);
	if (!mkpath(m, p, "%s.mode", path))
		return;
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
		if (!mkpath(m, p,
		    "credentialSubject.hasClaim.provenBy[%zu]", i))
			return;
		if ((as = node(m, many_at(pb, i), p)) == NULL)
			return;
		if (!mkpath(m, p,
		    "credentialSubject.hasClaim.provenBy[%zu].specifiedBy", i))
			return;
		sp = node(m, get(as, "specifiedBy"), p);
		assessment_text(m, &t, as, sp, p);
	}
	pb = t.len == 0 ? get(spec, "provenBy") : NULL;
	for (i = 0; i < many_cnt(pb) && m->err == CL_OK; i++) {
		if (!mkpath(m, p,
		    "credentialSubject.hasClaim.specifiedBy.provenBy[%zu]", i))
			return;
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
		if (!mkpath(m, p, "%s.accreditation[%zu]", path, i))
			break;
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
				if (!mkpath(m, p, "credentialSubject"
				    ".hasClaim.awardedBy[%zu].awardingBody"
				    "[%zu]", i, j))
					break;
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
		if (!mkpath(m, p, "credentialSubject.hasClaim."
		    "specifiedBy.entryRequirement[%zu]", i))
			return;
		if ((note = node(m, many_at(er, i), p)) == NULL)
			return;
		if (!mkpath(m, p, "credentialSubject.hasClaim."
		    "specifiedBy.entryRequirement[%zu].noteLiteral", i))
			return;
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
		if (!mkpath(m, p, "%s.learningSetting[%zu]", path, i))
			break;
		text_add(m, &ls, ", ", concept_text(m, many_at(v, i), p), p);
	}
	if (ls.len > 0) {
		text_add(m, &t, "; ", piece(m, &one, "Learning setting: ",
		    ls.s, NULL, NULL, path), path);
	}
	v = get(spec, "isPartialQualification");
	if (v != NULL && !json_is_boolean(v))
		fail(m, CL_EBADTYPE, "%s.isPartialQualification: expected a "
		    "boolean, got %s", path, cl__elm_type_name(v));
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
		cl__elm_say(errbuf, errlen, "ELM JSON-LD, line %d column %d: "
		    "%s", jerr.line, jerr.column, jerr.text);
		return CL_EUSAGE;
	}
	if (!json_is_object(root)) {
		cl__elm_say(errbuf, errlen, "ELM JSON-LD: expected an object, "
		    "got %s", cl__elm_type_name(root));
		json_decref(root);
		return CL_EBADTYPE;
	}
	if ((m.out = json_object()) == NULL) {
		json_decref(root);
		cl__elm_say(errbuf, errlen, "out of memory");
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
	if ((err = cl__elm_slurp(path, CL_ELM_FILE_MAX, &buf, &len, errbuf,
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
