// SPDX-License-Identifier: GPL-2.0
/*
 * llctl config (user/config/): the profile's validation with line and
 * column, the plan against a fake proc/ and sys/ tree, apply / verify /
 * revert on that tree (idempotence, roll back on a failing write, a short
 * huge page allocation said), NIC coalescing through fake ethtool ops.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fake_root.h"
#include "kselftest_harness.h"

#include "config/config.h"

static const char good[] =
	"# a comment\n"
	"low_level_optimization:\n"
	"  cpu:\n"
	"    simd_width: 256\n"
	"    cache_line_size: 64\n"
	"  memory:\n"
	"    huge_pages: 8\n"
	"    transparent_hugepage: never\n"
	"    numa_balancing: false\n"
	"    memory_compaction: 0\n"
	"  network:\n"
	"    busy_poll: 50\n"
	"    coalesce_interrupts: false\n"
	"  profiling:\n"
	"    sampling_rate: 999\n"
	"    stack_depth: 32\n"
	"    hardware_counters: [task-clock, page-faults]\n"
	"    trace_points:\n"
	"      - syscalls\n"
	"      - sched\n";

struct parsed {
	struct cfg_profile p;
	struct cfg_errors e;
	int ret;
};

static void parse(struct parsed *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->ret = cfg_parse_string(text, strlen(text), &r->p, &r->e);
}

static void parsed_free(struct parsed *r)
{
	cfg_profile_free(&r->p);
	cfg_errors_free(&r->e);
}

static const struct cfg_value *val(struct parsed *r, const char *key)
{
	int i = cfg_key_find(key);

	return i < 0 ? NULL : &r->p.v[i];
}

TEST(good_profile_parses_every_key_with_its_line)
{
	struct parsed r;

	parse(&r, good);
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(0, r.e.n);
	EXPECT_STREQ("256", val(&r, "cpu.simd_width")->str);
	EXPECT_EQ(4, val(&r, "cpu.simd_width")->line);
	EXPECT_EQ(8, val(&r, "memory.huge_pages")->num);
	EXPECT_EQ(0, val(&r, "memory.numa_balancing")->num);
	EXPECT_STREQ("false", val(&r, "memory.numa_balancing")->str);
	EXPECT_STREQ("task-clock,page-faults",
		     val(&r, "profiling.hardware_counters")->str);
	EXPECT_EQ(2, val(&r, "profiling.trace_points")->nlist);
	EXPECT_FALSE(val(&r, "cpu.prefetch_distance")->set);
	parsed_free(&r);
}

TEST(unknown_key_is_an_error_with_line_column_and_suggestion)
{
	struct parsed r;

	parse(&r, "low_level_optimization:\n"
		  "  memory:\n"
		  "    huge_page: 4\n");
	ASSERT_EQ(1, r.ret);
	ASSERT_EQ(1, r.e.n);
	EXPECT_EQ(3, r.e.e[0].line);
	EXPECT_EQ(5, r.e.e[0].column);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "unknown key 'memory.huge_page'"));
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "did you mean 'huge_pages'?"));
	parsed_free(&r);
}

TEST(key_in_the_wrong_section_names_the_right_one)
{
	struct parsed r;

	parse(&r, "low_level_optimization:\n"
		  "  memory:\n"
		  "    busy_poll: 50\n");
	ASSERT_EQ(1, r.ret);
	ASSERT_EQ(1, r.e.n);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "network.busy_poll"));
	parsed_free(&r);
}

TEST(unknown_section_and_top_level_key_are_errors)
{
	struct parsed r;

	parse(&r, "low_level_optimisation:\n  cpu: {}\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_EQ(1, r.e.e[0].line);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "did you mean 'low_level_optimization'?"));
	parsed_free(&r);

	parse(&r, "low_level_optimization:\n  memroy:\n    huge_pages: 1\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_EQ(2, r.e.e[0].line);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "did you mean 'memory'?"));
	parsed_free(&r);
}

TEST(wrong_type_is_an_error_at_the_value)
{
	struct parsed r;

	parse(&r, "low_level_optimization:\n"
		  "  memory:\n"
		  "    huge_pages: lots\n"
		  "    numa_balancing: maybe\n"
		  "  profiling:\n"
		  "    trace_points: sched\n");
	ASSERT_EQ(1, r.ret);
	ASSERT_EQ(3, r.e.n);
	EXPECT_EQ(3, r.e.e[0].line);
	EXPECT_EQ(17, r.e.e[0].column);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "expected an integer from 0 to 1048576, not 'lots'"));
	EXPECT_STREQ("memory.huge_pages", r.e.e[0].key);
	EXPECT_EQ(4, r.e.e[1].line);
	EXPECT_NE(NULL, strstr(r.e.e[1].msg, "expected true or false"));
	EXPECT_EQ(6, r.e.e[2].line);
	EXPECT_NE(NULL, strstr(r.e.e[2].msg, "expected a list"));
	parsed_free(&r);
}

TEST(range_boundaries_are_exact)
{
	struct parsed r;

	parse(&r, "low_level_optimization:\n  memory:\n    memory_compaction: 100\n");
	EXPECT_EQ(0, r.ret);
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  memory:\n    memory_compaction: 101\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_EQ(3, r.e.e[0].line);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "from 0 to 100, not '101'"));
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  memory:\n    memory_compaction: -1\n");
	EXPECT_EQ(1, r.ret);
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  cpu:\n    prefetch_distance: 100\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "a multiple of 64"));
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  memory:\n    transparent_hugepage: sometimes\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "always | madvise | never"));
	parsed_free(&r);
}

TEST(duplicate_key_and_bad_yaml_have_lines)
{
	struct parsed r;

	parse(&r, "low_level_optimization:\n  memory:\n    huge_pages: 1\n    huge_pages: 2\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_EQ(4, r.e.e[0].line);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "first on line 3"));
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  memory: [\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "not valid YAML"));
	EXPECT_GT(r.e.e[0].line, 1);
	parsed_free(&r);
}

TEST(hash_ignores_comments_and_order_but_not_values)
{
	struct parsed a, b, c;
	char ha[80], hb[80], hc[80];

	parse(&a, "low_level_optimization:\n  memory:\n    huge_pages: 1\n    numa_balancing: no\n");
	parse(&b, "# x\nlow_level_optimization:\n  memory: {numa_balancing: false, huge_pages: 1}\n");
	parse(&c, "low_level_optimization:\n  memory:\n    huge_pages: 2\n    numa_balancing: no\n");
	ASSERT_EQ(0, a.ret + b.ret + c.ret);
	ASSERT_EQ(0, cfg_hash(&a.p, ha, sizeof(ha)));
	ASSERT_EQ(0, cfg_hash(&b.p, hb, sizeof(hb)));
	ASSERT_EQ(0, cfg_hash(&c.p, hc, sizeof(hc)));
	EXPECT_EQ(0, strncmp(ha, "sha256:", 7));
	EXPECT_EQ(71, (int)strlen(ha));
	EXPECT_STREQ(ha, hb);
	EXPECT_STRNE(ha, hc);
	parsed_free(&a);
	parsed_free(&b);
	parsed_free(&c);
}

/* --- against a fake root ----------------------------------------------------- */

