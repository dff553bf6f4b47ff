// SPDX-License-Identifier: GPL-2.0
/*
 * The plausibility gates (user/lib/plausible.c): for each kind a value
 * below and above its bound (physical: docs/plausibility.md) is rendered
 * "implausible (...)" in text and null with KEY_reason in JSON, and a
 * value inside is printed as it is. The bounds themselves are checked
 * against the figures the docs cite, so a table edit shows here.
 */
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "kselftest_harness.h"
#include "lib/plausible.h"

struct gate_case {
	enum llctl_plaus k;
	double scale, low, inside, high;
};

/* scale 6 for bandwidth: 3 GHz x 2 cores, a limit of 1152 GB/s. */
static const struct gate_case cases[] = {
	{ LLCTL_PLAUS_CORE_GHZ, 1, 0.1, 3.6, 21.0 },	/* 21: issue 18's folded adds */
	{ LLCTL_PLAUS_BANDWIDTH_GBS, 6, -1, 900, 1200 },
	{ LLCTL_PLAUS_OF_PEAK, 1, -0.1, 0.95, 1.5 },
	{ LLCTL_PLAUS_C2C_NS, 1, 0.5, 70, 20000 },
	{ LLCTL_PLAUS_IPC, 1, -0.5, 3.2, 20 },
	{ LLCTL_PLAUS_MISPREDICT_CYCLES, 1, 2, 17, 141 },	/* 141: issue 18's */
	{ LLCTL_PLAUS_MISPREDICT_NS, 1, 0.1, 5, 400 },
	{ LLCTL_PLAUS_MISS_PCT, 1, -1, 12.5, 140 },
	{ LLCTL_PLAUS_CPUS_UTILIZED, 2, -0.1, 1.98, 2.5 },	/* 2 CPUs */
	{ LLCTL_PLAUS_TSC_GHZ, 1, 0.1, 2.096, 21.0 },
	{ LLCTL_PLAUS_FENCE_NS, 1, -1, 15, 5000 },	/* 5 us: a preempted batch */
	{ LLCTL_PLAUS_SWITCH_RATE, 2, -1, 2e5, 1.2e7 },	/* 2 CPUs: 1e7 */
	{ LLCTL_PLAUS_FAULT_RATE, 2, -1, 1e6, 3e7 },	/* 2 CPUs: 2e7 */
	{ LLCTL_PLAUS_COVERAGE, 1, -0.1, 0.5, 1.3 },
	{ LLCTL_PLAUS_TIME_SHARE, 1, -0.01, 0.25, 1.4 },
	{ LLCTL_PLAUS_SLOT_SHARE, 1, -0.12, 0.4, 1.1 },
	{ LLCTL_PLAUS_CYCLE_SHARE, 1, -0.01, 0.3, 1.2 },
	{ LLCTL_PLAUS_STALL_SUM, 1, -0.01, 1.03, 1.1 },
	{ LLCTL_PLAUS_USL_SIGMA, 1, -0.01, 0.05, 1.3 },
	{ LLCTL_PLAUS_FIT_R2, 1, -0.4, 0.9995, 1.01 },
	{ LLCTL_PLAUS_LATENCY_NS, 1e9, -1, 5e6, 3e9 },	/* a 1 s session */
	{ LLCTL_PLAUS_FS_SLOWDOWN, 1, 0.5, 4.6, 2e4 },
	{ LLCTL_PLAUS_FS_OPS_RATE, 2, 5e4, 3e8, 1.5e10 },	/* 2 writers: 1.4e10 */
	{ LLCTL_PLAUS_BRANCH_NS, 1, 0.01, 0.35, 450 },
	{ LLCTL_PLAUS_INSTR_NS, 1, 0.005, 0.07, 100 },
	{ LLCTL_PLAUS_PAGE_NS, 1, 0.01, 4.5, 25000 },
	{ LLCTL_PLAUS_CALL_NS, 1, 0.02, 2.5, 3000 },
	{ LLCTL_PLAUS_TIMER_RES_NS, 1, 0, 30, 4e7 },	/* 40 ms: coarser than a jiffy */
	{ LLCTL_PLAUS_TSC_PAIR_NS, 1, 0.2, 3000, 1e5 },	/* 3 us: a trapped RDTSC */
	{ LLCTL_PLAUS_CNTFRQ_MHZ, 1, 0, 62.5, 2400 },	/* 0: firmware never set it */
};

static void expect_text(struct __test_metadata *_metadata, enum llctl_plaus k,
			double v, double scale, bool ok)
{
	char buf[512];

	llctl_plaus_text(k, v, scale, "%.3f", buf, sizeof(buf));
	TH_LOG("kind %d, %g: %s", (int)k, v, buf);
	if (ok) {
		char want[64];

		snprintf(want, sizeof(want), "%.3f", v);
		EXPECT_STREQ(want, buf);
	} else {
		EXPECT_EQ(0, strncmp(buf, "implausible (", 13));
		EXPECT_NE(NULL, strstr(buf, llctl_plaus_bound(k)->why));
	}
}

static void expect_json(struct __test_metadata *_metadata, enum llctl_plaus k,
			double v, double scale, bool ok)
{
	struct json_object *o = json_object_new_object(), *x;

	EXPECT_EQ(ok, llctl_plaus_json(o, "value", k, v, scale));
	ASSERT_TRUE(json_object_object_get_ex(o, "value", &x));
	if (ok) {
		EXPECT_TRUE(json_object_is_type(x, json_type_double));
		EXPECT_EQ(v, json_object_get_double(x));
		EXPECT_FALSE(json_object_object_get_ex(o, "value_reason", NULL));
	} else {
		EXPECT_EQ(NULL, x);
		ASSERT_TRUE(json_object_object_get_ex(o, "value_reason", &x));
		EXPECT_EQ(0, strncmp(json_object_get_string(x), "implausible: ", 13));
	}
	json_object_put(o);
}

