// SPDX-License-Identifier: GPL-2.0
/*
 * probe: a probe run valid for its kind (op, CPU count and param agree),
 * with tiny budgets (or, a tenth of the time, the most samples a run
 * takes), mutated half the time; then, as llctl does, its PROBE_DONE
 * waited for and its samples fetched with a PROBE_GET dump, or the run
 * stopped (PROBE_STOP) or its socket closed while it goes.
 */
#include "core.h"

void fuzz_probe(struct thread *t, struct rng *r)
{
	static __thread struct msg m;
	bool done = false;
	uint32_t id;
	int i;

	msg_init(&m, LLKM_CMD_PROBE_RUN);
	gen_probe(&m, r, t);
	if (chance(r, 50))
		mutate(&m, r, t);
	t->step = "probe";
	send_msg(t, CAT_PROBE, &m);
	id = probe_id_seen(&done);
	if (!id)
		return;
	if (chance(r, 10)) {
		gen_probe_id(&m, r, LLKM_CMD_PROBE_STOP);
		send_msg(t, CAT_PROBE, &m);
	} else if (chance(r, 5)) {
		nl_reopen(t);	/* the run stops with its socket */
		return;
	}
	/* Runs end within their capped timeout and a batch. */
	for (i = 0; !done && i < 2 * TIMEOUT_CAP / 10 + 100; i++) {
		nl_wait(t, CAT_PROBE, 10);
		probe_id_seen(&done);
	}
	gen_probe_id(&m, r, LLKM_CMD_PROBE_GET);
	if (chance(r, 20))
		mutate(&m, r, t);
	t->step = "probe get";
	send_msg(t, CAT_PROBE, &m);
	/* The dump goes on as its messages are read. */
	for (i = 0; i < 4; i++)
		nl_wait(t, CAT_PROBE, 5);
}
