/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's half of the probe core (the interface: kmod/probe_arch.h).
 *
 * Time is the generic timer's virtual count, CNTVCT_EL0, which EL0 reads
 * too (Linux sets CNTKCTL_EL1.EL0VCTEN for the vDSO). It ticks at
 * CNTFRQ_EL0 on every CPU: 1 GHz from Armv8.6 on, but often 25 to 125 MHz
 * before (Ampere Altra 25 MHz, Graviton2 121.875 MHz, QEMU's virt board
 * 62.5 MHz), 8 to 40 ns a tick, so a batch must last many ticks where a
 * TSC's would last one. An isb before the read keeps it from being taken
 * before the instructions ahead of it (the kernel's
 * __arch_counter_get_cntvct() does the same); one after it keeps the ones
 * that follow from starting before it.
 */
#ifndef _LLKM_ARCH_ARM64_PROBE_ARCH_H
#define _LLKM_ARCH_ARM64_PROBE_ARCH_H

#define PROBE_SUPPORTED		1
#define PROBE_ARCH_NAME		"arm64"
#define PROBE_CLOCK_NAME	"generic timer (CNTVCT_EL0)"

/* Ticks a second, as firmware set CNTFRQ_EL0 (readable at EL0). */
static inline u64 probe_clock_hz(void)
{
	u64 f;

	asm volatile("mrs %0, cntfrq_el0" : "=r" (f));
	return f;
}

/* A waiter gives up after half a second of the timer (probe_base.h). */
#define PROBE_SPIN_TICKS	(probe_clock_hz() / 2)

/* Nothing before it is still executing when the count is read. */
static inline u64 probe_tsc_begin(void)
{
	u64 t;

	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r" (t) : : "memory");
	return t;
}

/* Everything before it has executed, and nothing after it has started. */
static inline u64 probe_tsc_end(void)
{
	u64 t;

	asm volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r" (t) : : "memory");
	return t;
}

/* Unserialised, for start times and deadlines, never for intervals. */
static inline u64 probe_rdtsc(void)
{
	u64 t;

	asm volatile("mrs %0, cntvct_el0" : "=r" (t));
	return t;
}

/*
 * The old value; fully ordered as the kernel's LL/SC atomics are (a
 * release store-exclusive, then dmb ish), on every Armv8 CPU, with or
 * without LSE.
 */
static inline u64 probe_xadd(u64 *p, u64 v)
{
	u64 old, tmp;
	u32 fail;

	asm volatile("1:\tldxr %[old], %[m]\n\t"
		     "add %[tmp], %[old], %[v]\n\t"
		     "stlxr %w[fail], %[tmp], %[m]\n\t"
		     "cbnz %w[fail], 1b\n\t"
		     "dmb ish"
		     : [old] "=&r" (old), [tmp] "=&r" (tmp), [fail] "=&r" (fail),
		       [m] "+Q" (*p)
		     : [v] "r" (v)
		     : "memory");
	return old;
}

/*
 * Whether @op is one of arm64's own fence ops (probe_arch_fence_op();
 * their batches: arch/arm64/probe_fence_arch.h).
 */
static inline int probe_arch_fence_has(u32 op)
{
	return op >= LLKM_FENCE_DMB_ISH && op <= LLKM_FENCE_LLSC_CAS;
}

/*
 * arm64's own fence ops on @s, a line this CPU owns (probe_fence_op()):
 *
 *   DMB_ISH, DMB_ISHLD, DMB_ISHST   the barriers smp_mb(), smp_rmb() and
 *                        smp_wmb() are on arm64
 *   DSB_SY               waits for every access to complete, system-wide
 *   ISB                  refetches what follows: the pipeline's depth
 *   LDAR, STLR           load-acquire and store-release of s
 *   LDAPR                load-acquire RCpc (FEAT_LRCPC: llkm_arch.h and
 *                        llctl check the CPU has it)
 *   LDADDAL, SWPAL, CASAL  LSE's fully ordered add, swap and compare-and-
 *                        swap on s (FEAT_LSE, checked likewise); the CAS
 *                        expects 0 and writes 0: it always succeeds
 *   LLSC_ADD, LLSC_SWP, LLSC_CAS  the same three as ldaxr/stlxr loops,
 *                        what a CPU without LSE runs
 *
 * The value a load read (LDAR, LDAPR), else 0; nothing for another op.
 */
