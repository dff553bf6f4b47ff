// SPDX-License-Identifier: GPL-2.0
/*
 * Faults, feature by feature: a consumer killed at each stage of a trace
 * session, of counting, of sampling and of a probe run leaves nothing open
 * and no module reference; rmmod at each stage is refused while a file of
 * the module is open or mapped, and otherwise stops the feature and the
 * consumer sees a clean error; a CPU going offline under a counter or a
 * probe run does what docs/hardening.md says; and, on a kernel with fault
 * injection, an allocation failing at each point of TRACE_START,
 * COUNTER_OPEN and PROBE_RUN is a clean error that leaks nothing.
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/perf_event.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define MAX_CPUS	64

/* ---- requests ---------------------------------------------------------- */

/* The kernel's -errno, or -errno of send/recv themselves (-ENOBUFS...). */
static int transact(int fd, struct nl_req *r, struct nl_reply *rep)
{
	if (nl_transact(fd, r, rep))
		return errno ? -errno : -EIO;
	return rep->err;
}

/* TRACE_START to its TRACE_STARTED: 0, the kernel's -errno, or the socket's. */
static int trace_start(int fd, int family, struct nl_reply *rep, uint32_t size,
		       uint32_t events)
{
	struct nl_trace_out o;
	struct nl_req r;
	int ret;

	nl_trace_req(&r, family, size, events, NULL);
	ret = nl_trace_start(fd, &r, rep, &o);
	if (ret == -1000)
		return errno ? -errno : -EIO;
	return ret;
}

static int simple(int fd, int family, struct nl_reply *rep, uint8_t cmd)
{
	struct nl_req r;

	nl_init(&r, family, cmd);
	return transact(fd, &r, rep);
}

struct ctr_val {
	uint64_t value;
	uint32_t state;
};

static int ctr_read(int fd, int family, struct nl_reply *rep, uint32_t id,
		    struct ctr_val *v)
{
	const struct nlattr *ct[NL_MAXATTR + 1];
	struct nl_req r;
	struct nlattr *nest;
	int ret;

	nl_init(&r, family, LLKM_CMD_COUNTER_READ);
	nest = nl_nest(&r, LLKM_A_COUNTER);
	nl_put_u32(&r, LLKM_CTR_A_ID, id);
	nl_nest_end(&r, nest);
	ret = transact(fd, &r, rep);
	if (ret)
		return ret;
	if (nl_reply_nested(rep, LLKM_A_COUNTER, ct))
		return -1001;
	if (!ct[LLKM_CTR_A_VALUE] || !ct[LLKM_CTR_A_STATE])
		return -1002;
	v->value = nla_u64_of(ct[LLKM_CTR_A_VALUE]);
	v->state = nla_u32_of(ct[LLKM_CTR_A_STATE]);
	return 0;
}

static void probe_req(struct nl_req *r, int family, uint32_t kind,
		      const uint32_t *cpus, int ncpus, uint64_t iterations,
		      uint32_t batches, uint32_t timeout_ms)
{
	struct nlattr *nest;

	nl_init(r, family, LLKM_CMD_PROBE_RUN);
	nest = nl_nest(r, LLKM_A_PROBE);
	nl_put_u32(r, LLKM_PROBE_A_KIND, kind);
	nl_put(r, LLKM_PROBE_A_CPUS, cpus, ncpus * sizeof(*cpus));
	nl_put_u64(r, LLKM_PROBE_A_ITERATIONS, iterations);
	nl_put_u32(r, LLKM_PROBE_A_BATCHES, batches);
	nl_put_u32(r, LLKM_PROBE_A_TIMEOUT_MS, timeout_ms);
	nl_nest_end(r, nest);
}

/*
 * PROBE_RUN, waited for, and fetched unless it was stopped (rmmod leaves
 * nothing to fetch from): 0 and how many samples and whether it stopped
 * early, or -errno.
 */
static int probe_run(int fd, int family, struct nl_reply *rep, uint32_t kind,
		     const uint32_t *cpus, int ncpus, uint64_t iterations,
		     uint32_t batches, int *nsamples, int *stopped)
{
	struct nl_probe_out o = { 0 };
	struct nl_req r;
	int ret;

	probe_req(&r, family, kind, cpus, ncpus, iterations, batches, 20000);
	errno = 0;
	ret = nl_probe_start(fd, &r, rep, &o);
	if (!ret)
		ret = nl_probe_wait(fd, rep, &o);
	if (!ret && !o.stopped)
		ret = nl_probe_fetch(fd, family, rep, &o);
	/* The socket's own failure, as trace_start() says it. */
	if (ret == -1000)
		return errno ? -errno : -EIO;
	if (ret)
		return ret;
	if (nsamples)
		*nsamples = o.nsamples;
	if (stopped)
		*stopped = o.stopped;
	return 0;
}

