#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl report's perf report options against perf itself on the same files,
# recorded here by perf record with a fixed period (-c), so that perf's
# Overhead (of periods) is the share of samples llctl counts:
#   --sort dso,symbol / comm / pid,dso and --pid: each of perf report
#     --stdio --sort ...'s top rows has llctl's row with the same samples;
#   --comm, --dso on a key --sort lacks: the samples filtered as perf's;
#   -g: each top row's callchains (perf's -g folded,0,callee: every chain
#     with its percent) are llctl's, with the same samples; the graphs as
#     perf draws them, with --children too (a caller's, self 0, as well);
#   demangling: a C++ template method (g++) and Rust functions (rustc,
#     legacy and v0 mangling) are shown as c++filt -i prints them;
#   --diff A B: perf diff's Baseline and Delta on the same two files, and
#     the construction (the C++ workload's two functions, 1:3 then 3:1);
#     two llctl profile --json files: counts and delta % as built;
#   the pager: run on a terminal only (a pty), not on a pipe, not with
#     --no-pager.
# Needs perf with perf_event sampling allowed, g++ and rustc (SKIP without).
#
# Usage: selftests/host/report_test.sh [--counts FILE]
# shellcheck disable=SC2317 # the checks run through check()
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/ktap.sh
. selftests/ktap.sh

counts=''
[ "${1:-}" = --counts ] && counts=$2
llctl=${LLCTL:-$top/user/llctl}
TOP=5		# rows compared
work=$(mktemp -d)
# KEEP=1: leave the files for a look.
if [ -n "${KEEP:-}" ]; then
	echo "# files in $work"
else
	trap 'rm -rf "$work"' EXIT
fi

finish()
{
	[ -z "$counts" ] || ktap_counts >"$counts"
	echo "# report: $(ktap_totals)"
	[ "$KTAP_FAIL" -eq 0 ]
	exit
}

# check NAME CMD...: ok when CMD succeeds, else fail with its last line.
check()
{
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		[ -z "$out" ] || echo "# $name: $(printf '%s\n' "$out" | tail -1)"
		ktap_result "report:$name" ok
	else
		printf '%s\n' "$out" | sed 's/^/# /' | tail -20
		ktap_result "report:$name" fail "$(printf '%s\n' "$out" | tail -1)"
	fi
}

for tool in perf g++ rustc c++filt jq script; do
	if ! command -v $tool >/dev/null; then
		ktap_result report skip "$tool is not installed (make deps)"
		finish
	fi
done
if [ ! -x "$llctl" ]; then
	ktap_result report skip "llctl is not built (make)"
	finish
fi

# The workloads: a C++ namespace, a class template's method; Rust's churn()
# in a module, legacy and v0 mangled.
cat >"$work/w.cc" <<'EOF'
#include <cstdlib>
namespace llw {
template <typename T> struct Box {
	T v;
	__attribute__((noinline)) T spin(long n)
	{ T s = v; for (long i = 0; i < n; i++) s = s * 3 + i; return s; }
};
__attribute__((noinline)) long alpha(long n) { Box<long> b{1}; return b.spin(n); }
__attribute__((noinline)) double beta(long n) { Box<double> b{1.0}; return b.spin(n); }
}
int main(int argc, char **argv)
{
	long a = atol(argv[1]), b = atol(argv[2]);
	volatile double s = 0;
	for (long r = 0; r < 40; r++) { s += llw::alpha(a * 1000000); s += llw::beta(b * 1000000); }
	return s == 42;
}
EOF
cat >"$work/w.rs" <<'EOF'
#[inline(never)]
fn churn(n: u64) -> u64 { let mut s = 1u64; for i in 0..n { s = s.wrapping_mul(3).wrapping_add(i); } s }
mod inner {
    #[inline(never)]
    pub fn work(n: u64) -> u64 {
        let mut t = 0u64;
        for _ in 0..20 { t = t.wrapping_add(std::hint::black_box(super::churn(std::hint::black_box(n)))); }
        t
    }
}
fn main() { println!("{}", inner::work(20_000_000)); }
EOF
g++ -O1 -fno-omit-frame-pointer -o "$work/wcc" "$work/w.cc" || finish
rustc -C opt-level=1 -C force-frame-pointers=yes -o "$work/wrl" "$work/w.rs" || finish
v0=1
rustc -C opt-level=1 -C force-frame-pointers=yes -C symbol-mangling-version=v0 \
	-o "$work/wr0" "$work/w.rs" 2>/dev/null || v0=0

