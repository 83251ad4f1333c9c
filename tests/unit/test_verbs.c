/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The credledger verbs that talk to a node, run as processes: against a
 * stand-in node that answers the client protocol from a ledger of the
 * library, and verify --bundle with no node at all.
 */
#include <criterion/criterion.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "clientlib.h"
#include "hex.h"
#include "issue.h"
#include "keyfile.h"
#include "util.h"
#include "wire.h"

extern char	**environ;

TestSuite(verbs, .init = ct_setup, .fini = ct_teardown, .timeout = 120);

/* The credledger command, run with output to files */

struct out {
	int	 status;
	char	*out;
	char	*err;
};

static void
runv(struct out *o, const char *const *args)
{
	posix_spawn_file_actions_t	 fa;
	char				*argv[48];
	pid_t				 pid;
	int				 st, i;

	free(o->out);
	free(o->err);
	argv[0] = getenv("CL_CREDLEDGER");
	cr_assert_not_null(argv[0], "CL_CREDLEDGER names the binary (CTest)");
	for (i = 0; args[i] != NULL; i++) {
		cr_assert(i < 46);
		argv[i + 1] = (char *)(uintptr_t)args[i];
	}
	argv[i + 1] = NULL;
	cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
	cr_assert_eq(posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
	    O_RDONLY, 0), 0);
	cr_assert_eq(posix_spawn_file_actions_addopen(&fa, 1, ct_path("stdout"),
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	cr_assert_eq(posix_spawn_file_actions_addopen(&fa, 2, ct_path("stderr"),
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &st, 0) < 0)
		cr_assert_eq(errno, EINTR);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	o->out = ct_read_text(ct_path("stdout"));
	o->err = ct_read_text(ct_path("stderr"));
}

#define RUN(o, ...)	runv((o), (const char *const[]){ __VA_ARGS__, NULL })

static void
expect(const struct out *o, int status, const char *out, const char *err)
{
	cr_assert_eq(o->status, status, "exit %d, want %d\nstdout: %s\n"
	    "stderr: %s", o->status, status, o->out, o->err);
	if (out != NULL)
		ct_has(o->out, out);
	if (err != NULL)
		ct_has(o->err, err);
}

/* The first line of o's output, 64 hex digits: into h. */
static void
first_id(const struct out *o, char h[static 2 * CL_ID_LEN + 1])
{
	size_t	i;

	for (i = 0; i < 2 * CL_ID_LEN; i++)
		cr_assert(strchr("0123456789abcdef", o->out[i]) != NULL &&
		    o->out[i] != '\0', "not an id: %s", o->out);
	memcpy(h, o->out, 2 * CL_ID_LEN);
	h[2 * CL_ID_LEN] = '\0';
}

static json_t *
json_out(const struct out *o)
{
	json_error_t	 e;
	json_t		*j = json_loads(o->out, 0, &e);

	cr_assert_not_null(j, "not JSON (%s): %s", e.text, o->out);
	return j;
}

Test(verbs, verify_bundle_offline)
{
	struct ct_world		 w;
	struct tl_net		 other;
	struct cl_cred_answer	 a;
	struct out		 o = { 0, NULL, NULL };
	uint8_t			*b;
	size_t			 len;
	json_t			*j;
	char			 id[2 * CL_ID_LEN + 1], def[2 * CL_ID_LEN + 1];

	ct_world_open(&w);
	ct_answer(&w, &a, &b, &len);
	ct_write(ct_path("bundle"), b, len);
	free(b);
	ct_write(ct_path("genesis"), w.net.genesis, w.net.genesis_len);
	tl_net(&other, 2);
	ct_write(ct_path("other"), other.genesis, other.genesis_len);
	ct_hex(id, w.iss.id);
	ct_hex(def, w.def.id);

	RUN(&o, "verify", "--bundle", ct_path("bundle"), "--genesis",
	    ct_path("genesis"));
	expect(&o, 0, "is valid\n", NULL);
	ct_has(o.out, id);
	ct_has(o.out, "proof checked: 3 signed events, every signature valid");
	RUN(&o, "verify", "--bundle", ct_path("bundle"), "--genesis",
	    ct_path("genesis"), "--credential", id, "--json");
	expect(&o, 0, NULL, NULL);
	j = json_out(&o);
	cr_assert_str_eq(ct_jstr(j, "status"), "valid");
	cr_assert(json_is_null(json_object_get(j, "node_status")));
	cr_assert(json_is_true(json_object_get(j, "proof_checked")));
	json_decref(j);
	/* not this credential's proof; another network's genesis */
	RUN(&o, "verify", "--bundle", ct_path("bundle"), "--genesis",
	    ct_path("genesis"), "--credential", def);
	expect(&o, 2, "is NOT verified", NULL);
	RUN(&o, "verify", "--bundle", ct_path("bundle"), "--genesis",
	    ct_path("other"));
	expect(&o, 2, "is NOT verified", NULL);
	RUN(&o, "verify", "--bundle", ct_path("bundle"), "--genesis",
	    ct_path("other"), "--credential", id);
	expect(&o, 2, "NOT verified: the proof does not check: bad signature",
	    NULL);
	RUN(&o, "verify", "--bundle", ct_path("genesis"), "--genesis",
	    ct_path("genesis"));
	expect(&o, 2, NULL, "holds no ISSUE");
	RUN(&o, "verify", "--bundle", ct_path("bundle"));
	expect(&o, 2, NULL, "--bundle needs --genesis FILE");
	RUN(&o, "verify", "--bundle", ct_path("bundle"), "--genesis",
	    ct_path("genesis"), "--holder-ref", id);
	expect(&o, 2, NULL, "it takes --genesis, --credential and --json only");
	RUN(&o, "verify", "--bundle", ct_path("none"), "--genesis",
	    ct_path("genesis"));
	expect(&o, 2, NULL, "cannot read");

	/* a revoked credential's proof: exit 1 */
	ct_world_change(&w, CL_EV_REVOKE);
	ct_answer(&w, &a, &b, &len);
	ct_write(ct_path("bundle"), b, len);
	free(b);
	RUN(&o, "verify", "--bundle", ct_path("bundle"), "--genesis",
	    ct_path("genesis"));
	expect(&o, 1, "is revoked\n", NULL);
	ct_has(o.out, "reason code 1: issued in error");
	free(o.out);
	free(o.err);
	ct_world_close(&w);
}

/*
 * A stand-in node: the client protocol answered from a ledger of the
 * library, one connection after another.  After answering HEAD for the
 * intruder's key it can slip an event of that key in, inject times, so
 * that the signer's next event comes back stale.
 */
struct fake {
	struct cl_ledger	 l;
	const struct tl_net	*net;
	struct tl_feed		 intruder;
	int			 inject;
};

static void
fake_intrude(struct fake *f, const struct cl_head *h)
{
	struct cl_submit	s;
	struct cl_result	res;
	struct cl_event		ev;
	static struct tl_ev	e;

	cl_ev_init(&ev);
	tl_define_body(&ev);
	tl_sign_at(f->net, &f->intruder, &ev, h->seq + 1,
	    h->seq > 0 ? h->id : NULL, &e);
	memset(&s, 0, sizeof(s));
	cl_ledger_prepare(f->net->netid, e.bytes, e.len, &s);
	if (cl_ledger_apply(&f->l, &s, 1, &res) != CL_OK)
		_exit(3);
	cl_submit_free(&s);
	f->inject--;
}

static void
fake_submit(struct fake *f, const struct cl_req *q, struct cl_resp *r)
{
	struct cl_submit	*s = calloc(q->ev_cnt, sizeof(*s));
	struct cl_result	*res = calloc(q->ev_cnt, sizeof(*res));
	struct cl_wire_result	*w = calloc(q->ev_cnt, sizeof(*w));
	uint32_t		 i;

	if (s == NULL || res == NULL || w == NULL)
		_exit(3);
	for (i = 0; i < q->ev_cnt; i++) {
		cl_ledger_prepare(f->net->netid, q->ev[i], q->ev_len[i], &s[i]);
		s[i].no_fork = (q->flags & CL_SUBMIT_NO_FORK) != 0;
	}
	if (cl_ledger_apply(&f->l, s, q->ev_cnt, res) != CL_OK)
		_exit(3);
	for (i = 0; i < q->ev_cnt; i++) {
		w[i].acc = res[i].acc;
		w[i].err = res[i].err;
		w[i].field = res[i].field;
		w[i].field_len = res[i].field ? strlen(res[i].field) : 0;
		w[i].void_reason = res[i].void_reason;
		w[i].pos = res[i].pos;
		w[i].head_seq = res[i].head_seq;
		memcpy(w[i].id, res[i].id, CL_ID_LEN);
		cl_submit_free(&s[i]);
	}
	free(s);
	free(res);
	r->u.submit.cnt = q->ev_cnt;
	r->u.submit.r = w;
}

/* Answer q on fd; false when the connection should end. */
static bool
fake_answer(struct fake *f, const struct cl_req *q, int fd)
{
	static uint8_t		 ids[CL_QUERY_IDS_MAX][CL_ID_LEN];
	static struct cl_cred_answer a;
	struct cl_resp		 r;
	struct cl_head		 h;
	struct cl_counts	 c;
	uint8_t			*out, *bundle = NULL;
	size_t			 len, blen;
	bool			 ok;

	memset(&r, 0, sizeof(r));
	r.op = q->op;
	switch (q->op) {
	case CL_OP_GENESIS:
		r.u.genesis.bytes = f->net->genesis;
		r.u.genesis.len = f->net->genesis_len;
		break;
	case CL_OP_HEAD:
		memset(&h, 0, sizeof(h));
		if (cl_ledger_head(&f->l, q->key, &h) != CL_OK)
			memset(&h, 0, sizeof(h));
		r.u.head.seq = h.seq;
		memcpy(r.u.head.id, h.id, CL_ID_LEN);
		if (f->inject > 0 &&
		    memcmp(q->key, f->intruder.key.pk, CL_PK_LEN) == 0)
			fake_intrude(f, &h);
		break;
	case CL_OP_SUBMIT:
		fake_submit(f, q, &r);
		break;
	case CL_OP_CREDENTIAL:
		if (cl_ledger_credential(&f->l, q->key, cl_tool_now_ms(),
		    &a) != CL_OK)
			_exit(3);
		r.u.cred.status = a.status;
		r.u.cred.void_reason = a.void_reason;
		if (a.status != CL_ST_UNKNOWN) {
			if (cl_ledger_bundle(&f->l, &a, &bundle, &blen) !=
			    CL_OK)
				_exit(3);
			r.u.cred.bundle = bundle;
			r.u.cred.bundle_len = blen;
		}
		break;
	case CL_OP_BY_DIGEST:
	case CL_OP_BY_HOLDER:
		if ((q->op == CL_OP_BY_DIGEST ? cl_ledger_by_digest :
		    cl_ledger_by_holder)(&f->l, q->key, ids, &r.u.ids.cnt,
		    &r.u.ids.more) != CL_OK)
			_exit(3);
		r.u.ids.ids = ids[0];
		break;
	case CL_OP_STATUS:
		if (cl_ledger_counts(&f->l, &c) != CL_OK ||
		    cl_ledger_digest(&f->l, r.u.status.digest) != CL_OK)
			_exit(3);
		memcpy(r.u.status.network, f->net->netid, CL_ID_LEN);
		memcpy(r.u.status.by_type, c.by_type, sizeof(c.by_type));
		r.u.status.log_size = c.log;
		r.u.status.feeds = c.feeds;
		r.u.status.credentials = c.credentials;
		break;
	}
	if (cl_resp_encode(&r, 0, &out, &len) != CL_OK)
		_exit(3);
	ok = ct_write_n(fd, out, len) == 0;
	free(out);
	free(bundle);
	if (q->op == CL_OP_SUBMIT)
		free(r.u.submit.r);
	return ok;
}

static uint16_t
fake_node(const struct tl_net *net, const struct tl_feed *intruder,
    int inject)
{
	struct cl_store_opts	 opts = { 0 };
	struct fake		 f;
	struct cl_req		 q;
	const char		*why;
	uint8_t			*buf;
	uint32_t		 n;
	uint16_t		 port;
	int			 lfd = ct_listener(&port), fd;

	cr_assert_eq(mkdir(ct_path("ledger"), 0700), 0);
	cr_assert((ct_server = fork()) >= 0);
	if (ct_server > 0) {
		(void)close(lfd);
		return port;
	}
	memset(&f, 0, sizeof(f));
	f.net = net;
	f.inject = inject;
	if (intruder != NULL)
		f.intruder = *intruder;
	if (cl_ledger_open(&f.l, ct_path("ledger"), net->genesis,
	    net->genesis_len, &opts) != CL_OK)
		_exit(2);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			_exit(2);
		while (ct_read_request(fd, &buf, &n) == 0) {
			if (cl_req_decode(&q, buf, n, &why) != CL_OK ||
			    !fake_answer(&f, &q, fd))
				break;
			cl_req_free(&q);
			free(buf);
		}
		(void)close(fd);
	}
}

