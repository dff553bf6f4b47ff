// SPDX-License-Identifier: GPL-2.0
/*
 * Hot fields and a member order that packs them into the fewest cache
 * lines, as pahole --reorganize packs holes.
 *
 * The order is built from units: a member, a run of consecutive bitfields
 * (their storage is shared: they move together) or an anonymous
 * struct/union. Hot units come first, then the others; each step takes,
 * of what is left, the unit that wastes the fewest bits where it lands,
 * the widest alignment on a tie, the earliest declared on a second tie.
 * From offset 0 the hot units then lie without a hole in
 * ceil(hot bytes / line) lines, the least possible, and the cold ones
 * fill behind them. Offsets come from the x86-64 psABI rules a C
 * compiler follows (a member at its alignment; a bitfield wherever it
 * does not cross its storage unit), and those rules are first checked
 * against the struct as compiled: a struct they do not reproduce
 * (members with aligned(N) we cannot see, odd packing) gets no plan
 * rather than a wrong one; a size rounded beyond the members' alignment
 * (a struct's aligned(N), which BTF does not record) is kept, and so
 * are a member's aligned(N) and an unnamed ':0' bitfield, inferred from
 * where the member sits, as pahole infers them. A flexible array stays
 * last.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout.h"

#define HOT_SEP ", \t\r\n"
#define MAX_ALIGN 4096
#define MAX_INFER_ALIGN 64

static int hot_add(struct layout_hot *h, const char *name, size_t len)
{
	char **v = realloc(h->name, (h->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	h->name = v;
	if (!(v[h->n] = strndup(name, len)))
		return -1;
	h->n++;
	return 0;
}

static int hot_split(struct layout_hot *h, const char *s)
{
	while (*s) {
		size_t len;

		if (*s == '#') {	/* a comment, to the end of the line */
			s += strcspn(s, "\n");
			continue;
		}
		s += strspn(s, HOT_SEP);
		len = strcspn(s, HOT_SEP "#");
		if (len && hot_add(h, s, len))
			return -1;
		s += len;
	}
	return 0;
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = ferror(f) ? NULL : strdup("");
	}
	fclose(f);
	return buf;
}

int layout_hot_parse(const char *arg, struct layout_hot *h, char *err,
		     size_t errlen)
{
	char *text = NULL;
	int ret = -1;

	memset(h, 0, sizeof(*h));
	if (arg[0] == '@') {
		text = slurp(arg + 1);
		if (!text) {
			snprintf(err, errlen, "unable to read '%s': %m", arg + 1);
			return -1;
		}
	}
	if (hot_split(h, text ? text : arg)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!h->n) {
		snprintf(err, errlen, "no field names in '%s' (a,b,c or @FILE)", arg);
		goto out;
	}
	ret = 0;
out:
	free(text);
	if (ret)
		layout_hot_free(h);
	return ret;
}

void layout_hot_free(struct layout_hot *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->name[i]);
	free(h->name);
	memset(h, 0, sizeof(*h));
}

bool layout_hot_has(const struct layout_hot *h, const char *name)
{
	size_t i;

	for (i = 0; name && h && i < h->n; i++)
		if (!strcmp(h->name[i], name))
			return true;
	return false;
}

static bool has_member(const struct layout_type *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if ((t->m[i].name && !strcmp(t->m[i].name, name)) ||
		    (!t->m[i].name && t->m[i].nested &&
		     has_member(t->m[i].nested, name)))
			return true;
	return false;
}

const char *layout_hot_missing(const struct layout_type *t,
			       const struct layout_hot *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (!has_member(t, h->name[i]))
			return h->name[i];
	return NULL;
}

/* The hot members' lines of a type, as they are marked. */
struct hot_marks {
	const struct layout_hot *h;
	unsigned int line;	/* the cache line's size */
	bool *touched;		/* per line */
	uint64_t nlines;
	uint64_t bytes;		/* the hot members' */
};

/* Mark the lines @t's hot members touch, @t at bit @base of the whole. */
static void mark_lines(const struct layout_type *t, uint64_t base,
		       struct hot_marks *hm)
{
	struct layout_span sp;
	uint64_t l;
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct layout_member *m = &t->m[i];

