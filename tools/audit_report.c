/* SPDX-License-Identifier: Apache-2.0 */
/* The audit's report: in words, and as JSON. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "event.h"
#include "hex.h"
#include "util.h"

/* The §4.4 names of void reasons, as PROTOCOL.md spells them. */
static const char *const void_names[] = {
	[CL_VOID_NONE] = "none", [CL_VOID_NO_DEFINE] = "NO_DEFINE",
	[CL_VOID_NO_CREDENTIAL] = "NO_CREDENTIAL",
	[CL_VOID_NOT_SUSPENDED] = "NOT_SUSPENDED",
	[CL_VOID_ALREADY_SUSPENDED] = "ALREADY_SUSPENDED",
	[CL_VOID_ALREADY_REVOKED] = "ALREADY_REVOKED",
	[CL_VOID_TOO_MANY_CHANGES] = "TOO_MANY_CHANGES",
	[CL_VOID_NOT_ACCREDITED] = "NOT_ACCREDITED",
};

static const char *const kind_names[] = {
	[CL_AUDIT_FILE] = "file", [CL_AUDIT_GENESIS] = "genesis",
	[CL_AUDIT_REJECTED] = "rejected", [CL_AUDIT_ORDER] = "order",
	[CL_AUDIT_CHECKPOINT] = "checkpoint", [CL_AUDIT_STATE] = "state",
	[CL_AUDIT_COMPARE] = "compare",
};

/* "2024-05-01T12:00:00Z" (with ms when there are any). */
static void
utc(char *out, size_t cap, uint64_t ms)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);
	size_t		n;

	if (ms / 1000 > (uint64_t)253402300799ULL || gmtime_r(&t, &tm) ==
	    NULL || (n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
		(void)snprintf(out, cap, "%llu ms", (unsigned long long)ms);
		return;
	}
	if (ms % 1000 != 0)
		(void)snprintf(out + n, cap - n, ".%03uZ",
		    (unsigned)(ms % 1000));
	else
		(void)snprintf(out + n, cap - n, "Z");
}

static void
hex(FILE *f, const uint8_t *b, size_t len)
{
	char	h[2 * CL_SIG_LEN + 1];

	cl_hex_encode(h, b, len);
	fputs(h, f);
}

/* "ISSUE seq 4 by 1a2b3c4d…, id 5e6f…" */
static void
ev_text(FILE *f, const struct cl_audit_ev *e)
{
	char	h[17], when[40];

	if (!e->decoded) {
		fputs("a record that does not decode", f);
		return;
	}
	cl_hex_encode(h, e->author, 8);
	utc(when, sizeof(when), e->time);
	fprintf(f, "%s seq %llu by %s…, dated %s, id ",
	    cl_ev_type_name(e->type), (unsigned long long)e->seq, h, when);
	hex(f, e->id, CL_ID_LEN);
}

static void
counts_line(FILE *f, const char *lead, const uint64_t *by, unsigned lo,
    unsigned hi, const char *(*name)(unsigned))
{
	unsigned	i;
	bool		first = true;

	fputs(lead, f);
	for (i = lo; i <= hi; i++) {
		if (by[i] == 0)
			continue;
		fprintf(f, "%s%s %llu", first ? "" : ", ", name(i),
		    (unsigned long long)by[i]);
		first = false;
	}
	fputs(first ? "none\n" : "\n", f);
}

static const char *
void_name(unsigned v)
{
	return v <= CL_VOID_MAX ? void_names[v] : "?";
}

