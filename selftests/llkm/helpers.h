/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the llkm selftests share: loading the module and talking raw generic
 * netlink, so that a test can send exactly the malformed message it means.
 */
#ifndef LLKM_SELFTEST_HELPERS_H
#define LLKM_SELFTEST_HELPERS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/llkm.h>
#include <linux/netlink.h>

#define LLKM_DEV "/dev/" LLKM_DEVICE_NAME
#define LLKM_SYSFS "/sys/module/llkm"

/* ---- the module ---------------------------------------------------- */

/*
 * Where llkm.ko is: $LLKM_KO, else beside this program (the kselftest
 * install layout), else the tree's kmod/ two levels up.
 */
static inline const char *llkm_ko_path(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("LLKM_KO");
	char exe[PATH_MAX];
	const char *dir;
	ssize_t n;

	if (env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return NULL;
	exe[n] = '\0';
	dir = dirname(exe);
	snprintf(path, sizeof(path), "%s/llkm.ko", dir);
	if (access(path, R_OK) == 0)
		return path;
	snprintf(path, sizeof(path), "%s/../../kmod/llkm.ko", dir);
	return access(path, R_OK) == 0 ? path : NULL;
}

static inline int llkm_loaded(void)
{
	return access(LLKM_SYSFS, F_OK) == 0;
}

/* Returns 0 or -errno. */
static inline int llkm_load(const char *params)
{
	const char *ko = llkm_ko_path();
	int fd, ret;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static inline int llkm_unload(void)
{
	return syscall(SYS_delete_module, "llkm", O_NONBLOCK) ? -errno : 0;
}

/* Reads a small sysfs/procfs file into @buf without its newline. */
static inline int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(buf, len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ret = 0;
	}
	fclose(f);
	return ret;
}

/* Counts the CPUs in a sysfs list file ("0-3,8"); -1 when unreadable. */
static inline int cpulist_file_count(const char *path)
{
	char buf[4096], *p = buf;
	int n = 0;

	if (read_line(path, buf, sizeof(buf)))
		return -1;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return -1;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		n += b - a + 1;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

/*
 * Whether this machine has a CPU PMU that counts cycles (as lib.sh's
 * hw_pmu): x86's "cpu" or "cpu_core", or an Arm PMU (armv8_pmuv3,
 * armv8_neoverse_n1...), which publishes events/cpu_cycles.
 */
static inline int have_hw_pmu(void)
{
	const char *dir = "/sys/bus/event_source/devices";
	char path[PATH_MAX];
	struct dirent *de;
	int found = 0;
	DIR *d;

	if (!access("/sys/bus/event_source/devices/cpu", F_OK) ||
	    !access("/sys/bus/event_source/devices/cpu_core", F_OK))
		return 1;
	d = opendir(dir);
	while (d && !found && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/events/cpu_cycles", dir, de->d_name);
		found = !access(path, F_OK);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * A fixture's setup and teardown for tests that need llkm loaded: loads it
 * unless it already is, and unloads it after only if it loaded it.
 */
static inline int llkm_hold(int *loaded_here)
{
	*loaded_here = 0;
	if (llkm_loaded())
		return 0;
	if (geteuid() != 0 || !llkm_ko_path())
		return -EPERM;
	if (llkm_load(NULL))
		return -EIO;
	*loaded_here = 1;
	return 0;
}

static inline void llkm_release(int loaded_here)
{
	if (loaded_here)
		llkm_unload();
}

/* ---- raw generic netlink ------------------------------------------- */

#define NL_BUF 65536

struct nl_req {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[1024];
};

struct nl_reply {
	int err;		/* 0 or -errno from the kernel's ack */
	char extack[256];
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or 0 */
	char buf[NL_BUF];	/* the last data message */
	int len;
};

static inline int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline void nl_init(struct nl_req *r, uint16_t family, uint8_t cmd)
{
	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nlh.nlmsg_seq = 1;
	r->genl.cmd = cmd;
	r->genl.version = LLKM_GENL_VERSION;
}

/* Appends an attribute; returns it so a nest can be closed later. */
static inline struct nlattr *nl_put(struct nl_req *r, uint16_t type,
				    const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r +
					     NLMSG_ALIGN(r->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static inline void nl_put_u32(struct nl_req *r, uint16_t type, uint32_t v)
{
	nl_put(r, type, &v, sizeof(v));
}

static inline void nl_put_u64(struct nl_req *r, uint16_t type, uint64_t v)
{
	nl_put(r, type, &v, sizeof(v));
}

static inline struct nlattr *nl_nest(struct nl_req *r, uint16_t type)
{
	return nl_put(r, type | NLA_F_NESTED, NULL, 0);
}

static inline void nl_nest_end(struct nl_req *r, struct nlattr *nest)
{
	nest->nla_len = (char *)r + r->nlh.nlmsg_len - (char *)nest;
}

/*
 * Each attribute in the @len bytes at @start, as the kernel's
 * nla_for_each_attr(): @a is the attribute, @len (an lvalue) counts down
 * what is left; a truncated or malformed one ends the walk.
 */
#define nl_for_each_attr(a, start, len)					\
	for ((a) = (const void *)(start);				\
	     (len) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (len);					\
	     (len) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (const void *)((const char *)(a) + NLA_ALIGN((a)->nla_len)))

static inline void nl_parse_extack(struct nlmsghdr *h, struct nl_reply *rep)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	int off = sizeof(*e);
	const struct nlattr *a;
	int rem;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	rem = (int)h->nlmsg_len - NLMSG_HDRLEN - off;
	nl_for_each_attr(a, (char *)e + off, rem)
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(rep->extack, sizeof(rep->extack), "%s",
				 (const char *)a + NLA_HDRLEN);
		else if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MISS_TYPE)
			rep->miss_type = *(const uint32_t *)((const char *)a + NLA_HDRLEN);
}

/* An NLMSG_ERROR's (or a dump's NLMSG_DONE's) verdict and extack in @rep. */
static inline void nl_take_ack(struct nlmsghdr *h, struct nl_reply *rep)
{
	rep->err = h->nlmsg_type == NLMSG_ERROR ?
		   ((struct nlmsgerr *)NLMSG_DATA(h))->error : *(int *)NLMSG_DATA(h);
	nl_parse_extack(h, rep);
}

/* One message for nl_recv_until(): 0 goes on, 1 stops, -1 fails (errno). */
typedef int (*nl_msg_fn)(struct nlmsghdr *h, void *arg);

/*
 * Reads @fd, each message through @fn, until @fn stops or, before each
 * read, @enough(@arg) (NULL: never) says so. 0, or -1 with errno.
 */
static inline int nl_recv_until(int fd, nl_msg_fn fn, int (*enough)(void *),
				void *arg)
{
	static char buf[NL_BUF];

	for (;;) {
		struct nlmsghdr *h;
		int n, r;

		if (enough && enough(arg))
			return 0;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)n);
		     h = NLMSG_NEXT(h, n)) {
			r = fn(h, arg);
			if (r)
				return r > 0 ? 0 : -1;
		}
	}
}

/* nl_transact()'s messages: the last data one kept, the ack ends. */
static inline int nl_reply_msg(struct nlmsghdr *h, void *arg)
{
	struct nl_reply *rep = arg;

	if (h->nlmsg_type == NLMSG_ERROR) {
		nl_take_ack(h, rep);
		return 1;
	}
	if (h->nlmsg_len > sizeof(rep->buf)) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(rep->buf, h, h->nlmsg_len);
	rep->len = h->nlmsg_len;
	return 0;
}

/*
 * Sends @r and collects the reply up to the ack. Returns 0 when the
 * exchange happened (the kernel's verdict is in rep->err), -1 with errno
 * set otherwise.
 */
static inline int nl_transact(int fd, struct nl_req *r, struct nl_reply *rep)
{
	memset(rep, 0, sizeof(*rep));
	if (send(fd, r, r->nlh.nlmsg_len, 0) < 0)
		return -1;
	return nl_recv_until(fd, nl_reply_msg, NULL, rep);
}

/* Attributes of a reply or a nest, indexed by type (max 63). */
#define NL_MAXATTR 63

static inline void nl_attrs(const void *start, int len,
			    const struct nlattr *tb[NL_MAXATTR + 1])
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (NL_MAXATTR + 1));
	nl_for_each_attr(a, start, len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= NL_MAXATTR)
			tb[type] = a;
	}
}

