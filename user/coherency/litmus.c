// SPDX-License-Identifier: GPL-2.0
/*
 * llctl coherency --test litmus: SB, MP, LB, IRIW, 2+2W and R, each
 * without and with the fences that forbid its relaxed outcome (mfence on
 * x86-64, dmb ish on arm64), as
 * kmod/probe_litmus.h runs them (the tests and their registers are listed
 * there). Per run: the outcome histogram, how often the relaxed outcome
 * showed up, klitmus7's verdict (sometimes / never) and whether the
 * architecture's model (x86-TSO, Armv8: PROBE_MODEL_NAME) allows it. A relaxed outcome the model forbids is a model violation:
 * reported, and the test fails.
 *
 * "never" means never in these rounds, not impossible: the verdict is as
 * strong as the iteration count.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "coherency/coherency.h"
#include "coherency/kernel-run.h"
#include "coherency/run.h"
#include "coherency/team.h"
#include "lib/text.h"
#include "lib/util.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_litmus.h"

#define DEF_ROUNDS	200000
#define WARM_ROUNDS	1000
#define KERNEL_BATCH	1000

static const char *const names[] = {
	[LLKM_LITMUS_SB] = "SB",
	[LLKM_LITMUS_MP] = "MP",
	[LLKM_LITMUS_LB] = "LB",
	[LLKM_LITMUS_IRIW] = "IRIW",
	[LLKM_LITMUS_2_2W] = "2+2W",
	[LLKM_LITMUS_R] = "R",
};

const char *coh_litmus_name(uint32_t test)
{
	return test <= LLKM_LITMUS_MAX ? names[test] : NULL;
}

int coh_litmus_nregs(uint32_t test)
{
	return test == LLKM_LITMUS_IRIW ? 4 : 2;
}

/*
 * The outcome's bits by name, r0 the lowest (probe_litmus.h): registers
 * read 0 or 1; a final value ("x", "y") is 1, or 2 when its bit is set.
 */
void coh_litmus_label(uint32_t test, int idx, char *buf, size_t size)
{
	static const char *const regs[] = { "r0", "r1", "r2", "r3" };
	static const char *const ww[] = { "x", "y" };	/* 2+2W */
	static const char *const r[] = { "r0", "y" };	/* R */
	const char *const *name = regs;
	size_t len = 0;
	int i, bit;

	if (test == LLKM_LITMUS_2_2W)
		name = ww;
	else if (test == LLKM_LITMUS_R)
		name = r;
	buf[0] = '\0';
	for (i = 0; i < coh_litmus_nregs(test) && len < size; i++) {
		bit = idx >> i & 1;
		if (name[i][0] != 'r')		/* a final value: 1 or 2 */
			bit += 1;
		len += snprintf(buf + len, size - len, "%s%s=%d", i ? "," : "",
				name[i], bit);
	}
}

struct litmus_user {
	struct probe_litmus *l;
	uint32_t test;
	bool fenced;
	uint64_t rounds;
	uint64_t *hist;
};

static int litmus_thread(struct coh_team *t, int tid)
{
	struct litmus_user *u = t->arg;
	uint64_t warm[LLKM_LITMUS_OUTCOMES_MAX];

	if (probe_litmus_run(u->l, u->test, u->fenced, tid, WARM_ROUNDS, warm,
			     &t->stop))
		return -1;
	return probe_litmus_run(u->l, u->test, u->fenced, tid, u->rounds,
				u->hist, &t->stop);
}

int coh_litmus_run_user(const int *cpus, uint32_t test, bool fenced,
			uint64_t rounds, const volatile int *stop,
			uint64_t *hist)
{
	struct litmus_user u = {
		.test = test, .fenced = fenced, .rounds = rounds, .hist = hist,
	};
	struct coh_team t = {
		.n = probe_litmus_threads(test), .cpus = cpus,
		.fn = litmus_thread, .arg = &u, .user_stop = stop,
	};
	int ret;

	memset(hist, 0, LLKM_LITMUS_OUTCOMES_MAX * sizeof(*hist));
	if (test > LLKM_LITMUS_MAX)
		return -EINVAL;
	u.l = aligned_alloc(PROBE_LINE_SIZE, sizeof(*u.l));
	if (!u.l)
		return -ENOMEM;
	memset(u.l, 0, sizeof(*u.l));
	ret = coh_team_run(&t);
	free(u.l);
	return ret;
}

