/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences llkm meets between 6.1 and 7.x, in one place.
 * Each entry names the change it covers; prefer a feature probe (typeof,
 * a macro the change introduced) to a version number.
 *
 * Differences absorbed without a guard, so that nobody adds one:
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

/*
 * struct device::bus is "struct bus_type *" in 6.1 and "const struct
 * bus_type *" in 6.12 and 7.x (driver core bus_type constification);
 * bus_for_each_dev() takes either, so keep whichever this kernel has.
 */
#define llkm_bus_ptr typeof_member(struct device, bus)

#endif /* _LLKM_COMPAT_H */
