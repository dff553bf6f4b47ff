// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: perf events opened through the kernel's own API
 * (perf_event_create_kernel_counter()), so perf schedules, multiplexes and
 * accounts them as it does its own; llkm never touches a PMU register.
 *
 * Each counter belongs to the netlink socket that opened it, by portid:
 * commands from other sockets do not find it, and it is closed when that
 * socket is released, on COUNTER_CLOSE and on rmmod. LLKM_IOC_COUNTER_READ
 * names the socket by a portid anyone can guess, so it also has to come
 * from the process that opened the counter.
 *
 * Groups: the kernel API takes no group leader, so an llkm group is a set
 * of counters enabled, disabled, read and closed together; perf schedules
 * each member on its own, and each member's time enabled/running is its
 * own, which is what scaling needs.
 *
 * Reads take no lock: the counter is found in the IDR under RCU and read
 * under SRCU (perf_event_read_value() sleeps), members walked as an RCU
 * list. Closing unpublishes under counter_lock, waits for the readers
 * (synchronize_srcu()), and only then releases the perf events, so a
 * reader never sees an event being freed. perf_event_read_local(), which
 * would read a group in one cross-CPU call, is not exported to modules.
 *
 * Sampling: the overflow handler writes LLKM_REC_SAMPLE records into the
 * CPU's ring of the socket's trace session, until that session stops (its
 * rings closed: the counter counts on, without samples). It may run in NMI context, so
 * it only uses the ring (NMI-safe by design, see ring_core.h), per-CPU
 * scratch space and copy_from_user_nofault(). Inherited child events share
 * the parent's handler context; closing releases them with their parent,
 * and an RCU grace period passes before that context is freed.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/perf_event.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/stacktrace.h>
#include <linux/uaccess.h>

#include "llkm.h"
#include "llkm_arch.h"
#include "ring.h"

struct llkm_counter {
	u32 id;
	u32 owner;			/* netlink portid */
	struct pid *opener;		/* its thread group: the ioctl's reader */
	struct llkm_counter *leader;	/* itself for a leader */
	struct list_head members;	/* leader: the others, in order (RCU) */
	struct list_head member;	/* in the leader's members */
	struct list_head dead;		/* closed, waiting for its readers */
	struct perf_event *event;
	struct llkm_rings *rings;	/* sampling only, a reference */
	bool callchain;
	atomic_long_t samples;
	atomic_long_t samples_lost;
	atomic_long_t throttled;
};

static DEFINE_MUTEX(counter_lock);
/* Readers of a counter found in the IDR (llkm_counter_read()). */
DEFINE_STATIC_SRCU(counter_srcu);
/* Changed under counter_lock; looked up under RCU by readers. */
static DEFINE_IDR(counters);
static unsigned int counters_open;

/*
 * Stack scratch for each nesting level of the handler on a CPU (task,
 * softirq, IRQ, NMI): too large for an NMI stack.
 */
#define SCRATCH_LEVELS	4
#define SCRATCH_FRAMES	(LLKM_SAMPLE_STACK_MAX + 16)
struct sample_scratch {
	int nest;
	unsigned long ips[SCRATCH_LEVELS][SCRATCH_FRAMES];
};

static DEFINE_PER_CPU(struct sample_scratch, overflow_scratch);

/* Kernel frames of the interrupted context, innermost first, in @ips. */
static unsigned int kernel_frames(struct pt_regs *regs, unsigned long *ips)
{
	unsigned int n, from;

	/*
	 * stack_trace_save() starts in this handler; the unwinder crosses the
	 * interrupt frame, so drop what lies above the interrupted ip.
	 */
	n = stack_trace_save(ips, SCRATCH_FRAMES, 0);
	for (from = 0; from < n; from++)
		if (ips[from] == instruction_pointer(regs))
			break;
	if (from == n) {
		ips[0] = instruction_pointer(regs);
		return 1;
	}
	n = min_t(unsigned int, n - from, LLKM_SAMPLE_STACK_MAX);
	memmove(ips, ips + from, n * sizeof(*ips));
	return n;
}

