// SPDX-License-Identifier: GPL-2.0
/*
 * Struct layouts from DWARF, through libdwfl (which applies a module's
 * relocations and finds separate debuginfo by build-id or debuglink) and
 * libdw. Each struct, union or C++ class with a name (or a typedef's
 * name) is read once: the first definition met wins, as in pahole.
 */
#define _GNU_SOURCE
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout.h"

#define MAX_DEPTH 64	/* of declarators and nesting: cycles stop here */

struct dwarf_ctx {
	struct layout_file *f;
	const char *pattern;
	void *seen;		/* tsearch() tree of names read */
	int err;		/* out of memory */
};

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, type);
}

static uint64_t udata(Dwarf_Die *die, int at, uint64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!dwarf_attr_integrate(die, at, &a) || dwarf_formudata(&a, &w))
		return dflt;
	return w;
}

static uint32_t addr_size(Dwarf_Die *die)
{
	Dwarf_Die cu;
	uint8_t asz = 8;

	if (!dwarf_diecu(die, &cu, &asz, NULL))
		return 8;
	return asz;
}

/* DW_AT_data_member_location: a constant, or DW_OP_plus_uconst (DWARF 2) */
static uint64_t member_location(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(die, DW_AT_data_member_location, &a))
		return 0;
	if (!dwarf_formudata(&a, &w))
		return w;
	if (!dwarf_getlocation(&a, &ops, &n) && n == 1 &&
	    ops[0].atom == DW_OP_plus_uconst)
		return ops[0].number;
	return 0;
}

static uint32_t align_of(Dwarf_Die *die, int depth);

static uint32_t struct_align(Dwarf_Die *die, int depth)
{
	uint32_t a = 1, ma;
	Dwarf_Die child, type;
	uint64_t off;

	if (dwarf_child(die, &child))
		return 1;
	do {
		if (dwarf_tag(&child) != DW_TAG_member &&
		    dwarf_tag(&child) != DW_TAG_inheritance)
			continue;
		if (!type_of(&child, &type))
			continue;
		ma = udata(&child, DW_AT_alignment, 0);
		if (!ma)
			ma = align_of(&type, depth + 1);
		off = member_location(&child);
		if (!dwarf_hasattr(&child, DW_AT_bit_size) && off % ma)
			return 1;	/* packed */
		if (ma > a)
			a = ma;
	} while (!dwarf_siblingof(&child, &child));
	return a;
}

static uint32_t align_of(Dwarf_Die *die, int depth)
{
	uint32_t explicit = udata(die, DW_AT_alignment, 0);
	Dwarf_Die type;
	uint64_t size;

	if (explicit)
		return explicit;
	if (depth > MAX_DEPTH)
		return 1;
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
		size = udata(die, DW_AT_byte_size, 1);
		if (udata(die, DW_AT_encoding, 0) == DW_ATE_complex_float)
			size /= 2;
		return size ? size : 1;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		return addr_size(die);
	case DW_TAG_enumeration_type:
		if (type_of(die, &type))
			return align_of(&type, depth + 1);
		size = udata(die, DW_AT_byte_size, 4);
		return size ? size : 1;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		return struct_align(die, depth);
	case DW_TAG_array_type:
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return type_of(die, &type) ? align_of(&type, depth + 1) : 1;
	default:
		return 1;
	}
}

/* "struct foo", "struct {...}", "long int": what a declarator starts with */
static char *type_head(Dwarf_Die *die)
{
	const char *kw = "", *name = dwarf_diename(die);
	char *s;

	switch (dwarf_tag(die)) {
	case DW_TAG_structure_type:
		kw = "struct ";
		break;
	case DW_TAG_class_type:
		kw = "class ";
		break;
	case DW_TAG_union_type:
		kw = "union ";
		break;
	case DW_TAG_enumeration_type:
		kw = "enum ";
		break;
	}
	if (asprintf(&s, "%s%s", kw, name ? name : *kw ? "{...}" : "?") < 0)
		return NULL;
	return s;
}

