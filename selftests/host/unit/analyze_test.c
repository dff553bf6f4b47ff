// SPDX-License-Identifier: GPL-2.0
/*
 * llctl analyze's pure parts: every rule of the table (user/analyze/rules.c)
 * fires past its threshold, stays silent short of it and when its
 * measurement is missing, and its evidence names the value and the
 * threshold; the USL fit (user/analyze/usl.c) recovers known parameters from exact
 * and noisy data, finds no peak when kappa is 0, and refuses what cannot be
 * fitted; top-down level 1 comes from the slots counts, and says why not
 * on a PMU without the events llkm can count; a command that ignores the
 * thread count is told apart (user/analyze/use.c) from one that uses it,
 * on the rusage of real children whose work is known by construction.
 */
#include "fake_root.h"	/* first: its _GNU_SOURCE (nftw) */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze/rules.h"
#include "analyze/topdown.h"
#include "analyze/use.h"
#include "analyze/usl.h"
#include "kselftest_harness.h"

/* --- rules -------------------------------------------------------------- */

FIXTURE(rule) {
	const struct an_rule *r;
	struct an_evidence e;
};

FIXTURE_VARIANT(rule) {
	const char *id;
	double past, short_of;	/* a value past the threshold, one short */
};

FIXTURE_VARIANT_ADD(rule, context_switch_rate) { "context_switch_rate", 600, 400 };
FIXTURE_VARIANT_ADD(rule, page_fault_rate) { "page_fault_rate", 25000, 15000 };
FIXTURE_VARIANT_ADD(rule, migration_rate) { "migration_rate", 150, 50 };
FIXTURE_VARIANT_ADD(rule, low_cpu_utilization) { "low_cpu_utilization", 0.2, 0.9 };
FIXTURE_VARIANT_ADD(rule, syscall_time_share) { "syscall_time_share", 0.5, 0.1 };
FIXTURE_VARIANT_ADD(rule, futex_time_share) { "futex_time_share", 0.3, 0.05 };
FIXTURE_VARIANT_ADD(rule, irq_time_share) { "irq_time_share", 0.1, 0.01 };
FIXTURE_VARIANT_ADD(rule, backend_bound) { "backend_bound", 0.6, 0.2 };
FIXTURE_VARIANT_ADD(rule, bad_speculation) { "bad_speculation", 0.3, 0.05 };
FIXTURE_VARIANT_ADD(rule, frontend_bound) { "frontend_bound", 0.45, 0.1 };
FIXTURE_VARIANT_ADD(rule, low_ipc) { "low_ipc", 0.5, 0.9 };
FIXTURE_VARIANT_ADD(rule, very_low_ipc) { "very_low_ipc", 0.2, 0.4 };
FIXTURE_VARIANT_ADD(rule, usl_contention) { "usl_contention", 0.25, 0.02 };
FIXTURE_VARIANT_ADD(rule, usl_coherency) { "usl_coherency", 0.01, -0.01 };

FIXTURE_SETUP(rule)
{
	self->r = an_rule_find(variant->id);
	ASSERT_NE(NULL, self->r);
	an_evidence_init(&self->e);
	snprintf(self->e.top_syscall, sizeof(self->e.top_syscall), "nanosleep");
	self->e.top_syscall_share = 0.4;
	self->e.kappa = 0.02;
	self->e.kappa_se = 0.005;
}

FIXTURE_TEARDOWN(rule)
{
}

TEST_F(rule, fires_past_its_threshold)
{
	an_set(&self->e, self->r->measure, variant->past);
	EXPECT_TRUE(an_rule_fires(self->r, &self->e));
}

TEST_F(rule, silent_short_of_its_threshold)
{
	an_set(&self->e, self->r->measure, variant->short_of);
	EXPECT_FALSE(an_rule_fires(self->r, &self->e));
}

TEST_F(rule, silent_at_its_threshold)
{
	an_set(&self->e, self->r->measure, self->r->threshold);
	EXPECT_FALSE(an_rule_fires(self->r, &self->e));
}

TEST_F(rule, silent_and_says_why_when_not_measured)
{
	an_unset(&self->e, self->r->measure, "no hardware PMU");
	EXPECT_FALSE(an_rule_fires(self->r, &self->e));
	EXPECT_STREQ("no hardware PMU", self->e.m[self->r->measure].why);
}

TEST_F(rule, evidence_names_the_measurement_and_threshold)
{
	char buf[512], thr[64];

	an_set(&self->e, self->r->measure, variant->past);
	self->r->evidence(self->r, &self->e, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, self->r->what));
	snprintf(thr, sizeof(thr), "threshold %s", an_cmp_name(self->r->cmp));
	EXPECT_NE(NULL, strstr(buf, thr)) TH_LOG("evidence: %s", buf);
	EXPECT_NE(0, strlen(self->r->suggestion));
}

