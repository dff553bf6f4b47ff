// SPDX-License-Identifier: GPL-2.0
/*
 * The icache test's code as llctl writes it (user/coherency/icache-code.h),
 * for both instruction sets on any host: decoded again here, every call
 * entry is a landing pad followed by straight-line nops or a jump, and
 * walking the jumps from the first page reaches the last page's return
 * after exactly one jump a page; nothing else in the region is code. And
 * the branch probe's pass (kmod/arch/ARCH/probe_arch.h, this host's) returns
 * its buffer's popcount, counted here in C: the branch ran once a bit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coherency/icache-code.h"
#include "kselftest_harness.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_branch.h"

#define CODE_MAX	(64U << 10)
#define PAGES		64U

TEST(arm64_b_encodes_and_decodes_both_ways)
{
	EXPECT_EQ(0x14000001U, ic_a64_b(4));		/* b .+4 */
	EXPECT_EQ(0x17ffffffU, ic_a64_b(-4));		/* b .-4 */
	EXPECT_EQ(0x14000400U, ic_a64_b(4096));
	EXPECT_EQ(4096, ic_a64_b_offset(ic_a64_b(4096)));
	EXPECT_EQ(-8, ic_a64_b_offset(ic_a64_b(-8)));
	EXPECT_EQ(IC_A64_B_RANGE - 4, ic_a64_b_offset(ic_a64_b(IC_A64_B_RANGE - 4)));
	EXPECT_EQ(-IC_A64_B_RANGE, ic_a64_b_offset(ic_a64_b(-IC_A64_B_RANGE)));
}

TEST(arm64_code_is_landing_pads_then_a_return)
{
	uint8_t *p = malloc(CODE_MAX + 8);
	uint32_t i;

	ASSERT_NE(NULL, p);
	ic_write_nops(p, CODE_MAX, IC_ARM64);
	for (i = 0; i <= CODE_MAX; i += 4)
		ASSERT_EQ(IC_A64_BTI_C, ic_get32(p + i));
	EXPECT_EQ(IC_A64_RET, ic_get32(p + CODE_MAX + 4));
	free(p);
}

TEST(x86_code_is_endbr64s_then_a_return)
{
	uint8_t *p = malloc(CODE_MAX + 5);
	uint32_t i;

	ASSERT_NE(NULL, p);
	ic_write_nops(p, CODE_MAX, IC_X86_64);
	for (i = 0; i <= CODE_MAX; i += 4)
		ASSERT_EQ(0, memcmp(p + i, ic_endbr64, 4));
	EXPECT_EQ(0xc3, p[CODE_MAX + 4]);
	free(p);
}

/*
 * Follows arm64's jumps from page @first's entry: how many were taken
 * before a ret, -1 at anything else (a udf, a jump to no entry).
 */
static long walk_arm64(const uint8_t *p, uint64_t first)
{
	const uint8_t *at = p + first * IC_PAGE + ic_page_off(first);
	long jumps = 0;

	for (;;) {
		uint64_t page = (uint64_t)(at - p) / IC_PAGE;

		if (at < p || at >= p + PAGES * IC_PAGE ||
		    (uint64_t)(at - p) % IC_PAGE != ic_page_off(page) ||
		    ic_get32(at) != IC_A64_BTI_C)
			return -1;
		if (ic_get32(at + 4) == IC_A64_RET)
			return jumps;
		if ((ic_get32(at + 4) & 0xfc000000U) != IC_A64_B)
			return -1;
		at = at + 4 + ic_a64_b_offset(ic_get32(at + 4));
		jumps++;
	}
}

TEST(arm64_pages_jump_once_a_page_to_the_last_return)
{
	uint8_t *p = malloc(PAGES * IC_PAGE);
	uint64_t i, code = 0;

	ASSERT_NE(NULL, p);
	ic_write_pages(p, PAGES, IC_ARM64);
	EXPECT_EQ(PAGES - 1, walk_arm64(p, 0));
	EXPECT_EQ(1, walk_arm64(p, PAGES - 2));
	EXPECT_EQ(0, walk_arm64(p, PAGES - 1));
	/* Two instructions a page; the rest is udf #0. */
	for (i = 0; i < PAGES * IC_PAGE; i += 4)
		code += ic_get32(p + i) != IC_A64_UDF;
	EXPECT_EQ(2 * PAGES, code);
	free(p);
}

TEST(x86_pages_jump_once_a_page_to_the_last_return)
{
	uint8_t *p = malloc(PAGES * IC_PAGE), *at;
	uint64_t k;
	int32_t rel;

	ASSERT_NE(NULL, p);
	ic_write_pages(p, PAGES, IC_X86_64);
	at = p + ic_page_off(0);
	for (k = 0; k + 1 < PAGES; k++) {
		ASSERT_EQ(0, memcmp(at, ic_endbr64, 4));
		ASSERT_EQ(0xe9, at[4]);
		memcpy(&rel, at + 5, 4);
		at += 9 + rel;
		ASSERT_EQ((k + 1) * IC_PAGE + ic_page_off(k + 1), (uint64_t)(at - p));
	}
	EXPECT_EQ(0, memcmp(at, ic_endbr64, 4));
	EXPECT_EQ(0xc3, at[4]);
	EXPECT_EQ(0xcc, p[IC_PAGE - 1]);
	free(p);
}

static uint64_t popcount(const uint64_t *p)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < PROBE_BR_WORDS; i++)
		n += (uint64_t)__builtin_popcountll(p[i]);
	return n;
}

#if PROBE_SUPPORTED
TEST(the_branch_pass_counts_the_set_bits)
{
	static const uint64_t lens[] = { 2, 3, 17, 4096, 100000, LLKM_BRANCH_BITS };
	uint64_t *p = malloc(LLKM_BRANCH_BITS / 8), seed = 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	ASSERT_NE(NULL, p);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		probe_branch_fill(p, lens[i], &seed);
		EXPECT_EQ(popcount(p), probe_branch_pass(p, PROBE_BR_WORDS));
		probe_branch_sort(p);
		EXPECT_EQ(popcount(p), probe_branch_pass(p, PROBE_BR_WORDS));
	}
	memset(p, 0xff, LLKM_BRANCH_BITS / 8);
	EXPECT_EQ(LLKM_BRANCH_BITS, probe_branch_pass(p, PROBE_BR_WORDS));
	memset(p, 0, LLKM_BRANCH_BITS / 8);
	EXPECT_EQ(0, probe_branch_pass(p, PROBE_BR_WORDS));
	free(p);
}
#endif

TEST_HARNESS_MAIN