#define THP "sys/kernel/mm/transparent_hugepage/enabled"

struct fake {
	char dir[64];
	char state[128];
	const char *fail_path;	/* this write fails with EIO */
	long hugepages_max;	/* the "kernel" allocates at most this many */
	int writes;
	struct cfg_nic_coal nic;
	bool nic_present;
};

/* Writes as the kernel would: THP keeps its list with the new [choice]. */
static int fake_write(const struct cfg_ctx *ctx, const char *path,
		      const char *value)
{
	struct fake *f = ctx->priv;
	char buf[128];
	long n;

	f->writes++;
	if (f->fail_path && !strcmp(path, f->fail_path))
		return -EIO;
	if (!strcmp(path, THP)) {
		snprintf(buf, sizeof(buf), "%s %s %s\n",
			 strcmp(value, "always") ? "always" : "[always]",
			 strcmp(value, "madvise") ? "madvise" : "[madvise]",
			 strcmp(value, "never") ? "never" : "[never]");
		return fake_put(f->dir, path, buf);
	}
	if (!strcmp(path, "proc/sys/vm/nr_hugepages") &&
	    !llctl_parse_long(value, &n) && n > f->hugepages_max) {
		snprintf(buf, sizeof(buf), "%ld\n", f->hugepages_max);
		return fake_put(f->dir, path, buf);
	}
	return cfg_write_file(ctx, path, value);
}

static struct fake *nic_fake;

static int fake_nic_get(const char *ifname, struct cfg_nic_coal *c)
{
	if (strcmp(ifname, "eth0") || !nic_fake->nic_present)
		return -EOPNOTSUPP;
	*c = nic_fake->nic;
	return 0;
}

static int fake_nic_set(const char *ifname, const struct cfg_nic_coal *c)
{
	if (strcmp(ifname, "eth0"))
		return -EOPNOTSUPP;
	nic_fake->nic = *c;
	return 0;
}

static const struct cfg_nic_ops fake_nic = { fake_nic_get, fake_nic_set };

FIXTURE(fake_root) {
	struct fake f;
	struct cfg_ctx ctx;
	struct cfg_profile p;
	struct cfg_errors e;
	char *out;
	size_t outlen;
};

