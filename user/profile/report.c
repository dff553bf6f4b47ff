// SPDX-License-Identifier: GPL-2.0
/*
 * llctl report FILE, for a perf.data FILE: replays the file's side-band in
 * time order to symbolize each sample, then prints the top functions, the
 * collapsed stacks or a flame graph. What counts where is in profile/report.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/options.h"
#include "lib/pager.h"
#include "lib/util.h"
#include "profile/demangle.h"
#include "profile/diff.h"
#include "profile/perfdata.h"
#include "profile/report.h"
#include "profile/symbols.h"

#define MAX_FRAMES	512	/* deeper stacks lose their outermost frames */

struct prof_thread {
	uint32_t tid;
	const char *comm;
};

/* Strings: comms interned so that one command is one pointer. */

static const char *keep_name(struct prof *p, const char *s)
{
	char **n, *copy;
	size_t i;

	for (i = 0; i < p->nr_names; i++)
		if (!strcmp(p->names[i], s))
			return p->names[i];
	n = reallocarray(p->names, p->nr_names + 1, sizeof(*n));
	if (!n)
		return NULL;
	p->names = n;
	copy = strdup(s);
	if (!copy)
		return NULL;
	p->names[p->nr_names++] = copy;
	return copy;
}

static struct prof_thread *find_thread(struct prof *p, uint32_t tid)
{
	size_t i;

	if (p->last_thr < p->nr_thr && p->thr[p->last_thr].tid == tid)
		return &p->thr[p->last_thr];
	for (i = 0; i < p->nr_thr; i++) {
		if (p->thr[i].tid == tid) {
			p->last_thr = i;
			return &p->thr[i];
		}
	}
	return NULL;
}

static int set_comm(struct prof *p, uint32_t tid, const char *comm)
{
	struct prof_thread *t = find_thread(p, tid), *n;

	comm = keep_name(p, comm);
	if (!comm)
		return -ENOMEM;
	if (!t) {
		if (p->nr_thr == p->thr_cap) {
			n = reallocarray(p->thr, 2 * p->thr_cap + 16, sizeof(*n));
			if (!n)
				return -ENOMEM;
			p->thr = n;
			p->thr_cap = 2 * p->thr_cap + 16;
		}
		t = &p->thr[p->nr_thr++];
		t->tid = tid;
	}
	t->comm = comm;
	return 0;
}

/*
 * The thread's comm, its process's, or as perf shows it: "swapper" for the
 * idle task (pid 0, which has no COMM record), else ":TID".
 */
static const char *sample_comm(struct prof *p, const struct prof_pd_sample *s)
{
	struct prof_thread *t = find_thread(p, s->tid);
	char buf[16];

	if (!t)
		t = find_thread(p, s->pid);
	if (t)
		return t->comm;
	if (!s->pid && !s->tid)
		return keep_name(p, "swapper");
	snprintf(buf, sizeof(buf), ":%u", s->tid);
	return keep_name(p, buf);
}

/*
 * Functions: a hash of (comm, dso, sym) into p->fn, by their text, as perf
 * report's rows: two files of one name (two copies of a program) are one
 * row, as they read the same.
 */

static uint64_t str_hash(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;	/* ends each string */
}

static size_t fn_hash(const struct prof_fn *k)
{
	uint64_t h = str_hash(str_hash(str_hash(0xcbf29ce484222325ULL, k->comm), k->dso), k->sym);

	h = (h ^ k->pid) * 0x100000001b3ULL;
	return h ^ h >> 29;
}

bool prof_has_key(const struct prof *p, enum prof_key k)
{
	int i;

	for (i = 0; i < p->cfg.nkeys; i++)
		if (p->cfg.keys[i] == k)
			return true;
	return false;
}

/* The row @comm, @pid, @f belong to: the fields of --sort's keys. */
static struct prof_fn row_key(const struct prof *p, const char *comm, uint32_t pid,
			      const struct prof_sym_frame *f)
{
	bool by_pid = prof_has_key(p, PROF_KEY_PID);

	return (struct prof_fn) {
		.comm = prof_has_key(p, PROF_KEY_COMM) ? comm : "",
		.pid = by_pid ? pid : PROF_NO_PID,
		.dso = prof_has_key(p, PROF_KEY_DSO) ? f->dso : "",
		.sym = prof_has_key(p, PROF_KEY_SYM) ? f->name : "",
		.kernel = f->kernel, .known = f->known,
	};
}

static bool same_row(const struct prof_fn *a, const struct prof_fn *b)
{
	return a->pid == b->pid && !strcmp(a->sym, b->sym) &&
	       !strcmp(a->dso, b->dso) && !strcmp(a->comm, b->comm);
}

static int fn_rehash(struct prof *p, size_t nr_slot)
{
	size_t *slot = calloc(nr_slot, sizeof(*slot)), i, j;

	if (!slot)
		return -ENOMEM;
	for (i = 0; i < p->nr_fn; i++) {
		j = fn_hash(&p->fn[i]);
		while (slot[j & (nr_slot - 1)])
			j++;
		slot[j & (nr_slot - 1)] = i + 1;
	}
	free(p->slot);
	p->slot = slot;
	p->nr_slot = nr_slot;
	return 0;
}

static struct prof_fn *fn_get(struct prof *p, const char *comm, uint32_t pid,
			      const struct prof_sym_frame *f)
{
	struct prof_fn key = row_key(p, comm, pid, f);
	size_t j = fn_hash(&key), *s;
	struct prof_fn *fn;

	if (2 * (p->nr_fn + 1) > p->nr_slot &&
	    fn_rehash(p, p->nr_slot ? 2 * p->nr_slot : 1024))
		return NULL;
	for (;; j++) {
		s = &p->slot[j & (p->nr_slot - 1)];
		if (!*s)
			break;
		fn = &p->fn[*s - 1];
		if (same_row(fn, &key))
			return fn;
	}
	if (p->nr_fn == p->fn_cap) {
		fn = reallocarray(p->fn, 2 * p->fn_cap + 64, sizeof(*fn));
		if (!fn)
			return NULL;
		p->fn = fn;
		p->fn_cap = 2 * p->fn_cap + 64;
	}
	fn = &p->fn[p->nr_fn++];
	*fn = key;
	*s = p->nr_fn;
	return fn;
}

/* The flame tree. */

static struct prof_node *node_get(struct prof_node *parent, const char *name,
				  const struct prof_sym_frame *f)
{
	struct prof_node *n;

	for (n = parent->child; n; n = n->next)
		if (!strcmp(n->name, name) &&
		    (!f || !strcmp(n->dso, f->dso)))
			return n;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = name;
	n->dso = f ? f->dso : "";
	n->kernel = f && f->kernel;
	n->known = !f || f->known;
	n->next = parent->child;
	parent->child = n;
	return n;
}

/* @f[0..n) innermost first; the tree goes root, comm, outermost first. */
static int tree_add(struct prof *p, const char *comm,
		    const struct prof_sym_frame *f, unsigned int n)
{
	struct prof_node *node = &p->root;

	node->total++;
	node = node_get(node, comm, NULL);
	if (!node)
		return -ENOMEM;
	node->total++;
	if (n + 1 > p->max_depth)
		p->max_depth = n + 1;
	while (n--) {
		node = node_get(node, f[n].name, &f[n]);
		if (!node)
			return -ENOMEM;
		node->total++;
	}
	node->self++;
	return 0;
}

static void tree_free(struct prof_node *n)
{
	struct prof_node *c, *next;

	for (c = n->child; c; c = next) {
		next = c->next;
		tree_free(c);
		free(c);
	}
}

/* Samples. */

/* The sample's frames, innermost first (prof_syms_chain()). */
static unsigned int sample_frames(struct prof *p, const struct prof_pd_sample *s,
				  struct prof_sym_frame *f)
{
	return prof_syms_chain(p->syms, s, f, MAX_FRAMES);
}

