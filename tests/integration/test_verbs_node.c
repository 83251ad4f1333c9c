/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The credledger command against real credledger-node processes, each
 * run of it a process whose exit status, stdout and stderr are checked:
 * a network made with the command itself (keygen, genesis), a
 * credential's whole life, the three ways to look one up, expiry, an
 * issuer's withdrawal, saved proofs checked with the node stopped,
 * restarts, kill -9 after a batch, the status, and bad command lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>

#include "harness.h"

#define HEX_LEN		65		/* 64 hex digits and the NUL */
#define ARGS_MAX	40		/* arguments of one run */
#define RUN_MS		60000		/* one run of the command, at most */
#define PATH_CAP	256
#define BATCH_CNT	500

#define SAMPLE_ELM	"elm-v3-microcredential-annex1-sample.jsonld"
#define SAMPLE_DOC	"elm-v3-edc-credential-sample.jsonld"
#define SAMPLE_DOC2	"ob3-simple-teamwork-badge.json"
#define QA		"Zentralstelle für Fernunterricht (ZFU)"
#define ISSUER_NAME	"Bühnentechnik-Akademie Köln"
#define LEARNER		"maria.schneider@example.de"
#define HOLDER_TAG	"credledger/holder/v1"

/* One run of the command. */
struct out {
	int	 status;	/* exit status, or -signal */
	char	*out;		/* stdout, NUL-terminated */
	size_t	 out_len;
	char	*err;		/* stderr, NUL-terminated */
	size_t	 err_len;
};

/* A network made with the command, and its node. */
struct world {
	char		dir[32];		/* keys and files */
	char		auth_key[PATH_CAP];
	char		iss_key[PATH_CAP];
	char		genesis[PATH_CAP];
	char		auth_pk[HEX_LEN];
	char		iss_pk[HEX_LEN];
	char		netid[HEX_LEN];
	char		ach[HEX_LEN];		/* the DEFINE's id */
	char		node_addr[32];
	struct h_node	n;
};

static struct world	w;

