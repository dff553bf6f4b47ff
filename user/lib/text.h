/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text for a terminal: its width, and paragraphs wrapped to it. Every
 * command that prints columns of prose (events, help) goes through here,
 * so that each wraps the same way.
 */
#ifndef LLCTL_LIB_TEXT_H
#define LLCTL_LIB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
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
 * @ns in the unit that reads best, into @buf: "812 ns", "3.41 us",
 * "27.05 ms", "1.20 s" (three significant digits or more), as strace -c
 * and perf trace -s print times.
 */
const char *llctl_text_ns(char *buf, size_t len, double ns);

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
