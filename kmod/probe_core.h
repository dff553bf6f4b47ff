/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core: what the probes measure, and nothing else.
 *
 * The same source builds in the kernel (kmod/probe.h supplies the types
 * and barriers from the kernel's headers; kmod/probe.c runs it in bound
 * kthreads with interrupts off) and in llctl (user/probe_shim.h; llctl
 * runs it in pinned threads). Static inline functions only: no libc, no
 * kernel-only calls. The includer provides u32, u64, READ_ONCE(),
 * WRITE_ONCE(), barrier(), cpu_relax(), smp_mb(), smp_rmb(), smp_wmb(),
 * smp_store_release() and smp_load_acquire(), with the x86 kernel's
 * meaning. x86-64 only: elsewhere PROBE_SUPPORTED is 0 and every probe
 * returns "nothing measured" (0 cycles, -1), so callers build everywhere
 * and say so at run time.
 *
 * One header per probe kind, each on probe_base.h (the TSC, bounded
 * spins, a line of its own), and this one to include them all:
 *
 *   probe_fence.h   fence costs, one thread
 *   probe_c2c.h     cache-line round trips, two threads
 *   probe_fs.h      false sharing: writers on one line, or a line each
 *   probe_litmus.h  memory-model litmus tests, two or four threads
 *   probe_branch.h  one branch over a pattern of bits
 *
 * Memory bandwidth, probe_bw.h, is not included here: it takes the
 * includer's PROBE_BW_CLOBBERS, and its two users include it themselves.
 */
#ifndef _LLKM_PROBE_CORE_H
#define _LLKM_PROBE_CORE_H

#include "probe_base.h"
#include "probe_fence.h"
#include "probe_c2c.h"
#include "probe_fs.h"
#include "probe_litmus.h"
#include "probe_branch.h"

#endif /* _LLKM_PROBE_CORE_H */
