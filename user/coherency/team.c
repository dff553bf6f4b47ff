// SPDX-License-Identifier: GPL-2.0
/*
 * Pinned threads released together, under a watchdog (coherency/team.h).
 *
 * Each thread is created on its CPU (the affinity is in its attributes,
 * so it never runs elsewhere), checks in at a gate and spins there until
 * every thread has checked in: then the main thread opens the gate and
 * they all start within a cache-line transfer of each other.
 *
 * The threads block SIGINT and SIGTERM, so Ctrl-C reaches the main thread,
 * whose handler (the command's) sets *user_stop. The main thread waits on
 * a semaphore the threads post when done, waking every WATCH_MS to pass a
 * stop or the time limit on to the threads' stop flag.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "coherency/stats.h"
#include "coherency/team.h"
#include "lib/util.h"

#define WATCH_MS	100

struct gate {
	struct coh_team *t;
	int ready;		/* threads at the gate, atomic */
	int go;			/* the gate is open, atomic */
	sem_t done;
};

struct member {
	struct gate *g;
	int tid;
	int ret;
};

/* t->stop is read by every spin on other CPUs: one store, seen by all. */
static void set_stop(struct coh_team *t)
{
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELAXED);
}

static bool stopped(struct coh_team *t)
{
	return __atomic_load_n(&t->stop, __ATOMIC_RELAXED);
}

static void *member_main(void *arg)
{
	struct member *m = arg;
	struct gate *g = m->g;

	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	/*
	 * Pairs with the release store in open_gate(). Yielding, as the main
	 * thread may need this CPU to create the others.
	 */
	while (!__atomic_load_n(&g->go, __ATOMIC_ACQUIRE))
		sched_yield();
	m->ret = stopped(g->t) ? 0 : g->t->fn(g->t, m->tid);
	if (m->ret)
		set_stop(g->t);		/* the peers need not wait for us */
	sem_post(&g->done);
	return NULL;
}

/* The gate opens when every created thread is at it. */
static void open_gate(struct gate *g, int created)
{
	while (__atomic_load_n(&g->ready, __ATOMIC_ACQUIRE) < created)
		sched_yield();
	__atomic_store_n(&g->go, 1, __ATOMIC_RELEASE);
}

static int create(struct coh_team *t, struct member *m, pthread_t *th)
{
	pthread_attr_t attr;
	cpu_set_t *set;
	size_t size;
	int ret, cpu = t->cpus[m->tid];

	set = CPU_ALLOC(cpu + 1);
	if (!set)
		return ENOMEM;
	size = CPU_ALLOC_SIZE(cpu + 1);
	CPU_ZERO_S(size, set);
	CPU_SET_S(cpu, size, set);
	ret = pthread_attr_init(&attr);
	if (!ret) {
		ret = pthread_attr_setaffinity_np(&attr, size, set);
		if (!ret)
			ret = pthread_create(th, &attr, member_main, m);
		pthread_attr_destroy(&attr);
	}
	CPU_FREE(set);
	if (ret == EINVAL)
		llctl_err("Unable to start a thread on CPU %d: not in this process's CPU set (taskset, cgroup cpuset?)",
			  cpu);
	else if (ret)
		llctl_err("Unable to start a thread on CPU %d: %s", cpu,
			  strerror(ret));
	return ret;
}

/* Wait for @n posts, passing Ctrl-C and the time limit on to the threads. */
static void watch(struct coh_team *t, struct gate *g, int n)
{
	uint64_t deadline = coh_now_ns() +
		(uint64_t)(t->timeout_ms ? t->timeout_ms : COH_TIME_LIMIT_MS) *
		1000000ULL;
	struct timespec ts;

	while (n) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WATCH_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!sem_timedwait(&g->done, &ts)) {
			n--;
			continue;
		}
		if (t->user_stop && *t->user_stop && !stopped(t)) {
			t->interrupted = true;
			set_stop(t);
		}
		if (coh_now_ns() > deadline && !stopped(t)) {
			t->timed_out = true;
			set_stop(t);
		}
	}
}

int coh_team_run(struct coh_team *t)
{
	struct member m[LLKM_PROBE_THREADS_MAX];
	pthread_t th[LLKM_PROBE_THREADS_MAX];
	struct gate g = { .t = t };
	sigset_t block, old;
	int i, created = 0, ret = 0;

	t->stop = 0;
	t->interrupted = t->timed_out = false;
	t->failed = 0;
	if (t->n < 1 || t->n > LLKM_PROBE_THREADS_MAX)
		return -EINVAL;
	if (sem_init(&g.done, 0, 0))
		return -errno;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < t->n; i++) {
		m[i] = (struct member){ .g = &g, .tid = i };
		ret = create(t, &m[i], &th[i]);
		if (ret)
			break;
		created++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		set_stop(t);	/* the created ones leave at the gate */
	open_gate(&g, created);
	watch(t, &g, created);
	for (i = 0; i < created; i++) {
		pthread_join(th[i], NULL);
		if (m[i].ret)
			t->failed++;
	}
	sem_destroy(&g.done);
	if (ret)
		return -ret;
	if (t->interrupted)
		return -EINTR;
	if (t->timed_out)
		return -ETIMEDOUT;
	return t->failed ? -EIO : 0;
}
