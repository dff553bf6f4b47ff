// SPDX-License-Identifier: GPL-2.0
/*
 * llctl layout: struct fields by cache line, from DWARF or BTF (layout/layout.h):
 * holes, padding, fields straddling a line, and an order that packs the
 * hot fields into the fewest lines. Text in pahole's shape, or --json.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "layout/layout.h"
#include "lib/options.h"
#include "lib/rootfs.h"
#include "lib/util.h"

#define LINE_MIN	16
#define LINE_MAX	4096
#define LINE_DEFAULT	64
#define LINE_SYSFS	"sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size"
#define DECL_WIDTH	40
#define NAME_MAX_WIDTH	40

enum {
	OPT_HOT = LLCTL_OPT_JSON + 1,
	OPT_HOLES,
	OPT_SOURCE,
	OPT_BTF_BASE,
};


struct layout_args {
	const char *file, *pattern, *hot_arg, *btf_base;
	enum layout_source source;
	unsigned int line;
	const char *line_from;	/* "option", "sysfs" or "default" */
	bool holes_only, json, exact;
	struct layout_hot hot;
	struct layout_type *reordered;	/* with --hot */
	int source_opt;		/* --source: -1, or an index in layout_sources[] */
};
static const char *const layout_sources[] = { "dwarf", "btf", NULL };

static const struct llctl_opt layout_opt[] = {
	{ "struct", 's', "NAME", "Show this struct (or union, or typedef of one); a glob shows each match",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct layout_args, pattern) },
	{ "hot", OPT_HOT, "A,B,C|@FILE", "Hot fields: propose an order packing them into the fewest lines",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct layout_args, hot_arg) },
	{ "cache-line", 'c', "N", "Cache line bytes, a power of two in [16, 4096] (default: sysfs, else 64)",
	  .type = LLCTL_OPT_SIZE, LLCTL_FIELD(struct layout_args, line), .min = LINE_MIN, .max = LINE_MAX,
	  .flags = LLCTL_OPT_POW2 },
	{ "holes", OPT_HOLES, NULL, "Only structs with holes or bit holes",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct layout_args, holes_only) },
	{ "source", OPT_SOURCE, "dwarf|btf", "Read this, not the default (DWARF when present, else BTF)",
	  .type = LLCTL_OPT_ENUM, LLCTL_FIELD(struct layout_args, source_opt), .choices = layout_sources },
	{ "btf-base", OPT_BTF_BASE, "FILE", "Base of split BTF (default " LAYOUT_BTF_VMLINUX ")",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct layout_args, btf_base) },
	{ "json", LLCTL_OPT_JSON, NULL, "Print JSON (keys documented in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct layout_args, json) },
	{ 0 }
};

static const struct llctl_opts layout_opts = {
	.cmd = "layout",
	.synopsis = "[--struct NAME] [--hot A,B,C|@FILE] [--cache-line N] [--holes] "
		    "[--source dwarf|btf] [--btf-base FILE] [--json] BINARY|MODULE|vmlinux",
	.summary = "Show each struct's fields by cache line: offsets, sizes, holes, padding and\n"
		   "fields that straddle a line boundary, from DWARF (libdw) or BTF (libbpf: raw\n"
		   "BTF such as /sys/kernel/btf/vmlinux, an ELF's .BTF, a module's split BTF).\n"
		   "Without --struct, one summary line per struct. With --hot, an order of the\n"
		   "members that packs the hot ones into the fewest lines. Lines are counted\n"
		   "from offset 0, as if the struct started on a line boundary.",
	.opt = layout_opt,
	.operands = true,
};

/* --- text --- */

struct printer {
	unsigned int line;
	uint64_t shown_line;	/* the last line whose boundary was shown */
	const struct layout_hot *hot;
};

static void indent(int depth)
{
	int i;

	for (i = 0; i <= depth; i++)
		putchar('\t');
}

static void print_boundary(struct printer *p, uint64_t first_line, int depth)
{
	if (first_line <= p->shown_line)
		return;
	indent(depth);
	printf("/* --- cache line %lu boundary (%lu bytes) --- */\n",
	       (unsigned long)first_line,
	       (unsigned long)(first_line * p->line));
	p->shown_line = first_line;
}

