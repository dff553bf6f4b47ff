// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency --test bandwidth: read, write, copy and triad over a
 * sweep of working sets, at one SIMD width, in GB/s; and per cache level
 * against the level's peak where llctl knows it.
 *
 * The kernels (read, write, copy, triad) and the arrays' layout are
 * kmod/probe_bw.h, which llkm runs too (--kernel). GB/s count each
 * array's bytes once per pass, as STREAM and likwid-bench do: not the
 * write-allocate reads of the written array.
 *
 * A working set of B bytes with T threads gives each thread B/T bytes.
 * With --kernel each point is two LLKM_PROBE_BANDWIDTH runs in llkm's
 * kernel threads (the calibration, then the samples), each batch between
 * kernel_fpu_begin() and kernel_fpu_end() (arm64: kernel_neon_begin() and
 * kernel_neon_end(), so no SVE there) with interrupts off, on memory
 * the module zeroes on each thread's node (vmalloc: 4 KiB pages, where
 * user mode's anonymous memory may get transparent huge pages).
 *
 * Each point: a calibration run (also the warm-up) sizes a sample to
 * about BW_SAMPLE_NS, at least one pass; then the samples. The threads,
 * pinned to the first T of --cpus, start each sample together (they spin
 * on a generation count) and the sample ends when the last finishes. The
 * sweep runs 2, 3, 4, 6, 8, ... times a power of two from 16 KiB to
 * 256 MiB by default (capped at half of MemAvailable): about 2.5 s with 7
 * samples here. COH_TIME_BOUND_S bounds the sweep whatever the options;
 * touching the memory first takes about 0.1 s a GiB more.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#endif

#include <json-c/json.h>

#include "coherency/clock.h"
#include "coherency/coherency.h"
#include "coherency/kernel-run.h"
#include "coherency/machine.h"
#include "coherency/stats.h"
#include "lib/plausible.h"
#include "lib/text.h"
#include "lib/util.h"
#include "shim/probe_shim.h"
#if defined(__aarch64__)
#define PROBE_BW_CLOBBERS , "v0", "v1", "v2"
#else
#define PROBE_BW_CLOBBERS , "xmm0", "xmm1"
#endif
#include "../kmod/probe_bw.h"

#define BW_MIN_DEFAULT	(16ULL << 10)
#define BW_MAX_DEFAULT	(256ULL << 20)
#define BW_SAMPLE_NS	2000000.0
#define BW_POINTS	64

enum {
	BW_READ = LLKM_BW_READ,
	BW_WRITE = LLKM_BW_WRITE,
	BW_COPY = LLKM_BW_COPY,
	BW_TRIAD = LLKM_BW_TRIAD,
	BW_KERNELS = LLKM_BW_MAX + 1,
};

/* The options cmd-coherency.c set, else the defaults (all zero). */
static struct coh_bw_opts bw_opts;


/* ---- The options ---- */

/* --simd's names: 256 is SVE's column on arm64 (SIMD_SVE below). */
static const char *simd_name(int bits)
{
	switch (bits) {
	case 64:
		return "scalar";
	case 128:
		return "128";
	case 256:
#if defined(__aarch64__)
		return "sve";
#else
		return "256";
#endif
	case 512:
		return "512";
	}
	return "?";
}

#ifdef __x86_64__
static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* What cpuid says and the OS saves (XCR0): the widest usable, in bits. */
static int simd_widest(void)
{
	unsigned int a, b, c, d;
	uint64_t xcr0;

	__cpuid(1, a, b, c, d);
	if (!(c & bit_OSXSAVE) || !(c & bit_AVX))
		return 128;
	xcr0 = xgetbv0();
	if ((xcr0 & 0x6) != 0x6)
		return 128;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & bit_AVX512F) ||
	    (xcr0 & 0xe0) != 0xe0)
		return 256;
	return 512;
}

static const char *simd_need(int bits)
{
	return bits == 512 ? "AVX-512F" : bits == 256 ? "AVX" : "SSE2";
}

/* x86-64's widths are fixed: what the CPU has, in either mode. */
static int simd_widest_in(bool kernel)
{
	(void)kernel;
	return simd_widest();
}

/* The widths --simd takes. */
static bool simd_known(int bits)
{
	return bits == 64 || bits == 128 || bits == 256 || bits == 512;
}

#define SIMD_VALUES	"scalar, 128, 256 or 512"
#define SIMD_SOURCE	"cpuid, XCR0"
#elif defined(__aarch64__)
/*
 * arm64: scalar (FP d registers), 128 (NEON) and SVE at the task's vector
 * length, which --simd sve names and simd_bits holds as 256 (the kernels'
 * third column, kmod/arch/arm64/probe_bw_arch.h): arm64 has no fixed 256-
 * or 512-bit SIMD.
 */
#define SIMD_SVE	256

/* The task's SVE vector length in bits, 0 without SVE. */
static int sve_bits(void)
{
	int vl;

	if (!(getauxval(AT_HWCAP) & HWCAP_SVE))
		return 0;
	vl = prctl(PR_SVE_GET_VL);
	return vl < 0 ? 0 : (vl & PR_SVE_VL_LEN_MASK) * 8;
}

/* What AT_HWCAP says (the kernel sets it for what it saves): in bits. */
static int simd_widest(void)
{
	unsigned long hw = getauxval(AT_HWCAP);

	if (sve_bits())
		return SIMD_SVE;
	if (hw & HWCAP_ASIMD)
		return 128;
	return hw & HWCAP_FP ? 64 : 0;
}

/* llkm runs no SVE (kernel_neon_begin() saves FPSIMD only): NEON at most. */
static int simd_widest_in(bool kernel)
{
	int w = simd_widest();

	return kernel && w > 128 ? 128 : w;
}

