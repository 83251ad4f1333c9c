/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The auditor: export files, checkpoint files, and the replay finding
 * every kind of tampering at its position.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "ckptfile.h"
#include "export.h"
#include "hex.h"
#include "merkle.h"
#include "testlib.h"

extern char	**environ;

static char	dir[64];

static void
setup(void)
{
	cr_assert(sodium_init() >= 0);
	strcpy(dir, "/tmp/cl-audit-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	char	cmd[128];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(audit, .init = setup, .fini = teardown, .timeout = 120);

static const char *
path(const char *name)
{
	static char	buf[8][128];
	static int	i;

	i = (i + 1) % 8;
	(void)snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* A history: one authority, one issuer, a DEFINE and credentials. */

#define T0	1700000000000ull	/* the authors' clock starts here */
#define DAY	86400000ull
#define EV_MAX	64

struct world {
	struct tl_net	 net;
	struct tl_feed	 iss;
	struct tl_key	 node;		/* signs checkpoints */
	struct tl_ev	 ev[EV_MAX];
	size_t		 n;
	uint8_t		 def[CL_ID_LEN];
};

/* Sign ev as the next event of f at the author's time t. */
static void
sign_time(struct world *w, struct tl_feed *f, struct cl_event *ev,
    uint64_t t)
{
	struct tl_ev	*out = &w->ev[w->n++];

	cr_assert(w->n <= EV_MAX);
	ev->version = CL_VERSION;
	ev->seq = f->seq + 1;
	if (f->seq > 0)
		memcpy(ev->prev, f->head, CL_ID_LEN);
	ev->time = t;
	cr_assert_eq(cl_ev_sign(ev, w->net.netid, f->key.sk, out->bytes,
	    sizeof(out->bytes), &out->len, out->id), CL_OK);
	out->seq = ev->seq;
	f->seq++;
	memcpy(f->head, out->id, CL_ID_LEN);
}

static void
w_accredit(struct world *w, uint64_t t)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = CL_EV_ACCREDIT;
	memcpy(ev.body.accredit.issuer, w->iss.key.pk, CL_PK_LEN);
	ev.body.accredit.org_id = (struct cl_str){ "DE-123", 6 };
	ev.body.accredit.name = (struct cl_str){ "Bühnenschule Köln", 19 };
	ev.body.accredit.country = (struct cl_str){ "DE", 2 };
	ev.body.accredit.from_seq = 1;
	sign_time(w, &w->net.auth[0], &ev, t);
}

static void
w_withdraw(struct world *w, uint64_t after, uint64_t t)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = CL_EV_WITHDRAW;
	memcpy(ev.body.withdraw.issuer, w->iss.key.pk, CL_PK_LEN);
	ev.body.withdraw.after_seq = after;
	ev.body.withdraw.reason = (struct cl_str){ "key lost", 8 };
	sign_time(w, &w->net.auth[0], &ev, t);
}

static void
w_define(struct world *w, uint64_t t)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	tl_define_body(&ev);
	sign_time(w, &w->iss, &ev, t);
	memcpy(w->def, w->ev[w->n - 1].id, CL_ID_LEN);
}

/* An ISSUE for holder h; its id is w->ev[w->n - 1].id. */
static void
w_issue(struct world *w, uint32_t h, uint64_t t)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = CL_EV_ISSUE;
	memcpy(ev.body.issue.achievement, w->def, CL_ID_LEN);
	memcpy(ev.body.issue.holder, &h, sizeof(h));
	ev.body.issue.holder[31] = 0x42;
	ev.body.issue.issued_at = t;
	ev.body.issue.supervision = CL_SUP_ONSITE_ID;
	sign_time(w, &w->iss, &ev, t);
}

static void
w_change(struct world *w, unsigned type, const uint8_t *cred, uint64_t t)
{
	struct cl_event	ev;

	cl_ev_init(&ev);
	ev.type = type;
	memcpy(ev.body.status.credential, cred, CL_ID_LEN);
	if (type == CL_EV_REVOKE)
		ev.body.status.reason_code = 1;
	sign_time(w, &w->iss, &ev, t);
}

/*
 * ACCREDIT, DEFINE, then n ISSUEs a day apart (day 1..n), then a REVOKE
 * of the first on day n + 1.
 */
static void
world(struct world *w, uint32_t n)
{
	uint32_t	i;
	size_t		first;

	memset(w, 0, sizeof(*w));
	tl_net(&w->net, 1);
	tl_feed(&w->iss, 1);
	tl_key(&w->node, 77);
	w_accredit(w, T0);
	w_define(w, T0);
	first = w->n;
	for (i = 0; i < n; i++)
		w_issue(w, i, T0 + (i + 1) * DAY);
	w_change(w, CL_EV_REVOKE, w->ev[first].id, T0 + (n + 1) * DAY);
}

/* Write events idx[0..n) of w (all when idx is NULL) as an export. */
static void
write_export(const char *p, const struct world *w, const size_t *idx,
    size_t n)
{
	struct cl_export_w	x;
	size_t			i, k;

	cr_assert_eq(cl_export_create(&x, p, w->net.genesis,
	    w->net.genesis_len), CL_OK);
	for (i = 0; i < (idx != NULL ? n : w->n); i++) {
		k = idx != NULL ? idx[i] : i;
		cr_assert_eq(cl_export_add(&x, w->ev[k].bytes, w->ev[k].len),
		    CL_OK);
	}
	cr_assert_eq(cl_export_commit(&x), CL_OK);
}

static void
opts_init(struct cl_audit_opts *o, const char *file)
{
	memset(o, 0, sizeof(*o));
	o->file = file;
	o->now = TL_NOW;
	o->quiet = true;
	o->scratch = dir;
}

static void
run(const struct cl_audit_opts *o, struct cl_audit *a)
{
	char	why[256];
	cl_err	err = cl_audit_run(o, a, why, sizeof(why));

	cr_assert_eq(err, CL_OK, "audit: %s", why);
}

static const struct cl_audit_finding *
finding_at(const struct cl_audit *a, enum cl_audit_kind kind, uint64_t pos)
{
	size_t	i;

	for (i = 0; i < a->f_cnt; i++)
		if (a->f[i].kind == kind && a->f[i].ev.pos == pos)
			return &a->f[i];
	return NULL;
}

