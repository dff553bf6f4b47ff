/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core, litmus tests (LLKM_PROBE_LITMUS): two or four threads
 * run a memory-model test round after round, and thread 0 counts the
 * outcomes. Who writes what: struct probe_litmus below.
 */
#ifndef _LLKM_PROBE_LITMUS_H
#define _LLKM_PROBE_LITMUS_H

#include "probe_base.h"

/*
 * The tests, klitmus7's names; [F] is the architecture's full fence
 * (probe_arch_full_fence(): mfence on x86, dmb ish on arm64) present only
 * when fenced.
 * Registers are read as the outcome's bits, r0 the lowest (the histogram
 * index); "x=2" means the final value of x is 2 (read by thread 0 after
 * the round). The relaxed outcome is the one sequential consistency
 * forbids:
 *
 *   SB    T0: x=1 [F] r0=y         T1: y=1 [F] r1=x
 *         bits r0,r1        relaxed r0=0,r1=0 = 0   x86: allowed; fenced no
 *   MP    T0: x=1 [F] y=1          T1: r0=y [F] r1=x
 *         bits r0,r1        relaxed r0=1,r1=0 = 1   x86: forbidden
 *   LB    T0: r0=x [F] y=1         T1: r1=y [F] x=1
 *         bits r0,r1        relaxed r0=1,r1=1 = 3   x86: forbidden
 *   IRIW  T0: x=1   T1: y=1   T2: r0=x [F] r1=y   T3: r2=y [F] r3=x
 *         bits r0..r3       relaxed r0=1,r1=0,r2=1,r3=0 = 5
 *                                                   x86: forbidden
 *   2+2W  T0: x=1 [F] y=2          T1: y=1 [F] x=2
 *         bits x=2,y=2      relaxed x=1,y=1 = 0     x86: forbidden
 *   R     T0: x=1 [F] y=1          T1: y=2 [F] r0=x
 *         bits r0,y=2       relaxed r0=0,y=2 = 2    x86: allowed (a store
 *                                   then a load, as SB); fenced no
 *
 * Rounds. Every round the threads meet at a barrier; the last to arrive
 * sets a TSC start time PROBE_LITMUS_GO ticks ahead and each thread spins
 * until then, so they start within a few cycles of each other (the TSC
 * is one clock on every CPU). They do their accesses, write their
 * registers (as outcome bits) to their own line, meet again, and thread 0
 * reads the registers and final values and counts the outcome.
 *
 * No location is reset between rounds, which would leave every line in
 * the resetting thread's cache and bias the outcomes: a round writes the
 * value n as (gen << 1) | (n - 1), gen being the round's barrier
 * generation (unique, never 0), and a load that finds an older round's
 * value reads it as the initial 0.
 *
 * The barrier is sense-reversing, with a generation count for the sense
 * (its parity is the sense; its value numbers the rounds). It works from
 * zeroed memory and across calls: the kernel kzalloc()s the struct and
 * calls once per batch.
 */
#define PROBE_LITMUS_THREADS_MAX	4
/* TSC ticks from the barrier's release to the start: above its latency. */
#define PROBE_LITMUS_GO			2048

struct probe_litmus {
	struct probe_line x, y;		/* the tests' locations */
	struct probe_line out[PROBE_LITMUS_THREADS_MAX];  /* thread t's bits */
	struct probe_line arrived;	/* barrier: threads in, this phase */
	struct probe_line gen;		/* barrier: +1 when all are in */
	struct probe_line go;		/* TSC start of this round */
};

static inline int probe_litmus_threads(u32 test)
{
	return test == LLKM_LITMUS_IRIW ? 4 : 2;
}

/* The relaxed outcome's histogram index (see the table above). */
static inline int probe_litmus_relaxed(u32 test)
{
	switch (test) {
	case LLKM_LITMUS_MP:
		return 1;
	case LLKM_LITMUS_LB:
		return 3;
	case LLKM_LITMUS_IRIW:
		return 5;
	case LLKM_LITMUS_R:
		return 2;
	default:			/* SB, 2+2W */
		return 0;
	}
}

/* Whether x86-TSO allows the relaxed outcome (only a store then a load). */
static inline int probe_litmus_allowed_x86(u32 test, int fenced)
{
	return !fenced && (test == LLKM_LITMUS_SB || test == LLKM_LITMUS_R);
}

