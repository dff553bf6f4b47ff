/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl fence's verdict on one op and how each verdict is shown. An op's
 * cost (TSC ticks per op over the batches, the empty loop's median
 * subtracted) is printed as a cost only when it is
 *  - above the empty loop's noise: else "below_resolution", "~0" in text
 *    and 0 in JSON (min and median; p99 blank and null);
 *  - at most 1 us a op (LLCTL_PLAUS_FENCE_NS): else "implausible", said
 *    so in text and null in JSON, with the reason;
 * and it is "unstable" when its batches disagree (spread above
 * COH_FENCE_UNSTABLE). Every flag comes with its reason (docs/json.md).
 */
#ifndef LLCTL_COHERENCY_FENCE_H
#define LLCTL_COHERENCY_FENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "coherency/stats.h"
#include "lib/plausible.h"

struct json_object;
struct llctl_text_table;

/* (p99 - min) / median above this: the batches disagree. */
#define COH_FENCE_UNSTABLE	0.5

struct coh_fence_op {
	struct coh_stats cycles;	/* per op, the loop subtracted */
	/* NULL, "below_resolution", "implausible" or "unstable" */
	const char *flag;
	char reason[512];		/* why the flag; "" without one */
};

/*
 * Flags @op: below @noise ticks a op (the loop's own variation, at least
 * one tick) it is below resolution; above 1 us at @tsc_khz implausible.
 */
void coh_fence_judge(struct coh_fence_op *op, double noise, double tsc_khz);

/* @ticks in ns at @tsc_khz; 0 for a value not above 0. */
double coh_fence_ns(double ticks, double tsc_khz);

/*
 * {"op", "cycles": {min, median, p99}, "ns": {...}, "spread", "flag",
 * "reason"} of @op, named @name.
 */
struct json_object *coh_fence_op_json(const char *name,
				      const struct coh_fence_op *op,
				      double tsc_khz);

/*
 * The text table (lib/text.h): op, then min, median and p99 in cycles and
 * in ns per op, the spread and a footnote mark; NULL when out of memory.
 */
struct llctl_text_table *coh_fence_table(void);

/* @op's row of @t, with its footnote mark ([1], [2], [3]). */
void coh_fence_op_row(struct llctl_text_table *t, const char *name,
		      const struct coh_fence_op *op, double tsc_khz);

/*
 * Adds @key to @o: @ticks, or null and KEY_reason when @ticks at @tsc_khz
 * fail @k's gate in ns (the empty loop's per op: LLCTL_PLAUS_FENCE_NS; a
 * TSC read pair: LLCTL_PLAUS_TSC_PAIR_NS). Returns whether it passed.
 */
bool coh_fence_ticks_json(struct json_object *o, const char *key,
			  double ticks, double tsc_khz, enum llctl_plaus k);

/* "%.2f" of @ticks (@fmt), or "implausible (...)" as above, into @buf. */
const char *coh_fence_ticks_text(double ticks, double tsc_khz,
				 enum llctl_plaus k, const char *fmt,
				 char *buf, size_t len);

/*
 * The chart of llctl fence --svg: per op a bar to its median and whiskers
 * min..p99, in ns; a log axis when the costs span more than 10x (one slow
 * op no longer flattens the rest), linear otherwise; the legend in a band
 * below the axis. @name[i] and @op[i], @n of them, @title on top.
 * 0, or -errno (the file is removed).
 */
int coh_fence_svg(const char *path, const char *title, const char *const *name,
		  const struct coh_fence_op *op, int n, double tsc_khz);

#endif /* LLCTL_COHERENCY_FENCE_H */
