# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the shell tests of llctl share (sourced, with $here set): where llctl
# and llkm.ko are, a scratch directory $out removed at exit (unloading llkm
# if a test left it loaded), and KTAP result helpers whose counts end in the
# harness's "# Totals:" line (ktap_totals).
LLCTL=${LLCTL:-}
# shellcheck disable=SC2154 # $here: set by the test that sources this file
for c in "$here/llctl" "$here/../../user/llctl"; do
	[ -n "$LLCTL" ] || { [ -x "$c" ] && LLCTL=$c; }
done
KO=${LLKM_KO:-}
for c in "$here/llkm.ko" "$here/../../kmod/llkm.ko"; do
	[ -n "$KO" ] || { [ -r "$c" ] && KO=$c; }
done
# LLKM_ABI: the ABI the UAPI header of this tree says, which llctl and the
# module built from it must both report: the tree's, above the tests (the
# arm64 build's are under build/arm64/kselftest/llkm), or the copy an
# installed collection carries (make selftests-install).
LLKM_ABI=
d=$here
while [ -z "$LLKM_ABI" ] && [ "$d" != / ] && [ -n "$d" ]; do
	[ -r "$d/include/uapi/linux/llkm.h" ] &&
		LLKM_ABI=$(sed -n 's/^#define LLKM_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' \
			"$d/include/uapi/linux/llkm.h")
	d=$(dirname "$d")
done
out=$(mktemp -d)
trap 'rm -rf "$out"; grep -qw llkm /proc/modules && rmmod llkm' EXIT

n=0 pass=0 fail=0 skip=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1 # $2"; }
skip() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }
# check NAME REASON CMD...: passes when CMD succeeds.
check() { local name=$1 why=$2; shift 2; if "$@"; then ok "$name"; else not_ok "$name" "$why"; fi; }
# check_why NAME CMD...: as check, the reason being what CMD wrote in
# $out/why, read after it ran (check's REASON is expanded before).
check_why() {
	local name=$1
	shift
	: >"$out/why"
	if "$@"; then ok "$name"; else not_ok "$name" "$(tr '\n' ' ' <"$out/why")"; fi
}

# hw_pmu: whether this machine has a CPU PMU that counts cycles: x86's
# "cpu" or "cpu_core", an Arm PMU (armv8_pmuv3, armv8_neoverse_n1...: each
# publishes events/cpu_cycles).  A guest without a virtual PMU has none.
hw_pmu() {
	local d
	for d in /sys/bus/event_source/devices/*; do
		case ${d##*/} in cpu | cpu_core) return 0 ;; esac
		[ -e "$d/events/cpu_cycles" ] && return 0
	done
	return 1
}

# probes_here: whether the loaded module runs probes on this machine
# (llctl info's features, from GET_INFO's LLKM_FEAT_PROBES: not on arm64
# yet); NO_PROBES_WHY, the skip reason where it does not.
probes_here() { "$LLCTL" info --json 2>/dev/null | jq -e '.features | index("probes") != null' >/dev/null; }
# shellcheck disable=SC2034 # used by the tests that source this file
NO_PROBES_WHY='llkm runs no probes on this architecture yet (llctl info: no "probes" feature)'

# jqe ARGS...: jq -e, quiet: whether the filter holds (for check).
jqe() { jq -e "$@" >/dev/null; }

# run ARGS...: llctl with stdout/stderr/status captured in $out.
run() { "$LLCTL" "$@" >"$out/stdout" 2>"$out/stderr"; echo $? >"$out/rc"; }
rc() { cat "$out/rc"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# until_ SECS CMD...: polls CMD every 50 ms, for at most SECS; 1 if it never held.
until_() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.05
	done
}
refcnt() { cat /sys/module/llkm/refcnt 2>/dev/null || echo -1; }
# held: a process has /dev/llkm open (llctl opens it after setting its
# SIGINT handler: in a background job SIGINT is ignored until then).
held() { [ "$(refcnt)" -ge 1 ]; }
exited() { ! kill -0 "$1" 2>/dev/null; }
# A kernel thread of a probe run, by name.
probe_thread() { grep -qs '^llkm_probe/' /proc/[0-9]*/comm; }
# reap PID SECS: background job PID's exit status once it exits, or 124
# (and SIGKILL) when it still runs SECS seconds later, so a stop that was
# lost fails a test instead of hanging the suite.
reap() {
	if ! until_ "$2" exited "$1"; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}
# interrupt PID SECS: Ctrl-C for background job PID, then reap it.
interrupt() {
	kill -INT "$1" 2>/dev/null
	reap "$1" "$2"
}

# skip_all COUNT REASON: the whole plan skipped, with the totals line.
skip_all() {
	local i
	for i in $(seq "$1"); do skip "test_$i" "$2"; done
	ktap_totals
	exit 4
}
# The totals, after a failure when the tests run were not the plan's ($PLAN).
ktap_totals() {
	if [ -n "${PLAN:-}" ] && [ "$n" -ne "$PLAN" ]; then
		not_ok plan_matches_the_tests_run "planned $PLAN, ran $n"
	fi
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
}
