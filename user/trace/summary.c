// SPDX-License-Identifier: GPL-2.0
/*
 * The trace summary. Records come in time order across CPUs, so a
 * syscall's entry pairs with the next exit of the same thread, and an IRQ
 * or softirq entry with the next exit on the same CPU. An exit whose entry
 * came before the trace (or was lost) is counted but not timed: "timed"
 * says how many latencies the statistics rest on.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/env.h"
#include "lib/plausible.h"
#include "lib/text.h"
#include "lib/util.h"
#include "trace/decode.h"
#include "trace/events.h"
#include "trace/summary.h"
#include "trace/syscalls.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_NR		1024
#define MAX_IRQ		4096
#define NR_SOFTIRQS	10
#define HIST		40	/* log2 buckets of ns */
#define TIDS		(1 << 16)

struct stat_ns {
	uint64_t count, errors, timed, total_ns, min_ns, max_ns;
	uint64_t hist[HIST];
};

struct pending {
	uint32_t tid;		/* 0: free */
	int64_t nr;		/* -1: none */
	uint64_t t;
};

struct task_sw {
	uint32_t tid;		/* 0: free */
	uint32_t switches;
	char comm[16];
};

/* One syscall of one process (--by-process). */
struct proc_sys {
	int nr;
	struct stat_ns st;
};

/* A process (thread group) and its syscalls, sparse: few of them each. */
struct proc {
	uint32_t pid;		/* 0: free */
	uint64_t calls, errors, total_ns;
	struct proc_sys *sys;
	int nsys, cap;
};

struct cpu_state {
	int irq;		/* -1: none pending */
	uint64_t irq_t;
	uint64_t softirq_t[NR_SOFTIRQS];	/* 0: none pending */
};

struct trace_summary {
	int ncpus;
	uint32_t events;
	uint32_t cmd_pid;
	bool started;
	struct stat_ns sys[MAX_NR];
	uint64_t sys_unknown;		/* numbers beyond MAX_NR */
	struct pending tid[TIDS];
	struct stat_ns *irq;		/* [MAX_IRQ][ncpus], calloc'ed */
	struct stat_ns *softirq;	/* [NR_SOFTIRQS][ncpus] */
	struct cpu_state *cpu;		/* [ncpus] */
	uint64_t switches;
	struct task_sw task[TIDS];
	uint64_t task_overflow;
	const uint8_t *only;		/* --syscall bitmap, or NULL */
	unsigned int only_len;
	uint64_t wall_ns;		/* the session's, 0: not known */
	bool hist;			/* the text draws histograms */
	struct trace_comms *comms;	/* names processes, or NULL */
	struct proc *procs;		/* [TIDS] with --by-process */
	uint64_t procs_overflow;	/* syscalls of processes not listed */
	uint64_t paths, paths_cut, paths_faulted;	/* in entries */
};

struct trace_summary *trace_summary_new(int ncpus, uint32_t events,
					uint32_t cmd_pid)
{
	struct trace_summary *s = calloc(1, sizeof(*s));
	int c;

	if (!s)
		return NULL;
	s->ncpus = ncpus;
	s->events = events;
	s->cmd_pid = cmd_pid;
	s->started = !cmd_pid;
	s->irq = calloc((size_t)MAX_IRQ * ncpus, sizeof(*s->irq));
	s->softirq = calloc((size_t)NR_SOFTIRQS * ncpus, sizeof(*s->softirq));
	s->cpu = calloc(ncpus, sizeof(*s->cpu));
	if (!s->irq || !s->softirq || !s->cpu) {
		trace_summary_free(s);
		return NULL;
	}
	for (c = 0; c < ncpus; c++)
		s->cpu[c].irq = -1;
	return s;
}

void trace_summary_only(struct trace_summary *s, const uint8_t *bits,
			unsigned int len)
{
	s->only = bits;
	s->only_len = len;
}

void trace_summary_hist(struct trace_summary *s, bool on)
{
	s->hist = on;
}

void trace_summary_comms(struct trace_summary *s, struct trace_comms *c)
{
	s->comms = c;
}

int trace_summary_by_process(struct trace_summary *s, bool on)
{
	if (!on || s->procs)
		return 0;
	s->procs = calloc(TIDS, sizeof(*s->procs));
	return s->procs ? 0 : -1;
}

void trace_summary_wall(struct trace_summary *s, uint64_t wall_ns)
{
	s->wall_ns = wall_ns;
}

/* @st's max_ns is no longer than the session (when its length is known). */
static bool max_plausible(const struct trace_summary *s,
			  const struct stat_ns *st, char *why, size_t len)
{
	return !s->wall_ns || llctl_plausible(LLCTL_PLAUS_LATENCY_NS,
					      (double)st->max_ns,
					      (double)s->wall_ns, why, len);
}

