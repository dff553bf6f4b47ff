// SPDX-License-Identifier: GPL-2.0
/*
 * Trace sessions: rings mapped in place, syscall records that match what
 * the test did, exact accounting under a storm in both ring modes,
 * follow-fork, wake-ups per watermark (not per record) that are never
 * lost, one session at a time, the owner's socket, privilege, and rmmod
 * with a session running.
 */
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "helpers.h"

struct trace_ring {
	struct llkm_ring_consumer *cons;
	struct llkm_ring_producer *prod;
	const char *data;
	unsigned long size;
};

FIXTURE(trace) {
	int loaded_here;
	int fd;		/* netlink: owns the session */
	int dev;	/* /dev/llkm */
	int family;
	int ncpus;
	uint32_t events;	/* what start() asks for */
	uint32_t watermark;	/* 0: the module's default */
	uint8_t cpus[8];	/* LLKM_TRACE_A_CPUS when cpus_len */
	int cpus_len;
	uint8_t sys[LLKM_TRACE_SYSCALLS_MAX / 8];	/* when sys_len */
	int sys_len;
	uint32_t excluded;	/* LLKM_TRACE_A_EXCLUDE_PIDS when not 0 */
	unsigned long size;
	struct trace_ring ring[64];
	struct nl_req req;
	struct nl_reply *rep;
};

FIXTURE_SETUP(trace)
{
	int ret = llkm_hold(&self->loaded_here);

	self->fd = self->dev = -1;
	self->events = LLKM_TRACE_EV_SYSCALLS;
	if (ret == -EPERM)
		SKIP(return, "llkm is not loaded and cannot be (needs root and llkm.ko)");
	ASSERT_EQ(0, ret);
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	self->family = nl_family(self->fd, LLKM_GENL_NAME);
	ASSERT_LT(0, self->family);
	self->dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	self->rep = calloc(1, sizeof(*self->rep));
	ASSERT_NE(NULL, self->rep);
	self->ncpus = cpulist_file_count("/sys/devices/system/cpu/possible");
	ASSERT_LT(0, self->ncpus);
	ASSERT_GE(64, self->ncpus);
}

static void unmap_rings(FIXTURE_DATA(trace) *self)
{
	int c;

	for (c = 0; c < self->ncpus; c++) {
		if (self->ring[c].cons)
			munmap(self->ring[c].cons, LLKM_RING_PAGE);
		if (self->ring[c].prod)
			munmap(self->ring[c].prod,
			       (LLKM_RING_PAGES(self->size) - 1) * LLKM_RING_PAGE);
		memset(&self->ring[c], 0, sizeof(self->ring[c]));
	}
}

FIXTURE_TEARDOWN(trace)
{
	unmap_rings(self);
	free(self->rep);
	if (self->dev >= 0)
		close(self->dev);
	if (self->fd >= 0)
		close(self->fd);	/* stops a session still running */
	llkm_release(self->loaded_here);
}

/*
 * Starts a syscall session and waits for its TRACE_STARTED: the kernel's
 * errno (the ack's or the outcome's), 0 on success.
 */
static int start(FIXTURE_DATA(trace) *self, uint32_t size, uint32_t mode,
		 const uint32_t *pids, int n, int follow)
{
	struct nl_trace_out o;
	struct nlattr *nest;
	int ret;

	nl_init(&self->req, self->family, LLKM_CMD_TRACE_START);
	nest = nl_nest(&self->req, LLKM_A_RING);
	nl_put_u32(&self->req, LLKM_RING_A_SIZE, size);
	nl_put_u32(&self->req, LLKM_RING_A_MODE, mode);
	nl_nest_end(&self->req, nest);
	nest = nl_nest(&self->req, LLKM_A_TRACE);
	nl_put_u32(&self->req, LLKM_TRACE_A_EVENTS, self->events);
	if (n)
		nl_put(&self->req, LLKM_TRACE_A_PIDS, pids, n * sizeof(*pids));
	if (follow)
		nl_put(&self->req, LLKM_TRACE_A_FOLLOW_FORK, NULL, 0);
	if (self->watermark)
		nl_put_u32(&self->req, LLKM_TRACE_A_WATERMARK, self->watermark);
	if (self->cpus_len)
		nl_put(&self->req, LLKM_TRACE_A_CPUS, self->cpus, self->cpus_len);
	if (self->sys_len)
		nl_put(&self->req, LLKM_TRACE_A_SYSCALLS, self->sys, self->sys_len);
	if (self->excluded)
		nl_put(&self->req, LLKM_TRACE_A_EXCLUDE_PIDS, &self->excluded,
		       sizeof(self->excluded));
	nl_nest_end(&self->req, nest);
	ret = nl_trace_start(self->fd, &self->req, self->rep, &o);
	if (ret)
		return ret;
	if (o.size != size || o.mode != mode)
		return -1003;
	self->size = size;
	return 0;
}

static int simple(FIXTURE_DATA(trace) *self, uint8_t cmd)
{
	nl_init(&self->req, self->family, cmd);
	if (nl_transact(self->fd, &self->req, self->rep))
		return -1000;
	return self->rep->err;
}

static int map_rings(FIXTURE_DATA(trace) *self)
{
	unsigned long stride = LLKM_RING_PAGES(self->size);
	int c;

	for (c = 0; c < self->ncpus; c++) {
		off_t base = (off_t)c * stride * LLKM_RING_PAGE;
		void *cons, *ro;

		cons = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, self->dev, base);
		ro = mmap(NULL, (stride - 1) * LLKM_RING_PAGE, PROT_READ,
			  MAP_SHARED, self->dev, base + LLKM_RING_PAGE);
		if (cons == MAP_FAILED || ro == MAP_FAILED)
			return -errno;
		self->ring[c].cons = cons;
		self->ring[c].prod = ro;
		self->ring[c].data = (const char *)ro + LLKM_RING_PAGE;
		self->ring[c].size = self->size;
	}
	return 0;
}

struct tally {
	long records, torn, enter_getppid, exit_getppid, child_enter;
	long bad_ret;
	long irq_entry, irq_exit, softirq_entry, softirq_exit, switches;
	long bad_cpu_event;
	long ours_writev;	/* x86-64 writev (20) records of this process */
	pid_t child;
};

/* Reads every published record of every ring, checking each header. */
static long drain(FIXTURE_DATA(trace) *self, struct tally *t)
{
	long n = 0;
	int c;

	for (c = 0; c < self->ncpus; c++) {
		struct trace_ring *r = &self->ring[c];
		uint64_t pos = r->cons->consumer_pos;
		uint64_t pub = __atomic_load_n(&r->prod->producer_pos,
					       __ATOMIC_ACQUIRE);

		while (pos != pub) {
			const struct llkm_rec *rec = (const void *)
				(r->data + (pos & (r->size - 1)));
			uint64_t len = rec->size;

			if (len < sizeof(*rec) || len % 8 || len > pub - pos ||
			    rec->cpu != (uint32_t)c) {
				t->torn++;
				break;
			}
			if (rec->type == LLKM_REC_SYS_ENTER) {
				const struct llkm_rec_sys_enter *e = (const void *)(rec + 1);

				if (e->nr == SYS_getppid && rec->pid == (uint32_t)getpid())
					t->enter_getppid++;
				t->ours_writev += e->nr == SYS_writev &&
						  rec->pid == (uint32_t)getpid();
				if (t->child && rec->pid == (uint32_t)t->child &&
				    e->nr == SYS_getppid)
					t->child_enter++;
			} else if (rec->type == LLKM_REC_SYS_EXIT) {
				const struct llkm_rec_sys_exit *x = (const void *)(rec + 1);

				t->ours_writev += x->nr == SYS_writev &&
						  rec->pid == (uint32_t)getpid();
				if (x->nr == SYS_getppid && rec->pid == (uint32_t)getpid()) {
					t->exit_getppid++;
					t->bad_ret += x->ret != getppid();
				}
			} else if (rec->type == LLKM_REC_IRQ_ENTRY ||
				   rec->type == LLKM_REC_IRQ_EXIT) {
				const struct llkm_rec_irq *q = (const void *)(rec + 1);

				*(rec->type == LLKM_REC_IRQ_ENTRY ? &t->irq_entry :
				  &t->irq_exit) += 1;
				t->bad_cpu_event += q->irq >= 4096;
			} else if (rec->type == LLKM_REC_SOFTIRQ_ENTRY ||
				   rec->type == LLKM_REC_SOFTIRQ_EXIT) {
				const struct llkm_rec_softirq *q = (const void *)(rec + 1);

				*(rec->type == LLKM_REC_SOFTIRQ_ENTRY ?
				  &t->softirq_entry : &t->softirq_exit) += 1;
				t->bad_cpu_event += q->vec >= 10 || q->pad;
			} else if (rec->type == LLKM_REC_SCHED_SWITCH) {
				const struct llkm_rec_sched_switch *q = (const void *)(rec + 1);

				t->switches++;
				t->bad_cpu_event += !memchr(q->prev_comm, 0, 16) ||
						    !memchr(q->next_comm, 0, 16) ||
						    q->prev_tid == q->next_tid;
			} else if (rec->type != LLKM_REC_FORK) {
				t->torn++;
			}
			pos += len;
			n++;
		}
		/* Release what was read. */
		__atomic_store_n(&r->cons->consumer_pos, pos, __ATOMIC_RELEASE);
	}
	t->records += n;
	return n;
}