struct litmus_entry {
	uint32_t test;
	bool fenced;
	uint64_t hist[LLKM_LITMUS_OUTCOMES_MAX];
	uint64_t rounds;		/* done */
	const char *skipped;		/* why not run, or NULL */
	bool stopped;
};

/*
 * In the kernel a batch runs with interrupts off: KERNEL_BATCH rounds each
 * (the rounds asked for, rounded down to whole batches), the histogram
 * summed over the batches by the module into e->hist.
 */
static int run_kernel(const struct coh_opts *o, const uint32_t *cpus,
		      uint64_t rounds, struct litmus_entry *e)
{
	uint64_t per = rounds < KERNEL_BATCH ? rounds : KERNEL_BATCH;
	struct coh_kernel_req req = {
		.kind = LLKM_PROBE_LITMUS, .op = e->test,
		.flags = e->fenced ? LLKM_PROBE_F_FENCED : 0,
		.cpus = cpus, .ncpus = probe_litmus_threads(e->test),
		.iterations = per, .batches = rounds / per,
		.stop = o->stop,
	};
	struct coh_kernel_result res;
	int ret;

	ret = coh_kernel_run(o->nl, &req, &res);
	if (ret)
		return ret;
	if (res.nsamples != LLKM_LITMUS_OUTCOMES_MAX) {
		coh_kernel_result_free(&res);
		return -EPROTO;
	}
	memcpy(e->hist, res.samples, sizeof(e->hist));
	e->stopped = res.stopped;
	coh_kernel_result_free(&res);
	return 0;
}

static bool violation(const struct litmus_entry *e)
{
	return !e->skipped &&
	       e->hist[probe_litmus_relaxed(e->test)] &&
	       !probe_litmus_allowed(e->test, e->fenced);
}

static struct json_object *entry_json(const struct litmus_entry *e)
{
	struct json_object *o = json_object_new_object();
	struct json_object *out = json_object_new_object();
	int i, relaxed = probe_litmus_relaxed(e->test);
	char label[64];

	json_object_object_add(o, "name",
			       json_object_new_string(coh_litmus_name(e->test)));
	json_object_object_add(o, "fenced", json_object_new_boolean(e->fenced));
	json_object_object_add(o, "iterations", json_object_new_uint64(e->rounds));
	for (i = 0; !e->skipped && i < 1 << coh_litmus_nregs(e->test); i++) {
		coh_litmus_label(e->test, i, label, sizeof(label));
		json_object_object_add(out, label,
				       json_object_new_uint64(e->hist[i]));
	}
	json_object_object_add(o, "outcomes", out);
	coh_litmus_label(e->test, relaxed, label, sizeof(label));
	json_object_object_add(o, "relaxed_outcome", json_object_new_string(label));
	json_object_object_add(o, "relaxed_observed",
			       json_object_new_uint64(e->hist[relaxed]));
	json_object_object_add(o, "verdict", e->skipped ? NULL :
			       json_object_new_string(e->hist[relaxed] ?
						      "sometimes" : "never"));
	json_object_object_add(o, "allowed_by_model",
			       json_object_new_boolean(probe_litmus_allowed(e->test,
										e->fenced)));
	json_object_object_add(o, "model_violation",
			       json_object_new_boolean(violation(e)));
	json_object_object_add(o, "stopped", json_object_new_boolean(e->stopped));
	json_object_object_add(o, "skipped", e->skipped ?
			       json_object_new_string(e->skipped) : NULL);
	return o;
}

static void entry_text(FILE *f, const struct litmus_entry *e)
{
	int i, relaxed = probe_litmus_relaxed(e->test);
	char label[64], n[32];

	coh_litmus_label(e->test, relaxed, label, sizeof(label));
	fprintf(f, "%-5s %-7s %-20s", coh_litmus_name(e->test),
		e->fenced ? PROBE_FULL_FENCE_NAME : "no", label);
	if (e->skipped) {
		fprintf(f, " skipped: %s\n", e->skipped);
		return;
	}
	fprintf(f, " %10s %-10s %s%s%s\n", llctl_text_u64(n, sizeof(n), e->hist[relaxed]),
		e->hist[relaxed] ? "sometimes" : "never",
		probe_litmus_allowed(e->test, e->fenced) ? "allowed" :
							       "forbidden",
		violation(e) ? "  MODEL VIOLATION" : "",
		e->stopped ? " (stopped early)" : "");
	fputs("      ", f);
	for (i = 0; i < 1 << coh_litmus_nregs(e->test); i++) {
		if (!e->hist[i])
			continue;
		coh_litmus_label(e->test, i, label, sizeof(label));
		fprintf(f, " %s:%s", label, llctl_text_u64(n, sizeof(n), e->hist[i]));
	}
	fputc('\n', f);
}

