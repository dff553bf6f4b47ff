#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/bandwidth_bench.sh: llctl coherency --test bandwidth against
# likwid-bench (Debian's likwid) on the same kernels, the same working sets
# and the same CPU, in one run, published as ratios (docs/benchmarks.md).
# On the host, from the top of the tree:
#
#   bench/bandwidth_bench.sh                     (or: make -C bench bandwidth)
#   SIMD=512 SIZES="16K 64M" TRIALS=3 bench/bandwidth_bench.sh
#
# The kernels, at SIMD width W (likwid's suffix: scalar "", 128 _sse,
# 256 _avx, 512 _avx512):
#
#   llctl    likwid-bench    what                       bytes counted
#   read     load_W          load b[i]                  8 an element
#   write    store_W         a[i] = constant            8
#   copy     copy_W          a[i] = b[i]                16
#   triad    stream_W        a[i] = b[i] + s * c[i]     24 (likwid: b*s + c)
#
# Both split a working set of S bytes over the kernel's arrays and count
# each array's bytes once per pass (no write-allocate traffic), so their
# GB/s compare directly. likwid-bench runs on S0's first hardware thread
# (CPU 0 on this machine) with -w S0:<S>B:1 and -i chosen to move about
# 4 GiB; llctl runs with --cpus 0 --sizes S and reports the median of its 7
# samples of about 2 ms each.
#
# A trial runs, for each size, llctl once (its four kernels) and
# likwid-bench once per kernel; odd trials start with llctl, even ones with
# likwid-bench. The table gives per size and kernel the median GB/s of each
# over the trials and llctl's ratio to likwid-bench. Results go to stdout,
# progress to stderr. Exit status: 0, or 1 when a tool failed.
#
# Knobs (environment): SIMD (256), SIZES ("16K 512K 4M 256M": L1, L2, L3
# and DRAM here), TRIALS (5), LLCTL (user/llctl).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LLCTL=${LLCTL:-$TOP/user/llctl}
SIMD=${SIMD:-256}
SIZES=${SIZES:-16K 512K 4M 256M}
TRIALS=${TRIALS:-5}
KERNELS="read write copy triad"

die() {
	echo "bandwidth_bench: $*" >&2
	exit 1
}

case $SIMD in
scalar) SUFFIX= ;;
128) SUFFIX=_sse ;;
256) SUFFIX=_avx ;;
512) SUFFIX=_avx512 ;;
*) die "Unable to use SIMD='$SIMD': expected scalar, 128, 256 or 512" ;;
esac

command -v likwid-bench >/dev/null ||
	die "Unable to find likwid-bench: install likwid (make -C bench deps)"
command -v jq >/dev/null || die "Unable to find jq: install jq (make -C bench deps)"
[ -x "$LLCTL" ] || die "Unable to find $LLCTL: build it (make -C user)"
"$LLCTL" coherency --help | grep -q '^  bandwidth ' ||
	die "Unable to run $LLCTL coherency --test bandwidth: this llctl has no bandwidth test"

likwid_kernel() {
	case $1 in
	read) echo "load$SUFFIX" ;;
	write) echo "store$SUFFIX" ;;
	copy) echo "copy$SUFFIX" ;;
	triad) echo "stream$SUFFIX" ;;
	esac
}

# 16K, 512K, 4M, 256M: bytes.
bytes() {
	local n=${1%[KMG]}

	case $1 in
	*K) echo $((n << 10)) ;;
	*M) echo $((n << 20)) ;;
	*G) echo $((n << 30)) ;;
	*) echo "$1" ;;
	esac
}

OUT=$(mktemp) || die "Unable to create a temporary file"
trap 'rm -f "$OUT"' EXIT
FAIL=0

# One llctl run at size $1: "llctl SIZE KERNEL GBS" lines on $OUT.
run_llctl() {
	local json k

	if ! json=$("$LLCTL" coherency --test bandwidth --json --cpus 0 \
		    --simd "$SIMD" --sizes "$1"); then
		echo "bandwidth_bench: llctl failed at $1" >&2
		FAIL=1
		return
	fi
	for k in $KERNELS; do
		echo "llctl $1 $k $(jq -r ".tests.bandwidth.sweep[0].${k}_gbs" <<<"$json")" >>"$OUT"
	done
}

# likwid-bench at size $1, each kernel: "likwid SIZE KERNEL GBS" lines.
run_likwid() {
	local b k mbs iters

	b=$(bytes "$1")
	iters=$(( (4 << 30) / b ))
	[ "$iters" -ge 10 ] || iters=10
	for k in $KERNELS; do
		mbs=$(likwid-bench -t "$(likwid_kernel "$k")" -w "S0:${b}B:1" \
			-i "$iters" 2>/dev/null | awk '/^MByte\/s:/ { print $2 }')
		if [ -z "$mbs" ]; then
			echo "bandwidth_bench: likwid-bench $(likwid_kernel "$k") failed at $1" >&2
			FAIL=1
			continue
		fi
		echo "likwid $1 $k $(awk -v m="$mbs" 'BEGIN { printf "%.3f", m / 1000 }')" >>"$OUT"
	done
}

echo "# $(date -u +%Y-%m-%d), $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(getconf _NPROCESSORS_ONLN) CPUs"
echo "# likwid-bench $(likwid-bench -h 2>&1 | awk '/Version/ { print $NF; exit }'), $("$LLCTL" --version 2>/dev/null | awk '{ print $1, $2 }'), SIMD $SIMD, CPU 0, $TRIALS trials"
for t in $(seq 1 "$TRIALS"); do
	echo "trial $t/$TRIALS" >&2
	for s in $SIZES; do
		if [ $((t % 2)) -eq 1 ]; then
			run_llctl "$s"
			run_likwid "$s"
		else
			run_likwid "$s"
			run_llctl "$s"
		fi
	done
done

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "nan"; exit }
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "| working set | kernel | llctl GB/s | likwid-bench GB/s | llctl / likwid |"
echo "| --- | --- | --- | --- | --- |"
for s in $SIZES; do
	for k in $KERNELS; do
		l=$(awk -v s="$s" -v k="$k" '$1 == "llctl" && $2 == s && $3 == k { print $4 }' "$OUT" | median)
		w=$(awk -v s="$s" -v k="$k" '$1 == "likwid" && $2 == s && $3 == k { print $4 }' "$OUT" | median)
		awk -v s="$s" -v k="$k" -v l="$l" -v w="$w" -v lk="$(likwid_kernel "$k")" 'BEGIN {
			printf "| %s | %s / %s | %.1f | %.1f | %.2f |\n", s, k, lk, l, w,
			       (w > 0 ? l / w : 0) }'
	done
done
exit $FAIL
