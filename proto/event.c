/* SPDX-License-Identifier: Apache-2.0 */
/* Events: field tables, strict decoding, signatures and ids. */
#include "event.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "canon.h"

/* The domain tag that starts every signed message and id preimage. */
static const char ev_tag[] = "credledger/event/v1";
#define EV_TAG_LEN	(sizeof(ev_tag) - 1)

/* The signature entry that ends a signed event: key 7, bin 8 of 64. */
#define EV_SIG_TAIL	(3 + CL_SIG_LEN)

#define F_U64(k, o, nm, lo, hi, op) { .key = k, .kind = CL_FK_U64,	\
	.opt = op, .name = nm, .off = offsetof(S, o), .min = lo, .max = hi }
#define F_BIN32(k, o, nm, op) { .key = k, .kind = CL_FK_BIN32,		\
	.opt = op, .name = nm, .off = offsetof(S, o) }
#define F_STR(k, o, nm, ck, mx, op) { .key = k, .kind = CL_FK_STR,	\
	.chk = ck, .opt = op, .name = nm, .off = offsetof(S, o), .max = mx }
#define F_ARR(k, kd, o, c, nm, ck, mx, imx, op) { .key = k, .kind = kd, \
	.chk = ck, .opt = op, .name = nm, .off = offsetof(S, o),	\
	.cnt_off = offsetof(S, c), .max = mx, .item_max = imx }
#define TABLE(nm, arr)	{ nm, arr, sizeof(arr) / sizeof(arr[0]) }

#define S struct cl_accredit
static const struct cl__field accredit_f[] = {
	F_BIN32(0, issuer, "body.issuer", false),
	F_STR(1, org_id, "body.org_id", CL_CHK_NAME, CL_NAME_MAX, false),
	F_STR(2, name, "body.name", CL_CHK_NAME, CL_NAME_MAX, false),
	F_STR(3, country, "body.country", CL_CHK_COUNTRY, 2, false),
	F_U64(4, from_seq, "body.from_seq", 1, CL_SEQ_MAX, false),
	F_U64(5, eqf_min, "body.eqf_min", 1, CL_EQF_MAX, true),
	F_U64(6, eqf_max, "body.eqf_max", 1, CL_EQF_MAX, true),
	F_ARR(7, CL_FK_STRS, fields, fields_cnt, "body.fields", CL_CHK_NAME,
	    CL_SCOPE_FIELDS_MAX, CL_NAME_MAX, true),
	F_STR(8, qa, "body.qa", CL_CHK_NAME, CL_NAME_MAX, true),
	F_STR(9, url, "body.url", CL_CHK_URI, CL_URI_MAX, true),
};
#undef S
#define S struct cl_withdraw
static const struct cl__field withdraw_f[] = {
	F_BIN32(0, issuer, "body.issuer", false),
	F_U64(1, after_seq, "body.after_seq", 0, CL_SEQ_MAX, false),
	F_STR(2, reason, "body.reason", CL_CHK_TEXT, CL_TEXT_MAX, false),
};
#undef S
#define S struct cl_define
static const struct cl__field define_f[] = {
	F_ARR(0, CL_FK_LANGSTRS, title, title_cnt, "body.title", CL_CHK_NAME,
	    CL_TITLE_LANGS_MAX, CL_NAME_MAX, false),
	F_STR(1, awarding_body, "body.awarding_body", CL_CHK_NAME,
	    CL_NAME_MAX, false),
	F_STR(2, country, "body.country", CL_CHK_COUNTRY, 2, false),
	F_ARR(3, CL_FK_STRS, outcomes, outcomes_cnt, "body.learning_outcomes",
	    CL_CHK_TEXT, CL_OUTCOMES_MAX, CL_TEXT_MAX, false),
	F_ARR(4, CL_FK_STRS, skills, skills_cnt, "body.esco_skills",
	    CL_CHK_URI, CL_SKILLS_MAX, CL_URI_MAX, true),
	F_U64(5, ects, "body.ects", 1, CL_ECTS_MAX, true),
	F_U64(6, hours, "body.hours", 1, CL_HOURS_MAX, true),
	F_U64(7, eqf, "body.eqf", 1, CL_EQF_MAX, false),
	F_STR(8, nqf, "body.nqf", CL_CHK_NAME, CL_NAME_MAX, false),
	F_STR(9, assessment, "body.assessment", CL_CHK_TEXT, CL_TEXT_MAX,
	    false),
	F_STR(10, participation, "body.participation", CL_CHK_NAME,
	    CL_NAME_MAX, false),
	F_STR(11, quality_assurance, "body.quality_assurance", CL_CHK_TEXT,
	    CL_TEXT_MAX, false),
	F_STR(12, prerequisites, "body.prerequisites", CL_CHK_TEXT,
	    CL_TEXT_MAX, true),
	F_ARR(13, CL_FK_BIN32S, stack, stack_cnt, "body.stackable_into",
	    CL_CHK_TEXT, CL_STACK_MAX, 0, true),
	F_STR(14, further_info, "body.further_info", CL_CHK_TEXT, CL_TEXT_MAX,
	    true),
};
#undef S
#define S struct cl_issue
static const struct cl__field issue_f[] = {
	F_BIN32(0, achievement, "body.achievement", false),
	F_BIN32(1, holder, "body.holder", false),
	F_U64(2, holder_kind, "body.holder_kind", 0, CL_HOLDER_WALLET, false),
	F_BIN32(3, digest, "body.digest", true),
	F_U64(4, issued_at, "body.issued_at", 1, CL_SEQ_MAX, false),
	F_U64(5, valid_until, "body.valid_until", 1, CL_SEQ_MAX, true),
	F_STR(6, grade, "body.grade", CL_CHK_NAME, CL_NAME_MAX, true),
	F_U64(7, supervision, "body.supervision", CL_SUP_NONE, CL_SUP_MAX,
	    false),
	F_STR(8, local_ref, "body.local_ref", CL_CHK_NAME, CL_NAME_MAX, true),
};
#undef S
#define S struct cl_status
static const struct cl__field status_f[] = {
	F_BIN32(0, credential, "body.credential", false),
	F_STR(1, reason, "body.reason", CL_CHK_TEXT, CL_TEXT_MAX, true),
};
static const struct cl__field revoke_f[] = {
	F_BIN32(0, credential, "body.credential", false),
	F_U64(1, reason_code, "body.reason_code", 0, CL_REVOKE_CODE_MAX, false),
	F_STR(2, reason, "body.reason", CL_CHK_TEXT, CL_TEXT_MAX, true),
};
#undef S

