// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency --test c2c: the core-to-core latency of a cache line,
 * for every pair of CPUs (or --pairs), by ping-pong on one line
 * (probe_c2c_ping()/probe_c2c_pong() in kmod/probe_c2c.h).
 *
 * Trust: each pair gets a fresh line, on a page mapped for it and first
 * touched by its ping CPU, so no third core holds a copy; a warm-up precedes the batches; the value
 * is the median over batches of the round trip, halved: "one-way" is
 * round trip / 2, which assumes both directions cost the same. CPUs are
 * ordered by package and core, so SMT siblings sit together. A one-way
 * time below PLAUSIBLE_NS is not a transfer between two cores' caches and
 * is flagged, not printed.
 */
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <json-c/json.h>

#include "coherency/coherency.h"
#include "coherency/cpus.h"
#include "coherency/kernel-run.h"
#include "coherency/run.h"
#include "coherency/stats.h"
#include "coherency/team.h"
#include "lib/cpus.h"
#include "lib/svg.h"
#include "lib/plausible.h"
#include "lib/text.h"
#include "lib/util.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_c2c.h"

#define DEF_ROUND_TRIPS	5000	/* per pair */
#define BATCHES		50
#define WARM_BATCHES	5

struct c2c_pair {
	int a, b;		/* ping on a, pong on b */
};

static struct c2c_pair *sel_pairs;	/* --pairs, or NULL */
static int sel_npairs;

int coh_c2c_set_pairs(const char *root, const char *list)
{
	struct c2c_pair *v = NULL, *nv;
	const char *p = list;
	int *online = NULL, nonline, n = 0, i, a, b, len;
	int ret = -1;

	if (!list) {
		free(sel_pairs);
		sel_pairs = NULL;
		sel_npairs = 0;
		return 0;
	}
	nonline = llctl_cpus_online(root, &online);
	if (nonline < 0) {
		llctl_err("Unable to read the online CPUs");
		return -1;
	}
	for (;;) {
		if (sscanf(p, "%d:%d%n", &a, &b, &len) != 2 || a < 0 || b < 0 ||
		    (p[len] && p[len] != ',')) {
			llctl_err("Unable to use --pairs '%s': not a pair list (like 0:1,0:2)",
				  list);
			goto out;
		}
		if (a == b) {
			llctl_err("Unable to use --pairs '%s': %d:%d is one CPU, not a pair",
				  list, a, b);
			goto out;
		}
		for (i = 0; i < nonline && online[i] != a; i++)
			;
		if (i == nonline) {
			llctl_err("Unable to use --pairs '%s': CPU %d is not online", list, a);
			goto out;
		}
		for (i = 0; i < nonline && online[i] != b; i++)
			;
		if (i == nonline) {
			llctl_err("Unable to use --pairs '%s': CPU %d is not online", list, b);
			goto out;
		}
		for (i = 0; i < n; i++)
			if ((v[i].a == a && v[i].b == b) ||
			    (v[i].a == b && v[i].b == a)) {
				llctl_err("Unable to use --pairs '%s': %d:%d is named twice",
					  list, a, b);
				goto out;
			}
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			llctl_err("Unable to use --pairs: out of memory");
			goto out;
		}
		v = nv;
		v[n++] = (struct c2c_pair){ a, b };
		if (!p[len])
			break;
		p += len + 1;
	}
	free(sel_pairs);
	sel_pairs = v;
	sel_npairs = n;
	v = NULL;
	ret = 0;
out:
	free(v);
	free(online);
	return ret;
}

struct c2c_user {
	struct probe_line *line;
	uint64_t trips;		/* per batch */
	uint64_t *samples;	/* BATCHES */
	int ready;		/* ping has touched the line first */
};