static int short_fence(int fd, int family, struct nl_reply *rep)
{
	static const uint32_t cpu0[] = { 0 };

	return probe_run(fd, family, rep, LLKM_PROBE_FENCE, cpu0, 1, 100, 2,
			 NULL, NULL);
}

static int counters_open(int fd, int family, struct nl_reply *rep)
{
	const struct nlattr *tb[NL_MAXATTR + 1];

	if (simple(fd, family, rep, LLKM_CMD_GET_INFO))
		return -1;
	nl_reply_attrs(rep, tb);
	return tb[LLKM_A_COUNTERS_OPEN] ? (int)nla_u32_of(tb[LLKM_A_COUNTERS_OPEN]) : -1;
}

/* ---- the module's state -------------------------------------------------- */

static int module_refcnt(void)
{
	char buf[32];

	return read_line(LLKM_SYSFS "/refcnt", buf, sizeof(buf)) ? -1 : atoi(buf);
}

/* poll() on /dev/llkm says EPOLLHUP exactly when no session runs. */
static int session_running(void)
{
	struct pollfd p = { .events = POLLIN };
	int ret;

	p.fd = open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
	if (p.fd < 0)
		return -1;
	ret = poll(&p, 1, 0);
	close(p.fd);
	return ret < 0 ? -1 : !(p.revents & POLLHUP);
}

static int set_online(int online)
{
	return write_str(CPU1_ONLINE, online ? "1" : "0");
}

static int cpu1_hotpluggable(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) >= 2 && access(CPU1_ONLINE, W_OK) == 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Waits until a probe thread runs on @cpu: 0, or -1 after 30 s. It returns
 * as soon as the thread shows; the bound only has to outlast a guest under
 * TCG on a loaded host, where starting the run took over 5 s.
 */
static int wait_probe_thread(int cpu)
{
	uint64_t t0 = now_ns();
	char want[32], path[300], comm[32];
	struct dirent *d;
	DIR *dir;

	snprintf(want, sizeof(want), "llkm_probe/%d", cpu);
	while (now_ns() - t0 < 30000000000ULL) {
		dir = opendir("/proc");
		if (!dir)
			return -1;
		while ((d = readdir(dir))) {
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
			if (!read_line(path, comm, sizeof(comm)) && !strcmp(comm, want)) {
				closedir(dir);
				return 0;
			}
		}
		closedir(dir);
		usleep(10000);
	}
	return -1;
}

/*
 * What every case ends with: no counter open, no session running, no
 * reference on the module, and each feature usable again.
 */
#define ASSERT_NOTHING_LEFT(fd, family, rep) do {				\
	EXPECT_EQ(0, counters_open(fd, family, rep));				\
	EXPECT_EQ(0, session_running());					\
	EXPECT_EQ(0, module_refcnt());						\
	EXPECT_EQ(0, trace_start(fd, family, rep, 4096, LLKM_TRACE_EV_SYSCALLS)) \
		TH_LOG("a new session: %s", (rep)->extack);			\
	EXPECT_EQ(0, simple(fd, family, rep, LLKM_CMD_TRACE_STOP));		\
	EXPECT_EQ(PROBES_HERE(fd, family, rep) ? 0 : -EOPNOTSUPP,		\
		  short_fence(fd, family, rep))					\
		TH_LOG("a new probe run: %s", (rep)->extack);			\
} while (0)

/* ---- a consumer at each stage ------------------------------------------- */

enum stage {
	TRACE_BEFORE_REPLY,	/* TRACE_START sent, ack and TRACE_STARTED unread */
	TRACE_READING,		/* rings mapped, consumer reading */
	TRACE_POLLING,		/* asleep in poll() on /dev/llkm */
	TRACE_DRAINING,		/* TRACE_STOP done, draining the rings */
	TRACE_NETLINK_ONLY,	/* session running, /dev/llkm never opened */
	COUNTING,		/* counters of every kind open */
	SAMPLING,		/* a sampling counter writing into mapped rings */
	PROBE_RUNNING,		/* blocked in a long PROBE_RUN */
	PROBE_BEFORE_REPLY,	/* a run done, its reply unread */
};

struct ring_map {
	volatile struct llkm_ring_consumer *cons;
	const volatile struct llkm_ring_producer *prod;
	const char *data;
};