static void
key_file(const char *name, const struct tl_key *k)
{
	struct cl_seckey	s;

	memcpy(s.sk, k->sk, sizeof(s.sk));
	memcpy(s.pk, k->pk, sizeof(s.pk));
	cr_assert_eq(cl_key_save(&s, ct_path(name), NULL, 0, true), CL_OK);
	cl_key_wipe(&s);
}

static const char achievement[] = "{\"title\": {\"en\": \"Stage rigging\", "
    "\"de\": \"Bühnenrigging\"}, \"awarding_body\": \"Bühnenschule Köln\", "
    "\"country\": \"DE\", \"learning_outcomes\": [\"Rig a truss\"], "
    "\"ects\": 2.5, \"eqf\": 4, \"nqf\": \"DQR 4\", \"assessment\": "
    "\"practical exam\", \"participation\": \"onsite\", "
    "\"quality_assurance\": \"chamber of crafts\"}";

/* A network, its two keys as files, and a stand-in node for it. */
struct site {
	struct tl_net	net;
	struct tl_feed	issuer;
	char		node[32];
	char		issuer_hex[2 * CL_PK_LEN + 1];
};

static void
site_open(struct site *s, int inject)
{
	tl_net(&s->net, 1);
	tl_feed(&s->issuer, 7);
	key_file("auth.key", &s->net.auth[0].key);
	key_file("issuer.key", &s->issuer.key);
	ct_write(ct_path("genesis"), s->net.genesis, s->net.genesis_len);
	ct_write(ct_path("ach.json"), achievement, strlen(achievement));
	ct_hex(s->issuer_hex, s->issuer.key.pk);
	ct_addr(s->node, sizeof(s->node), fake_node(&s->net, &s->issuer,
	    inject));
}

