// SPDX-License-Identifier: GPL-2.0
/*
 * Event names (user/profile/pmu-events.c): what -e accepts, the numbers each name
 * becomes (checked against the constants of <linux/perf_event.h>, never
 * against the code's own table), PMU/.../ specs on fake sysfs trees, the
 * errno hints on fake procfs trees, and the listing behind 'llctl events'.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/perf_event.h>
#include <perfmon/pfmlib.h>

#include "fake_root.h"
#include "kselftest_harness.h"

#include "profile/pmu-events.h"

struct expect {
	const char *spec;
	const char *name;	/* canonical */
	uint32_t type;
	uint64_t config;
};

static const struct expect hardware[] = {
	{ "cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "ref-cycles", "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "stalled-cycles-frontend", "stalled-cycles-frontend", PERF_TYPE_HARDWARE,
	  PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", "stalled-cycles-backend", PERF_TYPE_HARDWARE,
	  PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
};

static const struct expect software[] = {
	{ "task-clock", "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "cpu-clock", "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "context-switches", "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "page-faults", "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "minor-faults", "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults", "alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", "emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
	{ "dummy", "dummy", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY },
};

static const struct expect spellings[] = {
	{ "cpu-cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "CYCLES", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "branch-instructions", "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "cs", "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "faults", "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "migrations", "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "PERF_COUNT_SW_TASK_CLOCK", "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ " task-clock\n", "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
};

#define CACHE(id, op, res) \
	(PERF_COUNT_HW_CACHE_##id | PERF_COUNT_HW_CACHE_OP_##op << 8 | \
	 PERF_COUNT_HW_CACHE_RESULT_##res << 16)

static const struct expect caches[] = {
	{ "L1-dcache-loads", "L1-dcache-loads", PERF_TYPE_HW_CACHE, CACHE(L1D, READ, ACCESS) },
	{ "L1-dcache-load-misses", "L1-dcache-load-misses", PERF_TYPE_HW_CACHE, CACHE(L1D, READ, MISS) },
	{ "l1-dcache-stores", "L1-dcache-stores", PERF_TYPE_HW_CACHE, CACHE(L1D, WRITE, ACCESS) },
	{ "L1-icache-load-misses", "L1-icache-load-misses", PERF_TYPE_HW_CACHE, CACHE(L1I, READ, MISS) },
	{ "LLC-loads", "LLC-loads", PERF_TYPE_HW_CACHE, CACHE(LL, READ, ACCESS) },
	{ "LLC-prefetch-misses", "LLC-prefetch-misses", PERF_TYPE_HW_CACHE, CACHE(LL, PREFETCH, MISS) },
	{ "dTLB-load-misses", "dTLB-load-misses", PERF_TYPE_HW_CACHE, CACHE(DTLB, READ, MISS) },
	{ "iTLB-loads", "iTLB-loads", PERF_TYPE_HW_CACHE, CACHE(ITLB, READ, ACCESS) },
	{ "branch-load-misses", "branch-load-misses", PERF_TYPE_HW_CACHE, CACHE(BPU, READ, MISS) },
	{ "node-stores", "node-stores", PERF_TYPE_HW_CACHE, CACHE(NODE, WRITE, ACCESS) },
};

#define CHECK_ALL(table) \
	do { \
		size_t _i; \
		for (_i = 0; _i < ARRAY_SIZE(table); _i++) \
			check_one(_metadata, &table[_i]); \
	} while (0)

static void check_one(struct __test_metadata *_metadata,
		      const struct expect *x)
{
	struct prof_event ev;
	char err[512];

	ASSERT_EQ(0, prof_event_parse(x->spec, &ev, err, sizeof(err))) {
		TH_LOG("'%s': %s", x->spec, err);
	}
	EXPECT_STREQ(x->name, ev.name) TH_LOG("spec '%s'", x->spec);
	EXPECT_EQ(x->type, ev.type) TH_LOG("spec '%s'", x->spec);
	EXPECT_EQ(x->config, ev.config) TH_LOG("spec '%s'", x->spec);
	EXPECT_EQ(0, ev.config1);
	EXPECT_FALSE(ev.exclude_user || ev.exclude_kernel || ev.exclude_hv);
	EXPECT_NE(0, ev.desc[0]) TH_LOG("spec '%s' has no description", x->spec);
}

TEST(generic_hardware_names_are_perf_type_hardware)
{
	CHECK_ALL(hardware);
}

TEST(generic_software_names_are_perf_type_software)
{
	CHECK_ALL(software);
}

TEST(other_spellings_give_the_canonical_name)
{
	CHECK_ALL(spellings);
}

TEST(cache_names_are_cache_op_result_of_perf_type_hw_cache)
{
	CHECK_ALL(caches);
}

TEST(hardware_events_need_a_hw_pmu_software_ones_do_not)
{
	struct prof_event ev;

	ASSERT_EQ(0, prof_event_parse("cycles", &ev, NULL, 0));
	EXPECT_TRUE(ev.hw);
	EXPECT_STREQ("cpu", ev.pmu);
	ASSERT_EQ(0, prof_event_parse("LLC-load-misses", &ev, NULL, 0));
	EXPECT_TRUE(ev.hw);
	ASSERT_EQ(0, prof_event_parse("r1c4", &ev, NULL, 0));
	EXPECT_TRUE(ev.hw);
	ASSERT_EQ(0, prof_event_parse("cs", &ev, NULL, 0));
	EXPECT_FALSE(ev.hw);
	EXPECT_STREQ("software", ev.pmu);
}

TEST(raw_hex_is_perf_type_raw)
{
	struct prof_event ev;

	ASSERT_EQ(0, prof_event_parse("r1c4", &ev, NULL, 0));
	EXPECT_EQ(PERF_TYPE_RAW, ev.type);
	EXPECT_EQ(0x1c4, ev.config);
	EXPECT_STREQ("r1c4", ev.name);
	ASSERT_EQ(0, prof_event_parse("r00C0", &ev, NULL, 0));
	EXPECT_EQ(0xc0, ev.config);
	EXPECT_STREQ("rc0", ev.name);
	ASSERT_EQ(0, prof_event_parse("r0", &ev, NULL, 0));
	EXPECT_EQ(0, ev.config);
	ASSERT_EQ(0, prof_event_parse("rffffffffffffffff", &ev, NULL, 0));
	EXPECT_EQ(~0ULL, ev.config);
}

TEST(raw_needs_one_to_sixteen_hex_digits)
{
	struct prof_event ev;
	char err[512];

	EXPECT_NE(0, prof_event_parse("r", &ev, err, sizeof(err)));
	EXPECT_NE(0, prof_event_parse("r10000000000000000", &ev, err,
				      sizeof(err)));
	EXPECT_NE(0, prof_event_parse("r1g", &ev, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "'r1g'")) TH_LOG("%s", err);
}

TEST(no_modifier_counts_every_mode)
{
	struct prof_event ev;

	ASSERT_EQ(0, prof_event_parse("instructions", &ev, NULL, 0));
	EXPECT_FALSE(ev.exclude_user);
	EXPECT_FALSE(ev.exclude_kernel);
	EXPECT_FALSE(ev.exclude_hv);
}

TEST(modifier_u_counts_user_space_only)
{
	struct prof_event ev;

	ASSERT_EQ(0, prof_event_parse("instructions:u", &ev, NULL, 0));
	EXPECT_EQ(PERF_COUNT_HW_INSTRUCTIONS, ev.config);
	EXPECT_FALSE(ev.exclude_user);
	EXPECT_TRUE(ev.exclude_kernel);
	EXPECT_TRUE(ev.exclude_hv);
	EXPECT_STREQ("instructions:u", ev.name);
}

TEST(modifier_k_counts_the_kernel_only)
{
	struct prof_event ev;

	ASSERT_EQ(0, prof_event_parse("cs:k", &ev, NULL, 0));
	EXPECT_EQ(PERF_COUNT_SW_CONTEXT_SWITCHES, ev.config);
	EXPECT_TRUE(ev.exclude_user);
	EXPECT_FALSE(ev.exclude_kernel);
	EXPECT_TRUE(ev.exclude_hv);
	EXPECT_STREQ("context-switches:k", ev.name);
}

TEST(modifiers_combine)
{
	struct prof_event ev;

	ASSERT_EQ(0, prof_event_parse("cycles:ku", &ev, NULL, 0));
	EXPECT_FALSE(ev.exclude_user);
	EXPECT_FALSE(ev.exclude_kernel);
	EXPECT_TRUE(ev.exclude_hv);
	EXPECT_STREQ("cycles:uk", ev.name);
	ASSERT_EQ(0, prof_event_parse("r1c4:u", &ev, NULL, 0));
	EXPECT_EQ(0x1c4, ev.config);
	EXPECT_TRUE(ev.exclude_kernel);
}

TEST(precise_modifier_is_refused_with_the_reason)
{
	struct prof_event ev;
	char err[512];

	EXPECT_EQ(-EINVAL, prof_event_parse("cycles:pp", &ev, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "':pp'")) TH_LOG("%s", err);
}

TEST(unknown_name_fails_and_points_to_llctl_events)
{
	struct prof_event ev;
	char err[512] = "";

	EXPECT_EQ(-ENOENT, prof_event_parse("no-such-event", &ev, err,
					    sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "'no-such-event'")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "llctl events no-such-event")) TH_LOG("%s", err);
}

TEST(bad_unit_mask_fails_with_libpfm_reason)
{
	struct prof_event ev;
	char err[512] = "";

	EXPECT_EQ(-EINVAL, prof_event_parse("cycles:bogus", &ev, err,
					    sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "libpfm4")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "llctl events cycles")) TH_LOG("%s", err);
}

TEST(empty_and_overlong_specs_fail)
{
	struct prof_event ev;
	char err[512] = "", big[400];

	EXPECT_EQ(-EINVAL, prof_event_parse("", &ev, err, sizeof(err)));
	EXPECT_NE(0, err[0]);
	EXPECT_EQ(-EINVAL, prof_event_parse(":u", &ev, err, sizeof(err)));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(-EINVAL, prof_event_parse(big, &ev, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "at most")) TH_LOG("%s", err);
	/* no err buffer at all is fine */
	EXPECT_EQ(-ENOENT, prof_event_parse("no-such-event", &ev, NULL, 0));
}

/* The first core PMU libpfm4 detects, and one of its events that encodes. */
static bool host_pmu_event(char *pmu, size_t plen, char *spec, size_t slen)
{
	pfm_event_info_t ei;
	pfm_pmu_info_t pi;
	struct prof_event ev;
	int p, idx;

	/* generic names resolve without libpfm4: start it here */
	if (pfm_initialize() != PFM_SUCCESS)
		return false;
	pfm_for_all_pmus(p) {
		memset(&pi, 0, sizeof(pi));
		pi.size = sizeof(pi);
		if (pfm_get_pmu_info(p, &pi) || !pi.is_present ||
		    pi.type != PFM_PMU_TYPE_CORE)
			continue;
		for (idx = pi.first_event; idx != -1;
		     idx = pfm_get_event_next(idx)) {
			memset(&ei, 0, sizeof(ei));
			ei.size = sizeof(ei);
			if (pfm_get_event_info(idx, PFM_OS_PERF_EVENT_EXT, &ei))
				continue;
			snprintf(spec, slen, "%s::%s", pi.name, ei.name);
			if (prof_event_parse(spec, &ev, NULL, 0))
				continue;
			snprintf(pmu, plen, "%s", pi.name);
			return true;
		}
	}
	return false;
}

TEST(host_pmu_names_resolve_when_libpfm_detects_the_pmu)
{
	char pmu[64], spec[256], err[512];
	struct prof_event ev;

	if (!host_pmu_event(pmu, sizeof(pmu), spec, sizeof(spec)))
		SKIP(return, "libpfm4 detects no core PMU on this CPU");
	ASSERT_EQ(0, prof_event_parse(spec, &ev, err, sizeof(err))) {
		TH_LOG("%s: %s", spec, err);
	}
	EXPECT_STREQ(pmu, ev.pmu);
	EXPECT_TRUE(ev.hw);
	EXPECT_EQ(NULL, strstr(ev.name, "::")) TH_LOG("name %s", ev.name);
	EXPECT_STREQ(strstr(spec, "::") + 2, ev.name);
	EXPECT_NE(PERF_TYPE_SOFTWARE, ev.type);
}

TEST(real_msr_tsc_resolves_through_sysfs)
{
	const char *dir = "/sys/bus/event_source/devices/msr";
	struct prof_event ev;
	char err[512];
	long type;
	FILE *f;

	if (access("/sys/bus/event_source/devices/msr/events/tsc", R_OK))
		SKIP(return, "%s/events/tsc: %s (no msr PMU here)", dir,
		     strerror(errno));
	f = fopen("/sys/bus/event_source/devices/msr/type", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &type));
	fclose(f);
	ASSERT_EQ(0, prof_event_parse("msr/tsc/", &ev, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(type, ev.type);
	EXPECT_EQ(0, ev.config);
	EXPECT_STREQ("msr", ev.pmu);
	EXPECT_STREQ("msr/tsc/", ev.name);
	EXPECT_FALSE(ev.hw);
}

TEST(real_software_pmu_takes_config_terms)
{
	struct prof_event ev;
	char err[512];

	if (access("/sys/bus/event_source/devices/software/type", R_OK))
		SKIP(return, "no software PMU in /sys/bus/event_source/devices: %s",
		     strerror(errno));
	ASSERT_EQ(0, prof_event_parse("software/config=1/u", &ev, err,
				      sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(PERF_TYPE_SOFTWARE, ev.type);
	EXPECT_EQ(PERF_COUNT_SW_TASK_CLOCK, ev.config);
	EXPECT_TRUE(ev.exclude_kernel);
	EXPECT_STREQ("software/config=1/u", ev.name);
}

TEST(probe_opens_a_software_event)
{
	struct prof_event ev;
	char hint[512];
	int ret;

	ASSERT_EQ(0, prof_event_parse("task-clock", &ev, NULL, 0));
	ret = prof_event_try_open(&ev);
	if (ret == -ENOSYS || ret == -EACCES || ret == -EPERM)
		SKIP(return, "perf_event_open is not allowed here: %s",
		     strerror(-ret));
	EXPECT_EQ(0, ret) TH_LOG("%s", prof_perf_err_hint(ret, &ev, hint,
							     sizeof(hint)));
}

TEST(probe_reports_a_pmu_type_nobody_has)
{
	struct prof_event ev = { .type = 0x7ffffff0, .pmu = "nobody" };
	int ret = prof_event_try_open(&ev);

	if (ret == -ENOSYS || ret == -EACCES || ret == -EPERM)
		SKIP(return, "perf_event_open is not allowed here: %s",
		     strerror(-ret));
	EXPECT_EQ(-ENOENT, ret);
}

/* Fake sysfs PMUs: an msr, a hybrid core, a plain core, odd formats. */
static const char *const fake_tree[][2] = {
	{ "sys/bus/event_source/devices/msr/type", "9\n" },
	{ "sys/bus/event_source/devices/msr/events/tsc", "event=0x00\n" },
	{ "sys/bus/event_source/devices/msr/events/aperf", "event=0x01\n" },
	{ "sys/bus/event_source/devices/msr/format/event", "config:0-63\n" },
	{ "sys/bus/event_source/devices/cpu_core/type", "8\n" },
	{ "sys/bus/event_source/devices/cpu_core/format/event", "config:0-7\n" },
	{ "sys/bus/event_source/devices/cpu_core/format/umask", "config:8-15\n" },
	{ "sys/bus/event_source/devices/cpu_core/format/edge", "config:18\n" },
	{ "sys/bus/event_source/devices/cpu_core/format/cmask", "config:24-31\n" },
	{ "sys/bus/event_source/devices/cpu_core/format/ldlat", "config1:0-15\n" },
	{ "sys/bus/event_source/devices/cpu_core/events/cpu-cycles", "event=0x3c\n" },
	{ "sys/bus/event_source/devices/cpu_core/events/topdown-retiring",
	  "event=0x00,umask=0x80\n" },
	{ "sys/bus/event_source/devices/cpu/type", "4\n" },
	{ "sys/bus/event_source/devices/cpu/format/event", "config:0-7\n" },
	{ "sys/bus/event_source/devices/split/type", "42\n" },
	{ "sys/bus/event_source/devices/split/format/wide", "config2:0-3,8-11\n" },
	{ "sys/bus/event_source/devices/split/format/odd", "config7:0-3\n" },
	{ "sys/bus/event_source/devices/power/type", "16\n" },
	{ "sys/bus/event_source/devices/power/cpumask", "0\n" },
	{ "sys/bus/event_source/devices/power/format/event", "config:0-7\n" },
	{ "sys/bus/event_source/devices/power/events/energy-pkg", "event=0x02\n" },
	{ "sys/bus/event_source/devices/power/events/energy-pkg.unit", "Joules\n" },
	{ "sys/bus/event_source/devices/power/events/energy-pkg.scale",
	  "2.3283064365386962890625e-10\n" },
	{ "sys/bus/event_source/devices/odd/type", "17\n" },
	{ "sys/bus/event_source/devices/odd/format/event", "config:0-7\n" },
	{ "sys/bus/event_source/devices/odd/events/weird", "event=?\n" },
	{ "proc/sys/kernel/perf_event_paranoid", "2\n" },
	{ "proc/sys/kernel/nmi_watchdog", "0\n" },
};

FIXTURE(fake_sysfs) {
	char dir[sizeof(FAKE_ROOT_TEMPLATE)];
	struct prof_event ev;
	struct prof_event_list list;
	char err[512];
};

FIXTURE_SETUP(fake_sysfs)
{
	size_t i;

	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (i = 0; i < ARRAY_SIZE(fake_tree); i++)
		ASSERT_EQ(0, fake_put(self->dir, fake_tree[i][0], fake_tree[i][1]));
	prof_events_set_root(self->dir);
}

FIXTURE_TEARDOWN(fake_sysfs)
{
	prof_events_set_root(NULL);
	prof_event_list_free(&self->list);
	EXPECT_EQ(0, fake_root_remove(self->dir));
	/* the harness's children _exit(): look for leaks here */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#define PUT(path, s) ASSERT_EQ(0, fake_put(self->dir, path, s))
#define PARSE(spec) prof_event_parse(spec, &self->ev, self->err, sizeof(self->err))
#define ERR_HAS(s) EXPECT_NE(NULL, strstr(self->err, s)) TH_LOG("%s", self->err)

TEST_F(fake_sysfs, pmu_event_takes_the_pmu_type_and_the_event_terms)
{
	ASSERT_EQ(0, PARSE("msr/tsc/")) TH_LOG("%s", self->err);
	EXPECT_EQ(9, self->ev.type);
	EXPECT_EQ(0, self->ev.config);
	EXPECT_STREQ("msr", self->ev.pmu);
	EXPECT_STREQ("msr/tsc/", self->ev.name);
	EXPECT_FALSE(self->ev.hw);
	ASSERT_EQ(0, PARSE("msr/aperf/"));
	EXPECT_EQ(1, self->ev.config);
}

TEST_F(fake_sysfs, format_terms_fill_their_bits)
{
	ASSERT_EQ(0, PARSE("cpu_core/event=0x3c,umask=0x1,edge,cmask=2/"))
		TH_LOG("%s", self->err);
	EXPECT_EQ(8, self->ev.type);
	EXPECT_EQ(0x3cULL | 0x1ULL << 8 | 1ULL << 18 | 2ULL << 24,
		  self->ev.config);
	EXPECT_TRUE(self->ev.hw);
	ASSERT_EQ(0, PARSE("cpu_core/event=0xd0,ldlat=3/"));
	EXPECT_EQ(0xd0, self->ev.config);
	EXPECT_EQ(3, self->ev.config1);
}

TEST_F(fake_sysfs, value_of_field_width_fits_one_bit_more_does_not)
{
	ASSERT_EQ(0, PARSE("cpu_core/event=0xff/"));
	EXPECT_EQ(0xff, self->ev.config);
	EXPECT_EQ(-ERANGE, PARSE("cpu_core/event=0x100/"));
	ERR_HAS("event=0x100 does not fit in config:0-7");
	ASSERT_EQ(0, PARSE("cpu_core/edge=1/"));
	EXPECT_EQ(-ERANGE, PARSE("cpu_core/edge=2/"));
}

TEST_F(fake_sysfs, split_format_takes_the_low_bits_first)
{
	ASSERT_EQ(0, PARSE("split/wide=0xab/")) TH_LOG("%s", self->err);
	EXPECT_EQ(42, self->ev.type);
	EXPECT_EQ(0xbULL | 0xaULL << 8, self->ev.config2);
	EXPECT_EQ(0, self->ev.config);
	EXPECT_EQ(0, PARSE("split/wide=0xff/"));
	EXPECT_EQ(-ERANGE, PARSE("split/wide=0x100/"));
}

TEST_F(fake_sysfs, format_llctl_cannot_read_is_refused)
{
	EXPECT_EQ(-EINVAL, PARSE("split/odd=1/"));
	ERR_HAS("config7:0-3");
}

TEST_F(fake_sysfs, config_words_are_set_directly)
{
	ASSERT_EQ(0, PARSE("cpu_core/config=0x1234,config1=5,config2=0x7/"));
	EXPECT_EQ(0x1234, self->ev.config);
	EXPECT_EQ(5, self->ev.config1);
	EXPECT_EQ(7, self->ev.config2);
}

TEST_F(fake_sysfs, event_file_and_terms_combine)
{
	ASSERT_EQ(0, PARSE("cpu_core/topdown-retiring,cmask=1/"))
		TH_LOG("%s", self->err);
	EXPECT_EQ(0x80ULL << 8 | 1ULL << 24, self->ev.config);
}

TEST_F(fake_sysfs, hybrid_generic_name_carries_the_pmu_type)
{
	ASSERT_EQ(0, PARSE("cpu_core/cycles/")) TH_LOG("%s", self->err);
	EXPECT_EQ(PERF_TYPE_HARDWARE, self->ev.type);
	EXPECT_EQ(8ULL << PERF_PMU_TYPE_SHIFT | PERF_COUNT_HW_CPU_CYCLES,
		  self->ev.config);
	EXPECT_STREQ("cpu_core/cycles/", self->ev.name);
	EXPECT_STREQ("cpu_core", self->ev.pmu);
	EXPECT_TRUE(self->ev.hw);
	/* the sysfs alias wins over the generic name */
	ASSERT_EQ(0, PARSE("cpu_core/cpu-cycles/"));
	EXPECT_EQ(8, self->ev.type);
	EXPECT_EQ(0x3c, self->ev.config);
}

TEST_F(fake_sysfs, plain_cpu_pmu_takes_generic_names_plain)
{
	ASSERT_EQ(0, PARSE("cpu/instructions/")) TH_LOG("%s", self->err);
	EXPECT_EQ(PERF_TYPE_HARDWARE, self->ev.type);
	EXPECT_EQ(PERF_COUNT_HW_INSTRUCTIONS, self->ev.config);
}

TEST_F(fake_sysfs, generic_names_are_only_for_core_pmus)
{
	EXPECT_EQ(-ENOENT, PARSE("msr/cycles/"));
	ERR_HAS("no event or format term 'cycles'");
}

TEST_F(fake_sysfs, modifiers_follow_the_closing_slash)
{
	ASSERT_EQ(0, PARSE("msr/tsc/u"));
	EXPECT_FALSE(self->ev.exclude_user);
	EXPECT_TRUE(self->ev.exclude_kernel);
	EXPECT_TRUE(self->ev.exclude_hv);
	EXPECT_STREQ("msr/tsc/u", self->ev.name);
	ASSERT_EQ(0, PARSE("msr/tsc/:k"));
	EXPECT_TRUE(self->ev.exclude_user);
	EXPECT_FALSE(self->ev.exclude_kernel);
	EXPECT_STREQ("msr/tsc/k", self->ev.name);
	EXPECT_EQ(-EINVAL, PARSE("msr/tsc/pp"));
	ERR_HAS("unknown modifier 'pp'");
}

TEST_F(fake_sysfs, unknown_pmu_fails_naming_it)
{
	EXPECT_EQ(-ENOENT, PARSE("nope/tsc/"));
	ERR_HAS("no PMU 'nope'");
	/* a PMU name cannot climb out of sysfs */
	EXPECT_EQ(-ENOENT, PARSE("../tsc/"));
	ERR_HAS("no PMU '..'");
}

TEST_F(fake_sysfs, unknown_term_fails_naming_pmu_and_term)
{
	EXPECT_EQ(-ENOENT, PARSE("msr/bogus/"));
	ERR_HAS("PMU msr has no event or format term 'bogus'");
	ERR_HAS("llctl events msr/");
}

TEST_F(fake_sysfs, malformed_pmu_specs_fail_with_the_syntax)
{
	EXPECT_EQ(-EINVAL, PARSE("msr/tsc"));
	ERR_HAS("PMU/EVENT/");
	EXPECT_EQ(-EINVAL, PARSE("msr//"));
	ERR_HAS("msr/config=0x1/");
	EXPECT_EQ(-EINVAL, PARSE("msr/event=zz/"));
	ERR_HAS("'zz' is not a number");
	EXPECT_EQ(-EINVAL, PARSE("msr/../"));
	EXPECT_EQ(-EINVAL, PARSE("msr/a b/"));
}

TEST_F(fake_sysfs, hw_pmu_is_found_by_sysfs_name)
{
	EXPECT_TRUE(prof_have_hw_pmu());
}

TEST_F(fake_sysfs, no_core_pmu_in_sysfs_means_no_hw_pmu)
{
	ASSERT_EQ(0, fake_root_remove(self->dir));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	PUT("sys/bus/event_source/devices/msr/type", "9\n");
	PUT("sys/bus/event_source/devices/software/type", "1\n");
	prof_events_set_root(self->dir);
	EXPECT_FALSE(prof_have_hw_pmu());
	PUT("sys/bus/event_source/devices/armv8_pmuv3_0/type", "10\n");
	prof_events_set_root(self->dir);
	EXPECT_TRUE(prof_have_hw_pmu());
}

static const char *hint(FIXTURE_DATA(fake_sysfs) *self, int err)
{
	return prof_perf_err_hint(err, &self->ev, self->err, sizeof(self->err));
}

#define HINT_HAS(errno_, s) \
	EXPECT_NE(NULL, strstr(hint(self, errno_), s)) TH_LOG("%s", self->err)
#define HINT_LACKS(errno_, s) \
	EXPECT_EQ(NULL, strstr(hint(self, errno_), s)) TH_LOG("%s", self->err)

TEST_F(fake_sysfs, eacces_names_the_paranoid_level_and_cap_perfmon)
{
	ASSERT_EQ(0, PARSE("cycles"));
	HINT_HAS(EACCES, "perf_event_paranoid is 2");
	HINT_HAS(EACCES, "CAP_PERFMON");
	HINT_HAS(EACCES, "add :u");
	HINT_HAS(-EPERM, "perf_event_paranoid is 2");
	ASSERT_EQ(0, PARSE("cycles:u"));
	HINT_LACKS(EACCES, "add :u");
	PUT("proc/sys/kernel/perf_event_paranoid", "3\n");
	HINT_HAS(EACCES, "perf_event_paranoid is 3");
	HINT_HAS(EACCES, "CAP_PERFMON");
}

TEST_F(fake_sysfs, eacces_on_a_per_cpu_pmu_asks_for_level_0)
{
	ASSERT_EQ(0, PARSE("power/energy-pkg/"));
	HINT_HAS(EACCES, "power counts per CPU only");
	HINT_HAS(EACCES, "kernel.perf_event_paranoid=0");
	HINT_LACKS(EACCES, "add :u");
	PUT("proc/sys/kernel/perf_event_paranoid", "0\n");
	HINT_LACKS(EACCES, "counts per CPU only");
}

TEST_F(fake_sysfs, enoent_on_a_machine_without_hw_pmu_says_so)
{
	ASSERT_EQ(0, fake_root_remove(self->dir));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	PUT("sys/bus/event_source/devices/msr/type", "9\n");
	prof_events_set_root(self->dir);
	ASSERT_EQ(0, PARSE("cycles"));
	HINT_HAS(ENOENT, "this machine has no hardware PMU (a VM without a virtual PMU?)");
	HINT_HAS(EOPNOTSUPP, "this machine has no hardware PMU");
	ASSERT_EQ(0, PARSE("cs"));
	HINT_LACKS(ENOENT, "no hardware PMU");
	HINT_HAS(ENOENT, "context-switches is not an event of software");
}

TEST_F(fake_sysfs, enoent_with_a_hw_pmu_says_not_on_this_pmu)
{
	ASSERT_EQ(0, PARSE("cpu_core/cpu-cycles/"));
	HINT_LACKS(ENOENT, "no hardware PMU");
	HINT_HAS(ENOENT, "cpu_core/cpu-cycles/ is not an event of cpu_core");
	HINT_HAS(ENOENT, "llctl events");
	HINT_HAS(EOPNOTSUPP, "cpu_core cannot count");
}

TEST_F(fake_sysfs, ebusy_names_the_nmi_watchdog_when_it_runs)
{
	ASSERT_EQ(0, PARSE("cycles"));
	HINT_LACKS(EBUSY, "nmi_watchdog");
	HINT_HAS(EBUSY, "another user holds the counter");
	PUT("proc/sys/kernel/nmi_watchdog", "1\n");
	HINT_HAS(EBUSY, "sudo sysctl kernel.nmi_watchdog=0");
	ASSERT_EQ(0, PARSE("msr/tsc/"));
	HINT_LACKS(EBUSY, "nmi_watchdog");
}

TEST_F(fake_sysfs, other_errnos_say_what_to_do)
{
	ASSERT_EQ(0, PARSE("msr/tsc/u"));
	HINT_HAS(ENODEV, "offline");
	HINT_HAS(EINVAL, "not valid for msr (type 9, config 0x0)");
	HINT_HAS(EMFILE, "ulimit -n");
	HINT_HAS(ENOSPC, "too many counters");
	HINT_HAS(E2BIG, "rebuild llctl");
	HINT_HAS(EXDEV, strerror(EXDEV));
}

/* arm64's PMUv3 driver: a PMU named after the core, no "cpu". */
static int arm_tree(const char *dir, const char *pmu)
{
	static const char *const files[][2] = {
		{ "type", "8\n" },
		{ "format/event", "config:0-15\n" },
		{ "events/inst_retired", "event=0x0008\n" },
		{ "events/llctl_fake_stall", "event=0x0024\n" },
	};
	char path[256];
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(files) && !ret; i++) {
		snprintf(path, sizeof(path), "sys/bus/event_source/devices/%s/%s",
			 pmu, files[i][0]);
		ret = fake_put(dir, path, files[i][1]);
	}
	prof_events_set_root(dir);
	return ret;
}

TEST_F(fake_sysfs, arm_generic_and_raw_events_name_the_pmuv3_pmu)
{
	ASSERT_EQ(0, fake_root_remove(self->dir));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	PUT("sys/bus/event_source/devices/software/type", "1\n");
	ASSERT_EQ(0, arm_tree(self->dir, "armv8_pmuv3"));
	ASSERT_EQ(0, PARSE("branches"));
	EXPECT_STREQ("armv8_pmuv3", self->ev.pmu);
	HINT_HAS(ENOENT, "branches is not an event of armv8_pmuv3 on this machine");
	HINT_LACKS(ENOENT, "of cpu");
	ASSERT_EQ(0, PARSE("r11"));
	EXPECT_STREQ("armv8_pmuv3", self->ev.pmu);
	EXPECT_EQ(0x11, self->ev.config);
	ASSERT_EQ(0, PARSE("armv8_pmuv3/inst_retired/")) TH_LOG("%s", self->err);
	EXPECT_EQ(8, self->ev.type);
	EXPECT_EQ(8, self->ev.config);
	/* its sysfs name alone: the error shows the spelling that works */
	EXPECT_EQ(-ENOENT, PARSE("llctl_fake_stall"));
	ERR_HAS("it is an event of PMU armv8_pmuv3 (sysfs), named with its PMU: armv8_pmuv3/llctl_fake_stall/");
}

TEST_F(fake_sysfs, several_arm_pmus_or_an_x86_cpu_pmu_stay_cpu)
{
	ASSERT_EQ(0, PARSE("branches"));
	EXPECT_STREQ("cpu", self->ev.pmu);	/* the x86 tree has "cpu" */
	ASSERT_EQ(0, fake_root_remove(self->dir));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, arm_tree(self->dir, "armv8_cortex_a53"));
	ASSERT_EQ(0, arm_tree(self->dir, "armv8_cortex_a72"));
	ASSERT_EQ(0, PARSE("branches"));
	EXPECT_STREQ("cpu", self->ev.pmu);	/* big.LITTLE: no one name */
}

TEST_F(fake_sysfs, arm_pmu_libpfm4_does_not_know_gets_one_note)
{
	char note[768], names[128];
	int n;

	ASSERT_EQ(0, fake_root_remove(self->dir));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, arm_tree(self->dir, "armv8_pmuv3"));
	n = prof_pfm_core_pmus(names, sizeof(names));
	prof_pfm_core_note("software-defined CPU, part 0x051", note, sizeof(note));
	if (n > 0) {
		/* libpfm4 detects this host's own core: no note is due */
		EXPECT_STREQ("", note);
		return;
	}
	EXPECT_NE(NULL, strstr(note, "does not recognise this CPU's core PMU (software-defined CPU, part 0x051)")) TH_LOG("%s", note);
	EXPECT_NE(NULL, strstr(note, "armv8_pmuv3/NAME/")) TH_LOG("%s", note);
	/* without a hardware PMU there is nothing libpfm4 could have named */
	ASSERT_EQ(0, fake_root_remove(self->dir));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	PUT("sys/bus/event_source/devices/software/type", "1\n");
	prof_events_set_root(self->dir);
	prof_pfm_core_note(NULL, note, sizeof(note));
	EXPECT_STREQ("", note);
}


TEST(hint_takes_no_event_and_either_sign)
{
	char a[512], b[512];

	prof_perf_err_hint(ENODEV, NULL, a, sizeof(a));
	prof_perf_err_hint(-ENODEV, NULL, b, sizeof(b));
	EXPECT_STREQ(a, b);
	EXPECT_NE(NULL, strstr(a, "this PMU"));
	EXPECT_STREQ("", prof_perf_err_hint(EINVAL, NULL, NULL, 0));
}

/* @list split by prof_event_next() into @out joined by '|'; 0 or -1. */
static int split(const char *list, char *out, size_t len, char *err,
		 size_t errlen)
{
	char *copy = strdup(list), *s = copy, *tok;

	out[0] = '\0';
	while ((tok = prof_event_next(&s, err, errlen))) {
		if (out[0])
			strncat(out, "|", len - strlen(out) - 1);
		strncat(out, tok, len - strlen(out) - 1);
	}
	free(copy);
	return err[0] ? -1 : 0;
}

/* perf's -e lists: a comma inside PMU/.../ is the event's own. */
TEST(event_lists_split_as_perf_splits_them)
{
	char out[256], err[512];

	EXPECT_EQ(0, split("cpu/event=0x3c,umask=0x0/,task-clock", out,
			   sizeof(out), err, sizeof(err)));
	EXPECT_STREQ("cpu/event=0x3c,umask=0x0/|task-clock", out);
	EXPECT_EQ(0, split("a,cpu/event=1,umask=2/u,b", out, sizeof(out), err,
			   sizeof(err)));
	EXPECT_STREQ("a|cpu/event=1,umask=2/u|b", out);
	EXPECT_EQ(0, split("page-faults", out, sizeof(out), err, sizeof(err)));
	EXPECT_STREQ("page-faults", out);
	EXPECT_EQ(-1, split("a,,b", out, sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "empty event"));
	EXPECT_EQ(-1, split("a,", out, sizeof(out), err, sizeof(err)));
	EXPECT_EQ(-1, split(",a", out, sizeof(out), err, sizeof(err)));
	EXPECT_EQ(-1, split("{cycles,instructions}", out, sizeof(out), err,
			    sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no group leader"));
	EXPECT_EQ(-1, split("a,{b,c}", out, sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "{b,c}"));
}

/* The entry named @name, or NULL. */
static const struct prof_event_entry *entry(const struct prof_event_list *l,
					    const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].ev.name, name))
			return &l->v[i];
	return NULL;
}

TEST_F(fake_sysfs, listing_has_the_sysfs_events_of_each_pmu)
{
	const struct prof_event_entry *e;

	ASSERT_EQ(0, prof_events_collect(&self->list, "msr/", false));
	EXPECT_EQ(2, self->list.n);
	e = entry(&self->list, "msr/tsc/");
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("msr", e->ev.pmu);
	EXPECT_EQ(9, e->ev.type);
	EXPECT_NE(NULL, entry(&self->list, "msr/aperf/"));
}

TEST_F(fake_sysfs, listing_describes_sysfs_events_with_their_unit)
{
	const struct prof_event_entry *e;

	ASSERT_EQ(0, prof_events_collect(&self->list, "energy", false));
	e = entry(&self->list, "power/energy-pkg/");
	ASSERT_NE(NULL, e);
	EXPECT_NE(NULL, strstr(e->ev.desc, "event=0x02")) TH_LOG("%s", e->ev.desc);
	EXPECT_NE(NULL, strstr(e->ev.desc, "Joules")) TH_LOG("%s", e->ev.desc);
	/* the .unit and .scale files are not events */
	EXPECT_EQ(1, self->list.n);
}

TEST_F(fake_sysfs, listing_keeps_an_unparsable_event_with_the_reason)
{
	const struct prof_event_entry *e;

	ASSERT_EQ(0, prof_events_collect(&self->list, "odd", false));
	e = entry(&self->list, "odd/weird/");
	ASSERT_NE(NULL, e);
	EXPECT_NE(NULL, strstr(e->reason, "'?' is not a number")) TH_LOG("%s", e->reason);
	prof_events_try_open(&self->list);
	EXPECT_FALSE(e->supported);
}

TEST_F(fake_sysfs, listing_pattern_is_a_case_insensitive_substring)
{
	ASSERT_EQ(0, prof_events_collect(&self->list, "TSC", false));
	EXPECT_NE(NULL, entry(&self->list, "msr/tsc/"));
	EXPECT_EQ(NULL, entry(&self->list, "msr/aperf/"));
	prof_event_list_free(&self->list);
	/* the PMU name matches too */
	ASSERT_EQ(0, prof_events_collect(&self->list, "Software", false));
	EXPECT_NE(NULL, entry(&self->list, "task-clock"));
	EXPECT_NE(NULL, entry(&self->list, "cpu-clock"));
}

TEST_F(fake_sysfs, listing_pattern_with_wildcards_is_a_glob)
{
	size_t i;

	ASSERT_EQ(0, prof_events_collect(&self->list, "*-FAULTS", false));
	EXPECT_NE(NULL, entry(&self->list, "page-faults"));
	EXPECT_NE(NULL, entry(&self->list, "major-faults"));
	EXPECT_EQ(NULL, entry(&self->list, "cycles"));
	for (i = 0; i < self->list.n; i++)
		EXPECT_EQ(0, fnmatch("*-faults", self->list.v[i].ev.name, 0))
			TH_LOG("%s", self->list.v[i].ev.name);
}

TEST_F(fake_sysfs, listing_finds_events_by_their_other_spelling)
{
	ASSERT_EQ(0, prof_events_collect(&self->list, "cs", false));
	EXPECT_NE(NULL, entry(&self->list, "context-switches"));
}

TEST_F(fake_sysfs, listing_shows_each_generic_name_once)
{
	size_t i, n = 0;

	ASSERT_EQ(0, prof_events_collect(&self->list, NULL, false));
	for (i = 0; i < self->list.n; i++)
		n += !strcmp(self->list.v[i].ev.name, "cache-misses");
	EXPECT_EQ(1, n);
	EXPECT_NE(NULL, entry(&self->list, "L1-dcache-load-misses"));
}

TEST_F(fake_sysfs, listing_groups_entries_by_pmu)
{
	size_t i, j;

	ASSERT_EQ(0, prof_events_collect(&self->list, NULL, false));
	ASSERT_LT(10, self->list.n);
	/* once a PMU's run ends, that PMU never comes back */
	for (i = 1; i < self->list.n; i++) {
		if (!strcmp(self->list.v[i].ev.pmu, self->list.v[i - 1].ev.pmu))
			continue;
		for (j = 0; j < i - 1; j++)
			EXPECT_STRNE(self->list.v[i].ev.pmu, self->list.v[j].ev.pmu);
	}
}

/* A core PMU libpfm4 knows but did not find here. */
static bool absent_pmu(char *name, size_t len)
{
	pfm_pmu_info_t pi;
	int p;

	if (pfm_initialize() != PFM_SUCCESS)
		return false;
	pfm_for_all_pmus(p) {
		memset(&pi, 0, sizeof(pi));
		pi.size = sizeof(pi);
		if (pfm_get_pmu_info(p, &pi) || pi.is_present ||
		    pi.type != PFM_PMU_TYPE_CORE || pi.nevents < 1)
			continue;
		snprintf(name, len, "%s", pi.name);
		return true;
	}
	return false;
}

static size_t count_pmu(const struct prof_event_list *l, const char *pmu)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += !strcmp(l->v[i].ev.pmu, pmu);
	return n;
}

TEST_F(fake_sysfs, listing_hides_absent_libpfm_pmus_unless_all)
{
	char pmu[64];
	size_t i;

	if (!absent_pmu(pmu, sizeof(pmu)))
		SKIP(return, "libpfm4 knows no core PMU that is not here");
	ASSERT_EQ(0, prof_events_collect(&self->list, pmu, false));
	EXPECT_EQ(0, count_pmu(&self->list, pmu)) TH_LOG("PMU %s", pmu);
	prof_event_list_free(&self->list);
	ASSERT_EQ(0, prof_events_collect(&self->list, pmu, true));
	ASSERT_LT(0, count_pmu(&self->list, pmu)) TH_LOG("PMU %s", pmu);
	prof_events_try_open(&self->list);
	for (i = 0; i < self->list.n; i++) {
		if (strcmp(self->list.v[i].ev.pmu, pmu))
			continue;
		EXPECT_FALSE(self->list.v[i].supported);
		EXPECT_NE(NULL, strstr(self->list.v[i].reason, "did not detect it"));
	}
}

/* @key of @o exists and has @type (json_type_null for a null value). */
static int has_key(struct json_object *o, const char *key,
		   enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_type(v) == type;
}

TEST_F(fake_sysfs, json_has_the_documented_keys_with_their_types)
{
	struct json_object *o, *arr, *e;
	char pmu[64];
	size_t i, n;

	/*
	 * Entries that cannot open (an absent PMU's, when libpfm4 knows one),
	 * the first forced to supported: both shapes of "reason" show.
	 */
	ASSERT_EQ(0, prof_events_collect(&self->list, "msr/", false));
	if (absent_pmu(pmu, sizeof(pmu))) {
		prof_event_list_free(&self->list);
		ASSERT_EQ(0, prof_events_collect(&self->list, pmu, true));
	}
	prof_events_try_open(&self->list);
	self->list.v[0].supported = true;
	o = prof_events_json(&self->list);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(1, json_object_object_length(o));
	ASSERT_TRUE(json_object_object_get_ex(o, "events", &arr));
	ASSERT_TRUE(json_object_is_type(arr, json_type_array));
	n = json_object_array_length(arr);
	ASSERT_EQ(self->list.n, n);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		EXPECT_EQ(7, json_object_object_length(e));
		EXPECT_TRUE(has_key(e, "name", json_type_string));
		EXPECT_TRUE(has_key(e, "pmu", json_type_string));
		EXPECT_TRUE(has_key(e, "type", json_type_int));
		EXPECT_TRUE(has_key(e, "config", json_type_int));
		EXPECT_TRUE(has_key(e, "description", json_type_string));
		EXPECT_TRUE(has_key(e, "supported", json_type_boolean));
		EXPECT_TRUE(has_key(e, "reason", self->list.v[i].supported ?
				    json_type_null : json_type_string));
		EXPECT_STREQ(self->list.v[i].ev.name,
			     json_object_get_string(json_object_object_get(e, "name")));
		EXPECT_EQ(self->list.v[i].ev.config, json_object_get_uint64(
			  json_object_object_get(e, "config")));
	}
	json_object_put(o);
}