void trace_summary_free(struct trace_summary *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; s->procs && i < TIDS; i++)
		free(s->procs[i].sys);
	free(s->procs);
	free(s->irq);
	free(s->softirq);
	free(s->cpu);
	free(s);
}

static void timed(struct stat_ns *st, uint64_t from, uint64_t to)
{
	uint64_t d;
	int b;

	if (to < from)
		return;
	d = to - from;
	st->min_ns = st->timed && st->min_ns < d ? st->min_ns : d;
	st->max_ns = st->max_ns > d ? st->max_ns : d;
	st->total_ns += d;
	st->timed++;
	b = d ? 64 - __builtin_clzll(d) : 0;
	st->hist[b < HIST ? b : HIST - 1]++;
}

static unsigned int hash(uint32_t tid)
{
	return (tid * 2654435761u) & (TIDS - 1);
}

static struct pending *pending_of(struct trace_summary *s, uint32_t tid)
{
	unsigned int i = hash(tid), n;

	for (n = 0; n < TIDS; n++, i = (i + 1) & (TIDS - 1))
		if (s->tid[i].tid == tid || !s->tid[i].tid)
			return &s->tid[i];
	return NULL;
}

static struct task_sw *task_of(struct trace_summary *s, uint32_t tid)
{
	unsigned int i = hash(tid), n;

	for (n = 0; n < TIDS; n++, i = (i + 1) & (TIDS - 1))
		if (s->task[i].tid == tid || !s->task[i].tid)
			return &s->task[i];
	return NULL;
}

/* Process @pid's stats of syscall @nr, made on first sight; NULL: full. */
static struct stat_ns *proc_stat(struct trace_summary *s, uint32_t pid, int nr,
				 struct proc **proc)
{
	unsigned int i = hash(pid), n;
	struct proc *pr = NULL;
	struct proc_sys *grown;
	int k;

	for (n = 0; n < TIDS && pid; n++, i = (i + 1) & (TIDS - 1))
		if (s->procs[i].pid == pid || !s->procs[i].pid) {
			pr = &s->procs[i];
			break;
		}
	if (!pr)
		return NULL;
	pr->pid = pid;
	*proc = pr;
	for (k = 0; k < pr->nsys; k++)
		if (pr->sys[k].nr == nr)
			return &pr->sys[k].st;
	if (pr->nsys == pr->cap) {
		grown = realloc(pr->sys, (pr->cap * 2 + 8) * sizeof(*grown));
		if (!grown)
			return NULL;
		pr->sys = grown;
		pr->cap = pr->cap * 2 + 8;
	}
	memset(&pr->sys[pr->nsys], 0, sizeof(pr->sys[0]));
	pr->sys[pr->nsys].nr = nr;
	return &pr->sys[pr->nsys++].st;
}

/* --by-process: the same counts, per process. */
static void add_proc(struct trace_summary *s, const struct llkm_rec *rec,
		     int nr, bool entry, bool error, const struct pending *p)
{
	struct proc *pr = NULL;
	struct stat_ns *st = proc_stat(s, rec->pid, nr, &pr);

	if (!st) {
		s->procs_overflow += entry;
		return;
	}
	if (entry) {
		st->count++;
		pr->calls++;
		return;
	}
	if (error) {
		st->errors++;
		pr->errors++;
	}
	if (p && p->tid == rec->tid && p->nr == nr && rec->time_ns >= p->t) {
		timed(st, p->t, rec->time_ns);
		pr->total_ns += rec->time_ns - p->t;
	}
}

static void path_count(void *arg, const struct llkm_rec_sys_path *sp)
{
	struct trace_summary *s = arg;

	s->paths++;
	s->paths_cut += !!(sp->flags & LLKM_PATH_CUT);
	s->paths_faulted += !!(sp->flags & LLKM_PATH_FAULT);
}

static void add_syscall(struct trace_summary *s, const struct llkm_rec *rec)
{
	struct pending *p = pending_of(s, rec->tid);

	if (rec->type == LLKM_REC_SYS_ENTER) {
		const struct llkm_rec_sys_enter *e = (const void *)(rec + 1);

		if (e->nr < 0 || e->nr >= MAX_NR) {
			s->sys_unknown++;
			return;
		}
		s->sys[e->nr].count++;
		trace_decode_paths(e, rec->size - sizeof(*rec), path_count, s);
		if (s->procs)
			add_proc(s, rec, (int)e->nr, true, false, NULL);
		if (p) {
			p->tid = rec->tid;
			p->nr = e->nr;
			p->t = rec->time_ns;
		}
	} else {
		const struct llkm_rec_sys_exit *x = (const void *)(rec + 1);

		if (x->nr < 0 || x->nr >= MAX_NR)
			return;
		if (x->ret < 0 && x->ret >= -4095)
			s->sys[x->nr].errors++;
		if (s->procs)
			add_proc(s, rec, (int)x->nr, false,
				 x->ret < 0 && x->ret >= -4095, p);
		if (!p || p->tid != rec->tid || p->nr != x->nr)
			return;		/* entered before the trace, or lost */
		timed(&s->sys[x->nr], p->t, rec->time_ns);
		p->nr = -1;
	}
}

