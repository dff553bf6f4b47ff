#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl top against the real module. The oracle is the load: a workload
# spinning in workload_hot() (9 parts in 10 of its time) pinned to CPU 0,
# the only busy task. On a pseudo-terminal (top_pty.py) top redraws a
# screen each refresh with the hot function first, quits on 'q' and gives
# the terminal back as it found it; elsewhere it prints one time-stamped
# block per interval, without escape codes; --stat's task-clock of the
# workload on CPU 0 is about the interval, and no CPU counts more time
# than the interval has. Nothing stays open in the module after q, the
# last interval, SIGTERM or an error. When the hot function changes midway,
# the old one decays as in perf top (7/8 a refresh) and the new one leads
# within a few refreshes; with -z the old one is gone at once. With -g a
# workload whose workload_hot() is called 3 times from workload_outer() for
# each call from workload_other(), both from main(), shows that graph.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
WORKLOAD=$here/workload
PLAN=28

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null ||
   ! command -v python3 >/dev/null || ! command -v taskset >/dev/null || [ ! -x "$WORKLOAD" ]; then
	skip_all $PLAN "needs root, jq, python3, taskset, llctl, workload and llkm.ko"
fi
grep -qw llkm /proc/modules && rmmod llkm
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }
open_now() { "$LLCTL" info --json | jq -r .counters_open; }
ncpu=$(nproc)

# --- bad input: one line, exit 1 ---------------------------------------------
# refused ARGS...: exit 1 with one line on stderr and nothing on stdout.
refused() {
	run top "$@"
	cp "$out/stderr" "$out/why"
	[ "$(rc)" = 1 ] && [ "$(wc -l <"$out/stderr")" = 1 ] && [ ! -s "$out/stdout" ]
}
check_why top_refuses_an_offline_cpu refused -C 99 --interval-count 1
check_why top_refuses_a_missing_pid refused -p 999999 --interval-count 1
check_why top_refuses_a_repeated_delay refused -d 1 -d 2 --interval-count 1

# --- the load -----------------------------------------------------------------
taskset -c 0 "$WORKLOAD" spin 120000 &
load=$!
sleep 0.5

# --- on a terminal ------------------------------------------------------------
python3 "$here/top_pty.py" 3 "llctl top  " -- "$LLCTL" top -d 1 -C 0 >"$out/pty.json" 2>"$out/pty.err"
pj() { jq -r "$1" "$out/pty.json" 2>/dev/null; }
# What was measured, for the log.
echo "# pty: $(jq -c '{rc, quit_s, headers, top: .rows[0:3]}' "$out/pty.json" 2>/dev/null)"
why_pty="$(head -c 300 "$out/pty.err") $(jq -c 'del(.tail)' "$out/pty.json" 2>/dev/null) tail: $(pj .tail | tr -d '\033' | tail -c 400)"
check top_tty_redraws_a_header_each_refresh "$why_pty" \
	jqe '.headers >= 3' "$out/pty.json"
check top_tty_q_exits_0_within_2s "$why_pty" \
	jqe '.rc == 0 and .quit_s < 2' "$out/pty.json"
check top_tty_reads_keys_raw_while_running "$why_pty" \
	jqe '.echo_before and (.echo_during | not) and (.icanon_during | not)' "$out/pty.json"
check top_tty_restores_the_terminal "$why_pty" \
	jqe '.echo_after and .icanon_after and .alt_entered and .alt_left and .cursor_shown' "$out/pty.json"
# The only busy task on CPU 0: its hot function is most of CPU 0's samples.
check top_tty_hot_function_first_above_half "$why_pty" \
	jqe '.rows[0].symbol == "workload_hot" and .rows[0].share > 50' "$out/pty.json"
check top_tty_leaves_nothing_open "counters open: $(open_now)" [ "$(open_now)" = 0 ]

