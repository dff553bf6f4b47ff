// SPDX-License-Identifier: GPL-2.0
/*
 * LLKM_BENCH=1 only: an in-module producer for bench/kring_bench, which
 * compares the ring with BPF's ringbuf. Each record goes through what a
 * tracepoint probe of trace.c goes through once it decided to record:
 * preemption off, this CPU's ring (llkm_rings_this()), llkm_ring_reserve(),
 * the payload written, llkm_rings_commit() (or llkm_rings_lost() when the
 * ring refused it), preemption on. Nothing of the ring is copied here: a
 * change to those functions is measured as it is.
 */

#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "llkm.h"
#include "ring.h"
#include "bench_ring.h"

/* Records between two looks at rescheduling and signals. */
#define BENCH_BATCH	4096

/* One record, as a probe writes it: 0 written, -1 refused (lost). */
static int bench_one(struct llkm_rings *rings, u64 seq, u32 words)
{
	struct llkm_ring *ring;
	struct llkm_rec *rec;
	u64 *p;
	u32 k;

	preempt_disable_notrace();
	ring = llkm_rings_this(rings);
	if (unlikely(!ring)) {
		preempt_enable_notrace();
		return -1;
	}
	rec = llkm_ring_reserve(ring, LLKM_REC_TEST, words * sizeof(u64));
	if (!rec) {
		llkm_rings_lost(ring);
		preempt_enable_notrace();
		return -1;
	}
	p = (u64 *)(rec + 1);
	for (k = 0; k < words; k++)
		p[k] = llkm_bench_word(seq, k);
	llkm_rings_commit(ring);
	preempt_enable_notrace();
	return 0;
}

/* LLKM_BENCH_F_CLOCK: the clock alone, as bench_one() reads it. */
static void bench_clock(struct llkm_bench_ring *req)
{
	u64 i, t0, sum = 0;

	t0 = ktime_get_ns();
	for (i = 0; i < req->n; i++) {
		preempt_disable_notrace();
		sum += llkm_ring_now();
		preempt_enable_notrace();
		if (i % BENCH_BATCH == BENCH_BATCH - 1)
			cond_resched();
	}
	req->ns = ktime_get_ns() - t0;
	/* Used, so that no read is left out. */
	req->written = sum & 1;
}

long llkm_bench_ring_ioctl(void __user *arg)
{
	struct llkm_bench_ring req;
	struct llkm_rings *rings;
	u64 seq, t0;
	long ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad || req.flags & ~LLKM_BENCH_F_CLOCK)
		return -EINVAL;
	if (req.flags & LLKM_BENCH_F_CLOCK) {
		bench_clock(&req);
		return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
	}
	if (!req.payload || req.payload % sizeof(u64) ||
	    req.payload > LLKM_BENCH_PAYLOAD_MAX)
		return -EINVAL;
	/* The portid is the caller's word, as for LLKM_IOC_COUNTER_READ. */
	rings = llkm_session_rings_get(req.portid);
	if (!rings)
		return -ENOENT;
	req.written = 0;
	req.lost = 0;
	t0 = ktime_get_ns();
	for (seq = 0; seq < req.n; seq++) {
		if (bench_one(rings, seq, req.payload / sizeof(u64)))
			req.lost++;
		else
			req.written++;
		if (seq % BENCH_BATCH == BENCH_BATCH - 1) {
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				break;
			}
			cond_resched();
		}
	}
	req.ns = ktime_get_ns() - t0;
	llkm_rings_put(rings);
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return ret;
}