static void add_irq(struct trace_summary *s, const struct llkm_rec *rec)
{
	const struct llkm_rec_irq *q = (const void *)(rec + 1);
	struct cpu_state *c = &s->cpu[rec->cpu];

	if (q->irq >= MAX_IRQ)
		return;
	if (rec->type == LLKM_REC_IRQ_ENTRY) {
		s->irq[(size_t)q->irq * s->ncpus + rec->cpu].count++;
		c->irq = q->irq;
		c->irq_t = rec->time_ns;
	} else if (c->irq == (int)q->irq) {
		timed(&s->irq[(size_t)q->irq * s->ncpus + rec->cpu], c->irq_t,
		      rec->time_ns);
		c->irq = -1;
	}
}

static void add_softirq(struct trace_summary *s, const struct llkm_rec *rec)
{
	const struct llkm_rec_softirq *q = (const void *)(rec + 1);
	struct cpu_state *c = &s->cpu[rec->cpu];

	if (q->vec >= NR_SOFTIRQS)
		return;
	if (rec->type == LLKM_REC_SOFTIRQ_ENTRY) {
		s->softirq[q->vec * s->ncpus + rec->cpu].count++;
		c->softirq_t[q->vec] = rec->time_ns;
	} else if (c->softirq_t[q->vec]) {
		timed(&s->softirq[q->vec * s->ncpus + rec->cpu],
		      c->softirq_t[q->vec], rec->time_ns);
		c->softirq_t[q->vec] = 0;
	}
}

static void add_switch(struct trace_summary *s, const struct llkm_rec *rec)
{
	const struct llkm_rec_sched_switch *q = (const void *)(rec + 1);
	struct task_sw *t = task_of(s, q->prev_tid ? q->prev_tid : ~0u);

	s->switches++;
	if (!t) {
		s->task_overflow++;
		return;
	}
	t->tid = q->prev_tid ? q->prev_tid : ~0u;	/* idle is tid 0 */
	t->switches++;
	memcpy(t->comm, q->prev_comm, sizeof(t->comm));
	t->comm[sizeof(t->comm) - 1] = '\0';
}

bool trace_summary_take(struct trace_summary *s, const struct llkm_rec *rec)
{
	if ((int)rec->cpu >= s->ncpus)
		return false;
	/*
	 * The held child's own calls before CMD are not CMD's: syscalls count
	 * from its execve on. IRQs, softirqs and switches belong to the CPUs
	 * and count from the start.
	 */
	if (!s->started && (rec->type == LLKM_REC_SYS_ENTER ||
			    rec->type == LLKM_REC_SYS_EXIT)) {
		const struct llkm_rec_sys_enter *e = (const void *)(rec + 1);

		if (rec->type != LLKM_REC_SYS_ENTER || rec->tid != s->cmd_pid ||
		    e->nr != trace_syscall_nr("execve"))
			return false;
		s->started = true;
	}
	switch (rec->type) {
	case LLKM_REC_SYS_ENTER:
	case LLKM_REC_SYS_EXIT: {
		const struct llkm_rec_sys_exit *x = (const void *)(rec + 1);

		/* nr is the first field of both payloads. */
		if (s->only && (x->nr < 0 || (uint64_t)x->nr >= s->only_len * 8ULL ||
				!(s->only[x->nr / 8] & (1 << (x->nr % 8)))))
			return false;
		add_syscall(s, rec);
		break;
	}
	case LLKM_REC_IRQ_ENTRY:
	case LLKM_REC_IRQ_EXIT:
		add_irq(s, rec);
		break;
	case LLKM_REC_SOFTIRQ_ENTRY:
	case LLKM_REC_SOFTIRQ_EXIT:
		add_softirq(s, rec);
		break;
	case LLKM_REC_SCHED_SWITCH:
		add_switch(s, rec);
		break;
	}
	return true;
}

/* IRQ names as /proc/interrupts gives them (its last column). */
static char *irq_name(int irq)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char *line = NULL, *name = NULL, *end, *p;
	size_t len = 0;

	while (f && !name && getline(&line, &len, f) > 0) {
		if (strtol(line, &end, 10) != irq || *end != ':')
			continue;
		end[strcspn(end, "\n")] = '\0';
		p = strrchr(end, ' ');
		name = strdup(p ? p + 1 : "");
	}
	free(line);
	if (f)
		fclose(f);
	return name ? name : strdup("");
}