# --- not a terminal -----------------------------------------------------------
start=$(date +%s%N)
run top -d 1 --interval-count 3 -p "$load"
took=$((($(date +%s%N) - start) / 1000000))
grep ' samples/s of ' "$out/stdout" >"$out/heads"
echo "# lines, $took ms:"
head -n 4 "$out/stdout" | sed 's/^/# /'
why_lines="exit $(rc) in $took ms; $(head -c 300 "$out/stderr") $(head -c 600 "$out/stdout")"
check top_lines_one_block_per_interval "$why_lines" \
	sh -c "[ $(rc) = 0 ] && [ \$(wc -l <'$out/heads') = 3 ]"
# The blocks keep to the schedule, as perf stat -I's: block k at about k
# delays from the start (a late one does not push the next ones).
# shellcheck disable=SC2016 # awk's fields, not the shell's
check top_lines_time_advances_by_the_delay "$(awk '{ print $1 }' "$out/heads" | tr '\n' ' ')" \
	awk '{ d = $1 - NR; if (d < -0.05 || d > 0.3) bad = 1 }
	     END { exit bad || NR != 3 }' "$out/heads"
check top_lines_have_no_escape_codes "$(grep -c $'\033' "$out/stdout") lines with ESC" \
	sh -c "! grep -q \$'\\033' '$out/stdout'"
# -p: only the workload's samples, 9 parts in 10 in workload_hot.
# shellcheck disable=SC2016 # awk's fields, not the shell's
check top_lines_hot_function_first_in_each_block "$why_lines" \
	awk '/ samples\/s of / { want = 1; next }
	     want { if ($6 != "workload_hot" || $2 + 0 < 50) bad = 1; want = 0; n++ }
	     END { exit bad || n != 3 }' "$out/stdout"
if hw_pmu; then
	check top_samples_cycles_with_a_pmu "$(head -n 1 "$out/heads")" \
		grep -q ' of cycles ' "$out/heads"
else
	check top_says_once_why_cpu_clock "$(cat "$out/stderr")" \
		sh -c "[ \$(grep -c 'no hardware PMU here: sampling cpu-clock' '$out/stderr') = 1 ] &&
		       grep -q ' of cpu-clock ' '$out/heads'"
fi

# --- JSON lines ---------------------------------------------------------------
run top --json -d 0.5 --interval-count 2 -p "$load"
check top_json_one_object_a_refresh_with_stable_keys "$(head -c 600 "$out/stdout") $(head -c 200 "$out/stderr")" \
	sh -c "[ $(rc) = 0 ] && [ \$(wc -l <'$out/stdout') = 2 ] &&
	       jq -e -s 'all(.[]; (.samples | type) == \"number\" and (.lost | type) == \"number\" and
	                 (.throttled | type) == \"number\" and .interval_s > 0.3 and
	                 .rows[0].symbol == \"workload_hot\" and .rows[0].overhead > 50)' '$out/stdout' >/dev/null"

# --- counting -----------------------------------------------------------------
# The workload's task-clock, per CPU: about the whole interval on CPU 0
# (it spins there alone), none elsewhere.
run top --stat -e task-clock -p "$load" --json -d 1 --interval-count 2
jq -c '[.interval_s, [.counts[] | [.cpu, .value]]]' "$out/stdout" 2>/dev/null | sed 's/^/# -p task-clock: /'
check top_stat_pinned_task_clock_fills_cpu0_only "$(head -c 800 "$out/stdout") $(head -c 200 "$out/stderr")" \
	sh -c "[ $(rc) = 0 ] && [ \$(wc -l <'$out/stdout') = 2 ] &&
	       jq -e -s 'all(.[]; .interval_s as \$i | all(.counts[];
	           if .cpu == 0 then .value >= 0.8e9 * \$i and .value <= 1.05e9 * \$i
	           else .value <= 0.05e9 * \$i end))' '$out/stdout' >/dev/null"