/* Every rule of the table has its variant above, and ids are unique. */
TEST(rules_table_is_covered_by_these_tests)
{
	static const char *const tested[] = {
		"context_switch_rate", "page_fault_rate", "migration_rate",
		"low_cpu_utilization", "syscall_time_share", "futex_time_share",
		"irq_time_share", "backend_bound", "bad_speculation",
		"frontend_bound", "low_ipc", "very_low_ipc", "usl_contention",
		"usl_coherency",
	};
	size_t i, j, found;

	for (i = 0; i < an_n_rules; i++) {
		for (found = 0, j = 0; j < sizeof(tested) / sizeof(tested[0]); j++)
			found += !strcmp(tested[j], an_rules[i].id);
		EXPECT_EQ(1, found) TH_LOG("rule %s", an_rules[i].id);
		EXPECT_EQ(an_rules + i, an_rule_find(an_rules[i].id));
	}
}

TEST(syscall_evidence_names_the_top_syscall)
{
	const struct an_rule *r = an_rule_find("syscall_time_share");
	struct an_evidence e;
	char buf[512];

	an_evidence_init(&e);
	snprintf(e.top_syscall, sizeof(e.top_syscall), "sendto");
	e.top_syscall_share = 0.42;
	an_set(&e, r->measure, 0.5);
	r->evidence(r, &e, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "sendto: 42.0%")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "50.0% (threshold > 30.0%)")) TH_LOG("%s", buf);
}

/* The IPC rules quote the two counts the ratio comes from. */
TEST(ipc_evidence_names_both_counts)
{
	const struct an_rule *r = an_rule_find("low_ipc");
	struct an_evidence e;
	char buf[512];

	ASSERT_NE(NULL, r);
	an_evidence_init(&e);
	e.instructions = 1500000000;
	e.cycles = 3000000000;
	an_set(&e, r->measure, e.instructions / e.cycles);
	EXPECT_TRUE(an_rule_fires(r, &e));
	EXPECT_FALSE(an_rule_fires(an_rule_find("very_low_ipc"), &e));
	r->evidence(r, &e, buf, sizeof(buf));
	EXPECT_STREQ("instructions per cycle = 0.500 (threshold < 0.7): 1500000000 instructions in 3000000000 cycles",
		     buf);
}

/* --- USL ----------------------------------------------------------------- */

static const double counts[] = { 1, 2, 4, 8, 16, 32 };
#define N_COUNTS (sizeof(counts) / sizeof(counts[0]))

static void synth(struct an_usl_point *p, double l, double s, double k,
		  const double *noise)
{
	size_t i;

	for (i = 0; i < N_COUNTS; i++) {
		p[i].n = counts[i];
		p[i].x = an_usl_model(l, s, k, counts[i]) * (1 + (noise ? noise[i] : 0));
	}
}

TEST(usl_recovers_exact_parameters)
{
	struct an_usl_point p[N_COUNTS];
	struct an_usl_fit f;
	char err[256];

	synth(p, 1000, 0.05, 0.002, NULL);
	ASSERT_EQ(0, an_usl_fit(p, N_COUNTS, &f, err, sizeof(err)));
	EXPECT_LT(fabs(f.lambda - 1000), 1e-3);
	EXPECT_LT(fabs(f.sigma - 0.05), 1e-6);
	EXPECT_LT(fabs(f.kappa - 0.002), 1e-7);
	EXPECT_GT(f.r2, 0.999999);
	ASSERT_TRUE(f.se_valid);
	EXPECT_LT(f.sigma_se, 1e-6);
	ASSERT_TRUE(f.peak_finite);
	EXPECT_LT(fabs(f.peak_n - sqrt(0.95 / 0.002)), 1e-3);
	EXPECT_LT(fabs(f.peak_x - an_usl_model(1000, 0.05, 0.002, f.peak_n)), 1e-3);
}

TEST(usl_recovers_noisy_parameters_within_their_errors)
{
	static const double noise[N_COUNTS] = { 0.02, -0.015, 0.01, -0.02, 0.015, -0.01 };
	struct an_usl_point p[N_COUNTS];
	struct an_usl_fit f;
	char err[256];

	synth(p, 50, 0.1, 0.001, noise);
	ASSERT_EQ(0, an_usl_fit(p, N_COUNTS, &f, err, sizeof(err)));
	ASSERT_TRUE(f.se_valid);
	EXPECT_LT(fabs(f.sigma - 0.1), 0.03);
	EXPECT_LT(fabs(f.kappa - 0.001), 0.0005);
	EXPECT_LT(fabs(f.lambda - 50), 2);
	EXPECT_GT(f.sigma_se, 0);
	EXPECT_GT(f.kappa_se, 0);
	EXPECT_LT(fabs(f.sigma - 0.1), 4 * f.sigma_se);
	EXPECT_GT(f.r2, 0.99);
}

TEST(usl_with_kappa_zero_has_no_peak)
{
	struct an_usl_point p[N_COUNTS];
	struct an_usl_fit f;
	char err[256];

	synth(p, 10, 0.2, 0, NULL);
	ASSERT_EQ(0, an_usl_fit(p, N_COUNTS, &f, err, sizeof(err)));
	EXPECT_LT(f.kappa, 1e-9);
	EXPECT_LT(fabs(f.sigma - 0.2), 1e-6);
	EXPECT_FALSE(f.peak_finite);
	EXPECT_LT(fabs(f.ceiling - 50), 1e-3);
}

