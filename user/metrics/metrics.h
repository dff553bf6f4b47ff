/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/metrics/: llctl metrics, llkm's counters as a Prometheus exporter.
 * The collector (collect.c, its state declared here), the families it
 * renders (render.c) in the exposition format (expo.c), the HTTP server
 * (http.c, libmicrohttpd) and the --trace families (trace.c). Exported
 * names start with met_ (MET_): met_expo_, met_http_, met_trace_ for those
 * parts. metrics/ calls profile/ (the events, the scaling), trace/ (the
 * session's summary) and lib/.
 *
 * What the collector keeps between two readings
 * (metrics/collect.c reads it from llkm, metrics/render.c turns it into
 * the exposition format, metrics/http.c serves the text).
 *
 * Every counter is system-wide, one per online CPU (the uncore memory
 * controllers: one per PMU, on the CPU of its cpumask). A reading yields,
 * per counter, the delta since the previous one, scaled on its own as
 * profile/stat.c scales (raw * enabled / running when multiplexed), and a
 * running total of those scaled deltas: the _total counters, which never
 * go down. Ratios and rates are over the last interval only.
 */
#ifndef LLCTL_METRICS_METRICS_H
#define LLCTL_METRICS_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/nl.h"
#include "profile/pmu-events.h"
#include "profile/profile.h"

struct met_expo;

struct met_trace;

#define MET_EVENTS_MAX	32

/* One family of per-CPU counts, fed by one generic event. */
struct met_def {
	const char *event;	/* llctl's event name */
	const char *metric;	/* the _total family */
	const char *help;
	bool hw;		/* needs a CPU PMU */
	enum prof_stat_role role;	/* in profile/stat.c's metrics */
};

extern const struct met_def met_defs[];
extern const unsigned int met_n_defs;

struct met_inst {
	uint32_t id;		/* llkm's counter id, 0: not open */
	int cpu;
	uint64_t raw, enabled, running;	/* as last read */
	struct prof_stat_count delta;	/* the last interval */
	bool fresh;		/* delta holds a reading after the baseline */
	bool ever;		/* ran on the PMU at least once */
	double total;		/* scaled deltas since the baseline */
};

struct met_event {
	const struct met_def *def;	/* NULL: an uncore memory controller's */
	char name[128];		/* "instructions", "cpu_core/cycles/" */
	char pmu[64];		/* uncore: "uncore_imc_0" */
	bool mem_write;		/* uncore: cas_count_write (else read) */
	enum prof_stat_role role;
	enum prof_stat_status status;	/* COUNTED (open) or NOT_SUPPORTED */
	char reason[384];	/* NOT_SUPPORTED: why */
	struct prof_event ev;
	struct met_inst *inst;	/* CPU events: inst[k] counts cpus[k] */
	unsigned int n_inst;
};

struct met_state {
	struct llctl_nl nl;
	int dev;		/* /dev/llkm, -1 */
	int *cpus;		/* online CPUs at start */
	unsigned int n_cpus;
	struct met_event ev[MET_EVENTS_MAX];
	unsigned int n_ev;
	const char *mem_reason;	/* why no memory bandwidth, or NULL */
	uint64_t last_ns;	/* CLOCK_MONOTONIC of the last reading */
	double interval_s;	/* what the deltas cover, 0 before a second reading */
	double collect_s;	/* how long the last collection took */
	uint64_t collections, read_errors;
	/* The module, from GET_INFO. */
	char module_version[LLKM_VERSION_MAX];
	uint32_t abi;
	int64_t counters_open;	/* -1: not reported */
	char kernel[128];
	/* TRACE_STATS of the running or last session; n_ring < 0: none. */
	struct llctl_cpu_stats *ring;	/* ring_cap: possible CPUs */
	int n_ring, ring_cap;
	uint32_t ring_mode;	/* of our --trace session, or UINT32_MAX */
	struct met_trace *trace;	/* --trace, or NULL */
};

/* metrics/collect.c. 0, or 1 after saying why on stderr. */
int met_open(struct met_state *s);
/* A reading: the deltas since the last one, module counts, ring stats. */
int met_read(struct met_state *s);
void met_close(struct met_state *s);

/* metrics/render.c: every family of @s into @m. */
void met_render(const struct met_state *s, struct met_expo *m);

/*
 * metrics/trace.c, --trace: "syscalls,irqs,softirqs,sched" or "all" into
 * LLKM_TRACE_EV_* bits (0, or -1 when it is not such a list); a system-wide session
 * into llctl trace's summary (0, or 1 after saying why; met_trace_stop()
 * undoes what was done); the device to poll for a ring at its watermark
 * (-1 without a session); draining; the summary's families.
 */
int met_trace_parse(const char *list, uint32_t *events);
int met_trace_start(struct met_state *s, uint32_t events);
int met_trace_fd(const struct met_state *s);
void met_trace_drain(struct met_state *s);
/* The device hung up: the last records, a warning, no more polling. */
void met_trace_hangup(struct met_state *s);
void met_trace_render(const struct met_state *s, struct met_expo *m);
void met_trace_stop(struct met_state *s);

#endif /* LLCTL_METRICS_METRICS_H */
