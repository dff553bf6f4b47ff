#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/probe_bench.sh: llctl fence and llctl coherency --test
# c2c,false-sharing against bench/probe_ref, an independent minimal C
# reference for the same measurements, in one run on the host (user
# mode), published as ratios (docs/benchmarks.md). From the top of the
# tree:
#
#   bench/probe_bench.sh                 (or: make -C bench probe)
#   TRIALS=3 CPUS=1,0 bench/probe_bench.sh
#
# A trial runs, in this order in odd trials and with probe_ref first in
# even ones:
#
#   llctl fence --user --json --cpu A
#   llctl coherency --user --json --test c2c,false-sharing --cpus A,B
#   bench/probe_ref -c A,B
#
# and takes from them, per metric:
#
#   metric               llctl (JSON)                       probe_ref
#   fence OP ticks/op    .results[op].cycles.median         fence.OP
#   fence OP ns/op       .results[op].ns.median             fence.OP.ns
#   loop ticks/op        .overhead_cycles                   fence.empty
#   TSC MHz              .tsc_khz / 1000                    tsc_mhz
#   core clock MHz       -                                  core_mhz
#   c2c one-way ns       .tests.c2c.latency_ns[A][B]        c2c.A.B, and
#                                                           c2c.A.B.pause
#   false sharing        .tests.false_sharing.shared_ops_per_s,
#                        padded_ops_per_s, slowdown         false_sharing.*
#
# for OP in mfence, lfence, lock_add, xchg, cmpxchg. A c2c value llctl
# flags as implausible is null in its matrix: the script takes its ns from
# .tests.c2c.flagged instead and says so. Every flag llctl sets on a value
# (below_resolution, unstable, short_batches, too_short) is counted over
# the trials and shown in the table's last column.
#
# Per metric it prints the median over the trials of each tool, their
# range (min-max over the trials) and the ratio llctl / probe_ref of the
# medians. Results go to stdout, progress to stderr. Exit status: 0, or 1
# when a tool failed or a value is missing.
#
# Knobs (environment): TRIALS (7), CPUS ("0,1": A,B, fences on A), LLCTL
# (user/llctl), PROBE_REF (bench/probe_ref).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LLCTL=${LLCTL:-$TOP/user/llctl}
REF=${PROBE_REF:-$TOP/bench/probe_ref}
TRIALS=${TRIALS:-7}
CPUS=${CPUS:-0,1}
OPS="mfence lfence lock_add xchg cmpxchg"

die() {
	echo "probe_bench: $*" >&2
	exit 1
}

[[ $TRIALS =~ ^[1-9][0-9]?$ ]] || die "Unable to use TRIALS='$TRIALS': expected 1 to 99"
[[ $CPUS =~ ^([0-9]+),([0-9]+)$ ]] ||
	die "Unable to use CPUS='$CPUS': expected A,B, two different CPU numbers"
A=${BASH_REMATCH[1]}
B=${BASH_REMATCH[2]}
[ "$A" != "$B" ] || die "Unable to use CPUS='$CPUS': expected A,B, two different CPU numbers"
command -v jq >/dev/null || die "Unable to find jq: install jq (make deps)"
[ -x "$LLCTL" ] || die "Unable to find $LLCTL: build it (make -C .. llctl)"
[ -x "$REF" ] || die "Unable to find $REF: build it (make -C bench probe_ref)"

WORK=$(mktemp -d) || die "Unable to create a temporary directory"
trap 'rm -rf "$WORK"' EXIT
# "TOOL METRIC VALUE" per trial; "METRIC FLAG" per flag llctl set.
VALS=$WORK/values
FLAGS=$WORK/flags
: >"$VALS"
: >"$FLAGS"

