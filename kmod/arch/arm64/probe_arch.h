/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's half of the probe core (the interface: kmod/probe_arch.h).
 * Not ported yet: the clock would be the generic timer (CNTVCT_EL0 after
 * an isb, CNTFRQ_EL0 ticks a second, often 25 to 100 MHz: far coarser
 * than a TSC, so batch sizes must follow it), the fences dmb ish/ishld/
 * ishst, dsb sy, isb, ldar/stlr and the LSE atomics. Until then every
 * probe returns "nothing measured", and the module refuses probe runs
 * with -EOPNOTSUPP, naming the architecture (arch/arm64/llkm_arch.h).
 */
#ifndef _LLKM_ARCH_ARM64_PROBE_ARCH_H
#define _LLKM_ARCH_ARM64_PROBE_ARCH_H

#define PROBE_ARCH_NAME		"arm64"
#include "../generic/probe_arch.h"

#endif /* _LLKM_ARCH_ARM64_PROBE_ARCH_H */
