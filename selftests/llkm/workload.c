// SPDX-License-Identifier: GPL-2.0
/*
 * A workload whose counts are known, for comparing llctl with perf on the
 * same command: each step does a set number of things, in order.
 *
 *   workload [STEP N]...
 *     spin MS     MS ms of CPU in workload_hot() and workload_warm(), 9:1
 *     sleep N     N sleeps of 1 ms: N voluntary context switches
 *     faults N    touch N fresh pages: N page faults
 *     forks N     N children that each touch 256 pages and exit
 *
 * Built with frame pointers and without inlining of the two hot functions,
 * so samples and call chains land in them by name.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile uint64_t workload_sink;

static inline void mix(unsigned int n)
{
	uint64_t x = workload_sink;
	unsigned int i;

	for (i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	workload_sink = x;
}

/*
 * A call keeps the two from being leaf functions, which gcc 12 builds
 * without a frame pointer whatever -mno-omit-leaf-frame-pointer says:
 * then an unwinder by frame pointers skips their caller.
 */
__attribute__((noinline)) void workload_tick(void)
{
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline, noclone)) void workload_hot(void)
{
	mix(90000);
	workload_tick();
}

__attribute__((noinline, noclone)) void workload_warm(void)
{
	mix(10000);
	workload_tick();
}

static uint64_t cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void spin(long ms)
{
	uint64_t end = cpu_ms() + ms;

	while (cpu_ms() < end) {
		workload_hot();
		workload_warm();
	}
}

static void sleeps(long n)
{
	struct timespec ms = { 0, 1000000 };

	while (n-- > 0)
		nanosleep(&ms, NULL);
}

static int faults(long n)
{
	char *p = mmap(NULL, n * 4096L, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long i;

	if (p == MAP_FAILED)
		return -1;
	/* One fault per page: no transparent huge page. */
	madvise(p, n * 4096L, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++)
		p[i * 4096L] = 1;
	return munmap(p, n * 4096L);
}

static int forks(long n)
{
	int status, ret = 0;
	pid_t pid;

	while (n-- > 0) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0)
			_exit(faults(256) ? 1 : 0);
		if (waitpid(pid, &status, 0) != pid || status)
			ret = -1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;
	long n;

	for (i = 1; i + 1 < argc && !ret; i += 2) {
		n = strtol(argv[i + 1], NULL, 10);
		if (!strcmp(argv[i], "spin"))
			spin(n);
		else if (!strcmp(argv[i], "sleep"))
			sleeps(n);
		else if (!strcmp(argv[i], "faults"))
			ret = faults(n);
		else if (!strcmp(argv[i], "forks"))
			ret = forks(n);
		else
			ret = -1;
	}
	if (ret || i < argc) {
		fprintf(stderr, "usage: workload [spin MS|sleep N|faults N|forks N]...\n");
		return 2;
	}
	return 0;
}
