// SPDX-License-Identifier: GPL-2.0
/*
 * llctl: control and reports for the llkm module.
 *
 * The table below is the whole command set: it dispatches, and it is the
 * usage text.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <linux/llkm.h>

#include "cmd.h"
#include "lib/util.h"

struct llctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static int cmd_help(int argc, char **argv);

static const struct llctl_cmd cmds[] = {
	{ "info",   cmd_info,   "Show what the loaded llkm module offers" },
	{ "doctor", cmd_doctor, "Check this machine for what breaks measurement" },
	{ "trace",  cmd_trace,  "Trace syscalls, IRQs, softirqs and switches in the kernel" },
	{ "report", cmd_report, "Render a capture of llctl trace -o, or a perf.data file" },
	{ "profile", cmd_profile, "Count events of a command, a process or CPUs (perf stat)" },
	{ "record", cmd_record, "Sample a command into perf.data (perf record)" },
	{ "top",    cmd_top,    "A live view of the hottest functions or per-CPU counts (perf top)" },
	{ "events", cmd_events, "List the performance events this machine supports" },
	{ "fence",  cmd_fence,  "Measure what each memory-ordering primitive costs" },
	{ "coherency", cmd_coherency, "Cache-line latency, false sharing, litmus tests and more" },
	{ "analyze", cmd_analyze, "Find a command's bottlenecks and how it scales with threads" },
	{ "metrics", cmd_metrics, "Serve Prometheus metrics over HTTP, or print one scrape" },
	{ "config", cmd_config, "Check, plan, apply, verify and revert a YAML tuning profile" },
	{ "layout", cmd_layout, "Show struct fields by cache line: holes, straddles, hot fields" },
	{ "help",   cmd_help,   "Show this help, or a command's: help CMD" },
};

static const struct llctl_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <command> [<options>]\n"
		   "       %s --version\n\n"
		   "Commands:\n", llctl_prog, llctl_prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nRun '%s help <command>' for its options.\n",
		llctl_prog);
}

/* man -w PAGE, quietly: does man find PAGE? False when man is not there. */
static bool man_has(const char *page)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp("man", "man", "-w", page, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status);
}

/*
 * As git help does: on a terminal, the man page llctl-NAME when man finds
 * it. Returns only when it did not exec man; the caller prints the usage.
 */
static void exec_man(const char *name)
{
	char page[64];

	if (!isatty(STDOUT_FILENO))
		return;
	snprintf(page, sizeof(page), "llctl-%s", name);
	if (!man_has(page))
		return;
	fflush(NULL);
	execlp("man", "man", page, (char *)NULL);
}

static int cmd_help(int argc, char **argv)
{
	const struct llctl_cmd *cmd;
	char help_opt[] = "--help";
	char *help_argv[] = { NULL, help_opt, NULL };

	if (argc < 2) {
		usage(stdout);
		return llctl_stdout_close();
	}
	cmd = find_cmd(argv[1]);
	if (!cmd || cmd->fn == cmd_help) {
		llctl_err("Unable to show help for '%s': no such command",
			  argv[1]);
		usage(stderr);
		return 1;
	}
	exec_man(cmd->name);
	help_argv[0] = argv[1];
	return cmd->fn(2, help_argv);
}

int main(int argc, char **argv)
{
	const struct llctl_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("llctl %s (llkm ABI %d)\n", LLCTL_VERSION,
		       LLKM_ABI_VERSION);
		return llctl_stdout_close();
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);

	cmd = find_cmd(argv[1]);
	if (!cmd) {
		llctl_err("Unable to run '%s': no such command", argv[1]);
		usage(stderr);
		return 1;
	}
	return cmd->fn(argc - 1, argv + 1);
}
