// SPDX-License-Identifier: GPL-2.0
/*
 * counter_read_bench: what one read of a counter group costs, through llkm
 * against perf_event_open(), in one run (docs/benchmarks.md).
 *
 * Both count the same four software events on the calling thread, pinned
 * to one CPU: task-clock (the leader), context-switches, cpu-migrations,
 * page-faults. A read is
 *
 *   perf      read() of the group leader's fd, read_format PERF_FORMAT_GROUP
 *             | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING: nr, enabled,
 *             running, then the 4 values, 56 bytes
 *   llkm      send() of LLKM_CMD_COUNTER_READ of the leader's id without
 *             NLM_F_ACK, recv() of the reply: one LLKM_A_COUNTER nest per
 *             member, leader first (the least a client can do)
 *   llkm+ack  the same with NLM_F_ACK, so a second recv() of the ack (what
 *             llctl's libnl transactions do)
 *
 * and, to split llkm's cost into the round trip and the work per member,
 * the same read of one task-clock counter outside any group, both ways.
 *
 * Every read checks what came back: perf's nr and byte count, llkm's number
 * of nests, their ids in order and that each has a value, enabled and
 * running; task-clock must not go back. Before and after the timed loops,
 * the group reads are checked against known work: 1000 fresh pages touched
 * and 5 sleeps of 1 ms must show in each as 1000 to 1050 page faults and at
 * least 5 context switches.
 *
 * A trial times READS back-to-back reads of each method, the order
 * rotating from trial to trial; the result is the median over TRIALS of
 * the ns per read and its ratio to perf's read() of the same counters.
 * Stdout is the table, stderr the progress; exit status 0, or 1 when
 * anything failed or a read returned the wrong values.
 *
 * Needs root and llkm: loaded already, or loaded here from $LLKM_KO (else
 * kmod/llkm.ko beside this directory) and unloaded at the end.
 *
 * Usage: counter_read_bench [-n READS] [-t TRIALS] [-c CPU]
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include <linux/perf_event.h>

#include "helpers.h"

#define NR_EVENTS	4
#define FAULT_PAGES	1000
#define FAULT_SLACK	50	/* the reads' own first touches */
#define SLEEPS		5
#define MAX_TRIALS	101

