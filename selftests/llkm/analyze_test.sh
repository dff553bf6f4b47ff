#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl analyze against the real module: on 'workload contend', whose
# Universal Scalability Law parameters are known by construction
# (sigma = CRIT / (CRIT + PAR), kappa = XTALK / (CRIT + PAR)), the fit finds
# them; the report has the software evidence; top-down says why it is not
# there (no PMU) or, on an Arm PMU, gives Arm's level 1 from the events its
# sysfs lists; the IPC rule is evaluated from instructions / cycles where
# there is a PMU and says why not where there is none; a rule fires with its
# measurement and threshold; the thread count reaches the command; and
# errors are one clear line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
WORKLOAD=$here/workload
PLAN=17

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null ||
   [ ! -x "$WORKLOAD" ]; then
	skip_all $PLAN "needs root, jq, llctl, workload and llkm.ko"
fi
grep -qw llkm /proc/modules && rmmod llkm
hw=0
hw_pmu && hw=1
# The Arm PMU, as analyze picks it: the first by name with events/cpu_cycles.
arm_pmu=
for d in /sys/bus/event_source/devices/*; do
	[ -e "$d/events/cpu_cycles" ] && { arm_pmu=$d; break; }
done
# QEMU's virt machine: with -icount shift=0 (selftests/vm/run --arch arm64's
# default) its PMU counts a cycle for each instruction, IPC 1 by construction.
qemu_virt=0
if [ -r /proc/device-tree/compatible ] &&
   tr -d '\0' </proc/device-tree/compatible | grep -q 'linux,dummy-virt'; then
	qemu_virt=1
fi
jqe() { jq -e "$@" >/dev/null; }

run analyze -- true
check without_module_says_how_to_load "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && grep -q 'insmod' '$out/stderr'"
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }

# Sleeps of tens of ms: the guest's timers may be as coarse as its tick (4 ms);
# the median of three runs per thread count: a run slowed by a busy host is
# one point of three.
# sigma's slack: 0.1 and 0.12 around the design. On the debug kernel
# (LLKM_DEBUG_KERNEL=1: KASAN and lockdep under TCG, where every wakeup of
# the 8 threads costs milliseconds) the fits found 0.12-0.19 for 0.25 in
# runs 5 and 6: there the check is that the fit finds contention, sigma in
# (0.05, 0.45), and says so. With crosstalk the fit there gives part of
# the serial share to crosstalk, further than its stated error (sigma 0,
# 0.013 +- 0.10 and 0.099 +- 0.04 in runs 8, 11 and 13, kappa and the peak
# as designed each time): there only kappa and the peak are checked
# against the design, sigma below 0.45.
sig_lo=0.15 sig_hi=0.35
xsig='.scaling.sigma > 0.13 and .scaling.sigma < 0.37'
if [ "${LLKM_DEBUG_KERNEL:-0}" = 1 ]; then
	sig_lo=0.05 sig_hi=0.45
	xsig='.scaling.sigma < 0.45'
	echo "# debug kernel: sigma accepted in (0.05, 0.45), with crosstalk below 0.45 (kappa and the peak as designed)"
fi
# --- contention only: sigma = 20 / (20 + 60) = 0.25, kappa = 0 -----------------
run analyze --json --repeat 3 --threads 1,2,4,8 -- "$WORKLOAD" contend '{}' 20000 60000 5
cp "$out/stdout" "$out/contend.json"
echo "# contend: $(jq -c '[.points[] | [.threads, .throughput]], .scaling' "$out/contend.json" 2>&1 | tr '\n' ' ')"
check contend_runs_at_each_thread_count "exit $(rc): $(head -c 300 "$out/stderr")" \
	jqe '[.points[].threads] == [1,2,4,8] and (.runs | length == 12) and
	(.runs | all(.throughput > 0 and .wall_s > 0)) and
	(.points | all(.runs == 3 and .min <= .throughput and .throughput <= .max))' \
	"$out/contend.json"
check usl_fit_recovers_designed_sigma "$(jq -c .scaling "$out/contend.json" 2>&1)" \
	jqe '.scaling.model == "usl" and .scaling.fitted and
	.scaling.sigma > '$sig_lo' and .scaling.sigma < '$sig_hi' and .scaling.kappa < 0.01 and
	.scaling.r2 > 0.9 and (.scaling.sigma_stderr | type == "number") and
	(.scaling.lambda > 0)' "$out/contend.json"
check report_has_software_evidence "$(jq -c '.bottlenecks.software | del(.trace.summary)' "$out/contend.json" 2>&1)" \
	jqe '.bottlenecks.software | (.["context-switches"] > 0) and
	(.["page-faults"] > 0) and (.["cpu-migrations"] | type == "number") and
	(.context_switches_per_s_per_thread > 0) and
	(.cpu_utilization_per_thread | type == "number") and
	.trace_reason == null and (.trace.syscall_ns > 0) and
	(.trace.summary.syscalls | any(.name | test("nanosleep")))' "$out/contend.json"
if [ -n "$arm_pmu" ]; then
	# Oracles: the events the PMU's sysfs lists (retiring and bad
	# speculation need op_retired and op_spec), and the shares are the
	# ratios of the counts reported beside them.
	if [ -e "$arm_pmu/events/op_retired" ] && [ -e "$arm_pmu/events/op_spec" ]; then
		spec='(.retiring >= 0 and .retiring <= 1 and .bad_speculation >= 0 and
		      .bad_speculation <= 1 and .retiring_reason == null)'
	else
		spec='(.retiring == null and .bad_speculation == null and
		      (.retiring_reason | test("has no op_retired|has no op_spec")) and
		      (.bad_speculation_reason | test("has no op_")))'
	fi
	echo "# $arm_pmu:" "$arm_pmu"/events/*
	echo "# topdown: $(jq -c '.bottlenecks | {topdown, topdown_reason}' "$out/contend.json")"
	check topdown_arm_level1_from_its_pmu_events "$(jq -c '.bottlenecks | {topdown, topdown_reason}' "$out/contend.json")" \
		jqe '.bottlenecks.topdown_reason == null and (.bottlenecks.topdown |
		.method == "arm" and .share_of == "cycles" and .pmu == "'"$arm_pmu"'" and
		(.frontend_bound >= 0 and .frontend_bound <= 1) and
		(.backend_bound >= 0 and .backend_bound <= 1) and
		(.frontend_bound - .events.stall_frontend / .events.cpu_cycles | fabs < 1e-9) and
		(.backend_bound - .events.stall_backend / .events.cpu_cycles | fabs < 1e-9) and
		'"$spec"')' "$out/contend.json"
elif [ $hw = 1 ]; then
	skip topdown_says_why_not_available "this machine has a hardware PMU"
else
	check topdown_says_why_not_available "$(jq -c .bottlenecks.topdown_reason "$out/contend.json")" \
		jqe '.bottlenecks.topdown == null and
		(.bottlenecks.topdown_reason | test("top-down not available: no hardware PMU"))' \
		"$out/contend.json"
fi
# backend_bound is evaluated where top-down is measured (an Arm PMU).
td_rule='(.rules_not_evaluated | map(.rule) | index("backend_bound") != null)'
[ -n "$arm_pmu" ] && td_rule='(.rules_evaluated | map(.rule) | index("backend_bound") != null)'
check fired_rules_name_measurement_and_threshold "$(jq -c '[.suggestions[].rule]' "$out/contend.json")" \
	jqe '(.suggestions | length > 0) and (.suggestions | all(
	(.rule | type == "string") and (.measured | type == "number") and
	(.threshold | type == "number") and (.evidence | test("threshold")) and
	(.suggestion | length > 0))) and
	(.suggestions | map(.rule) | index("low_cpu_utilization") != null) and
	'"$td_rule" "$out/contend.json"
# IPC: where the PMU counts, the rule is evaluated on instructions / cycles of
# the same report (and is exactly 1 in QEMU's virt machine under -icount);
# without a PMU (x86 guests) it is not evaluated, and says why.
echo "# ipc: $(jq -c '.bottlenecks.hardware, [.rules_evaluated[], .rules_not_evaluated[] | select(.rule | test("ipc"))]' "$out/contend.json" 2>&1 | tr '\n' ' ')"
if [ $hw = 1 ]; then
	ipc_ok='true'
	[ $qemu_virt = 1 ] && [ -n "$arm_pmu" ] && ipc_ok='(.bottlenecks.hardware.ipc - 1 | fabs <= 0.01)'
	# shellcheck disable=SC2016 # $counted, $ratio: jq's variables
	check ipc_rule_evaluated_as_instructions_over_cycles "$(jq -c '.bottlenecks.hardware' "$out/contend.json")" \
		jqe '(.bottlenecks.hardware | .instructions > 0 and .cycles > 0 and
		.ipc_reason == null) as $counted |
		(.bottlenecks.hardware.instructions / .bottlenecks.hardware.cycles) as $ratio |
		$counted and (.rules_evaluated | map(select(.rule == "low_ipc"))[0] |
		(.measured - $ratio | fabs <= 0.01) and .threshold == 0.7 and
		.comparison == "<" and .fired == (.measured < 0.7)) and
		(.bottlenecks.hardware.ipc - $ratio | fabs <= 0.01) and
		(.rules_not_evaluated | map(.rule) | index("low_ipc") == null) and
		'"$ipc_ok" "$out/contend.json"
else
	check ipc_rule_not_evaluated_without_a_pmu "$(jq -c '.bottlenecks.hardware, .rules_not_evaluated' "$out/contend.json")" \
		jqe '.bottlenecks.hardware.ipc == null and .bottlenecks.hardware.instructions == null and
		(.bottlenecks.hardware.ipc_reason | test("no hardware PMU")) and
		(.rules_not_evaluated | map(select(.rule == "low_ipc"))[0].reason | test("no hardware PMU")) and
		(.rules_evaluated | map(.rule) | index("low_ipc") == null)' "$out/contend.json"
fi

# --- crosstalk: kappa = 5 / 80 = 0.0625, peak near sqrt(0.75 / 0.0625) = 3.5 --
run analyze --json --no-trace --repeat 3 --threads 1,2,3,4,6,8 -- "$WORKLOAD" contend '{}' 20000 60000 4 5000
echo "# crosstalk: $(jq -c '[.points[] | [.threads, .throughput]], .scaling' "$out/stdout" 2>&1 | tr '\n' ' ')"
# On the debug kernel with the host loaded the design may not show at all
# (check-debug run 12: throughput still rising at 8 threads, each wakeup's
# cost swamping the 5 ms of crosstalk). There the oracle is the data: with
# no fall in the measured throughput the fit must find no peak and the
# coherency rule must not fire; with one, as designed.
# shellcheck disable=SC2016 # $m: jq's variable
if [ "${LLKM_DEBUG_KERNEL:-0}" = 1 ] &&
   ! jqe '(.points | max_by(.throughput)) as $m | .points[-1].throughput < 0.95 * $m.throughput' "$out/stdout"; then
	echo "# debug kernel: no fall in the measured throughput, the designed crosstalk did not show: the fit must say there is no peak"
	check usl_fit_finds_crosstalk_and_its_peak "$(jq -c .scaling "$out/stdout" 2>&1) $(head -c 200 "$out/stderr")" \
		jqe '.scaling.fitted and .scaling.peak_threads == null and
		(.scaling.peak_reason | type == "string")' "$out/stdout"
	check coherency_rule_fires_on_crosstalk "$(jq -c '[.suggestions[].rule]' "$out/stdout" 2>&1)" \
		jqe '.suggestions | map(.rule) | index("usl_coherency") == null' "$out/stdout"
else
	check usl_fit_finds_crosstalk_and_its_peak "$(jq -c .scaling "$out/stdout" 2>&1) $(head -c 200 "$out/stderr")" \
		jqe '.scaling.fitted and .scaling.kappa > 0.02 and .scaling.kappa < 0.1 and
		('"$xsig"') and
		.scaling.peak_threads > 2 and .scaling.peak_threads < 6 and
		(.scaling.falloff_threads | type == "number") and .scaling.peak_throughput > 0' "$out/stdout"
	check coherency_rule_fires_on_crosstalk "$(jq -c '[.suggestions[].rule]' "$out/stdout" 2>&1)" \
		jqe '.suggestions | map(.rule) | index("usl_coherency") != null' "$out/stdout"
fi

# --- a command that ignores the thread count: no fit, refused ------------------
# 'workload spin' is one thread whatever LLCTL_THREADS says: its CPU time
# (user + sys, from wait4's rusage: an oracle that needs no PMU) cannot
# exceed its wall time, so N / wall s would be scaling made up by the model.
run analyze --json --no-trace --threads 1,2,4 -- "$WORKLOAD" spin 300
echo "# ignores N: exit $(rc) $(jq -c '[.points[] | [.threads, .throughput, .cpu_use, .voluntary_switches]], (.scaling | del(.throughput_unit))' "$out/stdout" 2>&1 | tr '\n' ' ') $(head -c 300 "$out/stderr")"
check ignored_thread_count_is_refused_not_fitted "exit $(rc): $(head -c 300 "$out/stderr")" \
	sh -c "[ $(rc) -eq 1 ] && [ \$(wc -l <'$out/stderr') -eq 1 ] &&
	       grep -q 'does not use the thread count' '$out/stderr' &&
	       jq -e '.scaling.fitted == false and .scaling.sigma == null and
	       .scaling.lambda == null and .scaling.peak_threads == null and
	       (.scaling.reason | test(\"does not use the thread count\")) and
	       (.points | all(.cpu_use > 0 and .cpu_use < 1.1))' '$out/stdout' >/dev/null"
# The same CPU work once per thread (LLCTL_THREADS processes of 300 ms of CPU
# each, by their CPU clock): CPU time grows with N, at least N * 0.3 s by
# construction, so the per-thread model holds and the fit is made.
# shellcheck disable=SC2016 # expanded by the inner sh
run analyze --json --no-trace --threads 1,2,4 -- sh -c \
	'for i in $(seq "$LLCTL_THREADS"); do "$0" spin 300 & done; wait' "$WORKLOAD"
echo "# per-thread CPU work: exit $(rc) $(jq -c '[.points[] | [.threads, .throughput, .cpu_s]]' "$out/stdout" 2>&1)"
check per_thread_cpu_work_is_fitted "exit $(rc): $(jq -c .scaling "$out/stdout" 2>&1) $(head -c 300 "$out/stderr")" \
	jqe '.scaling.fitted and .scaling.thread_count_used and
	([.points[] | .cpu_s >= 0.3 * .threads] | all)' "$out/stdout"

# --- one thread count: no fit, said; the context-switch rule fires ------------
# pingpong: about 10^4 switches, paced by the kernel and not by a timer: far
# above the rule's 500/s even on the debug kernel (1 ms sleeps were not)
run analyze --json -- "$WORKLOAD" pingpong 5000
check one_thread_count_reports_no_fit_and_why "$(jq -c .scaling "$out/stdout" 2>&1)" \
	jqe '.scaling.fitted == false and (.scaling.reason | test("at least 3 distinct thread counts")) and
	.scaling.sigma == null and (.runs | length == 1) and .runs[0].throughput > 0' "$out/stdout"
check context_switch_rule_fires_with_its_evidence "$(jq -c .suggestions "$out/stdout" 2>&1 | head -c 600)" \
	jqe '.suggestions | map(select(.rule == "context_switch_rate"))[0] |
	.measured > .threshold and (.evidence | test("context switches per second"))' "$out/stdout"

# --- the thread count reaches CMD; --metric reads the last match; --repeat ----
# shellcheck disable=SC2016 # expanded by the inner sh
run analyze --json --no-trace --repeat 2 --threads 1,2,3 --metric 'v=' -- \
	sh -c 'echo "v=1 (the last match counts)"; echo "v=$((LLCTL_THREADS * 1000 + $0))"' '{}'
check thread_count_in_env_and_arguments "$(jq -c '[.runs[] | [.threads, .throughput]]' "$out/stdout" 2>&1) $(cat "$out/stderr")" \
	jqe '(.runs | length == 6) and (.runs | all(.throughput == .threads * 1001)) and
	(.points | all(.runs == 2 and .min == .max))' "$out/stdout"
check no_trace_says_so "$(jq -c .bottlenecks.software.trace_reason "$out/stdout" 2>&1)" \
	jqe '.bottlenecks.software.trace == null and
	.bottlenecks.software.trace_reason == "--no-trace"' "$out/stdout"
run analyze --metric 'nothing-matches' -- true
check unmatched_metric_says_why "$(cat "$out/stdout")" \
	grep -q "matched nothing" "$out/stdout"

# --- errors ---------------------------------------------------------------------
run analyze --threads 0,2 -- true
check bad_thread_list_fails_in_one_line "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && [ \$(wc -l <'$out/stderr') -eq 1 ] &&
	       grep -q 'Unable to parse --threads' '$out/stderr'"

rmmod llkm
ktap_totals
[ "$fail" -eq 0 ]
