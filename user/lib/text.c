// SPDX-License-Identifier: GPL-2.0
/*
 * Text for a terminal: its width, paragraphs wrapped to it, and numbers
 * as people read them.
 */
#define _GNU_SOURCE
#include <locale.h>
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

static bool big_num = true;

void llctl_text_set_big_num(bool on)
{
	big_num = on;
}

/* The user's LC_NUMERIC, made once; (locale_t)0 when it cannot be. */
static locale_t user_numeric(void)
{
	static locale_t loc;
	static bool made;

	if (!made) {
		made = true;
		loc = newlocale(LC_NUMERIC_MASK, "", (locale_t)0);
	}
	return loc;
}

const char *llctl_text_count(char *buf, size_t len, double v, int prec)
{
	locale_t loc = big_num ? user_numeric() : (locale_t)0, old;

	if (!loc) {
		snprintf(buf, len, "%.*f", prec, v);
		return buf;
	}
	/* uselocale() is this thread's only: nothing else sees the change. */
	old = uselocale(loc);
	snprintf(buf, len, "%'.*f", prec, v);
	uselocale(old);
	return buf;
}
