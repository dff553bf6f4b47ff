// SPDX-License-Identifier: GPL-2.0
/*
 * The code LLKM_PROBE_ICACHE runs: two regions of module text, laid out
 * as llctl lays out the code it writes for the same test in user mode
 * (user/probe-icache.c), so that both modes run the same bytes.
 *
 *   llkm_icache_code, LLKM_ICACHE_CODE_MAX bytes, then a return:
 *	[ endbr64 ] x LLKM_ICACHE_CODE_MAX / 4
 *	a footprint F runs from the end less F: F bytes of 4-byte no-ops
 *
 *   llkm_icache_pages, LLKM_ICACHE_PAGES_MAX pages, one jump a page:
 *	page k, at offset (k * 64) % 4096: endbr64; jmp to page k + 1's
 *	the last page: endbr64, a return; the rest of every page is int3
 *	P pages run from page LLKM_ICACHE_PAGES_MAX - P
 *
 * endbr64 is a no-op on every x86-64 CPU (a hint no-op before CET), and
 * it lets the probe call any entry indirectly where the kernel enforces
 * IBT. The regions are module text, mapped executable and never written:
 * no executable allocation, no text poking. objtool does not check this
 * file (Kbuild): these are not functions it could follow.
 */
#include <linux/build_bug.h>
#include <linux/linkage.h>
#include <linux/stringify.h>
#include <asm/linkage.h>
#include <uapi/linux/llkm.h>

#include "probe_code.h"

#ifndef ASM_RET
#define ASM_RET "ret\n\t"
#endif

#ifdef CONFIG_X86_64
/*
 * Emits the regions into their own text section. Never called: the asm
 * only needs a function to live in, for its constant operands.
 */
static void __used icache_regions(void)
{
	BUILD_BUG_ON(LLKM_ICACHE_CODE_MAX % 4);
	asm volatile(".pushsection .text.llkm_icache, \"ax\"\n\t"
		     ".balign 4096, 0xcc\n\t"
		     ".globl llkm_icache_code\n"
		     "llkm_icache_code:\n\t"
		     ".rept %c[words]\n\t"
		     "endbr64\n\t"
		     ".endr\n\t"
		     ASM_RET
		     ".balign 4096, 0xcc\n\t"
		     ".globl llkm_icache_pages\n"
		     "llkm_icache_pages:\n\t"
		     ".set .Lk, 0\n\t"
		     ".rept %c[pages] - 1\n\t"
		     /* page k's entry: (k * 64) % 4096 into the page */
		     ".fill (.Lk * 64) %% 4096, 1, 0xcc\n\t"
		     "endbr64\n\t"
		     /* to page k + 1's entry: 4096 on, less what we passed */
		     "jmp . + 4096 + ((.Lk + 1) * 64) %% 4096 - (.Lk * 64) %% 4096 - 4\n\t"
		     ".balign 4096, 0xcc\n\t"
		     ".set .Lk, .Lk + 1\n\t"
		     ".endr\n\t"
		     ".fill (.Lk * 64) %% 4096, 1, 0xcc\n\t"
		     "endbr64\n\t"
		     ASM_RET
		     ".balign 4096, 0xcc\n\t"
		     ".popsection"
		     : : [words] "i" (LLKM_ICACHE_CODE_MAX / 4),
			 [pages] "i" (LLKM_ICACHE_PAGES_MAX));
}
#endif