static void put_system(const char *d)
{
	fake_put(d, THP, "always [madvise] never\n");
	fake_put(d, "proc/sys/vm/nr_hugepages", "0\n");
	fake_put(d, "proc/sys/vm/compaction_proactiveness", "20\n");
	fake_put(d, "proc/sys/net/core/busy_poll", "0\n");
	fake_put(d, "proc/sys/net/core/busy_read", "0\n");
	fake_put(d, "sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size", "64\n");
	fake_put(d, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu sse2 avx avx2\n\n");
	fake_mkdir(d, "sys/class/net/lo");
	fake_mkdir(d, "sys/class/net/eth0");
	fake_mkdir(d, "proc/1");
	fake_put(d, "proc/1/comm", "systemd\n");
	/* no proc/sys/kernel/numa_balancing: a kernel without NUMA */
}

FIXTURE_SETUP(fake_root)
{
	snprintf(self->f.dir, sizeof(self->f.dir), FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->f.dir));
	snprintf(self->f.state, sizeof(self->f.state), "%s/state", self->f.dir);
	self->f.hugepages_max = 1 << 20;
	self->f.nic = (struct cfg_nic_coal){ 50, 32, 1, 1 };
	self->f.nic_present = true;
	nic_fake = &self->f;
	put_system(self->f.dir);
	self->ctx = (struct cfg_ctx){ .root = self->f.dir,
				      .state_dir = self->f.state,
				      .nic = &fake_nic,
				      .write_file = fake_write,
				      .priv = &self->f };
	memset(&self->p, 0, sizeof(self->p));
	memset(&self->e, 0, sizeof(self->e));
	ASSERT_EQ(0, cfg_parse_string(good, strlen(good), &self->p, &self->e));
	self->out = NULL;
}

FIXTURE_TEARDOWN(fake_root)
{
	cfg_profile_free(&self->p);
	cfg_errors_free(&self->e);
	free(self->out);
	fake_root_remove(self->f.dir);
}

static char *readf(const char *root, const char *path)
{
	return llctl_root_read(root, path);
}

#define EXPECT_FILE(want, path) do {				\
	char *_s = readf(self->f.dir, path);			\
	EXPECT_STREQ(want, _s ? _s : "(unreadable)");		\
	free(_s);						\
} while (0)

static const struct cfg_item *find(const struct cfg_plan *pl, const char *target)
{
	int i;

	for (i = 0; i < pl->n; i++)
		if (!strcmp(pl->it[i].target, target))
			return &pl->it[i];
	return NULL;
}

static int apply(struct __test_metadata *_metadata, FIXTURE_DATA(fake_root) *self,
		 int *changed)
{
	FILE *o, *e = fopen("/dev/null", "we");
	int ret;

	(void)_metadata;
	free(self->out);
	self->out = NULL;
	o = open_memstream(&self->out, &self->outlen);
	ret = cfg_apply(&self->ctx, &self->p, changed, o, e);
	fclose(o);
	fclose(e);
	return ret;
}

static int revert(FIXTURE_DATA(fake_root) *self, int *restored)
{
	FILE *o = fopen("/dev/null", "we"), *e = fopen("/dev/null", "we");
	int ret = cfg_revert(&self->ctx, restored, o, e);

	fclose(o);
	fclose(e);
	return ret;
}

static bool state_exists(FIXTURE_DATA(fake_root) *self)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", self->f.state, LLCTL_STATE_FILE);
	return !access(p, F_OK);
}

TEST_F(fake_root, plan_reads_current_values_and_says_what_is_absent)
{
	struct cfg_plan pl = { 0 };
	const struct cfg_item *it;

	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &self->p, &pl));
	it = find(&pl, THP);
	ASSERT_NE(NULL, it);
	EXPECT_STREQ("madvise", it->current);
	EXPECT_STREQ("never", it->wanted);
	EXPECT_EQ(CFG_CHANGE, it->action);
	it = find(&pl, "proc/sys/kernel/numa_balancing");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_UNAVAILABLE, it->action);
	EXPECT_NE(NULL, strstr(it->note, "not available on this kernel"));
	it = find(&pl, "proc/sys/net/core/busy_read");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_CHANGE, it->action);
	it = find(&pl, "eth0");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_CHANGE, it->action);
	EXPECT_STREQ("rx-usecs 0 rx-frames 1 adaptive-rx off adaptive-tx off", it->wanted);
	EXPECT_EQ(NULL, find(&pl, "lo"));
	it = find(&pl, "proc/cpuinfo flags");
	ASSERT_NE(NULL, it);
	EXPECT_STREQ("256", it->current);
	EXPECT_EQ(CFG_REPORT, it->action);
	/* 5 files, eth0, 4 defaults */
	EXPECT_EQ(10, cfg_plan_changes(&pl));
	cfg_plan_free(&pl);
	EXPECT_EQ(0, self->f.writes);	/* planning writes nothing */
}

TEST_F(fake_root, mismatched_cache_line_and_simd_are_reported_not_changed)
{
	struct cfg_plan pl = { 0 };
	const struct cfg_item *it;

	fake_put(self->f.dir, "sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size", "128\n");
	fake_put(self->f.dir, "proc/cpuinfo", "flags\t\t: fpu sse2\n");
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &self->p, &pl));
	it = find(&pl, "sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_MISMATCH, it->action);
	EXPECT_NE(NULL, strstr(it->note, "128 bytes, not 64"));
	it = find(&pl, "proc/cpuinfo flags");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_MISMATCH, it->action);
	cfg_plan_free(&pl);
}

