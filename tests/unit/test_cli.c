/* SPDX-License-Identifier: Apache-2.0 */
/* The credledger command, run as a process: verbs, output, exit codes. */
#include <criterion/criterion.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "achievement.h"
#include "event.h"
#include "genesis.h"
#include "hex.h"
#include "util.h"

extern char	**environ;

#define OUT_MAX		65536
#define ARGS_MAX	160

/* What a run of the command left: its exit status and its output. */
struct run {
	int	status;		/* exit status, or -1 if killed */
	char	out[OUT_MAX];
	size_t	out_len;
	char	err[OUT_MAX];
	size_t	err_len;
};

static char	dir[64];

static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");
	int		 n;

	cr_assert(sodium_init() >= 0);
	cr_assert_not_null(getenv("CL_CREDLEDGER"),
	    "CL_CREDLEDGER must name the credledger binary (CTest sets it)");
	n = snprintf(dir, sizeof(dir), "%s/cl-cli-XXXXXX",
	    tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
	cr_assert(n > 0 && (size_t)n < sizeof(dir));
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	struct dirent	*e;
	DIR		*d;
	char		 p[256];
	int		 n;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n = snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (n > 0 && (size_t)n < sizeof(p))
			(void)unlink(p);
	}
	(void)closedir(d);
	(void)rmdir(dir);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 120);

/* A path in the test directory; each call returns a new buffer. */
static const char *
path(const char *name)
{
	static char	bufs[8][192];
	static int	next;
	char		*p = bufs[next++ % 8];
	int		 n;

	n = snprintf(p, sizeof(bufs[0]), "%s/%s", dir, name);
	cr_assert(n > 0 && (size_t)n < sizeof(bufs[0]));
	return p;
}

/* Read what is there on fd into buf; false at end of file. */
static bool
drain(int fd, char *buf, size_t *len)
{
	ssize_t	n;

	cr_assert(*len < OUT_MAX - 1, "output over %d bytes", OUT_MAX);
	do
		n = read(fd, buf + *len, OUT_MAX - 1 - *len);
	while (n < 0 && errno == EINTR);
	cr_assert(n >= 0, "read: %s", strerror(errno));
	*len += (size_t)n;
	buf[*len] = '\0';
	return n > 0;
}

/*
 * Run credledger with the NULL-terminated args, stdin from /dev/null,
 * and collect stdout, stderr and the exit status.
 */
static void
runv(struct run *r, const char *const *args)
{
	posix_spawn_file_actions_t	 fa;
	struct pollfd			 pfd[2];
	char				*argv[ARGS_MAX + 2];
	int				 out[2], err[2], st, i;
	pid_t				 pid;

	memset(r, 0, sizeof(*r));
	argv[0] = getenv("CL_CREDLEDGER");
	for (i = 0; args[i] != NULL; i++) {
		cr_assert(i < ARGS_MAX);
		argv[i + 1] = (char *)(uintptr_t)args[i];
	}
	argv[i + 1] = NULL;
	cr_assert_eq(pipe(out), 0);
	cr_assert_eq(pipe(err), 0);
	cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
	cr_assert_eq(posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0), 0);
	cr_assert_eq(posix_spawn_file_actions_adddup2(&fa, out[1],
	    STDOUT_FILENO), 0);
	cr_assert_eq(posix_spawn_file_actions_adddup2(&fa, err[1],
	    STDERR_FILENO), 0);
	cr_assert_eq(posix_spawn_file_actions_addclose(&fa, out[0]), 0);
	cr_assert_eq(posix_spawn_file_actions_addclose(&fa, out[1]), 0);
	cr_assert_eq(posix_spawn_file_actions_addclose(&fa, err[0]), 0);
	cr_assert_eq(posix_spawn_file_actions_addclose(&fa, err[1]), 0);
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0,
	    "cannot run %s", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	(void)close(out[1]);
	(void)close(err[1]);

	/* Both pipes at once, so that a full one cannot block the child. */
	pfd[0].fd = out[0];
	pfd[1].fd = err[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			cr_assert_eq(errno, EINTR);
			continue;
		}
		if (pfd[0].revents != 0 && !drain(out[0], r->out, &r->out_len))
			pfd[0].fd = -1;
		if (pfd[1].revents != 0 && !drain(err[0], r->err, &r->err_len))
			pfd[1].fd = -1;
	}
	(void)close(out[0]);
	(void)close(err[0]);
	while (waitpid(pid, &st, 0) < 0)
		cr_assert_eq(errno, EINTR);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define RUN(r, ...)	runv((r), (const char *const[]){ __VA_ARGS__, NULL })

