// SPDX-License-Identifier: GPL-2.0
/*
 * llctl report --diff. perf.data: both files read with the rows perf diff
 * keys by (dso, symbol); each event of A is paired with B's of the same
 * name. Percentages are of samples: llctl's files have one period a sample,
 * as perf's percentages of periods then are. llctl profile --json: the
 * events' values by name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/util.h"
#include "profile/demangle.h"
#include "profile/diff.h"
#include "profile/perfdata.h"
#include "profile/report.h"

struct diff_row {
	const struct prof_fn *a, *b;	/* NULL: not in that file */
	double pa, pb;			/* percent of the section's samples */
};

static const struct prof_cfg diff_cfg = {
	.keys = { PROF_KEY_DSO, PROF_KEY_SYM }, .nkeys = 2,
};

static double pct_of(const struct prof_fn *fn, const struct prof *p)
{
	return fn && p->samples ? 100.0 * fn->self / p->samples : 0.0;
}

static const struct prof_fn *find_row(const struct prof *p, const struct prof_fn *fn)
{
	size_t i;

	for (i = 0; p && i < p->nr_fn; i++)
		if (!strcmp(p->fn[i].sym, fn->sym) && !strcmp(p->fn[i].dso, fn->dso))
			return &p->fn[i];
	return NULL;
}

/* perf diff's order: |Delta| most first; rows of A only count as 0. */
static int cmp_row(const void *x, const void *y)
{
	const struct diff_row *a = x, *b = y;
	double da = a->b ? fabs(a->pb - a->pa) : 0, db = b->b ? fabs(b->pb - b->pa) : 0;

	if (da != db)
		return da > db ? -1 : 1;
	if (a->pa != b->pa)
		return a->pa > b->pa ? -1 : 1;
	if (a->pb != b->pb)
		return a->pb > b->pb ? -1 : 1;
	return strcmp((a->a ?: a->b)->sym, (b->a ?: b->b)->sym);
}

/* The rows of section @a and of @b (may be NULL), sorted: how many, or -1. */
static ssize_t pair_rows(const struct prof *a, const struct prof *b, struct diff_row **out)
{
	size_t na = a->nr_fn, nb = b ? b->nr_fn : 0, n = 0, i;
	struct diff_row *v = calloc(na + nb + 1, sizeof(*v));

	if (!v)
		return -1;
	for (i = 0; i < na; i++) {
		if (!a->fn[i].self)
			continue;
		v[n].a = &a->fn[i];
		v[n].b = find_row(b, &a->fn[i]);
		if (v[n].b && !v[n].b->self)
			v[n].b = NULL;
		v[n].pa = pct_of(v[n].a, a);
		v[n].pb = pct_of(v[n].b, b);
		n++;
	}
	for (i = 0; i < nb; i++) {
		if (!b->fn[i].self || find_row(a, &b->fn[i]))
			continue;
		v[n].b = &b->fn[i];
		v[n].pb = pct_of(v[n].b, b);
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_row);
	*out = v;
	return n;
}

static const struct prof *section_named(const struct prof *p, const char *event)
{
	for (; p; p = p->next)
		if (!strcmp(p->event, event))
			return p;
	return NULL;
}

static void print_diff_row(FILE *f, const struct prof *a, const struct diff_row *r)
{
	const struct prof_fn *fn = r->a ?: r->b;
	char base[16] = "", delta[16] = "", *sym;

	if (r->a)
		snprintf(base, sizeof(base), "%.2f%%", r->pa);
	if (r->b)
		snprintf(delta, sizeof(delta), "%+.2f%%", r->pb - r->pa);
	sym = prof_sym_text(a, fn->sym);
	fprintf(f, "  %8s  %9s  %-24s [%c] %s\n", base, delta, fn->dso,
		fn->kernel ? 'k' : '.', sym ?: fn->sym);
	free(sym);
}

static struct json_object *json_pct2(double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.2f", v);
	return json_object_new_double_s(strtod(buf, NULL), buf);
}

static struct json_object *json_diff_row(const struct diff_row *r)
{
	const struct prof_fn *fn = r->a ?: r->b;
	struct json_object *o = json_object_new_object();
	char *d = prof_demangle(fn->sym);

