// SPDX-License-Identifier: GPL-2.0
/*
 * lib/text.c: paragraphs wrapped to a width, and the width itself. The
 * oracle is the text: the words in order, every line within the width
 * unless one word alone is longer, continuation lines at the column.
 * Numbers: coreutils' numfmt (sizes, rates) and printf's ' flag in
 * en_US (counts) on the same values, and values known by construction at
 * the boundaries where rounding carries into the next unit.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "en_us.h"
#include "kselftest_harness.h"
#include "lib/text.h"

/* What llctl_text_wrap() prints for @text at @col of @width. */
static char *wrapped(const char *text, int col, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%*s", col, "");
	llctl_text_wrap(f, text, col, width);
	fclose(f);
	return buf;
}

static const char *para = "CPU cycles while not halted, which vary with the "
			  "frequency: a core at 2 GHz counts twice what one at 1 GHz does";

TEST(lines_fit_the_width_and_keep_every_word_in_order)
{
	char *out = wrapped(para, 20, 50), *line, *save = NULL, *words;
	char joined[512] = "";
	int n = 0;

	ASSERT_NE(NULL, out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		EXPECT_GE(50, (int)strlen(line)) TH_LOG("line %d: '%s'", n, line);
		/* Every line starts at column 20: the first after the prefix. */
		EXPECT_EQ(20, (int)strspn(line, " ")) TH_LOG("line %d: '%s'", n, line);
		words = line + strspn(line, " ");
		if (n++)
			strcat(joined, " ");
		strcat(joined, words);
	}
	EXPECT_LT(2, n);
	EXPECT_STREQ(para, joined);
	free(out);
}

TEST(no_width_or_no_room_prints_as_is)
{
	char *out = wrapped(para, 0, 0);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(strlen(para) + 1, strlen(out));
	free(out);
	/* 10 columns of room: under the 16 worth wrapping. */
	out = wrapped(para, 30, 40);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(30 + strlen(para) + 1, strlen(out));
	free(out);
}

TEST(a_word_longer_than_the_room_stands_alone_unbroken)
{
	const char *t = "see /sys/bus/event_source/devices/PMU/format for the terms";
	char *out = wrapped(t, 0, 20);

	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\n/sys/bus/event_source/devices/PMU/format\n"))
		TH_LOG("%s", out);
	free(out);
}

TEST(columns_from_the_environment_when_not_a_terminal)
{
	FILE *f = tmpfile();

	ASSERT_NE(NULL, f);
	setenv("COLUMNS", "72", 1);
	EXPECT_EQ(72, llctl_text_width(f));
	setenv("COLUMNS", "72x", 1);
	EXPECT_EQ(0, llctl_text_width(f));
	unsetenv("COLUMNS");
	EXPECT_EQ(0, llctl_text_width(f));
	fclose(f);
}

/*
 * Counts: in C's locale (the first call reads it from the environment)
 * the digits alone, with C's decimal point, big numbers on or off;
 * profile_test.sh checks en_US's grouping against printf's and perf's.
 */
TEST(counts_in_the_c_locale_are_digits_alone)
{
	char buf[48];

	setenv("LC_ALL", "C", 1);
	EXPECT_STREQ("1234567", llctl_text_count(buf, sizeof(buf), 1234567, 0));
	EXPECT_STREQ("1234.57", llctl_text_count(buf, sizeof(buf), 1234.567, 2));
	llctl_text_set_big_num(false);
	EXPECT_STREQ("1234567", llctl_text_count(buf, sizeof(buf), 1234567, 0));
	llctl_text_set_big_num(true);
}

