/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration harness: real credledger-node processes on 127.0.0.1 with
 * temporary data directories (the binary comes from $CL_NODE), and a raw
 * client-protocol connection to talk to them.  Every helper asserts.
 */
#ifndef CL_TESTS_HARNESS_H
#define CL_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "testlib.h"
#include "wire.h"

struct h_node {
	char	dir[128];		/* the data directory's parent */
	char	data[160];		/* DIR/data */
	char	genesis[160];
	pid_t	pid;
	int	port;
	int	gossip_port;		/* 0: no gossip= in the ready line */
	int	http_port;		/* 0: no http= in the ready line */
	char	node_hex[65];
	int	exit_status;		/* after h_node_stop / _kill */
};

/*
 * Make a temporary directory, write net's genesis, init a data directory
 * and start the node on port 0 with the given extra run arguments (NULL
 * terminated; may be NULL).  Waits for the ready line.
 */
void	h_node_start(struct h_node *, const struct tl_net *net,
	    const char *const *extra);
/*
 * As h_node_start(), with the genesis file at path (made elsewhere, by
 * 'credledger genesis' say): it is copied to n->genesis.
 */
void	h_node_start_genesis(struct h_node *, const char *path,
	    const char *const *extra);
/* Start again on the same data directory (and port 0). */
void	h_node_restart(struct h_node *, const char *const *extra);
/* SIGTERM and wait: returns the exit status (or -signal). */
int	h_node_stop(struct h_node *);
/* Wait for the node to exit by itself: its exit status. */
int	h_node_wait(struct h_node *);
/* SIGKILL and wait. */
void	h_node_kill9(struct h_node *);
/* Stop if running and remove the directory. */
void	h_node_free(struct h_node *);
/* Is the process still running? */
bool	h_node_alive(struct h_node *);

/* Sleep ms milliseconds. */
void	h_sleep_ms(int ms);

/* The node binary ($CL_NODE). */
const char	*h_node_bin(void);
/* Run argv (stdout, stderr to /dev/null) to the end: its exit status. */
int	h_run(char *const argv[]);

/* A connection.  Answers are read into buf, valid until the next read. */
struct h_conn {
	int	fd;
	uint8_t	*buf;
	size_t	 cap;
};
void	h_connect(struct h_conn *, int port);
void	h_close(struct h_conn *);
/* Send raw bytes. */
void	h_send(struct h_conn *, const void *, size_t);
/* Send a request frame. */
void	h_send_req(struct h_conn *, const struct cl_req *);
/*
 * Read one answer frame and decode it for op; false on end of stream
 * (timeout: asserts).  Release r with cl_resp_free().
 */
bool	h_recv(struct h_conn *, unsigned op, struct cl_resp *r);
/* Is the connection closed by the node (within ms)? */
bool	h_closed_within(struct h_conn *, int ms);

/* Submit events in one SUBMIT and wait for the results. */
void	h_submit(struct h_conn *, const struct tl_ev *const *evs, uint32_t n,
	    unsigned flags, struct cl_resp *r);
/* The node's status. */
void	h_status(struct h_conn *, struct cl_wire_status *);
/* A credential's status (and, if b is set, checks its bundle offline). */
unsigned	h_cred(struct h_conn *, const struct tl_net *,
		    const uint8_t *id);

/*
 * HTTP: a connection to a node's HTTP port (run it with --http
 * 127.0.0.1:0) and answers read with libhttp-parser, one at a time, so
 * pipelined answers come out in turn.
 */
struct h_http {
	int	 fd;
	uint8_t	*in;		/* read, not yet parsed */
	size_t	 in_len, in_cap;
};
struct h_http_resp {
	int	 status;
	char	 ctype[128];	/* Content-Type */
	char	 connection[32];	/* Connection, lower case */
	char	 allow[64];	/* Allow */
	bool	 has_length;	/* a Content-Length was sent */
	uint8_t	*body;		/* malloc'd, NUL-terminated */
	size_t	 body_len;
	bool	 keep_alive;	/* the connection stays open */
};
void	h_http_connect(struct h_http *, int port);
void	h_http_close(struct h_http *);
void	h_http_send(struct h_http *, const void *, size_t);
/* "GET path HTTP/1.1" with Host, and body (may be NULL) and its type. */
void	h_http_request(struct h_http *, const char *method, const char *path,
	    const char *ctype, const void *body, size_t len);
/*
 * Read one answer (within the read timeout, else asserts); false when the
 * node closed the connection first.  Release with h_http_resp_free().
 */
bool	h_http_recv(struct h_http *, struct h_http_resp *);
void	h_http_resp_free(struct h_http_resp *);
/* One request on a new connection, its answer; asserts it came. */
void	h_http_get(int port, const char *path, struct h_http_resp *);

#endif
