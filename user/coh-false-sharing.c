// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency --test false-sharing: N writers each incrementing its
 * own u64 (probe_fs_write() in kmod/probe_core.h), once with the u64s
 * side by side on one 64-byte line and once a probe_line (128 bytes)
 * each. No writer shares data with another, so any difference is the
 * line moving between their caches.
 *
 * Runs alternate shared, padded, shared, ... after a warm-up pair, the
 * writers released together each time; each run's rate is the sum of the
 * writers' own rates (increments over their own time), and the report
 * gives the median run of each layout and their ratio, the slowdown.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "coherency.h"
#include "coh-run.h"
#include "llctl.h"
#include "probe-nl.h"
#include "probe-stats.h"
#include "probe-team.h"
#include "probe_shim.h"
#include "../kmod/probe_core.h"

#define DEF_INCREMENTS	1000000		/* per writer and run (batch) */
#define REPS		5
#define CHUNK		(1ULL << 16)
/* Runs shorter than this are the start's skew and the clock's cost. */
#define MIN_RUN_S	50e-6

struct fs_user {
	struct probe_line *lines;	/* COH_FS_WRITERS_MAX, 128-aligned */
	bool padded;
	uint64_t n;
	uint64_t cycles[COH_FS_WRITERS_MAX];
	int writers;
	int arrived;		/* the start line, atomic */
};

/*
 * Spin until every writer is here: they start within a cache-line
 * transfer of each other, not a wake-up apart, so none of them runs
 * alone for a while. 0, or -1 when stopped.
 */
static int start_line(struct fs_user *u, const int *stop)
{
	struct probe_spin spin;

	probe_spin_start(&spin);
	__atomic_add_fetch(&u->arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&u->arrived, __ATOMIC_ACQUIRE) < u->writers) {
		if (READ_ONCE(*stop) || probe_spin_over(&spin))
			return -1;
		cpu_relax();
	}
	return 0;
}

static int fs_thread(struct probe_team *t, int tid)
{
	struct fs_user *u = t->arg;
	uint64_t *slot = u->padded ? &u->lines[tid].v :
				     (uint64_t *)&u->lines[0] + tid;
	uint64_t left = u->n, k, cycles = 0;

	if (start_line(u, &t->stop))
		return -1;
	/* In chunks, to see a stop; a chunk's TSC reads cost nothing here. */
	while (left && !READ_ONCE(t->stop)) {
		k = left < CHUNK ? left : CHUNK;
		cycles += probe_fs_write(slot, k);
		left -= k;
	}
	u->cycles[tid] = cycles;
	return 0;
}

/* One run: all writers' operations per second, or 0 when stopped. */
static int fs_run(const int *cpus, int writers, struct fs_user *u,
		  double tsc_khz, const volatile int *stop, double *ops)
{
	struct probe_team t = {
		.n = writers, .cpus = cpus, .fn = fs_thread, .arg = u,
		.user_stop = stop,
	};
	int i, ret;

	*ops = 0;
	u->writers = writers;
	u->arrived = 0;
	memset(u->lines, 0, COH_FS_WRITERS_MAX * sizeof(*u->lines));
	ret = probe_team_run(&t);
	if (ret)
		return ret;
	for (i = 0; i < writers; i++)
		*ops += u->n / (u->cycles[i] / (tsc_khz * 1e3));
	return 0;
}

static double median(double *v, int n)
{
	struct probe_stats st;

	probe_stats_f(v, n, &st);
	return st.median;
}

int coh_fs_measure_user(const int *cpus, int writers, uint64_t n, int reps,
			const volatile int *stop, double *shared,
			double *padded)
{
	struct fs_user u = { .n = n };
	double s[REPS], p[REPS], khz, dummy;
	int i, done = 0, ret = 0;

	*shared = *padded = 0;
	if (writers < 1 || writers > COH_FS_WRITERS_MAX || reps < 1)
		return -EINVAL;
	if (reps > REPS)
		reps = REPS;
	if (probe_tsc_calibrate(&khz))
		return -ENODEV;
	u.lines = aligned_alloc(PROBE_LINE_SIZE,
				COH_FS_WRITERS_MAX * sizeof(*u.lines));
	if (!u.lines)
		return -ENOMEM;
	/* The warm-up pair: caches, page faults, clocks. */
	u.n = n / 10 ? n / 10 : 1;
	ret = fs_run(cpus, writers, &u, khz, stop, &dummy);
	u.padded = true;
	if (!ret)
		ret = fs_run(cpus, writers, &u, khz, stop, &dummy);
	u.n = n;
	for (i = 0; i < reps && !ret; i++) {
		u.padded = false;
		ret = fs_run(cpus, writers, &u, khz, stop, &s[i]);
		u.padded = true;
		if (!ret)
			ret = fs_run(cpus, writers, &u, khz, stop, &p[i]);
		if (!ret)
			done++;
	}
	free(u.lines);
	if (done) {
		*shared = median(s, done);
		*padded = median(p, done);
	}
	return ret;
}

