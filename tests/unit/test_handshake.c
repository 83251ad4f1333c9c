/* SPDX-License-Identifier: Apache-2.0 */
/* The peer link handshake: keys agree, identities proven, strangers out. */
#include <string.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "handshake.h"

static uint8_t	net1[32], net2[32];
static uint8_t	ipk[32], isk[64], rpk[32], rsk[64], opk[32], osk[64];

static void
setup(void)
{
	cr_assert_geq(sodium_init(), 0);
	memset(net1, 1, sizeof(net1));
	memset(net2, 2, sizeof(net2));
	crypto_sign_keypair(ipk, isk);
	crypto_sign_keypair(rpk, rsk);
	crypto_sign_keypair(opk, osk);
}

TestSuite(handshake, .init = setup);

/* Run a whole handshake; returns the first error, CL_OK when done. */
static cl_err
run(struct cl_hs *i, struct cl_hs *r, const uint8_t *inet,
    const uint8_t *rnet, const uint8_t *pin, int flip)
{
	uint8_t	m1[CL_HS_MSG1_LEN], m2[CL_HS_MSG2_LEN], m3[CL_HS_MSG3_LEN];
	cl_err	err;

	cl_hs_init(i, true, inet, isk, pin);
	cl_hs_init(r, false, rnet, rsk, NULL);
	cl_hs_msg1(i, m1);
	if (flip == 1)
		m1[40] ^= 1;
	if ((err = cl_hs_recv1(r, m1, m2)) != CL_OK)
		return err;
	if (flip == 2)
		m2[100] ^= 1;
	if ((err = cl_hs_recv2(i, m2, m3)) != CL_OK)
		return err;
	if (flip == 3)
		m3[5] ^= 1;
	return cl_hs_recv3(r, m3);
}

Test(handshake, both_sides_agree_on_keys_and_learn_each_other)
{
	struct cl_hs	i, r;

	cr_assert_eq(run(&i, &r, net1, net1, NULL, 0), CL_OK);
	cr_assert_arr_eq(i.tx, r.rx, CL_HS_KEY_LEN);
	cr_assert_arr_eq(i.rx, r.tx, CL_HS_KEY_LEN);
	cr_assert_arr_neq(i.tx, i.rx, CL_HS_KEY_LEN, "a key per direction");
	cr_assert_arr_eq(i.peer_pk, rpk, 32);
	cr_assert_arr_eq(r.peer_pk, ipk, 32);
	cl_hs_wipe(&i, true);
	cl_hs_wipe(&r, false);
	cr_assert_arr_eq(i.tx, r.rx, 0);
	{
		static const uint8_t zero[64];

		cr_assert_arr_eq(i.sk, zero, 64, "secrets wiped");
		cr_assert_arr_eq(r.tx, zero, 32);
	}
}

Test(handshake, two_runs_give_two_sessions)
{
	struct cl_hs	i1, r1, i2, r2;

	cr_assert_eq(run(&i1, &r1, net1, net1, NULL, 0), CL_OK);
	cr_assert_eq(run(&i2, &r2, net1, net1, NULL, 0), CL_OK);
	cr_assert_arr_neq(i1.tx, i2.tx, CL_HS_KEY_LEN);
}

Test(handshake, a_node_of_another_network_is_dropped_at_once)
{
	struct cl_hs	i, r;

	cr_assert_eq(run(&i, &r, net2, net1, NULL, 0), CL_ENETWORK);
	cr_assert_eq(r.step, 0, "the responder said nothing");
}

Test(handshake, a_pinned_key_must_be_the_responders)
{
	struct cl_hs	i, r;

	cr_assert_eq(run(&i, &r, net1, net1, rpk, 0), CL_OK);
	cr_assert_eq(run(&i, &r, net1, net1, opk, 0), CL_EBADKEY);
}

Test(handshake, any_altered_message_fails)
{
	struct cl_hs	i, r;

	cr_assert_eq(run(&i, &r, net1, net1, NULL, 1), CL_ENETWORK);
	cr_assert_neq(run(&i, &r, net1, net1, NULL, 2), CL_OK);
	cr_assert_neq(run(&i, &r, net1, net1, NULL, 3), CL_OK);
}

Test(handshake, messages_out_of_order_are_refused)
{
	struct cl_hs	i, r;
	uint8_t		m1[CL_HS_MSG1_LEN], m2[CL_HS_MSG2_LEN];
	uint8_t		m3[CL_HS_MSG3_LEN];

	memset(m2, 0, sizeof(m2));
	memset(m3, 0, sizeof(m3));
	cl_hs_init(&i, true, net1, isk, NULL);
	cl_hs_init(&r, false, net1, rsk, NULL);
	cr_assert_eq(cl_hs_recv3(&r, m3), CL_EUSAGE);
	cr_assert_eq(cl_hs_recv2(&i, m2, m3), CL_EUSAGE);
	cl_hs_msg1(&i, m1);
	cr_assert_eq(cl_hs_recv1(&i, m1, m2), CL_EUSAGE);
}
