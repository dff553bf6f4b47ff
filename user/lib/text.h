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

#endif /* LLCTL_LIB_TEXT_H */
