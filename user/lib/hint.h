/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What to do when llkm is not loaded or llctl is not allowed: a hint true
 * for the situation it is printed in (the kernel, where llctl runs from,
 * what is installed, who runs it), never a command that cannot work there.
 */
#ifndef LLCTL_LIB_HINT_H
#define LLCTL_LIB_HINT_H

#include <stdbool.h>
#include <stddef.h>

struct llctl_hint_ctx {
	const char *root;	/* proc/, sys/, lib/modules/ under it; NULL: "/" */
	const char *exe;	/* llctl's own path, absolute; NULL: unknown */
	const char *release;	/* uname -r; NULL: unknown */
	bool root_user;		/* effective uid 0 */
	bool capable;		/* CAP_PERFMON or CAP_SYS_ADMIN in effect */
};

/* This process: "/" and its own exe, release, uid and capabilities. */
void llctl_hint_ctx_self(struct llctl_hint_ctx *c);

/*
 * The command that loads llkm here ("sudo insmod TREE/kmod/llkm.ko",
 * "sudo modprobe llkm") in @buf, or NULL when none would (no module
 * support, llkm neither built nor installed: llctl_hint_load() says why).
 */
const char *llctl_hint_load_cmd(const struct llctl_hint_ctx *c, char *buf,
				size_t len);

/* llkm is not loaded: how to load it here. Returns @buf. */
const char *llctl_hint_load(const struct llctl_hint_ctx *c, char *buf,
			    size_t len);

/*
 * llkm refused (EPERM) or /dev/llkm's mode did (EACCES, @device): what
 * would let this user through. Returns @buf.
 */
const char *llctl_hint_perm(const struct llctl_hint_ctx *c, bool device,
			    char *buf, size_t len);

/*
 * perf_event_open was refused for want of CAP_PERFMON: how to give it to
 * llctl (its own path), or, when it has it, who else refused. Returns @buf.
 */
const char *llctl_hint_perf_cap(const struct llctl_hint_ctx *c, char *buf,
				size_t len);

#endif /* LLCTL_LIB_HINT_H */