static int c2c_thread(struct coh_team *t, int tid)
{
	struct c2c_user *u = t->arg;
	struct probe_spin spin;
	uint64_t cycles;
	int b;

	if (tid == 0) {
		/* Faults the page in on ping's CPU: nobody else had it. */
		WRITE_ONCE(u->line->v, 0);
		smp_store_release(&u->ready, 1);
	} else {
		probe_spin_start(&spin);
		/* Pairs with the smp_store_release() above. */
		while (!smp_load_acquire(&u->ready)) {
			if (READ_ONCE(t->stop) || probe_spin_over(&spin))
				return -1;
			cpu_relax();
		}
	}
	for (b = -WARM_BATCHES; b < BATCHES; b++) {
		if (tid) {
			if (probe_c2c_pong(u->line, u->trips, &t->stop))
				return -1;
			continue;
		}
		cycles = probe_c2c_ping(u->line, u->trips, &t->stop);
		if (!cycles)
			return -1;
		if (b >= 0)
			u->samples[b] = cycles;
	}
	return 0;
}

/*
 * One pair on a line of its own page, mapped for it: the median round
 * trip in TSC ticks into *rt; 0, or -errno as coh_team_run().
 */
static int measure_user(const struct coh_opts *o, const struct c2c_pair *p,
			uint64_t trips, double *rt)
{
	uint64_t samples[BATCHES];
	struct c2c_user u = { .trips = trips, .samples = samples };
	int cpus[2] = { p->a, p->b };
	struct coh_team t = {
		.n = 2, .cpus = cpus, .fn = c2c_thread, .arg = &u,
		.user_stop = o->stop,
	};
	size_t len = sysconf(_SC_PAGESIZE);
	struct coh_stats st;
	int ret;

	u.line = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u.line == MAP_FAILED)
		return -errno;
	ret = coh_team_run(&t);
	munmap(u.line, len);
	if (ret)
		return ret;
	coh_stats_u64(samples, BATCHES, &st);
	*rt = st.median / trips;
	return 0;
}

static int measure_kernel(const struct coh_opts *o, const struct c2c_pair *p,
			  uint64_t trips, double *rt, double *tsc_khz)
{
	uint32_t cpus[2] = { p->a, p->b };
	struct coh_kernel_req req = {
		.kind = LLKM_PROBE_C2C, .cpus = cpus, .ncpus = 2,
		.iterations = trips, .batches = WARM_BATCHES + BATCHES,
		.stop = o->stop,
	};
	struct coh_kernel_result res;
	struct coh_stats st;
	int ret;

	ret = coh_kernel_run(o->nl, &req, &res);
	if (ret)
		return ret;
	if (res.stopped || res.nsamples <= WARM_BATCHES || !res.tsc_khz) {
		ret = res.stopped ? -EINTR : -EPROTO;
		goto out;
	}
	*tsc_khz = res.tsc_khz;
	coh_stats_u64(res.samples + WARM_BATCHES,
		      res.nsamples - WARM_BATCHES, &st);
	*rt = st.median / trips;
out:
	coh_kernel_result_free(&res);
	return ret;
}

struct c2c_report {
	int *cpus;		/* the matrix's rows and columns */
	int n;
	double *ns;		/* one-way, n x n; negative: not measured */
	bool *flagged;		/* implausible */
	uint64_t trips;
	double tsc_khz;
	int pairs_done, npairs;
	bool stopped;
	double timer;		/* TSC ticks of a serialised read pair */
	bool short_batches;	/* the timer is over 1 % of a batch */
};

static int index_of(const struct c2c_report *r, int cpu)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->cpus[i] == cpu)
			return i;
	return -1;
}

/* The pairs to measure, and the CPUs of the matrix in topology order. */
static int plan(const struct coh_opts *o, struct c2c_report *r,
		struct c2c_pair **pairs)
{
	int i, j, k = 0;

