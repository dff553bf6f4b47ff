// SPDX-License-Identifier: GPL-2.0
/*
 * lib/options.c, the one option parser: each type takes what it should and
 * refuses the rest in the one format, "llctl CMD: Unable to parse --x 'v':
 * reason", checked here against values known by construction.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_root.h"
#include "kselftest_harness.h"
#include "run_argv.h"

#include "lib/options.h"

struct t_args {
	bool flag, on;
	unsigned int num;
	uint64_t size;
	double secs, ratio;
	int choice;
	const char *str;
	struct llctl_list list;
	struct llctl_cpus cpus;
	struct llctl_pids pids;
	const char *called;
};

enum { K_NUM = 300, K_SIZE, K_SECS, K_CHOICE, K_STR, K_LIST, K_CPUS, K_PIDS,
       K_CALL, K_OFF, K_RATIO };

static const char *const choices[] = { "alpha", "beta", "gamma", NULL };

static int t_call(void *args, int key, char *arg);

static const struct llctl_opt t_opt[] = {
	{ "flag", 'f', NULL, "a flag",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct t_args, flag) },
	{ "no-on", K_OFF, NULL, "clears on",
	  .type = LLCTL_OPT_CLEAR, LLCTL_FIELD(struct t_args, on) },
	{ "num", K_NUM, "N", "1 to 10",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct t_args, num), .min = 1,
	  .max = 10, .unit = "ms" },
	{ "size", K_SIZE, "BYTES", "a power of two",
	  .type = LLCTL_OPT_SIZE, LLCTL_FIELD(struct t_args, size), .min = 4096,
	  .max = 1ULL << 30, .flags = LLCTL_OPT_POW2 },
	{ "secs", K_SECS, "T", "a duration",
	  .type = LLCTL_OPT_DURATION, LLCTL_FIELD(struct t_args, secs), .lo = 0,
	  .hi = 3600, .flags = LLCTL_OPT_LO_OPEN },
	{ "ratio", K_RATIO, "R", "a plain number",
	  .type = LLCTL_OPT_REAL, LLCTL_FIELD(struct t_args, ratio), .lo = 0.5,
	  .hi = 2 },
	{ "choice", K_CHOICE, "C", "alpha, beta or gamma",
	  .type = LLCTL_OPT_ENUM, LLCTL_FIELD(struct t_args, choice),
	  .choices = choices },
	{ "str", K_STR, "S", "a string",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct t_args, str) },
	{ "list", 'l', "V", "repeatable",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct t_args, list), .max = 3 },
	{ "cpus", K_CPUS, "LIST", "online CPUs",
	  .type = LLCTL_OPT_CPUS, LLCTL_FIELD(struct t_args, cpus) },
	{ "pids", K_PIDS, "PIDS", "running processes",
	  .type = LLCTL_OPT_PIDS, LLCTL_FIELD(struct t_args, pids), .max = 4 },
	{ "call", K_CALL, "X", "the command's own",
	  .type = LLCTL_OPT_CALL },
	{ 0 }
};

static struct llctl_opts t_opts = {
	.cmd = "t",
	.synopsis = "[OPTIONS]",
	.summary = "The parser under test.",
	.opt = t_opt,
	.call = t_call,
};

static int t_call(void *args, int key, char *arg)
{
	struct t_args *a = args;

	if (strcmp(arg, "good"))
		return llctl_opt_bad(&t_opts, key, arg, "only 'good'");
	a->called = arg;
	return 0;
}

static int t_parse(int argc, char **argv, void *a)
{
	return llctl_parse(argc, argv, &t_opts, a);
}

/*
 * Parse the NULL-ended arguments after "t" into @a: llctl_parse()'s result,
 * with what it wrote on stderr in @err.
 */
static int parse(struct t_args *a, char *err, size_t size, ...)
{
	va_list ap;
	int ret;

	va_start(ap, size);
	ret = run_argv(t_parse, a, err, size, "t", ap);
	va_end(ap);
	return ret;
}

#define REFUSED(line, ...) do {						\
	struct t_args __a = { 0 };					\
	char __e[512];							\
									\
	EXPECT_EQ(LLCTL_PARSE_ERROR, parse(&__a, __e, sizeof(__e),	\
					   __VA_ARGS__, NULL));		\
	EXPECT_STREQ(line "\n", __e);					\
	llctl_opts_free(&t_opts, &__a);					\
} while (0)

TEST(numbers_in_range_are_taken_and_the_rest_refused_in_one_format)
{
	struct t_args a = { 0 };
	char e[256];

	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--num", "7", NULL));
	EXPECT_EQ(7, a.num);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--num", "0x0a", NULL));
	EXPECT_EQ(10, a.num);
	REFUSED("llctl t: Unable to parse --num '0': takes 1 to 10 (ms)",
		"--num", "0");
	REFUSED("llctl t: Unable to parse --num '11': takes 1 to 10 (ms)",
		"--num", "11");
	REFUSED("llctl t: Unable to parse --num '-1': takes 1 to 10 (ms)",
		"--num", "-1");
	REFUSED("llctl t: Unable to parse --num '5x': takes 1 to 10 (ms)",
		"--num", "5x");
	REFUSED("llctl t: Unable to parse --num '': takes 1 to 10 (ms)",
		"--num", "");
}

