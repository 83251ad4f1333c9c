/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The genesis: strict codec, the network id, the authority rules.  Bytes
 * to reject are built with msgpack-c's packer, not with the code under test.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <msgpack.h>
#include <sodium.h>

#include "genesis.h"

#define CREATED		1700000000000ull
#define S(x)		((struct cl_str){ x, (uint32_t)(sizeof(x) - 1) })

static uint8_t	keys[CL_AUTHORITIES_MAX + 2][CL_PK_LEN];

static void
setup(void)
{
	uint8_t	seed[32], sk[64];
	size_t	i;

	cr_assert(sodium_init() >= 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		memset(seed, (int)i + 1, sizeof(seed));
		cr_assert_eq(crypto_sign_seed_keypair(keys[i], sk, seed), 0);
	}
}

TestSuite(genesis, .init = setup);

/* A genesis of n authorities; the first has an org and a country. */
static void
make(struct cl_genesis *g, uint32_t n)
{
	uint32_t	i;

	memset(g, 0, sizeof(*g));
	g->version = CL_VERSION;
	g->name = S("credledger-test");
	g->created = CREATED;
	g->auth_cnt = n;
	for (i = 0; i < n && i < CL_AUTHORITIES_MAX; i++)
		memcpy(g->auth[i].key, keys[i], CL_PK_LEN);
	if (n > 0) {
		g->auth[0].org = S("Bundesinstitut für Berufsbildung");
		g->auth[0].country = S("DE");
	}
	if (n > 1)
		g->auth[1].country = S("AT");	/* a country alone */
}

static void
encode(const struct cl_genesis *g, uint8_t *out, size_t cap, size_t *len)
{
	struct cl_where	w = { NULL };
	cl_err		err;

	err = cl_genesis_encode(g, out, cap, len, &w);
	cr_assert_eq(err, CL_OK, "encode: %s at %s", cl_errname(err),
	    w.field ? w.field : "-");
}

static void
expect_encode(const struct cl_genesis *g, cl_err want, const char *field)
{
	uint8_t		out[CL_GENESIS_MAX];
	size_t		len;
	struct cl_where	w = { NULL };
	cl_err		err;

	err = cl_genesis_encode(g, out, sizeof(out), &len, &w);
	cr_assert_eq(err, want, "encode: %s at %s; want %s", cl_errname(err),
	    w.field ? w.field : "(none)", cl_errname(want));
	if (field != NULL) {
		cr_assert_not_null(w.field, "want where %s", field);
		cr_assert_str_eq(w.field, field);
	}
}

static void
expect_decode(const void *b, size_t len, cl_err want, const char *field)
{
	struct cl_genesis	g;
	struct cl_where		w = { "untouched" };
	cl_err			err;

	err = cl_genesis_decode(&g, b, len, &w);
	cr_assert_eq(err, want, "decode: %s at %s; want %s", cl_errname(err),
	    w.field ? w.field : "(none)", cl_errname(want));
	if (err == CL_OK) {
		cl_genesis_free(&g);
		return;
	}
	cr_assert_null(g.raw, "nothing is held after an error");
	cr_assert_eq(g.auth_cnt, 0);
	if (field != NULL) {
		cr_assert_not_null(w.field, "want where %s", field);
		cr_assert_str_eq(w.field, field);
	}
}

/* ------------------------------------------------------------------ */
/* Hand-built genesis bytes. */

struct gb {
	uint64_t	 version;
	const char	*name;		/* NULL: left out */
	const char	*created_raw;	/* raw bytes instead of the uint */
	size_t		 created_raw_len;
	bool		 no_auth;	/* leave out key 3 */
	uint32_t	 auth_n;
	const char	*country;	/* of every authority; NULL: none */
	const char	*org;		/* of the first authority */
	int		 dup;		/* >= 0: authority dup repeats key 0 */
	bool		 extra_key;	/* key 4 at the end */
	bool		 auth_extra_key; /* key 3 in the first authority */
	bool		 swap;		/* keys 0 1 2 3 written 0 2 1 3 */
	bool		 late_key;	/* key 2 again after key 3 */
	bool		 auth_swap;	/* first authority: 0 2 1 */
};