static void
expect_status(const struct run *r, int want)
{
	cr_assert_eq(r->status, want, "exit %d, want %d\nstdout: %s\n"
	    "stderr: %s", r->status, want, r->out, r->err);
}

static void
expect_err(const struct run *r, int want, const char *msg)
{
	expect_status(r, want);
	cr_assert_not_null(strstr(r->err, msg), "stderr lacks \"%s\": %s",
	    msg, r->err);
}

/* The output is one line of 64 lower-case hex digits; returns it. */
static void
expect_hex_line(const struct run *r, char hex[static 65])
{
	size_t	i;

	expect_status(r, 0);
	cr_assert_eq(r->out_len, 65, "stdout: %s", r->out);
	cr_assert_eq(r->out[64], '\n');
	for (i = 0; i < 64; i++)
		cr_assert(strchr("0123456789abcdef", r->out[i]) != NULL &&
		    r->out[i] != '\0', "stdout: %s", r->out);
	memcpy(hex, r->out, 64);
	hex[64] = '\0';
}

static void
write_text(const char *p, const char *text)
{
	cr_assert_eq(cl_tool_write_file(p, text, strlen(text), 0600, true),
	    CL_OK);
}

/* A new plain key in the test directory; its public key into hex. */
static void
keygen(const char *name, char hex[static 65])
{
	struct run	r;

	RUN(&r, "keygen", "--out", path(name), "--no-passphrase");
	expect_hex_line(&r, hex);
}

Test(cli, no_arguments)
{
	struct run	r;

	runv(&r, (const char *const[]){ NULL });
	expect_err(&r, 2, "usage: credledger");
	cr_assert_eq(r.out_len, 0);
}

Test(cli, help_and_version)
{
	struct run	r;

	RUN(&r, "--help");
	expect_status(&r, 0);
	cr_assert_not_null(strstr(r.out, "usage: credledger"));
	cr_assert_not_null(strstr(r.out, "keygen"));
	cr_assert_not_null(strstr(r.out, "demo"));
	RUN(&r, "-h");
	expect_status(&r, 0);
	RUN(&r, "--version");
	expect_status(&r, 0);
	cr_assert_eq(strncmp(r.out, "credledger ", 11), 0, "%s", r.out);
}

Test(cli, unknown_verb)
{
	struct run	r;

	RUN(&r, "frobnicate");
	expect_err(&r, 2, "credledger: unknown verb 'frobnicate'");
	cr_assert_eq(r.out_len, 0);
}

Test(cli, verb_help)
{
	static const char *const	verbs[] = {
		"keygen", "pubkey", "genesis", "define-elm", "demo"
	};
	struct run			r;
	size_t				i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		RUN(&r, verbs[i], "--help");
		expect_status(&r, 0);
		cr_assert_not_null(strstr(r.out, "usage"), "%s: %s",
		    verbs[i], r.out);
		cr_assert_not_null(strstr(r.out, verbs[i]));
		RUN(&r, verbs[i], "-h");
		expect_status(&r, 0);
	}
}

