// SPDX-License-Identifier: GPL-2.0
/*
 * llctl profile: count events through llkm's counters, perf stat style.
 *
 * Targets: "-- CMD" (the default; CMD is forked held, counted from its
 * execve with its children, as perf stat does with enable_on_exec), -p PID
 * (each of its threads, and what they fork), -a (every online CPU) or -C
 * CPUS. With -p, -a or -C a CMD only sets how long to count.
 *
 * Each event is opened once per instance (thread or CPU); a refusal is
 * triaged by errno: an event the user named that does not open here is an
 * error (one line, what to do, exit 1) and nothing stays open; an event of
 * the default set that does not open is listed as not supported, with
 * why, and the metrics that need it say so.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <mntent.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/perf_event.h>

#include "cmd.h"
#include "config/config.h"
#include "lib/env.h"
#include "lib/plausible.h"
#include "lib/nl.h"
#include "lib/options.h"
#include "lib/rootfs.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "lib/text.h"
#include "profile/pmu-events.h"
#include "profile/profile.h"

#define MAX_EVENTS	64
#define MAX_THREADS	1024

enum {
	OPT_PER_CPU = LLCTL_OPT_JSON + 1,
	OPT_NO_MULTIPLEX,
	OPT_PER_THREAD,
	OPT_NO_BIG_NUM,
};


/* The default set; hardware events only where a CPU PMU exists. */
static const char *const default_sw[] = {
	"task-clock", "context-switches", "cpu-migrations", "page-faults",
};
static const char *const default_hw[] = {
	"cycles", "instructions", "branches", "branch-misses",
	"cache-references", "cache-misses",
};

struct inst {
	uint32_t id;		/* 0: not open */
	int cpu;		/* -1: a thread's */
	int thread;		/* -p/-G: its index in tids[], else -1 */
	uint64_t raw, enabled, running;	/* last read, for intervals */
};

struct pevent {
	struct prof_event ev;
	bool named;		/* the user asked for it with -e */
	int fixed_cpu;		/* uncore: the PMU's cpumask CPU, else -1 */
	struct inst *inst;
	unsigned int n_inst;
};

/* The instances of an event as last read, kept after closing. */
struct pc_copy {
	struct inst *inst;
	unsigned int n;
};

struct profile {
	struct llctl_nl nl;
	struct pc_copy pc[MAX_EVENTS];
	struct pevent ev[MAX_EVENTS];
	struct prof_stat_event st[MAX_EVENTS];
	unsigned int n;
	int cpus[4096];
	unsigned int n_cpus;	/* -a / -C */
	int tids[MAX_THREADS];
	char comms[MAX_THREADS][16];	/* the threads' names, as listed */
	unsigned int n_tids;	/* -p, -G */
	bool per_cpu, per_thread, pinned, json;
	const char *csv_sep;	/* -x: perf stat's CSV with this separator */
	FILE *out;		/* -o, or NULL */
	int dev;		/* /dev/llkm for reads, or -1 */
	const char *mem_reason;
	/* From the options, by profile_setup(): */
	char **cmd;		/* -- CMD, or NULL */
	char *path;		/* CMD's, resolved */
	char *online;		/* -a: the online CPUs' list */
	char target[512];	/* what is counted, as the report names it */
	int interval;		/* -I, ms; 0: none */
	bool ticked;		/* -I printed its header */
	struct json_object *jint;	/* --json with -I: the intervals */
	/* The runs': */
	long runs;		/* done */
	double total_ns;	/* their elapsed time, summed */
	int cmd_status;		/* CMD's exit status, of the last run */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static enum prof_stat_role role_of(const struct prof_event *e)
{
	static const struct { uint32_t type; uint64_t config;
			      enum prof_stat_role role; } map[] = {
		{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, PROF_STAT_ROLE_TASK_CLOCK },
		{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES,
		  PROF_STAT_ROLE_CONTEXT_SWITCHES },
		{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, PROF_STAT_ROLE_PAGE_FAULTS },
		{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, PROF_STAT_ROLE_CYCLES },
		{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS,
		  PROF_STAT_ROLE_INSTRUCTIONS },
		{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES,
		  PROF_STAT_ROLE_CACHE_REFS },
		{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES,
		  PROF_STAT_ROLE_CACHE_MISSES },
		{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
		  PROF_STAT_ROLE_BRANCHES },
		{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES,
		  PROF_STAT_ROLE_BRANCH_MISSES },
	};
	size_t i;

	/* On hybrid CPUs the PMU's type is in config's high 32 bits. */
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].type == e->type &&
		    map[i].config == (e->config & 0xffffffff))
			return map[i].role;
	if (!strncmp(e->pmu, "uncore_imc", 10) && strstr(e->name, "cas_count_"))
		return PROF_STAT_ROLE_MEM_BYTES;
	return PROF_STAT_ROLE_NONE;
}

static int add_event(struct profile *p, const char *spec, bool named)
{
	struct pevent *pe;
	char err[512];
	int ret;

	if (p->n == MAX_EVENTS) {
		llctl_err("Unable to count '%s': at most %d events", spec,
			  MAX_EVENTS);
		return -1;
	}
	pe = &p->ev[p->n];
	memset(pe, 0, sizeof(*pe));
	ret = prof_event_parse(spec, &pe->ev, err, sizeof(err));
	if (ret) {
		llctl_err("%s", err);
		return -1;
	}
	pe->named = named;
	pe->fixed_cpu = -1;
	memset(&p->st[p->n], 0, sizeof(p->st[p->n]));
	memcpy(p->st[p->n].name, pe->ev.name, sizeof(p->st[p->n].name));
	p->st[p->n].role = role_of(&pe->ev);
	p->n++;
	return 0;
}