static void
gb_init(struct gb *o, uint32_t n)
{
	memset(o, 0, sizeof(*o));
	o->version = CL_VERSION;
	o->name = "credledger-test";
	o->auth_n = n;
	o->dup = -1;
}

static void
pk_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str_with_body(pk, s, strlen(s));
}

static void
gb_pack(const struct gb *o, msgpack_sbuffer *sb)
{
	msgpack_packer	pk;
	uint32_t	i, n;

	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, (size_t)(2 + (o->name != NULL) + !o->no_auth +
	    o->extra_key + o->late_key));
	msgpack_pack_uint64(&pk, 0);
	msgpack_pack_uint64(&pk, o->version);
	if (o->swap) {
		msgpack_pack_uint64(&pk, 2);
		msgpack_pack_uint64(&pk, CREATED);
	}
	if (o->name != NULL) {
		msgpack_pack_uint64(&pk, 1);
		pk_str(&pk, o->name);
	}
	if (!o->swap) {
		msgpack_pack_uint64(&pk, 2);
		if (o->created_raw != NULL)
			msgpack_sbuffer_write(sb, o->created_raw,
			    o->created_raw_len);
		else
			msgpack_pack_uint64(&pk, CREATED);
	}
	if (!o->no_auth) {
		msgpack_pack_uint64(&pk, 3);
		msgpack_pack_array(&pk, o->auth_n);
		for (i = 0; i < o->auth_n; i++) {
			n = (uint32_t)(1 + (o->country != NULL) +
			    (i == 0 && o->org != NULL) +
			    (i == 0 && o->auth_extra_key));
			msgpack_pack_map(&pk, n);
			msgpack_pack_uint64(&pk, 0);
			msgpack_pack_bin_with_body(&pk,
			    keys[(int)i == o->dup ? 0 : i], CL_PK_LEN);
			if (i == 0 && o->org != NULL && !o->auth_swap) {
				msgpack_pack_uint64(&pk, 1);
				pk_str(&pk, o->org);
			}
			if (o->country != NULL) {
				msgpack_pack_uint64(&pk, 2);
				pk_str(&pk, o->country);
			}
			if (i == 0 && o->org != NULL && o->auth_swap) {
				msgpack_pack_uint64(&pk, 1);
				pk_str(&pk, o->org);
			}
			if (i == 0 && o->auth_extra_key) {
				msgpack_pack_uint64(&pk, 3);
				msgpack_pack_uint64(&pk, 1);
			}
		}
	}
	if (o->extra_key) {
		msgpack_pack_uint64(&pk, 4);
		msgpack_pack_uint64(&pk, 1);
	}
	if (o->late_key) {
		msgpack_pack_uint64(&pk, 2);
		msgpack_pack_uint64(&pk, CREATED);
	}
}

static void
expect_gb(const struct gb *o, cl_err want, const char *field)
{
	msgpack_sbuffer	sb;

	gb_pack(o, &sb);
	expect_decode(sb.data, sb.size, want, field);
	msgpack_sbuffer_destroy(&sb);
}

/* ------------------------------------------------------------------ */

