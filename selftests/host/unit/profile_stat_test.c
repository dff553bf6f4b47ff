// SPDX-License-Identifier: GPL-2.0
/*
 * llctl profile's numbers (user/profile/stat.c): multiplexed counts are
 * scaled per instance and say so, an event that never ran is "not
 * counted" and never a zero, repeats give a sample standard deviation,
 * and every metric that cannot be computed says why.
 */
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "kselftest_harness.h"
#include "str_count.h"
#include "profile/profile.h"

static struct prof_stat_event ev(const char *name, enum prof_stat_role role)
{
	struct prof_stat_event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.role = role;
	return e;
}

/* One run of one instance. */
static void run1(struct prof_stat_event *e, uint64_t raw, uint64_t en, uint64_t ru)
{
	prof_stat_run_begin(e);
	prof_stat_add(&e->run, raw, en, ru);
	prof_stat_run_end(e);
}

static const struct prof_stat_metric *metric(const struct prof_stat_metric *m,
					     unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return &m[i];
	return NULL;
}

TEST(fully_measured_count_is_exact_and_not_scaled)
{
	struct prof_stat_event e = ev("page-faults", PROF_STAT_ROLE_PAGE_FAULTS);

	run1(&e, 1234, 1000, 1000);
	EXPECT_EQ(1234, prof_stat_mean(&e));
	EXPECT_EQ(1.0, prof_stat_coverage(&e));
	EXPECT_FALSE(e.scaled);
}

TEST(multiplexed_count_is_scaled_per_instance_and_says_so)
{
	struct prof_stat_event e = ev("cycles", PROF_STAT_ROLE_CYCLES);

	prof_stat_run_begin(&e);
	prof_stat_add(&e.run, 100, 1000, 250);	/* a quarter of the time: x4 */
	prof_stat_add(&e.run, 300, 1000, 1000);	/* all of it: as is */
	prof_stat_run_end(&e);
	EXPECT_EQ(700, prof_stat_mean(&e));
	EXPECT_EQ(1250.0 / 2000, prof_stat_coverage(&e));
	EXPECT_TRUE(e.scaled);
}

TEST(instance_that_never_ran_is_not_extrapolated)
{
	struct prof_stat_event e = ev("cycles", PROF_STAT_ROLE_CYCLES);

	prof_stat_run_begin(&e);
	prof_stat_add(&e.run, 0, 1000, 0);
	prof_stat_add(&e.run, 50, 1000, 1000);
	prof_stat_run_end(&e);
	EXPECT_EQ(50, prof_stat_mean(&e));
	EXPECT_EQ(0.5, prof_stat_coverage(&e));
}

TEST(never_on_the_pmu_is_not_counted_and_null_in_json)
{
	struct prof_stat_event e[1] = { ev("cycles", PROF_STAT_ROLE_CYCLES) };
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 1,
				  .elapsed_ns = 1e6, .repeats = 1 };
	struct json_object *o, *j;

	run1(&e[0], 0, 1000, 0);
	o = prof_stat_json(&r);
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	EXPECT_STREQ("not_counted",
		     json_object_get_string(json_object_object_get(j, "status")));
	EXPECT_EQ(NULL, json_object_object_get(j, "value"));
	EXPECT_TRUE(json_object_object_get_ex(j, "value", NULL));
	EXPECT_NE(NULL, strstr(json_object_get_string(json_object_object_get(j, "reason")),
			       "never on the PMU"));
	json_object_put(o);
}

