/* SPDX-License-Identifier: Apache-2.0 */
/* ISSUE bodies from the command line or from JSON lines, and batches. */
#include "issue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "date.h"
#include "elm_common.h"
#include "hex.h"
#include "session.h"

/* Bytes of a document read at a time. */
#define DIGEST_CHUNK	65536

static const struct {
	const char	*key;
	const char	*opt;
} fields[CL_IF_COUNT] = {
	[CL_IF_ACHIEVEMENT] = { "achievement", "--achievement" },
	[CL_IF_HOLDER_REF] = { "holder_ref", "--holder-ref" },
	[CL_IF_HOLDER_KEY] = { "holder_key", "--holder-key" },
	[CL_IF_HOLDER_ID] = { "holder_id", "--holder-id" },
	[CL_IF_SALT] = { "salt", "--salt" },
	[CL_IF_DOCUMENT] = { "document", "--document" },
	[CL_IF_VALID_UNTIL] = { "valid_until", "--valid-until" },
	[CL_IF_ISSUED_AT] = { "issued_at", "--issued-at" },
	[CL_IF_GRADE] = { "grade", "--grade" },
	[CL_IF_SUPERVISION] = { "supervision", "--supervision" },
	[CL_IF_LOCAL_REF] = { "local_ref", "--local-ref" },
};

void
cl_holder_ref(uint8_t out[static CL_ID_LEN],
    const uint8_t salt[static CL_HOLDER_SALT_LEN], const char *identity,
    size_t len)
{
	crypto_hash_sha256_state	st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)CL_HOLDER_TAG,
	    sizeof(CL_HOLDER_TAG) - 1);
	crypto_hash_sha256_update(&st, salt, CL_HOLDER_SALT_LEN);
	crypto_hash_sha256_update(&st, (const uint8_t *)identity, len);
	crypto_hash_sha256_final(&st, out);
	/* the state held the identity */
	sodium_memzero(&st, sizeof(st));
}

cl_err
cl_document_digest(const char *path, uint8_t out[static CL_ID_LEN])
{
	crypto_hash_sha256_state	 st;
	uint8_t				 buf[DIGEST_CHUNK];
	ssize_t				 n;
	int				 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return CL_EIO;
	crypto_hash_sha256_init(&st);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		crypto_hash_sha256_update(&st, buf, (size_t)n);
	}
	saved = errno;
	(void)close(fd);
	if (n < 0) {
		errno = saved;
		return CL_EIO;
	}
	crypto_hash_sha256_final(&st, out);
	return CL_OK;
}

const char *
cl_issue_field_name(enum cl_issue_field f, bool cli)
{
	if ((unsigned)f >= CL_IF_COUNT)
		return "?";
	return cli ? fields[f].opt : fields[f].key;
}

void
cl_issue_spec_init(struct cl_issue_spec *s, bool cli)
{
	memset(s, 0, sizeof(*s));
	s->cli = cli;
}

static bool
is_utf8(const char *value)
{
	json_t	*probe;

	/* jansson takes only valid UTF-8 */
	if ((probe = json_string(value)) == NULL)
		return false;
	json_decref(probe);
	return true;
}

static cl_err
set_date(const char *value, uint64_t *ms, bool end_of_day)
{
	if (cl_date_parse(value, ms) != CL_OK)
		return CL_EUSAGE;
	/* valid until a day: through its last ms */
	if (end_of_day)
		*ms += CL_DAY_MS - 1;
	return CL_OK;
}

