/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl profile's arithmetic and rendering (profile/stat.c): scaling of
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

enum pstat_status {
	PSTAT_COUNTED,
	PSTAT_NOT_COUNTED,
	PSTAT_NOT_SUPPORTED,
};

/* What an event is for, in the derived metrics. */
enum pstat_role {
	PSTAT_ROLE_NONE,
	PSTAT_ROLE_TASK_CLOCK,
	PSTAT_ROLE_CYCLES,
	PSTAT_ROLE_INSTRUCTIONS,
	PSTAT_ROLE_CACHE_REFS,
	PSTAT_ROLE_CACHE_MISSES,
	PSTAT_ROLE_BRANCHES,
	PSTAT_ROLE_BRANCH_MISSES,
	PSTAT_ROLE_CONTEXT_SWITCHES,
	PSTAT_ROLE_PAGE_FAULTS,
	PSTAT_ROLE_MEM_BYTES,	/* uncore memory controller, 64 bytes a count */
};

/* One run of one event (or of one of its instances), summed. */
struct pstat_count {
	uint64_t raw, enabled, running;
	double value;		/* sum of the instances' scaled values */
	bool scaled;		/* some instance ran less than enabled */
	unsigned int instances, counted;	/* counted: running > 0 */
};

struct pstat_event {
	char name[128];
	enum pstat_role role;
	enum pstat_status status;
	char reason[384];	/* not_supported / not_counted: why */
	char partial[192];	/* counted, but not everywhere: why ("" if whole) */
	struct pstat_count run;	/* the run in progress */
	/* Over the runs so far. */
	unsigned int runs, runs_counted;
	uint64_t enabled, running;
	double sum, sumsq;
	bool scaled;
};

void pstat_run_begin(struct pstat_event *e);
void pstat_add(struct pstat_count *c, uint64_t raw, uint64_t enabled,
	       uint64_t running);
/* Fold the run in progress into the event's totals. */
void pstat_run_end(struct pstat_event *e);
void pstat_not_supported(struct pstat_event *e, const char *reason);
/*
 * @cpu's counter of @e stopped before the end (its CPU went offline):
 * the count is kept, and says that it misses that CPU from then on.
 */
void pstat_cpu_stopped(struct pstat_event *e, int cpu);

/* Mean over the counted runs; stddev of those runs (0 for one run). */
double pstat_mean(const struct pstat_event *e);
double pstat_stddev(const struct pstat_event *e);
/* Time running / time enabled, over all runs and instances: 0..1. */
double pstat_coverage(const struct pstat_event *e);

struct pstat_metric {
	const char *name;	/* stable key: "ipc", "cpus_utilized", ... */
	const char *unit;
	bool valid;
	double value;
	char reason[640];	/* when !valid */
};

#define PSTAT_METRICS_MAX	8

/*
 * The derived metrics over @n events and @elapsed_ns of wall time (per
 * run); @mem_reason says why memory bandwidth has no event (NULL when it
 * has). Returns how many were written.
 */
unsigned int pstat_metrics(const struct pstat_event *ev, unsigned int n,
			   double elapsed_ns, const char *mem_reason,
			   struct pstat_metric *m);

struct pstat_report {
	const char *target;	/* "'ls -la'", "system-wide", "pid 42" */
	const struct pstat_event *ev;
	unsigned int n;
	double elapsed_ns;	/* mean per run */
	unsigned int repeats;
	const char *mem_reason;
};

void pstat_print(FILE *f, const struct pstat_report *r);
/* The stable JSON of 'llctl profile --json', without "env". */
struct json_object *pstat_json(const struct pstat_report *r);

#endif /* LLCTL_PROFILE_PROFILE_H */
