// SPDX-License-Identifier: GPL-2.0
/*
 * llctl report -g and llctl top -g: each row's call graph, the tree of its
 * self samples' callchains, drawn as perf report -g --stdio draws its
 * "graph" mode: percentages of all the samples (report: the section's;
 * top: the screen's total), branches below 0.5% of them left out, callee
 * order (the sampled function first, then who called it) unless -g caller
 * (from the outermost frame in).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "profile/demangle.h"
#include "profile/report.h"
#include "profile/symbols.h"

#define GRAPH_MIN_PCT	0.5	/* perf's default graph threshold */
#define GRAPH_BAR	"|          "	/* a branch's column, 11 wide */
#define MAX_COL		4096

static struct prof_node *child_get(struct prof_node *parent, const struct prof_sym_frame *f)
{
	struct prof_node *n;

	for (n = parent->child; n; n = n->next)
		if (!strcmp(n->name, f->name) && !strcmp(n->dso, f->dso))
			return n;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = f->name;
	n->dso = f->dso;
	n->kernel = f->kernel;
	n->known = f->known;
	n->next = parent->child;
	parent->child = n;
	return n;
}

int prof_calls_add(struct prof_node **calls, const struct prof_sym_frame *f, unsigned int n,
		   enum prof_graph g)
{
	struct prof_node *node;
	unsigned int k;

	if (!*calls) {
		*calls = calloc(1, sizeof(**calls));
		if (!*calls)
			return -ENOMEM;
		(*calls)->name = (*calls)->dso = "";
	}
	node = *calls;
	node->total++;
	for (k = 0; k < n; k++) {
		node = child_get(node, &f[g == PROF_GRAPH_CALLER ? n - 1 - k : k]);
		if (!node)
			return -ENOMEM;
		node->total++;
	}
	node->self++;
	return 0;
}

void prof_calls_free(struct prof_node *n)
{
	struct prof_node *c, *next;

	if (!n)
		return;
	for (c = n->child; c; c = next) {
		next = c->next;
		prof_calls_free(c);
	}
	free(n);
}

/*
 * perf top's decay, node by node: each keeps 7/8 of its samples, rounded
 * down as the rows' are; a branch left with none goes. The root decays as
 * its row does, so the two stay equal.
 */
void prof_calls_decay(struct prof_node *n)
{
	struct prof_node **link = &n->child, *c;

	n->total = n->total * 7 / 8;
	n->self = n->self * 7 / 8;
	while ((c = *link)) {
		prof_calls_decay(c);
		if (c->total) {
			link = &c->next;
			continue;
		}
		*link = c->next;
		c->next = NULL;
		prof_calls_free(c);
	}
}

