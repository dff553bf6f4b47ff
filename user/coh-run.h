/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Below the coherency test table (coherency.h): what cmd-coherency.c and
 * the unit tests call directly in coh-c2c.c, coh-false-sharing.c and
 * coh-litmus.c.
 */
#ifndef LLCTL_COH_RUN_H
#define LLCTL_COH_RUN_H

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
 * Writers on one line against the same writers on a line each, in user
 * threads on @cpus[0..writers): each increments its own u64 @n times, the
 * runs alternate @reps times, and *shared and *padded get the median
 * operations per second of all writers together. 0, or -errno as
 * probe_team_run() (-EINTR, -ETIMEDOUT: what ran is in the medians when
 * at least one pair of runs completed).
 */
int coh_fs_measure_user(const int *cpus, int writers, uint64_t n, int reps,
			const volatile int *stop, double *shared,
			double *padded);

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
 * probe_team_run(): when stopped, @hist holds the rounds that ran.
 */
int coh_litmus_run_user(const int *cpus, uint32_t test, bool fenced,
			uint64_t rounds, const volatile int *stop,
			uint64_t *hist);

#endif /* LLCTL_COH_RUN_H */