static const struct {
	const char *name;
	uint64_t config;
} events[NR_EVENTS] = {
	{ "task-clock", PERF_COUNT_SW_TASK_CLOCK },
	{ "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "page-faults", PERF_COUNT_SW_PAGE_FAULTS },
};

/*
 * What is timed. The group reads are the comparison; the one-counter reads
 * split llkm's cost into the round trip and the work per member.
 */
enum method { M_PERF, M_LLKM, M_LLKM_ACK, M_IOCTL, M_PERF_ONE, M_LLKM_ONE,
	      M_IOCTL_ONE, NR_METHODS };

static const struct {
	const char *name;
	int llkm, ack, one;	/* llkm: 1 genl, 2 ioctl on /dev/llkm */
	enum method base;	/* the ratio's denominator */
} method[NR_METHODS] = {
	[M_PERF] = { "perf read(), group of 4", 0, 0, 0, M_PERF },
	[M_LLKM] = { "llkm genl, group of 4", 1, 0, 0, M_PERF },
	[M_LLKM_ACK] = { "llkm genl + ack, group of 4", 1, 1, 0, M_PERF },
	[M_IOCTL] = { "llkm ioctl, group of 4", 2, 0, 0, M_PERF },
	[M_PERF_ONE] = { "perf read(), 1 counter", 0, 0, 1, M_PERF_ONE },
	[M_LLKM_ONE] = { "llkm genl, 1 counter", 1, 0, 1, M_PERF_ONE },
	[M_IOCTL_ONE] = { "llkm ioctl, 1 counter", 2, 0, 1, M_PERF_ONE },
};

/* One read's values, in the order of events[] (one counter: [0] only). */
struct vals {
	uint64_t value[NR_EVENTS];
	uint64_t enabled[NR_EVENTS], running[NR_EVENTS];
};

struct bench {
	int perf_fd[NR_EVENTS];		/* the group, leader first */
	int perf_one;
	int nl_fd, family;
	int dev;			/* /dev/llkm, for the ioctl reads */
	uint32_t portid;		/* nl_fd's: the counters' owner */
	uint32_t id[NR_EVENTS];		/* llkm's group, leader first */
	uint32_t id_one;
	struct nl_req req[NR_METHODS];	/* COUNTER_READ, for llkm's methods */
	char buf[16384] __attribute__((aligned(8)));
	struct nl_reply rep;		/* setup only */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- perf_event_open ------------------------------------------------ */

static int perf_open_one(uint64_t config, int group, uint64_t read_format)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = config;
	attr.read_format = read_format | PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	return syscall(SYS_perf_event_open, &attr, 0, -1, group, PERF_FLAG_FD_CLOEXEC);
}

static int perf_open(struct bench *b)
{
	int i;

	for (i = 0; i < NR_EVENTS; i++) {
		b->perf_fd[i] = perf_open_one(events[i].config, i ? b->perf_fd[0] : -1,
					      PERF_FORMAT_GROUP);
		if (b->perf_fd[i] < 0)
			goto fail;
	}
	b->perf_one = perf_open_one(events[0].config, -1, 0);
	if (b->perf_one >= 0)
		return 0;
	i = 0;
fail:
	fprintf(stderr, "Unable to open %s with perf_event_open(): %s\n",
		events[i].name, strerror(errno));
	return -1;
}

/* One read: 0, or -1 when it failed or returned the wrong values. */
static int perf_read(const struct bench *b, struct vals *v, int one)
{
	/* PERF_FORMAT_GROUP: nr, enabled, running, values; else value first */
	uint64_t g[3 + NR_EVENTS + 4];
	int nr = one ? 1 : NR_EVENTS, i;
	ssize_t want = (3 + (one ? 0 : NR_EVENTS)) * 8;
	ssize_t n = read(one ? b->perf_one : b->perf_fd[0], g, sizeof(g));

	if (n != want || (!one && g[0] != NR_EVENTS)) {
		fprintf(stderr, "Unable to read %s: %zd bytes (%s), nr %llu; expected %zd bytes, nr %d\n",
			method[one ? M_PERF_ONE : M_PERF].name, n,
			n < 0 ? strerror(errno) : "wrong size",
			n >= 8 ? (unsigned long long)g[0] : 0ULL, want, nr);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		v->value[i] = one ? g[0] : g[3 + i];
		v->enabled[i] = g[1];
		v->running[i] = g[2];
	}
	return 0;
}

/* ---- llkm ------------------------------------------------------------ */

/* COUNTER_OPEN of @config on this thread, in @group's if not 0: its id. */
static uint32_t llkm_open_one(struct bench *b, int ev, uint32_t group)
{
	const struct nlattr *tb[NL_MAXATTR + 1], *ct[NL_MAXATTR + 1];
	struct nlattr *nest;
	struct nl_req req;
	uint32_t id = 0;

	nl_init(&req, b->family, LLKM_CMD_COUNTER_OPEN);
	nest = nl_nest(&req, LLKM_A_COUNTER);
	nl_put_u32(&req, LLKM_CTR_A_TYPE, PERF_TYPE_SOFTWARE);
	nl_put_u64(&req, LLKM_CTR_A_CONFIG, events[ev].config);
	nl_put_u32(&req, LLKM_CTR_A_PID, gettid());
	if (group)
		nl_put_u32(&req, LLKM_CTR_A_GROUP, group);
	nl_nest_end(&req, nest);
	if (nl_transact(b->nl_fd, &req, &b->rep) || b->rep.err) {
		fprintf(stderr, "Unable to open %s through llkm: %s%s%s\n", events[ev].name,
			strerror(b->rep.err ? -b->rep.err : errno),
			b->rep.extack[0] ? ": " : "", b->rep.extack);
		return 0;
	}
	nl_reply_attrs(&b->rep, tb);
	if (tb[LLKM_A_COUNTER]) {
		nl_attrs(nla_data_of(tb[LLKM_A_COUNTER]), nla_len_of(tb[LLKM_A_COUNTER]), ct);
		if (ct[LLKM_CTR_A_ID])
			id = nla_u32_of(ct[LLKM_CTR_A_ID]);
	}
	if (!id)
		fprintf(stderr, "Unable to open %s through llkm: the reply has no id\n",
			events[ev].name);
	return id;
}

static int llkm_open(struct bench *b)
{
	struct sockaddr_nl sa;
	socklen_t salen = sizeof(sa);
	struct nlattr *nest;
	int i;

	b->nl_fd = nl_open();
	if (b->nl_fd < 0) {
		fprintf(stderr, "Unable to open a generic netlink socket: %s\n", strerror(errno));
		return -1;
	}
	b->family = nl_family(b->nl_fd, LLKM_GENL_NAME);
	if (b->family < 0) {
		fprintf(stderr, "Unable to find the %s genl family: is llkm loaded?\n",
			LLKM_GENL_NAME);
		return -1;
	}
	for (i = 0; i < NR_EVENTS; i++) {
		b->id[i] = llkm_open_one(b, i, b->id[0]);
		if (!b->id[i])
			return -1;
	}
	b->id_one = llkm_open_one(b, 0, 0);
	if (!b->id_one)
		return -1;
	b->dev = open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
	if (b->dev < 0 || getsockname(b->nl_fd, (struct sockaddr *)&sa, &salen)) {
		fprintf(stderr, "Unable to open %s: %s\n", LLKM_DEV, strerror(errno));
		return -1;
	}
	b->portid = sa.nl_pid;
	for (i = 0; i < NR_METHODS; i++) {
		if (method[i].llkm != 1)
			continue;
		nl_init(&b->req[i], b->family, LLKM_CMD_COUNTER_READ);
		if (!method[i].ack)
			b->req[i].nlh.nlmsg_flags = NLM_F_REQUEST;
		nest = nl_nest(&b->req[i], LLKM_A_COUNTER);
		nl_put_u32(&b->req[i], LLKM_CTR_A_ID, method[i].one ? b->id_one : b->id[0]);
		nl_nest_end(&b->req[i], nest);
	}
	return 0;
}

/* Takes one LLKM_A_COUNTER nest apart into member @i of @v. */
static int parse_member(const struct nlattr *nest, uint32_t want, int i, struct vals *v)
{
	const struct nlattr *a = nla_data_of(nest);
	int len = nla_len_of(nest), seen = 0;
	uint32_t id = 0;

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case LLKM_CTR_A_ID:
			id = nla_u32_of(a);
			seen |= 1;
			break;
		case LLKM_CTR_A_VALUE:
			v->value[i] = nla_u64_of(a);
			seen |= 2;
			break;
		case LLKM_CTR_A_ENABLED:
			v->enabled[i] = nla_u64_of(a);
			seen |= 4;
			break;
		case LLKM_CTR_A_RUNNING:
			v->running[i] = nla_u64_of(a);
			seen |= 8;
			break;
		}
	}
	if (seen != 15 || id != want) {
		fprintf(stderr, "Unable to use llkm's value %d: id %u (expected %u), attributes %#x of 0xf\n",
			i, id, want, seen);
		return -1;
	}
	return 0;
}

