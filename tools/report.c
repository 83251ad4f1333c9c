/* SPDX-License-Identifier: Apache-2.0 */
/* What verify says about one credential, checked, in words or JSON. */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "achievement.h"
#include "date.h"
#include "hex.h"
#include "issue.h"
#include "status.h"
#include "util.h"

void
cl_report_check(struct cl_report *r, const struct cl_genesis *g,
    const uint8_t id[static CL_ID_LEN], bool online, unsigned node_status,
    unsigned node_void, const uint8_t *bundle, size_t len, uint64_t now)
{
	struct cl_where	where = { NULL };

	memset(r, 0, sizeof(*r));
	memcpy(r->id, id, CL_ID_LEN);
	r->g = g;
	r->online = online;
	r->node_status = node_status;
	r->node_void = node_void;
	if (bundle == NULL) {
		/* "unknown" is the one answer that rests on nothing */
		if (online && node_status == CL_ST_UNKNOWN)
			return;
		r->err = CL_EBUNDLE;
		(void)snprintf(r->why, sizeof(r->why), "the node gave no "
		    "proof for its answer");
		return;
	}
	r->err = cl_bundle_check(&r->b, g, bundle, len, id, now, &where);
	if (r->err != CL_OK) {
		(void)snprintf(r->why, sizeof(r->why), "the proof does not "
		    "check: %s%s%s", cl_strerror(r->err),
		    where.field != NULL ? ": " : "",
		    where.field != NULL ? where.field : "");
		return;
	}
	r->checked = true;
	if (online && r->b.result.status != node_status) {
		r->err = CL_EBUNDLE;
		(void)snprintf(r->why, sizeof(r->why), "the node says %s, "
		    "its proof says %s", cl_status_name(node_status),
		    cl_status_name(r->b.result.status));
	}
}

unsigned
cl_report_status(const struct cl_report *r)
{
	if (r->checked)
		return r->b.result.status;
	return r->online ? r->node_status : CL_ST_UNKNOWN;
}

int
cl_report_exit(const struct cl_report *r)
{
	if (r->err != CL_OK)
		return CL_TOOL_USAGE;
	return cl_report_status(r) == CL_ST_VALID ? CL_TOOL_OK : CL_TOOL_FAIL;
}

void
cl_report_free(struct cl_report *r)
{
	if (r == NULL)
		return;
	cl_bundle_free(&r->b);
	r->checked = false;
}

/* The events of a checked bundle an answer tells of. */
struct view {
	unsigned		 status;
	const struct cl_event	*is;	/* NULL: nothing to tell */
	const struct cl_event	*def;
	const struct cl_event	*acc;
	const struct cl_event	*chg;	/* the change that set the status */
	const struct cl_event	*wd;	/* the WITHDRAW of lowest after_seq */
	const struct cl_authority *by;	/* the authority of acc */
	bool			 accredited;
};

static const struct cl_event *
at(const struct cl_report *r, int i)
{
	return i >= 0 ? &r->b.ev[i] : NULL;
}

static void
view(const struct cl_report *r, struct view *v)
{
	const struct cl_event	*e;
	uint32_t		 i;
	int			 a;

	memset(v, 0, sizeof(*v));
	v->status = cl_report_status(r);
	if (!r->checked)
		return;
	v->is = at(r, r->b.issue);
	v->def = at(r, r->b.define);
	v->acc = at(r, r->b.accredit);
	v->chg = at(r, r->b.last_change);
	for (i = 0; i < r->b.ev_cnt; i++) {
		e = &r->b.ev[i];
		if (e->type == CL_EV_WITHDRAW &&
		    memcmp(e->body.withdraw.issuer, v->is->author,
		    CL_PK_LEN) == 0 && cl_genesis_find(r->g, e->author) >= 0 &&
		    (v->wd == NULL || e->body.withdraw.after_seq <
		    v->wd->body.withdraw.after_seq))
			v->wd = e;
	}
	if (v->acc != NULL && (a = cl_genesis_find(r->g, v->acc->author)) >= 0)
		v->by = &r->g->auth[a];
	/* the ISSUE's seq is in the issuer's window (PROTOCOL.md 5.2) */
	v->accredited = v->acc != NULL &&
	    v->status != CL_ST_ISSUER_WITHDRAWN &&
	    !(v->status == CL_ST_VOID &&
	    r->b.result.void_reason == CL_VOID_NOT_ACCREDITED);
}

/* The title to show: in English if there is one, else the first. */
static const struct cl_str *
title(const struct cl_event *def)
{
	const struct cl_define	*d = &def->body.define;
	uint32_t		 i;

	for (i = 0; i < d->title_cnt; i++)
		if (d->title[i].lang.len == 2 &&
		    memcmp(d->title[i].lang.ptr, "en", 2) == 0)
			return &d->title[i].text;
	return d->title_cnt > 0 ? &d->title[0].text : NULL;
}

