// SPDX-License-Identifier: GPL-2.0
/*
 * top/top.c: llctl top's table of functions and its screens. The oracle
 * is the input: samples added by name, their sums and order; the shares
 * the counts make; lines within the width; no escape byte anywhere.
 * Counts of 1000 and more: grouped by thousands in an en_US built with
 * localedef (the known value with en_US's commas), digits alone with
 * --no-big-num; the other tests keep C's locale, which does not group.
 * -g: hand-made chains of known counts, their graph's shares those counts'
 * and summing to the row's, its nodes decayed as the row.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "en_us.h"
#include "kselftest_harness.h"
#include "lib/text.h"
#include "profile/report.h"
#include "profile/symbols.h"
#include "top/top.h"

static const struct top_tick tick = {
	.t = 3.0, .interval = 1.0, .event = "cpu-clock", .rate = "4000 Hz",
	.samples = 1000, .hidden = 0, .lost = 7, .throttled = 0, .unknown = 0,
};

/* 600 hot, 300 warm, 100 in the kernel; added in many small steps: 0. */
static int fill(struct top_table *t)
{
	int i, ret = 0;

	for (i = 0; i < 100; i++) {
		ret |= top_table_add(t, "workload", "workload_hot", false, 6);
		ret |= top_table_add(t, "workload", "workload_warm", false, 3);
		ret |= top_table_add(t, "[kernel.kallsyms]", "do_syscall_64", true, 1);
	}
	return ret;
}

TEST(rows_sum_per_function_sorted_by_samples)
{
	struct top_table t = { 0 };
	struct top_row **rows;
	size_t n;

	ASSERT_EQ(0, fill(&t));
	/* The same name in another file is another row. */
	ASSERT_EQ(0, top_table_add(&t, "libc.so.6", "workload_hot", false, 1));
	n = top_table_sorted(&t, &rows);
	ASSERT_EQ(4, n);
	EXPECT_STREQ("workload_hot", rows[0]->sym);
	EXPECT_EQ(600, rows[0]->samples);
	EXPECT_STREQ("workload_warm", rows[1]->sym);
	EXPECT_EQ(300, rows[1]->samples);
	EXPECT_EQ(100, rows[2]->samples);
	EXPECT_TRUE(rows[2]->kernel);
	EXPECT_EQ(1, rows[3]->samples);
	free(rows);
	/* Past the table's first size: it grows and keeps every row. */
	top_table_reset(&t);
	for (n = 0; n < 1000; n++) {
		char name[32];

		snprintf(name, sizeof(name), "f%zu", n);
		ASSERT_EQ(0, top_table_add(&t, "dso", name, false, n + 1));
	}
	EXPECT_EQ(1000, top_table_sorted(&t, &rows));
	EXPECT_EQ(1000, rows[0]->samples);
	EXPECT_EQ(1, rows[999]->samples);
	free(rows);
	top_table_free(&t);
}

TEST(reset_starts_the_next_interval_empty)
{
	struct top_table t = { 0 };
	struct top_row **rows;

	ASSERT_EQ(0, fill(&t));
	top_table_reset(&t);
	EXPECT_EQ(0, top_table_sorted(&t, &rows));
	free(rows);
	top_table_free(&t);
}

static char *screen(const struct top_table *t, int width, size_t max, bool lines)
{
	struct top_row **rows;
	size_t n = top_table_sorted(t, &rows), len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);

	if (!getenv("LOCPATH"))
		setenv("LC_ALL", "C", 1);	/* en_US's test sets its own */
	if (lines)
		top_print_lines(f, &tick, rows, n, max);
	else
		top_print(f, &tick, rows, n, width, max);
	fclose(f);
	free(rows);
	return buf;
}