/* TRACE_STATS summed over its CPUs. */
struct stats_sum {
	long produced, lost;
	long cpus;		/* those with a ring, a bit mask of CPUs 0-63 */
};

static int stats_sum(FIXTURE_DATA(trace) *self, struct stats_sum *sum)
{
	const struct nlattr *tb[NL_MAXATTR + 1], *a;
	int rem;

	memset(sum, 0, sizeof(*sum));
	if (simple(self, LLKM_CMD_TRACE_STATS))
		return -1;
	nl_reply_attrs(self->rep, tb);
	if (!tb[LLKM_A_STATS])
		return -1;
	rem = nla_len_of(tb[LLKM_A_STATS]);
	nl_for_each_attr(a, nla_data_of(tb[LLKM_A_STATS]), rem) {
		const struct nlattr *ca[NL_MAXATTR + 1];

		nl_attrs(nla_data_of(a), nla_len_of(a), ca);
		if (!ca[LLKM_STATS_A_PRODUCED] || !ca[LLKM_STATS_A_LOST] ||
		    !ca[LLKM_STATS_A_CPU] || nla_u32_of(ca[LLKM_STATS_A_CPU]) >= 64)
			return -1;
		sum->produced += nla_u64_of(ca[LLKM_STATS_A_PRODUCED]);
		sum->lost += nla_u64_of(ca[LLKM_STATS_A_LOST]);
		sum->cpus |= 1L << nla_u32_of(ca[LLKM_STATS_A_CPU]);
	}
	return 0;
}

/* produced - lost, summed over CPUs, from TRACE_STATS. */
static int stats(FIXTURE_DATA(trace) *self, long *produced, long *lost)
{
	struct stats_sum sum;
	int ret = stats_sum(self, &sum);

	*produced = sum.produced;
	*lost = sum.lost;
	return ret;
}

/* TRACE_STATS's LLKM_A_STATS_COMPAT, or -1 when the reply has none. */
static long stats_compat(FIXTURE_DATA(trace) *self)
{
	const struct nlattr *tb[NL_MAXATTR + 1];

	if (simple(self, LLKM_CMD_TRACE_STATS))
		return -1;
	nl_reply_attrs(self->rep, tb);
	return tb[LLKM_A_STATS_COMPAT] ?
	       (long)nla_u64_of(tb[LLKM_A_STATS_COMPAT]) : -1;
}

TEST_F(trace, syscalls_of_the_traced_process_are_recorded_exactly)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	long produced, lost;
	int i;

	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	for (i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(1000, t.enter_getppid);
	EXPECT_EQ(1000, t.exit_getppid);
	EXPECT_EQ(0, t.bad_ret);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(0, lost);
	EXPECT_EQ(produced, t.records);
}

TEST_F(trace, other_processes_are_filtered_out)
{
	uint32_t other = 1;	/* init: not us */
	struct tally t = { 0 };
	int i;

	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &other, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	EXPECT_EQ(0, t.enter_getppid);
}

TEST_F(trace, follow_fork_traces_the_children)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	int status, i;
	pid_t child;

	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 1));
	ASSERT_EQ(0, map_rings(self));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		for (i = 0; i < 321; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	t.child = child;
	drain(self, &t);
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(321, t.child_enter);
}

/*
 * Issue 18, item 4: a tracer leaves itself out, as perf trace does. With
 * every process traced and this one excluded, its 100 getppid calls leave
 * no record, and a child's 321 are all there.
 */
TEST_F(trace, an_excluded_process_leaves_no_syscall_record)
{
	struct tally t = { 0 };
	long produced, lost;
	int status, i;
	pid_t child;

	self->excluded = getpid();
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, NULL, 0, 0));
	ASSERT_EQ(0, map_rings(self));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		for (i = 0; i < 321; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	t.child = child;
	drain(self, &t);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(0, t.enter_getppid);
	EXPECT_EQ(0, t.exit_getppid);
	EXPECT_EQ(321, t.child_enter);
}

/* A 4 KiB ring under a syscall storm: every record delivered or lost. */
static void storm(struct __test_metadata *_metadata, FIXTURE_DATA(trace) *self,
		  uint32_t mode)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	long produced, lost;
	cpu_set_t one;
	int i;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	ASSERT_EQ(0, start(self, LLKM_RING_SIZE_MIN, mode, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	for (i = 0; i < 20000; i++) {
		syscall(SYS_getppid);
		if (mode == LLKM_RING_MODE_DISCARD && i % 1000 == 0)
			drain(self, &t);
	}
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	/* Overwrite: the producer moved consumer_pos past what it took. */
	drain(self, &t);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(0, t.torn);
	EXPECT_LT(40000, produced);	/* enter and exit of each */
	EXPECT_LT(0, lost);
	EXPECT_LT(0, t.enter_getppid);
	EXPECT_EQ(produced, t.records + lost);
}

TEST_F(trace, tiny_discard_ring_counts_every_record)
{
	storm(_metadata, self, LLKM_RING_MODE_DISCARD);
}

TEST_F(trace, tiny_overwrite_ring_counts_every_record)
{
	storm(_metadata, self, LLKM_RING_MODE_OVERWRITE);
}

TEST_F(trace, irqs_softirqs_and_switches_are_recorded_on_every_cpu)
{
	struct tally t = { 0 };
	long produced, lost;
	int i, fd;
	char buf[4096];

	self->events = LLKM_TRACE_EV_IRQS | LLKM_TRACE_EV_SOFTIRQS |
		       LLKM_TRACE_EV_SCHED;
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, NULL, 0, 0));
	ASSERT_EQ(0, map_rings(self));
	/* Sleeps switch; 9p reads raise virtio IRQs and their softirqs. */
	for (i = 0; i < 20; i++) {
		usleep(2000);
		fd = open("/usr/bin/sh", O_RDONLY);
		if (fd >= 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
	}
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(0, t.bad_cpu_event);
	EXPECT_LT(20, t.switches);
	EXPECT_LT(0, t.softirq_entry);
	/*
	 * Each CPU may be inside a handler when the session starts (an exit
	 * without its entry) and when it stops (an entry without its exit).
	 */
	EXPECT_GE(2 * self->ncpus, labs(t.softirq_entry - t.softirq_exit));
	EXPECT_GE(2 * self->ncpus, labs(t.irq_entry - t.irq_exit));
	EXPECT_EQ(0, t.enter_getppid);	/* syscalls were not asked for */
	EXPECT_EQ(produced, t.records + lost);
	TH_LOG("irqs %ld, softirqs %ld, switches %ld", t.irq_entry,
	       t.softirq_entry, t.switches);
}

static int set_online(int cpu, int on)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return write_str(path, on ? "1" : "0");
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

TEST_F(trace, cpu_going_offline_and_back_loses_nothing)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	long produced, lost;
	int i;

	if (self->ncpus < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	pin_to(1);
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	pin_to(0);
	ASSERT_EQ(0, set_online(1, 0));
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, set_online(1, 1));
	pin_to(1);
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(300, t.enter_getppid);
	EXPECT_EQ(300, t.exit_getppid);
	EXPECT_EQ(0, lost);
	EXPECT_EQ(produced, t.records);
}

/* The CPUs TRACE_STATS reports a ring for, as a bit mask: -1 on error. */
static long stats_cpus(FIXTURE_DATA(trace) *self)
{
	struct stats_sum sum;

	return stats_sum(self, &sum) ? -1 : sum.cpus;
}