static int by_count(const void *a, const void *b, void *arg)
{
	const struct stat_ns *st = arg;
	int x = *(const int *)a, y = *(const int *)b;

	if (st[x].count != st[y].count)
		return st[x].count < st[y].count ? 1 : -1;
	return x - y;
}

/* The syscalls of @sys[MAX_NR] seen, most calls first. */
static int sorted_nrs(const struct stat_ns *sys, int *nrs)
{
	int i, n = 0;

	for (i = 0; i < MAX_NR; i++)
		if (sys[i].count || sys[i].errors)
			nrs[n++] = i;
	qsort_r(nrs, n, sizeof(*nrs), by_count, (void *)sys);
	return n;
}

static uint64_t avg(const struct stat_ns *st)
{
	return st->timed ? st->total_ns / st->timed : 0;
}

/*
 * Every count a person reads in the summary: grouped as the locale groups
 * thousands (lib/text.h), as profile prints its counts. A count's buffer.
 */
#define COUNT_LEN	32

static const char *count(char *buf, uint64_t v)
{
	return llctl_text_u64(buf, COUNT_LEN, v);
}

/* The syscalls the module left out on purpose, each line after @prefix. */
static void not_recorded_print(FILE *f, const struct trace_summary *s,
			       const struct trace_ring_totals *t,
			       const char *prefix)
{
	char n[COUNT_LEN];

	if (t->compat)
		fprintf(f, "%scompat (32-bit) syscalls not recorded: %s\n",
			prefix, count(n, t->compat));
	if (t->self && (s->events & LLKM_TRACE_EV_SYSCALLS))
		fprintf(f, "%sllctl's own syscalls (pid %u) not recorded: --include-self records them\n",
			prefix, t->self);
}

/* The paths the entries carried, each line after @prefix: the cut ones counted. */
static void paths_print(FILE *f, const struct trace_summary *s,
			const char *prefix)
{
	char n[3][COUNT_LEN];

	if (s->paths)
		fprintf(f, "%spaths: %s in entries, %s cut at %d bytes, %s not copied (page not present)\n",
			prefix, count(n[0], s->paths), count(n[1], s->paths_cut),
			LLKM_PATH_MAX, count(n[2], s->paths_faulted));
}

/* The ring's line, after @prefix: produced = delivered + lost. */
static void ring_print(FILE *f, const struct trace_ring_totals *t,
		       const char *prefix)
{
	char n[3][COUNT_LEN];

	fprintf(f, "%sring: produced %s, delivered %s, lost %s\n", prefix,
		count(n[0], t->produced), count(n[1], t->delivered),
		count(n[2], t->lost));
}

/* Most time first, as strace -c sorts; then most calls, then the number. */
static int by_time(const void *a, const void *b, void *arg)
{
	const struct stat_ns *st = arg;
	int x = *(const int *)a, y = *(const int *)b;

	if (st[x].total_ns != st[y].total_ns)
		return st[x].total_ns < st[y].total_ns ? 1 : -1;
	return by_count(a, b, arg);
}

/*
 * strace -c's columns, its widths the least: a grouped count wider than
 * strace's widens its column, and the rules with it.
 */
static const struct llctl_text_col sys_cols[] = {
	{ "% time", LLCTL_TEXT_RIGHT, 6, 0, false, 0 },
	{ "total", LLCTL_TEXT_RIGHT, 10, 1, false, 0 },
	{ "avg", LLCTL_TEXT_RIGHT, 10, 1, false, 0 },
	{ "min", LLCTL_TEXT_RIGHT, 10, 1, false, 0 },
	{ "max", LLCTL_TEXT_RIGHT, 10, 1, false, 0 },
	{ "calls", LLCTL_TEXT_RIGHT, 9, 1, false, 0 },
	{ "errors", LLCTL_TEXT_RIGHT, 8, 1, false, 0 },
	{ "syscall", LLCTL_TEXT_LEFT, 16, 2, false, 0 },
};

/* The share of @part in @all, "%.2f" as strace -c prints it. */
static const char *share(char *buf, size_t len, uint64_t part, uint64_t all)
{
	snprintf(buf, len, "%.2f", all ? 100.0 * part / all : 0.0);
	return buf;
}

/* "(out of memory: ... not shown)": never a table left out silently. */
static void no_table(FILE *f, const char *what)
{
	fprintf(f, "(out of memory: the %s table is not shown)\n", what);
}

/*
 * The syscall table, as strace -c lays it out: the share of the time in
 * syscalls, the times in units that read (total, then per call), calls,
 * errors, in the order of @nrs (@n of them), and a total. A max longer
 * than the session is "!".
 */
