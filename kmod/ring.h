/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring core (ring_core.h) in the kernel: its clock and task ids.
 */
#ifndef _LLKM_RING_H
#define _LLKM_RING_H

#include <asm/local.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <uapi/linux/llkm.h>

/* NMI-safe CLOCK_MONOTONIC: producers run in any context. */
#define llkm_ring_now()		ktime_get_mono_fast_ns()
#define llkm_ring_pid()		((u32)task_tgid_nr(current))
#define llkm_ring_tid()		((u32)task_pid_nr(current))

#include "ring_core.h"

#endif /* _LLKM_RING_H */
