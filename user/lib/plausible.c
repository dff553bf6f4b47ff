// SPDX-License-Identifier: GPL-2.0
/*
 * The plausibility gates (lib/plausible.h). Each bound is physical, not
 * statistical: a value outside it comes from a broken measurement (a
 * folded instruction chain, a preempted thread, a wrong clock), never from
 * a machine. docs/plausibility.md gives each bound's sources.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/plausible.h"

static const struct llctl_plaus_bound bounds[LLCTL_PLAUS_KINDS] = {
	[LLCTL_PLAUS_CORE_GHZ] = {
		"core clock", "GHz", 0.4, 7.0,
		"no x86-64 or arm64 core is clocked outside 0.4 to 7 GHz: cpufreq's lowest is 0.4 GHz, the fastest stock boost 6.2 GHz" },
	[LLCTL_PLAUS_BANDWIDTH_GBS] = {
		"bandwidth", "GB/s", 0, 192,
		"no core moves more than 192 bytes a cycle through its L1 (2 loads and 1 store of 64 bytes, Zen 5 and Sapphire Rapids): 192 bytes x GHz x cores" },
	[LLCTL_PLAUS_OF_PEAK] = {
		"fraction of the peak", "", 0, 1.1,
		"a core cannot beat its own port limit: above 110 % the clock or the port table behind the peak is wrong" },
	[LLCTL_PLAUS_C2C_NS] = {
		"cache-line latency", "ns", 2, 10000,
		"a line moves between two cores in no less than 2 ns (tens of cycles of snoop); above 10 us a thread was descheduled mid-transfer" },
	[LLCTL_PLAUS_IPC] = {
		"IPC", "instructions/cycle", 0, 12,
		"no core retires more than 12 instructions a cycle (Lion Cove's retire width; Zen 5 and Golden Cove: 8)" },
	[LLCTL_PLAUS_MISPREDICT_CYCLES] = {
		"misprediction penalty", "cycles", 5, 50,
		"refilling a pipeline takes 5 cycles on the shortest (in-order Cortex-A53: 7-8) and under 50 on the longest (Pentium 4 Prescott: about 30)" },
	[LLCTL_PLAUS_MISPREDICT_NS] = {
		"misprediction penalty", "ns", 0.5, 125,
		"5 to 50 cycles at 0.4 to 7 GHz" },
	[LLCTL_PLAUS_MISS_PCT] = {
		"miss rate", "%", 0, 100,
		"a miss is one of the events counted: above 100 % the two counters count different things on this PMU" },
	[LLCTL_PLAUS_CPUS_UTILIZED] = {
		"CPUs utilized", "CPUs", 0, 1.05,
		"task-clock cannot run on more CPUs than are online (5 % for the skew of reading the counters and the clock)" },
};

const struct llctl_plaus_bound *llctl_plaus_bound(enum llctl_plaus k)
{
	return k < LLCTL_PLAUS_KINDS ? &bounds[k] : NULL;
}

bool llctl_plausible(enum llctl_plaus k, double v, double scale, char *why,
		     size_t len)
{
	const struct llctl_plaus_bound *b = llctl_plaus_bound(k);
	double hi;

	if (!b) {
		snprintf(why, len, "implausible: no bound for kind %d", (int)k);
		return false;
	}
	hi = b->hi * scale;
	if (isnan(v) || isinf(v) || !(scale > 0)) {
		snprintf(why, len, "implausible: %s is %s (%s)", b->name,
			 isnan(v) || isinf(v) ? "not a number" : "without a bound",
			 b->why);
		return false;
	}
	if (v >= b->lo && v <= hi)
		return true;
	snprintf(why, len, "implausible: %.4g%s%s is %s %.4g%s%s (%s)", v,
		 *b->unit ? " " : "", b->unit, v < b->lo ? "below" : "above",
		 v < b->lo ? b->lo : hi, *b->unit ? " " : "", b->unit, b->why);
	return false;
}

const char *llctl_plaus_text(enum llctl_plaus k, double v, double scale,
			     const char *fmt, char *buf, size_t len)
{
	char why[320];

	if (llctl_plausible(k, v, scale, why, sizeof(why))) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(buf, len, fmt, v);
#pragma GCC diagnostic pop
	} else {
		snprintf(buf, len, "implausible (%s)",
			 why + strlen("implausible: "));
	}
	return buf;
}

bool llctl_plaus_json(struct json_object *o, const char *key,
		      enum llctl_plaus k, double v, double scale)
{
	char why[320], rkey[96];

	if (llctl_plausible(k, v, scale, why, sizeof(why))) {
		json_object_object_add(o, key, json_object_new_double(v));
		return true;
	}
	json_object_object_add(o, key, NULL);
	snprintf(rkey, sizeof(rkey), "%s_reason", key);
	json_object_object_add(o, rkey, json_object_new_string(why));
	return false;
}