/* Maps CPU @cpu's ring read-only: 0 or -errno. */
static int map_one(FIXTURE_DATA(trace) *self, int cpu)
{
	unsigned long stride = LLKM_RING_PAGES(self->size);
	off_t base = (off_t)cpu * stride * LLKM_RING_PAGE;
	void *cons, *ro;

	cons = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    self->dev, base);
	if (cons == MAP_FAILED)
		return -errno;
	self->ring[cpu].cons = cons;
	ro = mmap(NULL, (stride - 1) * LLKM_RING_PAGE, PROT_READ, MAP_SHARED,
		  self->dev, base + LLKM_RING_PAGE);
	if (ro == MAP_FAILED)
		return -errno;
	self->ring[cpu].prod = ro;
	self->ring[cpu].data = (const char *)ro + LLKM_RING_PAGE;
	self->ring[cpu].size = self->size;
	return 0;
}

/*
 * A VM with 240 possible CPUs and 2 online paid for 240 rings. With CPU 1
 * offline, the session has a ring for CPU 0 only: the stats list CPU 0
 * alone and CPU 1's offset maps nothing (ENXIO).
 */
TEST_F(trace, rings_are_allocated_for_online_cpus_only)
{
	uint32_t me = getpid();

	if (self->ncpus < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	pin_to(0);
	ASSERT_EQ(0, set_online(1, 0));
	EXPECT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	EXPECT_EQ(1, stats_cpus(self));
	EXPECT_EQ(0, map_one(self, 0));
	EXPECT_EQ(-ENXIO, map_one(self, 1));
	simple(self, LLKM_CMD_TRACE_STOP);
	ASSERT_EQ(0, set_online(1, 1));
}

/*
 * A CPU offline at the start and onlined mid-session gets its ring before
 * it runs anything (the module's hotplug callback) and records into it.
 */
TEST_F(trace, a_cpu_onlined_mid_session_records_into_its_ring)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	long produced, lost;
	int i;

	if (self->ncpus < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	pin_to(0);
	ASSERT_EQ(0, set_online(1, 0));
	EXPECT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, set_online(1, 1));
	pin_to(1);
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	pin_to(0);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(3, stats_cpus(self));
	ASSERT_EQ(0, map_one(self, 0));
	ASSERT_EQ(0, map_one(self, 1));
	drain(self, &t);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(100, t.enter_getppid);
	EXPECT_EQ(100, t.exit_getppid);
	EXPECT_EQ(0, lost);
	EXPECT_EQ(produced, t.records);
}

/*
 * The session's rings together are capped at a quarter of RAM: the
 * smallest ring size that passes it for the online CPUs is refused with
 * -E2BIG and an extack naming the cap, before anything is allocated; half
 * of it is accepted.
 */
TEST_F(trace, rings_over_a_quarter_of_ram_are_refused_with_the_cap)
{
	int online = cpulist_file_count("/sys/devices/system/cpu/online");
	unsigned long long cap = meminfo("MemTotal:") / 4, size;
	uint32_t me = getpid();

	ASSERT_LT(0, online);
	ASSERT_LT(0, cap);
	for (size = LLKM_RING_SIZE_MIN; size * online <= cap; size *= 2)
		;
	if (size > LLKM_RING_SIZE_MAX)
		SKIP(return, "%d CPUs x %u bytes fit a quarter of this RAM",
		     online, LLKM_RING_SIZE_MAX);
	TH_LOG("%d CPUs x %llu MiB against a cap of %llu MiB", online,
	       size >> 20, cap >> 20);
	EXPECT_EQ(-E2BIG, start(self, size, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	EXPECT_NE(NULL, strstr(self->rep->extack, "exceed the cap of"));
	TH_LOG("extack: %s", self->rep->extack);
	simple(self, LLKM_CMD_TRACE_STOP);
	EXPECT_EQ(0, start(self, size / 2, LLKM_RING_MODE_DISCARD, &me, 1, 0));
}

/*
 * The cap holds for a CPU that comes up mid-session too: with CPU 1
 * offline, a session whose rings fit the online CPUs but not one more
 * keeps CPU 1 offline (its online write fails, -ENOMEM) rather than
 * allocate past the cap; after the stop, CPU 1 comes up.
 */
TEST_F(trace, a_cpu_whose_ring_would_pass_the_cap_stays_offline)
{
	unsigned long long cap = meminfo("MemTotal:") / 4, size;
	uint32_t me = getpid();
	int online, ret;
	long mask;

	if (self->ncpus < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	pin_to(0);
	ASSERT_EQ(0, set_online(1, 0));
	online = cpulist_file_count("/sys/devices/system/cpu/online");
	for (size = LLKM_RING_SIZE_MIN; size * 2 * online <= cap; size *= 2)
		;
	if (size > LLKM_RING_SIZE_MAX || size * online > meminfo("MemAvailable:") / 2) {
		set_online(1, 1);
		SKIP(return, "no ring size fits %d CPUs and not %d in this RAM",
		     online, online + 1);
	}
	TH_LOG("%d CPUs x %llu MiB, a cap of %llu MiB", online, size >> 20,
	       cap >> 20);
	EXPECT_EQ(0, start(self, size, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ret = set_online(1, 1);
	EXPECT_EQ(-ENOMEM, ret) TH_LOG("CPU 1 came up with a ring past the cap");
	mask = stats_cpus(self);
	EXPECT_LT(0, mask);
	EXPECT_EQ(0, mask & 2) TH_LOG("CPU 1 has a ring");
	simple(self, LLKM_CMD_TRACE_STOP);
	if (ret)
		ASSERT_EQ(0, set_online(1, 1));
}

#define MEMCG_TEST	"/sys/fs/cgroup/llkm_trace_test"
#define MEMCG_MAX	(16 << 20)

/* A "KEY N" line of a cgroup file such as memory.events; -1 if none. */
static long cgroup_key(const char *path, const char *key)
{
	char line[128], k[64];
	long v, ret = -1;
	FILE *f = fopen(path, "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", k, &v) == 2 && !strcmp(k, key))
			ret = v;
	if (f)
		fclose(f);
	return ret;
}

/* In the test cgroup: a session of 2 x memory.max of rings. */
static int start_in_memcg(int family)
{
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_trace_out o;
	char pid[32];
	struct nl_req req;
	int fd, ret;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (!rep || write_str(MEMCG_TEST "/cgroup.procs", pid))
		return 100;
	fd = nl_open();
	if (fd < 0)
		return 101;
	nl_trace_req(&req, family, 2 * MEMCG_MAX, LLKM_TRACE_EV_SYSCALLS, NULL);
	ret = nl_trace_start(fd, &req, rep, &o);
	if (ret == -1000)
		return 102;
	return ret == -ENOMEM ? 0 : ret == 0 ? 103 : 104;
}

/*
 * Ring pages are charged to the starter's memory cgroup: a start whose
 * rings pass its memory.max fails -ENOMEM (no OOM kill: the allocation
 * may fail), leaves no session, and the next start elsewhere works.
 */
TEST_F(trace, rings_are_charged_to_the_starters_memory_cgroup)
{
	char max[32];
	uint32_t me = getpid();
	int ret;

	if (access("/sys/fs/cgroup/cgroup.subtree_control", W_OK) &&
	    mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL))
		SKIP(return, "no cgroup v2 here");
	if (write_str("/sys/fs/cgroup/cgroup.subtree_control", "+memory"))
		SKIP(return, "cannot enable the memory controller");
	rmdir(MEMCG_TEST);
	ASSERT_EQ(0, mkdir(MEMCG_TEST, 0755));
	snprintf(max, sizeof(max), "%d", MEMCG_MAX);
	ASSERT_EQ(0, write_str(MEMCG_TEST "/memory.max", max));
	ret = run_in_child(start_in_memcg, self->family);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, cgroup_key(MEMCG_TEST "/memory.events", "oom_kill"));
	TH_LOG("child %d; memory.events: max %ld, oom %ld, oom_kill %ld", ret,
	       cgroup_key(MEMCG_TEST "/memory.events", "max"),
	       cgroup_key(MEMCG_TEST "/memory.events", "oom"),
	       cgroup_key(MEMCG_TEST "/memory.events", "oom_kill"));
	EXPECT_EQ(-ENOENT, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	rmdir(MEMCG_TEST);
}

TEST_F(trace, poll_wakes_at_the_watermark_and_hangs_up_at_stop)
{
	struct pollfd pfd = { .fd = self->dev, .events = POLLIN };
	uint32_t me = getpid();
	int i;

	self->watermark = 1 << 16;
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	/* A few records, far under 64 KiB: nothing to wake for. */
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	/* About 120 bytes a call on the CPU we stay on: over the mark. */
	pin_to(0);
	for (i = 0; i < 2000; i++)
		syscall(SYS_getppid);
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	EXPECT_FALSE(pfd.revents & POLLHUP);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLHUP);
}

/* The "IWI:" line of /proc/interrupts summed over CPUs; -1 without one. */
static long irq_work_interrupts(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[8192], *p, *end;
	long sum = -1, v;

	while (f && fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, "IWI:", 4))
			continue;
		for (sum = 0, p += 4; (v = strtol(p, &end, 10)), end != p; p = end)
			sum += v;
		break;
	}
	if (f)
		fclose(f);
	return sum;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Records of getppid() only, ours: two for each call. */
static void only_getppid(FIXTURE_DATA(trace) *self)
{
	self->sys[SYS_getppid / 8] |= 1 << (SYS_getppid % 8);
	self->sys_len = sizeof(self->sys);
}

/*
 * A consumer shaped like llctl's, in a child on the last CPU: asleep in
 * poll() (100 ms at most, for the tail), draining in discard mode, reading
 * nothing until the stop in overwrite mode; gone at EPOLLHUP.
 */
static void consumer(FIXTURE_DATA(trace) *self, uint32_t mode)
{
	struct pollfd pfd = { .fd = self->dev, .events = POLLIN };
	struct tally t = { 0 };

	pin_to(sysconf(_SC_NPROCESSORS_ONLN) - 1);
	for (;;) {
		if (mode == LLKM_RING_MODE_DISCARD)
			drain(self, &t);
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) < 0)
			_exit(1);
		if (pfd.revents & POLLHUP)
			_exit(0);
	}
}

