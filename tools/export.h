/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Export files (PROTOCOL.md §11.4): a node's log for an auditor.
 *
 *	"CLEXPORT" ‖ u32be(1) ‖ record*	record = u32be(length) ‖ bytes
 *
 * The first record is the genesis file (1..CL_GENESIS_MAX bytes), then one
 * record per event (1..CL_EVENT_MAX bytes), the stored signed bytes, in
 * log position order.  Nothing follows the last record.
 *
 * The writer makes the file atomically: records go to a temporary file
 * beside the target, which is fsync'd and renamed over it only when the
 * caller commits, so a reader never sees half an export.  The reader takes
 * records one by one from a file of any size, checking every length before
 * it reads, so a hostile file costs at most one record's buffer.
 */
#ifndef CL_TOOLS_EXPORT_H
#define CL_TOOLS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define CL_EXPORT_MAGIC		"CLEXPORT"
#define CL_EXPORT_MAGIC_LEN	8
#define CL_EXPORT_VERSION	1
#define CL_EXPORT_HDR_LEN	(CL_EXPORT_MAGIC_LEN + 4)
#define CL_EXPORT_REC_HDR_LEN	4

/* A file being written. */
struct cl_export_w {
	FILE		*f;
	char		*path;		/* the target */
	char		*tmp;		/* the temporary file beside it */
	uint64_t	 cnt;		/* event records written */
	cl_err		 err;		/* the first failure; sticky */
	int		 errno_;	/* its errno when err is CL_EIO */
};

/*
 * Start an export to path: the temporary file, the header and the genesis
 * record.  Always end with cl_export_commit() or cl_export_abort().
 * Errors: CL_ERANGE (genesis length 0 or over CL_GENESIS_MAX), CL_EIO with
 * errno set, CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_export_create(struct cl_export_w *w,
			    const char *path, const uint8_t *genesis,
			    size_t len);

/*
 * Append one event record.  Errors are also kept in w (later calls are
 * no-ops): CL_ERANGE (len 0 or over CL_EVENT_MAX), CL_EIO with errno set.
 */
CL_NODISCARD cl_err	cl_export_add(struct cl_export_w *w,
			    const uint8_t *ev, size_t len);

/*
 * Flush, fsync, move the file into place (replacing path) and fsync its
 * directory; w is released either way.  Returns w's first error, or the
 * error of these steps (CL_EIO with errno set); on error path is left as
 * it was and the temporary file is removed.
 */
CL_NODISCARD cl_err	cl_export_commit(struct cl_export_w *w);

/* Drop the export: remove the temporary file, release w.  NULL is fine. */
void	cl_export_abort(struct cl_export_w *w);

/* A file being read. */
struct cl_export_r {
	FILE		*f;
	uint8_t		*genesis;	/* malloc'd */
	size_t		 genesis_len;
	uint64_t	 size;		/* of the file, bytes (0: unknown) */
	uint64_t	 off;		/* bytes read so far */
	uint64_t	 cnt;		/* event records read so far */
	const char	*why;		/* after an error: what was wrong */
};

/*
 * Open an export file and read its header and genesis record.  r->why is
 * a static sentence for the errors below.  Release r with
 * cl_export_close(), also on error.
 * Errors: CL_EIO with errno set; CL_EBADVERSION (not an export file: no
 * magic, or a version other than 1); CL_ETRUNCATED (the file ends inside
 * the header or the genesis record); CL_ERANGE (a genesis record of
 * length 0) or CL_ETOOBIG (over CL_GENESIS_MAX); CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_export_open(struct cl_export_r *r,
			    const char *path);

/*
 * Read the next event record into buf (CL_EVENT_MAX bytes).  At the end
 * of the file: CL_ENOTFOUND.  Errors, with r->why set and r->off at the
 * record's start: CL_ETRUNCATED (the file ends inside the record),
 * CL_ERANGE (length 0), CL_ETOOBIG (length over CL_EVENT_MAX), CL_EIO.
 * After an error the reader stays at that record: the rest of the file
 * cannot be framed.
 */
CL_NODISCARD cl_err	cl_export_next(struct cl_export_r *r, uint8_t *buf,
			    size_t *len);

void	cl_export_close(struct cl_export_r *r);

/*
 * The store directory of --data DIR: DIR/ledger when DIR is a node's data
 * directory (it holds ledger/data.mdb), else DIR itself.
 */
void	cl_export_store_dir(const char *data, char *out, size_t cap);

#endif
