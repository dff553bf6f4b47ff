// SPDX-License-Identifier: GPL-2.0
/*
 * What the machine probes (branch, icache, bandwidth) share: the clock's
 * resolution, pinning, the core clock, the caches sysfs describes and
 * finding the steps of a sweep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include <json-c/json.h>

#include "coherency/machine.h"
#include "coherency/stats.h"
#include "lib/plausible.h"
#include "lib/rootfs.h"
#include "lib/svg.h"
#include "lib/text.h"
#include "lib/util.h"

_Static_assert(sizeof(cpu_set_t) <= sizeof(((struct coh_pin *)0)->mask),
	       "struct coh_pin cannot hold a cpu_set_t");

int coh_samples(unsigned int given, const char *test, int *samples)
{
	if (!given) {
		*samples = COH_SAMPLES_DEFAULT;
		return 0;
	}
	if (given < COH_SAMPLES_MIN || given > COH_SAMPLES_MAX) {
		llctl_err("Unable to run the %s test: --samples %u must be from %d to %d",
			  test, given, COH_SAMPLES_MIN, COH_SAMPLES_MAX);
		return 1;
	}
	*samples = (int)given;
	return 0;
}

double coh_timer_res_ns(void)
{
	uint64_t best = UINT64_MAX, a, b;
	int i;

	for (i = 0; i < 1000; i++) {
		a = coh_now_ns();
		do
			b = coh_now_ns();
		while (b == a);
		if (b - a < best)
			best = b - a;
	}
	return (double)best;
}

int coh_pin(int cpu, struct coh_pin *old)
{
	cpu_set_t *saved = (cpu_set_t *)old->mask;
	cpu_set_t set;

	old->saved = !sched_getaffinity(0, sizeof(*saved), saved);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return 0;
}

void coh_unpin(struct coh_pin *old)
{
	if (old->saved)
		sched_setaffinity(0, sizeof(cpu_set_t), (cpu_set_t *)old->mask);
	old->saved = false;
}

#ifdef __x86_64__
#include <cpuid.h>

/*
 * @n rounds of 100 dependent 32-bit imuls: 100 * @n * imul_cycles().
 * Not adds: Golden Cove and later fold a chain of add-immediates at
 * rename (several a cycle), which made the clock read 21 GHz (issue 18).
 * A multiply has no such shortcut: its result needs the multiplier, whose
 * latency is fixed (no early out on x86 integer multiply); the operand is
 * a register, so no immediate can be folded either. 32-bit, not 64: imul
 * r32 takes 3 cycles on more cores (Core 2 took 5 for r64, K8/K10 4).
 */
static void imul_chain(uint64_t n)
{
	uint32_t x = 1, m = 3;

	asm volatile("1:\n\t"
		     ".rept 100\n\t"
		     "imul %[m], %[x]\n\t"
		     ".endr\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b\n\t"
		     : [x] "+r"(x), [n] "+r"(n)
		     : [m] "r"(m)
		     : "cc");
}

/*
 * imul r32, r32's latency in cycles (Agner Fog's instruction tables,
 * uops.info): 3 on every Intel core since Core 2 (Atom Bonnell and
 * Saltwell: 5) and every AMD core since K8 (the Bulldozer family 0x15: 4).
 */
static unsigned int imul_cycles(void)
{
	unsigned int a, b, c, d, fam, model;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 3;
	fam = (a >> 8) & 0xf;
	model = ((a >> 4) & 0xf) | (((a >> 16) & 0xf) << 4);
	if (fam == 0xf)
		fam += (a >> 20) & 0xff;
	__get_cpuid(0, &a, &b, &c, &d);
	if (b == 0x68747541 && fam == 0x15)	/* "Auth"enticAMD */
		return 4;
	if (b == 0x756e6547 && fam == 6 &&	/* "Genu"ineIntel */
	    (model == 0x1c || model == 0x26 || model == 0x27 ||
	     model == 0x35 || model == 0x36))
		return 5;
	return 3;
}

