// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-side tracing: probes on the kernel's tracepoints that write
 * records into the session's rings, after the session's filters.
 *
 * Tracepoints are found by name (for_each_kernel_tracepoint), so llkm
 * needs no exported symbol of theirs. Only the events a session asked for
 * are attached; all are detached, and tracepoint_synchronize_unregister()
 * waits out running probes, before the session lets go of its state.
 *
 * The pid filter is decided once per context switch, as ftrace's
 * ignore_pid (kernel/trace/trace_events.c): the sched_switch probe writes
 * whether the task it switches in is traced into a per-CPU flag, and the
 * per-event probes read that flag instead of looking the task up. A task
 * keeps its tgid through exec, so only a switch (fork: the child's first
 * one) changes what the flag says; the attach sets it on every CPU for the
 * task running there. Without a pid filter no flag is kept or read.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/compat.h>
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "llkm.h"
#include "ring.h"

struct llkm_trace {
	struct llkm_rings *rings;
	bool armed;		/* every probe is in: record */
	bool filter;		/* pids or exclude: the flag below decides */
	bool __percpu *traced;	/* the task on this CPU is traced */
	unsigned long *syscalls;	/* syscall bitmap, NULL: all */
	unsigned long *cpus;	/* CPU bitmap, NULL: every CPU */
	u32 events;
	bool follow_fork;
	unsigned long *pids;	/* tgid bitmap, NULL: every process */
	u32 exclude[LLKM_TRACE_EXCLUDE_MAX];	/* tgids left out */
	unsigned int n_exclude;
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

static __always_inline bool syscall_wanted(const struct llkm_trace *t, long nr)
{
	return !t->syscalls ||
	       (nr >= 0 && nr < LLKM_TRACE_SYSCALLS_MAX && test_bit(nr, t->syscalls));
}

/* The CPU filter: is @cpu one the session traces? */
static __always_inline bool cpu_traced(const struct llkm_trace *t,
				       unsigned int cpu)
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
 * Per event: is the current task traced? The flag of the CPU it runs on
 * is its own (written as it was switched in there), so one this_cpu_read()
 * is right even where the probe runs preemptible.
 */
static __always_inline bool current_traced(const struct llkm_trace *t)
{
	return !t->filter || this_cpu_read(*t->traced);
}

/* sched_switch, or the attach's IPI: the flag for the task on this CPU. */
static void traced_flag_set(struct llkm_trace *t, struct task_struct *task)
{
	this_cpu_write(*t->traced, task_traced(t, task));
}

static void traced_flag_init(void *data)
{
	traced_flag_set(data, current);
}

/*
 * Probes may run preemptible (syscall tracepoints became faultable on
 * newer kernels): the ring is per CPU, so pin from reserve to commit.
 * Returns true with the record's header in *@rec (its payload after it,
 * rec_payload()), pinned; or false, unpinned: counted lost when the ring
 * refused it, not counted at all before the session is armed.
 */
static __always_inline bool rec_begin(struct llkm_trace *t, u16 type, u32 len,
				      struct llkm_ring **ring,
				      struct llkm_rec **rec)
{
	/*
	 * Probes come and go one by one: without this, the edges of a
	 * session would hold entries without exits (and exits without
	 * entries) from the whole attach and detach. Pairs with the
	 * WRITE_ONCE()s in llkm_trace_attach() and llkm_trace_detach().
	 */
	if (!READ_ONCE(t->armed))
		return false;
	preempt_disable_notrace();
	/*
	 * A CPU outside the mask: not produced, not lost. The CPU's number
	 * is read only when there is a mask.
	 */
	if (unlikely(t->cpus) && !cpu_traced(t, smp_processor_id()))
		goto out;
	if (unlikely(!__llkm_rings_this(t->rings, ring)))
		goto out;
	if (likely(__llkm_ring_reserve(*ring, type, len, rec)))
		return true;
	llkm_rings_lost(*ring);
out:
	preempt_enable_notrace();
	return false;
}

#define rec_payload(rec)	((void *)((rec) + 1))

static __always_inline void rec_end(struct llkm_ring *ring)
{
	llkm_rings_commit(ring);
	preempt_enable_notrace();
}

/*
 * A 32-bit (ia32 or x32) syscall's number is of another table: recorded
 * as an x86-64 number it would name another syscall. As ftrace's syscall
 * events, drop it; unlike them, count it (on entry, once per syscall).
 * Inline: arm64's compiler made it a call per event, for a flag test.
 */
static __always_inline bool compat_dropped(struct llkm_trace *t, bool entry)
{
	if (!in_compat_syscall())
		return false;
	/* The pid and CPU filters apply, as to what is recorded. */
	if (entry && READ_ONCE(t->armed) &&
	    cpu_traced(t, raw_smp_processor_id()))
		atomic64_inc(&t->compat);
	return true;
}

/*
 * The path arguments of each syscall: bits 0-3 the first's index in the
 * arguments plus one, bits 4-7 the second's; 0: none. Filled by name from
 * the architecture's table at init (arm64 has no open, stat, access...),
 * so that the probe looks once, by number, whatever the syscall.
 */
static u8 path_args[LLKM_TRACE_SYSCALLS_MAX] __read_mostly;

#define PATH1(a)	((a) + 1)
#define PATH2(a, b)	(((a) + 1) | (((b) + 1) << 4))

static void path_args_init(void)
{
	static const struct { int nr; u8 args; } paths[] = {
#ifdef __NR_open
		{ __NR_open, PATH1(0) },
#endif
#ifdef __NR_creat
		{ __NR_creat, PATH1(0) },
#endif
#ifdef __NR_stat
		{ __NR_stat, PATH1(0) },
#endif
#ifdef __NR_lstat
		{ __NR_lstat, PATH1(0) },
#endif
#ifdef __NR_access
		{ __NR_access, PATH1(0) },
#endif
#ifdef __NR_unlink
		{ __NR_unlink, PATH1(0) },
#endif
#ifdef __NR_mkdir
		{ __NR_mkdir, PATH1(0) },
#endif
#ifdef __NR_rmdir
		{ __NR_rmdir, PATH1(0) },
#endif
#ifdef __NR_readlink
		{ __NR_readlink, PATH1(0) },
#endif
#ifdef __NR_chmod
		{ __NR_chmod, PATH1(0) },
#endif
#ifdef __NR_chown
		{ __NR_chown, PATH1(0) },
#endif
#ifdef __NR_lchown
		{ __NR_lchown, PATH1(0) },
#endif
#ifdef __NR_mknod
		{ __NR_mknod, PATH1(0) },
#endif
#ifdef __NR_utime
		{ __NR_utime, PATH1(0) },
#endif
#ifdef __NR_utimes
		{ __NR_utimes, PATH1(0) },
#endif
#ifdef __NR_rename
		{ __NR_rename, PATH2(0, 1) },
#endif
#ifdef __NR_link
		{ __NR_link, PATH2(0, 1) },
#endif
#ifdef __NR_symlink
		{ __NR_symlink, PATH2(0, 1) },
#endif
#ifdef __NR_futimesat
		{ __NR_futimesat, PATH1(1) },
#endif
#ifdef __NR_newfstatat
		{ __NR_newfstatat, PATH1(1) },
#endif
		{ __NR_execve, PATH1(0) },
		{ __NR_truncate, PATH1(0) },
		{ __NR_chdir, PATH1(0) },
		{ __NR_chroot, PATH1(0) },
		{ __NR_statfs, PATH1(0) },
		{ __NR_acct, PATH1(0) },
		{ __NR_swapon, PATH1(0) },
		{ __NR_swapoff, PATH1(0) },
		{ __NR_pivot_root, PATH2(0, 1) },
		{ __NR_setxattr, PATH1(0) },
		{ __NR_lsetxattr, PATH1(0) },
		{ __NR_getxattr, PATH1(0) },
		{ __NR_lgetxattr, PATH1(0) },
		{ __NR_listxattr, PATH1(0) },
		{ __NR_llistxattr, PATH1(0) },
		{ __NR_removexattr, PATH1(0) },
		{ __NR_lremovexattr, PATH1(0) },
		{ __NR_openat, PATH1(1) },
		{ __NR_openat2, PATH1(1) },
		{ __NR_statx, PATH1(1) },
		{ __NR_faccessat, PATH1(1) },
		{ __NR_faccessat2, PATH1(1) },
		{ __NR_execveat, PATH1(1) },
		{ __NR_unlinkat, PATH1(1) },
		{ __NR_mkdirat, PATH1(1) },
		{ __NR_mknodat, PATH1(1) },
		{ __NR_readlinkat, PATH1(1) },
		{ __NR_fchmodat, PATH1(1) },
		{ __NR_fchownat, PATH1(1) },
		{ __NR_utimensat, PATH1(1) },
		{ __NR_name_to_handle_at, PATH1(1) },
		{ __NR_renameat2, PATH2(1, 3) },
#ifdef __NR_renameat
		{ __NR_renameat, PATH2(1, 3) },
#endif
		{ __NR_linkat, PATH2(1, 3) },
		{ __NR_symlinkat, PATH2(0, 2) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (paths[i].nr >= 0 && paths[i].nr < LLKM_TRACE_SYSCALLS_MAX)
			path_args[paths[i].nr] = paths[i].args;
}

/*
 * A CPU's copies of the paths of the entry being recorded: they are
 * copied before the record is reserved, to size it. Used with preemption
 * off, and sys_enter does not nest on a CPU.
 */
struct path_copy {
	long ret[2];		/* path_copy()'s results */
	char buf[2][LLKM_PATH_MAX + 1];
};

static DEFINE_PER_CPU(struct path_copy, path_copies);

/*
 * strncpy_from_user_nofault() is not exported (6.1): this is its body,
 * strncpy_from_user() with page faults off, so a string whose page is not
 * present fails (-EFAULT) instead of sleeping. Its result: -EFAULT, the
 * length (at most LLKM_PATH_MAX), or LLKM_PATH_MAX + 1 for a longer string
 * (@buf then holds its first LLKM_PATH_MAX + 1 bytes, no NUL).
 */
static long path_copy(char *buf, unsigned long uaddr)
{
	long ret;

	pagefault_disable();
	ret = strncpy_from_user(buf, (const char __user *)uaddr,
				LLKM_PATH_MAX + 1);
	pagefault_enable();
	return ret < 0 ? -EFAULT : ret;
}

static u16 path_len(long ret)
{
	return ret < 0 ? 0 : min_t(long, ret, LLKM_PATH_MAX);
}

/* A path's trailer: its header, its bytes, a NUL, NULs to 8 bytes. */
static u32 path_size(long ret)
{
	return sizeof(struct llkm_rec_sys_path) +
	       round_up(path_len(ret) + 1, LLKM_REC_ALIGN);
}

/* The trailer of path @k of @pc, as argument @arg; returns its size. */
static u32 path_fill(struct llkm_rec_sys_path *sp, const struct path_copy *pc,
		     unsigned int k, unsigned int arg)
{
	long ret = pc->ret[k];
	u32 size = path_size(ret);
	u16 len = path_len(ret);

	sp->arg = arg;
	sp->flags = ret < 0 ? LLKM_PATH_FAULT :
		    ret > LLKM_PATH_MAX ? LLKM_PATH_CUT : 0;
	sp->len = len;
	sp->pad = 0;
	memcpy(sp->path, pc->buf[k], len);
	memset(sp->path + len, 0, size - sizeof(*sp) - len);
	return size;
}

/* A syscall's arguments into a record's args[]. */
static __always_inline void sys_enter_args(u64 *out, struct pt_regs *regs)
{
	unsigned long args[6];
	int i;

	/* 64-bit: straight from the registers, no copy on the stack. */
	if (sizeof(args[0]) == sizeof(*out)) {
		syscall_get_arguments(current, regs, (unsigned long *)out);
		return;
	}
	syscall_get_arguments(current, regs, args);
	for (i = 0; i < 6; i++)
		out[i] = args[i];
}

/*
 * The entry of a syscall with path arguments (@paths: path_args[]), out
 * of line: its copies cost far more than the call.
 */
static noinline void sys_enter_paths(struct llkm_trace *t,
				     struct pt_regs *regs, long id, u8 paths)
{
	struct llkm_rec_sys_enter *p;
	struct path_copy *pc = NULL;
	u32 len = sizeof(*p), off;
	unsigned long args[6];
	struct llkm_ring *ring;
	struct llkm_rec *rec;
	unsigned int k, arg;

	syscall_get_arguments(current, regs, args);
	/* Not armed: no copy for a record that will not be. */
	if (READ_ONCE(t->armed)) {
		preempt_disable_notrace();
		pc = this_cpu_ptr(&path_copies);
		for (k = 0; k < 2 && (paths >> (4 * k)) & 0xf; k++) {
			arg = ((paths >> (4 * k)) & 0xf) - 1;
			pc->ret[k] = path_copy(pc->buf[k], args[arg]);
			len += path_size(pc->ret[k]);
		}
	}
	if (rec_begin(t, LLKM_REC_SYS_ENTER, len, &ring, &rec)) {
		p = rec_payload(rec);
		p->nr = id;
		for (k = 0; k < 6; k++)
			p->args[k] = args[k];
		off = sizeof(*p);
		for (k = 0; pc && k < 2 && (paths >> (4 * k)) & 0xf; k++) {
			arg = ((paths >> (4 * k)) & 0xf) - 1;
			off += path_fill((void *)p + off, pc, k, arg);
		}
		rec_end(ring);
	}
	if (pc)
		preempt_enable_notrace();
}

static void probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct llkm_trace *t = data;
	struct llkm_rec_sys_enter *p;
	struct llkm_ring *ring;
	struct llkm_rec *rec;
	u8 paths;

	if (!current_traced(t) || compat_dropped(t, true) ||
	    !syscall_wanted(t, id))
		return;
	/* The one look for every syscall: does it take paths? */
	paths = id >= 0 && id < LLKM_TRACE_SYSCALLS_MAX ? path_args[id] : 0;
	if (unlikely(paths)) {
		sys_enter_paths(t, regs, id, paths);
		return;
	}
	if (!rec_begin(t, LLKM_REC_SYS_ENTER, sizeof(*p), &ring, &rec))
		return;
	p = rec_payload(rec);
	p->nr = id;
	sys_enter_args(p->args, regs);
	rec_end(ring);
}

/* A thread's new name: after an exec or a prctl (PR_SET_NAME). */
static bool renames(long nr, long ret)
{
	return nr == __NR_prctl ||
	       ((nr == __NR_execve || nr == __NR_execveat) && !ret);
}

static void comm_rec(struct llkm_trace *t)
{
	struct llkm_rec_comm *p;
	struct llkm_ring *ring;
	struct llkm_rec *rec;

	if (!rec_begin(t, LLKM_REC_COMM, sizeof(*p), &ring, &rec))
		return;
	p = rec_payload(rec);
	strscpy_pad(p->comm, current->comm, sizeof(p->comm));
	rec_end(ring);
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	struct llkm_trace *t = data;
	struct llkm_rec_sys_exit *p;
	struct llkm_ring *ring;
	struct llkm_rec *rec;
	long nr;

	if (!current_traced(t) || compat_dropped(t, false))
		return;
	nr = syscall_get_nr(current, regs);
	/* Whatever --syscall says: every later line names the thread. */
	if (unlikely(renames(nr, ret)))
		comm_rec(t);
	if (!syscall_wanted(t, nr))
		return;
	if (!rec_begin(t, LLKM_REC_SYS_EXIT, sizeof(*p), &ring, &rec))
		return;
	p = rec_payload(rec);
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
	struct llkm_rec *rec;
	pid_t tgid;

	if (!t->pids || !task_traced(t, parent))
		return;
	tgid = task_tgid_nr(child);
	if (tgid > 0 && tgid < PID_MAX_LIMIT)
		set_bit(tgid, t->pids);
	if (!rec_begin(t, LLKM_REC_FORK, sizeof(*p), &ring, &rec))
		return;
	p = rec_payload(rec);
	p->child_pid = tgid;
	p->child_tid = task_pid_nr(child);
	rec_end(ring);
}

/* IRQs, softirqs and switches belong to the CPU: no pid filter. */
static void irq_rec(struct llkm_trace *t, u16 type, int irq, int ret)
{
	struct llkm_rec_irq *p;
	struct llkm_ring *ring;
	struct llkm_rec *rec;

	if (!rec_begin(t, type, sizeof(*p), &ring, &rec))
		return;
	p = rec_payload(rec);
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
	struct llkm_rec *rec;

	if (!rec_begin(t, type, sizeof(*p), &ring, &rec))
		return;
	p = rec_payload(rec);
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
	struct llkm_trace *t = data;
	struct llkm_rec_sched_switch *p;
	struct llkm_ring *ring;
	struct llkm_rec *rec;

	/*
	 * IRQs are off until @next runs: no probe of this CPU sees the flag
	 * between this write and the switch.
	 */
	if (t->filter)
		traced_flag_set(t, next);
	if (!(t->events & LLKM_TRACE_EV_SCHED))
		return;
	if (!rec_begin(t, LLKM_REC_SCHED_SWITCH, sizeof(*p), &ring, &rec))
		return;
	p = rec_payload(rec);
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
	bool filter;		/* needed by a pid filter (the flag) */
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
	{ "sched_switch", probe_sched_switch, LLKM_TRACE_EV_SCHED, false, true },
};

static bool probe_wanted(const struct llkm_trace *t, const struct tp_probe *p)
{
	return (t->events & p->event) || (p->fork && t->follow_fork) ||
	       (p->filter && t->filter);
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
	path_args_init();
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
	t->filter = cfg->n_pids || t->n_exclude;
	ret = -ENOMEM;
	if (t->filter) {
		t->traced = alloc_percpu_gfp(bool, GFP_KERNEL_ACCOUNT);
		if (!t->traced)
			goto err;
	}
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
	/*
	 * Each CPU's flag for the task it runs now: sched_switch's probe is
	 * in, so every later switch keeps it right (on a CPU that comes
	 * online, the first task is switched in). Before armed: nothing is
	 * recorded on a flag that is not set yet.
	 */
	if (t->filter)
		on_each_cpu(traced_flag_init, t, 1);
	WRITE_ONCE(t->armed, true);
	return t;

err_detach:
	pr_info("cannot attach to tracepoint %s: %d\n", probes[i].name, ret);
	probes_detach(t, i);
err:
	kvfree(t->syscalls);
	kvfree(t->cpus);
	kvfree(t->pids);
	free_percpu(t->traced);
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
	free_percpu(t->traced);
	kfree(t);
	return compat;
}