static char *decl(Dwarf_Die *type, const char *inner, int depth);

/* the declarator @inner wrapped in parentheses when it is a pointer */
static const char *paren(const char *inner, char **buf)
{
	if (inner[0] != '*' && inner[0] != '&')
		return inner;
	if (asprintf(buf, "(%s)", inner) < 0)
		return NULL;
	return *buf;
}

static char *array_decl(Dwarf_Die *die, const char *inner, int depth)
{
	char *dims = NULL, *buf = NULL, *next = NULL, *ret = NULL;
	size_t len = 0;
	Dwarf_Die child, elem;
	FILE *m = open_memstream(&dims, &len);

	if (!m)
		return NULL;
	if (!dwarf_child(die, &child)) {
		do {
			if (dwarf_tag(&child) != DW_TAG_subrange_type)
				continue;
			if (dwarf_hasattr(&child, DW_AT_count))
				fprintf(m, "[%lu]", (unsigned long)udata(&child, DW_AT_count, 0));
			else if (dwarf_hasattr(&child, DW_AT_upper_bound))
				fprintf(m, "[%lu]", (unsigned long)udata(&child, DW_AT_upper_bound, 0) + 1);
			else
				fputs("[]", m);
		} while (!dwarf_siblingof(&child, &child));
	}
	if (fclose(m))
		goto out;
	inner = paren(inner, &buf);
	if (inner && asprintf(&next, "%s%s", inner, dims) >= 0)
		ret = decl(type_of(die, &elem) ? &elem : NULL, next, depth + 1);
out:
	free(dims);
	free(buf);
	free(next);
	return ret;
}

static char *func_decl(Dwarf_Die *die, const char *inner, int depth)
{
	char *args = NULL, *buf = NULL, *next = NULL, *ret = NULL, *p;
	size_t len = 0, n = 0;
	Dwarf_Die child, t;
	FILE *m = open_memstream(&args, &len);

	if (!m)
		return NULL;
	if (!dwarf_child(die, &child)) {
		do {
			if (dwarf_tag(&child) == DW_TAG_unspecified_parameters) {
				fprintf(m, "%s...", n++ ? ", " : "");
				continue;
			}
			if (dwarf_tag(&child) != DW_TAG_formal_parameter)
				continue;
			p = decl(type_of(&child, &t) ? &t : NULL, "", depth + 1);
			fprintf(m, "%s%s", n++ ? ", " : "", p ? p : "?");
			free(p);
		} while (!dwarf_siblingof(&child, &child));
	}
	if (!n)
		fputs("void", m);
	if (fclose(m))
		goto out;
	inner = paren(inner, &buf);
	if (inner && asprintf(&next, "%s(%s)", inner, args) >= 0)
		ret = decl(type_of(die, &t) ? &t : NULL, next, depth + 1);
out:
	free(args);
	free(buf);
	free(next);
	return ret;
}

static char *qual_decl(Dwarf_Die *die, const char *q, const char *inner,
		       int depth)
{
	char *next = NULL, *s, *ret = NULL;
	Dwarf_Die t;
	bool has = type_of(die, &t);

	/* a qualified pointer: the qualifier follows the '*' */
	if (has && dwarf_tag(&t) == DW_TAG_pointer_type) {
		if (asprintf(&next, "%s%s%s", q, *inner ? " " : "", inner) < 0)
			return NULL;
		ret = decl(&t, next, depth + 1);
		free(next);
		return ret;
	}
	s = decl(has ? &t : NULL, inner, depth + 1);
	if (s && asprintf(&ret, "%s %s", q, s) < 0)
		ret = NULL;
	free(s);
	return ret;
}

