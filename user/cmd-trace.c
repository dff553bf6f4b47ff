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
#include <fcntl.h>
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
#include "lib/util.h"
#include "trace/ctf.h"
#include "trace/rings.h"
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
	OPT_BUFFER,
	OPT_OVERWRITE,
	OPT_EVENTS,
	OPT_FORMAT,
	OPT_REPORT,
	OPT_SYSCALL,
};

static const struct llctl_opt trace_opt[] = {
	{ "syscalls", OPT_SYSCALLS, NULL, "Trace system calls (the default)", .type = LLCTL_OPT_CALL },
	{ "irqs", OPT_IRQS, NULL, "Trace hardware IRQ handlers, on every CPU", .type = LLCTL_OPT_CALL },
	{ "softirqs", OPT_SOFTIRQS, NULL, "Trace softirqs, on every CPU", .type = LLCTL_OPT_CALL },
	{ "sched", OPT_SCHED, NULL, "Trace context switches, on every CPU", .type = LLCTL_OPT_CALL },
	{ "pid", 'p', "PID", "Trace this process and its children (repeatable)", .type = LLCTL_OPT_CALL },
	{ "all", 'a', NULL, "Trace every process", .type = LLCTL_OPT_CALL },
	{ "cpu", 'C', "CPUS", "Only events on these CPUs (0-3,8)", .type = LLCTL_OPT_CALL },
	{ "syscall", OPT_SYSCALL, "NAMES", "Only these syscalls (openat,read)", .type = LLCTL_OPT_CALL },
	{ "duration", OPT_DURATION, "SECS", "Stop after SECS seconds", .type = LLCTL_OPT_CALL },
	{ "summary", OPT_SUMMARY, NULL, "Per-syscall summary (the default)", .type = LLCTL_OPT_CALL },
	{ "events", OPT_EVENTS, NULL, "One line per event, time ordered, like perf script", .type = LLCTL_OPT_CALL },
	{ "json", LLCTL_OPT_JSON, NULL, "Print the summary as JSON (docs/json.md)", .type = LLCTL_OPT_CALL },
	{ "output", 'o', "PATH", "Also write the trace to PATH (see --format)", .type = LLCTL_OPT_CALL },
	{ "format", OPT_FORMAT, "FMT", "Of -o: raw (default; for llctl report), ctf (a directory), perfetto", .type = LLCTL_OPT_CALL },
	{ "report", OPT_REPORT, "FILE", "Write the report to FILE, not stdout (CMD keeps stdout)", .type = LLCTL_OPT_CALL },
	{ "buffer-size", OPT_BUFFER, "SIZE", "Ring bytes per CPU, power of two (K, M suffixes)", .type = LLCTL_OPT_CALL },
	{ "overwrite", OPT_OVERWRITE, NULL, "Flight recorder: keep the newest records", .type = LLCTL_OPT_CALL },
	{ 0 }
};

