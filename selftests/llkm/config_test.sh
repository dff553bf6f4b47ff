#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl config on the live kernel: a profile that changes several real
# knobs (THP, nr_hugepages, compaction_proactiveness, busy_poll/busy_read)
# is checked, planned (nothing changes), applied, verified, applied again
# (nothing changes), caught drifting, and reverted: every original value
# is read back from /proc/sys and /sys. The applied profile's hash shows in
# a later report's environment. No module needed.
# Then the profile users write (user_profile.yaml, verbatim from issue 22):
# accepted with notes, refused by --strict with the 7 errors of old, planned
# key by key, applied, verified and reverted: every value under /proc/sys/vm,
# /proc/sys/net/core and the THP directory is read before and after, directly.
# shellcheck disable=SC2016 # $h in the jq programs is jq's --arg
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=28

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null; then
	skip_all $PLAN "needs root, jq and llctl"
fi
THP=/sys/kernel/mm/transparent_hugepage/enabled
NRHP=/proc/sys/vm/nr_hugepages
PROACT=/proc/sys/vm/compaction_proactiveness
BPOLL=/proc/sys/net/core/busy_poll
BREAD=/proc/sys/net/core/busy_read
for f in $THP $NRHP $PROACT $BPOLL $BREAD; do
	[ -w "$f" ] || skip_all $PLAN "this kernel has no writable $f"
done
# The state lives on tmpfs: / is the host's, read-only.
export LLCTL_STATE_DIR=$out/state
thp_now() { sed 's/.*\[\(.*\)\].*/\1/' $THP; }
snapshot() { echo "$(thp_now) $(cat $NRHP) $(cat $PROACT) $(cat $BPOLL) $(cat $BREAD)"; }

orig=$(snapshot)
read -r thp0 nrhp0 pro0 bp0 _ <<<"$orig"
thp1=never; [ "$thp0" = never ] && thp1=madvise
nrhp1=$((nrhp0 + 4))
pro1=0; [ "$pro0" = 0 ] && pro1=10
bp1=$((bp0 + 50))
cat >"$out/p.yaml" <<EOF
# changes four knobs of this guest
low_level_optimization:
  memory:
    transparent_hugepage: $thp1
    huge_pages: $nrhp1
    memory_compaction: $pro1
  network:
    busy_poll: $bp1
  profiling:
    sampling_rate: 997
    stack_depth: 4
    hardware_counters: [task-clock, page-faults]
    trace_points: [syscalls, sched]
EOF
printf 'low_level_optimization:\n  memory:\n    huge_page: 4\n' >"$out/bad.yaml"

run config check "$out/p.yaml"
check check_accepts_the_profile "exit $(rc): $(cat "$out/stderr")" test "$(rc)" = 0
run config check "$out/bad.yaml"
check check_names_line_column_and_suggests "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) = 1 ] && grep -q 'bad.yaml:3:5: error: unknown key .memory.huge_page.; did you mean .huge_pages.' '$out/stderr'"

