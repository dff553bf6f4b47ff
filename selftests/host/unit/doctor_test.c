// SPDX-License-Identifier: GPL-2.0
/*
 * llctl doctor's checks (user/doctor/checks.c) on fake proc/ and sys/
 * trees, with crafted live answers standing in for the module, /dev/llkm and
 * perf_event_open. Each test states one verdict of one check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cpuinfo_arm64.h"
#include "fake_root.h"
#include "kselftest_harness.h"

#include "doctor/doctor.h"
#include "lib/env.h"

#define CAPEFF_NONE	"0000000000000000"
#define CAPEFF_PERFMON	"0000004000000000"	/* bit 38 */
#define CAPEFF_ADMIN	"0000000000200000"	/* bit 21 */
#define CAPEFF_ROOT	"000001ffffffffff"


/* x86's checks: all but the arm64 ones */
static const char *const names[] = {
	"module", "device", "genl", "capabilities", "perf_event_paranoid",
	"hardware_pmu", "nmi_watchdog", "lockdown", "headers", "tracefs",
	"governor", "turbo", "smt", "clocksource",
};
#define X86_CHECKS	ARRAY_SIZE(names)

static const char *const arm_names[DOCTOR_CHECKS] = {
	"module", "device", "genl", "capabilities", "perf_event_paranoid",
	"hardware_pmu", "nmi_watchdog", "pseudo_nmi", "perf_user_access",
	"lockdown", "headers", "tracefs", "governor", "turbo", "smt",
	"clocksource",
};

/* What each fixture holds: a tree, its env, the live answers and the verdicts. */
#define DOCTOR_RIG \
	char dir[sizeof(FAKE_ROOT_TEMPLATE)]; \
	struct llctl_env env; \
	struct doctor_live live; \
	struct doctor_report doctor

FIXTURE(fake_root) {
	DOCTOR_RIG;
};

FIXTURE_SETUP(fake_root)
{
	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
	doctor_live_init(&self->live);
}

FIXTURE_TEARDOWN(fake_root)
{
	doctor_free(&self->doctor);
	llctl_env_free(&self->env);
	EXPECT_EQ(0, fake_root_remove(self->dir));
	/* the harness's children _exit(): look for leaks here */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#define PUT(path, s) ASSERT_EQ(0, fake_put(self->dir, path, s))
#define MKDIR(path) ASSERT_EQ(0, fake_mkdir(self->dir, path))
#define CLEAR() ASSERT_EQ(0, fake_root_clear(self->dir))

/* Collect the env of the tree as it is now, run every check, pick one. */
static const struct doctor_check *check_in(const char *dir,
					   struct llctl_env *env,
					   const struct doctor_live *live,
					   struct doctor_report *d,
					   const char *name)
{
	doctor_free(d);
	llctl_env_free(env);
	if (llctl_env_collect(env, dir) ||
	    doctor_run(d, dir, env, live))
		return NULL;
	return doctor_find(d, name);
}

#define check(self, name) \
	check_in((self)->dir, &(self)->env, &(self)->live, &(self)->doctor, \
		 name)

/* Has @s got @sub in it? (for found texts that carry more than that) */
static int has(const char *s, const char *sub)
{
	return s && strstr(s, sub);
}

/* The live answers of a loaded llkm speaking ABI @abi. */
static void loaded(struct doctor_live *p, uint32_t abi)
{
	p->nl_err = 0;
	p->nl_family = 30;
	p->info_err = 0;
	p->abi = abi;
	strcpy(p->version, "0.1.0");
	p->dev_stat_err = 0;
	p->dev_mode = S_IFCHR | 0600;
	p->dev_major = 10;
	p->dev_minor = 122;
	p->dev_open_err = 0;
}

TEST_F(fake_root, checks_run_in_the_documented_order)
{
	unsigned int i;

	ASSERT_NE(NULL, check(self, "module"));
	ASSERT_EQ(X86_CHECKS, self->doctor.n);
	for (i = 0; i < X86_CHECKS; i++)
		EXPECT_STREQ(names[i], self->doctor.checks[i].name);
	EXPECT_EQ(NULL, doctor_find(&self->doctor, "kptr_restrict"));
}

/* A kernel that loads modules, 6.1.0-56-amd64, with nothing of llkm's. */
#define MODULES_KERNEL() do {						\
	PUT("proc/modules", "");					\
	PUT("proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");		\
} while (0)

/* The fix is the one that works here (lib/hint.c, hint_test has more). */
TEST_F(fake_root, module_not_loaded_fix_fits_the_machine)
{
	const struct doctor_check *c = check(self, "module");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "not loaded"));
	EXPECT_TRUE(has(c->fix, "cannot load modules"));
	EXPECT_FALSE(has(c->fix, "insmod"));
	MODULES_KERNEL();
	c = check(self, "module");
	ASSERT_NE(NULL, c);
	EXPECT_TRUE(has(c->fix, "not installed for kernel 6.1.0-56-amd64"));
	PUT("lib/modules/6.1.0-56-amd64/modules.dep", "updates/dkms/llkm.ko.xz:\n");
	c = check(self, "module");
	ASSERT_NE(NULL, c);
	EXPECT_STREQ("load it: sudo modprobe llkm", c->fix);
}

