// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency's machine probes (user/coherency/branch.c, coherency/icache.c,
 * coherency/bandwidth.c, coherency/machine.c): steps are found where a sweep jumps and
 * nowhere else, the options refuse what they cannot run and say so, the
 * kernels compute what they claim, and a short run of each test measures
 * something physical: a misprediction costs time, big code and big working
 * sets are slower than small ones.
 *
 * The measurements run in their assembly kernels, which the sanitizers do
 * not instrument; the sweeps are shortened with --sizes and 3 samples.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "coherency/coherency.h"
#include "coherency/machine.h"
#include "fake_root.h"
#include "kselftest_harness.h"

/* ---- Steps and history: the arithmetic ---- */

TEST(a_sharp_rise_is_one_step_at_its_first_point)
{
	double y[] = { 5, 5.1, 5.2, 5.2, 15, 15.2, 15.1, 15.3 };
	int at[4];

	ASSERT_EQ(1, coh_find_steps(y, 8, 1.25, 0, at, 4));
	EXPECT_EQ(4, at[0]);
}

TEST(one_dip_does_not_make_a_step)
{
	double y[] = { 3, 3, 3.05, 2.3, 3.1, 3.2, 3.1, 3.2 };
	int at[4];

	EXPECT_EQ(0, coh_find_steps(y, 8, 1.25, 0, at, 4));
}

TEST(a_lone_spike_is_not_a_step)
{
	double y[] = { 5, 5, 5, 5, 9, 5, 5, 5 };
	int at[4];

	EXPECT_EQ(0, coh_find_steps(y, 8, 1.25, 0, at, 4));
}

TEST(a_rise_below_the_ratio_or_the_delta_is_not_a_step)
{
	double y[] = { 10, 10, 10, 12, 12, 12 };	/* 1.2x */
	double z[] = { 0.1, 0.1, 0.1, 0.2, 0.2, 0.2 };	/* 2x, but 0.1 */
	int at[4];

	EXPECT_EQ(0, coh_find_steps(y, 6, 1.25, 0, at, 4));
	EXPECT_EQ(0, coh_find_steps(z, 6, 1.25, 0.5, at, 4));
	EXPECT_EQ(1, coh_find_steps(z, 6, 1.25, 0.05, at, 4));
}

TEST(a_rise_over_several_points_is_one_step_at_its_sharpest)
{
	double y[] = { 10, 10, 10, 14, 30, 40, 41, 41 };
	int at[4];

	ASSERT_EQ(1, coh_find_steps(y, 8, 1.25, 0, at, 4));
	EXPECT_EQ(4, at[0]);
}

TEST(two_plateaus_give_two_steps)
{
	double y[] = { 5, 5, 5, 17, 17, 17, 17, 60, 61, 62 };
	int at[4];

	ASSERT_EQ(2, coh_find_steps(y, 10, 1.25, 0, at, 4));
	EXPECT_EQ(3, at[0]);
	EXPECT_EQ(7, at[1]);
	EXPECT_EQ(1, coh_find_steps(y, 10, 1.25, 0, at, 1));
}

TEST(history_is_the_last_length_below_the_midpoint)
{
	long len[] = { 2, 4, 8, 16, 32 };
	double y[] = { 0.3, 0.3, 0.35, 1.8, 2.9 };
	const char *why = "unset";

	EXPECT_EQ(8, coh_history_length(len, y, 5, 0.3, 3.0, &why));
	EXPECT_EQ(NULL, why);
}

TEST(history_without_a_jump_is_unknown_with_a_reason)
{
	long len[] = { 2, 4, 8 };
	double low[] = { 0.3, 0.3, 0.3 }, high[] = { 2.9, 3, 3 };
	const char *why = NULL;

	EXPECT_EQ(-1, coh_history_length(len, low, 3, 0.3, 3.0, &why));
	EXPECT_NE(NULL, strstr(why, "longer"));
	EXPECT_EQ(-1, coh_history_length(len, high, 3, 0.3, 3.0, &why));
	EXPECT_NE(NULL, strstr(why, "shortest"));
	EXPECT_EQ(-1, coh_history_length(len, low, 3, 0.3, 0.31, &why));
	EXPECT_NE(NULL, strstr(why, "same time"));
}

