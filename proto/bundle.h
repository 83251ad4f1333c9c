/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proof bundles: the signed events a credential's status rests on, checked
 * without a store (PROTOCOL.md §6).
 */
#ifndef CL_PROTO_BUNDLE_H
#define CL_PROTO_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"
#include "genesis.h"
#include "status.h"

/*
 * A bundle on the wire is a msgpack array of 1..CL_BUNDLE_EVENTS_MAX bin
 * values, each a signed event.  The checker's view of one: every event
 * decoded and verified, sorted by role.
 */
struct cl_bundle {
	uint32_t		 ev_cnt;
	struct cl_event		*ev;		/* ev_cnt decoded events */
	uint8_t			(*id)[CL_ID_LEN];	/* their ids */
	int			 issue;		/* index of the ISSUE, or -1 */
	int			 define;	/* index of its DEFINE, or -1 */
	int			 accredit;	/* the effective ACCREDIT naming
						   the issuer, or -1 */
	int			 last_change;	/* the change that set the
						   status, or -1 */
	struct cl_status_out	 result;
	uint8_t			 credential[CL_ID_LEN];
};

/*
 * Encode n signed events (each ev[i] of ev_len[i] bytes) as a bundle.
 * Errors: CL_ETOOBIG.
 */
CL_NODISCARD cl_err	cl_bundle_encode(const uint8_t *const *ev,
			    const size_t *ev_len, uint32_t n, uint8_t *out,
			    size_t cap, size_t *len);

/*
 * Check a bundle for credential cred against genesis g at time now (ms):
 * every event decodes canonically and carries a valid signature of the
 * network; the ISSUE has id cred; every other event is one the answer
 * rests on (DEFINE of the ISSUE before it in the issuer's feed, status
 * changes of the credential after it, ACCREDIT and WITHDRAW of the issuer
 * by genesis authorities, fork proofs of the issuer or those authorities).
 * Then the status is derived with cl_status_eval(), exactly as a node does.
 * On success b holds the decoded events; release with cl_bundle_free().
 * Errors: decoder errors, CL_EBADSIG (also for an event signed for another
 * network: the network id is part of what is signed), CL_EBUNDLE (an event
 * that does not belong, a missing ISSUE, a broken link), CL_ENOMEM.
 * where, if not NULL, says what was wrong.
 */
CL_NODISCARD cl_err	cl_bundle_check(struct cl_bundle *b,
			    const struct cl_genesis *g, const uint8_t *in,
			    size_t len, const uint8_t cred[static CL_ID_LEN],
			    uint64_t now, struct cl_where *where);

/*
 * The same, but for a bundle a node built from events it verified when it
 * stored them: every check but the signatures (ids are still computed
 * from the bytes).  Never for a bundle from elsewhere.
 */
CL_NODISCARD cl_err	cl_bundle_check_held(struct cl_bundle *b,
			    const struct cl_genesis *g, const uint8_t *in,
			    size_t len, const uint8_t cred[static CL_ID_LEN],
			    uint64_t now, struct cl_where *where);

void	cl_bundle_free(struct cl_bundle *);

#endif
