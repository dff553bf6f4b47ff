// SPDX-License-Identifier: GPL-2.0
/*
 * One trace session's life, shared by every command that traces: the
 * device, the start request, the rings, and the counts at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/rootfs.h"
#include "lib/util.h"
#include "trace/session.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

int trace_session_cpus(void)
{
	char *possible = llctl_root_read(NULL, "sys/devices/system/cpu/possible");
	int n = possible ? llctl_cpulist_count(possible) : -1;

	free(possible);
	return n;
}

/*
 * The records' layout is the ABI's (ABI 6 added the entries' paths): a
 * module of another ABI is refused, never misread. 0, or -EPROTO said.
 */
static int abi_check(struct trace_session *s)
{
	struct llkm_ioc_info info = { 0 };
	int err = ioctl(s->dev, LLKM_IOC_INFO, &info) ? errno : 0;

	if (!err && info.abi == LLKM_ABI_VERSION)
		return 0;
	if (err)
		snprintf(s->why, sizeof(s->why),
			 "read llkm's records: the module does not say its ABI (LLKM_IOC_INFO: %s), llctl was built for ABI %d: reload the matching module",
			 strerror(err), LLKM_ABI_VERSION);
	else
		snprintf(s->why, sizeof(s->why),
			 "read llkm's records: the module speaks ABI %u, llctl was built for ABI %d: rebuild llctl or reload the matching module",
			 info.abi, LLKM_ABI_VERSION);
	close(s->dev);
	s->dev = -1;
	return -EPROTO;
}

int trace_session_open(struct trace_session *s, struct llctl_nl *nl)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->nl = nl;
	s->dev = open("/dev/" LLKM_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (s->dev >= 0)
		return abi_check(s);
	err = errno;
	/* The one privilege hint, the same as a refused netlink request's. */
	snprintf(s->why, sizeof(s->why), "open /dev/%s: %s", LLKM_DEVICE_NAME,
		 err == EACCES || err == EPERM ? llctl_nl_strerror(-err) :
		 strerror(err));
	return -err;
}

static const char *start_strerror(int err)
{
	switch (err) {
	case -EBUSY:
		return "another trace session is running or being set up (llctl trace?)";
	case -ETIMEDOUT:
		return "the module did not set the rings up within " STR(LLCTL_TRACE_START_TIMEOUT_S) " s";
	}
	return llctl_nl_strerror(err);
}

static void start_failed(struct trace_session *s, int err)
{
	const char *extack = llctl_nl_last_extack();

	/* -EBUSY's extack says what start_strerror() does. */
	if (err == -EBUSY)
		extack = NULL;
	snprintf(s->why, sizeof(s->why), "start tracing: %s%s%s%s",
		 start_strerror(err), extack ? ": " : "", extack ? extack : "",
		 err == -E2BIG ? "; lower --buffer-size" : "");
}

int trace_session_start(struct trace_session *s,
			const struct llctl_trace_req *req, int ncpus)
{
	uint32_t size;
	int err;

	s->st = ncpus > 0 ? calloc(ncpus, sizeof(*s->st)) : NULL;
	if (!s->st) {
		snprintf(s->why, sizeof(s->why), "start tracing: %s",
			 strerror(ENOMEM));
		return -ENOMEM;
	}
	/* The module sets the rings up after the request's ack: wait for it. */
	err = llctl_nl_trace_start(s->nl, req, &size, &s->mode);
	s->excluded = req->exclude;
	if (err) {
		start_failed(s, err);
		return err;
	}
	s->started = true;
	err = trace_rings_map(&s->rs, s->dev, ncpus, size, s->mode);
	if (err) {
		snprintf(s->why, sizeof(s->why), "map the rings: %s",
			 strerror(-err));
		trace_session_stop(s);
		return err;
	}
	return 0;
}

long trace_session_drain(struct trace_session *s,
			 void (*fn)(const struct llkm_rec *rec, void *arg),
			 void *arg)
{
	return trace_rings_drain(&s->rs, fn, arg);
}

int trace_session_counts(struct trace_session *s,
			 struct trace_ring_totals *tot)
{
	uint64_t compat;
	int i, n = llctl_nl_trace_stats(s->nl, s->st, s->rs.n, &compat);

	memset(tot, 0, sizeof(*tot));
	tot->compat = n < 0 ? 0 : compat;
	for (i = 0; i < n; i++) {
		tot->produced += s->st[i].produced;
		tot->lost += s->st[i].lost;
	}
	tot->delivered = s->rs.delivered;
	tot->self = s->excluded;
	return n < 0 ? n : 0;
}

int trace_session_stop(struct trace_session *s)
{
	s->started = false;
	return llctl_nl_trace_stop(s->nl);
}

int trace_session_finish(struct trace_session *s,
			 void (*fn)(const struct llkm_rec *rec, void *arg),
			 void *arg, struct trace_ring_totals *tot)
{
	int err;

	/* A CPU onlined in the last second: its ring too. */
	trace_rings_rescan(&s->rs);
	trace_rings_drain(&s->rs, fn, arg);
	err = trace_session_counts(s, tot);
	if (err)
		return err;
	if (tot->produced != tot->delivered + tot->lost)
		llctl_err("warning: produced %" PRIu64 " != delivered %" PRIu64 " + lost %" PRIu64,
			  tot->produced, tot->delivered, tot->lost);
	return 0;
}

void trace_session_close(struct trace_session *s)
{
	if (s->started)
		trace_session_stop(s);
	if (s->rs.ring)
		trace_rings_unmap(&s->rs);
	if (s->dev >= 0)
		close(s->dev);
	s->dev = -1;
	free(s->st);
	s->st = NULL;
}