	if (sel_pairs) {
		r->cpus = calloc(2 * sel_npairs, sizeof(int));
		*pairs = malloc(sel_npairs * sizeof(**pairs));
		if (!r->cpus || !*pairs)
			return -1;
		memcpy(*pairs, sel_pairs, sel_npairs * sizeof(**pairs));
		for (i = 0; i < sel_npairs; i++) {
			if (index_of(r, sel_pairs[i].a) < 0)
				r->cpus[r->n++] = sel_pairs[i].a;
			if (index_of(r, sel_pairs[i].b) < 0)
				r->cpus[r->n++] = sel_pairs[i].b;
		}
		r->npairs = sel_npairs;
	} else {
		r->n = o->ncpus;
		r->cpus = malloc(r->n * sizeof(int));
		r->npairs = r->n * (r->n - 1) / 2;
		*pairs = malloc((r->npairs ? r->npairs : 1) * sizeof(**pairs));
		if (!r->cpus || !*pairs)
			return -1;
		memcpy(r->cpus, o->cpus, r->n * sizeof(int));
	}
	coh_cpus_sort_topology(NULL, r->cpus, r->n);
	if (!sel_pairs)
		for (i = 0; i < r->n; i++)
			for (j = i + 1; j < r->n; j++)
				(*pairs)[k++] = (struct c2c_pair){ r->cpus[i],
								   r->cpus[j] };
	r->ns = malloc(r->n * r->n * sizeof(double));
	r->flagged = calloc(r->n * r->n, sizeof(bool));
	if (!r->ns || !r->flagged)
		return -1;
	for (i = 0; i < r->n * r->n; i++)
		r->ns[i] = -1;
	return 0;
}

static void set_cell(struct c2c_report *r, int a, int b, double ns)
{
	int i = index_of(r, a), j = index_of(r, b);

	r->ns[i * r->n + j] = r->ns[j * r->n + i] = ns;
	char why[320];

	r->flagged[i * r->n + j] = r->flagged[j * r->n + i] =
		!llctl_plausible(LLCTL_PLAUS_C2C_NS, ns, 1, why, sizeof(why));
}

static struct json_object *c2c_json(const struct c2c_report *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cpus = json_object_new_array();
	struct json_object *m = json_object_new_array();
	struct json_object *flagged = json_object_new_array();
	char why[320];
	int i, j;

	for (i = 0; i < r->n; i++) {
		struct json_object *row = json_object_new_array();

		json_object_array_add(cpus, json_object_new_int(r->cpus[i]));
		for (j = 0; j < r->n; j++) {
			double v = r->ns[i * r->n + j];

			json_object_array_add(row, v < 0 || r->flagged[i * r->n + j] ?
					      NULL : json_object_new_double(v));
			if (j > i && r->flagged[i * r->n + j]) {
				struct json_object *f = json_object_new_object();
				struct json_object *p = json_object_new_array();

				json_object_array_add(p, json_object_new_int(r->cpus[i]));
				json_object_array_add(p, json_object_new_int(r->cpus[j]));
				json_object_object_add(f, "cpus", p);
				json_object_object_add(f, "ns", json_object_new_double(v));
				llctl_plausible(LLCTL_PLAUS_C2C_NS, v, 1, why, sizeof(why));
				json_object_object_add(f, "reason", json_object_new_string(why));
				json_object_array_add(flagged, f);
			}
		}
		json_object_array_add(m, row);
	}
	json_object_object_add(o, "cpus", cpus);
	json_object_object_add(o, "latency_ns", m);
	json_object_object_add(o, "definition",
			       json_object_new_string("one-way: median round trip / 2"));
	json_object_object_add(o, "round_trips_per_pair",
			       json_object_new_uint64(r->trips * BATCHES));
	json_object_object_add(o, "tsc_khz", json_object_new_double(r->tsc_khz));
	json_object_object_add(o, "pairs", json_object_new_int(r->npairs));
	json_object_object_add(o, "pairs_done", json_object_new_int(r->pairs_done));
	json_object_object_add(o, "flagged", flagged);
	json_object_object_add(o, "flag", r->short_batches ?
			       json_object_new_string("short_batches") : NULL);
	json_object_object_add(o, "stopped", json_object_new_boolean(r->stopped));
	return o;
}

