// SPDX-License-Identifier: GPL-2.0
/*
 * The generic hardware events that open on this machine, for
 * "hardware_counters: all": each PERF_TYPE_HARDWARE event perf names is
 * opened for this process (user space only, disabled, closed at once), as
 * 'perf stat -e' would open it. A machine without a PMU (a TCG guest) or
 * with perf_event_paranoid too high opens none, and the first answer says
 * which.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "config/config.h"

/* perf's names, as llctl profile -e takes them. */
static const struct {
	const char *name;
	unsigned long long config;
} hw[] = {
	{ "cycles", PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled-cycles-frontend", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref-cycles", PERF_COUNT_HW_REF_CPU_CYCLES },
};

static int open_hw(const struct cfg_ctx *ctx, unsigned long long config)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = config,
		.disabled = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	int fd;

	(void)ctx;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int cfg_hw_events(const struct cfg_ctx *ctx, char *buf, size_t size,
		  char *why, size_t whylen)
{
	int (*op)(const struct cfg_ctx *, unsigned long long) =
		ctx && ctx->event_open ? ctx->event_open : open_hw;
	size_t len = 0, i, fi = 0;
	int n = 0, r, first = 0;

	buf[0] = '\0';
	why[0] = '\0';
	for (i = 0; i < sizeof(hw) / sizeof(hw[0]); i++) {
		r = op(ctx, hw[i].config);
		if (r) {
			if (!first) {
				first = r;
				fi = i;
			}
			continue;
		}
		if (len + strlen(hw[i].name) + 2 > size)
			break;
		len += snprintf(buf + len, size - len, "%s%s", n ? "," : "",
				hw[i].name);
		n++;
	}
	if (!n)
		snprintf(why, whylen, "perf_event_open of %s: %s%s", hw[fi].name,
			 strerror(-first),
			 first == -ENOENT || first == -EOPNOTSUPP ?
			 ": no hardware PMU (a virtual machine without one?)" :
			 first == -EACCES || first == -EPERM ?
			 ": see kernel.perf_event_paranoid" : "");
	return n;
}