TEST(screen_fits_the_width_with_the_shares_of_the_samples)
{
	struct top_table t = { 0 };
	char *out, *line, *save = NULL;
	int n = 0;

	ASSERT_EQ(0, fill(&t));
	out = screen(&t, 40, 2, false);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(NULL, strchr(out, '\033'));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++)
		EXPECT_GE(40, (int)strlen(line));
	EXPECT_EQ(4, n);	/* header, column names, two rows (max) */
	free(out);
	out = screen(&t, 0, 0, false);
	EXPECT_NE(NULL, strstr(out, "1000 samples/s of cpu-clock (4000 Hz)"));
	EXPECT_NE(NULL, strstr(out, "7 lost"));
	EXPECT_NE(NULL, strstr(out, "  60.00%      600  workload"));
	EXPECT_NE(NULL, strstr(out, "  10.00%      100  [kernel.kallsyms]    [k] do_syscall_64"));
	free(out);
	top_table_free(&t);
}

TEST(lines_carry_the_time_and_no_escape)
{
	struct top_table t = { 0 };
	char *out, *line, *save = NULL;
	int n = 0;

	ASSERT_EQ(0, fill(&t));
	out = screen(&t, 0, 2, true);
	EXPECT_EQ(NULL, strchr(out, '\033'));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++)
		EXPECT_EQ(0, strncmp(line, "    3.000000000 ", 16));
	EXPECT_EQ(3, n);
	free(out);
	top_table_free(&t);
}

TEST(json_has_the_stable_keys)
{
	struct top_table t = { 0 };
	struct top_row **rows;
	struct json_object *o, *r;
	size_t n;

	ASSERT_EQ(0, fill(&t));
	n = top_table_sorted(&t, &rows);
	o = top_json(&tick, rows, n, 0);
	EXPECT_EQ(1000, json_object_get_int64(json_object_object_get(o, "samples")));
	EXPECT_EQ(7, json_object_get_int64(json_object_object_get(o, "lost")));
	EXPECT_TRUE(json_object_object_get_ex(o, "note", NULL));
	r = json_object_array_get_idx(json_object_object_get(o, "rows"), 0);
	EXPECT_STREQ("workload_hot", json_object_get_string(json_object_object_get(r, "symbol")));
	EXPECT_EQ(60.0, json_object_get_double(json_object_object_get(r, "overhead")));
	json_object_put(o);
	free(rows);
	top_table_free(&t);
}

/*
 * perf top's decay (hists__decay_entries): each refresh a row keeps
 * floor(7/8) of its samples; it goes at 0. A function that ran 8
 * intervals of 100 samples then stopped (523 samples left on it), and one
 * that started then: the old one leads until the new one's 100 * (1 + 7/8
 * + ...) passes its fading weight, at the 4th refresh after the switch
 * (as the recurrence computed here says), and it is gone after as many
 * refreshes as floor(w * 7 / 8) takes to reach 0. The hidden samples
 * (other) decay alike and count in the total.
 */
TEST(decay_keeps_seven_eighths_as_perf_top)
{
	struct top_table t = { 0 };
	uint64_t old = 0, new = 0;
	struct top_row **rows;
	int i, lead = 0, want = 0, gone = 0;
	size_t n;

	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, top_table_add(&t, "w", "old_fn", false, 100));
		t.other += 10;
		old = old * 7 / 8 + 100;
		top_table_sorted(&t, &rows);
		EXPECT_EQ(old, rows[0]->samples);
		EXPECT_EQ(100, rows[0]->fresh);
		free(rows);
		top_table_decay(&t);
	}
	for (i = 1; i <= 80 && !gone; i++) {
		old = old * 7 / 8;
		new = new * 7 / 8 + 100;
		ASSERT_EQ(0, top_table_add(&t, "w", "new_fn", false, 100));
		n = top_table_sorted(&t, &rows);
		ASSERT_LT(0, n);
		if (!lead && !strcmp(rows[0]->sym, "new_fn"))
			lead = i;
		if (!want && new >= old)	/* a tie: by name, new_fn first */
			want = i;
		EXPECT_EQ(old ? 2 : 1, n);
		EXPECT_EQ(old + new + t.other, top_table_total(&t));
		if (n == 2)
			EXPECT_EQ(old, rows[!strcmp(rows[0]->sym, "old_fn") ? 0 : 1]->samples);
		if (!old)
			gone = i;
		free(rows);
		top_table_decay(&t);
	}
	EXPECT_EQ(4, want);
	EXPECT_EQ(want, lead) TH_LOG("the new function first led at refresh %d", lead);
	EXPECT_LT(10, gone) TH_LOG("the old function went at refresh %d", gone);
	EXPECT_GT(80, gone);
	/* -z: the next interval starts empty, other too */
	top_table_reset(&t);
	EXPECT_EQ(0, top_table_total(&t));
	top_table_free(&t);
}