static int add_event_list(struct profile *p, char *list)
{
	char err[512], *tok;

	while ((tok = prof_event_next(&list, err, sizeof(err))))
		if (add_event(p, tok, true))
			return -1;
	if (err[0]) {
		llctl_err("%s", err);
		return -1;
	}
	return 0;
}

/* No -e: the applied tuning profile's hardware_counters, if it has some. */
static int add_profile_defaults(struct profile *p)
{
	struct cfg_defaults d = { .stack_depth = -1 };
	int ret = 0;

	cfg_defaults(&d);
	if (d.hardware_counters)
		ret = add_event_list(p, d.hardware_counters);
	else if (d.note)
		fprintf(stderr, "%s: note: %s\n", llctl_prog, d.note);
	cfg_defaults_free(&d);
	return ret;
}

/* First CPU of an uncore PMU's cpumask: where its counters open. */
static int pmu_first_cpu(const char *pmu)
{
	char path[512], buf[64];
	FILE *f;
	int cpu = -1;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/cpumask",
		 pmu);
	f = fopen(path, "re");
	if (f && fgets(buf, sizeof(buf), f))
		cpu = atoi(buf);
	if (f)
		fclose(f);
	return cpu;
}

/* Memory bandwidth: the uncore memory controllers' CAS counts, with -a. */
static int add_mem_events(struct profile *p, bool system_wide)
{
	const char *dir = "/sys/bus/event_source/devices";
	char spec[320], path[512];
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (!system_wide) {
		p->mem_reason = "memory bandwidth needs -a (memory controllers count for the whole socket)";
		return 0;
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "uncore_imc", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s/events/cas_count_read", dir,
			 de->d_name);
		if (access(path, R_OK))
			continue;
		snprintf(spec, sizeof(spec), "%s/cas_count_read/", de->d_name);
		if (add_event(p, spec, false))
			break;
		snprintf(spec, sizeof(spec), "%s/cas_count_write/", de->d_name);
		if (add_event(p, spec, false))
			break;
		p->ev[p->n - 1].fixed_cpu = pmu_first_cpu(de->d_name);
		p->ev[p->n - 2].fixed_cpu = p->ev[p->n - 1].fixed_cpu;
		found++;
	}
	if (d)
		closedir(d);
	if (!found)
		p->mem_reason = "no uncore memory controller PMU (uncore_imc) on this machine";
	return 0;
}

/* Hybrid CPUs: each core type's PMU counts its own events. */
static const char *const hybrid_pmus[] = { "cpu_core", "cpu_atom" };

static bool pmu_present(const char *pmu)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s", pmu);
	return access(path, F_OK) == 0;
}

/* A default hardware event: once per core type on hybrid CPUs. */
static int add_default_hw(struct profile *p, const char *name, bool hw)
{
	char spec[160];
	size_t k;
	int n = 0;

	for (k = 0; k < sizeof(hybrid_pmus) / sizeof(hybrid_pmus[0]); k++) {
		if (!pmu_present(hybrid_pmus[k]))
			continue;
		snprintf(spec, sizeof(spec), "%s/%s/", hybrid_pmus[k], name);
		if (add_event(p, spec, false))
			return -1;
		n++;
	}
	if (n)
		return 0;
	if (add_event(p, name, false))
		return -1;
	if (!hw)
		prof_stat_not_supported(&p->st[p->n - 1],
					"this machine has no hardware PMU (a VM without a virtual PMU?)");
	return 0;
}

static int add_defaults(struct profile *p, bool system_wide)
{
	bool hw = prof_have_hw_pmu();
	size_t i;

	for (i = 0; i < sizeof(default_sw) / sizeof(default_sw[0]); i++)
		if (add_event(p, default_sw[i], false))
			return -1;
	for (i = 0; i < sizeof(default_hw) / sizeof(default_hw[0]); i++)
		if (add_default_hw(p, default_hw[i], hw))
			return -1;
	return add_mem_events(p, system_wide);
}

/* Thread @tid, and with --per-thread its name ("?" if it is gone). */
static void add_thread(struct profile *p, int tid)
{
	char path[64], *comm;

	if (p->per_thread) {
		snprintf(path, sizeof(path), "proc/%d/comm", tid);
		comm = llctl_root_read(NULL, path);
		snprintf(p->comms[p->n_tids], sizeof(p->comms[0]), "%s",
			 comm ? comm : "?");
		free(comm);
	}
	p->tids[p->n_tids++] = tid;
}

/* One more thread for -p: 0, or 1 when the table is full. */
static int add_pid_thread(int tid, void *arg)
{
	struct profile *p = arg;

	if (p->n_tids == MAX_THREADS)
		return 1;
	add_thread(p, tid);
	return 0;
}

/* The threads of @pid, from /proc/PID/task, after those of -p's others. */
static int list_threads(struct profile *p, int pid)
{
	int ret = llctl_proc_for_each_thread(pid, add_pid_thread, p);

	if (ret == -ESRCH)
		llctl_err("Unable to count pid %d: no such process", pid);
	else if (ret)
		llctl_err("Unable to count pid %d: -p counts at most %d threads in all; count the CPUs they run on with -C",
			  pid, MAX_THREADS);
	return ret ? -1 : 0;
}