Test(genesis, roundtrip)
{
	struct cl_genesis	g, d;
	uint8_t			out[CL_GENESIS_MAX], again[CL_GENESIS_MAX];
	size_t			len, len2;
	uint32_t		i;

	make(&g, 3);
	encode(&g, out, sizeof(out), &len);
	cr_assert_eq(cl_genesis_decode(&d, out, len, NULL), CL_OK);
	cr_assert_eq(d.version, CL_VERSION);
	cr_assert_eq(d.name.len, g.name.len);
	cr_assert_arr_eq(d.name.ptr, g.name.ptr, g.name.len);
	cr_assert_eq(d.created, CREATED);
	cr_assert_eq(d.auth_cnt, 3);
	for (i = 0; i < 3; i++) {
		cr_assert_arr_eq(d.auth[i].key, keys[i], CL_PK_LEN);
		cr_assert_eq(d.auth[i].org.len, g.auth[i].org.len);
		cr_assert_eq(d.auth[i].country.len, g.auth[i].country.len);
	}
	cr_assert_arr_eq(d.auth[0].org.ptr, g.auth[0].org.ptr,
	    g.auth[0].org.len);
	cr_assert_arr_eq(d.auth[0].country.ptr, "DE", 2);
	cr_assert_arr_eq(d.auth[1].country.ptr, "AT", 2);
	/* strings point into the genesis's own copy of its bytes */
	cr_assert_not_null(d.raw);
	cr_assert_neq(d.raw, out);
	cr_assert_eq(d.raw_len, len);
	cr_assert_arr_eq(d.raw, out, len);
	cr_assert((const uint8_t *)d.name.ptr > d.raw &&
	    (const uint8_t *)d.name.ptr < d.raw + d.raw_len);
	encode(&d, again, sizeof(again), &len2);
	cr_assert_eq(len2, len);
	cr_assert_arr_eq(again, out, len);
	cl_genesis_free(&d);
	cr_assert_null(d.raw);
	cr_assert_eq(d.auth_cnt, 0);
	cl_genesis_free(&d);		/* twice is harmless */
	cl_genesis_free(NULL);
}

Test(genesis, roundtrip_of_the_largest_genesis)
{
	struct cl_genesis	g, d;
	uint8_t			out[CL_GENESIS_MAX];
	size_t			len;
	uint32_t		i;

	make(&g, CL_AUTHORITIES_MAX);
	for (i = 0; i < CL_AUTHORITIES_MAX; i++) {
		g.auth[i].org = S("Agentur für Qualitätssicherung");
		g.auth[i].country = S("EU");
	}
	encode(&g, out, sizeof(out), &len);
	cr_assert_eq(cl_genesis_decode(&d, out, len, NULL), CL_OK);
	cr_assert_eq(d.auth_cnt, CL_AUTHORITIES_MAX);
	cr_assert_arr_eq(d.auth[63].key, keys[63], CL_PK_LEN);
	cl_genesis_free(&d);
}

Test(genesis, netid_is_sha256_of_the_bytes)
{
	struct cl_genesis	g, d;
	uint8_t			out[CL_GENESIS_MAX], want[CL_ID_LEN];
	uint8_t			first[CL_ID_LEN];
	size_t			len;

	make(&g, 2);
	encode(&g, out, sizeof(out), &len);
	crypto_hash_sha256(want, out, len);
	cr_assert_eq(cl_genesis_decode(&d, out, len, NULL), CL_OK);
	cr_assert_arr_eq(d.netid, want, CL_ID_LEN);
	memcpy(first, d.netid, CL_ID_LEN);
	cl_genesis_free(&d);
	/* any change of the bytes is another network */
	g.created++;
	encode(&g, out, sizeof(out), &len);
	cr_assert_eq(cl_genesis_decode(&d, out, len, NULL), CL_OK);
	cr_assert_arr_neq(d.netid, first, CL_ID_LEN);
	cl_genesis_free(&d);
}