double coh_core_ghz(char *why, size_t len)
{
	const uint64_t rounds = 7000;	/* 2.1 M cycles, about 0.6 ms */
	double cycles = 100.0 * rounds * imul_cycles(), ghz = 0;
	uint64_t t0, t1;
	int i;

	/* Warm-up: long enough for the core to leave its idle clock. */
	t0 = coh_now_ns();
	while (coh_now_ns() - t0 < 20000000)
		imul_chain(rounds);
	/* The fastest of 9: a preempted run is slower, never faster. */
	for (i = 0; i < 9; i++) {
		t0 = coh_now_ns();
		imul_chain(rounds);
		t1 = coh_now_ns();
		if (t1 > t0 && cycles / (t1 - t0) > ghz)
			ghz = cycles / (t1 - t0);
	}
	if (!(ghz > 0))
		snprintf(why, len, "not measured: the imul chain took no time on CLOCK_MONOTONIC_RAW");
	return ghz;
}

const char *coh_core_ghz_method(bool brief)
{
	return brief ? "imul chain" :
	       "a dependent chain of 32-bit imul, 3 cycles each (docs/plausibility.md)";
}
#elif defined(__aarch64__)
/*
 * arm64 has no instruction whose latency is the same on every core for a
 * chain to be timed (madd takes 2 to 5 cycles by core, and no register
 * names the core), so the cycles are counted instead: the PMU's cpu_cycles
 * (PERF_COUNT_HW_CPU_CYCLES) on the calling thread, EL0 only (what
 * perf_event_paranoid 2 allows anyone), over a spin timed by
 * CLOCK_MONOTONIC_RAW. Cycles spent in the kernel (an interrupt) are not
 * counted while the clock runs on: a disturbed spin reads slower, never
 * faster, so the fastest of 9 is the clock. Without a PMU (most VMs,
 * qemu-user) or perf, nothing is made up: 0 and why.
 */
static int cycles_open(char *why, size_t len)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			PERF_FORMAT_TOTAL_TIME_RUNNING;
	fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		snprintf(why, len, "not measured: arm64 has no fixed-latency chain to time, and the PMU's cpu_cycles cannot be counted on this thread: perf_event_open: %s (no PMU, as in most VMs and under qemu-user, or perf_event_paranoid above 2)",
			 strerror(errno));
	return fd;
}

struct cycles_read {
	uint64_t value, enabled, running;
};

/* Dependent adds, 100 a round: user-mode work the counter sees. */
static void add_chain(uint64_t n)
{
	uint64_t x = 0;

	asm volatile("1:\n\t"
		     ".rept 100\n\t"
		     "add %[x], %[x], #1\n\t"
		     ".endr\n\t"
		     "subs %[n], %[n], #1\n\t"
		     "b.ne 1b"
		     : [x] "+r"(x), [n] "+r"(n) : : "cc");
}

/* Cycles a ns over one spin of about @ns: 0 when it was not all counted. */
static double spin_ghz(int fd, uint64_t ns, char *why, size_t len)
{
	struct cycles_read c0, c1;
	uint64_t t0, t1;

	if (read(fd, &c0, sizeof(c0)) != sizeof(c0))
		goto unread;
	t0 = coh_now_ns();
	do {
		add_chain(100);
		t1 = coh_now_ns();
	} while (t1 - t0 < ns);
	if (read(fd, &c1, sizeof(c1)) != sizeof(c1))
		goto unread;
	if (c1.running != c1.enabled || c1.running == c0.running) {
		snprintf(why, len, "not measured: the PMU's cpu_cycles was not scheduled on this CPU throughout (shared with other events, or this core's PMU is another type's)");
		return 0;
	}
	if (c1.value <= c0.value) {
		snprintf(why, len, "not measured: the PMU's cpu_cycles did not count in user mode");
		return 0;
	}
	return (double)(c1.value - c0.value) / (double)(t1 - t0);
unread:
	snprintf(why, len, "not measured: reading the PMU's cpu_cycles failed: %s",
		 strerror(errno));
	return 0;
}