/*
 * Wake-ups come per watermark, not per record: 10^5 getppid() calls, 2 *
 * 10^5 records into 4 MiB rings (a 2 MiB watermark), with a consumer
 * asleep in poll(). The irq_work that wakes it raises at most one IRQ-work
 * interrupt (IWI) per watermark of bytes, some 14 MiB / 2 MiB = 7 here,
 * fewer when it is lazy; everything else the guest does adds a few. A
 * wake-up per record over the watermark is thousands.
 */
static void wakeups(struct __test_metadata *_metadata,
		    FIXTURE_DATA(trace) *self, uint32_t mode)
{
	long before, after, produced, lost, iwi;
	uint32_t me = getpid();
	int i, status;
	pid_t child;

	if (irq_work_interrupts() < 0)
		SKIP(return, "no IWI line in /proc/interrupts (not x86)");
	only_getppid(self);
	ASSERT_EQ(0, start(self, 4 << 20, mode, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		consumer(self, mode);
	pin_to(0);
	before = irq_work_interrupts();
	for (i = 0; i < 100000; i++)
		syscall(SYS_getppid);
	after = irq_work_interrupts();
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	ASSERT_LE(200000, produced);
	iwi = after - before;
	TH_LOG("%ld IWI for %ld records (%ld lost): %ld per 10^5", iwi,
	       produced, lost, iwi * 100000 / produced);
	EXPECT_GT(10, iwi * 100000 / produced);
}

TEST_F(trace, discard_wakeups_are_per_watermark_not_per_record)
{
	wakeups(_metadata, self, LLKM_RING_MODE_DISCARD);
}

TEST_F(trace, overwrite_wakeups_are_per_watermark_not_per_record)
{
	wakeups(_metadata, self, LLKM_RING_MODE_OVERWRITE);
}

struct woke {
	int64_t at;	/* CLOCK_MONOTONIC ns */
	short revents;
};

/*
 * A reader asleep in poll() with no timeout to save it: its first wake-up
 * (it drains then), then the first one that says EPOLLHUP.
 */
static void sleeper(FIXTURE_DATA(trace) *self, int out)
{
	struct pollfd pfd = { .fd = self->dev, .events = POLLIN };
	struct tally t = { 0 };
	struct woke w;

	pin_to(sysconf(_SC_NPROCESSORS_ONLN) - 1);
	do {
		if (poll(&pfd, 1, 10000) < 0)
			_exit(1);
		w = (struct woke){ now_ns(), pfd.revents };
		if (write(out, &w, sizeof(w)) != sizeof(w))
			_exit(2);
		drain(self, &t);
	} while (!(pfd.revents & POLLHUP) && pfd.revents);
	_exit(0);
}

/* The child's next wake-up, or revents -1 when none comes in 10 s. */
static struct woke next_woke(int in)
{
	struct pollfd pfd = { .fd = in, .events = POLLIN };
	struct woke w = { 0, -1 };

	if (poll(&pfd, 1, 10000) == 1 && read(in, &w, sizeof(w)) != sizeof(w))
		w.revents = -1;
	return w;
}

/*
 * No lost wake-up: records come one call at a time, and a reader asleep
 * in poll() wakes within a second of its ring holding the watermark, and
 * within a second of the stop.
 */
TEST_F(trace, a_sleeping_reader_wakes_at_the_watermark_and_at_the_stop)
{
	struct trace_ring *r = &self->ring[0];
	int64_t reached = 0, stopped;
	uint32_t me = getpid();
	int fds[2], i, status;
	struct woke w;
	pid_t child;

	only_getppid(self);
	self->watermark = 4096;
	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	ASSERT_EQ(0, pipe(fds));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(fds[0]);
		sleeper(self, fds[1]);
	}
	close(fds[1]);
	pin_to(0);
	usleep(100000);		/* the child is asleep */
	for (i = 0; i < 1000 && !reached; i++) {
		syscall(SYS_getppid);
		if (__atomic_load_n(&r->prod->producer_pos, __ATOMIC_ACQUIRE) -
		    r->cons->consumer_pos >= self->watermark)
			reached = now_ns();
		usleep(2000);
	}
	ASSERT_NE(0, reached);
	w = next_woke(fds[0]);
	EXPECT_TRUE(w.revents & POLLIN);
	EXPECT_FALSE(w.revents & POLLHUP);
	TH_LOG("woke %lld us after the watermark", (long long)(w.at - reached) / 1000);
	EXPECT_GT(1000000000LL, w.at - reached);

	usleep(100000);		/* drained, and asleep again */
	stopped = now_ns();
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	do
		w = next_woke(fds[0]);
	while (w.revents > 0 && !(w.revents & POLLHUP));
	EXPECT_TRUE(w.revents > 0 && (w.revents & POLLHUP));
	TH_LOG("woke %lld us after the stop", (long long)(w.at - stopped) / 1000);
	EXPECT_GT(1000000000LL, w.at - stopped);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fds[0]);
}

TEST_F(trace, watermark_above_the_ring_is_refused)
{
	uint32_t me = getpid();

	self->watermark = (1 << 16) + 8;
	EXPECT_EQ(-EINVAL, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	self->watermark = 0;
	EXPECT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
}

TEST_F(trace, cpu_mask_records_only_its_cpus_and_counts_nothing_else)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	long produced, lost;
	int i;

	if (self->ncpus < 2)
		SKIP(return, "needs two CPUs");
	self->cpus[0] = 1 << 1;		/* CPU 1 only */
	self->cpus_len = 1;
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	pin_to(0);
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	pin_to(1);
	for (i = 0; i < 70; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(70, t.enter_getppid);
	EXPECT_EQ(0, lost);
	EXPECT_EQ(produced, t.records);	/* filtered: never produced */
}

TEST_F(trace, syscall_set_records_only_its_syscalls)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	long produced, lost;
	int i;

	self->sys[SYS_getppid / 8] |= 1 << (SYS_getppid % 8);
	self->sys_len = sizeof(self->sys);
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	for (i = 0; i < 50; i++) {
		syscall(SYS_getppid);
		syscall(SYS_getuid);
	}
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(50, t.enter_getppid);
	EXPECT_EQ(50, t.exit_getppid);
	/* Nothing else: not the getuid calls, not the netlink sendto. */
	EXPECT_EQ(100, t.records);
	EXPECT_EQ(produced, t.records);
}

/* The path trailer of this process's openat entries, one after another. */
struct seen_path {
	uint8_t flags;
	uint16_t len;
	char path[LLKM_PATH_MAX + 1];
};

