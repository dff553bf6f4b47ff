/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ring benchmark's ioctl: only in a module built with LLKM_BENCH=1
 * (make -C bench kring), never in the normal build, hence not in the UAPI
 * header. bench/kring_bench.c is its one user.
 */
#ifndef _LLKM_BENCH_RING_H
#define _LLKM_BENCH_RING_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Push @n records of LLKM_REC_TEST, @payload bytes after the header, into
 * the running session's rings on the caller's CPU (the caller pins itself),
 * through the tracer's own reserve and commit. The session must be owned
 * by netlink socket @portid. Payload: 64-bit words, word k of record seq
 * holding llkm_bench_word(seq, k), so a consumer can tell a torn record.
 * Out: the records reserved (written and committed), those refused (lost)
 * and the time the loop took.
 *
 * With LLKM_BENCH_F_CLOCK in @flags: no record, no session; the loop reads
 * the ring's clock (llkm_ring_now()) @n times, preemption off around each
 * read as around a record: what every record's timestamp costs.
 */
struct llkm_bench_ring {
	__u32 portid;
	__u32 payload;		/* bytes, a multiple of 8, at least 8 */
	__u32 flags;		/* LLKM_BENCH_F_* */
	__u32 pad;		/* 0 */
	__u64 n;
	__u64 written;		/* out */
	__u64 lost;		/* out */
	__u64 ns;		/* out: ktime_get_ns() around the loop */
};

#define LLKM_BENCH_PAYLOAD_MAX	1024

enum {
	LLKM_BENCH_F_CLOCK	= 1 << 0,	/* the clock alone, no record */
};

/* Word @k of record @seq: any other value is a torn or stale record. */
static inline __u64 llkm_bench_word(__u64 seq, __u32 k)
{
	return seq ^ ((__u64)k * 0x9e3779b97f4a7c15ULL);
}

/* 0x4F: the last of llkm's free block (0x40-0x4F in ioctl-number.rst). */
#define LLKM_IOC_BENCH_RING	_IOWR('L', 0x4F, struct llkm_bench_ring)

#endif /* _LLKM_BENCH_RING_H */
