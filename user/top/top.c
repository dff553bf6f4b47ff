// SPDX-License-Identifier: GPL-2.0
/*
 * llctl top's table of functions and its screens (top/top.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/text.h"
#include "profile/report.h"
#include "profile/symbols.h"
#include "top/top.h"

#define LINE_MAX_LEN	1024

static uint64_t hash(const char *dso, const char *sym)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	const char *p;

	for (p = dso; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (p = sym; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static int grow(struct top_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, i, j;
	struct top_row **slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i])
			continue;
		j = hash(t->slot[i]->dso, t->slot[i]->sym) & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* The row of (@dso, @sym), made when new; NULL: no memory. */
static struct top_row *row_get(struct top_table *t, const char *dso, const char *sym,
			       bool kernel)
{
	struct top_row *r;
	size_t j;

	if ((t->n + 1) * 2 > t->cap && grow(t))
		return NULL;
	j = hash(dso, sym) & (t->cap - 1);
	for (; t->slot[j]; j = (j + 1) & (t->cap - 1)) {
		r = t->slot[j];
		if (!strcmp(r->dso, dso) && !strcmp(r->sym, sym))
			return r;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->dso = strdup(dso);
	r->sym = strdup(sym);
	if (!r->dso || !r->sym) {
		free(r->dso);
		free(r->sym);
		free(r);
		return NULL;
	}
	r->kernel = kernel;
	t->slot[j] = r;
	t->n++;
	return r;
}

int top_table_add(struct top_table *t, const char *dso, const char *sym,
		  bool kernel, uint64_t samples)
{
	struct top_row *r = row_get(t, dso, sym, kernel);

	if (!r)
		return -ENOMEM;
	r->samples += samples;
	r->fresh += samples;
	return 0;
}

int top_table_add_chain(struct top_table *t, const struct prof_sym_frame *f,
			unsigned int n)
{
	struct top_row *r = n ? row_get(t, f[0].dso, f[0].name, f[0].kernel) : NULL;

	if (!r || prof_calls_add(&r->calls, f, n, PROF_GRAPH_CALLEE))
		return -ENOMEM;
	r->samples++;
	r->fresh++;
	return 0;
}

static void row_free(struct top_row *r)
{
	prof_calls_free(r->calls);
	free(r->dso);
	free(r->sym);
	free(r);
}

static int cmp_row(const void *a, const void *b)
{
	const struct top_row *x = *(struct top_row *const *)a;
	const struct top_row *y = *(struct top_row *const *)b;
	int c;

	if (x->samples != y->samples)
		return x->samples > y->samples ? -1 : 1;
	c = strcmp(x->sym, y->sym);
	return c ? c : strcmp(x->dso, y->dso);
}

size_t top_table_sorted(const struct top_table *t, struct top_row ***rows)
{
	size_t i, n = 0;

	*rows = calloc(t->n ? t->n : 1, sizeof(**rows));
	if (!*rows)
		return 0;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i] && t->slot[i]->samples)
			(*rows)[n++] = t->slot[i];
	qsort(*rows, n, sizeof(**rows), cmp_row);
	return n;
}

void top_table_reset(struct top_table *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i])
			continue;
		row_free(t->slot[i]);
		t->slot[i] = NULL;
	}
	t->n = 0;
	t->other = 0;
}

/*
 * perf top's he_stat__decay(): period * 7 / 8. The rows left are put back
 * in a table of the same size (open addressing has no holes to leave).
 */
void top_table_decay(struct top_table *t)
{
	struct top_row **keep = calloc(t->cap ? t->cap : 1, sizeof(*keep));
	size_t i, n = 0, j;

	t->other = t->other * 7 / 8;
	for (i = 0; i < t->cap; i++) {
		struct top_row *r = t->slot[i];

		if (!r)
			continue;
		t->slot[i] = NULL;
		r->samples = r->samples * 7 / 8;
		r->fresh = 0;
		if (r->calls)
			prof_calls_decay(r->calls);	/* its root: r->samples */
		if (r->samples && keep)
			keep[n++] = r;
		else
			row_free(r);
	}
	t->n = n;
	for (i = 0; i < n; i++) {
		j = hash(keep[i]->dso, keep[i]->sym) & (t->cap - 1);
		while (t->slot[j])
			j = (j + 1) & (t->cap - 1);
		t->slot[j] = keep[i];
	}
	free(keep);
}