	json_object_object_add(o, "symbol", json_object_new_string(fn->sym));
	json_object_object_add(o, "demangled", d ? json_object_new_string(d) : NULL);
	json_object_object_add(o, "dso", json_object_new_string(fn->dso));
	json_object_object_add(o, "baseline_samples", r->a ? json_object_new_int64(r->a->self) : NULL);
	json_object_object_add(o, "new_samples", r->b ? json_object_new_int64(r->b->self) : NULL);
	json_object_object_add(o, "baseline_percent", r->a ? json_pct2(r->pa) : NULL);
	json_object_object_add(o, "new_percent", r->b ? json_pct2(r->pb) : NULL);
	json_object_object_add(o, "delta_percent", r->b ? json_pct2(r->pb - r->pa) : NULL);
	free(d);
	return o;
}

/* One event's section: text to stdout or a JSON object into @arr. */
static int diff_section(const struct prof *a, const struct prof *b, struct json_object *arr)
{
	struct json_object *o, *rows;
	struct diff_row *v;
	ssize_t n, i;

	n = pair_rows(a, b, &v);
	if (n < 0)
		return -ENOMEM;
	if (arr) {
		o = json_object_new_object();
		rows = json_object_new_array();
		json_object_object_add(o, "event", json_object_new_string(a->event));
		json_object_object_add(o, "baseline_samples", json_object_new_int64(a->samples));
		json_object_object_add(o, "new_samples", b ? json_object_new_int64(b->samples) : NULL);
		for (i = 0; i < n; i++)
			json_object_array_add(rows, json_diff_row(&v[i]));
		json_object_object_add(o, "rows", rows);
		json_object_array_add(arr, o);
	} else {
		printf("# Event '%s'\n#\n# Baseline: %" PRIu64 " samples, new: %" PRIu64
		       " samples%s\n#\n", a->event, a->samples, b ? b->samples : 0,
		       b ? "" : " (B has no such event)");
		printf("# %8s  %9s  %-24s %s\n#\n", "Baseline", "Delta Abs", "Shared Object", "Symbol");
		for (i = 0; i < n; i++)
			print_diff_row(stdout, a, &v[i]);
	}
	free(v);
	return 0;
}

static struct prof *load_one(const char *file, bool demangle)
{
	struct prof *p = NULL, *s;
	const char *why;
	int c = prof_load_cfg(file, &diff_cfg, &p, &why);

	if (c) {
		llctl_err("Unable to read '%s': %s", file, why ? why :
			  c == -EINVAL ? "not a perf.data file, or damaged" : strerror(-c));
		return NULL;
	}
	for (s = p; s; s = s->next)
		s->demangle = demangle;
	return p;
}

static int diff_perf_data(char **files, bool json, bool demangle)
{
	struct prof *a = load_one(files[0], demangle), *b = a ? load_one(files[1], demangle) : NULL;
	struct json_object *o = NULL, *arr = NULL;
	const struct prof *s;
	int ret = 1;

	if (!b)
		goto out;
	if (json) {
		o = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(o, "baseline", json_object_new_string(files[0]));
		json_object_object_add(o, "new", json_object_new_string(files[1]));
		json_object_object_add(o, "events", arr);
	}
	for (s = a, ret = 0; s && !ret; s = s->next) {
		if (!json && s != a)
			putchar('\n');
		ret = diff_section(s, section_named(b, s->event), arr) ? 1 : 0;
	}
	if (!ret)
		ret = json ? llctl_json_print(o) : llctl_stdout_close();
	else
		json_object_put(o);
out:
	prof_free(a);
	prof_free(b);
	return ret;
}

/* llctl profile --json: its events' values by name. */

static struct json_object *read_profile_json(const char *file)
{
	struct json_object *o = json_object_from_file(file), *ev;

