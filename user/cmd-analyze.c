// SPDX-License-Identifier: GPL-2.0
/*
 * llctl analyze: run a command under llkm's counters, at one or several
 * thread counts, then trace it once; report its bottlenecks, the rules
 * that fire on them (analyze/rules.c) and a Universal Scalability Law fit
 * of its throughput against the thread count (analyze/usl.c).
 *
 * The thread count reaches CMD as LLCTL_THREADS=N and OMP_NUM_THREADS=N in
 * its environment, and as every "{}" in its arguments. Throughput is, by
 * default, N / wall seconds (each thread does a fixed amount of work:
 * --work per-thread), or 1 / wall seconds (--work total), or the number
 * CMD prints after a match of --metric REGEX on its stdout. CMD's stdout
 * is kept from the report (stdout is data): it is read for --metric and
 * otherwise dropped; its stderr passes through.
 *
 * N / wall seconds grows as N by itself when CMD ignores N: before the
 * default model is fitted, CMD's rusage (CPU time, CPU use, voluntary
 * context switches, from wait4) must show that it uses N (analyze/use.c),
 * else the fit is refused and the exit status is 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/perf_event.h>

#include "analyze/analyze.h"
#include "analyze/rules.h"
#include "analyze/topdown.h"
#include "analyze/use.h"
#include "analyze/usl.h"
#include "analyze/usl-svg.h"
#include "cmd.h"
#include "lib/env.h"
#include "lib/nl.h"
#include "lib/options.h"
#include "lib/plausible.h"
#include "lib/rootfs.h"
#include "lib/spawn.h"
#include "lib/text.h"
#include "lib/util.h"
#include "profile/pmu-events.h"

#define MAX_THREAD_COUNTS	64
#define MAX_REPEAT		100
#define MAX_OUTPUT		(1 << 20)	/* of CMD's stdout, for --metric */

enum {
	OPT_THREADS = LLCTL_OPT_JSON + 1,
	OPT_REPEAT,
	OPT_METRIC,
	OPT_WORK,
	OPT_NO_TRACE,
	OPT_SVG,
};


/*
 * The software counters every run opens; instructions and cycles (for IPC)
 * where there is a hardware PMU; then the top-down ones where the PMU has
 * them (analyze/topdown.c), by their method's enum (an_td_event or
 * an_arm_event) from TD_FIRST.
 */
enum {
	SW_TASK_CLOCK, SW_CTX, SW_MIGR, SW_FAULTS, SW_N,
	HW_INSTR = SW_N, HW_CYCLES, HW_END,
	TD_FIRST = HW_END,
	EV_N = TD_FIRST + AN_TD_MAX_EVENTS
};
static const char *const sw_names[SW_N] = {
	"task-clock", "context-switches", "cpu-migrations", "page-faults",
};
static const char *const hw_names[HW_END - HW_INSTR] = { "instructions", "cycles" };

#define PMU_DEVICES	"/sys/bus/event_source/devices"

struct an_run {
	unsigned int threads;
	double wall_s;
	bool tput_valid;
	double throughput;
	char tput_why[160];
	double count[EV_N];
	bool counted[EV_N];
	struct an_use use;	/* wait4's rusage: CPU time, voluntary switches */
};

struct an_point {		/* per thread count, over its repeats */
	unsigned int threads;
	double median, min, max;
	unsigned int valid;	/* runs with a throughput */
	struct an_run agg;	/* counts and wall summed over the runs */
};

struct analyze {
	struct llctl_nl nl;
	int dev;
	char **cmd, *path;
	unsigned int threads[MAX_THREAD_COUNTS], n_threads;
	bool threads_given;
	unsigned int repeat;
	bool has_metric, json, trace;
	int work_total;		/* --work: 0 per-thread, 1 total */
	const char *metric_src;
	const char *svg;	/* --svg FILE: the scaling chart */
	regex_t metric;
	struct prof_event ev[EV_N];
	bool on[EV_N];		/* which of ev[] each run opens */
	struct an_run *runs;
	unsigned int n_runs;
	struct an_point pts[MAX_THREAD_COUNTS];
	struct an_trace tr;
	unsigned int tr_threads;
	bool fitted;
	int uses_threads;	/* -1 not checked (--metric, --work total), 0, 1 */
	char fit_why[400];
	struct an_usl_fit fit;
	char topdown_why[512];
	struct an_td_pmu pmu;	/* top-down's method, PMU and events */
	bool td_valid;
	struct an_td_level1 td;
	char ipc_why[512];	/* why instructions and cycles are not opened */
	struct an_evidence evd;
	unsigned int ncpus;
};

static int parse_threads(struct analyze *a, const char *list)
{
	char *copy = strdup(list), *tok, *save, *end;
	unsigned long v;
	int ret = -1;

	a->n_threads = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		errno = 0;
		v = strtoul(tok, &end, 10);
		if (errno || end == tok || *end || v < 1 || v > 4096 ||
		    a->n_threads == MAX_THREAD_COUNTS)
			goto out;
		a->threads[a->n_threads++] = v;
	}
	ret = a->n_threads ? 0 : -1;
out:
	free(copy);
	return ret;
}

static void free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* CMD's arguments with every "{}" replaced by @n (malloc'ed, NULL-ended). */
static char **with_threads(char **cmd, unsigned int n)
{
	char num[16], **argv, *p, *q, *s;
	size_t i, argc, len;

	for (argc = 0; cmd[argc]; argc++)
		;
	argv = calloc(argc + 1, sizeof(*argv));
	snprintf(num, sizeof(num), "%u", n);
	for (i = 0; argv && i < argc; i++) {
		len = strlen(cmd[i]) * (1 + strlen(num)) + 1;
		s = argv[i] = calloc(1, len);
		if (!s) {
			free_argv(argv);
			return NULL;
		}
		for (p = cmd[i]; (q = strstr(p, "{}")); p = q + 2) {
			strncat(s, p, q - p);
			strcat(s, num);
		}
		strcat(s, p);
	}
	return argv;
}

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Forks CMD held with stdout into @out (a memfd) and N in its env/args. */
static pid_t spawn_at(struct analyze *a, unsigned int n, int out, int *go)
{
	char num[16], **argv = with_threads(a->cmd, n);
	int saved;
	pid_t pid = -1;

	if (!argv)
		return -1;
	snprintf(num, sizeof(num), "%u", n);
	setenv("LLCTL_THREADS", num, 1);
	setenv("OMP_NUM_THREADS", num, 1);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved >= 0 && dup2(out, STDOUT_FILENO) >= 0) {
		pid = llctl_spawn_held(argv, a->path, go);
		dup2(saved, STDOUT_FILENO);
	}
	if (saved >= 0)
		close(saved);
	free_argv(argv);
	return pid;
}

/*
 * --metric: the number in the first group of the last match in CMD's
 * output (its last MAX_OUTPUT bytes), or else the first after that match.
 */
