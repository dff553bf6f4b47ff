#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What kmod/60-llkm.rules grants, and what it does not. The module creates
# /dev/llkm 0600 root:root; udevadm applies the rule (with a group llkm
# made for the test): 0660 root:llkm. A member of llkm without CAP_PERFMON
# is still refused by the module (EPERM); with CAP_PERFMON it opens the
# node; a non-member with CAP_PERFMON is refused by the mode (EACCES).
# Then llctl's hint in each of these situations, and after rmmod: each
# names what works there, and following it works (issue 18, item 9).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=10
RULE=
for c in "$here/60-llkm.rules" "$here/../../kmod/60-llkm.rules"; do
	[ -n "$RULE" ] || { [ -r "$c" ] && RULE=$c; }
done
RUN_RULE=/run/udev/rules.d/60-llkm.rules
trap 'umount /etc/group 2>/dev/null; rm -f "$RUN_RULE"; rm -rf "$out"
      grep -qw llkm /proc/modules && rmmod llkm' EXIT

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$KO" ] || [ -z "$RULE" ] || ! command -v udevadm >/dev/null ||
   ! command -v setpriv >/dev/null; then
	skip_all $PLAN "needs llkm.ko, 60-llkm.rules, udevadm and setpriv"
fi
if getent group llkm >/dev/null; then
	skip_all $PLAN "group llkm exists here: not replacing /etc/group"
fi
grep -qw llkm /proc/modules && rmmod llkm
if ! insmod "$KO"; then
	skip_all $PLAN "insmod $KO failed"
fi
node() { stat -c '%a %U %G' /dev/llkm 2>&1; }

check module_creates_node_0600_root "/dev/llkm is '$(node)'" \
	test "$(node)" = "600 root root"

# A group llkm for the test only: a copy of /etc/group bound over it.
gid=4242
while getent group "$gid" >/dev/null; do gid=$((gid + 1)); done
{ cat /etc/group; echo "llkm:x:$gid:"; } >"$out/group"
mount --bind "$out/group" /etc/group
mkdir -p /run/udev/rules.d
cp "$RULE" "$RUN_RULE"
udevadm test --action=add /sys/class/misc/llkm >"$out/udev" 2>&1
check rule_makes_node_0660_group_llkm "/dev/llkm is '$(node)': $(grep -i 'llkm\|mode\|group' "$out/udev" | tail -n 5 | tr '\n' ' ')" \
	test "$(node)" = "660 root llkm"

# open_as GROUPS CAPS: open /dev/llkm read-write as nobody; its error text.
open_as() {
	local caps=()
	[ "$2" = perfmon ] && caps=(--inh-caps +perfmon --ambient-caps +perfmon)
	setpriv --reuid=65534 --regid=65534 "$1" "${caps[@]}" \
		sh -c 'exec 3<>/dev/llkm && echo opened' 2>&1
}
got=$(open_as --groups="$gid" none)
check member_without_cap_perfmon_gets_eperm "got '$got'" \
	grep -q 'Operation not permitted' <<<"$got"
got=$(open_as --groups="$gid" perfmon)
check member_with_cap_perfmon_opens_it "got '$got'" test "$got" = opened
got=$(open_as --clear-groups perfmon)
check non_member_with_cap_perfmon_gets_eacces "got '$got'" \
	grep -q 'Permission denied' <<<"$got"

# --- llctl's hints, each true where it is printed -----------------------------
# llctl_as GROUPS CAPS: a short system-wide trace by $exe as nobody; stderr.
llctl_as() {
	local caps=()
	[ "$2" = perfmon ] && caps=(--inh-caps +perfmon --ambient-caps +perfmon)
	{ setpriv --reuid=65534 --regid=65534 "$1" "${caps[@]}" \
		"$exe" trace -a --duration 0.3 --report /dev/null >/dev/null; } 2>&1
}
# A copy of llctl that nobody may run and setcap may mark: hints name it.
chmod 755 "$out"
mkdir -m 755 "$out/bin"
exe=$out/bin/llctl
install -m 755 "$LLCTL" "$exe"
got=$(llctl_as --clear-groups none)
check hint_without_cap_perfmon_gives_this_llctl_the_capability "got '$got'" \
	grep -qF "sudo setcap cap_perfmon=ep $exe" <<<"$got"
got=$(llctl_as --clear-groups perfmon)
joins_not_setcap() { grep -q 'join group llkm' <<<"$got" && ! grep -q setcap <<<"$got"; }
check hint_with_cap_perfmon_outside_group_llkm_says_join_it "got '$got'" \
	joins_not_setcap
# The first hint followed: the capability on that llctl, and the group.
if setcap cap_perfmon=ep "$exe" 2>"$out/setcap"; then
	got=$(llctl_as --groups="$gid" none)
	check following_the_hint_lets_nobody_trace "got '$got'" test -z "$got"
else
	skip following_the_hint_lets_nobody_trace "setcap on $out: $(cat "$out/setcap")"
fi

# Not loaded: the hint's command loads it here, or it is not built for
# this kernel (modinfo's vermagic, the oracle) and the hint builds it.
rmmod llkm
got=$({ "$LLCTL" trace -a --duration 0.3 --report /dev/null >/dev/null; } 2>&1)
cmd=$(sed -n "s/.*llkm is not loaded: load it: sudo \(insmod [^ ]*\|modprobe llkm\)\$/\1/p" <<<"$got")
tree=$(cd "$(dirname "$LLCTL")/.." && pwd)
if [ -n "$cmd" ]; then
	$cmd 2>"$out/load"
	check hint_when_not_loaded_loads_it "'$cmd': $(cat "$out/load")" \
		grep -qw llkm /proc/modules
	check hint_when_not_loaded_is_for_this_kernel "got '$got'" true
else
	skip hint_when_not_loaded_loads_it "the hint builds first: $got"
	vermagic=$(modinfo -F vermagic "$tree/kmod/llkm.ko" 2>/dev/null)
	builds_for_this_kernel() {
		grep -qF "build it for this kernel and load it: make -C $tree module" <<<"$got" &&
			[ "${vermagic%% *}" != "$(uname -r)" ]
	}
	check hint_when_not_loaded_is_for_this_kernel \
		"got '$got'; $tree/kmod/llkm.ko is for '${vermagic%% *}', this is $(uname -r)" \
		builds_for_this_kernel
fi

ktap_totals
[ "$fail" -eq 0 ]
