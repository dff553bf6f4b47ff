// SPDX-License-Identifier: GPL-2.0
/*
 * lib/hint.c: each hint for a missing module or a refusal is the one that
 * works in the situation, built here as a fake root (a kernel without
 * module support, llctl run from its source tree with or without a built
 * module, an installed module modules.dep lists, nothing) and a user
 * (root, capable, neither).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "fake_root.h"
#include "kselftest_harness.h"

#include "lib/hint.h"

#define REL "6.1.0-57-amd64"

FIXTURE(hint) {
	char dir[sizeof(FAKE_ROOT_TEMPLATE)];
	struct llctl_hint_ctx c;
	char buf[1024];
};

FIXTURE_SETUP(hint)
{
	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->c = (struct llctl_hint_ctx){ .root = self->dir,
		.exe = "/usr/local/bin/llctl", .release = REL };
	ASSERT_EQ(0, fake_put(self->dir, "proc/modules", ""));
}

FIXTURE_TEARDOWN(hint)
{
	EXPECT_EQ(0, fake_root_remove(self->dir));
}

#define LOAD() llctl_hint_load(&self->c, self->buf, sizeof(self->buf))
#define PERM(dev) llctl_hint_perm(&self->c, (dev), self->buf, sizeof(self->buf))

TEST_F(hint, a_kernel_without_modules_gets_no_insmod)
{
	ASSERT_EQ(0, fake_root_remove(self->dir));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	EXPECT_NE(NULL, strstr(LOAD(), "cannot load modules"));
	EXPECT_EQ(NULL, strstr(self->buf, "insmod"));
	EXPECT_EQ(NULL, strstr(self->buf, "modprobe"));
}

TEST_F(hint, the_source_tree_loads_its_own_module_by_its_path)
{
	self->c.exe = "/src/llkm/user/llctl";
	ASSERT_EQ(0, fake_put(self->dir, "src/llkm/kmod/llkm.ko",
			      "\177ELF...vermagic=" REL " SMP mod_unload \n..."));
	EXPECT_STREQ("load it: sudo insmod /src/llkm/kmod/llkm.ko", LOAD());
}

/* The vermagic is found across the reader's 64 KiB blocks too. */
TEST_F(hint, a_vermagic_across_a_block_boundary_is_found)
{
	static char ko[70000];
	const char *vm = "vermagic=" REL " SMP";

	memset(ko, 'x', sizeof(ko) - 1);
	memcpy(ko + 65536 - 7, vm, strlen(vm));
	self->c.exe = "/src/llkm/user/llctl";
	ASSERT_EQ(0, fake_put(self->dir, "src/llkm/kmod/llkm.ko", ko));
	EXPECT_STREQ("load it: sudo insmod /src/llkm/kmod/llkm.ko", LOAD());
}

/* An installed kselftest or a tarball: llkm.ko beside llctl. */
TEST_F(hint, a_module_beside_llctl_is_loaded_by_its_path)
{
	self->c.exe = "/opt/llkm/llctl";
	ASSERT_EQ(0, fake_put(self->dir, "opt/llkm/llkm.ko",
			      "\177ELF...vermagic=" REL " SMP mod_unload \n..."));
	EXPECT_STREQ("load it: sudo insmod /opt/llkm/llkm.ko", LOAD());
}

/* Built for another kernel (insmod would refuse it): built again first. */
TEST_F(hint, a_module_built_for_another_kernel_is_built_again)
{
	self->c.exe = "/src/llkm/user/llctl";
	ASSERT_EQ(0, fake_put(self->dir, "src/llkm/kmod/llkm.ko",
			      "\177ELF...vermagic=6.12.9-amd64 SMP mod_unload \n..."));
	EXPECT_STREQ("build it for this kernel and load it: make -C /src/llkm module && sudo insmod /src/llkm/kmod/llkm.ko",
		     LOAD());
}

TEST_F(hint, a_source_tree_without_its_module_builds_it_first)
{
	self->c.exe = "/src/llkm/user/llctl";
	EXPECT_STREQ("build it for this kernel and load it: make -C /src/llkm module && sudo insmod /src/llkm/kmod/llkm.ko",
		     LOAD());
}

TEST_F(hint, an_installed_module_is_modprobed)
{
	ASSERT_EQ(0, fake_put(self->dir, "lib/modules/" REL "/modules.dep",
			      "kernel/fs/ext4/ext4.ko.xz: kernel/fs/jbd2/jbd2.ko.xz\n"
			      "updates/dkms/llkm.ko.xz:\n"));
	EXPECT_STREQ("load it: sudo modprobe llkm", LOAD());
}

TEST_F(hint, a_module_of_another_kernel_is_not_installed_here)
{
	ASSERT_EQ(0, fake_put(self->dir, "lib/modules/6.12.0-1-amd64/modules.dep",
			      "updates/dkms/llkm.ko.xz:\n"));
	ASSERT_EQ(0, fake_put(self->dir, "lib/modules/" REL "/modules.dep",
			      "kernel/fs/ext4/ext4.ko.xz:\n"
			      "kernel/drivers/net/allkm.ko:\n"));
	EXPECT_NE(NULL, strstr(LOAD(), "not installed for kernel " REL));
	EXPECT_NE(NULL, strstr(self->buf, "DKMS"));
	EXPECT_EQ(NULL, strstr(self->buf, "insmod"));
}

TEST_F(hint, root_refused_is_told_of_a_security_module_not_setcap)
{
	self->c.root_user = true;
	EXPECT_NE(NULL, strstr(PERM(false), "security module"));
	EXPECT_EQ(NULL, strstr(self->buf, "setcap"));
}

TEST_F(hint, a_capable_user_refused_by_the_device_needs_the_group)
{
	self->c.capable = true;
	EXPECT_NE(NULL, strstr(PERM(true), "group llkm"));
	EXPECT_EQ(NULL, strstr(self->buf, "setcap"));
	EXPECT_NE(NULL, strstr(PERM(false), "although llctl has CAP_PERFMON"));
}

TEST_F(hint, an_incapable_user_gets_setcap_on_this_llctl_and_the_group)
{
	EXPECT_STREQ("run as root, or give llctl CAP_PERFMON (sudo setcap cap_perfmon=ep /usr/local/bin/llctl) and group llkm for /dev/llkm (docs/install.md)",
		     PERM(true));
}

TEST_HARNESS_MAIN
