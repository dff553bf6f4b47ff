#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What kmod/60-llkm.rules grants, and what it does not. The module creates
# /dev/llkm 0600 root:root; udevadm applies the rule (with a group llkm
# made for the test): 0660 root:llkm. A member of llkm without CAP_PERFMON
# is still refused by the module (EPERM); with CAP_PERFMON it opens the
# node; a non-member with CAP_PERFMON is refused by the mode (EACCES).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=5
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

ktap_totals
[ "$fail" -eq 0 ]
