/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Credential status, derived from a set of events alone (DESIGN §4).  The
 * ledger and the proof-bundle checker both call these functions, so a node
 * and a verifier cannot disagree about a rule.
 */
#ifndef CL_PROTO_STATUS_H
#define CL_PROTO_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "limits.h"

/* The answers to "is this credential valid?"; numbers are on the wire. */
enum cl_cred_status {
	CL_ST_VALID = 0,
	CL_ST_SUSPENDED = 1,
	CL_ST_REVOKED = 2,
	CL_ST_EXPIRED = 3,
	CL_ST_UNKNOWN = 4,
	CL_ST_VOID = 5,
	CL_ST_ISSUER_WITHDRAWN = 6,
	CL_ST_DISPUTED = 7,
};
#define CL_ST_MAX	CL_ST_DISPUTED

/* "valid", "suspended", ... as DESIGN §4 spells them; "?" if none. */
const char	*cl_status_name(unsigned);

/* Why an event is void.  Numbers are stored; never renumber. */
enum cl_void {
	CL_VOID_NONE = 0,
	CL_VOID_NO_DEFINE = 1,		/* ISSUE: achievement not defined
					   earlier in the issuer's feed */
	CL_VOID_NO_CREDENTIAL = 2,	/* status change: credential not
					   issued earlier in this feed */
	CL_VOID_NOT_SUSPENDED = 3,	/* REINSTATE of a credential that is
					   not suspended */
	CL_VOID_ALREADY_SUSPENDED = 4,	/* SUSPEND of a suspended one */
	CL_VOID_ALREADY_REVOKED = 5,	/* any change after REVOKE */
	CL_VOID_TOO_MANY_CHANGES = 6,	/* over CL_CRED_CHANGES_MAX */
	CL_VOID_NOT_ACCREDITED = 7,	/* ISSUE before any accreditation
					   covers its seq (query time) */
};
#define CL_VOID_MAX	CL_VOID_NOT_ACCREDITED

/* A sentence for a void reason; never NULL. */
const char	*cl_void_reason(unsigned);

/*
 * The feed-local state machine.  cur is VALID, SUSPENDED or REVOKED; type is
 * SUSPEND, REINSTATE or REVOKE.  Returns CL_VOID_NONE and sets *next, or the
 * reason the change is void (and leaves *next alone).
 */
enum cl_void	cl_status_step(enum cl_cred_status cur, unsigned type,
		    enum cl_cred_status *next);

/*
 * An issuer's effective window: its events with from <= seq <= after and
 * seq < fork are effective.  UINT64_MAX means "none" for after and fork;
 * from == UINT64_MAX means never accredited.
 */
struct cl_window {
	uint64_t	from;
	uint64_t	after;
	uint64_t	fork;
};

/* The window of no accreditation: nothing effective. */
void	cl_window_init(struct cl_window *);
/* An effective ACCREDIT with from_seq, or WITHDRAW with after_seq. */
void	cl_window_accredit(struct cl_window *, uint64_t from_seq);
void	cl_window_withdraw(struct cl_window *, uint64_t after_seq);
bool	cl_window_effective(const struct cl_window *, uint64_t seq);

/* One non-void status change of a credential. */
struct cl_change {
	uint64_t	seq;
	uint8_t		type;		/* SUSPEND, REINSTATE, REVOKE */
};

/* What cl_status_eval() needs to know about a credential. */
struct cl_status_in {
	uint64_t		 issue_seq;
	enum cl_void		 issue_void;
	uint64_t		 valid_until;	/* ms; 0 = none */
	struct cl_window	 win;		/* of the issuer */
	const struct cl_change	*changes;	/* ascending seq */
	uint32_t		 changes_cnt;
	uint64_t		 now;		/* ms */
};

/* The result: a status, and which change set it (index, or -1). */
struct cl_status_out {
	enum cl_cred_status	 status;
	enum cl_void		 void_reason;	/* when status is VOID */
	int			 last_change;	/* last effective change */
};

void	cl_status_eval(const struct cl_status_in *, struct cl_status_out *);

#endif