static void print_hole(const struct layout_hole *h, int depth)
{
	indent(depth);
	if (h->bit_hole)
		printf("/* XXX %lu bit%s hole */\n", (unsigned long)h->bits,
		       h->bits == 1 ? "" : "s");
	else
		printf("/* XXX %lu byte%s hole */\n",
		       (unsigned long)h->bits / 8, h->bits == 8 ? "" : "s");
}

/* The offset and size columns; off:bit for a bitfield. */
static void print_where(const struct layout_member *m, uint64_t base,
			const struct layout_span *sp)
{
	uint64_t bit = base + m->bit_offset;

	if (m->bit_size)
		printf("/* %5lu:%2lu %4lu", (unsigned long)(bit / 8),
		       (unsigned long)(bit % 8), (unsigned long)m->size);
	else
		printf("/* %8lu %4lu", (unsigned long)sp->first_byte,
		       (unsigned long)m->size);
}

static int print_level(struct printer *p, const struct layout_type *t,
		       uint64_t base, int depth);

static int print_member(struct printer *p, const struct layout_member *m,
			uint64_t base, int depth)
{
	struct layout_span sp;
	int w;

	layout_member_span(m, base, p->line, &sp);
	print_boundary(p, sp.first_line, depth);
	if (m->nested) {
		indent(depth);
		printf("%s {\n", m->type);
		if (print_level(p, m->nested, base + m->bit_offset, depth + 1))
			return -1;
		indent(depth);
		w = printf("}%s%s;", m->name ? " " : "", m->name ? m->name : "");
	} else {
		if (m->new_unit) {
			indent(depth);
			printf("/* an unnamed ':0' bitfield: a new storage unit */\n");
		}
		indent(depth);
		if (m->bit_size)
			w = printf("%s:%u;", m->decl, m->bit_size);
		else
			w = printf("%s;", m->decl);
	}
	printf("%*s", w < DECL_WIDTH - 8 * depth ? DECL_WIDTH - 8 * depth - w : 1, "");
	print_where(m, base, &sp);
	printf(" */%s", layout_hot_has(p->hot, m->name) ? " hot" : "");
	if (m->align_inferred)
		printf(" aligned(%u), inferred", m->align);
	if (sp.straddles)
		printf(" <- straddles lines %lu-%lu", (unsigned long)sp.first_line,
		       (unsigned long)sp.last_line);
	putchar('\n');
	if (sp.last_line > p->shown_line)
		p->shown_line = sp.last_line;
	return 0;
}

static int print_level(struct printer *p, const struct layout_type *t,
		       uint64_t base, int depth)
{
	struct layout_hole *holes;
	struct layout_stats s;
	size_t i, h = 0, nholes;

	if (layout_scan(t, base, p->line, &s, &holes, &nholes))
		return -1;
	for (i = 0; i < t->n; i++) {
		if (h < nholes && holes[h].before == i) {
			putchar('\n');
			for (; h < nholes && holes[h].before == i; h++)
				print_hole(&holes[h], depth);
			putchar('\n');
		}
		if (print_member(p, &t->m[i], base, depth)) {
			free(holes);
			return -1;
		}
	}
	free(holes);
	return 0;
}

static void print_summary(const struct layout_type *t,
			  const struct layout_stats *s, unsigned int line)
{
	printf("\n\t/* size: %lu, alignment: %u, cachelines: %lu, members: %zu%s */\n",
	       (unsigned long)t->size, t->align, (unsigned long)s->cachelines,
	       s->members, t->packed ? ", packed" : "");
	printf("\t/* sum members: %lu, holes: %zu, sum holes: %lu */\n",
	       (unsigned long)s->sum_members, s->holes,
	       (unsigned long)s->sum_holes);
	if (s->sum_bitfield_bits || s->bit_holes)
		printf("\t/* sum bitfield members: %lu bits, bit holes: %zu, sum bit holes: %lu bits */\n",
		       (unsigned long)s->sum_bitfield_bits, s->bit_holes,
		       (unsigned long)s->sum_bit_holes);
	if (s->padding || s->bit_padding)
		printf("\t/* padding: %lu%s", (unsigned long)s->padding,
		       s->bit_padding ? "" : " */\n");
	if (s->bit_padding)
		printf(", bit padding: %u bits */\n", s->bit_padding);
	if (s->straddles)
		printf("\t/* members straddling a %u-byte line: %zu */\n", line,
		       s->straddles);
}

