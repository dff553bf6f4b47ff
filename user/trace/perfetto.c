// SPDX-License-Identifier: GPL-2.0
/*
 * llkm records as Chrome JSON trace events, streamed: the format is in
 * trace/perfetto.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/events.h"
#include "trace/perfetto.h"
#include "trace/syscalls.h"

#define THREADS_MIN	1024	/* initial slots, a power of two */
#define NSEC_PER_USEC	1000

/* What is known of a thread: its open syscall and the name it was given. */
struct thread {
	bool used;
	bool in_sys;
	uint32_t tid;
	uint32_t pid;
	int64_t nr;
	uint64_t t;
	char comm[TRACE_COMM_LEN + 1];	/* "" until named */
};

struct cpu {
	bool named;
	bool in_irq, in_softirq;
	uint32_t irq, vec;
	uint64_t irq_t, softirq_t;
};

struct trace_perfetto {
	FILE *f;
	bool own;		/* f is ours to close */
	bool first;		/* no event written yet */
	struct thread *thread;	/* open addressing by tid */
	size_t nthreads, used;	/* slots, a power of two; and taken */
	struct cpu *cpu;
	unsigned int ncpus;
	struct trace_perfetto_counts n;
};

static uint32_t cpu_tid(unsigned int cpu)
{
	return TRACE_PERFETTO_CPUS_PID + 1 + cpu;
}

