#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl's build (user/Makefile): a change to one header rebuilds the
# objects that include it, directly or through another header, and
# relinks, nothing else; a change to one source rebuilds its object; and
# an llctl built without its optional areas (NO_CTF=1 NO_METRICS=1
# NO_LAYOUT=1, or pkg-config lacking their libraries) builds warning-free,
# and its 'trace --format ctf', 'report --format ctf', 'metrics' and
# 'layout' each exit 1 naming the Debian package that ships the missing
# library's pkg-config file (dpkg -S says which). The expected includers
# come from the sources' #include lines, not from make's own .d files.
# Host only, no privilege: the left-out build happens in a copy of user/,
# include/, kmod/'s headers, quiet.mk and VERSION in a temporary directory.
#
# Usage: selftests/host/build_test.sh [--counts FILE]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh

counts=''
[ "${1:-}" = --counts ] && counts=$2
NTESTS=8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# oneline TEXT: the lines of TEXT on one line, for a KTAP reason.
oneline() { printf '%s' "$1" | tr '\n' ' '; }
# rebuilt ARGS...: what 'make -n ARGS' in user/ would compile, one object a
# line, sorted, then "llctl" when it would link.
rebuilt()
{
	make -s -C user -n "$@" 2>&1 |
		sed -n 's/.* -c -o \([^ ]*\.o\) .*/\1/p; s/.* -o llctl .*/llctl/p' |
		sort -u
}
# includers HDR: the sources of user/ that include HDR (a path from user/,
# as they write it), directly or through other headers, whose object this
# build links ($work/objs); one a line, as objects, sorted.
includers()
{
	local todo=("$1") seen=" $1 " h f
	while [ ${#todo[@]} -gt 0 ]; do
		h=${todo[0]}
		todo=("${todo[@]:1}")
		for f in $(cd user && grep -lF "#include \"$h\"" -- *.[ch] */*.[ch]); do
			case $seen in *" $f "*) continue ;; esac
			seen="$seen$f "
			todo+=("$f")
		done
	done
	for f in $seen; do
		case $f in *.c) echo "${f%.c}.o" ;; esac
	done | sort | comm -12 - "$work/objs"
}

echo "TAP version 13"
echo "1..$NTESTS"

if ! make -s -C user >"$work/make" 2>&1; then
	sed 's/^/# /' "$work/make"
	for t in header_change_rebuilds_only_its_includers \
		 source_change_rebuilds_only_its_object nothing_to_do_after_a_build; do
		ktap_result "build:$t" fail "make -C user failed (above)"
	done
else
	# 1. every header of user/: its includers and the link, nothing else
	rebuilt -B | grep -vx llctl >"$work/objs"
	bad=$(for h in $(cd user && ls -- *.h */*.h); do
		want=$(includers "$h")
		[ -n "$want" ] && want=$(printf '%s\nllctl\n' "$want" | sort)
		got=$(rebuilt -W "$h")
		[ "$got" = "$want" ] ||
			echo "$h: rebuilds '$(oneline "$got")', its includers are '$(oneline "$want")'"
	done)
	if [ -z "$bad" ]; then
		ktap_result build:header_change_rebuilds_only_its_includers ok
	else
		awk '{ print "# " $0 }' <<<"$bad"
		ktap_result build:header_change_rebuilds_only_its_includers fail "$(wc -l <<<"$bad") header(s) (above)"
	fi

	# 2. one source: its object and the link
	got=$(rebuilt -W trace/sink.c)
	if [ "$got" = "$(printf 'llctl\ntrace/sink.o')" ]; then
		ktap_result build:source_change_rebuilds_only_its_object ok
	else
		ktap_result build:source_change_rebuilds_only_its_object fail "trace/sink.c rebuilds '$(oneline "$got")'"
	fi

	# 3. after a build, make has nothing to do
	if make -s -C user -q; then
		ktap_result build:nothing_to_do_after_a_build ok
	else
		ktap_result build:nothing_to_do_after_a_build fail "make -C user -q: something to do"
	fi
fi

# The left-out build, in a copy: user/ without its objects, and what it
# includes from outside (include/, kmod/'s headers, quiet.mk, VERSION).
copy=$work/tree
mkdir -p "$copy/kmod"
cp -r user include quiet.mk VERSION "$copy/" && cp kmod/*.h "$copy/kmod/" &&
	(cd kmod && cp --parents arch/*/*.h "$copy/kmod/")
make -s -C "$copy/user" clean >/dev/null 2>&1
llctl=$copy/user/llctl

# 4. NO_CTF=1 NO_METRICS=1 NO_LAYOUT=1 builds, warning-free
if make -s -j2 -C "$copy/user" NO_CTF=1 NO_METRICS=1 NO_LAYOUT=1 >"$work/make" 2>&1 &&
   ! grep -qi 'warning' "$work/make" && [ -x "$llctl" ]; then
	ktap_result build:left_out_areas_build ok
else
	sed 's/^/# /' "$work/make"
	ktap_result build:left_out_areas_build fail "make NO_CTF=1 NO_METRICS=1 NO_LAYOUT=1 failed or warned (above)"
fi

# hint NAME PC ARGS...: 'llctl ARGS' exits 1 saying it was built without
# it and naming the package that ships PC.pc.
hint()
{
	local name=$1 pc=$2 deb out rc
	shift 2
	deb=$(dpkg -S "*/$pc.pc" 2>/dev/null | sed -n '1s/:.*//p')
	if [ ! -x "$llctl" ]; then
		ktap_result "build:$name" fail "no left-out llctl (test 4)"
		return
	fi
	out=$("$llctl" "$@" 2>&1 </dev/null)
	rc=$?
	if [ -z "$deb" ]; then
		ktap_result "build:$name" skip "dpkg -S finds no $pc.pc: which package ships it is unknown here"
	elif [ "$rc" = 1 ] && grep -q "^llctl: Unable to run .*: this llctl was built without it (NO_[A-Z]*=1); install .*\<$deb\>.* and rebuild$" <<<"$out"; then
		ktap_result "build:$name" ok
	else
		ktap_result "build:$name" fail "llctl $* exited $rc: $(oneline "$out") (wanted $deb)"
	fi
}

# 5.-7. each left-out part names its package
hint left_out_ctf_names_its_package babeltrace-ctf trace --format ctf -o "$work/ctf" -a --duration 1
hint left_out_metrics_names_its_package libmicrohttpd metrics --once
hint left_out_layout_names_its_package libbpf layout "$llctl"

# 8. pkg-config without those libraries: the build notes each and leaves
# it out by itself (the objects are the left-out build's: no relink)
mkdir -p "$work/bin"
cat >"$work/bin/pkg-config" <<'EOF'
#!/bin/sh
for a in "$@"; do
	case $a in babeltrace-ctf|libmicrohttpd|libbpf) exit 1 ;; esac
done
exec /usr/bin/pkg-config "$@"
EOF
chmod +x "$work/bin/pkg-config"
notes=$(PATH=$work/bin:$PATH make -s -C "$copy/user" 2>&1 | grep -c '^llctl: building without ')
areas=$(cat "$copy/user/.areas" 2>/dev/null)
if [ "$notes" = 3 ] && [ "$areas" = "NO_CTF=1 NO_METRICS=1 NO_LAYOUT=1" ]; then
	ktap_result build:missing_libraries_are_noted_and_left_out ok
else
	ktap_result build:missing_libraries_are_noted_and_left_out fail "$notes notes, areas '$areas'"
fi

[ -z "$counts" ] || ktap_counts >"$counts"
echo "# build: $(ktap_totals)"
[ "$KTAP_FAIL" -eq 0 ]
