// SPDX-License-Identifier: GPL-2.0
/*
 * Probes in kernel mode: fence costs, cache-line round trips, false
 * sharing, litmus tests, and the sweep kinds' points (branch patterns,
 * code footprints, memory bandwidth), run by kernel threads bound to the
 * CPUs asked for, with preemption off while a batch runs, and interrupts
 * off but for a window about every millisecond (probe_base.h's windows,
 * opened inside the core's loops and icache_batch()).
 * The measuring code is probe_core.h and probe_bw.h, the same source
 * llctl runs in user threads, and the icache probe's code regions
 * (probe_code.c) are laid out as llctl writes them: the two modes differ
 * only in where they run. llctl runs a sweep as one run per point. What
 * each kind takes (ops, flags, CPUs, a sweep's parameters) is checked
 * here too, by llkm_probe_check(), before genl.c asks for a run.
 *
 * One run at a time, asynchronous, and nothing long in the genl doit:
 * llkm_probe_start() checks what is cheap to check (no other run goes or
 * is being set up, rmmod, a bandwidth run's SIMD width and quarter-of-RAM
 * cap, the CPUs online), makes the small run struct the current run, gives
 * it its id and queues its work item on probe_wq, which the doit's reply
 * does not wait for. The work item sets the run up: allocates what it
 * holds (its samples, bounded by LLKM_PROBE_SAMPLES_MAX; a bandwidth run's
 * working sets, up to a quarter of RAM, zeroed: seconds), starts its
 * threads, waits for the run and hands the outcome, or the setup's error,
 * to genl.c, which tells the socket that asked (PROBE_DONE). A run ends
 * when its batches are done, its timeout passes, its socket asks
 * (PROBE_STOP) or closes, or rmmod stops every run. Stopping sets
 * run->stop, which the setup reads between two threads' working sets and
 * before it starts the threads (a stopped setup ends STOPPED, no samples),
 * and every spin in the core reads, so a batch in flight ends within its
 * spin bound; between batches the threads meet at a barrier with
 * interrupts on, where they stop too. A finished run stays on the runs
 * list, its samples there for PROBE_GET, until its socket starts another
 * run or closes, or rmmod.
 *
 * CPU hotplug: the doit checks the CPUs and makes the run current under
 * cpus_read_lock(); from then on one of the run's CPUs going offline stops
 * the run (a hotplug callback). Before its threads start, that is the
 * run's error (-ENODEV: the worker checks the CPUs again, under
 * cpus_read_lock(), as it starts them); after, the run replies STOPPED
 * with the batches it finished: the offline waits for one batch, not for
 * the run.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "llkm.h"
#include "llkm_arch.h"
#include "probe.h"
#include "probe_code.h"

/* llkm_arch_vec_begin() has saved the vector registers the kernels use. */
#define PROBE_BW_CLOBBERS
#include "probe_bw.h"

/* Batches the sweep kinds run first, as a warm-up, before the samples. */
#define SWEEP_WARMUP	2

struct probe_run {
	struct llkm_probe_cfg cfg;
	int stop;			/* read by every spin of the core */
	atomic_t arrived;		/* the batch barrier */
	atomic_t active;		/* threads still running batches */
	struct completion finished;	/* the last thread is done */
	u32 batches_done;		/* thread 0's */
	struct task_struct *task[LLKM_PROBE_THREADS_MAX];
	u64 *samples;
	u32 nsamples;
	struct probe_line *lines;	/* c2c: one; false sharing: writers */
	struct probe_litmus *litmus;
	struct probe_line scratch;	/* fence */
	int warmup;			/* batches before the samples */
	u64 warm[LLKM_PROBE_THREADS_MAX];	/* their samples, dropped */
	u64 *bits;			/* branch: the pattern */
	const u8 *entry;		/* icache: where the footprint starts */
	struct probe_bw_job *jobs;	/* bandwidth: one per thread */
	char *region[LLKM_PROBE_THREADS_MAX];
	probe_bw_fn bw;
	enum llkm_probe_why why;	/* what a refused run lacks */
	struct work_struct work;	/* waits for the run, then says so */
	u64 t0;				/* ktime_get_ns() at the start */
	/* Under probe_lock: */
	struct list_head node;		/* on runs */
	u32 id, owner;			/* owner: the socket's portid */
	bool done;			/* @res is final */
	bool orphan;			/* the owner closed: free when done */
	struct llkm_probe_done res;
};

/* What probe runs need where they are refused (genl.c says it). */
const char llkm_probes_need[] = LLKM_ARCH_PROBES_NEED;

