// SPDX-License-Identifier: GPL-2.0
/*
 * SVG 1.1 by hand: the charts are a few hundred elements, a library would
 * be more code than the writer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

void llctl_svg_rect(struct llctl_svg *s, struct llctl_svg_box b, const char *fill,
		    const char *title)
{
	fprintf(s->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"",
		b.x, b.y, b.w, b.h);
	llctl_svg_escape(s->f, fill);
	if (!title) {
		fputs("\"/>\n", s->f);
		return;
	}
	fputs("\"><title>", s->f);
	llctl_svg_escape(s->f, title);
	fputs("</title></rect>\n", s->f);
}

void llctl_svg_line(struct llctl_svg *s, double x1, double y1, double x2, double y2,
		    struct llctl_svg_pen pen)
{
	fprintf(s->f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"",
		x1, y1, x2, y2);
	llctl_svg_escape(s->f, pen.stroke);
	fprintf(s->f, "\" stroke-width=\"%.2f\"/>\n", pen.width);
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