/* The members in one reply message: how many, or -1. */
static int parse_reply(const uint32_t *ids, int max, const struct nlmsghdr *h,
		       struct vals *v)
{
	int len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, n = 0;
	const struct nlattr *a = (const void *)((const char *)NLMSG_DATA(h) + GENL_HDRLEN);

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) != LLKM_A_COUNTER)
			continue;
		if (n >= max) {
			fprintf(stderr, "Unable to use llkm's reply: more than %d values\n", max);
			return -1;
		}
		if (parse_member(a, ids[n], n, v))
			return -1;
		n++;
	}
	return n;
}

/*
 * One COUNTER_READ round trip: 0, or -1 when it failed or returned the
 * wrong values. With an ack it reads on to the ack.
 */
static int llkm_read(struct bench *b, enum method m, struct vals *v)
{
	const uint32_t *ids = method[m].one ? &b->id_one : b->id;
	int want = method[m].one ? 1 : NR_EVENTS, ack = method[m].ack;
	struct nl_req *r = &b->req[m];
	int members = -1, done = 0;

	if (send(b->nl_fd, r, r->nlh.nlmsg_len, 0) != (ssize_t)r->nlh.nlmsg_len) {
		fprintf(stderr, "Unable to send COUNTER_READ: %s\n", strerror(errno));
		return -1;
	}
	while (!done) {
		ssize_t n = recv(b->nl_fd, b->buf, sizeof(b->buf), 0);
		const struct nlmsghdr *h;

		if (n <= 0) {
			fprintf(stderr, "Unable to receive COUNTER_READ's reply: %s\n",
				n ? strerror(errno) : "end of file");
			return -1;
		}
		for (h = (const void *)b->buf; NLMSG_OK(h, (unsigned int)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (err || !ack || members < 0) {
					fprintf(stderr, "Unable to read %s: %s\n", method[m].name,
						err ? strerror(-err) : "an ack before the reply");
					return -1;
				}
				done = 1;
			} else if (h->nlmsg_type == b->family && members < 0) {
				members = parse_reply(ids, want, h, v);
				if (members < 0)
					return -1;
				done = !ack;
			}
		}
	}
	if (members != want) {
		fprintf(stderr, "Unable to read %s: %d values, expected %d\n", method[m].name,
			members, want);
		return -1;
	}
	return 0;
}