static void
teardown(void)
{
	char	cmd[PATH_CAP];

	h_node_free(&w.n);
	if (w.dir[0] != '\0' && getenv("CL_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w.dir);
		(void)system(cmd);
	}
}

TestSuite(verbs_node, .fini = teardown, .timeout = 180);

static uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *
cli_bin(void)
{
	const char	*p = getenv("CL_CREDLEDGER");

	cr_assert_not_null(p, "CL_CREDLEDGER is not set (run through ctest)");
	return p;
}

/* Read what fd has onto *buf; false at end of file. */
static bool
take(int fd, char **buf, size_t *len, size_t *cap)
{
	ssize_t	r;

	if (*cap - *len < 4096 + 1) {
		*cap = *cap * 2 + 8192;
		*buf = realloc(*buf, *cap);
		cr_assert_not_null(*buf);
	}
	r = read(fd, *buf + *len, *cap - *len - 1);
	if (r < 0 && errno == EINTR)
		return true;
	cr_assert_geq(r, 0, "read: %s", strerror(errno));
	*len += (size_t)r;
	(*buf)[*len] = '\0';
	return r > 0;
}

static void
cloexec_pipe(int p[2])
{
	cr_assert_eq(pipe(p), 0, "pipe: %s", strerror(errno));
	cr_assert_neq(fcntl(p[0], F_SETFD, FD_CLOEXEC), -1);
	cr_assert_neq(fcntl(p[1], F_SETFD, FD_CLOEXEC), -1);
}

/* Run argv with stdin from /dev/null, stdout and stderr into o. */
static void
run_argv(struct out *o, char *const argv[])
{
	struct pollfd	 pfd[2];
	size_t		 ocap, ecap;
	uint64_t	 end = mono_ms() + RUN_MS, now;
	pid_t		 pid;
	int		 po[2], pe[2], st, open_cnt = 2, i, r = 0;

	memset(o, 0, sizeof(*o));
	cloexec_pipe(po);
	cloexec_pipe(pe);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0] = (struct pollfd){ po[0], POLLIN, 0 };
	pfd[1] = (struct pollfd){ pe[0], POLLIN, 0 };
	/* both NUL-terminated even when nothing comes */
	ocap = ecap = 8192;
	o->out = calloc(1, ocap);
	o->err = calloc(1, ecap);
	cr_assert(o->out != NULL && o->err != NULL);
	while (open_cnt > 0) {
		now = mono_ms();
		if (now >= end || (r = poll(pfd, 2, (int)(end - now))) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			cr_assert_fail("%s %s: still running after %d ms",
			    argv[0], argv[1], RUN_MS);
		}
		if (r < 0) {
			cr_assert_eq(errno, EINTR, "poll: %s", strerror(errno));
			continue;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (!(i == 0 ? take(pfd[i].fd, &o->out, &o->out_len,
			    &ocap) : take(pfd[i].fd, &o->err, &o->err_len,
			    &ecap))) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_cnt--;
			}
		}
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

static void
out_free(struct out *o)
{
	free(o->out);
	free(o->err);
	memset(o, 0, sizeof(*o));
}

/* Run credledger with the arguments up to a NULL. */
static void
vcli(struct out *o, const char *arg, va_list ap)
{
	char	*argv[ARGS_MAX + 2];
	int	 i = 0;

	argv[i++] = (char *)cli_bin();
	for (; arg != NULL; arg = va_arg(ap, const char *)) {
		cr_assert_lt(i, ARGS_MAX + 1, "too many arguments");
		argv[i++] = (char *)arg;
	}
	argv[i] = NULL;
	run_argv(o, argv);
}

static void
cli(struct out *o, const char *arg, ...)
{
	va_list	ap;

	va_start(ap, arg);
	vcli(o, arg, ap);
	va_end(ap);
}

static void
expect_exit(const struct out *o, int want, const char *what)
{
	cr_assert_eq(o->status, want, "%s: exit %d, not %d\nstderr: %s\n"
	    "stdout: %.2000s", what, o->status, want, o->err, o->out);
}

static void
expect_has(const char *hay, const char *needle, const char *what)
{
	cr_assert_not_null(strstr(hay, needle), "%s: no \"%s\" in:\n%s", what,
	    needle, hay);
}

/* Is s 64 lower-case hex digits, then end or one of the bytes of stop? */
static bool
is_hex64(const char *s, const char *stop)
{
	int	i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0' || strchr(stop, s[64]) != NULL;
}

/* The id at the start of line (from 0) of text, into id. */
static void
line_id(const char *text, int line, char id[HEX_LEN])
{
	const char	*p = text;
	int		 i;

	for (i = 0; i < line; i++) {
		cr_assert_not_null(p = strchr(p, '\n'), "no line %d in:\n%s",
		    line, text);
		p++;
	}
	cr_assert(is_hex64(p, "\n "), "line %d is not an id:\n%s", line,
	    text);
	memcpy(id, p, 64);
	id[64] = '\0';
}

/* Run, want exit 0 and an id alone on stdout's first line. */
static void
cli_id(char id[HEX_LEN], const char *arg, ...)
{
	struct out	o;
	va_list		ap;

	va_start(ap, arg);
	vcli(&o, arg, ap);
	va_end(ap);
	expect_exit(&o, 0, arg);
	line_id(o.out, 0, id);
	cr_assert_eq(o.out[64], '\n', "%s: %s", arg, o.out);
	out_free(&o);
}

/* Run, want exit status want and JSON on stdout (a new reference). */
static json_t *
cli_json(int want, const char *arg, ...)
{
	struct out	 o;
	json_error_t	 jerr;
	json_t		*j;
	va_list		 ap;

	va_start(ap, arg);
	vcli(&o, arg, ap);
	va_end(ap);
	expect_exit(&o, want, arg);
	j = json_loads(o.out, 0, &jerr);
	cr_assert_not_null(j, "%s: not JSON: %s: %s", arg, jerr.text, o.out);
	out_free(&o);
	return j;
}

/* The value at a dotted path ("holder.ref") of o. */
static json_t *
jget(const json_t *o, const char *path)
{
	char		 key[64];
	const char	*dot;
	size_t		 len;
	json_t		*v = (json_t *)o;

	while (v != NULL) {
		dot = strchr(path, '.');
		len = dot != NULL ? (size_t)(dot - path) : strlen(path);
		cr_assert_lt(len, sizeof(key));
		memcpy(key, path, len);
		key[len] = '\0';
		cr_assert(json_is_object(v), "%s: not in an object", path);
		v = json_object_get(v, key);
		if (dot == NULL)
			break;
		path = dot + 1;
	}
	cr_assert_not_null(v, "no %s in the JSON", path);
	return v;
}

static const char *
jstr(const json_t *o, const char *path)
{
	json_t	*v = jget(o, path);

	cr_assert(json_is_string(v), "%s is not a string", path);
	return json_string_value(v);
}

static json_int_t
jint(const json_t *o, const char *path)
{
	json_t	*v = jget(o, path);

	cr_assert(json_is_integer(v), "%s is not an integer", path);
	return json_integer_value(v);
}

static void
expect_str(const json_t *o, const char *path, const char *want)
{
	const char	*got = jstr(o, path);

	cr_assert_str_eq(got, want, "%s is \"%s\", not \"%s\"", path, got,
	    want);
}

static void
expect_null(const json_t *o, const char *path)
{
	cr_assert(json_is_null(jget(o, path)), "%s is not null", path);
}

static void
expect_true(const json_t *o, const char *path, bool want)
{
	json_t	*v = jget(o, path);

	cr_assert(json_is_boolean(v), "%s is not a boolean", path);
	cr_assert_eq(json_is_true(v), want, "%s is not %s", path,
	    want ? "true" : "false");
}

static void
file_in(char out[PATH_CAP], const char *dir, const char *name)
{
	cr_assert_lt(snprintf(out, PATH_CAP, "%s/%s", dir, name), PATH_CAP);
}

static void
sample(char out[PATH_CAP], const char *name)
{
	const char	*s = getenv("CL_SAMPLES");

	cr_assert_not_null(s, "CL_SAMPLES is not set (run through ctest)");
	cr_assert_lt(snprintf(out, PATH_CAP, "%s/credentials/%s", s, name),
	    PATH_CAP);
}

static void
write_text(const char *path, const char *text, size_t len)
{
	FILE	*f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(text, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* The SHA-256 of a file in hex, computed here. */
static void
file_sha256(const char *path, char hex[HEX_LEN])
{
	crypto_hash_sha256_state	 st;
	unsigned char			 buf[8192], h[32];
	size_t				 n;
	FILE				*f = fopen(path, "rb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_hash_sha256_update(&st, buf, n);
	cr_assert(!ferror(f));
	fclose(f);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, HEX_LEN, h, sizeof(h));
}

/* SHA-256(tag || salt || identity), as 'issue --help' states it. */
static void
holder_ref(const char *salt_hex, const char *identity, char hex[HEX_LEN])
{
	crypto_hash_sha256_state	st;
	unsigned char			salt[32], h[32];
	size_t				len;

	cr_assert_eq(sodium_hex2bin(salt, sizeof(salt), salt_hex,
	    strlen(salt_hex), NULL, &len, NULL), 0);
	cr_assert_eq(len, sizeof(salt));
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)HOLDER_TAG,
	    strlen(HOLDER_TAG));
	crypto_hash_sha256_update(&st, salt, sizeof(salt));
	crypto_hash_sha256_update(&st, (const unsigned char *)identity,
	    strlen(identity));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, HEX_LEN, h, sizeof(h));
}

