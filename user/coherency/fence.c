// SPDX-License-Identifier: GPL-2.0
/*
 * llctl fence's verdict on each op and its rendering (coherency/fence.h).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "coherency/fence.h"
#include "lib/plausible.h"
#include "lib/svg.h"
#include "lib/text.h"

double coh_fence_ns(double ticks, double tsc_khz)
{
	return ticks > 0 && tsc_khz > 0 ? ticks * 1e6 / tsc_khz : 0;
}

static double pos(double v)
{
	return v > 0 ? v : 0;
}

void coh_fence_judge(struct coh_fence_op *op, double noise, double tsc_khz)
{
	const struct coh_stats *s = &op->cycles;
	char why[320];

	op->flag = NULL;
	op->reason[0] = '\0';
	if (s->median < noise) {
		op->flag = "below_resolution";
		snprintf(op->reason, sizeof(op->reason),
			 "below resolution: the median, %.2f ticks per op, is within the empty loop's noise of %.2f (or under one tick): it costs next to nothing beyond the loop",
			 s->median, noise);
	} else if (!llctl_plausible(LLCTL_PLAUS_FENCE_NS,
				    coh_fence_ns(s->median, tsc_khz), 1, why,
				    sizeof(why))) {
		op->flag = "implausible";
		snprintf(op->reason, sizeof(op->reason), "%s", why);
	} else if (s->spread > COH_FENCE_UNSTABLE) {
		op->flag = "unstable";
		snprintf(op->reason, sizeof(op->reason),
			 "unstable: the batches disagree by %.0f %% of the median, more than %.0f %%",
			 s->spread * 100, COH_FENCE_UNSTABLE * 100);
	}
}

static bool is(const struct coh_fence_op *op, const char *flag)
{
	return op->flag && !strcmp(op->flag, flag);
}

/* min, median, p99 of @op in ticks (@tsc_khz 0) or ns, as the flag says. */
static struct json_object *triple(const struct coh_fence_op *op, double tsc_khz)
{
	struct json_object *o = json_object_new_object();
	const struct coh_stats *s = &op->cycles;
	const double v[3] = { s->min, s->median, s->p99 };
	static const char *const key[3] = { "min", "median", "p99" };
	int i;

	for (i = 0; i < 3; i++) {
		struct json_object *x;

		if (is(op, "implausible") || (is(op, "below_resolution") && i == 2))
			x = NULL;		/* not a cost; text: blank */
		else if (is(op, "below_resolution"))
			x = json_object_new_double(0);	/* text: ~0 */
		else if (tsc_khz > 0)
			x = json_object_new_double(coh_fence_ns(v[i], tsc_khz));
		else
			x = json_object_new_double(pos(v[i]));
		json_object_object_add(o, key[i], x);
	}
	return o;
}

struct json_object *coh_fence_op_json(const char *name,
				      const struct coh_fence_op *op,
				      double tsc_khz)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "op", json_object_new_string(name));
	json_object_object_add(r, "cycles", triple(op, 0));
	json_object_object_add(r, "ns", triple(op, tsc_khz));
	json_object_object_add(r, "spread", json_object_new_double(op->cycles.spread));
	json_object_object_add(r, "flag", op->flag ?
			       json_object_new_string(op->flag) : NULL);
	json_object_object_add(r, "reason", op->flag ?
			       json_object_new_string(op->reason) : NULL);
	return r;
}

/*
 * fence's columns, the widths it had the least; each group of three is
 * one unit, labelled above them.
 */
static const struct llctl_text_col fence_cols[] = {
	{ "op", LLCTL_TEXT_LEFT, 16, 0, false, 0 },
	{ "min", LLCTL_TEXT_RIGHT, 9, 1, false, 0 },
	{ "median", LLCTL_TEXT_RIGHT, 9, 1, false, 0 },
	{ "p99", LLCTL_TEXT_RIGHT, 9, 1, false, 0 },
	{ "min", LLCTL_TEXT_RIGHT, 9, 3, false, 0 },
	{ "median", LLCTL_TEXT_RIGHT, 9, 1, false, 0 },
	{ "p99", LLCTL_TEXT_RIGHT, 9, 1, false, 0 },
	{ "spread", LLCTL_TEXT_RIGHT, 6, 2, false, 0 },
	{ NULL, LLCTL_TEXT_LEFT, 0, 1, false, 0 },		/* [1], [2] */
};

