// SPDX-License-Identifier: GPL-2.0
/*
 * llctl analyze's traced run: llctl trace's session (the rings, the
 * summary of trace/summary.c) on one held command, from its execve to its
 * exit, and the totals the rules read: time in syscalls by name, in futex,
 * in IRQs and softirqs, and the switches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "analyze/analyze.h"
#include "lib/nl.h"
#include "trace/session.h"
#include "trace/summary.h"

static void take(const struct llkm_rec *rec, void *sum)
{
	trace_summary_take(sum, rec);
}

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t sum_ns(struct json_object *arr)
{
	uint64_t ns = 0;
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++)
		ns += json_object_get_int64(json_object_object_get(
			json_object_array_get_idx(arr, i), "total_ns"));
	return ns;
}

/* The totals the rules read, from the summary's JSON. */
static void totals(struct an_trace *t)
{
	struct json_object *sc = json_object_object_get(t->summary, "syscalls");
	struct json_object *sched = json_object_object_get(t->summary, "sched");
	size_t i;

	for (i = 0; sc && i < json_object_array_length(sc); i++) {
		struct json_object *e = json_object_array_get_idx(sc, i);
		const char *name = json_object_get_string(json_object_object_get(e, "name"));
		uint64_t ns = json_object_get_int64(json_object_object_get(e, "total_ns"));

		if (name && !strcmp(name, "futex"))
			t->futex_ns += ns;
		else
			t->syscall_ns += ns;
	}
	t->irq_ns = sum_ns(json_object_object_get(t->summary, "irqs"));
	t->softirq_ns = sum_ns(json_object_object_get(t->summary, "softirqs"));
	t->switches = json_object_get_int64(json_object_object_get(sched, "switches"));
}

static int release_and_wait(pid_t child, int go)
{
	int status = -1;

	if (write(go, "g", 1) != 1)
		kill(child, SIGKILL);
	close(go);
	if (waitpid(child, &status, 0) != child)
		return -1;
	return status;
}

/* Drains the rings until @child exits: its wait status, or -1. */
static int follow(struct trace_session *ts, struct trace_summary *sum,
		  pid_t child)
{
	struct pollfd pfd = { .fd = (int)syscall(SYS_pidfd_open, child, 0),
			      .events = POLLIN };
	int status;

	for (;;) {
		trace_session_drain(ts, take, sum);
		if (waitpid(child, &status, WNOHANG) == child)
			break;
		/* The child's exit or 100 ms, for the rings' tail. */
		poll(&pfd, pfd.fd >= 0 ? 1 : 0, 100);
	}
	if (pfd.fd >= 0)
		close(pfd.fd);
	return status;
}

/* Opens and starts @ts on @nl, or says why not in @t->reason: 0 or -1. */
static int session_begin(struct trace_session *ts, struct llctl_nl *nl,
			 const struct llctl_trace_req *req,
			 struct trace_summary **sum, struct an_trace *t)
{
	int ncpus = trace_session_cpus();

	if (ncpus <= 0) {
		snprintf(t->reason, sizeof(t->reason), "cannot open /dev/%s: no possible CPUs",
			 LLKM_DEVICE_NAME);
		return -1;
	}
	if (trace_session_open(ts, nl))
		goto fail;
	*sum = trace_summary_new(ncpus, req->events, req->pids[0]);
	if (!*sum) {
		snprintf(ts->why, sizeof(ts->why), "start tracing: %s",
			 strerror(ENOMEM));
		goto fail;
	}
	if (trace_session_start(ts, req, ncpus))
		goto fail;
	return 0;
fail:
	snprintf(t->reason, sizeof(t->reason), "cannot %s", ts->why);
	return -1;
}

int an_trace_run(struct llctl_nl *nl, pid_t child, int go, struct an_trace *t)
{
	uint32_t pid = child;
	struct llctl_trace_req req = {
		.events = LLKM_TRACE_EV_ALL, .pids = &pid, .n_pids = 1,
		.follow_fork = 1, .ring_mode = -1,
	};
	struct trace_session ts = TRACE_SESSION_INIT;
	struct trace_ring_totals tot = { 0 };
	struct trace_summary *sum = NULL;
	int status;
	double t0, start = mono_ns();	/* every record comes later */

	memset(t, 0, sizeof(*t));
	if (session_begin(&ts, nl, &req, &sum, t)) {
		status = release_and_wait(child, go);
		goto out;
	}
	t0 = mono_ns();
	if (write(go, "g", 1) != 1)
		kill(child, SIGKILL);
	close(go);
	status = follow(&ts, sum, child);
	t->wall_ns = mono_ns() - t0;
	trace_session_stop(&ts);
	trace_summary_wall(sum, (uint64_t)(mono_ns() - start));
	/* Unreadable counts leave them zero, as the summary then says. */
	trace_session_finish(&ts, take, sum, &tot);
	t->produced = tot.produced;
	t->lost = tot.lost;
	t->summary = trace_summary_json(sum, &tot);
	totals(t);
	t->done = true;
out:
	trace_session_close(&ts);
	trace_summary_free(sum);
	return status;
}

void an_trace_free(struct an_trace *t)
{
	json_object_put(t->summary);
	t->summary = NULL;
}
