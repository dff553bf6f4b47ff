/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny SVG writer: rectangles, lines and escaped text on a fixed
 * canvas, for the charts llctl draws itself (fence bars, the c2c heat
 * map). Coordinates are SVG user units, y downwards.
 */
#ifndef LLCTL_LIB_SVG_H
#define LLCTL_LIB_SVG_H

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

/* A line's colour ("#222") and width. */
struct llctl_svg_pen {
	const char *stroke;
	double width;
};

enum llctl_svg_anchor { LLCTL_SVG_START, LLCTL_SVG_MIDDLE, LLCTL_SVG_END };

/* Text: its size, which end sits at (x, y), a rotation in degrees about it. */
struct llctl_svg_font {
	double size;
	enum llctl_svg_anchor anchor;
	double rotate;
};

/* @fill is a colour ("#1f77b4", "none"); @title a tooltip, or NULL. */
void llctl_svg_rect(struct llctl_svg *s, struct llctl_svg_box b, const char *fill,
		    const char *title);
void llctl_svg_line(struct llctl_svg *s, double x1, double y1, double x2, double y2,
		    struct llctl_svg_pen pen);

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

#endif /* LLCTL_LIB_SVG_H */