Test(cli, bad_options)
{
	struct run	r;

	RUN(&r, "keygen", "--out", path("k"), "--no-passphrase", "--bogus");
	expect_err(&r, 2, "credledger keygen: unknown option '--bogus'");
	RUN(&r, "keygen", "--out");
	expect_err(&r, 2, "option '--out' needs a value");
	RUN(&r, "keygen", "--out", path("k"), "--force=yes");
	expect_err(&r, 2, "option '--force=yes' takes no value");
	RUN(&r, "keygen", "--no-passphrase", "-xo", path("k"));
	expect_err(&r, 2, "unknown option '-x'");
	RUN(&r, "keygen", "--no-passphrase", "--force", "-fo");
	expect_err(&r, 2, "option '-o' needs a value");
	RUN(&r, "pubkey", "--passphrase-file=x=y", "--help=me");
	expect_err(&r, 2, "option '--help=me' takes no value");
	RUN(&r, "keygen", "--no-passphrase");
	expect_err(&r, 2, "missing --out FILE");
	RUN(&r, "keygen", "--no-passphrase", "--out", path("k"), "-o",
	    path("k2"));
	expect_err(&r, 2, "--out given twice");
	RUN(&r, "keygen", "--out", path("k"), "--no-passphrase",
	    "--passphrase-file", path("p"));
	expect_err(&r, 2, "exclude each other");
	RUN(&r, "pubkey");
	expect_err(&r, 2, "missing the key FILE");
	RUN(&r, "pubkey", path("a"), "extra");
	expect_err(&r, 2, "unexpected argument 'extra'");
	RUN(&r, "genesis", "--created", "12x");
	expect_err(&r, 2, "--created '12x'");
	RUN(&r, "genesis", "--created", "-1");
	expect_err(&r, 2, "--created '-1'");
	cr_assert_eq(access(path("k"), F_OK), -1);
}

