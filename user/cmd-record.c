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
#include "lib/spawn.h"
#include "lib/text.h"
#include "lib/util.h"
#include "profile/perfdata.h"
#include "profile/pmu-events.h"
#include "profile/sideband.h"
#include "trace/session.h"

#define DEFAULT_FREQ	4000	/* Hz, perf record's default */


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
static void drain(struct recorder *r, struct prof_sb *sb,
		  struct trace_session *ts)
{
	if (sb)
		prof_sb_drain(sb, add_sideband, r);
	trace_session_drain(ts, add_sample, r);
}

struct record_args {
	struct llctl_list events;	/* -e, as given (one is sampled) */
	const char *spec;	/* the one -e, or NULL: the default event */
	const char *out;
	uint64_t period, freq;	/* -c, -F: one of them, or neither */
	bool callchain;
	char **cmd;		/* after '--', or NULL */
};

static const struct llctl_opt record_opt[] = {
	{ "event", 'e', "EV", "Sample this event (default: cycles, or cpu-clock without a hardware PMU)",
	  .type = LLCTL_OPT_LIST, LLCTL_FIELD(struct record_args, events) },
	{ "count", 'c', "PERIOD", "One sample every PERIOD events",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct record_args, period), .min = 1, .max = INT64_MAX },
	{ "freq", 'F', "HZ", "About HZ samples a second (default 4000, or the applied tuning profile's sampling_rate)",
	  .type = LLCTL_OPT_NUM, LLCTL_FIELD(struct record_args, freq), .min = 1, .max = LLKM_SAMPLE_FREQ_MAX },
	{ "call-graph", 'g', NULL, "Record call chains (user stacks by frame pointers; the default when the tuning profile sets stack_depth)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct record_args, callchain) },
	{ "output", 'o', "FILE", "Write perf.data to FILE (default perf.data)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct record_args, out) },
	{ 0 }
};

static const struct llctl_opts record_opts = {
	.cmd = "record",
	.synopsis = "[-e EV] [-c PERIOD | -F HZ] [-g] [-o FILE] -- CMD [ARGS...]",
	.summary = "Sample a command into a perf.data file ('llctl report', 'perf report' read it).",
	.opt = record_opt,
	.operands = true,
};

struct record {
	struct record_args a;
	struct recorder r;
	struct prof_event ev;
	struct llctl_nl nl;
	struct trace_session ts;
	struct prof_sb *sb;
	uint64_t period;	/* the counter's: a period or a frequency */
	struct llkm_counter_value val;
	char *path;
	pid_t child;
	int go;
	int status;		/* the command's wait status */
};

/* 0, 1 on a bad option, -1 after --help. */
static int record_parse(int argc, char **argv, struct record_args *a)
{
	int n = llctl_parse(argc, argv, &record_opts, a);

	if (n < 0)
		return n;
	a->cmd = n < argc ? argv + n : NULL;
	a->spec = a->events.n ? a->events.v[0] : NULL;
	return 0;
}

static int record_check(const struct record_args *a)
{
	if (a->events.n > 1) {
		llctl_err("Unable to sample '%s' and '%s': llctl record samples one event; give one -e (run one record per event)",
			  a->events.v[0], a->events.v[1]);
		return 1;
	}
	if (!a->cmd) {
		llctl_err("Unable to record: give the command after '--'");
		llctl_usage(stderr, &record_opts);
		return 1;
	}
	if (a->period && a->freq) {
		llctl_opt_bad(&record_opts, 'F', NULL, "-c and -F exclude each other");
		return 1;
	}
	return 0;
}

/* -e names one event: perf record's lists sample each, llctl's one. */
static int one_event(const char *spec)
{
	char err[512], *copy = strdup(spec), *s = copy;
	int n = 0;

	if (!copy)
		return -1;
	while (prof_event_next(&s, err, sizeof(err)))
		n++;
	free(copy);
	if (err[0] || n != 1) {
		llctl_err("Unable to sample '%s': llctl record samples one event; give one (run one record per event)",
			  spec);
		return -1;
	}
	return 0;
}

/* What was not given: the tuning profile's, else perf record's. */
static int record_defaults(struct record *rec)
{
	struct cfg_defaults cd = { .stack_depth = -1 };
	struct record_args *a = &rec->a;
	char errbuf[512] = "";

	cfg_defaults(&cd);
	if (!a->period && !a->freq)
		a->freq = cd.sampling_rate ? (uint64_t)cd.sampling_rate : DEFAULT_FREQ;
	if (cd.stack_depth > 0) {
		a->callchain = true;	/* the profile's default; -g is the same */
		rec->r.max_frames = cd.stack_depth;
	}
	cfg_defaults_free(&cd);
	if (!a->spec) {
		a->spec = prof_have_hw_pmu() ? "cycles" : "cpu-clock";
		if (strcmp(a->spec, "cycles"))
			llctl_err("note: no hardware PMU here: sampling cpu-clock");
	}
	if (one_event(a->spec) ||
	    prof_event_parse(a->spec, &rec->ev, errbuf, sizeof(errbuf))) {
		if (errbuf[0])
			llctl_err("%s", errbuf);
		return 1;
	}
	rec->period = a->freq ? a->freq : a->period;
	return 0;
}

/* The session whose rings the samples go into. */
static int record_rings(struct record *rec)
{
	struct llctl_trace_req treq = { .ring_mode = -1 };
	int err = llctl_nl_open(&rec->nl);

	if (err) {
		llctl_err("Unable to record: %s", llctl_nl_strerror(err));
		return 1;
	}
	if (trace_session_open(&rec->ts, &rec->nl) ||
	    trace_session_start(&rec->ts, &treq, trace_session_cpus())) {
		llctl_err("Unable to %s", rec->ts.why);
		return 1;
	}
	return 0;
}

/* The held command, its side-band records and the sampling counter. */
static int record_spawn(struct record *rec)
{
	const struct prof_event *ev = &rec->ev;
	struct llctl_counter_req req = { .cpu = -1 };
	char errbuf[512];
	int err;

	rec->child = llctl_spawn_held(rec->a.cmd, rec->path, &rec->go);
	if (rec->child < 0) {
		llctl_err("Unable to start '%s': %s", rec->a.cmd[0], strerror(errno));
		return 1;
	}
	err = prof_sb_open(rec->child, &rec->sb);
	if (err) {
		llctl_err("warning: no mapping records (%s): user functions will show as addresses",
			  prof_sb_hint(err));
		rec->sb = NULL;
	}
	req.type = ev->type;
	req.config = ev->config;
	req.config1 = ev->config1;
	req.config2 = ev->config2;
	req.pid = rec->child;
	req.period = rec->period;
	req.flags = LLKM_CTR_F_INHERIT | LLKM_CTR_F_DISABLED |
		    LLKM_CTR_F_ENABLE_ON_EXEC |
		    (rec->a.freq ? LLKM_CTR_F_FREQ : 0) |
		    (rec->a.callchain ? LLKM_CTR_F_CALLCHAIN : 0) |
		    (ev->exclude_user ? LLKM_CTR_F_EXCLUDE_USER : 0) |
		    (ev->exclude_kernel ? LLKM_CTR_F_EXCLUDE_KERNEL : 0);
	err = llctl_nl_counter_open(&rec->nl, &req, &rec->r.id);
	if (err) {
		llctl_err("Unable to sample '%s': %s", ev->name,
			  prof_perf_err_hint(err, ev, errbuf, sizeof(errbuf)));
		return 1;
	}
	return 0;
}

/* perf.data's header, the kernel's map and the command's first name. */
static int record_file(struct record *rec)
{
	const struct prof_event *ev = &rec->ev;
	struct prof_pd_event pde = {
		.name = ev->name, .type = ev->type, .config = ev->config,
		.config1 = ev->config1, .config2 = ev->config2,
		.period_or_freq = rec->period, .freq = rec->a.freq != 0,
		.callchain = rec->a.callchain,
	};
	int err;

	rec->r.w = prof_pd_create(rec->a.out, &pde, &err);
	if (!rec->r.w) {
		llctl_err("Unable to write '%s': %s", rec->a.out, strerror(-err));
		return 1;
	}
	err = prof_pd_write_kernel_map(rec->r.w);
	if (err)
		llctl_err("warning: no kernel map (%s): kernel functions will show as addresses",
			  err == -EPERM ? "kptr_restrict hides /proc/kallsyms addresses" :
			  strerror(-err));
	/*
	 * The command's name before its exec, as perf synthesizes it: the
	 * first samples come in exec, before the kernel's COMM record.
	 */
	err = prof_pd_write_comm(rec->r.w, &(struct prof_pd_comm){
		.pid = rec->child, .tid = rec->child, .comm = LLCTL_SPAWN_COMM,
	});
	if (err) {
		llctl_err("Unable to write '%s': %s", rec->a.out, strerror(-err));
		return 1;
	}
	return 0;
}

/* Releases the command and drains until it exits. */
static int record_run(struct record *rec)
{
	struct pollfd pfd[2 + 512];
	int nfd;

	signal(SIGINT, SIG_IGN);	/* Ctrl-C is the command's */
	if (write(rec->go, "g", 1) != 1) {
		llctl_err("Unable to start '%s'", rec->a.cmd[0]);
		return 1;
	}
	close(rec->go);
	rec->go = -1;

	pfd[0] = (struct pollfd){ .fd = rec->ts.dev, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = syscall(SYS_pidfd_open, rec->child, 0),
				  .events = POLLIN };
	nfd = 2 + (rec->sb ? prof_sb_fds(rec->sb, pfd + 2, 512) : 0);
	for (;;) {
		drain(&rec->r, rec->sb, &rec->ts);
		if (waitpid(rec->child, &rec->status, WNOHANG) == rec->child) {
			rec->child = -1;
			break;
		}
		poll(pfd, nfd, 100);
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	return 0;
}

/* The counter's counts, the session's tail, and the file closed. */
static void record_finish(struct record *rec)
{
	struct trace_ring_totals tot;

	if (llctl_nl_counter_read(&rec->nl, rec->r.id, &rec->val, 1) != 1)
		llctl_err("warning: cannot read the sample counts");
	llctl_nl_counter_close(&rec->nl, rec->r.id);
	trace_session_stop(&rec->ts);
	/* Side-band first: a sample's mapping is recorded before the sample. */
	if (rec->sb)
		prof_sb_drain(rec->sb, add_sideband, &rec->r);
	trace_session_finish(&rec->ts, add_sample, &rec->r, &tot);
	if (rec->val.samples_lost)
		prof_pd_write_lost_samples(rec->r.w, rec->val.samples_lost, 0);
}

/*
 * The kernel throttled the event @n times: each time more overflows came
 * in a tick than kernel.perf_event_max_sample_rate allows, and the counter
 * stopped until the next tick. Those stretches have no samples at all, so
 * the profile under-weighs them (perf logs it as THROTTLE records).
 */
static void throttle_warning(uint64_t n)
{
	char rate[32] = "?", num[32];
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "re");

	if (f) {
		if (!fgets(rate, sizeof(rate), f))
			snprintf(rate, sizeof(rate), "?");
		rate[strcspn(rate, "\n")] = 0;
		fclose(f);
	}
	llctl_err("warning: the kernel throttled sampling %s times (above kernel.perf_event_max_sample_rate, now %s a second): each time the counter stopped until the next tick, and those stretches have no samples; sample less often (a larger -c, a lower -F) or raise that sysctl",
		  llctl_text_u64(num, sizeof(num), n), rate);
}

static int record_report(struct record *rec)
{
	const struct record_args *a = &rec->a;
	const struct llkm_counter_value *val = &rec->val;
	struct prof_pd_counts pc;
	char n[3][32];
	int err;

	prof_pd_writer_counts(rec->r.w, &pc);
	err = prof_pd_close(rec->r.w);
	rec->r.w = NULL;
	if (err) {
		llctl_err("Unable to write '%s': %s", a->out, strerror(-err));
		return 1;
	}
	fprintf(stderr, "llctl record: %s samples of %s at %s%" PRIu64 " written to %s",
		llctl_text_u64(n[0], sizeof(n[0]), rec->r.samples), rec->ev.name,
		a->freq ? "" : "every ", a->freq ? a->freq : a->period, a->out);
	if (a->freq)
		fprintf(stderr, " (Hz)");
	fprintf(stderr, "; %s lost in the rings, %s mapping records (%s lost)\n",
		llctl_text_u64(n[0], sizeof(n[0]), val->samples_lost),
		llctl_text_u64(n[1], sizeof(n[1]), pc.sideband),
		llctl_text_u64(n[2], sizeof(n[2]), rec->sb ? prof_sb_lost(rec->sb) : 0));
	if (rec->r.bad)
		llctl_err("warning: %s malformed samples skipped",
			  llctl_text_u64(n[0], sizeof(n[0]), rec->r.bad));
	if (val->samples_lost)
		llctl_err("warning: %s of %s samples were lost: lower -F, or raise llkm's ring_size parameter",
			  llctl_text_u64(n[0], sizeof(n[0]), val->samples_lost),
			  llctl_text_u64(n[1], sizeof(n[1]), val->samples));
	if (val->throttled)
		throttle_warning(val->throttled);
	return 0;
}

static void record_cleanup(struct record *rec)
{
	if (rec->r.w) {
		prof_pd_close(rec->r.w);
		unlink(rec->a.out);	/* no half file */
	}
	if (rec->go >= 0)
		close(rec->go);
	if (rec->child > 0) {
		kill(rec->child, SIGKILL);
		waitpid(rec->child, NULL, 0);
	}
	if (rec->sb)
		prof_sb_close(rec->sb);
	trace_session_close(&rec->ts);
	if (rec->nl.sk)
		llctl_nl_close(&rec->nl);
	free(rec->path);
}

int cmd_record(int argc, char **argv)
{
	struct record rec = {
		.a.out = "perf.data", .ts = TRACE_SESSION_INIT,
		.child = -1, .go = -1,
	};
	int ret;

	ret = record_parse(argc, argv, &rec.a);
	if (ret)
		return llctl_parse_status(ret);
	if (record_check(&rec.a) || record_defaults(&rec))
		return 1;
	rec.path = llctl_resolve_cmd(rec.a.cmd[0]);
	if (!rec.path) {
		llctl_err("Unable to run '%s': not found or not executable",
			  rec.a.cmd[0]);
		return 1;
	}
	ret = 1;
	if (record_rings(&rec) || record_spawn(&rec) || record_file(&rec) ||
	    record_run(&rec))
		goto out;
	record_finish(&rec);
	if (record_report(&rec))
		goto out;
	ret = WIFEXITED(rec.status) ? WEXITSTATUS(rec.status) :
	      128 + WTERMSIG(rec.status);
out:
	record_cleanup(&rec);
	return ret;
}
