// SPDX-License-Identifier: GPL-2.0
/*
 * A command's options (lib/options.h): one table gives getopt_long its
 * options, --help its text, and each option its type, range and place.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cpus.h"
#include "lib/options.h"
#include "lib/util.h"

#define MAX_OPTS 32

/* --help's option column: "  " OPT_LEFT wide, a blank, then the help. */
#define OPT_LEFT 24
#define OPT_COL (2 + OPT_LEFT + 1)

/* getopt_long's tables for @o: its short options into @so. */
static void getopt_tables(const struct llctl_opts *o, struct option *lo,
			  char *so)
{
	size_t n, len;

	strcpy(so, "+:h");
	len = strlen(so);
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
}

static void bad_option(const struct llctl_opts *o, int c, int argc,
		       char **argv)
{
	const char *what = optind - 1 < argc ? argv[optind - 1] : "";
	char shopt[3] = { '-', (char)optopt, '\0' };

	if (c == ':')
		fprintf(stderr, "%s %s: Unable to parse %s: it takes an argument, see 'llctl help %s'\n",
			llctl_prog, o->cmd, what, o->cmd);
	else
		fprintf(stderr, "%s %s: Unable to parse '%s': unknown option, see 'llctl help %s'\n",
			llctl_prog, o->cmd, optopt ? shopt : what, o->cmd);
}

static const struct llctl_opt *find_opt(const struct llctl_opts *o, int key)
{
	const struct llctl_opt *p;

	for (p = o->opt; p->name; p++)
		if (p->key == key)
			return p;
	return NULL;
}

static void vbad(const struct llctl_opts *o, const char *name,
		 const char *arg, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s %s: Unable to parse --%s", llctl_prog, o->cmd, name);
	if (arg)
		fprintf(stderr, " '%s'", arg);
	fputs(": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int llctl_opt_bad(const struct llctl_opts *o, int key, const char *arg,
		  const char *fmt, ...)
{
	const struct llctl_opt *p = find_opt(o, key);
	va_list ap;

	va_start(ap, fmt);
	vbad(o, p ? p->name : "?", arg, fmt, ap);
	va_end(ap);
	return -1;
}

static int bad(const struct llctl_opts *o, const struct llctl_opt *p,
	       const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(const struct llctl_opts *o, const struct llctl_opt *p,
	       const char *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbad(o, p->name, arg, fmt, ap);
	va_end(ap);
	return -1;
}

int llctl_parse_num(const char *s, unsigned long long min,
		    unsigned long long max, unsigned long long *v,
		    char *why, size_t len)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || *v < min || *v > max) {
		snprintf(why, len, "takes %llu to %llu", min, max);
		return -1;
	}
	return 0;
}

/* The multiplier of suffix @s among @units, 0 when it is none of them. */
struct unit {
	const char *name;
	double mult;
};

static double unit_mult(const char *s, const struct unit *u)
{
	for (; u->name; u++)
		if (!strcmp(s, u->name))
			return u->mult;
	return 0;
}

static const struct unit size_units[] = {
	{ "", 1 }, { "K", 1024.0 }, { "k", 1024.0 }, { "KiB", 1024.0 },
	{ "M", 1048576.0 }, { "m", 1048576.0 }, { "MiB", 1048576.0 },
	{ "G", 1073741824.0 }, { "g", 1073741824.0 }, { "GiB", 1073741824.0 },
	{ NULL, 0 }
};

int llctl_parse_size(const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *v,
		     char *why, size_t len)
{
	unsigned long long n;
	double mult;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 0);
	mult = unit_mult(end, size_units);
	if (errno || end == s || s[0] == '-' || !mult ||
	    n > max / (unsigned long long)mult ||
	    n * (unsigned long long)mult < min) {
		snprintf(why, len, "a size from %llu to %llu bytes (suffix K, M or G: 1024s)",
			 min, max);
		return -1;
	}
	*v = n * (unsigned long long)mult;
	return 0;
}

/* A plain number: no suffix at all. */
static const struct unit no_units[] = { { "", 1 }, { NULL, 0 } };

static const struct unit time_units[] = {
	{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 },
	{ "m", 60 }, { "min", 60 }, { "h", 3600 },
	{ NULL, 0 }
};

/* @v within [lo, hi], or (lo, hi] when @open. */
static bool in_range(double v, double lo, double hi, bool open)
{
	return (open ? v > lo : v >= lo) && v <= hi;
}

static int parse_real(const char *s, const struct unit *units, double lo,
		      double hi, bool open, double *v)
{
	double mult;
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	mult = unit_mult(end, units);
	if (errno || end == s || !mult || !isfinite(*v))
		return -1;
	*v *= mult;
	return in_range(*v, lo, hi, open) ? 0 : -1;
}

int llctl_parse_duration(const char *s, double lo, double hi, double *v,
			 char *why, size_t len)
{
	if (!parse_real(s, time_units, lo, hi, false, v))
		return 0;
	snprintf(why, len, "a duration from %g to %g s (suffix ns, us, ms, s, m or h)",
		 lo, hi);
	return -1;
}

