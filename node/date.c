/* SPDX-License-Identifier: Apache-2.0 */
/* Calendar dates (YYYY-MM-DD, UTC) to and from ms since the epoch. */
#include "date.h"

#include <stdbool.h>
#include <stdio.h>

/*
 * Days from 1970-01-01 to y-m-d and back, by the civil-from-days method
 * (H. Hinnant): exact for every Gregorian date, no time zone, no libc
 * (timegm() is not POSIX).  Years are shifted to start in March, so that
 * the leap day is the last of its year.
 */
static uint64_t
days_from_civil(unsigned y, unsigned m, unsigned d)
{
	unsigned	era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	/* 719468: days from 0000-03-01 to 1970-01-01 */
	return (uint64_t)era * 146097 + doe - 719468;
}

static void
civil_from_days(uint64_t z, unsigned *y, unsigned *m, unsigned *d)
{
	uint64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

static bool
digits(const char *s, int n, unsigned *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

cl_err
cl_date_parse(const char *s, uint64_t *ms)
{
	static const unsigned	mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	unsigned		y, m, d;
	bool			leap;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != '\0')
		return CL_EUSAGE;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return CL_EUSAGE;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return CL_EUSAGE;
	*ms = days_from_civil(y, m, d) * CL_DAY_MS;
	return CL_OK;
}

void
cl_date_format(char out[static CL_DATE_LEN], uint64_t ms)
{
	unsigned	y, m, d;

	civil_from_days(ms / CL_DAY_MS, &y, &m, &d);
	/* m and d are in range: the modulo tells the compiler */
	(void)snprintf(out, CL_DATE_LEN, "%04u-%02u-%02u", y, m % 100, d % 100);
}