static const char *simd_need(int bits)
{
	return bits == SIMD_SVE ? "SVE" : bits == 128 ? "NEON (ASIMD)" : "FP";
}

static bool simd_known(int bits)
{
	return bits == 64 || bits == 128 || bits == SIMD_SVE;
}

#define SIMD_VALUES	"scalar, 128 or sve"
#define SIMD_SOURCE	"AT_HWCAP"
#else
static int simd_widest(void)
{
	return 0;
}

static bool simd_known(int bits)
{
	return bits == 64 || bits == 128 || bits == 256 || bits == 512;
}

#define SIMD_VALUES	"scalar, 128, 256 or 512"
#endif

int coh_bw_opt_simd(struct coh_bw_opts *bo, const char *arg, char *why,
		    size_t len)
{
	int bits;

	if (!strcmp(arg, "scalar"))
		bits = 64;
#if defined(__aarch64__)
	else if (!strcmp(arg, "128"))
		bits = 128;
	else if (!strcmp(arg, "sve"))
		bits = SIMD_SVE;
#else
	else if (!strcmp(arg, "128") || !strcmp(arg, "256") ||
		 !strcmp(arg, "512"))
		bits = atoi(arg);
#endif
	else {
		snprintf(why, len, SIMD_VALUES);
		return 1;
	}
	bo->simd_bits = bits;
	return 0;
}

int coh_bw_opt_prefetch(struct coh_bw_opts *bo, const char *arg, char *why,
			size_t len)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' ||
	    v > COH_BW_PREFETCH_MAX || v % 64) {
		snprintf(why, len, "a distance in bytes from 0 (none) to %d, a multiple of 64",
			 COH_BW_PREFETCH_MAX);
		return 1;
	}
	bo->prefetch = (unsigned int)v;
	return 0;
}

/*
 * An integer, then K, M or G (binary, "KiB" too): "64K"; "1.5M" is not
 * one. -EINVAL, or -ERANGE above COH_BW_MAX_BYTES.
 */
static int parse_bytes(const char *s, const char *end_at, uint64_t *bytes)
{
	unsigned long long v;
	int shift = 0;
	char *end;

	if (s == end_at || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (end < end_at && (*end == 'K' || *end == 'k'))
		shift = 10, end++;
	else if (end < end_at && (*end == 'M' || *end == 'm'))
		shift = 20, end++;
	else if (end < end_at && (*end == 'G' || *end == 'g'))
		shift = 30, end++;
	if (shift && end + 2 <= end_at && !strncmp(end, "iB", 2))
		end += 2;
	if (end != end_at)
		return -EINVAL;
	if (v > (COH_BW_MAX_BYTES >> shift))
		return -ERANGE;
	*bytes = (uint64_t)v << shift;
	return 0;
}

int coh_bw_opt_sizes(struct coh_bw_opts *bo, const char *arg, char *why,
		     size_t len)
{
	const char *dash = strchr(arg, '-'), *end = arg + strlen(arg);
	uint64_t lo, hi = 0;
	int err;

	err = dash ? parse_bytes(arg, dash, &lo) : parse_bytes(arg, end, &lo);
	if (!err && dash)
		err = parse_bytes(dash + 1, end, &hi);
	if (err == -EINVAL) {
		snprintf(why, len, "SIZE or MIN-MAX, integers with K, M or G (e.g. 16K-256M)");
		return 1;
	}
	if (!dash)
		hi = lo;
	if (err || lo < COH_BW_MIN_BYTES || hi > COH_BW_MAX_BYTES || lo > hi) {
		snprintf(why, len, "the working sets must be from 4K to 64G, the smaller first");
		return 1;
	}
	bo->min_bytes = lo;
	bo->max_bytes = hi;
	return 0;
}

int coh_bw_opt_threads(struct coh_bw_opts *bo, const char *arg, char *why,
		       size_t len)
{
	long v;
	char *end;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > COH_BW_THREADS_MAX) {
		snprintf(why, len, "1 to %d", COH_BW_THREADS_MAX);
		return 1;
	}
	bo->threads = (int)v;
	return 0;
}

int coh_bw_set_opts(const struct coh_bw_opts *bo)
{
	int widest = simd_widest();

	if (bo->simd_bits && !simd_known(bo->simd_bits)) {
		llctl_err("Unable to use --simd %d: expected " SIMD_VALUES,
			  bo->simd_bits);
		return 1;
	}
	if (!widest) {
		llctl_err("Unable to use the bandwidth test's options: its kernels are x86-64 and arm64 only");
		return 1;
	}
#ifdef SIMD_SOURCE
	if (bo->simd_bits > widest) {
		llctl_err("Unable to use --simd %s: this CPU or kernel has no %s (" SIMD_SOURCE "), its widest is %s",
			  simd_name(bo->simd_bits), simd_need(bo->simd_bits),
			  simd_name(widest));
		return 1;
	}
#endif
	if (bo->prefetch > COH_BW_PREFETCH_MAX || bo->prefetch % 64) {
		llctl_err("Unable to use --prefetch %u: expected 0 to %d, a multiple of 64",
			  bo->prefetch, COH_BW_PREFETCH_MAX);
		return 1;
	}
	if ((bo->min_bytes && bo->min_bytes < COH_BW_MIN_BYTES) ||
	    bo->max_bytes > COH_BW_MAX_BYTES ||
	    (bo->min_bytes && bo->max_bytes && bo->min_bytes > bo->max_bytes)) {
		llctl_err("Unable to use --sizes %" PRIu64 "-%" PRIu64 ": the working sets must be from 4K to 64G, the smaller first",
			  bo->min_bytes, bo->max_bytes);
		return 1;
	}
	if (bo->threads < 0 || bo->threads > COH_BW_THREADS_MAX) {
		llctl_err("Unable to use --threads %d: expected 1 to %d",
			  bo->threads, COH_BW_THREADS_MAX);
		return 1;
	}
	bw_opts = *bo;
	return 0;
}

