// SPDX-License-Identifier: GPL-2.0
/*
 * llctl top: a live view, refreshed every -d seconds. By default the
 * hottest functions from sampling (perf top); with --stat each CPU's
 * (--per-process: each -p process's) counts of the -e events and their
 * rates (likwid-perfctr -t).
 *
 * Sampling is llctl record's: an llkm counter per CPU (or per thread with
 * -p) whose overflows land as LLKM_REC_SAMPLE records in this socket's
 * trace session rings, drained as they come. Counting is llctl profile's
 * -I: a counter per CPU and event, read through /dev/llkm each interval.
 * The addresses are named by profile/symbols.c: the maps of a process are
 * read from /proc/PID/maps the first time one of its samples comes (perf
 * top synthesizes them alike), and read again, once an interval at most,
 * when an address falls outside them (it exec'd or mapped more).
 *
 * On a terminal (stdout) the screen is redrawn each interval on the
 * alternate screen, and the keyboard (stdin, if a terminal too) is read
 * without echo or line buffering: 'q' quits. Anywhere else each interval
 * is one block of plain time-stamped lines, or one JSON object (--json).
 * With -g the counters sample callchains too, and each row carries its
 * call graph (top/top.c, drawn by profile/callgraph.c as report -g).
 * Every way out (q, the last --interval-count, SIGINT, SIGTERM, SIGHUP,
 * an error) goes through top_cleanup(): the terminal restored, the
 * counters closed, the session stopped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd.h"
#include "config/config.h"
#include "lib/cpus.h"
#include "lib/nl.h"
#include "lib/options.h"
#include "lib/rootfs.h"
#include "lib/text.h"
#include "lib/util.h"
#include "profile/perfdata.h"
#include "profile/pmu-events.h"
#include "profile/profile.h"
#include "profile/sideband.h"
#include "profile/symbols.h"
#include "top/top.h"
#include "trace/session.h"

#define DEFAULT_FREQ	4000	/* Hz, perf top's default */
#define MAX_INST	4096	/* counters in all */
#define MAX_THREADS	1024	/* of the -p processes */
#define LINES_ROWS	20	/* rows an interval without a terminal */

enum { OPT_STAT = LLCTL_OPT_JSON + 1, OPT_ICOUNT, OPT_PER_PROCESS, OPT_NO_BIG_NUM };

struct top_args {
	struct llctl_list events;
	double delay;
	bool all, hide_kernel, hide_user, stat, per_process, json, zero;
	bool no_big_num;	/* --no-big-num */
	bool graph;		/* -g */
	struct llctl_cpus cpus;
	struct llctl_pids pids;
	uint64_t freq, period, count, entries;
};

