/* SPDX-License-Identifier: Apache-2.0 */
/* Lower-case hex for keys and ids. */
#include "hex.h"

#include <string.h>

void
cl_hex_encode(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t	i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

cl_err
cl_hex_decode(uint8_t *out, size_t len, const char *in)
{
	size_t	i;
	int	hi, lo;

	if (strlen(in) != 2 * len)
		return CL_EUSAGE;
	for (i = 0; i < len; i++) {
		hi = nibble(in[2 * i]);
		lo = nibble(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return CL_EUSAGE;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return CL_OK;
}
