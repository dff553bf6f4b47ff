// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/llkm: a misc device, mode 0600, for the data plane (the session's
 * rings are mapped here) and cheap queries by ioctl.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "llkm.h"
#ifdef LLKM_BENCH
#include "bench_ring.h"
#endif

static int llkm_open(struct inode *inode, struct file *file)
{
	if (!perfmon_capable())
		return -EPERM;
	/* misc_open() left the device here: the rings polled go here. */
	file->private_data = NULL;
	return nonseekable_open(inode, file);
}

static int llkm_release(struct inode *inode, struct file *file)
{
	llkm_session_release(file);
	return 0;
}

static long ioctl_info(void __user *arg)
{
	struct llkm_defaults d;
	struct llkm_ioc_info info;

	memset(&info, 0, sizeof(info));
	llkm_defaults_get(&d);
	info.abi = LLKM_ABI_VERSION;
	info.ring_size = d.ring_size;
	info.features = llkm_features();
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Members read into the stack: llctl reads one, a profile group a few. */
#define READ_ON_STACK	8

static long ioctl_counter_read(void __user *arg)
{
	struct llkm_counter_value stack[READ_ON_STACK], *v = stack;
	struct pid *tg = task_tgid(current);
	struct llkm_ioc_counter_read req;
	unsigned int room;
	long ret;
	int n;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad || !req.id)
		return -EINVAL;
	/* The portid is the caller's word: the counter must be its own. */
	room = min_t(u32, req.n, READ_ON_STACK);
	n = llkm_counter_read(req.portid, req.id, tg, v, room);
	if (n > READ_ON_STACK && n <= req.n) {
		/* A group larger than the stack holds: again, allocated. */
		v = kcalloc(n, sizeof(*v), GFP_KERNEL);
		if (!v)
			return -ENOMEM;
		room = n;
		n = llkm_counter_read(req.portid, req.id, tg, v, room);
	}
	if (n < 0) {
		ret = n;
		goto out;
	}
	/* More than the caller has room for: it learns how many. */
	ret = -ENOSPC;
	if (n <= room)
		ret = copy_to_user(u64_to_user_ptr(req.values), v,
				   n * sizeof(*v)) ? -EFAULT : 0;
	/* Its own count back costs a second copy: only when it differs. */
	if (ret != -EFAULT && n != req.n) {
		req.n = n;
		if (copy_to_user(arg, &req, sizeof(req)))
			ret = -EFAULT;
	}
out:
	if (v != stack)
		kfree(v);
	return ret;
}

static long llkm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LLKM_IOC_INFO:
		return ioctl_info((void __user *)arg);
	case LLKM_IOC_COUNTER_READ:
		return ioctl_counter_read((void __user *)arg);
#ifdef LLKM_BENCH
	case LLKM_IOC_BENCH_RING:
		return llkm_bench_ring_ioctl((void __user *)arg);
#endif
	default:
		return -ENOTTY;
	}
}

static int llkm_mmap(struct file *file, struct vm_area_struct *vma)
{
	return llkm_session_mmap(vma);
}

static __poll_t llkm_poll(struct file *file, struct poll_table_struct *wait)
{
	return llkm_session_poll(file, wait);
}

static const struct file_operations llkm_fops = {
	.owner = THIS_MODULE,
	.open = llkm_open,
	.release = llkm_release,
	.mmap = llkm_mmap,
	.poll = llkm_poll,
	.unlocked_ioctl = llkm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice llkm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = LLKM_DEVICE_NAME,
	.fops = &llkm_fops,
	.mode = 0600,
};

int llkm_chardev_init(void)
{
	return misc_register(&llkm_misc);
}

void llkm_chardev_exit(void)
{
	misc_deregister(&llkm_misc);
}
