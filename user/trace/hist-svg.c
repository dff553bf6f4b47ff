// SPDX-License-Identifier: GPL-2.0
/*
 * The latency histograms of llctl trace --svg (trace/hist-svg.h): a panel
 * a syscall, its name and count above its plot, bucket labels below it
 * spaced by their width, a footnote on what a bucket holds.
 */
#include <math.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/svg.h"
#include "lib/util.h"
#include "trace/hist-svg.h"

#define HS_L	70.0	/* the plots' box */
#define HS_W	600.0
#define HS_R	20.0
#define HS_TOP	40.0	/* below the title */
#define HS_PH	150.0	/* a panel: name, plot, bucket labels */
#define HS_PLOT	90.0
#define HS_NAME	20.0	/* the name's line above the plot */

/* The lower bound of bucket @b in ns, as its label. */
static void bucket_label(int b, char *buf, size_t len)
{
	if (!b)
		snprintf(buf, len, "0");
	else
		llctl_svg_fmt_unit(ldexp(1, b - 1), "ns", buf, len);
}

/* One panel at @top: buckets @first..@last, a bar each. */
static void hist_panel(struct llctl_svg *g, double top, const struct trace_hist *h,
		       int first, int last)
{
	double bw = HS_W / (last - first + 1), y0 = top + HS_NAME + HS_PLOT, lw = 0, w;
	struct llctl_svg_axis ay = { 0 };
	uint64_t most = 1;
	char label[32], tip[96];
	int b, every;

	for (b = first; b <= last; b++)
		most = h->bucket[b] > most ? h->bucket[b] : most;
	llctl_svg_text(g, HS_L, top + 14, (struct llctl_svg_font){ .size = 12 },
		       "%s: %llu calls timed", h->name, (unsigned long long)h->timed);
	llctl_svg_axis_fit(&ay, 0, (double)most, y0, y0 - HS_PLOT, true);
	llctl_svg_axis_draw(g, &ay, false, HS_L, HS_W, "y");
	llctl_svg_group(g, NULL, "data");
	for (b = first; b <= last; b++) {
		if (!h->bucket[b])
			continue;
		bucket_label(b, label, sizeof(label));
		snprintf(tip, sizeof(tip), "%s: %llu calls from %s", h->name,
			 (unsigned long long)h->bucket[b], label);
		llctl_svg_rect(g, (struct llctl_svg_box){
			       .x = HS_L + bw * (b - first) + 1,
			       .y = llctl_svg_axis_pos(&ay, (double)h->bucket[b]),
			       .w = bw - 2,
			       .h = y0 - llctl_svg_axis_pos(&ay, (double)h->bucket[b]) },
			       "#4c78a8", tip);
	}
	llctl_svg_group_end(g);
	/* Every how many buckets a label fits: the widest label and a gap. */
	for (b = first; b <= last; b++) {
		bucket_label(b, label, sizeof(label));
		w = llctl_svg_text_width(10, label);
		lw = w > lw ? w : lw;
	}
	every = (int)ceil((lw + 8) / bw);
	llctl_svg_group(g, NULL, "axis log2 x");
	llctl_svg_line(g, HS_L, y0, HS_L + HS_W, y0,
		       (struct llctl_svg_pen){ .stroke = "#000000", .width = 1 });
	for (b = first; b <= last; b += every) {
		bucket_label(b, label, sizeof(label));
		llctl_svg_line(g, HS_L + bw * (b - first), y0, HS_L + bw * (b - first), y0 + 4,
			       (struct llctl_svg_pen){ .stroke = "#000000", .width = 1 });
		llctl_svg_text(g, HS_L + bw * (b - first), y0 + 15,
			       (struct llctl_svg_font){ .size = 10, .anchor = LLCTL_SVG_MIDDLE },
			       "%s", label);
	}
	llctl_svg_group_end(g);
}

int trace_hist_svg(const char *path, const char *title, const struct trace_hist *h, int n,
		   int more)
{
	int i, b, first = -1, last = 0, ret;
	double h_all, w;
	struct llctl_svg g;

	for (i = 0; i < n; i++)
		for (b = 0; b < h[i].nbuckets; b++) {
			if (!h[i].bucket[b])
				continue;
			first = first < 0 || b < first ? b : first;
			last = b > last ? b : last;
		}
	if (first < 0)
		first = last = 0;
	/* Room for a label each side of the first and last bucket's. */
	if (last - first < 3)
		last = first + 3;
	h_all = HS_TOP + HS_PH * (n ? n : 1) + 40;
	w = llctl_svg_text_width(14, title) + 20;
	ret = llctl_svg_open(&g, path, w > HS_L + HS_W + HS_R + 20 ? w : HS_L + HS_W + HS_R + 20,
			     h_all);
	if (ret)
		return ret;
	llctl_svg_text(&g, 10, 24, (struct llctl_svg_font){ .size = 14 }, "%s", title);
	for (i = 0; i < n; i++)
		hist_panel(&g, HS_TOP + HS_PH * i, &h[i], first, last);
	if (!n)
		llctl_svg_text(&g, HS_L, HS_TOP + 20, (struct llctl_svg_font){ .size = 12 },
			       "no syscall was timed");
	llctl_svg_text(&g, 10, h_all - 24, (struct llctl_svg_font){ .size = 10 },
		       "calls by latency, log2 buckets: a bar from its label (ns) to twice it; the last also longer");
	if (more)
		llctl_svg_text(&g, 10, h_all - 10, (struct llctl_svg_font){ .size = 10 },
			       "%d more syscalls with less time are not drawn (the text and JSON have them)",
			       more);
	return llctl_svg_close(&g);
}

int trace_summary_svg(const struct trace_summary *s, const char *path)
{
	struct trace_hist h[TRACE_HIST_SVG_MAX + 1024];
	int n = trace_summary_hists(s, h, TRACE_HIST_SVG_MAX + 1024), ret;

	ret = trace_hist_svg(path, "llctl trace: syscall latencies", h,
			     n < TRACE_HIST_SVG_MAX ? n : TRACE_HIST_SVG_MAX,
			     n > TRACE_HIST_SVG_MAX ? n - TRACE_HIST_SVG_MAX : 0);
	if (!ret)
		return 0;
	llctl_err("Unable to write '%s': %s", path, strerror(-ret));
	return 1;
}
