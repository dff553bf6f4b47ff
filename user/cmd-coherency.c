// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency: the cache-coherency and microarchitecture tests, one
 * table entry each (coherency/coherency.h), in pinned user threads or (--kernel) in
 * llkm's kthreads. The report is every test's text table, or one JSON
 * object with each test's result under its key; a test that fails (a
 * litmus model violation among them) still reports and makes the exit
 * status 1. Ctrl-C stops the test in flight, which reports what it did,
 * and skips the rest.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd.h"
#include "coherency/coherency.h"
#include "coherency/cpus.h"
#include "coherency/machine.h"
#include "coherency/run.h"
#include "lib/cpus.h"
#include "lib/env.h"
#include "lib/nl.h"
#include "lib/options.h"
#include "lib/util.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_base.h"

/* The tests, in the order they run. */
static const struct coh_test *const tests[] = {
	&coh_test_c2c,
	&coh_test_false_sharing,
	&coh_test_litmus,
	&coh_test_branch,
	&coh_test_icache,
	&coh_test_bandwidth,
};

#define NTESTS	(sizeof(tests) / sizeof(tests[0]))

enum {
	OPT_TEST = LLCTL_OPT_JSON + 1,
	OPT_KERNEL,
	OPT_USER,
	OPT_CPUS,
	OPT_ITERATIONS,
	OPT_SAMPLES,
	OPT_RUNTIME,
	OPT_PAIRS,
	OPT_SVG,
	OPT_SIMD,
	OPT_PREFETCH,
	OPT_SIZES,
	OPT_THREADS,
};


static volatile int stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const struct coh_test *find_test(const char *name)
{
	size_t i;

	for (i = 0; i < NTESTS; i++)
		if (!strcmp(tests[i]->name, name))
			return tests[i];
	return NULL;
}

/* The index of @t in tests[]. */
static size_t test_index(const struct coh_test *t)
{
	size_t i;

	for (i = 0; i < NTESTS && tests[i] != t; i++)
		;
	return i;
}

/* After --help's options: each test's name and summary, wrapped. */
static void list_tests(FILE *f)
{
	char line[256];
	size_t i;

	fputs("\nTests:\n", f);
	for (i = 0; i < NTESTS; i++) {
		snprintf(line, sizeof(line), "%s%s", tests[i]->summary,
			 tests[i]->has_kernel_mode ? "" : " (user mode only)");
		fprintf(f, "  %-14s ", tests[i]->name);
		llctl_wrap(f, line, 2 + 14 + 1);
	}
}

/* "c2c,litmus" into @sel (NTESTS flags): NULL, or the first unknown name. */
static const char *select_tests(const char *list, bool *sel)
{
	static char name[32];
	const struct coh_test *t;
	const char *p = list;
	size_t n;

	memset(sel, 0, NTESTS * sizeof(*sel));
	do {
		n = strcspn(p, ",");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		t = n < sizeof(name) ? find_test(name) : NULL;
		if (!t)
			return name;
		sel[test_index(t)] = true;
		p += n + 1;
	} while (p[-1]);
	return NULL;
}

struct coh_cfg {
	struct coh_opts o;
	bool sel[NTESTS];
	bool named;		/* --test given */
	bool json, user;
	const char *pairs;
	struct coh_bw_opts bw;
	bool bw_set;		/* a bandwidth option was given */
	struct llctl_cpus cpus;	/* --cpus, or the online CPUs */
};

static int coherency_call(void *args, int key, char *arg);

