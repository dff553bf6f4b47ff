// SPDX-License-Identifier: GPL-2.0
/*
 * llctl analyze's rules: the one table below. To add a rule, add its
 * measurement to enum an_measure (analyze/rules.h), fill it in
 * cmd-analyze.c, and add a row here and a test in
 * selftests/host/unit/analyze_test.c (fires above, silent below).
 */
#include <stdio.h>
#include <string.h>

#include "analyze/rules.h"

void an_evidence_init(struct an_evidence *e)
{
	int i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < AN_MEASURES; i++)
		snprintf(e->m[i].why, sizeof(e->m[i].why), "not measured");
}

void an_set(struct an_evidence *e, enum an_measure m, double v)
{
	e->m[m].valid = true;
	e->m[m].value = v;
	e->m[m].why[0] = 0;
}

void an_unset(struct an_evidence *e, enum an_measure m, const char *why)
{
	e->m[m].valid = false;
	snprintf(e->m[m].why, sizeof(e->m[m].why), "%s", why);
}

void an_set_plausible(struct an_evidence *e, enum an_measure m, double v,
		      enum llctl_plaus k, double scale)
{
	char why[320];

	if (llctl_plausible(k, v, scale, why, sizeof(why)))
		an_set(e, m, v);
	else
		an_unset(e, m, why);
}

const char *an_cmp_name(enum an_cmp cmp)
{
	return cmp == AN_ABOVE ? ">" : "<";
}

/* "<what> = <value> (threshold <cmp> <threshold>)" */
static void plain(const struct an_rule *r, const struct an_evidence *e,
		  char *buf, size_t len)
{
	snprintf(buf, len, "%s = %.4g (threshold %s %.4g)", r->what,
		 e->m[r->measure].value, an_cmp_name(r->cmp), r->threshold);
}

/* Shares as percentages. */
static void percent(const struct an_rule *r, const struct an_evidence *e,
		    char *buf, size_t len)
{
	snprintf(buf, len, "%s = %.1f%% (threshold %s %.1f%%)", r->what,
		 100 * e->m[r->measure].value, an_cmp_name(r->cmp),
		 100 * r->threshold);
}

static void syscall_share(const struct an_rule *r, const struct an_evidence *e,
			  char *buf, size_t len)
{
	snprintf(buf, len,
		 "%s = %.1f%% (threshold %s %.1f%%); most in %s: %.1f%%",
		 r->what, 100 * e->m[r->measure].value, an_cmp_name(r->cmp),
		 100 * r->threshold, e->top_syscall[0] ? e->top_syscall : "?",
		 100 * e->top_syscall_share);
}

static void kappa(const struct an_rule *r, const struct an_evidence *e,
		  char *buf, size_t len)
{
	snprintf(buf, len,
		 "USL kappa = %.3g +- %.2g: %s = %.3g (threshold %s %.3g)",
		 e->kappa, e->kappa_se, r->what, e->m[r->measure].value,
		 an_cmp_name(r->cmp), r->threshold);
}

/* IPC with the two counts it comes from. */
static void ipc(const struct an_rule *r, const struct an_evidence *e,
		char *buf, size_t len)
{
	snprintf(buf, len,
		 "%s = %.3f (threshold %s %.3g): %.0f instructions in %.0f cycles",
		 r->what, e->m[r->measure].value, an_cmp_name(r->cmp),
		 r->threshold, e->instructions, e->cycles);
}

