/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64's kernel-only half of the module (the interface: kmod/llkm_arch.h). */
#ifndef _LLKM_ARCH_X86_LLKM_ARCH_H
#define _LLKM_ARCH_X86_LLKM_ARCH_H

#include <linux/ptrace.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/tsc.h>

#define LLKM_ARCH_CLOCK_KHZ	tsc_khz
#define LLKM_ARCH_PROBES_NEED	"probes need x86-64 with a TSC"

static inline bool llkm_arch_probes_run(void)
{
	return boot_cpu_has(X86_FEATURE_TSC);
}

/* Every x86-64 CPU has every x86 fence op. */
static inline enum llkm_probe_why llkm_arch_fence_why(u32 op)
{
	return LLKM_PROBE_WHY_NONE;
}

static inline enum llkm_probe_why llkm_arch_simd_why(u32 simd)
{
	if (simd == 256 && !boot_cpu_has(X86_FEATURE_AVX))
		return LLKM_PROBE_WHY_NO_AVX;
	if (simd == 512 && !boot_cpu_has(X86_FEATURE_AVX512F))
		return LLKM_PROBE_WHY_NO_AVX512;
	return LLKM_PROBE_WHY_NONE;
}

/* The kernel is built without SSE: kernel_fpu_begin() saves the registers. */
static inline void llkm_arch_vec_begin(void)
{
	kernel_fpu_begin();
}

static inline void llkm_arch_vec_end(void)
{
	kernel_fpu_end();
}

/* rbp, of a 64-bit task only: an ia32 task's frames are of another shape. */
static inline bool llkm_arch_user_fp(struct pt_regs *regs, unsigned long *fp)
{
	*fp = regs->bp;
	return user_64bit_mode(regs);
}

#endif /* _LLKM_ARCH_X86_LLKM_ARCH_H */