static int print_struct(const struct layout_type *t, unsigned int line,
			const struct layout_hot *hot)
{
	struct printer p = { .line = line, .hot = hot };
	struct layout_stats s;
	size_t n;

	if (layout_scan(t, 0, line, &s, NULL, &n))
		return -1;
	printf("%s %s {\n", t->is_union ? "union" : "struct", t->name);
	if (print_level(&p, t, 0, 0))
		return -1;
	print_summary(t, &s, line);
	printf("};\n");
	return 0;
}

/* --- JSON --- */

static struct json_object *jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *holes_json(const struct layout_type *t,
				      const struct layout_hole *h, size_t n,
				      unsigned int line)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		bool pad = h[i].before == t->n;

		json_object_object_add(o, "kind", jstr(pad ? "padding" :
				       h[i].bit_hole ? "bit_hole" : "hole"));
		json_object_object_add(o, "offset", jint(h[i].bit_offset / 8));
		json_object_object_add(o, "bit_offset", jint(h[i].bit_offset));
		json_object_object_add(o, "bits", jint(h[i].bits));
		json_object_object_add(o, "size", h[i].bit_hole ? NULL :
				       jint(h[i].bits / 8));
		json_object_object_add(o, "after", !h[i].before ? NULL :
				       jstr(t->m[h[i].before - 1].name));
		json_object_object_add(o, "line", jint(h[i].bit_offset / 8 / line));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *fields_json(const struct layout_type *t,
				       uint64_t base, unsigned int line,
				       const struct layout_hot *hot);

static struct json_object *field_json(const struct layout_member *m,
				      uint64_t base, unsigned int line,
				      const struct layout_hot *hot)
{
	struct json_object *o = json_object_new_object();
	struct layout_span sp;

	layout_member_span(m, base, line, &sp);
	json_object_object_add(o, "name", jstr(m->name));
	json_object_object_add(o, "type", jstr(m->type));
	json_object_object_add(o, "offset", jint(sp.first_byte));
	json_object_object_add(o, "size", jint(m->size));
	json_object_object_add(o, "bit_offset", jint(base + m->bit_offset));
	json_object_object_add(o, "bit_size", m->bit_size ? jint(m->bit_size) : NULL);
	json_object_object_add(o, "alignment", jint(m->align));
	json_object_object_add(o, "line", jint(sp.first_line));
	json_object_object_add(o, "last_line", jint(sp.last_line));
	json_object_object_add(o, "straddles", json_object_new_boolean(sp.straddles));
	json_object_object_add(o, "hot", json_object_new_boolean(layout_hot_has(hot, m->name)));
	json_object_object_add(o, "new_unit", json_object_new_boolean(m->new_unit));
	json_object_object_add(o, "alignment_inferred",
			       json_object_new_boolean(m->align_inferred));
	if (m->nested)
		json_object_object_add(o, "fields",
				       fields_json(m->nested, base + m->bit_offset,
						   line, hot));
	return o;
}

/* the members of one level, each nested one with its own "holes" */
static struct json_object *fields_json(const struct layout_type *t,
				       uint64_t base, unsigned int line,
				       const struct layout_hot *hot)
{
	struct json_object *arr = json_object_new_array();
	struct layout_hole *holes;
	struct layout_stats s;
	size_t i, n;

	for (i = 0; i < t->n; i++) {
		struct json_object *f = field_json(&t->m[i], base, line, hot);

		if (t->m[i].nested &&
		    !layout_scan(t->m[i].nested, base + t->m[i].bit_offset,
				 line, &s, &holes, &n)) {
			json_object_object_add(f, "holes",
					       holes_json(t->m[i].nested, holes, n, line));
			free(holes);
		}
		json_object_array_add(arr, f);
	}
	return arr;
}

