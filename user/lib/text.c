// SPDX-License-Identifier: GPL-2.0
/*
 * Text for a terminal: its width, paragraphs wrapped to it, and numbers
 * as people read them.
 */
#define _GNU_SOURCE
#include <inttypes.h>
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

const char *llctl_text_u64(char *buf, size_t len, uint64_t v)
{
	locale_t loc = big_num ? user_numeric() : (locale_t)0, old;

	if (!loc) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	old = uselocale(loc);
	snprintf(buf, len, "%'" PRIu64, v);
	uselocale(old);
	return buf;
}

/* A row: its cells, or a rule (cells NULL). */
struct text_row {
	char **cell;
	int n;
};

struct llctl_text_table {
	const struct llctl_text_col *col;
	int ncols;
	struct text_row *row;
	int nrows, cap;
	struct { int first, n; char *label; } *group;
	int ngroups;
	unsigned long lost;	/* rows not added: out of memory */
};

/* The columns @s takes on a terminal: UTF-8's characters, not its bytes. */
static int text_cols(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

struct llctl_text_table *llctl_text_table_new(const struct llctl_text_col *cols,
					      int ncols)
{
	struct llctl_text_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->col = cols;
	t->ncols = ncols;
	return t;
}

void llctl_text_table_free(struct llctl_text_table *t)
{
	int i, j;

	if (!t)
		return;
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; t->row[i].cell && j < t->row[i].n; j++)
			free(t->row[i].cell[j]);
		free(t->row[i].cell);
	}
	for (i = 0; i < t->ngroups; i++)
		free(t->group[i].label);
	free(t->group);
	free(t->row);
	free(t);
}

int llctl_text_table_group(struct llctl_text_table *t, int first, int n,
			   const char *label)
{
	void *grown;

	if (first < 0 || n < 1 || first + n > t->ncols)
		return -1;
	grown = realloc(t->group, (t->ngroups + 1) * sizeof(*t->group));
	if (!grown)
		return -1;
	t->group = grown;
	t->group[t->ngroups].label = strdup(label);
	if (!t->group[t->ngroups].label)
		return -1;
	t->group[t->ngroups].first = first;
	t->group[t->ngroups++].n = n;
	return 0;
}

/* Room for one more row; false (and the row counted lost) when none. */
static bool row_room(struct llctl_text_table *t)
{
	struct text_row *grown;
	int cap = t->cap ? 2 * t->cap : 16;

	if (t->nrows < t->cap)
		return true;
	grown = realloc(t->row, cap * sizeof(*grown));
	if (!grown) {
		t->lost++;
		return false;
	}
	t->row = grown;
	t->cap = cap;
	return true;
}

int llctl_text_table_add(struct llctl_text_table *t, const char *const *cells,
			 int n)
{
	char **cell;
	int i;

	if (n < 1 || n > t->ncols || !row_room(t))
		return -1;
	cell = calloc(n, sizeof(*cell));
	for (i = 0; cell && i < n; i++) {
		cell[i] = strdup(cells[i] ? cells[i] : "");
		if (!cell[i])
			break;
	}
	if (!cell || i < n) {
		while (cell && i--)
			free(cell[i]);
		free(cell);
		t->lost++;
		return -1;
	}
	t->row[t->nrows++] = (struct text_row){ cell, n };
	return 0;
}

int llctl_text_table_rule(struct llctl_text_table *t)
{
	if (!row_room(t))
		return -1;
	t->row[t->nrows++] = (struct text_row){ NULL, 0 };
	return 0;
}

/* The spaces before column @c: its gap (0: one); the first's, its indent. */
static int gap(const struct llctl_text_table *t, int c)
{
	if (!c)
		return t->col[0].gap > 0 ? t->col[0].gap : 0;
	return t->col[c].gap > 0 ? t->col[c].gap : 1;
}

/*
 * Each column's width into @w: its widest cell, header and @min; a row's
 * running-on last cell and prose aside (they wrap, and a rule under them
 * is their header's width); then the groups' labels.
 */
