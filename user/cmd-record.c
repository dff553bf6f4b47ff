// SPDX-License-Identifier: GPL-2.0
/*
 * llctl record: sample a command through an llkm counter into perf.data.
 *
 * The samples come from llkm: a counter on the command (inherited by its
 * children, enabled at its execve) whose overflow handler writes
 * LLKM_REC_SAMPLE records into this socket's session rings. The mappings
 * a reader needs to name functions (MMAP2, COMM, FORK, EXIT) come from the
 * kernel's own side-band records, through a dummy perf event per CPU on
 * the command (profile/sideband.c), as perf record gets them. Both carry
 * CLOCK_MONOTONIC times, so they merge in order in the file.
 *
 * Nothing is degraded silently: samples the rings had no room for and
 * side-band records the kernel dropped are counted, written into the file
 * as LOST records and said on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "cmd.h"
#include "config/config.h"
#include "lib/nl.h"
#include "lib/options.h"
#include "lib/rootfs.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "profile/perfdata.h"
#include "profile/pmu-events.h"
#include "profile/sideband.h"
#include "trace/rings.h"

#define DEFAULT_FREQ	4000	/* Hz, perf record's default */

static const struct llctl_opt record_opt[] = {
	{ "event", 'e', "EV", "Sample this event (default: cycles, or cpu-clock without a hardware PMU)", .type = LLCTL_OPT_CALL },
	{ "count", 'c', "PERIOD", "One sample every PERIOD events", .type = LLCTL_OPT_CALL },
	{ "freq", 'F', "HZ", "About HZ samples a second (default 4000, or the applied tuning profile's sampling_rate)", .type = LLCTL_OPT_CALL },
	{ "call-graph", 'g', NULL, "Record call chains (user stacks by frame pointers; the default when the tuning profile sets stack_depth)", .type = LLCTL_OPT_CALL },
	{ "output", 'o', "FILE", "Write perf.data to FILE (default perf.data)", .type = LLCTL_OPT_CALL },
	{ 0 }
};

static const struct llctl_opts record_opts = {
	.cmd = "record",
	.synopsis = "[-e EV] [-c PERIOD | -F HZ] [-g] [-o FILE] -- CMD [ARGS...]",
	.summary = "Sample a command into a perf.data file ('llctl report', 'perf report' read it).",
	.opt = record_opt,
};

struct recorder {
	struct prof_pd_writer *w;
	uint32_t id;		/* the sampling counter */
	uint64_t samples, foreign, bad;
	unsigned int max_frames;	/* 0: all; else the profile's stack_depth */
	uint64_t chain[LLKM_SAMPLE_STACK_MAX];
};

static void add_sample(const struct llkm_rec *rec, void *arg)
{
	const struct llkm_rec_sample *s = (const void *)(rec + 1);
	struct recorder *r = arg;
	struct prof_pd_sample ps;
	unsigned int n;

	if (rec->type != LLKM_REC_SAMPLE)
		return;
	if (s->id != r->id) {
		r->foreign++;
		return;
	}
	n = s->nr_kernel + s->nr_user;
	if (rec->size < sizeof(*rec) + sizeof(*s) + n * sizeof(uint64_t) ||
	    n > LLKM_SAMPLE_STACK_MAX) {
		r->bad++;
		return;
	}
	memcpy(r->chain, s->ips, n * sizeof(uint64_t));
	ps = (struct prof_pd_sample){
		.time_ns = rec->time_ns, .pid = rec->pid, .tid = rec->tid,
		.cpu = rec->cpu, .ip = s->ip, .period = s->period,
		.user = s->flags & LLKM_SAMPLE_USER,
		.nr_kernel = s->nr_kernel, .nr_user = s->nr_user,
		.chain = r->chain,
	};
	if (r->max_frames && n > r->max_frames) {
		/* Innermost first: kernel frames, then user ones. */
		ps.nr_kernel = s->nr_kernel < r->max_frames ? s->nr_kernel : r->max_frames;
		ps.nr_user = r->max_frames - ps.nr_kernel;
		memmove(r->chain + ps.nr_kernel, r->chain + s->nr_kernel,
			ps.nr_user * sizeof(uint64_t));
	}
	if (prof_pd_write_sample(r->w, &ps))
		r->bad++;
	else
		r->samples++;
}

static int add_sideband(const struct perf_event_header *h, void *ctx)
{
	struct recorder *r = ctx;
	int ret = prof_pd_write_sideband(r->w, h);

	/* A record too short for its type is counted by the writer. */
	return ret && ret != -EINVAL ? -1 : 0;
}

/* Side-band first: a sample's mapping is recorded before the sample. */
static void drain(struct recorder *r, struct prof_sb *sb, struct trace_rings *rs)
{
	if (sb)
		prof_sb_drain(sb, add_sideband, r);
	trace_rings_drain(rs, add_sample, r);
}