static void c2c_text(FILE *f, const struct c2c_report *r)
{
	char lo[32], hi[32], n[32];
	bool flagged = false;
	int i, j;

	fprintf(f, "c2c: one-way latency in ns = median round trip / 2 (%s"
		" round trips per pair), CPUs by package and core (SMT siblings together)%s\n",
		llctl_text_count(n, sizeof(n), (double)(r->trips * BATCHES), 0),
		r->stopped ? "; stopped early" : "");
	fprintf(f, "%6s", "");
	for (j = 0; j < r->n; j++)
		fprintf(f, " %6d", r->cpus[j]);
	fputc('\n', f);
	for (i = 0; i < r->n; i++) {
		fprintf(f, "%6d", r->cpus[i]);
		for (j = 0; j < r->n; j++) {
			double v = r->ns[i * r->n + j];

			if (i == j)
				fprintf(f, " %6s", "-");
			else if (v < 0)
				fprintf(f, " %6s", ".");
			else if (r->flagged[i * r->n + j])
				fprintf(f, " %6s", "!"), flagged = true;
			else
				fprintf(f, " %6.1f", v);
		}
		fputc('\n', f);
	}
	if (flagged)
		fprintf(f, "!: implausible, outside %s to %s: not reported (%s)\n",
			llctl_text_ns(lo, sizeof(lo), llctl_plaus_bound(LLCTL_PLAUS_C2C_NS)->lo),
			llctl_text_ns(hi, sizeof(hi), llctl_plaus_bound(LLCTL_PLAUS_C2C_NS)->hi),
			llctl_plaus_bound(LLCTL_PLAUS_C2C_NS)->why);
	if (r->short_batches)
		fprintf(f, "note: %s round trips per batch are too few: reading the clock (%.0f ticks)\n"
			"      is over 1%% of a batch; use --iterations %d or more\n",
			llctl_text_count(n, sizeof(n), (double)r->trips, 0), r->timer,
			100 * BATCHES);
}

/*
 * The heat map's legend: the fastest and slowest pair's colours, or one
 * value and a note when every pair prints the same (no range to map).
 */
#define C2C_GREY	1	/* an implausible pair is drawn */
#define C2C_BLANK	2	/* a pair was not measured */
#define C2C_LOG		4	/* the colours map log(ns): the pairs span > 10x */

/*
 * Where @v lies on the colour scale, 0 (@lo) to 1 (@hi): by log(v) when the
 * values span more than LLCTL_SVG_LOG_RATIO (an SMT sibling at 5 ns and a
 * remote socket at 150 ns would leave every other pair one colour),
 * linearly otherwise, mid-scale when there is no range.
 */
static double c2c_shade(double v, double lo, double hi, unsigned int cells)
{
	if (!(hi > lo))
		return 0.5;
	if (cells & C2C_LOG)
		return log(v / lo) / log(hi / lo);
	return (v - lo) / (hi - lo);
}

static int c2c_legend(struct llctl_svg_legend_item *it, char (*buf)[64], char (*col)[8],
		      double lo, double hi, unsigned int cells)
{
	int n = 0;

	if (lo < 0) {
		it[n++] = (struct llctl_svg_legend_item){ NULL, "no pair measured" };
	} else {
		snprintf(buf[0], 64, "%.1f ns", lo);
		snprintf(buf[1], 64, "%.1f ns", hi);
		if (!strcmp(buf[0], buf[1])) {
			llctl_svg_heat_color(0.5, col[0]);
			snprintf(buf[1], 64, "all measured pairs are equal (%.1f ns): one colour", lo);
			it[n++] = (struct llctl_svg_legend_item){ col[0], buf[0] };
			it[n++] = (struct llctl_svg_legend_item){ NULL, buf[1] };
		} else {
			llctl_svg_heat_color(0, col[0]);
			llctl_svg_heat_color(1, col[1]);
			snprintf(buf[0], 64, "%.1f ns, the fastest pair", lo);
			snprintf(buf[1], 64, "%.1f ns, the slowest pair", hi);
			it[n++] = (struct llctl_svg_legend_item){ col[0], buf[0] };
			it[n++] = (struct llctl_svg_legend_item){ col[1], buf[1] };
		}
	}
	if (cells & C2C_LOG)
		it[n++] = (struct llctl_svg_legend_item){ NULL,
			"colours by log(ns): the pairs span more than 10x" };
	if (cells & C2C_GREY)
		it[n++] = (struct llctl_svg_legend_item){ "#888888", "implausible" };
	if (cells & C2C_BLANK)
		it[n++] = (struct llctl_svg_legend_item){ "#eeeeee", "not measured" };
	return n;
}

