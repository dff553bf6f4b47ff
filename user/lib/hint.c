// SPDX-License-Identifier: GPL-2.0
/*
 * Hints for a missing module or a refusal (lib/hint.h), each decided from
 * what is there: a kernel without module support gets no insmod, an
 * installed llctl no source-tree path, a capable user no setcap.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/capability.h>

#include "lib/hint.h"
#include "lib/rootfs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif

static bool cap_effective(int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[cap / 32].effective & (1U << (cap % 32));
}

void llctl_hint_ctx_self(struct llctl_hint_ctx *c)
{
	static char exe[PATH_MAX], release[65];
	struct utsname u;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	memset(c, 0, sizeof(*c));
	if (n > 0) {
		exe[n] = '\0';
		c->exe = exe;
	}
	if (!uname(&u)) {
		snprintf(release, sizeof(release), "%s", u.release);
		c->release = release;
	}
	c->root_user = geteuid() == 0;
	c->capable = cap_effective(CAP_PERFMON) || cap_effective(CAP_SYS_ADMIN);
}

/* The tree llctl was built in: DIR of DIR/user/llctl, or "". */
static void source_tree(const struct llctl_hint_ctx *c, char *dir, size_t len)
{
	const char *end;

	dir[0] = '\0';
	if (!c->exe)
		return;
	end = strrchr(c->exe, '/');
	if (!end || end - c->exe < 5 || strncmp(end - 5, "/user", 5) ||
	    strcmp(end, "/llctl"))
		return;
	snprintf(dir, len, "%.*s", (int)(end - 5 - c->exe), c->exe);
	if (!dir[0])
		snprintf(dir, len, "/");
}

/* modules.dep of @c's kernel names llkm: modprobe finds it. */
static bool installed(const struct llctl_hint_ctx *c)
{
	char path[PATH_MAX], line[1024];
	bool found = false;
	FILE *f;

	if (!c->release ||
	    llctl_root_path(path, sizeof(path), c->root, "lib/modules") ||
	    strlen(path) + strlen(c->release) + 14 >= sizeof(path))
		return false;
	strcat(path, "/");
	strcat(path, c->release);
	strcat(path, "/modules.dep");
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		found = strstr(line, "/llkm.ko") || !strncmp(line, "llkm.ko", 7);
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * @ko (under @c's root) was built for @c's kernel: its .modinfo says
 * "vermagic=RELEASE ", which insmod checks too. Unknown release: true.
 */
static bool built_for(const struct llctl_hint_ctx *c, const char *ko)
{
	char path[PATH_MAX], want[128], buf[65536 + 128];
	size_t keep = 0, n, wl;
	bool found = false;
	FILE *f;

	if (!c->release)
		return true;
	wl = (size_t)snprintf(want, sizeof(want), "vermagic=%s ", c->release);
	if (wl >= sizeof(want) ||
	    llctl_root_path(path, sizeof(path), c->root, ko + 1))
		return false;
	f = fopen(path, "rbe");
	/* Read in blocks, each after the last wl - 1 bytes of the one before. */
	while (f && !found && (n = fread(buf + keep, 1, 65536, f)) > 0) {
		n += keep;
		found = memmem(buf, n, want, wl) != NULL;
		keep = n < wl - 1 ? n : wl - 1;
		memmove(buf, buf + n - keep, keep);
	}
	if (f)
		fclose(f);
	return found;
}

/* TREE/kmod/llkm.ko of the tree llctl was built in, or "" (none). */
static void tree_ko(const struct llctl_hint_ctx *c, char *tree, char *ko,
		    size_t len)
{
	source_tree(c, tree, len);
	ko[0] = '\0';
	if (tree[0])
		snprintf(ko, len + 16, "%s/kmod/llkm.ko",
			 strcmp(tree, "/") ? tree : "");
}

/* DIR/llkm.ko beside llctl (an installed kselftest, a tarball), or "". */
static void beside_ko(const struct llctl_hint_ctx *c, char *ko, size_t len)
{
	const char *end = c->exe ? strrchr(c->exe, '/') : NULL;

	ko[0] = '\0';
	if (end && end > c->exe)
		snprintf(ko, len, "%.*s/llkm.ko", (int)(end - c->exe), c->exe);
}

/* @ko exists under @c's root and was built for @c's kernel. */
static bool loadable(const struct llctl_hint_ctx *c, const char *ko)
{
	return ko[0] == '/' && llctl_root_exists(c->root, ko + 1) &&
	       built_for(c, ko);
}

const char *llctl_hint_load_cmd(const struct llctl_hint_ctx *c, char *buf,
				size_t len)
{
	char tree[PATH_MAX], ko[PATH_MAX + 16];

	if (!llctl_root_exists(c->root, "proc/modules"))
		return NULL;
	tree_ko(c, tree, ko, sizeof(tree));
	if (!loadable(c, ko))
		beside_ko(c, ko, sizeof(ko));
	if (loadable(c, ko))
		snprintf(buf, len, "sudo insmod %s", ko);
	else if (installed(c))
		snprintf(buf, len, "sudo modprobe llkm");
	else
		return NULL;
	return buf;
}

const char *llctl_hint_load(const struct llctl_hint_ctx *c, char *buf,
			    size_t len)
{
	char tree[PATH_MAX], ko[PATH_MAX + 16], cmd[PATH_MAX + 32];

	if (!llctl_root_exists(c->root, "proc/modules")) {
		snprintf(buf, len, "this kernel cannot load modules (no /proc/modules): llkm needs a kernel built with module support");
		return buf;
	}
	tree_ko(c, tree, ko, sizeof(tree));
	if (llctl_hint_load_cmd(c, cmd, sizeof(cmd)))
		snprintf(buf, len, "load it: %s", cmd);
	else if (tree[0])
		snprintf(buf, len, "build it for this kernel and load it: make -C %s module && sudo insmod %s",
			 tree, ko);
	else
		snprintf(buf, len, "llkm is not installed for kernel %s: install it with DKMS (docs/install.md), then sudo modprobe llkm",
			 c->release ? c->release : "(unknown)");
	return buf;
}

const char *llctl_hint_perf_cap(const struct llctl_hint_ctx *c, char *buf,
				size_t len)
{
	if (c->root_user || c->capable)
		snprintf(buf, len, "llctl has CAP_PERFMON or CAP_SYS_ADMIN already: a security module or lockdown refused it (sudo dmesg | grep -i denied)");
	else
		snprintf(buf, len, "give llctl CAP_PERFMON (sudo setcap cap_perfmon=ep %s)",
			 c->exe ? c->exe : "llctl");
	return buf;
}

const char *llctl_hint_perm(const struct llctl_hint_ctx *c, bool device,
			    char *buf, size_t len)
{
	const char *exe = c->exe ? c->exe : "llctl";

	if (c->root_user)
		snprintf(buf, len, "refused although llctl runs as root: a security module or lockdown said no (sudo dmesg | grep -i denied)");
	else if (c->capable && device)
		snprintf(buf, len, "/dev/llkm is not open to you: join group llkm with its udev rule (docs/install.md, 'Letting a group use /dev/llkm'), or run as root");
	else if (c->capable)
		snprintf(buf, len, "refused although llctl has CAP_PERFMON: a security module, lockdown or a user namespace said no (sudo dmesg | grep -i denied)");
	else
		snprintf(buf, len, "run as root, or give llctl CAP_PERFMON (sudo setcap cap_perfmon=ep %s) and group llkm for /dev/llkm (docs/install.md)",
			 exe);
	return buf;
}
