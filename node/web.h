/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verification page's files (node/web/), embedded at build time by
 * cmake/embed.cmake into web_assets.c: the node reads no file to serve
 * them.  Private to node/http.c.
 */
#ifndef CL_NODE_WEB_H
#define CL_NODE_WEB_H

#include <stddef.h>

struct cl__web_asset {
	const char		*path;		/* "/", "/app.js", ... */
	const char		*ctype;		/* its Content-Type */
	const unsigned char	*data;
	size_t			 len;
};

extern const struct cl__web_asset	cl__web_assets[];
extern const size_t			cl__web_asset_cnt;

#endif