/* -p of a process asleep throughout: its task counters never enabled. */
TEST(a_process_that_never_ran_is_said_to_have_never_run)
{
	struct prof_stat_event e[2] = { ev("task-clock", PROF_STAT_ROLE_TASK_CLOCK),
					ev("cycles", PROF_STAT_ROLE_CYCLES) };
	struct prof_stat_report r = { .target = "process 42", .ev = e, .n = 2,
				  .elapsed_ns = 1e6, .repeats = 1 };
	struct json_object *o, *j;
	char *text = NULL;
	size_t len;
	FILE *f;

	run1(&e[0], 0, 0, 0);		/* never enabled */
	run1(&e[1], 0, 1000, 0);	/* enabled, never on the PMU */
	prof_stat_task_asleep(&e[0], "process 42");
	prof_stat_task_asleep(&e[1], "process 42");
	o = prof_stat_json(&r);
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	EXPECT_STREQ("not_counted",
		     json_object_get_string(json_object_object_get(j, "status")));
	EXPECT_NE(NULL, strstr(json_object_get_string(json_object_object_get(j, "reason")),
			       "process 42 never ran while it was counted"));
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 1);
	EXPECT_NE(NULL, strstr(json_object_get_string(json_object_object_get(j, "reason")),
			       "never on the PMU"));
	json_object_put(o);
	f = open_memstream(&text, &len);
	prof_stat_print(f, &r);
	fclose(f);
	EXPECT_EQ(NULL, strstr(text, "did not start"));
	free(text);
}

TEST(a_cpu_that_stopped_makes_the_count_partial_and_says_which)
{
	struct prof_stat_event e[1] = { ev("context-switches", PROF_STAT_ROLE_CONTEXT_SWITCHES) };
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 1,
				  .elapsed_ns = 1e6, .repeats = 1 };
	struct json_object *o, *j;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	run1(&e[0], 40, 1000, 1000);
	prof_stat_cpu_stopped(&e[0], 1);
	prof_stat_cpu_stopped(&e[0], 3);
	o = prof_stat_json(&r);
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	EXPECT_STREQ("counted",
		     json_object_get_string(json_object_object_get(j, "status")));
	EXPECT_EQ(40, json_object_get_int64(json_object_object_get(j, "value")));
	ASSERT_NE(NULL, json_object_get_string(json_object_object_get(j, "partial")));
	EXPECT_NE(NULL, strstr(json_object_get_string(json_object_object_get(j, "partial")),
			       "stopped on CPU 1,3"));
	json_object_put(o);
	f = open_memstream(&text, &len);
	ASSERT_NE(NULL, f);
	prof_stat_print(f, &r);
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "partial: stopped on CPU 1,3"));
	free(text);
}

TEST(a_whole_count_has_a_null_partial)
{
	struct prof_stat_event e[1] = { ev("page-faults", PROF_STAT_ROLE_PAGE_FAULTS) };
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 1,
				  .elapsed_ns = 1e6, .repeats = 1 };
	struct json_object *o, *j;

	run1(&e[0], 7, 1000, 1000);
	o = prof_stat_json(&r);
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	EXPECT_TRUE(json_object_object_get_ex(j, "partial", NULL));
	EXPECT_EQ(NULL, json_object_object_get(j, "partial"));
	json_object_put(o);
}

TEST(a_real_zero_is_counted)
{
	struct prof_stat_event e[1] = { ev("cpu-migrations", PROF_STAT_ROLE_NONE) };
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 1,
				  .elapsed_ns = 1e6, .repeats = 1 };
	struct json_object *o, *j;

	run1(&e[0], 0, 1000, 1000);
	o = prof_stat_json(&r);
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	EXPECT_STREQ("counted",
		     json_object_get_string(json_object_object_get(j, "status")));
	EXPECT_EQ(0, json_object_get_int64(json_object_object_get(j, "value")));
	EXPECT_EQ(json_type_int,
		  json_object_get_type(json_object_object_get(j, "value")));
	EXPECT_EQ(NULL, json_object_object_get(j, "reason"));
	json_object_put(o);
}

TEST(not_supported_keeps_its_reason_through_runs)
{
	struct prof_stat_event e = ev("cycles", PROF_STAT_ROLE_CYCLES);

	prof_stat_not_supported(&e, "no hardware PMU");
	run1(&e, 5, 5, 5);
	EXPECT_EQ(PROF_STAT_NOT_SUPPORTED, e.status);
	EXPECT_EQ(0u, e.runs);
	EXPECT_STREQ("no hardware PMU", e.reason);
}

