// SPDX-License-Identifier: GPL-2.0
/*
 * What the probes measure on this host, built as llctl is (-O2, no
 * sanitizers: their instrumentation would change both the timing and
 * which interleavings the litmus tests see). The "done means":
 * SB without fences shows its relaxed outcome, SB with MFENCE and MP
 * never do in a million rounds, false sharing costs two writers that ran
 * together more
 * than 1.5x; and the JSON reports carry their documented keys.
 *
 * Everything here needs two CPUs this process may run on; with fewer
 * the tests SKIP and say so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kselftest_harness.h"

#include "cmd.h"
#include "coherency/run.h"
#include "shim/probe_shim.h"
#include "../../../kmod/probe_core.h"

#define MILLION		1000000ULL

static volatile int no_stop;

/* The first two CPUs this process may run on; how many it may (0 to 2). */
static int two_cpus(int *cpus)
{
	cpu_set_t set;
	int i, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (i = 0; i < CPU_SETSIZE && n < 2; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

FIXTURE(two_cpus) {
	int cpus[2];
	uint64_t hist[LLKM_LITMUS_OUTCOMES_MAX];
};

FIXTURE_SETUP(two_cpus)
{
	int n = two_cpus(self->cpus);

	if (!PROBE_SUPPORTED)
		SKIP(return, "the probes are x86-64 only");
	if (n < 2)
		SKIP(return, "needs 2 CPUs this process may use, it has %d", n);
}

FIXTURE_TEARDOWN(two_cpus)
{
}

static uint64_t sum(const uint64_t *hist)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < LLKM_LITMUS_OUTCOMES_MAX; i++)
		s += hist[i];
	return s;
}

TEST_F(two_cpus, sb_without_fences_observes_the_relaxed_outcome)
{
	uint64_t seen = 0, rounds = 0;
	int i;

	/* Up to a million rounds, in tenths: it usually shows at once. */
	for (i = 0; i < 10 && !seen; i++) {
		ASSERT_EQ(0, coh_litmus_run_user(self->cpus, LLKM_LITMUS_SB,
						 false, MILLION / 10, &no_stop,
						 self->hist));
		seen += self->hist[probe_litmus_relaxed(LLKM_LITMUS_SB)];
		rounds += sum(self->hist);
	}
	EXPECT_LT(0ULL, seen) {
		TH_LOG("r0=0,r1=0 never showed in %llu rounds",
		       (unsigned long long)rounds);
	}
	TH_LOG("SB relaxed: %llu of %llu rounds", (unsigned long long)seen,
	       (unsigned long long)rounds);
}

/* No new run of the million after this long: the test stays in its time. */
#define MILLION_BUDGET_NS	(12 * 1000000000ULL)

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * A million rounds of @test into self->hist, in tenths: each tenth is a
 * run under the probes' 10 s limit, so a host whose CPUs are busy (another
 * process, a guest) still gets its million, a limit's run counting the
 * rounds it did. No run starts after MILLION_BUDGET_NS: the last one ends
 * within the test's 60 s. The rounds done: fewer than a million only when
 * the CPUs were too busy to do them in that time.
 */
static uint64_t litmus_million(struct __test_metadata *_metadata,
			       FIXTURE_DATA(two_cpus) *self, uint32_t test,
			       bool fenced)
{
	uint64_t part[LLKM_LITMUS_OUTCOMES_MAX], done = 0, t0 = mono_ns();
	int run, i, ret;

	memset(self->hist, 0, sizeof(self->hist));
	for (run = 0; done < MILLION && mono_ns() - t0 < MILLION_BUDGET_NS;
	     run++) {
		ret = coh_litmus_run_user(self->cpus, test, fenced,
					  MILLION / 10 < MILLION - done ?
					  MILLION / 10 : MILLION - done,
					  &no_stop, part);
		EXPECT_TRUE(ret == 0 || ret == -ETIMEDOUT) {
			TH_LOG("run %d: %s", run, strerror(-ret));
		}
		for (i = 0; i < LLKM_LITMUS_OUTCOMES_MAX; i++)
			self->hist[i] += part[i];
		done = sum(self->hist);
	}
	return done;
}

TEST_F_TIMEOUT(two_cpus, sb_with_mfence_never_observes_it_in_a_million_rounds, 60)
{
	uint64_t done = litmus_million(_metadata, self, LLKM_LITMUS_SB, true);

	if (done < MILLION)
		SKIP(return, "only %llu rounds in 12 s of runs: CPUs %d and %d are busy",
		     (unsigned long long)done, self->cpus[0], self->cpus[1]);
	EXPECT_EQ(0ULL, self->hist[probe_litmus_relaxed(LLKM_LITMUS_SB)]);
	/* The other outcomes all occur: the threads really overlapped. */
	EXPECT_LT(0ULL, self->hist[1] + self->hist[2]);
}

