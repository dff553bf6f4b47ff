// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-side tracing: probes on the kernel's tracepoints that write
 * records into the session's rings, after the session's filters.
 *
 * Tracepoints are found by name (for_each_kernel_tracepoint), so llkm
 * needs no exported symbol of theirs. Only the events a session asked for
 * are attached; all are detached, and tracepoint_synchronize_unregister()
 * waits out running probes, before the session lets go of its state.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/compat.h>
#include <linux/interrupt.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>

#include "llkm.h"
#include "ring.h"

struct llkm_trace {
	struct llkm_rings *rings;
	u32 events;
	bool follow_fork;
	unsigned long *pids;	/* tgid bitmap, NULL: every process */
	u32 exclude[LLKM_TRACE_EXCLUDE_MAX];	/* tgids left out */
	unsigned int n_exclude;
	unsigned long *cpus;	/* CPU bitmap, NULL: every CPU */
	unsigned long *syscalls;	/* syscall bitmap, NULL: all */
	bool armed;		/* every probe is in: record */
	atomic64_t compat;	/* compat syscalls of traced tasks, dropped */
};

/*
 * A session's bitmaps: the pid one is 512 KiB (PID_MAX_LIMIT bits), so
 * vmalloc()ed rather than an order-7 kmalloc; charged to the starter.
 */
static unsigned long *trace_bitmap(unsigned int nbits)
{
	return kvcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long),
			GFP_KERNEL_ACCOUNT);
}

/* A byte bitmap from userspace (bit n of byte n / 8) as a kernel bitmap. */
static unsigned long *bitmap_from_bytes(const u8 *bytes, unsigned int len,
					unsigned int nbits)
{
	unsigned long *map = trace_bitmap(nbits);
	unsigned int i;

	if (!map)
		return NULL;
	for (i = 0; i < len * 8 && i < nbits; i++)
		if (bytes[i / 8] & (1 << (i % 8)))
			__set_bit(i, map);
	return map;
}

static bool syscall_wanted(const struct llkm_trace *t, long nr)
{
	return !t->syscalls ||
	       (nr >= 0 && nr < LLKM_TRACE_SYSCALLS_MAX && test_bit(nr, t->syscalls));
}

/* The CPU filter: is @cpu one the session traces? */
static bool cpu_traced(const struct llkm_trace *t, unsigned int cpu)
{
	return !t->cpus || (cpu < LLKM_TRACE_CPUS_MAX && test_bit(cpu, t->cpus));
}

/* Before reserving anything: is @task one the session traces? */
static bool task_traced(const struct llkm_trace *t, struct task_struct *task)
{
	unsigned int i;
	pid_t tgid;

	if (!t->pids && !t->n_exclude)
		return true;
	tgid = task_tgid_nr(task);
	for (i = 0; i < t->n_exclude; i++)
		if (t->exclude[i] == tgid)
			return false;
	return !t->pids ||
	       (tgid > 0 && tgid < PID_MAX_LIMIT && test_bit(tgid, t->pids));
}

/*
 * Probes may run preemptible (syscall tracepoints became faultable on
 * newer kernels): the ring is per CPU, so pin from reserve to commit.
 * Returns the payload to fill, or NULL (unpinned; counted lost when the
 * ring refused it, not counted at all before the session is armed).
 */
static void *rec_begin(struct llkm_trace *t, u16 type, u32 len,
		       struct llkm_ring **ring)
{
	struct llkm_rec *rec;
	int cpu;

	/*
	 * Probes come and go one by one: without this, the edges of a
	 * session would hold entries without exits (and exits without
	 * entries) from the whole attach and detach. Pairs with the
	 * WRITE_ONCE()s in llkm_trace_attach() and llkm_trace_detach().
	 */
	if (!READ_ONCE(t->armed))
		return NULL;
	preempt_disable_notrace();
	cpu = smp_processor_id();
	/* A CPU outside the mask: not produced, not lost. */
	if (!cpu_traced(t, cpu)) {
		preempt_enable_notrace();
		return NULL;
	}
	*ring = llkm_rings_cpu(t->rings, cpu);
	/*
	 * Cannot be NULL while armed: a CPU gets its ring before it runs
	 * (ring.c's hotplug callback). Checked as a fault costs more here.
	 */
	if (unlikely(!*ring)) {
		preempt_enable_notrace();
		return NULL;
	}
	rec = llkm_ring_reserve(*ring, type, len);
	if (!rec) {
		llkm_rings_lost(*ring);
		preempt_enable_notrace();
		return NULL;
	}
	return rec + 1;
}

