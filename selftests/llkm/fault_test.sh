#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults through llctl, feature by feature: trace (syscalls, IRQs,
# softirqs, switches), profile (counting), record (sampling), the probes in
# llkm's kernel threads (coherency --kernel) and in user threads
# (coherency --user). For each: rmmod is refused while llctl holds
# /dev/llkm and otherwise stops the feature, which llctl reports in one
# line; SIGKILL leaves no counter, session or module reference behind; CPU
# 1 going offline and back is survived. Then several llctl processes at
# once: counters are shared out, a second session or probe run is refused
# in one line. Last, where the kernel has kmemleak, nothing of llkm's leaks.
# fault_test (C) checks the same at each protocol stage, and allocation
# failures.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=18
FEATURES=(trace profile record probe user)
CPU1=/sys/devices/system/cpu/cpu1/online
KMEMLEAK=/sys/kernel/debug/kmemleak

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null; then
	skip_all $PLAN "needs root, jq, llctl and llkm.ko"
fi
[ -x "$here/workload" ] || skip_all $PLAN "needs selftests/llkm/workload (make selftests)"
grep -qw llkm /proc/modules && rmmod llkm
# Every load's address range: a leak's backtrace names llkm's code only
# while that load is in; after it, the raw addresses still fall in here.
ranges=()
load() {
	insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }
	ranges+=("$(awk '$1 == "llkm" { print $6, $2 }' /proc/modules)")
}
load
two=$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)
probes=$(probes_here && echo true || echo false)
hotplug=$([ "$two" = 1 ] && [ -w $CPU1 ] && echo 1 || echo 0)

set_cpu1() { echo "$1" >$CPU1; }

# start FEATURE: llctl running it in the background ($fpid: llctl itself),
# until stopped.
start() {
	local f=$1 o="$out/$1"
	case $f in
	trace) exec "$LLCTL" trace --syscalls --irqs --softirqs --sched -a --duration 60 --json ;;
	profile) exec "$LLCTL" profile -a -e task-clock,context-switches --json ;;
	record) exec "$LLCTL" record -F 500 -o "$out/perf.data" -- "$here/workload" spin 60000 ;;
	probe) exec "$LLCTL" coherency --kernel --test c2c,litmus --iterations 1048576 --json ;;
	user) exec "$LLCTL" coherency --user --test c2c,litmus --iterations 1048576 --json ;;
	esac >"$o.out" 2>"$o.err" &
	fpid=$!
}
# llctl's user-mode probe threads are up (after its SIGINT handler).
team_up() { [ "$(find /proc/"$fpid"/task -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" -gt 1 ]; }
# ready FEATURE: it runs (llctl holds /dev/llkm, or a probe thread is up).
# llctl sets its SIGINT handler before it opens /dev/llkm; the probe
# threads come later still.
ready() {
	case $1 in
	trace | profile | record) until_ 10 held ;;
	probe) until_ 10 probe_thread ;;
	user) until_ 10 team_up ;;
	esac && kill -0 "$fpid" 2>/dev/null
}
# stop FEATURE: as Ctrl-C would (record: its command's end); the status,
# 124 when llctl still ran 10 s later.
stop() {
	local status
	if [ "$1" = record ]; then
		# Once the command runs (until then it is llctl's held child).
		until_ 10 pkill -INT -P "$fpid" -x workload
		reap "$fpid" 10
	else
		interrupt "$fpid" 10
	fi
	status=$?
	fpid=
	return $status
}
# reported FEATURE STATUS: what llctl printed when stopped is whole.
reported() {
	local o="$out/$1.out"
	[ "$2" -eq 0 ] || { [ "$1" = record ] && [ "$2" -eq 130 ]; } || return 1
	case $1 in
	trace) jq -e '.ring.produced == .ring.delivered + .ring.lost and .ring.produced > 0' "$o" ;;
	profile) jq -e '.events | map(.name) == ["task-clock", "context-switches"]' "$o" ;;
	record) [ -s "$out/perf.data" ] ;;	# the command's SIGINT status
	probe | user) jq -e '.tests.c2c != null' "$o" ;;
	esac >/dev/null 2>&1
}
# one_line_error FEATURE STATUS: failed on its own (no signal), saying why once.
one_line_error() {
	[ "$2" -ne 0 ] && [ "$2" -lt 128 ] && [ "$(wc -l <"$out/$1.err")" -eq 1 ] &&
		grep -q '^llctl: Unable to' "$out/$1.err"
}
# Nothing open, nothing held, every feature usable again (a probe run
# refused with the reason where the module runs none).
clean() {
	local n
	n=$("$LLCTL" info --json | jq -r .counters_open) &&
		[ "$n" = 0 ] && [ "$(refcnt)" = 0 ] &&
		"$LLCTL" trace -- true >/dev/null 2>"$out/clean.err" || return 1
	if [ "$probes" = true ]; then
		"$LLCTL" fence --kernel --batches 2 --iterations 100 >/dev/null 2>>"$out/clean.err"
	else
		! "$LLCTL" fence --kernel --batches 2 --iterations 100 >/dev/null 2>>"$out/clean.err" &&
			grep -q 'not ported' "$out/clean.err"
	fi
}
clean_why() { echo "counters_open $("$LLCTL" info --json | jq -c .counters_open), refcnt $(refcnt): $(head -c 300 "$out/clean.err" 2>/dev/null)"; }