static void
clock_text(FILE *f, const struct cl_audit_clock *c, const char *indent)
{
	char	when[40];

	utc(when, sizeof(when), c->at);
	fprintf(f, "%sstate digest: ", indent);
	hex(f, c->digest, CL_ID_LEN);
	fprintf(f, "\n%sfeeds %llu, forked %llu, void events %llu\n", indent,
	    (unsigned long long)c->counts.feeds,
	    (unsigned long long)c->counts.forks,
	    (unsigned long long)c->counts.void_events);
	fprintf(f, "%scredentials at %s: %llu", indent, when,
	    (unsigned long long)c->credentials);
	if (c->credentials > 0)
		counts_line(f, ": ", c->by_status, 0, CL_ST_MAX,
		    cl_status_name);
	else
		fputc('\n', f);
}

static void
cred_text(FILE *f, const struct cl_audit_clock *c, const char *what,
    const char *reason_void)
{
	char		when[40];
	uint32_t	k;

	utc(when, sizeof(when), c->at);
	fprintf(f, "  %s, at %s: %s", what, when, cl_status_name(c->status));
	if (c->status == CL_ST_VOID)
		fprintf(f, " (%s)", reason_void);
	if (c->status_ev != UINT32_MAX)
		fprintf(f, ", set by the %s at position %llu",
		    cl_ev_type_name(c->proof[c->status_ev].type),
		    (unsigned long long)c->proof[c->status_ev].pos);
	fputc('\n', f);
	for (k = 0; k < c->proof_cnt; k++) {
		fprintf(f, "      position %llu: ",
		    (unsigned long long)c->proof[k].pos);
		ev_text(f, &c->proof[k]);
		fputc('\n', f);
	}
}

static void
author_text(FILE *f, const struct cl_audit_author *au)
{
	fputs("  ", f);
	hex(f, au->key, CL_PK_LEN);
	fputs(au->authority ? "  authority" : "  issuer", f);
	if (au->name != NULL) {
		fputs(" \"", f);
		cl_tool_put_str(f, au->name, strlen(au->name));
		fputc('"', f);
	}
	if (au->country != NULL || au->org_id != NULL) {
		fputs(" (", f);
		if (au->country != NULL)
			cl_tool_put_str(f, au->country, strlen(au->country));
		if (au->country != NULL && au->org_id != NULL)
			fputs(", ", f);
		if (au->org_id != NULL)
			cl_tool_put_str(f, au->org_id, strlen(au->org_id));
		fputc(')', f);
	}
	if (!au->authority && au->name == NULL)
		fputs(" (no counted ACCREDIT names it)", f);
	fprintf(f, "\n      feed at seq %llu; events: ",
	    (unsigned long long)au->head_seq);
	counts_line(f, "", au->by_type, CL_EV_TYPE_MIN, CL_EV_TYPE_MAX,
	    cl_ev_type_name);
	if (au->void_events > 0 || au->disputed > 0)
		fprintf(f, "      void %llu, held past its fork point %llu\n",
		    (unsigned long long)au->void_events,
		    (unsigned long long)au->disputed);
	if (au->credentials > 0) {
		fprintf(f, "      credentials %llu: ",
		    (unsigned long long)au->credentials);
		counts_line(f, "", au->by_status, 0, CL_ST_MAX,
		    cl_status_name);
	}
	if (au->fork_seq != 0)
		fprintf(f, "      FORKED at seq %llu: the events at positions "
		    "%llu and %llu are its fork proof\n",
		    (unsigned long long)au->fork_seq,
		    (unsigned long long)au->fork_pos[0],
		    (unsigned long long)au->fork_pos[1]);
}

static void
ckpt_text(FILE *f, const struct cl_audit_ckpt *c)
{
	char	when[40];

	utc(when, sizeof(when), c->c.time);
	fprintf(f, "  %s: size %llu, signed %s by node ", c->source,
	    (unsigned long long)c->c.size, when);
	hex(f, c->c.node, CL_PK_LEN);
	fprintf(f, "\n      %s", cl_audit_ck_name(c->verdict));
	if (c->verdict == CL_AUDIT_CK_OK)
		fprintf(f, ": signature valid, this network, and the log's "
		    "first %llu events have its root ",
		    (unsigned long long)c->c.size);
	else
		fputs("; its root ", f);
	hex(f, c->c.root, CL_ID_LEN);
	fputc('\n', f);
}