/* Whether @name is one of the @n in @v. */
static bool listed(const char *const *v, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

/* Whether --pid leaves the samples of @pid out of the rows. */
static bool pid_left_out(const struct prof *p, uint32_t pid)
{
	int i;

	for (i = 0; i < p->cfg.npids; i++)
		if (p->cfg.pids[i] == pid)
			return false;
	return p->cfg.npids > 0;
}

/*
 * Whether --pid, --comms or --dsos leave a sample out of the rows: its
 * process, its thread's command, the object of its ip (@f: by file name or
 * path, as perf's short and long names), as perf report filters a sample,
 * whichever keys the rows have.
 */
static bool left_out(const struct prof *p, const struct prof_pd_sample *s, const char *comm,
		     const struct prof_sym_frame *f)
{
	const struct prof_cfg *c = &p->cfg;

	return pid_left_out(p, s->pid) ||
	       (c->comms && !listed(c->comms, c->ncomms, comm)) ||
	       (c->dsos && !listed(c->dsos, c->ndsos, f->dso) &&
		!listed(c->dsos, c->ndsos, f->path));
}

/*
 * A sample's period, as perf reads it: its own, or without PERIOD in the
 * sample (perf record -c) the attr's fixed one.
 */
static uint64_t sample_period(const struct prof *p, const struct prof_pd_sample *s)
{
	const struct prof_pd_attr *a = &p->pd->events[p->ev_idx];

	if ((a->sample_type & PERF_SAMPLE_PERIOD) || a->ev.freq)
		return s->period;
	return a->ev.period_or_freq;
}

/*
 * The frames of a sample, as perf's cumulative entries visit them: the
 * sampled one, then the others in the graph's order (callee: from the
 * sampled function out; caller: from main in). Of a recursion's frames, the
 * first visited draws the row's chain, as perf's.
 */
static unsigned int frame_order(const struct prof *p, unsigned int j, unsigned int n)
{
	return j && p->cfg.cumulate && p->cfg.graph == PROF_GRAPH_CALLER ? n - j : j;
}

/*
 * -g: row @fn's chain of a sample whose frame @i it is, @f[0..n) innermost
 * first. The sampled function's is the whole chain; with --children (perf
 * report --children -g), another's starts at it: out to main in callee
 * order, in to the sampled function in caller order.
 */
static int add_calls(const struct prof *p, struct prof_fn *fn, const struct prof_sym_frame *f,
		     unsigned int i, unsigned int n)
{
	if (!i)
		return prof_calls_add(&fn->calls, f, n, p->cfg.graph);
	if (p->cfg.graph == PROF_GRAPH_CALLER)
		return prof_calls_add(&fn->calls, f, i + 1, PROF_GRAPH_CALLER);
	return prof_calls_add(&fn->calls, f + i, n - i, PROF_GRAPH_CALLEE);
}

/* To @p, the section of its event; comms and symbols are @p->base's. */
static int add_sample(struct prof *p, const struct prof_pd_sample *s)
{
	struct prof *b = p->base ? p->base : p;
	struct prof_sym_frame f[MAX_FRAMES];
	struct prof_fn *fn;
	const char *comm = sample_comm(b, s);
	unsigned int n, i, j;

	if (!comm)
		return -ENOMEM;
	n = sample_frames(b, s, f);
	p->samples++;
	p->period += sample_period(p, s);
	p->seq++;
	p->unresolved += !f[0].known;
	if (left_out(p, s, comm, &f[0])) {	/* in the total, as perf's percentages */
		p->left_out++;
		return 0;
	}
	for (j = 0; j < n; j++) {
		i = frame_order(p, j, n);
		fn = fn_get(p, comm, s->tid, &f[i]);
		if (!fn)
			return -ENOMEM;
		if (!i)
			fn->self++;
		if (fn->stamp == p->seq)	/* recursion counts once */
			continue;
		fn->stamp = p->seq;
		fn->children++;
		if (p->cfg.graph && (!i || p->cfg.cumulate) && add_calls(p, fn, f, i, n))
			return -ENOMEM;
	}
	return tree_add(p, comm, f, n);
}

/* A fork's child goes by its parent's comm until it says otherwise. */
static int add_fork(struct prof *p, const struct prof_pd_task *t)
{
	struct prof_thread *parent = find_thread(p, t->ptid);

	if (!parent)
		parent = find_thread(p, t->ppid);
	if (parent && set_comm(p, t->tid, parent->comm))
		return -ENOMEM;
	return prof_syms_fork(p->syms, t->ppid, t->pid);
}

static int add_item(struct prof *p, struct prof **by_ev, const struct prof_pd_item *it)
{
	switch (it->kind) {
	case PROF_PD_SAMPLE:	/* a side-band event's has no section */
		return by_ev[it->sample.event] ?
		       add_sample(by_ev[it->sample.event], &it->sample) : 0;
	case PROF_PD_MAP:
		return prof_syms_map(p->syms, &it->map);
	case PROF_PD_COMM:
		if (it->comm.exec)
			prof_syms_exec(p->syms, it->comm.pid);
		return set_comm(p, it->comm.tid, it->comm.comm);
	case PROF_PD_FORK:
		return add_fork(p, &it->task);
	case PROF_PD_EXIT:
		return 0;
	}
	return 0;
}

static struct prof *new_section(struct prof_pd_file *pd, unsigned int ev,
				const struct prof_cfg *cfg)
{
	struct prof *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->root.name = "all";
	p->root.dso = "";
	p->root.known = true;
	p->pd = pd;
	p->ev_idx = ev;
	p->event = pd->events[ev].ev.name;
	p->callchains = pd->events[ev].ev.callchain;
	p->lost = pd->lost_samples;
	p->lost_sideband = pd->lost_sideband;
	p->malformed = pd->malformed;
	p->cfg = *cfg;
	return p;
}

/* One section per event that is not side-band only, chained to @first. */
static struct prof *sections(struct prof_pd_file *pd, struct prof **by_ev,
			     const struct prof_cfg *cfg)
{
	struct prof *first = NULL, **tail = &first;
	unsigned int i;

	for (i = 0; i < pd->nr_events; i++) {
		if (pd->events[i].sideband)
			continue;
		*tail = by_ev[i] = new_section(pd, i, cfg);
		if (!*tail) {
			if (first)
				first->pd = NULL;	/* the caller frees it */
			prof_free(first);
			return NULL;
		}
		if (first != *tail)
			(*tail)->base = first;
		tail = &(*tail)->next;
	}
	return first;
}

/*
 * Rows keyed by pid but not comm show the thread's comm at the end, as
 * perf's Pid:Command: one row for a thread that exec'd.
 */
static void pid_comms(struct prof *p)
{
	struct prof_thread *t;
	struct prof *s;
	size_t i;

	for (s = p; s; s = s->next) {
		for (i = 0; i < s->nr_fn; i++) {
			if (s->fn[i].pid == PROF_NO_PID || s->fn[i].comm[0])
				continue;
			t = find_thread(p, s->fn[i].pid);
			s->fn[i].comm = t ? t->comm : "";
		}
	}
}

/* perf report's default rows: comm, dso, symbol. */
static const struct prof_cfg default_cfg = {
	.keys = { PROF_KEY_COMM, PROF_KEY_DSO, PROF_KEY_SYM }, .nkeys = 3,
};

int prof_load_why(const char *path, struct prof **out, const char **why)
{
	return prof_load_cfg(path, NULL, out, why);
}

int prof_load_cfg(const char *path, const struct prof_cfg *cfg, struct prof **out,
		  const char **why)
{
	struct prof_pd_file *pd;
	struct prof *p, **by_ev;
	struct prof_cfg dflt;
	int ret = -ENOMEM;
	size_t i;

	*out = NULL;
	*why = NULL;
	pd = prof_pd_open_read_why(path, &ret, why);
	if (!pd)
		return ret;
	by_ev = calloc(pd->nr_events, sizeof(*by_ev));
	if (!cfg || !cfg->nkeys) {
		dflt = cfg ? *cfg : default_cfg;
		memcpy(dflt.keys, default_cfg.keys, sizeof(dflt.keys));
		dflt.nkeys = default_cfg.nkeys;
		cfg = &dflt;
	}
	p = by_ev ? sections(pd, by_ev, cfg) : NULL;
	if (!p && by_ev) {
		for (i = 0; i < pd->nr_events && pd->events[i].sideband; i++)
			;
		if (i == pd->nr_events) {
			*why = "it holds only side-band events (dummy): no samples to report";
			ret = -EOPNOTSUPP;
		}
	}
	if (p) {
		p->syms = prof_syms_new();
		ret = p->syms ? 0 : -ENOMEM;
	}
	for (i = 0; !ret && i < pd->nr_items; i++)
		ret = add_item(p, by_ev, &pd->items[i]);
	free(by_ev);
	if (!ret && p)
		pid_comms(p);
	if (!p)
		prof_pd_file_free(pd);
	if (ret) {
		prof_free(p);
		return ret;
	}
	prof_sort(p, false);
	*out = p;
	return 0;
}

int prof_load(const char *path, struct prof **out)
{
	const char *why;

	return prof_load_why(path, out, &why);
}

void prof_free(struct prof *p)
{
	struct prof *next;
	size_t i;

	for (; p; p = next) {
		next = p->next;
		tree_free(&p->root);
		if (!p->base) {
			prof_syms_free(p->syms);
			prof_pd_file_free(p->pd);
		}
		for (i = 0; i < p->nr_fn; i++)
			prof_calls_free(p->fn[i].calls);
		for (i = 0; i < p->nr_names; i++)
			free(p->names[i]);
		free(p->names);
		free(p->thr);
		free(p->fn);
		free(p->slot);
		free(p);
	}
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_fn(const struct prof_fn *a, const struct prof_fn *b)
{
	int c;

	c = strcmp(a->sym, b->sym);
	if (!c)
		c = strcmp(a->dso, b->dso);
	if (!c)
		c = strcmp(a->comm, b->comm);
	return c ?: (a->pid > b->pid) - (a->pid < b->pid);
}

static int cmp_self(const void *x, const void *y)
{
	const struct prof_fn *a = x, *b = y;

	return cmp_u64_desc(a->self, b->self) ?:
	       cmp_u64_desc(a->children, b->children) ?: cmp_fn(a, b);
}

static int cmp_children(const void *x, const void *y)
{
	const struct prof_fn *a = x, *b = y;

	return cmp_u64_desc(a->children, b->children) ?:
	       cmp_u64_desc(a->self, b->self) ?: cmp_fn(a, b);
}

void prof_sort(struct prof *p, bool children)
{
	for (; p; p = p->next) {
		/* the hash points into p->fn by index: sorting ends the counting */
		free(p->slot);
		p->slot = NULL;
		p->nr_slot = 0;
		if (p->nr_fn)
			qsort(p->fn, p->nr_fn, sizeof(*p->fn),
			      children ? cmp_children : cmp_self);
	}
}

/* Text. */

static double pct(uint64_t n, uint64_t total)
{
	return total ? 100.0 * n / total : 0.0;
}

static void print_host(FILE *f, const struct prof_pd_host *h)
{
	fprintf(f, "# Recorded on %s: kernel %s, %s, cpu %s (%s), ",
		h->hostname ?: "unknown", h->osrelease ?: "unknown",
		h->arch ?: "unknown", h->cpudesc ?: "unknown",
		h->cpuid ?: "unknown");
	if (h->online_cpus < 0)
		fputs("online CPUs unknown", f);
	else
		fprintf(f, "%d online CPU%s", h->online_cpus,
			h->online_cpus == 1 ? "" : "s");
	fprintf(f, ", by %s\n", h->version ?: "unknown");
}

/*
 * As perf report --stdio's: the lost samples once, then per event its
 * samples (exact where perf rounds to 2K) and the periods they sum to,
 * "Event count (approx.)"; all the event's samples, filtered or not, as
 * perf's. Then what perf does not say: what is unresolved, lost, malformed.
 */
static void print_header(FILE *f, const struct prof *p, bool first)
{
	if (first) {
		print_host(f, &p->pd->host);
		fprintf(f, "# Total Lost Samples: %" PRIu64 "\n#\n", p->lost);
	}
	fprintf(f, "# Samples: %" PRIu64 " of event '%s'\n", p->samples, p->event);
	fprintf(f, "# Event count (approx.): %" PRIu64 "\n", p->period);
	fprintf(f, "# Unresolved: %" PRIu64 " (%.2f%% have no symbol for their ip)\n",
		p->unresolved, pct(p->unresolved, p->samples));
	if (p->lost_sideband)
		fprintf(f, "# Lost side-band records: %" PRIu64
			" (some maps are missing: their frames are [unknown])\n",
			p->lost_sideband);
	if (p->malformed)
		fprintf(f, "# Malformed records skipped: %" PRIu64 "\n",
			p->malformed);
	fputs("#\n", f);
}

/* Whether the row @fn of section @p passes its filter. */
static bool fn_shown(const struct prof *p, const struct prof_fn *fn)
{
	const struct prof_filter *ft = p->filter;
	uint64_t n;

	if (!fn->self && !p->callchains)
		return false;
	if (!ft)
		return true;
	/* The column the rows are sorted by, as perf's limit. */
	n = ft->children ? fn->children : fn->self;
	return !(ft->percent_limit > 0 && pct(n, p->samples) < ft->percent_limit);
}

char *prof_sym_text(const struct prof *p, const char *sym)
{
	char *d = p->demangle ? prof_demangle(sym) : NULL;

	return d ?: strdup(sym);
}

/* The columns of the keys, in --sort's order; the first after two spaces. */
static void print_key_header(FILE *f, const struct prof *p)
{
	static const char *const title[] = {
		[PROF_KEY_COMM] = "Command", [PROF_KEY_PID] = "Pid:Command",
		[PROF_KEY_DSO] = "Shared Object", [PROF_KEY_SYM] = "Symbol",
	};
	static const int width[] = {
		[PROF_KEY_COMM] = -16, [PROF_KEY_PID] = -24,
		[PROF_KEY_DSO] = -24, [PROF_KEY_SYM] = -40,
	};
	int i;

	for (i = 0; i < p->cfg.nkeys; i++)
		fprintf(f, "%s%*s", i ? " " : "  ",
			i + 1 < p->cfg.nkeys ? width[p->cfg.keys[i]] : 0,
			title[p->cfg.keys[i]]);
	fputc('\n', f);
}

static void print_key(FILE *f, const struct prof *p, const struct prof_fn *fn,
		      enum prof_key k, bool last)
{
	char pid[48], *sym;

	switch (k) {
	case PROF_KEY_COMM:
		fprintf(f, "%-*s", last ? 0 : 16, fn->comm);
		break;
	case PROF_KEY_PID:
		snprintf(pid, sizeof(pid), "%7u:%s", fn->pid, fn->comm);
		fprintf(f, "%-*s", last ? 0 : 24, pid);
		break;
	case PROF_KEY_DSO:
		fprintf(f, "%-*s", last ? 0 : 24, fn->dso);
		break;
	case PROF_KEY_SYM:
		sym = prof_sym_text(p, fn->sym);
		fprintf(f, "[%c] %-*s", fn->kernel ? 'k' : '.', last ? 0 : 36,
			sym ?: fn->sym);
		free(sym);
		break;
	default:
		break;
	}
}

static void print_row(FILE *f, const struct prof *p, const struct prof_fn *fn)
{
	int i;

	if (p->callchains)
		fprintf(f, "  %7.2f%% ", pct(fn->children, p->samples));
	else
		fputs("  ", f);
	fprintf(f, "%7.2f%% %8" PRIu64, pct(fn->self, p->samples), fn->self);
	for (i = 0; i < p->cfg.nkeys; i++) {
		fputs(i ? " " : "  ", f);
		print_key(f, p, fn, p->cfg.keys[i], i + 1 == p->cfg.nkeys);
	}
	fputc('\n', f);
	if (fn->calls)
		prof_print_calls(f, fn->calls, p->samples, p->demangle);
}

static void print_section(FILE *f, const struct prof *p, bool first)
{
	size_t hidden = 0;
	const struct prof_fn *fn;
	size_t i;

	print_header(f, p, first);
	if (p->callchains)
		fprintf(f, "# %8s", "Children");
	fprintf(f, "%s%8s %8s", p->callchains ? " " : "# ", "Self", "Samples");
	print_key_header(f, p);
	for (i = 0; i < p->nr_fn; i++) {
		fn = &p->fn[i];
		if (!fn_shown(p, fn)) {
			hidden += fn->self || p->callchains;
			continue;
		}
		print_row(f, p, fn);
	}
	if (hidden || p->left_out)
		fputs("#\n", f);
	if (hidden)
		fprintf(f, "# %zu rows not shown (--percent-limit)\n", hidden);
	if (p->left_out)
		fprintf(f, "# %" PRIu64 " samples not in the rows (--pid, --comms, --dsos); "
			"the percentages are of all %" PRIu64 "\n", p->left_out, p->samples);
}

/*
 * A section per event, as perf report: a blank line between two; the
 * host once, in the first shown.
 */
int prof_print_text(FILE *f, const struct prof *p)
{
	bool first = true;

	for (; p; p = p->next) {
		if (p->hidden)
			continue;
		if (!first)
			fputc('\n', f);
		print_section(f, p, first);
		first = false;
	}
	return ferror(f) ? 1 : 0;
}

/* JSON. */

/* Two decimals, as the text shows them, not 17 digits of binary noise. */
static struct json_object *json_pct(uint64_t n, uint64_t total)
{
	char buf[32];
	double v = pct(n, total);

	snprintf(buf, sizeof(buf), "%.2f", v);
	return json_object_new_double_s(strtod(buf, NULL), buf);
}

/* A key's field: null when --sort leaves it out (every row would be ""). */
static struct json_object *json_key(const struct prof *p, enum prof_key k, const char *s)
{
	if (!prof_has_key(p, k) && !(k == PROF_KEY_COMM && prof_has_key(p, PROF_KEY_PID)))
		return NULL;
	return json_object_new_string(s);
}

/* "symbol" is the ELF's name; "demangled" the C++ or Rust one, or null. */
static struct json_object *json_demangled(const struct prof *p, const struct prof_fn *fn)
{
	char *d = prof_has_key(p, PROF_KEY_SYM) ? prof_demangle(fn->sym) : NULL;
	struct json_object *o = d ? json_object_new_string(d) : NULL;

	free(d);
	return o;
}

static struct json_object *json_fn(const struct prof *p, const struct prof_fn *fn)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "symbol", json_key(p, PROF_KEY_SYM, fn->sym));
	json_object_object_add(o, "demangled", json_demangled(p, fn));
	json_object_object_add(o, "dso", json_key(p, PROF_KEY_DSO, fn->dso));
	json_object_object_add(o, "comm", json_key(p, PROF_KEY_COMM, fn->comm));
	json_object_object_add(o, "pid", prof_has_key(p, PROF_KEY_PID) ?
			       json_object_new_int64(fn->pid) : NULL);
	json_object_object_add(o, "kernel", json_object_new_boolean(fn->kernel));
	json_object_object_add(o, "samples", json_object_new_int64(fn->self));
	json_object_object_add(o, "percent", json_pct(fn->self, p->samples));
	json_object_object_add(o, "children_percent", p->callchains ?
			       json_pct(fn->children, p->samples) : NULL);
	if (fn->calls)
		json_object_object_add(o, "callchains", prof_json_calls(fn->calls));
	return o;
}

