/* SPDX-License-Identifier: Apache-2.0 */
/* The define-elm verb: an ELM micro-credential as achievement JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "achievement.h"
#include "cmd.h"
#include "elm.h"
#include "event.h"
#include "limits.h"
#include "util.h"

/* One line of mapping or parsing error: ELM path and a value cut short. */
#define MSG_MAX		512

static void
define_elm_usage(FILE *f)
{
	fputs("usage: credledger define-elm FILE [--quality-assurance TEXT] "
	    "[--check]\n"
	    "\n"
	    "Map the ELM v3 / Europass micro-credential FILE (JSON-LD) to the\n"
	    "achievement JSON that 'credledger define --file' reads and print\n"
	    "it.  Elements the credential lacks are left out.\n"
	    "\n"
	    "      --quality-assurance TEXT  the type of quality assurance,\n"
	    "                                in place of what the credential\n"
	    "                                says (the Commission's sample\n"
	    "                                has none)\n"
	    "      --check                   also check that it makes a\n"
	    "                                DEFINE with every Annex I\n"
	    "                                element; print nothing if not\n"
	    "  -h, --help                    show this and exit\n", f);
}

/* What the command line asked for. */
struct args {
	const char	*file;
	const char	*qa;
	bool		 check;
};

/*
 * Fill a from the command line.  Returns CL_TOOL_OK, -1 after --help, or
 * the status to exit with.
 */
static int
parse_args(int argc, char **argv, struct args *a)
{
	enum { OPT_QA = 256, OPT_CHECK };
	static const struct option	opts[] = {
		{ "quality-assurance", required_argument, NULL, OPT_QA },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*verb = argv[0];
	json_t		*probe;
	int		 c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_QA:
			if ((rc = cl_tool_once(verb, "--quality-assurance",
			    &a->qa)) != 0)
				return rc;
			break;
		case OPT_CHECK:
			a->check = true;
			break;
		case 'h':
			define_elm_usage(stdout);
			return -1;
		default:
			return cl_tool_badopt(verb, argv, c);
		}
	}
	if (optind == argc) {
		cl_tool_err(verb, "missing the ELM FILE");
		return CL_TOOL_USAGE;
	}
	if (argc - optind > 1) {
		cl_tool_err(verb, "unexpected argument '%s'", argv[optind + 1]);
		return CL_TOOL_USAGE;
	}
	a->file = argv[optind];
	if (a->qa == NULL)
		return CL_TOOL_OK;
	if (strlen(a->qa) > CL_TEXT_MAX) {
		cl_tool_err(verb, "--quality-assurance '%.32s...': over %d "
		    "bytes", a->qa, CL_TEXT_MAX);
		return CL_TOOL_USAGE;
	}
	/* jansson takes only UTF-8; the bytes are not echoed to a terminal. */
	if ((probe = json_string(a->qa)) == NULL) {
		cl_tool_err(verb, "--quality-assurance is not valid UTF-8");
		return CL_TOOL_USAGE;
	}
	json_decref(probe);
	return CL_TOOL_OK;
}

/*
 * A message of the mapping quotes keys of the file as they are: no
 * control character of theirs reaches the terminal.
 */
