#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl profile, events, record and report against the real module, side
# by side with perf on the same commands: the software counts agree with
# perf stat, the hot function of a CPU-bound program comes first in
# llctl report and in perf report on the same file, and nothing the module
# opened stays open after any error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
WORKLOAD=$here/workload
PLAN=46

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null ||
   [ ! -x "$WORKLOAD" ]; then
	skip_all $PLAN "needs root, jq, llctl, workload and llkm.ko"
fi
if ! command -v perf >/dev/null || ! perf stat -e task-clock true >/dev/null 2>&1; then
	skip_all $PLAN "needs a working perf (Debian's linux-perf) to compare with"
fi
grep -qw llkm /proc/modules && rmmod llkm
hw=0
hw_pmu && hw=1

run profile -- true
check profile_without_module_says_how_to_load "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && grep -q 'insmod' '$out/stderr'"
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }

# open_now: the counters the module holds, all sockets together.
open_now() { "$LLCTL" info --json | jq -r .counters_open; }

# --- counts agree with perf stat ---------------------------------------------
# ours EVENT CMD...: llctl's count; theirs EVENT CMD...: perf stat's.
ours() { local ev=$1; shift
	"$LLCTL" profile --json -o "$out/ours.json" -e "$ev" -- "$@" >/dev/null 2>&1
	jq -r '.events[0].value' "$out/ours.json"; }
theirs() { local ev=$1; shift
	# CSV: value,unit,event,...; task-clock comes in msec.
	perf stat -x, -e "$ev" -- "$@" 2>&1 >/dev/null |
		awk -F, -v e="$ev" '$3 == e { print int($2 == "msec" ? $1 * 1e6 : $1) }'; }
# within A B PERCENT: |A - B| <= PERCENT % of B, both numbers.
within() {
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN {
		if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) exit 1
		d = a - b; if (d < 0) d = -d; exit !(d <= b * p / 100) }'
}
# agree EVENT PERCENT CMD...: the median of three runs of each tool agree.
median3() { sort -n | sed -n 2p; }
agree() {
	local ev=$1 pct=$2 a b; shift 2
	a=$(for i in 1 2 3; do ours "$ev" "$@"; done | median3)
	b=$(for i in 1 2 3; do theirs "$ev" "$@"; done | median3)
	echo "$ev: llctl $a perf $b" >"$out/agree"
	within "$a" "$b" "$pct"
}
# check_agree NAME EVENT PERCENT CMD...
check_agree() {
	local name=$1; shift
	if agree "$@"; then ok "$name"; else not_ok "$name" "$(cat "$out/agree")"; fi
}
check_agree page_faults_agree_with_perf_within_2pct page-faults 2 "$WORKLOAD" faults 3000
check_agree page_faults_of_python_agree_with_perf_within_2pct page-faults 2 \
	python3 -c 'import json, sqlite3'
check_agree page_faults_through_forks_agree_within_2pct page-faults 2 \
	"$WORKLOAD" forks 6 faults 500
v=$(ours page-faults "$WORKLOAD" forks 6)
check counters_survive_the_workload_forking "6 children of 256 faults: $v" \
	[ "${v:-0}" -ge 1536 ]
# On the debug kernel (LLKM_DEBUG_KERNEL=1, make check-debug: KASAN, lockdep
# under TCG) exec, exit and each page fault cost ~10x more, and that
# overhead, variable from run to run, is 100+ ms of the 300 ms spin: 20 %.
tc_pct=10
[ "${LLKM_DEBUG_KERNEL:-0}" != 1 ] || tc_pct=20
check_agree task_clock_agrees_with_perf_within_${tc_pct}pct task-clock $tc_pct "$WORKLOAD" spin 300
check_agree context_switches_agree_with_perf_within_10pct context-switches 10 \
	"$WORKLOAD" sleep 200

# --- the report says how much was measured -----------------------------------
run profile --json -- "$WORKLOAD" faults 100 sleep 5
check profile_json_has_the_documented_keys "$(head -c 400 "$out/stdout") $(cat "$out/stderr")" \
	jqe '(.events | length > 0) and
	(.events | all(has("name") and has("value") and has("enabled_ns") and
		has("running_ns") and has("coverage") and has("scaled") and
		(.status | IN("counted", "not_counted", "not_supported")))) and
	(.metrics | length > 0) and
	(.metrics | all(has("name") and has("value") and has("unit") and has("reason"))) and
	(.elapsed_ns > 0) and (.env.kernel | type == "string")' "$out/stdout"