static struct json_object *json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *json_host(const struct prof_pd_host *h)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "hostname", json_str(h->hostname));
	json_object_object_add(o, "kernel", json_str(h->osrelease));
	json_object_object_add(o, "arch", json_str(h->arch));
	json_object_object_add(o, "cpu", json_str(h->cpudesc));
	json_object_object_add(o, "cpuid", json_str(h->cpuid));
	json_object_object_add(o, "online_cpus", h->online_cpus < 0 ? NULL :
			       json_object_new_int(h->online_cpus));
	json_object_object_add(o, "recorded_by", json_str(h->version));
	return o;
}

const char *const prof_key_names[PROF_NR_KEYS + 1] = {
	[PROF_KEY_COMM] = "comm", [PROF_KEY_PID] = "pid",
	[PROF_KEY_DSO] = "dso", [PROF_KEY_SYM] = "symbol",
};

/* The rows' keys, as --sort names them. */
static struct json_object *json_keys(const struct prof *p)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < p->cfg.nkeys; i++)
		json_object_array_add(a, json_object_new_string(prof_key_names[p->cfg.keys[i]]));
	return a;
}

static struct json_object *json_section(const struct prof *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	size_t i;

	json_object_object_add(o, "event", json_object_new_string(p->event));
	json_object_object_add(o, "samples", json_object_new_int64(p->samples));
	json_object_object_add(o, "event_count", json_object_new_int64(p->period));
	json_object_object_add(o, "left_out", json_object_new_int64(p->left_out));
	json_object_object_add(o, "unresolved",
			       json_object_new_int64(p->unresolved));
	json_object_object_add(o, "callchains",
			       json_object_new_boolean(p->callchains));
	json_object_object_add(o, "sort", json_keys(p));
	for (i = 0; i < p->nr_fn; i++)
		if (fn_shown(p, &p->fn[i]))
			json_object_array_add(arr, json_fn(p, &p->fn[i]));
	json_object_object_add(o, "functions", arr);
	return o;
}