static const struct cl__table bodies[] = {
	[CL_EV_ACCREDIT] = TABLE("body", accredit_f),
	[CL_EV_WITHDRAW] = TABLE("body", withdraw_f),
	[CL_EV_DEFINE] = TABLE("body", define_f),
	[CL_EV_ISSUE] = TABLE("body", issue_f),
	[CL_EV_SUSPEND] = TABLE("body", status_f),
	[CL_EV_REINSTATE] = TABLE("body", status_f),
	[CL_EV_REVOKE] = TABLE("body", revoke_f),
};

static const struct cl__table *
body_table(const void *rec)
{
	const struct cl_event	*ev = rec;

	if (ev->type < CL_EV_TYPE_MIN || ev->type > CL_EV_TYPE_MAX)
		return NULL;
	return &bodies[ev->type];
}

/*
 * Where the body is: in the union, but a DEFINE's out of line (event.h).
 * Decoding allocates a DEFINE's and the event owns it from then on;
 * cl_ev_decode() has zeroed the event, so nothing was held before.
 */
static const void *
body_get(const void *rec)
{
	const struct cl_event	*ev = rec;

	return ev->type == CL_EV_DEFINE ? (const void *)ev->body.define :
	    &ev->body;
}

static void *
body_new(void *rec)
{
	struct cl_event	*ev = rec;

	if (ev->type != CL_EV_DEFINE)
		return &ev->body;
	ev->define_owned = calloc(1, sizeof(*ev->define_owned));
	ev->body.define = ev->define_owned;
	return ev->define_owned;
}

