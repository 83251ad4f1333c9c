/* SPDX-License-Identifier: Apache-2.0 */
/* Ed25519 key files, plain or sealed with a passphrase, and passphrases. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

/* Offsets of the fields (see keyfile.h). */
#define OFF_VERSION	CL_KEY_MAGIC_LEN
#define OFF_MODE	(OFF_VERSION + 1)
#define OFF_PK		(OFF_MODE + 1)
#define OFF_SEED	CL_KEY_HDR_LEN
#define OFF_SALT	CL_KEY_HDR_LEN
#define OFF_OPS		(OFF_SALT + crypto_pwhash_SALTBYTES)
#define OFF_MEM		(OFF_OPS + 8)
#define OFF_NONCE	(OFF_MEM + 8)
#define OFF_BOX		(OFF_NONCE + crypto_secretbox_NONCEBYTES)
#define BOX_LEN		(crypto_secretbox_MACBYTES + CL_KEY_SEED_LEN)

_Static_assert(crypto_sign_SEEDBYTES == CL_KEY_SEED_LEN, "seed size");
_Static_assert(crypto_sign_PUBLICKEYBYTES == CL_PK_LEN, "pk size");
_Static_assert(crypto_secretbox_KEYBYTES == 32, "box key size");
_Static_assert(OFF_BOX + BOX_LEN == CL_KEY_ENC_LEN, "encrypted layout");

/* What a reader accepts of the Argon2id costs in a file. */
#define OPS_MIN		crypto_pwhash_argon2id_OPSLIMIT_MIN
#define OPS_MAX		crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE
#define MEM_MIN		crypto_pwhash_argon2id_MEMLIMIT_MIN
#define MEM_MAX		crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE

/* A key file checked for form; the pointers are into its bytes. */
struct keyfile {
	uint8_t		 mode;
	const uint8_t	*pk;
	const uint8_t	*seed;		/* plain */
	const uint8_t	*salt;		/* encrypted: salt ... box */
	uint64_t	 ops;
	uint64_t	 mem;
	const uint8_t	*nonce;
	const uint8_t	*box;
};

static void
store_be64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
load_be64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Check the form of a key file's bytes and find its fields. */
static cl_err
parse(const uint8_t *b, size_t len, struct keyfile *kf)
{
	memset(kf, 0, sizeof(*kf));
	if (len < CL_KEY_HDR_LEN ||
	    memcmp(b, CL_KEY_MAGIC, CL_KEY_MAGIC_LEN) != 0)
		return CL_EBADKEY;
	if (b[OFF_VERSION] != CL_KEY_VERSION)
		return CL_EBADVERSION;
	kf->mode = b[OFF_MODE];
	kf->pk = b + OFF_PK;
	switch (kf->mode) {
	case CL_KEY_MODE_PLAIN:
		if (len != CL_KEY_PLAIN_LEN)
			return CL_EBADKEY;
		kf->seed = b + OFF_SEED;
		return CL_OK;
	case CL_KEY_MODE_ENCRYPTED:
		if (len != CL_KEY_ENC_LEN)
			return CL_EBADKEY;
		kf->salt = b + OFF_SALT;
		kf->ops = load_be64(b + OFF_OPS);
		kf->mem = load_be64(b + OFF_MEM);
		kf->nonce = b + OFF_NONCE;
		kf->box = b + OFF_BOX;
		if (kf->ops < OPS_MIN || kf->ops > OPS_MAX ||
		    kf->mem < MEM_MIN || kf->mem > MEM_MAX)
			return CL_EBADKEY;
		return CL_OK;
	default:
		return CL_EBADKEY;
	}
}

/*
 * Read and parse path into buf (CL_KEY_FILE_MAX bytes, wiped by the
 * caller).
 */
static cl_err
read_key(const char *path, uint8_t *buf, struct keyfile *kf)
{
	size_t	len;
	cl_err	err;

	err = cl_tool_read_buf(path, buf, CL_KEY_FILE_MAX, &len);
	if (err == CL_ETOOBIG)
		return CL_EBADKEY;
	if (err != CL_OK)
		return err;
	return parse(buf, len, kf);
}

/* The 32-byte box key for a passphrase and a file's salt and costs. */
static cl_err
box_key(uint8_t key[static crypto_secretbox_KEYBYTES], const char *pass,
    size_t pass_len, const uint8_t *salt, uint64_t ops, uint64_t mem)
{
	if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, pass, pass_len,
	    salt, ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return CL_ENOMEM;
	return CL_OK;
}

