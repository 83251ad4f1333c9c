/* SPDX-License-Identifier: Apache-2.0 */
/* The genesis: a network's name, authorities and version; its id. */
#ifndef CL_PROTO_GENESIS_H
#define CL_PROTO_GENESIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"
#include "limits.h"

/* An authority: a key, optionally with its organisation and country. */
struct cl_authority {
	uint8_t		 key[CL_PK_LEN];
	struct cl_str	 org;		/* opt. */
	struct cl_str	 country;	/* opt., ISO 3166-1 alpha-2 */
};

struct cl_genesis {
	uint64_t		 version;	/* CL_VERSION */
	struct cl_str		 name;
	uint64_t		 created;	/* ms since the epoch */
	uint32_t		 auth_cnt;	/* >= 1, keys unique */
	struct cl_authority	 auth[CL_AUTHORITIES_MAX];
	uint8_t			 netid[CL_ID_LEN];	/* decoded only */
	uint8_t			*raw;		/* decoded only: owned copy */
	size_t			 raw_len;
};

/*
 * Decode a genesis file's bytes (canonical msgpack, PROTOCOL.md §2) and
 * compute the network id, SHA-256 of exactly those bytes.  On success g owns
 * a copy of in; release it with cl_genesis_free().
 */
CL_NODISCARD cl_err	cl_genesis_decode(struct cl_genesis *g,
			    const uint8_t *in, size_t len,
			    struct cl_where *where);

/* Encode a filled genesis (strings may point anywhere); validates it. */
CL_NODISCARD cl_err	cl_genesis_encode(const struct cl_genesis *g,
			    uint8_t *out, size_t cap, size_t *len,
			    struct cl_where *where);

void	cl_genesis_free(struct cl_genesis *);

/* The index of an authority key in g, or -1. */
int	cl_genesis_find(const struct cl_genesis *g,
	    const uint8_t key[static CL_PK_LEN]);

#endif
