/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What verify says about one credential: its proof bundle checked as a
 * verifier checks it, and the answer in words or as JSON.
 */
#ifndef CL_TOOLS_REPORT_H
#define CL_TOOLS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bundle.h"
#include "err.h"
#include "genesis.h"

struct json_t;

/* One credential's answer. */
struct cl_report {
	uint8_t			 id[CL_ID_LEN];
	const struct cl_genesis	*g;		/* the network checked on */
	bool			 online;	/* node_* are a node's answer */
	unsigned		 node_status;	/* enum cl_cred_status */
	unsigned		 node_void;	/* enum cl_void */
	bool			 checked;	/* b holds the checked bundle */
	struct cl_bundle	 b;
	cl_err			 err;		/* CL_OK: the answer stands */
	char			 why[160];	/* err: what was wrong */
};

/*
 * Fill r for credential id.  With online, the node answered node_status
 * (and node_void) with the proof bundle (len bytes; NULL for none);
 * offline the bundle is all there is.  The bundle is checked with
 * cl_bundle_check() against g at now (ms).  r->err is CL_OK when the
 * answer stands: the proof checked and says what the node says, or the
 * node says "unknown" and gives no proof.  Otherwise it is the checker's
 * error, or CL_EBUNDLE for no proof or a proof that says something else,
 * and r->why says so.  g must outlive r; release r with
 * cl_report_free().
 */
void	cl_report_check(struct cl_report *r, const struct cl_genesis *g,
	    const uint8_t id[static CL_ID_LEN], bool online,
	    unsigned node_status, unsigned node_void, const uint8_t *bundle,
	    size_t len, uint64_t now);

/* The status told: the proof's when checked, else the node's. */
unsigned	cl_report_status(const struct cl_report *r);

/*
 * The exit status of verify for r: CL_TOOL_USAGE (2) when the answer does
 * not stand, CL_TOOL_OK when the credential is valid, else CL_TOOL_FAIL.
 */
int	cl_report_exit(const struct cl_report *r);

/*
 * The answer for a person: "credential <id> is <status>", the issuer and
 * its accreditation, the micro-credential, dates, the reason of a
 * revocation or suspension, and "proof checked: N signed events, every
 * signature valid".  Strings of the events come out escaped
 * (cl_tool_put_str()).  Write errors are the stream's.
 */
void	cl_report_text(FILE *f, const struct cl_report *r);

/*
 * The answer as one JSON object: status, credential, node_status,
 * issuer {key, name, country, org_id, accredited, accredited_by,
 * withdrawn_after_seq}, achievement {id, title, eqf, ects,
 * learning_outcomes, esco_skills, and the DEFINE's other elements},
 * issued_at, valid_until, holder {kind, ref}, document_digest, grade,
 * supervision, local_ref, revocation {reason, code, at}, suspension
 * {reason, at}, void_reason, proof_checked, proof_events, error.  Dates
 * are YYYY-MM-DD; what is absent is null.  *out is a new reference.
 * Errors: CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_report_json(const struct cl_report *r,
			    struct json_t **out);

void	cl_report_free(struct cl_report *r);

#endif