static int openat_paths(FIXTURE_DATA(trace) *self, struct seen_path *seen,
			int max)
{
	int c, n = 0;

	for (c = 0; c < self->ncpus; c++) {
		struct trace_ring *r = &self->ring[c];
		uint64_t pos = r->cons->consumer_pos;
		uint64_t pub = __atomic_load_n(&r->prod->producer_pos,
					       __ATOMIC_ACQUIRE);

		for (; pos != pub; pos += ((const struct llkm_rec *)
				(r->data + (pos & (r->size - 1))))->size) {
			const struct llkm_rec *rec = (const void *)
				(r->data + (pos & (r->size - 1)));
			const struct llkm_rec_sys_enter *e = (const void *)(rec + 1);
			const struct llkm_rec_sys_path *sp = (const void *)(e + 1);

			if (rec->size < sizeof(*rec) || rec->size % 8)
				return -1;
			if (rec->type != LLKM_REC_SYS_ENTER || e->nr != SYS_openat ||
			    rec->pid != (uint32_t)getpid() || n == max)
				continue;
			if (rec->size < sizeof(*rec) + sizeof(*e) + sizeof(*sp) + 8 ||
			    sp->arg != 1 || sp->len > LLKM_PATH_MAX)
				return -2;
			seen[n].flags = sp->flags;
			seen[n].len = sp->len;
			memcpy(seen[n].path, sp->path, sp->len + 1);
			n++;
		}
	}
	return n;
}

/*
 * The paths as openat got them: one that exists, one that does not, one
 * past LLKM_PATH_MAX (cut, and said so), and one on a page never touched,
 * which the probe may not fault in: said to have faulted, not shown as
 * the "" the kernel then reads (ENOENT).
 */
TEST_F(trace, openat_entries_carry_their_paths)
{
	char longpath[LLKM_PATH_MAX + 40];
	struct seen_path seen[4];
	uint32_t me = getpid();
	char *untouched;
	int fd;

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	untouched = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, untouched);
	self->sys[SYS_openat / 8] |= 1 << (SYS_openat % 8);
	self->sys_len = sizeof(self->sys);
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	fd = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
	EXPECT_LE(0, fd);
	EXPECT_EQ(-1, syscall(SYS_openat, AT_FDCWD, "/llkm-no-such-file", O_RDONLY));
	EXPECT_EQ(-1, syscall(SYS_openat, AT_FDCWD, longpath, O_RDONLY));
	EXPECT_EQ(-1, syscall(SYS_openat, AT_FDCWD, untouched, O_RDONLY));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	ASSERT_EQ(4, openat_paths(self, seen, 4));
	EXPECT_EQ(0, seen[0].flags);
	EXPECT_STREQ("/", seen[0].path);
	EXPECT_EQ(0, seen[1].flags);
	EXPECT_STREQ("/llkm-no-such-file", seen[1].path);
	EXPECT_EQ(18, seen[1].len);
	EXPECT_EQ(LLKM_PATH_CUT, seen[2].flags);
	EXPECT_EQ(LLKM_PATH_MAX, seen[2].len);
	EXPECT_EQ(0, strncmp(longpath, seen[2].path, LLKM_PATH_MAX));
	EXPECT_EQ(LLKM_PATH_FAULT, seen[3].flags);
	EXPECT_EQ(0, seen[3].len);
	if (fd >= 0)
		close(fd);
	munmap(untouched, 4096);
}

/*
 * getpid through the ia32 entry (int 0x80, eax = 20, i386's __NR_getpid)
 * from this 64-bit process: in_compat_syscall() in the kernel, and 20 is
 * writev in the x86-64 table. The entry zeroes r8-r11.
 */
#ifdef __x86_64__
static long int80_getpid(void)
{
	long ret = 20;

	__asm__ volatile("int $0x80" : "+a"(ret) : : "r8", "r9", "r10", "r11",
			 "memory");
	return ret;
}
#define NO_COMPAT_WHY "this kernel runs no ia32 syscalls"
#else
/* arm64's compat entry is AArch32's: a 64-bit process cannot enter it. */
static long int80_getpid(void)
{
	return -ENOSYS;
}
#define NO_COMPAT_WHY "compat syscalls are tested through x86's int 0x80; arm64's need an AArch32 program"
#endif

/* Whether this kernel runs ia32 syscalls (ia32_emulation=, IA32_EMULATION). */
static int ia32_works(void)
{
	int status;
	pid_t pid;

#ifndef __x86_64__
	return 0;
#endif
	pid = fork();

	if (pid == 0)
		_exit(int80_getpid() == getpid() ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST_F(trace, compat_syscalls_are_dropped_and_counted)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	long produced, lost;
	int i;

	if (!ia32_works())
		SKIP(return, NO_COMPAT_WHY);
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(getpid(), int80_getpid());
		syscall(SYS_getppid);
	}
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	/* Not a false writev: no record of them at all, but a count. */
	EXPECT_EQ(0, t.ours_writev);
	EXPECT_EQ(100, t.enter_getppid);
	EXPECT_EQ(100, t.exit_getppid);
	EXPECT_EQ(100, stats_compat(self));
	ASSERT_EQ(0, stats(self, &produced, &lost));
	EXPECT_EQ(produced, t.records);
}

/*
 * The CPU filter applies to the compat count as to the records: with CPU 0
 * traced, 100 ia32 syscalls on CPU 1 are neither recorded nor counted,
 * 50 on CPU 0 are counted (before, the count took all 150).
 */
TEST_F(trace, compat_syscalls_on_an_untraced_cpu_are_not_counted)
{
	uint32_t me = getpid();
	struct tally t = { 0 };
	int i;

	if (!ia32_works())
		SKIP(return, NO_COMPAT_WHY);
	if (self->ncpus < 2)
		SKIP(return, "needs two CPUs");
	self->cpus[0] = 1 << 0;		/* CPU 0 only */
	self->cpus_len = 1;
	ASSERT_EQ(0, start(self, 1 << 20, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	pin_to(1);
	for (i = 0; i < 150; i++) {
		if (i == 100)
			pin_to(0);
		ASSERT_EQ(getpid(), int80_getpid());
		syscall(SYS_getppid);
	}
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	EXPECT_EQ(50, t.enter_getppid);
	EXPECT_EQ(50, stats_compat(self));
}

/* The next LLKM_CMD_TRACE_EVENT on @fd within @ms: event, or -1. */
static int next_event(int fd, int ms, uint32_t *reason, uint64_t *lost)
{
	static char buf[8192];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, ms) == 1) {
		const struct nlattr *tb[NL_MAXATTR + 1];
		struct nlmsghdr *h = (void *)buf;
		int n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0 || !NLMSG_OK(h, (unsigned int)n))
			return -1;
		if (((struct genlmsghdr *)NLMSG_DATA(h))->cmd != LLKM_CMD_TRACE_EVENT)
			continue;
		nl_attrs((char *)NLMSG_DATA(h) + GENL_HDRLEN,
			 h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb);
		if (!tb[LLKM_A_EVENT] || !tb[LLKM_A_EVENT_LOST])
			return -1;
		*reason = tb[LLKM_A_EVENT_REASON] ?
			  nla_u32_of(tb[LLKM_A_EVENT_REASON]) : 0;
		*lost = nla_u64_of(tb[LLKM_A_EVENT_LOST]);
		return nla_u32_of(tb[LLKM_A_EVENT]);
	}
	return -1;
}

