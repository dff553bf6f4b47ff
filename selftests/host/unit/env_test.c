// SPDX-License-Identifier: GPL-2.0
/*
 * The environment header of every report (user/lib/env.c) and the CPU list
 * parser (user/lib/rootfs.h), on fake proc/ and sys/ trees.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <json-c/json.h>

#include "cpuinfo_arm64.h"
#include "fake_root.h"
#include "kselftest_harness.h"

#include "lib/env.h"
#include "lib/rootfs.h"

static const char cpuinfo_intel[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"cpu family\t: 6\n"
	"model\t\t: 85\n"
	"model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\n"
	"stepping\t: 7\n"
	"microcode\t: 0x5003604\n"
	"cpu MHz\t\t: 2500.000\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce vmx hypervisorless\n"
	"bogomips\t: 5000.00\n"
	"\n"
	"processor\t: 1\n"
	"vendor_id\t: GenuineIntel\n"
	"cpu family\t: 15\n"
	"model\t\t: 99\n"
	"model name\t: the second CPU, never read\n"
	"stepping\t: 9\n"
	"microcode\t: 0xdead\n"
	"flags\t\t: fpu hypervisor\n"
	"\n";

static const char cpuinfo_amd_vm[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"cpu family\t: 25\n"
	"model\t\t: 1\n"
	"model name\t: AMD EPYC 7763 64-Core Processor\n"
	"stepping\t: 1\n"
	"microcode\t: 0xa001144\n"
	"flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n"
	"\n";

/*
 * arm64 6.1's cpuinfo: no model name, MIDR_EL1's fields instead. An Ampere
 * Altra's cores are Neoverse N1 r3p1: MIDR_EL1 0x413fd0c1.
 */
static const char cpuinfo_neoverse_n1[] =
	"processor\t: 0\n"
	"BogoMIPS\t: 50.00\n"
	"Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\n"
	"CPU implementer\t: 0x41\n"
	"CPU architecture: 8\n"
	"CPU variant\t: 0x3\n"
	"CPU part\t: 0xd0c\n"
	"CPU revision\t: 1\n"
	"\n"
	"processor\t: 1\n"
	"CPU implementer\t: 0x51\n"
	"CPU part\t: 0x801\n"
	"\n";


#define MIDR_SYSFS "sys/devices/system/cpu/cpu0/regs/identification/midr_el1"

