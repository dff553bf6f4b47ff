// SPDX-License-Identifier: GPL-2.0
/*
 * The USL chart (analyze/usl-svg.h): the plot left, its legend in a band
 * right of it, so no label lies on a point or the curve.
 */
#include <math.h>
#include <stdio.h>

#include "analyze/usl-svg.h"
#include "lib/svg.h"

#define US_L	80.0	/* the plot's box */
#define US_T	50.0
#define US_W	520.0
#define US_H	320.0
#define US_CURVE 200	/* segments of the fitted curve */

/*
 * The thread counts shown: the points', and the peak when it lies within
 * AN_USL_EXTRAPOLATED times them (further, the legend says where).
 */
static double x_extent(const struct an_usl_point *p, size_t m, const struct an_usl_fit *f)
{
	double hi = 1;
	size_t i;

	for (i = 0; i < m; i++)
		hi = p[i].n > hi ? p[i].n : hi;
	if (f && f->peak_finite && !f->peak_extrapolated && f->peak_n > hi)
		hi = f->peak_n;
	return hi * 1.1;
}

static void usl_curve(struct llctl_svg *g, const struct llctl_svg_axis *ax,
		      const struct llctl_svg_axis *ay, const struct an_usl_fit *f)
{
	double x[US_CURVE + 1], y[US_CURVE + 1], n;
	int i;

	for (i = 0; i <= US_CURVE; i++) {
		n = 1 + (ax->hi - 1) * i / US_CURVE;
		x[i] = llctl_svg_axis_pos(ax, n);
		y[i] = llctl_svg_axis_pos(ay, an_usl_model(f->lambda, f->sigma, f->kappa, n));
	}
	llctl_svg_polyline(g, x, y, US_CURVE + 1,
			   (struct llctl_svg_pen){ .stroke = "#d62728", .width = 1.5 });
}

/* The peak: a dashed line at N* from the axis to the curve, a dot on it. */
static void usl_peak(struct llctl_svg *g, const struct llctl_svg_axis *ax,
		     const struct llctl_svg_axis *ay, const struct an_usl_fit *f)
{
	double x = llctl_svg_axis_pos(ax, f->peak_n);
	char tip[96];

	snprintf(tip, sizeof(tip), "peak: %.4g at %.2f threads", f->peak_x, f->peak_n);
	llctl_svg_group(g, "usl-peak", "data");
	llctl_svg_line(g, x, ay->p0, x, llctl_svg_axis_pos(ay, f->peak_x),
		       (struct llctl_svg_pen){ .stroke = "#555555", .width = 1, .dash = "4 3" });
	llctl_svg_circle(g, x, llctl_svg_axis_pos(ay, f->peak_x), 4, "#d62728", tip);
	llctl_svg_group_end(g);
}

/* The legend's lines, in @buf; their number. */
static int usl_legend(struct llctl_svg_legend_item *it, char (*buf)[96],
		      const struct an_usl_fit *f, const char *why)
{
	int n = 0;

	it[n++] = (struct llctl_svg_legend_item){ "#1f77b4", "measured (median)" };
	if (!f) {
		snprintf(buf[0], 96, "no USL fit: %.70s", why ? why : "unknown");
		it[n++] = (struct llctl_svg_legend_item){ NULL, buf[0] };
		return n;
	}
	it[n++] = (struct llctl_svg_legend_item){ "#d62728", "USL fit" };
	snprintf(buf[0], 96, "sigma %.3g, kappa %.3g, R^2 %.3f", f->sigma, f->kappa, f->r2);
	it[n++] = (struct llctl_svg_legend_item){ NULL, buf[0] };
	if (!f->peak_finite)
		snprintf(buf[1], 96, "no peak (kappa 0): ceiling %.4g", f->ceiling);
	else if (f->peak_extrapolated)
		snprintf(buf[1], 96, "peak at %.1f threads, off the chart (extrapolated)",
			 f->peak_n);
	else
		snprintf(buf[1], 96, "peak N* = %.1f threads (dashed), %.4g", f->peak_n,
			 f->peak_x);
	it[n++] = (struct llctl_svg_legend_item){ NULL, buf[1] };
	return n;
}

int an_usl_svg(const char *path, const struct an_usl_chart *c)
{
	const struct an_usl_point *p = c->p;
	const struct an_usl_fit *f = c->f;
	const char *title = c->title;
	size_t m = c->m;
	struct llctl_svg_axis ax = { 0 }, ay = { 0 };
	struct llctl_svg_legend_item leg[4];
	double ymax = 0, lw, lh, w, n;
	char buf[2][96], tip[64];
	struct llctl_svg g;
	int nleg, i, ret;
	size_t k;

	for (k = 0; k < m; k++)
		ymax = p[k].x > ymax ? p[k].x : ymax;
	ax.hi = x_extent(p, m, f);
	for (i = 0; f && i <= US_CURVE; i++) {
		n = 1 + (ax.hi - 1) * i / US_CURVE;
		ymax = fmax(ymax, an_usl_model(f->lambda, f->sigma, f->kappa, n));
	}
	llctl_svg_axis_fit(&ax, 0, ax.hi, US_L, US_L + US_W, true);
	llctl_svg_axis_fit(&ay, 0, ymax * 1.05, US_T + US_H, US_T, true);
	nleg = usl_legend(leg, buf, f, c->why);
	llctl_svg_legend_size(leg, nleg, &lw, &lh);
	w = llctl_svg_text_width(14, title) + 20;
	lw = US_L + US_W + 20 + lw + 10;
	ret = llctl_svg_open(&g, path, w > lw ? w : lw, US_T + US_H + 50);
	if (ret)
		return ret;
	llctl_svg_text(&g, 10, 24, (struct llctl_svg_font){ .size = 14 }, "%s", title);
	llctl_svg_axis_draw(&g, &ax, true, US_T + US_H, US_H, "x");
	llctl_svg_axis_draw(&g, &ay, false, US_L, US_W, "y");
	llctl_svg_text(&g, US_L + US_W / 2, US_T + US_H + 36,
		       (struct llctl_svg_font){ .size = 11, .anchor = LLCTL_SVG_MIDDLE }, "threads");
	llctl_svg_text(&g, 16, US_T + US_H / 2,
		       (struct llctl_svg_font){ .size = 11, .anchor = LLCTL_SVG_MIDDLE,
						.rotate = -90 }, "%s", c->ylabel);
	llctl_svg_group(&g, NULL, "data");
	if (f)
		usl_curve(&g, &ax, &ay, f);
	for (k = 0; k < m; k++) {
		snprintf(tip, sizeof(tip), "%g threads: %.4g", p[k].n, p[k].x);
		llctl_svg_circle(&g, llctl_svg_axis_pos(&ax, p[k].n),
				 llctl_svg_axis_pos(&ay, p[k].x), 3.5, "#1f77b4", tip);
	}
	llctl_svg_group_end(&g);
	if (f && f->peak_finite && !f->peak_extrapolated)
		usl_peak(&g, &ax, &ay, f);
	llctl_svg_legend(&g, US_L + US_W + 20, US_T, leg, nleg);
	return llctl_svg_close(&g);
}
