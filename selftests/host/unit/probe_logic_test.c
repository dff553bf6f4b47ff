// SPDX-License-Identifier: GPL-2.0
/*
 * The probes' pure parts, under ASan and UBSan: order statistics, the SVG
 * writer, the litmus tests' registers and what x86-TSO allows, the probe
 * core's give-up paths, CPU and pair lists on a fake sysfs, and the
 * refusals of llctl fence and llctl coherency. What the probes measure is
 * probe_measure_test's, which runs without sanitizers as llctl does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fake_root.h"
#include "kselftest_harness.h"
#include "run_argv.h"

#include "cmd.h"
#include "coherency/clock.h"
#include "coherency/cpus.h"
#include "coherency/fence.h"
#include "coherency/kernel-run.h"
#include "coherency/machine.h"
#include "lib/cpus.h"
#include "coherency/run.h"
#include "coherency/stats.h"
#include "lib/svg.h"
#include "lib/text.h"
#include "shim/probe_shim.h"
#include "../../../kmod/probe_core.h"

/* ---- order statistics ---- */

TEST(median_of_an_odd_count_is_the_middle_sample)
{
	double v[] = { 5, 1, 4, 2, 3 };
	struct coh_stats st;

	ASSERT_EQ(0, coh_stats_f(v, 5, &st));
	EXPECT_EQ(1, st.min);
	EXPECT_EQ(3, st.median);
	EXPECT_EQ(5, st.max);
	EXPECT_EQ(5, st.p99);
}

TEST(median_of_an_even_count_is_the_mean_of_the_middle_two)
{
	uint64_t v[] = { 10, 40, 20, 30 };
	struct coh_stats st;

	ASSERT_EQ(0, coh_stats_u64(v, 4, &st));
	EXPECT_EQ(25, st.median);
	EXPECT_EQ(10ULL, v[0]);	/* the samples are left as they were */
	EXPECT_EQ(40ULL, v[1]);
}

TEST(p99_is_the_nearest_rank)
{
	struct coh_stats st;
	double v[1000];
	int i;

	for (i = 0; i < 100; i++)
		v[i] = 100 - i;			/* 1..100, reversed */
	ASSERT_EQ(0, coh_stats_f(v, 100, &st));
	EXPECT_EQ(99, st.p99);			/* rank ceil(99) */
	for (i = 0; i < 101; i++)
		v[i] = i + 1;			/* 1..101 */
	ASSERT_EQ(0, coh_stats_f(v, 101, &st));
	EXPECT_EQ(100, st.p99);			/* rank ceil(99.99) = 100 */
	for (i = 0; i < 1000; i++)
		v[i] = i + 1;
	ASSERT_EQ(0, coh_stats_f(v, 1000, &st));
	EXPECT_EQ(990, st.p99);
}

TEST(spread_is_p99_less_min_over_the_median)
{
	double v[] = { 10, 10, 10, 20 };
	struct coh_stats st;

	ASSERT_EQ(0, coh_stats_f(v, 4, &st));
	EXPECT_EQ(1.0, st.spread);		/* (20 - 10) / 10 */
	v[0] = v[1] = v[2] = v[3] = 0;
	ASSERT_EQ(0, coh_stats_f(v, 4, &st));
	EXPECT_EQ(0, st.spread);		/* no division by zero */
}

TEST(no_samples_is_an_error_not_zeros)
{
	struct coh_stats st;
	double v[1];

	EXPECT_EQ(-1, coh_stats_f(v, 0, &st));
	EXPECT_EQ(-1, coh_stats_u64(NULL, 0, &st));
	EXPECT_EQ(0UL, st.n);
}

/* ---- SVG ---- */

TEST(svg_text_is_escaped)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	llctl_svg_escape(f, "a<b & \"c\" 'd'>");
	fclose(f);
	EXPECT_STREQ("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;", buf);
	free(buf);
}

TEST(heat_scale_runs_light_to_dark_and_clamps)
{
	char c[8];

	llctl_svg_heat_color(0, c);
	EXPECT_STREQ("#fff5c0", c);
	llctl_svg_heat_color(1, c);
	EXPECT_STREQ("#67000d", c);
	llctl_svg_heat_color(-3, c);
	EXPECT_STREQ("#fff5c0", c);
	llctl_svg_heat_color(7, c);
	EXPECT_STREQ("#67000d", c);
	llctl_svg_heat_color(0.0 / 0.0, c);		/* NaN: the low end */
	EXPECT_STREQ("#fff5c0", c);
}