/*
 * Keep the key out of swap while it lives.  Best effort: RLIMIT_MEMLOCK
 * may be small, and cl_key_wipe() zeroes it anyway.
 */
static void
lock_key(struct cl_seckey *k)
{
	int	saved = errno;

	(void)sodium_mlock(k, sizeof(*k));
	errno = saved;
}

/* Recover the seed of a parsed file and derive k from it. */
static cl_err
unseal(struct cl_seckey *k, const struct keyfile *kf, const char *pass,
    size_t pass_len)
{
	uint8_t	seed[CL_KEY_SEED_LEN], key[crypto_secretbox_KEYBYTES];
	cl_err	err = CL_OK;

	if (kf->mode == CL_KEY_MODE_PLAIN)
		memcpy(seed, kf->seed, sizeof(seed));
	else if (pass == NULL)
		err = CL_EPASSPHRASE;
	else if ((err = box_key(key, pass, pass_len, kf->salt, kf->ops,
	    kf->mem)) == CL_OK &&
	    crypto_secretbox_open_easy(seed, kf->box, BOX_LEN, kf->nonce,
	    key) != 0)
		err = CL_EPASSPHRASE;
	if (err == CL_OK) {
		lock_key(k);
		crypto_sign_seed_keypair(k->pk, k->sk, seed);
		if (sodium_memcmp(k->pk, kf->pk, CL_PK_LEN) != 0)
			err = CL_EBADKEY;
	}
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(key, sizeof(key));
	if (err != CL_OK)
		cl_key_wipe(k);
	return err;
}

cl_err
cl_key_generate(struct cl_seckey *k)
{
	if (sodium_init() < 0)
		return CL_EIO;
	lock_key(k);
	crypto_sign_keypair(k->pk, k->sk);
	return CL_OK;
}

void
cl_key_wipe(struct cl_seckey *k)
{
	int	saved = errno;

	/*
	 * sodium_munlock() zeroes first, whatever munlock(2) says; it is
	 * harmless on unlocked pages.  errno is kept for cl_key_perror().
	 */
	(void)sodium_munlock(k, sizeof(*k));
	errno = saved;
}