check counted_events_say_they_were_fully_measured "$(jq -c '.events[0]' "$out/stdout")" \
	jqe '.events | map(select(.status == "counted")) | length >= 4 and
	all(.coverage == 1 and .scaled == false and .running_ns == .enabled_ns and
	    (.value | type == "number"))' "$out/stdout"
if [ $hw = 1 ]; then
	# With a PMU: cycles and instructions counted, and IPC their ratio
	# (pmu_test.sh checks them against exact counts in the arm64 guest).
	check default_set_counts_hardware_events "$(jq -c '.events' "$out/stdout")" \
		jqe '[.events[] | select(.name == "cycles" or .name == "instructions")] |
		length == 2 and all(.status == "counted" and .value > 0)' "$out/stdout"
	# shellcheck disable=SC2016 # $v: jq's variable
	check ipc_is_instructions_over_cycles "$(jq -c '.metrics' "$out/stdout")" \
		jqe '(.events | map({(.name): .value}) | add) as $v |
		.metrics[] | select(.name == "ipc") |
		(.value - $v.instructions / $v.cycles) | (if . < 0 then -. else . end) < 0.001' "$out/stdout"
else
	check default_set_marks_hardware_events_not_supported "$(jq -c '.events' "$out/stdout")" \
		jqe '.events | map(select(.name == "cycles"))[0] |
		.status == "not_supported" and .value == null and
		(.reason | test("no hardware PMU"))' "$out/stdout"
	check metrics_without_hardware_say_why "$(jq -c '.metrics' "$out/stdout")" \
		jqe '(.metrics | map(select(.name == "ipc"))[0] |
		.value == null and (.reason | test("no hardware PMU"))) and
		(.metrics | map(select(.name == "cpus_utilized"))[0].value > 0)' "$out/stdout"
fi
check a_real_zero_is_counted_not_missing "$(jq -c '.events' "$out/stdout")" \
	jqe '.events | map(select(.name == "cpu-migrations"))[0] |
	.status == "counted" and (.value | type == "number")' "$out/stdout"

run profile --json -r 3 -e page-faults,task-clock -- "$WORKLOAD" faults 200
check repeats_report_a_stddev_per_event "$(head -c 300 "$out/stdout")" \
	jqe '.repeats == 3 and (.events | all(.stddev | type == "number"))' "$out/stdout"

if [ $hw = 1 ]; then
	# More hardware events than any PMU has counters: perf multiplexes.
	many=cycles,instructions,branches,branch-misses,cache-references,cache-misses
	many=$many,cycles:u,instructions:u,branches:u,branch-misses:u,cycles:k,instructions:k
	run profile --json -e "$many" -- "$WORKLOAD" spin 300
	check more_events_than_counters_report_multiplexing "$(jq -c '[.events[] | [.name, .coverage]]' "$out/stdout")" \
		jqe '(.events | any(.scaled and .coverage < 1)) and
		(.events | all(.status != "counted" or (.value | type == "number")))' "$out/stdout"
else
	skip more_events_than_counters_report_multiplexing \
		"no hardware PMU here: software events are never multiplexed"
fi

# --- errors: one line, non-zero, nothing left open ---------------------------
run profile -e cycles -- true
if [ $hw = 1 ]; then
	# perf stat's layout: the counts on stderr
	check hardware_event_with_a_pmu_counts "exit $(rc): $(head -c 300 "$out/stderr")" \
		sh -c "[ $(rc) -eq 0 ] && grep -Eq '^ +[0-9,]+ +cycles ' '$out/stderr'"
else
	check hardware_event_without_pmu_fails_in_one_line "exit $(rc): $(cat "$out/stderr")" \
		sh -c "[ $(rc) -ne 0 ] && [ \$(wc -l <'$out/stderr') -eq 1 ] &&
		       grep -q 'no hardware PMU' '$out/stderr'"