TEST_F(trace, listeners_hear_start_loss_and_stop)
{
	uint32_t me = getpid(), reason;
	int mc = nl_open(), grp, i;
	uint64_t lost;

	ASSERT_LE(0, mc);
	grp = nl_mcast_group(mc, LLKM_GENL_NAME, LLKM_GENL_MCGRP_EVENTS);
	ASSERT_LT(0, grp);
	ASSERT_EQ(0, setsockopt(mc, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
	ASSERT_EQ(0, start(self, LLKM_RING_SIZE_MIN, LLKM_RING_MODE_DISCARD,
			   &me, 1, 0));
	EXPECT_EQ(LLKM_EVENT_STARTED, next_event(mc, 2000, &reason, &lost));
	for (i = 0; i < 5000; i++)	/* a 4 KiB ring nobody reads */
		syscall(SYS_getppid);
	EXPECT_EQ(LLKM_EVENT_LOST, next_event(mc, 3000, &reason, &lost));
	EXPECT_LT(0, lost);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(LLKM_EVENT_STOPPED, next_event(mc, 2000, &reason, &lost));
	EXPECT_EQ(LLKM_STOP_REQUESTED, reason);

	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	EXPECT_EQ(LLKM_EVENT_STARTED, next_event(mc, 2000, &reason, &lost));
	close(self->fd);
	self->fd = nl_open();
	EXPECT_EQ(LLKM_EVENT_STOPPED, next_event(mc, 2000, &reason, &lost));
	EXPECT_EQ(LLKM_STOP_OWNER_GONE, reason);
	close(mc);
}

/*
 * In a child: 8 sessions of 32 MiB rings per CPU started and stopped, each
 * start allocating and zeroing them under the module's session lock. The
 * fastest start, in ms, goes down @out.
 */
static void session_churn(int family, int out)
{
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_trace_out o;
	int fd = nl_open(), i, ms_min = 1 << 30;
	struct nl_req req;

	for (i = 0; rep && fd >= 0 && i < 8; i++) {
		int64_t t0 = now_ns(), ms;

		nl_trace_req(&req, family, 32 << 20, 0, NULL);
		if (nl_trace_start(fd, &req, rep, &o))
			_exit(1);
		ms = (now_ns() - t0) / 1000000;
		if (ms < ms_min)
			ms_min = ms;
		nl_init(&req, family, LLKM_CMD_TRACE_STOP);
		if (nl_transact(fd, &req, rep) || rep->err)
			_exit(2);
	}
	if (write(out, &ms_min, sizeof(ms_min)) != sizeof(ms_min))
		_exit(3);
	_exit(0);
}

/*
 * Closing a generic netlink socket that never owned anything of llkm's
 * (any program's: nl80211, ethtool, ...) waits on none of its locks, even
 * while a long TRACE_START holds the session's.
 */
TEST_F(trace, closing_an_unrelated_genl_socket_takes_no_llkm_lock)
{
	int64_t close_max = 0;
	int p[2], status, start_min = 0;
	long closes = 0;
	pid_t child;

	ASSERT_EQ(0, pipe(p));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		session_churn(self->family, p[1]);
	close(p[1]);
	while (waitpid(child, &status, WNOHANG) == 0) {
		int fd = nl_open();	/* bound: its close tells the chain */
		int64_t t0;

		ASSERT_LE(0, fd);
		t0 = now_ns();
		close(fd);
		t0 = now_ns() - t0;
		if (t0 > close_max)
			close_max = t0;
		closes++;
		usleep(1000);
	}
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the churning child: status %#x", status);
	ASSERT_EQ(sizeof(start_min), read(p[0], &start_min, sizeof(start_min)));
	close(p[0]);
	TH_LOG("%ld closes, the longest %lld us; the fastest start %d ms",
	       closes, (long long)(close_max / 1000), start_min);
	if (start_min < 40)
		SKIP(return, "TRACE_START took only %d ms: too short to tell", start_min);
	/* Blocked behind a start, a close would take a good part of one. */
	EXPECT_GT(start_min * 1000000LL / 4, close_max);
}

TEST_F(trace, one_session_at_a_time)
{
	uint32_t me = getpid();

	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	EXPECT_EQ(-EBUSY, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	EXPECT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(-ENOENT, simple(self, LLKM_CMD_TRACE_STOP));
}

TEST_F(trace, closing_the_owner_socket_stops_the_session)
{
	uint32_t me = getpid();

	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	close(self->fd);
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(-ENOENT, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
}

TEST_F(trace, data_pages_cannot_be_mapped_writable)
{
	uint32_t me = getpid();
	void *p;

	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	p = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->dev, LLKM_RING_PAGE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, LLKM_RING_PAGE, PROT_READ, MAP_SHARED, self->dev,
		 LLKM_RING_PAGE);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, LLKM_RING_PAGE, PROT_READ | PROT_WRITE));
	munmap(p, LLKM_RING_PAGE);
	/* Past the last CPU's ring. */
	p = mmap(NULL, LLKM_RING_PAGE, PROT_READ, MAP_SHARED, self->dev,
		 (off_t)self->ncpus * LLKM_RING_PAGES(self->size) * LLKM_RING_PAGE);
	EXPECT_EQ(MAP_FAILED, p);
}

/*
 * Another privileged process with its own descriptor may read the
 * session's consumer page, not write it: a consumer_pos moved back makes
 * the producer take records back again and again. 0 when so.
 */
static int map_consumer_page_as_another_process(int family)
{
	int dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
	void *p;

	(void)family;
	if (dev < 0)
		return 100;
	p = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dev, 0);
	if (p != MAP_FAILED)
		return 1;
	if (errno != EPERM)
		return 2;
	p = mmap(NULL, LLKM_RING_PAGE, PROT_READ, MAP_SHARED, dev, 0);
	if (p == MAP_FAILED)
		return 3;
	if (!mprotect(p, LLKM_RING_PAGE, PROT_READ | PROT_WRITE))
		return 4;
	return 0;
}

TEST_F(trace, only_the_owner_maps_the_consumer_page_writable)
{
	uint32_t me = getpid();
	void *p;

	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_OVERWRITE, &me, 1, 0));
	EXPECT_EQ(0, run_in_child(map_consumer_page_as_another_process,
				  self->family));
	p = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->dev, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, LLKM_RING_PAGE);
	/* Stopped, the rings stay the owner's until the next start. */
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(0, run_in_child(map_consumer_page_as_another_process,
				  self->family));
	p = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->dev, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, LLKM_RING_PAGE);
}

TEST_F(trace, rings_stay_readable_after_stop)
{
	uint32_t me = getpid();
	struct tally t = { 0 };

	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, map_rings(self));
	syscall(SYS_getppid);
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	/* A new session replaces the rings; the old mapping still reads. */
	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	ASSERT_EQ(0, simple(self, LLKM_CMD_TRACE_STOP));
	drain(self, &t);
	EXPECT_EQ(1, t.enter_getppid);
}

static int start_as_nobody(int family)
{
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_req req;
	int fd;

	if (!rep || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 100;
	fd = nl_open();
	if (fd < 0)
		return 101;
	nl_trace_req(&req, family, 0, LLKM_TRACE_EV_SYSCALLS, NULL);
	if (nl_transact(fd, &req, rep))
		return 102;
	if (rep->err != -EPERM)
		return 103;
	nl_init(&req, family, LLKM_CMD_TRACE_STATS);
	if (nl_transact(fd, &req, rep))
		return 104;
	return rep->err == -EPERM ? 0 : 105;
}

TEST_F(trace, unprivileged_users_cannot_start_or_read_traces)
{
	EXPECT_EQ(0, run_in_child(start_as_nobody, self->family));
}

TEST_F(trace, unknown_event_bits_are_refused)
{

	nl_trace_req(&self->req, self->family, 0, LLKM_TRACE_EV_ALL + 1, NULL);
	ASSERT_EQ(0, nl_transact(self->fd, &self->req, self->rep));
	EXPECT_EQ(-EINVAL, self->rep->err);
}

TEST_F(trace, rmmod_with_a_session_running_is_clean)
{
	uint32_t me = getpid();
	int i;

	if (!self->loaded_here)
		SKIP(return, "llkm was loaded by someone else: not unloading it");
	ASSERT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	close(self->dev);
	self->dev = -1;
	/* The netlink socket holds no module reference: rmmod stops it. */
	ASSERT_EQ(0, llkm_unload());
	EXPECT_FALSE(llkm_loaded());
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, llkm_load(NULL));
	EXPECT_EQ(-ENOENT, simple(self, LLKM_CMD_TRACE_STOP));
}

/*
 * rmmod while the loss watch announces LOST once a second: genl.c leaves
 * the session's notifier chain (waiting out a call in flight) before it
 * unregisters the family, so the watch, still scheduled, multicasts on
 * nothing. Five rounds, each after a LOST was heard; the kernel log must
 * stay clean and no event may come after the rmmod.
 */