static void
lacks_text(FILE *f, const char *who, const struct cl_audit_ev *e,
    size_t cnt, uint64_t total)
{
	size_t	i;

	fprintf(f, "  %s lacks %llu:\n", who, (unsigned long long)total);
	for (i = 0; i < cnt; i++) {
		fprintf(f, "    position %llu: ", (unsigned long long)e[i].pos);
		ev_text(f, &e[i]);
		fputc('\n', f);
	}
	if (total > cnt)
		fprintf(f, "    ... and %llu more\n",
		    (unsigned long long)(total - cnt));
}

/* A gap finding's feed and the seq it waits for, to group by. */
struct gapkey {
	const struct cl_audit_finding	*f;
	size_t				 i;
};

static bool
is_gap(const struct cl_audit_finding *f)
{
	return f->kind == CL_AUDIT_ORDER && f->acc == CL_ACC_GAP &&
	    f->ev.decoded;
}

static int
cmp_gap(const void *p, const void *q)
{
	const struct gapkey	*a = p, *b = q;
	int			 d = memcmp(a->f->ev.author, b->f->ev.author,
				    CL_PK_LEN);

	if (d != 0)
		return d;
	if (a->f->head_seq != b->f->head_seq)
		return a->f->head_seq < b->f->head_seq ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * For each gap finding: how many more gaps wait on the same seq of the
 * same feed (rest[i], on the first of them), or SIZE_MAX on the others.
 * One missing or bad event leaves every later event of its feed a gap:
 * the text names the first and counts the rest (the JSON lists all).
 */
static size_t *
gap_groups(const struct cl_audit *a, uint64_t **last)
{
	struct gapkey	*k;
	size_t		*rest, n = 0, i, j;

	rest = calloc(a->f_cnt + 1, sizeof(*rest));
	*last = calloc(a->f_cnt + 1, sizeof(**last));
	k = calloc(a->f_cnt + 1, sizeof(*k));
	if (rest == NULL || *last == NULL || k == NULL) {
		free(rest);
		free(*last);
		free(k);
		*last = NULL;
		return NULL;
	}
	for (i = 0; i < a->f_cnt; i++)
		if (is_gap(&a->f[i]))
			k[n++] = (struct gapkey){ &a->f[i], i };
	qsort(k, n, sizeof(*k), cmp_gap);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && memcmp(k[j].f->ev.author,
		    k[i].f->ev.author, CL_PK_LEN) == 0 &&
		    k[j].f->head_seq == k[i].f->head_seq; j++)
			rest[k[j].i] = SIZE_MAX;
		rest[k[i].i] = j - i - 1;
		(*last)[k[i].i] = k[j - 1].f->ev.pos;
	}
	free(k);
	return rest;
}

static void
findings_text(FILE *f, const struct cl_audit *a)
{
	const struct cl_audit_finding	*x;
	char				 why[256];
	size_t				 i, *rest;
	uint64_t			*last;

	fprintf(f, "findings: %llu\n", (unsigned long long)a->f_total);
	rest = gap_groups(a, &last);
	for (i = 0; i < a->f_cnt; i++) {
		x = &a->f[i];
		if (rest != NULL && rest[i] == SIZE_MAX)
			continue;
		cl_audit_finding_text(x, why, sizeof(why));
		if (x->ev.pos != CL_AUDIT_NOPOS)
			fprintf(f, "  position %llu: ",
			    (unsigned long long)x->ev.pos);
		else
			fprintf(f, "  %s: ", kind_names[x->kind]);
		cl_tool_put_str(f, why, strlen(why));
		fputc('\n', f);
		if (x->ev.decoded) {
			fputs("      ", f);
			ev_text(f, &x->ev);
			fputc('\n', f);
		}
		if (rest != NULL && is_gap(x) && rest[i] > 0)
			fprintf(f, "      and %zu more events of this feed, up "
			    "to position %llu, wait for its seq %llu too\n",
			    rest[i], (unsigned long long)last[i],
			    (unsigned long long)(x->head_seq + 1));
	}
	if (a->f_total > a->f_cnt)
		fprintf(f, "  ... and %llu more (not kept)\n",
		    (unsigned long long)(a->f_total - a->f_cnt));
	free(rest);
	free(last);
}