static void rec_end(struct llkm_ring *ring)
{
	llkm_rings_commit(ring);
	preempt_enable_notrace();
}

/*
 * A 32-bit (ia32 or x32) syscall's number is of another table: recorded
 * as an x86-64 number it would name another syscall. As ftrace's syscall
 * events, drop it; unlike them, count it (on entry, once per syscall).
 */
static bool compat_dropped(struct llkm_trace *t, bool entry)
{
	if (!in_compat_syscall())
		return false;
	/* The pid and CPU filters apply, as to what is recorded. */
	if (entry && READ_ONCE(t->armed) &&
	    cpu_traced(t, raw_smp_processor_id()))
		atomic64_inc(&t->compat);
	return true;
}

static void probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct llkm_trace *t = data;
	struct llkm_rec_sys_enter *p;
	unsigned long args[6];
	struct llkm_ring *ring;
	int i;

	if (!task_traced(t, current) || compat_dropped(t, true) ||
	    !syscall_wanted(t, id))
		return;
	syscall_get_arguments(current, regs, args);
	p = rec_begin(t, LLKM_REC_SYS_ENTER, sizeof(*p), &ring);
	if (!p)
		return;
	p->nr = id;
	for (i = 0; i < 6; i++)
		p->args[i] = args[i];
	rec_end(ring);
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	struct llkm_trace *t = data;
	struct llkm_rec_sys_exit *p;
	struct llkm_ring *ring;
	long nr;

	if (!task_traced(t, current) || compat_dropped(t, false))
		return;
	nr = syscall_get_nr(current, regs);
	if (!syscall_wanted(t, nr))
		return;
	p = rec_begin(t, LLKM_REC_SYS_EXIT, sizeof(*p), &ring);
	if (!p)
		return;
	p->nr = nr;
	p->ret = ret;
	rec_end(ring);
}

/* Follow-fork: a traced parent's child is traced from its first event. */
static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	struct llkm_trace *t = data;
	struct llkm_rec_fork *p;
	struct llkm_ring *ring;
	pid_t tgid;

	if (!t->pids || !task_traced(t, parent))
		return;
	tgid = task_tgid_nr(child);
	if (tgid > 0 && tgid < PID_MAX_LIMIT)
		set_bit(tgid, t->pids);
	p = rec_begin(t, LLKM_REC_FORK, sizeof(*p), &ring);
	if (!p)
		return;
	p->child_pid = tgid;
	p->child_tid = task_pid_nr(child);
	rec_end(ring);
}

/* IRQs, softirqs and switches belong to the CPU: no pid filter. */
static void irq_rec(struct llkm_trace *t, u16 type, int irq, int ret)
{
	struct llkm_rec_irq *p;
	struct llkm_ring *ring;

	p = rec_begin(t, type, sizeof(*p), &ring);
	if (!p)
		return;
	p->irq = irq;
	p->ret = ret;
	rec_end(ring);
}

static void probe_irq_entry(void *data, int irq, struct irqaction *action)
{
	irq_rec(data, LLKM_REC_IRQ_ENTRY, irq, 0);
}

static void probe_irq_exit(void *data, int irq, struct irqaction *action,
			   int ret)
{
	irq_rec(data, LLKM_REC_IRQ_EXIT, irq, ret);
}

static void softirq_rec(struct llkm_trace *t, u16 type, unsigned int vec)
{
	struct llkm_rec_softirq *p;
	struct llkm_ring *ring;

	p = rec_begin(t, type, sizeof(*p), &ring);
	if (!p)
		return;
	p->vec = vec;
	p->pad = 0;
	rec_end(ring);
}

static void probe_softirq_entry(void *data, unsigned int vec)
{
	softirq_rec(data, LLKM_REC_SOFTIRQ_ENTRY, vec);
}

static void probe_softirq_exit(void *data, unsigned int vec)
{
	softirq_rec(data, LLKM_REC_SOFTIRQ_EXIT, vec);
}

static void probe_sched_switch(void *data, bool preempt,
			       struct task_struct *prev,
			       struct task_struct *next,
			       unsigned int prev_state)
{
	struct llkm_rec_sched_switch *p;
	struct llkm_ring *ring;

	p = rec_begin(data, LLKM_REC_SCHED_SWITCH, sizeof(*p), &ring);
	if (!p)
		return;
	p->prev_tid = task_pid_nr(prev);
	p->next_tid = task_pid_nr(next);
	p->next_pid = task_tgid_nr(next);
	p->prev_state = prev_state;
	/* As ftrace: a racing rename may show a mix, never overflow. */
	strscpy_pad(p->prev_comm, prev->comm, sizeof(p->prev_comm));
	strscpy_pad(p->next_comm, next->comm, sizeof(p->next_comm));
	rec_end(ring);
}

