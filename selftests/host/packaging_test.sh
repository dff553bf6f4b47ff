#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What make install ships says what llctl does: every man page renders
# without a warning; each command of the dispatch table (user/llctl.c) has
# its page, docs/man/llctl-CMD.8, whose NAME is the table's summary, whose
# SYNOPSIS is 'llctl help CMD''s and whose OPTIONS are exactly the long
# options 'llctl help CMD' prints; llctl.8 lists every command; 'llctl help
# CMD' fits 80 columns; the bash completion completes the same commands,
# options and listed values; make install puts each file where its tool
# looks, and make uninstall removes exactly those. Host only, no privilege:
# installs into a DESTDIR.
#
# Usage: selftests/host/packaging_test.sh [--counts FILE]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh

counts=''
[ "${1:-}" = --counts ] && counts=$2
LLCTL=$top/user/llctl
MANDIR=docs/man
NTESTS=13
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The dispatch table: { "name", cmd_name, "summary" }.
commands=$(sed -n 's/^\t{ "\([a-z][a-z0-9-]*\)", *cmd_.*/\1/p' user/llctl.c)
# summary CMD: CMD's summary in the dispatch table.
summary() { sed -n "s/^\t{ \"$1\", *cmd_[a-z_]*, *\"\(.*\)\" },\$/\1/p" user/llctl.c; }
# words LIST...: the words of the LISTs one a line, sorted, to compare sets.
words() { printf '%s\n' "$@" | tr ' ' '\n' | sed '/^$/d' | sort; }
# oneline TEXT: the lines of TEXT on one line, for a KTAP reason.
oneline() { printf '%s' "$1" | tr '\n' ' '; }
# verdict NAME BAD WHY: NAME passes when BAD is empty, else fails with
# "WHY" and BAD on one line.
verdict()
{
	if [ -z "$2" ]; then
		ktap_result "packaging:$1" ok
	else
		ktap_result "packaging:$1" fail "$3$(oneline "$2")"
	fi
}
# long_options CMD: what 'llctl help CMD' offers, but --help (every command's).
long_options() { "$LLCTL" help "$1" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u | grep -vx -- --help; }
# section FILE NAME: the source lines of FILE's .SH NAME, without the .SH.
section()
{
	awk -v s="$2" '/^\.SH/ { t = $0; sub(/^\.SH +/, "", t); gsub(/"/, "", t)
			on = t == s; next }
		on' "$1"
}
# plain: man source as the reader sees it, fonts and escapes gone.
plain() { sed 's/\\f[BIRP]//g; s/\\-/-/g; s/\\~/ /g; s/\\&//g; s/\\(aq/'"'"'/g'; }
# man_options FILE: the long options the tags of FILE's OPTIONS name.
man_options()
{
	awk '/^\.SH/ { on = $2 == "OPTIONS" } on && prev ~ /^\.TP/ { print }
		{ prev = $0 }' "$1" | plain | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}
# man_synopses FILE CMD: each form of FILE's rendered SYNOPSIS, one a line.
man_synopses()
{
	LC_ALL=C MANWIDTH=1000 man -l "$1" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^[A-Z]/{/^[A-Z]/d;p}' | tr -s ' \n' '  ' |
		sed "s/ llctl $2 /\\nllctl $2 /g" | sed 's/^ *//; s/ *$//'
}
# help_synopsis CMD: 'llctl help CMD''s synopsis, on one line.
help_synopsis()
{
	"$LLCTL" help "$1" | sed -n '1,/^$/p' | tr -s ' \n' '  ' |
		sed 's/^Usage: //; s/ *$//'
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
echo "1..$NTESTS"
if [ ! -x "$LLCTL" ] || [ -z "$commands" ]; then
	for t in $(seq "$NTESTS"); do
		ktap_result "packaging:test_$t" skip "needs user/llctl (make llctl) and its dispatch table"
	done
	[ -z "$counts" ] || ktap_counts >"$counts"
	exit 0
fi

# 1. every page renders with groff's and man's warnings on, and says nothing
for f in "$MANDIR"/*.8; do
	groff -man -ww -z "$f" 2>&1
	{ MANWIDTH=80 man --warnings -l "$f" >/dev/null; } 2>&1
done >"$work/warnings"
if [ ! -s "$work/warnings" ] &&
   MANWIDTH=80 man -l "$MANDIR/llctl.8" 2>/dev/null | grep -q '^COMMANDS'; then
	ktap_result packaging:man_pages_render_without_warnings ok
else
	sed 's/^/# /' "$work/warnings"
	ktap_result packaging:man_pages_render_without_warnings fail "groff -ww or man --warnings complained, or llctl.8 has no COMMANDS"
fi

# 2. each command has its page, named with the dispatch table's summary
bad=$(for c in $commands; do
	[ "$c" = help ] && continue
	f=$MANDIR/llctl-$c.8
	s=$(summary "$c")
	if [ ! -f "$f" ]; then
		echo "$c: no $f"
	elif [ "$(section "$f" NAME | plain)" != "llctl-$c - ${s,}" ]; then
		echo "$c: NAME is not 'llctl-$c - ${s,}'"
	fi
done)
verdict man_page_per_command "$bad" ""

# 3. llctl.8 lists every command, with its summary, and refers to its page
bad=$(section "$MANDIR/llctl.8" COMMANDS | plain >"$work/commands"
	section "$MANDIR/llctl.8" 'SEE ALSO' >"$work/see_also"
	for c in $commands; do
		if [ "$c" = help ]; then
			grep -q '^help \[COMMAND\]$' "$work/commands" || echo "help"
			continue
		fi
		grep -A1 -xF -- ".BR llctl-$c (8)" "$work/commands" |
			grep -qxF -- "$(summary "$c")." || echo "$c"
		grep -q "^\\.BR llctl\\\\-$c (8)" "$work/see_also" || echo "$c(SEE ALSO)"
	done)
verdict overview_lists_every_command "$bad" "llctl.8 lacks: "

# 4. a page's OPTIONS name the long options 'llctl help CMD' prints, no other
bad=$(for c in $commands; do
	f=$MANDIR/llctl-$c.8
	[ "$c" = help ] || [ ! -f "$f" ] && continue
	{ long_options "$c"; echo --help; } | sort -u >"$work/help_opts"
	man_options "$f" >"$work/man_opts"
	missing=$(comm -23 "$work/help_opts" "$work/man_opts")
	extra=$(comm -13 "$work/help_opts" "$work/man_opts")
	[ -z "$missing" ] || echo "$c: not in the page: $(oneline "$missing")"
	[ -z "$extra" ] || echo "$c: not in llctl help $c: $(oneline "$extra")"
done)
verdict man_options_are_help_options "$bad" ""

# 5. a page's SYNOPSIS is 'llctl help CMD''s (one of its forms)
bad=$(for c in $commands; do
	f=$MANDIR/llctl-$c.8
	[ "$c" = help ] || [ ! -f "$f" ] && continue
	man_synopses "$f" "$c" | grep -qxF -- "$(help_synopsis "$c")" || echo "$c"
done)
verdict man_synopsis_is_help_synopsis "$bad" "differs for: "

# 6. 'llctl help' and 'llctl help CMD' fit 80 columns
wide=$("$LLCTL" help | awk 'length > 80 { print "help:" NR }'
	for c in $commands; do
		[ "$c" = help ] && continue
		"$LLCTL" help "$c" | awk -v c="$c" 'length > 80 { print c ":" NR }'
	done)
if [ -z "$wide" ]; then
	ktap_result packaging:help_fits_80_columns ok
else
	ktap_result packaging:help_fits_80_columns fail "wider than 80 (command:line): $(oneline "$wide")"
fi

# 7. llctl <TAB>: the dispatch table, all of it
got=$(complete_words "")
if [ "$got" = "$(words "$commands")" ]; then
	ktap_result packaging:completion_lists_every_command ok
else
	ktap_result packaging:completion_lists_every_command fail "completed '$(oneline "$got")'"
fi

# 8. llctl co<TAB>: coherency and config
got=$(complete_words co)
if [ "$got" = "$(words coherency config)" ]; then
	ktap_result packaging:completion_completes_a_prefix ok
else
	ktap_result packaging:completion_completes_a_prefix fail "llctl co<TAB>: '$(oneline "$got")'"
fi

# 9. llctl CMD --<TAB>: the command's long options, for every command
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

# 10. the values the help lists: config's actions, --format, --test lists
a=$(complete_words config "")
b=$(complete_words trace --format "")
c=$(complete_words coherency --test c2c,l)
if [ "$a" = "$(words apply check plan revert show verify)" ] &&
   [ "$b" = "$(words ctf perfetto raw)" ] && [ "$c" = c2c,litmus ]; then
	ktap_result packaging:completion_offers_listed_values ok
else
	ktap_result packaging:completion_offers_listed_values fail "config '$(oneline "$a")', --format '$(oneline "$b")', --test '$c'"
fi

# 11. make install: each file where its tool reads it, a page per command
dest=$work/dest
make -s install DESTDIR="$dest" PREFIX=/usr >"$work/make" 2>&1
(cd "$dest" 2>/dev/null && find . ! -type d -printf '%m %p\n' | sort) >"$work/files"
{
	echo "644 ./usr/lib/udev/rules.d/60-llkm.rules"
	echo "644 ./usr/share/bash-completion/completions/llctl"
	for f in "$MANDIR"/*.8; do
		echo "644 ./usr/share/man/man8/${f##*/}"
	done
	echo "755 ./usr/bin/llctl"
} | sort >"$work/want"
if diff -u "$work/want" "$work/files" >"$work/diff"; then
	ktap_result packaging:install_puts_each_file ok
else
	sed 's/^/# /' "$work/make" "$work/diff"
	ktap_result packaging:install_puts_each_file fail "make install DESTDIR PREFIX=/usr installed other files"
fi

# 12. man finds each installed page, and renders llctl(8)
man8=$dest/usr/share/man
missing=$(for c in $commands; do
	[ "$c" = help ] && continue
	[ "$(man -M "$man8" -w "llctl-$c" 2>/dev/null)" = "$man8/man8/llctl-$c.8" ] ||
		echo "llctl-$c"
done)
if [ -z "$missing" ] &&
   MANWIDTH=80 man --warnings -M "$man8" llctl 2>"$work/man.err" |
   grep -q '^NAME' && [ ! -s "$work/man.err" ]; then
	ktap_result packaging:installed_man_pages_found ok
else
	sed 's/^/# /' "$work/man.err"
	ktap_result packaging:installed_man_pages_found fail "man -M DESTDIR/usr/share/man: not found: $(oneline "$missing")"
fi

# 13. make uninstall: no file left
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
