/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's configuration: defaults, then an INI file (libinih), then
 * command-line flags, each overriding the one before.  Strict: an unknown
 * section or key, or a value out of range, is an error naming the line.
 */
#ifndef CL_NODE_CONFIG_H
#define CL_NODE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CL_CONFIG_STR_MAX	256
#define CL_CONFIG_PEERS_MAX	64	/* peer addresses configured */

struct cl_config {
	char		data[CL_CONFIG_STR_MAX];	/* data directory */
	char		listen[CL_CONFIG_STR_MAX];	/* client HOST:PORT */
	int		log_level;			/* enum cl_log_level */
	uint64_t	max_conns;	/* client connections at once */
	uint64_t	idle_ms;	/* a connection silent this long closes */
	uint64_t	frame_ms;	/* a started frame must end within */
	uint64_t	max_frame;	/* bytes of a request frame */
	uint64_t	out_max;	/* bytes of answers queued per conn */
	uint64_t	batch_max;	/* events per write transaction */
	uint64_t	workers;	/* signature-checking threads; 0: cores */
	uint64_t	map_max_mib;	/* the LMDB map may grow to; 0: 1 TiB */
	uint64_t	checkpoint_s;	/* a signed checkpoint each period in
					   which the log grew */
	/* [gossip]: the peer port (node/gossip.h); off while gossip is "" */
	char		gossip[CL_CONFIG_STR_MAX];	/* HOST:PORT */
	char		peers[CL_CONFIG_PEERS_MAX][CL_CONFIG_STR_MAX];
	size_t		peer_cnt;	/* "peer" may be given many times */
	uint64_t	max_links;
	uint64_t	sync_ms;	/* anti-entropy period */
	uint64_t	handshake_ms;
	uint64_t	peer_idle_ms;
	/* [http]: the HTTP port (node/http.h); off while http_listen is "" */
	char		http_listen[CL_CONFIG_STR_MAX];
	uint64_t	http_max_conns;
	uint64_t	http_idle_ms;
	uint64_t	http_request_ms;
	uint64_t	http_body_max;	/* bytes of a request body */
	uint64_t	http_head_max;	/* bytes of a request's headers */
};

/* The defaults (limits.h). */
void	cl_config_defaults(struct cl_config *c);

/*
 * Read an INI file over c.  On error *line is the line at fault (0: the
 * file could not be read) and msg (cap bytes) says what was wrong.
 * Errors: CL_EIO, CL_EUSAGE.
 */
CL_NODISCARD cl_err	cl_config_load(struct cl_config *c, const char *path,
			    int *line, char *msg, size_t cap);

/*
 * Set one "section.key" (as a flag would) to value.  msg as above.
 * Errors: CL_EUSAGE.
 */
CL_NODISCARD cl_err	cl_config_set(struct cl_config *c, const char *section,
			    const char *key, const char *value, char *msg,
			    size_t cap);

#endif
