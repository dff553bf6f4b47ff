// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency --test icache: the cost of running code by its size,
 * which steps up where the code outgrows the op cache, the L1i, L2 and
 * L3, and, one page at a time, the iTLB levels.
 *
 * The code is written at run time into anonymous memory (4 KiB pages:
 * MADV_NOHUGEPAGE), then made read+exec (never writable and executable at
 * once; on arm64 the caches are made coherent first, as a JIT does:
 * __builtin___clear_cache()), and called; coherency/icache-code.h writes
 * it, for x86-64 or arm64:
 *
 *   code sweep, one region of IC_CODE_MAX bytes:
 *	[ endbr64 ] x IC_CODE_MAX/4, endbr64, ret (arm64: bti c, ret)
 *	a footprint F runs from IC_CODE_MAX - F: F bytes of 4-byte nops
 *
 *   page sweep, one region of IC_PAGES_MAX pages, one jump a page:
 *	page k, at offset (k * 64) % 4096: endbr64, jmp page k+1 (same
 *	rotation); the last page: endbr64, ret; the rest is int3 (arm64:
 *	bti c, b; bti c, ret; udf #0)
 *	P pages run from page IC_PAGES_MAX - P; the offsets rotate so that
 *	the jumps spread over the L1i's sets instead of sharing one
 *
 * With --kernel the code is llkm's (kmod/probe_code.c), laid out the
 * same way in module text, and each point is one LLKM_PROBE_ICACHE run in
 * its kernel thread, interrupts off: the sweeps stop at the module's
 * regions, LLKM_ICACHE_CODE_MAX bytes and LLKM_ICACHE_PAGES_MAX pages.
 * endbr64 (bti c) is a no-op (a hint no-op before CET, BTI) that lets the
 * kernel call any entry where it enforces IBT (BTI); user mode runs the
 * same instructions.
 *
 * A sample calls the footprint enough times to run IC_SAMPLE_BYTES (at
 * least once) and subtracts the cost of calling a bare ret, measured
 * first. A point is one warm-up call round and then the samples; the
 * default run (7 samples, 33 + 27 points) takes under a second;
 * COH_TIME_BOUND_S bounds any run.
 *
 * A step is a rise of IC_RISE times and half a core cycle (a 64-byte line
 * of code, or a page) over the points before it, on the samples' minima
 * (see coh_find_steps()); with the core clock unknown (no PMU on arm64) a
 * cycle is taken as 0.3 ns, and said so (step_cycle_ns). Its level is the
 * cache (sysfs) or iTLB level (cpuid, AMD only: itlb_reason says why not)
 * whose capacity lies between half the size before the step and the
 * step's, else "unknown": a label of capacity, not a proof of cause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <json-c/json.h>

#include "coherency/clock.h"
#include "coherency/coherency.h"
#include "coherency/icache-code.h"
#include "coherency/kernel-run.h"
#include "coherency/machine.h"
#include "coherency/stats.h"
#include "lib/plausible.h"
#include "lib/text.h"
#include "lib/util.h"

#define IC_CODE_MIN	(1ULL << 10)
#define IC_CODE_MAX	(64ULL << 20)
#define IC_PAGES_MAX	16384ULL		/* 64 MiB of pages */
#define IC_SAMPLE_BYTES	(4ULL << 20)
#define IC_SAMPLE_PAGES	4096ULL
#define IC_POINTS	40
#define IC_RISE		1.25
#define IC_STEPS	8
#define IC_CYCLE_NS	0.3	/* a cycle, when the clock is unknown: 3.3 GHz */

struct ic_point {
	uint64_t bytes;
	struct coh_stats ns;	/* per KiB (code) or per page (pages) */
};

struct ic_step {
	uint64_t bytes;
	const char *sweep;	/* "code", "pages" */
	char level[32];
	double from, to;	/* ns per unit, before and at the step */
};

struct ic_result {
	int cpu, samples;
	double call_ns, timer_ns, ghz;	/* ghz: the clock if plausible, else 0 */
	struct coh_clock clock;
	struct ic_point code[IC_POINTS], pages[IC_POINTS];
	int ncode, npages;
	struct ic_step step[2 * IC_STEPS];
	int nstep;
	unsigned int itlb_l1, itlb_l2;	/* 4 KiB entries, 0 unknown: */
	const char *itlb_why;		/* why */
	uint64_t code_max, pages_max;	/* the sweeps' ends in this mode */
	const char *stopped;
	int err;		/* --kernel: llkm refused a run */
};

#if defined(__x86_64__) || defined(__aarch64__)
typedef void (*ic_fn)(void);

#if defined(__x86_64__)
#define IC_ISA	IC_X86_64
#else
#define IC_ISA	IC_ARM64
#endif

static ic_fn fn_at(uint8_t *p)
{
	ic_fn f;

	memcpy(&f, &p, sizeof(f));
	return f;
}

/* A region to write code into, without huge pages: NULL after saying why. */
static uint8_t *code_map(uint64_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		llctl_err("Unable to map %llu bytes for the icache test's code: %s",
			  (unsigned long long)len, strerror(errno));
		return NULL;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

/* Written, now read+exec: 0, or 1 after saying why. */
static int code_seal(uint8_t *p, uint64_t len)
{
	if (mprotect(p, len, PROT_READ | PROT_EXEC)) {
		llctl_err("Unable to make the icache test's code executable: %s (a policy forbidding executable anonymous memory?)",
			  strerror(errno));
		return 1;
	}
	return 0;
}

_Static_assert(IC_PAGES_MAX * IC_PAGE < IC_A64_B_RANGE,
	       "arm64's b does not reach across the page region");

/*
 * User mode's two regions, written, made coherent with the instruction
 * side (arm64: dc cvau, ic ivau by line; x86 keeps its caches coherent)
 * and then sealed: 0, or 1 after saying why.
 */
static int write_code(uint8_t **code, uint8_t **pages)
{
	*code = code_map(IC_CODE_MAX + IC_PAGE);
	if (!*code)
		return 1;
	*pages = code_map(IC_PAGES_MAX * IC_PAGE);
	if (!*pages)
		return 1;
	ic_write_nops(*code, IC_CODE_MAX, IC_ISA);
	ic_write_pages(*pages, IC_PAGES_MAX, IC_ISA);
	__builtin___clear_cache((char *)*code, (char *)*code + IC_CODE_MAX + IC_PAGE);
	__builtin___clear_cache((char *)*pages,
				(char *)*pages + IC_PAGES_MAX * IC_PAGE);
	return code_seal(*code, IC_CODE_MAX + IC_PAGE) ||
	       code_seal(*pages, IC_PAGES_MAX * IC_PAGE);
}

static double time_calls(ic_fn f, uint64_t calls)
{
	uint64_t t0 = coh_now_ns(), i;

	for (i = 0; i < calls; i++)
		f();
	return (double)(coh_now_ns() - t0);
}

/* What a sample calls, and how often. */
struct ic_load {
	int op;			/* the sweep: LLKM_ICACHE_CODE or PAGES */
	uint64_t param;		/* its footprint: CODE bytes (0: the call alone), PAGES pages */
	uint64_t calls;		/* a sample's */
	uint8_t *code, *pages;	/* in this thread: the sweep's, the other NULL */
};

/*
 * @n samples of l->calls calls of the footprint l->param of sweep l->op,
 * ns each into @v, after a warm-up: in this thread from l->code or
 * l->pages, or with --kernel in llkm's. False when stopped or out of
 * time, or (r->err) when llkm refused.
 */
static bool time_samples(const struct coh_opts *o, struct ic_result *r,
			 const struct ic_load *l, int n, uint64_t deadline, double *v)
{
	uint64_t param = l->param, calls = l->calls;
	uint64_t first = IC_PAGES_MAX - param;
	uint32_t cpu = r->cpu;
	struct coh_kernel_req req = {
		.kind = LLKM_PROBE_ICACHE, .op = l->op, .cpus = &cpu, .ncpus = 1,
		.iterations = calls, .batches = n, .param = param,
		.stop = o->stop,
	};
	ic_fn f;
	int i, ret;

	if (o->kernel) {
		ret = coh_kernel_batch_ns(o->nl, &req, v);
		r->err = ret < 0 ? ret : 0;
		return !ret;
	}
	f = l->op == LLKM_ICACHE_CODE ? fn_at(l->code + IC_CODE_MAX - param) :
	    fn_at(l->pages + first * IC_PAGE + ic_page_off(first));
	time_calls(f, calls);
	for (i = 0; i < n; i++) {
		if ((o->stop && *o->stop) || coh_now_ns() > deadline)
			return false;
		v[i] = time_calls(f, calls);
	}
	return true;
}

/* The cost of calling a bare ret: the minimum over 9 rounds, ns a call. */
static bool call_cost(const struct coh_opts *o, struct ic_result *r,
		      uint8_t *code, uint64_t deadline)
{
	const struct ic_load bare = {
		.op = LLKM_ICACHE_CODE, .param = 0, .calls = 100000, .code = code,
	};
	double v[10], best = 1e30;
	int i;

	if (!time_samples(o, r, &bare, 10, deadline, v))
		return false;
	for (i = 1; i < 10; i++)
		if (v[i] / 100000 < best)
			best = v[i] / 100000;
	r->call_ns = best;
	return true;
}

/*
 * A warm-up round, then @r->samples of l->calls calls: the time of one
 * call less the call itself, over @units, into @st. False when stopped,
 * out of time or refused.
 */
static bool time_point(const struct coh_opts *o, struct ic_result *r,
		       const struct ic_load *l, double units, uint64_t deadline,
		       struct coh_stats *st)
{
	double v[COH_SAMPLES_MAX];
	int i;

	if (!time_samples(o, r, l, r->samples, deadline, v))
		return false;
	for (i = 0; i < r->samples; i++) {
		v[i] = (v[i] / l->calls - r->call_ns) / units;
		if (v[i] < 0)
			v[i] = 0;
	}
	coh_stats_f(v, r->samples, st);
	return true;
}

/* 2, 3, 4, 6, 8, 12, ...: after a power of two, its midpoint to the next. */
static uint64_t next_size(uint64_t x)
{
	return (x & (x - 1)) ? x / 3 * 4 : x + x / 2;
}

static bool sweep_code(uint8_t *code, const struct coh_opts *o,
		       struct ic_result *r, uint64_t deadline)
{
	uint64_t f;

	for (f = IC_CODE_MIN; f <= r->code_max && r->ncode < IC_POINTS;
	     f = next_size(f)) {
		struct ic_point *pt = &r->code[r->ncode];
		const struct ic_load l = {
			.op = LLKM_ICACHE_CODE, .param = f, .code = code,
			.calls = IC_SAMPLE_BYTES / f ? IC_SAMPLE_BYTES / f : 1,
		};

		if (!time_point(o, r, &l, f / 1024.0, deadline, &pt->ns))
			return false;
		pt->bytes = f;
		r->ncode++;
		if (o->progress)
			fprintf(stderr, "\ricache: code %llu KiB ",
				(unsigned long long)(f >> 10));
	}
	return true;
}

static bool sweep_pages(uint8_t *pages, const struct coh_opts *o,
			struct ic_result *r, uint64_t deadline)
{
	uint64_t n;

	for (n = 2; n <= r->pages_max && r->npages < IC_POINTS;
	     n = next_size(n)) {
		struct ic_point *pt = &r->pages[r->npages];
		const struct ic_load l = {
			.op = LLKM_ICACHE_PAGES, .param = n, .pages = pages,
			.calls = IC_SAMPLE_PAGES / n ? IC_SAMPLE_PAGES / n : 1,
		};

		if (!time_point(o, r, &l, (double)n, deadline, &pt->ns))
			return false;
		pt->bytes = n * IC_PAGE;
		r->npages++;
		if (o->progress)
			fprintf(stderr, "\ricache: %llu pages ",
				(unsigned long long)n);
	}
	return true;
}

#if defined(__x86_64__)
/* AMD's 4 KiB iTLB sizes (cpuid 0x80000005/6); Intel's stay unknown. */
static void itlb_sizes(struct ic_result *r)
{
	unsigned int a, b, c, d;
	char vendor[13];

	r->itlb_why = "cpuid gives the iTLB's sizes on AMD and Hygon only (leaves 0x80000005/6); Intel's leaf 2 and 0x18 descriptors are not decoded";
	__cpuid(0, a, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	if (strcmp(vendor, "AuthenticAMD") && strcmp(vendor, "HygonGenuine"))
		return;
	r->itlb_why = "this CPU's cpuid has no leaf 0x80000006";
	__cpuid(0x80000000, a, b, c, d);
	if (a < 0x80000006)
		return;
	__cpuid(0x80000005, a, b, c, d);
	r->itlb_l1 = b & 0xff;
	__cpuid(0x80000006, a, b, c, d);
	r->itlb_l2 = b & 0xfff;
	r->itlb_why = "cpuid says 0 entries";
}
#else
static void itlb_sizes(struct ic_result *r)
{
	r->itlb_why = "arm64 has no architectural register for the TLBs' sizes (they are implementation defined, and sysfs shows none)";
}
#endif

/* The capacity in [@lo, @hi] a step is put down to, if any. */
static void step_level(struct ic_step *s, const struct ic_result *r,
		       uint64_t lo, uint64_t hi, const struct coh_cache *c,
		       int nc)
{
	int j;

	snprintf(s->level, sizeof(s->level), "unknown");
	if (!strcmp(s->sweep, "pages")) {
		lo /= IC_PAGE;
		hi /= IC_PAGE;
		if (r->itlb_l1 && r->itlb_l1 >= lo && r->itlb_l1 <= hi)
			snprintf(s->level, sizeof(s->level), "iTLB L1");
		else if (r->itlb_l2 && r->itlb_l2 >= lo && r->itlb_l2 <= hi)
			snprintf(s->level, sizeof(s->level), "iTLB L2");
		return;
	}
	for (j = 0; j < nc; j++)
		if (strcmp(c[j].type, "Data") && c[j].bytes >= lo &&
		    c[j].bytes <= hi)
			coh_cache_name(&c[j], s->level, sizeof(s->level));
}

/*
 * The steps of one sweep, on the samples' minima (the least disturbed):
 * at least IC_RISE times and half a core cycle a line (code) or a page
 * more than the points before.
 */
static void add_steps(struct ic_result *r, const struct ic_point *pt, int n,
		      const char *sweep, const struct coh_cache *c, int nc)
{
	double y[IC_POINTS], cycle = r->ghz > 0 ? 1 / r->ghz : IC_CYCLE_NS;
	int at[IC_STEPS], k, i;

	for (i = 0; i < n; i++)
		y[i] = pt[i].ns.min;
	k = coh_find_steps(y, n, IC_RISE,
			   strcmp(sweep, "pages") ? cycle / 2 * 16 : cycle / 2,
			   at, IC_STEPS);
	for (i = 0; i < k && r->nstep < 2 * IC_STEPS; i++) {
		struct ic_step *s = &r->step[r->nstep++];

		s->bytes = pt[at[i]].bytes;
		s->sweep = sweep;
		s->from = y[at[i] - 1];
		s->to = y[at[i]];
		/* A capacity between half the size before and this one. */
		step_level(s, r, pt[at[i] - 1].bytes / 2, s->bytes, c, nc);
	}
}

static void measure(uint8_t *code, uint8_t *pages, const struct coh_opts *o,
		    struct ic_result *r)
{
	uint64_t deadline = coh_now_ns() + COH_TIME_BOUND_S * 1000000000ULL;

	coh_clock(r->cpu, &r->clock);		/* also the warm-up of the core */
	r->ghz = coh_clock_usable_ghz(&r->clock);	/* 0: IC_CYCLE_NS */
	r->timer_ns = coh_timer_res_ns();
	r->stopped = "interrupted";
	if (!call_cost(o, r, code, deadline) ||
	    !sweep_code(code, o, r, deadline) ||
	    !sweep_pages(pages, o, r, deadline))
		goto out;
	r->stopped = NULL;
out:
	if (r->stopped && coh_now_ns() > deadline)
		r->stopped = "time bound";
	if (o->progress)
		fprintf(stderr, "\r%*s\r", 40, "");
}

/* NULL when @ns a KiB of code (@pages: a page) is plausible, else @why. */
static const char *ic_gate(double ns, bool pages, double ghz, char *why,
			   size_t len)
{
	if (pages)
		return coh_jump_ns_plausible(ns, ghz, why, len) ? NULL : why;
	return coh_instr_ns_plausible(ns / 256, ghz, why, len) ? NULL : why;
}

static struct json_object *jpoints(const struct ic_point *pt, int n,
				   bool pages, double ghz)
{
	struct json_object *a = json_object_new_array();
	const char *med, *min;
	char w[2][512];
	int i;

	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_new_object();

		med = ic_gate(pt[i].ns.median, pages, ghz, w[0], sizeof(w[0]));
		min = ic_gate(pt[i].ns.min, pages, ghz, w[1], sizeof(w[1]));
		json_object_object_add(p, "bytes",
				       json_object_new_int64(pt[i].bytes));
		if (pages) {
			json_object_object_add(p, "pages",
					       json_object_new_int64(pt[i].bytes / IC_PAGE));
			coh_json_gated(p, "ns_per_page", pt[i].ns.median, med);
			coh_json_gated(p, "ns_per_page_min", pt[i].ns.min, min);
		} else {
			coh_json_gated(p, "ns_per_kib", pt[i].ns.median, med);
			coh_json_gated(p, "ns_per_kib_min", pt[i].ns.min, min);
			coh_json_gated(p, "ns_per_instr", pt[i].ns.median / 256, med);
		}
		json_object_array_add(a, p);
	}
	return a;
}

/* NULL when step @s's two points passed their gates, else why not. */
static const char *step_gate(const struct ic_result *r, const struct ic_step *s,
			     char *why, size_t len)
{
	bool pages = !strcmp(s->sweep, "pages");

	if (ic_gate(s->from, pages, r->ghz, why, len) ||
	    ic_gate(s->to, pages, r->ghz, why, len))
		return why;
	return NULL;
}

static struct json_object *ic_json(const struct ic_result *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *st = json_object_new_array();
	int i;

	json_object_object_add(o, "sweep", jpoints(r->code, r->ncode, false, r->ghz));
	json_object_object_add(o, "page_sweep", jpoints(r->pages, r->npages, true,
							r->ghz));
	for (i = 0; i < r->nstep; i++) {
		struct json_object *s = json_object_new_object();
		char why[512];

		json_object_object_add(s, "bytes",
				       json_object_new_int64(r->step[i].bytes));
		json_object_object_add(s, "level",
				       json_object_new_string(r->step[i].level));
		json_object_object_add(s, "sweep",
				       json_object_new_string(r->step[i].sweep));
		coh_json_gated(s, "rise", r->step[i].to / r->step[i].from,
			       step_gate(r, &r->step[i], why, sizeof(why)));
		json_object_array_add(st, s);
	}
	json_object_object_add(o, "steps", st);
	json_object_object_add(o, "itlb_entries_l1", r->itlb_l1 ?
			       json_object_new_int64(r->itlb_l1) : NULL);
	json_object_object_add(o, "itlb_entries_l2", r->itlb_l2 ?
			       json_object_new_int64(r->itlb_l2) : NULL);
	if (!r->itlb_l1 || !r->itlb_l2)
		json_object_object_add(o, "itlb_reason",
				       json_object_new_string(r->itlb_why));
	coh_clock_json(o, &r->clock);
	/* The cycle the steps' threshold is half of: measured or assumed. */
	json_object_object_add(o, "step_cycle_ns",
			       json_object_new_double(r->ghz > 0 ? 1 / r->ghz :
						      IC_CYCLE_NS));
	if (!(r->ghz > 0))
		json_object_object_add(o, "step_cycle_ns_reason", json_object_new_string(
			"assumed (a 3.3 GHz core): the core clock is unknown or implausible (core_ghz_reason)"));
	json_object_object_add(o, "instr_bytes", json_object_new_int(4));
	json_object_object_add(o, "code_max_bytes",
			       json_object_new_int64(r->code_max));
	json_object_object_add(o, "pages_max", json_object_new_int64(r->pages_max));
	llctl_plaus_json(o, "call_overhead_ns", LLCTL_PLAUS_CALL_NS, r->call_ns, 1);
	json_object_object_add(o, "cpu", json_object_new_int(r->cpu));
	json_object_object_add(o, "samples", json_object_new_int(r->samples));
	llctl_plaus_json(o, "timer_resolution_ns", LLCTL_PLAUS_TIMER_RES_NS,
			 r->timer_ns, 1);
	json_object_object_add(o, "complete", json_object_new_boolean(!r->stopped));
	json_object_object_add(o, "stopped", r->stopped ?
			       json_object_new_string(r->stopped) : NULL);
	return o;
}

#define IC_WHY	512	/* a reason's buffer */

/* @v in @fmt, or "!" (and the first reason kept in @first) when @gate. */
static void ic_cell(FILE *f, const char *fmt, double v, const char *gate,
		    char first[IC_WHY])
{
	if (!gate) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		fprintf(f, fmt, v);
#pragma GCC diagnostic pop
		return;
	}
	fprintf(f, "  %10s", "!");
	if (!*first)
		snprintf(first, IC_WHY, "%s", gate);
}

/* The two sweeps' tables; "!" for a value outside its gate. */
static void ic_table(FILE *f, const struct ic_result *r, const struct ic_point *pt,
		     int n, bool pages, char first[IC_WHY])
{
	char b[32], w[2][512], np[32];
	const char *med, *min;
	int i;

	for (i = 0; i < n; i++) {
		med = ic_gate(pt[i].ns.median, pages, r->ghz, w[0], sizeof(w[0]));
		min = ic_gate(pt[i].ns.min, pages, r->ghz, w[1], sizeof(w[1]));
		llctl_text_bytes(b, sizeof(b), pt[i].bytes);
		if (pages)
			fprintf(f, "  %10s  %10s",
				llctl_text_count(np, sizeof(np), (double)(pt[i].bytes / IC_PAGE), 0),
				b);
		else
			fprintf(f, "  %10s", b);
		ic_cell(f, "  %10.2f", pt[i].ns.median, med, first);
		ic_cell(f, "  %10.2f", pt[i].ns.min, min, first);
		if (!pages)
			ic_cell(f, "  %10.3f", pt[i].ns.median / 256, med, first);
		fputc('\n', f);
	}
}

static void ic_steps_text(FILE *f, const struct ic_result *r)
{
	char b[32], why[512];
	int i;

	for (i = 0; i < r->nstep; i++) {
		const struct ic_step *s = &r->step[i];
		bool known = strcmp(s->level, "unknown");

		llctl_text_bytes(b, sizeof(b), s->bytes);
		if (step_gate(r, s, why, sizeof(why)))
			fprintf(f, "  step at %s (%s sweep): not reported, a point of it is %s\n",
				b, s->sweep, why);
		else
			fprintf(f, "  step at %s (%s sweep): %.2fx over the point before, %s%s\n",
				b, s->sweep, s->to / s->from,
				known ? "past the " : "at no capacity llctl knows",
				known ? s->level : "");
	}
	if (!r->nstep)
		fprintf(f, "  no step of %.2fx or more\n", IC_RISE);
}

static void ic_text(FILE *f, const struct ic_result *r)
{
	char b[32], np[32], call[400], clk[512], first[IC_WHY] = "";

	fprintf(f, "icache: CPU %d, median (min) of %d samples, a call costs %s (subtracted)\n",
		r->cpu, r->samples,
		llctl_plaus_text(LLCTL_PLAUS_CALL_NS, r->call_ns, 1, "%.2f ns",
				 call, sizeof(call)));
	fprintf(f, "  core clock %s\n", coh_clock_text(&r->clock, clk, sizeof(clk)));
	if (!(r->ghz > 0))
		fprintf(f, "  the steps' threshold takes a cycle as %.1f ns (the clock is unknown or implausible)\n",
			IC_CYCLE_NS);
	if (!r->itlb_l1 || !r->itlb_l2)
		fprintf(f, "  iTLB sizes unknown: %s\n", r->itlb_why);
	if (r->code_max < IC_CODE_MAX) {
		llctl_text_bytes(b, sizeof(b), r->code_max);
		fprintf(f, "  the sweeps end at llkm's code regions: %s of code, %s pages\n",
			b, llctl_text_count(np, sizeof(np), (double)r->pages_max, 0));
	}
	fprintf(f, "  %10s  %10s  %10s  %10s\n", "code", "ns/KiB", "(min)",
		"ns/instr");
	ic_table(f, r, r->code, r->ncode, false, first);
	fprintf(f, "  %10s  %10s  %10s  %10s\n", "pages", "span", "ns/page",
		"(min)");
	ic_table(f, r, r->pages, r->npages, true, first);
	if (*first)
		fprintf(f, "  !: not reported, %s\n", first);
	ic_steps_text(f, r);
	if (r->stopped)
		fprintf(f, "  stopped early (%s): %d code and %d page points ran\n",
			r->stopped, r->ncode, r->npages);
}

/* PREFIX-icache.svg: the code sweep above the page sweep, steps marked. */
static int ic_svg(const char *prefix, const struct ic_result *r)
{
	double x[2][IC_POINTS], y[2][IC_POINTS], mark[2][2 * IC_STEPS];
	const char *label[2][2 * IC_STEPS];
	char w[512];
	struct coh_series s[2] = {
		{ "code (nops)", x[0], y[0], r->ncode },
		{ "one jump a page", x[1], y[1], r->npages },
	};
	struct coh_chart c[2] = {
		{ .title = "llctl coherency icache: time per KiB of code by footprint (median)",
		  .xlabel = "code footprint", .ylabel = "ns per KiB" },
		{ .title = "llctl coherency icache: time per page jumped, by span (median)",
		  .xlabel = "pages spanned (bytes)", .ylabel = "ns per page" },
	};
	int i, k, n[2] = { 0, 0 };

	for (i = 0; i < r->ncode; i++) {
		x[0][i] = r->code[i].bytes;
		y[0][i] = ic_gate(r->code[i].ns.median, false, r->ghz, w,
				  sizeof(w)) ? NAN : r->code[i].ns.median;
	}
	for (i = 0; i < r->npages; i++) {
		x[1][i] = r->pages[i].bytes;
		y[1][i] = ic_gate(r->pages[i].ns.median, true, r->ghz, w,
				  sizeof(w)) ? NAN : r->pages[i].ns.median;
	}
	for (i = 0; i < r->nstep; i++) {
		k = strcmp(r->step[i].sweep, "code") ? 1 : 0;
		mark[k][n[k]] = r->step[i].bytes;
		label[k][n[k]++] = r->step[i].level;
	}
	for (k = 0; k < 2; k++) {
		c[k].xbytes = true;
		c[k].s = &s[k];
		c[k].ns = 1;
		c[k].mark = mark[k];
		c[k].mark_label = label[k];
		c[k].nmarks = n[k];
	}
	return coh_svg_charts(prefix, "icache", c, 2);
}

static int icache_run(const struct coh_opts *o, struct json_object *tests,
		      FILE *text)
{
	struct coh_cache c[COH_CACHES_MAX];
	struct ic_result *r = NULL;
	uint8_t *code = NULL, *pages = NULL;
	struct coh_pin pin = { 0 };
	int nc, err, ret = 1;

	r = calloc(1, sizeof(*r));
	if (!r) {
		llctl_err("Unable to allocate the icache test's results: %s",
			  strerror(ENOMEM));
		goto cleanup;
	}
	if (coh_samples(o->samples, "icache", &r->samples))
		goto cleanup;
	r->cpu = o->cpus && o->ncpus > 0 ? o->cpus[0] : 0;
	r->code_max = o->kernel ? LLKM_ICACHE_CODE_MAX : IC_CODE_MAX;
	r->pages_max = o->kernel ? LLKM_ICACHE_PAGES_MAX : IC_PAGES_MAX;
	if (!o->kernel && write_code(&code, &pages))
		goto cleanup;
	err = coh_pin(r->cpu, &pin);
	if (err) {
		llctl_err("Unable to pin the icache test to CPU %d: %s", r->cpu,
			  strerror(-err));
		goto cleanup;
	}
	itlb_sizes(r);
	measure(code, pages, o, r);
	coh_unpin(&pin);
	if (r->err) {
		llctl_err("Unable to run the icache test in llkm: %s",
			  coh_kernel_strerror(r->err));
		goto cleanup;
	}
	nc = coh_caches(NULL, r->cpu, c, COH_CACHES_MAX);
	add_steps(r, r->code, r->ncode, "code", c, nc);
	add_steps(r, r->pages, r->npages, "pages", c, nc);
	json_object_object_add(tests, coh_test_icache.key, ic_json(r));
	if (text)
		ic_text(text, r);
	ret = o->svg && ic_svg(o->svg, r) ? 1 : 0;
cleanup:
	coh_unpin(&pin);
	if (pages)
		munmap(pages, IC_PAGES_MAX * IC_PAGE);
	if (code)
		munmap(code, IC_CODE_MAX + IC_PAGE);
	free(r);
	return ret;
}
#else
static int icache_run(const struct coh_opts *o, struct json_object *tests,
		      FILE *text)
{
	(void)o, (void)tests, (void)text;
	return coh_not_here("icache", "it writes x86-64 and arm64 code");
}
#endif

const struct coh_test coh_test_icache = {
	.name = "icache",
	.key = "icache",
	.summary = "Time per KiB of code by footprint: the i-cache and iTLB steps",
	.has_kernel_mode = true,
	.run = icache_run,
};
