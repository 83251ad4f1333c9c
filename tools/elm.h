/* SPDX-License-Identifier: Apache-2.0 */
/* ELM v3 micro-credentials mapped to achievement JSON (achievement.h). */
#ifndef CL_TOOLS_ELM_H
#define CL_TOOLS_ELM_H

#include <stddef.h>

#include "err.h"

struct cl_define;
struct cl_elm_strings;
struct json_t;

/*
 * An ELM credential embeds base64 logos (the Commission's Annex I sample
 * is 111 KB).
 */
#define CL_ELM_FILE_MAX		(8 * 1024 * 1024)	/* bytes */

/* Options of the ELM mapping; a NULL pointer means all defaults. */
struct cl_elm_opts {
	/*
	 * The type of quality assurance, NUL-terminated, or NULL.  It wins
	 * over what the credential says; the Commission's Annex I sample has
	 * no quality-assurance element at all (see elm.c).
	 */
	const char	*quality_assurance;
};

/*
 * Map an ELM v3 / Europass credential (JSON-LD, jsonld, len bytes) to an
 * achievement JSON object (*achievement, a new reference).  elm.c lists
 * the ELM path of every element.  Elements the credential lacks are left
 * out, as cl_achievement_from_json() expects; values that are present but
 * malformed are errors naming the ELM path and the value.
 * Errors: CL_EUSAGE (not JSON), CL_EMISSING (no credentialSubject.hasClaim),
 * CL_EBADTYPE (a wrong type, several claims, a claim that is not a
 * LearningAchievement, a reference by id that would need resolving),
 * CL_ERANGE (a level, credit or duration that cannot be mapped),
 * CL_ENOTFOUND (a country code missing from the alpha-3 table),
 * CL_ETOOBIG, CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_elm_to_achievement(const char *jsonld, size_t len,
			    const struct cl_elm_opts *opts,
			    struct json_t **achievement, char *errbuf,
			    size_t errlen);

/*
 * `credledger define --from-elm FILE`: read an ELM file of at most
 * CL_ELM_FILE_MAX bytes, map it and parse the result into out, whose
 * strings then live in store (as for cl_achievement_from_json()).
 * Errors: CL_EIO, CL_ETOOBIG, those of cl_elm_to_achievement() and
 * cl_achievement_from_value().
 */
CL_NODISCARD cl_err	cl_define_from_elm_file(const char *path,
			    const struct cl_elm_opts *opts,
			    struct cl_define *out,
			    struct cl_elm_strings *store, char *errbuf,
			    size_t errlen);

/*
 * ISO 3166-1 alpha-3 to alpha-2 ("IRL" -> "IE") for the EU and EEA
 * countries, the candidate and potential candidate countries, CH, GB and
 * the European microstates; NULL if not in the table.
 */
const char	*cl_elm_country_alpha2(const char *alpha3);

#endif