/* Where the cgroup v2 file system is mounted, into @buf: 0, or -1. */
static int cgroup2_mount(char *buf, size_t len)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent *m;
	int ret = -1;

	while (f && (m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		snprintf(buf, len, "%s", m->mnt_dir);
		ret = 0;
		break;
	}
	if (f)
		endmntent(f);
	return ret;
}

/*
 * -G: the threads in cgroup @cg (a cgroup v2 path, under its mount as perf
 * -G takes it, or absolute) at the start; what they fork is counted with
 * them (the counters inherit). Threads moved in later are not: llkm's
 * counters are perf's kernel counters, which take no cgroup.
 */
static int list_cgroup(struct profile *p, const char *cg)
{
	char mnt[PATH_MAX] = "", path[2 * PATH_MAX];
	unsigned int before = p->n_tids;
	FILE *f = NULL;
	int tid, ret = 0;

	if (!cgroup2_mount(mnt, sizeof(mnt))) {
		snprintf(path, sizeof(path), "%s/%s/cgroup.threads", mnt,
			 cg + (cg[0] == '/'));
		f = fopen(path, "re");
	}
	if (!f && cg[0] == '/') {
		/* A path under the mount, given whole. */
		snprintf(path, sizeof(path), "%s/cgroup.threads", cg);
		f = fopen(path, "re");
	}
	if (!f) {
		llctl_err("Unable to count cgroup '%s': %s (give a cgroup v2 path, as /proc/PID/cgroup's '0::' line shows it)",
			  cg, mnt[0] ? "no such cgroup" :
			  "no cgroup v2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup)");
		return -1;
	}
	while (fscanf(f, "%d", &tid) == 1) {
		if (p->n_tids == MAX_THREADS) {
			llctl_err("Unable to count cgroup '%s': -G counts at most %d threads; count the CPUs they run on with -C",
				  cg, MAX_THREADS);
			ret = -1;
			break;
		}
		add_thread(p, tid);
	}
	fclose(f);
	if (!ret && p->n_tids == before) {
		llctl_err("Unable to count cgroup '%s': it has no threads", cg);
		ret = -1;
	}
	return ret;
}

static int add_cpu(int cpu, void *arg)
{
	struct profile *p = arg;

	if (p->n_cpus < sizeof(p->cpus) / sizeof(p->cpus[0]))
		p->cpus[p->n_cpus++] = cpu;
	return 0;
}

static void close_event(struct profile *p, struct pevent *pe)
{
	unsigned int i;
	struct inst *inst = pe->inst ? pe->inst : p->pc[pe - p->ev].inst;

	for (i = 0; i < pe->n_inst; i++)
		if (inst[i].id)
			llctl_nl_counter_close(&p->nl, inst[i].id);
	free(pe->inst);
	pe->inst = NULL;
	pe->n_inst = 0;
}

static void close_all(struct profile *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		free(p->pc[i].inst);
		p->pc[i].inst = p->ev[i].inst;
		p->pc[i].n = p->ev[i].n_inst;
		p->ev[i].inst = NULL;	/* kept for --per-cpu */
		close_event(p, &p->ev[i]);
	}
}

