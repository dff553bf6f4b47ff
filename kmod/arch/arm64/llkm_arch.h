/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's kernel-only half of the module (the interface: kmod/llkm_arch.h).
 * The probes are not ported yet (arch/arm64/probe_arch.h): probe runs are
 * refused with -EOPNOTSUPP and LLKM_ARCH_PROBES_NEED, which names arm64.
 */
#ifndef _LLKM_ARCH_ARM64_LLKM_ARCH_H
#define _LLKM_ARCH_ARM64_LLKM_ARCH_H

#include <linux/ptrace.h>

#define LLKM_ARCH_CLOCK_KHZ	0U
#define LLKM_ARCH_PROBES_NEED	"probes are not ported to arm64 yet (x86-64 only)"

static inline bool llkm_arch_probes_run(void)
{
	return false;
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
