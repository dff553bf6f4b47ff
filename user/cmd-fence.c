// SPDX-License-Identifier: GPL-2.0
/*
 * llctl fence: what each ordering primitive costs, in a pinned user
 * thread or (--kernel) in llkm's kthread with interrupts off.
 *
 * Every op of enum llkm_fence_op runs in batches of --iterations back to
 * back (probe_fence_batch() in kmod/probe_fence.h), batches interleaved
 * across ops in user mode so a clock drift hits them all alike. The empty
 * loop is measured the same way and its median subtracted; per op the
 * report gives min, median and p99 over the batches, in TSC ticks
 * ("cycles": reference cycles at the TSC's rate, not core cycles) and ns.
 * A value within the empty loop's noise, or below one tick, is flagged
 * rather than printed as a cost, and one above 1 us is implausible
 * (coherency/fence.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include <json-c/json.h>

#include "cmd.h"
#include "coherency/cpus.h"
#include "coherency/fence.h"
#include "coherency/kernel-run.h"
#include "coherency/stats.h"
#include "coherency/team.h"
#include "lib/env.h"
#include "lib/options.h"
#include "lib/plausible.h"
#include "lib/text.h"
#include "lib/util.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_fence.h"

#define DEF_ITERATIONS	10000
#define DEF_BATCHES	200
#define WARM_UP_MS	100
#define WARM_BATCHES	2	/* per op, unused */
/* A batch runs in chunks this long, checking for a stop in between. */
#define CHUNK		(1ULL << 20)
/*
 * Below this many TSC ticks per op a cost is not told from the loop; on a
 * clock slower than a core (arm64's generic timer, 25 MHz to 1 GHz),
 * below RESOLUTION_NS, about a core cycle.
 */
#define RESOLUTION_TICKS	1.0
#define RESOLUTION_NS		0.3

enum {
	OPT_KERNEL = LLCTL_OPT_JSON + 1,
	OPT_USER,
	OPT_CPU,
	OPT_ITERATIONS,
	OPT_BATCHES,
	OPT_SVG,
};


static const char *const op_names[] = {
	[LLKM_FENCE_EMPTY] = "empty",
	[LLKM_FENCE_COMPILER] = "compiler",
	[LLKM_FENCE_SMP_RMB] = "smp_rmb",
	[LLKM_FENCE_SMP_WMB] = "smp_wmb",
	[LLKM_FENCE_SMP_MB] = "smp_mb",
	[LLKM_FENCE_MFENCE] = "mfence",
	[LLKM_FENCE_LFENCE] = "lfence",
	[LLKM_FENCE_SFENCE] = "sfence",
	[LLKM_FENCE_LOCK_ADD] = "lock_add",
	[LLKM_FENCE_XCHG] = "xchg",
	[LLKM_FENCE_CMPXCHG] = "cmpxchg",
	[LLKM_FENCE_STORE_RELEASE] = "store_release",
	[LLKM_FENCE_LOAD_ACQUIRE] = "load_acquire",
	[LLKM_FENCE_ATOMIC_RELAXED] = "atomic_relaxed",
	[LLKM_FENCE_ATOMIC_ACQUIRE] = "atomic_acquire",
	[LLKM_FENCE_ATOMIC_RELEASE] = "atomic_release",
	[LLKM_FENCE_ATOMIC_ACQ_REL] = "atomic_acq_rel",
	[LLKM_FENCE_ATOMIC_SEQ_CST] = "atomic_seq_cst",
	[LLKM_FENCE_DMB_ISH] = "dmb_ish",
	[LLKM_FENCE_DMB_ISHLD] = "dmb_ishld",
	[LLKM_FENCE_DMB_ISHST] = "dmb_ishst",
	[LLKM_FENCE_DSB_SY] = "dsb_sy",
	[LLKM_FENCE_ISB] = "isb",
	[LLKM_FENCE_LDAR] = "ldar",
	[LLKM_FENCE_STLR] = "stlr",
	[LLKM_FENCE_LDAPR] = "ldapr",
	[LLKM_FENCE_LDADDAL] = "ldaddal",
	[LLKM_FENCE_SWPAL] = "swpal",
	[LLKM_FENCE_CASAL] = "casal",
	[LLKM_FENCE_LLSC_ADD] = "llsc_add",
	[LLKM_FENCE_LLSC_SWP] = "llsc_swp",
	[LLKM_FENCE_LLSC_CAS] = "llsc_cas",
};