/* The C declaration of @inner (a name, or "") with type @type (NULL: void). */
static char *decl(Dwarf_Die *type, const char *inner, int depth)
{
	char *head, *ret = NULL, *next;
	Dwarf_Die t;

	if (depth > MAX_DEPTH)
		return strdup("?");
	if (!type)
		return asprintf(&ret, "void%s%s", *inner ? " " : "", inner) < 0 ?
		       NULL : ret;
	switch (dwarf_tag(type)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		if (asprintf(&next, "%s%s",
			     dwarf_tag(type) == DW_TAG_pointer_type ? "*" :
			     dwarf_tag(type) == DW_TAG_reference_type ? "&" : "&&",
			     inner) < 0)
			return NULL;
		ret = decl(type_of(type, &t) ? &t : NULL, next, depth + 1);
		free(next);
		return ret;
	case DW_TAG_const_type:
		return qual_decl(type, "const", inner, depth);
	case DW_TAG_volatile_type:
		return qual_decl(type, "volatile", inner, depth);
	case DW_TAG_restrict_type:
		return qual_decl(type, "restrict", inner, depth);
	case DW_TAG_atomic_type:
		return qual_decl(type, "_Atomic", inner, depth);
	case DW_TAG_array_type:
		return array_decl(type, inner, depth);
	case DW_TAG_subroutine_type:
		return func_decl(type, inner, depth);
	}
	head = type_head(type);
	if (head && asprintf(&ret, "%s%s%s", head,
			     *inner && *inner != '[' ? " " : "", inner) < 0)
		ret = NULL;
	free(head);
	return ret;
}

static uint64_t type_size(Dwarf_Die *type)
{
	Dwarf_Word size;

	return dwarf_aggregate_size(type, &size) ? 0 : size;
}

static bool is_aggregate(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type;
}

static struct layout_type *read_type(struct dwarf_ctx *c, Dwarf_Die *die,
				     const char *name, bool named, int depth);

static int read_member(struct dwarf_ctx *c, struct layout_type *t,
		       Dwarf_Die *die, int depth)
{
	struct layout_member *m;
	const char *name = dwarf_diename(die);
	Dwarf_Die type;
	bool has_type = type_of(die, &type);
	uint64_t loc = member_location(die);

	if (dwarf_hasattr(die, DW_AT_declaration) ||
	    dwarf_hasattr(die, DW_AT_external))
		return 0;	/* a C++ static member */
	if (!(m = layout_member_add(t)))
		return -1;
	m->size = has_type ? type_size(&type) : 0;
	m->align = udata(die, DW_AT_alignment, 0);
	if (!m->align)
		m->align = has_type ? align_of(&type, 0) : 1;
	m->bit_offset = loc * 8;
	if (dwarf_hasattr(die, DW_AT_bit_size)) {
		m->bit_size = udata(die, DW_AT_bit_size, 0);
		if (dwarf_hasattr(die, DW_AT_data_bit_offset)) {
			m->bit_offset = udata(die, DW_AT_data_bit_offset, 0);
		} else {	/* DWARF 2/3, little-endian: from the unit's top */
			uint64_t unit = udata(die, DW_AT_byte_size, m->size);

			m->bit_offset = loc * 8 + unit * 8 -
					udata(die, DW_AT_bit_offset, 0) -
					m->bit_size;
		}
	}
	if (dwarf_tag(die) == DW_TAG_inheritance) {
		char *head = has_type ? type_head(&type) : NULL;

		if (head && asprintf(&m->name, "<%s>", head) < 0)
			m->name = NULL;
		if (head && asprintf(&m->decl, "%s /* base */", head) < 0)
			m->decl = NULL;
		m->type = head;
		return m->name && m->decl && m->type ? 0 : -1;
	} else if (name && !(m->name = strdup(name))) {
		return -1;
	}
	if (has_type && is_aggregate(&type) && !dwarf_diename(&type)) {
		m->nested = read_type(c, &type, NULL, false, depth + 1);
		if (!m->nested)
			return -1;
		m->type = strdup(m->nested->is_union ? "union" : "struct");
	} else {
		m->type = decl(has_type ? &type : NULL, "", 0);
		m->decl = decl(has_type ? &type : NULL,
			       m->name ? m->name : "", 0);
		if (!m->decl)
			return -1;
	}
	return m->type ? 0 : -1;
}

