#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/profile_bench.sh: the wall time of counting a short command with
# llctl profile against perf stat, measured in one run and published as
# ratios (docs/benchmarks.md). Runs as root where llkm.ko loads; on this
# project's machines that is the test guest, from the top of the tree:
#
#   selftests/vm/run -- bench/profile_bench.sh     (or: make -C bench guest-profile)
#   selftests/vm/run -- env TRIALS=5 CMDS='true;ls /' bench/profile_bench.sh
#
# For each command it runs TRIALS trials; a trial runs the command once in
# each configuration, the order rotating from trial to trial, and times it
# from the fork to the exit with bash's $EPOCHREALTIME:
#
#   bare           CMD alone, the baseline
#   perf-sw        perf stat -e SW -o /dev/null -- CMD
#   llctl-sw       llctl profile -e SW -o /dev/null -- CMD
#   perf-default   perf stat -o /dev/null -- CMD
#   llctl-default  llctl profile -o /dev/null -- CMD
#
# where SW is the four software events, task-clock, context-switches,
# cpu-migrations, page-faults; the default sets are each tool's own (both
# add hardware events, which a guest without a PMU reports as not
# supported). CMD's stdout goes to /dev/null. The time is everything the
# user waits for: the tool's start-up, its event set-up, the command, the
# read-out and the report.
#
# Before the trials, each tool counts each command once into a file, which
# must hold a number for each of the four software events, task-clock and
# page-faults above 0, page-faults >= N for "workload faults N", and
# page-faults within 10% (+5) of the other tool's. A timed run that exits
# non-zero ends the benchmark.
#
# perf trace and perf record walk /lib/modules/KVER/kernel at start-up,
# 15-20 s over the guest's 9p root (bench/syscall_bench.sh); perf stat 6.1
# was not seen to (strace), but to be sure no run pays for it, the whole
# script re-executes itself once in a private mount namespace with an empty
# tmpfs there, so every configuration sees the same files at no cost per
# run.
#
# Per command and event set it prints the median ms of each tool and of the
# bare command, the ratio llctl / perf of the wall times (below 1: llctl is
# faster) and of the overheads, tool minus bare. Results go to stdout,
# progress to stderr. Exit status: 0, or 1 when a tool failed or counted
# wrong.
#
# Knobs (environment; selftests/vm/run passes none, hence "env" above):
# TRIALS (15), CMDS ("true;workload faults 2000;ls -la /usr": commands
# separated by ';', "workload" is selftests/llkm/workload), LLKM_KO
# (kmod/llkm.ko).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LLCTL=$TOP/user/llctl
WORKLOAD=$TOP/selftests/llkm/workload
KO=${LLKM_KO:-$TOP/kmod/llkm.ko}
MODDIR=/lib/modules/$(uname -r)/kernel

TRIALS=${TRIALS:-15}
CMDS=${CMDS:-true;workload faults 2000;ls -la /usr}
SW=task-clock,context-switches,cpu-migrations,page-faults
CONFIGS=(bare perf-sw llctl-sw perf-default llctl-default)
PROBE_TIMEOUT=120

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"

# median "VALUES": the median of space-separated numbers
median() {
	tr -s ' ' '\n' <<<"$1" | grep . | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# why FILE: the first error-looking line of a tool's stderr
why() {
	local l
	l=$(grep -m1 -iE 'error|fail|unable|cannot|not |denied|invalid|no such' "$1" 2>/dev/null) ||
		l=$(grep -m1 . "$1" 2>/dev/null) || l="no message"
	echo "${l:0:160}"
}

# run_cfg CONFIG CMD...: CMD under CONFIG, reports to /dev/null
run_cfg() {
	local cfg=$1
	shift
	case $cfg in
	bare) "$@" ;;
	perf-sw) perf stat -e "$SW" -o /dev/null -- "$@" ;;
	llctl-sw) "$LLCTL" profile -e "$SW" -o /dev/null -- "$@" ;;
	perf-default) perf stat -o /dev/null -- "$@" ;;
	llctl-default) "$LLCTL" profile -o /dev/null -- "$@" ;;
	esac
}

# timed CONFIG CMD...: sets MS, the wall time of one run; dies if it fails
timed() {
	local cfg=$1 t0 t1 rc
	shift
	t0=$EPOCHREALTIME
	run_cfg "$cfg" "$@" >/dev/null 2>"$WORK/err"
	rc=$?
	t1=$EPOCHREALTIME
	[ "$rc" = 0 ] || die "$cfg failed on '$*' (exit $rc): $(why "$WORK/err")"
	MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')
}

# counts TOOL SET CMD...: "event value" lines, one per counted event, of
# TOOL (perf or llctl) counting SET (sw or default) of CMD; dies on failure
counts() {
	local tool=$1 set=$2 ev=() f=$WORK/counts
	shift 2
	[ "$set" = default ] || ev=(-e "$SW")
	rm -f "$f"
	if [ "$tool" = perf ]; then
		timeout "$PROBE_TIMEOUT" perf stat -x, "${ev[@]}" -o "$f" -- "$@" \
			>/dev/null 2>"$WORK/err" ||
			die "perf stat ${ev[*]} failed on '$*': $(why "$WORK/err")"
		# CSV: value,unit,event,...; not counted: <not supported> etc.
		awk -F, '$1 ~ /^[0-9.]+$/ { print $3, $1 }' "$f"
	else
		timeout "$PROBE_TIMEOUT" "$LLCTL" profile --json "${ev[@]}" -o "$f" -- "$@" \
			>/dev/null 2>"$WORK/err" ||
			die "llctl profile ${ev[*]} failed on '$*': $(why "$WORK/err")"
		jq -r '.events[] | select(.value != null) | "\(.name) \(.value)"' "$f" ||
			die "llctl profile --json wrote no report jq can read: $(head -c 80 "$f" | tr '\n' ' ')"
	fi
}

