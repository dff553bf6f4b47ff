// SPDX-License-Identifier: GPL-2.0
/*
 * llctl metrics: llkm's counters as a Prometheus exporter.
 *
 * The collector runs in the main thread: every --interval it reads every
 * counter (metrics-collect.c), renders the whole exposition
 * (metrics-render.c) and publishes the text to the HTTP thread
 * (metrics-http.c), which answers scrapes with the latest one. Scrapes
 * never touch the module: any number of scrapers see the same numbers,
 * and the ratios always cover one interval, whoever scrapes when.
 *
 * SIGINT and SIGTERM are blocked in every thread and taken with
 * sigtimedwait() between collections: the server stops, then the
 * counters are closed, before llctl exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llctl.h"
#include "metrics-expo.h"
#include "metrics-http.h"
#include "metrics.h"

enum {
	OPT_ONCE = LLCTL_OPT_JSON + 1,
};

static const struct llctl_opt metrics_opt[] = {
	{ "listen", 'l', "ADDR:PORT", "Serve /metrics here (default " MET_DEFAULT_LISTEN "; [IPV6]:PORT; port 0: any)" },
	{ "interval", 'i', "SECS", "Read the counters every SECS seconds, 0.1 to 3600 (default 1)" },
	{ "once", OPT_ONCE, NULL, "Print one scrape (two readings --interval apart) to stdout and exit" },
	{ 0 }
};

static const struct llctl_opts metrics_opts = {
	.cmd = "metrics",
	.synopsis = "[--listen ADDR:PORT] [--interval SECS] [--once]",
	.summary = "Serve llkm's system-wide counters, ratios and health in the Prometheus text\n"
		   "format at http://ADDR:PORT/metrics, collected every --interval seconds,\n"
		   "or print one scrape with --once. Needs the module loaded and CAP_PERFMON.",
	.opt = metrics_opt,
};

/* One collection rendered: a malloc'ed text, or NULL. */
static char *render(const struct met_state *s, size_t *len)
{
	char *text = NULL;
	struct mx m;
	FILE *f;

	f = open_memstream(&text, len);
	if (!f)
		return NULL;
	mx_init(&m, f);
	met_render(s, &m);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* Sleeps until @deadline_ns, or a signal: true when one came. */
static bool wait_signal(const sigset_t *set, double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return false;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - ts.tv_sec) * 1e9);
	for (;;) {
		if (sigtimedwait(set, NULL, &ts) > 0)
			return true;
		if (errno == EAGAIN)
			return false;
		/* EINTR: another signal; the timeout restarts, short enough. */
	}
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int once(struct met_state *s, const sigset_t *set, double interval)
{
	char *text;
	size_t len;
	int ret = 1;

	wait_signal(set, interval);
	met_read(s);
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

static int serve(struct met_state *s, const sigset_t *set, double interval,
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
		next += interval;
		if (wait_signal(set, next - mono_s()))
			break;
		if (next < mono_s())
			next = mono_s();	/* fell behind: no burst */
		met_read(s);
	}
	met_http_stop(h);
	return 0;
}

int cmd_metrics(int argc, char **argv)
{
	struct met_state *s = calloc(1, sizeof(*s));
	const char *listen = NULL;
	double interval = 1;
	sigset_t set, old;
	bool one = false;
	int ret = 1, c;
	char *arg, *end;

	if (!s)
		return 1;
	while ((c = llctl_next_opt(argc, argv, &metrics_opts, &arg)) != -1) {
		switch (c) {
		case 'l':
			listen = arg;
			break;
		case 'i':
			errno = 0;
			interval = strtod(arg, &end);
			if (errno || end == arg || *end || !(interval >= 0.1) ||
			    interval > 3600) {
				llctl_err("Unable to use --interval '%s': seconds from 0.1 to 3600",
					  arg);
				goto cleanup;
			}
			break;
		case OPT_ONCE:
			one = true;
			break;
		case 'h':
			llctl_usage(stdout, &metrics_opts);
			ret = llctl_stdout_close();
			goto cleanup;
		default:
			llctl_usage(stderr, &metrics_opts);
			goto cleanup;
		}
	}
	if (llctl_no_operands(argc, argv, &metrics_opts))
		goto cleanup;
	if (one && listen) {
		llctl_err("Unable to use --listen with --once: --once prints to stdout");
		goto cleanup;
	}
	if (!listen)
		listen = MET_DEFAULT_LISTEN;
	if (!one) {
		struct sockaddr_storage ss;
		socklen_t len;

		if (met_parse_listen(listen, &ss, &len))
			goto cleanup;
	}
	/* Before any thread: the server's inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	if (met_open(s))
		goto close;
	ret = one ? once(s, &set, interval) : serve(s, &set, interval, listen);
close:
	met_close(s);
	sigprocmask(SIG_SETMASK, &old, NULL);
cleanup:
	free(s);
	return ret;
}
