// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading llkm: what appears, what goes, what is refused.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "helpers.h"

static int family_present(void)
{
	int fd = nl_open();
	int id;

	if (fd < 0)
		return -1;
	id = nl_family(fd, LLKM_GENL_NAME);
	close(fd);
	return id >= 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

FIXTURE(module) {
	int unused;
};

/* Every test starts and ends with llkm unloaded. */
#define MODULE_SETUP()							\
	do {								\
		if (geteuid() != 0)					\
			SKIP(return, "needs root to load modules");	\
		if (!llkm_ko_path())					\
			SKIP(return, "llkm.ko not found: build it or set LLKM_KO"); \
		if (llkm_loaded())					\
			ASSERT_EQ(0, llkm_unload());			\
	} while (0)

FIXTURE_SETUP(module)
{
	MODULE_SETUP();
}

FIXTURE_TEARDOWN(module)
{
	if (llkm_loaded())
		llkm_unload();
}

TEST_F(module, load_creates_device_with_mode_0600)
{
	struct stat st;
	char buf[64];

	ASSERT_EQ(0, llkm_load(NULL));
	ASSERT_EQ(0, stat(LLKM_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/version", buf, sizeof(buf)));
	EXPECT_STREQ(LLKM_VERSION_EXPECTED, buf);
	EXPECT_EQ(1, family_present());
}

TEST_F(module, unload_removes_device_family_and_sysfs)
{
	ASSERT_EQ(0, llkm_load(NULL));
	ASSERT_EQ(0, llkm_unload());
	EXPECT_NE(0, access(LLKM_DEV, F_OK));
	EXPECT_FALSE(llkm_loaded());
	EXPECT_EQ(0, family_present());
}

TEST_F(module, second_load_is_refused_with_eexist)
{
	ASSERT_EQ(0, llkm_load(NULL));
	EXPECT_EQ(-EEXIST, llkm_load(NULL));
}

TEST_F(module, fifty_load_unload_cycles_leave_nothing_behind)
{
	int fds = count_fds();
	int i;

	for (i = 0; i < 50; i++) {
		int dev;

		ASSERT_EQ(0, llkm_load(NULL)) TH_LOG("cycle %d", i);
		dev = open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, dev) TH_LOG("cycle %d: open: %s", i,
					 strerror(errno));
		close(dev);
		ASSERT_EQ(1, family_present()) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, llkm_unload()) TH_LOG("cycle %d", i);
	}
	EXPECT_FALSE(llkm_loaded());
	EXPECT_NE(0, access(LLKM_DEV, F_OK));
	EXPECT_EQ(0, family_present());
	EXPECT_EQ(fds, count_fds());
}

TEST_F(module, unload_while_device_open_is_refused_then_works)
{
	int dev;

	ASSERT_EQ(0, llkm_load(NULL));
	dev = open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-EWOULDBLOCK, llkm_unload());
	close(dev);
	EXPECT_EQ(0, llkm_unload());
}

/* Module parameters: accepted values are visible, bad ones stop the load. */
FIXTURE(module_params) {
	int unused;
};

FIXTURE_SETUP(module_params)
{
	MODULE_SETUP();
}

FIXTURE_TEARDOWN(module_params)
{
	if (llkm_loaded())
		llkm_unload();
}

FIXTURE_VARIANT(module_params) {
	const char *params;
	int load_err;
	const char *size;
	const char *mode;
};

FIXTURE_VARIANT_ADD(module_params, defaults) {
	.params = "", .load_err = 0, .size = "524288", .mode = "discard",
};

FIXTURE_VARIANT_ADD(module_params, ring_4k_overwrite) {
	.params = "ring_size=4096 ring_mode=overwrite", .load_err = 0,
	.size = "4096", .mode = "overwrite",
};

FIXTURE_VARIANT_ADD(module_params, ring_256m) {
	.params = "ring_size=268435456", .load_err = 0, .size = "268435456",
	.mode = "discard",
};

FIXTURE_VARIANT_ADD(module_params, ring_size_below_min) {
	.params = "ring_size=2048", .load_err = -EINVAL,
};

FIXTURE_VARIANT_ADD(module_params, ring_size_above_max) {
	.params = "ring_size=536870912", .load_err = -EINVAL,
};

FIXTURE_VARIANT_ADD(module_params, ring_size_not_power_of_two) {
	.params = "ring_size=12288", .load_err = -EINVAL,
};

FIXTURE_VARIANT_ADD(module_params, ring_mode_unknown) {
	.params = "ring_mode=bogus", .load_err = -EINVAL,
};

TEST_F(module_params, are_validated_at_load)
{
	char buf[64];

	ASSERT_EQ(variant->load_err, llkm_load(variant->params));
	if (variant->load_err) {
		EXPECT_FALSE(llkm_loaded());
		return;
	}
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/parameters/ring_size", buf,
			       sizeof(buf)));
	EXPECT_STREQ(variant->size, buf);
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/parameters/ring_mode", buf,
			       sizeof(buf)));
	EXPECT_STREQ(variant->mode, buf);
}

TEST_HARNESS_MAIN
