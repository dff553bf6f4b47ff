// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency --test false-sharing: N writers each incrementing its
 * own u64 (probe_fs_write*() in kmod/probe_fs.h), once with the u64s
 * side by side on one 64-byte line and once a probe_line (128 bytes)
 * each. No writer shares data with another, so any difference is the
 * line moving between their caches.
 *
 * In user threads a run lasts a fixed time (--runtime), not a fixed
 * count: with a count, the writer that holds the line more often
 * finishes first and the other then runs alone, uncontended, which
 * hides the very cost measured (a run of 10^6 increments lasts 0.3 ms,
 * within the threads' start-up skew). Each run says how much its writers
 * really ran together (coh_fs_overlap()); a pair of runs counts only when
 * both overlapped COH_FS_MIN_OVERLAP.
 *
 * Runs alternate shared, padded, shared, ... after a warm-up pair, the
 * writers released together each time; each run's rate is the sum of the
 * writers' own rates (increments over their own time), and the report
 * gives the median of each layout over the pairs that count, and their
 * ratio, the slowdown: from at least COH_FS_MIN_PAIRS pairs whose own
 * slowdowns agree within COH_FS_MAX_SPREAD, else none, flagged
 * (coh_fs_verdict()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "coherency/coherency.h"
#include "coherency/kernel-run.h"
#include "coherency/run.h"
#include "coherency/stats.h"
#include "coherency/team.h"
#include "lib/plausible.h"
#include "lib/text.h"
#include "lib/util.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_fs.h"

#define DEF_INCREMENTS	1000000		/* kernel: per writer and batch */
#define DEF_RUN_MS	20		/* user: a run's length */
#define REPS		5
/* Kernel runs shorter than this are the start's skew and the clock's cost. */
#define MIN_RUN_S	50e-6

/* A user-mode measurement: what its runs share, and the run's writers. */
struct fs_user {
	const int *cpus;		/* the writers', in order */
	double tsc_khz;
	const volatile int *stop;	/* Ctrl-C */
	struct probe_line *lines;	/* COH_FS_WRITERS_MAX, 128-aligned */
	bool padded;
	uint64_t ticks;			/* a run's length in TSC ticks */
	struct coh_fs_writer w[COH_FS_WRITERS_MAX];
	int writers;
	int arrived;		/* the start line, atomic */
};

/*
 * Spin until every writer is here: they start within a cache-line
 * transfer of each other, not a wake-up apart, so none of them runs
 * alone for a while. 0, or -1 when stopped.
 */
static int start_line(struct fs_user *u, const int *stop)
{
	struct probe_spin spin;

	probe_spin_start(&spin);
	__atomic_add_fetch(&u->arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&u->arrived, __ATOMIC_ACQUIRE) < u->writers) {
		if (READ_ONCE(*stop) || probe_spin_over(&spin))
			return -1;
		cpu_relax();
	}
	return 0;
}

/* This thread's CPU time, ns: what it ran, not what it waited. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int fs_thread(struct coh_team *t, int tid)
{
	struct fs_user *u = t->arg;
	struct coh_fs_writer *w = &u->w[tid];
	uint64_t *slot = u->padded ? &u->lines[tid].v :
				     (uint64_t *)&u->lines[0] + tid;
	uint64_t cpu0;

	if (start_line(u, &t->stop))
		return -1;
	cpu0 = thread_cpu_ns();
	w->t0 = probe_tsc_begin();
	w->n = probe_fs_write_until(slot, w->t0 + u->ticks, &t->stop);
	w->t1 = probe_tsc_end();
	w->cpu_ns = thread_cpu_ns() - cpu0;
	return 0;
}

double coh_fs_overlap(const struct coh_fs_writer *w, int n, double tsc_khz)
{
	uint64_t first = UINT64_MAX, last = 0, lo = 0, hi = UINT64_MAX;
	double off = 0, span_ns;
	int i;

	for (i = 0; i < n; i++) {
		if (w[i].t1 <= w[i].t0 || tsc_khz <= 0)
			return 0;
		first = w[i].t0 < first ? w[i].t0 : first;
		last = w[i].t1 > last ? w[i].t1 : last;
		lo = w[i].t0 > lo ? w[i].t0 : lo;
		hi = w[i].t1 < hi ? w[i].t1 : hi;
		span_ns = (w[i].t1 - w[i].t0) * 1e6 / tsc_khz;
		if (w[i].cpu_ns < span_ns)
			off += 1 - w[i].cpu_ns / span_ns;
	}
	if (n < 1 || hi <= lo || off >= 1)
		return 0;
	return (double)(hi - lo) / (last - first) * (1 - off);
}

/* One run: all writers' operations per second, and how they overlapped. */
static int fs_run(struct fs_user *u, double *ops, double *overlap)
{
	struct coh_team t = {
		.n = u->writers, .cpus = u->cpus, .fn = fs_thread, .arg = u,
		.user_stop = u->stop,
	};
	double tsc_khz = u->tsc_khz;
	int i, ret;

	*ops = *overlap = 0;
	u->arrived = 0;
	memset(u->lines, 0, COH_FS_WRITERS_MAX * sizeof(*u->lines));
	memset(u->w, 0, sizeof(u->w));
	ret = coh_team_run(&t);
	if (ret)
		return ret;
	for (i = 0; i < u->writers; i++)
		*ops += u->w[i].n / ((u->w[i].t1 - u->w[i].t0) /
				     (tsc_khz * 1e3));
	*overlap = coh_fs_overlap(u->w, u->writers, tsc_khz);
	return 0;
}

static double median(double *v, int n)
{
	struct coh_stats st;

	coh_stats_f(v, n, &st);
	return st.median;
}

/* A pair of runs, one of each layout: 0, or -errno as coh_team_run(). */
static int fs_pair(struct fs_user *u, double *shared, double *padded,
		   double *overlap)
{
	double o;
	int ret;

	u->padded = false;
	ret = fs_run(u, shared, overlap);
	if (ret)
		return ret;
	u->padded = true;
	ret = fs_run(u, padded, &o);
	if (o < *overlap)
		*overlap = o;
	return ret;
}

int coh_fs_measure_user(const int *cpus, int writers, unsigned int run_ms,
			int reps, const volatile int *stop,
			struct coh_fs_result *r)
{
	struct fs_user u = { .cpus = cpus, .stop = stop, .writers = writers };
	double s[REPS], p[REPS], khz, ov, d1, d2, sl;
	int i, ret;

	memset(r, 0, sizeof(*r));
	if (writers < 1 || writers > COH_FS_WRITERS_MAX || reps < 1 ||
	    !run_ms || run_ms > COH_FS_RUN_MS_MAX)
		return -EINVAL;
	if (reps > REPS)
		reps = REPS;
	if (coh_tsc_rate(&khz, r->why, sizeof(r->why)))
		return -EDOM;
	u.tsc_khz = khz;
	u.lines = aligned_alloc(PROBE_LINE_SIZE,
				COH_FS_WRITERS_MAX * sizeof(*u.lines));
	if (!u.lines)
		return -ENOMEM;
	/* The warm-up pair, a tenth as long: caches, page faults, clocks. */
	u.ticks = (uint64_t)(khz * run_ms / 10);
	ret = fs_pair(&u, &d1, &d2, &ov);
	u.ticks = (uint64_t)(khz * run_ms);
	for (i = 0; i < reps && !ret; i++) {
		ret = fs_pair(&u, &s[r->used], &p[r->used], &ov);
		if (ret)
			break;
		r->pairs++;
		if (ov < COH_FS_MIN_OVERLAP) {
			if (ov > r->best_unused)
				r->best_unused = ov;
			continue;
		}
		sl = p[r->used] / s[r->used];
		if (!r->used || ov < r->overlap)
			r->overlap = ov;
		if (!r->used || sl < r->lo)
			r->lo = sl;
		if (!r->used || sl > r->hi)
			r->hi = sl;
		r->used++;
	}
	free(u.lines);
	if (r->used) {
		r->shared = median(s, r->used);
		r->padded = median(p, r->used);
	}
	return ret;
}

const char *coh_fs_verdict(const struct coh_fs_result *r)
{
	if (r->used < COH_FS_MIN_PAIRS)
		return "not_overlapped";
	if (r->hi > r->lo * COH_FS_MAX_SPREAD)
		return "unstable";
	return NULL;
}

/* Kernel mode: SAMPLES are each writer's TSC ticks per batch. */
static int measure_kernel(const struct coh_opts *o, int writers, uint64_t n,
			  bool padded, double *ops)
{
	uint32_t cpus[COH_FS_WRITERS_MAX];
	struct coh_kernel_req req = {
		.kind = LLKM_PROBE_FALSE_SHARING,
		.flags = padded ? LLKM_PROBE_F_PADDED : 0,
		.cpus = cpus, .ncpus = writers, .iterations = n,
		.batches = 1 + REPS,
		.stop = o->stop,
	};
	struct coh_kernel_result res;
	double v[REPS];
	unsigned int b, i, nb, done;
	int ret;

	for (i = 0; i < (unsigned int)writers; i++)
		cpus[i] = o->cpus[i];
	ret = coh_kernel_run(o->nl, &req, &res);
	if (ret)
		return ret;
	nb = res.nsamples / writers;
	if (nb < 2 || !res.tsc_khz) {
		ret = res.stopped ? -EINTR : -EPROTO;
		goto out;
	}
	/*
	 * Batch 0 is the warm-up. A run stopped mid-batch may leave a
	 * writer's last sample unwritten (0): that batch is not counted.
	 */
	for (b = 1, done = 0; b < nb; b++) {
		v[done] = 0;
		for (i = 0; i < (unsigned int)writers; i++) {
			if (!res.samples[b * writers + i])
				break;
			v[done] += n / (res.samples[b * writers + i] /
					(res.tsc_khz * 1e3));
		}
		if (i == (unsigned int)writers)
			done++;
	}
	if (!done) {
		ret = -EINTR;
		goto out;
	}
	*ops = median(v, done);
out:
	coh_kernel_result_free(&res);
	return ret;
}

/* What one test ran and measured, for the JSON and the text. */
struct fs_report {
	int writers;
	uint64_t n;		/* kernel: increments per writer and batch */
	unsigned int run_ms;	/* user: a run's length */
	struct coh_fs_result r;
	bool stopped;
	const char *flag;	/* "too_short", "not_overlapped", "unstable" */
};

/* User mode's slowdown is not to be reported (coh_fs_verdict()). */
static bool user_flagged(const struct coh_opts *o, const struct fs_report *f)
{
	return !o->kernel && f->flag;
}

static struct json_object *json_num(bool ok, double v)
{
	return ok ? json_object_new_double(v) : NULL;
}

/*
 * Whether a measured rate of @f is implausible (LLCTL_PLAUS_FS_OPS_RATE,
 * per writer): then true, and @why says which and why.
 */
static bool fs_rate_implausible(const struct fs_report *f, char *why, size_t len)
{
	char g[320];

	if (f->r.shared > 0 &&
	    !llctl_plausible(LLCTL_PLAUS_FS_OPS_RATE, f->r.shared, f->writers, g, sizeof(g))) {
		snprintf(why, len, "one line's rate is %s", g);
		return true;
	}
	if (f->r.padded > 0 &&
	    !llctl_plausible(LLCTL_PLAUS_FS_OPS_RATE, f->r.padded, f->writers, g, sizeof(g))) {
		snprintf(why, len, "a line each's rate is %s", g);
		return true;
	}
	return false;
}

static void fs_json(const struct coh_opts *o, const struct fs_report *f,
		    struct json_object *tests)
{
	const struct coh_fs_result *r = &f->r;
	bool both = r->shared > 0 && r->padded > 0 && !user_flagged(o, f);
	struct json_object *j, *cpus, *range = NULL;
	char why[320];
	int i;

	j = json_object_new_object();
	cpus = json_object_new_array();
	for (i = 0; i < f->writers; i++)
		json_object_array_add(cpus, json_object_new_int(o->cpus[i]));
	json_object_object_add(j, "writers", json_object_new_int(f->writers));
	json_object_object_add(j, "cpus", cpus);
	json_object_object_add(j, "increments_per_writer", o->kernel ?
			       json_object_new_uint64(f->n) : NULL);
	json_object_object_add(j, "runtime_ms", o->kernel ? NULL :
			       json_object_new_int(f->run_ms));
	/* Gated (null and KEY_reason), and the slowdown only of two rates. */
	if (r->shared > 0)
		both &= llctl_plaus_json(j, "shared_ops_per_s", LLCTL_PLAUS_FS_OPS_RATE,
					 r->shared, f->writers);
	else
		json_object_object_add(j, "shared_ops_per_s", NULL);
	if (r->padded > 0)
		both &= llctl_plaus_json(j, "padded_ops_per_s", LLCTL_PLAUS_FS_OPS_RATE,
					 r->padded, f->writers);
	else
		json_object_object_add(j, "padded_ops_per_s", NULL);
	if (both) {
		llctl_plaus_json(j, "slowdown", LLCTL_PLAUS_FS_SLOWDOWN,
				 r->padded / r->shared, 1);
	} else {
		json_object_object_add(j, "slowdown", NULL);
		if (fs_rate_implausible(f, why, sizeof(why)))
			json_object_object_add(j, "slowdown_reason",
					       json_object_new_string(why));
	}
	if (!o->kernel && r->used) {
		range = json_object_new_array();
		json_object_array_add(range, json_object_new_double(r->lo));
		json_object_array_add(range, json_object_new_double(r->hi));
	}
	json_object_object_add(j, "slowdown_range", range);
	json_object_object_add(j, "overlap",
			       json_num(!o->kernel && r->used, r->overlap));
	json_object_object_add(j, "pairs_used", o->kernel ? NULL :
			       json_object_new_int(r->used));
	json_object_object_add(j, "stopped", json_object_new_boolean(f->stopped));
	json_object_object_add(j, "flag", f->flag ?
			       json_object_new_string(f->flag) : NULL);
	json_object_object_add(tests, coh_test_false_sharing.key, j);
}

static void fs_text(const struct coh_opts *o, const struct fs_report *f,
		    FILE *text)
{
	const struct coh_fs_result *r = &f->r;
	char sl[320], sh[400], pd[400], why[400], n[32];
	int i;

	fprintf(text, "false-sharing: %d writers on CPUs", f->writers);
	for (i = 0; i < f->writers; i++)
		fprintf(text, "%s%d", i ? "," : " ", o->cpus[i]);
	if (o->kernel)
		fprintf(text, ", %s increments each per batch",
			llctl_text_u64(n, sizeof(n), f->n));
	else
		fprintf(text, ", %u ms a run", f->run_ms);
	fprintf(text, "%s\n", f->stopped ? "; stopped early" : "");
	if (r->shared > 0 && r->padded > 0) {
		fprintf(text, "  one line    %s\n  a line each %s\n",
			llctl_plaus_text(LLCTL_PLAUS_FS_OPS_RATE, r->shared, f->writers,
					 "%12.4g ops/s", sh, sizeof(sh)),
			llctl_plaus_text(LLCTL_PLAUS_FS_OPS_RATE, r->padded, f->writers,
					 "%12.4g ops/s", pd, sizeof(pd)));
		if (fs_rate_implausible(f, why, sizeof(why)))
			fprintf(text, "  slowdown    not reported: %s\n", why);
		else if (!user_flagged(o, f))
			fprintf(text, "  slowdown    %s (padded / shared, median of %d %s)\n",
				llctl_plaus_text(LLCTL_PLAUS_FS_SLOWDOWN,
						 r->padded / r->shared, 1, "%12.2fx",
						 sl, sizeof(sl)),
				o->kernel ? REPS : r->used,
				o->kernel ? "batches each" : "pairs of runs");
		else if (!strcmp(f->flag, "unstable"))
			fprintf(text, "  slowdown    not stable: its pairs of runs gave %.2fx to %.2fx, more than %.1fx apart;\n"
				"              another load on these CPUs? (a longer --runtime evens it out)\n",
				r->lo, r->hi, COH_FS_MAX_SPREAD);
		else
			fprintf(text, "  slowdown    not measured: %d pairs of runs overlapped, %d needed\n",
				r->used, COH_FS_MIN_PAIRS);
		if (!o->kernel)
			fprintf(text, "  overlap     %12s (the least of the runs used; %d of %d pairs used)\n",
				llctl_text_pct(sh, sizeof(sh), r->overlap * 100, 1), r->used,
				r->pairs);
	} else if (!o->kernel && r->pairs) {
		fprintf(text, "  not measured: no pair of runs overlapped %s (the best %s):\n"
			"  the writers did not run together; is another load on these CPUs?\n",
			llctl_text_pct(sh, sizeof(sh), COH_FS_MIN_OVERLAP * 100, 0),
			llctl_text_pct(pd, sizeof(pd), r->best_unused * 100, 0));
	} else {
		fprintf(text, "  no complete pair of runs\n");
	}
	if (f->flag && !strcmp(f->flag, "too_short"))
		fprintf(text, "  note: a batch took under %s, too short to trust; use more --iterations\n",
			llctl_text_ns(sh, sizeof(sh), MIN_RUN_S * 1e9));
}

/* Runs the test in @o's mode into @f: 0, or -errno. */
static int fs_measure(const struct coh_opts *o, struct fs_report *f)
{
	int ret;

	if (!o->kernel)
		return coh_fs_measure_user(o->cpus, f->writers, f->run_ms,
					   REPS, o->stop, &f->r);
	ret = measure_kernel(o, f->writers, f->n, false, &f->r.shared);
	if (!ret)
		ret = measure_kernel(o, f->writers, f->n, true, &f->r.padded);
	return ret;
}

static int fs_run_test(const struct coh_opts *o, struct json_object *tests,
		       FILE *text)
{
	struct fs_report f = {
		.writers = o->ncpus < COH_FS_WRITERS_MAX ? o->ncpus :
							   COH_FS_WRITERS_MAX,
		.n = o->iterations ? o->iterations : DEF_INCREMENTS,
		.run_ms = o->runtime_ms ? o->runtime_ms : DEF_RUN_MS,
	};
	int ret;

	if (f.writers < 2) {
		llctl_err("Unable to run false-sharing: it needs 2 CPUs, --cpus gives %d",
			  o->ncpus);
		return 1;
	}
	ret = fs_measure(o, &f);
	if (ret == -EINTR || ret == -ETIMEDOUT) {
		f.stopped = true;
		if (ret == -ETIMEDOUT)
			llctl_err("Stopped false-sharing at the %d s time limit: use %s",
				  COH_TIME_LIMIT_MS / 1000, o->kernel ?
				  "fewer --iterations" : "a shorter --runtime");
		ret = 0;
	}
	if (ret) {
		llctl_err("Unable to run false-sharing: %s",
			  o->kernel ? coh_kernel_strerror(ret) :
			  ret == -EDOM ? f.r.why : strerror(-ret));
		return 1;
	}
	/* Kernel: the padded batches are the shorter, n at padded / writers. */
	if (o->kernel && f.r.padded > 0 &&
	    f.n * f.writers / f.r.padded < MIN_RUN_S)
		f.flag = "too_short";
	else if (!o->kernel && f.r.pairs)
		f.flag = coh_fs_verdict(&f.r);
	fs_json(o, &f, tests);
	if (text)
		fs_text(o, &f, text);
	return 0;
}

const struct coh_test coh_test_false_sharing = {
	.name = "false-sharing",
	.key = "false_sharing",
	.summary = "Writers on one cache line against a line each: ops/s and slowdown",
	.has_kernel_mode = true,
	.run = fs_run_test,
};