#if defined(__x86_64__) || defined(__aarch64__)
/* ---- The kernels ---- */

static const char *const bw_name[BW_KERNELS] = { "read", "write", "copy", "triad" };


int coh_bw_selfcheck(int simd_bits)
{
	const int len = 4096 / 8;	/* doubles an array, 2 loop steps */
	static double buf[3 * 512 + 3 * PROBE_BW_SKEW / 8] __attribute__((aligned(64)));
	struct probe_bw_job j;
	int k, pf, i;

	if (!simd_known(simd_bits))
		return -2;
	if (simd_bits > simd_widest())
		return -2;
	for (k = 0; k < BW_KERNELS; k++) {
		for (pf = 0; pf < 2; pf++) {
			for (i = 0; i < (int)(sizeof(buf) / sizeof(buf[0])); i++)
				buf[i] = i % 97;
			probe_bw_layout(&j, k, (char *)buf,
				  (uint64_t)len * 8 * probe_bw_arrays[k], pf ? 128 : 0);
			j.passes = 1;
			probe_bw_fns[k][probe_bw_simd_idx(simd_bits)][pf](&j);
			for (i = 0; i < len; i++) {
				double want = k == BW_READ ? (double)(i % 97) :
					      k == BW_WRITE ? 0 :
					      k == BW_COPY ? j.b[i] :
					      j.b[i] + 0.5 * j.c[i];

				if ((k == BW_READ ? j.b[i] : j.a[i]) != want)
					return -1;
			}
		}
	}
	return 0;
}

/* ---- Running the threads ---- */

/*
 * The threads spin (with pause) between rounds rather than sleep on a
 * barrier: a futex wake-up would start them microseconds apart. Each
 * runs on its own CPU of --cpus for the length of the test.
 */
struct bw_thread {
	pthread_t th;
	int cpu, err;
	char *region;
	uint64_t region_len;
	struct probe_bw_job job;
	struct bw_run *run;
};

struct bw_run {
	atomic_uint gen;	/* bumped by the caller to start a round */
	atomic_int finished;	/* workers done with the round */
	atomic_bool quit;
	probe_bw_fn fn;		/* NULL: a round that runs nothing */
	int threads;
	struct bw_thread *t;	/* [0] is the caller's */
};

static void bw_touch(struct bw_thread *t)
{
	double *d = (double *)t->region;
	uint64_t i;

	/* First touch in the thread that uses it: its NUMA node. */
	for (i = 0; i < t->region_len / 8; i++)
		d[i] = 1.0;
}

static void *bw_worker(void *arg)
{
	struct bw_thread *t = arg;
	struct bw_run *r = t->run;
	struct coh_pin pin = { 0 };
	unsigned int seen = 0, g;

	t->err = coh_pin(t->cpu, &pin);
	bw_touch(t);
	/* Pairs with the acquire in bw_start_threads(): touched, pinned. */
	atomic_fetch_add_explicit(&r->finished, 1, memory_order_release);
	for (;;) {
		/* Pairs with the release in bw_round(): fn and the jobs. */
		while ((g = atomic_load_explicit(&r->gen, memory_order_acquire)) == seen &&
		       !atomic_load_explicit(&r->quit, memory_order_relaxed))
			cpu_relax();
		if (atomic_load_explicit(&r->quit, memory_order_relaxed))
			break;
		seen = g;
		if (r->fn)
			r->fn(&t->job);
		/* Pairs with the acquire in bw_round(): the round is over. */
		atomic_fetch_add_explicit(&r->finished, 1, memory_order_release);
	}
	return NULL;
}

/* One round of every thread: its time in ns, from the start together. */
static double bw_round(struct bw_run *r)
{
	uint64_t t0;

	atomic_store_explicit(&r->finished, 0, memory_order_relaxed);
	/* Pairs with the acquire in bw_worker(): publishes fn and the jobs. */
	atomic_fetch_add_explicit(&r->gen, 1, memory_order_release);
	t0 = coh_now_ns();
	if (r->fn)
		r->fn(&r->t[0].job);
	/* Pairs with the release in bw_worker(). */
	while (atomic_load_explicit(&r->finished, memory_order_acquire) <
	       r->threads - 1)
		cpu_relax();
	return (double)(coh_now_ns() - t0);
}

static void bw_stop_threads(struct bw_run *r, int started)
{
	int i;

	atomic_store_explicit(&r->quit, true, memory_order_relaxed);
	for (i = 1; i <= started; i++)
		pthread_join(r->t[i].th, NULL);
}

/*
 * The caller is thread 0, already pinned; the others pin themselves and
 * touch their regions, and have when this returns 0 (else 1, said).
 */
static int bw_start_threads(struct bw_run *r, int *started)
{
	int i, err;

	*started = 0;
	bw_touch(&r->t[0]);
	for (i = 1; i < r->threads; i++) {
		r->t[i].run = r;
		err = pthread_create(&r->t[i].th, NULL, bw_worker, &r->t[i]);
		if (err) {
			llctl_err("Unable to start the bandwidth test's thread %d: %s",
				  i, strerror(err));
			return 1;
		}
		(*started)++;
	}
	/* Pairs with the first release in bw_worker(). */
	while (atomic_load_explicit(&r->finished, memory_order_acquire) <
	       r->threads - 1)
		cpu_relax();
	for (i = 1; i < r->threads; i++) {
		if (r->t[i].err) {
			llctl_err("Unable to pin the bandwidth test's thread %d to CPU %d: %s",
				  i, r->t[i].cpu, strerror(-r->t[i].err));
			return 1;
		}
	}
	return 0;
}

/* ---- The sweep and the levels ---- */

