// SPDX-License-Identifier: GPL-2.0
/*
 * A session's rings: one per CPU that was online while the session ran,
 * its pages, the kernel's mapping of them and userspace's (mmap on
 * /dev/llkm). The ring protocol itself is in ring_core.h.
 *
 * Allocation. As ftrace's ring buffer: only the online CPUs get a ring at
 * the start (allocated with no hotplug lock held, rings_prealloc()), and a
 * CPU that comes online while the session runs gets its
 * own in a CPU hotplug "prepare" callback (a multi-instance state, the
 * running set its one instance), before it runs anything, so no producer
 * ever finds its CPU without a ring; when that allocation fails the CPU
 * stays offline (-ENOMEM to whoever onlined it). A CPU that goes offline
 * keeps its ring and what it holds. As bpf's ringbuf: pages come with
 * __GFP_RETRY_MAYFAIL | __GFP_NOWARN (a failure, never the OOM killer)
 * and __GFP_ACCOUNT (charged to the memory cgroup of the task that
 * allocates: the starter at the start, the task that onlines a CPU for
 * its ring), and the arrays are kvmalloc()ed, so nothing needs more than
 * order-0 pages. The session's rings together are capped
 * at a quarter of RAM (llkm_rings_fit()), checked against the CPUs online
 * at the start, before anything is allocated, and again for each CPU that
 * comes up: one whose ring would exceed the cap stays offline (-ENOMEM,
 * and a line in the kernel log that says why).
 *
 * Producers reach their CPU's ring through the set's __percpu pointer
 * (this_cpu_ptr(), ring.h): its header, counters and wake-up state are
 * in that CPU's per-CPU area, its pages in a struct llkm_ring_mem.
 *
 * Each CPU's ring is 2 + 2 * n pages in one vmap(): the consumer page, the
 * producer page, then the n data pages twice, so a record that wraps is
 * contiguous for the producer here and for the consumer in its mapping.
 *
 * Wake-ups are edge-triggered, as perf's (rb->wakeup, rb->poll): in discard
 * mode a commit queues the ring's irq_work once a watermark of bytes has
 * been published since the last wake-up, and a reserve that finds no room
 * queues it once per position of a full ring (its head stands still), so a
 * ring that holds its watermark costs one irq_work per watermark of bytes,
 * never one per record. The irq_work is not lazy: a lazy one runs up to a
 * tick late, and a discard-mode reader woken that late lost records that
 * an interrupt's wake-up let it keep (trace_test's discard test, 10^4 of
 * 2 x 10^5). It wakes the set's own wait queue from a context where that
 * is safe (a producer may run in NMI, or in sched_switch under the
 * runqueue lock). Overwrite mode is a flight recorder, read after the
 * stop: no wake-up and no readiness until then.
 *
 * No lost wake-up: a poller sleeps only when every ring holds less than its
 * watermark, and the next wake-up is due at most a watermark past what it
 * saw published, or sooner when the ring fills. No barrier is needed on
 * the producer's side: the decision reads only what this CPU wrote.
 *
 * poll() readiness: discard mode, a ring holding its watermark or a wake-up
 * since the last poll(); overwrite mode, nothing while the session runs;
 * after the stop, EPOLLHUP, with EPOLLIN while anything is unread. A file
 * polls the set it first polled, and holds it (and so the wait queue)
 * until it is closed: a poller never outlives its wait queue.
 *
 * Lifetime: the set is referenced by the session while it runs and by
 * every VMA that maps it, so a consumer can drain its rings after the
 * session stopped; the last reference frees the pages.
 */

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/poll.h>
#include <linux/wait.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/netlink.h>

#include "compat.h"
#include "llkm.h"
#include "ring.h"

/* Pages of rings: a failure rather than the OOM killer, charged. */
#define RING_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* Pages zeroed between two looks at a setup's cancel (4 MiB). */
#define RING_CANCEL_PAGES	(SZ_4M / PAGE_SIZE)

/* cpuhp_setup_state_multi()'s dynamic state, or 0. */
static int hotplug_state;

/* The irq_work, in hard IRQ context (or a kthread on PREEMPT_RT). */
static void ring_wake_fn(struct irq_work *work)
{
	struct llkm_rings *rs = container_of(work, struct llkm_cpu_ring, wake)->rs;

	atomic_set(&rs->woken, 1);
	/*
	 * Takes rs->wq's lock: pairs with the lock poll_wait() takes in
	 * llkm_rings_poll(), so a poller either is on the queue now or
	 * reads woken and producer_pos after this.
	 */
	wake_up_interruptible(&rs->wq);
}

