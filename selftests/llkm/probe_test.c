// SPDX-License-Identifier: GPL-2.0
/*
 * Probes in kernel mode (LLKM_CMD_PROBE_RUN): every kind runs in kernel
 * threads and answers with what it measured; a litmus outcome the architecture's
 * model (x86-TSO, Armv8) forbids is never seen; a run stops on a signal, on its timeout
 * and on rmmod, promptly; absurd requests are refused.
 */
#include <inttypes.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "helpers.h"

FIXTURE(probe) {
	LLKM_NL_FIXTURE;
};

FIXTURE_SETUP(probe)
{
	LLKM_NL_FIXTURE_SETUP();
	if (!PROBES_HERE(self->fd, self->family, self->rep))
		SETUP_SKIP(LLKM_NL_FIXTURE_TEARDOWN(), NO_PROBES_WHY);
}

FIXTURE_TEARDOWN(probe)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

struct req {
	uint32_t kind, op, flags;
	uint32_t cpus[8];
	int ncpus;
	uint64_t iterations;
	uint32_t batches, timeout_ms;
	int has_param;		/* PARAM, SIMD, PREFETCH when set */
	uint64_t param;
	uint32_t simd, prefetch;
};

struct res {
	uint64_t samples[LLKM_PROBE_SAMPLES_MAX];
	int nsamples;
	uint32_t tsc_khz;
	uint64_t elapsed_ns;
	int stopped;
};

/* PROBE_RUN @q: the request. */
static void probe_req(struct nl_req *r, int family, const struct req *q)
{
	struct nlattr *nest;

	nl_init(r, family, LLKM_CMD_PROBE_RUN);
	nest = nl_nest(r, LLKM_A_PROBE);
	nl_put_u32(r, LLKM_PROBE_A_KIND, q->kind);
	if (q->op)
		nl_put_u32(r, LLKM_PROBE_A_OP, q->op);
	if (q->flags)
		nl_put_u32(r, LLKM_PROBE_A_FLAGS, q->flags);
	nl_put(r, LLKM_PROBE_A_CPUS, q->cpus, q->ncpus * sizeof(uint32_t));
	nl_put_u64(r, LLKM_PROBE_A_ITERATIONS, q->iterations);
	nl_put_u32(r, LLKM_PROBE_A_BATCHES, q->batches);
	if (q->timeout_ms)
		nl_put_u32(r, LLKM_PROBE_A_TIMEOUT_MS, q->timeout_ms);
	if (q->has_param)
		nl_put_u64(r, LLKM_PROBE_A_PARAM, q->param);
	if (q->simd)
		nl_put_u32(r, LLKM_PROBE_A_SIMD, q->simd);
	if (q->prefetch)
		nl_put_u32(r, LLKM_PROBE_A_PREFETCH, q->prefetch);
	nl_nest_end(r, nest);
}

/* A run of @q, started, waited for and fetched: 0 and @out, or -errno. */
static int run(int fd, int family, struct nl_reply *rep, const struct req *q,
	       struct res *out)
{
	struct nl_probe_out o = { .samples = out->samples,
				  .max = LLKM_PROBE_SAMPLES_MAX };
	struct nl_req r;
	int ret;

	probe_req(&r, family, q);
	memset(out->samples, 0, sizeof(out->samples));
	ret = nl_probe_run(fd, family, &r, rep, &o);
	if (ret)
		return ret;
	if (o.got != o.nsamples)
		return -1003;
	out->nsamples = o.nsamples;
	out->tsc_khz = o.tsc_khz;
	out->elapsed_ns = o.elapsed_ns;
	out->stopped = o.stopped;
	return 0;
}

#define RUN(q, o)	run(self->fd, self->family, self->rep, (q), (o))

static int two_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) >= 2;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Whether llkm runs fence @op on this architecture: the common ops and
 * the architecture's own (the UAPI's enum says which); @feature says
 * whether this CPU has what the op needs (arm64's FEAT_LSE, FEAT_LRCPC).
 */
static bool kernel_fence_op(int op, bool *feature)
{
	*feature = true;
	switch (op) {
	case LLKM_FENCE_EMPTY: case LLKM_FENCE_COMPILER: case LLKM_FENCE_SMP_RMB:
	case LLKM_FENCE_SMP_WMB: case LLKM_FENCE_SMP_MB:
	case LLKM_FENCE_STORE_RELEASE: case LLKM_FENCE_LOAD_ACQUIRE:
		return true;
	}
#if defined(__x86_64__)
	return op >= LLKM_FENCE_MFENCE && op <= LLKM_FENCE_CMPXCHG;
#elif defined(__aarch64__)
	if (op == LLKM_FENCE_LDAPR)
		*feature = getauxval(AT_HWCAP) & HWCAP_LRCPC;
	if (op >= LLKM_FENCE_LDADDAL && op <= LLKM_FENCE_CASAL)
		*feature = getauxval(AT_HWCAP) & HWCAP_ATOMICS;
	return op >= LLKM_FENCE_DMB_ISH && op <= LLKM_FENCE_LLSC_CAS;
#else
	return false;
#endif
}

TEST_F(probe, every_kernel_fence_op_runs_and_costs_cycles)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 1000, .batches = 20 };
	static struct res o;
	int op, i, ran = 0;
	bool feature;

	for (op = 0; op <= LLKM_FENCE_MAX; op++) {
		q.op = op;
		if (!kernel_fence_op(op, &feature)) {
			/* Another architecture's, or C11's (user mode only). */
			EXPECT_EQ(-EINVAL, RUN(&q, &o)) TH_LOG("op %d", op);
			continue;
		}
		if (!feature) {
			EXPECT_EQ(-EOPNOTSUPP, RUN(&q, &o)) TH_LOG("op %d", op);
			continue;
		}
		ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("op %d: %s", op, self->rep->extack);
		EXPECT_EQ(20, o.nsamples);
		EXPECT_FALSE(o.stopped);
		EXPECT_LT(0u, o.tsc_khz);
		/*
		 * A batch of 1000 ops lasts a microsecond at least: tens of
		 * ticks of the slowest generic timer (25 MHz), thousands of a TSC.
		 */
		for (i = 0; i < o.nsamples; i++)
			EXPECT_LT(0ULL, o.samples[i]) TH_LOG("op %d batch %d", op, i);
		ran++;
	}
	EXPECT_LE(12, ran);
	q.op = LLKM_FENCE_MAX + 1;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
}

