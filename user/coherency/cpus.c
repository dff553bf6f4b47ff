// SPDX-License-Identifier: GPL-2.0
/*
 * CPU lists and topology from sysfs, for the probes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coherency/cpus.h"
#include "lib/rootfs.h"
#include "lib/util.h"

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

int coh_cpus_online(const char *root, int **cpus)
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
		if (v > COH_CPU_NR_MAX)
			return -1;
	}
	*cpu = (int)v;
	return 0;
}

static int add_checked(struct cpu_vec *c, int cpu, const int *online,
		       int nonline, const char *list, const char *opt)
{
	if (in_list(c->v, c->n, cpu)) {
		llctl_err("Unable to use %s '%s': CPU %d is named twice",
			  opt, list, cpu);
		return -1;
	}
	if (!in_list(online, nonline, cpu)) {
		llctl_err("Unable to use %s '%s': CPU %d is not online (see /sys/devices/system/cpu/online)",
			  opt, list, cpu);
		return -1;
	}
	if (vec_add(cpu, c)) {
		llctl_err("Unable to use %s '%s': out of memory", opt, list);
		return -1;
	}
	return 0;
}

int coh_cpus_parse(const char *root, const char *list, const char *opt,
		   int **cpus)
{
	struct cpu_vec c = { 0 };
	const char *p = list, *comma, *dash;
	int *online = NULL, nonline, lo, hi, cpu;

	*cpus = NULL;
	nonline = coh_cpus_online(root, &online);
	if (nonline < 0) {
		llctl_err("Unable to read the online CPUs: %s",
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
			if (add_checked(&c, cpu, online, nonline, list, opt))
				goto fail;
		p = comma + 1;
	} while (*comma);
	free(online);
	*cpus = c.v;
	return c.n;
malformed:
	llctl_err("Unable to use %s '%s': not a CPU list (like 0-3,8; numbers up to %d, ranges ascending)",
		  opt, list, COH_CPU_NR_MAX);
fail:
	free(online);
	free(c.v);
	return -1;
}

struct cpu_key {
	int cpu;
	long package, core;	/* -1: unknown */
};

static long topo(const char *root, int cpu, const char *file)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/%s",
		 cpu, file);
	return llctl_root_read_int(root, path, &v) ? -1 : v;
}

static int cmp_key(const void *a, const void *b)
{
	const struct cpu_key *x = a, *y = b;
	bool xk = x->package >= 0 && x->core >= 0;
	bool yk = y->package >= 0 && y->core >= 0;

	if (xk != yk)
		return xk ? -1 : 1;
	if (xk && x->package != y->package)
		return x->package < y->package ? -1 : 1;
	if (xk && x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

void coh_cpus_sort_topology(const char *root, int *cpus, int n)
{
	struct cpu_key *k = calloc(n ? n : 1, sizeof(*k));
	int i;

	if (!k)
		return;		/* keep the given order */
	for (i = 0; i < n; i++) {
		k[i].cpu = cpus[i];
		k[i].package = topo(root, cpus[i], "physical_package_id");
		k[i].core = topo(root, cpus[i], "core_id");
	}
	qsort(k, n, sizeof(*k), cmp_key);
	for (i = 0; i < n; i++)
		cpus[i] = k[i].cpu;
	free(k);
}

bool coh_cpus_siblings(const char *root, int a, int b)
{
	long pa = topo(root, a, "physical_package_id");
	long ca = topo(root, a, "core_id");

	return a != b && pa >= 0 && ca >= 0 &&
	       pa == topo(root, b, "physical_package_id") &&
	       ca == topo(root, b, "core_id");
}