static void widths(const struct llctl_text_table *t, int *w)
{
	int c, i, g, span;

	for (c = 0; c < t->ncols; c++) {
		w[c] = t->col[c].min > 0 ? t->col[c].min : 0;
		if (t->col[c].head && text_cols(t->col[c].head) > w[c])
			w[c] = text_cols(t->col[c].head);
	}
	for (i = 0; i < t->nrows; i++) {
		const struct text_row *r = &t->row[i];
		int last = r->n < t->ncols ? r->n - 1 : r->n;

		for (c = 0; r->cell && c < last; c++)
			if (!t->col[c].prose && text_cols(r->cell[c]) > w[c])
				w[c] = text_cols(r->cell[c]);
	}
	for (g = 0; g < t->ngroups; g++) {
		for (span = 0, c = t->group[g].first;
		     c < t->group[g].first + t->group[g].n; c++)
			span += (c > t->group[g].first ? gap(t, c) : 0) + w[c];
		if (text_cols(t->group[g].label) > span)
			w[c - 1] += text_cols(t->group[g].label) - span;
	}
	for (c = 0; c < t->ncols; c++)
		if (t->col[c].max > 0 && w[c] > t->col[c].max)
			w[c] = t->col[c].max;
}

/* @n spaces, or dashes, onto @f. */
static void fill(FILE *f, int n, int ch)
{
	while (n-- > 0)
		fputc(ch, f);
}

/*
 * One line of @n cells (a rule when @cell is NULL) into @out, padded to
 * @w. Returns the column the line's running-on or prose cell starts at,
 * or -1 when it has none (or it is empty, or @width is 0): printed too.
 */
static int cells_print(FILE *out, const struct llctl_text_table *t, const int *w,
		       char *const *cell, int n, int width)
{
	int c, col = 0, pad;

	for (c = 0; c < (cell ? n : t->ncols); c++) {
		fill(out, gap(t, c), ' ');
		col += gap(t, c);
		if (!cell) {
			fill(out, w[c], '-');
			continue;
		}
		if (c == n - 1 && (n < t->ncols || t->col[c].prose)) {
			if (width > 0 && *cell[c])
				return col;
			fputs(cell[c], out);
			break;
		}
		pad = w[c] - text_cols(cell[c]);
		if (t->col[c].align == LLCTL_TEXT_RIGHT)
			fill(out, pad, ' ');
		fputs(cell[c], out);
		if (t->col[c].align == LLCTL_TEXT_LEFT)
			fill(out, pad, ' ');
		col += w[c];
	}
	return -1;
}

/* A broken cell's continuation lines stand this much further right. */
#define HANG	2

/* Where a piece of a broken cell may end: after a name's own seams. */
static bool seam(char ch)
{
	return ch && strchr("-_:/.", ch);
}

/*
 * The bytes of @s's next piece, at most @room columns: all of it when it
 * fits, else up to its last seam in the room's second half, else the
 * room's worth of characters.
 */
static size_t piece(const char *s, int room)
{
	size_t end = 0, cut = 0;
	int n = 0;

	if (text_cols(s) <= room)
		return strlen(s);
	while (s[end] && n < (room > 0 ? room : 1)) {
		while (((unsigned char)s[++end] & 0xc0) == 0x80)
			;
		if (++n * 2 >= room && seam(s[end - 1]))
			cut = end;
	}
	return cut ? cut : end;
}

/* Whether a cell of the line (a running-on or prose one aside) is wider than its column. */
static bool breaks(const struct llctl_text_table *t, const int *w, char *const *cell, int n)
{
	int c, last = n < t->ncols || t->col[n - 1].prose ? n - 1 : n;

	for (c = 0; cell && c < last; c++)
		if (text_cols(cell[c]) > w[c])
			return true;
	return false;
}

