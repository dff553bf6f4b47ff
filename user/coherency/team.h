/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A probe's threads in userspace: one per CPU, pinned before they run,
 * released together once all of them are in place, and watched: Ctrl-C
 * or the time limit sets the stop flag every spin of the probe core
 * reads, so a run ends within about a second (PROBE_SPIN_TICKS) and still
 * reports what it did.
 */
#ifndef LLCTL_COHERENCY_TEAM_H
#define LLCTL_COHERENCY_TEAM_H

#include <stdbool.h>

#include <linux/llkm.h>

/* Every measurement's bound, as the module's default timeout. */
#define COH_TIME_LIMIT_MS	10000

struct coh_team {
	/* Set by the caller. */
	int n;				/* threads, at most LLKM_PROBE_THREADS_MAX */
	const int *cpus;		/* thread t runs on cpus[t] */
	int (*fn)(struct coh_team *t, int tid);	/* 0, or -1: gave up */
	void *arg;
	const volatile int *user_stop;	/* Ctrl-C; NULL: none */
	unsigned int timeout_ms;	/* 0: COH_TIME_LIMIT_MS */
	/*
	 * What the threads' spins read (the probe core's *stop): written
	 * with __atomic stores, read with READ_ONCE() or __atomic loads.
	 */
	int stop;
	/* The outcome. */
	bool interrupted;		/* *user_stop was set */
	bool timed_out;
	int failed;			/* threads that gave up by themselves */
};

/*
 * Start @t's threads, run fn on each, and wait. 0 when every fn returned
 * 0; -EINTR (Ctrl-C) or -ETIMEDOUT when stopped; -EIO when a thread gave
 * up by itself (its peers are stopped then); or -errno after saying on
 * stderr why the threads could not start (a CPU outside this process's
 * affinity, ...).
 */
int coh_team_run(struct coh_team *t);

/* The CPU @tid runs on, for fn. */
static inline int coh_team_cpu(const struct coh_team *t, int tid)
{
	return t->cpus[tid];
}

#endif /* LLCTL_COHERENCY_TEAM_H */
