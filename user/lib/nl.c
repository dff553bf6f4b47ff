// SPDX-License-Identifier: GPL-2.0
/*
 * The llkm generic netlink family, seen from llctl, through libnl-genl-3.
 *
 * Requests carry NLM_F_ACK, so a transaction ends at the ack or the error;
 * errors keep the kernel's errno and its extended-ack message, which is
 * what the user needs to see ("llkm: ring size must be a power of two"),
 * rather than libnl's generic text. Notifications to the socket (probe
 * runs' PROBE_DONE, sequence number 0) may come among the replies: they
 * go to the same parser, which tells them apart.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "lib/hint.h"
#include "lib/nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct xfer {
	int err;		/* errno of the transaction, negative */
	int done;
	int (*parse)(struct nlattr **tb, void *arg);
	/* Instead of parse, for replies that repeat a top-level attribute. */
	int (*parse_raw)(struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static char last_extack[256];

const char *llctl_nl_last_extack(void)
{
	return last_extack[0] ? last_extack : NULL;
}

void llctl_nl_set_extack(const char *msg)
{
	snprintf(last_extack, sizeof(last_extack), "%s", msg ? msg : "");
}

int llctl_nl_open(struct llctl_nl *nl)
{
	int one = 1;
	int ret;

	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = -EPROTONOSUPPORT;
		goto fail;
	}
	/* Extended acks name the attribute and say what was wrong with it. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/* GET_INFO grows with the PMU count: never truncate a reply. */
	nl_socket_enable_msg_peek(nl->sk);

	nl->family = genl_ctrl_resolve(nl->sk, LLKM_GENL_NAME);
	if (nl->family < 0) {
		ret = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
		goto fail;
	}
	return 0;
fail:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret;
}

void llctl_nl_close(struct llctl_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct xfer *x = arg;
	int hdrlen = sizeof(*e);

	(void)who;
	x->err = e->error;
	x->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hdrlen += e->msg.nlmsg_len - sizeof(e->msg);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + (unsigned int)hdrlen)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + hdrlen),
		      nlh->nlmsg_len - NLMSG_HDRLEN - hdrlen, NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(last_extack, sizeof(last_extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	(void)msg;
	x->done = 1;
	return NL_STOP;
}

/* A dump's end: NLMSG_DONE, its payload the dump's error. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct xfer *x = arg;
	int err;

	x->done = 1;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err))) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0 && x->err == 0)
			x->err = err;
	}
	return NL_STOP;
}

/* Notifications have sequence number 0: every message is read. */
static int on_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LLKM_A_MAX + 1];
	struct xfer *x = arg;

	if (x->parse_raw) {
		if (x->err == 0)
			x->err = x->parse_raw(nlmsg_hdr(msg), x->arg);
		return NL_OK;
	}
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LLKM_A_MAX, NULL) < 0) {
		x->err = -EPROTO;
		return NL_SKIP;
	}
	if (x->parse && x->err == 0)
		x->err = x->parse(tb, x->arg);
	return NL_OK;
}

static struct nl_cb *xfer_cb(struct xfer *x)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, x);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, NULL);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, x);
	return cb;
}

/*
 * Send @msg (consumed) and run @parse on each reply until the ack (a
 * dump's: its end). Returns 0 or a negative errno.
 */
static int transact_x(struct llctl_nl *nl, struct nl_msg *msg, struct xfer *xp)
{
	struct xfer x = *xp;
	struct nl_cb *cb;
	int ret;

	last_extack[0] = '\0';
	cb = xfer_cb(&x);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		x.err = -EIO;
		goto out;
	}
	while (!x.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !x.done) {
			x.err = ret == -NLE_PERM ? -EPERM : -EIO;
			break;
		}
	}
out:
	nl_cb_put(cb);
	return x.err;
}

static int transact(struct llctl_nl *nl, struct nl_msg *msg,
		    int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct xfer x = { .parse = parse, .arg = arg };

	return transact_x(nl, msg, &x);
}