static void ring_mem_free(struct llkm_ring_mem *mem)
{
	unsigned int i, n;

	if (!mem)
		return;
	vunmap(mem->area);
	n = 2 + (mem->nr_pages - 2) / 2;
	for (i = 0; i < n; i++)
		if (mem->pages[i])
			__free_page(mem->pages[i]);
	kvfree(mem);
}

/* After the last producer: the set is being freed. */
static void cpu_ring_free(struct llkm_cpu_ring *cr)
{
	if (!cr->mem)
		return;
	irq_work_sync(&cr->wake);
	ring_mem_free(cr->mem);
}

static struct llkm_ring_mem *ring_mem_alloc(struct llkm_rings *rs, int cpu)
{
	unsigned int data = rs->size >> PAGE_SHIFT, n = 2 + data, i;
	int node = cpu_to_node(cpu);
	struct llkm_ring_mem *mem;
	struct page **map;

	/* 2 + 65536 pointers at LLKM_RING_SIZE_MAX: no order-7 kmalloc. */
	mem = kvzalloc_node(struct_size(mem, pages, n), RING_GFP, node);
	if (!mem)
		return NULL;
	mem->nr_pages = 2 + 2 * data;
	map = kvmalloc_array(mem->nr_pages, sizeof(*map), RING_GFP);
	if (!map)
		goto err;
	for (i = 0; i < n; i++) {
		mem->pages[i] = alloc_pages_node(node, RING_GFP | __GFP_ZERO, 0);
		if (!mem->pages[i])
			goto err;
		/* Every 4 MiB: a cancel is served within milliseconds. */
		if (i % RING_CANCEL_PAGES == RING_CANCEL_PAGES - 1) {
			if (rs->cancel && READ_ONCE(*rs->cancel))
				goto err;
			cond_resched();
		}
	}
	for (i = 0; i < mem->nr_pages; i++)
		map[i] = mem->pages[i < n ? i : i - data];
	mem->area = vmap(map, mem->nr_pages, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	kvfree(map);
	map = NULL;
	if (!mem->area)
		goto err;
	return mem;
err:
	kvfree(map);
	ring_mem_free(mem);
	return NULL;
}

/*
 * CPU @cpu's ring: its pages, then its header in the per-CPU area. False
 * on failure (no ring there). Nobody sees the set yet, or @cpu is not
 * running (the hotplug callback): its producers are not running either.
 */
static bool cpu_ring_alloc(struct llkm_rings *rs, int cpu)
{
	struct llkm_cpu_ring *cr = per_cpu_ptr(rs->pcpu, cpu);
	struct llkm_ring_mem *mem = ring_mem_alloc(rs, cpu);

	if (!mem)
		return false;
	cr->watermark = rs->watermark;
	cr->rs = rs;
	cr->wake = IRQ_WORK_INIT(ring_wake_fn);
	cr->core.cons = mem->area;
	cr->core.prod = mem->area + PAGE_SIZE;
	cr->core.data = mem->area + 2 * PAGE_SIZE;
	cr->core.mask = rs->size - 1;
	cr->core.mode = rs->mode;
	cr->core.cpu = cpu;
	cr->core.prod->size = rs->size;
	cr->core.prod->mode = rs->mode;
	cr->core.prod->cpu = cpu;
	/*
	 * Pairs with the smp_load_acquire()s of cr->mem (llkm_rings_cpu(),
	 * rings_unread(), llkm_rings_mmap()) on other CPUs: whoever sees the
	 * pointer sees the ring initialized.
	 */
	smp_store_release(&cr->mem, mem);
	rs->nrings++;
	return true;
}

/* A quarter of RAM, in bytes, for a session's rings together. */
static u64 rings_cap(void)
{
	return ((u64)totalram_pages() << PAGE_SHIFT) / 4;
}

/*
 * The hotplug state's startup, for the running set: for each online CPU
 * when the session starts (cpuhp_state_add_instance(), in the starter's
 * context: only those that came up since rings_prealloc() lack a ring),
 * then for each CPU that comes up, before it runs. A CPU that comes back
 * keeps the ring it had. Serialized by the hotplug lock. A ring that
 * would take the set over the cap keeps its CPU offline, said in the log.
 */
static int rings_cpu_prepare(unsigned int cpu, struct hlist_node *node)
{
	struct llkm_rings *rs = hlist_entry(node, struct llkm_rings, node);

	if (per_cpu_ptr(rs->pcpu, cpu)->mem)
		return 0;
	if ((u64)(rs->nrings + 1) * rs->size > rings_cap()) {
		pr_warn_ratelimited("CPU %u stays offline: its trace ring would take the session's rings over the cap of a quarter of RAM; stop the session, or start it with smaller rings\n",
				    cpu);
		return -ENOMEM;
	}
	return cpu_ring_alloc(rs, cpu) ? 0 : -ENOMEM;
}

int llkm_rings_fit(u32 size, struct netlink_ext_ack *extack)
{
	unsigned int cpus = num_online_cpus();
	u64 want = (u64)size * cpus, cap = rings_cap();

	if (want <= cap)
		return 0;
#ifdef NL_SET_ERR_MSG_FMT
	/* Under NETLINK_MAX_FMTMSG_LEN (80) at 4-digit CPU counts. */
	NL_SET_ERR_MSG_FMT(extack,
			   "rings: %u CPUs x %u KiB = %llu MiB exceed the cap of %llu MiB",
			   cpus, size >> 10, want >> 20, cap >> 20);
#else
	/* 6.1's extack holds no formatted message. */
	NL_SET_ERR_MSG(extack,
		       "rings for the online CPUs x the ring size exceed the cap of a quarter of RAM");
#endif
	return -E2BIG;
}

/*
 * The rings of the CPUs online now, with no hotplug lock held: zeroing up
 * to a quarter of RAM under cpus_read_lock() and cpuhp_state_mutex would
 * stall every hotplug and cpuhp user meanwhile. A CPU that comes up during
 * this gets its ring from the callback that cpuhp_state_add_instance()
 * runs next; one that goes down keeps its ring. Stops within 4 MiB of
 * zeroing once *@cancel is set (the setup was cancelled): -ECANCELED.
 */
static int rings_prealloc(struct llkm_rings *rs, const int *cancel)
{
	int cpu, ret = 0;

	rs->cancel = cancel;
	for_each_online_cpu(cpu) {
		bool ok = cpu_ring_alloc(rs, cpu);

		if (cancel && READ_ONCE(*cancel))
			ret = -ECANCELED;
		else if (!ok)
			ret = -ENOMEM;
		if (ret)
			break;
	}
	/* The hotplug callbacks run no cancel: theirs is no setup. */
	rs->cancel = NULL;
	return ret;
}

struct llkm_rings *llkm_rings_alloc(u32 size, u32 mode, u32 watermark,
				    const int *cancel)
{
	struct llkm_rings *rs;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != LLKM_RING_PAGE);
	if (!llkm_ring_size_valid(size) || mode > LLKM_RING_MODE_MAX ||
	    watermark > size)
		return ERR_PTR(-EINVAL);
	/* Again here: a CPU may have come up since the caller's check. */
	ret = llkm_rings_fit(size, NULL);
	if (ret)
		return ERR_PTR(ret);
	rs = kzalloc(sizeof(*rs), GFP_KERNEL_ACCOUNT);
	if (!rs)
		return ERR_PTR(-ENOMEM);
	rs->pcpu = alloc_percpu_gfp(struct llkm_cpu_ring, GFP_KERNEL_ACCOUNT);
	if (!rs->pcpu) {
		kfree(rs);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&rs->ref);
	rs->size = size;
	rs->mode = mode;
	rs->watermark = watermark ? watermark : size / 2;
	init_waitqueue_head(&rs->wq);
	ret = rings_prealloc(rs, cancel);
	if (ret) {
		llkm_rings_put(rs);
		return ERR_PTR(ret);
	}
	/* A ring for each CPU that came up meanwhile, and later until stop. */
	ret = cpuhp_state_add_instance(hotplug_state, &rs->node);
	if (ret) {
		llkm_rings_put(rs);
		return ERR_PTR(ret);
	}
	rs->live = true;
	return rs;
}

