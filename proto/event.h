/* SPDX-License-Identifier: Apache-2.0 */
/* The event model: types, bodies, canonical encoding, signatures and ids. */
#ifndef CL_PROTO_EVENT_H
#define CL_PROTO_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "limits.h"

/*
 * Event types.  The numbers are on the wire (PROTOCOL.md §3) and never
 * change.  ACCREDIT and WITHDRAW are written by genesis authorities, the
 * others by accredited issuers.
 */
enum cl_ev_type {
	CL_EV_ACCREDIT = 1,
	CL_EV_WITHDRAW = 2,
	CL_EV_DEFINE = 3,
	CL_EV_ISSUE = 4,
	CL_EV_SUSPEND = 5,
	CL_EV_REINSTATE = 6,
	CL_EV_REVOKE = 7,
};
#define CL_EV_TYPE_MIN	CL_EV_ACCREDIT
#define CL_EV_TYPE_MAX	CL_EV_REVOKE

/* "ACCREDIT" ...; "?" for a number that is no type. */
const char	*cl_ev_type_name(unsigned);
/* The type for a name, case-insensitive; 0 if none. */
unsigned	 cl_ev_type_parse(const char *);

/*
 * A string: UTF-8, not NUL-terminated.  In a decoded event it points into
 * the event's own copy of its bytes.  len == 0 means "absent": every string
 * on the wire has at least one byte.
 */
struct cl_str {
	const char	*ptr;
	uint32_t	 len;
};

/* A title in one language; lang is a BCP 47 tag such as "en" or "pt-BR". */
struct cl_langstr {
	struct cl_str	 lang;
	struct cl_str	 text;
};

/* How the learner is named: a salted hash of an identity, or a wallet key. */
enum cl_holder_kind {
	CL_HOLDER_SALTED = 0,
	CL_HOLDER_WALLET = 1,
};

/* Annex I: supervision and identity verification during assessment. */
enum cl_supervision {
	CL_SUP_NONE = 1,		/* unsupervised, no identity check */
	CL_SUP_NO_ID = 2,		/* supervised, no identity check */
	CL_SUP_ONLINE_ID = 3,		/* supervised online, identity checked */
	CL_SUP_ONSITE_ID = 4,		/* supervised onsite, identity checked */
};
#define CL_SUP_MAX	CL_SUP_ONSITE_ID

/* ACCREDIT: an authority names an issuer key from a position of its feed. */
struct cl_accredit {
	uint8_t		 issuer[CL_PK_LEN];
	struct cl_str	 org_id;	/* e.g. a national register number */
	struct cl_str	 name;		/* legal name */
	struct cl_str	 country;	/* ISO 3166-1 alpha-2, upper case */
	uint64_t	 from_seq;	/* first issuer seq it covers, >= 1 */
	uint64_t	 eqf_min;	/* 0 = absent (1) */
	uint64_t	 eqf_max;	/* 0 = absent (8) */
	uint32_t	 fields_cnt;
	struct cl_str	 fields[CL_SCOPE_FIELDS_MAX];
	struct cl_str	 qa;		/* quality-assurance framework, opt. */
	struct cl_str	 url;		/* opt. */
};

/* WITHDRAW: issuer events with seq > after_seq are no longer effective. */
struct cl_withdraw {
	uint8_t		 issuer[CL_PK_LEN];
	uint64_t	 after_seq;
	struct cl_str	 reason;
};

/* DEFINE: a micro-credential, Annex I of the Council Recommendation. */
struct cl_define {
	uint32_t	 title_cnt;
	struct cl_langstr title[CL_TITLE_LANGS_MAX];	/* sorted by lang */
	struct cl_str	 awarding_body;
	struct cl_str	 country;	/* ISO 3166-1 alpha-2 */
	uint32_t	 outcomes_cnt;
	struct cl_str	 outcomes[CL_OUTCOMES_MAX];
	uint32_t	 skills_cnt;
	struct cl_str	 skills[CL_SKILLS_MAX];		/* ESCO URIs, opt. */
	uint64_t	 ects;		/* hundredths of ECTS; 0 = absent */
	uint64_t	 hours;		/* notional hours; 0 = absent */
	uint64_t	 eqf;		/* 1..8 */
	struct cl_str	 nqf;
	struct cl_str	 assessment;
	struct cl_str	 participation;	/* online, onsite, blended, ... */
	struct cl_str	 quality_assurance;
	struct cl_str	 prerequisites;	/* opt. */
	uint32_t	 stack_cnt;
	uint8_t		 stack[CL_STACK_MAX][CL_ID_LEN];	/* opt. */
	struct cl_str	 further_info;	/* opt. */
};

/* ISSUE: a credential for one learner.  Times are ms since the epoch. */
struct cl_issue {
	uint8_t		 achievement[CL_ID_LEN];	/* a DEFINE id */
	uint8_t		 holder[CL_ID_LEN];
	uint64_t	 holder_kind;			/* enum cl_holder_kind */
	uint8_t		 digest[CL_ID_LEN];		/* all zero = absent */
	uint64_t	 issued_at;
	uint64_t	 valid_until;			/* 0 = absent */
	struct cl_str	 grade;				/* opt. */
	uint64_t	 supervision;			/* enum cl_supervision */
	struct cl_str	 local_ref;			/* opt. */
};

