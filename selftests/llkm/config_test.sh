#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl config on the live kernel: a profile that changes several real
# knobs (THP, nr_hugepages, compaction_proactiveness, busy_poll/busy_read)
# is checked, planned (nothing changes), applied, verified, applied again
# (nothing changes), caught drifting, and reverted: every original value
# is read back from /proc/sys and /sys. The applied profile's hash shows in
# a later report's environment. No module needed.
# shellcheck disable=SC2016 # $h in the jq programs is jq's --arg
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=22

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
jqe() { jq -e "$@" >/dev/null; }
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

ktap_totals
[ "$fail" -eq 0 ]
