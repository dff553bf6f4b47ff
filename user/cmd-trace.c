// SPDX-License-Identifier: GPL-2.0
/*
 * llctl trace: trace syscalls in the kernel into the per-CPU rings, read
 * them in place, and summarise per syscall (calls, errors, latency).
 *
 * With "-- CMD", CMD is forked stopped on a pipe, the session starts for
 * its pid with follow-fork, and only then does CMD exec: everything from
 * its execve on is traced, children included, as strace -f counts it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd.h"
#include "config/config.h"
#include "lib/env.h"
#include "lib/nl.h"
#include "lib/options.h"
#include "lib/rootfs.h"
#include "lib/spawn.h"
#include "lib/text.h"
#include "lib/util.h"
#include "trace/ctf.h"
#include "trace/hist-svg.h"
#include "trace/session.h"
#include "trace/summary.h"
#include "trace/syscalls.h"
#include "trace/trace.h"

#define MAX_PIDS	64

enum {
	OPT_SYSCALLS = LLCTL_OPT_JSON + 1,
	OPT_IRQS,
	OPT_SOFTIRQS,
	OPT_SCHED,
	OPT_DURATION,
	OPT_SUMMARY,
	OPT_HIST,
	OPT_BUFFER,
	OPT_OVERWRITE,
	OPT_INCLUDE_SELF,
	OPT_EVENTS,
	OPT_FORMAT,
	OPT_REPORT,
	OPT_SVG,
	OPT_SYSCALL,
	OPT_BY_PROCESS,
	OPT_NO_BIG_NUM,
};


static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint8_t cpu_bits[LLKM_TRACE_CPUS_MAX / 8];
static uint8_t syscall_bits[LLKM_TRACE_SYSCALLS_MAX / 8];	/* asked */
static uint8_t kernel_bits[LLKM_TRACE_SYSCALLS_MAX / 8];	/* recorded */

/* No class given: the applied tuning profile's trace_points, else syscalls. */
static uint32_t default_events(void)
{
	static const struct { const char *name; uint32_t ev; } cls[] = {
		{ "syscalls", LLKM_TRACE_EV_SYSCALLS },
		{ "irqs", LLKM_TRACE_EV_IRQS },
		{ "softirqs", LLKM_TRACE_EV_SOFTIRQS },
		{ "sched", LLKM_TRACE_EV_SCHED },
	};
	struct cfg_defaults d = { .stack_depth = -1 };
	uint32_t ev = 0;
	unsigned int i;
	char *save, *tok;

	cfg_defaults(&d);
	for (tok = d.trace_points ? strtok_r(d.trace_points, ",", &save) : NULL;
	     tok; tok = strtok_r(NULL, ",", &save))
		for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
			if (!strcmp(tok, cls[i].name))
				ev |= cls[i].ev;
	cfg_defaults_free(&d);
	return ev ? ev : LLKM_TRACE_EV_SYSCALLS;
}