#define S struct cl_event
static const struct cl__field event_f[] = {
	F_U64(0, version, "version", 1, CL_VERSION_MAX, false),
	F_U64(1, type, "type", CL_EV_TYPE_MIN, CL_EV_TYPE_MAX, false),
	F_BIN32(2, author, "author", false),
	F_U64(3, seq, "seq", 1, CL_SEQ_MAX, false),
	{ .key = 4, .kind = CL_FK_PREV, .name = "prev",
	    .off = offsetof(S, prev) },
	F_U64(5, time, "time", 0, CL_SEQ_MAX, false),
	{ .key = 6, .kind = CL_FK_BODY, .name = "body",
	    .off = offsetof(S, body), .select = body_table,
	    .body = body_get, .body_new = body_new },
	{ .key = 7, .kind = CL_FK_BIN64, .name = "sig",
	    .off = offsetof(S, sig) },
};
#undef S
/* Unsigned form: the same table without its last field. */
static const struct cl__table event_t = TABLE("event", event_f);
static const struct cl__table unsigned_t = { "event", event_f, 7 };

static const char *const type_names[] = {
	[CL_EV_ACCREDIT] = "ACCREDIT", [CL_EV_WITHDRAW] = "WITHDRAW",
	[CL_EV_DEFINE] = "DEFINE", [CL_EV_ISSUE] = "ISSUE",
	[CL_EV_SUSPEND] = "SUSPEND", [CL_EV_REINSTATE] = "REINSTATE",
	[CL_EV_REVOKE] = "REVOKE",
};

const char *
cl_ev_type_name(unsigned t)
{
	if (t < CL_EV_TYPE_MIN || t > CL_EV_TYPE_MAX)
		return "?";
	return type_names[t];
}

unsigned
cl_ev_type_parse(const char *s)
{
	unsigned	t;

	for (t = CL_EV_TYPE_MIN; t <= CL_EV_TYPE_MAX; t++)
		if (strcasecmp(s, type_names[t]) == 0)
			return t;
	return 0;
}

bool
cl_ev_is_authority_type(uint64_t type)
{
	return type == CL_EV_ACCREDIT || type == CL_EV_WITHDRAW;
}

/*
 * Every decoded event costs its struct: the node holds one per event in
 * flight, thousands for one SUBMIT, and zeroes each.  A body too big to be
 * inline goes out of line, as DEFINE's does.  The largest inline body is
 * ACCREDIT's, 400 bytes of which 256 are its scope fields.
 */
_Static_assert(sizeof(struct cl_event) <= 640,
    "struct cl_event has grown: keep big bodies out of line");

void
cl_ev_init(struct cl_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->version = CL_VERSION;
}

static bool
prev_zero(const struct cl_event *ev)
{
	static const uint8_t	zero[CL_ID_LEN];

	return memcmp(ev->prev, zero, CL_ID_LEN) == 0;
}