/* PROTOCOL.md §2.5, rebuilt with msgpack-c: bytes and network id. */
Test(genesis, known_answer_of_the_protocol_example)
{
	static const char want_hex[] = "84000101a76578616d706c6502cf0000018b"
	    "cfe5680003918300c42003a107bff3ce10be1d70dd18e74bc09967e4d6309ba5"
	    "0d5f1ddc8664125531b801b14578616d706c6520417574686f7269747902a244"
	    "45";
	static const char netid_hex[] = "aa6cd8baf0b42f58a5029c01650057e1"
	    "70af110ace1b4f8721eca42a65bb699d";
	uint8_t			want[sizeof(want_hex) / 2], netid[CL_ID_LEN];
	uint8_t			seed[32], pk[CL_PK_LEN], sk[64];
	uint8_t			out[CL_GENESIS_MAX];
	size_t			len, i;
	msgpack_sbuffer		sb;
	msgpack_packer		p;
	struct cl_genesis	g, d;

	cr_assert_eq(sodium_hex2bin(want, sizeof(want), want_hex,
	    sizeof(want_hex) - 1, NULL, &len, NULL), 0);
	cr_assert_eq(len, 83);
	cr_assert_eq(sodium_hex2bin(netid, sizeof(netid), netid_hex,
	    sizeof(netid_hex) - 1, NULL, NULL, NULL), 0);
	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	cr_assert_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&p, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&p, 4);
	msgpack_pack_uint64(&p, 0);
	msgpack_pack_uint64(&p, 1);
	msgpack_pack_uint64(&p, 1);
	pk_str(&p, "example");
	msgpack_pack_uint64(&p, 2);
	msgpack_pack_uint64(&p, CREATED);
	msgpack_pack_uint64(&p, 3);
	msgpack_pack_array(&p, 1);
	msgpack_pack_map(&p, 3);
	msgpack_pack_uint64(&p, 0);
	msgpack_pack_bin_with_body(&p, pk, CL_PK_LEN);
	msgpack_pack_uint64(&p, 1);
	pk_str(&p, "Example Authority");
	msgpack_pack_uint64(&p, 2);
	pk_str(&p, "DE");
	cr_assert_eq(sb.size, sizeof(want));
	cr_assert_arr_eq(sb.data, want, sizeof(want));
	msgpack_sbuffer_destroy(&sb);

	cr_assert_eq(cl_genesis_decode(&d, want, sizeof(want), NULL), CL_OK);
	cr_assert_arr_eq(d.netid, netid, CL_ID_LEN);
	cl_genesis_free(&d);
	memset(&g, 0, sizeof(g));
	g.version = 1;
	g.name = S("example");
	g.created = CREATED;
	g.auth_cnt = 1;
	memcpy(g.auth[0].key, pk, CL_PK_LEN);
	g.auth[0].org = S("Example Authority");
	g.auth[0].country = S("DE");
	encode(&g, out, sizeof(out), &len);
	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(out, want, len);
}

Test(genesis, hand_built_genesis_decodes)
{
	struct gb	o;

	gb_init(&o, 3);
	o.org = "BIBB";
	o.country = "DE";
	expect_gb(&o, CL_OK, NULL);
	gb_init(&o, 1);			/* no org, no country */
	expect_gb(&o, CL_OK, NULL);
}

Test(genesis, duplicate_authority_key_is_rejected)
{
	struct cl_genesis	g;
	struct gb		o;

	make(&g, 3);
	memcpy(g.auth[2].key, keys[0], CL_PK_LEN);
	expect_encode(&g, CL_EDUPKEY, "authorities.key");
	memcpy(g.auth[2].key, keys[1], CL_PK_LEN);	/* not the first */
	expect_encode(&g, CL_EDUPKEY, "authorities.key");
	gb_init(&o, 3);
	o.dup = 2;
	expect_gb(&o, CL_EDUPKEY, "authorities.key");
	gb_init(&o, 2);
	o.dup = 1;
	o.country = "DE";
	expect_gb(&o, CL_EDUPKEY, "authorities.key");
}

Test(genesis, zero_authorities_is_missing)
{
	struct cl_genesis	g;
	struct gb		o;

	make(&g, 0);
	expect_encode(&g, CL_EMISSING, "authorities");
	gb_init(&o, 0);				/* an empty list */
	expect_gb(&o, CL_EMISSING, "authorities");
	gb_init(&o, 1);				/* no list at all */
	o.no_auth = true;
	expect_gb(&o, CL_EMISSING, "authorities");
}

Test(genesis, more_than_the_maximum_of_authorities_is_toobig)
{
	struct cl_genesis	g;
	struct gb		o;

	gb_init(&o, CL_AUTHORITIES_MAX);
	expect_gb(&o, CL_OK, NULL);
	gb_init(&o, CL_AUTHORITIES_MAX + 1);
	expect_gb(&o, CL_ETOOBIG, "authorities");
	/* a count over the array must not read past it */
	make(&g, CL_AUTHORITIES_MAX);
	g.auth_cnt = CL_AUTHORITIES_MAX + 1;
	expect_encode(&g, CL_ETOOBIG, "authorities");
	g.auth_cnt = 100000;
	expect_encode(&g, CL_ETOOBIG, "authorities");
}