/* "openat,read" into syscall_bits: NULL, or the first unknown name. */
static const char *parse_syscalls(char *names)
{
	char *name, *save;
	int nr;

	for (name = strtok_r(names, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		nr = trace_syscall_nr(name);
		if (nr < 0 || nr >= LLKM_TRACE_SYSCALLS_MAX)
			return name;
		syscall_bits[nr / 8] |= 1 << (nr % 8);
	}
	return NULL;
}

/* One line on the terminal, rewritten: records so far, rate, lost. */
static void show_progress(struct trace_session *ts, double elapsed)
{
	struct trace_ring_totals tot;
	char n[3][32], rate[32];

	trace_session_counts(ts, &tot);
	fprintf(stderr, "\r\033[Kllctl trace: %.0f s, %s records (%s), %s delivered, %s lost",
		elapsed, llctl_text_u64(n[0], sizeof(n[0]), tot.produced),
		llctl_text_rate(rate, sizeof(rate), tot.produced / elapsed),
		llctl_text_u64(n[1], sizeof(n[1]), tot.delivered),
		llctl_text_u64(n[2], sizeof(n[2]), tot.lost));
}

struct trace_args {
	struct llctl_trace_req req;
	uint32_t pids[MAX_PIDS];
	bool ev_syscalls, ev_irqs, ev_softirqs, ev_sched;
	struct llctl_pids pid_opt;	/* -p */
	struct llctl_cpus cpu_opt;	/* -C */
	bool all, json, lines, summary, overwrite, include_self, hist;
	bool by_process;	/* --by-process */
	bool no_big_num;	/* --no-big-num */
	int format_opt;		/* --format: -1, or an index in trace_formats[] */
	int format;		/* of -o, or -1: not given */
	double duration;	/* seconds, or 0: until stopped */
	const char *out;	/* -o */
	const char *report;	/* --report, or NULL: stdout */
	const char *svg;	/* --svg: the latency histograms */
	char **cmd;		/* after '--', or NULL */
};

struct tracer {
	struct trace_args a;
	char *path;		/* of a.cmd[0] */
	FILE *rep;
	int ncpus;
	struct llctl_nl nl;
	struct trace_session ts;
	struct llctl_env env;
	struct trace_sink *sink;
	pid_t child;
	int go;			/* releases the held CMD */
	int pidfd;		/* CMD's, for poll() */
	int cmd_status;
	struct timespec t_start;	/* just before the session started */
};

static int trace_call(void *args, int key, char *arg);

static const char *const trace_formats[] = { "raw", "ctf", "perfetto", NULL };

/* A week: longer is a typo, and Ctrl-C stops sooner. */
#define DURATION_MAX	(7 * 86400)

static const struct llctl_opt trace_opt[] = {
	{ "syscalls", OPT_SYSCALLS, NULL, "Trace system calls (the default)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, ev_syscalls) },
	{ "irqs", OPT_IRQS, NULL, "Trace hardware IRQ handlers, on every CPU",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, ev_irqs) },
	{ "softirqs", OPT_SOFTIRQS, NULL, "Trace softirqs, on every CPU",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, ev_softirqs) },
	{ "sched", OPT_SCHED, NULL, "Trace context switches, on every CPU",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, ev_sched) },
	{ "pid", 'p', "PID", "Trace this process and its children (repeatable)",
	  .type = LLCTL_OPT_PIDS, LLCTL_FIELD(struct trace_args, pid_opt), .max = MAX_PIDS,
	  .flags = LLCTL_OPT_REPEAT },
	{ "all", 'a', NULL, "Trace every process",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, all) },
	{ "cpu", 'C', "CPUS", "Only events on these CPUs (0-3,8)",
	  .type = LLCTL_OPT_CPUS, LLCTL_FIELD(struct trace_args, cpu_opt), .max = LLKM_TRACE_CPUS_MAX },
	{ "syscall", OPT_SYSCALL, "NAMES", "Only these syscalls (openat,read)",
	  .type = LLCTL_OPT_CALL, .flags = LLCTL_OPT_REPEAT },
	{ "duration", OPT_DURATION, "SECS", "Stop after SECS seconds",
	  .type = LLCTL_OPT_DURATION, LLCTL_FIELD(struct trace_args, duration), .lo = 0, .hi = DURATION_MAX,
	  .flags = LLCTL_OPT_LO_OPEN },
	{ "summary", OPT_SUMMARY, NULL, "Per-syscall summary (the default)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, summary) },
	{ "hist", OPT_HIST, NULL, "The summary also draws each syscall's latencies, log2 buckets, as bcc's funclatency",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, hist) },
	{ "by-process", OPT_BY_PROCESS, NULL, "The summary also per process: its syscalls, errors and time, as perf trace -s",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, by_process) },
	{ "no-big-num", OPT_NO_BIG_NUM, NULL,
	  "Print counts without the locale's thousands separators",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, no_big_num) },
	{ "events", OPT_EVENTS, NULL, "One line per event, time ordered, like perf script",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, lines) },
	{ "json", LLCTL_OPT_JSON, NULL, "Print the summary as JSON (docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, json) },
	{ "output", 'o', "PATH", "Also write the trace to PATH (see --format)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct trace_args, out) },
	{ "format", OPT_FORMAT, "FMT", "Of -o: raw (default; for llctl report), ctf (a directory), perfetto",
	  .type = LLCTL_OPT_ENUM, LLCTL_FIELD(struct trace_args, format_opt), .choices = trace_formats },
	{ "report", OPT_REPORT, "FILE", "Write the report to FILE, not stdout (CMD keeps stdout)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct trace_args, report) },
	{ "svg", OPT_SVG, "FILE", "Also draw each syscall's latency histogram (log2 buckets, as --hist) into FILE",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct trace_args, svg) },
	{ "buffer-size", OPT_BUFFER, "SIZE", "Ring bytes per CPU, power of two (K, M suffixes)",
	  .type = LLCTL_OPT_SIZE, LLCTL_FIELD(struct trace_args, req.ring_size), .min = LLKM_RING_SIZE_MIN,
	  .max = LLKM_RING_SIZE_MAX, .flags = LLCTL_OPT_POW2 },
	{ "overwrite", OPT_OVERWRITE, NULL, "Flight recorder: keep the newest records",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, overwrite) },
	{ "include-self", OPT_INCLUDE_SELF, NULL, "With -a: record llctl's own syscalls too",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct trace_args, include_self) },
	{ 0 }
};