static const struct llctl_opt coherency_opt[] = {
	{ "test", OPT_TEST, "NAME,...", "Run these tests (default: all; see below)",
	  .type = LLCTL_OPT_CALL },
	{ "kernel", OPT_KERNEL, NULL, "Run in llkm's kthreads, interrupts off (needs the module)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct coh_cfg, o.kernel) },
	{ "user", OPT_USER, NULL, "Run in pinned user threads (the default)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct coh_cfg, user) },
	{ "cpus", OPT_CPUS, "LIST", "On these CPUs, in this order (default: all online)",
	  .type = LLCTL_OPT_CPUS, LLCTL_FIELD(struct coh_cfg, cpus) },
	{ "iterations", OPT_ITERATIONS, "N", "Operations in a batch: c2c round trips per pair, litmus rounds, "
					     "false-sharing --kernel increments per writer",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct coh_cfg, o.iterations), .min = 1, .max = LLKM_PROBE_ITERATIONS_MAX },
	{ "samples", OPT_SAMPLES, "N", "branch, icache, bandwidth: samples per point (default 7)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct coh_cfg, o.samples), .min = COH_SAMPLES_MIN, .max = COH_SAMPLES_MAX },
	{ "runtime", OPT_RUNTIME, "MS", "false-sharing: each run's length in ms, in user threads (default 20)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct coh_cfg, o.runtime_ms), .min = 1, .max = COH_FS_RUN_MS_MAX, .unit = "ms" },
	{ "pairs", OPT_PAIRS, "A:B,...", "c2c: only these CPU pairs",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct coh_cfg, pairs) },
#if defined(__aarch64__)
	{ "simd", OPT_SIMD, "W", "bandwidth: scalar, 128 (NEON) or sve (user mode only, the task's vector length) (default: the widest)",
#else
	{ "simd", OPT_SIMD, "W", "bandwidth: scalar, 128, 256 or 512 bits (default: the widest)",
#endif
	  .type = LLCTL_OPT_CALL },
	{ "prefetch", OPT_PREFETCH, "BYTES", "bandwidth: prefetch this far ahead (default 0: none)",
	  .type = LLCTL_OPT_CALL },
	{ "sizes", OPT_SIZES, "MIN-MAX", "bandwidth: working-set sweep (default 16K-256M)",
	  .type = LLCTL_OPT_CALL },
	{ "threads", OPT_THREADS, "N", "bandwidth: threads, on the first N of --cpus (default 1)",
	  .type = LLCTL_OPT_CALL },
	{ "json", LLCTL_OPT_JSON, NULL, "Print JSON (keys documented in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct coh_cfg, json) },
	{ "svg", OPT_SVG, "PREFIX", "Also draw charts into PREFIX-TEST.svg",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct coh_cfg, o.svg) },
	{ 0 }
};

static const struct llctl_opts coherency_opts = {
	.cmd = "coherency",
	.synopsis = "[--test NAME,...] [--kernel | --user] [--cpus LIST] "
		    "[--iterations N] [--samples N] [--runtime MS] [--pairs A:B,...] [--json] [--svg PREFIX] "
		    "[--simd W] [--prefetch BYTES] [--sizes MIN-MAX] [--threads N]",
	.summary = "Measure how the caches keep cores coherent and what the memory model\n"
		   "allows: cache-line latency between every pair of CPUs (c2c), the cost of\n"
		   "false sharing, litmus tests checked against the memory model (x86-TSO,\n"
		   "Armv8); and the branch predictor, the i-cache and memory bandwidth.\n"
		   "x86-64 and arm64.\n"
		   "Each measurement stops at a 10 s limit; Ctrl-C stops and reports what ran.",
	.opt = coherency_opt,
	.call = coherency_call,
	.more_help = list_tests,
};

/* --test and the bandwidth test's options (coherency/machine.h). */
static int coherency_call(void *args, int key, char *arg)
{
	struct coh_cfg *c = args;
	char why[160];
	int err;

	if (key == OPT_TEST) {
		const char *bad = select_tests(arg, c->sel);

		c->named = true;
		return bad ? llctl_opt_bad(&coherency_opts, key, arg,
					   "no such test '%s' (see 'llctl help coherency')",
					   bad) : 0;
	}
	c->bw_set = true;
	if (key == OPT_SIMD)
		err = coh_bw_opt_simd(&c->bw, arg, why, sizeof(why));
	else if (key == OPT_PREFETCH)
		err = coh_bw_opt_prefetch(&c->bw, arg, why, sizeof(why));
	else if (key == OPT_SIZES)
		err = coh_bw_opt_sizes(&c->bw, arg, why, sizeof(why));
	else
		err = coh_bw_opt_threads(&c->bw, arg, why, sizeof(why));
	return err ? llctl_opt_bad(&coherency_opts, key, arg, "%s", why) : 0;
}

static int parse_args(int argc, char **argv, struct coh_cfg *c)
{
	int i, n;

	for (i = 0; i < (int)NTESTS; i++)
		c->sel[i] = true;
	n = llctl_parse(argc, argv, &coherency_opts, c);
	return n < 0 ? n : 0;
}

static bool selected(const struct coh_cfg *c, const struct coh_test *t)
{
	return c->sel[test_index(t)];
}

/*
 * --iterations counts the operations of a batch (c2c round trips, litmus
 * rounds, false-sharing --kernel increments), --samples the samples of a
 * point (branch, icache, bandwidth): each is refused when no selected test
 * takes it, with the option that test takes instead. 0, or 1.
 */
static int check_counts(const struct coh_cfg *c)
{
	bool fs = selected(c, &coh_test_false_sharing);
	bool samples = selected(c, &coh_test_branch) ||
		       selected(c, &coh_test_icache) ||
		       selected(c, &coh_test_bandwidth);

	if (c->o.iterations && !selected(c, &coh_test_c2c) &&
	    !selected(c, &coh_test_litmus) && !(fs && c->o.kernel)) {
		llctl_opt_bad(&coherency_opts, OPT_ITERATIONS, NULL,
			      "it counts the operations of a batch of c2c, litmus or false-sharing --kernel, none of which runs%s",
			      samples ? "; branch, icache and bandwidth take --samples N" :
			      fs ? "; false-sharing in user threads runs for --runtime MS" : "");
		return 1;
	}
	if (c->o.samples && !samples) {
		llctl_opt_bad(&coherency_opts, OPT_SAMPLES, NULL,
			      "it is for branch, icache and bandwidth, none of which runs%s",
			      c->o.iterations ? "" : "; c2c, litmus and false-sharing --kernel take --iterations N");
		return 1;
	}
	return 0;
}

/* Cross-option checks and defaults: 0, or 1 after saying what is wrong. */
static int check_args(struct coh_cfg *c)
{
	size_t i;

	if (c->o.kernel && c->user) {
		llctl_opt_bad(&coherency_opts, OPT_USER, NULL,
			      "--kernel and --user exclude each other");
		return 1;
	}
	if (c->pairs && !c->sel[test_index(&coh_test_c2c)]) {
		llctl_opt_bad(&coherency_opts, OPT_PAIRS, NULL,
			      "it is for the c2c test, which is not selected");
		return 1;
	}
	if (c->pairs && coh_c2c_set_pairs(NULL, c->pairs))
		return 1;
	if (c->o.runtime_ms && (c->o.kernel ||
				!c->sel[test_index(&coh_test_false_sharing)])) {
		llctl_opt_bad(&coherency_opts, OPT_RUNTIME, NULL,
			      "it is for false-sharing in user threads, %s",
			  c->o.kernel ? "and --kernel runs --iterations increments instead" :
			  "which is not selected");
		return 1;
	}
	if (c->bw_set && !c->sel[test_index(&coh_test_bandwidth)]) {
		llctl_opt_bad(&coherency_opts, OPT_SIMD, NULL,
			      "--simd, --prefetch, --sizes and --threads are for the bandwidth test, which is not selected");
		return 1;
	}
	if (c->bw_set && coh_bw_set_opts(&c->bw))
		return 1;
	for (i = 0; i < NTESTS && c->o.kernel; i++) {
		if (!c->sel[i] || tests[i]->has_kernel_mode)
			continue;
		if (c->named) {
			llctl_err("Unable to run test '%s' with --kernel: it runs in user mode only",
				  tests[i]->name);
			return 1;
		}
		c->sel[i] = false;	/* all tests: only those that can */
	}
	if (check_counts(c))
		return 1;
	if (!c->cpus.n) {
		c->cpus.n = llctl_cpus_online(NULL, &c->cpus.cpu);
		if (c->cpus.n < 0) {
			llctl_err("Unable to read the online CPUs from /sys/devices/system/cpu/online");
			return 1;
		}
	}
	c->o.cpus = c->cpus.cpu;
	c->o.ncpus = c->cpus.n;
	return 0;
}

static int run_tests(struct coh_cfg *c, struct json_object *results)
{
	FILE *text = c->json ? NULL : stdout;
	int ret = 0;
	size_t i;

	for (i = 0; i < NTESTS; i++) {
		if (!c->sel[i])
			continue;
		if (stop) {
			llctl_err("Stopped: test '%s' and those after it did not run",
				  tests[i]->name);
			break;
		}
		if (text)
			fputc('\n', text);
		if (tests[i]->run(&c->o, results, text)) {
			ret = 1;
			/* rmmod mid-run: it said so; the rest would only repeat it. */
			if (c->o.kernel && !llctl_nl_module_live())
				break;
		}
		if (text)
			fflush(text);
	}
	return ret;
}

int cmd_coherency(int argc, char **argv)
{
	struct coh_cfg c = { .o = { .stop = &stop } };
	struct json_object *report = NULL, *results;
	struct llctl_env env = { 0 };
	struct llctl_nl nl = { 0 };
	int ret = 1, err;

	err = parse_args(argc, argv, &c);
	if (err) {
		llctl_opts_free(&coherency_opts, &c);
		return llctl_parse_status(err);
	}
	if (check_args(&c))
		goto cleanup;
	if (!PROBE_SUPPORTED) {
		llctl_err("Unable to run the coherency tests: the probes are not ported to %s (x86-64 and arm64 only)",
			  PROBE_ARCH_NAME);
		goto cleanup;
	}
	/* Before the setup, so a Ctrl-C during it is not lost (see trace). */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (c.o.kernel) {
		err = llctl_nl_open(&nl);
		if (err) {
			llctl_err("Unable to reach llkm: %s", llctl_nl_strerror(err));
			goto cleanup;
		}
		c.o.nl = &nl;
	}
	c.o.progress = isatty(STDERR_FILENO);
	llctl_env_collect(&env, NULL);
	if (!c.json)
		llctl_env_print(stdout, &env);
	report = json_object_new_object();
	results = json_object_new_object();
	json_object_object_add(report, "mode",
			       json_object_new_string(c.o.kernel ? "kernel" : "user"));
	json_object_object_add(report, "tests", results);
	ret = run_tests(&c, results);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	json_object_object_add(report, "stopped", json_object_new_boolean(stop));
	json_object_object_add(report, "env", llctl_env_json(&env));
	if (c.json) {
		if (llctl_json_print(report))
			ret = 1;
		report = NULL;
	}
	if (llctl_stdout_close())
		ret = 1;
cleanup:
	json_object_put(report);
	if (nl.sk)
		llctl_nl_close(&nl);
	llctl_env_free(&env);
	llctl_opts_free(&coherency_opts, &c);
	return ret;
}
