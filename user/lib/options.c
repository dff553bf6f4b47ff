// SPDX-License-Identifier: GPL-2.0
/*
 * A command's options (lib/options.h): one table gives getopt_long its
 * options and --help its text.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lib/options.h"
#include "lib/util.h"

#define MAX_OPTS 32

/* --help's option column: "  " OPT_LEFT wide, a blank, then the help. */
#define OPT_LEFT 24
#define OPT_COL (2 + OPT_LEFT + 1)

int llctl_next_opt(int argc, char **argv, const struct llctl_opts *o,
		   char **arg)
{
	struct option lo[MAX_OPTS + 2] = { { 0 } };
	char so[3 * MAX_OPTS + 4] = "+:h";
	size_t n, len = strlen(so);
	int c;

	for (n = 0; o->opt[n].name && n < MAX_OPTS; n++) {
		lo[n].name = o->opt[n].name;
		lo[n].has_arg = o->opt[n].arg ? required_argument : no_argument;
		lo[n].val = o->opt[n].key;
		if (o->opt[n].key > 0 && o->opt[n].key < 256) {
			so[len++] = (char)o->opt[n].key;
			if (o->opt[n].arg)
				so[len++] = ':';
		}
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	so[len] = '\0';

	opterr = 0;
	c = getopt_long(argc, argv, so, lo, NULL);
	*arg = optarg;
	if (c == '?') {
		if (optopt)
			llctl_err("Unable to parse options: unknown option '-%c', see 'llctl help %s'",
				  optopt, o->cmd);
		else
			llctl_err("Unable to parse options: unknown option '%s', see 'llctl help %s'",
				  argv[optind - 1], o->cmd);
	} else if (c == ':') {
		llctl_err("Unable to parse options: '%s' needs an argument",
			  argv[optind - 1]);
		c = '?';
	}
	return c;
}

/* The length of the word at @s: up to a blank outside brackets, or a '\n'. */
static int word_len(const char *s)
{
	int n, depth = 0;

	for (n = 0; s[n] && s[n] != '\n'; n++) {
		if (s[n] == ' ' && !depth)
			break;
		if (s[n] == '[' || s[n] == '{')
			depth++;
		else if ((s[n] == ']' || s[n] == '}') && depth)
			depth--;
	}
	return n;
}

void llctl_wrap(FILE *f, const char *s, int col)
{
	int at = col, n;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		n = *s == '\n' ? 0 : word_len(s);
		if (!n || (at > col && at + 1 + n > LLCTL_USAGE_WIDTH)) {
			fprintf(f, "\n%*s", col, "");
			at = col;
			s += !n;
			continue;
		}
		if (at > col && fputc(' ', f) != EOF)
			at++;
		at += (int)fwrite(s, 1, n, f);
		s += n;
	}
	fputc('\n', f);
}

/* "  -p, --pid PID          " then the help, wrapped in its column. */
static void usage_opt(FILE *f, int key, const char *name, const char *arg,
		      const char *help)
{
	char left[64];

	if (key > 0 && key < 256)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", key, name,
			 arg ? " " : "", arg ? arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", name,
			 arg ? " " : "", arg ? arg : "");
	if (strlen(left) > OPT_LEFT)
		fprintf(f, "  %s\n%*s", left, OPT_COL, "");
	else
		fprintf(f, "  %-*s ", OPT_LEFT, left);
	llctl_wrap(f, help, OPT_COL);
}

void llctl_usage(FILE *f, const struct llctl_opts *o)
{
	const struct llctl_opt *p;
	int col;

	col = fprintf(f, "Usage: %s %s ", llctl_prog, o->cmd);
	llctl_wrap(f, o->synopsis, col > 0 ? col : 0);
	fprintf(f, "\n%s\n\nOptions:\n", o->summary);
	for (p = o->opt; p->name; p++)
		usage_opt(f, p->key, p->name, p->arg, p->help);
	usage_opt(f, 'h', "help", NULL, "Show this help");
}

int llctl_no_operands(int argc, char **argv, const struct llctl_opts *o)
{
	if (optind >= argc)
		return 0;
	llctl_err("Unable to parse options: unexpected '%s', see 'llctl help %s'",
		  argv[optind], o->cmd);
	return 1;
}
