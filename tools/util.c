/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers every credledger verb shares: files, numbers, hex, messages. */
#include "util.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"

/* A file with no size to go by (a pipe) starts with a buffer this big. */
#define READ_CHUNK	4096

void
cl_tool_err(const char *verb, const char *fmt, ...)
{
	va_list	ap;

	if (verb != NULL)
		fprintf(stderr, "credledger %s: ", verb);
	else
		fputs("credledger: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * True if getopt_long() stopped inside the short-option cluster at
 * argv[optind] (-xf): it leaves optind there until the cluster ends.
 */
static bool
in_cluster(char **argv)
{
	const char	*w = argv[optind];

	return w != NULL && w[0] == '-' && w[1] != '-' &&
	    strchr(w + 1, optopt) != NULL;
}

int
cl_tool_badopt(const char *verb, char **argv, int c)
{
	const char	*arg = argv[optind - 1];
	bool		 is_long = strncmp(arg, "--", 2) == 0;

	/*
	 * optopt is 0 for an unknown long option, which optind is past.
	 * Otherwise it is the option at fault: a short one, or a long one
	 * given a value it does not take (--force=yes).
	 */
	if (c == ':' && is_long)
		cl_tool_err(verb, "option '%s' needs a value", arg);
	else if (c == ':')
		cl_tool_err(verb, "option '-%c' needs a value", optopt);
	else if (optopt == 0)
		cl_tool_err(verb, "unknown option '%s'", arg);
	else if (is_long && strchr(arg, '=') != NULL && !in_cluster(argv))
		cl_tool_err(verb, "option '%s' takes no value", arg);
	else
		cl_tool_err(verb, "unknown option '-%c'", optopt);
	cl_tool_err(verb, "see 'credledger %s --help'", verb);
	return CL_TOOL_USAGE;
}

int
cl_tool_once(const char *verb, const char *opt, const char **slot)
{
	if (*slot != NULL) {
		cl_tool_err(verb, "%s given twice", opt);
		return CL_TOOL_USAGE;
	}
	if (optarg[0] == '\0') {
		cl_tool_err(verb, "%s is empty", opt);
		return CL_TOOL_USAGE;
	}
	*slot = optarg;
	return CL_TOOL_OK;
}

/*
 * Read from fd into buf[*len..cap) until end of file or buf is full.
 * Returns 0 or -1 with errno set.
 */
static int
read_fill(int fd, uint8_t *buf, size_t cap, size_t *len)
{
	ssize_t	n;

	while (*len < cap) {
		n = read(fd, buf + *len, cap - *len);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		*len += (size_t)n;
	}
	return 0;
}

/* Set *eof if fd has no more bytes.  Returns 0 or -1 with errno set. */
static int
at_eof(int fd, bool *eof)
{
	uint8_t	c;
	ssize_t	n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	*eof = n == 0;
	return 0;
}

/* close() that keeps the errno of an earlier failure. */
static void
close_keep_errno(int fd)
{
	int	saved = errno;

	(void)close(fd);
	errno = saved;
}

cl_err
cl_tool_read_buf(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	int	fd;
	bool	eof;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return CL_EIO;
	if (read_fill(fd, buf, cap, len) < 0 || at_eof(fd, &eof) < 0) {
		close_keep_errno(fd);
		return CL_EIO;
	}
	(void)close(fd);
	return eof ? CL_OK : CL_ETOOBIG;
}

cl_err
cl_tool_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf = NULL, *nbuf;
	size_t		 cap, n = 0;
	int		 fd;
	cl_err		 err = CL_EIO;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return CL_EIO;
	if (fstat(fd, &st) < 0)
		goto fail;
	/* The size is only a hint: the file may grow while we read. */
	if (S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size <= max)
		cap = (size_t)st.st_size;
	else
		cap = max < READ_CHUNK ? max : READ_CHUNK;
	for (;;) {
		/* One byte over cap tells "all of it" from "there is more". */
		if ((nbuf = realloc(buf, cap + 1)) == NULL) {
			err = CL_ENOMEM;
			goto fail;
		}
		buf = nbuf;
		if (read_fill(fd, buf, cap + 1, &n) < 0)
			goto fail;
		if (n <= cap)
			break;
		if (cap == max) {
			err = CL_ETOOBIG;
			goto fail;
		}
		cap = cap > max / 2 ? max : cap * 2;
	}
	(void)close(fd);
	*out = buf;
	*len = n;
	return CL_OK;
fail:
	close_keep_errno(fd);
	free(buf);
	return err;
}

/* Write all of buf to fd.  Returns 0 or -1 with errno set. */
static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync a directory.  Returns 0 or -1 with errno set. */
static int
sync_path(const char *dir)
{
	int	fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close_keep_errno(fd);
	return rc;
}

/*
 * fsync the directory holding path, so that a rename or link into it is
 * durable.  Returns 0 or -1 with errno set.
 */
static int
sync_dir(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	size_t		 n;
	int		 rc;

	if (slash == NULL)
		return sync_path(".");
	n = slash == path ? 1 : (size_t)(slash - path);
	if ((dir = malloc(n + 1)) == NULL)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	rc = sync_path(dir);
	free(dir);
	return rc;
}

cl_err
cl_tool_write_file(const char *path, const void *buf, size_t len,
    mode_t mode, bool force)
{
	static const char	 suffix[] = ".tmp.XXXXXX";
	char			*tmp;
	size_t			 tmp_len;
	int			 fd, n, saved;
	cl_err			 err = CL_EIO;

	tmp_len = strlen(path) + sizeof(suffix);
	if ((tmp = malloc(tmp_len)) == NULL)
		return CL_ENOMEM;
	n = snprintf(tmp, tmp_len, "%s%s", path, suffix);
	if (n < 0 || (size_t)n >= tmp_len) {
		free(tmp);
		errno = EOVERFLOW;
		return CL_EIO;
	}
	if ((fd = mkstemp(tmp)) < 0)
		goto out;
	if (fchmod(fd, mode) < 0 || write_all(fd, buf, len) < 0 ||
	    fsync(fd) < 0) {
		close_keep_errno(fd);
		goto fail;
	}
	if (close(fd) < 0)
		goto fail;
	if (force) {
		if (rename(tmp, path) < 0)
			goto fail;
	} else {
		/* link() fails with EEXIST instead of replacing path. */
		if (link(tmp, path) < 0) {
			if (errno == EEXIST)
				err = CL_EEXISTS;
			goto fail;
		}
		(void)unlink(tmp);
	}
	if (sync_dir(path) == 0)
		err = CL_OK;
	goto out;
fail:
	saved = errno;
	(void)unlink(tmp);
	errno = saved;
out:
	saved = errno;
	free(tmp);
	errno = saved;
	return err;
}

cl_err
cl_tool_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long	 v;
	char			*end;

	if (s[0] < '0' || s[0] > '9')
		return CL_EUSAGE;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return CL_EUSAGE;
	if (errno == ERANGE || v > max)
		return CL_ERANGE;
	*out = (uint64_t)v;
	return CL_OK;
}

void
cl_tool_put_hex(FILE *f, const uint8_t *b, size_t len)
{
	char	hex[2 * CL_TOOL_HEX_MAX + 1];

	if (len > CL_TOOL_HEX_MAX)
		len = CL_TOOL_HEX_MAX;
	cl_hex_encode(hex, b, len);
	fprintf(f, "%s\n", hex);
}

void
cl_tool_put_str(FILE *f, const char *s, size_t len)
{
	unsigned char	c;
	size_t		i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else if (c == '\\')
			fputs("\\\\", f);
		else
			fputc(c, f);
	}
}

uint64_t
cl_tool_now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
