// SPDX-License-Identifier: GPL-2.0
/*
 * The guard rails: the generator never sends what is legitimate but heavy.
 * Before sending, every message is walked as the kernel will parse it and
 * values inside the accepted ranges are lowered (values outside stay, to be
 * refused): ring sizes to RING_CAP (rings are per CPU, and the default ring
 * size is changed by SET_DEFAULTS), probe iterations, batches, timeout and
 * PARAM to their caps (core.h; a probe batch runs with interrupts off), and
 * a counter's perf type is never kprobe's or uprobe's (those would place
 * kernel probes at random addresses: perf's fuzzing, not ours). Messages
 * go to the llkm family only: every message of a datagram, as a lying
 * length frames them, gets the family's nlmsg_type.
 */
#include <linux/perf_event.h>

#include "core.h"

static void *payload(struct nlattr *a)
{
	return a + 1;
}

/* Lowers @a's u32 or u64 value to @cap when it lies in [@lo, @hi]. */
static void cap_value(struct nlattr *a, uint64_t lo, uint64_t hi, uint64_t cap,
		      bool pow2, long *capped)
{
	uint64_t v = 0;
	uint32_t len = a->nla_len - NLA_HDRLEN;

	if (len != 4 && len != 8)
		return;
	memcpy(&v, payload(a), len);
	if (v < lo || v > hi || v <= cap)
		return;
	/* Keep a non-power of two one: the kernel refuses it either way. */
	v = pow2 && (v & (v - 1)) ? cap + 1 : cap;
	memcpy(payload(a), &v, len);
	(*capped)++;
}

/* Does @nest hold @type, as nla_parse_nested() would find it? */
static bool nest_has(struct nlattr *nest, uint16_t type)
{
	int rem = nest->nla_len - NLA_HDRLEN;
	struct nlattr *a = payload(nest);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return true;
	return false;
}

/*
 * Walks @nest as nla_parse_nested() would and caps what is heavy. A probe
 * run with a timeout (capped to TIMEOUT_CAP) may have every batch it
 * asks for: the large-reply path; without one, BATCH_CAP bounds it.
 */
static void cap_nest(struct nlattr *nest, uint16_t top, long *capped)
{
	int rem = nest->nla_len - NLA_HDRLEN;
	struct nlattr *a = payload(nest);
	uint64_t batches = top == LLKM_A_PROBE &&
			   nest_has(nest, LLKM_PROBE_A_TIMEOUT_MS) ?
			   LLKM_PROBE_BATCHES_MAX : BATCH_CAP;

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (top == LLKM_A_RING && type == LLKM_RING_A_SIZE)
			cap_value(a, LLKM_RING_SIZE_MIN, LLKM_RING_SIZE_MAX, RING_CAP,
				  true, capped);
		if (top == LLKM_A_COUNTER && type == LLKM_CTR_A_TYPE &&
		    a->nla_len == NLA_HDRLEN + 4 &&
		    (*(uint32_t *)payload(a) == banned_types[0] ||
		     *(uint32_t *)payload(a) == banned_types[1])) {
			*(uint32_t *)payload(a) = PERF_TYPE_SOFTWARE;
			(*capped)++;
		}
		if (top != LLKM_A_PROBE)
			continue;
		if (type == LLKM_PROBE_A_ITERATIONS)
			cap_value(a, 1, LLKM_PROBE_ITERATIONS_MAX, ITER_CAP, false, capped);
		if (type == LLKM_PROBE_A_BATCHES)
			cap_value(a, 1, LLKM_PROBE_BATCHES_MAX, batches, false, capped);
		if (type == LLKM_PROBE_A_TIMEOUT_MS)
			cap_value(a, 1, LLKM_PROBE_TIMEOUT_MAX_MS, TIMEOUT_CAP, false, capped);
		if (type == LLKM_PROBE_A_PARAM)
			cap_value(a, 0, LLKM_BW_BYTES_MAX, PARAM_CAP, false, capped);
	}
}

/*
 * Walks the buffer as netlink_rcv_skb() and genl would: every message of
 * the family, its top-level attributes, the nests that carry heavy values.
 */
void guard(uint8_t *buf, uint32_t len, long *capped)
{
	uint32_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
		uint32_t mlen = h->nlmsg_len;
		int rem;
		struct nlattr *a;

		if (mlen < NLMSG_HDRLEN || mlen > len - off)
			return;
		/*
		 * A corrupted length frames the next message elsewhere: its
		 * type could name another family. Ours only, always.
		 */
		if (h->nlmsg_type != family) {
			h->nlmsg_type = family;
			(*capped)++;
		}
		rem = (int)mlen - NLMSG_HDRLEN - GENL_HDRLEN;
		a = (struct nlattr *)(buf + off + NLMSG_HDRLEN + GENL_HDRLEN);
		for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
		     rem -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
			uint16_t type = a->nla_type & NLA_TYPE_MASK;

			if (type == LLKM_A_RING || type == LLKM_A_PROBE ||
			    type == LLKM_A_COUNTER)
				cap_nest(a, type, capped);
		}
		off += NLMSG_ALIGN(mlen) < len - off ? NLMSG_ALIGN(mlen) : len - off;
	}
}
