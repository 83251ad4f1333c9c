/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A progress line on stderr for long runs (export, audit): how far, the
 * rate in events per second and the time left.  Drawn only when stderr is
 * a terminal, at most a few times a second; silent otherwise, so logs and
 * pipes get nothing.
 */
#ifndef CL_TOOLS_PROGRESS_H
#define CL_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct cl_progress {
	bool		 on;		/* stderr is a terminal */
	bool		 drawn;		/* a line is on the screen */
	const char	*what;		/* "audit", "export" */
	uint64_t	 total;		/* units of the whole run; 0: unknown */
	double		 t0;		/* s, monotonic */
	double		 last;		/* s, of the last redraw */
};

/*
 * Start a progress line for a run of total units (bytes or events; 0 if
 * not known).  With quiet nothing is ever drawn.
 */
void	cl_progress_init(struct cl_progress *p, const char *what,
	    uint64_t total, bool quiet);

/* done units of total are done, which is events events. */
void	cl_progress_set(struct cl_progress *p, uint64_t done,
	    uint64_t events);

/* Clear the line. */
void	cl_progress_end(struct cl_progress *p);

/* Seconds on the monotonic clock. */
double	cl_progress_now(void);

#endif