static inline void nl_reply_attrs(const struct nl_reply *rep,
				  const struct nlattr *tb[NL_MAXATTR + 1])
{
	const struct nlmsghdr *h = (const void *)rep->buf;
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	nl_attrs(rep->buf + hdr, rep->len - hdr, tb);
	(void)h;
}

#define nla_data_of(a)	((const void *)((const char *)(a) + NLA_HDRLEN))
#define nla_len_of(a)	((int)(a)->nla_len - NLA_HDRLEN)
#define nla_u32_of(a)	(*(const uint32_t *)nla_data_of(a))
#define nla_u64_of(a)	({ uint64_t __v; memcpy(&__v, nla_data_of(a), 8); __v; })

/*
 * The reply's attribute @top, a nest, parsed into @nested: 0, or -1001
 * when the reply has none.
 */
static inline int nl_reply_nested(struct nl_reply *rep, uint16_t top,
				  const struct nlattr **nested)
{
	const struct nlattr *tb[NL_MAXATTR + 1];

	nl_reply_attrs(rep, tb);
	if (!tb[top])
		return -1001;
	nl_attrs(nla_data_of(tb[top]), nla_len_of(tb[top]), nested);
	return 0;
}

/*
 * What a COUNTER_OPEN asks for. Attributes left at 0 are not sent, except
 * type and config; cpu is sent when >= 0, so a spec on a task says .cpu = -1.
 */