static void syscalls_print(FILE *f, const struct trace_summary *s,
			   const struct stat_ns *sys, const int *nrs, int n)
{
	struct llctl_text_table *t = llctl_text_table_new(sys_cols, ARRAY_SIZE(sys_cols));
	char why[320], max[24], tot[24], av[24], mn[24], pct[16];
	uint64_t all_ns = 0, calls = 0, errors = 0;
	bool flagged = false;
	char c[2][COUNT_LEN];
	int i;

	if (!t) {
		no_table(f, "syscall");
		return;
	}
	for (i = 0; i < n; i++)
		all_ns += sys[nrs[i]].total_ns;
	llctl_text_table_rule(t);
	for (i = 0; i < n; i++) {
		const struct stat_ns *st = &sys[nrs[i]];

		if (max_plausible(s, st, why, sizeof(why))) {
			llctl_text_ns(max, sizeof(max), (double)st->max_ns);
		} else {
			snprintf(max, sizeof(max), "!");
			flagged = true;
		}
		llctl_text_table_row(t, share(pct, sizeof(pct), st->total_ns, all_ns),
				     llctl_text_ns(tot, sizeof(tot), (double)st->total_ns),
				     llctl_text_ns(av, sizeof(av), (double)avg(st)),
				     llctl_text_ns(mn, sizeof(mn), (double)st->min_ns), max,
				     count(c[0], st->count), count(c[1], st->errors),
				     trace_syscall_name(nrs[i]));
		calls += st->count;
		errors += st->errors;
	}
	llctl_text_table_rule(t);
	llctl_text_table_row(t, share(pct, sizeof(pct), all_ns, all_ns),
			     llctl_text_ns(tot, sizeof(tot), (double)all_ns), "", "", "",
			     count(c[0], calls), count(c[1], errors), "total");
	llctl_text_table_print(f, t, 0);
	llctl_text_table_free(t);
	if (flagged)
		fprintf(f, "!: implausible, longer than the session's %s ns (%s)\n",
			count(c[0], s->wall_ns),
			llctl_plaus_bound(LLCTL_PLAUS_LATENCY_NS)->why);
}

#define HIST_BAR	40	/* the longest bar, in stars, funclatency's */

/*
 * One syscall's log2 histogram, as bcc's funclatency prints it: a line a
 * bucket from the first counted to the last, "low -> high", the count and
 * a bar scaled to the largest. A bucket holds [2^(b-1), 2^b - 1] ns; the
 * last also everything longer, shown as "low -> ...".
 */
static void hist_print(FILE *f, const struct stat_ns *st, const char *name)
{
	uint64_t most = 0, lo, hi;
	int b, first = -1, last = -1, stars;
	char range[48];
	char n[COUNT_LEN];

	for (b = 0; b < HIST; b++) {
		if (!st->hist[b])
			continue;
		first = first < 0 ? b : first;
		last = b;
		most = st->hist[b] > most ? st->hist[b] : most;
	}
	if (first < 0)
		return;
	fprintf(f, "\n%s: %s calls timed\n%24s : %-8s %s\n", name,
		count(n, st->timed), "ns", "count", "distribution");
	for (b = first; b <= last; b++) {
		lo = b ? 1ULL << (b - 1) : 0;
		hi = b ? (1ULL << b) - 1 : 0;
		if (b == HIST - 1)
			snprintf(range, sizeof(range), "%lu -> ...", (unsigned long)lo);
		else
			snprintf(range, sizeof(range), "%lu -> %lu",
				 (unsigned long)lo, (unsigned long)hi);
		stars = (int)((st->hist[b] * HIST_BAR + most - 1) / most);
		fprintf(f, "%24s : %-8s |%-*.*s|\n", range, count(n, st->hist[b]),
			HIST_BAR, stars, "****************************************");
	}
}

/* Every syscall's histogram, in the table's order (@nrs, @n). */
static void hists_print(FILE *f, const struct trace_summary *s,
			const int *nrs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		hist_print(f, &s->sys[nrs[i]], trace_syscall_name(nrs[i]));
}

int trace_summary_hists(const struct trace_summary *s, struct trace_hist *h, int max)
{
	int nrs[MAX_NR], n, i, k = 0;

	n = sorted_nrs(s->sys, nrs);
	qsort_r(nrs, n, sizeof(*nrs), by_time, (void *)s->sys);
	for (i = 0; i < n && k < max; i++)
		if (s->sys[nrs[i]].timed)
			h[k++] = (struct trace_hist){ trace_syscall_name(nrs[i]),
						      s->sys[nrs[i]].hist, HIST,
						      s->sys[nrs[i]].timed };
	return k;
}

