/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe core's architecture half: the one place that picks
 * kmod/arch/ARCH/probe_arch.h, as the kernel's arch/ split does. Shared
 * by the module and llctl (built for either), so the pick is by the
 * compiler's target, not by a Kconfig symbol. Each arch's header defines:
 *
 *   PROBE_SUPPORTED        1 where the probes are ported, else 0: every
 *                          probe then returns "nothing measured" (0, -1)
 *   PROBE_ARCH_NAME        "x86-64", "arm64", ...: for messages
 *   probe_tsc_begin()      a serialised read of the probe clock: nothing
 *                          before it is still executing
 *   probe_tsc_end()        everything before it has executed, nothing
 *                          after it has started
 *   probe_rdtsc()          unserialised: start times and deadlines only
 *   and, where PROBE_SUPPORTED:
 *   probe_xadd()           fetch-and-add, a full barrier
 *   probe_arch_fence_op()  the arch's own LLKM_FENCE_* ops (probe_fence.h)
 *   probe_arch_full_fence()  the litmus tests' fence (probe_litmus.h)
 *   probe_branch_pass()    the branch probe's pass (probe_branch.h)
 *
 * Bandwidth kernels: arch/ARCH/probe_bw_arch.h, picked in probe_bw.h.
 * The module's kernel-only half: llkm_arch.h.
 */
#ifndef _LLKM_PROBE_ARCH_H
#define _LLKM_PROBE_ARCH_H

#if defined(__x86_64__)
#include "arch/x86/probe_arch.h"
#elif defined(__aarch64__)
#include "arch/arm64/probe_arch.h"
#else
#include "arch/generic/probe_arch.h"
#endif

#endif /* _LLKM_PROBE_ARCH_H */
