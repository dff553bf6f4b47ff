/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a command uses the thread count it is given (analyze/use.c).
 * With --work per-thread, llctl analyze takes N / wall seconds as the
 * throughput at N threads: a command that ignores N runs as long at every
 * N, so that throughput grows as N by itself and the USL fits scaling that
 * is not there. What a command that uses N must show, from the smallest
 * thread count to the largest (a ratio r of thread counts), in wait4()'s
 * rusage, which needs no PMU and no module:
 *
 *   - CPU time (user + sys) that grows: per-thread CPU work, N times;
 *   - voluntary context switches that grow: threads that wait (sleeps,
 *     locks, barriers), and at least AN_WAITS_PER_THREAD more a run per
 *     added thread: a single-threaded command switches 3 to 20 times in a
 *     300 ms run in a TCG guest (the scheduler's and exec's own), and once
 *     went from 4 at N=1 to 8 at N=4;
 *   - or CPU use (CPU time / wall time) above 1.2 at the largest count and
 *     1.2 times that at the smallest: the same work on more CPUs at once,
 *     which one thread cannot do (its CPU use is at most 1).
 *
 * "Grows" is by at least sqrt(r), the geometric middle between 1 (a command
 * that ignores N) and r (one that does N times the work). One of the three
 * is enough. No I/O: the unit tests drive
 * it with numbers and with the rusage of real children.
 */
#ifndef LLCTL_ANALYZE_USE_H
#define LLCTL_ANALYZE_USE_H

#include <stdbool.h>
#include <stddef.h>

struct rusage;

struct an_use {			/* one thread count, summed over its runs */
	unsigned int threads;
	double wall_s;		/* wall time */
	double cpu_s;		/* user + sys CPU time, CMD and its waited-for children */
	double vcsw;		/* voluntary context switches, the same */
	unsigned int runs;	/* how many were added; 0 counts as 1 */
};

#define AN_WAITS_PER_THREAD	8

/* Adds one run's @ru (from wait4) and @wall_s to @u. */
void an_use_add(struct an_use *u, const struct rusage *ru, double wall_s);

/* CPU time over wall time (CPUs busy on average), or NAN without wall time. */
double an_cpu_use(const struct an_use *u);

/*
 * Whether the @m points (each thread count once, any order) show that
 * @cmd uses the thread count. Fewer than two distinct thread counts: true
 * (nothing to compare; the fit says why it needs more). false: why, on one
 * line, in @why.
 */
bool an_uses_threads(const struct an_use *u, size_t m, const char *cmd,
		     char *why, size_t len);

#endif /* LLCTL_ANALYZE_USE_H */