/* The processes seen, most time in syscalls first, then most calls. */
static int by_proc_time(const void *a, const void *b)
{
	const struct proc *x = *(const struct proc *const *)a;
	const struct proc *y = *(const struct proc *const *)b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The listed processes, sorted, in a malloc()ed array; -1: no memory. */
static int sorted_procs(const struct trace_summary *s, const struct proc ***out)
{
	const struct proc **v = malloc(TIDS * sizeof(*v));
	int i, n = 0;

	*out = v;
	if (!v)
		return -1;
	for (i = 0; i < TIDS; i++)
		if (s->procs[i].pid)
			v[n++] = &s->procs[i];
	qsort(v, n, sizeof(*v), by_proc_time);
	return n;
}

/* A process's syscalls as a full table, for the code of the totals. */
static struct stat_ns *proc_table(const struct proc *pr)
{
	struct stat_ns *sys = calloc(MAX_NR, sizeof(*sys));
	int k;

	for (k = 0; sys && k < pr->nsys; k++)
		sys[pr->sys[k].nr] = pr->sys[k].st;
	return sys;
}

static const char *proc_comm(const struct trace_summary *s, uint32_t pid)
{
	return trace_comms_get(s->comms, pid, pid);
}

/*
 * perf trace --summary's shape: a heading per process, "comm (pid), N
 * syscalls", then its table as the total's, most time first.
 */
static void procs_print(FILE *f, const struct trace_summary *s)
{
	const struct proc **v;
	int n = sorted_procs(s, &v), i, m;
	int nrs[MAX_NR];
	struct stat_ns *sys;
	char tot[24];
	char c[2][COUNT_LEN];

	for (i = 0; i < n; i++) {
		sys = proc_table(v[i]);
		if (!sys)
			break;
		fprintf(f, "\n %s (%u), %s syscalls, %s errors, %s in syscalls\n\n",
			proc_comm(s, v[i]->pid), v[i]->pid, count(c[0], v[i]->calls),
			count(c[1], v[i]->errors),
			llctl_text_ns(tot, sizeof(tot), (double)v[i]->total_ns));
		m = sorted_nrs(sys, nrs);
		qsort_r(nrs, m, sizeof(*nrs), by_time, sys);
		syscalls_print(f, s, sys, nrs, m);
		free(sys);
	}
	if (n < 0 || i < n)
		fputs("\n(out of memory: not every process is listed)\n", f);
	if (s->procs_overflow)
		fprintf(f, "\n%s syscalls of processes past the table's %d not listed\n",
			count(c[0], s->procs_overflow), TIDS);
	free(v);
}

static const struct llctl_text_col irq_cols[] = {
	{ "irq", LLCTL_TEXT_RIGHT, 6, 0, false, 0 },
	{ "cpu", LLCTL_TEXT_RIGHT, 4, 1, false, 0 },
	{ "count", LLCTL_TEXT_RIGHT, 10, 1, false, 0 },
	{ "total_ns", LLCTL_TEXT_RIGHT, 14, 1, false, 0 },
	{ "name", LLCTL_TEXT_LEFT, 0, 2, false, 0 },
};

/* Per IRQ and CPU: how many, how long, /proc/interrupts' name. */
static void irqs_print(FILE *f, const struct trace_summary *s)
{
	struct llctl_text_table *t = llctl_text_table_new(irq_cols, ARRAY_SIZE(irq_cols));
	char irq[16], cpu[16];
	char n[2][COUNT_LEN];
	int i, c;

	if (!t) {
		no_table(f, "irq");
		return;
	}
	for (i = 0; i < MAX_IRQ; i++) {
		char *name = NULL;	/* looked up once per IRQ seen */

		for (c = 0; c < s->ncpus; c++) {
			const struct stat_ns *st = &s->irq[(size_t)i * s->ncpus + c];

			if (!st->count)
				continue;
			if (!name)
				name = irq_name(i);
			snprintf(irq, sizeof(irq), "%d", i);
			snprintf(cpu, sizeof(cpu), "%d", c);
			llctl_text_table_row(t, irq, cpu, count(n[0], st->count),
					     count(n[1], st->total_ns), name);
		}
		free(name);
	}
	fputc('\n', f);
	llctl_text_table_print(f, t, 0);
	llctl_text_table_free(t);
}

static const struct llctl_text_col softirq_cols[] = {
	{ "softirq", LLCTL_TEXT_LEFT, 8, 0, false, 0 },
	{ "cpu", LLCTL_TEXT_RIGHT, 4, 1, false, 0 },
	{ "count", LLCTL_TEXT_RIGHT, 10, 1, false, 0 },
	{ "total_ns", LLCTL_TEXT_RIGHT, 14, 1, false, 0 },
};

/* Per softirq vector and CPU: how many and how long. */
static void softirqs_print(FILE *f, const struct trace_summary *s)
{
	struct llctl_text_table *t = llctl_text_table_new(softirq_cols,
							  ARRAY_SIZE(softirq_cols));
	char cpu[16];
	char n[2][COUNT_LEN];
	int i, c;

	if (!t) {
		no_table(f, "softirq");
		return;
	}
	for (i = 0; i < NR_SOFTIRQS; i++)
		for (c = 0; c < s->ncpus; c++) {
			const struct stat_ns *st = &s->softirq[i * s->ncpus + c];

			if (!st->count)
				continue;
			snprintf(cpu, sizeof(cpu), "%d", c);
			llctl_text_table_row(t, trace_softirq_name(i), cpu,
					     count(n[0], st->count),
					     count(n[1], st->total_ns));
		}
	fputc('\n', f);
	llctl_text_table_print(f, t, 0);
	llctl_text_table_free(t);
}

void trace_summary_print(FILE *f, const struct trace_summary *s,
			 const struct trace_ring_totals *t)
{
	int nrs[MAX_NR], n;
	char c[COUNT_LEN];

	if (s->events & LLKM_TRACE_EV_SYSCALLS) {
		/* Most time first, as strace -c: the table and the histograms. */
		n = sorted_nrs(s->sys, nrs);
		qsort_r(nrs, n, sizeof(*nrs), by_time, (void *)s->sys);
		syscalls_print(f, s, s->sys, nrs, n);
		if (s->hist)
			hists_print(f, s, nrs, n);
		if (s->procs)
			procs_print(f, s);
	}
	if (s->events & LLKM_TRACE_EV_IRQS)
		irqs_print(f, s);
	if (s->events & LLKM_TRACE_EV_SOFTIRQS)
		softirqs_print(f, s);
	if (s->events & LLKM_TRACE_EV_SCHED)
		fprintf(f, "\ncontext switches: %s\n", count(c, s->switches));
	ring_print(f, t, "");
	paths_print(f, s, "");
	not_recorded_print(f, s, t, "");
}

/*
 * @count: the key of the count, "calls" for syscalls, "count" else; @s
 * gates max_ns (null and max_ns_reason when longer than the session).
 */
static struct json_object *stat_json(const struct trace_summary *s,
				     const struct stat_ns *st,
				     const char *count, bool hist)
{
	char why[320];
	struct json_object *o = json_object_new_object();
	struct json_object *h;
	int b, last;

	json_object_object_add(o, count, json_object_new_int64(st->count));
	json_object_object_add(o, "timed", json_object_new_int64(st->timed));
	json_object_object_add(o, "total_ns", json_object_new_int64(st->total_ns));
	if (!hist)
		return o;
	json_object_object_add(o, "errors", json_object_new_int64(st->errors));
	json_object_object_add(o, "min_ns", json_object_new_int64(st->min_ns));
	json_object_object_add(o, "avg_ns", json_object_new_int64(avg(st)));
	if (max_plausible(s, st, why, sizeof(why))) {
		json_object_object_add(o, "max_ns", json_object_new_int64(st->max_ns));
	} else {
		json_object_object_add(o, "max_ns", NULL);
		json_object_object_add(o, "max_ns_reason", json_object_new_string(why));
	}
	h = json_object_new_array();
	for (last = HIST - 1; last > 0 && !st->hist[last]; last--)
		;
	for (b = 0; b <= last; b++)
		json_object_array_add(h, json_object_new_int64(st->hist[b]));
	json_object_object_add(o, "hist_log2_ns", h);
	return o;
}

static struct json_object *syscalls_json(const struct trace_summary *s,
					 const struct stat_ns *sys)
{
	struct json_object *arr = json_object_new_array();
	int nrs[MAX_NR], n = sorted_nrs(sys, nrs), i;

	for (i = 0; i < n; i++) {
		struct json_object *e = stat_json(s, &sys[nrs[i]], "calls", true);

		json_object_object_add(e, "name",
				       json_object_new_string(trace_syscall_name(nrs[i])));
		json_object_object_add(e, "nr", json_object_new_int(nrs[i]));
		json_object_array_add(arr, e);
	}
	return arr;
}

static struct json_object *irqs_json(const struct trace_summary *s)
{
	struct json_object *arr = json_object_new_array();
	int i, c;

	for (i = 0; i < MAX_IRQ; i++)
		for (c = 0; c < s->ncpus; c++) {
			const struct stat_ns *st = &s->irq[(size_t)i * s->ncpus + c];
			struct json_object *e;
			char *name;

			if (!st->count)
				continue;
			e = stat_json(s, st, "count", false);
			name = irq_name(i);
			json_object_object_add(e, "irq", json_object_new_int(i));
			json_object_object_add(e, "name", json_object_new_string(name));
			json_object_object_add(e, "cpu", json_object_new_int(c));
			free(name);
			json_object_array_add(arr, e);
		}
	return arr;
}

static struct json_object *softirqs_json(const struct trace_summary *s)
{
	struct json_object *arr = json_object_new_array();
	int i, c;

	for (i = 0; i < NR_SOFTIRQS; i++)
		for (c = 0; c < s->ncpus; c++) {
			const struct stat_ns *st = &s->softirq[i * s->ncpus + c];
			struct json_object *e;

			if (!st->count)
				continue;
			e = stat_json(s, st, "count", false);
			json_object_object_add(e, "name",
					       json_object_new_string(trace_softirq_name(i)));
			json_object_object_add(e, "cpu", json_object_new_int(c));
			json_object_array_add(arr, e);
		}
	return arr;
}

static struct json_object *sched_json(const struct trace_summary *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	int i;

	json_object_object_add(o, "switches", json_object_new_int64(s->switches));
	for (i = 0; i < TIDS; i++) {
		const struct task_sw *t = &s->task[i];
		struct json_object *e;

		if (!t->tid)
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "pid", json_object_new_int64(
			t->tid == ~0u ? 0 : t->tid));
		json_object_object_add(e, "comm", json_object_new_string(t->comm));
		json_object_object_add(e, "switches", json_object_new_int64(t->switches));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "tasks", arr);
	json_object_object_add(o, "tasks_not_listed",
			       json_object_new_int64(s->task_overflow));
	return o;
}

