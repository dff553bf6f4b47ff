// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's common core: the run's shared state, set by main.c before
 * the threads start (options, the family, CPUs, PMU types) or learnt by
 * every thread as it runs (ring sizes, port ids), and the errno count.
 * Every interface file calls into it; it calls none of them.
 */
#include "core.h"

/* ---- the run's shared state ------------------------------------------ */

struct opts opt;		/* main.c's parse_opts() sets it */

int family;
int events_group = -1;
int ncpus;
uint32_t pmu_types[32];
int npmu;
uint32_t banned_types[2] = { UINT32_MAX, UINT32_MAX };
int inherited_dev = -1;
_Atomic uint32_t ring_size_seen = 512 * 1024;
_Atomic uint32_t portids[THREADS_MAX];

/* Counts @err (an errno, negative or not; 0 a success) for interface @c. */
void count_err(struct stats *st, enum cat c, int err)
{
	if (err < 0)
		err = -err;
	if (!err)
		st->ok[c]++;
	else
		st->err[c][err < NERR ? err : NERR]++;
}