TEST_F(fake_root, module_with_matching_abi_is_ok)
{
	const struct doctor_check *c;
	char want[64];

	loaded(&self->live, LLKM_ABI_VERSION);
	c = check(self, "module");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	snprintf(want, sizeof(want), "llkm 0.1.0 loaded, ABI %d",
		 LLKM_ABI_VERSION);
	EXPECT_STREQ(want, c->found);
	EXPECT_EQ(NULL, c->fix);
}

TEST_F(fake_root, module_abi_mismatch_fails_naming_both)
{
	const struct doctor_check *c;
	char theirs[32], ours[32];

	loaded(&self->live, LLKM_ABI_VERSION + 1);
	c = check(self, "module");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	snprintf(theirs, sizeof(theirs), "ABI %d", LLKM_ABI_VERSION + 1);
	snprintf(ours, sizeof(ours), "ABI %d", LLKM_ABI_VERSION);
	EXPECT_TRUE(has(c->found, theirs));
	EXPECT_TRUE(has(c->found, ours));
	EXPECT_TRUE(has(c->fix, "rmmod llkm"));
}

TEST_F(fake_root, module_in_sysfs_without_genl_family_fails)
{
	const struct doctor_check *c;

	PUT("sys/module/llkm/version", "0.1.0\n");
	c = check(self, "module");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "not registered"));
	EXPECT_TRUE(has(c->found, "0.1.0"));
}

TEST_F(fake_root, module_loaded_but_unqueryable_warns)
{
	const struct doctor_check *c;

	PUT("sys/module/llkm/version", "0.1.0\n");
	self->live.nl_err = 0;
	self->live.info_err = -EPERM;
	c = check(self, "module");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "ABI not verified"));
	EXPECT_TRUE(has(c->found, "EPERM"));
}

TEST_F(fake_root, device_missing_without_module_fails)
{
	const struct doctor_check *c = check(self, "device");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "no /dev/llkm"));
	EXPECT_TRUE(has(c->fix, "cannot load modules"));
}

TEST_F(fake_root, device_missing_with_module_loaded_blames_dev)
{
	const struct doctor_check *c;

	loaded(&self->live, LLKM_ABI_VERSION);
	self->live.dev_stat_err = -ENOENT;
	c = check(self, "device");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "although llkm is loaded"));
	EXPECT_TRUE(has(c->fix, "devtmpfs"));
}

TEST_F(fake_root, device_char_0600_that_opens_is_ok)
{
	const struct doctor_check *c;

	loaded(&self->live, LLKM_ABI_VERSION);
	c = check(self, "device");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("/dev/llkm (char 10:122, mode 0600), opens for this user",
		     c->found);
}

TEST_F(fake_root, device_eacces_fails_and_says_root)
{
	const struct doctor_check *c;

	loaded(&self->live, LLKM_ABI_VERSION);
	self->live.dev_open_err = -EACCES;
	c = check(self, "device");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "EACCES"));
	EXPECT_TRUE(has(c->fix, "root"));
}

TEST_F(fake_root, device_eperm_fails_and_names_cap_perfmon)
{
	const struct doctor_check *c;

	loaded(&self->live, LLKM_ABI_VERSION);
	self->live.dev_open_err = -EPERM;
	c = check(self, "device");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "EPERM"));
	EXPECT_TRUE(has(c->found, "CAP_PERFMON"));
	EXPECT_TRUE(has(c->fix, "setcap cap_perfmon=ep"));
}

TEST_F(fake_root, device_with_wider_mode_warns)
{
	const struct doctor_check *c;

	loaded(&self->live, LLKM_ABI_VERSION);
	self->live.dev_mode = S_IFCHR | 0666;
	c = check(self, "device");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "mode 0666"));
	EXPECT_STREQ("sudo chmod 0600 /dev/llkm", c->fix);
}

TEST_F(fake_root, device_that_is_a_regular_file_fails)
{
	const struct doctor_check *c;

	loaded(&self->live, LLKM_ABI_VERSION);
	self->live.dev_mode = S_IFREG | 0600;
	c = check(self, "device");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "not a character device"));
}

TEST_F(fake_root, genl_answering_is_ok)
{
	const struct doctor_check *c;

	loaded(&self->live, LLKM_ABI_VERSION);
	c = check(self, "genl");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "id 30"));
}

TEST_F(fake_root, genl_missing_family_fails_with_insmod)
{
	const struct doctor_check *c = check(self, "genl");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "not registered"));
	EXPECT_TRUE(has(c->fix, "cannot load modules"));
}

TEST_F(fake_root, genl_permission_is_told_apart_from_missing)
{
	const struct doctor_check *c;

	self->live.nl_err = 0;
	self->live.info_err = -EPERM;
	c = check(self, "genl");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "GET_INFO: EPERM"));
	EXPECT_FALSE(has(c->found, "not registered"));
	EXPECT_TRUE(has(c->fix, "sudo"));
}

TEST_F(fake_root, genl_other_errno_is_named)
{
	const struct doctor_check *c;

	self->live.nl_err = -EIO;
	c = check(self, "genl");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "resolving the family: EIO"));
}

TEST_F(fake_root, capabilities_none_fails)
{
	const struct doctor_check *c;

	PUT("proc/self/status", "Name:\tllctl\nCapEff:\t" CAPEFF_NONE "\n");
	c = check(self, "capabilities");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "neither CAP_PERFMON nor CAP_SYS_ADMIN"));
	EXPECT_TRUE(has(c->fix, "setcap cap_perfmon=ep"));
}

