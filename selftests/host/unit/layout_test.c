// SPDX-License-Identifier: GPL-2.0
/*
 * llctl layout (user/layout/, user/cmd-layout.c) on layout_structs, a binary
 * built with -g whose structs have known holes, bitfields, nesting and
 * straddles (their numbers are below, worked out by hand from the x86-64
 * psABI), judged by the tools that must agree: pahole on the same binary,
 * the compiler on a reordered struct, and BTF that pahole encodes from the
 * same DWARF. The kernel's own BTF, when the host has it, gives
 * struct list_head.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include <json-c/json.h>

#include "cmd.h"
#include "layout/layout.h"

#define LINE		64
#define STRUCTS		"layout_structs"

/*
 * The 6.1 harness runs a test's body even after its setup said SKIP: each
 * body starts with this.
 */
#define RETURN_IF_SKIPPED() do { if (_metadata->skip) return; } while (0)

/* @name next to this test's executable */
static void beside(char *buf, size_t size, const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	snprintf(buf, size, "%s/%s", n > 0 ? dirname(exe) : ".", name);
}

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return !system(cmd);
}

static const struct layout_member *member(const struct layout_type *t,
					  const char *name)
{
	size_t i;

	for (i = 0; t && i < t->n; i++)
		if (t->m[i].name && !strcmp(t->m[i].name, name))
			return &t->m[i];
	return NULL;
}

static uint64_t off(const struct layout_type *t, const char *name)
{
	const struct layout_member *m = member(t, name);

	return m ? m->bit_offset / 8 : UINT64_MAX;
}

static int scan(const struct layout_type *t, unsigned int line,
		struct layout_stats *s)
{
	size_t n;

	return layout_scan(t, 0, line, s, NULL, &n);
}

/* --- DWARF: the numbers the psABI gives, member by member --- */

FIXTURE(dwarf) {
	struct layout_file f;
	char path[PATH_MAX];
};

FIXTURE_SETUP(dwarf)
{
	struct layout_load_opts o = { .source = LAYOUT_SRC_AUTO };
	char err[512] = "";

	beside(self->path, sizeof(self->path), STRUCTS);
	if (access(self->path, R_OK))
		SKIP(return, STRUCTS " is not built next to this test (make -C selftests/host/unit)");
	ASSERT_EQ(0, layout_load(self->path, &o, &self->f, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(LAYOUT_SRC_DWARF, self->f.source);
}

FIXTURE_TEARDOWN(dwarf)
{
	layout_file_free(&self->f);
}

TEST_F(dwarf, holes_offsets_holes_padding_and_straddle)
{
	const struct layout_type *t;
	struct layout_hole *h = NULL;
	struct layout_stats s;
	struct layout_span sp;
	size_t n = 0;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "holes");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(96, t->size);
	EXPECT_EQ(8, t->align);
	EXPECT_EQ(0, off(t, "a"));
	EXPECT_EQ(8, off(t, "b"));
	EXPECT_EQ(16, off(t, "c"));
	EXPECT_EQ(20, off(t, "d"));
	EXPECT_EQ(24, off(t, "buf"));
	EXPECT_STREQ("char[70]", member(t, "buf")->type);
	EXPECT_STREQ("char buf[70]", member(t, "buf")->decl);
	ASSERT_EQ(0, layout_scan(t, 0, LINE, &s, &h, &n));
	EXPECT_EQ(5, s.members);
	EXPECT_EQ(84, s.sum_members);
	EXPECT_EQ(2, s.holes);
	EXPECT_EQ(10, s.sum_holes);
	EXPECT_EQ(0, s.bit_holes);
	EXPECT_EQ(2, s.padding);
	EXPECT_EQ(2, s.cachelines);
	EXPECT_EQ(1, s.straddles);
	ASSERT_EQ(3, n);	/* 7 bytes after a, 3 after c, 2 of padding */
	EXPECT_EQ(1 * 8, h[0].bit_offset);
	EXPECT_EQ(7 * 8, h[0].bits);
	EXPECT_EQ(1, h[0].before);
	EXPECT_EQ(17 * 8, h[1].bit_offset);
	EXPECT_EQ(3 * 8, h[1].bits);
	EXPECT_EQ(3, h[1].before);
	EXPECT_EQ(94 * 8, h[2].bit_offset);
	EXPECT_EQ(t->n, h[2].before);
	free(h);
	layout_member_span(member(t, "buf"), 0, LINE, &sp);
	EXPECT_EQ(0, sp.first_line);
	EXPECT_EQ(1, sp.last_line);
	EXPECT_TRUE(sp.straddles);
	layout_member_span(member(t, "d"), 0, LINE, &sp);
	EXPECT_FALSE(sp.straddles);
}

TEST_F(dwarf, cache_line_32_counts_three_lines)
{
	const struct layout_type *t;
	struct layout_stats s;
	struct layout_span sp;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "holes");
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, scan(t, 32, &s));
	EXPECT_EQ(3, s.cachelines);
	layout_member_span(member(t, "buf"), 0, 32, &sp);
	EXPECT_EQ(0, sp.first_line);
	EXPECT_EQ(2, sp.last_line);
}