/* SUSPEND, REINSTATE and REVOKE. */
struct cl_status {
	uint8_t		 credential[CL_ID_LEN];		/* an ISSUE id */
	uint64_t	 reason_code;			/* REVOKE only, 0..9 */
	struct cl_str	 reason;			/* opt. */
};

/*
 * An event.  To write one, fill the header and body (strings may point
 * anywhere) and call cl_ev_sign().  cl_ev_decode() fills one from bytes and
 * owns a copy of them in raw; release it with cl_ev_free().
 *
 * A DEFINE's body is out of line: at 3.7 KB it would make every event
 * that size, and every decoded event pays for what its struct holds.
 * body.define is NULL unless the event is a DEFINE.  To write one, fill a
 * struct cl_define of your own that outlives the event's use and point
 * body.define at it; define_owned stays NULL, so cl_ev_free() never frees
 * it.  A decoded DEFINE owns its body in define_owned (== body.define),
 * freed by cl_ev_free() like raw.  A struct copy of a decoded event
 * shares both: free only one of them.
 */
struct cl_event {
	uint64_t	 version;
	uint64_t	 type;
	uint8_t		 author[CL_PK_LEN];
	uint64_t	 seq;
	uint8_t		 prev[CL_ID_LEN];	/* all zero when seq == 1 */
	uint64_t	 time;			/* author's clock, ms */
	union {
		struct cl_accredit	accredit;
		struct cl_withdraw	withdraw;
		const struct cl_define	*define;	/* see above */
		struct cl_issue		issue;
		struct cl_status	status;
	} body;
	uint8_t		 sig[CL_SIG_LEN];
	uint8_t		*raw;		/* decoded only: owned copy */
	size_t		 raw_len;
	struct cl_define *define_owned;	/* decoded DEFINE only: its body */
};

/* Where a decode error is: a static field path such as "body.title". */
struct cl_where {
	const char	*field;
};

/* Initialise an event to all-absent (zero). */
void	cl_ev_init(struct cl_event *);

/*
 * Decode and validate signed event bytes.  Strict: canonical msgpack only,
 * every bound and every Annex I element checked.  The signature is NOT
 * checked (see cl_ev_verify()).  On success ev owns a copy of in (and a
 * DEFINE its body) and must be released with cl_ev_free(); on error nothing
 * is held.  where, if not NULL, gets the field at fault.
 * Errors: every decoder error of err.h, CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_ev_decode(struct cl_event *ev, const uint8_t *in,
			    size_t len, struct cl_where *where);

/*
 * Release what cl_ev_decode() holds (raw and define_owned; both pointers
 * and body.define of a decoded DEFINE end NULL); accepts a zeroed or
 * freed event and never frees a body the caller pointed to.
 */
void	cl_ev_free(struct cl_event *);

/*
 * Encode an event: with its signature (signed form) or without (the map of
 * keys 0..6 that is signed).  Validates the event as cl_ev_decode() does.
 * out has room for cap bytes; *len gets the size.
 * Errors: CL_ETOOBIG when over cap or CL_EVENT_MAX, validation errors
 * (CL_EMISSING at "body" for a DEFINE whose body.define is NULL).
 */
CL_NODISCARD cl_err	cl_ev_encode(const struct cl_event *ev, bool with_sig,
			    uint8_t *out, size_t cap, size_t *len,
			    struct cl_where *where);

/*
 * The event id: SHA-256 over "credledger/event/v1", the network id and the
 * unsigned encoding.  For a decoded event (raw set) no re-encoding is done.
 */
CL_NODISCARD cl_err	cl_ev_id(const struct cl_event *ev,
			    const uint8_t netid[static CL_ID_LEN],
			    uint8_t id[static CL_ID_LEN]);

/*
 * Sign: encodes, signs with sk (libsodium's 64-byte secret key), fills
 * ev->sig, and writes the signed bytes to out (cap bytes) and the id.
 */
CL_NODISCARD cl_err	cl_ev_sign(struct cl_event *ev,
			    const uint8_t netid[static CL_ID_LEN],
			    const uint8_t sk[static 64], uint8_t *out,
			    size_t cap, size_t *len,
			    uint8_t id[static CL_ID_LEN]);

/*
 * Verify a decoded event's signature by its author and compute its id.
 * Errors: CL_EBADSIG.  Thread-safe: no shared state.
 */
CL_NODISCARD cl_err	cl_ev_verify(const struct cl_event *ev,
			    const uint8_t netid[static CL_ID_LEN],
			    uint8_t id[static CL_ID_LEN]);

/* True for the types authorities write (ACCREDIT, WITHDRAW). */
bool	cl_ev_is_authority_type(uint64_t type);

#endif
