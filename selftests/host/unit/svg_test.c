// SPDX-License-Identifier: GPL-2.0
/*
 * llctl's pictures as a reader sees them: each chart kind drawn from known
 * numbers by the code llctl draws it with, then checked by svg_check.py
 * beside this program: rendered to PNG by rsvg-convert at the size the SVG
 * declares, no two texts' ink (measured by the renderer) overlapping, no
 * legend on the data. Per chart, what its numbers make it show: a log axis
 * for costs spanning more than 10x and a linear one otherwise (fence), one
 * colour and a note when all pairs are equal (c2c), the USL peak where an
 * independent fit of the same points puts it, the flame graph's palettes,
 * widths and script (zoom, search) run by node. SVG_TEST_KEEP=1 keeps the
 * pictures (their folder is logged) to look at.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "slurp.h"
#include "str_count.h"

#include "analyze/usl-svg.h"
#include "coherency/fence.h"
#include "coherency/machine.h"
#include "coherency/run.h"
#include "lib/svg.h"
#include "profile/report.h"
#include "trace/hist-svg.h"

FIXTURE(chart) {
	char tmp[PATH_MAX];
	char dir[PATH_MAX];	/* this program's, svg_check.py's */
	char path[PATH_MAX + 32];
};

FIXTURE_SETUP(chart)
{
	char exe[PATH_MAX] = "";
	ssize_t n;

	if (system("rsvg-convert --version >/dev/null 2>&1 && python3 -c '' 2>/dev/null"))
		SKIP(return, "rsvg-convert or python3 is not installed (make deps)");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = 0;
	snprintf(self->dir, sizeof(self->dir), "%s", exe);
	*strrchr(self->dir, '/') = 0;
	snprintf(self->tmp, sizeof(self->tmp), "/tmp/svg_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
}

FIXTURE_TEARDOWN(chart)
{
	char cmd[PATH_MAX + 16];

	if (self->tmp[0] && getenv("SVG_TEST_KEEP")) {
		TH_LOG("kept %s (SVG_TEST_KEEP)", self->tmp);
		return;
	}
	if (self->tmp[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->tmp);
		if (system(cmd))
			TH_LOG("could not remove %s", self->tmp);
	}
}

static const char *at(FIXTURE_DATA(chart) *self, const char *name)
{
	snprintf(self->path, sizeof(self->path), "%s/%s", self->tmp, name);
	return self->path;
}

/* svg_check.py on @path with @opts: its exit status (0: every check held). */
static int check(FIXTURE_DATA(chart) *self, const char *path, const char *opts)
{
	char cmd[3 * PATH_MAX];
	int ret;

	snprintf(cmd, sizeof(cmd), "python3 '%s/svg_check.py' '%s' %s", self->dir, path, opts);
	ret = system(cmd);
	return ret ? 1 : 0;
}

/* ---- the checker itself ---- */

/* Two texts on each other, then a legend on the data: each is caught. */
TEST_F(chart, checker_sees_overlaps)
{
	static const struct llctl_svg_legend_item leg[] = { { "#d62728", "a series" } };
	struct llctl_svg g;

	ASSERT_EQ(0, llctl_svg_open(&g, at(self, "texts.svg"), 300, 100));
	llctl_svg_text(&g, 10, 40, (struct llctl_svg_font){ .size = 12 }, "first label");
	llctl_svg_text(&g, 40, 44, (struct llctl_svg_font){ .size = 12 }, "second label");
	ASSERT_EQ(0, llctl_svg_close(&g));
	EXPECT_NE(0, check(self, self->path, ""));

	ASSERT_EQ(0, llctl_svg_open(&g, at(self, "legend.svg"), 300, 100));
	llctl_svg_group(&g, NULL, "data");
	llctl_svg_rect(&g, (struct llctl_svg_box){ .x = 20, .y = 20, .w = 200, .h = 60 },
		       "#4c78a8", NULL);
	llctl_svg_group_end(&g);
	llctl_svg_legend(&g, 150, 50, leg, 1);
	ASSERT_EQ(0, llctl_svg_close(&g));
	EXPECT_NE(0, check(self, self->path, ""));

	/* apart: the same checks pass */
	ASSERT_EQ(0, llctl_svg_open(&g, at(self, "apart.svg"), 400, 100));
	llctl_svg_text(&g, 10, 15, (struct llctl_svg_font){ .size = 12 }, "first label");
	llctl_svg_text(&g, 150, 15, (struct llctl_svg_font){ .size = 12 }, "second label");
	llctl_svg_group(&g, NULL, "data");
	llctl_svg_rect(&g, (struct llctl_svg_box){ .x = 20, .y = 20, .w = 200, .h = 60 },
		       "#4c78a8", NULL);
	llctl_svg_group_end(&g);
	llctl_svg_legend(&g, 240, 50, leg, 1);
	ASSERT_EQ(0, llctl_svg_close(&g));
	EXPECT_EQ(0, check(self, self->path, ""));
}

/* ---- llctl fence ---- */

static const char *const fence_names[] = {
	"compiler", "smp_rmb", "smp_wmb", "smp_mb", "mfence", "lfence", "lock_add", "xchg",
};

/* Ops of @median ns each (min 0.8x, p99 1.3x), at a 1 GHz clock (1 tick = 1 ns). */
static void fence_ops(struct coh_fence_op *op, const double *median, int n)
{
	int i;

	for (i = 0; i < n; i++)
		op[i] = (struct coh_fence_op){ .cycles = { .n = 200, .min = median[i] * 0.8,
							   .median = median[i],
							   .p99 = median[i] * 1.3 } };
}

/* One op of 2 us beside ops of 1 to 30 ns: the axis is logarithmic. */
TEST_F(chart, fence_with_an_outlier_has_a_log_axis)
{
	static const double median[] = { 1.2, 3, 4.5, 30, 12, 2.5, 18, 2000 };
	struct coh_fence_op op[8];

	fence_ops(op, median, 8);
	op[2].flag = "unstable";
	ASSERT_EQ(0, coh_fence_svg(at(self, "fence-log.svg"), "fence: an outlier", fence_names,
				   op, 8, 1e6));
	EXPECT_EQ(0, check(self, self->path, "--axis x=log"));
}

/* Costs within 10x of each other (8 to 39 ns, whiskers too): a linear axis from 0. */
TEST_F(chart, fence_within_10x_has_a_linear_axis)
{
	static const double median[] = { 10, 11, 12, 30, 22, 14, 18, 25 };
	struct coh_fence_op op[8];
	char *svg;

	fence_ops(op, median, 8);
	op[1].flag = "below_resolution";
	op[5].flag = "implausible";
	ASSERT_EQ(0, coh_fence_svg(at(self, "fence-lin.svg"), "fence: no outlier", fence_names,
				   op, 8, 1e6));
	EXPECT_EQ(0, check(self, self->path, "--axis x=linear"));
	svg = slurp(self->path);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, ">below resolution<"));
	EXPECT_NE(NULL, strstr(svg, ">implausible (above 1 us)<"));
	free(svg);
}