# put TOOL METRIC VALUE: record VALUE, which must be a number
put() {
	[[ $3 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] ||
		die "$1 gave no value for $2 (got '$3')"
	echo "$1 $2 $3" >>"$VALS"
}

# jqr JSON FILTER: jq -r, "" for null (and false)
jqr() { jq -r "$2 // empty" <<<"$1"; }

run_fence() {
	local json op flag

	json=$("$LLCTL" fence --user --json --cpu "$A" 2>"$WORK/err") ||
		die "llctl fence failed: $(head -c 200 "$WORK/err")"
	put llctl tsc_mhz "$(jq -r '.tsc_khz / 1000' <<<"$json")"
	put llctl loop "$(jqr "$json" .overhead_cycles)"
	for op in $OPS; do
		put llctl "$op" "$(jqr "$json" ".results[] | select(.op == \"$op\") | .cycles.median")"
		put llctl "$op.ns" "$(jqr "$json" ".results[] | select(.op == \"$op\") | .ns.median")"
		flag=$(jqr "$json" ".results[] | select(.op == \"$op\") | .flag")
		[ -z "$flag" ] || printf '%s %s\n' "$op" "$flag" "$op.ns" "$flag" >>"$FLAGS"
	done
	[ "$(jq -r .stopped <<<"$json")" = false ] || die "llctl fence stopped early"
}

run_coherency() {
	local json c2c fs v flag

	json=$("$LLCTL" coherency --user --json --test c2c,false-sharing \
		--cpus "$A,$B" 2>"$WORK/err") ||
		die "llctl coherency failed: $(head -c 200 "$WORK/err")"
	c2c=$(jq -c .tests.c2c <<<"$json")
	fs=$(jq -c .tests.false_sharing <<<"$json")
	[ "$c2c" != null ] || die "llctl coherency reported no c2c"
	[ "$fs" != null ] || die "llctl coherency reported no false_sharing"
	# The matrix is in llctl's CPU order; a flagged value is null there.
	v=$(jqr "$c2c" "(.cpus | index($A)) as \$i | (.cpus | index($B)) as \$j |
		.latency_ns[\$i][\$j]")
	if [ -z "$v" ]; then
		v=$(jqr "$c2c" "[.flagged[] | select(.cpus == [$A, $B] or .cpus == [$B, $A])][0].ns")
		flag=$(jqr "$c2c" "[.flagged[] | select(.cpus == [$A, $B] or .cpus == [$B, $A])][0].reason")
		echo "c2c flagged (${flag:-no reason}; value from .flagged)" >>"$FLAGS"
	fi
	put llctl c2c "$v"
	flag=$(jqr "$c2c" .flag)
	[ -z "$flag" ] || echo "c2c $flag" >>"$FLAGS"
	put llctl fs_shared "$(jqr "$fs" .shared_ops_per_s)"
	put llctl fs_padded "$(jqr "$fs" .padded_ops_per_s)"
	put llctl fs_slowdown "$(jqr "$fs" .slowdown)"
	flag=$(jqr "$fs" .flag)
	[ -z "$flag" ] || echo "fs_slowdown $flag" >>"$FLAGS"
	[ "$(jq -r '.stopped, .tests[].stopped' <<<"$json" | sort -u)" = false ] ||
		die "llctl coherency stopped early"
}

# ref NAME: the value of line NAME of probe_ref's output, $REF_OUT
ref() { awk -v n="$1" '$1 == n { print $2; exit }' <<<"$REF_OUT"; }

run_ref() {
	local op

	REF_OUT=$("$REF" -c "$A,$B" 2>"$WORK/err") ||
		die "probe_ref failed: $(head -c 200 "$WORK/err")"
	put probe_ref tsc_mhz "$(ref tsc_mhz)"
	put probe_ref core_mhz "$(ref core_mhz)"
	put probe_ref loop "$(ref fence.empty)"
	for op in $OPS; do
		put probe_ref "$op" "$(ref "fence.$op")"
		put probe_ref "$op.ns" "$(ref "fence.$op.ns")"
	done
	put probe_ref c2c "$(ref "c2c.$A.$B")"
	put probe_ref c2c.pause "$(ref "c2c.$A.$B.pause")"
	put probe_ref fs_shared "$(ref false_sharing.shared_ops_per_s)"
	put probe_ref fs_padded "$(ref false_sharing.padded_ops_per_s)"
	put probe_ref fs_slowdown "$(ref false_sharing.slowdown)"
}

echo "# $(date -u +%Y-%m-%d), $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(getconf _NPROCESSORS_ONLN) CPUs"
echo "# $("$LLCTL" --version 2>/dev/null | awk '{ print $1, $2 }'), probe_ref, CPUs $A,$B (fences on $A), $TRIALS trials"
for t in $(seq 1 "$TRIALS"); do
	echo "trial $t/$TRIALS" >&2
	if [ $((t % 2)) -eq 1 ]; then
		run_fence
		run_coherency
		run_ref
	else
		run_ref
		run_fence
		run_coherency
	fi
done

# stats TOOL METRIC: "median min max" over the trials
stats() {
	awk -v t="$1" -v m="$2" '$1 == t && $2 == m { print $3 }' "$VALS" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (!NR) { print "nan nan nan"; exit }
			print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'
}

# row LMETRIC RMETRIC LABEL SCALE FMT: one table row, llctl's LMETRIC
# against probe_ref's RMETRIC (- where a tool has none), values / SCALE
row() {
	local lm=$1 rm=$2 label=$3 scale=$4 fmt=$5 note

	note=$(awk -v m="$lm" -v t="$TRIALS" '$1 == m { $1 = ""; sub(/^ /, ""); n[$0]++ }
		END { for (k in n) s = s (s ? ", " : "llctl: ") k " " n[k] "/" t; print s }' "$FLAGS")
	awk -v label="$label" -v s="$scale" -v f="$fmt" -v note="$note" \
		-v l="$(stats llctl "$lm")" -v r="$(stats probe_ref "$rm")" '
		function cell(v) {
			if (v[1] == "nan")
				return "-"
			return sprintf(f " (" f "-" f ")", v[1] / s, v[2] / s, v[3] / s)
		}
		BEGIN {
			split(l, a, " "); split(r, b, " ")
			ratio = "-"
			if (a[1] != "nan" && b[1] != "nan" && b[1] != 0)
				ratio = sprintf("%.2f", a[1] / b[1])
			printf "| %s | %s | %s | %s | %s |\n", label, cell(a), cell(b), ratio, note
		}'
}

echo
echo "| metric | llctl median (min-max) | probe_ref median (min-max) | llctl / probe_ref | note |"
echo "| --- | --- | --- | --- | --- |"
row tsc_mhz tsc_mhz "TSC MHz" 1 %.1f
row - core_mhz "core clock MHz (dependent adds)" 1 %.0f
row loop loop "empty loop, ticks/op (subtracted)" 1 %.2f
for op in $OPS; do
	row "$op" "$op" "$op, ticks/op" 1 %.2f
done
for op in $OPS; do
	row "$op.ns" "$op.ns" "$op, ns/op" 1 %.2f
done
row c2c c2c "c2c one-way $A-$B, ns" 1 %.1f
row c2c c2c.pause "c2c one-way $A-$B, ns, probe_ref with PAUSE" 1 %.1f
row fs_shared fs_shared "false sharing, one line, Mops/s" 1e6 %.0f
row fs_padded fs_padded "false sharing, padded, Mops/s" 1e6 %.0f
row fs_slowdown fs_slowdown "false sharing slowdown, x" 1 %.2f
exit 0