TEST_F(probe, c2c_round_trips_between_two_cpus)
{
	struct req q = { .kind = LLKM_PROBE_C2C, .cpus = { 0, 1 }, .ncpus = 2,
			 .iterations = 200, .batches = 10 };
	static struct res o;
	int i;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("%s", self->rep->extack);
	EXPECT_EQ(10, o.nsamples);
	for (i = 0; i < o.nsamples; i++)
		EXPECT_LT(0ULL, o.samples[i]);
}

TEST_F(probe, false_sharing_shared_and_padded_both_run)
{
	struct req q = { .kind = LLKM_PROBE_FALSE_SHARING, .cpus = { 0, 1 },
			 .ncpus = 2, .iterations = 10000, .batches = 5 };
	static struct res o;
	int i;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("%s", self->rep->extack);
	EXPECT_EQ(10, o.nsamples);	/* batch-major, per writer */
	for (i = 0; i < o.nsamples; i++)
		EXPECT_LT(0ULL, o.samples[i]);
	q.flags = LLKM_PROBE_F_PADDED;
	ASSERT_EQ(0, RUN(&q, &o));
	EXPECT_EQ(10, o.nsamples);
}

/* Rounds of @test counted in the histogram; the relaxed one's count. */
static uint64_t hist_total(const struct res *o)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < o->nsamples; i++)
		n += o->samples[i];
	return n;
}

TEST_F(probe, litmus_counts_every_round_and_never_breaks_the_model)
{
	struct req q = { .kind = LLKM_PROBE_LITMUS, .cpus = { 0, 1 }, .ncpus = 2,
			 .iterations = 2000, .batches = 10 };
	static struct res o;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	/* SB fenced: r0=0,r1=0 (index 0) is forbidden. */
	q.op = LLKM_LITMUS_SB;
	q.flags = LLKM_PROBE_F_FENCED;
	ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("%s", self->rep->extack);
	EXPECT_EQ(LLKM_LITMUS_OUTCOMES_MAX, o.nsamples);
	EXPECT_EQ(20000ULL, hist_total(&o));
	EXPECT_EQ(0ULL, o.samples[0]);
	/* SB without fences: every round counted, the outcome allowed. */
	q.flags = 0;
	ASSERT_EQ(0, RUN(&q, &o));
	EXPECT_EQ(20000ULL, hist_total(&o));
	/* MP, LB, 2+2W, R: each round once. */
	for (q.op = LLKM_LITMUS_MP; q.op <= LLKM_LITMUS_R; q.op++) {
		if (q.op == LLKM_LITMUS_IRIW)
			continue;
		ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("test %u", q.op);
		EXPECT_EQ(20000ULL, hist_total(&o)) TH_LOG("test %u", q.op);
	}
	/* IRIW takes four threads. */
	q.op = LLKM_LITMUS_IRIW;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
}

TEST_F(probe, absurd_requests_are_refused)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 1000, .batches = 1 };
	static struct res o;

	q.iterations = 0;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.iterations = LLKM_PROBE_ITERATIONS_MAX + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.iterations = 1000;
	q.batches = LLKM_PROBE_BATCHES_MAX + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.batches = 1;
	q.kind = LLKM_PROBE_KIND_MAX + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.kind = LLKM_PROBE_C2C;		/* one CPU for two threads */
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.cpus[1] = 0;				/* the same CPU twice */
	q.ncpus = 2;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.kind = LLKM_PROBE_FENCE;
	q.ncpus = 1;
	q.cpus[0] = 4095;			/* not online */
	EXPECT_EQ(-ENODEV, RUN(&q, &o));
	q.cpus[0] = 0;
	q.flags = LLKM_PROBE_F_PADDED;		/* not a fence flag */
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.flags = 0;
	q.timeout_ms = LLKM_PROBE_TIMEOUT_MAX_MS + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.timeout_ms = 0;
	q.has_param = 1;			/* fences take no PARAM */
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
}

/* Every sample of a run that was not stopped is there and took time. */
static int all_timed(const struct res *o, int want)
{
	int i;

	if (o->stopped || o->nsamples != want || !o->tsc_khz)
		return 0;
	for (i = 0; i < want; i++)
		if (!o->samples[i])
			return 0;
	return 1;
}

static int cpu_has(const char *flag)
{
	char line[4096], word[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(word, sizeof(word), " %s ", flag);
	while (!found && fgets(line, sizeof(line) - 1, f))
		if (!strncmp(line, "flags", 5)) {
			line[strcspn(line, "\n")] = ' ';
			found = strstr(line, word) != NULL;
		}
	fclose(f);
	return found;
}

TEST_F(probe, branch_runs_random_sorted_and_patterns)
{
	struct req q = { .kind = LLKM_PROBE_BRANCH, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 1, .batches = 3, .has_param = 1 };
	static struct res o;

	ASSERT_EQ(0, RUN(&q, &o));		/* random bits */
	EXPECT_TRUE(all_timed(&o, 3));
	q.flags = LLKM_PROBE_F_SORTED;
	ASSERT_EQ(0, RUN(&q, &o));
	EXPECT_TRUE(all_timed(&o, 3));
	q.flags = 0;
	q.param = 2;
	ASSERT_EQ(0, RUN(&q, &o));
	EXPECT_TRUE(all_timed(&o, 3));
	q.param = LLKM_BRANCH_BITS;
	ASSERT_EQ(0, RUN(&q, &o));
	EXPECT_TRUE(all_timed(&o, 3));
}

TEST_F(probe, branch_refuses_what_it_cannot_run)
{
	struct req q = { .kind = LLKM_PROBE_BRANCH, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 1, .batches = 1, .has_param = 1 };
	static struct res o;

	q.param = LLKM_BRANCH_BITS + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.param = 64;				/* sorted takes random bits */
	q.flags = LLKM_PROBE_F_SORTED;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.flags = 0;
	q.iterations = LLKM_BRANCH_PASSES_MAX + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.iterations = 1;
	q.simd = 128;				/* a bandwidth attribute */
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.simd = 0;
	q.cpus[1] = 1;				/* one thread only */
	q.ncpus = 2;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
}

TEST_F(probe, icache_runs_code_footprints_and_pages)
{
	struct req q = { .kind = LLKM_PROBE_ICACHE, .op = LLKM_ICACHE_CODE,
			 .cpus = { 0 }, .ncpus = 1, .iterations = 4,
			 .batches = 2, .has_param = 1 };
	static struct res o;
	const uint64_t code[] = { 0, 4, 1024, LLKM_ICACHE_CODE_MAX };
	const uint64_t pages[] = { 1, 2, LLKM_ICACHE_PAGES_MAX };
	unsigned int i;

	for (i = 0; i < sizeof(code) / sizeof(code[0]); i++) {
		q.param = code[i];
		ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("code footprint %llu",
						 (unsigned long long)code[i]);
		EXPECT_TRUE(all_timed(&o, 2));
	}
	q.op = LLKM_ICACHE_PAGES;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		q.param = pages[i];
		ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("%llu pages",
						 (unsigned long long)pages[i]);
		EXPECT_TRUE(all_timed(&o, 2));
	}
}