/* The scratch stores are gone after every audit. */
static void
no_scratch_left(void)
{
	char	cmd[160];

	(void)snprintf(cmd, sizeof(cmd), "ls -d '%s'/credledger-audit-* "
	    ">/dev/null 2>&1", dir);
	cr_assert_neq(system(cmd), 0, "scratch stores left behind");
}

/* Export files */

Test(audit, export_files_round_trip_and_refuse_what_is_not_one)
{
	struct world		w;
	struct cl_export_r	r;
	uint8_t			buf[CL_EVENT_MAX], bad[16];
	size_t			len, i;
	FILE			*f;

	world(&w, 3);
	write_export(path("x"), &w, NULL, 0);
	cr_assert_eq(cl_export_open(&r, path("x")), CL_OK);
	cr_assert_eq(r.genesis_len, w.net.genesis_len);
	cr_assert_arr_eq(r.genesis, w.net.genesis, w.net.genesis_len);
	for (i = 0; i < w.n; i++) {
		cr_assert_eq(cl_export_next(&r, buf, &len), CL_OK);
		cr_assert_eq(len, w.ev[i].len);
		cr_assert_arr_eq(buf, w.ev[i].bytes, len);
	}
	cr_assert_eq(cl_export_next(&r, buf, &len), CL_ENOTFOUND);
	cl_export_close(&r);

	/* magic, version, an empty file, no genesis */
	memcpy(bad, "CLEXPORX\0\0\0\1", 12);
	f = fopen(path("m"), "wb");
	fwrite(bad, 1, 12, f);
	fclose(f);
	cr_assert_eq(cl_export_open(&r, path("m")), CL_EBADVERSION);
	cl_export_close(&r);
	memcpy(bad, "CLEXPORT\0\0\0\2", 12);
	f = fopen(path("v"), "wb");
	fwrite(bad, 1, 12, f);
	fclose(f);
	cr_assert_eq(cl_export_open(&r, path("v")), CL_EBADVERSION);
	cr_assert_not_null(strstr(r.why, "version"));
	cl_export_close(&r);
	f = fopen(path("e"), "wb");
	fclose(f);
	cr_assert_eq(cl_export_open(&r, path("e")), CL_EBADVERSION);
	cl_export_close(&r);
	memcpy(bad, "CLEXPORT\0\0\0\1", 12);
	f = fopen(path("g"), "wb");
	fwrite(bad, 1, 12, f);
	fclose(f);
	cr_assert_eq(cl_export_open(&r, path("g")), CL_ETRUNCATED);
	cl_export_close(&r);

	/* the writer refuses what the format cannot hold */
	{
		struct cl_export_w x;

		cr_assert_eq(cl_export_create(&x, path("y"), w.net.genesis,
		    w.net.genesis_len), CL_OK);
		cr_assert_eq(cl_export_add(&x, buf, 0), CL_ERANGE);
		cr_assert_eq(cl_export_add(&x, buf, 1), CL_ERANGE, "sticky");
		cr_assert_eq(cl_export_commit(&x), CL_ERANGE);
		cr_assert_eq(access(path("y"), F_OK), -1, "nothing written");
	}
}

/* Checkpoint files */

static struct cl_checkpoint
sample_ckpt(void)
{
	struct cl_checkpoint	c;
	struct tl_key		k;

	tl_key(&k, 77);
	memset(&c, 0, sizeof(c));
	memset(c.network, 0xab, sizeof(c.network));
	memcpy(c.node, k.pk, CL_PK_LEN);
	c.size = 22;
	memset(c.root, 0x5d, sizeof(c.root));
	c.time = T0;
	cl_checkpoint_sign(&c, k.sk);
	return c;
}

static cl_err
parse_text(const char *text, char *why, size_t cap)
{
	struct cl_checkpoint	*list;
	size_t			 n;
	FILE			*f = fopen(path("ck.json"), "w");
	cl_err			 err;

	fputs(text, f);
	fclose(f);
	err = cl_ckpt_load(path("ck.json"), &list, &n, why, cap);
	free(list);
	return err;
}

Test(audit, checkpoint_files_are_read_back_strictly)
{
	struct cl_checkpoint	 c = sample_ckpt(), *list;
	json_t			*o, *arr;
	char			*text, why[160], bad[2048];
	size_t			 n;
	FILE			*f;

	cr_assert_eq(cl_ckpt_json(&c, &o), CL_OK);
	text = json_dumps(o, 0);
	f = fopen(path("one.json"), "w");
	fputs(text, f);
	fclose(f);
	cr_assert_eq(cl_ckpt_load(path("one.json"), &list, &n, why,
	    sizeof(why)), CL_OK);
	cr_assert_eq(n, 1);
	cr_assert_arr_eq(&list[0], &c, sizeof(c));
	cr_assert_eq(cl_checkpoint_verify(&list[0]), CL_OK);
	free(list);
	/* an array, as --all writes */
	arr = json_pack("[OO]", o, o);
	free(text);
	text = json_dumps(arr, 0);
	f = fopen(path("two.json"), "w");
	fputs(text, f);
	fclose(f);
	cr_assert_eq(cl_ckpt_load(path("two.json"), &list, &n, why,
	    sizeof(why)), CL_OK);
	cr_assert_eq(n, 2);
	free(list);
	json_decref(arr);

	/* an unknown key, bad hex, missing, negative, repeated, junk */
	json_object_set_new(o, "extra", json_true());
	free(text);
	text = json_dumps(o, 0);
	cr_assert_eq(parse_text(text, why, sizeof(why)), CL_EUNKNOWNKEY);
	cr_assert_not_null(strstr(why, "\"extra\""), "%s", why);
	json_object_del(o, "extra");
	json_object_set_new(o, "root", json_string("5d5dzz"));
	free(text);
	text = json_dumps(o, 0);
	cr_assert_eq(parse_text(text, why, sizeof(why)), CL_EUSAGE);
	cr_assert_not_null(strstr(why, "\"root\""), "%s", why);
	json_object_del(o, "root");
	free(text);
	text = json_dumps(o, 0);
	cr_assert_eq(parse_text(text, why, sizeof(why)), CL_EMISSING);
	cr_assert_not_null(strstr(why, "\"root\""), "%s", why);
	json_object_set_new(o, "root", json_string("5d"));
	json_object_set_new(o, "size", json_integer(-1));
	free(text);
	text = json_dumps(o, 0);
	cr_assert_neq(parse_text(text, why, sizeof(why)), CL_OK);
	json_object_set_new(o, "size", json_string("22"));
	free(text);
	text = json_dumps(o, 0);
	cr_assert_eq(parse_text(text, why, sizeof(why)), CL_EBADTYPE);
	cr_assert_not_null(strstr(why, "\"size\""), "%s", why);
	(void)snprintf(bad, sizeof(bad), "{\"size\": 1, \"size\": 2}");
	cr_assert_eq(parse_text(bad, why, sizeof(why)), CL_EBADTYPE);
	cr_assert_eq(parse_text("{} x", why, sizeof(why)), CL_EBADTYPE);
	cr_assert_eq(parse_text("[]", why, sizeof(why)), CL_EMISSING);
	free(text);
	json_decref(o);
}