fi
# Each reason once: the text cites a numbered note where --json gives each
# event its reason (a VM without a PMU gives every hardware event the same
# one, which the text said on each of their lines).
run profile -- true
cp "$out/stderr" "$out/text"
"$LLCTL" profile --json -- true >"$out/json" 2>/dev/null
jq -r '.events[] | select(.status != "counted") | .reason' "$out/json" | sort -u >"$out/reasons"
each_reason_once() {
	local r ref
	while read -r r; do
		[ "$(grep -cF -- "$r" "$out/text")" -eq 1 ] || { echo "said $(grep -cF -- "$r" "$out/text") times: $r"; return 1; }
	done <"$out/reasons"
	grep -oE '\[[0-9]+\]$' "$out/text" | sort -u >"$out/refs"
	while read -r ref; do
		grep -qF "  $ref " "$out/text" || { echo "no note $ref"; return 1; }
	done <"$out/refs"
}
check each_reason_is_said_once_as_a_note "$(each_reason_once) $(wc -l <"$out/reasons") reasons; $(tail -n 4 "$out/text")" \
	each_reason_once
# -x, is perf stat -x,: a CSV reader finds perf's seven columns in both,
# the same events in the same order with the same units, the page faults
# of one workload within 2 % of perf's, and llctl's % running 100.00.
evs=task-clock,page-faults,context-switches
"$LLCTL" profile -x, -e $evs -- "$WORKLOAD" faults 3000 2>"$out/ours.csv" >/dev/null
perf stat -x, -e $evs -- "$WORKLOAD" faults 3000 2>"$out/perf.csv" >/dev/null
csv_like_perf() {
	python3 - "$out/ours.csv" "$out/perf.csv" <<'PY'
import csv, sys
ours, perf = ([r for r in csv.reader(open(f)) if r and not r[0].startswith('#')] for f in sys.argv[1:3])
assert len(ours) == len(perf) == 3, (ours, perf)
for o, p in zip(ours, perf):
    assert len(o) == 7 and len(p) >= 7, (o, p)
    assert o[2] == p[2] and o[1] == p[1], (o, p)   # event, unit
    assert o[4] == "100.00", o
pf = [(float(o[0]), float(p[0])) for o, p in zip(ours, perf) if o[2] == "page-faults"][0]
assert abs(pf[0] - pf[1]) <= 0.02 * pf[1], pf
PY
}
check profile_csv_has_perf_stats_columns "$(csv_like_perf 2>&1 | tail -n 1) ours: $(head -c 300 "$out/ours.csv") perf: $(head -c 300 "$out/perf.csv")" \
	csv_like_perf
run profile -e no-such-event -- true
check unknown_event_points_to_llctl_events "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && grep -q 'llctl events' '$out/stderr'"
run profile -p 4194000 -- sleep 0.1
check missing_pid_fails_clearly "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && grep -q 'no such process' '$out/stderr'"
# record samples one event, and says so for a list and for a repeat.
rm -f "$out/two.data"
run record -e cpu-clock,page-faults -o "$out/two.data" -- true
{ rc; cat "$out/stderr"; } >"$out/list"
run record -e cpu-clock -e page-faults -o "$out/two.data" -- true
check record_of_two_events_says_it_samples_one "$(tr '\n' ' ' <"$out/list") / exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) = 1 ] && [ \"\$(head -1 '$out/list')\" = 1 ] && [ ! -e '$out/two.data' ] &&
	       grep -q 'samples one event' '$out/stderr' && grep -q 'samples one event' '$out/list'"
run profile -e task-clock -- /nonexistent/cmd
check missing_command_fails_clearly "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && grep -q 'not found' '$out/stderr'"
check nothing_stays_open_after_the_errors "counters open: $(open_now)" \
	[ "$(open_now)" = 0 ]

# --- targets -------------------------------------------------------------------
"$WORKLOAD" sleep 3000 &
bg=$!
run profile --json -p $bg -e context-switches -- sleep 0.5
kill $bg 2>/dev/null; wait $bg 2>/dev/null
check pid_target_counts_the_running_process "$(head -c 300 "$out/stdout") $(cat "$out/stderr")" \
	jqe '.events[0].value > 20' "$out/stdout"