static struct layout_type *read_type(struct dwarf_ctx *c, Dwarf_Die *die,
				     const char *name, bool named, int depth)
{
	struct layout_type *t;
	Dwarf_Die child;

	t = layout_type_new(c->f, name, dwarf_tag(die) == DW_TAG_union_type,
			    udata(die, DW_AT_byte_size, 0), named);
	if (!t || depth > MAX_DEPTH)
		return t;
	if (!dwarf_child(die, &child)) {
		do {
			int tag = dwarf_tag(&child);

			if ((tag == DW_TAG_member || tag == DW_TAG_inheritance) &&
			    read_member(c, t, &child, depth))
				return NULL;
		} while (!dwarf_siblingof(&child, &child));
	}
	layout_type_fix_align(t, udata(die, DW_AT_alignment, 0));
	return t;
}

/* Read @die as @name once, when it matches. */
static void consider(struct dwarf_ctx *c, Dwarf_Die *die, const char *name)
{
	char *key;

	if (!name || !layout_name_matches(c->pattern, name) ||
	    dwarf_hasattr(die, DW_AT_declaration) || tfind(name, &c->seen,
		(int (*)(const void *, const void *))strcmp))
		return;
	key = strdup(name);
	if (!key || !tsearch(key, &c->seen,
			     (int (*)(const void *, const void *))strcmp) ||
	    !read_type(c, die, name, true, 0))
		c->err = -1;
}

static void walk(struct dwarf_ctx *c, Dwarf_Die *parent, int depth)
{
	Dwarf_Die die, type;

	if (depth > MAX_DEPTH || dwarf_child(parent, &die))
		return;
	do {
		switch (dwarf_tag(&die)) {
		case DW_TAG_structure_type:
		case DW_TAG_class_type:
		case DW_TAG_union_type:
			consider(c, &die, dwarf_diename(&die));
			walk(c, &die, depth + 1);	/* C++ nested types */
			break;
		case DW_TAG_typedef:	/* typedef struct { ... } name_t; */
			if (type_of(&die, &type) && is_aggregate(&type) &&
			    !dwarf_diename(&type))
				consider(c, &type, dwarf_diename(&die));
			break;
		case DW_TAG_namespace:
			walk(c, &die, depth + 1);
			break;
		}
	} while (!c->err && !dwarf_siblingof(&die, &die));
}

int layout_dwarf_load(const char *path, const struct layout_load_opts *o,
		      struct layout_file *f, char *err, size_t errlen)
{
	struct dwarf_ctx c = { .f = f, .pattern = o->pattern };
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf *dw;
	Dwfl *dwfl;
	int ret = -1;

	dwfl = dwfl_begin(&offline_callbacks);
	if (!dwfl) {
		snprintf(err, errlen, "%s", dwfl_errmsg(-1));
		return -1;
	}
	dwfl_report_begin(dwfl);
	mod = dwfl_report_offline(dwfl, path, path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod) {
		snprintf(err, errlen, "%s", dwfl_errmsg(-1));
		goto out;
	}
	dw = dwfl_module_getdwarf(mod, &bias);
	if (!dw) {
		snprintf(err, errlen, "no DWARF in it: build with -g (%s)",
			 dwfl_errmsg(-1));
		goto out;
	}
	while (!c.err && !dwarf_get_units(dw, cu, &cu, NULL, NULL, &cudie, NULL))
		walk(&c, &cudie, 0);
	if (c.err) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	f->source = LAYOUT_SRC_DWARF;
	ret = 0;
out:
	tdestroy(c.seen, free);
	dwfl_end(dwfl);
	return ret;
}
