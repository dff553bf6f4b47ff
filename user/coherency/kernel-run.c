// SPDX-License-Identifier: GPL-2.0
/*
 * A probe run in llkm through libnl-genl-3, as the UAPI header documents
 * it: PROBE_RUN starts the run and answers its id, PROBE_DONE comes when
 * it ends (perhaps before that answer), and a PROBE_GET dump brings the
 * samples, LLKM_PROBE_SAMPLES_MSG_MAX at most a message. Ctrl-C stops the
 * run with PROBE_STOP; what it did still comes back. The module sets the
 * run up after its answer (ABI 4): a setup that fails says so in
 * PROBE_DONE (LLKM_A_ERROR), which is then the run's error, as a refusal
 * of PROBE_RUN would have been.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "lib/hint.h"
#include "coherency/kernel-run.h"
#include "coherency/stats.h"

/* How often the wait for PROBE_DONE looks at req->stop. */
#define STOP_POLL_MS	100

/* Why the last reply's TSC rate was refused (-EDOM). */
static char tsc_why[512];

struct run_state {
	uint32_t id;
	bool done;			/* PROBE_DONE came */
	uint32_t early;			/* a PROBE_DONE's ID before PROBE_RUN's */
	bool stop_sent;
	int err;			/* PROBE_DONE's: the setup failed */
	struct coh_kernel_result *res;
	unsigned int got;		/* samples PROBE_GET brought */
};

/* PROBE_DONE's (or the dump's first message's) account of the run. */
static int parse_done(struct nlattr **p, struct run_state *st)
{
	struct coh_kernel_result *res = st->res;

	if (!p[LLKM_PROBE_A_TSC_KHZ])
		return -EPROTO;
	res->nsamples = nla_get_u32(p[LLKM_PROBE_A_NSAMPLES]);
	res->tsc_khz = nla_get_u32(p[LLKM_PROBE_A_TSC_KHZ]);
	res->elapsed_ns = p[LLKM_PROBE_A_ELAPSED_NS] ?
			  nla_get_u64(p[LLKM_PROBE_A_ELAPSED_NS]) : 0;
	res->stopped = !!p[LLKM_PROBE_A_STOPPED];
	return 0;
}

/*
 * PROBE_DONE of a run whose setup failed: its -errno, and the module's
 * reason where a refusal's extended ack would have it.
 */
static int parse_error(struct nlattr **tb, struct run_state *st)
{
	st->err = (int32_t)nla_get_u32(tb[LLKM_A_ERROR]);
	llctl_nl_set_extack(tb[LLKM_A_ERROR_MSG] ?
			    nla_get_string(tb[LLKM_A_ERROR_MSG]) : NULL);
	return st->err < 0 ? 0 : -EPROTO;
}

/*
 * PROBE_DONE. One that comes before PROBE_RUN's answer may be this run's
 * (a short run ends first) or a closed socket's whose portid this one
 * took (llkm.h): it is read, and counts once the answer's ID matches it.
 */
static int parse_done_msg(struct nlattr **tb, struct nlattr **p,
			  struct run_state *st)
{
	int ret;

	ret = tb[LLKM_A_ERROR] ? parse_error(tb, st) : parse_done(p, st);
	if (st->id)
		st->done = true;
	else
		st->early = nla_get_u32(p[LLKM_PROBE_A_ID]);
	return ret;
}

/* PROBE_RUN's answer: the run's ID, and an early PROBE_DONE kept or not. */
static int run_answer(struct nlattr **p, struct run_state *st)
{
	st->id = nla_get_u32(p[LLKM_PROBE_A_ID]);
	if (st->early && st->early == st->id) {
		st->done = true;
	} else if (st->early) {
		/* Another run's: its account is overwritten by ours. */
		st->err = 0;
		llctl_nl_set_extack(NULL);
	}
	st->early = 0;
	return 0;
}

/*
 * Any message of the run: PROBE_RUN's answer (ID), PROBE_DONE (ID and
 * NSAMPLES, or ID and LLKM_A_ERROR) or PROBE_GET's (ID, OFFSET,
 * SAMPLES); others are let be.
 */