# Several processes, as a list and as repeated -p (perf's semantics):
# each a shell stopped before it counts, released by CMD once the
# counters are open, that then runs 'workload faults 2000' and stops
# again. The oracle is the kernel's own fault counts of the two shells
# (/proc/PID/stat minflt + majflt, their children's too) over exactly
# that stretch; counting one of the two would give half.
stopped() { [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = T ]; }
faults() { awk '{ print $10 + $11 + $12 + $13 }' "/proc/$1/stat"; }
# shellcheck disable=SC2016 # $0 and $$: the inner shell's
faulter() { sh -c 'kill -STOP $$; "$0" faults 2000; kill -STOP $$' "$WORKLOAD" & }
for form in list repeated; do
	faulter; pa=$!
	faulter; pb=$!
	until_ 10 stopped $pa && until_ 10 stopped $pb
	before=$(($(faults $pa) + $(faults $pb)))
	pids=(-p "$pa,$pb")
	[ $form = repeated ] && pids=(-p "$pa" -p "$pb")
	# shellcheck disable=SC2016 # $1 and $2: the inner bash's
	run profile --json "${pids[@]}" -e page-faults -- bash -c '
		kill -CONT "$1" "$2"
		for p in "$1" "$2"; do
			until [ "$(cut -d" " -f3 /proc/$p/stat)" = T ]; do sleep 0.02; done
		done' release "$pa" "$pb"
	kernel=$(($(faults $pa) + $(faults $pb) - before))
	kill -KILL $pa $pb 2>/dev/null; wait $pa $pb 2>/dev/null
	got=$(jq -r '.events[0].value' "$out/stdout" 2>/dev/null)
	check "pids_${form}_counts_every_process_as_the_kernel_does" \
		"llctl ${got:-nothing} page faults, the kernel $kernel (two processes of 2000 each and their start); $(head -c 300 "$out/stderr")" \
		within "$got" "$kernel" 2
done
# -G: of two such shells, the one in a cgroup v2 is counted, the other
# not (a count within 2 % of its own faults, half of both).
cg_mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
cg_ours=
if [ -z "$cg_mnt" ]; then
	mkdir -p "$out/cg2" && mount -t cgroup2 none "$out/cg2" && cg_mnt=$out/cg2 && cg_ours=1
fi
cg=llkm_profile_test.$$
if [ -n "$cg_mnt" ] && mkdir "$cg_mnt/$cg"; then
	faulter; pa=$!
	faulter; pb=$!
	until_ 10 stopped $pa && until_ 10 stopped $pb
	echo $pa >"$cg_mnt/$cg/cgroup.procs"
	before=$(faults $pa)
	# shellcheck disable=SC2016 # $1 and $2: the inner bash's
	run profile --json -G "/$cg" -e page-faults -- bash -c '
		kill -CONT "$1" "$2"
		for p in "$1" "$2"; do
			until [ "$(cut -d" " -f3 /proc/$p/stat)" = T ]; do sleep 0.02; done
		done' release "$pa" "$pb"
	kernel=$(($(faults $pa) - before))
	kill -KILL $pa $pb 2>/dev/null; wait $pa $pb 2>/dev/null
	got=$(jq -r '.events[0].value' "$out/stdout" 2>/dev/null)
	check cgroup_counts_its_threads_only \
		"llctl ${got:-nothing} page faults, the kernel $kernel for the one shell in the cgroup; $(head -c 300 "$out/stderr")" \
		within "$got" "$kernel" 2
	rmdir "$cg_mnt/$cg"
else
	skip cgroup_counts_its_threads_only "no cgroup v2 here (mount -t cgroup2 failed)"
fi
[ -n "$cg_ours" ] && umount "$out/cg2"
# --per-thread: two threads that do 40 and 120 sleeps; each line's count
# of context switches is the kernel's own for that thread
# (/proc/PID/task/TID/status, voluntary + involuntary, over the same
# stretch: the process is stopped before and after, as above).
threads_py='
import os, signal, threading, time
go, done = threading.Event(), threading.Barrier(3)
def work(n):
    go.wait()
    for _ in range(n):
        time.sleep(0.002)
    done.wait()
    threading.Event().wait()