uint64_t top_table_total(const struct top_table *t)
{
	uint64_t n = t->other;
	size_t i;

	for (i = 0; i < t->cap; i++)
		if (t->slot[i])
			n += t->slot[i]->samples;
	return n;
}

void top_table_free(struct top_table *t)
{
	top_table_reset(t);
	free(t->slot);
	t->slot = NULL;
	t->cap = 0;
}

/* @line cut to @width columns (0: whole). */
static void put_line(FILE *f, char *line, int width)
{
	if (width > 0 && strlen(line) > (size_t)width)
		line[width] = '\0';
	fprintf(f, "%s\n", line);
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * part / whole : 0;
}

/* What the shares are of: the decayed total, or (none given) the interval's samples. */
static uint64_t whole(const struct top_tick *k)
{
	return k->total ? k->total : k->samples;
}

/* Room for a count as lib/text writes it, 64 bits grouped. */
#define COUNT_LEN	32

/* The interval's rate, samples and losses, counts grouped (lib/text). */
static void header(char *buf, size_t len, const struct top_tick *k)
{
	char n[6][COUNT_LEN];

	snprintf(buf, len,
		 "%s samples/s of %s (%s), %s samples in %.2f s, %s lost, %s throttled, %s hidden, %s unknown",
		 llctl_text_count(n[0], sizeof(n[0]),
				  k->interval > 0 ? k->samples / k->interval : 0, 0),
		 k->event, k->rate, llctl_text_u64(n[1], sizeof(n[1]), k->samples),
		 k->interval, llctl_text_u64(n[2], sizeof(n[2]), k->lost),
		 llctl_text_u64(n[3], sizeof(n[3]), k->throttled),
		 llctl_text_u64(n[4], sizeof(n[4]), k->hidden),
		 llctl_text_u64(n[5], sizeof(n[5]), k->unknown));
}

static void row_line(char *buf, size_t len, const struct top_row *r,
		     uint64_t total)
{
	char n[COUNT_LEN];

	snprintf(buf, len, "%7.2f%% %8s  %-20s %s %s", share(r->samples, total),
		 llctl_text_u64(n, sizeof(n), r->samples), r->dso,
		 r->kernel ? "[k]" : "[.]", r->sym);
}

/* Where -g's graph lines go: cut to @width (0: whole), or after the time. */
struct graph_out {
	FILE *f;
	int width;
	bool stamp;		/* lines mode: each after the time @t */
	double t;
	size_t left;		/* lines left for it, counted down */
};

/*
 * -g: @r's call graph, its shares of @total, as report -g draws it: in
 * memory first, to be cut and counted line by line.
 */
static void put_graph(struct graph_out *o, const struct top_row *r, uint64_t total)
{
	char *buf = NULL, *line, *nl;
	size_t len = 0;
	FILE *m;

	if (!r->calls || !o->left)
		return;
	m = open_memstream(&buf, &len);
	if (!m)
		return;
	prof_print_calls(m, r->calls, total, false);
	if (fclose(m)) {
		free(buf);
		return;
	}
	for (line = buf; *line && o->left; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (o->stamp)
			fprintf(o->f, "%15.9f %s\n", o->t, line);
		else
			put_line(o->f, line, o->width);
		o->left--;
	}
	free(buf);
}

void top_print(FILE *f, const struct top_tick *k, struct top_row **rows,
	       size_t n, int width, size_t max)
{
	struct graph_out o = { .f = f, .width = width, .left = k->lines ? k->lines : SIZE_MAX };
	char line[LINE_MAX_LEN], head[LINE_MAX_LEN / 2];
	size_t i;

	header(head, sizeof(head), k);
	snprintf(line, sizeof(line), "llctl top  %s", head);
	put_line(f, line, width);
	if (k->note) {
		snprintf(line, sizeof(line), "note: %s", k->note);
		put_line(f, line, width);
	}
	snprintf(line, sizeof(line), "%8s %8s  %-20s %s", "Overhead", "Samples",
		 "Shared Object", "    Symbol");
	put_line(f, line, width);
	for (i = 0; i < n && (!max || i < max) && o.left; i++) {
		row_line(line, sizeof(line), rows[i], whole(k));
		put_line(f, line, width);
		o.left--;
		if (k->graph)
			put_graph(&o, rows[i], whole(k));
	}
	if (!n)
		put_line(f, strcpy(line, "(no samples in this interval)"), width);
}