const struct an_rule an_rules[] = {
	{ "context_switch_rate", AN_CTX_PER_S,
	  "context switches per second per thread", 500, AN_ABOVE, plain,
	  "threads block and wake often: pin busy threads to CPUs, spin or busy-poll (net.core.busy_poll, SO_BUSY_POLL) instead of sleeping, batch the work per wakeup" },
	{ "page_fault_rate", AN_FAULTS_PER_S,
	  "page faults per second", 20000, AN_ABOVE, plain,
	  "memory is faulted in during the run: use huge pages (THP madvise, hugetlbfs), pre-fault (MAP_POPULATE, mlock) or reuse buffers" },
	{ "migration_rate", AN_MIGR_PER_S,
	  "CPU migrations per second", 100, AN_ABOVE, plain,
	  "threads move between CPUs and lose their caches: pin them (taskset, pthread_setaffinity_np) or keep the scheduler off their CPUs (isolcpus, cpusets)" },
	{ "low_cpu_utilization", AN_CPU_UTIL,
	  "CPU time per thread per second of wall time", 0.5, AN_BELOW, percent,
	  "the threads are mostly off CPU: blocked on locks, sleeps or I/O; see the syscall and futex times, trace with 'llctl trace --sched'" },
	{ "syscall_time_share", AN_SYSCALL_SHARE,
	  "time in syscalls (futex aside) per thread", 0.3, AN_ABOVE, syscall_share,
	  "much time is spent in the kernel: batch the calls (io_uring, sendmmsg/recvmmsg, writev, larger buffers) or avoid them (vDSO clocks, user-space queues)" },
	{ "futex_time_share", AN_FUTEX_SHARE,
	  "time in futex per thread", 0.1, AN_ABOVE, percent,
	  "threads wait on each other's locks: shorten or split the critical sections, shard the data, or use lock-free structures" },
	{ "irq_time_share", AN_IRQ_SHARE,
	  "IRQ and softirq time per CPU", 0.05, AN_ABOVE, percent,
	  "interrupts take a share of the CPUs: set IRQ affinity away from the workload's CPUs, raise interrupt coalescing (ethtool -C), or use RPS/RFS" },
	{ "backend_bound", AN_TD_BACKEND,
	  "top-down backend-bound share (of the slots; of the cycles on Arm)", 0.4, AN_ABOVE, percent,
	  "the core waits on memory or execution units: improve locality (smaller working set, sequential access, prefetch), check 'llctl metrics' for cache misses" },
	{ "bad_speculation", AN_TD_BAD_SPEC,
	  "top-down bad-speculation share (of the slots; of the cycles on Arm)", 0.15, AN_ABOVE, percent,
	  "many slots are thrown away on mispredictions: make branches predictable (sort data, branchless code, likely/unlikely), see branch-misses" },
	{ "frontend_bound", AN_TD_FRONTEND,
	  "top-down frontend-bound share (of the slots; of the cycles on Arm)", 0.3, AN_ABOVE, percent,
	  "the core starves for instructions: shrink the hot code, use PGO/LTO, or BOLT to lay it out" },
	/*
	 * IPC: current cores issue 4 to 10 instructions a cycle, and code
	 * that seldom stalls runs at 1 or more on them. Below 0.7 most
	 * cycles issue nothing even on a 2-wide core: stall-bound, and
	 * top-down says where. Below 0.25, 4 or more cycles an instruction,
	 * few stalls but memory's last that long (an L2 hit costs 10-15
	 * cycles, DRAM hundreds): the pointer-chasing stride benchmark of
	 * Arm's N1 top-down methodology runs at 0.22 (docs/analyze.md).
	 */
	{ "low_ipc", AN_IPC,
	  "instructions per cycle", 0.7, AN_BELOW, ipc,
	  "the core is stall-bound: most cycles issue nothing; see top-down level 1 (frontend or backend bound) and 'llctl metrics' for cache and branch misses" },
	{ "very_low_ipc", AN_IPC,
	  "instructions per cycle", 0.25, AN_BELOW, ipc,
	  "4 or more cycles an instruction: typical of loads that miss the caches (pointer chasing, random access over a large working set): improve locality, prefetch, use huge pages against TLB misses" },
	{ "usl_contention", AN_USL_SIGMA,
	  "USL sigma (contention)", 0.1, AN_ABOVE, plain,
	  "a serial part limits scaling (Amdahl): shorten the critical sections, partition the shared state, use per-thread data merged at the end" },
	{ "usl_coherency", AN_USL_KAPPA_LOW,
	  "its lower bound (kappa - 2 standard errors)", 0, AN_ABOVE, kappa,
	  "throughput falls with more threads (crosstalk): shared cache lines bounce between CPUs; pad per-thread data to cache lines ('llctl coherency'), avoid all-to-all exchanges" },
};

const size_t an_n_rules = sizeof(an_rules) / sizeof(an_rules[0]);

bool an_rule_fires(const struct an_rule *r, const struct an_evidence *e)
{
	const struct an_value *v = &e->m[r->measure];

	if (!v->valid)
		return false;
	return r->cmp == AN_ABOVE ? v->value > r->threshold :
				    v->value < r->threshold;
}

const struct an_rule *an_rule_find(const char *id)
{
	size_t i;

	for (i = 0; i < an_n_rules; i++)
		if (!strcmp(an_rules[i].id, id))
			return &an_rules[i];
	return NULL;
}
