/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the verbs that talk to a node share: their common options, the
 * signing key, the connection and the node's genesis, and signing events
 * on the key's feed and submitting them.
 */
#ifndef CL_TOOLS_SESSION_H
#define CL_TOOLS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "err.h"
#include "event.h"
#include "genesis.h"
#include "keyfile.h"

/* A signer re-reads its feed's head this often when it moved under it. */
#define CL_SESSION_STALE_TRIES	10

/* The common options, as the user gave them. */
struct cl_session_opts {
	const char	*node;		/* --node HOST:PORT, or NULL */
	const char	*key;		/* --key FILE */
	const char	*pass_file;	/* --passphrase-file FILE */
	bool		 nopass;	/* --no-passphrase */
};

/* getopt_long() values of the common options, clear of any verb's own. */
enum {
	CL_OPT_NODE = 0x1000,
	CL_OPT_KEY,
	CL_OPT_PASSFILE,
	CL_OPT_NOPASS,
	CL_OPT_VERB		/* a verb's own long options start here */
};

/* Entries of a struct option table, and their lines of --help. */
#define CL_SESSION_NODE_OPTION						\
	{ "node", required_argument, NULL, CL_OPT_NODE }
#define CL_SESSION_KEY_OPTIONS						\
	{ "key", required_argument, NULL, CL_OPT_KEY },			\
	{ "passphrase-file", required_argument, NULL, CL_OPT_PASSFILE }, \
	{ "no-passphrase", no_argument, NULL, CL_OPT_NOPASS }
#define CL_SESSION_NODE_HELP						\
	"      --node HOST:PORT        the node's client port (default\n" \
	"                              $CREDLEDGER_NODE, else "		\
	CL_CLIENT_DEFAULT_NODE ")\n"
#define CL_SESSION_KEY_HELP						\
	"      --key FILE              the signing key file\n"		\
	"      --passphrase-file FILE  the key's passphrase is FILE's "	\
	"first line\n"							\
	"      --no-passphrase         the key is not sealed: never ask\n"

/*
 * Take option c (getopt_long()'s value, optarg its argument) into o if it
 * is a common one.  Returns -1 if it is not, else CL_TOOL_OK or
 * CL_TOOL_USAGE having said why.
 */
int	cl_session_opt(const char *verb, int c, struct cl_session_opts *o);

/*
 * Check o after the options: with need_key, --key is there;
 * --no-passphrase and --passphrase-file exclude each other.  Returns
 * CL_TOOL_OK or CL_TOOL_USAGE having said why.
 */
int	cl_session_opts_check(const char *verb,
	    const struct cl_session_opts *o, bool need_key);

/*
 * Check the body of ev (type and body set) as cl_ev_sign() will: the
 * header is filled with placeholders, since only the body can be wrong.
 * where->field names a bad field ("body.org_id").
 * Errors: the validation errors of cl_ev_encode().
 */
CL_NODISCARD cl_err	cl_session_check(const struct cl_event *ev,
			    struct cl_where *where);

/*
 * Report a body that cl_session_check() refused, naming the field as a
 * command-line option ("body.org_id" is --org-id): "missing --org-id",
 * "bad --grade: ...".  Returns CL_TOOL_USAGE.
 */
int	cl_session_bad_option(const char *verb, cl_err err,
	    const char *field);

/* "body.learning_outcomes" -> "learning_outcomes"; NULL -> "body". */
const char	*cl_session_field(const char *field);

/* Why a string field is refused with err, for a person. */
const char	*cl_session_why(cl_err err);

/* A session: the key (if any), the node, and the node's genesis. */
struct cl_session {
	const char		*verb;
	struct cl_client	 c;
	struct cl_genesis	 g;	/* the node's: its netid signs */
	struct cl_seckey	 k;
	bool			 has_key;
};

/*
 * Open the key of o (if o->key), then connect to the node of o and get
 * its genesis.  Reports failures on stderr.  Always cl_session_close()
 * after, also on error.  Returns CL_TOOL_OK, or the exit status: that of
 * cl_key_perror() for the key, CL_TOOL_USAGE for a malformed --node,
 * CL_TOOL_FAIL when the node cannot be reached or answers badly.
 */
int	cl_session_open(struct cl_session *s, const char *verb,
	    const struct cl_session_opts *o);

/* Wipe the key, close the connection, free the genesis. */
void	cl_session_close(struct cl_session *s);

/*
 * Fill ev (initialised with cl_ev_init()) with the type and body of event
 * i of those to submit; the session sets the header.  Strings may point
 * anywhere that lives until cl_session_submit() returns.
 */
typedef void	cl_session_fill_cb(void *arg, size_t i, struct cl_event *ev);

/*
 * Sign n events (n >= 1) as one chain on the key's feed, after its head
 * as the node holds it (HEAD), at the time now, with the network id of
 * the node's genesis, and SUBMIT them with CL_SUBMIT_NO_FORK in as few
 * requests as fit (CL_SUBMIT_MAX events, CL_FRAME_MAX bytes).  When the
 * node says stale (the feed moved since HEAD), the head is read again
 * and the rest signed again, up to CL_SESSION_STALE_TRIES times.  A void
 * event is accepted, with a warning on stderr.  ids gets the n ids, and
 * *held (if not NULL) how many of them the node holds: all, or on
 * failure those before the first it did not take.  Returns CL_TOOL_OK
 * when all were accepted, else CL_TOOL_FAIL having said which event was
 * not, and why (the result, its error and field).
 */
int	cl_session_submit(struct cl_session *s, size_t n,
	    cl_session_fill_cb *fill, void *arg, uint8_t (*ids)[CL_ID_LEN],
	    size_t *held);

/* The same for one event, copied from ev; id gets its id. */
int	cl_session_submit_one(struct cl_session *s, const struct cl_event *ev,
	    uint8_t id[static CL_ID_LEN]);

/*
 * A whole session for one event: open with o, submit ev, close.  Returns
 * the exit status of cl_session_open() or cl_session_submit().
 */
int	cl_session_sign_one(const char *verb, const struct cl_session_opts *o,
	    const struct cl_event *ev, uint8_t id[static CL_ID_LEN]);

#endif