static struct json_object *procs_json(const struct trace_summary *s)
{
	struct json_object *arr = json_object_new_array(), *e;
	const struct proc **v;
	int n = sorted_procs(s, &v), i;
	struct stat_ns *sys;

	for (i = 0; i < n; i++) {
		sys = proc_table(v[i]);
		if (!sys)
			break;
		e = json_object_new_object();
		json_object_object_add(e, "pid", json_object_new_int64(v[i]->pid));
		json_object_object_add(e, "comm",
				       json_object_new_string(proc_comm(s, v[i]->pid)));
		json_object_object_add(e, "calls", json_object_new_int64(v[i]->calls));
		json_object_object_add(e, "errors", json_object_new_int64(v[i]->errors));
		json_object_object_add(e, "total_ns",
				       json_object_new_int64(v[i]->total_ns));
		json_object_object_add(e, "syscalls", syscalls_json(s, sys));
		json_object_array_add(arr, e);
		free(sys);
	}
	free(v);
	return arr;
}

static struct json_object *paths_json(const struct trace_summary *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "count", json_object_new_int64(s->paths));
	json_object_object_add(o, "cut", json_object_new_int64(s->paths_cut));
	json_object_object_add(o, "faulted", json_object_new_int64(s->paths_faulted));
	json_object_object_add(o, "max_bytes", json_object_new_int(LLKM_PATH_MAX));
	return o;
}