rec() # FILE CMD...: perf record, every 100 us of cpu-clock, with callchains
{
	local f=$1
	shift
	perf record -q -e cpu-clock -c 100000 -g -o "$f" -- "$@" >/dev/null 2>"$work/rec.err"
}
if ! rec "$work/a.data" "$work/wcc" 1 3; then
	ktap_result report skip "perf record failed here: $(tail -1 "$work/rec.err")"
	finish
fi
rec "$work/b.data" "$work/wcc" 3 1 || finish
rec "$work/rl.data" "$work/wrl" || finish
[ $v0 = 0 ] || rec "$work/r0.data" "$work/wr0" || finish
# Three commands, three processes: sh, wcc, wrl.
rec "$work/m.data" sh -c "\"$work/wcc\" 1 1 & \"$work/wrl\"; wait" || finish

# perf_rows FILE KEYS [OPTS...]: perf report's rows, "samples|key|key..."
# (symbols without "[.] "), most first.
perf_rows()
{
	local f=$1 keys=$2
	shift 2
	perf report -i "$f" --stdio --no-children -g none --no-demangle -n -t '|' \
		--sort "$keys" "$@" 2>/dev/null |
		awk -F'|' '!/^#/ && NF > 2 {
			out = $2 + 0
			for (i = 3; i <= NF; i++) {
				v = $i; sub(/^ +/, "", v); sub(/ +$/, "", v)
				sub(/^\[[.k]\] /, "", v); out = out "|" v
			}
			print out }'
}

# llctl_rows FILE KEYS [OPTS...]: the same from llctl report --json.
llctl_rows()
{
	local f=$1 keys=$2
	shift 2
	"$llctl" report --json --no-demangle --sort "$keys" "$@" "$f" 2>/dev/null |
		jq -r --arg keys "$keys" '.events[0].functions[] | select(.samples > 0) |
			. as $r | [($keys | split(",")[] |
				if . == "pid" then "\($r.pid):\($r.comm)"
				else $r[.] end)] as $k |
			"\(.samples)|" + ($k | join("|"))'
}

# same_top PERF_ROWS LLCTL_ROWS: perf's top rows (hex addresses aside:
# perf names an unresolved ip, llctl says [unknown]) are llctl's.
same_top()
{
	local n=0 row
	while IFS= read -r row; do
		case $row in *'|0x'*) continue ;; esac
		if ! grep -qxF -- "$row" "$2"; then
			echo "perf's row '$row' is not llctl's; llctl's top:"
			head -5 "$2"
			return 1
		fi
		n=$((n + 1))
		[ "$n" -lt "$TOP" ] || break
	done <"$1"
	echo "$n rows agree"
	[ "$n" -gt 0 ]
}

sort_case() # NAME FILE KEYS PERF_KEYS [OPTS...]
{
	local name=$1 f=$2 keys=$3 pkeys=$4
	shift 4
	perf_rows "$f" "$pkeys" "$@" >"$work/$name.perf"
	llctl_rows "$f" "$keys" "$@" >"$work/$name.llctl"
	# perf's "pid" column is PID:COMM
	check "$name" same_top "$work/$name.perf" "$work/$name.llctl"
}