static __always_inline u64 probe_arch_fence_op(u32 op, struct probe_line *s)
{
	u64 v = 0, one = 1, t;
	u32 fail;

	switch (op) {
	case LLKM_FENCE_DMB_ISH:
		asm volatile("dmb ish" : : : "memory");
		break;
	case LLKM_FENCE_DMB_ISHLD:
		asm volatile("dmb ishld" : : : "memory");
		break;
	case LLKM_FENCE_DMB_ISHST:
		asm volatile("dmb ishst" : : : "memory");
		break;
	case LLKM_FENCE_DSB_SY:
		asm volatile("dsb sy" : : : "memory");
		break;
	case LLKM_FENCE_ISB:
		asm volatile("isb" : : : "memory");
		break;
	case LLKM_FENCE_LDAR:
		asm volatile("ldar %0, %1" : "=r" (v) : "Q" (s->v) : "memory");
		break;
	case LLKM_FENCE_STLR:
		asm volatile("stlr xzr, %0" : "=Q" (s->v) : : "memory");
		break;
	case LLKM_FENCE_LDAPR:
		asm volatile(".arch_extension rcpc\n\t"
			     "ldapr %0, %1" : "=r" (v) : "Q" (s->v) : "memory");
		break;
	case LLKM_FENCE_LDADDAL:
		asm volatile(".arch_extension lse\n\t"
			     "ldaddal %[one], %[t], %[m]"
			     : [t] "=&r" (t), [m] "+Q" (s->v)
			     : [one] "r" (one) : "memory");
		break;
	case LLKM_FENCE_SWPAL:
		asm volatile(".arch_extension lse\n\t"
			     "swpal xzr, %[t], %[m]"
			     : [t] "=&r" (t), [m] "+Q" (s->v) : : "memory");
		break;
	case LLKM_FENCE_CASAL:
		t = 0;
		asm volatile(".arch_extension lse\n\t"
			     "casal %[t], xzr, %[m]"
			     : [t] "+&r" (t), [m] "+Q" (s->v) : : "memory");
		break;
	case LLKM_FENCE_LLSC_ADD:
		asm volatile("1:\tldaxr %[t], %[m]\n\t"
			     "add %[t], %[t], #1\n\t"
			     "stlxr %w[f], %[t], %[m]\n\t"
			     "cbnz %w[f], 1b"
			     : [t] "=&r" (t), [f] "=&r" (fail), [m] "+Q" (s->v)
			     : : "memory");
		break;
	case LLKM_FENCE_LLSC_SWP:
		asm volatile("1:\tldaxr %[t], %[m]\n\t"
			     "stlxr %w[f], xzr, %[m]\n\t"
			     "cbnz %w[f], 1b"
			     : [t] "=&r" (t), [f] "=&r" (fail), [m] "+Q" (s->v)
			     : : "memory");
		break;
	case LLKM_FENCE_LLSC_CAS:
		/* Expects 0 and writes 0; a value other than 0 is not written. */
		asm volatile("1:\tldaxr %[t], %[m]\n\t"
			     "cbnz %[t], 2f\n\t"
			     "stlxr %w[f], xzr, %[m]\n\t"
			     "cbnz %w[f], 1b\n"
			     "2:"
			     : [t] "=&r" (t), [f] "=&r" (fail), [m] "+Q" (s->v)
			     : : "memory");
		break;
	}
	return v;
}

/*
 * The litmus tests' fence between two accesses: dmb ish orders every
 * access before it against every access after it, which forbids each
 * test's relaxed outcome (Armv8 is other-multi-copy atomic, so it also
 * forbids IRIW's).
 */
static __always_inline void probe_arch_full_fence(void)
{
	asm volatile("dmb ish" : : : "memory");
}

/* The litmus tests' verdicts: the Armv8 model's (probe_litmus.h). */
#define PROBE_MODEL_ARMV8	1
#define PROBE_FULL_FENCE_NAME	"dmb ish"
#define PROBE_MODEL_NAME	"Armv8"

/*
 * One pass over @n words: one static conditional branch (tbz), taken on
 * a zero bit, run once a bit, in assembly so that no compiler makes it a
 * csel. The bits shift out of a register loaded once a word, as x86's
 * (arch/x86/probe_arch.h); the inner loop's exit (once in 64) is the only
 * other branch that can miss.
 *
 *	1: ldr w, [p, j, lsl 3]   mov k, 64
 *	2: tbz w, 0, 3f   add taken, 1
 *	3: lsr w, w, 1   subs k, k, 1   b.ne 2b
 *	   add j, j, 1   cmp j, n   b.lo 1b
 */
static inline u64 probe_branch_pass(const u64 *p, u64 n)
{
	u64 j = 0, taken = 0, w, k;

	asm volatile("1:\n\t"
		     "ldr %[w], [%[p], %[j], lsl #3]\n\t"
		     "mov %[k], #64\n"
		     "2:\n\t"
		     "tbz %[w], #0, 3f\n\t"
		     "add %[t], %[t], #1\n"
		     "3:\n\t"
		     "lsr %[w], %[w], #1\n\t"
		     "subs %[k], %[k], #1\n\t"
		     "b.ne 2b\n\t"
		     "add %[j], %[j], #1\n\t"
		     "cmp %[j], %[n]\n\t"
		     "b.lo 1b\n\t"
		     : [j] "+r" (j), [t] "+r" (taken), [w] "=&r" (w), [k] "=&r" (k)
		     : [p] "r" (p), [n] "r" (n)
		     : "cc", "memory");
	return taken;
}

#endif /* _LLKM_ARCH_ARM64_PROBE_ARCH_H */
