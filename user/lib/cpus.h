/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU lists a user gives (--cpus 0-3,8, -C): parsed and checked against
 * the CPUs online, read under a root prefix (lib/rootfs.h) so tests can
 * pass a fake sysfs.
 */
#ifndef LLCTL_LIB_CPUS_H
#define LLCTL_LIB_CPUS_H

#include <stddef.h>

/* CPU numbers above this are refused as typos. */
#define LLCTL_CPU_NR_MAX	65535

/* The online CPUs, ascending, into *cpus (malloc'ed): how many, or -1. */
int llctl_cpus_online(const char *root, int **cpus);

/*
 * A CPU LIST ("0-3,8", in any order) into *cpus (malloc'ed), keeping its
 * order: how many, or -1 with what is wrong with it in @why (malformed,
 * a CPU named twice, an offline CPU).
 */
int llctl_cpus_parse(const char *root, const char *list, int **cpus,
		     char *why, size_t len);

#endif /* LLCTL_LIB_CPUS_H */