static void read_metric(struct analyze *a, int out, struct an_run *r)
{
	char *buf = calloc(1, MAX_OUTPUT + 1), *p, *end, *last = NULL;
	regmatch_t m[2];
	off_t size;
	ssize_t len;

	if (!buf)
		return;
	size = lseek(out, 0, SEEK_END);
	len = pread(out, buf, MAX_OUTPUT, size > MAX_OUTPUT ? size - MAX_OUTPUT : 0);
	buf[len > 0 ? len : 0] = 0;
	for (p = buf; *p && !regexec(&a->metric, p, 2, m, p == buf ? 0 : REG_NOTBOL);
	     p += m[0].rm_eo > 0 ? m[0].rm_eo : 1)
		last = p + (m[1].rm_so >= 0 ? m[1].rm_so : m[0].rm_eo);
	if (!last) {
		snprintf(r->tput_why, sizeof(r->tput_why),
			 "--metric '%s' matched nothing CMD printed", a->metric_src);
		goto out;
	}
	for (p = last; *p && !strchr("0123456789.+-", *p); p++)
		;
	r->throughput = strtod(p, &end);
	if (end == p || !(r->throughput > 0)) {
		snprintf(r->tput_why, sizeof(r->tput_why),
			 "no number above 0 after the match of --metric '%s'",
			 a->metric_src);
		goto out;
	}
	r->tput_valid = true;
out:
	free(buf);
}

static void throughput(struct analyze *a, int out, struct an_run *r)
{
	if (a->has_metric) {
		read_metric(a, out, r);
		return;
	}
	r->throughput = (a->work_total ? 1.0 : r->threads) / r->wall_s;
	r->tput_valid = r->wall_s > 0;
}

/* Closes and stops opening the counters @from..@to - 1. */
static void counters_off(struct analyze *a, unsigned int from, unsigned int to,
			 uint32_t *ids)
{
	unsigned int k;

	for (k = from; k < to; k++) {
		if (ids[k])
			llctl_nl_counter_close(&a->nl, ids[k]);
		ids[k] = 0;
		a->on[k] = false;
	}
}

/*
 * A hardware event did not open: no top-down (or no IPC) from now on, and
 * why.
 */
static void hw_event_off(struct analyze *a, unsigned int i, int err,
			 uint32_t *ids)
{
	char hint[384];

	prof_perf_err_hint(err, &a->ev[i], hint, sizeof(hint));
	if (i >= TD_FIRST) {
		snprintf(a->topdown_why, sizeof(a->topdown_why),
			 "top-down not available: '%s' did not open: %s",
			 a->ev[i].name, hint);
		a->pmu.method = AN_TD_NONE;
		counters_off(a, TD_FIRST, EV_N, ids);
	} else {
		snprintf(a->ipc_why, sizeof(a->ipc_why), "'%s' did not open: %s",
			 a->ev[i].name, hint);
		counters_off(a, HW_INSTR, HW_END, ids);
	}
}

/*
 * Opens the counters on held @child: 0, or 1 after saying why. A software
 * counter that does not open is an error; a hardware one turns IPC or
 * top-down off.
 */
static int open_counters(struct analyze *a, pid_t child, uint32_t *ids)
{
	struct llctl_counter_req req = {
		.pid = child, .cpu = -1,
		.flags = LLKM_CTR_F_INHERIT | LLKM_CTR_F_DISABLED |
			 LLKM_CTR_F_ENABLE_ON_EXEC,
	};
	unsigned int i;
	int ret;

	for (i = 0; i < EV_N; i++) {
		if (!a->on[i])
			continue;
		req.type = a->ev[i].type;
		req.config = a->ev[i].config;
		req.config1 = a->ev[i].config1;
		req.config2 = a->ev[i].config2;
		ret = llctl_nl_counter_open(&a->nl, &req, &ids[i]);
		if (ret && i >= SW_N && ret != -EPERM && ret != -ENOENT) {
			hw_event_off(a, i, ret, ids);
			continue;
		}
		if (ret) {
			llctl_err("Unable to count '%s': %s", a->ev[i].name,
				  llctl_nl_strerror(ret));
			return 1;
		}
	}
	return 0;
}

static void read_counters(struct analyze *a, const uint32_t *ids,
			  struct an_run *r)
{
	struct llkm_counter_value v;
	unsigned int i;
	int ret;

	for (i = 0; i < EV_N; i++) {
		if (!a->on[i] || !ids[i])
			continue;
		ret = a->dev >= 0 ? llctl_dev_counter_read(a->dev, &a->nl, ids[i], &v, 1) :
				    llctl_nl_counter_read(&a->nl, ids[i], &v, 1);
		if (ret != 1 || !v.running)
			continue;
		/* Hardware events may multiplex: scaled, as perf does. */
		r->count[i] = v.running < v.enabled ?
			      (double)v.value * v.enabled / v.running : v.value;
		r->counted[i] = true;
	}
}

static int check_status(struct analyze *a, int status, unsigned int n)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) :
		   128 + WTERMSIG(status);

	if (status >= 0 && !code)
		return 0;
	llctl_err("Unable to analyze '%s': it exited %d at %u threads%s",
		  a->cmd[0], code, n,
		  code == 127 ? " (not found or not executable?)" : "");
	return 1;
}