struct json_object *trace_summary_json(const struct trace_summary *s,
				       const struct trace_ring_totals *t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ring = json_object_new_object();

	if (s->events & LLKM_TRACE_EV_SYSCALLS)
		json_object_object_add(o, "syscalls", syscalls_json(s, s->sys));
	if ((s->events & LLKM_TRACE_EV_SYSCALLS) && s->procs)
		json_object_object_add(o, "processes", procs_json(s));
	if (s->events & LLKM_TRACE_EV_SYSCALLS)
		json_object_object_add(o, "paths", paths_json(s));
	if (s->events & LLKM_TRACE_EV_IRQS)
		json_object_object_add(o, "irqs", irqs_json(s));
	if (s->events & LLKM_TRACE_EV_SOFTIRQS)
		json_object_object_add(o, "softirqs", softirqs_json(s));
	if (s->events & LLKM_TRACE_EV_SCHED)
		json_object_object_add(o, "sched", sched_json(s));
	json_object_object_add(ring, "produced", json_object_new_int64(t->produced));
	json_object_object_add(ring, "delivered", json_object_new_int64(t->delivered));
	json_object_object_add(ring, "lost", json_object_new_int64(t->lost));
	json_object_object_add(ring, "compat", json_object_new_int64(t->compat));
	json_object_object_add(ring, "self_excluded",
			       t->self ? json_object_new_int64(t->self) : NULL);
	json_object_object_add(o, "ring", ring);
	return o;
}

int trace_summary_report(FILE *f, const struct trace_summary *s,
			 const struct trace_ring_totals *t,
			 const struct llctl_env *env, bool json, bool lines)
{
	struct json_object *o;

	if (json) {
		o = trace_summary_json(s, t);
		json_object_object_add(o, "env", env ? llctl_env_json(env) :
						 NULL);
		return llctl_json_fprint(f, o);
	}
	if (lines) {
		ring_print(f, t, "# ");
		paths_print(f, s, "# ");
		not_recorded_print(f, s, t, "# ");
	} else {
		if (env)
			llctl_env_print(f, env);
		else
			fputs("# recorded on a machine the capture does not describe (capture format 1)\n",
			      f);
		trace_summary_print(f, s, t);
	}
	return ferror(f) ? 1 : 0;
}
