// SPDX-License-Identifier: GPL-2.0
/*
 * Who may do what with llkm, and what it shows them: the claims of
 * docs/security.md, one test each. Every check that needs other
 * credentials runs in a child that takes exactly them (a uid and a
 * capability set) before it opens anything, as netlink judges a request
 * by the capabilities of the socket's opener and of its sender.
 */
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/perf_event.h>

#include "kselftest_harness.h"
#include "helpers.h"

#define NOBODY		65534
#define CAP(c)		(1ULL << (c))
/* x86-64: every kernel address is in the upper half. */
#define KERNEL_HALF	0xffff800000000000ULL

/* ---- credentials ---------------------------------------------------- */

static uint64_t all_caps(void)
{
	char buf[16];
	int last;

	if (read_line("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)))
		return 0;
	last = atoi(buf);
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/*
 * Becomes @uid (0: stays root) with exactly the capabilities @caps, or
 * root of a new user namespace (@userns: every capability there, none
 * in the initial one). 0 or -1.
 */
static int become(uid_t uid, uint64_t caps, int userns)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (userns)
		return unshare(CLONE_NEWUSER);
	if (uid && (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) ||
		    setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
		return -1;
	d[0].effective = d[0].permitted = (uint32_t)caps;
	d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

struct creds {
	uid_t uid;
	uint64_t caps;
	int userns;
};

/*
 * Runs @fn in a child with @c: its exit code, 0 when every claim held
 * there, else the number of the first that did not; -1 if it died.
 */
static int in_child(const struct creds *c, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(become(c->uid, c->caps, c->userns) ? 99 : fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ---- requests ------------------------------------------------------- */

/* A valid request of @cmd: refused, it is refused for privilege alone. */
static void request(struct nl_req *r, int family, uint8_t cmd, uint32_t id)
{
	uint32_t pid = getpid(), cpu = 0;
	struct nlattr *nest;

	nl_init(r, family, cmd);
	switch (cmd) {
	case LLKM_CMD_SET_DEFAULTS:
		nest = nl_nest(r, LLKM_A_RING);
		nl_put_u32(r, LLKM_RING_A_SIZE, 8192);
		nl_nest_end(r, nest);
		break;
	case LLKM_CMD_TRACE_START:
		nest = nl_nest(r, LLKM_A_TRACE);
		nl_put_u32(r, LLKM_TRACE_A_EVENTS, LLKM_TRACE_EV_SYSCALLS);
		nl_put(r, LLKM_TRACE_A_PIDS, &pid, sizeof(pid));
		nl_nest_end(r, nest);
		break;
	case LLKM_CMD_COUNTER_OPEN:
		nest = nl_nest(r, LLKM_A_COUNTER);
		nl_put_u32(r, LLKM_CTR_A_TYPE, PERF_TYPE_SOFTWARE);
		nl_put_u64(r, LLKM_CTR_A_CONFIG, PERF_COUNT_SW_TASK_CLOCK);
		nl_put_u32(r, LLKM_CTR_A_PID, id ? id : pid);
		nl_nest_end(r, nest);
		break;
	case LLKM_CMD_COUNTER_ENABLE:
	case LLKM_CMD_COUNTER_DISABLE:
	case LLKM_CMD_COUNTER_READ:
	case LLKM_CMD_COUNTER_CLOSE:
		nest = nl_nest(r, LLKM_A_COUNTER);
		nl_put_u32(r, LLKM_CTR_A_ID, id ? id : 1);
		nl_nest_end(r, nest);
		break;
	case LLKM_CMD_PROBE_RUN:
		nest = nl_nest(r, LLKM_A_PROBE);
		nl_put_u32(r, LLKM_PROBE_A_KIND, LLKM_PROBE_FENCE);
		nl_put_u32(r, LLKM_PROBE_A_OP, LLKM_FENCE_EMPTY);
		nl_put(r, LLKM_PROBE_A_CPUS, &cpu, sizeof(cpu));
		nl_put_u64(r, LLKM_PROBE_A_ITERATIONS, 1000);
		nl_put_u32(r, LLKM_PROBE_A_BATCHES, 1);
		nl_nest_end(r, nest);
		break;
	case LLKM_CMD_PROBE_GET:
	case LLKM_CMD_PROBE_STOP:
		nl_probe_id_req(r, family, cmd, id ? id : 1);
		break;
	}
}

/* Sends request(@cmd, @id) on @fd: the kernel's verdict, 0 or -errno. */
static int ask(int fd, int family, uint8_t cmd, uint32_t id,
	       struct nl_reply *rep)
{
	struct nl_trace_out o;
	struct nl_req r;

	request(&r, family, cmd, id);
	/* An accepted start is set up after its ack: its outcome is the verdict. */
	if (cmd == LLKM_CMD_TRACE_START)
		return nl_trace_start(fd, &r, rep, &o);
	if (nl_transact(fd, &r, rep))
		return -1000;
	return rep->err;
}

/* COUNTER_OPEN of task-clock on @pid (0: this process): the id (> 0), or -errno. */
static int open_counter(int fd, int family, uint32_t pid, struct nl_reply *rep)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				 .config = PERF_COUNT_SW_TASK_CLOCK,
				 .pid = pid ? (int)pid : getpid(), .cpu = -1 };

	return nl_ctr_open(fd, family, rep, &s);
}

/* Joins the events group on @fd: 0 or errno. */
static int join_events(int fd)
{
	int grp = nl_mcast_group(fd, LLKM_GENL_NAME, LLKM_GENL_MCGRP_EVENTS);

	if (grp < 0)
		return 1000;
	return setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			  sizeof(grp)) ? errno : 0;
}

static uint32_t portid_of(int fd)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	return getsockname(fd, (struct sockaddr *)&sa, &len) ? 0 : sa.nl_pid;
}

/* ---- the unprivileged: refused everything but GET_INFO -------------- */

FIXTURE(unpriv) {
	LLKM_NL_FIXTURE;
};

FIXTURE_VARIANT(unpriv) {
	struct creds creds;
	int open_errno;		/* what open(/dev/llkm) says */
};

/* No capability, the device's mode refuses first. */
FIXTURE_VARIANT_ADD(unpriv, nobody) {
	.creds = { .uid = NOBODY },
	.open_errno = EACCES,
};

/* The device's owner, refused by llkm's own check. */
FIXTURE_VARIANT_ADD(unpriv, root_without_caps) {
	.creds = { .uid = 0 },
	.open_errno = EPERM,
};

/* Every capability but the two (.caps set in the test): only they count. */
FIXTURE_VARIANT_ADD(unpriv, root_with_every_cap_but_perfmon_and_sys_admin) {
	.creds = { .uid = 0, .caps = ~0ULL },
	.open_errno = EPERM,
};

/* Root of its own user namespace: still kuid 0 to the file, no CAP_PERFMON. */
FIXTURE_VARIANT_ADD(unpriv, root_of_a_user_namespace) {
	.creds = { .userns = 1 },
	.open_errno = EPERM,
};

FIXTURE_SETUP(unpriv)
{
	LLKM_NL_FIXTURE_SETUP();
}

FIXTURE_TEARDOWN(unpriv)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

static const uint8_t mutating[] = {
	LLKM_CMD_SET_DEFAULTS, LLKM_CMD_TRACE_START, LLKM_CMD_TRACE_STOP,
	LLKM_CMD_TRACE_STATS, LLKM_CMD_COUNTER_OPEN, LLKM_CMD_COUNTER_ENABLE,
	LLKM_CMD_COUNTER_DISABLE, LLKM_CMD_COUNTER_READ, LLKM_CMD_COUNTER_CLOSE,
	LLKM_CMD_PROBE_RUN, LLKM_CMD_PROBE_GET, LLKM_CMD_PROBE_STOP,
};

/* Can this process make a user namespace? 0, or the errno of unshare(). */
static int userns_errno(void)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) ? errno : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return ECHILD;
	return WEXITSTATUS(status);
}