TEST(sizes_take_binary_suffixes_and_can_insist_on_a_power_of_two)
{
	struct t_args a = { 0 };
	char e[256];

	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--size", "64K", NULL));
	EXPECT_EQ(65536, a.size);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--size", "1G", NULL));
	EXPECT_EQ(1ULL << 30, a.size);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--size", "8192", NULL));
	EXPECT_EQ(8192, a.size);
	REFUSED("llctl t: Unable to parse --size '12K': a power of two in [4096, 1073741824] bytes (suffix K, M or G)",
		"--size", "12K");
	REFUSED("llctl t: Unable to parse --size '2G': a power of two in [4096, 1073741824] bytes (suffix K, M or G)",
		"--size", "2G");
	REFUSED("llctl t: Unable to parse --size '1T': a power of two in [4096, 1073741824] bytes (suffix K, M or G)",
		"--size", "1T");
	REFUSED("llctl t: Unable to parse --size '1K': a power of two in [4096, 1073741824] bytes (suffix K, M or G)",
		"--size", "1K");
}

TEST(durations_take_units_and_an_open_lower_bound)
{
	struct t_args a = { 0 };
	char e[256];

	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--secs", "2.5", NULL));
	EXPECT_EQ(2.5, a.secs);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--secs", "250ms", NULL));
	EXPECT_EQ(0.25, a.secs);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--secs", "2m", NULL));
	EXPECT_EQ(120, a.secs);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--secs", "1h", NULL));
	EXPECT_EQ(3600, a.secs);
	REFUSED("llctl t: Unable to parse --secs '0': seconds above 0 to 3600 (or with ns, us, ms, m, h)",
		"--secs", "0");
	REFUSED("llctl t: Unable to parse --secs '2h': seconds above 0 to 3600 (or with ns, us, ms, m, h)",
		"--secs", "2h");
	REFUSED("llctl t: Unable to parse --secs 'nan': seconds above 0 to 3600 (or with ns, us, ms, m, h)",
		"--secs", "nan");
	REFUSED("llctl t: Unable to parse --secs '5 s': seconds above 0 to 3600 (or with ns, us, ms, m, h)",
		"--secs", "5 s");
}

TEST(a_real_is_a_plain_number_in_range)
{
	struct t_args a = { 0 };
	char e[256];

	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--ratio", "1.25", NULL));
	EXPECT_EQ(1.25, a.ratio);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--ratio", "5e-1", NULL));
	EXPECT_EQ(0.5, a.ratio);
	REFUSED("llctl t: Unable to parse --ratio '1K': a number from 0.5 to 2",
		"--ratio", "1K");
	REFUSED("llctl t: Unable to parse --ratio '1s': a number from 0.5 to 2",
		"--ratio", "1s");
	REFUSED("llctl t: Unable to parse --ratio '3': a number from 0.5 to 2",
		"--ratio", "3");
	REFUSED("llctl t: Unable to parse --ratio 'inf': a number from 0.5 to 2",
		"--ratio", "inf");
}

TEST(an_enum_names_its_choices)
{
	struct t_args a = { 0 };
	char e[256];

	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--choice", "gamma", NULL));
	EXPECT_EQ(2, a.choice);
	REFUSED("llctl t: Unable to parse --choice 'delta': alpha, beta or gamma",
		"--choice", "delta");
}

TEST(an_option_given_twice_is_refused_a_list_collects)
{
	struct t_args a = { 0 };
	char e[256];

	REFUSED("llctl t: Unable to parse --flag: given twice; give it once",
		"--flag", "-f");
	REFUSED("llctl t: Unable to parse --str: given twice; give it once",
		"--str", "a", "--str", "b");
	EXPECT_EQ(8, parse(&a, e, sizeof(e), "-l", "x", "--list", "y", "-l",
			   "z", "-f", NULL));
	EXPECT_EQ(3, a.list.n);
	EXPECT_STREQ("x", a.list.v[0]);
	EXPECT_STREQ("z", a.list.v[2]);
	EXPECT_TRUE(a.flag);
	REFUSED("llctl t: Unable to parse --list 'd': given more than 3 times",
		"-l", "a", "-l", "b", "-l", "c", "-l", "d");
}

TEST(flags_set_and_clear)
{
	struct t_args a = { .on = true };
	char e[256];

	EXPECT_EQ(2, parse(&a, e, sizeof(e), "--no-on", NULL));
	EXPECT_FALSE(a.on);
	EXPECT_FALSE(a.flag);
}