TEST_F(fake_root, capabilities_perfmon_alone_is_ok)
{
	const struct doctor_check *c;

	PUT("proc/self/status", "CapInh:\t" CAPEFF_ROOT "\nCapEff:\t"
	    CAPEFF_PERFMON "\n");
	c = check(self, "capabilities");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("CapEff " CAPEFF_PERFMON ": CAP_PERFMON", c->found);
}

TEST_F(fake_root, capabilities_sys_admin_alone_is_ok)
{
	const struct doctor_check *c;

	PUT("proc/self/status", "CapEff:\t" CAPEFF_ADMIN "\n");
	c = check(self, "capabilities");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "CAP_SYS_ADMIN"));
	EXPECT_FALSE(has(c->found, "CAP_PERFMON"));
}

TEST_F(fake_root, capabilities_unreadable_warns)
{
	const struct doctor_check *c = check(self, "capabilities");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "unknown"));
}

TEST_F(fake_root, paranoid_3_without_caps_fails)
{
	const struct doctor_check *c;

	PUT("proc/self/status", "CapEff:\t" CAPEFF_NONE "\n");
	PUT("proc/sys/kernel/perf_event_paranoid", "3\n");
	c = check(self, "perf_event_paranoid");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "level 3"));
	EXPECT_TRUE(has(c->fix, "sudo sysctl kernel.perf_event_paranoid=1"));
}

TEST_F(fake_root, paranoid_3_with_cap_perfmon_is_ok)
{
	const struct doctor_check *c;

	PUT("proc/self/status", "CapEff:\t" CAPEFF_PERFMON "\n");
	PUT("proc/sys/kernel/perf_event_paranoid", "3\n");
	c = check(self, "perf_event_paranoid");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "level 3"));
	EXPECT_TRUE(has(c->found, "CAP_PERFMON"));
}

TEST_F(fake_root, paranoid_2_without_caps_warns)
{
	const struct doctor_check *c;

	PUT("proc/self/status", "CapEff:\t" CAPEFF_NONE "\n");
	PUT("proc/sys/kernel/perf_event_paranoid", "2\n");
	c = check(self, "perf_event_paranoid");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "level 2"));
}

TEST_F(fake_root, paranoid_1_and_below_is_ok_for_anyone)
{
	const struct doctor_check *c;

	PUT("proc/self/status", "CapEff:\t" CAPEFF_NONE "\n");
	PUT("proc/sys/kernel/perf_event_paranoid", "1\n");
	c = check(self, "perf_event_paranoid");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "level 1"));
	PUT("proc/sys/kernel/perf_event_paranoid", "-1\n");
	c = check(self, "perf_event_paranoid");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "level -1"));
}

TEST_F(fake_root, paranoid_missing_warns)
{
	const struct doctor_check *c = check(self, "perf_event_paranoid");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "perf_event_paranoid"));
}

static int put_pmus(const char *dir, const char *const *pmus)
{
	char path[128];
	int ret = 0;

	for (; *pmus && !ret; pmus++) {
		snprintf(path, sizeof(path), "sys/bus/event_source/devices/%s/type",
			 *pmus);
		ret = fake_put(dir, path, "8\n");
	}
	return ret;
}

static const char *const vm_pmus[] = {
	"uprobe", "breakpoint", "kprobe", "msr", "software", "tracepoint",
	NULL,
};

TEST_F(fake_root, no_hardware_pmu_warns_and_says_so_plainly)
{
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, vm_pmus));
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("no hardware PMU: /sys/bus/event_source/devices has breakpoint, kprobe, msr, software, tracepoint, uprobe",
		     c->found);
	EXPECT_TRUE(has(c->why, "cannot be counted"));
	EXPECT_TRUE(has(c->fix, "pmu=on"));
}

TEST_F(fake_root, no_hardware_pmu_reports_the_perf_errno)
{
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, vm_pmus));
	self->live.perf_hw_err = -ENOENT;
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "no hardware PMU"));
	EXPECT_TRUE(has(c->found, "perf_event_open(cycles): ENOENT"));
}

TEST_F(fake_root, missing_event_source_dir_is_no_hardware_pmu)
{
	const struct doctor_check *c = check(self, "hardware_pmu");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "no hardware PMU"));
}

TEST_F(fake_root, cpu_pmu_is_a_hardware_pmu)
{
	static const char *const pmus[] = { "cpu", "msr", "software", NULL };
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("hardware PMU cpu", c->found);
}

TEST_F(fake_root, hybrid_and_arm_pmus_are_hardware_pmus)
{
	static const char *const hybrid[] = { "cpu_atom", "cpu_core", NULL };
	static const char *const arm[] = { "armv8_pmuv3_0", NULL };
	static const char *const dsu[] = { "arm_dsu_pmu_0", NULL };
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, hybrid));
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("hardware PMU cpu_atom, cpu_core", c->found);
	CLEAR();
	ASSERT_EQ(0, put_pmus(self->dir, arm));
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("hardware PMU armv8_pmuv3_0", c->found);
	CLEAR();
	ASSERT_EQ(0, put_pmus(self->dir, dsu));
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("hardware PMU arm_dsu_pmu_0", c->found);
}

