// SPDX-License-Identifier: GPL-2.0
/*
 * The llkm generic netlink family: GET_INFO answers what the system says,
 * every malformed request is refused with -EINVAL (a value out of its
 * policy's range with -ERANGE), and only a capable caller changes state.
 */
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "helpers.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif

FIXTURE(genl) {
	LLKM_NL_FIXTURE;
	struct nl_req req;
};

FIXTURE_SETUP(genl)
{
	LLKM_NL_FIXTURE_SETUP();
}

FIXTURE_TEARDOWN(genl)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

static int get_info(FIXTURE_DATA(genl) *self,
		    const struct nlattr *tb[NL_MAXATTR + 1])
{
	nl_init(&self->req, self->family, LLKM_CMD_GET_INFO);
	if (nl_transact(self->fd, &self->req, self->rep))
		return -1;
	if (self->rep->err)
		return self->rep->err;
	nl_reply_attrs(self->rep, tb);
	return 0;
}

/* Sends SET_DEFAULTS with a ring nest of @size and @mode (-1: absent). */
static int set_ring(FIXTURE_DATA(genl) *self, int64_t size, int64_t mode)
{
	struct nlattr *nest;

	nl_init(&self->req, self->family, LLKM_CMD_SET_DEFAULTS);
	nest = nl_nest(&self->req, LLKM_A_RING);
	if (size >= 0)
		nl_put_u32(&self->req, LLKM_RING_A_SIZE, size);
	if (mode >= 0)
		nl_put_u32(&self->req, LLKM_RING_A_MODE, mode);
	nl_nest_end(&self->req, nest);
	if (nl_transact(self->fd, &self->req, self->rep))
		return -1000;
	return self->rep->err;
}

static int read_int(const char *path)
{
	char buf[64];

	return read_line(path, buf, sizeof(buf)) ? -1 : atoi(buf);
}

TEST_F(genl, get_info_reports_version_abi_and_cpus)
{
	const struct nlattr *tb[NL_MAXATTR + 1];
	char version[64];

	ASSERT_EQ(0, get_info(self, tb));
	ASSERT_NE(NULL, tb[LLKM_A_VERSION]);
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/version", version, sizeof(version)));
	EXPECT_STREQ(version, (const char *)nla_data_of(tb[LLKM_A_VERSION]));
	ASSERT_NE(NULL, tb[LLKM_A_ABI]);
	EXPECT_EQ(LLKM_ABI_VERSION, nla_u32_of(tb[LLKM_A_ABI]));
	ASSERT_NE(NULL, tb[LLKM_A_CPUS_POSSIBLE]);
	ASSERT_NE(NULL, tb[LLKM_A_CPUS_ONLINE]);
	EXPECT_EQ(cpulist_file_count("/sys/devices/system/cpu/possible"),
		  (int)nla_u32_of(tb[LLKM_A_CPUS_POSSIBLE]));
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN),
		  (long)nla_u32_of(tb[LLKM_A_CPUS_ONLINE]));
}

TEST_F(genl, get_info_reports_cache_line_and_features)
{
	const struct nlattr *tb[NL_MAXATTR + 1];
	uint64_t features;
	uint32_t line;
	int sys_line;

	ASSERT_EQ(0, get_info(self, tb));
	ASSERT_NE(NULL, tb[LLKM_A_CACHE_LINE_SIZE]);
	line = nla_u32_of(tb[LLKM_A_CACHE_LINE_SIZE]);
	EXPECT_TRUE(line >= 16 && line <= 512 && !(line & (line - 1)))
		TH_LOG("cache line %u", line);
	sys_line = read_int("/sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size");
	if (sys_line > 0)
		EXPECT_EQ(sys_line, (int)line);

	ASSERT_NE(NULL, tb[LLKM_A_FEATURES]);
	features = nla_u64_of(tb[LLKM_A_FEATURES]);
	EXPECT_EQ(0, features & ~LLKM_FEAT_ALL);
	EXPECT_TRUE(features & LLKM_FEAT_GENL);
	EXPECT_TRUE(features & LLKM_FEAT_CHARDEV);
	EXPECT_EQ(access("/sys/bus/event_source/devices/software", F_OK) == 0,
		  !!(features & LLKM_FEAT_PERF));
	/* A hardware cycle counter exists exactly when a CPU PMU does. */
	EXPECT_EQ(have_hw_pmu(), !!(features & LLKM_FEAT_HW_PMU));
}