struct json_object *prof_json(const struct prof *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	const struct prof *s;

	for (s = p; s; s = s->next)
		if (!s->hidden)
			json_object_array_add(arr, json_section(s));
	json_object_object_add(o, "events", arr);
	json_object_object_add(o, "lost", json_object_new_int64(p->lost));
	json_object_object_add(o, "lost_sideband",
			       json_object_new_int64(p->lost_sideband));
	json_object_object_add(o, "recorded_on", json_host(&p->pd->host));
	return o;
}

/* Children of @n by name: a stable order for --folded and --svg. */
static int cmp_node(const void *x, const void *y)
{
	const struct prof_node *a = *(const struct prof_node *const *)x;
	const struct prof_node *b = *(const struct prof_node *const *)y;

	return strcmp(a->name, b->name) ?: strcmp(a->dso, b->dso);
}

static struct prof_node **sorted_children(const struct prof_node *n,
					  size_t *nr)
{
	struct prof_node **v, *c;
	size_t i = 0;

	*nr = 0;
	for (c = n->child; c; c = c->next)
		(*nr)++;
	v = calloc(*nr ? *nr : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (c = n->child; c; c = c->next)
		v[i++] = c;
	qsort(v, *nr, sizeof(*v), cmp_node);
	return v;
}

/* Folded stacks: ';' separates frames and a space ends them. */

static void put_frame(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == ';' ? ':' : *s == '\n' ? ' ' : *s, f);
}

static int folded(FILE *f, const struct prof_node *n, const char **path,
		  unsigned int depth)
{
	struct prof_node **c;
	unsigned int i;
	size_t nr, k;
	int ret = 0;

	path[depth] = n->name;
	if (n->self) {
		for (i = 1; i <= depth; i++) {	/* 0 is the root, "all" */
			if (i > 1)
				fputc(';', f);
			put_frame(f, path[i]);
		}
		fprintf(f, " %" PRIu64 "\n", n->self);
	}
	c = sorted_children(n, &nr);
	if (!c)
		return -ENOMEM;
	for (k = 0; k < nr && !ret; k++)
		ret = folded(f, c[k], path, depth + 1);
	free(c);
	return ret;
}

int prof_print_folded(FILE *f, const struct prof *p)
{
	const char **path = calloc(p->max_depth + 2, sizeof(*path));
	int ret;

	if (!path)
		return 1;
	ret = folded(f, &p->root, path, 0);
	free(path);
	return ret || ferror(f) ? 1 : 0;
}

/*
 * SVG: a flame graph, root at the bottom, widths by samples, in the manner
 * of Brendan Gregg's FlameGraph (flamegraph.pl): a click zooms to a frame,
 * "Reset Zoom" undoes it, "Search" (or Ctrl-F) highlights the frames a
 * regular expression matches and says what share of the samples they
 * hold. The script is ours (flame_js below); each frame is a <g class="f
 * K"> holding its <title>, <rect> and <text>, K being its palette:
 * "k" kernel (aqua, as flamegraph.pl's --colors=aqua), "u" user (warm
 * red to yellow, its "hot"), "x" unknown (grey).
 */

#define SVG_WIDTH	1200
#define SVG_PAD		10
#define SVG_FRAME	16
#define SVG_TOP		56	/* the title, the controls and the palette's key */
#define SVG_BOTTOM	30
#define SVG_CHAR	7.5	/* px per character of 12px Verdana or DejaVu Sans, at most */

