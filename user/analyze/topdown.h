/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Top-down level 1 (analyze/topdown.c): which events give it on this PMU,
 * and the four shares from their counts. Two methods:
 *
 *  - Intel's, before PERF_METRICS (Ice Lake): the topdown-* events of the
 *    "cpu" PMU, shares of the pipeline's issue slots;
 *  - Arm's (the Neoverse top-down methodology, level 1), on any PMU with
 *    events/cpu_cycles (armv8_pmuv3, armv8_neoverse_n1, ...): shares of the
 *    cycles, from CPU_CYCLES, STALL_FRONTEND and STALL_BACKEND; retiring
 *    and bad speculation also need OP_RETIRED and OP_SPEC, which older
 *    cores (and QEMU's PMU) lack: then those two are not measured and say
 *    which events are missing.
 */
#ifndef LLCTL_ANALYZE_TOPDOWN_H
#define LLCTL_ANALYZE_TOPDOWN_H

#include <stdbool.h>
#include <stddef.h>

/* The counts of Intel's topdown-* events before PERF_METRICS (Ice Lake). */
enum an_td_event {
	AN_TD_TOTAL_SLOTS,
	AN_TD_SLOTS_ISSUED,
	AN_TD_SLOTS_RETIRED,
	AN_TD_FETCH_BUBBLES,
	AN_TD_RECOVERY_BUBBLES,
	AN_TD_EVENTS
};

extern const char *const an_td_event_names[AN_TD_EVENTS];	/* sysfs names */

/* The Arm PMUv3 common events of level 1, by their sysfs names. */
enum an_arm_event {
	AN_ARM_CPU_CYCLES,	/* 0x11 */
	AN_ARM_STALL_FRONTEND,	/* 0x23 */
	AN_ARM_STALL_BACKEND,	/* 0x24 */
	AN_ARM_OP_RETIRED,	/* 0x3a, optional */
	AN_ARM_OP_SPEC,		/* 0x3b, optional */
	AN_ARM_EVENTS
};

#define AN_ARM_REQUIRED	AN_ARM_OP_RETIRED	/* the events before it */

extern const char *const an_arm_event_names[AN_ARM_EVENTS];

/* The most events either method counts (5 each). */
#define AN_TD_MAX_EVENTS	5
_Static_assert((int)AN_TD_EVENTS <= AN_TD_MAX_EVENTS &&
	       (int)AN_ARM_EVENTS <= AN_TD_MAX_EVENTS,
	       "AN_TD_MAX_EVENTS holds either method's events");

enum an_td_method { AN_TD_NONE, AN_TD_INTEL, AN_TD_ARM };

struct an_td_level1 {
	enum an_td_method method;
	double retiring, bad_speculation, frontend_bound, backend_bound;
	/*
	 * Whether retiring and bad_speculation were measured (Arm without
	 * OP_RETIRED/OP_SPEC: no), and if not why ("this PMU has no ...").
	 */
	bool spec_valid;
	char spec_why[256];
};

/*
 * Does this machine's PMU (@pmu_dir: /sys/bus/event_source/devices/cpu or
 * cpu_core) have Intel's events above? true; else false and why in @why,
 * starting "top-down not available: ".
 */
bool an_td_supported(bool have_hw_pmu, const char *pmu_dir, char *why,
		     size_t len);

/*
 * The first PMU under @devices (/sys/bus/event_source/devices), in name
 * order, with events/cpu_cycles: its directory into @pmu_dir. false when
 * there is none.
 */
bool an_td_arm_find(const char *devices, char *pmu_dir, size_t len);

/*
 * Which of Arm's events @pmu_dir has (@has[AN_ARM_EVENTS]). true when it
 * has the required ones (cpu_cycles, stall_frontend, stall_backend); else
 * false and why in @why, naming the missing events.
 */
bool an_td_arm_supported(const char *pmu_dir, bool *has, char *why,
			 size_t len);

/* Top-down's PMU on this machine, as an_td_detect() found it. */
struct an_td_pmu {
	enum an_td_method method;
	char dir[256];			/* its sysfs directory */
	bool has[AN_TD_MAX_EVENTS];	/* by enum an_td_event or an_arm_event */
};

/*
 * Which method this machine allows into @pmu: its PMU's directory and
 * which of that method's events it has. @devices is
 * /sys/bus/event_source/devices (a fake tree in tests): its cpu_core or
 * cpu PMU is Intel's or AMD's (an_td_supported()), else the first PMU
 * with events/cpu_cycles is Arm's (an_td_arm_supported()). Returns
 * @pmu->method: AN_TD_NONE with why in @why ("top-down not available:
 * ...").
 */
enum an_td_method an_td_detect(bool have_hw_pmu, const char *devices,
				struct an_td_pmu *pmu, char *why, size_t len);

/*
 * Intel's shares from the counts (perf's formulas before PERF_METRICS):
 * frontend = fetch bubbles / slots, bad speculation = (issued - retired
 * + recovery bubbles) / slots, retiring = retired / slots, backend = the
 * rest, not clamped (an_td_plausible() judges it). -1 when there are no
 * slots.
 */
int an_td_level1(const double *count, struct an_td_level1 *l1);

/*
 * Arm's shares of the cycles from @count[AN_ARM_EVENTS] (@has: which were
 * counted), the generic form of Arm's Neoverse level 1 (Linux's
 * pmu-events/arch/arm64/sbsa.json) with cycle stalls in place of slot
 * stalls:
 *   frontend_bound  = STALL_FRONTEND / CPU_CYCLES
 *   backend_bound   = STALL_BACKEND / CPU_CYCLES
 *   retiring        = OP_RETIRED / OP_SPEC * (1 - (FE + BE) / CPU_CYCLES)
 *   bad_speculation = (1 - OP_RETIRED / OP_SPEC) * (1 - (FE + BE) / CPU_CYCLES)
 * Without OP_RETIRED or OP_SPEC the last two are not measured
 * (spec_valid false, spec_why names the events). -1 when no cycles
 * were counted.
 */
int an_td_arm_level1(const double *count, const bool *has,
		     struct an_td_level1 *l1);

/*
 * Whether each measured share is within 0..1 (LLCTL_PLAUS_SLOT_SHARE for
 * Intel's, LLCTL_PLAUS_CYCLE_SHARE for Arm's) and, on Arm, frontend +
 * backend at most 1 + 5% (LLCTL_PLAUS_STALL_SUM); if not, @why says
 * "top-down NAME: implausible: ...".
 */
bool an_td_plausible(const struct an_td_level1 *l1, char *why, size_t len);

#endif /* LLCTL_ANALYZE_TOPDOWN_H */
