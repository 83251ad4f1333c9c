/* SPDX-License-Identifier: Apache-2.0 */
/* Credential status from events alone: one rule set for node and verifier. */
#include "status.h"

#include "event.h"

static const char *const status_names[] = {
	[CL_ST_VALID] = "valid", [CL_ST_SUSPENDED] = "suspended",
	[CL_ST_REVOKED] = "revoked", [CL_ST_EXPIRED] = "expired",
	[CL_ST_UNKNOWN] = "unknown", [CL_ST_VOID] = "void",
	[CL_ST_ISSUER_WITHDRAWN] = "issuer_withdrawn",
	[CL_ST_DISPUTED] = "disputed",
};

static const char *const void_reasons[] = {
	[CL_VOID_NONE] = "not void",
	[CL_VOID_NO_DEFINE] =
	    "the achievement is not defined earlier in the issuer's feed",
	[CL_VOID_NO_CREDENTIAL] =
	    "the credential is not issued earlier in this feed",
	[CL_VOID_NOT_SUSPENDED] = "reinstates a credential that is not "
	    "suspended",
	[CL_VOID_ALREADY_SUSPENDED] = "suspends a suspended credential",
	[CL_VOID_ALREADY_REVOKED] = "changes a revoked credential",
	[CL_VOID_TOO_MANY_CHANGES] = "too many status changes for one "
	    "credential",
	[CL_VOID_NOT_ACCREDITED] = "the issuer was not accredited at this "
	    "point of its feed",
};

const char *
cl_status_name(unsigned s)
{
	return s <= CL_ST_MAX ? status_names[s] : "?";
}

const char *
cl_void_reason(unsigned v)
{
	return v <= CL_VOID_MAX ? void_reasons[v] : "unknown reason";
}

enum cl_void
cl_status_step(enum cl_cred_status cur, unsigned type,
    enum cl_cred_status *next)
{
	if (cur == CL_ST_REVOKED)
		return CL_VOID_ALREADY_REVOKED;
	switch (type) {
	case CL_EV_SUSPEND:
		if (cur == CL_ST_SUSPENDED)
			return CL_VOID_ALREADY_SUSPENDED;
		*next = CL_ST_SUSPENDED;
		return CL_VOID_NONE;
	case CL_EV_REINSTATE:
		if (cur != CL_ST_SUSPENDED)
			return CL_VOID_NOT_SUSPENDED;
		*next = CL_ST_VALID;
		return CL_VOID_NONE;
	default:
		*next = CL_ST_REVOKED;
		return CL_VOID_NONE;
	}
}

void
cl_window_init(struct cl_window *w)
{
	w->from = UINT64_MAX;
	w->after = UINT64_MAX;
	w->fork = UINT64_MAX;
}

void
cl_window_accredit(struct cl_window *w, uint64_t from_seq)
{
	if (from_seq < w->from)
		w->from = from_seq;
}

void
cl_window_withdraw(struct cl_window *w, uint64_t after_seq)
{
	if (after_seq < w->after)
		w->after = after_seq;
}

bool
cl_window_effective(const struct cl_window *w, uint64_t seq)
{
	return w->from <= seq && seq <= w->after && seq < w->fork;
}

void
cl_status_eval(const struct cl_status_in *in, struct cl_status_out *out)
{
	enum cl_cred_status	st = CL_ST_VALID;
	uint32_t		i;

	out->void_reason = CL_VOID_NONE;
	out->last_change = -1;
	/*
	 * Past a fork point nothing the author signed holds, void or not:
	 * and whether an ISSUE there found its DEFINE depended on which
	 * branch came first.
	 */
	if (in->win.fork <= in->issue_seq) {
		out->status = CL_ST_DISPUTED;
		return;
	}
	if (in->issue_void != CL_VOID_NONE) {
		out->status = CL_ST_VOID;
		out->void_reason = in->issue_void;
		return;
	}
	if (in->win.from > in->issue_seq) {
		out->status = CL_ST_VOID;
		out->void_reason = CL_VOID_NOT_ACCREDITED;
		return;
	}
	if (in->issue_seq > in->win.after) {
		out->status = CL_ST_ISSUER_WITHDRAWN;
		return;
	}
	/*
	 * The effective window is an interval, so the effective changes are
	 * a prefix of the (non-void) changes in feed order.
	 */
	for (i = 0; i < in->changes_cnt; i++) {
		if (!cl_window_effective(&in->win, in->changes[i].seq))
			break;
		if (cl_status_step(st, in->changes[i].type, &st) ==
		    CL_VOID_NONE)
			out->last_change = (int)i;
	}
	if (st == CL_ST_VALID && in->valid_until != 0 &&
	    in->valid_until < in->now)
		st = CL_ST_EXPIRED;
	out->status = st;
}