static DEFINE_MUTEX(probe_lock);	/* one run at a time */
static struct probe_run *current_run;	/* guarded by probe_lock */
static LIST_HEAD(runs);			/* running and done, probe_lock */
static u32 last_id;			/* probe_lock */
static bool stopping;			/* rmmod: refuse new runs */
static int hotplug_state;		/* cpuhp_setup_state()'s, or 0 */
static struct workqueue_struct *probe_wq;
/*
 * The socket of the run in flight, 0 for none: written under probe_lock,
 * read without it by llkm_probe_owner_gone()'s wait (user sockets have
 * portids above 0), which run_ended wakes when a run ends.
 */
static u32 running_owner;
static DECLARE_WAIT_QUEUE_HEAD(run_ended);

/* Batch @b starts when every thread has arrived; false: stop instead. */
static bool batch_barrier(struct probe_run *run, u32 b)
{
	int want = (b + 1) * run->cfg.ncpus;
	unsigned int spins = 0;

	/*
	 * No timeout of its own: a slow peer may still be in a long batch.
	 * A peer that never comes is the run's timeout, which sets stop.
	 */
	atomic_inc(&run->arrived);
	while (atomic_read(&run->arrived) < want) {
		if (READ_ONCE(run->stop))
			return false;
		cpu_relax();
		if (!(++spins & 1023))
			cond_resched();
	}
	return !READ_ONCE(run->stop);
}

static bool per_thread_samples(u32 kind)
{
	return kind == LLKM_PROBE_FALSE_SHARING || kind == LLKM_PROBE_BANDWIDTH;
}

/* The samples @c makes: per batch, or per thread and batch; litmus 16. */
static u64 run_samples(const struct llkm_probe_cfg *c)
{
	if (c->kind == LLKM_PROBE_LITMUS)
		return LLKM_LITMUS_OUTCOMES_MAX;
	if (per_thread_samples(c->kind))
		return (u64)c->batches * c->ncpus;
	return c->batches;
}

/* Where thread @tid's sample of batch @b goes: a warm-up's is dropped. */
static u64 *sample_slot(struct probe_run *run, int tid, int b)
{
	if (b < 0)
		return &run->warm[tid];
	if (per_thread_samples(run->cfg.kind))
		return &run->samples[b * run->cfg.ncpus + tid];
	return &run->samples[b];
}

/*
 * The icache batch checks for a window (probe_base.h) after a run of calls
 * that together execute about this many bytes of code, or jump this many
 * times across pages.
 */
#define ICACHE_CHECK_BYTES	(64U << 10)
#define ICACHE_CHECK_PAGES	64U

/* Calls of @run's footprint between two checks for a window. */
static u64 icache_stride(const struct probe_run *run)
{
	if (run->cfg.op == LLKM_ICACHE_PAGES)
		return max_t(u64, 1, ICACHE_CHECK_PAGES / run->cfg.param);
	return ICACHE_CHECK_BYTES / (run->cfg.param + 64) + 1;
}

/*
 * @calls calls of the icache footprint: TSC cycles, windows left out.
 * The calls go into the middle of probe_code.c's regions, where no
 * function starts: a kernel built with clang's kCFI would find no type
 * hash before the target and trap, so this function makes its indirect
 * calls unchecked (__nocfi; noinline, so that the attribute stays with
 * the calls). IBT (arm64: BTI) still holds: every entry is an endbr64
 * (bti c). Elsewhere __nocfi is empty.
 */
static noinline __nocfi u64 icache_batch(const struct probe_run *run, u64 calls)
{
	void (*fn)(void) = (void (*)(void))run->entry;
	u64 stride = icache_stride(run), t0, i, k, m;
	struct probe_win w;

	probe_win_start(&w);
	t0 = probe_tsc_begin();
	for (i = 0; i < calls; i += m) {
		m = min(calls - i, stride);
		for (k = 0; k < m; k++)
			fn();
		if (probe_win_due(&w, 1))
			probe_win_open(&w);
	}
	return probe_tsc_end() - t0 - w.out;
}

/* One call of the footprint at @entry, untimed; __nocfi as above. */
static noinline __nocfi void icache_warm(const u8 *entry)
{
	((void (*)(void))entry)();
}

static u64 bw_batch(struct probe_run *run, int tid)
{
	u64 t0 = probe_tsc_begin();

	run->bw(&run->jobs[tid]);
	return probe_tsc_end() - t0 - run->jobs[tid].out;
}