void top_print_lines(FILE *f, const struct top_tick *k, struct top_row **rows,
		     size_t n, size_t max)
{
	struct graph_out o = { .f = f, .stamp = true, .t = k->t, .left = SIZE_MAX };
	char line[LINE_MAX_LEN], head[LINE_MAX_LEN / 2];
	size_t i;

	header(head, sizeof(head), k);
	fprintf(f, "%15.9f %s\n", k->t, head);
	for (i = 0; i < n && (!max || i < max); i++) {
		row_line(line, sizeof(line), rows[i], whole(k));
		fprintf(f, "%15.9f %s\n", k->t, line);
		if (k->graph)
			put_graph(&o, rows[i], whole(k));
	}
}

struct json_object *top_json(const struct top_tick *k, struct top_row **rows,
			     size_t n, size_t max)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i;

	json_object_object_add(o, "time_s", json_object_new_double(k->t));
	json_object_object_add(o, "interval_s", json_object_new_double(k->interval));
	json_object_object_add(o, "event", json_object_new_string(k->event));
	json_object_object_add(o, "samples", json_object_new_int64(k->samples));
	json_object_object_add(o, "hidden", json_object_new_int64(k->hidden));
	json_object_object_add(o, "total", json_object_new_int64(whole(k)));
	json_object_object_add(o, "decay", json_object_new_string(k->zero ? "zero" : "7/8"));
	json_object_object_add(o, "lost", json_object_new_int64(k->lost));
	json_object_object_add(o, "throttled", json_object_new_int64(k->throttled));
	json_object_object_add(o, "unknown", json_object_new_int64(k->unknown));
	json_object_object_add(o, "note", k->note ? json_object_new_string(k->note) : NULL);
	for (i = 0; i < n && (!max || i < max); i++) {
		struct json_object *r = json_object_new_object();

		/* The keys of before the decay keep their meaning. */
		json_object_object_add(r, "overhead", json_object_new_double(
			round(share(rows[i]->fresh, k->samples) * 100) / 100));
		json_object_object_add(r, "samples", json_object_new_int64(rows[i]->fresh));
		json_object_object_add(r, "decayed_overhead", json_object_new_double(
			round(share(rows[i]->samples, whole(k)) * 100) / 100));
		json_object_object_add(r, "decayed_samples", json_object_new_int64(rows[i]->samples));
		json_object_object_add(r, "dso", json_object_new_string(rows[i]->dso));
		json_object_object_add(r, "symbol", json_object_new_string(rows[i]->sym));
		json_object_object_add(r, "kernel", json_object_new_boolean(rows[i]->kernel));
		if (k->graph)	/* decayed as the row: its decayed_samples, within rounding */
			json_object_object_add(r, "callchains", rows[i]->calls ?
					       prof_json_calls(rows[i]->calls) :
					       json_object_new_array());
		json_object_array_add(a, r);
	}
	json_object_object_add(o, "rows", a);
	return o;
}

/* Counting. */

/* "1002.31 msec 1.00" for a clock, "12,345,678 12.35M/s" (en_US) otherwise. */
static void count_cell(char *buf, size_t len, const struct top_count_event *e,
		       const struct top_count_cpu *c, unsigned int i, double interval)
{
	double v = c->value[i];
	char rate[32], n[COUNT_LEN];

	if (!c->counted[i]) {
		snprintf(buf, len, "%14s %10s", "<not counted>", "");
		return;
	}
	if (e->clock) {
		snprintf(buf, len, "%9.2f msec %10.2f", v / 1e6,
			 interval > 0 ? v / 1e9 / interval : 0);
		return;
	}
	llctl_text_rate(rate, sizeof(rate), interval > 0 ? v / interval : 0);
	snprintf(buf, len, "%14s %10s", llctl_text_count(n, sizeof(n), v, 0), rate);
}