/* Times: the unit is the one the rounded value reads in. */
TEST(ns_carry_into_the_next_unit_at_the_rounding_boundary)
{
	static const struct {
		double ns;
		const char *text;
	} c[] = {
		{ 0, "0 ns" },		{ 812, "812 ns" },
		{ 61, "61 ns" },	{ 61.1, "61.1 ns" },
		{ 0.42, "0.42 ns" },	{ 9.996, "10.0 ns" },
		{ 99.94, "99.9 ns" },	{ 99.96, "100 ns" },
		{ 999.5, "1.00 us" },
		{ 999.4, "999 ns" },
		{ 999.95, "1.00 us" },	{ 1000, "1.00 us" },
		{ 3410, "3.41 us" },	{ 999994, "999.99 us" },
		{ 999996, "1.00 ms" },	{ 27050000, "27.05 ms" },
		{ 999996000, "1.00 s" },	{ 1.2e9, "1.20 s" },
		/* No unit above seconds: the seconds grow. */
		{ 3.6e12, "3600.00 s" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		EXPECT_STREQ(c[i].text, llctl_text_ns(buf, sizeof(buf), c[i].ns))
			TH_LOG("%.2f ns", c[i].ns);
}

TEST(shares_and_bandwidths_keep_their_decimals)
{
	char buf[32];

	EXPECT_STREQ("42.5%", llctl_text_pct(buf, sizeof(buf), 42.49, 1));
	EXPECT_STREQ("100%", llctl_text_pct(buf, sizeof(buf), 100, 0));
	EXPECT_STREQ("12.3 GB/s", llctl_text_gbs(buf, sizeof(buf), 12.34));
	EXPECT_STREQ("0.0 GB/s", llctl_text_gbs(buf, sizeof(buf), 0.04));
}

/*
 * numfmt's output for @n values in @file with @args, one line each, into
 * @out (@n entries of @w bytes); false when numfmt cannot run.
 */
static bool numfmt(const char *args, const char *file, char *out, int n, int w)
{
	char cmd[256], line[64];
	FILE *p;
	int i = 0;

	snprintf(cmd, sizeof(cmd), "LC_ALL=C numfmt %s <%s 2>/dev/null", args, file);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (i < n && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = 0;
		snprintf(out + (size_t)i++ * w, w, "%s", line);
	}
	return !pclose(p) && i == n;
}

/* Sizes at each unit's edges, then spread over every magnitude. */
static int size_values(uint64_t *v, int max)
{
	uint64_t x = 88172645463325252ull;
	int n = 0, u;

	v[n++] = 0;
	for (u = 10; u <= 50; u += 10) {
		uint64_t k = (uint64_t)1 << u;

		v[n++] = k - 1;
		v[n++] = k;
		v[n++] = k + 1;
		v[n++] = k + k / 2;
		v[n++] = 16 * k;
		v[n++] = 1000 * k;
		v[n++] = 1023 * k;
	}
	while (n < max) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
		v[n++] = x >> (x % 60 + 4);
	}
	return n;
}

/* Whether @v / @div lands on a tie at @prec decimals (printf rounds those to even). */
static bool tie(double v, double div, int prec)
{
	double f = v / div * pow(10, prec);

	return fabs(f - floor(f) - 0.5) < 1e-6;
}

/* "1.5 KiB" as numfmt --format=%.1f writes it: "1.5KiB"; "16 KiB": "16.0KiB". */
static void as_numfmt_iec(const char *ours, char *out, size_t len)
{
	int num = (int)strcspn(ours, " ");

	snprintf(out, len, "%.*s%s%s", num, ours, memchr(ours, '.', num) ? "" : ".0",
		 ours + num + 1);
}

TEST(bytes_read_as_numfmt_iec_prints_them)
{
	char file[] = "/tmp/text_test.XXXXXX", want[200][32], buf[32], norm[40];
	uint64_t v[200];
	int n = size_values(v, 200), fd = mkstemp(file), i, checked = 0;
	FILE *f = fdopen(fd, "w");

	ASSERT_NE(NULL, f);
	for (i = 0; i < n; i++)
		fprintf(f, "%llu\n", (unsigned long long)v[i]);
	fclose(f);
	if (!numfmt("--to=iec-i --suffix=B --round=nearest --format=%.1f", file, &want[0][0],
		    n, sizeof(want[0]))) {
		unlink(file);
		SKIP(return, "no numfmt here (coreutils)");
	}
	unlink(file);
	for (i = 0; i < n; i++) {
		double d = (double)v[i], div = 1;

		while (d / div >= 1024)
			div *= 1024;
		if (tie(d, div, 1))
			continue;
		as_numfmt_iec(llctl_text_bytes(buf, sizeof(buf), v[i]), norm, sizeof(norm));
		EXPECT_STREQ(want[i], norm) TH_LOG("%llu B: '%s'", (unsigned long long)v[i], buf);
		checked++;
	}
	EXPECT_LT(150, checked);
	EXPECT_STREQ("16 KiB", llctl_text_bytes(buf, sizeof(buf), 16384));
	EXPECT_STREQ("1.5 KiB", llctl_text_bytes(buf, sizeof(buf), 1536));
	EXPECT_STREQ("1.0 MiB", llctl_text_bytes(buf, sizeof(buf), (1 << 20) - 1));
	EXPECT_STREQ("1023 B", llctl_text_bytes(buf, sizeof(buf), 1023));
	EXPECT_STREQ("256 MiB", llctl_text_bytes(buf, sizeof(buf), 256ULL << 20));
	EXPECT_STREQ("100 B", llctl_text_bytes(buf, sizeof(buf), 100));
}

TEST(rates_read_as_numfmt_si_prints_them)
{
	char file[] = "/tmp/text_test.XXXXXX", want[200][32], buf[32];
	uint64_t v[200];
	int n = size_values(v, 200), fd = mkstemp(file), i, checked = 0;
	FILE *f = fdopen(fd, "w");

	ASSERT_NE(NULL, f);
	v[n - 1] = 999999;	/* 999.999K: "1.00M" */
	/* numfmt knows no prefix past E; ours stop at P. */
	for (i = 0; i < n; i++) {
		v[i] %= 999000000000000000ull;
		fprintf(f, "%llu\n", (unsigned long long)v[i]);
	}
	fclose(f);
	if (!numfmt("--to=si --round=nearest --format=%.2f", file, &want[0][0], n,
		    sizeof(want[0]))) {
		unlink(file);
		SKIP(return, "no numfmt here (coreutils)");
	}
	unlink(file);
	for (i = 0; i < n; i++) {
		double d = (double)v[i], div = 1;

		while (d / div >= 1000)
			div *= 1000;
		/* Near a tie numfmt's long double and our double may part. */
		if (tie(d, div, 2) || v[i] >= 1000000000000000ull)
			continue;
		llctl_text_rate(buf, sizeof(buf), d);
		buf[strlen(buf) - 2] = 0;	/* "/s" */
		EXPECT_STREQ(want[i], buf) TH_LOG("%llu a second", (unsigned long long)v[i]);
		checked++;
	}
	EXPECT_LT(100, checked);
	EXPECT_STREQ("1.00M/s", llctl_text_rate(buf, sizeof(buf), 999999));
	EXPECT_STREQ("812.00/s", llctl_text_rate(buf, sizeof(buf), 812));
}

/*
 * en_US built with localedef into a directory of our own (no locales
 * package needed, only its source): llctl's grouping against printf's '
 * flag, coreutils' printf, in that locale.
 */
TEST(counts_group_as_printf_does_in_en_us)
{
	static const char *const v[] = { "0", "999", "1000", "-1234567", "1234567.891",
					 "9007199254740992" };
	char dir[] = "/tmp/text_test.XXXXXX", cmd[512], want[64], buf[64];
	FILE *p;
	size_t i;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "localedef -i en_US -f UTF-8 %s/en_US.UTF-8 >/dev/null 2>&1",
		 dir);
	if (system(cmd)) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		system(cmd);
		SKIP(return, "localedef cannot build en_US here (no locale source)");
	}
	setenv("LOCPATH", dir, 1);
	setenv("LC_ALL", "en_US.UTF-8", 1);
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		int prec = strchr(v[i], '.') ? 2 : 0;

		snprintf(cmd, sizeof(cmd), "env printf \"%%'.%df\" %s", prec, v[i]);
		p = popen(cmd, "r");
		ASSERT_NE(NULL, p);
		ASSERT_NE(NULL, fgets(want, sizeof(want), p));
		pclose(p);
		EXPECT_STREQ(want, llctl_text_count(buf, sizeof(buf), strtod(v[i], NULL), prec));
	}
	EXPECT_STREQ("1,234,567", llctl_text_count(buf, sizeof(buf), 1234567, 0));
	llctl_text_set_big_num(false);
	EXPECT_STREQ("1234567", llctl_text_count(buf, sizeof(buf), 1234567, 0));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	system(cmd);
}