/* A clean log */

Test(audit, a_clean_log_replays_to_the_ledgers_own_state)
{
	struct world		w;
	struct tl_ledger	t;
	struct cl_audit_opts	o;
	struct cl_audit		a;
	struct cl_audit_author	*iss = NULL;
	uint8_t			root[32], digest[32];
	size_t			i;

	world(&w, 10);
	write_export(path("x"), &w, NULL, 0);
	tl_ledger_open(&t, &w.net);
	for (i = 0; i < w.n; i++)
		cr_assert_eq(tl_submit(&t.l, &w.ev[i], NULL), CL_ACC_ACCEPTED);
	cr_assert_eq(cl_ledger_root(&t.l, w.n, root), CL_OK);
	cr_assert_eq(cl_ledger_digest(&t.l, digest), CL_OK);
	tl_ledger_close(&t);

	opts_init(&o, path("x"));
	run(&o, &a);
	cr_assert_eq(cl_audit_exit(&a), 0);
	cr_assert_eq(a.f_total, 0);
	cr_assert_eq(a.log_size, w.n);
	cr_assert_arr_eq(a.root, root, 32, "the RFC 9162 root of the log");
	cr_assert_arr_eq(a.log.digest, digest, 32, "the ledger's digest");
	cr_assert_eq(a.acc[CL_ACC_ACCEPTED], w.n);
	cr_assert_eq(a.log.counts.by_type[CL_EV_ISSUE], 10);
	cr_assert_eq(a.log.counts.by_type[CL_EV_REVOKE], 1);
	cr_assert_eq(a.log.credentials, 10);
	cr_assert_eq(a.log.by_status[CL_ST_VALID], 9);
	cr_assert_eq(a.log.by_status[CL_ST_REVOKED], 1);
	cr_assert_eq(a.author_cnt, 2);
	for (i = 0; i < a.author_cnt; i++)
		if (!a.author[i].authority)
			iss = &a.author[i];
	cr_assert_not_null(iss);
	cr_assert_str_eq(iss->name, "Bühnenschule Köln",
	    "the organisation of its ACCREDIT");
	cr_assert_str_eq(iss->org_id, "DE-123");
	cr_assert_eq(iss->by_type[CL_EV_ISSUE], 10);
	cr_assert_eq(iss->by_status[CL_ST_REVOKED], 1);
	cr_assert_eq(a.ineffective_total, 0);
	cl_audit_free(&a);
	no_scratch_left();
}

Test(audit, the_root_is_rfc9162s_at_every_size)
{
	struct world		 w;
	struct tl_ledger	 t;
	struct cl_audit_opts	 o;
	struct cl_audit		 a;
	struct cl_audit_ckpt	 ck[40];
	size_t			 i;

	world(&w, 30);		/* 33 events */
	tl_ledger_open(&t, &w.net);
	for (i = 0; i < w.n; i++)
		cr_assert_eq(tl_submit(&t.l, &w.ev[i], NULL), CL_ACC_ACCEPTED);
	cr_assert(w.n + 1 <= 40);
	memset(ck, 0, sizeof(ck));
	for (i = 0; i <= w.n; i++) {
		ck[i].c.size = i;
		ck[i].c.time = T0 + i;
		memcpy(ck[i].c.network, w.net.netid, CL_ID_LEN);
		memcpy(ck[i].c.node, w.node.pk, CL_PK_LEN);
		cr_assert_eq(cl_ledger_root(&t.l, i, ck[i].c.root), CL_OK);
		cl_checkpoint_sign(&ck[i].c, w.node.sk);
		ck[i].source = "test";
	}
	tl_ledger_close(&t);
	write_export(path("x"), &w, NULL, 0);
	opts_init(&o, path("x"));
	o.ckpt = ck;
	o.ckpt_cnt = w.n + 1;
	run(&o, &a);
	for (i = 0; i <= w.n; i++)
		cr_assert_eq(a.ckpt[i].verdict, CL_AUDIT_CK_OK, "size %zu", i);
	cr_assert_eq(a.f_total, 0);
	cl_audit_free(&a);
}

/* Tampering */

/* Flip one byte of the file at offset off from the start of record k. */
static void
flip(const char *p, const struct world *w, size_t k, size_t off)
{
	long	at = 12 + 4 + (long)w->net.genesis_len;
	size_t	i;
	int	fd, c;
	uint8_t	b;

	for (i = 0; i < k; i++)
		at += 4 + (long)w->ev[i].len;
	at += 4 + (long)off;
	cr_assert((fd = open(p, O_RDWR)) >= 0);
	cr_assert_eq(pread(fd, &b, 1, at), 1);
	c = b ^ 0x01;
	b = (uint8_t)c;
	cr_assert_eq(pwrite(fd, &b, 1, at), 1);
	close(fd);
}

Test(audit, a_flipped_byte_fails_its_signature_at_its_position)
{
	struct world			 w;
	struct cl_audit_opts		 o;
	struct cl_audit			 a;
	const struct cl_audit_finding	*f;

	world(&w, 5);
	write_export(path("x"), &w, NULL, 0);
	flip(path("x"), &w, 4, w.ev[4].len - 10);	/* in the signature */
	opts_init(&o, path("x"));
	run(&o, &a);
	cr_assert_eq(cl_audit_exit(&a), 1);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_REJECTED, 4));
	cr_assert_eq(f->err, CL_EBADSIG);
	cr_assert(f->ev.decoded);
	cr_assert_eq(f->ev.seq, 4, "the issuer's fourth event");
	/* what follows in that feed cannot be stored after it */
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_ORDER, 5));
	cr_assert_eq(f->acc, CL_ACC_GAP);
	cl_audit_free(&a);

	/* a byte of the body: the bytes are not canonical, or not signed */
	write_export(path("y"), &w, NULL, 0);
	flip(path("y"), &w, 2, 20);
	opts_init(&o, path("y"));
	run(&o, &a);
	cr_assert_not_null(finding_at(&a, CL_AUDIT_REJECTED, 2));
	cl_audit_free(&a);
}