int coh_c2c_svg(const char *path, const char *title, const int *cpus, int n,
		const double *ns, const bool *flagged)
{
	double cell = n > 40 ? 800.0 / n : 40, lo = -1, hi = 0, v;
	double left = 60, top = 50, size = left + cell * n + 20, lw, lh;
	static const struct llctl_svg_font row_head = { .size = 10, .anchor = LLCTL_SVG_END };
	static const struct llctl_svg_font col_head = { .size = 10, .anchor = LLCTL_SVG_MIDDLE };
	static const struct llctl_svg_font in_cell = { .size = 9, .anchor = LLCTL_SVG_MIDDLE };
	/* on the darker half of the scale, white reads better than black */
	static const struct llctl_svg_font in_dark = { .size = 9, .anchor = LLCTL_SVG_MIDDLE,
						       .fill = "#ffffff" };
	struct llctl_svg_legend_item leg[5];
	char color[8], tip[96], buf[2][64], col[2][8];
	unsigned int cells = 0;
	struct llctl_svg_box box;
	struct llctl_svg g;
	int i, j, ret, nleg;

	for (i = 0; i < n * n; i++) {
		v = ns[i];
		if (i / n == i % n)
			continue;
		if (v < 0) {
			cells |= C2C_BLANK;
			continue;
		}
		if (flagged[i]) {
			cells |= C2C_GREY;
			continue;
		}
		if (lo < 0 || v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	/* Values that print the same are one colour: no range to map. */
	snprintf(buf[0], sizeof(buf[0]), "%.1f", lo);
	snprintf(buf[1], sizeof(buf[1]), "%.1f", hi);
	if (!strcmp(buf[0], buf[1]))
		hi = lo;
	if (lo > 0 && hi / lo > LLCTL_SVG_LOG_RATIO)
		cells |= C2C_LOG;
	nleg = c2c_legend(leg, buf, col, lo, hi, cells);
	llctl_svg_legend_size(leg, nleg, &lw, &lh);
	v = llctl_svg_text_width(14, title) + 20;
	size = v > size ? v : size;
	size = left + lw + 20 > size ? left + lw + 20 : size;
	ret = llctl_svg_open(&g, path, size, top + cell * n + 20 + lh + 10);
	if (ret)
		return ret;
	llctl_svg_text(&g, 10, 24, (struct llctl_svg_font){ .size = 14 }, "%s", title);
	for (i = 0; i < n && cell >= 12; i++) {
		llctl_svg_text(&g, left - 4, top + cell * (i + 0.6), row_head, "%d", cpus[i]);
		llctl_svg_text(&g, left + cell * (i + 0.5), top - 4, col_head, "%d", cpus[i]);
	}
	llctl_svg_group(&g, NULL, "data");
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			box = (struct llctl_svg_box){ .x = left + cell * j, .y = top + cell * i,
						      .w = cell, .h = cell };
			v = ns[i * n + j];
			if (i == j || v < 0) {
				llctl_svg_rect(&g, box, "#eeeeee", NULL);
				continue;
			}
			if (flagged[i * n + j]) {
				snprintf(tip, sizeof(tip), "CPU %d - %d: implausible (%.2f ns)",
					 cpus[i], cpus[j], v);
				llctl_svg_rect(&g, box, "#888888", tip);
				continue;
			}
			llctl_svg_heat_color(c2c_shade(v, lo, hi, cells), color);
			snprintf(tip, sizeof(tip), "CPU %d - %d: %.1f ns", cpus[i], cpus[j], v);
			llctl_svg_rect(&g, box, color, tip);
			if (cell >= 30)
				llctl_svg_text(&g, left + cell * (j + 0.5), top + cell * (i + 0.6),
					       c2c_shade(v, lo, hi, cells) > 0.6 ? in_dark : in_cell,
					       "%.0f", v);
		}
	}
	llctl_svg_group_end(&g);
	llctl_svg_legend(&g, left, top + cell * n + 20, leg, nleg);
	return llctl_svg_close(&g);
}

