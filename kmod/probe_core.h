/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core: what the probes measure, and nothing else.
 *
 * The same source builds in the kernel (kmod/probe.h supplies the types
 * and barriers from the kernel's headers; kmod/probe.c runs it in bound
 * kthreads with interrupts off) and in llctl (user/probe_shim.h; llctl
 * runs it in pinned threads). Static inline functions only: no libc, no
 * kernel-only calls. The includer provides u32, u64, READ_ONCE(),
 * WRITE_ONCE(), barrier(), cpu_relax(), smp_mb(), smp_rmb(), smp_wmb(),
 * smp_store_release() and smp_load_acquire(), with the x86 kernel's
 * meaning. x86-64 only: elsewhere PROBE_SUPPORTED is 0 and every probe
 * returns "nothing measured" (0 cycles, -1), so callers build everywhere
 * and say so at run time.
 *
 * Time is the TSC, read serialised: probe_tsc_begin() is "lfence; rdtsc"
 * (nothing earlier is still executing), probe_tsc_end() is "rdtscp;
 * lfence" (everything earlier has executed, nothing later has started).
 * TSC ticks run at a constant rate (tsc_khz) on every CPU this targets:
 * they are reference cycles, not core clock cycles.
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
 *
 * Who writes what, per probe:
 *
 *   fence          one thread; scratch is its own line
 *   c2c            line->v: ping writes odd values, pong even ones; each
 *                  waits for the other's next value, so the line crosses
 *                  between the two CPUs twice per round trip
 *   false sharing  each writer its own u64 slot; the caller puts the
 *                  slots on one line (8 bytes apart) or a line each
 *   litmus         struct probe_litmus below
 */
#ifndef _LLKM_PROBE_CORE_H
#define _LLKM_PROBE_CORE_H

#if defined(__x86_64__)
#define PROBE_SUPPORTED		1
#else
#define PROBE_SUPPORTED		0
#endif

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

/* A waiter gives up after this many TSC ticks, or this many spins. */
#define PROBE_SPIN_TICKS	0x80000000ULL	/* 2^31 */
#define PROBE_SPIN_MAX		(32U << 20)
/* probe_fence_batch() runs its op this many times per loop turn. */
#define PROBE_UNROLL		8

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

#if PROBE_SUPPORTED

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

#else /* !PROBE_SUPPORTED */

static inline u64 probe_tsc_begin(void)
{
	return 0;
}

static inline u64 probe_tsc_end(void)
{
	return 0;
}

static inline u64 probe_rdtsc(void)
{
	return 0;
}

#endif /* PROBE_SUPPORTED */

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
 * Wait until *p == want. *stop is set by another CPU (or a signal handler
 * in llctl) and read every spin. 0, or -1 when stopped or too long.
 */