/* One counted run at @n threads into @r: 0, or 1 after saying why. */
static int one_run(struct analyze *a, unsigned int n, struct an_run *r)
{
	uint32_t ids[EV_N] = { 0 };
	int out, go = -1, status = -1, ret = 1, i;
	struct rusage ru;
	pid_t child;
	double t0;

	memset(r, 0, sizeof(*r));
	r->threads = n;
	out = memfd_create("llctl-analyze-stdout", MFD_CLOEXEC);
	if (out < 0) {
		llctl_err("Unable to keep CMD's output: %s", strerror(errno));
		return 1;
	}
	child = spawn_at(a, n, out, &go);
	if (child < 0) {
		llctl_err("Unable to start '%s': %s", a->cmd[0], strerror(errno));
		goto cleanup;
	}
	if (open_counters(a, child, ids))
		goto cleanup;
	t0 = mono_ns();
	if (write(go, "g", 1) != 1)
		goto cleanup;
	close(go);
	go = -1;
	if (wait4(child, &status, 0, &ru) != child)
		goto cleanup;
	r->wall_s = (mono_ns() - t0) / 1e9;
	child = -1;
	r->use.threads = n;
	an_use_add(&r->use, &ru, r->wall_s);
	read_counters(a, ids, r);
	if (check_status(a, status, n))
		goto cleanup;
	throughput(a, out, r);
	ret = 0;
cleanup:
	if (go >= 0)
		close(go);	/* the held child exits 127 */
	if (child > 0)
		waitpid(child, NULL, 0);
	for (i = 0; i < EV_N; i++)
		if (ids[i])
			llctl_nl_counter_close(&a->nl, ids[i]);
	close(out);
	return ret;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Median, min and max of the repeats of each thread count, counts summed. */
static void aggregate(struct analyze *a)
{
	double v[MAX_REPEAT];
	unsigned int t, k, i, m;

	for (t = 0; t < a->n_threads; t++) {
		struct an_point *p = &a->pts[t];

		memset(p, 0, sizeof(*p));
		p->threads = p->agg.threads = p->agg.use.threads = a->threads[t];
		for (k = 0; k < EV_N; k++)
			p->agg.counted[k] = true;
		for (m = 0, k = 0; k < a->repeat; k++) {
			const struct an_run *r = &a->runs[t * a->repeat + k];

			p->agg.wall_s += r->wall_s;
			p->agg.use.wall_s += r->use.wall_s;
			p->agg.use.cpu_s += r->use.cpu_s;
			p->agg.use.vcsw += r->use.vcsw;
			p->agg.use.runs += r->use.runs;
			for (i = 0; i < EV_N; i++) {
				p->agg.count[i] += r->count[i];
				p->agg.counted[i] &= r->counted[i];
			}
			if (r->tput_valid)
				v[m++] = r->throughput;
		}
		p->valid = m;
		if (!m)
			continue;
		qsort(v, m, sizeof(v[0]), cmp_double);
		p->median = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
		p->min = v[0];
		p->max = v[m - 1];
	}
}

static void fit(struct analyze *a)
{
	struct an_usl_point pt[MAX_THREAD_COUNTS];
	struct an_use use[MAX_THREAD_COUNTS];
	unsigned int t, m = 0;

	a->uses_threads = -1;
	if (!a->has_metric && !a->work_total) {
		for (t = 0; t < a->n_threads; t++)
			use[t] = a->pts[t].agg.use;
		a->uses_threads = an_uses_threads(use, a->n_threads,
						  basename(a->cmd[0]),
						  a->fit_why, sizeof(a->fit_why));
		if (!a->uses_threads)
			return;
	}
	for (t = 0; t < a->n_threads; t++)
		if (a->pts[t].valid)
			pt[m++] = (struct an_usl_point){ a->pts[t].threads,
						      a->pts[t].median };
	a->fitted = !an_usl_fit(pt, m, &a->fit, a->fit_why, sizeof(a->fit_why));
}

/* Top-down level 1 from the largest thread count's runs. */
static void topdown(struct analyze *a)
{
	const struct an_run *r = &a->pts[a->n_threads - 1].agg;
	const double *c = r->count + TD_FIRST;
	bool arm = a->pmu.method == AN_TD_ARM;
	unsigned int i;
	int ret;

	if (a->pmu.method == AN_TD_NONE)
		return;
	for (i = 0; i < AN_TD_MAX_EVENTS; i++)
		if (a->pmu.has[i] && !r->counted[TD_FIRST + i]) {
			snprintf(a->topdown_why, sizeof(a->topdown_why),
				 "top-down not available: '%s' was never on the PMU",
				 a->ev[TD_FIRST + i].name);
			return;
		}
	ret = arm ? an_td_arm_level1(c, a->pmu.has, &a->td) :
		    an_td_level1(c, &a->td);
	if (ret) {
		snprintf(a->topdown_why, sizeof(a->topdown_why),
			 "top-down not available: %s counted nothing",
			 arm ? an_arm_event_names[AN_ARM_CPU_CYCLES] :
			       an_td_event_names[AN_TD_TOTAL_SLOTS]);
		return;
	}
	/* A share outside 0..1 is said so, not clamped. */
	if (!an_td_plausible(&a->td, a->topdown_why, sizeof(a->topdown_why)))
		return;
	a->td_valid = true;
}

/* The names of top-down's events by the method's enum. */
static const char *const *td_names(const struct analyze *a, unsigned int *n)
{
	*n = a->pmu.method == AN_TD_ARM ? AN_ARM_EVENTS : AN_TD_EVENTS;
	return a->pmu.method == AN_TD_ARM ? an_arm_event_names : an_td_event_names;
}

/* Which top-down events this PMU has: a->on[TD_FIRST...], or why not. */
static void topdown_setup(struct analyze *a)
{
	const char *pmu, *const *names;
	char spec[192], err[256];
	unsigned int i, n;

	if (an_td_detect(prof_have_hw_pmu(), PMU_DEVICES, &a->pmu,
			 a->topdown_why, sizeof(a->topdown_why)) == AN_TD_NONE)
		return;
	pmu = strrchr(a->pmu.dir, '/') + 1;
	names = td_names(a, &n);
	/* The encodings come from the PMU's sysfs events/ files. */
	for (i = 0; i < n; i++) {
		if (!a->pmu.has[i])
			continue;
		snprintf(spec, sizeof(spec), "%s/%s/", pmu, names[i]);
		if (prof_event_parse(spec, &a->ev[TD_FIRST + i], err, sizeof(err))) {
			snprintf(a->topdown_why, sizeof(a->topdown_why),
				 "top-down not available: %s", err);
			a->pmu.method = AN_TD_NONE;
			return;
		}
	}
	for (i = 0; i < n; i++)
		a->on[TD_FIRST + i] = a->pmu.has[i];
}

/* instructions and cycles for IPC where there is a hardware PMU. */
static void ipc_setup(struct analyze *a)
{
	unsigned int i;

	if (!prof_have_hw_pmu()) {
		snprintf(a->ipc_why, sizeof(a->ipc_why),
			 "no hardware PMU (no CPU PMU under %s: a VM without a virtual PMU?): instructions and cycles do not count here",
			 PMU_DEVICES);
		return;
	}
	for (i = HW_INSTR; i < HW_END; i++)
		if (prof_event_parse(hw_names[i - HW_INSTR], &a->ev[i],
				     a->ipc_why, sizeof(a->ipc_why)))
			return;
	for (i = HW_INSTR; i < HW_END; i++)
		a->on[i] = true;
}

/* IPC from the counts at the largest thread count, or why not. */
static void ipc_evidence(struct analyze *a, const struct an_run *r)
{
	struct an_evidence *e = &a->evd;

	if (a->ipc_why[0]) {
		an_unset(e, AN_IPC, a->ipc_why);
	} else if (!r->counted[HW_INSTR] || !r->counted[HW_CYCLES]) {
		an_unset(e, AN_IPC, "instructions or cycles was never on the PMU (multiplexed out in a run)");
	} else if (!(r->count[HW_CYCLES] > 0)) {
		an_unset(e, AN_IPC, "cycles counted 0");
	} else {
		e->instructions = r->count[HW_INSTR];
		e->cycles = r->count[HW_CYCLES];
		an_set_plausible(e, AN_IPC, e->instructions / e->cycles,
				 LLCTL_PLAUS_IPC, 1);
	}
}

/* The rules' measurements: the counters at the largest thread count. */
static void evidence(struct analyze *a)
{
	const struct an_point *p = &a->pts[a->n_threads - 1];
	struct an_evidence *e = &a->evd;
	const struct an_run *r = &p->agg;
	double n = p->threads, wall = r->wall_s;
	struct an_trace *t = &a->tr;
	struct json_object *sc;
	char why[512];
	int i;

	an_evidence_init(e);
	/* Per thread: a thread runs on one CPU at a time. */
	if (r->counted[SW_CTX])
		an_set_plausible(e, AN_CTX_PER_S, r->count[SW_CTX] / wall / n,
				 LLCTL_PLAUS_SWITCH_RATE, 1);
	if (r->counted[SW_FAULTS])
		an_set_plausible(e, AN_FAULTS_PER_S, r->count[SW_FAULTS] / wall,
				 LLCTL_PLAUS_FAULT_RATE, a->ncpus);
	if (r->counted[SW_MIGR])
		an_set(e, AN_MIGR_PER_S, r->count[SW_MIGR] / wall);
	if (r->counted[SW_TASK_CLOCK])
		an_set_plausible(e, AN_CPU_UTIL,
				 r->count[SW_TASK_CLOCK] / 1e9 / wall / n,
				 LLCTL_PLAUS_CPUS_UTILIZED, 1);
	if (t->done && t->wall_ns > 0) {
		n = a->tr_threads;
		an_set_plausible(e, AN_SYSCALL_SHARE, t->syscall_ns / t->wall_ns / n,
				 LLCTL_PLAUS_TIME_SHARE, 1);
		an_set_plausible(e, AN_FUTEX_SHARE, t->futex_ns / t->wall_ns / n,
				 LLCTL_PLAUS_TIME_SHARE, 1);
		an_set_plausible(e, AN_IRQ_SHARE, (t->irq_ns + t->softirq_ns) /
				 t->wall_ns / (a->ncpus ? a->ncpus : 1),
				 LLCTL_PLAUS_TIME_SHARE, 1);
		/* The syscalls come sorted by calls: find the most time. */
		sc = json_object_object_get(t->summary, "syscalls");
		for (i = 0; sc && i < (int)json_object_array_length(sc); i++) {
			struct json_object *s = json_object_array_get_idx(sc, i);
			const char *name = json_object_get_string(json_object_object_get(s, "name"));
			double share = json_object_get_int64(json_object_object_get(s, "total_ns")) /
				       t->wall_ns / n;

			if (name && strcmp(name, "futex") && share > e->top_syscall_share) {
				e->top_syscall_share = share;
				snprintf(e->top_syscall, sizeof(e->top_syscall), "%s", name);
			}
		}
	} else {
		snprintf(why, sizeof(why), "no trace: %s", t->reason);
		an_unset(e, AN_SYSCALL_SHARE, why);
		an_unset(e, AN_FUTEX_SHARE, why);
		an_unset(e, AN_IRQ_SHARE, why);
	}
	ipc_evidence(a, r);
	if (a->td_valid) {
		an_set(e, AN_TD_BACKEND, a->td.backend_bound);
		an_set(e, AN_TD_FRONTEND, a->td.frontend_bound);
		if (a->td.spec_valid)
			an_set(e, AN_TD_BAD_SPEC, a->td.bad_speculation);
		else
			an_unset(e, AN_TD_BAD_SPEC, a->td.spec_why);
	} else {
		an_unset(e, AN_TD_BACKEND, a->topdown_why);
		an_unset(e, AN_TD_BAD_SPEC, a->topdown_why);
		an_unset(e, AN_TD_FRONTEND, a->topdown_why);
	}
	if (!a->fitted) {
		snprintf(why, sizeof(why), "no USL fit: %s", a->fit_why);
		an_unset(e, AN_USL_SIGMA, why);
		an_unset(e, AN_USL_KAPPA_LOW, why);
		return;
	}
	an_set_plausible(e, AN_USL_SIGMA, a->fit.sigma, LLCTL_PLAUS_USL_SIGMA, 1);
	e->kappa = a->fit.kappa;
	e->kappa_se = a->fit.kappa_se;
	if (a->fit.se_valid)
		an_set(e, AN_USL_KAPPA_LOW, a->fit.kappa - 2 * a->fit.kappa_se);
	else
		an_unset(e, AN_USL_KAPPA_LOW,
			 "kappa's error needs more than 3 thread counts");
}

/* The traced run, at the largest thread count. */
static int traced_run(struct analyze *a)
{
	unsigned int n = a->threads[a->n_threads - 1];
	int out, go = -1, status;
	char cnt[2][32];
	pid_t child;

	a->tr_threads = n;
	if (!a->trace) {
		snprintf(a->tr.reason, sizeof(a->tr.reason), "--no-trace");
		return 0;
	}
	out = memfd_create("llctl-analyze-stdout", MFD_CLOEXEC);
	child = out >= 0 ? spawn_at(a, n, out, &go) : -1;
	if (child < 0) {
		llctl_err("Unable to start '%s': %s", a->cmd[0], strerror(errno));
		if (out >= 0)
			close(out);
		return 1;
	}
	status = an_trace_run(&a->nl, child, go, &a->tr);
	close(out);
	if (a->tr.done && a->tr.lost)
		llctl_err("warning: %s of %s trace records were lost: the times are lower bounds",
			  llctl_text_u64(cnt[0], sizeof(cnt[0]), a->tr.lost),
			  llctl_text_u64(cnt[1], sizeof(cnt[1]), a->tr.produced));
	return check_status(a, status, n);
}

static void progress(const struct analyze *a, unsigned int t, unsigned int k)
{
	if (!isatty(STDERR_FILENO))
		return;
	if (t == a->n_threads)
		fprintf(stderr, "\r\033[Kllctl analyze: traced run at %u threads",
			a->threads[t - 1]);
	else
		fprintf(stderr, "\r\033[Kllctl analyze: %u threads, run %u/%u",
			a->threads[t], k + 1, a->repeat);
}

static int measure(struct analyze *a)
{
	unsigned int t, k;
	int ret = 0;

	a->runs = calloc((size_t)a->n_threads * a->repeat, sizeof(*a->runs));
	if (!a->runs)
		return 1;
	/*
	 * The repeats go round the thread counts: a slow spell of the
	 * machine lands on several points, one run each, not on one point.
	 */
	for (k = 0; k < a->repeat && !ret; k++)
		for (t = 0; t < a->n_threads && !ret; t++) {
			progress(a, t, k);
			ret = one_run(a, a->threads[t],
				      &a->runs[t * a->repeat + k]);
			a->n_runs++;
		}
	if (!ret) {
		progress(a, a->n_threads, 0);
		ret = traced_run(a);
	}
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	return ret;
}

/* --- report ------------------------------------------------------------- */

static struct json_object *jnum(bool valid, double v)
{
	return valid && isfinite(v) ? json_object_new_double(v) : NULL;
}

/*
 * CPU time, CPU use and voluntary switches per run, from wait4's rusage;
 * CPU use at most the @ncpus online (cpu_use_reason beside a null).
 */
static void use_json(struct json_object *o, const struct an_use *u,
		     unsigned int runs, unsigned int ncpus)
{
	json_object_object_add(o, "cpu_s", json_object_new_double(u->cpu_s / runs));
	if (isfinite(an_cpu_use(u)))
		llctl_plaus_json(o, "cpu_use", LLCTL_PLAUS_CPUS_UTILIZED,
				 an_cpu_use(u), ncpus);
	else
		json_object_object_add(o, "cpu_use", NULL);
	json_object_object_add(o, "voluntary_switches",
			       json_object_new_double(u->vcsw / runs));
}

static struct json_object *run_json(const struct an_run *r, unsigned int ncpus)
{
	struct json_object *o = json_object_new_object();
	int i;

	json_object_object_add(o, "threads", json_object_new_int(r->threads));
	json_object_object_add(o, "wall_s", json_object_new_double(r->wall_s));
	json_object_object_add(o, "throughput", jnum(r->tput_valid, r->throughput));
	if (!r->tput_valid)
		json_object_object_add(o, "throughput_reason",
				       json_object_new_string(r->tput_why));
	for (i = 0; i < SW_N; i++)
		json_object_object_add(o, sw_names[i], r->counted[i] ?
				       json_object_new_int64(llround(r->count[i])) : NULL);
	for (i = HW_INSTR; i < HW_END; i++)
		json_object_object_add(o, hw_names[i - HW_INSTR], r->counted[i] ?
				       json_object_new_int64(llround(r->count[i])) : NULL);
	use_json(o, &r->use, 1, ncpus);
	return o;
}

static struct json_object *point_json(const struct an_point *p,
				      unsigned int repeat, unsigned int ncpus)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "threads", json_object_new_int(p->threads));
	json_object_object_add(o, "throughput", jnum(p->valid, p->median));
	json_object_object_add(o, "min", jnum(p->valid, p->min));
	json_object_object_add(o, "max", jnum(p->valid, p->max));
	json_object_object_add(o, "runs", json_object_new_int(p->valid));
	use_json(o, &p->agg.use, repeat, ncpus);
	return o;
}

