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
 *
 * A start is asynchronous, as a probe run is: llkm_session_start(), in
 * TRACE_START's doit, only checks that no session runs or is being set up,
 * copies the request and queues setup_work; the work allocates and zeroes
 * the rings (up to LLKM_RING_SIZE_MAX a CPU: seconds), attaches the
 * tracepoints, makes the session current and tells the requesting socket
 * (genl.c's llkm_genl_trace_started()). No genl handler waits for it, so
 * genetlink's cb_lock is never held across the allocation. While a setup
 * is in flight a second start is -EBUSY; TRACE_STOP cancels it (its
 * outcome: -ECANCELED), its socket's close cancels it and waits for the
 * work (so a new start can follow the close), and rmmod cancels it and
 * flushes the work while the family is still registered. The allocation
 * is charged to the requester's memory cgroup, as it was in the doit.
 */

#include <linux/err.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
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

/* A start being set up, from its request until its outcome is sent. */
struct session_setup {
	struct llkm_trace_cfg cfg;	/* its arrays are the copies below */
	u32 *pids;
	u8 *cpus, *syscalls;
	u32 owner;			/* the requesting socket's portid */
	struct pid *writer;		/* its thread group: mmap() */
	struct mem_cgroup *memcg;	/* the requester's, or NULL */
	/*
	 * Under session_lock; cancel also read unlocked (READ_ONCE()) by the
	 * allocation, which polls it every 4 MiB.
	 */
	int cancel;			/* 0, or the outcome: -ECANCELED... */
	bool orphan;			/* the owner closed: tell nobody */
};

static struct session_setup *session_setup;	/* session_lock */
/*
 * The socket whose start is being set up, 0 for none: written under
 * session_lock, read without it by llkm_session_owner_gone()'s wait
 * (user sockets have portids above 0), which setup_ended wakes.
 */
static u32 setup_owner;
static bool session_closing;			/* rmmod: no new start */
static DECLARE_WAIT_QUEUE_HEAD(setup_ended);

static void setup_fn(struct work_struct *work);
static DECLARE_WORK(setup_work, setup_fn);

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

static void setup_free(struct session_setup *s)
{
	mem_cgroup_put(s->memcg);
	put_pid(s->writer);
	kfree(s->syscalls);
	kfree(s->cpus);
	kfree(s->pids);
	kfree(s);
}

/* A copy of @cfg and its arrays, which live in the request's skb. */
static struct session_setup *setup_new(const struct llkm_trace_cfg *cfg)
{
	struct session_setup *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (cfg->n_pids) {
		s->pids = kmemdup(cfg->pids, cfg->n_pids * sizeof(u32), GFP_KERNEL);
		s->cfg.pids = s->pids;
	}
	if (cfg->cpus) {
		s->cpus = kmemdup(cfg->cpus, cfg->cpus_len, GFP_KERNEL);
		s->cfg.cpus = s->cpus;
	}
	if (cfg->syscalls) {
		s->syscalls = kmemdup(cfg->syscalls, cfg->syscalls_len, GFP_KERNEL);
		s->cfg.syscalls = s->syscalls;
	}
	if ((cfg->n_pids && !s->pids) || (cfg->cpus && !s->cpus) ||
	    (cfg->syscalls && !s->syscalls)) {
		setup_free(s);
		return NULL;
	}
	return s;
}

/*
 * What a failed setup tells its requester beyond the errno, as an
 * extended ack would.
 */
static const char *setup_why(int err)
{
	switch (err) {
	case -ENOMEM:
		return "not enough memory for the rings";
	case -ENOENT:
		return "a tracepoint asked for is not in this kernel";
	case -ECANCELED:
		return "stopped while it was being set up (TRACE_STOP)";
	case -ESHUTDOWN:
		return "llkm is being unloaded";
	case -E2BIG:
		return "the rings exceed a quarter of RAM (a CPU came online since the start)";
	}
	return NULL;
}

/* The setup's rings and probes become the session. Under session_lock. */
static void setup_install(struct session_setup *s, struct llkm_rings *rings,
			  struct llkm_trace *trace)
{
	lockdep_assert_held(&session_lock);
	llkm_rings_put(session_rings);
	session_rings = rings;
	session_trace = trace;
	session_owner = s->owner;
	put_pid(session_writer);
	session_writer = s->writer;		/* the setup's reference */
	s->writer = NULL;
	session_lost_told = 0;
	session_compat = 0;
	session_tell(LLKM_EVENT_STARTED, 0, 0);
	schedule_delayed_work(&loss_work, HZ);
}

/*
 * The long part of a start, in a kworker: the rings, in the requester's
 * memory cgroup, then the probes; then, under the lock, the session, or
 * the cancel the setup met meanwhile; then the requester hears how it
 * ended. Only this work frees the setup, so it reads it unlocked but for
 * the fields the lock guards.
 */
static void setup_fn(struct work_struct *work)
{
	struct llkm_trace_started res = { 0 };
	struct llkm_trace *trace = NULL;
	struct llkm_rings *rings = NULL;
	struct mem_cgroup *memcg;
	struct session_setup *s;
	bool orphan;

	mutex_lock(&session_lock);
	s = session_setup;
	res.err = s->cancel;
	mutex_unlock(&session_lock);

	if (!res.err) {
		memcg = set_active_memcg(s->memcg);
		/* A cancel stops the allocation within milliseconds. */
		rings = llkm_rings_alloc(s->cfg.ring_size, s->cfg.ring_mode,
					 s->cfg.watermark, &s->cancel);
		if (IS_ERR(rings)) {
			res.err = PTR_ERR(rings);
			rings = NULL;
		} else {
			trace = llkm_trace_attach(rings, &s->cfg);
			if (IS_ERR(trace)) {
				res.err = PTR_ERR(trace);
				trace = NULL;
			}
		}
		set_active_memcg(memcg);
	}

	mutex_lock(&session_lock);
	/* Cancelled during the allocation: the cancel's own reason. */
	if (!res.err || res.err == -ECANCELED)
		res.err = s->cancel ?: res.err;
	if (res.err) {
		llkm_trace_detach(trace);
		llkm_rings_put(rings);
		res.msg = setup_why(res.err);
	} else {
		setup_install(s, rings, trace);
		res.size = s->cfg.ring_size;
		res.mode = s->cfg.ring_mode;
	}
	orphan = s->orphan;
	session_setup = NULL;
	WRITE_ONCE(setup_owner, 0);
	mutex_unlock(&session_lock);
	/* Pairs with the wait_event() in llkm_session_owner_gone(). */
	wake_up_all(&setup_ended);
	if (!orphan)
		llkm_genl_trace_started(s->owner, &res);
	setup_free(s);
}

/* Refused before anything is allocated: -EBUSY costs the caller nothing. */
int llkm_session_start(const struct llkm_trace_cfg *cfg, u32 portid)
{
	struct session_setup *s;
	int ret;

	mutex_lock(&session_lock);
	ret = -EBUSY;
	if (session_trace || session_setup)
		goto out;
	ret = -ESHUTDOWN;
	if (session_closing)
		goto out;
	ret = -ENOMEM;
	s = setup_new(cfg);
	if (!s)
		goto out;
	s->owner = portid;
	s->writer = get_pid(task_tgid(current));	/* genl runs in the sender */
	s->memcg = get_mem_cgroup_from_mm(current->mm);
	session_setup = s;
	WRITE_ONCE(setup_owner, portid);
	queue_work(system_unbound_wq, &setup_work);
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
	} else if (session_setup && !session_setup->cancel) {
		/* Not waited for: setup_fn() sends the outcome, -ECANCELED. */
		WRITE_ONCE(session_setup->cancel, -ECANCELED);
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

/*
 * The owner's close stops its session, or cancels its setup and waits for
 * the work (the rest of an allocation at most): when close() returns, the
 * next start can go.
 */
void llkm_session_owner_gone(u32 portid)
{
	bool setting_up = false;

	mutex_lock(&session_lock);
	if (session_trace && portid == session_owner)
		__session_stop(LLKM_STOP_OWNER_GONE);
	if (session_setup && session_setup->owner == portid) {
		WRITE_ONCE(session_setup->cancel, -ECANCELED);
		session_setup->orphan = true;
		setting_up = true;
	}
	mutex_unlock(&session_lock);
	/* Pairs with wake_up_all() in setup_fn(), after setup_owner's store. */
	if (setting_up)
		wait_event(setup_ended, READ_ONCE(setup_owner) != portid);
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

/*
 * rmmod, while the family is still registered: refuse new starts, cancel
 * the one being set up and wait until its requester has been told.
 */
void llkm_session_stop_all(void)
{
	mutex_lock(&session_lock);
	session_closing = true;
	if (session_setup)
		WRITE_ONCE(session_setup->cancel, -ESHUTDOWN);
	mutex_unlock(&session_lock);
	flush_work(&setup_work);
}

/* After llkm_session_stop_all() and the family's end. */
void llkm_session_exit(void)
{
	flush_work(&setup_work);
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
