/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core, core to core (LLKM_PROBE_C2C): cache-line round trips
 * between two threads. line->v: ping writes odd values, pong even ones;
 * each waits for the other's next value, so the line crosses between the
 * two CPUs twice per round trip.
 */
#ifndef _LLKM_PROBE_C2C_H
#define _LLKM_PROBE_C2C_H

#include "probe_base.h"

/*
 * line->v counts the line's moves: ping writes odd values (seq + 1), pong
 * answers with the next even one (seq + 2). Every call starts where the
 * last one ended, so the same line serves batch after batch (a zeroed
 * line starts at 0). Both sides call with the same @n; each call makes
 * one untimed round first, so both are inside their loops when ping's
 * clock starts. Round trip = both moves; one-way is half of it.
 */

/* ping: TSC ticks for @n round trips, 0 when stopped or unanswered. */
static inline u64 probe_c2c_ping(struct probe_line *line, u64 n,
				 const int *stop)
{
	u64 seq, i, t0;

	if (!PROBE_SUPPORTED)
		return 0;
	/* Even: pong has answered every ping so far (we saw it do so). */
	seq = READ_ONCE(line->v);
	WRITE_ONCE(line->v, seq + 1);
	if (probe_wait_eq(&line->v, seq + 2, stop))
		return 0;
	seq += 2;
	t0 = probe_tsc_begin();
	for (i = 0; i < n; i++) {
		WRITE_ONCE(line->v, seq + 1);	/* read by pong's wait */
		if (probe_wait_eq(&line->v, seq + 2, stop))
			return 0;
		seq += 2;
	}
	return probe_tsc_end() - t0;
}

/* pong: answers @n + 1 pings; 0, or -1 when stopped or not pinged. */
static inline int probe_c2c_pong(struct probe_line *line, u64 n,
				 const int *stop)
{
	u64 seq, i;

	if (!PROBE_SUPPORTED)
		return -1;
	/* Ping may have sent its first ping already: round down to even. */
	seq = READ_ONCE(line->v) & ~1ULL;
	for (i = 0; i <= n; i++) {
		if (probe_wait_eq(&line->v, seq + 1, stop))
			return -1;
		seq += 2;
		WRITE_ONCE(line->v, seq);	/* read by ping's wait */
	}
	return 0;
}

#endif /* _LLKM_PROBE_C2C_H */