ts = [threading.Thread(target=work, args=(n,), daemon=True) for n in (40, 120)]
for t in ts:
    t.start()
print(" ".join(str(t.native_id) for t in ts), flush=True)
os.kill(os.getpid(), signal.SIGSTOP)
go.set()
done.wait()
os.kill(os.getpid(), signal.SIGSTOP)
'
switches() { awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }' "/proc/$1/task/$2/status"; }
python3 -c "$threads_py" >"$out/tids" &
pt=$!
until_ 10 stopped $pt
read -r ta tb <"$out/tids"
sa=$(switches $pt "$ta"); sb=$(switches $pt "$tb")
# shellcheck disable=SC2016 # $1: the inner bash's
run profile --json -p $pt --per-thread -e context-switches -- bash -c '
	kill -CONT "$1"; sleep 0.1
	until [ "$(cut -d" " -f3 /proc/$1/stat)" = T ]; do sleep 0.02; done' release $pt
ka=$(($(switches $pt "$ta") - sa)); kb=$(($(switches $pt "$tb") - sb))
kill -KILL $pt 2>/dev/null; wait $pt 2>/dev/null
# shellcheck disable=SC2016 # $t: jq's variable
per_tid() { jq -r --argjson t "$1" '.per_thread[] | select(.tid == $t) | .value' "$out/stdout"; }
la=$(per_tid "$ta" 2>/dev/null); lb=$(per_tid "$tb" 2>/dev/null)
check per_thread_counts_each_thread_as_the_kernel_does \
	"llctl ${la:-nothing} and ${lb:-nothing}, the kernel $ka and $kb (40 and 120 sleeps); $(head -c 300 "$out/stderr")" \
	sh -c "[ $ka -ge 40 ] && [ $kb -ge 120 ] && [ \"${la:-x}\" -ge $((ka - 2)) ] 2>/dev/null &&
	       [ \"$la\" -le $((ka + 2)) ] && [ \"${lb:-x}\" -ge $((kb - 2)) ] 2>/dev/null && [ \"$lb\" -le $((kb + 2)) ]"
# Once the workload has exec'd (its name is the line's); a workload gone
# before the end says how it ended. It spins far longer than it is
# watched (killed after): in the arm64 guest under -icount a sleeping
# vCPU wakes late while the other spins (a "sleep 0.5" there lasted
# 1.75 s), and a 3-second spin had ended before llctl looked at its pid.
"$WORKLOAD" spin 60000 &
bg=$!
execd() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = workload ]; }
until_ 10 execd $bg
run profile -p $bg --per-thread -e task-clock -- sleep 0.2
gone=
if ! kill -0 $bg 2>/dev/null; then
	wait $bg
	gone="the workload had exited $? before the end;"
fi
kill $bg 2>/dev/null; wait $bg 2>/dev/null
check per_thread_text_leads_with_comm_tid "$gone $(head -c 600 "$out/stderr")" \
	sh -c "grep -q '^#comm-tid ' '$out/stderr' && grep -Eq '^ +workload-$bg +[0-9.,]+ msec +task-clock' '$out/stderr'"

# A process asleep the whole time: its schedstat run time says it never
# ran; the events are not counted because of that, not "did not start".
sleep 3000 &
bg=$!
sleep 0.2
ran_before=$(cut -d' ' -f1 /proc/$bg/schedstat)
run profile --json -p $bg -e task-clock,context-switches -- sleep 0.5
ran_after=$(cut -d' ' -f1 /proc/$bg/schedstat)
kill $bg 2>/dev/null; wait $bg 2>/dev/null
if [ "$ran_before" = "$ran_after" ]; then
	check asleep_pid_is_said_to_have_never_run \
		"ran ${ran_before} ns before, ${ran_after} after: $(jq -c '.events' "$out/stdout" 2>&1 | head -c 400) $(cat "$out/stderr")" \
		jqe '.events | length == 2 and
		     all(.status == "not_counted" and (.reason | test("never ran")))' "$out/stdout"
else
	skip asleep_pid_is_said_to_have_never_run "the sleeping process ran (schedstat ${ran_before} -> ${ran_after} ns)"