static void count_head(char *buf, size_t len, const struct top_count_tick *k)
{
	size_t used;
	unsigned int i;

	used = snprintf(buf, len, k->n_cpu && k->cpu[0].cpu < 0 ? "%-22s" : "%-5s",
			k->n_cpu && k->cpu[0].cpu < 0 ? "PID COMM" : "CPU");
	for (i = 0; i < k->n_ev && used < len; i++)
		used += snprintf(buf + used, len - used, " %14.14s %10s",
				 k->ev[i].name, k->ev[i].clock ? "utilized" : "rate");
}

static void count_row(char *buf, size_t len, const struct top_count_tick *k,
		      const struct top_count_cpu *c)
{
	char cell[64];
	size_t used;
	unsigned int i;

	if (c->cpu < 0)
		used = snprintf(buf, len, "%-6d %-15.15s", c->pid, c->comm);
	else
		used = snprintf(buf, len, "%-5d", c->cpu);
	for (i = 0; i < k->n_ev && used < len; i++) {
		count_cell(cell, sizeof(cell), &k->ev[i], c, i, k->interval);
		used += snprintf(buf + used, len - used, " %s", cell);
	}
}

void top_count_print(FILE *f, const struct top_count_tick *k, int width)
{
	char line[LINE_MAX_LEN];
	unsigned int i;

	snprintf(line, sizeof(line), "llctl top --stat  %s, %.2f s interval, %u CPUs",
		 k->target, k->interval, k->n_cpus ? k->n_cpus : k->n_cpu);
	put_line(f, line, width);
	if (k->note) {
		snprintf(line, sizeof(line), "note: %s", k->note);
		put_line(f, line, width);
	}
	count_head(line, sizeof(line), k);
	put_line(f, line, width);
	for (i = 0; i < k->n_cpu; i++) {
		count_row(line, sizeof(line), k, &k->cpu[i]);
		put_line(f, line, width);
	}
}

void top_count_print_lines(FILE *f, const struct top_count_tick *k)
{
	char line[LINE_MAX_LEN];
	unsigned int i;

	count_head(line, sizeof(line), k);
	fprintf(f, "%15.9f %s\n", k->t, line);
	for (i = 0; i < k->n_cpu; i++) {
		count_row(line, sizeof(line), k, &k->cpu[i]);
		fprintf(f, "%15.9f %s\n", k->t, line);
	}
}

struct json_object *top_count_json(const struct top_count_tick *k)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	unsigned int i, e;

	json_object_object_add(o, "time_s", json_object_new_double(k->t));
	json_object_object_add(o, "interval_s", json_object_new_double(k->interval));
	json_object_object_add(o, "target", json_object_new_string(k->target));
	json_object_object_add(o, "note", k->note ? json_object_new_string(k->note) : NULL);
	for (i = 0; i < k->n_cpu; i++) {
		const struct top_count_cpu *c = &k->cpu[i];

		for (e = 0; e < k->n_ev; e++) {
			struct json_object *r = json_object_new_object();

			if (c->cpu < 0) {
				json_object_object_add(r, "pid", json_object_new_int(c->pid));
				json_object_object_add(r, "comm", json_object_new_string(c->comm));
			} else {
				json_object_object_add(r, "cpu", json_object_new_int(c->cpu));
			}
			json_object_object_add(r, "event", json_object_new_string(k->ev[e].name));
			json_object_object_add(r, "value", c->counted[e] ?
					       json_object_new_int64(llround(c->value[e])) : NULL);
			json_object_object_add(r, "reason", c->counted[e] ? NULL :
					       json_object_new_string("not counted: the event never ran on the PMU in this interval"));
			json_object_object_add(r, "rate_per_s", c->counted[e] && k->interval > 0 ?
					       json_object_new_double(c->value[e] / k->interval) : NULL);
			json_object_object_add(r, "coverage", json_object_new_double(c->coverage[e]));
			json_object_array_add(a, r);
		}
	}
	json_object_object_add(o, "counts", a);
	return o;
}
