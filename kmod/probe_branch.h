/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm probe core, branch (LLKM_PROBE_BRANCH): one conditional branch
 * over a buffer of bits, a repeating pattern or random.
 */
#ifndef _LLKM_PROBE_BRANCH_H
#define _LLKM_PROBE_BRANCH_H

#include "probe_base.h"

/*
 * The buffer: LLKM_BRANCH_BITS bits, u64 words. A pattern of @len bits
 * (xorshift64* from *seed, the same every run) repeats over it; len ==
 * LLKM_BRANCH_BITS is random bits throughout. When @len does not divide
 * the buffer the pattern restarts at each pass: one break a pass.
 */
#define PROBE_BR_WORDS		(LLKM_BRANCH_BITS / 64)

static inline u64 probe_rng(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static inline void probe_branch_fill(u64 *p, u64 len, u64 *seed)
{
	u64 i, bit;

	for (i = 0; i < PROBE_BR_WORDS; i++)
		p[i] = 0;
	for (i = 0; i < len; i++)
		p[i / 64] |= (probe_rng(seed) >> 63) << (i % 64);
	for (; i < LLKM_BRANCH_BITS; i++) {
		bit = (p[(i - len) / 64] >> ((i - len) % 64)) & 1;
		p[i / 64] |= bit << (i % 64);
	}
}

/* The buffer's set bits, counted in C: what every pass over it counts. */
static inline u64 probe_branch_ones(const u64 *p)
{
	u64 i, w, ones = 0;

	for (i = 0; i < PROBE_BR_WORDS; i++)
		for (w = p[i]; w; w &= w - 1)
			ones++;
	return ones;
}

/* The same bits sorted, ones first: one misprediction a pass. */
static inline void probe_branch_sort(u64 *p)
{
	u64 i, ones = probe_branch_ones(p);

	for (i = 0; i < PROBE_BR_WORDS; i++)
		p[i] = 0;
	for (i = 0; i < ones; i++)
		p[i / 64] |= 1ULL << (i % 64);
}

#if PROBE_SUPPORTED
/* probe_branch_pass(): probe_arch.h, in the architecture's assembly. */

/*
 * The kernel's pass goes in pieces of this many words (16384 branches),
 * checking for a window (probe_base.h) after each; llctl's is one piece.
 */
#define PROBE_BR_PIECE		256

/* @passes passes over the buffer: TSC cycles, windows left out. */
static inline u64 probe_branch_batch(const u64 *p, u64 passes)
{
	u64 piece = PROBE_WIN_TICKS ? PROBE_BR_PIECE : PROBE_BR_WORDS;
	struct probe_win w;
	u64 t0, i, j;

	probe_win_start(&w);
	t0 = probe_tsc_begin();
	for (i = 0; i < passes; i++) {
		for (j = 0; j < PROBE_BR_WORDS; j += piece) {
			probe_branch_pass(p + j, piece);
			if (probe_win_due(&w, 1))
				probe_win_open(&w);
		}
	}
	return probe_tsc_end() - t0 - w.out;
}
#else
static inline u64 probe_branch_batch(const u64 *p, u64 passes)
{
	(void)p;
	(void)passes;
	return 0;
}
#endif /* PROBE_SUPPORTED */

#endif /* _LLKM_PROBE_BRANCH_H */