Test(genesis, bad_country_is_rejected)
{
	struct cl_genesis	g;
	struct gb		o;

	gb_init(&o, 2);
	o.country = "de";
	expect_gb(&o, CL_ERANGE, "authorities.country");
	o.country = "D1";
	expect_gb(&o, CL_ERANGE, "authorities.country");
	o.country = "DEU";			/* over 2 bytes */
	expect_gb(&o, CL_ETOOBIG, "authorities.country");
	o.country = "";
	expect_gb(&o, CL_ERANGE, "authorities.country");
	make(&g, 2);
	g.auth[1].country = S("at");
	expect_encode(&g, CL_ERANGE, "authorities.country");
}

Test(genesis, bad_name_is_rejected)
{
	struct cl_genesis	g;
	struct gb		o;

	gb_init(&o, 1);
	o.name = NULL;
	expect_gb(&o, CL_EMISSING, "name");
	gb_init(&o, 1);
	o.name = "";
	expect_gb(&o, CL_ERANGE, "name");
	o.name = "net\nwork";
	expect_gb(&o, CL_ERANGE, "name");
	o.name = "K\xc3";
	expect_gb(&o, CL_EBADUTF8, "name");
	make(&g, 1);
	g.name.len = 0;
	expect_encode(&g, CL_EMISSING, "name");
	g.auth[0].org = S("Tab\there");
	g.name = S("ok");
	expect_encode(&g, CL_ERANGE, "authorities.org");
}

Test(genesis, other_versions_are_rejected)
{
	struct cl_genesis	g;
	struct gb		o;

	gb_init(&o, 1);
	o.version = 2;
	expect_gb(&o, CL_EBADVERSION, "version");
	o.version = 0;
	expect_gb(&o, CL_ERANGE, "version");
	o.version = 256;
	expect_gb(&o, CL_ERANGE, "version");
	make(&g, 1);
	g.version = 2;
	expect_encode(&g, CL_EBADVERSION, "version");
}

Test(genesis, non_canonical_bytes_are_rejected)
{
	struct gb	o;

	gb_init(&o, 1);				/* 1.7e12: a uint 64, fine */
	o.created_raw = "\xcf\x00\x00\x01\x8b\xcf\xe5\x68\x00";
	o.created_raw_len = 9;
	expect_gb(&o, CL_OK, NULL);
	o.created_raw = "\xcd\x00\x05";	/* 5 in a uint 16 */
	o.created_raw_len = 3;
	expect_gb(&o, CL_ENONCANON, "genesis");
	o.created_raw = "\xcc\x05";
	o.created_raw_len = 2;
	expect_gb(&o, CL_ENONCANON, "genesis");
	o.created_raw = "\xcb\x42\x78\xbc\xfe\x56\x80\x00\x00"; /* float */
	o.created_raw_len = 9;
	expect_gb(&o, CL_EBADTYPE, NULL);
	o.created_raw = "\xff";			/* negative */
	o.created_raw_len = 1;
	expect_gb(&o, CL_EBADTYPE, NULL);
}

Test(genesis, non_minimal_headers_are_rejected)
{
	struct cl_genesis	g;
	uint8_t			out[CL_GENESIS_MAX], *alt;
	size_t			len;

	make(&g, 1);
	g.name = S("abc");
	encode(&g, out, sizeof(out), &len);
	cr_assert_eq(out[0], 0x84);
	cr_assert_not_null(alt = malloc(len + 2));
	alt[0] = 0xde;				/* map 16 of 4 */
	alt[1] = 0;
	alt[2] = 4;
	memcpy(alt + 3, out + 1, len - 1);
	expect_decode(alt, len + 2, CL_ENONCANON, "genesis");
	/* 84 00 01 01, then name "abc": a3 'a' 'b' 'c'; as str 8 */
	cr_assert_eq(out[4], 0xa3);
	memcpy(alt, out, 4);
	alt[4] = 0xd9;
	alt[5] = 3;
	memcpy(alt + 6, out + 5, len - 5);
	expect_decode(alt, len + 1, CL_ENONCANON, "genesis");
	free(alt);
}

