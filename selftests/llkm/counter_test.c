// SPDX-License-Identifier: GPL-2.0
/*
 * llkm counters: perf events opened through the kernel API, owned by the
 * netlink socket that opened them. They count what perf would, follow
 * forks, group, sample into the session's rings, refuse what perf would
 * refuse, and leave nothing open after an error, a socket close or rmmod.
 */
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/capability.h>
#include <linux/perf_event.h>

#include "kselftest_harness.h"
#include "helpers.h"

FIXTURE(ctr) {
	LLKM_NL_FIXTURE;
	struct nl_req req;
};

FIXTURE_SETUP(ctr)
{
	LLKM_NL_FIXTURE_SETUP();
}

FIXTURE_TEARDOWN(ctr)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

static int ctr_cmd(int fd, int family, struct nl_reply *rep, uint8_t cmd,
		   uint32_t id)
{
	struct nl_req req;
	struct nlattr *nest;

	nl_init(&req, family, cmd);
	if (id) {
		nest = nl_nest(&req, LLKM_A_COUNTER);
		nl_put_u32(&req, LLKM_CTR_A_ID, id);
		nl_nest_end(&req, nest);
	}
	if (nl_transact(fd, &req, rep))
		return -1000;
	return rep->err;
}

struct val {
	uint32_t id, state;
	uint64_t value, enabled, running, samples, lost;
};

/* COUNTER_READ: how many values (a group leader's members too), or -errno. */
static int ctr_read(int fd, int family, struct nl_reply *rep, uint32_t id,
		    struct val *v, int max)
{
	const struct nlattr *a, *ct[NL_MAXATTR + 1];
	int ret, len, n = 0;

	ret = ctr_cmd(fd, family, rep, LLKM_CMD_COUNTER_READ, id);
	if (ret)
		return ret;
	len = rep->len - NLMSG_HDRLEN - GENL_HDRLEN;
	nl_for_each_attr(a, rep->buf + NLMSG_HDRLEN + GENL_HDRLEN, len) {
		if ((a->nla_type & NLA_TYPE_MASK) == LLKM_A_COUNTER && n < max) {
			nl_attrs(nla_data_of(a), nla_len_of(a), ct);
			if (!ct[LLKM_CTR_A_ID] || !ct[LLKM_CTR_A_VALUE] ||
			    !ct[LLKM_CTR_A_ENABLED] || !ct[LLKM_CTR_A_RUNNING] ||
			    !ct[LLKM_CTR_A_STATE] || !ct[LLKM_CTR_A_SAMPLES] ||
			    !ct[LLKM_CTR_A_SAMPLES_LOST])
				return -1001;
			v[n].id = nla_u32_of(ct[LLKM_CTR_A_ID]);
			v[n].state = nla_u32_of(ct[LLKM_CTR_A_STATE]);
			v[n].value = nla_u64_of(ct[LLKM_CTR_A_VALUE]);
			v[n].enabled = nla_u64_of(ct[LLKM_CTR_A_ENABLED]);
			v[n].running = nla_u64_of(ct[LLKM_CTR_A_RUNNING]);
			v[n].samples = nla_u64_of(ct[LLKM_CTR_A_SAMPLES]);
			v[n].lost = nla_u64_of(ct[LLKM_CTR_A_SAMPLES_LOST]);
			n++;
		}
	}
	return n;
}

/* Counters open in the whole module, from GET_INFO; -1 on failure. */
static int counters_open(int fd, int family, struct nl_reply *rep)
{
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_req req;

	nl_init(&req, family, LLKM_CMD_GET_INFO);
	if (nl_transact(fd, &req, rep) || rep->err)
		return -1;
	nl_reply_attrs(rep, tb);
	return tb[LLKM_A_COUNTERS_OPEN] ? (int)nla_u32_of(tb[LLKM_A_COUNTERS_OPEN]) : -1;
}

#define OPEN(s)		nl_ctr_open(self->fd, self->family, self->rep, (s))
#define READ(id, v, n)	ctr_read(self->fd, self->family, self->rep, (id), (v), (n))
#define CMD(c, id)	ctr_cmd(self->fd, self->family, self->rep, (c), (id))
#define NOPEN()		counters_open(self->fd, self->family, self->rep)

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Spins in user mode for @ms of this thread's CPU time, not wall time: a
 * busy host may leave the guest's CPU idle for a while, and task-clock
 * counts only what ran. The clock is read rarely: without a TSC
 * clocksource (an emulator) clock_gettime() is a real syscall.
 */
