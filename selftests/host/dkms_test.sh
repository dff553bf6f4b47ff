#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS path, as a user takes it, on this host (as root): dkms add,
# build and install llkm against an installed kernel's headers; the module
# lands in /lib/modules/KVER/updates/dkms and modprobe loads it by name in
# a guest booting that kernel (selftests/llkm/dkms_modprobe.sh); dkms
# refuses, saying why, a kernel whose .config lacks an option llkm needs
# (BUILD_EXCLUSIVE_CONFIG); dkms remove --all leaves nothing behind. The
# running kernel here may have no module support, so the kernel version is
# always passed explicitly. Whatever happens, the exit trap removes what the
# test added, and so does the last test, which checks it. A host test: it
# installs on this machine; only its guest part boots a guest to modprobe.
#
# Usage: selftests/host/dkms_test.sh [--counts FILE] [--no-guest]
# Knobs: LLKM_DKMS_KVER (default: the newest /lib/modules/*/build).
# shellcheck disable=SC2317 # cleanup is the exit trap
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh

counts=''
guest=1
while [ $# -gt 0 ]; do
	case $1 in
	--counts) counts=$2; shift 2 ;;
	--no-guest) guest=0; shift ;;
	*) echo "usage: $0 [--counts FILE] [--no-guest]" >&2; exit 2 ;;
	esac