TEST_F(fake_root, arm_uncore_without_pmu_in_its_name_is_not_one)
{
	static const char *const pmus[] = { "arm_cmn_0", "software", NULL };
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "no hardware PMU"));
}

TEST_F(fake_root, cpu_pmu_whose_cycles_do_not_open_warns)
{
	static const char *const pmus[] = { "cpu", "software", NULL };
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	self->live.perf_hw_err = -EOPNOTSUPP;
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "does not open"));
	EXPECT_TRUE(has(c->found, "EOPNOTSUPP"));
}

TEST_F(fake_root, cpu_pmu_refused_by_permission_is_still_ok)
{
	static const char *const pmus[] = { "cpu", NULL };
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	self->live.perf_hw_err = -EACCES;
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "EACCES"));
	EXPECT_TRUE(has(c->found, "perf_event_paranoid"));
}

TEST_F(fake_root, nmi_watchdog_on_warns)
{
	const struct doctor_check *c;

	PUT("proc/sys/kernel/nmi_watchdog", "1\n");
	c = check(self, "nmi_watchdog");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("sudo sysctl kernel.nmi_watchdog=0", c->fix);
}

TEST_F(fake_root, nmi_watchdog_off_or_missing_is_ok_and_says_which)
{
	const struct doctor_check *c = check(self, "nmi_watchdog");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "no NMI watchdog"));
	PUT("proc/sys/kernel/nmi_watchdog", "0\n");
	c = check(self, "nmi_watchdog");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "off"));
}

#define LOCKDOWN "sys/kernel/security/lockdown"
#define SECURE_BOOT \
	"sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

TEST_F(fake_root, lockdown_reads_the_bracketed_mode)
{
	const struct doctor_check *c;

	PUT(LOCKDOWN, "[none] integrity confidentiality\n");
	c = check(self, "lockdown");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "lockdown none"));

	PUT(LOCKDOWN, "none [integrity] confidentiality\n");
	c = check(self, "lockdown");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "lockdown integrity"));

	PUT(LOCKDOWN, "none integrity [confidentiality]\n");
	c = check(self, "lockdown");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_FAIL, c->status);
	EXPECT_TRUE(has(c->found, "lockdown confidentiality"));
}

TEST_F(fake_root, lockdown_without_brackets_warns)
{
	const struct doctor_check *c;

	PUT(LOCKDOWN, "none integrity confidentiality\n");
	c = check(self, "lockdown");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "unparsable"));
}

TEST_F(fake_root, lockdown_and_efi_missing_is_ok)
{
	const struct doctor_check *c = check(self, "lockdown");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "not in lockdown"));
	EXPECT_TRUE(has(c->found, "no EFI"));
}

TEST_F(fake_root, secure_boot_on_warns_with_mok_signing)
{
	static const unsigned char on[] = { 0x06, 0, 0, 0, 1 };
	const struct doctor_check *c;

	PUT(LOCKDOWN, "[none] integrity confidentiality\n");
	ASSERT_EQ(0, fake_put_bytes(self->dir, SECURE_BOOT, on, sizeof(on)));
	c = check(self, "lockdown");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "Secure Boot enabled"));
	EXPECT_TRUE(has(c->fix, "mokutil"));
}

TEST_F(fake_root, secure_boot_off_or_truncated_is_ok)
{
	static const unsigned char off[] = { 0x06, 0, 0, 0, 0 };
	static const unsigned char cut[] = { 0x06, 0, 0, 0 };
	const struct doctor_check *c;

	ASSERT_EQ(0, fake_put_bytes(self->dir, SECURE_BOOT, off, sizeof(off)));
	c = check(self, "lockdown");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "Secure Boot disabled"));
	ASSERT_EQ(0, fake_put_bytes(self->dir, SECURE_BOOT, cut, sizeof(cut)));
	c = check(self, "lockdown");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "without a SecureBoot variable"));
}

/*
 * Issue 18, item 9: a kernel without module support (no /proc/modules)
 * gets no headers package to install and no insmod: it says why.
 */
TEST_F(fake_root, headers_on_a_kernel_without_modules_say_so)
{
	const struct doctor_check *c;

	PUT("proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
	c = check(self, "headers");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "no /proc/modules"));
	ASSERT_NE(NULL, c->fix);
	EXPECT_FALSE(has(c->fix, "linux-headers")) TH_LOG("%s", c->fix);
	EXPECT_FALSE(has(c->fix, "insmod")) TH_LOG("%s", c->fix);
	EXPECT_TRUE(has(c->fix, "module support")) TH_LOG("%s", c->fix);
}

TEST_F(fake_root, headers_present_for_the_release_are_ok)
{
	const struct doctor_check *c;

	PUT("proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
	PUT("proc/modules", "");
	MKDIR("lib/modules/6.1.0-56-amd64/build");
	c = check(self, "headers");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "/lib/modules/6.1.0-56-amd64/build"));
}

