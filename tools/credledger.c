/* SPDX-License-Identifier: Apache-2.0 */
/* The credledger command: a table of verbs, one cmd_<verb>() each. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cmd.h"
#include "limits.h"
#include "util.h"

/* CL_TOOL_VERSION comes from project(VERSION) in CMakeLists.txt. */

static const struct verb {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*summary;
} verbs[] = {
	{ "keygen", cmd_keygen, "make a signing key, print its public key" },
	{ "pubkey", cmd_pubkey, "print the public key of a key file" },
	{ "genesis", cmd_genesis, "write or show a network's genesis file" },
	{ "define-elm", cmd_define_elm,
	    "map an ELM micro-credential to achievement JSON" },
	{ "accredit", cmd_accredit, "accredit an issuer (authority)" },
	{ "withdraw", cmd_withdraw, "withdraw an accreditation (authority)" },
	{ "define", cmd_define, "define a micro-credential (issuer)" },
	{ "issue", cmd_issue, "issue credentials (issuer)" },
	{ "suspend", cmd_suspend, "suspend a credential (issuer)" },
	{ "reinstate", cmd_reinstate, "reinstate a suspended credential" },
	{ "revoke", cmd_revoke, "revoke a credential (issuer)" },
	{ "verify", cmd_verify, "check a credential and its proof" },
	{ "status", cmd_status, "show a node's status" },
	{ "export", cmd_export, "write a node's log to an export file" },
	{ "checkpoint", cmd_checkpoint, "get a node's signed checkpoint" },
	{ "prove", cmd_prove, "check an inclusion or consistency proof" },
	{ "audit", cmd_audit, "replay a log and check every event of it" },
	{ "demo", cmd_demo, "run the ledger demonstration" },
};
#define VERBS	(sizeof(verbs) / sizeof(verbs[0]))

static void
usage(FILE *f)
{
	size_t	i;

	fputs("usage: credledger <verb> [options]\n"
	    "       credledger --help | --version\n\nverbs:\n", f);
	for (i = 0; i < VERBS; i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\n'credledger <verb> --help' shows the options of a verb.\n",
	    f);
}

/*
 * Output is only done when it reached the file: a full disk or a closed
 * pipe must not end in status 0.
 */
static int
finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cl_tool_err(NULL, "cannot write the output: %s",
		    strerror(errno));
		return rc != CL_TOOL_OK ? rc : CL_TOOL_FAIL;
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	size_t	i;

	if (argc < 2) {
		usage(stderr);
		return CL_TOOL_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return finish(CL_TOOL_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("credledger %s (protocol %d)\n", CL_TOOL_VERSION,
		    CL_VERSION);
		return finish(CL_TOOL_OK);
	}
	for (i = 0; i < VERBS; i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			break;
	if (i == VERBS) {
		cl_tool_err(NULL, "unknown verb '%s'", argv[1]);
		cl_tool_err(NULL, "see 'credledger --help'");
		return CL_TOOL_USAGE;
	}
	if (sodium_init() < 0) {
		cl_tool_err(NULL, "libsodium cannot start");
		return CL_TOOL_FAIL;
	}
	return finish(verbs[i].fn(argc - 1, argv + 1));
}
