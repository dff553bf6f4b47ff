// SPDX-License-Identifier: GPL-2.0
/*
 * The trace summary's latencies (user/trace/summary.c) against a bound
 * known by construction: a syscall timed by its entry and exit inside a
 * session lasts no longer than the session (both stamps are
 * CLOCK_MONOTONIC). One longer is shown as implausible, null in JSON with
 * max_ns_reason and "!" in text; without the session's length (a capture)
 * nothing is gated.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-c/json.h>

#include "en_us.h"
#include "kselftest_harness.h"
#include "str_count.h"

#include "records.h"
#include "lib/text.h"
#include "trace/capture.h"
#include "trace/summary.h"

#define T0	1000000000ULL	/* the first record, 1 s */

/* @n calls of syscall @nr of @ns each on CPU 0, tid 1235. */
static void calls(struct trace_summary *s, int nr, int n, uint64_t ns)
{
	struct llkm_rec_sys_enter e = { .nr = nr };
	struct llkm_rec_sys_exit x = { .nr = nr, .ret = 0 };
	struct rec_buf b;
	int i;

	for (i = 0; i < n; i++) {
		trace_summary_take(s, rec_make(&b, LLKM_REC_SYS_ENTER, 0, 1235,
					       T0 + 10 * i * ns, &e, sizeof(e)));
		trace_summary_take(s, rec_make(&b, LLKM_REC_SYS_EXIT, 0, 1235,
					       T0 + 10 * i * ns + ns, &x, sizeof(x)));
	}
}

/* One getpid of @ns on CPU 0, tid 1235. */
static void one_call(struct trace_summary *s, uint64_t ns)
{
	calls(s, SYS_getpid, 1, ns);
}

/* The line of @text that ends in "  @name", copied into @buf. */
static const char *row(const char *text, const char *name, char *buf, size_t len)
{
	char end[64];
	const char *p, *nl;

	snprintf(end, sizeof(end), "  %s\n", name);
	p = strstr(text, end);
	if (!p)
		return "";
	nl = p + strlen(end) - 1;
	while (p > text && p[-1] != '\n')
		p--;
	snprintf(buf, len, "%.*s", (int)(nl - p), p);
	return buf;
}


/* The getpid entry of the summary's JSON (owned by @o). */
static struct json_object *getpid_of(struct json_object *o)
{
	struct json_object *sc = json_object_object_get(o, "syscalls");

	return sc ? json_object_array_get_idx(sc, 0) : NULL;
}

static char *text_of(const struct trace_summary *s,
		     const struct trace_ring_totals *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f) {
		trace_summary_print(f, s, t);
		fclose(f);
	}
	return buf;
}

FIXTURE(summary) {
	struct trace_summary *s;
	struct trace_ring_totals t;
};

FIXTURE_SETUP(summary)
{
	/* C's digits alone: the layouts below are strace's to the column. */
	setenv("LC_ALL", "C", 1);
	self->s = trace_summary_new(1, LLKM_TRACE_EV_SYSCALLS, 0);
	ASSERT_NE(NULL, self->s);
	memset(&self->t, 0, sizeof(self->t));
}

FIXTURE_TEARDOWN(summary)
{
	trace_summary_free(self->s);
}

/* A 5 s getpid in a 1 s session: an entry paired with a later exit. */
TEST_F(summary, a_latency_longer_than_the_session_is_implausible)
{
	struct json_object *o, *g, *v = NULL;
	char *text, line[256];

	one_call(self->s, 5000000000ULL);
	trace_summary_wall(self->s, 1000000000ULL);
	o = trace_summary_json(self->s, &self->t);
	g = getpid_of(o);
	ASSERT_NE(NULL, g);
	ASSERT_TRUE(json_object_object_get_ex(g, "max_ns", &v));
	EXPECT_EQ(NULL, v);
	ASSERT_TRUE(json_object_object_get_ex(g, "max_ns_reason", &v));
	EXPECT_EQ(0, strncmp(json_object_get_string(v),
			     "implausible: 5e+09 ns is above 1e+09 ns", 39))
		TH_LOG("%s", json_object_get_string(v));
	json_object_put(o);
	text = text_of(self->s, &self->t);
	ASSERT_NE(NULL, text);
	/* Total, avg and min are 5 s; max is "!". */
	EXPECT_EQ(3, str_count(row(text, "getpid", line, sizeof(line)), "5.00 s")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(line, "          !         1        0")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "!: implausible, longer than the session's 1000000000 ns"));
	free(text);
}