TEST_F(fake_root, apply_verify_revert_restore_every_value)
{
	struct cfg_plan pl = { 0 };
	struct json_object *st;
	int changed, restored;

	ASSERT_EQ(0, apply(_metadata, self, &changed));
	EXPECT_EQ(10, changed);
	EXPECT_FILE("always madvise [never]", THP);
	EXPECT_FILE("8", "proc/sys/vm/nr_hugepages");
	EXPECT_FILE("0", "proc/sys/vm/compaction_proactiveness");
	EXPECT_FILE("50", "proc/sys/net/core/busy_poll");
	EXPECT_FILE("50", "proc/sys/net/core/busy_read");
	EXPECT_EQ(0u, self->f.nic.rx_usecs);
	EXPECT_EQ(0u, self->f.nic.adaptive_rx);

	st = cfg_state_load(self->f.state);
	ASSERT_NE(NULL, st);
	json_object_put(st);

	/* verify: every changeable item matches */
	{
		struct cfg_profile cur = { 0 };

		st = cfg_state_load(self->f.state);
		ASSERT_EQ(0, cfg_state_profile(st, &cur));
		pl.applied = &cur;
		ASSERT_EQ(0, cfg_plan_build(&self->ctx, &cur, &pl));
		EXPECT_EQ(0, cfg_plan_changes(&pl));
		cfg_plan_free(&pl);
		cfg_profile_free(&cur);
		json_object_put(st);
	}

	ASSERT_EQ(0, revert(self, &restored));
	EXPECT_EQ(6, restored);
	EXPECT_FILE("always [madvise] never", THP);
	EXPECT_FILE("0", "proc/sys/vm/nr_hugepages");
	EXPECT_FILE("20", "proc/sys/vm/compaction_proactiveness");
	EXPECT_FILE("0", "proc/sys/net/core/busy_poll");
	EXPECT_FILE("0", "proc/sys/net/core/busy_read");
	EXPECT_EQ(50u, self->f.nic.rx_usecs);
	EXPECT_EQ(32u, self->f.nic.rx_frames);
	EXPECT_EQ(1u, self->f.nic.adaptive_rx);
	EXPECT_FALSE(state_exists(self));
}

TEST_F(fake_root, applying_twice_changes_nothing)
{
	int changed, writes;

	ASSERT_EQ(0, apply(_metadata, self, &changed));
	writes = self->f.writes;
	ASSERT_EQ(0, apply(_metadata, self, &changed));
	EXPECT_EQ(0, changed);
	EXPECT_EQ(writes, self->f.writes);
	EXPECT_NE(NULL, strstr(self->out, "nothing to change"));
}

TEST_F(fake_root, reapply_after_drift_keeps_the_original_values)
{
	int changed, restored;

	ASSERT_EQ(0, apply(_metadata, self, &changed));
	fake_put(self->f.dir, "proc/sys/net/core/busy_poll", "7\n");	/* drift */
	ASSERT_EQ(0, apply(_metadata, self, &changed));
	EXPECT_EQ(1, changed);
	EXPECT_FILE("50", "proc/sys/net/core/busy_poll");
	ASSERT_EQ(0, revert(self, &restored));
	EXPECT_FILE("0", "proc/sys/net/core/busy_poll");	/* not 7 */
}

TEST_F(fake_root, failing_write_rolls_back_and_records_nothing)
{
	int changed;

	self->f.fail_path = "proc/sys/net/core/busy_read";
	EXPECT_NE(0, apply(_metadata, self, &changed));
	EXPECT_EQ(0, changed);
	/* written before the failure, then restored */
	EXPECT_FILE("always [madvise] never", THP);
	EXPECT_FILE("0", "proc/sys/vm/nr_hugepages");
	EXPECT_FILE("20", "proc/sys/vm/compaction_proactiveness");
	EXPECT_FILE("0", "proc/sys/net/core/busy_poll");
	EXPECT_EQ(50u, self->f.nic.rx_usecs);
	EXPECT_FALSE(state_exists(self));
}

TEST_F(fake_root, short_huge_page_allocation_is_said_and_verify_differs)
{
	struct cfg_plan pl = { 0 };
	const struct cfg_item *it;
	int changed;

	self->f.hugepages_max = 3;
	ASSERT_EQ(0, apply(_metadata, self, &changed));
	EXPECT_FILE("3", "proc/sys/vm/nr_hugepages");
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &self->p, &pl));
	it = find(&pl, "proc/sys/vm/nr_hugepages");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_CHANGE, it->action);	/* verify: differs */
	EXPECT_STREQ("3", it->current);
	cfg_plan_free(&pl);
}

TEST_F(fake_root, another_profile_is_refused_until_revert)
{
	struct cfg_profile q = { 0 };
	struct cfg_errors e = { 0 };
	const char *other = "low_level_optimization:\n  memory:\n    huge_pages: 2\n";
	FILE *o = fopen("/dev/null", "we");
	int changed, restored;

	ASSERT_EQ(0, apply(_metadata, self, &changed));
	ASSERT_EQ(0, cfg_parse_string(other, strlen(other), &q, &e));
	EXPECT_NE(0, cfg_apply(&self->ctx, &q, &changed, o, o));
	EXPECT_FILE("8", "proc/sys/vm/nr_hugepages");
	ASSERT_EQ(0, revert(self, &restored));
	EXPECT_EQ(0, cfg_apply(&self->ctx, &q, &changed, o, o));
	EXPECT_FILE("2", "proc/sys/vm/nr_hugepages");
	fclose(o);
	cfg_profile_free(&q);
	cfg_errors_free(&e);
}

