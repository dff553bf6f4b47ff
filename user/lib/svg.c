// SPDX-License-Identifier: GPL-2.0
/*
 * SVG 1.1 by hand: the charts are a few hundred elements, a library would
 * be more code than the writer.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/svg.h"

int llctl_svg_open(struct llctl_svg *s, const char *path, double w, double h)
{
	s->path = path;
	s->f = fopen(path, "w");
	if (!s->f)
		return -errno;
	fprintf(s->f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"sans-serif\">\n"
		"<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n",
		w, h, w, h, w, h);
	return 0;
}

int llctl_svg_close(struct llctl_svg *s)
{
	int ret = 0;

	fputs("</svg>\n", s->f);
	if (ferror(s->f))
		ret = -EIO;
	if (fclose(s->f) && !ret)
		ret = -errno;
	if (ret)
		unlink(s->path);
	s->f = NULL;
	return ret;
}

void llctl_svg_escape(FILE *f, const char *str)
{
	for (; *str; str++) {
		switch (*str) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(*str, f);
		}
	}
}

/* A shape's fill, then its end: "/>", or its <title> and </@tag>. */
static void fill_and_title(FILE *f, const char *fill, const char *title,
			   const char *tag)
{
	llctl_svg_escape(f, fill);
	if (!title) {
		fputs("\"/>\n", f);
		return;
	}
	fputs("\"><title>", f);
	llctl_svg_escape(f, title);
	fprintf(f, "</title></%s>\n", tag);
}

void llctl_svg_rect(struct llctl_svg *s, struct llctl_svg_box b, const char *fill,
		    const char *title)
{
	fprintf(s->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"",
		b.x, b.y, b.w, b.h);
	fill_and_title(s->f, fill, title, "rect");
}

/* A line's stroke, width and dashes, and the end of its element. */
static void put_pen(FILE *f, struct llctl_svg_pen pen)
{
	fputs(" stroke=\"", f);
	llctl_svg_escape(f, pen.stroke);
	fprintf(f, "\" stroke-width=\"%.2f\"", pen.width);
	if (pen.dash) {
		fputs(" stroke-dasharray=\"", f);
		llctl_svg_escape(f, pen.dash);
		fputc('"', f);
	}
	fputs("/>\n", f);
}

void llctl_svg_line(struct llctl_svg *s, double x1, double y1, double x2, double y2,
		    struct llctl_svg_pen pen)
{
	fprintf(s->f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"",
		x1, y1, x2, y2);
	put_pen(s->f, pen);
}

void llctl_svg_polyline(struct llctl_svg *s, const double *x, const double *y, int n,
			struct llctl_svg_pen pen)
{
	int i;

	fputs("<polyline fill=\"none\" points=\"", s->f);
	for (i = 0; i < n; i++)
		fprintf(s->f, "%s%.2f,%.2f", i ? " " : "", x[i], y[i]);
	fputc('"', s->f);
	put_pen(s->f, pen);
}

void llctl_svg_circle(struct llctl_svg *s, double x, double y, double r, const char *fill,
		      const char *title)
{
	fprintf(s->f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"", x, y, r);
	fill_and_title(s->f, fill, title, "circle");
}

void llctl_svg_text(struct llctl_svg *s, double x, double y, struct llctl_svg_font font,
		    const char *fmt, ...)
{
	static const char *const anchors[] = { "start", "middle", "end" };
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(s->f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"%s\"",
		x, y, font.size, anchors[font.anchor]);
	if (font.rotate)
		fprintf(s->f, " transform=\"rotate(%.1f %.2f %.2f)\"", font.rotate,
			x, y);
	if (font.fill) {
		fputs(" fill=\"", s->f);
		llctl_svg_escape(s->f, font.fill);
		fputc('"', s->f);
	}
	fputc('>', s->f);
	llctl_svg_escape(s->f, buf);
	fputs("</text>\n", s->f);
}

