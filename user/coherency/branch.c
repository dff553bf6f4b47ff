// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency --test branch: what a mispredicted branch costs and how
 * long a pattern the predictor learns.
 *
 * One conditional branch, in assembly so the compiler cannot turn it into
 * a cmov (csel), runs once for each bit of a buffer of BR_BITS bits, taken
 * on a zero bit; the bits shift out of a register loaded once per 64
 * (probe_branch_pass(), kmod/arch/ARCH/probe_arch.h), on x86-64:
 *
 *	1: mov (buf,j,8), w   mov $64, k
 *	2: shr $1, w   jnc 3f   inc taken
 *	3: dec k   jnz 2b   inc j   cmp n, j   jb 1b
 *
 * and on arm64:
 *
 *	1: ldr w, [p, j, lsl 3]   mov k, 64
 *	2: tbz w, 0, 3f   add taken, 1
 *	3: lsr w, w, 1   subs k, k, 1   b.ne 2b   add j, 1   cmp j, n   b.lo 1b
 *
 * A pass returns how many bits were set; in user mode each pass's count is
 * checked against the buffer's popcount (pass_check): the oracle that the
 * branch ran once a bit, taken as the bits say.
 *
 * - penalty: the buffer holds random bits (no predictor does better than
 *   one miss in two) against the same bits sorted (one miss per pass); the
 *   difference per branch, over the 0.5 misses per branch, is the cost of
 *   one misprediction, in ns and in core cycles at the clock measured by
 *   coh_core_ghz().
 * - history: the buffer repeats a random pattern of L bits, L = 2, 3, 4,
 *   6, ... BR_LEN_MAX; while the predictor holds the whole pattern,
 *   branches cost what sorted ones do; past its capacity what random ones
 *   do. The history length is the last L below the midpoint.
 *
 * The branch and the patterns are kmod/probe_branch.h's; with --kernel each
 * point is one LLKM_PROBE_BRANCH run in llkm's kernel thread, interrupts
 * off, timed by the probe clock (the TSC; arm64's generic timer, 16 ns a
 * tick under QEMU, thousands of times shorter than a pass).
 *
 * Each sample is one pass over the buffer (about 1 M branches, 0.3 to
 * 4 ms); a point is a warm-up of two passes and then the samples. The
 * default run (7 samples, 2 baselines and 33 lengths) takes about half a
 * second; COH_TIME_BOUND_S bounds any run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "coherency/clock.h"
#include "coherency/coherency.h"
#include "coherency/kernel-run.h"
#include "coherency/machine.h"
#include "coherency/stats.h"
#include "lib/plausible.h"
#include "lib/text.h"
#include "lib/util.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_branch.h"

#define BR_BITS		LLKM_BRANCH_BITS	/* branches per sample */
#define BR_LEN_MIN	2
#define BR_LEN_MAX	131072		/* 8 periods in a sample */
#define BR_POINTS	40

struct br_point {
	long len;
	struct coh_stats ns;	/* per branch */
};

/* A baseline's pass, checked: the buffer's set bits and what the pass counted. */
struct br_count {
	uint64_t set_bits, taken;
};

struct br_result {
	int cpu, samples;
	struct br_count count_rnd, count_pred;	/* user mode only */
	uint64_t passes, miscounted;	/* user mode: passes run, wrong counts */
	double ghz, timer_ns;	/* ghz: the clock if plausible, else 0 */
	struct coh_clock clock;
	bool have_base;
	struct coh_stats rnd, pred;	/* ns per branch */
	struct br_point pt[BR_POINTS];
	int npt;
	const char *stopped;	/* NULL: complete */
	int err;		/* --kernel: llkm refused a run */
	bool kernel;		/* the passes ran in llkm */
};

#if PROBE_SUPPORTED
/* One pass, its count checked against @c->set_bits into @r. */
static void pass(const uint64_t *p, struct br_result *r, struct br_count *c)
{
	uint64_t taken = probe_branch_pass(p, PROBE_BR_WORDS);

	r->passes++;
	if (taken != c->set_bits) {
		r->miscounted++;
		c->taken = taken;	/* a wrong count is the one kept */
	}
}