TEST_F(summary, a_latency_within_the_session_is_printed)
{
	struct json_object *o, *g;
	char *text, line[256];

	one_call(self->s, 300);
	trace_summary_wall(self->s, 1000000000ULL);
	o = trace_summary_json(self->s, &self->t);
	g = getpid_of(o);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(300, json_object_get_int64(json_object_object_get(g, "max_ns")));
	EXPECT_FALSE(json_object_object_get_ex(g, "max_ns_reason", NULL));
	json_object_put(o);
	text = text_of(self->s, &self->t);
	ASSERT_NE(NULL, text);
	/* Total, avg, min and max: 300 ns each. */
	EXPECT_EQ(4, str_count(row(text, "getpid", line, sizeof(line)), "300 ns")) TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "implausible"));
	free(text);
}

/*
 * strace -c's layout: most time first, whatever the calls; the share of
 * the time in syscalls, summing to 100; times in units that read; a total.
 */
TEST_F(summary, syscalls_by_time_with_shares_units_and_a_total)
{
	char *text, line[256];
	const char *a, *b, *c;

	calls(self->s, SYS_getpid, 10, 100);		/* 1 us in all */
	calls(self->s, SYS_read, 2, 1500000);		/* 3 ms */
	calls(self->s, SYS_write, 1, 6000);		/* 6 us */
	trace_summary_wall(self->s, 1000000000ULL);
	text = text_of(self->s, &self->t);
	ASSERT_NE(NULL, text);
	a = strstr(text, "  read\n");
	b = strstr(text, "  write\n");
	c = strstr(text, "  getpid\n");
	ASSERT_TRUE(a && b && c) TH_LOG("%s", text);
	EXPECT_TRUE(a < b && b < c) TH_LOG("%s", text);
	EXPECT_EQ(0, strncmp(row(text, "read", line, sizeof(line)), " 99.77    3.00 ms    1.50 ms    1.50 ms    1.50 ms         2        0", 69))
		TH_LOG("'%s'", line);
	EXPECT_EQ(0, strncmp(row(text, "getpid", line, sizeof(line)), "  0.03    1.00 us     100 ns     100 ns     100 ns        10        0", 69))
		TH_LOG("'%s'", line);
	EXPECT_EQ(0, strncmp(row(text, "total", line, sizeof(line)), "100.00    3.01 ms", 17))
		TH_LOG("'%s'", line);
	EXPECT_NE(NULL, strstr(line, "        13        0")) TH_LOG("'%s'", line);
	EXPECT_NE(NULL, strstr(text, "% time      total")) TH_LOG("%s", text);
	free(text);
}

/*
 * --hist: bcc funclatency's log2 histogram per syscall, known by
 * construction: 10 calls of 100 ns fall in 64 -> 127, 2 of 1.5 ms in
 * 1048576 -> 2097151; write's 4 of 6 us in 4096 -> 8191 and 1 of 3 us in
 * 2048 -> 4095, whose bar is a quarter of the largest.
 */
