/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LLCTL_TRACE_SYSCALLS_H
#define LLCTL_TRACE_SYSCALLS_H

/*
 * The native architecture's name of syscall @nr ("read"), or "syscall_NR"
 * for a number libseccomp does not know. Valid until the next call for an
 * unknown number.
 */
const char *trace_syscall_name(long nr);

/* The native number of syscall @name, or a negative number. */
int trace_syscall_nr(const char *name);

#endif /* LLCTL_TRACE_SYSCALLS_H */
