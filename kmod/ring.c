// SPDX-License-Identifier: GPL-2.0
/*
 * A session's rings: one per possible CPU, its pages, the kernel's mapping
 * of them and userspace's (mmap on /dev/llkm). The ring protocol itself is
 * in ring_core.h.
 *
 * Each CPU's ring is 2 + 2 * n pages in one vmap(): the consumer page, the
 * producer page, then the n data pages twice, so a record that wraps is
 * contiguous for the producer here and for the consumer in its mapping.
 *
 * Wake-ups: a commit that leaves a ring with its watermark of unread bytes
 * queues the ring's irq_work, which wakes pollers from a context where
 * that is safe (a producer may run in NMI, or in sched_switch under the
 * runqueue lock). The wait queue is the module's, so a poller never
 * outlives it.
 *
 * Lifetime: the set is referenced by the session while it runs and by
 * every VMA that maps it, so a consumer can drain its rings after the
 * session stopped; the last reference frees the pages.
 */

#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/poll.h>
#include <linux/wait.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "llkm.h"
#include "ring.h"

struct llkm_cpu_ring {
	struct llkm_ring core;
	struct irq_work wake;	/* producers' wake-up, safe in any context */
	u32 watermark;		/* bytes unread that wake the consumer */
	void *area;		/* the vmap() of pages */
	unsigned int nr_pages;	/* 2 + 2 * data pages, as mapped */
	struct page *pages[];	/* 2 + data pages, each once */
};

struct llkm_rings {
	struct kref ref;
	u32 size;
	u32 mode;
	unsigned int nr;	/* nr_cpu_ids */
	struct llkm_cpu_ring *cpu[];
};

static DECLARE_WAIT_QUEUE_HEAD(rings_wq);

static void ring_wake(struct irq_work *work)
{
	wake_up_interruptible(&rings_wq);
}

static void cpu_ring_free(struct llkm_cpu_ring *cr)
{
	unsigned int i, n;

	if (!cr)
		return;
	irq_work_sync(&cr->wake);
	vunmap(cr->area);
	n = 2 + (cr->nr_pages - 2) / 2;
	for (i = 0; i < n; i++)
		if (cr->pages[i])
			__free_page(cr->pages[i]);
	kfree(cr);
}

