// SPDX-License-Identifier: GPL-2.0
/*
 * llctl metrics' collector: opens llctl profile's default events as
 * system-wide counters through llkm (one per online CPU; the uncore
 * memory controllers on their cpumask CPU), reads them through
 * LLKM_IOC_COUNTER_READ, and asks the module for its open counters and
 * its rings' counts.
 *
 * An event that opens on no CPU is kept as not supported, with perf's
 * errno triage as the reason: its families are absent. An event that
 * opens on some CPUs only (a hybrid CPU's cpu_core/ events on its atom
 * cores) counts where it opened.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "lib/rootfs.h"
#include "lib/util.h"
#include "metrics/metrics.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int add_cpu(int cpu, void *arg)
{
	struct met_state *s = arg;

	s->cpus[s->n_cpus++] = cpu;
	return 0;
}

static int read_cpus(struct met_state *s)
{
	char *online = llctl_root_read(NULL, "sys/devices/system/cpu/online");
	int n = online ? llctl_cpulist_count(online) : -1;

	if (n > 0)
		s->cpus = calloc(n, sizeof(*s->cpus));
	if (n <= 0 || !s->cpus ||
	    llctl_cpulist_for_each(online, add_cpu, s)) {
		llctl_err("Unable to read the online CPUs: %s",
			  online ? "malformed /sys/devices/system/cpu/online" :
			  strerror(errno));
		free(online);
		return -1;
	}
	free(online);
	return 0;
}

/* A new event from @spec; a spec llctl cannot resolve is not supported. */
static struct met_event *add_event(struct met_state *s,
				   const struct met_def *def, const char *spec)
{
	struct met_event *e;
	char err[384];

	if (s->n_ev == MET_EVENTS_MAX)
		return NULL;
	e = &s->ev[s->n_ev++];
	memset(e, 0, sizeof(*e));
	e->def = def;
	e->role = def ? def->role : PROF_STAT_ROLE_MEM_BYTES;
	snprintf(e->name, sizeof(e->name), "%s", spec);
	if (prof_event_parse(spec, &e->ev, err, sizeof(err))) {
		e->status = PROF_STAT_NOT_SUPPORTED;
		snprintf(e->reason, sizeof(e->reason), "%s", err);
	}
	return e;
}

static bool pmu_present(const char *pmu)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s", pmu);
	return access(path, F_OK) == 0;
}

/* llctl profile's default set: hardware events once per core type. */
static void add_defaults(struct met_state *s)
{
	static const char *const hybrid[] = { "cpu_core", "cpu_atom" };
	bool hw = prof_have_hw_pmu();
	struct met_event *e;
	unsigned int d, k, n;
	char spec[160];

	for (d = 0; d < met_n_defs; d++) {
		const struct met_def *def = &met_defs[d];

		for (n = k = 0; def->hw && k < ARRAY_SIZE(hybrid); k++) {
			if (!pmu_present(hybrid[k]))
				continue;
			snprintf(spec, sizeof(spec), "%s/%s/", hybrid[k],
				 def->event);
			add_event(s, def, spec);
			n++;
		}
		if (n)
			continue;
		e = add_event(s, def, def->event);
		if (e && def->hw && !hw) {
			e->status = PROF_STAT_NOT_SUPPORTED;
			snprintf(e->reason, sizeof(e->reason),
				 "this machine has no hardware PMU (a VM without a virtual PMU?)");
		}
	}
}

static int pmu_first_cpu(const char *pmu)
{
	char path[320], *mask;
	int cpu = -1;

	snprintf(path, sizeof(path), "sys/bus/event_source/devices/%s/cpumask",
		 pmu);
	mask = llctl_root_read(NULL, path);
	if (mask)
		cpu = atoi(mask);
	free(mask);
	return cpu;
}

/* The uncore memory controllers' CAS counts, a read and a write per PMU. */
static void add_memory(struct met_state *s)
{
	const char *dir = "/sys/bus/event_source/devices";
	char spec[320], path[512];
	struct met_event *e;
	struct dirent *de;
	unsigned int w;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "uncore_imc", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s/events/cas_count_read", dir,
			 de->d_name);
		if (access(path, R_OK) || s->n_ev + 2 > MET_EVENTS_MAX)
			continue;
		for (w = 0; w < 2; w++) {
			snprintf(spec, sizeof(spec), "%s/cas_count_%s/",
				 de->d_name, w ? "write" : "read");
			e = add_event(s, NULL, spec);
			snprintf(e->pmu, sizeof(e->pmu), "%.63s", de->d_name);
			e->mem_write = w;
			e->n_inst = 1;	/* on the PMU's cpumask CPU */
		}
	}
	if (d)
		closedir(d);
	s->mem_reason = "no uncore memory controller PMU (uncore_imc) on this machine";
	for (w = 0; w < s->n_ev; w++)
		if (!s->ev[w].def)
			s->mem_reason = NULL;
}

static bool fatal_errno(int err)
{
	return err == -EPERM || err == -EACCES || err == -ENOMEM ||
	       err == -ENOSPC;
}

/*
 * Opens @e on each of its CPUs. 0 when it opened somewhere or is not
 * supported (reason set); -1 after saying why for an error that no other
 * event would escape (permission, memory).
 */
