/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences llkm meets between 6.1 and 7.x, in one place.
 * Each entry names the change it covers; prefer a feature probe (typeof,
 * a macro the change introduced) to a version number.
 *
 * Differences absorbed without a guard, so that nobody adds one:
 * - tracepoint probes may run preemptible on newer kernels (faultable
 *   syscall tracepoints): trace.c disables preemption around each
 *   reserve..commit on every kernel.
 * - struct file_operations::llseek = no_llseek: no_llseek is gone in 6.12
 *   ("fs: remove no_llseek"); chardev.c relies on nonseekable_open(),
 *   which makes lseek() fail with -ESPIPE on every kernel.
 * - struct nla_policy::range became a const pointer after 6.1 (const in
 *   6.12): genl.c keeps its struct netlink_range_validation non-const,
 *   which both accept.
 * - class_create() lost its module argument in 6.4: llkm registers a misc
 *   device and creates no class.
 */
#ifndef _LLKM_COMPAT_H
#define _LLKM_COMPAT_H

#include <linux/container_of.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/version.h>
#include <net/genetlink.h>

/*
 * struct device::bus is "struct bus_type *" in 6.1 and "const struct
 * bus_type *" in 6.12 and 7.x (driver core bus_type constification);
 * bus_for_each_dev() takes either, so keep whichever this kernel has.
 */
#define llkm_bus_ptr typeof_member(struct device, bus)

/*
 * genl_multicast_group::flags GENL_MCAST_CAP_SYS_ADMIN came in 6.7 and its
 * stable backports ("genetlink: add CAP_NET_ADMIN test for multicast bind"):
 * a kernel without it lets anyone join llkm's events group.
 */
#ifdef GENL_MCAST_CAP_SYS_ADMIN
#define LLKM_MCGRP_CAP_SYS_ADMIN GENL_MCAST_CAP_SYS_ADMIN
#else
#define LLKM_MCGRP_CAP_SYS_ADMIN 0
#endif

/*
 * genl_family::pre_doit is given the command's "struct genl_split_ops"
 * from 6.2 on ("genetlink: introduce split op representation" and the
 * core's switch to it), its "struct genl_ops" before; both carry the op's
 * internal_flags. No macro came with the type: only the version tells.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define llkm_genl_split_ops struct genl_split_ops
#else
#define llkm_genl_split_ops struct genl_ops
#endif

/*
 * vma->vm_flags became const in 6.3 ("mm: introduce vma->vm_flags wrapper
 * functions"): vm_flags_clear() from then on, a plain write before. The
 * wrappers are static inlines, so only the version tells.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define llkm_vm_flags_clear(vma, flags) vm_flags_clear(vma, flags)
#else
static inline void llkm_vm_flags_clear(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* _LLKM_COMPAT_H */
