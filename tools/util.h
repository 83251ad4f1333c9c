/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers every credledger verb shares: files, numbers, hex, messages. */
#ifndef CL_TOOLS_UTIL_H
#define CL_TOOLS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"

/*
 * Exit statuses of every verb: 0 done, 1 it failed while running (I/O, a
 * bad file, a wrong passphrase), 2 the command line was wrong.
 */
#define CL_TOOL_OK	0
#define CL_TOOL_FAIL	1
#define CL_TOOL_USAGE	2

/* The longest key or id cl_tool_put_hex() prints, in bytes. */
#define CL_TOOL_HEX_MAX	64

/*
 * Print "credledger <verb>: <message>\n" to stderr; with verb NULL just
 * "credledger: <message>\n".
 */
void	cl_tool_err(const char *verb, const char *fmt, ...) CL_PRINTF(2, 3);

/*
 * Report the option getopt_long() just rejected, named as the user typed
 * it: an unknown option, one missing its value or a long one given a
 * value it does not take.  getopt_long() must run with opterr 0 and an
 * optstring starting with ':'; c is what it returned.  Returns
 * CL_TOOL_USAGE.
 */
int	cl_tool_badopt(const char *verb, char **argv, int c);

/*
 * Take optarg into *slot for an option that may be given once and not
 * empty (a file name, a name); opt is its name for the message.  Returns
 * CL_TOOL_OK, or CL_TOOL_USAGE having said what was wrong.
 */
int	cl_tool_once(const char *verb, const char *opt, const char **slot);

/*
 * Read a whole file into a new buffer of at most max bytes.  *out is
 * malloc()ed (free() it) and holds *len bytes; on error it is NULL.
 * Not for secrets: growing the buffer may leave copies behind (see
 * cl_tool_read_buf()).
 * Errors: CL_EIO with errno set, CL_ETOOBIG when the file has more than
 * max bytes, CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_tool_read_file(const char *path, size_t max,
			    uint8_t **out, size_t *len);

/*
 * Read a whole file into buf (cap bytes).  Nothing is copied anywhere
 * else, so buf may hold a secret: the caller wipes it.
 * Errors: CL_EIO with errno set, CL_ETOOBIG when the file has more than
 * cap bytes (buf then holds the first cap).
 */
CL_NODISCARD cl_err	cl_tool_read_buf(const char *path, uint8_t *buf,
			    size_t cap, size_t *len);

/*
 * Replace or create path with len bytes of buf, atomically and durably:
 * write a temporary file in the same directory with the given mode (umask
 * does not apply), fsync it, move it into place and fsync the directory.
 * A reader sees the old file or the whole new one, never a part.  Without
 * force an existing path is left alone and the result is CL_EEXISTS; the
 * check and the move are one atomic step (link(2)).  On any error the
 * temporary file is removed.
 * Errors: CL_EEXISTS, CL_EIO with errno set, CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_tool_write_file(const char *path, const void *buf,
			    size_t len, mode_t mode, bool force);

/*
 * Parse a decimal unsigned number, strictly: a digit first (no sign, no
 * space), nothing after the digits, at most max.
 * Errors: CL_EUSAGE for anything but digits, CL_ERANGE over max.
 */
CL_NODISCARD cl_err	cl_tool_parse_u64(const char *s, uint64_t max,
			    uint64_t *out);

/*
 * Output.  A failed write sets the stream's error flag, which main()
 * checks once after the verb (with a final fflush()), so these return
 * nothing.
 *
 * cl_tool_put_hex() prints len bytes (at most CL_TOOL_HEX_MAX) as
 * lower-case hex and a newline.  cl_tool_put_str() prints a string from a
 * file someone else wrote: control characters and DEL come out as \xNN so
 * they cannot drive the terminal, a backslash as \\.
 */
void	cl_tool_put_hex(FILE *, const uint8_t *, size_t len);
void	cl_tool_put_str(FILE *, const char *, size_t len);

/* Milliseconds since the epoch, from the real-time clock. */
uint64_t	cl_tool_now_ms(void);

#endif