/* Store @v into the field of width @p->width at @dst. */
static void store_uint(const struct llctl_opt *p, void *dst,
		       unsigned long long v)
{
	switch (p->width) {
	case 1:
		*(uint8_t *)dst = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)dst = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)dst = (uint32_t)v;
		break;
	default:
		*(uint64_t *)dst = v;
	}
}

/* The largest value a field of @width bytes holds. */
static unsigned long long width_max(size_t width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

static int parse_enum(const struct llctl_opts *o, const struct llctl_opt *p,
		      const char *arg, int *dst)
{
	char names[256] = "";
	size_t len = 0;
	int i;

	for (i = 0; p->choices[i]; i++) {
		if (!strcmp(arg, p->choices[i])) {
			*dst = i;
			return 0;
		}
		len += snprintf(names + len, len < sizeof(names) ?
				sizeof(names) - len : 0, "%s%s",
				i ? (p->choices[i + 1] ? ", " : " or ") : "",
				p->choices[i]);
	}
	return bad(o, p, arg, "%s", names);
}

static int parse_cpus(const struct llctl_opts *o, const struct llctl_opt *p,
		      const char *arg, struct llctl_cpus *dst)
{
	char why[160];
	int n, *cpu;

	n = llctl_cpus_parse(o->root, arg, &cpu, why, sizeof(why));
	if (n < 0)
		return bad(o, p, arg, "%s", why);
	if (p->max && (unsigned long long)n > p->max) {
		free(cpu);
		return p->max == 1 ? bad(o, p, arg, "takes one CPU") :
			bad(o, p, arg, "takes at most %llu CPUs", p->max);
	}
	free(dst->cpu);
	dst->cpu = cpu;
	dst->n = n;
	dst->text = arg;
	return 0;
}

/* A pid that names a running process (or one we may not signal). */
static bool pid_exists(pid_t pid)
{
	return !kill(pid, 0) || errno == EPERM;
}

static int parse_pids(const struct llctl_opts *o, const struct llctl_opt *p,
		      const char *arg, struct llctl_pids *dst)
{
	unsigned long long max = p->max ? p->max : LLCTL_PIDS_MAX;
	unsigned long long v;
	const char *s = arg;
	char *end;
	int i;

	do {
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || end == s || *s == '-' || !v || v > INT32_MAX ||
		    (*end && *end != ','))
			return bad(o, p, arg, "process ids, comma-separated");
		if ((unsigned long long)dst->n >= max || dst->n >= LLCTL_PIDS_MAX)
			return max == 1 ? bad(o, p, arg, "takes one process id") :
				bad(o, p, arg, "at most %llu process ids", max);
		for (i = 0; i < dst->n; i++)
			if (dst->pid[i] == (pid_t)v)
				return bad(o, p, arg, "pid %llu is named twice", v);
		if (!pid_exists((pid_t)v))
			return bad(o, p, arg, "no such process %llu (see ps)", v);
		dst->pid[dst->n++] = (pid_t)v;
		s = end + 1;
	} while (*end);
	return 0;
}

static int parse_list(const struct llctl_opts *o, const struct llctl_opt *p,
		      const char *arg, struct llctl_list *dst)
{
	unsigned long long max = p->max ? p->max : LLCTL_LIST_MAX;

	if ((unsigned long long)dst->n >= max || dst->n >= LLCTL_LIST_MAX)
		return bad(o, p, arg, "given more than %llu times", max);
	dst->v[dst->n++] = arg;
	return 0;
}

static int parse_number(const struct llctl_opts *o, const struct llctl_opt *p,
			const char *arg, void *dst)
{
	unsigned long long v, max = p->max ? p->max : width_max(p->width);
	char why[128];
	int ret;

	if (p->type == LLCTL_OPT_NUM)
		ret = llctl_parse_num(arg, p->min, max, &v, why, sizeof(why));
	else
		ret = llctl_parse_size(arg, p->min, max, &v, why, sizeof(why));
	if ((p->flags & LLCTL_OPT_POW2) && (ret || (v & (v - 1)))) {
		snprintf(why, sizeof(why), "a power of two in [%llu, %llu] bytes (suffix K, M or G)",
			 p->min, max);
		ret = -1;
	}
	if (ret)
		return bad(o, p, arg, "%s%s%s%s", why, p->unit ? " (" : "",
			   p->unit ? p->unit : "", p->unit ? ")" : "");
	store_uint(p, dst, v);
	return 0;
}

static int parse_double(const struct llctl_opts *o, const struct llctl_opt *p,
			const char *arg, double *dst)
{
	bool open = p->flags & LLCTL_OPT_LO_OPEN;
	const char *from = open ? "above" : "from";

	if (p->type == LLCTL_OPT_REAL) {
		if (parse_real(arg, no_units, p->lo, p->hi, open, dst))
			return bad(o, p, arg, "a number %s %g to %g", from,
				   p->lo, p->hi);
		return 0;
	}
	if (parse_real(arg, time_units, p->lo, p->hi, open, dst))
		return bad(o, p, arg, "seconds %s %g to %g (or with ns, us, ms, m, h)",
			   from, p->lo, p->hi);
	return 0;
}

