/* SPDX-License-Identifier: Apache-2.0 */
/* Messages for the error table of err.h. */
#include "err.h"

#define CL_ERR_MSG(n, s) [CL_E##n] = s,
#define CL_ERR_NAME(n, s) [CL_E##n] = #n,
static const char *const msgs[CL_ERR_COUNT] = { [CL_OK] = "ok",
	CL_ERR_MAP(CL_ERR_MSG) };
static const char *const names[CL_ERR_COUNT] = { [CL_OK] = "OK",
	CL_ERR_MAP(CL_ERR_NAME) };

const char *
cl_strerror(cl_err e)
{
	if ((unsigned)e >= CL_ERR_COUNT)
		return "unknown error";
	return msgs[e];
}

const char *
cl_errname(cl_err e)
{
	if ((unsigned)e >= CL_ERR_COUNT)
		return "UNKNOWN";
	return names[e];
}