static struct json_object *struct_json(const struct layout_type *t,
				       unsigned int line, bool detail,
				       const struct layout_hot *hot)
{
	struct json_object *o = json_object_new_object();
	struct layout_hole *holes = NULL;
	struct layout_stats s;
	size_t n;

	if (layout_scan(t, 0, line, &s, &holes, &n)) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "name", jstr(t->name));
	json_object_object_add(o, "kind", jstr(t->is_union ? "union" : "struct"));
	json_object_object_add(o, "size", jint(t->size));
	json_object_object_add(o, "alignment", jint(t->align));
	json_object_object_add(o, "packed", json_object_new_boolean(t->packed));
	json_object_object_add(o, "cachelines", jint(s.cachelines));
	json_object_object_add(o, "members", jint(s.members));
	json_object_object_add(o, "sum_members", jint(s.sum_members));
	json_object_object_add(o, "sum_bitfield_bits", jint(s.sum_bitfield_bits));
	json_object_object_add(o, "holes", jint(s.holes));
	json_object_object_add(o, "sum_holes", jint(s.sum_holes));
	json_object_object_add(o, "bit_holes", jint(s.bit_holes));
	json_object_object_add(o, "sum_bit_holes", jint(s.sum_bit_holes));
	json_object_object_add(o, "padding", jint(s.padding));
	json_object_object_add(o, "bit_padding", jint(s.bit_padding));
	json_object_object_add(o, "straddles", jint(s.straddles));
	if (detail) {
		json_object_object_add(o, "fields", fields_json(t, 0, line, hot));
		json_object_object_add(o, "hole_list", holes_json(t, holes, n, line));
	}
	free(holes);
	return o;
}

/* --- hot fields --- */

struct hot_result {
	uint64_t lines_before, lines_after, lines_min, bytes;
	struct layout_stats before, after;
};

static int hot_compare(const struct layout_type *t, const struct layout_type *r,
		       const struct layout_args *a, struct hot_result *res)
{
	size_t n;

	res->lines_before = layout_hot_lines(t, &a->hot, a->line, &res->bytes);
	res->lines_after = layout_hot_lines(r, &a->hot, a->line, NULL);
	res->lines_min = (res->bytes + a->line - 1) / a->line;
	if (layout_scan(t, 0, a->line, &res->before, NULL, &n) ||
	    layout_scan(r, 0, a->line, &res->after, NULL, &n))
		return -1;
	return 0;
}

static void print_hot(const struct layout_type *t, const struct layout_type *r,
		      const struct layout_args *a, const struct hot_result *res)
{
	size_t i;

	printf("\n/* hot fields:");
	for (i = 0; i < a->hot.n; i++)
		printf("%s %s", i ? "," : "", a->hot.name[i]);
	printf(" (%lu byte%s) */\n", (unsigned long)res->bytes,
	       res->bytes == 1 ? "" : "s");
	printf("/* lines touched by hot fields: %lu -> %lu (fewest possible: %lu) */\n",
	       (unsigned long)res->lines_before, (unsigned long)res->lines_after,
	       (unsigned long)res->lines_min);
	printf("/* size: %lu -> %lu, holes: %zu (%lu bytes) -> %zu (%lu bytes) */\n",
	       (unsigned long)t->size, (unsigned long)r->size, res->before.holes,
	       (unsigned long)res->before.sum_holes, res->after.holes,
	       (unsigned long)res->after.sum_holes);
	printf("/* reordered: */\n");
}

static struct json_object *hot_json(const struct layout_type *t,
				    const struct layout_type *r,
				    const struct layout_args *a,
				    const struct hot_result *res)
{
	struct json_object *o = json_object_new_object();
	struct json_object *names = json_object_new_array();
	struct json_object *order = json_object_new_array();
	size_t i;

	for (i = 0; i < a->hot.n; i++)
		json_object_array_add(names, jstr(a->hot.name[i]));
	for (i = 0; i < r->n; i++)
		json_object_array_add(order, r->m[i].name ? jstr(r->m[i].name) : NULL);
	json_object_object_add(o, "fields", names);
	json_object_object_add(o, "bytes", jint(res->bytes));
	json_object_object_add(o, "lines_before", jint(res->lines_before));
	json_object_object_add(o, "lines_after", jint(res->lines_after));
	json_object_object_add(o, "lines_min", jint(res->lines_min));
	json_object_object_add(o, "size_before", jint(t->size));
	json_object_object_add(o, "size_after", jint(r->size));
	json_object_object_add(o, "holes_before", jint(res->before.holes));
	json_object_object_add(o, "sum_holes_before", jint(res->before.sum_holes));
	json_object_object_add(o, "holes_after", jint(res->after.holes));
	json_object_object_add(o, "sum_holes_after", jint(res->after.sum_holes));
	json_object_object_add(o, "order", order);
	json_object_object_add(o, "reordered", struct_json(r, a->line, true, &a->hot));
	return o;
}