/* Option @p given with @arg: its value into @args. */
static int take(const struct llctl_opts *o, const struct llctl_opt *p,
		char *arg, void *args)
{
	void *dst = (char *)args + p->off;

	switch (p->type) {
	case LLCTL_OPT_CALL:
		return o->call ? o->call(args, p->key, arg) : -1;
	case LLCTL_OPT_FLAG:
	case LLCTL_OPT_CLEAR:
		*(bool *)dst = p->type == LLCTL_OPT_FLAG;
		return 0;
	case LLCTL_OPT_NUM:
	case LLCTL_OPT_SIZE:
		return parse_number(o, p, arg, dst);
	case LLCTL_OPT_REAL:
	case LLCTL_OPT_DURATION:
		return parse_double(o, p, arg, dst);
	case LLCTL_OPT_ENUM:
		return parse_enum(o, p, arg, dst);
	case LLCTL_OPT_STR:
		*(const char **)dst = arg;
		return 0;
	case LLCTL_OPT_LIST:
		return parse_list(o, p, arg, dst);
	case LLCTL_OPT_CPUS:
		return parse_cpus(o, p, arg, dst);
	case LLCTL_OPT_PIDS:
		return parse_pids(o, p, arg, dst);
	}
	return -1;
}

/* The width each type stores; 0: the entry's own (NUM, SIZE), none (CALL). */
static size_t type_width(enum llctl_opt_type t)
{
	switch (t) {
	case LLCTL_OPT_FLAG:
	case LLCTL_OPT_CLEAR:
		return sizeof(bool);
	case LLCTL_OPT_REAL:
	case LLCTL_OPT_DURATION:
		return sizeof(double);
	case LLCTL_OPT_ENUM:
		return sizeof(int);
	case LLCTL_OPT_STR:
		return sizeof(const char *);
	case LLCTL_OPT_LIST:
		return sizeof(struct llctl_list);
	case LLCTL_OPT_CPUS:
		return sizeof(struct llctl_cpus);
	case LLCTL_OPT_PIDS:
		return sizeof(struct llctl_pids);
	default:
		return 0;
	}
}

/*
 * A table entry whose field cannot hold its type's value is llctl's bug:
 * said before anything is written through it.
 */
static bool table_ok(const struct llctl_opts *o)
{
	const struct llctl_opt *p;
	size_t w;

	for (p = o->opt; p->name; p++) {
		w = type_width(p->type);
		if ((w && p->width != w) ||
		    ((p->type == LLCTL_OPT_NUM || p->type == LLCTL_OPT_SIZE) &&
		     p->width != 1 && p->width != 2 && p->width != 4 &&
		     p->width != 8) ||
		    (p->type == LLCTL_OPT_CALL && !o->call) ||
		    (p->type == LLCTL_OPT_ENUM && !p->choices)) {
			fprintf(stderr, "%s %s: internal error: option --%s does not fit its field, please report it\n",
				llctl_prog, o->cmd, p->name);
			return false;
		}
	}
	return true;
}

int llctl_parse(int argc, char **argv, const struct llctl_opts *o, void *args)
{
	struct option lo[MAX_OPTS + 2] = { { 0 } };
	unsigned char seen[MAX_OPTS] = { 0 };
	char so[3 * MAX_OPTS + 4];
	const struct llctl_opt *p;
	int c;

	if (!table_ok(o))
		return LLCTL_PARSE_ERROR;
	getopt_tables(o, lo, so);
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h') {
			llctl_usage(stdout, o);
			return LLCTL_PARSE_HELP;
		}
		p = find_opt(o, c);
		if (c == '?' || c == ':' || !p) {
			bad_option(o, c, argc, argv);
			return LLCTL_PARSE_ERROR;
		}
		if (seen[p - o->opt]++ && p->type != LLCTL_OPT_LIST &&
		    !(p->flags & LLCTL_OPT_REPEAT)) {
			bad(o, p, NULL, "given twice; give it once");
			return LLCTL_PARSE_ERROR;
		}
		if (take(o, p, optarg, args))
			return LLCTL_PARSE_ERROR;
	}
	if (optind < argc && !o->operands && strcmp(argv[optind - 1], "--")) {
		fprintf(stderr, "%s %s: Unable to parse '%s': takes no operands, see 'llctl help %s'\n",
			llctl_prog, o->cmd, argv[optind], o->cmd);
		return LLCTL_PARSE_ERROR;
	}
	return optind;
}

int llctl_parse_status(int r)
{
	return r == LLCTL_PARSE_HELP ? llctl_stdout_close() : 1;
}

void llctl_opts_free(const struct llctl_opts *o, void *args)
{
	const struct llctl_opt *p;
	struct llctl_cpus *c;

	for (p = o->opt; p->name; p++) {
		if (p->type != LLCTL_OPT_CPUS)
			continue;
		c = (struct llctl_cpus *)((char *)args + p->off);
		free(c->cpu);
		c->cpu = NULL;
		c->n = 0;
	}
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
	if (o->more_help)
		o->more_help(f);
}