/* What llctl_text_table_print() prints of @t at @width; @t freed. */
static char *table_text(struct llctl_text_table *t, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f) {
		llctl_text_table_print(f, t, width);
		fclose(f);
	}
	llctl_text_table_free(t);
	return buf;
}

/*
 * Known cells, known widths: a column is its widest cell (header
 * included) or its least, names left, numbers right, the gaps declared;
 * a rule as wide as each column (a prose one's header); a short row's
 * last cell runs on without widening its column; no line ends in a space.
 */
TEST(table_columns_are_as_wide_as_their_widest_cell)
{
	static const struct llctl_text_col cols[] = {
		{ "name", LLCTL_TEXT_LEFT, 0, 0, false, 0 },
		{ "count", LLCTL_TEXT_RIGHT, 6, 2, false, 0 },
		{ "note", LLCTL_TEXT_LEFT, 0, 1, true, 0 },
	};
	struct llctl_text_table *t = llctl_text_table_new(cols, 3);
	char *out;

	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, llctl_text_table_rule(t));
	EXPECT_EQ(0, llctl_text_table_row(t, "a", "1", "first"));
	EXPECT_EQ(0, llctl_text_table_row(t, "longer", "12345", ""));
	EXPECT_EQ(0, llctl_text_table_row(t, "x", "runs on past the columns"));
	EXPECT_EQ(0, llctl_text_table_rule(t));
	EXPECT_EQ(0, llctl_text_table_row(t, "total", "12346", ""));
	/* More cells than columns: refused. */
	EXPECT_EQ(-1, llctl_text_table_row(t, "a", "b", "c", "d"));
	out = table_text(t, 0);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("name     count note\n"
		     "------  ------ ----\n"
		     "a            1 first\n"
		     "longer   12345\n"
		     "x       runs on past the columns\n"
		     "------  ------ ----\n"
		     "total    12346\n", out);
	free(out);
}

