// SPDX-License-Identifier: GPL-2.0
/*
 * The structs layout_test reads back with llctl layout, built with -g: each
 * has known holes, bitfields, nesting or straddles. The expected numbers
 * are in layout_test.c; pahole reads this binary too.
 */
#include <stddef.h>

/* 7 bytes hole after a, 3 after c, 2 of padding; buf straddles lines 0-1 */
struct holes {
	char a;
	long b;
	char c;
	int d;
	char buf[70];
};

/* bitfields: a 16-bit and a 12-bit hole where z and s move on, 4 bits after w */
struct bits {
	char c;
	unsigned int x:3;
	unsigned int y:5;
	unsigned int z:20;
	short s;
	unsigned long w:4;
	char e;
};

/* anonymous union and struct, a member of anonymous struct type */
struct nested {
	int a;
	union {
		char u1;
		long u2;
	};
	char b;
	struct {
		char s1;
		int s2;
	} named;
	struct {
		char p;
		double q;
	};
};

typedef struct {
	char t;
	void *p;
} tdef_t;

/* hot fields h1, h2, h3 on lines 2 and 3: one line after reordering */
struct hot {
	long c0;
	char c1[120];
	int h1;
	char c2[60];
	long h2;
	char h3;
	int (*fn)(int, char *);
	const char *const *cp;
	int m[2][3];
};

/* packed: in ends exactly at 64 (no straddle), cross starts at 125 (straddles) */
struct __attribute__((packed)) edge {
	char fill[60];
	int in;
	char pad[3];
	char fill2[58];
	int cross;
};

/* an explicit alignment: 15 bytes hole, 12 of padding */
struct aligned {
	char a;
	int b __attribute__((aligned(16)));
};

union u {
	char a;
	long b;
};

/* a flexible array stays last when reordered */
struct flex {
	int n;
	char c;
	long d[];
};

/* 5 bits left in the bitfields' 1-byte unit, then 3 bytes before id */
struct unit_tail {
	_Bool f1:1;
	_Bool f2:1;
	_Bool f3:1;
	int id;
};

/* an unnamed ':0' moves b to the next unit: DWARF and BTF do not record it */
struct zero_width {
	unsigned int a:3;
	unsigned int :0;
	unsigned int b:2;
	char c;
};

/* a member aligned to a cache line: BTF does not record it either */
struct line_aligned {
	int n;
	long x __attribute__((aligned(64)));
	char y;
};

struct holes g_holes;
struct bits g_bits;
struct nested g_nested;
tdef_t g_tdef;
struct hot g_hot;
struct edge g_edge;
struct aligned g_aligned;
union u g_u;
struct flex *g_flex;
struct unit_tail g_unit_tail;
struct zero_width g_zero_width;
struct line_aligned g_line_aligned;

int main(void)
{
	return (int)offsetof(struct holes, b) - 8;
}