TEST(usl_linear_scaling_fits_zero_sigma_and_kappa)
{
	struct an_usl_point p[N_COUNTS];
	struct an_usl_fit f;
	char err[256];

	synth(p, 3, 0, 0, NULL);
	ASSERT_EQ(0, an_usl_fit(p, N_COUNTS, &f, err, sizeof(err)));
	EXPECT_LT(f.sigma, 1e-9);
	EXPECT_LT(f.kappa, 1e-9);
	EXPECT_FALSE(f.peak_finite);
	EXPECT_TRUE(isinf(f.ceiling));
}

TEST(usl_falloff_is_the_first_count_that_loses)
{
	struct an_usl_point p[N_COUNTS];
	struct an_usl_fit f;
	char err[256];
	unsigned int n;

	synth(p, 1, 0.25, 0.02, NULL);
	ASSERT_EQ(0, an_usl_fit(p, N_COUNTS, &f, err, sizeof(err)));
	ASSERT_TRUE(f.peak_finite);
	n = f.falloff_n;
	EXPECT_EQ(7, n);	/* N* = sqrt(0.75 / 0.02) = 6.12 */
	EXPECT_LT(an_usl_model(f.lambda, f.sigma, f.kappa, n),
		  an_usl_model(f.lambda, f.sigma, f.kappa, n - 1));
	EXPECT_GE(an_usl_model(f.lambda, f.sigma, f.kappa, n - 1),
		  an_usl_model(f.lambda, f.sigma, f.kappa, n - 2));
}

TEST(usl_refuses_fewer_than_three_thread_counts)
{
	struct an_usl_point p[] = { { 1, 10 }, { 2, 18 }, { 2, 19 }, { 1, 10.5 } };
	struct an_usl_fit f;
	char err[256] = "";

	EXPECT_EQ(-1, an_usl_fit(p, 4, &f, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "at least 3 distinct thread counts, got 2")) TH_LOG("%s", err);
	EXPECT_EQ(-1, an_usl_fit(p, 0, &f, err, sizeof(err)));
}

TEST(usl_refuses_a_zero_throughput_or_thread_count)
{
	struct an_usl_point p[] = { { 1, 10 }, { 2, 0 }, { 4, 30 } };
	struct an_usl_point q[] = { { 0, 10 }, { 2, 15 }, { 4, 30 } };
	struct an_usl_fit f;
	char err[256] = "";

	EXPECT_EQ(-1, an_usl_fit(p, 3, &f, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "throughput above 0")) TH_LOG("%s", err);
	EXPECT_EQ(-1, an_usl_fit(q, 3, &f, err, sizeof(err)));
}

TEST(usl_three_points_fit_without_errors)
{
	struct an_usl_point p[] = { { 1, 10 }, { 2, 18 }, { 4, 28 } };
	struct an_usl_fit f;
	char err[256];

	ASSERT_EQ(0, an_usl_fit(p, 3, &f, err, sizeof(err)));
	EXPECT_FALSE(f.se_valid);
	EXPECT_GT(f.r2, 0.99);
}

TEST(usl_flat_throughput_is_all_contention)
{
	struct an_usl_point p[] = { { 1, 5 }, { 2, 5 }, { 4, 5 }, { 8, 5 } };
	struct an_usl_fit f;
	char err[256];

	ASSERT_EQ(0, an_usl_fit(p, 4, &f, err, sizeof(err)));
	EXPECT_LT(fabs(f.sigma - 1), 1e-3);
	EXPECT_LT(f.kappa, 1e-6);
	EXPECT_LT(fabs(f.lambda - 5), 1e-3);
}

/*
 * Issue 18's invented scaling: a peak at 32 threads from 1, 2 and 4. A
 * peak beyond twice the most threads measured is marked extrapolated.
 */
TEST(usl_peak_beyond_twice_the_threads_measured_is_extrapolated)
{
	struct an_usl_point p[3];
	struct an_usl_fit f;
	char err[256];
	int i;

	for (i = 0; i < 3; i++) {
		p[i].n = 1 << i;
		p[i].x = an_usl_model(100, 0.02, 0.0009, p[i].n);
	}
	ASSERT_EQ(0, an_usl_fit(p, 3, &f, err, sizeof(err)));
	ASSERT_TRUE(f.peak_finite);
	EXPECT_EQ(4, f.n_max);
	EXPECT_GT(f.peak_n, 8);
	EXPECT_TRUE(f.peak_extrapolated);
}

TEST(usl_peak_within_the_threads_measured_is_not_extrapolated)
{
	struct an_usl_point p[N_COUNTS];
	struct an_usl_fit f;
	char err[256];

	synth(p, 1000, 0.05, 0.002, NULL);	/* N* 21.8, measured to 32 */
	ASSERT_EQ(0, an_usl_fit(p, N_COUNTS, &f, err, sizeof(err)));
	ASSERT_TRUE(f.peak_finite);
	EXPECT_FALSE(f.peak_extrapolated);
}

/*
 * A measurement outside its bound (docs/plausibility.md) is not evidence:
 * the rule says why instead of firing on it. Shares of the time above
 * 1.05, a thread busy 2.5 times its wall time, a sigma of 1.3.
 */