/* A group's label right-aligned over its columns, widening the last when wider. */
TEST(a_group_label_stands_over_its_columns)
{
	static const struct llctl_text_col cols[] = {
		{ "a", LLCTL_TEXT_LEFT, 0, 0, false, 0 },
		{ "b", LLCTL_TEXT_RIGHT, 3, 1, false, 0 },
		{ "c", LLCTL_TEXT_RIGHT, 3, 1, false, 0 },
	};
	struct llctl_text_table *t = llctl_text_table_new(cols, 3);
	char *out;

	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, llctl_text_table_group(t, 1, 2, "b and c"));
	llctl_text_table_row(t, "x", "1", "2");
	out = table_text(t, 0);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("  b and c\na   b   c\nx   1   2\n", out);
	free(out);
	t = llctl_text_table_new(cols, 3);
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, llctl_text_table_group(t, 1, 2, "bee and cee"));
	EXPECT_EQ(-1, llctl_text_table_group(t, 2, 2, "past the last column"));
	llctl_text_table_row(t, "x", "1", "2");
	out = table_text(t, 0);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("  bee and cee\na   b       c\nx   1       2\n", out);
	free(out);
}

/* A prose column wraps to the width, under its first character. */
TEST(a_prose_column_wraps_to_the_width)
{
	static const struct llctl_text_col cols[] = {
		{ NULL, LLCTL_TEXT_LEFT, 0, 0, false, 0 },
		{ NULL, LLCTL_TEXT_LEFT, 0, 2, true, 0 },
	};
	const char *desc = "one two three four five six seven eight nine ten eleven twelve";
	struct llctl_text_table *t = llctl_text_table_new(cols, 2);
	char *out, *line, *save = NULL, joined[256] = "";
	int n = 0;

	ASSERT_NE(NULL, t);
	llctl_text_table_row(t, "name", desc);
	out = table_text(t, 30);
	ASSERT_NE(NULL, out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		EXPECT_GE(30, (int)strlen(line)) TH_LOG("'%s'", line);
		EXPECT_EQ(0, strncmp(line, n ? "      " : "name  ", 6)) TH_LOG("'%s'", line);
		if (n++)
			strcat(joined, " ");
		strcat(joined, line + 6);
	}
	EXPECT_LT(2, n);
	EXPECT_STREQ(desc, joined);
	free(out);
}

/*
 * A column with a max: the name longer than it breaks within it (no seam
 * in the first 10, so at 10; then after '_' in the second half of the
 * 8 a continuation has; then at 8), each continuation hanging 2 further
 * in, the row's count on its first line, its prose's lines beside the
 * pieces; the first column's gap indents the table. Every line is known
 * by construction, the pieces joined are the name.
 */
