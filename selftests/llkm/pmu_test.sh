#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What a hardware PMU gives llctl, against counts known by construction:
# arm64_loop.py's static program retires exactly 2 N + 5 user instructions,
# and under qemu -icount shift=0 a cycle is an instruction (the cycle
# counter is the virtual clock, one nanosecond per instruction at 1 GHz).
#   - the default set counts cycles and instructions, IPC 1.00 +- 0.01;
#   - ten hardware events on a PMU of seven counters are multiplexed: each
#     says it ran part of the time, and the scaled instructions:u is within
#     5 % of 2 N + 5; --no-multiplex refuses with the reason;
#   - llctl record -e cycles -c 100000 takes (2 N + 5) / 100000 samples
#     (+- 2 %), hot_loop first in llctl report and in perf report, and perf
#     script names the command;
#   - throttled (perf_event_max_sample_rate 1000, 4 samples a tick at
#     HZ=250), llctl record says how many times, as many as perf record's
#     THROTTLE records (+- 2), and about once a tick of the run;
#   - llctl metrics --once has the IPC family, and promtool accepts it;
#   - nothing stays open in the module.
# Needs an Arm PMU that counts instructions: the arm64 guest
# (selftests/vm/run --arch arm64); elsewhere every test SKIPs with the reason.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=15
N=10000000	# 20 ms of virtual time at one instruction a nanosecond
NM=50000000	# 100 ms: many rotations of the multiplexing timer
PERIOD=100000
# ten hardware events; QEMU's PMU has 7 counters (dmesg: "7 counters available")
MANY=instructions:u,cycles,instructions,cycles:u,instructions:k,cycles:k
MANY=$MANY,armv8_pmuv3/stall/,armv8_pmuv3/stall_frontend/,armv8_pmuv3/stall_backend/
MANY=$MANY,armv8_pmuv3/inst_retired/

echo "TAP version 13"
echo "1..$PLAN"
if [ "$(uname -m)" != aarch64 ] || [ ! -d /sys/bus/event_source/devices/armv8_pmuv3 ]; then
	skip_all $PLAN "needs an Arm PMU (armv8_pmuv3; $(uname -m) here): runs in the arm64 guest, selftests/vm/run --arch arm64"
fi
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null ||
   ! command -v python3 >/dev/null || ! command -v perf >/dev/null ||
   ! command -v promtool >/dev/null; then
	skip_all $PLAN "needs root, jq, python3, perf, promtool, llctl and llkm.ko"
fi
grep -qw llkm /proc/modules && rmmod llkm
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }
loop=$out/loop
if ! python3 "$here/arm64_loop.py" $N "$loop" || ! python3 "$here/arm64_loop.py" $NM "$out/loopm"; then
	echo "Bail out! arm64_loop.py cannot write the loop programs"
	exit 1
fi
exact=$((2 * N + 5))
exact_m=$((2 * NM + 5))
# This shell and its children on CPU 0: with two vCPUs, QEMU's count on the
# second runs 0.06 % high (taskset in front of the command would be counted)
command -v taskset >/dev/null && taskset -cp 0 $$ >/dev/null
# ev FILE NAME: an event's object in profile's JSON
ev() { jq -c --arg n "$2" '.events[] | select(.name == $n)' "$1" 2>/dev/null | head -c 400; }

# --- the default set --------------------------------------------------------
run profile --json -o "$out/def.json" -- "$loop"
why="exit $(rc): $(head -c 300 "$out/stderr") cycles $(ev "$out/def.json" cycles) instructions $(ev "$out/def.json" instructions)"
probe=$(jq -r '.events[] | select(.name == "instructions") | .status' "$out/def.json" 2>/dev/null)
if [ "$probe" = not_supported ]; then
	skip_all $PLAN "the PMU does not count instructions here ($why): under qemu it needs -icount"
fi
# user and kernel: at least the loop's user count, the rest exec and exit
# shellcheck disable=SC2016 # $x: jq's variable
check default_set_counts_cycles_and_instructions "$why" jqe --argjson x $exact '
	[.events[] | select(.name == "cycles" or .name == "instructions")] |
	length == 2 and all(.status == "counted" and .coverage == 1 and
		.value >= $x and .value <= $x * 1.02)' "$out/def.json"
check default_set_ipc_is_1_00 "$(jq -c '.metrics[] | select(.name == "ipc")' "$out/def.json" 2>&1)" \
	jqe '.metrics[] | select(.name == "ipc") | .value >= 0.99 and .value <= 1.01' "$out/def.json"

# --- multiplexing -------------------------------------------------------------
run profile --json -o "$out/many.json" -e "$MANY" -- "$out/loopm"
why="exit $(rc): $(head -c 300 "$out/stderr") $(jq -c '[.events[] | [.name, .value, .coverage]]' "$out/many.json" 2>&1 | head -c 900)"
check ten_events_on_seven_counters_each_ran_part_of_the_time "$why" jqe '
	(.events | length == 10) and
	(.events | all(.status == "counted" and .coverage > 0 and .coverage < 1 and .scaled))' \
	"$out/many.json"
# shellcheck disable=SC2016 # $x: jq's variable
check multiplexed_instructions_u_within_5_percent_of_2n_plus_5 "$why (exact $exact_m)" jqe \
	--argjson x $exact_m '.events[] | select(.name == "instructions:u") |
	(.value - $x) | (if . < 0 then -. else . end) <= $x * 0.05' "$out/many.json"