TEST_F(dwarf, bitfields_and_bit_holes)
{
	const struct layout_type *t;
	struct layout_stats s;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "bits");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(16, t->size);
	EXPECT_EQ(8, member(t, "x")->bit_offset);
	EXPECT_EQ(3, member(t, "x")->bit_size);
	EXPECT_EQ(4, member(t, "x")->size);	/* the storage unit */
	EXPECT_EQ(11, member(t, "y")->bit_offset);
	EXPECT_EQ(32, member(t, "z")->bit_offset);	/* 20 bits do not fit at 16 */
	EXPECT_EQ(20, member(t, "z")->bit_size);
	EXPECT_EQ(64, member(t, "s")->bit_offset);
	EXPECT_EQ(0, member(t, "s")->bit_size);
	EXPECT_EQ(80, member(t, "w")->bit_offset);
	EXPECT_EQ(8, member(t, "w")->size);
	EXPECT_EQ(88, member(t, "e")->bit_offset);
	ASSERT_EQ(0, scan(t, LINE, &s));
	EXPECT_EQ(7, s.members);
	EXPECT_EQ(4, s.sum_members);
	EXPECT_EQ(32, s.sum_bitfield_bits);
	EXPECT_EQ(0, s.holes);
	EXPECT_EQ(3, s.bit_holes);	/* 16 after y, 12 after z, 4 after w */
	EXPECT_EQ(32, s.sum_bit_holes);
	EXPECT_EQ(4, s.padding);
	EXPECT_EQ(0, s.bit_padding);
	/* every bit is a member, a hole or padding */
	EXPECT_EQ(t->size * 8, s.sum_members * 8 + s.sum_bitfield_bits +
		  s.sum_holes * 8 + s.sum_bit_holes + s.padding * 8 +
		  s.bit_padding);
}

TEST_F(dwarf, anonymous_union_and_struct_nest)
{
	const struct layout_type *t;
	struct layout_hole *h = NULL;
	struct layout_stats s;
	size_t n = 0;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "nested");
	ASSERT_NE(NULL, t);
	ASSERT_EQ(5, t->n);
	EXPECT_EQ(48, t->size);
	/* the anonymous union: its members at its own offset 0, it at 8 */
	EXPECT_EQ(NULL, t->m[1].name);
	ASSERT_NE(NULL, t->m[1].nested);
	EXPECT_TRUE(t->m[1].nested->is_union);
	EXPECT_EQ(64, t->m[1].bit_offset);
	EXPECT_EQ(0, t->m[1].nested->m[1].bit_offset);
	/* a named member of anonymous struct type is expanded too */
	ASSERT_NE(NULL, member(t, "named"));
	ASSERT_NE(NULL, member(t, "named")->nested);
	EXPECT_EQ(20, off(t, "named"));
	/* holes of this level only, as pahole counts them */
	ASSERT_EQ(0, scan(t, LINE, &s));
	EXPECT_EQ(3, s.holes);
	EXPECT_EQ(11, s.sum_holes);
	/* the anonymous struct's own 7-byte hole, at 33 in the outer struct */
	ASSERT_EQ(0, layout_scan(t->m[4].nested, t->m[4].bit_offset, LINE, &s,
				 &h, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(33 * 8, h[0].bit_offset);
	EXPECT_EQ(7 * 8, h[0].bits);
	free(h);
}

/* After a bitfield, its unit's bits are a bit hole, the bytes beyond a byte hole. */
TEST_F(dwarf, bitfield_unit_then_byte_hole)
{
	const struct layout_type *t;
	struct layout_hole *h = NULL;
	struct layout_stats s;
	size_t n = 0;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "unit_tail");
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, layout_scan(t, 0, LINE, &s, &h, &n));
	EXPECT_EQ(1, s.bit_holes);
	EXPECT_EQ(5, s.sum_bit_holes);
	EXPECT_EQ(1, s.holes);
	EXPECT_EQ(3, s.sum_holes);
	ASSERT_EQ(2, n);
	EXPECT_TRUE(h[0].bit_hole);
	EXPECT_EQ(3, h[0].bit_offset);
	EXPECT_FALSE(h[1].bit_hole);
	EXPECT_EQ(8, h[1].bit_offset);
	EXPECT_EQ(3, h[0].before);
	EXPECT_EQ(3, h[1].before);
	free(h);
}

TEST_F(dwarf, typedef_of_anonymous_struct_by_its_name)
{
	const struct layout_type *t;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "tdef_t");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(16, t->size);
	EXPECT_EQ(8, off(t, "p"));
}

