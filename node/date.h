/* SPDX-License-Identifier: Apache-2.0 */
/* Calendar dates (YYYY-MM-DD, UTC) to and from ms since the epoch. */
#ifndef CL_NODE_DATE_H
#define CL_NODE_DATE_H

#include <stdint.h>

#include "err.h"

/* "YYYY-MM-DD" and its NUL, with room for any year a uint can hold. */
#define CL_DATE_LEN	24

/* A day in ms. */
#define CL_DAY_MS	86400000ULL

/*
 * Parse "YYYY-MM-DD", strictly: four digits, '-', two, '-', two, nothing
 * else; a day that exists in the proleptic Gregorian calendar, from
 * 1970-01-01 to 9999-12-31.  *ms gets the start of that day, 00:00 UTC.
 * Errors: CL_EUSAGE.
 */
CL_NODISCARD cl_err	cl_date_parse(const char *s, uint64_t *ms);

/*
 * Write the UTC day of ms as "YYYY-MM-DD" to out (a year past 9999, which
 * only a hand-made event can hold, has more digits).
 */
void	cl_date_format(char out[static CL_DATE_LEN], uint64_t ms);

#endif
