// SPDX-License-Identifier: GPL-2.0
/*
 * bench/kring_bench's consumer check (bench/kring_check.h), on records made
 * here as both of its producers write them: it must pass whole records in
 * rising order, call every kind of damage torn, and account for a run only
 * when produced = delivered + lost and the missing numbers are the lost.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "../../../bench/kring_check.h"

#define PAYLOAD	64

struct bench_rec {
	struct llkm_rec h;
	uint64_t w[PAYLOAD / 8];
};

static void make_rec(struct bench_rec *r, uint64_t seq)
{
	unsigned int k;

	memset(r, 0, sizeof(*r));
	r->h.size = sizeof(*r);
	r->h.type = LLKM_REC_TEST;
	for (k = 0; k < PAYLOAD / 8; k++)
		r->w[k] = llkm_bench_word(seq, k);
}

static struct check fresh(void)
{
	struct check ck = { .payload = PAYLOAD, .type = LLKM_REC_TEST, .last = -1 };

	return ck;
}

TEST(whole_with_gaps)
{
	static const uint64_t seqs[] = { 0, 1, 2, 5, 6, 9 };
	struct check ck = fresh();
	struct bench_rec r;
	unsigned int i;

	_Static_assert(sizeof(struct llkm_rec) == REC_HDR, "llkm's header");
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		make_rec(&r, seqs[i]);
		check_rec(&ck, &r, sizeof(r));
	}
	EXPECT_EQ(6, ck.delivered);
	EXPECT_EQ(0, ck.torn);
	/* 10 produced, 0..9: 3, 4, 7 and 8 lost. */
	EXPECT_TRUE(kring_accounts(&ck, 10, 10, 4));
	EXPECT_FALSE(kring_accounts(&ck, 10, 10, 3));
	EXPECT_FALSE(kring_accounts(&ck, 10, 9, 4));
	EXPECT_FALSE(kring_accounts(&ck, 11, 11, 4));
}

TEST(torn)
{
	struct check ck = fresh();
	struct bench_rec r;

	make_rec(&r, 0);
	check_rec(&ck, &r, sizeof(r));
	/* One word of another record. */
	make_rec(&r, 1);
	r.w[PAYLOAD / 8 - 1] = llkm_bench_word(2, PAYLOAD / 8 - 1);
	check_rec(&ck, &r, sizeof(r));
	/* The same record again: its number does not rise. */
	make_rec(&r, 0);
	check_rec(&ck, &r, sizeof(r));
	/* A size, a type, a short buffer. */
	make_rec(&r, 3);
	r.h.size -= 8;
	check_rec(&ck, &r, sizeof(r));
	make_rec(&r, 4);
	r.h.type = LLKM_REC_SYS_ENTER;
	check_rec(&ck, &r, sizeof(r));
	make_rec(&r, 5);
	check_rec(&ck, &r, sizeof(r) - 8);
	EXPECT_EQ(6, ck.delivered);
	EXPECT_EQ(5, ck.torn);
	EXPECT_EQ(0, ck.last);
	EXPECT_FALSE(kring_accounts(&ck, 6, 6, 0));
	/* A whole one after them still passes. */
	make_rec(&r, 6);
	check_rec(&ck, &r, sizeof(r));
	EXPECT_EQ(5, ck.torn);
	EXPECT_EQ(6, ck.last);
}

TEST_HARNESS_MAIN
