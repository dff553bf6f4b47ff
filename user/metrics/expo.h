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

#define MX_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct mx {
	FILE *f;
	const char *name, *type, *help;	/* the family in progress */
	bool header_done;
	unsigned int families, samples;	/* written so far */
};

void mx_init(struct mx *m, FILE *f);

/* Starts a family: its samples follow. @type: "counter" or "gauge". */
void mx_family(struct mx *m, const char *name, const char *type,
	       const char *help);

/*
 * One sample of the family in progress, with labels given as name, value
 * pairs ended by NULL: mx_sample(m, 1.5, "cpu", "0", NULL).
 */
void mx_sample(struct mx *m, double value, ...) __attribute__((sentinel));

/* The same, for one "cpu" label. */
void mx_sample_cpu(struct mx *m, int cpu, double value);

/* @s as a label value (without the quotes) into @f. */
void mx_write_label_value(FILE *f, const char *s);
/* @v as the format's float into @buf (at least 32 bytes). */
const char *mx_format_value(char *buf, size_t len, double v);

#endif /* LLCTL_METRICS_EXPO_H */
