/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixed world of the fuzzers: a network (genesis), feeds with
 * deterministic keys, and valid signed events of every type around one
 * credential.  mkseeds writes it out as a seed corpus; fuzz_bundle and
 * fuzz_event rebuild the same world at start-up, so the seeds' signatures
 * verify against the genesis the targets use.  No Criterion: failures abort.
 */
#ifndef CL_TESTS_FUZZ_SEEDS_H
#define CL_TESTS_FUZZ_SEEDS_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* The "now" (ms) of fuzz_bundle: after every time in the world. */
#define FZ_NOW		1800000000000ull
#define FZ_AUTH_CNT	2
#define FZ_EV_MAX	96
#define FZ_BUNDLE_MAX	24
#define FZ_MANY		(CL_CRED_CHANGES_MAX + 1)	/* changes, > max */

/* A key pair made from a small number, so runs are reproducible. */
struct fz_key {
	uint8_t	pk[CL_PK_LEN];
	uint8_t	sk[64];
};

/* An author's feed: its key and where its chain stands. */
struct fz_feed {
	struct fz_key	key;
	uint64_t	seq;		/* of the last event signed */
	uint8_t		head[CL_ID_LEN];
};

/* The network: two authorities and the genesis they are named in. */
struct fz_net {
	struct fz_feed	auth[FZ_AUTH_CNT];
	uint8_t		genesis[4096];
	size_t		genesis_len;
	uint8_t		netid[CL_ID_LEN];
};

/*
 * One signed event, named for the corpus ("i2-issue").  Bulk events (the
 * many changes of one bundle) are not written out one by one.
 */
struct fz_ev {
	char		 name[32];
	int		 bulk;
	uint8_t		 bytes[CL_EVENT_MAX];
	size_t		 len;
	uint8_t		 id[CL_ID_LEN];
};

/* A proof bundle of some of the world's events, for the credential. */
struct fz_bundle {
	const char	*name;
	uint8_t		*bytes;		/* malloc'd */
	size_t		 len;
	int		 refused;	/* cl_bundle_check() must fail */
};

/*
 * Everything: the network, the events of two issuers and both
 * authorities, the credential fuzz_bundle asks about (the ISSUE "i2"), and
 * bundles for it that reach every status.
 */
struct fz_world {
	struct fz_net		net;
	struct fz_feed		issuer;		/* key 7: the credential's */
	struct fz_feed		other;		/* key 8, an unrelated issuer */
	uint32_t		ev_cnt;
	struct fz_ev		ev[FZ_EV_MAX];
	uint8_t			cred[CL_ID_LEN];
	uint32_t		bundle_cnt;
	struct fz_bundle	bundle[FZ_BUNDLE_MAX];
};

/* Build the network alone (genesis and netid); cheap. */
void	fz_net_init(struct fz_net *);

/* Build the world; abort()s on any failure.  Release with fz_world_free. */
struct fz_world	*fz_world_new(void);
void		 fz_world_free(struct fz_world *);

/* A genesis other than the fixed one (for the genesis corpus): n keys. */
void	fz_genesis_other(uint32_t n, int optional, uint8_t *out, size_t cap,
	    size_t *len);

#endif