/* Boundaries: a member ending at 64 stays on line 0, one from 125 to 128 crosses. */
TEST_F(dwarf, straddle_boundaries_in_packed_struct)
{
	const struct layout_type *t;
	struct layout_span sp;
	struct layout_stats s;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "edge");
	ASSERT_NE(NULL, t);
	EXPECT_TRUE(t->packed);
	EXPECT_EQ(1, t->align);
	EXPECT_EQ(129, t->size);
	layout_member_span(member(t, "in"), 0, LINE, &sp);
	EXPECT_EQ(60, sp.first_byte);
	EXPECT_EQ(64, sp.end_byte);
	EXPECT_FALSE(sp.straddles);
	layout_member_span(member(t, "pad"), 0, LINE, &sp);
	EXPECT_EQ(1, sp.first_line);
	layout_member_span(member(t, "cross"), 0, LINE, &sp);
	EXPECT_EQ(125, sp.first_byte);
	EXPECT_EQ(1, sp.first_line);
	EXPECT_EQ(2, sp.last_line);
	EXPECT_TRUE(sp.straddles);
	ASSERT_EQ(0, scan(t, LINE, &s));
	EXPECT_EQ(1, s.straddles);
	EXPECT_EQ(3, s.cachelines);
	EXPECT_EQ(0, s.holes);
}

TEST_F(dwarf, explicit_alignment_from_dwarf)
{
	const struct layout_type *t;
	struct layout_stats s;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "aligned");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(16, t->align);
	EXPECT_EQ(32, t->size);
	EXPECT_EQ(16, off(t, "b"));
	ASSERT_EQ(0, scan(t, LINE, &s));
	EXPECT_EQ(15, s.sum_holes);
	EXPECT_EQ(12, s.padding);
}

TEST_F(dwarf, declarations_spelled_as_c)
{
	const struct layout_type *t;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "hot");
	ASSERT_NE(NULL, t);
	EXPECT_STREQ("int (*fn)(int, char *)", member(t, "fn")->decl);
	EXPECT_STREQ("const char *const *cp", member(t, "cp")->decl);
	EXPECT_STREQ("int m[2][3]", member(t, "m")->decl);
	EXPECT_STREQ("long int", member(t, "h2")->type);
}

TEST_F(dwarf, unknown_struct_is_not_found)
{
	RETURN_IF_SKIPPED();
	EXPECT_EQ(NULL, layout_find(&self->f, "no_such_struct"));
}

/* --- hot fields and the reordering --- */

static struct layout_hot hot_of(const char *list)
{
	struct layout_hot h;
	char err[256];

	if (layout_hot_parse(list, &h, err, sizeof(err)))
		memset(&h, 0, sizeof(h));
	return h;
}

TEST_F(dwarf, reorder_packs_hot_fields_into_one_line)
{
	struct layout_hot h = hot_of("h1,h2,h3");
	const struct layout_type *t;
	struct layout_type *r;
	struct layout_stats s;
	uint64_t bytes = 0;
	char err[256] = "";

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "hot");
	ASSERT_NE(NULL, t);
	ASSERT_EQ(3, h.n);
	EXPECT_EQ(NULL, layout_hot_missing(t, &h));
	EXPECT_EQ(2, layout_hot_lines(t, &h, LINE, &bytes));	/* lines 2 and 3 */
	EXPECT_EQ(13, bytes);
	r = layout_reorder(t, &h, err, sizeof(err));
	ASSERT_NE(NULL, r) TH_LOG("%s", err);
	EXPECT_EQ(1, layout_hot_lines(r, &h, LINE, NULL));
	EXPECT_EQ(248, r->size);	/* 241 bytes of members, aligned to 8 */
	ASSERT_EQ(t->n, r->n);
	/* widest first: no hole between them */
	EXPECT_STREQ("h2", r->m[0].name);
	EXPECT_STREQ("h1", r->m[1].name);
	EXPECT_STREQ("h3", r->m[2].name);
	EXPECT_EQ(0, off(r, "h2"));
	EXPECT_EQ(8, off(r, "h1"));
	EXPECT_EQ(12, off(r, "h3"));
	ASSERT_EQ(0, scan(r, LINE, &s));
	EXPECT_EQ(7, s.sum_holes);	/* no worse than before */
	layout_type_free(r);
	layout_hot_free(&h);
}

TEST_F(dwarf, reorder_closes_holes_around_hot_fields)
{
	struct layout_hot h = hot_of("a,buf");
	const struct layout_type *t;
	struct layout_type *r;
	struct layout_stats s;
	uint64_t bytes = 0;
	char err[256] = "";

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "holes");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(2, layout_hot_lines(t, &h, LINE, &bytes));
	EXPECT_EQ(71, bytes);
	r = layout_reorder(t, &h, err, sizeof(err));
	ASSERT_NE(NULL, r) TH_LOG("%s", err);
	EXPECT_EQ(2, layout_hot_lines(r, &h, LINE, NULL));	/* 71 > 64 */
	EXPECT_EQ(88, r->size);
	ASSERT_EQ(0, scan(r, LINE, &s));
	EXPECT_EQ(0, s.holes);
	EXPECT_EQ(4, s.padding);
	layout_type_free(r);
	layout_hot_free(&h);
}

