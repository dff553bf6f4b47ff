// SPDX-License-Identifier: GPL-2.0
/*
 * Top-down level 1 for llctl analyze. llkm counts events one by one (the
 * in-kernel counter API takes no group leader), so it reads the topdown-*
 * events that count on their own (Intel before Ice Lake); the
 * PERF_METRICS ones (slots with topdown-retiring...) only count inside a
 * hardware group led by slots, which llkm cannot make. On Arm it reads
 * the PMUv3 common events of Arm's level 1, each of which counts alone.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/topdown.h"
#include "lib/plausible.h"

const char *const an_td_event_names[AN_TD_EVENTS] = {
	"topdown-total-slots", "topdown-slots-issued", "topdown-slots-retired",
	"topdown-fetch-bubbles", "topdown-recovery-bubbles",
};

const char *const an_arm_event_names[AN_ARM_EVENTS] = {
	"cpu_cycles", "stall_frontend", "stall_backend", "op_retired", "op_spec",
};

static bool has_event(const char *pmu_dir, const char *name)
{
	char path[1024];

	if (snprintf(path, sizeof(path), "%s/events/%s", pmu_dir, name) >=
	    (int)sizeof(path))
		return false;
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
	l1->method = AN_TD_INTEL;
	l1->spec_valid = true;
	l1->spec_why[0] = 0;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

bool an_td_arm_find(const char *devices, char *pmu_dir, size_t len)
{
	struct dirent **ents;
	char dir[512];
	bool found = false;
	int i, n;

	n = scandir(devices, &ents, NULL, by_name);
	for (i = 0; i < n; i++) {
		if (!found && ents[i]->d_name[0] != '.' &&
		    snprintf(dir, sizeof(dir), "%s/%s", devices,
			     ents[i]->d_name) < (int)sizeof(dir) &&
		    has_event(dir, an_arm_event_names[AN_ARM_CPU_CYCLES])) {
			snprintf(pmu_dir, len, "%s", dir);
			found = true;
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return found;
}

/* The names of @from..@to - 1 that @has lacks, as "a, b", into @buf. */
static int missing(const bool *has, int from, int to, char *buf, size_t len)
{
	size_t off = 0;
	int i, n = 0;

	buf[0] = 0;
	for (i = from; i < to && off < len; i++) {
		if (has[i])
			continue;
		off += snprintf(buf + off, len - off, "%s%s",
				n++ ? ", " : "", an_arm_event_names[i]);
	}
	return n;
}

bool an_td_arm_supported(const char *pmu_dir, bool *has, char *why,
			 size_t len)
{
	char lack[128];
	int i;

	for (i = 0; i < AN_ARM_EVENTS; i++)
		has[i] = has_event(pmu_dir, an_arm_event_names[i]);
	if (!missing(has, 0, AN_ARM_REQUIRED, lack, sizeof(lack)))
		return true;
	snprintf(why, len, "top-down not available: %s has no %s (Arm's level 1 needs cpu_cycles, stall_frontend and stall_backend)",
		 pmu_dir, lack);
	return false;
}

/* The method of @pmu (its dir and has[] filled in), or none and why. */
static enum an_td_method which(bool have_hw_pmu, const char *devices,
			       struct an_td_pmu *pmu, char *why, size_t len)
{
	char *dir = pmu->dir;
	size_t dlen = sizeof(pmu->dir);
	int i;

	if (!have_hw_pmu) {
		an_td_supported(false, devices, why, len);	/* says why */
		return AN_TD_NONE;
	}
	snprintf(dir, dlen, "%s/cpu_core", devices);
	if (access(dir, F_OK))
		snprintf(dir, dlen, "%s/cpu", devices);
	if (!access(dir, F_OK)) {
		if (!an_td_supported(true, dir, why, len))
			return AN_TD_NONE;
		for (i = 0; i < AN_TD_EVENTS; i++)
			pmu->has[i] = true;
		return AN_TD_INTEL;
	}
	if (an_td_arm_find(devices, dir, dlen))
		return an_td_arm_supported(dir, pmu->has, why, len) ?
		       AN_TD_ARM : AN_TD_NONE;
	dir[0] = 0;
	snprintf(why, len, "top-down not available: no PMU under %s has Intel's topdown-* events or Arm's cpu_cycles",
		 devices);
	return AN_TD_NONE;
}

enum an_td_method an_td_detect(bool have_hw_pmu, const char *devices,
				struct an_td_pmu *pmu, char *why, size_t len)
{
	memset(pmu, 0, sizeof(*pmu));
	pmu->method = which(have_hw_pmu, devices, pmu, why, len);
	return pmu->method;
}

int an_td_arm_level1(const double *c, const bool *has, struct an_td_level1 *l1)
{
	double cycles = c[AN_ARM_CPU_CYCLES], fe, be, busy, ret;
	char lack[128];

	if (!(cycles > 0))
		return -1;
	fe = c[AN_ARM_STALL_FRONTEND];
	be = c[AN_ARM_STALL_BACKEND];
	l1->method = AN_TD_ARM;
	l1->frontend_bound = fe / cycles;
	l1->backend_bound = be / cycles;
	l1->retiring = l1->bad_speculation = NAN;
	l1->spec_valid = false;
	if (missing(has, AN_ARM_REQUIRED, AN_ARM_EVENTS, lack, sizeof(lack))) {
		snprintf(l1->spec_why, sizeof(l1->spec_why),
			 "this PMU has no %s: Arm's retiring and bad speculation split the cycles that issued by OP_RETIRED / OP_SPEC",
			 lack);
		return 0;
	}
	if (!(c[AN_ARM_OP_SPEC] > 0)) {
		snprintf(l1->spec_why, sizeof(l1->spec_why),
			 "op_spec counted no operations");
		return 0;
	}
	/* The cycles that issued, split by the share of operations retired. */
	busy = 1 - (fe + be) / cycles;
	ret = c[AN_ARM_OP_RETIRED] / c[AN_ARM_OP_SPEC];
	l1->retiring = ret * busy;
	l1->bad_speculation = (1 - ret) * busy;
	l1->spec_valid = true;
	l1->spec_why[0] = 0;
	return 0;
}

bool an_td_plausible(const struct an_td_level1 *l1, char *why, size_t len)
{
	const struct { const char *name; double v; bool measured; } share[] = {
		{ "retiring", l1->retiring, l1->spec_valid },
		{ "bad_speculation", l1->bad_speculation, l1->spec_valid },
		{ "frontend_bound", l1->frontend_bound, true },
		{ "backend_bound", l1->backend_bound, true },
	};
	enum llctl_plaus k = l1->method == AN_TD_ARM ? LLCTL_PLAUS_CYCLE_SHARE :
						       LLCTL_PLAUS_SLOT_SHARE;
	char g[320];
	size_t i;

	for (i = 0; i < sizeof(share) / sizeof(share[0]); i++)
		if (share[i].measured &&
		    !llctl_plausible(k, share[i].v, 1, g, sizeof(g))) {
			snprintf(why, len, "top-down %s: %s", share[i].name, g);
			return false;
		}
	/* Intel's backend is the rest: the four add up to 1 by construction. */
	if (l1->method == AN_TD_ARM &&
	    !llctl_plausible(LLCTL_PLAUS_STALL_SUM,
			     l1->frontend_bound + l1->backend_bound, 1, g,
			     sizeof(g))) {
		snprintf(why, len, "top-down frontend_bound + backend_bound: %s", g);
		return false;
	}
	return true;
}