struct bw_point {
	uint64_t bytes;		/* the working set, as the sweep asked */
	double gbs[BW_KERNELS];		/* from the median sample's time */
	double best[BW_KERNELS];	/* from the fastest sample's */
	bool done[BW_KERNELS];
};

struct bw_level {
	char name[8];
	uint64_t cache_bytes;	/* 0 for DRAM */
	int pt;			/* its point in the sweep */
	double peak;		/* read GB/s, 0 unknown */
	char why[160];		/* how the peak was found, or why it was not */
};

struct bw_result {
	int simd_bits, threads, samples;
	int vector_bits;	/* arm64's SVE: the task's vector length */
	unsigned int prefetch;
	const int *cpus;
	uint64_t min_bytes, max_bytes;
	bool capped;
	double ghz, timer_ns;	/* ghz: the clock if plausible, else 0 */
	struct coh_clock clock;
	struct bw_point pt[BW_POINTS];
	int npt;
	struct bw_level lv[COH_CACHES_MAX + 1];
	int nlv;
	const char *stopped;
	int err;		/* --kernel: llkm refused a run */
};

/* The sizes: @min, then each 2^m and 3 * 2^(m-1) above it, then @max. */
static uint64_t next_bytes(uint64_t x, uint64_t max)
{
	uint64_t p = 1ULL << (63 - __builtin_clzll(x)), n;

	n = x < p + p / 2 ? p + p / 2 : 2 * p;
	return n > max && x < max ? max : n;
}

/*
 * The same in llkm's kernel threads, one run for the calibration and one
 * for the samples (each run warms up first, with its memory zeroed on
 * each thread's node).
 */
static bool bw_point_kernel(struct bw_result *r, struct bw_point *pt, int k,
			    const struct coh_opts *o, uint64_t deadline)
{
	uint64_t per_thread = pt->bytes / r->threads, passes, cap, left;
	uint64_t n = per_thread / probe_bw_arrays[k] / PROBE_BW_STEP * PROBE_BW_STEP;
	uint32_t cpus[LLKM_PROBE_THREADS_MAX];
	struct coh_kernel_req req = {
		.kind = LLKM_PROBE_BANDWIDTH, .op = k, .cpus = cpus,
		.ncpus = r->threads, .param = per_thread,
		.simd = r->simd_bits, .prefetch = r->prefetch,
		.stop = o->stop,
	};
	double v[COH_SAMPLES_MAX], counted = (double)n * probe_bw_arrays[k] * r->threads;
	struct coh_stats st;
	int i, ret;

	if (!n)
		return true;	/* too small for this kernel: skipped */
	for (i = 0; i < r->threads; i++)
		cpus[i] = r->cpus[i];
	cap = LLKM_BW_BATCH_BYTES_MAX / per_thread;
	passes = (uint64_t)(4.0 * (1 << 20) / counted) + 1;
	for (i = 0; i < 2; i++) {
		if ((o->stop && *o->stop) || coh_now_ns() > deadline)
			return false;
		left = (deadline - coh_now_ns()) / 1000000 + 1;
		req.timeout_ms = left < LLKM_PROBE_TIMEOUT_MAX_MS ? left :
			LLKM_PROBE_TIMEOUT_MAX_MS;
		req.iterations = passes < cap ? passes : cap;
		req.batches = i ? r->samples : 1;
		ret = coh_kernel_batch_ns(o->nl, &req, v);
		if (ret) {
			r->err = ret < 0 ? ret : 0;
			return false;
		}
		passes = (uint64_t)(req.iterations * BW_SAMPLE_NS / (v[0] > 1 ? v[0] : 1));
		if (!passes)
			passes = 1;
	}
	coh_stats_f(v, r->samples, &st);
	pt->gbs[k] = counted * req.iterations / st.median;	/* bytes/ns: GB/s */
	pt->best[k] = counted * req.iterations / st.min;
	pt->done[k] = true;
	return true;
}

/*
 * One kernel at one size: a calibration run (the warm-up), then the
 * samples. False when stopped or out of time.
 */
static bool bw_point(struct bw_run *run, struct bw_result *r,
		     struct bw_point *pt, int k, const struct coh_opts *o,
		     uint64_t deadline)
{
	double v[COH_SAMPLES_MAX], t, counted;
	struct coh_stats st;
	uint64_t per_thread = pt->bytes / r->threads, passes;
	int i;

	if (o->kernel)
		return bw_point_kernel(r, pt, k, o, deadline);
	for (i = 0; i < r->threads; i++)
		if (!probe_bw_layout(&run->t[i].job, k, run->t[i].region, per_thread,
			       r->prefetch))
			return true;	/* too small for this kernel: skipped */
	counted = (double)run->t[0].job.n * probe_bw_arrays[k] * r->threads;
	run->fn = probe_bw_fns[k][probe_bw_simd_idx(r->simd_bits)][r->prefetch ? 1 : 0];
	passes = (uint64_t)(4.0 * (1 << 20) / counted) + 1;
	for (i = 0; i < r->threads; i++)
		run->t[i].job.passes = passes;
	t = bw_round(run);
	passes = (uint64_t)(passes * BW_SAMPLE_NS / (t > 1 ? t : 1));
	if (!passes)
		passes = 1;
	for (i = 0; i < r->threads; i++)
		run->t[i].job.passes = passes;
	for (i = 0; i < r->samples; i++) {
		if ((o->stop && *o->stop) || coh_now_ns() > deadline)
			return false;
		t = bw_round(run);
		v[i] = t > 1 ? t : 1;
	}
	coh_stats_f(v, r->samples, &st);
	pt->gbs[k] = counted * passes / st.median;	/* bytes/ns: GB/s */
	pt->best[k] = counted * passes / st.min;
	pt->done[k] = true;
	return true;
}

