#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/layout_bench.sh: llctl layout against pahole (Debian's pahole) on
# the same files, in one run, published as ratios (docs/benchmarks.md).
# From the top of the tree, after make:
#
#   bench/layout_bench.sh                    (or: make -C bench layout)
#   TRIALS=21 bench/layout_bench.sh
#
# Cases: every struct of a file printed in full ('--struct *' against
# pahole FILE) from DWARF (kmod/llkm.ko, user/llctl) and from BTF (the
# running kernel's /sys/kernel/btf/vmlinux, 'pahole -F btf'), and one
# struct looked up by name (list_head) in the kernel's BTF. Each trial runs
# both tools once per case, alternating which goes first; the table gives
# the median wall time of each and llctl's over pahole's (below 1: llctl is
# faster). Output goes to /dev/null: the cost of producing it, not of a
# terminal. pahole 1.24 prints a warning per BTF kind it does not know
# (decl and type tags of newer kernels); those go to /dev/null too.
set -uf	# -f: the argument lists below hold a literal *
cd "$(dirname "$0")/.." || exit 1
TRIALS=${TRIALS:-11}
LLCTL=${LLCTL:-user/llctl}
command -v pahole >/dev/null || { echo "layout_bench: pahole missing: apt-get install pahole" >&2; exit 1; }
[ -x "$LLCTL" ] || { echo "layout_bench: $LLCTL missing: run make" >&2; exit 1; }

# name | llctl arguments | pahole arguments
cases=(
	"llkm.ko, all structs (DWARF)|--struct * kmod/llkm.ko|kmod/llkm.ko"
	"llctl, all structs (DWARF)|--struct * user/llctl|user/llctl"
)
if [ -r /sys/kernel/btf/vmlinux ]; then
	cases+=("vmlinux, all structs (BTF)|--source btf --struct * /sys/kernel/btf/vmlinux|-F btf /sys/kernel/btf/vmlinux"
		"vmlinux, list_head (BTF)|--source btf --struct list_head /sys/kernel/btf/vmlinux|-F btf -C list_head /sys/kernel/btf/vmlinux")
fi

# ns of one run of "$@", output discarded
t() {
	local t0
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $(($(date +%s%N) - t0))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '| case | llctl layout (ms) | pahole (ms) | llctl / pahole |\n|---|---|---|---|\n'
for c in "${cases[@]}"; do
	IFS='|' read -r name largs pargs <<<"$c"
	: >/tmp/layout_bench.l
	: >/tmp/layout_bench.p
	for i in $(seq "$TRIALS"); do
		# shellcheck disable=SC2086 # the argument lists split on purpose
		if [ $((i % 2)) = 1 ]; then
			t "$LLCTL" layout $largs >>/tmp/layout_bench.l
			t pahole $pargs >>/tmp/layout_bench.p
		else
			t pahole $pargs >>/tmp/layout_bench.p
			t "$LLCTL" layout $largs >>/tmp/layout_bench.l
		fi
	done
	l=$(median </tmp/layout_bench.l)
	p=$(median </tmp/layout_bench.p)
	awk -v n="$name" -v l="$l" -v p="$p" 'BEGIN {
		printf "| %s | %.1f | %.1f | %.2f |\n", n, l / 1e6, p / 1e6, l / p }'
done
rm -f /tmp/layout_bench.l /tmp/layout_bench.p
