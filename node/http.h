/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP port: HTTP/1.1 (libhttp-parser) on its own libuv TCP listener,
 * for verifiers and back-office systems (a JSON API, README.md "HTTP"),
 * operators (GET /metrics, Prometheus text format 0.0.4) and people (GET
 * /, a verification page embedded at build time from node/web/).
 *
 * Requests are answered on the loop thread from the ledger, through the
 * client port's server (node/server.h): its status, checkpoints and
 * submission pipeline, so both ports give the same answers and a POST
 * /v1/events is answered only after its commit.  Keep-alive and
 * pipelining: one connection's answers come in request order.  Every
 * limit below has a configuration key ([http] in node/config.h).
 * Loop thread only.
 */
#ifndef CL_NODE_HTTP_H
#define CL_NODE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "config.h"
#include "err.h"
#include "limits.h"

/* The port's limits are in proto/limits.h (CL_HTTP_*). */

/* Metrics: what is counted by route and status code. */
#define CL_HTTP_ROUTES		15	/* routes, and "other" */
#define CL_HTTP_CODES		13	/* status codes the port answers */
#define CL_HTTP_BUCKETS		14	/* latency histogram, finite bounds */

struct cl_gossip;
struct cl_server;
struct cl__http_conn;
struct cl__http_cached;
struct cl_report_cache;
struct cl_report_out;

struct cl_http_stats {
	uint64_t	requests[CL_HTTP_ROUTES][CL_HTTP_CODES];
	uint64_t	latency[CL_HTTP_BUCKETS + 1];	/* by upper bound,
							   not cumulative */
	uint64_t	latency_ns;	/* sum */
	uint64_t	conns_total;
	uint64_t	conns_refused;	/* over max_connections */
	uint64_t	conns_cut;	/* bad request, timeout, write error */
	uint64_t	cache_hits;	/* credential answers kept */
};

struct cl_http {
	uv_loop_t		*loop;
	struct cl_server	*srv;		/* ledger, status, submissions */
	const struct cl_config	*cfg;
	uv_tcp_t		 listener;
	uv_timer_t		 sweep;
	struct cl__http_conn	*conns;
	size_t			 conn_cnt;
	size_t			 orphans;	/* closed, a submission still
						   in flight */
	bool			 stopping;
	bool			 done;		/* every handle closed */
	char			 addr[64];	/* HOST:PORT bound */
	struct cl_http_stats	 stats;
	struct cl__http_cached	*cache;		/* CACHE_SLOTS, or NULL */
	struct cl_report_cache	*frags;		/* shared JSON, or NULL */
	struct cl_report_out	*body;		/* a credential answer's
						   body, reused; or NULL */
	uint8_t			 digest[32];	/* state digest last seen */
	uint64_t		 digest_ms;	/* when it changed (real time) */
	/* The peer links, for /metrics (credledger_peers...); NULL: none. */
	const struct cl_gossip	*gossip;
	void			(*stopped)(struct cl_http *);
};

/*
 * Bind cfg->http_listen (HOST:PORT, IPv4 or [IPv6]; port 0: any free
 * port, the bound one is in h->addr) and serve.  srv must be started and
 * outlive h; cfg is borrowed likewise.
 * Errors: CL_EUSAGE (bad address), CL_EIO (bind or listen), CL_ESTORE.
 */
CL_NODISCARD cl_err	cl_http_start(struct cl_http *h, uv_loop_t *loop,
			    struct cl_server *srv,
			    const struct cl_config *cfg);

/*
 * Stop: close the listener and every idle connection; a connection with
 * a submission in flight gets its answer, then closes; requests already
 * read get 503.  stopped (NULL: the one set before) is called once every
 * handle is closed.  Idempotent.
 */
void	cl_http_stop(struct cl_http *h, void (*stopped)(struct cl_http *));

#endif
