// SPDX-License-Identifier: GPL-2.0
/*
 * llctl metrics' families, from the collector's state: no I/O but the
 * output stream, so the unit tests drive it with numbers.
 *
 * A value this machine cannot measure (an event that did not open, a
 * counter that never ran on the PMU, a ratio whose events were not
 * counted in the last interval or whose denominator is zero) has no
 * sample, nor has a value outside its plausibility bound (lib/plausible.h:
 * the ratios and the memory bandwidth through prof_stat_metrics(), the
 * coverage here); a family without samples has no lines at all.
 */
#include <stdio.h>
#include <string.h>

#include "lib/plausible.h"
#include "metrics/expo.h"
#include "metrics/metrics.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const struct met_def met_defs[] = {
	{ "cycles", "llkm_cpu_cycles_total",
	  "CPU cycles (perf's cycles), per CPU, system-wide", true,
	  PROF_STAT_ROLE_CYCLES },
	{ "instructions", "llkm_instructions_total",
	  "Instructions retired (perf's instructions), per CPU", true,
	  PROF_STAT_ROLE_INSTRUCTIONS },
	{ "cache-references", "llkm_cache_references_total",
	  "Last-level cache references (perf's cache-references), per CPU", true,
	  PROF_STAT_ROLE_CACHE_REFS },
	{ "cache-misses", "llkm_cache_misses_total",
	  "Last-level cache misses (perf's cache-misses), per CPU", true,
	  PROF_STAT_ROLE_CACHE_MISSES },
	{ "branches", "llkm_branches_total",
	  "Branch instructions retired (perf's branches), per CPU", true,
	  PROF_STAT_ROLE_BRANCHES },
	{ "branch-misses", "llkm_branch_misses_total",
	  "Mispredicted branches (perf's branch-misses), per CPU", true,
	  PROF_STAT_ROLE_BRANCH_MISSES },
	{ "context-switches", "llkm_context_switches_total",
	  "Context switches (software event), per CPU", false,
	  PROF_STAT_ROLE_CONTEXT_SWITCHES },
	{ "cpu-migrations", "llkm_cpu_migrations_total",
	  "Task migrations to this CPU (software event), per CPU", false,
	  PROF_STAT_ROLE_NONE },
	{ "page-faults", "llkm_page_faults_total",
	  "Page faults (software event), per CPU", false,
	  PROF_STAT_ROLE_PAGE_FAULTS },
};

const unsigned int met_n_defs = ARRAY_SIZE(met_defs);

static void build_info(const struct met_state *s, struct met_expo *m)
{
	char abi[16];

	snprintf(abi, sizeof(abi), "%u", s->abi);
	met_expo_family(m, "llkm_build_info",  "gauge",
			"Always 1: llctl's and the loaded llkm module's versions, its ABI and the kernel");
	met_expo_sample(m, 1, "llctl_version", LLCTL_VERSION,
			"module_version", s->module_version, "abi", abi,
			"kernel", s->kernel, (char *)NULL);
}

/* Per CPU: the scaled total of every event of @def that ever counted there. */
static void totals(const struct met_state *s, const struct met_def *def,
		   struct met_expo *m)
{
	unsigned int k, i;

	met_expo_family(m, def->metric, "counter", def->help);
	for (k = 0; k < s->n_cpus; k++) {
		double sum = 0;
		bool any = false;

		for (i = 0; i < s->n_ev; i++) {
			const struct met_event *e = &s->ev[i];

			if (e->def != def || e->status != PROF_STAT_COUNTED ||
			    k >= e->n_inst || !e->inst[k].ever)
				continue;
			sum += e->inst[k].total;
			any = true;
		}
		if (any)
			met_expo_sample_cpu(m, s->cpus[k], sum);
	}
}

/*
 * The CPU events' deltas on CPU index @k as profile/stat.c events: one
 * run each, so prof_stat_metrics() computes what llctl profile would for
 * that interval. Returns how many.
 */