Test(audit, a_dropped_event_is_a_gap_where_the_next_one_stands)
{
	struct world			 w;
	struct cl_audit_opts		 o;
	struct cl_audit			 a;
	const struct cl_audit_finding	*f;
	size_t				 idx[EV_MAX], i, n = 0;

	world(&w, 5);
	for (i = 0; i < w.n; i++)
		if (i != 3)
			idx[n++] = i;
	write_export(path("x"), &w, idx, n);
	opts_init(&o, path("x"));
	run(&o, &a);
	cr_assert_eq(cl_audit_exit(&a), 1);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_ORDER, 3));
	cr_assert_eq(f->acc, CL_ACC_GAP);
	cr_assert_eq(f->head_seq, 2, "its feed stands at seq 2");
	cr_assert_eq(f->ev.seq, 4);
	cl_audit_free(&a);
}

Test(audit, a_reordered_feed_and_a_repeated_event_are_found)
{
	struct world			 w;
	struct cl_audit_opts		 o;
	struct cl_audit			 a;
	const struct cl_audit_finding	*f;
	size_t				 idx[EV_MAX], i;

	world(&w, 5);
	for (i = 0; i < w.n; i++)
		idx[i] = i;
	idx[3] = 4;
	idx[4] = 3;
	write_export(path("x"), &w, idx, w.n);
	opts_init(&o, path("x"));
	run(&o, &a);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_ORDER, 3));
	cr_assert_eq(f->acc, CL_ACC_GAP);
	cl_audit_free(&a);

	for (i = 0; i < w.n; i++)
		idx[i] = i;
	idx[w.n] = 2;
	write_export(path("y"), &w, idx, w.n + 1);
	opts_init(&o, path("y"));
	run(&o, &a);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_ORDER, w.n));
	cr_assert_eq(f->acc, CL_ACC_DUPLICATE, "every event exactly once");
	cl_audit_free(&a);
}

Test(audit, a_record_signed_for_another_network_is_badsig)
{
	struct world			 w;
	struct tl_net			 other;
	struct cl_audit_opts		 o;
	struct cl_audit			 a;
	const struct cl_audit_finding	*f;
	struct cl_event			 ev;
	struct tl_ev			*e;

	world(&w, 3);
	/* the issuer's next event, signed with another genesis' id */
	tl_net(&other, 2);
	cl_ev_init(&ev);
	ev.type = CL_EV_ISSUE;
	memcpy(ev.body.issue.achievement, w.def, CL_ID_LEN);
	ev.body.issue.holder[0] = 9;
	ev.body.issue.issued_at = T0;
	ev.body.issue.supervision = CL_SUP_NONE;
	ev.version = CL_VERSION;
	ev.seq = w.iss.seq + 1;
	memcpy(ev.prev, w.iss.head, CL_ID_LEN);
	ev.time = T0 + 9 * DAY;
	e = &w.ev[w.n++];
	cr_assert_eq(cl_ev_sign(&ev, other.netid, w.iss.key.sk, e->bytes,
	    sizeof(e->bytes), &e->len, e->id), CL_OK);
	write_export(path("x"), &w, NULL, 0);
	opts_init(&o, path("x"));
	run(&o, &a);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_REJECTED, w.n - 1));
	cr_assert_eq(f->err, CL_EBADSIG);
	cr_assert_eq(a.f_total, 1);
	cl_audit_free(&a);
}

Test(audit, an_event_after_its_keys_withdrawal_is_named_ineffective)
{
	struct world		w;
	struct cl_audit_opts	o;
	struct cl_audit		a;
	size_t			late;

	world(&w, 2);		/* the issuer's feed: DEFINE, 2 ISSUEs, REVOKE */
	w_withdraw(&w, 4, T0 + 10 * DAY);
	w_issue(&w, 99, T0 + 11 * DAY);	/* seq 5: after the withdrawal */
	late = w.n - 1;
	write_export(path("x"), &w, NULL, 0);
	opts_init(&o, path("x"));
	o.cred_set = true;
	memcpy(o.cred, w.ev[late].id, CL_ID_LEN);
	run(&o, &a);
	/* a node holds it rightly: listed, with its position, not a finding */
	cr_assert_eq(cl_audit_exit(&a), 0);
	cr_assert_eq(a.ineffective_total, 1);
	cr_assert_eq(a.ineffective[0].pos, late);
	cr_assert_eq(a.ineffective[0].seq, 5);
	cr_assert_not_null(strstr(a.ineffective[0].why, "withdrawal"));
	cr_assert_eq(a.log.status, CL_ST_ISSUER_WITHDRAWN);
	cr_assert_eq(a.log.by_status[CL_ST_ISSUER_WITHDRAWN], 1);
	cl_audit_free(&a);
}

