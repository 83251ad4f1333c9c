/* SPDX-License-Identifier: Apache-2.0 */
/* Achievement JSON and the ELM v3 mapping, checked against the validator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <sodium.h>

#include "achievement.h"
#include "elm.h"
#include "event.h"
#include "limits.h"

#define ANNEX1	"elm-v3-microcredential-annex1-sample.jsonld"
#define EDC	"elm-v3-edc-credential-sample.jsonld"
#define QA	"Programme accreditation by Quality and Qualifications Ireland"
#define ESCO_SKILL	"http://data.europa.eu/esco/skill/"

static const uint8_t	netid[CL_ID_LEN] = { 0x42, 0x42, 0x42 };

static void
sample_path(char *buf, size_t cap, const char *name)
{
	const char	*dir = getenv("CL_SAMPLES");

	cr_assert_not_null(dir, "CL_SAMPLES is not set (run through ctest)");
	cr_assert_lt((size_t)snprintf(buf, cap, "%s/credentials/%s", dir,
	    name), cap);
}

static char *
read_sample(const char *name, size_t *len)
{
	char	 path[1024], *buf;
	FILE	*f;
	long	 n;

	sample_path(path, sizeof(path), name);
	cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	cr_assert_gt(n = ftell(f), 0);
	rewind(f);
	cr_assert_not_null(buf = malloc((size_t)n));
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The Annex I sample as achievement JSON; qa may be NULL. */
static json_t *
map_sample(const char *name, const char *qa)
{
	struct cl_elm_opts	 opts = { qa };
	json_t			*ach = NULL;
	char			 err[256] = "", *buf;
	size_t			 len;
	cl_err			 rc;

	buf = read_sample(name, &len);
	rc = cl_elm_to_achievement(buf, len, &opts, &ach, err, sizeof(err));
	free(buf);
	cr_assert_eq(rc, CL_OK, "%s: %s", cl_errname(rc), err);
	cr_assert_not_null(ach);
	return ach;
}

/* A DEFINE of def, which ev points at: def must outlive ev. */
static void
define_event(struct cl_event *ev, const struct cl_define *def, uint8_t *pk)
{
	cl_ev_init(ev);
	ev->version = CL_VERSION;
	ev->type = CL_EV_DEFINE;
	ev->seq = 1;
	memcpy(ev->author, pk, CL_PK_LEN);
	ev->time = 1700000000000ULL;
	ev->body.define = def;
}

static bool
str_eq(const struct cl_str *a, const struct cl_str *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->ptr, b->ptr, a->len) == 0);
}

static bool
str_is(const struct cl_str *s, const char *want)
{
	return s->len == strlen(want) && memcmp(s->ptr, want, s->len) == 0;
}

static bool
define_eq(const struct cl_define *a, const struct cl_define *b)
{
	uint32_t	i;

	if (a->title_cnt != b->title_cnt || a->outcomes_cnt !=
	    b->outcomes_cnt || a->skills_cnt != b->skills_cnt ||
	    a->stack_cnt != b->stack_cnt || a->ects != b->ects ||
	    a->hours != b->hours || a->eqf != b->eqf)
		return false;
	for (i = 0; i < a->title_cnt; i++)
		if (!str_eq(&a->title[i].lang, &b->title[i].lang) ||
		    !str_eq(&a->title[i].text, &b->title[i].text))
			return false;
	for (i = 0; i < a->outcomes_cnt; i++)
		if (!str_eq(&a->outcomes[i], &b->outcomes[i]))
			return false;
	for (i = 0; i < a->skills_cnt; i++)
		if (!str_eq(&a->skills[i], &b->skills[i]))
			return false;
	for (i = 0; i < a->stack_cnt; i++)
		if (memcmp(a->stack[i], b->stack[i], CL_ID_LEN) != 0)
			return false;
	return str_eq(&a->awarding_body, &b->awarding_body) &&
	    str_eq(&a->country, &b->country) && str_eq(&a->nqf, &b->nqf) &&
	    str_eq(&a->assessment, &b->assessment) &&
	    str_eq(&a->participation, &b->participation) &&
	    str_eq(&a->quality_assurance, &b->quality_assurance) &&
	    str_eq(&a->prerequisites, &b->prerequisites) &&
	    str_eq(&a->further_info, &b->further_info);
}