/* ECTS credits from hundredths: "3", "2.5", "2.25". */
static void
ects_text(char *out, size_t cap, uint64_t h)
{
	unsigned long long	w = h / 100, f = h % 100;

	if (f == 0)
		(void)snprintf(out, cap, "%llu", w);
	else if (f % 10 == 0)
		(void)snprintf(out, cap, "%llu.%llu", w, f / 10);
	else
		(void)snprintf(out, cap, "%llu.%02llu", w, f);
}

static bool
zero_id(const uint8_t *b)
{
	static const uint8_t	zero[CL_ID_LEN];

	return memcmp(b, zero, CL_ID_LEN) == 0;
}

/* Text output: a label, then the value. */
static void
label(FILE *f, const char *l)
{
	fprintf(f, "  %-18s ", l);
}

static void
put(FILE *f, const struct cl_str *s)
{
	cl_tool_put_str(f, s->ptr, s->len);
}

static void
line_hex(FILE *f, const char *l, const uint8_t *b)
{
	label(f, l);
	cl_tool_put_hex(f, b, CL_ID_LEN);
}

static void
line_date(FILE *f, const char *l, uint64_t ms)
{
	char	day[CL_DATE_LEN];

	cl_date_format(day, ms);
	label(f, l);
	fprintf(f, "%s\n", day);
}

static void
text_list(FILE *f, const char *l, const struct cl_str *s, uint32_t n)
{
	uint32_t	i;

	if (n == 0)
		return;
	fprintf(f, "  %s\n", l);
	for (i = 0; i < n; i++) {
		fputs("    - ", f);
		put(f, &s[i]);
		fputc('\n', f);
	}
}

static void
text_issuer(FILE *f, const struct view *v)
{
	const struct cl_accredit	*ac;

	label(f, "issuer:");
	if (v->acc == NULL) {
		fputs("not accredited by a genesis authority\n", f);
	} else {
		ac = &v->acc->body.accredit;
		put(f, &ac->name);
		fputs(" (", f);
		put(f, &ac->country);
		fputs("), ", f);
		put(f, &ac->org_id);
		fputc('\n', f);
		label(f, "accredited:");
		fputs(v->accredited ? "yes, by " : "not for this credential; "
		    "by ", f);
		if (v->by != NULL && v->by->org.len > 0) {
			put(f, &v->by->org);
			if (v->by->country.len > 0) {
				fputs(" (", f);
				put(f, &v->by->country);
				fputc(')', f);
			}
		} else
			fputs("a genesis authority", f);
		fprintf(f, ", from seq %llu of its feed\n",
		    (unsigned long long)ac->from_seq);
	}
	if (v->wd != NULL) {
		label(f, "withdrawn:");
		fprintf(f, "after seq %llu of its feed: ",
		    (unsigned long long)v->wd->body.withdraw.after_seq);
		put(f, &v->wd->body.withdraw.reason);
		fputc('\n', f);
	}
	line_hex(f, "issuer key:", v->is->author);
}

static void
text_achievement(FILE *f, const struct view *v)
{
	const struct cl_define	*d;
	const struct cl_str	*t;
	char			 ects[32];

	if (v->def == NULL) {
		line_hex(f, "achievement:", v->is->body.issue.achievement);
		return;
	}
	d = &v->def->body.define;
	label(f, "micro-credential:");
	if ((t = title(v->def)) != NULL)
		put(f, t);
	fputc('\n', f);
	label(f, "level:");
	fprintf(f, "EQF %llu", (unsigned long long)d->eqf);
	if (d->ects != 0) {
		ects_text(ects, sizeof(ects), d->ects);
		fprintf(f, ", %s ECTS", ects);
	}
	if (d->hours != 0)
		fprintf(f, ", %llu hours", (unsigned long long)d->hours);
	fputc('\n', f);
	label(f, "awarded by:");
	put(f, &d->awarding_body);
	fputs(" (", f);
	put(f, &d->country);
	fputs(")\n", f);
	line_hex(f, "achievement:", v->is->body.issue.achievement);
	text_list(f, "learning outcomes:", d->outcomes, d->outcomes_cnt);
	text_list(f, "ESCO skills:", d->skills, d->skills_cnt);
}