/*
 * Whether this CPU's batch may let another task run in its windows: not
 * with the vector registers in use (bandwidth, kernel_fpu_begin()), nor
 * where a peer would go on measuring alone meanwhile (false sharing's
 * writers). Fences, branches and code run alone; c2c and litmus windows
 * fall where no peer times anything (probe_base.h). Read with preemption
 * off, by the thread that set it.
 */
static DEFINE_PER_CPU(bool, probe_may_yield);

/* In a window, interrupts on: a task waiting for this CPU runs now. */
void llkm_probe_yield(void)
{
	if (!need_resched() || !__this_cpu_read(probe_may_yield))
		return;
	preempt_enable();
	cond_resched();
	preempt_disable();
}

static bool may_yield(u32 kind)
{
	return kind != LLKM_PROBE_BANDWIDTH && kind != LLKM_PROBE_FALSE_SHARING;
}

/*
 * One batch of thread @tid, preemption and interrupts off but for the
 * windows of the core (probe_base.h), with interrupts on about every
 * millisecond (and, where may_yield(), another task let run if one waits
 * for this CPU); false when it was stopped.
 */
static bool one_batch(struct probe_run *run, int tid, int b)
{
	const struct llkm_probe_cfg *c = &run->cfg;
	u64 *out = sample_slot(run, tid, b);
	struct probe_line *slot;
	unsigned long flags;
	bool ok = true;

	preempt_disable();
	/* The kthread is migrate_disable()d: it yields and comes back here. */
	__this_cpu_write(probe_may_yield, may_yield(c->kind));
	if (c->kind == LLKM_PROBE_BANDWIDTH)
		llkm_arch_vec_begin();
	local_irq_save(flags);
	switch (c->kind) {
	case LLKM_PROBE_FENCE:
		*out = probe_fence_batch(c->op, c->iterations, &run->scratch);
		break;
	case LLKM_PROBE_C2C:
		if (tid == 0) {
			*out = probe_c2c_ping(run->lines, c->iterations,
					      &run->stop);
			ok = *out != 0;
		} else {
			ok = !probe_c2c_pong(run->lines, c->iterations,
					     &run->stop);
		}
		break;
	case LLKM_PROBE_FALSE_SHARING:
		/* Padded: a line each; shared: eight bytes each of one line. */
		slot = c->flags & LLKM_PROBE_F_PADDED ? &run->lines[tid] :
						      run->lines;
		*out = probe_fs_write((u64 *)slot + (c->flags & LLKM_PROBE_F_PADDED ?
						     0 : tid % 8),
				      c->iterations);
		break;
	case LLKM_PROBE_LITMUS:
		ok = !probe_litmus_run(run->litmus, c->op,
				       !!(c->flags & LLKM_PROBE_F_FENCED), tid,
				       c->iterations, tid ? NULL : run->samples,
				       &run->stop);
		break;
	case LLKM_PROBE_BRANCH:
		*out = probe_branch_batch(run->bits, c->iterations);
		break;
	case LLKM_PROBE_ICACHE:
		*out = icache_batch(run, c->iterations);
		break;
	case LLKM_PROBE_BANDWIDTH:
		*out = bw_batch(run, tid);
		break;
	}
	local_irq_restore(flags);
	if (c->kind == LLKM_PROBE_BANDWIDTH)
		llkm_arch_vec_end();
	__this_cpu_write(probe_may_yield, false);
	preempt_enable();
	return ok;
}

