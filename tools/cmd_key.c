/* SPDX-License-Identifier: Apache-2.0 */
/* The keygen and pubkey verbs: make a key file, show its public key. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd.h"
#include "keyfile.h"
#include "util.h"

static void
keygen_usage(FILE *f)
{
	fputs("usage: credledger keygen --out FILE "
	    "[--no-passphrase | --passphrase-file FILE] [--force]\n"
	    "\n"
	    "Make an Ed25519 signing key, write it to FILE (mode 0600) and\n"
	    "print its public key as 64 hex digits.  The key is sealed with\n"
	    "a passphrase, asked twice on the terminal unless given.\n"
	    "\n"
	    "  -o, --out FILE              the key file to write\n"
	    "      --passphrase-file FILE  the passphrase is FILE's first "
	    "line\n"
	    "      --no-passphrase         write the key unsealed\n"
	    "  -f, --force                 replace FILE if it exists\n"
	    "  -h, --help                  show this and exit\n", f);
}

int
cmd_keygen(int argc, char **argv)
{
	enum { OPT_NOPASS = 256, OPT_PASSFILE };
	static const struct option	opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "no-passphrase", no_argument, NULL, OPT_NOPASS },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cl_seckey	 k;
	char			 pass[CL_PASS_MAX + 1];
	const char		*out = NULL, *pass_file = NULL;
	size_t			 pass_len = 0;
	bool			 nopass = false, force = false;
	int			 c, rc;
	cl_err			 err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if ((rc = cl_tool_once(argv[0], "--out", &out)) != 0)
				return rc;
			break;
		case OPT_NOPASS:
			nopass = true;
			break;
		case OPT_PASSFILE:
			if ((rc = cl_tool_once(argv[0], "--passphrase-file",
			    &pass_file)) != 0)
				return rc;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			keygen_usage(stdout);
			return CL_TOOL_OK;
		default:
			return cl_tool_badopt(argv[0], argv, c);
		}
	}
	if (optind < argc) {
		cl_tool_err(argv[0], "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	if (out == NULL) {
		cl_tool_err(argv[0], "missing --out FILE");
		return CL_TOOL_USAGE;
	}
	if (nopass && pass_file != NULL) {
		cl_tool_err(argv[0],
		    "--no-passphrase and --passphrase-file exclude each other");
		return CL_TOOL_USAGE;
	}
	/* Say it before asking for a passphrase; cl_key_save() checks too. */
	if (!force && access(out, F_OK) == 0)
		return cl_key_perror(argv[0], out, pass_file, CL_EEXISTS);

	if (!nopass) {
		err = cl_key_passphrase(pass, sizeof(pass), &pass_len,
		    pass_file, true);
		if (err == CL_EUSAGE && pass_file == NULL) {
			cl_tool_err(argv[0], "no terminal to ask for a "
			    "passphrase: use --passphrase-file FILE or "
			    "--no-passphrase");
			return CL_TOOL_USAGE;
		}
		if (err == CL_EPASSPHRASE) {
			cl_tool_err(argv[0], "the passphrases differ");
			return CL_TOOL_FAIL;
		}
		if (err != CL_OK)
			return cl_key_perror(argv[0], out, pass_file, err);
	}
	if ((err = cl_key_generate(&k)) == CL_OK)
		err = cl_key_save(&k, out, nopass ? NULL : pass, pass_len,
		    force);
	sodium_memzero(pass, sizeof(pass));
	if (err != CL_OK)
		rc = cl_key_perror(argv[0], out, pass_file, err);
	else {
		cl_tool_put_hex(stdout, k.pk, sizeof(k.pk));
		rc = CL_TOOL_OK;
	}
	cl_key_wipe(&k);
	return rc;
}

static void
pubkey_usage(FILE *f)
{
	fputs("usage: credledger pubkey FILE [--passphrase-file FILE]\n"
	    "\n"
	    "Print the public key of the key file FILE as 64 hex digits.  It\n"
	    "is stored in the clear, so no passphrase is asked.  With\n"
	    "--passphrase-file a sealed key is opened too, proving that the\n"
	    "passphrase is right and the public key is the key's.\n"
	    "\n"
	    "      --passphrase-file FILE  the passphrase is FILE's first "
	    "line\n"
	    "  -h, --help                  show this and exit\n", f);
}

int
cmd_pubkey(int argc, char **argv)
{
	enum { OPT_PASSFILE = 256 };
	static const struct option	opts[] = {
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cl_seckey	 k;
	uint8_t			 pk[CL_PK_LEN];
	const char		*path, *pass_file = NULL;
	int			 c, rc;
	cl_err			 err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PASSFILE:
			if ((rc = cl_tool_once(argv[0], "--passphrase-file",
			    &pass_file)) != 0)
				return rc;
			break;
		case 'h':
			pubkey_usage(stdout);
			return CL_TOOL_OK;
		default:
			return cl_tool_badopt(argv[0], argv, c);
		}
	}
	if (optind == argc) {
		cl_tool_err(argv[0], "missing the key FILE");
		return CL_TOOL_USAGE;
	}
	if (argc - optind > 1) {
		cl_tool_err(argv[0], "unexpected argument '%s'",
		    argv[optind + 1]);
		return CL_TOOL_USAGE;
	}
	path = argv[optind];

	if (pass_file == NULL)
		err = cl_key_pubkey(path, pk);
	else if ((err = cl_key_open(&k, path, pass_file)) == CL_OK) {
		memcpy(pk, k.pk, sizeof(pk));
		cl_key_wipe(&k);
	}
	if (err != CL_OK)
		return cl_key_perror(argv[0], path, pass_file, err);
	cl_tool_put_hex(stdout, pk, sizeof(pk));
	return CL_TOOL_OK;
}