TEST(unknown_options_missing_arguments_and_operands_are_one_line)
{
	struct t_args a = { 0 };
	char e[256];

	REFUSED("llctl t: Unable to parse '--bogus': unknown option, see 'llctl help t'",
		"--bogus");
	REFUSED("llctl t: Unable to parse '-q': unknown option, see 'llctl help t'",
		"-q");
	REFUSED("llctl t: Unable to parse --num: it takes an argument, see 'llctl help t'",
		"--num");
	REFUSED("llctl t: Unable to parse 'extra': takes no operands, see 'llctl help t'",
		"-f", "extra");
	t_opts.operands = true;
	EXPECT_EQ(2, parse(&a, e, sizeof(e), "-f", "file", "--num", "3", NULL));
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "-f", "--", "cmd", NULL));
	t_opts.operands = false;
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "-f", "--", "cmd", NULL));
}

TEST(a_command_parses_what_no_type_says_in_the_same_format)
{
	struct t_args a = { 0 };
	char e[256];

	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--call", "good", NULL));
	EXPECT_STREQ("good", a.called);
	REFUSED("llctl t: Unable to parse --call 'bad': only 'good'",
		"--call", "bad");
}

TEST(a_field_that_cannot_hold_its_type_is_an_internal_error)
{
	static const struct llctl_opt bad_opt[] = {
		{ "n", 'n', NULL, "a flag into an unsigned int",
		  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct t_args, num) },
		{ 0 }
	};
	static const struct llctl_opts bad_opts = {
		.cmd = "t", .synopsis = "", .summary = "", .opt = bad_opt,
	};
	struct t_args a = { 0 };
	char *argv[] = { "t", "-n", NULL };

	optind = 0;
	EXPECT_EQ(LLCTL_PARSE_ERROR, llctl_parse(2, argv, &bad_opts, &a));
	EXPECT_EQ(0, a.num);
}

TEST(help_is_printed_on_stdout_and_stops)
{
	struct t_args a = { 0 };
	int out = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	char e[256];

	fflush(stdout);
	dup2(null, STDOUT_FILENO);
	EXPECT_EQ(LLCTL_PARSE_HELP, parse(&a, e, sizeof(e), "--num", "3",
					  "--help", NULL));
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	close(null);
	EXPECT_STREQ("", e);
}

TEST(pids_must_name_running_processes)
{
	struct t_args a = { 0 };
	char e[256], me[16], parent[16], both[40];

	snprintf(me, sizeof(me), "%d", getpid());
	snprintf(parent, sizeof(parent), "%d", getppid());
	snprintf(both, sizeof(both), "%s,%s", me, parent);
	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--pids", both, NULL));
	EXPECT_EQ(2, a.pids.n);
	EXPECT_EQ(getpid(), a.pids.pid[0]);
	EXPECT_EQ(getppid(), a.pids.pid[1]);
	/* above the largest pid_max there is: no such process */
	REFUSED("llctl t: Unable to parse --pids '4194305': no such process 4194305 (see ps)",
		"--pids", "4194305");
	REFUSED("llctl t: Unable to parse --pids '0': process ids, comma-separated",
		"--pids", "0");
	REFUSED("llctl t: Unable to parse --pids '1,x': process ids, comma-separated",
		"--pids", "1,x");
	REFUSED("llctl t: Unable to parse --pids '1,1': pid 1 is named twice",
		"--pids", "1,1");
	REFUSED("llctl t: Unable to parse --pids '1,1,1,1,1': pid 1 is named twice",
		"--pids", "1,1,1,1,1");
}

FIXTURE(sysfs) {
	char dir[sizeof(FAKE_ROOT_TEMPLATE)];
};

FIXTURE_SETUP(sysfs)
{
	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, fake_put(self->dir, "sys/devices/system/cpu/online",
			      "0-3,6\n"));
	t_opts.root = self->dir;
}

FIXTURE_TEARDOWN(sysfs)
{
	t_opts.root = NULL;
	EXPECT_EQ(0, fake_root_remove(self->dir));
}

TEST_F(sysfs, cpus_must_be_online_and_keep_their_order)
{
	struct t_args a = { 0 };
	char e[256];

	EXPECT_EQ(3, parse(&a, e, sizeof(e), "--cpus", "6,0-2", NULL));
	ASSERT_EQ(4, a.cpus.n);
	EXPECT_EQ(6, a.cpus.cpu[0]);
	EXPECT_EQ(2, a.cpus.cpu[3]);
	EXPECT_STREQ("6,0-2", a.cpus.text);
	llctl_opts_free(&t_opts, &a);
	EXPECT_EQ(NULL, a.cpus.cpu);
	REFUSED("llctl t: Unable to parse --cpus '4': CPU 4 is not online (see /sys/devices/system/cpu/online)",
		"--cpus", "4");
	REFUSED("llctl t: Unable to parse --cpus '1,1': CPU 1 is named twice",
		"--cpus", "1,1");
	REFUSED("llctl t: Unable to parse --cpus '3-1': not a CPU list (like 0-3,8; numbers up to 65535, ranges ascending)",
		"--cpus", "3-1");
}

TEST_HARNESS_MAIN