struct llctl_text_table *coh_fence_table(void)
{
	struct llctl_text_table *t = llctl_text_table_new(fence_cols,
							  sizeof(fence_cols) / sizeof(fence_cols[0]));

	if (t && (llctl_text_table_group(t, 1, 3, "cycles per op") ||
		  llctl_text_table_group(t, 4, 3, "ns per op"))) {
		llctl_text_table_free(t);
		return NULL;
	}
	return t;
}

void coh_fence_op_row(struct llctl_text_table *t, const char *name,
		      const struct coh_fence_op *op, double tsc_khz)
{
	const struct coh_stats *s = &op->cycles;
	const double v[6] = {
		pos(s->min), pos(s->median), pos(s->p99),
		coh_fence_ns(s->min, tsc_khz), coh_fence_ns(s->median, tsc_khz),
		coh_fence_ns(s->p99, tsc_khz),
	};
	char med[32], hi[32], why[200], n[6][32];
	int i;

	if (is(op, "below_resolution")) {
		llctl_text_table_row(t, name, "~0", "~0", "", "~0", "~0", "", "", "[1]");
		return;
	}
	if (is(op, "implausible")) {
		snprintf(why, sizeof(why), "implausible (median %s per op, above %s)  [3]",
			 llctl_text_ns(med, sizeof(med), coh_fence_ns(s->median, tsc_khz)),
			 llctl_text_ns(hi, sizeof(hi), llctl_plaus_bound(LLCTL_PLAUS_FENCE_NS)->hi));
		llctl_text_table_row(t, name, why);
		return;
	}
	for (i = 0; i < 6; i++)
		llctl_text_count(n[i], sizeof(n[i]), v[i], 2);
	llctl_text_table_row(t, name, n[0], n[1], n[2], n[3], n[4], n[5],
			     llctl_text_pct(med, sizeof(med), s->spread * 100, 0),
			     op->flag ? "[2]" : "");
}

bool coh_fence_ticks_json(struct json_object *o, const char *key,
			  double ticks, double tsc_khz, enum llctl_plaus k)
{
	char why[320], rkey[96];

	if (llctl_plausible(k, ticks * 1e6 / tsc_khz, 1, why, sizeof(why))) {
		json_object_object_add(o, key, json_object_new_double(ticks));
		return true;
	}
	json_object_object_add(o, key, NULL);
	snprintf(rkey, sizeof(rkey), "%s_reason", key);
	json_object_object_add(o, rkey, json_object_new_string(why));
	return false;
}

const char *coh_fence_ticks_text(double ticks, double tsc_khz,
				 enum llctl_plaus k, const char *fmt,
				 char *buf, size_t len)
{
	char why[320];

	if (llctl_plausible(k, ticks * 1e6 / tsc_khz, 1, why, sizeof(why))) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(buf, len, fmt, ticks);
#pragma GCC diagnostic pop
	} else {
		snprintf(buf, len, "implausible (%.4g ticks, %s)", ticks,
			 why + strlen("implausible: "));
	}
	return buf;
}

/* The chart's geometry: rows of ROW px, the plot PLOT px wide. */
#define FS_ROW		22.0
#define FS_TOP		50.0
#define FS_PLOT		600.0
#define FS_RIGHT	60.0	/* room for the value after the p99 whisker */

/* Whether @op has a cost to draw. */
static bool fence_drawn(const struct coh_fence_op *op)
{
	return !op->flag || !strcmp(op->flag, "unstable");
}

/* One op's name, and why it has no bar when it has none. */
static void fence_label(struct llctl_svg *g, const struct llctl_svg_axis *ax, double y,
			const char *name, const struct coh_fence_op *op)
{
	double x0 = llctl_svg_axis_pos(ax, ax->lo);

	llctl_svg_text(g, x0 - 8, y + FS_ROW * 0.65,
		       (struct llctl_svg_font){ .size = 12, .anchor = LLCTL_SVG_END }, "%s", name);
	if (!fence_drawn(op))
		llctl_svg_text(g, x0 + 4, y + FS_ROW * 0.65, (struct llctl_svg_font){ .size = 11 },
			       "%s", strcmp(op->flag, "implausible") ? "below resolution" :
			       "implausible (above 1 us)");
}

