/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credledger-node: init a data directory for a network, or run the node.
 *
 *	credledger-node init --data DIR --genesis FILE
 *	credledger-node run --data DIR [--config FILE] [--listen HOST:PORT] ...
 *
 * A data directory holds node.key (the node's Ed25519 seed, 32 bytes, mode
 * 0600) and ledger/ (the LMDB environment, bound to one network).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sodium.h>
#include <uv.h>

#include "config.h"
#include "genesis.h"
#include "gossip.h"
#include "hex.h"
#include "http.h"
#include "ledger.h"
#include "log.h"
#include "server.h"

#ifndef CL_NODE_VERSION
#define CL_NODE_VERSION	"0"
#endif

#define EXIT_USAGE	2

static const char usage_text[] =
"usage: credledger-node init --data DIR --genesis FILE\n"
"       credledger-node run --data DIR [--config FILE] [options]\n"
"       credledger-node --help | --version\n"
"\n"
"init  create DIR (mode 0700) with the node key and a ledger bound to the\n"
"      network of the genesis FILE; an existing DIR of the same network is\n"
"      left as it is, one of another network is refused.\n"
"run   serve the client protocol.  When ready, prints one line to stdout:\n"
"        ready client=HOST:PORT node=<node key hex>\n"
"      then logs one line per event to stderr.  SIGTERM or SIGINT stop it\n"
"      cleanly: what was verified is committed and answered, exit 0.\n"
"\n"
"run options (each overrides the configuration file):\n"
"  --config FILE            INI file: [node] data, log_level; [client]\n"
"                           listen, max_connections, idle_timeout_ms,\n"
"                           frame_timeout_ms, max_frame_bytes,\n"
"                           max_output_bytes; [ledger] batch_max, workers,\n"
"                           map_max_mib\n"
"  --listen HOST:PORT       client port (default 127.0.0.1:7400; port 0:\n"
"                           any free port)\n"
"  --log-level LEVEL        debug, info (default), warn or error\n"
"  --workers N              signature-checking threads (default: cores)\n"
"  --batch-max N            events per write transaction (default 30000)\n"
"  --max-connections N      client connections at once (default 4096)\n"
"  --idle-timeout-ms N      close a silent connection after (120000)\n"
"  --gossip HOST:PORT       the peer port (off unless given; port 0: any);\n"
"                           the ready line then gains gossip=HOST:PORT\n"
"  --peer [KEY@]HOST:PORT   a node to gossip with (many may be given; KEY\n"
"                           pins its node key); config: [gossip] peer,\n"
"                           listen, max_links, sync_ms,\n"
"                           handshake_timeout_ms, idle_timeout_ms\n"
"  --http HOST:PORT         the HTTP port: JSON API, /metrics and the\n"
"                           verification page (off unless given; port 0:\n"
"                           any); the ready line then ends http=HOST:PORT;\n"
"                           config: [http] listen, max_connections,\n"
"                           idle_timeout_ms, request_timeout_ms,\n"
"                           max_body_bytes, max_header_bytes\n";

static void	usage_err(const char *, ...) CL_PRINTF(1, 2);

static void
usage_err(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "credledger-node: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(credledger-node --help for usage)\n");
}