/*
 * Two warm-up passes, then @samples timed ones: ns per branch; each pass's
 * count against the buffer's set bits into @c. False when stopped or out
 * of time before the samples were all taken.
 */
static bool time_passes(const uint64_t *p, struct br_result *r,
			struct br_count *c, struct coh_stats *st,
			const struct coh_opts *o, uint64_t deadline)
{
	double v[COH_SAMPLES_MAX];
	uint64_t t0;
	int i;

	c->set_bits = probe_branch_ones(p);
	c->taken = c->set_bits;
	pass(p, r, c);
	pass(p, r, c);
	for (i = 0; i < r->samples; i++) {
		if ((o->stop && *o->stop) || coh_now_ns() > deadline)
			return false;
		t0 = coh_now_ns();
		pass(p, r, c);
		v[i] = (double)(coh_now_ns() - t0) / BR_BITS;
	}
	coh_stats_f(v, r->samples, st);
	return true;
}

/* The same in llkm's kernel thread (it warms up with two passes too). */
static bool kernel_passes(const struct coh_opts *o, struct br_result *r,
			  long len, bool sorted, struct coh_stats *st)
{
	uint32_t cpu = r->cpu;
	struct coh_kernel_req req = {
		.kind = LLKM_PROBE_BRANCH,
		.flags = sorted ? LLKM_PROBE_F_SORTED : 0,
		.cpus = &cpu, .ncpus = 1, .iterations = 1,
		.batches = r->samples, .param = len == BR_BITS ? 0 : len,
		.stop = o->stop,
	};
	double v[COH_SAMPLES_MAX];
	int i, ret;

	ret = coh_kernel_batch_ns(o->nl, &req, v);
	if (ret) {
		r->err = ret < 0 ? ret : 0;
		return false;
	}
	for (i = 0; i < r->samples; i++)
		v[i] /= BR_BITS;
	coh_stats_f(v, r->samples, st);
	return true;
}

/* What every point of one measurement shares. */
struct br_sweep {
	const struct coh_opts *o;
	struct br_result *r;
	uint64_t *buf;
	uint64_t seed;		/* of the user-mode patterns, continued */
	uint64_t deadline;	/* coh_now_ns() */
};

/*
 * One point, into @st: a pattern of @len bits (BR_BITS: random), or with
 * @sorted the random bits sorted. User mode fills w->buf, continuing
 * w->seed; the kernel fills its own from llctl's seed, so that the
 * patterns differ between the modes but not their statistics.
 */
static bool point(struct br_sweep *w, long len, bool sorted, struct coh_stats *st)
{
	const struct coh_opts *o = w->o;
	struct br_count scratch, *c = &scratch;

	if ((o->stop && *o->stop) || coh_now_ns() > w->deadline)
		return false;
	if (o->kernel)
		return kernel_passes(o, w->r, len, sorted, st);
	if (sorted)
		probe_branch_sort(w->buf);	/* the random bits of the last point */
	else
		probe_branch_fill(w->buf, len, &w->seed);
	if (len == BR_BITS)	/* a baseline: its counts are reported */
		c = sorted ? &w->r->count_pred : &w->r->count_rnd;
	return time_passes(w->buf, w->r, c, st, o, w->deadline);
}

static void measure(const struct coh_opts *o, uint64_t *buf,
		    struct br_result *r)
{
	uint64_t deadline = coh_now_ns() + COH_TIME_BOUND_S * 1000000000ULL;
	struct br_sweep w = {
		.o = o, .r = r, .buf = buf,
		.seed = 0x9e3779b97f4a7c15ULL, .deadline = deadline,
	};
	long len, next;