/* @s as a JSON string: anything not printable ASCII escaped. */
static void put_str(FILE *f, const char *s)
{
	unsigned char c;

	fputc('"', f);
	for (; (c = *s); s++) {
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void put_us(FILE *f, uint64_t ns)
{
	fprintf(f, "%" PRIu64 ".%03u", ns / NSEC_PER_USEC,
		(unsigned int)(ns % NSEC_PER_USEC));
}

/* What an event is and whose: the part every "X" and "i" event shares. */
struct ev_id {
	const char *cat;
	const char *name;
	uint32_t pid, tid;
};

/* An event up to its "ts": the caller adds the rest and the '}'. */
static void head(struct trace_perfetto *p, const char *ph,
		 const struct ev_id *id, uint64_t ts)
{
	fputs(p->first ? "\n" : ",\n", p->f);
	p->first = false;
	p->n.events++;
	fprintf(p->f, "{\"ph\":\"%s\",\"cat\":\"%s\",\"name\":", ph, id->cat);
	put_str(p->f, id->name);
	fprintf(p->f, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":",
		id->pid, id->tid);
	put_us(p->f, ts);
}

static void complete(struct trace_perfetto *p, const struct ev_id *id,
		     uint64_t start, uint64_t end)
{
	head(p, "X", id, start);
	fputs(",\"dur\":", p->f);
	put_us(p->f, end - start);
}

static void instant(struct trace_perfetto *p, const struct ev_id *id,
		    uint64_t ts)
{
	head(p, "i", id, ts);
	fputs(",\"s\":\"t\"", p->f);
}

/* An "M" event naming (or sorting) a process or thread. */
static void meta(struct trace_perfetto *p, const char *what, uint32_t pid,
		 uint32_t tid, const char *name, long sort)
{
	fputs(p->first ? "\n" : ",\n", p->f);
	p->first = false;
	p->n.events++;
	fprintf(p->f, "{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%" PRIu32
		",\"tid\":%" PRIu32 ",\"args\":{", what, pid, tid);
	if (name) {
		fputs("\"name\":", p->f);
		put_str(p->f, name);
	} else {
		fprintf(p->f, "\"sort_index\":%ld", sort);
	}
	fputs("}}", p->f);
}

static struct thread *slot(struct thread *t, size_t n, uint32_t tid)
{
	size_t i = (tid * 2654435761u) & (n - 1);

	while (t[i].used && t[i].tid != tid)
		i = (i + 1) & (n - 1);
	return &t[i];
}

static int grow_threads(struct trace_perfetto *p)
{
	size_t n = p->nthreads ? 2 * p->nthreads : THREADS_MIN, i;
	struct thread *t = calloc(n, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; i < p->nthreads; i++)
		if (p->thread[i].used)
			*slot(t, n, p->thread[i].tid) = p->thread[i];
	free(p->thread);
	p->thread = t;
	p->nthreads = n;
	return 0;
}

/* @tid's entry, made when @create; NULL when absent or out of memory. */
static struct thread *thread_get(struct trace_perfetto *p, uint32_t tid,
				 bool create)
{
	struct thread *t;

	if (!p->nthreads)
		return NULL;
	t = slot(p->thread, p->nthreads, tid);
	if (t->used || !create)
		return t->used ? t : NULL;
	if (2 * (p->used + 1) > p->nthreads) {
		if (grow_threads(p))
			return NULL;
		t = slot(p->thread, p->nthreads, tid);
	}
	t->used = true;
	t->tid = tid;
	p->used++;
	return t;
}

/* @cpu's state, its track named before its first event; NULL: -ENOMEM. */
static struct cpu *cpu_get(struct trace_perfetto *p, unsigned int n)
{
	char name[32];

	if (n >= p->ncpus) {
		struct cpu *c = realloc(p->cpu, (n + 1) * sizeof(*c));

		if (!c)
			return NULL;
		memset(c + p->ncpus, 0, (n + 1 - p->ncpus) * sizeof(*c));
		p->cpu = c;
		p->ncpus = n + 1;
	}
	if (!p->cpu[n].named) {
		snprintf(name, sizeof(name), "CPU %u", n);
		meta(p, "thread_name", TRACE_PERFETTO_CPUS_PID, cpu_tid(n),
		     name, 0);
		meta(p, "thread_sort_index", TRACE_PERFETTO_CPUS_PID,
		     cpu_tid(n), NULL, n);
		p->cpu[n].named = true;
	}
	return &p->cpu[n];
}

static void name_thread(struct trace_perfetto *p, uint32_t pid, uint32_t tid,
			const char comm[16])
{
	char name[TRACE_COMM_LEN + 1];
	struct thread *t;

	if (!tid)
		return;		/* the idle tasks, one per CPU */
	trace_comm(name, comm);
	t = thread_get(p, tid, true);
	if (!t || !strcmp(t->comm, name))
		return;
	strcpy(t->comm, name);
	meta(p, "thread_name", pid, tid, name, 0);
	if (pid == tid)
		meta(p, "process_name", pid, tid, name, 0);
}

static void sys_unfinished(struct trace_perfetto *p, struct thread *t)
{
	instant(p, &(struct ev_id){ "syscall", trace_syscall_name(t->nr),
				    t->pid, t->tid }, t->t);
	fprintf(p->f, ",\"args\":{\"nr\":%" PRId64 ",\"unfinished\":true}}",
		t->nr);
	t->in_sys = false;
	p->n.unfinished++;
}

static int sys_enter(struct trace_perfetto *p, const struct llkm_rec *rec,
		     const struct llkm_rec_sys_enter *e)
{
	struct thread *t = thread_get(p, rec->tid, true);

	if (!t)
		return -ENOMEM;
	if (t->in_sys)
		sys_unfinished(p, t);
	t->in_sys = true;
	t->pid = rec->pid;
	t->nr = e->nr;
	t->t = rec->time_ns;
	return 0;
}

static void sys_exit(struct trace_perfetto *p, const struct llkm_rec *rec,
		     const struct llkm_rec_sys_exit *x)
{
	struct thread *t = thread_get(p, rec->tid, false);

	if (!t || !t->in_sys || t->nr != x->nr || rec->time_ns < t->t) {
		if (t && t->in_sys)
			sys_unfinished(p, t);
		p->n.orphans++;
		return;
	}
	complete(p, &(struct ev_id){ "syscall", trace_syscall_name(x->nr),
				     t->pid, t->tid }, t->t, rec->time_ns);
	fprintf(p->f, ",\"args\":{\"nr\":%" PRId64 ",\"ret\":%" PRId64 "}}",
		(int64_t)x->nr, (int64_t)x->ret);
	t->in_sys = false;
}

static void irq_name(char *buf, size_t len, uint32_t irq)
{
	snprintf(buf, len, "irq %" PRIu32, irq);
}

static void irq_unfinished(struct trace_perfetto *p, struct cpu *c,
			   unsigned int n)
{
	char name[32];

	irq_name(name, sizeof(name), c->irq);
	instant(p, &(struct ev_id){ "irq", name, TRACE_PERFETTO_CPUS_PID,
				    cpu_tid(n) }, c->irq_t);
	fprintf(p->f, ",\"args\":{\"irq\":%" PRIu32 ",\"unfinished\":true}}",
		c->irq);
	c->in_irq = false;
	p->n.unfinished++;
}

static void irq_entry(struct trace_perfetto *p, struct cpu *c, unsigned int n,
		      const struct llkm_rec *rec, const struct llkm_rec_irq *i)
{
	if (c->in_irq)
		irq_unfinished(p, c, n);
	c->in_irq = true;
	c->irq = i->irq;
	c->irq_t = rec->time_ns;
}

static void irq_exit(struct trace_perfetto *p, struct cpu *c, unsigned int n,
		     const struct llkm_rec *rec, const struct llkm_rec_irq *i)
{
	char name[32];

	if (!c->in_irq || c->irq != i->irq || rec->time_ns < c->irq_t) {
		if (c->in_irq)
			irq_unfinished(p, c, n);
		p->n.orphans++;
		return;
	}
	irq_name(name, sizeof(name), i->irq);
	complete(p, &(struct ev_id){ "irq", name, TRACE_PERFETTO_CPUS_PID,
				     cpu_tid(n) }, c->irq_t, rec->time_ns);
	fprintf(p->f, ",\"args\":{\"irq\":%" PRIu32 ",\"ret\":%" PRId32 "}}",
		i->irq, i->ret);
	c->in_irq = false;
}

static void softirq_name(char *buf, size_t len, uint32_t vec)
{
	snprintf(buf, len, "softirq %s", trace_softirq_name(vec));
}

static void softirq_unfinished(struct trace_perfetto *p, struct cpu *c,
			       unsigned int n)
{
	char name[32];

	softirq_name(name, sizeof(name), c->vec);
	instant(p, &(struct ev_id){ "softirq", name, TRACE_PERFETTO_CPUS_PID,
				    cpu_tid(n) }, c->softirq_t);
	fprintf(p->f, ",\"args\":{\"vec\":%" PRIu32 ",\"unfinished\":true}}",
		c->vec);
	c->in_softirq = false;
	p->n.unfinished++;
}

static void softirq_entry(struct trace_perfetto *p, struct cpu *c,
			  unsigned int n, const struct llkm_rec *rec,
			  const struct llkm_rec_softirq *s)
{
	if (c->in_softirq)
		softirq_unfinished(p, c, n);
	c->in_softirq = true;
	c->vec = s->vec;
	c->softirq_t = rec->time_ns;
}

static void softirq_exit(struct trace_perfetto *p, struct cpu *c,
			 unsigned int n, const struct llkm_rec *rec,
			 const struct llkm_rec_softirq *s)
{
	char name[32];

	if (!c->in_softirq || c->vec != s->vec || rec->time_ns < c->softirq_t) {
		if (c->in_softirq)
			softirq_unfinished(p, c, n);
		p->n.orphans++;
		return;
	}
	softirq_name(name, sizeof(name), s->vec);
	complete(p, &(struct ev_id){ "softirq", name, TRACE_PERFETTO_CPUS_PID,
				     cpu_tid(n) }, c->softirq_t, rec->time_ns);
	fprintf(p->f, ",\"args\":{\"vec\":%" PRIu32 "}}", s->vec);
	c->in_softirq = false;
}

static void sched_switch(struct trace_perfetto *p, unsigned int n,
			 const struct llkm_rec *rec,
			 const struct llkm_rec_sched_switch *s)
{
	char comm[TRACE_COMM_LEN + 1];

	if (rec->tid == s->prev_tid)
		name_thread(p, rec->pid, s->prev_tid, s->prev_comm);
	name_thread(p, s->next_pid, s->next_tid, s->next_comm);
	instant(p, &(struct ev_id){ "sched", "sched_switch",
				    TRACE_PERFETTO_CPUS_PID, cpu_tid(n) },
		rec->time_ns);
	fprintf(p->f, ",\"args\":{\"prev_tid\":%" PRIu32 ",\"prev_comm\":",
		s->prev_tid);
	put_str(p->f, trace_comm(comm, s->prev_comm));
	fprintf(p->f, ",\"prev_state\":%" PRIu32 ",\"next_tid\":%" PRIu32
		",\"next_pid\":%" PRIu32 ",\"next_comm\":", s->prev_state,
		s->next_tid, s->next_pid);
	put_str(p->f, trace_comm(comm, s->next_comm));
	fputs("}}", p->f);
}

static void process_fork(struct trace_perfetto *p,
			 const struct llkm_rec *rec,
			 const struct llkm_rec_fork *fk)
{
	instant(p, &(struct ev_id){ "sched", "sched_process_fork", rec->pid,
				    rec->tid }, rec->time_ns);
	fprintf(p->f, ",\"args\":{\"child_pid\":%" PRIu32 ",\"child_tid\":%"
		PRIu32 "}}", fk->child_pid, fk->child_tid);
}

/* Records that belong to a CPU's track. */
static int on_cpu(struct trace_perfetto *p, const struct llkm_rec *rec,
		  const void *pl)
{
	struct cpu *c;

	if (rec->cpu >= TRACE_PERFETTO_CPUS_MAX)
		return -ERANGE;
	c = cpu_get(p, rec->cpu);
	if (!c)
		return -ENOMEM;
	switch (rec->type) {
	case LLKM_REC_IRQ_ENTRY:
		irq_entry(p, c, rec->cpu, rec, pl);
		break;
	case LLKM_REC_IRQ_EXIT:
		irq_exit(p, c, rec->cpu, rec, pl);
		break;
	case LLKM_REC_SOFTIRQ_ENTRY:
		softirq_entry(p, c, rec->cpu, rec, pl);
		break;
	case LLKM_REC_SOFTIRQ_EXIT:
		softirq_exit(p, c, rec->cpu, rec, pl);
		break;
	case LLKM_REC_SCHED_SWITCH:
		sched_switch(p, rec->cpu, rec, pl);
		break;
	}
	return 0;
}

struct trace_perfetto *trace_perfetto_open(const char *path)
{
	struct trace_perfetto *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return NULL;
	if (!path || !strcmp(path, "-")) {
		p->f = stdout;
	} else {
		p->f = fopen(path, "w");
		p->own = true;
	}
	if (!p->f || grow_threads(p)) {
		err = p->f ? ENOMEM : errno;
		if (p->own && p->f)
			fclose(p->f);
		free(p);
		errno = err;
		return NULL;
	}
	p->first = true;
	fputs("{\"traceEvents\":[", p->f);
	meta(p, "process_name", TRACE_PERFETTO_CPUS_PID,
	     TRACE_PERFETTO_CPUS_PID, "CPUs", 0);
	return p;
}

int trace_perfetto_write(struct trace_perfetto *p, const struct llkm_rec *rec)
{
	const void *pl = trace_event_payload(rec);
	int ret = 0;

	if (!trace_event_name(rec->type)) {
		p->n.skipped++;
		return 0;
	}
	if (!pl)
		return -EINVAL;
	switch (rec->type) {
	case LLKM_REC_SYS_ENTER:
		ret = sys_enter(p, rec, pl);
		break;
	case LLKM_REC_SYS_EXIT:
		sys_exit(p, rec, pl);
		break;
	case LLKM_REC_FORK:
		process_fork(p, rec, pl);
		break;
	default:
		ret = on_cpu(p, rec, pl);
		break;
	}
	return ret ?: (ferror(p->f) ? -EIO : 0);
}

void trace_perfetto_counts(const struct trace_perfetto *p,
			   struct trace_perfetto_counts *n)
{
	*n = p->n;
}

int trace_perfetto_close(struct trace_perfetto *p)
{
	unsigned int i;
	int ret = 0;

	if (!p)
		return 0;
	for (i = 0; i < p->nthreads; i++)
		if (p->thread[i].used && p->thread[i].in_sys)
			sys_unfinished(p, &p->thread[i]);
	for (i = 0; i < p->ncpus; i++) {
		if (p->cpu[i].in_irq)
			irq_unfinished(p, &p->cpu[i], i);
		if (p->cpu[i].in_softirq)
			softirq_unfinished(p, &p->cpu[i], i);
	}
	fputs("\n],\"displayTimeUnit\":\"ns\"}\n", p->f);
	if (fflush(p->f) || ferror(p->f))
		ret = -EIO;
	if (p->own && fclose(p->f))
		ret = -EIO;
	free(p->thread);
	free(p->cpu);
	free(p);
	return ret;
}
