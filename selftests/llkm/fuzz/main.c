// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random and mutated input to every interface of llkm, from several
 * threads, for a bounded number of inputs.
 *
 * Each input is one of (weights in percent, the table below)
 *
 *   genl     generic netlink messages of the llkm family (genl.c)
 *   ioctl    /dev/llkm ioctls, with good and bad pointers (ioctl.c)
 *   mmap     mappings of /dev/llkm, then abused (mmap.c)
 *   file     read, write, poll, epoll, lseek, close and reopen (file.c)
 *   session  a ring consumer's valid steps: trace, map, counter (session.c)
 *   probe    valid probe runs with tiny budgets, mutated (probe.c)
 *
 * Input i is a function of --seed and i alone (its own PRNG stream), so a
 * report names the seed and input to --replay. What the inputs do to the
 * module's state still depends on the threads' interleaving. What is never
 * sent is in guard.c; messages go to the llkm family only, ioctls to
 * /dev/llkm only.
 *
 * Failure: a hang (no input completed for --hang seconds), a kernel taint
 * flag raised during the run (a WARN, an oops, a lockup, a bad page),
 * counters left open after every socket closed (GET_INFO's
 * LLKM_A_COUNTERS_OPEN), a session still running, or with --unpriv a
 * privileged request served. The caller checks the kernel log as well
 * (fuzz_test.sh, selftests/vm/run).
 *
 * This file is the driver, on top of the rest: the options, the setup,
 * the threads running inputs through the table below, the watchdog, the
 * summary and the end checks. core.h maps the files under it.
 */
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "core.h"

/* ---- the interfaces ---------------------------------------------------- */

static const struct iface {
	const char *name;		/* in the summary and reports */
	unsigned int weight;		/* percent of the inputs */
	void (*one)(struct thread *t, struct rng *r);
} ifaces[NCAT] = {
	[CAT_GENL] = { "genl", 62, fuzz_genl },
	[CAT_IOCTL] = { "ioctl", 12, fuzz_ioctl },
	[CAT_MMAP] = { "mmap", 10, fuzz_mmap },
	[CAT_FILE] = { "file", 8, fuzz_file },
	[CAT_SESSION] = { "session", 6, fuzz_session },
	[CAT_PROBE] = { "probe", 2, fuzz_probe },
};

/* ---- threads, the watchdog, the summary ---------------------------------- */

static _Atomic long next_input;
static _Atomic long done_inputs;

static enum cat pick_cat(struct rng *r)
{
	unsigned int x = below(r, 100), c;

	for (c = 0; c < NCAT - 1; c++) {
		if (x < ifaces[c].weight)
			break;
		x -= ifaces[c].weight;
	}
	return c;
}

static void run_input(struct thread *t, long i)
{
	struct rng r = { opt.seed ^ ((uint64_t)i * 0xd1342543de82ef95ULL) };
	enum cat c;

	rnd(&r);
	c = pick_cat(&r);
	t->current = i;
	t->cat = c;
	t->st.inputs[c]++;
	ifaces[c].one(t, &r);
	t->step = "between inputs";
	done_inputs++;
}

static __thread struct thread *self;

/* The fuzzer's own crash: say which input did it, for --replay. */
static void crashed(int sig)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "fuzz: signal %d in input %ld (%s), in %s, seed %"
		     PRIu64 "\n", sig, self ? (long)self->current : -1L,
		     self ? ifaces[self->cat].name : "-", self ? self->step : "-", opt.seed);
	if (write(STDERR_FILENO, buf, n) < 0)
		_exit(1);
	_exit(1);
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	long i;
	int k;

	self = t;
	if (opt.replay >= 0) {
		if (t->idx == 0)
			run_input(t, opt.replay);
	} else {
		while ((i = next_input++) < opt.inputs)
			run_input(t, i);
	}
	for (k = 0; k < MAPS_KEEP; k++)
		map_drop(t, k);
	return NULL;
}

static int thread_setup(struct thread *t, int idx)
{
	t->idx = idx;
	t->nl = -1;
	t->current = -1;
	t->rbuf = malloc(RECV_MAX);
	if (!t->rbuf || nl_reopen(t)) {
		fprintf(stderr, "Unable to open a generic netlink socket: %s\n",
			strerror(errno));
		return -1;
	}
	t->dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
	if (t->dev < 0 && inherited_dev >= 0)
		t->dev = dup(inherited_dev);
	t->step = "starting";
	return 0;
}