TEST_F(fake_root, headers_missing_warn_with_the_release_in_the_fix)
{
	const struct doctor_check *c;

	PUT("proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
	PUT("proc/modules", "");
	MKDIR("lib/modules/6.1.0-55-amd64/build");
	c = check(self, "headers");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("sudo apt-get install linux-headers-6.1.0-56-amd64",
		     c->fix);
}

TEST_F(fake_root, tracefs_mounted_is_ok_with_its_mount_point)
{
	const struct doctor_check *c;

	PUT("proc/mounts",
	    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "tracefs /sys/kernel/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0\n");
	c = check(self, "tracefs");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("tracefs mounted on /sys/kernel/tracing", c->found);
}

TEST_F(fake_root, tracefs_not_mounted_warns_with_mount_command)
{
	const struct doctor_check *c;

	PUT("proc/mounts",
	    "proc /proc proc rw 0 0\n"
	    "debugfs /sys/kernel/debug debugfs rw 0 0\n"
	    "tracefs-like /mnt ext4 rw 0 0\n");
	c = check(self, "tracefs");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("sudo mount -t tracefs nodev /sys/kernel/tracing", c->fix);
}

static int put_governors(const char *dir, const char *const *govs)
{
	char path[96];
	int cpu, ret = 0;

	for (cpu = 0; govs[cpu] && !ret; cpu++) {
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
			 cpu);
		ret = fake_put(dir, path, govs[cpu]);
	}
	return ret;
}

TEST_F(fake_root, governor_performance_everywhere_is_ok)
{
	static const char *const govs[] = {
		"performance\n", "performance\n", "performance\n",
		"performance\n", NULL,
	};
	const struct doctor_check *c;

	PUT("sys/devices/system/cpu/online", "0-3\n");
	ASSERT_EQ(0, put_governors(self->dir, govs));
	c = check(self, "governor");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("performance on all 4 online CPUs", c->found);
}

TEST_F(fake_root, governor_mix_warns_listing_each)
{
	static const char *const govs[] = {
		"powersave\n", "performance\n", "powersave\n", "schedutil\n",
		NULL,
	};
	const struct doctor_check *c;

	PUT("sys/devices/system/cpu/online", "0-3\n");
	ASSERT_EQ(0, put_governors(self->dir, govs));
	c = check(self, "governor");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("powersave on 2 CPUs, performance on 1 CPU, schedutil on 1 CPU",
		     c->found);
	EXPECT_TRUE(has(c->fix, "cpupower frequency-set -g performance"));
}

TEST_F(fake_root, governor_reads_online_cpus_only)
{
	static const char *const govs[] = {
		"performance\n", "powersave\n", "performance\n", NULL,
	};
	const struct doctor_check *c;

	PUT("sys/devices/system/cpu/online", "0,2\n");
	ASSERT_EQ(0, put_governors(self->dir, govs));
	c = check(self, "governor");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("performance on all 2 online CPUs", c->found);
}

TEST_F(fake_root, governor_without_cpufreq_warns)
{
	const struct doctor_check *c;

	PUT("sys/devices/system/cpu/online", "0-1\n");
	c = check(self, "governor");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "no cpufreq"));
}

TEST_F(fake_root, turbo_on_warns_with_the_knob_that_offers_it)
{
	const struct doctor_check *c;

	PUT("sys/devices/system/cpu/intel_pstate/no_turbo", "0\n");
	c = check(self, "turbo");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/no_turbo",
		     c->fix);
	CLEAR();
	PUT("sys/devices/system/cpu/cpufreq/boost", "1\n");
	c = check(self, "turbo");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("echo 0 | sudo tee /sys/devices/system/cpu/cpufreq/boost",
		     c->fix);
}

TEST_F(fake_root, turbo_off_or_not_exposed_is_ok)
{
	const struct doctor_check *c = check(self, "turbo");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "no turbo control exposed"));
	PUT("sys/devices/system/cpu/intel_pstate/no_turbo", "1\n");
	c = check(self, "turbo");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "turbo off"));
	CLEAR();
	PUT("sys/devices/system/cpu/cpufreq/boost", "0\n");
	c = check(self, "turbo");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "turbo off"));
}

TEST_F(fake_root, smt_active_warns)
{
	const struct doctor_check *c;

	PUT("sys/devices/system/cpu/smt/active", "1\n");
	PUT("sys/devices/system/cpu/smt/control", "on\n");
	c = check(self, "smt");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("SMT active (control on)", c->found);
	EXPECT_TRUE(has(c->fix, "taskset"));
}

TEST_F(fake_root, smt_inactive_or_missing_is_ok)
{
	const struct doctor_check *c = check(self, "smt");

	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "not supported"));
	PUT("sys/devices/system/cpu/smt/active", "0\n");
	c = check(self, "smt");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "SMT inactive"));
}

#define CLOCKSOURCE \
	"sys/devices/system/clocksource/clocksource0/current_clocksource"

TEST_F(fake_root, clocksource_hpet_warns_tsc_is_ok)
{
	const struct doctor_check *c;

	PUT(CLOCKSOURCE, "hpet\n");
	c = check(self, "clocksource");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("clocksource hpet", c->found);
	PUT(CLOCKSOURCE, "tsc\n");
	c = check(self, "clocksource");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
}

/*
 * Whole trees, every check at once: what a verdict must carry whatever it
 * is, and how many of each a typical machine gets. Variants are named by
 * the machine the tree stands for.
 */
FIXTURE(whole_tree) {
	DOCTOR_RIG;
};

FIXTURE_VARIANT(whole_tree) {
	const char *const *files;	/* path, content, ..., NULL */
	bool loaded;			/* live: llkm answers */
	unsigned int ok, warn, fail;
};