double coh_core_ghz(char *why, size_t len)
{
	double ghz = 0, g;
	uint64_t t0;
	int i, fd;

	fd = cycles_open(why, len);
	if (fd < 0)
		return 0;
	/* Warm-up: long enough for the core to leave its idle clock. */
	t0 = coh_now_ns();
	while (coh_now_ns() - t0 < 20000000)
		add_chain(100);
	for (i = 0; i < 9; i++) {
		g = spin_ghz(fd, 1000000, why, len);
		if (!(g > 0)) {
			ghz = 0;
			break;
		}
		if (g > ghz)
			ghz = g;
	}
	close(fd);
	return ghz;
}

const char *coh_core_ghz_method(bool brief)
{
	return brief ? "PMU cycles" :
	       "the PMU's cpu_cycles on this thread in user mode (perf_event_open) over a spin timed by CLOCK_MONOTONIC_RAW, the fastest of 9";
}
#else
double coh_core_ghz(char *why, size_t len)
{
	snprintf(why, len, "not measured: llctl measures the core clock on x86-64 and arm64 only");
	return 0;
}

const char *coh_core_ghz_method(bool brief)
{
	(void)brief;
	return "none on this architecture";
}
#endif

/* "32K", "1024K", "32M" as sysfs prints a cache's size. */
static int parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end == 'K')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	else if (*end == 'G')
		v <<= 30, end++;
	if (*end)
		return -EINVAL;
	*bytes = v;
	return 0;
}

static int cmp_cache(const void *a, const void *b)
{
	const struct coh_cache *x = a, *y = b;

	if (x->level != y->level)
		return x->level - y->level;
	return strcmp(x->type, y->type);
}

int coh_caches(const char *root, int cpu, struct coh_cache *c, int max)
{
	char path[128], *s;
	int i, n = 0, shared;
	long level;

	for (i = 0; i < 16 && n < max; i++) {
		struct coh_cache *p = &c[n];

		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cache/index%d/level",
			 cpu, i);
		if (llctl_root_read_int(root, path, &level))
			break;
		memset(p, 0, sizeof(*p));
		p->level = (int)level;
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cache/index%d/type", cpu, i);
		s = llctl_root_read(root, path);
		snprintf(p->type, sizeof(p->type), "%s", s ? s : "Unified");
		free(s);
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cache/index%d/size", cpu, i);
		s = llctl_root_read(root, path);
		if (!s || parse_size(s, &p->bytes) || !p->bytes) {
			free(s);
			continue;
		}
		free(s);
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list",
			 cpu, i);
		s = llctl_root_read(root, path);
		shared = s ? llctl_cpulist_count(s) : -1;
		p->shared_cpus = shared > 0 ? shared : 0;
		free(s);
		n++;
	}
	qsort(c, n, sizeof(*c), cmp_cache);
	return n;
}

void coh_cache_name(const struct coh_cache *c, char *buf, unsigned int len)
{
	const char *t = "";

	if (!strcmp(c->type, "Data"))
		t = "d";
	else if (!strcmp(c->type, "Instruction"))
		t = "i";
	snprintf(buf, len, "L%d%s", c->level, t);
}

/* The median of the up to three points before @i; of two, the larger. */
static double step_ref(const double *y, int i)
{
	double a, b, c;

	if (i == 1)
		return y[0];
	a = y[i - 1];
	b = y[i - 2];
	if (i == 2)
		return a > b ? a : b;
	c = y[i - 3];
	if ((a >= b && a <= c) || (a <= b && a >= c))
		return a;
	if ((b >= a && b <= c) || (b <= a && b >= c))
		return b;
	return c;
}