static void thread_teardown(struct thread *t)
{
	if (t->nl >= 0)
		close(t->nl);
	if (t->dev >= 0)
		close(t->dev);
	free(t->rbuf);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns 0 when the threads finished, -1 on a hang (they are left). */
static int watch(struct thread *th, int n, double t0)
{
	long last = -1, total = opt.replay >= 0 ? 1 : opt.inputs;
	double since = now();
	bool tty = isatty(STDERR_FILENO);
	int i;

	for (;;) {
		long done = done_inputs;

		if (done >= total)
			return 0;
		if (done != last) {
			last = done;
			since = now();
		} else if (now() - since > opt.hang) {
			fprintf(stderr, "fuzz: hang: no input completed for %d s (seed %" PRIu64
				"); threads:\n", opt.hang, opt.seed);
			for (i = 0; i < n; i++)
				fprintf(stderr, "fuzz:   thread %d: input %ld (%s), in %s\n",
					i, (long)th[i].current, ifaces[th[i].cat].name,
					th[i].step);
			return -1;
		}
		if (tty)
			fprintf(stderr, "\rfuzz: %ld/%ld inputs, %.0f s", done, total,
				now() - t0);
		usleep(200000);
	}
}

/* Prints the summary; returns the privileged requests served (--unpriv). */
static long summary(struct thread *th, int n, double secs)
{
	struct stats all = { 0 };
	long inputs = 0;
	int i, c, e;

	for (i = 0; i < n; i++) {
		for (c = 0; c < NCAT; c++) {
			all.inputs[c] += th[i].st.inputs[c];
			all.ok[c] += th[i].st.ok[c];
			for (e = 0; e <= NERR; e++)
				all.err[c][e] += th[i].st.err[c][e];
		}
		all.capped += th[i].st.capped;
		all.replies += th[i].st.replies;
		all.served += th[i].st.served;
	}
	for (c = 0; c < NCAT; c++)
		inputs += all.inputs[c];
	printf("seed %" PRIu64 "\n", opt.seed);
	printf("inputs %ld\nthreads %d\nseconds %.1f\ninputs_per_second %.0f\n",
	       inputs, n, secs, secs > 0 ? inputs / secs : 0.0);
	printf("replies %ld\ncapped_by_guard_rails %ld\n", all.replies, all.capped);
	if (opt.unpriv)
		printf("privileged_served %ld\n", all.served);
	for (c = 0; c < NCAT; c++) {
		printf("%s: inputs %ld ok %ld", ifaces[c].name, all.inputs[c], all.ok[c]);
		for (e = 1; e <= NERR; e++)
			if (all.err[c][e])
				printf(" %s %ld", e < NERR ? (strerrorname_np(e) ?: "?") : "other",
				       all.err[c][e]);
		printf("\n");
	}
	return all.served;
}

/* ---- setup and end checks ---------------------------------------------- */

static long taint(void)
{
	char buf[32];

	return read_line("/proc/sys/kernel/tainted", buf, sizeof(buf)) ? -1 :
	       strtol(buf, NULL, 10);
}

/* Taints that are not a kernel report: proprietary, out-of-tree, unsigned. */
#define TAINT_BENIGN	((1L << 0) | (1L << 12) | (1L << 13))

static void read_pmu_types(void)
{
	static const char *const names[] = { "kprobe", "uprobe" };
	char path[128], buf[32];
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	const struct nlattr *p;
	struct nl_req req;
	int fd = nl_open(), rem, i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type",
			 names[i]);
		if (!read_line(path, buf, sizeof(buf)))
			banned_types[i] = strtoul(buf, NULL, 10);
	}
	if (fd < 0 || !rep)
		goto cleanup;
	nl_init(&req, family, LLKM_CMD_GET_INFO);
	if (nl_transact(fd, &req, rep) || rep->err || !rep->len)
		goto cleanup;
	nl_reply_attrs(rep, tb);
	if (tb[LLKM_A_CPUS_POSSIBLE])
		ncpus = nla_u32_of(tb[LLKM_A_CPUS_POSSIBLE]);
	if (!tb[LLKM_A_PMUS])
		goto cleanup;
	for (p = nla_data_of(tb[LLKM_A_PMUS]), rem = nla_len_of(tb[LLKM_A_PMUS]);
	     rem >= NLA_HDRLEN && p->nla_len <= rem && npmu < 32;
	     rem -= NLA_ALIGN(p->nla_len),
	     p = (const void *)((const char *)p + NLA_ALIGN(p->nla_len))) {
		const struct nlattr *pt[NL_MAXATTR + 1];

		nl_attrs(nla_data_of(p), nla_len_of(p), pt);
		if (pt[LLKM_PMU_A_TYPE])
			pmu_types[npmu++] = nla_u32_of(pt[LLKM_PMU_A_TYPE]);
	}