/* No microcode line (some hypervisors), stepping not a number. */
static const char cpuinfo_sparse[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"cpu family\t: 6\n"
	"model\t\t: 106\n"
	"model name\t: Intel Xeon Processor (Icelake)\n"
	"stepping\t: unknown\n"
	"flags\t\t: fpu hypervisor\n"
	"\n";

TEST(cpulist_single_cpu_counts_one)
{
	EXPECT_EQ(1, llctl_cpulist_count("0"));
	EXPECT_EQ(1, llctl_cpulist_count("7\n"));
}

TEST(cpulist_degenerate_range_counts_one)
{
	EXPECT_EQ(1, llctl_cpulist_count("0-0"));
	EXPECT_EQ(1, llctl_cpulist_count("5-5"));
}

TEST(cpulist_ranges_and_singles_add_up)
{
	EXPECT_EQ(5, llctl_cpulist_count("0-3,5"));
	EXPECT_EQ(7, llctl_cpulist_count("0-3,8,10-11"));
	EXPECT_EQ(7, llctl_cpulist_count("0-3,8,10-11\n"));
	EXPECT_EQ(2, llctl_cpulist_count("0,1"));
}

TEST(cpulist_empty_list_counts_zero)
{
	EXPECT_EQ(0, llctl_cpulist_count(""));
	EXPECT_EQ(0, llctl_cpulist_count("\n"));
}

TEST(cpulist_reversed_range_is_malformed)
{
	EXPECT_EQ(-1, llctl_cpulist_count("3-1"));
	EXPECT_EQ(-1, llctl_cpulist_count("1-0"));
}

TEST(cpulist_non_digits_are_malformed)
{
	EXPECT_EQ(-1, llctl_cpulist_count("a"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-a"));
	EXPECT_EQ(-1, llctl_cpulist_count("-1"));
	EXPECT_EQ(-1, llctl_cpulist_count("+1"));
	EXPECT_EQ(-1, llctl_cpulist_count(" 0"));
	EXPECT_EQ(-1, llctl_cpulist_count("0 "));
	EXPECT_EQ(-1, llctl_cpulist_count("0, 1"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-3:2/4"));
	EXPECT_EQ(-1, llctl_cpulist_count(NULL));
}

TEST(cpulist_stray_separators_are_malformed)
{
	EXPECT_EQ(-1, llctl_cpulist_count("0,"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-3,"));
	EXPECT_EQ(-1, llctl_cpulist_count(",0"));
	EXPECT_EQ(-1, llctl_cpulist_count("0,,1"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-"));
	EXPECT_EQ(-1, llctl_cpulist_count("0--3"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-1-2"));
	EXPECT_EQ(-1, llctl_cpulist_count("0\n\n"));
}

TEST(cpulist_overlapping_or_unsorted_is_malformed)
{
	EXPECT_EQ(-1, llctl_cpulist_count("0-3,2"));
	EXPECT_EQ(-1, llctl_cpulist_count("1,1"));
	EXPECT_EQ(-1, llctl_cpulist_count("3,1"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-3,3-5"));
}

TEST(cpulist_huge_numbers_stop_at_int_max)
{
	EXPECT_EQ(1, llctl_cpulist_count("2147483647"));
	EXPECT_EQ(-1, llctl_cpulist_count("2147483648"));
	EXPECT_EQ(-1, llctl_cpulist_count("99999999999999999999"));
	/* INT_MAX CPUs is the largest count, one more overflows */
	EXPECT_EQ(2147483647, llctl_cpulist_count("0-2147483646"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-2147483647"));
	EXPECT_EQ(-1, llctl_cpulist_count("0-1073741823,1073741824-2147483647"));
}

struct visit {
	int cpus[8];
	int n, stop_at;
};

static int visit_cpu(int cpu, void *arg)
{
	struct visit *v = arg;

	if (v->n < 8)
		v->cpus[v->n] = cpu;
	v->n++;
	return v->n == v->stop_at ? 42 : 0;
}

TEST(cpulist_for_each_visits_every_cpu_in_order)
{
	struct visit v = { .stop_at = -1 };

	EXPECT_EQ(0, llctl_cpulist_for_each("0-2,5,7-8\n", visit_cpu, &v));
	ASSERT_EQ(6, v.n);
	EXPECT_EQ(0, v.cpus[0]);
	EXPECT_EQ(2, v.cpus[2]);
	EXPECT_EQ(5, v.cpus[3]);
	EXPECT_EQ(7, v.cpus[4]);
	EXPECT_EQ(8, v.cpus[5]);
}

TEST(cpulist_for_each_stops_when_told_and_returns_that)
{
	struct visit v = { .stop_at = 3 };

	EXPECT_EQ(42, llctl_cpulist_for_each("0-9", visit_cpu, &v));
	EXPECT_EQ(3, v.n);
}

TEST(cpulist_for_each_refuses_malformed_without_a_call)
{
	struct visit v = { .stop_at = -1 };

	EXPECT_EQ(-1, llctl_cpulist_for_each("0-3,2", visit_cpu, &v));
	EXPECT_EQ(0, v.n);
}

FIXTURE(fake_root) {
	char dir[sizeof(FAKE_ROOT_TEMPLATE)];
	struct llctl_env env;
};

FIXTURE_SETUP(fake_root)
{
	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(fake_root)
{
	llctl_env_free(&self->env);
	EXPECT_EQ(0, fake_root_remove(self->dir));
	/* the harness's children _exit(): look for leaks here */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#define PUT(path, s) ASSERT_EQ(0, fake_put(self->dir, path, s))

static int collect(FIXTURE_DATA(fake_root) *self)
{
	llctl_env_free(&self->env);
	return llctl_env_collect(&self->env, self->dir);
}

/* A tree with every file lib/env.c reads. */
static int put_full_tree(const char *dir)
{
	return fake_put(dir, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n") ||
	       fake_put(dir, "proc/cpuinfo", cpuinfo_amd_vm) ||
	       fake_put(dir, "sys/class/dmi/id/sys_vendor", "QEMU\n") ||
	       fake_put(dir, "sys/devices/system/cpu/online", "0-3\n") ||
	       fake_put(dir, "sys/devices/system/cpu/smt/active", "1\n") ||
	       fake_put(dir, "sys/devices/system/node/online", "0-1\n") ||
	       fake_put(dir, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
			"performance\n") ||
	       fake_put(dir, "sys/module/llkm/version", "0.1.0\n");
}

TEST_F(fake_root, intel_cpuinfo_gives_the_first_processor)
{
	PUT("proc/cpuinfo", cpuinfo_intel);
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.cpu_model);
	EXPECT_STREQ("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
		     self->env.cpu_model);
	EXPECT_EQ(6, self->env.cpu_family);
	EXPECT_EQ(85, self->env.cpu_model_nr);
	EXPECT_EQ(7, self->env.cpu_stepping);
	ASSERT_NE(NULL, self->env.microcode);
	EXPECT_STREQ("0x5003604", self->env.microcode);
}

TEST_F(fake_root, amd_cpuinfo_parses_the_same)
{
	PUT("proc/cpuinfo", cpuinfo_amd_vm);
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.cpu_model);
	EXPECT_STREQ("AMD EPYC 7763 64-Core Processor", self->env.cpu_model);
	EXPECT_EQ(25, self->env.cpu_family);
	EXPECT_EQ(1, self->env.cpu_model_nr);
	EXPECT_EQ(1, self->env.cpu_stepping);
	ASSERT_NE(NULL, self->env.microcode);
	EXPECT_STREQ("0xa001144", self->env.microcode);
}

TEST_F(fake_root, missing_microcode_and_odd_stepping_stay_unknown)
{
	PUT("proc/cpuinfo", cpuinfo_sparse);
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(NULL, self->env.microcode);
	EXPECT_EQ(-1, self->env.cpu_stepping);
	EXPECT_EQ(106, self->env.cpu_model_nr);
}

TEST_F(fake_root, empty_tree_leaves_everything_unknown)
{
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(NULL, self->env.kernel);
	EXPECT_EQ(NULL, self->env.cpu_model);
	EXPECT_EQ(-1, self->env.cpu_family);
	EXPECT_EQ(-1, self->env.cpu_model_nr);
	EXPECT_EQ(-1, self->env.cpu_stepping);
	EXPECT_EQ(NULL, self->env.microcode);
	EXPECT_EQ(-1, self->env.online_cpus);
	EXPECT_EQ(-1, self->env.smt);
	EXPECT_EQ(-1, self->env.numa_nodes);
	EXPECT_EQ(NULL, self->env.governor);
	EXPECT_EQ(NULL, self->env.llkm_version);
	/* without cpuinfo nobody can tell bare metal from a VM */
	ASSERT_NE(NULL, self->env.hypervisor);
	EXPECT_STREQ("unknown", self->env.hypervisor);
}

TEST_F(fake_root, no_hypervisor_flag_means_bare_metal_whatever_dmi_says)
{
	PUT("proc/cpuinfo", cpuinfo_intel);
	PUT("sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(NULL, self->env.hypervisor);
}

TEST_F(fake_root, hypervisor_flag_takes_the_dmi_vendor)
{
	PUT("proc/cpuinfo", cpuinfo_amd_vm);
	PUT("sys/class/dmi/id/sys_vendor", "QEMU\n");
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.hypervisor);
	EXPECT_STREQ("QEMU", self->env.hypervisor);
}

TEST_F(fake_root, hypervisor_flag_without_vendor_is_unknown)
{
	PUT("proc/cpuinfo", cpuinfo_amd_vm);
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.hypervisor);
	EXPECT_STREQ("unknown", self->env.hypervisor);
}

TEST_F(fake_root, sys_hypervisor_type_wins)
{
	PUT("proc/cpuinfo", cpuinfo_amd_vm);
	PUT("sys/class/dmi/id/sys_vendor", "Xen\n");
	PUT("sys/hypervisor/type", "xen\n");
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.hypervisor);
	EXPECT_STREQ("xen", self->env.hypervisor);
}

TEST_F(fake_root, kernel_release_comes_from_osrelease)
{
	PUT("proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.kernel);
	EXPECT_STREQ("6.1.0-56-amd64", self->env.kernel);
}

TEST_F(fake_root, online_cpus_counts_the_list)
{
	PUT("sys/devices/system/cpu/online", "0-3,8,10-11\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(7, self->env.online_cpus);
}

TEST_F(fake_root, malformed_or_empty_online_list_is_unknown)
{
	PUT("sys/devices/system/cpu/online", "0-3,\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(-1, self->env.online_cpus);
	PUT("sys/devices/system/cpu/online", "\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(-1, self->env.online_cpus);
}

TEST_F(fake_root, smt_active_reads_one_or_zero)
{
	PUT("sys/devices/system/cpu/smt/active", "1\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(1, self->env.smt);
	PUT("sys/devices/system/cpu/smt/active", "0\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(0, self->env.smt);
}

TEST_F(fake_root, smt_missing_or_garbage_is_unknown_not_off)
{
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(-1, self->env.smt);
	PUT("sys/devices/system/cpu/smt/active", "2\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(-1, self->env.smt);
}

TEST_F(fake_root, numa_nodes_count_the_node_list)
{
	PUT("sys/devices/system/node/online", "0-1\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(2, self->env.numa_nodes);
	PUT("sys/devices/system/node/online", "0\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(1, self->env.numa_nodes);
}

TEST_F(fake_root, governor_of_cpu0_or_null_without_cpufreq)
{
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(NULL, self->env.governor);
	PUT("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
	    "schedutil\n");
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.governor);
	EXPECT_STREQ("schedutil", self->env.governor);
}

TEST_F(fake_root, versions_of_llctl_and_loaded_llkm)
{
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.llctl_version);
	EXPECT_STREQ(LLCTL_VERSION, self->env.llctl_version);
	EXPECT_EQ(NULL, self->env.llkm_version);
	PUT("sys/module/llkm/version", "0.1.0\n");
	ASSERT_EQ(0, collect(self));
	ASSERT_NE(NULL, self->env.llkm_version);
	EXPECT_STREQ("0.1.0", self->env.llkm_version);
}

static char *print_env(const struct llctl_env *env)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	llctl_env_print(f, env);
	fclose(f);
	return buf;
}

TEST_F(fake_root, text_header_names_every_value)
{
	char *s;

	ASSERT_EQ(0, put_full_tree(self->dir));
	ASSERT_EQ(0, collect(self));
	s = print_env(&self->env);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("# kernel 6.1.0-56-amd64, llctl " LLCTL_VERSION ", llkm 0.1.0\n"
		     "# cpu AMD EPYC 7763 64-Core Processor (family 25 model 1 stepping 1, microcode 0xa001144)\n"
		     "# 4 online CPUs, SMT on, 2 NUMA nodes, governor performance, hypervisor QEMU\n",
		     s);
	free(s);
}

TEST_F(fake_root, text_header_says_unknown_and_no_cpufreq)
{
	char *s;

	PUT("proc/cpuinfo", cpuinfo_intel);
	PUT("sys/devices/system/cpu/online", "0\n");
	ASSERT_EQ(0, collect(self));
	s = print_env(&self->env);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("# kernel unknown, llctl " LLCTL_VERSION ", llkm not loaded\n"
		     "# cpu Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz (family 6 model 85 stepping 7, microcode 0x5003604)\n"
		     "# 1 online CPU, SMT unknown, NUMA nodes unknown, governor n/a (no cpufreq), hypervisor none\n",
		     s);
	free(s);
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

TEST_F(fake_root, json_has_the_stable_keys_with_their_types)
{
	struct json_object *o, *cpu;

	ASSERT_EQ(0, put_full_tree(self->dir));
	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(10, json_object_object_length(o));
	EXPECT_TRUE(has_key(o, "kernel", json_type_string));
	EXPECT_TRUE(has_key(o, "tuning_profile", json_type_string));
	EXPECT_TRUE(has_key(o, "hypervisor", json_type_string));
	EXPECT_TRUE(has_key(o, "online_cpus", json_type_int));
	EXPECT_TRUE(has_key(o, "smt", json_type_boolean));
	EXPECT_TRUE(has_key(o, "numa_nodes", json_type_int));
	EXPECT_TRUE(has_key(o, "governor", json_type_string));
	EXPECT_TRUE(has_key(o, "llctl_version", json_type_string));
	EXPECT_TRUE(has_key(o, "llkm_version", json_type_string));
	ASSERT_TRUE(json_object_object_get_ex(o, "cpu", &cpu));
	ASSERT_TRUE(json_object_is_type(cpu, json_type_object));
	EXPECT_EQ(6, json_object_object_length(cpu));
	EXPECT_TRUE(has_key(cpu, "midr", json_type_null));	/* x86 */
	EXPECT_TRUE(has_key(cpu, "model", json_type_string));
	EXPECT_TRUE(has_key(cpu, "family", json_type_int));
	EXPECT_TRUE(has_key(cpu, "model_id", json_type_int));
	EXPECT_TRUE(has_key(cpu, "stepping", json_type_int));
	EXPECT_TRUE(has_key(cpu, "microcode", json_type_string));
	EXPECT_EQ(4, json_object_get_int(json_object_object_get(o, "online_cpus")));
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(o, "smt")));
	json_object_put(o);
}

/* @env's text header and JSON through llctl_env_from_json(): the same. */
static int round_trips(const struct llctl_env *env)
{
	struct json_object *a = llctl_env_json(env), *b;
	char *ta = NULL, *tb = NULL;
	size_t la, lb;
	struct llctl_env back;
	FILE *f;
	int same;

	if (!a || llctl_env_from_json(&back, a))
		return 0;
	b = llctl_env_json(&back);
	f = open_memstream(&ta, &la);
	llctl_env_print(f, env);
	fclose(f);
	f = open_memstream(&tb, &lb);
	llctl_env_print(f, &back);
	fclose(f);
	same = b && json_object_equal(a, b) && !strcmp(ta, tb);
	if (!same)
		fprintf(stderr, "# %s\n# %s\n%s%s", json_object_to_json_string(a),
			json_object_to_json_string(b), ta, tb);
	free(ta);
	free(tb);
	json_object_put(a);
	json_object_put(b);
	llctl_env_free(&back);
	return same;
}

/* A capture holds the recording machine's env as JSON: it reads back. */
TEST_F(fake_root, json_reads_back_into_the_same_env)
{
	ASSERT_EQ(0, collect(self));		/* everything unknown */
	EXPECT_TRUE(round_trips(&self->env));
	ASSERT_EQ(0, put_full_tree(self->dir));
	ASSERT_EQ(0, collect(self));
	EXPECT_TRUE(round_trips(&self->env));
	unsetenv("LLCTL_STATE_DIR");
	PUT("var/lib/llctl/state.json",
	    "{\"version\": 1, \"profile\": {\"hash\": \"sha256:ab\", "
	    "\"file\": \"/etc/lat.yaml\", \"applied_at\": \"2026-01-01T00:00:00Z\"}}");
	ASSERT_EQ(0, collect(self));
	ASSERT_EQ(1, self->env.tuning);
	EXPECT_TRUE(round_trips(&self->env));
	PUT("var/lib/llctl/state.json", "{ not json");
	ASSERT_EQ(0, collect(self));
	ASSERT_EQ(-1, self->env.tuning);
	EXPECT_TRUE(round_trips(&self->env));
}

/* llctl config's state under the root: its profile in every report. */
TEST_F(fake_root, applied_tuning_profile_is_in_json_and_text)
{
	struct json_object *o, *t;
	char *s;

	unsetenv("LLCTL_STATE_DIR");
	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	EXPECT_STREQ("none", json_object_get_string(json_object_object_get(o, "tuning_profile")));
	json_object_put(o);
	s = print_env(&self->env);
	EXPECT_EQ(NULL, strstr(s, "tuning"));
	free(s);
	llctl_env_free(&self->env);

	PUT("var/lib/llctl/state.json",
	    "{\"version\": 1, \"profile\": {\"hash\": \"sha256:ab\", "
	    "\"file\": \"/etc/lat.yaml\", \"applied_at\": \"2026-01-01T00:00:00Z\"}}");
	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	ASSERT_TRUE(json_object_object_get_ex(o, "tuning_profile", &t));
	ASSERT_TRUE(json_object_is_type(t, json_type_object));
	EXPECT_STREQ("sha256:ab", json_object_get_string(json_object_object_get(t, "hash")));
	EXPECT_STREQ("/etc/lat.yaml", json_object_get_string(json_object_object_get(t, "file")));
	json_object_put(o);
	s = print_env(&self->env);
	EXPECT_NE(NULL, strstr(s, "# tuning profile sha256:ab (/etc/lat.yaml, applied 2026-01-01T00:00:00Z)\n"));
	free(s);
	llctl_env_free(&self->env);

	PUT("var/lib/llctl/state.json", "{ not json");
	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	EXPECT_TRUE(has_key(o, "tuning_profile", json_type_null));
	json_object_put(o);
}

TEST_F(fake_root, json_unknowns_are_null_not_zero)
{
	struct json_object *o, *cpu;

	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(has_key(o, "kernel", json_type_null));
	EXPECT_TRUE(has_key(o, "online_cpus", json_type_null));
	EXPECT_TRUE(has_key(o, "smt", json_type_null));
	EXPECT_TRUE(has_key(o, "numa_nodes", json_type_null));
	EXPECT_TRUE(has_key(o, "governor", json_type_null));
	EXPECT_TRUE(has_key(o, "llkm_version", json_type_null));
	EXPECT_TRUE(has_key(o, "llctl_version", json_type_string));
	ASSERT_TRUE(json_object_object_get_ex(o, "cpu", &cpu));
	EXPECT_TRUE(has_key(cpu, "model", json_type_null));
	EXPECT_TRUE(has_key(cpu, "family", json_type_null));
	EXPECT_TRUE(has_key(cpu, "model_id", json_type_null));
	EXPECT_TRUE(has_key(cpu, "stepping", json_type_null));
	EXPECT_TRUE(has_key(cpu, "microcode", json_type_null));
	json_object_put(o);
}

TEST_F(fake_root, json_smt_off_is_false_and_bare_metal_is_null)
{
	struct json_object *o;

	PUT("proc/cpuinfo", cpuinfo_intel);
	PUT("sys/devices/system/cpu/smt/active", "0\n");
	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(has_key(o, "smt", json_type_boolean));
	EXPECT_FALSE(json_object_get_boolean(json_object_object_get(o, "smt")));
	EXPECT_TRUE(has_key(o, "hypervisor", json_type_null));
	json_object_put(o);
}

TEST(real_root_kernel_is_the_uname_release)
{
	struct llctl_env env;
	struct utsname u;

	ASSERT_EQ(0, uname(&u));
	ASSERT_EQ(0, llctl_env_collect(&env, NULL));
	ASSERT_NE(NULL, env.kernel);
	EXPECT_STREQ(u.release, env.kernel);
	llctl_env_free(&env);
}

TEST_F(fake_root, arm_cpuinfo_names_implementer_and_part)
{
	PUT("proc/cpuinfo", cpuinfo_neoverse_n1);
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(0x41, self->env.midr_implementer);
	EXPECT_EQ(0x3, self->env.midr_variant);
	EXPECT_EQ(0xd0c, self->env.midr_part);
	EXPECT_EQ(1, self->env.midr_revision);
	/* cpuinfo's "CPU architecture: 8" is not MIDR's field */
	EXPECT_EQ(-1, self->env.midr_architecture);
	EXPECT_EQ(-1, self->env.midr_el1);
	ASSERT_NE(NULL, self->env.cpu_model);
	EXPECT_STREQ("Arm Neoverse N1", self->env.cpu_model);
	/* x86's fields stay unknown, not zero */
	EXPECT_EQ(-1, self->env.cpu_family);
	EXPECT_EQ(NULL, self->env.microcode);
}

TEST_F(fake_root, sysfs_midr_el1_alone_is_decoded)
{
	/* Ampere-1 r0p0: implementer 0xc0, architecture 0xf, part 0xac3 */
	PUT(MIDR_SYSFS, "0x00000000c00fac30\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(0xc00fac30LL, self->env.midr_el1);
	EXPECT_EQ(0xc0, self->env.midr_implementer);
	EXPECT_EQ(0, self->env.midr_variant);
	EXPECT_EQ(0xf, self->env.midr_architecture);
	EXPECT_EQ(0xac3, self->env.midr_part);
	EXPECT_EQ(0, self->env.midr_revision);
	EXPECT_STREQ("Ampere Ampere-1", self->env.cpu_model);
}

TEST_F(fake_root, qemu_max_is_not_passed_off_as_a_real_core)
{
	PUT("proc/cpuinfo", cpuinfo_qemu_max);
	PUT(MIDR_SYSFS, "0x00000000000f0510\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(0, self->env.midr_implementer);
	EXPECT_EQ(0x051, self->env.midr_part);
	EXPECT_EQ(0xf0510LL, self->env.midr_el1);
	ASSERT_NE(NULL, self->env.cpu_model);
	EXPECT_NE(NULL, strstr(self->env.cpu_model, "reserved for software use"));
	EXPECT_NE(NULL, strstr(self->env.cpu_model, "not a real core"));
}

TEST_F(fake_root, unknown_midr_values_print_as_hex_unnamed)
{
	PUT("proc/cpuinfo", "CPU implementer\t: 0x51\nCPU part\t: 0x123\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_STREQ("Qualcomm part 0x123", self->env.cpu_model);
	PUT("proc/cpuinfo", "CPU implementer\t: 0x12\nCPU part\t: 0xd0c\n");
	ASSERT_EQ(0, collect(self));
	/* 0xd0c is Neoverse N1 only when Arm (0x41) made it */
	EXPECT_STREQ("unknown implementer 0x12, part 0xd0c", self->env.cpu_model);
	PUT("proc/cpuinfo", "CPU implementer\t: 41\nCPU part\t: 0xd0c\n");
	ASSERT_EQ(0, collect(self));
	EXPECT_EQ(-1, self->env.midr_implementer);	/* not hex: unknown */
	EXPECT_EQ(NULL, self->env.cpu_model);
}

TEST_F(fake_root, arm_text_header_shows_the_midr_fields)
{
	char *s;

	PUT("proc/cpuinfo", cpuinfo_neoverse_n1);
	PUT(MIDR_SYSFS, "0x00000000413fd0c1\n");
	ASSERT_EQ(0, collect(self));
	s = print_env(&self->env);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "# cpu Arm Neoverse N1 (implementer 0x41 variant 0x3 part 0xd0c revision 1, MIDR_EL1 0x413fd0c1)\n"));
	free(s);
	PUT(MIDR_SYSFS, "");
	ASSERT_EQ(0, collect(self));
	s = print_env(&self->env);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "revision 1, MIDR_EL1 unknown)\n"));
	free(s);
}

TEST_F(fake_root, arm_json_has_the_midr_object_and_reads_back)
{
	struct json_object *o, *cpu, *m;

	PUT("proc/cpuinfo", cpuinfo_neoverse_n1);
	PUT(MIDR_SYSFS, "0x00000000413fd0c1\n");
	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "cpu", &cpu));
	ASSERT_TRUE(json_object_object_get_ex(cpu, "midr", &m));
	ASSERT_TRUE(json_object_is_type(m, json_type_object));
	EXPECT_STREQ("0x413fd0c1", json_object_get_string(json_object_object_get(m, "value")));
	EXPECT_EQ(0x41, json_object_get_int(json_object_object_get(m, "implementer")));
	EXPECT_STREQ("Arm", json_object_get_string(json_object_object_get(m, "implementer_name")));
	EXPECT_EQ(0xf, json_object_get_int(json_object_object_get(m, "architecture")));
	EXPECT_EQ(0xd0c, json_object_get_int(json_object_object_get(m, "part")));
	EXPECT_STREQ("Neoverse N1", json_object_get_string(json_object_object_get(m, "part_name")));
	EXPECT_EQ(1, json_object_get_int(json_object_object_get(m, "revision")));
	EXPECT_STREQ("Arm Neoverse N1", json_object_get_string(json_object_object_get(cpu, "model")));
	json_object_put(o);
	EXPECT_TRUE(round_trips(&self->env));
	PUT("proc/cpuinfo", cpuinfo_qemu_max);
	PUT(MIDR_SYSFS, "0x00000000000f0510\n");
	ASSERT_EQ(0, collect(self));
	o = llctl_env_json(&self->env);
	m = json_object_object_get(json_object_object_get(o, "cpu"), "midr");
	EXPECT_TRUE(has_key(m, "implementer_name", json_type_null));
	EXPECT_TRUE(has_key(m, "part_name", json_type_null));
	EXPECT_EQ(0, json_object_get_int(json_object_object_get(m, "implementer")));
	json_object_put(o);
	EXPECT_TRUE(round_trips(&self->env));
}

TEST_HARNESS_MAIN