static void burn_ms(int ms)
{
	uint64_t end = thread_cpu_ns() + ms * 1000000ULL;
	volatile uint64_t x = 0;
	int i;

	do {
		for (i = 0; i < 200000; i++)
			x++;
	} while (thread_cpu_ns() < end);
}

static int gettid_(void)
{
	return syscall(SYS_gettid);
}

TEST_F(ctr, task_clock_counts_this_thread)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK,
				      .pid = gettid_(), .cpu = -1 };
	struct val v[2];
	int id;

	id = OPEN(&s);
	ASSERT_LT(0, id) TH_LOG("open: %d %s", id, self->rep->extack);
	burn_ms(50);
	ASSERT_EQ(1, READ(id, v, 2));
	EXPECT_EQ((uint32_t)id, v[0].id);
	/* task-clock counts ns on the CPU: at least most of the 50 ms. */
	EXPECT_LT(30000000ULL, v[0].value) TH_LOG("task-clock %llu",
						  (unsigned long long)v[0].value);
	EXPECT_LE(v[0].running, v[0].enabled);
	EXPECT_LT(0ULL, v[0].running);
	EXPECT_EQ(LLKM_CTR_STATE_ACTIVE, v[0].state);
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, id));
	EXPECT_EQ(-ENOENT, READ(id, v, 2));
}

TEST_F(ctr, disable_stops_and_enable_resumes_counting)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK,
				      .pid = gettid_(), .cpu = -1, .group = 0,
				      .flags = LLKM_CTR_F_DISABLED };
	struct val a, b;
	int id = OPEN(&s);

	ASSERT_LT(0, id);
	burn_ms(20);
	ASSERT_EQ(1, READ(id, &a, 1));
	EXPECT_EQ(0ULL, a.value);
	EXPECT_EQ(LLKM_CTR_STATE_OFF, a.state);
	ASSERT_EQ(0, CMD(LLKM_CMD_COUNTER_ENABLE, id));
	burn_ms(20);
	ASSERT_EQ(0, CMD(LLKM_CMD_COUNTER_DISABLE, id));
	ASSERT_EQ(1, READ(id, &a, 1));
	EXPECT_LT(10000000ULL, a.value);
	burn_ms(20);
	ASSERT_EQ(1, READ(id, &b, 1));
	EXPECT_EQ(a.value, b.value);
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, id));
}

/* The child waits on @go before faulting pages in a grandchild. */
static pid_t forking_child(int go[2], int pages)
{
	pid_t pid = fork();
	char c;

	if (pid)
		return pid;
	close(go[1]);
	if (read(go[0], &c, 1) != 1)
		_exit(1);
	pid = fork();
	if (pid == 0) {
		char *p = mmap(NULL, pages * 4096L, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int i;

		if (p == MAP_FAILED)
			_exit(1);
		/* One fault per page: no transparent huge page. */
		madvise(p, pages * 4096L, MADV_NOHUGEPAGE);
		for (i = 0; i < pages; i++)
			p[i * 4096L] = 1;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	_exit(0);
}

TEST_F(ctr, inherited_counter_counts_children_after_they_exit)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_PAGE_FAULTS,
				      .pid = 0, .cpu = -1, .group = 0,
				      .flags = LLKM_CTR_F_INHERIT };
	int go[2], status, id;
	struct val v;
	pid_t child;

	ASSERT_EQ(0, pipe(go));
	child = forking_child(go, 2000);
	ASSERT_LT(0, child);
	close(go[0]);
	s.pid = child;
	id = OPEN(&s);
	ASSERT_LT(0, id) TH_LOG("open: %d %s", id, self->rep->extack);
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(1, READ(id, &v, 1));
	/* The grandchild's 2000 faults, through two forks and two exits. */
	EXPECT_LE(2000ULL, v.value) TH_LOG("page faults %llu",
					   (unsigned long long)v.value);
	EXPECT_GT(2400ULL, v.value);
	EXPECT_EQ(LLKM_CTR_STATE_EXIT, v.state);
	close(go[1]);
}

