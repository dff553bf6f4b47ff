// SPDX-License-Identifier: GPL-2.0
/*
 * The ring core against Concurrency Kit's ck_ring, in one run: a producer
 * and a consumer thread on two CPUs move N records of 16, 64 and 256
 * bytes through 1 MiB of ring; records per second and ns per record, the
 * median of several trials, alternating the two rings.
 *
 * The same work on both sides, each through its ring's own zero-copy
 * producer: the producer reserves a slot, writes the whole record of N
 * bytes in place (a sequence number, then the rest) and commits it;
 * ck_ring through its typed interface (CK_RING_PROTOTYPE: the record's
 * size is a constant, its copies inlined), llkm through
 * llkm_ring_reserve() and llkm_ring_commit(). The consumer polls the
 * producer's position, takes what is there (ck_ring's dequeue copies each
 * record out, llkm's consumer reads in place and releases a batch at a
 * time, as llctl does), and when there is nothing spins with one PAUSE,
 * as both rings' users would. The consumer has its own view of llkm's
 * ring, as llctl does, not the producer's struct.
 *
 * llkm's records also carry their 24-byte header (CLOCK_MONOTONIC time,
 * pid, tid, cpu), which the producer fills: ck_ring moves the N bytes
 * only. The clock is read for each record, in the kernel too
 * (ktime_get_mono_fast_ns()); what one read costs here is printed beside.
 *
 * ring_bench_noclock is the same without the clock read (0 for "clock
 * ns"): what the ring itself costs.
 *
 * Usage: ring_bench [-n RECORDS] [-t TRIALS] [-s SIZES]
 */
#define _GNU_SOURCE
#include <ck_ring.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim/ring_shim.h"
#ifdef RING_BENCH_NO_CLOCK
/*
 * ring_bench_noclock (bench/Makefile): the ring without its clock read,
 * every record stamped 0, to tell the ring's own cost from the clock's.
 * Not llkm as it runs: the kernel reads the clock for every record.
 */
#define llkm_ring_now()	0ULL
#endif
#include "../kmod/ring_core.h"

#define RING_BYTES	(1UL << 20)
#define MAX_REC		256

struct run {
	unsigned long n, rec;
	/* llkm: the producer's ring (the kernel's), the consumer's view */
	struct llkm_ring r;
	struct llkm_ring view __attribute__((aligned(64)));
	struct llkm_ring_consumer cons __attribute__((aligned(4096)));
	struct llkm_ring_producer prod __attribute__((aligned(4096)));
	/* ck_ring: a buffer of N-byte slots */
	struct ck_ring ck __attribute__((aligned(64)));
	void *ckbuf;
	unsigned long sum;
	volatile int go;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/*
 * One producer and one consumer per ring and record size N: the record's
 * size is a constant in each, as a C caller of either ring would have it.
 */
#define RING_FNS(N)							\
struct rec##N {								\
	unsigned char b[N];						\
};									\
CK_RING_PROTOTYPE(rec##N, rec##N)					\
									\
static void *llkm_prod_##N(void *arg)					\
{									\
	struct run *x = arg;						\
	unsigned char body[N] = { 0 };					\
	unsigned long i;						\
									\
	pin(0);								\
	while (!x->go)							\
		;							\
	for (i = 0; i < x->n; ) {					\
		struct llkm_rec *rec = llkm_ring_reserve(&x->r,		\
						LLKM_REC_TEST, N);	\
									\
		if (!rec) {						\
			/* Full: wait, as a benchmark must not lose. */	\
			local_set(&x->r.lost, 0);			\
			continue;					\
		}							\
		memcpy(body, &i, sizeof(i));				\
		memcpy(rec + 1, body, N);				\
		llkm_ring_commit(&x->r);				\
		i++;							\
	}								\
	return NULL;							\
}									\
									\
static void *llkm_cons_##N(void *arg)					\
{									\
	struct run *x = arg;						\
	struct llkm_ring *r = &x->view;					\
	unsigned long pos = 0, got = 0, sum = 0;			\
									\
	pin(1);								\
	while (got < x->n) {						\
		unsigned long pub = llkm_ring_published(r), start = pos; \
									\
		if (pos == pub) {					\
			cpu_relax();					\
			continue;					\
		}							\
		while (pos != pub) {					\
			struct llkm_rec *rec = llkm_ring_rec(r, pos);	\
			unsigned long v;				\
									\
			memcpy(&v, rec + 1, sizeof(v));			\
			sum += v;					\
			pos += rec->size;				\
			got++;						\
		}							\
		llkm_ring_release(r, start, pos - start);		\
	}								\
	x->sum = sum;							\
	return NULL;							\
}									\
									\
static void *ck_prod_##N(void *arg)					\
{									\
	struct run *x = arg;						\
	unsigned char body[N] = { 0 };					\
	unsigned long i;						\
									\
	pin(0);								\
	while (!x->go)							\
		;							\
	for (i = 0; i < x->n; ) {					\
		struct rec##N *slot = ck_ring_enqueue_reserve_spsc_rec##N( \
						&x->ck, x->ckbuf);	\
									\
		if (!slot)						\
			continue;					\
		memcpy(body, &i, sizeof(i));				\
		memcpy(slot, body, N);					\
		ck_ring_enqueue_commit_spsc(&x->ck);			\
		i++;							\
	}								\
	return NULL;							\
}									\
									\