/*
 * The interactive part, ECMAScript 5 in the SVG (browsers run it; a
 * viewer without scripts shows the static graph). Frames keep their
 * drawn geometry in fields of their <g> (ox, ow, oy), the zoom and the
 * search work from those.
 */
static const char flame_js[] =
	"<script type=\"text/ecmascript\"><![CDATA[\n"
	"'use strict';\n"
	"var W, PAD = " "10" ", CH = 7.5, frames = [], zoomed = null;\n"
	"var resetBtn, searchBtn, matchedTxt, searchRe = null;\n"
	"function byId(id) { return document.getElementById(id); }\n"
	"function frameName(g) {\n"
	"  var t = g.getElementsByTagName('title')[0].textContent;\n"
	"  return t.replace(/: [0-9]+ samples, [0-9.]+%$/, '');\n"
	"}\n"
	"function init() {\n"
	"  var svg = document.documentElement, gs = svg.getElementsByTagName('g'), i, g, r;\n"
	"  W = parseFloat(svg.getAttribute('width'));\n"
	"  resetBtn = byId('unzoom'); searchBtn = byId('search'); matchedTxt = byId('matched');\n"
	"  for (i = 0; i < gs.length; i++) {\n"
	"    g = gs[i];\n"
	"    if (!/^f /.test(g.getAttribute('class') || '')) continue;\n"
	"    r = g.getElementsByTagName('rect')[0];\n"
	"    g.rect = r; g.label = g.getElementsByTagName('text')[0] || null;\n"
	"    g.ox = parseFloat(r.getAttribute('x')); g.ow = parseFloat(r.getAttribute('width'));\n"
	"    g.oy = parseFloat(r.getAttribute('y')); g.fill = r.getAttribute('fill');\n"
	"    g.full = frameName(g); g.fn = g.full.replace(/ \\([^()]*\\)$/, '');\n"
	"    frames.push(g);\n"
	"  }\n"
	"  svg.addEventListener('click', onClick);\n"
	"  window.addEventListener('keydown', onKey);\n"
	"}\n"
	"function fit(g, x, w) {\n"
	"  var n = Math.floor((w - 6) / CH), s = g.fn;\n"
	"  g.rect.setAttribute('x', x.toFixed(1)); g.rect.setAttribute('width', w.toFixed(1));\n"
	"  if (!g.label) {\n"
	"    if (n < 3) return;\n"
	"    g.label = document.createElementNS('http://www.w3.org/2000/svg', 'text');\n"
	"    g.label.setAttribute('y', (g.oy + " "12" ").toFixed(0)); g.appendChild(g.label);\n"
	"  }\n"
	"  g.label.setAttribute('x', (x + 3).toFixed(1));\n"
	"  g.label.textContent = n < 3 ? '' : s.length > n ? s.substring(0, n - 2) + '..' : s;\n"
	"}\n"
	"function zoom(t) {\n"
	"  var s = (W - 2 * PAD) / t.ow, i, g, inside;\n"
	"  for (i = 0; i < frames.length; i++) {\n"
	"    g = frames[i];\n"
	"    inside = g.ox >= t.ox - 0.05 && g.ox + g.ow <= t.ox + t.ow + 0.05;\n"
	"    g.style.display = 'inline'; g.style.opacity = '1';\n"
	"    if (g.oy > t.oy && g.ox <= t.ox + 0.05 && g.ox + g.ow >= t.ox + t.ow - 0.05) {\n"
	"      fit(g, PAD, W - 2 * PAD); g.style.opacity = '0.5';\n"
	"    } else if (g.oy <= t.oy && inside) {\n"
	"      fit(g, PAD + (g.ox - t.ox) * s, g.ow * s);\n"
	"    } else {\n"
	"      g.style.display = 'none';\n"
	"    }\n"
	"  }\n"
	"  zoomed = t; resetBtn.style.opacity = '1';\n"
	"}\n"
	"function unzoom() {\n"
	"  var i, g;\n"
	"  for (i = 0; i < frames.length; i++) {\n"
	"    g = frames[i]; g.style.display = 'inline'; g.style.opacity = '1';\n"
	"    fit(g, g.ox, g.ow);\n"
	"  }\n"
	"  zoomed = null; resetBtn.style.opacity = '0';\n"
	"}\n"
	"function search(term) {\n"
	"  var i, g, spans = [], total = 0, end = -1, hit = 0;\n"
	"  try { searchRe = new RegExp(term); } catch (e) { alert('Not a regular expression: ' + term); return; }\n"
	"  for (i = 0; i < frames.length; i++) {\n"
	"    g = frames[i];\n"
	"    if (g.ow > total) total = g.ow;\n"
	"    if (searchRe.test(g.full)) { g.rect.setAttribute('fill', 'rgb(230,0,230)'); spans.push([g.ox, g.ox + g.ow]); hit++; }\n"
	"    else g.rect.setAttribute('fill', g.fill);\n"
	"  }\n"
	"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
	"  var covered = 0;\n"
	"  for (i = 0; i < spans.length; i++) {\n"
	"    if (spans[i][1] <= end) continue;\n"
	"    covered += spans[i][1] - Math.max(spans[i][0], end);\n"
	"    end = spans[i][1];\n"
	"  }\n"
	"  matchedTxt.textContent = hit ? 'Matched: ' + (total ? 100 * covered / total : 0).toFixed(1) + '%' : 'No match';\n"
	"  searchBtn.textContent = 'Reset Search';\n"
	"}\n"
	"function resetSearch() {\n"
	"  var i;\n"
	"  for (i = 0; i < frames.length; i++) frames[i].rect.setAttribute('fill', frames[i].fill);\n"
	"  searchRe = null; matchedTxt.textContent = ''; searchBtn.textContent = 'Search';\n"
	"}\n"
	"function askSearch() {\n"
	"  var term;\n"
	"  if (searchRe) { resetSearch(); return; }\n"
	"  term = prompt('Search for (a regular expression):', '');\n"
	"  if (term) search(term);\n"
	"}\n"
	"function onClick(e) {\n"
	"  var n = e.target;\n"
	"  if (n.id === 'unzoom') { unzoom(); return; }\n"
	"  if (n.id === 'search') { askSearch(); return; }\n"
	"  while (n && n.getAttribute && !/^f /.test(n.getAttribute('class') || '')) n = n.parentNode;\n"
	"  if (n && n.getAttribute && n.ow !== undefined) zoom(n);\n"
	"}\n"
	"function onKey(e) {\n"
	"  if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.keyCode === 70) || e.keyCode === 114) {\n"
	"    e.preventDefault(); askSearch();\n"
	"  } else if (e.keyCode === 27) { resetSearch(); unzoom(); }\n"
	"}\n"
	"]]></script>\n";

/*
 * XML text: the five entities escaped; bytes outside ASCII are '?' so that
 * a symbol cut anywhere stays well-formed.
 */
static void put_xml(FILE *f, const char *s, size_t max)
{
	static const char *const entity[128] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
		['"'] = "&quot;", ['\''] = "&apos;",
	};
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			fputc('?', f);
		else if (entity[(int)s[i]])
			fputs(entity[(int)s[i]], f);
		else
			fputc(s[i], f);
	}
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * flamegraph.pl's palettes, the shade by the name's hash (a function keeps
 * its colour across graphs): "aqua" for the kernel, "hot" for user code,
 * grey when unknown; the class letter says which (k, u, x).
 */
static char node_colour(const struct prof_node *n, char *buf, size_t len)
{
	uint32_t h = name_hash(n->name);
	double v1 = (h % 1000) / 1000.0, v2 = (h >> 10) % 1000 / 1000.0;

	if (!n->known) {
		snprintf(buf, len, "rgb(190,190,190)");
		return 'x';
	}
	if (n->kernel) {
		snprintf(buf, len, "rgb(%.0f,%.0f,%.0f)", 50 + 60 * v1, 165 + 55 * v1,
			 165 + 55 * v1);
		return 'k';
	}
	snprintf(buf, len, "rgb(%.0f,%.0f,%.0f)", 205 + 50 * v1, 230 * v2, 55 * v1);
	return 'u';
}

struct flame_svg {
	FILE *f;
	uint64_t total;
	double scale;		/* px per sample */
	unsigned int height;
};

