#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl metrics against the real module: one scrape on stdout and the HTTP
# server, both accepted by promtool; what the guest cannot measure (no
# hardware PMU, no uncore memory controller) is absent rather than zero;
# counts grow between scrapes; SIGTERM closes every counter.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=32

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null ||
   ! command -v curl >/dev/null; then
	skip_all $PLAN "needs root, jq, curl, llctl and llkm.ko"
fi
if ! command -v promtool >/dev/null; then
	skip_all $PLAN "needs promtool (Debian's prometheus package)"
fi
grep -qw llkm /proc/modules && rmmod llkm
ip link set lo up 2>/dev/null
hw=0
hw_pmu && hw=1
ncpu=$(nproc)
version=$("$LLCTL" --version | awk '{print $2}')

# promtool_ok FILE: the exposition passes promtool's parser and linter
# (what it says otherwise goes out as KTAP diagnostics).
promtool_ok() {
	promtool check metrics <"$1" >"$out/promtool" 2>&1 ||
		{ sed 's/^/# promtool: /' "$out/promtool"; false; }
}
# samples FILE FAMILY: its sample lines.
samples() { grep -E "^$2(\{| )" "$1"; }
# sum FILE FAMILY: the sum of its samples.
sum() { samples "$1" "$2" | awk '{ s += $NF } END { printf "%d\n", s }'; }
open_now() { "$LLCTL" info --json | jq -r .counters_open; }

# --- without the module ---------------------------------------------------------
run metrics --once
check without_module_fails_in_one_line_saying_how_to_load "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -eq 1 ] && [ \$(wc -l <'$out/stderr') -eq 1 ] &&
	       grep -q \"insmod\" '$out/stderr' && [ ! -s '$out/stdout' ]"
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }

# --- one scrape on stdout ---------------------------------------------------------
run metrics --once --interval 0.5
cp "$out/stdout" "$out/once"
check once_succeeds "exit $(rc): $(cat "$out/stderr")" [ "$(rc)" -eq 0 ]
check once_passes_promtool_check_metrics "promtool refused it" promtool_ok "$out/once"
check once_has_build_info_with_module_abi_and_kernel "$(samples "$out/once" llkm_build_info)" \
	grep -q "^llkm_build_info{llctl_version=\"$version\",module_version=\"$version\",abi=\"${LLKM_ABI:-?}\",kernel=\"$(uname -r)\"} 1$" "$out/once"
check context_switches_have_one_sample_per_cpu "$(samples "$out/once" llkm_context_switches_total | head -5)" \
	[ "$(samples "$out/once" llkm_context_switches_total | grep -c '{cpu="[0-9]*"}')" -eq "$ncpu" ]
check every_family_has_help_and_type "$(grep -c '^# TYPE' "$out/once") TYPE lines" \
	sh -c "[ \$(grep -c '^# HELP llkm_' '$out/once') -eq \$(grep -c '^# TYPE llkm_' '$out/once') ] &&
	       [ \$(grep -c '^# TYPE llkm_' '$out/once') -ge 10 ]"
if [ $hw = 1 ]; then
	# With a PMU (sysfs has its cpu_cycles): the IPC family, one sample per
	# CPU, within the IPC gate (0-12, docs/plausibility.md), and cycles said
	# to be supported.
	check ipc_per_cpu_with_a_hardware_pmu "$(samples "$out/once" llkm_instructions_per_cycle | head -3)" \
		sh -c "[ \$(grep -cE '^llkm_instructions_per_cycle\{cpu=\"[0-9]+\"\} ' '$out/once') -eq $ncpu ] &&
		       awk '/^llkm_instructions_per_cycle\{/ { if (\$2 < 0 || \$2 > 12) bad = 1 } END { exit bad }' '$out/once'"
	check supported_events_are_said_one "$(samples "$out/once" llkm_event_supported | head -3)" \
		grep -q '^llkm_event_supported{event="cycles"} 1$' "$out/once"