FIXTURE_VARIANT_ADD(whole_tree, empty) {
	.files = (const char *const []){ NULL },
	/* fail: module device genl; ok: nmi_watchdog lockdown turbo smt clocksource */
	.ok = 5, .warn = 6, .fail = 3,
};

FIXTURE_VARIANT_ADD(whole_tree, tuned_bare_metal) {
	.files = (const char *const []){
		"proc/sys/kernel/osrelease", "6.1.0-56-amd64\n",
		"proc/self/status", "CapEff:\t" CAPEFF_ROOT "\n",
		"proc/sys/kernel/perf_event_paranoid", "2\n",
		"proc/sys/kernel/nmi_watchdog", "0\n",
		"proc/mounts", "tracefs /sys/kernel/tracing tracefs rw 0 0\n",
		"sys/bus/event_source/devices/cpu/type", "4\n",
		"sys/kernel/security/lockdown", "[none] integrity confidentiality\n",
		"lib/modules/6.1.0-56-amd64/build/Makefile", "\n",
		"proc/modules", "llkm 16384 0 - Live 0x0000000000000000\n",
		"sys/devices/system/cpu/online", "0\n",
		"sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n",
		"sys/devices/system/cpu/intel_pstate/no_turbo", "1\n",
		"sys/devices/system/cpu/smt/active", "0\n",
		CLOCKSOURCE, "tsc\n",
		"sys/module/llkm/version", "0.1.0\n",
		NULL,
	},
	.loaded = true,
	.ok = 14, .warn = 0, .fail = 0,
};

FIXTURE_VARIANT_ADD(whole_tree, untuned_vm) {
	.files = (const char *const []){
		"proc/sys/kernel/osrelease", "6.1.0-56-amd64\n",
		"proc/self/status", "CapEff:\t" CAPEFF_NONE "\n",
		"proc/sys/kernel/perf_event_paranoid", "3\n",
		"proc/sys/kernel/nmi_watchdog", "1\n",
		"proc/mounts", "proc /proc proc rw 0 0\n",
		"sys/bus/event_source/devices/software/type", "1\n",
		"sys/kernel/security/lockdown", "none [integrity] confidentiality\n",
		"sys/devices/system/cpu/online", "0-1\n",
		"sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "powersave\n",
		"sys/devices/system/cpu/cpufreq/boost", "1\n",
		"sys/devices/system/cpu/smt/active", "1\n",
		CLOCKSOURCE, "hpet\n",
		NULL,
	},
	/* fail: module device genl capabilities perf_event_paranoid */
	.ok = 0, .warn = 9, .fail = 5,
};

FIXTURE_SETUP(whole_tree)
{
	const char *const *f;

	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (f = variant->files; f[0]; f += 2)
		ASSERT_EQ(0, fake_put(self->dir, f[0], f[1]));
	doctor_live_init(&self->live);
	if (variant->loaded)
		loaded(&self->live, LLKM_ABI_VERSION);
	ASSERT_NE(NULL, check(self, "module"));
	ASSERT_EQ(X86_CHECKS, self->doctor.n);
}

FIXTURE_TEARDOWN(whole_tree)
{
	doctor_free(&self->doctor);
	llctl_env_free(&self->env);
	EXPECT_EQ(0, fake_root_remove(self->dir));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

TEST_F(whole_tree, every_verdict_explains_itself_and_only_problems_have_fixes)
{
	const struct doctor_check *c;
	unsigned int i;

	for (i = 0; i < self->doctor.n; i++) {
		c = &self->doctor.checks[i];
		ASSERT_NE(NULL, c->found);
		EXPECT_NE(0, c->found[0]);
		ASSERT_NE(NULL, c->why);
		EXPECT_NE(0, c->why[0]);
		if (c->status == DOCTOR_OK) {
			EXPECT_EQ(NULL, c->fix);
		} else {
			ASSERT_NE(NULL, c->fix);
			EXPECT_NE(0, c->fix[0]);
		}
	}
}

/* On a failure, every verdict: which one moved is then plain. */
static void log_verdicts(struct __test_metadata *_metadata,
			 const struct doctor_report *d)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		TH_LOG("%-4s %-19s %s", doctor_status_name(d->checks[i].status),
		       d->checks[i].name, d->checks[i].found);
}

TEST_F(whole_tree, status_counts_match_the_machine)
{
	const struct doctor_report *d = &self->doctor;
	unsigned int i, n[3] = { 0 };

	for (i = 0; i < d->n; i++)
		n[d->checks[i].status]++;
	EXPECT_EQ(variant->ok, d->count[DOCTOR_OK]);
	EXPECT_EQ(variant->warn, d->count[DOCTOR_WARN]);
	EXPECT_EQ(variant->fail, d->count[DOCTOR_FAIL]);
	if (!_metadata->passed)
		log_verdicts(_metadata, d);
	EXPECT_EQ(n[DOCTOR_OK], d->count[DOCTOR_OK]);
	EXPECT_EQ(n[DOCTOR_WARN], d->count[DOCTOR_WARN]);
	EXPECT_EQ(n[DOCTOR_FAIL], d->count[DOCTOR_FAIL]);
}

static int json_str_is(struct json_object *o, const char *key, const char *s)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return 0;
	return !s || !strcmp(json_object_get_string(v), s);
}

