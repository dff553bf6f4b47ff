// SPDX-License-Identifier: GPL-2.0
/*
 * Starting the measured command: forked, held on a pipe until llctl has
 * set up what measures it, then exec'ed, so the measurement starts at
 * its execve and not before.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/spawn.h"

/* CMD's full path, as execv() wants it, or NULL. */
char *llctl_resolve_cmd(const char *cmd)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save, *full = NULL;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) ? NULL : strdup(cmd);
	copy = strdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !full;
	     dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&full, "%s/%s", dir, cmd) < 0)
			full = NULL;
		else if (access(full, X_OK))
			free(full), full = NULL;
	}
	free(copy);
	return full;
}

/* Forks CMD held on a pipe: returns its pid; *go releases it. */
pid_t llctl_spawn_held(char **argv, const char *path, int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		prctl(PR_SET_NAME, LLCTL_SPAWN_COMM);
		if (read(p[0], &c, 1) != 1)
			_exit(127);	/* llctl gave up */
		execv(path, argv);
		_exit(127);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}
