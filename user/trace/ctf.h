/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trace written as CTF 1.8 through libbabeltrace's CTF writer, for
 * babeltrace2, Trace Compass and the other CTF readers.
 *
 * The trace directory
 * ===================
 *
 *   DIR/metadata   TSDL, written at open and again at close
 *   DIR/cpu_N      the stream of CPU N, for N in 0..ncpus-1: one packet per
 *                  TRACE_CTF_PACKET_EVENTS events (the writer keeps a
 *                  packet's events in memory until it is flushed); an empty
 *                  file when CPU N had no event
 *
 * Trace environment (env {}, all strings; a field whose value is unknown
 * is left out):
 *
 *   tracer_name = "llctl", tracer_version, sysname = "Linux",
 *   kernel_release (uname -r), llkm_version, cpu_model, hypervisor (only
 *   in a guest)
 *
 * Clock "monotonic": CLOCK_MONOTONIC in ns, freq = 1000000000, offset 0,
 * absolute = FALSE. Every stream shares it and it never goes back: a
 * record older than the one written before it is written at that earlier
 * time and counted as reordered, so timestamps never decrease, neither in a
 * stream nor across them.
 *
 * Stream class "cpu":
 *
 *   packet context   the writer's (timestamp_begin, timestamp_end,
 *                    content_size, packet_size, events_discarded), then
 *                    uint32 cpu_id, as LTTng has it: readers group by CPU
 *   event header     the writer's (uint32 id, uint64 timestamp)
 *   event context    none: libbabeltrace 1.x's writer API cannot set a
 *                    stream event context, so pid and tid open every
 *                    event's payload instead
 *
 * Events and their payload fields, in order (s32: signed 32-bit integer,
 * x64: unsigned 64-bit printed in hex, string: NUL-terminated UTF-8):
 *
 *   every event          pid s32 (thread group id), tid s32, then:
 *   syscall_entry        nr s64, name string, arg0..arg5 x64
 *   syscall_exit         nr s64, name string, ret s64
 *   irq_handler_entry    irq s32
 *   irq_handler_exit     irq s32, ret s32
 *   softirq_entry        vec u32, name string ("TIMER": trace/events.h)
 *   softirq_exit         vec u32, name string
 *   sched_switch         prev_tid s32, prev_comm string, prev_state s64,
 *                        next_tid s32, next_comm string
 *   sched_process_fork   child_pid s32, child_tid s32
 *
 * The pid and tid of IRQ, softirq and sched_switch events are those of the
 * task running on that CPU (llkm.h); for sched_process_fork, the parent's.
 */
#ifndef LLCTL_TRACE_CTF_H
#define LLCTL_TRACE_CTF_H

#include <stdint.h>

struct llkm_rec;
struct llctl_env;
struct trace_ctf;

#define TRACE_CTF_PACKET_EVENTS	1024

/*
 * 0 when this llctl writes CTF. Built without it (trace/ctf-none.c): 1,
 * after saying that @what ("trace --format ctf") needs libbabeltrace.
 */
int trace_ctf_missing(const char *what);

struct trace_ctf_counts {
	uint64_t written;	/* events in the trace */
	uint64_t skipped;	/* records of a type the trace does not carry */
	uint64_t reordered;	/* written at the previous record's time */
};

/*
 * Creates the trace in @dir (made if missing; a trace already there is
 * overwritten) with one stream per CPU 0..@ncpus-1. @env may be NULL.
 * Returns NULL with errno set on failure.
 */
struct trace_ctf *trace_ctf_open(const char *dir, int ncpus,
				 const struct llctl_env *env);

/*
 * Appends @rec as an event on its CPU's stream; records must come in time
 * order. A record of an unknown type is skipped and counted. Returns 0,
 * -EINVAL for a record too short for its type, -ERANGE for a CPU at or
 * above ncpus, -ENOMEM or -EIO (the writer failed).
 */
int trace_ctf_write(struct trace_ctf *c, const struct llkm_rec *rec);

void trace_ctf_counts(const struct trace_ctf *c, struct trace_ctf_counts *n);

/*
 * Flushes every stream's last packet and the metadata, then frees @c
 * (NULL is fine). Returns 0 or -EIO.
 */
int trace_ctf_close(struct trace_ctf *c);

#endif /* LLCTL_TRACE_CTF_H */