TEST_F(probe, icache_refuses_footprints_it_does_not_have)
{
	struct req q = { .kind = LLKM_PROBE_ICACHE, .op = LLKM_ICACHE_CODE,
			 .cpus = { 0 }, .ncpus = 1, .iterations = 1,
			 .batches = 1, .has_param = 1 };
	static struct res o;

	q.param = 6;				/* not whole instructions */
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.param = LLKM_ICACHE_CODE_MAX + 4;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.param = LLKM_ICACHE_CODE_MAX;		/* too much code a batch */
	q.iterations = LLKM_ICACHE_BATCH_BYTES_MAX / LLKM_ICACHE_CODE_MAX + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.iterations = 1;
	q.op = LLKM_ICACHE_PAGES;
	q.param = 0;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.param = LLKM_ICACHE_PAGES_MAX + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.op = LLKM_ICACHE_MAX + 1;
	q.param = 1;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
}

TEST_F(probe, bandwidth_runs_every_kernel_and_width_this_cpu_has)
{
	struct req q = { .kind = LLKM_PROBE_BANDWIDTH, .cpus = { 0, 1 },
			 .iterations = 2, .batches = 2, .has_param = 1,
			 .param = 64 << 10 };
	const uint32_t simd[] = { 64, 128, 256, 512 };
	const char *need[] = { NULL, NULL, "avx", "avx512f" };
	static struct res o;
	unsigned int k, w;

	for (k = 0; k <= LLKM_BW_MAX; k++) {
		for (w = 0; w < 4; w++) {
			q.op = k;
			q.simd = simd[w];
			q.prefetch = w % 2 ? 256 : 0;
			q.ncpus = two_cpus() && w == 1 ? 2 : 1;
			if (need[w] && !cpu_has(need[w])) {
				EXPECT_EQ(-EOPNOTSUPP, RUN(&q, &o))
					TH_LOG("simd %u without %s", simd[w], need[w]);
				continue;
			}
			ASSERT_EQ(0, RUN(&q, &o))
				TH_LOG("kernel %u simd %u", k, simd[w]);
			EXPECT_TRUE(all_timed(&o, 2 * q.ncpus))
				TH_LOG("kernel %u simd %u: %d samples", k,
				       simd[w], o.nsamples);
		}
	}
}

TEST_F(probe, bandwidth_refuses_absurd_working_sets)
{
	struct req q = { .kind = LLKM_PROBE_BANDWIDTH, .op = LLKM_BW_TRIAD,
			 .cpus = { 0 }, .ncpus = 1, .iterations = 1,
			 .batches = 1, .has_param = 1, .param = 64 << 10 };
	static struct res o;
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	q.param = 3 * 256 - 1;			/* under a step an array */
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.param = LLKM_BW_BYTES_MAX + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.param = 64 << 20;			/* too much a batch */
	q.iterations = LLKM_BW_BATCH_BYTES_MAX / q.param + 1;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.iterations = 1;
	q.param = 64 << 10;
	q.simd = 96;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.simd = 64;
	q.prefetch = 65;
	EXPECT_EQ(-EINVAL, RUN(&q, &o));
	q.prefetch = LLKM_BW_PREFETCH_MAX + 64;
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	q.prefetch = 0;
	/* More than a quarter of RAM, when the biggest working set is. */
	q.param = LLKM_BW_BATCH_BYTES_MAX;
	if ((uint64_t)pages * psz / 4 < q.param)
		EXPECT_EQ(-ENOMEM, RUN(&q, &o));
}

/*
 * Far more work than any timeout here: a million cache-line round trips a
 * batch, a hundred batches (seconds natively, much more emulated).
 */
#define LONG_C2C { .kind = LLKM_PROBE_C2C, .cpus = { 0, 1 }, .ncpus = 2, \
		   .iterations = LLKM_PROBE_ITERATIONS_MAX, .batches = 100, \
		   .timeout_ms = 60000 }

TEST_F(probe, timeout_stops_a_run_and_says_so)
{
	struct req q = LONG_C2C;
	static struct res o;
	uint64_t t0 = now_ns();

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	q.timeout_ms = 300;
	ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("%s", self->rep->extack);
	EXPECT_TRUE(o.stopped);
	EXPECT_GT(100, o.nsamples);
	EXPECT_GT(3000000000ULL, now_ns() - t0);
}

/* In a child: a long run; the parent signals it. */
static void long_run_child(int family)
{
	struct req q = LONG_C2C;
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	static struct res o;
	int fd = nl_open();

	if (!rep || fd < 0)
		_exit(100);
	run(fd, family, rep, &q, &o);
	_exit(0);
}

TEST_F(probe, a_signal_stops_the_run_promptly)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 100, .batches = 2 };
	static struct res o;
	uint64_t t0;
	pid_t pid;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		long_run_child(self->family);
	usleep(500000);
	/* One run at a time. */
	EXPECT_EQ(-EBUSY, RUN(&q, &o));
	t0 = now_ns();
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	EXPECT_GT(3000000000ULL, now_ns() - t0) TH_LOG("the killed run took %llu ns",
		(unsigned long long)(now_ns() - t0));
	/* And the next run goes. */
	EXPECT_EQ(0, RUN(&q, &o));
}

/*
 * Issue 17, item 1: nla_len is 16 bits. 10000 fence batches are 80000
 * bytes of samples: every one must arrive, each the time of a batch that
 * ran (not 0), and together no longer than the run took (its elapsed time
 * in TSC ticks: batches do not overlap).
 */
