/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kring_bench's consumer check, the same for llkm's and BPF's records
 * (selftests/host/unit/kring_check_test.c tests it on records it makes).
 */
#ifndef KRING_CHECK_H
#define KRING_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/llkm.h>

#include "../kmod/bench_ring.h"

#define REC_HDR		24	/* sizeof(struct llkm_rec) */

struct check {
	uint32_t payload;	/* bytes */
	uint32_t type;
	uint64_t delivered;
	uint64_t torn;
	int64_t last;		/* sequence number, -1: none yet */
};

/*
 * One record as both producers write it: the header, then payload word k
 * of record seq = llkm_bench_word(seq, k), word 0 being seq itself. Torn:
 * a wrong size or type, a sequence number not above the last one, a word
 * that is not its record's.
 */
static inline void check_rec(struct check *ck, const void *data, size_t size)
{
	const struct llkm_rec *rec = data;
	const uint64_t *p = (const uint64_t *)(rec + 1);
	uint32_t k, words = ck->payload / 8;
	uint64_t seq;

	ck->delivered++;
	if (size < REC_HDR + ck->payload || rec->size != REC_HDR + ck->payload ||
	    rec->type != ck->type) {
		ck->torn++;
		return;
	}
	seq = p[0];
	if ((int64_t)seq <= ck->last) {
		ck->torn++;
		return;
	}
	for (k = 1; k < words; k++)
		if (p[k] != llkm_bench_word(seq, k)) {
			ck->torn++;
			return;
		}
	ck->last = (int64_t)seq;
}

/*
 * Every one of @n records accounted for: the tool produced @n, delivered
 * none torn, and the sequence numbers missing (n - delivered: they rise,
 * each once) are the @lost it counted.
 */
static inline bool kring_accounts(const struct check *ck, uint64_t n,
				  uint64_t produced, uint64_t lost)
{
	return produced == n && !ck->torn && ck->delivered <= n &&
	       produced == ck->delivered + lost && n - ck->delivered == lost;
}

#endif /* KRING_CHECK_H */
