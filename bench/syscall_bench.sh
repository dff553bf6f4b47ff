#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/syscall_bench.sh: the cost per traced system call, llkm against the
# tracers users have, measured in one run and published as ratios
# (docs/benchmarks.md). Runs as root where llkm.ko loads; on this project's
# machines that is the test guest, from the top of the tree:
#
#   selftests/vm/run -- bench/syscall_bench.sh        (or: make -C bench guest)
#   selftests/vm/run -- env CALLS=20000 TRIALS=3 bench/syscall_bench.sh
#
# For each syscall kind (getppid; read of 1 byte from /dev/zero) it runs
# TRIALS trials; a trial runs bench/syscall_loop once in each configuration,
# the order rotating from trial to trial, the loop pinned to CPU:
#
#   untraced     the loop alone
#   floor        llctl trace --syscall FLOOR_SYSCALL ... -- LOOP: llkm's
#                probes attached to both tracepoints and returning at the
#                syscall filter, which the loop's syscall never passes (it
#                must record none of them): what any module on these
#                tracepoints pays before it does anything
#   llkm         llctl trace --json --report FILE --buffer-size BUF -- LOOP
#                (llctl reads the rings and summarises during the run)
#   ftrace       tracefs: raw_syscalls:sys_enter + sys_exit, set_event_pid =
#                the loop's pid (it waits on a fifo until tracing is on), BUF
#                of buffer per CPU, no reader during the run
#   perf-trace   perf trace -s -m BUF -o FILE -- LOOP
#   perf-record  perf record -m BUF -e raw_syscalls:sys_enter,sys_exit -- LOOP
#                (not by default: only when perf trace cannot run here, or
#                when TOOLS names it)
#   bpftrace     a count per syscall id on raw_syscalls:sys_enter and
#                sys_exit for pid == cpid, bpftrace -c LOOP
#
# perf walks /lib/modules/KVER/kernel at start-up, which over the guest's 9p
# root takes 15-20 s; each perf run gets a private mount namespace with an
# empty tmpfs there (no module symbols; the timed loop is not affected).
#
# Per configuration it prints the median ns per call, the overhead (traced
# minus untraced), that overhead's ratio to llkm's, and how many of the
# loop's calls the tool reported, the fewest over the trials, against CALLS,
# so that no tool looks cheap by dropping events; then per tool what it
# says it lost (llkm: its rings' produced, delivered, lost). A tool that
# cannot run here gets a "SKIP tool: reason" line, never a number. Results
# go to stdout, progress to stderr. Exit status: 0, or 1 when the untraced
# or llkm runs fail.
#
# Knobs (environment; selftests/vm/run passes none, hence "env" above):
# CALLS (100000), TRIALS (5), KINDS ("getppid read"), CPU (the last online
# one), BUF (32M per CPU, for llkm, ftrace and perf), TOOLS ("floor llkm
# ftrace perf-trace bpftrace"; perf-record may be added), FLOOR_SYSCALL
# (acct: a syscall the loop never makes), LLKM_KO (kmod/llkm.ko), LLCTL
# (user/llctl) and LOOP (bench/syscall_loop): another build's, e.g. the
# arm64 guest's (build/arm64/), or an older tree's to compare with.
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOOP=${LOOP:-$TOP/bench/syscall_loop}
LLCTL=${LLCTL:-$TOP/user/llctl}
KO=${LLKM_KO:-$TOP/kmod/llkm.ko}
TRACEFS=/sys/kernel/tracing
MODDIR=/lib/modules/$(uname -r)/kernel

CALLS=${CALLS:-100000}
TRIALS=${TRIALS:-5}
KINDS=${KINDS:-getppid read}
CPU=${CPU:-$(($(getconf _NPROCESSORS_ONLN) - 1))}
BUF=${BUF:-32M}
TOOLS=${TOOLS:-floor llkm ftrace perf-trace bpftrace}
FLOOR_SYSCALL=${FLOOR_SYSCALL:-acct}
PROBE_CALLS=2000
RUN_TIMEOUT=120

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
FTRACE_SAVED_KB=

cleanup() {
	[ -z "$FTRACE_SAVED_KB" ] || ftrace_restore
	bench_cleanup
}

