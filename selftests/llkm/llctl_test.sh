#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl end to end against the real module: what a user sees, with and
# without llkm loaded, as root and as nobody. KTAP, with the harness's
# "# Totals:" line so runners count it like the C tests.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"

echo "TAP version 13"
echo "1..56"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null ||
   ! command -v strace >/dev/null || ! command -v babeltrace2 >/dev/null; then
	for i in $(seq 56); do skip "llctl_$i" "needs root, jq, strace, babeltrace2, llctl and llkm.ko"; done
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:56 error:0"
	exit 4
fi
grep -qw llkm /proc/modules && rmmod llkm
version=$("$LLCTL" --version | awk '{print $2}')

# --- without the module ---------------------------------------------------
run info
check info_without_module_fails "exit $(rc)" [ "$(rc)" -ne 0 ]
check info_without_module_says_how_to_load "stderr: $(cat "$out/stderr")" \
	grep -qE "llkm is not loaded: (load it: sudo (insmod|modprobe)|build it for this kernel and load it: make)" "$out/stderr"
check info_without_module_error_is_one_line "$(wc -l <"$out/stderr") lines" \
	[ "$(wc -l <"$out/stderr")" -eq 1 ]
run doctor
check doctor_without_module_exits_1 "exit $(rc)" [ "$(rc)" -eq 1 ]
check doctor_without_module_says_how_to_load "no insmod hint" \
	grep -q 'insmod' "$out/stdout"

# --- with the module --------------------------------------------------------
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }

run info
check info_succeeds "exit $(rc): $(cat "$out/stderr")" [ "$(rc)" -eq 0 ]
check info_text_names_version_and_abi "$(head -c 300 "$out/stdout")" \
	grep -q "^llkm $version, ABI ${LLKM_ABI:-?}$" "$out/stdout"
check info_text_carries_the_environment "no '# kernel' header" \
	grep -q "^# kernel $(uname -r)" "$out/stdout"
check info_text_names_the_architecture "$(grep arch: "$out/stdout")" \
	grep -Eq "^  arch: +$(uname -m)$" "$out/stdout"

run info --json
check info_json_is_valid_json "$(head -c 300 "$out/stdout")" jq -e . "$out/stdout" >/dev/null
# shellcheck disable=SC2016 # $v, $arch, $online, $abi: jq's variables, not the shell's
check info_json_has_the_documented_keys_and_types "jq says no" jq -e --arg v "$version" \
	--arg arch "$(uname -m)" --argjson online "$(nproc)" --argjson abi "${LLKM_ABI:-null}" '
	(.version == $v) and (.abi == $abi) and (.arch == $arch) and
	(.cpus.possible >= .cpus.online) and (.cpus.online == $online) and
	(.cache_line_size | type == "number") and
	(.features | type == "array") and ((.features | index("genl")) != null) and
	(.pmus | map(select(.name == "software" and .type == 1)) | length == 1) and
	(.ring.size_per_cpu | type == "number") and (.ring.mode | type == "string") and
	(.env.kernel | type == "string") and (.env.llkm_version == $v)' \
	"$out/stdout" >/dev/null

run doctor
if hw_pmu; then
	check doctor_names_the_hardware_pmu "$(grep hardware_pmu "$out/stdout")" \
		grep -Eq '^ok +hardware_pmu ' "$out/stdout"
else
	check doctor_says_there_is_no_hardware_pmu "$(grep hardware_pmu "$out/stdout")" \
		grep -q 'no hardware PMU' "$out/stdout"
fi
run doctor --json
# shellcheck disable=SC2016 # $n, $c: jq's variables, not the shell's
check doctor_json_has_every_check "jq says no" jq -e '
	[.checks[].name] as $n |
	["module","device","genl","capabilities","perf_event_paranoid",
	 "hardware_pmu","nmi_watchdog","lockdown","headers","tracefs",
	 "governor","smt"] | all(. as $c | $n | index($c) != null)' \
	"$out/stdout" >/dev/null
check doctor_json_fix_is_null_exactly_when_ok "jq says no" jq -e '
	.checks | all((.status | IN("ok", "warn", "fail")) and
		      ((.status == "ok") == (.fix == null)) and
		      (.why | length > 0) and (.found | length > 0))' \
	"$out/stdout" >/dev/null
check doctor_exit_status_matches_fail_count "exit $(rc)" \
	[ "$(rc)" -eq "$(jq '[.checks[] | select(.status == "fail")] | if length > 0 then 1 else 0 end' "$out/stdout")" ]