TEST_F(dwarf, reorder_keeps_flexible_array_last)
{
	struct layout_hot h = hot_of("c");
	const struct layout_type *t;
	struct layout_type *r;
	char err[256] = "";

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "flex");
	ASSERT_NE(NULL, t);
	r = layout_reorder(t, &h, err, sizeof(err));
	ASSERT_NE(NULL, r) TH_LOG("%s", err);
	EXPECT_STREQ("c", r->m[0].name);
	EXPECT_STREQ("d", r->m[r->n - 1].name);
	EXPECT_EQ(8, off(r, "d"));
	layout_type_free(r);
	layout_hot_free(&h);
}

TEST_F(dwarf, reorder_refuses_a_union)
{
	struct layout_hot h = hot_of("a");
	const struct layout_type *t;
	char err[256] = "";

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "u");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(NULL, layout_reorder(t, &h, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "union"));
	layout_hot_free(&h);
}

TEST_F(dwarf, hot_field_not_in_struct_is_named)
{
	struct layout_hot h = hot_of("h1,nope,u1");
	const struct layout_type *t;

	RETURN_IF_SKIPPED();
	t = layout_find(&self->f, "hot");
	ASSERT_NE(NULL, t);
	EXPECT_STREQ("nope", layout_hot_missing(t, &h));
	/* a member of an anonymous union is the struct's own */
	layout_hot_free(&h);
	h = hot_of("u1");
	EXPECT_EQ(NULL, layout_hot_missing(layout_find(&self->f, "nested"), &h));
	layout_hot_free(&h);
	/* one of a named member's is not */
	h = hot_of("s1");
	EXPECT_STREQ("s1", layout_hot_missing(layout_find(&self->f, "nested"), &h));
	layout_hot_free(&h);
}

TEST(hot_list_from_a_file_with_comments)
{
	char path[] = "/tmp/layout_hot_XXXXXX", err[256] = "";
	struct layout_hot h;
	char arg[64];
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_LT(0, write(fd, "# hot path\nh1, h2\n\th3 # the flag\n", 34));
	close(fd);
	snprintf(arg, sizeof(arg), "@%s", path);
	ASSERT_EQ(0, layout_hot_parse(arg, &h, err, sizeof(err))) TH_LOG("%s", err);
	unlink(path);
	ASSERT_EQ(3, h.n);
	EXPECT_STREQ("h1", h.name[0]);
	EXPECT_STREQ("h2", h.name[1]);
	EXPECT_STREQ("h3", h.name[2]);
	layout_hot_free(&h);
	EXPECT_EQ(-1, layout_hot_parse(" , ", &h, err, sizeof(err)));
	EXPECT_EQ(-1, layout_hot_parse("@/nonexistent/hot", &h, err, sizeof(err)));
}

/*
 * The compiler is the judge of a plan: the reordered struct, written as C
 * from the plan's own declarations and compiled with -g, must have the
 * offsets the plan gives.
 */
static int compile_plan(const struct layout_type *r, const char *dir,
			char *obj, size_t size)
{
	char src[PATH_MAX], cmd[PATH_MAX * 3];
	FILE *f;
	size_t i;

	snprintf(src, sizeof(src), "%s/plan.c", dir);
	snprintf(obj, size, "%s/plan.o", dir);
	f = fopen(src, "w");
	if (!f)
		return -1;
	fprintf(f, "struct %s {\n", r->name);
	for (i = 0; i < r->n; i++) {
		if (r->m[i].new_unit)
			fprintf(f, "\t%s :0;\n", r->m[i].type);
		if (r->m[i].bit_size)
			fprintf(f, "\t%s:%u;\n", r->m[i].decl, r->m[i].bit_size);
		else	/* never below the natural one: harmless when equal */
			fprintf(f, "\t%s __attribute__((aligned(%u)));\n",
				r->m[i].decl, r->m[i].align);
	}
	fprintf(f, "} g_%s;\n", r->name);
	if (fclose(f))
		return -1;
	snprintf(cmd, sizeof(cmd), "cc -g -c -o %s %s", obj, src);
	return system(cmd) ? -1 : 0;
}

static void check_plan(struct __test_metadata *_metadata,
		       const struct layout_file *file, const char *name,
		       const char *hot)
{
	struct layout_load_opts o = { .pattern = name };
	char dir[] = "/tmp/layout_plan_XXXXXX", obj[PATH_MAX], err[256] = "";
	struct layout_hot h = hot_of(hot);
	struct layout_file compiled;
	const struct layout_type *c;
	struct layout_type *r;
	size_t i;

	r = layout_reorder(layout_find(file, name), &h, err, sizeof(err));
	ASSERT_NE(NULL, r) TH_LOG("%s", err);
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, compile_plan(r, dir, obj, sizeof(obj)));
	ASSERT_EQ(0, layout_load(obj, &o, &compiled, err, sizeof(err)))
		TH_LOG("%s", err);
	c = layout_find(&compiled, name);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(c->size, r->size);
	ASSERT_EQ(c->n, r->n);
	for (i = 0; i < r->n; i++) {
		EXPECT_STREQ(c->m[i].name, r->m[i].name);
		EXPECT_EQ(c->m[i].bit_offset, r->m[i].bit_offset)
			TH_LOG("%s.%s", name, r->m[i].name);
	}
	layout_file_free(&compiled);
	unlink(obj);
	obj[strlen(obj) - 1] = 'c';	/* plan.c */
	unlink(obj);
	rmdir(dir);
	layout_type_free(r);
	layout_hot_free(&h);
}