static struct nl_msg *request_flags(struct llctl_nl *nl, uint8_t cmd,
				     int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, LLKM_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct nl_msg *new_request(struct llctl_nl *nl, uint8_t cmd)
{
	return request_flags(nl, cmd, 0);
}

struct nl_msg *llctl_nl_request(struct llctl_nl *nl, uint8_t cmd)
{
	return new_request(nl, cmd);
}

struct nl_msg *llctl_nl_dump_request(struct llctl_nl *nl, uint8_t cmd)
{
	return request_flags(nl, cmd, NLM_F_DUMP);
}

/* One read of what came within @timeout_ms, through @xp's parser. */
static int listen_x(struct llctl_nl *nl, int timeout_ms, struct xfer *xp)
{
	struct pollfd p = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct xfer x = *xp;
	struct nl_cb *cb;
	int ret;

	x.err = 0;
	ret = poll(&p, 1, timeout_ms);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	if (!ret)
		return 0;
	cb = xfer_cb(&x);
	if (!cb)
		return -ENOMEM;
	ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (ret < 0 && !x.err)
		x.err = -EIO;
	return x.err;
}

int llctl_nl_listen(struct llctl_nl *nl, int timeout_ms,
		    int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct xfer x = { .parse = parse, .arg = arg };

	return listen_x(nl, timeout_ms, &x);
}

int llctl_nl_transact(struct llctl_nl *nl, struct nl_msg *msg,
		      int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	return transact(nl, msg, parse, arg);
}

static int parse_pmus(struct nlattr *pmus, struct llctl_info *info)
{
	struct nlattr *tb[LLKM_PMU_A_MAX + 1];
	struct nlattr *pmu;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(pmu, pmus, rem)
		n++;
	info->pmus = calloc(n ? n : 1, sizeof(*info->pmus));
	if (!info->pmus)
		return -ENOMEM;
	nla_for_each_nested(pmu, pmus, rem) {
		if (nla_type(pmu) != LLKM_A_PMU ||
		    nla_parse_nested(tb, LLKM_PMU_A_MAX, pmu, NULL) < 0 ||
		    !tb[LLKM_PMU_A_NAME] || !tb[LLKM_PMU_A_TYPE])
			return -EPROTO;
		snprintf(info->pmus[info->n_pmus].name, LLKM_PMU_NAME_MAX,
			 "%s", nla_get_string(tb[LLKM_PMU_A_NAME]));
		info->pmus[info->n_pmus++].type =
			nla_get_u32(tb[LLKM_PMU_A_TYPE]);
	}
	return 0;
}

static int parse_info(struct nlattr **tb, void *arg)
{
	struct nlattr *ring[LLKM_RING_A_MAX + 1];
	struct llctl_info *info = arg;

	if (!tb[LLKM_A_VERSION] || !tb[LLKM_A_ABI] ||
	    !tb[LLKM_A_CPUS_POSSIBLE] || !tb[LLKM_A_CPUS_ONLINE] ||
	    !tb[LLKM_A_FEATURES] || !tb[LLKM_A_CACHE_LINE_SIZE] ||
	    !tb[LLKM_A_PMUS] || !tb[LLKM_A_RING])
		return -EPROTO;
	snprintf(info->version, sizeof(info->version), "%s",
		 nla_get_string(tb[LLKM_A_VERSION]));
	info->abi = nla_get_u32(tb[LLKM_A_ABI]);
	info->cpus_possible = nla_get_u32(tb[LLKM_A_CPUS_POSSIBLE]);
	info->cpus_online = nla_get_u32(tb[LLKM_A_CPUS_ONLINE]);
	info->features = nla_get_u64(tb[LLKM_A_FEATURES]);
	info->cache_line_size = nla_get_u32(tb[LLKM_A_CACHE_LINE_SIZE]);
	/* Older modules do not say: -1, unknown. */
	info->counters_open = tb[LLKM_A_COUNTERS_OPEN] ?
			      (int64_t)nla_get_u32(tb[LLKM_A_COUNTERS_OPEN]) : -1;
	if (nla_parse_nested(ring, LLKM_RING_A_MAX, tb[LLKM_A_RING], NULL) < 0 ||
	    !ring[LLKM_RING_A_SIZE] || !ring[LLKM_RING_A_MODE])
		return -EPROTO;
	info->ring_size = nla_get_u32(ring[LLKM_RING_A_SIZE]);
	info->ring_mode = nla_get_u32(ring[LLKM_RING_A_MODE]);
	return parse_pmus(tb[LLKM_A_PMUS], info);
}

int llctl_nl_get_info(struct llctl_nl *nl, struct llctl_info *info)
{
	struct nl_msg *msg;
	int ret;

	memset(info, 0, sizeof(*info));
	msg = new_request(nl, LLKM_CMD_GET_INFO);
	if (!msg)
		return -ENOMEM;
	ret = transact(nl, msg, parse_info, info);
	if (ret)
		llctl_info_free(info);
	return ret;
}

/* How a start ended: its TRACE_STARTED. */
struct start_reply {
	bool got;		/* TRACE_STARTED came */
	int err;		/* its -errno, 0: the session runs */
	uint32_t size, mode;
};

/*
 * TRACE_STARTED, among the replies of whatever transaction is under way;
 * other messages are let be. A reply to TRACE_START itself is ABI 2's
 * synchronous start: a module llctl does not speak to.
 */
static int parse_started(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[LLKM_A_MAX + 1], *ring[LLKM_RING_A_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct start_reply *r = arg;

	if (g->cmd == LLKM_CMD_TRACE_START)
		return -EPROTO;
	if (g->cmd != LLKM_CMD_TRACE_STARTED)
		return 0;
	if (genlmsg_parse(nlh, 0, tb, LLKM_A_MAX, NULL) < 0)
		return -EPROTO;
	r->got = true;
	if (tb[LLKM_A_ERROR]) {
		r->err = (int32_t)nla_get_u32(tb[LLKM_A_ERROR]);
		if (tb[LLKM_A_ERROR_MSG])
			snprintf(last_extack, sizeof(last_extack), "%s",
				 nla_get_string(tb[LLKM_A_ERROR_MSG]));
		return r->err < 0 ? 0 : -EPROTO;
	}
	if (!tb[LLKM_A_RING] ||
	    nla_parse_nested(ring, LLKM_RING_A_MAX, tb[LLKM_A_RING], NULL) < 0 ||
	    !ring[LLKM_RING_A_SIZE] || !ring[LLKM_RING_A_MODE])
		return -EPROTO;
	r->size = nla_get_u32(ring[LLKM_RING_A_SIZE]);
	r->mode = nla_get_u32(ring[LLKM_RING_A_MODE]);
	return r->size ? 0 : -EPROTO;
}

/* How often the wait for TRACE_STARTED looks at *stop. */
#define STARTED_POLL_MS	100

/*
 * Until TRACE_STARTED. A signal (Ctrl-C) only wakes the poll: the setup
 * ends within its allocation's time, and the caller acts on its flag after
 * (llctl trace still prints its report). Past the timeout the setup is
 * cancelled with TRACE_STOP (its own transaction still hears
 * TRACE_STARTED) and the wait goes on for the module's answer.
 */
static int wait_started(struct llctl_nl *nl, struct start_reply *r)
{
	struct xfer x = { .parse_raw = parse_started, .arg = r };
	struct timespec t0, now;
	int ret = 0, why = 0;
	bool stop_sent = false;
	struct nl_msg *msg;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!ret && !r->got) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= LLCTL_TRACE_START_TIMEOUT_S)
			why = -ETIMEDOUT;
		if (now.tv_sec - t0.tv_sec >= 2 * LLCTL_TRACE_START_TIMEOUT_S)
			return why;	/* not even the cancel was answered */
		if (why && !stop_sent) {
			stop_sent = true;
			msg = new_request(nl, LLKM_CMD_TRACE_STOP);
			if (!msg)
				return -ENOMEM;
			/* -ENOENT: the setup failed meanwhile; told below. */
			transact_x(nl, msg, &x);
			continue;
		}
		ret = listen_x(nl, STARTED_POLL_MS, &x);
	}
	if (!ret && why) {
		last_extack[0] = '\0';
		return why;
	}
	return ret ? ret : r->err;
}

