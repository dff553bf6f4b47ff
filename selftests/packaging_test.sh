#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What make install ships says what llctl does: the man page renders without
# a warning, names every command of the dispatch table (user/llctl.c) and,
# in that command's entry, every long option 'llctl help CMD' prints; the
# bash completion completes the same commands, options and listed values;
# make install puts each file where its tool looks, and make uninstall
# removes exactly those. Host only, no privilege: installs into a DESTDIR.
#
# Usage: selftests/packaging_test.sh [--counts FILE]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh

counts=''
[ "${1:-}" = --counts ] && counts=$2
LLCTL=$top/user/llctl
MAN=docs/llctl.8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The dispatch table: { "name", cmd_name, "summary" }.
commands=$(sed -n 's/^\t{ "\([a-z][a-z0-9-]*\)", *cmd_.*/\1/p' user/llctl.c)
# words LIST...: the words of the LISTs one a line, sorted, to compare sets.
words() { printf '%s\n' "$@" | tr ' ' '\n' | sed '/^$/d' | sort; }
# oneline TEXT: the lines of TEXT on one line, for a KTAP reason.
oneline() { printf '%s' "$1" | tr '\n' ' '; }
# long_options CMD: what 'llctl help CMD' offers, but --help (every command's).
long_options() { "$LLCTL" help "$1" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u | grep -vx -- --help; }
# man_entry CMD: the man page's entry of CMD (the .TP whose tag starts
# with \fBCMD\fP), dashes unescaped.
man_entry()
{
	awk -v cmd="$1" '
		prev ~ /^\.TP/ && index($0, "\\fB" cmd "\\fP") == 1 { on = 1 }
		{ prev = $0 }
		on && /^\.(TP|SH)/ { exit }
		on' "$MAN" | sed 's/\\-/-/g'
}
# complete WORD...: what _llctl offers for the last WORD, sorted.
complete_words()
{
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_llctl; printf "%s\n" "${COMPREPLY[@]}"' _ \
		user/llctl.bash-completion "$LLCTL" "$@" | sed '/^$/d' | sort
}

echo "TAP version 13"
echo "1..10"
if [ ! -x "$LLCTL" ] || [ -z "$commands" ]; then
	for t in $(seq 10); do
		ktap_result "packaging:test_$t" skip "needs user/llctl (make llctl) and its dispatch table"
	done
	[ -z "$counts" ] || ktap_counts >"$counts"
	exit 0
fi

# 1. renders with groff's and man's warnings on, and says nothing
groff -man -ww -z "$MAN" >"$work/groff" 2>&1
MANWIDTH=80 man --warnings -l "$MAN" >"$work/man.txt" 2>"$work/man.err"
if [ ! -s "$work/groff" ] && [ ! -s "$work/man.err" ] && grep -q '^COMMANDS' "$work/man.txt"; then
	ktap_result packaging:man_renders_without_warnings ok
else
	sed 's/^/# /' "$work/groff" "$work/man.err"
	ktap_result packaging:man_renders_without_warnings fail "groff -ww or man --warnings complained"
fi

# 2. every command has its entry
missing=$(for c in $commands; do [ -n "$(man_entry "$c")" ] || echo "$c"; done)
if [ -z "$missing" ]; then
	ktap_result packaging:man_has_every_command ok
else
	ktap_result packaging:man_has_every_command fail "no entry for: $(oneline "$missing")"
fi

# 3. every long option of 'llctl help CMD' is in CMD's entry
missing=$(for c in $commands; do
	[ "$c" = help ] && continue
	man_entry "$c" >"$work/entry"
	for o in $(long_options "$c"); do
		grep -q -- "$o\\b" "$work/entry" || echo "$c:$o"
	done
done)
if [ -z "$missing" ]; then
	ktap_result packaging:man_has_every_long_option ok
else
	ktap_result packaging:man_has_every_long_option fail "missing: $(oneline "$missing")"
fi

# 4. llctl <TAB>: the dispatch table, all of it
got=$(complete_words "")
if [ "$got" = "$(words "$commands")" ]; then
	ktap_result packaging:completion_lists_every_command ok
else
	ktap_result packaging:completion_lists_every_command fail "completed '$(oneline "$got")'"
fi

# 5. llctl co<TAB>: coherency and config
got=$(complete_words co)
if [ "$got" = "$(words coherency config)" ]; then
	ktap_result packaging:completion_completes_a_prefix ok
else
	ktap_result packaging:completion_completes_a_prefix fail "llctl co<TAB>: '$(oneline "$got")'"
fi

# 6. llctl CMD --<TAB>: the command's long options, for every command
bad=$(for c in $commands; do
	[ "$c" = help ] && continue
	[ "$(complete_words "$c" --)" = "$(words "$(long_options "$c")" --help)" ] || echo "$c"
done)
prof=$(complete_words profile --)
if [ -z "$bad" ] && grep -qx -- --per-cpu <<<"$prof" && grep -qx -- --repeat <<<"$prof"; then
	ktap_result packaging:completion_offers_each_commands_options ok
else
	ktap_result packaging:completion_offers_each_commands_options fail "wrong for: $(oneline "$bad") (profile: $(oneline "$prof"))"
fi

# 7. the values the help lists: config's actions, --format, --test lists
a=$(complete_words config "")
b=$(complete_words trace --format "")
c=$(complete_words coherency --test c2c,l)
if [ "$a" = "$(words apply check plan revert show verify)" ] &&
   [ "$b" = "$(words ctf perfetto raw)" ] && [ "$c" = c2c,litmus ]; then
	ktap_result packaging:completion_offers_listed_values ok
else
	ktap_result packaging:completion_offers_listed_values fail "config '$(oneline "$a")', --format '$(oneline "$b")', --test '$c'"
fi

# 8. make install: the four files, where each tool reads them
dest=$work/dest
make -s install DESTDIR="$dest" PREFIX=/usr >"$work/make" 2>&1
(cd "$dest" 2>/dev/null && find . ! -type d -printf '%m %p\n' | sort) >"$work/files"
cat >"$work/want" <<EOF
644 ./usr/lib/udev/rules.d/60-llkm.rules
644 ./usr/share/bash-completion/completions/llctl
644 ./usr/share/man/man8/llctl.8
755 ./usr/bin/llctl
EOF
if diff -u "$work/want" "$work/files" >"$work/diff"; then
	ktap_result packaging:install_puts_each_file ok
else
	sed 's/^/# /' "$work/make" "$work/diff"
	ktap_result packaging:install_puts_each_file fail "make install DESTDIR PREFIX=/usr installed other files"
fi

# 9. man llctl finds and renders the installed page
if MANWIDTH=80 man --warnings -M "$dest/usr/share/man" llctl 2>"$work/man.err" |
   grep -q '^NAME' && [ ! -s "$work/man.err" ]; then
	ktap_result packaging:installed_man_page_renders ok
else
	sed 's/^/# /' "$work/man.err"
	ktap_result packaging:installed_man_page_renders fail "man -M DESTDIR/usr/share/man llctl"
fi

# 10. make uninstall: no file left
make -s uninstall DESTDIR="$dest" PREFIX=/usr >"$work/make" 2>&1
left=$(find "$dest" ! -type d)
if [ -z "$left" ]; then
	ktap_result packaging:uninstall_leaves_no_file ok
else
	ktap_result packaging:uninstall_leaves_no_file fail "left: $(oneline "$left")"
fi

[ -z "$counts" ] || ktap_counts >"$counts"
echo "# packaging: $(ktap_totals)"
[ "$KTAP_FAIL" -eq 0 ]