struct unpriv_arg {
	int family;
	int open_errno;
};

static int unpriv_claims(void *data)
{
	const struct unpriv_arg *a = data;
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_req r;
	unsigned int i;
	int fd;

	fd = nl_open();
	if (!rep || fd < 0)
		return 100;
	if (ask(fd, a->family, LLKM_CMD_GET_INFO, 0, rep))
		return 1;
	for (i = 0; i < sizeof(mutating); i++) {
		if (ask(fd, a->family, mutating[i], 0, rep) != -EPERM) {
			fprintf(stderr, "# command %u: %d, not -EPERM\n",
				mutating[i], rep->err);
			return 10 + i;
		}
	}
	/* COUNTER_CLOSE without an id: every counter of the socket. */
	nl_init(&r, a->family, LLKM_CMD_COUNTER_CLOSE);
	if (nl_transact(fd, &r, rep) || rep->err != -EPERM)
		return 2;
	if (open(LLKM_DEV, O_RDONLY) >= 0 || errno != a->open_errno) {
		fprintf(stderr, "# open " LLKM_DEV ": %s\n", strerror(errno));
		return 3;
	}
	if (join_events(fd) != EPERM)
		return 4;
	return 0;
}

/* Refused before any effect: the defaults and the session are as they were. */
TEST_F(unpriv, every_command_but_get_info_is_eperm_and_changes_nothing)
{
	struct unpriv_arg a = { self->family, variant->open_errno };
	struct creds c = variant->creds;
	char before[32], after[32];
	struct pollfd p;
	int dev;

	if (c.caps)
		c.caps = all_caps() & ~(CAP(CAP_PERFMON) | CAP(CAP_SYS_ADMIN));
	if (c.userns && userns_errno())
		SKIP(return, "cannot make a user namespace here: %s",
		     strerror(userns_errno()));
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/parameters/ring_size", before,
			       sizeof(before)));
	EXPECT_EQ(0, in_child(&c, unpriv_claims, &a));
	ASSERT_EQ(0, read_line(LLKM_SYSFS "/parameters/ring_size", after,
			       sizeof(after)));
	EXPECT_STREQ(before, after);
	dev = open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dev);
	p = (struct pollfd){ .fd = dev, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);	/* no session runs */
	close(dev);
}