struct fence_cfg {
	bool kernel, user, json;
	struct llctl_cpus cpus;	/* --cpu, as given */
	int cpu;
	uint64_t iterations;
	uint32_t batches;
	const char *svg;
};

static const struct llctl_opt fence_opt[] = {
	{ "kernel", OPT_KERNEL, NULL, "Measure in llkm's kthread, interrupts off (needs the module)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct fence_cfg, kernel) },
	{ "user", OPT_USER, NULL, "Measure in a pinned user thread (the default)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct fence_cfg, user) },
	{ "cpu", OPT_CPU, "N", "On CPU N (default: the first this process may use)",
	  .type = LLCTL_OPT_CPUS, LLCTL_FIELD(struct fence_cfg, cpus), .max = 1 },
	{ "iterations", OPT_ITERATIONS, "N", "Ops per batch (default 10000, at most 2^20)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct fence_cfg, iterations), .min = 1, .max = LLKM_PROBE_ITERATIONS_MAX },
	{ "batches", OPT_BATCHES, "N", "Batches per op (default 200, at most 100000)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct fence_cfg, batches), .min = 1, .max = LLKM_PROBE_BATCHES_MAX },
	{ "json", LLCTL_OPT_JSON, NULL, "Print JSON (keys documented in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct fence_cfg, json) },
	{ "svg", OPT_SVG, "FILE", "Also draw the medians with min..p99 whiskers into FILE",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct fence_cfg, svg) },
	{ 0 }
};
static const struct llctl_opts fence_opts = {
	.cmd = "fence",
	.synopsis = "[--kernel | --user] [--cpu N] [--iterations N] [--batches N] "
		    "[--json] [--svg FILE]",
	.summary = "Measure what each ordering primitive costs on one CPU: compiler barrier,\n"
		   "smp_rmb/smp_wmb/smp_mb, MFENCE, LFENCE, SFENCE, LOCK ADD, XCHG, CMPXCHG\n"
		   "(x86-64) or dmb ish/ishld/ishst, dsb sy, isb, ldar, stlr, ldapr, LSE's\n"
		   "ldaddal/swpal/casal and their LL/SC loops (arm64),\n"
		   "store-release, load-acquire and (user mode) C11 atomic_fetch_add at each\n"
		   "order. Each op runs back to back in batches; the empty loop is measured\n"
		   "and subtracted; min, median and p99 over the batches are given in TSC\n"
		   "ticks (reference cycles, not core cycles) and ns. Values the loop cannot\n"
		   "resolve are flagged. x86-64 and arm64.",
	.opt = fence_opt,
};

/*
 * Everything measured: samples[i * batches + b], TSC ticks of a batch of
 * op[i]; op[0] is LLKM_FENCE_EMPTY.
 */
struct fence_data {
	uint32_t op[__LLKM_FENCE_LAST];	/* the ops run here, in enum order */
	uint32_t nops;
	uint32_t lacks[__LLKM_FENCE_LAST];	/* this architecture's, not on this CPU */
	const char *lacks_why[__LLKM_FENCE_LAST];
	uint32_t nlacks;
	uint32_t done;		/* batches every op has */
	uint64_t *samples;
	double tsc_khz;
	double timer_min;	/* ticks of a serialised TSC read pair */
	bool stopped, timed_out;
};

static volatile int stop;

/*
 * Why this CPU cannot run @op, NULL when it can: arm64's LSE and
 * FEAT_LRCPC ops (HWCAP_ATOMICS, HWCAP_LRCPC in the auxiliary vector, as
 * the kernel's llkm_arch_fence_why() asks for its own).
 */
static const char *cpu_lacks(uint32_t op)
{
#if defined(__aarch64__)
	unsigned long hw = getauxval(AT_HWCAP);

	switch (op) {
	case LLKM_FENCE_LDAPR:
		return hw & HWCAP_LRCPC ? NULL : "this CPU has no FEAT_LRCPC";
	case LLKM_FENCE_LDADDAL:
	case LLKM_FENCE_SWPAL:
	case LLKM_FENCE_CASAL:
		return hw & HWCAP_ATOMICS ? NULL : "this CPU has no LSE atomics (FEAT_LSE)";
	}
#endif
	(void)op;
	return NULL;
}

/*
 * The ops to run, in d->op: those this build runs (probe_fence_op_built(),
 * without the C11 ones in the kernel) and this CPU has; the others of this
 * architecture go to d->lacks with the reason.
 */
static void pick_ops(const struct fence_cfg *c, struct fence_data *d)
{
	const char *why;
	uint32_t op;
	bool c11;

	for (op = 0; op < __LLKM_FENCE_LAST; op++) {
		c11 = op >= LLKM_FENCE_ATOMIC_RELAXED && op <= LLKM_FENCE_ATOMIC_SEQ_CST;
		if (!probe_fence_op_built(op) || (c->kernel && c11))
			continue;
		why = cpu_lacks(op);
		if (why) {
			d->lacks_why[d->nlacks] = why;
			d->lacks[d->nlacks++] = op;
		} else {
			d->op[d->nops++] = op;
		}
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One batch in chunks; 0 when stopped in between. */
static uint64_t user_batch(u32 op, uint64_t n, struct probe_line *scratch,
			   const int *halt)
{
	uint64_t sum = 0, k;

	while (n) {
		k = n < CHUNK ? n : CHUNK;
		sum += probe_fence_batch(op, k, scratch);
		n -= k;
		if (n && READ_ONCE(*halt))
			return 0;
	}
	return sum;
}

struct user_run {
	const struct fence_cfg *cfg;
	struct fence_data *d;
};

static int fence_thread(struct coh_team *t, int tid)
{
	struct user_run *r = t->arg;
	const struct fence_cfg *c = r->cfg;
	struct fence_data *d = r->d;
	struct probe_line scratch = { 0 };
	uint32_t b, op;
	uint64_t s;

	(void)tid;
	/* The clock settles, then every op's code and data are warm. */
	coh_warm_up(WARM_UP_MS);
	for (b = 0; b < WARM_BATCHES && !READ_ONCE(t->stop); b++)
		for (op = 0; op < d->nops; op++)
			user_batch(d->op[op], c->iterations, &scratch, &t->stop);
	for (b = 0; b < c->batches; b++) {
		for (op = 0; op < d->nops; op++) {
			s = user_batch(d->op[op], c->iterations, &scratch, &t->stop);
			if (READ_ONCE(t->stop))
				return 0;
			d->samples[op * c->batches + b] = s;
		}
		d->done = b + 1;
	}
	return 0;
}

static int measure_user(const struct fence_cfg *c, struct fence_data *d)
{
	struct user_run r = { .cfg = c, .d = d };
	struct coh_team t = {
		.n = 1, .cpus = &c->cpu, .fn = fence_thread, .arg = &r,
		.user_stop = &stop,
	};
	char why[512];
	double median;
	int ret;

	if (coh_tsc_rate(&d->tsc_khz, why, sizeof(why))) {
		llctl_err("Unable to measure fences in ns: %s", why);
		return -1;
	}
	coh_timer_overhead(1000, &d->timer_min, &median);
	ret = coh_team_run(&t);
	d->stopped = ret == -EINTR || ret == -ETIMEDOUT;
	d->timed_out = ret == -ETIMEDOUT;
	if (ret && !d->stopped)
		return -1;
	return 0;
}

static int measure_kernel(const struct fence_cfg *c, struct fence_data *d)
{
	uint32_t cpu = c->cpu, op, n;
	struct coh_kernel_req req = {
		.kind = LLKM_PROBE_FENCE, .cpus = &cpu, .ncpus = 1,
		.iterations = c->iterations, .batches = c->batches,
		.stop = &stop,
	};
	struct coh_kernel_result res;
	struct llctl_nl nl;
	int ret;

	ret = llctl_nl_open(&nl);
	if (ret) {
		llctl_err("Unable to reach llkm: %s", llctl_nl_strerror(ret));
		return -1;
	}
	d->done = c->batches;
	/* The warm-up: a tenth of the batches of the empty loop, unused. */
	req.batches = c->batches / 10 ? c->batches / 10 : 1;
	ret = coh_kernel_run(&nl, &req, &res);
	coh_kernel_result_free(&res);
	req.batches = c->batches;
	for (op = 0; !ret && op < d->nops && !stop; op++) {
		req.op = d->op[op];
		ret = coh_kernel_run(&nl, &req, &res);
		if (ret)
			break;
		d->tsc_khz = res.tsc_khz;
		n = res.nsamples < c->batches ? res.nsamples : c->batches;
		memcpy(&d->samples[op * c->batches], res.samples,
		       n * sizeof(uint64_t));
		if (n < d->done)
			d->done = n;
		coh_kernel_result_free(&res);
		if (res.stopped) {
			op++;		/* it has the batches done */
			break;
		}
	}
	llctl_nl_close(&nl);
	if (ret == -EINTR)	/* stopped before it measured anything */
		ret = 0;
	if (ret) {
		llctl_err("Unable to run the fence probe in llkm: %s",
			  coh_kernel_strerror(ret));
		return -1;
	}
	if (op < d->nops) {
		/* Ops not reached have no batches: the report ends before them. */
		d->stopped = true;
		d->nops = op;
	}
	if (d->nops && !d->tsc_khz) {
		llctl_err("Unable to use llkm's reply: it gives no TSC rate");
		return -1;
	}
	return 0;
}

/* Per op: the batches less the empty loop's median, per iteration. */
static int reduce(const struct fence_cfg *c, const struct fence_data *d,
		  struct coh_fence_op *res, struct coh_stats *empty)
{
	double *v, noise, floor;
	uint32_t op, b;

	v = calloc(d->done ? d->done : 1, sizeof(*v));
	if (!v)
		return -1;
	for (b = 0; b < d->done; b++)
		v[b] = (double)d->samples[b] / c->iterations;
	coh_stats_f(v, d->done, empty);
	/* What the loop alone varies by, per op: below it is noise. */
	noise = empty->p99 - empty->min;
	floor = d->tsc_khz >= 400000 ? RESOLUTION_TICKS :
		RESOLUTION_NS * d->tsc_khz / 1e6;
	if (noise < floor)
		noise = floor;
	for (op = 1; op < d->nops; op++) {
		for (b = 0; b < d->done; b++)
			v[b] = (double)d->samples[op * c->batches + b] /
			       c->iterations - empty->median;
		coh_stats_f(v, d->done, &res[op].cycles);
		coh_fence_judge(&res[op], noise, d->tsc_khz);
	}
	free(v);
	return 0;
}

/*
 * A clock slower than a core (arm64's generic timer) may not tick between
 * the two reads of a pair: 0 ticks is then under its resolution, not an
 * implausible cost (a TSC always ticks).
 */
static bool pair_below_tick(const struct fence_data *d)
{
	return d->timer_min < 1 && d->tsc_khz > 0 && d->tsc_khz < 400000;
}

static const char *pair_why(const struct fence_data *d)
{
	static char why[160];
	char tick[32];

	snprintf(why, sizeof(why), "below resolution: under one tick of the %s (%s)",
		 PROBE_CLOCK_NAME, llctl_text_ns(tick, sizeof(tick), 1e6 / d->tsc_khz));
	return why;
}

static struct json_object *fence_json(const struct fence_cfg *c,
				      const struct fence_data *d,
				      const struct coh_fence_op *res,
				      const struct coh_stats *empty,
				      const struct llctl_env *env)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	uint32_t op;

	json_object_object_add(o, "mode",
			       json_object_new_string(c->kernel ? "kernel" : "user"));
	json_object_object_add(o, "cpu", json_object_new_int(c->cpu));
	json_object_object_add(o, "tsc_khz", json_object_new_double(d->tsc_khz));
	coh_fence_ticks_json(o, "overhead_cycles", empty->median, d->tsc_khz,
			     LLCTL_PLAUS_FENCE_NS);
	if (c->kernel)
		json_object_object_add(o, "timer_overhead_cycles", NULL);
	else if (pair_below_tick(d)) {
		json_object_object_add(o, "timer_overhead_cycles", NULL);
		json_object_object_add(o, "timer_overhead_cycles_reason",
				       json_object_new_string(pair_why(d)));
	}
	else
		coh_fence_ticks_json(o, "timer_overhead_cycles", d->timer_min,
				     d->tsc_khz, LLCTL_PLAUS_TSC_PAIR_NS);
	json_object_object_add(o, "iterations",
			       json_object_new_uint64(c->iterations));
	json_object_object_add(o, "batches", json_object_new_int64(d->done));
	json_object_object_add(o, "stopped", json_object_new_boolean(d->stopped));
	for (op = 1; op < d->nops; op++)
		json_object_array_add(arr, coh_fence_op_json(op_names[d->op[op]], &res[op],
							     d->tsc_khz));
	json_object_object_add(o, "results", arr);
	arr = json_object_new_array();
	for (op = 0; op < d->nlacks; op++) {
		struct json_object *l = json_object_new_object();

		json_object_object_add(l, "op", json_object_new_string(op_names[d->lacks[op]]));
		json_object_object_add(l, "reason",
				       json_object_new_string(d->lacks_why[op]));
		json_object_array_add(arr, l);
	}
	json_object_object_add(o, "not_run", arr);
	json_object_object_add(o, "clock", json_object_new_string(PROBE_CLOCK_NAME));
	json_object_object_add(o, "env", llctl_env_json(env));
	return o;
}

/* Whether an op has @flag. */
static bool any(const struct fence_data *d, const struct coh_fence_op *res,
		const char *flag)
{
	uint32_t op;

	for (op = 1; op < d->nops; op++)
		if (res[op].flag && !strcmp(res[op].flag, flag))
			return true;
	return false;
}

/* The footnotes of the flags the rows have: [1], [2], [3]. */
static void footnotes(const struct fence_data *d, const struct coh_fence_op *res)
{
	bool below = any(d, res, "below_resolution");
	bool unstable = any(d, res, "unstable");
	bool implausible = any(d, res, "implausible");
	char pct[16];

	if (below || unstable || implausible)
		putchar('\n');
	if (below)
		printf("[1] below resolution: within the empty loop's noise or under %s\n"
		       "    per op; these ops cost (next to) nothing beyond the loop here.\n",
		       d->tsc_khz >= 400000 ? "one TSC tick" : "0.3 ns");
	if (unstable)
		printf("[2] unstable: the batches disagree by more than %s of the median\n"
		       "    (interrupts, frequency changes, another load on the CPU?)\n",
		       llctl_text_pct(pct, sizeof(pct), COH_FENCE_UNSTABLE * 100, 0));
	if (implausible)
		printf("[3] implausible: %s\n",
		       llctl_plaus_bound(LLCTL_PLAUS_FENCE_NS)->why);
}

/*
 * The ops' table, "not run" ops last with their reason, wrapped to the
 * terminal; a line saying so when there is no memory for it.
 */
static void fence_table(const struct fence_data *d, const struct coh_fence_op *res)
{
	struct llctl_text_table *t = coh_fence_table();
	char why[512];
	uint32_t op;

	if (!t) {
		puts("(out of memory: the ops' table is not shown)");
		return;
	}
	for (op = 1; op < d->nops; op++)
		coh_fence_op_row(t, op_names[d->op[op]], &res[op], d->tsc_khz);
	for (op = 0; op < d->nlacks; op++) {
		snprintf(why, sizeof(why), "not run: %s", d->lacks_why[op]);
		llctl_text_table_row(t, op_names[d->lacks[op]], why);
	}
	llctl_text_table_print(stdout, t, llctl_text_width(stdout));
	llctl_text_table_free(t);
}

static void fence_text(const struct fence_cfg *c, const struct fence_data *d,
		       const struct coh_fence_op *res,
		       const struct coh_stats *empty,
		       const struct llctl_env *env)
{
	char b[400], n[2][32];

	llctl_env_print(stdout, env);
	printf("# %s mode, CPU %d, %s %.1f MHz%s, %s batches of %s ops%s\n",
	       c->kernel ? "kernel" : "user", c->cpu, PROBE_CLOCK_NAME, d->tsc_khz / 1000,
	       c->kernel ? " (the kernel's)" : coh_tsc_source(),
	       llctl_text_count(n[0], sizeof(n[0]), d->done, 0),
	       llctl_text_count(n[1], sizeof(n[1]), (double)c->iterations, 0),
	       d->stopped ? " (stopped early)" : "");
	printf("# cycles are %s ticks; the empty loop's %s per op is subtracted",
	       PROBE_CLOCK_NAME,
	       coh_fence_ticks_text(empty->median, d->tsc_khz, LLCTL_PLAUS_FENCE_NS,
				    "%.2f", b, sizeof(b)));
	if (!c->kernel && pair_below_tick(d))
		printf("; a clock read pair costs %s", pair_why(d));
	else if (!c->kernel)
		printf("; a clock read pair costs %s",
		       coh_fence_ticks_text(d->timer_min, d->tsc_khz,
					    LLCTL_PLAUS_TSC_PAIR_NS, "%.0f", b,
					    sizeof(b)));
	printf("\n\n");
	fence_table(d, res);
	footnotes(d, res);
}

static int fence_svg(const struct fence_cfg *c, const struct fence_data *d,
		     const struct coh_fence_op *res)
{
	const char *name[__LLKM_FENCE_LAST];
	char title[160];
	uint32_t op;
	int ret;

	for (op = 1; op < d->nops; op++)
		name[op - 1] = op_names[d->op[op]];
	snprintf(title, sizeof(title),
		 "llctl fence, %s mode, CPU %d: ns per op (median, whiskers min..p99)",
		 c->kernel ? "kernel" : "user", c->cpu);
	ret = coh_fence_svg(c->svg, title, name, res + 1, (int)d->nops - 1, d->tsc_khz);
	if (!ret)
		return 0;
	llctl_err("Unable to write '%s': %s", c->svg, strerror(-ret));
	return -1;
}

/* The first CPU this process may run on. */
static int default_cpu(void)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return 0;
}

/* 0, or the exit status after --help or a refusal. */
static int parse_args(int argc, char **argv, struct fence_cfg *c)
{
	int n;

	*c = (struct fence_cfg){ .cpu = -1, .iterations = DEF_ITERATIONS,
				 .batches = DEF_BATCHES };
	n = llctl_parse(argc, argv, &fence_opts, c);
	if (n < 0)
		return n;
	if (c->kernel && c->user)
		return llctl_opt_bad(&fence_opts, OPT_USER, NULL,
				     "--kernel and --user exclude each other");
	c->cpu = c->cpus.n ? c->cpus.cpu[0] : default_cpu();
	llctl_opts_free(&fence_opts, c);
	return 0;
}

int cmd_fence(int argc, char **argv)
{
	struct coh_fence_op res[__LLKM_FENCE_LAST] = { 0 };
	struct fence_data d = { 0 };
	struct coh_stats empty;
	struct llctl_env env = { 0 };
	struct fence_cfg c;
	int ret = 1, err;

	err = parse_args(argc, argv, &c);
	if (err)
		return llctl_parse_status(err);
	if (!PROBE_SUPPORTED) {
		llctl_err("Unable to measure fences: the probes are not ported to %s (x86-64 and arm64 only)",
			  PROBE_ARCH_NAME);
		return 1;
	}
	pick_ops(&c, &d);
	d.samples = calloc((size_t)d.nops * c.batches, sizeof(uint64_t));
	if (!d.samples) {
		llctl_err("Unable to measure fences: out of memory");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = c.kernel ? measure_kernel(&c, &d) : measure_user(&c, &d);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (err)
		goto cleanup;
	if (!d.done || d.nops < 2) {
		if (d.timed_out)
			llctl_err("Unable to measure fences: the %d s time limit passed before every op had a batch; use fewer --iterations",
				  COH_TIME_LIMIT_MS / 1000);
		else
			llctl_err("Unable to measure fences: stopped before every op had a batch");
		goto cleanup;
	}
	if (d.timed_out)
		llctl_err("Stopped at the %d s time limit after %" PRIu32 " batches: use fewer --iterations or --batches",
			  COH_TIME_LIMIT_MS / 1000, d.done);
	if (reduce(&c, &d, res, &empty)) {
		llctl_err("Unable to report fences: out of memory");
		goto cleanup;
	}
	llctl_env_collect(&env, NULL);
	if (c.json) {
		if (llctl_json_print(fence_json(&c, &d, res, &empty, &env)))
			goto cleanup;
	} else {
		fence_text(&c, &d, res, &empty, &env);
	}
	if (c.svg && fence_svg(&c, &d, res))
		goto cleanup;
	ret = llctl_stdout_close();
cleanup:
	llctl_env_free(&env);
	free(d.samples);
	return ret;
}