# median "VALUES": the median of space-separated numbers
median() {
	tr -s ' ' '\n' <<<"$1" | grep . | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# size_kb SIZE: SIZE (K or M suffix) in KiB
size_kb() {
	case $1 in
	*[kK]) echo "${1%?}" ;;
	*[mM]) echo $((${1%?} * 1024)) ;;
	*) echo $(($1 / 1024)) ;;
	esac
}

# loop_result FILE: sets NS and NR from syscall_loop's line in FILE
loop_result() {
	local line
	line=$(grep -m1 '^syscall=' "$1") || return 1
	NS=$(sed -n 's/.* ns_per_call=\([0-9.]*\).*/\1/p' <<<"$line")
	NR=$(sed -n 's/.* nr=\([0-9]*\) .*/\1/p' <<<"$line")
	[ -n "$NS" ] && [ -n "$NR" ]
}

# why FILE: the first error-looking line of a tool's stderr, for SKIP lines
why() {
	local l
	l=$(grep -m1 -iE 'error|fail|unable|cannot|not |denied|invalid|no such' "$1" 2>/dev/null) ||
		l=$(grep -m1 . "$1" 2>/dev/null) || l="no message"
	echo "${l:0:160}"
}

# Runs its arguments with an empty $MODDIR (see the top), where it can.
NO_MODULES=()
if [ -d "$MODDIR" ] && command -v unshare >/dev/null; then
	# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
	NO_MODULES=(unshare -m sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' sh "$MODDIR")
fi

# Each run_CONFIG KIND CALLS runs the loop once under that configuration.
# It sets NS (ns per call, as the loop measured it), SEEN (the loop's calls
# of KIND that the tool reported) and LOST (what the tool says it lost, as
# a number or "p d l" for llkm); on failure it returns 1 with REASON set.

run_untraced() {
	if ! timeout "$RUN_TIMEOUT" "$LOOP" -n "$2" -s "$1" -c "$CPU" \
		>"$WORK/out" 2>"$WORK/err" || ! loop_result "$WORK/out"; then
		REASON="syscall_loop failed: $(why "$WORK/err")"
		return 1
	fi
	SEEN=-
}

run_llkm() {
	local json=$WORK/llkm.json
	rm -f "$json"
	if ! timeout "$RUN_TIMEOUT" "$LLCTL" trace --json --report "$json" --buffer-size "$BUF" \
		${FLOOR:+--syscall "$FLOOR_SYSCALL"} \
		-- "$LOOP" -n "$2" -s "$1" -c "$CPU" >"$WORK/out" 2>"$WORK/err" ||
		! loop_result "$WORK/out" || [ ! -s "$json" ]; then
		REASON="llctl trace failed: $(why "$WORK/err")"
		return 1
	fi
	if ! SEEN=$(jq -e --argjson nr "$NR" '[.syscalls[] | select(.nr == $nr) | .calls] | add // 0' "$json") ||
		! LOST=$(jq -er '.ring | "\(.produced) \(.delivered) \(.lost)"' "$json"); then
		REASON="llctl trace --json wrote no summary jq can read: $(head -c 80 "$json" | tr '\n' ' ')"
		return 1
	fi
}

# The floor: llkm's run, the loop's syscall filtered out in the module.
run_floor() {
	FLOOR=1 run_llkm "$@"
}

ftrace_setup() {
	if [ ! -w "$TRACEFS/events/raw_syscalls/enable" ]; then
		REASON="no $TRACEFS/events/raw_syscalls (tracefs not mounted?)"
		return 1
	fi
	FTRACE_SAVED_KB=$(cat "$TRACEFS/buffer_size_kb")
	FTRACE_SAVED_KB=${FTRACE_SAVED_KB%% *}
	if ! { echo 0 >"$TRACEFS/tracing_on" && echo nop >"$TRACEFS/current_tracer" &&
		size_kb "$BUF" >"$TRACEFS/buffer_size_kb"; }; then
		REASON="Unable to set up $TRACEFS (buffer_size_kb $(size_kb "$BUF"))"
		return 1
	fi
}

ftrace_restore() {
	echo 0 >"$TRACEFS/tracing_on"
	echo 0 >"$TRACEFS/events/raw_syscalls/enable"
	: >"$TRACEFS/set_event_pid"
	: >"$TRACEFS/trace"
	echo "$FTRACE_SAVED_KB" >"$TRACEFS/buffer_size_kb"
	echo 1 >"$TRACEFS/tracing_on"
	FTRACE_SAVED_KB=
}

# The loop waits on a fifo until set_event_pid and the events are on, so
# only its calls are recorded, and all of them.
run_ftrace() {
	local in=$WORK/go out=$WORK/ready pid lpid word wfd rfd
	: >"$TRACEFS/trace"
	rm -f "$in" "$out"
	mkfifo "$in" "$out"
	timeout "$RUN_TIMEOUT" "$LOOP" -w -n "$2" -s "$1" -c "$CPU" \
		<"$in" >"$out" 2>"$WORK/err" &
	pid=$!
	exec {wfd}>"$in" {rfd}<"$out"
	# timeout forks the loop: its pid is the one the loop prints
	read -r word lpid <&"$rfd"
	if [ "$word" != ready ]; then
		exec {wfd}>&- {rfd}<&-
		wait "$pid"
		REASON="syscall_loop -w failed: $(why "$WORK/err")"
		return 1
	fi
	echo "$lpid" >"$TRACEFS/set_event_pid"
	echo 1 >"$TRACEFS/events/raw_syscalls/enable"
	echo 1 >"$TRACEFS/tracing_on"
	echo go >&"$wfd"
	cat <&"$rfd" >"$WORK/out"
	exec {wfd}>&- {rfd}<&-
	wait "$pid"
	echo 0 >"$TRACEFS/tracing_on"
	echo 0 >"$TRACEFS/events/raw_syscalls/enable"
	: >"$TRACEFS/set_event_pid"
	if ! loop_result "$WORK/out"; then
		REASON="syscall_loop failed under ftrace: $(why "$WORK/err")"
		return 1
	fi
	SEEN=$(grep -c ": sys_enter: NR $NR " "$TRACEFS/trace")
	LOST=$(awk '/^overrun:/ { s += $2 } END { print s + 0 }' "$TRACEFS"/per_cpu/cpu*/stats)
}

run_perf_trace() {
	if ! timeout "$RUN_TIMEOUT" "${NO_MODULES[@]}" perf trace -s -m "$BUF" -o "$WORK/perf.txt" \
		-- "$LOOP" -n "$2" -s "$1" -c "$CPU" >"$WORK/out" 2>"$WORK/err" ||
		! loop_result "$WORK/out"; then
		REASON="perf trace failed: $(why "$WORK/err")"
		return 1
	fi
	SEEN=$(awk -v n="$1" '$1 == n { print $2; exit }' "$WORK/perf.txt")
	LOST=$(cat "$WORK/perf.txt" "$WORK/err" |
		awk '/^LOST [0-9]+ events/ { s += $2 } END { print s + 0 }')
	[ -n "$SEEN" ] || SEEN=0
}

run_perf_record() {
	if ! timeout "$RUN_TIMEOUT" "${NO_MODULES[@]}" perf record -q -m "$BUF" -o "$WORK/perf.data" \
		-e raw_syscalls:sys_enter,raw_syscalls:sys_exit \
		-- "$LOOP" -n "$2" -s "$1" -c "$CPU" >"$WORK/out" 2>"$WORK/err" ||
		! loop_result "$WORK/out"; then
		REASON="perf record failed: $(why "$WORK/err")"
		return 1
	fi
	SEEN=$(perf script -i "$WORK/perf.data" -F trace 2>/dev/null | grep -c "^ *NR $NR (")
	LOST=$(perf report -i "$WORK/perf.data" --stats 2>/dev/null |
		awk '/LOST_SAMPLES events:/ { s += $3 } END { print s + 0 }')
}

run_bpftrace() {
	local prog
	prog='tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @enter[args->id] = count(); }
tracepoint:raw_syscalls:sys_exit /pid == cpid/ { @exit[args->id] = count(); }'
	if ! timeout "$RUN_TIMEOUT" bpftrace -o "$WORK/bt.txt" -e "$prog" \
		-c "$LOOP -n $2 -s $1 -c $CPU" >"$WORK/out" 2>"$WORK/err" ||
		! loop_result "$WORK/out"; then
		REASON="bpftrace failed: $(why "$WORK/err")"
		return 1
	fi
	SEEN=$(sed -n "s/^@enter\[$NR\]: //p" "$WORK/bt.txt")
	[ -n "$SEEN" ] || SEEN=0
	# No loss counter: the calls whose exit went uncounted stand in.
	LOST=$(sed -n "s/^@exit\[$NR\]: //p" "$WORK/bt.txt")
	LOST=$((SEEN - ${LOST:-0}))
	[ "$LOST" -ge 0 ] || LOST=0
}

# probe CONFIG: can this configuration run here? Its setup, then a short
# run that must see every call; otherwise SKIP with the reason.
probe() {
	local cfg=$1
	REASON=
	case $cfg in
	llkm|floor)
		[ -x "$LLCTL" ] || { REASON="no $LLCTL: run make at the top"; return 1; }
		command -v jq >/dev/null || { REASON="jq is not installed"; return 1; }
		if ! grep -qw llkm /proc/modules; then
			if ! insmod "$KO" 2>"$WORK/err"; then
				REASON="insmod $KO failed: $(why "$WORK/err")"
				return 1
			fi
			LOADED_LLKM=1
		fi
		;;
	ftrace) ftrace_setup || return 1 ;;
	perf-*)
		command -v perf >/dev/null || { REASON="perf is not installed (linux-perf)"; return 1; }
		;;
	bpftrace)
		command -v bpftrace >/dev/null || { REASON="bpftrace is not installed"; return 1; }
		;;
	*) REASON="unknown configuration (TOOLS: floor llkm ftrace perf-trace perf-record bpftrace)"; return 1 ;;
	esac
	"run_${cfg//-/_}" getppid "$PROBE_CALLS" || return 1
	if [ "$cfg" = floor ]; then
		# Filtered out in the module: a recorded call is no floor.
		[ "$SEEN" = 0 ] && return 0
		REASON="--syscall $FLOOR_SYSCALL still recorded $SEEN of $PROBE_CALLS getppid calls"
		return 1
	fi
	# The table reports any shortfall; a tool seeing far fewer is broken.
	if [ "$SEEN" -lt $((PROBE_CALLS * 9 / 10)) ]; then
		REASON="a probe run of $PROBE_CALLS getppid calls was seen $SEEN times"
		return 1
	fi
}