static int open_event(struct met_state *s, struct met_event *e)
{
	struct llctl_counter_req req = {
		.type = e->ev.type, .config = e->ev.config,
		.config1 = e->ev.config1, .config2 = e->ev.config2,
	};
	unsigned int k, opened = 0;
	char hint[320];
	int ret, first = 0;

	if (e->status == PROF_STAT_NOT_SUPPORTED)
		return 0;
	if (!e->n_inst)
		e->n_inst = s->n_cpus;
	e->inst = calloc(e->n_inst, sizeof(*e->inst));
	if (!e->inst) {
		llctl_err("Unable to count '%s': out of memory", e->name);
		return -1;
	}
	for (k = 0; k < e->n_inst; k++) {
		req.cpu = e->def ? s->cpus[k] : pmu_first_cpu(e->pmu);
		e->inst[k].cpu = req.cpu;
		ret = req.cpu < 0 ? -ENODEV :
		      llctl_nl_counter_open(&s->nl, &req, &e->inst[k].id);
		if (!ret) {
			opened++;
			continue;
		}
		if (fatal_errno(ret)) {
			llctl_err("Unable to count '%s' on CPU %d: %s", e->name,
				  req.cpu, llctl_nl_strerror(ret));
			return -1;
		}
		if (!first)
			first = ret;
	}
	if (opened)
		return 0;
	e->status = PROF_STAT_NOT_SUPPORTED;
	snprintf(e->reason, sizeof(e->reason), "%s",
		 prof_perf_err_hint(first, &e->ev, hint, sizeof(hint)));
	return 0;
}

/* The module's version and counts. */
static int read_info(struct met_state *s, bool first)
{
	struct llctl_info info;
	int ret = llctl_nl_get_info(&s->nl, &info);

	if (ret) {
		if (first)
			llctl_err("Unable to read llkm's info: %s",
				  llctl_nl_strerror(ret));
		s->counters_open = -1;
		return ret;
	}
	snprintf(s->module_version, sizeof(s->module_version), "%s",
		 info.version);
	s->abi = info.abi;
	s->counters_open = info.counters_open;
	llctl_info_free(&info);
	return 0;
}

int met_open(struct met_state *s)
{
	struct utsname u;
	unsigned int i;
	char *possible;
	int ret, n;

	s->dev = -1;
	s->n_ring = -1;
	s->counters_open = -1;
	s->ring_mode = UINT32_MAX;
	if (read_cpus(s))
		return 1;
	possible = llctl_root_read(NULL, "sys/devices/system/cpu/possible");
	n = possible ? llctl_cpulist_count(possible) : -1;
	free(possible);
	s->ring = n > 0 ? calloc(n, sizeof(*s->ring)) : NULL;
	s->ring_cap = s->ring ? n : 0;
	ret = llctl_nl_open(&s->nl);
	if (ret) {
		llctl_err("Unable to serve metrics: %s", llctl_nl_strerror(ret));
		return 1;
	}
	if (read_info(s, true))
		return 1;
	snprintf(s->kernel, sizeof(s->kernel), "%s",
		 uname(&u) ? "unknown" : u.release);
	/* Reads by ioctl are cheaper; netlink does without the device. */
	s->dev = open("/dev/" LLKM_DEVICE_NAME, O_RDONLY | O_CLOEXEC);
	add_defaults(s);
	add_memory(s);
	for (i = 0; i < s->n_ev; i++)
		if (open_event(s, &s->ev[i]))
			return 1;
	return met_read(s) ? 1 : 0;
}

static int read_one(struct met_state *s, uint32_t id,
		    struct llkm_counter_value *v)
{
	if (s->dev >= 0)
		return llctl_dev_counter_read(s->dev, &s->nl, id, v, 1);
	return llctl_nl_counter_read(&s->nl, id, v, 1);
}

/* The delta since the last reading, scaled on its own, into @in. */
static void take(struct met_inst *in, const struct llkm_counter_value *v,
		 bool fresh)
{
	memset(&in->delta, 0, sizeof(in->delta));
	prof_stat_add(&in->delta, v->value - in->raw, v->enabled - in->enabled,
		      v->running - in->running);
	in->total += in->delta.value;
	in->raw = v->value;
	in->enabled = v->enabled;
	in->running = v->running;
	in->ever |= v->running > 0;
	in->fresh = fresh;
}

/* -ENOENT (the module never had a session) leaves them absent. */
static void read_rings(struct met_state *s)
{
	int n = s->ring_cap ? llctl_nl_trace_stats(&s->nl, s->ring, s->ring_cap, NULL) : -1;

	s->n_ring = n < 0 ? -1 : n;
}

int met_read(struct met_state *s)
{
	uint64_t t0 = now_ns();
	bool fresh = s->last_ns != 0;
	struct llkm_counter_value v;
	unsigned int i, k;

	for (i = 0; i < s->n_ev; i++) {
		struct met_event *e = &s->ev[i];

		if (e->status != PROF_STAT_COUNTED)
			continue;
		for (k = 0; k < e->n_inst; k++) {
			if (!e->inst[k].id)
				continue;
			if (read_one(s, e->inst[k].id, &v) != 1) {
				s->read_errors++;
				e->inst[k].fresh = false;
				continue;
			}
			take(&e->inst[k], &v, fresh);
		}
	}
	s->interval_s = fresh ? (t0 - s->last_ns) / 1e9 : 0;
	s->last_ns = t0;
	read_info(s, false);
	read_rings(s);
	s->collections++;
	s->collect_s = (now_ns() - t0) / 1e9;
	return 0;
}

void met_close(struct met_state *s)
{
	unsigned int i;

	if (s->nl.sk) {
		llctl_nl_counter_close(&s->nl, 0);
		llctl_nl_close(&s->nl);
	}
	if (s->dev >= 0)
		close(s->dev);
	s->dev = -1;
	for (i = 0; i < s->n_ev; i++) {
		free(s->ev[i].inst);
		s->ev[i].inst = NULL;
	}
	free(s->cpus);
	s->cpus = NULL;
	free(s->ring);
	s->ring = NULL;
}