TEST_F(trace, rmmod_while_the_loss_watch_announces_is_clean)
{
	uint32_t me = getpid(), reason;
	uint64_t lost;
	int round, i;

	if (!self->loaded_here)
		SKIP(return, "llkm was loaded by someone else: not unloading it");
	close(self->dev);
	self->dev = -1;
	for (round = 0; round < 5; round++) {
		int mc = nl_open(), grp, ev = -1;

		ASSERT_LE(0, mc);
		if (round) {
			ASSERT_EQ(0, llkm_load(NULL));
			close(self->fd);
			self->fd = nl_open();
			self->family = nl_family(self->fd, LLKM_GENL_NAME);
			ASSERT_LT(0, self->family);
		}
		grp = nl_mcast_group(mc, LLKM_GENL_NAME, LLKM_GENL_MCGRP_EVENTS);
		ASSERT_LT(0, grp);
		ASSERT_EQ(0, setsockopt(mc, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					&grp, sizeof(grp)));
		ASSERT_EQ(0, start(self, LLKM_RING_SIZE_MIN,
				   LLKM_RING_MODE_DISCARD, &me, 1, 0));
		for (i = 0; i < 50 && ev != LLKM_EVENT_LOST; i++) {
			int j;

			for (j = 0; j < 2000; j++)	/* a ring nobody reads */
				syscall(SYS_getppid);
			ev = next_event(mc, 100, &reason, &lost);
		}
		ASSERT_EQ(LLKM_EVENT_LOST, ev);
		/* The watch is due again within the second: rmmod meets it. */
		usleep(round * 200000);
		for (i = 0; i < 2000; i++)
			syscall(SYS_getppid);
		ASSERT_EQ(0, llkm_unload());
		/* Whatever came before the rmmod; nothing after it. */
		while (next_event(mc, 200, &reason, &lost) > 0)
			;
		EXPECT_EQ(-1, next_event(mc, 1500, &reason, &lost));
		close(mc);
	}
	ASSERT_EQ(0, llkm_load(NULL));
	close(self->fd);
	self->fd = nl_open();
}

/*
 * The largest ring size accepted whose rings, one per online CPU, take at
 * most half the memory available and fit the cap (a quarter of RAM, which
 * is MemTotal): LLKM_RING_SIZE_MAX on a big machine, 64 MiB a CPU in the
 * 1 GiB, 2-CPU guest.
 */
static uint32_t large_ring_size(int ncpus)
{
	unsigned long long room = meminfo("MemAvailable:") / 2;
	uint32_t size = LLKM_RING_SIZE_MAX;

	if (room > meminfo("MemTotal:") / 4)
		room = meminfo("MemTotal:") / 4;

	while (size > LLKM_RING_SIZE_MIN &&
	       (unsigned long long)size * ncpus > room)
		size >>= 1;
	return size;
}

/* A large start, seen from the child that asks for it (shared memory). */
struct large_start {
	uint64_t sent, acked, done;	/* nl_now_ns() */
	int ack, err;			/* the ack's verdict, the outcome's */
	uint32_t size;
	int exit;			/* set by the parent: close and go */
	pid_t pid;			/* the child's */
};

/* TRACE_START of @size rings, this process's syscalls. */
static void start_req(struct nl_req *r, int family, uint32_t size)
{
	uint32_t me = getpid();

	nl_trace_req(r, family, size, LLKM_TRACE_EV_SYSCALLS, &me);
}

/* In a child: TRACE_START of @ls->size rings from its own socket. */
static void large_start_child(int family, struct large_start *ls)
{
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_trace_out o;
	struct nl_req r;
	int fd = nl_open();

	if (!rep || fd < 0)
		_exit(100);
	start_req(&r, family, ls->size);
	__atomic_store_n(&ls->sent, nl_now_ns(), __ATOMIC_RELEASE);
	if (nl_trace_send(fd, &r, rep, &o))
		_exit(101);
	ls->ack = rep->err;
	__atomic_store_n(&ls->acked, nl_now_ns(), __ATOMIC_RELEASE);
	if (nl_trace_recv(fd, rep, &o, 1))
		_exit(102);
	ls->err = o.err;
	__atomic_store_n(&ls->done, nl_now_ns(), __ATOMIC_RELEASE);
	while (!__atomic_load_n(&ls->exit, __ATOMIC_ACQUIRE))
		usleep(10000);
	_exit(0);		/* the socket's close stops the session */
}

/* Forks large_start_child(), of the largest rings that fit: NULL on failure. */
static struct large_start *large_start_fork(FIXTURE_DATA(trace) *self)
{
	struct large_start *ls;

	ls = mmap(NULL, sizeof(*ls), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ls == MAP_FAILED)
		return NULL;
	memset(ls, 0, sizeof(*ls));
	ls->size = large_ring_size(self->ncpus);
	ls->pid = fork();
	if (ls->pid == 0)
		large_start_child(self->family, ls);
	if (ls->pid < 0) {
		munmap(ls, sizeof(*ls));
		return NULL;
	}
	return ls;
}

/*
 * Returns once the child's request is acked and its rings' first 16 MiB
 * are taken (the allocation is under way), or @budget ns after the ack.
 */
static void large_start_allocating(struct large_start *ls, uint64_t budget)
{
	unsigned long long free0;
	uint64_t t0;

	while (!__atomic_load_n(&ls->acked, __ATOMIC_ACQUIRE))
		usleep(1000);
	free0 = meminfo("MemFree:");
	t0 = nl_now_ns();
	while (meminfo("MemFree:") + (16 << 20) > free0 && nl_now_ns() - t0 < budget)
		usleep(500);
}

/* Waits @budget ns at most for the child's outcome: whether it came. */
static int large_start_done(struct large_start *ls, uint64_t budget)
{
	uint64_t t0 = nl_now_ns();

	while (!__atomic_load_n(&ls->done, __ATOMIC_ACQUIRE) &&
	       nl_now_ns() - t0 < budget)
		usleep(1000);
	return __atomic_load_n(&ls->done, __ATOMIC_ACQUIRE) != 0;
}

/* Lets the child close its socket (its session stops) and reaps it. */
static void large_start_end(struct large_start *ls)
{
	__atomic_store_n(&ls->exit, 1, __ATOMIC_RELEASE);
	waitpid(ls->pid, NULL, 0);
	munmap(ls, sizeof(*ls));
}

/*
 * Issue 17, item 2: TRACE_START must not hold genetlink's cb_lock while it
 * allocates and zeroes the rings (2 x 64 MiB in the guest, a quarter of a
 * second under TCG; 256 MiB a CPU on a big machine, seconds). Once the
 * rings of a start of the largest that fit are being allocated, its
 * request is acked within 1 s; a module registering a genl family (cb_lock's
 * writer) loads, and requests that would queue behind that writer, an llkm
 * GET_INFO and the controller's GETFAMILY from other sockets, complete
 * within 1 s each. Without team.ko (not every kernel has it) the module
 * load is left out.
 */
TEST_F_TIMEOUT(trace, genl_stays_responsive_during_a_large_start, 180)
{
	const char *ko = genl_module_path();
	uint64_t t0, dt_load = 0, dt_info, dt_family, setup;
	struct large_start *ls = large_start_fork(self);
	pid_t loader = -1;
	int status;

	ASSERT_NE(NULL, ls);
	large_start_allocating(ls, 10000000000ULL);
	t0 = nl_now_ns();
	if (ko) {
		loader = fork();
		ASSERT_LE(0, loader);
		if (loader == 0)
			_exit(load_ko(ko) ? 1 : 0);
		usleep(100000);	/* the writer queues on cb_lock, if it must */
	}
	dt_info = nl_timed_request(self->family, LLKM_CMD_GET_INFO, NULL);
	dt_family = nl_timed_request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, "nlctrl");
	if (ko) {
		ASSERT_EQ(loader, waitpid(loader, &status, 0));
		dt_load = nl_now_ns() - t0;
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	setup = large_start_done(ls, 120000000000ULL) ? ls->done - ls->sent : 0;
	TH_LOG("%u MiB x %d CPUs: acked in %llu ms, set up in %llu ms; GET_INFO %llu ms, GETFAMILY %llu ms, team.ko %llu ms",
	       ls->size >> 20, self->ncpus,
	       (unsigned long long)(ls->acked - ls->sent) / 1000000,
	       (unsigned long long)setup / 1000000,
	       (unsigned long long)dt_info / 1000000,
	       (unsigned long long)dt_family / 1000000,
	       (unsigned long long)dt_load / 1000000);
	EXPECT_EQ(0, ls->ack);
	EXPECT_EQ(0, ls->err);
	EXPECT_LT(0ULL, setup);
	EXPECT_GT(1000000000ULL, ls->acked - ls->sent)
		TH_LOG("TRACE_START's doit held cb_lock for %llu ms",
		       (unsigned long long)(ls->acked - ls->sent) / 1000000);
	EXPECT_LT(0ULL, dt_info);
	EXPECT_GT(1000000000ULL, dt_info);
	EXPECT_LT(0ULL, dt_family);
	EXPECT_GT(1000000000ULL, dt_family);
	if (ko)
		syscall(SYS_delete_module, "team", O_NONBLOCK);
	large_start_end(ls);
}