/* Opens @pe on every instance; -errno of the first refusal. */
static int open_event(struct profile *p, struct pevent *pe, int child)
{
	struct llctl_counter_req req = {
		.type = pe->ev.type, .config = pe->ev.config,
		.config1 = pe->ev.config1, .config2 = pe->ev.config2,
		.cpu = -1,
	};
	unsigned int i, n;
	int ret;

	if (pe->ev.exclude_user)
		req.flags |= LLKM_CTR_F_EXCLUDE_USER;
	if (pe->ev.exclude_kernel)
		req.flags |= LLKM_CTR_F_EXCLUDE_KERNEL;
	if (pe->ev.exclude_hv)
		req.flags |= LLKM_CTR_F_EXCLUDE_HV;
	if (p->pinned)
		req.flags |= LLKM_CTR_F_PINNED;
	if (pe->fixed_cpu >= 0)
		n = 1;
	else if (child > 0)
		n = 1;
	else
		n = p->n_tids ? p->n_tids : p->n_cpus;
	pe->inst = calloc(n, sizeof(*pe->inst));
	if (!pe->inst)
		return -ENOMEM;
	pe->n_inst = n;
	for (i = 0; i < n; i++) {
		if (pe->fixed_cpu >= 0) {
			req.cpu = pe->fixed_cpu;
		} else if (child > 0) {
			req.pid = child;
			req.flags |= LLKM_CTR_F_INHERIT | LLKM_CTR_F_DISABLED |
				     LLKM_CTR_F_ENABLE_ON_EXEC;
		} else if (p->n_tids) {
			req.pid = p->tids[i];
			req.flags |= LLKM_CTR_F_INHERIT;
		} else {
			req.cpu = p->cpus[i];
		}
		pe->inst[i].cpu = req.cpu;
		pe->inst[i].thread = req.pid && child <= 0 ? (int)i : -1;
		ret = llctl_nl_counter_open(&p->nl, &req, &pe->inst[i].id);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Opens every event. An event the user named that fails is fatal
 * (returns 1 after one line); a default one is marked not supported.
 */
static int open_all(struct profile *p, int child)
{
	char hint[512], msg[768];
	const char *ext;
	unsigned int i;
	int ret;

	for (i = 0; i < p->n; i++) {
		if (p->st[i].status == PROF_STAT_NOT_SUPPORTED)
			continue;
		ret = open_event(p, &p->ev[i], child);
		if (!ret)
			continue;
		close_event(p, &p->ev[i]);
		ext = llctl_nl_last_extack();
		prof_perf_err_hint(ret, &p->ev[i].ev, hint, sizeof(hint));
		snprintf(msg, sizeof(msg), "%s%s%s", hint, ext ? " (llkm: " : "",
			 ext ? ext : "");
		if (ext)
			strncat(msg, ")", sizeof(msg) - strlen(msg) - 1);
		if (ret == -EPERM || ret == -EACCES || ret == -ESRCH ||
		    p->ev[i].named) {
			llctl_err("Unable to count '%s': %s", p->ev[i].ev.name,
				  ret == -EPERM ? llctl_nl_strerror(ret) : msg);
			return 1;
		}
		prof_stat_not_supported(&p->st[i], msg);
	}
	return 0;
}

/* One counter: by ioctl when /dev/llkm is open, else over netlink. */
static int read_one(struct profile *p, uint32_t id, struct llkm_counter_value *v)
{
	if (p->dev >= 0)
		return llctl_dev_counter_read(p->dev, &p->nl, id, v, 1);
	return llctl_nl_counter_read(&p->nl, id, v, 1);
}

/* Reads every instance; with @fold, into the events' run totals. */
static int read_all(struct profile *p, bool fold)
{
	struct llkm_counter_value v;
	unsigned int i, k;
	int ret, never = -1;
	bool ran = false;

	for (i = 0; i < p->n; i++) {
		for (k = 0; k < p->ev[i].n_inst; k++) {
			struct inst *in = &p->ev[i].inst[k];

			ret = read_one(p, in->id, &v);
			if (ret != 1) {
				llctl_err("Unable to read counter '%s': %s",
					  p->ev[i].ev.name,
					  llctl_nl_strerror(ret < 0 ? ret : -EPROTO));
				return -1;
			}
			/*
			 * A pinned counter that found no free one goes to
			 * ERROR, and to EXIT when its task exits: either way
			 * never enabled while the others counted.
			 */
			ran |= v.enabled > 0;
			if (p->pinned && !v.enabled && never < 0)
				never = i;
			if (p->pinned && (v.state == LLKM_CTR_STATE_ERROR ||
					  v.running < v.enabled)) {
				llctl_err("Unable to count '%s' without multiplexing: the PMU could not keep it scheduled (%.1f%% of the time); drop --no-multiplex or count fewer events",
					  p->ev[i].ev.name,
					  v.enabled ? 100.0 * v.running / v.enabled : 0);
				return -1;
			}
			/*
			 * A CPU's counter llctl never disabled is off: its CPU
			 * went offline, and perf does not bring it back.
			 */
			if (fold && in->cpu >= 0 &&
			    (v.state == LLKM_CTR_STATE_OFF ||
			     v.state == LLKM_CTR_STATE_ERROR))
				prof_stat_cpu_stopped(&p->st[i], in->cpu);
			if (fold)
				prof_stat_add(&p->st[i].run, v.value, v.enabled,
					      v.running);
			in->raw = v.value;
			in->enabled = v.enabled;
			in->running = v.running;
		}
	}
	if (never >= 0 && ran) {
		llctl_err("Unable to count '%s' without multiplexing: the PMU had no free counter for it (%u events asked for); drop --no-multiplex or count fewer events",
			  p->ev[never].ev.name, p->n);
		return -1;
	}
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The share of @c's enabled time it ran on the PMU (0 when never enabled). */
static double coverage(const struct prof_stat_count *c)
{
	return c->enabled ? (double)c->running / c->enabled : 0;
}

/* "99.5% measured", or why that share is implausible, into @buf. */
static const char *coverage_text(const struct prof_stat_count *c, char *buf,
				 size_t len)
{
	char why[256], pct[16];

	if (llctl_plausible(LLCTL_PLAUS_COVERAGE, coverage(c), 1, why, sizeof(why)))
		snprintf(buf, len, "%6s measured",
			 llctl_text_pct(pct, sizeof(pct), 100 * coverage(c), 1));
	else
		snprintf(buf, len, "coverage %s", why);
	return buf;
}

/* Interval deltas: read, print, remember. */
/*
 * One count of -I or --per-cpu, as perf stat prints them: @lead (the time,
 * or the CPU), the count, its unit (msec for a clock, whose count is ns),
 * the event, and how much of the interval it was measured.
 */
static void count_line(FILE *f, const char *lead, const struct prof_stat_event *e,
		       const struct prof_stat_count *c, char *cov, size_t len)
{
	bool clock = e->role == PROF_STAT_ROLE_TASK_CLOCK ||
		     !strcmp(e->name, "cpu-clock");
	char num[48];

	if (!c->counted)
		fprintf(f, "%s %20s %-4s %s\n", lead, "<not counted>", "", e->name);
	else if (clock)
		fprintf(f, "%s %20s %-4s %-24s (%s)\n", lead,
			llctl_text_count(num, sizeof(num), c->value / 1e6, 2),
			"msec", e->name, coverage_text(c, cov, len));
	else
		fprintf(f, "%s %20s %-4s %-24s (%s)\n", lead,
			llctl_text_count(num, sizeof(num), c->value, 0), "",
			e->name, coverage_text(c, cov, len));
}

/* Each event's counts since the last tick, into @c[]. */
static int interval_read(struct profile *p, struct prof_stat_count *c)
{
	struct llkm_counter_value v;
	unsigned int i, k;
	struct inst before;

	for (i = 0; i < p->n; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		for (k = 0; k < p->ev[i].n_inst; k++) {
			struct inst *in = &p->ev[i].inst[k];

			before = *in;
			if (read_one(p, in->id, &v) != 1)
				return -1;
			in->raw = v.value;
			in->enabled = v.enabled;
			in->running = v.running;
			prof_stat_add(&c[i], in->raw - before.raw,
				      in->enabled - before.enabled,
				      in->running - before.running);
		}
	}
	return 0;
}

/*
 * One -I line per event. The time is taken after the reads, not before
 * as perf stat's: the counts up to a tick then never exceed its time
 * since the start (a thread cannot run longer than that), however late
 * the reads ran on a loaded machine.
 */
static int interval_tick(struct profile *p, double t0, FILE *f,
			 struct json_object *jarr)
{
	struct prof_stat_count c[MAX_EVENTS];
	struct json_object *jt = NULL;
	char cov[320], lead[32];
	unsigned int i;
	double t;

	if (interval_read(p, c))
		return -1;
	t = now_ns() - t0;
	if (jarr) {
		jt = json_object_new_object();
		json_object_object_add(jt, "time_ns", json_object_new_int64(llround(t)));
		json_object_object_add(jt, "events", json_object_new_array());
	} else if (!p->ticked) {
		/* perf stat -I's header, once. */
		fprintf(f, "#%14s %20s %-4s %s\n", "time", "counts", "unit", "events");
	}
	p->ticked = true;
	for (i = 0; i < p->n; i++) {
		if (!p->ev[i].n_inst)
			continue;
		if (jt) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "name",
					       json_object_new_string(p->ev[i].ev.name));
			json_object_object_add(e, "value", c[i].counted ?
					       json_object_new_int64(llround(c[i].value)) : NULL);
			prof_stat_coverage_json(e, coverage(&c[i]));
			json_object_array_add(json_object_object_get(jt, "events"), e);
		} else {
			snprintf(lead, sizeof(lead), "%15.9f", t / 1e9);
			count_line(f, lead, &p->st[i], &c[i], cov, sizeof(cov));
		}
	}
	if (jt)
		json_object_array_add(jarr, jt);
	return 0;
}

/* Waits for @child (or -1: for a signal), ticking every p->interval ms. */
static int wait_run(struct profile *p, pid_t child, double t0, int *status)
{
	int interval = p->interval;
	double next = t0 + interval * 1e6;
	int ret, timeout;
	pid_t w;

	for (;;) {
		if (child > 0) {
			w = waitpid(child, status, interval ? WNOHANG : 0);
			if (w == child)
				return 0;
			if (w < 0 && errno != EINTR)
				return -1;
		}
		if (stop && child <= 0)
			return 0;
		if (!interval) {
			if (child <= 0)
				pause();
			continue;
		}
		timeout = (int)((next - now_ns()) / 1e6);
		if (timeout > 0) {
			/* Short naps: the child's exit is noticed quickly. */
			poll(NULL, 0, timeout < 10 ? timeout : 10);
			continue;
		}
		ret = interval_tick(p, t0, stderr, p->jint);
		if (ret)
			return -1;
		next += interval * 1e6;
	}
}

static void cmd_target(char *buf, size_t len, char **argv)
{
	size_t off = 0;
	int i;

	off += snprintf(buf, len, "'");
	for (i = 0; argv[i] && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				argv[i]);
	if (off < len)
		snprintf(buf + off, len - off, "'");
}

/* "process 12", "processes 12,34", as -p named them. */
static void pids_target(char *buf, size_t len, const struct llctl_pids *pids)
{
	size_t off;
	int i;

	off = snprintf(buf, len, "process%s", pids->n > 1 ? "es" : "");
	for (i = 0; i < pids->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%d", i ? "," : " ",
				(int)pids->pid[i]);
}

/*
 * One run: open, (release CMD | count until CMD or a signal), read, close.
 * Its time into @elapsed, CMD's exit status into p->cmd_status.
 */
static int one_run(struct profile *p, double *elapsed)
{
	char **cmd = p->cmd;
	const char *path = p->path;
	pid_t child = -1, duration = -1;
	int go = -1, status = 0, ret;
	unsigned int i;
	double t0;

	if (cmd && !p->n_cpus && !p->n_tids) {
		child = llctl_spawn_held(cmd, path, &go);
		if (child < 0) {
			llctl_err("Unable to start '%s': %s", cmd[0],
				  strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < p->n; i++)
		prof_stat_run_begin(&p->st[i]);
	ret = open_all(p, child);
	if (ret)
		goto out;
	t0 = now_ns();
	if (child > 0) {
		ret = write(go, "x", 1) != 1;
		close(go);
		go = -1;
	} else if (cmd) {
		/* -p/-a/-C with CMD: CMD only sets how long. */
		duration = llctl_spawn_held(cmd, path, &go);
		if (duration > 0 && write(go, "x", 1) != 1)
			ret = 1;
		close(go);
		go = -1;
		child = duration;
	}
	if (!ret && wait_run(p, child, t0, &status))
		ret = 1;
	*elapsed = now_ns() - t0;
	child = -1;
	if (!ret)
		ret = read_all(p, true) ? 1 : 0;
	if (!ret) {
		for (i = 0; i < p->n; i++)
			prof_stat_run_end(&p->st[i]);
		p->cmd_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				128 + WTERMSIG(status);
		if (p->cmd_status == 127 && cmd)
			llctl_err("Unable to run '%s': it exited 127 (not found or not executable?)",
				  cmd[0]);
	}
out:
	if (go >= 0)
		close(go);	/* the held child exits 127 */
	if (child > 0)
		waitpid(child, NULL, 0);
	close_all(p);
	return ret;
}

/*
 * --per-cpu, --per-thread: each CPU's or thread's count of the last run,
 * scaled on its own; thread lines lead with comm-tid, as perf stat's.
 */
static void per_inst_print(const struct profile *p, FILE *f,
			   struct json_object *arr)
{
	unsigned int i, k;
	char cov[320], lead[40];

	if (f && p->per_thread)
		fprintf(f, " Per thread:\n#%-22s %20s %-4s %s\n", "comm-tid",
			"counts", "unit", "events");
	else if (f)
		fprintf(f, " Per CPU:\n#%-14s %20s %-4s %s\n", "CPU", "counts", "unit",
			"events");
	for (i = 0; i < p->n; i++) {
		for (k = 0; k < p->pc[i].n; k++) {
			const struct inst *in = &p->pc[i].inst[k];
			struct prof_stat_count c = { 0 };
			struct json_object *o;

			prof_stat_add(&c, in->raw, in->enabled, in->running);
			if (f && in->thread >= 0)
				snprintf(lead, sizeof(lead), " %16s-%-6d",
					 p->comms[in->thread], p->tids[in->thread]);
			else if (f)
				snprintf(lead, sizeof(lead), " CPU%-11d", in->cpu);
			if (f)
				count_line(f, lead, &p->st[i], &c, cov, sizeof(cov));
			if (!arr)
				continue;
			o = json_object_new_object();
			if (in->thread >= 0) {
				json_object_object_add(o, "tid",
						       json_object_new_int(p->tids[in->thread]));
				json_object_object_add(o, "comm",
						       json_object_new_string(p->comms[in->thread]));
			} else {
				json_object_object_add(o, "cpu", json_object_new_int(in->cpu));
			}
			json_object_object_add(o, "name",
					       json_object_new_string(p->st[i].name));
			json_object_object_add(o, "value", c.counted ?
					       json_object_new_int64(llround(c.value)) : NULL);
			prof_stat_coverage_json(o, coverage(&c));
			json_object_array_add(arr, o);
		}
	}
	if (f)
		fprintf(f, "\n");
}

static int report(struct profile *p, const char *target, double elapsed,
		  unsigned int repeats, struct json_object *jint)
{
	struct prof_stat_report r = {
		.target = target, .ev = p->st, .n = p->n,
		.elapsed_ns = elapsed, .repeats = repeats,
		.mem_reason = p->mem_reason,
	};
	struct llctl_env env = { 0 };
	struct json_object *o;

	if (p->csv_sep) {
		prof_stat_csv(p->out ? p->out : stderr, &r, p->csv_sep);
		return 0;
	}
	if (!p->json) {
		prof_stat_print(p->out ? p->out : stderr, &r);
		if (p->per_cpu || p->per_thread)
			per_inst_print(p, p->out ? p->out : stderr, NULL);
		return 0;
	}
	o = prof_stat_json(&r);
	if (p->per_cpu || p->per_thread) {
		struct json_object *pc = json_object_new_array();

		per_inst_print(p, NULL, pc);
		json_object_object_add(o, p->per_cpu ? "per_cpu" : "per_thread", pc);
	}
	if (jint)
		json_object_object_add(o, "intervals", json_object_get(jint));
	if (llctl_env_collect(&env, NULL) == 0)
		json_object_object_add(o, "env", llctl_env_json(&env));
	llctl_env_free(&env);
	return p->out ? llctl_json_fprint(p->out, o) : llctl_json_print(o);
}

/* What the command line asks for: profile_parse() fills it. */
struct profile_args {
	struct profile *p;	/* the events, --per-cpu, --no-multiplex, --json */
	char **cmd;		/* -- CMD, or NULL */
	const char *cpus;	/* -C */
	const char *cgroup;	/* -G */
	const char *output;	/* -o */
	long repeats, interval;
	int pids;		/* how many -p gives */
	bool all;		/* -a */
	struct llctl_list events;	/* -e */
	struct llctl_cpus cpu_opt;	/* -C */
	struct llctl_pids pid_opt;	/* -p */
	bool per_cpu, per_thread, pinned, json, no_big_num;
	const char *sep;	/* -x */
};

static const struct llctl_opt profile_opt[] = {
	{ "event", 'e', "EV,...", "Count these events (repeatable; 'llctl events' lists them)",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct profile_args, events) },
	{ "all-cpus", 'a', NULL, "Count everything on every online CPU",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct profile_args, all) },
	{ "cpu", 'C', "CPUS", "Count everything on these CPUs (0-3,8)",
	  .type = LLCTL_OPT_CPUS, LLCTL_FIELD(struct profile_args, cpu_opt) },
	{ "pid", 'p', "PID,...", "Count these running processes, their threads and children (repeatable)",
	  .type = LLCTL_OPT_PIDS, LLCTL_FIELD(struct profile_args, pid_opt), .max = LLCTL_PIDS_MAX,
	  .flags = LLCTL_OPT_REPEAT },
	{ "cgroup", 'G', "CGROUP", "Count the threads of this cgroup v2 (its path, as in /proc/PID/cgroup) and what they fork",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct profile_args, cgroup) },
	{ "interval", 'I', "MS", "Also print the counts every MS milliseconds",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct profile_args, interval), .min = 1, .max = 3600000, .unit = "ms" },
	{ "repeat", 'r', "N", "Run CMD N times: mean and standard deviation",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct profile_args, repeats), .min = 1, .max = 10000 },
	{ "per-cpu", OPT_PER_CPU, NULL, "With -a or -C: one line per CPU",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct profile_args, per_cpu) },
	{ "per-thread", OPT_PER_THREAD, NULL, "With -p or -G: one line per thread",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct profile_args, per_thread) },
	{ "no-big-num", OPT_NO_BIG_NUM, NULL,
	  "Print counts without the locale's thousands separators",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct profile_args, no_big_num) },
	{ "no-multiplex", OPT_NO_MULTIPLEX, NULL,
	  "Pin every event: fail rather than extrapolate from a share of the time",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct profile_args, pinned) },
	{ "output", 'o', "FILE", "Write the report to FILE (default: stderr, JSON to stdout)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct profile_args, output) },
	{ "json", LLCTL_OPT_JSON, NULL, "Print the report as JSON (keys in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct profile_args, json) },
	{ "field-separator", 'x', "SEP", "Print perf stat -x SEP's CSV: value, unit, event, ns running, % running, metric, its unit",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct profile_args, sep) },
	{ 0 }
};