static const char *
tame(char *msg)
{
	char	*c;

	for (c = msg; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return msg;
}

/*
 * Encode def as the unsigned DEFINE an author would sign: the validator
 * then says whether every Annex I element is there.  The author, a zero
 * key, and seq 1 are placeholders; no key is needed to check a body.
 */
static int
check(const char *verb, const struct args *a, const struct cl_define *def)
{
	struct cl_event		 ev;
	uint8_t			 buf[CL_EVENT_MAX];
	struct cl_where		 where = { NULL };
	const char		*field;
	size_t			 len;
	cl_err			 err;

	cl_ev_init(&ev);
	ev.type = CL_EV_DEFINE;
	ev.seq = 1;
	ev.time = cl_tool_now_ms();
	ev.body.define = def;
	err = cl_ev_encode(&ev, false, buf, sizeof(buf), &len, &where);
	if (err == CL_OK)
		return CL_TOOL_OK;
	field = where.field != NULL ? where.field : "body";
	if (strncmp(field, "body.", 5) == 0)
		field += 5;
	if (err == CL_EMISSING) {
		cl_tool_err(verb, "'%s': missing Annex I element: %s%s",
		    a->file, field,
		    strcmp(field, "quality_assurance") == 0 ?
		    " (give --quality-assurance TEXT)" :
		    strcmp(field, "workload") == 0 ? " (ects or hours)" : "");
		return CL_TOOL_FAIL;
	}
	/* From the command line: a usage error; the bytes are not echoed. */
	if (a->qa != NULL && strcmp(field, "quality_assurance") == 0) {
		cl_tool_err(verb, "bad --quality-assurance: %s",
		    err == CL_ERANGE ? "it has a control, zero-width or "
		    "bidi character" : cl_strerror(err));
		return CL_TOOL_USAGE;
	}
	cl_tool_err(verb, "'%s' does not make a valid DEFINE: %s: %s",
	    a->file, field, cl_strerror(err));
	return CL_TOOL_FAIL;
}

/*
 * json_dumpf() fails only when it cannot encode (no memory); a failed
 * write to stdout is caught in main().
 */
static int
print_json(const char *verb, const json_t *ach)
{
	if (json_dumpf(ach, stdout, JSON_INDENT(2)) != 0) {
		cl_tool_err(verb, "cannot make the JSON: %s",
		    cl_strerror(CL_ENOMEM));
		return CL_TOOL_FAIL;
	}
	putchar('\n');
	return CL_TOOL_OK;
}

static int
define_elm(const char *verb, const struct args *a)
{
	struct cl_elm_opts	 opts = { a->qa };
	struct cl_elm_strings	 st;
	struct cl_define	 def;
	json_t			*ach = NULL;
	uint8_t			*raw;
	char			 msg[MSG_MAX] = "";
	size_t			 len;
	int			 rc;
	cl_err			 err;

	err = cl_tool_read_file(a->file, CL_ELM_FILE_MAX, &raw, &len);
	if (err == CL_ETOOBIG) {
		cl_tool_err(verb, "'%s' is over %d bytes: not an ELM "
		    "credential", a->file, CL_ELM_FILE_MAX);
		return CL_TOOL_FAIL;
	}
	if (err != CL_OK) {
		cl_tool_err(verb, "cannot read '%s': %s", a->file,
		    err == CL_EIO ? strerror(errno) : cl_strerror(err));
		return CL_TOOL_FAIL;
	}
	err = cl_elm_to_achievement((const char *)raw, len, &opts, &ach, msg,
	    sizeof(msg));
	free(raw);
	if (err != CL_OK) {
		cl_tool_err(verb, "'%s': %s", a->file, tame(msg));
		return CL_TOOL_FAIL;
	}

	/*
	 * Always parsed as 'define --file' will parse it, so that what is
	 * printed is an achievement that it accepts.
	 */
	cl_elm_strings_init(&st);
	rc = CL_TOOL_OK;
	err = cl_achievement_from_value(ach, &def, &st, msg, sizeof(msg));
	if (err != CL_OK) {
		cl_tool_err(verb, "'%s' maps to a bad achievement: %s",
		    a->file, tame(msg));
		rc = CL_TOOL_FAIL;
	} else if (a->check)
		rc = check(verb, a, &def);
	if (rc == CL_TOOL_OK)
		rc = print_json(verb, ach);
	cl_elm_strings_free(&st);
	json_decref(ach);
	return rc;
}

int
cmd_define_elm(int argc, char **argv)
{
	struct args	a;
	int		rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(argc, argv, &a)) != CL_TOOL_OK)
		return rc < 0 ? CL_TOOL_OK : rc;
	return define_elm(argv[0], &a);
}