Test(audit, forks_and_void_events_are_reported_not_found)
{
	struct world		 w;
	struct cl_audit_opts	 o;
	struct cl_audit		 a;
	struct cl_audit_author	*iss = NULL;
	struct tl_feed		 saved;
	struct cl_event		 ev;
	uint8_t			 nothing[CL_ID_LEN];
	size_t			 i, first, other;

	world(&w, 2);		/* ..., ISSUE seq 2, ISSUE seq 3, REVOKE 4 */
	/* void: a REVOKE of no credential, an ISSUE of no DEFINE */
	memset(nothing, 0x77, sizeof(nothing));
	w_change(&w, CL_EV_REVOKE, nothing, T0 + 5 * DAY);	/* seq 5 */
	memset(w.def, 0x66, sizeof(w.def));
	w_issue(&w, 50, T0 + 5 * DAY);				/* seq 6 */
	/* the issuer signs two events at seq 7: a fork */
	saved = w.iss;
	w_issue(&w, 51, T0 + 6 * DAY);				/* seq 7 */
	first = w.n - 1;
	w.iss = saved;
	cl_ev_init(&ev);
	tl_define_body(&ev);
	sign_time(&w, &w.iss, &ev, T0 + 6 * DAY);		/* seq 7' */
	other = w.n - 1;
	w_issue(&w, 52, T0 + 7 * DAY);				/* seq 8 */
	write_export(path("x"), &w, NULL, 0);
	opts_init(&o, path("x"));
	run(&o, &a);
	/* a node stores all of it rightly: nothing is a finding */
	cr_assert_eq(a.f_total, 0);
	cr_assert_eq(a.acc[CL_ACC_FORK], 1);
	cr_assert_eq(a.acc[CL_ACC_DISPUTED], 1);
	cr_assert_eq(a.void_by_reason[CL_VOID_NO_CREDENTIAL], 1);
	cr_assert_eq(a.void_by_reason[CL_VOID_NO_DEFINE], 2, "seq 6 and 7");
	cr_assert_eq(a.log.counts.forks, 1);
	for (i = 0; i < a.author_cnt; i++)
		if (!a.author[i].authority)
			iss = &a.author[i];
	cr_assert_not_null(iss);
	cr_assert_eq(iss->fork_seq, 7);
	cr_assert_eq(iss->fork_pos[0], first, "the chain's event at 7");
	cr_assert_eq(iss->fork_pos[1], other, "the other one");
	cr_assert_eq(iss->disputed, 1);
	/* the chain's event at the fork point has no effect */
	cr_assert_eq(a.ineffective_total, 1);
	cr_assert_eq(a.ineffective[0].pos, first);
	cr_assert_not_null(strstr(a.ineffective[0].why, "fork"));
	cr_assert_eq(a.log.by_status[CL_ST_DISPUTED], 2, "seq 7 and 8");
	cr_assert_eq(a.log.by_status[CL_ST_VOID], 1);
	cl_audit_free(&a);
}

/* Write raw bytes at the end of file p. */
static void
append_raw(const char *p, const void *b, size_t len)
{
	FILE	*f = fopen(p, "ab");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(b, 1, len, f), len);
	fclose(f);
}

Test(audit, a_damaged_file_is_a_finding_where_framing_is_lost)
{
	struct world			 w;
	struct cl_audit_opts		 o;
	struct cl_audit			 a;
	const struct cl_audit_finding	*f;
	struct stat			 st;
	static const uint8_t		 zero[4], huge[4] = { 0, 1, 0, 0 };

	world(&w, 4);
	/* truncated inside the last record */
	write_export(path("t"), &w, NULL, 0);
	cr_assert_eq(stat(path("t"), &st), 0);
	cr_assert_eq(truncate(path("t"), st.st_size - 7), 0);
	opts_init(&o, path("t"));
	run(&o, &a);
	cr_assert_eq(cl_audit_exit(&a), 1);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_FILE, w.n - 1));
	cr_assert_eq(f->err, CL_ETRUNCATED);
	cr_assert_eq(a.log_size, w.n - 1, "what came before is audited");
	cr_assert_eq(a.f_total, 1);
	cl_audit_free(&a);

	/* trailing garbage: a part of a length, a zero length, a huge one */
	write_export(path("g"), &w, NULL, 0);
	append_raw(path("g"), "xyz", 3);
	opts_init(&o, path("g"));
	run(&o, &a);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_FILE, w.n));
	cr_assert_eq(f->err, CL_ETRUNCATED);
	cr_assert_eq(a.log_size, w.n);
	cl_audit_free(&a);
	write_export(path("z"), &w, NULL, 0);
	append_raw(path("z"), zero, 4);
	opts_init(&o, path("z"));
	run(&o, &a);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_FILE, w.n));
	cr_assert_eq(f->err, CL_ERANGE);
	cl_audit_free(&a);
	write_export(path("h"), &w, NULL, 0);
	append_raw(path("h"), huge, 4);
	opts_init(&o, path("h"));
	run(&o, &a);
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_FILE, w.n));
	cr_assert_eq(f->err, CL_ETOOBIG);
	cl_audit_free(&a);
	/* a record that frames but is no event */
	write_export(path("r"), &w, NULL, 0);
	append_raw(path("r"), "\0\0\0\3abc", 7);
	opts_init(&o, path("r"));
	run(&o, &a);
	cr_assert_not_null(finding_at(&a, CL_AUDIT_REJECTED, w.n));
	cl_audit_free(&a);
}

Test(audit, an_export_and_its_increments_are_audited_as_one_log)
{
	struct world		 w;
	struct tl_net		 other;
	struct cl_audit_opts	 o;
	struct cl_audit		 a, whole;
	struct cl_export_w	 x;
	const char		*more[2];
	size_t			 idx[EV_MAX], i, n;
	char			 why[256];

	world(&w, 8);
	write_export(path("all"), &w, NULL, 0);
	opts_init(&o, path("all"));
	run(&o, &whole);
	/* the first 4 events, then 4 more, then the rest */
	for (n = 0, i = 0; i < 4; i++)
		idx[n++] = i;
	write_export(path("base"), &w, idx, n);
	for (n = 0, i = 4; i < 8; i++)
		idx[n++] = i;
	write_export(path("inc1"), &w, idx, n);
	for (n = 0, i = 8; i < w.n; i++)
		idx[n++] = i;
	write_export(path("inc2"), &w, idx, n);
	more[0] = path("inc1");
	more[1] = path("inc2");
	opts_init(&o, path("base"));
	o.more = more;
	o.more_cnt = 2;
	run(&o, &a);
	cr_assert_eq(a.f_total, 0);
	cr_assert_eq(a.log_size, w.n);
	cr_assert_arr_eq(a.root, whole.root, 32);
	cr_assert_arr_eq(a.log.digest, whole.log.digest, 32);
	cl_audit_free(&a);
	cl_audit_free(&whole);

	/* an increment that overlaps: its first events again */
	more[0] = path("all");
	o.more_cnt = 1;
	run(&o, &a);
	cr_assert_not_null(finding_at(&a, CL_AUDIT_ORDER, 4));
	cr_assert_eq(a.f[0].acc, CL_ACC_DUPLICATE);
	cl_audit_free(&a);

	/* an increment of another network */
	tl_net(&other, 2);
	cr_assert_eq(cl_export_create(&x, path("alien"), other.genesis,
	    other.genesis_len), CL_OK);
	cr_assert_eq(cl_export_commit(&x), CL_OK);
	more[0] = path("alien");
	cr_assert_eq(cl_audit_run(&o, &a, why, sizeof(why)), CL_ENETWORK);
	cr_assert_not_null(strstr(why, "alien"), "%s", why);
	cl_audit_free(&a);
	no_scratch_left();
}

