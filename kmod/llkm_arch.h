/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's architecture half, kernel only: the one place that picks
 * kmod/arch/ARCH/llkm_arch.h (the probe core's shared half is
 * probe_arch.h). Each arch's header defines:
 *
 *   LLKM_ARCH_CLOCK_KHZ      the probe clock's rate, 0 when not known
 *   LLKM_ARCH_PROBES_NEED    what the probes need, said when they cannot
 *                            run here (-EOPNOTSUPP)
 *   llkm_arch_probes_run()   whether probe runs can go here
 *   llkm_arch_fence_why()    why this CPU lacks a fence op of the
 *                            architecture's, LLKM_PROBE_WHY_NONE when not
 *   llkm_arch_simd_why()     why a bandwidth run's SIMD width cannot run
 *                            on this CPU, LLKM_PROBE_WHY_NONE when it can
 *   llkm_arch_vec_begin(), llkm_arch_vec_end()
 *                            around kernels that use vector registers
 *   llkm_arch_user_fp()      a user task's frame pointer, for the frame
 *                            walk of a sample's callers (counter.c)
 */
#ifndef _LLKM_LLKM_ARCH_H
#define _LLKM_LLKM_ARCH_H

#if defined(CONFIG_X86_64)
#include "arch/x86/llkm_arch.h"
#elif defined(CONFIG_ARM64)
#include "arch/arm64/llkm_arch.h"
#else
#error "llkm: x86-64 and arm64 only (kmod/arch/)"
#endif

#endif /* _LLKM_LLKM_ARCH_H */