static unsigned int cpu_run(const struct met_state *s, unsigned int k,
			    struct prof_stat_event *pe)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->n_ev; i++) {
		const struct met_event *e = &s->ev[i];
		struct prof_stat_event *p = &pe[n];

		if (!e->def)
			continue;	/* uncore: not a CPU's */
		n++;
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", e->name);
		p->role = e->role;
		p->status = e->status;
		prof_stat_run_begin(p);
		if (e->status == PROF_STAT_COUNTED && k < e->n_inst &&
		    e->inst[k].fresh)
			p->run = e->inst[k].delta;
		prof_stat_run_end(p);
	}
	return n;
}

static const struct prof_stat_metric *metric(const struct prof_stat_metric *m,
					     unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return m[i].valid ? &m[i] : NULL;
	return NULL;
}

static void ratios(const struct met_state *s, struct met_expo *m)
{
	static const struct {
		const char *pstat, *metric, *help;
		double scale;	/* pstat's unit to the metric's */
	} r[] = {
		{ "ipc", "llkm_instructions_per_cycle",
		  "Instructions per cycle over the last collection interval, per CPU", 1 },
		{ "cache_miss_rate", "llkm_cache_miss_ratio",
		  "Cache misses / cache references over the last collection interval, per CPU", 0.01 },
		{ "branch_miss_rate", "llkm_branch_miss_ratio",
		  "Branch misses / branches over the last collection interval, per CPU", 0.01 },
	};
	struct prof_stat_metric pm[PROF_STAT_METRICS_MAX];
	struct prof_stat_event pe[MET_EVENTS_MAX];
	unsigned int j, k, n, nm;

	if (s->interval_s <= 0)
		return;
	for (j = 0; j < ARRAY_SIZE(r); j++) {
		met_expo_family(m, r[j].metric, "gauge", r[j].help);
		for (k = 0; k < s->n_cpus; k++) {
			const struct prof_stat_metric *v;

			n = cpu_run(s, k, pe);
			nm = prof_stat_metrics(pe, n, s->interval_s * 1e9, "",
					       pm);
			v = metric(pm, nm, r[j].pstat);
			if (v)
				met_expo_sample_cpu(m, s->cpus[k], v->value * r[j].scale);
		}
	}
}

static void mem_sample(struct met_expo *m, const char *pmu, double v)
{
	met_expo_sample(m, v, "pmu", pmu, (char *)NULL);
}

/* The uncore memory controllers: bytes (64 a CAS) and bandwidth, per PMU. */
static void memory(const struct met_state *s, struct met_expo *m)
{
	struct prof_stat_event pe[2];
	struct prof_stat_metric pm[PROF_STAT_METRICS_MAX];
	const struct prof_stat_metric *v;
	unsigned int i, w, nm;

	for (w = 0; w < 2; w++) {
		met_expo_family(m, w ? "llkm_memory_write_bytes_total" :
				 "llkm_memory_read_bytes_total", "counter",
			  w ? "Bytes written to memory (uncore IMC CAS writes x 64), per memory controller PMU" :
			      "Bytes read from memory (uncore IMC CAS reads x 64), per memory controller PMU");
		for (i = 0; i < s->n_ev; i++) {
			const struct met_event *e = &s->ev[i];

			if (!e->def && e->mem_write == w &&
			    e->status == PROF_STAT_COUNTED && e->inst[0].ever)
				mem_sample(m, e->pmu, e->inst[0].total * 64);
		}
	}
	if (s->interval_s <= 0)
		return;
	met_expo_family(m, "llkm_memory_bandwidth_bytes_per_second", "gauge",
			"Memory bandwidth, reads and writes, over the last collection interval, per memory controller PMU");
	for (i = 0; i + 1 < s->n_ev; i++) {
		const struct met_event *a = &s->ev[i], *b = &s->ev[i + 1];
		unsigned int j;

		/* collect.c adds each PMU's read then write event. */
		if (a->def || b->def || a->mem_write || !b->mem_write ||
		    strcmp(a->pmu, b->pmu))
			continue;
		for (j = 0; j < 2; j++) {
			const struct met_event *e = j ? b : a;

			memset(&pe[j], 0, sizeof(pe[j]));
			pe[j].role = PROF_STAT_ROLE_MEM_BYTES;
			pe[j].status = e->status;
			snprintf(pe[j].name, sizeof(pe[j].name), "%s", e->name);
			prof_stat_run_begin(&pe[j]);
			if (e->status == PROF_STAT_COUNTED && e->inst[0].fresh)
				pe[j].run = e->inst[0].delta;
			prof_stat_run_end(&pe[j]);
		}
		nm = prof_stat_metrics(pe, 2, s->interval_s * 1e9, NULL, pm);
		v = metric(pm, nm, "memory_bandwidth");
		if (v)
			mem_sample(m, a->pmu, v->value * 1e6);	/* MB/s */
	}
}