TEST_F(probe, fence_10000_batches_returns_every_sample_intact)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .op = LLKM_FENCE_COMPILER,
			 .cpus = { 0 }, .ncpus = 1, .iterations = 1000,
			 .batches = 10000, .timeout_ms = 120000 };
	static struct res o;
	uint64_t sum = 0, ticks;
	int i, zero = 0;

	ASSERT_EQ(0, RUN(&q, &o)) TH_LOG("%s", self->rep->extack);
	EXPECT_FALSE(o.stopped);
	ASSERT_EQ(10000, o.nsamples);
	for (i = 0; i < o.nsamples; i++) {
		zero += !o.samples[i];
		sum += o.samples[i];
	}
	ticks = o.elapsed_ns / 1000 * o.tsc_khz / 1000;
	EXPECT_EQ(0, zero) TH_LOG("%d of 10000 samples are 0", zero);
	EXPECT_GE(ticks + ticks / 10, sum) TH_LOG("%llu ticks of batches in a run of %llu",
		(unsigned long long)sum, (unsigned long long)ticks);
}

/*
 * The samples a run asks for are bounded before it runs: a false-sharing
 * run's are batches x writers. At the bound it is accepted; one batch more
 * is refused at once, the extack naming the bound.
 */
TEST_F(probe, samples_over_the_bound_are_refused_before_running)
{
	struct req q = { .kind = LLKM_PROBE_FALSE_SHARING, .cpus = { 0, 1 },
			 .ncpus = 2, .iterations = 1, .timeout_ms = 1000 };
	static struct res o;
	uint64_t t0;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	q.batches = LLKM_PROBE_SAMPLES_MAX / 2 + 1;
	t0 = now_ns();
	EXPECT_EQ(-ERANGE, RUN(&q, &o));
	EXPECT_GT(500000000ULL, now_ns() - t0) TH_LOG("refused only after running");
	EXPECT_NE(NULL, strstr(self->rep->extack, "LLKM_PROBE_SAMPLES_MAX"))
		TH_LOG("extack: '%s'", self->rep->extack);
	q.batches = LLKM_PROBE_SAMPLES_MAX / 2;
	EXPECT_EQ(0, RUN(&q, &o)) TH_LOG("%s", self->rep->extack);
	EXPECT_GE(LLKM_PROBE_SAMPLES_MAX, (uint32_t)o.nsamples);
	EXPECT_EQ(0, o.nsamples % 2);
}

/*
 * Issue 17, item 6: no probe batch keeps interrupts off for long, at any
 * kind's largest accepted work. The oracle is the kernel's, not llkm's:
 * the irq_vectors:local_timer_entry tracepoint (arm64: irq_handler_entry
 * of arch_timer). A CPU that runs a task
 * takes its tick every 4 ms (HZ=250; the guest has no nohz_full CPUs), so
 * the longest gap between two local timer interrupts on a CPU, both taken
 * while an llkm_probe thread ran there (a tick in another task or in the
 * idle task ends the interval), bounds from above the longest stretch
 * with interrupts off there, to within a tick. Designed bound: llkm
 * promises about 1 ms (2 ms while a peer is late), 4 ms gaps with the
 * tick; an emulator on a loaded host stalls the whole guest now and then
 * for a hundred milliseconds or more, a gap in any context: a second run
 * is measured when the first is over the bound, and the shorter longest
 * gap counts (a stretch with interrupts off comes back every run, a stall
 * does not). Before the fix a batch ran whole with interrupts off: c2c,
 * litmus and branch took 0.5 to 6 s here (TCG), natively milliseconds to
 * a second.
 */
#define TRACEFS			"/sys/kernel/tracing"
#define IRQSOFF_BOUND_US	250000
/*
 * The tick's tracepoint: x86's local timer vector; on arm64 the generic
 * timer's interrupt, irq:irq_handler_entry named arch_timer. A fence op
 * that stalls: x86's MFENCE, arm64's DSB SY.
 */
#if defined(__aarch64__)
#define TICK_EVENT		"irq/irq_handler_entry"
#define TICK_AT			": irq_handler_entry:"
#define TICK_NAME		" name=arch_timer"
#define STALLING_FENCE		LLKM_FENCE_DSB_SY
#else
#define TICK_EVENT		"irq_vectors/local_timer_entry"
#define TICK_AT			": local_timer_entry:"
#define TICK_NAME		""
#define STALLING_FENCE		LLKM_FENCE_MFENCE
#endif

FIXTURE(irqsoff) {
	LLKM_NL_FIXTURE;
};

FIXTURE_VARIANT(irqsoff) {
	struct req q;
};

#define IRQSOFF_Q(...) { .timeout_ms = 2000, __VA_ARGS__ }

FIXTURE_VARIANT_ADD(irqsoff, fence_serialising) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_FENCE, .op = STALLING_FENCE,
		       .cpus = { 0 }, .ncpus = 1,
		       .iterations = LLKM_PROBE_ITERATIONS_MAX, .batches = 200),
};

FIXTURE_VARIANT_ADD(irqsoff, c2c) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_C2C, .cpus = { 0, 1 }, .ncpus = 2,
		       .iterations = LLKM_PROBE_ITERATIONS_MAX, .batches = 3),
};

FIXTURE_VARIANT_ADD(irqsoff, false_sharing) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_FALSE_SHARING, .cpus = { 0, 1 },
		       .ncpus = 2, .iterations = LLKM_PROBE_ITERATIONS_MAX,
		       .batches = 10),
};

FIXTURE_VARIANT_ADD(irqsoff, litmus_sb) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_LITMUS, .op = LLKM_LITMUS_SB,
		       .cpus = { 0, 1 }, .ncpus = 2,
		       .iterations = LLKM_PROBE_ITERATIONS_MAX, .batches = 2),
};

FIXTURE_VARIANT_ADD(irqsoff, branch_random) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_BRANCH, .cpus = { 0 }, .ncpus = 1,
		       .iterations = LLKM_BRANCH_PASSES_MAX, .batches = 10,
		       .has_param = 1, .param = 0),
};

FIXTURE_VARIANT_ADD(irqsoff, icache_code) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_ICACHE, .op = LLKM_ICACHE_CODE,
		       .cpus = { 0 }, .ncpus = 1,
		       .iterations = LLKM_ICACHE_BATCH_BYTES_MAX / LLKM_ICACHE_CODE_MAX,
		       .batches = 10, .has_param = 1, .param = LLKM_ICACHE_CODE_MAX),
};