/* ---- The caches sysfs describes ---- */

FIXTURE(fake_root) {
	char dir[sizeof(FAKE_ROOT_TEMPLATE)];
};

FIXTURE_SETUP(fake_root)
{
	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(fake_root)
{
	EXPECT_EQ(0, fake_root_remove(self->dir));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

static int put_cache(const char *root, int idx, const char *level,
		     const char *type, const char *size, const char *shared)
{
	char p[128];
	const char *file[] = { "level", "type", "size", "shared_cpu_list" };
	const char *val[] = { level, type, size, shared };
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu0/cache/index%d/%s",
			 idx, file[i]);
		if (fake_put(root, p, val[i]))
			return -1;
	}
	return 0;
}

TEST_F(fake_root, caches_come_sorted_by_level_with_sizes_and_sharing)
{
	struct coh_cache c[COH_CACHES_MAX];
	char name[8];

	/* Listed out of order, as some kernels do. */
	ASSERT_EQ(0, put_cache(self->dir, 0, "3\n", "Unified\n", "32768K\n", "0-1\n"));
	ASSERT_EQ(0, put_cache(self->dir, 1, "1\n", "Instruction\n", "32K\n", "0\n"));
	ASSERT_EQ(0, put_cache(self->dir, 2, "1\n", "Data\n", "48K\n", "0\n"));
	ASSERT_EQ(0, put_cache(self->dir, 3, "2\n", "Unified\n", "2048K\n", "0\n"));
	ASSERT_EQ(4, coh_caches(self->dir, 0, c, COH_CACHES_MAX));
	coh_cache_name(&c[0], name, sizeof(name));
	EXPECT_STREQ("L1d", name);
	EXPECT_EQ(48 << 10, c[0].bytes);
	coh_cache_name(&c[1], name, sizeof(name));
	EXPECT_STREQ("L1i", name);
	coh_cache_name(&c[2], name, sizeof(name));
	EXPECT_STREQ("L2", name);
	EXPECT_EQ(2 << 20, c[2].bytes);
	EXPECT_EQ(1, c[2].shared_cpus);
	EXPECT_EQ(32 << 20, c[3].bytes);
	EXPECT_EQ(2, c[3].shared_cpus);
}

TEST_F(fake_root, no_cache_directory_gives_no_caches)
{
	struct coh_cache c[COH_CACHES_MAX];

	EXPECT_EQ(0, coh_caches(self->dir, 0, c, COH_CACHES_MAX));
}

TEST_F(fake_root, a_cache_with_a_garbled_size_is_left_out)
{
	struct coh_cache c[COH_CACHES_MAX];

	ASSERT_EQ(0, put_cache(self->dir, 0, "1\n", "Data\n", "32Q\n", "0\n"));
	ASSERT_EQ(0, put_cache(self->dir, 1, "2\n", "Unified\n", "1M\n", "0\n"));
	ASSERT_EQ(1, coh_caches(self->dir, 0, c, COH_CACHES_MAX));
	EXPECT_EQ(1 << 20, c[0].bytes);
}

/* ---- The bandwidth options ---- */