TEST(json_of_the_real_listing_matches_the_probe)
{
	struct prof_event_list l;
	struct json_object *o, *e;
	const struct prof_event_entry *tc;

	ASSERT_EQ(0, prof_events_collect(&l, "task-clock", false));
	prof_events_try_open(&l);
	tc = entry(&l, "task-clock");
	ASSERT_NE(NULL, tc);
	o = prof_events_json(&l);
	e = json_object_array_get_idx(json_object_object_get(o, "events"),
				      tc - l.v);
	EXPECT_EQ(PERF_TYPE_SOFTWARE,
		  json_object_get_int(json_object_object_get(e, "type")));
	EXPECT_EQ(PERF_COUNT_SW_TASK_CLOCK,
		  json_object_get_int(json_object_object_get(e, "config")));
	EXPECT_EQ(tc->supported,
		  json_object_get_boolean(json_object_object_get(e, "supported")));
	json_object_put(o);
	prof_event_list_free(&l);
}

/*
 * 'llctl events' for people at a terminal's width. The oracle is the
 * list the text is made from (known names by construction, or libpfm4's
 * and sysfs's): at each width no line is longer (but for a description's
 * word longer than its whole column: lib/text keeps words whole), each
 * PMU's heading stands once, and a reader who joins a broken name's pieces
 * (a line 2 columns in starts a name, one 4 in, the hanging indent,
 * continues it) reads every name of the list, whole and in order.
 */