	coh_clock(r->cpu, &r->clock);		/* also the warm-up of the core */
	r->ghz = coh_clock_usable_ghz(&r->clock);
	r->timer_ns = coh_timer_res_ns();
	r->stopped = "interrupted";
	if (!point(&w, BR_BITS, false, &r->rnd) ||
	    !point(&w, BR_BITS, true, &r->pred))
		goto out;
	r->have_base = true;
	/* 2, 3, 4, 6, 8, 12, ...: a power of two and the midpoint after it. */
	for (len = BR_LEN_MIN; len <= BR_LEN_MAX && r->npt < BR_POINTS;
	     len = next) {
		next = (len & (len - 1)) ? (len / 3) * 4 : len + len / 2;
		if (!point(&w, len, false, &r->pt[r->npt].ns))
			goto out;
		r->pt[r->npt++].len = len;
		if (o->progress)
			fprintf(stderr, "\rbranch: pattern length %ld ", len);
	}
	r->stopped = NULL;
out:
	if (r->stopped && coh_now_ns() > deadline)
		r->stopped = "time bound";
	if (o->progress)
		fprintf(stderr, "\r%*s\r", 40, "");
}

static double penalty_ns(const struct br_result *r)
{
	/* Random bits: one miss in two branches. */
	return (r->rnd.median - r->pred.median) / 0.5;
}

static bool penalty_valid(const struct br_result *r)
{
	return r->have_base && r->rnd.median > r->pred.median &&
	       penalty_ns(r) > 0;
}

/*
 * The penalty's gates: its ns, and its cycles at a plausible clock (one
 * measurement: when the cycles are implausible, so are the ns).
 */
static bool penalty_plausible(const struct br_result *r, char *why, size_t len)
{
	char g[320];

	if (!llctl_plausible(LLCTL_PLAUS_BRANCH_NS, r->rnd.median, 1, g, sizeof(g)) ||
	    !llctl_plausible(LLCTL_PLAUS_BRANCH_NS, r->pred.median, 1, g, sizeof(g))) {
		snprintf(why, len, "%s (a baseline's median per branch)", g);
		return false;
	}
	if (!llctl_plausible(LLCTL_PLAUS_MISPREDICT_NS, penalty_ns(r), 1, g, sizeof(g))) {
		snprintf(why, len, "%s", g);
		return false;
	}
	if (r->ghz > 0 && !llctl_plausible(LLCTL_PLAUS_MISPREDICT_CYCLES,
					   penalty_ns(r) * r->ghz, 1, g, sizeof(g))) {
		snprintf(why, len, "%s; %.2f ns at the measured %.2f GHz",
			 g, penalty_ns(r), r->ghz);
		return false;
	}
	return true;
}

/* Why the penalty has no cycles: the clock's own reason. */
static const char *clock_why(const struct br_result *r, char *buf, size_t len)
{
	if (r->clock.ghz > 0)
		snprintf(buf, len, "the core clock is implausible (%.2f GHz, %s)",
			 r->clock.ghz, r->clock.note);
	else
		snprintf(buf, len, "the core clock is unknown: %s", r->clock.note);
	return buf;
}

/*
 * "pass_check": user mode's passes against the buffers' set bits; null
 * with the reason in kernel mode, whose pass does not return its count.
 */
static void pass_check_json(struct json_object *o, const struct br_result *r)
{
	struct json_object *c;

	if (r->kernel) {
		json_object_object_add(o, "pass_check", NULL);
		json_object_object_add(o, "pass_check_reason", json_object_new_string(
			"llkm's pass does not return its count of set bits to llctl"));
		return;
	}
	c = json_object_new_object();
	json_object_object_add(c, "passes", json_object_new_int64(r->passes));
	json_object_object_add(c, "miscounted", json_object_new_int64(r->miscounted));
	json_object_object_add(c, "random_set_bits",
			       json_object_new_int64(r->count_rnd.set_bits));
	json_object_object_add(c, "random_taken",
			       json_object_new_int64(r->count_rnd.taken));
	json_object_object_add(c, "sorted_set_bits",
			       json_object_new_int64(r->count_pred.set_bits));
	json_object_object_add(c, "sorted_taken",
			       json_object_new_int64(r->count_pred.taken));
	json_object_object_add(o, "pass_check", c);
}