TEST(repeats_give_mean_and_sample_stddev)
{
	struct prof_stat_event e = ev("task-clock", PROF_STAT_ROLE_TASK_CLOCK);

	run1(&e, 10, 1, 1);
	run1(&e, 20, 1, 1);
	run1(&e, 30, 1, 1);
	EXPECT_EQ(20, prof_stat_mean(&e));
	EXPECT_LT(fabs(prof_stat_stddev(&e) - 10.0), 1e-9);
	EXPECT_EQ(3u, e.runs);
}

/* 20 instructions a cycle: no core retires that many (lib/plausible.c). */
TEST(an_implausible_ipc_is_not_a_value)
{
	struct prof_stat_event e[2] = {
		ev("cycles", PROF_STAT_ROLE_CYCLES),
		ev("instructions", PROF_STAT_ROLE_INSTRUCTIONS),
	};
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	unsigned int n;

	run1(&e[0], 1000, 1, 1);
	run1(&e[1], 20000, 1, 1);
	n = prof_stat_metrics(e, 2, 1e9, NULL, m);
	EXPECT_FALSE(metric(m, n, "ipc")->valid);
	EXPECT_EQ(0, strncmp(metric(m, n, "ipc")->reason, "implausible: 20 ", 16));
}

/* More branch misses than branches: the counters do not count the same. */
TEST(a_miss_rate_above_100_percent_is_not_a_value)
{
	struct prof_stat_event e[2] = {
		ev("branches", PROF_STAT_ROLE_BRANCHES),
		ev("branch-misses", PROF_STAT_ROLE_BRANCH_MISSES),
	};
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	unsigned int n;

	run1(&e[0], 100, 1, 1);
	run1(&e[1], 150, 1, 1);
	n = prof_stat_metrics(e, 2, 1e9, NULL, m);
	EXPECT_FALSE(metric(m, n, "branch_miss_rate")->valid);
	EXPECT_EQ(0, strncmp(metric(m, n, "branch_miss_rate")->reason,
			     "implausible: 150 % is above 100 %", 33));
}

/*
 * Rates beyond what a CPU can do (docs/plausibility.md), by construction:
 * 10^12 context switches and page faults in a second (5 x 10^6 and 10^7 a
 * second a CPU: a host would need 100000 CPUs), and 10^15 memory lines of
 * 64 bytes a second (64 x 10^6 GB/s; the bound is 192 bytes x 7 GHz a CPU).
 * The same counts over 10^6 s are plausible and printed as they are.
 */
TEST(rates_beyond_what_a_cpu_can_do_are_not_values)
{
	struct prof_stat_event e[3] = {
		ev("context-switches", PROF_STAT_ROLE_CONTEXT_SWITCHES),
		ev("page-faults", PROF_STAT_ROLE_PAGE_FAULTS),
		ev("uncore_imc/cas_count_read/", PROF_STAT_ROLE_MEM_BYTES),
	};
	static const char *const name[3] = { "context_switches_per_sec",
		"page_faults_per_sec", "memory_bandwidth" };
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	unsigned int n, i;

	run1(&e[0], 1000000000000ULL, 1, 1);
	run1(&e[1], 1000000000000ULL, 1, 1);
	run1(&e[2], 1000000000000000ULL, 1, 1);
	n = prof_stat_metrics(e, 3, 1e9, NULL, m);
	for (i = 0; i < 3; i++) {
		ASSERT_NE(NULL, metric(m, n, name[i]));
		EXPECT_FALSE(metric(m, n, name[i])->valid) TH_LOG("%s", name[i]);
		EXPECT_EQ(0, strncmp(metric(m, n, name[i])->reason,
				     "implausible: ", 13)) TH_LOG("%s", name[i]);
	}
	EXPECT_NE(NULL, strstr(metric(m, n, "memory_bandwidth")->reason,
			       "6.4e+07 GB/s is above"));
	n = prof_stat_metrics(e, 3, 1e15, NULL, m);
	for (i = 0; i < 3; i++)
		EXPECT_TRUE(metric(m, n, name[i])->valid) TH_LOG("%s", name[i]);
	EXPECT_EQ(1e6, metric(m, n, "context_switches_per_sec")->value);
	/* 64 GB/s: 10^15 lines of 64 bytes in 10^6 s */
	EXPECT_GT(1e-6, fabs(metric(m, n, "memory_bandwidth")->value - 64000));	/* MB/s */
}

