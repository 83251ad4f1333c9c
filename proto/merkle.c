/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 9162 Merkle tree heads, inclusion and consistency proofs. */
#include "merkle.h"

#include <string.h>

#include <sodium.h>

void
cl_merkle_leaf(uint8_t out[static CL_HASH_LEN], const void *leaf, size_t len)
{
	crypto_hash_sha256_state	s;
	static const uint8_t		tag = 0x00;

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, &tag, 1);
	crypto_hash_sha256_update(&s, leaf, len);
	crypto_hash_sha256_final(&s, out);
}

void
cl_merkle_node(uint8_t out[static CL_HASH_LEN],
    const uint8_t left[static CL_HASH_LEN],
    const uint8_t right[static CL_HASH_LEN])
{
	uint8_t	in[1 + 2 * CL_HASH_LEN];

	in[0] = 0x01;
	memcpy(in + 1, left, CL_HASH_LEN);
	memcpy(in + 1 + CL_HASH_LEN, right, CL_HASH_LEN);
	crypto_hash_sha256(out, in, sizeof(in));
}

/* The largest power of two strictly below n (n >= 2). */
static uint64_t
split(uint64_t n)
{
	uint64_t	k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static bool
pow2(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static unsigned
log2u(uint64_t n)
{
	unsigned	l = 0;

	while (n >>= 1)
		l++;
	return l;
}

/*
 * MTH(D[start : start + size]).  In every range the recursions of MTH,
 * PATH and PROOF reach, a power-of-two size starts at a multiple of
 * itself: a complete subtree the caller keeps.
 */
static cl_err
subtree(cl_merkle_get_cb get, void *arg, uint64_t start, uint64_t size,
    uint8_t out[static CL_HASH_LEN])
{
	uint8_t		l[CL_HASH_LEN], r[CL_HASH_LEN];
	uint64_t	k;
	unsigned	lv;
	cl_err		err;

	if (pow2(size)) {
		lv = log2u(size);
		if ((start & (size - 1)) != 0)
			return CL_ERANGE;	/* cannot be: see above */
		return get(arg, lv, start >> lv, out);
	}
	k = split(size);
	if ((err = subtree(get, arg, start, k, l)) != CL_OK ||
	    (err = subtree(get, arg, start + k, size - k, r)) != CL_OK)
		return err;
	cl_merkle_node(out, l, r);
	return CL_OK;
}

cl_err
cl_merkle_append(cl_merkle_get_cb get, void *arg, uint64_t n,
    const uint8_t h[static CL_HASH_LEN], unsigned *levels, uint64_t *indexes,
    uint8_t (*hashes)[CL_HASH_LEN], unsigned *cnt)
{
	uint8_t		cur[CL_HASH_LEN], left[CL_HASH_LEN];
	uint64_t	idx = n;
	unsigned	lv = 0;
	cl_err		err;

	*cnt = 0;
	memcpy(cur, h, CL_HASH_LEN);
	while ((idx & 1) != 0) {
		if ((err = get(arg, lv, idx - 1, left)) != CL_OK)
			return err;
		cl_merkle_node(cur, left, cur);
		lv++;
		idx >>= 1;
		levels[*cnt] = lv;
		indexes[*cnt] = idx;
		memcpy(hashes[*cnt], cur, CL_HASH_LEN);
		(*cnt)++;
	}
	return CL_OK;
}

cl_err
cl_merkle_root(cl_merkle_get_cb get, void *arg, uint64_t size,
    uint8_t root[static CL_HASH_LEN])
{
	if (size == 0) {
		crypto_hash_sha256(root, (const uint8_t *)"", 0);
		return CL_OK;
	}
	return subtree(get, arg, 0, size, root);
}

struct acc {
	uint8_t		(*proof)[CL_HASH_LEN];
	unsigned	 cnt;
};

static cl_err
add(cl_merkle_get_cb get, void *arg, struct acc *a, uint64_t start,
    uint64_t size)
{
	if (a->cnt == CL_MERKLE_PROOF_MAX)
		return CL_ETOOBIG;
	return subtree(get, arg, start, size, a->proof[a->cnt++]);
}

/* PATH(m, D[start : start + n]), m relative to start. */
static cl_err
path(cl_merkle_get_cb get, void *arg, struct acc *a, uint64_t m,
    uint64_t start, uint64_t n)
{
	uint64_t	k;
	cl_err		err;

	if (n == 1)
		return CL_OK;
	k = split(n);
	if (m < k) {
		if ((err = path(get, arg, a, m, start, k)) != CL_OK)
			return err;
		return add(get, arg, a, start + k, n - k);
	}
	if ((err = path(get, arg, a, m - k, start + k, n - k)) != CL_OK)
		return err;
	return add(get, arg, a, start, k);
}

cl_err
cl_merkle_inclusion(cl_merkle_get_cb get, void *arg, uint64_t m,
    uint64_t size, uint8_t (*proof)[CL_HASH_LEN], unsigned *cnt)
{
	struct acc	a = { proof, 0 };
	cl_err		err;

	*cnt = 0;
	if (m >= size)
		return CL_ERANGE;
	err = path(get, arg, &a, m, 0, size);
	*cnt = a.cnt;
	return err;
}

/* SUBPROOF(m, D[start : start + n], b). */
static cl_err
subproof(cl_merkle_get_cb get, void *arg, struct acc *a, uint64_t m,
    uint64_t start, uint64_t n, bool b)
{
	uint64_t	k;
	cl_err		err;

	if (m == n)
		return b ? CL_OK : add(get, arg, a, start, n);
	k = split(n);
	if (m <= k) {
		if ((err = subproof(get, arg, a, m, start, k, b)) != CL_OK)
			return err;
		return add(get, arg, a, start + k, n - k);
	}
	if ((err = subproof(get, arg, a, m - k, start + k, n - k, false)) !=
	    CL_OK)
		return err;
	return add(get, arg, a, start, k);
}

cl_err
cl_merkle_consistency(cl_merkle_get_cb get, void *arg, uint64_t m,
    uint64_t size, uint8_t (*proof)[CL_HASH_LEN], unsigned *cnt)
{
	struct acc	a = { proof, 0 };
	cl_err		err;

	*cnt = 0;
	if (m == 0 || m > size)
		return CL_ERANGE;
	err = subproof(get, arg, &a, m, 0, size, true);
	*cnt = a.cnt;
	return err;
}

bool
cl_merkle_verify_inclusion(uint64_t m, uint64_t size,
    const uint8_t h[static CL_HASH_LEN], const uint8_t (*proof)[CL_HASH_LEN],
    unsigned cnt, const uint8_t root[static CL_HASH_LEN])
{
	uint8_t		r[CL_HASH_LEN];
	uint64_t	fn = m, sn;
	unsigned	i;

	if (m >= size)
		return false;
	sn = size - 1;
	memcpy(r, h, CL_HASH_LEN);
	for (i = 0; i < cnt; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) != 0 || fn == sn) {
			cl_merkle_node(r, proof[i], r);
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			cl_merkle_node(r, r, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(r, root, CL_HASH_LEN) == 0;
}

bool
cl_merkle_verify_consistency(uint64_t size1, uint64_t size2,
    const uint8_t root1[static CL_HASH_LEN],
    const uint8_t root2[static CL_HASH_LEN],
    const uint8_t (*proof)[CL_HASH_LEN], unsigned cnt)
{
	const uint8_t	*c;
	uint8_t		 fr[CL_HASH_LEN], sr[CL_HASH_LEN];
	uint64_t	 fn, sn;
	unsigned	 i = 0;

	if (size1 == 0 || size1 > size2)
		return false;
	if (size1 == size2)
		return cnt == 0 &&
		    sodium_memcmp(root1, root2, CL_HASH_LEN) == 0;
	if (cnt == 0)
		return false;
	/* with size1 a power of two, the path starts with root1 itself */
	if (pow2(size1)) {
		c = root1;
	} else {
		c = proof[0];
		i = 1;
	}
	fn = size1 - 1;
	sn = size2 - 1;
	while ((fn & 1) != 0) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, c, CL_HASH_LEN);
	memcpy(sr, c, CL_HASH_LEN);
	for (; i < cnt; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) != 0 || fn == sn) {
			cl_merkle_node(fr, proof[i], fr);
			cl_merkle_node(sr, proof[i], sr);
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			cl_merkle_node(sr, sr, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(fr, root1, CL_HASH_LEN) == 0 &&
	    sodium_memcmp(sr, root2, CL_HASH_LEN) == 0;
}