Test(cli, keygen_plain_and_pubkey)
{
	struct run	r;
	char		pk[65], again[65];
	struct stat	st;

	keygen("k", pk);
	cr_assert_eq(stat(path("k"), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	RUN(&r, "pubkey", path("k"));
	expect_hex_line(&r, again);
	cr_assert_str_eq(again, pk);
	cr_assert_eq(r.err_len, 0, "stderr: %s", r.err);
}

Test(cli, keygen_passphrase_file)
{
	struct run	r;
	char		pk[65], again[65];

	write_text(path("pass"), "it is a secret\n");
	write_text(path("wrong"), "it is no secret\n");
	RUN(&r, "keygen", "--out", path("k"), "--passphrase-file",
	    path("pass"));
	expect_hex_line(&r, pk);

	/* The public key is in the clear: nothing is asked. */
	RUN(&r, "pubkey", path("k"));
	expect_hex_line(&r, again);
	cr_assert_str_eq(again, pk);

	/* With the passphrase the key is opened, proving both. */
	RUN(&r, "pubkey", path("k"), "--passphrase-file", path("pass"));
	expect_hex_line(&r, again);
	cr_assert_str_eq(again, pk);
	RUN(&r, "pubkey", "--passphrase-file", path("wrong"), path("k"));
	expect_err(&r, 1, "wrong passphrase");
	cr_assert_eq(r.out_len, 0);
	RUN(&r, "pubkey", path("k"), "--passphrase-file", path("none"));
	expect_err(&r, 2, "cannot read passphrase file");
}

Test(cli, keygen_no_terminal)
{
	struct run	r;

	RUN(&r, "keygen", "--out", path("k"));
	expect_err(&r, 2, "credledger keygen: no terminal to ask for a "
	    "passphrase: use --passphrase-file FILE or --no-passphrase");
	cr_assert_eq(r.out_len, 0);
	cr_assert_eq(access(path("k"), F_OK), -1, "a key was written");

	write_text(path("empty"), "\n");
	RUN(&r, "keygen", "--out", path("k"), "--passphrase-file",
	    path("empty"));
	expect_err(&r, 2, "empty line");
	cr_assert_eq(access(path("k"), F_OK), -1, "a key was written");
}

Test(cli, keygen_refuses_overwrite)
{
	struct run	r;
	char		pk[65], pk2[65], again[65];

	keygen("k", pk);
	RUN(&r, "keygen", "--out", path("k"), "--no-passphrase");
	expect_err(&r, 1, "exists: use --force");
	cr_assert_eq(r.out_len, 0);
	RUN(&r, "pubkey", path("k"));
	expect_hex_line(&r, again);
	cr_assert_str_eq(again, pk);

	RUN(&r, "keygen", "--out", path("k"), "--no-passphrase", "--force");
	expect_hex_line(&r, pk2);
	cr_assert_str_neq(pk2, pk);
	RUN(&r, "pubkey", path("k"));
	expect_hex_line(&r, again);
	cr_assert_str_eq(again, pk2);
}

Test(cli, pubkey_of_a_bad_file)
{
	struct run	r;

	write_text(path("junk"), "not a key\n");
	RUN(&r, "pubkey", path("junk"));
	expect_err(&r, 1, "is not a credledger key file");
	RUN(&r, "pubkey", path("none"));
	expect_err(&r, 1, "No such file");
}

/* Read a whole file for the test. */
static uint8_t *
slurp(const char *p, size_t *len)
{
	uint8_t	*buf;

	cr_assert_eq(cl_tool_read_file(p, CL_GENESIS_MAX, &buf, len), CL_OK);
	return buf;
}

Test(cli, genesis_two_authorities)
{
	struct cl_genesis	 g;
	struct run		 r;
	json_error_t		 jerr;
	json_t			*j, *auth;
	uint8_t			*raw, netid[CL_ID_LEN];
	char			 a[65], b[65], id[65], hex[65], arg[128];
	size_t			 len;
	int			 n;

	keygen("a", a);
	keygen("b", b);
	n = snprintf(arg, sizeof(arg), "%s,Agência Nacional, I.P.,PT", a);
	cr_assert(n > 0 && (size_t)n < sizeof(arg));
	RUN(&r, "genesis", "--name", "EU micro-credentials pilot",
	    "--authority", arg, "--authority", b, "--out", path("g"),
	    "--created", "1700000000000");
	expect_hex_line(&r, id);

	/* The network id is SHA-256 of the file, as the decoder says. */
	raw = slurp(path("g"), &len);
	crypto_hash_sha256(netid, raw, len);
	cl_hex_encode(hex, netid, sizeof(netid));
	cr_assert_str_eq(id, hex);
	cr_assert_eq(cl_genesis_decode(&g, raw, len, NULL), CL_OK);
	cl_hex_encode(hex, g.netid, sizeof(g.netid));
	cr_assert_str_eq(id, hex);
	cr_assert_eq(g.version, CL_VERSION);
	cr_assert_eq(g.created, 1700000000000ULL);
	cr_assert_eq(g.auth_cnt, 2);
	cl_genesis_free(&g);
	free(raw);

	/* The same arguments make the same file. */
	RUN(&r, "genesis", "--name", "EU micro-credentials pilot",
	    "--authority", arg, "--authority", b, "--out", path("g"),
	    "--created", "1700000000000", "--force");
	expect_hex_line(&r, hex);
	cr_assert_str_eq(hex, id);

	RUN(&r, "genesis", "--show", path("g"), "--json");
	expect_status(&r, 0);
	j = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(j, "%s: %s", jerr.text, r.out);
	cr_assert_str_eq(json_string_value(json_object_get(j, "name")),
	    "EU micro-credentials pilot");
	cr_assert_eq(json_integer_value(json_object_get(j, "created")),
	    1700000000000LL);
	cr_assert_eq(json_integer_value(json_object_get(j, "version")),
	    CL_VERSION);
	cr_assert_str_eq(json_string_value(json_object_get(j,
	    "network_id")), id);
	auth = json_object_get(j, "authorities");
	cr_assert_eq(json_array_size(auth), 2);
	cr_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(auth, 0), "key")), a);
	cr_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(auth, 0), "org")), "Agência Nacional, I.P.");
	cr_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(auth, 0), "country")), "PT");
	cr_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(auth, 1), "key")), b);
	cr_assert_null(json_object_get(json_array_get(auth, 1), "org"));
	cr_assert_null(json_object_get(json_array_get(auth, 1), "country"));
	json_decref(j);

	RUN(&r, "genesis", "--show", path("g"));
	expect_status(&r, 0);
	cr_assert_not_null(strstr(r.out, "name: EU micro-credentials pilot\n"));
	cr_assert_not_null(strstr(r.out, id));
	cr_assert_not_null(strstr(r.out, a));
	cr_assert_not_null(strstr(r.out, b));
}

Test(cli, genesis_refuses_overwrite)
{
	struct run	r;
	char		a[65], id[65];

	keygen("a", a);
	RUN(&r, "genesis", "--name", "n", "--authority", a, "--out",
	    path("g"));
	expect_hex_line(&r, id);
	RUN(&r, "genesis", "--name", "m", "--authority", a, "--out",
	    path("g"));
	expect_err(&r, 1, "exists: use --force");
	cr_assert_eq(r.out_len, 0);
}