static int probe_thread(void *data)
{
	struct probe_run *run = data;
	int tid, b;

	for (tid = 0; tid < run->cfg.ncpus; tid++)
		if (run->task[tid] == current)
			break;
	/*
	 * Stay on this CPU while it goes offline: the scheduler moves a
	 * bound kthread that is not smpboot's off an inactive CPU, here onto
	 * a CPU where its peer may spin with interrupts off for a batch. So
	 * pinned, the thread runs until probe_cpu_down() stops the run, and
	 * lets go before it sleeps.
	 */
	migrate_disable();
	/* Moved already, before it could pin itself: the CPU is going. */
	if (smp_processor_id() != run->cfg.cpus[tid])
		WRITE_ONCE(run->stop, 1);
	/*
	 * An emulator translates code the first time it runs, a megabyte of
	 * it for a hundred milliseconds: not inside a call with interrupts
	 * off. Natively this call is one more warm-up.
	 */
	if (run->cfg.kind == LLKM_PROBE_ICACHE)
		icache_warm(run->entry);
	for (b = -run->warmup; b < (int)run->cfg.batches; b++) {
		if (!batch_barrier(run, b + run->warmup) ||
		    !one_batch(run, tid, b)) {
			WRITE_ONCE(run->stop, 1);	/* the others too */
			break;
		}
		if (tid == 0 && b >= 0)
			run->batches_done = b + 1;
		cond_resched();
	}
	migrate_enable();
	if (atomic_dec_and_test(&run->active))
		complete(&run->finished);
	/* kthread_stop() reaps us: nothing of ours runs after it returns. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* Branch: the pattern of PARAM bits (0: random), or random bits sorted. */
static int branch_alloc(struct probe_run *run)
{
	u64 seed = 0x9e3779b97f4a7c15ULL;	/* llctl's, the same every run */

	run->bits = kvmalloc(LLKM_BRANCH_BITS / 8, GFP_KERNEL);
	if (!run->bits)
		return -ENOMEM;
	probe_branch_fill(run->bits, run->cfg.param ?: LLKM_BRANCH_BITS, &seed);
	if (run->cfg.flags & LLKM_PROBE_F_SORTED)
		probe_branch_sort(run->bits);
	return 0;
}

/* Icache: PARAM bytes before the code region's return, or PARAM pages. */
static void icache_entry(struct probe_run *run)
{
	u64 first = LLKM_ICACHE_PAGES_MAX - run->cfg.param;
	const u8 *code = llkm_icache_code, *pages = llkm_icache_pages;

	/*
	 * Every entry is an endbr64, but objtool sees only the symbols: a
	 * relocation to one plus a constant looks like a call target that
	 * is not one. Hidden, the bases relocate to the symbols alone.
	 */
	OPTIMIZER_HIDE_VAR(code);
	OPTIMIZER_HIDE_VAR(pages);
	if (run->cfg.op == LLKM_ICACHE_CODE)
		run->entry = code + LLKM_ICACHE_CODE_MAX - run->cfg.param;
	else
		run->entry = pages + first * 4096 + (first * 64) % 4096;
}

/*
 * In the doit, what this CPU and machine must have: a fence op's feature;
 * bandwidth's SIMD width, and its working sets within a quarter of RAM.
 * Cheap, so refused at once.
 */
static int cpu_check(const struct llkm_probe_cfg *c, enum llkm_probe_why *why)
{
	u64 region = probe_bw_region_bytes(c->param);

	if (c->kind == LLKM_PROBE_FENCE) {
		/* The feature a fence op of this architecture needs. */
		*why = llkm_arch_fence_why(c->op);
		return *why != LLKM_PROBE_WHY_NONE ? -EOPNOTSUPP : 0;
	}
	if (c->kind != LLKM_PROBE_BANDWIDTH)
		return 0;
	if (!PROBE_BW_SUPPORTED) {
		*why = LLKM_PROBE_WHY_NO_BW_KERNELS;
		return -EOPNOTSUPP;
	}
	*why = llkm_arch_simd_why(c->simd);
	if (*why != LLKM_PROBE_WHY_NONE)
		return -EOPNOTSUPP;
	if (region * c->ncpus > (totalram_pages() << PAGE_SHIFT) / 4) {
		*why = LLKM_PROBE_WHY_RAM;
		return -ENOMEM;
	}
	return 0;
}

/*
 * Bandwidth, in the run's worker: a zeroed region per thread, on its CPU's
 * node, and its job. A stop meanwhile is heard between two regions (one
 * may take a second to zero): 0, the rest left unallocated.
 */
static int bw_alloc(struct probe_run *run)
{
	const struct llkm_probe_cfg *c = &run->cfg;
	u64 region = probe_bw_region_bytes(c->param);
	int i, node;

	run->jobs = kcalloc(c->ncpus, sizeof(*run->jobs), GFP_KERNEL);
	if (!run->jobs)
		return -ENOMEM;
	for (i = 0; i < c->ncpus; i++) {
		if (READ_ONCE(run->stop))
			return 0;
		node = c->cpus[i] < nr_cpu_ids ? cpu_to_node(c->cpus[i]) :
						 NUMA_NO_NODE;
		run->region[i] = vzalloc_node(region, node);
		if (!run->region[i])
			return -ENOMEM;
		probe_bw_layout(&run->jobs[i], c->op, run->region[i], c->param,
				c->prefetch);
		run->jobs[i].passes = c->iterations;
	}
	run->bw = probe_bw_fns[c->op][probe_bw_simd_idx(c->simd)][c->prefetch ? 1 : 0];
	return 0;
}

static int run_alloc(struct probe_run *run)
{
	const struct llkm_probe_cfg *c = &run->cfg;
	int ret = 0;

	run->nsamples = c->batches;
	if (per_thread_samples(c->kind))
		run->nsamples *= c->ncpus;
	switch (c->kind) {
	case LLKM_PROBE_BRANCH:
		ret = branch_alloc(run);
		break;
	case LLKM_PROBE_ICACHE:
		icache_entry(run);
		break;
	case LLKM_PROBE_BANDWIDTH:
		ret = bw_alloc(run);
		break;
	case LLKM_PROBE_LITMUS:
		run->nsamples = LLKM_LITMUS_OUTCOMES_MAX;
		run->litmus = kzalloc(sizeof(*run->litmus), GFP_KERNEL);
		if (!run->litmus)
			return -ENOMEM;
		break;
	}
	if (ret || READ_ONCE(run->stop))
		return ret;
	/* The sweep kinds' points: warmed up first, as llctl's are. */
	if (c->kind == LLKM_PROBE_BRANCH || c->kind == LLKM_PROBE_ICACHE ||
	    c->kind == LLKM_PROBE_BANDWIDTH)
		run->warmup = SWEEP_WARMUP;
	run->samples = kvcalloc(run->nsamples, sizeof(u64), GFP_KERNEL);
	/*
	 * kmalloc serves 128 bytes and up from power-of-two caches, so
	 * these 128-byte lines stay aligned.
	 */
	run->lines = kcalloc(c->ncpus, sizeof(*run->lines), GFP_KERNEL);
	return run->samples && run->lines ? 0 : -ENOMEM;
}

static void run_free(struct probe_run *run)
{
	int i;

	for (i = 0; i < LLKM_PROBE_THREADS_MAX; i++)
		vfree(run->region[i]);
	kfree(run->jobs);
	kvfree(run->bits);
	kvfree(run->samples);
	kfree(run->lines);
	kfree(run->litmus);
	kfree(run);
}

static int threads_start(struct probe_run *run)
{
	int i;

	atomic_set(&run->active, run->cfg.ncpus);
	for (i = 0; i < run->cfg.ncpus; i++) {
		run->task[i] = kthread_create_on_cpu(probe_thread, run,
						     run->cfg.cpus[i],
						     "llkm_probe/%u");
		if (IS_ERR(run->task[i])) {
			int ret = PTR_ERR(run->task[i]);

			run->task[i] = NULL;
			return ret;
		}
		get_task_struct(run->task[i]);
	}
	for (i = 0; i < run->cfg.ncpus; i++)
		wake_up_process(run->task[i]);
	return 0;
}

/* Stops and reaps every thread that was created. */
static void threads_stop(struct probe_run *run)
{
	int i;

	WRITE_ONCE(run->stop, 1);
	for (i = 0; i < run->cfg.ncpus; i++) {
		if (!run->task[i])
			continue;
		kthread_stop(run->task[i]);
		put_task_struct(run->task[i]);
	}
}

/* The smallest working set bandwidth kernel @op runs on: a step an array. */
static u64 bw_min_bytes(u32 op)
{
	return op <= LLKM_BW_MAX ? probe_bw_arrays[op] * PROBE_BW_STEP : 0;
}

/* The sweep kinds' PARAM, SIMD and PREFETCH, and the work of a batch. */
static int check_sweep(const struct llkm_probe_cfg *c, struct nlattr **tb,
		       struct netlink_ext_ack *extack)
{
	bool bw = c->kind == LLKM_PROBE_BANDWIDTH;
	u64 min = 0, max, work = c->param * c->iterations, work_max;
	struct nlattr *bad = NULL;

	if (tb[LLKM_PROBE_A_PARAM] && c->kind != LLKM_PROBE_BRANCH &&
	    c->kind != LLKM_PROBE_ICACHE && !bw)
		bad = tb[LLKM_PROBE_A_PARAM];
	if (!bw && (tb[LLKM_PROBE_A_SIMD] || tb[LLKM_PROBE_A_PREFETCH]))
		bad = tb[LLKM_PROBE_A_SIMD] ?: tb[LLKM_PROBE_A_PREFETCH];
	if (bad) {
		NL_SET_ERR_MSG_ATTR(extack, bad, "attribute not taken by this probe");
		return -EINVAL;
	}
	switch (c->kind) {
	case LLKM_PROBE_BRANCH:
		max = LLKM_BRANCH_BITS;
		work = c->iterations;
		work_max = LLKM_BRANCH_PASSES_MAX;
		if ((c->flags & LLKM_PROBE_F_SORTED) && c->param) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_FLAGS],
					    "sorted takes random bits: param 0");
			return -EINVAL;
		}
		break;
	case LLKM_PROBE_ICACHE:
		if (c->op == LLKM_ICACHE_PAGES) {
			min = 1;
			max = LLKM_ICACHE_PAGES_MAX;
			work_max = LLKM_PROBE_ITERATIONS_MAX;
			break;
		}
		max = LLKM_ICACHE_CODE_MAX;
		work_max = LLKM_ICACHE_BATCH_BYTES_MAX;
		if (c->param % 4) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_PARAM],
					    "code footprint must be whole 4-byte instructions");
			return -EINVAL;
		}
		break;
	case LLKM_PROBE_BANDWIDTH:
		min = bw_min_bytes(c->op);
		max = LLKM_BW_BYTES_MAX;
		work_max = LLKM_BW_BATCH_BYTES_MAX;
		if (c->simd & (c->simd - 1)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_SIMD],
					    "simd must be 64, 128, 256 or 512 bits");
			return -EINVAL;
		}
		if (c->prefetch % 64) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_PREFETCH],
					    "prefetch distance must be whole 64-byte lines");
			return -EINVAL;
		}
		break;
	default:
		return 0;
	}
	if (c->param < min || c->param > max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_PARAM],
				    "param out of this probe's range");
		return -ERANGE;
	}
	if (work > work_max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_ITERATIONS],
				    "too much work for one batch with preemption off");
		return -ERANGE;
	}
	return 0;
}