		if (!m->name && m->nested) {
			mark_lines(m->nested, base + m->bit_offset, hm);
			continue;
		}
		if (!layout_hot_has(hm->h, m->name))
			continue;
		layout_member_span(m, base, hm->line, &sp);
		hm->bytes += sp.end_byte - sp.first_byte;
		if (sp.end_byte == sp.first_byte)
			continue;
		for (l = sp.first_line; l <= sp.last_line && l < hm->nlines; l++)
			hm->touched[l] = true;
	}
}

uint64_t layout_hot_lines(const struct layout_type *t,
			  const struct layout_hot *h, unsigned int line,
			  uint64_t *hot_bytes)
{
	uint64_t nlines = t->size / line + 2, l, n = 0;
	struct hot_marks hm = {
		.h = h, .line = line, .nlines = nlines,
		.touched = calloc(nlines, sizeof(*hm.touched)),
	};

	if (!hm.touched)
		return 0;
	mark_lines(t, 0, &hm);
	for (l = 0; l < nlines; l++)
		n += hm.touched[l];
	free(hm.touched);
	if (hot_bytes)
		*hot_bytes = hm.bytes;
	return n;
}

/* --- the plan --- */

struct unit {
	size_t first, n;	/* members of the original struct */
	bool hot, placed;
	uint32_t align;
	uint64_t bits;		/* what its members occupy */
};

static uint64_t round_up(uint64_t x, uint64_t a)
{
	return a ? (x + a - 1) / a * a : x;
}

/* Where the psABI puts @m when the previous member ends at bit @cur. */
static uint64_t place(uint64_t cur, const struct layout_member *m, bool packed)
{
	uint64_t unit = m->size * 8;

	if (!m->bit_size)
		return round_up(round_up(cur, 8), packed ? 8 : m->align * 8);
	if (m->new_unit)
		return round_up(cur, unit);
	if (!packed && unit && cur / unit != (cur + m->bit_size - 1) / unit)
		return round_up(cur, unit);
	return cur;
}

static uint64_t member_bits(const struct layout_member *m)
{
	return m->bit_size ? m->bit_size : m->size * 8;
}

/* Lay out @u's members from @cur: their offsets into @out (may be NULL). */
static uint64_t place_unit(const struct layout_type *t, const struct unit *u,
			   uint64_t cur, struct layout_member *out)
{
	size_t i;

	for (i = u->first; i < u->first + u->n; i++) {
		uint64_t at = place(cur, &t->m[i], t->packed);

		if (out) {
			*out = t->m[i];
			out++->bit_offset = at;
		}
		cur = at + member_bits(&t->m[i]);
	}
	return cur;
}

/* Member @i is hot, or holds a hot member (an anonymous struct/union). */
static bool unit_hot(const struct layout_type *t, size_t i,
		     const struct layout_hot *h)
{
	size_t k;

	if (layout_hot_has(h, t->m[i].name))
		return true;
	for (k = 0; !t->m[i].name && t->m[i].nested && k < h->n; k++)
		if (has_member(t->m[i].nested, h->name[k]))
			return true;
	return false;
}

static size_t make_units(const struct layout_type *t,
			 const struct layout_hot *h, struct unit *u)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++) {
		bool run = i && t->m[i].bit_size && t->m[i - 1].bit_size &&
			   !t->m[i].new_unit;

		if (!run) {
			memset(&u[n], 0, sizeof(u[n]));
			u[n++].first = i;
		}
		u[n - 1].n++;
		u[n - 1].hot |= unit_hot(t, i, h);
		if (t->m[i].align > u[n - 1].align)
			u[n - 1].align = t->m[i].align;
		u[n - 1].bits += member_bits(&t->m[i]);
	}
	return n;
}

/*
 * The alignment that puts @m at its offset from bit @cur, or 0: the
 * largest that does, up to a cache line's (kernel structs' members are
 * ____cacheline_aligned far more often than anything wider).
 */
static uint32_t infer_align(const struct layout_member *m, uint64_t cur)
{
	uint32_t a;

	for (a = MAX_INFER_ALIGN; !m->bit_size && a > m->align; a /= 2)
		if (m->bit_offset % (a * 8) == 0 &&
		    round_up(cur, a * 8) == m->bit_offset)
			return a;
	return 0;
}

/*
 * Check that the psABI rules reproduce the compiled layout of @w, raising
 * the alignment of members placed further on (an aligned attribute BTF
 * does not record, as pahole infers it too). Returns the alignment the
 * size was rounded to, or 0 after naming where the rules fail.
 */
