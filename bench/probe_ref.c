// SPDX-License-Identifier: GPL-2.0
/*
 * bench/probe_ref: an independent, minimal reference for what llctl fence
 * and llctl coherency --test c2c,false-sharing measure, in user mode on
 * the host. It shares no code with llkm or llctl (neither
 * kmod/probe_core.h nor user/): bench/probe_bench.sh runs both in one
 * run and publishes llctl / probe_ref (docs/benchmarks.md).
 *
 *   probe_ref [-c A,B]       A, B: two online CPUs (default 0,1)
 *
 * Time is the TSC, rated against CLOCK_MONOTONIC_RAW over 200 ms of busy
 * waiting on CPU A (which also warms the core up). Intervals are read as
 * "lfence; rdtsc; lfence" ... "rdtscp; lfence", so neither end overlaps
 * the code timed. The core clock, for converting ticks to core cycles, is
 * a chain of dependent register adds (one cycle each) against the TSC.
 *
 * The main thread is pinned to CPU A and runs A's side of c2c and false
 * sharing itself; one thread pinned to B runs the other side, so no third
 * thread is runnable on either CPU while they run.
 *
 * fence     On CPU A. Per op, a loop written in one asm block: 4 ops and
 *           "dec; jnz" per turn, FENCE_TURNS turns, so the compiler can
 *           add nothing to it. The empty loop (dec; jnz alone) is the
 *           baseline. FENCE_BATCHES rounds after FENCE_WARM discarded
 *           ones; a round times the empty loop and then each op once.
 *           Per op: (median op batch - median empty batch) / ops, in
 *           ticks, and in ns. lock add, xchg and cmpxchg work on a
 *           64-byte line of their own; cmpxchg always succeeds (0 for 0).
 *
 * c2c       Ping on CPU A, pong on CPU B, one u64 on a 64-byte line that
 *           is alone on its page. Ping stores 2k+1 and spins until it
 *           reads 2k+2; pong spins until it reads 2k+1 and stores 2k+2.
 *           Each round trip moves the line A->B and B->A. Plain spinning,
 *           no PAUSE. Ping times C2C_BATCHES batches of C2C_TRIPS round
 *           trips after C2C_WARM discarded ones; one-way = median batch /
 *           trips / 2. Then again on a fresh line with a PAUSE in every
 *           spin (as llctl spins), reported as c2c.A.B.pause.
 *
 * false_sharing
 *           Writer 0 on CPU A, writer 1 on CPU B, each incrementing its
 *           own u64 FS_INCREMENTS times by a volatile load and store:
 *           shared, the u64s at bytes 0 and 8 of one line; padded, at
 *           bytes 0 and 128 (separate lines, not an adjacent pair). Both
 *           meet at a start counter, then each times its own loop; a run
 *           lasts as long as the slower writer. FS_RUNS runs of each
 *           layout, alternating, after one discarded pair. Slowdown =
 *           median shared run / median padded run; ops/s = both writers'
 *           increments / median run.
 *
 * Output, on stdout, one metric a line, "NAME VALUE UNIT":
 *
 *   tsc_mhz 2595.99 MHz
 *   core_mhz 3687.97 MHz
 *   fence.empty 0.27 ticks/op           the loop, subtracted below
 *   fence.mfence 40.93 ticks/op         then lfence, lock_add, xchg,
 *   fence.mfence.ns 15.77 ns/op         cmpxchg, the same two lines
 *   c2c.A.B 39.36 ns                    one-way, plain spin
 *   c2c.A.B.pause 31.61 ns              one-way, PAUSE in the spin
 *   false_sharing.shared_ops_per_s 1.673e+09 ops/s
 *   false_sharing.padded_ops_per_s 6.964e+09 ops/s
 *   false_sharing.slowdown 3.6 x
 *
 * Diagnosis on stderr. Exit status 0, or 1 when anything failed: a CPU
 * that cannot be used, a peer that did not answer within SPIN_LIMIT_S.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define LINE		64
#define PAGE		4096

#define CALIBRATE_NS	200000000LL
#define FENCE_TURNS	2500		/* x 4 ops = 10,000 ops a batch */
#define FENCE_OPS	(FENCE_TURNS * 4)
#define FENCE_WARM	5
#define FENCE_BATCHES	201
#define C2C_TRIPS	1000
#define C2C_WARM	10
#define C2C_BATCHES	100
#define FS_INCREMENTS	4000000ULL
#define FS_RUNS		7
/* A spin that has not seen its peer after this long gives up. */
#define SPIN_LIMIT_S	5