run profile -e "$MANY" --no-multiplex -- "$out/loopm"
check no_multiplex_refuses_with_the_reason "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -eq 1 ] && [ \$(wc -l <'$out/stderr') -eq 1 ] &&
	       grep -q 'without multiplexing.*counter' '$out/stderr'"
run info --json
check nothing_left_open_after_the_refusal "$(head -c 300 "$out/stdout")" \
	jqe '.counters_open == 0' "$out/stdout"

# --- sampling ------------------------------------------------------------------
# The kernel throttles sampling above perf_event_max_sample_rate, and lowers
# that itself when its handlers run long (they do under TCG, after the
# other tests): a fixed limit for these runs, put back after. The kernel
# takes a new limit only while the percent is neither 0 nor 100, and 0
# stops its lowering.
rate_file=/proc/sys/kernel/perf_event_max_sample_rate
pct_file=/proc/sys/kernel/perf_cpu_time_max_percent
rate0=$(cat $rate_file)
pct0=$(cat $pct_file)
# set_rate RATE PERCENT
set_rate() { echo 25 >$pct_file && echo "$1" >$rate_file && echo "$2" >$pct_file; }
set_rate 100000 0
data=$out/perf.data
run record -e cycles -c $PERIOD -o "$data" -- "$loop"
run report --json "$data"
cp "$out/stdout" "$out/report.json"
samples=$(jq -r '.events[0].samples' "$out/report.json" 2>/dev/null)
want=$((exact / PERIOD))
check samples_are_cycles_over_the_period_within_2_percent \
	"$samples samples for $exact cycles of user code at every $PERIOD (want $want +- 2 %): $(head -c 300 "$out/stderr")" \
	awk -v s="${samples:-0}" -v w=$want 'BEGIN { d = s - w; if (d < 0) d = -d; exit !(d <= w * 0.02) }'
check hot_loop_first_in_llctl_report "$(jq -c '.events[0].functions[0]' "$out/report.json" 2>&1 | head -c 300)" \
	jqe '.events[0].functions[0] | .symbol == "hot_loop" and .comm == "loop" and .percent > 95' \
	"$out/report.json"
perf report -i "$data" --stdio --no-children --sort symbol 2>"$out/perf.err" |
	grep -v '^#' | grep -v '^$' >"$out/perf.txt"
check hot_loop_first_in_perf_report "$(head -n 3 "$out/perf.txt") $(head -c 200 "$out/perf.err")" \
	sh -c "head -n 1 '$out/perf.txt' | grep -q '\\[\\.\\] hot_loop'"
perf script -i "$data" -F comm 2>/dev/null | awk '{ print $1 }' | sort | uniq -c >"$out/comms"
# shellcheck disable=SC2016 # $1, $2: awk's fields
check perf_script_names_the_command "$(tr '\n' ' ' <"$out/comms")" \
	awk -v w=$want '$2 == "loop" { n = $1 } END { exit !(n >= w * 0.98) }' "$out/comms"

# Throttled: at most 1000 samples a second, 4 a 4 ms tick, where the loop
# overflows every 100 us of virtual time. The kernel stops the counter at
# the fifth overflow of each tick until the next: about one throttle a
# tick, 20 ms / 4 ms = 5, whose stretches have no samples. perf record
# logs them as THROTTLE records.
set_rate 1000 0
run record -e cycles -c $PERIOD -o "$out/thr.data" -- "$loop"
thr=$(sed -n 's/.*throttled sampling \([0-9]*\) times.*/\1/p' "$out/stderr")
perf record -e cycles -c $PERIOD -o "$out/perf-thr.data" -- "$loop" >/dev/null 2>&1
pthr=$(perf report -D -i "$out/perf-thr.data" 2>/dev/null | grep -c 'PERF_RECORD_THROTTLE')
check record_says_how_often_the_kernel_throttled \
	"llctl: ${thr:-no warning}, perf: $pthr THROTTLE records, for a run of 5 ticks: $(head -c 300 "$out/stderr")" \
	awk -v l="${thr:-0}" -v p="$pthr" 'BEGIN { d = l - p; if (d < 0) d = -d; exit !(l >= 3 && l <= 8 && d <= 2) }'
set_rate "$rate0" "$pct0"

# --- metrics -------------------------------------------------------------------
run metrics --once
cp "$out/stdout" "$out/metrics.prom"
check metrics_once_has_the_ipc_family "$(grep -i 'ipc\|per_cycle' "$out/metrics.prom" | head -n 4)" \
	grep -Eq '^llkm_instructions_per_cycle\{cpu="0"\} [0-9.e+-]+$' "$out/metrics.prom"
check promtool_accepts_the_metrics "$(promtool check metrics <"$out/metrics.prom" 2>&1 | head -c 300)" \
	sh -c "promtool check metrics <'$out/metrics.prom' >/dev/null 2>&1"
run info --json
check nothing_left_open "$(head -c 300 "$out/stdout")" jqe '.counters_open == 0' "$out/stdout"
rmmod llkm
check module_unloads "llkm still loaded" sh -c '! grep -qw llkm /proc/modules'
ktap_totals
[ "$fail" -eq 0 ]