TEST(svg_file_is_a_complete_document)
{
	char path[] = "/tmp/llctl-svg.XXXXXX", buf[4096];
	struct llctl_svg g;
	ssize_t n;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, llctl_svg_open(&g, path, 100, 50));
	llctl_svg_rect(&g, (struct llctl_svg_box){ .x = 1, .y = 2, .w = 3, .h = 4 }, "#123456",
		       "tip <1>");
	llctl_svg_text(&g, 5, 6, (struct llctl_svg_font){ .size = 10, .anchor = LLCTL_SVG_MIDDLE },
		       "%d < %d", 1, 2);
	ASSERT_EQ(0, llctl_svg_close(&g));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlink(path);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_NE(NULL, strstr(buf, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	EXPECT_NE(NULL, strstr(buf, "<title>tip &lt;1&gt;</title>"));
	EXPECT_NE(NULL, strstr(buf, ">1 &lt; 2</text>"));
	EXPECT_NE(NULL, strstr(buf, "</svg>\n"));
}

/*
 * The sweeps' charts (coh_svg_charts()) leave out a point whose value
 * failed its gate (NaN, coh_plaus_or_nan()): neither its mark nor a line
 * to it is drawn, as c2c's heat map greys an implausible cell.
 */
TEST(svg_charts_leave_out_implausible_points)
{
	char dir[] = "/tmp/llctl-chart.XXXXXX", path[64], prefix[48], buf[65536];
	const double x[4] = { 1024, 2048, 4096, 8192 };
	const double y[4] = { 1.5, 0.0 / 0.0, 3.5, 4.5 };	/* the 2nd refused */
	struct coh_series s = { "code", x, y, 4 };
	struct coh_chart c = { .title = "t", .xlabel = "x", .ylabel = "y",
			       .s = &s, .ns = 1 };
	ssize_t n;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(prefix, sizeof(prefix), "%s/run", dir);
	snprintf(path, sizeof(path), "%s-test.svg", prefix);
	ASSERT_EQ(0, coh_svg_charts(prefix, "test", &c, 1));
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlink(path);
	rmdir(dir);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_EQ(NULL, strcasestr(buf, "nan")) TH_LOG("%s", strcasestr(buf, "nan"));
	EXPECT_NE(NULL, strstr(buf, "<title>1.5</title>"));
	EXPECT_NE(NULL, strstr(buf, "<title>3.5</title>"));
	EXPECT_NE(NULL, strstr(buf, "<title>4.5</title>"));
}

/*
 * icache's time per instruction (4-byte nops, the call's cost
 * subtracted): no faster than 12 a cycle at the measured clock (7 GHz
 * when it is not known), no slower than a line from DRAM after a page walk
 * (62.5 ns); a refused one is null with its reason.
 */
TEST(code_faster_than_12_instructions_a_cycle_is_implausible)
{
	struct json_object *o = json_object_new_object(), *x;
	char why[512];

	/* 0.02 ns: 13.9 a cycle at 3.6 GHz, but 7.1 at 7 GHz */
	EXPECT_FALSE(coh_instr_ns_plausible(0.02, 3.6, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "implausible: 13.89 instructions/cycle is above 12")) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "at the measured 3.60 GHz")) TH_LOG("%s", why);
	EXPECT_TRUE(coh_instr_ns_plausible(0.02, 0, why, sizeof(why)));
	EXPECT_TRUE(coh_instr_ns_plausible(0.05, 3.6, why, sizeof(why)));
	/* the call subtracted more than the code took */
	EXPECT_FALSE(coh_instr_ns_plausible(-0.01, 3.6, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "below")) TH_LOG("%s", why);
	EXPECT_FALSE(coh_instr_ns_plausible(0.005, 0, why, sizeof(why)));
	EXPECT_FALSE(coh_instr_ns_plausible(100, 3.6, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "above 62.5 ns")) TH_LOG("%s", why);

	coh_json_gated(o, "ns_per_instr", 0.02, why);
	ASSERT_TRUE(json_object_object_get_ex(o, "ns_per_instr", &x));
	EXPECT_EQ(NULL, x);
	ASSERT_TRUE(json_object_object_get_ex(o, "ns_per_instr_reason", &x));
	EXPECT_STREQ(why, json_object_get_string(x));
	coh_json_gated(o, "ns_per_kib", 12.8, NULL);
	EXPECT_EQ(12.8, json_object_get_double(json_object_object_get(o, "ns_per_kib")));
	EXPECT_FALSE(json_object_object_get_ex(o, "ns_per_kib_reason", NULL));
	json_object_put(o);
	EXPECT_TRUE(isnan(coh_plaus_or_nan(LLCTL_PLAUS_BRANCH_NS, 500, 1)));
	EXPECT_EQ(0.35, coh_plaus_or_nan(LLCTL_PLAUS_BRANCH_NS, 0.35, 1));
}

/* ---- litmus: registers, relaxed outcomes, the model ---- */

TEST(relaxed_outcomes_are_the_documented_indexes)
{
	char l[64];

	EXPECT_EQ(0, probe_litmus_relaxed(LLKM_LITMUS_SB));
	coh_litmus_label(LLKM_LITMUS_SB, 0, l, sizeof(l));
	EXPECT_STREQ("r0=0,r1=0", l);
	EXPECT_EQ(1, probe_litmus_relaxed(LLKM_LITMUS_MP));
	coh_litmus_label(LLKM_LITMUS_MP, 1, l, sizeof(l));
	EXPECT_STREQ("r0=1,r1=0", l);
	EXPECT_EQ(3, probe_litmus_relaxed(LLKM_LITMUS_LB));
	coh_litmus_label(LLKM_LITMUS_LB, 3, l, sizeof(l));
	EXPECT_STREQ("r0=1,r1=1", l);
	EXPECT_EQ(5, probe_litmus_relaxed(LLKM_LITMUS_IRIW));
	coh_litmus_label(LLKM_LITMUS_IRIW, 5, l, sizeof(l));
	EXPECT_STREQ("r0=1,r1=0,r2=1,r3=0", l);
	EXPECT_EQ(0, probe_litmus_relaxed(LLKM_LITMUS_2_2W));
	coh_litmus_label(LLKM_LITMUS_2_2W, 0, l, sizeof(l));
	EXPECT_STREQ("x=1,y=1", l);
	EXPECT_EQ(2, probe_litmus_relaxed(LLKM_LITMUS_R));
	coh_litmus_label(LLKM_LITMUS_R, 2, l, sizeof(l));
	EXPECT_STREQ("r0=0,y=2", l);
}

TEST(x86_tso_allows_only_a_store_then_a_load_unfenced_armv8_all)
{
	uint32_t t;

	for (t = 0; t <= LLKM_LITMUS_MAX; t++) {
		bool store_load = t == LLKM_LITMUS_SB || t == LLKM_LITMUS_R;

		EXPECT_EQ(store_load, probe_litmus_allowed_x86(t, 0));
		EXPECT_EQ(0, probe_litmus_allowed_x86(t, 1));
	}
	for (t = 0; t <= LLKM_LITMUS_MAX; t++) {
		/* Armv8: every relaxed outcome unfenced, none with dmb ish. */
		EXPECT_EQ(1, probe_litmus_allowed_armv8(t, 0));
		EXPECT_EQ(0, probe_litmus_allowed_armv8(t, 1));
	}
	EXPECT_EQ(4, probe_litmus_threads(LLKM_LITMUS_IRIW));
	EXPECT_EQ(2, probe_litmus_threads(LLKM_LITMUS_SB));
	EXPECT_STREQ("2+2W", coh_litmus_name(LLKM_LITMUS_2_2W));
	EXPECT_EQ(NULL, coh_litmus_name(LLKM_LITMUS_MAX + 1));
}

