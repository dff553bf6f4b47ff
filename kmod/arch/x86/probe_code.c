// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64's code for LLKM_PROBE_ICACHE (kmod/probe_code.h): two regions of module text, laid out
 * as llctl lays out the code it writes for the same test in user mode
 * (user/probe-icache.c), so that both modes run the same bytes.
 *
 *   llkm_icache_code, LLKM_ICACHE_CODE_MAX bytes, then a return:
 *	[ endbr64 ] x LLKM_ICACHE_CODE_MAX / 4, endbr64, ret
 *	a footprint F runs from the return's endbr64 less F: F bytes of
 *	4-byte no-ops; F = 0 is the call alone
 *
 *   llkm_icache_pages, LLKM_ICACHE_PAGES_MAX pages, one jump a page:
 *	page k, at offset (k * 64) % 4096: endbr64; jmp to page k + 1's
 *	the last page: endbr64, a return; the rest of every page is int3
 *	P pages run from page LLKM_ICACHE_PAGES_MAX - P
 *
 * endbr64 is a no-op on every x86-64 CPU (a hint no-op before CET), and
 * it lets the probe call any entry indirectly where the kernel enforces
 * IBT. The regions are module text, mapped executable and never written:
 * no executable allocation, no text poking.
 */
#include <linux/build_bug.h>
#include <linux/linkage.h>
#include <linux/stringify.h>
#include <asm/linkage.h>
#include <uapi/linux/llkm.h>

#include "../../probe_code.h"

#ifndef ASM_RET
#define ASM_RET "ret\n\t"
#endif

/*
 * Emits the regions into their own text section. Never called: the asm
 * only needs a function to live in, for its constant operands.
 *
 * Each piece of code is a function symbol, so that objtool (which checks
 * the linked module on newer kernels) follows all of it: the code region
 * is one function, each page's entry another, whose jump to the next
 * page's entry is a tail call. The entries' names are local and numbered
 * by the assembler (\@), the jumps computed from the layout.
 */
static void __used icache_regions(void)
{
	BUILD_BUG_ON(LLKM_ICACHE_CODE_MAX % 4);
	asm volatile(".pushsection .text.llkm_icache, \"ax\"\n\t"
		     ".balign 4096, 0xcc\n\t"
		     ".globl llkm_icache_code\n\t"
		     ".type llkm_icache_code, @function\n"
		     "llkm_icache_code:\n\t"
		     ".rept %c[words] + 1\n\t"
		     "endbr64\n\t"
		     ".endr\n\t"
		     ASM_RET
		     ".size llkm_icache_code, . - llkm_icache_code\n\t"
		     ".balign 4096, 0xcc\n\t"
		     ".globl llkm_icache_pages\n"
		     "llkm_icache_pages:\n\t"
		     /* page .Lk's entry, (.Lk * 64) % 4096 into the page */
		     ".macro llkm_ic_page last\n\t"
		     ".fill (.Lk * 64) %% 4096, 1, 0xcc\n\t"
		     ".type llkm_ic_page_\\@, @function\n"
		     "llkm_ic_page_\\@:\n\t"
		     "endbr64\n\t"
		     ".if \\last\n\t"
		     ASM_RET
		     ".else\n\t"
		     /* to page .Lk + 1's entry: 4096 on, less what we passed */
		     "jmp . + 4096 + ((.Lk + 1) * 64) %% 4096 - (.Lk * 64) %% 4096 - 4\n\t"
		     ".endif\n\t"
		     ".size llkm_ic_page_\\@, . - llkm_ic_page_\\@\n\t"
		     ".balign 4096, 0xcc\n\t"
		     ".set .Lk, .Lk + 1\n\t"
		     ".endm\n\t"
		     ".set .Lk, 0\n\t"
		     ".rept %c[pages] - 1\n\t"
		     "llkm_ic_page 0\n\t"
		     ".endr\n\t"
		     "llkm_ic_page 1\n\t"
		     ".purgem llkm_ic_page\n\t"
		     ".popsection"
		     : : [words] "i" (LLKM_ICACHE_CODE_MAX / 4),
			 [pages] "i" (LLKM_ICACHE_PAGES_MAX));
}