/* The shares are of the decayed total, the hidden samples in it. */
TEST(shares_are_of_the_decayed_total)
{
	struct top_table t = { 0 };
	struct top_tick k = tick;
	struct top_row **rows;
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f;

	ASSERT_EQ(0, top_table_add(&t, "w", "a", false, 800));
	top_table_decay(&t);			/* a: 700 */
	ASSERT_EQ(0, top_table_add(&t, "w", "b", false, 200));
	t.other = 100;				/* hidden (-K, -U) */
	k.total = top_table_total(&t);		/* 1000 */
	ASSERT_EQ(1000, k.total);
	n = top_table_sorted(&t, &rows);
	f = open_memstream(&buf, &len);
	top_print(f, &k, rows, n, 0, 0);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "  70.00%      700  w")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "  20.00%      200  w")) TH_LOG("%s", buf);
	free(buf);
	free(rows);
	top_table_free(&t);
}

/*
 * After a decay, JSON's overhead and samples are still the interval's (as
 * before the decay existed); the screen's figures are the decayed_ ones.
 */
TEST(json_keeps_the_interval_meaning_beside_the_decayed)
{
	struct top_table t = { 0 };
	struct top_tick k = tick;
	struct json_object *o, *r;
	struct top_row **rows;
	size_t n;

	ASSERT_EQ(0, top_table_add(&t, "w", "a", false, 800));
	top_table_decay(&t);			/* a: 700 decayed, 0 fresh */
	ASSERT_EQ(0, top_table_add(&t, "w", "a", false, 100));
	ASSERT_EQ(0, top_table_add(&t, "w", "b", false, 200));
	k.samples = 300;
	k.total = top_table_total(&t);		/* 800 + 200 */
	n = top_table_sorted(&t, &rows);
	o = top_json(&k, rows, n, 0);
	r = json_object_array_get_idx(json_object_object_get(o, "rows"), 0);
	EXPECT_STREQ("a", json_object_get_string(json_object_object_get(r, "symbol")));
	EXPECT_EQ(100, json_object_get_int64(json_object_object_get(r, "samples")));
	EXPECT_EQ(33.33, json_object_get_double(json_object_object_get(r, "overhead")));
	EXPECT_EQ(800, json_object_get_int64(json_object_object_get(r, "decayed_samples")));
	EXPECT_EQ(80.0, json_object_get_double(json_object_object_get(r, "decayed_overhead")));
	json_object_put(o);
	free(rows);
	top_table_free(&t);
}

TEST(counts_show_a_clock_as_its_share_of_the_interval)
{
	static const struct top_count_event ev[] = { { "cpu-clock", true }, { "cycles", false } };
	struct top_count_cpu cpu[2] = {
		{ .cpu = 0, .counted = { true, true }, .value = { 0.5e9, 2e9 } },
		{ .cpu = 1, .counted = { true, false } , .value = { 1e9, 0 } },
	};
	struct top_count_tick k = { .t = 1, .interval = 1, .target = "system-wide",
				    .ev = ev, .n_ev = 2, .cpu = cpu, .n_cpu = 2 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	setenv("LC_ALL", "C", 1);
	top_count_print(f, &k, 0);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "\n0        500.00 msec       0.50     2000000000    2.00G/s\n"))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "<not counted>")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strchr(buf, '\033'));
	free(buf);
}

/*
 * A tick of 1,234,567 samples in 1 s (4,321 lost) and one row of them,
 * a count of 2e9 cycles: what the header, the samples' column and
 * --stat's count say, on the screen and in the plain lines.
 */