static void bw_sweep(struct bw_run *run, struct bw_result *r,
		     const struct coh_opts *o)
{
	uint64_t deadline = coh_now_ns() + COH_TIME_BOUND_S * 1000000000ULL;
	uint64_t b;
	int k;

	r->stopped = "interrupted";
	for (b = r->min_bytes; b <= r->max_bytes && r->npt < BW_POINTS;
	     b = next_bytes(b, r->max_bytes)) {
		struct bw_point *pt = &r->pt[r->npt];

		memset(pt, 0, sizeof(*pt));
		pt->bytes = b;
		for (k = 0; k < BW_KERNELS; k++)
			if (!bw_point(run, r, pt, k, o, deadline))
				goto out;
		r->npt++;
		if (o->progress) {
			char s[32];

			llctl_text_bytes(s, sizeof(s), b);
			fprintf(stderr, "\rbandwidth: %s ", s);
		}
		if (b == r->max_bytes)
			break;
	}
	r->stopped = NULL;
out:
	if (r->stopped && coh_now_ns() > deadline)
		r->stopped = "time bound";
	if (o->progress)
		fprintf(stderr, "\r%*s\r", 40, "");
}

/*
 * L1 read peak: loads a cycle x bytes a load x the measured core clock x
 * threads, for the cores whose load ports llctl knows; 0 with @why else.
 */
#if defined(__aarch64__)
static double l1_peak(const struct bw_result *r, char *why, size_t len)
{
	char path[96], midr[32] = "";
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/regs/identification/midr_el1",
		 r->cpus[0]);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(midr, sizeof(midr), f))
			midr[0] = '\0';
		fclose(f);
		midr[strcspn(midr, "\n")] = '\0';
	}
	snprintf(why, len, "the load ports of arm64 cores are not in llctl's table (MIDR_EL1 %s)",
		 midr[0] ? midr : "not readable");
	return 0;
}
#else
static double l1_peak(const struct bw_result *r, char *why, size_t len)
{
	unsigned int a, b, c, d, fam, model, loads = 0, width = 0;
	char vendor[13];
	double bpc;

	__cpuid(0, a, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	__cpuid(1, a, b, c, d);
	fam = (a >> 8) & 0xf;
	model = (a >> 4) & 0xf;
	if (fam == 0xf)
		fam += (a >> 20) & 0xff;
	if (fam == 0xf || fam == 6)
		model |= ((a >> 16) & 0xf) << 4;
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine")) {
		/* Zen, Zen+: 128-bit paths; Zen 2 to 4: 256; Zen 5: 512. */
		if (fam == 0x17 || fam == 0x18)
			loads = 2, width = model < 0x30 && fam == 0x17 ? 16 : 32;
		else if (fam == 0x19)
			loads = 2, width = 32;
		else if (fam == 0x1a)
			loads = 2, width = 64;
	} else if (!strcmp(vendor, "GenuineIntel") && fam == 6) {
		switch (model) {
		case 0x3c: case 0x3f: case 0x45: case 0x46: /* Haswell */
		case 0x3d: case 0x47: case 0x4f: case 0x56: /* Broadwell */
		case 0x4e: case 0x5e: case 0x8e: case 0x9e: /* Skylake, */
		case 0xa5: case 0xa6:			     /* Kaby, Comet Lake */
			loads = 2, width = 32;
			break;
		case 0x55:				/* Skylake-SP */
		case 0x6a: case 0x6c:			/* Ice Lake-SP */
		case 0x8f: case 0xcf:			/* Sapphire, Emerald Rapids */
			loads = 2, width = 64;
			break;
		}
	}
	if (!loads) {
		snprintf(why, len, "the load ports of %s family %#x model %#x are not in llctl's table",
			 vendor, fam, model);
		return 0;
	}
	if (r->ghz <= 0) {
		snprintf(why, len, "the core clock could not be measured");
		return 0;
	}
	bpc = loads * (r->simd_bits / 8 < (int)width ? r->simd_bits / 8.0 : width);
	snprintf(why, len, "%.0f bytes a cycle (%u loads of at most %u bytes, %s family %#x) x %.2f GHz measured x %d thread%s",
		 bpc, loads, width, vendor, fam, r->ghz, r->threads,
		 r->threads > 1 ? "s" : "");
	return bpc * r->ghz * r->threads;
}
#endif

/*
 * A level's point: the fastest read between @lo and @hi bytes (its
 * plateau, clear of the transitions at either end), -1 without one.
 */
static int plateau_point(const struct bw_result *r, uint64_t lo, uint64_t hi)
{
	int i, at = -1;

	for (i = 0; i < r->npt; i++) {
		if (r->pt[i].bytes < lo || r->pt[i].bytes > hi ||
		    !r->pt[i].done[BW_READ])
			continue;
		if (at < 0 || r->pt[i].gbs[BW_READ] >
			      r->pt[at].gbs[BW_READ])
			at = i;
	}
	return at;
}

/*
 * Each data cache at its plateau, from twice the level before to half its
 * own size (per thread for private caches, all threads' for shared ones),
 * and DRAM at the largest working set when that is 4 times the last
 * level's or more.
 */
