// SPDX-License-Identifier: GPL-2.0
/*
 * llkm records as events: names, checked payloads, and the perf script
 * style text line (the format is in trace/events.h).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace/decode.h"
#include "trace/events.h"
#include "trace/syscalls.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC	UINT64_C(1000000000)
#define NSEC_PER_USEC	UINT64_C(1000)
#define TIDS		(1 << 16)

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
	[LLKM_REC_COMM] = { "task_rename", sizeof(struct llkm_rec_comm) },
};

/* As include/linux/interrupt.h numbers them (and softirq_to_name[]). */
static const char *const softirq_names[] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET",
	"SCHED", "HRTIMER", "RCU",
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

static void print_sys_enter(FILE *f, const struct llkm_rec *rec,
			    const struct llkm_rec_sys_enter *e)
{
	trace_decode_enter(f, e, rec->size - sizeof(*rec));
}

static void print_sys_exit(FILE *f, const struct llkm_rec_sys_exit *x)
{
	fprintf(f, "%s ", trace_syscall_name(x->nr));
	trace_decode_ret(f, x->nr, x->ret);
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
	char name[TRACE_COMM_LEN + 1];

	switch (rec->type) {
	case LLKM_REC_SYS_ENTER:
		print_sys_enter(f, rec, p);
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
	case LLKM_REC_COMM:
		fprintf(f, "comm=%s", trace_comm(name, ((const struct llkm_rec_comm *)p)->comm));
		break;
	}
}

void trace_event_print(FILE *f, const struct llkm_rec *rec, uint64_t t0_ns,
		       const char *comm)
{
	const char *name = trace_event_name(rec->type);
	const void *p = trace_event_payload(rec);

	print_time(f, rec->time_ns, t0_ns);
	fprintf(f, " [%03u] %u/%u%s%s  ", rec->cpu, rec->pid, rec->tid,
		comm ? " " : "", comm ? comm : "");
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

/*
 * Thread names: a thread is named by the last record that says (a switch
 * away from or to it, a rename), else its parent's at the fork, else
 * /proc when the trace is live, else "?". An open-addressed table by tid.
 */
struct comm_slot {
	uint32_t tid;		/* 0: free */
	char comm[TRACE_COMM_LEN + 1];
};

struct trace_comms {
	bool live;
	struct comm_slot slot[TIDS];
};

struct trace_comms *trace_comms_new(bool live)
{
	struct trace_comms *c = calloc(1, sizeof(*c));

	if (c)
		c->live = live;
	return c;
}

void trace_comms_free(struct trace_comms *c)
{
	free(c);
}

static struct comm_slot *comm_slot(struct trace_comms *c, uint32_t tid)
{
	unsigned int i = (tid * 2654435761u) & (TIDS - 1), n;

	if (!tid)
		return NULL;
	for (n = 0; n < TIDS; n++, i = (i + 1) & (TIDS - 1))
		if (c->slot[i].tid == tid || !c->slot[i].tid)
			return &c->slot[i];
	return NULL;
}

static void comm_set(struct trace_comms *c, uint32_t tid, const char comm[16])
{
	struct comm_slot *s = comm_slot(c, tid);

	if (!s)
		return;
	s->tid = tid;
	trace_comm(s->comm, comm);
}

void trace_comms_take(struct trace_comms *c, const struct llkm_rec *rec)
{
	const void *p = trace_event_payload(rec);
	const struct llkm_rec_sched_switch *sw = p;
	const struct llkm_rec_fork *fork = p;
	struct comm_slot *parent, *child;

	if (!c || !p)
		return;
	switch (rec->type) {
	case LLKM_REC_COMM:
		comm_set(c, rec->tid, ((const struct llkm_rec_comm *)p)->comm);
		break;
	case LLKM_REC_SCHED_SWITCH:
		comm_set(c, sw->prev_tid, sw->prev_comm);
		comm_set(c, sw->next_tid, sw->next_comm);
		break;
	case LLKM_REC_FORK:
		parent = comm_slot(c, rec->tid);
		child = comm_slot(c, fork->child_tid);
		if (parent && parent->tid && child && !child->tid) {
			child->tid = fork->child_tid;
			memcpy(child->comm, parent->comm, sizeof(child->comm));
		}
		break;
	}
}

/* /proc/PID/task/TID/comm, the name now: right for a thread seen live. */
static bool comm_of_proc(uint32_t pid, uint32_t tid, char *buf)
{
	char path[64];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, TRACE_COMM_LEN + 2, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

const char *trace_comms_get(struct trace_comms *c, uint32_t pid, uint32_t tid)
{
	struct comm_slot *s = c ? comm_slot(c, tid) : NULL;
	char buf[TRACE_COMM_LEN + 2];

	if (!tid)
		return "<idle>";	/* as ftrace names the idle task */
	if (s && s->tid)
		return s->comm;
	if (!s || !c->live || !comm_of_proc(pid, tid, buf))
		return "?";
	s->tid = tid;
	trace_comm(s->comm, buf);
	return s->comm;
}