/*
 * The real command, as a user runs it on this host (user mode needs no
 * module): whatever it measures, its chart passes the same checks, and
 * the axis is the one the data call for.
 */
TEST_F(chart, llctl_fence_draws_a_readable_chart)
{
	char cmd[3 * PATH_MAX], llctl[PATH_MAX + 32];

	snprintf(llctl, sizeof(llctl), "%s/../../../user/llctl", self->dir);
	if (access(llctl, X_OK))
		SKIP(return, "llctl is not built (make in user/)");
	snprintf(cmd, sizeof(cmd), "'%s' fence --user --iterations 2000 --batches 30 --svg '%s' >/dev/null",
		 llctl, at(self, "real-fence.svg"));
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(0, check(self, self->path, ""));
}

/* ---- llctl coherency: c2c ---- */

static const int c2c_cpus[] = { 0, 1, 2, 3 };

TEST_F(chart, c2c_legend_names_the_fastest_and_slowest_pair)
{
	double ns[16];
	bool flagged[16] = { 0 };
	char *svg;
	int i;

	for (i = 0; i < 16; i++)
		ns[i] = i / 4 == i % 4 ? -1 : 40 + 3 * i;	/* 43 .. 82, 61 flagged */
	flagged[7] = true;
	ASSERT_EQ(0, coh_c2c_svg(at(self, "c2c.svg"), "c2c: a range", c2c_cpus, 4, ns, flagged));
	EXPECT_EQ(0, check(self, self->path, ""));
	svg = slurp(self->path);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, ">43.0 ns, the fastest pair<"));
	EXPECT_NE(NULL, strstr(svg, ">82.0 ns, the slowest pair<"));
	EXPECT_NE(NULL, strstr(svg, ">implausible<"));
	free(svg);
}

/*
 * An SMT pair at 5 ns, the rest 20 to 160 ns: more than 10x, the colours
 * follow log(ns): 20 ns is shaded a third of the way from 5 to 160 (4x of
 * 32x), not a tenth (15 of 155 ns) as linearly.
 */