/* @key, and KEY_reason beside a null that an implausible value left. */
static void add_value(struct json_object *o, const char *key,
		      const struct an_evidence *e, enum an_measure m)
{
	char rkey[96];

	json_object_object_add(o, key, jnum(e->m[m].valid, e->m[m].value));
	if (e->m[m].valid || strncmp(e->m[m].why, "implausible", 11))
		return;
	snprintf(rkey, sizeof(rkey), "%s_reason", key);
	json_object_object_add(o, rkey, json_object_new_string(e->m[m].why));
}

static struct json_object *software_json(const struct analyze *a)
{
	const struct an_point *p = &a->pts[a->n_threads - 1];
	struct json_object *o = json_object_new_object(), *tr;
	const struct an_trace *t = &a->tr;
	int i;

	json_object_object_add(o, "threads", json_object_new_int(p->threads));
	json_object_object_add(o, "wall_s", json_object_new_double(p->agg.wall_s));
	for (i = 0; i < SW_N; i++)
		json_object_object_add(o, sw_names[i], p->agg.counted[i] ?
				       json_object_new_int64(llround(p->agg.count[i])) : NULL);
	add_value(o, "context_switches_per_s_per_thread", &a->evd, AN_CTX_PER_S);
	add_value(o, "page_faults_per_s", &a->evd, AN_FAULTS_PER_S);
	add_value(o, "cpu_migrations_per_s", &a->evd, AN_MIGR_PER_S);
	add_value(o, "cpu_utilization_per_thread", &a->evd, AN_CPU_UTIL);
	if (!t->done) {
		json_object_object_add(o, "trace", NULL);
		json_object_object_add(o, "trace_reason", json_object_new_string(t->reason));
		return o;
	}
	tr = json_object_new_object();
	json_object_object_add(tr, "threads", json_object_new_int(a->tr_threads));
	json_object_object_add(tr, "wall_s", json_object_new_double(t->wall_ns / 1e9));
	json_object_object_add(tr, "syscall_ns", json_object_new_int64(t->syscall_ns));
	json_object_object_add(tr, "futex_ns", json_object_new_int64(t->futex_ns));
	json_object_object_add(tr, "irq_ns", json_object_new_int64(t->irq_ns));
	json_object_object_add(tr, "softirq_ns", json_object_new_int64(t->softirq_ns));
	json_object_object_add(tr, "switches", json_object_new_int64(t->switches));
	add_value(tr, "syscall_share", &a->evd, AN_SYSCALL_SHARE);
	add_value(tr, "futex_share", &a->evd, AN_FUTEX_SHARE);
	add_value(tr, "irq_share", &a->evd, AN_IRQ_SHARE);
	json_object_object_add(tr, "top_syscall", a->evd.top_syscall[0] ?
			       json_object_new_string(a->evd.top_syscall) : NULL);
	json_object_object_add(tr, "summary", json_object_get(t->summary));
	json_object_object_add(o, "trace", tr);
	json_object_object_add(o, "trace_reason", NULL);
	return o;
}