/*
 * Return addresses up the user stack by frame pointers, after @n. A frame
 * record is {caller's frame pointer, return address} on x86-64 (rbp) and
 * arm64 (x29) alike; llkm_arch_user_fp() gives the first, or false where
 * there is none to follow (a 32-bit task).
 */
static unsigned int fp_walk(struct pt_regs *regs, unsigned long *ips,
			    unsigned int n, unsigned int max)
{
	struct {
		unsigned long next;
		unsigned long ret;
	} frame;
	unsigned long fp;

	if (!llkm_arch_user_fp(regs, &fp))
		return n;
	while (n < max && fp && !(fp & (sizeof(long) - 1))) {
		if (copy_from_user_nofault(&frame, (void __user *)fp,
					   sizeof(frame)) || !frame.ret)
			break;
		ips[n++] = frame.ret;
		if (frame.next <= fp)	/* stacks grow down: no loops */
			break;
		fp = frame.next;
	}
	return n;
}

/* User frames, innermost first: where the task was, then its callers. */
static unsigned int user_frames(struct pt_regs *regs, unsigned long *ips,
				unsigned int max)
{
	if (!current->mm || (current->flags & PF_KTHREAD) || !max)
		return 0;
	if (!user_mode(regs))
		regs = task_pt_regs(current);
	ips[0] = instruction_pointer(regs);
	return fp_walk(regs, ips, 1, max);
}

/*
 * hw.interrupts of an event perf core has throttled: its MAX_INTERRUPTS,
 * private to kernel/events/core.c (~0ULL from 2.6.31 to 7.x).
 */
#define LLKM_THROTTLED		(~0ULL)

static void counter_overflow(struct perf_event *event,
			     struct perf_sample_data *data,
			     struct pt_regs *regs)
{
	struct llkm_counter *c = event->overflow_handler_context;
	struct sample_scratch *s = this_cpu_ptr(&overflow_scratch);
	unsigned int nk = 0, nu = 0, level, i;
	struct llkm_rec_sample *p;
	unsigned long *ips = NULL;
	struct llkm_ring *ring;
	struct llkm_rec *rec;

	/*
	 * This overflow was one too many in this tick: perf core has marked
	 * the event throttled (and logged it), and stops it until the tick
	 * unthrottles it. What it would have counted meanwhile is missing.
	 */
	if (event->hw.interrupts == LLKM_THROTTLED)
		atomic_long_inc(&c->throttled);
	/* The session stopped: its rings take no more, the event counts on. */
	if (!llkm_rings_open(c->rings))
		return;
	atomic_long_inc(&c->samples);
	level = s->nest++;
	barrier();	/* nest before use: a nested handler takes the next */
	if (c->callchain && level < SCRATCH_LEVELS) {
		ips = s->ips[level];
		if (!user_mode(regs))
			nk = kernel_frames(regs, ips);
		nu = user_frames(regs, ips + nk, LLKM_SAMPLE_STACK_MAX - nk);
	}
	ring = llkm_rings_this(c->rings);
	rec = ring ? llkm_ring_reserve(ring, LLKM_REC_SAMPLE,
				       sizeof(*p) + (nk + nu) * sizeof(u64)) : NULL;
	if (!rec) {
		if (ring)
			llkm_rings_lost(ring);
		atomic_long_inc(&c->samples_lost);
		goto out;
	}
	p = (struct llkm_rec_sample *)(rec + 1);
	p->ip = instruction_pointer(regs);
	p->period = data->period;
	p->id = c->id;
	p->flags = user_mode(regs) ? LLKM_SAMPLE_USER : 0;
	p->nr_kernel = nk;
	p->nr_user = nu;
	p->pad = 0;
	for (i = 0; i < nk + nu; i++)
		p->ips[i] = ips[i];
	llkm_rings_commit(ring);
out:
	barrier();
	s->nest--;
}