static void *ck_cons_##N(void *arg)					\
{									\
	struct run *x = arg;						\
	struct rec##N rec;						\
	unsigned long got = 0, sum = 0, v;				\
									\
	pin(1);								\
	while (got < x->n) {						\
		if (!ck_ring_dequeue_spsc_rec##N(&x->ck, x->ckbuf, &rec)) { \
			cpu_relax();					\
			continue;					\
		}							\
		memcpy(&v, rec.b, sizeof(v));				\
		sum += v;						\
		got++;							\
	}								\
	x->sum = sum;							\
	return NULL;							\
}

RING_FNS(8)
RING_FNS(16)
RING_FNS(32)
RING_FNS(64)
RING_FNS(128)
RING_FNS(256)

struct fns {
	unsigned long rec;
	void *(*llkm_prod)(void *), *(*llkm_cons)(void *);
	void *(*ck_prod)(void *), *(*ck_cons)(void *);
};

#define FNS(N) { N, llkm_prod_##N, llkm_cons_##N, ck_prod_##N, ck_cons_##N }
static const struct fns fns[] = {
	FNS(8), FNS(16), FNS(32), FNS(64), FNS(128), FNS(256),
};

static double trial(struct run *x, void *(*p)(void *), void *(*c)(void *))
{
	pthread_t tp, tc;
	double t0;

	x->go = 0;
	pthread_create(&tc, NULL, c, x);
	pthread_create(&tp, NULL, p, x);
	t0 = now_s();
	x->go = 1;
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	if (x->sum != x->n * (x->n - 1) / 2) {
		fprintf(stderr, "ring_bench: wrong sum: records lost or torn\n");
		exit(1);
	}
	return now_s() - t0;
}

static void setup(struct run *x, unsigned long rec)
{
	void *data = x->r.data;

	memset(&x->r, 0, sizeof(x->r));
	x->r.data = data;
	memset(&x->cons, 0, sizeof(x->cons));
	memset(&x->prod, 0, sizeof(x->prod));
	x->rec = rec;
	x->r.cons = &x->cons;
	x->r.prod = &x->prod;
	x->r.mask = RING_BYTES - 1;
	x->r.mode = LLKM_RING_MODE_DISCARD;
	/* What llctl's consumer knows of the ring: the mapped pages. */
	memset(&x->view, 0, sizeof(x->view));
	x->view.cons = x->r.cons;
	x->view.prod = x->r.prod;
	x->view.data = x->r.data;
	x->view.mask = x->r.mask;
	x->view.mode = x->r.mode;
	ck_ring_init(&x->ck, RING_BYTES / rec);
}

/* ns of one llkm_ring_now(), the record's timestamp, on the producer's CPU */
static double clock_ns(void)
{
	unsigned long i, n = 1000000;
	volatile u64 sink;
	double t0;

	pin(0);
	t0 = now_s();
	for (i = 0; i < n; i++)
		sink = llkm_ring_now();
	(void)sink;
	return (now_s() - t0) * 1e9 / n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	unsigned long n = 20000000, sizes[8] = { 16, 64, 256 };
	int trials = 5, nsizes = 3, opt, i, t;
	static struct run x;

	while ((opt = getopt(argc, argv, "n:t:s:")) != -1) {
		switch (opt) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 't': trials = atoi(optarg); break;
		case 's':
			nsizes = 0;
			for (char *s = strtok(optarg, ","); s && nsizes < 8;
			     s = strtok(NULL, ","))
				sizes[nsizes++] = strtoul(s, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n RECORDS] [-t TRIALS] [-s 16,64,256]\n", argv[0]);
			return 2;
		}
	}
	if (trials < 1 || trials > 99)
		trials = 5;
	x.r.data = shim_map_twice(RING_BYTES);
	if (!x.r.data) {
		perror("ring_bench: mapping the ring");
		return 1;
	}
	x.ckbuf = aligned_alloc(64, RING_BYTES);
	x.n = n;

	printf("# %lu records per trial, median of %d trials, 1 MiB rings, producer cpu 0, consumer cpu 1\n",
	       n, trials);
	printf("# %-6s %14s %10s %14s %10s %8s %9s\n", "bytes", "llkm rec/s",
	       "llkm ns", "ck_ring rec/s", "ck ns", "ratio", "clock ns");
	for (i = 0; i < nsizes; i++) {
		const struct fns *f = NULL;
		double a[99], b[99], c[99], ma, mb;

		for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
			if (fns[k].rec == sizes[i])
				f = &fns[k];
		if (!f) {
			fprintf(stderr, "ring_bench: sizes are powers of two in [8, %d]\n", MAX_REC);
			return 2;
		}
		for (t = 0; t < trials; t++) {
			setup(&x, sizes[i]);
			a[t] = trial(&x, f->llkm_prod, f->llkm_cons);
			setup(&x, sizes[i]);
			b[t] = trial(&x, f->ck_prod, f->ck_cons);
			c[t] = clock_ns();
		}
		ma = median(a, trials);
		mb = median(b, trials);
		printf("  %-6lu %14.0f %10.2f %14.0f %10.2f %7.2fx %9.2f\n",
		       sizes[i], n / ma, ma * 1e9 / n, n / mb, mb * 1e9 / n,
		       mb / ma, median(c, trials));
	}
	return 0;
}
