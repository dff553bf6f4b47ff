// SPDX-License-Identifier: GPL-2.0
/*
 * llctl metrics --trace: a system-wide trace session whose records go
 * into llctl trace's own summary (trace/summary.c), drained whenever a
 * ring reaches its watermark and at every collection. The families are
 * the summary's JSON ('llctl trace --json'), key for key, as counters:
 * per syscall its calls, errors and time; per IRQ and per softirq and
 * CPU their count and time; the switches. Nothing is reset: a _total is
 * everything since the exporter started.
 *
 * The session takes the module's one trace slot (an llctl trace started
 * later says so) and records the exporter's own syscalls too.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/util.h"
#include "metrics/expo.h"
#include "metrics/metrics.h"
#include "trace/session.h"
#include "trace/summary.h"

struct met_trace {
	struct trace_session ts;
	bool hangup;		/* someone else stopped the session */
	uint32_t events;
	struct trace_summary *sum;
};

static const struct {
	const char *name;
	uint32_t bit;
} trace_names[] = {
	{ "syscalls", LLKM_TRACE_EV_SYSCALLS },
	{ "irqs", LLKM_TRACE_EV_IRQS },
	{ "softirqs", LLKM_TRACE_EV_SOFTIRQS },
	{ "sched", LLKM_TRACE_EV_SCHED },
	{ "all", LLKM_TRACE_EV_ALL },
};

int met_trace_parse(const char *list, uint32_t *events)
{
	char *copy = strdup(list), *tok, *save;
	size_t i;
	int ret = 0;

	*events = 0;
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(trace_names) / sizeof(trace_names[0]); i++)
			if (!strcmp(tok, trace_names[i].name))
				break;
		if (i == sizeof(trace_names) / sizeof(trace_names[0]))
			ret = -1;
		else
			*events |= trace_names[i].bit;
	}
	free(copy);
	return ret || !*events ? -1 : 0;
}

int met_trace_start(struct met_state *s, uint32_t events)
{
	struct llctl_trace_req req = {
		.events = events,
		/* Drained live: the oldest records are the ones to keep. */
		.ring_mode = LLKM_RING_MODE_DISCARD,
	};
	struct met_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return 1;
	s->trace = t;
	t->events = events;
	if (trace_session_open(&t->ts, &s->nl)) {
		llctl_err("Unable to %s", t->ts.why);
		return 1;
	}
	t->sum = trace_summary_new(s->ring_cap, events, 0);
	if (!t->sum) {
		llctl_err("Unable to trace: out of memory");
		return 1;
	}
	if (trace_session_start(&t->ts, &req, s->ring_cap)) {
		llctl_err("Unable to %s", t->ts.why);
		return 1;
	}
	s->ring_mode = t->ts.mode;
	return 0;
}

int met_trace_fd(const struct met_state *s)
{
	return s->trace && s->trace->ts.rs.ring && !s->trace->hangup ?
	       s->trace->ts.dev : -1;
}

static void take(const struct llkm_rec *rec, void *arg)
{
	trace_summary_take(arg, rec);
}

void met_trace_drain(struct met_state *s)
{
	if (met_trace_fd(s) >= 0)
		trace_session_drain(&s->trace->ts, take, s->trace->sum);
}

void met_trace_hangup(struct met_state *s)
{
	met_trace_drain(s);
	s->trace->hangup = true;
	llctl_err("warning: the trace session was stopped by someone else (LLKM_CMD_TRACE_STOP): the trace counts stop here");
}

/* One sample per element of @arr: its number at @key, divided by @div. */
static void per_element(struct met_expo *m, struct json_object *arr,
			const char *key, double div, const char *const *labels)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i), *v;
		const char *l[3][2] = { { 0 } };
		int k;

		if (!json_object_object_get_ex(e, key, &v))
			continue;
		/* Each label: its name, then the key it comes from. */
		for (k = 0; k < 3 && labels[2 * k]; k++) {
			struct json_object *lv;

			l[k][0] = labels[2 * k];
			l[k][1] = json_object_object_get_ex(e, labels[2 * k + 1], &lv) ?
				  json_object_get_string(lv) : "";
		}
		met_expo_sample(m, json_object_get_double(v) / div,
				l[0][0], l[0][1], l[1][0], l[1][1], l[2][0], l[2][1],
				(char *)NULL);
	}
}

static void syscalls(struct met_expo *m, struct json_object *arr)
{
	static const char *const lb[] = { "syscall", "name", NULL };

	met_expo_family(m, "llkm_syscalls_total", "counter",
			"System calls entered, every process (--trace syscalls; llctl trace's calls)");
	per_element(m, arr, "calls", 1, lb);
	met_expo_family(m, "llkm_syscall_errors_total", "counter",
			"System calls that returned an error (-4095..-1)");
	per_element(m, arr, "errors", 1, lb);
	met_expo_family(m, "llkm_syscalls_timed_total", "counter",
			"System calls whose entry and exit were both seen: what llkm_syscall_seconds_total sums");
	per_element(m, arr, "timed", 1, lb);
	met_expo_family(m, "llkm_syscall_seconds_total", "counter",
			"Seconds spent in the timed system calls");
	per_element(m, arr, "total_ns", 1e9, lb);
}

static void irqs(struct met_expo *m, struct json_object *arr, bool soft)
{
	static const char *const hard[] = { "irq", "irq", "name", "name", "cpu", "cpu", NULL };
	static const char *const sw[] = { "softirq", "name", "cpu", "cpu", NULL };

	met_expo_family(m, soft ? "llkm_softirqs_total" : "llkm_irqs_total", "counter",
			soft ? "Softirqs run, per vector and CPU (--trace softirqs)" :
			 "Hardware IRQ handlers run, per IRQ and CPU (--trace irqs)");
	per_element(m, arr, "count", 1, soft ? sw : hard);
	met_expo_family(m, soft ? "llkm_softirq_seconds_total" : "llkm_irq_seconds_total",
			"counter", soft ? "Seconds in softirqs whose entry and exit were both seen" :
				    "Seconds in IRQ handlers whose entry and exit were both seen");
	per_element(m, arr, "total_ns", 1e9, soft ? sw : hard);
}

void met_trace_render(const struct met_state *s, struct met_expo *m)
{
	struct trace_ring_totals tot = { 0 };
	struct json_object *o, *v, *sw;

	if (!s->trace || !s->trace->sum)
		return;
	tot.delivered = s->trace->ts.rs.delivered;
	o = trace_summary_json(s->trace->sum, &tot);
	if (json_object_object_get_ex(o, "syscalls", &v))
		syscalls(m, v);
	if (json_object_object_get_ex(o, "irqs", &v))
		irqs(m, v, false);
	if (json_object_object_get_ex(o, "softirqs", &v))
		irqs(m, v, true);
	if (json_object_object_get_ex(o, "sched", &v) &&
	    json_object_object_get_ex(v, "switches", &sw)) {
		met_expo_family(m, "llkm_sched_switches_total", "counter",
				"Context switches traced (--trace sched), every CPU");
		met_expo_sample(m, json_object_get_double(sw), (char *)NULL);
	}
	met_expo_family(m, "llkm_ring_delivered_records_total", "counter",
			"Records the exporter read from its trace session's rings");
	met_expo_sample(m, s->trace->ts.rs.delivered, (char *)NULL);
	json_object_put(o);
}

void met_trace_stop(struct met_state *s)
{
	struct met_trace *t = s->trace;

	if (!t)
		return;
	trace_session_close(&t->ts);
	trace_summary_free(t->sum);
	free(t);
	s->trace = NULL;
}
