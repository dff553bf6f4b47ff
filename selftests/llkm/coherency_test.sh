#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl fence and llctl coherency against the real module: every test that
# has a kernel mode runs in llkm's kernel threads and in user threads, with
# the documented JSON; no litmus outcome the architecture's model (x86-TSO,
# Armv8) forbids shows up;
# Ctrl-C stops a kernel run promptly and the module stays usable; absurd
# parameters are refused in one line. Timings under an emulator mean
# nothing: only what was run and what was refused is checked here.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=18

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || [ "$(id -u)" != 0 ] || ! command -v jq >/dev/null; then
	skip_all $PLAN "needs root, jq, llctl and llkm.ko"
fi
grep -qw llkm /proc/modules && rmmod llkm
insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }
probes_here || skip_all $PLAN "$NO_PROBES_WHY"
two=$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)
# The architecture's own fence ops (the UAPI's enum llkm_fence_op), those
# of the other one, and the litmus tests' fence.
if [ "$(uname -m)" = aarch64 ]; then
	own='"dmb_ish", "dmb_ishld", "dmb_ishst", "dsb_sy", "isb", "ldar", "stlr", "llsc_add", "llsc_swp", "llsc_cas"'
	other='"mfence"'
else
	own='"mfence", "lfence", "sfence", "lock_add", "xchg", "cmpxchg"'
	other='"dmb_ish"'
fi