done
version=$(cat VERSION)
kbuild=$(printf '%s\n' /lib/modules/*/build | sort -V | tail -n 1)
kver=${LLKM_DKMS_KVER:-$(basename "$(dirname "$kbuild")")}
mok_before=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)
work=$(mktemp -d)

finish()
{
	[ -z "$counts" ] || ktap_counts >"$counts"
	echo "# dkms: $(ktap_totals)"
	[ "$KTAP_FAIL" -eq 0 ]
	exit
}

TESTS=(dkms_conf_version add build_exclusive_config_refuses build install
	guest_modprobe remove_leaves_nothing)

# skip_rest REASON: the tests not run yet SKIP, then the totals.
skip_rest()
{
	local t
	for t in "${TESTS[@]:$KTAP_N}"; do
		ktap_result "dkms:$t" skip "$1"
	done
	finish
}

# Undo whatever the test did, whether it got there or not: the DKMS tree,
# the copied source, the installed .ko (dkms remove runs depmod), and the
# MOK pair dkms generates on its first signed build if it was not there.
cleanup()
{
	if [ -d "/var/lib/dkms/llkm/$version" ]; then
		dkms remove "llkm/$version" --all >/dev/null 2>&1
	fi
	rm -rf "/usr/src/llkm-$version" "$work"
	if [ -z "$mok_before" ]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
}

echo "TAP version 13"
echo "1..${#TESTS[@]}"
if [ "$(id -u)" -ne 0 ]; then
	skip_rest "needs root (dkms writes /usr/src, /var/lib/dkms, /lib/modules)"
elif ! command -v dkms >/dev/null; then
	skip_rest "dkms is not installed (make deps)"
elif [ ! -f "/lib/modules/$kver/build/.config" ]; then
	skip_rest "no kernel headers for '$kver' (install linux-headers-amd64)"
elif [ -e "/var/lib/dkms/llkm" ] || [ -e "/usr/src/llkm-$version" ]; then
	skip_rest "llkm is DKMS-registered here already: not touching it"
fi
trap cleanup EXIT

# 1. dkms sources dkms.conf with bash from its own copy: the version it
#    reads must be VERSION's, from any working directory.
dv=$(cd / && bash -c '. "$1" >/dev/null; echo "$PACKAGE_VERSION"' _ "$top/dkms.conf" 2>&1)
if [ "$dv" = "$version" ]; then
	ktap_result dkms:dkms_conf_version ok
else
	ktap_result dkms:dkms_conf_version fail "dkms.conf gives '$dv', VERSION '$version'"
fi

# 2. add a clean copy of the tree (what a release tarball holds: the
#    tracked files, not build/ with its chroots); dkms copies it to /usr/src.
src=$work/llkm-$version
mkdir -p "$src"
git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$src"
(cd "$work" && dkms add "$src") >"$work/log" 2>&1
if dkms status llkm 2>/dev/null | grep -q "^llkm/$version: added"; then
	ktap_result dkms:add ok
else
	sed 's/^/# /' "$work/log"
	ktap_result dkms:add fail "dkms status does not show llkm/$version added"
	skip_rest "dkms add failed"
fi

# 3. a kernel without CONFIG_PERF_EVENTS: dkms refuses before compiling,
#    and says which option is missing.
fake=$work/ksrc-no-perf
mkdir -p "$fake"
grep -v '^CONFIG_PERF_EVENTS=' "/lib/modules/$kver/build/.config" >"$fake/.config"
dkms build "llkm/$version" -k "$kver" --kernelsourcedir "$fake" >"$work/log" 2>&1
rc=$?
if [ "$rc" -eq 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$work/log" &&
   grep -q "llkm: kernel $kver lacks CONFIG_PERF_EVENTS=y" "$work/log" &&
   ! grep -q 'lacks CONFIG_\(MODULES\|NET\|TRACEPOINTS\)' "$work/log" &&
   dkms status llkm | grep -q "^llkm/$version: added"; then
	sed -n '/lacks/s/^/# /p' "$work/log"
	ktap_result dkms:build_exclusive_config_refuses ok
else
	sed 's/^/# /' "$work/log"
	ktap_result dkms:build_exclusive_config_refuses fail "dkms build exit $rc, expected 77 naming CONFIG_PERF_EVENTS"
fi

# 4. build against the real headers
if dkms build "llkm/$version" -k "$kver" >"$work/log" 2>&1 &&
   dkms status llkm | grep -q "^llkm/$version, $kver, [^:]*: built"; then
	ktap_result dkms:build ok
else
	sed 's/^/# /' "$work/log"
	sed 's/^/# /' "/var/lib/dkms/llkm/$version/build/make.log" 2>/dev/null
	ktap_result dkms:build fail "dkms build llkm/$version -k $kver failed"
fi

# 5. install: the .ko in updates/dkms, this version, known to depmod
dkms install "llkm/$version" -k "$kver" >"$work/log" 2>&1
ko=
for f in "/lib/modules/$kver/updates/dkms/llkm.ko"*; do
	[ -e "$f" ] && ko=$f
done
mv=$(modinfo -F version "$ko" 2>/dev/null)
if [ -n "$ko" ] && [ "$mv" = "$version" ] &&
   grep -q '^updates/dkms/llkm\.ko[^:]*:' "/lib/modules/$kver/modules.dep" &&
   dkms status llkm | grep -q "^llkm/$version, $kver, [^:]*: installed"; then
	ktap_result dkms:install ok
else
	sed 's/^/# /' "$work/log"
	ktap_result dkms:install fail "ko '${ko:-none}' version '$mv', or not in modules.dep"
fi

# 6. modprobe llkm in a guest booting that kernel (it sees this root)
if [ "$guest" = 0 ]; then
	ktap_result dkms:guest_modprobe skip "--no-guest"
elif [ ! -f "/boot/vmlinuz-$kver" ]; then
	ktap_result dkms:guest_modprobe skip "no /boot/vmlinuz-$kver to boot"
else
	selftests/vm/run -q --kernel-image "/boot/vmlinuz-$kver" \
		--modules "/lib/modules/$kver" --out "$work" -- \
		selftests/run-guest --counts "$work/guest" dkms_modprobe.sh 2>&1 |
		sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	read -r p f s <<<"$(cat "$work/guest" 2>/dev/null)"
	if [ "$rc" -eq 0 ] && [ "${p:-0}" -ge 3 ] && [ "${f:-1}" -eq 0 ]; then
		ktap_result dkms:guest_modprobe ok
	else
		ktap_result dkms:guest_modprobe fail "guest exit $rc, counts '${p:-} ${f:-} ${s:-}' (want 3 or 4 passed, none failed)"
	fi
fi

# 7. remove --all: no DKMS tree, no .ko, depmod forgot it
dkms remove "llkm/$version" --all >"$work/log" 2>&1
rm -rf "/usr/src/llkm-$version"
left=$(ls -d /var/lib/dkms/llkm "/lib/modules/$kver/updates/dkms/llkm.ko"* \
	"/usr/src/llkm-$version" 2>/dev/null)
if [ -z "$left" ] && ! grep -q 'llkm\.ko' "/lib/modules/$kver/modules.dep"; then
	ktap_result dkms:remove_leaves_nothing ok
else
	sed 's/^/# /' "$work/log"
	ktap_result dkms:remove_leaves_nothing fail "left: ${left:-modules.dep still names llkm.ko}"
fi
finish