/* One round with the threads one after another, in tid order: SC. */
static int sequential_round(struct probe_litmus *l, uint32_t test, u64 gen)
{
	int t, n = probe_litmus_threads(test);

	for (t = 0; t < n; t++)
		WRITE_ONCE(l->out[t].v, probe_litmus_thread(l, test, 0, t, gen));
	return probe_litmus_outcome(l, test, n);
}

FIXTURE(litmus) {
	struct probe_litmus *l;
};

FIXTURE_SETUP(litmus)
{
	self->l = aligned_alloc(PROBE_LINE_SIZE, sizeof(*self->l));
	ASSERT_NE(NULL, self->l);
	memset(self->l, 0, sizeof(*self->l));
}

FIXTURE_TEARDOWN(litmus)
{
	free(self->l);
}

TEST_F(litmus, threads_in_order_give_the_sequential_outcome)
{
	/* T0 runs entirely before T1 (T2, T3): each test's SC result. */
	EXPECT_EQ(2, sequential_round(self->l, LLKM_LITMUS_SB, 1));	/* r0=0,r1=1 */
	EXPECT_EQ(3, sequential_round(self->l, LLKM_LITMUS_MP, 2));	/* r0=1,r1=1 */
	EXPECT_EQ(2, sequential_round(self->l, LLKM_LITMUS_LB, 3));	/* r0=0,r1=1 */
	EXPECT_EQ(15, sequential_round(self->l, LLKM_LITMUS_IRIW, 4));
	EXPECT_EQ(1, sequential_round(self->l, LLKM_LITMUS_2_2W, 5));	/* x=2,y=1 */
	EXPECT_EQ(3, sequential_round(self->l, LLKM_LITMUS_R, 6));	/* r0=1,y=2 */
}

TEST_F(litmus, an_earlier_rounds_values_read_as_the_initial_zero)
{
	struct probe_litmus *l = self->l;

	sequential_round(l, LLKM_LITMUS_SB, 1);
	/* Round 2, T0 first: y still holds round 1's 1, which reads 0 now. */
	EXPECT_EQ(0ULL, probe_litmus_thread(l, LLKM_LITMUS_SB, 0, 0, 2));
	/* T1 then finds T0's x of this round: r1=1 (bit 1). */
	EXPECT_EQ(2ULL, probe_litmus_thread(l, LLKM_LITMUS_SB, 0, 1, 2));
}

TEST_F(litmus, a_run_without_its_peer_stops_when_told)
{
	int stop = 1;
	uint64_t hist[LLKM_LITMUS_OUTCOMES_MAX] = { 0 };

	EXPECT_EQ(-1, probe_litmus_run(self->l, LLKM_LITMUS_SB, 0, 0, 10,
				       hist, &stop));
	EXPECT_EQ(0ULL, hist[0] + hist[1] + hist[2] + hist[3]);
}

/* ---- probe core give-up paths ---- */

TEST(ping_and_pong_give_up_when_stopped)
{
	static struct probe_line line;
	int stop = 1;

	EXPECT_EQ(0ULL, probe_c2c_ping(&line, 100, &stop));
	EXPECT_EQ(-1, probe_c2c_pong(&line, 100, &stop));
}

TEST(ping_without_a_peer_gives_up_after_the_spin_bound)
{
	static struct probe_line line;
	int stop = 0;
	uint64_t t0 = coh_now_ns();

	EXPECT_EQ(0ULL, probe_c2c_ping(&line, 1, &stop));
	/* PROBE_SPIN_MAX PAUSEs: about a second, never a hang. */
	EXPECT_GT(20ULL * 1000000000, coh_now_ns() - t0);
}

TEST(fence_batch_times_known_ops_only)
{
	static struct probe_line scratch;

	EXPECT_LT(0ULL, probe_fence_batch(LLKM_FENCE_MFENCE, 100, &scratch));
	EXPECT_LT(0ULL, probe_fence_batch(LLKM_FENCE_ATOMIC_SEQ_CST, 100, &scratch));
	EXPECT_EQ(100ULL, scratch.v);		/* each fetch_add happened */
	EXPECT_EQ(0ULL, probe_fence_batch(__LLKM_FENCE_LAST, 100, &scratch));
}

TEST(false_sharing_writes_every_increment)
{
	static struct probe_line line;

	EXPECT_LT(0ULL, probe_fs_write(&line.v, 1000));
	EXPECT_EQ(1000ULL, line.v);
}

TEST(false_sharing_for_a_time_stops_at_the_deadline_in_whole_rounds)
{
	static struct probe_line line;
	static const int no_stop;
	uint64_t n = probe_fs_write_until(&line.v, 0, &no_stop);

	/* A deadline already past: one round, every increment of it. */
	EXPECT_EQ((uint64_t)PROBE_FS_ROUND, n);
	EXPECT_EQ(n, line.v);
}

/*
 * Overlap, by construction: a TSC of 1 GHz (1e6 kHz), so one tick is one
 * ns of span, against each writer's CPU time.
 */
#define W(start, end, cpu)	{ .n = 1, .t0 = (start), .t1 = (end), .cpu_ns = (cpu) }
#define EXPECT_NEAR(want, got)	EXPECT_GT(1e-12, fabs((want) - (got)))