sort_case sort_dso_symbol "$work/a.data" dso,symbol dso,sym
sort_case sort_comm "$work/m.data" comm comm
sort_case sort_comm_dso "$work/m.data" comm,dso comm,dso
# A filter on a key the rows lack (--sort dso --comm C, --sort comm --dso
# D): perf filters the samples anyway (by the thread's command, by the
# object of the ip), whatever its keys. Its rows of the same filter sorted
# by comm,dso, added up by the one key, are the oracle (perf's own rows of
# the one key take the filter of the first sample each row got, a quirk of
# its merging); the same rows and samples, their sum too.
filter_case() # NAME KEY FILTER...
{
	local name=$1 key=$2 col
	shift 2
	[ "$key" = dso ] && col=3 || col=2
	perf_rows "$work/m.data" comm,dso "$@" |
		awk -F'|' -v c=$col '{ n[$c] += $1 } END { for (k in n) print n[k] "|" k }' |
		sort -t'|' -k1,1nr >"$work/$name.perf"
	llctl_rows "$work/m.data" "$key" "$@" >"$work/$name.llctl"
	check "$name" filter_same "$work/$name.perf" "$work/$name.llctl"
}
filter_same()
{
	local sp sl
	same_top "$1" "$2" || return 1
	sp=$(awk -F'|' '{ s += $1 } END { print s + 0 }' "$1")
	sl=$(awk -F'|' '{ s += $1 } END { print s + 0 }' "$2")
	echo "$(wc -l <"$1") rows, $sp samples in perf's, $sl in llctl's"
	[ "$sp" = "$sl" ] && [ "$(wc -l <"$1")" = "$(wc -l <"$2")" ]
}
# (Two names each: perf drops the column of a key filtered to one value.)
filter_case filter_comm_not_sorted dso --comm wcc,sh
filter_case filter_dso_not_sorted comm --dso '[kernel.kallsyms],libc.so.6'
filter_case filter_dso_path_not_sorted comm --dso "$work/wcc,[kernel.kallsyms]"

# --pid: the second busiest process's rows only, percentages of all.
pid=$(perf script -i "$work/m.data" -F pid 2>/dev/null | sort | uniq -c | sort -rn | awk 'NR == 2 { print $2 }')
perf_rows "$work/m.data" pid,dso --pid "$pid" | sed -E 's/\| *([0-9]+):/|\1:/' >"$work/pid.perf"
llctl_rows "$work/m.data" pid,dso --pid "$pid" >"$work/pid.llctl"
check sort_pid_dso_with_pid_filter same_top "$work/pid.perf" "$work/pid.llctl"
# Only that pid's rows, and a percentage of all the samples: perf's.
pid_pct()
{
	local p l
	p=$(perf report -i "$work/m.data" --stdio --no-children -g none --sort pid --pid "$pid" 2>/dev/null |
		awk '/%/ && !/^#/ { print $1; exit }')
	l=$("$llctl" report --json --sort pid --pid "$pid" "$work/m.data" 2>/dev/null |
		jq -r '.events[0].functions | "\(length) \(.[0].pid) \(.[0].percent)"')
	echo "perf $p, llctl (rows, pid, percent) $l"
	# jq prints 45.80 as 45.8: the percent compared as a number
	awk -v l="$l" -v want="1 $pid ${p%\%}" 'BEGIN { split(l, a); split(want, b)
		exit !(a[1] == b[1] && a[2] == b[2] && a[3] + 0 == b[3] + 0) }'
}
check pid_filter_percent_of_all pid_pct

# -g: perf's folded chains of each top row, "percent chain", against
# llctl's callchains as percent of the event's samples: those of 0.1 % and
# more whose frames all have a symbol (perf names an unresolved one by its
# address, llctl [unknown]). Chains through execve are left out: perf names
# their user frame with the old image's maps (the sample is taken while the
# exec replaces them), llctl says [unknown] (a known difference).
perf report -i "$work/m.data" --stdio --no-children --no-demangle --sort dso,sym \
	-g folded,0,callee,function,percent 2>/dev/null |
	awk '/^[0-9.]+% / && $1 + 0 >= 0.1 && $2 !~ /(^|;)(0x[0-9a-f]+|0|\[unknown\])(;|$)/ &&
		$2 !~ /execve/' |
	head -40 >"$work/g.perf"
