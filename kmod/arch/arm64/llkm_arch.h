/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's kernel-only half of the module (the interface: kmod/llkm_arch.h).
 * The probe clock is the generic timer (arch/arm64/probe_arch.h).
 */
#ifndef _LLKM_ARCH_ARM64_LLKM_ARCH_H
#define _LLKM_ARCH_ARM64_LLKM_ARCH_H

#include <linux/ptrace.h>
#include <asm/arch_timer.h>
#include <asm/cpufeature.h>

#define LLKM_ARCH_CLOCK_KHZ	(arch_timer_get_cntfrq() / 1000)
#define LLKM_ARCH_PROBES_NEED	"probes need the generic timer's rate in CNTFRQ_EL0, which firmware left at 0"

static inline bool llkm_arch_probes_run(void)
{
	return arch_timer_get_cntfrq() >= 1000;
}

/* Why this CPU cannot run fence op @op, LLKM_PROBE_WHY_NONE when it can. */
static inline enum llkm_probe_why llkm_arch_fence_why(u32 op)
{
	switch (op) {
	case LLKM_FENCE_LDAPR:
		return cpu_have_named_feature(LRCPC) ? LLKM_PROBE_WHY_NONE :
						       LLKM_PROBE_WHY_NO_RCPC;
	case LLKM_FENCE_LDADDAL:
	case LLKM_FENCE_SWPAL:
	case LLKM_FENCE_CASAL:
		return cpu_have_named_feature(ATOMICS) ? LLKM_PROBE_WHY_NONE :
							 LLKM_PROBE_WHY_NO_LSE;
	}
	return LLKM_PROBE_WHY_NONE;
}

/* No bandwidth kernels here yet: never reached (probes do not run). */
static inline enum llkm_probe_why llkm_arch_simd_why(u32 simd)
{
	return LLKM_PROBE_WHY_NONE;
}

static inline void llkm_arch_vec_begin(void)
{
}

static inline void llkm_arch_vec_end(void)
{
}

/* x29, of a 64-bit task only: an AArch32 task's frames are of another shape. */
static inline bool llkm_arch_user_fp(struct pt_regs *regs, unsigned long *fp)
{
	*fp = regs->regs[29];
	return !compat_user_mode(regs);
}

#endif /* _LLKM_ARCH_ARM64_LLKM_ARCH_H */