int llctl_nl_trace_start(struct llctl_nl *nl, const struct llctl_trace_req *req,
			 uint32_t *ring_size, uint32_t *ring_mode)
{
	struct start_reply r = { 0 };
	struct xfer x = { .parse_raw = parse_started, .arg = &r };
	struct nlattr *nest;
	struct nl_msg *msg;
	int ret;

	msg = new_request(nl, LLKM_CMD_TRACE_START);
	if (!msg)
		return -ENOMEM;
	if (req->ring_size || req->ring_mode >= 0) {
		nest = nla_nest_start(msg, LLKM_A_RING);
		if (!nest ||
		    (req->ring_size &&
		     nla_put_u32(msg, LLKM_RING_A_SIZE, req->ring_size)) ||
		    (req->ring_mode >= 0 &&
		     nla_put_u32(msg, LLKM_RING_A_MODE, req->ring_mode)))
			goto nomem;
		nla_nest_end(msg, nest);
	}
	nest = nla_nest_start(msg, LLKM_A_TRACE);
	if (!nest || nla_put_u32(msg, LLKM_TRACE_A_EVENTS, req->events) ||
	    (req->n_pids &&
	     nla_put(msg, LLKM_TRACE_A_PIDS, req->n_pids * sizeof(uint32_t),
		     req->pids)) ||
	    (req->follow_fork && nla_put_flag(msg, LLKM_TRACE_A_FOLLOW_FORK)) ||
	    (req->cpus && nla_put(msg, LLKM_TRACE_A_CPUS, req->cpus_len,
				  req->cpus)) ||
	    (req->syscalls && nla_put(msg, LLKM_TRACE_A_SYSCALLS,
				      req->syscalls_len, req->syscalls)) ||
	    (req->exclude && nla_put(msg, LLKM_TRACE_A_EXCLUDE_PIDS,
				     sizeof(req->exclude), &req->exclude)))
		goto nomem;
	nla_nest_end(msg, nest);
	/* The ack comes at once; TRACE_STARTED, perhaps before it. */
	ret = transact_x(nl, msg, &x);
	if (!ret)
		ret = wait_started(nl, &r);
	*ring_size = r.size;
	*ring_mode = r.mode;
	return ret;
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int llctl_nl_trace_stop(struct llctl_nl *nl)
{
	struct nl_msg *msg = new_request(nl, LLKM_CMD_TRACE_STOP);

	return msg ? transact(nl, msg, NULL, NULL) : -ENOMEM;
}

struct stats_reply {
	struct llctl_cpu_stats *st;
	unsigned int max, n;
	uint64_t compat;
};

static int parse_stats(struct nlattr **tb, void *arg)
{
	struct nlattr *c[LLKM_STATS_A_MAX + 1];
	struct stats_reply *r = arg;
	struct nlattr *cpu;
	int rem;

	if (!tb[LLKM_A_STATS])
		return -EPROTO;
	if (tb[LLKM_A_STATS_COMPAT])	/* in every message of the dump */
		r->compat = nla_get_u64(tb[LLKM_A_STATS_COMPAT]);
	nla_for_each_nested(cpu, tb[LLKM_A_STATS], rem) {
		if (r->n == r->max)
			break;
		if (nla_parse_nested(c, LLKM_STATS_A_MAX, cpu, NULL) < 0 ||
		    !c[LLKM_STATS_A_CPU] || !c[LLKM_STATS_A_PRODUCED] ||
		    !c[LLKM_STATS_A_LOST] || !c[LLKM_STATS_A_PUBLISHED])
			return -EPROTO;
		r->st[r->n].cpu = nla_get_u32(c[LLKM_STATS_A_CPU]);
		r->st[r->n].produced = nla_get_u64(c[LLKM_STATS_A_PRODUCED]);
		r->st[r->n].lost = nla_get_u64(c[LLKM_STATS_A_LOST]);
		r->st[r->n].published = nla_get_u64(c[LLKM_STATS_A_PUBLISHED]);
		r->n++;
	}
	return 0;
}

int llctl_nl_trace_stats(struct llctl_nl *nl, struct llctl_cpu_stats *st,
			 unsigned int max, uint64_t *compat)
{
	struct stats_reply r = { .st = st, .max = max };
	/* A dump: the CPUs' entries in as many messages as they take. */
	struct nl_msg *msg = request_flags(nl, LLKM_CMD_TRACE_STATS, NLM_F_DUMP);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = transact(nl, msg, parse_stats, &r);
	if (compat)
		*compat = r.compat;
	return ret ? ret : (int)r.n;
}

static int parse_counter_id(struct nlattr **tb, void *arg)
{
	struct nlattr *c[LLKM_CTR_A_MAX + 1];

	if (!tb[LLKM_A_COUNTER] ||
	    nla_parse_nested(c, LLKM_CTR_A_MAX, tb[LLKM_A_COUNTER], NULL) < 0 ||
	    !c[LLKM_CTR_A_ID])
		return -EPROTO;
	*(uint32_t *)arg = nla_get_u32(c[LLKM_CTR_A_ID]);
	return 0;
}

int llctl_nl_counter_open(struct llctl_nl *nl, const struct llctl_counter_req *req,
			  uint32_t *id)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = new_request(nl, LLKM_CMD_COUNTER_OPEN);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, LLKM_A_COUNTER);
	if (!nest || nla_put_u32(msg, LLKM_CTR_A_TYPE, req->type) ||
	    nla_put_u64(msg, LLKM_CTR_A_CONFIG, req->config) ||
	    (req->config1 && nla_put_u64(msg, LLKM_CTR_A_CONFIG1, req->config1)) ||
	    (req->config2 && nla_put_u64(msg, LLKM_CTR_A_CONFIG2, req->config2)) ||
	    (req->pid > 0 && nla_put_u32(msg, LLKM_CTR_A_PID, req->pid)) ||
	    (req->cpu >= 0 && nla_put_u32(msg, LLKM_CTR_A_CPU, req->cpu)) ||
	    (req->group && nla_put_u32(msg, LLKM_CTR_A_GROUP, req->group)) ||
	    (req->flags && nla_put_u32(msg, LLKM_CTR_A_FLAGS, req->flags)) ||
	    (req->period && nla_put_u64(msg, LLKM_CTR_A_PERIOD, req->period))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	*id = 0;
	return transact(nl, msg, parse_counter_id, id);
}

