// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/llkm: who may open it and what its ioctls answer.
 */
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "helpers.h"

FIXTURE(chardev) {
	int loaded_here;
	int fd;
};

FIXTURE_SETUP(chardev)
{
	int ret = llkm_hold(&self->loaded_here);

	self->fd = -1;
	if (ret == -EPERM)
		SKIP(return, "llkm is not loaded and cannot be (needs root and llkm.ko)");
	ASSERT_EQ(0, ret);
	self->fd = open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", LLKM_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(chardev)
{
	if (self->fd >= 0)
		close(self->fd);
	llkm_release(self->loaded_here);
}

TEST_F(chardev, info_ioctl_fills_every_field)
{
	struct llkm_ioc_info info;
	char buf[32];

	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(0, ioctl(self->fd, LLKM_IOC_INFO, &info));
	EXPECT_EQ(LLKM_ABI_VERSION, info.abi);
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/parameters/ring_size", buf,
			       sizeof(buf)));
	EXPECT_EQ(strtoul(buf, NULL, 10), info.ring_size);
	EXPECT_TRUE(info.features & LLKM_FEAT_CHARDEV);
	EXPECT_EQ(0, info.features & ~LLKM_FEAT_ALL);
}

TEST_F(chardev, info_ioctl_with_bad_pointer_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, LLKM_IOC_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(chardev, unknown_ioctl_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(LLKM_IOC_MAGIC, 0x4f)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(chardev, is_not_seekable)
{
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
}

static int open_errno_after_drop(int as_nobody)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };
	int fd;

	if (as_nobody) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			return 200;
	} else {
		/* Keep DAC override so only the CAP_PERFMON check can refuse. */
		data[0].effective = data[0].permitted = 1 << CAP_DAC_OVERRIDE;
		if (syscall(SYS_capset, &hdr, data))
			return 201;
	}
	fd = open(LLKM_DEV, O_RDONLY);
	return fd < 0 ? errno : 0;
}

static int errno_in_child(int as_nobody)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(open_errno_after_drop(as_nobody));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(chardev, nobody_cannot_open_it)
{
	EXPECT_EQ(EACCES, errno_in_child(1));
}

TEST_F(chardev, root_without_perfmon_cannot_open_it)
{
	EXPECT_EQ(EPERM, errno_in_child(0));
}

TEST_HARNESS_MAIN