TEST_F(ctr, per_cpu_counter_counts_everything_on_that_cpu)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_CONTEXT_SWITCHES,
				      .pid = 0, .cpu = 0 };
	cpu_set_t set, old;
	struct val v;
	int id, i;

	id = OPEN(&s);
	ASSERT_LT(0, id) TH_LOG("open: %d %s", id, self->rep->extack);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(old), &old));
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	for (i = 0; i < 100; i++)
		usleep(100);
	sched_setaffinity(0, sizeof(old), &old);
	ASSERT_EQ(1, READ(id, &v, 1));
	EXPECT_LE(100ULL, v.value);
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, id));
}

TEST_F(ctr, group_reads_leader_first_and_closes_together)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK,
				      .pid = gettid_(), .cpu = -1, .group = 0,
				      .flags = LLKM_CTR_F_DISABLED };
	int base = NOPEN(), lead, m1, m2;
	struct val v[4];

	ASSERT_LE(0, base);
	lead = OPEN(&s);
	ASSERT_LT(0, lead);
	s.group = lead;
	s.config = PERF_COUNT_SW_CPU_CLOCK;
	m1 = OPEN(&s);
	ASSERT_LT(0, m1) TH_LOG("open: %d %s", m1, self->rep->extack);
	s.config = PERF_COUNT_SW_PAGE_FAULTS;
	m2 = OPEN(&s);
	ASSERT_LT(0, m2);
	EXPECT_EQ(base + 3, NOPEN());
	/* A group counts one pid/cpu; a member cannot lead. */
	s.cpu = 0;
	EXPECT_EQ(-EINVAL, OPEN(&s));
	s.cpu = -1;
	s.group = m1;
	EXPECT_EQ(-ENOENT, OPEN(&s));

	ASSERT_EQ(0, CMD(LLKM_CMD_COUNTER_ENABLE, lead));
	burn_ms(30);
	ASSERT_EQ(0, CMD(LLKM_CMD_COUNTER_DISABLE, lead));
	ASSERT_EQ(3, READ(lead, v, 4));
	EXPECT_EQ((uint32_t)lead, v[0].id);
	EXPECT_EQ((uint32_t)m1, v[1].id);
	EXPECT_EQ((uint32_t)m2, v[2].id);
	EXPECT_LT(20000000ULL, v[0].value);
	EXPECT_LT(20000000ULL, v[1].value);
	EXPECT_EQ(LLKM_CTR_STATE_OFF, v[1].state);
	/* A member reads alone. */
	EXPECT_EQ(1, READ(m2, v, 4));
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, lead));
	EXPECT_EQ(base, NOPEN());
	EXPECT_EQ(-ENOENT, READ(m1, v, 4));
}

/* The portid the kernel gave this fixture's socket. */
static uint32_t portid_of(int fd)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	return getsockname(fd, (struct sockaddr *)&sa, &len) ? 0 : sa.nl_pid;
}

TEST_F(ctr, ioctl_read_gives_what_genl_read_gives)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
			      .config = PERF_COUNT_SW_PAGE_FAULTS,
			      .pid = gettid_(), .cpu = -1,
			      .flags = LLKM_CTR_F_DISABLED };
	struct llkm_counter_value cv[4];
	struct llkm_ioc_counter_read r;
	int lead, m1, dev;
	struct val v[4];

	lead = OPEN(&s);
	ASSERT_LT(0, lead);
	s.group = lead;
	m1 = OPEN(&s);
	ASSERT_LT(0, m1);
	ASSERT_EQ(0, CMD(LLKM_CMD_COUNTER_ENABLE, lead));
	ASSERT_EQ(0, CMD(LLKM_CMD_COUNTER_DISABLE, lead));
	ASSERT_EQ(2, READ(lead, v, 4));
	dev = open(LLKM_DEV, O_RDONLY);
	ASSERT_LE(0, dev);
	memset(cv, 0xa5, sizeof(cv));
	r = (struct llkm_ioc_counter_read){ .portid = portid_of(self->fd),
		.id = lead, .n = 4, .values = (uintptr_t)cv };
	ASSERT_EQ(0, ioctl(dev, LLKM_IOC_COUNTER_READ, &r)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(2u, r.n);
	EXPECT_EQ((uint32_t)lead, cv[0].id);
	EXPECT_EQ((uint32_t)m1, cv[1].id);
	EXPECT_EQ(v[0].value, cv[0].value);
	EXPECT_EQ(v[1].value, cv[1].value);
	EXPECT_EQ(v[0].enabled, cv[0].enabled);
	EXPECT_EQ(LLKM_CTR_STATE_OFF, cv[0].state);
	/* Too little room: -ENOSPC and how much is needed. */
	r.n = 1;
	EXPECT_EQ(-1, ioctl(dev, LLKM_IOC_COUNTER_READ, &r));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(2u, r.n);
	/* Another socket's id, a reserved field, a bad pointer. */
	r = (struct llkm_ioc_counter_read){ .portid = portid_of(self->fd) + 1,
		.id = lead, .n = 4, .values = (uintptr_t)cv };
	EXPECT_EQ(-1, ioctl(dev, LLKM_IOC_COUNTER_READ, &r));
	EXPECT_EQ(ENOENT, errno);
	r.portid = portid_of(self->fd);
	r.pad = 1;
	EXPECT_EQ(-1, ioctl(dev, LLKM_IOC_COUNTER_READ, &r));
	EXPECT_EQ(EINVAL, errno);
	r.pad = 0;
	r.values = 8;
	EXPECT_EQ(-1, ioctl(dev, LLKM_IOC_COUNTER_READ, &r));
	EXPECT_EQ(EFAULT, errno);
	close(dev);
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, lead));
}

