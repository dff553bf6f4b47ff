/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny SVG writer: rectangles, lines and escaped text on a fixed
 * canvas, for the charts llctl draws itself (fence bars, the c2c heat
 * map). Coordinates are SVG user units, y downwards.
 */
#ifndef LLCTL_LIB_SVG_H
#define LLCTL_LIB_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct llctl_svg {
	FILE *f;
	const char *path;
};

/*
 * Create @path with a @w x @h canvas, a white background and a sans-serif
 * default font. 0, or -errno (nothing to close).
 */
int llctl_svg_open(struct llctl_svg *s, const char *path, double w, double h);
/*
 * End the document and close it: 0, or -errno of the first failed write
 * (the file is then removed, so no half chart is left behind).
 */
int llctl_svg_close(struct llctl_svg *s);

/*
 * What a shape is drawn with travels in a small struct, filled with
 * designated initialisers where it is drawn (or once, for a style used
 * again): the calls stay readable and a member left out is 0.
 */

/* A rectangle: its top-left corner, width and height. */
struct llctl_svg_box {
	double x, y, w, h;
};

/* A line's colour ("#222"), width, and dashes ("4 3"; NULL: solid). */
struct llctl_svg_pen {
	const char *stroke;
	double width;
	const char *dash;
};

enum llctl_svg_anchor { LLCTL_SVG_START, LLCTL_SVG_MIDDLE, LLCTL_SVG_END };

/*
 * Text: its size, which end sits at (x, y), a rotation in degrees about it,
 * its colour (NULL: black).
 */
struct llctl_svg_font {
	double size;
	enum llctl_svg_anchor anchor;
	double rotate;
	const char *fill;
};

/* @fill is a colour ("#1f77b4", "none"); @title a tooltip, or NULL. */
void llctl_svg_rect(struct llctl_svg *s, struct llctl_svg_box b, const char *fill,
		    const char *title);
void llctl_svg_line(struct llctl_svg *s, double x1, double y1, double x2, double y2,
		    struct llctl_svg_pen pen);

/* A line through @n points. */
void llctl_svg_polyline(struct llctl_svg *s, const double *x, const double *y, int n,
			struct llctl_svg_pen pen);
/* A dot of radius @r at (@x, @y); @title a tooltip, or NULL. */
void llctl_svg_circle(struct llctl_svg *s, double x, double y, double r, const char *fill,
		      const char *title);

/* printf-formatted text at (x, y), escaped. */
void llctl_svg_text(struct llctl_svg *s, double x, double y, struct llctl_svg_font font,
		    const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* @str with &, <, >, " and ' as entities, on @f. */
void llctl_svg_escape(FILE *f, const char *str);

/*
 * A colour for @t in [0, 1] (clamped) on a light-yellow to dark-red
 * scale, as "#rrggbb" in @buf (at least 8 bytes).
 */
void llctl_svg_heat_color(double t, char *buf);

/*
 * The width @str takes at font size @size, an upper bound for the
 * sans-serif fonts librsvg and browsers pick (DejaVu Sans, Verdana,
 * Arial): per character, 0.35 em for narrow ones (i l . , : ; ' ! | ),
 * 0.95 em for M W m w @ %, 0.75 em for other capitals, 0.64 em for the
 * rest. Layout reserves this much, so a label never reaches the next.
 */
double llctl_svg_text_width(double size, const char *str);

/* A group around what follows, with an id and a class (either NULL). */
void llctl_svg_group(struct llctl_svg *s, const char *id, const char *cls);
void llctl_svg_group_end(struct llctl_svg *s);

/*
 * An axis: data values lo..hi onto pixels p0..p1 (p1 < p0 for a y axis,
 * y downwards). Logarithmic (base 10, whole decades) when the data span
 * more than LLCTL_SVG_LOG_RATIO (a single outlier no longer flattens the
 * rest); linear from 0 (or from a round value below the data with @zero
 * false) otherwise.
 */
#define LLCTL_SVG_LOG_RATIO	10.0

struct llctl_svg_axis {
	double lo, hi, p0, p1;
	bool log;
	double step;		/* linear: between labelled ticks */
	const char *unit;	/* "ns": labels 1 ns, 10 us...; NULL: plain %g */
};

/*
 * Fits @a to the data range @min..@max (values <= 0 are not on a log
 * axis: @min is the smallest positive one).
 */
void llctl_svg_axis_fit(struct llctl_svg_axis *a, double min, double max,
			double p0, double p1, bool zero);
/* The pixel of @v, clamped to the axis. */
double llctl_svg_axis_pos(const struct llctl_svg_axis *a, double v);
/*
 * Draws @a's ticks (decades labelled, 2 and 5 as minor ticks on a log
 * axis) and grid lines: a horizontal axis along y = @at with grid lines
 * @len up, a vertical one along x = @at with grid lines @len right.
 * Inside a group of class "axis log WHICH" or "axis linear WHICH" (@which:
 * "x", "y"), what a test reads the scale from.
 */
void llctl_svg_axis_draw(struct llctl_svg *s, const struct llctl_svg_axis *a,
			 bool horizontal, double at, double len, const char *which);
/* @v in @unit's engineering form ("ns": 250 ns, 1.5 us, 2 ms), in @buf. */
void llctl_svg_fmt_unit(double v, const char *unit, char *buf, size_t len);

/*
 * A legend: a swatch and a label a line, from (@x, @y) the top-left
 * corner, in a group of class "legend". Its size, for the band a chart
 * reserves outside its plot: llctl_svg_legend_size().
 */
struct llctl_svg_legend_item {
	const char *color;	/* NULL: a note, no swatch */
	const char *label;
};

#define LLCTL_SVG_LEGEND_FONT	11.0
#define LLCTL_SVG_LEGEND_LINE	16.0

void llctl_svg_legend(struct llctl_svg *s, double x, double y,
		      const struct llctl_svg_legend_item *it, int n);
void llctl_svg_legend_size(const struct llctl_svg_legend_item *it, int n,
			   double *w, double *h);

#endif /* LLCTL_LIB_SVG_H */
