/* SPDX-License-Identifier: Apache-2.0 */
/* The node's log lines on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum cl_log_level	threshold = CL_LOG_INFO;
static const char *const	names[] = { "debug", "info", "warn", "error" };

void
cl_log_set_level(enum cl_log_level level)
{
	threshold = level;
}

int
cl_log_level_parse(const char *s)
{
	int	i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void
vlog(enum cl_log_level lv, const char *comp, const char *fmt, va_list ap)
{
	char	line[1024];
	int	n;

	if (lv < threshold)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* one fprintf: lines of two threads never interleave */
	fprintf(stderr, "%s %s %s%s\n", names[lv], comp, line,
	    (size_t)n >= sizeof(line) ? "..." : "");
}

#define CL_LOG_FN(name, lv)						\
void									\
name(const char *comp, const char *fmt, ...)				\
{									\
	va_list	ap;							\
									\
	va_start(ap, fmt);						\
	vlog(lv, comp, fmt, ap);					\
	va_end(ap);							\
}
CL_LOG_FN(cl_log_debug, CL_LOG_DEBUG)
CL_LOG_FN(cl_log_info, CL_LOG_INFO)
CL_LOG_FN(cl_log_warn, CL_LOG_WARN)
CL_LOG_FN(cl_log_err, CL_LOG_ERR)

char *
cl_log_escape(char *out, size_t cap, const void *in, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = in;
	size_t			 i, o = 0, n = len < 64 ? len : 64;

	if (cap < 4 * 64 + 4) {
		if (cap > 0)
			out[0] = '\0';
		return out;
	}
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			out[o++] = (char)p[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 15];
		}
	}
	if (len > n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