/* Point the command at the node: $CREDLEDGER_NODE. */
static void
use_node(void)
{
	snprintf(w.node_addr, sizeof(w.node_addr), "127.0.0.1:%d", w.n.port);
	cr_assert_eq(setenv("CREDLEDGER_NODE", w.node_addr, 1), 0);
}

/* A key made with keygen: its file and public key. */
static void
keygen(char path[PATH_CAP], const char *name, char pk[HEX_LEN])
{
	char	again[HEX_LEN];

	file_in(path, w.dir, name);
	cli_id(pk, "keygen", "--out", path, "--no-passphrase", NULL);
	cli_id(again, "pubkey", path, NULL);
	cr_assert_str_eq(pk, again, "pubkey tells another key");
}

/*
 * A new network: an authority key, its genesis, a node of it, and an
 * issuer accredited with a micro-credential defined from the ELM sample.
 */
static void
world_up(void)
{
	char		 elm[PATH_CAP], ach_json[PATH_CAP], auth[128];
	json_t		*j;
	struct out	 o;

	memset(&w, 0, sizeof(w));
	snprintf(w.dir, sizeof(w.dir), "/tmp/cl-cli-XXXXXX");
	cr_assert_not_null(mkdtemp(w.dir));
	keygen(w.auth_key, "authority.key", w.auth_pk);
	keygen(w.iss_key, "issuer.key", w.iss_pk);
	file_in(w.genesis, w.dir, "genesis.cl");
	snprintf(auth, sizeof(auth), "%s,EU Micro-Credential Consortium,BE",
	    w.auth_pk);
	cli_id(w.netid, "genesis", "--name", "cli-test", "--authority", auth,
	    "--out", w.genesis, NULL);
	h_node_start_genesis(&w.n, w.genesis, NULL);
	use_node();
	cli(&o, "accredit", "--key", w.auth_key, "--no-passphrase",
	    "--issuer", w.iss_pk, "--org-id", "DE-HRB-20931", "--name",
	    ISSUER_NAME, "--country", "DE", "--qa", "ZFU", NULL);
	expect_exit(&o, 0, "accredit");
	cr_assert(is_hex64(o.out, "\n"), "accredit: %s", o.out);
	out_free(&o);

	/* the Commission's sample lacks the quality assurance */
	sample(elm, SAMPLE_ELM);
	cli(&o, "define-elm", elm, "--check", NULL);
	cr_assert_neq(o.status, 0, "define-elm --check of the bare sample");
	expect_has(o.err, "quality_assurance", "define-elm --check");
	out_free(&o);
	cli(&o, "define-elm", elm, "--quality-assurance", QA, NULL);
	expect_exit(&o, 0, "define-elm");
	j = json_loads(o.out, 0, NULL);
	cr_assert_not_null(j, "define-elm: not JSON: %s", o.out);
	expect_str(j, "quality_assurance", QA);
	expect_str(j, "title.en", "Digital micro-credential creation");
	json_decref(j);
	file_in(ach_json, w.dir, "achievement.json");
	write_text(ach_json, o.out, o.out_len);
	out_free(&o);
	cli_id(w.ach, "define", "--key", w.iss_key, "--no-passphrase",
	    "--file", ach_json, NULL);
}

/*
 * Issue with the issuer's key, with no warning: its id, and (salt not
 * NULL) the salt it printed.
 */
static void
issue(char id[HEX_LEN], char salt[HEX_LEN], const char *holder_opt,
    const char *holder, const char *a1, const char *v1, const char *a2,
    const char *v2)
{
	struct out	o;

	cli(&o, "issue", "--key", w.iss_key, "--no-passphrase",
	    "--achievement", w.ach, holder_opt, holder, a1, v1, a2, v2, NULL);
	expect_exit(&o, 0, "issue");
	cr_assert_eq(o.err_len, 0, "issue: %s", o.err);
	line_id(o.out, 0, id);
	if (salt != NULL) {
		cr_assert_eq(strncmp(o.out + 65, "salt ", 5), 0,
		    "no salt line: %s", o.out);
		cr_assert(is_hex64(o.out + 70, "\n"), "salt: %s", o.out);
		memcpy(salt, o.out + 70, 64);
		salt[64] = '\0';
	} else
		cr_assert_eq(o.out_len, 65, "issue printed more: %s", o.out);
	out_free(&o);
}

/* A status verb (suspend, reinstate, revoke) on credential id. */
static void
change(const char *verb, const char *id, const char *a1, const char *v1,
    const char *a2, const char *v2)
{
	struct out	o;

	cli(&o, verb, "--key", w.iss_key, "--no-passphrase", "--credential",
	    id, a1, v1, a2, v2, NULL);
	expect_exit(&o, 0, verb);
	cr_assert_eq(o.err_len, 0, "%s: %s", verb, o.err);
	cr_assert(is_hex64(o.out, "\n") && o.out_len == 65, "%s: %s", verb,
	    o.out);
	out_free(&o);
}

/* verify --credential id in words: its exit status and first line. */
static void
expect_verify(const char *id, int want, const char *status, struct out *o)
{
	char	line[128];

	cli(o, "verify", "--credential", id, NULL);
	expect_exit(o, want, "verify");
	snprintf(line, sizeof(line), "credential %s is %s\n", id, status);
	cr_assert_eq(strncmp(o->out, line, strlen(line)), 0,
	    "want \"%s\", got:\n%s", line, o->out);
}

/* verify --credential id --json: the object, its status checked. */
static json_t *
verify_json(const char *id, int want, const char *status)
{
	json_t	*j = cli_json(want, "verify", "--credential", id, "--json",
	    NULL);

	expect_str(j, "status", status);
	expect_str(j, "credential", id);
	return j;
}