# The verdicts, on $f, $unloaded, $alive, $status.
rmmod_refused() {
	[ "$unloaded" -ne 0 ] && [ "$alive" = 1 ] && grep -qw llkm /proc/modules &&
		reported "$f" "$status"
}
rmmod_stopped_it() {
	[ "$unloaded" -eq 0 ] && ! grep -qw llkm /proc/modules && one_line_error "$f" "$status"
}
killed_clean() { [ "$up" = 0 ] && clean; }
rmmod_passed_by() { [ "$unloaded" -eq 0 ] && reported "$f" "$status"; }

# --- rmmod while each feature runs ------------------------------------------
for f in "${FEATURES[@]}"; do
	name=rmmod_during_$f
	if [ "$f" = probe ] && [ "$two" = 0 ]; then
		skip "$name" "needs two online CPUs"
		continue
	fi
	if { [ "$f" = probe ] || [ "$f" = user ]; } && [ "$probes" != true ]; then
		skip "$name" "$NO_PROBES_WHY"
		continue
	fi
	start "$f"
	if ! ready "$f"; then
		kill -KILL "$fpid" 2>/dev/null
		{ wait "$fpid"; } 2>/dev/null
		not_ok "$name" "$f did not start: $(head -c 300 "$out/$f.err")"
		continue
	fi
	rmmod llkm 2>"$out/rmmod.err"
	unloaded=$?
	alive=$(kill -0 "$fpid" 2>/dev/null && echo 1 || echo 0)
	case $f in
	trace | profile | record)
		# llctl holds /dev/llkm: refused, and the feature goes on.
		stop "$f"
		status=$?
		check "$name" "rmmod exit $unloaded, alive after it $alive, exit $status: $(head -c 300 "$out/$f.err")" \
			rmmod_refused
		;;
	probe)
		# Nothing holds the module: the run stops, llctl says so once.
		wait "$fpid"
		status=$?
		check "$name" "rmmod exit $unloaded, llctl exit $status: $(head -c 300 "$out/$f.err")" \
			rmmod_stopped_it
		;;
	user)
		# User threads need no module: they go on to the end.
		stop "$f"
		status=$?
		check "$name" "rmmod exit $unloaded, llctl exit $status: $(head -c 300 "$out/$f.err")" \
			rmmod_passed_by
		;;
	esac
	grep -qw llkm /proc/modules && rmmod llkm
	load
done

# --- SIGKILL while each feature runs ----------------------------------------
# (Not the user-mode probes: they hold nothing of the module's to leave.)
for f in trace profile record probe; do
	name=sigkill_during_${f}_leaves_nothing_open
	if [ "$f" = probe ] && [ "$two" = 0 ]; then
		skip "$name" "needs two online CPUs"
		continue
	fi
	if [ "$f" = probe ] && [ "$probes" != true ]; then
		skip "$name" "$NO_PROBES_WHY"
		continue
	fi
	start "$f"
	ready "$f"
	up=$?
	kill -KILL "$fpid"
	[ "$f" = record ] && pkill -KILL -x workload
	{ wait "$fpid"; } 2>/dev/null	# no "Killed" from bash
	check "$name" "started: $([ "$up" = 0 ] && echo yes || echo no), $(clean_why)" \
		killed_clean
done

# --- CPU 1 offline and back while each feature runs -------------------------
# A CPU going offline stops a kernel probe run on it; a run (kernel or user) that
# wants the offline CPU is refused in one line. The rest goes on through it.
survived() {
	[ "$off" = 0 ] && [ "$on" = 0 ] || return 1
	case $f in
	probe) [ "$status" -eq 0 ] && reported "$f" 0 ||
		{ one_line_error "$f" "$status" && grep -qi 'cpu' "$out/$f.err"; } ;;
	# Each test that wanted the CPU says so; the others run.
	user) [ "$status" -eq 0 ] && reported "$f" 0 ||
		{ [ "$status" -lt 128 ] && grep -qi 'cpu' "$out/$f.err"; } ;;
	# The counters on CPU 1 stopped with it: the report says so.
	profile) reported "$f" "$status" &&
		jq -e '.events | all(.partial | test("CPU 1"))' "$out/$f.out" >/dev/null ;;
	*) reported "$f" "$status" ;;
	esac && clean
}
for f in "${FEATURES[@]}"; do
	name=cpu_offline_and_back_during_$f
	if [ "$hotplug" = 0 ]; then
		skip "$name" "needs a second CPU that can go offline"
		continue
	fi
	if { [ "$f" = probe ] || [ "$f" = user ]; } && [ "$probes" != true ]; then
		skip "$name" "$NO_PROBES_WHY"
		continue
	fi
	start "$f"
	ready "$f"
	set_cpu1 0
	off=$?
	sleep 0.3
	set_cpu1 1
	on=$?
	sleep 0.2
	if kill -0 "$fpid" 2>/dev/null; then
		stop "$f"
	else
		wait "$fpid"
	fi
	status=$?
	check "$name" "offline $off, online $on, llctl exit $status: $(head -c 300 "$out/$f.err"); $(clean_why)" \
		survived
	grep -q 1 $CPU1 || echo 1 >$CPU1
