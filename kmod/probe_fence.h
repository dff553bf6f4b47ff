/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core, fences (LLKM_PROBE_FENCE): the cost of one ordering
 * primitive, run back to back by one thread on scratch, its own line.
 */
#ifndef _LLKM_PROBE_FENCE_H
#define _LLKM_PROBE_FENCE_H

#include "probe_base.h"

/* probe_fence_batch() runs its op this many times per loop turn. */
#define PROBE_UNROLL		8
/* ... and checks for a window (probe_base.h) every this many turns. */
#define PROBE_FENCE_CHECK	128

/*
 * Whether this build runs @op (enum llkm_fence_op): the common ops, this
 * architecture's own (probe_arch_fence_has()) and, in llctl, the C11
 * ones. Whether this CPU has the feature an op needs is the caller's
 * question (llkm_arch_fence_why() in the module).
 */
static inline int probe_fence_op_built(u32 op)
{
	switch (op) {
	case LLKM_FENCE_EMPTY:
	case LLKM_FENCE_COMPILER:
	case LLKM_FENCE_SMP_RMB:
	case LLKM_FENCE_SMP_WMB:
	case LLKM_FENCE_SMP_MB:
	case LLKM_FENCE_STORE_RELEASE:
	case LLKM_FENCE_LOAD_ACQUIRE:
		return PROBE_SUPPORTED;
#ifdef PROBE_HAVE_C11_ATOMICS
	case LLKM_FENCE_ATOMIC_RELAXED:
	case LLKM_FENCE_ATOMIC_ACQUIRE:
	case LLKM_FENCE_ATOMIC_RELEASE:
	case LLKM_FENCE_ATOMIC_ACQ_REL:
	case LLKM_FENCE_ATOMIC_SEQ_CST:
		return PROBE_SUPPORTED;
#endif
	}
#if PROBE_SUPPORTED
	return probe_arch_fence_has(op);
#else
	return 0;
#endif
}

#if PROBE_SUPPORTED

/*
 * One run of @op (enum llkm_fence_op) on @s, a line this CPU owns; the
 * value a load read, else 0. The ops:
 *
 *   EMPTY                nothing: the loop alone
 *   COMPILER             barrier(): no instruction, so it costs the loop
 *   SMP_RMB, SMP_WMB     barrier() on x86, likewise; dmb ishld, dmb
 *                        ishst on arm64
 *   SMP_MB               the kernel's: lock; addl $0,-4(%rsp) on x86,
 *                        dmb ish on arm64
 *   STORE_RELEASE        smp_store_release() to s: a plain mov on x86,
 *                        stlr on arm64
 *   LOAD_ACQUIRE         smp_load_acquire() of s: a plain mov on x86,
 *                        ldar on arm64
 *   the architecture's   probe_arch_fence_op() (probe_arch.h): on x86
 *                        MFENCE, LFENCE, SFENCE, LOCK_ADD, XCHG, CMPXCHG;
 *                        on arm64 the dmbs, dsb, isb, ldar, stlr, ldapr,
 *                        LSE's atomics and their LL/SC loops
 *   ATOMIC_*             __atomic_fetch_add(s, 1, order), C11's
 *                        atomic_fetch_add_explicit(): with
 *                        PROBE_HAVE_C11_ATOMICS only (llctl)
 *
 * Only ever called with a constant @op (__always_inline): the switch
 * folds away and the loops below hold the bare op.
 */
static __always_inline u64 probe_fence_op(u32 op, struct probe_line *s)
{
	u64 v = 0;

	switch (op) {
	case LLKM_FENCE_COMPILER:
		barrier();
		break;
	case LLKM_FENCE_SMP_RMB:
		smp_rmb();	/* timed alone: nothing to pair with */
		break;
	case LLKM_FENCE_SMP_WMB:
		smp_wmb();	/* timed alone: nothing to pair with */
		break;
	case LLKM_FENCE_SMP_MB:
		smp_mb();	/* timed alone: nothing to pair with */
		break;
	case LLKM_FENCE_STORE_RELEASE:
		/* Timed alone: no smp_load_acquire() pairs with it. */
		smp_store_release(&s->v, 0);
		break;
	case LLKM_FENCE_LOAD_ACQUIRE:
		/* Timed alone: no smp_store_release() pairs with it. */
		v = smp_load_acquire(&s->v);
		break;
#ifdef PROBE_HAVE_C11_ATOMICS
	case LLKM_FENCE_ATOMIC_RELAXED:
		__atomic_fetch_add(&s->v, 1, __ATOMIC_RELAXED);
		break;
	case LLKM_FENCE_ATOMIC_ACQUIRE:
		__atomic_fetch_add(&s->v, 1, __ATOMIC_ACQUIRE);
		break;
	case LLKM_FENCE_ATOMIC_RELEASE:
		__atomic_fetch_add(&s->v, 1, __ATOMIC_RELEASE);
		break;
	case LLKM_FENCE_ATOMIC_ACQ_REL:
		__atomic_fetch_add(&s->v, 1, __ATOMIC_ACQ_REL);
		break;
	case LLKM_FENCE_ATOMIC_SEQ_CST:
		__atomic_fetch_add(&s->v, 1, __ATOMIC_SEQ_CST);
		break;
#endif
	default:
		/* This architecture's own: probe_arch.h. */
		v = probe_arch_fence_op(op, s);
		break;
	}
	return v;
}