run fence --kernel --json --batches 20
check fence_runs_every_kernel_op_in_the_kernel "exit $(rc): $(cat "$out/stderr")" \
	jqe ".mode == \"kernel\" and (.results | map(.op) |
	 contains([$own, \"smp_mb\", \"store_release\", \"load_acquire\"]) and
		  (index($other) == null)) and"'
	(.results | all((.cycles.median | type == "number") or
			(.flag == "implausible" and .reason != null))) and
	.env.kernel != null' \
	"$out/stdout"
run fence --user --json --batches 20
check fence_user_mode_adds_the_c11_atomics "exit $(rc): $(cat "$out/stderr")" \
	jqe ".mode == \"user\" and (.results | map(.op) | contains([$own, \"atomic_seq_cst\"]))" \
	"$out/stdout"

if [ "$two" = 1 ]; then
	run coherency --kernel --json --test c2c,false-sharing,litmus --iterations 2000
	# A number, or null with the gate's reason (docs/plausibility.md):
	# under TCG a slowdown below 0.8x or a line moved in under 2 ns is
	# implausible, and said so.
	check coherency_kernel_mode_runs_c2c_false_sharing_litmus "exit $(rc): $(head -c 300 "$out/stderr") $(jq -c '[.tests.c2c.latency_ns, .tests.c2c.flagged, .tests.false_sharing]' "$out/stdout" 2>&1 | head -c 600)" \
		jqe '.mode == "kernel" and (.tests.c2c.latency_ns | length >= 2) and
		(.tests.c2c.latency_ns[0][0] == null) and
		((.tests.c2c.latency_ns[0][1] | type == "number") or
		 (.tests.c2c.flagged | length >= 1 and all(.reason != null))) and
		((.tests.false_sharing.slowdown | type == "number") or
		 (.tests.false_sharing.slowdown_reason != null)) and
		(.tests.litmus | length >= 10)' "$out/stdout"
	check kernel_litmus_never_breaks_the_model "$(jq -c '[.tests.litmus[] | [.name, .fenced, .relaxed_observed]]' "$out/stdout" 2>&1)" \
		jqe '.tests.litmus | all(.allowed_by_model or .relaxed_observed == 0)' "$out/stdout"
	check kernel_litmus_counts_every_round "$(jq -c '[.tests.litmus[] | [.name, .iterations, (.outcomes | add)]]' "$out/stdout" 2>&1)" \
		jqe '.tests.litmus | map(select(.iterations > 0)) |
		length >= 10 and all((.outcomes | add) == .iterations)' "$out/stdout"
	run coherency --user --json --test c2c,false-sharing,litmus --iterations 2000
	check coherency_user_mode_runs_the_same_tests "exit $(rc): $(head -c 300 "$out/stderr")" \
		jqe '.mode == "user" and (.tests.c2c.latency_ns | length >= 2) and
		(.tests.litmus | all(.allowed_by_model or .relaxed_observed == 0))' "$out/stdout"
	check user_false_sharing_counts_only_overlapped_runs "$(jq -c .tests.false_sharing "$out/stdout" 2>&1)" \
		jqe '.tests.false_sharing | .runtime_ms == 20 and
		((.flag == null and .pairs_used >= 3 and .overlap >= 0.9 and (.slowdown | type == "number") and
		  .slowdown_range[1] <= 1.5 * .slowdown_range[0]) or
		 (.flag == "unstable" and .slowdown == null and .slowdown_range[1] > 1.5 * .slowdown_range[0]) or
		 (.pairs_used < 3 and .flag == "not_overlapped" and .slowdown == null))' "$out/stdout"
else
	for t in coherency_kernel_mode_runs_c2c_false_sharing_litmus \
		 kernel_litmus_never_breaks_the_model kernel_litmus_counts_every_round \
		 coherency_user_mode_runs_the_same_tests \
		 user_false_sharing_counts_only_overlapped_runs; do
		skip "$t" "needs two online CPUs"
	done
fi

# IRIW: four threads, each round all four (selftests/check runs this test
# in a 4-CPU guest too).
if [ "$(nproc)" -ge 4 ]; then
	run coherency --kernel --json --test litmus --iterations 2000
	# shellcheck disable=SC2016 # $arm is jq's
	check kernel_iriw_runs_on_four_cpus_within_the_model "$(jq -c '[.tests.litmus[] | select(.name == "IRIW")]' "$out/stdout" 2>&1)" \
		jqe --argjson arm "$([ "$(uname -m)" = aarch64 ] && echo true || echo false)" \
		'[.tests.litmus[] | select(.name == "IRIW")] | length == 2 and
		all(.iterations == 2000 and (.outcomes | add) == 2000 and
		    # x86-TSO forbids it; Armv8 allows it without the dmb ish
		    .allowed_by_model == ($arm and (.fenced | not)) and
		    (.allowed_by_model or .relaxed_observed == 0))' "$out/stdout"
else
	skip kernel_iriw_runs_on_four_cpus_within_the_model "needs four online CPUs, has $(nproc)"
fi

# The sweeps, a run per point in llkm's kernel thread(s). On any machine
# random branches are not faster than the same bits sorted (the same
# instructions, more mispredictions; equal under qemu -icount); a penalty,
# cycles and the core clock are numbers or null with the reason; llkm's
# pass does not return its count (user mode's is checked below).
run coherency --kernel --json --test branch,icache,bandwidth --samples 3 --sizes 16K-256K
cp "$out/stdout" "$out/sweep.json"
check sweep_tests_run_every_point_in_the_kernel "exit $(rc): $(head -c 300 "$out/stderr") $(jq -c '.tests.branch | [.random_ns_per_branch, .predictable_ns_per_branch, .penalty_reason, .core_ghz_reason]' "$out/stdout" 2>&1 | head -c 600)" \
	jqe '.mode == "kernel" and
	(.tests.branch.sweep | length >= 20) and
	(.tests.branch | [.random_ns_per_branch, .predictable_ns_per_branch] |
	 all(.median > 0 or (.median_reason // "" | startswith("implausible: ")))) and
	(.tests.branch | (.random_ns_per_branch.median // 1e9) >=
	 0.95 * (.predictable_ns_per_branch.median // 0)) and
	(.tests.branch | (.penalty_ns | type == "number") or .penalty_reason != null or
	 .penalty_ns_reason != null) and
	(.tests.branch | (.penalty_cycles | type == "number") or .penalty_reason != null or
	 .penalty_cycles_reason != null) and
	(.tests.branch | .pass_check == null and (.pass_check_reason | length > 0)) and
	([.tests.branch, .tests.icache] | all((.core_ghz | type == "number") or
					      (.core_ghz_reason | length > 0))) and
	(.tests.icache.sweep | length >= 10) and (.tests.icache.page_sweep | length >= 8) and
	.tests.icache.code_max_bytes == 1048576 and .tests.icache.pages_max == 512 and
	(.tests.icache | (.itlb_entries_l1 | type == "number") or (.itlb_reason | length > 0)) and
	(.tests.bandwidth.sweep | length >= 5) and
	(.tests.bandwidth.sweep | all(.read_gbs > 0 and .write_gbs > 0 and
				      .copy_gbs > 0 and .triad_gbs > 0))' "$out/stdout"
# User mode: every pass of the branch returned its buffer's popcount
# (counted in C), the sorted baseline has the random one's bits, and 2^20
# random bits have 2^19 set within 6 sigma (512); icache wrote this
# machine's code (x86-64 or arm64) and ran all of it.
run coherency --user --json --test branch,icache --samples 3
cp "$out/stdout" "$out/user.json"
# shellcheck disable=SC2016 # $n: jq's variable
check branch_and_icache_run_in_user_mode_every_pass_counting_its_bits "exit $(rc): $(head -c 300 "$out/stderr") $(jq -c '.tests.branch.pass_check' "$out/stdout" 2>&1 | head -c 300)" \
	jqe '(.tests.branch.sweep | length) as $n | .mode == "user" and $n >= 20 and
	(.tests.branch.pass_check | .miscounted == 0 and .passes == 5 * (2 + $n) and
	 .random_taken == .random_set_bits and .sorted_taken == .sorted_set_bits and
	 .sorted_set_bits == .random_set_bits and
	 (.random_set_bits - 524288 | fabs) < 3072) and
	(.tests.icache | .code_max_bytes == 67108864 and .pages_max == 16384 and
	 (.sweep | length >= 20) and (.page_sweep | length >= 20))' "$out/stdout"
# Under qemu -icount shift=0 (selftests/vm/run --arch arm64) an instruction
# takes 1 ns of virtual time and the PMU counts a cycle for each: the core
# clock reads 1 GHz, and the time is the instruction count, known by
# construction: a branch of the pass is 4 instructions (tbz, lsr, subs,
# b.ne), 5 a word more (ldr, mov, add, cmp, b.lo), the add on a set bit
# (half): 4.578; sorted bits run the same instructions, so no penalty (a
# difference of 1e-4 ns is null as implausible). A KiB of code is 256
# bti c; a page of the page sweep 2 instructions (bti c, b), less the
# call's ret over the pages, plus llkm's check for a window after each
# call from 64 pages on (tens of instructions over the call's pages):
# 2.0-2.4 from 16 pages on, 2.0-2.1 at 512.
if [ "$(uname -m)" = aarch64 ] &&
   jq -e '.tests.branch.core_ghz | . != null and . > 0.995 and . < 1.005' "$out/user.json" >/dev/null; then
	check under_icount_branch_and_icache_time_is_their_instruction_count "$(jq -c '[.tests.branch | .random_ns_per_branch, .predictable_ns_per_branch, .penalty_reason], [.tests.icache.sweep[] | .ns_per_instr], [.tests.icache.page_sweep[] | [.pages, .ns_per_page]]' "$out/sweep.json" 2>&1 | head -c 900)" \
		jqe '(.tests.branch | (.predictable_ns_per_branch.median - 4.578 | fabs) < 0.05 and
		 (.random_ns_per_branch.median - .predictable_ns_per_branch.median | fabs) < 0.02 and
		 .penalty_ns == null and (.penalty_reason // .penalty_ns_reason) != null) and
		(.tests.icache.sweep | all((.ns_per_instr - 1 | fabs) < 0.05)) and
		(.tests.icache.page_sweep | map(select(.pages >= 16)) |
		 length >= 4 and all(.ns_per_page > 1.9 and .ns_per_page < 2.5) and
		 (.[-1] | .pages == 512 and .ns_per_page < 2.1))' "$out/sweep.json"
else
	skip under_icount_branch_and_icache_time_is_their_instruction_count "not an arm64 guest under qemu -icount shift=0 (core clock $(jq -c '.tests.branch | [.core_ghz, .core_ghz_reason]' "$out/user.json" 2>&1 | head -c 300))"
fi
if [ "$(uname -m)" = aarch64 ]; then
	# SVE never runs in llkm (kernel_neon_begin() saves the FPSIMD
	# registers only): the module refuses it with that reason, or, on a
	# CPU without SVE, llctl (AT_HWCAP).
	grep -qw sve /proc/cpuinfo && want='SVE.*user mode only' || want='no SVE'
	run coherency --kernel --test bandwidth --simd sve --sizes 16K-32K
	check a_simd_width_the_cpu_lacks_is_refused_in_one_line "exit $(rc): $(cat "$out/stderr")" \
		sh -c "[ $(rc) -eq 1 ] && [ \$(wc -l <'$out/stderr') -eq 1 ] &&
		       grep -q '$want' '$out/stderr'"
elif grep -qw avx512f /proc/cpuinfo; then
	skip a_simd_width_the_cpu_lacks_is_refused_in_one_line "this CPU has AVX-512"
else
	run coherency --kernel --test bandwidth --simd 512 --sizes 16K-32K
	check a_simd_width_the_cpu_lacks_is_refused_in_one_line "exit $(rc): $(cat "$out/stderr")" \
		sh -c "[ $(rc) -ne 0 ] && [ \$(wc -l <'$out/stderr') -eq 1 ] &&
		       grep -q 'AVX-512' '$out/stderr'"
fi

# --- stopping -----------------------------------------------------------------
if [ "$two" = 1 ]; then
	# Minutes of work: it must still run when Ctrl-C comes.
	"$LLCTL" coherency --kernel --test litmus,c2c --iterations 1048576 >"$out/int" 2>&1 &
	pid=$!
	until_ 30 probe_thread && sent=1 || sent=0
	t0=$(date +%s%N)
	interrupt $pid 10
	status=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	check ctrl_c_stops_a_kernel_run_promptly "probe thread seen: $sent, exit $status after ${ms} ms: $(tail -c 300 "$out/int")" \
		sh -c "[ $sent = 1 ] && [ $status -ne 124 ] && [ $ms -lt 5000 ]"
else
	skip ctrl_c_stops_a_kernel_run_promptly "needs two online CPUs"
fi
run fence --kernel --json --batches 5
check the_module_runs_again_after_the_stop "exit $(rc): $(cat "$out/stderr")" [ "$(rc)" -eq 0 ]

# --- refusals -------------------------------------------------------------------
run fence --iterations 0
check zero_iterations_are_refused "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && [ \$(wc -l <'$out/stderr') -eq 1 ]"
run fence --kernel --iterations 99999999999
check too_many_iterations_are_refused "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && [ \$(wc -l <'$out/stderr') -eq 1 ]"
run coherency --test no-such-test
check unknown_tests_are_refused "exit $(rc): $(cat "$out/stderr")" \
	sh -c "[ $(rc) -ne 0 ] && grep -q 'no-such-test' '$out/stderr'"
run coherency --kernel --cpus 0,0 --test c2c
check a_cpu_twice_is_refused "exit $(rc): $(cat "$out/stderr")" [ "$(rc)" -ne 0 ]

rmmod llkm
ktap_totals
[ "$fail" -eq 0 ]
