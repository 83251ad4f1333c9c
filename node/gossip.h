/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gossip (PROTOCOL.md §12): the node's peer links and what travels on
 * them.  Committed events are announced to every link but the one they
 * came from, and pulled by who lacks them (so a node receives about one
 * full copy of each event); anti-entropy compares state digests each
 * sync period and, when they differ, bucket digests and then the heads of
 * the differing buckets, and pulls what is missing; a fresh node catches
 * up by pulling whole feeds in ranges, from several peers at once; fork
 * proofs go to every peer ahead of bulk traffic.  Loop thread only.
 */
#ifndef CL_NODE_GOSSIP_H
#define CL_NODE_GOSSIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "config.h"
#include "err.h"
#include "ledger.h"
#include "link.h"
#include "server.h"

struct cl__peer;
struct cl__pull;
struct cl__ban;

struct cl_gossip_stats {
	uint64_t	events_in;	/* full copies received */
	uint64_t	events_new;	/* ... of which stored */
	uint64_t	events_out;	/* full copies sent */
	uint64_t	dups_in;	/* copies of events held already */
	uint64_t	announces_out;
	uint64_t	rounds;		/* anti-entropy rounds begun */
	uint64_t	rounds_in_sync;	/* ... that found nothing to do */
	uint64_t	links_up;	/* handshakes completed, all time */
	uint64_t	links_refused;	/* another network, a bad key, banned */
	uint64_t	peers_banned;
};

struct cl_gossip {
	uv_loop_t		*loop;
	struct cl_server	*srv;
	struct cl_ledger	*ledger;
	const struct cl_config	*cfg;
	uint8_t			 sk[64], pk[32], netid[32];
	uv_tcp_t		 listener;
	bool			 listening;
	char			 addr[64];	/* gossip HOST:PORT bound */
	uv_timer_t		 tick;
	struct cl_link		*links;
	size_t			 link_cnt;
	uint64_t		 next_link_id;
	struct cl__peer		*peers;		/* addresses known */
	size_t			 peer_cnt;
	struct cl__pull		*pulls;		/* one per author at most */
	size_t			 pull_cnt, pull_cap;
	uint64_t		 next_pull_id;
	struct cl__ban		*bans;
	size_t			 ban_cnt;
	struct cl_link_limits	 lim;
	uint64_t		 cache_size;	/* log size the cache is of */
	bool			 cache_ok;
	uint8_t			 digest[32];
	uint8_t			(*buckets)[32];
	uint64_t		 progress_ms;	/* last catch-up log line */
	uint64_t		 progress_in;
	bool			 stopping;
	struct cl_gossip_stats	 stats;
};

/*
 * Start gossip: listen on cfg->gossip (if set) and dial cfg's peers.
 * srv must be started; its commit hook is taken.  sk: the node key.
 * Errors: CL_EUSAGE (a bad address), CL_EIO (bind, listen).
 */
CL_NODISCARD cl_err	cl_gossip_start(struct cl_gossip *g, uv_loop_t *loop,
			    struct cl_server *srv, struct cl_ledger *ledger,
			    const struct cl_config *cfg,
			    const uint8_t sk[static 64]);

/* Close every link and handle; the loop then runs out.  Idempotent. */
void	cl_gossip_stop(struct cl_gossip *g);
/* After the loop has run out: release what is left. */
void	cl_gossip_free(struct cl_gossip *g);

/* One line a link, for status: key, address, state, events in and out. */
struct cl_gossip_peer_info {
	uint8_t		key[32];	/* zero before the handshake */
	char		addr[64];
	const char	*state;		/* "connecting", "handshake", "up" */
	bool		outgoing;
	uint64_t	events_in, events_out, bytes_in, bytes_out;
};
size_t	cl_gossip_peers(const struct cl_gossip *g,
	    struct cl_gossip_peer_info *out, size_t max);

/* The same and the counters, for the PEERS answer (server.h's hook). */
uint32_t	cl_gossip_wire(void *g, struct cl_wire_peer *out,
		    uint32_t max, struct cl_wire_gossip *st);

#endif