static void bw_levels(struct bw_result *r)
{
	struct coh_cache c[COH_CACHES_MAX];
	uint64_t below = 0, size = 0;
	char name[8];
	int i, n, at;

	n = coh_caches(NULL, r->cpus[0], c, COH_CACHES_MAX);
	for (i = 0; i < n && r->nlv < COH_CACHES_MAX; i++) {
		struct bw_level *l = &r->lv[r->nlv];
		bool private = c[i].shared_cpus <= 1;

		if (!strcmp(c[i].type, "Instruction"))
			continue;
		size = c[i].bytes * (private ? r->threads : 1);
		at = plateau_point(r, 2 * below, size / 2);
		below = size;
		if (at < 0)
			continue;	/* the sweep does not reach it */
		coh_cache_name(&c[i], name, sizeof(name));
		memcpy(l->name, name, sizeof(l->name));
		l->cache_bytes = c[i].bytes;
		l->pt = at;
		if (c[i].level == 1)
			l->peak = l1_peak(r, l->why, sizeof(l->why));
		else
			snprintf(l->why, sizeof(l->why),
				 "llctl knows no %s bandwidth figure for this core",
				 name);
		r->nlv++;
	}
	if (r->npt && size && r->pt[r->npt - 1].bytes >= 4 * size &&
	    r->pt[r->npt - 1].done[BW_READ]) {
		struct bw_level *l = &r->lv[r->nlv++];

		snprintf(l->name, sizeof(l->name), "DRAM");
		l->pt = r->npt - 1;
		snprintf(l->why, sizeof(l->why),
			 "the memory channels and their speed are not visible to userspace");
	}
}

/*
 * The gate's scale: the port limit is 192 bytes a cycle a core
 * (lib/plausible.c) at the measured clock, or at 7 GHz, the most any core
 * runs at, when the clock is not known.
 */
static double bw_scale(const struct bw_result *r)
{
	return (r->ghz > 0 ? r->ghz : 7.0) * r->threads;
}

static bool bw_ok(const struct bw_result *r, double gbs)
{
	char why[320];

	return llctl_plausible(LLCTL_PLAUS_BANDWIDTH_GBS, gbs, bw_scale(r), why,
			       sizeof(why));
}

/* @key: the GB/s, or null with KEY_reason when implausible or not run. */
static void jgbs(struct json_object *e, const char *key,
		 const struct bw_result *r, const struct bw_point *p, int k,
		 const double *v)
{
	if (p->done[k])
		llctl_plaus_json(e, key, LLCTL_PLAUS_BANDWIDTH_GBS, v[k], bw_scale(r));
	else
		json_object_object_add(e, key, NULL);
}

static struct json_object *bw_json(const struct bw_result *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *sw = json_object_new_array();
	struct json_object *lv = json_object_new_array();
	struct json_object *cpus = json_object_new_array();
	char key[32];
	int i, k;

	json_object_object_add(o, "simd",
			       json_object_new_string(simd_name(r->simd_bits)));
	if (r->vector_bits)
		json_object_object_add(o, "sve_vector_bits",
				       json_object_new_int(r->vector_bits));
	json_object_object_add(o, "threads", json_object_new_int(r->threads));
	for (i = 0; i < r->threads; i++)
		json_object_array_add(cpus, json_object_new_int(r->cpus[i]));
	json_object_object_add(o, "cpus", cpus);
	json_object_object_add(o, "prefetch", json_object_new_int64(r->prefetch));
	for (i = 0; i < r->npt; i++) {
		const struct bw_point *p = &r->pt[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "bytes", json_object_new_int64(p->bytes));
		for (k = 0; k < BW_KERNELS; k++) {
			snprintf(key, sizeof(key), "%s_gbs", bw_name[k]);
			jgbs(e, key, r, p, k, p->gbs);
		}
		for (k = 0; k < BW_KERNELS; k++) {
			snprintf(key, sizeof(key), "%s_gbs_best", bw_name[k]);
			jgbs(e, key, r, p, k, p->best);
		}
		json_object_array_add(sw, e);
	}
	json_object_object_add(o, "sweep", sw);
	for (i = 0; i < r->nlv; i++) {
		const struct bw_level *l = &r->lv[i];
		const struct bw_point *p = &r->pt[l->pt];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "level", json_object_new_string(l->name));
		json_object_object_add(e, "bytes", json_object_new_int64(p->bytes));
		json_object_object_add(e, "cache_bytes", l->cache_bytes ?
				       json_object_new_int64(l->cache_bytes) : NULL);
		for (k = 0; k < BW_KERNELS; k++) {
			snprintf(key, sizeof(key), "%s_gbs", bw_name[k]);
			jgbs(e, key, r, p, k, p->gbs);
		}
		json_object_object_add(e, "peak_read_gbs", l->peak > 0 ?
				       json_object_new_double(l->peak) : NULL);
		if (l->peak > 0)
			llctl_plaus_json(e, "of_peak", LLCTL_PLAUS_OF_PEAK,
					 p->gbs[BW_READ] / l->peak, 1);
		else
			json_object_object_add(e, "of_peak", NULL);
		json_object_object_add(e, l->peak > 0 ? "peak_basis" : "peak_reason",
				       json_object_new_string(l->why));
		json_object_array_add(lv, e);
	}
	json_object_object_add(o, "levels", lv);
	json_object_object_add(o, "gbs", json_object_new_string(
		"median of the samples (the *_best keys: the fastest); 1e9 bytes/s, each array's bytes once a pass"));
	json_object_object_add(o, "max_bytes_capped", json_object_new_boolean(r->capped));
	coh_clock_json(o, &r->clock);
	json_object_object_add(o, "samples", json_object_new_int(r->samples));
	llctl_plaus_json(o, "timer_resolution_ns", LLCTL_PLAUS_TIMER_RES_NS,
			 r->timer_ns, 1);
	json_object_object_add(o, "complete", json_object_new_boolean(!r->stopped));
	json_object_object_add(o, "stopped", r->stopped ?
			       json_object_new_string(r->stopped) : NULL);
	return o;
}