static void svg_frame(struct flame_svg *s, const struct prof_node *n, double x,
		      unsigned int depth)
{
	double w = n->total * s->scale;
	unsigned int y = s->height - SVG_BOTTOM - (depth + 1) * SVG_FRAME;
	size_t fit = w > 3 * SVG_CHAR ? (size_t)((w - 6) / SVG_CHAR) : 0;
	char colour[32], palette;

	palette = node_colour(n, colour, sizeof(colour));
	fprintf(s->f, "<g class=\"f %c\"><title>", palette);
	put_xml(s->f, n->name, SIZE_MAX);
	if (n->dso[0]) {
		fputs(" (", s->f);
		put_xml(s->f, n->dso, SIZE_MAX);
		fputc(')', s->f);
	}
	fprintf(s->f, ": %" PRIu64 " samples, %.2f%%</title>"
		"<rect x=\"%.1f\" y=\"%u\" width=\"%.1f\" height=\"%u\" "
		"rx=\"2\" fill=\"%s\"/>", n->total, pct(n->total, s->total),
		x, y, w, SVG_FRAME - 1, colour);
	if (fit >= 3) {
		fprintf(s->f, "<text x=\"%.1f\" y=\"%u\">", x + 3,
			y + SVG_FRAME - 4);
		put_xml(s->f, n->name, strlen(n->name) > fit ? fit - 2 : fit);
		fputs(strlen(n->name) > fit ? "..</text>" : "</text>", s->f);
	}
	fputs("</g>\n", s->f);
}

static int svg_tree(struct flame_svg *s, const struct prof_node *n, double x,
		    unsigned int depth)
{
	struct prof_node **c;
	size_t nr, k;
	int ret = 0;

	svg_frame(s, n, x, depth);
	c = sorted_children(n, &nr);
	if (!c)
		return -ENOMEM;
	for (k = 0; k < nr && !ret; k++) {
		ret = svg_tree(s, c[k], x, depth + 1);
		x += c[k]->total * s->scale;
	}
	free(c);
	return ret;
}

/* The title, the controls, the palette's key, the line of counts. */
static void svg_head(FILE *f, const struct prof *p, const char *title, unsigned int height)
{
	/* The title stops short of the controls at either side. */
	size_t room = (SVG_WIDTH - 2 * 130) / 11;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" onload=\"init(evt)\">\n"
		"<style>text { font-family: Verdana, sans-serif; font-size: 12px; "
		"fill: #000; } g.f text { pointer-events: none; } "
		"g.f:hover rect { stroke: #000; } #unzoom, #search { cursor: pointer; } "
		"#unzoom { opacity: 0; }</style>\n", SVG_WIDTH, height, SVG_WIDTH, height);
	fputs(flame_js, f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#f8f8f0\"/>\n"
		"<text id=\"title\" x=\"%u\" y=\"24\" text-anchor=\"middle\" "
		"style=\"font-size: 17px\">", SVG_WIDTH, height, SVG_WIDTH / 2);
	put_xml(f, title, strlen(title) > room ? room - 2 : room);
	fprintf(f, "%s</text>\n", strlen(title) > room ? ".." : "");
	fprintf(f, "<text id=\"unzoom\" x=\"%u\" y=\"24\">Reset Zoom</text>\n"
		"<text id=\"search\" x=\"%u\" y=\"24\" text-anchor=\"end\">Search</text>\n"
		"<text id=\"key\" x=\"%u\" y=\"46\" text-anchor=\"middle\" "
		"style=\"font-size: 11px\">aqua: kernel, red to yellow: user, grey: "
		"unknown; click a frame to zoom, Ctrl-F to search</text>\n",
		SVG_PAD, SVG_WIDTH - SVG_PAD, SVG_WIDTH / 2);
	fprintf(f, "<text id=\"matched\" x=\"%u\" y=\"%u\" text-anchor=\"end\"></text>\n",
		SVG_WIDTH - SVG_PAD, height - 10);
	fprintf(f, "<text id=\"counts\" x=\"%u\" y=\"%u\">", SVG_PAD, height - 10);
	put_xml(f, p->event, SIZE_MAX);
	fprintf(f, ": %" PRIu64 " samples, %" PRIu64 " lost, %" PRIu64
		" unresolved</text>\n", p->samples, p->lost, p->unresolved);
}

int prof_print_svg(FILE *f, const struct prof *p, const char *title)
{
	struct flame_svg s = {
		.f = f, .total = p->root.total,
		.height = SVG_TOP + (p->max_depth + 1) * SVG_FRAME + SVG_BOTTOM,
	};
	int ret = 0;

	s.scale = s.total ? (double)(SVG_WIDTH - 2 * SVG_PAD) / s.total : 0;
	svg_head(f, p, title, s.height);
	if (s.total)
		ret = svg_tree(&s, &p->root, SVG_PAD, 0);
	fputs("</svg>\n", f);
	return ret || ferror(f) ? 1 : 0;
}

/* The command. */

enum {
	OPT_FOLDED = LLCTL_OPT_JSON + 1,
	OPT_SVG,
	OPT_CHILDREN,
	OPT_PERCENT_LIMIT,
	OPT_COMMS,
	OPT_DSOS,
	OPT_COMM,
	OPT_DSO,
	OPT_SORT,
	OPT_PID,
	OPT_CALL_GRAPH,
	OPT_STDIO,
	OPT_NO_PAGER,
	OPT_NO_DEMANGLE,
	OPT_DIFF,
};

struct prof_args {
	bool json, folded, children;
	const char *svg;
	struct llctl_list events;	/* -e, as given */
	const char *input;		/* -i */
	const char *limit;		/* --percent-limit */
	struct llctl_list comms, dsos;	/* --comms, --dsos */
	const char *sort;		/* --sort */
	struct llctl_list pids;		/* --pid */
	bool graph;			/* -g */
	int order;			/* --call-graph: callee, caller; -1 not given */
	bool stdio, no_pager, demangle, diff;
};

static const char *const graph_orders[] = { "callee", "caller", NULL };

static const struct llctl_opt prof_opt[] = {
	{ "json", LLCTL_OPT_JSON, NULL, "Print the top functions as JSON (docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct prof_args, json) },
	{ "folded", OPT_FOLDED, NULL, "Print collapsed stacks: comm;outer;...;inner COUNT",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct prof_args, folded) },
	{ "svg", OPT_SVG, "PATH", "Also write a flame graph SVG to PATH",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct prof_args, svg) },
	{ "children", OPT_CHILDREN, NULL, "Sort by inclusive samples (needs callchains)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct prof_args, children) },
	{ "event", 'e', "EV", "Only the section of EV (a list A,B, or -e again); --folded and --svg need one",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct prof_args, events) },
	{ "input", 'i', "FILE", "The perf.data file, as perf report -i (or the last operand)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct prof_args, input) },
	{ "percent-limit", OPT_PERCENT_LIMIT, "PCT", "Only rows of at least PCT % of the samples",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct prof_args, limit) },
	{ "comms", OPT_COMMS, "COMM", "Only the samples of these commands in the rows (a list, or again)",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct prof_args, comms) },
	{ "dsos", OPT_DSOS, "DSO", "Only the samples in these objects, by file name or path (a list, or again)",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct prof_args, dsos) },
	{ "comm", OPT_COMM, "COMM", "The same as --comms, perf's other spelling",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct prof_args, comms) },
	{ "dso", OPT_DSO, "DSO", "The same as --dsos, perf's other spelling",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct prof_args, dsos) },
	{ "pid", OPT_PID, "PID", "Only the samples of these processes in the rows (a list, or again); percentages stay of all",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct prof_args, pids) },
	{ "sort", 's', "KEYS", "The rows' keys and columns, a list of comm, pid, dso, symbol (default comm,dso,symbol)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct prof_args, sort) },
	{ "call-graph", 'g', NULL, "Each row's callchains as a tree, callee first ('-g caller': from main in)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct prof_args, graph) },
	{ "call-graph-order", OPT_CALL_GRAPH, "ORDER", "Of -g: callee (the default) or caller",
	  .type = LLCTL_OPT_ENUM, LLCTL_FIELD(struct prof_args, order),
	  .choices = graph_orders },
	{ "stdio", OPT_STDIO, NULL, "Text output, as perf report --stdio (the only one; accepted for perf's habit)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct prof_args, stdio) },
	{ "no-pager", OPT_NO_PAGER, NULL, "Print to the terminal, not through $LLCTL_PAGER, $PAGER or less -FRX",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct prof_args, no_pager) },
	{ "no-demangle", OPT_NO_DEMANGLE, NULL, "Show C++ and Rust symbols as the ELF has them",
	  .type = LLCTL_OPT_CLEAR, LLCTL_FIELD(struct prof_args, demangle) },
	{ "diff", OPT_DIFF, NULL, "Compare two files A B: perf.data as perf diff, or two llctl profile --json",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct prof_args, diff) },
	{ 0 }
};