/* A command on one counter id; without an id (0), CLOSE closes them all. */
static int counter_cmd(struct llctl_nl *nl, uint8_t cmd, uint32_t id,
		       struct xfer *x)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = new_request(nl, cmd);
	if (!msg)
		return -ENOMEM;
	if (id) {
		nest = nla_nest_start(msg, LLKM_A_COUNTER);
		if (!nest || nla_put_u32(msg, LLKM_CTR_A_ID, id)) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		nla_nest_end(msg, nest);
	}
	return transact_x(nl, msg, x);
}

int llctl_nl_counter_enable(struct llctl_nl *nl, uint32_t id, int enable)
{
	struct xfer x = { 0 };

	return counter_cmd(nl, enable ? LLKM_CMD_COUNTER_ENABLE :
			   LLKM_CMD_COUNTER_DISABLE, id, &x);
}

int llctl_nl_counter_close(struct llctl_nl *nl, uint32_t id)
{
	struct xfer x = { 0 };

	return counter_cmd(nl, LLKM_CMD_COUNTER_CLOSE, id, &x);
}

struct read_reply {
	struct llkm_counter_value *v;
	unsigned int n, max;
};

static int parse_read(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *c[LLKM_CTR_A_MAX + 1];
	struct read_reply *r = arg;
	struct llkm_counter_value *v;
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) != LLKM_A_COUNTER || r->n == r->max)
			continue;
		if (nla_parse_nested(c, LLKM_CTR_A_MAX, a, NULL) < 0 ||
		    !c[LLKM_CTR_A_ID] || !c[LLKM_CTR_A_VALUE] ||
		    !c[LLKM_CTR_A_ENABLED] || !c[LLKM_CTR_A_RUNNING] ||
		    !c[LLKM_CTR_A_STATE])
			return -EPROTO;
		v = &r->v[r->n++];
		v->id = nla_get_u32(c[LLKM_CTR_A_ID]);
		v->value = nla_get_u64(c[LLKM_CTR_A_VALUE]);
		v->enabled = nla_get_u64(c[LLKM_CTR_A_ENABLED]);
		v->running = nla_get_u64(c[LLKM_CTR_A_RUNNING]);
		v->state = nla_get_u32(c[LLKM_CTR_A_STATE]);
		v->samples = c[LLKM_CTR_A_SAMPLES] ?
			     nla_get_u64(c[LLKM_CTR_A_SAMPLES]) : 0;
		v->samples_lost = c[LLKM_CTR_A_SAMPLES_LOST] ?
				  nla_get_u64(c[LLKM_CTR_A_SAMPLES_LOST]) : 0;
		v->throttled = c[LLKM_CTR_A_THROTTLED] ?
			       nla_get_u64(c[LLKM_CTR_A_THROTTLED]) : 0;
	}
	return 0;
}