/* --- the command --- */

static const char *source_text(const struct layout_file *f)
{
	if (f->source == LAYOUT_SRC_DWARF)
		return "DWARF (libdw)";
	return f->btf_base ? "split BTF (libbpf), base" : "BTF (libbpf)";
}

static void print_header(const struct layout_file *f, const struct layout_args *a)
{
	printf("/* %s: %s%s%s, cache line %u bytes (%s) */\n", f->path,
	       source_text(f), f->btf_base ? " " : "",
	       f->btf_base ? f->btf_base : "", a->line, a->line_from);
}

static bool has_holes(const struct layout_type *t, unsigned int line)
{
	struct layout_stats s;
	size_t n;

	return !layout_scan(t, 0, line, &s, NULL, &n) && (s.holes || s.bit_holes);
}

static int name_width(const struct layout_file *f)
{
	size_t i, w = 4;

	for (i = 0; i < f->n; i++)
		if (strlen(f->types[i]->name) > w)
			w = strlen(f->types[i]->name);
	return w > NAME_MAX_WIDTH ? NAME_MAX_WIDTH : (int)w;
}

static void print_list_line(const struct layout_type *t, unsigned int line,
			    int w)
{
	struct layout_stats s;
	size_t n;

	if (layout_scan(t, 0, line, &s, NULL, &n))
		return;
	printf("%-*s %6s %7lu %5u %5lu %7zu %5zu %9lu %9zu %7lu %9zu\n", w,
	       t->name, t->is_union ? "union" : "struct", (unsigned long)t->size,
	       t->align, (unsigned long)s.cachelines, s.members, s.holes,
	       (unsigned long)s.sum_holes, s.bit_holes, (unsigned long)s.padding,
	       s.straddles);
}

static int report_hot(const struct layout_type *t, const struct layout_args *a,
		      struct json_object *js)
{
	const struct layout_type *r = a->reordered;
	struct hot_result res;

	if (hot_compare(t, r, a, &res)) {
		llctl_err("Unable to compare struct '%s' with its reordering: out of memory",
			  t->name);
		return 1;
	}
	if (js) {
		json_object_object_add(js, "hot", hot_json(t, r, a, &res));
		return 0;
	}
	print_hot(t, r, a, &res);
	return print_struct(r, a->line, &a->hot) ? 1 : 0;
}

static int report(const struct layout_file *f, const struct layout_args *a)
{
	struct json_object *root = NULL, *arr = NULL, *js;
	bool detail = a->pattern != NULL;
	size_t i;
	int w = name_width(f), ret = 1;

	if (a->json) {
		root = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(root, "file", jstr(f->path));
		json_object_object_add(root, "source", jstr(layout_source_name(f->source)));
		json_object_object_add(root, "btf_base", jstr(f->btf_base));
		json_object_object_add(root, "cache_line", jint(a->line));
		json_object_object_add(root, "cache_line_from", jstr(a->line_from));
		json_object_object_add(root, "structs", arr);
	} else {
		print_header(f, a);
		if (!detail)
			printf("%-*s %6s %7s %5s %5s %7s %5s %9s %9s %7s %9s\n", w,
			       "NAME", "KIND", "SIZE", "ALIGN", "LINES", "MEMBERS",
			       "HOLES", "SUM_HOLES", "BIT_HOLES", "PADDING",
			       "STRADDLES");
	}
	for (i = 0; i < f->n; i++) {
		const struct layout_type *t = f->types[i];

		if (a->holes_only && !has_holes(t, a->line))
			continue;
		if (a->json) {
			js = struct_json(t, a->line, detail, a->hot.n ? &a->hot : NULL);
			if (!js)
				goto oom;
			json_object_array_add(arr, js);
			if (a->hot.n && report_hot(t, a, js))
				goto cleanup;
		} else if (detail) {
			putchar('\n');
			if (print_struct(t, a->line, a->hot.n ? &a->hot : NULL))
				goto oom;
			if (a->hot.n && report_hot(t, a, NULL))
				goto cleanup;
		} else {
			print_list_line(t, a->line, w);
		}
	}
	if (root) {
		ret = llctl_json_print(root);
		root = NULL;
		return ret;
	}
	return llctl_stdout_close();
oom:
	llctl_err("Unable to report layouts: out of memory");
cleanup:
	json_object_put(root);
	return ret;
}