TEST(overlap_of_writers_that_ran_together_throughout_is_one)
{
	const struct coh_fs_writer w[] = { W(100, 1100, 1000), W(100, 1100, 1000) };

	EXPECT_EQ(1.0, coh_fs_overlap(w, 2, 1e6));
}

TEST(overlap_of_a_late_writer_is_the_shared_span_over_the_whole)
{
	/* Together from 600 to 1100 of 100..1600: a third. */
	const struct coh_fs_writer w[] = { W(100, 1100, 1000), W(600, 1600, 1000) };

	EXPECT_NEAR(500.0 / 1500.0, coh_fs_overlap(w, 2, 1e6));
}

TEST(overlap_loses_the_time_a_writer_was_off_its_cpu)
{
	/* The second writer ran 800 ns of its 1000: a fifth lost. */
	const struct coh_fs_writer w[] = { W(100, 1100, 1000), W(100, 1100, 800) };

	EXPECT_NEAR(0.8, coh_fs_overlap(w, 2, 1e6));
}

TEST(overlap_of_writers_that_took_turns_is_zero)
{
	const struct coh_fs_writer apart[] = { W(0, 100, 100), W(100, 200, 100) };
	/* Both spans whole, each on its CPU half the time: one CPU shared. */
	const struct coh_fs_writer shared_cpu[] = { W(0, 1000, 500), W(0, 1000, 500) };

	EXPECT_EQ(0.0, coh_fs_overlap(apart, 2, 1e6));
	EXPECT_EQ(0.0, coh_fs_overlap(shared_cpu, 2, 1e6));
}

TEST(overlap_without_a_run_or_a_clock_is_zero)
{
	const struct coh_fs_writer w[] = { W(100, 100, 0), W(100, 1100, 1000) };

	EXPECT_EQ(0.0, coh_fs_overlap(w, 2, 1e6));
	EXPECT_EQ(0.0, coh_fs_overlap(w + 1, 1, 0));
}

/*
 * Whether a slowdown is reported, by construction: enough pairs counted
 * (COH_FS_MIN_PAIRS), and their own slowdowns within COH_FS_MAX_SPREAD.
 */
TEST(slowdown_needs_three_pairs_within_1_5x)
{
	const struct coh_fs_result two = { .used = 2, .lo = 3, .hi = 3 },
		steady = { .used = 5, .lo = 2, .hi = 2.99 },
		apart = { .used = 5, .lo = 2, .hi = 3.01 },
		issue18 = { .used = 3, .lo = 1.14, .hi = 10.2 };

	EXPECT_STREQ("not_overlapped", coh_fs_verdict(&two));
	EXPECT_EQ(NULL, coh_fs_verdict(&steady));
	EXPECT_STREQ("unstable", coh_fs_verdict(&apart));
	EXPECT_STREQ("unstable", coh_fs_verdict(&issue18));
}

/* ---- CPU lists and pairs on a fake sysfs ---- */

FIXTURE(sysfs) {
	char dir[sizeof(FAKE_ROOT_TEMPLATE)];
	int *cpus;
};

FIXTURE_SETUP(sysfs)
{
	static const int core[] = { 0, 1, 0, 1 };	/* 0,2 and 1,3: siblings */
	char path[128];
	int i;

	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, fake_put(self->dir, "sys/devices/system/cpu/online", "0-3\n"));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/topology/core_id", i);
		ASSERT_EQ(0, fake_put(self->dir, path, core[i] ? "1\n" : "0\n"));
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/topology/physical_package_id", i);
		ASSERT_EQ(0, fake_put(self->dir, path, "0\n"));
	}
}

FIXTURE_TEARDOWN(sysfs)
{
	free(self->cpus);
	EXPECT_EQ(0, coh_c2c_set_pairs(NULL, NULL));	/* frees the last */
	EXPECT_EQ(0, fake_root_remove(self->dir));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

/* What llctl_cpus_parse() found wrong; the tests check only its verdict. */
static char why[160];

TEST_F(sysfs, cpu_list_keeps_its_order)
{
	ASSERT_EQ(4, llctl_cpus_parse(self->dir, "3,0-2", &self->cpus, why, sizeof(why)));
	EXPECT_EQ(3, self->cpus[0]);
	EXPECT_EQ(0, self->cpus[1]);
	EXPECT_EQ(2, self->cpus[3]);
}

TEST_F(sysfs, cpu_named_twice_is_refused)
{
	EXPECT_EQ(-1, llctl_cpus_parse(self->dir, "1,1", &self->cpus, why, sizeof(why)));
	EXPECT_EQ(-1, llctl_cpus_parse(self->dir, "0-2,2", &self->cpus, why, sizeof(why)));
	EXPECT_EQ(NULL, self->cpus);
}

TEST_F(sysfs, offline_cpu_is_refused)
{
	EXPECT_EQ(-1, llctl_cpus_parse(self->dir, "3-4", &self->cpus, why, sizeof(why)));
	EXPECT_EQ(-1, llctl_cpus_parse(self->dir, "65535", &self->cpus, why, sizeof(why)));
}

TEST_F(sysfs, malformed_lists_are_refused)
{
	static const char bad[][8] = {
		"", "a", "1-", "-1", "0,,1", "0,", "3-1", "65536", "1 ", "0x1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-1, llctl_cpus_parse(self->dir, bad[i], &self->cpus, why, sizeof(why))) {
			TH_LOG("accepted '%s'", bad[i]);
		}
}

TEST_F(sysfs, smt_siblings_sort_together)
{
	int cpus[] = { 3, 2, 1, 0 };

	coh_cpus_sort_topology(self->dir, cpus, 4);
	EXPECT_EQ(0, cpus[0]);
	EXPECT_EQ(2, cpus[1]);
	EXPECT_EQ(1, cpus[2]);
	EXPECT_EQ(3, cpus[3]);
	EXPECT_TRUE(coh_cpus_siblings(self->dir, 0, 2));
	EXPECT_FALSE(coh_cpus_siblings(self->dir, 0, 1));
	EXPECT_FALSE(coh_cpus_siblings(self->dir, 0, 0));
}

TEST_F(sysfs, pairs_are_checked)
{
	EXPECT_EQ(0, coh_c2c_set_pairs(self->dir, "0:1,2:3,0:3"));
	EXPECT_EQ(-1, coh_c2c_set_pairs(self->dir, "0:0"));
	EXPECT_EQ(-1, coh_c2c_set_pairs(self->dir, "0:1,1:0"));
	EXPECT_EQ(-1, coh_c2c_set_pairs(self->dir, "0:4"));
	EXPECT_EQ(-1, coh_c2c_set_pairs(self->dir, "0-1"));
	EXPECT_EQ(-1, coh_c2c_set_pairs(self->dir, "0:1,"));
}

/* ---- the commands refuse absurd parameters, saying why ---- */

/* Runs @fn on a NULL-terminated argv; its stderr lands in @err. */
struct cmd_entry {
	int (*fn)(int argc, char **argv);
};

static int call_cmd(int argc, char **argv, void *entry)
{
	return ((struct cmd_entry *)entry)->fn(argc, argv);
}

static int run_cmd(int (*fn)(int, char **), char *err, size_t size, ...)
{
	struct cmd_entry entry = { fn };
	va_list ap;
	int ret;

	va_start(ap, size);
	ret = run_argv(call_cmd, &entry, err, size, NULL, ap);
	va_end(ap);
	return ret;
}

#define EXPECT_REFUSED(msg, fn, ...) do {				\
	char __e[1024];							\
									\
	EXPECT_EQ(1, run_cmd(fn, __e, sizeof(__e), __VA_ARGS__, NULL));	\
	EXPECT_NE(NULL, strstr(__e, msg)) {				\
		TH_LOG("stderr: %s", __e);				\
	}								\
} while (0)

