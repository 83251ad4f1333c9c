/* SPDX-License-Identifier: Apache-2.0 */
/* The node's configuration file (INI, through libinih) and defaults. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "limits.h"
#include "log.h"

void
cl_config_defaults(struct cl_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:7400");
	c->log_level = CL_LOG_INFO;
	c->max_conns = CL_CONN_MAX;
	c->idle_ms = CL_IDLE_MS;
	c->frame_ms = CL_FRAME_MS;
	c->max_frame = CL_FRAME_MAX;
	c->out_max = CL_CONN_OUTBUF_MAX;
	c->batch_max = CL_BATCH_DEFAULT;
	c->workers = 0;
	c->map_max_mib = 0;
	c->checkpoint_s = CL_CHECKPOINT_S;
	c->max_links = CL_LINKS_MAX;
	c->sync_ms = CL_SYNC_MS;
	c->handshake_ms = CL_HANDSHAKE_MS;
	c->peer_idle_ms = CL_IDLE_MS;
	c->http_max_conns = CL_HTTP_CONN_MAX;
	c->http_idle_ms = CL_HTTP_IDLE_MS;
	c->http_request_ms = CL_HTTP_REQUEST_MS;
	c->http_body_max = CL_HTTP_BODY_MAX;
	c->http_head_max = CL_HTTP_HEAD_MAX;
}

enum kind { K_STR, K_U64, K_LEVEL, K_PEER };

static const struct key {
	const char	*section;
	const char	*name;
	enum kind	 kind;
	size_t		 off;
	uint64_t	 min, max;
} keys[] = {
	{ "node", "data", K_STR, offsetof(struct cl_config, data), 0, 0 },
	{ "node", "log_level", K_LEVEL,
	    offsetof(struct cl_config, log_level), 0, 0 },
	{ "ledger", "batch_max", K_U64,
	    offsetof(struct cl_config, batch_max), 1, CL_BATCH_MAX },
	{ "ledger", "workers", K_U64, offsetof(struct cl_config, workers),
	    0, 128 },
	{ "ledger", "map_max_mib", K_U64,
	    offsetof(struct cl_config, map_max_mib), 0, 1ULL << 30 },
	{ "ledger", "checkpoint_period_s", K_U64,
	    offsetof(struct cl_config, checkpoint_s), 1, 7 * 86400 },
	{ "client", "listen", K_STR, offsetof(struct cl_config, listen), 0,
	    0 },
	{ "client", "max_connections", K_U64,
	    offsetof(struct cl_config, max_conns), 1, 1000000 },
	{ "client", "idle_timeout_ms", K_U64,
	    offsetof(struct cl_config, idle_ms), 100, 86400000 },
	{ "client", "frame_timeout_ms", K_U64,
	    offsetof(struct cl_config, frame_ms), 100, 3600000 },
	{ "client", "max_frame_bytes", K_U64,
	    offsetof(struct cl_config, max_frame), 1024, CL_FRAME_MAX },
	{ "client", "max_output_bytes", K_U64,
	    offsetof(struct cl_config, out_max), 65536, 1ULL << 32 },
	{ "gossip", "listen", K_STR, offsetof(struct cl_config, gossip), 0,
	    0 },
	{ "gossip", "peer", K_PEER, 0, 0, 0 },
	{ "gossip", "max_links", K_U64, offsetof(struct cl_config, max_links),
	    1, 1024 },
	{ "gossip", "sync_ms", K_U64, offsetof(struct cl_config, sync_ms),
	    50, 3600000 },
	{ "gossip", "handshake_timeout_ms", K_U64,
	    offsetof(struct cl_config, handshake_ms), 100, 600000 },
	{ "gossip", "idle_timeout_ms", K_U64,
	    offsetof(struct cl_config, peer_idle_ms), 1000, 86400000 },
	{ "http", "listen", K_STR, offsetof(struct cl_config, http_listen),
	    0, 0 },
	{ "http", "max_connections", K_U64,
	    offsetof(struct cl_config, http_max_conns), 1, 1000000 },
	{ "http", "idle_timeout_ms", K_U64,
	    offsetof(struct cl_config, http_idle_ms), 100, 86400000 },
	{ "http", "request_timeout_ms", K_U64,
	    offsetof(struct cl_config, http_request_ms), 100, 3600000 },
	{ "http", "max_body_bytes", K_U64,
	    offsetof(struct cl_config, http_body_max), 1024,
	    CL_HTTP_BODY_LIMIT },
	{ "http", "max_header_bytes", K_U64,
	    offsetof(struct cl_config, http_head_max), 1024, 1024 * 1024 },
};
#define KEYS	(sizeof(keys) / sizeof(keys[0]))

/* Digits only, no sign or space, at most max (WireGuard's rule). */
static bool
parse_u64(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

cl_err
cl_config_set(struct cl_config *c, const char *section, const char *key,
    const char *value, char *msg, size_t cap)
{
	const struct key	*k = NULL;
	uint64_t		 v;
	size_t			 i;
	int			 lv;

	for (i = 0; i < KEYS && k == NULL; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, key) == 0)
			k = &keys[i];
	if (k == NULL) {
		snprintf(msg, cap, "unknown key %s.%s", section, key);
		return CL_EUSAGE;
	}
	switch (k->kind) {
	case K_STR:
		if (*value == '\0' || strlen(value) >= CL_CONFIG_STR_MAX) {
			snprintf(msg, cap, "%s.%s: empty or longer than %d "
			    "bytes", section, key, CL_CONFIG_STR_MAX - 1);
			return CL_EUSAGE;
		}
		snprintf((char *)c + k->off, CL_CONFIG_STR_MAX, "%s", value);
		return CL_OK;
	case K_PEER:
		if (c->peer_cnt == CL_CONFIG_PEERS_MAX) {
			snprintf(msg, cap, "%s.%s: more than %d peers",
			    section, key, CL_CONFIG_PEERS_MAX);
			return CL_EUSAGE;
		}
		if (*value == '\0' || strlen(value) >= CL_CONFIG_STR_MAX) {
			snprintf(msg, cap, "%s.%s: empty or too long", section,
			    key);
			return CL_EUSAGE;
		}
		snprintf(c->peers[c->peer_cnt++], CL_CONFIG_STR_MAX, "%s",
		    value);
		return CL_OK;
	case K_LEVEL:
		if ((lv = cl_log_level_parse(value)) < 0) {
			snprintf(msg, cap, "%s.%s: \"%s\" is not debug, info, "
			    "warn or error", section, key, value);
			return CL_EUSAGE;
		}
		*(int *)(void *)((char *)c + k->off) = lv;
		return CL_OK;
	case K_U64:
		if (!parse_u64(value, &v) || v < k->min || v > k->max) {
			snprintf(msg, cap, "%s.%s: \"%s\" is not a whole "
			    "number from %llu to %llu", section, key, value,
			    (unsigned long long)k->min,
			    (unsigned long long)k->max);
			return CL_EUSAGE;
		}
		*(uint64_t *)(void *)((char *)c + k->off) = v;
		return CL_OK;
	}
	return CL_EUSAGE;
}

struct load {
	struct cl_config	*c;
	char			*msg;
	size_t			 cap;
	bool			 failed;
};

static int
on_entry(void *user, const char *section, const char *name,
    const char *value)
{
	struct load	*l = user;

	if (name == NULL)
		return 1;	/* a section header alone */
	if (cl_config_set(l->c, section, name, value, l->msg, l->cap) !=
	    CL_OK) {
		l->failed = true;
		return 0;
	}
	return 1;
}

cl_err
cl_config_load(struct cl_config *c, const char *path, int *line, char *msg,
    size_t cap)
{
	struct load	l = { c, msg, cap, false };
	int		r;

	*line = 0;
	r = ini_parse(path, on_entry, &l);
	if (r == -1) {
		snprintf(msg, cap, "%s: %s", path, strerror(errno));
		return CL_EIO;
	}
	if (r == -2) {
		snprintf(msg, cap, "%s: out of memory", path);
		return CL_ENOMEM;
	}
	if (r > 0) {
		*line = r;
		if (!l.failed)
			snprintf(msg, cap, "not a section, key = value or "
			    "comment");
		return CL_EUSAGE;
	}
	return CL_OK;
}
