/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plausibility gates of the numbers llctl derives (a clock, a
 * bandwidth, a latency, an IPC, a penalty in cycles): one table, one bound
 * a kind, each with the reason it holds (docs/plausibility.md lists them).
 * A value outside its bound is not printed as a fact: text shows
 * "implausible (REASON)", JSON has null and KEY_reason.
 */
#ifndef LLCTL_LIB_PLAUSIBLE_H
#define LLCTL_LIB_PLAUSIBLE_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum llctl_plaus {
	LLCTL_PLAUS_CORE_GHZ,		/* GHz */
	LLCTL_PLAUS_BANDWIDTH_GBS,	/* GB/s; scale: GHz x cores */
	LLCTL_PLAUS_OF_PEAK,		/* a measurement / its peak */
	LLCTL_PLAUS_C2C_NS,		/* one-way cache-line transfer, ns */
	LLCTL_PLAUS_IPC,		/* instructions a cycle */
	LLCTL_PLAUS_MISPREDICT_CYCLES,
	LLCTL_PLAUS_MISPREDICT_NS,
	LLCTL_PLAUS_MISS_PCT,		/* misses of the events counted, % */
	LLCTL_PLAUS_CPUS_UTILIZED,	/* CPUs; scale: online CPUs */
	LLCTL_PLAUS_TSC_GHZ,		/* the TSC's rate, GHz */
	LLCTL_PLAUS_FENCE_NS,		/* one uncontended fence or atomic, ns */
	LLCTL_PLAUS_SWITCH_RATE,	/* context switches/s; scale: CPUs */
	LLCTL_PLAUS_FAULT_RATE,		/* page faults/s; scale: CPUs */
	LLCTL_PLAUS_COVERAGE,		/* a counter's time running / enabled */
	LLCTL_PLAUS_TIME_SHARE,		/* time in X / (wall x threads or CPUs) */
	LLCTL_PLAUS_SLOT_SHARE,		/* a top-down level 1 share of the slots */
	LLCTL_PLAUS_CYCLE_SHARE,	/* Arm's top-down level 1: a share of the cycles */
	LLCTL_PLAUS_STALL_SUM,		/* Arm's frontend + backend stall shares */
	LLCTL_PLAUS_USL_SIGMA,		/* USL contention, the serial share */
	LLCTL_PLAUS_FIT_R2,		/* a fit's coefficient of determination */
	LLCTL_PLAUS_LATENCY_NS,		/* ns; scale: the session's wall ns */
	LLCTL_PLAUS_FS_SLOWDOWN,	/* false sharing: padded / shared ops/s */
	LLCTL_PLAUS_FS_OPS_RATE,	/* false sharing increments/s; scale: writers */
	LLCTL_PLAUS_BRANCH_NS,		/* one branch of the branch test's loop, ns */
	LLCTL_PLAUS_INSTR_NS,		/* one instruction of straight code, ns */
	LLCTL_PLAUS_PAGE_NS,		/* one jump to the next page of code, ns */
	LLCTL_PLAUS_CALL_NS,		/* a call of a bare ret and its return, ns */
	LLCTL_PLAUS_TIMER_RES_NS,	/* the clock's smallest step, ns */
	LLCTL_PLAUS_TSC_PAIR_NS,	/* a serialised TSC read pair, ns */
	LLCTL_PLAUS_CNTFRQ_MHZ,		/* arm64's generic timer rate, MHz */
	LLCTL_PLAUS_KINDS
};

struct llctl_plaus_bound {
	const char *name;	/* what the value is, for the reason */
	const char *unit;
	double lo, hi;		/* inclusive; hi is per unit of scale */
	const char *why;	/* why no real measurement falls outside */
};

/* The table's row of @k (docs and tests read it). */
const struct llctl_plaus_bound *llctl_plaus_bound(enum llctl_plaus k);

/*
 * Whether @v (not NaN, inside lo and hi x @scale; @scale 1 for the kinds
 * whose bound is absolute) is plausible; if not, @why (@len bytes) says
 * "implausible: VALUE UNIT is above HI UNIT (WHY)". A bandwidth's scale
 * is the clock in GHz times the cores that ran.
 */
bool llctl_plausible(enum llctl_plaus k, double v, double scale, char *why,
		     size_t len);

/*
 * @v formatted with @fmt (a printf format of one double) into @buf when
 * plausible, else "implausible (VALUE UNIT: REASON)"; returns @buf.
 */
const char *llctl_plaus_text(enum llctl_plaus k, double v, double scale,
			     const char *fmt, char *buf, size_t len);

/*
 * Adds @key to @o: @v when plausible, else null and @key_reason saying
 * why. Returns whether @v was plausible.
 */
bool llctl_plaus_json(struct json_object *o, const char *key,
		      enum llctl_plaus k, double v, double scale);

#endif
