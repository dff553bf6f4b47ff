// SPDX-License-Identifier: GPL-2.0
/*
 * llctl metrics: llkm's counters as a Prometheus exporter.
 *
 * The collector runs in the main thread: every --interval it reads every
 * counter (metrics/collect.c), renders the whole exposition
 * (metrics/render.c) and publishes the text to the HTTP thread
 * (metrics/http.c), which answers scrapes with the latest one. Scrapes
 * never touch the module: any number of scrapers see the same numbers,
 * and the ratios always cover one interval, whoever scrapes when.
 *
 * With --trace, a system-wide trace session feeds llctl trace's summary
 * (metrics/trace.c); its rings are drained whenever one reaches its
 * watermark, between collections too.
 *
 * SIGINT and SIGTERM are blocked in every thread and read from a
 * signalfd between collections: the server stops, then the trace session
 * and the counters are closed, before llctl exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/options.h"
#include "lib/util.h"
#include "metrics/expo.h"
#include "metrics/http.h"
#include "metrics/metrics.h"

enum {
	OPT_ONCE = LLCTL_OPT_JSON + 1,
	OPT_TRACE,
};

struct metrics_args {
	const char *listen;
	double interval;
	bool once;
	uint32_t trace;		/* LLKM_TRACE_EV_* */
};

static int metrics_call(void *args, int key, char *arg);

static const struct llctl_opt metrics_opt[] = {
	{ "listen", 'l', "ADDR:PORT", "Serve /metrics here (default " MET_DEFAULT_LISTEN "; [IPV6]:PORT; port 0: any)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct metrics_args, listen) },
	{ "interval", 'i', "SECS", "Read the counters every SECS seconds, 0.1 to 3600 (default 1)",
	  .type = LLCTL_OPT_DURATION, LLCTL_FIELD(struct metrics_args, interval),
	  .lo = 0.1, .hi = 3600 },
	{ "once", OPT_ONCE, NULL, "Print one scrape (two readings --interval apart) to stdout and exit",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct metrics_args, once) },
	{ "trace", OPT_TRACE, "EVENTS", "Also trace syscalls,irqs,softirqs,sched (or all) system-wide: llctl trace's counts",
	  .type = LLCTL_OPT_CALL },
	{ 0 }
};

static const struct llctl_opts metrics_opts = {
	.cmd = "metrics",
	.synopsis = "[--listen ADDR:PORT] [--interval SECS] [--once] "
		    "[--trace EVENTS]",
	.summary = "Serve llkm's system-wide counters, ratios and health in the Prometheus text\n"
		   "format at http://ADDR:PORT/metrics, collected every --interval seconds,\n"
		   "or print one scrape with --once. Needs the module loaded and CAP_PERFMON.",
	.opt = metrics_opt,
	.call = metrics_call,
};

/* --trace EVENTS. */
static int metrics_call(void *args, int key, char *arg)
{
	struct metrics_args *a = args;

	if (met_trace_parse(arg, &a->trace))
		return llctl_opt_bad(&metrics_opts, key, arg,
				     "a list of syscalls, irqs, softirqs, sched, or all");
	return 0;
}

/* One collection rendered: a malloc'ed text, or NULL. */
static char *render(const struct met_state *s, size_t *len)
{
	char *text = NULL;
	struct met_expo m;
	FILE *f;

	f = open_memstream(&text, len);
	if (!f)
		return NULL;
	met_expo_init(&m, f);
	met_render(s, &m);
	met_trace_render(s, &m);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Waits @seconds for SIGINT or SIGTERM on @sfd, draining the trace rings
 * whenever one reaches its watermark: true when a signal came.
 */
static bool wait_signal(struct met_state *s, int sfd, double seconds)
{
	struct pollfd pfd[2] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = met_trace_fd(s), .events = POLLIN },
	};
	double end = mono_s() + seconds, left;

	while ((left = end - mono_s()) > 0) {
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, (int)ceil(left * 1000)) < 0 &&
		    errno != EINTR)
			return false;
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			/* Taken: not pending when the mask is restored. */
			return read(sfd, &si, sizeof(si)) == sizeof(si);
		}
		if (pfd[1].revents & POLLHUP) {
			met_trace_hangup(s);
			pfd[1].fd = -1;
		} else if (pfd[1].revents & POLLIN) {
			met_trace_drain(s);
		}
	}
	return false;
}

/*
 * A reading of everything: the rings drained before their counts are
 * read, so what the exporter delivered never exceeds what was produced.
 */
static void collect(struct met_state *s)
{
	met_trace_drain(s);
	met_read(s);
}

static int once(struct met_state *s, int sfd, double interval)
{
	char *text;
	size_t len;
	int ret = 1;

	wait_signal(s, sfd, interval);
	collect(s);
	text = render(s, &len);
	if (!text) {
		llctl_err("Unable to render the metrics: %s", strerror(errno));
		return 1;
	}
	if (fwrite(text, 1, len, stdout) == len)
		ret = llctl_stdout_close();
	else
		llctl_err("Unable to write to stdout: %s", strerror(errno));
	free(text);
	return ret;
}

static int serve(struct met_state *s, int sfd, double interval,
		 const char *listen)
{
	struct met_http *h = met_http_start(listen);
	double next = mono_s();
	char *text;
	size_t len;

	if (!h)
		return 1;
	for (;;) {
		text = render(s, &len);
		if (text)
			met_http_publish(h, text, len);
		else	/* scrapes keep the previous text */
			llctl_err("warning: Unable to render the metrics: %s",
				  strerror(errno));
		next += interval;
		if (wait_signal(s, sfd, next - mono_s()))
			break;
		if (next < mono_s())
			next = mono_s();	/* fell behind: no burst */
		collect(s);
	}
	met_http_stop(h);
	return 0;
}

int cmd_metrics(int argc, char **argv)
{
	struct met_state *s = calloc(1, sizeof(*s));
	struct metrics_args a = { .interval = 1 };
	sigset_t set, old;
	int ret = 1, c, sfd = -1;

	if (!s)
		return 1;
	c = llctl_parse(argc, argv, &metrics_opts, &a);
	if (c < 0) {
		ret = llctl_parse_status(c);
		goto cleanup;
	}
	if (a.once && a.listen) {
		llctl_opt_bad(&metrics_opts, 'l', a.listen,
			      "--once prints to stdout; give one of the two");
		goto cleanup;
	}
	if (!a.listen)
		a.listen = MET_DEFAULT_LISTEN;
	if (!a.once) {
		struct sockaddr_storage ss;
		socklen_t len;

		if (met_parse_listen(a.listen, &ss, &len))
			goto cleanup;
	}
	/* Before any thread: the server's inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		llctl_err("Unable to wait for signals: %s", strerror(errno));
		goto close;
	}
	if (met_open(s) || (a.trace && met_trace_start(s, a.trace)))
		goto close;
	ret = a.once ? once(s, sfd, a.interval) :
		       serve(s, sfd, a.interval, a.listen);
close:
	met_trace_stop(s);
	met_close(s);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
cleanup:
	free(s);
	return ret;
}