int llctl_nl_counter_read(struct llctl_nl *nl, uint32_t id,
			  struct llkm_counter_value *v, unsigned int max)
{
	struct read_reply r = { .v = v, .max = max };
	struct xfer x = { .parse_raw = parse_read, .arg = &r };
	int ret;

	if (!id)
		return -EINVAL;
	ret = counter_cmd(nl, LLKM_CMD_COUNTER_READ, id, &x);
	return ret ? ret : (int)r.n;
}

uint32_t llctl_nl_portid(const struct llctl_nl *nl)
{
	return nl_socket_get_local_port(nl->sk);
}

int llctl_dev_counter_read(int dev, const struct llctl_nl *nl, uint32_t id,
			   struct llkm_counter_value *v, unsigned int max)
{
	struct llkm_ioc_counter_read r = {
		.portid = llctl_nl_portid(nl), .id = id, .n = max,
		.values = (uintptr_t)v,
	};

	if (ioctl(dev, LLKM_IOC_COUNTER_READ, &r))
		return -errno;
	return r.n;
}

const char *llctl_ctr_state_name(uint32_t state)
{
	switch (state) {
	case LLKM_CTR_STATE_ACTIVE:	return "active";
	case LLKM_CTR_STATE_INACTIVE:	return "inactive";
	case LLKM_CTR_STATE_OFF:	return "off";
	case LLKM_CTR_STATE_ERROR:	return "error";
	case LLKM_CTR_STATE_EXIT:	return "exited";
	default:			return "unknown";
	}
}