/* Whatever fails, nothing stays open in the kernel. */
TEST_F(ctr, refused_opens_leave_nothing_open)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK,
				      .pid = gettid_(), .cpu = -1 };
	int base = NOPEN(), ret;

	ASSERT_LE(0, base);
	s.pid = 0x3ffffe;		/* no such pid */
	EXPECT_EQ(-ESRCH, OPEN(&s));
	s.pid = gettid_();
	s.type = 0x7fff;		/* no such PMU */
	EXPECT_EQ(-ENOENT, OPEN(&s));
	s.type = PERF_TYPE_SOFTWARE;
	s.config = 0xffff;		/* no such software event */
	EXPECT_EQ(-ENOENT, OPEN(&s));
	s.config = PERF_COUNT_SW_TASK_CLOCK;
	s.group = 0x7ffffff;		/* no such leader */
	EXPECT_EQ(-ENOENT, OPEN(&s));
	s.group = 0;
	s.period = 1000;		/* sampling without a session */
	EXPECT_EQ(-ENOENT, OPEN(&s));
	EXPECT_NE(NULL, strstr(self->rep->extack, "session"));
	s.period = 0;
	s.type = PERF_TYPE_HARDWARE;
	s.config = PERF_COUNT_HW_CPU_CYCLES;
	ret = OPEN(&s);
	if (!have_hw_pmu()) {
		EXPECT_EQ(-ENOENT, ret) TH_LOG("no hardware PMU, yet cycles: %d", ret);
	} else if (ret > 0) {
		CMD(LLKM_CMD_COUNTER_CLOSE, ret);
	}
	EXPECT_EQ(base, NOPEN());
}

/* One attribute of a hand-made request: a u32, or with @wide a u64. */
struct raw_attr {
	uint16_t type;
	int wide;
	uint64_t v;
};

/* @cmd with @a[@n] nested in LLKM_A_COUNTER: the kernel's errno. */
static int raw_counter(int fd, int family, struct nl_reply *rep, uint8_t cmd,
		       const struct raw_attr *a, int n)
{
	struct nlattr *nest;
	struct nl_req req;
	int i;

	nl_init(&req, family, cmd);
	nest = nl_nest(&req, LLKM_A_COUNTER);
	for (i = 0; i < n; i++) {
		if (a[i].wide)
			nl_put_u64(&req, a[i].type, a[i].v);
		else
			nl_put_u32(&req, a[i].type, a[i].v);
	}
	nl_nest_end(&req, nest);
	if (nl_transact(fd, &req, rep))
		return -1000;
	return rep->err;
}