int llkm_probe_check(const struct llkm_probe_cfg *c, struct nlattr **tb,
		     struct netlink_ext_ack *extack)
{
	u32 ops = 0, flags = 0;
	int lo = 1, hi = 1;

	switch (c->kind) {
	case LLKM_PROBE_FENCE:
		ops = LLKM_FENCE_MAX;
		break;
	case LLKM_PROBE_C2C:
		lo = 2;
		hi = 2;
		break;
	case LLKM_PROBE_FALSE_SHARING:
		hi = LLKM_PROBE_THREADS_MAX;
		flags = LLKM_PROBE_F_PADDED;
		break;
	case LLKM_PROBE_LITMUS:
		ops = LLKM_LITMUS_MAX;
		flags = LLKM_PROBE_F_FENCED;
		if (c->op <= ops)
			lo = probe_litmus_threads(c->op);
		hi = lo;
		break;
	case LLKM_PROBE_BRANCH:
		flags = LLKM_PROBE_F_SORTED;
		break;
	case LLKM_PROBE_ICACHE:
		ops = LLKM_ICACHE_MAX;
		break;
	case LLKM_PROBE_BANDWIDTH:
		ops = LLKM_BW_MAX;
		hi = LLKM_PROBE_THREADS_MAX;
		break;
	}
	if (c->op > ops) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_OP],
				    "unknown op for this probe");
		return -EINVAL;
	}
	if (c->kind == LLKM_PROBE_FENCE && !probe_fence_op_built(c->op)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_OP],
				    "fence op of another architecture, or of user mode only");
		return -EINVAL;
	}
	if (c->ncpus < lo || c->ncpus > hi) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_CPUS],
				    "wrong number of CPUs for this probe");
		return -EINVAL;
	}
	if (c->flags & ~flags) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_FLAGS],
				    "flag not taken by this probe");
		return -EINVAL;
	}
	if (run_samples(c) > LLKM_PROBE_SAMPLES_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_BATCHES],
				    "batches x threads above LLKM_PROBE_SAMPLES_MAX samples");
		return -ERANGE;
	}
	return check_sweep(c, tb, extack);
}

