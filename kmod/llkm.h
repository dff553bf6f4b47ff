/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm: what the parts of the module export to each other. Each part has
 * an init/exit pair called in order by main.c.
 */
#ifndef _LLKM_H
#define _LLKM_H

#include <linux/types.h>
#include <uapi/linux/llkm.h>

struct sk_buff;

/* defaults.c: module parameters, changeable at run time by SET_DEFAULTS */
struct llkm_defaults {
	u32 ring_size;
	u32 ring_mode;
};

void llkm_defaults_get(struct llkm_defaults *d);
void llkm_defaults_set(const struct llkm_defaults *d);
bool llkm_ring_size_valid(u32 size);

/* pmu.c: what perf knows on this kernel */
int llkm_pmu_init(void);
void llkm_pmu_exit(void);
/* Calls @fn for each registered PMU until it returns non-zero. */
int llkm_pmu_for_each(int (*fn)(const char *name, u32 type, void *data),
		      void *data);
u64 llkm_features(void);

/* chardev.c: /dev/llkm */
int llkm_chardev_init(void);
void llkm_chardev_exit(void);

/* genl.c: the "llkm" generic netlink family */
int llkm_genl_init(void);
void llkm_genl_exit(void);

#endif /* _LLKM_H */
