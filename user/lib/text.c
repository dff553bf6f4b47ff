// SPDX-License-Identifier: GPL-2.0
/*
 * Text for a terminal: its width, paragraphs wrapped to it, and numbers
 * as people read them.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/text.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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

/*
 * The digits before @num's decimal point as printed (a sign aside): the
 * test of whether rounding carried a value into the next unit, exact for
 * what the reader sees, where comparing doubles is not at the ties.
 */
static unsigned long printed_int(const char *num)
{
	if (*num == '-')
		num++;
	return strtoul(num, NULL, 10);
}

/*
 * One unit of a scale: its size in the base unit, its decimals, and its
 * name as printed after the number (" ns" with its space, "M/s" without).
 */
struct text_unit {
	double size;
	int prec;
	const char *name;
};

/*
 * @v in the largest of @n @units it reaches, then the next one up while
 * the printed value reaches @carry ("1000 ns" is "1.00 us"). Returns the
 * index of the unit used.
 */
static unsigned int scaled(char *buf, size_t len, double v, const struct text_unit *units,
			   unsigned int n, double carry)
{
	unsigned int i = 0;

	while (i + 1 < n && fabs(v) >= units[i + 1].size)
		i++;
	for (;; i++) {
		snprintf(buf, len, "%.*f%s", units[i].prec, v / units[i].size, units[i].name);
		if (i + 1 == n || printed_int(buf) < carry)
			return i;
	}
}

/*
 * Decimals for a time under 100 ns: none when it is whole (a traced
 * syscall's 812 ns), else three significant digits (a cache line's
 * 61.1 ns, a fence's 0.42 ns), which tell fractions of a ns apart.
 */
static int ns_decimals(double ns)
{
	double a = fabs(ns);

	if (a == floor(a) || a >= 99.95)
		return 0;
	return a >= 9.995 ? 1 : 2;
}

const char *llctl_text_ns(char *buf, size_t len, double ns)
{
	struct text_unit u[] = {
		{ 1, ns_decimals(ns), " ns" }, { 1e3, 2, " us" }, { 1e6, 2, " ms" },
		{ 1e9, 2, " s" },
	};

	scaled(buf, len, ns, u, ARRAY_SIZE(u), 1000);
	return buf;
}

const char *llctl_text_bytes(char *buf, size_t len, uint64_t b)
{
	static const char *const name[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };
	struct text_unit u[ARRAY_SIZE(name)];
	unsigned int i;

	/* Whole in its unit (16 KiB, 2 MiB): no decimal; else one. */
	for (i = 0; i < ARRAY_SIZE(name); i++) {
		uint64_t size = (uint64_t)1 << (10 * i);

		u[i] = (struct text_unit){ (double)size, b % size ? 1 : 0, name[i] };
	}
	scaled(buf, len, (double)b, u, ARRAY_SIZE(u), 1024);
	return buf;
}

const char *llctl_text_rate(char *buf, size_t len, double v)
{
	static const struct text_unit u[] = {
		{ 1, 2, "/s" }, { 1e3, 2, "K/s" }, { 1e6, 2, "M/s" },
		{ 1e9, 2, "G/s" }, { 1e12, 2, "T/s" }, { 1e15, 2, "P/s" },
	};

	scaled(buf, len, v, u, ARRAY_SIZE(u), 1000);
	return buf;
}

const char *llctl_text_gbs(char *buf, size_t len, double gbs)
{
	snprintf(buf, len, "%.1f GB/s", gbs);
	return buf;
}

const char *llctl_text_pct(char *buf, size_t len, double pct, int prec)
{
	snprintf(buf, len, "%.*f%%", prec, pct);
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
