/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm: what the parts of the module export to each other. Each part has
 * an init/exit pair called in order by main.c.
 */
#ifndef _LLKM_H
#define _LLKM_H

#include <linux/types.h>
#include <uapi/linux/llkm.h>

struct sk_buff;

/* defaults.c: module parameters, changeable at run time by SET_DEFAULTS */
struct llkm_defaults {
	u32 ring_size;
	u32 ring_mode;
};

void llkm_defaults_get(struct llkm_defaults *d);
void llkm_defaults_set(const struct llkm_defaults *d);
bool llkm_ring_size_valid(u32 size);

/* pmu.c: what perf knows on this kernel */
int llkm_pmu_init(void);
void llkm_pmu_exit(void);
/* Calls @fn for each registered PMU until it returns non-zero. */
int llkm_pmu_for_each(int (*fn)(const char *name, u32 type, void *data),
		      void *data);
u64 llkm_features(void);

/* chardev.c: /dev/llkm */
int llkm_chardev_init(void);
void llkm_chardev_exit(void);

/* ring.c: a session's per-CPU rings (ring_core.h holds the protocol) */
struct llkm_ring;
struct llkm_rings;
struct vm_area_struct;

struct file;
struct poll_table_struct;

struct netlink_ext_ack;

int llkm_rings_init(void);	/* the CPU hotplug state */
void llkm_rings_exit(void);
/*
 * Rings of @size for the online CPUs fit the cap (a quarter of RAM): 0,
 * or -E2BIG with an extack (@extack may be NULL) saying by how much.
 */
int llkm_rings_fit(u32 size, struct netlink_ext_ack *extack);
/*
 * A ring for each online CPU, and for each CPU that comes up until the
 * stop; charged to the caller's memory cgroup. @watermark: unread bytes
 * that wake poll(); 0 for half the ring. -EINVAL, -E2BIG (the cap),
 * -ENOMEM.
 */
/* @cancel: polled every 4 MiB, non-zero stops with -ECANCELED; or NULL. */
struct llkm_rings *llkm_rings_alloc(u32 size, u32 mode, u32 watermark,
				    const int *cancel);
/* Producers: ring.h's llkm_rings_this(), llkm_rings_commit(), ... */
__poll_t llkm_rings_poll(struct llkm_rings *rs, struct file *file,
			 struct poll_table_struct *wait);
/* No ring for CPUs that come up after this; pollers see EPOLLHUP. */
void llkm_rings_stop(struct llkm_rings *rs);
/* Closed: producers that check llkm_rings_open() write no more records. */
void llkm_rings_close(struct llkm_rings *rs);
bool llkm_rings_open(const struct llkm_rings *rs);
void llkm_rings_get(struct llkm_rings *rs);
void llkm_rings_put(struct llkm_rings *rs);
/* CPU @cpu's ring, or NULL: it was not online while the session ran. */
struct llkm_ring *llkm_rings_cpu(struct llkm_rings *rs, int cpu);
/* @writer: the caller may map the consumer page writable (the owner). */
int llkm_rings_mmap(struct llkm_rings *rs, struct vm_area_struct *vma,
		    bool writer);

/* trace.c: tracepoint probes that write into the rings */
struct llkm_trace_cfg {
	u32 events;		/* LLKM_TRACE_EV_* */
	const u32 *pids;	/* thread group ids, n_pids of them */
	unsigned int n_pids;
	u32 exclude[LLKM_TRACE_EXCLUDE_MAX];	/* tgids never recorded */
	unsigned int n_exclude;
	bool follow_fork;
	u32 ring_size;
	u32 ring_mode;
	u32 watermark;		/* bytes, 0: half the ring */
	const u8 *cpus;		/* bitmap of cpus_len bytes, or NULL */
	unsigned int cpus_len;
	const u8 *syscalls;	/* bitmap of syscalls_len bytes, or NULL */
	unsigned int syscalls_len;
};

struct llkm_trace;