/* Every rule whose measurement was taken: its value and whether it fired. */
static struct json_object *evaluated_json(const struct analyze *a)
{
	struct json_object *arr = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < an_n_rules; i++) {
		const struct an_rule *r = &an_rules[i];
		const struct an_value *v = &a->evd.m[r->measure];

		if (!v->valid)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "rule", json_object_new_string(r->id));
		json_object_object_add(o, "measured", json_object_new_double(v->value));
		json_object_object_add(o, "comparison", json_object_new_string(an_cmp_name(r->cmp)));
		json_object_object_add(o, "threshold", json_object_new_double(r->threshold));
		json_object_object_add(o, "fired", json_object_new_boolean(an_rule_fires(r, &a->evd)));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *suggestions_json(const struct analyze *a,
					    struct json_object *skipped)
{
	struct json_object *arr = json_object_new_array(), *o;
	char buf[512];
	size_t i;

	for (i = 0; i < an_n_rules; i++) {
		const struct an_rule *r = &an_rules[i];
		const struct an_value *v = &a->evd.m[r->measure];

		if (!v->valid) {
			o = json_object_new_object();
			json_object_object_add(o, "rule", json_object_new_string(r->id));
			json_object_object_add(o, "reason", json_object_new_string(v->why));
			json_object_array_add(skipped, o);
			continue;
		}
		if (!an_rule_fires(r, &a->evd))
			continue;
		r->evidence(r, &a->evd, buf, sizeof(buf));
		o = json_object_new_object();
		json_object_object_add(o, "rule", json_object_new_string(r->id));
		json_object_object_add(o, "measurement", json_object_new_string(r->what));
		json_object_object_add(o, "measured", json_object_new_double(v->value));
		json_object_object_add(o, "comparison", json_object_new_string(an_cmp_name(r->cmp)));
		json_object_object_add(o, "threshold", json_object_new_double(r->threshold));
		json_object_object_add(o, "evidence", json_object_new_string(buf));
		json_object_object_add(o, "suggestion", json_object_new_string(r->suggestion));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *scaling_json(const struct analyze *a)
{
	struct json_object *o = json_object_new_object();
	const struct an_usl_fit *f = &a->fit;
	bool se = a->fitted && f->se_valid;

	json_object_object_add(o, "model", json_object_new_string("usl"));
	json_object_object_add(o, "throughput_unit", json_object_new_string(
			       a->has_metric ? "as printed by CMD (--metric)" :
			       a->work_total ? "runs/s (1 / wall s)" :
			       "thread-runs/s (threads / wall s)"));
	json_object_object_add(o, "thread_count_used", a->uses_threads < 0 ? NULL :
			       json_object_new_boolean(a->uses_threads));
	json_object_object_add(o, "fitted", json_object_new_boolean(a->fitted));
	json_object_object_add(o, "reason", a->fitted ? NULL :
			       json_object_new_string(a->fit_why));
	json_object_object_add(o, "lambda", jnum(a->fitted, f->lambda));
	if (a->fitted)
		llctl_plaus_json(o, "sigma", LLCTL_PLAUS_USL_SIGMA, f->sigma, 1);
	else
		json_object_object_add(o, "sigma", NULL);
	json_object_object_add(o, "kappa", jnum(a->fitted, f->kappa));
	json_object_object_add(o, "lambda_stderr", jnum(se, f->lambda_se));
	json_object_object_add(o, "sigma_stderr", jnum(se, f->sigma_se));
	json_object_object_add(o, "kappa_stderr", jnum(se, f->kappa_se));
	if (a->fitted)
		llctl_plaus_json(o, "r2", LLCTL_PLAUS_FIT_R2, f->r2, 1);
	else
		json_object_object_add(o, "r2", NULL);
	json_object_object_add(o, "peak_threads", jnum(a->fitted && f->peak_finite, f->peak_n));
	json_object_object_add(o, "peak_extrapolated", a->fitted && f->peak_finite ?
			       json_object_new_boolean(f->peak_extrapolated) : NULL);
	json_object_object_add(o, "peak_throughput", jnum(a->fitted && f->peak_finite, f->peak_x));
	json_object_object_add(o, "falloff_threads", a->fitted && f->peak_finite ?
			       json_object_new_int(f->falloff_n) : NULL);
	json_object_object_add(o, "ceiling_throughput", jnum(a->fitted, f->ceiling));
	json_object_object_add(o, "peak_reason", a->fitted && !f->peak_finite ?
			       json_object_new_string("no retrograde scaling within the model (kappa = 0)") : NULL);
	return o;
}

static struct json_object *topdown_json(const struct analyze *a)
{
	const struct an_run *r = &a->pts[a->n_threads - 1].agg;
	const struct an_td_level1 *t = &a->td;
	struct json_object *o, *ev;
	const char *const *names;
	bool spec = t->spec_valid;
	unsigned int i, n;

	if (!a->td_valid)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "method", json_object_new_string(
			       t->method == AN_TD_ARM ? "arm" : "intel"));
	json_object_object_add(o, "share_of", json_object_new_string(
			       t->method == AN_TD_ARM ? "cycles" : "slots"));
	json_object_object_add(o, "retiring", jnum(spec, t->retiring));
	json_object_object_add(o, "retiring_reason", spec ? NULL :
			       json_object_new_string(t->spec_why));
	json_object_object_add(o, "bad_speculation", jnum(spec, t->bad_speculation));
	json_object_object_add(o, "bad_speculation_reason", spec ? NULL :
			       json_object_new_string(t->spec_why));
	json_object_object_add(o, "frontend_bound", json_object_new_double(t->frontend_bound));
	json_object_object_add(o, "backend_bound", json_object_new_double(t->backend_bound));
	json_object_object_add(o, "pmu", json_object_new_string(a->pmu.dir));
	/* The counts the shares come from (summed over the repeats). */
	ev = json_object_new_object();
	names = td_names(a, &n);
	for (i = 0; i < n; i++)
		if (a->pmu.has[i])
			json_object_object_add(ev, names[i], json_object_new_int64(
					       llround(r->count[TD_FIRST + i])));
	json_object_object_add(o, "events", ev);
	return o;
}

/* instructions, cycles and IPC at the largest thread count, or why not. */
static struct json_object *hardware_json(const struct analyze *a)
{
	const struct an_run *r = &a->pts[a->n_threads - 1].agg;
	const struct an_value *v = &a->evd.m[AN_IPC];
	struct json_object *o = json_object_new_object();
	unsigned int i;

