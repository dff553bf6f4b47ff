/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/coherency/: the probes, measurements of the machine that llctl
 * coherency and llctl fence run. The tests c2c.c, false-sharing.c and
 * litmus.c (run.h), bandwidth.c, branch.c and icache.c with what the last
 * three share (machine.c); below them order statistics and the TSC
 * (stats.c), pinned threads released together (team.c), CPU lists
 * (cpus.c) and a probe run in llkm's kernel threads (kernel-run.c). The
 * measuring code itself is kmod/'s probe_KIND.h headers (probe_c2c.h,
 * probe_fs.h, ..., probe_bw.h), built here through shim/probe_shim.h. "Probe" means such a measurement, in
 * user/ nowhere else. Exported names start with coh_ (COH_). coherency/
 * calls lib/, and kmod/'s probe headers through shim/.
 *
 * llctl coherency's tests, each behind one table entry
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
	uint64_t iterations;	/* --iterations: operations a batch, 0: default */
	unsigned int samples;	/* --samples: per point, 0: the default */
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