TEST(simd_takes_scalar_and_the_three_widths_only)
{
	struct coh_bw_opts bo = { 0 };
	char why[160];

	EXPECT_EQ(0, coh_bw_opt_simd(&bo, "scalar", why, sizeof(why)));
	EXPECT_EQ(64, bo.simd_bits);
	EXPECT_EQ(0, coh_bw_opt_simd(&bo, "128", why, sizeof(why)));
	EXPECT_EQ(128, bo.simd_bits);
#ifdef __aarch64__
	/* SVE at the task's vector length, held as 256; no fixed 256 or 512. */
	EXPECT_EQ(0, coh_bw_opt_simd(&bo, "sve", why, sizeof(why)));
	EXPECT_EQ(256, bo.simd_bits);
	EXPECT_EQ(1, coh_bw_opt_simd(&bo, "256", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_simd(&bo, "512", why, sizeof(why)));
	EXPECT_STREQ("scalar, 128 or sve", why);
	bo.simd_bits = 512;
#else
	EXPECT_EQ(0, coh_bw_opt_simd(&bo, "512", why, sizeof(why)));
	EXPECT_EQ(512, bo.simd_bits);
#endif
	EXPECT_EQ(1, coh_bw_opt_simd(&bo, "64", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_simd(&bo, "1024", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_simd(&bo, "256x", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_simd(&bo, "", why, sizeof(why)));
	EXPECT_EQ(512, bo.simd_bits);	/* a refusal changes nothing */
}

TEST(prefetch_is_0_to_8192_in_lines)
{
	struct coh_bw_opts bo = { 0 };
	char why[160];

	EXPECT_EQ(0, coh_bw_opt_prefetch(&bo, "0", why, sizeof(why)));
	EXPECT_EQ(0, coh_bw_opt_prefetch(&bo, "64", why, sizeof(why)));
	EXPECT_EQ(0, coh_bw_opt_prefetch(&bo, "8192", why, sizeof(why)));
	EXPECT_EQ(8192, bo.prefetch);
	EXPECT_EQ(1, coh_bw_opt_prefetch(&bo, "8256", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_prefetch(&bo, "63", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_prefetch(&bo, "65", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_prefetch(&bo, "-64", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_prefetch(&bo, "1k", why, sizeof(why)));
}

TEST(sizes_are_4k_to_64g_the_smaller_first)
{
	struct coh_bw_opts bo = { 0 };
	char why[160];

	EXPECT_EQ(0, coh_bw_opt_sizes(&bo, "16K-256M", why, sizeof(why)));
	EXPECT_EQ(16 << 10, bo.min_bytes);
	EXPECT_EQ(256 << 20, bo.max_bytes);
	EXPECT_EQ(0, coh_bw_opt_sizes(&bo, "4K", why, sizeof(why)));
	EXPECT_EQ(4096, bo.min_bytes);
	EXPECT_EQ(4096, bo.max_bytes);
	EXPECT_EQ(0, coh_bw_opt_sizes(&bo, "4096-64G", why, sizeof(why)));
	EXPECT_EQ(64ULL << 30, bo.max_bytes);
	EXPECT_EQ(0, coh_bw_opt_sizes(&bo, "1MiB", why, sizeof(why)));
	EXPECT_EQ(1 << 20, bo.max_bytes);
	EXPECT_EQ(1, coh_bw_opt_sizes(&bo, "4095", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_sizes(&bo, "65G", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_sizes(&bo, "1T", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_sizes(&bo, "2M-1M", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_sizes(&bo, "1.5M", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_sizes(&bo, "16K-", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_sizes(&bo, "", why, sizeof(why)));
}

TEST(threads_are_1_to_1024)
{
	struct coh_bw_opts bo = { 0 };
	char why[160];

	EXPECT_EQ(0, coh_bw_opt_threads(&bo, "1", why, sizeof(why)));
	EXPECT_EQ(0, coh_bw_opt_threads(&bo, "1024", why, sizeof(why)));
	EXPECT_EQ(1024, bo.threads);
	EXPECT_EQ(1, coh_bw_opt_threads(&bo, "0", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_threads(&bo, "1025", why, sizeof(why)));
	EXPECT_EQ(1, coh_bw_opt_threads(&bo, "2x", why, sizeof(why)));
}

TEST(set_opts_refuses_what_the_parsers_would)
{
	struct coh_bw_opts bad_simd = { .simd_bits = 96 };
	struct coh_bw_opts bad_pf = { .prefetch = 100 };
	struct coh_bw_opts bad_sizes = { .min_bytes = 2 << 20, .max_bytes = 1 << 20 };
	struct coh_bw_opts bad_threads = { .threads = -1 };
	struct coh_bw_opts fine = { .simd_bits = 128, .prefetch = 256 };

	EXPECT_EQ(1, coh_bw_set_opts(&bad_simd));
	EXPECT_EQ(1, coh_bw_set_opts(&bad_pf));
	EXPECT_EQ(1, coh_bw_set_opts(&bad_sizes));
	EXPECT_EQ(1, coh_bw_set_opts(&bad_threads));
	EXPECT_EQ(0, coh_bw_set_opts(&fine));
}

TEST(a_width_the_cpu_lacks_is_refused)
{
	struct coh_bw_opts bo = { .simd_bits = 512 };

	if (coh_bw_selfcheck(512) == 0)
		SKIP(return, "this CPU runs AVX-512: no width to refuse");
	EXPECT_EQ(1, coh_bw_set_opts(&bo));
}

/* ---- The kernels compute what they claim ---- */

FIXTURE(kernels) {
};

FIXTURE_VARIANT(kernels) {
	int bits;
};

FIXTURE_VARIANT_ADD(kernels, scalar) { .bits = 64 };
FIXTURE_VARIANT_ADD(kernels, simd_128) { .bits = 128 };
FIXTURE_VARIANT_ADD(kernels, simd_256) { .bits = 256 };	/* arm64: SVE */
FIXTURE_VARIANT_ADD(kernels, simd_512) { .bits = 512 };

FIXTURE_SETUP(kernels)
{
	if (coh_bw_selfcheck(variant->bits) == -2)
		SKIP(return, "this CPU or kernel cannot run %d-bit SIMD (or not x86-64 or arm64)",
		     variant->bits);
}

FIXTURE_TEARDOWN(kernels)
{
}

TEST_F(kernels, write_copy_and_triad_store_the_right_values)
{
	EXPECT_EQ(0, coh_bw_selfcheck(variant->bits));
}

/* ---- Short runs of each test ---- */

FIXTURE(probe) {
	int cpus[2];
	volatile int stop;
	struct coh_opts o;
	struct json_object *tests;
};

FIXTURE_SETUP(probe)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

#ifndef __x86_64__
	SKIP(return, "the probes are x86-64 only");
#endif
	self->cpus[0] = 0;
	self->cpus[1] = 1;
	self->o.cpus = self->cpus;
	self->o.ncpus = n > 1 ? 2 : 1;
	self->o.samples = 3;
	self->o.stop = &self->stop;
	self->tests = json_object_new_object();
	ASSERT_NE(NULL, self->tests);
}

FIXTURE_TEARDOWN(probe)
{
	json_object_put(self->tests);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static bool is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_double) ||
	       json_object_is_type(v, json_type_int);
}

static double num(struct json_object *o, const char *key)
{
	return json_object_get_double(get(o, key));
}

/* @key of @o: a number in [@lo, @hi], or null and KEY_reason "implausible: ...". */
static void check_gated(struct __test_metadata *_metadata, struct json_object *o,
			const char *key, double lo, double hi)
{
	char rkey[64];
	struct json_object *why;

	if (is_number(get(o, key))) {
		EXPECT_GE(num(o, key), lo);
		EXPECT_LE(num(o, key), hi);
		return;
	}
	snprintf(rkey, sizeof(rkey), "%s_reason", key);
	ASSERT_TRUE(json_object_object_get_ex(o, rkey, &why));
	TH_LOG("%s: %s", key, json_object_get_string(why));
	EXPECT_EQ(0, strncmp(json_object_get_string(why), "implausible: ", 13));
}

/* Sets --sizes for the next bandwidth run. */
static int bw_sizes(const char *sizes)
{
	struct coh_bw_opts bo = { 0 };
	char why[160];

	return coh_bw_opt_sizes(&bo, sizes, why, sizeof(why)) || coh_bw_set_opts(&bo);
}

TEST_F(probe, a_misprediction_costs_time_and_long_patterns_are_not_learned)
{
	struct json_object *b, *sw, *p;
	double first, max = 0;
	size_t i, n;

	ASSERT_EQ(0, coh_test_branch.run(&self->o, self->tests, NULL));
	b = get(self->tests, "branch");
	ASSERT_NE(NULL, b);
	/*
	 * A number inside its gate (lib/plausible.c), or null with the
	 * reason: on a loaded host the random branches' median can take
	 * the penalty past 50 cycles, which is then not printed as a fact.
	 */
	check_gated(_metadata, b, "penalty_ns", 0.5, 125);
	check_gated(_metadata, b, "penalty_cycles", 5, 50);
	EXPECT_TRUE(json_object_object_get_ex(b, "history_length", NULL));
	sw = get(b, "sweep");
	ASSERT_TRUE(json_object_is_type(sw, json_type_array));
	n = json_object_array_length(sw);
	ASSERT_GT(n, 10);
	/* null (0) only with its reason: a branch in 0.07 to 200 ns */
	first = num(json_object_array_get_idx(sw, 0), "ns_per_branch");
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(sw, i);
		ASSERT_TRUE(json_object_is_type(get(p, "pattern_length"), json_type_int));
		check_gated(_metadata, p, "ns_per_branch", 0.07, 200);
		check_gated(_metadata, p, "ns_per_branch_min", 0.07, 200);
		max = fmax(max, num(p, "ns_per_branch"));
	}
	check_gated(_metadata, get(b, "random_ns_per_branch"), "median", 0.07, 200);
	check_gated(_metadata, get(b, "predictable_ns_per_branch"), "median", 0.07, 200);
	check_gated(_metadata, b, "timer_resolution_ns", 1, 1e7);
	/* The longest patterns cost what random branches do. */
	EXPECT_GT(max, 1.5 * first);
	EXPECT_TRUE(json_object_get_boolean(get(b, "complete")));
	/*
	 * The oracle of what ran: every pass returned its buffer's set bits
	 * (popcount, counted in C), the sorted baseline has the random one's
	 * bits, and 2^20 random bits have 2^19 set within 6 sigma (512 each).
	 */
	p = get(b, "pass_check");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, json_object_get_int64(get(p, "miscounted")));
	EXPECT_EQ(5 * (int64_t)(n + 2), json_object_get_int64(get(p, "passes")));
	EXPECT_EQ(json_object_get_int64(get(p, "random_set_bits")),
		  json_object_get_int64(get(p, "random_taken")));
	EXPECT_EQ(json_object_get_int64(get(p, "random_set_bits")),
		  json_object_get_int64(get(p, "sorted_set_bits")));
	EXPECT_EQ(json_object_get_int64(get(p, "sorted_set_bits")),
		  json_object_get_int64(get(p, "sorted_taken")));
	EXPECT_LT(labs(json_object_get_int64(get(p, "random_set_bits")) - (1L << 19)),
		  6 * 512);
}

TEST_F(probe, big_code_runs_slower_than_small_code_in_steps)
{
	struct json_object *ic, *sw, *st, *p;
	size_t i, n;
	int err;

	err = coh_test_icache.run(&self->o, self->tests, NULL);
	if (err && !get(self->tests, "icache"))
		SKIP(return, "the icache test did not run (executable memory refused?)");
	ASSERT_EQ(0, err);
	ic = get(self->tests, "icache");
	sw = get(ic, "sweep");
	ASSERT_TRUE(json_object_is_type(sw, json_type_array));
	n = json_object_array_length(sw);
	ASSERT_GT(n, 20);
	/* 12 instructions a cycle at 7 GHz to a DRAM line each 16 (62.5 ns) */
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(sw, i);
		ASSERT_TRUE(json_object_is_type(get(p, "bytes"), json_type_int));
		check_gated(_metadata, p, "ns_per_kib", 256 / 84.0, 256 * 62.5);
		check_gated(_metadata, p, "ns_per_instr", 1 / 84.0, 62.5);
	}
	sw = get(ic, "page_sweep");
	for (i = 0; i < json_object_array_length(sw); i++)
		check_gated(_metadata, json_object_array_get_idx(sw, i),
			    "ns_per_page", 0.07, 10000);
	check_gated(_metadata, ic, "call_overhead_ns", 0.1, 1000);
	check_gated(_metadata, ic, "timer_resolution_ns", 1, 1e7);
	sw = get(ic, "sweep");
	EXPECT_EQ(1024, json_object_get_int64(get(json_object_array_get_idx(sw, 0), "bytes")));
	EXPECT_GT(num(json_object_array_get_idx(sw, n - 1), "ns_per_kib"),
		  num(json_object_array_get_idx(sw, 0), "ns_per_kib"));
	st = get(ic, "steps");
	ASSERT_TRUE(json_object_is_type(st, json_type_array));
	if (!json_object_array_length(st))
		SKIP(return, "no step of 1.25x in this run: a machine too noisy or a frontend that hides its caches");
	p = json_object_array_get_idx(st, 0);
	EXPECT_TRUE(json_object_is_type(get(p, "bytes"), json_type_int));
	EXPECT_TRUE(json_object_is_type(get(p, "level"), json_type_string));
}

TEST_F(probe, an_l1_sized_read_beats_a_64m_one)
{
	struct json_object *bw, *sw, *p;
	const char *k[] = { "read_gbs", "write_gbs", "copy_gbs", "triad_gbs" };
	double l1, big;
	size_t i, j;

	ASSERT_EQ(0, bw_sizes("16K"));
	ASSERT_EQ(0, coh_test_bandwidth.run(&self->o, self->tests, NULL));
	bw = get(self->tests, "bandwidth");
	ASSERT_TRUE(json_object_is_type(get(bw, "simd"), json_type_string));
	ASSERT_TRUE(json_object_is_type(get(bw, "threads"), json_type_int));
	EXPECT_EQ(1, json_object_get_int(get(bw, "threads")));
	ASSERT_TRUE(json_object_is_type(get(bw, "levels"), json_type_array));
	sw = get(bw, "sweep");
	ASSERT_EQ(1, json_object_array_length(sw));
	p = json_object_array_get_idx(sw, 0);
	EXPECT_EQ(16384, json_object_get_int64(get(p, "bytes")));
	for (j = 0; j < 4; j++) {
		ASSERT_TRUE(is_number(get(p, k[j])));
		EXPECT_GT(num(p, k[j]), 0);
	}
	l1 = num(p, "read_gbs");

	json_object_object_del(self->tests, "bandwidth");
	ASSERT_EQ(0, bw_sizes("64M"));
	ASSERT_EQ(0, coh_test_bandwidth.run(&self->o, self->tests, NULL));
	sw = get(get(self->tests, "bandwidth"), "sweep");
	ASSERT_EQ(1, json_object_array_length(sw));
	p = json_object_array_get_idx(sw, 0);
	for (i = 0; i < 4; i++)
		EXPECT_GT(num(p, k[i]), 0);
	big = num(p, "read_gbs");
	EXPECT_GT(l1, big);
}

TEST_F(probe, a_sweep_reports_each_size_and_the_levels_it_reached)
{
	struct json_object *bw, *lv, *l;
	size_t i;

	ASSERT_EQ(0, bw_sizes("16K-4M"));
	ASSERT_EQ(0, coh_test_bandwidth.run(&self->o, self->tests, NULL));
	bw = get(self->tests, "bandwidth");
	/* 16, 24, 32, ... 3072, 4096 KiB */
	EXPECT_EQ(17, json_object_array_length(get(bw, "sweep")));
	lv = get(bw, "levels");
	if (!json_object_array_length(lv))
		SKIP(return, "sysfs describes no caches here");
	for (i = 0; i < json_object_array_length(lv); i++) {
		l = json_object_array_get_idx(lv, i);
		EXPECT_TRUE(json_object_is_type(get(l, "level"), json_type_string));
		EXPECT_TRUE(json_object_is_type(get(l, "bytes"), json_type_int));
		EXPECT_TRUE(is_number(get(l, "read_gbs")));
		EXPECT_TRUE(json_object_object_get_ex(l, "peak_read_gbs", NULL));
	}
	l = json_object_array_get_idx(lv, 0);
	EXPECT_STREQ("L1d", json_object_get_string(get(l, "level")));
}

TEST_F(probe, samples_outside_3_to_1000_are_refused)
{
	self->o.samples = 2;
	EXPECT_EQ(1, coh_test_branch.run(&self->o, self->tests, NULL));
	EXPECT_EQ(1, coh_test_icache.run(&self->o, self->tests, NULL));
	EXPECT_EQ(1, coh_test_bandwidth.run(&self->o, self->tests, NULL));
	self->o.samples = 1001;
	EXPECT_EQ(1, coh_test_branch.run(&self->o, self->tests, NULL));
	EXPECT_EQ(0, json_object_object_length(self->tests));
}

TEST_F(probe, more_threads_than_cpus_are_refused)
{
	struct coh_bw_opts bo = { .threads = 3 };

	self->o.ncpus = 2;
	ASSERT_EQ(0, coh_bw_set_opts(&bo));
	EXPECT_EQ(1, coh_test_bandwidth.run(&self->o, self->tests, NULL));
	EXPECT_EQ(NULL, get(self->tests, "bandwidth"));
}

TEST_F(probe, a_working_set_beyond_half_the_free_memory_is_refused)
{
	if (coh_mem_available(NULL) / 2 >= COH_BW_MAX_BYTES)
		SKIP(return, "this machine has room for 64 GiB");
	ASSERT_EQ(0, bw_sizes("64G"));
	EXPECT_EQ(1, coh_test_bandwidth.run(&self->o, self->tests, NULL));
}

TEST_F(probe, a_stop_before_the_start_reports_an_incomplete_run)
{
	const struct coh_test *t[] = {
		&coh_test_branch, &coh_test_icache, &coh_test_bandwidth,
	};
	struct json_object *r;
	size_t i;

	self->stop = 1;
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, t[i]->run(&self->o, self->tests, NULL));
		r = get(self->tests, t[i]->key);
		ASSERT_NE(NULL, r);
		EXPECT_FALSE(json_object_get_boolean(get(r, "complete")));
		EXPECT_STREQ("interrupted", json_object_get_string(get(r, "stopped")));
		EXPECT_EQ(0, json_object_array_length(get(r, "sweep")));
	}
}

TEST_F(probe, text_and_svg_come_with_the_json)
{
	char prefix[64] = FAKE_ROOT_TEMPLATE, path[96], *buf = NULL;
	size_t len = 0;
	FILE *text, *f;

	ASSERT_NE(NULL, mkdtemp(prefix));
	strcat(prefix, "/t");
	self->o.svg = prefix;
	text = open_memstream(&buf, &len);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, bw_sizes("16K-64K"));
	ASSERT_EQ(0, coh_test_bandwidth.run(&self->o, self->tests, text));
	fclose(text);
	EXPECT_NE(NULL, strstr(buf, "bandwidth: 1 thread from CPU 0"));
	EXPECT_NE(NULL, strstr(buf, "16 KiB"));
	free(buf);
	snprintf(path, sizeof(path), "%s-bandwidth.svg", prefix);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	EXPECT_EQ('<', fgetc(f));
	fclose(f);
	unlink(path);
	*strrchr(prefix, '/') = '\0';
	rmdir(prefix);
}

TEST_HARNESS_MAIN