/* Kernel mode: SAMPLES are each writer's TSC ticks per batch. */
static int measure_kernel(const struct coh_opts *o, int writers, uint64_t n,
			  bool padded, double *ops)
{
	uint32_t cpus[COH_FS_WRITERS_MAX];
	struct llkm_probe_req req = {
		.kind = LLKM_PROBE_FALSE_SHARING,
		.flags = padded ? LLKM_PROBE_F_PADDED : 0,
		.cpus = cpus, .ncpus = writers, .iterations = n,
		.batches = 1 + REPS,
	};
	struct llkm_probe_result res;
	double v[REPS];
	unsigned int b, i, nb, done;
	int ret;

	for (i = 0; i < (unsigned int)writers; i++)
		cpus[i] = o->cpus[i];
	ret = llkm_probe_run(o->nl, &req, &res);
	if (ret)
		return ret;
	nb = res.nsamples / writers;
	if (nb < 2 || !res.tsc_khz) {
		ret = res.stopped ? -EINTR : -EPROTO;
		goto out;
	}
	/*
	 * Batch 0 is the warm-up. A run stopped mid-batch may leave a
	 * writer's last sample unwritten (0): that batch is not counted.
	 */
	for (b = 1, done = 0; b < nb; b++) {
		v[done] = 0;
		for (i = 0; i < (unsigned int)writers; i++) {
			if (!res.samples[b * writers + i])
				break;
			v[done] += n / (res.samples[b * writers + i] /
					(res.tsc_khz * 1e3));
		}
		if (i == (unsigned int)writers)
			done++;
	}
	if (!done) {
		ret = -EINTR;
		goto out;
	}
	*ops = median(v, done);
out:
	llkm_probe_result_free(&res);
	return ret;
}

static int fs_run_test(const struct coh_opts *o, struct json_object *tests,
		       FILE *text)
{
	uint64_t n = o->iterations ? o->iterations : DEF_INCREMENTS;
	int writers = o->ncpus < COH_FS_WRITERS_MAX ? o->ncpus :
						      COH_FS_WRITERS_MAX;
	double shared = 0, padded = 0;
	struct json_object *j, *cpus;
	bool stopped = false, too_short;
	int i, ret;

	if (writers < 2) {
		llctl_err("Unable to run false-sharing: it needs 2 CPUs, --cpus gives %d",
			  o->ncpus);
		return 1;
	}
	if (o->kernel) {
		ret = measure_kernel(o, writers, n, false, &shared);
		if (!ret)
			ret = measure_kernel(o, writers, n, true, &padded);
	} else {
		ret = coh_fs_measure_user(o->cpus, writers, n, REPS, o->stop,
					  &shared, &padded);
	}
	if (ret == -EINTR || ret == -ETIMEDOUT) {
		stopped = true;
		if (ret == -ETIMEDOUT)
			llctl_err("Stopped false-sharing at the %d s time limit: use fewer --iterations",
				  PROBE_TIME_LIMIT_MS / 1000);
		ret = 0;
	}
	if (ret) {
		llctl_err("Unable to run false-sharing: %s",
			  o->kernel ? llkm_probe_strerror(ret) : strerror(-ret));
		return 1;
	}
	/* The padded runs are the shorter: n increments at padded / writers. */
	too_short = padded > 0 && n * writers / padded < MIN_RUN_S;
	j = json_object_new_object();
	cpus = json_object_new_array();
	for (i = 0; i < writers; i++)
		json_object_array_add(cpus, json_object_new_int(o->cpus[i]));
	json_object_object_add(j, "writers", json_object_new_int(writers));
	json_object_object_add(j, "cpus", cpus);
	json_object_object_add(j, "increments_per_writer",
			       json_object_new_uint64(n));
	json_object_object_add(j, "shared_ops_per_s", shared > 0 ?
			       json_object_new_double(shared) : NULL);
	json_object_object_add(j, "padded_ops_per_s", padded > 0 ?
			       json_object_new_double(padded) : NULL);
	json_object_object_add(j, "slowdown", shared > 0 && padded > 0 ?
			       json_object_new_double(padded / shared) : NULL);
	json_object_object_add(j, "stopped", json_object_new_boolean(stopped));
	json_object_object_add(j, "flag", too_short ?
			       json_object_new_string("too_short") : NULL);
	json_object_object_add(tests, coh_test_false_sharing.key, j);
	if (!text)
		return 0;
	fprintf(text, "false-sharing: %d writers on CPUs", writers);
	for (i = 0; i < writers; i++)
		fprintf(text, "%s%d", i ? "," : " ", o->cpus[i]);
	fprintf(text, ", %" PRIu64 " increments each per run%s\n", n,
		stopped ? "; stopped early" : "");
	if (shared > 0 && padded > 0)
		fprintf(text, "  one line    %12.4g ops/s\n"
			"  a line each %12.4g ops/s\n"
			"  slowdown    %12.2fx (padded / shared, median of %d runs each)\n",
			shared, padded, padded / shared, REPS);
	else
		fprintf(text, "  no complete pair of runs\n");
	if (too_short)
		fprintf(text, "  note: a run took under %.0f us, too short to trust; use more --iterations\n",
			MIN_RUN_S * 1e6);
	return 0;
}

const struct coh_test coh_test_false_sharing = {
	.name = "false-sharing",
	.key = "false_sharing",
	.summary = "Writers on one cache line against a line each: ops/s and slowdown",
	.has_kernel_mode = true,
	.run = fs_run_test,
};