TEST_F(dwarf, reordering_is_what_the_compiler_lays_out)
{
	RETURN_IF_SKIPPED();
	if (!have("cc"))
		SKIP(return, "no C compiler (apt-get install build-essential)");
	check_plan(_metadata, &self->f, "hot", "h1,h2,h3");
	check_plan(_metadata, &self->f, "bits", "z,e");
	check_plan(_metadata, &self->f, "holes", "d,buf");
	check_plan(_metadata, &self->f, "zero_width", "c");
	check_plan(_metadata, &self->f, "line_aligned", "y");
}

/* --- pahole on the same binary --- */

struct pahole_stats {
	bool sums;	/* pahole prints "sum members" only with holes */
	unsigned long size, cachelines, members, sum_members, holes, sum_holes;
	unsigned long bit_holes, sum_bit_holes, padding;
};

static int pahole(const char *path, const char *name, struct pahole_stats *p)
{
	char cmd[PATH_MAX + 128], line[512];
	const char *s;
	FILE *f;

	memset(p, 0, sizeof(*p));
	snprintf(cmd, sizeof(cmd), "pahole -C %s %s 2>/dev/null", name, path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if ((s = strstr(line, "/* size: ")))
			sscanf(s, "/* size: %lu, cachelines: %lu, members: %lu",
			       &p->size, &p->cachelines, &p->members);
		if ((s = strstr(line, "/* sum members: ")))
			p->sums = sscanf(s, "/* sum members: %lu, holes: %lu, sum holes: %lu",
			       &p->sum_members, &p->holes, &p->sum_holes) > 0;
		if ((s = strstr(line, "bit holes: ")))
			sscanf(s, "bit holes: %lu, sum bit holes: %lu",
			       &p->bit_holes, &p->sum_bit_holes);
		if ((s = strstr(line, "/* padding: ")))
			sscanf(s, "/* padding: %lu", &p->padding);
	}
	return pclose(f) || !p->size ? -1 : 0;
}

TEST_F(dwarf, same_holes_as_pahole)
{
	static const char *const names[] = {
		"holes", "bits", "nested", "hot", "edge", "aligned", "flex",
		"unit_tail", "zero_width", "line_aligned",
	};
	struct pahole_stats p;
	struct layout_stats s;
	size_t i;

	RETURN_IF_SKIPPED();
	if (!have("pahole"))
		SKIP(return, "pahole is not installed (apt-get install pahole)");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct layout_type *t = layout_find(&self->f, names[i]);

		ASSERT_NE(NULL, t);
		ASSERT_EQ(0, pahole(self->path, names[i], &p)) TH_LOG("pahole -C %s", names[i]);
		ASSERT_EQ(0, scan(t, LINE, &s));
		EXPECT_EQ(p.size, t->size) TH_LOG("%s", names[i]);
		EXPECT_EQ(p.cachelines, s.cachelines) TH_LOG("%s", names[i]);
		EXPECT_EQ(p.members, s.members) TH_LOG("%s", names[i]);
		if (p.sums)
			EXPECT_EQ(p.sum_members, s.sum_members) TH_LOG("%s", names[i]);
		EXPECT_EQ(p.holes, s.holes) TH_LOG("%s", names[i]);
		EXPECT_EQ(p.sum_holes, s.sum_holes) TH_LOG("%s", names[i]);
		EXPECT_EQ(p.bit_holes, s.bit_holes) TH_LOG("%s", names[i]);
		EXPECT_EQ(p.sum_bit_holes, s.sum_bit_holes) TH_LOG("%s", names[i]);
		EXPECT_EQ(p.padding, s.padding) TH_LOG("%s", names[i]);
	}
}

/* --- BTF --- */

