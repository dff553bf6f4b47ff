#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The two commands on a machine that has nothing yet: a clean Debian 12 root
# file system (mmdebstrap) holding only what the README says to install
# first, a copy of the tree as a fresh clone has it, and in there, as root:
#
#   1. make run, the README's first command (it runs make deps itself), must
#      work the first time: a Makefile that looks up an installed file while
#      make reads it (before its deps recipe ran) fails here;
#   2. make deps && make all selftests && make run, in one go: a package
#      make deps misses fails here;
#   3. make run on the built tree: its make work before the guest boots
#      stays under RUN_OVERHEAD_MAX seconds and prints no compiler command
#      line.
#
# make check on a machine where everything is installed already could see
# none of these.
#
# Downloaded .debs are kept between runs (LLKM_CACHE/fresh-debs); the root
# file system never is. Needs root, mmdebstrap, unshare and the mirror.
#
# Usage: selftests/host/fresh_machine_test.sh [--counts FILE] [--keep]
#		[--patch FILE]
#   --keep        leave the root file system for a look (its path is printed)
#   --patch FILE  apply FILE (git apply) to the copy first: how to show that
#                 a broken Makefile or DEPS list fails here (docs/testing.md)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh
# shellcheck source=selftests/vm/chroot.sh
. selftests/vm/chroot.sh

RUN_OVERHEAD_MAX=30
TESTS=(rootfs make_run_on_a_fresh_machine deps_all_selftests_run_in_one_go
	make_run_again_is_quick_and_quiet)
CACHE=${LLKM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llkm}
DEBS=$CACHE/fresh-debs

counts=
keep=0
patch=
while [ $# -gt 0 ]; do
	case $1 in
	--counts) counts=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--patch) patch=$(realpath "$2"); shift 2 ;;
	*) echo "usage: $0 [--counts FILE] [--keep] [--patch FILE]" >&2; exit 2 ;;
	esac
done

echo "TAP version 13"
echo "1..${#TESTS[@]}"