Test(audit, not_an_export_file_is_an_error)
{
	struct cl_audit_opts	o;
	struct cl_audit		a;
	char			why[256];

	append_raw(path("m"), "CLEXPORX\0\0\0\1", 12);
	opts_init(&o, path("m"));
	cr_assert_eq(cl_audit_run(&o, &a, why, sizeof(why)), CL_EBADVERSION);
	cr_assert_not_null(strstr(why, "magic"), "%s", why);
	cl_audit_free(&a);
	append_raw(path("v"), "CLEXPORT\0\0\0\2", 12);
	opts_init(&o, path("v"));
	cr_assert_eq(cl_audit_run(&o, &a, why, sizeof(why)), CL_EBADVERSION);
	cr_assert_not_null(strstr(why, "version"), "%s", why);
	cl_audit_free(&a);
	no_scratch_left();
}

Test(audit, another_genesis_than_the_trusted_one_is_a_finding)
{
	struct world		w;
	struct tl_net		other;
	struct cl_audit_opts	o;
	struct cl_audit		a;

	world(&w, 2);
	write_export(path("x"), &w, NULL, 0);
	tl_net(&other, 2);
	opts_init(&o, path("x"));
	o.trusted = other.genesis;
	o.trusted_len = other.genesis_len;
	run(&o, &a);
	cr_assert_eq(cl_audit_exit(&a), 1);
	cr_assert_eq(a.f_cnt, 1);
	cr_assert_eq(a.f[0].kind, CL_AUDIT_GENESIS);
	cr_assert_not(a.genesis_trusted);
	cl_audit_free(&a);
	o.trusted = w.net.genesis;
	o.trusted_len = w.net.genesis_len;
	run(&o, &a);
	cr_assert(a.genesis_trusted);
	cr_assert_eq(cl_audit_exit(&a), 0);
	cl_audit_free(&a);
}

/* Checkpoints */

/* A checkpoint of the first size events of w, signed at time t. */
static void
ckpt_of(struct world *w, size_t size, uint64_t t, struct cl_audit_ckpt *c)
{
	struct tl_ledger	tl;
	size_t			i;

	tl_ledger_open(&tl, &w->net);
	for (i = 0; i < size; i++)
		(void)tl_submit(&tl.l, &w->ev[i], NULL);
	memset(c, 0, sizeof(*c));
	memcpy(c->c.network, w->net.netid, CL_ID_LEN);
	memcpy(c->c.node, w->node.pk, CL_PK_LEN);
	c->c.size = size;
	c->c.time = t;
	cr_assert_eq(cl_ledger_root(&tl.l, size, c->c.root), CL_OK);
	cl_checkpoint_sign(&c->c, w->node.sk);
	c->source = "test";
	tl_ledger_close(&tl);
}

Test(audit, checkpoints_before_and_after_more_events_are_consistent)
{
	struct world		w;
	struct tl_ledger	tl;
	struct cl_audit_opts	o;
	struct cl_audit		a;
	struct cl_audit_ckpt	ck[2];
	uint8_t			proof[64][32];
	unsigned		cnt;
	size_t			i;

	world(&w, 6);
	ckpt_of(&w, 4, T0 + 5 * DAY, &ck[0]);
	ckpt_of(&w, w.n, T0 + 9 * DAY, &ck[1]);
	/* the node's consistency proof from one to the other verifies */
	tl_ledger_open(&tl, &w.net);
	for (i = 0; i < w.n; i++)
		(void)tl_submit(&tl.l, &w.ev[i], NULL);
	cr_assert_eq(cl_ledger_consistency(&tl.l, 4, w.n, proof, &cnt), CL_OK);
	cr_assert(cl_merkle_verify_consistency(4, w.n, ck[0].c.root,
	    ck[1].c.root, (const uint8_t (*)[32])proof, cnt));
	tl_ledger_close(&tl);

	write_export(path("x"), &w, NULL, 0);
	opts_init(&o, path("x"));
	o.ckpt = ck;
	o.ckpt_cnt = 2;
	run(&o, &a);
	cr_assert_eq(a.ckpt[0].verdict, CL_AUDIT_CK_OK);
	cr_assert_eq(a.ckpt[1].verdict, CL_AUDIT_CK_OK);
	cr_assert_eq(cl_audit_exit(&a), 0);
	cl_audit_free(&a);
}

Test(audit, a_rewritten_log_fails_the_checkpoint)
{
	struct world			 w, w2;
	struct cl_audit_opts		 o;
	struct cl_audit			 a;
	struct cl_audit_ckpt		 ck[4];
	const struct cl_audit_finding	*f;

	world(&w, 6);
	ckpt_of(&w, 5, T0 + 5 * DAY, &ck[0]);
	/*
	 * The same history but for one ISSUE, replaced by another that
	 * replays cleanly: the log is valid, yet not what was signed.
	 */
	w2 = w;
	w2.n = 0;
	w2.iss.seq = 0;
	w2.net.auth[0].seq = 0;
	w_accredit(&w2, T0);
	w_define(&w2, T0);
	w_issue(&w2, 1000, T0 + DAY);
	w_issue(&w2, 1001, T0 + DAY);
	w_issue(&w2, 1002, T0 + DAY);
	w_issue(&w2, 1003, T0 + DAY);
	cr_assert_neq(memcmp(w2.ev[2].id, w.ev[2].id, 32), 0);
	cr_assert_arr_eq(w2.ev[1].id, w.ev[1].id, 32);
	write_export(path("x"), &w2, NULL, 0);

	ck[1] = ck[0];
	ck[1].c.sig[0] ^= 1;			/* forged */
	ck[2] = ck[0];
	ck[2].c.size = 50;			/* more than the log */
	ck[2].c.time++;
	cl_checkpoint_sign(&ck[2].c, w.node.sk);
	ck[3] = ck[0];
	memset(ck[3].c.network, 7, 32);		/* another network */
	cl_checkpoint_sign(&ck[3].c, w.node.sk);
	opts_init(&o, path("x"));
	o.ckpt = ck;
	o.ckpt_cnt = 4;
	run(&o, &a);
	cr_assert_eq(cl_audit_exit(&a), 1);
	cr_assert_eq(a.ckpt[0].verdict, CL_AUDIT_CK_ROOT);
	cr_assert_eq(a.ckpt[1].verdict, CL_AUDIT_CK_BADSIG);
	cr_assert_eq(a.ckpt[2].verdict, CL_AUDIT_CK_BEYOND);
	cr_assert_eq(a.ckpt[3].verdict, CL_AUDIT_CK_NETWORK);
	cr_assert_eq(a.f_total, 4, "the log itself is valid");
	cr_assert_not_null(f = finding_at(&a, CL_AUDIT_CHECKPOINT,
	    CL_AUDIT_NOPOS));
	cl_audit_free(&a);
}