static uint32_t check_rules(struct layout_type *w, char *err, size_t errlen)
{
	uint64_t cur = 0, at, end;
	uint32_t align = w->align, a;
	size_t i;

	for (i = 0; i < w->n; i++) {
		struct layout_member *m = &w->m[i];

		at = place(cur, m, w->packed);
		if (at < m->bit_offset && !w->packed && (a = infer_align(m, cur))) {
			m->align = a;
			m->align_inferred = true;
			at = m->bit_offset;
		}
		if (at < m->bit_offset && m->bit_size && m->size &&
		    m->bit_offset % (m->size * 8) == 0) {
			m->new_unit = true;	/* after an unnamed ':0' */
			at = place(cur, m, w->packed);
		}
		if (at != m->bit_offset) {
			snprintf(err, errlen,
				 "member '%s' is at bit %lu where the psABI rules put it at bit %lu (a packed attribute?)",
				 m->name ? m->name : "(anonymous)",
				 (unsigned long)m->bit_offset, (unsigned long)at);
			return 0;
		}
		if (m->align > align && !w->packed)
			align = m->align;
		cur = at + member_bits(m);
	}
	end = round_up(cur, 8) / 8;
	for (a = align; a <= MAX_ALIGN; a *= 2)
		if (round_up(end, a) == w->size)
			return a;
	snprintf(err, errlen,
		 "its size is %lu where the psABI rules make it %lu (an aligned attribute?)",
		 (unsigned long)w->size, (unsigned long)round_up(end, align));
	return 0;
}

/* Of the units not placed, with @hot, the best to put at bit @cur. */
static struct unit *pick(const struct layout_type *t, struct unit *u,
			 size_t n, bool hot, uint64_t cur)
{
	struct unit *best = NULL;
	uint64_t best_waste = 0, waste;
	size_t i;

	for (i = 0; i < n; i++) {
		if (u[i].placed || u[i].hot != hot)
			continue;
		waste = place_unit(t, &u[i], cur, NULL) - cur - u[i].bits;
		if (!best || waste < best_waste ||
		    (waste == best_waste && u[i].align > best->align)) {
			best = &u[i];
			best_waste = waste;
		}
	}
	return best;
}

struct layout_type *layout_reorder(const struct layout_type *t,
				   const struct layout_hot *h, char *err,
				   size_t errlen)
{
	struct layout_type w = *t, *r = NULL;
	struct unit *u = NULL, *next, *flex = NULL;
	uint64_t cur = 0;
	uint32_t align;
	size_t i, n, k = 0;
	int pass;

	if (t->is_union) {
		snprintf(err, errlen, "it is a union: its members all start at 0");
		return NULL;
	}
	for (i = 0; i < t->n; i++) {
		if (t->m[i].name && t->m[i].name[0] == '<') {
			snprintf(err, errlen, "it has a base class: C++ lays bases out first");
			return NULL;
		}
	}
	w.m = malloc((t->n ? t->n : 1) * sizeof(*w.m));
	u = calloc(t->n ? t->n : 1, sizeof(*u));
	r = calloc(1, sizeof(*r));
	if (!w.m || !u || !r || !(r->m = calloc(t->n ? t->n : 1, sizeof(*r->m))))
		goto oom;
	memcpy(w.m, t->m, t->n * sizeof(*w.m));
	align = check_rules(&w, err, errlen);
	if (!align)
		goto fail;
	*r = (struct layout_type){ .name = t->name, .packed = t->packed,
				   .align = align, .n = t->n, .m = r->m };
	n = make_units(&w, h, u);
	if (n && !t->m[t->n - 1].size && !t->m[t->n - 1].bit_size) {
		flex = &u[n - 1];	/* a flexible array member stays last */
		flex->placed = true;
	}
	for (pass = 0; pass < 2; pass++) {
		while ((next = pick(&w, u, n, pass == 0, cur))) {
			cur = place_unit(&w, next, cur, &r->m[k]);
			k += next->n;
			next->placed = true;
		}
	}
	if (flex) {
		cur = place_unit(&w, flex, cur, &r->m[k]);
		k += flex->n;
	}
	r->size = round_up(round_up(cur, 8) / 8, align);
	free(w.m);
	free(u);
	return r;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(w.m);
	free(u);
	if (r)
		free(r->m);
	free(r);
	return NULL;
}
