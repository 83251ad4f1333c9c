/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checkpoint files: a node's signed checkpoint (proto/checkpoint.h) as the
 * JSON that `credledger checkpoint --json` prints and `credledger audit
 * --checkpoint FILE` reads back:
 *
 *	{ "network": HEX64, "node": HEX64, "size": N, "root": HEX64,
 *	  "time": MS, "signature": HEX128 }
 *
 * size and time are non-negative integers (time in ms since the epoch, the
 * node's clock).  A file holds one such object, or an array of them
 * (`checkpoint --all --json`).  Reading is strict: every key is required,
 * an unknown or repeated key, a value of the wrong type and bad hex are
 * errors naming the key.  Whether the signature holds is the reader's
 * business (cl_checkpoint_verify()): a file may carry a forged one.
 */
#ifndef CL_TOOLS_CKPTFILE_H
#define CL_TOOLS_CKPTFILE_H

#include <stddef.h>

#include "checkpoint.h"
#include "err.h"

struct json_t;

/* Checkpoints one file may hold. */
#define CL_CKPT_FILE_MAX	65536
/* Bytes of a checkpoint file: CL_CKPT_FILE_MAX objects of ~400 bytes. */
#define CL_CKPT_FILE_BYTES	(32u << 20)

/* c as a new JSON object (*out).  Errors: CL_ENOMEM. */
CL_NODISCARD cl_err	cl_ckpt_json(const struct cl_checkpoint *c,
			    struct json_t **out);

/*
 * Parse one checkpoint object.  On error why (cap bytes) says what is
 * wrong, naming the key ("bad hex in \"root\": want 64 hex digits").
 * Errors: CL_EBADTYPE (not an object, a value of the wrong type),
 * CL_EUNKNOWNKEY, CL_EMISSING, CL_EUSAGE (bad hex), CL_ERANGE (a negative
 * number).
 */
CL_NODISCARD cl_err	cl_ckpt_parse(const struct json_t *o,
			    struct cl_checkpoint *c, char *why, size_t cap);

/*
 * Read a checkpoint file: *out (malloc'd, *cnt items; free() it).  why
 * as above, with the index of the object at fault in an array.
 * Errors: those of cl_ckpt_parse(), also for JSON that does not parse
 * (CL_EBADTYPE) and an empty array (CL_EMISSING); CL_EIO (errno set),
 * CL_ETOOBIG (over CL_CKPT_FILE_BYTES or CL_CKPT_FILE_MAX), CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_ckpt_load(const char *path,
			    struct cl_checkpoint **out, size_t *cnt,
			    char *why, size_t cap);

#endif