# row KIND CONFIG: one table row from the trials' results
row() {
	local kind=$1 cfg=$2 ns base over lover ratio seen short=
	ns=$(median "${RES_NS["$kind,$cfg"]}")
	base=$(median "${RES_NS["$kind,untraced"]}")
	if [ "$cfg" = untraced ]; then
		printf '| %s | %.1f | - | - | - |\n' "$cfg" "$ns"
		return
	fi
	over=$(awk -v a="$ns" -v b="$base" 'BEGIN { printf "%.1f", a - b }')
	ratio=n/a
	if [ -n "${RES_NS["$kind,llkm"]:-}" ]; then
		lover=$(awk -v a="$(median "${RES_NS["$kind,llkm"]}")" -v b="$base" 'BEGIN { print a - b }')
		ratio=$(awk -v o="$over" -v l="$lover" 'BEGIN { if (l > 0) printf "%.2f", o / l; else print "n/a" }')
	fi
	seen=${RES_SEEN["$kind,$cfg"]}
	if [ "$cfg" = floor ]; then
		# None recorded, by design: the most it recorded in any trial.
		printf '| %s | %.1f | %s | %s | none recorded (%s) |\n' "$cfg" "$ns" "$over" \
			"$ratio" "${RES_MAX["$kind,floor"]}"
		return
	fi
	[ "$seen" -ge "$CALLS" ] || short=" (short by $((CALLS - seen)))"
	printf '| %s | %.1f | %s | %s | %s / %s%s |\n' "$cfg" "$ns" "$over" "$ratio" \
		"$seen" "$CALLS" "$short"
}

