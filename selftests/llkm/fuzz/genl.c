// SPDX-License-Identifier: GPL-2.0
/*
 * genl: one generic netlink message of the llkm family, sometimes two or
 * three in one datagram: a seed from the corpus or one generated from the
 * attribute tables, then mutated 0 to 12 times. Every few inputs, and when
 * it holds COUNTERS_KEEP counters, the thread closes its socket: the
 * counters and sessions it owns go with it.
 */
#include "core.h"

void fuzz_genl(struct thread *t, struct rng *r)
{
	static __thread struct msg m, two;
	unsigned int k, n;

	if (ncorpus && chance(r, 40)) {
		const struct seed_msg *s = &corpus[below(r, ncorpus)];

		memcpy(m.buf, s->buf, s->len);
		m.len = s->len;
		msg_hdr(&m)->nlmsg_type = family;
	} else {
		gen_msg(&m, r, pick_cmd(r), t);
	}
	/* Mostly a few mutations; sometimes none, to reach deep state. */
	n = chance(r, 25) ? 0 : 1 + below(r, chance(r, 80) ? 3 : 12);
	for (k = 0; k < n; k++)
		mutate(&m, r, t);
	msg_hdr(&m)->nlmsg_seq = below(r, 1000);
	if (chance(r, 8)) {
		/* Two or three messages in one datagram. */
		gen_msg(&two, r, pick_cmd(r), t);
		if (chance(r, 50))
			mutate(&two, r, t);
		if (NLMSG_ALIGN(m.len) + two.len <= MSG_MAX) {
			memset(m.buf + m.len, 0, NLMSG_ALIGN(m.len) - m.len);
			memcpy(m.buf + NLMSG_ALIGN(m.len), two.buf, two.len);
			m.len = NLMSG_ALIGN(m.len) + two.len;
		}
	}
	send_msg(t, CAT_GENL, &m);
	if (t->nids >= COUNTERS_KEEP || chance(r, 1))
		nl_reopen(t);	/* counters and owned sessions go with it */
}