/*
 * Whether the Armv8 model allows it: every one of these tests' relaxed
 * outcomes without fences (any two accesses to different locations may
 * be reordered; IRIW's readers' loads too); none with a dmb ish between
 * each thread's accesses (Armv8 is other-multi-copy atomic, so IRIW's is
 * forbidden once the readers' loads are ordered).
 */
static inline int probe_litmus_allowed_armv8(u32 test, int fenced)
{
	(void)test;
	return !fenced;
}

/* The model of the architecture built for (PROBE_MODEL_NAME). */
static inline int probe_litmus_allowed(u32 test, int fenced)
{
#ifdef PROBE_MODEL_ARMV8
	return probe_litmus_allowed_armv8(test, fenced);
#else
	return probe_litmus_allowed_x86(test, fenced);
#endif
}

#if PROBE_SUPPORTED

/*
 * Wait for all @nthreads: 0 and the new generation in *gen, or -1. The
 * last to arrive rearms the count and sets the start time before it
 * publishes the generation: smp_store_release() pairs with the
 * smp_load_acquire() of the waiters. The xadd is a full barrier, so
 * everything a thread did before it is visible to thread 0 after it.
 */
static inline int probe_litmus_barrier(struct probe_litmus *l, int nthreads,
				       u64 *gen, const int *stop,
				       struct probe_win *w)
{
	u64 g = READ_ONCE(l->gen.v);	/* cannot move before we arrive */
	struct probe_spin spin;

	if (probe_xadd(&l->arrived.v, 1) == (u64)nthreads - 1) {
		WRITE_ONCE(l->arrived.v, 0);
		WRITE_ONCE(l->go.v, probe_rdtsc() + PROBE_LITMUS_GO);
		/* Pairs with smp_load_acquire() below: arrived, go first. */
		smp_store_release(&l->gen.v, g + 1);
	} else {
		probe_spin_start(&spin);
		/* Pairs with smp_store_release() above. */
		while (smp_load_acquire(&l->gen.v) == g)
			if (probe_spin_step(&spin, stop, w))
				return -1;
	}
	*gen = g + 1;
	return 0;
}

/*
 * Spin (without PAUSE, to start on time) until the round's start; a start
 * further away than it can be (clocks not in step) is not waited for.
 */
static inline void probe_litmus_go(struct probe_litmus *l)
{
	u64 go = READ_ONCE(l->go.v);
	u64 now = probe_rdtsc();

	if (go - now > 2 * PROBE_LITMUS_GO)	/* passed, or out of step */
		return;
	while ((s64)(go - probe_rdtsc()) > 0)
		barrier();
}

/* The fence of a fenced test: probe_arch.h's full barrier (mfence on x86). */
#define __probe_fence(fenced)	do {					\
	if (fenced)							\
		probe_arch_full_fence();				\
} while (0)

/* A round's value n of location @p, and whether a load found it. */
#define __probe_st(p, gen, n)	WRITE_ONCE((p)->v, (gen) << 1 | ((n) - 1))
#define __probe_ld(p, gen)	((READ_ONCE((p)->v) >> 1) == (gen))

