#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make arm64's llctl, on this amd64 host through qemu-user (binfmt_misc):
#
#   1. build/arm64/llctl runs and says its version (an aarch64 binary
#      whose :arm64 libraries resolve);
#   2. llctl's syscall names (user/trace/syscalls.c, built for arm64 with
#      the cross compiler and driven by a small program) are the arm64
#      kernel's: every __NR_name the arm64 linux-libc-dev's asm/unistd.h
#      defines (asm-generic numbering, read by the cross preprocessor, so
#      typed by no one here) gets its own name back, and trace_syscall_nr()
#      its number. arch_specific_syscall, a range's start and no syscall,
#      is left out. The x86-64 numbers would name other syscalls (openat is
#      257 there, 56 here).
#
# Skips without the cross compiler, build/arm64/llctl (make arm64) or a
# binfmt_misc handler for aarch64 (qemu-user-static).
#
# Usage: selftests/host/arm64_test.sh [--counts FILE]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh

counts=''
[ "${1:-}" = --counts ] && counts=$2
CC=aarch64-linux-gnu-gcc
PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
export PKG_CONFIG_LIBDIR
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

finish()
{
	[ -z "$counts" ] || ktap_counts >"$counts"
	echo "# arm64: $(ktap_totals)"
	[ "$KTAP_FAIL" -eq 0 ]
	exit
}

echo "TAP version 13"
echo "1..2"
why=
if ! command -v "$CC" >/dev/null; then
	why="$CC not installed (make deps)"
elif [ ! -x build/arm64/llctl ]; then
	why="no build/arm64/llctl (make arm64)"
elif ! grep -qs '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
	why="no binfmt_misc handler for aarch64 (qemu-user-static, binfmt-support)"
fi
if [ -n "$why" ]; then
	ktap_result arm64:llctl_runs skip "$why"
	ktap_result arm64:syscall_names_are_the_arm64_kernels skip "$why"
	finish
fi

if v=$(build/arm64/llctl --version 2>&1) && [ "$v" = "llctl $(cat VERSION) (llkm ABI $(sed -n 's/^#define LLKM_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' include/uapi/linux/llkm.h))" ]; then
	ktap_result arm64:llctl_runs ok
else
	ktap_result arm64:llctl_runs fail "build/arm64/llctl --version: $v"
fi

# The oracle: NR NAME lines, from the arm64 kernel's header.
echo '#include <asm/unistd.h>' | "$CC" -dM -E -x c - |
	awk '$2 ~ /^__NR_/ && $2 != "__NR_syscalls" && $2 != "__NR_arch_specific_syscall" \
		{ print substr($2, 6) }' | sort -u >"$work/names"
{
	echo '#include <stdio.h>'
	echo '#include <asm/unistd.h>'
	echo 'int main(void) {'
	while read -r n; do
		printf '#ifdef __NR_%s\nprintf("%%d %s\\n", (int)(__NR_%s));\n#endif\n' "$n" "$n" "$n"
	done <"$work/names"
	echo 'return 0; }'
} >"$work/oracle.c"
# llctl's side: each NR NAME in, whatever syscalls.c says out.
cat >"$work/names.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/syscalls.h"

int main(void)
{
	char name[64];
	int nr, n = 0, bad = 0;

	while (scanf("%d %63s", &nr, name) == 2) {
		const char *s = trace_syscall_name(nr);
		/* trace_syscall_nr() keeps its last answer by pointer: a new one each. */
		char *copy = strdup(name);
		int back = trace_syscall_nr(copy);

		n++;
		if (strcmp(s, name) || back != nr) {
			printf("%d %s: llctl says %s, %d\n", nr, name, s, back);
			bad++;
		}
	}
	printf("%d syscalls, %d named otherwise\n", n, bad);
	return n < 250 || bad;
}
EOF
if ! "$CC" -o "$work/oracle" "$work/oracle.c" 2>"$work/log" ||
   ! "$work/oracle" >"$work/oracle.txt" ||
   ! "$CC" -std=gnu11 -Wall -Wextra -Werror -Iuser -o "$work/names" "$work/names.c" \
	user/trace/syscalls.c -lseccomp 2>>"$work/log"; then
	sed 's/^/# /' "$work/log"
	ktap_result arm64:syscall_names_are_the_arm64_kernels fail "cannot build the programs (above)"
elif "$work/names" <"$work/oracle.txt" >"$work/out" 2>&1; then
	sed 's/^/# /' "$work/out"
	ktap_result arm64:syscall_names_are_the_arm64_kernels ok
else
	sed 's/^/# /' "$work/out"
	ktap_result arm64:syscall_names_are_the_arm64_kernels fail "$(tail -n 1 "$work/out")"
fi
finish
