/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to achievement.c, elm.c and issue.c: messages about JSON, file
 * reads.
 */
#ifndef CL_TOOLS_ELM_COMMON_H
#define CL_TOOLS_ELM_COMMON_H

#include <stddef.h>

#include "err.h"

struct json_t;

/*
 * Bytes of a bad value quoted in a message; a buffer for cl__elm_show()
 * needs CL__ELM_SHOW_MAX + 4 ("..." and the NUL), rounded up here.
 */
#define CL__ELM_SHOW_MAX	64
#define CL__ELM_SHOW_BUF	(CL__ELM_SHOW_MAX + 8)

/* Every ESCO skill or occupation IRI starts so. */
#define CL__ELM_ESCO_PREFIX	"http://data.europa.eu/esco/"

/*
 * printf() into errbuf (errlen bytes), cut to fit; nothing if errbuf is
 * NULL or errlen 0.
 */
void	cl__elm_say(char *errbuf, size_t errlen, const char *fmt, ...)
	    CL_PRINTF(3, 4);

/* "an object", "a string", ... for messages; never NULL. */
const char	*cl__elm_type_name(const struct json_t *v);

/*
 * A scalar as JSON text, quoted and escaped, cut to CL__ELM_SHOW_MAX bytes
 * on a UTF-8 boundary and marked "..." if cut, in buf (cap bytes, at least
 * CL__ELM_SHOW_BUF); an object or array is named by its type.  Input goes
 * into one-line messages this way.  Returns buf or a constant string.
 */
const char	*cl__elm_show(const struct json_t *v, char *buf, size_t cap);

/* A C string as cl__elm_show() shows it. */
const char	*cl__elm_show_cstr(const char *str, char *buf, size_t cap);

/*
 * Read the whole file path, at most max bytes, into *out (malloc()ed,
 * *out_len bytes, not NUL-terminated; NULL on error).  errbuf gets
 * "<path>: <why>".
 * Errors: CL_EIO, CL_ETOOBIG, CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl__elm_slurp(const char *path, size_t max,
			    char **out, size_t *out_len, char *errbuf,
			    size_t errlen);

#endif
