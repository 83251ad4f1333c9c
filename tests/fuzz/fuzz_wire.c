/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the client protocol decoders (proto/wire.c), which
 * read bytes from anyone who can reach a node's client port (requests)
 * or that a node sends back (answers).  The first input byte picks what
 * to decode: 0 a request, 1..7 the answer to that op.  Whatever decodes
 * must encode again and decode to the same thing.  A broken invariant is
 * a bug: abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_wire: invariant broken: %s\n", what);
	abort();
}

static void
request(const uint8_t *in, size_t len)
{
	static uint8_t	 out[CL_FRAME_MAX + 64];
	struct cl_req	 a, b;
	const char	*why = NULL;
	size_t		 n;
	uint32_t	 plen, i;

	if (cl_req_decode(&a, in, len, &why) != CL_OK) {
		if (why == NULL)
			broken("a refused request without a reason");
		if (a.ev != NULL || a.ev_cnt != 0)
			broken("a refused request holds events");
		return;
	}
	if (a.op < CL_OP_MIN || a.op > CL_OP_MAX)
		broken("an unknown op decoded");
	if (cl_req_encode(&a, out, sizeof(out), &n) != CL_OK)
		broken("a decoded request does not encode");
	if (cl_wire_frame(out, n, CL_FRAME_MAX, &plen) != CL_OK ||
	    plen + CL_WIRE_HDR_LEN != n)
		broken("the frame header is wrong");
	if (cl_req_decode(&b, out + CL_WIRE_HDR_LEN, plen, &why) != CL_OK)
		broken("a re-encoded request does not decode");
	if (a.op != b.op || a.flags != b.flags || a.ev_cnt != b.ev_cnt ||
	    memcmp(a.key, b.key, sizeof(a.key)) != 0)
		broken("a request changed on the way round");
	for (i = 0; i < a.ev_cnt; i++)
		if (a.ev_len[i] != b.ev_len[i] ||
		    memcmp(a.ev[i], b.ev[i], a.ev_len[i]) != 0)
			broken("an event changed on the way round");
	cl_req_free(&a);
	cl_req_free(&b);
}

static void
answer(unsigned op, const uint8_t *in, size_t len)
{
	struct cl_resp	 a, b;
	const char	*why = NULL;
	uint8_t		*out;
	size_t		 n;

	if (cl_resp_decode(&a, op, in, len, &why) != CL_OK) {
		if (why == NULL)
			broken("a refused answer without a reason");
		return;
	}
	if (a.code != CL_OK) {
		if (a.msg == NULL && a.msg_len != 0)
			broken("error words without a pointer");
		cl_resp_free(&a);
		return;
	}
	if (cl_resp_encode(&a, 0, &out, &n) != CL_OK) {
		cl_resp_free(&a);
		return;		/* e.g. a status of another size: fine */
	}
	if (cl_resp_decode(&b, op, out + CL_WIRE_HDR_LEN,
	    n - CL_WIRE_HDR_LEN, &why) != CL_OK)
		broken("a re-encoded answer does not decode");
	if (b.code != CL_OK)
		broken("an answer's code changed");
	if (op == CL_OP_SUBMIT && b.u.submit.cnt != a.u.submit.cnt)
		broken("results were lost on the way round");
	if ((op == CL_OP_BY_DIGEST || op == CL_OP_BY_HOLDER) &&
	    (b.u.ids.cnt != a.u.ids.cnt || (a.u.ids.cnt > 0 &&
	    memcmp(a.u.ids.ids, b.u.ids.ids,
	    (size_t)a.u.ids.cnt * CL_ID_LEN) != 0)))
		broken("ids changed on the way round");
	if (op == CL_OP_CREDENTIAL && (b.u.cred.status != a.u.cred.status ||
	    b.u.cred.bundle_len != a.u.cred.bundle_len))
		broken("a credential answer changed");
	cl_resp_free(&a);
	cl_resp_free(&b);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] == 0)
		request(data + 1, size - 1);
	else if (data[0] <= CL_OP_MAX)
		answer(data[0], data + 1, size - 1);
	return 0;
}