static double ticks_per_ns;

static uint64_t tsc_begin(void)
{
	uint64_t t;

	_mm_lfence();		/* earlier code has finished */
	t = __rdtsc();
	_mm_lfence();		/* later code has not started */
	return t;
}

static uint64_t tsc_end(void)
{
	unsigned int aux;
	uint64_t t;

	t = __rdtscp(&aux);	/* after all earlier code */
	_mm_lfence();		/* before any later code */
	return t;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values; sorts them. */
static double median(uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* TSC ticks per ns, from a busy wait of CALIBRATE_NS. */
static double calibrate(void)
{
	int64_t n0, n1;
	uint64_t t0, t1;

	n0 = now_ns();
	t0 = __rdtsc();
	do
		n1 = now_ns();
	while (n1 - n0 < CALIBRATE_NS);
	t1 = __rdtsc();
	return (double)(t1 - t0) / (n1 - n0);
}

/* ------------------------------------------------------------------ */
/* fence                                                               */
/* ------------------------------------------------------------------ */

#define X4(s)	s "\n\t" s "\n\t" s "\n\t" s "\n\t"

/*
 * One batch of @op, 4 a turn: TSC ticks. %[m] is the scratch line, %[a]
 * (rax) is 0 on entry, %[z] (rcx) a zero: cmpxchg compares rax = 0 with
 * the line's 0 and writes 0 back, so it succeeds every time.
 */
#define FENCE_LOOP(name, op)						\
static uint64_t loop_##name(uint64_t *m)				\
{									\
	uint64_t turns = FENCE_TURNS, a = 0, t0, t1;			\
									\
	*m = 0;								\
	t0 = tsc_begin();						\
	asm volatile("1:\n\t" X4(op) "dec %[n]\n\tjnz 1b"		\
		     : [n] "+r" (turns), [m] "+m" (*m), [a] "+a" (a)	\
		     : [z] "c" (0ULL)					\
		     : "memory", "cc");					\
	t1 = tsc_end();							\
	return t1 - t0;							\
}

FENCE_LOOP(empty, "")
FENCE_LOOP(mfence, "mfence")
FENCE_LOOP(lfence, "lfence")
FENCE_LOOP(lock_add, "lock addq $1, %[m]")
FENCE_LOOP(xchg, "xchgq %[a], %[m]")
FENCE_LOOP(cmpxchg, "lock cmpxchgq %[z], %[m]")

/*
 * TSC ticks per core cycle: a chain of 16 dependent register adds a turn,
 * one core cycle each; the loop's dec and jnz run beside it. Median of
 * FENCE_BATCHES batches.
 */
static double ticks_per_add(void)
{
	uint64_t ticks[FENCE_BATCHES], turns, a, t0;
	int b;

	for (b = -FENCE_WARM; b < FENCE_BATCHES; b++) {
		turns = FENCE_TURNS;
		a = 0;
		t0 = tsc_begin();
		asm volatile("1:\n\t" X4(X4("addq %[one], %[a]")) "dec %[n]\n\tjnz 1b"
			     : [n] "+r" (turns), [a] "+r" (a) : [one] "r" (1ULL) : "cc");
		if (b >= 0)
			ticks[b] = tsc_end() - t0;
	}
	return median(ticks, FENCE_BATCHES) / (FENCE_TURNS * 16);
}

static const struct {
	const char *name;
	uint64_t (*loop)(uint64_t *m);
} fence_ops[] = {
	{ "mfence", loop_mfence },
	{ "lfence", loop_lfence },
	{ "lock_add", loop_lock_add },
	{ "xchg", loop_xchg },
	{ "cmpxchg", loop_cmpxchg },
};
#define NR_FENCE_OPS	(sizeof(fence_ops) / sizeof(fence_ops[0]))

static int fence(void)
{
	uint64_t *line, *empty, *ticks[NR_FENCE_OPS] = { 0 };
	double e;
	size_t i;
	int b, ret = 1;

	line = aligned_alloc(LINE, LINE);
	empty = calloc(FENCE_BATCHES, sizeof(*empty));
	if (!line || !empty)
		goto cleanup;
	for (i = 0; i < NR_FENCE_OPS; i++) {
		ticks[i] = calloc(FENCE_BATCHES, sizeof(*ticks[i]));
		if (!ticks[i])
			goto cleanup;
	}
	for (b = -FENCE_WARM; b < FENCE_BATCHES; b++) {
		uint64_t t = loop_empty(line);

		if (b >= 0)
			empty[b] = t;
		for (i = 0; i < NR_FENCE_OPS; i++) {
			t = fence_ops[i].loop(line);
			if (b >= 0)
				ticks[i][b] = t;
		}
	}
	e = median(empty, FENCE_BATCHES);
	printf("fence.empty %.3f ticks/op\n", e / FENCE_OPS);
	for (i = 0; i < NR_FENCE_OPS; i++) {
		double op = (median(ticks[i], FENCE_BATCHES) - e) / FENCE_OPS;

		printf("fence.%s %.3f ticks/op\n", fence_ops[i].name, op);
		printf("fence.%s.ns %.3f ns/op\n", fence_ops[i].name,
		       op / ticks_per_ns);
	}
	ret = 0;
cleanup:
	if (ret)
		fprintf(stderr, "probe_ref: Unable to allocate the fence batches: %s\n",
			strerror(ENOMEM));
	for (i = 0; i < NR_FENCE_OPS; i++)
		free(ticks[i]);
	free(empty);
	free(line);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Two pinned threads                                                  */
/* ------------------------------------------------------------------ */

/*
 * Run @fn1(@arg1) in a thread on CPU @cpu1 and @fn0(@arg0) on the calling
 * thread, which main() pinned to CPU A, so no third thread is runnable on
 * either CPU while they run. 0, or -1 when the thread could not start or
 * either returned non-NULL (a timeout).
 */
static int run_pair(void *(*fn0)(void *), void *arg0,
		    void *(*fn1)(void *), void *arg1, int cpu1)
{
	pthread_attr_t attr;
	pthread_t tid;
	cpu_set_t set;
	void *r0, *r1;
	int err;

	pthread_attr_init(&attr);
	CPU_ZERO(&set);
	CPU_SET(cpu1, &set);
	err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!err)
		err = pthread_create(&tid, &attr, fn1, arg1);
	pthread_attr_destroy(&attr);
	if (err) {
		fprintf(stderr, "probe_ref: Unable to start a thread on CPU %d: %s\n",
			cpu1, strerror(err));
		return -1;
	}
	r0 = fn0(arg0);
	pthread_join(tid, &r1);
	return r0 || r1 ? -1 : 0;
}

static uint64_t spin_deadline(void)
{
	return __rdtsc() + (uint64_t)(SPIN_LIMIT_S * 1e9 * ticks_per_ns);
}

/*
 * Spin until *@p == @want: 0, or -1 past @deadline. The clock is read
 * once every 4096 spins, never in the turn that sees the value. With
 * @pause (a constant: always inlined) each spin also runs PAUSE.
 */
static inline __attribute__((always_inline))
int wait_for(_Atomic uint64_t *p, uint64_t want, uint64_t deadline,
	     const int pause)
{
	unsigned int spins = 0;

	/* Acquire: pairs with the peer's release store of @want. */
	while (atomic_load_explicit(p, memory_order_acquire) != want) {
		if (!(++spins & 4095) && __rdtsc() > deadline)
			return -1;
		if (pause)
			_mm_pause();
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* c2c                                                                 */
/* ------------------------------------------------------------------ */

struct c2c {
	_Atomic uint64_t *line;	/* ping writes odd values, pong even */
	uint64_t deadline;
	int pause;		/* spin with PAUSE */
	uint64_t ticks[C2C_BATCHES];
};

/* Both sides copy line and deadline: ticks[] shares their cache line. */
static inline __attribute__((always_inline))
void *ping(struct c2c *c, const int pause)
{
	_Atomic uint64_t *line = c->line;
	uint64_t seq = 0, t0, i, deadline = c->deadline;
	int b;

	for (b = -C2C_WARM; b < C2C_BATCHES; b++) {
		t0 = tsc_begin();
		for (i = 0; i < C2C_TRIPS; i++) {
			/* Release: pairs with pong's acquire in wait_for(). */
			atomic_store_explicit(line, seq + 1, memory_order_release);
			if (wait_for(line, seq + 2, deadline, pause))
				return "timeout";
			seq += 2;
		}
		if (b >= 0)
			c->ticks[b] = tsc_end() - t0;
	}
	return NULL;
}

static inline __attribute__((always_inline))
void *pong(struct c2c *c, const int pause)
{
	_Atomic uint64_t *line = c->line;
	uint64_t seq = 0, i, deadline = c->deadline;
	uint64_t n = (uint64_t)(C2C_WARM + C2C_BATCHES) * C2C_TRIPS;

	for (i = 0; i < n; i++) {
		if (wait_for(line, seq + 1, deadline, pause))
			return "timeout";
		seq += 2;
		/* Release: pairs with ping's acquire in wait_for(). */
		atomic_store_explicit(line, seq, memory_order_release);
	}
	return NULL;
}

static void *c2c_ping(void *arg)
{
	struct c2c *c = arg;

	return c->pause ? ping(c, 1) : ping(c, 0);
}

static void *c2c_pong(void *arg)
{
	struct c2c *c = arg;

	return c->pause ? pong(c, 1) : pong(c, 0);
}

/* One-way latency A <-> B on a fresh line, spinning with @pause or not. */
static int c2c(int a, int b, int pause)
{
	struct c2c c = { .pause = pause };
	void *page;
	double t;
	int ret = 1;

	page = aligned_alloc(PAGE, PAGE);
	if (!page) {
		fprintf(stderr, "probe_ref: Unable to allocate the c2c line: %s\n",
			strerror(ENOMEM));
		return 1;
	}
	memset(page, 0, PAGE);	/* nothing else on this page is touched */
	c.line = page;
	c.deadline = spin_deadline();
	if (run_pair(c2c_ping, &c, c2c_pong, &c, b)) {
		fprintf(stderr, "probe_ref: Unable to time c2c between CPUs %d and %d: no answer within %d s\n",
			a, b, SPIN_LIMIT_S);
		goto cleanup;
	}
	t = median(c.ticks, C2C_BATCHES) / C2C_TRIPS / 2;
	printf("c2c.%d.%d%s %.3f ns\n", a, b, pause ? ".pause" : "", t / ticks_per_ns);
	ret = 0;
cleanup:
	free(page);
	return ret;
}

/* ------------------------------------------------------------------ */
/* false sharing                                                       */
/* ------------------------------------------------------------------ */

struct fs_writer {
	volatile uint64_t *slot;	/* this writer's alone */
	_Atomic int *ready;		/* the start counter, shared */
	uint64_t deadline;
	uint64_t ticks;
};

static void *fs_write(void *arg)
{
	struct fs_writer *w = arg;
	uint64_t i, t0;
	unsigned int spins = 0;

	/*
	 * Both are in before either starts: no writer runs alone. Seq_cst
	 * add and load; each pairs with the other writer's.
	 */
	atomic_fetch_add(w->ready, 1);
	while (atomic_load(w->ready) < 2)
		if (!(++spins & 4095) && __rdtsc() > w->deadline)
			return "timeout";
	t0 = tsc_begin();
	for (i = 0; i < FS_INCREMENTS; i++)
		*w->slot = *w->slot + 1;	/* plain, not locked */
	w->ticks = tsc_end() - t0;
	return NULL;
}

/* One run: ticks of the slower writer, 0 on failure. */
static uint64_t fs_run(char *page, int padded, int b)
{
	struct fs_writer w[2];
	_Atomic int *ready = (_Atomic int *)(page + PAGE / 2);
	int i;

	memset(page, 0, PAGE);
	for (i = 0; i < 2; i++) {
		w[i].slot = (volatile uint64_t *)(page + i * (padded ? 2 * LINE : 8));
		w[i].ready = ready;
		w[i].deadline = spin_deadline();
		w[i].ticks = 0;
	}
	if (run_pair(fs_write, &w[0], fs_write, &w[1], b))
		return 0;
	if (*w[0].slot != FS_INCREMENTS || *w[1].slot != FS_INCREMENTS)
		return 0;
	return w[0].ticks > w[1].ticks ? w[0].ticks : w[1].ticks;
}

static int false_sharing(int a, int b)
{
	uint64_t shared[FS_RUNS], padded[FS_RUNS];
	double s, p;
	char *page;
	int r, ret = 1;

	page = aligned_alloc(PAGE, PAGE);
	if (!page) {
		fprintf(stderr, "probe_ref: Unable to allocate the false-sharing lines: %s\n",
			strerror(ENOMEM));
		return 1;
	}
	for (r = -1; r < FS_RUNS; r++) {
		uint64_t ts = fs_run(page, 0, b), tp = fs_run(page, 1, b);

		if (!ts || !tp) {
			fprintf(stderr, "probe_ref: Unable to run the false-sharing writers on CPUs %d and %d\n",
				a, b);
			goto cleanup;
		}
		if (r >= 0) {
			shared[r] = ts;
			padded[r] = tp;
		}
	}
	s = median(shared, FS_RUNS);
	p = median(padded, FS_RUNS);
	printf("false_sharing.shared_ops_per_s %.4g ops/s\n",
	       2 * FS_INCREMENTS / (s / ticks_per_ns * 1e-9));
	printf("false_sharing.padded_ops_per_s %.4g ops/s\n",
	       2 * FS_INCREMENTS / (p / ticks_per_ns * 1e-9));
	printf("false_sharing.slowdown %.3f x\n", s / p);
	ret = 0;
cleanup:
	free(page);
	return ret;
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "Usage: probe_ref [-c A,B]\n"
		"Fence costs on CPU A, c2c and false sharing between CPUs A and B\n"
		"(default 0,1), in user mode: a reference for llctl (bench/probe_bench.sh).\n");
}

int main(int argc, char **argv)
{
	int a = 0, b = 1, n, opt, ret = 1, err;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	while ((opt = getopt(argc, argv, "c:h")) != -1) {
		switch (opt) {
		case 'c':
			if (sscanf(optarg, "%d,%d%n", &a, &b, &n) != 2 || optarg[n] ||
			    a < 0 || b < 0 || a == b || a >= ncpu || b >= ncpu) {
				fprintf(stderr, "probe_ref: Unable to use CPUs '%s': expected A,B, two different CPUs from 0 to %ld\n",
					optarg, ncpu - 1);
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	err = pin(a);
	if (err) {
		fprintf(stderr, "probe_ref: Unable to pin to CPU %d: %s\n", a, strerror(-err));
		goto cleanup;
	}
	ticks_per_ns = calibrate();
	printf("tsc_mhz %.2f MHz\n", ticks_per_ns * 1e3);
	printf("core_mhz %.2f MHz\n", ticks_per_ns * 1e3 / ticks_per_add());
	if (fence() || c2c(a, b, 0) || c2c(a, b, 1) || false_sharing(a, b))
		goto cleanup;
	ret = 0;
cleanup:
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "probe_ref: Unable to write the results: %s\n", strerror(errno));
		ret = 1;
	}
	return ret;
}
