/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl coherency: the tests it runs, each behind one table entry
 * (cmd-coherency.c holds the table). A test measures in user threads, or
 * with --kernel through llkm's LLKM_CMD_PROBE_RUN where it has a kernel
 * mode, adds its result to the report's "tests" object under its key and
 * prints its text table.
 */
#ifndef LLCTL_COHERENCY_COHERENCY_H
#define LLCTL_COHERENCY_COHERENCY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;
struct llctl_nl;

struct coh_opts {
	const int *cpus;	/* --cpus, or the online CPUs */
	int ncpus;
	bool kernel;		/* --kernel: in llkm's kernel threads */
	struct llctl_nl *nl;	/* with kernel: the open family */
	uint64_t iterations;	/* --iterations, 0: the test's default */
	unsigned int runtime_ms;	/* --runtime, 0: the test's default */
	const char *svg;	/* --svg FILE prefix, or NULL */
	bool progress;		/* stderr is a terminal */
	volatile int *stop;	/* set by Ctrl-C: stop soon, report what ran */
};

struct coh_test {
	const char *name;	/* --test NAME */
	const char *key;	/* its key under "tests" in the JSON */
	const char *summary;
	bool has_kernel_mode;
	/*
	 * Runs the test: 0, with its JSON under @tests[key] and its text on
	 * @text (NULL with --json); or 1 after saying why on stderr.
	 */
	int (*run)(const struct coh_opts *o, struct json_object *tests,
		   FILE *text);
};

extern const struct coh_test coh_test_c2c;
extern const struct coh_test coh_test_false_sharing;
extern const struct coh_test coh_test_litmus;
extern const struct coh_test coh_test_branch;
extern const struct coh_test coh_test_icache;
extern const struct coh_test coh_test_bandwidth;

#endif /* LLCTL_COHERENCY_COHERENCY_H */
