/* SPDX-License-Identifier: Apache-2.0 */
/* What verify says about one credential, in words; its exit status. */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "hex.h"
#include "status.h"
#include "util.h"

int
cl_report_exit(const struct cl_report *r)
{
	if (r->err != CL_OK)
		return CL_TOOL_USAGE;
	return cl_report_status(r) == CL_ST_VALID ? CL_TOOL_OK : CL_TOOL_FAIL;
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
text_issuer(FILE *f, const struct cl_report_view *v)
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
text_achievement(FILE *f, const struct cl_report_view *v)
{
	const struct cl_define	*d;
	const struct cl_str	*t;
	char			 ects[32];

	if (v->def == NULL) {
		line_hex(f, "achievement:", v->is->body.issue.achievement);
		return;
	}
	d = v->def->body.define;
	label(f, "micro-credential:");
	if ((t = cl_report_title(d)) != NULL)
		put(f, t);
	fputc('\n', f);
	label(f, "level:");
	fprintf(f, "EQF %llu", (unsigned long long)d->eqf);
	if (d->ects != 0) {
		cl_report_ects_text(ects, sizeof(ects), d->ects);
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
text_issue(FILE *f, const struct cl_report_view *v)
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
text_change(FILE *f, const struct cl_report_view *v)
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
	struct cl_report_view	v;
	char		hex[2 * CL_ID_LEN + 1];

	cl_hex_encode(hex, r->id, CL_ID_LEN);
	cl_report_view(r, &v);
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
