/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The auditor: a node's log, from an export file (export.h) or read-only
 * from its store, replayed from the genesis in log order with the store
 * and rules the node itself uses (node/ledger.h) into scratch stores, and
 * all that the replay finds wrong.
 *
 * A node stores an event in its log only when its rules accept it
 * (accepted, fork or disputed, PROTOCOL.md §4.2), each event seeing those
 * before it, so an honest log replayed in its own order gives every event
 * one of those results again, at the same position.  Anything else is a
 * finding: an event invalid on its own (rejected: bytes, bounds,
 * signature, author), or one a node could not have stored there (a gap, a
 * prev mismatch, an unknown author, a duplicate: every event of the log
 * exactly once).  The file itself may be damaged (truncated, a record
 * over the limits, trailing bytes): a finding at the record where framing
 * is lost; the records before it are still audited.
 *
 * Signatures are checked on CL_AUDIT_THREADS threads (cl_ledger_prepare()
 * is thread-safe) while the calling thread applies the previous batch, so
 * a replay runs at about the machine's verify rate.
 *
 * Events that the rules store but that have no effect (an issuer's
 * events after its withdrawal point, before its accreditation, or past
 * its feed's fork point) are not findings: a node holds them rightly.
 * They are listed, with their positions, as "ineffective events".
 */
#ifndef CL_TOOLS_AUDIT_H
#define CL_TOOLS_AUDIT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "checkpoint.h"
#include "err.h"
#include "genesis.h"
#include "ledger.h"
#include "limits.h"
#include "status.h"

/* Events a scratch store takes per write transaction. */
#define CL_AUDIT_BATCH		10000
/* ... and at most these bytes of records per batch. */
#define CL_AUDIT_BATCH_BYTES	(16u << 20)
/* Threads checking signatures. */
#define CL_AUDIT_THREADS	2
/*
 * Findings, ineffective events and compare differences kept for the
 * report, each; more are counted, not listed (a hostile file of a million
 * bad records must not take gigabytes).
 */
#define CL_AUDIT_LIST_MAX	100000
/* --data: times the replay catches up with a node still writing. */
#define CL_AUDIT_CATCHUP_MAX	8
/* A position that is no position: a finding about the whole log. */
#define CL_AUDIT_NOPOS		UINT64_MAX

enum cl_audit_kind {
	CL_AUDIT_FILE = 1,	/* the file cannot be framed from here: err */
	CL_AUDIT_GENESIS,	/* the log is of another genesis than the
				   trusted one: nothing else is checked */
	CL_AUDIT_REJECTED,	/* invalid on its own: err, field */
	CL_AUDIT_ORDER,		/* valid, but not storable here: acc */
	CL_AUDIT_CHECKPOINT,	/* a checkpoint does not hold: ck, what */
	CL_AUDIT_STATE,		/* the node's indexes differ: what */
	CL_AUDIT_COMPARE,	/* the logs compared differ: what */
};

/* An event as the report names it. */
struct cl_audit_ev {
	uint64_t	 pos;		/* log position */
	bool		 decoded;	/* the rest is set */
	unsigned	 type;
	uint8_t		 author[CL_PK_LEN];
	uint64_t	 seq;
	uint64_t	 time;		/* the author's claim, ms */
	uint8_t		 id[CL_ID_LEN];
	const char	*why;		/* ineffective: static, or NULL */
};

struct cl_audit_finding {
	enum cl_audit_kind	 kind;
	struct cl_audit_ev	 ev;	/* ev.pos: CL_AUDIT_NOPOS if none */
	cl_err			 err;	/* FILE, REJECTED */
	const char		*field;	/* REJECTED: static, or NULL */
	unsigned		 acc;	/* ORDER: enum cl_accept */
	uint64_t		 head_seq; /* ORDER: gap, prev_mismatch */
	size_t			 ck;	/* CHECKPOINT: index */
	char			 what[160];
};

/* How a checkpoint fared. */
enum cl_audit_ck {
	CL_AUDIT_CK_UNCHECKED = 0,
	CL_AUDIT_CK_OK,		/* signed, of this network, root holds */
	CL_AUDIT_CK_BADSIG,	/* its signature does not verify */
	CL_AUDIT_CK_NETWORK,	/* of another network */
	CL_AUDIT_CK_BEYOND,	/* covers more events than the log holds */
	CL_AUDIT_CK_ROOT,	/* the log's first size events differ */
};

struct cl_audit_ckpt {
	struct cl_checkpoint	 c;
	const char		*source;	/* borrowed: a file name */
	enum cl_audit_ck	 verdict;	/* set by the audit */
	uint8_t			 log_root[CL_ID_LEN]; /* the log's, at size */
};

/* The state under one clock (PROTOCOL.md §11.3; issue 5's --as-of). */
struct cl_audit_clock {
	bool			 done;
	uint64_t		 at;		/* statuses as of, ms */
	size_t			 ckpt;		/* witnessed: the checkpoint
						   it stands on */
	uint64_t		 events;	/* events given to it */
	uint64_t		 stored;	/* ... that the rules stored */
	uint8_t			 digest[CL_ID_LEN];
	struct cl_counts	 counts;
	uint64_t		 credentials;
	uint64_t		 by_status[CL_ST_MAX + 1];
	/* --credential: its status, and the events that decide it */
	unsigned		 status;	/* enum cl_cred_status */
	unsigned		 void_reason;
	uint32_t		 proof_cnt;
	struct cl_audit_ev	 proof[CL_BUNDLE_EVENTS_MAX];
	uint32_t		 status_ev;	/* index of the change that
						   set it, or UINT32_MAX */
};

/* An author of the log: a genesis authority or an issuer. */
struct cl_audit_author {
	uint8_t		 key[CL_PK_LEN];
	bool		 authority;
	char		*name;		/* genesis org or ACCREDIT name; */
	char		*country;	/* malloc'd or NULL, unescaped */
	char		*org_id;
	uint64_t	 by_type[CL_EV_TYPE_MAX + 1];	/* events stored */
	uint64_t	 void_events;
	uint64_t	 disputed;	/* held past the fork point */
	uint64_t	 credentials;
	uint64_t	 by_status[CL_ST_MAX + 1];
	uint64_t	 head_seq;
	uint64_t	 fork_seq;	/* 0: no fork */
	uint64_t	 fork_pos[2];	/* the two events at the fork point */
};

/* What to audit, and how. */
struct cl_audit_opts {
	const char		*file;		/* an export file, or */
	const char *const	*more;		/* ... and export files that
						   continue its log, in order
						   (export --from), read as
						   one log with it */
	size_t			 more_cnt;
	const char		*data;		/* a store, read-only: the
						   node's data directory (its
						   ledger/ is used) or the
						   store's own */
	const uint8_t		*trusted;	/* genesis bytes the auditor
						   trusts, or NULL */
	size_t			 trusted_len;
	struct cl_audit_ckpt	*ckpt;		/* to check (a->ckpt: how
						   they fared) */
	size_t			 ckpt_cnt;
	const char		*compare;	/* an export file or a store */
	bool			 as_of_set;
	uint64_t		 as_of;		/* ms */
	bool			 cred_set;
	uint8_t			 cred[CL_ID_LEN];
	uint64_t		 now;		/* statuses at, ms */
	const char		*scratch;	/* parent of the scratch
						   stores; NULL: $TMPDIR or
						   /tmp */
	unsigned		 threads;	/* 0: CL_AUDIT_THREADS */
	bool			 quiet;		/* no progress line */
	volatile sig_atomic_t	*stop;		/* set: give up (a signal) */
};

/* The audit's findings and the report's figures. */
struct cl_audit {
	const struct cl_audit_opts *o;
	struct cl_genesis	 g;		/* the log's */
	bool			 genesis_trusted; /* equals --genesis */
	uint64_t		 log_size;	/* event records read */
	uint8_t			 root[CL_ID_LEN]; /* RFC 9162, of them */
	uint64_t		 decoded;	/* ... that decode */
	uint64_t		 acc[CL_ACC_MAX + 1];	/* replay results */
	uint64_t		 void_by_reason[CL_VOID_MAX + 1];
	struct cl_audit_clock	 log;		/* the whole log, at now */
	struct cl_audit_clock	 authors;	/* --as-of, events' times */
	struct cl_audit_clock	 witnessed;	/* --as-of, checkpoints */
	struct cl_audit_author	*author;
	size_t			 author_cnt;
	struct cl_audit_ev	*ineffective;
	size_t			 ineffective_cnt;
	uint64_t		 ineffective_total;
	struct cl_audit_finding	*f;
	size_t			 f_cnt;
	uint64_t		 f_total;
	struct cl_audit_ckpt	*ckpt;		/* those of the options, and
						   with --data those the node
						   kept (malloc'd) */
	size_t			 ckpt_cnt;
	size_t			 ckpt_given;	/* the first ones: options' */
	bool			 state_checked;	/* --data: indexes compared */
	bool			 state_moving;	/* ... the node kept writing */
	bool			 compared;	/* --compare */
	uint64_t		 other_size;	/* the other log's records */
	bool			 other_broken;	/* ... a damaged file */
	struct cl_audit_ev	*only_here;	/* what the other lacks */
	size_t			 only_here_cnt;
	uint64_t		 only_here_total;
	struct cl_audit_ev	*only_there;	/* what this log lacks */
	size_t			 only_there_cnt;
	uint64_t		 only_there_total;
	double			 replay_s;	/* the replay's wall time */
	double			 replay_cpu_s;	/* ... its CPU, all threads */
	double			 total_s;	/* everything */
};

/*
 * Audit as o says into a (o must outlive a).  A finding is not an error:
 * it is in a->f.  On error why (cap bytes) says what went wrong, and a
 * holds what was found so far.  Always cl_audit_free() after.
 * Errors: CL_EIO (a file or store that cannot be read; errno set),
 * CL_EBADVERSION (not an export file), CL_ENETWORK (--compare: another
 * network), decoding errors of the log's genesis, CL_ESTORE and
 * CL_EMAPFULL (the scratch stores), CL_ENOMEM, CL_ESHUTDOWN (o->stop).
 */
CL_NODISCARD cl_err	cl_audit_run(const struct cl_audit_opts *o,
			    struct cl_audit *a, char *why, size_t cap);

void	cl_audit_free(struct cl_audit *a);

/*
 * The report for a person (audit_report.c): the log, its events by type,
 * its authors (issuers with the organisation of their ACCREDIT) and their
 * credentials by status, ineffective events, checkpoints, the clocks of
 * --as-of, --credential, --compare, the node's state, and every finding
 * with its position.  Strings of events come out escaped.  Write errors
 * are the stream's.
 */
void	cl_audit_text(FILE *f, const struct cl_audit *a);

/*
 * The same as one JSON object (*out, a new reference); positions and
 * times are integers, keys and ids hex.  Errors: CL_ENOMEM.
 */
struct json_t;
CL_NODISCARD cl_err	cl_audit_json(const struct cl_audit *a,
			    struct json_t **out);

/* 0 when clean, 1 with findings. */
int	cl_audit_exit(const struct cl_audit *a);

/* What a finding or a checkpoint verdict says, for a person. */
void	cl_audit_finding_text(const struct cl_audit_finding *f, char *out,
	    size_t cap);
const char	*cl_audit_ck_name(enum cl_audit_ck v);

#endif
