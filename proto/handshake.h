/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The peer link handshake (PROTOCOL.md §12.1), from libsodium primitives
 * only, in the manner of Secure Scuttlebutt's secret handshake:
 *
 *	1 I -> R  mac_K(a) ‖ a                                   64 bytes
 *	2 R -> I  mac_K(b) ‖ b ‖ box_k2(B ‖ sig_B(T2))          176 bytes
 *	3 I -> R  box_k3(A ‖ sig_A(T3))                         112 bytes
 *
 * K, the network key, is derived from the network id: without it a peer
 * cannot even get an answer to message 1, and one of another network is
 * dropped there.  a, b are ephemeral X25519 keys; A, B the node keys
 * (Ed25519); k2, k3 and the session keys come from X25519(a, b) and the
 * transcript; each side signs the transcript with its node key, so both
 * keys are proven and bound to this session, and an observer learns
 * neither.  The initiator may pin the responder's key.
 *
 * Pure and synchronous: the caller moves the bytes.  Secrets are wiped by
 * cl_hs_wipe(), which the caller calls on every path.
 */
#ifndef CL_PROTO_HANDSHAKE_H
#define CL_PROTO_HANDSHAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "limits.h"

#define CL_HS_MSG1_LEN	64
#define CL_HS_MSG2_LEN	176
#define CL_HS_MSG3_LEN	112
#define CL_HS_KEY_LEN	32	/* crypto_secretstream_xchacha20poly1305 */

struct cl_hs {
	bool		initiator;
	int		step;
	uint8_t		netkey[32];
	uint8_t		sk[64];			/* our node key */
	uint8_t		pk[CL_PK_LEN];
	uint8_t		eph_sk[32], eph_pk[32];
	uint8_t		peer_eph[32];
	uint8_t		shared[32];		/* X25519(a, b) */
	bool		pinned;
	uint8_t		peer_pk[CL_PK_LEN];	/* pinned, then proven */
	uint8_t		tx[CL_HS_KEY_LEN];	/* done: our sending key */
	uint8_t		rx[CL_HS_KEY_LEN];	/* done: theirs */
};

/* The network key of a network id. */
void	cl_hs_netkey(uint8_t key[static 32], const uint8_t netid[static 32]);

/*
 * Begin a handshake with our node key sk (libsodium's 64 bytes).  An
 * initiator may pin the responder's key (pin NULL: any key of the
 * network).  hs is ours until cl_hs_wipe().
 */
void	cl_hs_init(struct cl_hs *hs, bool initiator,
	    const uint8_t netid[static 32], const uint8_t sk[static 64],
	    const uint8_t *pin);

/* Initiator: message 1. */
void	cl_hs_msg1(struct cl_hs *hs, uint8_t out[static CL_HS_MSG1_LEN]);

/*
 * Responder: take message 1, write message 2.  Errors: CL_ENETWORK (the
 * MAC is not of our network: drop the peer, say nothing).
 */
CL_NODISCARD cl_err	cl_hs_recv1(struct cl_hs *hs,
			    const uint8_t in[static CL_HS_MSG1_LEN],
			    uint8_t out[static CL_HS_MSG2_LEN]);

/*
 * Initiator: take message 2, write message 3; then the handshake is done
 * on our side (tx, rx, peer_pk set).  Errors: CL_ENETWORK, CL_EBADSIG
 * (the responder did not prove its key), CL_EBADKEY (not the pinned key).
 */
CL_NODISCARD cl_err	cl_hs_recv2(struct cl_hs *hs,
			    const uint8_t in[static CL_HS_MSG2_LEN],
			    uint8_t out[static CL_HS_MSG3_LEN]);

/* Responder: take message 3; done.  Errors: CL_EBADSIG. */
CL_NODISCARD cl_err	cl_hs_recv3(struct cl_hs *hs,
			    const uint8_t in[static CL_HS_MSG3_LEN]);

/* Wipe every secret of hs (keep tx and rx with keep_keys). */
void	cl_hs_wipe(struct cl_hs *hs, bool keep_keys);

#endif