void llctl_info_free(struct llctl_info *info)
{
	free(info->pmus);
	info->pmus = NULL;
	info->n_pmus = 0;
}

bool llctl_nl_module_live(void)
{
	char state[16] = "";
	FILE *f = fopen("/sys/module/llkm/initstate", "re");

	if (!f)
		return false;
	if (!fgets(state, sizeof(state), f))
		state[0] = '\0';
	fclose(f);
	return !strncmp(state, "live", 4);
}

const char *llctl_nl_strerror(int err)
{
	static __thread char buf[PATH_MAX + 256];
	struct llctl_hint_ctx c;
	char hint[PATH_MAX + 200];

	switch (err) {
	case -ENOENT:
		llctl_hint_ctx_self(&c);
		snprintf(buf, sizeof(buf), "llkm is not loaded: %s",
			 llctl_hint_load(&c, hint, sizeof(hint)));
		return buf;
	case -EPERM:
	case -EACCES:
		/* EACCES: /dev/llkm's mode; llkm's own checks say EPERM. */
		llctl_hint_ctx_self(&c);
		snprintf(buf, sizeof(buf), "permission denied: %s",
			 llctl_hint_perm(&c, err == -EACCES, hint, sizeof(hint)));
		return buf;
	case -EPROTONOSUPPORT:
		/* Also a dump started while the module is being unloaded. */
		if (!llctl_nl_module_live())
			return "llkm was unloaded during the request (rmmod): load it again";
		return "generic netlink is not available in this kernel";
	case -EPROTO:
		return "llkm sent a reply llctl cannot read: llctl and the module do not match, see 'llctl doctor'";
	default:
		return strerror(-err);
	}
}

static const char *const feature_names[] = {
	"genl", "chardev", "perf_events", "hw_pmu", "tracepoints", "probes",
};

const char *llctl_feature_name(uint64_t bit)
{
	unsigned int i;

	for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (bit == 1ULL << i)
			return feature_names[i];
	return NULL;
}

const char *llctl_ring_mode_name(uint32_t mode)
{
	switch (mode) {
	case LLKM_RING_MODE_DISCARD:
		return "discard";
	case LLKM_RING_MODE_OVERWRITE:
		return "overwrite";
	default:
		return NULL;
	}
}
