/* SPDX-License-Identifier: Apache-2.0 */
/* The error table: one code, one name and one message each, never NULL. */
#include <limits.h>
#include <string.h>

#include <criterion/criterion.h>

#include "err.h"

/* Every code of the table, in table order, and its symbolic name. */
#define CODE(n, s)	CL_E##n,
#define NAME(n, s)	#n,
#define MSG(n, s)	s,
static const cl_err	codes[] = { CL_ERR_MAP(CODE) };
static const char *const names[] = { CL_ERR_MAP(NAME) };
static const char *const msgs[] = { CL_ERR_MAP(MSG) };
#undef CODE
#undef NAME
#undef MSG
#define NCODES	(sizeof(codes) / sizeof(codes[0]))

TestSuite(err);

Test(err, codes_are_numbered_from_one_without_holes)
{
	size_t	i;

	cr_assert_eq(CL_OK, 0);
	for (i = 0; i < NCODES; i++)
		cr_assert_eq((size_t)codes[i], i + 1, "%s is %d", names[i],
		    (int)codes[i]);
	cr_assert_eq((size_t)CL_ERR_COUNT, NCODES + 1);
}

Test(err, every_code_has_its_table_message)
{
	size_t	i;

	for (i = 0; i < NCODES; i++) {
		const char *m = cl_strerror(codes[i]);

		cr_assert_not_null(m, "%s", names[i]);
		cr_assert_gt(strlen(m), 0, "%s has an empty message", names[i]);
		cr_assert_str_eq(m, msgs[i], "%s", names[i]);
	}
}

Test(err, messages_are_distinct)
{
	size_t	i, j;

	for (i = 0; i < NCODES; i++)
		for (j = 0; j < i; j++)
			cr_assert_str_neq(cl_strerror(codes[i]),
			    cl_strerror(codes[j]), "%s and %s share \"%s\"",
			    names[i], names[j], cl_strerror(codes[i]));
}

Test(err, every_code_has_its_symbolic_name)
{
	size_t	i;

	for (i = 0; i < NCODES; i++) {
		const char *n = cl_errname(codes[i]);

		cr_assert_not_null(n);
		cr_assert_gt(strlen(n), 0, "code %zu has an empty name", i + 1);
		cr_assert_str_eq(n, names[i]);
	}
}

Test(err, names_are_distinct)
{
	size_t	i, j;

	for (i = 0; i < NCODES; i++)
		for (j = 0; j < i; j++)
			cr_assert_str_neq(cl_errname(codes[i]),
			    cl_errname(codes[j]));
}

Test(err, ok_is_not_an_error_message)
{
	cr_assert_str_eq(cl_strerror(CL_OK), "ok");
	cr_assert_str_eq(cl_errname(CL_OK), "OK");
	for (size_t i = 0; i < NCODES; i++) {
		cr_assert_str_neq(cl_strerror(codes[i]), "ok");
		cr_assert_str_neq(cl_strerror(codes[i]), "unknown error");
		cr_assert_str_neq(cl_errname(codes[i]), "UNKNOWN");
	}
}

Test(err, unknown_codes_say_unknown_error)
{
	const int	bad[] = { CL_ERR_COUNT, CL_ERR_COUNT + 1, 1000,
	    INT_MAX, -1, INT_MIN };
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_str_eq(cl_strerror((cl_err)bad[i]), "unknown error",
		    "code %d", bad[i]);
		cr_assert_str_eq(cl_errname((cl_err)bad[i]), "UNKNOWN",
		    "code %d", bad[i]);
	}
}

Test(err, strerror_is_never_null)
{
	int	e;

	for (e = -300; e <= CL_ERR_COUNT + 300; e++) {
		cr_assert_not_null(cl_strerror((cl_err)e), "code %d", e);
		cr_assert_not_null(cl_errname((cl_err)e), "code %d", e);
	}
}