/* Accredit the issuer and define the achievement; its id into ach. */
static void
site_define(struct site *s, struct out *o, char ach[static 2 * CL_ID_LEN + 1])
{
	RUN(o, "accredit", "--key", ct_path("auth.key"), "--no-passphrase",
	    "--issuer", s->issuer_hex, "--org-id", "DE-123", "--name",
	    "Bühnenschule Köln", "--country", "DE", "--field", "rigging",
	    "--field", "stage technology", "--node", s->node);
	expect(o, 0, NULL, NULL);
	cr_assert_eq(strlen(o->out), 2 * CL_ID_LEN + 1, "%s", o->out);
	RUN(o, "define", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--file", ct_path("ach.json"), "--node", s->node);
	expect(o, 0, NULL, NULL);
	first_id(o, ach);
}

Test(verbs, verbs_against_a_node)
{
	struct site	 s;
	struct out	 o = { 0, NULL, NULL };
	uint8_t		 salt[CL_HOLDER_SALT_LEN], ref[CL_ID_LEN];
	char		 ach[65], cred[65], cred2[65], refhex[65], batch[1024];
	const char	*sl;
	json_t		*j;

	site_open(&s, 0);
	site_define(&s, &o, ach);

	RUN(&o, "issue", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--achievement", ach, "--holder-id", "Maria Schmidt", "--grade",
	    "passed", "--valid-until", "2099-12-31", "--node", s.node);
	expect(&o, 0, NULL, NULL);
	first_id(&o, cred);
	/* the second line is the salt, which makes the holder reference */
	cr_assert_not_null(sl = strstr(o.out, "\nsalt "), "%s", o.out);
	cr_assert_eq(strlen(sl), 6 + 2 * CL_HOLDER_SALT_LEN + 1);
	cr_assert_eq(strlen(o.out), 65 + 5 + 64 + 1);
	o.out[65 + 5 + 64] = '\0';
	cr_assert_eq(cl_hex_decode(salt, sizeof(salt), sl + 6), CL_OK);
	cl_holder_ref(ref, salt, "Maria Schmidt", 13);
	ct_hex(refhex, ref);
	RUN(&o, "verify", "--holder-ref", refhex, "--json", "--node", s.node);
	expect(&o, 0, NULL, NULL);
	j = json_out(&o);
	cr_assert_eq(json_array_size(j), 1);
	cr_assert_str_eq(ct_jstr(json_array_get(j, 0), "credential"), cred);
	cr_assert_str_eq(ct_jstr(json_array_get(j, 0), "valid_until"),
	    "2099-12-31");
	json_decref(j);

	/* by document, for a wallet holder */
	ct_write(ct_path("doc"), "the learner's file", 18);
	RUN(&o, "issue", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--achievement", ach, "--holder-key", s.issuer_hex, "--document",
	    ct_path("doc"), "--supervision", "online-id", "--node", s.node);
	expect(&o, 0, NULL, NULL);
	cr_assert_eq(strlen(o.out), 65, "no salt line: %s", o.out);
	first_id(&o, cred2);
	RUN(&o, "verify", "--document", ct_path("doc"), "--node", s.node);
	expect(&o, 0, " is valid\n", NULL);
	ct_has(o.out, cred2);
	ct_has(o.out, "  holder key:        ");

	/* a trusted genesis, a saved proof checked again offline */
	RUN(&o, "verify", "--credential", cred, "--genesis", ct_path("genesis"),
	    "--save-bundle", ct_path("saved"), "--node", s.node);
	expect(&o, 0, " is valid\n", NULL);
	ct_has(o.out, "  issuer:            Bühnenschule Köln (DE), DE-123\n");
	ct_has(o.out, "  micro-credential:  Stage rigging\n");
	RUN(&o, "verify", "--bundle", ct_path("saved"), "--genesis",
	    ct_path("genesis"));
	expect(&o, 0, " is valid\n", NULL);
	ct_write(ct_path("other"), s.net.genesis, s.net.genesis_len - 1);
	RUN(&o, "verify", "--credential", cred, "--genesis", ct_path("other"),
	    "--node", s.node);
	expect(&o, 2, NULL, "not a genesis file");

	/* suspend, reinstate, revoke */
	RUN(&o, "suspend", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--credential", cred2, "--reason", "under review", "--node",
	    s.node);
	expect(&o, 0, NULL, NULL);
	RUN(&o, "verify", "--credential", cred2, "--node", s.node);
	expect(&o, 1, " is suspended\n", NULL);
	ct_has(o.out, ": under review\n");
	RUN(&o, "reinstate", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--credential", cred2, "--node", s.node);
	expect(&o, 0, NULL, NULL);
	RUN(&o, "verify", "--credential", cred2, "--node", s.node);
	expect(&o, 0, " is valid\n", NULL);
	RUN(&o, "revoke", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--credential", cred, "--reason", "exam not supervised",
	    "--reason-code", "4", "--node", s.node);
	expect(&o, 0, NULL, NULL);
	RUN(&o, "verify", "--credential", cred, "--json", "--node", s.node);
	expect(&o, 1, NULL, NULL);
	j = json_out(&o);
	cr_assert_str_eq(ct_jstr(j, "status"), "revoked");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(j,
	    "revocation"), "code")), 4);
	json_decref(j);
	/* a change of a revoked credential is taken, and void */
	RUN(&o, "reinstate", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--credential", cred, "--node", s.node);
	expect(&o, 0, NULL, "is void: ");
	RUN(&o, "verify", "--credential", ach, "--node", s.node);
	expect(&o, 1, " is unknown\n", NULL);

	/* a batch: one chain, an id a line, salts where made */
	(void)snprintf(batch, sizeof(batch), "{\"holder_id\": \"Anna\"}\n"
	    "{\"holder_ref\": \"%s\", \"grade\": \"B\"}\n\n"
	    "{\"holder_key\": \"%s\"}\n", refhex, s.issuer_hex);
	ct_write(ct_path("batch"), batch, strlen(batch));
	RUN(&o, "issue", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--batch", ct_path("batch"), "--achievement", ach, "--node",
	    s.node);
	expect(&o, 0, NULL, NULL);
	cr_assert_eq(strlen(o.out), 130 + 65 + 65, "%s", o.out);
	cr_assert_eq(o.out[64], ' ');
	RUN(&o, "verify", "--holder-ref", refhex, "--node", s.node);
	expect(&o, 1, " is revoked\n", NULL);
	ct_has(o.out, " is valid\n");

	RUN(&o, "status", "--json", "--node", s.node);
	expect(&o, 0, NULL, NULL);
	j = json_out(&o);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(j,
	    "events_by_type"), "ISSUE")), 5);
	cr_assert_eq(json_integer_value(json_object_get(j, "credentials")), 5);
	cr_assert_str_eq(ct_jstr(j, "network_name"), "test");
	json_decref(j);
	RUN(&o, "status", "--node", s.node);
	expect(&o, 0, "network:       test\n", NULL);
	ct_has(o.out, "  ISSUE        5\n");
	free(o.out);
	free(o.err);
}

