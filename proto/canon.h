/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Canonical msgpack (PROTOCOL.md §1): a bounded writer over msgpack-c's
 * packer, a bounded pre-scan that guards msgpack-c's reader, and a codec for
 * records (maps with small integer keys) driven by field tables.
 * Private to proto/ (cl__ prefix).
 */
#ifndef CL_PROTO_CANON_H
#define CL_PROTO_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "err.h"
#include "event.h"

/* A writer into a fixed buffer; the first error sticks. */
struct cl__w {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 len;
	cl_err		 err;
	msgpack_packer	 pk;
};

void	cl__w_init(struct cl__w *, uint8_t *buf, size_t cap);
void	cl__w_uint(struct cl__w *, uint64_t);
void	cl__w_str(struct cl__w *, const char *, size_t);
void	cl__w_bin(struct cl__w *, const void *, size_t);
void	cl__w_nil(struct cl__w *);
void	cl__w_map(struct cl__w *, size_t);
void	cl__w_array(struct cl__w *, size_t);

/*
 * Parse in[0..len) into obj (allocated in z).  Before msgpack-c sees the
 * bytes, a bounded scan checks that every declared length and count fits in
 * what is left, that nesting is shallow, and that only the types the
 * protocol uses appear, so msgpack-c never sizes an allocation by a count
 * the sender made up.  Strings and bins of obj point into in.
 * Errors: CL_ETRUNCATED, CL_ETRAILING, CL_EBADTYPE, CL_ETOOBIG (depth),
 * CL_ENOMEM.
 */
CL_NODISCARD cl_err	cl__parse(const uint8_t *in, size_t len,
			    msgpack_zone *z, msgpack_object *obj);

/*
 * True if s[0..len) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF).
 * Every string field also refuses C0/C1 controls (but tab and newline in
 * free text), zero-width and bidi control characters, BOM, non-characters.
 */
bool	cl__utf8_valid(const char *s, size_t len);

/* Field kinds of a record table. */
enum cl__fk {
	CL_FK_U64,		/* uint64_t; [min, max] */
	CL_FK_BIN32,		/* uint8_t[32] */
	CL_FK_BIN64,		/* uint8_t[64] */
	CL_FK_PREV,		/* uint8_t[32]: nil when zero, else bin 32 */
	CL_FK_STR,		/* struct cl_str, at most max bytes */
	CL_FK_STRS,		/* struct cl_str[max] + uint32_t count */
	CL_FK_LANGSTRS,		/* struct cl_langstr[max] + uint32_t count */
	CL_FK_BIN32S,		/* uint8_t[max][32] + uint32_t count */
	CL_FK_RECORDS,		/* array of sub-records + uint32_t count */
	CL_FK_BODY,		/* a sub-record whose table select() picks */
};

/* Checks on string contents, beyond UTF-8 and length. */
enum cl__chk {
	CL_CHK_TEXT,		/* no controls but tab and newline */
	CL_CHK_NAME,		/* no control characters */
	CL_CHK_COUNTRY,		/* ISO 3166-1 alpha-2: two of A-Z */
	CL_CHK_LANG,		/* BCP 47 shape: ll(l)(-xxxx)* */
	CL_CHK_URI,		/* printable ASCII, no space, has ':' */
};

struct cl__table;

struct cl__field {
	uint8_t		 key;
	uint8_t		 kind;		/* enum cl__fk */
	uint8_t		 chk;		/* enum cl__chk, strings */
	bool		 opt;		/* may be absent (zero value) */
	const char	*name;		/* "body.title": where errors point */
	size_t		 off;		/* of the value in the record */
	size_t		 cnt_off;	/* of the uint32_t count (arrays) */
	uint64_t	 min, max;	/* U64 range; max bytes or items */
	uint32_t	 item_max;	/* bytes of each array item */
	size_t		 stride;	/* RECORDS: sizeof one sub-record */
	const struct cl__table *sub;	/* RECORDS */
	/* BODY: the table for a record, from fields decoded before it. */
	const struct cl__table *(*select)(const void *rec);
	/*
	 * BODY, optional: where the sub-record is when it may be out of
	 * line rather than at off.  body() gives the one to encode (NULL:
	 * the record has none, CL_EMISSING); body_new() gives zeroed room
	 * to decode into, which the record owns from then on (NULL:
	 * CL_ENOMEM).  Both are called after select() found a table.
	 */
	const void	*(*body)(const void *rec);
	void		*(*body_new)(void *rec);
};

struct cl__table {
	const char		*name;	/* of the record, for errors */
	const struct cl__field	*f;
	size_t			 n;	/* ascending keys */
};

/*
 * Encode rec by its table (absent optional fields are left out), checking
 * every field: mandatory ones present, strings valid, values in range.
 */
void	cl__rec_encode(struct cl__w *w, const struct cl__table *t,
	    const void *rec, struct cl_where *where);

/*
 * Decode obj into rec (zeroed by the caller) by its table: keys must be
 * unsigned, strictly ascending and known; mandatory fields present; values
 * of the right type and in range.  Strings point into the parsed input.
 * The caller then re-encodes and compares, which rejects every other
 * non-canonical form (integer widths, explicit zero optionals).
 */
CL_NODISCARD cl_err	cl__rec_decode(const msgpack_object *obj,
			    const struct cl__table *t, void *rec,
			    struct cl_where *where);

#endif