static int map_all(int dev, uint32_t size, int ncpus, struct ring_map *m)
{
	unsigned long stride = LLKM_RING_PAGES(size);
	int c;

	for (c = 0; c < ncpus; c++) {
		off_t base = (off_t)c * stride * LLKM_RING_PAGE;
		void *cons, *ro;

		cons = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, dev, base);
		ro = mmap(NULL, (stride - 1) * LLKM_RING_PAGE, PROT_READ,
			  MAP_SHARED, dev, base + LLKM_RING_PAGE);
		if (cons == MAP_FAILED || ro == MAP_FAILED)
			return -1;
		m[c].cons = cons;
		m[c].prod = ro;
		m[c].data = (const char *)ro + LLKM_RING_PAGE;
	}
	return 0;
}

/* Reads every ring forever, checking each record header; 3 on a bad one. */
static void __attribute__((noreturn)) read_forever(struct ring_map *m, int ncpus,
						   uint32_t size)
{
	for (;;) {
		int c;

		for (c = 0; c < ncpus; c++) {
			uint64_t pos = m[c].cons->consumer_pos;
			uint64_t end = __atomic_load_n(&m[c].prod->producer_pos,
						       __ATOMIC_ACQUIRE);

			while (pos < end) {
				const struct llkm_rec *rec =
					(const void *)(m[c].data + (pos & (size - 1)));

				if (!rec->size || rec->size % 8)
					_exit(3);
				pos += rec->size;
			}
			__atomic_store_n(&m[c].cons->consumer_pos, pos,
					 __ATOMIC_RELEASE);
		}
		syscall(SYS_getppid);
	}
}

static void on_usr1(int sig)
{
	(void)sig;	/* only to end pause() */
}

/* Tells the parent the stage is reached. */
static void reached(int pipe_fd)
{
	if (write(pipe_fd, "!", 1) != 1)
		_exit(2);
}

/*
 * The consumer: gets to @stage, says so on @pipe_fd, then stays there
 * (reading, polling, paused or blocked) until killed. A stage that
 * rmmod lets go on (SIGUSR1 ends its pause()) checks what it then gets:
 * it exits 10 (trace), 11 (counters) or 12 (probe) when that is what
 * rmmod should give, 1 when it is not.
 */