/* One test, one way: 0, or 1 after saying why it could not run. */
static int run_entry(const struct coh_opts *o, struct litmus_entry *e,
		     uint64_t rounds)
{
	int i, n = probe_litmus_threads(e->test), ret;
	uint32_t cpus[PROBE_LITMUS_THREADS_MAX];

	if (o->ncpus < n) {
		e->skipped = n == 4 ? "needs 4 CPUs" : "needs 2 CPUs";
		return 0;
	}
	if (o->kernel) {
		for (i = 0; i < n; i++)
			cpus[i] = o->cpus[i];
		ret = run_kernel(o, cpus, rounds, e);
	} else {
		ret = coh_litmus_run_user(o->cpus, e->test, e->fenced, rounds,
					  o->stop, e->hist);
		e->stopped = ret == -EINTR || ret == -ETIMEDOUT;
		if (ret == -ETIMEDOUT)
			llctl_err("Stopped litmus %s at the %d s time limit: use fewer --iterations",
				  coh_litmus_name(e->test),
				  COH_TIME_LIMIT_MS / 1000);
		if (e->stopped)
			ret = 0;
	}
	if (ret == -EIO) {
		llctl_err("Unable to run litmus %s: a thread waited a second for its peers (a CPU taken away?)",
			  coh_litmus_name(e->test));
		return 1;
	}
	if (ret) {
		llctl_err("Unable to run litmus %s: %s", coh_litmus_name(e->test),
			  o->kernel ? coh_kernel_strerror(ret) : strerror(-ret));
		return 1;
	}
	for (i = 0; i < LLKM_LITMUS_OUTCOMES_MAX; i++)
		e->rounds += e->hist[i];
	return 0;
}

static int litmus_run(const struct coh_opts *o, struct json_object *tests,
		      FILE *text)
{
	uint64_t rounds = o->iterations ? o->iterations : DEF_ROUNDS;
	struct json_object *arr = json_object_new_array();
	struct litmus_entry e;
	int i, ret = 0, violations = 0;
	uint32_t test;
	int fenced;
	char n[2][32];

	if (text) {
		fprintf(text, "litmus: %s rounds per test, threads on CPUs",
			llctl_text_u64(n[0], sizeof(n[0]), rounds));
		for (i = 0; i < o->ncpus && i < PROBE_LITMUS_THREADS_MAX; i++)
			fprintf(text, "%s%d", i ? "," : " ", o->cpus[i]);
		fprintf(text, ", started together on a clock deadline\n"
			"%-5s %-7s %-20s %10s %-10s %s\n", "test", "fences",
			"relaxed outcome", "observed", "verdict", PROBE_MODEL_NAME);
	}
	for (test = 0; test <= LLKM_LITMUS_MAX && !ret; test++) {
		for (fenced = 0; fenced < 2 && !*o->stop; fenced++) {
			memset(&e, 0, sizeof(e));
			e.test = test;
			e.fenced = fenced;
			ret = run_entry(o, &e, rounds);
			if (ret)
				break;
			if (violation(&e)) {
				llctl_err("Model violation: litmus %s%s observed its relaxed outcome %s times in %s rounds, which %s forbids",
					  coh_litmus_name(test),
					  fenced ? " with " PROBE_FULL_FENCE_NAME : "",
					  llctl_text_u64(n[0], sizeof(n[0]),
							 e.hist[probe_litmus_relaxed(test)]),
					  llctl_text_u64(n[1], sizeof(n[1]), e.rounds),
					  PROBE_MODEL_NAME);
				violations++;
			}
			json_object_array_add(arr, entry_json(&e));
			if (text)
				entry_text(text, &e);
		}
	}
	json_object_object_add(tests, coh_test_litmus.key, arr);
	if (text)
		fputs("verdict: how often the relaxed outcome showed up in these rounds; \"never\"\n"
		      "is as strong as the round count, not a proof.\n", text);
	return ret || violations ? 1 : 0;
}

const struct coh_test coh_test_litmus = {
	.name = "litmus",
	.key = "litmus",
	.summary = "SB, MP, LB, IRIW, 2+2W, R with and without fences: outcomes against the model (x86-TSO, Armv8)",
	.has_kernel_mode = true,
	.run = litmus_run,
};
