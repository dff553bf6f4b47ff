/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LLKM_CMD_PROBE_RUN from llctl: one probe run in llkm's kernel threads,
 * waited for and its samples fetched (the commands are documented in
 * include/uapi/linux/llkm.h).
 */
#ifndef LLCTL_COHERENCY_KERNEL_RUN_H
#define LLCTL_COHERENCY_KERNEL_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/nl.h"

struct coh_kernel_req {
	uint32_t kind;		/* enum llkm_probe_kind */
	uint32_t op;		/* the kind's enum llkm_*_op or _test, or 0 */
	uint32_t flags;		/* LLKM_PROBE_F_* */
	const uint32_t *cpus;	/* one per thread */
	unsigned int ncpus;
	uint64_t iterations;	/* per batch; litmus: rounds */
	uint32_t batches;
	uint32_t timeout_ms;	/* 0: the module's default */
	uint64_t param;		/* branch, icache, bandwidth: LLKM_PROBE_A_PARAM */
	uint32_t simd;		/* bandwidth: bits, 0: the module's (64) */
	uint32_t prefetch;	/* bandwidth: bytes, 0: none */
	volatile int *stop;	/* set by Ctrl-C: stop the run, or NULL */
};

struct coh_kernel_result {
	uint64_t *samples;	/* malloc'ed, coh_kernel_result_free() */
	unsigned int nsamples;
	uint32_t tsc_khz;
	uint64_t elapsed_ns;
	bool stopped;		/* signal, timeout or rmmod: samples so far */
};

/*
 * Run @req and wait for it (*@req->stop set, by Ctrl-C, stops the run,
 * which then gives what it did). 0 and @res filled, or -errno with @res
 * empty; coh_kernel_strerror() says what the errno means here.
 */
int coh_kernel_run(struct llctl_nl *nl, const struct coh_kernel_req *req,
		   struct coh_kernel_result *res);
void coh_kernel_result_free(struct coh_kernel_result *res);

/*
 * Run @req (a sweep kind's point) and give each batch's time in ns, the
 * slowest thread's where each thread has one: @ns[@req->batches]. 0; 1
 * when the run stopped before every batch ran; or -errno.
 */
int coh_kernel_batch_ns(struct llctl_nl *nl, const struct coh_kernel_req *req,
			double *ns);

/*
 * 0 when the kernel's TSC rate @khz is plausible (coh_tsc_plausible()),
 * else -EDOM, which coh_kernel_strerror() then explains: coh_kernel_run()
 * refuses such a reply of every kind that turns ticks into ns (all but
 * litmus).
 */
int coh_kernel_tsc_check(uint32_t khz);

/* One line for an errno of coh_kernel_run(): what went wrong, what to do. */
const char *coh_kernel_strerror(int err);

#endif /* LLCTL_COHERENCY_KERNEL_RUN_H */
