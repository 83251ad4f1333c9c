/* SPDX-License-Identifier: Apache-2.0 */
/* DEFINE bodies from achievement JSON, and back. */
#ifndef CL_TOOLS_ACHIEVEMENT_H
#define CL_TOOLS_ACHIEVEMENT_H

#include <stddef.h>

#include "credreport.h"	/* cl_achievement_to_json() */
#include "err.h"

struct cl_define;
struct json_t;

/* An achievement is a few KB of text, a DEFINE at most CL_EVENT_MAX. */
#define CL_ACHIEVEMENT_FILE_MAX	(1024 * 1024)		/* bytes */

/*
 * ECTS values are bounded by CL_ECTS_MAX (proto/limits.h, in hundredths):
 * far below the range where a double could confuse a value with two
 * decimals and one with three (see "ects" below).
 */

/*
 * The achievement JSON format, the text of `credledger define --file`:
 *
 *	{
 *	  "title": {"en": "Digital micro-credential creation", "fr": "..."},
 *	  "awarding_body": "University of Zed",
 *	  "country": "IE",
 *	  "learning_outcomes": ["Communication, collaboration ...", "..."],
 *	  "esco_skills": ["http://data.europa.eu/esco/skill/ccdf3597-..."],
 *	  "ects": 2.5,
 *	  "hours": 60,
 *	  "eqf": 6,
 *	  "nqf": "RQF Level 6",
 *	  "assessment": "artefact assessment (Online)",
 *	  "participation": "Blended",
 *	  "quality_assurance": "Institutional accreditation by ...",
 *	  "prerequisites": "...",
 *	  "stackable_into": ["<64 hex digits: a DEFINE id>"],
 *	  "further_info": "..."
 *	}
 *
 * Types, checked strictly; an error names the key and what was expected:
 * - title: an object of language tag -> non-empty string, at most
 *   CL_TITLE_LANGS_MAX entries; the DEFINE gets them sorted by tag.
 * - awarding_body, assessment, participation, quality_assurance,
 *   prerequisites, further_info: non-empty strings.
 * - country: two upper-case ASCII letters (ISO 3166-1 alpha-2).
 * - learning_outcomes: an array of non-empty strings (CL_OUTCOMES_MAX).
 * - esco_skills: an array of distinct strings starting with
 *   "http://data.europa.eu/esco/" (CL_SKILLS_MAX).
 * - ects: a JSON number > 0 with at most two decimals, stored in
 *   hundredths.  jansson keeps no number text, so the rule is on the
 *   double it parsed: with h = round(100 * v), v is accepted iff
 *   h / 100.0 == v, i.e. iff the text denotes the double nearest to a
 *   number with two decimals.  "2.5", "2.55" and jansson's own "%.17g"
 *   output for 2.55 ("2.5499999999999998") give 250 and 255; "2.555" is
 *   rejected.  Up to CL_ECTS_MAX a third non-zero decimal always changes
 *   the double, so it is always rejected.
 * - hours: an integer > 0.  eqf: an integer 1..8.
 * - nqf: a non-empty string, or an integer >= 0 stored as its decimal text.
 * - stackable_into: an array of distinct 64-hex-digit DEFINE ids
 *   (CL_STACK_MAX).
 * Unknown keys are errors.  Empty strings and ects or hours of 0 are
 * errors: on the ledger 0 and "" mean "absent".  A key that is left out,
 * an empty array and an empty title object leave the element absent and
 * are NOT errors here: the event validator rejects a DEFINE that lacks a
 * mandatory element (CL_EMISSING, naming it), so there is one rule and
 * one message.  Text lengths are also left to the validator.
 */

/*
 * The storage that the strings of a DEFINE filled by these functions point
 * into: one reference to the parsed JSON object (which must not be changed
 * while the DEFINE is in use) and the text of an integer nqf, inside the
 * struct itself: do not copy or move a store that a DEFINE points into.
 * Initialise with cl_elm_strings_init() and release with
 * cl_elm_strings_free(), after the last use of the DEFINE.
 */
struct cl_elm_strings {
	struct json_t	*root;
	char		 nqf[24];
};

void	cl_elm_strings_init(struct cl_elm_strings *);
/* Drop what store holds; accepts an initialised or freed store. */
void	cl_elm_strings_free(struct cl_elm_strings *);

/*
 * Parse achievement JSON (json, len bytes, not NUL-terminated) into out.
 * Whatever store held is released first; on success it holds the strings
 * of out, on error it is empty and out is zeroed.  errbuf (errlen bytes)
 * gets a one-line message naming the key and the bad value; it may be
 * NULL if errlen is 0.
 * Errors: CL_EUSAGE (not JSON, or a duplicate key; the message has
 * jansson's line and column), CL_EBADTYPE (wrong type, bad format),
 * CL_EUNKNOWNKEY, CL_ERANGE (bad number, empty string, duplicate item),
 * CL_ETOOBIG (more items than struct cl_define holds), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_achievement_from_json(const char *json, size_t len,
			    struct cl_define *out,
			    struct cl_elm_strings *store, char *errbuf,
			    size_t errlen);

/*
 * The same from a parsed object; store takes a new reference to obj.
 * Errors: as cl_achievement_from_json() but CL_EUSAGE.
 */
CL_NODISCARD cl_err	cl_achievement_from_value(struct json_t *obj,
			    struct cl_define *out,
			    struct cl_elm_strings *store, char *errbuf,
			    size_t errlen);

/*
 * Read and parse an achievement JSON file of at most
 * CL_ACHIEVEMENT_FILE_MAX bytes.
 * Errors: CL_EIO, CL_ETOOBIG, those of cl_achievement_from_json().
 */
CL_NODISCARD cl_err	cl_achievement_from_file(const char *path,
			    struct cl_define *out,
			    struct cl_elm_strings *store, char *errbuf,
			    size_t errlen);

#endif
