/* SPDX-License-Identifier: Apache-2.0 */
/* Checkpoint files: a signed checkpoint as strict JSON, both ways. */
#include "ckptfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hex.h"
#include "util.h"

static json_t *
jhex(const uint8_t *b, size_t len)
{
	char	hex[2 * CL_SIG_LEN + 1];

	cl_hex_encode(hex, b, len);
	return json_string(hex);
}

cl_err
cl_ckpt_json(const struct cl_checkpoint *c, json_t **out)
{
	json_t	*o;

	*out = NULL;
	if ((o = json_object()) == NULL)
		return CL_ENOMEM;
	if (json_object_set_new(o, "network", jhex(c->network, CL_ID_LEN)) ||
	    json_object_set_new(o, "node", jhex(c->node, CL_PK_LEN)) ||
	    json_object_set_new(o, "size",
	    json_integer((json_int_t)c->size)) ||
	    json_object_set_new(o, "root", jhex(c->root, CL_ID_LEN)) ||
	    json_object_set_new(o, "time",
	    json_integer((json_int_t)c->time)) ||
	    json_object_set_new(o, "signature", jhex(c->sig, CL_SIG_LEN))) {
		json_decref(o);
		return CL_ENOMEM;
	}
	*out = o;
	return CL_OK;
}

static cl_err
get_hex(const json_t *o, const char *key, uint8_t *out, size_t len,
    char *why, size_t cap)
{
	const json_t	*v = json_object_get(o, key);

	if (v == NULL) {
		(void)snprintf(why, cap, "missing \"%s\"", key);
		return CL_EMISSING;
	}
	if (!json_is_string(v)) {
		(void)snprintf(why, cap, "\"%s\" is not a string", key);
		return CL_EBADTYPE;
	}
	if (cl_hex_decode(out, len, json_string_value(v)) != CL_OK) {
		(void)snprintf(why, cap, "bad hex in \"%s\": want %zu hex "
		    "digits", key, 2 * len);
		return CL_EUSAGE;
	}
	return CL_OK;
}

static cl_err
get_u64(const json_t *o, const char *key, uint64_t *out, char *why,
    size_t cap)
{
	const json_t	*v = json_object_get(o, key);

	if (v == NULL) {
		(void)snprintf(why, cap, "missing \"%s\"", key);
		return CL_EMISSING;
	}
	if (!json_is_integer(v)) {
		(void)snprintf(why, cap, "\"%s\" is not an integer", key);
		return CL_EBADTYPE;
	}
	if (json_integer_value(v) < 0) {
		(void)snprintf(why, cap, "\"%s\" is negative", key);
		return CL_ERANGE;
	}
	*out = (uint64_t)json_integer_value(v);
	return CL_OK;
}

cl_err
cl_ckpt_parse(const json_t *o, struct cl_checkpoint *c, char *why,
    size_t cap)
{
	static const char *const	 keys[] = { "network", "node", "size",
	    "root", "time", "signature" };
	const char			*key;
	json_t				*v;
	size_t				 i;
	cl_err				 err;

	memset(c, 0, sizeof(*c));
	if (!json_is_object(o)) {
		(void)snprintf(why, cap, "not a JSON object");
		return CL_EBADTYPE;
	}
	json_object_foreach((json_t *)(uintptr_t)o, key, v) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			(void)snprintf(why, cap, "unknown key \"%.64s\"", key);
			return CL_EUNKNOWNKEY;
		}
	}
	if ((err = get_hex(o, "network", c->network, CL_ID_LEN, why, cap)) ||
	    (err = get_hex(o, "node", c->node, CL_PK_LEN, why, cap)) ||
	    (err = get_u64(o, "size", &c->size, why, cap)) ||
	    (err = get_hex(o, "root", c->root, CL_ID_LEN, why, cap)) ||
	    (err = get_u64(o, "time", &c->time, why, cap)) ||
	    (err = get_hex(o, "signature", c->sig, CL_SIG_LEN, why, cap)))
		return err;
	return CL_OK;
}

cl_err
cl_ckpt_load(const char *path, struct cl_checkpoint **out, size_t *cnt,
    char *why, size_t cap)
{
	json_error_t	 je;
	json_t		*j, *o;
	uint8_t		*raw;
	size_t		 len, n, i;
	char		 sub[160];
	cl_err		 err;

	*out = NULL;
	*cnt = 0;
	if ((err = cl_tool_read_file(path, CL_CKPT_FILE_BYTES, &raw, &len)) !=
	    CL_OK) {
		(void)snprintf(why, cap, "%s", err == CL_ETOOBIG ?
		    "too big for a checkpoint file" : "cannot read it");
		return err;
	}
	/* no duplicate keys; nothing after the value */
	j = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, &je);
	free(raw);
	if (j == NULL) {
		(void)snprintf(why, cap, "not JSON: line %d: %s", je.line,
		    je.text);
		return CL_EBADTYPE;
	}
	n = json_is_array(j) ? json_array_size(j) : 1;
	if (json_is_array(j) && n == 0) {
		(void)snprintf(why, cap, "an empty array: no checkpoint");
		err = CL_EMISSING;
	} else if (n > CL_CKPT_FILE_MAX) {
		(void)snprintf(why, cap, "over %d checkpoints",
		    CL_CKPT_FILE_MAX);
		err = CL_ETOOBIG;
	} else if ((*out = calloc(n, sizeof(**out))) == NULL) {
		(void)snprintf(why, cap, "out of memory");
		err = CL_ENOMEM;
	}
	for (i = 0; err == CL_OK && i < n; i++) {
		o = json_is_array(j) ? json_array_get(j, i) : j;
		if ((err = cl_ckpt_parse(o, &(*out)[i], sub, sizeof(sub))) ==
		    CL_OK)
			continue;
		if (json_is_array(j))
			(void)snprintf(why, cap, "checkpoint %zu: %s", i + 1,
			    sub);
		else
			(void)snprintf(why, cap, "%s", sub);
	}
	json_decref(j);
	if (err != CL_OK) {
		free(*out);
		*out = NULL;
		return err;
	}
	*cnt = n;
	return CL_OK;
}