# value EVENT "LINES": EVENT's number in counts' LINES, or nothing
value() { awk -v e="$1" '$1 == e { print $2; exit }' <<<"$2"; }

# check CMD...: both tools count CMD right with both event sets (see top)
check() {
	local set tool lines v e min=1 pf_perf pf_llctl
	[ "${1##*/}" != workload ] || [ "${2:-}" != faults ] || min=${3:-1}
	for set in sw default; do
		for tool in perf llctl; do
			lines=$(counts "$tool" "$set" "$@") || exit 1
			for e in ${SW//,/ }; do
				v=$(value "$e" "$lines")
				[ -n "$v" ] || die "$tool ($set events) counted no $e for '$*'"
			done
			v=$(value task-clock "$lines")
			awk -v v="$v" 'BEGIN { exit !(v > 0) }' ||
				die "$tool ($set events) counted task-clock $v for '$*'"
			v=$(value page-faults "$lines")
			[ "${v%.*}" -ge "$min" ] ||
				die "$tool ($set events) counted $v page-faults for '$*', expected at least $min"
			if [ "$tool" = perf ]; then pf_perf=$v; else pf_llctl=$v; fi
		done
		awk -v a="$pf_llctl" -v b="$pf_perf" 'BEGIN { d = a - b; if (d < 0) d = -d
			exit !(d <= b / 10 + 5) }' ||
			die "page-faults of '$*' ($set events): llctl $pf_llctl, perf $pf_perf, more than 10% apart"
		log "counts of '$*' ($set events): page-faults llctl $pf_llctl, perf $pf_perf"
	done
}

# row CMD SET: one table row from the trials' results
row() {
	local c=$1 set=$2 bare perf llctl
	bare=$(median "${RES["$c,bare"]}")
	perf=$(median "${RES["$c,perf-$set"]}")
	llctl=$(median "${RES["$c,llctl-$set"]}")
	awk -v c="$c" -v s="$set" -v b="$bare" -v p="$perf" -v l="$llctl" 'BEGIN {
		printf "| %s | %s | %.1f | %.1f | %.1f | %.2f | ", c,
			s == "sw" ? "4 software" : "default", b, p, l, l / p
		if (p - b > 0) printf "%.2f |\n", (l - b) / (p - b); else print "n/a |" }'
}

main() {
	local c cmds=() cmd trial i n=${#CONFIGS[@]} cfg line
	declare -gA RES=()

	[ "$(id -u)" = 0 ] || die "Unable to run: needs root (insmod)"
	# The empty $MODDIR, once for the whole script (see the top).
	if [ -z "${PROFILE_BENCH_NS:-}" ] && [ -d "$MODDIR" ] && command -v unshare >/dev/null; then
		export PROFILE_BENCH_NS=1
		# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
		exec unshare -m sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' \
			sh "$MODDIR" "${BASH_SOURCE[0]}" "$@"
	fi
	[ -x "$LLCTL" ] || die "Unable to find $LLCTL: run make at the top"
	[ -x "$WORKLOAD" ] || die "Unable to find $WORKLOAD: run make -C selftests/llkm"
	command -v perf >/dev/null || die "Unable to find perf: install linux-perf (make -C bench deps)"
	command -v jq >/dev/null || die "Unable to find jq: make -C bench deps"
	[[ $TRIALS =~ ^[1-9][0-9]*$ ]] || die "Unable to use TRIALS '$TRIALS': a count from 1"
	WORK=$(mktemp -d) || die "Unable to create a work directory"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	if ! grep -qw llkm /proc/modules; then
		insmod "$KO" 2>"$WORK/err" || die "Unable to insmod $KO: $(why "$WORK/err")"
		LOADED_LLKM=1
	fi

	IFS=';' read -ra cmds <<<"$CMDS"
	for c in "${cmds[@]}"; do
		read -ra cmd <<<"$c"
		[ "${#cmd[@]}" -gt 0 ] || die "Unable to use CMDS '$CMDS': an empty command"
		[ "${cmd[0]}" != workload ] || cmd[0]=$WORKLOAD
		check "${cmd[@]}"
	done

	echo "# Wall time of llctl profile and perf stat around a short command:" \
		"median of $TRIALS trials, configurations rotating"
	echo "# $(date -u +%Y-%m-%d), kernel $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs," \
		"$(perf version), $("$LLCTL" --version)"

	for ((trial = 0; trial < TRIALS; trial++)); do
		for c in "${cmds[@]}"; do
			read -ra cmd <<<"$c"
			[ "${cmd[0]}" != workload ] || cmd[0]=$WORKLOAD
			line="trial $((trial + 1))/$TRIALS '$c' ms:"
			for ((i = 0; i < n; i++)); do
				cfg=${CONFIGS[(i + trial) % n]}
				timed "$cfg" "${cmd[@]}"
				RES["$c,$cfg"]+="$MS "
				line+=" $cfg $MS"
			done
			log "$line"
		done
	done

	echo
	echo "| command | events | bare ms | perf stat ms | llctl profile ms | llctl / perf | overhead llctl / perf |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for c in "${cmds[@]}"; do
		row "$c" sw
		row "$c" default
	done
}

main "$@"
