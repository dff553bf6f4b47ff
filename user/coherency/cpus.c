// SPDX-License-Identifier: GPL-2.0
/*
 * CPU topology from sysfs, for the probes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coherency/cpus.h"
#include "lib/rootfs.h"
#include "lib/util.h"

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
