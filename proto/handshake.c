/* SPDX-License-Identifier: Apache-2.0 */
/* The peer link handshake (PROTOCOL.md §12.1). */
#include "handshake.h"

#include <string.h>

#include <sodium.h>

static const char	netkey_tag[] = "credledger/network-key/v1";
static const char	th_tag[] = "credledger/handshake/v1";
static const char	t2_tag[] = "credledger/handshake/responder";
static const char	t3_tag[] = "credledger/handshake/initiator";

static const uint8_t	zero_nonce[crypto_secretbox_NONCEBYTES];

void
cl_hs_netkey(uint8_t key[static 32], const uint8_t netid[static 32])
{
	crypto_generichash_state	s;

	crypto_generichash_init(&s, NULL, 0, 32);
	crypto_generichash_update(&s, (const uint8_t *)netkey_tag,
	    sizeof(netkey_tag) - 1);
	crypto_generichash_update(&s, netid, 32);
	crypto_generichash_final(&s, key, 32);
}

void
cl_hs_init(struct cl_hs *hs, bool initiator, const uint8_t netid[static 32],
    const uint8_t sk[static 64], const uint8_t *pin)
{
	memset(hs, 0, sizeof(*hs));
	hs->initiator = initiator;
	cl_hs_netkey(hs->netkey, netid);
	memcpy(hs->sk, sk, 64);
	memcpy(hs->pk, sk + 32, CL_PK_LEN);
	if (pin != NULL) {
		hs->pinned = true;
		memcpy(hs->peer_pk, pin, CL_PK_LEN);
	}
	crypto_box_keypair(hs->eph_pk, hs->eph_sk);
}

void
cl_hs_wipe(struct cl_hs *hs, bool keep_keys)
{
	uint8_t	tx[CL_HS_KEY_LEN], rx[CL_HS_KEY_LEN];

	memcpy(tx, hs->tx, sizeof(tx));
	memcpy(rx, hs->rx, sizeof(rx));
	sodium_memzero(hs->sk, sizeof(hs->sk));
	sodium_memzero(hs->eph_sk, sizeof(hs->eph_sk));
	sodium_memzero(hs->shared, sizeof(hs->shared));
	sodium_memzero(hs->netkey, sizeof(hs->netkey));
	sodium_memzero(hs->tx, sizeof(hs->tx));
	sodium_memzero(hs->rx, sizeof(hs->rx));
	if (keep_keys) {
		memcpy(hs->tx, tx, sizeof(tx));
		memcpy(hs->rx, rx, sizeof(rx));
	}
	sodium_memzero(tx, sizeof(tx));
	sodium_memzero(rx, sizeof(rx));
}

/* th = H(tag ‖ K ‖ a ‖ b): what both signatures are over. */
static void
transcript(const struct cl_hs *hs, uint8_t th[static 32])
{
	crypto_generichash_state	s;
	const uint8_t			*a, *b;

	a = hs->initiator ? hs->eph_pk : hs->peer_eph;
	b = hs->initiator ? hs->peer_eph : hs->eph_pk;
	crypto_generichash_init(&s, NULL, 0, 32);
	crypto_generichash_update(&s, (const uint8_t *)th_tag,
	    sizeof(th_tag) - 1);
	crypto_generichash_update(&s, hs->netkey, 32);
	crypto_generichash_update(&s, a, 32);
	crypto_generichash_update(&s, b, 32);
	crypto_generichash_final(&s, th, 32);
}

/* A key from the shared secret: H_shared(label ‖ th [‖ extra]). */
static void
derive(uint8_t *out, size_t len, const struct cl_hs *hs, const char *label,
    const uint8_t th[static 32], const uint8_t *extra, size_t extra_len)
{
	crypto_generichash_state	s;

	crypto_generichash_init(&s, hs->shared, 32, len);
	crypto_generichash_update(&s, (const uint8_t *)label, strlen(label));
	crypto_generichash_update(&s, th, 32);
	if (extra != NULL)
		crypto_generichash_update(&s, extra, extra_len);
	crypto_generichash_final(&s, out, len);
}

/* The signed statement: tag ‖ th [‖ the responder's key]. */
static size_t
statement(uint8_t *out, const char *tag, const uint8_t th[static 32],
    const uint8_t *rkey)
{
	size_t	n = strlen(tag);

	memcpy(out, tag, n);
	memcpy(out + n, th, 32);
	n += 32;
	if (rkey != NULL) {
		memcpy(out + n, rkey, CL_PK_LEN);
		n += CL_PK_LEN;
	}
	return n;
}

static cl_err
dh(struct cl_hs *hs)
{
	if (crypto_scalarmult(hs->shared, hs->eph_sk, hs->peer_eph) != 0)
		return CL_ENETWORK;	/* a low-order point: not a peer */
	return CL_OK;
}