	json_object_object_add(o, "threads", json_object_new_int(r->threads));
	for (i = HW_INSTR; i < HW_END; i++)
		json_object_object_add(o, hw_names[i - HW_INSTR], r->counted[i] ?
				       json_object_new_int64(llround(r->count[i])) : NULL);
	json_object_object_add(o, "ipc", jnum(v->valid, v->value));
	json_object_object_add(o, "ipc_reason", v->valid ? NULL :
			       json_object_new_string(v->why));
	return o;
}

static int report_json(const struct analyze *a)
{
	struct json_object *o = json_object_new_object(), *arr, *b, *skipped;
	struct llctl_env env = { 0 };
	unsigned int i;

	arr = json_object_new_array();
	for (i = 0; a->cmd[i]; i++)
		json_object_array_add(arr, json_object_new_string(a->cmd[i]));
	json_object_object_add(o, "command", arr);
	json_object_object_add(o, "repeat", json_object_new_int(a->repeat));
	arr = json_object_new_array();
	for (i = 0; i < a->n_runs; i++)
		json_object_array_add(arr, run_json(&a->runs[i], a->ncpus));
	json_object_object_add(o, "runs", arr);
	arr = json_object_new_array();
	for (i = 0; i < a->n_threads; i++)
		json_object_array_add(arr, point_json(&a->pts[i], a->repeat,
						      a->ncpus));
	json_object_object_add(o, "points", arr);
	b = json_object_new_object();
	json_object_object_add(b, "topdown", topdown_json(a));
	json_object_object_add(b, "topdown_reason", a->td_valid ? NULL :
			       json_object_new_string(a->topdown_why));
	json_object_object_add(b, "hardware", hardware_json(a));
	json_object_object_add(b, "software", software_json(a));
	json_object_object_add(o, "bottlenecks", b);
	skipped = json_object_new_array();
	json_object_object_add(o, "suggestions", suggestions_json(a, skipped));
	json_object_object_add(o, "rules_not_evaluated", skipped);
	json_object_object_add(o, "rules_evaluated", evaluated_json(a));
	json_object_object_add(o, "scaling", scaling_json(a));
	if (llctl_env_collect(&env, NULL) == 0)
		json_object_object_add(o, "env", llctl_env_json(&env));
	llctl_env_free(&env);
	return llctl_json_print(o);
}

/* @v as a percentage, or "implausible (...)" / "not measured: ...". */
static const char *pct(const struct an_value *v, char *buf, size_t len)
{
	if (v->valid)
		llctl_text_pct(buf, len, 100 * v->value, 1);
	else if (!strncmp(v->why, "implausible: ", 13))
		snprintf(buf, len, "implausible (%s)", v->why + 13);
	else
		snprintf(buf, len, "%s", v->why);
	return buf;
}

static void print_topdown(FILE *f, const struct analyze *a)
{
	const struct an_td_level1 *t = &a->td;
	char re[16], bs[16], fe[16], be[16];

	llctl_text_pct(re, sizeof(re), 100 * t->retiring, 1);
	llctl_text_pct(bs, sizeof(bs), 100 * t->bad_speculation, 1);
	llctl_text_pct(fe, sizeof(fe), 100 * t->frontend_bound, 1);
	llctl_text_pct(be, sizeof(be), 100 * t->backend_bound, 1);
	if (!a->td_valid)
		fprintf(f, "  %s\n", a->topdown_why);
	else if (t->method == AN_TD_INTEL)
		fprintf(f, "  top-down level 1: retiring %s, bad speculation %s, frontend %s, backend %s\n",
			re, bs, fe, be);
	else if (t->spec_valid)
		fprintf(f, "  top-down level 1 (Arm, shares of the cycles): retiring %s, bad speculation %s, frontend %s, backend %s\n",
			re, bs, fe, be);
	else
		fprintf(f, "  top-down level 1 (Arm, shares of the cycles): frontend %s, backend %s; retiring and bad speculation not measured: %s\n",
			fe, be, t->spec_why);
}

static void print_software(FILE *f, const struct analyze *a)
{
	const struct an_point *p = &a->pts[a->n_threads - 1];
	const struct an_evidence *e = &a->evd;
	const struct an_trace *t = &a->tr;
	char b[3][640], n[2][48];
	int i;

	fprintf(f, "Bottlenecks (%u threads, %s of wall time over %u runs):\n",
		p->threads, llctl_text_ns(n[0], sizeof(n[0]), p->agg.wall_s * 1e9), a->repeat);
	print_topdown(f, a);
	if (e->m[AN_IPC].valid)
		fprintf(f, "  %-22s %14.3f     (%s instructions in %s cycles)\n",
			"IPC", e->m[AN_IPC].value,
			llctl_text_count(n[0], sizeof(n[0]), e->instructions, 0),
			llctl_text_count(n[1], sizeof(n[1]), e->cycles, 0));
	else
		fprintf(f, "  %-22s not measured: %s\n", "IPC", e->m[AN_IPC].why);
	for (i = 0; i < SW_N; i++) {
		if (!p->agg.counted[i])
			fprintf(f, "  %-22s <not counted>\n", sw_names[i]);
		else if (i == SW_TASK_CLOCK)
			fprintf(f, "  %-22s %14s  (%s of each thread's wall time)\n",
				sw_names[i], llctl_text_ns(n[0], sizeof(n[0]), p->agg.count[i]),
				pct(&e->m[AN_CPU_UTIL], b[0], sizeof(b[0])));
		else
			fprintf(f, "  %-22s %14s  (%s)\n", sw_names[i],
				llctl_text_count(n[0], sizeof(n[0]), p->agg.count[i], 0),
				llctl_text_rate(n[1], sizeof(n[1]),
						p->agg.count[i] / p->agg.wall_s));
	}
	if (!t->done) {
		fprintf(f, "  trace: none: %s\n", t->reason);
		return;
	}
	fprintf(f, "  traced run (%u threads, %s):\n", a->tr_threads,
		llctl_text_ns(n[0], sizeof(n[0]), t->wall_ns));
	fprintf(f, "    syscalls (futex aside) %10s  (%s per thread; most in %s)\n",
		llctl_text_ns(n[0], sizeof(n[0]), t->syscall_ns),
		pct(&e->m[AN_SYSCALL_SHARE], b[0], sizeof(b[0])),
		e->top_syscall[0] ? e->top_syscall : "none");
	fprintf(f, "    futex                  %10s  (%s per thread)\n",
		llctl_text_ns(n[0], sizeof(n[0]), t->futex_ns),
		pct(&e->m[AN_FUTEX_SHARE], b[1], sizeof(b[1])));
	fprintf(f, "    irq + softirq          %10s  (%s per CPU)\n",
		llctl_text_ns(n[0], sizeof(n[0]), t->irq_ns + t->softirq_ns),
		pct(&e->m[AN_IRQ_SHARE], b[2], sizeof(b[2])));
	fprintf(f, "    context switches       %10s\n",
		llctl_text_count(n[0], sizeof(n[0]), (double)t->switches, 0));
}

static void print_suggestions(FILE *f, const struct analyze *a)
{
	char buf[512];
	size_t i, n = 0;

	fprintf(f, "\nSuggestions:\n");
	for (i = 0; i < an_n_rules; i++) {
		const struct an_rule *r = &an_rules[i];

		if (!an_rule_fires(r, &a->evd))
			continue;
		r->evidence(r, &a->evd, buf, sizeof(buf));
		fprintf(f, "  [%s] %s\n      -> %s\n", r->id, buf, r->suggestion);
		n++;
	}
	if (!n)
		fprintf(f, "  none: no rule's threshold was passed\n");
	for (i = 0; i < an_n_rules; i++)
		if (!a->evd.m[an_rules[i].measure].valid)
			fprintf(f, "  (%s not evaluated: %s)\n", an_rules[i].id,
				a->evd.m[an_rules[i].measure].why);
}

/* The fit's line, sigma and R^2 through their gates. */
static void print_usl(FILE *f, const struct an_usl_fit *u)
{
	char sg[400], r2[400];

	llctl_plaus_text(LLCTL_PLAUS_USL_SIGMA, u->sigma, 1, "%.4g", sg, sizeof(sg));
	llctl_plaus_text(LLCTL_PLAUS_FIT_R2, u->r2, 1, "%.4f", r2, sizeof(r2));
	if (u->se_valid)
		fprintf(f, "  USL: lambda %.4g +- %.2g, sigma %s +- %.2g, kappa %.4g +- %.2g, R^2 %s\n",
			u->lambda, u->lambda_se, sg, u->sigma_se, u->kappa,
			u->kappa_se, r2);
	else
		fprintf(f, "  USL: lambda %.4g, sigma %s, kappa %.4g, R^2 %s (errors need more than 3 thread counts)\n",
			u->lambda, sg, u->kappa, r2);
	if (u->peak_finite)
		fprintf(f, "  peak: %.4g at %.1f threads%s; falls off from %u threads\n",
			u->peak_x, u->peak_n, u->peak_extrapolated ?
			" (extrapolated: beyond twice the most threads measured)" : "",
			u->falloff_n);
	else
		fprintf(f, "  no retrograde scaling within the model (kappa = 0); ceiling %.4g\n",
			u->ceiling);
}

static void print_scaling(FILE *f, const struct analyze *a)
{
	char use[400];
	unsigned int i;

	fprintf(f, "\nScaling (throughput: %s):\n", a->has_metric ?
		"as printed by CMD" : a->work_total ? "runs/s" : "thread-runs/s");
	for (i = 0; i < a->n_threads; i++) {
		const struct an_point *p = &a->pts[i];

		if (!p->valid)
			fprintf(f, "  %5u threads  <no throughput: %s>\n", p->threads,
				a->runs[i * a->repeat].tput_why);
		else
			fprintf(f, "  %5u threads  %14.4g  (min %.4g, max %.4g)  CPU use %s\n",
				p->threads, p->median, p->min, p->max,
				llctl_plaus_text(LLCTL_PLAUS_CPUS_UTILIZED,
						 an_cpu_use(&p->agg.use), a->ncpus,
						 "%.2f", use, sizeof(use)));
	}
	if (!a->fitted) {
		fprintf(f, "  no USL fit: %s\n", a->fit_why);
		return;
	}
	print_usl(f, &a->fit);
}

/* --svg FILE: the points with a throughput, the fit or why there is none. */
static int write_svg(const struct analyze *a)
{
	struct an_usl_point pt[MAX_THREAD_COUNTS];
	char title[160];
	unsigned int t, m = 0;
	int ret;

	for (t = 0; t < a->n_threads; t++)
		if (a->pts[t].valid)
			pt[m++] = (struct an_usl_point){ a->pts[t].threads, a->pts[t].median };
	snprintf(title, sizeof(title), "llctl analyze: scaling of '%.100s'",
		 basename(a->cmd[0]));
	ret = an_usl_svg(a->svg, &(struct an_usl_chart){
		.title = title, .p = pt, .m = m, .why = a->fit_why,
		.ylabel = a->has_metric ? "throughput (as printed by CMD)" :
			  a->work_total ? "runs/s" : "thread-runs/s",
		.f = a->fitted ? &a->fit : NULL });
	if (!ret)
		return 0;
	llctl_err("Unable to write '%s': %s", a->svg, strerror(-ret));
	return 1;
}

static int report_text(const struct analyze *a)
{
	unsigned int i;

	printf("Analysis of '");
	for (i = 0; a->cmd[i]; i++)
		printf("%s%s", i ? " " : "", a->cmd[i]);
	printf("'\n\n");
	print_software(stdout, a);
	print_suggestions(stdout, a);
	print_scaling(stdout, a);
	return llctl_stdout_close();
}

static int setup(struct analyze *a)
{
	char err[512], *online;
	int i, ret;

	for (i = 0; i < SW_N; i++)
		if (prof_event_parse(sw_names[i], &a->ev[i], err, sizeof(err))) {
			llctl_err("%s", err);
			return 1;
		}
	online = llctl_root_read(NULL, "sys/devices/system/cpu/online");
	ret = online ? llctl_cpulist_count(online) : 0;
	a->ncpus = ret > 0 ? ret : 1;
	free(online);
	for (i = 0; i < SW_N; i++)
		a->on[i] = true;
	ipc_setup(a);
	topdown_setup(a);
	ret = llctl_nl_open(&a->nl);
	if (ret) {
		llctl_err("Unable to analyze: %s", llctl_nl_strerror(ret));
		return 1;
	}
	a->dev = open("/dev/" LLKM_DEVICE_NAME, O_RDONLY | O_CLOEXEC);
	return 0;
}

static int analyze_call(void *args, int key, char *arg);

static const char *const work_kinds[] = { "per-thread", "total", NULL };

static const struct llctl_opt analyze_opt[] = {
	{ "threads", OPT_THREADS, "LIST", "Run CMD at these thread counts (1,2,4,8): LLCTL_THREADS, OMP_NUM_THREADS and {} in ARGS",
	  .type = LLCTL_OPT_CALL },
	{ "repeat", OPT_REPEAT, "R", "Runs per thread count (median and spread), 1 to 100; default 1",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct analyze, repeat), .min = 1, .max = MAX_REPEAT },
	{ "metric", OPT_METRIC, "REGEX", "Throughput: the number CMD prints after REGEX on stdout (or its first group)",
	  .type = LLCTL_OPT_CALL },
	{ "work", OPT_WORK, "KIND", "Without --metric: per-thread (N / wall s, the default) or total (1 / wall s)",
	  .type = LLCTL_OPT_ENUM, LLCTL_FIELD(struct analyze, work_total), .choices = work_kinds },
	{ "no-trace", OPT_NO_TRACE, NULL, "Skip the traced run (syscall, futex, IRQ and softirq time)",
	  .type = LLCTL_OPT_CLEAR, LLCTL_FIELD(struct analyze, trace) },
	{ "json", LLCTL_OPT_JSON, NULL, "Print the report as JSON (keys in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct analyze, json) },
	{ "svg", OPT_SVG, "FILE", "Also draw the scaling chart into FILE: throughput per thread count, the USL curve, its peak",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct analyze, svg) },
	{ 0 }
};

