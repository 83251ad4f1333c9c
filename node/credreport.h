/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a verifier says about one credential: its proof bundle checked as
 * a verifier checks it (cl_bundle_check()), and the answer as JSON.  One
 * implementation for `credledger verify --json` (tools/) and the node's
 * HTTP port, so the two cannot drift apart.  Also the JSON of a DEFINE
 * and of a node's status, for the same reason.  No I/O.
 */
#ifndef CL_NODE_CREDREPORT_H
#define CL_NODE_CREDREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "err.h"
#include "event.h"
#include "genesis.h"

struct json_t;
struct cl_wire_status;

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

/*
 * The same for a node's own answer: its bundle is built from events the
 * node verified when it stored them, so the signatures are not verified
 * again (cl_bundle_check_held()); everything else is.
 */
void	cl_report_check_held(struct cl_report *r, const struct cl_genesis *g,
	    const uint8_t id[static CL_ID_LEN], unsigned node_status,
	    unsigned node_void, const uint8_t *bundle, size_t len,
	    uint64_t now);

/* The status told: the proof's when checked, else the node's. */
unsigned	cl_report_status(const struct cl_report *r);

void	cl_report_free(struct cl_report *r);

/*
 * The events of a checked report that an answer tells of; they point into
 * r->b and live as long as r.  All NULL (but status) when r is not
 * checked.
 */
struct cl_report_view {
	unsigned			 status;
	const struct cl_event		*is;	/* the ISSUE; NULL: nothing
						   to tell */
	const struct cl_event		*def;	/* its DEFINE */
	const struct cl_event		*acc;	/* the ACCREDIT of the issuer */
	const struct cl_event		*chg;	/* the change that set the
						   status */
	const struct cl_event		*wd;	/* the WITHDRAW of lowest
						   after_seq */
	const struct cl_authority	*by;	/* the authority of acc */
	bool				 accredited;	/* the ISSUE is in the
							   issuer's window */
};
void	cl_report_view(const struct cl_report *r, struct cl_report_view *v);

/* The title to show: in English if there is one, else the first; NULL. */
const struct cl_str	*cl_report_title(const struct cl_define *def);

/* ECTS credits from hundredths: "3", "2.5", "2.25". */
void	cl_report_ects_text(char *out, size_t cap, uint64_t hundredths);

/* "none", "supervised", "online-id", "onsite-id"; "?" for no value. */
const char	*cl_supervision_name(uint64_t sup);

/*
 * The answer as one JSON object: status, credential, node_status,
 * issuer {key, name, country, org_id, accredited, accredited_by,
 * withdrawn_after_seq}, achievement {id, title, eqf, ects,
 * learning_outcomes, esco_skills, and the DEFINE's other elements},
 * issued_at, valid_until, holder {kind, ref}, document_digest, grade,
 * supervision, local_ref, revocation {reason, code, at}, suspension
 * {reason, at}, void_reason, proof_checked, proof_events, error.  Dates
 * are YYYY-MM-DD; what is absent is null.  *out is a new reference.
 * Errors: CL_ENOMEM, CL_EBADUTF8 (a string jansson refuses).
 */
CL_NODISCARD cl_err	cl_report_json(const struct cl_report *r,
			    struct json_t **out);

/*
 * A growing buffer that JSON is written into.  Kept across answers, an
 * answer costs no allocation once it has grown.  err is sticky: after a
 * failure writes are no-ops.  Start it zeroed; the caller may set len to
 * reuse it; release with cl_report_out_free().
 */
struct cl_report_out {
	char	*ptr;
	size_t	 len;
	size_t	 cap;
	cl_err	 err;		/* CL_OK, CL_ENOMEM or CL_EBADUTF8 */
};
void	cl_report_out_free(struct cl_report_out *o);

/*
 * Room for n more bytes at o->ptr + o->len; false (and o->err) when
 * there is none.  The caller writes them and adds to o->len.
 */
bool	cl_report_out_room(struct cl_report_out *o, size_t n);

/* Append n bytes as they are: JSON the caller made. */
void	cl_report_out_raw(struct cl_report_out *o, const void *b, size_t n);

/* Append len bytes as a hex string, quotes included. */
void	cl_report_out_hex(struct cl_report_out *o, const uint8_t *b,
	    size_t len);

/* Append j as json_dumpb() writes it compactly, and release j. */
void	cl_report_out_json(struct cl_report_out *o, struct json_t *j);

/*
 * The issuer and achievement JSON of answers, which many credentials
 * share, kept under every event it is made of (the ISSUE's DEFINE, the
 * issuer's ACCREDIT and WITHDRAW) and what the credential adds (the
 * issuer's key, whether it was accredited for the ISSUE): a kept one is
 * never stale and needs no invalidation.  Direct-mapped, a bounded
 * number of slots.  One genesis per cache (the authorities' names come
 * from it).  NULL on no memory; free accepts NULL.
 */
struct cl_report_cache;
struct cl_report_cache	*cl_report_cache_new(void);
void			 cl_report_cache_free(struct cl_report_cache *c);

/*
 * cl_report_json()'s object, appended to out as json_dumpb() with
 * JSON_COMPACT writes it, ending with its '}'.  cl_report_json() is this
 * text read back by jansson, so the two cannot differ.  The issuer and
 * achievement come from cache when it holds them (NULL: none kept).
 * Errors: CL_ENOMEM (out->err is set too), CL_EBADUTF8 (as
 * cl_achievement_to_json()).
 */
CL_NODISCARD cl_err	cl_report_write(const struct cl_report *r,
			    struct cl_report_cache *cache,
			    struct cl_report_out *out);

/*
 * A DEFINE as achievement JSON (tools/achievement.h describes the
 * format), for display.  Absent elements are left out; ects is an
 * integer when whole, else a real.  *out is a new reference.
 * Errors: CL_ETOOBIG (a language tag over CL_LANG_MAX), CL_EBADUTF8 (a
 * string jansson refuses; jansson reports running out of memory the same
 * way), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_achievement_to_json(const struct cl_define *def,
			    struct json_t **out);

/*
 * A node's status (the client protocol's STATUS answer) as the object of
 * `credledger status --json`: node, network_id, network_name, digest,
 * events_by_type, log_size, feeds, credentials, void_events, forks,
 * map_used, map_size, connections, uptime_ms, submitted, accepted.  g is
 * the node's genesis (for its name).  *out is a new reference.
 * Errors: CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_report_status_json(const struct cl_genesis *g,
			    const struct cl_wire_status *st,
			    struct json_t **out);

#endif