/* Thread @tid's accesses in round @gen: its outcome bits. */
static inline u64 probe_litmus_thread(struct probe_litmus *l, u32 test,
				      int fenced, int tid, u64 gen)
{
	u64 a = 0, b = 0;

	switch (test) {
	case LLKM_LITMUS_SB:
		if (tid == 0) {
			__probe_st(&l->x, gen, 1);
			__probe_fence(fenced);
			a = __probe_ld(&l->y, gen);		/* r0 */
			return a;
		}
		__probe_st(&l->y, gen, 1);
		__probe_fence(fenced);
		b = __probe_ld(&l->x, gen);			/* r1 */
		return b << 1;
	case LLKM_LITMUS_MP:
		if (tid == 0) {
			__probe_st(&l->x, gen, 1);
			__probe_fence(fenced);
			__probe_st(&l->y, gen, 1);
			return 0;
		}
		a = __probe_ld(&l->y, gen);			/* r0 */
		__probe_fence(fenced);
		b = __probe_ld(&l->x, gen);			/* r1 */
		return a | b << 1;
	case LLKM_LITMUS_LB:
		if (tid == 0) {
			a = __probe_ld(&l->x, gen);		/* r0 */
			__probe_fence(fenced);
			__probe_st(&l->y, gen, 1);
			return a;
		}
		b = __probe_ld(&l->y, gen);			/* r1 */
		__probe_fence(fenced);
		__probe_st(&l->x, gen, 1);
		return b << 1;
	case LLKM_LITMUS_IRIW:
		switch (tid) {
		case 0:
			__probe_st(&l->x, gen, 1);
			return 0;
		case 1:
			__probe_st(&l->y, gen, 1);
			return 0;
		case 2:
			a = __probe_ld(&l->x, gen);		/* r0 */
			__probe_fence(fenced);
			b = __probe_ld(&l->y, gen);		/* r1 */
			return a | b << 1;
		default:
			a = __probe_ld(&l->y, gen);		/* r2 */
			__probe_fence(fenced);
			b = __probe_ld(&l->x, gen);		/* r3 */
			return a << 2 | b << 3;
		}
	case LLKM_LITMUS_2_2W:
		if (tid == 0) {
			__probe_st(&l->x, gen, 1);
			__probe_fence(fenced);
			__probe_st(&l->y, gen, 2);
			return 0;
		}
		__probe_st(&l->y, gen, 1);
		__probe_fence(fenced);
		__probe_st(&l->x, gen, 2);
		return 0;
	case LLKM_LITMUS_R:
		if (tid == 0) {
			__probe_st(&l->x, gen, 1);
			__probe_fence(fenced);
			__probe_st(&l->y, gen, 1);
			return 0;
		}
		__probe_st(&l->y, gen, 2);
		__probe_fence(fenced);
		a = __probe_ld(&l->x, gen);			/* r0 */
		return a;
	}
	return 0;
}

/* Thread 0, after a round: the registers and the final values as bits. */
static inline u64 probe_litmus_outcome(struct probe_litmus *l, u32 test,
				       int nthreads)
{
	u64 bits = 0;
	int t;

	for (t = 0; t < nthreads; t++)
		bits |= READ_ONCE(l->out[t].v);
	/* A final value 2 is the low bit set (__probe_st). */
	if (test == LLKM_LITMUS_2_2W)
		bits |= (READ_ONCE(l->x.v) & 1) | (READ_ONCE(l->y.v) & 1) << 1;
	else if (test == LLKM_LITMUS_R)
		bits |= (READ_ONCE(l->y.v) & 1) << 1;
	return bits & (LLKM_LITMUS_OUTCOMES_MAX - 1);
}

/*
 * Thread @tid's part of @rounds rounds of @test (enum llkm_litmus_test),
 * with its fences when @fenced. Thread 0 adds each round's outcome to
 * @hist (LLKM_LITMUS_OUTCOMES_MAX counters; the others may pass NULL).
 * 0, or -1 when stopped or a peer did not come. A thread opens its
 * windows (probe_base.h) before a round's first barrier, where the others
 * only wait for it: nothing is timed there, and the round starts together
 * after it.
 */
static inline int probe_litmus_run(struct probe_litmus *l, u32 test,
				   int fenced, int tid, u64 rounds, u64 *hist,
				   const int *stop)
{
	int nthreads = probe_litmus_threads(test);
	struct probe_win w;
	u64 r, gen;

	probe_win_start(&w);
	for (r = 0; r < rounds; r++) {
		if (probe_win_due(&w, 1))
			probe_win_open(&w);
		if (probe_litmus_barrier(l, nthreads, &gen, stop, &w))
			return -1;
		probe_litmus_go(l);
		/* Read by thread 0 after the next barrier. */
		WRITE_ONCE(l->out[tid].v,
			   probe_litmus_thread(l, test, fenced, tid, gen));
		if (probe_litmus_barrier(l, nthreads, &gen, stop, &w))
			return -1;
		if (tid == 0)
			hist[probe_litmus_outcome(l, test, nthreads)]++;
	}
	return 0;
}

#else /* !PROBE_SUPPORTED */

static inline int probe_litmus_run(struct probe_litmus *l, u32 test,
				   int fenced, int tid, u64 rounds, u64 *hist,
				   const int *stop)
{
	(void)l;
	(void)test;
	(void)fenced;
	(void)tid;
	(void)rounds;
	(void)hist;
	(void)stop;
	return -1;
}

#endif /* PROBE_SUPPORTED */

#endif /* _LLKM_PROBE_LITMUS_H */