static const struct llctl_opts analyze_opts = {
	.cmd = "analyze",
	.synopsis = "[--json] [--svg FILE] [--threads LIST] [--repeat R] [--metric REGEX] "
		    "[--work per-thread|total] [--no-trace] -- CMD [ARGS...]",
	.summary = "Run CMD under llkm's counters (at each thread count of --threads), then\n"
		   "once traced; report its bottlenecks (top-down level 1 where the PMU has\n"
		   "it, else the software counters and the trace), suggestions from rules\n"
		   "tied to their evidence, and a Universal Scalability Law fit.",
	.opt = analyze_opt,
	.call = analyze_call,
	.operands = true,
};

/* --threads and --metric, which no option type says. */
static int analyze_call(void *args, int key, char *arg)
{
	struct analyze *a = args;
	char msg[128];
	int ret;

	if (key == OPT_THREADS) {
		if (parse_threads(a, arg))
			return llctl_opt_bad(&analyze_opts, key, arg,
					     "give up to %d thread counts from 1 to 4096, as 1,2,4,8",
					     MAX_THREAD_COUNTS);
		a->threads_given = true;
		return 0;
	}
	ret = regcomp(&a->metric, arg, REG_EXTENDED);
	a->has_metric = !ret;
	if (ret) {
		regerror(ret, &a->metric, msg, sizeof(msg));
		return llctl_opt_bad(&analyze_opts, key, arg,
				     "%s (a POSIX extended regex)", msg);
	}
	a->metric_src = arg;
	return 0;
}