static const struct llctl_opts trace_opts = {
	.cmd = "trace",
	.synopsis = "[--syscalls] [--irqs] [--softirqs] [--sched] [-a | -p PID] "
		    "[-C CPUS] [--syscall NAMES] [--duration SECS] "
		    "[--summary [--hist] [--by-process] | --events] [--no-big-num] [--json] "
		    "[-o PATH [--format raw|ctf|perfetto]] [--report FILE] [--svg FILE] "
		    "[--buffer-size SIZE] [--overwrite] [--include-self] [-- CMD ARGS]",
	.summary = "Trace system calls, IRQs, softirqs and context switches in the kernel,\n"
		   "into per-CPU rings read in place, and summarise them: per syscall the\n"
		   "calls, errors, latency and its log2 histogram; per IRQ and softirq the\n"
		   "count and time per CPU; switches per task; and how many records were\n"
		   "produced, delivered and lost.",
	.opt = trace_opt,
	.call = trace_call,
	.operands = true,
};

/* --syscall NAMES, which only the syscall table says. */
static int trace_call(void *args, int key, char *arg)
{
	struct trace_args *a = args;
	char *names = strdup(arg);
	const char *bad = names ? parse_syscalls(names) : arg;

	if (bad)
		llctl_opt_bad(&trace_opts, key, arg,
			      names ? "'%s' is not a syscall of this architecture" :
			      "out of memory (%s)", bad);
	free(names);
	if (bad)
		return -1;
	a->req.syscalls = syscall_bits;
	a->req.syscalls_len = sizeof(syscall_bits);
	return 0;
}

/* The parsed options into the request: events, pids, CPUs, ring mode. */
static void trace_request(struct trace_args *a)
{
	struct llctl_trace_req *req = &a->req;
	int i;

	req->events = (a->ev_syscalls ? LLKM_TRACE_EV_SYSCALLS : 0) |
		      (a->ev_irqs ? LLKM_TRACE_EV_IRQS : 0) |
		      (a->ev_softirqs ? LLKM_TRACE_EV_SOFTIRQS : 0) |
		      (a->ev_sched ? LLKM_TRACE_EV_SCHED : 0);
	for (i = 0; i < a->pid_opt.n; i++)
		a->pids[i] = (uint32_t)a->pid_opt.pid[i];
	req->n_pids = a->pid_opt.n;
	for (i = 0; i < a->cpu_opt.n; i++)
		cpu_bits[a->cpu_opt.cpu[i] / 8] |= 1 << (a->cpu_opt.cpu[i] % 8);
	if (a->cpu_opt.n) {
		req->cpus = cpu_bits;
		req->cpus_len = sizeof(cpu_bits);
	}
	if (a->overwrite)
		req->ring_mode = LLKM_RING_MODE_OVERWRITE;

	if (a->format_opt >= 0)
		a->format = TRACE_FMT_RAW + a->format_opt;
	llctl_text_set_big_num(!a->no_big_num);
}

