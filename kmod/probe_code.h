/* SPDX-License-Identifier: GPL-2.0 */
/* The icache probe's code regions: see arch/ARCH/probe_code.c. */
#ifndef _LLKM_PROBE_CODE_H
#define _LLKM_PROBE_CODE_H

#include <linux/types.h>

extern const u8 llkm_icache_code[];	/* LLKM_ICACHE_CODE_MAX, then endbr64 (bti c), ret */
extern const u8 llkm_icache_pages[];	/* LLKM_ICACHE_PAGES_MAX pages */

#endif /* _LLKM_PROBE_CODE_H */