/* What is in the array of reports a: is id there, with status? */
static void
expect_in(const json_t *a, const char *id, const char *status)
{
	size_t	 i;
	json_t	*r;

	cr_assert(json_is_array(a));
	json_array_foreach(a, i, r) {
		if (strcmp(jstr(r, "credential"), id) == 0) {
			expect_str(r, "status", status);
			return;
		}
	}
	cr_assert_fail("credential %s is not in the answer", id);
}

Test(verbs_node, credential_life)
{
	char		 doc[PATH_CAP], id[HEX_LEN], salt[HEX_LEN];
	char		 sha[HEX_LEN], ref[HEX_LEN], want[256];
	struct out	 o;
	json_t		*j;

	world_up();
	sample(doc, SAMPLE_DOC);
	issue(id, salt, "--holder-id", LEARNER, "--document", doc,
	    "--local-ref", "BTA-2026-0417");

	expect_verify(id, 0, "valid", &o);
	snprintf(want, sizeof(want), "issuer:            %s (DE), "
	    "DE-HRB-20931\n", ISSUER_NAME);
	expect_has(o.out, want, "verify");
	expect_has(o.out, "accredited:        yes, by EU Micro-Credential "
	    "Consortium (BE)", "verify");
	file_sha256(doc, sha);
	snprintf(want, sizeof(want), "document sha256:   %s\n", sha);
	expect_has(o.out, want, "verify");
	expect_has(o.out, "proof checked: 3 signed events, every signature "
	    "valid\n", "verify");
	out_free(&o);

	j = verify_json(id, 0, "valid");
	expect_true(j, "proof_checked", true);
	cr_assert_eq(jint(j, "proof_events"), 3);
	expect_str(j, "node_status", "valid");
	expect_null(j, "error");
	expect_str(j, "issuer.key", w.iss_pk);
	expect_str(j, "issuer.name", ISSUER_NAME);
	expect_true(j, "issuer.accredited", true);
	expect_str(j, "issuer.accredited_by.key", w.auth_pk);
	expect_str(j, "achievement.id", w.ach);
	expect_str(j, "achievement.quality_assurance", QA);
	expect_str(j, "holder.kind", "salted");
	/* the reference is the documented hash of the salt it printed */
	holder_ref(salt, LEARNER, ref);
	expect_str(j, "holder.ref", ref);
	expect_str(j, "document_digest", sha);
	expect_str(j, "local_ref", "BTA-2026-0417");
	expect_str(j, "supervision", "none");
	expect_null(j, "revocation");
	expect_null(j, "suspension");
	json_decref(j);

	change("suspend", id, "--reason", "identity check pending", NULL,
	    NULL);
	expect_verify(id, 1, "suspended", &o);
	expect_has(o.out, ": identity check pending\n", "verify suspended");
	expect_has(o.out, "proof checked: 4 signed events", "verify");
	out_free(&o);
	j = verify_json(id, 1, "suspended");
	expect_true(j, "proof_checked", true);
	expect_str(j, "suspension.reason", "identity check pending");
	json_decref(j);

	change("reinstate", id, NULL, NULL, NULL, NULL);
	expect_verify(id, 0, "valid", &o);
	out_free(&o);
	j = verify_json(id, 0, "valid");
	expect_null(j, "suspension");
	json_decref(j);

	change("revoke", id, "--reason-code", "4", "--reason",
	    "assessment annulled: exam not supervised as declared");
	expect_verify(id, 1, "revoked", &o);
	expect_has(o.out, ", reason code 4: assessment annulled: exam not "
	    "supervised as declared\n", "verify revoked");
	out_free(&o);
	j = verify_json(id, 1, "revoked");
	expect_true(j, "proof_checked", true);
	cr_assert_eq(jint(j, "revocation.code"), 4);
	expect_str(j, "revocation.reason", "assessment annulled: exam not "
	    "supervised as declared");
	json_decref(j);

	/* final: a reinstate after it is void, and said to be */
	cli(&o, "reinstate", "--key", w.iss_key, "--no-passphrase",
	    "--credential", id, NULL);
	expect_exit(&o, 0, "reinstate of a revoked credential");
	expect_has(o.err, "is void", "reinstate of a revoked credential");
	out_free(&o);
	expect_verify(id, 1, "revoked", &o);
	out_free(&o);
}