static int check_cpus(const struct llkm_probe_cfg *c)
{
	int i, j;

	for (i = 0; i < c->ncpus; i++) {
		if (c->cpus[i] >= nr_cpu_ids || !cpu_online(c->cpus[i]))
			return -ENODEV;
		for (j = 0; j < i; j++)
			if (c->cpus[i] == c->cpus[j])
				return -EINVAL;
	}
	return 0;
}

/* The run of @owner with @id; NULL when it has none. Under probe_lock. */
static struct probe_run *run_find(u32 owner, u32 id)
{
	struct probe_run *run;

	lockdep_assert_held(&probe_lock);
	list_for_each_entry(run, &runs, node)
		if (run->owner == owner && run->id == id)
			return run;
	return NULL;
}

/*
 * Frees @owner's finished runs and marks its running one to stop and go
 * when done (run_work() frees it). Under probe_lock.
 */
static void runs_drop(u32 owner)
{
	struct probe_run *run, *tmp;

	lockdep_assert_held(&probe_lock);
	list_for_each_entry_safe(run, tmp, &runs, node) {
		if (run->owner != owner)
			continue;
		if (run->done) {
			list_del(&run->node);
			run_free(run);
		} else {
			run->orphan = true;
			WRITE_ONCE(run->stop, 1);
		}
	}
}

