/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Top-down level 1 (analyze/topdown.c): which events give it on this PMU,
 * and the four shares of the pipeline's slots from their counts.
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

struct an_td_level1 {
	double retiring, bad_speculation, frontend_bound, backend_bound;
};

/*
 * Does this machine's PMU (@pmu_dir: /sys/bus/event_source/devices/cpu or
 * cpu_core) have the events above? true; else false and why in @why,
 * starting "top-down not available: ".
 */
bool an_td_supported(bool have_hw_pmu, const char *pmu_dir, char *why,
		     size_t len);

/*
 * The shares from the counts (perf's formulas before PERF_METRICS):
 * frontend = fetch bubbles / slots, bad speculation = (issued - retired
 * + recovery bubbles) / slots, retiring = retired / slots, backend = the
 * rest, not clamped (an_td_plausible() judges it). -1 when there are no
 * slots.
 */
int an_td_level1(const double *count, struct an_td_level1 *l1);

/*
 * Whether each share is within 0..1 (LLCTL_PLAUS_SLOT_SHARE); if not, @why
 * says "top-down NAME: implausible: ...".
 */
bool an_td_plausible(const struct an_td_level1 *l1, char *why, size_t len);

#endif /* LLCTL_ANALYZE_TOPDOWN_H */