cl_err
cl_key_save(const struct cl_seckey *k, const char *path, const char *pass,
    size_t pass_len, bool force)
{
	uint8_t	buf[CL_KEY_FILE_MAX], seed[CL_KEY_SEED_LEN];
	uint8_t	key[crypto_secretbox_KEYBYTES];
	size_t	len;
	cl_err	err = CL_OK;

	if (sodium_init() < 0)
		return CL_EIO;
	memcpy(buf, CL_KEY_MAGIC, CL_KEY_MAGIC_LEN);
	buf[OFF_VERSION] = CL_KEY_VERSION;
	memcpy(buf + OFF_PK, k->pk, CL_PK_LEN);
	crypto_sign_ed25519_sk_to_seed(seed, k->sk);
	if (pass == NULL) {
		buf[OFF_MODE] = CL_KEY_MODE_PLAIN;
		memcpy(buf + OFF_SEED, seed, sizeof(seed));
		len = CL_KEY_PLAIN_LEN;
	} else {
		buf[OFF_MODE] = CL_KEY_MODE_ENCRYPTED;
		randombytes_buf(buf + OFF_SALT, crypto_pwhash_SALTBYTES);
		store_be64(buf + OFF_OPS,
		    crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
		store_be64(buf + OFF_MEM,
		    crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
		randombytes_buf(buf + OFF_NONCE, crypto_secretbox_NONCEBYTES);
		err = box_key(key, pass, pass_len, buf + OFF_SALT,
		    crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
		if (err == CL_OK)
			crypto_secretbox_easy(buf + OFF_BOX, seed,
			    sizeof(seed), buf + OFF_NONCE, key);
		len = CL_KEY_ENC_LEN;
	}
	if (err == CL_OK)
		err = cl_tool_write_file(path, buf, len, 0600, force);
	/* The wipes keep errno: none of them is a system call. */
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(key, sizeof(key));
	return err;
}

cl_err
cl_key_load(struct cl_seckey *k, const char *path, const char *pass,
    size_t pass_len)
{
	uint8_t		buf[CL_KEY_FILE_MAX];
	struct keyfile	kf;
	cl_err		err;

	if (sodium_init() < 0) {
		cl_key_wipe(k);
		return CL_EIO;
	}
	if ((err = read_key(path, buf, &kf)) == CL_OK)
		err = unseal(k, &kf, pass, pass_len);
	else
		cl_key_wipe(k);
	sodium_memzero(buf, sizeof(buf));
	return err;
}

cl_err
cl_key_pubkey(const char *path, uint8_t pk[static CL_PK_LEN])
{
	uint8_t			buf[CL_KEY_FILE_MAX];
	struct keyfile		kf;
	struct cl_seckey	k;
	cl_err			err;

	if (sodium_init() < 0)
		return CL_EIO;
	if ((err = read_key(path, buf, &kf)) == CL_OK) {
		/* A plain file can be checked whole; it costs nothing. */
		if (kf.mode == CL_KEY_MODE_PLAIN &&
		    (err = unseal(&k, &kf, NULL, 0)) == CL_OK)
			cl_key_wipe(&k);
		if (err == CL_OK)
			memcpy(pk, kf.pk, CL_PK_LEN);
	}
	sodium_memzero(buf, sizeof(buf));
	return err;
}

cl_err
cl_key_open(struct cl_seckey *k, const char *path, const char *pass_file)
{
	uint8_t		buf[CL_KEY_FILE_MAX];
	char		pass[CL_PASS_MAX + 1];
	size_t		pass_len = 0;
	struct keyfile	kf;
	cl_err		err;

	if (sodium_init() < 0) {
		cl_key_wipe(k);
		return CL_EIO;
	}
	if ((err = read_key(path, buf, &kf)) != CL_OK)
		cl_key_wipe(k);
	else if (kf.mode == CL_KEY_MODE_PLAIN)
		err = unseal(k, &kf, NULL, 0);
	else if ((err = cl_key_passphrase(pass, sizeof(pass), &pass_len,
	    pass_file, false)) == CL_OK)
		err = unseal(k, &kf, pass, pass_len);
	else
		cl_key_wipe(k);
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(pass, sizeof(pass));
	return err;
}

/*
 * The first line of a passphrase file.  A file may hold more than the
 * first line, so the file may be over cap as long as the line is not.
 */
static cl_err
pass_from_file(char *buf, size_t cap, size_t *len, const char *path)
{
	const char	*nl;
	size_t		 n, l;
	cl_err		 err;

	err = cl_tool_read_buf(path, (uint8_t *)buf, cap, &n);
	if (err == CL_EIO)
		return CL_ENOTFOUND;
	nl = memchr(buf, '\n', n);
	l = nl != NULL ? (size_t)(nl - buf) : n;
	if (l > 0 && buf[l - 1] == '\r')
		l--;
	if (l >= cap)
		return CL_ETOOBIG;
	if (l == 0)
		return CL_EMISSING;
	sodium_memzero(buf + l, cap - l);
	*len = l;
	return CL_OK;
}

/* The signals that would leave the terminal without echo. */
static const int	tty_sigs[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU
};
#define TTY_SIGS	(sizeof(tty_sigs) / sizeof(tty_sigs[0]))

/* Only set by the handler; read after the terminal is restored. */
static volatile sig_atomic_t	tty_caught;

static void
on_tty_sig(int sig)
{
	tty_caught = sig;
}

static void
tty_puts(int fd, const char *s)
{
	ssize_t	n;
	size_t	len = strlen(s);

	while (len > 0) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR && tty_caught == 0)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/*
 * Read one line from the terminal into buf, one byte at a time so that
 * nothing after the newline is consumed.  A signal ends the read.
 */
static cl_err
tty_line(int fd, const char *prompt, char *buf, size_t cap, size_t *len)
{
	char	c;
	size_t	n = 0;
	ssize_t	r;
	bool	over = false;
	cl_err	err = CL_OK;

	tty_puts(fd, prompt);
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR && tty_caught == 0)
			continue;
		if (r < 0) {
			err = CL_EUSAGE;
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (n + 1 < cap)
			buf[n++] = c;
		else
			over = true;
	}
	sodium_memzero(&c, sizeof(c));
	tty_puts(fd, "\n");
	if (err == CL_OK && over)
		err = CL_ETOOBIG;
	if (err == CL_OK && n == 0)
		err = CL_EMISSING;
	buf[n] = '\0';
	*len = n;
	return err;
}

/* Ask on the terminal with echo off; see cl_key_passphrase(). */
static cl_err
pass_from_tty(char *buf, size_t cap, size_t *len, bool confirm)
{
	struct sigaction	 sa, old[TTY_SIGS];
	struct termios		 saved, quiet;
	char			 again[CL_PASS_MAX + 1];	/* >= cap */
	size_t			 again_len, i;
	int			 fd, sig;
	cl_err			 err;

again:
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return CL_EUSAGE;
	if (tcgetattr(fd, &saved) < 0) {
		(void)close(fd);
		return CL_EUSAGE;
	}
	/* Handlers first, so that a signal after the change restores. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tty_sig;
	(void)sigemptyset(&sa.sa_mask);
	tty_caught = 0;
	for (i = 0; i < TTY_SIGS; i++)
		(void)sigaction(tty_sigs[i], &sa, &old[i]);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0)
		err = CL_EUSAGE;
	else
		err = tty_line(fd, "passphrase: ", buf, cap, len);
	if (err == CL_OK && confirm) {
		err = tty_line(fd, "passphrase again: ", again, cap,
		    &again_len);
		if (err == CL_OK && (again_len != *len ||
		    sodium_memcmp(again, buf, *len) != 0))
			err = CL_EPASSPHRASE;
	}
	sodium_memzero(again, sizeof(again));
	(void)tcsetattr(fd, TCSAFLUSH, &saved);
	for (i = 0; i < TTY_SIGS; i++)
		(void)sigaction(tty_sigs[i], &old[i], NULL);
	(void)close(fd);
	if ((sig = tty_caught) != 0) {
		/*
		 * Deliver it now that the terminal is sane.  After a stop
		 * (^Z) the process continues here: ask again.
		 */
		sodium_memzero(buf, cap);
		*len = 0;
		(void)raise(sig);
		if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			goto again;
		errno = EINTR;
		return CL_EUSAGE;
	}
	return err;
}

cl_err
cl_key_passphrase(char *buf, size_t cap, size_t *len, const char *pass_file,
    bool confirm)
{
	size_t	use = cap < CL_PASS_MAX + 1 ? cap : CL_PASS_MAX + 1;
	cl_err	err;

	*len = 0;
	if (cap < 2)
		return CL_ETOOBIG;
	if (pass_file != NULL)
		err = pass_from_file(buf, use, len, pass_file);
	else if (!isatty(STDIN_FILENO))
		err = CL_EUSAGE;
	else
		err = pass_from_tty(buf, use, len, confirm);
	if (err != CL_OK) {
		sodium_memzero(buf, cap);
		*len = 0;
	}
	return err;
}

int
cl_key_perror(const char *verb, const char *path, const char *pass_file,
    cl_err err)
{
	switch (err) {
	case CL_EUSAGE:
		cl_tool_err(verb, "no terminal to ask for a passphrase: "
		    "use --passphrase-file FILE");
		return CL_TOOL_USAGE;
	case CL_ENOTFOUND:
		cl_tool_err(verb, "cannot read passphrase file '%s': %s",
		    pass_file, strerror(errno));
		return CL_TOOL_USAGE;
	case CL_EMISSING:
		if (pass_file != NULL)
			cl_tool_err(verb, "passphrase file '%s' starts with "
			    "an empty line", pass_file);
		else
			cl_tool_err(verb, "empty passphrase");
		return CL_TOOL_USAGE;
	case CL_ETOOBIG:
		cl_tool_err(verb, "passphrase%s%s%s is over %d bytes",
		    pass_file != NULL ? " in '" : "",
		    pass_file != NULL ? pass_file : "",
		    pass_file != NULL ? "'" : "", CL_PASS_MAX);
		return CL_TOOL_USAGE;
	case CL_EIO:
		cl_tool_err(verb, "'%s': %s", path, strerror(errno));
		break;
	case CL_EEXISTS:
		cl_tool_err(verb, "'%s' exists: use --force to replace it",
		    path);
		break;
	case CL_EBADKEY:
		cl_tool_err(verb, "'%s' is not a credledger key file", path);
		break;
	case CL_EBADVERSION:
		cl_tool_err(verb, "'%s': unsupported key file version", path);
		break;
	default:
		cl_tool_err(verb, "'%s': %s", path, cl_strerror(err));
		break;
	}
	return CL_TOOL_FAIL;
}