/* A counter that ran longer than it was enabled: no coverage. */
TEST(coverage_above_one_is_implausible_in_text_and_json)
{
	struct prof_stat_event e[1] = { ev("cycles", PROF_STAT_ROLE_CYCLES) };
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 1,
				  .elapsed_ns = 1e9, .repeats = 1 };
	struct json_object *o, *j, *v = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	run1(&e[0], 1000, 1000, 1500);
	EXPECT_EQ(1.5, prof_stat_coverage(&e[0]));
	o = prof_stat_json(&r);
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	ASSERT_TRUE(json_object_object_get_ex(j, "coverage", &v));
	EXPECT_EQ(NULL, v);
	ASSERT_TRUE(json_object_object_get_ex(j, "coverage_reason", &v));
	EXPECT_EQ(0, strncmp(json_object_get_string(v), "implausible: 1.5 is above 1", 27));
	json_object_put(o);
	f = open_memstream(&text, &len);
	ASSERT_NE(NULL, f);
	prof_stat_print(f, &r);
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "cycles")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "(coverage implausible (1.5 is above 1"));
	EXPECT_EQ(NULL, strstr(text, "150.0% measured"));
	free(text);
}

TEST(metrics_compute_from_their_events)
{
	struct prof_stat_event e[6] = {
		ev("task-clock", PROF_STAT_ROLE_TASK_CLOCK),
		ev("cycles", PROF_STAT_ROLE_CYCLES),
		ev("instructions", PROF_STAT_ROLE_INSTRUCTIONS),
		ev("branches", PROF_STAT_ROLE_BRANCHES),
		ev("branch-misses", PROF_STAT_ROLE_BRANCH_MISSES),
		ev("context-switches", PROF_STAT_ROLE_CONTEXT_SWITCHES),
	};
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	unsigned int n;

	run1(&e[0], 500000000, 1, 1);	/* 0.5 s of CPU */
	run1(&e[1], 1000, 1, 1);
	run1(&e[2], 2500, 1, 1);
	run1(&e[3], 200, 1, 1);
	run1(&e[4], 10, 1, 1);
	run1(&e[5], 30, 1, 1);
	n = prof_stat_metrics(e, 6, 1e9, "no uncore memory controller", m);
	ASSERT_TRUE(metric(m, n, "ipc")->valid);
	EXPECT_EQ(2.5, metric(m, n, "ipc")->value);
	EXPECT_EQ(0.5, metric(m, n, "cpus_utilized")->value);
	EXPECT_EQ(5.0, metric(m, n, "branch_miss_rate")->value);
	EXPECT_EQ(30.0, metric(m, n, "context_switches_per_sec")->value);
	EXPECT_FALSE(metric(m, n, "memory_bandwidth")->valid);
	EXPECT_STREQ("no uncore memory controller",
		     metric(m, n, "memory_bandwidth")->reason);
}