TEST_F(fake_root, no_coalescing_nic_is_said)
{
	struct cfg_plan pl = { 0 };
	const struct cfg_item *it;

	self->f.nic_present = false;
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &self->p, &pl));
	it = find(&pl, "(no interface)");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_UNAVAILABLE, it->action);
	EXPECT_NE(NULL, strstr(it->note, "supports interrupt coalescing"));
	cfg_plan_free(&pl);
}

TEST_F(fake_root, daemons_that_fight_are_named)
{
	struct cfg_daemon d[4];
	char s[128];
	int n;

	fake_mkdir(self->f.dir, "proc/812");
	fake_put(self->f.dir, "proc/812/comm", "tuned\n");
	fake_mkdir(self->f.dir, "proc/40");
	fake_put(self->f.dir, "proc/40/comm", "irqbalance\n");
	n = cfg_daemons(self->f.dir, d, 4);
	ASSERT_EQ(2, n);
	cfg_daemons_str(d, n, s, sizeof(s));
	EXPECT_NE(NULL, strstr(s, "tuned (pid 812)"));
	EXPECT_NE(NULL, strstr(s, "irqbalance (pid 40)"));
}

TEST_F(fake_root, state_round_trips_the_profile)
{
	struct cfg_profile cur = { 0 };
	struct json_object *st;
	char h1[80], h2[80];
	int changed;

	ASSERT_EQ(0, apply(_metadata, self, &changed));
	st = cfg_state_load(self->f.state);
	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, cfg_state_profile(st, &cur));
	ASSERT_EQ(0, cfg_hash(&self->p, h1, sizeof(h1)));
	ASSERT_EQ(0, cfg_hash(&cur, h2, sizeof(h2)));
	EXPECT_STREQ(h1, h2);
	cfg_profile_free(&cur);
	json_object_put(st);
}

/* --- the profile users write (selftests/llkm/user_profile.yaml) --------------- */

/* The fixture, byte for byte from issue 22: its path comes from the Makefile. */
static void parse_users(struct parsed *r)
{
	memset(r, 0, sizeof(*r));
	r->ret = cfg_parse_file(USER_PROFILE, &r->p, &r->e);
}

static int nset(const struct cfg_profile *p)
{
	int i, n = 0;

	for (i = 0; i < cfg_nkeys(); i++)
		n += p->v[i].set;
	return n;
}

TEST(users_profile_verbatim_is_accepted_with_one_meaning_each)
{
	struct parsed r;

	parse_users(&r);
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(0, r.e.n);
	/* true: the setting's well-known enabled value */
	EXPECT_EQ(50, val(&r, "network.busy_poll")->num);
	EXPECT_EQ(20, val(&r, "memory.memory_compaction")->num);
	/* aggressive: branch prediction without spectre_v2 hardening */
	EXPECT_STREQ("unmitigated", val(&r, "cpu.branch_prediction")->str);
	/* context_switches: the sched class */
	EXPECT_STREQ("syscalls,irqs,sched", val(&r, "profiling.trace_points")->str);
	/* below 64: cache lines, resolved by the plan */
	EXPECT_EQ(16, val(&r, "cpu.prefetch_distance")->num);
	/* resolved on the machine by the plan */
	EXPECT_STREQ("true", val(&r, "memory.huge_pages")->str);
	EXPECT_STREQ("all", val(&r, "profiling.hardware_counters")->str);
	EXPECT_EQ(16, nset(&r.p));
	parsed_free(&r);
}

TEST(users_values_keep_their_boundaries)
{
	struct parsed r;

	parse(&r, "low_level_optimization:\n  cpu:\n    prefetch_distance: 63\n");
	EXPECT_EQ(0, r.ret);	/* 63 cache lines */
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  cpu:\n    prefetch_distance: 64\n");
	EXPECT_EQ(0, r.ret);	/* 64 bytes */
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  cpu:\n    prefetch_distance: 65\n");
	EXPECT_EQ(1, r.ret);	/* neither */
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  network:\n    busy_poll: false\n"
		  "  memory:\n    memory_compaction: off\n    huge_pages: no\n");
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(0, val(&r, "network.busy_poll")->num);
	EXPECT_EQ(0, val(&r, "memory.memory_compaction")->num);
	EXPECT_EQ(0, val(&r, "memory.huge_pages")->num);
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  profiling:\n    hardware_counters: [cycles, all]\n");
	EXPECT_EQ(1, r.ret);	/* all stands alone */
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  cpu:\n    branch_prediction: reckless\n");
	EXPECT_EQ(1, r.ret);
	parsed_free(&r);
}