static char *big_screens(void)
{
	static const struct top_count_event ev[] = { { "cycles", false } };
	const struct top_count_cpu cpu = { .cpu = 0, .counted = { true }, .value = { 2e9 } };
	const struct top_count_tick ck = { .t = 1, .interval = 1, .target = "system-wide",
					   .ev = ev, .n_ev = 1, .cpu = &cpu, .n_cpu = 1 };
	struct top_tick k = tick;
	struct top_table t = { 0 };
	struct top_row **rows;
	char *buf = NULL;
	size_t n, len = 0;
	FILE *f = open_memstream(&buf, &len);

	k.samples = 1234567;
	k.lost = 4321;
	if (!f || top_table_add(&t, "workload", "workload_hot", false, 1234567)) {
		if (f)
			fclose(f);
		free(buf);
		top_table_free(&t);
		return NULL;
	}
	n = top_table_sorted(&t, &rows);
	top_print(f, &k, rows, n, 0, 0);
	top_print_lines(f, &k, rows, n, 0);
	top_count_print(f, &ck, 0);
	fclose(f);
	free(rows);
	top_table_free(&t);
	return buf;
}

TEST(counts_of_a_thousand_and_more_group_in_en_us_not_with_no_big_num)
{
	char dir[] = "/tmp/top_test.XXXXXX", *out, *plain;

	if (!en_us_locale(dir))
		SKIP(return, "localedef cannot build en_US here (no locale source)");
	out = big_screens();
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "1,234,567 samples/s of cpu-clock (4000 Hz), 1,234,567 samples in 1.00 s, 4,321 lost"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\n 100.00% 1,234,567  workload ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "    3.000000000  100.00% 1,234,567  workload ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "  2,000,000,000    2.00G/s")) TH_LOG("%s", out);
	free(out);
	llctl_text_set_big_num(false);	/* --no-big-num */
	out = big_screens();
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "1234567 samples/s of cpu-clock (4000 Hz), 1234567 samples in 1.00 s, 4321 lost"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\n 100.00%  1234567  workload ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "     2000000000    2.00G/s")) TH_LOG("%s", out);
	plain = malloc(strlen(out) + 1);
	ASSERT_NE(NULL, plain);
	ungroup(out, plain, strlen(out) + 1);
	EXPECT_STREQ(out, plain);	/* no comma between digits anywhere */
	free(plain);
	free(out);
	en_us_remove(dir);
}

/*
 * -g: 60 samples hot <- outer <- main, 20 hot <- other <- main, 20 warm <-
 * main: hot's row is 80 %, its callers 60 % and 20 %, which make it.
 */
static int fill_chains(struct top_table *t)
{
	static const struct prof_sym_frame
		hot = { "hot", "workload", "workload", true, false },
		warm = { "warm", "workload", "workload", true, false },
		outer = { "outer", "workload", "workload", true, false },
		other = { "other", "workload", "workload", true, false },
		main_ = { "main", "workload", "workload", true, false };
	const struct prof_sym_frame a[] = { hot, outer, main_ }, b[] = { hot, other, main_ },
				    c[] = { warm, main_ };
	int i, ret = 0;

	for (i = 0; i < 20; i++) {
		ret |= top_table_add_chain(t, a, 3);
		ret |= top_table_add_chain(t, a, 3);
		ret |= top_table_add_chain(t, a, 3);
		ret |= top_table_add_chain(t, b, 3);
		ret |= top_table_add_chain(t, c, 2);
	}
	return ret;
}

static char *graph_screen(struct top_table *t, const struct top_tick *k, int width,
			  bool lines)
{
	struct top_row **rows;
	size_t n = top_table_sorted(t, &rows), len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (lines)
		top_print_lines(f, k, rows, n, 0);
	else
		top_print(f, k, rows, n, width, 0);
	fclose(f);
	free(rows);
	return buf;
}