TEST(an_implausible_measurement_is_not_evaluated_and_says_why)
{
	const struct an_rule *r = an_rule_find("syscall_time_share");
	struct an_evidence e;

	ASSERT_NE(NULL, r);
	an_evidence_init(&e);
	an_set_plausible(&e, AN_SYSCALL_SHARE, 1.4, LLCTL_PLAUS_TIME_SHARE, 1);
	EXPECT_FALSE(e.m[AN_SYSCALL_SHARE].valid);
	EXPECT_EQ(0, strncmp(e.m[AN_SYSCALL_SHARE].why, "implausible: 1.4 is above 1.05", 30))
		TH_LOG("%s", e.m[AN_SYSCALL_SHARE].why);
	EXPECT_FALSE(an_rule_fires(r, &e));
	an_set_plausible(&e, AN_SYSCALL_SHARE, 0.5, LLCTL_PLAUS_TIME_SHARE, 1);
	EXPECT_TRUE(an_rule_fires(r, &e));

	an_set_plausible(&e, AN_CPU_UTIL, 2.5, LLCTL_PLAUS_CPUS_UTILIZED, 1);
	EXPECT_FALSE(e.m[AN_CPU_UTIL].valid);
	an_set_plausible(&e, AN_USL_SIGMA, 1.3, LLCTL_PLAUS_USL_SIGMA, 1);
	EXPECT_FALSE(e.m[AN_USL_SIGMA].valid);
	an_set_plausible(&e, AN_USL_SIGMA, 1.0, LLCTL_PLAUS_USL_SIGMA, 1);
	EXPECT_TRUE(e.m[AN_USL_SIGMA].valid);	/* flat throughput: all contention */
	an_set_plausible(&e, AN_IRQ_SHARE, -0.01, LLCTL_PLAUS_TIME_SHARE, 1);
	EXPECT_FALSE(e.m[AN_IRQ_SHARE].valid);
}

/* --- does the command use the thread count? ------------------------------ */

/* A point of @threads with these sums (wall, CPU seconds, voluntary switches). */
static struct an_use use_pt(unsigned int threads, double wall, double cpu, double vcsw)
{
	return (struct an_use){ .threads = threads, .wall_s = wall, .cpu_s = cpu,
				.vcsw = vcsw };
}

TEST(uses_threads_refuses_constant_cpu_and_switches)
{
	struct an_use u[] = { use_pt(1, 1, 1, 2), use_pt(2, 1.02, 1.01, 2),
			      use_pt(4, 0.98, 0.99, 3) };
	char why[512] = "";

	ASSERT_FALSE(an_uses_threads(u, 3, "spin", why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "'spin' does not use the thread count"));
	EXPECT_NE(NULL, strstr(why, "from N=1 to N=4"));
	EXPECT_NE(NULL, strstr(why, "CPU use 1.00 to 1.01"));
	EXPECT_EQ(NULL, strchr(why, '\n'));
}

/*
 * The scheduler's own switches are not threads that wait: 'workload spin
 * 300' (one thread) switched 4, 3 and 8 times at N = 1, 2, 4 in a TCG
 * guest, and was taken for a command that uses N; threads that wait
 * ('workload contend', 4 rounds) switched 29, 45 and 79 times.
 */
TEST(uses_threads_needs_more_switches_than_the_schedulers)
{
	struct an_use spin[] = { use_pt(1, 0.36, 0.355, 4), use_pt(2, 0.36, 0.36, 3),
				 use_pt(4, 0.37, 0.37, 8) };
	struct an_use contend[] = { use_pt(1, 0.4, 0.07, 29), use_pt(2, 0.45, 0.07, 45),
				    use_pt(4, 0.8, 0.06, 79) };
	char why[512];

	EXPECT_FALSE(an_uses_threads(spin, 3, "spin", why, sizeof(why)));
	EXPECT_TRUE(an_uses_threads(contend, 3, "contend", why, sizeof(why)));
}

TEST(uses_threads_accepts_each_kind_of_evidence)
{
	struct an_use cpu[] = { use_pt(1, 1, 1, 2), use_pt(8, 4, 8, 2) };
	struct an_use par[] = { use_pt(1, 1, 1, 2), use_pt(4, 0.55, 1.05, 2) };
	struct an_use waits[] = { use_pt(1, 0.4, 0.001, 12), use_pt(8, 1.1, 0.002, 200) };
	char why[512];

	EXPECT_TRUE(an_uses_threads(cpu, 2, "c", why, sizeof(why)));
	/* fixed total work split on two CPUs: CPU use 1 -> 1.9 */
	EXPECT_TRUE(an_uses_threads(par, 2, "c", why, sizeof(why)));
	EXPECT_TRUE(an_uses_threads(waits, 2, "c", why, sizeof(why)));
}

TEST(uses_threads_single_thread_below_one_cpu_is_not_parallel)
{
	/* CPU use 0.5 -> 1.0 (a busy host at N=1): one thread, not parallel */
	struct an_use u[] = { use_pt(1, 2, 1, 1), use_pt(4, 1, 1, 1) };
	char why[512];

	EXPECT_FALSE(an_uses_threads(u, 2, "c", why, sizeof(why)));
}