/* ---- CAP_PERFMON (or CAP_SYS_ADMIN) alone: everything ---------------- */

FIXTURE(priv) {
	LLKM_NL_FIXTURE;
};

FIXTURE_VARIANT(priv) {
	struct creds creds;
	int open_errno;
	int join_errno;
};

/* The file mode still keeps it from /dev/llkm: the admin grants that. */
FIXTURE_VARIANT_ADD(priv, nobody_with_cap_perfmon) {
	.creds = { .uid = NOBODY, .caps = CAP(CAP_PERFMON) },
	.open_errno = EACCES,
	.join_errno = EPERM,
};

FIXTURE_VARIANT_ADD(priv, root_with_cap_perfmon_only) {
	.creds = { .uid = 0, .caps = CAP(CAP_PERFMON) },
	.join_errno = EPERM,	/* genetlink has no CAP_PERFMON test */
};

FIXTURE_VARIANT_ADD(priv, root_with_cap_sys_admin_only) {
	.creds = { .uid = 0, .caps = CAP(CAP_SYS_ADMIN) },
};

FIXTURE_SETUP(priv)
{
	LLKM_NL_FIXTURE_SETUP();
}

FIXTURE_TEARDOWN(priv)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

static int priv_claims(void *data)
{
	const int *v = data;	/* family, open_errno, join_errno */
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_req r;
	int fd, id, dev, err;

	fd = nl_open();
	if (!rep || fd < 0)
		return 100;
	nl_init(&r, v[0], LLKM_CMD_SET_DEFAULTS);	/* changes nothing */
	if (nl_transact(fd, &r, rep) || rep->err)
		return 1;
	if (ask(fd, v[0], LLKM_CMD_TRACE_START, 0, rep))
		return 2;
	if (ask(fd, v[0], LLKM_CMD_TRACE_STATS, 0, rep))
		return 3;
	id = open_counter(fd, v[0], 0, rep);
	if (id <= 0)
		return 4;
	if (ask(fd, v[0], LLKM_CMD_COUNTER_ENABLE, id, rep) ||
	    ask(fd, v[0], LLKM_CMD_COUNTER_DISABLE, id, rep) ||
	    ask(fd, v[0], LLKM_CMD_COUNTER_READ, id, rep) ||
	    ask(fd, v[0], LLKM_CMD_COUNTER_CLOSE, id, rep))
		return 5;
	if (ask(fd, v[0], LLKM_CMD_TRACE_STOP, 0, rep))
		return 6;
	err = ask(fd, v[0], LLKM_CMD_PROBE_RUN, 0, rep);
	if (err && err != -EOPNOTSUPP)	/* a TSC-less machine, not a refusal */
		return 7;
	dev = open(LLKM_DEV, O_RDONLY);
	if ((dev < 0 ? errno : 0) != v[1])
		return 8;
	if (dev >= 0) {
		struct llkm_ioc_info info;

		if (ioctl(dev, LLKM_IOC_INFO, &info))
			return 9;
	}
	if (join_events(fd) != v[2])
		return 10;
	return 0;
}

TEST_F(priv, may_use_every_command)
{
	int v[3] = { self->family, variant->open_errno, variant->join_errno };

	EXPECT_EQ(0, in_child(&variant->creds, priv_claims, v));
}

/* ---- one-off claims, as root ---------------------------------------- */

FIXTURE(misc) {
	LLKM_NL_FIXTURE;
};

FIXTURE_SETUP(misc)
{
	LLKM_NL_FIXTURE_SETUP();
}

FIXTURE_TEARDOWN(misc)
{
	LLKM_NL_FIXTURE_TEARDOWN();
}

/*
 * perf_event_open() beside llkm for CAP_PERFMON alone: llkm takes it at
 * every perf_event_paranoid level; upstream perf does too, Debian's level
 * 3 asks perf for CAP_SYS_ADMIN. The perf verdicts are printed, not
 * judged: they are the kernel's, docs/security.md compares.
 */