TEST(every_kind_has_a_case_and_a_reason)
{
	int k;

	ASSERT_EQ(LLCTL_PLAUS_KINDS, (int)(sizeof(cases) / sizeof(cases[0])));
	for (k = 0; k < LLCTL_PLAUS_KINDS; k++) {
		const struct llctl_plaus_bound *b = llctl_plaus_bound(k);

		ASSERT_NE(NULL, b);
		EXPECT_EQ(k, (int)cases[k].k);
		EXPECT_LT(b->lo, b->hi);
		EXPECT_GT(strlen(b->why), 10);
	}
	EXPECT_EQ(NULL, llctl_plaus_bound(LLCTL_PLAUS_KINDS));
}

TEST(outside_is_implausible_inside_is_printed)
{
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gate_case *c = &cases[i];

		expect_text(_metadata, c->k, c->low, c->scale, false);
		expect_text(_metadata, c->k, c->high, c->scale, false);
		expect_text(_metadata, c->k, c->inside, c->scale, true);
		expect_json(_metadata, c->k, c->low, c->scale, false);
		expect_json(_metadata, c->k, c->high, c->scale, false);
		expect_json(_metadata, c->k, c->inside, c->scale, true);
	}
}

TEST(bounds_are_the_documented_ones)
{
	const struct llctl_plaus_bound *b = llctl_plaus_bound(LLCTL_PLAUS_CORE_GHZ);
	char why[320];

	EXPECT_EQ(0.4, b->lo);
	EXPECT_EQ(7.0, b->hi);
	EXPECT_EQ(2, llctl_plaus_bound(LLCTL_PLAUS_C2C_NS)->lo);
	EXPECT_EQ(10000, llctl_plaus_bound(LLCTL_PLAUS_C2C_NS)->hi);
	/* edges are inside */
	EXPECT_TRUE(llctl_plausible(LLCTL_PLAUS_CORE_GHZ, 0.4, 1, why, sizeof(why)));
	EXPECT_TRUE(llctl_plausible(LLCTL_PLAUS_CORE_GHZ, 7.0, 1, why, sizeof(why)));
	/* the bandwidth limit scales: 192 B/cycle x 3 GHz x 2 cores */
	EXPECT_TRUE(llctl_plausible(LLCTL_PLAUS_BANDWIDTH_GBS, 1152, 6, why, sizeof(why)));
	EXPECT_FALSE(llctl_plausible(LLCTL_PLAUS_BANDWIDTH_GBS, 1153, 6, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "above 1152 GB/s"));
	/* per CPU: 2 CPUs switch at most 10 million times a second */
	EXPECT_TRUE(llctl_plausible(LLCTL_PLAUS_SWITCH_RATE, 1e7, 2, why, sizeof(why)));
	EXPECT_FALSE(llctl_plausible(LLCTL_PLAUS_SWITCH_RATE, 1.01e7, 2, why, sizeof(why)));
	EXPECT_EQ(1000, llctl_plaus_bound(LLCTL_PLAUS_FENCE_NS)->hi);
	EXPECT_EQ(1, llctl_plaus_bound(LLCTL_PLAUS_COVERAGE)->hi);
	EXPECT_EQ(0.4, llctl_plaus_bound(LLCTL_PLAUS_TSC_GHZ)->lo);
	EXPECT_EQ(7.0, llctl_plaus_bound(LLCTL_PLAUS_TSC_GHZ)->hi);
	/* false sharing: once a cycle at 7 GHz, a writer */
	EXPECT_TRUE(llctl_plausible(LLCTL_PLAUS_FS_OPS_RATE, 2.8e10, 4, why, sizeof(why)));
	EXPECT_FALSE(llctl_plausible(LLCTL_PLAUS_FS_OPS_RATE, 2.81e10, 4, why, sizeof(why)));
	/* an instruction's floor is IPC's ceiling at the clock's: 12 at 7 GHz */
	EXPECT_GT(1e-9, fabs(1.0 / llctl_plaus_bound(LLCTL_PLAUS_INSTR_NS)->lo -
			     llctl_plaus_bound(LLCTL_PLAUS_IPC)->hi *
			     llctl_plaus_bound(LLCTL_PLAUS_CORE_GHZ)->hi));
	/* a branch costs at most a misprediction and the loop */
	EXPECT_GT(llctl_plaus_bound(LLCTL_PLAUS_BRANCH_NS)->hi,
		  llctl_plaus_bound(LLCTL_PLAUS_MISPREDICT_NS)->hi);
	EXPECT_EQ(1e7, llctl_plaus_bound(LLCTL_PLAUS_TIMER_RES_NS)->hi);
}

TEST(not_a_number_and_no_scale_are_implausible)
{
	char why[320];

	EXPECT_FALSE(llctl_plausible(LLCTL_PLAUS_IPC, NAN, 1, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "not a number"));
	EXPECT_FALSE(llctl_plausible(LLCTL_PLAUS_IPC, INFINITY, 1, why, sizeof(why)));
	EXPECT_FALSE(llctl_plausible(LLCTL_PLAUS_BANDWIDTH_GBS, 10, 0, why, sizeof(why)));
	EXPECT_FALSE(llctl_plausible(LLCTL_PLAUS_KINDS, 1, 1, why, sizeof(why)));
}

TEST_HARNESS_MAIN
