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
	[LLCTL_PLAUS_TSC_GHZ] = {
		"TSC rate", "GHz", 0.4, 7.0,
		"the TSC ticks at the core's nominal clock or its crystal's multiple, inside the core clock's 0.4 to 7 GHz: outside, the calibration or the kernel's tsc_khz is wrong and no tick can be turned into ns" },
	[LLCTL_PLAUS_FENCE_NS] = {
		"cost of one op", "ns", 0, 1000,
		"an uncontended fence or locked op costs tens of core cycles (Skylake: MFENCE 33, a locked add 18, per Agner Fog's tables); 1 us is 400 cycles at the lowest 0.4 GHz clock and 7000 at 7 GHz: above, the batches were preempted or hit VM exits" },
	[LLCTL_PLAUS_SWITCH_RATE] = {
		"context switch rate", "/s", 0, 5e6,
		"a context switch takes at least 200 ns of a CPU (kernel entry, the scheduler, the register and mm switch; lmbench lat_ctx measures 1-3 us): 5 million a second a CPU" },
	[LLCTL_PLAUS_FAULT_RATE] = {
		"page fault rate", "/s", 0, 1e7,
		"a page fault takes at least 100 ns of a CPU (the exception, the page-table walk and update; a minor fault of an anonymous page costs 0.5-1 us): 10 million a second a CPU" },
	[LLCTL_PLAUS_COVERAGE] = {
		"counter coverage", "", 0, 1,
		"a counter runs only while it is enabled (perf's time_running <= time_enabled): above 1 the two times come from different clocks or instances" },
	[LLCTL_PLAUS_TIME_SHARE] = {
		"share of the time", "", 0, 1.05,
		"N threads (or CPUs) spend at most N x the wall time in anything, syscalls, futex waits and interrupts included (5 % for starting and stopping the trace apart from the wall clock)" },
	[LLCTL_PLAUS_SLOT_SHARE] = {
		"share of the pipeline slots", "", 0, 1,
		"retiring, bad speculation, frontend and backend bound each take a part of the same slots: outside 0 to 1 the topdown-* events counted different stretches (llkm counts them one by one, multiplexed)" },
	[LLCTL_PLAUS_CYCLE_SHARE] = {
		"share of the cycles", "", 0, 1,
		"Arm's STALL_FRONTEND and STALL_BACKEND count cycles, at most CPU_CYCLES, and retiring and bad speculation split the rest: outside 0 to 1 the events counted different stretches (llkm counts them one by one, multiplexed)" },
	[LLCTL_PLAUS_STALL_SUM] = {
		"frontend + backend stall share", "", 0, 1.05,
		"a cycle that issues nothing stalls on the frontend (nothing to issue) or on the backend (no room), so the two shares add up to at most the cycles; 5 % for counting them one by one over slightly different stretches" },
	[LLCTL_PLAUS_USL_SIGMA] = {
		"USL sigma", "", 0, 1.1,
		"sigma is the serial share of the work, at most all of it (10 % for the run-to-run noise of a flat throughput): above, a second thread lowers the throughput, which the model does not describe (the command slows down with threads for another reason)" },
	[LLCTL_PLAUS_FIT_R2] = {
		"R^2", "", 0, 1,
		"a least-squares fit at least matches the mean of the points (R^2 0): below, the model does not describe the throughputs at all" },
	[LLCTL_PLAUS_LATENCY_NS] = {
		"latency", "ns", 0, 1,
		"a call or handler timed by its entry and exit inside the session lasts no longer than the session (both stamps are CLOCK_MONOTONIC): longer, an entry was paired with a later call's exit or a stamp is wrong" },
	[LLCTL_PLAUS_FS_SLOWDOWN] = {
		"false-sharing slowdown", "x", 0.8, 1e4,
		"writers on a line each share nothing, so they are slower than writers on one line only by noise (a fifth at most); one line costs an increment at most a transfer between caches (10 us, c2c's bound) against the 1 ns of an increment in L1" },
	[LLCTL_PLAUS_FS_OPS_RATE] = {
		"increment rate", "/s", 1e5, 7e9,
		"a writer increments at most once a cycle, 7e9 a second at 7 GHz (per writer); on one shared line an increment waits at most one transfer between caches (10 us, c2c's bound): at least 1e5 a second" },
	[LLCTL_PLAUS_BRANCH_NS] = {
		"time per branch", "ns", 0.07, 200,
		"no core takes more than 2 branches a cycle (Golden Cove, Zen 5), 0.07 ns at 7 GHz; a branch costs at most a misprediction (125 ns, its bound) and the loop's few cycles: above 200 ns the pass was preempted" },
	[LLCTL_PLAUS_INSTR_NS] = {
		"time per instruction", "ns", 1 / 84.0, 62.5,
		"no core retires more than 12 instructions a cycle, 1/84 ns at 7 GHz; at worst each 64-byte line of 16 four-byte instructions comes from DRAM after a page walk, under 1 us: 62.5 ns an instruction" },
	[LLCTL_PLAUS_PAGE_NS] = {
		"time per page jumped", "ns", 0.07, 10000,
		"a jump is a taken branch, at most 2 a cycle (0.07 ns at 7 GHz); an iTLB miss walks 4 or 5 page-table levels and fetches a line, under 1 us from DRAM: above 10 us the thread was descheduled (as c2c's bound)" },
	[LLCTL_PLAUS_CALL_NS] = {
		"cost of a call", "ns", 0.1, 1000,
		"a call and a return are 2 taken branches, at least a cycle (0.14 ns at 7 GHz); mispredicted both, at 0.4 GHz, they cost 2 x 50 cycles = 250 ns: above 1 us the calls were preempted" },
	[LLCTL_PLAUS_TIMER_RES_NS] = {
		"timer resolution", "ns", 1, 1e7,
		"clock_gettime counts in ns, so two reads differ by at least 1 ns; the coarsest Linux tick is a jiffy at HZ=100, 10 ms: a clock stepping more is not the high-resolution clock the samples need" },
	[LLCTL_PLAUS_TSC_PAIR_NS] = {
		"cost of a TSC read pair", "ns", 1, 20000,
		"a serialised read of the TSC takes 20 or more core cycles (2.8 ns at 7 GHz) and a pair costs 20 to 200 on bare metal; a hypervisor that traps RDTSC makes each read a VM exit of 1-2 us (10 us nested): above 20 us, the least of 1000 pairs, the reads were interrupted" },
	[LLCTL_PLAUS_CNTFRQ_MHZ] = {
		"generic timer rate", "MHz", 1, 2000,
		"CNTFRQ_EL0 as firmware set it: 1 GHz from Armv8.6 on, 10 to 200 MHz before (Altra 25, QEMU virt 62.5, Graviton2 121.875); outside, it is wrong and no tick can be turned into ns" },
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