cl_err
cl_issue_spec_set(struct cl_issue_spec *s, enum cl_issue_field f,
    const char *value, char *errbuf, size_t errlen)
{
	struct cl_issue	*b = &s->body;
	char		 show[CL__ELM_SHOW_BUF];
	const char	*name = cl_issue_field_name(f, s->cli);
	const char	*want = NULL;
	uint64_t	 u;

	cl__elm_show_cstr(value, show, sizeof(show));
	if (value[0] == '\0') {
		cl__elm_say(errbuf, errlen, "%s is empty%s", name, s->cli ? "" :
		    " (leave the key out instead)");
		return CL_EUSAGE;
	}
	switch (f) {
	case CL_IF_ACHIEVEMENT:
		if (cl_hex_decode(b->achievement, CL_ID_LEN, value) != CL_OK)
			want = "64 hex digits, the id of a DEFINE";
		break;
	case CL_IF_HOLDER_REF:
	case CL_IF_HOLDER_KEY:
		if (cl_hex_decode(b->holder, CL_ID_LEN, value) != CL_OK)
			want = f == CL_IF_HOLDER_KEY ? "64 hex digits, a "
			    "public key" : "64 hex digits";
		b->holder_kind = f == CL_IF_HOLDER_KEY ? CL_HOLDER_WALLET :
		    CL_HOLDER_SALTED;
		break;
	case CL_IF_HOLDER_ID:
		if (!is_utf8(value))
			want = "UTF-8 text";
		s->holder_id = value;
		break;
	case CL_IF_SALT:
		if (cl_hex_decode(s->salt, sizeof(s->salt), value) != CL_OK)
			want = "64 hex digits (32 bytes)";
		break;
	case CL_IF_DOCUMENT:
		if (cl_document_digest(value, b->digest) != CL_OK) {
			cl__elm_say(errbuf, errlen, "cannot read %s %s: %s",
			    name, show, strerror(errno));
			return CL_EIO;
		}
		break;
	case CL_IF_VALID_UNTIL:
	case CL_IF_ISSUED_AT:
		if (set_date(value, f == CL_IF_ISSUED_AT ? &b->issued_at :
		    &b->valid_until, f == CL_IF_VALID_UNTIL) != CL_OK)
			want = "a date YYYY-MM-DD";
		break;
	case CL_IF_GRADE:
	case CL_IF_LOCAL_REF:
		/* the event validator checks length and characters */
		*(f == CL_IF_GRADE ? &b->grade : &b->local_ref) =
		    (struct cl_str){ value, (uint32_t)strnlen(value,
		    CL_TEXT_MAX + 1) };
		break;
	case CL_IF_SUPERVISION:
		for (u = CL_SUP_NONE; u <= CL_SUP_MAX; u++)
			if (strcmp(value, cl_supervision_name(u)) == 0)
				break;
		if (u > CL_SUP_MAX)
			want = "none, supervised, online-id or onsite-id";
		b->supervision = u;
		break;
	default:
		want = "a known field";
		break;
	}
	if (want != NULL) {
		/* a command line is quoted as the other verbs do */
		if (s->cli)
			cl__elm_say(errbuf, errlen, "bad %s '%s': want %s",
			    name, value, want);
		else
			cl__elm_say(errbuf, errlen, "%s %s: want %s", name,
			    show, want);
		return CL_EUSAGE;
	}
	s->set[f] = true;
	return CL_OK;
}

/* The field of a validator's path, for messages. */
static const char *
body_field(const struct cl_issue_spec *s, const char *field)
{
	static const struct {
		const char		*path;
		enum cl_issue_field	 f;
	} map[] = {
		{ "body.achievement", CL_IF_ACHIEVEMENT },
		{ "body.digest", CL_IF_DOCUMENT },
		{ "body.issued_at", CL_IF_ISSUED_AT },
		{ "body.valid_until", CL_IF_VALID_UNTIL },
		{ "body.grade", CL_IF_GRADE },
		{ "body.supervision", CL_IF_SUPERVISION },
		{ "body.local_ref", CL_IF_LOCAL_REF },
	};
	size_t	i;

	for (i = 0; field != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(field, map[i].path) == 0)
			return cl_issue_field_name(map[i].f, s->cli);
	return cl_session_field(field);
}

/* Check the body as cl_ev_sign() will. */
static cl_err
check(const struct cl_issue_spec *s, char *errbuf, size_t errlen)
{
	struct cl_event	ev;
	struct cl_where	where = { NULL };
	const char	*name;
	cl_err		err;

	cl_ev_init(&ev);
	ev.type = CL_EV_ISSUE;
	ev.body.issue = s->body;
	if ((err = cl_session_check(&ev, &where)) == CL_OK)
		return CL_OK;
	name = body_field(s, where.field);
	if (err == CL_ERANGE && where.field != NULL &&
	    strcmp(where.field, "body.valid_until") == 0)
		cl__elm_say(errbuf, errlen, "%s: before the day of issue",
		    name);
	else
		cl__elm_say(errbuf, errlen, "%s: %s", name,
		    cl_session_why(err));
	return err;
}

cl_err
cl_issue_spec_finish(struct cl_issue_spec *s, uint64_t now, char *errbuf,
    size_t errlen)
{
	const char	*ref = cl_issue_field_name(CL_IF_HOLDER_REF, s->cli);
	const char	*key = cl_issue_field_name(CL_IF_HOLDER_KEY, s->cli);
	const char	*id = cl_issue_field_name(CL_IF_HOLDER_ID, s->cli);
	int		 holders;

	holders = s->set[CL_IF_HOLDER_REF] + s->set[CL_IF_HOLDER_KEY] +
	    s->set[CL_IF_HOLDER_ID];
	if (holders != 1) {
		cl__elm_say(errbuf, errlen, holders == 0 ? "missing the "
		    "holder: give %s, %s or %s" : "%s, %s and %s exclude each "
		    "other", ref, key, id);
		return CL_EUSAGE;
	}
	if (s->set[CL_IF_SALT] && !s->set[CL_IF_HOLDER_ID]) {
		cl__elm_say(errbuf, errlen, "%s goes with %s only",
		    cl_issue_field_name(CL_IF_SALT, s->cli), id);
		return CL_EUSAGE;
	}
	if (!s->set[CL_IF_ACHIEVEMENT]) {
		cl__elm_say(errbuf, errlen, "missing %s",
		    cl_issue_field_name(CL_IF_ACHIEVEMENT, s->cli));
		return CL_EUSAGE;
	}
	if (s->set[CL_IF_HOLDER_ID]) {
		if (!s->set[CL_IF_SALT]) {
			randombytes_buf(s->salt, sizeof(s->salt));
			s->salt_made = true;
		}
		cl_holder_ref(s->body.holder, s->salt, s->holder_id,
		    strlen(s->holder_id));
		s->body.holder_kind = CL_HOLDER_SALTED;
	}
	if (!s->set[CL_IF_ISSUED_AT])
		s->body.issued_at = now;
	if (!s->set[CL_IF_SUPERVISION])
		s->body.supervision = CL_SUP_NONE;
	return check(s, errbuf, errlen);
}