Test(verbs_node, by_id_document_and_holder)
{
	char		 doc[PATH_CAP], doc2[PATH_CAP], other[PATH_CAP];
	char		 a[HEX_LEN], b[HEX_LEN], c[HEX_LEN], salt[HEX_LEN];
	char		 salt2[HEX_LEN], again[HEX_LEN], ref[HEX_LEN];
	char		 wallet[HEX_LEN], want[200];
	struct out	 o;
	json_t		*j, *arr;

	world_up();
	sample(doc, SAMPLE_DOC);
	sample(doc2, SAMPLE_DOC2);
	issue(a, salt, "--holder-id", LEARNER, "--document", doc, NULL,
	    NULL);
	/* the same learner again, with her salt: the same reference */
	issue(b, again, "--holder-id", LEARNER, "--salt", salt, "--document",
	    doc2);
	cr_assert_str_eq(again, salt, "issue --salt printed another salt");
	/* another learner */
	issue(c, salt2, "--holder-id", "jaan.tamm@example.ee", NULL, NULL,
	    NULL, NULL);

	/* the reference to look her up by, as verify shows it */
	j = verify_json(a, 0, "valid");
	snprintf(ref, sizeof(ref), "%s", jstr(j, "holder.ref"));
	json_decref(j);
	j = verify_json(b, 0, "valid");
	expect_str(j, "holder.ref", ref);
	json_decref(j);

	/* by document: the same file, as the learner shows it */
	cli(&o, "verify", "--document", doc, NULL);
	expect_exit(&o, 0, "verify --document");
	snprintf(want, sizeof(want), "credential %s is valid\n", a);
	cr_assert_eq(strncmp(o.out, want, strlen(want)), 0, "%s", o.out);
	cr_assert_null(strstr(o.out, b), "another document's credential");
	out_free(&o);
	arr = cli_json(0, "verify", "--document", doc, "--json", NULL);
	cr_assert_eq(json_array_size(arr), 1);
	expect_in(arr, a, "valid");
	expect_true(json_array_get(arr, 0), "proof_checked", true);
	json_decref(arr);

	/* by holder: both of hers, not the other learner's */
	cli(&o, "verify", "--holder-ref", ref, NULL);
	expect_exit(&o, 0, "verify --holder-ref");
	snprintf(want, sizeof(want), "credential %s is valid\n", a);
	expect_has(o.out, want, "verify --holder-ref");
	snprintf(want, sizeof(want), "credential %s is valid\n", b);
	expect_has(o.out, want, "verify --holder-ref");
	cr_assert_null(strstr(o.out, c), "the other learner's credential");
	out_free(&o);
	arr = cli_json(0, "verify", "--holder-ref", ref, "--json", NULL);
	cr_assert_eq(json_array_size(arr), 2);
	expect_in(arr, a, "valid");
	expect_in(arr, b, "valid");
	json_decref(arr);

	/* one of them revoked: the answer for the holder is not "valid" */
	change("revoke", b, "--reason-code", "3", "--reason", "superseded");
	arr = cli_json(1, "verify", "--holder-ref", ref, "--json", NULL);
	cr_assert_eq(json_array_size(arr), 2);
	expect_in(arr, a, "valid");
	expect_in(arr, b, "revoked");
	json_decref(arr);

	/* a learner named by her wallet key is found by it */
	issue(wallet, NULL, "--holder-key", w.auth_pk, NULL, NULL, NULL,
	    NULL);
	j = verify_json(wallet, 0, "valid");
	expect_str(j, "holder.kind", "wallet");
	expect_str(j, "holder.ref", w.auth_pk);
	json_decref(j);
	arr = cli_json(0, "verify", "--holder-ref", w.auth_pk, "--json", NULL);
	cr_assert_eq(json_array_size(arr), 1);
	expect_in(arr, wallet, "valid");
	json_decref(arr);

	/* nothing under a document or holder: exit 1, said so */
	file_in(other, w.dir, "never-issued.txt");
	write_text(other, "not a credential\n", 17);
	cli(&o, "verify", "--document", other, NULL);
	expect_exit(&o, 1, "verify --document of another file");
	expect_has(o.out, "no credential has the document's digest",
	    "verify --document");
	out_free(&o);
	arr = cli_json(1, "verify", "--holder-ref", "00000000000000000000"
	    "00000000000000000000000000000000000000000000", "--json", NULL);
	cr_assert_eq(json_array_size(arr), 0);
	json_decref(arr);
}

Test(verbs_node, expired_and_unknown)
{
	static const char	unknown[] = "5e1f0000000000000000000000000000"
	    "00000000000000000000000000000001";
	char			id[HEX_LEN];
	struct out		o;
	json_t			*j;

	world_up();
	issue(id, NULL, "--holder-ref", "2222222222222222222222222222222222"
	    "222222222222222222222222222222", "--issued-at", "2020-01-01",
	    "--valid-until", "2021-06-30");
	expect_verify(id, 1, "expired", &o);
	expect_has(o.out, "valid until:       2021-06-30\n", "verify");
	expect_has(o.out, "issued:            2020-01-01\n", "verify");
	out_free(&o);
	j = verify_json(id, 1, "expired");
	expect_str(j, "valid_until", "2021-06-30");
	expect_str(j, "issued_at", "2020-01-01");
	expect_true(j, "proof_checked", true);
	json_decref(j);

	expect_verify(unknown, 1, "unknown", &o);
	out_free(&o);
	j = verify_json(unknown, 1, "unknown");
	expect_null(j, "issuer");
	expect_null(j, "error");
	json_decref(j);
}

Test(verbs_node, issued_after_withdrawal)
{
	char		a[HEX_LEN], b[HEX_LEN], c[HEX_LEN];
	const char	*ref = "3333333333333333333333333333333333333333333333"
	    "333333333333333333";
	struct out	o;
	json_t		*j;

	world_up();
	/* the issuer's feed: DEFINE at seq 1, then a at 2 and b at 3 */
	issue(a, NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);
	issue(b, NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);
	cli(&o, "withdraw", "--key", w.auth_key, "--no-passphrase",
	    "--issuer", w.iss_pk, "--after-seq", "3", "--reason",
	    "accreditation lapsed", NULL);
	expect_exit(&o, 0, "withdraw");
	out_free(&o);
	issue(c, NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);

	expect_verify(c, 1, "issuer_withdrawn", &o);
	expect_has(o.out, "withdrawn:         after seq 3 of its feed: "
	    "accreditation lapsed\n", "verify");
	expect_has(o.out, "accredited:        not for this credential",
	    "verify");
	out_free(&o);
	j = verify_json(c, 1, "issuer_withdrawn");
	expect_true(j, "issuer.accredited", false);
	cr_assert_eq(jint(j, "issuer.withdrawn_after_seq"), 3);
	expect_true(j, "proof_checked", true);
	json_decref(j);

	/* at or before seq 3: still valid, the withdrawal told */
	expect_verify(a, 0, "valid", &o);
	out_free(&o);
	j = verify_json(b, 0, "valid");
	expect_true(j, "issuer.accredited", true);
	cr_assert_eq(jint(j, "issuer.withdrawn_after_seq"), 3);
	json_decref(j);

	j = cli_json(1, "verify", "--holder-ref", ref, "--json", NULL);
	cr_assert_eq(json_array_size(j), 3);
	expect_in(j, a, "valid");
	expect_in(j, b, "valid");
	expect_in(j, c, "issuer_withdrawn");
	json_decref(j);

	j = cli_json(0, "status", "--json", NULL);
	cr_assert_eq(jint(j, "events_by_type.WITHDRAW"), 1);
	cr_assert_eq(jint(j, "events_by_type.ISSUE"), 3);
	cr_assert_eq(jint(j, "credentials"), 3);
	cr_assert_eq(jint(j, "log_size"), 6);
	json_decref(j);
}

