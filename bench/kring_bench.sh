#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/kring_bench.sh: llkm's per-CPU ring against BPF's ringbuf, N records
# from a producer in the kernel to a consumer in userspace, both in one run
# (docs/benchmarks.md). Runs as root where llkm.ko loads; on this project's
# machines that is the test guest, from the top of the tree, after
# make -C bench kring_bench kring_bpf.o llkm-bench.ko (or: make -C bench kring):
#
#   flock /tmp/llkm-guest.lock selftests/vm/run -- bench/kring_bench.sh
#   ... selftests/vm/run -- env N=200000 TRIALS=3 bench/kring_bench.sh
#
# What each tool does is in bench/kring_bench.c. For each payload size of
# SIZES it runs TRIALS trials, each one run of each tool, the order
# alternating from trial to trial, the producer on CPU 0 and the consumer on
# CPU 1; then prints per size the median records per second delivered (end
# to end: from the producer's start until the consumer read the last
# record), the producer's own rate (records it pushed per second of its
# loop), the records lost (the most over the trials) and llkm's ratio to
# BPF; and what one read of the records' clock costs there (kring_bench -b
# clock, once per trial), which both tools pay once per record. Every run must account for every record (produced = delivered +
# lost, no torn record, the sequence gaps = the records lost): a run that
# does not fails the benchmark. A tool that cannot run here gets a "SKIP
# tool: reason" line, never a number. Results go to stdout, progress to
# stderr. Exit status: 0, or 1 when a run failed or a check did not hold.
#
# Knobs (environment): N (1000000), SIZES ("16 64", payload bytes: the
# record is the 24-byte llkm header + payload), RING (4194304 bytes: each
# llkm CPU ring and the BPF ringbuf), TRIALS (5), LLKM_BENCH_KO
# (bench/llkm-bench.ko, a module built with LLKM_BENCH=1), LLKM_BENCH_OBJ
# (bench/kring_bpf.o).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$TOP/bench/kring_bench
KO=${LLKM_BENCH_KO:-$TOP/bench/llkm-bench.ko}
export LLKM_BENCH_OBJ=${LLKM_BENCH_OBJ:-$TOP/bench/kring_bpf.o}

N=${N:-1000000}
SIZES=${SIZES:-16 64}
RING=${RING:-4194304}
TRIALS=${TRIALS:-5}

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
trap bench_cleanup EXIT

[ "$(id -u)" = 0 ] || die "Unable to run: needs root (insmod, BPF)"
[ -x "$BENCH" ] || die "Unable to find $BENCH: make -C bench kring_bench"
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] ||
	die "Unable to run: needs 2 CPUs (producer on 0, consumer on 1)"
WORK=$(mktemp -d)

if grep -q '^llkm ' /proc/modules; then
	die "Unable to run: llkm is loaded already; the bench loads its own $KO"
fi
[ -f "$KO" ] || die "Unable to find $KO: make -C bench llkm-bench.ko"
insmod "$KO" || die "Unable to insmod $KO"
LOADED_LLKM=1

# One run: its key=value line appended to $WORK/runs; 1 when it failed.
run_one() {
	local tool=$1 size=$2 line rc

	line=$("$BENCH" -b "$tool" -n "$N" -s "$size" -r "$RING" -p 0 -c 1 2>"$WORK/err")
	rc=$?
	log "$tool ${size}B: ${line:-$(cat "$WORK/err")}"
	if [ "$rc" = 2 ]; then
		echo "$tool $size skip ${line#*SKIP }" >>"$WORK/skips"
		return 0
	fi
	[ "$rc" = 0 ] || { cat "$WORK/err" >&2; return 1; }
	echo "$line" >>"$WORK/runs"
}

# key=value of a run line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

status=0
# The clock read both tools pay per record (LLKM_BENCH_F_CLOCK), per trial.
for t in $(seq 1 "$TRIALS"); do
	line=$("$BENCH" -b clock -n "$N" -p 0 2>&1) || status=1
	log "clock: $line"
	echo "$line" >>"$WORK/clock"
done
for size in $SIZES; do
	for t in $(seq 1 "$TRIALS"); do
		if [ $((t % 2)) = 1 ]; then order="llkm bpf"; else order="bpf llkm"; fi
		for tool in $order; do
			run_one "$tool" "$size" || status=1
		done
	done
done

echo "kring_bench: N=$N records, ring $RING bytes, $TRIALS trials, producer CPU 0, consumer CPU 1"
echo "records/s: median, delivered end to end; producer: its loop alone; lost: most in a trial"
printf '%-8s %-9s %-5s %14s %14s %10s\n' payload record tool 'records/s' 'producer/s' lost
for size in $SIZES; do
	for tool in llkm bpf; do
		runs=$(grep -s " tool=$tool payload=$size " "$WORK/runs")
		if [ -z "$runs" ]; then
			why=$(grep -s "^$tool $size skip " "$WORK/skips" | head -n 1)
			echo "SKIP $tool ${size}B: ${why#* skip }"
			continue
		fi
		rate=$(field rate <<<"$runs" | median)
		prod=$(field producer_rate <<<"$runs" | median)
		lost=$(field lost <<<"$runs" | sort -n | tail -n 1)
		rec=$(field rec_bytes <<<"$runs" | head -n 1)
		printf '%-8s %-9s %-5s %14s %14s %10s\n' "$size" "$rec" "$tool" "$rate" "$prod" "$lost"
		eval "rate_${tool}_$size=$rate prod_${tool}_$size=$prod"
	done
done
for size in $SIZES; do
	l=rate_llkm_$size b=rate_bpf_$size pl=prod_llkm_$size pb=prod_bpf_$size
	if [ -z "${!l:-}" ] || [ -z "${!b:-}" ]; then continue; fi
	awk -v s="$size" -v l="${!l}" -v b="${!b}" -v pl="${!pl}" -v pb="${!pb}" \
		'BEGIN { printf "ratio llkm/bpf %sB: %.2fx delivered, %.2fx producer\n", s, l / b, pl / pb }'
done
clock=$(grep -s ' ns_per_read=' "$WORK/clock" | field ns_per_read | median)
echo "clock: ktime_get_mono_fast_ns() ${clock:-?} ns per read on CPU 0 (median; every record of both reads it once)"
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
exit "$status"
