// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_loop: the traced process of bench/syscall_bench.sh. It times a
 * tight loop of one system call with CLOCK_MONOTONIC and prints the cost
 * per call on stdout, one line of key=value pairs:
 *
 *   syscall=getppid nr=110 calls=200000 ns_per_call=123.4
 *
 * Only the loop is timed: start-up, the wait and the print are not. With
 * --wait it first prints "ready PID" and blocks until a line arrives on
 * stdin, so that a tracer that attaches to a running pid (ftrace's
 * set_event_pid) is set up before the first timed call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum kind { KIND_GETPPID, KIND_READ };

static const struct {
	const char *name;
	long nr;
	const char *what;
} kinds[] = {
	[KIND_GETPPID] = { "getppid", SYS_getppid, "syscall(SYS_getppid): the cheapest call" },
	[KIND_READ] = { "read", SYS_read, "read(fd, buf, 1) on /dev/zero" },
};

static const struct option opts[] = {
	{ "calls", required_argument, NULL, 'n' },
	{ "syscall", required_argument, NULL, 's' },
	{ "cpu", required_argument, NULL, 'c' },
	{ "wait", no_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscall_loop [-n CALLS] [-s getppid|read] [-c CPU] [-w]\n"
		"\n"
		"Time CALLS back-to-back system calls and print the ns per call.\n"
		"\n"
		"  -n, --calls N      calls in the timed loop (default 200000)\n"
		"  -s, --syscall S    getppid: %s;\n"
		"                     read: %s\n"
		"  -c, --cpu CPU      pin to CPU before the loop\n"
		"  -w, --wait         print \"ready PID\", wait for a line on stdin\n"
		"  -h, --help         show this help\n",
		kinds[KIND_GETPPID].what, kinds[KIND_READ].what);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The timed loop: 0, or -1 when a call did not do what it should. */
static int run(enum kind kind, long calls, int fd, double *ns)
{
	double t0, t1;
	char buf[1];
	long i;

	t0 = now_ns();
	if (kind == KIND_GETPPID) {
		for (i = 0; i < calls; i++)
			syscall(SYS_getppid);
	} else {
		for (i = 0; i < calls; i++)
			if (read(fd, buf, 1) != 1)
				return -1;
	}
	t1 = now_ns();
	*ns = t1 - t0;
	return 0;
}

int main(int argc, char **argv)
{
	enum kind kind = KIND_GETPPID;
	long calls = 200000, cpu = -1;
	int ret = 1, fd = -1, wait = 0, c;
	char *end, line[16];
	cpu_set_t set;
	double ns;

	while ((c = getopt_long(argc, argv, "n:s:c:wh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			errno = 0;
			calls = strtol(optarg, &end, 10);
			if (errno || *end || calls < 1) {
				fprintf(stderr, "Unable to use --calls '%s': a count from 1\n", optarg);
				return 1;
			}
			break;
		case 's':
			if (!strcmp(optarg, kinds[KIND_GETPPID].name)) {
				kind = KIND_GETPPID;
			} else if (!strcmp(optarg, kinds[KIND_READ].name)) {
				kind = KIND_READ;
			} else {
				fprintf(stderr, "Unable to use --syscall '%s': getppid or read\n", optarg);
				return 1;
			}
			break;
		case 'c':
			errno = 0;
			cpu = strtol(optarg, &end, 10);
			if (errno || *end || cpu < 0 || cpu >= CPU_SETSIZE) {
				fprintf(stderr, "Unable to use --cpu '%s': a CPU number\n", optarg);
				return 1;
			}
			break;
		case 'w':
			wait = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Unable to use '%s': no operands\n", argv[optind]);
		return 1;
	}

	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "Unable to pin to CPU %ld: %s\n", cpu, strerror(errno));
			goto cleanup;
		}
	}
	if (kind == KIND_READ) {
		fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "Unable to open /dev/zero: %s\n", strerror(errno));
			goto cleanup;
		}
	}
	if (wait) {
		printf("ready %d\n", getpid());
		if (fflush(stdout) || !fgets(line, sizeof(line), stdin)) {
			fprintf(stderr, "Unable to wait for the go line: stdin closed\n");
			goto cleanup;
		}
	}
	if (run(kind, calls, fd, &ns)) {
		fprintf(stderr, "Unable to read /dev/zero: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("syscall=%s nr=%ld calls=%ld ns_per_call=%.1f\n",
	       kinds[kind].name, kinds[kind].nr, calls, ns / calls);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Unable to write the result: %s\n", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	return ret;
}
