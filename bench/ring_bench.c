// SPDX-License-Identifier: GPL-2.0
/*
 * The ring core against Concurrency Kit's ck_ring, in one run: a producer
 * and a consumer thread on two CPUs move N records of 16, 64 and 256
 * bytes through 1 MiB of ring; ns per record, the least and the median
 * of several trials, alternating the two rings (on a shared host the
 * least is the run least disturbed by others).
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
 * -b BATCH: each consumer waits until BATCH records are there, then takes
 * all there are (llctl is woken when a ring holds its watermark, half the
 * ring by default). With 1, the default, a consumer that is faster than
 * the producer reads every record as soon as it is published, and each
 * record moves the producer's position and data lines between the CPUs.
 *
 * -1: one thread on CPU 0 produces then consumes each record: no line
 * moves between CPUs, what is left is each ring's instructions.
 *
 * A producer that finds its ring full tries again (a benchmark must not
 * lose); "full" is how many times per record, a sign of a consumer that
 * was descheduled.
 *
 * llkm's records also carry their 24-byte header (CLOCK_MONOTONIC time,
 * pid, tid, cpu), which the producer fills: ck_ring moves the N bytes
 * only. The clock is read for each record, in the kernel too
 * (ktime_get_mono_fast_ns()); what one read costs here is printed beside.
 *
 * ring_bench_noclock is the same without the clock read (0 for "clock
 * ns"): what the ring itself costs.
 *
 * Usage: ring_bench [-1] [-b BATCH] [-n RECORDS] [-t TRIALS] [-s SIZES] [-v]
 * (-v: each trial's times on stderr)
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
	unsigned long batch;	/* -b: records a consumer waits for */
	/* llkm: the producer's ring (the kernel's), the consumer's view */
	struct llkm_ring r;
	struct llkm_ring view __attribute__((aligned(64)));
	struct llkm_ring_consumer cons __attribute__((aligned(4096)));
	struct llkm_ring_producer prod __attribute__((aligned(4096)));
	/* ck_ring: a buffer of N-byte slots */
	struct ck_ring ck __attribute__((aligned(64)));
	void *ckbuf;
	unsigned long sum;
	unsigned long fails __attribute__((aligned(64)));
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
			x->fails++;					\
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
		unsigned long want = x->n - got < x->batch ?		\
				     x->n - got : x->batch;		\
									\
		if (pub - pos < want * llkm_rec_len(N)) {		\
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
		if (!slot) {						\
			x->fails++;					\
			continue;					\
		}							\
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
	unsigned long got = 0, sum = 0, v, avail;			\
									\
	pin(1);								\
	while (got < x->n) {						\
		unsigned long want = x->n - got < x->batch ?		\
				     x->n - got : x->batch;		\
									\
		avail = ck_ring_size(&x->ck);				\
		if (avail < want) {					\
			cpu_relax();					\
			continue;					\
		}							\
		while (avail-- &&					\
		       ck_ring_dequeue_spsc_rec##N(&x->ck, x->ckbuf, &rec)) { \
			memcpy(&v, rec.b, sizeof(v));			\
			sum += v;					\
			got++;						\
		}							\
	}								\
	x->sum = sum;							\
	return NULL;							\
}									\
									\
/*									\
 * -1: one thread produces each record then consumes it, as the two	\
 * threads above do: no cache line moves between CPUs, what is left is	\
 * each ring's own instructions per record.				\
 */									\
static void *llkm_one_##N(void *arg)					\
{									\
	struct run *x = arg;						\
	struct llkm_ring *r = &x->view;					\
	unsigned char body[N] = { 0 };					\
	unsigned long i, pos = 0, sum = 0, v;				\
									\
	pin(0);								\
	for (i = 0; i < x->n; i++) {					\
		struct llkm_rec *rec = llkm_ring_reserve(&x->r,		\
						LLKM_REC_TEST, N);	\
									\
		if (!rec)						\
			break;						\
		memcpy(body, &i, sizeof(i));				\
		memcpy(rec + 1, body, N);				\
		llkm_ring_commit(&x->r);				\
		if (llkm_ring_published(r) == pos)			\
			break;						\
		rec = llkm_ring_rec(r, pos);				\
		memcpy(&v, rec + 1, sizeof(v));				\
		sum += v;						\
		llkm_ring_release(r, pos, rec->size);			\
		pos += rec->size;					\
	}								\
	x->sum = sum;							\
	return NULL;							\
}									\
									\
