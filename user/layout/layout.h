/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/layout/: llctl layout's struct layouts. The model (model.c), which
 * the DWARF (dwarf.c, libdw) and BTF (btf.c, libbpf) readers fill,
 * load.c choosing the reader, the holes and cache lines found in a type
 * (holes.c) and a reordering for hot fields (reorder.c). The readers and
 * the loader call the model, the model calls neither. Exported names start
 * with layout_ (LAYOUT_). layout/ calls nothing else of user/.
 *
 * The model: a layout_type is a struct or union; its members carry their
 * offset in bits from the start of that type (so a bitfield is exact), the
 * byte size of their type (of the storage unit, for a bitfield) and its
 * alignment. A member of an anonymous struct or union type has @nested:
 * its members, offsets from the start of the nested type; when the member
 * itself is anonymous too, its members are the outer struct's to name. Nothing else is expanded: a
 * member of a named struct type is one member, as in pahole.
 */
#ifndef LLCTL_LAYOUT_LAYOUT_H
#define LLCTL_LAYOUT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

enum layout_source { LAYOUT_SRC_AUTO, LAYOUT_SRC_DWARF, LAYOUT_SRC_BTF };

struct layout_type;

struct layout_member {
	char *name;		/* NULL: an anonymous struct or union */
	char *type;		/* C spelling: "char[70]", "int (*)(int)" */
	char *decl;		/* with the name: "char buf[70]" */
	uint64_t bit_offset;	/* from the start of the containing type */
	uint64_t size;		/* bytes; a bitfield's storage unit */
	uint32_t bit_size;	/* 0 unless a bitfield */
	uint32_t align;		/* bytes, of the member's type */
	/* Found by layout_reorder() where the file does not say (BTF): */
	bool new_unit;		/* a bitfield after an unnamed ':0' */
	bool align_inferred;	/* @align from the offset: an aligned(N) */
	struct layout_type *nested;	/* of an anonymous struct/union type */
};

struct layout_type {
	char *name;		/* NULL when anonymous; a typedef's name for
				 * typedef struct { ... } name_t; */
	bool is_union;
	bool packed;		/* a member sits below its type's alignment */
	uint64_t size;
	uint32_t align;
	size_t n;
	struct layout_member *m;
};

struct layout_file {
	char *path;
	enum layout_source source;	/* what the types came from */
	char *btf_base;			/* split BTF: the base it was read on */
	size_t n;
	struct layout_type **types;	/* named structs and unions, by name */
	size_t n_nested;
	struct layout_type **nested;	/* anonymous ones, owned here */
};

struct layout_load_opts {
	enum layout_source source;	/* AUTO: DWARF when present, else BTF */
	const char *btf_base;		/* NULL: /sys/kernel/btf/vmlinux */
	const char *pattern;		/* fnmatch() on names; NULL: all */
};

#define LAYOUT_BTF_VMLINUX "/sys/kernel/btf/vmlinux"

/*
 * Read the structs and unions of @path (layout/load.c picks the reader).
 * 0, or -1 with the reason in @err ("no DWARF or BTF in it: build with -g").
 */
int layout_load(const char *path, const struct layout_load_opts *o,
		struct layout_file *f, char *err, size_t errlen);
void layout_file_free(struct layout_file *f);
const char *layout_source_name(enum layout_source s);

/*
 * The readers, behind layout_load(): each fills @f through the model below
 * and returns 0 or -1. Neither knows the other, nor layout_load().
 */
int layout_dwarf_load(const char *path, const struct layout_load_opts *o,
		      struct layout_file *f, char *err, size_t errlen);
int layout_btf_load(const char *path, const struct layout_load_opts *o,
		    bool split, struct layout_file *f, char *err,
		    size_t errlen);

/* The model the readers fill (layout/model.c): types and members of @f. */
struct layout_type *layout_type_new(struct layout_file *f, const char *name,
				    bool is_union, uint64_t size, bool named);
struct layout_member *layout_member_add(struct layout_type *t);
/*
 * All @n members of an empty @t at once, zeroed (a reader that knows the
 * count: one allocation, not log2(n) of them). 0, or -1.
 */
int layout_members_new(struct layout_type *t, size_t n);
/* Sort by name, drop later duplicates, set packed and alignment. */
void layout_file_finish(struct layout_file *f);
void layout_type_fix_align(struct layout_type *t, uint32_t explicit_align);

/* fnmatch() when @pattern has glob characters, else equality; NULL: all. */
bool layout_name_matches(const char *pattern, const char *name);

/* The first named type called @name, or NULL. */
struct layout_type *layout_find(const struct layout_file *f,
				const char *name);

/* --- holes and cache lines (layout/holes.c) --- */

struct layout_hole {
	uint64_t bit_offset;	/* from the start of the outermost type */
	uint64_t bits;
	bool bit_hole;		/* after a bitfield: counted in bits */
	size_t before;		/* index of the member after it; n: padding */
};

struct layout_stats {
	size_t members;
	uint64_t sum_members;		/* bytes, bitfields excluded */
	uint64_t sum_bitfield_bits;
	size_t holes;
	uint64_t sum_holes;		/* bytes */
	size_t bit_holes;
	uint64_t sum_bit_holes;		/* bits */
	uint64_t padding;		/* bytes after the last member */
	uint32_t bit_padding;		/* bits left in the last member's byte */
	uint64_t cachelines;
	size_t straddles;		/* members crossing a line boundary */
};

/* A member's first and last byte's line, @base_bits its type's start. */
struct layout_span {
	uint64_t first_byte, end_byte;	/* [first, end) */
	uint64_t first_line, last_line;
	bool straddles;
};

void layout_member_span(const struct layout_member *m, uint64_t base_bits,
			unsigned int line, struct layout_span *s);

/*
 * The holes of @t's own level (not inside nested ones, as pahole counts),
 * at @base_bits; @holes (may be NULL) gets a malloc()ed array of @nholes.
 * -1 when out of memory.
 */
int layout_scan(const struct layout_type *t, uint64_t base_bits,
		unsigned int line, struct layout_stats *s,
		struct layout_hole **holes, size_t *nholes);

/* --- hot fields and the reordering (layout/reorder.c) --- */

struct layout_hot {
	size_t n;
	char **name;
};

/* Parse "a,b,c" or "@FILE" (names split by commas, blanks, newlines; # comments). */
int layout_hot_parse(const char *arg, struct layout_hot *h, char *err,
		     size_t errlen);
void layout_hot_free(struct layout_hot *h);
bool layout_hot_has(const struct layout_hot *h, const char *name);
/* The first hot name @t has no member (top level or anonymous nested) for. */
const char *layout_hot_missing(const struct layout_type *t,
			       const struct layout_hot *h);
/* Cache lines touched by @t's hot members, and their bytes. */
uint64_t layout_hot_lines(const struct layout_type *t,
			  const struct layout_hot *h, unsigned int line,
			  uint64_t *hot_bytes);

/*
 * @t reordered: the units holding hot members first, then the rest, each
 * placed where it wastes the fewest bits (the widest alignment first on a
 * tie), laid out by the psABI rules a C compiler follows. A bitfield run
 * and an anonymous struct/union move as one unit. NULL with the reason in
 * @err when @t's own layout does not follow those rules (then no plan
 * could be trusted) or out of memory. Free with layout_type_free().
 */
struct layout_type *layout_reorder(const struct layout_type *t,
				   const struct layout_hot *h, char *err,
				   size_t errlen);
void layout_type_free(struct layout_type *t);

#endif /* LLCTL_LAYOUT_LAYOUT_H */