static struct json_object *jdouble(double v)
{
	return json_object_new_double(v);
}

/* {"min", "median"} of ns per branch, each gated (KEY_reason). */
static struct json_object *jstat(const struct coh_stats *s)
{
	struct json_object *o = json_object_new_object();

	llctl_plaus_json(o, "min", LLCTL_PLAUS_BRANCH_NS, s->min, 1);
	llctl_plaus_json(o, "median", LLCTL_PLAUS_BRANCH_NS, s->median, 1);
	return o;
}

static struct json_object *br_json(const struct br_result *r, long hist,
				   const char *hist_why)
{
	struct json_object *o = json_object_new_object();
	struct json_object *sw = json_object_new_array();
	bool ok = penalty_valid(r);
	int i;

	char why[384];
	bool fact = ok && penalty_plausible(r, why, sizeof(why));

	json_object_object_add(o, "penalty_cycles", fact && r->ghz > 0 ?
			       jdouble(penalty_ns(r) * r->ghz) : NULL);
	json_object_object_add(o, "penalty_ns", fact ? jdouble(penalty_ns(r)) : NULL);
	if (ok && !fact) {
		json_object_object_add(o, "penalty_cycles_reason",
				       json_object_new_string(why));
		json_object_object_add(o, "penalty_ns_reason",
				       json_object_new_string(why));
	} else if (fact && !(r->ghz > 0)) {
		json_object_object_add(o, "penalty_cycles_reason", json_object_new_string(
			clock_why(r, why, sizeof(why))));
	}
	if (!ok)
		json_object_object_add(o, "penalty_reason", json_object_new_string(
			r->have_base ? "random branches were not slower than predictable ones" :
				       "stopped before the penalty was measured"));
	json_object_object_add(o, "history_length",
			       hist > 0 ? json_object_new_int64(hist) : NULL);
	if (hist <= 0)
		json_object_object_add(o, "history_reason",
				       json_object_new_string(hist_why));
	for (i = 0; i < r->npt; i++) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "pattern_length",
				       json_object_new_int64(r->pt[i].len));
		llctl_plaus_json(p, "ns_per_branch", LLCTL_PLAUS_BRANCH_NS,
				 r->pt[i].ns.median, 1);
		llctl_plaus_json(p, "ns_per_branch_min", LLCTL_PLAUS_BRANCH_NS,
				 r->pt[i].ns.min, 1);
		json_object_array_add(sw, p);
	}
	json_object_object_add(o, "sweep", sw);
	if (r->have_base) {
		json_object_object_add(o, "random_ns_per_branch", jstat(&r->rnd));
		json_object_object_add(o, "predictable_ns_per_branch",
				       jstat(&r->pred));
	}
	json_object_object_add(o, "assumed_miss_rate", jdouble(0.5));
	pass_check_json(o, r);
	coh_clock_json(o, &r->clock);
	json_object_object_add(o, "cpu", json_object_new_int(r->cpu));
	json_object_object_add(o, "samples", json_object_new_int(r->samples));
	json_object_object_add(o, "branches_per_sample",
			       json_object_new_int64(BR_BITS));
	llctl_plaus_json(o, "timer_resolution_ns", LLCTL_PLAUS_TIMER_RES_NS,
			 r->timer_ns, 1);
	json_object_object_add(o, "complete", json_object_new_boolean(!r->stopped));
	json_object_object_add(o, "stopped", r->stopped ?
			       json_object_new_string(r->stopped) : NULL);
	return o;
}