TEST_F(summary, hist_draws_each_syscalls_log2_buckets)
{
	char *text;
	const char *r, *g;

	calls(self->s, SYS_getpid, 10, 100);
	calls(self->s, SYS_read, 2, 1500000);
	calls(self->s, SYS_write, 4, 6000);
	calls(self->s, SYS_write, 1, 3000);
	trace_summary_hist(self->s, true);
	text = text_of(self->s, &self->t);
	ASSERT_NE(NULL, text);
	g = strstr(text, "\ngetpid: 10 calls timed\n");
	r = strstr(text, "\nread: 2 calls timed\n");
	ASSERT_TRUE(g && r) TH_LOG("%s", text);
	EXPECT_LT(r, g);	/* most time first */
	EXPECT_NE(NULL, strstr(g, "               64 -> 127 : 10       |****************************************|\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(r, "    1048576 -> 2097151 : 2        |****************************************|\n"))
		TH_LOG("%s", text);
	/* write: 1 in 2048 -> 4095, 4 in 4096 -> 8191: a quarter of the bar. */
	EXPECT_NE(NULL, strstr(text, "           2048 -> 4095 : 1        |**********                              |\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "           4096 -> 8191 : 4        |****************************************|\n"))
		TH_LOG("%s", text);
	free(text);
	/* Without it, no histogram. */
	trace_summary_hist(self->s, false);
	text = text_of(self->s, &self->t);
	EXPECT_EQ(NULL, strstr(text, "calls timed"));
	free(text);
}

/* A capture does not say how long its session was: nothing to gate with. */
TEST_F(summary, without_the_sessions_length_nothing_is_gated)
{
	struct json_object *o;

	one_call(self->s, 5000000000ULL);
	o = trace_summary_json(self->s, &self->t);
	ASSERT_NE(NULL, getpid_of(o));
	EXPECT_EQ(5000000000LL,
		  json_object_get_int64(json_object_object_get(getpid_of(o), "max_ns")));
	json_object_put(o);
}

/* A syscall of @ns by @pid/@tid at @t, its return @ret; @e's payload @len. */
static void call_of(struct trace_summary *s, uint32_t pid, uint32_t tid,
		    uint64_t t, uint64_t ns, const void *e, size_t len, int64_t ret)
{
	struct llkm_rec_sys_exit x = { .nr = *(const int64_t *)e, .ret = ret };
	struct rec_buf b;

	rec_make(&b, LLKM_REC_SYS_ENTER, 0, tid, t, e, len);
	b.h.pid = pid;
	trace_summary_take(s, &b.h);
	rec_make(&b, LLKM_REC_SYS_EXIT, 0, tid, t + ns, &x, sizeof(x));
	b.h.pid = pid;
	trace_summary_take(s, &b.h);
}

static int64_t key_int(struct json_object *o, const char *key)
{
	return json_object_get_int64(json_object_object_get(o, key));
}

/*
 * --by-process: two processes' designed calls, each counted to its own;
 * the most time first. Process 2000 also opens a path past LLKM_PATH_MAX,
 * counted as cut in "paths".
 */
TEST(by_process_counts_each_process_its_own)
{
	struct trace_summary *s = trace_summary_new(1, LLKM_TRACE_EV_SYSCALLS, 0);
	struct trace_ring_totals t = { 0 };
	struct llkm_rec_sys_enter gp = { .nr = SYS_getppid };
	struct {
		struct llkm_rec_sys_enter e;
		struct llkm_rec_sys_path sp;
		char path[8];
	} op = { .e = { .nr = SYS_openat }, .sp = { .arg = 1, .len = 7,
		 .flags = LLKM_PATH_CUT }, .path = "/tmp/xx" };
	struct json_object *o, *procs, *a, *b, *paths;
	int i;

	ASSERT_NE(NULL, s);
	setenv("LC_ALL", "C", 1);
	ASSERT_EQ(0, trace_summary_by_process(s, true));
	for (i = 0; i < 3; i++)
		call_of(s, 1234, 1235, T0 + i * 1000, 100, &gp, sizeof(gp), 0);
	call_of(s, 2000, 2000, T0 + 5000, 50, &gp, sizeof(gp), 0);
	call_of(s, 2000, 2000, T0 + 6000, 50, &gp, sizeof(gp), -2);
	call_of(s, 2000, 2000, T0 + 7000, 500, &op, sizeof(op), -2);
	o = trace_summary_json(s, &t);
	procs = json_object_object_get(o, "processes");
	ASSERT_EQ(2, json_object_array_length(procs));
	b = json_object_array_get_idx(procs, 0);
	a = json_object_array_get_idx(procs, 1);
	EXPECT_EQ(2000, key_int(b, "pid"));
	EXPECT_EQ(3, key_int(b, "calls"));
	EXPECT_EQ(2, key_int(b, "errors"));
	EXPECT_EQ(600, key_int(b, "total_ns"));
	EXPECT_EQ(2, json_object_array_length(json_object_object_get(b, "syscalls")));
	EXPECT_STREQ("?", json_object_get_string(json_object_object_get(b, "comm")));
	EXPECT_EQ(1234, key_int(a, "pid"));
	EXPECT_EQ(3, key_int(a, "calls"));
	EXPECT_EQ(0, key_int(a, "errors"));
	EXPECT_EQ(300, key_int(a, "total_ns"));
	paths = json_object_object_get(o, "paths");
	EXPECT_EQ(1, key_int(paths, "count"));
	EXPECT_EQ(1, key_int(paths, "cut"));
	EXPECT_EQ(0, key_int(paths, "faulted"));
	/* The whole: 6 calls, as without --by-process. */
	EXPECT_EQ(5, key_int(json_object_array_get_idx(json_object_object_get(o, "syscalls"), 0),
			     "calls"));
	json_object_put(o);
	trace_summary_free(s);
}

/*
 * The counts fed in, known by construction: 1234 getpid calls, 1001 of
 * them failing, and 3 reads, by process 1234; IRQ 5 on CPU 0 1003 times,
 * 10 ns each; 1002 context switches; the ring's totals and compat count
 * past 2^32.
 */
#define FED_GETPID	1234
#define FED_ERRORS	1001
#define FED_READ	3
#define FED_IRQ		1003
#define FED_SWITCHES	1002
static const struct trace_ring_totals fed_ring = {
	.produced = 9876543210123ULL, .delivered = 9876543209000ULL,
	.lost = 1123, .compat = 4567,
};

/* The summary's text of the counts above, --hist and --by-process on. */
static char *fed_text(void)
{
	struct trace_summary *s = trace_summary_new(1, LLKM_TRACE_EV_SYSCALLS |
						    LLKM_TRACE_EV_IRQS | LLKM_TRACE_EV_SCHED, 0);
	struct llkm_rec_sys_enter gp = { .nr = SYS_getpid }, rd = { .nr = SYS_read };
	struct llkm_rec_sched_switch sw = { .prev_tid = 77, .prev_comm = "spinner" };
	struct llkm_rec_irq q = { .irq = 5 };
	struct rec_buf b;
	uint64_t t = T0;
	char *text;
	int i;

	if (!s || trace_summary_by_process(s, true))
		return NULL;
	trace_summary_hist(s, true);
	for (i = 0; i < FED_GETPID; i++, t += 1000)
		call_of(s, 1234, 1235, t, 100, &gp, sizeof(gp), i < FED_ERRORS ? -1 : 0);
	for (i = 0; i < FED_READ; i++, t += 1000)
		call_of(s, 1234, 1235, t, 100, &rd, sizeof(rd), 0);
	for (i = 0; i < FED_IRQ; i++, t += 1000) {
		trace_summary_take(s, rec_make(&b, LLKM_REC_IRQ_ENTRY, 0, 0, t, &q, sizeof(q)));
		trace_summary_take(s, rec_make(&b, LLKM_REC_IRQ_EXIT, 0, 0, t + 10, &q, sizeof(q)));
	}
	for (i = 0; i < FED_SWITCHES; i++, t += 1000)
		trace_summary_take(s, rec_make(&b, LLKM_REC_SCHED_SWITCH, 0, 77, t, &sw,
					       sizeof(sw)));
	text = text_of(s, &fed_ring);
	trace_summary_free(s);
	return text;
}

/* The @back'th whitespace-separated word from the end of @line (1: the last). */
static long long word_from_end(const char *line, int back)
{
	const char *p = line + strlen(line);

	while (back-- > 0) {
		while (p > line && p[-1] == ' ')
			p--;
		while (p > line && p[-1] != ' ')
			p--;
	}
	return strtoll(p, NULL, 10);
}

/*
 * The oracle: every count of the summary, its separators removed, is the
 * number fed in; the syscall table's calls and errors from the end of its
 * rows (the times before them have spaces).
 */
static void counts_are_the_fed_ones(struct __test_metadata *_metadata,
				    const char *text)
{
	static const char *const lines[] = {
		"\ngetpid: 1234 calls timed\n",
		"               64 -> 127 : 1234 ",
		"\n ? (1234), 1237 syscalls, 1001 errors, ",
		"\ncontext switches: 1002\n",
		"\nring: produced 9876543210123, delivered 9876543209000, lost 1123\n",
		"\ncompat (32-bit) syscalls not recorded: 4567\n",
	};
	char *plain = malloc(strlen(text) + 1), line[256];
	long long irq = -1, cpu = -1, n = -1, ns = -1;
	const char *p;
	size_t i;

	ASSERT_NE(NULL, plain);
	ungroup(text, plain, strlen(text) + 1);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		EXPECT_NE(NULL, strstr(plain, lines[i])) TH_LOG("'%s' not in:\n%s", lines[i], text);
	row(plain, "getpid", line, sizeof(line));
	EXPECT_EQ(FED_GETPID, word_from_end(line, 3)) TH_LOG("'%s'", line);
	EXPECT_EQ(FED_ERRORS, word_from_end(line, 2)) TH_LOG("'%s'", line);
	row(plain, "read", line, sizeof(line));
	EXPECT_EQ(FED_READ, word_from_end(line, 3)) TH_LOG("'%s'", line);
	EXPECT_EQ(0, word_from_end(line, 2)) TH_LOG("'%s'", line);
	row(plain, "total", line, sizeof(line));
	EXPECT_EQ(FED_GETPID + FED_READ, word_from_end(line, 3)) TH_LOG("'%s'", line);
	EXPECT_EQ(FED_ERRORS, word_from_end(line, 2)) TH_LOG("'%s'", line);
	/* The IRQ's row under its header: irq, cpu, count, total_ns, a name. */
	p = strstr(plain, "\n   irq  cpu      count       total_ns  name\n");
	ASSERT_NE(NULL, p) TH_LOG("%s", text);
	p = strchr(p + 1, '\n');
	ASSERT_NE(NULL, p) TH_LOG("%s", text);
	EXPECT_EQ(4, sscanf(p, "%lld %lld %lld %lld", &irq, &cpu, &n, &ns)) TH_LOG("%s", p);
	EXPECT_EQ(5, irq);
	EXPECT_EQ(0, cpu);
	EXPECT_EQ(FED_IRQ, n);
	EXPECT_EQ(FED_IRQ * 10, ns);
	free(plain);
}

/* The column where @word ends in @line (up to its newline); -1: not there. */
static int end_of(const char *line, const char *word)
{
	const char *w = line ? strstr(line, word) : NULL;

	return w && !memchr(line, '\n', w - line) ? (int)(w - line + strlen(word)) : -1;
}

/* In C's locale counts are digits alone: the text is the numbers fed in. */
TEST(summary_counts_are_the_fed_ones_in_c)
{
	char *text;

	setenv("LC_ALL", "C", 1);
	text = fed_text();
	ASSERT_NE(NULL, text);
	counts_are_the_fed_ones(_metadata, text);
	EXPECT_NE(NULL, strstr(text, "produced 9876543210123,")) TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "1,234")) TH_LOG("%s", text);
	free(text);
}

/*
 * In en_US the same counts, grouped: "1,234" where C has "1234"; the
 * table's columns still line up under their headers (a count right
 * under "calls"); --no-big-num gives the digits alone back.
 */
TEST(summary_counts_are_the_fed_ones_grouped_in_en_us)
{
	char dir[] = "/tmp/summary_test.XXXXXX", *text, line[256];
	const char *hdr;

	if (!en_us_locale(dir))
		SKIP(return, "localedef cannot build en_US here (no locale source)");
	text = fed_text();
	ASSERT_NE(NULL, text);
	counts_are_the_fed_ones(_metadata, text);
	EXPECT_NE(NULL, strstr(text, "\ngetpid: 1,234 calls timed\n")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "produced 9,876,543,210,123, delivered 9,876,543,209,000, lost 1,123\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, ", 1,237 syscalls, 1,001 errors, ")) TH_LOG("%s", text);
	hdr = strstr(text, "% time");
	row(text, "getpid", line, sizeof(line));
	EXPECT_LT(0, end_of(hdr, "calls"));
	EXPECT_EQ(end_of(hdr, "calls"), end_of(line, "1,234")) TH_LOG("%s", text);
	EXPECT_EQ(end_of(hdr, "errors"), end_of(line, "1,001")) TH_LOG("%s", text);
	free(text);
	llctl_text_set_big_num(false);
	text = fed_text();
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "\ngetpid: 1234 calls timed\n")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "produced 9876543210123,")) TH_LOG("%s", text);
	free(text);
	en_us_remove(dir);
}