static const struct llctl_opts profile_opts = {
	.cmd = "profile",
	.synopsis = "[-e EV,...] [-a | -C CPUS | -p PID,... | -G CGROUP] [-I MS] [-r N] "
		    "[--per-cpu | --per-thread] [--no-multiplex] [--no-big-num] [-o FILE] "
		    "[--json | -x SEP] [-- CMD [ARGS...]]",
	.summary = "Count hardware and software events of a command, a process or CPUs.",
	.opt = profile_opt,
	.operands = true,
};

/* The options, into @a and a->p: 0, or llctl_parse()'s result below 0. */
static int profile_parse(int argc, char **argv, struct profile_args *a)
{
	struct profile *p = a->p;
	int i, n;

	n = llctl_parse(argc, argv, &profile_opts, a);
	if (n < 0)
		return n;
	for (i = 0; i < a->events.n; i++)
		if (add_event_list(p, (char *)a->events.v[i]))
			return LLCTL_PARSE_ERROR;
	a->cpus = a->cpu_opt.n ? a->cpu_opt.text : NULL;
	a->pids = a->pid_opt.n;
	p->per_cpu = a->per_cpu;
	p->per_thread = a->per_thread;
	p->pinned = a->pinned;
	llctl_text_set_big_num(!a->no_big_num);
	p->json = a->json;
	p->csv_sep = a->sep;
	if (n < argc)
		a->cmd = argv + n;
	return 0;
}

