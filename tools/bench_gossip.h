/* SPDX-License-Identifier: Apache-2.0 */
/* credledger-bench gossip: nodes gossiping on 127.0.0.1, measured. */
#ifndef CL_TOOLS_BENCH_GOSSIP_H
#define CL_TOOLS_BENCH_GOSSIP_H

/*
 * credledger-bench gossip [--quick] [options]: propagation to 16 nodes,
 * catch-up of a fresh node from 2 peers against the 2-core verify limit
 * and against Hypercore, and the bytes of an anti-entropy round
 * (bench_gossip.c).  argv[0] is "gossip".  Returns the exit status.
 */
int	cl__bench_gossip(int argc, char **argv);

#endif