static void
text_issue(FILE *f, const struct view *v)
{
	const struct cl_issue	*is = &v->is->body.issue;

	line_date(f, "issued:", is->issued_at);
	if (is->valid_until != 0)
		line_date(f, "valid until:", is->valid_until);
	else {
		label(f, "valid until:");
		fputs("no end date\n", f);
	}
	if (is->grade.len > 0) {
		label(f, "grade:");
		put(f, &is->grade);
		fputc('\n', f);
	}
	label(f, "supervision:");
	fprintf(f, "%s\n", cl_supervision_name(is->supervision));
	line_hex(f, is->holder_kind == CL_HOLDER_WALLET ? "holder key:" :
	    "holder ref:", is->holder);
	if (!zero_id(is->digest))
		line_hex(f, "document sha256:", is->digest);
	if (is->local_ref.len > 0) {
		label(f, "local ref:");
		put(f, &is->local_ref);
		fputc('\n', f);
	}
}

static void
text_change(FILE *f, const struct view *v)
{
	const struct cl_status	*st;
	char			 day[CL_DATE_LEN];

	if (v->chg == NULL)
		return;
	st = &v->chg->body.status;
	cl_date_format(day, v->chg->time);
	label(f, v->chg->type == CL_EV_REVOKE ? "revoked:" :
	    v->chg->type == CL_EV_SUSPEND ? "suspended:" : "reinstated:");
	fputs(day, f);
	if (v->chg->type == CL_EV_REVOKE)
		fprintf(f, ", reason code %llu",
		    (unsigned long long)st->reason_code);
	if (st->reason.len > 0) {
		fputs(": ", f);
		put(f, &st->reason);
	}
	fputc('\n', f);
}

void
cl_report_text(FILE *f, const struct cl_report *r)
{
	struct view	v;
	char		hex[2 * CL_ID_LEN + 1];

	cl_hex_encode(hex, r->id, CL_ID_LEN);
	view(r, &v);
	if (r->err != CL_OK) {
		fprintf(f, "credential %s is NOT verified: %s\n", hex, r->why);
		if (r->online) {
			label(f, "the node says:");
			fprintf(f, "%s\n", cl_status_name(r->node_status));
		}
		return;
	}
	fprintf(f, "credential %s is %s\n", hex, cl_status_name(v.status));
	if (v.is == NULL)
		return;
	if (v.status == CL_ST_VOID) {
		label(f, "void:");
		fprintf(f, "%s\n", cl_void_reason(r->b.result.void_reason));
	}
	text_issuer(f, &v);
	text_achievement(f, &v);
	text_issue(f, &v);
	text_change(f, &v);
	fprintf(f, "  proof checked: %u signed events, every signature "
	    "valid\n", (unsigned)r->b.ev_cnt);
}

/* JSON.  json_object_set_new() fails for a NULL value: one check. */

static json_t *
jhex(const uint8_t *b, size_t len)
{
	char	hex[2 * CL_ID_LEN + 1];

	cl_hex_encode(hex, b, len);
	return json_string(hex);
}

static json_t *
jstr(const struct cl_str *s)
{
	return s->len > 0 ? json_stringn(s->ptr, s->len) : json_null();
}

static json_t *
jdate(uint64_t ms)
{
	char	day[CL_DATE_LEN];

	if (ms == 0)
		return json_null();
	cl_date_format(day, ms);
	return json_string(day);
}

static bool
set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) == 0;
}

/* Give key a value (null, or []) where the DEFINE left it absent. */
static bool
set_absent(json_t *o, const char *key, bool list)
{
	if (json_object_get(o, key) != NULL)
		return true;
	return set(o, key, list ? json_array() : json_null());
}