TEST(fence_refuses_absurd_parameters)
{
	EXPECT_REFUSED("--iterations '0': takes 1 to 1048576", cmd_fence,
		       "fence", "--iterations", "0");
	EXPECT_REFUSED("--iterations '1048577'", cmd_fence,
		       "fence", "--iterations", "1048577");
	EXPECT_REFUSED("--batches '100001': takes 1 to 100000", cmd_fence,
		       "fence", "--batches", "100001");
	EXPECT_REFUSED("--iterations '-1'", cmd_fence,
		       "fence", "--iterations", "-1");
	EXPECT_REFUSED("--cpu '0-1': takes one CPU", cmd_fence,
		       "fence", "--cpu", "0-1");
	EXPECT_REFUSED("--kernel and --user exclude each other", cmd_fence,
		       "fence", "--kernel", "--user");
}

TEST(coherency_refuses_absurd_parameters)
{
	EXPECT_REFUSED("Unable to parse --test 'c2c,nope': no such test 'nope'",
		       cmd_coherency, "coherency", "--test", "c2c,nope");
	EXPECT_REFUSED("--iterations '0'", cmd_coherency,
		       "coherency", "--iterations", "0");
	EXPECT_REFUSED("--iterations '99999999999'", cmd_coherency,
		       "coherency", "--iterations", "99999999999");
	EXPECT_REFUSED("--cpus '0,0': CPU 0 is named twice", cmd_coherency,
		       "coherency", "--cpus", "0,0");
	EXPECT_REFUSED("--cpus '65535': CPU 65535 is not online",
		       cmd_coherency, "coherency", "--cpus", "65535");
	EXPECT_REFUSED("--pairs: it is for the c2c test", cmd_coherency,
		       "coherency", "--test", "litmus", "--pairs", "0:1");
	EXPECT_REFUSED("--kernel and --user exclude each other",
		       cmd_coherency, "coherency", "--kernel", "--user");
	EXPECT_REFUSED("--runtime '0': takes 1 to 1000 (ms)", cmd_coherency,
		       "coherency", "--runtime", "0");
	EXPECT_REFUSED("--runtime '1001'", cmd_coherency,
		       "coherency", "--runtime", "1001");
	EXPECT_REFUSED("--runtime: it is for false-sharing in user threads, which is not selected",
		       cmd_coherency, "coherency", "--test", "c2c",
		       "--runtime", "5");
	EXPECT_REFUSED("--kernel runs --iterations increments instead",
		       cmd_coherency, "coherency", "--kernel", "--test",
		       "false-sharing", "--runtime", "5");
	/* --iterations counts a batch's operations, --samples a point's. */
	EXPECT_REFUSED("--iterations: it counts the operations of a batch of c2c, litmus or false-sharing --kernel, none of which runs; branch, icache and bandwidth take --samples N",
		       cmd_coherency, "coherency", "--test", "branch,icache",
		       "--iterations", "5");
	EXPECT_REFUSED("none of which runs; false-sharing in user threads runs for --runtime MS",
		       cmd_coherency, "coherency", "--test", "false-sharing",
		       "--iterations", "5");
	EXPECT_REFUSED("--samples: it is for branch, icache and bandwidth, none of which runs; c2c, litmus and false-sharing --kernel take --iterations N",
		       cmd_coherency, "coherency", "--test", "c2c,litmus",
		       "--samples", "5");
	EXPECT_REFUSED("--samples '2': takes 3 to 1000", cmd_coherency,
		       "coherency", "--samples", "2");
}

/*
 * The clock's cross-check (coherency/clock.c), on figures known by
 * construction: issue 18's 21 GHz against cpufreq's 4.7 GHz maximum, a VM's
 * boost against the TSC rate in cpuinfo, a clock APERF confirms.
 */
static struct coh_clock clk(double ghz, double cpuinfo, double cur, double max,
			    double aperf)
{
	struct coh_clock c = { .ghz = ghz, .cpuinfo_ghz = cpuinfo,
			       .cur_ghz = cur, .max_ghz = max, .aperf_ghz = aperf };

	coh_clock_compare(&c);
	return c;
}