TEST(uses_threads_needs_8_switches_a_run_per_added_thread)
{
	/* 1 -> 24 switches is x24, past sqrt(4), but 23 more for 3 threads */
	struct an_use u[] = { use_pt(1, 1, 1, 1), use_pt(4, 1, 1, 24) };
	struct an_use v[] = { use_pt(1, 1, 1, 1), use_pt(4, 1, 1, 25) };
	/* the same, summed over 3 runs each: per run */
	struct an_use w[] = { use_pt(1, 3, 3, 3), use_pt(4, 3, 3, 72) };
	char why[512];

	w[0].runs = w[1].runs = 3;
	EXPECT_FALSE(an_uses_threads(u, 2, "c", why, sizeof(why)));
	EXPECT_TRUE(an_uses_threads(v, 2, "c", why, sizeof(why)));
	EXPECT_FALSE(an_uses_threads(w, 2, "c", why, sizeof(why)));
}

TEST(uses_threads_one_thread_count_has_nothing_to_compare)
{
	struct an_use u[] = { use_pt(2, 1, 1, 1), use_pt(2, 1, 1, 1) };
	char why[8];

	EXPECT_TRUE(an_uses_threads(u, 2, "c", why, sizeof(why)));
	EXPECT_TRUE(an_uses_threads(u, 0, "c", why, sizeof(why)));
}

/* Real children: their work is known by construction, their rusage is the oracle. */
#define SPIN_MS		60
#define SLEEPS		20

static double thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *spin_thread(void *arg)
{
	double end = thread_cpu_ms() + SPIN_MS;
	volatile unsigned long x = 0;

	(void)arg;
	while (thread_cpu_ms() < end)
		x++;
	return NULL;
}

static void *sleep_thread(void *arg)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	(void)arg;
	for (i = 0; i < SLEEPS; i++)
		nanosleep(&ms, NULL);
	return NULL;
}