static int
read_all(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	ssize_t	n;
	int	fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (*len < cap && (n = read(fd, buf + *len, cap - *len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		*len += (size_t)n;
	}
	/* one more byte would mean the file is over cap */
	if (*len == cap && read(fd, buf, 1) > 0) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	close(fd);
	return 0;
}

/* Write a new file durably and atomically: tmp, fsync, link, fsync dir. */
static int
write_new(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char	tmp[4096], path[4096];
	int	fd, dfd, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >=
	    (int)sizeof(tmp) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0)
		return -1;
	if (write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0 &&
	    close(fd) == 0) {
		fd = -1;
		if (link(tmp, path) == 0)
			rc = 0;
	}
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	if (rc == 0 && (dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		rc = fsync(dfd);
		close(dfd);
	}
	return rc;
}

/* Load DIR/node.key, or make it when create is set and it is missing. */
static int
node_key(const char *dir, bool create, uint8_t pk[32], uint8_t sk[64])
{
	char	path[4096];
	uint8_t	seed[32];
	size_t	len;

	snprintf(path, sizeof(path), "%s/node.key", dir);
	if (read_all(path, seed, sizeof(seed), &len) == 0) {
		if (len != sizeof(seed)) {
			fprintf(stderr, "credledger-node: %s: not a node key "
			    "(%zu bytes, not 32)\n", path, len);
			sodium_memzero(seed, sizeof(seed));
			return -1;
		}
	} else if (errno == ENOENT && create) {
		randombytes_buf(seed, sizeof(seed));
		if (write_new(dir, "node.key", seed, sizeof(seed)) != 0) {
			fprintf(stderr, "credledger-node: %s: %s\n", path,
			    strerror(errno));
			sodium_memzero(seed, sizeof(seed));
			return -1;
		}
	} else {
		fprintf(stderr, "credledger-node: %s: %s%s\n", path,
		    strerror(errno), errno == ENOENT ?
		    " (run credledger-node init first)" : "");
		return -1;
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

static int
ledger_dir(const char *data, char *out, size_t cap)
{
	if (snprintf(out, cap, "%s/ledger", data) >= (int)cap) {
		fprintf(stderr, "credledger-node: %s: path too long\n", data);
		return -1;
	}
	return 0;
}

static int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "genesis", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t		 gbuf[CL_GENESIS_MAX];
	const char		*data = NULL, *gpath = NULL;
	struct cl_genesis	 g;
	struct cl_ledger	 l;
	struct cl_where		 where = { NULL };
	struct cl_store_opts	 init_opts = { .map_initial = (size_t)1 << 20 };
	uint8_t			 pk[32], sk[64];
	char			 ldir[4096], nid[65], npk[65];
	size_t			 glen;
	int			 c;
	cl_err			 err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'g': gpath = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case ':': usage_err("%s needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default: usage_err("unknown option %s", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage_err("unexpected argument %s", argv[optind]);
		return EXIT_USAGE;
	}
	if (data == NULL || gpath == NULL) {
		usage_err("%s", "init needs --data DIR and --genesis FILE");
		return EXIT_USAGE;
	}
	if (read_all(gpath, gbuf, sizeof(gbuf), &glen) != 0) {
		fprintf(stderr, "credledger-node: %s: %s\n", gpath,
		    strerror(errno));
		return 1;
	}
	if ((err = cl_genesis_decode(&g, gbuf, glen, &where)) != CL_OK) {
		fprintf(stderr, "credledger-node: %s: not a genesis file: %s%s"
		    "%s\n", gpath, cl_strerror(err), where.field ? " at " : "",
		    where.field ? where.field : "");
		return 1;
	}
	if (mkdir(data, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "credledger-node: %s: %s\n", data,
		    strerror(errno));
		cl_genesis_free(&g);
		return 1;
	}
	if (ledger_dir(data, ldir, sizeof(ldir)) != 0 ||
	    (mkdir(ldir, 0700) != 0 && errno != EEXIST)) {
		fprintf(stderr, "credledger-node: %s: %s\n", ldir,
		    strerror(errno));
		cl_genesis_free(&g);
		return 1;
	}
	/*
	 * The ledger first: a directory of another network stays as it was.
	 * A small map: LMDB records it, and run sizes it from there.
	 */
	if ((err = cl_ledger_open(&l, ldir, gbuf, glen, &init_opts)) !=
	    CL_OK) {
		fprintf(stderr, "credledger-node: %s: %s%s\n", data,
		    cl_strerror(err), err == CL_ENETWORK ? ": this data "
		    "directory was initialised for another genesis" : "");
		cl_genesis_free(&g);
		return 1;
	}
	cl_ledger_close(&l);
	if (node_key(data, true, pk, sk) != 0) {
		cl_genesis_free(&g);
		return 1;
	}
	sodium_memzero(sk, sizeof(sk));
	cl_hex_encode(nid, g.netid, CL_ID_LEN);
	cl_hex_encode(npk, pk, 32);
	printf("initialised %s\nnetwork %s\nnode %s\n", data, nid, npk);
	cl_genesis_free(&g);
	return 0;
}

/* The run state: handles main() owns. */
static struct {
	uv_loop_t		 loop;
	uv_signal_t		 sigterm, sigint;
	struct cl_server	 srv;
	struct cl_gossip	 gossip;
	struct cl_http		 http;
	bool			 http_on;
	int			 signals;
} run;

static void
on_stopped(struct cl_server *s)
{
	(void)s;
	cl_gossip_stop(&run.gossip);
	if (run.http_on)
		cl_http_stop(&run.http, NULL);
	uv_close((uv_handle_t *)&run.sigterm, NULL);
	uv_close((uv_handle_t *)&run.sigint, NULL);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	if (run.signals++ == 0) {
		cl_log_info("node", "signal %d: stopping", signum);
		cl_gossip_stop(&run.gossip);
		if (run.http_on)
			cl_http_stop(&run.http, NULL);
		cl_server_stop(&run.srv, on_stopped);
	} else {
		cl_log_warn("node", "signal %d again: still finishing what "
		    "is in flight", signum);
	}
}

/*
 * The per-submission arrays (672 bytes an event, 1,000 events in a
 * gossip answer) come and go by the thousand in a catch-up.  mmap'd, as
 * glibc makes blocks over its threshold, each was faulted in afresh, a
 * page at a time (half the node's page faults, some 0.5 us an event);
 * trimmed from the top of the heap as soon as freed, likewise.  So both
 * thresholds are high, and the server gives the memory back once its
 * writer has been quiet a while (on_release in server.c: malloc_trim).
 * Two arenas in all keep the worker threads' small blocks from pinning
 * arenas of their own.  Measured in bench/node.md (memory) and
 * bench/gossip.md (catch-up).
 */
static void
tune_malloc(void)
{
#ifdef __GLIBC__
	(void)mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	(void)mallopt(M_ARENA_MAX, 2);
#endif
}

/* Thousands of idle clients need file descriptors: take what we may. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
set_flag(struct cl_config *cfg, const char *section, const char *key,
    const char *value)
{
	char	msg[256];

	if (cl_config_set(cfg, section, key, value, msg, sizeof(msg)) !=
	    CL_OK) {
		usage_err("%s", msg);
		return -1;
	}
	return 0;
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "workers", required_argument, NULL, 'w' },
		{ "batch-max", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'm' },
		{ "idle-timeout-ms", required_argument, NULL, 'i' },
		{ "gossip", required_argument, NULL, 'g' },
		{ "peer", required_argument, NULL, 'p' },
		{ "http", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* flags are applied after the file, in the order given */
	struct flag { const char *sec, *key, *val; } flags[96];
	struct cl_config	 cfg;
	struct cl_store_opts	 so = { .map_initial = 0 };
	struct cl_ledger	 l;
	const char		*config = NULL;
	uint8_t			 pk[32], sk[64];
	char			 ldir[4096], npk[65], nid[65], msg[256];
	char			 nthreads[24];
	size_t			 nflags = 0, i;
	int			 c, line, rc;
	cl_err			 err;

	cl_config_defaults(&cfg);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		const char *sec = NULL, *key = NULL;

		switch (c) {
		case 'c': config = optarg; continue;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'd': sec = "node"; key = "data"; break;
		case 'L': sec = "node"; key = "log_level"; break;
		case 'l': sec = "client"; key = "listen"; break;
		case 'w': sec = "ledger"; key = "workers"; break;
		case 'b': sec = "ledger"; key = "batch_max"; break;
		case 'm': sec = "client"; key = "max_connections"; break;
		case 'i': sec = "client"; key = "idle_timeout_ms"; break;
		case 'g': sec = "gossip"; key = "listen"; break;
		case 'p': sec = "gossip"; key = "peer"; break;
		case 'H': sec = "http"; key = "listen"; break;
		case ':': usage_err("%s needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default: usage_err("unknown option %s", argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (nflags == sizeof(flags) / sizeof(flags[0])) {
			usage_err("%s", "too many options");
			return EXIT_USAGE;
		}
		flags[nflags].sec = sec;
		flags[nflags].key = key;
		flags[nflags++].val = optarg;
	}
	if (optind != argc) {
		usage_err("unexpected argument %s", argv[optind]);
		return EXIT_USAGE;
	}
	if (config != NULL &&
	    cl_config_load(&cfg, config, &line, msg, sizeof(msg)) != CL_OK) {
		if (line > 0)
			fprintf(stderr, "credledger-node: %s:%d: %s\n",
			    config, line, msg);
		else
			fprintf(stderr, "credledger-node: %s\n", msg);
		return EXIT_USAGE;
	}
	for (i = 0; i < nflags; i++)
		if (set_flag(&cfg, flags[i].sec, flags[i].key,
		    flags[i].val) != 0)
			return EXIT_USAGE;
	if (cfg.data[0] == '\0') {
		usage_err("%s", "run needs --data DIR (or [node] data)");
		return EXIT_USAGE;
	}
	cl_log_set_level((enum cl_log_level)cfg.log_level);
	if (sodium_init() < 0) {
		fprintf(stderr, "credledger-node: libsodium failed\n");
		return 1;
	}
	/* before the loop's first work item: the pool's size is fixed then */
	snprintf(nthreads, sizeof(nthreads), "%llu", (unsigned long long)
	    (cfg.workers != 0 ? cfg.workers :
	    (uint64_t)uv_available_parallelism()));
	setenv("UV_THREADPOOL_SIZE", nthreads, 1);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	tune_malloc();

	if (node_key(cfg.data, false, pk, sk) != 0)
		return 1;
	if (ledger_dir(cfg.data, ldir, sizeof(ldir)) != 0) {
		sodium_memzero(sk, sizeof(sk));
		return 1;
	}
	so.map_max = (size_t)cfg.map_max_mib << 20;
	if (so.map_max != 0 && so.map_max < ((size_t)64 << 20))
		so.map_initial = so.map_max;	/* a small node stays small */
	if ((err = cl_ledger_open(&l, ldir, NULL, 0, &so)) != CL_OK) {
		fprintf(stderr, "credledger-node: %s: %s%s\n", ldir,
		    cl_strerror(err), err == CL_ENOTFOUND ?
		    " (run credledger-node init first)" : "");
		sodium_memzero(sk, sizeof(sk));
		return 1;
	}
	uv_loop_init(&run.loop);
	err = cl_server_start(&run.srv, &run.loop, &l, &cfg, sk);
	if (err != CL_OK) {
		sodium_memzero(sk, sizeof(sk));
		fprintf(stderr, "credledger-node: cannot serve on %s: %s\n",
		    cfg.listen, cl_strerror(err));
		uv_loop_close(&run.loop);
		cl_ledger_close(&l);
		return err == CL_EUSAGE ? EXIT_USAGE : 1;
	}
	err = cl_gossip_start(&run.gossip, &run.loop, &run.srv, &l, &cfg, sk);
	sodium_memzero(sk, sizeof(sk));		/* each has its copy */
	if (err != CL_OK) {
		fprintf(stderr, "credledger-node: cannot gossip on %s: %s\n",
		    cfg.gossip, cl_strerror(err));
		cl_gossip_stop(&run.gossip);
		cl_server_stop(&run.srv, NULL);
		uv_run(&run.loop, UV_RUN_DEFAULT);
		cl_gossip_free(&run.gossip);
		uv_loop_close(&run.loop);
		cl_ledger_close(&l);
		return err == CL_EUSAGE ? EXIT_USAGE : 1;
	}
	if (cfg.http_listen[0] != '\0') {
		if ((err = cl_http_start(&run.http, &run.loop, &run.srv,
		    &cfg)) != CL_OK) {
			fprintf(stderr, "credledger-node: cannot serve HTTP on "
			    "%s: %s\n", cfg.http_listen, cl_strerror(err));
			cl_gossip_stop(&run.gossip);
			cl_server_stop(&run.srv, NULL);
			uv_run(&run.loop, UV_RUN_DEFAULT);
			cl_gossip_free(&run.gossip);
			uv_loop_close(&run.loop);
			cl_ledger_close(&l);
			return err == CL_EUSAGE ? EXIT_USAGE : 1;
		}
		run.http_on = true;
		run.http.gossip = &run.gossip;
	}
	run.srv.stopped = on_stopped;	/* also when storage fails */
	run.srv.peers = cl_gossip_wire;
	run.srv.peers_arg = &run.gossip;
	uv_signal_init(&run.loop, &run.sigterm);
	uv_signal_start(&run.sigterm, on_signal, SIGTERM);
	uv_signal_init(&run.loop, &run.sigint);
	uv_signal_start(&run.sigint, on_signal, SIGINT);

	cl_hex_encode(npk, pk, 32);
	cl_hex_encode(nid, l.genesis.netid, CL_ID_LEN);
	cl_log_info("node", "ledger %s: %llu events, network %.16s", ldir,
	    (unsigned long long)l.log_size, nid);
	printf("ready client=%s node=%s", run.srv.addr, npk);
	if (run.gossip.listening)
		printf(" gossip=%s", run.gossip.addr);
	if (run.http_on)
		printf(" http=%s", run.http.addr);
	printf("\n");
	fflush(stdout);

	uv_run(&run.loop, UV_RUN_DEFAULT);
	cl_gossip_free(&run.gossip);
	rc = run.srv.fatal != CL_OK ? 1 : 0;
	if (uv_loop_close(&run.loop) != 0)
		cl_log_warn("node", "handles left open at exit");
	cl_ledger_close(&l);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("credledger-node %s\n", CL_NODE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	usage_err("unknown command %s", argv[1]);
	return EXIT_USAGE;
}