static void __attribute__((noreturn)) consumer(enum stage stage, int family,
					       int pipe_fd)
{
	static const uint32_t c2c[] = { 0, 1 }, cpu0[] = { 0 };
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	int fd = nl_open(), dev = -1, ncpus, i;
	struct ring_map m[MAX_CPUS];
	const uint32_t size = 1 << 14;
	struct nl_req r;

	signal(SIGUSR1, on_usr1);
	ncpus = cpulist_file_count("/sys/devices/system/cpu/possible");
	if (!rep || fd < 0 || ncpus <= 0 || ncpus > MAX_CPUS)
		_exit(100);
	switch (stage) {
	case TRACE_BEFORE_REPLY:
		nl_trace_req(&r, family, size, LLKM_TRACE_EV_ALL, NULL);
		if (send(fd, &r, r.nlh.nlmsg_len, 0) < 0)
			_exit(101);
		reached(pipe_fd);
		pause();
		break;
	case TRACE_READING:
	case TRACE_POLLING:
	case TRACE_DRAINING:
	case TRACE_NETLINK_ONLY:
		if (trace_start(fd, family, rep, size, LLKM_TRACE_EV_ALL))
			_exit(102);
		if (stage == TRACE_NETLINK_ONLY) {
			reached(pipe_fd);
			pause();
			/* rmmod stopped the session: a stop finds the family gone. */
			_exit(simple(fd, family, rep, LLKM_CMD_TRACE_STOP) ? 10 : 1);
		}
		dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
		if (dev < 0 || map_all(dev, size, ncpus, m))
			_exit(103);
		if (stage == TRACE_DRAINING &&
		    simple(fd, family, rep, LLKM_CMD_TRACE_STOP))
			_exit(104);
		reached(pipe_fd);
		if (stage == TRACE_POLLING) {
			struct pollfd p = { .fd = dev, .events = POLLIN };

			/* A watermark never reached: asleep until killed. */
			for (;;)
				if (poll(&p, 1, -1) < 0)
					_exit(105);
		}
		read_forever(m, ncpus, size);
	case COUNTING: {
		struct nl_ctr_spec task = { .type = PERF_TYPE_SOFTWARE,
					    .config = PERF_COUNT_SW_TASK_CLOCK,
					    .pid = getpid(), .cpu = -1,
					    .flags = LLKM_CTR_F_INHERIT };
		struct nl_ctr_spec cpu = { .type = PERF_TYPE_SOFTWARE,
					   .config = PERF_COUNT_SW_CPU_CLOCK,
					   .cpu = 0 };

		if (nl_ctr_open(fd, family, rep, &task) <= 0)
			_exit(106);
		for (i = 0; i < sysconf(_SC_NPROCESSORS_ONLN); i++) {
			cpu.cpu = i;
			if (nl_ctr_open(fd, family, rep, &cpu) <= 0)
				_exit(107);
		}
		reached(pipe_fd);
		pause();
		/* rmmod closed them: opening another finds the family gone. */
		_exit(nl_ctr_open(fd, family, rep, &task) < 0 ? 11 : 1);
	}
	case SAMPLING: {
		struct nl_ctr_spec smp = { .type = PERF_TYPE_SOFTWARE,
					   .config = PERF_COUNT_SW_TASK_CLOCK,
					   .pid = getpid(), .cpu = -1,
					   .flags = LLKM_CTR_F_FREQ | LLKM_CTR_F_CALLCHAIN,
					   .period = 1000 };

		if (trace_start(fd, family, rep, size, 0))
			_exit(108);
		dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
		if (dev < 0 || map_all(dev, size, ncpus, m))
			_exit(109);
		if (nl_ctr_open(fd, family, rep, &smp) <= 0)
			_exit(110);
		reached(pipe_fd);
		read_forever(m, ncpus, size);
	}
	case PROBE_RUNNING:
		reached(pipe_fd);
		/* Minutes of c2c round trips, or of fences on one CPU. */
		if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
			i = probe_run(fd, family, rep, LLKM_PROBE_C2C, c2c, 2,
				      LLKM_PROBE_ITERATIONS_MAX, 1000, NULL, NULL);
		else
			i = probe_run(fd, family, rep, LLKM_PROBE_FENCE, cpu0, 1,
				      LLKM_PROBE_ITERATIONS_MAX, 100000, NULL, NULL);
		/* rmmod stops the run: it replies, with what it did. */
		_exit(i == 0 ? 12 : 1);
	case PROBE_BEFORE_REPLY:
		probe_req(&r, family, LLKM_PROBE_FENCE, cpu0, 1, 100, 2, 20000);
		if (send(fd, &r, r.nlh.nlmsg_len, 0) < 0)
			_exit(111);
		reached(pipe_fd);
		pause();
		break;
	}
	_exit(0);
}

FIXTURE(stage) {
	LLKM_NL_FIXTURE;
	pid_t child;
	int pipe[2];
};

FIXTURE_VARIANT(stage) {
	enum stage stage;
	int needs_two_cpus;
	/* rmmod at this stage: refused (a file of the module is open or mapped) */
	int rmmod_refused;
	/* the consumer's exit after a successful rmmod: 10 + step, or -1: killed */
	int exit_after_rmmod;
};

FIXTURE_VARIANT_ADD(stage, trace_before_reply) {
	.stage = TRACE_BEFORE_REPLY, .exit_after_rmmod = -1,
};
FIXTURE_VARIANT_ADD(stage, trace_reading) {
	.stage = TRACE_READING, .rmmod_refused = 1,
};
FIXTURE_VARIANT_ADD(stage, trace_polling) {
	.stage = TRACE_POLLING, .rmmod_refused = 1,
};
FIXTURE_VARIANT_ADD(stage, trace_draining) {
	.stage = TRACE_DRAINING, .rmmod_refused = 1,
};
FIXTURE_VARIANT_ADD(stage, trace_netlink_only) {
	.stage = TRACE_NETLINK_ONLY, .exit_after_rmmod = 10,
};
FIXTURE_VARIANT_ADD(stage, counting) {
	.stage = COUNTING, .exit_after_rmmod = 11,
};
FIXTURE_VARIANT_ADD(stage, sampling) {
	.stage = SAMPLING, .rmmod_refused = 1,
};
FIXTURE_VARIANT_ADD(stage, probe_running) {
	.stage = PROBE_RUNNING, .exit_after_rmmod = 12,
};
FIXTURE_VARIANT_ADD(stage, probe_before_reply) {
	.stage = PROBE_BEFORE_REPLY, .exit_after_rmmod = -1,
};