static const struct llctl_opts prof_opts = {
	.cmd = "report",
	.synopsis = "[--json | --folded] [--children] [--svg PATH] [-e EV] "
		    "[--percent-limit PCT] [--comms COMM,...] [--dsos DSO,...] "
		    "[--pid PID,...] [--sort KEYS] [-g [caller]] [--no-demangle] "
		    "[--no-pager] [-i] PERF.DATA | --diff A B",
	.summary = "Render a perf.data profile ('llctl record' or 'perf record', one\n"
		   "section per event): the top functions by samples, collapsed\n"
		   "stacks for flamegraph.pl/speedscope/inferno, or a flame graph.\n"
		   "A flame graph counts one event: -e names it when the file has several.\n"
		   "Symbols come from this machine's files and /proc/kallsyms.",
	.opt = prof_opt,
	.operands = true,
};

/* A perf.data FILE among the arguments (an operand, -i FILE, --input=FILE), or --diff. */
bool prof_is_perf_data(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--diff"))	/* of perf.data or of JSON */
			return true;
		if (!strncmp(argv[i], "--input=", 8) &&
		    prof_pd_is_perf_data(argv[i] + 8))
			return true;
		if (argv[i][0] != '-' && prof_pd_is_perf_data(argv[i]))
			return true;
	}
	return false;
}

/* Says what could not be symbolized and why: never silently [unknown]. */
static void warn_unresolved(const struct prof *p)
{
	const char *path, *why;
	unsigned int i;

	for (i = 0; (path = prof_syms_failed_dso(p->syms, i, &why)); i++)
		llctl_err("Unable to read symbols of '%s': %s: its frames are [unknown]",
			  path, why);
	why = prof_syms_kernel_problem(p->syms);
	if (why)
		llctl_err("Unable to resolve kernel frames: %s: they are [unknown]",
			  why);
	if (p->lost)
		llctl_err("Warning: %" PRIu64 " samples were lost while recording",
			  p->lost);
	if (p->lost_sideband)
		llctl_err("Warning: %" PRIu64 " side-band records were lost: some maps are missing",
			  p->lost_sideband);
}

static int write_svg(const struct prof *p, const char *path, const char *file)
{
	char title[256];
	FILE *f = fopen(path, "w");
	int ret;

	if (!f) {
		llctl_err("Unable to create '%s': %s", path, strerror(errno));
		return 1;
	}
	snprintf(title, sizeof(title), "%s: %s", file, p->event);
	ret = prof_print_svg(f, p, title);
	if (fclose(f) || ret) {
		llctl_err("Unable to write '%s': %s", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* "a, b": the events of @p's shown sections, for a message. */
static const char *event_names(const struct prof *p, bool all, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; p && n < len; p = p->next)
		if (all || !p->hidden)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", p->event);
	return buf;
}

/* Shows the section of event @name (@len bytes): 0, or -1 when none has it. */
static int show_event(struct prof *p, const char *name, size_t len)
{
	int found = -1;

	for (; p; p = p->next) {
		if (strlen(p->event) == len && !strncmp(p->event, name, len)) {
			p->hidden = false;
			found = 0;
		}
	}
	return found;
}

/*
 * -e: only the sections named, each -e a name or a list of them, as perf's
 * -e: "a,b", "{a,b}"; the commas inside a PMU's terms ("cpu/event=1,umask=2/")
 * are the name's own.
 */
static int select_events(struct prof *p, const struct llctl_list *l, const char *file)
{
	const char *s, *e, *tok;
	char names[512];
	struct prof *q;
	bool in_pmu;
	size_t len;
	int i;

	for (q = p; l->n && q; q = q->next)
		q->hidden = true;
	for (i = 0; i < l->n; i++) {
		for (s = l->v[i]; *s; s = *e ? e + 1 : e) {
			for (e = s, in_pmu = false; *e && (in_pmu || *e != ','); e++)
				in_pmu ^= *e == '/';
			tok = s + strspn(s, "{");
			len = e - tok;
			while (len && tok[len - 1] == '}')
				len--;
			if (len && show_event(p, tok, len)) {
				llctl_opt_bad(&prof_opts, 'e', l->v[i],
					      "'%s' has no event '%.*s': it holds %s", file,
					      (int)len, tok, event_names(p, true, names, sizeof(names)));
				return -1;
			}
		}
	}
	for (q = p; l->n && q && q->hidden; q = q->next)
		;
	if (l->n && !q) {
		llctl_opt_bad(&prof_opts, 'e', l->v[0], "names no event: '%s' holds %s", file,
			      event_names(p, true, names, sizeof(names)));
		return -1;
	}
	return 0;
}

/*
 * --folded and --svg draw one event: a flame graph adds its samples up, and
 * the samples of two events (milliseconds of cpu-clock, page faults) do not
 * add. The one section shown, or NULL when there are several: refused with
 * their names, as perf report's browser asks which event to show.
 */
static const struct prof *one_section(const struct prof *p, const struct prof_args *a,
				      const char *file)
{
	const struct prof *s, *one = NULL;
	char names[512];
	int n = 0;

	for (s = p; s; s = s->next) {
		if (!s->hidden) {
			one = s;
			n++;
		}
	}
	if (n == 1)
		return one;
	llctl_err("Unable to write %s of '%s': it has %d events (%s) and a flame graph counts one: choose it with -e EVENT",
		  a->folded ? "--folded" : "--svg", file, n,
		  event_names(p, false, names, sizeof(names)));
	return NULL;
}

static int render(struct prof *p, const struct prof_args *a, const char *file)
{
	const struct prof *one = NULL;

	if ((a->folded || a->svg) && !(one = one_section(p, a, file)))
		return 1;
	if (a->svg && write_svg(one, a->svg, file))
		return 1;
	if (a->json)
		return llctl_json_print(prof_json(p));
	if (a->folded)
		return prof_print_folded(stdout, one);
	return prof_print_text(stdout, p);
}

#define FILTER_NAMES	64

/*
 * --comms and --dsos: each value a name or a comma list, split into @v
 * (copied into @buf): how many, or -1 after saying there are too many.
 */
static int split_names(const struct llctl_list *l, int key, char *buf, size_t len,
		       const char **v)
{
	char *tok, *save = NULL;
	size_t used = 0, n;
	int i, k = 0;

	for (i = 0; i < l->n; i++) {
		n = strlen(l->v[i]) + 1;
		if (used + n > len)
			goto full;
		memcpy(buf + used, l->v[i], n);
		for (tok = strtok_r(buf + used, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (k == FILTER_NAMES)
				goto full;
			v[k++] = tok;
		}
		used += n;
	}
	return k;
full:
	llctl_opt_bad(&prof_opts, key, NULL, "at most %d names", FILTER_NAMES);
	return -1;
}

/* What the values of --comms, --dsos and --pid are parsed into. */
struct filter_names {
	const char *comms[FILTER_NAMES], *dsos[FILTER_NAMES];
	uint32_t pids[FILTER_NAMES];
	char buf[4096];
};

/*
 * The rows shown (--percent-limit) into @ft, the samples in them (--comms,
 * --dsos) into @cfg, their names kept in @nm: 0, or -1.
 */
static int parse_filter(const struct prof_args *a, struct prof_filter *ft, struct prof_cfg *cfg,
			struct filter_names *nm)
{
	size_t len = sizeof(nm->buf);
	char *end;

	memset(ft, 0, sizeof(*ft));
	if (a->limit) {
		ft->percent_limit = strtod(a->limit, &end);
		if (end == a->limit || *end || !(ft->percent_limit >= 0) ||
		    ft->percent_limit > 100) {
			llctl_opt_bad(&prof_opts, OPT_PERCENT_LIMIT, a->limit,
				      "a percentage from 0 to 100");
			return -1;
		}
	}
	cfg->ncomms = split_names(&a->comms, OPT_COMMS, nm->buf, len / 2, nm->comms);
	cfg->ndsos = split_names(&a->dsos, OPT_DSOS, nm->buf + len / 2, len / 2, nm->dsos);
	if (cfg->ncomms < 0 || cfg->ndsos < 0)
		return -1;
	cfg->comms = cfg->ncomms ? nm->comms : NULL;
	cfg->dsos = cfg->ndsos ? nm->dsos : NULL;
	return 0;
}

/* --sort KEYS into @cfg: 0, or -1 after saying which key is unknown. */
static int parse_sort(const char *sort, struct prof_cfg *cfg)
{
	char buf[256], *tok, *save = NULL;
	int k;

	cfg->nkeys = 0;
	if (!sort)
		return 0;
	snprintf(buf, sizeof(buf), "%s", sort);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "sym"))	/* perf's short name */
			tok = "symbol";
		for (k = 0; k < PROF_NR_KEYS && strcmp(tok, prof_key_names[k]); k++)
			;
		if (k == PROF_NR_KEYS || cfg->nkeys == PROF_NR_KEYS) {
			llctl_opt_bad(&prof_opts, 's', sort, "keys are comm, pid, dso, symbol, each once");
			return -1;
		}
		cfg->keys[cfg->nkeys++] = k;
	}
	if (!cfg->nkeys) {
		llctl_opt_bad(&prof_opts, 's', sort, "name at least one key");
		return -1;
	}
	return 0;
}

