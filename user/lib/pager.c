// SPDX-License-Identifier: GPL-2.0
/*
 * The pager: a child running "sh -c PAGER" that reads a pipe which stdout
 * becomes. llctl_pager_end() closes the pipe, so that the pager sees the
 * end, and waits: the shell's prompt must not come back under the pager.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/pager.h"
#include "lib/util.h"

static pid_t pager_pid;

static const char *pager_cmd(void)
{
	const char *p = getenv("LLCTL_PAGER");

	if (!p)
		p = getenv("PAGER");
	if (!p)
		p = "less";
	return p;
}

static void pager_exec(int rd, const char *cmd)
{
	if (dup2(rd, STDIN_FILENO) < 0)
		_exit(127);
	close(rd);
	setenv("LESS", getenv("LESS") ?: "FRX", 1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int llctl_pager_start(bool off)
{
	const char *cmd = pager_cmd();
	int fd[2];

	if (off || !isatty(STDOUT_FILENO) || !*cmd || !strcmp(cmd, "cat"))
		return 0;
	if (pipe2(fd, O_CLOEXEC)) {
		llctl_err("Unable to start the pager '%s': %s", cmd, strerror(errno));
		return -1;
	}
	fflush(stdout);
	pager_pid = fork();
	if (pager_pid < 0) {
		llctl_err("Unable to start the pager '%s': %s", cmd, strerror(errno));
		close(fd[0]);
		close(fd[1]);
		pager_pid = 0;
		return -1;
	}
	if (!pager_pid)
		pager_exec(fd[0], cmd);
	close(fd[0]);
	dup2(fd[1], STDOUT_FILENO);
	close(fd[1]);
	/* The user quitting the pager early ends llctl, as it does perf. */
	signal(SIGPIPE, SIG_DFL);
	return 0;
}

void llctl_pager_end(void)
{
	int status;

	if (!pager_pid)
		return;
	fflush(stdout);
	close(STDOUT_FILENO);
	while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
		;
	pager_pid = 0;
}
