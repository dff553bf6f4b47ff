#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The core clock llctl measures (llctl coherency --test branch) against
# oracles it does not compute: the physical bound (0.4 to 7 GHz: no x86-64
# or arm64 core runs outside it), and what the kernel says the clock is,
# read here from /proc/cpuinfo's "cpu MHz" and cpufreq's scaling_cur_freq
# (sampled every 50 ms while llctl runs) and cpuinfo_max_freq. The measurement agrees with one of them within
# TOL_PCT, and does not exceed cpuinfo_max_freq by more than TOL_PCT, or
# llctl says they disagree (text and JSON). Written for any x86-64 host:
# bare-metal Intel or AMD with cpufreq (the current clock agrees), a VM
# (cpuinfo's MHz is the TSC rate: it agrees when the core runs at its base
# clock, else llctl must flag it), a shared vCPU (steal makes the chain
# slower, never faster: flagged or agreeing, not a wrong fact). The
# misprediction penalty in cycles is bounded too (5 to 50: the shortest
# and longest pipelines' refill, docs/plausibility.md) or null with a reason.
#
# Usage: selftests/host/clock_test.sh [--counts FILE]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh

counts=''
[ "${1:-}" = --counts ] && counts=$2
llctl=${LLCTL:-$top/user/llctl}
TOL_PCT=15
cpu=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$(uname -m)" != x86_64 ]; then
	ktap_result clock skip "the branch test is x86-64 only"
	[ -z "$counts" ] || ktap_counts >"$counts"
	exit 0
fi
fq=/sys/devices/system/cpu/cpu$cpu/cpufreq
# kernel_ghz: what the kernel says CPU $cpu runs at now, one figure a line.
kernel_ghz()
{
	awk -v c=$cpu '/^processor/ { p = $3 } /^cpu MHz/ && p == c { print $4 / 1000 }' /proc/cpuinfo
	[ -r $fq/scaling_cur_freq ] && awk '{ print $1 / 1e6 }' $fq/scaling_cur_freq
}
# The kernel's figures are sampled while llctl runs (the clock of an idle
# core drops within ms on bare metal: a figure read after would not be
# the clock the chain ran at).
: >"$work/refs"
for mode in --json ''; do
	out=$work/json
	[ -z "$mode" ] && out=$work/text
	# shellcheck disable=SC2086 # $mode: no option or one
	"$llctl" coherency --user --test branch --cpus $cpu $mode >"$out" 2>>"$work/err" &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		kernel_ghz >>"$work/refs"
		sleep 0.05
	done
	wait $pid || echo "# llctl exited $?"
done
ghz=$(jq -r '.tests.branch.core_ghz // "null"' "$work/json")
echo "# measured core clock: $ghz GHz"
grep -m1 'core clock' "$work/text" | sed 's/^/# text: /'

# 1. inside the physical bound, or null with a reason
if [ "$ghz" = null ]; then
	why=$(jq -r '.tests.branch.core_ghz_reason // empty' "$work/json")
	if [ -n "$why" ]; then
		ktap_result clock:core_ghz_within_bound_or_null_with_reason ok
	else
		ktap_result clock:core_ghz_within_bound_or_null_with_reason fail "null without core_ghz_reason"
	fi
elif awk -v g="$ghz" 'BEGIN { exit !(g >= 0.4 && g <= 7) }'; then
	ktap_result clock:core_ghz_within_bound_or_null_with_reason ok
else
	ktap_result clock:core_ghz_within_bound_or_null_with_reason fail "$ghz GHz printed as a fact"
fi

# 2. agrees with the kernel's figures, or the disagreement is said
refs=$(sort -nu "$work/refs" | tr '\n' ' ')
max=''
[ -r $fq/cpuinfo_max_freq ] && max=$(awk '{ print $1 / 1e6 }' $fq/cpuinfo_max_freq)
echo "# kernel's figures during the run (GHz): ${refs:-none}; cpuinfo_max_freq: ${max:-none}"
agree=$(awk -v g="$ghz" -v refs="$refs" -v max="$max" -v t=$TOL_PCT 'BEGIN {
	if (g == "null") { print "null"; exit }
	n = split(refs, r, " "); ok = 0
	for (i = 1; i <= n; i++)
		if (r[i] > 0 && (g - r[i]) / r[i] * 100 <= t && (r[i] - g) / r[i] * 100 <= t)
			ok = 1
	if (n == 0 && max == "") ok = 1		# nothing to compare with
	if (max != "" && (g - max) / max * 100 > t) ok = 0
	print ok ? "yes" : "no" }')
flag_json=$(jq -r '.tests.branch.clock // {} | if has("agrees") then (.agrees | tostring) else "missing" end' "$work/json")
flag_text=$(grep -c 'core clock.*disagree' "$work/text")
case $agree in
yes|null)
	ktap_result clock:agrees_with_cpuinfo_or_cpufreq_or_flags_it ok ;;
*)
	if [ "$flag_json" = false ] && [ "$flag_text" -ge 1 ]; then
		ktap_result clock:agrees_with_cpuinfo_or_cpufreq_or_flags_it ok
	else
		ktap_result clock:agrees_with_cpuinfo_or_cpufreq_or_flags_it fail \
			"$ghz GHz is more than $TOL_PCT % from the kernel's ($refs / max ${max:-none}) and not flagged (json agrees: $flag_json, text lines: $flag_text)"
	fi ;;
esac

# 3. the misprediction penalty: 5 to 50 cycles, or null with a reason
pc=$(jq -r '.tests.branch.penalty_cycles // "null"' "$work/json")
why=$(jq -r '.tests.branch.penalty_cycles_reason // .tests.branch.penalty_reason // empty' "$work/json")
if { [ "$pc" = null ] && [ -n "$why" ]; } ||
   { [ "$pc" != null ] && awk -v c="$pc" 'BEGIN { exit !(c >= 5 && c <= 50) }'; }; then
	ktap_result clock:mispredict_cycles_within_bound_or_null ok
else
	ktap_result clock:mispredict_cycles_within_bound_or_null fail "$pc cycles printed as a fact"
fi

[ -s "$work/err" ] && sed 's/^/# stderr: /' "$work/err"
[ -z "$counts" ] || ktap_counts >"$counts"
echo "# clock: $(ktap_totals)"
[ "$KTAP_FAIL" -eq 0 ]
