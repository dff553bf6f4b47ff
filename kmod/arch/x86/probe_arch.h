/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64's half of the probe core (the interface: kmod/probe_arch.h).
 * Time is the TSC, read serialised with lfence (rdtscp for the end).
 */
#ifndef _LLKM_ARCH_X86_PROBE_ARCH_H
#define _LLKM_ARCH_X86_PROBE_ARCH_H

#define PROBE_SUPPORTED		1
#define PROBE_ARCH_NAME		"x86-64"
#define PROBE_CLOCK_NAME	"TSC"
/* The litmus tests' verdicts: x86-TSO's (probe_litmus.h). */
#define PROBE_FULL_FENCE_NAME	"mfence"
#define PROBE_MODEL_NAME	"x86-TSO"

/* Nothing before it is still executing when the TSC is read. */
static inline u64 probe_tsc_begin(void)
{
	u32 lo, hi;

	asm volatile("lfence\n\trdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return (u64)hi << 32 | lo;
}

/* Everything before it has executed, and nothing after it has started. */
static inline u64 probe_tsc_end(void)
{
	u32 lo, hi, aux;

	asm volatile("rdtscp\n\tlfence" : "=a" (lo), "=d" (hi), "=c" (aux)
		     : : "memory");
	return (u64)hi << 32 | lo;
}

/* Unserialised, for start times and deadlines, never for intervals. */
static inline u64 probe_rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return (u64)hi << 32 | lo;
}

/* The old value; a locked add, so a full barrier on x86. */
static inline u64 probe_xadd(u64 *p, u64 v)
{
	asm volatile("lock; xaddq %0, %1" : "+r" (v), "+m" (*p)
		     : : "memory", "cc");
	return v;
}

/*
 * Whether @op is one of x86-64's own fence ops (probe_arch_fence_op();
 * their batches: arch/x86/probe_fence_arch.h).
 */
static inline int probe_arch_fence_has(u32 op)
{
	return op >= LLKM_FENCE_MFENCE && op <= LLKM_FENCE_CMPXCHG;
}

/*
 * x86's own fence ops on @s, a line this CPU owns (probe_fence_op()):
 *
 *   MFENCE, LFENCE, SFENCE
 *   LOCK_ADD             lock; addq $1 on s
 *   XCHG                 xchgq with s (implicitly locked)
 *   CMPXCHG              lock; cmpxchgq on s, expecting 0 and writing 0:
 *                        it always succeeds
 *
 * Always 0 (no load's value to keep); nothing for any other op.
 */
static __always_inline u64 probe_arch_fence_op(u32 op, struct probe_line *s)
{
	u64 v = 0;

	switch (op) {
	case LLKM_FENCE_MFENCE:
		asm volatile("mfence" : : : "memory");
		break;
	case LLKM_FENCE_LFENCE:
		asm volatile("lfence" : : : "memory");
		break;
	case LLKM_FENCE_SFENCE:
		asm volatile("sfence" : : : "memory");
		break;
	case LLKM_FENCE_LOCK_ADD:
		asm volatile("lock; addq $1, %0" : "+m" (s->v) : : "memory", "cc");
		break;
	case LLKM_FENCE_XCHG:
		v = 1;
		asm volatile("xchgq %0, %1" : "+r" (v), "+m" (s->v) : : "memory");
		v = 0;
		break;
	case LLKM_FENCE_CMPXCHG:
		asm volatile("lock; cmpxchgq %2, %1" : "+a" (v), "+m" (s->v)
			     : "r" (0ULL) : "memory", "cc");
		v = 0;
		break;
	}
	return v;
}

/* The litmus tests' fence between two accesses. */
static __always_inline void probe_arch_full_fence(void)
{
	asm volatile("mfence" : : : "memory");
}

/*
 * One pass over @n words: one static conditional branch, taken on a zero
 * bit, run once a bit, in assembly so that no compiler makes it a cmov.
 * The bits shift out of a register loaded once a word, so after a
 * misprediction the next branch's condition is one shift away, not a
 * load away: the cost measured is the pipeline's. The inner loop's exit
 * (once in 64) is the only other branch that can miss.
 *
 *	1: mov (p,j,8), w   mov $64, k
 *	2: shr $1, w   jnc 3f   inc taken
 *	3: dec k   jnz 2b   inc j   cmp n, j   jb 1b
 */
static inline u64 probe_branch_pass(const u64 *p, u64 n)
{
	u64 j = 0, taken = 0, w, k;

	asm volatile("1:\n\t"
		     "mov (%[p],%[j],8), %[w]\n\t"
		     "mov $64, %[k]\n"
		     "2:\n\t"
		     "shr $1, %[w]\n\t"
		     "jnc 3f\n\t"
		     "inc %[t]\n"
		     "3:\n\t"
		     "dec %[k]\n\t"
		     "jnz 2b\n\t"
		     "inc %[j]\n\t"
		     "cmp %[n], %[j]\n\t"
		     "jb 1b\n\t"
		     : [j] "+r" (j), [t] "+r" (taken), [w] "=&r" (w), [k] "=&r" (k)
		     : [p] "r" (p), [n] "r" (n)
		     : "cc", "memory");
	return taken;
}

#endif /* _LLKM_ARCH_X86_PROBE_ARCH_H */
