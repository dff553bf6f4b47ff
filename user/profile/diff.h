/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl report --diff A B: two perf.data files compared as perf diff does
 * (rows keyed by dso and symbol, Baseline % of A, Delta % = B's % - A's %,
 * sorted by |Delta| most first, rows of A only last), or two files of
 * llctl profile --json -o (each event's count: baseline, new, delta %).
 */
#ifndef LLCTL_PROFILE_DIFF_H
#define LLCTL_PROFILE_DIFF_H

#include <stdbool.h>

/* @files: A and B (@n must be 2). The command's exit status. */
int prof_diff_main(int n, char **files, bool json, bool demangle);

#endif /* LLCTL_PROFILE_DIFF_H */