struct tp_probe {
	const char *name;
	void *probe;
	u32 event;		/* LLKM_TRACE_EV_* that needs it */
	bool fork;		/* needed by follow-fork */
	struct tracepoint *tp;	/* found at init */
};

static struct tp_probe probes[] = {
	{ "sys_enter", probe_sys_enter, LLKM_TRACE_EV_SYSCALLS },
	{ "sys_exit", probe_sys_exit, LLKM_TRACE_EV_SYSCALLS },
	{ "sched_process_fork", probe_fork, 0, true },
	{ "irq_handler_entry", probe_irq_entry, LLKM_TRACE_EV_IRQS },
	{ "irq_handler_exit", probe_irq_exit, LLKM_TRACE_EV_IRQS },
	{ "softirq_entry", probe_softirq_entry, LLKM_TRACE_EV_SOFTIRQS },
	{ "softirq_exit", probe_softirq_exit, LLKM_TRACE_EV_SOFTIRQS },
	{ "sched_switch", probe_sched_switch, LLKM_TRACE_EV_SCHED },
};

static bool probe_wanted(const struct llkm_trace *t, const struct tp_probe *p)
{
	return (t->events & p->event) || (p->fork && t->follow_fork);
}

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (!strcmp(tp->name, probes[i].name))
			probes[i].tp = tp;
}

void llkm_trace_init(void)
{
	for_each_kernel_tracepoint(find_tracepoint, NULL);
}

static void probes_detach(struct llkm_trace *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (probe_wanted(t, &probes[i]))
			tracepoint_probe_unregister(probes[i].tp, probes[i].probe, t);
	/* No probe of ours runs after this. */
	tracepoint_synchronize_unregister();
}

struct llkm_trace *llkm_trace_attach(struct llkm_rings *rings,
				     const struct llkm_trace_cfg *cfg)
{
	struct llkm_trace *t;
	unsigned int i;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->rings = rings;
	t->events = cfg->events;
	t->follow_fork = cfg->follow_fork && cfg->n_pids;
	t->n_exclude = min_t(unsigned int, cfg->n_exclude, LLKM_TRACE_EXCLUDE_MAX);
	memcpy(t->exclude, cfg->exclude, t->n_exclude * sizeof(u32));
	if (cfg->n_pids) {
		t->pids = trace_bitmap(PID_MAX_LIMIT);
		ret = -ENOMEM;
		if (!t->pids)
			goto err;
		for (i = 0; i < cfg->n_pids; i++)
			if (cfg->pids[i] > 0 && cfg->pids[i] < PID_MAX_LIMIT)
				set_bit(cfg->pids[i], t->pids);
	}
	ret = -ENOMEM;
	if (cfg->cpus) {
		t->cpus = bitmap_from_bytes(cfg->cpus, cfg->cpus_len,
					    LLKM_TRACE_CPUS_MAX);
		if (!t->cpus)
			goto err;
	}
	if (cfg->syscalls) {
		t->syscalls = bitmap_from_bytes(cfg->syscalls, cfg->syscalls_len,
						LLKM_TRACE_SYSCALLS_MAX);
		if (!t->syscalls)
			goto err;
	}
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		if (!probe_wanted(t, &probes[i]))
			continue;
		ret = -ENOENT;
		if (!probes[i].tp)
			goto err_detach;
		ret = tracepoint_probe_register(probes[i].tp, probes[i].probe, t);
		if (ret)
			goto err_detach;
	}
	WRITE_ONCE(t->armed, true);
	return t;

err_detach:
	pr_info("cannot attach to tracepoint %s: %d\n", probes[i].name, ret);
	probes_detach(t, i);
err:
	kvfree(t->syscalls);
	kvfree(t->cpus);
	kvfree(t->pids);
	kfree(t);
	return ERR_PTR(ret);
}

u64 llkm_trace_compat(struct llkm_trace *t)
{
	return t ? atomic64_read(&t->compat) : 0;
}

u64 llkm_trace_detach(struct llkm_trace *t)
{
	u64 compat;

	if (!t)
		return 0;
	WRITE_ONCE(t->armed, false);
	probes_detach(t, ARRAY_SIZE(probes));
	compat = atomic64_read(&t->compat);
	kvfree(t->syscalls);
	kvfree(t->cpus);
	kvfree(t->pids);
	kfree(t);
	return compat;
}
