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

#include "layout/layout.h"

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

/* The end of a bitfield's storage unit: its bits are the unit's, not a hole's. */
static uint64_t unit_end(const struct layout_member *m)
{
	uint64_t unit = m->size * 8, end;

	if (!m->bit_size || !unit)
		return member_end(m);
	end = m->bit_offset / unit * unit + unit;
	return end > member_end(m) ? end : (member_end(m) + 7) / 8 * 8;
}

struct cursor {
	uint64_t base, cur;	/* the last member's end */
	uint64_t unit;		/* its storage unit's end (its end, unless a bitfield) */
	struct layout_stats *s;
	struct layout_hole **holes;
	size_t *nholes;
};

static int hole(struct cursor *c, uint64_t from, uint64_t to, bool bits,
		size_t before)
{
	struct layout_hole h = {
		.bit_offset = c->base + from, .bits = to - from,
		.bit_hole = bits || from % 8 || to % 8, .before = before,
	};

	if (h.bit_hole) {
		c->s->bit_holes++;
		c->s->sum_bit_holes += h.bits;
	} else {
		c->s->holes++;
		c->s->sum_holes += h.bits / 8;
	}
	return add_hole(c->holes, c->nholes, &h);
}

/*
 * The gap before a member at @start: what is left of the last bitfield's
 * storage unit is a bit hole, the bytes beyond it a byte hole (a bit hole
 * too when a bitfield comes next), as pahole counts them.
 */
static int gap(struct cursor *c, uint64_t start, bool next_bitfield,
	       size_t before)
{
	uint64_t mid = c->unit < start ? c->unit : start;

	if (mid > c->cur && hole(c, c->cur, mid, true, before))
		return -1;
	if (mid < c->cur)
		mid = c->cur;
	if (start > mid && hole(c, mid, start, next_bitfield, before))
		return -1;
	return 0;
}

int layout_scan(const struct layout_type *t, uint64_t base_bits,
		unsigned int line, struct layout_stats *s,
		struct layout_hole **holes, size_t *nholes)
{
	struct cursor c = { .base = base_bits, .s = s, .holes = holes,
			    .nholes = nholes };
	struct layout_hole h;
	uint64_t end;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (holes)
		*holes = NULL;
	*nholes = 0;
	s->members = t->n;
	for (i = 0; i < t->n; i++) {
		const struct layout_member *m = &t->m[i];

		count_member(m, base_bits, line, s);
		if (t->is_union) {
			if (member_end(m) > c.cur)
				c.cur = c.unit = member_end(m);
			continue;
		}
		if (m->bit_offset > c.cur &&
		    gap(&c, m->bit_offset, m->bit_size, i))
			return -1;
		if (member_end(m) > c.cur) {
			/* a run of bitfields shares its widest unit */
			bool run = m->bit_size && i && t->m[i - 1].bit_size;

			c.cur = member_end(m);
			if (!run || unit_end(m) > c.unit)
				c.unit = unit_end(m);
		}
	}
	end = c.unit > c.cur && c.unit <= t->size * 8 ? c.unit : c.cur;
	s->bit_padding = end - c.cur;
	if (end % 8) {	/* a packed bitfield ends mid-byte */
		s->bit_padding += 8 - end % 8;
		end += 8 - end % 8;
	}
	if (t->size * 8 > end)
		s->padding = t->size - end / 8;
	if (t->size * 8 > c.cur) {
		h.bit_offset = base_bits + c.cur;
		h.bits = t->size * 8 - c.cur;
		h.bit_hole = false;
		h.before = t->n;
		if (add_hole(holes, nholes, &h))
			return -1;
	}
	s->cachelines = (t->size + line - 1) / line;
	return 0;
}
