/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe core (probe_core.h) in the kernel: what it needs comes from
 * the kernel's own headers. llctl builds the same core through
 * user/probe_shim.h.
 */
#ifndef _LLKM_PROBE_H
#define _LLKM_PROBE_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/processor.h>
#include <uapi/linux/llkm.h>

#include "probe_core.h"

#endif /* _LLKM_PROBE_H */