static int parse_opts(struct analyze *a, int argc, char **argv)
{
	int n = llctl_parse(argc, argv, &analyze_opts, a);

	if (n < 0)
		return n;
	if (n >= argc) {
		llctl_err("Unable to analyze: nothing to run: give '-- CMD [ARGS...]'");
		return LLCTL_PARSE_ERROR;
	}
	if (a->has_metric && a->work_total)
		return llctl_opt_bad(&analyze_opts, OPT_WORK, NULL,
				     "--metric is the throughput; give one of the two");
	a->cmd = argv + n;
	return 0;
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze *a = calloc(1, sizeof(*a));
	int ret = 1;

	if (!a)
		return 1;
	a->dev = -1;
	a->repeat = 1;
	a->trace = true;
	a->threads[0] = 1;
	a->n_threads = 1;
	ret = parse_opts(a, argc, argv);
	if (ret) {
		ret = llctl_parse_status(ret);
		goto cleanup;
	}
	ret = 1;
	a->path = llctl_resolve_cmd(a->cmd[0]);
	if (!a->path) {
		llctl_err("Unable to run '%s': not found or not executable", a->cmd[0]);
		goto cleanup;
	}
	if (setup(a) || measure(a))
		goto cleanup;
	aggregate(a);
	fit(a);
	topdown(a);
	evidence(a);
	if (!a->fitted && a->threads_given && a->uses_threads)
		llctl_err("warning: no USL fit: %s", a->fit_why);
	ret = a->json ? report_json(a) : report_text(a);
	if (a->svg && write_svg(a))
		ret = 1;
	if (!a->uses_threads) {
		llctl_err("Unable to fit the USL: %s", a->fit_why);
		ret = 1;
	}
cleanup:
	if (a->has_metric)
		regfree(&a->metric);
	if (a->dev >= 0)
		close(a->dev);
	if (a->nl.sk)
		llctl_nl_close(&a->nl);
	an_trace_free(&a->tr);
	free(a->runs);
	free(a->path);
	free(a);
	return ret;
}