fi
run profile --json -a --per-cpu -e context-switches,task-clock -- sleep 0.3
# shellcheck disable=SC2016 # $n: jq's variable, not the shell's
check per_cpu_lists_every_online_cpu "$(jq -c .per_cpu "$out/stdout" 2>&1)" \
	jqe --argjson n "$(nproc)" '(.per_cpu | map(.cpu) | unique | length) == $n and
	(.per_cpu | all(.value | type == "number"))' "$out/stdout"
# -I's text as perf stat -I prints it: its header once, then per interval
# the time, the count and its unit: task-clock in msec, of which one thread
# cannot have run more, up to a tick, than the tick's time since the start
# (llctl stamps a tick after reading it, however late the read ran on a
# loaded host; 2 ms for the held child's own steps to its wait, which the
# counter sees before the start).
run profile -I 100 -e task-clock,page-faults -- "$WORKLOAD" spin 400
interval_text_as_perf() {
	[ "$(grep -cE '^# +time +counts +unit +events$' "$out/stderr")" -eq 1 ] &&
		awk '$4 == "task-clock" && $3 == "msec" {
			n++; ran += $2
			if (ran > $1 * 1000 + 2) { bad++; print > "/dev/stderr" } }
		     $3 == "page-faults" { pf++ }
		     END { exit !(n >= 3 && pf >= 3 && !bad) }' "$out/stderr"
}
check interval_text_has_a_header_units_and_bounded_msec "$(interval_text_as_perf 2>&1 | head -n 2) $(head -n 5 "$out/stderr" | tr '\n' '|')" \
	interval_text_as_perf
run profile --json -I 100 -e task-clock -- "$WORKLOAD" spin 400
check interval_mode_reports_intervals "$(jq -c .intervals "$out/stdout" 2>&1 | head -c 300)" \
	jqe '(.intervals | length >= 2) and (.intervals[0].events[0].name == "task-clock")' \
	"$out/stdout"
run profile --json --no-multiplex -e task-clock,page-faults -- true
check no_multiplex_pins_software_events "exit $(rc): $(cat "$out/stderr")" \
	jqe '.events | all(.status == "counted" and .scaled == false)' "$out/stdout"
if [ -e /sys/bus/event_source/devices/msr ]; then
	run profile --json -e msr/tsc/ -- "$WORKLOAD" spin 50
	check msr_pmu_event_counts "$(cat "$out/stderr")" \
		jqe '.events[0].name == "msr/tsc/" and .events[0].value > 0' "$out/stdout"
else
	skip msr_pmu_event_counts "no msr PMU here (x86's TSC, APERF and MPERF as a PMU; $(uname -m) here)"
fi
"$LLCTL" profile -a -e task-clock >"$out/int" 2>&1 &
pid=$!
until_ 30 held
sleep 1
interrupt $pid 10
status=$?
check ctrl_c_stops_a_system_wide_count_and_reports "exit $status: $(tail -c 300 "$out/int")" \
	sh -c "[ $status -eq 0 ] && grep -q 'task-clock' '$out/int'"