static void br_penalty_text(FILE *f, const struct br_result *r)
{
	char why[384], ns[32];

	if (!penalty_plausible(r, why, sizeof(why)))
		fprintf(f, "  misprediction penalty: %s\n", why);
	else if (r->ghz > 0)
		fprintf(f, "  misprediction penalty: %s, %.1f cycles (one miss in two random branches)\n",
			llctl_text_ns(ns, sizeof(ns), penalty_ns(r)), penalty_ns(r) * r->ghz);
	else
		fprintf(f, "  misprediction penalty: %s, cycles unknown (%s)\n",
			llctl_text_ns(ns, sizeof(ns), penalty_ns(r)),
			clock_why(r, why, sizeof(why)));
}

/* A baseline's median (min) per branch, each gated. */
static void br_base_text(FILE *f, const char *name, const struct coh_stats *s)
{
	char med[400], min[400];

	fprintf(f, "  %s %s ns/branch (%s)\n", name,
		llctl_plaus_text(LLCTL_PLAUS_BRANCH_NS, s->median, 1, "%7.3f",
				 med, sizeof(med)),
		llctl_plaus_text(LLCTL_PLAUS_BRANCH_NS, s->min, 1, "%.3f", min,
				 sizeof(min)));
}

/* The sweep's table: "!" for a value outside its gate, the reason under. */
static void br_sweep_text(FILE *f, const struct br_result *r)
{
	char why[320], first[320] = "";
	double v[2];
	int i, k;

	fprintf(f, "  %14s  %11s  %11s\n", "pattern length", "ns/branch", "(min)");
	for (i = 0; i < r->npt; i++) {
		v[0] = r->pt[i].ns.median;
		v[1] = r->pt[i].ns.min;
		fprintf(f, "  %14ld", r->pt[i].len);
		for (k = 0; k < 2; k++) {
			if (llctl_plausible(LLCTL_PLAUS_BRANCH_NS, v[k], 1, why,
					    sizeof(why))) {
				fprintf(f, "  %11.3f", v[k]);
				continue;
			}
			fprintf(f, "  %11s", "!");
			if (!*first)
				snprintf(first, sizeof(first), "%s", why);
		}
		fputc('\n', f);
	}
	if (*first)
		fprintf(f, "  !: not reported, %s\n", first);
}

static void br_text(FILE *f, const struct br_result *r, long hist,
		    const char *hist_why)
{
	char clk[512], n[2][32];

	fprintf(f, "branch: CPU %d, median (min) of %d samples of %u branches\n",
		r->cpu, r->samples, BR_BITS);
	fprintf(f, "  core clock %s\n", coh_clock_text(&r->clock, clk, sizeof(clk)));
	if (r->have_base) {
		br_base_text(f, "random bits     ", &r->rnd);
		br_base_text(f, "the same sorted ", &r->pred);
	}
	if (penalty_valid(r))
		br_penalty_text(f, r);
	else
		fprintf(f, "  misprediction penalty: unknown (%s)\n",
			r->have_base ? "random branches were not slower" : "stopped");
	br_sweep_text(f, r);
	if (hist > 0)
		fprintf(f, "  history: patterns of up to %ld branches are learned\n",
			hist);
	else
		fprintf(f, "  history: unknown (%s)\n", hist_why);
	if (r->stopped)
		fprintf(f, "  stopped early (%s): %d of the sweep's lengths ran\n",
			r->stopped, r->npt);
	if (r->miscounted)
		fprintf(f, "  WRONG: %s of %s passes did not count the buffer's set bits: the branch did not run as written\n",
			llctl_text_count(n[0], sizeof(n[0]), (double)r->miscounted, 0),
			llctl_text_count(n[1], sizeof(n[1]), (double)r->passes, 0));
}

