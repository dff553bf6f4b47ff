// SPDX-License-Identifier: GPL-2.0
/*
 * Whether a command uses the thread count it is given: analyze/use.h.
 */
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#include "analyze/use.h"

void an_use_add(struct an_use *u, const struct rusage *ru, double wall_s)
{
	u->wall_s += wall_s;
	u->cpu_s += ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
		    ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
	u->vcsw += ru->ru_nvcsw;
	u->runs++;
}

/* Voluntary switches a run. */
static double vcsw_run(const struct an_use *u)
{
	return u->vcsw / (u->runs ? u->runs : 1);
}

double an_cpu_use(const struct an_use *u)
{
	return u->wall_s > 0 ? u->cpu_s / u->wall_s : NAN;
}

/* CPU use that one thread cannot reach (its bound is 1), with a margin. */
#define AN_PARALLEL_USE	1.2

/* @hi at least @g times @lo (and above 0). */
static bool grew(double lo, double hi, double g)
{
	return hi > 0 && hi >= g * lo;
}

bool an_uses_threads(const struct an_use *u, size_t m, const char *cmd,
		     char *why, size_t len)
{
	const struct an_use *lo = NULL, *hi = NULL;
	double g;
	size_t i;

	for (i = 0; i < m; i++) {
		if (!lo || u[i].threads < lo->threads)
			lo = &u[i];
		if (!hi || u[i].threads > hi->threads)
			hi = &u[i];
	}
	if (!lo || lo->threads == hi->threads)
		return true;
	g = sqrt((double)hi->threads / lo->threads);
	if (grew(lo->cpu_s, hi->cpu_s, g) ||
	    (an_cpu_use(hi) > AN_PARALLEL_USE &&
	     grew(an_cpu_use(lo), an_cpu_use(hi), AN_PARALLEL_USE)) ||
	    (grew(lo->vcsw, hi->vcsw, g) &&
	     vcsw_run(hi) - vcsw_run(lo) >=
	     AN_WAITS_PER_THREAD * (hi->threads - lo->threads)))
		return true;
	snprintf(why, len,
		 "'%s' does not use the thread count (LLCTL_THREADS, OMP_NUM_THREADS, {}): "
		 "from N=%u to N=%u its CPU time went x%.2f and its voluntary context switches x%.2f (not x%.2f), its CPU use %.2f to %.2f: "
		 "N / wall s would be invented scaling; make CMD run N threads, or give --metric or --work total",
		 cmd, lo->threads, hi->threads,
		 lo->cpu_s > 0 ? hi->cpu_s / lo->cpu_s : NAN,
		 lo->vcsw > 0 ? hi->vcsw / lo->vcsw : NAN, g,
		 an_cpu_use(lo), an_cpu_use(hi));
	return false;
}
