/* SPDX-License-Identifier: Apache-2.0 */
/* Test helpers: deterministic keys, feeds, signed events, temp ledgers. */
#ifndef CL_TESTS_TESTLIB_H
#define CL_TESTS_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "ledger.h"

#define TL_AUTH_MAX	4

/* A key pair made from a small number, so runs are reproducible. */
struct tl_key {
	uint8_t	pk[CL_PK_LEN];
	uint8_t	sk[64];
};

/* An author's feed: its key and where its chain stands. */
struct tl_feed {
	struct tl_key	key;
	uint64_t	seq;		/* of the last event signed */
	uint8_t		head[CL_ID_LEN];
};

/* A network: authorities (with their feeds) and the genesis. */
struct tl_net {
	struct tl_feed	auth[TL_AUTH_MAX];
	int		auth_cnt;
	uint8_t		genesis[4096];
	size_t		genesis_len;
	uint8_t		netid[CL_ID_LEN];
};

/* One signed event. */
struct tl_ev {
	uint8_t		bytes[CL_EVENT_MAX];
	size_t		len;
	uint8_t		id[CL_ID_LEN];
	uint64_t	seq;
};

void	tl_key(struct tl_key *, uint32_t n);
void	tl_feed(struct tl_feed *, uint32_t n);
/* n authorities with keys 1000 + i; genesis named "test". */
void	tl_net(struct tl_net *, int n);

/*
 * Sign ev (type and body set) as the next event of f: seq, prev and time
 * are filled; f advances.  Asserts success.
 */
void	tl_sign(const struct tl_net *, struct tl_feed *f, struct cl_event *ev,
	    struct tl_ev *out);
/* The same, but at an explicit seq and prev, without advancing f. */
void	tl_sign_at(const struct tl_net *, struct tl_feed *f,
	    struct cl_event *ev, uint64_t seq, const uint8_t *prev,
	    struct tl_ev *out);

void	tl_accredit(const struct tl_net *, struct tl_feed *auth,
	    const uint8_t *issuer, uint64_t from_seq, struct tl_ev *out);
void	tl_withdraw(const struct tl_net *, struct tl_feed *auth,
	    const uint8_t *issuer, uint64_t after_seq, struct tl_ev *out);
/*
 * A valid DEFINE (stage rigging, EQF 4, 2.5 ECTS).  Its body is a
 * constant of testlib's, so ev may live as long as it likes.
 */
void	tl_define_body(struct cl_event *ev);
void	tl_define(const struct tl_net *, struct tl_feed *f, struct tl_ev *out);
void	tl_issue(const struct tl_net *, struct tl_feed *f,
	    const uint8_t *achievement, uint32_t holder, uint64_t valid_until,
	    struct tl_ev *out);
void	tl_change(const struct tl_net *, struct tl_feed *f, unsigned type,
	    const uint8_t *credential, struct tl_ev *out);

/* A ledger in a fresh temporary directory. */
struct tl_ledger {
	char		 dir[64];
	struct cl_ledger l;
};
void	tl_ledger_open(struct tl_ledger *, const struct tl_net *);
void	tl_ledger_reopen(struct tl_ledger *);
void	tl_ledger_close(struct tl_ledger *);	/* and removes the dir */

/* Submit one event in a batch of its own; returns the result. */
enum cl_accept	tl_submit(struct cl_ledger *, const struct tl_ev *,
		    struct cl_result *);
/* Submit n events in one batch. */
void	tl_submit_batch(struct cl_ledger *, const struct tl_ev *const *evs,
	    size_t n, struct cl_result *res);

/* Status of a credential now (a fixed "now" of the tests). */
#define TL_NOW	1800000000000ull
enum cl_cred_status	tl_status(struct cl_ledger *, const uint8_t *cred);

#endif