/* The users' profile on the fake root: plan, then apply and revert. */
static const struct cfg_item *find_key(const struct cfg_plan *pl, const char *key)
{
	int i, k = cfg_key_find(key);

	for (i = 0; i < pl->n; i++)
		if (pl->it[i].key == k)
			return &pl->it[i];
	return NULL;
}

TEST_F(fake_root, users_profile_plan_gives_each_key_its_concrete_setting)
{
	struct parsed r;
	struct cfg_plan pl = { 0 };
	const struct cfg_item *it;
	int i;

	fake_put(self->f.dir, "sys/devices/system/cpu/vulnerabilities/spectre_v2",
		 "Mitigation: Retpolines; STIBP: disabled; RSB filling\n");
	parse_users(&r);
	ASSERT_EQ(0, r.ret);
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &r.p, &pl));
	for (i = 0; i < cfg_nkeys(); i++)
		EXPECT_NE(NULL, find_key(&pl, cfg_key_name(cfg_key_at(i))));
	it = find(&pl, "proc/sys/net/core/busy_poll");
	ASSERT_NE(NULL, it);
	EXPECT_STREQ("50", it->wanted);
	it = find(&pl, "proc/sys/net/core/busy_read");
	ASSERT_NE(NULL, it);
	EXPECT_STREQ("50", it->wanted);
	it = find(&pl, "proc/sys/vm/compaction_proactiveness");
	ASSERT_NE(NULL, it);
	EXPECT_STREQ("20", it->wanted);
	/* 16 lines of this machine's 64 bytes */
	it = find_key(&pl, "cpu.prefetch_distance");
	EXPECT_STREQ("1024", it->wanted);
	EXPECT_NE(NULL, strstr(it->note, "16 cache lines"));
	/* a boot parameter: said, not pretended */
	it = find_key(&pl, "cpu.branch_prediction");
	EXPECT_EQ(CFG_UNAVAILABLE, it->action);
	EXPECT_NE(NULL, strstr(it->note, "spectre_v2=off"));
	EXPECT_NE(NULL, strstr(it->note, "reboot"));
	/* THP only, nr_hugepages left alone */
	it = find_key(&pl, "memory.huge_pages");
	EXPECT_EQ(CFG_REPORT, it->action);
	EXPECT_NE(NULL, strstr(it->note, "THP only"));
	/* the application's choices */
	it = find_key(&pl, "network.zero_copy");
	EXPECT_EQ(CFG_UNAVAILABLE, it->action);
	EXPECT_NE(NULL, strstr(it->note, "application"));
	it = find_key(&pl, "network.kernel_bypass");
	EXPECT_EQ(CFG_UNAVAILABLE, it->action);
	EXPECT_NE(NULL, strstr(it->note, "AF_XDP"));
	it = find_key(&pl, "profiling.trace_points");
	EXPECT_STREQ("syscalls,irqs,sched", it->wanted);
	EXPECT_NE(NULL, strstr(it->note, "context_switches"));
	cfg_plan_free(&pl);
	parsed_free(&r);
	EXPECT_EQ(0, self->f.writes);
}

TEST_F(fake_root, users_profile_apply_then_revert_restores_every_file)
{
	static const char *const files[] = {
		THP, "proc/sys/vm/nr_hugepages", "proc/sys/vm/compaction_proactiveness",
		"proc/sys/net/core/busy_poll", "proc/sys/net/core/busy_read",
	};
	char *before[5];
	struct parsed r;
	int changed, restored;
	unsigned int i;

	for (i = 0; i < 5; i++)
		before[i] = readf(self->f.dir, files[i]);
	parse_users(&r);
	ASSERT_EQ(0, r.ret);
	cfg_profile_free(&self->p);
	self->p = r.p;
	memset(&r.p, 0, sizeof(r.p));
	ASSERT_EQ(0, apply(_metadata, self, &changed));
	EXPECT_FILE("[always] madvise never", THP);
	EXPECT_FILE("20", "proc/sys/vm/compaction_proactiveness");
	EXPECT_FILE("50", "proc/sys/net/core/busy_poll");
	EXPECT_FILE("50", "proc/sys/net/core/busy_read");
	EXPECT_FILE("0", "proc/sys/vm/nr_hugepages");	/* THP only */
	EXPECT_EQ(1u, self->f.nic.adaptive_rx);		/* already adaptive */
	ASSERT_EQ(0, revert(self, &restored));
	for (i = 0; i < 5; i++) {
		EXPECT_FILE(before[i], files[i]);
		free(before[i]);
	}
	EXPECT_FALSE(state_exists(self));
	parsed_free(&r);
}