TEST(metrics_that_cannot_be_computed_say_why)
{
	struct prof_stat_event e[4] = {
		ev("cycles", PROF_STAT_ROLE_CYCLES),
		ev("instructions", PROF_STAT_ROLE_INSTRUCTIONS),
		ev("cache-references", PROF_STAT_ROLE_CACHE_REFS),
		ev("cache-misses", PROF_STAT_ROLE_CACHE_MISSES),
	};
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	unsigned int n;

	prof_stat_not_supported(&e[0], "this machine has no hardware PMU");
	run1(&e[1], 10, 1, 1);
	run1(&e[2], 0, 1, 1);		/* counted, but zero */
	run1(&e[3], 0, 1, 1);
	n = prof_stat_metrics(e, 4, 1e9, NULL, m);
	EXPECT_FALSE(metric(m, n, "ipc")->valid);
	EXPECT_NE(NULL, strstr(metric(m, n, "ipc")->reason, "no hardware PMU"));
	EXPECT_FALSE(metric(m, n, "cache_miss_rate")->valid);
	EXPECT_STREQ("no cache-references counted",
		     metric(m, n, "cache_miss_rate")->reason);
	EXPECT_FALSE(metric(m, n, "cpus_utilized")->valid);
	EXPECT_NE(NULL, strstr(metric(m, n, "cpus_utilized")->reason,
			       "not measured"));
}

TEST(hybrid_core_types_add_up_in_metrics)
{
	struct prof_stat_event e[4] = {
		ev("cpu_core/cycles/", PROF_STAT_ROLE_CYCLES),
		ev("cpu_atom/cycles/", PROF_STAT_ROLE_CYCLES),
		ev("cpu_core/instructions/", PROF_STAT_ROLE_INSTRUCTIONS),
		ev("cpu_atom/instructions/", PROF_STAT_ROLE_INSTRUCTIONS),
	};
	struct prof_stat_metric m[PROF_STAT_METRICS_MAX];
	unsigned int n;

	run1(&e[0], 300, 1, 1);
	run1(&e[1], 100, 1, 1);
	run1(&e[2], 900, 1, 1);
	run1(&e[3], 100, 1, 1);
	n = prof_stat_metrics(e, 4, 1e9, NULL, m);
	EXPECT_EQ(2.5, metric(m, n, "ipc")->value);
}

TEST(json_has_the_documented_keys)
{
	struct prof_stat_event e[1] = { ev("task-clock", PROF_STAT_ROLE_TASK_CLOCK) };
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 1,
				  .elapsed_ns = 2e6, .repeats = 2 };
	static const char *const ek[] = { "name", "value", "enabled_ns",
		"running_ns", "coverage", "scaled", "status", "stddev" };
	static const char *const mk[] = { "name", "value", "unit", "reason" };
	struct json_object *o, *j;
	size_t i;

	run1(&e[0], 1000000, 10, 10);
	run1(&e[0], 1000000, 10, 10);
	o = prof_stat_json(&r);
	j = json_object_array_get_idx(json_object_object_get(o, "events"), 0);
	for (i = 0; i < sizeof(ek) / sizeof(ek[0]); i++)
		EXPECT_TRUE(json_object_object_get_ex(j, ek[i], NULL)) TH_LOG("%s", ek[i]);
	j = json_object_array_get_idx(json_object_object_get(o, "metrics"), 0);
	for (i = 0; i < sizeof(mk) / sizeof(mk[0]); i++)
		EXPECT_TRUE(json_object_object_get_ex(j, mk[i], NULL)) TH_LOG("%s", mk[i]);
	EXPECT_EQ(2000000, json_object_get_int64(json_object_object_get(o, "elapsed_ns")));
	json_object_put(o);
}

