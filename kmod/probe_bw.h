/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core, bandwidth: STREAM's kernels on 64-bit doubles, in
 * assembly so that no compiler widens the scalar ones or turns write and
 * copy into memset and memcpy. Built in the kernel (probe.c, between
 * llkm_arch_vec_begin() and llkm_arch_vec_end(): kernel_fpu_begin() on
 * x86-64, kernel_neon_begin() on arm64) and in llctl
 * (user/probe-bandwidth.c): both modes run the same instructions.
 *
 *	read	load b[i]			1 array
 *	write	a[i] = 0			1 array
 *	copy	a[i] = b[i]			2 arrays
 *	triad	a[i] = b[i] + s * c[i]		3 arrays (mul, then add)
 *
 * A loop step moves 256 bytes of each array (32 scalar, 16 128-bit, 8
 * 256-bit or 4 512-bit accesses; on arm64 SVE's vectors of the task's
 * length), with, at a prefetch distance D, a prefetch (prefetcht0; prfm
 * pldl1keep, pstl1keep for write's) D bytes ahead for each 64-byte line of
 * each array the kernel reads (the written one for write). A thread's working set of B bytes is
 * split into the kernel's arrays (rounded down to 256 bytes), which sit
 * back to back 320 and 640 bytes apart so that they do not alias at 4 KiB.
 *
 * The includer provides what probe_base.h takes and PROBE_BW_CLOBBERS:
 * the vector registers the kernels use, as asm clobbers (the kernel, built
 * without SSE or with -mgeneral-regs-only, names none;
 * llkm_arch_vec_begin() has saved them). The kernel
 * goes through a pass in pieces, opening windows (probe_base.h) between
 * them; llctl in one piece.
 */
#ifndef _LLKM_PROBE_BW_H
#define _LLKM_PROBE_BW_H

#include "probe_base.h"

#define PROBE_BW_STEP		256	/* bytes of each array a loop step */
#define PROBE_BW_SKEW		320	/* between arrays, bytes */

struct probe_bw_job {
	double *a, *b, *c;
	const u64 *s;		/* 8 copies of the triad's scalar, 64-byte aligned */
	const char *pa, *pb, *pc;	/* a, b, c plus the prefetch distance */
	u64 n;			/* bytes of each array, a multiple of PROBE_BW_STEP */
	u64 passes;
	u64 out;		/* TSC ticks in windows (probe_base.h): 0 in llctl */
};

/* Runs the job's passes; sets j->out. */
typedef void (*probe_bw_fn)(struct probe_bw_job *j);

/* Arrays each kernel touches, by enum llkm_bw_op. */
static const int probe_bw_arrays[LLKM_BW_MAX + 1] = { 1, 1, 2, 3 };

/* 0.5, the triad's scalar, as IEEE 754 bits: the kernel has no doubles. */
static const u64 probe_bw_scalar[8] __aligned(64) = {
	0x3fe0000000000000ULL, 0x3fe0000000000000ULL, 0x3fe0000000000000ULL,
	0x3fe0000000000000ULL, 0x3fe0000000000000ULL, 0x3fe0000000000000ULL,
	0x3fe0000000000000ULL, 0x3fe0000000000000ULL,
};

static inline int probe_bw_simd_idx(int bits)
{
	return bits == 64 ? 0 : bits == 128 ? 1 : bits == 256 ? 2 : 3;
}

/*
 * The arrays of kernel @k in a thread's region @base for @bytes of
 * working set: false when they would be under one loop step each.
 */
static inline bool probe_bw_layout(struct probe_bw_job *j, int k, char *base,
				   u64 bytes, unsigned int prefetch)
{
	u64 n = bytes / probe_bw_arrays[k] / PROBE_BW_STEP * PROBE_BW_STEP;
	char *a = base, *b = a + n + PROBE_BW_SKEW, *c = b + n + 2 * PROBE_BW_SKEW;
	struct probe_bw_job z = { 0 };

	if (!n)
		return false;
	*j = z;
	j->n = n;
	j->s = probe_bw_scalar;
	switch (k) {
	case LLKM_BW_READ:
		j->b = (double *)base;
		break;
	case LLKM_BW_WRITE:
		j->a = (double *)base;
		break;
	case LLKM_BW_COPY:
		j->a = (double *)a;
		j->b = (double *)b;
		break;
	default:
		j->a = (double *)a;
		j->b = (double *)b;
		j->c = (double *)c;
	}
	j->pa = (const char *)j->a + prefetch;
	j->pb = (const char *)j->b + prefetch;
	j->pc = (const char *)j->c + prefetch;
	return true;
}

/* A region a thread's arrays fit in, for @per_thread bytes of working set. */
static inline u64 probe_bw_region_bytes(u64 per_thread)
{
	return (per_thread + 4 * PROBE_BW_SKEW + 4095) / 4096 * 4096;
}

/*
 * The module's pass goes in pieces of this many bytes of each array,
 * checking for a window (probe_base.h) after each; llctl's is one piece.
 */
#define PROBE_BW_PIECE		(256ULL << 10)

/*
 * Every kernel's frame (arch/ARCH/probe_bw_arch.h's BW_KERNEL): @j's
 * passes, each in pieces of PROBE_BW_PIECE bytes of each array in the
 * module (one piece in llctl), a window checked between two; @piece, the
 * architecture's asm, runs the steps from i to end and leaves i at end.
 */
#define PROBE_BW_PASSES(j, piece) do {					\
	struct probe_bw_job *job_ = (j);				\
	struct probe_win win_;						\
	u64 pass_, i, end;						\
									\
	probe_win_start(&win_);						\
	for (pass_ = 0; pass_ < job_->passes; pass_++) {		\
		for (i = 0; i < job_->n; ) {				\
			end = PROBE_WIN_TICKS && job_->n - i > PROBE_BW_PIECE ? \
			      i + PROBE_BW_PIECE : job_->n;		\
			piece;						\
			if (!PROBE_WIN_TICKS)	/* llctl: one piece */	\
				break;					\
			if (probe_win_due(&win_, 1))			\
				probe_win_open(&win_);			\
		}							\
	}								\
	job_->out = win_.out;						\
} while (0)

/*
 * The kernels and probe_bw_fns[op][simd][prefetch]: the
 * architecture's assembly, where it has them (PROBE_BW_SUPPORTED).
 */
#if defined(__x86_64__)
#include "arch/x86/probe_bw_arch.h"
#elif defined(__aarch64__)
#include "arch/arm64/probe_bw_arch.h"
#else
#define PROBE_BW_SUPPORTED	0
/* No kernels: never called, as probe runs are refused (llkm_arch.h). */
static const probe_bw_fn probe_bw_fns[LLKM_BW_MAX + 1][4][2];
#endif

#endif /* _LLKM_PROBE_BW_H */