else
	check no_ipc_without_a_hardware_pmu "$(grep -c instructions "$out/once") lines name instructions" \
		sh -c "! grep -q 'llkm_instructions_per_cycle\|llkm_instructions_total\|llkm_cpu_cycles_total\|llkm_cache_miss_ratio' '$out/once'"
	check unsupported_events_are_said_not_zero "$(samples "$out/once" llkm_event_supported | head -3)" \
		grep -q '^llkm_event_supported{event="cycles"} 0$' "$out/once"
fi
if [ -e /sys/bus/event_source/devices/uncore_imc_0 ] || [ -e /sys/bus/event_source/devices/uncore_imc ]; then
	skip no_memory_bandwidth_without_uncore_imc "this machine has an uncore memory controller PMU"
else
	check no_memory_bandwidth_without_uncore_imc "$(grep llkm_memory "$out/once" | head -3)" \
		sh -c "! grep -q '^[^#]*llkm_memory' '$out/once' && ! grep -q 'llkm_memory' '$out/once'"
fi
coverage_one() {
	[ "$(samples "$1" llkm_event_coverage_ratio |
	     grep -c 'event="context-switches",cpu="[0-9]*"} 1$')" -eq "$ncpu" ]
}
check coverage_is_one_for_software_events "$(samples "$out/once" llkm_event_coverage_ratio | head -3)" \
	coverage_one "$out/once"
timing_ok() {
	samples "$1" llkm_scrape_duration_seconds | grep -q ' [0-9.e-]*$' &&
		samples "$1" llkm_collect_interval_seconds | awk '{ exit !($2 >= 0.45 && $2 < 5) }'
}
check scrape_duration_and_interval_are_reported "$(grep -E '^llkm_(scrape_duration|collect_interval)' "$out/once")" \
	timing_ok "$out/once"
check once_leaves_no_counter_open "counters open: $(open_now)" [ "$(open_now)" = 0 ]

check no_ring_counts_before_any_trace_session "$(samples "$out/once" llkm_ring_produced_records_total | head -3)" \
	sh -c "! grep -q llkm_ring_ '$out/once'"

# A trace session's rings: produced and lost per CPU, the last session's.
"$LLCTL" trace -a --irqs --sched --duration 0.5 >/dev/null 2>&1
run metrics --once --interval 0.2
rings_ok() {
	[ "$(samples "$1" llkm_ring_produced_records_total | grep -c '{cpu=')" -ge "$ncpu" ] &&
		[ "$(sum "$1" llkm_ring_produced_records_total)" -gt 0 ] &&
		[ "$(samples "$1" llkm_ring_lost_records_total | grep -c '{cpu=')" -ge "$ncpu" ]
}
check ring_counts_of_the_last_session_per_cpu "$(samples "$out/stdout" llkm_ring_produced_records_total | head -3)" \
	rings_ok "$out/stdout"

# --trace: llctl trace's summary as counters.
run metrics --once --interval 1 --trace all
cp "$out/stdout" "$out/traced"
trace_once_ok() { [ "$(rc)" -eq 0 ] && promtool_ok "$out/traced"; }
check trace_once_passes_promtool "exit $(rc): $(cat "$out/stderr")" trace_once_ok
check trace_counts_syscalls_by_name "$(samples "$out/traced" llkm_syscalls_total | head -3)" \
	sh -c "grep -Eq '^llkm_syscalls_total\{syscall=\"(ioctl|poll|ppoll)\"\} [1-9]' '$out/traced' &&
	       grep -q '^llkm_syscall_seconds_total{syscall=\"' '$out/traced'"
check trace_counts_softirqs_per_cpu "$(samples "$out/traced" llkm_softirqs_total | head -3)" \
	grep -Eq '^llkm_softirqs_total\{softirq="[A-Z_]+",cpu="[0-9]+"\} [1-9]' "$out/traced"
