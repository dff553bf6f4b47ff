// SPDX-License-Identifier: GPL-2.0
/*
 * Text for a terminal: its width, and paragraphs wrapped to it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/text.h"

/* Below this many columns of room a paragraph is not worth wrapping. */
#define WRAP_MIN_ROOM	16

int llctl_text_width(FILE *f)
{
	struct winsize ws;
	const char *c;
	char *end;
	long v;

	if (isatty(fileno(f)) && !ioctl(fileno(f), TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	c = getenv("COLUMNS");
	if (!c || !*c)
		return 0;
	v = strtol(c, &end, 10);
	return *end || v <= 0 || v > 10000 ? 0 : (int)v;
}

void llctl_text_wrap(FILE *f, const char *text, int col, int width)
{
	int room = width - col, used = 0;
	const char *p = text;
	size_t len;

	if (width <= 0 || room < WRAP_MIN_ROOM) {
		fprintf(f, "%s\n", text);
		return;
	}
	while (*p) {
		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (!len)
			break;
		if (used && used + 1 + (int)len > room) {
			fprintf(f, "\n%*s", col, "");
			used = 0;
		}
		fprintf(f, "%s%.*s", used ? " " : "", (int)len, p);
		used += (used ? 1 : 0) + (int)len;
		p += len;
	}
	fputc('\n', f);
}

const char *llctl_text_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
	return buf;
}