TEST_F(ctr, open_validates_every_attribute)
{
#define SW	{ LLKM_CTR_A_TYPE, 0, PERF_TYPE_SOFTWARE }
#define CPU0	{ LLKM_CTR_A_CPU, 0, 0 }
	const struct {
		const char *why;
		uint8_t cmd;
		int err, n;
		struct raw_attr a[3];
	} c[] = {
		{ "an id on OPEN", LLKM_CMD_COUNTER_OPEN, -EINVAL, 3,
		  { SW, CPU0, { LLKM_CTR_A_ID, 0, 1 } } },
		{ "a reply attribute", LLKM_CMD_COUNTER_OPEN, -EINVAL, 3,
		  { SW, CPU0, { LLKM_CTR_A_VALUE, 1, 1 } } },
		{ "a CPU out of range", LLKM_CMD_COUNTER_OPEN, -ERANGE, 2,
		  { SW, { LLKM_CTR_A_CPU, 0, 1u << 20 } } },
		{ "no type", LLKM_CMD_COUNTER_OPEN, -EINVAL, 1, { CPU0 } },
		{ "a CPU on READ: commands on an id take nothing else",
		  LLKM_CMD_COUNTER_READ, -EINVAL, 2,
		  { { LLKM_CTR_A_ID, 0, 1 }, CPU0 } },
	};
#undef SW
#undef CPU0
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE, .config = 0,
			      .pid = 0, .cpu = -1 };
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *why = c[i].why;
		int ret = raw_counter(self->fd, self->family, self->rep,
				      c[i].cmd, c[i].a, c[i].n);

		EXPECT_EQ(c[i].err, ret) TH_LOG("%s", why);
	}

	/* Neither pid nor cpu; unknown flag; frequency too high or none. */
	EXPECT_EQ(-EINVAL, OPEN(&s));
	s.cpu = 0;
	s.flags = 1u << 31;
	EXPECT_EQ(-EINVAL, OPEN(&s));
	s.flags = LLKM_CTR_F_FREQ;
	s.period = LLKM_SAMPLE_FREQ_MAX + 1;
	EXPECT_EQ(-ERANGE, OPEN(&s));
	s.period = 0;
	EXPECT_EQ(-EINVAL, OPEN(&s));	/* FREQ without a period */
	EXPECT_EQ(-EINVAL, CMD(LLKM_CMD_COUNTER_READ, 0));
}

TEST_F(ctr, counters_belong_to_their_socket_and_close_with_it)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_CPU_CLOCK, .pid = 0,
				      .cpu = 0 };
	int base = NOPEN(), other, id, i;
	struct val v;

	ASSERT_LE(0, base);
	other = nl_open();
	ASSERT_LE(0, other);
	for (i = 0; i < 3; i++) {
		s.cpu = i % sysconf(_SC_NPROCESSORS_ONLN);
		id = nl_ctr_open(other, self->family, self->rep, &s);
		ASSERT_LT(0, id);
	}
	EXPECT_EQ(base + 3, NOPEN());
	/* Another socket does not see them. */
	EXPECT_EQ(-ENOENT, READ(id, &v, 1));
	EXPECT_EQ(-ENOENT, CMD(LLKM_CMD_COUNTER_CLOSE, id));
	EXPECT_EQ(-ENOENT, CMD(LLKM_CMD_COUNTER_DISABLE, id));
	close(other);
	EXPECT_EQ(base, NOPEN());
}

TEST_F(ctr, close_without_id_closes_all_of_the_socket)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK,
				      .pid = gettid_(), .cpu = -1 };
	int base = NOPEN(), lead;

	lead = OPEN(&s);
	ASSERT_LT(0, lead);
	s.group = lead;
	ASSERT_LT(0, OPEN(&s));
	s.group = 0;
	ASSERT_LT(0, OPEN(&s));
	EXPECT_EQ(base + 3, NOPEN());
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, 0));
	EXPECT_EQ(base, NOPEN());
}

/* TRACE_START with no event: rings for samples. 0 and *@size, or -errno. */
static int trace_start_rings(int fd, int family, struct nl_reply *rep,
			     uint32_t *size)
{
	struct nl_trace_out o;
	struct nl_req req;
	int ret;

	nl_trace_req(&req, family, 0, 0, NULL);
	ret = nl_trace_start(fd, &req, rep, &o);
	if (!ret)
		*size = o.size;
	return ret;
}

