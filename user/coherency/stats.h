/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every probe's numbers share: order statistics over batches (never a
 * mean alone), the TSC's rate and the timer's own cost.
 */
#ifndef LLCTL_COHERENCY_STATS_H
#define LLCTL_COHERENCY_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Over n samples: the smallest, the median (the mean of the two middle
 * ones when n is even), the 99th percentile (nearest rank: the smallest
 * sample at or above 99 % of them) and the largest. spread is (p99 - min)
 * / median, 0 when the median is 0: how far the batches disagree.
 */
struct coh_stats {
	size_t n;
	double min, median, p99, max;
	double spread;
};

/* Sorts @v in place. 0, or -1 when @n is 0 (@st zeroed). */
int coh_stats_f(double *v, size_t n, struct coh_stats *st);
/* Of u64 samples, which are left as they are. 0, or -1 (@n 0, no memory). */
int coh_stats_u64(const uint64_t *v, size_t n, struct coh_stats *st);

/*
 * The TSC's rate in kHz, measured against CLOCK_MONOTONIC_RAW: the median
 * of a few ~20 ms windows (a few in a row agree within 0.1 % on a quiet
 * machine); on arm64 the generic timer's, CNTFRQ_EL0 (gated by
 * LLCTL_PLAUS_CNTFRQ_MHZ). 0, or -1 (@khz 0) when it cannot be used: not x86-64 or arm64,
 * the clock went backwards, or the rate is implausible (coh_tsc_plausible());
 * then @why (@len bytes) says which, in one line.
 */
int coh_tsc_rate(double *khz, char *why, size_t len);
/*
 * Whether the TSC's rate @khz (calibrated, or the kernel's tsc_khz) is one
 * a TSC ticks at (LLCTL_PLAUS_TSC_GHZ, 0.4-7 GHz): every tick is turned
 * into ns with it. If not, @why says "implausible: ...".
 */
bool coh_tsc_plausible(double khz, char *why, size_t len);
/* Where coh_tsc_rate() took the rate from, for a header: " (calibrated)". */
const char *coh_tsc_source(void);
/* CPUID says the TSC runs at a constant rate, in every C-state. */
bool coh_tsc_invariant(void);
/*
 * The cost of probe_tsc_begin() + probe_tsc_end() back to back: the
 * minimum (the timer's floor) and median of @n pairs, in TSC ticks.
 */
void coh_timer_overhead(unsigned int n, double *min, double *median);

/* Busy for @ms milliseconds: the core leaves its idle clock first. */
void coh_warm_up(unsigned int ms);

/* Monotonic (raw) nanoseconds. */
uint64_t coh_now_ns(void);

#endif /* LLCTL_COHERENCY_STATS_H */
