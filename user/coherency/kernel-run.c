// SPDX-License-Identifier: GPL-2.0
/*
 * LLKM_CMD_PROBE_RUN through libnl-genl-3: the request as the UAPI header
 * documents it, and its reply (SAMPLES, TSC_KHZ, ELAPSED_NS, STOPPED).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "coherency/kernel-run.h"

static int parse_probe(struct nlattr **tb, void *arg)
{
	struct nlattr *p[LLKM_PROBE_A_MAX + 1];
	struct coh_kernel_result *res = arg;
	int len;

	if (!tb[LLKM_A_PROBE] ||
	    nla_parse_nested(p, LLKM_PROBE_A_MAX, tb[LLKM_A_PROBE], NULL) < 0 ||
	    !p[LLKM_PROBE_A_SAMPLES] || !p[LLKM_PROBE_A_TSC_KHZ])
		return -EPROTO;
	len = nla_len(p[LLKM_PROBE_A_SAMPLES]);
	if (len < 0 || len % sizeof(uint64_t))
		return -EPROTO;
	res->nsamples = len / sizeof(uint64_t);
	res->samples = calloc(res->nsamples ? res->nsamples : 1,
			      sizeof(uint64_t));
	if (!res->samples)
		return -ENOMEM;
	memcpy(res->samples, nla_data(p[LLKM_PROBE_A_SAMPLES]), len);
	res->tsc_khz = nla_get_u32(p[LLKM_PROBE_A_TSC_KHZ]);
	res->elapsed_ns = p[LLKM_PROBE_A_ELAPSED_NS] ?
			  nla_get_u64(p[LLKM_PROBE_A_ELAPSED_NS]) : 0;
	res->stopped = !!p[LLKM_PROBE_A_STOPPED];
	return 0;
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
	ret = llctl_nl_transact(nl, msg, parse_probe, res);
	if (ret)
		coh_kernel_result_free(res);
	return ret;
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

const char *coh_kernel_strerror(int err)
{
	const char *ext = llctl_nl_last_extack();

	switch (err) {
	case -EOPNOTSUPP:
		/* The module's own reason, or genl's: no such command. */
		return ext ? ext : "this llkm has no probes: rebuild and reload it ('make module', 'sudo rmmod llkm', 'sudo insmod kmod/llkm.ko')";
	case -EBUSY:
		return "another probe is running in llkm (one at a time): wait for it to end";
	case -ENODEV:
		return "a CPU asked for is offline";
	case -EINTR:
		return "stopped before it measured anything";
	case -EINVAL:
	case -ERANGE:
		return ext ? ext : strerror(-err);
	default:
		return llctl_nl_strerror(err);
	}
}