static int parse_probe(struct nlattr **tb, void *arg)
{
	struct nlattr *p[LLKM_PROBE_A_MAX + 1];
	struct run_state *st = arg;
	struct coh_kernel_result *res = st->res;
	unsigned int off, n;
	int len, ret;

	if (!tb[LLKM_A_PROBE] ||
	    nla_parse_nested(p, LLKM_PROBE_A_MAX, tb[LLKM_A_PROBE], NULL) < 0 ||
	    !p[LLKM_PROBE_A_ID])
		return -EPROTO;
	if (st->id && nla_get_u32(p[LLKM_PROBE_A_ID]) != st->id)
		return 0;		/* an earlier run's */
	if (tb[LLKM_A_ERROR] ||
	    (p[LLKM_PROBE_A_NSAMPLES] && !p[LLKM_PROBE_A_OFFSET]))
		return parse_done_msg(tb, p, st);
	if (!p[LLKM_PROBE_A_OFFSET])
		return run_answer(p, st);
	if (p[LLKM_PROBE_A_NSAMPLES]) {
		ret = parse_done(p, st);
		if (ret)
			return ret;
		free(res->samples);
		res->samples = calloc(res->nsamples ? res->nsamples : 1,
				      sizeof(uint64_t));
		if (!res->samples)
			return -ENOMEM;
	}
	if (!p[LLKM_PROBE_A_SAMPLES] || !res->samples)
		return -EPROTO;
	len = nla_len(p[LLKM_PROBE_A_SAMPLES]);
	off = nla_get_u32(p[LLKM_PROBE_A_OFFSET]);
	n = len / sizeof(uint64_t);
	if (len < 0 || len % sizeof(uint64_t) || off > res->nsamples ||
	    n > res->nsamples - off)
		return -EPROTO;
	memcpy(res->samples + off, nla_data(p[LLKM_PROBE_A_SAMPLES]), len);
	st->got += n;
	return 0;
}

/* PROBE_STOP or PROBE_GET of run @id. */
static int id_cmd(struct llctl_nl *nl, uint8_t cmd, struct run_state *st)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = cmd == LLKM_CMD_PROBE_GET ? llctl_nl_dump_request(nl, cmd) :
					  llctl_nl_request(nl, cmd);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, LLKM_A_PROBE);
	if (!nest || nla_put_u32(msg, LLKM_PROBE_A_ID, st->id)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return llctl_nl_transact(nl, msg, parse_probe, st);
}

/* Until PROBE_DONE; Ctrl-C (req->stop) stops the run, which then ends. */
static int wait_done(struct llctl_nl *nl, const struct coh_kernel_req *req,
		     struct run_state *st)
{
	int ret = 0;

	while (!ret && !st->done) {
		if (req->stop && *req->stop && !st->stop_sent) {
			st->stop_sent = true;
			ret = id_cmd(nl, LLKM_CMD_PROBE_STOP, st);
			if (ret)
				break;
		}
		ret = llctl_nl_listen(nl, STOP_POLL_MS, parse_probe, st);
	}
	return ret;
}

/* The sweep kinds' PARAM (0 is a value), and bandwidth's SIMD, PREFETCH. */
static int put_sweep(struct nl_msg *msg, const struct coh_kernel_req *req)
{
	switch (req->kind) {
	case LLKM_PROBE_BANDWIDTH:
		if ((req->simd && nla_put_u32(msg, LLKM_PROBE_A_SIMD, req->simd)) ||
		    (req->prefetch &&
		     nla_put_u32(msg, LLKM_PROBE_A_PREFETCH, req->prefetch)))
			return -ENOMEM;
		/* fall through */
	case LLKM_PROBE_BRANCH:
	case LLKM_PROBE_ICACHE:
		return nla_put_u64(msg, LLKM_PROBE_A_PARAM, req->param);
	}
	return 0;
}

int coh_kernel_run(struct llctl_nl *nl, const struct coh_kernel_req *req,
		   struct coh_kernel_result *res)
{
	struct run_state st = { .res = res };
	struct nlattr *nest;
	struct nl_msg *msg;
	int ret;

