// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall names, from libseccomp's tables for the native architecture:
 * maintained with the kernel, never typed by hand here.
 */
#include <stdio.h>
#include <stdlib.h>

#include <seccomp.h>

#include "trace/syscalls.h"

#define NAMES_MAX 1024

static char *names[NAMES_MAX];

const char *trace_syscall_name(long nr)
{
	static char buf[32];

	if (nr >= 0 && nr < NAMES_MAX) {
		if (!names[nr])
			names[nr] = seccomp_syscall_resolve_num_arch(
				SCMP_ARCH_NATIVE, (int)nr);
		if (names[nr])
			return names[nr];
	}
	snprintf(buf, sizeof(buf), "syscall_%ld", nr);
	return buf;
}

int trace_syscall_nr(const char *name)
{
	static const char *last;
	static int nr;

	if (name != last) {
		nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);
		last = name;
	}
	return nr;
}
