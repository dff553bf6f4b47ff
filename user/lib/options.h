/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command's options: one table gives getopt its long options, --help its
 * text and each option its type, its range and where its value goes, so
 * the three cannot drift apart and every command refuses bad input alike:
 *
 *   llctl CMD: Unable to parse --x 'v': reason
 *
 * Each entry stores into the command's argument struct, at an offset
 * (LLCTL_FIELD()), so the tables stay static const. A value is checked
 * where it is parsed: its syntax, its range, a CPU that is online, a pid
 * that exists. An option given twice is refused unless its type collects
 * (LLCTL_OPT_LIST) or it is marked LLCTL_OPT_REPEAT. What no type says
 * (a regex, names looked up in a table) is LLCTL_OPT_CALL: the command's
 * ->call() parses it and refuses it through llctl_opt_bad(), in the same
 * format.
 */
#ifndef LLCTL_LIB_OPTIONS_H
#define LLCTL_LIB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum llctl_opt_type {
	LLCTL_OPT_CALL,		/* the command's ->call() takes it */
	LLCTL_OPT_FLAG,		/* bool: true */
	LLCTL_OPT_CLEAR,	/* bool: false (--no-X) */
	LLCTL_OPT_NUM,		/* unsigned integer in [min, max] */
	LLCTL_OPT_SIZE,		/* bytes, K/M/G suffix (1024s), in [min, max] */
	LLCTL_OPT_REAL,		/* double in [lo, hi] */
	LLCTL_OPT_DURATION,	/* double seconds, ns/us/ms/s/m suffix, in [lo, hi] */
	LLCTL_OPT_ENUM,		/* int: the index of the value in choices */
	LLCTL_OPT_STR,		/* const char *: the argument itself */
	LLCTL_OPT_LIST,		/* struct llctl_list: one value per use */
	LLCTL_OPT_CPUS,		/* struct llctl_cpus: online CPUs, in order */
	LLCTL_OPT_PIDS,		/* struct llctl_pids: running processes */
};

/* flags */
#define LLCTL_OPT_POW2		0x1	/* SIZE: a power of two */
#define LLCTL_OPT_REPEAT	0x2	/* may be given more than once */
#define LLCTL_OPT_LO_OPEN	0x4	/* REAL, DURATION: above lo, not from it */

struct llctl_opt {
	const char *name;	/* long name, without "--" */
	int key;		/* short letter, or a value above 255 */
	const char *arg;	/* argument's name, NULL for a flag */
	const char *help;
	enum llctl_opt_type type;
	size_t off;		/* where in the command's struct; LLCTL_FIELD() */
	size_t width;		/* NUM, SIZE: sizeof the field (1, 2, 4 or 8) */
	unsigned long long min, max;	/* NUM, SIZE; LIST, CPUS, PIDS: most entries */
	double lo, hi;		/* REAL, DURATION */
	const char *const *choices;	/* ENUM: names, NULL-terminated */
	const char *unit;	/* NUM: what it counts, for the refusal ("ms") */
	unsigned int flags;
};

/* Where an option's value goes: .off and .width of TYPE's FIELD. */
#define LLCTL_FIELD(type, field) \
	.off = offsetof(type, field), .width = sizeof(((type *)0)->field)

/* LLCTL_OPT_LIST's values, in the order given. */
#define LLCTL_LIST_MAX 64
struct llctl_list {
	int n;
	const char *v[LLCTL_LIST_MAX];
};

/* LLCTL_OPT_CPUS: the CPUs in the order given, each online, none twice. */
struct llctl_cpus {
	int n;
	int *cpu;		/* malloc'ed; llctl_opts_free() frees it */
	const char *text;	/* as given */
};

/*
 * LLCTL_OPT_PIDS: processes that existed when parsed, none twice; with
 * LLCTL_OPT_REPEAT each use adds its pids.
 */
#define LLCTL_PIDS_MAX 64
struct llctl_pids {
	int n;
	pid_t pid[LLCTL_PIDS_MAX];
};

struct llctl_opts {
	const char *cmd;
	const char *synopsis;	/* after "llctl CMD " */
	const char *summary;
	const struct llctl_opt *opt;	/* ends with a zeroed entry */
	/*
	 * An LLCTL_OPT_CALL option with its argument (NULL for a flag): 0, or
	 * -1 after llctl_opt_bad() or llctl_err() said what was wrong.
	 */
	int (*call)(void *args, int key, char *arg);
	void (*more_help)(FILE *f);	/* after the options in --help */
	bool operands;		/* takes operands (FILE, -- CMD, ...) */
	const char *root;	/* sysfs and procfs under this root (tests) */
};

/* llctl_parse()'s "stop here" results, below 0. */
#define LLCTL_PARSE_ERROR	(-1)	/* said on stderr what was wrong */
#define LLCTL_PARSE_HELP	(-2)	/* --help printed on stdout */

/*
 * Parse @argv's options, up to the first operand or "--", into @args as
 * @o's table says; -h/--help prints the help. Returns the index of the
 * first operand (@argc when none), or LLCTL_PARSE_ERROR or
 * LLCTL_PARSE_HELP. Without o->operands an operand is an error. Call it
 * again from an operand's index to go on after it.
 */
int llctl_parse(int argc, char **argv, const struct llctl_opts *o, void *args);

/* The exit status for a result of llctl_parse() below 0. */
int llctl_parse_status(int r);

/*
 * Refuse option @key's argument @arg: "llctl CMD: Unable to parse --x 'v':
 * WHY". Returns -1, for ->call() to return.
 */
int llctl_opt_bad(const struct llctl_opts *o, int key, const char *arg,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Free what llctl_parse() allocated in @args (the CPU lists). */
void llctl_opts_free(const struct llctl_opts *o, void *args);

/*
 * The parsers behind the types, for values that come from elsewhere
 * (a profile, an environment variable): 0, or -1 with the reason in @why.
 */
int llctl_parse_num(const char *s, unsigned long long min,
		    unsigned long long max, unsigned long long *v,
		    char *why, size_t len);
int llctl_parse_size(const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *v,
		     char *why, size_t len);
int llctl_parse_duration(const char *s, double lo, double hi, double *v,
			 char *why, size_t len);

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

/* Option keys every report command shares. */
enum { LLCTL_OPT_JSON = 256 };

#endif /* LLCTL_LIB_OPTIONS_H */