/* 0, or llctl_parse()'s result below 0. */
static int trace_parse(int argc, char **argv, struct trace_args *a)
{
	int n = llctl_parse(argc, argv, &trace_opts, a);

	if (n < 0)
		return n;
	trace_request(a);
	llctl_opts_free(&trace_opts, a);
	if (a->format == TRACE_FMT_CTF && trace_ctf_missing("trace --format ctf"))
		return LLCTL_PARSE_ERROR;
	a->cmd = n < argc ? argv + n : NULL;
	/* As perf trace: a system-wide trace leaves the tracer out. */
	if (!a->include_self && !a->pid_opt.n && !a->cmd)
		a->req.exclude = getpid();
	return 0;
}

/* The options against each other, one line each; CMD found. */
static int trace_check(struct tracer *t)
{
	const struct trace_args *a = &t->a;

	if (a->all + !!a->req.n_pids + !!a->cmd > 1) {
		llctl_err("Unable to trace: choose one of -a, -p PID and -- CMD");
		return 1;
	}
	if (!a->all && !a->req.n_pids && !a->cmd && a->duration <= 0) {
		llctl_err("Unable to trace: say what (-a, -p PID or -- CMD), and for -a or -p how long (--duration) or stop with Ctrl-C");
		return 1;
	}
	if (a->cmd) {
		t->path = llctl_resolve_cmd(a->cmd[0]);
		if (!t->path) {
			llctl_err("Unable to run '%s': not found or not executable",
				  a->cmd[0]);
			return 1;
		}
	}
	if (a->include_self && (a->req.n_pids || a->cmd)) {
		llctl_err("Unable to use --include-self with -p or CMD: they never trace llctl");
		return 1;
	}
	if (a->format >= 0 && !a->out) {
		llctl_err("Unable to use --format without -o PATH");
		return 1;
	}
	if (a->lines && a->json) {
		llctl_err("Unable to use --events with --json: JSON is the summary's");
		return 1;
	}
	if (a->by_process && a->lines) {
		llctl_err("Unable to use --by-process with --events: it is the summary's");
		return 1;
	}
	if (a->hist && (a->json || a->lines)) {
		llctl_err("Unable to use --hist with %s: it draws in the text summary (JSON has hist_log2_ns)",
			  a->json ? "--json" : "--events");
		return 1;
	}
	return 0;
}

/* The report's file, the CPUs, the signals, netlink and /dev/llkm. */
static int trace_open(struct tracer *t)
{
	int err;

	/* Opened before CMD starts, close-on-exec: CMD keeps our stdout. */
	if (t->a.report) {
		t->rep = fopen(t->a.report, "we");
		if (!t->rep) {
			t->rep = stdout;
			llctl_err("Unable to write '%s': %s", t->a.report, strerror(errno));
			return 1;
		}
	}
	t->ncpus = trace_session_cpus();
	if (t->ncpus <= 0) {
		llctl_err("Unable to trace: cannot read the possible CPUs");
		return 1;
	}
	/*
	 * Before the first slow step: a Ctrl-C during the setup ends the
	 * session with its report instead of being lost (a background job
	 * ignores SIGINT until this) or killing llctl mid-setup.
	 */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = llctl_nl_open(&t->nl);
	if (err) {
		llctl_err("%s", llctl_nl_strerror(err));
		return 1;
	}
	if (trace_session_open(&t->ts, &t->nl)) {
		llctl_err("Unable to %s", t->ts.why);
		return 1;
	}
	return 0;
}

/* CMD held before its exec, and whom the session follows. */
static int trace_spawn(struct tracer *t)
{
	struct llctl_trace_req *req = &t->a.req;

	if (t->path) {
		t->child = llctl_spawn_held(t->a.cmd, t->path, &t->go);
		if (t->child < 0) {
			llctl_err("Unable to start '%s': %s", t->a.cmd[0],
				  strerror(errno));
			return 1;
		}
		t->a.pids[0] = t->child;
		req->n_pids = 1;
		req->follow_fork = 1;
	} else if (req->n_pids) {
		req->follow_fork = 1;
	}
	req->pids = req->n_pids ? t->a.pids : NULL;
	return 0;
}