Test(cli, genesis_bad_values)
{
	struct run	r;
	char		a[65], arg[160];
	int		n;

	keygen("a", a);
	RUN(&r, "genesis", "--name", "n", "--authority", "0123xyz",
	    "--out", path("g"));
	expect_err(&r, 2, "'0123xyz'");
	n = snprintf(arg, sizeof(arg), "%.62szz,Org,DE", a);
	cr_assert(n > 0 && (size_t)n < sizeof(arg));
	arg[64] = '\0';
	RUN(&r, "genesis", "--name", "n", "--authority", arg, "--out",
	    path("g"));
	expect_err(&r, 2, arg);
	n = snprintf(arg, sizeof(arg), "%s,Org,de", a);
	cr_assert(n > 0 && (size_t)n < sizeof(arg));
	RUN(&r, "genesis", "--name", "n", "--authority", arg, "--out",
	    path("g"));
	expect_err(&r, 2, "country 'de'");
	n = snprintf(arg, sizeof(arg), "%s,Org,DEU", a);
	cr_assert(n > 0 && (size_t)n < sizeof(arg));
	RUN(&r, "genesis", "--name", "n", "--authority", arg, "--out",
	    path("g"));
	expect_err(&r, 2, "country 'DEU'");
	n = snprintf(arg, sizeof(arg), "%s,Org", a);
	cr_assert(n > 0 && (size_t)n < sizeof(arg));
	RUN(&r, "genesis", "--name", "n", "--authority", arg, "--out",
	    path("g"));
	expect_err(&r, 2, "want HEXKEY or HEXKEY,ORG,COUNTRY");
	RUN(&r, "genesis", "--name", "n", "--authority", a, "--authority",
	    a, "--out", path("g"));
	expect_err(&r, 2, "duplicate --authority key");
	RUN(&r, "genesis", "--name", "", "--authority", a, "--out",
	    path("g"));
	expect_err(&r, 2, "--name is empty");
	RUN(&r, "genesis", "--name", "n", "--out", path("g"));
	expect_err(&r, 2, "missing --authority");
	RUN(&r, "genesis", "--name", "n", "--authority", a);
	expect_err(&r, 2, "missing --out FILE");
	RUN(&r, "genesis", "--show", path("g"), "--name", "n");
	expect_err(&r, 2, "--show takes no other option");
	cr_assert_eq(access(path("g"), F_OK), -1, "a genesis was written");
}

Test(cli, genesis_too_many_authorities)
{
	const char	*args[3 + 2 * (CL_AUTHORITIES_MAX + 1) + 3];
	static char	 keys[CL_AUTHORITIES_MAX + 1][65];
	uint8_t		 pk[CL_PK_LEN];
	struct run	 r;
	size_t		 i, n = 0;

	args[n++] = "genesis";
	args[n++] = "--name";
	args[n++] = "n";
	for (i = 0; i <= CL_AUTHORITIES_MAX; i++) {
		randombytes_buf(pk, sizeof(pk));
		cl_hex_encode(keys[i], pk, sizeof(pk));
		args[n++] = "--authority";
		args[n++] = keys[i];
	}
	args[n++] = "--out";
	args[n++] = path("g");
	args[n] = NULL;
	runv(&r, args);
	expect_err(&r, 2, keys[CL_AUTHORITIES_MAX]);
	cr_assert_not_null(strstr(r.err, "more than 64 authorities"), "%s",
	    r.err);

	/* CL_AUTHORITIES_MAX is fine. */
	args[n - 4] = "--out";
	args[n - 3] = path("g");
	args[n - 2] = NULL;
	runv(&r, args);
	expect_status(&r, 0);
}

Test(cli, genesis_show_bad_file)
{
	struct run	r;

	write_text(path("g"), "not a genesis");
	RUN(&r, "genesis", "--show", path("g"));
	expect_err(&r, 1, "is not a genesis file");
	RUN(&r, "genesis", "--show", path("none"), "--json");
	expect_err(&r, 1, "No such file");
	cr_assert_eq(r.out_len, 0);
}

#define ANNEX1	"elm-v3-microcredential-annex1-sample.jsonld"
#define QA	"Programme accreditation by Quality and Qualifications "	\
		"Ireland"

/* A file of the shared samples (CL_SAMPLES/credentials/name). */
static const char *
sample(const char *name)
{
	static char	 buf[512];
	const char	*samples = getenv("CL_SAMPLES");
	int		 n;

	cr_assert_not_null(samples,
	    "CL_SAMPLES must name the shared samples (CTest sets it)");
	n = snprintf(buf, sizeof(buf), "%s/credentials/%s", samples, name);
	cr_assert(n > 0 && (size_t)n < sizeof(buf));
	return buf;
}