static int perf_open(int pid, int cpu, int exclude_kernel)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_TASK_CLOCK,
		.disabled = 1,
		.exclude_kernel = exclude_kernel,
	};
	int fd = syscall(SYS_perf_event_open, &attr, pid, cpu, -1, 0);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int compare_claims(void *data)
{
	const int *family = data;
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_ctr_spec cpu0 = { .type = PERF_TYPE_SOFTWARE,
				    .config = PERF_COUNT_SW_CPU_CLOCK, .cpu = 0 };
	char level[16] = "?";
	int fd;

	read_line("/proc/sys/kernel/perf_event_paranoid", level, sizeof(level));
	fprintf(stderr, "# perf_event_paranoid %s, CAP_PERFMON alone: perf_event_open "
		"own task %s, own task with kernel %s, CPU 0 %s\n", level,
		strerror(perf_open(0, -1, 1)), strerror(perf_open(0, -1, 0)),
		strerror(perf_open(-1, 0, 1)));
	fd = nl_open();
	if (!rep || fd < 0)
		return 100;
	if (open_counter(fd, *family, 0, rep) <= 0)
		return 1;
	if (nl_ctr_open(fd, *family, rep, &cpu0) <= 0)
		return 2;
	return 0;
}

TEST_F(misc, perfmon_alone_counts_at_this_paranoid_level)
{
	struct creds c = { .uid = 0, .caps = CAP(CAP_PERFMON) };

	EXPECT_EQ(0, in_child(&c, compare_claims, &self->family));
}

/* ---- per-task counters: another user's task needs CAP_SYS_PTRACE ----- */

FIXTURE(task) {
	LLKM_NL_FIXTURE;
	pid_t target;
};

/* A target process with ids @r, @e, @s, waiting to be counted. */
static pid_t spawn_target(uid_t r, uid_t e, uid_t s)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(r, e, s))
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1) {
		if (pid > 0)
			kill(pid, SIGKILL);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

FIXTURE_SETUP(task)
{
	self->target = -1;
	LLKM_NL_FIXTURE_SETUP();
}

FIXTURE_TEARDOWN(task)
{
	if (self->target > 0) {
		kill(self->target, SIGKILL);
		waitpid(self->target, NULL, 0);
	}
	LLKM_NL_FIXTURE_TEARDOWN();
}

struct open_arg {
	int family;
	pid_t pid;
	int want;	/* 0: opens; else this -errno */
};

static int open_claim(void *data)
{
	const struct open_arg *a = data;
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	int fd = nl_open(), id;

	if (!rep || fd < 0)
		return 100;
	id = open_counter(fd, a->family, a->pid, rep);
	if (a->want ? id == a->want : id > 0)
		return 0;
	fprintf(stderr, "# pid %d: %d (%s)\n", a->pid, id, rep->extack);
	return 1;
}

#define EXPECT_OPEN(uid_, caps_, pid_, want_) do {			\
	struct creds __c = { .uid = (uid_), .caps = (caps_) };		\
	struct open_arg __a = { self->family, (pid_), (want_) };	\
	EXPECT_EQ(0, in_child(&__c, open_claim, &__a));			\
} while (0)

TEST_F(task, another_users_task_needs_cap_sys_ptrace)
{
	self->target = spawn_target(NOBODY, NOBODY, NOBODY);
	ASSERT_LT(0, self->target);
	/* root is another user to nobody's task */
	EXPECT_OPEN(0, CAP(CAP_PERFMON), self->target, -EACCES);
	EXPECT_OPEN(0, CAP(CAP_PERFMON) | CAP(CAP_SYS_PTRACE), self->target, 0);
	/* its own user's task needs nothing more */
	EXPECT_OPEN(NOBODY, CAP(CAP_PERFMON), self->target, 0);
	EXPECT_OPEN(NOBODY, CAP(CAP_PERFMON), 1, -EACCES);
}

/* A setuid program's saved id keeps it from its caller, as with ptrace. */
TEST_F(task, a_task_with_a_privileged_saved_uid_is_another_users)
{
	self->target = spawn_target(NOBODY, NOBODY, 0);
	ASSERT_LT(0, self->target);
	EXPECT_OPEN(NOBODY, CAP(CAP_PERFMON), self->target, -EACCES);
}

/* ---- what the interfaces show --------------------------------------- */

/* Any 8 bytes at any offset of @buf that read as a kernel address. */
static int find_kernel_address(const void *buf, size_t len)
{
	const unsigned char *b = buf;
	uint64_t v;
	size_t i;

	for (i = 0; i + 8 <= len; i++) {
		memcpy(&v, b + i, 8);
		if (v >= KERNEL_HALF)
			return (int)i;
	}
	return -1;
}