static void default_line(struct layout_args *a)
{
	long v;

	if (!llctl_root_read_int(NULL, LINE_SYSFS, &v) && v >= LINE_MIN &&
	    v <= LINE_MAX && !(v & (v - 1))) {
		a->line = v;
		a->line_from = "sysfs";
		return;
	}
	a->line = LINE_DEFAULT;
	a->line_from = "default";
}

static int parse_args(int argc, char **argv, struct layout_args *a)
{
	int n;

	a->source_opt = -1;
	n = llctl_parse(argc, argv, &layout_opts, a);
	if (n < 0)
		return n;
	if (a->source_opt >= 0)
		a->source = a->source_opt ? LAYOUT_SRC_BTF : LAYOUT_SRC_DWARF;
	if (a->line)
		a->line_from = "option";
	if (n >= argc) {
		llctl_err("Unable to show layouts: no file given, see 'llctl help layout'");
		return LLCTL_PARSE_ERROR;
	}
	a->file = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "%s layout: Unable to parse '%s': one file at most, see 'llctl help layout'\n",
			llctl_prog, argv[optind]);
		return LLCTL_PARSE_ERROR;
	}
	a->exact = a->pattern && !strpbrk(a->pattern, "*?[");
	if (a->hot_arg && !a->exact) {
		llctl_opt_bad(&layout_opts, OPT_HOT, a->hot_arg,
			      "it needs --struct NAME naming one struct");
		return LLCTL_PARSE_ERROR;
	}
	if (a->btf_base && a->source == LAYOUT_SRC_DWARF) {
		llctl_opt_bad(&layout_opts, OPT_BTF_BASE, a->btf_base,
			      "it is for --source btf, not dwarf");
		return LLCTL_PARSE_ERROR;
	}
	if (!a->line)
		default_line(a);
	return 0;
}

static int check_hot(const struct layout_file *f, struct layout_args *a)
{
	const char *missing;
	char err[512];
	size_t i;

	if (!a->hot_arg)
		return 0;
	if (layout_hot_parse(a->hot_arg, &a->hot, err, sizeof(err))) {
		llctl_opt_bad(&layout_opts, OPT_HOT, a->hot_arg, "%s", err);
		return 1;
	}
	missing = layout_hot_missing(f->types[0], &a->hot);
	if (!missing) {
		a->reordered = layout_reorder(f->types[0], &a->hot, err, sizeof(err));
		if (a->reordered)
			return 0;
		llctl_err("Unable to reorder struct '%s': %s", f->types[0]->name, err);
		return 1;
	}
	fprintf(stderr, "%s: Unable to find hot field '%s' in struct '%s': its members are",
		llctl_prog, missing, f->types[0]->name);
	for (i = 0; i < f->types[0]->n; i++)
		fprintf(stderr, "%s %s", i ? "," : "",
			f->types[0]->m[i].name ? f->types[0]->m[i].name :
			"(anonymous)");
	fputc('\n', stderr);
	return 1;
}

int cmd_layout(int argc, char **argv)
{
	struct layout_args a = { .line = 0 };
	struct layout_file f = { 0 };
	struct layout_load_opts o;
	char err[512];
	int ret = 1;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return llctl_parse_status(ret);
	ret = 1;
	o = (struct layout_load_opts){ .source = a.source,
				       .btf_base = a.btf_base,
				       .pattern = a.pattern };
	if (layout_load(a.file, &o, &f, err, sizeof(err))) {
		llctl_err("Unable to read struct layouts from '%s': %s", a.file, err);
		return 1;
	}
	if (a.pattern && !f.n) {
		if (a.exact)
			llctl_err("Unable to find struct '%s' in %s", a.pattern, a.file);
		else
			llctl_err("Unable to find a struct matching '%s' in %s",
				  a.pattern, a.file);
		goto cleanup;
	}
	if (check_hot(&f, &a))
		goto cleanup;
	ret = report(&f, &a);
cleanup:
	layout_type_free(a.reordered);
	layout_hot_free(&a.hot);
	layout_file_free(&f);
	return ret;
}