TEST_F(chart, c2c_colours_span_decades_by_log)
{
	double ns[16] = { -1, 5, 80, 20, 5, -1, 160, 40, 80, 160, -1, 20, 20, 40, 20, -1 };
	bool flagged[16] = { 0 };
	char *svg, mid[8], tip[64];
	const char *cell;

	ASSERT_EQ(0, coh_c2c_svg(at(self, "c2c-log.svg"), "c2c: SMT and sockets", c2c_cpus, 4,
				 ns, flagged));
	EXPECT_EQ(0, check(self, self->path, ""));
	svg = slurp(self->path);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "colours by log(ns): the pairs span more than 10x"));
	llctl_svg_heat_color(log(20.0 / 5) / log(160.0 / 5), mid);
	snprintf(tip, sizeof(tip), "fill=\"%s\"><title>CPU 0 - 3: 20.0 ns", mid);
	cell = strstr(svg, tip);
	EXPECT_NE(NULL, cell) TH_LOG("no cell '%s'", tip);
	free(svg);
}

/* Every pair 61.1 ns: one value, one colour, and a note; not "61.1 to 61.1". */
TEST_F(chart, c2c_equal_pairs_show_one_value)
{
	bool flagged[16] = { 0 };
	char *svg, one[8], fill[32];
	double ns[16];
	int i;

	for (i = 0; i < 16; i++)
		ns[i] = i / 4 == i % 4 ? -1 : 61.1 + 0.01 * (i % 2);
	ASSERT_EQ(0, coh_c2c_svg(at(self, "c2c-one.svg"), "c2c: all equal", c2c_cpus, 4, ns,
				 flagged));
	EXPECT_EQ(0, check(self, self->path, ""));
	svg = slurp(self->path);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(1, str_count(svg, ">61.1 ns<"));
	EXPECT_NE(NULL, strstr(svg, "all measured pairs are equal (61.1 ns): one colour"));
	EXPECT_EQ(NULL, strstr(svg, "slowest"));
	/* one colour: the 12 pairs' and the legend's swatch */
	llctl_svg_heat_color(0.5, one);
	snprintf(fill, sizeof(fill), "fill=\"%s\"", one);
	EXPECT_EQ(13, str_count(svg, fill));
	free(svg);
}

/* ---- llctl coherency: branch, icache, bandwidth (line charts) ---- */

/* Two panels, long series names and marks close together (icache's). */
TEST_F(chart, line_charts_keep_legends_and_marks_off_the_data)
{
	static const double x[] = { 1024, 4096, 16384, 65536, 262144, 1048576, 4194304 };
	static const double y1[] = { 0.3, 0.3, 0.31, 0.9, 1.4, 4.2, 9.5 };
	static const double y2[] = { 0.5, 0.52, 0.6, 1.6, 2.8, 7.9, 8.1 };
	static const double mark[] = { 32768, 49152, 1048576, 1310720 };
	static const char *const mark_label[] = { "L1i 32 KiB", "op cache 48 KiB",
						  "L2 1 MiB", "iTLB 1.25 MiB" };
	struct coh_series s[2] = {
		{ "straight-line code, one instruction a cycle", x, y1, 7 },
		{ "page sweep (a jump a page)", x, y2, 7 },
	};
	struct coh_chart c[2] = {
		{ .title = "icache: code sweep", .xlabel = "code size", .ylabel = "ns per instruction",
		  .xbytes = true, .s = s, .ns = 2, .mark = mark, .mark_label = mark_label,
		  .nmarks = 4 },
		{ .title = "branch: time per branch", .xlabel = "pattern length",
		  .ylabel = "ns per branch", .s = s + 1, .ns = 1 },
	};

	ASSERT_EQ(0, coh_svg_charts(at(self, "lines"), "icache", c, 2));
	EXPECT_EQ(0, check(self, at(self, "lines-icache.svg"), ""));
}

/* ---- llctl analyze: USL ---- */

/*
 * Throughput from the USL itself (lambda 1000, sigma 0.05, kappa 0.002:
 * N* = sqrt(0.95 / 0.002) = 21.8): the checker fits the points its own
 * way (Gunther's linearisation) and finds the peak marker at its N*.
 */