TEST_F(genl, get_info_lists_exactly_the_pmus_in_sysfs)
{
	const struct nlattr *tb[NL_MAXATTR + 1], *pmu;
	const char *dir = "/sys/bus/event_source/devices";
	int listed = 0, in_sysfs = 0, rem;
	struct dirent *de;
	DIR *d;

	ASSERT_EQ(0, get_info(self, tb));
	ASSERT_NE(NULL, tb[LLKM_A_PMUS]);
	rem = nla_len_of(tb[LLKM_A_PMUS]);
	nl_for_each_attr(pmu, nla_data_of(tb[LLKM_A_PMUS]), rem) {
		const struct nlattr *pa[NL_MAXATTR + 1];
		char path[512];
		const char *name;

		EXPECT_EQ(LLKM_A_PMU, pmu->nla_type & NLA_TYPE_MASK);
		nl_attrs(nla_data_of(pmu), nla_len_of(pmu), pa);
		ASSERT_NE(NULL, pa[LLKM_PMU_A_NAME]);
		ASSERT_NE(NULL, pa[LLKM_PMU_A_TYPE]);
		name = nla_data_of(pa[LLKM_PMU_A_NAME]);
		snprintf(path, sizeof(path), "%s/%s/type", dir, name);
		EXPECT_EQ(read_int(path), (int)nla_u32_of(pa[LLKM_PMU_A_TYPE]))
			TH_LOG("pmu %s", name);
		listed++;
	}
	d = opendir(dir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			in_sysfs++;
	closedir(d);
	EXPECT_EQ(in_sysfs, listed);
	EXPECT_LT(0, listed);
}

TEST_F(genl, get_info_reports_ring_defaults_of_the_parameters)
{
	const struct nlattr *tb[NL_MAXATTR + 1], *rt[NL_MAXATTR + 1];
	char mode[32];

	ASSERT_EQ(0, get_info(self, tb));
	ASSERT_NE(NULL, tb[LLKM_A_RING]);
	nl_attrs(nla_data_of(tb[LLKM_A_RING]), nla_len_of(tb[LLKM_A_RING]), rt);
	ASSERT_NE(NULL, rt[LLKM_RING_A_SIZE]);
	ASSERT_NE(NULL, rt[LLKM_RING_A_MODE]);
	EXPECT_EQ(read_int(LLKM_SYSFS "/parameters/ring_size"),
		  (int)nla_u32_of(rt[LLKM_RING_A_SIZE]));
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/parameters/ring_mode", mode,
			       sizeof(mode)));
	EXPECT_EQ(strcmp(mode, "overwrite") ? LLKM_RING_MODE_DISCARD :
		  LLKM_RING_MODE_OVERWRITE, nla_u32_of(rt[LLKM_RING_A_MODE]));
}

TEST_F(genl, get_info_refuses_any_attribute)
{
	nl_init(&self->req, self->family, LLKM_CMD_GET_INFO);
	nl_put_u32(&self->req, LLKM_A_ABI, 1);
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
}

/* Each command names the required attribute it misses, in text and type. */
TEST_F(genl, a_missing_required_attribute_is_named)
{
	const struct {
		uint8_t cmd;
		uint16_t nest, attr;	/* attr missing from nest (0: top) */
		const char *name;
	} c[] = {
		{ LLKM_CMD_TRACE_START, 0, LLKM_A_TRACE, "LLKM_A_TRACE" },
		{ LLKM_CMD_TRACE_START, LLKM_A_TRACE, LLKM_TRACE_A_EVENTS,
		  "LLKM_TRACE_A_EVENTS" },
		{ LLKM_CMD_COUNTER_OPEN, 0, LLKM_A_COUNTER, "LLKM_A_COUNTER" },
		{ LLKM_CMD_COUNTER_OPEN, LLKM_A_COUNTER, LLKM_CTR_A_TYPE,
		  "LLKM_CTR_A_TYPE" },
		{ LLKM_CMD_COUNTER_CLOSE, LLKM_A_COUNTER, LLKM_CTR_A_ID,
		  "LLKM_CTR_A_ID" },
		{ LLKM_CMD_PROBE_RUN, 0, LLKM_A_PROBE, "LLKM_A_PROBE" },
		{ LLKM_CMD_PROBE_RUN, LLKM_A_PROBE, LLKM_PROBE_A_KIND,
		  "LLKM_PROBE_A_KIND" },
		{ LLKM_CMD_PROBE_STOP, 0, LLKM_A_PROBE, "LLKM_A_PROBE" },
		{ LLKM_CMD_PROBE_STOP, LLKM_A_PROBE, LLKM_PROBE_A_ID,
		  "LLKM_PROBE_A_ID" },
	};
	char want[64];
	struct nl_req r;
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		nl_init(&r, self->family, c[i].cmd);
		if (c[i].nest)
			nl_nest_end(&r, nl_nest(&r, c[i].nest));
		ASSERT_EQ(0, nl_transact(self->fd, &r, self->rep));
		EXPECT_EQ(-EINVAL, self->rep->err) TH_LOG("%s", c[i].name);
		snprintf(want, sizeof(want), "%s is required", c[i].name);
		EXPECT_STREQ(want, self->rep->extack);
		EXPECT_EQ(c[i].attr, self->rep->miss_type) TH_LOG("%s", c[i].name);
	}
}

