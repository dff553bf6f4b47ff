// SPDX-License-Identifier: GPL-2.0
/*
 * probe: a probe run valid for its kind (op, CPU count and param agree),
 * with tiny budgets, mutated half the time.
 */
#include "core.h"

void fuzz_probe(struct thread *t, struct rng *r)
{
	static __thread struct msg m;

	msg_init(&m, LLKM_CMD_PROBE_RUN);
	gen_probe(&m, r, t);
	if (chance(r, 50))
		mutate(&m, r, t);
	t->step = "probe";
	send_msg(t, CAT_PROBE, &m);
}