/* One LLKM_IOC_COUNTER_READ: 0, or -1 when it failed or read wrong. */
static int ioctl_read(struct bench *b, enum method m, struct vals *v)
{
	const uint32_t *ids = method[m].one ? &b->id_one : b->id;
	int want = method[m].one ? 1 : NR_EVENTS, i;
	struct llkm_counter_value cv[NR_EVENTS];
	struct llkm_ioc_counter_read r = {
		.portid = b->portid, .id = ids[0], .n = NR_EVENTS,
		.values = (uintptr_t)cv,
	};

	if (ioctl(b->dev, LLKM_IOC_COUNTER_READ, &r) || (int)r.n != want) {
		fprintf(stderr, "Unable to read %s: %s, %u values, expected %d\n",
			method[m].name, strerror(errno), r.n, want);
		return -1;
	}
	for (i = 0; i < want; i++) {
		if (cv[i].id != ids[i]) {
			fprintf(stderr, "Unable to read %s: member %d is %u, expected %u\n",
				method[m].name, i, cv[i].id, ids[i]);
			return -1;
		}
		v->value[i] = cv[i].value;
		v->enabled[i] = cv[i].enabled;
		v->running[i] = cv[i].running;
	}
	return 0;
}

/* Closing the socket would close them too; an error here is still worth a line. */
static void llkm_close(struct bench *b)
{
	uint32_t ids[2] = { b->id[0], b->id_one };
	struct nlattr *nest;
	struct nl_req req;
	int i;

	if (b->dev >= 0)
		close(b->dev);
	if (b->nl_fd < 0)
		return;
	for (i = 0; i < 2; i++) {
		if (!ids[i])
			continue;
		nl_init(&req, b->family, LLKM_CMD_COUNTER_CLOSE);
		nest = nl_nest(&req, LLKM_A_COUNTER);
		nl_put_u32(&req, LLKM_CTR_A_ID, ids[i]);
		nl_nest_end(&req, nest);
		if (nl_transact(b->nl_fd, &req, &b->rep) || b->rep.err)
			fprintf(stderr, "Unable to close llkm counter %u: %s\n", ids[i],
				strerror(b->rep.err ? -b->rep.err : errno));
	}
	close(b->nl_fd);
}