/* The report without what only a node can say, for offline answers. */
static json_t *
offline_view(json_t *j)
{
	cr_assert_eq(json_object_del(j, "node_status"), 0);
	return j;
}

Test(verbs_node, saved_bundle_offline)
{
	char		 good[HEX_LEN], bad[HEX_LEN], gf[PATH_CAP];
	char		 bf[PATH_CAP], other[PATH_CAP], other_key[PATH_CAP];
	char		 other_pk[HEX_LEN];
	char		 auth[100], netid[HEX_LEN], line[128];
	const char	*ref = "4444444444444444444444444444444444444444444444"
	    "444444444444444444";
	struct out	 o;
	json_t		*on_good, *on_bad, *off;

	world_up();
	issue(good, NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);
	issue(bad, NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);
	change("revoke", bad, "--reason-code", "2", "--reason", "fraud");
	file_in(gf, w.dir, "good.bundle");
	file_in(bf, w.dir, "bad.bundle");

	cli(&o, "verify", "--credential", good, "--save-bundle", gf, NULL);
	expect_exit(&o, 0, "verify --save-bundle");
	out_free(&o);
	cli(&o, "verify", "--credential", bad, "--save-bundle", bf, NULL);
	expect_exit(&o, 1, "verify --save-bundle");
	out_free(&o);
	on_good = offline_view(verify_json(good, 0, "valid"));
	on_bad = offline_view(verify_json(bad, 1, "revoked"));

	/* another network: its genesis names another authority */
	keygen(other_key, "other-authority.key", other_pk);
	snprintf(auth, sizeof(auth), "%s,Another Consortium,FR", other_pk);
	file_in(other, w.dir, "other-genesis.cl");
	cli_id(netid, "genesis", "--name", "cli-test", "--authority", auth,
	    "--out", other, NULL);
	cr_assert_str_neq(netid, w.netid);
	cli(&o, "verify", "--credential", good, "--genesis", other, NULL);
	expect_exit(&o, 2, "verify --genesis of another network");
	expect_has(o.err, "another network", "verify --genesis");
	out_free(&o);

	cr_assert_eq(h_node_stop(&w.n), 0, "the node's exit status");

	/* no node at all: the saved proofs give the same answers */
	off = cli_json(0, "verify", "--bundle", gf, "--genesis", w.genesis,
	    "--json", NULL);
	cr_assert(json_equal(offline_view(off), on_good),
	    "offline: %s\nonline: %s", json_dumps(off, 0),
	    json_dumps(on_good, 0));
	json_decref(off);
	off = cli_json(1, "verify", "--bundle", bf, "--genesis", w.genesis,
	    "--credential", bad, "--json", NULL);
	cr_assert(json_equal(offline_view(off), on_bad),
	    "offline: %s\nonline: %s", json_dumps(off, 0),
	    json_dumps(on_bad, 0));
	json_decref(off);
	cli(&o, "verify", "--bundle", bf, "--genesis", w.genesis, NULL);
	expect_exit(&o, 1, "verify --bundle");
	snprintf(line, sizeof(line), "credential %s is revoked\n", bad);
	cr_assert_eq(strncmp(o.out, line, strlen(line)), 0, "%s", o.out);
	expect_has(o.out, "reason code 2: fraud\n", "verify --bundle");
	out_free(&o);

	/* against another network's genesis the proof does not check */
	cli(&o, "verify", "--bundle", gf, "--genesis", other, "--credential",
	    good, NULL);
	expect_exit(&o, 2, "verify --bundle --genesis of another network");
	snprintf(line, sizeof(line), "credential %s is NOT verified: ", good);
	cr_assert_eq(strncmp(o.out, line, strlen(line)), 0, "%s", o.out);
	out_free(&o);
	off = cli_json(2, "verify", "--bundle", gf, "--genesis", other,
	    "--json", NULL);
	expect_true(off, "proof_checked", false);
	cr_assert(json_is_string(jget(off, "error")));
	json_decref(off);
	json_decref(on_good);
	json_decref(on_bad);
}

Test(verbs_node, restart_keeps_everything)
{
	static const char *const	 want[3] = { "valid", "suspended",
	    "revoked" };
	char				 id[4][HEX_LEN], digest[HEX_LEN];
	const char			*ref = "55555555555555555555555555"
	    "55555555555555555555555555555555555555";
	json_t				*before[3], *after, *st, *st2;
	int				 i;

	world_up();
	for (i = 0; i < 3; i++)
		issue(id[i], NULL, "--holder-ref", ref, NULL, NULL, NULL,
		    NULL);
	change("suspend", id[1], "--reason", "audit", NULL, NULL);
	change("revoke", id[2], "--reason-code", "1", "--reason",
	    "issued in error");
	for (i = 0; i < 3; i++)
		before[i] = verify_json(id[i], i == 0 ? 0 : 1, want[i]);
	st = cli_json(0, "status", "--json", NULL);
	snprintf(digest, sizeof(digest), "%s", jstr(st, "digest"));

	cr_assert_eq(h_node_stop(&w.n), 0, "the node's exit status");
	h_node_restart(&w.n, NULL);
	use_node();

	for (i = 0; i < 3; i++) {
		after = verify_json(id[i], i == 0 ? 0 : 1, want[i]);
		cr_assert(json_equal(after, before[i]), "after: %s\n"
		    "before: %s", json_dumps(after, 0),
		    json_dumps(before[i], 0));
		json_decref(after);
		json_decref(before[i]);
	}
	st2 = cli_json(0, "status", "--json", NULL);
	expect_str(st2, "digest", digest);
	expect_str(st2, "node", w.n.node_hex);
	cr_assert(json_equal(jget(st2, "events_by_type"),
	    jget(st, "events_by_type")));
	cr_assert_eq(jint(st2, "log_size"), jint(st, "log_size"));
	cr_assert_eq(jint(st2, "credentials"), 3);
	cr_assert_eq(jint(st2, "feeds"), 2);
	json_decref(st2);
	json_decref(st);

	/* the issuer's feed goes on where it was */
	issue(id[3], NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);
	after = verify_json(id[3], 0, "valid");
	json_decref(after);
}