# --per-process: a row per -p process, named as /proc/PID/comm names it,
# its task-clock summed over its threads and CPUs: the spinner about the
# whole interval, a sleeping process (designed: one sleep) none of it.
sleep 600 &
idle=$!
run top --stat --per-process -e task-clock -p "$load,$idle" --json -d 1 --interval-count 2
kill "$idle" 2>/dev/null; wait "$idle" 2>/dev/null
jq -c '[.interval_s, [.counts[] | [.pid, .comm, .value]]]' "$out/stdout" 2>/dev/null | sed 's/^/# --per-process task-clock: /'
check top_stat_per_process_rows_are_each_process_own_time "$(head -c 800 "$out/stdout") $(head -c 200 "$out/stderr")" \
	sh -c "[ $(rc) = 0 ] && [ \$(wc -l <'$out/stdout') = 2 ] &&
	       jq -e -s 'all(.[]; .interval_s as \$i | (.counts | length) == 2 and all(.counts[];
	           if .pid == $load then .comm == \"$(cat /proc/$load/comm)\" and
	                .value >= 0.8e9 * \$i and .value <= 1.05e9 * \$i
	           else .pid == $idle and .comm == \"sleep\" and .value <= 0.01e9 * \$i end))' '$out/stdout' >/dev/null"
# System-wide cpu-clock: no CPU has more time than the interval, and CPU 0
# (busy) has about all of it.
run top --stat -e cpu-clock --json -d 1 --interval-count 2
jq -c '[.interval_s, [.counts[] | [.cpu, .value]]]' "$out/stdout" 2>/dev/null | sed 's/^/# -a cpu-clock: /'
check top_stat_cpu_clock_bounded_by_the_interval "$(head -c 800 "$out/stdout") $(head -c 200 "$out/stderr")" \
	sh -c "[ $(rc) = 0 ] && jq -e -s 'all(.[]; .interval_s as \$i |
	           ([.counts[] | .value <= 1.05e9 * \$i] | all) and
	           ([.counts[] | select(.cpu == 0) | .value >= 0.8e9 * \$i] | all) and
	           (.counts | length) == $ncpu)' '$out/stdout' >/dev/null"
# The screen of --stat on a terminal too.
python3 "$here/top_pty.py" 2 "llctl top --stat" -- "$LLCTL" top --stat -d 0.5 >"$out/pty2.json" 2>&1
check top_stat_tty_redraws_and_quits "$(jq -c 'del(.rows)' "$out/pty2.json" 2>/dev/null | head -c 800)" \
	jqe '.headers >= 2 and .rc == 0 and .quit_s < 2 and .echo_after' "$out/pty2.json"

# --- signals ------------------------------------------------------------------
"$LLCTL" top -d 0.5 >"$out/term.out" 2>"$out/term.err" &
top=$!
# Once it holds the module (its counters open), not after a guessed time:
# a loaded TCG guest can take longer than a second and a half to get there.
until_ 30 held
sleep 0.5
kill -TERM "$top"
wait "$top"
st=$?
check top_sigterm_exits_0_and_closes_everything "exit $st, counters open $(open_now); $(head -c 200 "$out/term.err")" \
	sh -c "[ $st = 0 ] && [ \$(\"$LLCTL\" info --json | jq -r .counters_open) = 0 ]"
# A new session starts: the last one was stopped, not left to the module.
run top -d 0.2 --interval-count 1
check top_nothing_left_configured "exit $(rc): $(head -c 300 "$out/stderr"); counters open $(open_now)" \
	sh -c "[ $(rc) = 0 ] && [ \$(\"$LLCTL\" info --json | jq -r .counters_open) = 0 ]"

kill "$load" 2>/dev/null
wait "$load" 2>/dev/null