TEST(the_clock_disagrees_beyond_its_tolerance_and_says_so)
{
	struct coh_clock c;
	char buf[512];

	c = clk(21.0, 0.8, 0.8, 4.7, 0);	/* folded adds, bare metal */
	EXPECT_EQ(0, c.agrees);
	EXPECT_NE(NULL, strstr(c.note, "cpuinfo_max_freq 4700 MHz"));
	coh_clock_text(&c, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "implausible (21 GHz is above 7 GHz"));
	EXPECT_NE(NULL, strstr(buf, "disagrees"));
	EXPECT_EQ(0, coh_clock_usable_ghz(&c));

	c = clk(3.65, 2.096, 0, 0, 0);		/* this VM: cpuinfo is the TSC */
	EXPECT_EQ(0, c.agrees);
	EXPECT_NE(NULL, strstr(c.note, "disagrees with /proc/cpuinfo 2096 MHz"));
	EXPECT_NE(NULL, strstr(c.note, "TSC rate"));
	EXPECT_EQ(3.65, coh_clock_usable_ghz(&c));

	c = clk(3.65, 2.096, 0, 0, 3.60);	/* APERF confirms it */
	EXPECT_EQ(1, c.agrees);
	EXPECT_NE(NULL, strstr(c.note, "agrees with APERF 3600 MHz"));

	c = clk(2.2, 2.1, 0, 0, 0);		/* a VM at its base clock */
	EXPECT_EQ(1, c.agrees);

	c = clk(4.4, 0.8, 4.3, 4.7, 0);		/* bare metal, boosting */
	EXPECT_EQ(1, c.agrees);
	EXPECT_NE(NULL, strstr(c.note, "scaling_cur_freq 4300 MHz"));

	c = clk(3.0, 0, 0, 0, 0);		/* nothing to compare with */
	EXPECT_EQ(-1, c.agrees);
	c = clk(0, 2.0, 0, 0, 0);		/* not measured (not x86-64) */
	EXPECT_EQ(-1, c.agrees);
}

static struct json_object *jget(struct json_object *o, const char *path)
{
	char buf[128], *save, *k;
	struct json_object *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(v, k, &v))
			return NULL;
	return v;
}

static bool has(struct json_object *o, const char *path)
{
	char buf[128], *dot;
	struct json_object *parent = o;

	snprintf(buf, sizeof(buf), "%s", path);
	dot = strrchr(buf, '.');
	if (dot) {
		*dot = '\0';
		parent = jget(o, buf);
	}
	return parent && json_object_object_get_ex(parent, dot ? dot + 1 : buf, NULL);
}

/*
 * A clock outside 0.4-7 GHz is null wherever JSON has it (core_ghz and
 * clock.measured_ghz are one measurement), and so is an APERF clock
 * outside it (a VM's emulated counter), which is then not compared with.
 */
TEST(an_implausible_clock_is_null_in_every_key)
{
	struct json_object *o = json_object_new_object();
	struct coh_clock c = clk(21.0, 0.8, 0.8, 4.7, 30.0);

	coh_clock_json(o, &c);
	EXPECT_TRUE(has(o, "core_ghz"));
	EXPECT_EQ(NULL, jget(o, "core_ghz"));
	EXPECT_TRUE(has(o, "clock.measured_ghz"));
	EXPECT_EQ(NULL, jget(o, "clock.measured_ghz"));
	ASSERT_NE(NULL, jget(o, "clock.measured_ghz_reason"));
	EXPECT_EQ(0, strncmp(json_object_get_string(jget(o, "clock.measured_ghz_reason")),
			     "implausible: 21 GHz is above 7 GHz", 34));
	EXPECT_TRUE(has(o, "clock.aperf_ghz"));
	EXPECT_EQ(NULL, jget(o, "clock.aperf_ghz"));
	ASSERT_NE(NULL, jget(o, "clock.aperf_reason"));
	EXPECT_EQ(0, strncmp(json_object_get_string(jget(o, "clock.aperf_reason")),
			     "implausible: 30 GHz is above 7 GHz", 34));
	json_object_put(o);

	c = clk(3.65, 0, 0, 0, 30.0);	/* APERF is no reference then */
	EXPECT_EQ(-1, c.agrees);

	o = json_object_new_object();
	c = clk(3.65, 2.096, 0, 0, 3.60);
	coh_clock_json(o, &c);
	EXPECT_EQ(3.65, json_object_get_double(jget(o, "clock.measured_ghz")));
	EXPECT_FALSE(has(o, "clock.measured_ghz_reason"));
	EXPECT_EQ(3.60, json_object_get_double(jget(o, "clock.aperf_ghz")));
	EXPECT_FALSE(has(o, "clock.aperf_reason"));
	json_object_put(o);
}

/*
 * A clock that could not be measured (arm64 without a PMU, another
 * architecture) is null with coh_core_ghz()'s reason in every key and in
 * the text, and turns no ns into cycles.
 */
TEST(an_unmeasured_clock_is_null_with_its_reason)
{
	struct json_object *o = json_object_new_object();
	struct coh_clock c = { .cpuinfo_ghz = 2.0 };
	char buf[512];

	snprintf(c.why, sizeof(c.why), "not measured: no PMU here");
	coh_clock_compare(&c);
	EXPECT_EQ(-1, c.agrees);
	EXPECT_STREQ("not measured: no PMU here", c.note);
	coh_clock_json(o, &c);
	EXPECT_TRUE(has(o, "core_ghz"));
	EXPECT_EQ(NULL, jget(o, "core_ghz"));
	ASSERT_NE(NULL, jget(o, "core_ghz_reason"));
	EXPECT_STREQ("not measured: no PMU here",
		     json_object_get_string(jget(o, "core_ghz_reason")));
	EXPECT_EQ(NULL, jget(o, "clock.measured_ghz"));
	ASSERT_NE(NULL, jget(o, "clock.measured_ghz_reason"));
	EXPECT_STREQ(coh_core_ghz_method(false),
		     json_object_get_string(jget(o, "clock.method")));
	json_object_put(o);
	coh_clock_text(&c, buf, sizeof(buf));
	EXPECT_STREQ("unknown (not measured: no PMU here)", buf);
	EXPECT_EQ(0, coh_clock_usable_ghz(&c));
}

