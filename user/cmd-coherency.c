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
	OPT_RUNTIME,
	OPT_PAIRS,
	OPT_SVG,
	OPT_SIMD,
	OPT_PREFETCH,
	OPT_SIZES,
	OPT_THREADS,
};

static const struct llctl_opt coherency_opt[] = {
	{ "test", OPT_TEST, "NAME,...", "Run these tests (default: all; see below)" },
	{ "kernel", OPT_KERNEL, NULL, "Run in llkm's kthreads, interrupts off (needs the module)" },
	{ "user", OPT_USER, NULL, "Run in pinned user threads (the default)" },
	{ "cpus", OPT_CPUS, "LIST", "On these CPUs, in this order (default: all online)" },
	{ "iterations", OPT_ITERATIONS, "N", "c2c: round trips per pair; false-sharing --kernel: increments per writer; "
						 "litmus: rounds; branch, icache, bandwidth: samples per point" },
	{ "runtime", OPT_RUNTIME, "MS", "false-sharing: each run's length in ms, in user threads (default 20)" },
	{ "pairs", OPT_PAIRS, "A:B,...", "c2c: only these CPU pairs" },
	{ "simd", OPT_SIMD, "W", "bandwidth: scalar, 128, 256 or 512 bits (default: the widest)" },
	{ "prefetch", OPT_PREFETCH, "BYTES", "bandwidth: prefetch this far ahead (default 0: none)" },
	{ "sizes", OPT_SIZES, "MIN-MAX", "bandwidth: working-set sweep (default 16K-256M)" },
	{ "threads", OPT_THREADS, "N", "bandwidth: threads, on the first N of --cpus (default 1)" },
	{ "json", LLCTL_OPT_JSON, NULL, "Print JSON (keys documented in docs/json.md)" },
	{ "svg", OPT_SVG, "PREFIX", "Also draw charts into PREFIX-TEST.svg" },
	{ 0 }
};

static const struct llctl_opts coherency_opts = {
	.cmd = "coherency",
	.synopsis = "[--test NAME,...] [--kernel | --user] [--cpus LIST] "
		    "[--iterations N] [--runtime MS] [--pairs A:B,...] [--json] [--svg PREFIX] "
		    "[--simd W] [--prefetch BYTES] [--sizes MIN-MAX] [--threads N]",
	.summary = "Measure how the caches keep cores coherent and what the memory model\n"
		   "allows: cache-line latency between every pair of CPUs (c2c), the cost of\n"
		   "false sharing, litmus tests checked against x86-TSO; and the branch\n"
		   "predictor, the i-cache and memory bandwidth. x86-64 only.\n"
		   "Each measurement stops at a 10 s limit; Ctrl-C stops and reports what ran.",
	.opt = coherency_opt,
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

/* "c2c,litmus" into @sel (NTESTS flags): 0, or -1 after naming the culprit. */
static int select_tests(char *list, bool *sel)
{
	const struct coh_test *t;
	char *name, *save;

	memset(sel, 0, NTESTS * sizeof(*sel));
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		t = find_test(name);
		if (!t) {
			llctl_err("Unable to run test '%s': no such test (see 'llctl help coherency')",
				  name);
			return -1;
		}
		sel[test_index(t)] = true;
	}
	return 0;
}

struct coh_cfg {
	struct coh_opts o;
	bool sel[NTESTS];
	bool named;		/* --test given */
	bool json, user;
	const char *pairs;
	struct coh_bw_opts bw;
	bool bw_set;		/* a bandwidth option was given */
	int *cpus;
};

/* The bandwidth test's options (coherency/machine.h): 0, or 1 after saying why. */
static int parse_bw(struct coh_cfg *c, int key, const char *arg)
{
	c->bw_set = true;
	switch (key) {
	case OPT_SIMD:
		return coh_bw_opt_simd(&c->bw, arg);
	case OPT_PREFETCH:
		return coh_bw_opt_prefetch(&c->bw, arg);
	case OPT_SIZES:
		return coh_bw_opt_sizes(&c->bw, arg);
	default:
		return coh_bw_opt_threads(&c->bw, arg);
	}
}

