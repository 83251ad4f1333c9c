/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs of the credledger command, one cmd_<verb>() each. */
#ifndef CL_TOOLS_CMD_H
#define CL_TOOLS_CMD_H

/*
 * Every verb is called as cmd_<verb>(argc, argv) with argv[0] the verb's
 * name and the rest its arguments, ready for getopt_long().  It prints
 * its usage to stdout and returns 0 for --help; it returns CL_TOOL_OK,
 * CL_TOOL_FAIL after a runtime failure or CL_TOOL_USAGE after a bad
 * argument (util.h), having said why on stderr.  main() flushes stdout
 * afterwards and fails the command if any write to it failed, so verbs
 * need not check each printf().
 */
int	cmd_keygen(int argc, char **argv);	/* cmd_key.c */
int	cmd_pubkey(int argc, char **argv);	/* cmd_key.c */
int	cmd_genesis(int argc, char **argv);	/* cmd_genesis.c */
int	cmd_demo(int argc, char **argv);	/* cmd_demo.c */
int	cmd_define_elm(int argc, char **argv);	/* cmd_define.c */
int	cmd_accredit(int argc, char **argv);	/* cmd_event.c */
int	cmd_withdraw(int argc, char **argv);	/* cmd_event.c */
int	cmd_define(int argc, char **argv);	/* cmd_event.c */
int	cmd_issue(int argc, char **argv);	/* cmd_event.c */
int	cmd_suspend(int argc, char **argv);	/* cmd_event.c */
int	cmd_reinstate(int argc, char **argv);	/* cmd_event.c */
int	cmd_revoke(int argc, char **argv);	/* cmd_event.c */
int	cmd_verify(int argc, char **argv);	/* cmd_verify.c */
int	cmd_status(int argc, char **argv);	/* cmd_verify.c */
int	cmd_export(int argc, char **argv);	/* cmd_export.c */
int	cmd_checkpoint(int argc, char **argv);	/* cmd_prove.c */
int	cmd_prove(int argc, char **argv);	/* cmd_prove.c */
int	cmd_audit(int argc, char **argv);	/* cmd_audit.c */

#endif
