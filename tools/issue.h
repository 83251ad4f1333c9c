/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ISSUE bodies from the command line or from JSON lines: holder
 * references, document digests, dates, supervision, batches.
 */
#ifndef CL_TOOLS_ISSUE_H
#define CL_TOOLS_ISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credreport.h"	/* cl_supervision_name() */
#include "err.h"
#include "event.h"
#include "limits.h"

struct json_t;

/*
 * A holder reference made from the learner's identity:
 *
 *	holder = SHA-256("credledger/holder/v1" || salt || identity)
 *
 * the tag is the 20 ASCII bytes shown, salt is 32 bytes, identity is
 * the UTF-8 bytes exactly as given (no normalisation, no terminator).
 * The salt and the identity stay with the learner, in the document the
 * credential is about; without the salt the reference names nobody.
 */
#define CL_HOLDER_TAG		"credledger/holder/v1"
#define CL_HOLDER_SALT_LEN	32

void	cl_holder_ref(uint8_t out[static CL_ID_LEN],
	    const uint8_t salt[static CL_HOLDER_SALT_LEN], const char *identity,
	    size_t len);

/*
 * The SHA-256 of a file's bytes, read in pieces (a document may be
 * large).  Errors: CL_EIO with errno set.
 */
CL_NODISCARD cl_err	cl_document_digest(const char *path,
			    uint8_t out[static CL_ID_LEN]);

/* A batch file: at most this many bytes and credentials. */
#define CL_BATCH_FILE_MAX	(64 * 1024 * 1024)
#define CL_BATCH_MAX		100000

/* The fields of an ISSUE as a user gives them. */
enum cl_issue_field {
	CL_IF_ACHIEVEMENT,	/* 64 hex digits: a DEFINE id */
	CL_IF_HOLDER_REF,	/* 64 hex digits */
	CL_IF_HOLDER_KEY,	/* 64 hex digits: a wallet's public key */
	CL_IF_HOLDER_ID,	/* the learner's identity, hashed */
	CL_IF_SALT,		/* 64 hex digits, with holder_id only */
	CL_IF_DOCUMENT,		/* a file: its SHA-256 is the digest */
	CL_IF_VALID_UNTIL,	/* YYYY-MM-DD: valid through that day, UTC */
	CL_IF_ISSUED_AT,	/* YYYY-MM-DD: 00:00 UTC of that day */
	CL_IF_GRADE,
	CL_IF_SUPERVISION,	/* cl_supervision_name() */
	CL_IF_LOCAL_REF,
	CL_IF_COUNT
};

/*
 * The name of field f in messages: its option ("--holder-id") for the
 * command line, else its JSON key ("holder_id").
 */
const char	*cl_issue_field_name(enum cl_issue_field f, bool cli);

/* One credential to issue, as it is being filled. */
struct cl_issue_spec {
	struct cl_issue	 body;
	bool		 cli;			/* messages name options */
	bool		 set[CL_IF_COUNT];	/* given */
	const char	*holder_id;		/* hashed by ..._finish() */
	uint8_t		 salt[CL_HOLDER_SALT_LEN];
	bool		 salt_made;		/* made here: tell the user */
};

void	cl_issue_spec_init(struct cl_issue_spec *s, bool cli);

/*
 * Set field f from its text (NUL-terminated).  Text fields (grade,
 * local_ref, holder_id) point at value, which must outlive s; document
 * is read and hashed now.  A field given again replaces the first.
 * errbuf (errlen bytes) gets "<name>: <why>".
 * Errors: CL_EUSAGE (a malformed value), CL_EIO (document, errno set).
 */
CL_NODISCARD cl_err	cl_issue_spec_set(struct cl_issue_spec *s,
			    enum cl_issue_field f, const char *value,
			    char *errbuf, size_t errlen);

/*
 * Complete s: exactly one of holder_ref, holder_key, holder_id; salt only
 * with holder_id (a random one when absent: salt_made); achievement
 * given; issued_at now (ms) and supervision "none" when absent; then the
 * body is checked as it will be signed.
 * Errors: CL_EUSAGE (errbuf says why) and the validation errors of
 * cl_ev_encode() (errbuf names the field).
 */
CL_NODISCARD cl_err	cl_issue_spec_finish(struct cl_issue_spec *s,
			    uint64_t now, char *errbuf, size_t errlen);

/*
 * The credentials of a batch: one JSON object a line, with the JSON keys
 * of enum cl_issue_field, each a string.  Blank lines are skipped.
 */
struct cl_issue_batch {
	size_t			 cnt;
	struct cl_issue_spec	*spec;
	struct json_t		*keep;	/* the lines the specs point into */
};

/*
 * Parse text (len bytes) into b: each line starts from *defaults (or
 * from nothing, with defaults NULL) and is finished as
 * cl_issue_spec_finish() does.  On error nothing is held, *line is the
 * number (from 1) of the line at fault and errbuf says what is wrong
 * with it.
 * Errors: CL_EUSAGE, CL_EIO (a document), validation errors, CL_ETOOBIG
 * (more than CL_BATCH_MAX credentials), CL_EMISSING (no line at all;
 * *line 0), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_issue_batch_parse(struct cl_issue_batch *b,
			    const char *text, size_t len,
			    const struct cl_issue_spec *defaults, uint64_t now,
			    size_t *line, char *errbuf, size_t errlen);

/* Release what b holds; accepts a zeroed or freed batch. */
void	cl_issue_batch_free(struct cl_issue_batch *b);

#endif