static const struct llctl_opt top_opt[] = {
	{ "event", 'e', "EV", "Sample this event (default: cycles, or cpu-clock without a hardware PMU); with --stat, count these (repeatable)",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct top_args, events) },
	{ "delay", 'd', "SECS", "Refresh every SECS seconds, 0.1 to 3600 (default 2, as perf top)",
	  .type = LLCTL_OPT_DURATION, LLCTL_FIELD(struct top_args, delay), .lo = 0.1, .hi = 3600 },
	{ "all-cpus", 'a', NULL, "Everything on every online CPU (the default)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, all) },
	{ "cpu", 'C', "CPUS", "Only these CPUs (0-3,8)",
	  .type = LLCTL_OPT_CPUS, LLCTL_FIELD(struct top_args, cpus) },
	{ "pid", 'p', "PID,...", "Only these running processes, their threads and children (repeatable)",
	  .type = LLCTL_OPT_PIDS, LLCTL_FIELD(struct top_args, pids), .max = LLCTL_PIDS_MAX,
	  .flags = LLCTL_OPT_REPEAT },
	{ "hide-kernel-symbols", 'K', NULL, "Hide kernel functions (their samples still count in the total)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, hide_kernel) },
	{ "hide-user-symbols", 'U', NULL, "Hide user functions (their samples still count in the total)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, hide_user) },
	{ "count", 'c', "PERIOD", "One sample every PERIOD events",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct top_args, period), .min = 1, .max = INT64_MAX },
	{ "freq", 'F', "HZ", "About HZ samples a second per CPU (default 4000, or the applied tuning profile's sampling_rate)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct top_args, freq), .min = 1, .max = LLKM_SAMPLE_FREQ_MAX },
	{ "entries", 'E', "N", "Show at most N functions (default: what the terminal holds; 20 a block without one)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct top_args, entries), .min = 1, .max = 100000 },
	{ "call-graph", 'g', NULL, "Sample call chains (user stacks by frame pointers) and follow each row with its call graph, callee first, as report -g",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, graph) },
	{ "zero", 'z', NULL, "Zero the functions' samples each refresh (default: keep 7/8 of them, as perf top)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, zero) },
	{ "stat", OPT_STAT, NULL, "Count instead of sampling: each CPU's counts of the -e events and their rates (default cpu-clock, and cycles,instructions with a hardware PMU)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, stat) },
	{ "per-process", OPT_PER_PROCESS, NULL, "With --stat and -p: a row per process (its threads on every CPU), not per CPU",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, per_process) },
	{ "interval-count", OPT_ICOUNT, "N", "Stop after N refreshes (perf stat's --interval-count; default: until q or Ctrl-C)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct top_args, count), .min = 1, .max = 100000000 },
	{ "no-big-num", OPT_NO_BIG_NUM, NULL,
	  "Print counts without the locale's thousands separators",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, no_big_num) },
	{ "json", LLCTL_OPT_JSON, NULL, "One JSON object a refresh, one a line (keys in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct top_args, json) },
	{ 0 }
};

static const struct llctl_opts top_opts = {
	.cmd = "top",
	.synopsis = "[-e EV] [-d SECS] [-a | -C CPUS | -p PID,...] [-K] [-U] [-c PERIOD | -F HZ] [-E N] [-g] [-z] [--stat [--per-process]] [--interval-count N] [--no-big-num] [--json]",
	.summary = "A live view: the hottest functions (perf top), or counts per CPU or process.",
	.opt = top_opt,
};

/* One counter: which event (counting), which CPU, its last reading. */
struct inst {
	uint32_t id;
	unsigned int ev, slot;	/* event; row (CPU, or process) of the screen */
	uint64_t raw, enabled, running, samples, lost, throttled;
};

/* The maps read for a process: at which interval. */
struct pidmap {
	uint32_t pid;		/* 0: free */
	uint64_t tick;
};

struct top {
	struct top_args a;
	struct llctl_nl nl;
	struct trace_session ts;
	struct prof_event ev[TOP_EVENTS_MAX];
	struct top_count_event cev[TOP_EVENTS_MAX];
	unsigned int n_ev;
	int *cpus;		/* -C, or the online ones */
	unsigned int n_cpus;
	int *tids;		/* -p's threads */
	unsigned int *tproc;	/* each one's process: its index in -p */
	unsigned int n_tids;
	char (*comms)[16];	/* --per-process: -p's processes' names */
	struct inst *inst;
	unsigned int n_inst;
	uint32_t *ids;		/* sorted, for the samples' check */
	char target[128], rate[48];
	const char *note;
	char note_buf[160];
	/* Sampling. */
	struct prof_syms *syms;
	struct top_table table;
	struct pidmap *pm;
	size_t pm_cap, pm_n;
	uint64_t ticks, samples, hidden, unknown, foreign, bad;
	/*
	 * When the loop started and the last interval ended: each taken just
	 * after the counters were read, so a count's span and its interval
	 * match (the reads' own time on both ends).
	 */
	double t0, last;
	/* The screen. */
	bool screen, keys;
	struct termios saved;
	bool saved_ok;
	/* An error in the loop, said after the screen is gone. */
	char why[512];
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Options. */

static int top_check(struct top *t)
{
	struct top_args *a = &t->a;

	if (a->all && a->pids.n) {
		llctl_opt_bad(&top_opts, 'p', NULL, "-a and -p exclude each other");
		return 1;
	}
	if (a->period && a->freq) {
		llctl_opt_bad(&top_opts, 'F', NULL, "-c and -F exclude each other");
		return 1;
	}
	if (a->stat && (a->period || a->freq || a->hide_kernel || a->hide_user || a->zero ||
			a->graph)) {
		llctl_opt_bad(&top_opts, OPT_STAT, NULL,
			      "--stat counts: -c, -F, -g, -K, -U and -z are for sampling");
		return 1;
	}
	if (a->per_process && (!a->stat || !a->pids.n)) {
		llctl_opt_bad(&top_opts, OPT_PER_PROCESS, NULL,
			      "it needs --stat and -p");
		return 1;
	}
	if (!a->stat && a->events.n > 1) {
		llctl_err("Unable to sample '%s' and '%s': llctl top samples one event; give one -e (or --stat to count several)",
			  a->events.v[0], a->events.v[1]);
		return 1;
	}
	return 0;
}

static int add_event(struct top *t, const char *spec)
{
	char err[512] = "";

	if (t->n_ev == TOP_EVENTS_MAX) {
		llctl_err("Unable to count '%s': llctl top shows at most %d events",
			  spec, TOP_EVENTS_MAX);
		return 1;
	}
	if (prof_event_parse(spec, &t->ev[t->n_ev], err, sizeof(err))) {
		llctl_err("%s", err[0] ? err : "Unable to parse the event");
		return 1;
	}
	t->cev[t->n_ev].name = t->ev[t->n_ev].name;
	t->cev[t->n_ev].clock = !strcmp(t->ev[t->n_ev].name, "cpu-clock") ||
				!strcmp(t->ev[t->n_ev].name, "task-clock");
	t->n_ev++;
	return 0;
}

/* -e's lists split into events; with none, the defaults. */
static int top_events(struct top *t)
{
	const struct top_args *a = &t->a;
	char err[512] = "", *copy, *s, *one;
	bool pmu = prof_have_hw_pmu();
	int i;

	for (i = 0; i < a->events.n; i++) {
		copy = strdup(a->events.v[i]);
		s = copy;
		while (copy && (one = prof_event_next(&s, err, sizeof(err))))
			if (add_event(t, one)) {
				free(copy);
				return 1;
			}
		free(copy);
		if (err[0]) {
			llctl_err("%s", err);
			return 1;
		}
	}
	if (!a->stat && t->n_ev > 1) {
		llctl_err("Unable to sample '%s': llctl top samples one event; give one (or --stat to count several)",
			  a->events.v[0]);
		return 1;
	}
	if (t->n_ev)
		return 0;
	if (!pmu) {
		snprintf(t->note_buf, sizeof(t->note_buf),
			 "no hardware PMU here: %s cpu-clock",
			 a->stat ? "counting" : "sampling");
		t->note = t->note_buf;
	}
	if (add_event(t, "cpu-clock"))
		return 1;
	if (pmu && !a->stat) {	/* cycles in place of the clock */
		t->n_ev = 0;
		return add_event(t, "cycles");
	}
	if (pmu && (add_event(t, "cycles") || add_event(t, "instructions")))
		return 1;
	return 0;
}

/* One more thread for -p: 0, or 1 when the table is full. */
static int add_thread(int tid, void *arg)
{
	struct top *t = arg;

	if (t->n_tids == MAX_THREADS)
		return 1;
	t->tproc[t->n_tids] = t->tproc[MAX_THREADS];
	t->tids[t->n_tids++] = tid;
	return 0;
}

/* The threads of -p's @i-th process, @pid, and its name. */
static int list_threads(struct top *t, unsigned int i, pid_t pid)
{
	char path[64], *comm;
	int ret;

	snprintf(path, sizeof(path), "proc/%d/comm", pid);
	comm = llctl_root_read(NULL, path);
	snprintf(t->comms[i], sizeof(t->comms[i]), "%s", comm ? comm : "?");
	free(comm);
	t->tproc[MAX_THREADS] = i;	/* add_thread()'s process */
	ret = llctl_proc_for_each_thread(pid, add_thread, t);

	if (ret == -ESRCH)
		llctl_err("Unable to watch pid %d: no such process", pid);
	else if (ret)
		llctl_err("Unable to watch pid %d: -p takes at most %d threads in all; watch the CPUs they run on with -C",
			  pid, MAX_THREADS);
	return ret ? 1 : 0;
}

/* The CPUs and threads watched, and what the header calls them. */
static int top_targets(struct top *t)
{
	const struct top_args *a = &t->a;
	int i, n;

	if (a->cpus.n) {
		t->cpus = malloc(a->cpus.n * sizeof(int));
		if (!t->cpus)
			return 1;
		memcpy(t->cpus, a->cpus.cpu, a->cpus.n * sizeof(int));
		t->n_cpus = a->cpus.n;
	} else {
		n = llctl_cpus_online(NULL, &t->cpus);
		if (n <= 0) {
			llctl_err("Unable to list the online CPUs");
			return 1;
		}
		t->n_cpus = n;
	}
	if (a->pids.n) {
		t->tids = calloc(MAX_THREADS, sizeof(int));
		t->tproc = calloc(MAX_THREADS + 1, sizeof(*t->tproc));
		t->comms = calloc(a->pids.n, sizeof(*t->comms));
		if (!t->tids || !t->tproc || !t->comms)
			return 1;
		for (i = 0; i < a->pids.n; i++)
			if (list_threads(t, i, a->pids.pid[i]))
				return 1;
		snprintf(t->target, sizeof(t->target), "pid %d%s", a->pids.pid[0],
			 a->pids.n > 1 ? " and more" : "");
	} else if (a->cpus.n) {
		snprintf(t->target, sizeof(t->target), "CPUs %s", a->cpus.text);
	} else {
		snprintf(t->target, sizeof(t->target), "system-wide");
	}
	return 0;
}

static int top_defaults(struct top *t)
{
	struct cfg_defaults cd = { .stack_depth = -1 };
	struct top_args *a = &t->a;
	char n[32];

	if (!a->delay)
		a->delay = 2;
	cfg_defaults(&cd);
	if (!a->period && !a->freq)
		a->freq = cd.sampling_rate ? (uint64_t)cd.sampling_rate : DEFAULT_FREQ;
	cfg_defaults_free(&cd);
	if (a->freq)
		snprintf(t->rate, sizeof(t->rate), "%s Hz", llctl_text_u64(n, sizeof(n), a->freq));
	else
		snprintf(t->rate, sizeof(t->rate), "every %s", llctl_text_u64(n, sizeof(n), a->period));
	return top_events(t) || top_targets(t);
}

/* The kernel side. */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int open_one(struct top *t, unsigned int ev, unsigned int slot, int cpu,
		    int tid)
{
	const struct prof_event *e = &t->ev[ev];
	struct llctl_counter_req req = {
		.type = e->type, .config = e->config, .config1 = e->config1,
		.config2 = e->config2, .cpu = cpu, .pid = tid,
	};
	struct inst *in = &t->inst[t->n_inst];
	char hint[512];
	const char *ext;
	int err;

	if (t->n_inst == MAX_INST) {
		llctl_err("Unable to watch %s: more than %d counters (events x CPUs x threads); watch fewer",
			  t->target, MAX_INST);
		return 1;
	}
	req.flags = (tid > 0 ? LLKM_CTR_F_INHERIT : 0) |
		    (e->exclude_user ? LLKM_CTR_F_EXCLUDE_USER : 0) |
		    (e->exclude_kernel ? LLKM_CTR_F_EXCLUDE_KERNEL : 0) |
		    (e->exclude_hv ? LLKM_CTR_F_EXCLUDE_HV : 0);
	if (!t->a.stat) {
		req.period = t->a.freq ? t->a.freq : t->a.period;
		req.flags |= (t->a.freq ? LLKM_CTR_F_FREQ : 0) |
			     (t->a.graph ? LLKM_CTR_F_CALLCHAIN : 0);
	}
	err = llctl_nl_counter_open(&t->nl, &req, &in->id);
	if (err) {
		ext = llctl_nl_last_extack();
		prof_perf_err_hint(err, e, hint, sizeof(hint));
		llctl_err("Unable to %s '%s' on %s: %s%s%s%s", t->a.stat ? "count" : "sample",
			  e->name, t->target,
			  err == -EPERM ? llctl_nl_strerror(err) : hint,
			  ext ? " (llkm: " : "", ext ? ext : "", ext ? ")" : "");
		return 1;
	}
	in->ev = ev;
	in->slot = slot;
	t->n_inst++;
	return 0;
}

/*
 * Sampling: a counter per CPU, or per thread of -p (on every CPU, or one
 * per -C CPU). Counting: per event and CPU, times the threads of -p.
 */
static int open_counters(struct top *t)
{
	bool per_task_any_cpu = !t->a.stat && t->n_tids && !t->a.cpus.n;
	unsigned int e, c, k, n_tids = t->n_tids ? t->n_tids : 1;
	int err;

	t->inst = calloc(MAX_INST, sizeof(*t->inst));
	if (!t->inst)
		return 1;
	err = llctl_nl_open(&t->nl);
	if (err) {
		llctl_err("Unable to open llkm: %s", llctl_nl_strerror(err));
		return 1;
	}
	if (!t->a.stat) {
		struct llctl_trace_req treq = { .ring_mode = -1 };

		if (trace_session_open(&t->ts, &t->nl) ||
		    trace_session_start(&t->ts, &treq, trace_session_cpus())) {
			llctl_err("Unable to %s", t->ts.why);
			return 1;
		}
	} else {
		/* /dev/llkm, for reads without a netlink round trip */
		if (trace_session_open(&t->ts, &t->nl)) {
			llctl_err("Unable to %s", t->ts.why);
			return 1;
		}
	}
	for (e = 0; e < t->n_ev; e++)
		for (k = 0; k < n_tids; k++) {
			if (per_task_any_cpu) {
				if (open_one(t, e, 0, -1, t->tids[k]))
					return 1;
				continue;
			}
			for (c = 0; c < t->n_cpus; c++)
				if (open_one(t, e, t->a.per_process ? t->tproc[k] : c,
					     t->cpus[c], t->n_tids ? t->tids[k] : 0))
					return 1;
		}
	t->ids = malloc(t->n_inst * sizeof(*t->ids));
	if (!t->ids)
		return 1;
	for (k = 0; k < t->n_inst; k++)
		t->ids[k] = t->inst[k].id;
	qsort(t->ids, t->n_inst, sizeof(*t->ids), cmp_u32);
	return 0;
}

static int read_inst(struct top *t, struct inst *in, struct llkm_counter_value *v)
{
	int ret = llctl_dev_counter_read(t->ts.dev, &t->nl, in->id, v, 1);

	if (ret != 1) {
		snprintf(t->why, sizeof(t->why), "Unable to read counter '%s': %s",
			 t->ev[in->ev].name, llctl_nl_strerror(ret < 0 ? ret : -EPROTO));
		return 1;
	}
	return 0;
}

/* Sampling: symbols. */

static int add_map(const struct prof_pd_map *m, void *ctx)
{
	return prof_syms_map(ctx, m);
}

/* The slot of @pid in the maps' table, made when @create. */
static struct pidmap *pidmap(struct top *t, uint32_t pid)
{
	size_t i, j, cap;
	struct pidmap *pm;

	if ((t->pm_n + 1) * 2 > t->pm_cap) {
		cap = t->pm_cap ? t->pm_cap * 2 : 1024;
		pm = calloc(cap, sizeof(*pm));
		if (!pm)
			return NULL;
		for (i = 0; i < t->pm_cap; i++) {
			if (!t->pm[i].pid)
				continue;
			for (j = t->pm[i].pid & (cap - 1); pm[j].pid; j = (j + 1) & (cap - 1))
				;
			pm[j] = t->pm[i];
		}
		free(t->pm);
		t->pm = pm;
		t->pm_cap = cap;
	}
	for (j = pid & (t->pm_cap - 1); t->pm[j].pid; j = (j + 1) & (t->pm_cap - 1))
		if (t->pm[j].pid == pid)
			return &t->pm[j];
	t->pm[j].pid = pid;
	t->pm[j].tick = UINT64_MAX;	/* never read */
	t->pm_n++;
	return &t->pm[j];
}

/* Reads @pid's maps, unless it was done this interval: whether it did. */
static bool load_maps(struct top *t, uint32_t pid)
{
	struct pidmap *pm = pidmap(t, pid);

	if (!pm || pm->tick == t->ticks)
		return false;
	prof_syms_exec(t->syms, pid);	/* the old ones go */
	prof_proc_maps(pid, add_map, t->syms);	/* gone already: none */
	pm->tick = t->ticks;
	return true;
}

/*
 * -g: the sample's frames into its row's call graph (the maps are read,
 * its ip resolved as the row's): 0, or -1 when it is torn or no memory.
 */
static int add_chain(struct top *t, const struct llkm_rec *rec,
		     const struct llkm_rec_sample *s)
{
	struct prof_sym_frame f[LLKM_SAMPLE_STACK_MAX + 1];
	struct prof_pd_sample ps = {
		.pid = rec->pid, .ip = s->ip, .user = s->flags & LLKM_SAMPLE_USER,
		.nr_kernel = s->nr_kernel, .nr_user = s->nr_user,
		.chain = (const uint64_t *)s->ips,
	};
	unsigned int n = s->nr_kernel + s->nr_user;

	if (rec->size < sizeof(*rec) + sizeof(*s) + n * sizeof(uint64_t) ||
	    n > LLKM_SAMPLE_STACK_MAX)
		return -1;
	n = prof_syms_chain(t->syms, &ps, f, LLKM_SAMPLE_STACK_MAX + 1);
	return top_table_add_chain(&t->table, f, n);
}

static void add_sample(const struct llkm_rec *rec, void *arg)
{
	const struct llkm_rec_sample *s = (const void *)(rec + 1);
	struct top *t = arg;
	struct prof_sym_frame f;
	struct pidmap *pm;
	bool kernel;

	if (rec->type != LLKM_REC_SAMPLE)
		return;
	if (rec->size < sizeof(*rec) + sizeof(*s)) {
		t->bad++;
		return;
	}
	if (!bsearch(&s->id, t->ids, t->n_inst, sizeof(*t->ids), cmp_u32)) {
		t->foreign++;
		return;
	}
	t->samples++;
	kernel = !(s->flags & LLKM_SAMPLE_USER);
	if ((kernel && t->a.hide_kernel) || (!kernel && t->a.hide_user)) {
		t->hidden++;
		t->table.other++;	/* in the total, as perf top's */
		return;
	}
	if (!kernel && rec->pid) {
		pm = pidmap(t, rec->pid);
		if (pm && pm->tick == UINT64_MAX)
			load_maps(t, rec->pid);
	}
	prof_syms_resolve(t->syms, rec->pid, s->ip, kernel, &f);
	/* Outside the maps we read: it exec'd or mapped more since. */
	if (!kernel && !f.known && !strcmp(f.dso, PROF_SYMS_UNKNOWN) &&
	    load_maps(t, rec->pid))
		prof_syms_resolve(t->syms, rec->pid, s->ip, kernel, &f);
	if (!f.known)
		t->unknown++;
	if (t->a.graph ? add_chain(t, rec, s) :
	    top_table_add(&t->table, f.dso, f.name, kernel, 1))
		t->bad++;
}

/* The terminal. */

static void screen_begin(struct top *t)
{
	struct termios raw;

	t->keys = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &t->saved);
	if (t->keys) {
		t->saved_ok = true;
		raw = t->saved;
		/* Keys one by one, unechoed; Ctrl-C still a SIGINT. */
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	/* The alternate screen, the cursor hidden. */
	fputs("\033[?1049h\033[?25l", stdout);
	fflush(stdout);
}

static void screen_end(struct top *t)
{
	if (!t->screen)
		return;
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (t->saved_ok)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t->saved);
	t->screen = false;
}

static int screen_rows(void)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row)
		return ws.ws_row;
	return 24;
}

/* Whether 'q' was pressed. */
static bool quit_key(struct top *t)
{
	char c[32];
	ssize_t n, i;

	if (!t->keys)
		return false;
	while ((n = read(STDIN_FILENO, c, sizeof(c))) > 0)
		for (i = 0; i < n; i++)
			if (c[i] == 'q' || c[i] == 'Q')
				return true;
	return false;
}

/* One interval. */

static void emit_json(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* The interval's end, now: its times into @when and @interval. */
static void tick_time(struct top *t, double *when, double *interval)
{
	double now = now_s();

	*when = now - t->t0;
	*interval = now - t->last;
	t->last = now;
}

static int sample_tick(struct top *t)
{
	struct top_tick k = {
		.event = t->ev[0].name,
		.rate = t->rate, .samples = t->samples, .hidden = t->hidden,
		.unknown = t->unknown, .note = t->note,
	};
	struct llkm_counter_value v;
	struct top_row **rows;
	size_t n, max = t->a.entries;
	unsigned int i;

	for (i = 0; i < t->n_inst; i++) {
		struct inst *in = &t->inst[i];

		if (read_inst(t, in, &v))
			return 1;
		k.lost += v.samples_lost - in->lost;
		k.throttled += v.throttled - in->throttled;
		in->lost = v.samples_lost;
		in->throttled = v.throttled;
	}
	tick_time(t, &k.t, &k.interval);
	k.total = top_table_total(&t->table);
	k.zero = t->a.zero;
	k.graph = t->a.graph;
	n = top_table_sorted(&t->table, &rows);
	if (!rows) {
		snprintf(t->why, sizeof(t->why), "Unable to sort the samples: out of memory");
		return 1;
	}
	if (t->a.json) {
		emit_json(top_json(&k, rows, n, max));
	} else if (t->screen) {
		if (!max) {	/* rows, and with -g their graphs, to fill it */
			max = screen_rows() > 4 + !!k.note ? screen_rows() - 4 - !!k.note : 1;
			k.lines = max;
		}
		fputs("\033[H\033[2J", stdout);
		top_print(stdout, &k, rows, n, llctl_text_width(stdout), max);
	} else {
		top_print_lines(stdout, &k, rows, n, max ? max : LINES_ROWS);
	}
	free(rows);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		snprintf(t->why, sizeof(t->why), "Unable to write the output: %s",
			 strerror(errno));
		return 1;
	}
	/* perf top: the next screen keeps 7/8 of these, or (-z) none */
	if (t->a.zero)
		top_table_reset(&t->table);
	else
		top_table_decay(&t->table);
	t->samples = t->hidden = t->unknown = 0;
	return 0;
}

/* Row @i of --stat: a CPU, or with --per-process one of -p's processes. */
static void count_row_of(const struct top *t, struct top_count_cpu *row,
			 unsigned int i)
{
	if (t->a.per_process) {
		row->cpu = -1;
		row->pid = t->a.pids.pid[i];
		row->comm = t->comms[i];
	} else {
		row->cpu = t->cpus[i];
	}
}

static int count_tick(struct top *t)
{
	unsigned int n_rows = t->a.per_process ? (unsigned int)t->a.pids.n : t->n_cpus;
	struct top_count_cpu *cpu = calloc(n_rows, sizeof(*cpu));
	struct prof_stat_count *sc = calloc((size_t)n_rows * t->n_ev, sizeof(*sc));
	struct top_count_tick k = {
		.target = t->target,
		.ev = t->cev, .n_ev = t->n_ev, .cpu = cpu, .n_cpu = n_rows,
		.n_cpus = t->n_cpus, .note = t->note,
	};
	struct llkm_counter_value v;
	unsigned int i, e;
	int ret = 1;

	if (!cpu || !sc) {
		snprintf(t->why, sizeof(t->why), "Unable to count: out of memory");
		goto out;
	}
	for (i = 0; i < t->n_inst; i++) {
		struct inst *in = &t->inst[i];

		if (read_inst(t, in, &v))
			goto out;
		prof_stat_add(&sc[in->slot * t->n_ev + in->ev], v.value - in->raw,
			      v.enabled - in->enabled, v.running - in->running);
		in->raw = v.value;
		in->enabled = v.enabled;
		in->running = v.running;
	}
	tick_time(t, &k.t, &k.interval);
	for (i = 0; i < n_rows; i++) {
		count_row_of(t, &cpu[i], i);
		for (e = 0; e < t->n_ev; e++) {
			const struct prof_stat_count *c = &sc[i * t->n_ev + e];

			/*
			 * -p: a task not on this CPU is enabled but not
			 * running there; that is a counted zero.
			 */
			cpu[i].counted[e] = c->counted || t->n_tids;
			cpu[i].value[e] = c->value;
			cpu[i].coverage[e] = c->enabled ? (double)c->running / c->enabled : 0;
		}
	}
	if (t->a.json) {
		emit_json(top_count_json(&k));
	} else if (t->screen) {
		fputs("\033[H\033[2J", stdout);
		top_count_print(stdout, &k, llctl_text_width(stdout));
	} else {
		top_count_print_lines(stdout, &k);
	}
	ret = 0;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		snprintf(t->why, sizeof(t->why), "Unable to write the output: %s",
			 strerror(errno));
		ret = 1;
	}
out:
	free(cpu);
	free(sc);
	return ret;
}

/*
 * The first interval starts here, not when the counters opened: what they
 * counted and sampled while llctl set up is read and dropped.
 */
static int top_baseline(struct top *t)
{
	struct llkm_counter_value v;
	unsigned int i;

	if (!t->a.stat) {
		struct prof_sym_frame f;

		/*
		 * /proc/kallsyms and the -p processes' maps read now: not
		 * in the first interval, whose refresh they would delay.
		 */
		prof_syms_resolve(t->syms, 0, 0, true, &f);
		for (i = 0; i < (unsigned int)t->a.pids.n; i++)
			load_maps(t, t->a.pids.pid[i]);
		trace_session_drain(&t->ts, add_sample, t);
		top_table_reset(&t->table);
		t->samples = t->hidden = t->unknown = 0;
	}
	for (i = 0; i < t->n_inst; i++) {
		struct inst *in = &t->inst[i];

		if (read_inst(t, in, &v))
			return 1;
		in->raw = v.value;
		in->enabled = v.enabled;
		in->running = v.running;
		in->lost = v.samples_lost;
		in->throttled = v.throttled;
	}
	return 0;
}

/* Refreshes until q, a signal, or the last of --interval-count. */
static int top_loop(struct top *t)
{
	double next, now;
	struct pollfd pfd[2];
	int nfd = 0, ms;

	if (!t->a.stat)
		pfd[nfd++] = (struct pollfd){ .fd = t->ts.dev, .events = POLLIN };
	if (t->keys)
		pfd[nfd++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (t->screen) {	/* at once, not a blank screen for -d seconds */
		fputs("\033[H\033[2J", stdout);
		printf("llctl top: %s %s on %s, first refresh in %.1f s%s%s\n",
		       t->a.stat ? "counting" : "sampling", t->ev[0].name,
		       t->target, t->a.delay, t->note ? "; note: " : "",
		       t->note ? t->note : "");
		fflush(stdout);
	}
	if (top_baseline(t))
		return 1;
	t->t0 = now_s();
	t->last = t->t0;
	next = t->t0 + t->a.delay;
	while (!stop_sig) {
		if (!t->a.stat)
			trace_session_drain(&t->ts, add_sample, t);
		now = now_s();
		if (now >= next) {
			if (t->a.stat ? count_tick(t) : sample_tick(t))
				return 1;
			t->ticks++;
			if (t->a.count && t->ticks >= t->a.count)
				break;
			next += t->a.delay;
			if (next <= now)	/* fell behind: from now on */
				next = now + t->a.delay;
		}
		ms = (int)ceil((next - now) * 1000);
		poll(pfd, nfd, ms > 100 ? 100 : ms < 1 ? 1 : ms);
		if (quit_key(t))
			break;
	}
	return 0;
}

static void top_cleanup(struct top *t)
{
	screen_end(t);
	if (t->nl.sk)
		llctl_nl_counter_close(&t->nl, 0);	/* all of this socket's */
	trace_session_close(&t->ts);
	if (t->nl.sk)
		llctl_nl_close(&t->nl);
	if (t->syms)
		prof_syms_free(t->syms);
	top_table_free(&t->table);
	free(t->pm);
	free(t->ids);
	free(t->inst);
	free(t->tids);
	free(t->tproc);
	free(t->comms);
	free(t->cpus);
	llctl_opts_free(&top_opts, &t->a);
}

static void top_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: poll() returns, the loop sees the flag. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed pipe is a write error, said, and the counters closed. */
	signal(SIGPIPE, SIG_IGN);
}

int cmd_top(int argc, char **argv)
{
	struct top t = { .ts = TRACE_SESSION_INIT };
	char n[2][32];
	int ret;

	ret = llctl_parse(argc, argv, &top_opts, &t.a);
	if (ret < 0) {
		llctl_opts_free(&top_opts, &t.a);
		return llctl_parse_status(ret);
	}
	ret = 1;
	top_signals();
	llctl_text_set_big_num(!t.a.no_big_num);	/* top_defaults() prints the rate */
	if (top_check(&t) || top_defaults(&t))
		goto out;
	if (!t.a.stat) {
		t.syms = prof_syms_new();
		if (!t.syms) {
			llctl_err("Unable to sample: out of memory");
			goto out;
		}
	}
	if (open_counters(&t))
		goto out;
	t.screen = !t.a.json && isatty(STDOUT_FILENO);
	if (t.screen)
		screen_begin(&t);
	else if (t.note)
		llctl_err("note: %s", t.note);
	ret = top_loop(&t);
	screen_end(&t);
	if (t.why[0])
		llctl_err("%s", t.why);
	if (!ret && (t.bad || t.foreign))
		llctl_err("warning: %s malformed samples and %s of other counters skipped",
			  llctl_text_u64(n[0], sizeof(n[0]), t.bad),
			  llctl_text_u64(n[1], sizeof(n[1]), t.foreign));
out:
	top_cleanup(&t);
	return ret;
}