cleanup:
	if (fd >= 0)
		close(fd);
	free(rep);
}

/* After every socket closed: nothing of ours may stay open. */
static int end_checks(void)
{
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct pollfd pfd = { .events = POLLIN };
	struct nl_req req;
	int fd = nl_open(), ret = 1;
	uint32_t open_ctr;

	if (fd < 0 || !rep) {
		fprintf(stderr, "fuzz: Unable to query llkm at the end: %s\n", strerror(errno));
		goto cleanup;
	}
	nl_init(&req, family, LLKM_CMD_GET_INFO);
	if (nl_transact(fd, &req, rep) || rep->err) {
		fprintf(stderr, "fuzz: Unable to GET_INFO at the end: %s\n",
			strerror(rep->err ? -rep->err : errno));
		goto cleanup;
	}
	nl_reply_attrs(rep, tb);
	open_ctr = tb[LLKM_A_COUNTERS_OPEN] ? nla_u32_of(tb[LLKM_A_COUNTERS_OPEN]) : 0;
	printf("counters_open_at_end %u\n", open_ctr);
	if (open_ctr) {
		fprintf(stderr, "fuzz: leak: %u counters open after every socket closed\n",
			open_ctr);
		goto cleanup;
	}
	pfd.fd = inherited_dev >= 0 ? inherited_dev : open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
	if (pfd.fd >= 0) {
		poll(&pfd, 1, 0);
		printf("session_running_at_end %s\n", pfd.revents & POLLHUP ? "no" : "yes");
		if (!(pfd.revents & POLLHUP)) {
			fprintf(stderr, "fuzz: a trace session still runs after its owner closed\n");
			goto cleanup;
		}
		if (pfd.fd != inherited_dev)
			close(pfd.fd);
	} else {
		printf("session_running_at_end not-measured (%s)\n", strerror(errno));
	}
	ret = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	free(rep);
	return ret;
}

/*
 * Root opens /dev/llkm first: a file handed to an unprivileged process
 * keeps working, as perf's do; everything else is refused to nobody.
 */
static int drop_to_nobody(void)
{
	if (geteuid() != 0)
		return 0;	/* unprivileged already */
	inherited_dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	return 0;
}

/* ---- options ---------------------------------------------------------- */

static const struct option longopts[] = {
	{ "seed", required_argument, NULL, 's' },
	{ "inputs", required_argument, NULL, 'n' },
	{ "threads", required_argument, NULL, 't' },
	{ "unpriv", no_argument, NULL, 'u' },
	{ "corpus", required_argument, NULL, 'c' },
	{ "replay", required_argument, NULL, 'r' },
	{ "hang", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What helps[] says; the seed comes from the clock. */
static const struct opts defaults = {
	.inputs = 10000,
	.threads = 4,
	.replay = -1,
	.hang = 60,
};

static const char *const helps[] = {
	"N       PRNG seed (default: from the clock; always printed)",
	"N       inputs to run (default 10000)",
	"N       threads sending them (default 4, at most 64)",
	"        drop to nobody first (a /dev/llkm fd opened before stays)",
	"DIR     seed messages, *.msg (default: fuzz-corpus beside this program)",
	"I       run input I of --seed alone, in one thread",
	"SEC     a hang: no input completed for SEC seconds (default 60)",
	"        this text",
};

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: fuzz [OPTIONS]\n"
		"Random and mutated generic netlink messages, ioctls, mmaps and file\n"
		"operations to llkm (loaded), from several threads. Exit 0 without a hang,\n"
		"a new kernel taint, a counter or session left, or (--unpriv) a privileged\n"
		"request served; 1 otherwise; 2 on usage errors. The summary goes to stdout.\n\n");
	for (i = 0; longopts[i].name; i++)
		fprintf(f, "  --%-8s %s\n", longopts[i].name, helps[i]);
}