/*
 * Every ns of fence, c2c and false sharing is ticks / the TSC's rate: a
 * rate outside 0.4-7 GHz turns no tick into ns, calibrated or the
 * kernel's (coh_kernel_run() refuses the reply, in one line).
 */
TEST(an_implausible_tsc_rate_turns_no_tick_into_ns)
{
	char why[512];

	EXPECT_FALSE(coh_tsc_plausible(21e6, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "implausible: 21 GHz is above 7 GHz")) TH_LOG("%s", why);
	EXPECT_FALSE(coh_tsc_plausible(100000, why, sizeof(why)));	/* 100 MHz */
	EXPECT_NE(NULL, strstr(why, "below 0.4 GHz")) TH_LOG("%s", why);
	EXPECT_TRUE(coh_tsc_plausible(2596000, why, sizeof(why)));

	EXPECT_EQ(-EDOM, coh_kernel_tsc_check(21000000));
	EXPECT_NE(NULL, strstr(coh_kernel_strerror(-EDOM),
			       "llkm's TSC rate (the kernel's tsc_khz) is 21000000 kHz, implausible: 21 GHz is above 7 GHz"));
	EXPECT_EQ(NULL, strchr(coh_kernel_strerror(-EDOM), '\n'));
	EXPECT_EQ(-EDOM, coh_kernel_tsc_check(0));
	EXPECT_EQ(0, coh_kernel_tsc_check(2596000));
}

static struct coh_fence_op fence_op(double min, double median, double p99,
				    double spread)
{
	struct coh_fence_op op = { .cycles = { .n = 200, .min = min,
		.median = median, .p99 = p99, .spread = spread } };

	coh_fence_judge(&op, 1.0, 2596000);	/* noise 1 tick, 2596 MHz */
	return op;
}

static char *fence_row(const struct coh_fence_op *op)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct llctl_text_table *t = coh_fence_table();

	if (f && t) {
		coh_fence_op_row(t, "op", op, 2596000);
		llctl_text_table_print(f, t, 0);
	}
	if (f)
		fclose(f);
	llctl_text_table_free(t);
	return text;
}

/* Where @word ends in @line, its @nth (1: the first); -1: not in the line. */
static int word_end(const char *line, const char *word, int nth)
{
	const char *nl = strchr(line, '\n'), *w = line;

	while (nth-- > 0 && w) {
		w = strstr(w, word);
		if (w && nth)
			w += strlen(word);
	}
	return w && (!nl || w < nl) ? (int)(w - line + strlen(word)) : -1;
}

/*
 * fence's table, its three lines (the units, the heads, one op's row):
 * 0 when each unit's label ends over its p99 and the op's numbers end
 * under their heads; else which line is off.
 */
static int fence_layout(const char *t)
{
	const char *head = strchr(t, '\n'), *row;

	if (!head || !(row = strchr(head + 1, '\n')))
		return 1;
	head++;
	row++;
	if (word_end(t, "cycles per op", 1) != word_end(head, "p99", 1) ||
	    word_end(t, "ns per op", 1) != word_end(head, "p99", 2))
		return 2;
	if (word_end(head, "spread", 1) != word_end(row, "%", 1))
		return 3;
	return 0;
}

/*
 * An op's cost is a fact between the loop's noise and 1 us: the numbers
 * of this host's MFENCE (40.9 ticks), one below the noise (0.3: ~0 in
 * text, 0 in JSON, no p99 in either), one of 10000 ticks (3852 ns: a
 * preempted batch; null in JSON, "implausible" in text) and one whose
 * batches disagree (numbers kept, flagged).
 */