done

# --- several llctl processes at once ------------------------------------------
# Counters from several processes: each gets its own.
pids=()
for i in 1 2 3; do
	"$LLCTL" profile -e task-clock,page-faults --json -- "$here/workload" spin 300 \
		>"$out/prof$i.out" 2>"$out/prof$i.err" &
	pids+=($!)
done
profiles_ok() {
	local i status=0
	for i in 0 1 2; do
		wait "${pids[$i]}" || status=1
		jq -e '.events[0].value > 0' "$out/prof$((i + 1)).out" >/dev/null || status=1
	done
	[ $status = 0 ] && clean
}
check concurrent_profiles_each_count "$(cat "$out"/prof*.err | head -c 300); $(clean_why)" profiles_ok

# Two sessions: one runs, the other is refused in one line.
for i in 1 2; do
	"$LLCTL" trace -a --duration 2 --json >"$out/tr$i.out" 2>"$out/tr$i.err" &
	pids[i]=$!
done
wait "${pids[1]}"; s1=$?
wait "${pids[2]}"; s2=$?
one_session() {
	local ok=0 busy=0 i s
	for i in 1 2; do
		s=$([ $i = 1 ] && echo $s1 || echo $s2)
		if [ "$s" = 0 ]; then
			ok=$((ok + 1))
		elif [ "$(wc -l <"$out/tr$i.err")" -eq 1 ] &&
		     grep -q 'another trace session is running' "$out/tr$i.err"; then
			busy=$((busy + 1))
		fi
	done
	# Rarely, the first ended before the second started: both ran.
	[ $((ok + busy)) = 2 ] && [ $ok -ge 1 ] && clean
}
check concurrent_traces_one_session_the_other_refused \
	"exits $s1 $s2: $(cat "$out"/tr*.err | head -c 300)" one_session

# Probe runs: one at a time, the others refused in one line.
if [ "$probes" = true ]; then
	for i in 1 2 3; do
		"$LLCTL" fence --kernel --json --batches 20 --iterations 20000 \
			>"$out/fe$i.out" 2>"$out/fe$i.err" &
		pids[i]=$!
	done
	one_probe() {
		local ok=0 busy=0 i
		for i in 1 2 3; do
			if wait "${pids[$i]}"; then
				ok=$((ok + 1))
			elif [ "$(wc -l <"$out/fe$i.err")" -eq 1 ] &&
			     grep -q 'another probe is running' "$out/fe$i.err"; then
				busy=$((busy + 1))
			fi
		done
		[ $((ok + busy)) = 3 ] && [ $ok -ge 1 ] && clean
	}
	check concurrent_probes_one_at_a_time "$(cat "$out"/fe*.err | head -c 300)" one_probe
else
	skip concurrent_probes_one_at_a_time "$NO_PROBES_WHY"
fi

# --- kmemleak ------------------------------------------------------------------
# Unreferenced objects whose allocation backtrace is llkm's: by name while
# this load is in; for the loads before it, %pS prints a bare 0x address,
# which falls in one of their ranges (the [<...>] one may be hashed).
llkm_leaks() {
	local obj='' line a r lo
	while IFS= read -r line; do
		case $line in
		'unreferenced object'*) obj=$line; continue ;;
		*'[<'*'>]'*) [ -n "$obj" ] || continue ;;
		*) continue ;;
		esac
		a=${line##*] }
		if [[ $line == *llkm* ]]; then
			echo "$obj $a"
			obj=
		elif [[ $a =~ ^0x[0-9a-f]+$ ]]; then
			for r in "${ranges[@]}"; do
				lo=${r% *}
				if ((a >= lo && a < lo + ${r#* })); then
					echo "$obj $a"
					obj=
					break
				fi
			done
		fi
	done <"$KMEMLEAK"
}
if [ -w $KMEMLEAK ]; then
	# An object is reported once it is older than 5 s, at a scan after that.
	sleep 5
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	leaks=$(llkm_leaks)
	check kmemleak_finds_nothing_of_llkm "$(echo "$leaks" | head -5 | tr '\n' ' ')" \
		[ -z "$leaks" ]
else
	skip kmemleak_finds_nothing_of_llkm "no $KMEMLEAK: a kernel without CONFIG_DEBUG_KMEMLEAK"
fi

rmmod llkm
ktap_totals
[ "$fail" -eq 0 ]
