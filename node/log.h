/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's log: one line per event on stderr (journald takes it),
 * "level component msg key=value ...".  No keys or payloads are logged;
 * bytes a peer sent go through cl_log_escape() first.
 */
#ifndef CL_NODE_LOG_H
#define CL_NODE_LOG_H

#include <stddef.h>

#include "err.h"

enum cl_log_level {
	CL_LOG_DEBUG = 0,
	CL_LOG_INFO = 1,
	CL_LOG_WARN = 2,
	CL_LOG_ERR = 3,
};

/* Lines below level are dropped.  Default: CL_LOG_INFO. */
void	cl_log_set_level(enum cl_log_level level);
/* "debug", "info", "warn" or "error"; -1 for anything else. */
int	cl_log_level_parse(const char *s);

void	cl_log_debug(const char *comp, const char *fmt, ...) CL_PRINTF(2, 3);
void	cl_log_info(const char *comp, const char *fmt, ...) CL_PRINTF(2, 3);
void	cl_log_warn(const char *comp, const char *fmt, ...) CL_PRINTF(2, 3);
void	cl_log_err(const char *comp, const char *fmt, ...) CL_PRINTF(2, 3);

/*
 * Write at most 64 bytes of untrusted in as printable ASCII into out
 * (cap >= 4 * 64 + 4), escaping everything else as \xNN; "..." marks a
 * cut.  Returns out.
 */
char	*cl_log_escape(char *out, size_t cap, const void *in, size_t len);

#endif
