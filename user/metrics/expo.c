// SPDX-License-Identifier: GPL-2.0
/*
 * The exposition writer: a family's header goes out with its first
 * sample, so a family without samples leaves no trace.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/expo.h"

void met_expo_init(struct met_expo *m, FILE *f)
{
	memset(m, 0, sizeof(*m));
	m->f = f;
}

void met_expo_family(struct met_expo *m, const char *name, const char *type,
		     const char *help)
{
	m->name = name;
	m->type = type;
	m->help = help;
	m->header_done = false;
}

static void write_help(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

void met_expo_write_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

const char *met_expo_format_value(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, "%sInf", v > 0 ? "+" : "-");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)	/* 2^53 */
		snprintf(buf, len, "%.0f", v);
	else if (snprintf(buf, len, "%.15g", v) > 0 && strtod(buf, NULL) != v)
		snprintf(buf, len, "%.17g", v);	/* the shortest that reads back */
	return buf;
}

static void header(struct met_expo *m)
{
	if (m->header_done)
		return;
	fprintf(m->f, "# HELP %s ", m->name);
	write_help(m->f, m->help);
	fprintf(m->f, "\n# TYPE %s %s\n", m->name, m->type);
	m->header_done = true;
	m->families++;
}

static void vsample(struct met_expo *m, double value, va_list ap)
{
	const char *k, *v;
	char buf[64];
	int n = 0;

	header(m);
	fputs(m->name, m->f);
	while ((k = va_arg(ap, const char *))) {
		v = va_arg(ap, const char *);
		fprintf(m->f, "%s%s=\"", n++ ? "," : "{", k);
		met_expo_write_label_value(m->f, v ? v : "");
		fputc('"', m->f);
	}
	if (n)
		fputc('}', m->f);
	fprintf(m->f, " %s\n", met_expo_format_value(buf, sizeof(buf), value));
	m->samples++;
}

void met_expo_sample(struct met_expo *m, double value, ...)
{
	va_list ap;

	va_start(ap, value);
	vsample(m, value, ap);
	va_end(ap);
}

void met_expo_sample_cpu(struct met_expo *m, int cpu, double value)
{
	char c[16];

	snprintf(c, sizeof(c), "%d", cpu);
	met_expo_sample(m, value, "cpu", c, (char *)NULL);
}
