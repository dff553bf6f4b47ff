/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64's fence ops in probe_fence_batch() (kmod/probe_fence.h), each with
 * a constant op so that probe_fence_loop() holds the bare instruction.
 */
#ifndef _LLKM_ARCH_X86_PROBE_FENCE_ARCH_H
#define _LLKM_ARCH_X86_PROBE_FENCE_ARCH_H

static inline u64 probe_arch_fence_batch(u32 op, u64 n, struct probe_line *s)
{
	switch (op) {
	case LLKM_FENCE_MFENCE:
		return probe_fence_loop(LLKM_FENCE_MFENCE, n, s);
	case LLKM_FENCE_LFENCE:
		return probe_fence_loop(LLKM_FENCE_LFENCE, n, s);
	case LLKM_FENCE_SFENCE:
		return probe_fence_loop(LLKM_FENCE_SFENCE, n, s);
	case LLKM_FENCE_LOCK_ADD:
		return probe_fence_loop(LLKM_FENCE_LOCK_ADD, n, s);
	case LLKM_FENCE_XCHG:
		return probe_fence_loop(LLKM_FENCE_XCHG, n, s);
	case LLKM_FENCE_CMPXCHG:
		return probe_fence_loop(LLKM_FENCE_CMPXCHG, n, s);
	}
	return 0;
}

#endif /* _LLKM_ARCH_X86_PROBE_FENCE_ARCH_H */