void llkm_trace_init(void);
struct llkm_trace *llkm_trace_attach(struct llkm_rings *rings,
				     const struct llkm_trace_cfg *cfg);
/* Returns the compat syscalls it dropped, as llkm_trace_compat(). */
u64 llkm_trace_detach(struct llkm_trace *t);
/* Syscalls of 32-bit (ia32, x32) traced tasks it did not record so far. */
u64 llkm_trace_compat(struct llkm_trace *t);

/* session.c: the one trace session */
void llkm_session_init(void);
void llkm_session_exit(void);
/*
 * Queues the setup of a session owned by socket @portid and returns at
 * once: 0, or -EBUSY (a session runs or is being set up), -ENOMEM,
 * -ESHUTDOWN (rmmod). genl.c's llkm_genl_trace_started() hears how the
 * setup ended, from a kworker.
 */
int llkm_session_start(const struct llkm_trace_cfg *cfg, u32 portid);
/* Stops the session, or cancels its setup: 0, or -ENOENT (neither). */
int llkm_session_stop(void);
/* rmmod, the family still registered: cancels a setup and waits for it. */
void llkm_session_stop_all(void);
/* Socket @portid was released: stops the session when it owns it. */
void llkm_session_owner_gone(u32 portid);

/*
 * The session's notifier chain: each notifier gets an LLKM_EVENT_* and
 * one of these, in process context under session.c's lock, so it may
 * sleep but not call into session.c.
 */
struct llkm_session_event {
	u32 reason;		/* LLKM_STOP_*, 0 for none */
	u64 lost;		/* records lost so far */
};

struct notifier_block;

int llkm_session_notifier_register(struct notifier_block *nb);
void llkm_session_notifier_unregister(struct notifier_block *nb);

struct llkm_ring_stats {
	u32 cpu;
	u64 produced;
	u64 lost;
	u64 published;
};

/*
 * One entry per CPU with a ring, at most @max: how many, or -ENOENT; and
 * in *@compat the compat syscalls the session dropped.
 */
int llkm_session_stats(struct llkm_ring_stats *st, unsigned int max,
		       u64 *compat);
int llkm_session_mmap(struct vm_area_struct *vma);
__poll_t llkm_session_poll(struct file *file, struct poll_table_struct *wait);
void llkm_session_release(struct file *file);

/* The running session's rings when @portid owns it, referenced; or NULL. */
struct llkm_rings *llkm_session_rings_get(u32 portid);

#ifdef LLKM_BENCH
/* bench_ring.c (LLKM_BENCH=1 only): LLKM_IOC_BENCH_RING */
long llkm_bench_ring_ioctl(void __user *arg);
#endif

/* counter.c: perf events through the kernel API, owned by a socket */
struct nlattr;
struct pid;

struct llkm_counter_cfg {
	u32 type;
	u64 config, config1, config2;
	u32 pid, cpu, group;
	bool has_pid, has_cpu, has_group;
	u32 flags;		/* LLKM_CTR_F_* */
	u64 period;		/* 0: counting only */
};

void llkm_counter_exit(void);
int llkm_counter_open(const struct llkm_counter_cfg *cfg, u32 owner, u32 *id,
		      struct netlink_ext_ack *extack);
int llkm_counter_enable(u32 owner, u32 id, bool enable);
/* @all: every counter of @owner, @id ignored. */
int llkm_counter_close(u32 owner, u32 id, bool all);
/*
 * Reads the counter, or a leader and its members, into @v, at most @room
 * of them; returns how many there are (more than @room: read @room), or
 * -ENOENT. @reader: a thread group that must have opened it (the ioctl),
 * or NULL. Takes no lock and allocates nothing; may sleep.
 */
int llkm_counter_read(u32 owner, u32 id, struct pid *reader,
		      struct llkm_counter_value *v, unsigned int room);
unsigned int llkm_counters_open(void);
/* Socket @owner was released: closes every counter it owns. */
void llkm_counter_owner_gone(u32 owner);