/*
 * The Commission's Annex I sample has no quality-assurance element: it
 * maps, but is no DEFINE until --quality-assurance supplies one.
 */
Test(cli, define_elm_annex1_without_quality_assurance)
{
	struct run	r;

	RUN(&r, "define-elm", sample(ANNEX1), "--check");
	expect_err(&r, 1, "missing Annex I element: quality_assurance "
	    "(give --quality-assurance TEXT)");
	cr_assert_eq(r.out_len, 0, "stdout: %s", r.out);

	/* Without --check the mapping is printed as it is. */
	RUN(&r, "define-elm", sample(ANNEX1));
	expect_status(&r, 0);
	cr_assert_not_null(strstr(r.out, "\"eqf\": 6"), "%s", r.out);
	cr_assert_null(strstr(r.out, "quality_assurance"), "%s", r.out);
}

Test(cli, define_elm_annex1_with_quality_assurance)
{
	struct cl_elm_strings	 st;
	struct cl_define	 d;
	struct run		 r;
	char			 err[256] = "";

	RUN(&r, "define-elm", sample(ANNEX1), "--quality-assurance", QA,
	    "--check");
	expect_status(&r, 0);
	cr_assert_eq(r.err_len, 0, "stderr: %s", r.err);
	cr_assert_not_null(strstr(r.out, "\"eqf\": 6"), "%s", r.out);

	/* It is achievement JSON that 'define --file' will read. */
	cl_elm_strings_init(&st);
	cr_assert_eq(cl_achievement_from_json(r.out, r.out_len, &d, &st, err,
	    sizeof(err)), CL_OK, "%s", err);
	cr_assert_eq(d.eqf, 6);
	cr_assert_eq(d.ects, 200);
	cr_assert_eq(d.quality_assurance.len, strlen(QA));
	cr_assert_eq(memcmp(d.quality_assurance.ptr, QA, strlen(QA)), 0);
	cl_elm_strings_free(&st);
}

Test(cli, define_elm_bad_file)
{
	struct run	r;

	RUN(&r, "define-elm", path("none.jsonld"), "--check");
	expect_err(&r, 1, path("none.jsonld"));
	cr_assert_not_null(strstr(r.err, "No such file"), "%s", r.err);
	cr_assert_eq(r.out_len, 0);

	write_text(path("junk"), "not JSON");
	RUN(&r, "define-elm", path("junk"));
	expect_err(&r, 1, path("junk"));
	cr_assert_eq(r.out_len, 0);

	write_text(path("vc"), "{\"credentialSubject\":{}}");
	RUN(&r, "define-elm", path("vc"));
	expect_err(&r, 1, "credentialSubject.hasClaim: missing");
}

Test(cli, define_elm_bad_arguments)
{
	char		long_qa[CL_TEXT_MAX + 2];
	struct run	r;

	RUN(&r, "define-elm");
	expect_err(&r, 2, "missing the ELM FILE");
	RUN(&r, "define-elm", sample(ANNEX1), "extra");
	expect_err(&r, 2, "unexpected argument 'extra'");
	RUN(&r, "define-elm", sample(ANNEX1), "--quality-assurance", "");
	expect_err(&r, 2, "--quality-assurance is empty");
	RUN(&r, "define-elm", sample(ANNEX1), "--quality-assurance", "a",
	    "--quality-assurance", "b");
	expect_err(&r, 2, "--quality-assurance given twice");
	RUN(&r, "define-elm", sample(ANNEX1), "--check=yes");
	expect_err(&r, 2, "option '--check=yes' takes no value");
	memset(long_qa, 'q', sizeof(long_qa) - 1);
	long_qa[sizeof(long_qa) - 1] = '\0';
	RUN(&r, "define-elm", sample(ANNEX1), "--quality-assurance", long_qa);
	expect_err(&r, 2, "--quality-assurance 'qqqq");
	RUN(&r, "define-elm", sample(ANNEX1), "--check",
	    "--quality-assurance", "bell\a");
	expect_err(&r, 2, "bad --quality-assurance");
	cr_assert_eq(r.out_len, 0);
}