# --- -g: a call graph known by construction -----------------------------------
# workload_hot's row is followed by its callers: workload_outer (3 calls in
# 4, about 3/4 of the row's share) and workload_other (1 in 4), each
# called by main; the branches' shares make the row's, but for branches
# under perf's 0.5% threshold (a sample in hot's prologue, before its
# frame, skips its caller) and 0.01% of rounding each.
g_start=$(date +%s%N)
taskset -c 0 "$WORKLOAD" callers 60000 &
load=$!
sleep 0.3
python3 "$here/top_pty.py" 2 "llctl top  " -- "$LLCTL" top -g -d 0.5 -C 0 >"$out/ptyg.json" 2>"$out/ptyg.err"
g_pty=$(date +%s%N)
graph_check() # PTY-JSON: says what it found; fails unless as built
{
	python3 - "$1" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
row = re.compile(r'^\s*([0-9.]+)%\s+\d+\s+\S+\s+\[.\]\s+(\S+)')
share, graph = None, []
for line in d['last']:
    m = row.match(line)
    if m and share is not None:
        break
    if m and m.group(2) == 'workload_hot':
        share = float(m.group(1))
    elif share is not None:
        graph.append(line)
# A branch: "--NN.NN%--caller", its next line the caller's caller.
br = {}
for i, line in enumerate(graph):
    m = re.search(r'--([0-9.]+)%--(\S+)$', line)
    if m:
        nxt = graph[i + 1].strip(' |') if i + 1 < len(graph) else ''
        br[m.group(2)] = (float(m.group(1)), nxt)
for line in graph[:14]:
    print('# -g graph: ' + line)
print('# -g: row %s%%, branches %s' % (share, br))
o, t = br.get('workload_outer'), br.get('workload_other')
total = sum(v[0] for v in br.values())
ok = (share is not None and share > 50 and o and t and o[1] == 'main' and t[1] == 'main' and
      0.6 <= o[0] / (o[0] + t[0]) <= 0.9 and share - 1.0 <= total <= share + 0.01 * len(br))
sys.exit(0 if ok else 1)
PY
}
check top_g_graph_names_outer_and_other_then_main_shares_make_the_row \
	"$(head -c 300 "$out/ptyg.err") $(jq -c '{rc, headers, last}' "$out/ptyg.json" 2>/dev/null | head -c 1500)" \
	graph_check "$out/ptyg.json"
check top_g_tty_quits_and_restores "$(jq -c 'del(.last, .rows, .screens, .tail)' "$out/ptyg.json" 2>/dev/null)" \
	jqe '.rc == 0 and .quit_s < 2 and .echo_after and .headers >= 2' "$out/ptyg.json"
# -z: nothing decays, so the callchains' samples are the row's exactly (one
# chain a sample); outer's about 3 in 4 of outer's and other's.
g_json=$(date +%s%N)
run top -g -z --json -d 0.5 --interval-count 1 -p "$load"
kill "$load" 2>/dev/null
wait "$load" 2>/dev/null
jq -c '.rows[0] | [.symbol, .decayed_samples, [.callchains[0:3][] | [.chain[0:3], .samples]]]' \
	"$out/stdout" 2>/dev/null | sed 's/^/# -g -z json: /'