static void *ck_one_##N(void *arg)					\
{									\
	struct run *x = arg;						\
	unsigned char body[N] = { 0 };					\
	struct rec##N rec;						\
	unsigned long i, sum = 0, v;					\
									\
	pin(0);								\
	for (i = 0; i < x->n; i++) {					\
		struct rec##N *slot = ck_ring_enqueue_reserve_spsc_rec##N( \
						&x->ck, x->ckbuf);	\
									\
		if (!slot)						\
			break;						\
		memcpy(body, &i, sizeof(i));				\
		memcpy(slot, body, N);					\
		ck_ring_enqueue_commit_spsc(&x->ck);			\
		if (!ck_ring_dequeue_spsc_rec##N(&x->ck, x->ckbuf, &rec)) \
			break;						\
		memcpy(&v, rec.b, sizeof(v));				\
		sum += v;						\
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
	void *(*llkm_one)(void *), *(*ck_one)(void *);
};

#define FNS(N) { N, llkm_prod_##N, llkm_cons_##N, ck_prod_##N, ck_cons_##N, \
		llkm_one_##N, ck_one_##N }
static const struct fns fns[] = {
	FNS(8), FNS(16), FNS(32), FNS(64), FNS(128), FNS(256),
};

static double trial(struct run *x, void *(*p)(void *), void *(*c)(void *))
{
	pthread_t tp, tc;
	double t0;

	x->go = 0;
	x->fails = 0;
	if (c)
		pthread_create(&tc, NULL, c, x);
	t0 = now_s();
	pthread_create(&tp, NULL, p, x);
	x->go = 1;
	pthread_join(tp, NULL);
	if (c)
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
	unsigned long n = 20000000, sizes[8] = { 16, 64, 256 }, batch = 1;
	int trials = 5, nsizes = 3, opt, i, t, one = 0, verbose = 0;
	static struct run x;

	while ((opt = getopt(argc, argv, "1b:n:t:s:v")) != -1) {
		switch (opt) {
		case '1': one = 1; break;
		case 'b': batch = strtoul(optarg, NULL, 0); break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 't': trials = atoi(optarg); break;
		case 'v': verbose = 1; break;
		case 's':
			nsizes = 0;
			for (char *s = strtok(optarg, ","); s && nsizes < 8;
			     s = strtok(NULL, ","))
				sizes[nsizes++] = strtoul(s, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-1] [-b BATCH] [-n RECORDS] [-t TRIALS] [-s 16,64,256] [-v]\n",
				argv[0]);
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
	x.batch = batch ? batch : 1;

	if (one)
		printf("# %lu records per trial, %d trials, 1 MiB rings, one thread on cpu 0 produces then consumes each record\n",
		       n, trials);
	else
		printf("# %lu records per trial, %d trials, 1 MiB rings, producer cpu 0, consumer cpu 1 waiting for %lu record(s)\n",
		       n, trials, x.batch);
	printf("# ns per record, min and median of the trials; speed-up = ck ns / llkm ns; full = failed reserves per record\n");
	printf("# %-5s %9s %9s %9s %9s %8s %8s %7s %7s %8s\n", "bytes",
	       "llkm min", "llkm med", "ck min", "ck med", "x min", "x med",
	       "llkm full", "ck full", "clock ns");
	for (i = 0; i < nsizes; i++) {
		const struct fns *f = NULL;
		double a[99], b[99], c[99], fa[99], fb[99], ma, mb, la, lb;

		for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
			if (fns[k].rec == sizes[i])
				f = &fns[k];
		if (!f) {
			fprintf(stderr, "ring_bench: sizes are powers of two in [8, %d]\n", MAX_REC);
			return 2;
		}
		for (t = 0; t < trials; t++) {
			setup(&x, sizes[i]);
			a[t] = one ? trial(&x, f->llkm_one, NULL) :
				     trial(&x, f->llkm_prod, f->llkm_cons);
			fa[t] = (double)x.fails / n;
			setup(&x, sizes[i]);
			b[t] = one ? trial(&x, f->ck_one, NULL) :
				     trial(&x, f->ck_prod, f->ck_cons);
			fb[t] = (double)x.fails / n;
			c[t] = clock_ns();
			if (verbose)
				fprintf(stderr, "# trial %d: %lu B llkm %.2f ns (full %.2f) ck %.2f ns (full %.2f)\n",
					t, sizes[i], a[t] * 1e9 / n, fa[t],
					b[t] * 1e9 / n, fb[t]);
		}
		ma = median(a, trials);
		mb = median(b, trials);
		la = a[0];	/* median() sorted them */
		lb = b[0];
		printf("  %-5lu %9.2f %9.2f %9.2f %9.2f %7.2fx %7.2fx %9.2f %7.2f %8.2f\n",
		       sizes[i], la * 1e9 / n, ma * 1e9 / n, lb * 1e9 / n,
		       mb * 1e9 / n, lb / la, mb / ma, median(fa, trials),
		       median(fb, trials), median(c, trials));
	}
	return 0;
}
