// SPDX-License-Identifier: GPL-2.0
/*
 * Top-down level 1 for llctl analyze. llkm counts events one by one (the
 * in-kernel counter API takes no group leader), so it reads the topdown-*
 * events that count on their own (Intel before Ice Lake); the
 * PERF_METRICS ones (slots with topdown-retiring...) only count inside a
 * hardware group led by slots, which llkm cannot make.
 */
#include <stdio.h>
#include <unistd.h>

#include "analyze/topdown.h"
#include "lib/plausible.h"

const char *const an_td_event_names[AN_TD_EVENTS] = {
	"topdown-total-slots", "topdown-slots-issued", "topdown-slots-retired",
	"topdown-fetch-bubbles", "topdown-recovery-bubbles",
};

static bool has_event(const char *pmu_dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/events/%s", pmu_dir, name);
	return access(path, F_OK) == 0;
}

bool an_td_supported(bool have_hw_pmu, const char *pmu_dir, char *why,
		     size_t len)
{
	int i;

	if (!have_hw_pmu) {
		snprintf(why, len, "top-down not available: no hardware PMU (no CPU PMU under /sys/bus/event_source/devices: a VM without a virtual PMU?)");
		return false;
	}
	for (i = 0; i < AN_TD_EVENTS && has_event(pmu_dir, an_td_event_names[i]); i++)
		;
	if (i == AN_TD_EVENTS)
		return true;
	if (has_event(pmu_dir, "slots") && has_event(pmu_dir, "topdown-retiring"))
		snprintf(why, len, "top-down not available: this PMU's topdown-* events (PERF_METRICS) count only in a hardware group led by slots, and llkm's in-kernel counters take no group leader");
	else
		snprintf(why, len, "top-down not available: %s has no topdown-* events (llctl knows Intel's; AMD's level 1 is not mapped yet)",
			 pmu_dir);
	return false;
}

int an_td_level1(const double *c, struct an_td_level1 *l1)
{
	double slots = c[AN_TD_TOTAL_SLOTS];

	if (!(slots > 0))
		return -1;
	l1->frontend_bound = c[AN_TD_FETCH_BUBBLES] / slots;
	l1->bad_speculation = (c[AN_TD_SLOTS_ISSUED] - c[AN_TD_SLOTS_RETIRED] +
			       c[AN_TD_RECOVERY_BUBBLES]) / slots;
	l1->retiring = c[AN_TD_SLOTS_RETIRED] / slots;
	l1->backend_bound = 1 - l1->frontend_bound - l1->bad_speculation -
			    l1->retiring;
	return 0;
}

bool an_td_plausible(const struct an_td_level1 *l1, char *why, size_t len)
{
	const struct { const char *name; double v; } share[] = {
		{ "retiring", l1->retiring },
		{ "bad_speculation", l1->bad_speculation },
		{ "frontend_bound", l1->frontend_bound },
		{ "backend_bound", l1->backend_bound },
	};
	char g[320];
	size_t i;

	for (i = 0; i < sizeof(share) / sizeof(share[0]); i++)
		if (!llctl_plausible(LLCTL_PLAUS_SLOT_SHARE, share[i].v, 1, g,
				     sizeof(g))) {
			snprintf(why, len, "top-down %s: %s", share[i].name, g);
			return false;
		}
	return true;
}
