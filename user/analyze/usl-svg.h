/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl analyze --svg FILE: the scaling chart. The measured throughput
 * per thread count (dots), the fitted USL curve, and its peak N* =
 * sqrt((1 - sigma) / kappa) marked (a dashed line in the group of id
 * "usl-peak"), or why there is no fit or no peak. Linear axes from 0.
 */
#ifndef LLCTL_ANALYZE_USL_SVG_H
#define LLCTL_ANALYZE_USL_SVG_H

#include <stddef.h>

#include "analyze/usl.h"

/* What the chart shows: @p, @m the points measured; @f the fit, or NULL with @why. */
struct an_usl_chart {
	const char *title, *ylabel;
	const struct an_usl_point *p;
	size_t m;
	const struct an_usl_fit *f;
	const char *why;
};

/* 0, or -errno (the file is removed). */
int an_usl_svg(const char *path, const struct an_usl_chart *c);

#endif /* LLCTL_ANALYZE_USL_SVG_H */