# skip_from I REASON: tests I.. are skipped, and we are done.
skip_from()
{
	local i
	for ((i = $1; i < ${#TESTS[@]}; i++)); do
		ktap_result "fresh:${TESTS[i]}" skip "$2"
	done
	finish
}

finish()
{
	[ -z "$counts" ] || ktap_counts >"$counts"
	echo "# fresh: $(ktap_totals)"
	[ "$KTAP_FAIL" -eq 0 ]
	exit
}

# fail_from I REASON LOG: test I failed with LOG's last lines, the rest
# cannot run.
fail_from()
{
	tail -n 25 "$3" | sed 's/^/# /'
	ktap_result "fresh:${TESTS[$1]}" fail "$2"
	skip_from $(($1 + 1)) "${TESTS[$1]} failed"
}

if [ "$(id -u)" != 0 ] || ! command -v mmdebstrap >/dev/null || ! command -v unshare >/dev/null; then
	skip_from 0 "needs root, mmdebstrap and unshare (make deps)"
fi
# The README's first step on a fresh machine: "apt-get install PKG...".
first=$(sed -n 's/^[$# ]*apt-get install \(-y \)\{0,1\}\([a-z0-9. +-]*\)$/\2/p' README.md | head -n 1)
if [ -z "$first" ]; then
	ktap_result fresh:rootfs fail "README.md shows no 'apt-get install PACKAGES' first step"
	skip_from 1 "no first step to follow"
fi
if ! chroot_mirrors; then
	ktap_result fresh:rootfs fail "cannot tell the Debian mirror from the host's apt sources; set LLKM_SUITE_MIRROR"
	skip_from 1 "no mirror"
fi

work=$(mktemp -d /var/tmp/llkm-fresh.XXXXXX)
root=$work/root
if [ "$keep" = 1 ]; then
	trap 'umount_under "$work"; echo "# kept $root" >&2' EXIT
else
	trap 'remove_tree "$work"' EXIT
fi
mkdir -p "$DEBS"

# 1. the root file system: bookworm's apt variant and the README's list
sources=()
while IFS= read -r line; do sources+=("$line"); done < <(chroot_sources bookworm)
start=$SECONDS
# shellcheck disable=SC2086,SC2016 # $first: package names; "$1": the hook's
if unshare --mount --propagation private --pid --fork --kill-child -- \
	mmdebstrap --mode=root --format=directory --variant=apt \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--skip=essential/unlink \
	--setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
	--setup-hook="sync-in $DEBS /var/cache/apt/archives/" \
	--customize-hook="sync-out /var/cache/apt/archives $DEBS" \
	--include="$(echo $first | tr ' ' ,)" \
	bookworm "$root" "${sources[@]}" >"$work/mmdebstrap.log" 2>&1; then
	ktap_result fresh:rootfs ok
	echo "# Debian 12 with $first, in $((SECONDS - start)) s"
else
	fail_from 0 "mmdebstrap failed" "$work/mmdebstrap.log"
fi

# The tree as a fresh clone has it: tracked files (and new ones not yet
# committed), none of this checkout's build products.
mkdir -p "$root/root/llkm"
git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$root/root/llkm"
if [ -n "$patch" ] && ! git -C "$root/root/llkm" apply "$patch" 2>"$work/patch.log"; then
	fail_from 1 "the --patch does not apply" "$work/patch.log"
fi

# in_fresh CMD: CMD (a shell line) in the copy, as root, with the .deb
# cache on apt's archives and the host's /dev for qemu; stdout and stderr
# together.
in_fresh()
{
	CHROOT_DEV=1 CHROOT_BIND="$DEBS:/var/cache/apt/archives" \
		in_chroot "$root" /bin/sh -c "cd /root/llkm && $*" 2>&1
}

# has_reports LOG: make run's output shows a profile and a trace summary.
has_reports()
{
	grep -q 'Performance counter stats for' "$1" && grep -q '^ring: produced' "$1"
}

# 2. what a newcomer types first
log=$work/first.log
start=$SECONDS
in_fresh "make run" >"$log" || fail_from 1 "'make run' failed after $((SECONDS - start)) s" "$log"
has_reports "$log" || fail_from 1 "make run showed no profile or no trace summary" "$log"
ktap_result fresh:make_run_on_a_fresh_machine ok
echo "# make run on the fresh machine: $((SECONDS - start)) s"

# 3. the steps one by one
log=$work/steps.log
start=$SECONDS
in_fresh "make deps && make all selftests && make run" >"$log" ||
	fail_from 2 "failed after $((SECONDS - start)) s" "$log"
has_reports "$log" || fail_from 2 "make run showed no profile or no trace summary" "$log"
ktap_result fresh:deps_all_selftests_run_in_one_go ok
echo "# make deps && make all selftests && make run: $((SECONDS - start)) s"

# 4. again, on the built tree: the time make takes before the guest boots
# (vm/run's first line) and no compiler command line.
log=$work/again.log
start=$EPOCHREALTIME
overhead=
while IFS= read -r l; do
	if [ -z "$overhead" ] && [[ $l == "vm: kernel"* ]]; then
		overhead=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	fi
	printf '%s\n' "$l"
done < <(in_fresh "make run") >"$log"
cc_lines=$(grep -E -c '^(gcc|cc|x86_64-linux-gnu-gcc[-0-9]*) ' "$log")
if [ -z "$overhead" ] || ! grep -q '^vm: guest exited 0' "$log"; then
	fail_from 3 "make run on the built tree failed" "$log"
elif ! awk -v o="$overhead" -v m="$RUN_OVERHEAD_MAX" 'BEGIN { exit !(o < m) }' ||
	[ "$cc_lines" != 0 ]; then
	grep -E '^(gcc|cc|x86_64-linux-gnu-gcc[-0-9]*) ' "$log" | head -n 5 | sed 's/^/# /'
	ktap_result fresh:make_run_again_is_quick_and_quiet fail \
		"${overhead} s of make before the guest (at most $RUN_OVERHEAD_MAX), $cc_lines compiler command lines"
else
	ktap_result fresh:make_run_again_is_quick_and_quiet ok
	echo "# make run again: ${overhead} s of make before the guest boots"
fi
finish