/* Exporter health: what opened, how much of the time it was measured. */
static void counters_health(const struct met_state *s, struct met_expo *m)
{
	unsigned int i, k;
	char cpu[16], why[320];

	met_expo_family(m, "llkm_event_supported", "gauge",
			"1 when the event opened on this machine, 0 when it did not (its metrics are then absent)");
	for (i = 0; i < s->n_ev; i++)
		met_expo_sample(m, s->ev[i].status == PROF_STAT_COUNTED, "event",
				s->ev[i].name, (char *)NULL);
	met_expo_family(m, "llkm_event_coverage_ratio", "gauge",
			"Time on the PMU / time enabled over the last interval (below 1: multiplexed, values scaled up)");
	for (i = 0; i < s->n_ev; i++) {
		const struct met_event *e = &s->ev[i];

		if (e->status != PROF_STAT_COUNTED)
			continue;
		for (k = 0; k < e->n_inst; k++) {
			const struct prof_stat_count *d = &e->inst[k].delta;

			if (!e->inst[k].fresh || !d->enabled)
				continue;
			/* Running longer than enabled is no coverage: absent. */
			if (!llctl_plausible(LLCTL_PLAUS_COVERAGE,
					     (double)d->running / d->enabled, 1,
					     why, sizeof(why)))
				continue;
			snprintf(cpu, sizeof(cpu), "%d", e->inst[k].cpu);
			met_expo_sample(m, (double)d->running / d->enabled, "event",
					e->name, "cpu", cpu, (char *)NULL);
		}
	}
	met_expo_family(m, "llkm_counters_open", "gauge",
			"Counters open in the llkm module, every user together");
	if (s->counters_open >= 0)
		met_expo_sample(m, s->counters_open, (char *)NULL);
}

static void ring_stats(const struct met_state *s, struct met_expo *m)
{
	int i;

	met_expo_family(m, "llkm_ring_produced_records_total", "counter",
			"Records producers asked for in the trace session's ring of this CPU (the running or last session)");
	for (i = 0; i < s->n_ring; i++)
		met_expo_sample_cpu(m, s->ring[i].cpu, s->ring[i].produced);
	met_expo_family(m, "llkm_ring_lost_records_total", "counter",
			"Records never delivered: the ring was full (discard mode) or they were overwritten (overwrite mode)");
	for (i = 0; i < s->n_ring; i++)
		met_expo_sample_cpu(m, s->ring[i].cpu, s->ring[i].lost);
}

static void self_health(const struct met_state *s, struct met_expo *m)
{
	met_expo_family(m, "llkm_scrape_duration_seconds", "gauge",
			"Seconds the last collection took to read every counter, the module's counts and the rings' stats");
	if (s->collections)
		met_expo_sample(m, s->collect_s, (char *)NULL);
	met_expo_family(m, "llkm_collect_interval_seconds", "gauge",
			"Seconds between the last two readings: what the ratios and rates cover");
	if (s->interval_s > 0)
		met_expo_sample(m, s->interval_s, (char *)NULL);
	met_expo_family(m, "llkm_collections_total", "counter",
			"Readings of the counters since the exporter started");
	met_expo_sample(m, s->collections, (char *)NULL);
	met_expo_family(m, "llkm_read_errors_total", "counter",
			"Counter reads that failed (that interval's values are absent)");
	met_expo_sample(m, s->read_errors, (char *)NULL);
}

void met_render(const struct met_state *s, struct met_expo *m)
{
	unsigned int d;

	build_info(s, m);
	for (d = 0; d < met_n_defs; d++)
		totals(s, &met_defs[d], m);
	ratios(s, m);
	memory(s, m);
	counters_health(s, m);
	ring_stats(s, m);
	self_health(s, m);
}