FIXTURE_VARIANT_ADD(irqsoff, icache_pages) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_ICACHE, .op = LLKM_ICACHE_PAGES,
		       .cpus = { 0 }, .ncpus = 1,
		       .iterations = LLKM_PROBE_ITERATIONS_MAX / LLKM_ICACHE_PAGES_MAX,
		       .batches = 10, .has_param = 1, .param = LLKM_ICACHE_PAGES_MAX),
};

/*
 * A batch's whole work in passes of 64 MiB: two threads' fit a 1 GiB
 * guest's quarter of RAM (and share one emulating thread: twice as long).
 */
FIXTURE_VARIANT_ADD(irqsoff, bandwidth_read) {
	.q = IRQSOFF_Q(.kind = LLKM_PROBE_BANDWIDTH, .op = LLKM_BW_READ,
		       .cpus = { 0, 1 }, .ncpus = 2,
		       .iterations = LLKM_BW_BATCH_BYTES_MAX / (64 << 20),
		       .batches = 4, .has_param = 1, .param = 64 << 20),
};

FIXTURE_SETUP(irqsoff)
{
	LLKM_NL_FIXTURE_SETUP();
	if (!PROBES_HERE(self->fd, self->family, self->rep))
		SETUP_SKIP(LLKM_NL_FIXTURE_TEARDOWN(), NO_PROBES_WHY);
}

FIXTURE_TEARDOWN(irqsoff)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

static int tracefs_write(const char *file, const char *val)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * From the trace: the longest gap in microseconds between two
 * ticks (TICK_EVENT) on one CPU below @ncpus, with no tick in
 * another task between them and both in an llkm_probe thread; -1 when
 * there is no such pair. A line reads "  TASK-PID  [CPU] FLAGS  SECS.USECS:
 * local_timer_entry: vector=N" (arm64: "irq_handler_entry: irq=N
 * name=arch_timer").
 */
static long longest_probe_tick_gap_us(int ncpus, int *pairs)
{
	long long last[64];
	long gap = -1;
	char line[512];
	FILE *f = fopen(TRACEFS "/trace", "re");
	int cpu;

	*pairs = 0;
	if (!f)
		return -1;
	for (cpu = 0; cpu < 64; cpu++)
		last[cpu] = -1;
	while (fgets(line, sizeof(line), f)) {
		char *task, *br, *ts;
		unsigned long long sec, usec;

		ts = strstr(line, TICK_AT);
		if (ts && !strstr(ts, TICK_NAME))
			continue;
		br = strstr(line, " [");
		if (!ts || !br || sscanf(br + 2, "%d", &cpu) != 1 || cpu < 0 || cpu >= 64)
			continue;
		while (ts > line && ts[-1] != ' ')
			ts--;
		if (sscanf(ts, "%llu.%llu", &sec, &usec) != 2)
			continue;
		for (task = line; *task == ' '; task++)
			;
		if (strncmp(task, "llkm_probe/", 11) || cpu >= ncpus) {
			last[cpu] = -1;
			continue;
		}
		if (last[cpu] >= 0) {
			long d = (long)(sec * 1000000 + usec - last[cpu]);

			gap = d > gap ? d : gap;
			(*pairs)++;
		}
		last[cpu] = sec * 1000000 + usec;
	}
	fclose(f);
	return gap;
}

/* One run of @q, traced: the longest gap (us), or -1 with nothing measured. */
static long traced_run(struct __test_metadata *_metadata, FIXTURE_DATA(irqsoff) *self,
		       const struct req *q)
{
	const char *event = "events/" TICK_EVENT "/enable";
	static struct res o;
	int pairs, ret;
	long gap;

	if (tracefs_write("tracing_on", "0") || tracefs_write("trace", "") ||
	    tracefs_write(event, "1") || tracefs_write("tracing_on", "1"))
		return -1;
	ret = RUN(q, &o);
	tracefs_write("tracing_on", "0");
	tracefs_write(event, "0");
	gap = longest_probe_tick_gap_us(q->ncpus, &pairs);
	tracefs_write("trace", "");
	TH_LOG("run: %d, %d samples in %llu ms%s: longest tick gap in a probe thread %ld us (%d gaps)",
	       ret, o.nsamples, (unsigned long long)o.elapsed_ns / 1000000,
	       o.stopped ? " (stopped)" : "", gap, pairs);
	return ret || !pairs ? -1 : gap;
}

TEST_F_TIMEOUT(irqsoff, longest_stretch_at_the_largest_work_is_bounded, 120)
{
	long gap, again;

	if (sysconf(_SC_NPROCESSORS_ONLN) < variant->q.ncpus)
		SKIP(return, "needs %d online CPUs", variant->q.ncpus);
	if (access(TRACEFS "/events/" TICK_EVENT, F_OK))
		SKIP(return, "no tracefs or no " TICK_EVENT " event");
	gap = traced_run(_metadata, self, &variant->q);
	ASSERT_LE(0, gap) TH_LOG("the run failed or measured nothing");
	if (gap >= IRQSOFF_BOUND_US) {
		again = traced_run(_metadata, self, &variant->q);
		ASSERT_LE(0, again) TH_LOG("the run failed or measured nothing");
		gap = again < gap ? again : gap;
	}
	EXPECT_GT(IRQSOFF_BOUND_US, gap);
}

/* In a child: a run of @seconds, from a socket that stays open. */
static void timed_run_child(int family, int seconds)
{
	struct req q = LONG_C2C;
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	static struct res o;
	int fd = nl_open();

	if (!rep || fd < 0)
		_exit(100);
	q.timeout_ms = seconds * 1000;
	run(fd, family, rep, &q, &o);
	pause();
	_exit(0);
}

/*
 * Issue 17, item 2: a probe run must not hold genetlink's cb_lock. While
 * one runs (20 s), a module registering a genl family (cb_lock's writer)
 * loads before the run ends (in half its time: loading is slow emulated),
 * and requests that would queue behind that writer, an llkm GET_INFO and
 * the controller's GETFAMILY, each from another socket, complete within
 * 1 s.
 */