TEST_F(whole_tree, json_has_one_object_per_check_with_null_fix_when_ok)
{
	struct json_object *a, *o, *fix;
	const struct doctor_check *c;
	unsigned int i;

	a = doctor_json(&self->doctor);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(X86_CHECKS, json_object_array_length(a));
	for (i = 0; i < X86_CHECKS; i++) {
		c = &self->doctor.checks[i];
		o = json_object_array_get_idx(a, i);
		EXPECT_EQ(5, json_object_object_length(o));
		EXPECT_TRUE(json_str_is(o, "name", names[i]));
		EXPECT_TRUE(json_str_is(o, "status",
					doctor_status_name(c->status)));
		EXPECT_TRUE(json_str_is(o, "found", c->found));
		EXPECT_TRUE(json_str_is(o, "why", c->why));
		ASSERT_TRUE(json_object_object_get_ex(o, "fix", &fix));
		if (c->status == DOCTOR_OK) {
			EXPECT_EQ(NULL, fix);
		} else {
			EXPECT_TRUE(json_str_is(o, "fix", c->fix));
		}
	}
	json_object_put(a);
}

TEST_F(fake_root, status_names_are_the_json_values)
{
	EXPECT_STREQ("ok", doctor_status_name(DOCTOR_OK));
	EXPECT_STREQ("warn", doctor_status_name(DOCTOR_WARN));
	EXPECT_STREQ("fail", doctor_status_name(DOCTOR_FAIL));
}


/* --- arm64: the checks that run when the CPU has a MIDR ------------------ */

#define ARM_RELEASE	"6.1.0-57-arm64"
#define ARM_CONFIG	"boot/config-" ARM_RELEASE
#define GICV3_INTERRUPTS \
	"           CPU0\n" \
	" 11:        267     GICv3  27 Level     arch_timer\n" \
	" 14:          0     GICv3  23 Level     arm-pmu\n"
#define GICV2_INTERRUPTS \
	"           CPU0\n" \
	" 11:        267     GIC-0  27 Level     arch_timer\n" \
	" 14:          0     GIC-0  23 Level     arm-pmu\n"

#define ARM_MACHINE() do {						\
	PUT("proc/cpuinfo", cpuinfo_qemu_max);				\
	PUT("proc/sys/kernel/osrelease", ARM_RELEASE "\n");		\
} while (0)

TEST_F(fake_root, arm_checks_run_only_when_the_cpu_has_a_midr)
{
	unsigned int i;

	ASSERT_NE(NULL, check(self, "module"));
	EXPECT_EQ(X86_CHECKS, self->doctor.n);
	EXPECT_EQ(NULL, doctor_find(&self->doctor, "pseudo_nmi"));
	EXPECT_EQ(NULL, doctor_find(&self->doctor, "perf_user_access"));
	ARM_MACHINE();
	ASSERT_NE(NULL, check(self, "module"));
	ASSERT_EQ(DOCTOR_CHECKS, self->doctor.n);
	for (i = 0; i < DOCTOR_CHECKS; i++)
		EXPECT_STREQ(arm_names[i], self->doctor.checks[i].name);
}

/* One PMU, as the live side found it: @opened members, then @refused. */
static void counted(struct doctor_live *p, const char *name, int opened,
		    int refused)
{
	struct doctor_pmu_counters *c = &p->pmu[p->npmu++];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->opened = opened;
	c->refused = refused;
}

TEST_F(fake_root, arm_hardware_pmu_says_its_counters_and_how)
{
	static const char *const pmus[] = { "armv8_pmuv3", "software", NULL };
	const struct doctor_check *c;

	ARM_MACHINE();
	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	self->live.perf_hw_err = 0;
	counted(&self->live, "armv8_pmuv3", 7, -EINVAL);
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("hardware PMU armv8_pmuv3; perf_event_open(cycles) counts for this process; "
		     "armv8_pmuv3: 7 counters (found by perf_event_open: a group of its cpu_cycles event took 7, member 8 was refused with EINVAL)",
		     c->found);
}

TEST_F(fake_root, arm_big_little_counts_each_pmu)
{
	static const char *const pmus[] = { "armv8_cortex_a53",
					    "armv8_cortex_a72", NULL };
	const struct doctor_check *c;

	ARM_MACHINE();
	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	counted(&self->live, "armv8_cortex_a53", 7, -EINVAL);
	counted(&self->live, "armv8_cortex_a72", 1, -EINVAL);
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_TRUE(has(c->found, "; armv8_cortex_a53: 7 counters ("));
	EXPECT_TRUE(has(c->found, "; armv8_cortex_a72: 1 counter ("));
	EXPECT_TRUE(has(c->found, "took 1, member 2 was refused"));
}

TEST_F(fake_root, arm_counters_unknown_or_unbounded_say_so)
{
	static const char *const pmus[] = { "armv8_pmuv3_0", NULL };
	const struct doctor_check *c;

	ARM_MACHINE();
	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_TRUE(has(c->found, "counters not counted"));
	counted(&self->live, "armv8_pmuv3_0", 0, -ENOENT);
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_TRUE(has(c->found, "armv8_pmuv3_0: counters unknown: its cpu_cycles event does not open: ENOENT"));
	self->live.pmu[0].opened = DOCTOR_GROUP_MAX;
	self->live.pmu[0].refused = 0;
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_TRUE(has(c->found, "armv8_pmuv3_0: at least 32 counters"));
}