TEST_F_TIMEOUT(two_cpus, mp_never_observes_it_in_a_million_rounds, 60)
{
	uint64_t done = litmus_million(_metadata, self, LLKM_LITMUS_MP, false);

	if (done < MILLION)
		SKIP(return, "only %llu rounds in 12 s of runs: CPUs %d and %d are busy",
		     (unsigned long long)done, self->cpus[0], self->cpus[1]);
	EXPECT_EQ(0ULL, self->hist[probe_litmus_relaxed(LLKM_LITMUS_MP)]);
}

/*
 * The designed contention: two writers on one line against a line each.
 * Only runs whose writers overlapped count (coh_fs_overlap()); up to
 * three tries of five pairs, as another process taking one of the CPUs
 * for a while (a build, a guest) can keep every pair of one try apart.
 * A host where the writers never overlap is a SKIP that says so, never a
 * pass and never a coin toss.
 */
TEST_F(two_cpus, false_sharing_slows_overlapping_writers_more_than_1_5x)
{
	struct coh_fs_result r = { 0 };
	double best = 0;
	int try;

	for (try = 0; try < 3 && (!try || coh_fs_verdict(&r)); try++) {
		ASSERT_EQ(0, coh_fs_measure_user(self->cpus, 2, 20, 5,
						 &no_stop, &r));
		TH_LOG("shared %.3g ops/s, padded %.3g ops/s, %d of %d pairs overlapped (least %.2f, best unused %.2f), pairs %.2fx to %.2fx",
		       r.shared, r.padded, r.used, r.pairs, r.overlap,
		       r.best_unused, r.lo, r.hi);
		best = r.best_unused > best ? r.best_unused : best;
	}
	if (coh_fs_verdict(&r))
		SKIP(return, "the writers on CPUs %d and %d did not run together steadily (%s; overlap %.0f %% at best): another load on them?",
		     self->cpus[0], self->cpus[1], coh_fs_verdict(&r),
		     best * 100);
	ASSERT_LT(0, r.shared);
	EXPECT_LE(COH_FS_MIN_OVERLAP, r.overlap);
	EXPECT_LT(1.5, r.padded / r.shared) {
		TH_LOG("slowdown %.2fx", r.padded / r.shared);
	}
}

/*
 * The overlap measure against a designed non-overlap: both writers on
 * one CPU can only take turns, so no pair of runs may count.
 */
TEST_F(two_cpus, false_sharing_writers_on_one_cpu_never_count_as_overlapped)
{
	const int same[2] = { self->cpus[0], self->cpus[0] };
	struct coh_fs_result r;

	ASSERT_EQ(0, coh_fs_measure_user(same, 2, 20, 3, &no_stop, &r));
	EXPECT_EQ(3, r.pairs);
	EXPECT_EQ(0, r.used) {
		TH_LOG("overlap %.2f on one CPU", r.overlap);
	}
	EXPECT_GT(0.5, r.best_unused);
}

/* ---- the JSON reports ---- */