TEST_F(chart, usl_marks_the_peak_at_the_fits_n_star)
{
	static const double n[] = { 1, 2, 4, 8, 16, 24, 32 };
	struct an_usl_point p[7];
	struct an_usl_fit f;
	char err[256], opt[512] = "--usl ", *o = opt + strlen(opt);
	int i;

	for (i = 0; i < 7; i++) {
		p[i] = (struct an_usl_point){ n[i], an_usl_model(1000, 0.05, 0.002, n[i]) };
		o += snprintf(o, opt + sizeof(opt) - o, "%s%g:%.10g", i ? "," : "", p[i].n, p[i].x);
	}
	ASSERT_EQ(0, an_usl_fit(p, 7, &f, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_TRUE(f.peak_finite);
	ASSERT_FALSE(f.peak_extrapolated);
	ASSERT_EQ(0, an_usl_svg(at(self, "usl.svg"), &(struct an_usl_chart){
		.title = "analyze: scaling of synthetic", .ylabel = "thread-runs/s",
		.p = p, .m = 7, .f = &f }));
	EXPECT_EQ(0, check(self, self->path, opt));
}

/* No fit (two thread counts): the points and why, no peak. */
TEST_F(chart, usl_without_a_fit_says_why)
{
	struct an_usl_point p[2] = { { 1, 100 }, { 2, 180 } };
	char *svg;

	ASSERT_EQ(0, an_usl_svg(at(self, "usl-none.svg"), &(struct an_usl_chart){
		.title = "analyze: two points", .ylabel = "runs/s", .p = p, .m = 2,
		.why = "needs 3 distinct thread counts" }));
	EXPECT_EQ(0, check(self, self->path, ""));
	svg = slurp(self->path);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "no USL fit: needs 3 distinct thread counts"));
	EXPECT_EQ(NULL, strstr(svg, "usl-peak"));
	free(svg);
}

/* ---- llctl trace: latency histograms ---- */

TEST_F(chart, trace_histograms_line_up_their_buckets)
{
	static const uint64_t read_b[40] = { [8] = 3, [9] = 120, [10] = 800, [11] = 95,
					     [14] = 7, [21] = 1 };
	static const uint64_t write_b[40] = { [10] = 40, [11] = 60, [12] = 20, [13] = 4 };
	static const uint64_t futex_b[40] = { [12] = 2, [20] = 30, [26] = 5, [39] = 1 };
	struct trace_hist h[3] = {
		{ "futex", futex_b, 40, 38 },
		{ "read", read_b, 40, 1026 },
		{ "write", write_b, 40, 124 },
	};
	char *svg;

	ASSERT_EQ(0, trace_hist_svg(at(self, "hist.svg"), "trace: syscall latencies", h, 3, 2));
	EXPECT_EQ(0, check(self, self->path, ""));
	svg = slurp(self->path);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, ">read: 1026 calls timed<"));
	EXPECT_NE(NULL, strstr(svg, "2 more syscalls"));
	/* a bar per non-empty bucket: 6 + 4 + 4 */
	EXPECT_EQ(14, str_count(svg, "calls from "));
	free(svg);
}

/* ---- llctl report --svg: the flame graph ---- */

/*
 * 100 samples: user code (u_*, in "app") calling into the kernel (k_*),
 * and an interrupt's kernel frames: 20 + 30 = 50 % are kernel frames.
 */
TEST_F(chart, flame_graph_zooms_searches_and_tells_kernel_from_user)
{
	struct prof_node n[8] = {
		{ .name = "u_main", .dso = "app", .known = true, .total = 70 },
		{ .name = "u_compute", .dso = "app", .known = true, .total = 40, .self = 40 },
		{ .name = "k_sys_write", .dso = "[kernel.kallsyms]", .kernel = true, .known = true,
		  .total = 20, .self = 5 },
		{ .name = "k_vfs_write", .dso = "[kernel.kallsyms]", .kernel = true, .known = true,
		  .total = 15, .self = 15 },
		{ .name = "u_parse", .dso = "app", .known = true, .total = 10, .self = 10 },
		{ .name = "k_irq_handler", .dso = "[kernel.kallsyms]", .kernel = true,
		  .known = true, .total = 30, .self = 20 },
		{ .name = "k_do_softirq", .dso = "[kernel.kallsyms]", .kernel = true,
		  .known = true, .total = 10, .self = 10 },
	};
	struct prof p = { .event = "cycles", .samples = 100, .max_depth = 3 };
	FILE *f;

	p.root = (struct prof_node){ .name = "all", .dso = "", .known = true, .total = 100,
				     .child = &n[0] };
	n[0].next = &n[5];
	n[0].child = &n[1];
	n[1].next = &n[2];
	n[2].next = &n[4];
	n[2].child = &n[3];
	n[5].child = &n[6];
	f = fopen(at(self, "flame.svg"), "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, prof_print_svg(f, &p, "synthetic: cycles"));
	ASSERT_EQ(0, fclose(f));
	EXPECT_EQ(0, check(self, self->path, "--flame '^k_=50.0:u_main'"));
}

TEST_HARNESS_MAIN