void
cl_issue_batch_free(struct cl_issue_batch *b)
{
	if (b == NULL)
		return;
	free(b->spec);
	json_decref(b->keep);
	memset(b, 0, sizeof(*b));
}

/* Fill s from one line's object. */
static cl_err
from_object(struct cl_issue_spec *s, json_t *obj, char *errbuf,
    size_t errlen)
{
	char		 show[CL__ELM_SHOW_BUF];
	const char	*key;
	json_t		*v;
	unsigned	 f;
	cl_err		 err;

	if (!json_is_object(obj)) {
		cl__elm_say(errbuf, errlen, "expected an object, got %s",
		    cl__elm_type_name(obj));
		return CL_EUSAGE;
	}
	json_object_foreach(obj, key, v) {
		for (f = 0; f < CL_IF_COUNT; f++)
			if (strcmp(key, fields[f].key) == 0)
				break;
		if (f == CL_IF_COUNT) {
			cl__elm_say(errbuf, errlen, "unknown key %s",
			    cl__elm_show_cstr(key, show, sizeof(show)));
			return CL_EUSAGE;
		}
		if (!json_is_string(v)) {
			cl__elm_say(errbuf, errlen, "%s: expected a string, "
			    "got %s", key, cl__elm_type_name(v));
			return CL_EUSAGE;
		}
		if ((err = cl_issue_spec_set(s, (enum cl_issue_field)f,
		    json_string_value(v), errbuf, errlen)) != CL_OK)
			return err;
	}
	return CL_OK;
}

static bool
blank(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* Parse one line into the next spec of b. */
static cl_err
one_line(struct cl_issue_batch *b, const char *p, size_t len,
    const struct cl_issue_spec *defaults, uint64_t now, char *errbuf,
    size_t errlen)
{
	struct cl_issue_spec	*s, *ns;
	json_error_t		 jerr;
	json_t			*obj;
	cl_err			 err;

	if (b->cnt == CL_BATCH_MAX) {
		cl__elm_say(errbuf, errlen, "more than %d credentials in one "
		    "batch", CL_BATCH_MAX);
		return CL_ETOOBIG;
	}
	if ((b->cnt & (b->cnt - 1)) == 0) {
		ns = realloc(b->spec, (b->cnt ? 2 * b->cnt : 1) * sizeof(*ns));
		if (ns == NULL)
			return CL_ENOMEM;
		b->spec = ns;
	}
	s = &b->spec[b->cnt];
	if (len > 0 && p[len - 1] == '\r')
		len--;
	/* without JSON_ALLOW_NUL: every string is a C string */
	if ((obj = json_loadb(p, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		cl__elm_say(errbuf, errlen, "column %d: %s", jerr.column,
		    jerr.text);
		return CL_EUSAGE;
	}
	/* b->keep owns obj from here: the spec's strings point into it */
	if (json_array_append_new(b->keep, obj) != 0)
		return CL_ENOMEM;
	if (defaults != NULL)
		*s = *defaults;
	else
		cl_issue_spec_init(s, false);
	s->cli = false;
	if ((err = from_object(s, obj, errbuf, errlen)) != CL_OK ||
	    (err = cl_issue_spec_finish(s, now, errbuf, errlen)) != CL_OK)
		return err;
	b->cnt++;
	return CL_OK;
}

cl_err
cl_issue_batch_parse(struct cl_issue_batch *b, const char *text, size_t len,
    const struct cl_issue_spec *defaults, uint64_t now, size_t *line,
    char *errbuf, size_t errlen)
{
	const char	*p = text, *end = text + len, *nl;
	size_t		 n;
	cl_err		 err = CL_OK;

	memset(b, 0, sizeof(*b));
	*line = 0;
	if ((b->keep = json_array()) == NULL)
		return CL_ENOMEM;
	while (p < end && err == CL_OK) {
		(*line)++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (!blank(p, n))
			err = one_line(b, p, n, defaults, now, errbuf, errlen);
		p += n + (nl != NULL);
	}
	if (err == CL_OK && b->cnt == 0) {
		*line = 0;
		cl__elm_say(errbuf, errlen, "no credential in the batch");
		err = CL_EMISSING;
	}
	if (err == CL_ENOMEM)
		cl__elm_say(errbuf, errlen, "%s", cl_strerror(err));
	if (err != CL_OK)
		cl_issue_batch_free(b);
	return err;
}
