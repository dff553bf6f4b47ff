// SPDX-License-Identifier: GPL-2.0
/*
 * The model both readers fill (layout/dwarf.c, layout/btf.c): types and
 * their members, a file's types sorted by name, and finding them.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout.h"

const char *layout_source_name(enum layout_source s)
{
	switch (s) {
	case LAYOUT_SRC_DWARF:
		return "dwarf";
	case LAYOUT_SRC_BTF:
		return "btf";
	default:
		return "auto";
	}
}

/*
 * Arrays grow by doubling, without a capacity field: an array of n holds
 * the next power of two, so it is full when n is 0 or a power of two.
 */
static size_t grown(size_t n)
{
	return !n ? 1 : (n & (n - 1)) ? 0 : 2 * n;
}

static int push(void *arrp, size_t *n, void *p)
{
	void ***arr = arrp;
	size_t cap = grown(*n);

	if (cap) {
		void **v = realloc(*arr, cap * sizeof(*v));

		if (!v)
			return -1;
		*arr = v;
	}
	(*arr)[(*n)++] = p;
	return 0;
}

struct layout_type *layout_type_new(struct layout_file *f, const char *name,
				    bool is_union, uint64_t size, bool named)
{
	struct layout_type *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->is_union = is_union;
	t->size = size;
	t->align = 1;
	if (name && !(t->name = strdup(name)))
		goto fail;
	if (named ? push(&f->types, &f->n, t) : push(&f->nested, &f->n_nested, t))
		goto fail;
	return t;
fail:
	free(t->name);
	free(t);
	return NULL;
}

struct layout_member *layout_member_add(struct layout_type *t)
{
	size_t cap = grown(t->n);
	struct layout_member *m;

	if (cap) {
		m = realloc(t->m, cap * sizeof(*m));
		if (!m)
			return NULL;
		t->m = m;
	}
	m = &t->m[t->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

int layout_members_new(struct layout_type *t, size_t n)
{
	if (t->n || !n)
		return t->n ? -1 : 0;
	t->m = calloc(n, sizeof(*t->m));
	if (!t->m)
		return -1;
	t->n = n;
	return 0;
}

/*
 * Alignment: the widest member's, or @explicit_align when the file states
 * one; 1 when a member sits below its own alignment (packed), as the
 * compiler does for __attribute__((packed)).
 */
void layout_type_fix_align(struct layout_type *t, uint32_t explicit_align)
{
	uint32_t a = 1;
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct layout_member *m = &t->m[i];

		if (!m->bit_size && m->align &&
		    (m->bit_offset % 8 || (m->bit_offset / 8) % m->align))
			t->packed = true;
		if (m->align > a)
			a = m->align;
	}
	if (t->packed)
		a = 1;
	if (explicit_align > a)
		a = explicit_align;
	/* a size that is no multiple of it: packed, or an aligned(N) we missed */
	if (t->size % a)
		a = 1, t->packed = true;
	t->align = a;
}

void layout_type_free(struct layout_type *t)
{
	if (!t)
		return;
	free(t->m);
	free(t);
}

static void type_free_all(struct layout_type *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->m[i].name);
		free(t->m[i].type);
		free(t->m[i].decl);
	}
	free(t->name);
	layout_type_free(t);
}

void layout_file_free(struct layout_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		type_free_all(f->types[i]);
	for (i = 0; i < f->n_nested; i++)
		type_free_all(f->nested[i]);
	free(f->types);
	free(f->nested);
	free(f->path);
	free(f->btf_base);
	memset(f, 0, sizeof(*f));
}

struct ranked {
	struct layout_type *t;
	size_t pos;		/* insertion order: the first of a name wins */
};

static int by_name(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = strcmp(x->t->name, y->t->name);

	return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sorted by name, the first of each name kept (qsort, ranked: stable). */
void layout_file_finish(struct layout_file *f)
{
	struct ranked *r;
	size_t i, k;

	if (f->n < 2)
		return;
	r = malloc(f->n * sizeof(*r));
	if (r) {
		for (i = 0; i < f->n; i++)
			r[i] = (struct ranked){ f->types[i], i };
		qsort(r, f->n, sizeof(*r), by_name);
		for (i = 0; i < f->n; i++)
			f->types[i] = r[i].t;
		free(r);
	} else {
		/* No memory for the ranks: an insertion sort, stable too. */
		for (i = 1; i < f->n; i++) {
			struct layout_type *t = f->types[i];
			size_t j;

			for (j = i; j > 0 && strcmp(f->types[j - 1]->name, t->name) > 0; j--)
				f->types[j] = f->types[j - 1];
			f->types[j] = t;
		}
	}
	for (i = 0, k = 0; i < f->n; i++) {
		if (k && !strcmp(f->types[k - 1]->name, f->types[i]->name)) {
			type_free_all(f->types[i]);
			continue;
		}
		f->types[k++] = f->types[i];
	}
	f->n = k;
}

struct layout_type *layout_find(const struct layout_file *f, const char *name)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(f->types[mid]->name, name);

		if (!c)
			return f->types[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* fnmatch() when @pattern has glob characters, else the exact name */
bool layout_name_matches(const char *pattern, const char *name)
{
	if (!pattern)
		return true;
	if (!name)
		return false;
	if (strpbrk(pattern, "*?["))
		return !fnmatch(pattern, name, 0);
	return !strcmp(pattern, name);
}
