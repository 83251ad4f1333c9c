/* SPDX-License-Identifier: Apache-2.0 */
/* Lower-case hex for keys and ids. */
#ifndef CL_PROTO_HEX_H
#define CL_PROTO_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Write 2*len lower-case hex digits and a NUL to out (2*len+1 bytes). */
void	cl_hex_encode(char *out, const uint8_t *in, size_t len);

/*
 * Parse exactly 2*len hex digits (either case) from a NUL-terminated
 * string.  Errors: CL_EUSAGE for a wrong length or a non-hex digit.
 */
CL_NODISCARD cl_err	cl_hex_decode(uint8_t *out, size_t len,
			    const char *in);

#endif