static int
str_cmp(const struct cl_str *a, const struct cl_str *b)
{
	size_t	n = a->len < b->len ? a->len : b->len;
	/* an absent string may have a NULL ptr: memcmp() must not see it */
	int	c = n != 0 ? memcmp(a->ptr, b->ptr, n) : 0;

	if (c != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/*
 * Does a list of strings or of ids hold an item twice?  A count over the
 * array (max) is not looked into: that is the encoder's TOOBIG.
 */
static bool
strs_repeat(const struct cl_str *v, uint32_t n, uint32_t max)
{
	uint32_t	i, j;

	if (n > max)
		return false;
	for (i = 1; i < n; i++)
		for (j = 0; j < i; j++)
			if (str_cmp(&v[i], &v[j]) == 0)
				return true;
	return false;
}

static bool
ids_repeat(const uint8_t (*v)[CL_ID_LEN], uint32_t n, uint32_t max)
{
	uint32_t	i, j;

	if (n > max)
		return false;
	for (i = 1; i < n; i++)
		for (j = 0; j < i; j++)
			if (memcmp(v[i], v[j], CL_ID_LEN) == 0)
				return true;
	return false;
}

/*
 * Rules on one event that the field tables cannot say: they look at
 * several fields at once.  Decoder and encoder both apply them.
 */
static cl_err
ev_rules(const struct cl_event *ev, struct cl_where *where)
{
	const char	*at = NULL;
	cl_err		 err = CL_OK;
	uint32_t	 i;

	if (ev->version != CL_VERSION) {
		at = "version";
		err = CL_EBADVERSION;
	} else if ((ev->seq == 1) != prev_zero(ev)) {
		at = "prev";
		err = CL_ERANGE;	/* nil exactly when seq is 1 */
	}
	switch (err == CL_OK ? ev->type : 0) {
	case CL_EV_ACCREDIT: {
		const struct cl_accredit *a = &ev->body.accredit;

		if (a->eqf_min != 0 && a->eqf_max != 0 &&
		    a->eqf_min > a->eqf_max) {
			at = "body.eqf_max";
			err = CL_ERANGE;
		} else if (strs_repeat(a->fields, a->fields_cnt,
		    CL_SCOPE_FIELDS_MAX)) {
			at = "body.fields";
			err = CL_EDUPKEY;
		}
		break;
	}
	case CL_EV_DEFINE: {
		const struct cl_define *d = ev->body.define;

		if (d == NULL) {
			at = "body";	/* built without one: event.h */
			err = CL_EMISSING;
		} else if (d->ects == 0 && d->hours == 0) {
			at = "body.workload";
			err = CL_EMISSING;
		} else if (strs_repeat(d->outcomes, d->outcomes_cnt,
		    CL_OUTCOMES_MAX)) {
			at = "body.learning_outcomes";
			err = CL_EDUPKEY;
		} else if (strs_repeat(d->skills, d->skills_cnt,
		    CL_SKILLS_MAX)) {
			at = "body.esco_skills";
			err = CL_EDUPKEY;
		} else if (ids_repeat((const uint8_t (*)[CL_ID_LEN])d->stack,
		    d->stack_cnt, CL_STACK_MAX)) {
			at = "body.stackable_into";
			err = CL_EDUPKEY;
		}
		/*
		 * Over the array, the count is the encoder's TOOBIG.  err
		 * first: d is NULL when there is no body.
		 */
		for (i = 1; err == CL_OK && i < d->title_cnt &&
		    i < CL_TITLE_LANGS_MAX; i++) {
			int c = str_cmp(&d->title[i - 1].lang,
			    &d->title[i].lang);

			if (c >= 0) {
				at = "body.title";
				err = c == 0 ? CL_EDUPKEY : CL_EKEYORDER;
			}
		}
		break;
	}
	case CL_EV_ISSUE: {
		const struct cl_issue *is = &ev->body.issue;

		if (is->valid_until != 0 && is->valid_until < is->issued_at) {
			at = "body.valid_until";
			err = CL_ERANGE;
		}
		break;
	}
	default:
		break;
	}
	if (err != CL_OK && where != NULL)
		where->field = at;
	return err;
}

cl_err
cl_ev_encode(const struct cl_event *ev, bool with_sig, uint8_t *out,
    size_t cap, size_t *len, struct cl_where *where)
{
	struct cl__w	w;
	cl_err		err;

	if ((err = ev_rules(ev, where)) != CL_OK)
		return err;
	cl__w_init(&w, out, cap < CL_EVENT_MAX ? cap : CL_EVENT_MAX);
	cl__rec_encode(&w, with_sig ? &event_t : &unsigned_t, ev, where);
	if (w.err == CL_OK && where != NULL)
		where->field = NULL;
	*len = w.len;
	return w.err;
}

void
cl_ev_free(struct cl_event *ev)
{
	if (ev == NULL)
		return;
	free(ev->raw);
	ev->raw = NULL;
	ev->raw_len = 0;
	/*
	 * body.define is cleared only with what we own: in another event
	 * its bytes are another body, or the caller's pointer.
	 */
	if (ev->define_owned != NULL) {
		free(ev->define_owned);
		ev->define_owned = NULL;
		ev->body.define = NULL;
	}
}

cl_err
cl_ev_decode(struct cl_event *ev, const uint8_t *in, size_t len,
    struct cl_where *where)
{
	msgpack_zone	 zone;
	msgpack_object	 obj;
	uint8_t		*raw, *again = NULL;
	size_t		 again_len;
	cl_err		 err;

	cl_ev_init(ev);
	if (where != NULL)
		where->field = NULL;
	if (len > CL_EVENT_MAX)
		return CL_ETOOBIG;
	if ((raw = malloc(len ? len : 1)) == NULL)
		return CL_ENOMEM;
	memcpy(raw, in, len);
	if (!msgpack_zone_init(&zone, 4096)) {
		free(raw);
		return CL_ENOMEM;
	}
	err = cl__parse(raw, len, &zone, &obj);
	if (err == CL_OK)
		err = cl__rec_decode(&obj, &event_t, ev, where);
	if (err == CL_OK)
		err = ev_rules(ev, where);
	if (err == CL_OK && (again = malloc(len)) == NULL)
		err = CL_ENOMEM;
	if (err == CL_OK) {
		/* One byte form: what we would write must be what we read. */
		err = cl_ev_encode(ev, true, again, len, &again_len, where);
		if (err == CL_ETOOBIG || (err == CL_OK && (again_len != len ||
		    memcmp(again, raw, len) != 0))) {
			err = CL_ENONCANON;
			if (where != NULL)
				where->field = "event";
		}
	}
	free(again);
	msgpack_zone_destroy(&zone);
	if (err != CL_OK) {
		free(raw);
		cl_ev_free(ev);		/* a DEFINE's body, if one was made */
		cl_ev_init(ev);
		return err;
	}
	ev->raw = raw;
	ev->raw_len = len;
	return CL_OK;
}

/*
 * The signed message: tag, network id, then the unsigned encoding.  For a
 * decoded event that is its bytes with the map header one smaller and the
 * signature entry cut off; canonical decoding guarantees that shape.
 */
static cl_err
signing_input(const struct cl_event *ev, const uint8_t *netid, uint8_t *msg,
    size_t *msg_len)
{
	size_t	n;
	cl_err	err;

	memcpy(msg, ev_tag, EV_TAG_LEN);
	memcpy(msg + EV_TAG_LEN, netid, CL_ID_LEN);
	if (ev->raw != NULL) {
		if (ev->raw_len < 1 + EV_SIG_TAIL || ev->raw[0] != 0x88)
			return CL_ENONCANON;
		n = ev->raw_len - EV_SIG_TAIL;
		msg[EV_TAG_LEN + CL_ID_LEN] = 0x87;
		memcpy(msg + EV_TAG_LEN + CL_ID_LEN + 1, ev->raw + 1, n - 1);
	} else {
		err = cl_ev_encode(ev, false, msg + EV_TAG_LEN + CL_ID_LEN,
		    CL_EVENT_MAX, &n, NULL);
		if (err != CL_OK)
			return err;
	}
	*msg_len = EV_TAG_LEN + CL_ID_LEN + n;
	return CL_OK;
}

cl_err
cl_ev_id(const struct cl_event *ev, const uint8_t netid[static CL_ID_LEN],
    uint8_t id[static CL_ID_LEN])
{
	uint8_t	msg[EV_TAG_LEN + CL_ID_LEN + CL_EVENT_MAX];
	size_t	len;
	cl_err	err;

	if ((err = signing_input(ev, netid, msg, &len)) != CL_OK)
		return err;
	crypto_hash_sha256(id, msg, len);
	return CL_OK;
}

cl_err
cl_ev_verify(const struct cl_event *ev, const uint8_t netid[static CL_ID_LEN],
    uint8_t id[static CL_ID_LEN])
{
	uint8_t	msg[EV_TAG_LEN + CL_ID_LEN + CL_EVENT_MAX];
	size_t	len;
	cl_err	err;

	if ((err = signing_input(ev, netid, msg, &len)) != CL_OK)
		return err;
	if (crypto_sign_verify_detached(ev->sig, msg, len, ev->author) != 0)
		return CL_EBADSIG;
	crypto_hash_sha256(id, msg, len);
	return CL_OK;
}

cl_err
cl_ev_sign(struct cl_event *ev, const uint8_t netid[static CL_ID_LEN],
    const uint8_t sk[static 64], uint8_t *out, size_t cap, size_t *len,
    uint8_t id[static CL_ID_LEN])
{
	uint8_t	msg[EV_TAG_LEN + CL_ID_LEN + CL_EVENT_MAX];
	size_t	msg_len;
	cl_err	err;

	ev->raw = NULL;
	ev->raw_len = 0;
	/* the author is the key's public half (libsodium: sk = seed | pk) */
	memcpy(ev->author, sk + 32, CL_PK_LEN);
	if ((err = signing_input(ev, netid, msg, &msg_len)) != CL_OK)
		return err;
	crypto_sign_detached(ev->sig, NULL, msg, msg_len, sk);
	crypto_hash_sha256(id, msg, msg_len);
	return cl_ev_encode(ev, true, out, cap, len, NULL);
}
