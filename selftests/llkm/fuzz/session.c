// SPDX-License-Identifier: GPL-2.0
/*
 * session: a ring consumer's life, in valid steps: start a small trace
 * (a tenth of the time, rings of up to 16 MiB a CPU, whose setup takes a
 * while), wait for its TRACE_STARTED as llctl does, or stop it or close
 * its socket while it is being set up; map a CPU's ring and read it, open
 * a sampling counter, read it by ioctl, disable or read it by genl, then
 * stop the trace, or close the owning socket, or leave it running for
 * another thread's EBUSY.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/perf_event.h>

#include "core.h"

static int start_trace(struct thread *t, struct rng *r)
{
	static __thread struct msg m;
	uint32_t v;
	int off;

	msg_init(&m, LLKM_CMD_TRACE_START);
	off = msg_put(&m, LLKM_A_RING | NLA_F_NESTED, NULL, 0);
	v = chance(r, 10) ? (1U << 20) << below(r, 5) : 4096U << below(r, 3);
	msg_put(&m, LLKM_RING_A_SIZE, &v, 4);
	v = below(r, 2);
	msg_put(&m, LLKM_RING_A_MODE, &v, 4);
	msg_nest_end(&m, off);
	off = msg_put(&m, LLKM_A_TRACE | NLA_F_NESTED, NULL, 0);
	v = rnd(r) & LLKM_TRACE_EV_ALL;
	msg_put(&m, LLKM_TRACE_A_EVENTS, &v, 4);
	if (chance(r, 30)) {
		v = 1 + below(r, 4096);
		msg_put(&m, LLKM_TRACE_A_WATERMARK, &v, 4);
	}
	msg_nest_end(&m, off);
	return send_msg(t, CAT_SESSION, &m);
}

static int counter_cmd(struct thread *t, uint8_t cmd, const uint32_t *id,
		       uint64_t period, struct rng *r)
{
	static __thread struct msg m;
	uint32_t v;
	uint64_t cfg;
	int off;

	msg_init(&m, cmd);
	off = msg_put(&m, LLKM_A_COUNTER | NLA_F_NESTED, NULL, 0);
	if (id) {
		msg_put(&m, LLKM_CTR_A_ID, id, 4);
	} else {
		v = PERF_TYPE_SOFTWARE;
		msg_put(&m, LLKM_CTR_A_TYPE, &v, 4);
		cfg = chance(r, 50) ? PERF_COUNT_SW_TASK_CLOCK : PERF_COUNT_SW_PAGE_FAULTS;
		msg_put(&m, LLKM_CTR_A_CONFIG, &cfg, 8);
		v = chance(r, 50) ? (uint32_t)getpid() : (uint32_t)syscall(SYS_gettid);
		msg_put(&m, LLKM_CTR_A_PID, &v, 4);
		if (period)
			msg_put(&m, LLKM_CTR_A_PERIOD, &period, 8);
		if (chance(r, 30)) {
			v = LLKM_CTR_F_CALLCHAIN | (chance(r, 50) ? LLKM_CTR_F_INHERIT : 0);
			msg_put(&m, LLKM_CTR_A_FLAGS, &v, 4);
		}
	}
	msg_nest_end(&m, off);
	return send_msg(t, CAT_SESSION, &m);
}

/* A consumer's life: start, map, sample, read, then stop or walk away. */
void fuzz_session(struct thread *t, struct rng *r)
{
	static __thread struct msg stop;
	struct llkm_ioc_counter_read req = { 0 };
	struct llkm_counter_value v[4];
	int slot = below(r, MAPS_KEEP);
	size_t len;
	uint32_t id;
	void *p;
	int i;

	t->step = "session start";
	trace_started_seen(true);
	if (start_trace(t, r) != 0)
		return;		/* refused in its ack: EBUSY, mostly */
	switch (below(r, 10)) {
	case 0:
		t->step = "session stop during setup";
		msg_init(&stop, LLKM_CMD_TRACE_STOP);
		send_msg(t, CAT_SESSION, &stop);
		return;
	case 1:
		t->step = "session owner gone during setup";
		nl_reopen(t);
		return;
	}
	t->step = "session setup";
	for (i = 0; !trace_started_seen(false) && i < 200; i++)
		nl_wait(t, CAT_SESSION, 10);
	if (t->dev >= 0) {
		map_drop(t, slot);
		t->step = "session mmap";
		/* Once: another thread's start changes it. */
		len = 4096 * (size_t)LLKM_RING_PAGES(ring_size_seen);
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, t->dev, below(r, ncpus) * len);
		count_err(&t->st, CAT_SESSION, p == MAP_FAILED ? errno : 0);
		if (p != MAP_FAILED) {
			t->maps[slot].addr = p;
			t->maps[slot].len = len;
			t->step = "session read";
			map_touch(r, p, len, PROT_READ);
		}
	}
	t->step = "session counter";
	counter_cmd(t, LLKM_CMD_COUNTER_OPEN, NULL, chance(r, 60) ? 1 + below(r, 1000) : 0, r);
	if (t->nids && t->dev >= 0) {
		req.portid = t->portid;
		req.id = t->ids[t->nids - 1];
		req.n = 4;
		req.values = (uintptr_t)v;
		t->step = "session ioctl";
		count_err(&t->st, CAT_SESSION,
			  ioctl(t->dev, LLKM_IOC_COUNTER_READ, &req) ? errno : 0);
	}
	if (t->nids) {
		id = t->ids[below(r, t->nids)];
		counter_cmd(t, chance(r, 50) ? LLKM_CMD_COUNTER_DISABLE :
			    LLKM_CMD_COUNTER_READ, &id, 0, r);
	}
	switch (below(r, 3)) {
	case 0:
		t->step = "session stop";
		msg_init(&stop, LLKM_CMD_TRACE_STOP);
		send_msg(t, CAT_SESSION, &stop);
		break;
	case 1:
		t->step = "session owner gone";
		nl_reopen(t);
		break;
	default:
		break;	/* someone else's stop, or the next start's EBUSY */
	}
}
