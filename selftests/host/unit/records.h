/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace records made in memory for the output tests (ctf, perfetto,
 * events), laid out as the rings hold them: the header, then its payload.
 */
#ifndef LLCTL_TEST_RECORDS_H
#define LLCTL_TEST_RECORDS_H

#include <stdint.h>
#include <string.h>

#include <linux/llkm.h>

struct rec_buf {
	struct llkm_rec h;
	union {
		struct llkm_rec_sys_enter enter;
		struct llkm_rec_sys_exit exit;
		struct llkm_rec_irq irq;
		struct llkm_rec_softirq softirq;
		struct llkm_rec_sched_switch sw;
		struct llkm_rec_fork fork;
		struct llkm_rec_test test;
		struct llkm_rec_comm comm;
		char raw[512];	/* an entry with its path trailers */
	} u;
};

/* Pid 1234; @payload of @len bytes. */
static inline const struct llkm_rec *rec_make(struct rec_buf *b,
					      unsigned int type,
					      unsigned int cpu, uint32_t tid,
					      uint64_t t, const void *payload,
					      size_t len)
{
	memset(b, 0, sizeof(*b));
	b->h.size = sizeof(b->h) + len;
	b->h.type = type;
	b->h.cpu = cpu;
	b->h.time_ns = t;
	b->h.pid = 1234;
	b->h.tid = tid;
	memcpy(&b->u, payload, len);
	return &b->h;
}

#endif /* LLCTL_TEST_RECORDS_H */
