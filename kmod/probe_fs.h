/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core, false sharing (LLKM_PROBE_FALSE_SHARING): writers
 * each incrementing its own u64 slot; the caller puts the slots on one
 * line (8 bytes apart) or a line each.
 */
#ifndef _LLKM_PROBE_FS_H
#define _LLKM_PROBE_FS_H

#include "probe_base.h"

/* probe_fs_write*() read the TSC once per this many increments. */
#define PROBE_FS_ROUND		256

/*
 * TSC ticks for @n increments of *slot by plain (volatile, unlocked)
 * loads and stores: the compiler can neither merge nor drop them, and
 * each store needs the line in this CPU's cache, which is what writers
 * sharing a line fight over. Each writer opens its own windows
 * (probe_base.h), checked every PROBE_FS_ROUND increments, and times its
 * increments without them; the others write on meanwhile, a few
 * microseconds a millisecond without it.
 */
static inline u64 probe_fs_write(u64 *slot, u64 n)
{
	struct probe_win w;
	u64 t0, i;

	probe_win_start(&w);
	t0 = probe_tsc_begin();
	for (i = 0; i < n; i++) {
		WRITE_ONCE(*slot, READ_ONCE(*slot) + 1);
		/* llctl: no test at all (PROBE_WIN_TICKS is 0). */
		if (PROBE_WIN_TICKS && !(i % PROBE_FS_ROUND) &&
		    probe_win_due(&w, 1))
			probe_win_open(&w);
	}
	return probe_tsc_end() - t0 - w.out;
}

/*
 * The same increments for a time instead of a count: rounds of
 * PROBE_FS_ROUND until the TSC passes @deadline or *stop is set (read
 * once a round; set by another CPU or a signal handler). The increments
 * done. A deadline, not an interval: the TSC is read unserialised, and
 * the caller times the call with probe_tsc_begin()/probe_tsc_end().
 */
static inline u64 probe_fs_write_until(u64 *slot, u64 deadline,
				       const int *stop)
{
	u64 n = 0, i;

	do {
		for (i = 0; i < PROBE_FS_ROUND; i++)
			WRITE_ONCE(*slot, READ_ONCE(*slot) + 1);
		n += PROBE_FS_ROUND;
	} while (probe_rdtsc() < deadline && !READ_ONCE(*stop));
	return n;
}

#endif /* _LLKM_PROBE_FS_H */
