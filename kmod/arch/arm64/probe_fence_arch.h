/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's fence ops in probe_fence_batch() (kmod/probe_fence.h), each with
 * a constant op so that probe_fence_loop() holds the bare instruction.
 */
#ifndef _LLKM_ARCH_ARM64_PROBE_FENCE_ARCH_H
#define _LLKM_ARCH_ARM64_PROBE_FENCE_ARCH_H

static inline u64 probe_arch_fence_batch(u32 op, u64 n, struct probe_line *s)
{
	switch (op) {
	case LLKM_FENCE_DMB_ISH:
		return probe_fence_loop(LLKM_FENCE_DMB_ISH, n, s);
	case LLKM_FENCE_DMB_ISHLD:
		return probe_fence_loop(LLKM_FENCE_DMB_ISHLD, n, s);
	case LLKM_FENCE_DMB_ISHST:
		return probe_fence_loop(LLKM_FENCE_DMB_ISHST, n, s);
	case LLKM_FENCE_DSB_SY:
		return probe_fence_loop(LLKM_FENCE_DSB_SY, n, s);
	case LLKM_FENCE_ISB:
		return probe_fence_loop(LLKM_FENCE_ISB, n, s);
	case LLKM_FENCE_LDAR:
		return probe_fence_loop(LLKM_FENCE_LDAR, n, s);
	case LLKM_FENCE_STLR:
		return probe_fence_loop(LLKM_FENCE_STLR, n, s);
	case LLKM_FENCE_LDAPR:
		return probe_fence_loop(LLKM_FENCE_LDAPR, n, s);
	case LLKM_FENCE_LDADDAL:
		return probe_fence_loop(LLKM_FENCE_LDADDAL, n, s);
	case LLKM_FENCE_SWPAL:
		return probe_fence_loop(LLKM_FENCE_SWPAL, n, s);
	case LLKM_FENCE_CASAL:
		return probe_fence_loop(LLKM_FENCE_CASAL, n, s);
	case LLKM_FENCE_LLSC_ADD:
		return probe_fence_loop(LLKM_FENCE_LLSC_ADD, n, s);
	case LLKM_FENCE_LLSC_SWP:
		return probe_fence_loop(LLKM_FENCE_LLSC_SWP, n, s);
	case LLKM_FENCE_LLSC_CAS:
		return probe_fence_loop(LLKM_FENCE_LLSC_CAS, n, s);
	}
	return 0;
}

#endif /* _LLKM_ARCH_ARM64_PROBE_FENCE_ARCH_H */
