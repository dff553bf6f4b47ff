// SPDX-License-Identifier: GPL-2.0
/*
 * Defaults for new sessions: module parameters at load time, changed later
 * by LLKM_CMD_SET_DEFAULTS. The parameters' own lock (kernel_param_lock)
 * guards them, so sysfs readers and netlink writers see a consistent pair.
 */

#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/string.h>

#include "llkm.h"

static unsigned int ring_size = 512 * 1024;
static unsigned int ring_mode = LLKM_RING_MODE_DISCARD;

static const char * const ring_mode_names[] = {
	[LLKM_RING_MODE_DISCARD] = "discard",
	[LLKM_RING_MODE_OVERWRITE] = "overwrite",
};

bool llkm_ring_size_valid(u32 size)
{
	return is_power_of_2(size) && size >= LLKM_RING_SIZE_MIN &&
	       size <= LLKM_RING_SIZE_MAX;
}

static int ring_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int size;
	int ret;

	ret = kstrtouint(val, 0, &size);
	if (ret)
		return ret;
	if (!llkm_ring_size_valid(size)) {
		pr_err("ring_size=%u: must be a power of two in [%u, %u]\n",
		       size, LLKM_RING_SIZE_MIN, LLKM_RING_SIZE_MAX);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = size;
	return 0;
}

static const struct kernel_param_ops ring_size_ops = {
	.set = ring_size_set,
	.get = param_get_uint,
};

module_param_cb(ring_size, &ring_size_ops, &ring_size, 0444);
MODULE_PARM_DESC(ring_size,
		 "Default ring buffer bytes per CPU, a power of two in [4096, 268435456] (default 524288)");

static int ring_mode_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(ring_mode_names, val);

	if (i < 0) {
		pr_err("ring_mode=%s: must be 'discard' or 'overwrite'\n", val);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = i;
	return 0;
}

static int ring_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  ring_mode_names[*(unsigned int *)kp->arg]);
}

static const struct kernel_param_ops ring_mode_ops = {
	.set = ring_mode_set,
	.get = ring_mode_get,
};

module_param_cb(ring_mode, &ring_mode_ops, &ring_mode, 0444);
MODULE_PARM_DESC(ring_mode,
		 "What a full ring does: 'discard' new records or 'overwrite' old ones, counting them either way (default discard)");

void llkm_defaults_get(struct llkm_defaults *d)
{
	kernel_param_lock(THIS_MODULE);
	d->ring_size = ring_size;
	d->ring_mode = ring_mode;
	kernel_param_unlock(THIS_MODULE);
}

void llkm_defaults_set(const struct llkm_defaults *d)
{
	kernel_param_lock(THIS_MODULE);
	ring_size = d->ring_size;
	ring_mode = d->ring_mode;
	kernel_param_unlock(THIS_MODULE);
}