TEST_F_TIMEOUT(probe, genl_stays_responsive_during_a_long_run, 90)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 1, .batches = 1 };
	const char *ko = genl_module_path();
	static struct res o;
	uint64_t t0, dt_load, dt_info, dt_family;
	pid_t runner, loader;
	int status;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	if (!ko)
		SKIP(return, "no team.ko to load (or it is loaded already)");
	runner = fork();
	ASSERT_LE(0, runner);
	if (runner == 0)
		timed_run_child(self->family, 20);
	usleep(500000);
	EXPECT_EQ(-EBUSY, RUN(&q, &o)) TH_LOG("the long run did not start");
	t0 = now_ns();
	loader = fork();
	ASSERT_LE(0, loader);
	if (loader == 0)
		_exit(load_ko(ko) ? 1 : 0);
	usleep(200000);		/* the writer queues on cb_lock, if it must */
	dt_info = nl_timed_request(self->family, LLKM_CMD_GET_INFO, NULL);
	dt_family = nl_timed_request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, "nlctrl");
	ASSERT_EQ(loader, waitpid(loader, &status, 0));
	dt_load = now_ns() - t0;
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The family registered while the run still went. */
	EXPECT_EQ(-EBUSY, RUN(&q, &o)) TH_LOG("the run was over first");
	EXPECT_LT(0ULL, dt_info);
	EXPECT_GT(1000000000ULL, dt_info) TH_LOG("GET_INFO took %llu ms",
						 (unsigned long long)dt_info / 1000000);
	EXPECT_LT(0ULL, dt_family);
	EXPECT_GT(1000000000ULL, dt_family) TH_LOG("GETFAMILY took %llu ms",
						   (unsigned long long)dt_family / 1000000);
	EXPECT_GT(10000000000ULL, dt_load) TH_LOG("team.ko took %llu ms to load",
						 (unsigned long long)dt_load / 1000000);
	syscall(SYS_delete_module, "team", O_NONBLOCK);
	kill(runner, SIGKILL);
	waitpid(runner, NULL, 0);
}

/*
 * The socket that asked for a run owns it: closing it stops the run (and
 * llctl's Ctrl-C closes it on the way out), the process living on.
 */
TEST_F(probe, closing_the_socket_stops_the_run)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 1, .batches = 1 };
	struct req lq = LONG_C2C;
	struct nl_probe_out po = { 0 };
	static struct res o;
	struct nl_req r;
	int fd, ret = -EBUSY;
	uint64_t t0;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	fd = nl_open();
	ASSERT_LE(0, fd);
	probe_req(&r, self->family, &lq);
	ASSERT_EQ(0, nl_probe_start(fd, &r, self->rep, &po)) TH_LOG("%s", self->rep->extack);
	EXPECT_EQ(-EBUSY, RUN(&q, &o)) TH_LOG("the long run did not start");
	t0 = now_ns();
	close(fd);
	while (ret == -EBUSY && now_ns() - t0 < 3000000000ULL) {
		ret = RUN(&q, &o);
		usleep(50000);
	}
	EXPECT_EQ(0, ret) TH_LOG("the run went on after its socket closed");
	EXPECT_GT(1000000000ULL, now_ns() - t0);
}

/*
 * Issue 17, item 6: a run that takes every CPU keeps no task off them for
 * a whole batch. Litmus SB at its largest work (batches of seconds under
 * TCG) on CPUs 0 and 1; this process, not pinned, sleeps 300 ms and asks
 * to stop it, as llctl's Ctrl-C does. Where the run holds every CPU, the
 * process can run only where a probe thread lets it (a window that
 * yields, about every millisecond, or the end of a batch). Measured: from
 * the due wake-up to PROBE_DONE, the longest of three runs. Designed
 * bound 500 ms: a window's millisecond plus a TCG guest's stalls on a
 * loaded host; a batch runs 1.7 to 6 s here.
 */
TEST_F_TIMEOUT(probe, a_stop_is_served_within_a_window_not_a_batch, 120)
{
	struct req lq = { .kind = LLKM_PROBE_LITMUS, .op = LLKM_LITMUS_SB,
			  .cpus = { 0, 1 }, .ncpus = 2,
			  .iterations = LLKM_PROBE_ITERATIONS_MAX,
			  .batches = 100, .timeout_ms = 60000 };
	struct nl_probe_out po = { 0 };
	uint64_t due, late, worst = 0;
	struct timespec ts;
	struct nl_req r;
	int i, fd;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	for (i = 0; i < 3; i++) {
		fd = nl_open();
		ASSERT_LE(0, fd);
		probe_req(&r, self->family, &lq);
		ASSERT_EQ(0, nl_probe_start(fd, &r, self->rep, &po))
			TH_LOG("%s", self->rep->extack);
		due = now_ns() + 300000000ULL;
		ts.tv_sec = due / 1000000000ULL;
		ts.tv_nsec = due % 1000000000ULL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		nl_probe_id_req(&r, self->family, LLKM_CMD_PROBE_STOP, po.id);
		ASSERT_LT(0, send(fd, &r, r.nlh.nlmsg_len, 0));
		ASSERT_EQ(0, nl_probe_wait(fd, self->rep, &po));
		late = now_ns() - due;
		TH_LOG("run %d: stopped %" PRIu64 " ms after the due wake-up", i,
		       late / 1000000);
		if (late > worst)
			worst = late;
		close(fd);
	}
	EXPECT_GT(500000000ULL, worst);
}

/*
 * Issue 17, item 8: one run at a time is checked before the run's memory
 * is allocated. While a run goes, a bandwidth run whose working set is
 * over a quarter of RAM (refused -ENOMEM when it could run) is refused
 * -EBUSY: its allocation was not even tried. And one that fits, 1/8 of
 * RAM, is refused without the time zeroing it would take (logged only:
 * how long zeroing takes depends on the machine).
 */
