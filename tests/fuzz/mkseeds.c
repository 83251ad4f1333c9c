/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mkseeds: write the fuzzers' seed corpus.
 *
 *	mkseeds EVENT_DIR BUNDLE_DIR GENESIS_DIR
 *
 * Every event of the fixed world (each type, full and minimal bodies, fork
 * pairs) goes to EVENT_DIR, its bundles to BUNDLE_DIR, the fixed genesis and
 * two others to GENESIS_DIR, and a few hostile inputs to both decoders.
 * Directories are created if missing.  Each seed is checked first, as its
 * target will see it: events and genesis files decode (hostile ones do
 * not), bundles check (or are refused, for the ones meant to be), so a seed
 * that stopped being what it should fails here and not silently in the
 * fuzzer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "event.h"
#include "genesis.h"
#include "seeds.h"

static int	failed;

static void
check(int ok, const char *what, const char *name, cl_err err)
{
	if (ok)
		return;
	fprintf(stderr, "mkseeds: %s %s: %s\n", what, name, cl_strerror(err));
	failed = 1;
}

/* mkdir -p */
static void
mkdir_p(const char *dir)
{
	char	path[4096];
	size_t	i, len = strlen(dir);

	if (len == 0 || len >= sizeof(path)) {
		fprintf(stderr, "mkseeds: bad directory name\n");
		exit(1);
	}
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "mkseeds: %s: %s\n", path,
			    strerror(errno));
			exit(1);
		}
		path[i] = dir[i];
	}
}

static void
put(const char *dir, const char *name, const uint8_t *b, size_t len)
{
	char	path[4096];
	FILE	*f;
	int	 n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "mkseeds: %s: path too long\n", dir);
		exit(1);
	}
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void
events(const struct fz_world *w, const char *dir)
{
	struct cl_event	ev;
	uint8_t		id[CL_ID_LEN];
	uint32_t	i;
	cl_err		err;

	for (i = 0; i < w->ev_cnt; i++) {
		const struct fz_ev *e = &w->ev[i];

		err = cl_ev_decode(&ev, e->bytes, e->len, NULL);
		check(err == CL_OK, "event", e->name, err);
		if (err == CL_OK) {
			err = cl_ev_verify(&ev, w->net.netid, id);
			check(err == CL_OK && memcmp(id, e->id, CL_ID_LEN) == 0,
			    "event", e->name, err);
		}
		cl_ev_free(&ev);
		if (!e->bulk)
			put(dir, e->name, e->bytes, e->len);
	}
}

/*
 * Hostile inputs for both decoders: nesting over the limit, a count no
 * input can hold, a valid event with a byte after it.  A fuzzer finds
 * these late, as no branch rewards it for getting closer.
 */
static void
hostile(const struct fz_world *w, const char *evdir, const char *gdir)
{
	static uint8_t		buf[CL_EVENT_MAX + 1];
	struct cl_event		ev;
	struct cl_genesis	g;
	const struct fz_ev	*e = &w->ev[0];
	size_t			len, i;
	cl_err			err;
	const char		*name[3] = { "x-deep", "x-huge-count",
				    "x-trailing" };

	for (i = 0; i < 3; i++) {
		if (i == 0) {
			memset(buf, 0x91, CL_DEPTH_MAX + 2);
			buf[CL_DEPTH_MAX + 2] = 0xc0;
			len = CL_DEPTH_MAX + 3;
		} else if (i == 1) {
			memcpy(buf, "\xdf\xff\xff\xff\xff\x00", 6);
			len = 6;
		} else {
			memcpy(buf, e->bytes, e->len);
			buf[e->len] = 0xc0;
			len = e->len + 1;
		}
		err = cl_ev_decode(&ev, buf, len, NULL);
		check(err != CL_OK, "hostile event", name[i], err);
		cl_ev_free(&ev);
		err = cl_genesis_decode(&g, buf, len, NULL);
		check(err != CL_OK, "hostile genesis", name[i], err);
		cl_genesis_free(&g);
		put(evdir, name[i], buf, len);
		put(gdir, name[i], buf, len);
	}
}

static void
bundles(const struct fz_world *w, const struct cl_genesis *g,
    const char *dir)
{
	struct cl_bundle	b;
	struct cl_where		where;
	uint32_t		i;
	cl_err			err;

	for (i = 0; i < w->bundle_cnt; i++) {
		const struct fz_bundle *fb = &w->bundle[i];

		err = cl_bundle_check(&b, g, fb->bytes, fb->len, w->cred,
		    FZ_NOW, &where);
		check((err != CL_OK) == fb->refused, "bundle", fb->name, err);
		if (err == CL_OK)
			printf("mkseeds: %-24s %u events, %s\n", fb->name,
			    b.ev_cnt, cl_status_name(b.result.status));
		else
			printf("mkseeds: %-24s refused: %s (%s)\n", fb->name,
			    cl_strerror(err), where.field ? where.field : "");
		cl_bundle_free(&b);
		put(dir, fb->name, fb->bytes, fb->len);
	}
}

static void
genesis(const struct fz_world *w, struct cl_genesis *g, const char *dir)
{
	struct cl_genesis	other;
	uint8_t			buf[CL_GENESIS_MAX];
	size_t			len;
	cl_err			err;

	err = cl_genesis_decode(g, w->net.genesis, w->net.genesis_len, NULL);
	check(err == CL_OK, "genesis", "fixed", err);
	put(dir, "g1-fixed", w->net.genesis, w->net.genesis_len);

	fz_genesis_other(1, 0, buf, sizeof(buf), &len);
	err = cl_genesis_decode(&other, buf, len, NULL);
	check(err == CL_OK, "genesis", "minimal", err);
	cl_genesis_free(&other);
	put(dir, "g2-minimal", buf, len);

	fz_genesis_other(CL_AUTHORITIES_MAX, 1, buf, sizeof(buf), &len);
	err = cl_genesis_decode(&other, buf, len, NULL);
	check(err == CL_OK, "genesis", "full", err);
	cl_genesis_free(&other);
	put(dir, "g3-full", buf, len);
}

int
main(int argc, char **argv)
{
	struct fz_world		*w;
	struct cl_genesis	 g;

	if (argc != 4) {
		fprintf(stderr, "usage: mkseeds EVENT_DIR BUNDLE_DIR "
		    "GENESIS_DIR\n");
		return 2;
	}
	mkdir_p(argv[1]);
	mkdir_p(argv[2]);
	mkdir_p(argv[3]);
	w = fz_world_new();
	events(w, argv[1]);
	hostile(w, argv[1], argv[3]);
	genesis(w, &g, argv[3]);
	bundles(w, &g, argv[2]);
	printf("mkseeds: %u events, %u bundles, 3 genesis files, 3 hostile\n",
	    w->ev_cnt, w->bundle_cnt);
	cl_genesis_free(&g);
	fz_world_free(w);
	return failed;
}