int coh_find_steps(const double *y, int n, double rise, double min_delta,
		   int *at, int max)
{
	int i, k = 0, run = -1;

	for (i = 1; i < n; i++) {
		double ref = step_ref(y, i);
		bool up = y[i] >= ref * rise && y[i] - ref >= min_delta;
		bool stays = i == n - 1 || y[i + 1] >= ref * rise;

		if (!up || !stays) {
			run = -1;
			continue;
		}
		/* Within a run of risen points, the sharpest one. */
		if (run < 0) {
			if (k == max)
				break;
			run = k++;
			at[run] = i;
		} else if (y[i] / y[i - 1] > y[at[run]] / y[at[run] - 1]) {
			at[run] = i;
		}
	}
	return k;
}

long coh_history_length(const long *len, const double *y, int n, double fast,
			double slow, const char **why)
{
	double mid = fast + (slow - fast) / 2;
	int i;

	if (!(slow > fast * 1.2)) {
		*why = "random and predictable branches took the same time: no misprediction cost to see";
		return -1;
	}
	for (i = 0; i < n; i++)
		if (y[i] >= mid)
			break;
	if (i == 0) {
		*why = "even the shortest pattern was mispredicted";
		return -1;
	}
	if (i == n) {
		*why = "every pattern of the sweep was learned: the history is longer";
		return -1;
	}
	*why = NULL;
	return len[i - 1];
}