static inline int probe_wait_eq(const u64 *p, u64 want, const int *stop)
{
	struct probe_spin spin;

	probe_spin_start(&spin);
	/* The peer's WRITE_ONCE() of *p; no ordering needed beyond it. */
	while (READ_ONCE(*p) != want) {
		if (READ_ONCE(*stop) || probe_spin_over(&spin))
			return -1;
		cpu_relax();
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fences                                                              */
/* ------------------------------------------------------------------ */

#if PROBE_SUPPORTED

/*
 * One run of @op (enum llkm_fence_op) on @s, a line this CPU owns; the
 * value a load read, else 0. The ops:
 *
 *   EMPTY                nothing: the loop alone
 *   COMPILER             barrier(): no instruction, so it costs the loop
 *   SMP_RMB, SMP_WMB     barrier() on x86, likewise
 *   SMP_MB               the kernel's: lock; addl $0,-4(%rsp)
 *   MFENCE, LFENCE, SFENCE
 *   LOCK_ADD             lock; addq $1 on s
 *   XCHG                 xchgq with s (implicitly locked)
 *   CMPXCHG              lock; cmpxchgq on s, expecting 0 and writing 0:
 *                        it always succeeds
 *   STORE_RELEASE        smp_store_release() to s: a plain mov
 *   LOAD_ACQUIRE         smp_load_acquire() of s: a plain mov
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
	}
	return v;
}

/*
 * TSC ticks for @n runs of constant @op between serialised TSC reads,
 * PROBE_UNROLL (8) per loop turn: the loop costs a decrement and a branch
 * per turn whatever the op, and LLKM_FENCE_EMPTY measures exactly that to
 * subtract. The barrier() per turn keeps the compiler from merging or
 * moving ops across turns; what loads read is summed into s->pad[0], so
 * none of them is dead code.
 */
static __always_inline u64 probe_fence_loop(u32 op, u64 n,
					    struct probe_line *s)
{
	u64 t0, t1, i, acc = 0;

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
	}
	for (i = n % PROBE_UNROLL; i; i--) {
		acc += probe_fence_op(op, s);
		barrier();
	}
	t1 = probe_tsc_end();
	WRITE_ONCE(s->pad[0], acc);
	return t1 - t0;
}

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
	case LLKM_FENCE_MFENCE:
		return probe_fence_loop(LLKM_FENCE_MFENCE, n, scratch);
	case LLKM_FENCE_LFENCE:
		return probe_fence_loop(LLKM_FENCE_LFENCE, n, scratch);
	case LLKM_FENCE_SFENCE:
		return probe_fence_loop(LLKM_FENCE_SFENCE, n, scratch);
	case LLKM_FENCE_LOCK_ADD:
		return probe_fence_loop(LLKM_FENCE_LOCK_ADD, n, scratch);
	case LLKM_FENCE_XCHG:
		return probe_fence_loop(LLKM_FENCE_XCHG, n, scratch);
	case LLKM_FENCE_CMPXCHG:
		return probe_fence_loop(LLKM_FENCE_CMPXCHG, n, scratch);
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
		return 0;
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

/* ------------------------------------------------------------------ */
/* Core to core: one line, ping-pong                                   */
/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */
/* False sharing                                                       */
/* ------------------------------------------------------------------ */

/*
 * TSC ticks for @n increments of *slot by plain (volatile, unlocked)
 * loads and stores: the compiler can neither merge nor drop them, and
 * each store needs the line in this CPU's cache, which is what writers
 * sharing a line fight over.
 */
static inline u64 probe_fs_write(u64 *slot, u64 n)
{
	u64 t0, i;

	t0 = probe_tsc_begin();
	for (i = 0; i < n; i++)
		WRITE_ONCE(*slot, READ_ONCE(*slot) + 1);
	return probe_tsc_end() - t0;
}

/* probe_fs_write_until() reads the TSC once per this many increments. */
#define PROBE_FS_ROUND		256

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

/* ------------------------------------------------------------------ */
/* Litmus tests                                                        */
/* ------------------------------------------------------------------ */

/*
 * The tests, klitmus7's names; [F] is an mfence present only when fenced.
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

#if PROBE_SUPPORTED

/*
 * Wait for all @nthreads: 0 and the new generation in *gen, or -1. The
 * last to arrive rearms the count and sets the start time before it
 * publishes the generation: smp_store_release() pairs with the
 * smp_load_acquire() of the waiters. The xadd is a full barrier, so
 * everything a thread did before it is visible to thread 0 after it.
 */
static inline int probe_litmus_barrier(struct probe_litmus *l, int nthreads,
				       u64 *gen, const int *stop)
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
		while (smp_load_acquire(&l->gen.v) == g) {
			if (READ_ONCE(*stop) || probe_spin_over(&spin))
				return -1;
			cpu_relax();
		}
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

#define __probe_fence(fenced)	do {					\
	if (fenced)							\
		asm volatile("mfence" : : : "memory");			\
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
 * 0, or -1 when stopped or a peer did not come.
 */
static inline int probe_litmus_run(struct probe_litmus *l, u32 test,
				   int fenced, int tid, u64 rounds, u64 *hist,
				   const int *stop)
{
	int nthreads = probe_litmus_threads(test);
	u64 r, gen;

	for (r = 0; r < rounds; r++) {
		if (probe_litmus_barrier(l, nthreads, &gen, stop))
			return -1;
		probe_litmus_go(l);
		/* Read by thread 0 after the next barrier. */
		WRITE_ONCE(l->out[tid].v,
			   probe_litmus_thread(l, test, fenced, tid, gen));
		if (probe_litmus_barrier(l, nthreads, &gen, stop))
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

/* ------------------------------------------------------------------ */
/* Branch: one conditional branch over a buffer of bits                */
/* ------------------------------------------------------------------ */

/*
 * The buffer: LLKM_BRANCH_BITS bits, u64 words. A pattern of @len bits
 * (xorshift64* from *seed, the same every run) repeats over it; len ==
 * LLKM_BRANCH_BITS is random bits throughout. When @len does not divide
 * the buffer the pattern restarts at each pass: one break a pass.
 */
#define PROBE_BR_WORDS		(LLKM_BRANCH_BITS / 64)

static inline u64 probe_rng(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static inline void probe_branch_fill(u64 *p, u64 len, u64 *seed)
{
	u64 i, bit;

	for (i = 0; i < PROBE_BR_WORDS; i++)
		p[i] = 0;
	for (i = 0; i < len; i++)
		p[i / 64] |= (probe_rng(seed) >> 63) << (i % 64);
	for (; i < LLKM_BRANCH_BITS; i++) {
		bit = (p[(i - len) / 64] >> ((i - len) % 64)) & 1;
		p[i / 64] |= bit << (i % 64);
	}
}

/* The same bits sorted, ones first: one misprediction a pass. */
static inline void probe_branch_sort(u64 *p)
{
	u64 i, w, ones = 0;

	for (i = 0; i < PROBE_BR_WORDS; i++)
		for (w = p[i]; w; w &= w - 1)
			ones++;
	for (i = 0; i < PROBE_BR_WORDS; i++)
		p[i] = 0;
	for (i = 0; i < ones; i++)
		p[i / 64] |= 1ULL << (i % 64);
}

#if PROBE_SUPPORTED
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

/* @passes passes over the buffer: TSC cycles. */
static inline u64 probe_branch_batch(const u64 *p, u64 passes)
{
	u64 t0, i;

	t0 = probe_tsc_begin();
	for (i = 0; i < passes; i++)
		probe_branch_pass(p, PROBE_BR_WORDS);
	return probe_tsc_end() - t0;
}
#else
static inline u64 probe_branch_batch(const u64 *p, u64 passes)
{
	(void)p;
	(void)passes;
	return 0;
}
#endif /* PROBE_SUPPORTED */

#endif /* _LLKM_PROBE_CORE_H */
