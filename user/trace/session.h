/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trace session from start to stop, for every command that records
 * into llkm's per-CPU rings (llctl trace, record, analyze, metrics
 * --trace): /dev/llkm opened, LLKM_CMD_TRACE_START through the caller's
 * netlink socket, the ring of every CPU that has one mapped in place
 * (trace/rings.h); drained while it runs; stopped, drained to its end
 * and its counts checked.
 *
 * The module has one trace session at a time: a second start is refused
 * with EBUSY. A step that fails leaves "VERB OBJECT: reason" in @why for
 * the caller to say ("Unable to %s") or to keep (analyze's reason).
 */
#ifndef LLCTL_TRACE_SESSION_H
#define LLCTL_TRACE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/nl.h"
#include "trace/rings.h"
#include "trace/summary.h"

struct trace_session {
	struct llctl_nl *nl;
	int dev;			/* /dev/llkm O_RDWR, or -1 */
	bool started;			/* a stop is owed to the module */
	uint32_t mode;			/* LLKM_RING_MODE_* the module chose */
	uint32_t excluded;		/* the request's exclude */
	struct trace_rings rs;
	struct llctl_cpu_stats *st;	/* rs.n of them, for the counts */
	char why[320];
};

#define TRACE_SESSION_INIT	{ .dev = -1 }

/* The possible CPUs, each with a ring once online: how many, or -1. */
int trace_session_cpus(void);

/*
 * Opens /dev/llkm for a session on @nl: 0, or -errno and @why. This is
 * where a user without the privilege is refused, with what to do.
 */
int trace_session_open(struct trace_session *s, struct llctl_nl *nl);

/*
 * Starts the session of @req, waits for the module to set its rings up
 * (LLKM_CMD_TRACE_STARTED, seconds at most for the largest; a Ctrl-C
 * meanwhile is the caller's to see after) and maps @ncpus rings: 0, or
 * -errno and @why (nothing left running).
 */
int trace_session_start(struct trace_session *s,
			const struct llctl_trace_req *req, int ncpus);

/* Hands every published record to @fn, oldest first: how many. */
long trace_session_drain(struct trace_session *s,
			 void (*fn)(const struct llkm_rec *rec, void *arg),
			 void *arg);

/*
 * The module's produced and lost records, summed over the CPUs, and the
 * records delivered so far: 0, or -errno (@tot left zero).
 */
int trace_session_counts(struct trace_session *s,
			 struct trace_ring_totals *tot);

/* LLKM_CMD_TRACE_STOP: 0, or -errno when it had stopped already. */
int trace_session_stop(struct trace_session *s);

/*
 * After the stop: the rings' tail to @fn, then the counts into @tot. Says
 * so when produced != delivered + lost, a record neither handed over nor
 * counted lost. 0, or -errno when the counts cannot be read.
 */
int trace_session_finish(struct trace_session *s,
			 void (*fn)(const struct llkm_rec *rec, void *arg),
			 void *arg, struct trace_ring_totals *tot);

/* Stops the session if it still runs, unmaps the rings, closes the device. */
void trace_session_close(struct trace_session *s);

#endif /* LLCTL_TRACE_SESSION_H */