# --- arm64: the CPU's identity (MIDR_EL1) and the arm64 checks ---------------
# Oracles: /proc/cpuinfo's hex fields, sysfs's midr_el1, the kernel's boot
# line "enabled with PMU PMU driver, N counters available", /proc/cmdline,
# /proc/sys/kernel/perf_user_access. x86 has no MIDR: these skip there.
arm_tests=(doctor_names_the_cpu_implementer_from_cpuinfo
	doctor_json_env_midr_matches_cpuinfo_and_sysfs
	doctor_hardware_pmu_counts_the_kernels_counters
	doctor_pseudo_nmi_follows_the_command_line
	doctor_perf_user_access_reads_the_sysctl
	profile_names_the_arm_pmu_of_a_missing_event
	events_says_once_that_libpfm4_does_not_know_the_core)
cpuinfo_field() { awk -F': *' -v k="$1" '$1 ~ "^"k"[ \t]*$" {print $2; exit}' /proc/cpuinfo; }
if [ "$(uname -m)" != aarch64 ]; then
	for t in "${arm_tests[@]}"; do skip "$t" "arm64 only"; done
else
	imp=$(cpuinfo_field "CPU implementer")
	part=$(cpuinfo_field "CPU part")
	# the implementer's name, from Arm's list (not from llctl's table)
	case $imp in
	0x00) imp_name="reserved for software use" ;;
	0x41) imp_name="Arm" ;;
	0x51) imp_name="Qualcomm" ;;
	0xc0) imp_name="Ampere" ;;
	0x4e) imp_name="NVIDIA" ;;
	0x61) imp_name="Apple" ;;
	*) imp_name="" ;;
	esac
	run doctor
	cpu_line=$(grep '^# cpu ' "$out/stdout")
	names_implementer() {
		[ -n "$imp" ] && [ -n "$part" ] &&
			grep -q "^# cpu .*${imp_name}.*(implementer $imp variant .* part $part revision " "$out/stdout"
	}
	check doctor_names_the_cpu_implementer_from_cpuinfo \
		"cpuinfo: implementer '$imp' part '$part' ($imp_name); llctl: $cpu_line" names_implementer

	run doctor --json
	midr=$(cat /sys/devices/system/cpu/cpu0/regs/identification/midr_el1 2>/dev/null)
	midr_value=null
	[ -z "$midr" ] || midr_value="\"$(printf '0x%08x' "$((midr))")\""
	# shellcheck disable=SC2016 # $i, $p, $v: jq's variables
	check doctor_json_env_midr_matches_cpuinfo_and_sysfs \
		"cpuinfo $imp/$part, sysfs $midr; llctl: $(jq -c .env.cpu.midr "$out/stdout")" \
		jq -e --argjson i "$((imp))" --argjson p "$((part))" --argjson v "$midr_value" '
		.env.cpu.midr.implementer == $i and .env.cpu.midr.part == $p and
		.env.cpu.midr.value == $v' "$out/stdout" >/dev/null

	boot=$(dmesg | grep -o 'enabled with [^ ]* PMU driver, [0-9]* counters available' | tail -n 1)
	pmu_name=$(echo "$boot" | awk '{print $3}')
	ncounters=$(echo "$boot" | awk '{print $6}')
	if [ -z "$boot" ]; then
		skip doctor_hardware_pmu_counts_the_kernels_counters "no 'counters available' line in dmesg"
	else
		pmu_found=$(jq -r '.checks[] | select(.name == "hardware_pmu") | .found' "$out/stdout")
		check doctor_hardware_pmu_counts_the_kernels_counters \
			"kernel: $pmu_name, $ncounters counters; llctl: $pmu_found" \
			grep -q "$pmu_name: $ncounters counters (found by perf_event_open" <<<"$pmu_found"
	fi

	if grep -qE '(^| )irqchip\.gicv3_pseudo_nmi=(1|y|Y|on)' /proc/cmdline; then want=ok; else want=warn; fi
	# shellcheck disable=SC2016 # $w: jq's variable
	check doctor_pseudo_nmi_follows_the_command_line \
		"cmdline: $(cat /proc/cmdline); want $want; llctl: $(jq -c '.checks[] | select(.name == "pseudo_nmi")' "$out/stdout")" \
		jq -e --arg w "$want" '.checks[] | select(.name == "pseudo_nmi") |
		.status == $w and (.found | test("command line")) and
		($w == "ok" or (.fix | length > 0))' "$out/stdout" >/dev/null

	ua=$(cat /proc/sys/kernel/perf_user_access 2>/dev/null)
	# shellcheck disable=SC2016 # $ua: jq's variable
	check doctor_perf_user_access_reads_the_sysctl \
		"sysctl '$ua'; llctl: $(jq -c '.checks[] | select(.name == "perf_user_access")' "$out/stdout")" \
		jq -e --arg ua "$ua" '.checks[] | select(.name == "perf_user_access") |
		.status == "ok" and .fix == null and
		(.found | if $ua == "" then test("before 5.17") else startswith("perf_user_access " + $ua + ":") end)' \
		"$out/stdout" >/dev/null

	# QEMU's PMUv3 has no branch event (its events/ lists the ones it has)
	arm_pmu=
	for d in /sys/bus/event_source/devices/armv*; do
		[ -e "$d/events/cpu_cycles" ] && { arm_pmu=${d##*/}; break; }
	done
	if [ -e "/sys/bus/event_source/devices/$arm_pmu/events/br_retired" ]; then
		skip profile_names_the_arm_pmu_of_a_missing_event "$arm_pmu counts branches"
	else
		run profile -e branches -- true
		check profile_names_the_arm_pmu_of_a_missing_event \
			"exit $(rc): $(cat "$out/stderr")" \
			sh -c "[ $(rc) -ne 0 ] && grep -q 'branches is not an event of $arm_pmu on this machine' '$out/stderr' &&
			       ! grep -q 'not an event of cpu' '$out/stderr'"
	fi

	run events
	"$LLCTL" events --json >"$out/events.json" 2>/dev/null
	libpfm_knows_no_core() {
		# implementer 0x00 is software's (QEMU): no table can name it
		[ "$imp" = 0x00 ] || return 0
		[ "$(grep -c "^Note: libpfm4 does not recognise this CPU's core PMU (MIDR implementer $imp, part $part)" "$out/stdout")" -eq 1 ] &&
			grep -q "^  $arm_pmu/inst_retired/ *yes" "$out/stdout" &&
			jq -e '(.libpfm4.core_pmus | length == 0) and (.libpfm4.note | test("does not recognise"))' \
				"$out/events.json" >/dev/null
	}
	check events_says_once_that_libpfm4_does_not_know_the_core \
		"$(grep -A1 '^Note' "$out/stdout"); json: $(jq -c .libpfm4 "$out/events.json")" \
		libpfm_knows_no_core
fi

# --- trace's text: strace -c's table, bcc's histograms -----------------------
# workload sleep 20 makes 20 nanosleeps of 1 ms: the table's clock_nanosleep
# row has 20 calls, and --hist draws its 20 calls in buckets of 1 ms and
# more (the bucket 524288 -> 1048575 holds 1 ms on).
"$LLCTL" trace --hist -- "$here/workload" sleep 20 >"$out/hist" 2>&1
hist_of_the_sleeps() {
	awk '/^clock_nanosleep: / { h = 1; next } h && /^$/ { h = 0 }
	     h && / -> / { split($0, a, ":"); split(a[1], r, " "); n += a[2] + 0
			   if (a[2] + 0 > 0 && r[1] + 0 < 524288) low++ }
	     $NF == "clock_nanosleep" && $(NF - 2) == 20 { row = 1 }
	     END { exit !(row && n == 20 && !low) }' "$out/hist"
}
check trace_table_and_hist_count_the_20_sleeps_of_1_ms \
	"$(grep -A8 '^clock_nanosleep' "$out/hist" | head -n 9 | tr '\n' '|')" hist_of_the_sleeps

# --- events fit the terminal ------------------------------------------------
# At 40, 60, 80 and 200 columns ($COLUMNS, as on a terminal of that width)
# no line passes the width but a lone word longer than that, each PMU's
# heading stands once, and joined (a line 2 columns in starts a name, 4 in
# continues a broken one) the names are those events --json lists, in order.
"$LLCTL" events --json 2>/dev/null | jq -r '.events[].name' >"$out/names"
"$LLCTL" events --json 2>/dev/null | jq -r '.events[].pmu' | uniq >"$out/pmus"
events_fit() {
	local w
	[ -s "$out/names" ] || return 1
	for w in 40 60 80 200; do
		COLUMNS=$w "$LLCTL" events >"$out/events$w" 2>/dev/null
		awk -v w="$w" 'length($0) > w && NF > 1 && length($0) - length($NF) > w {
				bad = 1; print w ": too long: " $0 >"/dev/stderr" }
			END { exit bad }' "$out/events$w" || return 1
		while read -r pmu; do
			[ "$(grep -cxF -- "$pmu:" "$out/events$w")" -eq 1 ] ||
				{ echo "$w: heading $pmu: not once" >&2; return 1; }
		done <"$out/pmus"
		awk '/^Not supported here:$/ { exit }
		     /^  [^ ]/ { if (n != "") print n; n = $1 }
		     /^    [^ ]/ { n = n $1 }
		     END { if (n != "") print n }' "$out/events$w" >"$out/joined$w"
		diff -u "$out/names" "$out/joined$w" >&2 || { echo "$w: names differ" >&2; return 1; }
	done
}
check events_fit_40_to_200_columns_names_whole \
	"$(events_fit 2>&1 | head -n 3)" events_fit

# --- as nobody: GET_INFO is not privileged, the device is -------------------
as_nobody "$LLCTL" info >"$out/stdout" 2>"$out/stderr"
check nobody_can_read_info "exit $?: $(cat "$out/stderr")" [ -s "$out/stdout" ]

# --- output errors are not silent -------------------------------------------
"$LLCTL" info --json >/dev/full 2>"$out/stderr"
status=$?
check write_error_on_stdout_fails "exit $status" [ "$status" -ne 0 ]
check usage_errors_quote_the_option "$(cat "$out/stderr")" \
	sh -c "! '$LLCTL' info --bogus 2>'$out/stderr' && grep -q -- \"'--bogus'\" '$out/stderr'"

# --- llctl trace against strace -f -c ---------------------------------------
# strace counts a syscall when it returns, so exit and exit_group (which
# never do) are left out of the comparison.
calls_llctl() {
	"${norand[@]}" "$LLCTL" trace --json --report "$out/json" -- "$@" >/dev/null 2>"$out/stderr"
	jq -r '.syscalls[] | select(.name != "exit_group" and .name != "exit") |
			"\(.name) \(.calls)"' "$out/json" | sort
}
calls_strace() {
	"${norand[@]}" strace -f -qq -c -U name,calls -o "$out/strace" -- "$@" >/dev/null 2>&1
	awk 'NF == 2 && $2 ~ /^[0-9]+$/ && $1 != "total" &&
	     $1 != "exit_group" && $1 != "exit" { print $1, $2 }' "$out/strace" | sort
}
# Both without address randomisation (setarch -R): where a library's
# segments are aligned beyond the page (arm64's 64 KiB), ld.so trims its
# reservation with one munmap or two, as the random address falls. setarch
# runs the tool, whose child inherits the personality: run as the traced
# command, setarch's own loading would be counted, randomised.
norand=(setarch "$(uname -m)" -R)
same_calls() {
	local name=$1
	shift
	calls_llctl "$@" >"$out/a"
	calls_strace "$@" >"$out/b"
	check "$name" "$(diff "$out/a" "$out/b" | head -c 400 | tr '\n' ' ')" \
		cmp -s "$out/a" "$out/b"
}
same_calls trace_counts_equal_strace_for_true true
same_calls trace_counts_equal_strace_for_ls ls -la /usr
same_calls trace_counts_equal_strace_across_fork find /etc/default -maxdepth 0 -exec cat /etc/hostname \;

"$LLCTL" trace --json --report "$out/stdout" -- ls / >/dev/null 2>"$out/stderr"
check trace_accounts_every_record "$(jq -c .ring "$out/stdout")" jq -e \
	'.ring.produced == .ring.delivered + .ring.lost and .ring.lost == 0 and
	 .ring.produced > 0' "$out/stdout" >/dev/null
# A CPU offline at the start has no ring (its offset maps with ENXIO);
# onlined mid-trace, it gets one, and llctl reads it: a command run on it
# then is delivered in full, nothing left unread or lost.
cpu1=/sys/devices/system/cpu/cpu1/online
if [ -w "$cpu1" ] && command -v taskset >/dev/null; then
	echo 0 >"$cpu1"
	"$LLCTL" trace --json --report "$out/hp.json" -- sh -c \
		"echo 1 >$cpu1 && taskset -c 1 ls / && sleep 1.5" >/dev/null 2>"$out/stderr"
	status=$?
	echo 1 >"$cpu1"
	hotplug_read() {
		[ "$status" -eq 0 ] && ! grep -q . "$out/stderr" && jq -e \
			'.ring.produced == .ring.delivered + .ring.lost and
			 .ring.lost == 0 and .ring.produced > 0' "$out/hp.json" >/dev/null
	}
	check trace_reads_a_cpu_onlined_mid_trace \
		"exit $status: $(head -c 300 "$out/stderr") $(jq -c .ring "$out/hp.json" 2>/dev/null)" hotplug_read
else
	skip trace_reads_a_cpu_onlined_mid_trace "needs a CPU 1 that can go offline, and taskset"
fi
# Rings over a quarter of RAM (256 MiB for each online CPU) are refused
# before anything is allocated, saying what to change.
mem_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
if [ $(($(nproc) * 256 * 1024)) -gt $((mem_kib / 4)) ]; then
	"$LLCTL" trace --buffer-size 256M -- true >/dev/null 2>"$out/stderr"
	status=$?
	check trace_over_the_ring_cap_says_lower_buffer_size "exit $status: $(cat "$out/stderr")" \
		sh -c "[ $status -ne 0 ] && grep -q 'exceed the cap of.*lower --buffer-size' '$out/stderr'"
else
	skip trace_over_the_ring_cap_says_lower_buffer_size "256 MiB a CPU fits a quarter of this RAM"
fi
# A 32-bit task's syscalls (ia32 getpid = 20 = x86-64 writev): not shown
# as x86-64 ones, but counted, in the JSON and on stderr.
if "$here/workload" int80 1 2>/dev/null; then
	"$LLCTL" trace --json --report "$out/compat.json" -- "$here/workload" int80 100 \
		>/dev/null 2>"$out/stderr"
	check trace_counts_compat_syscalls_apart \
		"$(jq -c '[.ring, [.syscalls[].name]]' "$out/compat.json") $(cat "$out/stderr")" \
		jq -e '.ring.compat == 100 and ([.syscalls[].name] | index("writev") | not)' \
		"$out/compat.json" >/dev/null
else
	skip trace_counts_compat_syscalls_apart "this kernel runs no ia32 syscalls"
fi
"$LLCTL" trace -- sh -c 'exit 3' >/dev/null 2>&1
status=$?
check trace_exits_with_the_command_status "exit $status" [ "$status" -eq 3 ]
as_nobody "$LLCTL" trace -- true >/dev/null 2>"$out/stderr"
status=$?
refused_with_the_fix() { [ "$status" -ne 0 ] && grep -q 'CAP_PERFMON' "$out/stderr"; }
check nobody_cannot_trace "exit $status: $(cat "$out/stderr")" refused_with_the_fix

"$LLCTL" trace --syscall openat,close --json --report "$out/only.json" -- ls /usr \
	>/dev/null 2>"$out/stderr"
check trace_syscall_set_keeps_only_those "$(jq -c '[.syscalls[].name]' "$out/only.json")" \
	jq -e '([.syscalls[].name] | sort) == ["close", "openat"] and .ring.lost == 0' \
	"$out/only.json" >/dev/null

# --- IRQs against /proc/interrupts -------------------------------------------
# The command snapshots /proc/interrupts, makes virtio IRQs by reading
# files over 9p, and snapshots it again; the trace spans a little more
# (bash's start, the stop), so traced >= delta, and not by much.
irq_delta() {	# FILE_A FILE_B: "irq count" of each numbered IRQ that moved
	awk 'NR == FNR { if ($1 ~ /^[0-9]+:$/) { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; a[$1 + 0] = s }; next }
	     $1 ~ /^[0-9]+:$/ { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; if (s - a[$1 + 0] > 0) print $1 + 0, s - a[$1 + 0] }' "$1" "$2"
}
# Warm bash first: loading it at the interval's start raises 9p IRQs.
bash -c true
# The snapshots are bash builtins: no exec (and no 9p traffic) at the
# interval's edges but bash's own start.
"$LLCTL" trace --irqs --softirqs --sched --json --report "$out/irq.json" \
	--buffer-size 16M -- bash -c \
	"mapfile a </proc/interrupts; find /usr/lib -type f 2>/dev/null | head -300 | xargs cat >/dev/null 2>&1; mapfile b </proc/interrupts; printf %s \"\${a[@]}\" >$out/int.a; printf %s \"\${b[@]}\" >$out/int.b" \
	>/dev/null 2>"$out/stderr"
# Only the IRQ the command's reads move the most (the device behind the
# root file system) is compared: the harness's own 9p traffic on other
# devices goes on at its own pace, in and out of the interval.
irq_delta "$out/int.a" "$out/int.b" | sort -k2,2n | tail -n 1 >"$out/delta"
jq -r '[.irqs[] | {irq, count}] | group_by(.irq) | .[] | "\(.[0].irq) \(map(.count) | add)"' \
	"$out/irq.json" >"$out/traced"
irqs_agree() {
	# Lost records would make the traced counts lower bounds.
	[ -s "$out/delta" ] && jq -e '.ring.lost == 0' "$out/irq.json" >/dev/null || return 1
	awk 'NR == FNR { t[$1] = $2; next }
	     { d = $2; got = t[$1] + 0; slack = 5 + d / 10
	       if (got < d || got > d + slack) { print "irq " $1 ": delta " d ", traced " got; bad = 1 } }
	     END { exit bad }' "$out/traced" "$out/delta"
}
check trace_irq_counts_agree_with_proc_interrupts \
	"$(irqs_agree 2>&1 | head -3 | tr '\n' ' ') delta: $(tr '\n' ' ' <"$out/delta")" irqs_agree
check trace_json_has_softirqs_and_switches "jq says no" jq -e \
	'(.softirqs | length > 0) and (.sched.switches > 0) and
	 (.sched.tasks | length > 0) and (has("syscalls") | not) and
	 (.ring.produced == .ring.delivered + .ring.lost)' "$out/irq.json" >/dev/null

# --- outputs: CTF for babeltrace2, Perfetto JSON, a capture for report ----
"$LLCTL" trace --json --report "$out/live.json" -o "$out/cap" -- ls -la /usr \
	>/dev/null 2>"$out/stderr"
"$LLCTL" report --json "$out/cap" >"$out/again.json" 2>>"$out/stderr"
check report_of_a_capture_equals_the_live_summary "$(cat "$out/stderr")" \
	cmp -s <(jq -S '.syscalls, .ring' "$out/live.json") \
	       <(jq -S '.syscalls, .ring' "$out/again.json")
# The report names the machine that recorded, not the one reading: read
# back where /proc/cpuinfo names another CPU (a mount namespace of its own).
recorded_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
sed 's/^model name[[:space:]]*:.*/model name\t: llkm-test another CPU/' /proc/cpuinfo \
	>"$out/cpuinfo"
# arm64's cpuinfo has no model name: the recording CPU is its MIDR part,
# and the reading one is made another (part 0xfff, which no core has)
recorded_part=
if [ -z "$recorded_model" ]; then
	recorded_part=$(sed -n 's/^CPU part[[:space:]]*: //p' /proc/cpuinfo | head -1)
	sed 's/^CPU part[[:space:]]*:.*/CPU part\t: 0xfff/' /proc/cpuinfo >"$out/cpuinfo"
fi
report_elsewhere() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount sh -c 'mount --bind "$1" /proc/cpuinfo && shift && "$@"' \
		sh "$out/cpuinfo" "$LLCTL" report "$@"
}
report_names_the_recording_machine() {
	report_elsewhere --json "$out/cap" >"$out/else.json" 2>"$out/stderr"
	report_elsewhere "$out/cap" >"$out/else.txt" 2>>"$out/stderr"
	echo "recorded on '$recorded_model$recorded_part'; report: $(jq -c .env.cpu.model "$out/else.json"), $(grep '^# cpu' "$out/else.txt") $(cat "$out/stderr")" >"$out/why"
	if [ -n "$recorded_part" ]; then
		[ "$(jq -r .env.cpu.midr.part "$out/else.json")" = "$((recorded_part))" ] &&
			grep -q "^# cpu .* part $recorded_part revision " "$out/else.txt" &&
			! grep -q '0xfff' "$out/else.txt" "$out/else.json"
		return
	fi
	[ -n "$recorded_model" ] &&
		[ "$(jq -r .env.cpu.model "$out/else.json")" = "$recorded_model" ] &&
		grep -qF "# cpu $recorded_model (" "$out/else.txt" &&
		! grep -q 'llkm-test another CPU' "$out/else.txt" "$out/else.json"
}
check_why report_names_the_machine_that_recorded report_names_the_recording_machine
"$LLCTL" report --format ctf -o "$out/ctf" "$out/cap" >/dev/null 2>"$out/stderr"
ctf_counts_match() {
	local entries calls
	entries=$(babeltrace2 "$out/ctf" 2>/dev/null | grep -c 'syscall_entry:')
	calls=$(jq '[.syscalls[].calls] | add' "$out/live.json")
	echo "babeltrace2 syscall_entry $entries, summary calls $calls; $(cat "$out/stderr")" >"$out/why"
	[ "$entries" -gt 0 ] && [ "$entries" -eq "$calls" ]
}
check_why ctf_trace_reads_back_in_babeltrace2 ctf_counts_match
"$LLCTL" trace --format perfetto -o "$out/trace.json" --report /dev/null -- ls /usr \
	>/dev/null 2>"$out/stderr"
check perfetto_trace_is_trace_event_json "$(head -c 200 "$out/trace.json")" jq -e \
	'(.traceEvents | length > 0) and ([.traceEvents[] | select(.ph == "X")] | length > 0)
	 and all(.traceEvents[]; has("ph") and has("pid"))' "$out/trace.json" >/dev/null
"$LLCTL" trace --events --report "$out/events" -- true >/dev/null 2>"$out/stderr"
events_lines_match() {
	local lines delivered
	lines=$(grep -vc '^#' "$out/events")
	delivered=$(sed -n 's/^# ring: produced [0-9]*, delivered \([0-9]*\), lost 0$/\1/p' "$out/events")
	echo "$lines lines, delivered $delivered" >"$out/why"
	# Lines start at CMD's execve; the held child's few calls before it
	# are delivered but not CMD's.
	[ -n "$delivered" ] && [ "$lines" -gt 10 ] && [ "$lines" -le "$delivered" ] &&
		grep -q 'syscall_entry: execve' "$out/events"
}
check_why events_print_one_line_per_record events_lines_match

# --- --events decodes as strace does -------------------------------------------
# The same workload under strace -f and under llctl trace --events: each
# call of the path-taking syscalls, as "NAME(ARGS) = RET", is the same
# line in both, in the same order (paths, AT_FDCWD, flag names, octal
# modes, "-1 ENOENT (No such file or directory)"). newfstatat's buffer,
# which strace decodes after the call, is left out of both. A path past
# the 256 bytes the module copies shows its first 256 and "...", counted.
long=/tmp/llkm-long/$(printf 'a%.0s' $(seq 100))/$(printf 'b%.0s' $(seq 100))/$(printf 'c%.0s' $(seq 100))
steps=(open /etc/passwd open /llkm-no-such-file create /tmp/llkm-created
       stat /etc/hostname access /llkm-no-such-file mkdir /tmp/llkm-dir open "$long")
if [ "$(uname -m)" = aarch64 ]; then
	path_calls=openat,newfstatat,faccessat,mkdirat,unlinkat
else
	path_calls=openat,newfstatat,access,mkdir,unlink,rmdir
fi
strace -f -qq -e trace="$path_calls" -o "$out/strace.txt" "$here/workload" "${steps[@]}" 2>/dev/null
"$LLCTL" trace --events --syscall "$path_calls" --report "$out/ev.txt" -- \
	"$here/workload" "${steps[@]}" >/dev/null 2>"$out/stderr"
# strace's lines without their pid, aligned "=", or newfstatat's buffer;
# the long path as the module keeps it.
sed -E 's/^[0-9]+ +//; s/\) += /) = /;
	s/^(newfstatat\([^,]*, "[^"]*"), (\{.*\}|NULL|0x[0-9a-f]+), /\1, BUF, /' \
	"$out/strace.txt" | grep -v '^+++\|^---' |
	awk -v long="$long" -v cut="${long:0:256}" '{ i = index($0, "\"" long "\"")
		if (i) $0 = substr($0, 1, i - 1) "\"" cut "\"..." substr($0, i + length(long) + 2)
		print }' >"$out/strace.lines"
# llctl's entry and exit lines of a thread joined: NAME(ARGS) = RET.
awk '/ syscall_entry: / { split($3, t, "/"); call[t[2]] = substr($0, index($0, "syscall_entry: ") + 15) }
     / syscall_exit: / { split($3, t, "/"); r = substr($0, index($0, "syscall_exit: ") + 14)
			 if (t[2] in call) print call[t[2]] " " substr(r, index(r, "= ")); delete call[t[2]] }' \
	"$out/ev.txt" | grep -v '^execve(' |
	sed -E 's/^(newfstatat\([^,]*, "[^"]*"), (NULL|0x[0-9a-f]+), /\1, BUF, /' >"$out/llctl.lines"
events_decode_as_strace() {
	echo "$(diff "$out/strace.lines" "$out/llctl.lines" | head -n 8); $(head -c 200 "$out/stderr")" >"$out/why"
	[ "$(wc -l <"$out/llctl.lines")" -ge 8 ] && diff -q "$out/strace.lines" "$out/llctl.lines" >/dev/null &&
		grep -qF 'openat(AT_FDCWD, "/llkm-no-such-file", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)' "$out/llctl.lines" &&
		grep -qF 'O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0640) = 3' "$out/llctl.lines"
}
check_why trace_events_decode_paths_flags_and_errnos_as_strace events_decode_as_strace
echo "# strace -f: $(wc -l <"$out/strace.lines") lines, llctl --events: $(wc -l <"$out/llctl.lines") lines"
check trace_events_cut_a_long_path_and_count_it \
	"$(grep -F "${long:0:40}" "$out/llctl.lines" | head -c 300); $(grep '^# paths' "$out/ev.txt")" \
	sh -c "grep -qF '\"${long:0:256}\"..., O_RDONLY|O_CLOEXEC) = -1 ENOENT' '$out/llctl.lines' &&
	       grep -q '^# paths: [0-9]* in entries, 1 cut at 256 bytes, 0 not copied' '$out/ev.txt'"
# Each line names its thread: the workload's after its execve, its main
# thread's pid and tid the same.
check trace_events_lines_name_the_thread "$(grep -m1 'syscall_entry: openat(AT_FDCWD, "/etc/passwd"' "$out/ev.txt")" \
	grep -qE '^ *[0-9.]+ \[[0-9]+\] ([0-9]+)/\1 workload  syscall_entry: openat\(AT_FDCWD, "/etc/passwd"' "$out/ev.txt"

# --- --by-process: a table per process, as perf trace -s ----------------------
# The workload makes 40 getppid calls, its child 25: the designed counts,
# and strace -f's per pid on the same workload.
"$LLCTL" trace --by-process --json --syscall getppid --report "$out/bp.json" -- \
	"$here/workload" getppid 40 child 25 >/dev/null 2>"$out/stderr"
"$LLCTL" trace --by-process --syscall getppid --report "$out/bp.txt" -- \
	"$here/workload" getppid 40 child 25 >/dev/null 2>>"$out/stderr"
strace -f -qq -e trace=getppid -o "$out/bp.strace" "$here/workload" getppid 40 child 25
by_process_counts() {
	local ours theirs
	ours=$(jq -c '[.processes[] | .calls] | sort' "$out/bp.json")
	theirs=$(awk '/getppid\(/ { n[$1]++ } END { for (p in n) print n[p] }' "$out/bp.strace" |
		 sort -n | paste -sd, -)
	echo "llctl $ours, strace -f per pid [$theirs]; $(head -c 200 "$out/stderr")" >"$out/why"
	[ "$ours" = "[25,40]" ] && [ "[$theirs]" = "$ours" ] &&
		jq -e '(.processes | length == 2) and all(.processes[]; .comm == "workload" and
			.errors == 0 and (.syscalls | length == 1) and .syscalls[0].name == "getppid" and
			.syscalls[0].calls == .calls) and ([.syscalls[].calls] | add == 65)' \
			"$out/bp.json" >/dev/null
}
check_why trace_by_process_counts_each_process_as_designed by_process_counts
check trace_by_process_text_heads_each_table_as_perf_trace "$(grep -A3 'syscalls, ' "$out/bp.txt" | head -c 400)" \
	sh -c "grep -qE '^ workload \([0-9]+\), 40 syscalls, 0 errors, ' '$out/bp.txt' &&
	       grep -qE '^ workload \([0-9]+\), 25 syscalls, 0 errors, ' '$out/bp.txt'"

# --- Ctrl-C and progress ------------------------------------------------------
"$LLCTL" trace -a --report "$out/int" 2>"$out/stderr" &
pid=$!
until_ 30 held
sleep 1.5
interrupt $pid 10
status=$?
ctrl_c_summarises() { [ "$status" -eq 0 ] && grep -q '^ring: produced [1-9]' "$out/int"; }
check ctrl_c_stops_and_still_prints_the_summary "exit $status: $(tail -c 300 "$out/int")" ctrl_c_summarises
"$LLCTL" trace -a --duration 1.5 --report /dev/null 2>"$out/stderr"
check progress_stays_quiet_off_a_terminal "$(cat "$out/stderr")" \
	sh -c "! grep -q 'records (' '$out/stderr'"
script -qec "'$LLCTL' trace -a --duration 2.5 --report /dev/null" /dev/null >"$out/tty" 2>&1
check progress_shows_on_a_terminal "$(tail -c 200 "$out/tty")" grep -q 'records (' "$out/tty"

# --- the flight recorder sleeps while it records ------------------------------
# Overwrite mode is read after the stop, so while it records llctl has
# nothing to do but wait. Its 4 KiB rings are full within a second (its
# own calls and sleep's fill them); over the 4 s after that, its CPU time
# (user + system, /proc/PID/stat) stays under 5 % of them. A poll() that
# says EPOLLIN for the whole session spins at 100 %.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
"$LLCTL" trace --overwrite -a --buffer-size 4K --duration 8 --report /dev/null \
	>/dev/null 2>"$out/stderr" &
pid=$!
sleep 2
t0=$(cpu_ticks $pid)
sleep 4
t1=$(cpu_ticks $pid)
reap $pid 30
status=$?
hz=$(getconf CLK_TCK)
sleeps_while_recording() {
	[ "$status" -eq 0 ] && [ -n "$t0" ] && [ -n "$t1" ] &&
		[ $(((t1 - t0) * 100)) -lt $((hz * 4 * 5)) ]
}
check trace_overwrite_sleeps_while_it_records \
	"exit $status, ${t0:-?} -> ${t1:-?} ticks at $hz/s over 4 s: $(head -c 200 "$out/stderr")" \
	sleeps_while_recording

# --- a system-wide trace leaves llctl out, as perf trace does ---------------
# The oracle is llctl's own pid ($!): with -a no record carries it, and the
# report says so; with --include-self its own poll, recvmsg... are there.
self_records() { grep -c "^ *[0-9.]* \[[0-9]*\] $1/" "$2"; }
"$LLCTL" trace -a --events --duration 1.5 --report "$out/self" \
	>/dev/null 2>"$out/stderr" &
pid=$!
reap $pid 30
n_out=$(self_records $pid "$out/self")
"$LLCTL" trace -a --include-self --events --duration 1.5 --report "$out/self2" \
	>/dev/null 2>"$out/stderr" &
pid2=$!
reap $pid2 30
n_in=$(self_records $pid2 "$out/self2")
leaves_itself_out() {
	[ "$n_out" -eq 0 ] && [ "$n_in" -gt 0 ] &&
		grep -q "^# llctl's own syscalls (pid $pid) not recorded" "$out/self" &&
		! grep -q "own syscalls" "$out/self2"
}
check trace_a_leaves_llctl_out_unless_asked \
	"records of llctl's pid: $n_out with -a, $n_in with --include-self; $(grep '^#' "$out/self" | head -c 300)" \
	leaves_itself_out
"$LLCTL" trace --include-self -- true >/dev/null 2>"$out/stderr"
check trace_include_self_with_a_command_is_refused "$(cat "$out/stderr")" \
	grep -q 'Unable to use --include-self with -p or CMD' "$out/stderr"

# --- killing llctl mid-trace leaves the module clean and reusable ------------
"$LLCTL" trace -a --duration 60 >/dev/null 2>&1 &
sleep 1
kill -9 $! 2>/dev/null
wait $! 2>/dev/null
check trace_after_a_killed_trace_works "$(cat "$out/stderr")" \
	sh -c "'$LLCTL' trace -o /dev/null -- true 2>'$out/stderr'"

rmmod llkm
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ]