	memset(res, 0, sizeof(*res));
	msg = llctl_nl_request(nl, LLKM_CMD_PROBE_RUN);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, LLKM_A_PROBE);
	if (!nest || nla_put_u32(msg, LLKM_PROBE_A_KIND, req->kind) ||
	    nla_put_u32(msg, LLKM_PROBE_A_OP, req->op) ||
	    nla_put_u32(msg, LLKM_PROBE_A_FLAGS, req->flags) ||
	    nla_put(msg, LLKM_PROBE_A_CPUS, req->ncpus * sizeof(uint32_t),
		    req->cpus) ||
	    nla_put_u64(msg, LLKM_PROBE_A_ITERATIONS, req->iterations) ||
	    nla_put_u32(msg, LLKM_PROBE_A_BATCHES, req->batches) ||
	    (req->timeout_ms &&
	     nla_put_u32(msg, LLKM_PROBE_A_TIMEOUT_MS, req->timeout_ms)) ||
	    put_sweep(msg, req)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	ret = llctl_nl_transact(nl, msg, parse_probe, &st);
	if (!ret && !st.id)
		ret = -EPROTO;
	if (!ret)
		ret = wait_done(nl, req, &st);
	if (!ret)
		ret = st.err;	/* the reason, if any, is the extack now */
	if (!ret)
		ret = id_cmd(nl, LLKM_CMD_PROBE_GET, &st);
	if (!ret && (st.got != res->nsamples || !res->samples))
		ret = -EPROTO;
	/* Every kind but litmus (counts of outcomes) turns ticks into ns. */
	if (!ret && req->kind != LLKM_PROBE_LITMUS)
		ret = coh_kernel_tsc_check(res->tsc_khz);
	if (ret)
		coh_kernel_result_free(res);
	return ret;
}

int coh_kernel_tsc_check(uint32_t khz)
{
	char g[320];

	if (coh_tsc_plausible(khz, g, sizeof(g)))
		return 0;
	snprintf(tsc_why, sizeof(tsc_why),
		 "llkm's TSC rate (the kernel's tsc_khz) is %u kHz, %s; no tick is turned into ns",
		 khz, g);
	return -EDOM;
}

int coh_kernel_batch_ns(struct llctl_nl *nl, const struct coh_kernel_req *req,
			double *ns)
{
	unsigned int per = req->kind == LLKM_PROBE_BANDWIDTH ? req->ncpus : 1;
	struct coh_kernel_result res;
	unsigned int b, t;
	uint64_t c;
	int ret;

	ret = coh_kernel_run(nl, req, &res);
	if (ret)
		return ret;
	ret = 1;
	if (res.stopped || res.nsamples < req->batches * per)
		goto out;
	ret = -EPROTO;
	if (!res.tsc_khz)
		goto out;
	for (b = 0; b < req->batches; b++) {
		for (c = 0, t = 0; t < per; t++)
			if (res.samples[b * per + t] > c)
				c = res.samples[b * per + t];
		if (!c)
			goto out;	/* a batch that ran takes time */
		ns[b] = (double)c * 1e6 / res.tsc_khz;
	}
	ret = 0;
out:
	coh_kernel_result_free(&res);
	return ret;
}

void coh_kernel_result_free(struct coh_kernel_result *res)
{
	free(res->samples);
	res->samples = NULL;
	res->nsamples = 0;
}

/* An llkm without probes: reload one of llctl's version, as lib/hint says. */
static const char *no_probes(void)
{
	static __thread char buf[768];
	struct llctl_hint_ctx c;
	char load[512];

	llctl_hint_ctx_self(&c);
	snprintf(buf, sizeof(buf), "this llkm has no probes (an older module): sudo rmmod llkm; then %s",
		 llctl_hint_load(&c, load, sizeof(load)));
	return buf;
}

const char *coh_kernel_strerror(int err)
{
	const char *ext = llctl_nl_last_extack();

	switch (err) {
	case -EOPNOTSUPP:
		/* The module's own reason, or genl's: no such command. */
		return ext ? ext : no_probes();
	case -EBUSY:
		return "another probe is running in llkm (one at a time): wait for it to end";
	case -ENODEV:
		return "a CPU asked for is offline";
	case -EINTR:
		return "stopped before it measured anything";
	case -EDOM:
		return tsc_why;
	case -EINVAL:
	case -ERANGE:
		return ext ? ext : strerror(-err);
	default:
		return llctl_nl_strerror(err);
	}
}
