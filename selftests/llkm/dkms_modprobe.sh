#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS-installed llkm loads by name: modprobe finds it under
# updates/dkms of the running kernel, it is this tree's version, it serves
# /dev/llkm and llctl info, and modprobe -r unloads it.
# selftests/host/dkms_test.sh installs it on the host and runs this in the
# guest; anywhere llkm is not DKMS-installed for the running kernel, the
# whole plan SKIPs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=4
version=$(cat "$here/../../VERSION" 2>/dev/null)

echo "TAP version 13"
echo "1..$PLAN"
path=$(modinfo -n llkm 2>/dev/null)
case $path in
*/updates/dkms/llkm.ko*) ;;
*)	skip_all $PLAN "llkm is not DKMS-installed for $(uname -r) (modinfo -n llkm: '${path:-none}')" ;;
esac
if grep -qw llkm /proc/modules; then
	rmmod llkm || { not_ok llkm_unloaded_first "rmmod llkm failed"; ktap_totals; exit 1; }
fi

mv=$(modinfo -F version llkm)
same_version() { [ -n "$version" ] && [ "$mv" = "$version" ]; }
check installed_module_is_this_version "modinfo says '$mv', VERSION '$version'" \
	same_version

loaded() { [ -d /sys/module/llkm ] && [ -c /dev/llkm ]; }
modprobe llkm 2>"$out/stderr"
check modprobe_loads_llkm "modprobe llkm: $(cat "$out/stderr")" loaded

if [ -n "$LLCTL" ]; then
	run info
	check llctl_info_talks_to_it "llctl info exit $(rc): $(cat "$out/stderr")" \
		test "$(rc)" -eq 0
else
	skip llctl_info_talks_to_it "llctl is not built (make llctl)"
fi

modprobe -r llkm 2>"$out/stderr"
check modprobe_r_unloads_llkm "modprobe -r llkm: $(cat "$out/stderr")" \
	test ! -d /sys/module/llkm

ktap_totals
[ "$fail" -eq 0 ]