TEST_F(probe, a_second_run_is_refused_before_allocating)
{
	struct req q = { .kind = LLKM_PROBE_BANDWIDTH, .op = LLKM_BW_READ,
			 .cpus = { 0 }, .ncpus = 1, .iterations = 1, .batches = 1,
			 .has_param = 1, .param = LLKM_BW_BATCH_BYTES_MAX };
	struct req lq = LONG_C2C;
	struct nl_probe_out po = { 0 };
	static struct res o;
	uint64_t t0, dt;
	struct nl_req r;
	int fd;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	if ((uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) / 4 >=
	    LLKM_BW_BATCH_BYTES_MAX)
		SKIP(return, "RAM of 1 GiB or more: the largest working set fits its quarter");
	/* Alone, it is refused for its size. */
	EXPECT_EQ(-ENOMEM, RUN(&q, &o));
	fd = nl_open();
	ASSERT_LE(0, fd);
	probe_req(&r, self->family, &lq);
	ASSERT_EQ(0, nl_probe_start(fd, &r, self->rep, &po)) TH_LOG("%s", self->rep->extack);
	EXPECT_EQ(-EBUSY, RUN(&q, &o)) TH_LOG("tried to allocate before the busy check");
	q.param = (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) / 8;
	t0 = now_ns();
	EXPECT_EQ(-EBUSY, RUN(&q, &o));
	dt = now_ns() - t0;
	TH_LOG("a %llu MiB bandwidth run refused busy in %llu us",
	       (unsigned long long)q.param >> 20, (unsigned long long)dt / 1000);
	close(fd);
}

/*
 * The largest working set a thread of a two-thread bandwidth run gets:
 * both regions within the module's cap (a quarter of RAM, MemTotal) and
 * half the memory available, one pass of it a batch. A region is the
 * working set and four skews of 320 bytes, in whole pages (probe_bw.h).
 */
static uint64_t largest_bw_each(void)
{
	unsigned long long each = meminfo("MemTotal:") / 4 / 2;

	if (each > meminfo("MemAvailable:") / 2 / 2)
		each = meminfo("MemAvailable:") / 2 / 2;
	if (each > LLKM_BW_BATCH_BYTES_MAX)
		each = LLKM_BW_BATCH_BYTES_MAX;
	each = each > 2 * 4096 ? (each - 4096 - 4 * 320) & ~4095ULL : 0;
	return each;
}

/*
 * Issue 17, item 2: PROBE_RUN's doit checks the request and replies; the
 * run's memory (here two bandwidth working sets as large as the guest
 * allows, zeroed) is allocated after, by the run's worker, not while the
 * doit holds genetlink's cb_lock. One batch of one pass: the run is mostly
 * its setup. The reply must come within a quarter of the time to
 * PROBE_DONE (a ratio: it holds on fast and slow CPUs alike); on a machine
 * where the whole run takes under 50 ms, there is nothing to tell apart.
 */
TEST_F_TIMEOUT(probe, a_large_working_set_is_allocated_after_the_reply, 120)
{
	struct req q = { .kind = LLKM_PROBE_BANDWIDTH, .op = LLKM_BW_READ,
			 .cpus = { 0, 1 }, .ncpus = 2, .iterations = 1,
			 .batches = 1, .timeout_ms = 60000, .has_param = 1 };
	struct nl_probe_out po = { 0 };
	uint64_t t0, ack, done;
	struct nl_req r;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	q.param = largest_bw_each();
	if (q.param < 16 << 20)
		SKIP(return, "under 16 MiB a thread to allocate: %llu bytes",
		     (unsigned long long)q.param);
	probe_req(&r, self->family, &q);
	t0 = now_ns();
	ASSERT_EQ(0, nl_probe_start(self->fd, &r, self->rep, &po))
		TH_LOG("%s", self->rep->extack);
	ack = now_ns() - t0;
	ASSERT_EQ(0, nl_probe_wait(self->fd, self->rep, &po));
	done = now_ns() - t0;
	TH_LOG("2 x %llu MiB: PROBE_RUN acked in %llu ms, PROBE_DONE after %llu ms (the run's batches %llu ms)",
	       (unsigned long long)q.param >> 20,
	       (unsigned long long)ack / 1000000,
	       (unsigned long long)done / 1000000,
	       (unsigned long long)po.elapsed_ns / 1000000);
	EXPECT_EQ(0, po.err);
	EXPECT_FALSE(po.stopped);
	EXPECT_EQ(2, po.nsamples);
	if (done < 50000000ULL)
		SKIP(return, "the whole run took %llu ms: too short to compare",
		     (unsigned long long)done / 1000000);
	EXPECT_GT(done / 4, ack)
		TH_LOG("PROBE_RUN's doit allocated the working sets");
}

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

/*
 * Issue 17, item 2: a setup that fails is said in PROBE_DONE, and PROBE_GET
 * answers the same. CPU 1 goes offline right after the reply, while the
 * run's working sets (as above: a second and more in the guest) are
 * allocated: the run cannot start there, PROBE_DONE says -ENODEV. Before,
 * the doit allocated and started the threads: the offline after the reply
 * stopped a run that ran (STOPPED, no error).
 */
TEST_F_TIMEOUT(probe, a_cpu_gone_during_the_setup_is_the_runs_error, 120)
{
	struct req q = { .kind = LLKM_PROBE_BANDWIDTH, .op = LLKM_BW_READ,
			 .cpus = { 0, 1 }, .ncpus = 2, .iterations = 1,
			 .batches = 1, .timeout_ms = 60000, .has_param = 1 };
	struct nl_probe_out po = { 0 };
	uint64_t t0, off, done;
	struct nl_req r;
	int offline;

	if (!two_cpus() || access(CPU1_ONLINE, W_OK))
		SKIP(return, "needs CPU 1 online and hotpluggable");
	q.param = largest_bw_each();
	if (q.param < 16 << 20)
		SKIP(return, "under 16 MiB a thread to allocate: %llu bytes",
		     (unsigned long long)q.param);
	probe_req(&r, self->family, &q);
	ASSERT_EQ(0, nl_probe_start(self->fd, &r, self->rep, &po))
		TH_LOG("%s", self->rep->extack);
	t0 = now_ns();
	offline = write_str(CPU1_ONLINE, "0");
	off = now_ns() - t0;
	ASSERT_EQ(0, nl_probe_wait(self->fd, self->rep, &po));
	done = now_ns() - t0;
	ASSERT_EQ(0, write_str(CPU1_ONLINE, "1"));
	ASSERT_EQ(0, offline);
	TH_LOG("2 x %llu MiB: CPU 1 offline %llu ms after the reply, PROBE_DONE after %llu ms: error %d, %s, %d samples",
	       (unsigned long long)q.param >> 20,
	       (unsigned long long)off / 1000000,
	       (unsigned long long)done / 1000000, po.err,
	       po.stopped ? "stopped" : "not stopped", po.nsamples);
	/*
	 * The race this test sets up, lost: the working sets were zeroed and
	 * the run done before CPU 1 went down (the arm64 guest, under -icount,
	 * zeroes memory faster than it takes a CPU down). Nothing to judge.
	 */
	if (!po.err && !po.stopped && po.nsamples == 2)
		SKIP(return, "the setup and the run were over before CPU 1 went offline (%llu ms)",
		     (unsigned long long)off / 1000000);
	EXPECT_EQ(-ENODEV, po.err);
	EXPECT_EQ(-ENODEV, nl_probe_fetch(self->fd, self->family, self->rep, &po));
}

