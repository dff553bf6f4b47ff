// SPDX-License-Identifier: GPL-2.0
/*
 * A workload whose counts are known, for comparing llctl with perf on the
 * same command: each step does a set number of things, in order.
 *
 *   workload [STEP N]...
 *     spin MS     MS ms of CPU in workload_hot() and workload_warm(), 9:1
 *     callers MS  MS ms of CPU in workload_hot(), called 3 times from
 *                 workload_outer() for each time from workload_other(),
 *                 both called from main(): a call graph of known shares
 *     sleep N     N sleeps of 1 ms: N voluntary context switches
 *     pingpong N  N round trips of a byte to a thread over pipes: each side
 *                 blocks each time, about 2N voluntary context switches at
 *                 the kernel's speed (no timer in the way)
 *     faults N    touch N fresh pages: N page faults
 *     forks N     N children that each touch 256 pages and exit
 *     getppid N   N getppid calls
 *     child N     a child that makes N getppid calls and exits, waited for
 *     open PATH   openat(AT_FDCWD, PATH, O_RDONLY|O_CLOEXEC), closed if open
 *     create PATH openat(AT_FDCWD, PATH, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,
 *                 0640), closed, then unlink(PATH)
 *     stat PATH   stat(PATH); access PATH: access(PATH, R_OK|W_OK)
 *     mkdir PATH  mkdir(PATH, 0750), then rmdir(PATH)
 *     (glibc picks the syscalls: openat, newfstatat, faccessat on arm64)
 *   workload contend THREADS CRIT_US PAR_US ROUNDS [XTALK_US]
 *     THREADS threads; each round each sleeps PAR_US, then holds one mutex
 *     for CRIT_US plus XTALK_US per other thread (touching each one's
 *     slot), then all meet at a barrier. A round lasts
 *     PAR + N * (CRIT + (N - 1) * XTALK): throughput N / time follows the
 *     Universal Scalability Law with sigma = CRIT / (CRIT + PAR) and
 *     kappa = XTALK / (CRIT + PAR), whatever the number of CPUs (sleeps).
 *
 * Built with frame pointers and without inlining of the two hot functions,
 * so samples and call chains land in them by name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* workload_hot()'s callers for "callers": 3 calls and 1, each from main(). */
__attribute__((noinline, noclone)) void workload_outer(void)
{
	workload_hot();
	workload_hot();
	workload_hot();
}

__attribute__((noinline, noclone)) void workload_other(void)
{
	workload_hot();
}

static void callers(long ms)
{
	uint64_t end = cpu_ms() + ms;

	while (cpu_ms() < end) {
		workload_outer();
		workload_other();
	}
}

static void sleeps(long n)
{
	struct timespec ms = { 0, 1000000 };

	while (n-- > 0)
		nanosleep(&ms, NULL);
}

struct pipe_ends {
	int in, out;
};

static void *pong(void *arg)
{
	const struct pipe_ends *e = arg;
	char c;

	while (read(e->in, &c, 1) == 1)		/* until EOF */
		if (write(e->out, &c, 1) != 1)
			break;
	return NULL;
}

