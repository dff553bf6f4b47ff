// SPDX-License-Identifier: GPL-2.0
/*
 * The one place trace records are handed out: summary, capture, CTF,
 * Perfetto and event lines see the same records in the same order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "trace/capture.h"
#include "trace/ctf.h"
#include "trace/events.h"
#include "trace/perfetto.h"
#include "trace/summary.h"
#include "trace/trace.h"

struct trace_sink {
	struct trace_sink_cfg cfg;
	struct trace_summary *sum;
	struct trace_capture *cap;
	struct trace_ctf *ctf;
	struct trace_perfetto *pf;
	struct trace_comms *comms;
	uint64_t t0;		/* first record's time, for event lines */
	int err;		/* first output error, negative */
};

int trace_format_parse(const char *name)
{
	if (!strcmp(name, "raw"))
		return TRACE_FMT_RAW;
	if (!strcmp(name, "ctf"))
		return TRACE_FMT_CTF;
	if (!strcmp(name, "perfetto"))
		return TRACE_FMT_PERFETTO;
	return -1;
}

struct trace_sink *trace_sink_open(const struct trace_sink_cfg *cfg)
{
	struct trace_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->sum = trace_summary_new(cfg->ncpus, cfg->events, cfg->cmd_pid);
	s->comms = trace_comms_new(cfg->live);
	if (!s->sum || !s->comms)
		goto fail;
	trace_summary_comms(s->sum, s->comms);
	if (trace_summary_by_process(s->sum, cfg->by_process))
		goto fail;
	if (cfg->only)
		trace_summary_only(s->sum, cfg->only, cfg->only_len);
	trace_summary_hist(s->sum, cfg->hist);
	switch (cfg->format) {
	case TRACE_FMT_RAW:
		s->cap = trace_capture_create(cfg->out, cfg->ncpus, cfg->events,
					      cfg->cmd_pid, cfg->env);
		if (!s->cap)
			goto fail_out;
		break;
	case TRACE_FMT_CTF:
		s->ctf = trace_ctf_open(cfg->out, cfg->ncpus, cfg->env);
		if (!s->ctf)
			goto fail_out;
		break;
	case TRACE_FMT_PERFETTO:
		s->pf = trace_perfetto_open(cfg->out);
		if (!s->pf)
			goto fail_out;
		break;
	case TRACE_FMT_NONE:
		break;
	}
	return s;
fail_out:
	llctl_err("Unable to create '%s': %s", cfg->out, strerror(errno));
fail:
	trace_summary_free(s->sum);
	trace_comms_free(s->comms);
	free(s);
	return NULL;
}

void trace_sink_add(const struct llkm_rec *rec, void *arg)
{
	struct trace_sink *s = arg;
	int err = 0;

	/* A capture keeps every record: report applies the same gate. */
	if (s->cap)
		err = trace_capture_write(s->cap, rec);
	/* Every record may name a thread, counted or not. */
	trace_comms_take(s->comms, rec);
	if (!trace_summary_take(s->sum, rec))
		goto out;
	if (!s->t0)
		s->t0 = rec->time_ns;
	if (s->ctf)
		err = trace_ctf_write(s->ctf, rec);
	else if (s->pf)
		err = trace_perfetto_write(s->pf, rec);
	if (s->cfg.lines)
		trace_event_print(s->cfg.lines, rec, s->t0,
				  trace_comms_get(s->comms, rec->pid, rec->tid));
out:
	if (err && !s->err)
		s->err = err;
}

struct trace_summary *trace_sink_summary(struct trace_sink *s)
{
	return s->sum;
}

int trace_sink_close(struct trace_sink *s, uint64_t lost)
{
	int err = s->err;
	int e = 0;

	if (s->cap)
		e = trace_capture_close(s->cap, lost);
	else if (s->ctf)
		e = trace_ctf_close(s->ctf);
	else if (s->pf)
		e = trace_perfetto_close(s->pf);
	s->cap = NULL;
	s->ctf = NULL;
	s->pf = NULL;
	if (!err)
		err = e;
	if (err)
		llctl_err("Unable to write '%s': %s", s->cfg.out, strerror(-err));
	return err ? 1 : 0;
}

void trace_sink_free(struct trace_sink *s)
{
	if (!s)
		return;
	if (s->cap || s->ctf || s->pf)
		trace_sink_close(s, 0);
	trace_summary_free(s->sum);
	trace_comms_free(s->comms);
	free(s);
}
