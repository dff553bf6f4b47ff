#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# README.md's runnable blocks, run as a newcomer would type them: every
# ```sh block opening on the line after one that ends in "<!-- runnable -->"
# runs with sh -e in the tree's top directory, as root, with llkm loaded. One KTAP result per
# block, named after its first command; a block that exits non-zero fails
# with its stderr. The output the README shows under a block is one
# machine's and is not compared: that the commands run as written is what
# is checked. The convention: docs/testing.md, "The README's runnable
# blocks".
#
# Knobs: LLKM_README (default: the tree's README.md), LLKM_README_SHOW=1
# also prints each block's output (to refresh the README's),
# LLKM_README_TIMEOUT (seconds per block, default 300).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
top=$(cd "$here/../.." && pwd)
readme=${LLKM_README:-$top/README.md}

echo "TAP version 13"
if [ ! -r "$readme" ] || [ ! -x "$top/user/llctl" ]; then
	echo "1..1"
	skip_all 1 "no README.md and user/llctl beside the test: it runs in a source tree"
fi
if ! "$top/user/llctl" --version >/dev/null 2>&1; then
	echo "1..1"
	skip_all 1 "the tree's user/llctl does not run here ($(uname -m)): README's blocks run the tree's own build, made for $(file -b "$top/user/llctl" 2>/dev/null | cut -d, -f2 | sed 's/^ //')"
fi

# block.N: the Nth runnable block, after a line that makes sudo a no-op
# where there is none (the guest runs as root, without sudo).
awk -v dir="$out" '
	/<!-- runnable -->[[:space:]]*$/ { armed = NR + 1; next }
	NR == armed && /^```sh$/ {
		n++; f = dir "/block." n; inblock = 1
		print "command -v sudo >/dev/null 2>&1 || sudo() { \"$@\"; }" >f
		next
	}
	NR == armed { printf "line %d: <!-- runnable --> is not followed by ```sh\n", armed - 1 >"/dev/stderr"; bad = 1 }
	inblock && /^```$/ { inblock = 0; close(f); next }
	inblock { print >f }
	END { exit bad }' "$readme" 2>"$out/marks"
marks=$?
blocks=$(find "$out" -maxdepth 1 -name 'block.*' | wc -l)
PLAN=$((blocks > 0 ? blocks + 1 : 2))
echo "1..$PLAN"
check every_runnable_mark_opens_a_sh_block "$(cat "$out/marks")" [ "$marks" -eq 0 ]
if [ "$blocks" -eq 0 ]; then
	not_ok readme_has_runnable_blocks "no <!-- runnable --> block in $readme"
	ktap_totals
	exit 1
fi
if [ "$(id -u)" != 0 ] || [ -z "$KO" ]; then
	for i in $(seq "$blocks"); do skip "block_$i" "needs root and llkm.ko"; done
	ktap_totals
	exit 4
fi
grep -qw llkm /proc/modules && rmmod llkm
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }

# block_name FILE: its first command, sudo and directories left out, up to
# the first option or operand that is a path ("user/llctl trace -- ..."
# is llctl_trace).
block_name() {
	sed -n '2,$p' "$1" | grep -v '^[[:space:]]*\(#\|$\)' | head -n 1 |
		awk '{ i = 1; if ($i == "sudo") i++
		       name = $i; sub(/.*\//, "", name)
		       if ($(i + 1) ~ /^[a-z][a-z0-9-]*$/) name = name "_" $(i + 1)
		       gsub(/[^A-Za-z0-9_]/, "_", name); print name }'
}

declare -A seen
for i in $(seq "$blocks"); do
	f=$out/block.$i
	name=$(block_name "$f")
	[ -n "$name" ] || name=block_$i
	seen[$name]=$((${seen[$name]:-0} + 1))
	[ "${seen[$name]}" -eq 1 ] || name=${name}_${seen[$name]}
	(cd "$top" && timeout "${LLKM_README_TIMEOUT:-300}" sh -e "$f") \
		>"$out/stdout" 2>"$out/stderr"
	status=$?
	if [ "${LLKM_README_SHOW:-0}" = 1 ]; then
		sed 's/^/# | /' "$out/stdout" "$out/stderr"
	fi
	if [ "$status" -eq 0 ]; then
		ok "$name"
	else
		sed 's/^/# /' "$out/stderr"
		not_ok "$name" "exit $status: $(tail -n 3 "$out/stderr" | tr '\n' ' ')"
	fi
done
rmmod llkm || not_ok llkm_unloads_after_the_blocks "rmmod failed: a block left llkm in use"
ktap_totals
[ "$fail" -eq 0 ]