void
cl_audit_text(FILE *f, const struct cl_audit *a)
{
	const struct cl_audit_opts	*o = a->o;
	char				 when[40], h[17];
	size_t				 i;

	if (o->file != NULL)
		fputs("audit of the export file ", f);
	else
		fputs("audit of the store in ", f);
	cl_tool_put_str(f, o->file != NULL ? o->file : o->data,
	    strlen(o->file != NULL ? o->file : o->data));
	for (i = 0; o->file != NULL && i < o->more_cnt; i++) {
		fputs(i + 1 < o->more_cnt ? ", " : " and ", f);
		cl_tool_put_str(f, o->more[i], strlen(o->more[i]));
	}
	fputs("\nnetwork:      \"", f);
	cl_tool_put_str(f, a->g.name.ptr, a->g.name.len);
	fputs("\", id ", f);
	hex(f, a->g.netid, CL_ID_LEN);
	fprintf(f, "\ngenesis:      %s\n", o->trusted == NULL ? "the log's "
	    "own (no --genesis given: trust it only if its id is the "
	    "network's)" : a->genesis_trusted ? "the trusted one "
	    "(--genesis)" : "NOT the trusted one: nothing else is checked");
	if (o->trusted != NULL && !a->genesis_trusted) {
		findings_text(f, a);
		fputs("result: FINDINGS\n", f);
		return;
	}
	fprintf(f, "log:          %llu events, RFC 9162 root ",
	    (unsigned long long)a->log_size);
	hex(f, a->root, CL_ID_LEN);
	fprintf(f, "\n              replayed in %.1f s (%.0f events/s)\n",
	    a->replay_s, a->replay_s > 0 ? (double)a->log_size / a->replay_s :
	    0.0);
	counts_line(f, "replay:       ", a->acc, 0, CL_ACC_MAX,
	    cl_accept_name);
	counts_line(f, "events:       ", a->log.counts.by_type,
	    CL_EV_TYPE_MIN, CL_EV_TYPE_MAX, cl_ev_type_name);
	fprintf(f, "void events:  %llu", (unsigned long long)
	    a->log.counts.void_events);
	if (a->log.counts.void_events > 0)
		counts_line(f, ": ", a->void_by_reason, 1, CL_VOID_MAX,
		    void_name);
	else
		fputc('\n', f);
	fprintf(f, "feeds:        %llu, forked %llu\n",
	    (unsigned long long)a->log.counts.feeds,
	    (unsigned long long)a->log.counts.forks);
	utc(when, sizeof(when), a->log.at);
	fprintf(f, "credentials:  %llu at %s", (unsigned long long)
	    a->log.credentials, when);
	if (a->log.credentials > 0)
		counts_line(f, ": ", a->log.by_status, 0, CL_ST_MAX,
		    cl_status_name);
	else
		fputc('\n', f);
	fputs("state digest: ", f);
	hex(f, a->log.digest, CL_ID_LEN);
	fputs("\n\nauthors:\n", f);
	for (i = 0; i < a->author_cnt; i++)
		author_text(f, &a->author[i]);

	fprintf(f, "\nineffective events (held rightly, without effect; not "
	    "findings): %llu\n", (unsigned long long)a->ineffective_total);
	for (i = 0; i < a->ineffective_cnt; i++) {
		fprintf(f, "  position %llu: %s\n      ",
		    (unsigned long long)a->ineffective[i].pos,
		    a->ineffective[i].why);
		ev_text(f, &a->ineffective[i]);
		fputc('\n', f);
	}
	if (a->ineffective_total > a->ineffective_cnt)
		fprintf(f, "  ... and %llu more\n", (unsigned long long)
		    (a->ineffective_total - a->ineffective_cnt));

	if (a->ckpt_cnt > 0)
		fputs("\ncheckpoints:\n", f);
	for (i = 0; i < a->ckpt_cnt; i++)
		ckpt_text(f, &a->ckpt[i]);

	if (o->as_of_set) {
		utc(when, sizeof(when), o->as_of);
		fprintf(f, "\nas of %s:\n  by the authors' own clocks (what "
		    "they claim, witnessed by no one): the %llu events dated "
		    "at or before it, of which %llu stored\n", when,
		    (unsigned long long)a->authors.events,
		    (unsigned long long)a->authors.stored);
		clock_text(f, &a->authors, "      ");
		if (!a->witnessed.done)
			fputs("  by the node-witnessed clock: no checkpoint "
			    "that verifies was signed at or before it "
			    "(give some with --checkpoint)\n", f);
		else {
			const struct cl_audit_ckpt *c =
			    &a->ckpt[a->witnessed.ckpt];

			utc(when, sizeof(when), c->c.time);
			fprintf(f, "  by the node-witnessed clock: the first "
			    "%llu events, which node ",
			    (unsigned long long)c->c.size);
			cl_hex_encode(h, c->c.node, 8);
			fprintf(f, "%s… held at %s (%s; %s)\n", h, when,
			    c->source, cl_audit_ck_name(c->verdict));
			clock_text(f, &a->witnessed, "      ");
		}
	}

	if (o->cred_set) {
		fputs("\ncredential ", f);
		hex(f, o->cred, CL_ID_LEN);
		fputs(":\n", f);
		cred_text(f, &a->log, "the whole log", void_name(
		    a->log.void_reason));
		if (a->authors.done)
			cred_text(f, &a->authors, "by the authors' clocks",
			    void_name(a->authors.void_reason));
		if (a->witnessed.done)
			cred_text(f, &a->witnessed, "by the node-witnessed "
			    "clock", void_name(a->witnessed.void_reason));
	}

	if (a->compared) {
		fputs("\ncompared with ", f);
		cl_tool_put_str(f, o->compare, strlen(o->compare));
		fprintf(f, " (%llu events%s): ", (unsigned long long)
		    a->other_size, a->other_broken ? ", a damaged file read "
		    "up to the damage" : "");
		if (a->only_here_total == 0 && a->only_there_total == 0)
			fputs("the same set of events\n", f);
		else {
			fputs("different events\n", f);
			lacks_text(f, "the other log", a->only_here,
			    a->only_here_cnt, a->only_here_total);
			lacks_text(f, "this log", a->only_there,
			    a->only_there_cnt, a->only_there_total);
		}
	}

	if (o->data != NULL) {
		fputs("\nthe node's own indexes: ", f);
		if (a->state_moving)
			fprintf(f, "not compared: the node kept writing "
			    "through %d tries\n", CL_AUDIT_CATCHUP_MAX);
		else if (a->state_checked)
			fprintf(f, "compared with the replay (state digest, "
			    "counts, the Merkle tree, %zu heads, %llu "
			    "credentials)\n", a->author_cnt,
			    (unsigned long long)a->log.credentials);
		else
			fputs("not compared\n", f);
	}

	fputc('\n', f);
	findings_text(f, a);
	fputs(a->f_total == 0 ? "result: CLEAN\n" : "result: FINDINGS\n", f);
}

