/* SPDX-License-Identifier: Apache-2.0 */
/* Private to achievement.c and elm.c: messages about JSON, file reads. */
#include "elm_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Messages. */

void
cl__elm_say(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

const char *
cl__elm_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		break;
	}
	return "null";
}

/* Untrusted text goes into one-line messages: escaped and cut. */
const char *
cl__elm_show(const json_t *v, char *buf, size_t cap)
{
	char	*s;
	size_t	 n;

	if (json_is_object(v) || json_is_array(v))
		return cl__elm_type_name(v);
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(15));
	if (s == NULL)
		return "(value)";
	n = strlen(s);
	if (n > CL__ELM_SHOW_MAX) {
		n = CL__ELM_SHOW_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	(void)snprintf(buf, cap, "%.*s%s", (int)n, s,
	    n < strlen(s) ? "..." : "");
	free(s);
	return buf;
}

const char *
cl__elm_show_cstr(const char *str, char *buf, size_t cap)
{
	json_t		*v;
	const char	*r;

	if ((v = json_string(str)) == NULL)
		return "(string)";
	r = cl__elm_show(v, buf, cap);
	if (r != buf) {
		(void)snprintf(buf, cap, "%s", r);
		r = buf;
	}
	json_decref(v);
	return r;
}

/* Files. */

cl_err
cl__elm_slurp(const char *path, size_t max, char **out, size_t *out_len,
    char *errbuf, size_t errlen)
{
	FILE	*f;
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0, n;
	int	 saved;

	*out = NULL;
	*out_len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		cl__elm_say(errbuf, errlen, "%s: %s", path, strerror(errno));
		return CL_EIO;
	}
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(buf);
				(void)fclose(f);
				cl__elm_say(errbuf, errlen, "%s: over %zu "
				    "bytes", path, max);
				return CL_ETOOBIG;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > max + 1)
				cap = max + 1;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				(void)fclose(f);
				cl__elm_say(errbuf, errlen, "%s: out of "
				    "memory", path);
				return CL_ENOMEM;
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		saved = errno;
		free(buf);
		(void)fclose(f);
		cl__elm_say(errbuf, errlen, "%s: %s", path, strerror(saved));
		return CL_EIO;
	}
	(void)fclose(f);
	if (len > max) {
		free(buf);
		cl__elm_say(errbuf, errlen, "%s: over %zu bytes", path, max);
		return CL_ETOOBIG;
	}
	*out = buf;
	*out_len = len;
	return CL_OK;
}