static int info_claims(void *data)
{
	static const int documented[] = {
		LLKM_A_VERSION, LLKM_A_ABI, LLKM_A_CPUS_POSSIBLE,
		LLKM_A_CPUS_ONLINE, LLKM_A_FEATURES, LLKM_A_CACHE_LINE_SIZE,
		LLKM_A_COUNTERS_OPEN, LLKM_A_RING, LLKM_A_PMUS,
	};
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	const int *family = data;
	unsigned int i, n = 0;
	int fd = nl_open(), at;

	if (!rep || fd < 0)
		return 100;
	if (ask(fd, *family, LLKM_CMD_GET_INFO, 0, rep))
		return 1;
	at = find_kernel_address(rep->buf, rep->len);
	if (at >= 0) {
		fprintf(stderr, "# a kernel address at byte %d of the reply\n", at);
		return 2;
	}
	nl_reply_attrs(rep, tb);
	for (i = 0; i <= NL_MAXATTR; i++)
		n += !!tb[i];
	for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (!tb[documented[i]])
			return 3;
	/* Nothing but what the UAPI header documents. */
	return n == sizeof(documented) / sizeof(documented[0]) ? 0 : 4;
}

TEST_F(misc, get_info_shows_nobody_no_kernel_address)
{
	struct creds c = { .uid = NOBODY };

	EXPECT_EQ(0, in_child(&c, info_claims, &self->family));
}

/* The sysfs parameters are read-only: only SET_DEFAULTS changes them. */
TEST_F(misc, module_parameters_are_read_only)
{
	static const char *const params[] = { "ring_size", "ring_mode" };
	char path[128];
	struct stat st;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), LLKM_SYSFS "/parameters/%s", params[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(0444, st.st_mode & 07777) TH_LOG("%s", path);
	}
}

static int netns_claims(void *data)
{
	int fd;

	(void)data;
	if (unshare(CLONE_NEWNET))
		return 100;
	fd = nl_open();
	if (fd < 0)
		return 101;
	return nl_family(fd, LLKM_GENL_NAME) < 0 ? 0 : 1;
}

/* A container in its own network namespace does not see the family. */
TEST_F(misc, family_is_absent_from_other_network_namespaces)
{
	struct creds root = { .uid = 0, .caps = all_caps() };

	EXPECT_EQ(0, in_child(&root, netns_claims, NULL));
}

static int fd_claims(void *data)
{
	struct llkm_ioc_info info;
	const int *dev = data;

	return ioctl(*dev, LLKM_IOC_INFO, &info) ? 1 : 0;
}

/* The check is at open(): a descriptor carries it, as perf's do. */
TEST_F(misc, an_open_descriptor_keeps_working_without_privilege)
{
	struct creds nobody = { .uid = NOBODY };
	int dev;

	dev = open(LLKM_DEV, O_RDONLY);
	ASSERT_LE(0, dev);
	EXPECT_EQ(0, in_child(&nobody, fd_claims, &dev));
	close(dev);
}

struct peek_arg {
	uint32_t portid, id;
};

/* LLKM_IOC_COUNTER_READ of (@portid, @id): 0 with one value, or errno. */
static int ioctl_read(uint32_t portid, uint32_t id)
{
	struct llkm_counter_value v[2];
	struct llkm_ioc_counter_read r = {
		.portid = portid, .id = id, .n = 2, .values = (uintptr_t)v,
	};
	int dev = open(LLKM_DEV, O_RDONLY), ret;

	if (dev < 0)
		return 1000;
	ret = ioctl(dev, LLKM_IOC_COUNTER_READ, &r) ? errno : 0;
	close(dev);
	if (ret)
		return ret;
	return r.n == 1 && v[0].id == id ? 0 : 1001;
}

static int peek_claims(void *data)
{
	const struct peek_arg *a = data;

	return ioctl_read(a->portid, a->id) == ENOENT ? 0 : 1;
}

/*
 * The portid is the caller's word, and easy to guess: a counter is read
 * by the ioctl only from the process that opened it; to another, even
 * with CAP_PERFMON, it does not exist.
 */
TEST_F(misc, ioctl_reads_only_the_callers_own_counters)
{
	struct creds perfmon = { .uid = 0, .caps = CAP(CAP_PERFMON) };
	struct peek_arg a;
	int id;

	id = open_counter(self->fd, self->family, 0, self->rep);
	ASSERT_LT(0, id);
	a = (struct peek_arg){ portid_of(self->fd), id };
	EXPECT_EQ(0, in_child(&perfmon, peek_claims, &a));
	EXPECT_EQ(0, ioctl_read(a.portid, id));
	EXPECT_EQ(0, ask(self->fd, self->family, LLKM_CMD_COUNTER_CLOSE, id,
			 self->rep));
}

