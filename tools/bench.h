/* SPDX-License-Identifier: Apache-2.0 */
/* What the benchmarks of credledger-bench share: the signed event stream. */
#ifndef CL_TOOLS_BENCH_H
#define CL_TOOLS_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"

struct cl_event;

/* Issuers of the stream; its first 2 * CL_BENCH_ISSUERS events set up. */
#define CL_BENCH_ISSUERS	16

/* The longest message cl__bench_signed_msg() writes, in bytes. */
#define CL_BENCH_MSG_MAX	512

/*
 * A stream of signed events and the genesis of its network.  ev[i] is a
 * malloc'd copy of len[i] bytes.
 */
struct cl__bench_corpus {
	uint8_t		 netid[CL_ID_LEN];
	uint8_t		 genesis[4096];
	size_t		 genesis_len;
	uint8_t		**ev;
	size_t		*len;
	size_t		 n;
};

/*
 * Sign n events: CL_BENCH_ISSUERS ACCREDITs by one authority, a DEFINE by
 * each issuer, then ISSUEs round-robin over the issuers with a REVOKE of
 * the issuer's last ISSUE in every twenty.  Every prefix of the stream is
 * a valid ledger.  Exits on failure (before any measurement starts).
 */
void	cl__bench_corpus_make(struct cl__bench_corpus *c, size_t n);

/* Release what cl__bench_corpus_make() allocated. */
void	cl__bench_corpus_free(struct cl__bench_corpus *c);

/*
 * The bytes a decoded event's signature covers (PROTOCOL.md §4): the tag,
 * the network id and the event's map without its signature, as the node
 * hands them to crypto_sign_verify_detached.  Writes at most cap bytes to
 * msg; returns the length, or 0 when they do not fit.
 */
size_t	cl__bench_signed_msg(const uint8_t netid[static CL_ID_LEN],
	    const struct cl_event *ev, uint8_t *msg, size_t cap);

/*
 * credledger-bench node: start a credledger-node and measure it over its
 * client port (bench_node.c).  Returns the exit status.
 */
int	cl__bench_node(int argc, char **argv);

/*
 * credledger-bench audit: the auditor's replay of a million events
 * against the two-core verify rate, its memory, and proofs per second
 * (bench_audit.c).  Returns the exit status.
 */
int	cl__bench_audit(int argc, char **argv);

#endif
