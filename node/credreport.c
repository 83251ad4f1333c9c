/* SPDX-License-Identifier: Apache-2.0 */
/* A checked credential, a DEFINE and a node's status, as JSON. */
#include "credreport.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "hex.h"
#include "limits.h"
#include "status.h"
#include "wire.h"

static const char *const sup_names[] = {
	[CL_SUP_NONE] = "none", [CL_SUP_NO_ID] = "supervised",
	[CL_SUP_ONLINE_ID] = "online-id", [CL_SUP_ONSITE_ID] = "onsite-id",
};

const char *
cl_supervision_name(uint64_t sup)
{
	return sup >= CL_SUP_NONE && sup <= CL_SUP_MAX ? sup_names[sup] : "?";
}

static void
report_check(struct cl_report *r, const struct cl_genesis *g,
    const uint8_t *id, bool online, unsigned node_status, unsigned node_void,
    const uint8_t *bundle, size_t len, uint64_t now, bool held)
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
	r->err = held ?
	    cl_bundle_check_held(&r->b, g, bundle, len, id, now, &where) :
	    cl_bundle_check(&r->b, g, bundle, len, id, now, &where);
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

void
cl_report_check(struct cl_report *r, const struct cl_genesis *g,
    const uint8_t id[static CL_ID_LEN], bool online, unsigned node_status,
    unsigned node_void, const uint8_t *bundle, size_t len, uint64_t now)
{
	report_check(r, g, id, online, node_status, node_void, bundle, len,
	    now, false);
}

void
cl_report_check_held(struct cl_report *r, const struct cl_genesis *g,
    const uint8_t id[static CL_ID_LEN], unsigned node_status,
    unsigned node_void, const uint8_t *bundle, size_t len, uint64_t now)
{
	report_check(r, g, id, true, node_status, node_void, bundle, len, now,
	    true);
}

unsigned
cl_report_status(const struct cl_report *r)
{
	if (r->checked)
		return r->b.result.status;
	return r->online ? r->node_status : CL_ST_UNKNOWN;
}

void
cl_report_free(struct cl_report *r)
{
	if (r == NULL)
		return;
	cl_bundle_free(&r->b);
	r->checked = false;
}

static const struct cl_event *
at(const struct cl_report *r, int i)
{
	return i >= 0 ? &r->b.ev[i] : NULL;
}

void
cl_report_view(const struct cl_report *r, struct cl_report_view *v)
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

const struct cl_str *
cl_report_title(const struct cl_define *d)
{
	uint32_t	i;

	for (i = 0; i < d->title_cnt; i++)
		if (d->title[i].lang.len == 2 &&
		    memcmp(d->title[i].lang.ptr, "en", 2) == 0)
			return &d->title[i].text;
	return d->title_cnt > 0 ? &d->title[0].text : NULL;
}

void
cl_report_ects_text(char *out, size_t cap, uint64_t h)
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
j_issuer(const struct cl_report_view *v)
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
j_achievement(const struct cl_report_view *v)
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
		t = cl_report_title(&v->def->body.define);
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
j_change(const struct cl_report_view *v, unsigned type)
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
j_issue(json_t *o, const struct cl_report_view *v)
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
	struct cl_report_view	 v;
	json_t		*o;
	unsigned	 vr;
	bool		 ok;

	*out = NULL;
	cl_report_view(r, &v);
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

/* struct cl_define -> achievement JSON. */

static int
ach_put(json_t *obj, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(obj, key, v);
}

static json_t *
ach_str(const struct cl_str *s)
{
	return json_stringn(s->ptr, s->len);
}

static int
put_str(json_t *obj, const char *key, const struct cl_str *s)
{
	if (s->len == 0)
		return 0;
	return ach_put(obj, key, ach_str(s));
}