"$llctl" report --json --no-demangle --sort dso,symbol -g "$work/m.data" 2>/dev/null |
	jq -r '.events[0] as $e | $e.functions[] | .callchains[]? |
		"\(.samples * 10000 / $e.samples | round / 100)% \(.chain | join(";"))"' |
	awk '{ printf "%.2f%% %s\n", $1, $2 }' >"$work/g.llctl"
graph_same()
{
	local n=0 line
	while IFS= read -r line; do
		grep -qxF -- "$line" "$work/g.llctl" || { echo "perf's chain '$line' is not llctl's"; return 1; }
		n=$((n + 1))
		[ "$n" -lt 20 ] || break
	done <"$work/g.perf"
	echo "$n chains agree"
	[ "$n" -gt 0 ]
}
check call_graph_chains_as_perf graph_same
# The text tree: its top row's graph starts with the row's symbol after "---".
tree_shape()
{
	local sym
	sym=$(head -1 "$work/g.perf" | awk '{ split($2, c, ";"); print c[1] }')
	"$llctl" report --no-demangle -g "$work/m.data" 2>/dev/null | grep -qxF -- "            ---$sym" &&
	"$llctl" report --no-demangle -g caller "$work/m.data" 2>/dev/null | grep -q -- '--[0-9.]*%--main$\|---__libc_start_call_main$'
}
check call_graph_text_tree tree_shape
# The drawing itself: the graphs of the top rows, line for line perf report
# -g graph,0.5,callee's (trailing blanks and empty lines aside), over the
# rows whose sample counts all differ (perf orders ties its own way).
graph_lines() # ROWS: the graph lines under the first ROWS rows of stdin
{
	awk -v N="$1" '/^ +[0-9.]+%/ { n++ } n >= 1 && n <= N && /^            /' |
		sed 's/ *$//' | grep -v '^$'
}
graph_text()
{
	local rows
	rows=$(perf_rows "$work/m.data" dso,sym | awk -F'|' '
		NR > 1 && $1 == prev { exit } { prev = $1; n = NR } NR == 6 { exit }
		END { print n - 1 }')
	perf report -i "$work/m.data" --stdio --no-children --no-demangle --sort dso,sym \
		-g graph,0.5,callee 2>/dev/null | graph_lines "$rows" >"$work/gt.perf"
	"$llctl" report --no-demangle --sort dso,symbol -g "$work/m.data" 2>/dev/null |
		graph_lines "$rows" >"$work/gt.llctl"
	diff "$work/gt.perf" "$work/gt.llctl" | head -20
	echo "$rows rows, $(wc -l <"$work/gt.perf") lines of graph"
	[ "$rows" -gt 0 ] && [ -s "$work/gt.perf" ] && cmp -s "$work/gt.perf" "$work/gt.llctl"
}
check call_graph_text_as_perf graph_text
# --children -g: every row's graph, those of the callers (self 0) too, as
# perf report --children -g: in perf's default order for it (caller: from
# the row in to the sampled functions) and in callee order (from the row
# out to main), the graph of each of perf's top 12 rows line for line (rows
# matched by children %, comm, dso and symbol: perf orders ties its own way).
keyed_graphs() # NCOLS: "KEY<TAB>line" for each graph line of stdin
{
	awk -v nc="$1" '/^ +[0-9.]+%/ { key = $1 " " $(nc + 1) " " $(nc + 2) " " $(nc + 4); next }
		key != "" && /^            / { sub(/ *$/, ""); print key "\t" $0 }'
}
children_graphs()
{
	local order=$1 rows=0 self0=0 tied=0 self key
	perf report -i "$work/m.data" --stdio --children --no-demangle \
		-g "graph,0.5${order:+,$order}" 2>/dev/null | keyed_graphs 2 >"$work/cg.perf"
	# shellcheck disable=SC2086 # no order: llctl's default, as perf's
	"$llctl" report --children --no-demangle -g $order "$work/m.data" 2>/dev/null |
		keyed_graphs 3 >"$work/cg.llctl"
	while read -r self key; do
		grep -F -- "$key"$'\t' "$work/cg.perf" >"$work/cg1.perf"
		grep -F -- "$key"$'\t' "$work/cg.llctl" >"$work/cg1.llctl"
		# two branches of one fork with equal percents: perf orders them its own way
		if cut -f2 "$work/cg1.perf" | grep -o '^[ |]*--[0-9.]*%--' |
			sed -E 's/.--([0-9.]+%)--$/ --\1--/' | sort | uniq -d | grep -q .; then
			tied=$((tied + 1))
			continue
		fi
		if ! cmp -s "$work/cg1.perf" "$work/cg1.llctl"; then
			diff "$work/cg1.perf" "$work/cg1.llctl" | head -10
			echo "row $key: its graph is not perf's"
			return 1
		fi
		rows=$((rows + 1))
		[ "$self" != 0.00% ] || self0=$((self0 + 1))
	done < <(perf report -i "$work/m.data" --stdio --children --no-demangle -g none 2>/dev/null |
		awk '/^ +[0-9.]+%/ { print $2, $1 " " $3 " " $4 " " $6 }' | head -12)
	echo "${order:-default} order: $rows rows ($self0 with self 0; $tied left out, tied branches), $(wc -l <"$work/cg.perf") lines of graph"
	[ "$self0" -gt 0 ] && [ "$self0" -lt "$rows" ] && [ -s "$work/cg.perf" ]
}
check call_graph_children_as_perf children_graphs ''
check call_graph_children_callee_as_perf children_graphs callee
no_chains()
{
	perf record -q -e cpu-clock -c 100000 -o "$work/flat.data" -- "$work/wcc" 1 1 >/dev/null 2>&1
	"$llctl" report -g "$work/flat.data" 2>&1 >/dev/null | grep -q 'has no callchains'
}
check call_graph_without_callchains_says_so no_chains

# Demangling: each mangled symbol of the top rows as c++filt -i prints it,
# in the JSON and in the text.
demangled()
{
	local f=$1 n=0 sym want
	"$llctl" report --json "$f" 2>/dev/null | jq -r '.events[0].functions[:8][] | select(.symbol | test("^_[ZR]")) | "\(.symbol)\t\(.demangled)"' >"$work/dm"
	"$llctl" report "$f" 2>/dev/null >"$work/dm.text"
	while IFS=$'\t' read -r sym got; do
		want=$(printf '%s\n' "$sym" | c++filt -i)
		[ "$want" = "$got" ] || { echo "$sym: llctl '$got', c++filt -i '$want'"; return 1; }
		grep -qF -- "] $want" "$work/dm.text" || { echo "$want is not in the text"; return 1; }
		n=$((n + 1))
	done <"$work/dm"
	echo "$n names as c++filt -i"
	[ "$n" -gt 0 ]
}
check demangle_cxx_template demangled "$work/a.data"
check demangle_rust_legacy demangled "$work/rl.data"
if [ $v0 = 1 ]; then
	check demangle_rust_v0 demangled "$work/r0.data"
else
	ktap_result report:demangle_rust_v0 skip "rustc has no -C symbol-mangling-version=v0"
fi
no_demangle()
{
	"$llctl" report --no-demangle "$work/a.data" 2>/dev/null | grep -q '_ZN3llw3BoxIdE4spinEl'
}
check no_demangle_keeps_the_elf_name no_demangle

# --diff: perf diff's rows (Baseline, Delta) on the same two files. perf
# diff demangles without the parameters (and has no --no-demangle): they
# are cut from llctl's names.
perf diff "$work/a.data" "$work/b.data" 2>/dev/null |
	awk '!/^#/ && /%/ && $1 ~ /%$/ && $2 ~ /%$/ { print $1, $2, $NF }' | head -$TOP >"$work/diff.perf"
"$llctl" report --diff "$work/a.data" "$work/b.data" 2>/dev/null |
	awk '!/^#/ && $1 ~ /%$/ && $2 ~ /%$/ { print $1, $2, $NF }' | sed 's/(.*)$//' >"$work/diff.llctl"
diff_same()
{
	local n=0 line
	while IFS= read -r line; do
		case $line in *' 0x'*) continue ;; esac
		grep -qxF -- "$line" "$work/diff.llctl" || { echo "perf diff's '$line' is not llctl's"; head -5 "$work/diff.llctl"; return 1; }
		n=$((n + 1))
	done <"$work/diff.perf"
	echo "$n rows agree"
	[ "$n" -gt 0 ]
}
check diff_as_perf_diff diff_same
# The construction: Box<long>::spin runs 1 then 3 units, Box<double>::spin
# 3 then 1 (a double multiply-add takes longer: compare with each file's
# own share), so long's share grows and double's falls.
diff_built()
{
	"$llctl" report --diff --json "$work/a.data" "$work/b.data" 2>/dev/null |
		jq -e '[.events[0].rows[] | select(.symbol | test("Box")) | {(.symbol): .delta_percent}] | add |
			.["_ZN3llw3BoxIlE4spinEl"] > 20 and .["_ZN3llw3BoxIdE4spinEl"] < -20'
}
check diff_follows_construction diff_built
cat >"$work/p1.json" <<'EOF'
{"events": [{"name": "instructions", "value": 1000000}, {"name": "cycles", "value": 400},
            {"name": "branch-misses", "value": null, "status": "not_supported"}]}
