/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the measured command (lib/spawn.c).
 */
#ifndef LLCTL_LIB_SPAWN_H
#define LLCTL_LIB_SPAWN_H

#include <sys/types.h>

/* CMD's full path through $PATH, as execv() wants it (malloc'ed), or NULL. */
char *llctl_resolve_cmd(const char *cmd);

/*
 * The held child's name until its execve (perf's is "perf-exec"): samples
 * between a counter's enable_on_exec and the exec's COMM record carry it.
 */
#define LLCTL_SPAWN_COMM "llctl-exec"

/*
 * Forks CMD held on a pipe: returns its pid, or -1. The child is named
 * LLCTL_SPAWN_COMM. Writing a byte to *go releases it into execv(path,
 * argv); closing *go unwritten makes it exit 127. The child exits 127 when
 * execv() fails.
 */
pid_t llctl_spawn_held(char **argv, const char *path, int *go);

#endif /* LLCTL_LIB_SPAWN_H */