/* JSON. */

static json_t *
jhex(const uint8_t *b, size_t len)
{
	char	h[2 * CL_SIG_LEN + 1];

	cl_hex_encode(h, b, len);
	return json_string(h);
}

static json_t *
jint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *
jstr_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* A jansson object built with sticky failure: one check at the end. */
struct jb {
	bool	ok;
};

static void
jset(struct jb *b, json_t *o, const char *key, json_t *v)
{
	if (o == NULL || v == NULL || json_object_set_new(o, key, v) != 0) {
		b->ok = false;
		json_decref(v);
	}
}

static void
jpush(struct jb *b, json_t *arr, json_t *v)
{
	if (arr == NULL || v == NULL || json_array_append_new(arr, v) != 0) {
		b->ok = false;
		json_decref(v);
	}
}

static json_t *
jcounts(struct jb *b, const uint64_t *by, unsigned lo, unsigned hi,
    const char *(*name)(unsigned))
{
	json_t		*o = json_object();
	unsigned	 i;

	for (i = lo; i <= hi; i++)
		jset(b, o, name(i), jint(by[i]));
	return o;
}

static json_t *
jev(struct jb *b, const struct cl_audit_ev *e)
{
	json_t	*o = json_object();

	jset(b, o, "position", e->pos == CL_AUDIT_NOPOS ? json_null() :
	    jint(e->pos));
	if (e->decoded) {
		jset(b, o, "type", json_string(cl_ev_type_name(e->type)));
		jset(b, o, "author", jhex(e->author, CL_PK_LEN));
		jset(b, o, "seq", jint(e->seq));
		jset(b, o, "time", jint(e->time));
		jset(b, o, "id", jhex(e->id, CL_ID_LEN));
	}
	if (e->why != NULL)
		jset(b, o, "why", json_string(e->why));
	return o;
}

