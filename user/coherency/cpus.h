/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The order of the CPUs a probe runs on that keeps SMT siblings next to
 * each other (the lists themselves: lib/cpus.h). Paths are read under a
 * root prefix (lib/rootfs.h) so the tests can pass a fake sysfs.
 */
#ifndef LLCTL_COHERENCY_CPUS_H
#define LLCTL_COHERENCY_CPUS_H

#include <stdbool.h>

/*
 * Sort @cpus by package, core and number, so SMT siblings (same package
 * and core) sit together; CPUs without topology files go last, by number.
 */
void coh_cpus_sort_topology(const char *root, int *cpus, int n);

/* @a and @b are SMT siblings (both known, same package and core). */
bool coh_cpus_siblings(const char *root, int a, int b);

#endif /* LLCTL_COHERENCY_CPUS_H */