TEST(btf_vmlinux_list_head)
{
	struct layout_load_opts o = { .pattern = "list_head" };
	const struct layout_type *t;
	struct layout_file f;
	char err[512] = "";

	if (access(LAYOUT_BTF_VMLINUX, R_OK))
		SKIP(return, LAYOUT_BTF_VMLINUX " is absent (a kernel without CONFIG_DEBUG_INFO_BTF)");
	ASSERT_EQ(0, layout_load(LAYOUT_BTF_VMLINUX, &o, &f, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(LAYOUT_SRC_BTF, f.source);
	t = layout_find(&f, "list_head");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(16, t->size);
	EXPECT_EQ(8, t->align);
	ASSERT_EQ(2, t->n);
	EXPECT_STREQ("next", t->m[0].name);
	EXPECT_EQ(0, t->m[0].bit_offset);
	EXPECT_STREQ("prev", t->m[1].name);
	EXPECT_EQ(64, t->m[1].bit_offset);
	EXPECT_STREQ("struct list_head *", t->m[1].type);
	layout_file_free(&f);
}

FIXTURE(btf) {
	struct layout_file dwarf;
	char dir[64];
	char path[PATH_MAX];
};

FIXTURE_SETUP(btf)
{
	struct layout_load_opts o = { .source = LAYOUT_SRC_DWARF };
	char err[512] = "";

	strcpy(self->dir, "/tmp/layout_btf_XXXXXX");
	beside(self->path, sizeof(self->path), STRUCTS);
	if (access(self->path, R_OK))
		SKIP(return, STRUCTS " is not built next to this test (make -C selftests/host/unit)");
	if (!have("pahole"))
		SKIP(return, "pahole is not installed: it encodes the BTF (apt-get install pahole)");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, layout_load(self->path, &o, &self->dwarf, err, sizeof(err)))
		TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(btf)
{
	char cmd[128];

	layout_file_free(&self->dwarf);
	if (strchr(self->dir, 'X'))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("unable to remove %s", self->dir);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[PATH_MAX * 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/*
 * Every struct BTF can describe reads the same from BTF as from DWARF.
 * BTF has no alignment attribute: 'aligned' and 'line_aligned' are left
 * out here; their plans must still agree (below).
 */
static void same_as_dwarf(struct __test_metadata *_metadata,
			  const struct layout_file *dwarf,
			  const struct layout_file *btf)
{
	static const char *const names[] = {
		"holes", "bits", "nested", "tdef_t", "hot", "edge", "u", "flex",
		"unit_tail", "zero_width",
	};
	struct layout_stats sd, sb;
	size_t i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct layout_type *d = layout_find(dwarf, names[i]);
		const struct layout_type *b = layout_find(btf, names[i]);

		ASSERT_NE(NULL, d);
		ASSERT_NE(NULL, b) TH_LOG("%s not in BTF", names[i]);
		EXPECT_EQ(d->size, b->size);
		EXPECT_EQ(d->align, b->align) TH_LOG("%s", names[i]);
		ASSERT_EQ(d->n, b->n);
		for (k = 0; k < d->n; k++) {
			EXPECT_EQ(d->m[k].bit_offset, b->m[k].bit_offset);
			EXPECT_EQ(d->m[k].bit_size, b->m[k].bit_size);
			EXPECT_EQ(d->m[k].size, b->m[k].size);
		}
		ASSERT_EQ(0, scan(d, LINE, &sd));
		ASSERT_EQ(0, scan(b, LINE, &sb));
		EXPECT_EQ(0, memcmp(&sd, &sb, sizeof(sd))) TH_LOG("%s", names[i]);
	}
}

/* The alignment BTF lacks is inferred: the plans from BTF and DWARF agree. */
static void same_plan(struct __test_metadata *_metadata,
		      const struct layout_file *dwarf,
		      const struct layout_file *btf, const char *name,
		      const char *hot)
{
	struct layout_hot h = hot_of(hot);
	struct layout_type *d, *b;
	char err[256] = "";
	size_t i;

	d = layout_reorder(layout_find(dwarf, name), &h, err, sizeof(err));
	ASSERT_NE(NULL, d) TH_LOG("%s from DWARF: %s", name, err);
	b = layout_reorder(layout_find(btf, name), &h, err, sizeof(err));
	ASSERT_NE(NULL, b) TH_LOG("%s from BTF: %s", name, err);
	EXPECT_EQ(d->size, b->size) TH_LOG("%s", name);
	EXPECT_EQ(d->align, b->align) TH_LOG("%s", name);
	ASSERT_EQ(d->n, b->n);
	for (i = 0; i < d->n; i++) {
		EXPECT_STREQ(d->m[i].name, b->m[i].name);
		EXPECT_EQ(d->m[i].bit_offset, b->m[i].bit_offset)
			TH_LOG("%s.%s", name, d->m[i].name);
	}
	layout_type_free(d);
	layout_type_free(b);
	layout_hot_free(&h);
}

TEST_F(btf, raw_btf_reads_as_dwarf)
{
	struct layout_load_opts o = { .source = LAYOUT_SRC_AUTO };
	struct layout_file f;
	char raw[PATH_MAX], err[512] = "";

	RETURN_IF_SKIPPED();
	snprintf(raw, sizeof(raw), "%s/structs.btf", self->dir);
	ASSERT_EQ(0, sh("pahole --btf_encode_detached=%s %s >/dev/null 2>&1",
			raw, self->path));
	ASSERT_EQ(0, layout_load(raw, &o, &f, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(LAYOUT_SRC_BTF, f.source);
	EXPECT_EQ(NULL, f.btf_base);
	same_as_dwarf(_metadata, &self->dwarf, &f);
	same_plan(_metadata, &self->dwarf, &f, "aligned", "a");
	same_plan(_metadata, &self->dwarf, &f, "line_aligned", "y");
	same_plan(_metadata, &self->dwarf, &f, "zero_width", "c");
	same_plan(_metadata, &self->dwarf, &f, "hot", "h1,h2,h3");
	layout_file_free(&f);
}

TEST_F(btf, elf_without_dwarf_falls_back_to_its_btf)
{
	struct layout_load_opts o = { .source = LAYOUT_SRC_AUTO };
	struct layout_file f;
	char elf[PATH_MAX], err[512] = "";

	RETURN_IF_SKIPPED();
	if (!have("objcopy"))
		SKIP(return, "objcopy is not installed (apt-get install binutils)");
	snprintf(elf, sizeof(elf), "%s/structs.elf", self->dir);
	ASSERT_EQ(0, sh("cp %s %s && pahole -J %s >/dev/null 2>&1 && objcopy --strip-debug %s",
			self->path, elf, elf, elf));
	ASSERT_EQ(0, layout_load(elf, &o, &f, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(LAYOUT_SRC_BTF, f.source);
	same_as_dwarf(_metadata, &self->dwarf, &f);
	layout_file_free(&f);
}

TEST_F(btf, split_btf_on_the_kernel_base)
{
	struct layout_load_opts o = { .btf_base = LAYOUT_BTF_VMLINUX };
	struct layout_file f;
	char split[PATH_MAX], err[512] = "";

	RETURN_IF_SKIPPED();
	if (access(LAYOUT_BTF_VMLINUX, R_OK))
		SKIP(return, LAYOUT_BTF_VMLINUX " is absent: no base for split BTF");
	snprintf(split, sizeof(split), "%s/structs.split.btf", self->dir);
	ASSERT_EQ(0, sh("pahole --btf_base=%s --btf_encode_detached=%s %s >/dev/null 2>&1",
			LAYOUT_BTF_VMLINUX, split, self->path));
	ASSERT_EQ(0, layout_load(split, &o, &f, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(LAYOUT_SRC_BTF, f.source);
	EXPECT_STREQ(LAYOUT_BTF_VMLINUX, f.btf_base);
	/* the module's own types only, not the base's */
	EXPECT_EQ(NULL, layout_find(&f, "task_struct"));
	same_as_dwarf(_metadata, &self->dwarf, &f);
	layout_file_free(&f);
}

/* --- the command: exit codes, messages, JSON --- */

struct run {
	int status;
	char *out, *err;
};

static char *slurp_fd(int fd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fdopen(fd, "r");

	if (!f)
		return strdup("");
	rewind(f);
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

/* cmd_layout(argv) in a child, its stdout and stderr captured */
static void run_layout(struct run *r, char **argv)
{
	char o[] = "/tmp/layout_out_XXXXXX", e[] = "/tmp/layout_err_XXXXXX";
	int fo = mkstemp(o), fe = mkstemp(e), argc = 0;
	pid_t pid;

	unlink(o);
	unlink(e);
	while (argv[argc])
		argc++;
	fflush(NULL);
	pid = fork();
	if (!pid) {
		dup2(fo, STDOUT_FILENO);
		dup2(fe, STDERR_FILENO);
		int ret = cmd_layout(argc, argv);

		fflush(NULL);
		_exit(ret);
	}
	waitpid(pid, &r->status, 0);
	r->status = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
	r->out = slurp_fd(fo);
	r->err = slurp_fd(fe);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

FIXTURE(cli) {
	char path[PATH_MAX];
	struct run r;
};

FIXTURE_SETUP(cli)
{
	beside(self->path, sizeof(self->path), STRUCTS);
	if (access(self->path, R_OK))
		SKIP(return, STRUCTS " is not built next to this test (make -C selftests/host/unit)");
}

FIXTURE_TEARDOWN(cli)
{
	run_free(&self->r);
}

TEST_F(cli, unknown_struct_exits_1_naming_it)
{
	char want[PATH_MAX + 64];

	RETURN_IF_SKIPPED();
	run_layout(&self->r, (char *[]){ "layout", "--struct", "no_such", self->path, NULL });
	EXPECT_EQ(1, self->r.status);
	snprintf(want, sizeof(want), "Unable to find struct 'no_such' in %s\n", self->path);
	EXPECT_NE(NULL, strstr(self->r.err, want)) TH_LOG("stderr: %s", self->r.err);
	EXPECT_STREQ("", self->r.out);
}

TEST_F(cli, hot_field_not_in_struct_exits_1_naming_it)
{
	RETURN_IF_SKIPPED();
	run_layout(&self->r, (char *[]){ "layout", "-s", "hot", "--hot", "h1,bogus",
					 self->path, NULL });
	EXPECT_EQ(1, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "Unable to find hot field 'bogus' in struct 'hot'"))
		TH_LOG("stderr: %s", self->r.err);
	EXPECT_STREQ("", self->r.out);
}

TEST_F(cli, no_debug_info_says_build_with_g)
{
	char bare[] = "/tmp/layout_bare_XXXXXX";
	int fd = mkstemp(bare);

	RETURN_IF_SKIPPED();
	ASSERT_LE(0, fd);
	close(fd);
	if (!have("objcopy"))
		SKIP(unlink(bare); return, "objcopy is not installed (apt-get install binutils)");
	ASSERT_EQ(0, sh("objcopy --strip-debug %s %s", self->path, bare));
	run_layout(&self->r, (char *[]){ "layout", bare, NULL });
	unlink(bare);
	EXPECT_EQ(1, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "no DWARF or BTF in it: build with -g"))
		TH_LOG("stderr: %s", self->r.err);
}

TEST_F(cli, cache_line_must_be_a_power_of_two)
{
	RETURN_IF_SKIPPED();
	run_layout(&self->r, (char *[]){ "layout", "-c", "48", self->path, NULL });
	EXPECT_EQ(1, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "'48': a power of two in [16, 4096]"))
		TH_LOG("stderr: %s", self->r.err);
}

TEST_F(cli, text_marks_holes_straddles_and_source)
{
	RETURN_IF_SKIPPED();
	run_layout(&self->r, (char *[]){ "layout", "-s", "holes", "-c", "64",
					 self->path, NULL });
	EXPECT_EQ(0, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.out, "DWARF (libdw), cache line 64 bytes (option)"));
	EXPECT_NE(NULL, strstr(self->r.out, "/* XXX 7 bytes hole */"));
	EXPECT_NE(NULL, strstr(self->r.out, "<- straddles lines 0-1"));
	EXPECT_NE(NULL, strstr(self->r.out, "/* sum members: 84, holes: 2, sum holes: 10 */"));
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); o && tok; tok = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, atoi(tok));
		else if (!json_object_object_get_ex(o, tok, &o))
			o = NULL;
	}
	return o;
}

static int64_t geti(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	return v ? json_object_get_int64(v) : -1;
}

TEST_F(cli, json_keys_and_hot_plan)
{
	struct json_object *j;

	RETURN_IF_SKIPPED();
	run_layout(&self->r, (char *[]){ "layout", "--json", "-s", "holes", "-c", "64",
					 "--hot", "a,buf", self->path, NULL });
	ASSERT_EQ(0, self->r.status) TH_LOG("stderr: %s", self->r.err);
	j = json_tokener_parse(self->r.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("dwarf", json_object_get_string(get(j, "source")));
	EXPECT_EQ(NULL, get(j, "btf_base"));
	EXPECT_EQ(64, geti(j, "cache_line"));
	EXPECT_STREQ("option", json_object_get_string(get(j, "cache_line_from")));
	EXPECT_EQ(1, json_object_array_length(get(j, "structs")));
	EXPECT_STREQ("holes", json_object_get_string(get(j, "structs.0.name")));
	EXPECT_EQ(96, geti(j, "structs.0.size"));
	EXPECT_EQ(2, geti(j, "structs.0.holes"));
	EXPECT_EQ(10, geti(j, "structs.0.sum_holes"));
	EXPECT_EQ(2, geti(j, "structs.0.padding"));
	EXPECT_EQ(2, geti(j, "structs.0.cachelines"));
	EXPECT_EQ(24, geti(j, "structs.0.fields.4.offset"));
	EXPECT_TRUE(json_object_get_boolean(get(j, "structs.0.fields.4.straddles")));
	EXPECT_TRUE(json_object_get_boolean(get(j, "structs.0.fields.4.hot")));
	EXPECT_EQ(1, geti(j, "structs.0.fields.4.last_line"));
	EXPECT_EQ(3, json_object_array_length(get(j, "structs.0.hole_list")));
	EXPECT_STREQ("a", json_object_get_string(get(j, "structs.0.hole_list.0.after")));
	EXPECT_EQ(7, geti(j, "structs.0.hole_list.0.size"));
	EXPECT_STREQ("padding", json_object_get_string(get(j, "structs.0.hole_list.2.kind")));
	EXPECT_EQ(2, geti(j, "structs.0.hot.lines_before"));
	EXPECT_EQ(2, geti(j, "structs.0.hot.lines_after"));
	EXPECT_EQ(2, geti(j, "structs.0.hot.lines_min"));
	EXPECT_EQ(96, geti(j, "structs.0.hot.size_before"));
	EXPECT_EQ(88, geti(j, "structs.0.hot.size_after"));
	EXPECT_EQ(0, geti(j, "structs.0.hot.holes_after"));
	EXPECT_EQ(88, geti(j, "structs.0.hot.reordered.size"));
	json_object_put(j);
}

TEST_F(cli, list_with_holes_filter)
{
	RETURN_IF_SKIPPED();
	run_layout(&self->r, (char *[]){ "layout", "--holes", self->path, NULL });
	EXPECT_EQ(0, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.out, "\nholes "));
	EXPECT_NE(NULL, strstr(self->r.out, "\nbits "));	/* bit holes */
	EXPECT_EQ(NULL, strstr(self->r.out, "\nedge "));	/* none */
	EXPECT_EQ(NULL, strstr(self->r.out, "\nu "));
}

TEST_HARNESS_MAIN