static void
session(struct cl_hs *hs, const uint8_t th[static 32])
{
	uint8_t		keys[64], ids[2 * CL_PK_LEN];
	const uint8_t	*ikey = hs->initiator ? hs->pk : hs->peer_pk;
	const uint8_t	*rkey = hs->initiator ? hs->peer_pk : hs->pk;

	memcpy(ids, ikey, CL_PK_LEN);
	memcpy(ids + CL_PK_LEN, rkey, CL_PK_LEN);
	derive(keys, sizeof(keys), hs, "session", th, ids, sizeof(ids));
	/* first half: initiator to responder */
	memcpy(hs->initiator ? hs->tx : hs->rx, keys, 32);
	memcpy(hs->initiator ? hs->rx : hs->tx, keys + 32, 32);
	sodium_memzero(keys, sizeof(keys));
	hs->step = 3;
}

void
cl_hs_msg1(struct cl_hs *hs, uint8_t out[static CL_HS_MSG1_LEN])
{
	crypto_auth(out, hs->eph_pk, 32, hs->netkey);
	memcpy(out + 32, hs->eph_pk, 32);
	hs->step = 1;
}

cl_err
cl_hs_recv1(struct cl_hs *hs, const uint8_t in[static CL_HS_MSG1_LEN],
    uint8_t out[static CL_HS_MSG2_LEN])
{
	uint8_t	th[32], k2[32], plain[CL_PK_LEN + CL_SIG_LEN], st[128];
	size_t	n;
	cl_err	err;

	if (hs->initiator || hs->step != 0)
		return CL_EUSAGE;
	if (crypto_auth_verify(in, in + 32, 32, hs->netkey) != 0)
		return CL_ENETWORK;
	memcpy(hs->peer_eph, in + 32, 32);
	if ((err = dh(hs)) != CL_OK)
		return err;
	transcript(hs, th);
	n = statement(st, t2_tag, th, NULL);
	memcpy(plain, hs->pk, CL_PK_LEN);
	crypto_sign_detached(plain + CL_PK_LEN, NULL, st, n, hs->sk);
	derive(k2, sizeof(k2), hs, "k2", th, NULL, 0);
	crypto_auth(out, hs->eph_pk, 32, hs->netkey);
	memcpy(out + 32, hs->eph_pk, 32);
	crypto_secretbox_easy(out + 64, plain, sizeof(plain), zero_nonce, k2);
	sodium_memzero(k2, sizeof(k2));
	hs->step = 2;
	return CL_OK;
}

cl_err
cl_hs_recv2(struct cl_hs *hs, const uint8_t in[static CL_HS_MSG2_LEN],
    uint8_t out[static CL_HS_MSG3_LEN])
{
	uint8_t	th[32], k[32], plain[CL_PK_LEN + CL_SIG_LEN], st[160];
	size_t	n;
	cl_err	err;

	if (!hs->initiator || hs->step != 1)
		return CL_EUSAGE;
	if (crypto_auth_verify(in, in + 32, 32, hs->netkey) != 0)
		return CL_ENETWORK;
	memcpy(hs->peer_eph, in + 32, 32);
	if ((err = dh(hs)) != CL_OK)
		return err;
	transcript(hs, th);
	derive(k, sizeof(k), hs, "k2", th, NULL, 0);
	err = crypto_secretbox_open_easy(plain, in + 64,
	    CL_HS_MSG2_LEN - 64, zero_nonce, k) == 0 ? CL_OK : CL_ENETWORK;
	sodium_memzero(k, sizeof(k));
	if (err != CL_OK)
		return err;
	n = statement(st, t2_tag, th, NULL);
	if (crypto_sign_verify_detached(plain + CL_PK_LEN, st, n, plain) != 0)
		return CL_EBADSIG;
	if (hs->pinned && sodium_memcmp(plain, hs->peer_pk, CL_PK_LEN) != 0)
		return CL_EBADKEY;
	memcpy(hs->peer_pk, plain, CL_PK_LEN);

	n = statement(st, t3_tag, th, hs->peer_pk);
	memcpy(plain, hs->pk, CL_PK_LEN);
	crypto_sign_detached(plain + CL_PK_LEN, NULL, st, n, hs->sk);
	derive(k, sizeof(k), hs, "k3", th, hs->peer_pk, CL_PK_LEN);
	crypto_secretbox_easy(out, plain, sizeof(plain), zero_nonce, k);
	sodium_memzero(k, sizeof(k));
	session(hs, th);
	return CL_OK;
}

cl_err
cl_hs_recv3(struct cl_hs *hs, const uint8_t in[static CL_HS_MSG3_LEN])
{
	uint8_t	th[32], k[32], plain[CL_PK_LEN + CL_SIG_LEN], st[160];
	size_t	n;
	cl_err	err;

	if (hs->initiator || hs->step != 2)
		return CL_EUSAGE;
	transcript(hs, th);
	derive(k, sizeof(k), hs, "k3", th, hs->pk, CL_PK_LEN);
	err = crypto_secretbox_open_easy(plain, in, CL_HS_MSG3_LEN,
	    zero_nonce, k) == 0 ? CL_OK : CL_ENETWORK;
	sodium_memzero(k, sizeof(k));
	if (err != CL_OK)
		return err;
	n = statement(st, t3_tag, th, hs->pk);
	if (crypto_sign_verify_detached(plain + CL_PK_LEN, st, n, plain) != 0)
		return CL_EBADSIG;
	memcpy(hs->peer_pk, plain, CL_PK_LEN);
	session(hs, th);
	return CL_OK;
}
