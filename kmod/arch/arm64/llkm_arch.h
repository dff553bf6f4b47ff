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
#include <asm/neon.h>
#include <asm/simd.h>

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

/*
 * Scalar and 128 run on FP/NEON (kernel mode NEON, and a CPU with it);
 * 256 and 512 stand for SVE (arch/arm64/probe_bw_arch.h), which the module
 * cannot run: kernel_neon_begin() saves and restores only the FPSIMD
 * state, so SVE instructions there would corrupt a task's Z, P and FFR
 * registers beyond the low 128 bits.
 */
static inline enum llkm_probe_why llkm_arch_simd_why(u32 simd)
{
	if (!IS_ENABLED(CONFIG_KERNEL_MODE_NEON) || !system_supports_fpsimd())
		return LLKM_PROBE_WHY_NO_FPSIMD;
	if (simd > 128)
		return LLKM_PROBE_WHY_SVE_KERNEL;
	return LLKM_PROBE_WHY_NONE;
}

/*
 * probe.c's one_batch() calls it with preemption off but interrupts still
 * on, and calls llkm_arch_vec_end() after it has turned them back on:
 * may_use_simd() (which kernel_neon_begin() BUG()s on) is false with
 * interrupts off, and kernel_neon_end()'s local_bh_enable() must not run
 * with them off. The windows of the batch (probe_base.h) turn interrupts
 * on for moments; bandwidth runs never yield in them (probe.c's
 * may_yield()), so the task does not sleep holding the NEON context.
 */
static inline void llkm_arch_vec_begin(void)
{
	kernel_neon_begin();
}

static inline void llkm_arch_vec_end(void)
{
	kernel_neon_end();
}

/* x29, of a 64-bit task only: an AArch32 task's frames are of another shape. */
static inline bool llkm_arch_user_fp(struct pt_regs *regs, unsigned long *fp)
{
	*fp = regs->regs[29];
	return !compat_user_mode(regs);
}

#endif /* _LLKM_ARCH_ARM64_LLKM_ARCH_H */