FIXTURE_SETUP(stage)
{
	char c;

	self->child = -1;
	LLKM_NL_FIXTURE_SETUP();
	if ((variant->stage == PROBE_RUNNING || variant->stage == PROBE_BEFORE_REPLY) &&
	    !PROBES_HERE(self->fd, self->family, self->rep))
		SETUP_SKIP(LLKM_NL_FIXTURE_TEARDOWN(), NO_PROBES_WHY);
	ASSERT_EQ(0, pipe(self->pipe));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		close(self->pipe[0]);
		consumer(variant->stage, self->family, self->pipe[1]);
	}
	close(self->pipe[1]);
	ASSERT_EQ(1, read(self->pipe[0], &c, 1)) TH_LOG("the consumer died before its stage");
	if (variant->stage == PROBE_RUNNING) {
		ASSERT_EQ(0, wait_probe_thread(0)) TH_LOG("the run never started");
		/* One run at a time. */
		EXPECT_EQ(-EBUSY, short_fence(self->fd, self->family, self->rep));
	} else if (variant->stage == PROBE_BEFORE_REPLY) {
		usleep(300000);	/* the run of the request in flight is short */
	}
}

FIXTURE_TEARDOWN(stage)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	close(self->pipe[0]);
	if (!llkm_loaded())
		llkm_load(NULL);
	LLKM_NL_FIXTURE_TEARDOWN();
}

TEST_F(stage, sigkill_leaves_nothing_open)
{
	uint64_t t0 = now_ns();
	int status;

	ASSERT_EQ(0, kill(self->child, SIGKILL));
	ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
	self->child = -1;
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* A killed probe run ends within its batch. */
	EXPECT_GT(3000000000ULL, now_ns() - t0);
	ASSERT_NOTHING_LEFT(self->fd, self->family, self->rep);
}

TEST_F(stage, rmmod_is_refused_while_mapped_else_stops_the_feature)
{
	int status, ret;

	if (!self->loaded_here)
		SKIP(return, "llkm was loaded by someone else: not unloading it");
	ret = llkm_unload();
	if (variant->rmmod_refused) {
		/* delete_module(O_NONBLOCK): the open or mapped file holds it. */
		EXPECT_EQ(-EWOULDBLOCK, ret);
		EXPECT_TRUE(llkm_loaded());
		EXPECT_EQ(0, waitpid(self->child, &status, WNOHANG))
			TH_LOG("the consumer died of the refused rmmod");
		kill(self->child, SIGKILL);
		ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
		self->child = -1;
		/* With the consumer gone, nothing holds the module. */
		EXPECT_EQ(0, module_refcnt());
		EXPECT_EQ(0, llkm_unload());
	} else {
		EXPECT_EQ(0, ret);
		EXPECT_FALSE(llkm_loaded());
		/* Wake it from pause() to try again; a probe run replies. */
		kill(self->child, variant->exit_after_rmmod < 0 ? SIGKILL : SIGUSR1);
		ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
		self->child = -1;
		if (variant->exit_after_rmmod < 0) {
			EXPECT_TRUE(WIFSIGNALED(status));
		} else {
			EXPECT_TRUE(WIFEXITED(status) &&
				    WEXITSTATUS(status) == variant->exit_after_rmmod)
				TH_LOG("the consumer saw no clean error: status %#x", status);
		}
	}
	ASSERT_EQ(0, llkm_load(NULL));
	ASSERT_LT(0, self->family = nl_family(self->fd, LLKM_GENL_NAME));
	ASSERT_NOTHING_LEFT(self->fd, self->family, self->rep);
}

/* ---- CPU hotplug ---------------------------------------------------------- */

/* This harness runs the test after a SKIP in its setup: end it there. */
#define RETURN_IF_SKIPPED() do {	\
	if (_metadata->skip)		\
		return;			\
} while (0)

FIXTURE(hotplug) {
	LLKM_NL_FIXTURE;
};

FIXTURE_SETUP(hotplug)
{
	LLKM_NL_FIXTURE_SETUP();
	if (!cpu1_hotpluggable())
		SKIP(return, "needs a second CPU that can go offline");
}