Test(verbs, verbs_refused_by_a_node)
{
	struct site	 s;
	struct tl_key	 stranger;
	struct out	 o = { 0, NULL, NULL };
	char		 ach[65];

	site_open(&s, 0);
	tl_key(&stranger, 99);
	key_file("stranger.key", &stranger);
	RUN(&o, "define", "--key", ct_path("stranger.key"), "--no-passphrase",
	    "--file", ct_path("ach.json"), "--node", s.node);
	expect(&o, 1, NULL, "the node did not accept the DEFINE: "
	    "unknown_author");
	ct_has(o.err, "no ACCREDIT the node holds names this key");
	cr_assert_str_eq(o.out, "");
	site_define(&s, &o, ach);
	/* an issuer may not accredit */
	RUN(&o, "accredit", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--issuer", s.issuer_hex, "--org-id", "X", "--name", "X",
	    "--country", "DE", "--node", s.node);
	expect(&o, 1, NULL, "rejected: author may not write this event type");
	free(o.out);
	free(o.err);
}

Test(verbs, signer_signs_again_when_stale)
{
	struct site	 s;
	struct out	 o = { 0, NULL, NULL };
	char		 ach[65];
	json_t		*j;

	/* two events slip in before the define: it is signed three times */
	site_open(&s, 2);
	site_define(&s, &o, ach);
	RUN(&o, "status", "--json", "--node", s.node);
	j = json_out(&o);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(j,
	    "events_by_type"), "DEFINE")), 3);
	cr_assert_eq(json_integer_value(json_object_get(j, "forks")), 0);
	json_decref(j);
	RUN(&o, "issue", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--achievement", ach, "--holder-key", s.issuer_hex, "--node",
	    s.node);
	expect(&o, 0, NULL, NULL);
	free(o.out);
	free(o.err);
}

