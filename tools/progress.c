/* SPDX-License-Identifier: Apache-2.0 */
/* A progress line on stderr, for terminals only. */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* Redraws per second at most: a terminal is slower than the replay. */
#define REDRAW_S	0.2
#define BAR		24

double
cl_progress_now(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
cl_progress_init(struct cl_progress *p, const char *what, uint64_t total,
    bool quiet)
{
	p->on = !quiet && isatty(STDERR_FILENO) == 1;
	p->drawn = false;
	p->what = what;
	p->total = total;
	p->t0 = p->last = cl_progress_now();
}

/* "1:02:03" or "2:03" */
static void
hms(char *out, size_t cap, double s)
{
	unsigned long	t = s < 0 ? 0 : (unsigned long)(s + 0.5);

	if (t >= 3600)
		(void)snprintf(out, cap, "%lu:%02lu:%02lu", t / 3600,
		    t / 60 % 60, t % 60);
	else
		(void)snprintf(out, cap, "%lu:%02lu", t / 60, t % 60);
}

void
cl_progress_set(struct cl_progress *p, uint64_t done, uint64_t events)
{
	char	bar[BAR + 1], left[32] = "?";
	double	now, el, frac, rate;
	int	i, fill;

	if (!p->on || (now = cl_progress_now()) - p->last < REDRAW_S)
		return;
	p->last = now;
	el = now - p->t0;
	rate = el > 0 ? (double)events / el : 0;
	if (p->total == 0) {
		fprintf(stderr, "\r%s: %llu events, %.0f events/s\033[K",
		    p->what, (unsigned long long)events, rate);
		p->drawn = true;
		return;
	}
	frac = done >= p->total ? 1.0 : (double)done / (double)p->total;
	fill = (int)(frac * BAR);
	for (i = 0; i < BAR; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR] = '\0';
	if (frac > 0)
		hms(left, sizeof(left), el / frac - el);
	fprintf(stderr, "\r%s: [%s] %3.0f%% %llu events, %.0f events/s, "
	    "%s left\033[K", p->what, bar, frac * 100,
	    (unsigned long long)events, rate, left);
	p->drawn = true;
}

void
cl_progress_end(struct cl_progress *p)
{
	if (p->on && p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}
