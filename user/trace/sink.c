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

struct llctl_sink {
	struct llctl_sink_cfg cfg;
	struct llctl_summary *sum;
	struct llctl_capture *cap;
	struct llctl_ctf *ctf;
	struct llctl_perfetto *pf;
	uint64_t t0;		/* first record's time, for event lines */
	int err;		/* first output error, negative */
};

int llctl_format_parse(const char *name)
{
	if (!strcmp(name, "raw"))
		return LLCTL_FMT_RAW;
	if (!strcmp(name, "ctf"))
		return LLCTL_FMT_CTF;
	if (!strcmp(name, "perfetto"))
		return LLCTL_FMT_PERFETTO;
	return -1;
}

struct llctl_sink *llctl_sink_open(const struct llctl_sink_cfg *cfg)
{
	struct llctl_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->sum = llctl_summary_new(cfg->ncpus, cfg->events, cfg->cmd_pid);
	if (!s->sum)
		goto fail;
	if (cfg->only)
		llctl_summary_only(s->sum, cfg->only, cfg->only_len);
	switch (cfg->format) {
	case LLCTL_FMT_RAW:
		s->cap = llctl_capture_create(cfg->out, cfg->ncpus, cfg->events,
					      cfg->cmd_pid);
		if (!s->cap)
			goto fail_out;
		break;
	case LLCTL_FMT_CTF:
		s->ctf = llctl_ctf_open(cfg->out, cfg->ncpus, cfg->env);
		if (!s->ctf)
			goto fail_out;
		break;
	case LLCTL_FMT_PERFETTO:
		s->pf = llctl_perfetto_open(cfg->out);
		if (!s->pf)
			goto fail_out;
		break;
	case LLCTL_FMT_NONE:
		break;
	}
	return s;
fail_out:
	llctl_err("Unable to create '%s': %s", cfg->out, strerror(errno));
fail:
	llctl_summary_free(s->sum);
	free(s);
	return NULL;
}

void llctl_sink_add(const struct llkm_rec *rec, void *arg)
{
	struct llctl_sink *s = arg;
	int err = 0;

	/* A capture keeps every record: report applies the same gate. */
	if (s->cap)
		err = llctl_capture_write(s->cap, rec);
	if (!llctl_summary_take(s->sum, rec))
		goto out;
	if (!s->t0)
		s->t0 = rec->time_ns;
	if (s->ctf)
		err = llctl_ctf_write(s->ctf, rec);
	else if (s->pf)
		err = llctl_perfetto_write(s->pf, rec);
	if (s->cfg.lines)
		llctl_event_print(s->cfg.lines, rec, s->t0);
out:
	if (err && !s->err)
		s->err = err;
}

struct llctl_summary *llctl_sink_summary(struct llctl_sink *s)
{
	return s->sum;
}

int llctl_sink_close(struct llctl_sink *s, uint64_t lost)
{
	int err = s->err;
	int e = 0;

	if (s->cap)
		e = llctl_capture_close(s->cap, lost);
	else if (s->ctf)
		e = llctl_ctf_close(s->ctf);
	else if (s->pf)
		e = llctl_perfetto_close(s->pf);
	s->cap = NULL;
	s->ctf = NULL;
	s->pf = NULL;
	if (!err)
		err = e;
	if (err)
		llctl_err("Unable to write '%s': %s", s->cfg.out, strerror(-err));
	return err ? 1 : 0;
}

void llctl_sink_free(struct llctl_sink *s)
{
	if (!s)
		return;
	if (s->cap || s->ctf || s->pf)
		llctl_sink_close(s, 0);
	llctl_summary_free(s->sum);
	free(s);
}
