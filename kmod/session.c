// SPDX-License-Identifier: GPL-2.0
/*
 * The trace session: one at a time, started and stopped over genl, owned
 * by the netlink socket that started it; only the process that started it
 * may write its consumer pages. Its rings outlive it until the next start,
 * so the consumer can drain them and read the final counts.
 *
 * Its starts, stops and growing losses go down a notifier chain (genl.c
 * multicasts them), called under session_lock in process context: the
 * events come in the order the session went through them.
 */

#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/workqueue.h>

#include "llkm.h"
#include "ring.h"

static DEFINE_MUTEX(session_lock);
/* Guarded by session_lock. */
static struct llkm_rings *session_rings;	/* running or last stopped */
static struct llkm_trace *session_trace;	/* non-NULL while running */
static u32 session_owner;			/* netlink portid */
static struct pid *session_writer;		/* its thread group: mmap() */
static u64 session_lost_told;			/* last LOST announced */
static u64 session_compat;			/* compat syscalls dropped */

static void loss_watch(struct work_struct *work);
static DECLARE_DELAYED_WORK(loss_work, loss_watch);

static BLOCKING_NOTIFIER_HEAD(session_chain);

/* @event: LLKM_EVENT_*; @reason: LLKM_STOP_*, 0 for none. */
static void session_tell(u32 event, u32 reason, u64 lost)
{
	struct llkm_session_event ev = { .reason = reason, .lost = lost };

	lockdep_assert_held(&session_lock);
	blocking_notifier_call_chain(&session_chain, event, &ev);
}

static u64 session_lost(void)
{
	struct llkm_ring *ring;
	u64 lost = 0;
	int cpu;

	lockdep_assert_held(&session_lock);
	if (!session_rings)
		return 0;
	for_each_possible_cpu(cpu) {
		ring = llkm_rings_cpu(session_rings, cpu);
		if (ring)
			lost += local_read(&ring->lost);
	}
	return lost;
}

/* Once a second while a session runs: announce a growing loss. */
static void loss_watch(struct work_struct *work)
{
	u64 lost;

	mutex_lock(&session_lock);
	if (session_trace) {
		lost = session_lost();
		if (lost > session_lost_told) {
			session_lost_told = lost;
			session_tell(LLKM_EVENT_LOST, 0, lost);
		}
		schedule_delayed_work(&loss_work, HZ);
	}
	mutex_unlock(&session_lock);
}

static void __session_stop(u32 reason)
{
	lockdep_assert_held(&session_lock);
	/*
	 * Sampling counters write here too: closed, they stop as the
	 * detach's synchronize_rcu() (in tracepoint_synchronize_unregister())
	 * waits out the overflow handlers in flight, NMIs included.
	 */
	llkm_rings_close(session_rings);
	session_compat = llkm_trace_detach(session_trace);
	if (!IS_ENABLED(CONFIG_TRACEPOINTS))	/* then the detach has none */
		synchronize_rcu();
	session_trace = NULL;
	/* The watch sees no session and does not come back. */
	cancel_delayed_work(&loss_work);
	llkm_rings_stop(session_rings);	/* pollers see EPOLLHUP */
	session_tell(LLKM_EVENT_STOPPED, reason, session_lost());
}

int llkm_session_start(const struct llkm_trace_cfg *cfg, u32 portid,
		       u32 *size, u32 *mode)
{
	struct llkm_rings *rings;
	struct llkm_trace *trace;
	int ret;

	mutex_lock(&session_lock);
	ret = -EBUSY;
	if (session_trace)
		goto out;
	rings = llkm_rings_alloc(cfg->ring_size, cfg->ring_mode, cfg->watermark);
	ret = PTR_ERR(rings);
	if (IS_ERR(rings))
		goto out;
	trace = llkm_trace_attach(rings, cfg);
	ret = PTR_ERR(trace);
	if (IS_ERR(trace)) {
		llkm_rings_put(rings);
		goto out;
	}
	llkm_rings_put(session_rings);
	session_rings = rings;
	session_trace = trace;
	session_owner = portid;
	put_pid(session_writer);
	session_writer = get_pid(task_tgid(current));	/* genl runs in the sender */
	session_lost_told = 0;
	session_compat = 0;
	session_tell(LLKM_EVENT_STARTED, 0, 0);
	schedule_delayed_work(&loss_work, HZ);
	*size = cfg->ring_size;
	*mode = cfg->ring_mode;
	ret = 0;
out:
	mutex_unlock(&session_lock);
	return ret;
}