/* Where the records go: the summary, -o's file, --events' lines. */
static int trace_outputs(struct tracer *t)
{
	struct llctl_trace_req *req = &t->a.req;
	struct trace_sink_cfg cfg = {
		.format = TRACE_FMT_NONE, .out = t->a.out,
		.ncpus = t->ncpus, .events = req->events,
		.cmd_pid = t->path ? t->child : 0,
		.lines = t->a.lines ? t->rep : NULL, .env = &t->env,
		.hist = t->a.hist, .by_process = t->a.by_process, .live = true,
	};
	int nr;

	llctl_env_collect(&t->env, NULL);
	if (cfg.out)
		cfg.format = t->a.format >= 0 ? t->a.format : TRACE_FMT_RAW;
	if (req->syscalls) {
		cfg.only = syscall_bits;
		cfg.only_len = sizeof(syscall_bits);
		/* The command's execve starts the count: record it too. */
		memcpy(kernel_bits, syscall_bits, sizeof(kernel_bits));
		if (t->path) {
			nr = trace_syscall_nr("execve");
			kernel_bits[nr / 8] |= 1 << (nr % 8);
		}
		req->syscalls = kernel_bits;
	}
	t->sink = trace_sink_open(&cfg);
	return t->sink ? 0 : 1;
}

/* The session started, then CMD released into it. */
static int trace_start(struct tracer *t)
{
	clock_gettime(CLOCK_MONOTONIC, &t->t_start);
	if (trace_session_start(&t->ts, &t->a.req, t->ncpus)) {
		llctl_err("Unable to %s", t->ts.why);
		return 1;
	}
	if (t->go >= 0) {
		if (write(t->go, "g", 1) != 1)
			stop = 1;
		close(t->go);
		t->go = -1;
	}
	return 0;
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* CMD's exit, once: its status kept, like strace's. */
static bool cmd_exited(struct tracer *t)
{
	int status;

	if (t->child <= 0 || waitpid(t->child, &status, WNOHANG) != t->child)
		return false;
	t->child = -1;
	t->cmd_status = WIFEXITED(status) ? WEXITSTATUS(status) :
			128 + WTERMSIG(status);
	return true;
}

/*
 * How long the loop may sleep: 100 ms in discard mode (the tail under the
 * watermark) or for a CMD without a pidfd, a second with progress shown;
 * in overwrite mode, read after
 * the stop, until --duration ends or forever: CMD's exit (its pidfd), a
 * signal and a stop by another (POLLHUP) wake it anyway.
 */
static int sleep_ms(const struct tracer *t, bool progress, double elapsed)
{
	double left = t->a.duration - elapsed;
	int ms = -1;

	/* Discard mode, or a CMD without a pidfd to wake us (pre-5.3). */
	if (t->ts.mode == LLKM_RING_MODE_DISCARD || (t->child > 0 && t->pidfd < 0))
		ms = 100;
	else if (progress)
		ms = 1000;
	if (t->a.duration > 0 && (ms < 0 || left * 1000 < ms))
		ms = left > 0 ? (int)(left * 1000) + 1 : 0;
	return ms;
}

/* Drains until a signal, CMD's exit, --duration, or a stop by another. */
static void trace_run(struct tracer *t)
{
	struct pollfd pfd[2] = {
		{ .fd = t->ts.dev, .events = POLLIN },
		{ .fd = t->pidfd, .events = POLLIN },
	};
	/* Progress on a terminal only, and not over CMD's own output. */
	bool progress = !t->path && isatty(STDERR_FILENO);
	double elapsed, shown = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		/* Overwrite mode is a flight recorder: read after the stop. */
		if (t->ts.mode == LLKM_RING_MODE_DISCARD)
			trace_session_drain(&t->ts, trace_sink_add, t->sink);
		if (cmd_exited(t))
			break;
		elapsed = since(&t0);
		if (t->a.duration > 0 && elapsed >= t->a.duration)
			break;
		if (progress && elapsed >= shown + 1) {
			show_progress(&t->ts, elapsed);
			shown = elapsed;
		}
		/*
		 * Sleep until a ring reaches its watermark (the module wakes
		 * us, no syscall per record), the command exits, or the
		 * sleep_ms() pass.
		 */
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1,
			 sleep_ms(t, progress, elapsed)) > 0 &&
		    (pfd[0].revents & POLLHUP)) {
			llctl_err("warning: the trace session was stopped by someone else");
			break;
		}
	}
	if (shown > 0)
		fputs("\r\033[K", stderr);
}