static int c2c_svg(const struct coh_opts *o, const struct c2c_report *r)
{
	char path[4096], title[128];
	int ret;

	snprintf(path, sizeof(path), "%s-c2c.svg", o->svg);
	snprintf(title, sizeof(title), "llctl coherency c2c, %s mode: one-way ns (round trip / 2)",
		 o->kernel ? "kernel" : "user");
	ret = coh_c2c_svg(path, title, r->cpus, r->n, r->ns, r->flagged);
	if (!ret)
		return 0;
	llctl_err("Unable to write '%s': %s", path, strerror(-ret));
	return -1;
}

static void report_free(struct c2c_report *r)
{
	free(r->cpus);
	free(r->ns);
	free(r->flagged);
}

static int c2c_run(const struct coh_opts *o, struct json_object *tests,
		   FILE *text)
{
	uint64_t trips = o->iterations ? o->iterations : DEF_ROUND_TRIPS;
	struct c2c_report r = { 0 };
	struct c2c_pair *pairs = NULL;
	double rt = 0, mhz = 0;
	char why[512];
	int i, ret = 1, err;

	if (!sel_pairs && o->ncpus < 2) {
		llctl_err("Unable to run c2c: it needs 2 CPUs, --cpus gives %d",
			  o->ncpus);
		return 1;
	}
	/* --iterations is round trips per pair, spread over the batches. */
	r.trips = trips / BATCHES ? trips / BATCHES : 1;
	coh_timer_overhead(1000, &r.timer, &rt);
	if (plan(o, &r, &pairs)) {
		llctl_err("Unable to run c2c: out of memory");
		goto out;
	}
	if (!o->kernel && coh_tsc_rate(&r.tsc_khz, why, sizeof(why))) {
		llctl_err("Unable to measure c2c in ns: %s", why);
		goto out;
	}
	for (i = 0; i < r.npairs && !*o->stop; i++) {
		if (o->progress && r.npairs > 1)
			fprintf(stderr, "\r\033[Kc2c: pair %d of %d (CPU %d - %d)",
				i + 1, r.npairs, pairs[i].a, pairs[i].b);
		err = o->kernel ? measure_kernel(o, &pairs[i], r.trips, &rt, &r.tsc_khz) :
				  measure_user(o, &pairs[i], r.trips, &rt);
		if (err == -EINTR || err == -ETIMEDOUT) {
			r.stopped = true;
			if (err == -ETIMEDOUT)
				llctl_err("Stopped c2c on CPU %d - %d at the %d s time limit",
					  pairs[i].a, pairs[i].b,
					  COH_TIME_LIMIT_MS / 1000);
			break;
		}
		if (err) {
			if (o->progress && r.npairs > 1)
				fputc('\n', stderr);
			llctl_err("Unable to measure c2c on CPU %d - %d: %s",
				  pairs[i].a, pairs[i].b,
				  err == -EIO ? "a thread waited a second for its peer" :
				  o->kernel ? coh_kernel_strerror(err) : strerror(-err));
			goto out;
		}
		mhz = r.tsc_khz / 1000;
		set_cell(&r, pairs[i].a, pairs[i].b, rt / 2 / mhz * 1000);
		r.short_batches |= r.timer > 0.01 * rt * r.trips;
		r.pairs_done++;
	}
	if (o->progress && r.npairs > 1)
		fputs("\r\033[K", stderr);
	r.stopped |= r.pairs_done < r.npairs;
	json_object_object_add(tests, coh_test_c2c.key, c2c_json(&r));
	if (text)
		c2c_text(text, &r);
	ret = o->svg && c2c_svg(o, &r) ? 1 : 0;
out:
	free(pairs);
	report_free(&r);
	return ret;
}

const struct coh_test coh_test_c2c = {
	.name = "c2c",
	.key = "c2c",
	.summary = "Core-to-core cache-line latency of every CPU pair, matrix and heat map",
	.has_kernel_mode = true,
	.run = c2c_run,
};