int llkm_session_stop(void)
{
	int ret = -ENOENT;

	mutex_lock(&session_lock);
	if (session_trace) {
		__session_stop(LLKM_STOP_REQUESTED);
		ret = 0;
	}
	mutex_unlock(&session_lock);
	return ret;
}

struct llkm_rings *llkm_session_rings_get(u32 portid)
{
	struct llkm_rings *rings = NULL;

	mutex_lock(&session_lock);
	if (session_trace && session_owner == portid) {
		rings = session_rings;
		llkm_rings_get(rings);
	}
	mutex_unlock(&session_lock);
	return rings;
}

int llkm_session_stats(struct llkm_ring_stats *st, unsigned int max,
		       u64 *compat)
{
	const struct llkm_ring *ring;
	int cpu, n = 0;

	mutex_lock(&session_lock);
	if (!session_rings) {
		n = -ENOENT;
		goto out;
	}
	*compat = session_trace ? llkm_trace_compat(session_trace) :
				  session_compat;
	for_each_possible_cpu(cpu) {
		ring = llkm_rings_cpu(session_rings, cpu);
		if (!ring || n == max)
			continue;
		/* Plain reads of another CPU's counters: a snapshot. */
		st[n].cpu = cpu;
		st[n].produced = local_read(&ring->produced);
		st[n].lost = local_read(&ring->lost);
		st[n].published = READ_ONCE(ring->prod->producer_pos);
		n++;
	}
out:
	mutex_unlock(&session_lock);
	return n;
}

/*
 * Only the process that started the session may write its consumer pages
 * (consumer_pos drives the producer's reclaim); others may read them.
 */
int llkm_session_mmap(struct vm_area_struct *vma)
{
	int ret = -ENODEV;

	mutex_lock(&session_lock);
	if (session_rings)
		ret = llkm_rings_mmap(session_rings, vma,
				      task_tgid(current) == session_writer);
	mutex_unlock(&session_lock);
	return ret;
}

/*
 * The rings a file polls: the session's that ran (or had stopped last)
 * when the file first polled, for the file's life. The file holds them,
 * and with them the wait queue its pollers are on: epoll's entries go
 * before ->release(), poll()'s before it returns.
 */
static struct llkm_rings *file_rings(struct file *file)
{
	/* Pairs with smp_store_release() below: the set is initialized. */
	struct llkm_rings *rings = smp_load_acquire(&file->private_data);

	if (rings)
		return rings;
	mutex_lock(&session_lock);
	rings = file->private_data;
	if (!rings && session_rings) {
		rings = session_rings;
		llkm_rings_get(rings);
		/* Pairs with smp_load_acquire() above, on the lockless path. */
		smp_store_release(&file->private_data, rings);
	}
	mutex_unlock(&session_lock);
	return rings;
}

__poll_t llkm_session_poll(struct file *file, struct poll_table_struct *wait)
{
	struct llkm_rings *rings = file_rings(file);

	/* No session yet: nothing will ever be ready here. */
	if (!rings)
		return EPOLLHUP;
	return llkm_rings_poll(rings, file, wait);
}

void llkm_session_release(struct file *file)
{
	llkm_rings_put(file->private_data);
}

void llkm_session_owner_gone(u32 portid)
{
	mutex_lock(&session_lock);
	if (session_trace && portid == session_owner)
		__session_stop(LLKM_STOP_OWNER_GONE);
	mutex_unlock(&session_lock);
}

int llkm_session_notifier_register(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&session_chain, nb);
}

/* Returns once a call in flight has: @nb is not called after it. */
void llkm_session_notifier_unregister(struct notifier_block *nb)
{
	blocking_notifier_chain_unregister(&session_chain, nb);
}

void llkm_session_init(void)
{
	llkm_trace_init();
}

void llkm_session_exit(void)
{
	mutex_lock(&session_lock);
	if (session_trace)
		__session_stop(LLKM_STOP_UNLOAD);
	mutex_unlock(&session_lock);
	cancel_delayed_work_sync(&loss_work);
	mutex_lock(&session_lock);
	llkm_rings_put(session_rings);
	session_rings = NULL;
	put_pid(session_writer);
	session_writer = NULL;
	mutex_unlock(&session_lock);
}
