// SPDX-License-Identifier: GPL-2.0
/*
 * lib/text.c: paragraphs wrapped to a width, and the width itself. The
 * oracle is the text: the words in order, every line within the width
 * unless one word alone is longer, continuation lines at the column.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

TEST_HARNESS_MAIN
