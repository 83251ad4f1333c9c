/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The log as an RFC 9162 (Certificate Transparency v2) Merkle tree over
 * SHA-256 (PROTOCOL.md §11): leaf hash = SHA-256(0x00 ‖ leaf bytes),
 * interior = SHA-256(0x01 ‖ left ‖ right); the tree head of any size, the
 * inclusion path of a leaf and the consistency proof between two sizes,
 * exactly as RFC 9162 §2.1 defines MTH, PATH and PROOF; and the
 * verifiers of §2.1.3.2 and §2.1.4.2.
 *
 * Pure: the complete subtrees of the tree are kept by the caller (the
 * node keeps them in LMDB) and read through a callback.  A complete
 * subtree is named (level, index): it covers leaves [index << level,
 * (index + 1) << level).  Every function does O(log n) reads.
 */
#ifndef CL_PROTO_MERKLE_H
#define CL_PROTO_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "limits.h"

#define CL_HASH_LEN	32
/* A proof has at most one hash per level of a tree of 2^63 leaves. */
#define CL_MERKLE_PROOF_MAX	64

void	cl_merkle_leaf(uint8_t out[static CL_HASH_LEN], const void *leaf,
	    size_t len);
void	cl_merkle_node(uint8_t out[static CL_HASH_LEN],
	    const uint8_t left[static CL_HASH_LEN],
	    const uint8_t right[static CL_HASH_LEN]);

/*
 * Read the hash of the complete subtree (level, index) into out: the
 * caller's storage.  Returns CL_OK, or an error that is passed up.
 */
typedef cl_err (*cl_merkle_get_cb)(void *arg, unsigned level,
    uint64_t index, uint8_t out[static CL_HASH_LEN]);

/*
 * Appending leaf number n (counted from 0) with hash h completes the
 * subtrees (1, n >> 1), (2, n >> 2), ... while n's low bits are ones:
 * for each, *cnt tells how many new (level, index, hash) the caller must
 * store besides (0, n, h).  cl_merkle_append() computes them, reading the
 * left siblings through get.  levels, indexes and hashes have room for
 * CL_MERKLE_PROOF_MAX.
 */
CL_NODISCARD cl_err	cl_merkle_append(cl_merkle_get_cb get, void *arg,
			    uint64_t n, const uint8_t h[static CL_HASH_LEN],
			    unsigned *levels, uint64_t *indexes,
			    uint8_t (*hashes)[CL_HASH_LEN], unsigned *cnt);

/*
 * MTH of the first size leaves (size >= 1; size 0 is SHA-256 of the
 * empty string).  Errors: those of get.
 */
CL_NODISCARD cl_err	cl_merkle_root(cl_merkle_get_cb get, void *arg,
			    uint64_t size, uint8_t root[static CL_HASH_LEN]);

/*
 * PATH(m, D[0:size]): the inclusion proof of leaf m (m < size), from the
 * leaf's sibling up.  Errors: CL_ERANGE (m >= size), those of get.
 */
CL_NODISCARD cl_err	cl_merkle_inclusion(cl_merkle_get_cb get, void *arg,
			    uint64_t m, uint64_t size,
			    uint8_t (*proof)[CL_HASH_LEN], unsigned *cnt);

/*
 * PROOF(m, D[0:size]): the consistency proof from size m to size
 * (1 <= m <= size).  Errors: CL_ERANGE, those of get.
 */
CL_NODISCARD cl_err	cl_merkle_consistency(cl_merkle_get_cb get, void *arg,
			    uint64_t m, uint64_t size,
			    uint8_t (*proof)[CL_HASH_LEN], unsigned *cnt);

/* RFC 9162 §2.1.3.2: does proof show leaf hash h at index m of root? */
bool	cl_merkle_verify_inclusion(uint64_t m, uint64_t size,
	    const uint8_t h[static CL_HASH_LEN],
	    const uint8_t (*proof)[CL_HASH_LEN], unsigned cnt,
	    const uint8_t root[static CL_HASH_LEN]);

/* RFC 9162 §2.1.4.2: is the tree of root2 (size2) an extension of root1? */
bool	cl_merkle_verify_consistency(uint64_t size1, uint64_t size2,
	    const uint8_t root1[static CL_HASH_LEN],
	    const uint8_t root2[static CL_HASH_LEN],
	    const uint8_t (*proof)[CL_HASH_LEN], unsigned cnt);

#endif
