/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl: the subcommand table and what the subcommands share.
 */
#ifndef LLCTL_H
#define LLCTL_H

#include <stdbool.h>
#include <stdio.h>

struct json_object;

struct llctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* One file per subcommand: user/cmd-NAME.c exports cmd_NAME(). */
int cmd_info(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_fence(int argc, char **argv);
int cmd_coherency(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_layout(int argc, char **argv);

extern const char *llctl_prog;

/*
 * A subcommand's options: one table gives getopt its long options and the
 * --help text, so the two cannot drift apart.
 */
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

/* "Unable to VERB OBJECT: reason" on stderr, prefixed with the program. */
void llctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print @obj as pretty JSON on stdout followed by a newline, then drop the
 * reference. Returns 0, or 1 (after saying so) when stdout failed.
 */
int llctl_json_print(struct json_object *obj);
int llctl_json_fprint(FILE *f, struct json_object *obj);

/* Flush stdout and report a write error (full disk, closed pipe): 0 or 1. */
int llctl_stdout_close(void);

#endif /* LLCTL_H */