# Thousands separators as perf stat prints them (printf's ' flag in the
# user's locale): en_US groups by 3 with commas, exactly as coreutils'
# printf %'d does for the same number, and so does perf's count in that
# locale; --no-big-num and the C locale print the digits alone. Those two
# need no en_US (C never groups; --no-big-num is checked in the locale that
# would group when there is one, else in C.UTF-8, which glibc always has):
# only the grouping itself SKIPs where localedef cannot build en_US.
if command -v localedef >/dev/null && localedef -i en_US -f UTF-8 "$out/en_US.UTF-8" 2>/dev/null; then
	en() { LOCPATH=$out LC_ALL=en_US.UTF-8 "$@"; }
	en "$LLCTL" profile -e page-faults -- "$WORKLOAD" faults 3000 2>"$out/big" >/dev/null
	ours=$(awk '$2 == "page-faults" { print $1 }' "$out/big")
	plain=${ours//,/}
	# shellcheck disable=SC2059 # the format is the test
	libc=$(en env printf "%'d" "${plain:-0}")
	en perf stat -e page-faults -- "$WORKLOAD" faults 3000 2>"$out/perfbig" >/dev/null
	perfs=$(awk '$2 == "page-faults" { print $1 }' "$out/perfbig")
	check big_num_groups_as_the_locale_does "llctl '$ours', printf %'d '$libc', perf '$perfs'" \
		sh -c "[ '$ours' = '$libc' ] && echo '$ours' | grep -Eq '^[0-9]{1,3}(,[0-9]{3})+$' &&
		       echo '$perfs' | grep -Eq '^[0-9]{1,3}(,[0-9]{3})+$'"
else
	skip big_num_groups_as_the_locale_does "no en_US locale source here (Debian's locales package; the 6.1 leg has it)"
	en() { LC_ALL=C.UTF-8 "$@"; }
fi
en "$LLCTL" profile --no-big-num -e page-faults -- "$WORKLOAD" faults 3000 2>"$out/big" >/dev/null
check no_big_num_prints_digits_alone "$(grep page-faults "$out/big")" \
	sh -c "awk '\$2 == \"page-faults\" { print \$1 }' '$out/big' | grep -Eq '^[0-9]{4,}$'"
LC_ALL=C "$LLCTL" profile -e page-faults -- "$WORKLOAD" faults 3000 2>"$out/big" >/dev/null
check c_locale_prints_digits_alone "$(grep page-faults "$out/big")" \
	sh -c "awk '\$2 == \"page-faults\" { print \$1 }' '$out/big' | grep -Eq '^[0-9]{4,}$'"

# --- events ---------------------------------------------------------------------
run events --json
check events_json_lists_supported_software_events "$(head -c 300 "$out/stdout")" \
	jqe '(.events | map(select(.name == "task-clock"))[0].supported == true) and
	(.events | all(has("name") and has("pmu") and has("type") and has("config") and
	 has("description") and has("supported") and has("reason")))' "$out/stdout"
run events page-faults
check events_pattern_filters "$(head -c 300 "$out/stdout")" \
	sh -c "grep -q 'page-faults' '$out/stdout' && ! grep -q 'task-clock' '$out/stdout'"

# --- record and report ----------------------------------------------------------
run record -F 1000 -o "$out/perf.data" -- "$WORKLOAD" spin 600
check record_writes_a_file "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -eq 0 ] && [ -s '$out/perf.data' ]"
run report --json "$out/perf.data"
check llctl_report_names_the_hot_function_first "$(head -c 400 "$out/stdout") $(cat "$out/stderr")" \
	jqe '.events[0].samples > 100 and .events[0].functions[0].symbol == "workload_hot"' "$out/stdout"
perf report -i "$out/perf.data" --stdio --sort symbol 2>"$out/perf.err" >"$out/perf.txt"
check perf_report_names_the_same_hot_function_first "$(head -c 400 "$out/perf.txt") $(head -c 200 "$out/perf.err")" \
	sh -c "grep -v '^#' '$out/perf.txt' | grep -m1 '%' | grep -q 'workload_hot'"
# One line per sample. Each is named: the command's, or llctl-exec for the
# few that come in its execve before the kernel's COMM record (perf's
# perf-exec); an unnamed one (":PID") would mean a missing COMM.
perf script -F comm -i "$out/perf.data" >"$out/script.txt" 2>"$out/perf.err"
check perf_script_reads_every_sample "$(wc -l <"$out/script.txt") lines for $(jq .events[0].samples "$out/stdout") samples; $(sort "$out/script.txt" | uniq -c | tr -s ' \n' ' ') $(head -c 300 "$out/perf.err")" \
	sh -c "[ \$(wc -l <'$out/script.txt') -eq \$(jq .events[0].samples '$out/stdout') ] &&
	       ! grep -Evq '^ *(workload|llctl-exec) *\$' '$out/script.txt'"
run record -g -F 500 -o "$out/g.data" -- "$WORKLOAD" spin 400
"$LLCTL" report --folded "$out/g.data" >"$out/folded" 2>"$out/stderr"
check folded_stacks_run_from_main_to_the_hot_function "$(head -c 300 "$out/folded")" \
	grep -q 'main;workload_hot [0-9]' "$out/folded"

check nothing_stays_open_at_the_end "counters open: $(open_now)" [ "$(open_now)" = 0 ]
rmmod llkm
ktap_totals
[ "$fail" -eq 0 ]