static void
setup(void)
{
	cr_assert_geq(sodium_init(), 0);
}

TestSuite(elm, .init = setup);

Test(elm, annex1_sample_values)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	json_t			*ach = map_sample(ANNEX1, NULL);
	char			 err[256] = "";
	uint32_t		 i;

	cr_assert_str_eq(json_string_value(json_object_get(
	    json_object_get(ach, "title"), "en")),
	    "Digital micro-credential creation");
	cr_assert(json_is_integer(json_object_get(ach, "ects")));

	cl_elm_strings_init(&st);
	cr_assert_eq(cl_achievement_from_value(ach, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	json_decref(ach);	/* the store keeps its own reference */
	cr_assert_eq(d.title_cnt, 1);
	cr_assert(str_is(&d.title[0].lang, "en"));
	cr_assert(str_is(&d.title[0].text,
	    "Digital micro-credential creation"));
	cr_assert(str_is(&d.awarding_body, "University of Zed"));
	cr_assert(str_is(&d.country, "IE"));	/* issuer country IRL */
	cr_assert_eq(d.ects, 200);		/* creditPoint.point "2" */
	cr_assert_eq(d.hours, 60);		/* volumeOfLearning PT60H */
	cr_assert_eq(d.eqf, 6);
	cr_assert(str_is(&d.nqf, "RQF Level 6"));
	cr_assert_eq(d.outcomes_cnt, 2);
	cr_assert(str_is(&d.outcomes[0],
	    "Communication, collaboration and creativity"));
	cr_assert(str_is(&d.outcomes[1], "Developing digital content"));
	cr_assert_eq(d.skills_cnt, 4);
	for (i = 0; i < d.skills_cnt; i++)
		cr_assert(d.skills[i].len > strlen(ESCO_SKILL) &&
		    memcmp(d.skills[i].ptr, ESCO_SKILL,
		    strlen(ESCO_SKILL)) == 0, "skill %u: %.*s", i,
		    (int)d.skills[i].len, d.skills[i].ptr);
	cr_assert(str_is(&d.skills[0], ESCO_SKILL
	    "ccdf3597-5c80-410f-896d-e1bdfa223de9"));
	cr_assert(str_is(&d.assessment, "artefact assessment (Online)"));
	cr_assert(str_is(&d.participation, "Blended"));
	cr_assert(str_is(&d.prerequisites, "The learner needs to have an EDC "
	    "Online Credential Builder account, that requires an EU Login "
	    "ID."));
	cr_assert(str_is(&d.further_info, "Learning setting: non-formal "
	    "learning; partial qualification: no"));
	/* The sample has no quality-assurance element at all. */
	cr_assert_eq(d.quality_assurance.len, 0);
	cr_assert_eq(d.stack_cnt, 0);
	cl_elm_strings_free(&st);
}

Test(elm, annex1_define_signs_and_decodes_equal)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	struct cl_event		 ev, dec;
	struct cl_where		 where = { NULL };
	uint8_t			 pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t			 sk[crypto_sign_SECRETKEYBYTES];
	uint8_t			 seed[crypto_sign_SEEDBYTES] = { 7 };
	uint8_t			 buf[CL_EVENT_MAX], id[CL_ID_LEN];
	uint8_t			 id2[CL_ID_LEN];
	json_t			*ach = map_sample(ANNEX1, QA);
	char			 err[256] = "";
	size_t			 len;
	cl_err			 rc;

	cl_elm_strings_init(&st);
	cr_assert_eq(cl_achievement_from_value(ach, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	json_decref(ach);
	cr_assert(str_is(&d.quality_assurance, QA));

	crypto_sign_seed_keypair(pk, sk, seed);
	define_event(&ev, &d, pk);
	rc = cl_ev_sign(&ev, netid, sk, buf, sizeof(buf), &len, id);
	cr_assert_eq(rc, CL_OK, "%s", cl_errname(rc));

	rc = cl_ev_decode(&dec, buf, len, &where);
	cr_assert_eq(rc, CL_OK, "%s at %s", cl_errname(rc),
	    where.field ? where.field : "?");
	cr_assert_eq(dec.type, CL_EV_DEFINE);
	cr_assert(define_eq(dec.body.define, &d));
	cr_assert_eq(cl_ev_verify(&dec, netid, id2), CL_OK);
	cr_assert_eq(memcmp(id, id2, CL_ID_LEN), 0);
	cl_ev_free(&dec);
	sodium_memzero(sk, sizeof(sk));
	cl_elm_strings_free(&st);
}

/* One mandatory Annex I element: the achievement keys that carry it. */
struct missing {
	char	keys[2][24];
	char	field[32];
};

ParameterizedTestParameters(elm, mandatory_element_missing)
{
	static struct missing	p[] = {
		{ { "title" }, "body.title" },
		{ { "awarding_body" }, "body.awarding_body" },
		{ { "country" }, "body.country" },
		{ { "learning_outcomes" }, "body.learning_outcomes" },
		{ { "ects", "hours" }, "body.workload" },
		{ { "eqf" }, "body.eqf" },
		{ { "nqf" }, "body.nqf" },
		{ { "assessment" }, "body.assessment" },
		{ { "participation" }, "body.participation" },
		{ { "quality_assurance" }, "body.quality_assurance" },
	};

	return cr_make_param_array(struct missing, p, sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct missing *m, elm, mandatory_element_missing)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	struct cl_event		 ev;
	struct cl_where		 where = { NULL };
	uint8_t			 pk[CL_PK_LEN] = { 1 };
	uint8_t			 buf[CL_EVENT_MAX];
	json_t			*ach = map_sample(ANNEX1, QA);
	char			 err[256] = "";
	size_t			 len, i;
	cl_err			 rc;

	/* Complete, the mapped DEFINE encodes. */
	cl_elm_strings_init(&st);
	cr_assert_eq(cl_achievement_from_value(ach, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	define_event(&ev, &d, pk);
	cr_assert_eq(cl_ev_encode(&ev, false, buf, sizeof(buf), &len,
	    &where), CL_OK);
	cl_elm_strings_free(&st);

	/* Without the element the parser is content, the validator not. */
	for (i = 0; i < 2 && m->keys[i][0] != '\0'; i++)
		cr_assert_eq(json_object_del(ach, m->keys[i]), 0, "%s",
		    m->keys[i]);
	rc = cl_achievement_from_value(ach, &d, &st, err, sizeof(err));
	cr_assert_eq(rc, CL_OK, "%s: %s", cl_errname(rc), err);
	define_event(&ev, &d, pk);
	rc = cl_ev_encode(&ev, false, buf, sizeof(buf), &len, &where);
	cr_assert_eq(rc, CL_EMISSING, "%s: got %s", m->field,
	    cl_errname(rc));
	cr_assert_not_null(where.field);
	cr_assert_str_eq(where.field, m->field);
	cl_elm_strings_free(&st);
	json_decref(ach);
}

Test(elm, annex1_without_qa_option_is_rejected)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	struct cl_event		 ev;
	struct cl_where		 where = { NULL };
	uint8_t			 pk[CL_PK_LEN] = { 1 };
	uint8_t			 buf[CL_EVENT_MAX];
	json_t			*ach = map_sample(ANNEX1, NULL);
	char			 err[256] = "";
	size_t			 len;

	cr_assert_null(json_object_get(ach, "quality_assurance"));
	cl_elm_strings_init(&st);
	cr_assert_eq(cl_achievement_from_value(ach, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	json_decref(ach);
	define_event(&ev, &d, pk);
	cr_assert_eq(cl_ev_encode(&ev, false, buf, sizeof(buf), &len,
	    &where), CL_EMISSING);
	cr_assert_str_eq(where.field, "body.quality_assurance");
	cl_elm_strings_free(&st);
}

Test(elm, define_from_elm_file)
{
	struct cl_elm_opts	 opts = { QA };
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	char			 path[1024], err[256] = "";
	cl_err			 rc;

	sample_path(path, sizeof(path), ANNEX1);
	cl_elm_strings_init(&st);
	rc = cl_define_from_elm_file(path, &opts, &d, &st, err, sizeof(err));
	cr_assert_eq(rc, CL_OK, "%s", err);
	cr_assert(str_is(&d.country, "IE"));
	cr_assert(str_is(&d.quality_assurance, QA));
	cr_assert_eq(d.ects, 200);

	rc = cl_define_from_elm_file("/nonexistent/elm.jsonld", NULL, &d, &st,
	    err, sizeof(err));
	cr_assert_eq(rc, CL_EIO);
	cr_assert_not_null(strstr(err, "/nonexistent/elm.jsonld"), "%s", err);
	cr_assert_eq(d.title_cnt, 0);
	cr_assert_null(st.root);
	cl_elm_strings_free(&st);
}

/*
 * The other ELM sample is a generic EDC credential, not a micro-credential:
 * its claim has a title and an awarding body but no specification.  The
 * mapping is partial and the validator names the first missing element
 * (workload is a cross-field rule, checked before the per-field ones).
 */
Test(elm, edc_sample_maps_partially_and_is_rejected)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	struct cl_event		 ev;
	struct cl_where		 where = { NULL };
	uint8_t			 pk[CL_PK_LEN] = { 1 };
	uint8_t			 buf[CL_EVENT_MAX];
	json_t			*ach = map_sample(EDC, NULL);
	char			 err[256] = "";
	size_t			 len;

	cr_assert_eq(json_object_size(ach), 3, "title, body, country only");
	cl_elm_strings_init(&st);
	cr_assert_eq(cl_achievement_from_value(ach, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	json_decref(ach);
	cr_assert_eq(d.title_cnt, 2);
	cr_assert(str_is(&d.title[0].lang, "en"));
	cr_assert(str_is(&d.title[0].text,
	    "some kind of learning achievement"));
	cr_assert(str_is(&d.title[1].lang, "fr"));
	cr_assert(str_is(&d.awarding_body,
	    "some legal name of the organistion"));
	cr_assert(str_is(&d.country, "FR"));
	cr_assert_eq(d.outcomes_cnt, 0);
	cr_assert_eq(d.ects + d.hours + d.eqf, 0);

	define_event(&ev, &d, pk);
	cr_assert_eq(cl_ev_encode(&ev, false, buf, sizeof(buf), &len,
	    &where), CL_EMISSING);
	cr_assert_str_eq(where.field, "body.workload");
	d.hours = 10;		/* ev points at d */
	cr_assert_eq(cl_ev_encode(&ev, false, buf, sizeof(buf), &len,
	    &where), CL_EMISSING);
	cr_assert_str_eq(where.field, "body.learning_outcomes");
	cl_elm_strings_free(&st);
}

/* The Annex I sample with one value replaced, mapped; returns the error. */
static cl_err
map_modified(const char *what, json_t *value, char *err, size_t errlen)
{
	json_t		*root, *spec, *ach = NULL;
	json_error_t	 jerr;
	char		*buf, *text;
	size_t		 len;
	cl_err		 rc;

	buf = read_sample(ANNEX1, &len);
	root = json_loadb(buf, len, 0, &jerr);
	free(buf);
	cr_assert_not_null(root);
	spec = json_object_get(json_object_get(json_object_get(root,
	    "credentialSubject"), "hasClaim"), "specifiedBy");
	if (strcmp(what, "country") == 0)
		json_object_set_new(json_object_get(json_object_get(
		    json_object_get(json_object_get(root, "issuer"),
		    "location"), "address"), "countryCode"), "id", value);
	else
		json_object_set_new(spec, what, value);
	cr_assert_not_null(text = json_dumps(root, 0));
	json_decref(root);
	rc = cl_elm_to_achievement(text, strlen(text), NULL, &ach, err,
	    errlen);
	free(text);
	json_decref(ach);
	return rc;
}

Test(elm, elm_bad_values_name_the_path)
{
	char	err[256] = "";

	cr_assert_eq(map_modified("volumeOfLearning", json_string("P60M"),
	    err, sizeof(err)), CL_ERANGE);
	cr_assert_not_null(strstr(err, "specifiedBy.volumeOfLearning"), "%s",
	    err);
	cr_assert_not_null(strstr(err, "\"P60M\""), "%s", err);

	cr_assert_eq(map_modified("volumeOfLearning", json_string("PT90M"),
	    err, sizeof(err)), CL_ERANGE);
	cr_assert_eq(map_modified("volumeOfLearning", json_string("PT1H60M"),
	    err, sizeof(err)), CL_OK, "%s", err);

	cr_assert_eq(map_modified("eqfLevel",
	    json_string("http://data.europa.eu/snb/eqf/9"), err, sizeof(err)),
	    CL_ERANGE);
	cr_assert_not_null(strstr(err, "eqfLevel"), "%s", err);

	cr_assert_eq(map_modified("country", json_string(
	    "http://publications.europa.eu/resource/authority/country/USA"),
	    err, sizeof(err)), CL_ENOTFOUND);
	cr_assert_not_null(strstr(err, "\"USA\""), "%s", err);

	cr_assert_eq(map_modified("learningOutcome", json_string("urn:x"),
	    err, sizeof(err)), CL_EBADTYPE);
	cr_assert_not_null(strstr(err, "reference by id"), "%s", err);
}

static cl_err
map_text(const char *text, char *err, size_t errlen)
{
	json_t	*ach = NULL;
	cl_err	 rc;

	rc = cl_elm_to_achievement(text, strlen(text), NULL, &ach, err,
	    errlen);
	if (rc != CL_OK)
		cr_assert_null(ach);
	json_decref(ach);
	return rc;
}

/* quality_assurance from an accreditation, when a credential has one. */
static void
qa_is(json_t *root, const char *opt, const char *want)
{
	struct cl_elm_opts	 opts = { opt };
	json_t			*ach = NULL;
	char			*text, err[256] = "";
	cl_err			 rc;

	cr_assert_not_null(text = json_dumps(root, 0));
	rc = cl_elm_to_achievement(text, strlen(text), &opts, &ach, err,
	    sizeof(err));
	free(text);
	cr_assert_eq(rc, CL_OK, "%s", err);
	cr_assert_str_eq(json_string_value(json_object_get(ach,
	    "quality_assurance")), want);
	json_decref(ach);
}

Test(elm, elm_quality_assurance_from_accreditation)
{
	json_t		*root, *spec, *acc;
	json_error_t	 jerr;
	char		*buf;
	size_t		 len;

	buf = read_sample(ANNEX1, &len);
	cr_assert_not_null(root = json_loadb(buf, len, 0, &jerr));
	free(buf);
	spec = json_object_get(json_object_get(json_object_get(root,
	    "credentialSubject"), "hasClaim"), "specifiedBy");

	/* An issuer accreditation named only by its IRI. */
	json_object_set_new(json_object_get(root, "issuer"), "accreditation",
	    json_string("https://example.org/accreditation/1"));
	qa_is(root, NULL, "Accreditation https://example.org/accreditation/1");

	/* The specification's own accreditation comes first. */
	acc = json_pack("{s:s, s:{s:s}, s:{s:{s:s}}}", "type", "Accreditation",
	    "title", "en", "Programme accreditation", "accreditingAgent",
	    "legalName", "en", "QQI");
	cr_assert_not_null(acc);
	json_object_set_new(spec, "accreditation", acc);
	qa_is(root, NULL, "Programme accreditation by QQI");

	/* The option wins over the credential. */
	qa_is(root, QA, QA);
	json_decref(root);
}

Test(elm, elm_not_a_credential)
{
	char	err[256] = "";

	cr_assert_eq(map_text("{", err, sizeof(err)), CL_EUSAGE);
	cr_assert_eq(map_text("[]", err, sizeof(err)), CL_EBADTYPE);
	cr_assert_eq(map_text("{\"credentialSubject\":{}}", err,
	    sizeof(err)), CL_EMISSING);
	cr_assert_not_null(strstr(err, "credentialSubject.hasClaim"), "%s",
	    err);
	cr_assert_eq(map_text("{\"credentialSubject\":{\"hasClaim\":"
	    "{\"type\":\"LearningActivity\"}}}", err, sizeof(err)),
	    CL_EBADTYPE);
	cr_assert_not_null(strstr(err, "\"LearningActivity\""), "%s", err);
	cr_assert_eq(map_text("{\"credentialSubject\":{\"hasClaim\":["
	    "{\"type\":\"LearningAchievement\"},"
	    "{\"type\":[\"LearningAchievement\"]}]}}", err, sizeof(err)),
	    CL_EBADTYPE);
	cr_assert_not_null(strstr(err, "2 LearningAchievements"), "%s", err);
	/* A bare claim maps to nothing, which is no error here. */
	cr_assert_eq(map_text("{\"credentialSubject\":{\"hasClaim\":"
	    "{\"type\":\"LearningAchievement\"}}}", err, sizeof(err)),
	    CL_OK, "%s", err);
}

/* The learning outcome text the mapping picks from a language map. */
static void
outcome_is(const char *langmap, const char *want)
{
	json_t	*ach = NULL;
	char	 doc[512], err[256] = "";
	cl_err	 rc;

	snprintf(doc, sizeof(doc), "{\"credentialSubject\":{\"hasClaim\":"
	    "{\"type\":\"LearningAchievement\",\"specifiedBy\":"
	    "{\"learningOutcome\":{\"title\":%s}}}}}", langmap);
	rc = cl_elm_to_achievement(doc, strlen(doc), NULL, &ach, err,
	    sizeof(err));
	cr_assert_eq(rc, CL_OK, "%s", err);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(ach,
	    "learning_outcomes"), 0)), want, "%s", langmap);
	json_decref(ach);
}

Test(elm, elm_language_choice)
{
	outcome_is("{\"fr\":\"a\",\"en\":\"b\",\"en-GB\":\"c\"}", "b");
	outcome_is("{\"fr\":\"a\",\"en-IE\":\"b\",\"en-GB\":\"c\"}",
	    "c");
	outcome_is("{\"fr\":\"a\",\"de\":\"b\"}", "b");
	outcome_is("{\"es\":[\"a\",\"b\"]}", "a");
	outcome_is("\"plain\"", "plain");
}

Test(elm, country_table)
{
	cr_assert_str_eq(cl_elm_country_alpha2("IRL"), "IE");
	cr_assert_str_eq(cl_elm_country_alpha2("GRC"), "GR");
	cr_assert_str_eq(cl_elm_country_alpha2("CHE"), "CH");
	cr_assert_str_eq(cl_elm_country_alpha2("GBR"), "GB");
	cr_assert_str_eq(cl_elm_country_alpha2("UKR"), "UA");
	cr_assert_str_eq(cl_elm_country_alpha2("NOR"), "NO");
	cr_assert_null(cl_elm_country_alpha2("USA"));
	cr_assert_null(cl_elm_country_alpha2("ie"));
}

/* Plain achievement JSON. */

#define ACH_OK								\
	"{\"title\":{\"fr\":\"Soudure\",\"en\":\"Welding\"},"		\
	"\"awarding_body\":\"Skills Ltd\",\"country\":\"MT\","		\
	"\"learning_outcomes\":[\"weld\"],"				\
	"\"esco_skills\":[\"" ESCO_SKILL "x\"],"			\
	"\"ects\":2.5,\"hours\":60,\"eqf\":4,\"nqf\":4,"		\
	"\"assessment\":\"practical test\",\"participation\":\"onsite\","\
	"\"quality_assurance\":\"MFHEA licence\","			\
	"\"stackable_into\":[\"" HEX64 "\"]}"
#define HEX64	"00112233445566778899aabbccddeeff"			\
		"00112233445566778899AABBCCDDEEFF"

static cl_err
parse(const char *json, struct cl_define *d, struct cl_elm_strings *st,
    char *err, size_t errlen)
{
	return cl_achievement_from_json(json, strlen(json), d, st, err,
	    errlen);
}

Test(elm, achievement_json_valid)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	struct cl_event		 ev;
	struct cl_where		 where = { NULL };
	uint8_t			 pk[CL_PK_LEN] = { 1 };
	uint8_t			 buf[CL_EVENT_MAX];
	char			 err[256] = "";
	size_t			 len;

	cl_elm_strings_init(&st);
	cr_assert_eq(parse(ACH_OK, &d, &st, err, sizeof(err)), CL_OK, "%s",
	    err);
	cr_assert_eq(d.title_cnt, 2);
	cr_assert(str_is(&d.title[0].lang, "en"), "titles sorted by lang");
	cr_assert(str_is(&d.title[1].text, "Soudure"));
	cr_assert_eq(d.ects, 250);
	cr_assert(str_is(&d.nqf, "4"), "an integer nqf becomes text");
	cr_assert_eq(d.stack_cnt, 1);
	cr_assert_eq(d.stack[0][5], 0x55);
	cr_assert_eq(d.stack[0][31], 0xff);
	define_event(&ev, &d, pk);
	cr_assert_eq(cl_ev_encode(&ev, false, buf, sizeof(buf), &len,
	    &where), CL_OK, "%s", where.field);
	cl_elm_strings_free(&st);
	cl_elm_strings_free(&st);	/* twice is fine */
}

Test(elm, achievement_json_round_trip)
{
	struct cl_elm_strings	 st, st2;
	struct cl_define	 d, d2;
	json_t			*o;
	char			 err[256] = "", *text;

	cl_elm_strings_init(&st);
	cl_elm_strings_init(&st2);
	cr_assert_eq(parse(ACH_OK, &d, &st, err, sizeof(err)), CL_OK, "%s",
	    err);
	d.ects = 255;		/* 2.55: not exact in binary */
	cr_assert_eq(cl_achievement_to_json(&d, &o), CL_OK);
	cr_assert_not_null(text = json_dumps(o, 0));	/* "%.17g" */
	json_decref(o);
	cr_assert_eq(parse(text, &d2, &st2, err, sizeof(err)), CL_OK,
	    "%s: %s", text, err);
	free(text);
	cr_assert(define_eq(&d, &d2));
	cl_elm_strings_free(&st);
	cl_elm_strings_free(&st2);
}

/* ects and what it becomes; 0 means rejected with CL_ERANGE. */
struct ects_case {
	char		text[24];
	uint64_t	hundredths;
};

ParameterizedTestParameters(elm, achievement_ects)
{
	static struct ects_case	p[] = {
		{ "2.5", 250 }, { "2.55", 255 }, { "0.1", 10 }, { "0.01", 1 },
		{ "1", 100 }, { "60", 6000 }, { "2.50", 250 },
		{ "2.5499999999999998", 255 },	/* jansson's 2.55 */
		{ "1.005", 0 }, { "2.555", 0 }, { "0.001", 0 }, { "0", 0 },
		{ "-1", 0 }, { "-2.5", 0 }, { "1e7", 0 },
	};

	return cr_make_param_array(struct ects_case, p,
	    sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct ects_case *c, elm, achievement_ects)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	char			 json[64], err[256] = "";
	cl_err			 rc;

	cl_elm_strings_init(&st);
	snprintf(json, sizeof(json), "{\"ects\":%s}", c->text);
	rc = parse(json, &d, &st, err, sizeof(err));
	if (c->hundredths == 0) {
		cr_assert_eq(rc, CL_ERANGE, "%s: %s", c->text,
		    cl_errname(rc));
		cr_assert_eq(strncmp(err, "ects: ", 6), 0, "%s", err);
		cr_assert_eq(d.ects, 0);
	} else {
		cr_assert_eq(rc, CL_OK, "%s: %s", c->text, err);
		cr_assert_eq(d.ects, c->hundredths, "%s", c->text);
	}
	cl_elm_strings_free(&st);
}

/* A bad achievement, the error and a text the message must contain. */
struct bad_case {
	char	json[192];
	cl_err	err;
	char	says[96];
};

ParameterizedTestParameters(elm, achievement_json_errors)
{
	static struct bad_case	p[] = {
		{ "{\"colour\":\"red\"}", CL_EUNKNOWNKEY,
		    "unknown key \"colour\"" },
		{ "{\"eqf\":\"6\"}", CL_EBADTYPE,
		    "eqf: expected an integer, got a string" },
		{ "{\"eqf\":9}", CL_ERANGE, "eqf: 9 out of range 1..8" },
		{ "{\"eqf\":6.0}", CL_EBADTYPE, "eqf: expected an integer" },
		{ "{\"hours\":0}", CL_ERANGE, "hours: 0 out of range" },
		{ "{\"ects\":\"2.5\"}", CL_EBADTYPE,
		    "ects: expected a number" },
		{ "{\"ects\":2.555}", CL_ERANGE,
		    "ects: 2.555 has more than two decimals" },
		{ "{\"title\":[\"x\"]}", CL_EBADTYPE, "title: expected an "
		    "object" },
		{ "{\"title\":{\"en\":7}}", CL_EBADTYPE, "title.en: expected "
		    "a string, got an integer" },
		{ "{\"awarding_body\":\"\"}", CL_ERANGE,
		    "awarding_body: empty string" },
		{ "{\"country\":\"IRL\"}", CL_EBADTYPE,
		    "country: expected an ISO 3166-1 alpha-2 code" },
		{ "{\"learning_outcomes\":\"weld\"}", CL_EBADTYPE,
		    "learning_outcomes: expected an array, got a string" },
		{ "{\"learning_outcomes\":[\"a\",1]}", CL_EBADTYPE,
		    "learning_outcomes[1]: expected a string" },
		{ "{\"esco_skills\":[\"http://example.org/s\"]}", CL_EBADTYPE,
		    "esco_skills[0]: expected an ESCO URI" },
		{ "{\"nqf\":true}", CL_EBADTYPE,
		    "nqf: expected a string or an integer, got a boolean" },
		{ "{\"stackable_into\":[\"abc\"]}", CL_EBADTYPE,
		    "stackable_into[0]: expected 64 hex digits (a DEFINE id), "
		    "got \"abc\"" },
		{ "{\"stackable_into\":[\"" HEX64 "\",\"" HEX64 "\"]}",
		    CL_ERANGE, "stackable_into[1]: repeats stackable_into[0]" },
		{ "{\"stackable_into\":\"" HEX64 "\"}", CL_EBADTYPE,
		    "stackable_into: expected an array" },
		{ "{\"eqf\":6,\"eqf\":7}", CL_EUSAGE, "duplicate" },
		{ "[1]", CL_EBADTYPE, "achievement: expected an object" },
		{ "{\"eqf\":", CL_EUSAGE, "line 1" },
	};

	return cr_make_param_array(struct bad_case, p,
	    sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct bad_case *c, elm, achievement_json_errors)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	char			 err[256] = "";
	cl_err			 rc;

	cl_elm_strings_init(&st);
	rc = parse(c->json, &d, &st, err, sizeof(err));
	cr_assert_eq(rc, c->err, "%s: %s (%s)", c->json, cl_errname(rc), err);
	cr_assert_not_null(strstr(err, c->says), "%s: message \"%s\"",
	    c->json, err);
	cr_assert_null(st.root, "nothing held after an error");
	cr_assert_eq(d.title_cnt + d.outcomes_cnt + d.eqf, 0);
}

Test(elm, achievement_file)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	char			 path[] = "/tmp/cl-elm-XXXXXX", err[256] = "";
	FILE			*f;
	int			 fd;

	cr_assert_geq(fd = mkstemp(path), 0);
	cr_assert_not_null(f = fdopen(fd, "w"));
	fputs(ACH_OK, f);
	fclose(f);
	cl_elm_strings_init(&st);
	cr_assert_eq(cl_achievement_from_file(path, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	cr_assert(str_is(&d.awarding_body, "Skills Ltd"));
	cl_elm_strings_free(&st);
	unlink(path);
}

Test(elm, store_reused_with_its_own_root)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	char			 err[256] = "";

	cl_elm_strings_init(&st);
	cr_assert_eq(parse(ACH_OK, &d, &st, err, sizeof(err)), CL_OK);
	/* The store holds the only reference to its root. */
	cr_assert_eq(cl_achievement_from_value(st.root, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	cr_assert(str_is(&d.awarding_body, "Skills Ltd"));
	cl_elm_strings_free(&st);
}