/* -x SEP: perf stat's seven columns on every line, counted or not. */
TEST(csv_has_perf_stats_seven_columns)
{
	struct prof_stat_event e[3] = { ev("task-clock", PROF_STAT_ROLE_TASK_CLOCK),
					ev("cycles", PROF_STAT_ROLE_CYCLES),
					ev("page-faults", PROF_STAT_ROLE_PAGE_FAULTS) };
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 3,
				  .elapsed_ns = 1e9, .repeats = 1 };
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	int lines = 0;
	FILE *f;

	run1(&e[0], 5e8, 1e9, 1e9);
	prof_stat_not_supported(&e[1], "no hardware PMU");
	run1(&e[2], 300, 1e9, 5e8);
	f = open_memstream(&text, &len);
	ASSERT_NE(NULL, f);
	prof_stat_csv(f, &r, ";");
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int fields = 1;
		const char *c;

		for (c = line; *c; c++)
			fields += *c == ';';
		EXPECT_EQ(7, fields) TH_LOG("'%s'", line);
		lines++;
	}
	EXPECT_EQ(3, lines);
	free(text);
	f = open_memstream(&text, &len);
	prof_stat_csv(f, &r, ",");
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "500.00,msec,task-clock,1000000000,100.00,0.500,CPUs utilized\n")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "<not supported>,,cycles,0,0.00,,\n")) TH_LOG("%s", text);
	/* Multiplexed half the time: scaled to 600, 50.00 % running. */
	EXPECT_NE(NULL, strstr(text, "600,,page-faults,500000000,50.00,600.000,/sec\n")) TH_LOG("%s", text);
	free(text);
}


/*
 * Issue 20: a VM without a PMU gave every hardware event the same reason,
 * a line each, and each metric its "not measured (add it with -e)". The
 * text now says each reason once, as a numbered note the lines refer to,
 * and one note names every event the metrics lack; JSON keeps a reason
 * per event and per metric.
 */
TEST(each_reason_is_one_note_the_lines_refer_to)
{
	static const char pmu[] = "ENOENT: this machine has no hardware PMU";
	struct prof_stat_event e[6] = {
		ev("task-clock", PROF_STAT_ROLE_TASK_CLOCK),
		ev("cycles", PROF_STAT_ROLE_CYCLES),
		ev("instructions", PROF_STAT_ROLE_INSTRUCTIONS),
		ev("branches", PROF_STAT_ROLE_BRANCHES),
		ev("branch-misses", PROF_STAT_ROLE_BRANCH_MISSES),
		ev("page-faults", PROF_STAT_ROLE_PAGE_FAULTS),
	};
	struct prof_stat_report r = { .target = "'x'", .ev = e, .n = 6,
				  .elapsed_ns = 1e9, .repeats = 1 };
	struct json_object *o, *evs;
	char *text = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;

	run1(&e[0], 5e8, 1e9, 1e9);
	for (i = 1; i <= 4; i++)
		prof_stat_not_supported(&e[i], pmu);
	run1(&e[5], 100, 1e9, 1e9);
	f = open_memstream(&text, &len);
	ASSERT_NE(NULL, f);
	prof_stat_print(f, &r);
	fclose(f);
	/* The PMU's reason once, as note [1], which 4 events and 2 metrics cite. */
	EXPECT_EQ(1, str_count(text, pmu)) TH_LOG("%s", text);
	EXPECT_EQ(1, str_count(text, "  [1] ENOENT: this machine has no hardware PMU\n"));
	EXPECT_EQ(4 + 2, str_count(text, " [1]\n")) TH_LOG("%s", text);
	/* The metrics that lack their events: one note names them all. */
	EXPECT_EQ(1, str_count(text, "  [2] not measured: cache-misses, context-switches, memory controller counts (add them with -e)\n"))
		TH_LOG("%s", text);
	EXPECT_EQ(3, str_count(text, " [2]\n"));
	EXPECT_EQ(2, str_count(text, "\n  ["));
	EXPECT_EQ(0, str_count(text, "(add it with -e)"));
	/* JSON keeps every event's reason. */
	o = prof_stat_json(&r);
	evs = json_object_object_get(o, "events");
	for (i = 1; i <= 4; i++)
		EXPECT_STREQ(pmu, json_object_get_string(json_object_object_get(
			json_object_array_get_idx(evs, i), "reason")));
	json_object_put(o);
	free(text);
}

TEST_HARNESS_MAIN