static json_t *
jevs(struct jb *b, const struct cl_audit_ev *e, size_t cnt, uint64_t total)
{
	json_t	*o = json_object(), *arr = json_array();
	size_t	 i;

	for (i = 0; i < cnt; i++)
		jpush(b, arr, jev(b, &e[i]));
	jset(b, o, "total", jint(total));
	jset(b, o, "events", arr);
	return o;
}

static json_t *
jclock(struct jb *b, const struct cl_audit_clock *c)
{
	json_t	*o = json_object(), *cr = json_object();

	jset(b, o, "at", jint(c->at));
	jset(b, o, "events", jint(c->events));
	jset(b, o, "stored", jint(c->stored));
	jset(b, o, "state_digest", jhex(c->digest, CL_ID_LEN));
	jset(b, o, "feeds", jint(c->counts.feeds));
	jset(b, o, "forked_feeds", jint(c->counts.forks));
	jset(b, o, "void_events", jint(c->counts.void_events));
	jset(b, o, "events_by_type", jcounts(b, c->counts.by_type,
	    CL_EV_TYPE_MIN, CL_EV_TYPE_MAX, cl_ev_type_name));
	jset(b, cr, "total", jint(c->credentials));
	jset(b, cr, "by_status", jcounts(b, c->by_status, 0, CL_ST_MAX,
	    cl_status_name));
	jset(b, o, "credentials", cr);
	return o;
}

static json_t *
jcred(struct jb *b, const struct cl_audit_clock *c)
{
	json_t		*o = json_object(), *arr = json_array();
	uint32_t	 k;

	jset(b, o, "at", jint(c->at));
	jset(b, o, "status", json_string(cl_status_name(c->status)));
	jset(b, o, "void_reason", c->status == CL_ST_VOID ?
	    json_string(void_name(c->void_reason)) : json_null());
	jset(b, o, "set_by", c->status_ev != UINT32_MAX ?
	    jint(c->proof[c->status_ev].pos) : json_null());
	for (k = 0; k < c->proof_cnt; k++)
		jpush(b, arr, jev(b, &c->proof[k]));
	jset(b, o, "events", arr);
	return o;
}