TEST_F(genl, unknown_command_is_refused)
{
	nl_init(&self->req, self->family, LLKM_CMD_MAX + 1);
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EOPNOTSUPP, self->rep->err);
}

TEST_F(genl, reserved_header_byte_is_refused)
{
	nl_init(&self->req, self->family, LLKM_CMD_GET_INFO);
	self->req.genl.reserved = 1;
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
}

TEST_F(genl, set_defaults_refuses_unknown_attribute)
{
	nl_init(&self->req, self->family, LLKM_CMD_SET_DEFAULTS);
	nl_put_u32(&self->req, LLKM_A_MAX + 1, 1);
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
	EXPECT_STRNE("", self->rep->extack);
}

TEST_F(genl, set_defaults_refuses_attribute_of_another_command)
{
	nl_init(&self->req, self->family, LLKM_CMD_SET_DEFAULTS);
	nl_put_u32(&self->req, LLKM_A_CPUS_ONLINE, 1);
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
}

TEST_F(genl, set_defaults_refuses_ring_without_nested_flag)
{
	uint32_t v[2] = { 0x00080008, 4096 };	/* a hand-made inner attr */

	nl_init(&self->req, self->family, LLKM_CMD_SET_DEFAULTS);
	nl_put(&self->req, LLKM_A_RING, v, sizeof(v));
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
}

TEST_F(genl, set_defaults_refuses_nested_flag_on_a_number)
{
	struct nlattr *nest;
	uint32_t v = 4096;

	nl_init(&self->req, self->family, LLKM_CMD_SET_DEFAULTS);
	nest = nl_nest(&self->req, LLKM_A_RING);
	nl_put(&self->req, LLKM_RING_A_SIZE | NLA_F_NESTED, &v, sizeof(v));
	nl_nest_end(&self->req, nest);
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
}

TEST_F(genl, set_defaults_refuses_unknown_nested_attribute)
{
	struct nlattr *nest;

	nl_init(&self->req, self->family, LLKM_CMD_SET_DEFAULTS);
	nest = nl_nest(&self->req, LLKM_A_RING);
	nl_put_u32(&self->req, LLKM_RING_A_MAX + 1, 1);
	nl_nest_end(&self->req, nest);
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
}

TEST_F(genl, set_defaults_checks_ring_size_boundaries)
{
	EXPECT_EQ(-ERANGE, set_ring(self, LLKM_RING_SIZE_MIN - 1, -1));
	EXPECT_EQ(-ERANGE, set_ring(self, LLKM_RING_SIZE_MIN / 2, -1));
	EXPECT_EQ(0, set_ring(self, LLKM_RING_SIZE_MIN, -1));
	EXPECT_EQ(-EINVAL, set_ring(self, LLKM_RING_SIZE_MIN + 1, -1));
	EXPECT_EQ(-EINVAL, set_ring(self, 3 * LLKM_RING_SIZE_MIN, -1));
	EXPECT_STREQ("ring size must be a power of two", self->rep->extack);
	EXPECT_EQ(0, set_ring(self, LLKM_RING_SIZE_MAX, -1));
	EXPECT_EQ(-ERANGE, set_ring(self, LLKM_RING_SIZE_MAX + 1, -1));
	EXPECT_EQ(-ERANGE, set_ring(self, 2ULL * LLKM_RING_SIZE_MAX, -1));
	EXPECT_EQ(-ERANGE, set_ring(self, UINT32_MAX, -1));
	EXPECT_EQ(0, set_ring(self, 512 * 1024, LLKM_RING_MODE_DISCARD));
}

