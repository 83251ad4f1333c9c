/* SPDX-License-Identifier: Apache-2.0 */
/* Ed25519 key files, plain or sealed with a passphrase, and passphrases. */
#ifndef CL_TOOLS_KEYFILE_H
#define CL_TOOLS_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "err.h"
#include "limits.h"

/*
 * The key file format, version 1.  A small binary file, written with mode
 * 0600.  Integers are big-endian.  Offsets in bytes:
 *
 *	0	5	magic "CLKEY" (no NUL)
 *	5	1	version: 1
 *	6	1	mode: 0 plain, 1 encrypted
 *	7	32	Ed25519 public key, in the clear
 *
 * mode 0, plain (71 bytes in all):
 *
 *	39	32	the Ed25519 seed
 *
 * mode 1, encrypted (143 bytes in all):
 *
 *	39	16	crypto_pwhash salt
 *	55	8	opslimit of Argon2id v1.3 (ALG_ARGON2ID13)
 *	63	8	memlimit, bytes; with salt and passphrase they
 *			make the 32-byte box key
 *	71	24	crypto_secretbox nonce
 *	95	48	crypto_secretbox_easy(seed): 16-byte tag, 32-byte seed
 *
 * Nothing may follow.  A writer uses OPSLIMIT_INTERACTIVE and
 * MEMLIMIT_INTERACTIVE; a reader accepts opslimit and memlimit between
 * libsodium's MIN and SENSITIVE, so that a hostile file cannot make it
 * spend more than 1 GiB.  The public key is not covered by the box: a
 * loader derives the key pair from the seed and rejects the file unless
 * it matches, so a changed public key is caught when the key is opened
 * (not by cl_key_pubkey() of an encrypted file, which cannot open it).
 */
#define CL_KEY_MAGIC		"CLKEY"
#define CL_KEY_MAGIC_LEN	5
#define CL_KEY_VERSION		1
#define CL_KEY_MODE_PLAIN	0
#define CL_KEY_MODE_ENCRYPTED	1
#define CL_KEY_SEED_LEN		32
#define CL_KEY_HDR_LEN		(CL_KEY_MAGIC_LEN + 2 + CL_PK_LEN)
#define CL_KEY_PLAIN_LEN	(CL_KEY_HDR_LEN + CL_KEY_SEED_LEN)
#define CL_KEY_ENC_LEN		(CL_KEY_HDR_LEN + 16 + 8 + 8 + 24 + 16 + \
				    CL_KEY_SEED_LEN)
#define CL_KEY_FILE_MAX		CL_KEY_ENC_LEN	/* the longest key file */

/* The longest passphrase, in bytes, without the newline. */
#define CL_PASS_MAX		1023

/*
 * A signing key: libsodium's 64-byte secret key (seed and public key) and
 * the public key.  The only place a secret key lives (STYLE §4): declare
 * one, fill it with cl_key_generate() or cl_key_load(), and always end
 * with cl_key_wipe(), also on error paths.
 */
struct cl_seckey {
	uint8_t	sk[crypto_sign_SECRETKEYBYTES];
	uint8_t	pk[CL_PK_LEN];
};

/*
 * Make a new key pair from the system's random source.  The key's pages
 * are locked in memory (sodium_mlock(), best effort) until cl_key_wipe().
 * Errors: CL_EIO when libsodium cannot start.
 */
CL_NODISCARD cl_err	cl_key_generate(struct cl_seckey *k);

/*
 * Write k to path in the format above, atomically, with mode 0600.  With
 * pass (pass_len bytes, not NUL-terminated) the seed is sealed; with pass
 * NULL it is written plain.  Without force an existing file is left alone.
 * Errors: CL_EEXISTS, CL_EIO with errno set, CL_ENOMEM (Argon2 could not
 * get its memory).
 */
CL_NODISCARD cl_err	cl_key_save(const struct cl_seckey *k,
			    const char *path, const char *pass,
			    size_t pass_len, bool force);

/*
 * Read a key file into k.  pass is only used for an encrypted file; an
 * encrypted file and pass NULL is CL_EPASSPHRASE.  The key pair is derived
 * from the seed and must match the stored public key.  On error k is
 * wiped.
 * Errors: CL_EIO with errno set; CL_EBADKEY for a file that is not a key
 * file (wrong magic, mode, length or Argon2 limits, a public key that is
 * not the seed's); CL_EBADVERSION; CL_EPASSPHRASE for a wrong passphrase
 * or a changed box; CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl_key_load(struct cl_seckey *k, const char *path,
			    const char *pass, size_t pass_len);

/*
 * The public key of a key file, without a passphrase.  The file is
 * checked as cl_key_load() does, but for an encrypted file the public key
 * cannot be checked against the seed here.
 * Errors: as cl_key_load() but never CL_EPASSPHRASE.
 */
CL_NODISCARD cl_err	cl_key_pubkey(const char *path,
			    uint8_t pk[static CL_PK_LEN]);

/* Zero k and unlock its pages.  Accepts a key that was never filled. */
void	cl_key_wipe(struct cl_seckey *k);

/*
 * Get a passphrase into buf (cap bytes, at least 2; room for the NUL that
 * ends it) and its length into *len.  With pass_file, its first line
 * (without "\n" or "\r\n").  Otherwise, when standard input is a terminal,
 * ask on /dev/tty with echo off, twice when confirm is set; the terminal
 * is restored on every path, also when a signal arrives (which is then
 * delivered).  buf holds a secret: the caller wipes it with
 * sodium_memzero(), also on error (it is wiped already then).
 * Errors: CL_EUSAGE when there is no pass_file and no terminal to ask,
 * the terminal fails or a signal ends the question; CL_ENOTFOUND when
 * pass_file cannot be read (errno set); CL_EMISSING for an empty
 * passphrase; CL_ETOOBIG for one over cap - 1 or CL_PASS_MAX bytes;
 * CL_EPASSPHRASE when the two entries differ.
 */
CL_NODISCARD cl_err	cl_key_passphrase(char *buf, size_t cap, size_t *len,
			    const char *pass_file, bool confirm);

/*
 * Open a key for a verb that signs: read path, and only if it is
 * encrypted get a passphrase (from pass_file or the terminal, see
 * cl_key_passphrase()) and unseal it.  On error k is wiped.
 * Errors: those of cl_key_load() and cl_key_passphrase(); report them with
 * cl_key_perror().
 */
CL_NODISCARD cl_err	cl_key_open(struct cl_seckey *k, const char *path,
			    const char *pass_file);

/*
 * Print why cl_key_open(), cl_key_load(), cl_key_pubkey() or
 * cl_key_passphrase() failed, naming path or pass_file, as
 * "credledger <verb>: ..." on stderr.  Call it right after the failure:
 * it reads errno.  Returns the exit status: CL_TOOL_USAGE for a passphrase
 * that could not be had (no terminal, an empty, unreadable or too long
 * passphrase file), else CL_TOOL_FAIL.
 */
int	cl_key_perror(const char *verb, const char *path,
	    const char *pass_file, cl_err err);

#endif
