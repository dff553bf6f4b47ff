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
 *
 * Windows (probe_base.h): ping leads. Every PROBE_C2C_CHECK round trips
 * it checks its stretch; when it is due, it stops its clock and, instead
 * of its next ping, sends that ping with PROBE_C2C_WIN set: pong opens
 * its window and answers, ping opens its own, and the round trip, untimed
 * and not counted, ends before ping's clock starts again. So no window
 * falls inside a timed round trip, and pong's stretches are ping's.
 */
#define PROBE_C2C_WIN		0x4000000000000000ULL	/* bit 62 */
#define PROBE_C2C_CHECK		8

/* ping: TSC ticks for @n round trips, 0 when stopped or unanswered. */
static inline u64 probe_c2c_ping(struct probe_line *line, u64 n,
				 const int *stop)
{
	struct probe_win w;
	u64 seq, i, t0, t1, out;

	if (!PROBE_SUPPORTED)
		return 0;
	probe_win_start(&w);
	/* Even: pong has answered every ping so far (we saw it do so). */
	seq = READ_ONCE(line->v);
	WRITE_ONCE(line->v, seq + 1);
	if (probe_wait_eq(&line->v, seq + 2, stop, &w))
		return 0;
	seq += 2;
	t0 = probe_tsc_begin();
	for (i = 0; i < n; i++) {
		if (!(i % PROBE_C2C_CHECK) && probe_win_due(&w, 1)) {
			t1 = probe_tsc_end();
			out = w.out;
			/* Read by pong's probe_c2c_wait(). */
			WRITE_ONCE(line->v, (seq + 1) | PROBE_C2C_WIN);
			probe_window();
			if (probe_wait_eq(&line->v, seq + 2, stop, &w))
				return 0;
			seq += 2;
			w.t0 = probe_tsc_begin();
			w.out = out;	/* a late pong's window is in this */
			t0 += w.t0 - t1;	/* the clock stopped meanwhile */
		}
		WRITE_ONCE(line->v, seq + 1);	/* read by pong's wait */
		if (probe_wait_eq(&line->v, seq + 2, stop, &w))
			return 0;
		seq += 2;
	}
	return probe_tsc_end() - t0 - w.out;
}

/*
 * pong's wait for ping's @want: 0; 1 when ping asks for a window with it
 * (@want | PROBE_C2C_WIN); -1 when stopped or too long.
 */
static inline int probe_c2c_wait(const u64 *p, u64 want, const int *stop,
				 struct probe_win *w)
{
	struct probe_spin spin;
	u64 v;

	probe_spin_start(&spin);
	/* Ping's WRITE_ONCE() of *p; no ordering needed beyond it. */
	while ((v = READ_ONCE(*p)) != want) {
		if (PROBE_WIN_TICKS && v == (want | PROBE_C2C_WIN))
			return 1;
		if (probe_spin_step(&spin, stop, w))
			return -1;
	}
	return 0;
}

/* pong: answers @n + 1 pings; 0, or -1 when stopped or not pinged. */
static inline int probe_c2c_pong(struct probe_line *line, u64 n,
				 const int *stop)
{
	struct probe_win w;
	u64 seq, i;
	int win;

	if (!PROBE_SUPPORTED)
		return -1;
	probe_win_start(&w);
	/* Ping may have sent its first ping already: round down to even. */
	seq = READ_ONCE(line->v) & ~1ULL;
	for (i = 0; i <= n; i += !win) {
		win = probe_c2c_wait(&line->v, seq + 1, stop, &w);
		if (win < 0)
			return -1;
		seq += 2;
		if (win)		/* ping's window: ours too, not counted */
			probe_win_open(&w);
		WRITE_ONCE(line->v, seq);	/* read by ping's wait */
	}
	return 0;
}

#endif /* _LLKM_PROBE_C2C_H */
