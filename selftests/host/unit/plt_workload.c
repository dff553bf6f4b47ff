// SPDX-License-Identifier: GPL-2.0
/*
 * plt_workload [MS]: calls abs(), labs() and toupper() of libc in a loop
 * for MS milliseconds (default 1000) of CPU time. The Makefile builds it with
 * -fcf-protection=full -Wl,-z,ibtplt: every call goes through an entry of
 * .plt.sec, the second PLT of binaries built for Intel CET/IBT
 * (endbr64; bnd jmp *GOT), and the callees are so short that a good share
 * of the samples land in those entries. -fno-builtin and our own
 * prototypes (no <ctype.h>, whose inline toupper() calls another function)
 * keep gcc from inlining them.
 */
#include <time.h>

extern int atoi(const char *s);
extern int abs(int v);
extern long labs(long v);
extern int toupper(int c);

volatile long plt_sink;

static double cpu_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double end = cpu_seconds() + (argc > 1 ? atoi(argv[1]) : 1000) / 1e3;
	long i, s = 0;

	do {
		for (i = 0; i < 100000; i++)
			s += abs((int)i - 50000) + labs(i) + toupper((int)(i & 127));
		plt_sink = s;
	} while (cpu_seconds() < end);
	return 0;
}