static int pingpong(long n)
{
	int to[2], from[2], ret = -1;
	struct pipe_ends e;
	pthread_t t;
	char c = 1;

	if (pipe(to))
		return -1;
	if (pipe(from))
		goto close_to;
	e.in = to[0];
	e.out = from[1];
	if (pthread_create(&t, NULL, pong, &e))
		goto close_from;
	while (n > 0 && write(to[1], &c, 1) == 1 && read(from[0], &c, 1) == 1)
		n--;
	ret = n ? -1 : 0;
	close(to[1]);
	to[1] = -1;
	pthread_join(t, NULL);
close_from:
	close(from[0]);
	close(from[1]);
close_to:
	close(to[0]);
	if (to[1] >= 0)
		close(to[1]);
	return ret;
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

/*
 * N getpids through the ia32 entry (int 0x80, i386's number 20, which is
 * writev in the x86-64 table): what a 32-bit program's syscalls look like
 * to the kernel. The entry zeroes r8-r11.
 */
static int int80(long n)
{
#ifdef __x86_64__
	long ret;

	for (; n > 0; n--) {
		ret = 20;
		__asm__ volatile("int $0x80" : "+a"(ret) : : "r8", "r9", "r10",
				 "r11", "memory");
		if (ret != getpid())
			return -1;
	}
	return 0;
#else
	(void)n;
	errno = ENOSYS;		/* arm64's compat entry needs an AArch32 program */
	return -1;
#endif
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

static struct contend {
	long threads, crit_us, par_us, rounds, xtalk_us;
	pthread_mutex_t lock;
	pthread_barrier_t round;
	volatile long slot[4096];
} ct = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	nanosleep(&ts, NULL);
}

static void *contender(void *arg)
{
	long self = (long)arg, r, i;

	for (r = 0; r < ct.rounds; r++) {
		sleep_us(ct.par_us);
		pthread_mutex_lock(&ct.lock);
		sleep_us(ct.crit_us + (ct.threads - 1) * ct.xtalk_us);
		for (i = 0; ct.xtalk_us && i < ct.threads; i++)
			ct.slot[i] += i != self;
		pthread_mutex_unlock(&ct.lock);
		pthread_barrier_wait(&ct.round);
	}
	return NULL;
}

static int contend(int argc, char **argv)
{
	pthread_t tid[4096];
	long i;

	if (argc < 6)
		return -1;
	ct.threads = strtol(argv[2], NULL, 10);
	ct.crit_us = strtol(argv[3], NULL, 10);
	ct.par_us = strtol(argv[4], NULL, 10);
	ct.rounds = strtol(argv[5], NULL, 10);
	ct.xtalk_us = argc > 6 ? strtol(argv[6], NULL, 10) : 0;
	if (ct.threads < 1 || ct.threads > 4096 || ct.crit_us < 0 ||
	    ct.par_us < 0 || ct.rounds < 1 || ct.xtalk_us < 0 ||
	    pthread_barrier_init(&ct.round, NULL, ct.threads))
		return -1;
	for (i = 0; i < ct.threads; i++)
		if (pthread_create(&tid[i], NULL, contender, (void *)i))
			return -1;
	for (i = 0; i < ct.threads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}

static int getppids(long n)
{
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static int child(long n)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		getppids(n);
		_exit(0);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? 0 : -1;
}

/* A path step: the calls are made, their failures are the test's data. */
static int path_step(const char *step, const char *path)
{
	struct stat st;
	int fd;

	if (!strcmp(step, "open")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(step, "create")) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		if (fd >= 0)
			close(fd);
		unlink(path);
	} else if (!strcmp(step, "stat")) {
		stat(path, &st);
	} else if (!strcmp(step, "access")) {
		access(path, R_OK | W_OK);
	} else if (!strcmp(step, "mkdir")) {
		mkdir(path, 0750);
		rmdir(path);
	} else {
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i, ret = 0;
	long n;

	if (argc > 1 && !strcmp(argv[1], "contend")) {
		if (!contend(argc, argv))
			return 0;
		fprintf(stderr, "usage: workload contend THREADS(1-4096) CRIT_US PAR_US ROUNDS [XTALK_US]\n");
		return 2;
	}
	for (i = 1; i + 1 < argc && !ret; i += 2) {
		n = strtol(argv[i + 1], NULL, 10);
		if (!path_step(argv[i], argv[i + 1]))
			continue;
		if (!strcmp(argv[i], "spin"))
			spin(n);
		else if (!strcmp(argv[i], "callers"))
			callers(n);
		else if (!strcmp(argv[i], "sleep"))
			sleeps(n);
		else if (!strcmp(argv[i], "pingpong"))
			ret = pingpong(n);
		else if (!strcmp(argv[i], "faults"))
			ret = faults(n);
		else if (!strcmp(argv[i], "forks"))
			ret = forks(n);
		else if (!strcmp(argv[i], "int80"))
			ret = int80(n);
		else if (!strcmp(argv[i], "getppid"))
			ret = getppids(n);
		else if (!strcmp(argv[i], "child"))
			ret = child(n);
		else
			ret = -1;
	}
	if (ret || i < argc) {
		fprintf(stderr, "usage: workload [spin MS|callers MS|sleep N|pingpong N|faults N|forks N|int80 N|getppid N|child N|open PATH|create PATH|stat PATH|access PATH|mkdir PATH]... | contend ...\n");
		return 2;
	}
	return 0;
}