/* The records of type @type and counter @id in every CPU's ring. */
static long ring_count(int dev, uint32_t size, int ncpu, uint32_t id,
		       int tgid, long *user)
{
	size_t stride = LLKM_RING_PAGES(size) * (size_t)LLKM_RING_PAGE;
	long n = 0;
	int cpu;

	*user = 0;
	for (cpu = 0; cpu < ncpu; cpu++) {
		const struct llkm_ring_producer *prod;
		const char *data;
		uint64_t pos, end;
		void *m;

		m = mmap(NULL, stride - LLKM_RING_PAGE, PROT_READ, MAP_SHARED,
			 dev, cpu * stride + LLKM_RING_PAGE);
		if (m == MAP_FAILED)
			return -1;
		prod = m;
		data = (const char *)m + LLKM_RING_PAGE;
		end = prod->producer_pos;
		for (pos = 0; pos < end && end - pos <= size;) {
			const struct llkm_rec *r = (const void *)(data + (pos & (size - 1)));
			const struct llkm_rec_sample *s = (const void *)(r + 1);

			if (r->size < sizeof(*r))
				break;
			if (r->type == LLKM_REC_SAMPLE && s->id == id &&
			    (int)r->pid == tgid) {
				n++;
				*user += !!(s->flags & LLKM_SAMPLE_USER);
			}
			pos += r->size;
		}
		munmap(m, stride - LLKM_RING_PAGE);
	}
	return n;
}

TEST_F(ctr, sampling_writes_samples_into_the_session_rings)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK,
				      .pid = gettid_(), .cpu = -1, .group = 0,
				      .flags = LLKM_CTR_F_FREQ | LLKM_CTR_F_CALLCHAIN,
				      .period = 1000 };
	int ncpu = sysconf(_SC_NPROCESSORS_CONF), dev, id;
	long in_rings, user;
	uint32_t size;
	struct val v;

	ASSERT_EQ(0, trace_start_rings(self->fd, self->family, self->rep, &size))
		TH_LOG("%s", self->rep->extack);
	id = OPEN(&s);
	ASSERT_LT(0, id) TH_LOG("open: %d %s", id, self->rep->extack);
	burn_ms(300);
	ASSERT_EQ(0, CMD(LLKM_CMD_COUNTER_DISABLE, id));
	ASSERT_EQ(1, READ(id, &v, 1));
	/*
	 * At most a sample a ms of the task-clock the counter itself counted
	 * (the hrtimer's period; a late expiry is forwarded, never doubled),
	 * and at least a tenth of that: TCG delivers timers late on a loaded
	 * host (76 of 300 seen in the arm64 guest under -icount).
	 */
	EXPECT_LE(200000000ULL, v.value) TH_LOG("%llu ns of task-clock",
						(unsigned long long)v.value);
	EXPECT_LE(v.samples, v.value / 1000000 + 2)
		TH_LOG("%llu samples over %llu ns of task-clock",
		       (unsigned long long)v.samples, (unsigned long long)v.value);
	EXPECT_LE(v.value / 1000000 / 10, v.samples)
		TH_LOG("%llu samples over %llu ns of task-clock",
		       (unsigned long long)v.samples, (unsigned long long)v.value);
	EXPECT_EQ(0ULL, v.lost);
	dev = open(LLKM_DEV, O_RDONLY);
	ASSERT_LE(0, dev);
	in_rings = ring_count(dev, size, ncpu, id, getpid(), &user);
	close(dev);
	/* Every sample the handler counted is in a ring, and they are ours. */
	EXPECT_EQ((long)v.samples, in_rings);
	EXPECT_LT(in_rings / 2, user);
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, id));
	EXPECT_EQ(0, ctr_cmd(self->fd, self->family, self->rep,
			     LLKM_CMD_TRACE_STOP, 0));
}

/* producer_pos summed over every CPU's ring: bytes published. */
static long long published(int dev, uint32_t size, int ncpu)
{
	size_t stride = LLKM_RING_PAGES(size) * (size_t)LLKM_RING_PAGE;
	long long sum = 0;
	int cpu;

	for (cpu = 0; cpu < ncpu; cpu++) {
		const struct llkm_ring_producer *prod;

		prod = mmap(NULL, LLKM_RING_PAGE, PROT_READ, MAP_SHARED, dev,
			    cpu * stride + LLKM_RING_PAGE);
		if (prod == MAP_FAILED)
			return -1;
		sum += __atomic_load_n(&prod->producer_pos, __ATOMIC_ACQUIRE);
		munmap((void *)prod, LLKM_RING_PAGE);
	}
	return sum;
}

