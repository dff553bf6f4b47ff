/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring core (ring_core.h) in the kernel: its clock and task ids, and
 * the producers' side of a session's rings (ring.c), inline: a record
 * costs no out-of-line call beyond the hook that produces it.
 */
#ifndef _LLKM_RING_H
#define _LLKM_RING_H

#include <asm/local.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include <uapi/linux/llkm.h>

/* NMI-safe CLOCK_MONOTONIC: producers run in any context. */
#define llkm_ring_now()		ktime_get_mono_fast_ns()
#define llkm_ring_pid()		((u32)task_tgid_nr(current))
#define llkm_ring_tid()		((u32)task_pid_nr(current))

#include "ring_core.h"

/* A CPU's ring pages and the kernel's mapping of them (ring.c). */
struct llkm_ring_mem {
	void *area;		/* the vmap() of pages */
	unsigned int nr_pages;	/* 2 + 2 * data pages, as mapped */
	struct page *pages[];	/* 2 + data pages, each once */
};

/*
 * One CPU's ring, in the set's per-CPU area: what a producer touches is
 * in its own CPU's memory, reached by this_cpu_ptr() with no array and no
 * pointer to follow.
 */
struct llkm_cpu_ring {
	struct llkm_ring core;
	unsigned long wake_pos;	/* producer_pos at the last wake-up */
	u32 watermark;		/* bytes unread that wake the consumer */
	struct irq_work wake;	/* producers' wake-up, safe in any context */
	struct llkm_rings *rs;	/* whose wait queue it wakes */
	/*
	 * NULL for a CPU that was never online while the session ran. Set
	 * (smp_store_release()) after core, before the CPU runs: its own
	 * producers read core.data, other CPUs read this with acquire.
	 */
	struct llkm_ring_mem *mem;
};

struct llkm_rings {
	struct llkm_cpu_ring __percpu *pcpu;
	u32 mode;
	struct kref ref;
	struct hlist_node node;	/* the hotplug state's instance */
	bool live;		/* node added: CPUs coming up get a ring */
	u32 size;
	u32 watermark;		/* each ring's */
	unsigned int nrings;	/* rings allocated: the cap counts them */
	wait_queue_head_t wq;	/* pollers of this set */
	atomic_t woken;		/* a wake-up since the last poll() */
	bool stopped;		/* the session is over: EPOLLHUP */
	bool closed;		/* no new record from llkm_rings_open() users */
	const int *cancel;	/* rings_prealloc()'s: non-zero stops it */
};

/* ring.c: queue the irq_work that wakes the set's pollers. */
void llkm_rings_wake(struct llkm_cpu_ring *cr, unsigned long pos);

/*
 * This CPU's ring in *@ring, preemption off; false when it has none.
 * Never so while the session runs (a CPU gets its ring before it runs,
 * ring.c's hotplug callback): checked as a fault costs more than the test.
 */
static __always_inline bool __llkm_rings_this(struct llkm_rings *rs,
					      struct llkm_ring **ring)
{
	struct llkm_cpu_ring *cr = this_cpu_ptr(rs->pcpu);

	*ring = &cr->core;
	return likely(cr->core.data);
}

/* As __llkm_rings_this(): the ring, or NULL (a pointer tested again). */
static __always_inline struct llkm_ring *llkm_rings_this(struct llkm_rings *rs)
{
	struct llkm_ring *ring;

	return __llkm_rings_this(rs, &ring) ? ring : NULL;
}

/*
 * A producer's commit: publish, then wake once per watermark of bytes
 * (the outermost writer, with the position it published).
 */
static __always_inline void llkm_rings_commit(struct llkm_ring *ring)
{
	struct llkm_cpu_ring *cr = container_of(ring, struct llkm_cpu_ring, core);
	unsigned long pub;

	/*
	 * A nested writer published nothing: the outer one, which publishes
	 * its record too, looks at the watermark after it.
	 */
	if (!__llkm_ring_commit(ring, &pub, false) ||
	    ring->mode != LLKM_RING_MODE_DISCARD)
		return;
	if (unlikely(pub - READ_ONCE(cr->wake_pos) >= cr->watermark))
		llkm_rings_wake(cr, pub);
}

/*
 * A reserve that returned NULL: in discard mode the ring may be full short
 * of the next wake-up's position, with its consumer asleep. Wake it once
 * per position: a full ring's producer_pos stands still until it reads.
 */
static __always_inline void llkm_rings_lost(struct llkm_ring *ring)
{
	struct llkm_cpu_ring *cr = container_of(ring, struct llkm_cpu_ring, core);
	unsigned long pub;

	if (ring->mode != LLKM_RING_MODE_DISCARD)
		return;
	/* Pairs with nothing: producer_pos is only written by this CPU. */
	pub = READ_ONCE(ring->prod->producer_pos);
	if (pub != READ_ONCE(cr->wake_pos))
		llkm_rings_wake(cr, pub);
}

#endif /* _LLKM_RING_H */
