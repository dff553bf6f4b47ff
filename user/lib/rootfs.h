/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading proc/ and sys/ files under a root prefix: the primitives lib/env.c
 * (which implements them) and doctor/checks.c share. A NULL, "" or "/" root is the
 * real system; the unit tests pass a fake tree. Paths are relative to the
 * root and never start with '/': "proc/cpuinfo".
 */
#ifndef LLCTL_LIB_ROOTFS_H
#define LLCTL_LIB_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

bool llctl_root_is_real(const char *root);

/* "@root/@path" into @buf: 0, or -ENAMETOOLONG. */
int llctl_root_path(char *buf, size_t size, const char *root,
		    const char *path);

bool llctl_root_exists(const char *root, const char *path);
FILE *llctl_root_fopen(const char *root, const char *path);

/*
 * The first line of @root/@path (at most 4 KiB) without trailing white
 * space, malloc'ed; NULL with errno set when it cannot be read.
 */
char *llctl_root_read(const char *root, const char *path);

/*
 * The first line as a decimal integer: 0, -errno when unreadable, -EINVAL
 * when it is not one integer (trailing white space allowed).
 */
int llctl_root_read_int(const char *root, const char *path, long *val);

/*
 * Calls @fn for each thread of process @pid (/proc/PID/task), until it
 * returns non-zero, which is returned; -ESRCH when there is no such
 * process.
 */
int llctl_proc_for_each_thread(int pid, int (*fn)(int tid, void *arg),
			       void *arg);

/* Cuts trailing white space off @s in place. */
void llctl_rstrip(char *s);

/* One decimal integer, trailing white space allowed: 0 or -EINVAL. */
int llctl_parse_long(const char *s, long *val);

/*
 * CPU lists as sysfs prints them ("0-3,8,10-11", optional trailing newline):
 * ranges ascending and disjoint, numbers at most INT_MAX, "" is the empty
 * list. Returns how many CPUs the list names, or -1 when it is malformed
 * ("3-1", "0,", "0-3,2", "a", a count above INT_MAX).
 */
int llctl_cpulist_count(const char *s);

/*
 * Call @fn for each CPU of a well-formed list, in order, until it returns
 * non-zero (which is returned). -1, without any call, when @s is malformed.
 */
int llctl_cpulist_for_each(const char *s, int (*fn)(int cpu, void *arg),
			   void *arg);

/* Where llctl config keeps the applied profile's state. */
#define LLCTL_STATE_DIR_DEFAULT	"/var/lib/llctl"
#define LLCTL_STATE_FILE	"state.json"

/*
 * $LLCTL_STATE_DIR/state.json, else @root/var/lib/llctl/state.json, into
 * @buf ("" when it does not fit): llctl config writes it, the environment
 * of every report names the profile it holds.
 */
void llctl_state_file(const char *root, char *buf, size_t size);

#endif /* LLCTL_LIB_ROOTFS_H */