delivered_ok() {
	local d
	d=$(samples "$1" llkm_ring_delivered_records_total | awk '{print $2}')
	[ "${d:-0}" -gt 0 ] && [ "$d" -le "$(sum "$1" llkm_ring_produced_records_total)" ]
}
check trace_delivers_what_the_rings_produced "$(grep -E '^llkm_ring_(delivered|produced)' "$out/traced" | head -4)" \
	delivered_ok "$out/traced"
trace_starts() { "$LLCTL" trace -a --duration 0.1 >/dev/null 2>&1; }
check trace_session_ends_with_the_exporter "llctl trace could not start a session after it" \
	trace_starts

as_nobody "$LLCTL" metrics --once --interval 0.1 >"$out/stdout" 2>"$out/stderr"
check as_nobody_fails_with_permission_hint "$(cat "$out/stderr")" \
	sh -c "[ \$(wc -l <'$out/stderr') -eq 1 ] && grep -q 'CAP_PERFMON' '$out/stderr' && [ ! -s '$out/stdout' ]"

# --- the HTTP server --------------------------------------------------------------
"$LLCTL" metrics --listen 127.0.0.1:0 --interval 0.5 >"$out/srv.out" 2>"$out/srv.err" &
srv=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/metrics$|\1|p' "$out/srv.err")
	[ -n "$port" ] && break
	sleep 0.1
done
url=http://127.0.0.1:$port
check server_says_where_it_listens "$(cat "$out/srv.err")" [ -n "$port" ]
code=$(curl -s -o "$out/s1" -w '%{http_code} %{content_type}' "$url/metrics")
check scrape_is_200_with_the_exposition_content_type "$code" \
	[ "$code" = "200 text/plain; version=0.0.4; charset=utf-8" ]
check scrape_passes_promtool_check_metrics "promtool refused it" promtool_ok "$out/s1"
check scrape_has_per_cpu_context_switches "$(samples "$out/s1" llkm_context_switches_total | head -3)" \
	[ "$(samples "$out/s1" llkm_context_switches_total | grep -c '{cpu=')" -eq "$ncpu" ]
open_serving=$(open_now)
check counters_stay_open_while_serving "counters open: $open_serving, exporter says $(samples "$out/s1" llkm_counters_open)" \
	grep -q "^llkm_counters_open $open_serving$" "$out/s1"
sleep 1.5
curl -s -o "$out/s2" "$url/metrics"
a=$(sum "$out/s1" llkm_context_switches_total)
b=$(sum "$out/s2" llkm_context_switches_total)
check context_switches_grow_between_scrapes "$a then $b" [ "$b" -gt "$a" ]
c1=$(samples "$out/s1" llkm_collections_total | awk '{print $2}')
c2=$(samples "$out/s2" llkm_collections_total | awk '{print $2}')
check collections_go_on_every_interval "$c1 then $c2" [ "$((c2 - c1))" -ge 2 ]
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/")
code2=$(curl -s -o /dev/null -w '%{http_code}' "$url/metricsx")
check other_paths_are_404 "/ $code, /metricsx $code2" [ "$code $code2" = "404 404" ]
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 "$url/metrics")
check other_methods_are_405 "POST $code" [ "$code" = 405 ]
"$LLCTL" metrics --listen "127.0.0.1:$port" --interval 0.5 >/dev/null 2>"$out/busy.err"
st=$?
check a_port_in_use_fails_in_one_line "exit $st: $(cat "$out/busy.err")" \
	sh -c "[ $st -eq 1 ] && [ \$(wc -l <'$out/busy.err') -eq 1 ] && grep -q 'in use' '$out/busy.err'"
kill -TERM $srv
for _ in $(seq 50); do kill -0 $srv 2>/dev/null || break; sleep 0.1; done
if kill -0 $srv 2>/dev/null; then
	kill -KILL $srv
	status=timeout
else
	wait $srv
	status=$?
fi
check sigterm_stops_the_server_with_status_0 "status $status: $(cat "$out/srv.err")" [ "$status" = 0 ]
check sigterm_closes_every_counter "counters open: $(open_now)" [ "$(open_now)" = 0 ]

rmmod llkm
ktap_totals
[ "$fail" -eq 0 ]