/*
 * The run's memory and threads, in its worker: 0 with the threads going,
 * or without them when a stop came during the allocation; or -errno.
 */
static int run_setup(struct probe_run *run)
{
	int ret = run_alloc(run);

	run->t0 = ktime_get_ns();
	if (ret)
		return ret;
	/*
	 * The doit saw the CPUs online. One gone offline since has stopped
	 * the run (probe_cpu_down()) and is its error: it could not start
	 * there. From here on, one going offline stops the run.
	 */
	cpus_read_lock();
	ret = check_cpus(&run->cfg);
	if (!ret && !READ_ONCE(run->stop))
		ret = threads_start(run);
	cpus_read_unlock();
	return ret;
}

/*
 * Waits for the threads, the run's timeout at most. The wait is
 * interruptible so that a long run is no hung task; a kworker takes no
 * signals.
 */
static void run_wait(struct probe_run *run)
{
	long left;

	left = wait_for_completion_interruptible_timeout(&run->finished,
							 msecs_to_jiffies(run->cfg.timeout_ms));
	if (left <= 0) {
		WRITE_ONCE(run->stop, 1);
		/* Every spin and barrier ends within about a second of the stop. */
		wait_for_completion(&run->finished);
	}
}

/* What PROBE_DONE says of @run, whose setup ended with @err. */
static void run_result(struct probe_run *run, int err,
		       struct llkm_probe_done *res)
{
	memset(res, 0, sizeof(*res));
	res->id = run->id;
	res->err = err;
	res->why = run->why;
	res->elapsed_ns = ktime_get_ns() - run->t0;
	res->tsc_khz = LLKM_ARCH_CLOCK_KHZ;
	if (err)
		return;
	res->stopped = run->batches_done < run->cfg.batches;
	res->nsamples = run->batches_done;
	if (!run->task[0])		/* stopped during the setup */
		res->nsamples = 0;
	else if (per_thread_samples(run->cfg.kind))
		res->nsamples = run->batches_done * run->cfg.ncpus;
	else if (run->cfg.kind == LLKM_PROBE_LITMUS)
		res->nsamples = run->nsamples;
}

/*
 * The run, from its start in the doit to its end: allocates what it
 * holds, starts its threads, waits for them, reaps them and makes its
 * result final: the owner is told, or an orphan is freed.
 */
static void run_work(struct work_struct *work)
{
	struct probe_run *run = container_of(work, struct probe_run, work);
	struct llkm_probe_done res;
	bool orphan;
	u32 owner;
	int err;

	err = run_setup(run);
	if (!err && run->task[0])
		run_wait(run);
	threads_stop(run);

	mutex_lock(&probe_lock);
	current_run = NULL;
	WRITE_ONCE(running_owner, 0);
	run_result(run, err, &res);
	run->res = res;
	run->done = true;
	owner = run->owner;
	orphan = run->orphan;
	if (orphan) {
		list_del(&run->node);
		run_free(run);
	}
	mutex_unlock(&probe_lock);
	/* Pairs with the wait_event() in llkm_probe_owner_gone(). */
	wake_up_all(&run_ended);
	/* @run may be gone now: its owner closing frees a done run. */
	if (!orphan)
		llkm_genl_probe_done(owner, &res);
}

/*
 * In the doit, under cpus_read_lock() and probe_lock: whether @run may
 * start now, what it asks of the CPU and of RAM, and its CPUs online.
 */
static int run_admit(struct probe_run *run)
{
	int ret;

	lockdep_assert_held(&probe_lock);
	if (current_run || stopping)
		return -EBUSY;
	ret = cpu_check(&run->cfg, &run->why);
	return ret ?: check_cpus(&run->cfg);
}

int llkm_probe_start(const struct llkm_probe_cfg *cfg, u32 owner, u32 *id,
		     enum llkm_probe_why *why)
{
	struct probe_run *run;
	int ret;