TEST_F(genl, set_defaults_checks_ring_mode_range)
{
	EXPECT_EQ(0, set_ring(self, -1, LLKM_RING_MODE_OVERWRITE));
	EXPECT_EQ(-ERANGE, set_ring(self, -1, LLKM_RING_MODE_MAX + 1));
	EXPECT_EQ(0, set_ring(self, -1, LLKM_RING_MODE_DISCARD));
}

TEST_F(genl, set_defaults_changes_what_get_info_reports)
{
	const struct nlattr *tb[NL_MAXATTR + 1], *rt[NL_MAXATTR + 1];
	int old = read_int(LLKM_SYSFS "/parameters/ring_size");

	ASSERT_EQ(0, set_ring(self, 1 << 16, LLKM_RING_MODE_OVERWRITE));
	ASSERT_EQ(0, get_info(self, tb));
	nl_attrs(nla_data_of(tb[LLKM_A_RING]), nla_len_of(tb[LLKM_A_RING]), rt);
	EXPECT_EQ(1 << 16, nla_u32_of(rt[LLKM_RING_A_SIZE]));
	EXPECT_EQ(LLKM_RING_MODE_OVERWRITE, nla_u32_of(rt[LLKM_RING_A_MODE]));
	EXPECT_EQ(1 << 16, read_int(LLKM_SYSFS "/parameters/ring_size"));
	EXPECT_EQ(0, set_ring(self, old, LLKM_RING_MODE_DISCARD));
}

TEST_F(genl, set_defaults_that_fails_changes_nothing)
{
	int old = read_int(LLKM_SYSFS "/parameters/ring_size");

	EXPECT_EQ(-ERANGE, set_ring(self, 1 << 20, LLKM_RING_MODE_MAX + 1));
	EXPECT_EQ(old, read_int(LLKM_SYSFS "/parameters/ring_size"));
	EXPECT_EQ(-EINVAL, set_ring(self, 3 << 20, LLKM_RING_MODE_OVERWRITE));
	EXPECT_EQ(old, read_int(LLKM_SYSFS "/parameters/ring_size"));
}

/*
 * Drops CAP_PERFMON and CAP_SYS_ADMIN (still uid 0) or becomes nobody, in
 * a child that opens its own socket: netlink checks the opener's caps.
 */
static int unprivileged_set_defaults(int family, int as_nobody)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nlattr *nest;
	struct nl_req req;
	int fd, info_err;

	if (!rep)
		return 100;
	if (as_nobody) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			return 101;
	} else if (syscall(SYS_capset, &hdr, data)) {
		return 102;
	}
	fd = nl_open();
	if (fd < 0)
		return 103;
	nl_init(&req, family, LLKM_CMD_GET_INFO);
	if (nl_transact(fd, &req, rep))
		return 104;
	info_err = rep->err;
	nl_init(&req, family, LLKM_CMD_SET_DEFAULTS);
	nest = nl_nest(&req, LLKM_A_RING);
	nl_put_u32(&req, LLKM_RING_A_SIZE, 8192);
	nl_nest_end(&req, nest);
	if (nl_transact(fd, &req, rep))
		return 105;
	/* 0: GET_INFO worked and SET_DEFAULTS was refused with EPERM. */
	return info_err == 0 && rep->err == -EPERM ? 0 : 106;
}

static void check_unprivileged(struct __test_metadata *_metadata,
			       FIXTURE_DATA(genl) *self, int as_nobody)
{
	int old = read_int(LLKM_SYSFS "/parameters/ring_size");
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_set_defaults(self->family, as_nobody));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(old, read_int(LLKM_SYSFS "/parameters/ring_size"));
}

TEST_F(genl, root_without_caps_can_read_but_not_change_state)
{
	check_unprivileged(_metadata, self, 0);
}

TEST_F(genl, nobody_can_read_but_not_change_state)
{
	check_unprivileged(_metadata, self, 1);
}

TEST_HARNESS_MAIN