run config plan --json "$out/p.yaml"
check plan_lists_the_changes_and_changes_nothing "exit $(rc); now $(snapshot), was $orig" \
	sh -c "[ $(rc) = 0 ] && [ '$(snapshot)' = '$orig' ] &&
	       jq -e '[.items[] | select(.action == \"change\") | .target] |
		      index(\"sys/kernel/mm/transparent_hugepage/enabled\") != null and
		      index(\"proc/sys/net/core/busy_read\") != null' '$out/stdout' >/dev/null"
hash=$(jq -r .hash "$out/stdout")

as_nobody "$LLCTL" config apply "$out/p.yaml" >"$out/stdout" 2>"$out/stderr"; echo $? >"$out/rc"
check apply_needs_root "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) = 1 ] && grep -q 'needs root' '$out/stderr' && [ '$(snapshot)' = '$orig' ]"

run config apply "$out/p.yaml"
applied=$(snapshot)
check apply_changes_every_knob "exit $(rc): $(cat "$out/stderr"); now $applied" \
	test "$(rc)" = 0 -a "$(thp_now)" = "$thp1" -a "$(cat $PROACT)" = "$pro1" \
	     -a "$(cat $BPOLL)" = "$bp1" -a "$(cat $BREAD)" = "$bp1"
if [ "$(cat $NRHP)" = "$nrhp1" ]; then
	ok apply_allocates_the_huge_pages
else
	check apply_says_the_kernel_gave_fewer_huge_pages "$(cat "$out/stderr")" \
		grep -q "allocated $(cat $NRHP) of $nrhp1 huge pages" "$out/stderr"
fi
check apply_saves_the_state_in_LLCTL_STATE_DIR "no state" \
	jqe --arg h "$hash" '.profile.hash == $h and (.saved | length >= 4)' "$LLCTL_STATE_DIR/state.json"

run config verify --json
if [ "$(cat $NRHP)" = "$nrhp1" ]; then
	check verify_says_the_system_matches "exit $(rc): $(jq -c '[.items[] | select(.status != "matches")]' "$out/stdout")" \
		sh -c "[ $(rc) = 0 ] && jq -e '.matches and (.items | all(.status == \"matches\"))' '$out/stdout' >/dev/null"
else
	skip verify_says_the_system_matches "the kernel allocated fewer huge pages than asked"
fi

run config apply "$out/p.yaml"
check apply_again_changes_nothing "exit $(rc): $(cat "$out/stdout")" \
	sh -c "[ $(rc) = 0 ] && grep -q 'nothing to change' '$out/stdout' && [ '$(snapshot)' = '$applied' ]"

run doctor --json
check the_hash_is_in_a_later_report_env "$(jq -c .env.tuning_profile "$out/stdout" 2>&1)" \
	jqe --arg h "$hash" '.env.tuning_profile.hash == $h and
	     (.env.tuning_profile.file | endswith("p.yaml"))' "$out/stdout"
run doctor
check the_text_report_names_the_profile "$(head -5 "$out/stdout")" \
	grep -q "^# tuning profile $hash" "$out/stdout"

run config show --json
check show_names_the_applied_profile_and_its_defaults "$(head -c 300 "$out/stdout")" \
	jqe --arg h "$hash" '.profile.hash == $h and .settings["profiling.sampling_rate"] == "997" and
	     (.items | map(select(.key == "profiling.sampling_rate"))[0].current == "997")' "$out/stdout"

# The profiling keys are the defaults of record, profile and trace;
# options given on the command line win.
if [ -n "$KO" ] && insmod "$KO"; then
	run record -o "$out/perf.data" -- true
	check record_samples_at_the_profiles_rate "exit $(rc): $(cat "$out/stderr")" \
		grep -q 'at 997 written' "$out/stderr"
	# -F ip: a sample's chain, one ip a line, samples apart by blank lines
	check record_takes_chains_cut_to_stack_depth "$(perf evlist -v -i "$out/perf.data" 2>&1 | head -3)" \
		sh -c "perf evlist -v -i '$out/perf.data' 2>/dev/null | grep -q 'sample_type:.*CALLCHAIN' &&
		       perf script -i '$out/perf.data' -F ip 2>/dev/null |
		       awk 'NF { n++; if (n > m) m = n; next } { n = 0 } END { exit !(m >= 1 && m <= 4) }'"
	run record -F 500 -o "$out/perf.data" -- true
	check record_F_wins_over_the_profile "exit $(rc): $(cat "$out/stderr")" \
		grep -q 'at 500 written' "$out/stderr"
	run profile --json -- true
	check profile_counts_the_profiles_counters "exit $(rc): $(head -c 300 "$out/stdout")" \
		jqe '[.events[].name] == ["task-clock", "page-faults"]' "$out/stdout"
	run trace --json -- true
	check trace_traces_the_profiles_classes "exit $(rc): $(head -c 300 "$out/stderr")" \
		jqe 'has("syscalls") and has("sched") and (has("irqs") | not)' "$out/stdout"
	rmmod llkm
else
	for t in record_samples_at_the_profiles_rate record_takes_chains_cut_to_stack_depth \
		 record_F_wins_over_the_profile \
		 profile_counts_the_profiles_counters trace_traces_the_profiles_classes; do
		skip $t "llkm.ko not found or not loadable"
	done
fi

echo $((bp1 + 1)) >$BPOLL
run config verify --json
check verify_catches_a_drift_and_says_why "exit $(rc): $(jq -c '.items[] | select(.status == "differs")' "$out/stdout" 2>&1)" \
	sh -c "[ $(rc) = 1 ] && jq -e '(.matches | not) and
	       (.items[] | select(.target == \"proc/sys/net/core/busy_poll\") |
		.status == \"differs\" and .expected == \"$bp1\" and .found == \"$((bp1 + 1))\" and
		(.reason | test(\"changed since apply\")))' '$out/stdout' >/dev/null"

run config revert
check revert_restores_every_original_value "exit $(rc): $(cat "$out/stderr"); now $(snapshot), was $orig" \
	sh -c "[ $(rc) = 0 ] && [ '$(snapshot)' = '$orig' ]"
check revert_removes_the_state "state left" test ! -e "$LLCTL_STATE_DIR/state.json"
run doctor --json
check a_report_after_revert_says_none "$(jq -c .env.tuning_profile "$out/stdout" 2>&1)" \
	jqe '.env.tuning_profile == "none"' "$out/stdout"
run config revert
check revert_with_nothing_applied_is_a_no_op "exit $(rc): $(cat "$out/stdout")" \
	sh -c "[ $(rc) = 0 ] && grep -q 'nothing to revert' '$out/stdout'"

# --- the profile users write, verbatim --------------------------------------
U=$here/user_profile.yaml
# usnap: every readable value the profile may touch, as path:value lines.
usnap() {
	{ grep -rs . /proc/sys/vm /proc/sys/net/core
	  grep -s . /sys/kernel/mm/transparent_hugepage/* /proc/sys/kernel/numa_balancing; } | sort
}
cat >"$out/strict.want" <<EOF
$U:6:24: error: cpu.prefetch_distance: expected an integer from 0 to 8192, a multiple of 64, not '16'
$U:7:24: error: cpu.branch_prediction: expected one of any | mitigated | unmitigated, not 'aggressive'
$U:11:17: error: memory.huge_pages: expected an integer from 0 to 1048576, not 'true'
$U:14:24: error: memory.memory_compaction: expected an integer from 0 to 100, not 'true'
$U:20:16: error: network.busy_poll: expected an integer from 0 to 1000000, not 'true'
$U:27:24: error: profiling.hardware_counters: expected a list, e.g. [a, b], not 'all'
$U:28:19: error: profiling.trace_points: expected items of syscalls | irqs | softirqs | sched, not 'context_switches'
EOF

run config check "$U"
check users_profile_check_accepts_it_with_notes "exit $(rc): $(head -c 600 "$out/stderr")" \
	sh -c "[ $(rc) = 0 ] && [ \$(grep -c ': note: ' '$out/stderr') = 7 ] && ! grep -q ': error: ' '$out/stderr'"
run config check --strict "$U"
check users_profile_strict_refuses_it_with_the_7_errors "exit $(rc): $(diff "$out/strict.want" "$out/stderr" | head -c 600)" \
	sh -c "[ $(rc) = 1 ] && diff -q '$out/strict.want' '$out/stderr' >/dev/null"

run config plan --json "$U"
cp "$out/stdout" "$out/plan.json"
run config plan "$U"
check users_profile_plan_gives_every_key_a_setting_or_a_reason "exit $(rc): $(head -c 600 "$out/stderr")" \
	sh -c "[ $(rc) = 0 ] && jq -e '[.items[].key] | unique | length == 16' '$out/plan.json' >/dev/null &&
	       jq -e 'all(.items[]; .wanted != null or .note != null)' '$out/plan.json' >/dev/null &&
	       grep -q '^network.zero_copy *not applicable here: ' '$out/stdout' &&
	       grep -q '^network.kernel_bypass *not applicable here: ' '$out/stdout' &&
	       jq -e '.items[] | select(.key == \"cpu.branch_prediction\") | .note | test(\"spectre_v2=off\")' '$out/plan.json' >/dev/null"

ubefore=$(usnap)
run config apply "$U"
check users_profile_apply_sets_what_it_names "exit $(rc): $(cat "$out/stderr"); thp $(thp_now) proact $(cat $PROACT) busy $(cat $BPOLL)/$(cat $BREAD)" \
	test "$(rc)" = 0 -a "$(thp_now)" = always -a "$(cat $PROACT)" = 20 \
	     -a "$(cat $BPOLL)" = 50 -a "$(cat $BREAD)" = 50
run config verify
check users_profile_verify_matches_and_says_what_is_not_applicable "exit $(rc): $(grep -v 'matches' "$out/stdout" | head -c 800)" \
	sh -c "[ $(rc) = 0 ] && grep -q '^network.zero_copy *not applicable here: ' '$out/stdout'"
run config revert
uafter=$(usnap)
check users_profile_revert_restores_every_value "exit $(rc): $(diff <(echo "$ubefore") <(echo "$uafter") | head -c 800)" \
	test "$(rc)" = 0 -a "$ubefore" = "$uafter" -a -n "$ubefore"

ktap_totals
[ "$fail" -eq 0 ]
