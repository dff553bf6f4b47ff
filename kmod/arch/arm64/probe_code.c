// SPDX-License-Identifier: GPL-2.0
/*
 * arm64's code for LLKM_PROBE_ICACHE (kmod/probe_code.h), the layout of
 * x86's (arch/x86/probe_code.c) with arm64's instructions, all 4 bytes:
 *
 *   llkm_icache_code, LLKM_ICACHE_CODE_MAX bytes, then a return:
 *	[ bti c ] x LLKM_ICACHE_CODE_MAX / 4, bti c, ret
 *   llkm_icache_pages, LLKM_ICACHE_PAGES_MAX pages, one jump a page:
 *	page k, at offset (k * 64) % 4096: bti c; b to page k + 1's
 *	the last page: bti c, ret; the rest of every page is udf #0
 *
 * bti c (hint #34) is a no-op on CPUs without BTI, and where the kernel
 * enforces BTI (module text is a guarded page: PTE_GP) it makes every
 * entry a valid target of probe.c's indirect calls (blr); the jumps
 * between pages are direct (b), which BTI does not check. The module
 * loader makes the text coherent with the i-cache before it runs.
 */
#include <linux/build_bug.h>
#include <linux/linkage.h>
#include <uapi/linux/llkm.h>

#include "../../probe_code.h"

/* Emits the regions into their own text section. Never called. */
static void __used icache_regions(void)
{
	BUILD_BUG_ON(LLKM_ICACHE_CODE_MAX % 4);
	asm volatile(".pushsection .text.llkm_icache, \"ax\"\n\t"
		     ".balign 4096, 0\n\t"
		     ".globl llkm_icache_code\n\t"
		     ".type llkm_icache_code, %%function\n"
		     "llkm_icache_code:\n\t"
		     ".rept %[words] + 1\n\t"
		     "hint #34\n\t"
		     ".endr\n\t"
		     "ret\n\t"
		     ".size llkm_icache_code, . - llkm_icache_code\n\t"
		     ".balign 4096, 0\n\t"
		     ".globl llkm_icache_pages\n"
		     "llkm_icache_pages:\n\t"
		     ".macro llkm_ic_page last\n\t"
		     ".fill (.Lk * 64) %% 4096, 1, 0\n\t"
		     ".type llkm_ic_page_\\@, %%function\n"
		     "llkm_ic_page_\\@:\n\t"
		     "hint #34\n\t"
		     ".if \\last\n\t"
		     "ret\n\t"
		     ".else\n\t"
		     /* to page .Lk + 1's entry: 4096 on, less what we passed */
		     "b . + 4096 + ((.Lk + 1) * 64) %% 4096 - (.Lk * 64) %% 4096 - 4\n\t"
		     ".endif\n\t"
		     ".size llkm_ic_page_\\@, . - llkm_ic_page_\\@\n\t"
		     ".balign 4096, 0\n\t"
		     ".set .Lk, .Lk + 1\n\t"
		     ".endm\n\t"
		     ".set .Lk, 0\n\t"
		     ".rept %[pages] - 1\n\t"
		     "llkm_ic_page 0\n\t"
		     ".endr\n\t"
		     "llkm_ic_page 1\n\t"
		     ".purgem llkm_ic_page\n\t"
		     ".popsection"
		     : : [words] "i" (LLKM_ICACHE_CODE_MAX / 4),
			 [pages] "i" (LLKM_ICACHE_PAGES_MAX));
}