/*
 * Issue 17, item 2: a stop during the setup is heard. A PROBE_STOP sent
 * right after the reply of the run above ends it STOPPED (with no samples
 * when it came before the threads started), and PROBE_GET answers; the
 * socket of another such run closing returns once its worker let go (one
 * working set's allocation at most; at once when the worker had not begun
 * one yet, as when the close follows the reply), and the next run starts
 * at once. The times are logged: how long a working set takes depends on
 * the host.
 */
TEST_F_TIMEOUT(probe, a_stop_or_close_during_the_setup_ends_it, 120)
{
	struct req q = { .kind = LLKM_PROBE_BANDWIDTH, .op = LLKM_BW_READ,
			 .cpus = { 0, 1 }, .ncpus = 2, .iterations = 1,
			 .batches = 1, .timeout_ms = 60000, .has_param = 1 };
	struct req fq = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			  .iterations = 1, .batches = 1 };
	struct nl_probe_out po = { 0 };
	uint64_t t0, stopped, closed;
	static uint64_t samples[4];
	static struct res o;
	struct nl_req r;
	int fd;

	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	q.param = largest_bw_each();
	if (q.param < 16 << 20)
		SKIP(return, "under 16 MiB a thread to allocate: %llu bytes",
		     (unsigned long long)q.param);
	probe_req(&r, self->family, &q);
	ASSERT_EQ(0, nl_probe_start(self->fd, &r, self->rep, &po))
		TH_LOG("%s", self->rep->extack);
	t0 = now_ns();
	nl_probe_id_req(&r, self->family, LLKM_CMD_PROBE_STOP, po.id);
	ASSERT_LT(0, send(self->fd, &r, r.nlh.nlmsg_len, 0));
	ASSERT_EQ(0, nl_probe_wait(self->fd, self->rep, &po));
	stopped = now_ns() - t0;
	EXPECT_EQ(0, po.err);
	EXPECT_TRUE(po.stopped);
	po.samples = samples;
	po.max = 4;
	EXPECT_EQ(0, nl_probe_fetch(self->fd, self->family, self->rep, &po));
	EXPECT_EQ(po.nsamples, po.got);

	fd = nl_open();
	ASSERT_LE(0, fd);
	probe_req(&r, self->family, &q);
	ASSERT_EQ(0, nl_probe_start(fd, &r, self->rep, &po))
		TH_LOG("%s", self->rep->extack);
	t0 = now_ns();
	close(fd);
	closed = now_ns() - t0;
	EXPECT_EQ(0, RUN(&fq, &o)) TH_LOG("the next run: %s", self->rep->extack);
	TH_LOG("2 x %llu MiB: PROBE_DONE %llu ms after the stop (%d samples), close() returned in %llu ms",
	       (unsigned long long)q.param >> 20,
	       (unsigned long long)stopped / 1000000, po.nsamples,
	       (unsigned long long)closed / 1000000);
}

static int drop_caps_and_run(int family)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 100, .batches = 1 };
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	static struct res o;
	int fd;

	if (!rep || drop_all_caps())
		return 100;
	fd = nl_open();
	if (fd < 0)
		return 101;
	return run(fd, family, rep, &q, &o) == -EPERM ? 0 : 102;
}

TEST_F(probe, running_needs_cap_perfmon)
{
	EXPECT_EQ(0, run_in_child(drop_caps_and_run, self->family));
}

/*
 * A run goes exactly where GET_INFO says probes do; elsewhere (arm64, not
 * ported yet) it is refused before anything starts, with the reason.
 */
FIXTURE(arch) {
	LLKM_NL_FIXTURE;
};

FIXTURE_SETUP(arch)
{
	LLKM_NL_FIXTURE_SETUP();
}

FIXTURE_TEARDOWN(arch)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

TEST_F(arch, a_run_goes_exactly_where_get_info_says_probes_do)
{
	struct req q = { .kind = LLKM_PROBE_FENCE, .cpus = { 0 }, .ncpus = 1,
			 .iterations = 100, .batches = 2 };
	int here = PROBES_HERE(self->fd, self->family, self->rep);
	static struct res o;
	int ret;

	ret = RUN(&q, &o);
	if (here) {
		EXPECT_EQ(0, ret) TH_LOG("%s", self->rep->extack);
		return;
	}
	EXPECT_EQ(-EOPNOTSUPP, ret);
	EXPECT_NE(NULL, strstr(self->rep->extack, "not ported")) TH_LOG("%s", self->rep->extack);
	EXPECT_EQ(0, nl_features(self->fd, self->family, self->rep) & LLKM_FEAT_PROBES);
}

/* rmmod while a run goes: it stops the run and unloads, promptly. */
TEST(rmmod_stops_a_running_probe)
{
	int was_loaded = llkm_loaded(), fd, family, status;
	uint64_t t0;
	pid_t pid;

	if (geteuid() != 0 || !llkm_ko_path())
		SKIP(return, "needs root and llkm.ko");
	if (!two_cpus())
		SKIP(return, "needs two online CPUs");
	if (!was_loaded)
		ASSERT_EQ(0, llkm_load(NULL));
	fd = nl_open();
	family = nl_family(fd, LLKM_GENL_NAME);
	ASSERT_LT(0, family);
	if (!PROBES_HERE(fd, family, &(struct nl_reply){ 0 })) {
		close(fd);
		if (!was_loaded)
			llkm_unload();
		SKIP(return, NO_PROBES_WHY);
	}
	close(fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		long_run_child(family);
	usleep(500000);
	t0 = now_ns();
	/* The request in flight holds no module reference. */
	EXPECT_EQ(0, llkm_unload());
	EXPECT_GT(3000000000ULL, now_ns() - t0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	if (was_loaded)
		ASSERT_EQ(0, llkm_load(NULL));
}

TEST_HARNESS_MAIN
