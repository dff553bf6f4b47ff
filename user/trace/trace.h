/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/trace/: a trace session's records, from the rings to every output.
 * The session started, drained and stopped for every command that traces
 * (session.c), its rings mapped in place (rings.c, over kmod/ring_core.h
 * through shim/ring_shim.h), syscall names (syscalls.c), the summary
 * (summary.c), the capture file (capture.c), event lines (events.c), CTF
 * (ctf.c) and Perfetto (perfetto.c) writers, and the sink that hands each
 * record to them all (sink.c, declared here). Exported names start with
 * trace_ (TRACE_). trace/ calls lib/, and kmod/ring_core.h through shim/.
 *
 * The sink: where trace records go, live (llctl trace) or from a capture
 * file (llctl report): the summary always, and at most one of a capture,
 * a CTF trace or a Perfetto JSON file, and event lines.
 */
#ifndef LLCTL_TRACE_TRACE_H
#define LLCTL_TRACE_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include <linux/llkm.h>

struct llctl_env;
struct trace_summary;

enum trace_format {
	TRACE_FMT_NONE,
	TRACE_FMT_RAW,		/* a capture for llctl report */
	TRACE_FMT_CTF,		/* a CTF 1.8 directory */
	TRACE_FMT_PERFETTO,	/* Chrome trace-event JSON */
};

struct trace_sink_cfg {
	int ncpus;
	uint32_t events;	/* LLKM_TRACE_EV_* */
	uint32_t cmd_pid;	/* "-- CMD": count from its execve on */
	enum trace_format format;
	const char *out;	/* the file or directory of @format */
	FILE *lines;		/* --events: one line per record, or NULL */
	const uint8_t *only;	/* --syscall bitmap of only_len bytes, or NULL */
	unsigned int only_len;
	const struct llctl_env *env;
	bool hist;		/* --hist: the text summary draws histograms */
	bool by_process;	/* --by-process: and a table per process */
	bool live;		/* the threads run now: /proc may name them */
};

struct trace_sink;

/* NULL with errno set (and a message said) when an output cannot open. */
struct trace_sink *trace_sink_open(const struct trace_sink_cfg *cfg);
/* A trace_rings_drain() / trace_capture_read() callback. */
void trace_sink_add(const struct llkm_rec *rec, void *sink);
struct trace_summary *trace_sink_summary(struct trace_sink *s);
/* Closes the outputs (the summary stays); 0, or 1 after saying why. */
int trace_sink_close(struct trace_sink *s, uint64_t lost);
void trace_sink_free(struct trace_sink *s);

/* "raw", "ctf", "perfetto": the format, or -1. */
int trace_format_parse(const char *name);

#endif /* LLCTL_TRACE_TRACE_H */