static json_t *
jauthor(struct jb *b, const struct cl_audit_author *au)
{
	json_t	*o = json_object(), *cr = json_object(), *fk;

	jset(b, o, "key", jhex(au->key, CL_PK_LEN));
	jset(b, o, "role", json_string(au->authority ? "authority" :
	    "issuer"));
	jset(b, o, "name", jstr_or_null(au->name));
	jset(b, o, "country", jstr_or_null(au->country));
	jset(b, o, "org_id", jstr_or_null(au->org_id));
	jset(b, o, "head_seq", jint(au->head_seq));
	jset(b, o, "events", jcounts(b, au->by_type, CL_EV_TYPE_MIN,
	    CL_EV_TYPE_MAX, cl_ev_type_name));
	jset(b, o, "void_events", jint(au->void_events));
	jset(b, o, "disputed", jint(au->disputed));
	jset(b, cr, "total", jint(au->credentials));
	jset(b, cr, "by_status", jcounts(b, au->by_status, 0, CL_ST_MAX,
	    cl_status_name));
	jset(b, o, "credentials", cr);
	if (au->fork_seq == 0)
		jset(b, o, "fork", json_null());
	else {
		fk = json_object();
		jset(b, fk, "seq", jint(au->fork_seq));
		jset(b, fk, "positions", json_pack("[II]",
		    (json_int_t)au->fork_pos[0],
		    (json_int_t)au->fork_pos[1]));
		jset(b, o, "fork", fk);
	}
	return o;
}

static json_t *
jckpt(struct jb *b, const struct cl_audit_ckpt *c)
{
	json_t	*o = json_object();

	jset(b, o, "source", json_string(c->source));
	jset(b, o, "node", jhex(c->c.node, CL_PK_LEN));
	jset(b, o, "size", jint(c->c.size));
	jset(b, o, "time", jint(c->c.time));
	jset(b, o, "root", jhex(c->c.root, CL_ID_LEN));
	jset(b, o, "verdict", json_string(cl_audit_ck_name(c->verdict)));
	jset(b, o, "ok", json_boolean(c->verdict == CL_AUDIT_CK_OK));
	return o;
}

static json_t *
jfinding(struct jb *b, const struct cl_audit_finding *x)
{
	json_t	*o = json_object();
	char	 why[256];

	cl_audit_finding_text(x, why, sizeof(why));
	jset(b, o, "position", x->ev.pos == CL_AUDIT_NOPOS ? json_null() :
	    jint(x->ev.pos));
	jset(b, o, "kind", json_string(kind_names[x->kind]));
	jset(b, o, "reason", json_string(why));
	if (x->kind == CL_AUDIT_REJECTED)
		jset(b, o, "error", json_string(cl_errname(x->err)));
	if (x->kind == CL_AUDIT_ORDER)
		jset(b, o, "result", json_string(cl_accept_name(x->acc)));
	if (x->kind == CL_AUDIT_CHECKPOINT)
		jset(b, o, "checkpoint", jint(x->ck));
	jset(b, o, "event", x->ev.decoded ? jev(b, &x->ev) : json_null());
	return o;
}

