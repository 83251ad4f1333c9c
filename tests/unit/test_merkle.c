/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RFC 9162 Merkle tree: the Certificate Transparency test tree's heads
 * and proofs (known answers, confirmed with a direct transcription of the
 * RFC's recursive definitions), and for every size up to 70 and every
 * leaf: heads equal to a naive recursive MTH, proofs that verify, and
 * altered proofs that do not; and random trees of up to 300 leaves.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "hex.h"
#include "merkle.h"

#define LEAVES_MAX	300

/* An in-memory keeper of complete subtrees: level x index. */
static uint8_t	nodes[10][LEAVES_MAX][CL_HASH_LEN];
static bool	have[10][LEAVES_MAX];
static uint8_t	leaf_data[LEAVES_MAX][16];
static size_t	leaf_len[LEAVES_MAX];
static uint64_t	leaves;

static cl_err
get(void *arg, unsigned level, uint64_t index, uint8_t out[CL_HASH_LEN])
{
	(void)arg;
	cr_assert_lt(level, 10);
	cr_assert_lt(index, LEAVES_MAX);
	cr_assert(have[level][index], "subtree (%u, %llu) read before it was "
	    "complete", level, (unsigned long long)index);
	memcpy(out, nodes[level][index], CL_HASH_LEN);
	return CL_OK;
}

static void
append(const void *data, size_t len)
{
	unsigned	lv[CL_MERKLE_PROOF_MAX], cnt, i;
	uint64_t	ix[CL_MERKLE_PROOF_MAX];
	uint8_t		h[CL_MERKLE_PROOF_MAX][CL_HASH_LEN];

	memcpy(leaf_data[leaves], data, len);
	leaf_len[leaves] = len;
	cl_merkle_leaf(nodes[0][leaves], data, len);
	have[0][leaves] = true;
	cr_assert_eq(cl_merkle_append(get, NULL, leaves, nodes[0][leaves], lv,
	    ix, h, &cnt), CL_OK);
	for (i = 0; i < cnt; i++) {
		memcpy(nodes[lv[i]][ix[i]], h[i], CL_HASH_LEN);
		have[lv[i]][ix[i]] = true;
	}
	leaves++;
}

/* RFC 9162 §2.1.1, word for word: the reference for the stored tree. */
static void
naive_mth(uint64_t start, uint64_t n, uint8_t out[CL_HASH_LEN])
{
	uint8_t		l[CL_HASH_LEN], r[CL_HASH_LEN];
	uint64_t	k = 1;

	if (n == 1) {
		cl_merkle_leaf(out, leaf_data[start], leaf_len[start]);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	naive_mth(start, k, l);
	naive_mth(start + k, n - k, r);
	cl_merkle_node(out, l, r);
}

static void
ct_tree(void)
{
	static const uint8_t	l3[] = { 0x20, 0x21 }, l4[] = { 0x30, 0x31 },
	    l5[] = { 0x40, 0x41, 0x42, 0x43 };
	uint8_t			l6[8], l7[16];
	int			i;

	memset(have, 0, sizeof(have));
	leaves = 0;
	for (i = 0; i < 8; i++)
		l6[i] = (uint8_t)(0x50 + i);
	for (i = 0; i < 16; i++)
		l7[i] = (uint8_t)(0x60 + i);
	append("", 0);
	append("\x00", 1);
	append("\x10", 1);
	append(l3, 2);
	append(l4, 2);
	append(l5, 4);
	append(l6, 8);
	append(l7, 16);
}

static void
unhex(uint8_t out[CL_HASH_LEN], const char *hex)
{
	cr_assert_eq(cl_hex_decode(out, CL_HASH_LEN, hex), CL_OK);
}

TestSuite(merkle, .init = ct_tree);

Test(merkle, heads_of_the_certificate_transparency_test_tree)
{
	static const char *const want[] = {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	uint8_t	root[CL_HASH_LEN], w[CL_HASH_LEN];
	uint64_t n;

	for (n = 1; n <= 8; n++) {
		cr_assert_eq(cl_merkle_root(get, NULL, n, root), CL_OK);
		unhex(w, want[n - 1]);
		cr_assert_arr_eq(root, w, CL_HASH_LEN, "size %llu",
		    (unsigned long long)n);
	}
	/* the empty tree: SHA-256 of nothing */
	cr_assert_eq(cl_merkle_root(get, NULL, 0, root), CL_OK);
	unhex(w, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
	    "7852b855");
	cr_assert_arr_eq(root, w, CL_HASH_LEN);
}

Test(merkle, known_inclusion_and_consistency_proofs)
{
	static const char *const path5[] = {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	};
	static const char *const cons37[] = {
	    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
	};
	uint8_t		p[CL_MERKLE_PROOF_MAX][CL_HASH_LEN], w[CL_HASH_LEN];
	unsigned	cnt, i;

	cr_assert_eq(cl_merkle_inclusion(get, NULL, 5, 8, p, &cnt), CL_OK);
	cr_assert_eq(cnt, 3);
	for (i = 0; i < cnt; i++) {
		unhex(w, path5[i]);
		cr_assert_arr_eq(p[i], w, CL_HASH_LEN, "path of leaf 5, %u", i);
	}
	cr_assert_eq(cl_merkle_consistency(get, NULL, 3, 7, p, &cnt), CL_OK);
	cr_assert_eq(cnt, 4);
	for (i = 0; i < cnt; i++) {
		unhex(w, cons37[i]);
		cr_assert_arr_eq(p[i], w, CL_HASH_LEN, "3 to 7, item %u", i);
	}
	/* from a power of two: the old root is implied, not sent */
	cr_assert_eq(cl_merkle_consistency(get, NULL, 4, 8, p, &cnt), CL_OK);
	cr_assert_eq(cnt, 1);
	cr_assert_eq(cl_merkle_consistency(get, NULL, 8, 8, p, &cnt), CL_OK);
	cr_assert_eq(cnt, 0);
	cr_assert_eq(cl_merkle_inclusion(get, NULL, 8, 8, p, &cnt),
	    CL_ERANGE);
	cr_assert_eq(cl_merkle_consistency(get, NULL, 0, 8, p, &cnt),
	    CL_ERANGE);
	cr_assert_eq(cl_merkle_consistency(get, NULL, 9, 8, p, &cnt),
	    CL_ERANGE);
}

/* Every size to 70, every leaf, every older size: right and wrong. */
Test(merkle, every_proof_of_every_small_tree_verifies_and_no_altered_one)
{
	uint8_t		p[CL_MERKLE_PROOF_MAX][CL_HASH_LEN];
	uint8_t		root[71][CL_HASH_LEN], ref[CL_HASH_LEN], h[CL_HASH_LEN];
	uint8_t		d[2];
	uint64_t	n, m;
	unsigned	cnt, i;

	memset(have, 0, sizeof(have));
	leaves = 0;
	for (n = 1; n <= 70; n++) {
		d[0] = (uint8_t)n;
		d[1] = 0xa5;
		append(d, 2);
		cr_assert_eq(cl_merkle_root(get, NULL, n, root[n]), CL_OK);
		naive_mth(0, n, ref);
		cr_assert_arr_eq(root[n], ref, CL_HASH_LEN, "size %llu",
		    (unsigned long long)n);
	}
	for (n = 1; n <= 70; n++) {
		for (m = 0; m < n; m++) {
			cl_merkle_leaf(h, leaf_data[m], leaf_len[m]);
			cr_assert_eq(cl_merkle_inclusion(get, NULL, m, n, p,
			    &cnt), CL_OK);
			cr_assert(cl_merkle_verify_inclusion(m, n, h,
			    (const uint8_t (*)[CL_HASH_LEN])p, cnt, root[n]),
			    "leaf %llu of %llu", (unsigned long long)m,
			    (unsigned long long)n);
			cr_assert_not(cl_merkle_verify_inclusion(m, n, h,
			    (const uint8_t (*)[CL_HASH_LEN])p, cnt,
			    root[n == 70 ? 69 : n + 1]), "another root");
			if (n > 1)
				cr_assert_not(cl_merkle_verify_inclusion(
				    (m + 1) % n, n, h,
				    (const uint8_t (*)[CL_HASH_LEN])p, cnt,
				    root[n]), "another index");
			for (i = 0; i < cnt; i++) {
				p[i][i % CL_HASH_LEN] ^= 1;
				cr_assert_not(cl_merkle_verify_inclusion(m, n,
				    h, (const uint8_t (*)[CL_HASH_LEN])p, cnt,
				    root[n]));
				p[i][i % CL_HASH_LEN] ^= 1;
			}
		}
		for (m = 1; m <= n; m++) {
			cr_assert_eq(cl_merkle_consistency(get, NULL, m, n, p,
			    &cnt), CL_OK);
			cr_assert(cl_merkle_verify_consistency(m, n, root[m],
			    root[n], (const uint8_t (*)[CL_HASH_LEN])p, cnt),
			    "%llu to %llu", (unsigned long long)m,
			    (unsigned long long)n);
			if (m < n && m > 1)
				cr_assert_not(cl_merkle_verify_consistency(m,
				    n, root[m - 1], root[n],
				    (const uint8_t (*)[CL_HASH_LEN])p, cnt),
				    "a rewritten past");
			for (i = 0; i < cnt; i++) {
				p[i][0] ^= 0x80;
				cr_assert_not(cl_merkle_verify_consistency(m,
				    n, root[m], root[n],
				    (const uint8_t (*)[CL_HASH_LEN])p, cnt));
				p[i][0] ^= 0x80;
			}
			if (cnt > 0)
				cr_assert_not(cl_merkle_verify_consistency(m,
				    n, root[m], root[n],
				    (const uint8_t (*)[CL_HASH_LEN])p,
				    cnt - 1), "a short proof");
		}
	}
}

/* Random trees of 1..300 leaves of random bytes: heads and proofs. */
Test(merkle, random_trees_up_to_300_leaves)
{
	uint8_t		p[CL_MERKLE_PROOF_MAX][CL_HASH_LEN];
	uint8_t		root[LEAVES_MAX + 1][CL_HASH_LEN], ref[CL_HASH_LEN];
	uint8_t		d[16], h[CL_HASH_LEN];
	uint64_t	n, m, m2;
	unsigned	cnt, t;

	memset(have, 0, sizeof(have));
	leaves = 0;
	for (n = 1; n <= LEAVES_MAX; n++) {
		size_t len = randombytes_uniform(sizeof(d) + 1);

		randombytes_buf(d, len);
		append(d, len);
		cr_assert_eq(cl_merkle_root(get, NULL, n, root[n]), CL_OK);
		naive_mth(0, n, ref);
		cr_assert_arr_eq(root[n], ref, CL_HASH_LEN, "size %llu",
		    (unsigned long long)n);
	}
	for (t = 0; t < 3000; t++) {
		n = 1 + randombytes_uniform(LEAVES_MAX);
		m = randombytes_uniform((uint32_t)n);
		m2 = 1 + randombytes_uniform((uint32_t)n);
		cl_merkle_leaf(h, leaf_data[m], leaf_len[m]);
		cr_assert_eq(cl_merkle_inclusion(get, NULL, m, n, p, &cnt),
		    CL_OK);
		cr_assert(cl_merkle_verify_inclusion(m, n, h,
		    (const uint8_t (*)[CL_HASH_LEN])p, cnt, root[n]));
		cr_assert_eq(cl_merkle_consistency(get, NULL, m2, n, p, &cnt),
		    CL_OK);
		cr_assert(cl_merkle_verify_consistency(m2, n, root[m2],
		    root[n], (const uint8_t (*)[CL_HASH_LEN])p, cnt));
	}
}