# floor_ratio KIND: llkm's overhead against the floor's, the bound a module
# on these tracepoints cannot go below
floor_ratio() {
	local base fl ll
	[ -n "${RES_NS["$1,floor"]:-}" ] && [ -n "${RES_NS["$1,llkm"]:-}" ] || return 0
	base=$(median "${RES_NS["$1,untraced"]}")
	fl=$(median "${RES_NS["$1,floor"]}")
	ll=$(median "${RES_NS["$1,llkm"]}")
	echo
	awk -v b="$base" -v f="$fl" -v l="$ll" 'BEGIN {
		if (f - b > 0)
			printf "llkm over the floor: %.2fx (overhead %.1f ns against %.1f)\n", (l - b) / (f - b), l - b, f - b
		else
			printf "llkm over the floor: n/a (the floor added %.1f ns: below the noise)\n", f - b }'
}

# losses KIND CONFIG: what the tool said it lost, over all trials
losses() {
	local lost=${RES_LOST["$1,$2"]:-}
	[ -n "$lost" ] || return 0
	case $2 in
	llkm|floor) awk -v RS=';' -v c="$2" 'NF == 3 { p += $1; d += $2; l += $3 }
		END { printf "- %s rings: produced %d, delivered %d, lost %d\n", c, p, d, l }' <<<"$lost" ;;
	ftrace) awk -v RS=';' '{ s += $1 } END { printf "- ftrace: overrun %d\n", s }' <<<"$lost" ;;
	perf-trace) awk -v RS=';' '{ s += $1 } END { printf "- perf trace: LOST %d events\n", s }' <<<"$lost" ;;
	perf-record) awk -v RS=';' '{ s += $1 } END { printf "- perf record: %d lost samples\n", s }' <<<"$lost" ;;
	bpftrace) awk -v RS=';' '{ s += $1 } END { printf "- bpftrace: %d counted entries without a counted exit\n", s }' <<<"$lost" ;;
	esac
}