/* --compare and --as-of */

Test(audit, compare_lists_what_each_log_lacks)
{
	struct world		w;
	struct cl_audit_opts	o;
	struct cl_audit		a;
	size_t			idx[EV_MAX], i, n = 0;

	world(&w, 5);
	write_export(path("a"), &w, NULL, 0);
	for (i = 0; i < w.n - 1; i++)	/* b lacks a's last (the REVOKE) */
		idx[n++] = i;
	write_export(path("b"), &w, idx, n);
	opts_init(&o, path("a"));
	o.compare = path("b");
	run(&o, &a);
	cr_assert(a.compared);
	cr_assert_eq(a.only_here_total, 1);
	cr_assert_eq(a.only_here[0].pos, w.n - 1);
	cr_assert_eq(a.only_here[0].type, CL_EV_REVOKE);
	cr_assert_arr_eq(a.only_here[0].id, w.ev[w.n - 1].id, 32);
	cr_assert_eq(a.only_there_total, 0);
	cr_assert_eq(cl_audit_exit(&a), 1);
	cl_audit_free(&a);

	/* the other way round: this log lacks it */
	opts_init(&o, path("b"));
	o.compare = path("a");
	run(&o, &a);
	cr_assert_eq(a.only_there_total, 1);
	cr_assert_eq(a.only_there[0].seq, w.ev[w.n - 1].seq);
	cl_audit_free(&a);

	/* the same set in another order (of the feeds): equal */
	n = 0;
	idx[n++] = 0;
	idx[n++] = 1;
	for (i = 2; i < w.n; i++)
		idx[n++] = i;
	cr_assert_eq(n, w.n);
	write_export(path("c"), &w, idx, n);
	opts_init(&o, path("c"));
	o.compare = path("a");
	run(&o, &a);
	cr_assert_eq(a.only_here_total + a.only_there_total, 0);
	cr_assert_eq(cl_audit_exit(&a), 0);
	cl_audit_free(&a);
}

Test(audit, as_of_is_valid_before_the_revoke_and_revoked_after)
{
	struct world		w;
	struct cl_audit_opts	o;
	struct cl_audit		a;
	struct cl_audit_ckpt	ck[2];
	uint8_t			cred[32];

	world(&w, 3);	/* ISSUEs on days 1..3, the REVOKE of the 1st on 4 */
	memcpy(cred, w.ev[2].id, 32);
	/* the node held the ISSUEs by day 3.5, the REVOKE by day 5 */
	ckpt_of(&w, w.n - 1, T0 + 3 * DAY + DAY / 2, &ck[0]);
	ckpt_of(&w, w.n, T0 + 5 * DAY, &ck[1]);
	write_export(path("x"), &w, NULL, 0);

	opts_init(&o, path("x"));
	o.as_of_set = true;
	o.as_of = T0 + 2 * DAY;		/* between the ISSUE and the REVOKE */
	o.cred_set = true;
	memcpy(o.cred, cred, 32);
	o.ckpt = ck;
	o.ckpt_cnt = 2;
	run(&o, &a);
	cr_assert_eq(a.log.status, CL_ST_REVOKED, "now");
	cr_assert(a.authors.done);
	cr_assert_eq(a.authors.status, CL_ST_VALID, "by the authors' clock");
	cr_assert_eq(a.authors.credentials, 2, "two ISSUEs dated by then");
	cr_assert(!a.witnessed.done, "no checkpoint signed by then");
	cl_audit_free(&a);

	o.as_of = T0 + 4 * DAY + 1;	/* after the REVOKE's time */
	run(&o, &a);
	cr_assert_eq(a.authors.status, CL_ST_REVOKED);
	cr_assert(a.witnessed.done);
	cr_assert_eq(a.witnessed.ckpt, 0, "the checkpoint of day 3.5");
	cr_assert_eq(a.witnessed.status, CL_ST_VALID,
	    "the node had not witnessed the REVOKE by then");
	cr_assert_eq(a.witnessed.by_status[CL_ST_VALID], 3);
	cl_audit_free(&a);

	o.as_of = T0 + 6 * DAY;
	run(&o, &a);
	cr_assert_eq(a.witnessed.ckpt, 1);
	cr_assert_eq(a.witnessed.status, CL_ST_REVOKED);
	/* the events that decide it: ISSUE, DEFINE, ACCREDIT, REVOKE */
	cr_assert_geq(a.witnessed.proof_cnt, 4);
	cr_assert_eq(a.witnessed.proof[0].type, CL_EV_ISSUE);
	cr_assert_eq(a.witnessed.proof[0].pos, 2);
	cr_assert_neq(a.witnessed.status_ev, UINT32_MAX);
	cr_assert_eq(a.witnessed.proof[a.witnessed.status_ev].type,
	    CL_EV_REVOKE);
	cr_assert_eq(a.witnessed.proof[a.witnessed.status_ev].pos, w.n - 1);
	cr_assert_eq(cl_audit_exit(&a), 0);
	cl_audit_free(&a);
}

/* --data: the store itself */