/* PREFIX-branch.svg: time per branch by pattern length. */
static int br_svg(const char *prefix, const struct br_result *r, long hist)
{
	double x[BR_POINTS], y[BR_POINTS], bx[2], ry[2], py[2], mark = hist;
	char label[48];
	const char *ml = label;
	struct coh_series s[3] = {
		{ "repeating pattern", x, y, r->npt },
		{ "random", bx, ry, r->have_base ? 2 : 0 },
		{ "sorted", bx, py, r->have_base ? 2 : 0 },
	};
	struct coh_chart c = {
		.title = "llctl coherency branch: time per branch by pattern length (median)",
		.xlabel = "pattern length (branches)", .ylabel = "ns per branch",
		.s = s, .ns = 3, .mark = &mark, .mark_label = &ml,
		.nmarks = hist > 0,
	};
	int i;

	for (i = 0; i < r->npt; i++) {
		x[i] = r->pt[i].len;
		y[i] = coh_plaus_or_nan(LLCTL_PLAUS_BRANCH_NS, r->pt[i].ns.median, 1);
	}
	bx[0] = BR_LEN_MIN;
	bx[1] = r->npt ? x[r->npt - 1] : BR_LEN_MAX;
	ry[0] = ry[1] = coh_plaus_or_nan(LLCTL_PLAUS_BRANCH_NS, r->rnd.median, 1);
	py[0] = py[1] = coh_plaus_or_nan(LLCTL_PLAUS_BRANCH_NS, r->pred.median, 1);
	snprintf(label, sizeof(label), "history %ld", hist);
	return coh_svg_charts(prefix, "branch", &c, 1);
}

static int branch_run(const struct coh_opts *o, struct json_object *tests,
		      FILE *text)
{
	struct br_result r = { 0 };
	const char *why = "stopped before the sweep";
	long lens[BR_POINTS], hist = -1;
	double ys[BR_POINTS];
	struct coh_pin pin = { 0 };
	uint64_t *buf = NULL;
	int i, err, ret = 1;

	if (coh_samples(o->samples, "branch", &r.samples))
		return 1;
	r.cpu = o->cpus && o->ncpus > 0 ? o->cpus[0] : 0;
	r.kernel = o->kernel;
	buf = malloc(BR_BITS / 8);
	if (!buf) {
		llctl_err("Unable to allocate the branch test's buffer: %s",
			  strerror(ENOMEM));
		goto cleanup;
	}
	err = coh_pin(r.cpu, &pin);
	if (err) {
		llctl_err("Unable to pin the branch test to CPU %d: %s", r.cpu,
			  strerror(-err));
		goto cleanup;
	}
	measure(o, buf, &r);
	coh_unpin(&pin);
	if (r.err) {
		llctl_err("Unable to run the branch test in llkm: %s",
			  coh_kernel_strerror(r.err));
		goto cleanup;
	}
	for (i = 0; i < r.npt; i++) {
		lens[i] = r.pt[i].len;
		ys[i] = r.pt[i].ns.median;
	}
	if (r.have_base && r.npt)
		hist = coh_history_length(lens, ys, r.npt, r.pred.median,
					  r.rnd.median, &why);
	if (hist < 0 && r.stopped && why && strstr(why, "every pattern"))
		why = "stopped before the jump";
	json_object_object_add(tests, coh_test_branch.key,
			       br_json(&r, hist, why));
	if (text)
		br_text(text, &r, hist, why);
	ret = o->svg && br_svg(o->svg, &r, hist) ? 1 : 0;
	if (r.miscounted) {
		llctl_err("The branch test's passes miscounted: %llu of %llu did not return the buffer's set bits, so the branch did not run as written on this CPU",
			  (unsigned long long)r.miscounted,
			  (unsigned long long)r.passes);
		ret = 1;
	}
cleanup:
	coh_unpin(&pin);
	free(buf);
	return ret;
}
#else
static int branch_run(const struct coh_opts *o, struct json_object *tests,
		      FILE *text)
{
	(void)o, (void)tests, (void)text;
	return coh_not_here("branch", "its pass is written for x86-64 and arm64");
}
#endif

const struct coh_test coh_test_branch = {
	.name = "branch",
	.key = "branch",
	.summary = "Branch misprediction penalty and the predictor's history length",
	.has_kernel_mode = true,
	.run = branch_run,
};