static const struct llctl_opts trace_opts = {
	.cmd = "trace",
	.synopsis = "[--syscalls] [--irqs] [--softirqs] [--sched] [-a | -p PID] "
		    "[-C CPUS] [--syscall NAMES] [--duration SECS] "
		    "[--summary | --events] [--json] "
		    "[-o PATH [--format raw|ctf|perfetto]] [--report FILE] "
		    "[--buffer-size SIZE] [--overwrite] [-- CMD ARGS]",
	.summary = "Trace system calls, IRQs, softirqs and context switches in the kernel,\n"
		   "into per-CPU rings read in place, and summarise them: per syscall the\n"
		   "calls, errors, latency and its log2 histogram; per IRQ and softirq the\n"
		   "count and time per CPU; switches per task; and how many records were\n"
		   "produced, delivered and lost.",
	.opt = trace_opt,
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

static int set_cpu_bit(int cpu, void *arg)
{
	(void)arg;
	if (cpu >= LLKM_TRACE_CPUS_MAX)
		return -1;
	cpu_bits[cpu / 8] |= 1 << (cpu % 8);
	return 0;
}

/* "openat,read" into syscall_bits: 0, or -1 after naming the culprit. */
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

static int parse_syscalls(char *names)
{
	char *name, *save;
	int nr;

	for (name = strtok_r(names, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		nr = trace_syscall_nr(name);
		if (nr < 0 || nr >= LLKM_TRACE_SYSCALLS_MAX) {
			llctl_err("Unable to trace syscall '%s': not a syscall of this architecture",
				  name);
			return -1;
		}
		syscall_bits[nr / 8] |= 1 << (nr % 8);
	}
	return 0;
}

/* One line on the terminal, rewritten: records so far, rate, lost. */
static void show_progress(struct llctl_nl *nl, struct llctl_cpu_stats *st,
			  int ncpus, const struct trace_rings *rs,
			  double elapsed)
{
	uint64_t produced = 0, lost = 0;
	int i, n = llctl_nl_trace_stats(nl, st, ncpus);

	for (i = 0; i < n; i++) {
		produced += st[i].produced;
		lost += st[i].lost;
	}
	fprintf(stderr, "\r\033[Kllctl trace: %.0f s, %" PRIu64 " records (%.0f/s), %"
		PRIu64 " delivered, %" PRIu64 " lost", elapsed, produced,
		produced / elapsed, rs->delivered, lost);
}

/* A size with an optional K or M suffix. */
static int parse_size(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || v < LLKM_RING_SIZE_MIN || v > LLKM_RING_SIZE_MAX ||
	    (v & (v - 1)))
		return -1;
	*out = v;
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct llctl_trace_req req = { .ring_mode = -1 };
	struct trace_rings rs = { 0 };
	struct llctl_env env = { 0 };
	struct llctl_cpu_stats *st = NULL;
	uint32_t pids[MAX_PIDS], size, mode;
	struct trace_sink_cfg cfg = { .format = TRACE_FMT_NONE };
	struct trace_ring_totals tot = { 0 };
	struct trace_sink *sink = NULL;
	char *report = NULL;
	FILE *rep = stdout;
	int lines = 0, format = -1, progress;
	double elapsed, shown = 0;
	struct pollfd pfd[2] = { { .fd = -1 }, { .fd = -1 } };
	double duration = 0;
	int ret = 1, dev = -1, go = -1, c, i, ncpus, all = 0, json = 0;
	int cmd_status = 0;
	struct llctl_nl nl = { 0 };
	char *arg, *path = NULL;
	struct timespec t0, now;
	pid_t child = -1;
	char *possible;

	while ((c = llctl_next_opt(argc, argv, &trace_opts, &arg)) != -1) {
		switch (c) {
		case OPT_SYSCALLS:
			req.events |= LLKM_TRACE_EV_SYSCALLS;
			break;
		case OPT_IRQS:
			req.events |= LLKM_TRACE_EV_IRQS;
			break;
		case OPT_SOFTIRQS:
			req.events |= LLKM_TRACE_EV_SOFTIRQS;
			break;
		case OPT_SCHED:
			req.events |= LLKM_TRACE_EV_SCHED;
			break;
		case OPT_SUMMARY:
			break;
		case 'p':
			if (req.n_pids == MAX_PIDS ||
			    (pids[req.n_pids] = strtoul(arg, NULL, 10)) == 0) {
				llctl_err("Unable to trace pid '%s': a process id, at most %d of them",
					  arg, MAX_PIDS);
				return 1;
			}
			req.n_pids++;
			break;
		case 'a':
			all = 1;
			break;
		case 'C':
			if (llctl_cpulist_count(arg) <= 0 ||
			    llctl_cpulist_for_each(arg, set_cpu_bit, NULL)) {
				llctl_err("Unable to use -C '%s': a CPU list such as 0-3,8, below %d",
					  arg, LLKM_TRACE_CPUS_MAX);
				return 1;
			}
			req.cpus = cpu_bits;
			req.cpus_len = sizeof(cpu_bits);
			break;
		case OPT_SYSCALL:
			if (parse_syscalls(arg))
				return 1;
			req.syscalls = syscall_bits;
			req.syscalls_len = sizeof(syscall_bits);
			break;
		case OPT_DURATION:
			duration = strtod(arg, NULL);
			if (duration <= 0) {
				llctl_err("Unable to use --duration '%s': seconds above 0", arg);
				return 1;
			}
			break;
		case LLCTL_OPT_JSON:
			json = 1;
			break;
		case OPT_BUFFER:
			if (parse_size(arg, &req.ring_size)) {
				llctl_err("Unable to use --buffer-size '%s': a power of two from 4K to 256M",
					  arg);
				return 1;
			}
			break;
		case OPT_OVERWRITE:
			req.ring_mode = LLKM_RING_MODE_OVERWRITE;
			break;
		case 'o':
			cfg.out = arg;
			break;
		case OPT_FORMAT:
			format = trace_format_parse(arg);
			if (format < 0) {
				llctl_err("Unable to use --format '%s': raw, ctf or perfetto", arg);
				return 1;
			}
			if (format == TRACE_FMT_CTF &&
			    trace_ctf_missing("trace --format ctf"))
				return 1;
			break;
		case OPT_EVENTS:
			lines = 1;
			break;
		case OPT_REPORT:
			report = arg;
			break;
		case 'h':
			llctl_usage(stdout, &trace_opts);
			return llctl_stdout_close();
		default:
			return 1;
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") &&
	    llctl_no_operands(argc, argv, &trace_opts))
		return 1;
	if (all + !!req.n_pids + (optind < argc) > 1) {
		llctl_err("Unable to trace: choose one of -a, -p PID and -- CMD");
		return 1;
	}
	if (!all && !req.n_pids && optind >= argc && duration <= 0) {
		llctl_err("Unable to trace: say what (-a, -p PID or -- CMD), and for -a or -p how long (--duration) or stop with Ctrl-C");
		return 1;
	}
	if (optind < argc) {
		path = llctl_resolve_cmd(argv[optind]);
		if (!path) {
			llctl_err("Unable to run '%s': not found or not executable",
				  argv[optind]);
			return 1;
		}
	}

	if (format >= 0 && !cfg.out) {
		llctl_err("Unable to use --format without -o PATH");
		return 1;
	}
	if (lines && json) {
		llctl_err("Unable to use --events with --json: JSON is the summary's");
		return 1;
	}
	if (cfg.out)
		cfg.format = format >= 0 ? format : TRACE_FMT_RAW;
	if (!req.events)
		req.events = default_events();
	/* Opened before CMD starts, close-on-exec: CMD keeps our stdout. */
	if (report) {
		rep = fopen(report, "we");
		if (!rep) {
			llctl_err("Unable to write '%s': %s", report, strerror(errno));
			return 1;
		}
	}
	possible = llctl_root_read(NULL, "sys/devices/system/cpu/possible");
	ncpus = possible ? llctl_cpulist_count(possible) : -1;
	free(possible);
	st = calloc(ncpus > 0 ? ncpus : 1, sizeof(*st));
	if (ncpus <= 0 || !st) {
		llctl_err("Unable to trace: cannot read the possible CPUs");
		goto cleanup;
	}
	/*
	 * Before the first slow step: a Ctrl-C during the setup ends the
	 * session with its report instead of being lost (a background job
	 * ignores SIGINT until this) or killing llctl mid-setup.
	 */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	c = llctl_nl_open(&nl);
	if (c) {
		llctl_err("%s", llctl_nl_strerror(c));
		goto cleanup;
	}
	dev = open("/dev/" LLKM_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		llctl_err("Unable to open /dev/%s: %s%s", LLKM_DEVICE_NAME,
			  strerror(errno), errno == EACCES || errno == EPERM ?
			  ": run as root or with CAP_PERFMON" : "");
		goto cleanup;
	}
	if (path) {
		child = llctl_spawn_held(argv + optind, path, &go);
		if (child < 0) {
			llctl_err("Unable to start '%s': %s", argv[optind],
				  strerror(errno));
			goto cleanup;
		}
		pids[0] = child;
		req.n_pids = 1;
		req.follow_fork = 1;
	} else if (req.n_pids) {
		req.follow_fork = 1;
	}
	req.pids = req.n_pids ? pids : NULL;
	llctl_env_collect(&env, NULL);
	cfg.ncpus = ncpus;
	cfg.events = req.events;
	cfg.cmd_pid = path ? child : 0;
	cfg.lines = lines ? rep : NULL;
	if (req.syscalls) {
		cfg.only = syscall_bits;
		cfg.only_len = sizeof(syscall_bits);
		/* The command's execve starts the count: record it too. */
		memcpy(kernel_bits, syscall_bits, sizeof(kernel_bits));
		if (path) {
			c = trace_syscall_nr("execve");
			kernel_bits[c / 8] |= 1 << (c % 8);
		}
		req.syscalls = kernel_bits;
	}
	cfg.env = &env;
	sink = trace_sink_open(&cfg);
	if (!sink)
		goto cleanup;

	c = llctl_nl_trace_start(&nl, &req, &size, &mode);
	if (c) {
		llctl_err("Unable to start tracing: %s%s%s",
			  c == -EBUSY ? "another trace session is running" :
			  llctl_nl_strerror(c),
			  llctl_nl_last_extack() ? ": " : "",
			  llctl_nl_last_extack() ? llctl_nl_last_extack() : "");
		goto cleanup;
	}
	c = trace_rings_map(&rs, dev, ncpus, size, mode);
	if (c) {
		llctl_err("Unable to map the rings: %s", strerror(-c));
		llctl_nl_trace_stop(&nl);
		goto cleanup;
	}
	if (go >= 0) {
		if (write(go, "g", 1) != 1)
			stop = 1;
		close(go);
		go = -1;
	}

	pfd[0].fd = dev;
	pfd[0].events = POLLIN;
	pfd[1].fd = child > 0 ? syscall(SYS_pidfd_open, child, 0) : -1;
	pfd[1].events = POLLIN;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Progress on a terminal only, and not over CMD's own output. */
	progress = !path && isatty(STDERR_FILENO);
	while (!stop) {
		int status;

		/* Overwrite mode is a flight recorder: read after the stop. */
		if (mode == LLKM_RING_MODE_DISCARD)
			trace_rings_drain(&rs, trace_sink_add, sink);
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = -1;
			cmd_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				     128 + WTERMSIG(status);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - t0.tv_sec) +
			  (now.tv_nsec - t0.tv_nsec) / 1e9;
		if (duration > 0 && elapsed >= duration)
			break;
		if (progress && elapsed >= shown + 1) {
			show_progress(&nl, st, ncpus, &rs, elapsed);
			shown = elapsed;
		}
		/*
		 * Sleep until a ring reaches its watermark (the module wakes
		 * us, no syscall per record), the command exits, or 100 ms
		 * pass, for the tail under the watermark and the clock.
		 */
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, 100) > 0 &&
		    (pfd[0].revents & POLLHUP)) {
			llctl_err("warning: the trace session was stopped by someone else");
			break;
		}
	}
	if (shown > 0)
		fputs("\r\033[K", stderr);
	if (llctl_nl_trace_stop(&nl))
		llctl_err("warning: the session had stopped already");
	trace_rings_drain(&rs, trace_sink_add, sink);
	c = llctl_nl_trace_stats(&nl, st, ncpus);
	if (c < 0) {
		llctl_err("Unable to read the ring counts: %s", llctl_nl_strerror(c));
		goto cleanup;
	}
	for (i = 0; i < c; i++) {
		tot.produced += st[i].produced;
		tot.lost += st[i].lost;
	}
	tot.delivered = rs.delivered;
	if (tot.lost)
		llctl_err("warning: %" PRIu64 " of %" PRIu64 " records were lost: the counts are lower bounds; try --buffer-size",
			  tot.lost, tot.produced);
	if (tot.produced != tot.delivered + tot.lost)
		llctl_err("warning: produced %" PRIu64 " != delivered %" PRIu64 " + lost %" PRIu64,
			  tot.produced, tot.delivered, tot.lost);

	if (trace_sink_close(sink, tot.lost) ||
	    trace_summary_report(rep, trace_sink_summary(sink), &tot, &env,
				 json, lines))
		goto cleanup;
	if (rep != stdout) {
		c = fclose(rep);
		rep = stdout;
		if (c) {
			llctl_err("Unable to write '%s': %s", report, strerror(errno));
			goto cleanup;
		}
	}
	if (llctl_stdout_close())
		goto cleanup;
	/* Like strace: the traced command's status, or 0. */
	ret = cmd_status;
cleanup:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (go >= 0)
		close(go);
	if (rs.ring)
		trace_rings_unmap(&rs);
	if (dev >= 0)
		close(dev);
	if (nl.sk)
		llctl_nl_close(&nl);
	if (rep != stdout)
		fclose(rep);
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	llctl_env_free(&env);
	free(st);
	trace_sink_free(sink);
	free(path);
	return ret;
}
