/* SPDX-License-Identifier: Apache-2.0 */
/* The genesis verb: write a network's genesis file, or show one. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cmd.h"
#include "genesis.h"
#include "hex.h"
#include "util.h"

static void
genesis_usage(FILE *f)
{
	fputs("usage: credledger genesis --name NAME "
	    "--authority HEXKEY[,ORG,COUNTRY] [--authority ...]\n"
	    "                          --out FILE [--created MS] [--force]\n"
	    "       credledger genesis --show FILE [--json]\n"
	    "\n"
	    "Write the genesis file that starts a network and print the\n"
	    "network id, the SHA-256 of the file, as 64 hex digits.  Or show\n"
	    "a genesis file.\n"
	    "\n"
	    "  -n, --name NAME       the network's name\n"
	    "  -a, --authority AUTH  an authority: its public key in hex,\n"
	    "                        then optionally its organisation and\n"
	    "                        ISO 3166-1 country (two upper-case\n"
	    "                        letters), e.g. 3b6a...9f,ENIC-NARIC,DE;\n"
	    "                        either may be empty; at most 64\n"
	    "  -o, --out FILE        the genesis file to write (mode 0644)\n"
	    "      --created MS      creation time in ms since the epoch\n"
	    "                        (default: now), for a reproducible file\n"
	    "  -f, --force           replace FILE if it exists\n"
	    "      --show FILE       print the genesis file FILE\n"
	    "      --json            print it as JSON\n"
	    "  -h, --help            show this and exit\n", f);
}

/* What the command line asked for. */
struct args {
	const char		*name;
	const char		*out;
	const char		*show;
	bool			 json;
	bool			 force;
	bool			 created_set;
	struct cl_genesis	 g;	/* created, auth; name is set last */
};

/*
 * Parse HEXKEY[,ORG,COUNTRY] into the next authority.  ORG may hold
 * commas: the country is after the last one.  The strings point into arg.
 */
static int
parse_authority(const char *verb, const char *arg, struct args *a)
{
	char			 hex[2 * CL_PK_LEN + 1];
	struct cl_authority	*au;
	const char		*c1, *c2;
	size_t			 key_len;
	uint32_t		 i;

	if (a->g.auth_cnt == CL_AUTHORITIES_MAX) {
		cl_tool_err(verb, "--authority '%s': more than %d authorities",
		    arg, CL_AUTHORITIES_MAX);
		return CL_TOOL_USAGE;
	}
	au = &a->g.auth[a->g.auth_cnt];
	memset(au, 0, sizeof(*au));
	c1 = strchr(arg, ',');
	c2 = strrchr(arg, ',');
	if (c1 != NULL && c1 == c2) {
		cl_tool_err(verb, "--authority '%s': want HEXKEY or "
		    "HEXKEY,ORG,COUNTRY", arg);
		return CL_TOOL_USAGE;
	}
	key_len = c1 != NULL ? (size_t)(c1 - arg) : strlen(arg);
	if (key_len != 2 * CL_PK_LEN) {
		cl_tool_err(verb, "bad --authority key '%.*s': want %d hex "
		    "digits", (int)key_len, arg, 2 * CL_PK_LEN);
		return CL_TOOL_USAGE;
	}
	memcpy(hex, arg, key_len);
	hex[key_len] = '\0';
	if (cl_hex_decode(au->key, CL_PK_LEN, hex) != CL_OK) {
		cl_tool_err(verb, "bad --authority key '%s': want %d hex "
		    "digits", hex, 2 * CL_PK_LEN);
		return CL_TOOL_USAGE;
	}
	for (i = 0; i < a->g.auth_cnt; i++) {
		if (sodium_memcmp(a->g.auth[i].key, au->key, CL_PK_LEN) == 0) {
			cl_tool_err(verb, "duplicate --authority key '%s'",
			    hex);
			return CL_TOOL_USAGE;
		}
	}
	if (c1 != NULL) {
		au->org.ptr = c1 + 1;
		au->org.len = (uint32_t)(c2 - c1 - 1);
		au->country.ptr = c2 + 1;
		au->country.len = (uint32_t)strlen(c2 + 1);
		if (c2 - c1 - 1 > CL_NAME_MAX) {
			cl_tool_err(verb, "bad --authority organisation "
			    "'%.*s': over %d bytes", (int)au->org.len,
			    au->org.ptr, CL_NAME_MAX);
			return CL_TOOL_USAGE;
		}
		if (au->country.len != 0 && (au->country.len != 2 ||
		    c2[1] < 'A' || c2[1] > 'Z' || c2[2] < 'A' ||
		    c2[2] > 'Z')) {
			cl_tool_err(verb, "bad --authority country '%s': want "
			    "two upper-case letters (ISO 3166-1)", c2 + 1);
			return CL_TOOL_USAGE;
		}
	}
	a->g.auth_cnt++;
	return CL_TOOL_OK;
}

