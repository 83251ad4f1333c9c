/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the event decoder.  Whatever cl_ev_decode() accepts
 * must re-encode to exactly the input (canonical or nothing), must have
 * the same id whether taken from its raw bytes or from a re-encoding, and
 * must verify or not without harm.  A broken invariant is a bug: abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "seeds.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fz_net	net;

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_event: invariant broken: %s\n", what);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_net_init(&net);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 out[CL_EVENT_MAX];
	struct cl_event	 ev, copy;
	struct cl_where	 where = { NULL };
	uint8_t		 id[CL_ID_LEN], id_raw[CL_ID_LEN];
	uint8_t		 id_enc[CL_ID_LEN];
	size_t		 len;
	cl_err		 err;

	err = cl_ev_decode(&ev, data, size, &where);
	if (cl_strerror(err) == NULL)
		broken("no message for an error");
	if (where.field != NULL)
		(void)strlen(where.field);	/* a valid string */
	if (err != CL_OK) {
		if (ev.raw != NULL)
			broken("decode failed but holds bytes");
		return 0;
	}
	if (ev.raw == NULL || ev.raw_len != size ||
	    memcmp(ev.raw, data, size) != 0)
		broken("decoded event does not own a copy of its bytes");
	if (ev.type < CL_EV_TYPE_MIN || ev.type > CL_EV_TYPE_MAX ||
	    strcmp(cl_ev_type_name((unsigned)ev.type), "?") == 0)
		broken("decoded an unknown type");

	/* round trip: the signed encoding is the input, byte for byte */
	err = cl_ev_encode(&ev, true, out, sizeof(out), &len, &where);
	if (err != CL_OK)
		broken("decoded event does not encode");
	if (len != size || memcmp(out, data, size) != 0)
		broken("re-encoding differs from the input");

	/* the id from the raw bytes equals the id from a re-encoding */
	if (cl_ev_id(&ev, net.netid, id_raw) != CL_OK)
		broken("no id for a decoded event");
	copy = ev;
	copy.raw = NULL;
	copy.raw_len = 0;
	copy.define_owned = NULL;	/* ev's: the copy only borrows it */
	if (cl_ev_id(&copy, net.netid, id_enc) != CL_OK)
		broken("no id for a re-encoded event");
	if (memcmp(id_raw, id_enc, CL_ID_LEN) != 0)
		broken("raw and re-encoded ids differ");

	/* the unsigned form is the signed one without its signature */
	err = cl_ev_encode(&ev, false, out, sizeof(out), &len, NULL);
	if (err != CL_OK || len + 3 + CL_SIG_LEN != size ||
	    memcmp(out + 1, data + 1, len - 1) != 0)
		broken("unsigned encoding is not a prefix");

	err = cl_ev_verify(&ev, net.netid, id);
	if (err == CL_OK && memcmp(id, id_raw, CL_ID_LEN) != 0)
		broken("verify gives another id");
	if (err != CL_OK && err != CL_EBADSIG)
		broken("verify fails with an error other than BADSIG");
	cl_ev_free(&ev);
	return 0;
}