TEST(call_graph_follows_its_row_callers_with_their_shares)
{
	struct top_table t = { 0 };
	struct top_tick k = tick;
	char *out, *row;
	const char *line;
	int width = 40;

	k.samples = 100;
	k.graph = true;
	ASSERT_EQ(0, fill_chains(&t));
	k.total = top_table_total(&t);
	out = graph_screen(&t, &k, 0, false);
	ASSERT_NE(NULL, out);
	row = strstr(out, "  80.00%       80  workload             [.] hot\n");
	ASSERT_NE(NULL, row) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(row, "\n            |\n            ---hot\n               |          \n"
				    "               |--60.00%--outer\n"
				    "               |          main\n"
				    "               |          \n"
				    "                --20.00%--other\n"
				    "                          main\n\n"
				    "  20.00%       20  workload             [.] warm\n"
				    "            |\n            ---warm\n               main\n"))
		TH_LOG("%s", out);
	free(out);
	/* Each line cut to the width; a line budget cuts the graph, then the rows. */
	k.lines = 4;
	out = graph_screen(&t, &k, width, false);
	ASSERT_NE(NULL, out);
	for (line = out; *line; line += strcspn(line, "\n") + !!line[strcspn(line, "\n")])
		EXPECT_GE(width, (int)strcspn(line, "\n")) TH_LOG("%s", out);
	free(out);
	out = graph_screen(&t, &k, 0, false);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "  80.00%       80  workload             [.] hot\n"
				    "            |\n            ---hot\n               |          \n"))
		TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "outer")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "warm")) TH_LOG("%s", out);
	free(out);
	/* Plain lines: each graph line after the time. */
	k.lines = 0;
	out = graph_screen(&t, &k, 0, true);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\n    3.000000000                |--60.00%--outer\n"))
		TH_LOG("%s", out);
	free(out);
	top_table_free(&t);
}

/* The sum of @n's children's samples. */
static uint64_t children_total(const struct prof_node *n)
{
	const struct prof_node *c;
	uint64_t sum = 0;

	for (c = n->child; c; c = c->next)
		sum += c->total;
	return sum;
}

TEST(call_graph_decays_as_its_row)
{
	static const struct prof_sym_frame hot = { "hot", "workload", "workload", true, false },
		outer = { "outer", "workload", "workload", true, false };
	const struct prof_sym_frame a[] = { hot, outer };
	struct top_table t = { 0 };
	struct top_row **rows;
	const struct prof_node *h;
	int i;

	ASSERT_EQ(0, fill_chains(&t));
	for (i = 0; i < 20; i++) {	/* hot (80, then 10 new) lasts 23 */
		top_table_decay(&t);
		if (i < 10)
			ASSERT_EQ(0, top_table_add_chain(&t, a, 2));	/* a new caller */
		ASSERT_LE(1, top_table_sorted(&t, &rows)) TH_LOG("refresh %d", i);
		ASSERT_STREQ("hot", rows[0]->sym);
		h = rows[0]->calls->child;	/* hot's node: the row's function */
		/* The root and the function's node are the row's samples... */
		EXPECT_EQ(rows[0]->samples, rows[0]->calls->total);
		EXPECT_EQ(rows[0]->samples, h->total);
		/* ...its callers' within a sample each of rounding down. */
		EXPECT_GE(h->total, children_total(h));
		EXPECT_LE(h->total, children_total(h) + 8 * 3);
		free(rows);
	}
	top_table_free(&t);
}

TEST(json_has_callchains_only_with_g)
{
	struct top_table t = { 0 };
	struct top_tick k = tick;
	struct top_row **rows;
	struct json_object *o, *r, *c;
	size_t n;

	ASSERT_EQ(0, fill_chains(&t));
	k.total = top_table_total(&t);
	n = top_table_sorted(&t, &rows);
	o = top_json(&k, rows, n, 0);
	r = json_object_array_get_idx(json_object_object_get(o, "rows"), 0);
	EXPECT_FALSE(json_object_object_get_ex(r, "callchains", NULL));
	json_object_put(o);
	k.graph = true;
	o = top_json(&k, rows, n, 0);
	r = json_object_array_get_idx(json_object_object_get(o, "rows"), 0);
	ASSERT_TRUE(json_object_object_get_ex(r, "callchains", &c));
	ASSERT_EQ(2, json_object_array_length(c));
	r = json_object_array_get_idx(c, 0);
	EXPECT_EQ(60, json_object_get_int64(json_object_object_get(r, "samples")));
	EXPECT_STREQ("[\"hot\",\"outer\",\"main\"]",
		     json_object_to_json_string_ext(json_object_object_get(r, "chain"),
						    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	free(rows);
	top_table_free(&t);
}

TEST_HARNESS_MAIN
