/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command's options: one table gives getopt its long options and the
 * --help text, so the two cannot drift apart.
 */
#ifndef LLCTL_LIB_OPTIONS_H
#define LLCTL_LIB_OPTIONS_H

#include <stdio.h>

struct llctl_opt {
	const char *name;	/* long name, without "--" */
	int key;		/* short letter, or a value above 255 */
	const char *arg;	/* argument's name, NULL for a flag */
	const char *help;
};

struct llctl_opts {
	const char *cmd;
	const char *synopsis;	/* after "llctl CMD " */
	const char *summary;
	const struct llctl_opt *opt;	/* ends with a zeroed entry */
};

/*
 * The next option's key, -1 after the last one (optind is then the first
 * operand), or '?' after saying on stderr what was wrong. --help/-h is
 * always there and returns 'h'. @arg gets the option's argument.
 */
int llctl_next_opt(int argc, char **argv, const struct llctl_opts *o,
		   char **arg);
void llctl_usage(FILE *f, const struct llctl_opts *o);

/*
 * --help fits this many columns: llctl_usage() wraps the synopsis and each
 * option's help, the summary is written to fit.
 */
#define LLCTL_USAGE_WIDTH 80

/*
 * Print @s, the cursor being at column @col, word-wrapped at
 * LLCTL_USAGE_WIDTH with its continuation lines indented to @col, then a
 * newline. A word ends at a blank outside [] and {} ("[-o FILE]" stays
 * whole); a '\n' in @s is a forced break, and the blanks after it are
 * dropped. A word wider than the column overflows it.
 */
void llctl_wrap(FILE *f, const char *s, int col);

/* After the options: 0, or 1 after naming the first unexpected operand. */
int llctl_no_operands(int argc, char **argv, const struct llctl_opts *o);

/* Option keys every report command shares. */
enum { LLCTL_OPT_JSON = 256 };

#endif /* LLCTL_LIB_OPTIONS_H */