static int number_arg(const char *name, const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 0);
	if (errno || *end || !*s || *out < lo || *out > hi) {
		fprintf(stderr, "Unable to parse --%s '%s': a number in [%ld, %ld]\n",
			name, s, lo, hi);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv)
{
	long v;
	int c;

	opt = defaults;
	opt.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			opt.seed = strtoull(optarg, NULL, 0);
			if (errno) {
				fprintf(stderr, "Unable to parse --seed '%s': a 64-bit number\n",
					optarg);
				return -1;
			}
			break;
		case 'n':
			if (number_arg("inputs", optarg, 1, 1000000000L, &opt.inputs))
				return -1;
			break;
		case 't':
			if (number_arg("threads", optarg, 1, THREADS_MAX, &v))
				return -1;
			opt.threads = v;
			break;
		case 'u':
			opt.unpriv = true;
			break;
		case 'c':
			opt.corpus = optarg;
			break;
		case 'r':
			if (number_arg("replay", optarg, 0, 1000000000L, &opt.replay))
				return -1;
			break;
		case 'H':
			if (number_arg("hang", optarg, 1, 3600, &v))
				return -1;
			opt.hang = v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Unable to use argument '%s': fuzz takes options only\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

static const char *default_corpus(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return "fuzz-corpus";
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/fuzz-corpus", dirname(exe));
	return path;
}

int main(int argc, char **argv)
{
	struct thread *th = NULL;
	long taint0, taint1, served;
	double t0;
	int ret = 1, i, started = 0, fd;

	if (parse_opts(argc, argv))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGSEGV, crashed);
	signal(SIGBUS, crashed);
	fd = nl_open();
	family = fd < 0 ? -1 : nl_family(fd, LLKM_GENL_NAME);
	if (family >= 0)
		events_group = nl_mcast_group(fd, LLKM_GENL_NAME, LLKM_GENL_MCGRP_EVENTS);
	if (fd >= 0)
		close(fd);
	if (family < 0) {
		fprintf(stderr, "Unable to find the genl family '%s': is llkm loaded?\n",
			LLKM_GENL_NAME);
		return 1;
	}
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	read_pmu_types();
	if (ncpus < 1)
		ncpus = 1;
	if (load_corpus(opt.corpus ? opt.corpus : default_corpus()) || ioctl_setup())
		return 1;
	if (opt.unpriv && drop_to_nobody()) {
		fprintf(stderr, "Unable to drop to nobody: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "fuzz: seed %" PRIu64 ", %ld inputs, %d threads, %d seeds, uid %d\n",
		opt.seed, opt.replay >= 0 ? 1 : opt.inputs, opt.threads, ncorpus, geteuid());
	th = calloc(opt.threads, sizeof(*th));
	if (!th)
		goto cleanup;
	taint0 = taint();
	t0 = now();
	for (i = 0; i < opt.threads; i++)
		if (thread_setup(&th[i], i))
			goto cleanup;
	for (i = 0; i < opt.threads; i++, started++)
		if (pthread_create(&th[i].tid, NULL, thread_main, &th[i])) {
			fprintf(stderr, "Unable to start thread %d\n", i);
			goto cleanup;
		}
	if (watch(th, opt.threads, t0)) {
		/* Threads stuck in the kernel: report, do not join them. */
		summary(th, opt.threads, now() - t0);
		fflush(stdout);
		_exit(1);
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	started = 0;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\n");
	for (i = 0; i < opt.threads; i++)
		thread_teardown(&th[i]);
	served = summary(th, opt.threads, now() - t0);
	free(th);
	th = NULL;
	taint1 = taint();
	printf("taint_before %ld\ntaint_after %ld\n", taint0, taint1);
	if (taint0 >= 0 && taint1 >= 0 && (taint1 & ~taint0 & ~TAINT_BENIGN)) {
		fprintf(stderr, "fuzz: the kernel was tainted during the run: %ld -> %ld "
			"(see the kernel log)\n", taint0, taint1);
		goto cleanup;
	}
	ret = end_checks();
	if (!ret && served) {
		fprintf(stderr, "fuzz: %ld privileged requests were served to an unprivileged caller\n",
			served);
		ret = 1;
	}
cleanup:
	for (i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	free(th);
	return ret;
}
