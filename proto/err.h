/* SPDX-License-Identifier: Apache-2.0 */
/* credledger error codes: one table makes the enum and the messages. */
#ifndef CL_PROTO_ERR_H
#define CL_PROTO_ERR_H

#if defined(__GNUC__)
#define CL_NODISCARD	__attribute__((warn_unused_result))
#define CL_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#else
#define CL_NODISCARD
#define CL_PRINTF(f, a)
#endif

/*
 * Every error credledger can report.  The decoder errors are distinct so a
 * caller can say exactly what was wrong with a byte string; the decoder also
 * names the field (see cl_ev_decode()).
 */
#define CL_ERR_MAP(X)							\
	X(NOMEM, "out of memory")					\
	X(TOOBIG, "length over limit")					\
	X(TRUNCATED, "input ends before the value does")		\
	X(TRAILING, "trailing bytes after the value")			\
	X(NONCANON, "non-canonical encoding")				\
	X(BADTYPE, "wrong msgpack type for the field")			\
	X(DUPKEY, "duplicate map key")					\
	X(KEYORDER, "map keys not in ascending order")			\
	X(UNKNOWNKEY, "unknown field")					\
	X(MISSING, "mandatory element missing")				\
	X(BADUTF8, "string is not valid UTF-8")				\
	X(RANGE, "value out of range")					\
	X(BADVERSION, "unsupported version")				\
	X(BADEVTYPE, "unknown event type")				\
	X(BADSIG, "bad signature")					\
	X(BADAUTHOR, "author may not write this event type")		\
	X(NOTFOUND, "not found")					\
	X(EXISTS, "already exists")					\
	X(NETWORK, "belongs to another network")			\
	X(BUNDLE, "proof bundle inconsistent")				\
	X(BADKEY, "malformed key file")					\
	X(PASSPHRASE, "wrong passphrase or corrupted key file")	\
	X(MAPFULL, "storage full")					\
	X(STORE, "storage failure")					\
	X(IO, "I/O failure")						\
	X(USAGE, "bad argument")					\
	X(BADREQ, "malformed request")					\
	X(BUSY, "node busy")						\
	X(SHUTDOWN, "node is shutting down")				\
	X(CONNECT, "cannot reach the node")				\
	X(PROTO, "protocol violation by the peer")

#define CL_ERR_ENUM(n, s) CL_E##n,
typedef enum { CL_OK = 0, CL_ERR_MAP(CL_ERR_ENUM) CL_ERR_COUNT } cl_err;
#undef CL_ERR_ENUM

/* The message for an error code; never NULL, also for unknown codes. */
const char	*cl_strerror(cl_err);

/* The short symbolic name ("TOOBIG"); never NULL. */
const char	*cl_errname(cl_err);

#endif