/* perf_event_open()'s ptrace rule for counting another process. */
static bool may_count(struct task_struct *task)
{
	const struct cred *cred = current_cred(), *tcred;
	bool same;

	rcu_read_lock();
	tcred = __task_cred(task);
	same = uid_eq(cred->uid, tcred->euid) && uid_eq(cred->uid, tcred->suid) &&
	       uid_eq(cred->uid, tcred->uid) && gid_eq(cred->gid, tcred->egid) &&
	       gid_eq(cred->gid, tcred->sgid) && gid_eq(cred->gid, tcred->gid);
	rcu_read_unlock();
	return same || capable(CAP_SYS_PTRACE);
}

static void attr_from_cfg(struct perf_event_attr *attr,
			  const struct llkm_counter_cfg *cfg)
{
	u32 f = cfg->flags;

	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = cfg->type;
	attr->config = cfg->config;
	attr->config1 = cfg->config1;
	attr->config2 = cfg->config2;
	attr->disabled = !!(f & LLKM_CTR_F_DISABLED);
	attr->inherit = !!(f & LLKM_CTR_F_INHERIT);
	attr->enable_on_exec = !!(f & LLKM_CTR_F_ENABLE_ON_EXEC);
	attr->pinned = !!(f & LLKM_CTR_F_PINNED);
	attr->exclude_user = !!(f & LLKM_CTR_F_EXCLUDE_USER);
	attr->exclude_kernel = !!(f & LLKM_CTR_F_EXCLUDE_KERNEL);
	attr->exclude_hv = !!(f & LLKM_CTR_F_EXCLUDE_HV);
	attr->exclude_idle = !!(f & LLKM_CTR_F_EXCLUDE_IDLE);
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			    PERF_FORMAT_TOTAL_TIME_RUNNING;
	if (cfg->period) {
		attr->freq = !!(f & LLKM_CTR_F_FREQ);
		attr->sample_period = cfg->period;	/* or sample_freq */
		attr->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				    PERF_SAMPLE_TIME | PERF_SAMPLE_PERIOD;
	}
}

static struct llkm_counter *counter_find(u32 owner, u32 id)
{
	struct llkm_counter *c;

	lockdep_assert_held(&counter_lock);
	c = idr_find(&counters, id);
	return c && c->owner == owner ? c : NULL;
}

static unsigned int counters_owned(u32 owner)
{
	struct llkm_counter *c;
	unsigned int n = 0;
	int id;

	idr_for_each_entry(&counters, c, id)
		n += c->owner == owner;
	return n;
}

static struct task_struct *find_task(u32 pid, int *err)
{
	struct task_struct *task;
	struct pid *p;

	p = find_get_pid(pid);
	task = p ? get_pid_task(p, PIDTYPE_PID) : NULL;
	put_pid(p);
	*err = -ESRCH;
	if (!task)
		return NULL;
	*err = -EACCES;
	if (!may_count(task)) {
		put_task_struct(task);
		return NULL;
	}
	*err = 0;
	return task;
}

static int counter_create(struct llkm_counter *c,
			  const struct llkm_counter_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	struct task_struct *task = NULL;
	struct perf_event_attr attr;
	struct perf_event *event;
	int ret;

	if (cfg->has_pid) {
		task = find_task(cfg->pid, &ret);
		if (!task) {
			if (ret == -ESRCH)
				NL_SET_ERR_MSG(extack, "no such pid");
			else
				NL_SET_ERR_MSG(extack,
					       "pid of another user: needs CAP_SYS_PTRACE");
			return ret;
		}
	}
	attr_from_cfg(&attr, cfg);
	event = perf_event_create_kernel_counter(&attr,
						 cfg->has_cpu ? (int)cfg->cpu : -1,
						 task,
						 cfg->period ? counter_overflow : NULL,
						 c);
	if (task)
		put_task_struct(task);
	if (IS_ERR(event))
		return PTR_ERR(event);
	c->event = event;
	return 0;
}