Test(genesis, unsorted_keys_are_rejected)
{
	struct gb	o;

	gb_init(&o, 1);
	o.late_key = true;			/* 0 1 2 3 2 */
	expect_gb(&o, CL_EKEYORDER, NULL);
	gb_init(&o, 2);				/* an authority 0 2 1 */
	o.org = "BIBB";
	o.country = "DE";
	o.auth_swap = true;
	expect_gb(&o, CL_EKEYORDER, NULL);
	/* in wire order, key 2 before key 1 finds "name" missing first */
	gb_init(&o, 1);
	o.swap = true;
	expect_gb(&o, CL_EMISSING, "name");
}

Test(genesis, unknown_keys_are_rejected)
{
	struct gb	o;

	gb_init(&o, 1);
	o.extra_key = true;
	expect_gb(&o, CL_EUNKNOWNKEY, "genesis");
	gb_init(&o, 2);
	o.auth_extra_key = true;
	expect_gb(&o, CL_EUNKNOWNKEY, "authorities");
}

Test(genesis, trailing_and_truncated_bytes_are_rejected)
{
	struct cl_genesis	g;
	uint8_t			out[CL_GENESIS_MAX];
	size_t			len, n;

	make(&g, 2);
	encode(&g, out, sizeof(out) - 1, &len);
	out[len] = '\n';			/* a text editor's newline */
	expect_decode(out, len + 1, CL_ETRAILING, NULL);
	expect_decode(out, len, CL_OK, NULL);
	for (n = 0; n < len; n++)
		expect_decode(out, n, CL_ETRUNCATED, NULL);
}

Test(genesis, over_the_maximum_size_is_toobig)
{
	uint8_t	*b = calloc(1, CL_GENESIS_MAX + 1);

	cr_assert_not_null(b);
	expect_decode(b, CL_GENESIS_MAX + 1, CL_ETOOBIG, NULL);
	free(b);
}

Test(genesis, find_returns_the_authority_index)
{
	struct cl_genesis	g, d;
	uint8_t			out[CL_GENESIS_MAX];
	size_t			len;
	uint32_t		i;

	make(&g, 5);
	encode(&g, out, sizeof(out), &len);
	cr_assert_eq(cl_genesis_decode(&d, out, len, NULL), CL_OK);
	for (i = 0; i < 5; i++)
		cr_assert_eq(cl_genesis_find(&d, keys[i]), (int)i);
	cr_assert_eq(cl_genesis_find(&d, keys[5]), -1);
	cr_assert_eq(cl_genesis_find(&d, keys[CL_AUTHORITIES_MAX]), -1);
	cl_genesis_free(&d);
	/* a freed genesis has no authorities */
	cr_assert_eq(cl_genesis_find(&d, keys[0]), -1);
}

Test(genesis, order_of_authorities_is_part_of_the_network)
{
	struct cl_genesis	g, a, b;
	uint8_t			out[CL_GENESIS_MAX], out2[CL_GENESIS_MAX];
	size_t			len, len2;

	make(&g, 2);
	g.auth[0].org = (struct cl_str){ NULL, 0 };
	g.auth[0].country = (struct cl_str){ NULL, 0 };
	g.auth[1].country = (struct cl_str){ NULL, 0 };
	encode(&g, out, sizeof(out), &len);
	memcpy(g.auth[0].key, keys[1], CL_PK_LEN);
	memcpy(g.auth[1].key, keys[0], CL_PK_LEN);
	encode(&g, out2, sizeof(out2), &len2);
	cr_assert_eq(cl_genesis_decode(&a, out, len, NULL), CL_OK);
	cr_assert_eq(cl_genesis_decode(&b, out2, len2, NULL), CL_OK);
	cr_assert_arr_neq(a.netid, b.netid, CL_ID_LEN);
	cr_assert_eq(cl_genesis_find(&a, keys[1]), 1);
	cr_assert_eq(cl_genesis_find(&b, keys[1]), 0);
	cl_genesis_free(&a);
	cl_genesis_free(&b);
}