/* A level's read GB/s and its share of the peak, each gated. */
static void bw_level_text(FILE *f, const struct bw_result *r,
			  const struct bw_level *l)
{
	double gbs = r->pt[l->pt].gbs[BW_READ];
	char b[32], v[384], of[384], pk[32];

	llctl_text_bytes(b, sizeof(b), r->pt[l->pt].bytes);
	llctl_plaus_text(LLCTL_PLAUS_BANDWIDTH_GBS, gbs, bw_scale(r), "%7.1f GB/s",
			 v, sizeof(v));
	fprintf(f, "  %-4s at %-8s read %s", l->name, b, v);
	if (l->peak > 0 && bw_ok(r, gbs)) {
		llctl_plaus_text(LLCTL_PLAUS_OF_PEAK, gbs / l->peak, 1, "%.2f",
				 of, sizeof(of));
		if (strncmp(of, "implausible", 11))
			llctl_text_pct(of, sizeof(of), 100 * gbs / l->peak, 0);
		fprintf(f, ", %s of a %s peak (%s)\n", of,
			llctl_text_gbs(pk, sizeof(pk), l->peak), l->why);
	} else if (l->peak > 0) {
		fprintf(f, ", peak %s (%s)\n", llctl_text_gbs(pk, sizeof(pk), l->peak), l->why);
	} else {
		fprintf(f, ", peak unknown (%s)\n", l->why);
	}
}

static void bw_text(FILE *f, const struct bw_result *r)
{
	char b[32], pf[32] = "no prefetch", clk[512], vl[24] = "";
	bool flagged = false;
	int i, k;

	if (r->prefetch)
		snprintf(pf, sizeof(pf), "prefetch %u bytes ahead", r->prefetch);
	if (r->vector_bits)
		snprintf(vl, sizeof(vl), " (%d-bit)", r->vector_bits);
	fprintf(f, "bandwidth: %d thread%s from CPU %d, SIMD %s%s, %s, GB/s, median of %d samples\n",
		r->threads, r->threads > 1 ? "s" : "", r->cpus[0],
		simd_name(r->simd_bits), vl, pf, r->samples);
	fprintf(f, "  %10s", "bytes");
	for (k = 0; k < BW_KERNELS; k++)
		fprintf(f, "  %8s", bw_name[k]);
	fputc('\n', f);
	for (i = 0; i < r->npt; i++) {
		llctl_text_bytes(b, sizeof(b), r->pt[i].bytes);
		fprintf(f, "  %10s", b);
		for (k = 0; k < BW_KERNELS; k++)
			if (r->pt[i].done[k] && !bw_ok(r, r->pt[i].gbs[k]))
				fprintf(f, "  %8s", "!"), flagged = true;
			else if (r->pt[i].done[k])
				fprintf(f, "  %8.1f", r->pt[i].gbs[k]);
			else
				fprintf(f, "  %8s", "-");
		fputc('\n', f);
	}
	if (flagged) {
		fprintf(f, "  ! implausible: above %s, the port limit (%s)\n",
			llctl_text_gbs(b, sizeof(b),
				       llctl_plaus_bound(LLCTL_PLAUS_BANDWIDTH_GBS)->hi * bw_scale(r)),
			llctl_plaus_bound(LLCTL_PLAUS_BANDWIDTH_GBS)->why);
	}
	fprintf(f, "  core clock %s\n", coh_clock_text(&r->clock, clk, sizeof(clk)));
	for (i = 0; i < r->nlv; i++)
		bw_level_text(f, r, &r->lv[i]);
	if (r->capped)
		fprintf(f, "  the sweep stops at half of MemAvailable\n");
	if (r->stopped)
		fprintf(f, "  stopped early (%s): %d sizes ran\n", r->stopped,
			r->npt);
}

/* PREFIX-bandwidth.svg: GB/s by working set, a line a kernel. */
static int bw_svg(const char *prefix, const struct bw_result *r)
{
	double x[BW_KERNELS][BW_POINTS], y[BW_KERNELS][BW_POINTS];
	double mark[COH_CACHES_MAX + 1];
	const char *ml[COH_CACHES_MAX + 1];
	struct coh_series s[BW_KERNELS];
	char title[128];
	struct coh_chart c = {
		.title = title, .xlabel = "working set (all threads)",
		.ylabel = "GB/s (median)", .xbytes = true, .s = s,
		.ns = BW_KERNELS, .mark = mark, .mark_label = ml,
	};
	int i, k;

	snprintf(title, sizeof(title), "llctl coherency bandwidth: SIMD %s, %d thread%s",
		 simd_name(r->simd_bits), r->threads, r->threads > 1 ? "s" : "");
	for (k = 0; k < BW_KERNELS; k++) {
		s[k].name = bw_name[k];
		s[k].x = x[k];
		s[k].y = y[k];
		s[k].n = 0;
		for (i = 0; i < r->npt; i++) {
			if (!r->pt[i].done[k])
				continue;
			x[k][s[k].n] = r->pt[i].bytes;
			/* implausible: NaN, not drawn */
			y[k][s[k].n++] = coh_plaus_or_nan(LLCTL_PLAUS_BANDWIDTH_GBS,
							  r->pt[i].gbs[k],
							  bw_scale(r));
		}
	}
	for (i = 0; i < r->nlv; i++) {
		if (!r->lv[i].cache_bytes)
			continue;
		mark[c.nmarks] = r->lv[i].cache_bytes;
		ml[c.nmarks++] = r->lv[i].name;
	}
	return coh_svg_charts(prefix, "bandwidth", &c, 1);
}