struct nl_ctr_spec {
	uint32_t type;
	uint64_t config;
	int pid;
	int cpu;
	uint32_t group, flags;
	uint64_t period;
};

/*
 * COUNTER_OPEN @s on @fd: the counter's id (> 0), the kernel's -errno or
 * the socket's (nl_transact() failed), or -1001/-1002 when the reply lacks
 * the counter nest or its id.
 */
static inline int nl_ctr_open(int fd, int family, struct nl_reply *rep,
			      const struct nl_ctr_spec *s)
{
	const struct nlattr *ct[NL_MAXATTR + 1];
	struct nl_req req;
	struct nlattr *nest;

	nl_init(&req, family, LLKM_CMD_COUNTER_OPEN);
	nest = nl_nest(&req, LLKM_A_COUNTER);
	nl_put_u32(&req, LLKM_CTR_A_TYPE, s->type);
	nl_put_u64(&req, LLKM_CTR_A_CONFIG, s->config);
	if (s->pid > 0)
		nl_put_u32(&req, LLKM_CTR_A_PID, s->pid);
	if (s->cpu >= 0)
		nl_put_u32(&req, LLKM_CTR_A_CPU, s->cpu);
	if (s->group)
		nl_put_u32(&req, LLKM_CTR_A_GROUP, s->group);
	if (s->flags)
		nl_put_u32(&req, LLKM_CTR_A_FLAGS, s->flags);
	if (s->period)
		nl_put_u64(&req, LLKM_CTR_A_PERIOD, s->period);
	nl_nest_end(&req, nest);
	if (nl_transact(fd, &req, rep))
		return -errno;
	if (rep->err)
		return rep->err;
	if (nl_reply_nested(rep, LLKM_A_COUNTER, ct))
		return -1001;
	return ct[LLKM_CTR_A_ID] ? (int)nla_u32_of(ct[LLKM_CTR_A_ID]) : -1002;
}