TEST(fence_ops_are_costs_only_between_the_noise_and_1_us)
{
	struct coh_fence_op ok = fence_op(40.2, 40.9, 42.0, 0.04);
	struct coh_fence_op below = fence_op(-0.2, 0.3, 0.9, 3.6);
	struct coh_fence_op slow = fence_op(9000, 10000, 12000, 0.3);
	struct coh_fence_op unstable = fence_op(5, 20, 30, 1.25);
	struct json_object *o;
	char *t;

	EXPECT_EQ(NULL, ok.flag);
	o = coh_fence_op_json("mfence", &ok, 2596000);
	EXPECT_EQ(40.9, json_object_get_double(jget(o, "cycles.median")));
	EXPECT_GT(1e-9, fabs(json_object_get_double(jget(o, "ns.median")) -
			     40.9e6 / 2596000));
	EXPECT_TRUE(has(o, "reason"));
	EXPECT_EQ(NULL, jget(o, "reason"));
	json_object_put(o);

	EXPECT_STREQ("below_resolution", below.flag);
	o = coh_fence_op_json("compiler", &below, 2596000);
	EXPECT_TRUE(json_object_is_type(jget(o, "cycles.median"), json_type_double));
	EXPECT_EQ(0, json_object_get_double(jget(o, "cycles.median")));
	EXPECT_EQ(0, json_object_get_double(jget(o, "ns.min")));
	EXPECT_TRUE(has(o, "cycles.p99"));
	EXPECT_EQ(NULL, jget(o, "cycles.p99"));
	EXPECT_EQ(0, strncmp(json_object_get_string(jget(o, "reason")),
			     "below resolution: ", 18));
	json_object_put(o);
	t = fence_row(&below);
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "~0")) TH_LOG("%s", t);
	EXPECT_EQ(NULL, strstr(t, "0.90")) TH_LOG("%s", t);
	free(t);

	EXPECT_STREQ("implausible", slow.flag);
	o = coh_fence_op_json("mfence", &slow, 2596000);
	EXPECT_TRUE(has(o, "cycles.median"));
	EXPECT_EQ(NULL, jget(o, "cycles.median"));
	EXPECT_EQ(NULL, jget(o, "cycles.min"));
	EXPECT_EQ(NULL, jget(o, "ns.median"));
	EXPECT_EQ(NULL, jget(o, "ns.p99"));
	EXPECT_STREQ("implausible", json_object_get_string(jget(o, "flag")));
	EXPECT_EQ(0, strncmp(json_object_get_string(jget(o, "reason")),
			     "implausible: 3852 ns is above 1000 ns", 37))
		TH_LOG("%s", json_object_get_string(jget(o, "reason")));
	json_object_put(o);
	t = fence_row(&slow);
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "implausible (median 3.85 us per op, above 1.00 us)")) TH_LOG("%s", t);
	EXPECT_EQ(NULL, strstr(t, "10000")) TH_LOG("%s", t);
	free(t);

	EXPECT_STREQ("unstable", unstable.flag);
	o = coh_fence_op_json("lfence", &unstable, 2596000);
	EXPECT_EQ(30, json_object_get_double(jget(o, "cycles.p99")));
	EXPECT_NE(NULL, strstr(json_object_get_string(jget(o, "reason")), "125 %"));
	json_object_put(o);
	/*
	 * Its row flagged [2], under the table's heads: each unit's label
	 * ends where its p99 column does, the spread under "spread".
	 */
	t = fence_row(&unstable);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, fence_layout(t)) TH_LOG("%s", t);
	EXPECT_NE(NULL, strstr(t, "   125% [2]\n")) TH_LOG("%s", t);
	free(t);
}

/*
 * icache's time per page jumped: a jump is a taken branch, at most 2 a
 * cycle, so under half a cycle at the measured clock it is implausible
 * (the call's cost subtracted overlapped the jumps); 0.07 ns at 7 GHz when
 * the clock is unknown.
 */
TEST(a_jump_in_under_half_a_cycle_is_implausible)
{
	char why[512];

	/* 0.07 ns at 3.7 GHz: 0.26 cycles a jump */
	EXPECT_FALSE(coh_jump_ns_plausible(0.07, 3.7, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "0.259 cycles at the measured 3.70 GHz")) TH_LOG("%s", why);
	EXPECT_TRUE(coh_jump_ns_plausible(0.07, 0, why, sizeof(why)));
	EXPECT_TRUE(coh_jump_ns_plausible(0.19, 3.7, why, sizeof(why)));
	EXPECT_FALSE(coh_jump_ns_plausible(0, 0, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "below 0.07 ns")) TH_LOG("%s", why);
	EXPECT_FALSE(coh_jump_ns_plausible(25000, 3.7, why, sizeof(why)));
}

/*
 * fence's overheads, in TSC ticks: the empty loop is an op as the others
 * (at most 1 us), a serialised TSC read pair costs 1 ns to 20 us (a trapped
 * RDTSC is a VM exit of 1-2 us); outside, null with the reason.
 */
TEST(fence_overheads_outside_their_bounds_are_null_with_the_reason)
{
	struct json_object *o = json_object_new_object(), *x;
	char buf[512];

	/* 5000 ticks at 2.5 GHz: 2 us an iteration of an empty loop */
	EXPECT_FALSE(coh_fence_ticks_json(o, "overhead_cycles", 5000, 2.5e6,
					  LLCTL_PLAUS_FENCE_NS));
	ASSERT_TRUE(json_object_object_get_ex(o, "overhead_cycles", &x));
	EXPECT_EQ(NULL, x);
	ASSERT_TRUE(json_object_object_get_ex(o, "overhead_cycles_reason", &x));
	EXPECT_NE(NULL, strstr(json_object_get_string(x), "implausible: 2000 ns is above 1000 ns"))
		TH_LOG("%s", json_object_get_string(x));
	/* 0.5 ticks at 2.5 GHz: 0.2 ns for two serialised reads */
	EXPECT_FALSE(coh_fence_ticks_json(o, "timer_overhead_cycles", 0.5, 2.5e6,
					  LLCTL_PLAUS_TSC_PAIR_NS));
	EXPECT_TRUE(json_object_object_get_ex(o, "timer_overhead_cycles_reason", NULL));
	EXPECT_FALSE(coh_fence_ticks_json(o, "pair_40us", 1e5, 2.5e6,
					  LLCTL_PLAUS_TSC_PAIR_NS));
	/* a TSC rate of 0 converts nothing: not a fact either */
	EXPECT_FALSE(coh_fence_ticks_json(o, "no_rate", 60, 0, LLCTL_PLAUS_TSC_PAIR_NS));
	EXPECT_TRUE(coh_fence_ticks_json(o, "pair", 60, 2.5e6, LLCTL_PLAUS_TSC_PAIR_NS));
	EXPECT_EQ(60, json_object_get_double(json_object_object_get(o, "pair")));
	EXPECT_TRUE(coh_fence_ticks_json(o, "loop", 0.3, 2.5e6, LLCTL_PLAUS_FENCE_NS));
	json_object_put(o);

	EXPECT_STREQ("0.30", coh_fence_ticks_text(0.3, 2.5e6, LLCTL_PLAUS_FENCE_NS,
						  "%.2f", buf, sizeof(buf)));
	coh_fence_ticks_text(5000, 2.5e6, LLCTL_PLAUS_FENCE_NS, "%.2f", buf, sizeof(buf));
	EXPECT_EQ(0, strncmp(buf, "implausible (5000 ticks, 2000 ns is above 1000 ns", 49))
		TH_LOG("%s", buf);
}

TEST_HARNESS_MAIN