static const int widths[] = { 40, 60, 80, 200 };

/* prof_events_text() of @l at @width, NUL-terminated. */
static char *events_text(const struct prof_event_list *l, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (prof_events_text(f, l, true, "a note", width)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static void check_layout(struct __test_metadata *_metadata,
			 const struct prof_event_list *l, int width, bool long_words)
{
	char *text = events_text(l, width), *line, *save = NULL, *word;
	size_t i, next = 0, heads = 0, pmus = 0;
	char name[256] = "";
	int indent, len;

	ASSERT_NE(NULL, text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		len = (int)strlen(line);
		/* over the width: only a word alone past the description's room */
		word = strrchr(line, ' ');
		if (len > width && !(long_words && word && word - line <= width &&
				     len - (word + 1 - line) > 16))
			EXPECT_GE(width, len) TH_LOG("width %d: '%s'", width, line);
		for (i = 0; i < l->n; i++)
			if (line[len - 1] == ':' && !strncmp(line, l->v[i].ev.pmu, len - 1) &&
			    (int)strlen(l->v[i].ev.pmu) == len - 1) {
				heads++;
				break;
			}
		if (!strcmp(line, "Not supported here:"))
			break;	/* the footnotes: "  [1] ..." */
		indent = (int)strspn(line, " ");
		if (indent != 2 && indent != 4)
			continue;
		len = (int)strcspn(line + indent, " ");
		if (indent == 2) {
			if (name[0]) {
				EXPECT_LT(next, l->n);
				if (next < l->n)
					EXPECT_STREQ(l->v[next].ev.name, name);
				next++;
			}
			snprintf(name, sizeof(name), "%.*s", len, line + indent);
		} else {
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%.*s",
				 len, line + indent);
		}
	}
	if (name[0] && next < l->n)
		EXPECT_STREQ(l->v[next].ev.name, name);
	EXPECT_EQ(l->n, next + 1) TH_LOG("width %d", width);
	for (i = 0; i < l->n; i++)
		pmus += !i || strcmp(l->v[i].ev.pmu, l->v[i - 1].ev.pmu);
	EXPECT_EQ(pmus, heads) TH_LOG("width %d", width);
	free(text);
}

static void add(struct prof_event_list *l, const char *pmu, const char *name,
		bool supported)
{
	struct prof_event_entry *e = &l->v[l->n++];

	memset(e, 0, sizeof(*e));
	snprintf(e->ev.pmu, sizeof(e->ev.pmu), "%s", pmu);
	snprintf(e->ev.name, sizeof(e->ev.name), "%s", name);
	snprintf(e->ev.desc, sizeof(e->ev.desc),
		 "What it counts, in words short enough to wrap at any width");
	e->supported = supported;
	if (!supported)
		snprintf(e->reason, sizeof(e->reason), "ENOENT: not on this machine");
}

TEST(events_text_fits_each_width_and_keeps_long_names_whole)
{
	struct prof_event_entry v[8];
	struct prof_event_list l = { .v = v, .cap = 8 };
	size_t i;

	add(&l, "cpu", "cycles", true);
	add(&l, "cpu", "RETIRED_UNCONDITIONAL_INDIRECT_BRANCH_INSTRUCTIONS_MISPREDICTED", false);
	add(&l, "cpu", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ", false);
	add(&l, "cpu", "stalled-cycles-frontend", true);
	add(&l, "armv8_pmuv3_0", "armv8_pmuv3_0/inst_retired/", true);
	add(&l, "msr", "msr/tsc/", true);
	for (i = 0; i < ARRAY_SIZE(widths); i++)
		check_layout(_metadata, &l, widths[i], false);
}

TEST(events_text_of_this_machine_fits_each_width)
{
	struct prof_event_list l;
	size_t i;

	ASSERT_EQ(0, prof_events_collect(&l, NULL, false));
	prof_events_try_open(&l);
	ASSERT_LT(0, l.n);
	/* "(bpf_perf_event_output)": longer than 40 columns leave it */
	for (i = 0; i < ARRAY_SIZE(widths); i++)
		check_layout(_metadata, &l, widths[i], true);
	prof_event_list_free(&l);
}

/* libpfm4's whole table (--all): names of 63 characters, words of 30. */
TEST(events_text_of_every_libpfm4_pmu_fits_each_width)
{
	struct prof_event_list l;
	size_t i;

	ASSERT_EQ(0, prof_events_collect(&l, NULL, true));
	prof_events_try_open(&l);
	ASSERT_LT(0, l.n);
	for (i = 0; i < ARRAY_SIZE(widths); i++)
		check_layout(_metadata, &l, widths[i], true);
	prof_event_list_free(&l);
}

TEST_HARNESS_MAIN
