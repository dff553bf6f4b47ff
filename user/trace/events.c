// SPDX-License-Identifier: GPL-2.0
/*
 * llkm records as events: names, checked payloads, and the perf script
 * style text line (the format is in trace/events.h).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>

#include "trace/events.h"
#include "trace/syscalls.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC	UINT64_C(1000000000)
#define NSEC_PER_USEC	UINT64_C(1000)
#define MAX_ERRNO	4095

/* glibc 2.32 names errnos ("ENOENT"); elsewhere errors print as numbers. */
#ifdef __GLIBC__
#if __GLIBC_PREREQ(2, 32)
#define HAVE_STRERRORNAME_NP
#endif
#endif

static const struct {
	const char *name;
	size_t payload;
} event_types[__LLKM_REC_LAST] = {
	[LLKM_REC_SYS_ENTER] = { "syscall_entry", sizeof(struct llkm_rec_sys_enter) },
	[LLKM_REC_SYS_EXIT] = { "syscall_exit", sizeof(struct llkm_rec_sys_exit) },
	[LLKM_REC_FORK] = { "sched_process_fork", sizeof(struct llkm_rec_fork) },
	[LLKM_REC_IRQ_ENTRY] = { "irq_handler_entry", sizeof(struct llkm_rec_irq) },
	[LLKM_REC_IRQ_EXIT] = { "irq_handler_exit", sizeof(struct llkm_rec_irq) },
	[LLKM_REC_SOFTIRQ_ENTRY] = { "softirq_entry", sizeof(struct llkm_rec_softirq) },
	[LLKM_REC_SOFTIRQ_EXIT] = { "softirq_exit", sizeof(struct llkm_rec_softirq) },
	[LLKM_REC_SCHED_SWITCH] = { "sched_switch", sizeof(struct llkm_rec_sched_switch) },
};

/* As include/linux/interrupt.h numbers them (and softirq_to_name[]). */
static const char *const softirq_names[] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET",
	"SCHED", "HRTIMER", "RCU",
};

/* Syscalls whose return value is an address: printed in hex. */
static const char *const addr_syscalls[] = {
	"mmap", "mmap2", "mremap", "brk", "shmat",
};

const char *trace_event_name(unsigned int type)
{
	return type < ARRAY_SIZE(event_types) ? event_types[type].name : NULL;
}

size_t trace_event_payload_size(unsigned int type)
{
	return type < ARRAY_SIZE(event_types) ? event_types[type].payload : 0;
}

const void *trace_event_payload(const struct llkm_rec *rec)
{
	size_t len = trace_event_payload_size(rec->type);

	if (!len || rec->size < sizeof(*rec) + len)
		return NULL;
	return rec + 1;
}

const char *trace_softirq_name(unsigned int vec)
{
	return vec < ARRAY_SIZE(softirq_names) ? softirq_names[vec] : "unknown";
}

const char *trace_comm(char buf[TRACE_COMM_LEN + 1], const char comm[16])
{
	size_t n = strnlen(comm, TRACE_COMM_LEN);

	memcpy(buf, comm, n);
	buf[n] = '\0';
	return buf;
}

static void print_time(FILE *f, uint64_t t, uint64_t t0)
{
	uint64_t d = t >= t0 ? t - t0 : t0 - t;
	char secs[24];

	snprintf(secs, sizeof(secs), "%s%" PRIu64, t >= t0 ? "" : "-",
		 d / NSEC_PER_SEC);
	fprintf(f, "%6s.%06" PRIu64, secs, d % NSEC_PER_SEC / NSEC_PER_USEC);
}

static int returns_addr(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addr_syscalls); i++)
		if (!strcmp(name, addr_syscalls[i]))
			return 1;
	return 0;
}

static void print_errno(FILE *f, int64_t ret)
{
	const char *name = NULL;

#ifdef HAVE_STRERRORNAME_NP
	name = strerrorname_np((int)-ret);
#endif
	fprintf(f, "%" PRId64, ret);
	if (name)
		fprintf(f, " %s", name);
}

static void print_sys_enter(FILE *f, const struct llkm_rec_sys_enter *e)
{
	int i;

	fprintf(f, "%s(", trace_syscall_name(e->nr));
	for (i = 0; i < 6; i++)
		fprintf(f, "%s0x%llx", i ? ", " : "",
			(unsigned long long)e->args[i]);
	fputc(')', f);
}

static void print_sys_exit(FILE *f, const struct llkm_rec_sys_exit *x)
{
	const char *name = trace_syscall_name(x->nr);

	fprintf(f, "%s = ", name);
	if (x->ret < 0 && x->ret >= -MAX_ERRNO)
		print_errno(f, x->ret);
	else if (returns_addr(name))
		fprintf(f, "0x%llx", (unsigned long long)x->ret);
	else
		fprintf(f, "%" PRId64, (int64_t)x->ret);
}

static void print_switch(FILE *f, const struct llkm_rec_sched_switch *s)
{
	char prev[TRACE_COMM_LEN + 1], next[TRACE_COMM_LEN + 1];

	fprintf(f, "prev_tid=%u (%s) state=%u ==> next_tid=%u (%s)",
		s->prev_tid, trace_comm(prev, s->prev_comm), s->prev_state,
		s->next_tid, trace_comm(next, s->next_comm));
}

static void print_details(FILE *f, const struct llkm_rec *rec, const void *p)
{
	const struct llkm_rec_softirq *sirq = p;
	const struct llkm_rec_fork *fork = p;
	const struct llkm_rec_irq *irq = p;

	switch (rec->type) {
	case LLKM_REC_SYS_ENTER:
		print_sys_enter(f, p);
		break;
	case LLKM_REC_SYS_EXIT:
		print_sys_exit(f, p);
		break;
	case LLKM_REC_IRQ_ENTRY:
		fprintf(f, "irq=%u", irq->irq);
		break;
	case LLKM_REC_IRQ_EXIT:
		fprintf(f, "irq=%u ret=%s", irq->irq,
			irq->ret ? "handled" : "unhandled");
		break;
	case LLKM_REC_SOFTIRQ_ENTRY:
	case LLKM_REC_SOFTIRQ_EXIT:
		fprintf(f, "vec=%u [%s]", sirq->vec,
			trace_softirq_name(sirq->vec));
		break;
	case LLKM_REC_SCHED_SWITCH:
		print_switch(f, p);
		break;
	case LLKM_REC_FORK:
		fprintf(f, "child_pid=%u child_tid=%u", fork->child_pid,
			fork->child_tid);
		break;
	}
}

void trace_event_print(FILE *f, const struct llkm_rec *rec, uint64_t t0_ns)
{
	const char *name = trace_event_name(rec->type);
	const void *p = trace_event_payload(rec);

	print_time(f, rec->time_ns, t0_ns);
	fprintf(f, " [%03u] %u/%u  ", rec->cpu, rec->pid, rec->tid);
	if (!name) {
		fprintf(f, "unknown: type=%u size=%u", rec->type, rec->size);
	} else if (!p) {
		fprintf(f, "truncated: type=%u size=%u", rec->type, rec->size);
	} else {
		fprintf(f, "%s: ", name);
		print_details(f, rec, p);
	}
	fputc('\n', f);
}
