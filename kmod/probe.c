// SPDX-License-Identifier: GPL-2.0
/*
 * Probes in kernel mode: fence costs, cache-line round trips, false
 * sharing and litmus tests, run by kernel threads bound to the CPUs asked
 * for, with preemption and interrupts off while a batch runs. The
 * measuring code is probe_core.h, the same source llctl runs in user
 * threads, so the two modes differ only in where they run.
 *
 * One run at a time. LLKM_CMD_PROBE_RUN blocks its caller until the run
 * ends: its batches are done, the caller got a signal (Ctrl-C, or its
 * socket going away with the process), the timeout passed, or rmmod asked
 * every run to stop. Stopping sets run->stop, which every spin in the core
 * reads, so a batch in flight ends within its spin bound; between batches
 * the threads meet at a barrier with interrupts on, where they stop too.
 * CPU hotplug waits for the run (cpus_read_lock()), at most its timeout.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "llkm.h"
#include "probe.h"

#ifdef CONFIG_X86_64
#include <asm/cpufeature.h>
#include <asm/tsc.h>
#endif

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
};

static DEFINE_MUTEX(probe_lock);	/* one run at a time */
static struct probe_run *current_run;	/* guarded by probe_lock */
static bool stopping;			/* rmmod: refuse new runs */

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

/* One batch of thread @tid, interrupts off; false when it was stopped. */
static bool one_batch(struct probe_run *run, int tid, u32 b)
{
	const struct llkm_probe_cfg *c = &run->cfg;
	struct probe_line *slot;
	unsigned long flags;
	bool ok = true;
	u64 cycles;

	local_irq_save(flags);
	switch (c->kind) {
	case LLKM_PROBE_FENCE:
		run->samples[b] = probe_fence_batch(c->op, c->iterations,
						    &run->scratch);
		break;
	case LLKM_PROBE_C2C:
		if (tid == 0) {
			cycles = probe_c2c_ping(run->lines, c->iterations,
						&run->stop);
			run->samples[b] = cycles;
			ok = cycles != 0;
		} else {
			ok = !probe_c2c_pong(run->lines, c->iterations,
					     &run->stop);
		}
		break;
	case LLKM_PROBE_FALSE_SHARING:
		/* Padded: a line each; shared: eight bytes each of one line. */
		slot = c->flags & LLKM_PROBE_F_PADDED ? &run->lines[tid] :
						      run->lines;
		run->samples[b * c->ncpus + tid] =
			probe_fs_write((u64 *)slot + (c->flags & LLKM_PROBE_F_PADDED ?
						      0 : tid % 8),
				       c->iterations);
		break;
	case LLKM_PROBE_LITMUS:
		ok = !probe_litmus_run(run->litmus, c->op,
				       !!(c->flags & LLKM_PROBE_F_FENCED), tid,
				       c->iterations, tid ? NULL : run->samples,
				       &run->stop);
		break;
	}
	local_irq_restore(flags);
	return ok;
}

static int probe_thread(void *data)
{
	struct probe_run *run = data;
	int tid, b;

	for (tid = 0; tid < run->cfg.ncpus; tid++)
		if (run->task[tid] == current)
			break;
	for (b = 0; b < run->cfg.batches; b++) {
		if (!batch_barrier(run, b) || !one_batch(run, tid, b)) {
			WRITE_ONCE(run->stop, 1);	/* the others too */
			break;
		}
		if (tid == 0)
			run->batches_done = b + 1;
		cond_resched();
	}
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

static int run_alloc(struct probe_run *run)
{
	const struct llkm_probe_cfg *c = &run->cfg;

	switch (c->kind) {
	case LLKM_PROBE_FALSE_SHARING:
		run->nsamples = c->batches * c->ncpus;
		break;
	case LLKM_PROBE_LITMUS:
		run->nsamples = LLKM_LITMUS_OUTCOMES_MAX;
		run->litmus = kzalloc(sizeof(*run->litmus), GFP_KERNEL);
		if (!run->litmus)
			return -ENOMEM;
		break;
	default:
		run->nsamples = c->batches;
	}
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

/* Waits for the run; a signal or the timeout stops it early. */
static void run_wait(struct probe_run *run)
{
	long left;

	left = wait_for_completion_killable_timeout(&run->finished,
						    msecs_to_jiffies(run->cfg.timeout_ms));
	if (left > 0)
		return;
	WRITE_ONCE(run->stop, 1);
	/* Every spin and barrier ends within about a second of the stop. */
	wait_for_completion(&run->finished);
}

int llkm_probe_run(const struct llkm_probe_cfg *cfg,
		   struct llkm_probe_result *res)
{
	struct probe_run *run;
	u64 t0;
	int ret;

	if (!IS_ENABLED(CONFIG_X86_64) || !boot_cpu_has(X86_FEATURE_TSC))
		return -EOPNOTSUPP;
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->cfg = *cfg;
	init_completion(&run->finished);
	ret = run_alloc(run);
	if (ret)
		goto out_free;

	mutex_lock(&probe_lock);
	ret = -EBUSY;
	if (current_run || stopping)
		goto out_unlock;
	current_run = run;
	mutex_unlock(&probe_lock);

	cpus_read_lock();
	ret = check_cpus(cfg);
	if (!ret)
		ret = threads_start(run);
	if (!ret) {
		t0 = ktime_get_ns();
		run_wait(run);
		res->elapsed_ns = ktime_get_ns() - t0;
	}
	threads_stop(run);
	cpus_read_unlock();

	mutex_lock(&probe_lock);
	current_run = NULL;
	if (!ret) {
		res->stopped = READ_ONCE(run->stop) &&
			       run->batches_done < cfg->batches;
		res->nsamples = run->nsamples;
		if (cfg->kind == LLKM_PROBE_FENCE || cfg->kind == LLKM_PROBE_C2C)
			res->nsamples = run->batches_done;
		else if (cfg->kind == LLKM_PROBE_FALSE_SHARING)
			res->nsamples = run->batches_done * cfg->ncpus;
		res->samples = run->samples;	/* the caller frees */
		run->samples = NULL;
		res->tsc_khz = tsc_khz;
	}
out_unlock:
	mutex_unlock(&probe_lock);
out_free:
	run_free(run);
	return ret;
}

/* rmmod: stop the run in flight and refuse new ones. */
void llkm_probe_stop_all(void)
{
	mutex_lock(&probe_lock);
	stopping = true;
	if (current_run)
		WRITE_ONCE(current_run->stop, 1);
	mutex_unlock(&probe_lock);
}
