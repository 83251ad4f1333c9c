/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What verify says about one credential, in words, and its exit status.
 * The check and the JSON are node/credreport.h's, shared with the node's
 * HTTP port.
 */
#ifndef CL_TOOLS_REPORT_H
#define CL_TOOLS_REPORT_H

#include <stdio.h>

#include "credreport.h"

/*
 * The exit status of verify for r: CL_TOOL_USAGE (2) when the answer does
 * not stand, CL_TOOL_OK when the credential is valid, else CL_TOOL_FAIL.
 */
int	cl_report_exit(const struct cl_report *r);

/*
 * The answer for a person: "credential <id> is <status>", the issuer and
 * its accreditation, the micro-credential, dates, the reason of a
 * revocation or suspension, and "proof checked: N signed events, every
 * signature valid".  Strings of the events come out escaped
 * (cl_tool_put_str()).  Write errors are the stream's.
 */
void	cl_report_text(FILE *f, const struct cl_report *r);

#endif
