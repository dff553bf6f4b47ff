/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LLKM_CMD_PROBE_RUN from llctl: one probe run in llkm's kernel threads
 * (the request and its reply are documented in include/uapi/linux/llkm.h).
 */
#ifndef LLCTL_PROBE_NL_H
#define LLCTL_PROBE_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct llkm_probe_req {
	uint32_t kind;		/* enum llkm_probe_kind */
	uint32_t op;		/* enum llkm_fence_op, enum llkm_litmus_test, 0 */
	uint32_t flags;		/* LLKM_PROBE_F_* */
	const uint32_t *cpus;	/* one per thread */
	unsigned int ncpus;
	uint64_t iterations;	/* per batch; litmus: rounds */
	uint32_t batches;
	uint32_t timeout_ms;	/* 0: the module's default */
};

struct llkm_probe_result {
	uint64_t *samples;	/* malloc'ed, llkm_probe_result_free() */
	unsigned int nsamples;
	uint32_t tsc_khz;
	uint64_t elapsed_ns;
	bool stopped;		/* signal, timeout or rmmod: samples so far */
};

/*
 * Run @req and wait for it (a signal to this process stops the run, which
 * then replies with what it did). 0 and @res filled, or -errno with @res
 * empty; llkm_probe_strerror() says what the errno means here.
 */
int llkm_probe_run(struct llkm_nl *nl, const struct llkm_probe_req *req,
		   struct llkm_probe_result *res);
void llkm_probe_result_free(struct llkm_probe_result *res);

/* One line for an errno of llkm_probe_run(): what went wrong, what to do. */
const char *llkm_probe_strerror(int err);

#endif /* LLCTL_PROBE_NL_H */