/*
 * The setup of the largest rings that fit takes seconds in the guest: a
 * second start meanwhile is refused at once, from any socket.
 */
TEST_F(trace, a_second_start_during_the_setup_is_ebusy)
{
	struct nl_trace_out o, o2;
	int fd2 = nl_open();
	uint64_t t0;

	ASSERT_LE(0, fd2);
	start_req(&self->req, self->family, large_ring_size(self->ncpus));
	ASSERT_EQ(0, nl_trace_send(self->fd, &self->req, self->rep, &o));
	ASSERT_EQ(0, self->rep->err);
	t0 = nl_now_ns();
	start_req(&self->req, self->family, 1 << 16);
	EXPECT_EQ(-EBUSY, nl_trace_start(fd2, &self->req, self->rep, &o2));
	EXPECT_GT(1000000000ULL, nl_now_ns() - t0);
	EXPECT_STREQ("another trace session is running or being set up",
		     self->rep->extack);
	ASSERT_EQ(0, nl_trace_recv(self->fd, self->rep, &o, 1));
	EXPECT_EQ(0, o.err) TH_LOG("%s", o.why);
	EXPECT_EQ(large_ring_size(self->ncpus), o.size);
	close(fd2);
}

/* A start of the largest rings that fit, set up and stopped: its ns. */
static uint64_t large_setup_ns(FIXTURE_DATA(trace) *self)
{
	struct nl_trace_out o;
	uint64_t t0 = nl_now_ns(), dt;

	start_req(&self->req, self->family, large_ring_size(self->ncpus));
	if (nl_trace_start(self->fd, &self->req, self->rep, &o))
		return 0;
	dt = nl_now_ns() - t0;
	simple(self, LLKM_CMD_TRACE_STOP);
	return dt;
}

/*
 * TRACE_STOP during the setup cancels it: the requester hears
 * -ECANCELED, with why, and the next start goes. The allocation looks
 * at the cancel every 4 MiB: a stop a quarter into the setup has its
 * outcome within another quarter (before, once every ring was zeroed).
 */
TEST_F(trace, a_stop_during_the_setup_cancels_it)
{
	uint64_t whole = large_setup_ns(self), t0, dt;
	uint32_t me = getpid();
	struct nl_trace_out o;
	int fd2 = nl_open();

	ASSERT_LE(0, fd2);
	ASSERT_LT(0ULL, whole);
	start_req(&self->req, self->family, large_ring_size(self->ncpus));
	ASSERT_EQ(0, nl_trace_send(self->fd, &self->req, self->rep, &o));
	ASSERT_EQ(0, self->rep->err);
	usleep(whole / 4000);	/* the allocation is under way */
	/* From another socket: this one's TRACE_STARTED stays unread here. */
	nl_init(&self->req, self->family, LLKM_CMD_TRACE_STOP);
	t0 = nl_now_ns();
	ASSERT_EQ(0, nl_transact(fd2, &self->req, self->rep));
	EXPECT_EQ(0, self->rep->err);
	EXPECT_GT(1000000000ULL, nl_now_ns() - t0) TH_LOG("the stop waited for the setup");
	ASSERT_EQ(0, nl_trace_recv(self->fd, self->rep, &o, 1));
	dt = nl_now_ns() - t0;
	TH_LOG("a whole setup %llu ms; cancelled, the outcome came %llu ms after the stop",
	       (unsigned long long)whole / 1000000,
	       (unsigned long long)dt / 1000000);
	if (o.err == 0) {
		TH_LOG("the setup was over before the stop came: nothing to cancel");
	} else {
		EXPECT_EQ(-ECANCELED, o.err);
		EXPECT_STREQ("stopped while it was being set up (TRACE_STOP)", o.why);
		EXPECT_GT(whole / 4, dt) TH_LOG("the cancel waited for the allocation");
	}
	EXPECT_EQ(-ENOENT, simple(self, LLKM_CMD_TRACE_STOP));
	EXPECT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0));
	close(fd2);
}

/*
 * The rings are zeroed with no CPU hotplug lock held: a CPU goes offline
 * during a large setup without waiting for it. Before, the offline
 * waited for the whole allocation (cpus_read_lock() across it), so it
 * ended at least an idle offline's time after the lock was let go, just
 * before the setup's reply. The offline begins once the rings' first
 * pages are taken and must end half an idle offline before the setup
 * does (the allocation on the other CPU may slow it down, and no fixed
 * fraction of the setup holds on every machine); a setup too short
 * against this machine's own offline time tells nothing (SKIP).
 */
TEST_F_TIMEOUT(trace, a_cpu_goes_offline_during_a_large_setup, 180)
{
	uint64_t t0, off, base, left, whole, setup;
	struct large_start *ls;

	if (self->ncpus < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	pin_to(0);
	whole = large_setup_ns(self);
	ASSERT_LT(0ULL, whole);
	t0 = nl_now_ns();
	ASSERT_EQ(0, set_online(1, 0));
	base = nl_now_ns() - t0;
	ASSERT_EQ(0, set_online(1, 1));
	ls = large_start_fork(self);
	ASSERT_NE(NULL, ls);
	large_start_allocating(ls, whole);
	t0 = nl_now_ns();
	EXPECT_EQ(0, set_online(1, 0));
	off = nl_now_ns() - t0;
	EXPECT_TRUE(large_start_done(ls, 120000000000ULL));
	left = ls->done > t0 ? ls->done - t0 : 0;
	setup = ls->done - ls->sent;
	EXPECT_EQ(0, ls->ack);
	EXPECT_EQ(0, ls->err);
	EXPECT_EQ(0, set_online(1, 1));
	large_start_end(ls);
	TH_LOG("set up in %llu ms; CPU 1 offline in %llu ms (%llu ms idle), %llu ms of the setup left when it began",
	       (unsigned long long)setup / 1000000,
	       (unsigned long long)off / 1000000,
	       (unsigned long long)base / 1000000,
	       (unsigned long long)left / 1000000);
	if (left < 3 * base)
		SKIP(return, "the setup is too short against an offline here");
	EXPECT_GT(left, off + base / 2)
		TH_LOG("the offline waited for the allocation");
}

/*
 * Closing the requesting socket during the setup cancels it, and the
 * close returns once the work is done with it: a start can follow at once.
 */
TEST_F(trace, closing_the_socket_during_the_setup_cancels_it)
{
	uint32_t me = getpid();
	struct nl_trace_out o;
	uint64_t t0, dt;

	start_req(&self->req, self->family, large_ring_size(self->ncpus));
	ASSERT_EQ(0, nl_trace_send(self->fd, &self->req, self->rep, &o));
	ASSERT_EQ(0, self->rep->err);
	t0 = nl_now_ns();
	close(self->fd);
	dt = nl_now_ns() - t0;
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, start(self, 1 << 16, LLKM_RING_MODE_DISCARD, &me, 1, 0))
		TH_LOG("%s", self->rep->extack);
	EXPECT_GT(60000000000ULL, dt);
	TH_LOG("the close took %llu ms", (unsigned long long)dt / 1000000);
}

/*
 * rmmod during the setup: the requester hears -ESHUTDOWN before the
 * family goes, and the module unloads cleanly.
 */
TEST_F_TIMEOUT(trace, rmmod_during_the_setup_is_clean, 120)
{
	struct nl_trace_out o;

	if (!self->loaded_here)
		SKIP(return, "llkm was loaded by someone else: not unloading it");
	close(self->dev);
	self->dev = -1;
	start_req(&self->req, self->family, large_ring_size(self->ncpus));
	ASSERT_EQ(0, nl_trace_send(self->fd, &self->req, self->rep, &o));
	ASSERT_EQ(0, self->rep->err);
	ASSERT_EQ(0, llkm_unload());
	EXPECT_FALSE(llkm_loaded());
	ASSERT_EQ(0, nl_trace_recv(self->fd, self->rep, &o, 1));
	if (o.err == 0) {
		TH_LOG("the setup was over before rmmod came: nothing to cancel");
	} else {
		EXPECT_EQ(-ESHUTDOWN, o.err);
		EXPECT_STREQ("llkm is being unloaded", o.why);
	}
	ASSERT_EQ(0, llkm_load(NULL));
}

TEST_HARNESS_MAIN
