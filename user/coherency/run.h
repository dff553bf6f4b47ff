/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Below the coherency test table (coherency/coherency.h): what cmd-coherency.c and
 * the unit tests call directly in coherency/c2c.c, coherency/false-sharing.c and
 * coherency/litmus.c.
 */
#ifndef LLCTL_COHERENCY_RUN_H
#define LLCTL_COHERENCY_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * --pairs of llctl coherency for the c2c test: "A:B,C:D", each CPU online
 * and no pair twice (either way round); @list NULL: every pair of --cpus
 * again. 0, or -1 after saying on stderr what is wrong with @list.
 */
int coh_c2c_set_pairs(const char *root, const char *list);

/*
 * The c2c heat map (llctl coherency --svg PREFIX: PREFIX-c2c.svg): @ns[i *
 * @n + j], one-way ns between @cpus[i] and @cpus[j] (negative: not
 * measured; @flagged: implausible, grey). The legend, below the matrix,
 * names the fastest and slowest pair's colours, or the one value and that
 * all pairs are equal when they print the same. The colours follow
 * log(ns) when the pairs span more than 10x (the legend says so), ns
 * otherwise. 0, or -errno.
 */
int coh_c2c_svg(const char *path, const char *title, const int *cpus, int n,
		const double *ns, const bool *flagged);

/* One writer's run of the false-sharing test, written by that writer. */
struct coh_fs_writer {
	uint64_t n;		/* increments */
	uint64_t t0, t1;	/* TSC at its start and its end */
	uint64_t cpu_ns;	/* its thread's CPU time from t0 to t1 */
};

/*
 * How much of a run @n writers really ran together, 0 to 1: the time they
 * all ran (the latest start to the earliest end) over the time any ran
 * (the earliest start to the latest end), less the share of its own time
 * each writer spent off its CPU (its thread's CPU time against its span).
 * A writer preempted on its CPU, or started late, lowers it; a vCPU the
 * hypervisor does not run does not (its guest thread still "runs").
 */
double coh_fs_overlap(const struct coh_fs_writer *w, int n, double tsc_khz);

/* A pair of runs counts when both its runs overlapped this much. */
#define COH_FS_MIN_OVERLAP	0.9
#define COH_FS_RUN_MS_MAX	1000
/*
 * A slowdown is reported from at least this many pairs that count, whose
 * own slowdowns lie within COH_FS_MAX_SPREAD of each other: a median of
 * fewer, or of pairs further apart, would change from one run to the next
 * (issue 18: 1.14x to 10.2x in three runs).
 */
#define COH_FS_MIN_PAIRS	3
#define COH_FS_MAX_SPREAD	1.5

struct coh_fs_result {
	double shared;		/* ops/s of all writers on one line, */
	double padded;		/* and on a line each: medians of the pairs
				 * used; 0 when none was */
	double lo, hi;		/* the least and largest slowdown (padded /
				 * shared) of a pair used */
	double overlap;		/* the smallest overlap of the runs used */
	double best_unused;	/* the largest overlap of a pair not used */
	int pairs;		/* pairs of runs completed */
	int used;		/* ... of which both overlapped enough */
	char why[400];		/* -EDOM: why the TSC rate is not used */
};

/*
 * Why @r's slowdown is not to be reported: "not_overlapped" (fewer than
 * COH_FS_MIN_PAIRS pairs count), "unstable" (their slowdowns spread over
 * COH_FS_MAX_SPREAD), or NULL: it is.
 */
const char *coh_fs_verdict(const struct coh_fs_result *r);

/*
 * Writers on one line against the same writers on a line each, in user
 * threads on @cpus[0..writers): each increments its own u64 for @run_ms,
 * the runs alternate @reps times (at most 5) after a warm-up pair, and
 * @r gets the medians of the pairs whose runs overlapped
 * COH_FS_MIN_OVERLAP. 0, or -errno as coh_team_run() (-EINTR,
 * -ETIMEDOUT: the pairs done before are in @r), or -EDOM: the TSC's rate
 * is implausible, @r->why says why (coh_tsc_rate()).
 */
int coh_fs_measure_user(const int *cpus, int writers, unsigned int run_ms,
			int reps, const volatile int *stop,
			struct coh_fs_result *r);

/* Writers sharing one 64-byte line: a u64 each. */
#define COH_FS_WRITERS_MAX	8

/* "SB", "MP", "LB", "IRIW", "2+2W", "R"; NULL for an unknown test. */
const char *coh_litmus_name(uint32_t test);
/* How many registers (outcome bits) @test has: 2 or 4. */
int coh_litmus_nregs(uint32_t test);
/* Outcome @idx of @test as "r0=0,r1=0" (or "x=1,y=2": final values). */
void coh_litmus_label(uint32_t test, int idx, char *buf, size_t size);

/*
 * @rounds rounds of @test in user threads on @cpus (probe_litmus_threads()
 * of them), after a short warm-up; @hist (LLKM_LITMUS_OUTCOMES_MAX
 * counters) gets the outcomes of the rounds done. 0, or -errno as
 * coh_team_run(): when stopped, @hist holds the rounds that ran.
 */
int coh_litmus_run_user(const int *cpus, uint32_t test, bool fenced,
			uint64_t rounds, const volatile int *stop,
			uint64_t *hist);

#endif /* LLCTL_COHERENCY_RUN_H */