/* Runs @n threads of @fn in a child, adds its wait4() rusage to @u. */
static int child_run(unsigned int n, void *(*fn)(void *), struct an_use *u)
{
	struct timespec t0, t1;
	pthread_t tid[16];
	struct rusage ru;
	unsigned int i;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		for (i = 0; i < n; i++)
			if (pthread_create(&tid[i], NULL, fn, NULL))
				_exit(1);
		for (i = 0; i < n; i++)
			pthread_join(tid[i], NULL);
		_exit(0);
	}
	if (wait4(pid, &status, 0, &ru) != pid || status)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	u->threads = n;
	an_use_add(u, &ru, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

static const unsigned int use_counts[] = { 1, 2, 4 };

TEST(uses_threads_on_real_children)
{
	struct an_use one[3] = { 0 }, cpu[3] = { 0 }, waits[3] = { 0 };
	char why[512] = "";
	int i;

	for (i = 0; i < 3; i++) {
		/* one thread whatever N: the command that ignores N */
		ASSERT_EQ(0, child_run(1, spin_thread, &one[i]));
		one[i].threads = use_counts[i];
		ASSERT_EQ(0, child_run(use_counts[i], spin_thread, &cpu[i]));
		ASSERT_EQ(0, child_run(use_counts[i], sleep_thread, &waits[i]));
	}
	TH_LOG("ignores N: CPU %.3f %.3f %.3f s, use %.2f %.2f %.2f, vcsw %.0f %.0f %.0f",
	       one[0].cpu_s, one[1].cpu_s, one[2].cpu_s, an_cpu_use(&one[0]),
	       an_cpu_use(&one[1]), an_cpu_use(&one[2]), one[0].vcsw, one[1].vcsw,
	       one[2].vcsw);
	TH_LOG("per-thread CPU: %.3f %.3f %.3f s; sleepers' vcsw %.0f %.0f %.0f",
	       cpu[0].cpu_s, cpu[1].cpu_s, cpu[2].cpu_s, waits[0].vcsw,
	       waits[1].vcsw, waits[2].vcsw);
	/* the physical bound: one thread's CPU use is at most 1 */
	for (i = 0; i < 3; i++)
		EXPECT_LT(an_cpu_use(&one[i]), 1.05);
	EXPECT_FALSE(an_uses_threads(one, 3, "one-thread", why, sizeof(why)));
	TH_LOG("%s", why);
	EXPECT_TRUE(an_uses_threads(cpu, 3, "per-thread-cpu", why, sizeof(why)));
	EXPECT_TRUE(an_uses_threads(waits, 3, "sleepers", why, sizeof(why)));
}

/* --- top-down ------------------------------------------------------------ */

TEST(topdown_shares_from_slot_counts)
{
	/* 1000 slots: 400 retired, 500 issued, 50 recovery, 150 fetch bubbles. */
	const double c[AN_TD_EVENTS] = { 1000, 500, 400, 150, 50 };
	struct an_td_level1 l1;

	ASSERT_EQ(0, an_td_level1(c, &l1));
	EXPECT_LT(fabs(l1.retiring - 0.4), 1e-12);
	EXPECT_LT(fabs(l1.bad_speculation - 0.15), 1e-12);
	EXPECT_LT(fabs(l1.frontend_bound - 0.15), 1e-12);
	EXPECT_LT(fabs(l1.backend_bound - 0.3), 1e-12);
}

/*
 * Counts whose shares add up past the slots (the events counted different
 * stretches): backend, the rest, is -0.3. It is said so, not clamped to 0.
 */
TEST(topdown_share_outside_0_1_is_implausible_not_clamped)
{
	const double c[AN_TD_EVENTS] = { 1000, 900, 400, 300, 100 };
	const double ok[AN_TD_EVENTS] = { 1000, 500, 400, 150, 50 };
	struct an_td_level1 l1;
	char why[512] = "";

	ASSERT_EQ(0, an_td_level1(c, &l1));
	EXPECT_LT(fabs(l1.backend_bound + 0.3), 1e-12);
	EXPECT_FALSE(an_td_plausible(&l1, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "top-down backend_bound: implausible: -0.3 is below 0"))
		TH_LOG("%s", why);
	ASSERT_EQ(0, an_td_level1(ok, &l1));
	EXPECT_TRUE(an_td_plausible(&l1, why, sizeof(why)));
}

TEST(topdown_without_slots_is_refused)
{
	const double c[AN_TD_EVENTS] = { 0, 5, 4, 1, 0 };
	struct an_td_level1 l1;

	EXPECT_EQ(-1, an_td_level1(c, &l1));
}

/* A fake PMU directory with @n of the events in @names. */
static void fake_pmu(char *dir, const char *const *names, int n)
{
	char path[512];
	FILE *f;
	int i;

	snprintf(path, 512, "%s/events", dir);
	mkdir(path, 0700);
	for (i = 0; i < n; i++) {
		snprintf(path, 512, "%s/events/%s", dir, names[i]);
		f = fopen(path, "w");
		if (f)
			fclose(f);
	}
}

static void rm_pmu(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

TEST(topdown_needs_a_hardware_pmu)
{
	char why[512];

	EXPECT_FALSE(an_td_supported(false, "/nonexistent", why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "top-down not available: no hardware PMU")) TH_LOG("%s", why);
}

TEST(topdown_with_every_slots_event_is_supported)
{
	char dir[] = "/tmp/analyze_test.XXXXXX", why[512] = "";

	ASSERT_NE(NULL, mkdtemp(dir));
	fake_pmu(dir, an_td_event_names, AN_TD_EVENTS);
	EXPECT_TRUE(an_td_supported(true, dir, why, sizeof(why))) TH_LOG("%s", why);
	rm_pmu(dir);
}

TEST(topdown_perf_metrics_only_says_why)
{
	static const char *const icl[] = { "slots", "topdown-retiring", "topdown-be-bound" };
	char dir[] = "/tmp/analyze_test.XXXXXX", why[512] = "";

	ASSERT_NE(NULL, mkdtemp(dir));
	fake_pmu(dir, icl, 3);
	EXPECT_FALSE(an_td_supported(true, dir, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "group led by slots")) TH_LOG("%s", why);
	rm_pmu(dir);
}

TEST(topdown_missing_one_event_says_why)
{
	char dir[] = "/tmp/analyze_test.XXXXXX", why[512] = "";

	ASSERT_NE(NULL, mkdtemp(dir));
	fake_pmu(dir, an_td_event_names, AN_TD_EVENTS - 1);
	EXPECT_FALSE(an_td_supported(true, dir, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "no topdown-* events")) TH_LOG("%s", why);
	rm_pmu(dir);
}

/* --- Arm's top-down level 1 ------------------------------------------------ */

static const bool arm_all[AN_ARM_EVENTS] = { true, true, true, true, true };
static const bool arm_qemu[AN_ARM_EVENTS] = { true, true, true, false, false };

/*
 * 1000 cycles: 200 stalled on the frontend, 300 on the backend, so 500
 * issued; of 500 operations speculated 450 retired (0.9): retiring
 * 0.9 x 0.5 = 0.45, bad speculation 0.1 x 0.5 = 0.05. The four add to 1.
 */
TEST(arm_topdown_shares_from_cycle_counts)
{
	const double c[AN_ARM_EVENTS] = { 1000, 200, 300, 450, 500 };
	struct an_td_level1 l1;
	char why[512] = "";

	ASSERT_EQ(0, an_td_arm_level1(c, arm_all, &l1));
	EXPECT_EQ(AN_TD_ARM, l1.method);
	EXPECT_TRUE(l1.spec_valid);
	EXPECT_LT(fabs(l1.frontend_bound - 0.2), 1e-12);
	EXPECT_LT(fabs(l1.backend_bound - 0.3), 1e-12);
	EXPECT_LT(fabs(l1.retiring - 0.45), 1e-12);
	EXPECT_LT(fabs(l1.bad_speculation - 0.05), 1e-12);
	EXPECT_LT(fabs(l1.retiring + l1.bad_speculation + l1.frontend_bound +
		       l1.backend_bound - 1), 1e-12);
	EXPECT_TRUE(an_td_plausible(&l1, why, sizeof(why))) TH_LOG("%s", why);
}

/*
 * QEMU's PMU (and Cortex-A cores before Armv8.4's OP_*): frontend and
 * backend are measured, retiring and bad speculation are not, and say
 * which events are missing, never a remainder.
 */
TEST(arm_without_op_events_measures_frontend_and_backend_only)
{
	const double c[AN_ARM_EVENTS] = { 4000, 1000, 500, 0, 0 };
	struct an_td_level1 l1;
	char why[512] = "";

	ASSERT_EQ(0, an_td_arm_level1(c, arm_qemu, &l1));
	EXPECT_LT(fabs(l1.frontend_bound - 0.25), 1e-12);
	EXPECT_LT(fabs(l1.backend_bound - 0.125), 1e-12);
	EXPECT_FALSE(l1.spec_valid);
	EXPECT_TRUE(isnan(l1.retiring));
	EXPECT_TRUE(isnan(l1.bad_speculation));
	EXPECT_NE(NULL, strstr(l1.spec_why, "this PMU has no op_retired, op_spec"))
		TH_LOG("%s", l1.spec_why);
	EXPECT_TRUE(an_td_plausible(&l1, why, sizeof(why))) TH_LOG("%s", why);
}

TEST(arm_missing_op_spec_alone_is_named)
{
	const bool has[AN_ARM_EVENTS] = { true, true, true, true, false };
	const double c[AN_ARM_EVENTS] = { 1000, 0, 0, 900, 0 };
	struct an_td_level1 l1;

	ASSERT_EQ(0, an_td_arm_level1(c, has, &l1));
	EXPECT_FALSE(l1.spec_valid);
	EXPECT_NE(NULL, strstr(l1.spec_why, "this PMU has no op_spec:"))
		TH_LOG("%s", l1.spec_why);
}

TEST(arm_without_cycles_is_refused)
{
	const double c[AN_ARM_EVENTS] = { 0, 10, 10, 5, 5 };
	struct an_td_level1 l1;

	EXPECT_EQ(-1, an_td_arm_level1(c, arm_all, &l1));
}

/*
 * The gate: each share of the cycles within 0..1, and frontend + backend
 * at most 1.05 (a cycle stalls on one or the other; 5% for counting them
 * one by one). 600 + 500 of 1000 cycles is 1.1: each share is plausible,
 * their sum is not. 540 + 500 (1.04) passes.
 */
TEST(arm_stall_shares_past_the_cycles_are_implausible)
{
	const double over[AN_ARM_EVENTS] = { 1000, 600, 500, 0, 0 };
	const double edge[AN_ARM_EVENTS] = { 1000, 540, 500, 0, 0 };
	const double one[AN_ARM_EVENTS] = { 1000, 1200, 0, 0, 0 };
	struct an_td_level1 l1;
	char why[512] = "";

	ASSERT_EQ(0, an_td_arm_level1(over, arm_qemu, &l1));
	EXPECT_FALSE(an_td_plausible(&l1, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "top-down frontend_bound + backend_bound: implausible: 1.1 is above 1.05"))
		TH_LOG("%s", why);
	ASSERT_EQ(0, an_td_arm_level1(edge, arm_qemu, &l1));
	EXPECT_TRUE(an_td_plausible(&l1, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, an_td_arm_level1(one, arm_qemu, &l1));
	EXPECT_FALSE(an_td_plausible(&l1, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "top-down frontend_bound: implausible: 1.2 is above 1 ("))
		TH_LOG("%s", why);
}

/* More retired than speculated: bad speculation below 0, said so. */
TEST(arm_more_retired_than_speculated_is_implausible)
{
	const double c[AN_ARM_EVENTS] = { 1000, 100, 100, 880, 800 };
	struct an_td_level1 l1;
	char why[512] = "";

	ASSERT_EQ(0, an_td_arm_level1(c, arm_all, &l1));
	EXPECT_LT(fabs(l1.bad_speculation + 0.08), 1e-12);
	EXPECT_FALSE(an_td_plausible(&l1, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "top-down bad_speculation: implausible: -0.08 is below 0"))
		TH_LOG("%s", why);
}

/* --- which method, from a fake /sys/bus/event_source/devices ------------- */

FIXTURE(devices) {
	char root[sizeof(FAKE_ROOT_TEMPLATE)];
	struct an_td_pmu pmu;
	char why[512];
};

FIXTURE_SETUP(devices)
{
	snprintf(self->root, sizeof(self->root), "%s", FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->root));
	self->why[0] = 0;
}

FIXTURE_TEARDOWN(devices)
{
	fake_root_remove(self->root);
}

/* @pmu with the events @names (NULL-ended), each file holding an encoding. */
static int put_pmu(const char *root, const char *pmu, const char *const *names)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%s/type", pmu);
	ret = fake_put(root, path, "8\n");
	for (; !ret && *names; names++) {
		snprintf(path, sizeof(path), "%s/events/%s", pmu, *names);
		ret = fake_put(root, path, "event=0x11\n");
	}
	return ret;
}

static const char *const qemu_events[] = {
	"cpu_cycles", "inst_retired", "stall", "stall_backend",
	"stall_frontend", NULL,
};

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

TEST_F(devices, qemu_arm_pmu_is_arm_without_op_events)
{
	static const char *const bp[] = { "dummy", NULL };

	ASSERT_EQ(0, put_pmu(self->root, "armv8_pmuv3", qemu_events));
	ASSERT_EQ(0, put_pmu(self->root, "breakpoint", bp));
	ASSERT_EQ(0, put_pmu(self->root, "software", bp));
	EXPECT_EQ(AN_TD_ARM, an_td_detect(true, self->root, &self->pmu,
					  self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_TRUE(ends_with(self->pmu.dir, "/armv8_pmuv3")) TH_LOG("%s", self->pmu.dir);
	EXPECT_TRUE(self->pmu.has[AN_ARM_CPU_CYCLES]);
	EXPECT_TRUE(self->pmu.has[AN_ARM_STALL_FRONTEND]);
	EXPECT_TRUE(self->pmu.has[AN_ARM_STALL_BACKEND]);
	EXPECT_FALSE(self->pmu.has[AN_ARM_OP_RETIRED]);
	EXPECT_FALSE(self->pmu.has[AN_ARM_OP_SPEC]);
}

TEST_F(devices, neoverse_pmu_has_every_arm_event)
{
	static const char *const n2[] = {
		"cpu_cycles", "stall_frontend", "stall_backend", "op_retired",
		"op_spec", "br_mis_pred", NULL,
	};
	int i;

	ASSERT_EQ(0, put_pmu(self->root, "armv8_neoverse_n2", n2));
	EXPECT_EQ(AN_TD_ARM, an_td_detect(true, self->root, &self->pmu,
					  self->why, sizeof(self->why)));
	EXPECT_TRUE(ends_with(self->pmu.dir, "/armv8_neoverse_n2"));
	for (i = 0; i < AN_ARM_EVENTS; i++)
		EXPECT_TRUE(self->pmu.has[i]) TH_LOG("%s", an_arm_event_names[i]);
}

/* big.LITTLE: two Arm PMUs; the first by name is taken, the same each time. */
TEST_F(devices, several_arm_pmus_take_the_first_by_name)
{
	ASSERT_EQ(0, put_pmu(self->root, "armv8_cortex_a72", qemu_events));
	ASSERT_EQ(0, put_pmu(self->root, "armv8_cortex_a53", qemu_events));
	EXPECT_EQ(AN_TD_ARM, an_td_detect(true, self->root, &self->pmu,
					  self->why, sizeof(self->why)));
	EXPECT_TRUE(ends_with(self->pmu.dir, "/armv8_cortex_a53")) TH_LOG("%s", self->pmu.dir);
}

TEST_F(devices, arm_pmu_without_stall_backend_says_which)
{
	static const char *const a53[] = { "cpu_cycles", "stall_frontend", NULL };

	ASSERT_EQ(0, put_pmu(self->root, "armv8_cortex_a53", a53));
	EXPECT_EQ(AN_TD_NONE, an_td_detect(true, self->root, &self->pmu,
					   self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "top-down not available: "));
	EXPECT_NE(NULL, strstr(self->why, "armv8_cortex_a53 has no stall_backend ("))
		TH_LOG("%s", self->why);
}

TEST_F(devices, intel_cpu_pmu_is_intel)
{
	const char *names[AN_TD_EVENTS + 2];
	int i;

	for (i = 0; i < AN_TD_EVENTS; i++)
		names[i] = an_td_event_names[i];
	names[i++] = "cpu-cycles";
	names[i] = NULL;
	ASSERT_EQ(0, put_pmu(self->root, "cpu", names));
	EXPECT_EQ(AN_TD_INTEL, an_td_detect(true, self->root, &self->pmu,
					    self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_TRUE(ends_with(self->pmu.dir, "/cpu"));
}

/* An x86 "cpu" PMU without them (AMD) is not taken for Arm's. */
TEST_F(devices, cpu_pmu_without_topdown_events_says_why)
{
	static const char *const amd[] = { "cpu-cycles", "instructions", NULL };

	ASSERT_EQ(0, put_pmu(self->root, "cpu", amd));
	EXPECT_EQ(AN_TD_NONE, an_td_detect(true, self->root, &self->pmu,
					   self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "no topdown-* events")) TH_LOG("%s", self->why);
}

TEST_F(devices, no_core_pmu_says_why)
{
	static const char *const bp[] = { "dummy", NULL };

	ASSERT_EQ(0, put_pmu(self->root, "software", bp));
	EXPECT_EQ(AN_TD_NONE, an_td_detect(true, self->root, &self->pmu,
					   self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "has Intel's topdown-* events or Arm's cpu_cycles"))
		TH_LOG("%s", self->why);
}

TEST_F(devices, without_a_hardware_pmu_says_so)
{
	ASSERT_EQ(0, put_pmu(self->root, "armv8_pmuv3", qemu_events));
	EXPECT_EQ(AN_TD_NONE, an_td_detect(false, self->root, &self->pmu,
					   self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "top-down not available: no hardware PMU"))
		TH_LOG("%s", self->why);
}

TEST_HARNESS_MAIN
