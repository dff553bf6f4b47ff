/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine probes of llctl coherency: branch (coherency/branch.c), icache
 * (coherency/icache.c) and bandwidth (coherency/bandwidth.c), and what the three
 * share (coherency/machine.c).
 *
 * Options. cmd-coherency.c owns the command line: it parses --simd,
 * --prefetch, --sizes and --threads into a struct coh_bw_opts with the
 * coh_bw_opt_*() parsers, then hands the set to coh_bw_set_opts() once,
 * after parsing. Without that call the bandwidth test runs with the
 * defaults below. --samples (struct coh_opts) is the samples taken per
 * point: 0 is 7, 3 to 1000 are accepted.
 *
 * Every measurement here: pinned to the first of --cpus, a warm-up, then
 * that many samples, reduced to min and median; a test stops at its time
 * bound (COH_TIME_BOUND_S) or on *stop and reports the points it finished,
 * with "complete": false and the reason under "stopped".
 */
#ifndef LLCTL_COHERENCY_MACHINE_H
#define LLCTL_COHERENCY_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/plausible.h"

struct json_object;

/* The bandwidth test's options; zero means "the default". */
struct coh_bw_opts {
	int simd_bits;		/* 64 (scalar), 128, 256, 512 (arm64: 256 is SVE);
				 * 0: widest here */
	unsigned int prefetch;	/* prefetch this many bytes ahead; 0: none */
	uint64_t min_bytes;	/* working-set sweep; 0: 16 KiB */
	uint64_t max_bytes;	/* 0: 256 MiB, capped by half of MemAvailable */
	int threads;		/* 0: 1; else at most the --cpus given */
};

/* The accepted ranges, which the error messages quote. */
#define COH_BW_PREFETCH_MAX	8192
#define COH_BW_MIN_BYTES	(4ULL << 10)
#define COH_BW_MAX_BYTES	(64ULL << 30)
#define COH_BW_THREADS_MAX	1024

/*
 * Parsers of one option's argument into @bo: 0, or 1 with what is
 * accepted in @why.
 *   --simd scalar|128|256|512        refused when the CPU lacks it (cpuid);
 *          (arm64: scalar|128|sve)   on arm64 AT_HWCAP
 *   --prefetch BYTES                 0 to 8192, a multiple of 64
 *   --sizes SIZE | MIN-MAX           4K to 64G, suffixes K, M, G (binary)
 *   --threads N                      1 to 1024 (the run checks --cpus)
 */
int coh_bw_opt_simd(struct coh_bw_opts *bo, const char *arg, char *why,
		    size_t len);
int coh_bw_opt_prefetch(struct coh_bw_opts *bo, const char *arg, char *why,
			size_t len);
int coh_bw_opt_sizes(struct coh_bw_opts *bo, const char *arg, char *why,
		     size_t len);
int coh_bw_opt_threads(struct coh_bw_opts *bo, const char *arg, char *why,
		       size_t len);

/* Checks the set as a whole and makes it the bandwidth test's: 0 or 1. */
int coh_bw_set_opts(const struct coh_bw_opts *bo);

/*
 * Runs each bandwidth kernel of @simd_bits once over a small array and
 * checks what it wrote: 0, or -1 (the kernel is wrong), -2 (not on this
 * CPU or neither x86-64 nor arm64).
 */
int coh_bw_selfcheck(int simd_bits);

/* ---- Shared by the three probes (coherency/machine.c). ---- */

#define COH_SAMPLES_DEFAULT	7
#define COH_SAMPLES_MIN		3
#define COH_SAMPLES_MAX		1000
#define COH_TIME_BOUND_S		10	/* per test's measuring, whatever the options */

/* --samples (0: the default) into @samples: 0, or 1 after saying why. */
int coh_samples(unsigned int given, const char *test, int *samples);

/*
 * The clock is coh_now_ns() and the statistics coh_stats_f()
 * (coherency/stats.h). The smallest step the clock shows between two reads,
 * in ns.
 */
double coh_timer_res_ns(void);

/* Pins the calling thread to @cpu, keeping the old mask in @old: 0 or -errno. */
struct coh_pin {
	unsigned char mask[128];	/* a cpu_set_t, opaque here */
	bool saved;
};
int coh_pin(int cpu, struct coh_pin *old);
void coh_unpin(struct coh_pin *old);