echo "# -g's checks took $((($(date +%s%N) - g_start) / 1000000)) ms: the screen's $(((g_pty - g_start) / 1000000)), the JSON's $((($(date +%s%N) - g_json) / 1000000))"
# shellcheck disable=SC2016 # jq's variables
check top_g_json_callchains_sum_to_the_row_outer_three_in_four "$(head -c 1500 "$out/stdout") $(head -c 200 "$out/stderr")" \
	sh -c "[ $(rc) = 0 ] && [ \$(wc -l <'$out/stdout') = 1 ] && jq -e -s '
	       def via(c): [.callchains[] | select(.chain[1] == c and .chain[2] == \"main\") | .samples] | add // 0;
	       all(.[]; .rows[0] as \$r | (\$r | via(\"workload_outer\")) as \$o |
	           (\$r | via(\"workload_other\")) as \$t |
	           \$r.symbol == \"workload_hot\" and
	           ([\$r.callchains[].samples] | add) == \$r.decayed_samples and
	           \$o + \$t >= 0.9 * \$r.decayed_samples and
	           \$o / (\$o + \$t) >= 0.6 and \$o / (\$o + \$t) <= 0.9 and
	           all(.rows[]; has(\"callchains\")))' '$out/stdout' >/dev/null"

# --- decay: the hot function changes midway ------------------------------------
# perf top keeps 7/8 of a function's samples each refresh (-z: none). The
# workload spins on CPU 0 alone; once 5 screens were drawn it stops and a
# copy of it (another object, w2: another row) spins there instead. With
# the decay the old row is still on the first screen after the switch, and
# the new one leads within 8 refreshes (w(k) = 7/8 w(k-1) + new(k): 4 to 6
# refreshes from a steady state), the old one's samples falling by exactly
# that formula; with -z the old row is gone from that screen and the new
# one leads it.
cp "$WORKLOAD" "$out/w2"
decay_run() # OUT [-z]
{
	local res=$1
	shift
	taskset -c 0 "$WORKLOAD" spin 120000 &
	echo $! >"$out/old.pid"
	sleep 0.3
	python3 "$here/top_pty.py" 16 "llctl top  " --at 5 \
		"kill \$(cat '$out/old.pid'); taskset -c 0 '$out/w2' spin 120000 & echo \$! >'$out/new.pid'" \
		-- "$LLCTL" top -d 0.5 -C 0 "$@" >"$res" 2>"$res.err"
	kill "$(cat "$out/old.pid")" "$(cat "$out/new.pid" 2>/dev/null)" 2>/dev/null
	wait 2>/dev/null
}
decay_run "$out/decay.json"
decay_run "$out/zero.json" -z
# The screens from the switch on: [old hot row's share or null, new one's, leader's dso].
# shellcheck disable=SC2016 # jq's variables
after='[.screens[5:13][] | [(map(select(.dso == "workload" and .symbol == "workload_hot"))[0].share),
	(map(select(.dso == "w2" and .symbol == "workload_hot"))[0].share), .[0].dso]]'
echo "# decay, screens after the switch [old %, new %, leader]: $(jq -c "$after" "$out/decay.json" 2>/dev/null)"
echo "# -z, screens after the switch [old %, new %, leader]: $(jq -c "$after" "$out/zero.json" 2>/dev/null)"
why_decay="$(head -c 300 "$out/decay.json.err") $(jq -c "{rc, headers, s: $after}" "$out/decay.json" 2>/dev/null)"
why_zero="$(head -c 300 "$out/zero.json.err") $(jq -c "{rc, headers, s: $after}" "$out/zero.json" 2>/dev/null)"
# $s: the first screen with the new row (the switch takes its time to show).
# shellcheck disable=SC2016 # jq's variable, not the shell's
first='(.screens | map(map(.dso) | index("w2") != null) | index(true)) as $s'
old_hot='map(select(.dso == "workload" and .symbol == "workload_hot"))'
check top_decay_keeps_the_old_function_after_the_switch "$why_decay" \
	jqe "$first | .rc == 0 and .headers >= 14 and \$s >= 5 and .screens[4][0].dso == \"workload\" and
	     (.screens[\$s + 1] | $old_hot | length == 1)" "$out/decay.json"
check top_decay_new_function_leads_within_8_refreshes "$why_decay" \
	jqe "$first | [.screens[\$s:\$s + 8][] | .[0].dso] | index(\"w2\") != null" "$out/decay.json"
check top_zero_drops_the_old_function_at_once "$why_zero" \
	jqe "$first | .rc == 0 and \$s >= 5 and .screens[4][0].dso == \"workload\" and
	     (.screens[\$s + 1] | $old_hot | length == 0) and .screens[\$s + 1][0].dso == \"w2\"" "$out/zero.json"
# Without -z the old function fades as perf top's formula says: from the
# screen after the new row's first on, it has no new samples, so each
# screen shows floor(7/8) of the last one's, exactly.
check top_decay_old_function_keeps_seven_eighths "$why_decay $(jq -c "$first |
	[.screens[\$s + 1:\$s + 6][] | (${old_hot} | .[0].samples // 0)]" "$out/decay.json" 2>/dev/null)" \
	jqe "$first | [.screens[\$s + 1:\$s + 6][] | (${old_hot} | .[0].samples // 0)] as \$w |
	     (\$w | length) >= 4 and \$w[0] > 0 and
	     ([range(1; \$w | length) | \$w[.] == ((\$w[. - 1] * 7 / 8) | floor)] | all)" "$out/decay.json"
rmmod llkm
ktap_totals
[ "$fail" -eq 0 ]
