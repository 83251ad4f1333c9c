/* SPDX-License-Identifier: Apache-2.0 */
/* Every bound on untrusted input, with its unit and its reason. */
#ifndef CL_PROTO_LIMITS_H
#define CL_PROTO_LIMITS_H

/* Key and hash sizes (bytes): Ed25519 and SHA-256. */
#define CL_PK_LEN		32
#define CL_SIG_LEN		64
#define CL_ID_LEN		32	/* event id, network id, digests */

/* Protocol version written into events and the genesis. */
#define CL_VERSION		1

/*
 * Events.  An event is small: a DEFINE in 24 languages with 64 outcomes
 * fits; anything larger is an attack or a mistake.
 */
#define CL_EVENT_MAX		16384	/* bytes of one signed event */
#define CL_TEXT_MAX		1024	/* bytes of a free-text field (UTF-8) */
#define CL_NAME_MAX		256	/* bytes of a name or identifier */
#define CL_URI_MAX		512	/* bytes of a URL or ESCO URI */
#define CL_LANG_MAX		16	/* bytes of a BCP 47 language tag */
#define CL_TITLE_LANGS_MAX	32	/* titles: one per language */
#define CL_OUTCOMES_MAX		64	/* learning outcomes of a DEFINE */
#define CL_SKILLS_MAX		64	/* ESCO skill URIs of a DEFINE */
#define CL_STACK_MAX		16	/* DEFINE ids a DEFINE stacks into */
#define CL_SCOPE_FIELDS_MAX	16	/* fields of an ACCREDIT scope */
#define CL_EQF_MAX		8	/* EQF levels are 1..8 */
#define CL_REVOKE_CODE_MAX	9	/* REVOKE reason codes are 0..9 */
#define CL_SEQ_MAX		((uint64_t)1 << 53)	/* fits any JSON number */
#define CL_ECTS_MAX		100000ULL /* hundredths: 1,000 ECTS */
#define CL_HOURS_MAX		100000ULL /* notional hours */
#define CL_VERSION_MAX		255	/* versions a decoder can name */
#define CL_DEPTH_MAX		8	/* msgpack nesting: event > body >
					   array > pair > value, with room */

/*
 * Status changes per credential.  Later ones are void, so that a proof
 * bundle stays bounded (CL_BUNDLE_EVENTS_MAX).
 */
#define CL_CRED_CHANGES_MAX	64

/*
 * Events a node holds of one forked feed past its fork point (both
 * branches).  Every distinct signed event is kept, so that nodes holding
 * the same events answer alike whichever branch came first; an author
 * that equivocates beyond this is refused the rest.
 */
#define CL_FORK_HELD_MAX	4096

/* Genesis: a few dozen authorities at most. */
#define CL_GENESIS_MAX		65536	/* bytes of the genesis file */
#define CL_AUTHORITIES_MAX	64

/*
 * A proof bundle: ISSUE, DEFINE, at most CL_CRED_CHANGES_MAX changes, the
 * ACCREDIT and WITHDRAW that set the issuer's window, its fork proof: 70.
 * A bundle fits in one frame (CL_FRAME_MAX) with room to spare.
 */
#define CL_BUNDLE_EVENTS_MAX	96
#define CL_BUNDLE_MAX		(5 + CL_BUNDLE_EVENTS_MAX * (5 + CL_EVENT_MAX))
					/* with msgpack headers */

/* Connections (used by the daemon). */
#define CL_FRAME_MAX		(4 * 1024 * 1024)	/* bytes, after auth */
#define CL_FRAME_MAX_PREAUTH	1024		/* bytes, before auth */
#define CL_CONN_INBUF_MAX	(CL_FRAME_MAX + 4)
#define CL_CONN_OUTBUF_MAX	(16 * 1024 * 1024)
#define CL_CONN_MAX		4096
#define CL_HANDSHAKE_MS		5000
#define CL_IDLE_MS		120000
#define CL_FRAME_MS		10000	/* a started frame must end within:
					   a slow drip is cut off */
#define CL_FRAMES_PER_READ	32
#define CL_SUBMIT_MAX		10000	/* events in one SUBMIT request */
/*
 * Events one write transaction takes at most by default ([ledger]
 * batch_max, at most CL_BATCH_MAX).  A commit takes what is checked when
 * the one before it ends, and under load waits a little for a whole batch
 * (server.c), so batches reach this only under load.  The more events a
 * commit, the fewer index pages an event (random keys share pages): a
 * catch-up of a million events from two peers ran at 0.55 of the verify
 * rate at 10,000 and 0.62 at 30,000.  LMDB keeps the page buffers of its
 * largest transaction until the environment closes, so the node reopens
 * it once commits rest (cl_store_release(), server.c).
 */
#define CL_BATCH_DEFAULT	30000
#define CL_BATCH_MAX		100000
#define CL_QUERY_IDS_MAX	256	/* ids in a by-holder/digest answer */
#define CL_EVENTS_MAX		1000	/* events in one EVENTS answer */
#define CL_EVENTS_BYTES_MAX	(2 * 1024 * 1024)	/* ... and their bytes */
#define CL_CHECKPOINTS_MAX	256	/* checkpoints in one answer */
#define CL_CHECKPOINT_S		3600	/* default checkpoint period, s */
#define CL_LINKS_MAX		16	/* peer links of a node (default) */
#define CL_SYNC_MS		1000	/* anti-entropy period (default) */

/*
 * The HTTP port (daemon, node/http.h): defaults of the [http] keys.  A
 * request over a limit is answered with its status code and the
 * connection closed, since the rest of its bytes cannot be skipped.
 */
#define CL_HTTP_CONN_MAX	1024	/* connections at once; one more is
					   answered 503 and closed */
#define CL_HTTP_URL_MAX		2048	/* bytes of a request target: ids are
					   64 hex digits; longer is 414 */
#define CL_HTTP_HEAD_MAX	8192	/* bytes of a request's header
					   fields, names and values: 431 */
#define CL_HTTP_HEADERS_MAX	64	/* header fields; more is 431 */
#define CL_HTTP_BODY_MAX	(1024 * 1024)	/* bytes of a request body (a
						   credential document, a
						   SUBMIT): 413 */
#define CL_HTTP_BODY_LIMIT	(64 * 1024 * 1024)	/* the most
						   max_body_bytes may be */
#define CL_HTTP_IDLE_MS		30000	/* a keep-alive connection with no
					   request for this long closes */
#define CL_HTTP_REQUEST_MS	10000	/* a request begun must be whole
					   within (slow senders): 408 */
#define CL_HTTP_OUT_MAX		(16 * 1024 * 1024)	/* bytes of answers
						   queued per connection
						   before it stops reading */
#define CL_HTTP_PER_READ	32	/* pipelined requests handled before
					   other connections get a turn */
#define CL_HTTP_IN_LEN		(64 * 1024)	/* bytes read at a time */

#endif