/* Today's 7 errors of check --strict on the users' profile (issue 22). */
static const struct {
	int line, column;
	const char *msg;
} strict_errors[] = {
	{ 6, 24, "cpu.prefetch_distance: expected an integer from 0 to 8192, a multiple of 64, not '16'" },
	{ 7, 24, "cpu.branch_prediction: expected one of any | mitigated | unmitigated, not 'aggressive'" },
	{ 11, 17, "memory.huge_pages: expected an integer from 0 to 1048576, not 'true'" },
	{ 14, 24, "memory.memory_compaction: expected an integer from 0 to 100, not 'true'" },
	{ 20, 16, "network.busy_poll: expected an integer from 0 to 1000000, not 'true'" },
	{ 27, 24, "profiling.hardware_counters: expected a list, e.g. [a, b], not 'all'" },
	{ 28, 19, "profiling.trace_points: expected items of syscalls | irqs | softirqs | sched, not 'context_switches'" },
};

TEST(strict_refuses_users_profile_with_the_7_messages_of_old)
{
	struct parsed r;
	int i;

	memset(&r, 0, sizeof(r));
	r.p.strict = true;
	r.ret = cfg_parse_file(USER_PROFILE, &r.p, &r.e);
	ASSERT_EQ(1, r.ret);
	ASSERT_EQ(7, r.e.n);
	EXPECT_EQ(0, r.e.nnote);
	for (i = 0; i < 7; i++) {
		EXPECT_EQ(strict_errors[i].line, r.e.e[i].line);
		EXPECT_EQ(strict_errors[i].column, r.e.e[i].column);
		EXPECT_STREQ(strict_errors[i].msg, r.e.e[i].msg);
	}
	parsed_free(&r);
}

TEST(users_profile_notes_say_each_meaning_where_it_stands)
{
	struct parsed r;
	int i;

	parse_users(&r);
	ASSERT_EQ(0, r.ret);
	ASSERT_EQ(7, r.e.nnote);
	/* one note where each strict error was, with the meaning */
	for (i = 0; i < 7; i++) {
		EXPECT_EQ(strict_errors[i].line, r.e.note[i].line);
		EXPECT_EQ(strict_errors[i].column, r.e.note[i].column);
	}
	EXPECT_NE(NULL, strstr(r.e.note[0].msg, "16 cache lines"));
	EXPECT_NE(NULL, strstr(r.e.note[1].msg, "'aggressive' means"));
	EXPECT_NE(NULL, strstr(r.e.note[1].msg, "spectre_v2=off"));
	EXPECT_NE(NULL, strstr(r.e.note[2].msg, "THP only"));
	EXPECT_NE(NULL, strstr(r.e.note[3].msg, "'true' means 20"));
	EXPECT_NE(NULL, strstr(r.e.note[4].msg, "'true' means 50 us"));
	EXPECT_NE(NULL, strstr(r.e.note[5].msg, "'all' means every generic hardware event"));
	EXPECT_NE(NULL, strstr(r.e.note[6].msg, "'context_switches' means the sched class"));
	parsed_free(&r);
}

TEST(lenient_errors_name_the_words_too)
{
	struct parsed r;

	parse(&r, "low_level_optimization:\n  cpu:\n    prefetch_distance: 65\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "a multiple of 64, not '65'; or 1 to 63: cache lines"));
	parsed_free(&r);
	parse(&r, "low_level_optimization:\n  network:\n    busy_poll: maybe\n");
	ASSERT_EQ(1, r.ret);
	EXPECT_NE(NULL, strstr(r.e.e[0].msg, "not 'maybe'; or true, false"));
	parsed_free(&r);
}

/* The event probe of the unit tests: events 0 and 1 (cycles, instructions). */
static int fake_events_open(const struct cfg_ctx *ctx, unsigned long long config)
{
	(void)ctx;
	return config <= 1 ? 0 : -ENOENT;
}

static int no_events_open(const struct cfg_ctx *ctx, unsigned long long config)
{
	(void)ctx;
	(void)config;
	return -ENOENT;
}

TEST_F(fake_root, hardware_counters_all_is_every_event_that_opens_here)
{
	struct parsed r;
	struct cfg_plan pl = { 0 };
	const struct cfg_item *it;

	parse(&r, "low_level_optimization:\n  profiling:\n    hardware_counters: all\n");
	ASSERT_EQ(0, r.ret);
	self->ctx.event_open = fake_events_open;
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &r.p, &pl));
	it = find_key(&pl, "profiling.hardware_counters");
	ASSERT_NE(NULL, it);
	EXPECT_STREQ("cycles,instructions", it->wanted);
	EXPECT_EQ(CFG_CHANGE, it->action);
	cfg_plan_free(&pl);

	self->ctx.event_open = no_events_open;
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &r.p, &pl));
	it = find_key(&pl, "profiling.hardware_counters");
	ASSERT_NE(NULL, it);
	EXPECT_EQ(CFG_UNAVAILABLE, it->action);
	EXPECT_NE(NULL, strstr(it->note, "none opens here"));
	EXPECT_NE(NULL, strstr(it->note, "no hardware PMU"));
	cfg_plan_free(&pl);
	parsed_free(&r);
}

