// SPDX-License-Identifier: GPL-2.0
/*
 * llctl analyze's traced run: llctl trace's session (the rings, the
 * summary of trace/summary.c) on one held command, from its execve to its
 * exit, and the totals the rules read: time in syscalls by name, in futex,
 * in IRQs and softirqs, and the switches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "lib/rootfs.h"
#include "trace/rings.h"
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
static int follow(struct trace_rings *rs, struct trace_summary *sum,
		  pid_t child)
{
	struct pollfd pfd = { .fd = (int)syscall(SYS_pidfd_open, child, 0),
			      .events = POLLIN };
	int status;

	for (;;) {
		trace_rings_drain(rs, take, sum);
		if (waitpid(child, &status, WNOHANG) == child)
			break;
		/* The child's exit or 100 ms, for the rings' tail. */
		poll(&pfd, pfd.fd >= 0 ? 1 : 0, 100);
	}
	if (pfd.fd >= 0)
		close(pfd.fd);
	return status;
}

int an_trace_run(struct llctl_nl *nl, pid_t child, int go, struct an_trace *t)
{
	uint32_t pid = child, size, mode;
	struct llctl_trace_req req = {
		.events = LLKM_TRACE_EV_ALL, .pids = &pid, .n_pids = 1,
		.follow_fork = 1, .ring_mode = -1,
	};
	struct llctl_cpu_stats *st = NULL;
	struct trace_ring_totals tot = { 0 };
	struct trace_rings rs = { 0 };
	struct trace_summary *sum = NULL;
	char *possible;
	int ncpus, dev, ret, i, status = -1;
	double t0;

	memset(t, 0, sizeof(*t));
	possible = llctl_root_read(NULL, "sys/devices/system/cpu/possible");
	ncpus = possible ? llctl_cpulist_count(possible) : -1;
	free(possible);
	dev = open("/dev/" LLKM_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (ncpus <= 0 || dev < 0) {
		snprintf(t->reason, sizeof(t->reason), "cannot open /dev/%s: %s",
			 LLKM_DEVICE_NAME, ncpus <= 0 ? "no possible CPUs" :
			 strerror(errno));
		goto untraced;
	}
	sum = trace_summary_new(ncpus, req.events, child);
	st = calloc(ncpus, sizeof(*st));
	ret = sum && st ? llctl_nl_trace_start(nl, &req, &size, &mode) : -ENOMEM;
	if (ret) {
		snprintf(t->reason, sizeof(t->reason), "cannot start tracing: %s",
			 ret == -EBUSY ? "another trace session is running" :
			 llctl_nl_strerror(ret));
		goto untraced;
	}
	ret = trace_rings_map(&rs, dev, ncpus, size, mode);
	if (ret) {
		snprintf(t->reason, sizeof(t->reason), "cannot map the rings: %s",
			 strerror(-ret));
		llctl_nl_trace_stop(nl);
		goto untraced;
	}
	t0 = mono_ns();
	if (write(go, "g", 1) != 1)
		kill(child, SIGKILL);
	close(go);
	status = follow(&rs, sum, child);
	t->wall_ns = mono_ns() - t0;
	llctl_nl_trace_stop(nl);
	trace_rings_drain(&rs, take, sum);
	ret = llctl_nl_trace_stats(nl, st, ncpus);
	for (i = 0; i < ret; i++) {
		tot.produced += st[i].produced;
		tot.lost += st[i].lost;
	}
	tot.delivered = rs.delivered;
	t->produced = tot.produced;
	t->lost = tot.lost;
	t->summary = trace_summary_json(sum, &tot);
	totals(t);
	t->done = true;
	trace_rings_unmap(&rs);
	goto out;
untraced:
	status = release_and_wait(child, go);
out:
	if (dev >= 0)
		close(dev);
	trace_summary_free(sum);
	free(st);
	return status;
}

void an_trace_free(struct an_trace *t)
{
	json_object_put(t->summary);
	t->summary = NULL;
}