/*
 * llctl report of a capture (llctl trace -o's file), written here with
 * known records: 1,234 getpids of which 1,001 failed, 1,500 records lost.
 * Run through the llctl binary in en_US, and with --no-big-num: the
 * digits alone are the grouped text with its commas out, word for word,
 * and the counts are the ones written.
 */
#define CAP_GETPID	1234
#define CAP_ERRORS	1001
#define CAP_LOST	1500

static int capture_write(const char *path)
{
	struct trace_capture *c = trace_capture_create(path, 1, LLKM_TRACE_EV_SYSCALLS, 0, NULL);
	struct llkm_rec_sys_enter e = { .nr = SYS_getpid };
	struct llkm_rec_sys_exit x = { .nr = SYS_getpid };
	struct rec_buf b;
	int i, ret = 0;

	if (!c)
		return -1;
	for (i = 0; i < CAP_GETPID; i++) {
		x.ret = i < CAP_ERRORS ? -1 : 1234;
		ret |= trace_capture_write(c, rec_make(&b, LLKM_REC_SYS_ENTER, 0, 1235,
						       T0 + 1000ULL * i, &e, sizeof(e)));
		ret |= trace_capture_write(c, rec_make(&b, LLKM_REC_SYS_EXIT, 0, 1235,
						       T0 + 1000ULL * i + 100, &x, sizeof(x)));
	}
	return trace_capture_close(c, CAP_LOST) | ret;
}