/* Runs @fn on a NULL-terminated argv; its stdout, parsed, into *out. */
static int run_json(struct json_object **out, int (*fn)(int, char **), ...)
{
	char *argv[16], *buf;
	int argc = 0, fd, saved, ret;
	va_list ap;
	off_t len;

	/* Writable copies, as a real argv: the commands may cut them up. */
	va_start(ap, fn);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argv[argc] = strdup(argv[argc]), argc++;
	va_end(ap);
	argv[argc] = NULL;
	fd = memfd_create("stdout", 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	optind = 0;
	ret = fn(argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	len = lseek(fd, 0, SEEK_END);
	buf = calloc(1, len + 1);
	if (buf && pread(fd, buf, len, 0) == len)
		*out = json_tokener_parse(buf);
	free(buf);
	close(fd);
	while (argc--)
		free(argv[argc]);
	return ret;
}

static struct json_object *key(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

#define EXPECT_TYPE(o, k, t) EXPECT_TRUE(json_object_is_type(key(o, k), t)) { \
	TH_LOG("key \"%s\" is not a %s", k, #t);			\
}

static const char *const fence_ops[] = {
	"compiler", "smp_rmb", "smp_wmb", "smp_mb", "mfence", "lfence",
	"sfence", "lock_add", "xchg", "cmpxchg", "store_release",
	"load_acquire", "atomic_relaxed", "atomic_acquire", "atomic_release",
	"atomic_acq_rel", "atomic_seq_cst",
};

TEST_F(two_cpus, fence_json_has_the_documented_keys)
{
	struct json_object *o = NULL, *r, *e, *mfence = NULL;
	size_t i;

	ASSERT_EQ(0, run_json(&o, cmd_fence, "fence", "--json", "--iterations",
			      "2000", "--batches", "30", NULL));
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("user", json_object_get_string(key(o, "mode")));
	EXPECT_TYPE(o, "cpu", json_type_int);
	EXPECT_LT(100000.0, json_object_get_double(key(o, "tsc_khz")));
	EXPECT_TYPE(o, "overhead_cycles", json_type_double);
	EXPECT_TYPE(o, "env", json_type_object);
	r = key(o, "results");
	ASSERT_TRUE(json_object_is_type(r, json_type_array));
	ASSERT_EQ(sizeof(fence_ops) / sizeof(fence_ops[0]),
		  json_object_array_length(r));
	for (i = 0; i < json_object_array_length(r); i++) {
		const char *flag;

		e = json_object_array_get_idx(r, i);
		flag = json_object_get_string(key(e, "flag"));
		EXPECT_STREQ(fence_ops[i], json_object_get_string(key(e, "op")));
		EXPECT_TRUE(json_object_object_get_ex(e, "flag", NULL));
		EXPECT_TRUE(json_object_object_get_ex(e, "reason", NULL));
		EXPECT_EQ(!flag, !key(e, "reason"));
		if (flag && !strcmp(flag, "implausible")) {
			/* above 1 us (a preempted batch): not a cost */
			EXPECT_EQ(NULL, key(key(e, "cycles"), "median"));
			EXPECT_EQ(NULL, key(key(e, "ns"), "median"));
			continue;
		}
		EXPECT_TYPE(key(e, "cycles"), "min", json_type_double);
		EXPECT_TYPE(key(e, "cycles"), "median", json_type_double);
		EXPECT_TYPE(key(e, "ns"), "median", json_type_double);
		if (flag && !strcmp(flag, "below_resolution")) {
			/* ~0 in text: 0, and no p99 */
			EXPECT_EQ(0, json_object_get_double(key(key(e, "cycles"), "median")));
			EXPECT_EQ(NULL, key(key(e, "cycles"), "p99"));
		} else {
			EXPECT_TYPE(key(e, "cycles"), "p99", json_type_double);
		}
		if (!strcmp(fence_ops[i], "mfence"))
			mfence = e;
	}
	/*
	 * MFENCE waits for the store buffer: never free, never below the
	 * resolution (it may be "unstable": a VM's noise in a short run).
	 */
	ASSERT_NE(NULL, mfence);
	EXPECT_LT(5.0, json_object_get_double(key(key(mfence, "cycles"), "median")));
	EXPECT_STRNE("below_resolution",
		     json_object_get_string(key(mfence, "flag")) ?: "");
	/* A compiler barrier is no instruction: below resolution, flagged. */
	EXPECT_STREQ("below_resolution",
		     json_object_get_string(key(json_object_array_get_idx(r, 0),
						"flag")));
	json_object_put(o);
}

/*
 * Issue 18's bar, on the command as a user types it: five back-to-back
 * runs give slowdowns within COH_FS_MAX_SPREAD (1.5x) of each other, or
 * the runs that do not are flagged, their slowdown null. Fewer than two
 * unflagged runs leave nothing to compare: a SKIP that says why.
 */
TEST_F(two_cpus, false_sharing_five_runs_agree_within_1_5x_or_are_flagged)
{
	struct json_object *o, *fs;
	double v, lo = 0, hi = 0;
	int i, n = 0;
	char cpus[32];

	snprintf(cpus, sizeof(cpus), "%d,%d", self->cpus[0], self->cpus[1]);
	for (i = 0; i < 5; i++) {
		o = NULL;
		ASSERT_EQ(0, run_json(&o, cmd_coherency, "coherency", "--json",
				      "--user", "--test", "false-sharing",
				      "--cpus", cpus, NULL));
		fs = key(key(o, "tests"), "false_sharing");
		ASSERT_NE(NULL, fs);
		TH_LOG("run %d: %s", i + 1, json_object_to_json_string(fs));
		if (key(fs, "flag")) {
			EXPECT_EQ(NULL, key(fs, "slowdown"));
		} else {
			v = json_object_get_double(key(fs, "slowdown"));
			lo = !n || v < lo ? v : lo;
			hi = !n || v > hi ? v : hi;
			n++;
		}
		json_object_put(o);
	}
	if (n < 2)
		SKIP(return, "%d of 5 runs gave a slowdown, the others flagged: nothing to compare on CPUs %s",
		     n, cpus);
	EXPECT_GE(COH_FS_MAX_SPREAD * lo, hi) {
		TH_LOG("%d unflagged runs gave %.2fx to %.2fx", n, lo, hi);
	}
}

TEST_F(two_cpus, coherency_json_has_the_documented_keys)
{
	struct json_object *o = NULL, *t, *c2c, *fs, *lit, *e, *m;
	char cpus[32];
	size_t i;
	int ret;

	snprintf(cpus, sizeof(cpus), "%d,%d", self->cpus[0], self->cpus[1]);
	/*
	 * A run refuses to report when a thread of its team waited a second
	 * for its peers (a CPU taken away by a loaded host): three tries.
	 */
	for (i = 0, ret = 1; i < 3 && ret; i++) {
		json_object_put(o);
		o = NULL;
		ret = run_json(&o, cmd_coherency, "coherency", "--json",
			       "--test", "c2c,false-sharing,litmus", "--cpus",
			       cpus, "--iterations", "5000", NULL);
	}
	ASSERT_EQ(0, ret);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("user", json_object_get_string(key(o, "mode")));
	EXPECT_TYPE(o, "env", json_type_object);
	t = key(o, "tests");
	ASSERT_NE(NULL, t);

	c2c = key(t, "c2c");
	ASSERT_NE(NULL, c2c);
	EXPECT_EQ(2UL, json_object_array_length(key(c2c, "cpus")));
	m = key(c2c, "latency_ns");
	ASSERT_EQ(2UL, json_object_array_length(m));
	EXPECT_EQ(NULL, json_object_array_get_idx(json_object_array_get_idx(m, 0), 0));
	/* One-way between two cores: more than 2 ns, less than 10 us. */
	e = json_object_array_get_idx(json_object_array_get_idx(m, 0), 1);
	EXPECT_TRUE(json_object_is_type(e, json_type_double));
	EXPECT_LT(2.0, json_object_get_double(e));
	EXPECT_GT(10000.0, json_object_get_double(e));

	fs = key(t, "false_sharing");
	ASSERT_NE(NULL, fs);
	EXPECT_EQ(2, json_object_get_int(key(fs, "writers")));
	EXPECT_EQ(20, json_object_get_int(key(fs, "runtime_ms")));
	EXPECT_EQ(NULL, key(fs, "increments_per_writer"));
	/*
	 * A slowdown only from enough pairs that overlapped and agree;
	 * otherwise the flag says which, and the pairs' range is there.
	 */
	if (!key(fs, "flag")) {
		EXPECT_TYPE(fs, "shared_ops_per_s", json_type_double);
		EXPECT_TYPE(fs, "padded_ops_per_s", json_type_double);
		EXPECT_TYPE(fs, "slowdown", json_type_double);
		EXPECT_LE(COH_FS_MIN_OVERLAP,
			  json_object_get_double(key(fs, "overlap")));
		EXPECT_LE(COH_FS_MIN_PAIRS,
			  json_object_get_int(key(fs, "pairs_used")));
		EXPECT_GE(COH_FS_MAX_SPREAD *
			  json_object_get_double(json_object_array_get_idx(key(fs, "slowdown_range"), 0)),
			  json_object_get_double(json_object_array_get_idx(key(fs, "slowdown_range"), 1)));
	} else if (json_object_get_int(key(fs, "pairs_used")) > 0) {
		EXPECT_EQ(NULL, key(fs, "slowdown"));
		EXPECT_TYPE(fs, "slowdown_range", json_type_array);
		EXPECT_TYPE(fs, "overlap", json_type_double);
	} else {
		EXPECT_EQ(NULL, key(fs, "slowdown"));
		EXPECT_EQ(NULL, key(fs, "overlap"));
		EXPECT_STREQ("not_overlapped",
			     json_object_get_string(key(fs, "flag")));
	}

	lit = key(t, "litmus");
	ASSERT_TRUE(json_object_is_type(lit, json_type_array));
	EXPECT_EQ(12UL, json_object_array_length(lit));	/* 6 tests, 2 ways */
	for (i = 0; i < json_object_array_length(lit); i++) {
		e = json_object_array_get_idx(lit, i);
		EXPECT_TYPE(e, "name", json_type_string);
		EXPECT_TYPE(e, "fenced", json_type_boolean);
		EXPECT_TYPE(e, "iterations", json_type_int);
		EXPECT_TYPE(e, "outcomes", json_type_object);
		EXPECT_TYPE(e, "relaxed_observed", json_type_int);
		EXPECT_TYPE(e, "allowed_by_model", json_type_boolean);
		if (!strcmp(json_object_get_string(key(e, "name")), "IRIW"))
			continue;	/* 4 threads: skipped on 2 CPUs */
		EXPECT_EQ(5000, json_object_get_int(key(e, "iterations")));
		EXPECT_TRUE(json_object_is_type(key(e, "verdict"),
						json_type_string));
	}
	e = json_object_array_get_idx(lit, 0);		/* SB, no fences */
	EXPECT_STREQ("SB", json_object_get_string(key(e, "name")));
	EXPECT_TRUE(json_object_is_type(key(key(e, "outcomes"), "r0=0,r1=0"),
					json_type_int));
	json_object_put(o);
}

TEST_HARNESS_MAIN
