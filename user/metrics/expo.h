/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition format, version 0.0.4, as llctl metrics
 * writes it (https://prometheus.io/docs/instrumenting/exposition_formats/):
 *
 *   # HELP NAME text, with '\' and newline escaped as \\ and \n
 *   # TYPE NAME counter|gauge
 *   NAME{label="value",...} VALUE
 *
 * Label values escape '\', '"' and newline; VALUE is a Go float: NaN,
 * +Inf, -Inf, or a number (integers below 2^53 exactly, without exponent).
 *
 * A family's HELP and TYPE lines are written with its first sample only,
 * so a family nothing was measured for is absent from the output, never
 * a zero and never a header without samples.
 */
#ifndef LLCTL_METRICS_EXPO_H
#define LLCTL_METRICS_EXPO_H

#include <stdbool.h>
#include <stdio.h>

#define MET_EXPO_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct met_expo {
	FILE *f;
	const char *name, *type, *help;	/* the family in progress */
	bool header_done;
	unsigned int families, samples;	/* written so far */
};

void met_expo_init(struct met_expo *m, FILE *f);

/* Starts a family: its samples follow. @type: "counter" or "gauge". */
void met_expo_family(struct met_expo *m, const char *name, const char *type,
		     const char *help);

/*
 * One sample of the family in progress, with labels given as name, value
 * pairs ended by NULL: met_expo_sample(m, 1.5, "cpu", "0", NULL).
 */
void met_expo_sample(struct met_expo *m, double value, ...) __attribute__((sentinel));

/* The same, for one "cpu" label. */
void met_expo_sample_cpu(struct met_expo *m, int cpu, double value);

/* @s as a label value (without the quotes) into @f. */
void met_expo_write_label_value(FILE *f, const char *s);
/* @v as the format's float into @buf (at least 32 bytes). */
const char *met_expo_format_value(char *buf, size_t len, double v);

#endif /* LLCTL_METRICS_EXPO_H */