static json_t *
j_issuer(const struct view *v)
{
	const struct cl_accredit	*ac;
	json_t				*o, *by;
	bool				 ok;

	if ((o = json_object()) == NULL)
		return NULL;
	ok = set(o, "key", jhex(v->is->author, CL_PK_LEN)) &&
	    set(o, "accredited", json_boolean(v->accredited)) &&
	    set(o, "withdrawn_after_seq", v->wd != NULL ?
	    json_integer((json_int_t)v->wd->body.withdraw.after_seq) :
	    json_null());
	if (v->acc == NULL)
		ok = ok && set(o, "name", json_null()) &&
		    set(o, "country", json_null()) &&
		    set(o, "org_id", json_null()) &&
		    set(o, "accredited_by", json_null());
	else {
		/* by belongs to o as soon as it exists */
		ac = &v->acc->body.accredit;
		ok = ok && set(o, "name", jstr(&ac->name)) &&
		    set(o, "country", jstr(&ac->country)) &&
		    set(o, "org_id", jstr(&ac->org_id)) &&
		    (by = json_object()) != NULL &&
		    set(o, "accredited_by", by) &&
		    set(by, "key", jhex(v->acc->author, CL_PK_LEN)) &&
		    set(by, "name", v->by != NULL ? jstr(&v->by->org) :
		    json_null()) &&
		    set(by, "country", v->by != NULL ?
		    jstr(&v->by->country) : json_null()) &&
		    set(by, "from_seq",
		    json_integer((json_int_t)ac->from_seq));
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
j_achievement(const struct view *v)
{
	const struct cl_str	*t = NULL;
	json_t			*o = NULL, *titles;
	bool			 ok;

	if (v->def == NULL)
		o = json_object();
	else if (cl_achievement_to_json(&v->def->body.define, &o) != CL_OK)
		return NULL;
	if (o == NULL)
		return NULL;
	/* all titles under "titles", the one shown under "title" */
	ok = (titles = json_object_get(o, "title")) == NULL ||
	    json_object_set(o, "titles", titles) == 0;
	if (v->def != NULL)
		t = title(v->def);
	ok = ok && set(o, "id", jhex(v->is->body.issue.achievement,
	    CL_ID_LEN)) && set(o, "title", t != NULL ? jstr(t) :
	    json_null()) && set_absent(o, "eqf", false) &&
	    set_absent(o, "ects", false) &&
	    set_absent(o, "learning_outcomes", true) &&
	    set_absent(o, "esco_skills", true);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The change that set the status, if it is of type; else null. */
static json_t *
j_change(const struct view *v, unsigned type)
{
	const struct cl_status	*st;
	json_t			*o;
	bool			 ok;

	if (v->chg == NULL || v->chg->type != type)
		return json_null();
	st = &v->chg->body.status;
	if ((o = json_object()) == NULL)
		return NULL;
	ok = set(o, "reason", jstr(&st->reason)) &&
	    (type != CL_EV_REVOKE || set(o, "code",
	    json_integer((json_int_t)st->reason_code))) &&
	    set(o, "at", jdate(v->chg->time));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* What the ISSUE says, into o. */
static bool
j_issue(json_t *o, const struct view *v)
{
	const struct cl_issue	*is;
	json_t			*h;

	if (v->is == NULL)
		return set(o, "issued_at", json_null()) &&
		    set(o, "valid_until", json_null()) &&
		    set(o, "holder", json_null()) &&
		    set(o, "document_digest", json_null()) &&
		    set(o, "grade", json_null()) &&
		    set(o, "supervision", json_null()) &&
		    set(o, "local_ref", json_null());
	is = &v->is->body.issue;
	return set(o, "issued_at", jdate(is->issued_at)) &&
	    set(o, "valid_until", jdate(is->valid_until)) &&
	    (h = json_object()) != NULL && set(o, "holder", h) &&
	    set(h, "kind", json_string(is->holder_kind == CL_HOLDER_WALLET ?
	    "wallet" : "salted")) &&
	    set(h, "ref", jhex(is->holder, CL_ID_LEN)) &&
	    set(o, "document_digest", zero_id(is->digest) ? json_null() :
	    jhex(is->digest, CL_ID_LEN)) &&
	    set(o, "grade", jstr(&is->grade)) &&
	    set(o, "supervision",
	    json_string(cl_supervision_name(is->supervision))) &&
	    set(o, "local_ref", jstr(&is->local_ref));
}

cl_err
cl_report_json(const struct cl_report *r, json_t **out)
{
	struct view	 v;
	json_t		*o;
	unsigned	 vr;
	bool		 ok;

	*out = NULL;
	view(r, &v);
	if ((o = json_object()) == NULL)
		return CL_ENOMEM;
	vr = r->checked ? r->b.result.void_reason : r->node_void;
	ok = set(o, "status", json_string(cl_status_name(v.status))) &&
	    set(o, "credential", jhex(r->id, CL_ID_LEN)) &&
	    set(o, "node_status", r->online ?
	    json_string(cl_status_name(r->node_status)) : json_null()) &&
	    set(o, "void_reason", v.status == CL_ST_VOID ?
	    json_string(cl_void_reason(vr)) : json_null()) &&
	    set(o, "issuer", v.is != NULL ? j_issuer(&v) : json_null()) &&
	    set(o, "achievement", v.is != NULL ? j_achievement(&v) :
	    json_null()) &&
	    j_issue(o, &v) &&
	    set(o, "revocation", j_change(&v, CL_EV_REVOKE)) &&
	    set(o, "suspension", j_change(&v, CL_EV_SUSPEND)) &&
	    set(o, "proof_checked", json_boolean(r->err == CL_OK &&
	    r->checked)) &&
	    set(o, "proof_events", json_integer(r->checked ?
	    (json_int_t)r->b.ev_cnt : 0)) &&
	    set(o, "error", r->err != CL_OK ? json_string(r->why) :
	    json_null());
	if (!ok) {
		json_decref(o);
		return CL_ENOMEM;
	}
	*out = o;
	return CL_OK;
}