/* ---- the runs -------------------------------------------------------- */

static int read_with(struct bench *b, enum method m, struct vals *v)
{
	if (method[m].llkm == 2)
		return ioctl_read(b, m, v);
	return method[m].llkm ? llkm_read(b, m, v) : perf_read(b, v, method[m].one);
}

/* One trial of @m: READS reads back to back; ns per read, or < 0. */
static double timed(struct bench *b, enum method m, long reads)
{
	uint64_t last = 0;
	struct vals v;
	double t0, t1;
	long i;

	t0 = now_ns();
	for (i = 0; i < reads; i++) {
		if (read_with(b, m, &v))
			return -1;
		if (v.value[0] < last) {
			fprintf(stderr, "Unable to trust %s: task-clock went back from %llu to %llu\n",
				method[m].name, (unsigned long long)last,
				(unsigned long long)v.value[0]);
			return -1;
		}
		last = v.value[0];
	}
	t1 = now_ns();
	return (t1 - t0) / reads;
}

/* Known work between two reads of each group method: each must see it. */
static int check_counts(struct bench *b)
{
	static const enum method group[] = { M_PERF, M_LLKM, M_LLKM_ACK, M_IOCTL };
	const int ng = sizeof(group) / sizeof(group[0]);
	const struct timespec ms = { 0, 1000000 };
	struct vals before[NR_METHODS], after[NR_METHODS];
	long page = sysconf(_SC_PAGESIZE);
	uint64_t d[NR_EVENTS];
	int g, m, i, ret = -1;
	char *p;

	p = mmap(NULL, FAULT_PAGES * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "Unable to map %d pages: %s\n", FAULT_PAGES, strerror(errno));
		return -1;
	}
	/* One fault per page: no transparent huge page may serve 512. */
	madvise(p, FAULT_PAGES * page, MADV_NOHUGEPAGE);
	for (g = 0; g < ng; g++)
		if (read_with(b, group[g], &before[group[g]]))
			goto out;
	for (i = 0; i < FAULT_PAGES; i++)
		p[i * page] = 1;
	for (i = 0; i < SLEEPS; i++)
		nanosleep(&ms, NULL);
	for (g = ng - 1; g >= 0; g--)
		if (read_with(b, group[g], &after[group[g]]))
			goto out;
	for (g = 0; g < ng; g++) {
		m = group[g];
		for (i = 0; i < NR_EVENTS; i++) {
			d[i] = after[m].value[i] - before[m].value[i];
			if (!after[m].running[i] || after[m].running[i] > after[m].enabled[i]) {
				fprintf(stderr, "Unable to trust %s's %s: running %llu ns of %llu enabled\n",
					method[m].name, events[i].name,
					(unsigned long long)after[m].running[i],
					(unsigned long long)after[m].enabled[i]);
				goto out;
			}
		}
		fprintf(stderr, "counter_read_bench: %s saw %llu page faults, %llu context switches, %llu ns of task-clock\n",
			method[m].name, (unsigned long long)d[3], (unsigned long long)d[1],
			(unsigned long long)d[0]);
		if (d[3] < FAULT_PAGES || d[3] > FAULT_PAGES + FAULT_SLACK || d[1] < SLEEPS ||
		    !d[0] || d[0] > 1000000000000ULL) {
			fprintf(stderr, "Unable to trust %s: expected %d to %d page faults, at least %d context switches and some task-clock\n",
				method[m].name, FAULT_PAGES, FAULT_PAGES + FAULT_SLACK, SLEEPS);
			goto out;
		}
	}
	ret = 0;
out:
	munmap(p, FAULT_PAGES * page);
	return ret;
}