EOF
cat >"$work/p2.json" <<'EOF'
{"events": [{"name": "instructions", "value": 1500000}, {"name": "cycles", "value": 300},
            {"name": "branch-misses", "value": 7}]}
EOF
counts_diff()
{
	"$llctl" report --diff --json "$work/p1.json" "$work/p2.json" |
		jq -e '.counts | map({(.name): .}) | add |
			.instructions.delta_percent == 50 and .cycles.delta_percent == -25 and
			.instructions.baseline == 1000000 and .cycles.new == 300 and
			.["branch-misses"].delta_percent == null and
			(.["branch-misses"].reason | test("not counted"))' &&
	"$llctl" report --diff "$work/p1.json" "$work/p2.json" | grep -qE '^  instructions +1000000 +1500000 +\+50\.00%$'
}
check diff_of_profile_json counts_diff

# The pager: a fake one leaves a marker when it runs.
printf '#!/bin/sh\ntouch "%s/marker"\ncat >/dev/null\n' "$work" >"$work/pager"
chmod +x "$work/pager"
pager_runs() # EXPECT(0|1) [OPTS...]: under a pty when $TTY is set
{
	local want=$1
	shift
	rm -f "$work/marker"
	if [ -n "${TTY:-}" ]; then
		PAGER=$work/pager script -qec "$llctl report $* $work/a.data" /dev/null >/dev/null
	else
		PAGER=$work/pager "$llctl" report "$@" "$work/a.data" | cat >/dev/null
	fi
	[ -e "$work/marker" ] && got=1 || got=0
	echo "pager ran: $got, expected $want"
	[ "$got" = "$want" ]
}
check pager_not_on_a_pipe pager_runs 0
TTY=1 check pager_on_a_terminal pager_runs 1
TTY=1 check no_pager_on_a_terminal pager_runs 0 --no-pager
pager_llctl()
{
	rm -f "$work/marker"
	PAGER=cat LLCTL_PAGER=$work/pager script -qec "$llctl report $work/a.data" /dev/null >/dev/null
	[ -e "$work/marker" ]
}
check llctl_pager_before_pager pager_llctl

finish