/* A stopped session's rings take no more samples; the counter counts on. */
TEST_F(ctr, sampling_stops_writing_when_the_session_stops)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK,
				      .pid = gettid_(), .cpu = -1, .group = 0,
				      .flags = LLKM_CTR_F_FREQ, .period = 1000 };
	int ncpu = sysconf(_SC_NPROCESSORS_CONF), dev, id;
	long long at_stop, later;
	struct val v0, v1;
	uint32_t size;

	ASSERT_EQ(0, trace_start_rings(self->fd, self->family, self->rep, &size))
		TH_LOG("%s", self->rep->extack);
	id = OPEN(&s);
	ASSERT_LT(0, id) TH_LOG("open: %d %s", id, self->rep->extack);
	burn_ms(100);
	ASSERT_EQ(0, ctr_cmd(self->fd, self->family, self->rep,
			     LLKM_CMD_TRACE_STOP, 0));
	dev = open(LLKM_DEV, O_RDONLY);
	ASSERT_LE(0, dev);
	at_stop = published(dev, size, ncpu);
	ASSERT_LT(0, at_stop);
	ASSERT_EQ(1, READ(id, &v0, 1));
	burn_ms(300);
	later = published(dev, size, ncpu);
	ASSERT_EQ(1, READ(id, &v1, 1));
	close(dev);
	EXPECT_EQ(at_stop, later) TH_LOG("%lld bytes written after the stop",
					 later - at_stop);
	EXPECT_EQ(v0.samples, v1.samples);
	EXPECT_LT(v0.value, v1.value);
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, id));
}

TEST_F(ctr, msr_pmu_counts_through_the_same_path)
{
	struct nl_ctr_spec s = { .type = 0, .config = 0, .pid = 0, .cpu = 0 };
	char buf[64];
	struct val v;
	int id;

	if (read_line("/sys/bus/event_source/devices/msr/type", buf, sizeof(buf)))
		SKIP(return, "no msr PMU on this machine");
	s.type = atoi(buf);
	/* msr/tsc/ is event=0x00 */
	id = OPEN(&s);
	ASSERT_LT(0, id) TH_LOG("open msr/tsc/: %d %s", id, self->rep->extack);
	burn_ms(20);
	ASSERT_EQ(1, READ(id, &v, 1));
	EXPECT_LT(0ULL, v.value);
	EXPECT_EQ(0, CMD(LLKM_CMD_COUNTER_CLOSE, id));
}

static int drop_caps_and_open(int family)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK, .pid = 0,
				      .cpu = 0 };
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	int fd;

	if (!rep || drop_all_caps())
		return 100;
	fd = nl_open();
	if (fd < 0)
		return 101;
	s.pid = getpid();
	return nl_ctr_open(fd, family, rep, &s) == -EPERM ? 0 : 102;
}

TEST_F(ctr, opening_needs_cap_perfmon)
{
	EXPECT_EQ(0, run_in_child(drop_caps_and_open, self->family));
}

/* rmmod with counting and sampling counters open: all released. */
TEST(rmmod_with_counters_open)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				      .config = PERF_COUNT_SW_TASK_CLOCK, .pid = 0,
				      .cpu = -1, .group = 0,
				      .flags = LLKM_CTR_F_FREQ, .period = 2000 };
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	int was_loaded = llkm_loaded(), fd, family, i;
	uint32_t size;
	pid_t child;

	if (geteuid() != 0 || !llkm_ko_path())
		SKIP(return, "needs root and llkm.ko");
	ASSERT_NE(NULL, rep);
	if (!was_loaded)
		ASSERT_EQ(0, llkm_load(NULL));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		for (;;)
			burn_ms(10);
	}
	fd = nl_open();
	family = nl_family(fd, LLKM_GENL_NAME);
	ASSERT_LT(0, family);
	ASSERT_EQ(0, trace_start_rings(fd, family, rep, &size));
	s.pid = child;
	ASSERT_LT(0, nl_ctr_open(fd, family, rep, &s));
	s.period = 0;
	s.flags = LLKM_CTR_F_INHERIT;
	for (i = 0; i < 8; i++)
		ASSERT_LT(0, nl_ctr_open(fd, family, rep, &s));
	usleep(50000);
	/* The socket holds no module reference: rmmod goes through. */
	EXPECT_EQ(0, llkm_unload());
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(fd);
	free(rep);
	if (was_loaded)
		ASSERT_EQ(0, llkm_load(NULL));
}

TEST_HARNESS_MAIN