static int parse_u64(const char *s, const char *what, uint64_t max,
		     uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end || !*out || *out > max) {
		llctl_err("Unable to use %s '%s': give a number from 1 to %" PRIu64,
			  what, s, max);
		return -1;
	}
	return 0;
}

static int possible_cpus(void)
{
	char *s = llctl_root_read(NULL, "sys/devices/system/cpu/possible");
	int n = s ? llctl_cpulist_count(s) : -1;

	free(s);
	return n;
}

int cmd_record(int argc, char **argv)
{
	struct recorder r = { 0 };
	struct cfg_defaults cd = { .stack_depth = -1 };
	struct trace_rings rs = { 0 };
	struct llctl_counter_req req = { .cpu = -1 };
	struct llctl_trace_req treq = { .ring_mode = -1 };
	struct prof_event ev;
	struct llkm_counter_value val = { 0 };
	struct pollfd pfd[2 + 512];
	struct prof_pd_event pde = { 0 };
	struct prof_pd_counts pc;
	const char *spec = NULL, *out = "perf.data";
	uint64_t period = 0, freq = 0;
	int ret = 1, c, go = -1, dev = -1, ncpus, status = 0, nfd, err;
	char errbuf[512], *arg, *path = NULL;
	uint32_t size, mode;
	struct llctl_nl nl = { 0 };
	struct prof_sb *sb = NULL;
	bool callchain = false, started = false;
	pid_t child = -1;

	while ((c = llctl_next_opt(argc, argv, &record_opts, &arg)) != -1) {
		switch (c) {
		case 'e':
			spec = arg;
			break;
		case 'c':
			if (parse_u64(arg, "period", INT64_MAX, &period))
				return 1;
			break;
		case 'F':
			if (parse_u64(arg, "frequency", LLKM_SAMPLE_FREQ_MAX, &freq))
				return 1;
			break;
		case 'g':
			callchain = true;
			break;
		case 'o':
			out = arg;
			break;
		case 'h':
			llctl_usage(stdout, &record_opts);
			return llctl_stdout_close();
		default:
			llctl_usage(stderr, &record_opts);
			return 1;
		}
	}
	if (optind >= argc) {
		llctl_err("Unable to record: give the command after '--'");
		llctl_usage(stderr, &record_opts);
		return 1;
	}
	if (period && freq) {
		llctl_err("Unable to record: -c and -F exclude each other");
		return 1;
	}
	cfg_defaults(&cd);
	if (!period && !freq)
		freq = cd.sampling_rate ? (uint64_t)cd.sampling_rate : DEFAULT_FREQ;
	if (cd.stack_depth > 0) {
		callchain = true;	/* the profile's default; -g is the same */
		r.max_frames = cd.stack_depth;
	}
	cfg_defaults_free(&cd);
	if (!spec) {
		spec = prof_have_hw_pmu() ? "cycles" : "cpu-clock";
		if (strcmp(spec, "cycles"))
			llctl_err("note: no hardware PMU here: sampling cpu-clock");
	}
	if (prof_event_parse(spec, &ev, errbuf, sizeof(errbuf))) {
		llctl_err("%s", errbuf);
		return 1;
	}
	path = llctl_resolve_cmd(argv[optind]);
	if (!path) {
		llctl_err("Unable to run '%s': not found or not executable",
			  argv[optind]);
		return 1;
	}
	ncpus = possible_cpus();
	err = llctl_nl_open(&nl);
	if (err) {
		llctl_err("Unable to record: %s", llctl_nl_strerror(err));
		goto out;
	}
	dev = open("/dev/" LLKM_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		llctl_err("Unable to open /dev/%s: %s", LLKM_DEVICE_NAME,
			  strerror(errno));
		goto out;
	}
	err = llctl_nl_trace_start(&nl, &treq, &size, &mode);
	if (err) {
		llctl_err("Unable to start the sample rings: %s",
			  err == -EBUSY ? "another trace session is running (llctl trace?)" :
			  llctl_nl_strerror(err));
		goto out;
	}
	started = true;
	err = trace_rings_map(&rs, dev, ncpus, size, mode);
	if (err) {
		llctl_err("Unable to map the rings: %s", strerror(-err));
		goto out;
	}
	child = llctl_spawn_held(argv + optind, path, &go);
	if (child < 0) {
		llctl_err("Unable to start '%s': %s", argv[optind], strerror(errno));
		goto out;
	}
	err = prof_sb_open(child, &sb);
	if (err) {
		llctl_err("warning: no mapping records (%s): user functions will show as addresses",
			  prof_sb_hint(err));
		sb = NULL;
	}
	req.type = ev.type;
	req.config = ev.config;
	req.config1 = ev.config1;
	req.config2 = ev.config2;
	req.pid = child;
	req.period = freq ? freq : period;
	req.flags = LLKM_CTR_F_INHERIT | LLKM_CTR_F_DISABLED |
		    LLKM_CTR_F_ENABLE_ON_EXEC |
		    (freq ? LLKM_CTR_F_FREQ : 0) |
		    (callchain ? LLKM_CTR_F_CALLCHAIN : 0) |
		    (ev.exclude_user ? LLKM_CTR_F_EXCLUDE_USER : 0) |
		    (ev.exclude_kernel ? LLKM_CTR_F_EXCLUDE_KERNEL : 0);
	err = llctl_nl_counter_open(&nl, &req, &r.id);
	if (err) {
		llctl_err("Unable to sample '%s': %s", ev.name,
			  prof_perf_err_hint(err, &ev, errbuf, sizeof(errbuf)));
		goto out;
	}
	pde = (struct prof_pd_event){
		.name = ev.name, .type = ev.type, .config = ev.config,
		.config1 = ev.config1, .config2 = ev.config2,
		.period_or_freq = req.period, .freq = freq != 0,
		.callchain = callchain,
	};
	r.w = prof_pd_create(out, &pde, &err);
	if (!r.w) {
		llctl_err("Unable to write '%s': %s", out, strerror(-err));
		goto out;
	}
	err = prof_pd_write_kernel_map(r.w);
	if (err)
		llctl_err("warning: no kernel map (%s): kernel functions will show as addresses",
			  err == -EPERM ? "kptr_restrict hides /proc/kallsyms addresses" :
			  strerror(-err));
	/*
	 * The command's name before its exec, as perf synthesizes it: the
	 * first samples come in exec, before the kernel's COMM record.
	 */
	err = prof_pd_write_comm(r.w, &(struct prof_pd_comm){
		.pid = child, .tid = child, .comm = LLCTL_SPAWN_COMM,
	});
	if (err) {
		llctl_err("Unable to write '%s': %s", out, strerror(-err));
		goto out;
	}
	signal(SIGINT, SIG_IGN);	/* Ctrl-C is the command's */
	if (write(go, "g", 1) != 1) {
		llctl_err("Unable to start '%s'", argv[optind]);
		goto out;
	}
	close(go);
	go = -1;

	pfd[0] = (struct pollfd){ .fd = dev, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = syscall(SYS_pidfd_open, child, 0),
				  .events = POLLIN };
	nfd = 2 + (sb ? prof_sb_fds(sb, pfd + 2, 512) : 0);
	for (;;) {
		drain(&r, sb, &rs);
		if (waitpid(child, &status, WNOHANG) == child) {
			child = -1;
			break;
		}
		poll(pfd, nfd, 100);
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	if (llctl_nl_counter_read(&nl, r.id, &val, 1) != 1)
		llctl_err("warning: cannot read the sample counts");
	llctl_nl_counter_close(&nl, r.id);
	llctl_nl_trace_stop(&nl);
	started = false;
	drain(&r, sb, &rs);
	if (val.samples_lost)
		prof_pd_write_lost_samples(r.w, val.samples_lost, 0);
	prof_pd_writer_counts(r.w, &pc);
	err = prof_pd_close(r.w);
	r.w = NULL;
	if (err) {
		llctl_err("Unable to write '%s': %s", out, strerror(-err));
		goto out;
	}
	fprintf(stderr, "llctl record: %" PRIu64 " samples of %s at %s%" PRIu64 " written to %s",
		r.samples, ev.name, freq ? "" : "every ", freq ? freq : period, out);
	if (freq)
		fprintf(stderr, " (Hz)");
	fprintf(stderr, "; %" PRIu64 " lost in the rings, %" PRIu64 " mapping records (%" PRIu64 " lost)\n",
		(uint64_t)val.samples_lost, pc.sideband, sb ? prof_sb_lost(sb) : 0);
	if (r.bad)
		llctl_err("warning: %" PRIu64 " malformed samples skipped", r.bad);
	if (val.samples_lost)
		llctl_err("warning: %" PRIu64 " of %" PRIu64 " samples were lost: lower -F, or raise llkm's ring_size parameter",
			  (uint64_t)val.samples_lost, (uint64_t)val.samples);
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	if (r.w) {
		prof_pd_close(r.w);
		unlink(out);	/* no half file */
	}
	if (go >= 0)
		close(go);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (sb)
		prof_sb_close(sb);
	if (started)
		llctl_nl_trace_stop(&nl);
	if (rs.ring)
		trace_rings_unmap(&rs);
	if (dev >= 0)
		close(dev);
	if (nl.sk)
		llctl_nl_close(&nl);
	free(path);
	return ret;
}