static int
put_strs(json_t *obj, const char *key, const struct cl_str *s, uint32_t n)
{
	json_t		*a;
	uint32_t	 i;

	if (n == 0)
		return 0;
	if ((a = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (json_array_append_new(a, ach_str(&s[i])) != 0) {
			json_decref(a);
			return -1;
		}
	}
	return json_object_set_new(obj, key, a);
}

cl_err
cl_achievement_to_json(const struct cl_define *def, json_t **out)
{
	json_t		*o, *t = NULL, *a;
	char		 lang[CL_LANG_MAX + 1];
	char		 hex[2 * CL_ID_LEN + 1];
	uint32_t	 i;
	int		 rc = 0;

	*out = NULL;
	/* jansson keys are NUL-terminated; valid tags are short. */
	for (i = 0; i < def->title_cnt; i++)
		if (def->title[i].lang.len > CL_LANG_MAX)
			return CL_ETOOBIG;
	if ((o = json_object()) == NULL)
		return CL_ENOMEM;
	if (def->title_cnt > 0) {
		if ((t = json_object()) == NULL)
			rc = -1;
		for (i = 0; rc == 0 && i < def->title_cnt; i++) {
			memcpy(lang, def->title[i].lang.ptr,
			    def->title[i].lang.len);
			lang[def->title[i].lang.len] = '\0';
			rc = ach_put(t, lang, ach_str(&def->title[i].text));
		}
		if (rc == 0)
			rc = json_object_set(o, "title", t);
		json_decref(t);
	}
	if (rc == 0)
		rc = put_str(o, "awarding_body", &def->awarding_body);
	if (rc == 0)
		rc = put_str(o, "country", &def->country);
	if (rc == 0)
		rc = put_strs(o, "learning_outcomes", def->outcomes,
		    def->outcomes_cnt);
	if (rc == 0)
		rc = put_strs(o, "esco_skills", def->skills, def->skills_cnt);
	if (rc == 0 && def->ects != 0)
		rc = ach_put(o, "ects", def->ects % 100 == 0 ?
		    json_integer((json_int_t)(def->ects / 100)) :
		    json_real((double)def->ects / 100.0));
	if (rc == 0 && def->hours != 0)
		rc = ach_put(o, "hours", json_integer((json_int_t)def->hours));
	if (rc == 0 && def->eqf != 0)
		rc = ach_put(o, "eqf", json_integer((json_int_t)def->eqf));
	if (rc == 0)
		rc = put_str(o, "nqf", &def->nqf);
	if (rc == 0)
		rc = put_str(o, "assessment", &def->assessment);
	if (rc == 0)
		rc = put_str(o, "participation", &def->participation);
	if (rc == 0)
		rc = put_str(o, "quality_assurance", &def->quality_assurance);
	if (rc == 0)
		rc = put_str(o, "prerequisites", &def->prerequisites);
	if (rc == 0 && def->stack_cnt > 0) {
		if ((a = json_array()) == NULL)
			rc = -1;
		for (i = 0; rc == 0 && i < def->stack_cnt; i++) {
			cl_hex_encode(hex, def->stack[i], CL_ID_LEN);
			rc = json_array_append_new(a, json_string(hex));
		}
		if (rc == 0)
			rc = json_object_set(o, "stackable_into", a);
		json_decref(a);
	}
	if (rc == 0)
		rc = put_str(o, "further_info", &def->further_info);
	if (rc != 0) {
		/* jansson says NULL both for bad UTF-8 and for no memory. */
		json_decref(o);
		return CL_EBADUTF8;
	}
	*out = o;
	return CL_OK;
}

/* A node's status, as `credledger status --json` prints it. */

cl_err
cl_report_status_json(const struct cl_genesis *g,
    const struct cl_wire_status *st, json_t **out)
{
	const struct {
		const char	*key;
		uint64_t	 v;
	} nums[] = {
		{ "log_size", st->log_size }, { "feeds", st->feeds },
		{ "credentials", st->credentials },
		{ "void_events", st->void_events }, { "forks", st->forks },
		{ "map_used", st->map_used }, { "map_size", st->map_size },
		{ "connections", st->connections },
		{ "uptime_ms", st->uptime_ms }, { "submitted", st->submitted },
		{ "accepted", st->accepted },
	};
	json_t		*o, *types;
	size_t		 i;
	unsigned	 t;
	bool		 ok;

	*out = NULL;
	if ((o = json_object()) == NULL)
		return CL_ENOMEM;
	ok = set(o, "node", jhex(st->node, CL_PK_LEN)) &&
	    set(o, "network_id", jhex(st->network, CL_ID_LEN)) &&
	    set(o, "network_name", json_stringn(g->name.ptr, g->name.len)) &&
	    set(o, "digest", jhex(st->digest, CL_ID_LEN)) &&
	    (types = json_object()) != NULL &&
	    set(o, "events_by_type", types);
	for (t = CL_EV_TYPE_MIN; ok && t <= CL_EV_TYPE_MAX; t++)
		ok = set(types, cl_ev_type_name(t),
		    json_integer((json_int_t)st->by_type[t]));
	for (i = 0; ok && i < sizeof(nums) / sizeof(nums[0]); i++)
		ok = set(o, nums[i].key, json_integer((json_int_t)nums[i].v));
	if (!ok) {
		json_decref(o);
		return CL_ENOMEM;
	}
	*out = o;
	return CL_OK;
}