static int parse_args(int argc, char **argv, struct coh_cfg *c)
{
	char *arg, *end;
	unsigned long ms;
	int k, i;

	for (i = 0; i < (int)NTESTS; i++)
		c->sel[i] = true;
	while ((k = llctl_next_opt(argc, argv, &coherency_opts, &arg)) != -1) {
		switch (k) {
		case OPT_TEST:
			if (select_tests(arg, c->sel))
				return 1;
			c->named = true;
			break;
		case OPT_KERNEL:
			c->o.kernel = true;
			break;
		case OPT_USER:
			c->user = true;
			break;
		case OPT_CPUS:
			free(c->cpus);
			c->o.ncpus = coh_cpus_parse(NULL, arg, "--cpus",
						    &c->cpus);
			if (c->o.ncpus < 0)
				return 1;
			break;
		case OPT_ITERATIONS:
			errno = 0;
			c->o.iterations = strtoull(arg, &end, 10);
			if (errno || end == arg || *end || arg[0] == '-' ||
			    !c->o.iterations ||
			    c->o.iterations > LLKM_PROBE_ITERATIONS_MAX) {
				llctl_err("Unable to use --iterations '%s': takes 1 to %llu",
					  arg, LLKM_PROBE_ITERATIONS_MAX);
				return 1;
			}
			break;
		case OPT_RUNTIME:
			errno = 0;
			ms = strtoul(arg, &end, 10);
			if (errno || end == arg || *end || arg[0] == '-' ||
			    !ms || ms > COH_FS_RUN_MS_MAX) {
				llctl_err("Unable to use --runtime '%s': takes 1 to %d (ms)",
					  arg, COH_FS_RUN_MS_MAX);
				return 1;
			}
			c->o.runtime_ms = ms;
			break;
		case OPT_PAIRS:
			c->pairs = arg;
			break;
		case LLCTL_OPT_JSON:
			c->json = true;
			break;
		case OPT_SVG:
			c->o.svg = arg;
			break;
		case OPT_SIMD:
		case OPT_PREFETCH:
		case OPT_SIZES:
		case OPT_THREADS:
			if (parse_bw(c, k, arg))
				return 1;
			break;
		case 'h':
			llctl_usage(stdout, &coherency_opts);
			list_tests(stdout);
			return llctl_stdout_close() ? 1 : 2;
		default:
			return 1;
		}
	}
	return llctl_no_operands(argc, argv, &coherency_opts);
}

/* Cross-option checks and defaults: 0, or 1 after saying what is wrong. */
static int check_args(struct coh_cfg *c)
{
	size_t i;

	if (c->o.kernel && c->user) {
		llctl_err("Unable to parse options: --kernel and --user exclude each other");
		return 1;
	}
	if (c->pairs && !c->sel[test_index(&coh_test_c2c)]) {
		llctl_err("Unable to use --pairs: it is for the c2c test, which is not selected");
		return 1;
	}
	if (c->pairs && coh_c2c_set_pairs(NULL, c->pairs))
		return 1;
	if (c->o.runtime_ms && (c->o.kernel ||
				!c->sel[test_index(&coh_test_false_sharing)])) {
		llctl_err("Unable to use --runtime: it is for false-sharing in user threads, %s",
			  c->o.kernel ? "and --kernel runs --iterations increments instead" :
			  "which is not selected");
		return 1;
	}
	if (c->bw_set && !c->sel[test_index(&coh_test_bandwidth)]) {
		llctl_err("Unable to use --simd, --prefetch, --sizes or --threads: they are for the bandwidth test, which is not selected");
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
	if (!c->cpus) {
		c->o.ncpus = coh_cpus_online(NULL, &c->cpus);
		if (c->o.ncpus < 0) {
			llctl_err("Unable to read the online CPUs from /sys/devices/system/cpu/online");
			return 1;
		}
	}
	c->o.cpus = c->cpus;
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
		if (tests[i]->run(&c->o, results, text))
			ret = 1;
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
		free(c.cpus);
		return err == 2 ? 0 : 1;
	}
	if (check_args(&c))
		goto cleanup;
	if (!PROBE_SUPPORTED) {
		llctl_err("Unable to run the coherency tests: the probes are x86-64 only");
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
	free(c.cpus);
	return ret;
}
