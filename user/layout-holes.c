// SPDX-License-Identifier: GPL-2.0
/*
 * Holes, padding and cache lines of one struct level, counted the way
 * pahole counts them: a gap after a bitfield is a bit hole (in bits), any
 * other gap a byte hole; what follows the last member up to the size is
 * padding; holes inside an anonymous struct or union belong to it, not to
 * the struct around it. Lines are counted from offset 0, as if the struct
 * started on a line boundary (it does when aligned to one).
 */
#include <stdlib.h>
#include <string.h>

#include "layout.h"

void layout_member_span(const struct layout_member *m, uint64_t base_bits,
			unsigned int line, struct layout_span *s)
{
	uint64_t start = base_bits + m->bit_offset;

	s->first_byte = start / 8;
	if (m->bit_size)
		s->end_byte = (start + m->bit_size + 7) / 8;
	else
		s->end_byte = s->first_byte + m->size;
	s->first_line = s->first_byte / line;
	s->last_line = s->end_byte > s->first_byte ?
		       (s->end_byte - 1) / line : s->first_line;
	s->straddles = s->last_line != s->first_line;
}

static int add_hole(struct layout_hole **holes, size_t *n,
		    const struct layout_hole *h)
{
	struct layout_hole *v;

	if (!holes)
		return 0;
	v = realloc(*holes, (*n + 1) * sizeof(*v));
	if (!v)
		return -1;
	v[(*n)++] = *h;
	*holes = v;
	return 0;
}

static void count_member(const struct layout_member *m, uint64_t base_bits,
			 unsigned int line, struct layout_stats *s)
{
	struct layout_span sp;

	if (m->bit_size)
		s->sum_bitfield_bits += m->bit_size;
	else
		s->sum_members += m->size;
	layout_member_span(m, base_bits, line, &sp);
	s->straddles += sp.straddles;
}

static uint64_t member_end(const struct layout_member *m)
{
	return m->bit_offset + (m->bit_size ? m->bit_size : m->size * 8);
}

int layout_scan(const struct layout_type *t, uint64_t base_bits,
		unsigned int line, struct layout_stats *s,
		struct layout_hole **holes, size_t *nholes)
{
	struct layout_hole h;
	uint64_t cur = 0;
	bool prev_bitfield = false;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (holes)
		*holes = NULL;
	*nholes = 0;
	s->members = t->n;
	for (i = 0; i < t->n; i++) {
		const struct layout_member *m = &t->m[i];
		uint64_t start = m->bit_offset;

		count_member(m, base_bits, line, s);
		if (!t->is_union && start > cur) {
			h.bit_offset = base_bits + cur;
			h.bits = start - cur;
			h.bit_hole = prev_bitfield || h.bits % 8 || cur % 8;
			h.before = i;
			if (h.bit_hole) {
				s->bit_holes++;
				s->sum_bit_holes += h.bits;
			} else {
				s->holes++;
				s->sum_holes += h.bits / 8;
			}
			if (add_hole(holes, nholes, &h))
				return -1;
		}
		if (member_end(m) > cur) {
			cur = member_end(m);
			prev_bitfield = m->bit_size;
		}
	}
	if (t->size * 8 > cur) {
		s->bit_padding = (8 - cur % 8) % 8;
		s->padding = t->size - (cur + 7) / 8;
		h.bit_offset = base_bits + cur;
		h.bits = t->size * 8 - cur;
		h.bit_hole = false;
		h.before = t->n;
		if (add_hole(holes, nholes, &h))
			return -1;
	}
	s->cachelines = (t->size + line - 1) / line;
	return 0;
}
