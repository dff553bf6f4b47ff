/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl trace --svg FILE: each syscall's latency histogram, the log2
 * buckets of --hist's text as bars, one panel a syscall (most time
 * first), the buckets the same across panels so they line up.
 */
#ifndef LLCTL_TRACE_HIST_SVG_H
#define LLCTL_TRACE_HIST_SVG_H

#include "trace/summary.h"

/* At most this many panels; the footer says how many more there were. */
#define TRACE_HIST_SVG_MAX	12

/* @h, @n of them (@more not drawn). 0, or -errno (the file is removed). */
int trace_hist_svg(const char *path, const char *title, const struct trace_hist *h, int n,
		   int more);

/*
 * The chart of @s's syscalls into @path: 0, or 1 after saying why it could
 * not be written.
 */
int trace_summary_svg(const struct trace_summary *s, const char *path);

#endif /* LLCTL_TRACE_HIST_SVG_H */
