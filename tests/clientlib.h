/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the client and verb tests: a temporary directory, files,
 * sockets and frames, and a ledger holding one credential.
 */
#ifndef CL_TESTS_CLIENTLIB_H
#define CL_TESTS_CLIENTLIB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "testlib.h"

struct json_t;

/*
 * A child process serving sockets (scripted server, stand-in node):
 * ct_teardown() kills it.
 */
extern pid_t	ct_server;

/* Suite .init and .fini: a fresh temporary directory, then away. */
void	ct_setup(void);
void	ct_teardown(void);

/* A path in the directory; each call returns a new buffer (8 live). */
const char	*ct_path(const char *name);
void	ct_write(const char *path, const void *b, size_t len);
/* A file's bytes and a NUL, malloc'd. */
char	*ct_read_text(const char *path);
void	ct_hex(char out[static 2 * CL_ID_LEN + 1], const uint8_t *b);
/* Assert that text holds want. */
void	ct_has(const char *text, const char *want);
/* The string member key of o; asserts it is one. */
const char	*ct_jstr(struct json_t *o, const char *key);

/* A socket listening on 127.0.0.1 and its port; "127.0.0.1:port". */
int	ct_listener(uint16_t *port);
void	ct_addr(char *out, size_t cap, uint16_t port);
/* Whole reads and writes: 0, or -1 at the end or on error. */
int	ct_read_n(int fd, void *buf, size_t len);
int	ct_write_n(int fd, const void *buf, size_t len);
/* One request frame; its payload is malloc'd. */
int	ct_read_request(int fd, uint8_t **buf, uint32_t *n);

/*
 * A network of one authority and a ledger holding an accredited issuer's
 * DEFINE and one credential (iss), as testlib makes them.
 */
struct ct_world {
	struct tl_net		net;
	struct tl_feed		issuer;
	struct tl_ledger	tl;
	struct cl_genesis	g;
	struct tl_ev		acc, def, iss, chg;
};

void	ct_world_open(struct ct_world *);
void	ct_world_close(struct ct_world *);
/* The issuer writes a change (SUSPEND, ...) of the credential. */
void	ct_world_change(struct ct_world *, unsigned type);
/* The ledger's answer about the credential, and its bundle (malloc'd). */
void	ct_answer(struct ct_world *, struct cl_cred_answer *a, uint8_t **b,
	    size_t *len);

#endif