cl_err
cl_audit_json(const struct cl_audit *a, json_t **out)
{
	const struct cl_audit_opts	*o = a->o;
	struct jb			 b = { true };
	json_t				*j = json_object(), *x, *arr;
	size_t				 i;

	*out = NULL;
	x = json_object();
	jset(&b, x, o->file != NULL ? "file" : "data",
	    json_string(o->file != NULL ? o->file : o->data));
	if (o->file != NULL) {
		arr = json_array();
		for (i = 0; i < o->more_cnt; i++)
			jpush(&b, arr, json_string(o->more[i]));
		jset(&b, x, "more", arr);
	}
	jset(&b, j, "source", x);
	x = json_object();
	jset(&b, x, "id", jhex(a->g.netid, CL_ID_LEN));
	jset(&b, x, "name", json_stringn(a->g.name.ptr, a->g.name.len));
	jset(&b, x, "genesis_trusted", o->trusted == NULL ? json_null() :
	    json_boolean(a->genesis_trusted));
	jset(&b, j, "network", x);
	x = json_object();
	jset(&b, x, "size", jint(a->log_size));
	jset(&b, x, "root", jhex(a->root, CL_ID_LEN));
	jset(&b, x, "decoded", jint(a->decoded));
	jset(&b, x, "replay_seconds", json_real(a->replay_s));
	jset(&b, j, "log", x);
	jset(&b, j, "results", jcounts(&b, a->acc, 0, CL_ACC_MAX,
	    cl_accept_name));
	jset(&b, j, "state", jclock(&b, &a->log));
	jset(&b, j, "void_by_reason", jcounts(&b, a->void_by_reason, 1,
	    CL_VOID_MAX, void_name));
	arr = json_array();
	for (i = 0; i < a->author_cnt; i++)
		jpush(&b, arr, jauthor(&b, &a->author[i]));
	jset(&b, j, "authors", arr);
	jset(&b, j, "ineffective", jevs(&b, a->ineffective,
	    a->ineffective_cnt, a->ineffective_total));
	arr = json_array();
	for (i = 0; i < a->ckpt_cnt; i++)
		jpush(&b, arr, jckpt(&b, &a->ckpt[i]));
	jset(&b, j, "checkpoints", arr);
	if (!o->as_of_set)
		jset(&b, j, "as_of", json_null());
	else {
		x = json_object();
		jset(&b, x, "time", jint(o->as_of));
		jset(&b, x, "authors_clock", jclock(&b, &a->authors));
		if (a->witnessed.done) {
			json_t *w = jclock(&b, &a->witnessed);

			jset(&b, w, "checkpoint", jckpt(&b,
			    &a->ckpt[a->witnessed.ckpt]));
			jset(&b, x, "witnessed_clock", w);
		} else
			jset(&b, x, "witnessed_clock", json_null());
		jset(&b, j, "as_of", x);
	}
	if (!o->cred_set)
		jset(&b, j, "credential", json_null());
	else {
		x = json_object();
		jset(&b, x, "id", jhex(o->cred, CL_ID_LEN));
		jset(&b, x, "log", jcred(&b, &a->log));
		jset(&b, x, "authors_clock", a->authors.done ?
		    jcred(&b, &a->authors) : json_null());
		jset(&b, x, "witnessed_clock", a->witnessed.done ?
		    jcred(&b, &a->witnessed) : json_null());
		jset(&b, j, "credential", x);
	}
	if (!a->compared)
		jset(&b, j, "compare", json_null());
	else {
		x = json_object();
		jset(&b, x, "with", json_string(o->compare));
		jset(&b, x, "other_size", jint(a->other_size));
		jset(&b, x, "other_damaged", json_boolean(a->other_broken));
		jset(&b, x, "other_lacks", jevs(&b, a->only_here,
		    a->only_here_cnt, a->only_here_total));
		jset(&b, x, "this_lacks", jevs(&b, a->only_there,
		    a->only_there_cnt, a->only_there_total));
		jset(&b, j, "compare", x);
	}
	if (o->data == NULL)
		jset(&b, j, "node_state", json_null());
	else {
		x = json_object();
		jset(&b, x, "compared", json_boolean(a->state_checked));
		jset(&b, x, "node_kept_writing", json_boolean(
		    a->state_moving));
		jset(&b, j, "node_state", x);
	}
	x = json_object();
	jset(&b, x, "total", jint(a->f_total));
	arr = json_array();
	for (i = 0; i < a->f_cnt; i++)
		jpush(&b, arr, jfinding(&b, &a->f[i]));
	jset(&b, x, "list", arr);
	jset(&b, j, "findings", x);
	jset(&b, j, "clean", json_boolean(a->f_total == 0));
	if (!b.ok) {
		json_decref(j);
		return CL_ENOMEM;
	}
	*out = j;
	return CL_OK;
}