uint64_t coh_mem_available(const char *root)
{
	unsigned long long kb = 0;
	char line[256];
	FILE *f;

	f = llctl_root_fopen(root, "proc/meminfo");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

#define CH_W	690.0	/* a panel without its legend band */
#define CH_H	380.0
#define CH_L	70.0	/* plot area inside a panel */
#define CH_R	20.0
#define CH_T	40.0	/* above the plot, the mark labels' rows excluded */
#define CH_B	50.0
#define CH_MARK	12.0	/* a row of mark labels */

static const char *const ch_color[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd" };

/*
 * The rows of @c's mark labels, above the plot: each label on the first
 * row where it clears the one before it (@row[i], at most 32 marks); the
 * number of rows.
 */
static int mark_rows(const struct coh_chart *c, double (*cx)(const struct coh_chart *, double),
		     int *row)
{
	double end[8] = { 0 };
	int i, r, rows = 0;

	for (i = 0; i < c->nmarks && i < 32; i++) {
		double x = cx(c, c->mark[i]) + 3;

		for (r = 0; r < 7 && end[r] > x - 6; r++)
			;
		end[r] = x + llctl_svg_text_width(10, c->mark_label[i]);
		row[i] = r;
		rows = r + 1 > rows ? r + 1 : rows;
	}
	return rows;
}

/* The range of @c's x values, 0 when it has none to draw. */
static int chart_xrange(const struct coh_chart *c, double *xmin, double *xmax)
{
	int i, j;

	*xmin = 1e300;
	*xmax = 0;
	for (i = 0; i < c->ns; i++)
		for (j = 0; j < c->s[i].n; j++) {
			*xmin = fmin(*xmin, c->s[i].x[j]);
			*xmax = fmax(*xmax, c->s[i].x[j]);
		}
	return *xmax > *xmin && *xmin > 0;
}

/* x of @v on @c's log2 axis (the plot from CH_L to CH_W - CH_R). */
static double chart_x(const struct coh_chart *c, double v)
{
	double lo, hi;

	chart_xrange(c, &lo, &hi);
	return CH_L + (CH_W - CH_L - CH_R) * (log2(v) - log2(lo)) / (log2(hi) - log2(lo));
}

/* @c's series names, for the legend. */
static int chart_legend(const struct coh_chart *c, struct llctl_svg_legend_item *it)
{
	int i;

	for (i = 0; i < c->ns && i < 8; i++)
		it[i] = (struct llctl_svg_legend_item){ ch_color[i % 4], c->s[i].name };
	return i;
}

static void chart_series(struct llctl_svg *g, const struct llctl_svg_axis *ay,
			 const struct coh_chart *c)
{
	char label[32];
	int i, j;

	llctl_svg_group(g, NULL, "data");
	for (i = 0; i < c->ns; i++) {
		const char *col = ch_color[i % 4];
		const struct coh_series *s = &c->s[i];

		for (j = 0; j < s->n; j++) {
			if (isnan(s->y[j]))
				continue;	/* implausible: not drawn */
			if (j && !isnan(s->y[j - 1]))
				llctl_svg_line(g, chart_x(c, s->x[j - 1]),
					       llctl_svg_axis_pos(ay, s->y[j - 1]),
					       chart_x(c, s->x[j]), llctl_svg_axis_pos(ay, s->y[j]),
					       (struct llctl_svg_pen){ .stroke = col, .width = 1.5 });
			snprintf(label, sizeof(label), "%g", s->y[j]);
			llctl_svg_rect(g, (struct llctl_svg_box){
				       .x = chart_x(c, s->x[j]) - 2,
				       .y = llctl_svg_axis_pos(ay, s->y[j]) - 2, .w = 4, .h = 4 },
				       col, label);
		}
	}
	llctl_svg_group_end(g);
}

/* The x axis: powers of two, at most about 10 labelled. */
static void chart_xaxis(struct llctl_svg *g, const struct coh_chart *c, double y0)
{
	static const struct llctl_svg_pen axis = { .stroke = "#000000", .width = 1 };
	static const struct llctl_svg_font tick = { .size = 10, .anchor = LLCTL_SVG_MIDDLE };
	double xmin, xmax, v;
	char label[32];
	int j, every;

	chart_xrange(c, &xmin, &xmax);
	llctl_svg_group(g, NULL, "axis log2 x");
	llctl_svg_line(g, CH_L, y0, CH_W - CH_R, y0, axis);
	every = (int)ceil((log2(xmax) - log2(xmin) + 1) / 10);
	for (j = (int)ceil(log2(xmin)); j <= (int)floor(log2(xmax)); j++) {
		if (j % (every ? every : 1))
			continue;
		v = ldexp(1, j);
		if (c->xbytes)
			llctl_text_bytes(label, sizeof(label), (uint64_t)v);
		else
			snprintf(label, sizeof(label), "%.0f", v);
		llctl_svg_line(g, chart_x(c, v), y0, chart_x(c, v), y0 + 4, axis);
		llctl_svg_text(g, chart_x(c, v), y0 + 16, tick, "%s", label);
	}
	llctl_svg_group_end(g);
}

/*
 * One panel at @top, @ph high: the title, the mark labels in rows above
 * the plot, the plot, and the legend in the band right of it (from
 * x = CH_W), so no label lies on the data.
 */
static void chart_panel(struct llctl_svg *g, double top, double ph, const struct coh_chart *c)
{
	struct llctl_svg_legend_item leg[8];
	struct llctl_svg_axis ay = { 0 };
	double xmin, xmax, ymax = 0, h, y0, pt;
	int i, j, row[32], rows;

	if (!chart_xrange(c, &xmin, &xmax))
		return;
	for (i = 0; i < c->ns; i++)
		for (j = 0; j < c->s[i].n; j++)
			ymax = fmax(ymax, c->s[i].y[j]);	/* NaN: ymax */
	if (ymax <= 0)
		return;
	rows = mark_rows(c, chart_x, row);
	pt = top + CH_T + rows * CH_MARK;
	h = ph - (pt - top) - CH_B;
	y0 = pt + h;
	llctl_svg_axis_fit(&ay, 0, ymax * 1.05, y0, pt, true);
	llctl_svg_text(g, 10, top + 22, (struct llctl_svg_font){ .size = 14 }, "%s", c->title);
	llctl_svg_axis_draw(g, &ay, false, CH_L, CH_W - CH_R - CH_L, "y");
	chart_xaxis(g, c, y0);
	llctl_svg_text(g, CH_L + (CH_W - CH_R - CH_L) / 2, y0 + 36,
		       (struct llctl_svg_font){ .size = 11, .anchor = LLCTL_SVG_MIDDLE }, "%s",
		       c->xlabel);
	llctl_svg_text(g, 16, y0 - h / 2,
		       (struct llctl_svg_font){ .size = 11, .anchor = LLCTL_SVG_MIDDLE,
						.rotate = -90 }, "%s", c->ylabel);
	for (i = 0; i < c->nmarks && i < 32; i++) {
		double x = chart_x(c, c->mark[i]);

		llctl_svg_line(g, x, pt - CH_MARK * (rows - row[i]) + 2, x, y0,
			       (struct llctl_svg_pen){ .stroke = "#999999", .width = 1 });
		llctl_svg_text(g, x + 3, pt - CH_MARK * (rows - row[i] - 1) - 3,
			       (struct llctl_svg_font){ .size = 10 }, "%s", c->mark_label[i]);
	}
	chart_series(g, &ay, c);
	llctl_svg_legend(g, CH_W + 10, pt, leg, chart_legend(c, leg));
}

int coh_svg_charts(const char *prefix, const char *test,
		   const struct coh_chart *c, int n)
{
	struct llctl_svg_legend_item leg[8];
	double band = 0, lw, lh, ph = CH_H;
	char path[4096];
	struct llctl_svg g;
	int i, err, row[32];

	for (i = 0; i < n; i++) {
		llctl_svg_legend_size(leg, chart_legend(&c[i], leg), &lw, &lh);
		band = lw > band ? lw : band;
		lw = CH_H + mark_rows(&c[i], chart_x, row) * CH_MARK;
		ph = lw > ph ? lw : ph;
	}
	snprintf(path, sizeof(path), "%s-%s.svg", prefix, test);
	err = llctl_svg_open(&g, path, CH_W + band + 20, ph * n);
	if (!err) {
		for (i = 0; i < n; i++)
			chart_panel(&g, ph * i, ph, &c[i]);
		err = llctl_svg_close(&g);
	}
	if (err) {
		llctl_err("Unable to write %s: %s", path, strerror(-err));
		return 1;
	}
	return 0;
}

double coh_plaus_or_nan(enum llctl_plaus k, double v, double scale)
{
	char why[320];

	return llctl_plausible(k, v, scale, why, sizeof(why)) ? v : NAN;
}

bool coh_instr_ns_plausible(double ns, double ghz, char *why, size_t len)
{
	double clk = ghz > 0 ? ghz : llctl_plaus_bound(LLCTL_PLAUS_CORE_GHZ)->hi;
	char g[320];

	if (!llctl_plausible(LLCTL_PLAUS_INSTR_NS, ns, 1, why, len))
		return false;
	if (llctl_plausible(LLCTL_PLAUS_IPC, 1 / (ns * clk), 1, g, sizeof(g)))
		return true;
	snprintf(why, len, "%s; %.4g ns an instruction at %s %.2f GHz", g, ns,
		 ghz > 0 ? "the measured" : "the fastest clock,", clk);
	return false;
}

bool coh_jump_ns_plausible(double ns, double ghz, char *why, size_t len)
{
	if (!llctl_plausible(LLCTL_PLAUS_PAGE_NS, ns, 1, why, len))
		return false;
	if (!(ghz > 0) || ns * ghz >= 0.5)
		return true;
	snprintf(why, len, "implausible: %.4g ns a jump is %.3g cycles at the measured %.2f GHz, below half a cycle (no core takes more than 2 branches a cycle)",
		 ns, ns * ghz, ghz);
	return false;
}

void coh_json_gated(struct json_object *o, const char *key, double v,
		    const char *why)
{
	char rkey[96];

	json_object_object_add(o, key, why ? NULL : json_object_new_double(v));
	if (!why)
		return;
	snprintf(rkey, sizeof(rkey), "%s_reason", key);
	json_object_object_add(o, rkey, json_object_new_string(why));
}

int coh_not_here(const char *test, const char *why)
{
	struct utsname u;

	uname(&u);
	llctl_err("Unable to run the %s test: %s, this is %s", test, why,
		  u.machine);
	return 1;
}