void llctl_svg_heat_color(double t, char *buf)
{
	/* Light yellow, orange, red, dark red: a sequential scale. */
	static const unsigned char stop[4][3] = {
		{ 0xff, 0xf5, 0xc0 }, { 0xfd, 0x8d, 0x3c },
		{ 0xe3, 0x1a, 0x1c }, { 0x67, 0x00, 0x0d },
	};
	unsigned char c[3];
	double f;
	int i, k;

	if (!(t > 0))		/* also NaN */
		t = 0;
	if (t > 1)
		t = 1;
	k = t >= 1 ? 2 : (int)(t * 3);
	f = t * 3 - k;
	for (i = 0; i < 3; i++)
		c[i] = (unsigned char)(stop[k][i] +
				       (stop[k + 1][i] - stop[k][i]) * f + 0.5);
	snprintf(buf, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

double llctl_svg_text_width(double size, const char *str)
{
	double em = 0;

	for (; *str; str++) {
		if (strchr("il.,:;'!|", *str))
			em += 0.35;
		else if (strchr("MWmw@%", *str))
			em += 0.95;
		else if (isupper((unsigned char)*str))
			em += 0.75;
		else
			em += 0.64;
	}
	return em * size;
}

void llctl_svg_group(struct llctl_svg *s, const char *id, const char *cls)
{
	fputs("<g", s->f);
	if (id) {
		fputs(" id=\"", s->f);
		llctl_svg_escape(s->f, id);
		fputc('"', s->f);
	}
	if (cls) {
		fputs(" class=\"", s->f);
		llctl_svg_escape(s->f, cls);
		fputc('"', s->f);
	}
	fputs(">\n", s->f);
}

void llctl_svg_group_end(struct llctl_svg *s)
{
	fputs("</g>\n", s->f);
}

/* A round step (1, 2 or 5 times a power of ten) giving about 5 steps to @span. */
static double round_step(double span)
{
	double raw = span / 5, p = pow(10, floor(log10(raw)));

	if (raw / p >= 5)
		return 5 * p;
	if (raw / p >= 2)
		return 2 * p;
	return p;
}

void llctl_svg_axis_fit(struct llctl_svg_axis *a, double min, double max,
			double p0, double p1, bool zero)
{
	a->p0 = p0;
	a->p1 = p1;
	if (!(max > 0))		/* also NaN: nothing to show, a unit axis */
		max = 1;
	a->log = min > 0 && max / min > LLCTL_SVG_LOG_RATIO;
	if (a->log) {
		a->lo = pow(10, floor(log10(min)));
		a->hi = pow(10, ceil(log10(max)));
		a->step = 10;
		return;
	}
	if (zero || !(min > 0) || min > max)
		min = 0;
	a->step = round_step(max - min > 0 ? max - min : max);
	a->lo = floor(min / a->step) * a->step;
	a->hi = ceil(max / a->step) * a->step;
	if (a->hi <= a->lo)
		a->hi = a->lo + a->step;
}

double llctl_svg_axis_pos(const struct llctl_svg_axis *a, double v)
{
	double t;

	if (a->log)
		t = v > 0 ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) : 0;
	else
		t = (v - a->lo) / (a->hi - a->lo);
	if (!(t > 0))		/* also NaN */
		t = 0;
	if (t > 1)
		t = 1;
	return a->p0 + (a->p1 - a->p0) * t;
}

void llctl_svg_fmt_unit(double v, const char *unit, char *buf, size_t len)
{
	static const char *const time[] = { "ns", "us", "ms", "s" };
	int k = 0;

	if (!unit) {
		snprintf(buf, len, "%g", v);
		return;
	}
	if (strcmp(unit, "ns")) {
		snprintf(buf, len, "%g %s", v, unit);
		return;
	}
	while (fabs(v) >= 1000 && k < 3) {
		v /= 1000;
		k++;
	}
	snprintf(buf, len, "%.3g %s", v, time[k]);
}

/* Where an axis is drawn: along y = at (horizontal) or x = at, grid lines len long. */
struct axis_place {
	bool horizontal;
	double at, len;
};

/* One tick of @a at @v: a mark, a grid line, and a label unless NULL. */
static void axis_tick(struct llctl_svg *s, const struct llctl_svg_axis *a,
		      struct axis_place w, double v, const char *label)
{
	bool horizontal = w.horizontal;
	double at = w.at, len = w.len;

	static const struct llctl_svg_pen mark = { .stroke = "#000000", .width = 1 };
	static const struct llctl_svg_pen grid = { .stroke = "#e0e0e0", .width = 0.5 };
	double p = llctl_svg_axis_pos(a, v), tick = label ? 4 : 2;

	if (horizontal) {
		llctl_svg_line(s, p, at - len, p, at, grid);
		llctl_svg_line(s, p, at, p, at + tick, mark);
		if (label)
			llctl_svg_text(s, p, at + 15, (struct llctl_svg_font){
				       .size = 10, .anchor = LLCTL_SVG_MIDDLE }, "%s", label);
		return;
	}
	llctl_svg_line(s, at, p, at + len, p, grid);
	llctl_svg_line(s, at - tick, p, at, p, mark);
	if (label)
		llctl_svg_text(s, at - 6, p + 3.5, (struct llctl_svg_font){
			       .size = 10, .anchor = LLCTL_SVG_END }, "%s", label);
}

void llctl_svg_axis_draw(struct llctl_svg *s, const struct llctl_svg_axis *a,
			 bool horizontal, double at, double len, const char *which)
{
	static const struct llctl_svg_pen line = { .stroke = "#000000", .width = 1 };
	struct axis_place place = { horizontal, at, len };
	char label[32], cls[64];
	double d, v;
	int m;

	snprintf(cls, sizeof(cls), "axis %s %s", a->log ? "log" : "linear", which);
	llctl_svg_group(s, NULL, cls);
	if (horizontal)
		llctl_svg_line(s, a->p0, at, a->p1, at, line);
	else
		llctl_svg_line(s, at, a->p0, at, a->p1, line);
	for (d = a->log ? a->lo : 0; a->log && d <= a->hi * 1.0001; d *= 10) {
		llctl_svg_fmt_unit(d, a->unit, label, sizeof(label));
		axis_tick(s, a, place, d, label);
		for (m = 2; m <= 5 && d * 10 <= a->hi * 1.0001; m += 3)
			axis_tick(s, a, place, d * m, NULL);
	}
	for (m = 0; !a->log && (v = a->lo + m * a->step) <= a->hi + a->step / 1e6; m++) {
		llctl_svg_fmt_unit(fabs(v) < a->step / 1e6 ? 0 : v, a->unit, label,
				   sizeof(label));
		axis_tick(s, a, place, v, label);
	}
	llctl_svg_group_end(s);
}

void llctl_svg_legend_size(const struct llctl_svg_legend_item *it, int n,
			   double *w, double *h)
{
	double tw;
	int i;

	*w = 0;
	for (i = 0; i < n; i++) {
		tw = llctl_svg_text_width(LLCTL_SVG_LEGEND_FONT, it[i].label) +
		     (it[i].color ? 16 : 0);
		if (tw > *w)
			*w = tw;
	}
	*h = n * LLCTL_SVG_LEGEND_LINE;
}

void llctl_svg_legend(struct llctl_svg *s, double x, double y,
		      const struct llctl_svg_legend_item *it, int n)
{
	double ty;
	int i;

	llctl_svg_group(s, NULL, "legend");
	for (i = 0; i < n; i++) {
		ty = y + LLCTL_SVG_LEGEND_LINE * i;
		if (it[i].color)
			llctl_svg_rect(s, (struct llctl_svg_box){ .x = x, .y = ty + 2,
						   .w = 10, .h = 10 }, it[i].color, NULL);
		llctl_svg_text(s, x + (it[i].color ? 16 : 0), ty + 11,
			       (struct llctl_svg_font){ .size = LLCTL_SVG_LEGEND_FONT },
			       "%s", it[i].label);
	}
	llctl_svg_group_end(s);
}