/* ---- rings: read-only but for the consumer's page, nothing stale ----- */

FIXTURE(rings) {
	LLKM_NL_FIXTURE;
	int dev;
	int ncpus;		/* possible CPUs */
	uint32_t size;
	size_t stride;		/* bytes of one CPU's ring in the offset space */
};

FIXTURE_SETUP(rings)
{
	self->dev = -1;
	LLKM_NL_FIXTURE_SETUP();
	self->dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	self->ncpus = cpulist_file_count("/sys/devices/system/cpu/possible");
	ASSERT_LT(0, self->ncpus);
}

FIXTURE_TEARDOWN(rings)
{
	if (self->dev >= 0)
		close(self->dev);
	LLKM_NL_FIXTURE_TEARDOWN();
}

/* Starts a session of @events (every process) with @size-byte rings. */
static int start(FIXTURE_DATA(rings) *self, uint32_t events, uint32_t size)
{
	struct nl_trace_out o;
	struct nl_req r;
	struct nlattr *nest;

	nl_init(&r, self->family, LLKM_CMD_TRACE_START);
	nest = nl_nest(&r, LLKM_A_RING);
	nl_put_u32(&r, LLKM_RING_A_SIZE, size);
	nl_put_u32(&r, LLKM_RING_A_MODE, LLKM_RING_MODE_DISCARD);
	nl_nest_end(&r, nest);
	nest = nl_nest(&r, LLKM_A_TRACE);
	nl_put_u32(&r, LLKM_TRACE_A_EVENTS, events);
	nl_nest_end(&r, nest);
	self->size = size;
	self->stride = LLKM_RING_PAGES(size) * (size_t)LLKM_RING_PAGE;
	return nl_trace_start(self->fd, &r, self->rep, &o);
}

static int stop(FIXTURE_DATA(rings) *self)
{
	return ask(self->fd, self->family, LLKM_CMD_TRACE_STOP, 0, self->rep);
}

