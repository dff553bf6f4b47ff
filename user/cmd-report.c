// SPDX-License-Identifier: GPL-2.0
/*
 * llctl report: render a capture that `llctl trace -o FILE` wrote, as the
 * live trace would have (summary, events, JSON), or convert it to CTF or
 * Perfetto; a perf.data file goes to profile/report.c.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lib/env.h"
#include "lib/options.h"
#include "lib/text.h"
#include "lib/util.h"
#include "profile/report.h"
#include "trace/capture.h"
#include "trace/ctf.h"
#include "trace/summary.h"
#include "trace/trace.h"

enum {
	OPT_SUMMARY = LLCTL_OPT_JSON + 1,
	OPT_EVENTS,
	OPT_FORMAT,
	OPT_NO_BIG_NUM,
};

struct report_args {
	bool summary, events, json;
	bool no_big_num;	/* --no-big-num */
	const char *out;
	int format;		/* -1, or an index in report_formats[] */
};

static const char *const report_formats[] = { "ctf", "perfetto", NULL };

static const struct llctl_opt report_opt[] = {
	{ "summary", OPT_SUMMARY, NULL, "Per-syscall summary (the default)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct report_args, summary) },
	{ "events", OPT_EVENTS, NULL, "One line per event, time ordered, like perf script",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct report_args, events) },
	{ "no-big-num", OPT_NO_BIG_NUM, NULL,
	  "Print counts without the locale's thousands separators",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct report_args, no_big_num) },
	{ "json", LLCTL_OPT_JSON, NULL, "Print the summary as JSON (docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct report_args, json) },
	{ "output", 'o', "PATH", "Also write the trace to PATH (see --format)",
	  .type = LLCTL_OPT_STR, LLCTL_FIELD(struct report_args, out) },
	{ "format", OPT_FORMAT, "FMT", "Of -o: ctf (a directory) or perfetto",
	  .type = LLCTL_OPT_ENUM, LLCTL_FIELD(struct report_args, format),
	  .choices = report_formats },
	{ 0 }
};

static const struct llctl_opts report_opts = {
	.cmd = "report",
	.synopsis = "[--summary | --events] [--no-big-num] [--json] "
		    "[-o PATH --format ctf|perfetto] FILE",
	.summary = "Render a capture written by 'llctl trace -o FILE': the same summary,\n"
		   "events and JSON as the live trace, or a CTF or Perfetto trace of it.\n"
		   "The environment shown is the machine's that recorded the capture.\n"
		   "A perf.data FILE (llctl record, perf record) gets the top functions\n"
		   "instead: [--json | --folded] [--children] [--svg PATH] [--event EV]\n"
		   "[--percent-limit PCT] [--comms COMM,...] [--dsos DSO,...]\n"
		   "[--pid PID,...] [--sort comm|pid|dso|symbol,...] [--call-graph [caller]]\n"
		   "[--call-graph-order callee|caller] [--no-demangle] [--no-pager] [--stdio]\n"
		   "[-i | --input] FILE (--comm, --dso: perf's spellings of --comms, --dsos);\n"
		   "--diff A B compares two perf.data files as perf diff, or two files of\n"
		   "'llctl profile --json -o' ('llctl report --help FILE' lists those options).",
	.opt = report_opt,
	.operands = true,
};

int cmd_report(int argc, char **argv)
{
	struct trace_sink_cfg cfg = { .format = TRACE_FMT_NONE };
	struct trace_ring_totals tot = { 0 };
	struct trace_capture_hdr hdr;
	struct trace_sink *sink = NULL;
	struct llctl_env env = { 0 };
	struct report_args a = { .format = -1 };
	bool have_env;
	int ret = 1, c;
	long n;

	if (prof_is_perf_data(argc, argv))	/* llctl record's perf.data */
		return prof_report(argc, argv);
	c = llctl_parse(argc, argv, &report_opts, &a);
	if (c < 0)
		return llctl_parse_status(c);
	llctl_text_set_big_num(!a.no_big_num);
	cfg.out = a.out;
	if (a.format >= 0)
		cfg.format = a.format ? TRACE_FMT_PERFETTO : TRACE_FMT_CTF;
	if (cfg.format == TRACE_FMT_CTF &&
	    trace_ctf_missing("report --format ctf"))
		return 1;
	if (c + 1 != argc) {
		llctl_err("Unable to report: name one capture FILE, see 'llctl help report'");
		return 1;
	}
	if (!cfg.out != (cfg.format == TRACE_FMT_NONE)) {
		llctl_opt_bad(&report_opts, cfg.out ? OPT_FORMAT : 'o', NULL,
			      "-o PATH and --format ctf|perfetto go together");
		return 1;
	}
	if (a.events && a.json) {
		llctl_opt_bad(&report_opts, OPT_EVENTS, NULL,
			      "--json prints the summary; give one of the two");
		return 1;
	}

	/* The header first: the sink needs its CPUs and events. */
	n = trace_capture_read(argv[c], &hdr, NULL, NULL);
	if (n == -EINVAL) {
		llctl_err("Unable to read '%s': not an llctl capture, or damaged",
			  argv[c]);
		return 1;
	} else if (n < 0) {
		llctl_err("Unable to read '%s': %s", argv[c], strerror(-n));
		return 1;
	}
	/* The machine that recorded; a format 1 capture names none. */
	n = trace_capture_env(argv[c], &env);
	if (n && n != -ENODATA) {
		llctl_err("Unable to read '%s': its environment is damaged",
			  argv[c]);
		return 1;
	}
	have_env = !n;
	cfg.ncpus = hdr.ncpus;
	cfg.events = hdr.events;
	cfg.cmd_pid = hdr.cmd_pid;
	cfg.lines = a.events ? stdout : NULL;
	cfg.env = have_env ? &env : NULL;
	sink = trace_sink_open(&cfg);
	if (!sink)
		goto cleanup;
	n = trace_capture_read(argv[c], &hdr, trace_sink_add, sink);
	if (n < 0) {
		llctl_err("Unable to read '%s': %s", argv[c],
			  n == -EINVAL ? "damaged after the records shown" :
			  strerror(-n));
		goto cleanup;
	}
	tot.delivered = n;
	tot.lost = hdr.lost;
	tot.produced = n + hdr.lost;
	if (trace_sink_close(sink, hdr.lost) ||
	    trace_summary_report(stdout, trace_sink_summary(sink), &tot,
				 have_env ? &env : NULL,
				 a.json, a.events))
		goto cleanup;
	ret = llctl_stdout_close();
cleanup:
	trace_sink_free(sink);
	llctl_env_free(&env);
	return ret;
}