/* --pid's numbers into @v: how many, or -1 after saying which is not one. */
static int parse_pids(const struct llctl_list *l, uint32_t *v)
{
	char buf[256], *tok, *save = NULL, *end;
	unsigned long n;
	int i, k = 0;

	for (i = 0; i < l->n; i++) {
		snprintf(buf, sizeof(buf), "%s", l->v[i]);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			n = strtoul(tok, &end, 10);
			if (end == tok || *end || n >= PROF_NO_PID || k == FILTER_NAMES) {
				llctl_opt_bad(&prof_opts, OPT_PID, l->v[i],
					      "process ids, at most %d", FILTER_NAMES);
				return -1;
			}
			v[k++] = n;
		}
	}
	return k;
}

/*
 * perf's "-g caller" and "-g callee": -g takes no argument here, so the
 * word after it becomes --call-graph-order=WORD, in a copy of @argv.
 */
static char **graph_argv(int argc, char **argv)
{
	static char caller[] = "--call-graph-order=caller";
	static char callee[] = "--call-graph-order=callee";
	char **v = calloc(argc + 1, sizeof(*v));
	int i;

	if (!v)
		return NULL;
	for (i = 0; i < argc; i++) {
		v[i] = argv[i];
		if (i && (!strcmp(argv[i - 1], "-g") || !strcmp(argv[i - 1], "--call-graph")) &&
		    (!strcmp(argv[i], "caller") || !strcmp(argv[i], "callee")))
			v[i] = !strcmp(argv[i], "caller") ? caller : callee;
	}
	return v;
}

/* The file named: -i FILE or the one operand; NULL after saying so. */
static const char *input_file(const struct prof_args *a, int c, int argc, char **argv)
{
	if (a->input && c == argc)
		return a->input;
	if (!a->input && c + 1 == argc)
		return argv[c];
	llctl_err("Unable to report: name one perf.data FILE (-i FILE, or the last operand), see 'llctl help report'");
	return NULL;
}

/* -g: each section with callchains draws them; one without says it has none. */
static void note_graph(const struct prof *p, const struct prof_args *a, const char *file)
{
	for (; a->graph && p; p = p->next)
		if (!p->hidden && !p->callchains)
			llctl_err("Unable to draw call graphs of event %s of '%s': it has no callchains (perf record -g): rows only",
				  p->event, file);
}

/* Whether a row of @p has a C++ or Rust name: what a missing demangler costs. */
static bool has_mangled(const struct prof *p)
{
	size_t i;

	for (; p; p = p->next)
		for (i = 0; i < p->nr_fn; i++)
			if (prof_is_mangled(p->fn[i].sym))
				return true;
	return false;
}

/* After parsing: the rows' keys, pids, graph; 0 or -1. */
static int load_cfg(const struct prof_args *a, struct prof_cfg *cfg, uint32_t *pids)
{
	memset(cfg, 0, sizeof(*cfg));
	if (parse_sort(a->sort, cfg))
		return -1;
	cfg->npids = parse_pids(&a->pids, pids);
	if (cfg->npids < 0)
		return -1;
	cfg->pids = pids;
	/* perf's default order: callee, caller with --children */
	if (a->graph || a->order >= 0)
		cfg->graph = a->order > 0 || (a->order < 0 && a->children) ?
			     PROF_GRAPH_CALLER : PROF_GRAPH_CALLEE;
	cfg->cumulate = a->children;
	return 0;
}

/* --children needs callchains in every section shown: true after saying which lacks them. */
static bool children_refused(const struct prof *p, const struct prof_args *a, const char *file)
{
	for (; a->children && p; p = p->next) {
		if (!p->hidden && !p->callchains) {
			llctl_err("Unable to sort by --children: event %s of '%s' has no callchains (perf record -g)",
				  p->event, file);
			return true;
		}
	}
	return false;
}

static int report_file(const struct prof_args *a, const char *file, const struct prof_cfg *cfg,
		       struct prof_filter *ft)
{
	struct prof *p = NULL, *s;
	const char *why;
	int ret = 1, c;

	c = prof_load_cfg(file, cfg, &p, &why);
	if (c) {
		llctl_err("Unable to read '%s': %s", file, why ? why :
			  c == -EINVAL ? "not a perf.data file, or damaged" :
			  strerror(-c));
		return 1;
	}
	if (select_events(p, &a->events, file) || children_refused(p, a, file))
		goto cleanup;
	if (a->children)
		prof_sort(p, true);
	ft->children = a->children;
	for (s = p; s; s = s->next) {
		s->filter = ft;
		s->demangle = a->demangle;
	}
	warn_unresolved(p);
	note_graph(p, a, file);
	if (a->demangle && prof_demangle_missing() && has_mangled(p))
		llctl_err("Unable to demangle symbols: %s", prof_demangle_missing());
	if (!a->json && !a->folded && llctl_pager_start(a->no_pager) < 0)
		llctl_err("Unable to page: the report goes to the terminal as it is");
	if (!render(p, a, file))
		ret = llctl_stdout_close();
	llctl_pager_end();
cleanup:
	prof_free(p);
	return ret;
}

static int report_main(int argc, char **argv)
{
	struct prof_args a = { .demangle = true, .order = -1 };
	struct filter_names names;
	struct prof_filter ft;
	struct prof_cfg cfg;
	const char *file;
	int c;

	c = llctl_parse(argc, argv, &prof_opts, &a);
	if (c < 0)
		return llctl_parse_status(c);
	if (a.diff && (a.folded || a.svg || a.children || a.sort || a.pids.n || a.graph ||
		       a.order >= 0 || a.comms.n || a.dsos.n || a.limit || a.events.n || a.input)) {
		llctl_opt_bad(&prof_opts, OPT_DIFF, NULL,
			      "compares two files by dso and symbol; it takes --json and --no-demangle only");
		return 1;
	}
	if (a.diff)
		return prof_diff_main(argc - c, argv + c, a.json, a.demangle);
	file = input_file(&a, c, argc, argv);
	if (!file || load_cfg(&a, &cfg, names.pids) || parse_filter(&a, &ft, &cfg, &names))
		return 1;
	if (a.json && a.folded) {
		llctl_opt_bad(&prof_opts, OPT_FOLDED, NULL,
			      "--json and --folded are two outputs; pick one");
		return 1;
	}
	return report_file(&a, file, &cfg, &ft);
}

int prof_report(int argc, char **argv)
{
	char **v = graph_argv(argc, argv);
	int ret;

	if (!v) {
		llctl_err("Unable to report: %s", strerror(ENOMEM));
		return 1;
	}
	ret = report_main(argc, v);
	free(v);
	return ret;
}