Test(audit, a_store_is_audited_read_only_against_its_own_indexes)
{
	struct world		w;
	struct tl_ledger	tl;
	struct cl_audit_opts	o;
	struct cl_audit		a;
	struct cl_checkpoint	c;
	size_t			i;

	world(&w, 8);
	tl_ledger_open(&tl, &w.net);
	for (i = 0; i < w.n; i++)
		(void)tl_submit(&tl.l, &w.ev[i], NULL);
	memset(&c, 0, sizeof(c));
	memcpy(c.network, w.net.netid, 32);
	memcpy(c.node, w.node.pk, 32);
	c.size = 5;
	c.time = T0;
	cr_assert_eq(cl_ledger_root(&tl.l, 5, c.root), CL_OK);
	cl_checkpoint_sign(&c, w.node.sk);
	cr_assert_eq(cl_ledger_checkpoint_put(&tl.l, &c), CL_OK);
	cl_ledger_close(&tl.l);

	opts_init(&o, NULL);
	o.data = tl.dir;
	run(&o, &a);
	cr_assert(a.state_checked, "the node's indexes were compared");
	cr_assert_eq(a.f_total, 0);
	cr_assert_eq(a.log_size, w.n);
	cr_assert_eq(a.ckpt_cnt, 1, "the checkpoint the node kept");
	cr_assert_eq(a.ckpt[0].verdict, CL_AUDIT_CK_OK);
	cl_audit_free(&a);
	tl_ledger_reopen(&tl);
	tl_ledger_close(&tl);
}

/* The verb */

struct out {
	int	 status;
	char	*out;
	char	*err;
};

static char *
slurp(const char *p)
{
	FILE	*f = fopen(p, "rb");
	char	*b;
	long	 n;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return b;
}

static void
runv(struct out *o, const char *const *args)
{
	posix_spawn_file_actions_t	 fa;
	char				*argv[32];
	pid_t				 pid;
	int				 st, i;

	argv[0] = getenv("CL_CREDLEDGER");
	cr_assert_not_null(argv[0], "CL_CREDLEDGER names the binary (CTest)");
	for (i = 0; args[i] != NULL; i++)
		argv[i + 1] = (char *)(uintptr_t)args[i];
	argv[i + 1] = NULL;
	cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
	cr_assert_eq(posix_spawn_file_actions_addopen(&fa, 1, path("stdout"),
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	cr_assert_eq(posix_spawn_file_actions_addopen(&fa, 2, path("stderr"),
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &st, 0) < 0)
		cr_assert_eq(errno, EINTR);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	o->out = slurp(path("stdout"));
	o->err = slurp(path("stderr"));
}

#define RUN(o, ...)	runv((o), (const char *const[]){ __VA_ARGS__, NULL })

static void
expect(struct out *o, int status, const char *out, const char *err)
{
	cr_assert_eq(o->status, status, "exit %d, want %d\nstdout: %s\n"
	    "stderr: %s", o->status, status, o->out, o->err);
	if (out != NULL)
		cr_assert_not_null(strstr(o->out, out), "want '%s' in: %s",
		    out, o->out);
	if (err != NULL)
		cr_assert_not_null(strstr(o->err, err), "want '%s' in: %s",
		    err, o->err);
	free(o->out);
	free(o->err);
}

Test(audit, the_verb_reports_and_exits_0_1_2)
{
	struct world	w;
	struct out	o;
	json_t		*j;
	json_error_t	 je;
	char		 id[65], scratch[80];
	FILE		*f;

	world(&w, 4);
	write_export(path("x"), &w, NULL, 0);
	f = fopen(path("genesis"), "wb");
	fwrite(w.net.genesis, 1, w.net.genesis_len, f);
	fclose(f);
	(void)snprintf(scratch, sizeof(scratch), "--scratch=%s", dir);
	RUN(&o, "audit", path("x"), scratch, "--genesis", path("genesis"));
	expect(&o, 0, "result: CLEAN", NULL);
	RUN(&o, "audit", path("x"), scratch);
	expect(&o, 0, "Bühnenschule Köln", NULL);
	RUN(&o, "audit", path("x"), scratch, "--json");
	cr_assert_eq(o.status, 0);
	cr_assert_not_null(j = json_loads(o.out, 0, &je), "%s", je.text);
	cr_assert(json_is_true(json_object_get(j, "clean")));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(j,
	    "log"), "size")), (json_int_t)w.n);
	json_decref(j);
	expect(&o, 0, NULL, NULL);

	flip(path("x"), &w, 3, w.ev[3].len - 3);
	RUN(&o, "audit", path("x"), scratch);
	expect(&o, 1, "position 3: rejected: bad signature", NULL);

	cl_hex_encode(id, w.ev[2].id, 32);
	RUN(&o, "audit", path("x"), scratch, "--credential", id, "--as-of",
	    "2023-11-16");
	expect(&o, 1, "by the authors' clocks", NULL);
	RUN(&o, "audit", path("x"), "--as-of", "2023-02-30");
	expect(&o, 2, NULL, "bad --as-of '2023-02-30'");
	RUN(&o, "audit", path("x"), "--as-of", "2023-11-16T25:00:00Z");
	expect(&o, 2, NULL, "bad --as-of");
	RUN(&o, "audit", path("x"), "--credential", "abc");
	expect(&o, 2, NULL, "bad --credential 'abc'");
	RUN(&o, "audit", path("x"), "--checkpoint", path("nope"));
	expect(&o, 2, NULL, "bad --checkpoint");
	RUN(&o, "audit", path("x"), "--data", dir);
	expect(&o, 2, NULL, "not both");
	RUN(&o, "audit", path("genesis"));
	expect(&o, 2, NULL, "not an export file");
	RUN(&o, "audit", "--help");
	expect(&o, 0, "usage: credledger audit", NULL);
	RUN(&o, "export", "--help");
	expect(&o, 0, "usage: credledger export", NULL);
	RUN(&o, "checkpoint", "--help");
	expect(&o, 0, "usage: credledger checkpoint", NULL);
	RUN(&o, "prove", "--help");
	expect(&o, 0, "usage: credledger prove", NULL);
	RUN(&o, "prove", "--inclusion", "5", "--size", "5");
	expect(&o, 2, NULL, "bad --inclusion '5'");
	RUN(&o, "prove", "--consistency", "0", "--size", "5");
	expect(&o, 2, NULL, "bad --consistency '0'");
	RUN(&o, "prove", "--inclusion", "x1", "--size", "5");
	expect(&o, 2, NULL, "bad --inclusion 'x1'");
	RUN(&o, "export", "--out", path("e"), "--from", "-1");
	expect(&o, 2, NULL, "bad --from '-1'");
	RUN(&o, "export", "--data", dir);
	expect(&o, 2, NULL, "missing --out");
	no_scratch_left();
}
