/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core, basics: what every probe kind builds on. Included by
 * each kind's header; the includer provides what probe_core.h lists.
 *
 * Time is the probe clock, read serialised: probe_tsc_begin() (nothing
 * earlier is still executing), probe_tsc_end() (everything earlier has
 * executed, nothing later has started). On x86-64 the TSC ("lfence;
 * rdtsc", "rdtscp; lfence"), on arm64 the generic timer (CNTVCT_EL0
 * between isbs): each arch/ARCH/probe_arch.h says how. "TSC" below means
 * that clock. Its ticks run at a constant rate (tsc_khz) on every CPU
 * this targets: reference ticks, not core clock cycles.
 *
 * Spins. Every wait on another thread reads *stop with READ_ONCE() (it is
 * set by another CPU, or a signal handler) and gives up after
 * PROBE_SPIN_TICKS of the TSC, half a second to a second at 2 to 4 GHz,
 * or PROBE_SPIN_MAX spins, whichever comes first (probe_spin_over()): a
 * peer that never comes cannot hang a CPU that runs with interrupts off,
 * however slow a PAUSE is (10 to 140 cycles natively; an emulator's can
 * be a hundred times slower, which a bound in spins alone let grow past
 * RCU's stall timeout). A probe that gives up says so (0 cycles, or -1)
 * and leaves its shared state unfinished: zero it before reusing it.
 * Waits PAUSE (cpu_relax()) each spin: it also makes a ping-pong faster,
 * as the core leaves the spin without a memory-order machine clear.
 */
#ifndef _LLKM_PROBE_BASE_H
#define _LLKM_PROBE_BASE_H

/*
 * One variable alone on 128 bytes: x86 fetches cache lines in adjacent
 * pairs (the spatial prefetcher), so a 64-byte neighbour would still be
 * pulled along with it.
 */
#define PROBE_LINE_SIZE		128

struct probe_line {
	u64 v;
	u64 pad[PROBE_LINE_SIZE / sizeof(u64) - 1];
} __aligned(PROBE_LINE_SIZE);

/*
 * PROBE_SUPPORTED, the clock (probe_tsc_begin(), probe_tsc_end(),
 * probe_rdtsc()) and the architecture's own code.
 */
#include "probe_arch.h"

/*
 * A waiter gives up after this many ticks of the probe clock (an
 * architecture whose clock is slower than a TSC sets its own), or this
 * many spins.
 */
#ifndef PROBE_SPIN_TICKS
#define PROBE_SPIN_TICKS	0x80000000ULL	/* 2^31 */
#endif
#define PROBE_SPIN_MAX		(32U << 20)

/* ------------------------------------------------------------------ */
/* Windows: interrupts on, now and then                                */
/* ------------------------------------------------------------------ */

/*
 * The kernel runs a batch with preemption and interrupts off. So that no
 * CPU goes without serving interrupts for more than about a millisecond,
 * however much work a batch holds, every probe stops now and then where no
 * peer waits on it for anything timed and opens a window: interrupts on,
 * then off again (the includer's probe_window()), preemption staying off,
 * so that a peer spinning for it with interrupts off waits for interrupt
 * handling at most, never for another task. A thread opens one when its
 * stretch with interrupts off has lasted PROBE_WIN_TICKS (the kernel's:
 * a millisecond of the TSC), a check of one unserialised TSC read made
 * every so many iterations, as each kind says; a thread spinning for a
 * peer opens one when its stretch has lasted twice that (the peer is
 * late: probe_win_wait()). The ticks a window takes, from a serialised
 * TSC read before it to one after it, add up in w->out, which a probe
 * takes out of its sample: a sample is the sum of its stretches.
 *
 * llctl's threads run with interrupts on: there PROBE_WIN_TICKS is 0 and
 * every check and window compiles to nothing.
 */
#ifndef PROBE_WIN_TICKS
#define PROBE_WIN_TICKS		0ULL
#define probe_window()		do { } while (0)
#endif

struct probe_win {
	u64 t0;			/* this stretch began: unserialised TSC */
	u64 out;		/* TSC ticks in windows, in no sample */
};

static inline void probe_win_start(struct probe_win *w)
{
	w->out = 0;
	w->t0 = PROBE_WIN_TICKS ? probe_rdtsc() : 0;
}

/* 1 when the stretch has lasted @bounds times PROBE_WIN_TICKS. */
static inline int probe_win_due(const struct probe_win *w, u32 bounds)
{
	return PROBE_WIN_TICKS &&
	       probe_rdtsc() - w->t0 >= bounds * (u64)PROBE_WIN_TICKS;
}

/* A window now: interrupts on and off; its ticks go to w->out. */
static inline void probe_win_open(struct probe_win *w)
{
	u64 t0, t1;

	if (!PROBE_WIN_TICKS)
		return;
	t0 = probe_tsc_end();
	probe_window();
	t1 = probe_tsc_begin();
	w->out += t1 - t0;
	w->t0 = t1;
}

/* In a spin for a peer: a window only once the peer is late. */
static inline void probe_win_wait(struct probe_win *w)
{
	if (probe_win_due(w, 2))
		probe_win_open(w);
}

/* A wait's bound: when it began, and how many spins so far. */
struct probe_spin {
	u64 t0;
	u32 n;
};

static inline void probe_spin_start(struct probe_spin *s)
{
	s->t0 = probe_rdtsc();
	s->n = 0;
}

/* Counts a spin: 1 when the wait has lasted too long (the TSC read 1 in 256). */
static inline int probe_spin_over(struct probe_spin *s)
{
	if (++s->n >= PROBE_SPIN_MAX)
		return 1;
	return !(s->n & 255) && probe_rdtsc() - s->t0 > PROBE_SPIN_TICKS;
}

/*
 * One spin of a wait: -1 when *@stop is set or the wait is too long;
 * every 256 spins a window may open (@w's stretch, probe_win_wait()).
 */
static inline int probe_spin_step(struct probe_spin *spin, const int *stop,
				  struct probe_win *w)
{
	if (READ_ONCE(*stop) || probe_spin_over(spin))
		return -1;
	if (!(spin->n & 255))
		probe_win_wait(w);
	cpu_relax();
	return 0;
}

/*
 * Wait until *p == want. *stop is set by another CPU (or a signal handler
 * in llctl) and read every spin; every 256 spins the wait may open a
 * window (@w's stretch, probe_win_wait()). 0, or -1 when stopped or too
 * long.
 */
static inline int probe_wait_eq(const u64 *p, u64 want, const int *stop,
				struct probe_win *w)
{
	struct probe_spin spin;

	probe_spin_start(&spin);
	/* The peer's WRITE_ONCE() of *p; no ordering needed beyond it. */
	while (READ_ONCE(*p) != want)
		if (probe_spin_step(&spin, stop, w))
			return -1;
	return 0;
}

#endif /* _LLKM_PROBE_BASE_H */