Test(verbs, signer_gives_up_after_ten_tries)
{
	struct site	 s;
	struct out	 o = { 0, NULL, NULL };

	site_open(&s, 11);
	RUN(&o, "accredit", "--key", ct_path("auth.key"), "--no-passphrase",
	    "--issuer", s.issuer_hex, "--org-id", "DE-123", "--name", "B",
	    "--country", "DE", "--node", s.node);
	expect(&o, 0, NULL, NULL);
	RUN(&o, "define", "--key", ct_path("issuer.key"), "--no-passphrase",
	    "--file", ct_path("ach.json"), "--node", s.node);
	expect(&o, 1, NULL, "the node did not accept the DEFINE: stale");
	ct_has(o.err, "gave up after 10 tries");
	cr_assert_str_eq(o.out, "");
	free(o.out);
	free(o.err);
}

Test(verbs, verbs_check_before_they_connect)
{
	struct out	 o = { 0, NULL, NULL };
	struct tl_key	 k;
	char		 pk[65], text[512];
	static const char *const verbs[] = { "accredit", "withdraw", "define",
	    "issue", "suspend", "reinstate", "revoke", "verify", "status" };
	size_t		 i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		RUN(&o, verbs[i], "--help");
		expect(&o, 0, "usage: credledger ", NULL);
		ct_has(o.out, verbs[i]);
		ct_has(o.out, "--node HOST:PORT");
	}
	RUN(&o, "issue", "--help");
	ct_has(o.out, "SHA-256(\"credledger/holder/v1\" || salt || identity)");
	tl_key(&k, 5);
	key_file("k", &k);
	ct_hex(pk, k.pk);
	/* nothing listens on port 1: each of these fails before that */
	RUN(&o, "accredit", "--key", ct_path("k"), "--issuer", pk, "--name",
	    "N", "--country", "DE", "--node", "127.0.0.1:1");
	expect(&o, 2, NULL, "missing --org-id");
	RUN(&o, "accredit", "--key", ct_path("k"), "--issuer", pk, "--name",
	    "N", "--org-id", "1", "--country", "de", "--node", "127.0.0.1:1");
	expect(&o, 2, NULL, "bad --country: want two upper-case letters");
	RUN(&o, "accredit", "--key", ct_path("k"), "--issuer", "abc");
	expect(&o, 2, NULL, "bad --issuer 'abc': want 64 hex digits");
	RUN(&o, "accredit", "--key", ct_path("k"), "--issuer", pk, "--eqf-min",
	    "9");
	expect(&o, 2, NULL, "bad --eqf-min '9': want a number 1..8");
	RUN(&o, "withdraw", "--key", ct_path("k"), "--issuer", pk, "--reason",
	    "r");
	expect(&o, 2, NULL, "missing --after-seq N");
	RUN(&o, "revoke", "--key", ct_path("k"), "--credential", pk,
	    "--credential", pk);
	expect(&o, 2, NULL, "--credential given twice");
	RUN(&o, "suspend", "--credential", pk);
	expect(&o, 2, NULL, "missing --key FILE");
	RUN(&o, "suspend", "--key", ct_path("k"), "--credential", pk,
	    "--no-passphrase", "--passphrase-file", ct_path("k"));
	expect(&o, 2, NULL, "exclude each other");
	RUN(&o, "suspend", "--key", ct_path("k"), "--credential", pk, "--node",
	    "nowhere");
	expect(&o, 2, NULL, "bad --node 'nowhere'");
	RUN(&o, "suspend", "--key", ct_path("none"), "--credential", pk);
	expect(&o, 1, NULL, "none");
	RUN(&o, "issue", "--key", ct_path("k"), "--achievement", pk,
	    "--holder-id", "A", "--holder-ref", pk, "--node", "127.0.0.1:1");
	expect(&o, 2, NULL, "exclude each other");
	RUN(&o, "issue", "--key", ct_path("k"), "--batch", ct_path("b"),
	    "--holder-id", "A");
	expect(&o, 2, NULL, "--holder-id is one learner's");
	(void)snprintf(text, sizeof(text), "{\"achievement\": \"%s\", "
	    "\"holder_id\": \"A\"}\n{\"achievement\": \"%s\", \"holder_id\": "
	    "\"B\", \"supervision\": \"maybe\"}\n", pk, pk);
	ct_write(ct_path("b"), text, strlen(text));
	RUN(&o, "issue", "--key", ct_path("k"), "--batch", ct_path("b"),
	    "--node", "127.0.0.1:1");
	expect(&o, 1, NULL, "line 2: supervision \"maybe\": want none");
	ct_has(o.err, "nothing was submitted");
	ct_write(ct_path("a.json"), "{\"eqf\": 4, \"ects\": 1}", 21);
	RUN(&o, "define", "--key", ct_path("k"), "--file", ct_path("a.json"),
	    "--node", "127.0.0.1:1");
	expect(&o, 1, NULL, "missing Annex I element: title");
	ct_write(ct_path("a.json"), "{\"eqf\": 4,", 10);
	RUN(&o, "define", "--key", ct_path("k"), "--file", ct_path("a.json"));
	expect(&o, 1, NULL, "line 1 column");
	/* and the node that is not there */
	RUN(&o, "define", "--key", ct_path("k"), "--file", ct_path("ach.json"),
	    "--node", "127.0.0.1:1");
	expect(&o, 1, NULL, "cannot read");
	ct_write(ct_path("ach.json"), achievement, strlen(achievement));
	RUN(&o, "define", "--key", ct_path("k"), "--file", ct_path("ach.json"),
	    "--node", "127.0.0.1:1");
	expect(&o, 1, NULL, "cannot reach the node at 127.0.0.1:1");
	RUN(&o, "verify", "--credential", pk, "--node", "127.0.0.1:1");
	expect(&o, 2, NULL, "cannot reach the node");
	RUN(&o, "verify", "--credential", pk, "--document", ct_path("k"));
	expect(&o, 2, NULL, "give one of --credential, --document and "
	    "--holder-ref");
	RUN(&o, "verify");
	expect(&o, 2, NULL, "missing --credential ID");
	RUN(&o, "verify", "--holder-ref", "xyz");
	expect(&o, 2, NULL, "bad --holder-ref 'xyz'");
	RUN(&o, "status", "--node", "127.0.0.1:1");
	expect(&o, 1, NULL, "cannot reach the node");
	free(o.out);
	free(o.err);
}