/* Whether CMD is what is counted (not -a, -C or -p, for which it is a timer). */
static bool counts_cmd(const struct profile_args *a)
{
	return a->cmd && !a->all && !a->cpus && !a->pids && !a->cgroup;
}

/* The options' conflicts: 0, or 1 after saying which. */
static int profile_check(const struct profile_args *a)
{
	if (!!a->all + !!a->cpus + !!a->pids + !!a->cgroup > 1) {
		llctl_opt_bad(&profile_opts, a->cgroup ? 'G' : a->pids ? 'p' : 'C',
			      NULL, "-a, -C, -p and -G exclude each other");
		return 1;
	}
	if (!a->cmd && !a->all && !a->cpus && !a->pids && !a->cgroup) {
		llctl_err("Unable to profile: nothing to count: give '-- CMD', -p PID, -G CGROUP, -a or -C CPUS");
		llctl_usage(stderr, &profile_opts);
		return 1;
	}
	if (a->sep && (!*a->sep || a->json || a->interval || a->p->per_cpu ||
		       a->p->per_thread || a->repeats > 1)) {
		llctl_opt_bad(&profile_opts, 'x', a->sep,
			      !*a->sep ? "the separator is empty" :
			      "it prints the final counts once: not with --json, -I, --per-cpu, --per-thread or -r");
		return 1;
	}
	if (a->p->per_cpu && !a->all && !a->cpus) {
		llctl_opt_bad(&profile_opts, OPT_PER_CPU, NULL, "it needs -a or -C");
		return 1;
	}
	if (a->p->per_thread && !a->pids && !a->cgroup) {
		llctl_opt_bad(&profile_opts, OPT_PER_THREAD, NULL, "it needs -p or -G");
		return 1;
	}
	if (a->repeats > 1 && !counts_cmd(a)) {
		llctl_err("Unable to repeat: -r runs '-- CMD' on its own, without -a, -C or -p");
		return 1;
	}
	return 0;
}