main() {
	local kind cfg trial i n ok=1 configs=(untraced) line t0
	declare -gA RES_NS=() RES_SEEN=() RES_LOST=() RES_MAX=()

	[ "$(id -u)" = 0 ] || die "Unable to run: needs root (insmod, tracefs, perf, BPF)"
	[ -x "$LOOP" ] || die "Unable to find $LOOP: run make -C bench"
	WORK=$(mktemp -d) || die "Unable to create a work directory"
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	echo "# Cost per traced syscall: $CALLS calls per run, median of $TRIALS trials, loop on CPU $CPU"
	echo "# $(date -u +%Y-%m-%d), kernel $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs," \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"

	for cfg in $TOOLS; do
		log "probing $cfg"
		if probe "$cfg"; then
			configs+=("$cfg")
			continue
		fi
		echo "SKIP $cfg: $REASON"
		[ "$cfg" != llkm ] || ok=0
		# perf record of the same tracepoints is perf's other way
		if [ "$cfg" = perf-trace ] && [[ " $TOOLS " != *" perf-record "* ]]; then
			log "probing perf-record instead"
			if probe perf-record; then
				configs+=(perf-record)
			else
				echo "SKIP perf-record: $REASON"
			fi
		fi
	done

	for kind in $KINDS; do
		run_untraced "$kind" 1000 || die "$REASON"	# a sanity check
		for ((trial = 0; trial < TRIALS; trial++)); do
			n=${#configs[@]}
			line="trial $((trial + 1))/$TRIALS $kind:"
			for ((i = 0; i < n; i++)); do
				cfg=${configs[(i + trial) % n]}
				SEEN=- LOST='' NS='' REASON=''
				t0=$EPOCHREALTIME
				if ! "run_${cfg//-/_}" "$kind" "$CALLS"; then
					echo "SKIP $cfg ($kind, trial $((trial + 1))): $REASON"
					[ "$cfg" != untraced ] && [ "$cfg" != llkm ] || ok=0
					continue
				fi
				RES_NS["$kind,$cfg"]+="$NS "
				if [ "$SEEN" != - ] && { [ -z "${RES_SEEN["$kind,$cfg"]:-}" ] ||
					[ "$SEEN" -lt "${RES_SEEN["$kind,$cfg"]}" ]; }; then
					RES_SEEN["$kind,$cfg"]=$SEEN
				fi
				RES_LOST["$kind,$cfg"]+="${LOST:+$LOST;}"
				if [ "$cfg" = floor ] && [ "$SEEN" -gt "${RES_MAX["$kind,floor"]:-0}" ]; then
					RES_MAX["$kind,floor"]=$SEEN
				fi
				: "${RES_MAX["$kind,floor"]:=0}"
				line+=" $cfg $NS ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
			done
			log "$line"
		done
	done

	for kind in $KINDS; do
		echo
		echo "## $kind"
		echo
		echo "| config | ns/call | overhead ns | overhead / llkm's | calls seen (fewest) / N |"
		echo "| --- | --- | --- | --- | --- |"
		for cfg in "${configs[@]}"; do
			[ -z "${RES_NS["$kind,$cfg"]:-}" ] || row "$kind" "$cfg"
		done
		floor_ratio "$kind"
		echo
		echo "Losses the tools reported, all trials:"
		for cfg in "${configs[@]}"; do
			losses "$kind" "$cfg"
		done
	done
	[ "$ok" = 1 ]
}

main "$@"
