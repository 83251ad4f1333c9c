/* SPDX-License-Identifier: Apache-2.0 */
/* Key files: round trips, passphrases, damaged files, modes, overwrites. */
#include <criterion/criterion.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "util.h"

#define PASS		"correct horse battery staple"
#define PASS_LEN	(sizeof(PASS) - 1)

/* Each test runs in its own process with its own directory. */
static char	dir[64];
static char	key_path[128];

static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");
	int		 n;

	cr_assert(sodium_init() >= 0);
	n = snprintf(dir, sizeof(dir), "%s/cl-keyfile-XXXXXX",
	    tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
	cr_assert(n > 0 && (size_t)n < sizeof(dir));
	cr_assert_not_null(mkdtemp(dir));
	n = snprintf(key_path, sizeof(key_path), "%s/key", dir);
	cr_assert(n > 0 && (size_t)n < sizeof(key_path));
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

TestSuite(keyfile, .init = setup, .fini = teardown);

/* The number of entries in the test directory: no temporary files left. */
static int
dir_entries(void)
{
	struct dirent	*e;
	DIR		*d;
	int		 n = 0;

	cr_assert_not_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	(void)closedir(d);
	return n;
}

static void
slurp(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	cr_assert_eq(cl_tool_read_buf(path, buf, cap, len), CL_OK);
}

static void
spit(const char *path, const void *buf, size_t len)
{
	cr_assert_eq(cl_tool_write_file(path, buf, len, 0600, true), CL_OK);
}

/* True if needle occurs in hay. */
static bool
contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle,
    size_t len)
{
	size_t	i;

	for (i = 0; i + len <= hay_len; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	return false;
}

static bool
all_zero(const void *p, size_t len)
{
	return sodium_is_zero(p, len) == 1;
}

/* Make a key, save it (sealed with PASS if pass), return it in k. */
static void
saved_key(struct cl_seckey *k, bool pass)
{
	cr_assert_eq(cl_key_generate(k), CL_OK);
	cr_assert_eq(cl_key_save(k, key_path, pass ? PASS : NULL,
	    pass ? PASS_LEN : 0, false), CL_OK);
}

/* Load key_path (with PASS) and expect err. */
static void
load_expect(cl_err want, bool pass)
{
	struct cl_seckey	k;
	cl_err			err;

	memset(&k, 0xa5, sizeof(k));
	err = cl_key_load(&k, key_path, pass ? PASS : NULL,
	    pass ? PASS_LEN : 0);
	cr_assert_eq(err, want, "load: %s, want %s", cl_errname(err),
	    cl_errname(want));
	if (want != CL_OK)
		cr_assert(all_zero(&k, sizeof(k)), "key not wiped on error");
	cl_key_wipe(&k);
}

Test(keyfile, plain_round_trip)
{
	struct cl_seckey	k, l;
	uint8_t			pk[CL_PK_LEN], buf[256];
	size_t			len;

	saved_key(&k, false);
	slurp(key_path, buf, sizeof(buf), &len);
	cr_assert_eq(len, CL_KEY_PLAIN_LEN);
	cr_assert_eq(memcmp(buf, "CLKEY\1\0", 7), 0);
	cr_assert_eq(memcmp(buf + 7, k.pk, CL_PK_LEN), 0);
	cr_assert_eq(cl_key_load(&l, key_path, NULL, 0), CL_OK);
	cr_assert_eq(memcmp(k.sk, l.sk, sizeof(k.sk)), 0);
	cr_assert_eq(memcmp(k.pk, l.pk, sizeof(k.pk)), 0);
	/* A passphrase is not needed and not used for a plain file. */
	cl_key_wipe(&l);
	cr_assert_eq(cl_key_load(&l, key_path, "x", 1), CL_OK);
	cr_assert_eq(memcmp(k.sk, l.sk, sizeof(k.sk)), 0);
	cr_assert_eq(cl_key_pubkey(key_path, pk), CL_OK);
	cr_assert_eq(memcmp(pk, k.pk, sizeof(pk)), 0);
	cl_key_wipe(&k);
	cl_key_wipe(&l);
}

Test(keyfile, encrypted_round_trip)
{
	struct cl_seckey	k, l;
	uint8_t			pk[CL_PK_LEN], buf[256], seed[32];
	size_t			len;

	saved_key(&k, true);
	slurp(key_path, buf, sizeof(buf), &len);
	cr_assert_eq(len, CL_KEY_ENC_LEN);
	cr_assert_eq(memcmp(buf, "CLKEY\1\1", 7), 0);
	cr_assert_eq(memcmp(buf + 7, k.pk, CL_PK_LEN), 0);
	/* The seed must not be anywhere in the file. */
	crypto_sign_ed25519_sk_to_seed(seed, k.sk);
	cr_assert_not(contains(buf, len, seed, sizeof(seed)));
	cr_assert_eq(cl_key_load(&l, key_path, PASS, PASS_LEN), CL_OK);
	cr_assert_eq(memcmp(k.sk, l.sk, sizeof(k.sk)), 0);
	cr_assert_eq(memcmp(k.pk, l.pk, sizeof(k.pk)), 0);
	/* The public key is in the clear. */
	cr_assert_eq(cl_key_pubkey(key_path, pk), CL_OK);
	cr_assert_eq(memcmp(pk, k.pk, sizeof(pk)), 0);
	sodium_memzero(seed, sizeof(seed));
	cl_key_wipe(&k);
	cl_key_wipe(&l);
}

Test(keyfile, wrong_passphrase)
{
	struct cl_seckey	k, l;

	saved_key(&k, true);
	memset(&l, 0xa5, sizeof(l));
	cr_assert_eq(cl_key_load(&l, key_path, "Correct horse battery staple",
	    PASS_LEN), CL_EPASSPHRASE);
	cr_assert(all_zero(&l, sizeof(l)));
	cr_assert_eq(cl_key_load(&l, key_path, PASS, PASS_LEN - 1),
	    CL_EPASSPHRASE);
	load_expect(CL_EPASSPHRASE, false);
	cl_key_wipe(&k);
}

Test(keyfile, truncated)
{
	struct cl_seckey	k;
	uint8_t			buf[256];
	size_t			len, i;
	bool			pass;

	for (pass = false; ; pass = true) {
		saved_key(&k, pass);
		cl_key_wipe(&k);
		slurp(key_path, buf, sizeof(buf), &len);
		for (i = 0; i < len; i++) {
			spit(key_path, buf, i);
			load_expect(CL_EBADKEY, pass);
		}
		cr_assert_eq(unlink(key_path), 0);
		if (pass)
			break;
	}
}

Test(keyfile, garbled)
{
	struct cl_seckey	k;
	uint8_t			buf[256], bad[256];
	size_t			len;

	saved_key(&k, true);
	cl_key_wipe(&k);
	slurp(key_path, buf, sizeof(buf), &len);

	memcpy(bad, buf, len);
	bad[0] = 'X';				/* magic */
	spit(key_path, bad, len);
	load_expect(CL_EBADKEY, true);

	memcpy(bad, buf, len);
	bad[6] = 2;				/* mode */
	spit(key_path, bad, len);
	load_expect(CL_EBADKEY, true);

	memcpy(bad, buf, len);
	bad[6] = 0;		/* says plain, is as long as encrypted */
	spit(key_path, bad, len);
	load_expect(CL_EBADKEY, true);

	memcpy(bad, buf, len);
	bad[len] = 0;				/* one byte more */
	spit(key_path, bad, len + 1);
	load_expect(CL_EBADKEY, true);

	memcpy(bad, buf, len);
	bad[5] = 2;				/* version */
	spit(key_path, bad, len);
	load_expect(CL_EBADVERSION, true);

	memcpy(bad, buf, len);
	memset(bad + 55, 0, 8);			/* opslimit 0 */
	spit(key_path, bad, len);
	load_expect(CL_EBADKEY, true);

	memcpy(bad, buf, len);
	bad[63] = 0x01;				/* memlimit 2^56 bytes */
	spit(key_path, bad, len);
	load_expect(CL_EBADKEY, true);

	/* The box is authenticated: any change is caught. */
	memcpy(bad, buf, len);
	bad[len - 1] ^= 0x01;
	spit(key_path, bad, len);
	load_expect(CL_EPASSPHRASE, true);

	memcpy(bad, buf, len);
	bad[39] ^= 0x01;			/* salt */
	spit(key_path, bad, len);
	load_expect(CL_EPASSPHRASE, true);

	/* Not a key file at all. */
	spit(key_path, "hello\n", 6);
	load_expect(CL_EBADKEY, false);
	memset(bad, 'A', sizeof(bad));
	spit(key_path, bad, sizeof(bad));
	load_expect(CL_EBADKEY, false);
}

Test(keyfile, tampered_public_key)
{
	struct cl_seckey	k;
	uint8_t			buf[256], pk[CL_PK_LEN];
	size_t			len;

	/* Plain: the seed's key pair does not match. */
	saved_key(&k, false);
	cl_key_wipe(&k);
	slurp(key_path, buf, sizeof(buf), &len);
	buf[7 + 5] ^= 0x40;
	spit(key_path, buf, len);
	load_expect(CL_EBADKEY, false);
	cr_assert_eq(cl_key_pubkey(key_path, pk), CL_EBADKEY);
	cr_assert_eq(unlink(key_path), 0);

	/* Encrypted: the box opens, then the key pair does not match. */
	saved_key(&k, true);
	cl_key_wipe(&k);
	slurp(key_path, buf, sizeof(buf), &len);
	buf[7 + 31] ^= 0x01;
	spit(key_path, buf, len);
	load_expect(CL_EBADKEY, true);
}

Test(keyfile, mode_0600)
{
	struct cl_seckey	k;
	struct stat		st;
	bool			pass;

	/* Whatever the umask: 0600 is set on the file, not asked for. */
	(void)umask(0);
	for (pass = false; ; pass = true) {
		saved_key(&k, pass);
		cl_key_wipe(&k);
		cr_assert_eq(stat(key_path, &st), 0);
		cr_assert_eq(st.st_mode & 07777, 0600, "mode %o",
		    (unsigned)(st.st_mode & 07777));
		cr_assert_eq(dir_entries(), 1);
		cr_assert_eq(unlink(key_path), 0);
		if (pass)
			break;
	}
}

Test(keyfile, refuse_overwrite)
{
	struct cl_seckey	k1, k2, l;

	saved_key(&k1, false);
	cr_assert_eq(cl_key_generate(&k2), CL_OK);
	cr_assert_eq(cl_key_save(&k2, key_path, NULL, 0, false), CL_EEXISTS);
	cr_assert_eq(dir_entries(), 1, "temporary file left behind");
	cr_assert_eq(cl_key_load(&l, key_path, NULL, 0), CL_OK);
	cr_assert_eq(memcmp(l.pk, k1.pk, CL_PK_LEN), 0);
	cl_key_wipe(&l);

	cr_assert_eq(cl_key_save(&k2, key_path, NULL, 0, true), CL_OK);
	cr_assert_eq(dir_entries(), 1);
	cr_assert_eq(cl_key_load(&l, key_path, NULL, 0), CL_OK);
	cr_assert_eq(memcmp(l.pk, k2.pk, CL_PK_LEN), 0);
	cl_key_wipe(&l);
	cl_key_wipe(&k1);
	cl_key_wipe(&k2);
}

Test(keyfile, save_into_missing_dir)
{
	struct cl_seckey	k;
	char			p[192];
	int			n;

	n = snprintf(p, sizeof(p), "%s/no/such/key", dir);
	cr_assert(n > 0 && (size_t)n < sizeof(p));
	cr_assert_eq(cl_key_generate(&k), CL_OK);
	cr_assert_eq(cl_key_save(&k, p, NULL, 0, false), CL_EIO);
	cr_assert_eq(errno, ENOENT);
	load_expect(CL_EIO, false);		/* key_path was never made */
	cl_key_wipe(&k);
}

Test(keyfile, wipe)
{
	struct cl_seckey	k;

	cr_assert_eq(cl_key_generate(&k), CL_OK);
	cr_assert_not(all_zero(&k, sizeof(k)));
	cl_key_wipe(&k);
	cr_assert(all_zero(&k, sizeof(k)));
}

/* Write a passphrase file and return its path. */
static const char *
pass_file(const char *content, size_t len)
{
	static char	p[128];
	int		n;

	n = snprintf(p, sizeof(p), "%s/pass", dir);
	cr_assert(n > 0 && (size_t)n < sizeof(p));
	spit(p, content, len);
	return p;
}

static void
pass_expect(const char *content, size_t len, cl_err want, const char *pass)
{
	char	buf[CL_PASS_MAX + 1];
	size_t	got;
	cl_err	err;

	err = cl_key_passphrase(buf, sizeof(buf), &got,
	    pass_file(content, len), false);
	cr_assert_eq(err, want, "passphrase: %s, want %s", cl_errname(err),
	    cl_errname(want));
	if (want == CL_OK) {
		cr_assert_eq(got, strlen(pass));
		cr_assert_eq(memcmp(buf, pass, got), 0);
		cr_assert(all_zero(buf + got, sizeof(buf) - got));
	} else {
		cr_assert_eq(got, 0);
		cr_assert(all_zero(buf, sizeof(buf)));
	}
}

Test(keyfile, passphrase_file)
{
	char	long_pass[CL_PASS_MAX + 2], want[CL_PASS_MAX + 1];

	pass_expect("secret", 6, CL_OK, "secret");
	pass_expect("secret\n", 7, CL_OK, "secret");
	pass_expect("secret\r\n", 8, CL_OK, "secret");
	pass_expect("two words\nsecond line\n", 22, CL_OK, "two words");
	pass_expect("", 0, CL_EMISSING, NULL);
	pass_expect("\n", 1, CL_EMISSING, NULL);
	pass_expect("\r\nsecret\n", 9, CL_EMISSING, NULL);

	/* CL_PASS_MAX bytes fit, one more does not. */
	memset(want, 'p', CL_PASS_MAX);
	want[CL_PASS_MAX] = '\0';
	memset(long_pass, 'p', sizeof(long_pass));
	long_pass[CL_PASS_MAX] = '\n';
	pass_expect(long_pass, CL_PASS_MAX + 1, CL_OK, want);
	pass_expect(long_pass, CL_PASS_MAX, CL_OK, want);
	long_pass[CL_PASS_MAX] = 'p';
	pass_expect(long_pass, CL_PASS_MAX + 1, CL_ETOOBIG, NULL);
	long_pass[CL_PASS_MAX + 1] = '\n';
	pass_expect(long_pass, CL_PASS_MAX + 2, CL_ETOOBIG, NULL);
}

Test(keyfile, passphrase_file_missing)
{
	char	buf[64];
	size_t	len;
	char	p[128];
	int	n;

	n = snprintf(p, sizeof(p), "%s/nothing", dir);
	cr_assert(n > 0 && (size_t)n < sizeof(p));
	cr_assert_eq(cl_key_passphrase(buf, sizeof(buf), &len, p, false),
	    CL_ENOTFOUND);
	cr_assert_eq(errno, ENOENT);
}

Test(keyfile, passphrase_no_terminal)
{
	char	buf[64];
	size_t	len;
	int	fd;

	/* This test's process only: stdin is not a terminal. */
	cr_assert((fd = open("/dev/null", O_RDONLY)) >= 0);
	cr_assert_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	(void)close(fd);
	cr_assert_eq(cl_key_passphrase(buf, sizeof(buf), &len, NULL, true),
	    CL_EUSAGE);
}

Test(keyfile, open)
{
	struct cl_seckey	k, l;
	const char		*pf;
	int			fd;

	cr_assert((fd = open("/dev/null", O_RDONLY)) >= 0);
	cr_assert_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	(void)close(fd);

	/* Plain: no passphrase asked, and no terminal needed. */
	saved_key(&k, false);
	cr_assert_eq(cl_key_open(&l, key_path, NULL), CL_OK);
	cr_assert_eq(memcmp(l.sk, k.sk, sizeof(k.sk)), 0);
	cl_key_wipe(&l);
	cl_key_wipe(&k);
	cr_assert_eq(unlink(key_path), 0);

	/* Encrypted: the passphrase file's first line, or nothing. */
	saved_key(&k, true);
	memset(&l, 0xa5, sizeof(l));
	cr_assert_eq(cl_key_open(&l, key_path, NULL), CL_EUSAGE);
	cr_assert(all_zero(&l, sizeof(l)));
	pf = pass_file(PASS "\n", PASS_LEN + 1);
	cr_assert_eq(cl_key_open(&l, key_path, pf), CL_OK);
	cr_assert_eq(memcmp(l.sk, k.sk, sizeof(k.sk)), 0);
	cl_key_wipe(&l);
	pf = pass_file("wrong\n", 6);
	cr_assert_eq(cl_key_open(&l, key_path, pf), CL_EPASSPHRASE);
	cr_assert(all_zero(&l, sizeof(l)));
	cl_key_wipe(&k);
}