FIXTURE_TEARDOWN(hotplug)
{
	if (access(CPU1_ONLINE, W_OK) == 0)
		set_online(1);
	LLKM_NL_FIXTURE_TEARDOWN();
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void spin_ms(int ms)
{
	uint64_t end = now_ns() + ms * 1000000ULL;

	while (now_ns() < end)
		;
}

/*
 * As perf: a CPU going offline takes its per-CPU counters off for good
 * (state off, the count kept); they do not come back with the CPU, and
 * one cannot be opened on an offline CPU. A task's counter follows it.
 */
TEST_F(hotplug, per_cpu_counter_of_an_offlined_cpu_stops_and_keeps_its_count)
{
	struct nl_ctr_spec on1 = { .type = PERF_TYPE_SOFTWARE,
				   .config = PERF_COUNT_SW_CPU_CLOCK,
				   .cpu = 1 };
	struct nl_ctr_spec task = { .type = PERF_TYPE_SOFTWARE,
				    .config = PERF_COUNT_SW_TASK_CLOCK,
				    .pid = getpid(), .cpu = -1 };
	struct ctr_val v, off, t0, t1;
	int id1, idt;

	RETURN_IF_SKIPPED();
	id1 = nl_ctr_open(self->fd, self->family, self->rep, &on1);
	ASSERT_LT(0, id1) TH_LOG("%s", self->rep->extack);
	idt = nl_ctr_open(self->fd, self->family, self->rep, &task);
	ASSERT_LT(0, idt) TH_LOG("%s", self->rep->extack);
	pin_to(1);
	spin_ms(50);
	pin_to(0);
	ASSERT_EQ(0, ctr_read(self->fd, self->family, self->rep, id1, &v));
	EXPECT_LT(0, v.value);
	EXPECT_NE(LLKM_CTR_STATE_OFF, v.state);

	ASSERT_EQ(0, set_online(0));
	ASSERT_EQ(0, ctr_read(self->fd, self->family, self->rep, id1, &off));
	EXPECT_EQ(LLKM_CTR_STATE_OFF, off.state);
	EXPECT_LE(v.value, off.value);
	ASSERT_EQ(0, ctr_read(self->fd, self->family, self->rep, idt, &t0));
	spin_ms(50);
	ASSERT_EQ(0, ctr_read(self->fd, self->family, self->rep, idt, &t1));
	EXPECT_LT(t0.value, t1.value) TH_LOG("the task's counter stopped with the CPU");
	on1.cpu = 1;
	EXPECT_EQ(-ENODEV, nl_ctr_open(self->fd, self->family, self->rep, &on1));
	EXPECT_EQ(2, counters_open(self->fd, self->family, self->rep));

	ASSERT_EQ(0, set_online(1));
	pin_to(1);
	spin_ms(50);
	pin_to(0);
	ASSERT_EQ(0, ctr_read(self->fd, self->family, self->rep, id1, &v));
	EXPECT_EQ(LLKM_CTR_STATE_OFF, v.state);
	EXPECT_EQ(off.value, v.value);
	/* A new one counts. */
	EXPECT_LT(0, nl_ctr_open(self->fd, self->family, self->rep, &on1));
	EXPECT_EQ(0, simple(self->fd, self->family, self->rep, LLKM_CMD_COUNTER_CLOSE));
	EXPECT_EQ(0, counters_open(self->fd, self->family, self->rep));
}

struct bg_run {
	int family, ret, nsamples, stopped;
	uint64_t start_ns, done_ns;
};

/*
 * The background c2c run's batches of 20000 round trips: long enough to
 * be going when the offline comes on every leg. Under TCG on x86 a batch
 * takes tens of ms; in the arm64 guest (-icount, vCPUs taking turns at
 * each yield) 1 ms, so that 100 batches ended in 116 ms, before the
 * offline did: 10000 last 10 s there.
 */
#define BG_BATCHES	10000

static void *bg_c2c(void *arg)
{
	static const uint32_t cpus[] = { 0, 1 };
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct bg_run *b = arg;
	int fd = nl_open();

	b->ret = -1;
	b->start_ns = now_ns();
	if (rep && fd >= 0)
		b->ret = probe_run(fd, b->family, rep, LLKM_PROBE_C2C, cpus, 2,
				   20000, BG_BATCHES, &b->nsamples, &b->stopped);
	__atomic_store_n(&b->done_ns, now_ns(), __ATOMIC_RELEASE);
	close(fd);
	free(rep);
	return NULL;
}

/*
 * One of a probe run's CPUs going offline stops the run, which replies
 * STOPPED with the batches it finished: the offline waits for a batch,
 * not for the run. A run on the offline CPU is then refused.
 */
TEST_F(hotplug, offline_stops_a_probe_run_on_that_cpu_promptly)
{
	static const uint32_t cpu1[] = { 1 };
	struct bg_run b = { .family = self->family };
	uint64_t start, off_ns, run_ns;
	pthread_t th;

	RETURN_IF_SKIPPED();
	if (!PROBES_HERE(self->fd, self->family, self->rep))
		SKIP(return, NO_PROBES_WHY);
	ASSERT_EQ(0, pthread_create(&th, NULL, bg_c2c, &b));
	ASSERT_EQ(0, wait_probe_thread(1));
	start = now_ns();
	ASSERT_EQ(0, __atomic_load_n(&b.done_ns, __ATOMIC_ACQUIRE))
		TH_LOG("the run ended before the offline began: make it longer");
	ASSERT_EQ(0, set_online(0));
	off_ns = now_ns();
	pthread_join(th, NULL);
	ASSERT_EQ(0, b.ret);
	run_ns = b.done_ns - b.start_ns;
	TH_LOG("the run took %llu ms, stopped after %d of %d batches; the offline took %llu ms",
	       (unsigned long long)run_ns / 1000000, b.nsamples, BG_BATCHES,
	       (unsigned long long)(off_ns - start) / 1000000);
	EXPECT_TRUE(b.stopped);
	EXPECT_GT(BG_BATCHES, b.nsamples);
	/* Well under the whole run: a batch of c2c round trips, not 100. */
	EXPECT_GT(3000000000ULL, off_ns - start);
	EXPECT_EQ(-ENODEV, probe_run(self->fd, self->family, self->rep,
				     LLKM_PROBE_FENCE, cpu1, 1, 100, 2, NULL, NULL));
	ASSERT_EQ(0, set_online(1));
	EXPECT_EQ(0, probe_run(self->fd, self->family, self->rep,
			       LLKM_PROBE_FENCE, cpu1, 1, 100, 2, NULL, NULL));
}

/* ---- allocations failing, by the kernel's fault injection -------------- */

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_PAGE	"/sys/kernel/debug/fail_page_alloc/"
#define FAIL_NTH_MAX	5000
/* Hundreds of commands, each a few allocations further: a debug kernel is slow. */
#define FAIL_TIMEOUT_S	240

/* Knobs set for the test and put back after it. */
static const char *const knobs[][2] = {
	{ FAILSLAB "ignore-gfp-wait", "N" },	/* GFP_KERNEL may fail */
	{ FAILSLAB "verbose", "0" },		/* no stack per failure */
	{ FAIL_PAGE "ignore-gfp-wait", "N" },
	{ FAIL_PAGE "min-order", "0" },
	{ FAIL_PAGE "verbose", "0" },
};

FIXTURE(failing_alloc) {
	LLKM_NL_FIXTURE;
	int nth;		/* /proc/thread-self/fail-nth */
	char saved[sizeof(knobs) / sizeof(knobs[0])][32];
	int injected, enomem;	/* failures injected, of them -ENOMEM */
};

FIXTURE_SETUP(failing_alloc)
{
	unsigned int i;

	self->nth = -1;
	LLKM_NL_FIXTURE_SETUP();
	if (access(FAILSLAB, F_OK) && access(FAIL_PAGE, F_OK))
		SKIP(return, "no failslab or fail_page_alloc in debugfs: a kernel without CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS");
	self->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (self->nth < 0)
		SKIP(return, "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION)");
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		self->saved[i][0] = '\0';
		if (read_line(knobs[i][0], self->saved[i], sizeof(self->saved[i])))
			continue;	/* that injector is not built in */
		ASSERT_EQ(0, write_str(knobs[i][0], knobs[i][1]));
	}
}