/* The columns of @s's first @k bytes. */
static int text_cols_n(const char *s, size_t k)
{
	size_t i;
	int n = 0;

	for (i = 0; i < k && s[i]; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/*
 * One of a broken row's lines into @m: each cell's next piece (hanging
 * HANG further in after its first), @rest advanced past it. Returns
 * whether a cell has pieces left.
 */
static bool pieces_print(FILE *m, const struct llctl_text_table *t, const int *w,
			 char *const *cell, const char **rest, int last)
{
	int c, hang, pad;
	bool more = false;
	size_t k;

	for (c = 0; c < last; c++) {
		fill(m, gap(t, c), ' ');
		hang = rest[c] != cell[c] && w[c] > 2 * HANG ? HANG : 0;
		k = piece(rest[c], w[c] - hang);
		pad = w[c] - hang - text_cols_n(rest[c], k);
		fill(m, hang, ' ');
		if (t->col[c].align == LLCTL_TEXT_RIGHT)
			fill(m, pad, ' ');
		fprintf(m, "%.*s", (int)k, rest[c]);
		if (t->col[c].align == LLCTL_TEXT_LEFT)
			fill(m, pad, ' ');
		rest[c] += k;
		more |= *rest[c] != '\0';
	}
	return more;
}

/* @text wrapped to @room columns, its lines unindented; NULL without memory. */
static char *wrapped(const char *text, int room)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	llctl_text_wrap(m, text, 0, room);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * One row of @n cells of which one is wider than its column: as many
 * lines as its pieces (or its prose's wrapped lines) take, each cell's
 * next piece under it. Each line is built in memory, for its trailing
 * spaces to go.
 */
static void broken_print(FILE *f, const struct llctl_text_table *t, const int *w,
			 char *const *cell, int n, int width)
{
	int c, col = 0, last = n < t->ncols || t->col[n - 1].prose ? n - 1 : n;
	const char **rest = calloc(n, sizeof(*rest));
	char *prose = NULL, *buf, *p;
	bool more = true;
	size_t len, k;
	FILE *m;

	for (c = 0; rest && c < last; c++) {
		rest[c] = cell[c];
		col += gap(t, c) + w[c];
	}
	if (rest && last < n)
		prose = wrapped(cell[last], width > col + gap(t, last) ?
				width - col - gap(t, last) : 0);
	p = prose;
	while (rest && more && (m = open_memstream(&buf, &len))) {
		more = pieces_print(m, t, w, cell, rest, last);
		if (p && *p) {
			fill(m, gap(t, last), ' ');
			k = strcspn(p, "\n");
			fprintf(m, "%.*s", (int)k, p);
			p += k + (p[k] == '\n');
			more |= *p != '\0';
		}
		if (fclose(m)) {
			free(buf);
			more = true;	/* said below */
			break;
		}
		while (len && buf[len - 1] == ' ')
			buf[--len] = '\0';
		fprintf(f, "%s\n", buf);
		free(buf);
	}
	if (!rest || more || (last < n && !prose))
		fputs("(out of memory: a line of the table not shown)\n", f);
	free(prose);
	free(rest);
}

/*
 * One line into @f: its cells, the running-on or prose cell wrapped to
 * @width at its column. The line is built in memory first so that its
 * trailing spaces are dropped; without the memory, straight into @f.
 */
static void line_print(FILE *f, const struct llctl_text_table *t, const int *w,
		       char *const *cell, int n, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int col;

	if (breaks(t, w, cell, n)) {
		broken_print(f, t, w, cell, n, width);
		return;
	}
	m = open_memstream(&buf, &len);
	col = cells_print(m ? m : f, t, w, cell, n, width);

	if (m && fclose(m)) {
		free(buf);
		fputs("(out of memory: a line of the table not shown)", f);
		col = -1;
	} else if (m) {
		while (col < 0 && len && buf[len - 1] == ' ')
			buf[--len] = '\0';
		fputs(buf, f);
		free(buf);
	}
	if (col >= 0)
		llctl_text_wrap(f, cell[n - 1], col, width);
	else
		fputc('\n', f);
}

int llctl_text_table_print(FILE *f, const struct llctl_text_table *t, int width)
{
	int *w = calloc(t->ncols, sizeof(*w)), c, g, i, col, at, span;
	char **head = calloc(t->ncols, sizeof(*head));
	bool heads = false;

	if (!w || !head) {
		free(w);
		free(head);
		fprintf(f, "(out of memory: a table of %d rows not shown)\n", t->nrows);
		return -1;
	}
	widths(t, w);
	/* The groups' labels, right-aligned over their columns. */
	for (g = 0, col = 0; g < t->ngroups; g++) {
		for (at = 0, c = 0; c < t->group[g].first; c++)
			at += gap(t, c) + w[c];
		for (span = 0; c < t->group[g].first + t->group[g].n; c++)
			span += gap(t, c) + w[c];
		at += span;	/* where the label ends */
		fill(f, at - text_cols(t->group[g].label) - col, ' ');
		fputs(t->group[g].label, f);
		col = at;
	}
	if (t->ngroups)
		fputc('\n', f);
	for (c = 0; c < t->ncols; c++) {
		head[c] = (char *)(t->col[c].head ? t->col[c].head : "");
		heads |= *head[c] != '\0';
	}
	if (heads)
		line_print(f, t, w, head, t->ncols, 0);
	for (i = 0; i < t->nrows; i++)
		line_print(f, t, w, t->row[i].cell, t->row[i].n, width);
	if (t->lost)
		fprintf(f, "(out of memory: %lu rows not shown)\n", t->lost);
	free(w);
	free(head);
	return t->lost ? -1 : 0;
}