/* No more rings for CPUs that come up: the set's producers are gone. */
static void rings_unlive(struct llkm_rings *rs)
{
	if (rs->live)
		cpuhp_state_remove_instance_nocalls(hotplug_state, &rs->node);
	rs->live = false;
}

static void rings_release(struct kref *ref)
{
	struct llkm_rings *rs = container_of(ref, struct llkm_rings, ref);
	int cpu;

	/* Still live only when the start failed after the allocation. */
	rings_unlive(rs);
	for_each_possible_cpu(cpu)
		cpu_ring_free(per_cpu_ptr(rs->pcpu, cpu));
	free_percpu(rs->pcpu);
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

/* CPU @cpu's ring with its pages, or NULL; any CPU's, any context. */
static struct llkm_cpu_ring *rings_cpu(struct llkm_rings *rs, unsigned int cpu)
{
	struct llkm_cpu_ring *cr;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	cr = per_cpu_ptr(rs->pcpu, cpu);
	/* Pairs with smp_store_release() in cpu_ring_alloc(). */
	return smp_load_acquire(&cr->mem) ? cr : NULL;
}

struct llkm_ring *llkm_rings_cpu(struct llkm_rings *rs, int cpu)
{
	struct llkm_cpu_ring *cr = rings_cpu(rs, cpu);

	return cr ? &cr->core : NULL;
}

/*
 * Unread bytes, for readiness only: plain reads, as a stale value only
 * moves a wake-up a little; nothing is read or written on its strength.
 */
static unsigned long ring_unread(struct llkm_ring *ring)
{
	return READ_ONCE(ring->prod->producer_pos) -
	       READ_ONCE(ring->cons->consumer_pos);
}

/* Any ring with at least @min unread bytes; @min 0 for its watermark. */
static bool rings_unread(struct llkm_rings *rs, unsigned long min)
{
	struct llkm_cpu_ring *cr;
	int cpu;

	for_each_possible_cpu(cpu) {
		cr = rings_cpu(rs, cpu);
		if (cr && ring_unread(&cr->core) >= (min ? min : cr->watermark))
			return true;
	}
	return false;
}

/*
 * This CPU's producers only, nested or not: two that race both queue the
 * irq_work, which runs once; wake_pos ends at one of two close positions.
 * Out of line: once per watermark of bytes, not per record.
 */
void llkm_rings_wake(struct llkm_cpu_ring *cr, unsigned long pos)
{
	WRITE_ONCE(cr->wake_pos, pos);
	irq_work_queue(&cr->wake);
}

__poll_t llkm_rings_poll(struct llkm_rings *rs, struct file *file,
			 poll_table *wait)
{
	poll_wait(file, &rs->wq, wait);
	/*
	 * After poll_wait() took rs->wq's lock: pairs with that lock in the
	 * wake_up_interruptible() of ring_wake_fn() and llkm_rings_stop(),
	 * whose stores before it we see unless they will wake us.
	 */
	if (READ_ONCE(rs->stopped))
		return EPOLLHUP | (rings_unread(rs, 1) ? EPOLLIN | EPOLLRDNORM : 0);
	if (rs->mode != LLKM_RING_MODE_DISCARD)
		return 0;
	/* Clear the edge in any case: it is consumed by this poll(). */
	if (atomic_xchg(&rs->woken, 0) | rings_unread(rs, 0))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/*
 * The session is over: pollers see EPOLLHUP, and EPOLLIN for its tail. In
 * process context: it takes the CPU hotplug lock.
 */
void llkm_rings_stop(struct llkm_rings *rs)
{
	rings_unlive(rs);
	WRITE_ONCE(rs->stopped, true);
	/* Pairs with poll_wait()'s lock in llkm_rings_poll(). */
	wake_up_interruptible(&rs->wq);
}

/*
 * Producers that nothing else detaches (counters' overflow handlers) ask
 * llkm_rings_open() before each record; the session closes the set as it
 * stops, and an RCU grace period later none of them writes any more.
 */
void llkm_rings_close(struct llkm_rings *rs)
{
	WRITE_ONCE(rs->closed, true);
}

bool llkm_rings_open(const struct llkm_rings *rs)
{
	return !READ_ONCE(rs->closed);
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
	if (cpu >= nr_cpu_ids || first + pages > stride)
		return -EINVAL;
	cr = rings_cpu(rs, cpu);
	/* Not online while the session ran (yet): no ring there. */
	if (!cr)
		return -ENXIO;
	if (first == 0 && pages == 1 && writer) {
		/* A private copy would never reach the producer. */
		if ((vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED))
			return -EINVAL;
	} else {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		llkm_vm_flags_clear(vma, VM_MAYWRITE);
	}
	/* Also sets VM_DONTEXPAND | VM_DONTDUMP. */
	ret = remap_vmalloc_range(vma, cr->mem->area, first);
	if (ret)
		return ret;
	vma->vm_private_data = rs;
	vma->vm_ops = &rings_vm_ops;
	llkm_rings_get(rs);
	return 0;
}

int llkm_rings_init(void)
{
	int ret;

	ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "llkm/ring:prepare",
				      rings_cpu_prepare, NULL);
	if (ret < 0)
		return ret;
	hotplug_state = ret;
	return 0;
}

/* After the last session's stop: no instance is left. */
void llkm_rings_exit(void)
{
	cpuhp_remove_multi_state(hotplug_state);
}