Test(verbs_node, kill9_after_batch)
{
	char		 batch[PATH_CAP], id[HEX_LEN], *text, *p;
	char		 (*ids)[HEX_LEN];
	size_t		 cap = (size_t)BATCH_CNT * 200, len = 0;
	struct out	 o, v;
	json_t		*st;
	int		 i, salted = 0;

	world_up();
	text = malloc(cap);
	ids = calloc(BATCH_CNT, sizeof(*ids));
	cr_assert(text != NULL && ids != NULL);
	for (i = 0; i < BATCH_CNT; i++) {
		/* every tenth learner by identity: "<id> <salt>" lines */
		if (i % 10 == 0)
			len += (size_t)snprintf(text + len, cap - len,
			    "{\"holder_id\": \"learner-%d@example.eu\", "
			    "\"local_ref\": \"B-%d\"}\n", i, i);
		else
			len += (size_t)snprintf(text + len, cap - len,
			    "{\"holder_ref\": \"%064x\", \"grade\": \"%d/100\"}"
			    "\n", (unsigned)i + 1, 50 + i % 50);
		cr_assert_lt(len, cap);
	}
	file_in(batch, w.dir, "batch.jsonl");
	write_text(batch, text, len);
	free(text);

	cli(&o, "issue", "--key", w.iss_key, "--no-passphrase",
	    "--achievement", w.ach, "--batch", batch, NULL);
	expect_exit(&o, 0, "issue --batch");
	/* printed: acknowledged, so held; kill before anything else */
	h_node_kill9(&w.n);
	for (i = 0, p = o.out; i < BATCH_CNT; i++) {
		cr_assert(is_hex64(p, "\n "), "line %d: %.80s", i, p);
		memcpy(ids[i], p, 64);
		ids[i][64] = '\0';
		if (p[64] == ' ') {
			cr_assert(is_hex64(p + 65, "\n"), "salt %d", i);
			salted++;
			p += 65;
		}
		cr_assert_eq(p[64], '\n');
		p += 65;
	}
	cr_assert_eq(*p, '\0', "more than %d lines", BATCH_CNT);
	cr_assert_eq(salted, BATCH_CNT / 10);
	out_free(&o);

	h_node_restart(&w.n, NULL);
	use_node();
	for (i = 0; i < BATCH_CNT; i++) {
		cli(&v, "verify", "--credential", ids[i], NULL);
		expect_exit(&v, 0, ids[i]);
		line_id(v.out + strlen("credential "), 0, id);
		cr_assert_str_eq(id, ids[i]);
		cr_assert_eq(strncmp(v.out + strlen("credential ") + 64,
		    " is valid\n", 10), 0, "%s", v.out);
		out_free(&v);
	}
	st = cli_json(0, "status", "--json", NULL);
	cr_assert_eq(jint(st, "credentials"), BATCH_CNT);
	cr_assert_eq(jint(st, "events_by_type.ISSUE"), BATCH_CNT);
	/* counted in the batch's commit, so kept across the kill too */
	cr_assert_eq(jint(st, "credentials_by_state.active"), BATCH_CNT);
	cr_assert_eq(jint(st, "credentials_by_state.suspended"), 0);
	cr_assert_eq(jint(st, "credentials_by_state.revoked"), 0);
	json_decref(st);
	free(ids);
}

Test(verbs_node, status_matches_what_was_done)
{
	char		 a[HEX_LEN], b[HEX_LEN], want[128];
	const char	*ref = "6666666666666666666666666666666666666666666666"
	    "666666666666666666";
	struct out	 o;
	json_t		*j;

	world_up();
	issue(a, NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);
	issue(b, NULL, "--holder-ref", ref, NULL, NULL, NULL, NULL);
	change("suspend", a, NULL, NULL, NULL, NULL);
	change("revoke", b, NULL, NULL, NULL, NULL);

	j = cli_json(0, "status", "--json", NULL);
	/* the node key of its ready line, the network of the genesis */
	expect_str(j, "node", w.n.node_hex);
	expect_str(j, "network_id", w.netid);
	expect_str(j, "network_name", "cli-test");
	cr_assert_eq(jint(j, "events_by_type.ACCREDIT"), 1);
	cr_assert_eq(jint(j, "events_by_type.WITHDRAW"), 0);
	cr_assert_eq(jint(j, "events_by_type.DEFINE"), 1);
	cr_assert_eq(jint(j, "events_by_type.ISSUE"), 2);
	cr_assert_eq(jint(j, "events_by_type.SUSPEND"), 1);
	cr_assert_eq(jint(j, "events_by_type.REINSTATE"), 0);
	cr_assert_eq(jint(j, "events_by_type.REVOKE"), 1);
	cr_assert_eq(jint(j, "log_size"), 6);
	cr_assert_eq(jint(j, "feeds"), 2);
	cr_assert_eq(jint(j, "credentials"), 2);
	cr_assert_eq(jint(j, "credentials_by_state.active"), 0);
	cr_assert_eq(jint(j, "credentials_by_state.suspended"), 1);
	cr_assert_eq(jint(j, "credentials_by_state.revoked"), 1);
	cr_assert_eq(jint(j, "forks"), 0);
	cr_assert_eq(jint(j, "void_events"), 0);
	cr_assert_eq(jint(j, "submitted"), 6);
	cr_assert_eq(jint(j, "accepted"), 6);
	cr_assert(is_hex64(jstr(j, "digest"), ""));
	json_decref(j);

	cli(&o, "status", NULL);
	expect_exit(&o, 0, "status");
	snprintf(want, sizeof(want), "node key:      %s\n", w.n.node_hex);
	expect_has(o.out, want, "status");
	snprintf(want, sizeof(want), "network id:    %s\n", w.netid);
	expect_has(o.out, want, "status");
	expect_has(o.out, "events:        6 in 2 feeds\n", "status");
	expect_has(o.out, "credentials:   2; by their issuer's last word",
	    "status");
	expect_has(o.out, "\n  active       0\n  suspended    1\n"
	    "  revoked      1\n", "status");
	out_free(&o);

	/* reinstated: active again; the revoked one stays revoked */
	change("reinstate", a, NULL, NULL, NULL, NULL);
	j = cli_json(0, "status", "--json", NULL);
	cr_assert_eq(jint(j, "credentials_by_state.active"), 1);
	cr_assert_eq(jint(j, "credentials_by_state.suspended"), 0);
	cr_assert_eq(jint(j, "credentials_by_state.revoked"), 1);
	json_decref(j);
}