int llkm_counter_open(const struct llkm_counter_cfg *cfg, u32 owner, u32 *id,
		      struct netlink_ext_ack *extack)
{
	struct llkm_counter *c, *leader = NULL;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->owner = owner;
	c->opener = get_pid(task_tgid(current));	/* genl runs in the sender */
	c->callchain = cfg->flags & LLKM_CTR_F_CALLCHAIN;
	INIT_LIST_HEAD(&c->members);
	INIT_LIST_HEAD(&c->member);
	INIT_LIST_HEAD(&c->dead);
	if (cfg->period) {
		c->rings = llkm_session_rings_get(owner);
		if (!c->rings) {
			NL_SET_ERR_MSG(extack,
				       "sampling needs a trace session of this socket");
			put_pid(c->opener);
			kfree(c);
			return -ENOENT;
		}
	}

	mutex_lock(&counter_lock);
	ret = -ENOSPC;
	if (counters_owned(owner) >= LLKM_COUNTERS_MAX) {
		NL_SET_ERR_MSG(extack, "too many counters on this socket");
		goto err;
	}
	if (cfg->has_group) {
		leader = counter_find(owner, cfg->group);
		ret = -ENOENT;
		if (!leader || leader->leader != leader) {
			NL_SET_ERR_MSG(extack, "no such group leader");
			goto err;
		}
		ret = -EINVAL;
		if (leader->event->cpu != (cfg->has_cpu ? (int)cfg->cpu : -1) ||
		    !cfg->has_pid != !(leader->event->attach_state & PERF_ATTACH_TASK)) {
			NL_SET_ERR_MSG(extack, "a group counts one pid/cpu");
			goto err;
		}
	}
	/* Reserved empty: lockless readers see it once it is whole. */
	ret = idr_alloc(&counters, NULL, 1, 0, GFP_KERNEL);
	if (ret < 0)
		goto err;
	c->id = ret;
	ret = counter_create(c, cfg, extack);
	if (ret) {
		idr_remove(&counters, c->id);
		goto err;
	}
	c->leader = leader ?: c;
	if (leader)
		list_add_tail_rcu(&c->member, &leader->members);
	idr_replace(&counters, c, c->id);
	counters_open++;
	*id = c->id;
	mutex_unlock(&counter_lock);
	return 0;
err:
	mutex_unlock(&counter_lock);
	llkm_rings_put(c->rings);
	put_pid(c->opener);
	kfree(c);
	return ret;
}

/*
 * Unpublishes one counter onto @dead: no new reader finds it; those that
 * did may still read it until counters_free() has waited for them.
 */
static void counter_release(struct llkm_counter *c, struct list_head *dead)
{
	lockdep_assert_held(&counter_lock);
	idr_remove(&counters, c->id);
	if (c->leader != c)
		list_del_rcu(&c->member);
	list_add_tail(&c->dead, dead);
	counters_open--;
}

/* After counter_release(): the readers gone, the events, then the memory. */
static void counters_free(struct list_head *dead)
{
	struct llkm_counter *c, *tmp;

	if (list_empty(dead))
		return;
	synchronize_srcu(&counter_srcu);
	list_for_each_entry(c, dead, dead)
		perf_event_release_kernel(c->event);
	/* A handler that started before the release has returned. */
	synchronize_rcu();
	list_for_each_entry_safe(c, tmp, dead, dead) {
		llkm_rings_put(c->rings);
		put_pid(c->opener);
		kfree(c);
	}
}

/* Release @c, and its members when it leads, onto @dead. */
static void group_release(struct llkm_counter *c, struct list_head *dead)
{
	struct llkm_counter *m, *tmp;

	if (c->leader == c)
		list_for_each_entry_safe(m, tmp, &c->members, member)
			counter_release(m, dead);
	counter_release(c, dead);
}