TEST_F(rings, data_pages_stay_read_only_under_mprotect)
{
	void *m;

	ASSERT_EQ(0, start(self, 0, 1 << 14));
	m = mmap(NULL, 2 * LLKM_RING_PAGE, PROT_READ, MAP_SHARED, self->dev,
		 LLKM_RING_PAGE);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(-1, mprotect(m, 2 * LLKM_RING_PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(m, 2 * LLKM_RING_PAGE);
	EXPECT_EQ(0, stop(self));
}

TEST_F(rings, consumer_page_is_not_mapped_private_writable)
{
	ASSERT_EQ(0, start(self, 0, 1 << 14));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, self->dev, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, stop(self));
}

TEST_F(rings, offsets_outside_one_ring_are_refused)
{
	ASSERT_EQ(0, start(self, 0, 1 << 14));
	/* Past the last CPU's ring: nr_cpu_ids is at most NR_CPUS, 8192. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, LLKM_RING_PAGE, PROT_READ, MAP_SHARED,
				   self->dev, (off_t)8192 * self->stride));
	EXPECT_EQ(EINVAL, errno);
	/* The last page of CPU 0's ring and the first of CPU 1's. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * LLKM_RING_PAGE, PROT_READ, MAP_SHARED,
				   self->dev, self->stride - LLKM_RING_PAGE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, stop(self));
}

static size_t rec_len(size_t payload)
{
	return (sizeof(struct llkm_rec) + payload + LLKM_REC_ALIGN - 1) &
	       ~(size_t)(LLKM_REC_ALIGN - 1);
}

/* Every byte after the first NUL of @s[16] is NUL too. */
static int padded(const char *s)
{
	const char *nul = memchr(s, 0, 16);
	int i;

	if (!nul)
		return 0;
	for (i = nul - s; i < 16; i++)
		if (s[i])
			return 0;
	return 1;
}

static int all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return 0;
	return 1;
}

/*
 * A syscall entry's length with its path trailers (ABI 6), each as the
 * header documents it: len within LLKM_PATH_MAX, no stray flag, its pad
 * and every byte after the path NUL; 0 when one is not.
 */
static size_t sys_enter_len(const struct llkm_rec *rec)
{
	size_t off = sizeof(*rec) + sizeof(struct llkm_rec_sys_enter), n;

	while (off < rec->size) {
		const struct llkm_rec_sys_path *sp = (const void *)((const char *)rec + off);

		if (off + sizeof(*sp) > rec->size)
			return 0;
		n = sizeof(*sp) + ((sp->len + 8) & ~(size_t)7);
		if (sp->len > LLKM_PATH_MAX || sp->arg > 5 || sp->pad ||
		    (sp->flags & ~(LLKM_PATH_CUT | LLKM_PATH_FAULT)) ||
		    ((sp->flags & LLKM_PATH_FAULT) && sp->len) ||
		    off + n > rec->size ||
		    memchr(sp->path, 0, sp->len) ||
		    !all_zero(sp->path + sp->len, n - sizeof(*sp) - sp->len))
			return 0;
		off += n;
	}
	return off;
}

struct rec_check {
	long records, samples, kernel_ips, wrapped;
	long bad;		/* a record not as documented */
	int bad_type;
};

/* One record: its exact length for its type, its padding, no stray address. */
static void check_rec(const struct llkm_rec *rec, struct rec_check *k)
{
	const struct llkm_rec_sched_switch *sw = (const void *)(rec + 1);
	const struct llkm_rec_softirq *sq = (const void *)(rec + 1);
	const struct llkm_rec_sample *s = (const void *)(rec + 1);
	const uint64_t *w = (const void *)rec;
	int ok = 1, scan = 1;
	size_t want = 0, i;

	switch (rec->type) {
	case LLKM_REC_SYS_ENTER:
		want = sys_enter_len(rec);
		scan = 0;	/* the task's own argument values and paths */
		break;
	case LLKM_REC_SYS_EXIT:
		want = rec_len(sizeof(struct llkm_rec_sys_exit));
		scan = 0;	/* the task's own return value */
		break;
	case LLKM_REC_FORK:
		want = rec_len(sizeof(struct llkm_rec_fork));
		break;
	case LLKM_REC_COMM:
		want = rec_len(sizeof(struct llkm_rec_comm));
		ok = padded(((const struct llkm_rec_comm *)(rec + 1))->comm);
		break;
	case LLKM_REC_IRQ_ENTRY:
	case LLKM_REC_IRQ_EXIT:
		want = rec_len(sizeof(struct llkm_rec_irq));
		break;
	case LLKM_REC_SOFTIRQ_ENTRY:
	case LLKM_REC_SOFTIRQ_EXIT:
		want = rec_len(sizeof(struct llkm_rec_softirq));
		ok = !sq->pad;
		break;
	case LLKM_REC_SCHED_SWITCH:
		want = rec_len(sizeof(*sw));
		ok = padded(sw->prev_comm) && padded(sw->next_comm);
		break;
	case LLKM_REC_SAMPLE:
		want = rec_len(sizeof(*s) + 8 * (s->nr_kernel + s->nr_user));
		ok = !s->pad && !(s->flags & ~LLKM_SAMPLE_USER) &&
		     s->nr_kernel + s->nr_user <= LLKM_SAMPLE_STACK_MAX &&
		     s->period < KERNEL_HALF;
		scan = 0;	/* ip and ips: documented addresses */
		k->samples++;
		k->kernel_ips += s->ip >= KERNEL_HALF;
		break;
	}
	for (i = 0; ok && scan && i < rec->size / 8; i++)
		ok = w[i] < KERNEL_HALF;
	if (!want || rec->size != want || !ok) {
		k->bad++;
		k->bad_type = rec->type;
	}
}

/* One CPU's ring mapped whole: the pages' slack, the records, the rest. */
static int check_ring(FIXTURE_DATA(rings) *self, int cpu, struct rec_check *k)
{
	const struct llkm_ring_producer *prod;
	const struct llkm_ring_consumer *cons;
	const char *m, *data;
	uint64_t pos, end;

	m = mmap(NULL, self->stride, PROT_READ, MAP_SHARED, self->dev,
		 (off_t)cpu * self->stride);
	if (m == MAP_FAILED)
		return -1;
	cons = (const void *)m;
	prod = (const void *)(m + LLKM_RING_PAGE);
	data = m + 2 * LLKM_RING_PAGE;
	if (!all_zero(cons + 1, LLKM_RING_PAGE - sizeof(*cons)) ||
	    !all_zero(prod + 1, LLKM_RING_PAGE - sizeof(*prod)))
		k->bad++;
	end = prod->producer_pos;
	if (end > self->size) {
		k->wrapped++;
	} else if (!all_zero(data + end, self->size - end)) {
		k->bad++;	/* never written: must be zero */
	}
	for (pos = end > self->size ? end : 0; pos < end;) {
		const struct llkm_rec *rec = (const void *)(data + (pos & (self->size - 1)));

		if (rec->size < sizeof(*rec) || rec->size % 8 || rec->cpu != (uint32_t)cpu) {
			k->bad++;
			break;
		}
		check_rec(rec, k);
		k->records++;
		pos += rec->size;
	}
	munmap((void *)m, self->stride);
	return 0;
}

static void busy(int ms)
{
	struct timespec t0, t;
	volatile unsigned long x = 0;
	int i;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		for (i = 0; i < 100000; i++)
			x++;
		getppid();
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

/* A sampling counter on this thread into the session's rings: its id. */
static int sample_self(FIXTURE_DATA(rings) *self, uint32_t flags)
{
	struct nl_ctr_spec s = { .type = PERF_TYPE_SOFTWARE,
				 .config = PERF_COUNT_SW_TASK_CLOCK,
				 .pid = syscall(SYS_gettid), .cpu = -1,
				 .flags = LLKM_CTR_F_FREQ | flags,
				 .period = 1000 };

	return nl_ctr_open(self->fd, self->family, self->rep, &s);
}

/*
 * Every event type and samples with call chains, every CPU: each record
 * is exactly its documented length, its padding zero, no field but the
 * documented ones (sample IPs, a task's own syscall values) holds a
 * kernel address, and what no record reached is still the zeroed page.
 */
TEST_F(rings, records_hold_no_uninitialised_or_stray_bytes)
{
	struct rec_check k = { 0 };
	int cpu, id;

	ASSERT_EQ(0, start(self, LLKM_TRACE_EV_ALL, 1 << 20))
		TH_LOG("%s", self->rep->extack);
	id = sample_self(self, LLKM_CTR_F_CALLCHAIN);
	ASSERT_LT(0, id) TH_LOG("%d %s", id, self->rep->extack);
	busy(200);
	usleep(20000);
	EXPECT_EQ(0, ask(self->fd, self->family, LLKM_CMD_COUNTER_CLOSE, id,
			 self->rep));
	ASSERT_EQ(0, stop(self));
	for (cpu = 0; cpu < self->ncpus; cpu++)
		ASSERT_EQ(0, check_ring(self, cpu, &k));
	TH_LOG("%ld records, %ld samples (%ld in the kernel), %ld rings wrapped",
	       k.records, k.samples, k.kernel_ips, k.wrapped);
	EXPECT_LT(0, k.samples);
	EXPECT_LT(k.samples, k.records);
	EXPECT_EQ(0, k.bad) TH_LOG("last bad record type %d", k.bad_type);
	EXPECT_EQ(0, k.wrapped);
}

/* The samples' records of counter @id: how many, and how many with a kernel address. */
static void samples_of(FIXTURE_DATA(rings) *self, uint32_t id, long *n,
		       long *kernel)
{
	int cpu;

	*n = *kernel = 0;
	for (cpu = 0; cpu < self->ncpus; cpu++) {
		const char *m = mmap(NULL, self->stride, PROT_READ, MAP_SHARED,
				     self->dev, (off_t)cpu * self->stride);
		const struct llkm_ring_producer *prod;
		const char *data;
		uint64_t pos, end;

		if (m == MAP_FAILED)
			continue;
		prod = (const void *)(m + LLKM_RING_PAGE);
		data = m + 2 * LLKM_RING_PAGE;
		end = prod->producer_pos;
		for (pos = end > self->size ? end - self->size : 0; pos < end;) {
			const struct llkm_rec *rec = (const void *)(data + (pos & (self->size - 1)));
			const struct llkm_rec_sample *s = (const void *)(rec + 1);

			if (rec->size < sizeof(*rec))
				break;
			/*
			 * User frames are words of the task's own stack (frame
			 * pointers or not): not judged here.
			 */
			if (rec->type == LLKM_REC_SAMPLE && s->id == id) {
				(*n)++;
				*kernel += s->ip >= KERNEL_HALF || s->nr_kernel ||
					   !(s->flags & LLKM_SAMPLE_USER) ||
					   (s->nr_user && s->ips[0] != s->ip);
			}
			pos += rec->size;
		}
		munmap((void *)m, self->stride);
	}
}

/* With LLKM_CTR_F_EXCLUDE_KERNEL, samples carry no kernel address at all. */
TEST_F(rings, exclude_kernel_samples_hold_user_addresses_only)
{
	long n, kernel;
	int id;

	ASSERT_EQ(0, start(self, 0, 1 << 20));
	id = sample_self(self, LLKM_CTR_F_EXCLUDE_KERNEL | LLKM_CTR_F_CALLCHAIN);
	ASSERT_LT(0, id) TH_LOG("%d %s", id, self->rep->extack);
	busy(200);
	EXPECT_EQ(0, ask(self->fd, self->family, LLKM_CMD_COUNTER_CLOSE, id,
			 self->rep));
	ASSERT_EQ(0, stop(self));
	samples_of(self, id, &n, &kernel);
	EXPECT_LT(0, n);
	EXPECT_EQ(0, kernel) TH_LOG("%ld of %ld samples", kernel, n);
}

TEST_HARNESS_MAIN
