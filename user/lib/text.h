/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text for a terminal: its width, paragraphs wrapped to it, and numbers as
 * people read them. Every command that prints columns of prose (events,
 * help) or numbers for a person goes through here, so that each wraps and
 * prints units, separators and widths the same way.
 */
#ifndef LLCTL_LIB_TEXT_H
#define LLCTL_LIB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The width to wrap @f's lines to: the terminal's columns when @f is one,
 * else $COLUMNS when it is a number (as ls and perf honour it), else 0:
 * do not wrap (a pipe or a file keeps one line per entry, for grep).
 */
int llctl_text_width(FILE *f);

/*
 * Prints @text to @f, the cursor being at column @col, wrapped at spaces
 * so that no line passes @width columns, continuation lines indented to
 * @col; then a newline. A word longer than the room goes alone on its
 * line, unbroken. @width 0, or less than 16 columns of room: as it is.
 */
void llctl_text_wrap(FILE *f, const char *text, int col, int width);

/*
 * Every number a person reads goes through the functions below, so that
 * each command prints a time, a size, a rate or a share the same way.
 * Each writes into @buf (of @len bytes) and returns it, for printf's
 * arguments. Machine-read output (--json, -x) never calls them: it keeps
 * plain numbers in C's locale.
 */

/*
 * @ns in the unit that reads best: "812 ns", "3.41 us", "27.05 ms",
 * "1.20 s" (three significant digits or more), as strace -c and perf
 * trace -s print times; a fraction of a ns under 100 keeps three
 * ("61.1 ns", "0.42 ns"). The unit is chosen after rounding: 999.7 ns is
 * "1.00 us", never "1000 ns".
 */
const char *llctl_text_ns(char *buf, size_t len, double ns);

/*
 * @b bytes in binary units, as ls -h and numfmt --to=iec-i do: "512 B",
 * "1.5 KiB", "16 KiB", "3.2 GiB"; one decimal unless the value is whole
 * in its unit. Chosen after rounding too: 1048575 B is "1.0 MiB".
 */
const char *llctl_text_bytes(char *buf, size_t len, uint64_t b);

/*
 * @v events a second with an SI prefix (numfmt --to=si): "812.00/s",
 * "12.35M/s", as perf stat's interval rates read.
 */
const char *llctl_text_rate(char *buf, size_t len, double v);

/* @gbs gigabytes (10^9 bytes) a second, one decimal: "12.3 GB/s". */
const char *llctl_text_gbs(char *buf, size_t len, double gbs);

/* @pct percent with @prec decimals and no space: "42.5%". */
const char *llctl_text_pct(char *buf, size_t len, double pct, int prec);

/*
 * Whether counts are grouped by thousands (perf stat's --big-num, on by
 * default; --no-big-num turns it off). Machine-read output (-x, --json)
 * never groups.
 */
void llctl_text_set_big_num(bool on);

/*
 * @v with @prec decimals into @buf, grouped by thousands as the user's
 * locale (LC_ALL, LC_NUMERIC, LANG) groups them, its decimal point too, as
 * perf stat prints counts with printf's ' flag: "1,234,567" in en_US,
 * "1.234.567" in de_DE, "1234567" in C. Only this number is formatted in
 * that locale: JSON, CSV and the parsing of options keep C's.
 */
const char *llctl_text_count(char *buf, size_t len, double v, int prec);

/*
 * @v as llctl_text_count(@v, 0) prints it, exact for every 64-bit count
 * (a double is not past 2^53): "18,446,744,073,709,551,615".
 */
const char *llctl_text_u64(char *buf, size_t len, uint64_t v);

/*
 * Tables for people. Columns are declared with their header, alignment
 * and the gap before them; rows are added as strings (the numbers from
 * the functions above); llctl_text_table_print() makes each column as wide
 * as its widest cell (its header included, @min at least: a layout's own
 * widths, as strace -c's), so that no cell ever pushes the next out of
 * line whatever the locale's separators add. Widths count characters
 * (UTF-8's, as a locale's separator may be), not bytes. No line ends in
 * spaces.
 *
 * A row with fewer cells than columns ends in a cell that runs on to the
 * end of the line ("not run: ..."): it widens no column. That cell, and a
 * cell of a column declared prose (the last; as wide as its header), is
 * wrapped at spaces to print's @width (llctl_text_width()'s; 0: one
 * line), continuation lines under its first character: a terminal's width
 * caps the table.
 *
 * A column with a @max is never wider: a longer cell (an event's name) is
 * broken within it, after a '-', '_', ':', '/' or '.' in its second half
 * where there is one, else at the width; the pieces go on the row's next
 * lines, indented 2 more (a hanging indent: a broken name never reads as
 * two), the row's other cells and its prose's lines beside them. Joined,
 * the pieces are the cell. A table without such a cell prints as if no
 * column had a @max.
 */
enum llctl_text_align {
	LLCTL_TEXT_RIGHT,	/* numbers */
	LLCTL_TEXT_LEFT,	/* names */
};

struct llctl_text_col {
	const char *head;	/* the header's cell; NULL: none */
	enum llctl_text_align align;
	int min;		/* the narrowest the column may be */
	int gap;		/* spaces before it (0: one); the first's: an indent */
	bool prose;		/* the last column only: wrapped to the width */
	int max;		/* the widest it may be (0: its widest cell) */
};

struct llctl_text_table;

/* A table of @ncols @cols (kept, not copied); NULL when out of memory. */
struct llctl_text_table *llctl_text_table_new(const struct llctl_text_col *cols,
					      int ncols);
void llctl_text_table_free(struct llctl_text_table *t);

/*
 * A label over columns @first to @first + @n - 1, right-aligned over them
 * on a line above the header (fence's "cycles per op"); the last of them
 * is widened when the label is wider than they are. 0, or -1.
 */
int llctl_text_table_group(struct llctl_text_table *t, int first, int n,
			   const char *label);

/*
 * A row of @n cells (copied), @n from 1 to the columns; 0, or -1 when out
 * of memory: the table then says at its end how many rows it lost.
 */
int llctl_text_table_add(struct llctl_text_table *t, const char *const *cells,
			 int n);

/* llctl_text_table_add() of its arguments: (t, "a", "b", ...). */
#define llctl_text_table_row(t, ...)					\
	llctl_text_table_add((t), (const char *const[]){ __VA_ARGS__ },	\
			     (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / \
				   sizeof(const char *)))

/* A rule: each column's width in '-', as strace -c rules its table. */
int llctl_text_table_rule(struct llctl_text_table *t);

/*
 * The groups' line, the header (when a column has one), then the rows,
 * to @f, prose wrapped to @width. 0, or -1 when rows were lost.
 */
int llctl_text_table_print(FILE *f, const struct llctl_text_table *t, int width);

#endif /* LLCTL_LIB_TEXT_H */