/* What @llctl report @args @path prints on stdout; NULL when it fails. */
static char *report_of(const char *llctl, const char *args, const char *path)
{
	char cmd[1024], *buf = NULL;
	size_t len = 0, n;
	FILE *p, *m = open_memstream(&buf, &len);
	char chunk[4096];

	snprintf(cmd, sizeof(cmd), "'%s' report %s '%s'", llctl, args, path);
	p = m ? popen(cmd, "r") : NULL;
	while (p && (n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, m);
	if (m)
		fclose(m);
	if (!p || pclose(p)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* @s with its runs of spaces made one: the words, in order. */
static void squeeze(char *s)
{
	const char *r;
	char *w = s;

	for (r = s; *r; r++)
		if (*r != ' ' || (w > s && w[-1] != ' '))
			*w++ = *r;
	*w = '\0';
}

TEST(report_of_a_capture_groups_its_counts_or_not_with_no_big_num)
{
	char dir[] = "/tmp/summary_test.XXXXXX", llctl[4096], cap[4096];
	char *grouped, *plain, *ungrouped, line[256];
	ssize_t n;

	n = readlink("/proc/self/exe", llctl, sizeof(llctl) - 64);
	ASSERT_LT(0, n);
	llctl[n] = '\0';
	strcpy(strrchr(llctl, '/'), "/../../../user/llctl");
	if (access(llctl, X_OK))
		SKIP(return, "user/llctl is not built (make all at the top)");
	if (!en_us_locale(dir))
		SKIP(return, "localedef cannot build en_US here (no locale source)");
	snprintf(cap, sizeof(cap), "%s/cap", dir);
	ASSERT_EQ(0, capture_write(cap));
	grouped = report_of(llctl, "", cap);
	plain = report_of(llctl, "--no-big-num", cap);
	ASSERT_NE(NULL, grouped);
	ASSERT_NE(NULL, plain);
	/* en_US's commas where the counts reach a thousand */
	row(grouped, "getpid", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " 1,234 ")) TH_LOG("%s", grouped);
	EXPECT_NE(NULL, strstr(line, " 1,001 ")) TH_LOG("%s", grouped);
	EXPECT_NE(NULL, strstr(grouped, "produced 3,968, delivered 2,468, lost 1,500"))
		TH_LOG("%s", grouped);
	/* the digits alone: the counts written */
	row(plain, "getpid", line, sizeof(line));
	EXPECT_EQ(CAP_GETPID, word_from_end(line, 3)) TH_LOG("'%s'", line);
	EXPECT_EQ(CAP_ERRORS, word_from_end(line, 2)) TH_LOG("'%s'", line);
	row(plain, "total", line, sizeof(line));
	EXPECT_EQ(CAP_GETPID, word_from_end(line, 3)) TH_LOG("'%s'", line);
	EXPECT_EQ(CAP_ERRORS, word_from_end(line, 2)) TH_LOG("'%s'", line);
	EXPECT_NE(NULL, strstr(plain, "produced 3968, delivered 2468, lost 1500"))
		TH_LOG("%s", plain);
	/* and word for word the grouped text without its commas */
	ungrouped = malloc(strlen(grouped) + 1);
	ASSERT_NE(NULL, ungrouped);
	ungroup(grouped, ungrouped, strlen(grouped) + 1);
	squeeze(ungrouped);
	squeeze(plain);
	EXPECT_STREQ(ungrouped, plain);
	free(ungrouped);
	free(grouped);
	free(plain);
	en_us_remove(dir);
}

TEST_HARNESS_MAIN