	if (!o || !json_object_object_get_ex(o, "events", &ev) ||
	    !json_object_is_type(ev, json_type_array)) {
		llctl_err("Unable to read '%s': not a perf.data file nor an llctl profile --json file (no \"events\" array)",
			  file);
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *event_by_name(struct json_object *o, const char *name)
{
	struct json_object *ev = json_object_object_get(o, "events"), *e, *n;
	size_t i;

	for (i = 0; i < json_object_array_length(ev); i++) {
		e = json_object_array_get_idx(ev, i);
		n = json_object_object_get(e, "name");
		if (n && !strcmp(json_object_get_string(n), name))
			return e;
	}
	return NULL;
}

/* The event's count, or why it has none. */
static const char *event_value(struct json_object *e, int64_t *v)
{
	struct json_object *val;

	if (!e)
		return "not in this file";
	val = json_object_object_get(e, "value");
	if (!val || json_object_is_type(val, json_type_null))
		return "not counted";
	*v = json_object_get_int64(val);
	return NULL;
}

static struct json_object *count_row(const char *name, struct json_object *ea,
				     struct json_object *eb)
{
	struct json_object *o = json_object_new_object();
	const char *wa, *wb, *why = NULL;
	int64_t va = 0, vb = 0;

	wa = event_value(ea, &va);
	wb = event_value(eb, &vb);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "baseline", wa ? NULL : json_object_new_int64(va));
	json_object_object_add(o, "new", wb ? NULL : json_object_new_int64(vb));
	if (wa || wb)
		why = wa ? "baseline: " : "new: ";
	else if (!va)
		why = "the baseline is 0: no ratio";
	json_object_object_add(o, "delta_percent", why ? NULL :
			       json_pct2(100.0 * ((double)vb - va) / va));
	if (why && (wa || wb)) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%s%s", why, wa ?: wb);
		json_object_object_add(o, "reason", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "reason", why ? json_object_new_string(why) : NULL);
	}
	return o;
}

/* Rows: A's events in its order, then B's that A lacks. */
static struct json_object *count_rows(struct json_object *a, struct json_object *b)
{
	struct json_object *rows = json_object_new_array(), *e, *ev;
	struct json_object *files[2] = { a, b };
	const char *name;
	size_t i;
	int f;

	for (f = 0; f < 2; f++) {
		ev = json_object_object_get(files[f], "events");
		for (i = 0; i < json_object_array_length(ev); i++) {
			e = json_object_array_get_idx(ev, i);
			name = json_object_get_string(json_object_object_get(e, "name"));
			if (!name || (f && event_by_name(a, name)))
				continue;
			json_object_array_add(rows, count_row(name, event_by_name(a, name),
							      event_by_name(b, name)));
		}
	}
	return rows;
}

static void print_count(struct json_object *r)
{
	struct json_object *d = json_object_object_get(r, "delta_percent");
	struct json_object *va = json_object_object_get(r, "baseline");
	struct json_object *vb = json_object_object_get(r, "new");

	printf("  %-32s %16s %16s", json_object_get_string(json_object_object_get(r, "name")),
	       va ? json_object_get_string(va) : "-", vb ? json_object_get_string(vb) : "-");
	if (d)
		printf("  %+9.2f%%\n", json_object_get_double(d));
	else
		printf("  %10s  (%s)\n", "-",
		       json_object_get_string(json_object_object_get(r, "reason")));
}

static int diff_counts(char **files, bool json)
{
	struct json_object *a = read_profile_json(files[0]);
	struct json_object *b = a ? read_profile_json(files[1]) : NULL;
	struct json_object *rows, *o;
	size_t i;
	int ret = 1;

	if (!b)
		goto out;
	rows = count_rows(a, b);
	if (json) {
		o = json_object_new_object();
		json_object_object_add(o, "baseline", json_object_new_string(files[0]));
		json_object_object_add(o, "new", json_object_new_string(files[1]));
		json_object_object_add(o, "counts", rows);
		ret = llctl_json_print(o);
		goto out;
	}
	printf("# Baseline: %s\n# New:      %s\n#\n# %-32s %16s %16s  %10s\n", files[0],
	       files[1], "Event", "Baseline", "New", "Delta");
	for (i = 0; i < json_object_array_length(rows); i++)
		print_count(json_object_array_get_idx(rows, i));
	json_object_put(rows);
	ret = llctl_stdout_close();
out:
	json_object_put(a);
	json_object_put(b);
	return ret;
}

int prof_diff_main(int n, char **files, bool json, bool demangle)
{
	bool pa, pb;

	if (n != 2) {
		llctl_err("Unable to diff: name two files, A (the baseline) and B, see 'llctl help report'");
		return 1;
	}
	pa = prof_pd_is_perf_data(files[0]);
	pb = prof_pd_is_perf_data(files[1]);
	if (pa != pb) {
		llctl_err("Unable to diff '%s' and '%s': one is perf.data, the other is not",
			  files[0], files[1]);
		return 1;
	}
	return pa ? diff_perf_data(files, json, demangle) : diff_counts(files, json);
}
