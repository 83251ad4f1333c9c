/* SPDX-License-Identifier: Apache-2.0 */
/* Export files: the format of PROTOCOL.md §11.4, written and read. */
#include "export.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"

/* Bytes of stdio buffer: records are small, the files large. */
#define EXPORT_BUF	(1u << 20)

static void
be32(uint8_t p[4], uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
load_be32(const uint8_t p[4])
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Keep the first failure, with its errno. */
static cl_err
w_fail(struct cl_export_w *w, cl_err err)
{
	if (w->err == CL_OK) {
		w->err = err;
		w->errno_ = errno;
	}
	return w->err;
}

static void
w_put(struct cl_export_w *w, const void *b, size_t len)
{
	if (w->err == CL_OK && fwrite(b, 1, len, w->f) != len)
		(void)w_fail(w, CL_EIO);
}

static void
w_record(struct cl_export_w *w, const uint8_t *b, size_t len)
{
	uint8_t	hdr[CL_EXPORT_REC_HDR_LEN];

	be32(hdr, (uint32_t)len);
	w_put(w, hdr, sizeof(hdr));
	w_put(w, b, len);
}

static void
w_release(struct cl_export_w *w)
{
	free(w->path);
	free(w->tmp);
	w->path = w->tmp = NULL;
	w->f = NULL;
}

cl_err
cl_export_create(struct cl_export_w *w, const char *path,
    const uint8_t *genesis, size_t len)
{
	static const char	suffix[] = ".tmp.XXXXXX";
	uint8_t			hdr[CL_EXPORT_HDR_LEN];
	size_t			n;
	int			fd;

	memset(w, 0, sizeof(*w));
	if (len == 0 || len > CL_GENESIS_MAX)
		return w_fail(w, CL_ERANGE);
	n = strlen(path);
	if ((w->path = strdup(path)) == NULL ||
	    (w->tmp = malloc(n + sizeof(suffix))) == NULL) {
		w_release(w);
		return w_fail(w, CL_ENOMEM);
	}
	memcpy(w->tmp, path, n);
	memcpy(w->tmp + n, suffix, sizeof(suffix));
	if ((fd = mkstemp(w->tmp)) < 0) {
		(void)w_fail(w, CL_EIO);
		w_release(w);
		return w->err;
	}
	if (fchmod(fd, 0644) < 0 || (w->f = fdopen(fd, "wb")) == NULL) {
		(void)w_fail(w, CL_EIO);
		(void)close(fd);
		(void)unlink(w->tmp);
		w_release(w);
		errno = w->errno_;
		return w->err;
	}
	(void)setvbuf(w->f, NULL, _IOFBF, EXPORT_BUF);
	memcpy(hdr, CL_EXPORT_MAGIC, CL_EXPORT_MAGIC_LEN);
	be32(hdr + CL_EXPORT_MAGIC_LEN, CL_EXPORT_VERSION);
	w_put(w, hdr, sizeof(hdr));
	w_record(w, genesis, len);
	errno = w->errno_;
	return w->err;
}

cl_err
cl_export_add(struct cl_export_w *w, const uint8_t *ev, size_t len)
{
	if (w->err != CL_OK)
		return w->err;
	if (len == 0 || len > CL_EVENT_MAX) {
		errno = 0;
		return w_fail(w, CL_ERANGE);
	}
	w_record(w, ev, len);
	if (w->err == CL_OK)
		w->cnt++;
	errno = w->errno_;
	return w->err;
}

/* fsync the directory holding path, so that the rename is durable. */
static int
sync_dir(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	size_t		 n;
	int		 fd, rc, saved;

	n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if ((dir = malloc(n + 1)) == NULL)
		return -1;
	if (slash == NULL)
		dir[0] = '.';
	else
		memcpy(dir, path, n);
	dir[n] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rc;
}

cl_err
cl_export_commit(struct cl_export_w *w)
{
	cl_err	err;

	if (w->f == NULL)
		return w->err != CL_OK ? w->err : CL_EIO;
	if (w->err == CL_OK && (fflush(w->f) != 0 || fsync(fileno(w->f)) < 0))
		(void)w_fail(w, CL_EIO);
	if (fclose(w->f) != 0)
		(void)w_fail(w, CL_EIO);
	w->f = NULL;
	if (w->err == CL_OK && rename(w->tmp, w->path) < 0)
		(void)w_fail(w, CL_EIO);
	if (w->err == CL_OK && sync_dir(w->path) < 0)
		(void)w_fail(w, CL_EIO);
	if (w->err != CL_OK)
		(void)unlink(w->tmp);
	err = w->err;
	w_release(w);
	errno = w->errno_;
	return err;
}

void
cl_export_abort(struct cl_export_w *w)
{
	int	saved = errno;

	if (w == NULL || w->tmp == NULL)
		return;
	if (w->f != NULL)
		(void)fclose(w->f);
	(void)unlink(w->tmp);
	w_release(w);
	errno = saved;
}

/*
 * Read exactly len bytes.  Returns CL_OK, CL_ETRUNCATED when the file
 * ends first (having read got bytes), CL_EIO.
 */
static cl_err
r_read(struct cl_export_r *r, void *buf, size_t len, size_t *got)
{
	*got = fread(buf, 1, len, r->f);
	if (*got == len)
		return CL_OK;
	return ferror(r->f) ? CL_EIO : CL_ETRUNCATED;
}

/*
 * One record's header: its length, checked against 1..max before any of
 * its bytes are read.  CL_ENOTFOUND at a clean end of file.
 */
static cl_err
r_len(struct cl_export_r *r, size_t max, const char *what, size_t *len)
{
	uint8_t	hdr[CL_EXPORT_REC_HDR_LEN];
	size_t	got;
	cl_err	err;

	if ((err = r_read(r, hdr, sizeof(hdr), &got)) != CL_OK) {
		if (err == CL_ETRUNCATED && got == 0)
			return CL_ENOTFOUND;
		r->why = err == CL_EIO ? "cannot read the file" :
		    "the file ends inside a record's length";
		return err;
	}
	*len = load_be32(hdr);
	if (*len == 0) {
		r->why = "a record of length 0";
		return CL_ERANGE;
	}
	if (*len > max) {
		r->why = what;
		return CL_ETOOBIG;
	}
	return CL_OK;
}

cl_err
cl_export_open(struct cl_export_r *r, const char *path)
{
	struct stat	st;
	uint8_t		hdr[CL_EXPORT_HDR_LEN];
	size_t		got, len;
	cl_err		err;

	memset(r, 0, sizeof(*r));
	if ((r->f = fopen(path, "rb")) == NULL) {
		r->why = "cannot open the file";
		return CL_EIO;
	}
	(void)setvbuf(r->f, NULL, _IOFBF, EXPORT_BUF);
	if (fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode))
		r->size = (uint64_t)st.st_size;
	if ((err = r_read(r, hdr, sizeof(hdr), &got)) != CL_OK) {
		r->why = err == CL_EIO ? "cannot read the file" :
		    got < CL_EXPORT_MAGIC_LEN ? "not an export file (no "
		    CL_EXPORT_MAGIC " magic)" : "the file ends inside its "
		    "header";
		if (err == CL_ETRUNCATED && (got < CL_EXPORT_MAGIC_LEN ||
		    memcmp(hdr, CL_EXPORT_MAGIC, CL_EXPORT_MAGIC_LEN) != 0))
			err = CL_EBADVERSION;
		return err;
	}
	if (memcmp(hdr, CL_EXPORT_MAGIC, CL_EXPORT_MAGIC_LEN) != 0) {
		r->why = "not an export file (no " CL_EXPORT_MAGIC " magic)";
		return CL_EBADVERSION;
	}
	if (load_be32(hdr + CL_EXPORT_MAGIC_LEN) != CL_EXPORT_VERSION) {
		r->why = "an export file of another version than 1";
		return CL_EBADVERSION;
	}
	r->off = sizeof(hdr);
	err = r_len(r, CL_GENESIS_MAX, "a genesis record over 65,536 bytes",
	    &len);
	if (err == CL_ENOTFOUND) {
		r->why = "the file has no genesis record";
		return CL_ETRUNCATED;
	}
	if (err != CL_OK)
		return err;
	if ((r->genesis = malloc(len)) == NULL) {
		r->why = "out of memory";
		return CL_ENOMEM;
	}
	if ((err = r_read(r, r->genesis, len, &got)) != CL_OK) {
		r->why = err == CL_EIO ? "cannot read the file" :
		    "the file ends inside the genesis record";
		return err;
	}
	r->genesis_len = len;
	r->off += CL_EXPORT_REC_HDR_LEN + len;
	return CL_OK;
}

