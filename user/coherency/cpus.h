/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPUs a probe runs on: --cpus lists, which CPUs are online, and the
 * order that keeps SMT siblings next to each other. Paths are read under
 * a root prefix (lib/rootfs.h) so the tests can pass a fake sysfs.
 */
#ifndef LLCTL_COHERENCY_CPUS_H
#define LLCTL_COHERENCY_CPUS_H

#include <stdbool.h>

/* CPU numbers above this are refused as typos. */
#define COH_CPU_NR_MAX	65535

/* The online CPUs, ascending, into *cpus (malloc'ed): how many, or -1. */
int coh_cpus_online(const char *root, int **cpus);

/*
 * A --cpus LIST ("0-3,8", in any order) into *cpus (malloc'ed), keeping
 * its order: how many, or -1 after saying on stderr what is wrong with it
 * (malformed, a CPU named twice, an offline CPU), quoting @opt.
 */
int coh_cpus_parse(const char *root, const char *list, const char *opt,
		   int **cpus);

/*
 * Sort @cpus by package, core and number, so SMT siblings (same package
 * and core) sit together; CPUs without topology files go last, by number.
 */
void coh_cpus_sort_topology(const char *root, int *cpus, int n);

/* @a and @b are SMT siblings (both known, same package and core). */
bool coh_cpus_siblings(const char *root, int a, int b);

#endif /* LLCTL_COHERENCY_CPUS_H */
