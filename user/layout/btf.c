// SPDX-License-Identifier: GPL-2.0
/*
 * Struct layouts from BTF through libbpf: raw BTF (/sys/kernel/btf/vmlinux),
 * an ELF's .BTF, or a kernel module's split BTF read on a base (the running
 * kernel's /sys/kernel/btf/vmlinux unless told otherwise). Type names are
 * libbpf's own C declarations (btf_dump).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/btf.h>

#include "layout/layout.h"

struct btf_ctx {
	struct layout_file *f;
	const struct btf *btf;
	struct btf_dump *dump;
	FILE *out;		/* btf_dump's printf lands here, one stream */
	char *buf;		/* out's buffer */
	size_t len;
	char **names;		/* type_name(id, "") by id, NULL: not yet */
	__u32 n_names;
};

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(((struct btf_ctx *)ctx)->out, fmt, args);
}

/*
 * The C declaration of @field ("": none) of type @id, as libbpf writes it.
 * One stream for every name (a stream each cost a third of the time of a
 * kernel's BTF), rewound for each: a stream that kept every name grew to
 * megabytes, copied at each growth. The name is the bytes up to the
 * position (past it: what a longer name left).
 */
static char *type_name(struct btf_ctx *c, __u32 id, const char *field)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = field);
	off_t end;

	if (fseeko(c->out, 0, SEEK_SET))
		return NULL;
	if (btf_dump__emit_type_decl(c->dump, id, &opts))
		return strdup("?");
	if (fflush(c->out) || (end = ftello(c->out)) < 0)
		return NULL;
	return strndup(c->buf, end);
}

/*
 * Whether btf_dump writes @id's name the same way each time, with a
 * field's name last: a chain of pointers and qualifiers down to void or a
 * named kind (btf_dump_emit_type_chain()). Arrays and function pointers
 * put the field's name inside; an anonymous struct, union or enum is
 * written out in full, its enumerators renamed (___2, ___3) each time:
 * those are written by btf_dump for each member, as they always were.
 */
static bool plain_chain(const struct btf *btf, __u32 id)
{
	for (;;) {
		const struct btf_type *t = id ? btf__type_by_id(btf, id) : NULL;

		if (!id)
			return true;
		if (!t)
			return false;
		switch (btf_kind(t)) {
		case BTF_KIND_PTR:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		case BTF_KIND_INT:
		case BTF_KIND_FLOAT:
		case BTF_KIND_FWD:
		case BTF_KIND_TYPEDEF:
			return true;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return t->name_off != 0;
		default:
			return false;
		}
	}
}

/*
 * A member's type name and declaration. For a plain chain the type's name
 * is written once for all members of that type (btf_dump names a type
 * once, ___N included) and the declaration is that name and the field's:
 * separated by a space unless the type ends in a pointer's '*'
 * (btf_dump_emit_name()). Otherwise both are btf_dump's, each time.
 */
static int member_names(struct btf_ctx *c, __u32 id, const char *field,
			struct layout_member *m)
{
	size_t n, fn = strlen(field);
	bool sep;

	if (id >= c->n_names || !plain_chain(c->btf, id)) {
		m->type = type_name(c, id, "");
		m->decl = type_name(c, id, field);
		return m->type && m->decl ? 0 : -1;
	}
	if (!c->names[id] && !(c->names[id] = type_name(c, id, "")))
		return -1;
	m->type = strdup(c->names[id]);
	if (!m->type)
		return -1;
	n = strlen(m->type);
	sep = n && m->type[n - 1] != '*' && fn;
	if (!strcmp(m->type, "?"))	/* btf_dump failed: as it did before */
		return (m->decl = type_name(c, id, field)) ? 0 : -1;
	m->decl = malloc(n + sep + fn + 1);
	if (!m->decl)
		return -1;
	memcpy(m->decl, m->type, n);
	m->decl[n] = ' ';
	memcpy(m->decl + n + sep, field, fn + 1);
	return 0;
}

static const char *name_of(const struct btf *btf, __u32 off)
{
	const char *s = btf__name_by_offset(btf, off);

	return s && *s ? s : NULL;
}

static bool is_aggregate(const struct btf_type *t)
{
	return btf_is_struct(t) || btf_is_union(t);
}

static struct layout_type *read_type(struct btf_ctx *c, __u32 id,
				     const char *name, bool named, int depth);

static int read_member(struct btf_ctx *c, struct layout_type *t,
		       const struct btf_type *bt, __u32 i, int depth)
{
	const struct btf_member *bm = btf_members(bt) + i;
	const struct btf_type *mt = btf__type_by_id(c->btf, bm->type);
	struct layout_member *m = &t->m[i];
	const char *name = name_of(c->btf, bm->name_off);
	__s64 size = btf__resolve_size(c->btf, bm->type);
	int align = btf__align_of(c->btf, bm->type);

	m->bit_offset = btf_member_bit_offset(bt, i);
	m->bit_size = btf_member_bitfield_size(bt, i);
	m->size = size > 0 ? (uint64_t)size : 0;
	m->align = align > 0 ? (uint32_t)align : 1;
	if (name && !(m->name = strdup(name)))
		return -1;
	if (mt && is_aggregate(mt) && !name_of(c->btf, mt->name_off)) {
		m->nested = read_type(c, bm->type, NULL, false, depth + 1);
		if (!m->nested)
			return -1;
		m->type = strdup(btf_is_union(mt) ? "union" : "struct");
	} else {
		return member_names(c, bm->type, name ? name : "", m);
	}
	return m->type ? 0 : -1;
}

