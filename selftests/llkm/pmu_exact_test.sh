#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The PMU counts what the program executed, by construction: llctl profile -e
# instructions:u of a static arm64 loop (arm64_loop.py: no libc, no loader,
# exactly 2 N + 5 user-mode instructions) equals that count within 0.1 %,
# for two N, and the two counts differ by 2 per extra iteration.  Needs an
# Arm PMU that counts instructions: the arm64 guest (selftests/vm/run --arch
# arm64, qemu -icount shift=0); elsewhere every test SKIPs with the reason.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=5
N1=1000000
N2=10000000

echo "TAP version 13"
echo "1..$PLAN"
if [ "$(uname -m)" != aarch64 ] || [ ! -d /sys/bus/event_source/devices/armv8_pmuv3 ]; then
	skip_all $PLAN "needs an Arm PMU (armv8_pmuv3; $(uname -m) here): runs in the arm64 guest, selftests/vm/run --arch arm64"
fi
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null ||
   ! command -v python3 >/dev/null; then
	skip_all $PLAN "needs root, jq, python3, llctl and llkm.ko"
fi
grep -qw llkm /proc/modules && rmmod llkm
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }
if ! python3 "$here/arm64_loop.py" $N1 "$out/loop1" || ! python3 "$here/arm64_loop.py" $N2 "$out/loop2"; then
	echo "Bail out! arm64_loop.py cannot write the loop programs"
	exit 1
fi

# count PROG: llctl's instructions:u of PROG (empty when not counted); the
# JSON stays in $out/PROG.json
count() {
	"$LLCTL" profile --json -o "$out/${1##*/}.json" -e instructions:u -- "$1" \
		>/dev/null 2>"$out/${1##*/}.err"
	jq -r '.events[0] | select(.status == "counted") | .value' "$out/${1##*/}.json" 2>/dev/null
}
# perf's count of the same, for the diagnostics only (not the oracle)
perf_count() {
	perf stat -x, -e instructions:u -- "$1" 2>&1 >/dev/null | awk -F, '{ print $1; exit }'
}
# within VALUE EXPECTED: |VALUE - EXPECTED| <= 0.1 % of EXPECTED
within() {
	[ -n "$1" ] && awk -v v="$1" -v e="$2" 'BEGIN { d = v - e; if (d < 0) d = -d; exit !(d <= e / 1000) }'
}

c1=$(count "$out/loop1")
if [ -z "$c1" ] && jq -e '.events[0].status == "not_supported"' "$out/loop1.json" >/dev/null 2>&1; then
	skip_all $PLAN "the PMU does not count instructions here (llctl: $(jq -c '.events[0] | {status, reason}' "$out/loop1.json")): under qemu it needs -icount"
fi
c2=$(count "$out/loop2")
why1="llctl $c1 (perf $(perf_count "$out/loop1")) for 2 x $N1 + 5 = $((2 * N1 + 5)): $(jq -c '.events[0]' "$out/loop1.json" 2>&1 | head -c 300) $(head -c 200 "$out/loop1.err")"
why2="llctl $c2 (perf $(perf_count "$out/loop2")) for 2 x $N2 + 5 = $((2 * N2 + 5)): $(jq -c '.events[0]' "$out/loop2.json" 2>&1 | head -c 300) $(head -c 200 "$out/loop2.err")"
echo "# instructions:u: llctl $c1 for $((2 * N1 + 5)), $c2 for $((2 * N2 + 5)) (2 N + 5)"
check instructions_u_of_1e6_iterations_within_0_1_percent "$why1" within "$c1" $((2 * N1 + 5))
check instructions_u_of_1e7_iterations_within_0_1_percent "$why2" within "$c2" $((2 * N2 + 5))
check two_instructions_per_extra_iteration "llctl $c2 - $c1 for 2 x $((N2 - N1))" \
	within "$((${c2:-0} - ${c1:-0}))" $((2 * (N2 - N1)))
check counted_fully_not_scaled "$(jq -c '.events[0]' "$out/loop1.json" 2>&1 | head -c 300)" \
	jqe '.events[0].scaled == false' "$out/loop1.json"
rmmod llkm
check nothing_left_open_after_unload "llkm still loaded" sh -c '! grep -qw llkm /proc/modules'
ktap_totals
[ "$fail" -eq 0 ]