/*
 * The core clock in GHz, the frequency the core runs at now, turbo
 * included (the TSC's and the generic timer's are not): on x86-64 from a
 * chain of dependent imuls (3 cycles each, coherency/machine.c says where
 * not), on arm64 from the PMU's cpu_cycles counted on this thread over a
 * timed spin. 0 where it cannot be measured, with why in @why ("not
 * measured: ..."): no PMU on arm64, another architecture.
 * coherency/clock.h cross-checks it; use that.
 */
double coh_core_ghz(char *why, size_t len);

/* How coh_core_ghz() measures here: "imul chain" (@brief), or in full. */
const char *coh_core_ghz_method(bool brief);

/* The caches of @cpu, from sysfs under @root (lib/rootfs.h). */
struct coh_cache {
	int level;
	char type[12];		/* Data, Instruction, Unified */
	uint64_t bytes;
	int shared_cpus;	/* how many CPUs share it, 0 unknown */
};
#define COH_CACHES_MAX	8
/* How many were found (0 when sysfs has none), sorted by level. */
int coh_caches(const char *root, int cpu, struct coh_cache *c, int max);
/* "L1d", "L1i", "L2", "L3" */
void coh_cache_name(const struct coh_cache *c, char *buf, unsigned int len);

/*
 * The steps of a sweep (@y: time per unit, over ascending sizes): @y
 * rises at i when y[i] is @rise times and @min_delta more than the median
 * of the three points before it (one dip does not make a step), and
 * y[i + 1] stays that high. Each run of risen points is one step, at its
 * sharpest point (the largest y[i] / y[i - 1]). Fills @at with their
 * indices: how many (at most @max).
 */
int coh_find_steps(const double *y, int n, double rise, double min_delta,
		   int *at, int max);

/*
 * The longest pattern the branch predictor learns: the last of ascending
 * @len whose time per branch @y stays below the midpoint between @fast
 * (predictable) and @slow (random) when every shorter one did too. -1
 * with @why set when there is no such jump in the sweep.
 */
long coh_history_length(const long *len, const double *y, int n, double fast,
			double slow, const char **why);

/* Bytes of MemAvailable, 0 when unknown. */
uint64_t coh_mem_available(const char *root);

/*
 * Line charts of sweeps for --svg: one panel a chart, stacked in
 * PREFIX-@test.svg, the x axis logarithmic (base 2), the y axis from 0.
 * Vertical marks (the steps found) are drawn grey with their label.
 */
struct coh_series {
	const char *name;
	const double *x, *y;
	int n;
};

struct coh_chart {
	const char *title, *xlabel, *ylabel;
	bool xbytes;		/* label the x ticks in KiB, MiB, ... */
	const struct coh_series *s;
	int ns;
	const double *mark;	/* x of each mark */
	const char *const *mark_label;
	int nmarks;
};

/*
 * 0, or 1 after saying why the file could not be written. A point whose y
 * is NaN (a value its gate refused: coh_plaus_or_nan()) is not drawn, nor
 * a line to it.
 */
int coh_svg_charts(const char *prefix, const char *test,
		   const struct coh_chart *c, int n);

/* @v, or NaN when outside its gate (@k, @scale): what a chart draws. */
double coh_plaus_or_nan(enum llctl_plaus k, double v, double scale);

/*
 * Whether @ns a instruction of straight-line code is plausible: inside
 * LLCTL_PLAUS_INSTR_NS, and at most 12 instructions a cycle (IPC's bound)
 * at @ghz, the measured clock (0 when it is unknown or implausible: 7 GHz,
 * the fastest). Else @why says why.
 */
bool coh_instr_ns_plausible(double ns, double ghz, char *why, size_t len);

/*
 * Whether @ns a jump to the next page (icache's page sweep) is plausible:
 * inside LLCTL_PLAUS_PAGE_NS, and at least half a cycle (no core takes
 * more than 2 branches a cycle) at @ghz, the measured clock (0: unknown,
 * the table's 7 GHz floor only). Else @why says why.
 */
bool coh_jump_ns_plausible(double ns, double ghz, char *why, size_t len);

/* @key: @v when @why is NULL, else null and KEY_reason @why. */
void coh_json_gated(struct json_object *o, const char *key, double v,
		    const char *why);

/*
 * Where a test's kernels do not exist (not x86-64): say so, naming this
 * machine, and return 1. @why: "its kernels are x86-64 assembly", ...
 */
int coh_not_here(const char *test, const char *why);

#endif /* LLCTL_COHERENCY_MACHINE_H */