/* Resolves a generic netlink family id; -1 when it is not registered. */
/* GET_INFO's LLKM_FEAT_* bits; 0 when it does not answer. */
static inline uint64_t nl_features(int fd, int family, struct nl_reply *rep)
{
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_req req;

	nl_init(&req, family, LLKM_CMD_GET_INFO);
	if (nl_transact(fd, &req, rep) || rep->err)
		return 0;
	nl_reply_attrs(rep, tb);
	return tb[LLKM_A_FEATURES] ? nla_u64_of(tb[LLKM_A_FEATURES]) : 0;
}

/* Why a probe test cannot run where the module runs no probes. */
#define NO_PROBES_WHY "llkm runs no probes on this architecture yet (GET_INFO: no LLKM_FEAT_PROBES)"

/* Whether the module runs probes here: GET_INFO says so. */
#define PROBES_HERE(fd, family, rep) (!!(nl_features(fd, family, rep) & LLKM_FEAT_PROBES))

/*
 * SKIP from a FIXTURE_SETUP, after @cleanup: the harness (6.1's) would run
 * the test after a plain SKIP there; this leaves as a failed ASSERT does,
 * without the failure, so neither the test nor the teardown runs.
 */
#define SETUP_SKIP(cleanup, fmt, ...) do {				\
	cleanup;							\
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__);		\
} while (0)