/* The session stopped, its tail read and its counts checked. */
static int trace_stop(struct tracer *t, struct trace_ring_totals *tot)
{
	char n[2][32];
	int err;

	if (trace_session_stop(&t->ts))
		llctl_err("warning: the session had stopped already");
	/* Every record lies in this span: no latency is longer. */
	trace_summary_wall(trace_sink_summary(t->sink),
			   (uint64_t)(since(&t->t_start) * 1e9));
	err = trace_session_finish(&t->ts, trace_sink_add, t->sink, tot);
	if (err) {
		llctl_err("Unable to read the ring counts: %s", llctl_nl_strerror(err));
		return 1;
	}
	if (tot->lost)
		llctl_err("warning: %s of %s records were lost: the counts are lower bounds; try --buffer-size",
			  llctl_text_u64(n[0], sizeof(n[0]), tot->lost),
			  llctl_text_u64(n[1], sizeof(n[1]), tot->produced));
	if (tot->compat)
		llctl_err("warning: %s syscalls of 32-bit (compat) tasks were not recorded",
			  llctl_text_u64(n[0], sizeof(n[0]), tot->compat));
	return 0;
}

/* The outputs closed and the summary written: 0, or 1 after saying why. */
static int trace_report(struct tracer *t, const struct trace_ring_totals *tot)
{
	int err;

	if (trace_sink_close(t->sink, tot->lost) ||
	    trace_summary_report(t->rep, trace_sink_summary(t->sink), tot,
				 &t->env, t->a.json, t->a.lines) ||
	    (t->a.svg && trace_summary_svg(trace_sink_summary(t->sink), t->a.svg)))
		return 1;
	if (t->rep != stdout) {
		err = fclose(t->rep);
		t->rep = stdout;
		if (err) {
			llctl_err("Unable to write '%s': %s", t->a.report, strerror(errno));
			return 1;
		}
	}
	return llctl_stdout_close();
}

static void trace_cleanup(struct tracer *t)
{
	if (t->child > 0) {
		kill(t->child, SIGKILL);
		waitpid(t->child, NULL, 0);
	}
	if (t->go >= 0)
		close(t->go);
	trace_session_close(&t->ts);
	if (t->nl.sk)
		llctl_nl_close(&t->nl);
	if (t->rep != stdout)
		fclose(t->rep);
	if (t->pidfd >= 0)
		close(t->pidfd);
	llctl_env_free(&t->env);
	trace_sink_free(t->sink);
	free(t->path);
}

int cmd_trace(int argc, char **argv)
{
	struct tracer t = {
		.a = { .req.ring_mode = -1, .format = -1, .format_opt = -1 },
		.rep = stdout, .ts = TRACE_SESSION_INIT,
		.child = -1, .go = -1, .pidfd = -1,
	};
	struct trace_ring_totals tot;
	int ret;

	ret = trace_parse(argc, argv, &t.a);
	if (ret)
		return llctl_parse_status(ret);
	if (trace_check(&t))
		goto fail;
	if (!t.a.req.events)
		t.a.req.events = default_events();
	ret = 1;
	if (trace_open(&t) || trace_spawn(&t) || trace_outputs(&t) ||
	    trace_start(&t))
		goto out;
	if (t.child > 0)
		t.pidfd = syscall(SYS_pidfd_open, t.child, 0);
	trace_run(&t);
	if (trace_stop(&t, &tot) || trace_report(&t, &tot))
		goto out;
	/* Like strace: the traced command's status, or 0. */
	ret = t.cmd_status;
out:
	trace_cleanup(&t);
	return ret;
fail:
	free(t.path);
	return 1;
}