Test(verbs_node, bad_usage_names_the_value)
{
	static const char	id[] = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	char			key[PATH_CAP], pk[HEX_LEN];
	struct out		o;

	/* no node: nothing here may reach one */
	memset(&w, 0, sizeof(w));
	snprintf(w.dir, sizeof(w.dir), "/tmp/cl-cli-XXXXXX");
	cr_assert_not_null(mkdtemp(w.dir));
	cr_assert_eq(setenv("CREDLEDGER_NODE", "127.0.0.1:1", 1), 0);
	keygen(key, "issuer.key", pk);

	cli(&o, "verify", "--credential", "0123abc", NULL);
	expect_exit(&o, 2, "verify, a short id");
	expect_has(o.err, "bad --credential '0123abc': want 64 hex digits",
	    "verify");
	cr_assert_eq(o.out_len, 0, "verify printed: %s", o.out);
	out_free(&o);
	cli(&o, "revoke", "--key", key, "--no-passphrase", "--credential",
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
	    NULL);
	expect_exit(&o, 2, "revoke, a bad hex digit");
	expect_has(o.err, "bad --credential '0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdeg'", "revoke");
	out_free(&o);
	cli(&o, "revoke", "--key", key, "--no-passphrase", "--credential",
	    id, "--reason-code", "12", NULL);
	expect_exit(&o, 2, "revoke --reason-code 12");
	expect_has(o.err, "bad --reason-code '12'", "revoke");
	out_free(&o);
	cli(&o, "verify", "--credential", id, "--frobnicate", NULL);
	expect_exit(&o, 2, "verify, an unknown option");
	expect_has(o.err, "'--frobnicate'", "verify");
	out_free(&o);
	cli(&o, "issue", "--achievement", id, "--holder-ref", id, NULL);
	expect_exit(&o, 2, "issue without --key");
	expect_has(o.err, "missing --key", "issue");
	out_free(&o);
	cli(&o, "issue", "--key", key, "--no-passphrase", "--achievement", id,
	    "--holder-ref", id, "--valid-until", "2021-13-45", NULL);
	expect_exit(&o, 2, "issue --valid-until 2021-13-45");
	expect_has(o.err, "'2021-13-45'", "issue");
	out_free(&o);
	cli(&o, "issue", "--key", key, "--no-passphrase", "--achievement", id,
	    "--holder-ref", id, "--issued-at", "2024-05-01", "--valid-until",
	    "2024-04-30", NULL);
	expect_exit(&o, 2, "issue, valid until before issued");
	expect_has(o.err, "--valid-until", "issue");
	out_free(&o);
	cli(&o, "status", "--node", "127.0.0.1:99999", NULL);
	expect_exit(&o, 2, "status --node 127.0.0.1:99999");
	expect_has(o.err, "bad --node '127.0.0.1:99999'", "status");
	out_free(&o);
	cli(&o, "frobnicate", NULL);
	expect_exit(&o, 2, "an unknown verb");
	expect_has(o.err, "'frobnicate'", "credledger");
	out_free(&o);
}

Test(verbs_node, no_node_listening)
{
	static const char	id[] = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	struct sockaddr_in	sa;
	socklen_t		sl = sizeof(sa);
	char			key[PATH_CAP], pk[HEX_LEN], node[32], want[64];
	struct out		o;
	int			fd;

	memset(&w, 0, sizeof(w));
	snprintf(w.dir, sizeof(w.dir), "/tmp/cl-cli-XXXXXX");
	cr_assert_not_null(mkdtemp(w.dir));
	keygen(key, "issuer.key", pk);
	/* a port held, bound and not listening: connections are refused */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(node, sizeof(node), "127.0.0.1:%u",
	    (unsigned)ntohs(sa.sin_port));
	snprintf(want, sizeof(want), "cannot reach the node at %s", node);
	cr_assert_eq(unsetenv("CREDLEDGER_NODE"), 0);

	cli(&o, "verify", "--credential", id, "--node", node, NULL);
	expect_exit(&o, 2, "verify with no node");
	expect_has(o.err, want, "verify");
	cr_assert_eq(o.out_len, 0, "verify printed: %s", o.out);
	out_free(&o);
	cli(&o, "issue", "--key", key, "--no-passphrase", "--achievement", id,
	    "--holder-ref", id, "--node", node, NULL);
	expect_exit(&o, 1, "issue with no node");
	expect_has(o.err, want, "issue");
	cr_assert_eq(o.out_len, 0, "issue printed: %s", o.out);
	out_free(&o);
	close(fd);
}