static inline int nl_family(int fd, const char *name)
{
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_req r;
	int id = -1;

	if (!rep)
		return -1;
	nl_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	r.genl.version = 1;
	nl_put(&r, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (nl_transact(fd, &r, rep) == 0 && rep->err == 0 && rep->len) {
		nl_reply_attrs(rep, tb);
		if (tb[CTRL_ATTR_FAMILY_ID])
			id = *(const uint16_t *)nla_data_of(tb[CTRL_ATTR_FAMILY_ID]);
	}
	free(rep);
	return id;
}

/* The id of multicast group @group of family @name; -1 when none. */
static inline int nl_mcast_group(int fd, const char *name, const char *group)
{
	const struct nlattr *tb[NL_MAXATTR + 1], *g;
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct nl_req r;
	int id = -1, rem;

	if (!rep)
		return -1;
	nl_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	r.genl.version = 1;
	nl_put(&r, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (nl_transact(fd, &r, rep) || rep->err || !rep->len)
		goto out;
	nl_reply_attrs(rep, tb);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		goto out;
	rem = nla_len_of(tb[CTRL_ATTR_MCAST_GROUPS]);
	nl_for_each_attr(g, nla_data_of(tb[CTRL_ATTR_MCAST_GROUPS]), rem) {
		const struct nlattr *ga[NL_MAXATTR + 1];

		nl_attrs(nla_data_of(g), nla_len_of(g), ga);
		if (ga[CTRL_ATTR_MCAST_GRP_NAME] && ga[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(nla_data_of(ga[CTRL_ATTR_MCAST_GRP_NAME]), group))
			id = nla_u32_of(ga[CTRL_ATTR_MCAST_GRP_ID]);
	}
out:
	free(rep);
	return id;
}

/* ---- probe runs: PROBE_RUN, then PROBE_DONE, then a PROBE_GET dump ---- */

/* What a run gave; @samples (room for @max) is the caller's. */
struct nl_probe_out {
	uint32_t id;
	int done;		/* PROBE_DONE came */
	uint64_t *samples;
	int max;
	int nsamples;		/* PROBE_DONE's count */
	int got;		/* samples PROBE_GET brought */
	uint32_t tsc_khz;
	uint64_t elapsed_ns;
	int stopped;
	int err;		/* PROBE_DONE's LLKM_A_ERROR: the setup failed */
};

/* A PROBE_DONE or PROBE_GET message's LLKM_A_PROBE, into @o. */
static inline void nl_probe_msg(const struct nlmsghdr *h, struct nl_probe_out *o)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const struct nlattr *tb[NL_MAXATTR + 1], *pt[NL_MAXATTR + 1];
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN, off, n;

	if ((int)h->nlmsg_len < hdr)
		return;
	nl_attrs((const char *)h + hdr, h->nlmsg_len - hdr, tb);
	if (!tb[LLKM_A_PROBE])
		return;
	nl_attrs(nla_data_of(tb[LLKM_A_PROBE]), nla_len_of(tb[LLKM_A_PROBE]), pt);
	if (g->cmd == LLKM_CMD_PROBE_RUN && pt[LLKM_PROBE_A_ID])
		o->id = nla_u32_of(pt[LLKM_PROBE_A_ID]);
	if (g->cmd != LLKM_CMD_PROBE_DONE && g->cmd != LLKM_CMD_PROBE_GET)
		return;
	if (!pt[LLKM_PROBE_A_ID] || (o->id && nla_u32_of(pt[LLKM_PROBE_A_ID]) != o->id))
		return;
	if (pt[LLKM_PROBE_A_NSAMPLES]) {
		o->nsamples = nla_u32_of(pt[LLKM_PROBE_A_NSAMPLES]);
		o->tsc_khz = pt[LLKM_PROBE_A_TSC_KHZ] ?
			     nla_u32_of(pt[LLKM_PROBE_A_TSC_KHZ]) : 0;
		o->elapsed_ns = pt[LLKM_PROBE_A_ELAPSED_NS] ?
				nla_u64_of(pt[LLKM_PROBE_A_ELAPSED_NS]) : 0;
		o->stopped = !!pt[LLKM_PROBE_A_STOPPED];
	}
	if (g->cmd == LLKM_CMD_PROBE_DONE) {
		o->id = nla_u32_of(pt[LLKM_PROBE_A_ID]);
		o->done = 1;
		o->err = tb[LLKM_A_ERROR] ? (int)nla_u32_of(tb[LLKM_A_ERROR]) : 0;
		return;
	}
	if (!pt[LLKM_PROBE_A_OFFSET] || !pt[LLKM_PROBE_A_SAMPLES])
		return;
	off = nla_u32_of(pt[LLKM_PROBE_A_OFFSET]);
	n = nla_len_of(pt[LLKM_PROBE_A_SAMPLES]) / 8;
	if (off >= 0 && off + n <= o->max) {
		memcpy(o->samples + off, nla_data_of(pt[LLKM_PROBE_A_SAMPLES]), n * 8);
		o->got += n;
	}
}

/* What nl_probe_recv() reads into, and until what. */
struct nl_probe_recv {
	struct nl_reply *rep;
	struct nl_probe_out *o;
	int until;
};

static inline int nl_probe_enough(void *arg)
{
	const struct nl_probe_recv *pr = arg;

	return pr->until == 2 && pr->o->done;
}

static inline int nl_probe_each(struct nlmsghdr *h, void *arg)
{
	struct nl_probe_recv *pr = arg;

	if (h->nlmsg_type == NLMSG_ERROR) {
		nl_take_ack(h, pr->rep);
		return pr->until != 2 || pr->rep->err;
	}
	if (h->nlmsg_type == NLMSG_DONE) {
		if (pr->until != 1)
			return 0;
		nl_take_ack(h, pr->rep);
		return 1;
	}
	nl_probe_msg(h, pr->o);
	return 0;
}

/*
 * Reads @fd until the ack (@until 1: a dump's NLMSG_DONE; 2: our
 * PROBE_DONE), each data message through nl_probe_msg(). 0 with the
 * kernel's verdict in rep->err, or -1 with errno.
 */
static inline int nl_probe_recv(int fd, struct nl_reply *rep,
				struct nl_probe_out *o, int until)
{
	struct nl_probe_recv pr = { rep, o, until };

	return nl_recv_until(fd, nl_probe_each, nl_probe_enough, &pr);
}

/* Sends PROBE_RUN @r: 0 and o->id, or the kernel's -errno, or -1000. */
static inline int nl_probe_start(int fd, struct nl_req *r, struct nl_reply *rep,
				 struct nl_probe_out *o)
{
	memset(rep, 0, sizeof(*rep));
	o->id = 0;
	o->done = 0;
	o->err = 0;
	if (send(fd, r, r->nlh.nlmsg_len, 0) < 0 || nl_probe_recv(fd, rep, o, 0))
		return -1000;
	if (rep->err)
		return rep->err;
	return o->id ? 0 : -1001;
}

/* Waits for run o->id's PROBE_DONE: 0, or -1000. */
static inline int nl_probe_wait(int fd, struct nl_reply *rep,
				struct nl_probe_out *o)
{
	return nl_probe_recv(fd, rep, o, 2) ? -1000 : 0;
}

/* A command on run @id alone (PROBE_STOP; PROBE_GET with NLM_F_DUMP). */
static inline void nl_probe_id_req(struct nl_req *r, int family, uint8_t cmd,
				   uint32_t id)
{
	struct nlattr *nest;

	nl_init(r, family, cmd);
	if (cmd == LLKM_CMD_PROBE_GET)
		r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nest = nl_nest(r, LLKM_A_PROBE);
	nl_put_u32(r, LLKM_PROBE_A_ID, id);
	nl_nest_end(r, nest);
}

/* PROBE_GET of run o->id into o: 0, the kernel's -errno, or -1000. */
static inline int nl_probe_fetch(int fd, int family, struct nl_reply *rep,
				 struct nl_probe_out *o)
{
	struct nl_req r;

	memset(rep, 0, sizeof(*rep));
	o->got = 0;
	nl_probe_id_req(&r, family, LLKM_CMD_PROBE_GET, o->id);
	if (send(fd, &r, r.nlh.nlmsg_len, 0) < 0 || nl_probe_recv(fd, rep, o, 1))
		return -1000;
	return rep->err;
}

/*
 * The whole flow: start @r, wait, fetch. 0, -errno (refused, or the
 * setup's error in PROBE_DONE, which PROBE_GET answers too), or -1000.
 */
static inline int nl_probe_run(int fd, int family, struct nl_req *r,
			       struct nl_reply *rep, struct nl_probe_out *o)
{
	int ret = nl_probe_start(fd, r, rep, o);

	if (!ret)
		ret = nl_probe_wait(fd, rep, o);
	if (!ret)
		ret = nl_probe_fetch(fd, family, rep, o);
	if (!ret && o->err)
		ret = -1002;	/* PROBE_GET did not say what PROBE_DONE did */
	return ret;
}

/* ---- the rest of generic netlink, for the cb_lock tests ------------- */

static inline uint64_t nl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * A kernel module with a generic netlink family, not loaded yet; or NULL.
 * Loading it registers the family: genetlink's cb_lock, for writing.
 */
static inline const char *genl_module_path(void)
{
	static char path[512];
	struct utsname u;

	if (access("/sys/module/team", F_OK) == 0 || uname(&u))
		return NULL;
	snprintf(path, sizeof(path),
		 "/lib/modules/%s/kernel/drivers/net/team/team.ko", u.release);
	return access(path, R_OK) == 0 ? path : NULL;
}

/* finit_module(@path): 0 or -errno. */
static inline int load_ko(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* @cmd of @family on a fresh socket: ns it took, or 0 when it failed. */
static inline uint64_t nl_timed_request(int family, uint8_t cmd,
					const char *name)
{
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	uint64_t t0 = nl_now_ns(), dt = 0;
	struct nl_req r;
	int fd = nl_open();

	if (!rep || fd < 0)
		goto out;
	nl_init(&r, family, cmd);
	if (name) {
		r.genl.version = 1;
		nl_put(&r, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	}
	if (!nl_transact(fd, &r, rep) && !rep->err)
		dt = nl_now_ns() - t0;
out:
	if (fd >= 0)
		close(fd);
	free(rep);
	return dt;
}

/* ---- trace sessions: TRACE_START, then its outcome ----------------- */

/* What a TRACE_START came to. */
struct nl_trace_out {
	int acked;		/* the request's ack came (rep->err) */
	int done;		/* the outcome came */
	int err;		/* its -errno; 0: the session runs */
	uint32_t size, mode;	/* the session's rings, when it runs */
	char why[256];		/* LLKM_A_ERROR_MSG, or "" */
};

/*
 * A LLKM_CMD_TRACE_STARTED message into @o: the rings, or the error and
 * its message. -1002 in o->err when it has neither.
 */
static inline void nl_trace_msg(const struct nlmsghdr *h, struct nl_trace_out *o)
{
	const struct nlattr *tb[NL_MAXATTR + 1], *rt[NL_MAXATTR + 1];
	const struct genlmsghdr *g = NLMSG_DATA(h);
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if ((int)h->nlmsg_len < hdr || g->cmd != LLKM_CMD_TRACE_STARTED)
		return;
	nl_attrs((const char *)h + hdr, h->nlmsg_len - hdr, tb);
	o->done = 1;
	o->err = -1002;
	if (tb[LLKM_A_ERROR]) {
		o->err = (int32_t)nla_u32_of(tb[LLKM_A_ERROR]);
		if (tb[LLKM_A_ERROR_MSG])
			snprintf(o->why, sizeof(o->why), "%s",
				 (const char *)nla_data_of(tb[LLKM_A_ERROR_MSG]));
	} else if (tb[LLKM_A_RING]) {
		nl_attrs(nla_data_of(tb[LLKM_A_RING]), nla_len_of(tb[LLKM_A_RING]), rt);
		if (!rt[LLKM_RING_A_SIZE] || !rt[LLKM_RING_A_MODE])
			return;
		o->size = nla_u32_of(rt[LLKM_RING_A_SIZE]);
		o->mode = nla_u32_of(rt[LLKM_RING_A_MODE]);
		o->err = 0;
	}
}

/* What nl_trace_recv() reads into, and until what. */
struct nl_trace_recv {
	struct nl_reply *rep;
	struct nl_trace_out *o;
	int until_done;
};

static inline int nl_trace_enough(void *arg)
{
	const struct nl_trace_recv *tr = arg;

	return tr->o->acked && (!tr->until_done || tr->o->done);
}

static inline int nl_trace_each(struct nlmsghdr *h, void *arg)
{
	struct nl_trace_recv *tr = arg;

	if (h->nlmsg_type != NLMSG_ERROR) {
		nl_trace_msg(h, tr->o);
		return 0;
	}
	nl_take_ack(h, tr->rep);
	tr->o->acked = 1;
	if (tr->rep->err) {
		tr->o->err = tr->rep->err;
		tr->o->done = 1;
	}
	return 0;
}

/*
 * Reads @fd until the ack (@until_done: and the TRACE_STARTED too; an
 * error ack is the outcome), each data message through nl_trace_msg().
 * 0 with the verdicts in rep->err and o, or -1 with errno.
 */
static inline int nl_trace_recv(int fd, struct nl_reply *rep,
				struct nl_trace_out *o, int until_done)
{
	struct nl_trace_recv tr = { rep, o, until_done };

	return nl_recv_until(fd, nl_trace_each, nl_trace_enough, &tr);
}

/*
 * A TRACE_START of @events: rings of @size bytes a CPU (0: the module's
 * default), of the thread group *@pid (NULL: every task).
 */
static inline void nl_trace_req(struct nl_req *r, int family, uint32_t size,
				uint32_t events, const uint32_t *pid)
{
	struct nlattr *nest;

	nl_init(r, family, LLKM_CMD_TRACE_START);
	if (size) {
		nest = nl_nest(r, LLKM_A_RING);
		nl_put_u32(r, LLKM_RING_A_SIZE, size);
		nl_nest_end(r, nest);
	}
	nest = nl_nest(r, LLKM_A_TRACE);
	nl_put_u32(r, LLKM_TRACE_A_EVENTS, events);
	if (pid)
		nl_put(r, LLKM_TRACE_A_PIDS, pid, sizeof(*pid));
	nl_nest_end(r, nest);
}

/* Sends TRACE_START @r and reads to its ack: 0 (see rep->err), or -1000. */
static inline int nl_trace_send(int fd, struct nl_req *r, struct nl_reply *rep,
				struct nl_trace_out *o)
{
	memset(rep, 0, sizeof(*rep));
	memset(o, 0, sizeof(*o));
	if (send(fd, r, r->nlh.nlmsg_len, 0) < 0 || nl_trace_recv(fd, rep, o, 0))
		return -1000;
	return 0;
}

/*
 * TRACE_START @r to its outcome: 0 (the session runs), the ack's or the
 * outcome's -errno (the outcome's message in rep->extack), or -1000.
 */
static inline int nl_trace_start(int fd, struct nl_req *r, struct nl_reply *rep,
				 struct nl_trace_out *o)
{
	if (nl_trace_send(fd, r, rep, o) || nl_trace_recv(fd, rep, o, 1))
		return -1000;
	if (o->why[0])
		snprintf(rep->extack, sizeof(rep->extack), "%s", o->why);
	return o->err;
}

/* Writes @s to the file @path (sysfs, cgroupfs): 0, or -errno. */
static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	/* errno before close() may change it. */
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
	close(fd);
	return ret;
}

/* @key of /proc/meminfo ("MemAvailable:"), bytes; 0 when unreadable. */
static inline unsigned long long meminfo(const char *key)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) &&
		    sscanf(line + strlen(key), "%llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* ---- what the genl tests' fixtures share ----------------------------- */

/* Fields of a fixture that talks to the family (FIXTURE(x) { LLKM_NL_FIXTURE; }). */
#define LLKM_NL_FIXTURE		\
	int loaded_here;	\
	int fd;			\
	int family;		\
	struct nl_reply *rep

/* In FIXTURE_SETUP: llkm loaded (SKIP when it cannot be), socket, family. */
#define LLKM_NL_FIXTURE_SETUP() do {					\
	int __ret = llkm_hold(&self->loaded_here);			\
									\
	if (__ret == -EPERM)						\
		SKIP(return, "llkm is not loaded and cannot be (needs root and llkm.ko)"); \
	ASSERT_EQ(0, __ret);						\
	self->fd = nl_open();						\
	ASSERT_LE(0, self->fd);						\
	self->family = nl_family(self->fd, LLKM_GENL_NAME);		\
	ASSERT_LT(0, self->family);					\
	self->rep = calloc(1, sizeof(*self->rep));			\
	ASSERT_NE(NULL, self->rep);					\
} while (0)

#define LLKM_NL_FIXTURE_TEARDOWN() do {					\
	free(self->rep);						\
	if (self->fd >= 0)						\
		close(self->fd);					\
	llkm_release(self->loaded_here);				\
} while (0)

/* Drops every capability of this process: 0, or -1. */
static inline int drop_all_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };

	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

/*
 * Runs @fn(@family) in a child (to drop privileges there, say) and gives
 * its exit status: what @fn returned, 0 meaning "as expected"; 200 when
 * the child could not run or did not exit.
 */
static inline int run_in_child(int (*fn)(int family), int family)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 200;
	if (pid == 0)
		_exit(fn(family));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 200;
	return WEXITSTATUS(status);
}

#endif /* LLKM_SELFTEST_HELPERS_H */
