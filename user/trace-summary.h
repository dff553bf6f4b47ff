/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl trace --summary: per syscall, per IRQ and softirq per CPU, and per
 * task context switches, from the records in time order.
 */
#ifndef LLCTL_TRACE_SUMMARY_H
#define LLCTL_TRACE_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include <linux/llkm.h>

struct json_object;
struct llctl_env;
struct llctl_summary;

struct llctl_ring_totals {
	uint64_t produced, delivered, lost;
};

/*
 * @events: the LLKM_TRACE_EV_* traced (a report shows only those, never
 * a zero for what was not traced). @cmd_pid: with "-- CMD", nothing counts
 * before that process's execve; 0 counts everything.
 */
struct llctl_summary *llctl_summary_new(int ncpus, uint32_t events,
					uint32_t cmd_pid);
void llctl_summary_free(struct llctl_summary *s);

/* A llctl_rings_drain() callback; @arg is the summary. */
void llctl_summary_add(const struct llkm_rec *rec, void *arg);

void llctl_summary_print(FILE *f, const struct llctl_summary *s,
			 const struct llctl_ring_totals *t);
/* {"syscalls", "irqs", "softirqs", "sched" (those traced), "ring"} */
struct json_object *llctl_summary_json(const struct llctl_summary *s,
				       const struct llctl_ring_totals *t);

#endif /* LLCTL_TRACE_SUMMARY_H */