	if (!llkm_arch_probes_run())
		return -EOPNOTSUPP;
	/* llkm_probe_check() refused more; the allocation is bounded by it. */
	if (WARN_ON_ONCE(run_samples(cfg) > LLKM_PROBE_SAMPLES_MAX))
		return -ERANGE;
	/* Small: what a run holds, its worker allocates. */
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->cfg = *cfg;
	run->owner = owner;
	init_completion(&run->finished);
	INIT_WORK(&run->work, run_work);

	/* From here on a CPU going offline stops the run (probe_cpu_down()). */
	cpus_read_lock();
	mutex_lock(&probe_lock);
	ret = run_admit(run);
	if (!ret) {
		runs_drop(owner);	/* a socket keeps its last run only */
		current_run = run;
		WRITE_ONCE(running_owner, owner);
		run->id = ++last_id ?: ++last_id;
		list_add(&run->node, &runs);
		*id = run->id;
		/* Queued under probe_lock: rmmod's flush sees it. */
		queue_work(probe_wq, &run->work);
	}
	mutex_unlock(&probe_lock);
	cpus_read_unlock();
	if (ret) {
		*why = run->why;
		run_free(run);
	}
	return ret;
}

int llkm_probe_result(u32 owner, u32 id, u32 from, u64 *buf, u32 n,
		      struct llkm_probe_done *res)
{
	struct probe_run *run;
	int ret;

	mutex_lock(&probe_lock);
	run = run_find(owner, id);
	ret = -ENOENT;
	if (!run)
		goto out;
	ret = -EBUSY;
	if (!run->done)
		goto out;
	*res = run->res;
	ret = res->err;
	if (ret)
		goto out;	/* its setup failed: no samples */
	n = from < res->nsamples ? min(n, res->nsamples - from) : 0;
	if (n)
		memcpy(buf, run->samples + from, n * sizeof(u64));
	ret = n;
out:
	mutex_unlock(&probe_lock);
	return ret;
}

int llkm_probe_stop(u32 owner, u32 id)
{
	struct probe_run *run;
	int ret = -ENOENT;

	mutex_lock(&probe_lock);
	run = run_find(owner, id);
	if (run) {
		WRITE_ONCE(run->stop, 1);
		ret = 0;
	}
	mutex_unlock(&probe_lock);
	return ret;
}

/*
 * The run's socket closing stops the run and waits until its threads are
 * reaped (within a batch): when close() returns, the next run can start.
 */
void llkm_probe_owner_gone(u32 owner)
{
	mutex_lock(&probe_lock);
	runs_drop(owner);
	mutex_unlock(&probe_lock);
	/* Pairs with wake_up_all() in run_work(), after running_owner's store. */
	wait_event(run_ended, READ_ONCE(running_owner) != owner);
}

/*
 * One of the run's CPUs is going offline: stop the run. Its thread there
 * ends its batch and sleeps, which the offline waits for (a bound kthread
 * is not migrated away); kthread_stop() reaps it wherever it then runs.
 */
static int probe_cpu_down(unsigned int cpu)
{
	int i;

	mutex_lock(&probe_lock);
	for (i = 0; current_run && i < current_run->cfg.ncpus; i++)
		if (current_run->cfg.cpus[i] == cpu)
			WRITE_ONCE(current_run->stop, 1);
	mutex_unlock(&probe_lock);
	return 0;
}

int llkm_probe_init(void)
{
	int ret;

	probe_wq = alloc_workqueue("llkm_probe", WQ_UNBOUND, 1);
	if (!probe_wq)
		return -ENOMEM;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "llkm/probe:online",
					NULL, probe_cpu_down);
	if (ret < 0)
		goto err_wq;
	hotplug_state = ret;
	return 0;

err_wq:
	destroy_workqueue(probe_wq);
	return ret;
}

/* After llkm_probe_stop_all() and the family's end: frees what is left. */
void llkm_probe_exit(void)
{
	struct probe_run *run, *tmp;

	cpuhp_remove_state_nocalls(hotplug_state);
	mutex_lock(&probe_lock);
	list_for_each_entry_safe(run, tmp, &runs, node) {
		list_del(&run->node);
		run_free(run);
	}
	mutex_unlock(&probe_lock);
	destroy_workqueue(probe_wq);
}

/*
 * rmmod, while the family is still registered: stop the run in flight,
 * refuse new ones, and wait until the run's end has been announced.
 */
void llkm_probe_stop_all(void)
{
	mutex_lock(&probe_lock);
	stopping = true;
	if (current_run)
		WRITE_ONCE(current_run->stop, 1);
	mutex_unlock(&probe_lock);
	flush_workqueue(probe_wq);
}