/* One op's row: its bar, whiskers and value. */
static void fence_row(struct llctl_svg *g, const struct llctl_svg_axis *ax, double y,
		      const char *name, const struct coh_fence_op *op, double tsc_khz)
{
	static const struct llctl_svg_pen ink = { .stroke = "#222", .width = 1 };
	double lo = coh_fence_ns(op->cycles.min, tsc_khz);
	double mid = coh_fence_ns(op->cycles.median, tsc_khz);
	double hi = coh_fence_ns(op->cycles.p99, tsc_khz);
	double x0 = llctl_svg_axis_pos(ax, ax->lo), x;
	char tip[160];

	snprintf(tip, sizeof(tip), "%s: median %.2f ns (min %.2f, p99 %.2f)", name, mid, lo, hi);
	llctl_svg_rect(g, (struct llctl_svg_box){ .x = x0, .y = y + 3,
						  .w = llctl_svg_axis_pos(ax, mid) - x0,
						  .h = FS_ROW - 6 },
		       op->flag ? "#f4a261" : "#4c78a8", tip);
	llctl_svg_line(g, llctl_svg_axis_pos(ax, lo), y + FS_ROW / 2,
		       llctl_svg_axis_pos(ax, hi), y + FS_ROW / 2, ink);
	x = llctl_svg_axis_pos(ax, lo);
	llctl_svg_line(g, x, y + 6, x, y + FS_ROW - 6, ink);
	x = llctl_svg_axis_pos(ax, hi);
	llctl_svg_line(g, x, y + 6, x, y + FS_ROW - 6, ink);
	llctl_svg_text(g, x + 4, y + FS_ROW * 0.65, (struct llctl_svg_font){ .size = 10 },
		       "%.1f", mid);
}

int coh_fence_svg(const char *path, const char *title, const char *const *name,
		  const struct coh_fence_op *op, int n, double tsc_khz)
{
	struct llctl_svg_legend_item leg[3];
	double left = 130, min = 0, max = 0, v, h, axis_y, lw, lh;
	struct llctl_svg_axis ax = { .unit = "ns" };
	char unstable[96];
	struct llctl_svg g;
	int i, k, nleg = 0, ret;

	for (i = 0; i < n; i++) {
		v = llctl_svg_text_width(12, name[i]) + 16;
		left = v > left ? v : left;
		if (!fence_drawn(&op[i]))
			continue;
		for (k = 0; k < 3; k++) {
			v = coh_fence_ns(k == 0 ? op[i].cycles.min : k == 1 ?
					 op[i].cycles.median : op[i].cycles.p99, tsc_khz);
			if (v > 0 && (!min || v < min))
				min = v;
			max = v > max ? v : max;
		}
	}
	llctl_svg_axis_fit(&ax, min, max, left, left + FS_PLOT, true);
	snprintf(unstable, sizeof(unstable), "unstable: p99 - min above %.0f %% of the median",
		 COH_FENCE_UNSTABLE * 100);
	leg[nleg++] = (struct llctl_svg_legend_item){ "#4c78a8", "median (bar), min..p99 (whiskers)" };
	leg[nleg++] = (struct llctl_svg_legend_item){ "#f4a261", unstable };
	if (ax.log)
		leg[nleg++] = (struct llctl_svg_legend_item){ NULL,
			"log scale: the costs span more than 10x" };
	llctl_svg_legend_size(leg, nleg, &lw, &lh);
	axis_y = FS_TOP + FS_ROW * n + 4;
	h = axis_y + 40 + lh + 10;
	ret = llctl_svg_open(&g, path, left + FS_PLOT + FS_RIGHT, h);
	if (ret)
		return ret;
	llctl_svg_text(&g, 10, 24, (struct llctl_svg_font){ .size = 14 }, "%s", title);
	llctl_svg_axis_draw(&g, &ax, true, axis_y, axis_y - FS_TOP, "x");
	for (i = 0; i < n; i++)
		fence_label(&g, &ax, FS_TOP + FS_ROW * i, name[i], &op[i]);
	llctl_svg_group(&g, NULL, "data");
	for (i = 0; i < n; i++)
		if (fence_drawn(&op[i]))
			fence_row(&g, &ax, FS_TOP + FS_ROW * i, name[i], &op[i], tsc_khz);
	llctl_svg_group_end(&g);
	llctl_svg_text(&g, left + FS_PLOT / 2, axis_y + 30,
		       (struct llctl_svg_font){ .size = 11, .anchor = LLCTL_SVG_MIDDLE },
		       "ns per op%s", ax.log ? " (log scale)" : "");
	llctl_svg_legend(&g, left, axis_y + 40, leg, nleg);
	return llctl_svg_close(&g);
}