/*
 * Fill a from the command line.  Returns CL_TOOL_OK, -1 after --help, or
 * the status to exit with.
 */
static int
parse_args(int argc, char **argv, struct args *a)
{
	enum { OPT_CREATED = 256, OPT_SHOW, OPT_JSON };
	static const struct option	opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "authority", required_argument, NULL, 'a' },
		{ "out", required_argument, NULL, 'o' },
		{ "created", required_argument, NULL, OPT_CREATED },
		{ "force", no_argument, NULL, 'f' },
		{ "show", required_argument, NULL, OPT_SHOW },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*verb = argv[0];
	int		 c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:a:o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if ((rc = cl_tool_once(verb, "--name", &a->name)) != 0)
				return rc;
			break;
		case 'o':
			if ((rc = cl_tool_once(verb, "--out", &a->out)) != 0)
				return rc;
			break;
		case OPT_SHOW:
			if ((rc = cl_tool_once(verb, "--show", &a->show)) != 0)
				return rc;
			break;
		case 'a':
			if ((rc = parse_authority(verb, optarg, a)) != 0)
				return rc;
			break;
		case OPT_CREATED:
			if (cl_tool_parse_u64(optarg, CL_SEQ_MAX,
			    &a->g.created) != CL_OK) {
				cl_tool_err(verb, "--created '%s': want ms "
				    "since the epoch, at most %llu", optarg,
				    (unsigned long long)CL_SEQ_MAX);
				return CL_TOOL_USAGE;
			}
			a->created_set = true;
			break;
		case 'f':
			a->force = true;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case 'h':
			genesis_usage(stdout);
			return -1;
		default:
			return cl_tool_badopt(verb, argv, c);
		}
	}
	if (optind < argc) {
		cl_tool_err(verb, "unexpected argument '%s'", argv[optind]);
		return CL_TOOL_USAGE;
	}
	if (a->show != NULL) {
		if (a->name != NULL || a->g.auth_cnt > 0 || a->out != NULL ||
		    a->created_set || a->force) {
			cl_tool_err(verb, "--show takes no other option "
			    "than --json");
			return CL_TOOL_USAGE;
		}
		return CL_TOOL_OK;
	}
	if (a->json) {
		cl_tool_err(verb, "--json goes with --show FILE");
		return CL_TOOL_USAGE;
	}
	if (a->name == NULL) {
		cl_tool_err(verb, "missing --name NAME");
		return CL_TOOL_USAGE;
	}
	if (strlen(a->name) > CL_NAME_MAX) {
		cl_tool_err(verb, "--name '%s': over %d bytes", a->name,
		    CL_NAME_MAX);
		return CL_TOOL_USAGE;
	}
	if (a->g.auth_cnt == 0) {
		cl_tool_err(verb, "missing --authority: a network needs at "
		    "least one");
		return CL_TOOL_USAGE;
	}
	if (a->out == NULL) {
		cl_tool_err(verb, "missing --out FILE");
		return CL_TOOL_USAGE;
	}
	return CL_TOOL_OK;
}