TEST(a_cell_wider_than_its_max_breaks_within_its_column)
{
	static const struct llctl_text_col cols[] = {
		{ "name", LLCTL_TEXT_LEFT, 0, 2, false, 10 },
		{ "n", LLCTL_TEXT_RIGHT, 0, 1, false, 0 },
		{ NULL, LLCTL_TEXT_LEFT, 0, 1, true, 0 },
	};
	const char *name = "abcdefghij-klmnop_qrstuvwxyz";
	struct llctl_text_table *t = llctl_text_table_new(cols, 3);
	char *out;

	ASSERT_NE(NULL, t);
	llctl_text_table_row(t, "short", "1", "a b c");
	llctl_text_table_row(t, name, "22", "one two three four five six");
	out = table_text(t, 40);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("  name        n\n"
		     "  short       1 a b c\n"
		     "  abcdefghij 22 one two three four five\n"
		     "    -klmnop_    six\n"
		     "    qrstuvwx\n"
		     "    yz\n", out);
	free(out);
	/* Without a width (a pipe) the same: a max is the column's, not the terminal's. */
	t = llctl_text_table_new(cols, 3);
	ASSERT_NE(NULL, t);
	llctl_text_table_row(t, name, "22", "six");
	out = table_text(t, 0);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("  name        n\n"
		     "  abcdefghij 22 six\n"
		     "    -klmnop_\n"
		     "    qrstuvwx\n"
		     "    yz\n", out);
	free(out);
}

/* Widths are characters: a multi-byte separator (fr_FR's U+202F) is one. */
TEST(widths_count_characters_not_bytes)
{
	static const struct llctl_text_col cols[] = {
		{ "n", LLCTL_TEXT_RIGHT, 0, 0, false, 0 },
		{ "end", LLCTL_TEXT_LEFT, 0, 1, false, 0 },
	};
	struct llctl_text_table *t = llctl_text_table_new(cols, 2);
	char *out;

	ASSERT_NE(NULL, t);
	llctl_text_table_row(t, "1\u202f234", "|");
	llctl_text_table_row(t, "12345", "|");
	llctl_text_table_row(t, "7", "|");
	out = table_text(t, 0);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("    n end\n1\u202f234 |\n12345 |\n    7 |\n", out);
	free(out);
}

/*
 * A count column in en_US: each cell the value fed in once its commas are
 * gone, a comma every three digits from the right, and right-aligned: every
 * line ends at the same column, the widest cell (2^64 - 1) setting it.
 */
TEST(a_count_column_is_grouped_and_right_aligned_in_en_us)
{
	static const uint64_t v[] = { 0, 7, 999, 1000, 1234567, 18446744073709551615ull };
	static const struct llctl_text_col cols[] = {
		{ "name", LLCTL_TEXT_LEFT, 0, 0, false, 0 },
		{ "calls", LLCTL_TEXT_RIGHT, 9, 1, false, 0 },
	};
	char dir[] = "/tmp/text_test.XXXXXX", cell[64], plain[64], want[32];
	struct llctl_text_table *t;
	char *out, *line, *save = NULL;
	size_t i, w = 0, k;

	if (!en_us_locale(dir))
		SKIP(return, "localedef cannot build en_US here (no locale source)");
	t = llctl_text_table_new(cols, 2);
	ASSERT_NE(NULL, t);
	for (i = 0; i < ARRAY_SIZE(v); i++)
		llctl_text_table_row(t, "x", llctl_text_u64(cell, sizeof(cell), v[i]));
	out = table_text(t, 0);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, strncmp(out, "name                      calls\n", 32)) TH_LOG("%s", out);
	i = 0;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!w)
			w = strlen(line);
		EXPECT_EQ(w, strlen(line)) TH_LOG("'%s'", line);
		if (!strncmp(line, "name", 4))
			continue;
		ASSERT_GT(ARRAY_SIZE(v), i);
		snprintf(cell, sizeof(cell), "%s", strrchr(line, ' ') + 1);
		ungroup(cell, plain, sizeof(plain));
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		EXPECT_STREQ(want, plain) TH_LOG("'%s'", line);
		for (k = 0; k < strlen(cell); k++)
			EXPECT_EQ((strlen(cell) - k) % 4 == 0, cell[k] == ',') TH_LOG("'%s'", cell);
		i++;
	}
	EXPECT_EQ(ARRAY_SIZE(v), i);
	EXPECT_EQ(4 + 1 + 26, (int)w);	/* "18,446,744,073,709,551,615" */
	free(out);
	en_us_remove(dir);
}

TEST_HARNESS_MAIN