static struct layout_type *read_type(struct btf_ctx *c, __u32 id,
				     const char *name, bool named, int depth)
{
	const struct btf_type *bt = btf__type_by_id(c->btf, id);
	struct layout_type *t;
	__u32 i;

	t = layout_type_new(c->f, name, btf_is_union(bt), bt->size, named);
	if (!t || depth > 64)
		return t;
	if (layout_members_new(t, btf_vlen(bt)))
		return NULL;
	for (i = 0; i < btf_vlen(bt); i++)
		if (read_member(c, t, bt, i, depth))
			return NULL;
	layout_type_fix_align(t, 0);
	return t;
}

static int read_all(struct btf_ctx *c, __u32 first, const char *pattern)
{
	__u32 id, n = btf__type_cnt(c->btf);

	for (id = first; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(c->btf, id);
		const char *name = name_of(c->btf, t->name_off);
		__u32 target = id;

		if (btf_is_typedef(t)) {	/* typedef struct { } name_t; */
			const struct btf_type *tt = btf__type_by_id(c->btf, t->type);

			if (!tt || !is_aggregate(tt) || name_of(c->btf, tt->name_off))
				continue;
			target = t->type;
		} else if (!is_aggregate(t)) {
			continue;
		}
		if (!name || !layout_name_matches(pattern, name))
			continue;
		if (!read_type(c, target, name, true, 0))
			return -1;
	}
	return 0;
}

/* /sys/kernel/btf/MODULE (not vmlinux) is split BTF, as a .ko's .BTF is */
static bool sysfs_module_btf(const char *path)
{
	char *d = strdup(path), *b = strdup(path);
	bool yes = d && b && !strcmp(dirname(d), "/sys/kernel/btf") &&
		   strcmp(basename(b), "vmlinux");

	free(d);
	free(b);
	return yes;
}

/*
 * btf__parse_split(), but raw BTF without a base is mapped rather than
 * read: sysfs hands /sys/kernel/btf/vmlinux out a page per read(), a
 * thousand system calls for a kernel's BTF; libbpf copies it either way.
 * Split BTF (libbpf 1.1 exports no btf__new_split()), an ELF, or a file
 * that cannot be mapped go to libbpf as they are. NULL with errno set.
 */
static struct btf *parse_btf(const char *path, struct btf *base)
{
	int fd = base ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	void *p = MAP_FAILED;
	struct btf *btf;
	struct stat st;
	bool raw;

	if (fd >= 0 && !fstat(fd, &st) &&
	    st.st_size >= (off_t)sizeof(struct btf_header))
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED)
		return btf__parse_split(path, base);
	raw = ((struct btf_header *)p)->magic == BTF_MAGIC;
	btf = raw ? btf__new(p, st.st_size) : NULL;
	munmap(p, st.st_size);
	return raw ? btf : btf__parse_split(path, base);
}

int layout_btf_load(const char *path, const struct layout_load_opts *o,
		    bool split, struct layout_file *f, char *err,
		    size_t errlen)
{
	struct btf_ctx c = { .f = f };
	const char *base_path = o->btf_base ? o->btf_base : LAYOUT_BTF_VMLINUX;
	struct btf *base = NULL, *btf = NULL;
	int ret = -1;

	split = split || o->btf_base || sysfs_module_btf(path);
	if (split) {
		base = parse_btf(base_path, NULL);
		if (!base) {
			snprintf(err, errlen,
				 "its BTF is split and needs a base: unable to read '%s': %s (--btf-base FILE)",
				 base_path, strerror(errno));
			return -1;
		}
	}
	btf = parse_btf(path, base);
	if (!btf) {
		snprintf(err, errlen, "unable to read its BTF: %s%s", strerror(errno),
			 split ? " (is the base the kernel it was built for?)" : "");
		goto out;
	}
	c.btf = btf;
	c.n_names = btf__type_cnt(btf);
	c.names = calloc(c.n_names, sizeof(*c.names));
	if (!c.names) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	c.out = open_memstream(&c.buf, &c.len);
	if (!c.out) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	c.dump = btf_dump__new(btf, dump_printf, &c, NULL);
	if (!c.dump) {
		snprintf(err, errlen, "libbpf's btf_dump: %s", strerror(errno));
		goto out;
	}
	if (read_all(&c, base ? btf__type_cnt(base) : 1, o->pattern)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	f->source = LAYOUT_SRC_BTF;
	if (split && !(f->btf_base = strdup(base_path))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ret = 0;
out:
	for (__u32 i = 0; c.names && i < c.n_names; i++)
		free(c.names[i]);
	free(c.names);
	if (c.out)
		fclose(c.out);
	free(c.buf);
	btf_dump__free(c.dump);
	btf__free(btf);
	btf__free(base);
	return ret;
}