static struct llkm_cpu_ring *cpu_ring_alloc(int cpu, u32 size, u32 mode,
					    u32 watermark)
{
	unsigned int data = size >> PAGE_SHIFT, n = 2 + data, i;
	struct llkm_cpu_ring *cr;
	struct page **map;

	cr = kzalloc_node(struct_size(cr, pages, n), GFP_KERNEL, cpu_to_node(cpu));
	if (!cr)
		return NULL;
	cr->nr_pages = 2 + 2 * data;
	cr->watermark = watermark;
	init_irq_work(&cr->wake, ring_wake);
	map = kmalloc_array(cr->nr_pages, sizeof(*map), GFP_KERNEL);
	if (!map)
		goto err;
	for (i = 0; i < n; i++) {
		cr->pages[i] = alloc_pages_node(cpu_to_node(cpu),
						GFP_KERNEL | __GFP_ZERO, 0);
		if (!cr->pages[i])
			goto err;
	}
	for (i = 0; i < cr->nr_pages; i++)
		map[i] = cr->pages[i < n ? i : i - data];
	cr->area = vmap(map, cr->nr_pages, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	kfree(map);
	map = NULL;
	if (!cr->area)
		goto err;

	cr->core.cons = cr->area;
	cr->core.prod = cr->area + PAGE_SIZE;
	cr->core.data = cr->area + 2 * PAGE_SIZE;
	cr->core.mask = size - 1;
	cr->core.mode = mode;
	cr->core.cpu = cpu;
	cr->core.prod->size = size;
	cr->core.prod->mode = mode;
	cr->core.prod->cpu = cpu;
	return cr;
err:
	kfree(map);
	cpu_ring_free(cr);
	return NULL;
}

struct llkm_rings *llkm_rings_alloc(u32 size, u32 mode, u32 watermark)
{
	struct llkm_rings *rs;
	int cpu;

	BUILD_BUG_ON(PAGE_SIZE != LLKM_RING_PAGE);
	if (!llkm_ring_size_valid(size) || mode > LLKM_RING_MODE_MAX ||
	    watermark > size)
		return ERR_PTR(-EINVAL);
	rs = kzalloc(struct_size(rs, cpu, nr_cpu_ids), GFP_KERNEL);
	if (!rs)
		return ERR_PTR(-ENOMEM);
	kref_init(&rs->ref);
	rs->size = size;
	rs->mode = mode;
	rs->nr = nr_cpu_ids;
	/* Every possible CPU: one that comes online mid-session produces. */
	for_each_possible_cpu(cpu) {
		rs->cpu[cpu] = cpu_ring_alloc(cpu, size, mode,
					      watermark ? watermark : size / 2);
		if (!rs->cpu[cpu]) {
			llkm_rings_put(rs);
			return ERR_PTR(-ENOMEM);
		}
	}
	return rs;
}

static void rings_release(struct kref *ref)
{
	struct llkm_rings *rs = container_of(ref, struct llkm_rings, ref);
	unsigned int i;

	for (i = 0; i < rs->nr; i++)
		cpu_ring_free(rs->cpu[i]);
	kfree(rs);
}

void llkm_rings_get(struct llkm_rings *rs)
{
	kref_get(&rs->ref);
}

void llkm_rings_put(struct llkm_rings *rs)
{
	if (rs)
		kref_put(&rs->ref, rings_release);
}

struct llkm_ring *llkm_rings_cpu(struct llkm_rings *rs, int cpu)
{
	return rs->cpu[cpu] ? &rs->cpu[cpu]->core : NULL;
}

/*
 * Unread bytes, for wake-ups only: plain reads, as a stale value only
 * moves a wake-up a little; nothing is read or written on its strength.
 */
static unsigned long ring_unread(struct llkm_ring *ring)
{
	return READ_ONCE(ring->prod->producer_pos) -
	       READ_ONCE(ring->cons->consumer_pos);
}

/* A producer's commit: publish, then wake the consumer at the watermark. */
void llkm_rings_commit(struct llkm_ring *ring)
{
	struct llkm_cpu_ring *cr = container_of(ring, struct llkm_cpu_ring, core);

	llkm_ring_commit(ring);
	/* Already queued is a cheap no-op: no per-record wake-up. */
	if (ring_unread(ring) >= cr->watermark)
		irq_work_queue(&cr->wake);
}

bool llkm_rings_readable(struct llkm_rings *rs)
{
	unsigned int i;

	for (i = 0; i < rs->nr; i++)
		if (rs->cpu[i] && ring_unread(&rs->cpu[i]->core) >= rs->cpu[i]->watermark)
			return true;
	return false;
}

void llkm_rings_poll_wait(struct file *file, poll_table *wait)
{
	poll_wait(file, &rings_wq, wait);
}

void llkm_rings_wake_all(void)
{
	wake_up_interruptible(&rings_wq);
}

static void rings_vm_open(struct vm_area_struct *vma)
{
	llkm_rings_get(vma->vm_private_data);
}

static void rings_vm_close(struct vm_area_struct *vma)
{
	llkm_rings_put(vma->vm_private_data);
}

static const struct vm_operations_struct rings_vm_ops = {
	.open = rings_vm_open,
	.close = rings_vm_close,
};

/*
 * Maps part of one CPU's ring: the consumer page alone may be writable,
 * and only by a @writer (the session's owner: consumer_pos drives the
 * producer's reclaim); everything else is read-only for good (no
 * mprotect() to write later).
 */
int llkm_rings_mmap(struct llkm_rings *rs, struct vm_area_struct *vma,
		    bool writer)
{
	unsigned long pages = vma_pages(vma), stride, cpu, first;
	struct llkm_cpu_ring *cr;
	int ret;

	stride = LLKM_RING_PAGES(rs->size);
	cpu = vma->vm_pgoff / stride;
	first = vma->vm_pgoff % stride;
	if (cpu >= rs->nr || !rs->cpu[cpu] || first + pages > stride)
		return -EINVAL;
	if (first == 0 && pages == 1 && writer) {
		/* A private copy would never reach the producer. */
		if ((vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED))
			return -EINVAL;
	} else {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		llkm_vm_flags_clear(vma, VM_MAYWRITE);
	}
	cr = rs->cpu[cpu];
	/* Also sets VM_DONTEXPAND | VM_DONTDUMP. */
	ret = remap_vmalloc_range(vma, cr->area, first);
	if (ret)
		return ret;
	vma->vm_private_data = rs;
	vma->vm_ops = &rings_vm_ops;
	llkm_rings_get(rs);
	return 0;
}
