/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The auditor against a running credledger-node: export over the client
 * port and from the store (while the node runs), audit, checkpoints kept
 * and checked later, and proofs, all through the credledger command.
 */
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

#include "harness.h"
#include "hex.h"
#include "testlib.h"

extern char	**environ;

static struct tl_net	net;
static struct tl_feed	iss;
static struct h_node	n;
static char		tmp[64];

static void
setup(void)
{
	tl_net(&net, 1);
	tl_feed(&iss, 7);
	strcpy(tmp, "/tmp/cl-it-audit-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void
teardown(void)
{
	char	cmd[128];

	h_node_free(&n);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(audit_node, .init = setup, .fini = teardown, .timeout = 300);

static const char *
path(const char *name)
{
	static char	buf[8][128];
	static int	i;

	i = (i + 1) % 8;
	(void)snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
	return buf[i];
}

static char *
slurp(const char *p, size_t *len)
{
	FILE	*f = fopen(p, "rb");
	char	*b;
	long	 sz;

	cr_assert_not_null(f, "%s", p);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc(1, (size_t)sz + 1);
	cr_assert_eq(fread(b, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	if (len != NULL)
		*len = (size_t)sz;
	return b;
}

/* The credledger command; its exit status, and stdout in *out. */
static int
cli(char **out, const char *const *args)
{
	posix_spawn_file_actions_t	 fa;
	char				*argv[32];
	char				*err;
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
	*out = slurp(path("stdout"), NULL);
	err = slurp(path("stderr"), NULL);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		cr_log_info("credledger %s: exit %d\nstdout: %s\nstderr: %s",
		    args[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1, *out, err);
	free(err);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define CLI(out, ...)	cli((out), (const char *const[]){ __VA_ARGS__, NULL })

static json_t *
json_of(const char *text)
{
	json_error_t	 e;
	json_t		*j = json_loads(text, 0, &e);

	cr_assert_not_null(j, "not JSON (%s): %s", e.text, text);
	return j;
}

static const char *
jpath_str(json_t *j, const char *a, const char *b)
{
	json_t	*v = json_object_get(j, a);

	if (b != NULL)
		v = json_object_get(v, b);
	cr_assert(json_is_string(v), "no string %s.%s", a, b ? b : "");
	return json_string_value(v);
}

/* Submit n events, each to be accepted. */
static void
submit(struct h_conn *c, struct tl_ev *evs, uint32_t cnt)
{
	const struct tl_ev	*p[64];
	struct cl_resp		 r;
	uint32_t		 i;

	cr_assert(cnt <= 64);
	for (i = 0; i < cnt; i++)
		p[i] = &evs[i];
	h_submit(c, p, cnt, 0, &r);
	for (i = 0; i < cnt; i++)
		cr_assert_eq(r.u.submit.r[i].acc, CL_ACC_ACCEPTED, "event %u",
		    i);
	cl_resp_free(&r);
}

static void
node_checkpoint(struct h_conn *c, struct cl_checkpoint *ck)
{
	struct cl_req	q;
	struct cl_resp	r;

	memset(&q, 0, sizeof(q));
	q.op = CL_OP_CHECKPOINT;
	h_send_req(c, &q);
	cr_assert(h_recv(c, CL_OP_CHECKPOINT, &r));
	cr_assert_eq(r.code, CL_OK);
	*ck = r.u.ckpt;
	cl_resp_free(&r);
}

Test(audit_node, export_audit_checkpoints_and_proofs_of_a_running_node)
{
	static struct tl_ev	 ev[64];
	struct h_conn		 c;
	struct cl_wire_status	 st;
	struct cl_checkpoint	 ck;
	char			 node[64], hex[65], *out, *fa, *fb;
	char			 scratch[96], size_s[24];
	size_t			 la, lb;
	json_t			*j, *k;
	uint32_t		 i, cnt = 0;

	h_node_start(&n, &net, NULL);
	(void)snprintf(node, sizeof(node), "127.0.0.1:%d", n.port);
	(void)snprintf(scratch, sizeof(scratch), "--scratch=%s", tmp);
	h_connect(&c, n.port);
	tl_accredit(&net, &net.auth[0], iss.key.pk, 1, &ev[cnt++]);
	tl_define(&net, &iss, &ev[cnt++]);
	for (i = 0; i < 20; i++)
		tl_issue(&net, &iss, ev[1].id, i, 0, &ev[cnt++]);
	tl_change(&net, &iss, CL_EV_REVOKE, ev[2].id, &ev[cnt++]);
	tl_change(&net, &iss, CL_EV_SUSPEND, ev[3].id, &ev[cnt++]);
	submit(&c, ev, cnt);

	/* the same file over the client port and from the store, live */
	cr_assert_eq(CLI(&out, "export", "--node", node, "--out", path("a"),
	    "--quiet"), 0);
	cr_assert_not_null(strstr(out, "exported 24 events"), "%s", out);
	free(out);
	cr_assert(h_node_alive(&n));
	cr_assert_eq(CLI(&out, "export", "--data", n.data, "--out", path("b")),
	    0);
	free(out);
	fa = slurp(path("a"), &la);
	fb = slurp(path("b"), &lb);
	cr_assert_eq(la, lb);
	cr_assert_arr_eq(fa, fb, la, "--node and --data export alike");
	cr_assert_eq(memcmp(fa, "CLEXPORT\0\0\0\1", 12), 0);
	free(fa);
	free(fb);

	/* the audit's digest and root are the node's */
	h_status(&c, &st);
	node_checkpoint(&c, &ck);
	cr_assert_eq(ck.size, cnt);
	cr_assert_eq(CLI(&out, "audit", path("a"), "--json", scratch), 0);
	j = json_of(out);
	free(out);
	cr_assert(json_is_true(json_object_get(j, "clean")));
	cl_hex_encode(hex, st.digest, CL_ID_LEN);
	cr_assert_str_eq(jpath_str(json_object_get(j, "state"),
	    "state_digest", NULL), hex, "the node's status digest");
	cl_hex_encode(hex, ck.root, CL_ID_LEN);
	cr_assert_str_eq(jpath_str(j, "log", "root"), hex,
	    "the root of the node's CHECKPOINT");
	k = json_object_get(json_object_get(json_object_get(j, "state"),
	    "credentials"), "by_status");
	cr_assert_eq(json_integer_value(json_object_get(k, "revoked")), 1);
	cr_assert_eq(json_integer_value(json_object_get(k, "suspended")), 1);
	cr_assert_eq(json_integer_value(json_object_get(k, "valid")), 18);
	json_decref(j);

	/* the store, read-only beside the node: its indexes are the replay's */
	cr_assert_eq(CLI(&out, "audit", "--data", n.data, scratch), 0);
	cr_assert_not_null(strstr(out, "the node's own indexes: compared"),
	    "%s", out);
	cr_assert_not_null(strstr(out, "result: CLEAN"), "%s", out);
	free(out);

	/* a checkpoint kept, more events, and the log still holds it */
	cr_assert_eq(CLI(&out, "checkpoint", "--json", "--node", node,
	    "--out", path("c1")), 0);
	j = json_of(out);
	free(out);
	cr_assert_eq(json_integer_value(json_object_get(j, "size")), cnt);
	cl_hex_encode(hex, net.netid, CL_ID_LEN);
	cr_assert_str_eq(jpath_str(j, "network", NULL), hex);
	cr_assert_str_eq(jpath_str(j, "node", NULL), n.node_hex,
	    "signed by the node's key");
	json_decref(j);
	cr_assert_eq(CLI(&out, "checkpoint", "--node", node), 0);
	cr_assert_not_null(strstr(out, "signature: "), "%s", out);
	free(out);
	for (i = 0; i < 10; i++)
		tl_issue(&net, &iss, ev[1].id, 100 + i, 0, &ev[cnt + i]);
	submit(&c, ev + cnt, 10);
	cnt += 10;
	cr_assert_eq(CLI(&out, "export", "--node", node, "--out",
	    path("a2")), 0);
	free(out);
	cr_assert_eq(CLI(&out, "audit", path("a2"), "--checkpoint",
	    path("c1"), scratch), 0);
	cr_assert_not_null(strstr(out, "holds: signature valid"), "%s", out);
	cr_assert_not_null(strstr(out, n.node_hex), "names the node key");
	free(out);
	/* the first export does not reach what the later checkpoint covers */
	cr_assert_eq(CLI(&out, "checkpoint", "--json", "--node", node,
	    "--out", path("c2")), 0);
	free(out);
	cr_assert_eq(CLI(&out, "audit", path("a"), "--checkpoint",
	    path("c2"), scratch), 1);
	cr_assert_not_null(strstr(out, "covers more than the log"), "%s",
	    out);
	free(out);

	/* an incremental export */
	cr_assert_eq(CLI(&out, "export", "--node", node, "--out", path("inc"),
	    "--from", "24"), 0);
	cr_assert_not_null(strstr(out, "exported 10 events (log positions 24 "
	    "to 33)"), "%s", out);
	free(out);
	cr_assert_eq(CLI(&out, "export", "--node", node, "--out", path("x"),
	    "--from", "35"), 2);
	free(out);

	/* proofs, checked by the command before it prints them */
	(void)snprintf(size_s, sizeof(size_s), "%u", cnt);
	cr_assert_eq(CLI(&out, "prove", "--inclusion", "3", "--size", size_s,
	    "--node", node), 0);
	cr_assert_not_null(strstr(out, "verified"), "%s", out);
	free(out);
	cr_assert_eq(CLI(&out, "prove", "--inclusion", "0", "--size", "1",
	    "--json", "--node", node), 0);
	j = json_of(out);
	free(out);
	cr_assert(json_is_true(json_object_get(j, "verified")));
	cr_assert_eq(json_array_size(json_object_get(j, "path")), 0);
	json_decref(j);
	cr_assert_eq(CLI(&out, "prove", "--consistency", "24", "--size",
	    size_s, "--json", "--node", node), 0);
	j = json_of(out);
	free(out);
	cr_assert(json_is_true(json_object_get(j, "verified")));
	cl_hex_encode(hex, ck.root, CL_ID_LEN);
	cr_assert_str_eq(jpath_str(j, "root_m", NULL), hex,
	    "the root the first checkpoint signed");
	cr_assert_gt(json_array_size(json_object_get(j, "path")), 0);
	json_decref(j);
	cr_assert_eq(CLI(&out, "prove", "--inclusion", "3", "--size", "999",
	    "--node", node), 2, "a size past the log");
	free(out);
	cr_assert_eq(CLI(&out, "checkpoint", "--all", "--node", node), 0);
	free(out);
	h_close(&c);
}
