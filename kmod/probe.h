/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe core (probe_core.h) in the kernel: what it needs comes from
 * the kernel's own headers. llctl builds the same core through
 * user/probe_shim.h.
 */
#ifndef _LLKM_PROBE_H
#define _LLKM_PROBE_H

#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/processor.h>
#include <uapi/linux/llkm.h>

#include "llkm_arch.h"

/*
 * Windows (probe_base.h): a millisecond of the probe clock at most with
 * interrupts off (every tick, when it is not calibrated). STI leaves interrupts off
 * for one more instruction: cpu_relax() is that one, so that an interrupt
 * pending comes in before the CLI. probe.c keeps preemption off, but for
 * llkm_probe_yield(): in a window of a kind whose samples it leaves true,
 * a task waiting for this CPU runs (llctl's Ctrl-C, the run's stop).
 */
#define PROBE_WIN_TICKS		((u64)LLKM_ARCH_CLOCK_KHZ ?: 1)
void llkm_probe_yield(void);
#define probe_window()		do {					\
	local_irq_enable();						\
	cpu_relax();							\
	llkm_probe_yield();						\
	local_irq_disable();						\
} while (0)

#include "probe_core.h"

#endif /* _LLKM_PROBE_H */