/*
 * TSC ticks for @n runs of constant @op between serialised TSC reads,
 * PROBE_UNROLL (8) per loop turn: the loop costs a decrement and a branch
 * per turn whatever the op, and LLKM_FENCE_EMPTY measures exactly that to
 * subtract. The barrier() per turn keeps the compiler from merging or
 * moving ops across turns; what loads read is summed into s->pad[0], so
 * none of them is dead code. Every PROBE_FENCE_CHECK turns the loop may
 * open a window (probe_base.h), which its ticks leave out.
 */
static __always_inline u64 probe_fence_loop(u32 op, u64 n,
					    struct probe_line *s)
{
	u64 t0, t1, i, acc = 0;
	struct probe_win w;

	probe_win_start(&w);
	t0 = probe_tsc_begin();
	for (i = n / PROBE_UNROLL; i; i--) {
		acc += probe_fence_op(op, s);
		acc += probe_fence_op(op, s);
		acc += probe_fence_op(op, s);
		acc += probe_fence_op(op, s);
		acc += probe_fence_op(op, s);
		acc += probe_fence_op(op, s);
		acc += probe_fence_op(op, s);
		acc += probe_fence_op(op, s);
		barrier();
		/* llctl: no test at all (PROBE_WIN_TICKS is 0). */
		if (PROBE_WIN_TICKS && !(i % PROBE_FENCE_CHECK) &&
		    probe_win_due(&w, 1))
			probe_win_open(&w);
	}
	for (i = n % PROBE_UNROLL; i; i--) {
		acc += probe_fence_op(op, s);
		barrier();
	}
	t1 = probe_tsc_end();
	WRITE_ONCE(s->pad[0], acc);
	return t1 - t0 - w.out;
}

/* probe_arch_fence_batch(): the architecture's ops, each a constant. */
#if defined(__x86_64__)
#include "arch/x86/probe_fence_arch.h"
#elif defined(__aarch64__)
#include "arch/arm64/probe_fence_arch.h"
#endif

/*
 * TSC ticks for @n runs of @op (enum llkm_fence_op, see probe_fence_op())
 * back to back on @scratch, a line this CPU owns. Back to back, an op
 * costs its throughput or, for the serialising ones, its latency. 0 for
 * an op this build does not have (the C11 ones in the kernel).
 */
static inline u64 probe_fence_batch(u32 op, u64 n, struct probe_line *scratch)
{
	WRITE_ONCE(scratch->v, 0);
	switch (op) {
	case LLKM_FENCE_EMPTY:
		return probe_fence_loop(LLKM_FENCE_EMPTY, n, scratch);
	case LLKM_FENCE_COMPILER:
		return probe_fence_loop(LLKM_FENCE_COMPILER, n, scratch);
	case LLKM_FENCE_SMP_RMB:
		return probe_fence_loop(LLKM_FENCE_SMP_RMB, n, scratch);
	case LLKM_FENCE_SMP_WMB:
		return probe_fence_loop(LLKM_FENCE_SMP_WMB, n, scratch);
	case LLKM_FENCE_SMP_MB:
		return probe_fence_loop(LLKM_FENCE_SMP_MB, n, scratch);
	case LLKM_FENCE_STORE_RELEASE:
		return probe_fence_loop(LLKM_FENCE_STORE_RELEASE, n, scratch);
	case LLKM_FENCE_LOAD_ACQUIRE:
		return probe_fence_loop(LLKM_FENCE_LOAD_ACQUIRE, n, scratch);
#ifdef PROBE_HAVE_C11_ATOMICS
	case LLKM_FENCE_ATOMIC_RELAXED:
		return probe_fence_loop(LLKM_FENCE_ATOMIC_RELAXED, n, scratch);
	case LLKM_FENCE_ATOMIC_ACQUIRE:
		return probe_fence_loop(LLKM_FENCE_ATOMIC_ACQUIRE, n, scratch);
	case LLKM_FENCE_ATOMIC_RELEASE:
		return probe_fence_loop(LLKM_FENCE_ATOMIC_RELEASE, n, scratch);
	case LLKM_FENCE_ATOMIC_ACQ_REL:
		return probe_fence_loop(LLKM_FENCE_ATOMIC_ACQ_REL, n, scratch);
	case LLKM_FENCE_ATOMIC_SEQ_CST:
		return probe_fence_loop(LLKM_FENCE_ATOMIC_SEQ_CST, n, scratch);
#endif
	default:
		return probe_arch_fence_batch(op, n, scratch);
	}
}

#else /* !PROBE_SUPPORTED */

static inline u64 probe_fence_batch(u32 op, u64 n, struct probe_line *scratch)
{
	(void)op;
	(void)n;
	(void)scratch;
	return 0;
}

#endif /* PROBE_SUPPORTED */

#endif /* _LLKM_PROBE_FENCE_H */