cl_err
cl_export_next(struct cl_export_r *r, uint8_t *buf, size_t *len)
{
	size_t	got;
	cl_err	err;

	*len = 0;
	if (r->why != NULL)		/* framing was lost earlier */
		return CL_ETRUNCATED;
	err = r_len(r, CL_EVENT_MAX, "a record over 16,384 bytes, the "
	    "largest event", len);
	if (err != CL_OK)
		return err;
	if ((err = r_read(r, buf, *len, &got)) != CL_OK) {
		r->why = err == CL_EIO ? "cannot read the file" :
		    "the file ends inside a record";
		*len = 0;
		return err;
	}
	r->off += CL_EXPORT_REC_HDR_LEN + *len;
	r->cnt++;
	return CL_OK;
}

void
cl_export_close(struct cl_export_r *r)
{
	if (r == NULL)
		return;
	if (r->f != NULL)
		(void)fclose(r->f);
	free(r->genesis);
	memset(r, 0, sizeof(*r));
}

void
cl_export_store_dir(const char *data, char *out, size_t cap)
{
	struct stat	st;
	char		p[4096];

	if (snprintf(p, sizeof(p), "%s/ledger/data.mdb", data) <
	    (int)sizeof(p) && stat(p, &st) == 0 &&
	    snprintf(out, cap, "%s/ledger", data) < (int)cap)
		return;
	(void)snprintf(out, cap, "%s", data);
}
