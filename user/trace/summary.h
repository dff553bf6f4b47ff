/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl trace --summary: per syscall, per IRQ and softirq per CPU, and per
 * task context switches, from the records in time order.
 */
#ifndef LLCTL_TRACE_SUMMARY_H
#define LLCTL_TRACE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/llkm.h>

struct json_object;
struct llctl_env;
struct trace_summary;

struct trace_ring_totals {
	uint64_t produced, delivered, lost;
	uint64_t compat;	/* syscalls of 32-bit tasks, not recorded */
	uint32_t self;		/* llctl's pid, its syscalls left out; or 0 */
};

/*
 * @events: the LLKM_TRACE_EV_* traced (a report shows only those, never
 * a zero for what was not traced). @cmd_pid: with "-- CMD", nothing counts
 * before that process's execve; 0 counts everything.
 */
struct trace_summary *trace_summary_new(int ncpus, uint32_t events,
					uint32_t cmd_pid);

/*
 * Count only the syscalls whose bits are set in @bits (@len bytes), as
 * asked with --syscall: llctl may have the kernel record a few more (the
 * command's execve, which starts the count).
 */
void trace_summary_only(struct trace_summary *s, const uint8_t *bits,
			unsigned int len);
void trace_summary_free(struct trace_summary *s);

/*
 * With @on, the text also draws each syscall's latencies in log2 buckets
 * of ns, as bcc's funclatency does, most time first.
 */
void trace_summary_hist(struct trace_summary *s, bool on);

/*
 * With @on (--by-process), the summary also counts per process (thread
 * group): its syscalls, errors and time, a table each, as perf trace
 * --summary; JSON's "processes". -1: no memory for the table.
 */
int trace_summary_by_process(struct trace_summary *s, bool on);

/* What names the processes (trace/events.h), or NULL: "?". */
struct trace_comms;
void trace_summary_comms(struct trace_summary *s, struct trace_comms *c);

/*
 * The session's wall time, start to stop on llctl's CLOCK_MONOTONIC (the
 * records' clock): no latency is longer (LLCTL_PLAUS_LATENCY_NS), and a
 * max_ns that is is shown as implausible. 0, the default: not known (a
 * capture), not gated.
 */
void trace_summary_wall(struct trace_summary *s, uint64_t wall_ns);

/*
 * Counts @rec; false when it is not counted (before "-- CMD"'s execve, or
 * of a CPU beyond the summary's), so other outputs can skip it too.
 */
bool trace_summary_take(struct trace_summary *s, const struct llkm_rec *rec);

void trace_summary_print(FILE *f, const struct trace_summary *s,
			 const struct trace_ring_totals *t);
/*
 * {"syscalls", "processes" (--by-process), "irqs", "softirqs", "sched"
 * (those traced), "ring"}
 */
struct json_object *trace_summary_json(const struct trace_summary *s,
				       const struct trace_ring_totals *t);

/*
 * The report: JSON with "env", or the env header and the tables, or (event
 * lines were printed) the ring's counts alone; @env NULL: a capture that
 * names no machine. 0, or 1 after saying why.
 */
int trace_summary_report(FILE *f, const struct trace_summary *s,
			 const struct trace_ring_totals *t,
			 const struct llctl_env *env, bool json, bool lines);

/*
 * One syscall's latencies for a chart (trace/hist-svg.c): bucket b holds
 * [2^(b-1), 2^b - 1] ns (b 0: 0 ns), the last also everything longer.
 */
struct trace_hist {
	const char *name;
	const uint64_t *bucket;
	int nbuckets;
	uint64_t timed;
};

/* Up to @max syscalls' histograms, most time first, as the text's. */
int trace_summary_hists(const struct trace_summary *s, struct trace_hist *h, int max);

#endif /* LLCTL_TRACE_SUMMARY_H */