/* The options against this run's CPUs and memory: 0 or 1 (said). */
static int bw_resolve(const struct coh_opts *o, struct bw_result *r)
{
	uint64_t avail = coh_mem_available(NULL) / 2;
	int widest = simd_widest();

	if (coh_samples(o->samples, "bandwidth", &r->samples))
		return 1;
	if (!widest) {
		llctl_err("Unable to run the bandwidth test: this CPU or kernel has no %s",
			  simd_need(64));
		return 1;
	}
	/*
	 * The default is the widest this mode runs; a width asked for goes
	 * to llkm as it is, which says why when it cannot run it there
	 * (arm64's SVE).
	 */
	r->simd_bits = bw_opts.simd_bits ? bw_opts.simd_bits :
		       simd_widest_in(o->kernel);
	if (r->simd_bits > widest) {
		llctl_err("Unable to run the bandwidth test at --simd %s: this CPU or kernel has no %s, its widest is %s",
			  simd_name(r->simd_bits), simd_need(r->simd_bits),
			  simd_name(widest));
		return 1;
	}
#if defined(__aarch64__)
	r->vector_bits = r->simd_bits == SIMD_SVE ? sve_bits() : 0;
#endif
	r->prefetch = bw_opts.prefetch;
	r->threads = bw_opts.threads ? bw_opts.threads : 1;
	if (!o->cpus || o->ncpus < r->threads) {
		llctl_err("Unable to run the bandwidth test with %d threads: --cpus gives %d CPU%s",
			  r->threads, o->cpus ? o->ncpus : 0,
			  o->ncpus == 1 ? "" : "s");
		return 1;
	}
	r->cpus = o->cpus;
	r->min_bytes = bw_opts.min_bytes ? bw_opts.min_bytes : BW_MIN_DEFAULT;
	r->max_bytes = bw_opts.max_bytes ? bw_opts.max_bytes : BW_MAX_DEFAULT;
	if (bw_opts.max_bytes && avail && r->max_bytes > avail) {
		llctl_err("Unable to run the bandwidth test up to %" PRIu64 " MiB: half of MemAvailable is %" PRIu64 " MiB",
			  r->max_bytes >> 20, avail >> 20);
		return 1;
	}
	if (avail && r->max_bytes > avail) {
		r->max_bytes = avail;
		r->capped = true;
	}
	if (r->min_bytes > r->max_bytes)
		r->min_bytes = r->max_bytes;
	if (r->min_bytes / r->threads < 3 * PROBE_BW_STEP) {
		llctl_err("Unable to run the bandwidth test from %" PRIu64 " bytes with %d threads: each thread needs at least %d",
			  r->min_bytes, r->threads, 3 * PROBE_BW_STEP);
		return 1;
	}
	return 0;
}

/* User mode's threads and their regions: 0, or 1 after saying why. */
static int bw_user_threads(const struct bw_result *r, struct bw_run *run,
			   char **mem, uint64_t *region)
{
	int i;

	run->threads = r->threads;
	run->t = calloc(r->threads, sizeof(*run->t));
	if (!run->t) {
		llctl_err("Unable to allocate the bandwidth test's threads: %s",
			  strerror(ENOMEM));
		return 1;
	}
	*region = probe_bw_region_bytes(r->max_bytes / r->threads);
	*mem = mmap(NULL, *region * r->threads, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*mem == MAP_FAILED) {
		llctl_err("Unable to map %" PRIu64 " MiB for the bandwidth test: %s",
			  *region * r->threads >> 20, strerror(errno));
		return 1;
	}
	for (i = 0; i < r->threads; i++) {
		run->t[i].cpu = r->cpus[i];
		run->t[i].region = *mem + *region * i;
		run->t[i].region_len = *region;
	}
	return 0;
}

static int bandwidth_run(const struct coh_opts *o, struct json_object *tests,
			 FILE *text)
{
	struct bw_result *r = NULL;
	struct bw_run run = { 0 };
	struct coh_pin pin = { 0 };
	uint64_t region = 0;
	char *mem = MAP_FAILED;
	int err, started = 0, ret = 1;

	r = calloc(1, sizeof(*r));
	if (!r) {
		llctl_err("Unable to allocate the bandwidth test's results: %s",
			  strerror(ENOMEM));
		goto cleanup;
	}
	if (bw_resolve(o, r))
		goto cleanup;
	if (o->kernel && r->threads > LLKM_PROBE_THREADS_MAX) {
		llctl_err("Unable to run the bandwidth test with %d threads in llkm: it runs at most %d",
			  r->threads, LLKM_PROBE_THREADS_MAX);
		goto cleanup;
	}
	if (!o->kernel && bw_user_threads(r, &run, &mem, &region))
		goto cleanup;
	err = coh_pin(r->cpus[0], &pin);
	if (err) {
		llctl_err("Unable to pin the bandwidth test to CPU %d: %s",
			  r->cpus[0], strerror(-err));
		goto cleanup;
	}
	coh_clock(r->cpus[0], &r->clock);	/* also the warm-up of the core */
	r->ghz = coh_clock_usable_ghz(&r->clock);
	r->timer_ns = coh_timer_res_ns();
	if (!o->kernel && bw_start_threads(&run, &started))
		goto cleanup;
	bw_sweep(&run, r, o);
	if (r->err) {
		llctl_err("Unable to run the bandwidth test in llkm: %s",
			  coh_kernel_strerror(r->err));
		goto cleanup;
	}
	bw_levels(r);
	json_object_object_add(tests, coh_test_bandwidth.key, bw_json(r));
	if (text)
		bw_text(text, r);
	ret = o->svg && bw_svg(o->svg, r) ? 1 : 0;
cleanup:
	if (run.t)
		bw_stop_threads(&run, started);
	coh_unpin(&pin);
	if (mem != MAP_FAILED)
		munmap(mem, region * r->threads);
	free(run.t);
	free(r);
	return ret;
}

#else
int coh_bw_selfcheck(int simd_bits)
{
	(void)simd_bits;
	return -2;
}

static int bandwidth_run(const struct coh_opts *o, struct json_object *tests,
			 FILE *text)
{
	(void)o, (void)tests, (void)text;
	return coh_not_here("bandwidth", "its kernels are x86-64 and arm64 assembly");
}
#endif

const struct coh_test coh_test_bandwidth = {
	.name = "bandwidth",
	.key = "bandwidth",
	.summary = "Read, write, copy and triad GB/s over working-set sizes",
	.has_kernel_mode = true,
	.run = bandwidth_run,
};