TEST_F(fake_root, users_profile_plan_prints_units_and_boot_facts)
{
	struct parsed r;
	struct cfg_plan pl = { 0 };
	const struct cfg_item *it;

	fake_put(self->f.dir, "sys/devices/system/cpu/vulnerabilities/spectre_v2",
		 "Not affected\n");
	parse_users(&r);
	ASSERT_EQ(0, r.ret);
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &r.p, &pl));
	EXPECT_STREQ("us", find(&pl, "proc/sys/net/core/busy_poll")->unit);
	EXPECT_NE(NULL, strstr(find(&pl, "proc/sys/net/core/busy_poll")->note,
			       "'true' means 50 us"));
	EXPECT_STREQ("bytes", find_key(&pl, "cpu.prefetch_distance")->unit);
	EXPECT_STREQ("bits", find_key(&pl, "cpu.simd_width")->unit);
	EXPECT_STREQ("Hz", find_key(&pl, "profiling.sampling_rate")->unit);
	EXPECT_STREQ("pages", find_key(&pl, "memory.huge_pages")->unit);
	/* nothing to mitigate: aggressive holds, reported */
	it = find_key(&pl, "cpu.branch_prediction");
	EXPECT_EQ(CFG_REPORT, it->action);
	cfg_plan_free(&pl);

	/* 128-byte lines: 16 lines are 2048 bytes */
	fake_put(self->f.dir, "sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size", "128\n");
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &r.p, &pl));
	EXPECT_STREQ("2048", find_key(&pl, "cpu.prefetch_distance")->wanted);
	cfg_plan_free(&pl);
	parsed_free(&r);
}

TEST_F(fake_root, users_profile_applied_verifies_and_survives_the_state)
{
	struct cfg_profile cur = { 0 };
	struct cfg_plan pl = { 0 };
	struct json_object *st;
	struct parsed r;
	char h1[80], h2[80];
	int changed, i;

	parse_users(&r);
	ASSERT_EQ(0, r.ret);
	cfg_profile_free(&self->p);
	self->p = r.p;
	memset(&r.p, 0, sizeof(r.p));
	self->ctx.event_open = fake_events_open;
	ASSERT_EQ(0, apply(_metadata, self, &changed));
	st = cfg_state_load(self->f.state);
	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, cfg_state_profile(st, &cur));
	ASSERT_EQ(0, cfg_hash(&self->p, h1, sizeof(h1)));
	ASSERT_EQ(0, cfg_hash(&cur, h2, sizeof(h2)));
	EXPECT_STREQ(h1, h2);
	EXPECT_TRUE(cur.v[cfg_key_find("profiling.hardware_counters")].here);
	EXPECT_TRUE(cur.v[cfg_key_find("memory.huge_pages")].here);
	/* verify: nothing left to change, nothing differs */
	pl.applied = &cur;
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &cur, &pl));
	EXPECT_EQ(0, cfg_plan_changes(&pl));
	for (i = 0; i < pl.n; i++)
		EXPECT_NE(CFG_MISMATCH, pl.it[i].action);
	cfg_plan_free(&pl);
	cfg_profile_free(&cur);
	json_object_put(st);
	parsed_free(&r);
}

TEST_F(fake_root, busy_poll_without_a_nic_is_set_and_says_so_on_both_files)
{
	struct cfg_plan pl = { 0 };
	char p[256];
	int i, n = 0;

	snprintf(p, sizeof(p), "%s/sys/class/net/eth0", self->f.dir);
	ASSERT_EQ(0, rmdir(p));
	ASSERT_EQ(0, cfg_plan_build(&self->ctx, &self->p, &pl));
	for (i = 0; i < pl.n; i++) {
		if (strncmp(pl.it[i].target, "proc/sys/net/core/busy_", 23))
			continue;
		n++;
		EXPECT_EQ(CFG_CHANGE, pl.it[i].action);
		EXPECT_NE(NULL, strstr(pl.it[i].note, "no network interface here but lo"));
	}
	EXPECT_EQ(2, n);
	cfg_plan_free(&pl);
}

TEST_F(fake_root, users_profile_gives_record_profile_and_trace_their_defaults)
{
	struct cfg_defaults d = { .stack_depth = -1 };
	struct parsed r;
	int changed;

	parse_users(&r);
	ASSERT_EQ(0, r.ret);
	cfg_profile_free(&self->p);
	self->p = r.p;
	memset(&r.p, 0, sizeof(r.p));
	ASSERT_EQ(0, apply(_metadata, self, &changed));
	ASSERT_EQ(0, setenv("LLCTL_STATE_DIR", self->f.state, 1));
	cfg_defaults(&d);
	unsetenv("LLCTL_STATE_DIR");
	EXPECT_EQ(10000, d.sampling_rate);
	EXPECT_EQ(64, d.stack_depth);
	EXPECT_STREQ("syscalls,irqs,sched", d.trace_points);
	/* all: the events that open on this host, or said why none */
	EXPECT_TRUE((d.hardware_counters != NULL) != (d.note != NULL));
	if (d.note) {
		EXPECT_NE(NULL, strstr(d.note, "no hardware event opens here"));
	} else {
		EXPECT_EQ(NULL, strstr(d.hardware_counters, "all"));
	}
	cfg_defaults_free(&d);
	parsed_free(&r);
}

TEST_HARNESS_MAIN