static int cmp_total(const void *x, const void *y)
{
	const struct prof_node *a = *(const struct prof_node *const *)x;
	const struct prof_node *b = *(const struct prof_node *const *)y;

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* @n's children of at least @min samples, most first: how many, or -1. */
static int shown_children(const struct prof_node *n, uint64_t min, struct prof_node ***out)
{
	struct prof_node *c, **v;
	int k = 0;

	for (c = n->child; c; c = c->next)
		k++;
	v = calloc(k ? k : 1, sizeof(*v));
	if (!v)
		return -1;
	k = 0;
	for (c = n->child; c; c = c->next)
		if (c->total >= min)
			v[k++] = c;
	qsort(v, k, sizeof(*v), cmp_total);
	*out = v;
	return k;
}

/* What a graph's percentages are of, and whether names are demangled. */
struct draw {
	uint64_t whole;
	bool demangle;
};

static void put_name(FILE *f, const struct draw *p, const struct prof_node *n)
{
	char *s = p->demangle ? prof_demangle(n->name) : NULL;

	fprintf(f, "%s\n", s ?: n->name);
	free(s);
}

static void branch(FILE *f, const struct draw *p, const struct prof_node *n,
		   const char *col, uint64_t min);

/*
 * @n after @lead, then its callers (or callees) one a line while the path
 * does not fork, then the fork.
 */
static void chain(FILE *f, const struct draw *p, const struct prof_node *n,
		  const char *lead, const char *col, uint64_t min)
{
	fputs(lead, f);
	put_name(f, p, n);
	while (n->child && !n->child->next && n->child->total == n->total) {
		n = n->child;
		fputs(col, f);
		put_name(f, p, n);
	}
	branch(f, p, n, col, min);
}

static void branch(FILE *f, const struct draw *p, const struct prof_node *n,
		   const char *col, uint64_t min)
{
	char lead[MAX_COL + 64], sub[MAX_COL + 16];
	struct prof_node **v = NULL;
	int k, i;
	bool last;

	k = shown_children(n, min, &v);
	if (k > 0 && strlen(col) + sizeof(GRAPH_BAR) < MAX_COL)
		fprintf(f, "%s%s\n", col, GRAPH_BAR);
	for (i = 0; i < k && strlen(col) + sizeof(GRAPH_BAR) < MAX_COL; i++) {
		last = i + 1 == k;
		snprintf(lead, sizeof(lead), "%s%s--%.2f%%--", col, last ? " " : "|",
			 p->whole ? 100.0 * v[i]->total / p->whole : 0.0);
		snprintf(sub, sizeof(sub), "%s%s          ", col, last ? " " : "|");
		chain(f, p, v[i], lead, sub, min);
		if (!last)
			fprintf(f, "%s%s\n", col, GRAPH_BAR);
	}
	free(v);
}

/* The minimum of samples a branch needs: GRAPH_MIN_PCT of the whole. */
static uint64_t graph_min(uint64_t whole)
{
	uint64_t min = (uint64_t)(whole * GRAPH_MIN_PCT / 100.0);

	return min + (min * 100.0 < whole * GRAPH_MIN_PCT);
}

/*
 * As perf: one path from the row, "|" then "---" and the path; several, the
 * branches at once; none above the threshold (a row under 0.5 % too),
 * nothing.
 */
void prof_print_calls(FILE *f, const struct prof_node *r, uint64_t whole, bool demangle)
{
	const struct draw d = { .whole = whole, .demangle = demangle }, *p = &d;
	const struct prof_node *c;
	uint64_t min = graph_min(whole);

	if (r->total < min)
		return;
	if (r->child && !r->child->next) {
		fputs("            |\n", f);
		chain(f, p, r->child, "            ---", "               ", min);
	} else {
		for (c = r->child; c && c->total < min; c = c->next)
			;
		if (!c)
			return;
		branch(f, p, r, "            ", min);
	}
	fputc('\n', f);
}

/* JSON: every path that samples end on, with its samples, most first. */

struct json_walk {
	const char **path;
	struct json_object *arr;
};

static void json_path(struct json_walk *w, const struct prof_node *n, unsigned int depth)
{
	struct json_object *o, *chain;
	const struct prof_node *c;
	unsigned int i;

	if (depth)
		w->path[depth - 1] = n->name;
	if (n->self && depth) {
		o = json_object_new_object();
		chain = json_object_new_array();
		for (i = 0; i < depth; i++)
			json_object_array_add(chain, json_object_new_string(w->path[i]));
		json_object_object_add(o, "chain", chain);
		json_object_object_add(o, "samples", json_object_new_int64(n->self));
		json_object_array_add(w->arr, o);
	}
	for (c = n->child; c; c = c->next)
		json_path(w, c, depth + 1);
}

static int cmp_json_samples(const void *x, const void *y)
{
	struct json_object *a = *(struct json_object *const *)x;
	struct json_object *b = *(struct json_object *const *)y;
	int64_t na = json_object_get_int64(json_object_object_get(a, "samples"));
	int64_t nb = json_object_get_int64(json_object_object_get(b, "samples"));

	return (na < nb) - (na > nb);
}

static unsigned int depth_of(const struct prof_node *n)
{
	const struct prof_node *c;
	unsigned int d = 0, k;

	for (c = n->child; c; c = c->next) {
		k = depth_of(c);
		if (k > d)
			d = k;
	}
	return d + 1;
}

struct json_object *prof_json_calls(const struct prof_node *calls)
{
	struct json_walk w = { .arr = json_object_new_array() };

	w.path = calloc(depth_of(calls), sizeof(*w.path));
	if (!w.path || !w.arr) {
		free(w.path);
		json_object_put(w.arr);
		return NULL;
	}
	json_path(&w, calls, 0);
	json_object_array_sort(w.arr, cmp_json_samples);
	free(w.path);
	return w.arr;
}
