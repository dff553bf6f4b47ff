/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core clock the machine probes (branch, icache, bandwidth) turn
 * nanoseconds into cycles with: measured by coh_core_ghz()
 * (coherency/machine.c: a dependent chain of imul on x86-64, the PMU's
 * cycles on arm64) and cross-checked against what the
 * kernel says (/proc/cpuinfo's "cpu MHz", cpufreq's scaling_cur_freq and
 * cpuinfo_max_freq) and, where the msr PMU has them, APERF over the same
 * kind of chain. A measurement more than COH_CLOCK_TOL_PCT from every
 * reference, or above cpuinfo_max_freq by more, is said to disagree.
 */
#ifndef LLCTL_COHERENCY_CLOCK_H
#define LLCTL_COHERENCY_CLOCK_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/*
 * 15 %: cpuinfo and cpufreq sample the clock at another moment than the
 * chain runs (a core leaves its idle clock within ms, boost moves by a
 * bin or two, 100-200 MHz of 3 GHz); APERF counts over the same kind of
 * chain and agrees within a few %. Beyond 15 % the two disagree for a
 * reason: a folded chain, a VM's TSC rate in cpuinfo, a throttled core.
 */
#define COH_CLOCK_TOL_PCT	15

struct coh_clock {
	double ghz;		/* coh_core_ghz()'s; 0 not measured: why */
	char why[320];		/* why not, when ghz is 0 */
	double cpuinfo_ghz;	/* /proc/cpuinfo "cpu MHz" of the CPU; 0 none */
	double cur_ghz;		/* cpufreq scaling_cur_freq; 0 none */
	double max_ghz;		/* cpufreq cpuinfo_max_freq; 0 none */
	double aperf_ghz;	/* APERF cycles / wall time over a chain; 0 none */
	char aperf_why[128];	/* why not, when aperf_ghz is 0 */
	int agrees;		/* 1, 0, -1 nothing to compare with */
	char note[320];		/* the disagreement, or what it agrees with */
};

/* Measures on the calling thread (pinned to @cpu) and cross-checks. */
void coh_clock(int cpu, struct coh_clock *c);

/* The cross-check of the figures in @c: sets agrees and note. */
void coh_clock_compare(struct coh_clock *c);

/*
 * Adds "core_ghz" (gated: null and core_ghz_reason outside 0.4-7 GHz or
 * when not measured, with coh_core_ghz()'s reason) and
 * "clock" (the references, agrees, note) to @o.
 */
void coh_clock_json(struct json_object *o, const struct coh_clock *c);

/*
 * "3.60 GHz (imul chain; agrees with ...)" or the disagreement, or
 * "unknown (not measured: ...)", into @buf.
 */
const char *coh_clock_text(const struct coh_clock *c, char *buf, size_t len);

/* The clock in GHz to turn ns into cycles: 0 unless plausible. */
double coh_clock_usable_ghz(const struct coh_clock *c);

#endif