int llkm_counter_close(u32 owner, u32 id, bool all)
{
	struct llkm_counter *c;
	LIST_HEAD(dead);
	int ret = 0, i;

	mutex_lock(&counter_lock);
	if (all) {
		/* Leaders take their members along; members go first. */
		idr_for_each_entry(&counters, c, i)
			if (c->owner == owner && c->leader != c)
				group_release(c, &dead);
		idr_for_each_entry(&counters, c, i)
			if (c->owner == owner)
				group_release(c, &dead);
	} else {
		c = counter_find(owner, id);
		if (c)
			group_release(c, &dead);
		else
			ret = -ENOENT;
	}
	mutex_unlock(&counter_lock);
	counters_free(&dead);
	return ret;
}

int llkm_counter_enable(u32 owner, u32 id, bool enable)
{
	struct llkm_counter *c, *m;
	int ret = -ENOENT;

	mutex_lock(&counter_lock);
	c = counter_find(owner, id);
	if (!c)
		goto out;
	/* Members first on enable, the leader first on disable. */
	if (!enable)
		perf_event_disable(c->event);
	if (c->leader == c)
		list_for_each_entry(m, &c->members, member) {
			if (enable)
				perf_event_enable(m->event);
			else
				perf_event_disable(m->event);
		}
	if (enable)
		perf_event_enable(c->event);
	ret = 0;
out:
	mutex_unlock(&counter_lock);
	return ret;
}

static u32 state_of(const struct perf_event *event)
{
	switch (READ_ONCE(event->state)) {
	case PERF_EVENT_STATE_ACTIVE:
		return LLKM_CTR_STATE_ACTIVE;
	case PERF_EVENT_STATE_INACTIVE:
		return LLKM_CTR_STATE_INACTIVE;
	case PERF_EVENT_STATE_ERROR:
		return LLKM_CTR_STATE_ERROR;
	case PERF_EVENT_STATE_EXIT:
		return LLKM_CTR_STATE_EXIT;
	default:
		return LLKM_CTR_STATE_OFF;
	}
}

static void counter_read_one(struct llkm_counter *c,
			     struct llkm_counter_value *v)
{
	v->id = c->id;
	v->value = perf_event_read_value(c->event, &v->enabled, &v->running);
	v->state = state_of(c->event);
	v->samples = atomic_long_read(&c->samples);
	v->samples_lost = atomic_long_read(&c->samples_lost);
	v->throttled = atomic_long_read(&c->throttled);
}

int llkm_counter_read(u32 owner, u32 id, struct pid *reader,
		      struct llkm_counter_value *v, unsigned int room)
{
	struct llkm_counter *c, *m;
	int n = 0, idx;

	idx = srcu_read_lock(&counter_srcu);
	rcu_read_lock();
	c = idr_find(&counters, id);
	rcu_read_unlock();
	if (!c || c->owner != owner || (reader && c->opener != reader)) {
		n = -ENOENT;
		goto out;
	}
	if (room)
		counter_read_one(c, &v[0]);
	n = 1;
	if (c->leader == c)
		list_for_each_entry_srcu(m, &c->members, member,
					 srcu_read_lock_held(&counter_srcu)) {
			if (n < room)
				counter_read_one(m, &v[n]);
			n++;
		}
out:
	srcu_read_unlock(&counter_srcu, idx);
	return n;
}

unsigned int llkm_counters_open(void)
{
	unsigned int n;

	mutex_lock(&counter_lock);
	n = counters_open;
	mutex_unlock(&counter_lock);
	return n;
}

void llkm_counter_owner_gone(u32 owner)
{
	llkm_counter_close(owner, 0, true);
}

void llkm_counter_exit(void)
{
	struct llkm_counter *c;
	LIST_HEAD(dead);
	int id;

	mutex_lock(&counter_lock);
	idr_for_each_entry(&counters, c, id)
		if (c->leader != c)
			group_release(c, &dead);
	idr_for_each_entry(&counters, c, id)
		group_release(c, &dead);
	mutex_unlock(&counter_lock);
	counters_free(&dead);
	idr_destroy(&counters);
}
