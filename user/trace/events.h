/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llkm records as events: their names, their payloads checked against the
 * record size, and one text line per record, as perf script prints them.
 * The CTF (trace/ctf.h) and Perfetto (trace/perfetto.h) writers use the same names.
 *
 * The text line
 * -------------
 *
 *   TIME [CPU] PID/TID COMM  EVENT: DETAILS
 *
 *   TIME     seconds.microseconds since @t0_ns, right-aligned in 13
 *            characters, truncated (not rounded) to the microsecond, with a
 *            '-' for a record older than @t0_ns
 *   CPU      three digits at least
 *   PID/TID  the header's thread group id and thread id
 *   COMM     the thread's name (trace_comms below), when the caller knows
 *
 * and per event, DETAILS:
 *
 *   syscall_entry       NAME(ARGS) as strace prints them for the common
 *                       syscalls (trace/decode.h): openat(AT_FDCWD,
 *                       "/etc/passwd", O_RDONLY|O_CLOEXEC); for the others
 *                       all six in hex (the record does not say how many
 *                       count): NAME(0xARG0, ..., 0xARG5)
 *   syscall_exit        NAME = RET, with RET in decimal, strace's
 *                       "-1 ENOENT (No such file or directory)" for an
 *                       error (-4095..-1), 0x... for the syscalls that
 *                       return an address (mmap, mremap, brk, shmat)
 *   task_rename         comm=NAME (after an exec or a prctl)
 *   irq_handler_entry   irq=24
 *   irq_handler_exit    irq=24 ret=handled (unhandled when ret is 0)
 *   softirq_entry/exit  vec=1 [TIMER]
 *   sched_switch        prev_tid=12 (bash) state=1 ==> next_tid=0 (swapper/1)
 *   sched_process_fork  child_pid=5 child_tid=5
 *
 * A record of another type prints "unknown: type=T size=S"; one too short
 * for its type's payload "truncated: type=T size=S".
 */
#ifndef LLCTL_TRACE_EVENTS_H
#define LLCTL_TRACE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/llkm.h>

/* The longest comm, without its NUL (TASK_COMM_LEN - 1). */
#define TRACE_COMM_LEN	15

/* The event name of a record type ("syscall_entry"), NULL when unknown. */
const char *trace_event_name(unsigned int type);

/* The payload size of a record type, 0 when unknown. */
size_t trace_event_payload_size(unsigned int type);

/*
 * @rec's payload, or NULL when its type is unknown or it is too short to
 * hold its type's payload.
 */
const void *trace_event_payload(const struct llkm_rec *rec);

/* A softirq vector's name ("TIMER" for 1), "unknown" beyond RCU. */
const char *trace_softirq_name(unsigned int vec);

/* A record's comm (not always NUL-terminated) as a C string in @buf. */
const char *trace_comm(char buf[TRACE_COMM_LEN + 1], const char comm[16]);

/*
 * One line for @rec, its time relative to @t0_ns, its thread named @comm
 * (NULL: no name; see above).
 */
void trace_event_print(FILE *f, const struct llkm_rec *rec, uint64_t t0_ns,
		       const char *comm);

/*
 * Thread names along a trace: trace_comms_take() each record in order,
 * then trace_comms_get() names a record's thread: the last name a record
 * said (a switch, a rename after exec or prctl), its parent's at the fork,
 * else, when @live, /proc's name now; "?" when none says.
 */
struct trace_comms;
struct trace_comms *trace_comms_new(bool live);
void trace_comms_take(struct trace_comms *c, const struct llkm_rec *rec);
const char *trace_comms_get(struct trace_comms *c, uint32_t pid, uint32_t tid);
void trace_comms_free(struct trace_comms *c);

#endif /* LLCTL_TRACE_EVENTS_H */
