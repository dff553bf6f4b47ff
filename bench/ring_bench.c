// SPDX-License-Identifier: GPL-2.0
/*
 * The ring core against Concurrency Kit's ck_ring, in one run: a producer
 * and a consumer thread on two CPUs move N records of 16, 64 and 256
 * bytes through 1 MiB of ring; records per second and ns per record, the
 * median of several trials, alternating the two rings.
 *
 * llkm's records also carry their 24-byte header (CLOCK_MONOTONIC time,
 * pid, tid, cpu), which the producer fills: ck_ring moves the N bytes only.
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
#include "../kmod/ring_core.h"

#define RING_BYTES	(1UL << 20)
#define MAX_REC		256

struct slot {
	unsigned char b[MAX_REC];
};

struct run {
	unsigned long n, rec;
	/* llkm */
	struct llkm_ring r;
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
	return llkm_ring_now() / 1e9;
}

static void *llkm_prod(void *arg)
{
	struct run *x = arg;
	u32 payload = x->rec;
	unsigned long i;

	pin(0);
	while (!x->go)
		;
	for (i = 0; i < x->n; ) {
		struct llkm_rec *rec = llkm_ring_reserve(&x->r, LLKM_REC_TEST,
							 payload);

		if (!rec) {
			/* Full: wait, as a benchmark must not lose. */
			local_set(&x->r.lost, 0);
			continue;
		}
		memcpy(rec + 1, &i, sizeof(i));
		llkm_ring_commit(&x->r);
		i++;
	}
	return NULL;
}

static void *llkm_cons(void *arg)
{
	struct run *x = arg;
	unsigned long pos = 0, got = 0, sum = 0;

	pin(1);
	while (got < x->n) {
		unsigned long pub = llkm_ring_published(&x->r), start = pos;

		while (pos != pub) {
			struct llkm_rec *rec = llkm_ring_rec(&x->r, pos);
			unsigned long v;

			memcpy(&v, rec + 1, sizeof(v));
			sum += v;
			pos += rec->size;
			got++;
		}
		if (pos != start)
			llkm_ring_release(&x->r, start, pos - start);
	}
	x->sum = sum;
	return NULL;
}

static void *ck_prod(void *arg)
{
	struct run *x = arg;
	unsigned char rec[MAX_REC] = { 0 };
	unsigned long i;

	pin(0);
	while (!x->go)
		;
	for (i = 0; i < x->n; ) {
		memcpy(rec, &i, sizeof(i));
		if (_ck_ring_enqueue_sp(&x->ck, x->ckbuf, rec, x->rec, NULL))
			i++;
	}
	return NULL;
}

static void *ck_cons(void *arg)
{
	struct run *x = arg;
	unsigned char rec[MAX_REC];
	unsigned long got = 0, sum = 0, v;

	pin(1);
	while (got < x->n) {
		if (!_ck_ring_dequeue_sc(&x->ck, x->ckbuf, rec, x->rec))
			continue;
		memcpy(&v, rec, sizeof(v));
		sum += v;
		got++;
	}
	x->sum = sum;
	return NULL;
}

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
	ck_ring_init(&x->ck, RING_BYTES / rec);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
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
	printf("# %-6s %14s %10s %14s %10s %8s\n", "bytes", "llkm rec/s",
	       "llkm ns", "ck_ring rec/s", "ck ns", "ratio");
	for (i = 0; i < nsizes; i++) {
		double a[99], b[99], ma, mb;

		if (sizes[i] < sizeof(unsigned long) || sizes[i] > MAX_REC ||
		    sizes[i] & (sizes[i] - 1)) {
			fprintf(stderr, "ring_bench: sizes are powers of two in [8, %d]\n", MAX_REC);
			return 2;
		}
		for (t = 0; t < trials; t++) {
			setup(&x, sizes[i]);
			a[t] = trial(&x, llkm_prod, llkm_cons);
			setup(&x, sizes[i]);
			b[t] = trial(&x, ck_prod, ck_cons);
		}
		qsort(a, trials, sizeof(a[0]), cmp);
		qsort(b, trials, sizeof(b[0]), cmp);
		ma = a[trials / 2];
		mb = b[trials / 2];
		printf("  %-6lu %14.0f %10.2f %14.0f %10.2f %7.2fx\n", sizes[i],
		       n / ma, ma * 1e9 / n, n / mb, mb * 1e9 / n, mb / ma);
	}
	return 0;
}
