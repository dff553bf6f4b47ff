/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The icache test's code (coherency/icache.c), written at run time: the
 * bytes alone, for either instruction set wherever llctl runs, so that the
 * host's unit tests check arm64's encodings too. The layout is llkm's
 * (kmod/arch/ARCH/probe_code.c):
 *
 *   code region, code_max bytes of 4-byte entries, then one more and a
 *   return: a footprint F runs from code_max - F
 *	x86-64: [ endbr64 ] x code_max / 4, endbr64, ret
 *	arm64:  [ bti c ] x code_max / 4, bti c, ret
 *   page region, one jump a page: page k's entry at (k * 64) % 4096
 *	x86-64: endbr64, jmp rel32 to page k + 1's entry; the rest int3
 *	arm64:  bti c, b to page k + 1's entry; the rest udf #0
 *	the last page's entry: endbr64 (bti c), ret
 *
 * endbr64 and bti c are the landing pads of an indirect call where the
 * kernel enforces IBT or BTI, and no-ops (hints) elsewhere. A user page
 * is a guarded (BTI) page only when mapped with PROT_BTI, which llctl does
 * not ask for; bti c is there all the same so that user mode runs what
 * llkm runs.
 */
#ifndef LLCTL_COHERENCY_ICACHE_CODE_H
#define LLCTL_COHERENCY_ICACHE_CODE_H

#include <stdint.h>
#include <string.h>

#define IC_PAGE		4096ULL

enum ic_isa {
	IC_X86_64,
	IC_ARM64,
};

/* arm64's instructions, little-endian words. */
#define IC_A64_BTI_C	0xd503245fU	/* hint #34 */
#define IC_A64_RET	0xd65f03c0U	/* ret (x30) */
#define IC_A64_UDF	0x00000000U	/* udf #0 */
#define IC_A64_B	0x14000000U	/* b, imm26 words from itself */
#define IC_A64_B_RANGE	(128LL << 20)	/* imm26 reaches +-128 MiB */

static const uint8_t ic_endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

/* Page k's entry, from the page's start: rotates over the L1i's sets. */
static inline uint64_t ic_page_off(uint64_t k)
{
	return (k * 64) % IC_PAGE;
}

static inline void ic_put32(uint8_t *p, uint32_t w)
{
	p[0] = (uint8_t)w;
	p[1] = (uint8_t)(w >> 8);
	p[2] = (uint8_t)(w >> 16);
	p[3] = (uint8_t)(w >> 24);
}

static inline uint32_t ic_get32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* arm64's b over @to_minus_at bytes (a multiple of 4, within IC_A64_B_RANGE). */
static inline uint32_t ic_a64_b(int64_t to_minus_at)
{
	return IC_A64_B | ((uint32_t)(to_minus_at / 4) & 0x3ffffffU);
}

/* How far b @insn goes from itself: its imm26, sign-extended, in bytes. */
static inline int64_t ic_a64_b_offset(uint32_t insn)
{
	int64_t imm = insn & 0x3ffffffU;

	if (imm & 0x2000000)
		imm -= 0x4000000;
	return imm * 4;
}

/* The code region at @p: code_max + 8 bytes (x86-64: code_max + 5). */
static inline void ic_write_nops(uint8_t *p, uint64_t code_max, enum ic_isa isa)
{
	uint64_t i;

	for (i = 0; i < code_max + 4; i += 4) {
		if (isa == IC_ARM64)
			ic_put32(p + i, IC_A64_BTI_C);
		else
			memcpy(p + i, ic_endbr64, 4);
	}
	if (isa == IC_ARM64)
		ic_put32(p + code_max + 4, IC_A64_RET);
	else
		p[code_max + 4] = 0xc3;	/* ret */
}

/* The page region at @p: @pages pages (at most 128 MiB of them on arm64). */
static inline void ic_write_pages(uint8_t *p, uint64_t pages, enum ic_isa isa)
{
	uint64_t k;
	int32_t rel;

	if (isa == IC_ARM64)
		memset(p, 0, pages * IC_PAGE);		/* udf #0 */
	else
		memset(p, 0xcc, pages * IC_PAGE);	/* int3 */
	for (k = 0; k + 1 < pages; k++) {
		uint8_t *at = p + k * IC_PAGE + ic_page_off(k);
		uint8_t *to = p + (k + 1) * IC_PAGE + ic_page_off(k + 1);

		if (isa == IC_ARM64) {
			ic_put32(at, IC_A64_BTI_C);
			ic_put32(at + 4, ic_a64_b(to - (at + 4)));
			continue;
		}
		memcpy(at, ic_endbr64, 4);
		rel = (int32_t)(to - (at + 9));
		at[4] = 0xe9;	/* jmp rel32 */
		memcpy(at + 5, &rel, 4);
	}
	if (isa == IC_ARM64) {
		ic_put32(p + k * IC_PAGE + ic_page_off(k), IC_A64_BTI_C);
		ic_put32(p + k * IC_PAGE + ic_page_off(k) + 4, IC_A64_RET);
		return;
	}
	memcpy(p + k * IC_PAGE + ic_page_off(k), ic_endbr64, 4);
	p[k * IC_PAGE + ic_page_off(k) + 4] = 0xc3;
}

#endif /* LLCTL_COHERENCY_ICACHE_CODE_H */