/* What to count, and on what: CMD's path, the CPUs or threads, the events. */
static int profile_targets(struct profile *p, const struct profile_args *a)
{
	const char *cpus = a->cpus;
	int i;

	if (a->cmd) {
		p->path = llctl_resolve_cmd(a->cmd[0]);
		if (!p->path) {
			llctl_err("Unable to run '%s': not found or not executable",
				  a->cmd[0]);
			return 1;
		}
	}
	if (a->all) {
		p->online = llctl_root_read(NULL, "sys/devices/system/cpu/online");
		if (p->online)
			llctl_rstrip(p->online);
		cpus = p->online ? p->online : "";
	}
	if (cpus && (llctl_cpulist_count(cpus) <= 0 ||
		     llctl_cpulist_for_each(cpus, add_cpu, p))) {
		llctl_err("Unable to use CPU list '%s': write it as 0-3,8", cpus);
		return 1;
	}
	for (i = 0; i < a->pids; i++)
		if (list_threads(p, a->pid_opt.pid[i]))
			return 1;
	if (a->cgroup && list_cgroup(p, a->cgroup))
		return 1;
	if (!p->n && add_profile_defaults(p))
		return 1;
	if (!p->n && add_defaults(p, a->all || cpus))
		return 1;
	return 0;
}