/* probe.c: the probes' runs in kernel threads */
struct llkm_probe_cfg {
	u32 kind, op, flags;
	u32 ncpus;
	u32 cpus[LLKM_PROBE_THREADS_MAX];
	u64 iterations;
	u32 batches;
	u32 timeout_ms;
	u64 param;		/* branch, icache, bandwidth */
	u32 simd, prefetch;	/* bandwidth */
};

/* Why a run was refused, beyond its errno. */
enum llkm_probe_why {
	LLKM_PROBE_WHY_NONE,
	LLKM_PROBE_WHY_NO_AVX,
	LLKM_PROBE_WHY_NO_AVX512,
	LLKM_PROBE_WHY_RAM,
	LLKM_PROBE_WHY_NO_LSE,
	LLKM_PROBE_WHY_NO_RCPC,
	LLKM_PROBE_WHY_NO_BW_KERNELS,
	LLKM_PROBE_WHY_NO_FPSIMD,
	LLKM_PROBE_WHY_SVE_KERNEL,
};

/* A run's outcome, when it is done. */
struct llkm_probe_done {
	u32 id;
	int err;		/* its setup failed: -errno, no samples */
	enum llkm_probe_why why;	/* and why, beyond the errno */
	u32 nsamples;
	u32 tsc_khz;
	u64 elapsed_ns;
	bool stopped;		/* before every batch ran */
};

/*
 * Starts a run owned by socket @owner and returns at once: 0 and its *@id,
 * or -errno (and *@why). The run's memory is allocated and its threads
 * started by its worker; genl.c's llkm_genl_probe_done() hears when it
 * ends, or how its setup failed, from that workqueue.
 */
int llkm_probe_start(const struct llkm_probe_cfg *cfg, u32 owner, u32 *id,
		     enum llkm_probe_why *why);
/* What probe runs need, in words, where they are refused (-EOPNOTSUPP). */
extern const char llkm_probes_need[];
/*
 * Run @id of @owner, done: *@res, and up to @n of its samples from index
 * @from copied to @buf. How many, or -ENOENT (no such run), -EBUSY (it
 * still runs), or the -errno its setup failed with (*@res says why).
 */
int llkm_probe_result(u32 owner, u32 id, u32 from, u64 *buf, u32 n,
		      struct llkm_probe_done *res);
/* Stops run @id of @owner: 0, or -ENOENT. */
int llkm_probe_stop(u32 owner, u32 id);
/* Socket @owner was released: its run stops, its samples go. */
void llkm_probe_owner_gone(u32 owner);
void llkm_probe_stop_all(void);
int llkm_probe_init(void);	/* the workqueue, the CPU hotplug callback */
void llkm_probe_exit(void);
/*
 * What each kind takes beyond genl's policy: its ops, flags, number of
 * CPUs, and the sweep kinds' parameters. @tb: the LLKM_A_PROBE nest @cfg
 * was read from, which the extack message points into. 0, or -EINVAL or
 * -ERANGE.
 */
int llkm_probe_check(const struct llkm_probe_cfg *cfg, struct nlattr **tb,
		     struct netlink_ext_ack *extack);

/* How a session's setup ended, for the socket that asked. */
struct llkm_trace_started {
	int err;		/* 0: the session runs */
	u32 size, mode;		/* its rings, when it runs */
	const char *msg;	/* why it failed, or NULL */
};

/* genl.c: the "llkm" generic netlink family */
int llkm_genl_init(void);
void llkm_genl_exit(void);
/* Tells socket @owner how its start ended (LLKM_CMD_TRACE_STARTED); may sleep. */
void llkm_genl_trace_started(u32 owner, const struct llkm_trace_started *res);
/* Tells socket @owner its run ended (LLKM_CMD_PROBE_DONE); may sleep. */
void llkm_genl_probe_done(u32 owner, const struct llkm_probe_done *res);

#endif /* _LLKM_H */