static int
make(const char *verb, struct args *a)
{
	struct cl_genesis	*g = &a->g;
	struct cl_where		 where = { NULL };
	uint8_t			 buf[CL_GENESIS_MAX];
	uint8_t			 netid[CL_ID_LEN];
	const char		*why;
	size_t			 len;
	cl_err			 err;

	g->version = CL_VERSION;
	g->name.ptr = a->name;
	g->name.len = (uint32_t)strlen(a->name);
	if (!a->created_set)
		g->created = cl_tool_now_ms();
	err = cl_genesis_encode(g, buf, sizeof(buf), &len, &where);
	if (err != CL_OK) {
		/* What parse_args() cannot see: UTF-8, control characters. */
		why = err == CL_ERANGE ? "has a control character" :
		    cl_strerror(err);
		if (where.field != NULL && strcmp(where.field, "name") == 0)
			cl_tool_err(verb, "bad --name '%s': %s", a->name, why);
		else
			cl_tool_err(verb, "bad %s: %s", where.field != NULL ?
			    where.field : "genesis", why);
		return CL_TOOL_USAGE;
	}
	err = cl_tool_write_file(a->out, buf, len, 0644, a->force);
	if (err == CL_EEXISTS) {
		cl_tool_err(verb, "'%s' exists: use --force to replace it",
		    a->out);
		return CL_TOOL_FAIL;
	}
	if (err != CL_OK) {
		cl_tool_err(verb, "cannot write '%s': %s", a->out,
		    err == CL_EIO ? strerror(errno) : cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	/* The network id is the hash of exactly the bytes in the file. */
	crypto_hash_sha256(netid, buf, len);
	cl_tool_put_hex(stdout, netid, sizeof(netid));
	return CL_TOOL_OK;
}

/* "2024-05-01T12:00:00Z" for ms since the epoch, or "" */
static void
format_ms(char *out, size_t cap, uint64_t ms)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

/* Write errors on stdout are caught in main(). */
static void
show_text(const struct cl_genesis *g)
{
	char		when[64];
	uint32_t	i;

	format_ms(when, sizeof(when), g->created);
	fputs("name: ", stdout);
	cl_tool_put_str(stdout, g->name.ptr, g->name.len);
	printf("\nversion: %llu\ncreated: %llu (%s)\nnetwork id: ",
	    (unsigned long long)g->version, (unsigned long long)g->created,
	    when);
	cl_tool_put_hex(stdout, g->netid, sizeof(g->netid));
	for (i = 0; i < g->auth_cnt; i++) {
		fputs("authority: ", stdout);
		cl_tool_put_hex(stdout, g->auth[i].key, CL_PK_LEN);
		if (g->auth[i].org.len > 0) {
			fputs("  org: ", stdout);
			cl_tool_put_str(stdout, g->auth[i].org.ptr,
			    g->auth[i].org.len);
			putchar('\n');
		}
		if (g->auth[i].country.len > 0)
			printf("  country: %.2s\n", g->auth[i].country.ptr);
	}
}

static json_t *
hex_json(const uint8_t *b, size_t len)
{
	char	hex[2 * CL_ID_LEN + 1];

	cl_hex_encode(hex, b, len);
	return json_string(hex);
}

/*
 * json_object_set_new() takes v also when it fails, and fails for v
 * NULL, so a chain of them needs one check.  arr is held until the end
 * so that it is freed whichever step fails.
 */
static int
show_json(const char *verb, const struct cl_genesis *g)
{
	const struct cl_authority	*au;
	json_t				*root = json_object();
	json_t				*arr = json_array(), *o;
	uint32_t			 i;
	bool				 ok;

	ok = root != NULL && arr != NULL &&
	    json_object_set_new(root, "name",
	    json_stringn(g->name.ptr, g->name.len)) == 0 &&
	    json_object_set_new(root, "version",
	    json_integer((json_int_t)g->version)) == 0 &&
	    json_object_set_new(root, "created",
	    json_integer((json_int_t)g->created)) == 0 &&
	    json_object_set_new(root, "network_id",
	    hex_json(g->netid, CL_ID_LEN)) == 0 &&
	    json_object_set(root, "authorities", arr) == 0;
	for (i = 0; ok && i < g->auth_cnt; i++) {
		au = &g->auth[i];
		ok = json_array_append_new(arr, o = json_object()) == 0 &&
		    json_object_set_new(o, "key",
		    hex_json(au->key, CL_PK_LEN)) == 0 &&
		    (au->org.len == 0 || json_object_set_new(o, "org",
		    json_stringn(au->org.ptr, au->org.len)) == 0) &&
		    (au->country.len == 0 || json_object_set_new(o,
		    "country", json_stringn(au->country.ptr,
		    au->country.len)) == 0);
	}
	if (ok && json_dumpf(root, stdout, JSON_INDENT(2)) == 0)
		putchar('\n');
	else {
		cl_tool_err(verb, "cannot make the JSON: %s",
		    cl_strerror(CL_ENOMEM));
		ok = false;
	}
	json_decref(arr);
	json_decref(root);
	return ok ? CL_TOOL_OK : CL_TOOL_FAIL;
}

static int
show(const char *verb, const struct args *a)
{
	struct cl_genesis	 g;
	struct cl_where		 where = { NULL };
	uint8_t			*raw;
	size_t			 len;
	int			 rc;
	cl_err			 err;

	err = cl_tool_read_file(a->show, CL_GENESIS_MAX, &raw, &len);
	if (err == CL_ETOOBIG) {
		cl_tool_err(verb, "'%s' is over %d bytes: not a genesis file",
		    a->show, CL_GENESIS_MAX);
		return CL_TOOL_FAIL;
	}
	if (err != CL_OK) {
		cl_tool_err(verb, "cannot read '%s': %s", a->show,
		    err == CL_EIO ? strerror(errno) : cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	err = cl_genesis_decode(&g, raw, len, &where);
	free(raw);
	if (err != CL_OK) {
		cl_tool_err(verb, "'%s' is not a genesis file: %s: %s",
		    a->show, where.field != NULL ? where.field : "genesis",
		    cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	if (a->json)
		rc = show_json(verb, &g);
	else {
		show_text(&g);
		rc = CL_TOOL_OK;
	}
	cl_genesis_free(&g);
	return rc;
}

int
cmd_genesis(int argc, char **argv)
{
	struct args	a;
	int		rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(argc, argv, &a)) != CL_TOOL_OK)
		return rc < 0 ? CL_TOOL_OK : rc;
	return a.show != NULL ? show(argv[0], &a) : make(argv[0], &a);
}