/* The output file, the signals, llkm; then what the report names. */
static int profile_setup(struct profile *p, const struct profile_args *a)
{
	int ret;

	if (profile_targets(p, a))
		return 1;
	/* Opened before CMD starts, close-on-exec: CMD keeps our stdout. */
	if (a->output) {
		p->out = fopen(a->output, "we");
		if (!p->out) {
			llctl_err("Unable to write '%s': %s", a->output, strerror(errno));
			return 1;
		}
	}
	/* Before the setup, so a Ctrl-C during it is not lost (see trace). */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = llctl_nl_open(&p->nl);
	if (ret) {
		llctl_err("Unable to profile: %s", llctl_nl_strerror(ret));
		return 1;
	}
	/* Reads by ioctl are cheaper; netlink does when the device is not here. */
	p->dev = open("/dev/" LLKM_DEVICE_NAME, O_RDONLY | O_CLOEXEC);
	if (counts_cmd(a))
		cmd_target(p->target, sizeof(p->target), a->cmd);
	else if (a->pids)
		pids_target(p->target, sizeof(p->target), &a->pid_opt);
	else if (a->cgroup)
		snprintf(p->target, sizeof(p->target),
			 "cgroup %s (its %u threads at the start, and what they fork)",
			 a->cgroup, p->n_tids);
	else
		snprintf(p->target, sizeof(p->target), "CPUs %s",
			 a->all ? "(all)" : a->cpus);
	p->cmd = a->cmd;
	p->interval = a->interval;
	if (p->interval)
		p->jint = p->json ? json_object_new_array() : NULL;
	return 0;
}

/* -r runs, or fewer when stopped: 0, or 1 when one failed. */
static int profile_run(struct profile *p, long repeats)
{
	double elapsed = 0;
	int ret = 0;

	for (p->runs = 0; p->runs < repeats; p->runs++) {
		if (repeats > 1 && isatty(STDERR_FILENO))
			fprintf(stderr, "\rllctl profile: run %ld/%ld", p->runs + 1,
				repeats);
		ret = one_run(p, &elapsed);
		if (ret)
			break;
		p->total_ns += elapsed;
		if (stop && p->runs + 1 < repeats)
			break;
	}
	if (repeats > 1 && isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	return ret;
}

/*
 * The report of what the runs counted (after @ret, theirs, is 0); then
 * -o closed. The exit status: 1 on a failure, else CMD's when it is what
 * is counted.
 */
static int profile_report(struct profile *p, const struct profile_args *a,
			  int ret)
{
	unsigned int i;

	for (i = 0; (a->pids || a->cgroup) && i < p->n; i++)
		prof_stat_task_asleep(&p->st[i], p->target);
	if (!ret && p->runs)
		ret = report(p, p->target, p->total_ns / p->runs, p->runs, p->jint);
	if (p->out && fclose(p->out) && !ret) {
		llctl_err("Unable to write '%s': %s", a->output, strerror(errno));
		ret = 1;
	}
	p->out = NULL;
	if (!ret && p->cmd_status && counts_cmd(a))
		ret = p->cmd_status;
	return ret;
}

int cmd_profile(int argc, char **argv)
{
	struct profile *p = calloc(1, sizeof(*p));
	struct profile_args a = { .p = p, .repeats = 1 };
	int ret = 1, c;

	if (!p)
		return 1;
	p->dev = -1;
	ret = profile_parse(argc, argv, &a);
	if (ret) {
		ret = llctl_parse_status(ret);
		goto cleanup;
	}
	ret = 1;
	if (profile_check(&a) || profile_setup(p, &a))
		goto cleanup;
	ret = profile_run(p, a.repeats);
	ret = profile_report(p, &a, ret);
cleanup:
	json_object_put(p->jint);
	if (p->out)
		fclose(p->out);
	if (p->dev >= 0)
		close(p->dev);
	if (p->nl.sk)
		llctl_nl_close(&p->nl);
	for (c = 0; c < MAX_EVENTS; c++)
		free(p->pc[c].inst);
	free(p->online);
	free(p->path);
	free(p);
	llctl_opts_free(&profile_opts, &a);
	return ret;
}
