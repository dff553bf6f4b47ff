/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm records as Chrome's JSON Trace Event Format, which the Perfetto UI
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * The file
 * ========
 *
 *   {"traceEvents":[
 *   EVENT,
 *   ...
 *   EVENT
 *   ],"displayTimeUnit":"ns"}
 *
 * written as the records come, one event per line. Only what is still open
 * is held: one syscall per thread, one IRQ and one softirq per CPU, and the
 * last name given to each thread.
 *
 * Times: "ts" and "dur" are microseconds with three decimals, so that ns
 * are exact; "ts" is the record's CLOCK_MONOTONIC time.
 *
 * Tracks
 * ------
 *
 *   threads  "pid" = thread group id, "tid" = thread id, as recorded
 *   CPUs     the pseudo-process TRACE_PERFETTO_CPUS_PID (above any real
 *            pid), named "CPUs"; CPU N is its thread
 *            TRACE_PERFETTO_CPUS_PID + 1 + N, named "CPU N" and sorted by N
 *
 * Names are "M" events: process_name "CPUs" first, a CPU's thread_name and
 * thread_sort_index before its first event, and a thread's thread_name
 * (plus process_name for a thread group leader) when a sched_switch first
 * shows its comm, or shows a new one.
 *
 * Events
 * ------
 *
 *   syscall       "ph":"X", "cat":"syscall" on the thread, named by the
 *                 syscall, from its entry to its exit, paired by tid:
 *                 args {"nr", "ret"}
 *   IRQ           "ph":"X", "cat":"irq" on the CPU, "irq N":
 *                 args {"irq", "ret"}
 *   softirq       "ph":"X", "cat":"softirq" on the CPU, "softirq NAME"
 *                 (trace/events.h): args {"vec"}
 *   sched_switch  "ph":"i", "s":"t", "cat":"sched" on the CPU: args
 *                 {"prev_tid", "prev_comm", "prev_state", "next_tid",
 *                 "next_pid", "next_comm"}
 *   sched_process_fork
 *                 "ph":"i", "s":"t", "cat":"sched" on the parent thread:
 *                 args {"child_pid", "child_tid"}
 *
 * Unpaired records: an exit without its entry (it came before the trace,
 * or was lost) emits nothing. An entry that never gets its exit (exit_group,
 * a lost record, the end of the trace) becomes an "i" instant at its entry
 * time, same name, category and track, args {"nr"|"irq"|"vec",
 * "unfinished": true}: emitted when the thread's (the CPU's) next entry or
 * a mismatched exit arrives, or at close.
 */
#ifndef LLCTL_TRACE_PERFETTO_H
#define LLCTL_TRACE_PERFETTO_H

#include <stdint.h>

struct llkm_rec;
struct trace_perfetto;

#define TRACE_PERFETTO_CPUS_PID	4194304		/* PID_MAX_LIMIT */
#define TRACE_PERFETTO_CPUS_MAX	8192		/* NR_CPUS at most */

struct trace_perfetto_counts {
	uint64_t events;	/* JSON events written, "M" ones included */
	uint64_t skipped;	/* records of a type the format does not carry */
	uint64_t orphans;	/* exits without their entry */
	uint64_t unfinished;	/* entries without their exit */
};

/*
 * Starts the file at @path (truncated), or on stdout for NULL or "-".
 * Returns NULL with errno set on failure.
 */
struct trace_perfetto *trace_perfetto_open(const char *path);

/*
 * Takes @rec, in time order. A record of an unknown type is skipped and
 * counted. Returns 0, -EINVAL for a record too short for its type, -ERANGE
 * for a CPU at or above TRACE_PERFETTO_CPUS_MAX, -ENOMEM, or -EIO once a
 * write failed.
 */
int trace_perfetto_write(struct trace_perfetto *p, const struct llkm_rec *rec);

void trace_perfetto_counts(const struct trace_perfetto *p,
			   struct trace_perfetto_counts *n);

/*
 * Emits what is unfinished, ends the JSON, closes the file (flushes
 * stdout) and frees @p (NULL is fine). Returns 0 or -EIO when any write
 * failed.
 */
int trace_perfetto_close(struct trace_perfetto *p);

#endif /* LLCTL_TRACE_PERFETTO_H */