TEST_F(fake_root, x86_hardware_pmu_text_is_unchanged_by_counters)
{
	static const char *const pmus[] = { "cpu", NULL };
	const struct doctor_check *c;

	ASSERT_EQ(0, put_pmus(self->dir, pmus));
	counted(&self->live, "cpu", 8, -EINVAL);	/* never filled on x86 */
	c = check(self, "hardware_pmu");
	ASSERT_NE(NULL, c);
	EXPECT_STREQ("hardware PMU cpu", c->found);
}

TEST_F(fake_root, pseudo_nmi_off_in_debians_kernel_warns_to_rebuild)
{
	const struct doctor_check *c;

	ARM_MACHINE();
	PUT("proc/cmdline", "console=ttyAMA0 quiet\n");
	PUT(ARM_CONFIG, "CONFIG_ARM64=y\n# CONFIG_ARM64_PSEUDO_NMI is not set\n");
	PUT("proc/interrupts", GICV3_INTERRUPTS);
	c = check(self, "pseudo_nmi");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_STREQ("no irqchip.gicv3_pseudo_nmi=1 on the command line; "
		     "CONFIG_ARM64_PSEUDO_NMI not set (/boot/config-6.1.0-57-arm64); "
		     "GICv3: PMU overflow interrupts are ordinary IRQs", c->found);
	EXPECT_TRUE(has(c->why, "irq"));
	EXPECT_TRUE(has(c->fix, "built with CONFIG_ARM64_PSEUDO_NMI=y"));
	/* the parameter alone does not help a kernel built without it */
	PUT("proc/cmdline", "quiet irqchip.gicv3_pseudo_nmi=1\n");
	c = check(self, "pseudo_nmi");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->fix, "built with CONFIG_ARM64_PSEUDO_NMI=y"));
}

TEST_F(fake_root, pseudo_nmi_built_in_but_not_enabled_wants_the_parameter)
{
	const struct doctor_check *c;

	ARM_MACHINE();
	PUT("proc/cmdline", "quiet irqchip.gicv3_pseudo_nmi=0\n");
	PUT(ARM_CONFIG, "CONFIG_ARM64_PSEUDO_NMI=y\n");
	PUT("proc/interrupts", GICV3_INTERRUPTS);
	c = check(self, "pseudo_nmi");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "no irqchip.gicv3_pseudo_nmi=1"));
	EXPECT_TRUE(has(c->fix, "add irqchip.gicv3_pseudo_nmi=1"));
	/* the last one on the line wins, as early_param sees them in order */
	PUT("proc/cmdline", "irqchip.gicv3_pseudo_nmi=0 irqchip.gicv3_pseudo_nmi=1\n");
	c = check(self, "pseudo_nmi");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_STREQ("irqchip.gicv3_pseudo_nmi=1 on the command line; "
		     "CONFIG_ARM64_PSEUDO_NMI=y (/boot/config-6.1.0-57-arm64); "
		     "GICv3: PMU overflow interrupts are NMIs", c->found);
	EXPECT_EQ(NULL, c->fix);
	/* kstrtobool's spellings; a longer parameter name is another one */
	PUT("proc/cmdline", "irqchip.gicv3_pseudo_nmi=on\n");
	EXPECT_EQ(DOCTOR_OK, check(self, "pseudo_nmi")->status);
	PUT("proc/cmdline", "xirqchip.gicv3_pseudo_nmi=1\n");
	EXPECT_EQ(DOCTOR_WARN, check(self, "pseudo_nmi")->status);
}

TEST_F(fake_root, pseudo_nmi_without_a_config_is_not_verified)
{
	const struct doctor_check *c;

	ARM_MACHINE();
	PUT("proc/cmdline", "irqchip.gicv3_pseudo_nmi=1\n");
	PUT("proc/interrupts", GICV3_INTERRUPTS);
	c = check(self, "pseudo_nmi");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "CONFIG_ARM64_PSEUDO_NMI not verified (no /boot/config-6.1.0-57-arm64)"));
}

TEST_F(fake_root, pseudo_nmi_on_gicv2_cannot_be_had)
{
	const struct doctor_check *c;

	ARM_MACHINE();
	PUT("proc/cmdline", "irqchip.gicv3_pseudo_nmi=1\n");
	PUT(ARM_CONFIG, "CONFIG_ARM64_PSEUDO_NMI=y\n");
	PUT("proc/interrupts", GICV2_INTERRUPTS);
	c = check(self, "pseudo_nmi");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_WARN, c->status);
	EXPECT_TRUE(has(c->found, "GICv2 (no pseudo-NMIs possible)"));
	EXPECT_TRUE(has(c->fix, "need a GICv3"));
}

TEST_F(fake_root, perf_user_access_is_informational)
{
	const struct doctor_check *c;

	ARM_MACHINE();
	c = check(self, "perf_user_access");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "before 5.17"));
	PUT("proc/sys/kernel/perf_user_access", "0\n");
	c = check(self, "perf_user_access");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "perf_user_access 0: user space cannot read the counters directly"));
	EXPECT_EQ(NULL, c->fix);
	PUT("proc/sys/kernel/perf_user_access", "1\n");
	c = check(self, "perf_user_access");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(DOCTOR_OK, c->status);
	EXPECT_TRUE(has(c->found, "perf_user_access 1: a process may read its own counters with mrs"));
}

TEST_HARNESS_MAIN