FIXTURE_TEARDOWN(failing_alloc)
{
	unsigned int i;

	if (self->nth >= 0) {
		pwrite(self->nth, "0", 1, 0);
		close(self->nth);
		for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
			if (self->saved[i][0])
				write_str(knobs[i][0], self->saved[i]);
	}
	LLKM_NL_FIXTURE_TEARDOWN();
}

/* Arms the @n-th fault point this thread reaches: 0 or -errno. */
static int arm(int nth, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(nth, buf, len, 0) == len ? 0 : -errno;
}

/* Whether the armed fault was injected; disarms it either way. */
static int injected(int nth)
{
	char buf[16] = "";
	int left;

	if (pread(nth, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	left = atoi(buf);
	pwrite(nth, "0", 1, 0);
	return left == 0;
}

enum op { OP_TRACE_START, OP_COUNTER_OPEN, OP_SAMPLING_OPEN, OP_PROBE_RUN };

/*
 * The operation under test, on a fresh socket @fd, with nothing else in
 * this thread between arm() and injected(): @me and @ncpus come from before.
 */
static int do_op(enum op op, int fd, int family, struct nl_reply *rep,
		 pid_t me, long ncpus)
{
	static const uint32_t two[] = { 0, 1 };
	struct nl_ctr_spec task = { .type = PERF_TYPE_SOFTWARE,
				    .config = PERF_COUNT_SW_TASK_CLOCK,
				    .pid = me, .cpu = -1,
				    .flags = LLKM_CTR_F_INHERIT };
	struct nl_ctr_spec smp = { .type = PERF_TYPE_SOFTWARE,
				   .config = PERF_COUNT_SW_TASK_CLOCK,
				   .pid = me, .cpu = -1,
				   .flags = LLKM_CTR_F_FREQ | LLKM_CTR_F_CALLCHAIN,
				   .period = 1000 };
	int ret;

	switch (op) {
	case OP_TRACE_START:
		return trace_start(fd, family, rep, 4096,
				   LLKM_TRACE_EV_SYSCALLS | LLKM_TRACE_EV_SCHED);
	case OP_COUNTER_OPEN:
		ret = nl_ctr_open(fd, family, rep, &task);
		return ret > 0 ? 0 : ret;
	case OP_SAMPLING_OPEN:
		ret = nl_ctr_open(fd, family, rep, &smp);
		return ret > 0 ? 0 : ret;
	case OP_PROBE_RUN:
		if (ncpus >= 2)
			return probe_run(fd, family, rep, LLKM_PROBE_C2C, two, 2,
					 100, 2, NULL, NULL);
		return short_fence(fd, family, rep);
	}
	return -EINVAL;
}

/*
 * Fails the 1st, 2nd, ... allocation of @op until it runs through with
 * none failing: each failure must be a clean error (-ENOMEM, or -ENOBUFS
 * or -EFAULT from the netlink socket around it) that leaves nothing open.
 */
static void fail_each_allocation(struct __test_metadata *_metadata,
				 FIXTURE_DATA(failing_alloc) *self, enum op op)
{
	/* A lost reply is a failure, not a hang. */
	struct timeval tmo = { .tv_sec = 10 };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t me = getpid();
	int n, fd, ret, hit;

	RETURN_IF_SKIPPED();
	for (n = 1; n <= FAIL_NTH_MAX; n++) {
		fd = nl_open();
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)));
		if (op == OP_SAMPLING_OPEN)	/* the rings it samples into */
			ASSERT_EQ(0, trace_start(fd, self->family, self->rep, 4096, 0));
		ASSERT_EQ(0, arm(self->nth, n));
		ret = do_op(op, fd, self->family, self->rep, me, ncpus);
		hit = injected(self->nth);
		ASSERT_LE(0, hit);
		close(fd);	/* releases whatever the socket owns */
		if (!hit) {
			EXPECT_EQ(0, ret) TH_LOG("with no failure injected: %d %s",
						 ret, self->rep->extack);
			break;
		}
		self->injected++;
		self->enomem += ret == -ENOMEM;
		EXPECT_TRUE(ret == 0 || ret == -ENOMEM || ret == -ENOBUFS ||
			    ret == -EFAULT)
			TH_LOG("allocation %d failing: %d (%s)", n, ret, self->rep->extack);
		EXPECT_EQ(0, counters_open(self->fd, self->family, self->rep))
			TH_LOG("after allocation %d failed", n);
		EXPECT_EQ(0, session_running()) TH_LOG("after allocation %d failed", n);
		if (_metadata->passed == 0)
			return;
	}
	EXPECT_GE(FAIL_NTH_MAX, n) TH_LOG("still failing after %d allocations", n);
	EXPECT_LT(0, self->enomem) TH_LOG("%d failures injected, none -ENOMEM",
					  self->injected);
	TH_LOG("%d allocations failed one by one, %d of them -ENOMEM",
	       self->injected, self->enomem);
	ASSERT_NOTHING_LEFT(self->fd, self->family, self->rep);
}

TEST_F_TIMEOUT(failing_alloc, trace_start_ring_allocation, FAIL_TIMEOUT_S)
{
	fail_each_allocation(_metadata, self, OP_TRACE_START);
}

TEST_F_TIMEOUT(failing_alloc, counter_open, FAIL_TIMEOUT_S)
{
	fail_each_allocation(_metadata, self, OP_COUNTER_OPEN);
}

TEST_F_TIMEOUT(failing_alloc, sampling_counter_open, FAIL_TIMEOUT_S)
{
	fail_each_allocation(_metadata, self, OP_SAMPLING_OPEN);
}

TEST_F_TIMEOUT(failing_alloc, probe_run, FAIL_TIMEOUT_S)
{
	RETURN_IF_SKIPPED();
	if (!PROBES_HERE(self->fd, self->family, self->rep))
		SKIP(return, NO_PROBES_WHY);
	fail_each_allocation(_metadata, self, OP_PROBE_RUN);
}

TEST_HARNESS_MAIN
