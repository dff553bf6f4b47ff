// SPDX-License-Identifier: GPL-2.0
/*
 * CPU lists a user gives, checked against the CPUs online (lib/cpus.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cpus.h"
#include "lib/rootfs.h"

struct cpu_vec {
	int *v;
	int n, max;
};

static int vec_add(int cpu, void *arg)
{
	struct cpu_vec *c = arg;
	int *v;

	if (c->n == c->max) {
		c->max = c->max ? 2 * c->max : 16;
		v = realloc(c->v, c->max * sizeof(*v));
		if (!v)
			return -1;
		c->v = v;
	}
	c->v[c->n++] = cpu;
	return 0;
}

int llctl_cpus_online(const char *root, int **cpus)
{
	struct cpu_vec c = { 0 };
	char *s;
	int ret;

	*cpus = NULL;
	s = llctl_root_read(root, "sys/devices/system/cpu/online");
	if (!s)
		return -1;
	ret = llctl_cpulist_for_each(s, vec_add, &c);
	free(s);
	if (ret || !c.n) {
		free(c.v);
		return -1;
	}
	*cpus = c.v;
	return c.n;
}

static bool in_list(const int *v, int n, int cpu)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == cpu)
			return true;
	return false;
}

/* "N" into *cpu: 0, or -1 when not a CPU number. */
static int parse_cpu(const char *s, const char *end, int *cpu)
{
	long v = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > LLCTL_CPU_NR_MAX)
			return -1;
	}
	*cpu = (int)v;
	return 0;
}

static int add_checked(struct cpu_vec *c, int cpu, const int *online,
		       int nonline, char *why, size_t len)
{
	if (in_list(c->v, c->n, cpu))
		snprintf(why, len, "CPU %d is named twice", cpu);
	else if (!in_list(online, nonline, cpu))
		snprintf(why, len, "CPU %d is not online (see /sys/devices/system/cpu/online)",
			 cpu);
	else if (vec_add(cpu, c))
		snprintf(why, len, "out of memory");
	else
		return 0;
	return -1;
}

int llctl_cpus_parse(const char *root, const char *list, int **cpus,
		     char *why, size_t len)
{
	struct cpu_vec c = { 0 };
	const char *p = list, *comma, *dash;
	int *online = NULL, nonline, lo, hi, cpu;

	*cpus = NULL;
	nonline = llctl_cpus_online(root, &online);
	if (nonline < 0) {
		snprintf(why, len, "unable to read the online CPUs: %s",
			 strerror(errno ? errno : EINVAL));
		return -1;
	}
	do {
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		dash = memchr(p, '-', comma - p);
		if (parse_cpu(p, dash ? dash : comma, &lo))
			goto malformed;
		hi = lo;
		if (dash && (parse_cpu(dash + 1, comma, &hi) || lo > hi))
			goto malformed;
		for (cpu = lo; cpu <= hi; cpu++)
			if (add_checked(&c, cpu, online, nonline, why, len))
				goto fail;
		p = comma + 1;
	} while (*comma);
	free(online);
	*cpus = c.v;
	return c.n;
malformed:
	snprintf(why, len, "not a CPU list (like 0-3,8; numbers up to %d, ranges ascending)",
		 LLCTL_CPU_NR_MAX);
fail:
	free(online);
	free(c.v);
	return -1;
}
