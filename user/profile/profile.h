/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/profile/: counting and sampling with the PMU. Event names and what
 * perf_event_open's errors mean (pmu-events.c, libpfm4), a profile's
 * numbers (stat.c, declared here), perf.data written and read
 * (perfdata.c), the side-band of a sampled command (sideband.c),
 * symbolization (symbols.c, libdw) and the report of a perf.data file
 * (report.c; its call graphs, callgraph.c; demangled names, demangle.c,
 * libiberty; report --diff, diff.c). Exported names start with prof_
 * (PROF_): prof_stat_, prof_pd_, prof_sb_, prof_syms_ for each part.
 * profile/ calls lib/ only.
 *
 * llctl profile's arithmetic and rendering (stat.c): scaling of
 * multiplexed counts, repeats, derived metrics, text and JSON. No I/O
 * besides the output stream, so the unit tests drive it with numbers.
 *
 * Every count says how much of it was measured: an event is "counted"
 * (with its coverage, time running / time enabled, and whether the value
 * was scaled up from that), "not_counted" (enabled but never on the PMU,
 * or never enabled) or "not_supported" (it did not open here; the reason
 * says why). A real zero is a counted zero.
 */
#ifndef LLCTL_PROFILE_PROFILE_H
#define LLCTL_PROFILE_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

enum prof_stat_status {
	PROF_STAT_COUNTED,
	PROF_STAT_NOT_COUNTED,
	PROF_STAT_NOT_SUPPORTED,
};

/* What an event is for, in the derived metrics. */
enum prof_stat_role {
	PROF_STAT_ROLE_NONE,
	PROF_STAT_ROLE_TASK_CLOCK,
	PROF_STAT_ROLE_CYCLES,
	PROF_STAT_ROLE_INSTRUCTIONS,
	PROF_STAT_ROLE_CACHE_REFS,
	PROF_STAT_ROLE_CACHE_MISSES,
	PROF_STAT_ROLE_BRANCHES,
	PROF_STAT_ROLE_BRANCH_MISSES,
	PROF_STAT_ROLE_CONTEXT_SWITCHES,
	PROF_STAT_ROLE_PAGE_FAULTS,
	PROF_STAT_ROLE_MEM_BYTES,	/* uncore memory controller, 64 bytes a count */
};

/* One run of one event (or of one of its instances), summed. */
struct prof_stat_count {
	uint64_t raw, enabled, running;
	double value;		/* sum of the instances' scaled values */
	bool scaled;		/* some instance ran less than enabled */
	unsigned int instances, counted;	/* counted: running > 0 */
};

struct prof_stat_event {
	char name[128];
	enum prof_stat_role role;
	enum prof_stat_status status;
	char reason[384];	/* not_supported / not_counted: why */
	char partial[192];	/* counted, but not everywhere: why ("" if whole) */
	struct prof_stat_count run;	/* the run in progress */
	/* Over the runs so far. */
	unsigned int runs, runs_counted;
	uint64_t enabled, running;
	double sum, sumsq;
	bool scaled;
};

void prof_stat_run_begin(struct prof_stat_event *e);
void prof_stat_add(struct prof_stat_count *c, uint64_t raw, uint64_t enabled,
		   uint64_t running);
/* Fold the run in progress into the event's totals. */
void prof_stat_run_end(struct prof_stat_event *e);
void prof_stat_not_supported(struct prof_stat_event *e, const char *reason);
/*
 * After the runs of a count of processes (-p), @who as the report names
 * them ("process 12", "processes 12,34"): an event never enabled is so
 * because they never ran while counted, and says that.
 */
void prof_stat_task_asleep(struct prof_stat_event *e, const char *who);
/*
 * @cpu's counter of @e stopped before the end (its CPU went offline):
 * the count is kept, and says that it misses that CPU from then on.
 */
void prof_stat_cpu_stopped(struct prof_stat_event *e, int cpu);

/* Mean over the counted runs; stddev of those runs (0 for one run). */
double prof_stat_mean(const struct prof_stat_event *e);
double prof_stat_stddev(const struct prof_stat_event *e);
/* Time running / time enabled, over all runs and instances: 0..1. */
double prof_stat_coverage(const struct prof_stat_event *e);
/*
 * Adds "coverage" to @o: @coverage, or null and coverage_reason when it
 * is outside 0..1 (LLCTL_PLAUS_COVERAGE: running longer than enabled).
 */
void prof_stat_coverage_json(struct json_object *o, double coverage);

struct prof_stat_metric {
	const char *name;	/* stable key: "ipc", "cpus_utilized", ... */
	const char *unit;
	bool valid;
	double value;
	char reason[640];	/* when !valid */
};

#define PROF_STAT_METRICS_MAX	8

/*
 * The derived metrics over @n events and @elapsed_ns of wall time (per
 * run); @mem_reason says why memory bandwidth has no event (NULL when it
 * has). Returns how many were written.
 */
unsigned int prof_stat_metrics(const struct prof_stat_event *ev, unsigned int n,
			       double elapsed_ns, const char *mem_reason,
			       struct prof_stat_metric *m);

struct prof_stat_report {
	const char *target;	/* "'ls -la'", "system-wide", "pid 42" */
	const struct prof_stat_event *ev;
	unsigned int n;
	double elapsed_ns;	/* mean per run */
	unsigned int repeats;
	const char *mem_reason;
};

void prof_stat_print(FILE *f, const struct prof_stat_report *r);
/*
 * perf stat -x SEP's lines, one per event, in perf's columns: value, unit
 * (msec for task-clock), event, ns running, % of the time running, and the
 * metric perf derives from that event (CPUs utilized, /sec, insn per cycle,
 * of all branches, of all cache refs) and its unit, else two empty fields.
 * "<not supported>" and "<not counted>" stand for the value, with 0 ns and
 * 0.00 % (perf says 100.00 % for an event that never opened).
 */
void prof_stat_csv(FILE *f, const struct prof_stat_report *r, const char *sep);
/* The stable JSON of 'llctl profile --json', without "env". */
struct json_object *prof_stat_json(const struct prof_stat_report *r);

#endif /* LLCTL_PROFILE_PROFILE_H */