static int parse_long(const char *what, const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || *end || *out < min || *out > max) {
		fprintf(stderr, "Unable to use %s '%s': a number from %ld to %ld\n", what, s, min, max);
		return -1;
	}
	return 0;
}

/* The module, unless it is loaded: $LLKM_KO, else ../kmod/llkm.ko from here. */
static int hold_module(int *loaded_here)
{
	static char ko[PATH_MAX + 32];
	char exe[PATH_MAX];
	ssize_t n;

	if (!getenv("LLKM_KO")) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
			snprintf(ko, sizeof(ko), "%s/../kmod/llkm.ko", dirname(exe));
			setenv("LLKM_KO", ko, 0);
		}
	}
	if (llkm_hold(loaded_here)) {
		fprintf(stderr, "Unable to load llkm from %s: needs root and the built module (make at the top)\n",
			getenv("LLKM_KO") ? getenv("LLKM_KO") : "kmod/llkm.ko");
		return -1;
	}
	return 0;
}

#define USAGE "Usage: counter_read_bench [-n READS (20000)] [-t TRIALS (7)] [-c CPU (the last)]\n"

int main(int argc, char **argv)
{
	static struct bench b = { .nl_fd = -1, .dev = -1, .perf_one = -1,
				  .perf_fd = { -1, -1, -1, -1 } };
	long reads = 20000, trials = 7, cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	double ns[NR_METHODS][MAX_TRIALS], med[NR_METHODS];
	int ret = 1, loaded_here = 0, c, i, t, m;
	cpu_set_t set;

	while ((c = getopt(argc, argv, "n:t:c:h")) != -1) {
		switch (c) {
		case 'n':
			if (parse_long("-n READS", optarg, 1, 100000000, &reads))
				return 1;
			break;
		case 't':
			if (parse_long("-t TRIALS", optarg, 1, MAX_TRIALS, &trials))
				return 1;
			break;
		case 'c':
			if (parse_long("-c CPU", optarg, 0, CPU_SETSIZE - 1, &cpu))
				return 1;
			break;
		case 'h':
			printf(USAGE);
			return 0;
		default:
			fprintf(stderr, USAGE);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Unable to use '%s': no operands\n", argv[optind]);
		return 1;
	}

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "Unable to pin to CPU %ld: %s\n", cpu, strerror(errno));
		return 1;
	}
	if (hold_module(&loaded_here))
		return 1;
	if (perf_open(&b) || llkm_open(&b) || check_counts(&b))
		goto cleanup;

	for (t = 0; t < trials; t++) {
		fprintf(stderr, "counter_read_bench: trial %d/%ld, ns/read:", t + 1, trials);
		for (i = 0; i < NR_METHODS; i++) {
			m = (i + t) % NR_METHODS;
			ns[m][t] = timed(&b, m, reads);
			if (ns[m][t] < 0)
				goto cleanup;
		}
		for (m = 0; m < NR_METHODS; m++)
			fprintf(stderr, "%s %s %.0f", m ? "," : "", method[m].name, ns[m][t]);
		fprintf(stderr, "\n");
	}
	if (check_counts(&b))
		goto cleanup;

	for (m = 0; m < NR_METHODS; m++)
		med[m] = median(ns[m], trials);
	printf("# One read of %d software counters of this thread, pinned to CPU %ld:\n"
	       "# %ld reads per trial, median of %ld trials, methods rotating\n",
	       NR_EVENTS, cpu, reads, trials);
	printf("\n| method | ns/read | vs perf read() of the same |\n| --- | --- | --- |\n");
	for (m = 0; m < NR_METHODS; m++)
		printf("| %s | %.0f | %.2fx |\n", method[m].name, med[m], med[m] / med[method[m].base]);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Unable to write the results: %s\n", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	llkm_close(&b);
	if (b.perf_one >= 0)
		close(b.perf_one);
	for (i = NR_EVENTS - 1; i >= 0; i--)
		if (b.perf_fd[i] >= 0)
			close(b.perf_fd[i]);
	llkm_release(loaded_here);
	return ret;
}
