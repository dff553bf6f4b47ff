// SPDX-License-Identifier: GPL-2.0
/*
 * The "llkm" generic netlink family: the control plane. The commands, their
 * attribute trees and errors are documented in include/uapi/linux/llkm.h.
 */

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/rwsem.h>
#include <linux/threads.h>
#include <linux/xarray.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "llkm.h"

/*
 * True when attribute @type is missing from @tb (nested in @nest, or
 * top-level when NULL): the ack then names it twice, in the message and
 * in NLMSGERR_ATTR_MISS_TYPE for tools that read that.
 */
#define attr_missing(extack, nest, tb, type) ({				\
	struct netlink_ext_ack *__ea = (extack);			\
	bool __miss = NL_REQ_ATTR_CHECK(__ea, nest, tb, type);		\
									\
	if (__miss)							\
		NL_SET_ERR_MSG(__ea, #type " is required");		\
	__miss;								\
})

/* Not const: 6.1's nla_policy holds a non-const pointer (compat.h). */
static struct netlink_range_validation ring_size_range = {
	.min = LLKM_RING_SIZE_MIN,
	.max = LLKM_RING_SIZE_MAX,
};

static struct netlink_range_validation watermark_range = {
	.min = 1,
	.max = LLKM_RING_SIZE_MAX,
};

static const struct nla_policy ring_policy[LLKM_RING_A_MAX + 1] = {
	[LLKM_RING_A_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ring_size_range),
	[LLKM_RING_A_MODE] = NLA_POLICY_MAX(NLA_U32, LLKM_RING_MODE_MAX),
};

static const struct nla_policy set_defaults_policy[LLKM_A_MAX + 1] = {
	[LLKM_A_RING] = NLA_POLICY_NESTED(ring_policy),
};

static const struct nla_policy trace_policy[LLKM_TRACE_A_MAX + 1] = {
	[LLKM_TRACE_A_EVENTS] = NLA_POLICY_MASK(NLA_U32, LLKM_TRACE_EV_ALL),
	[LLKM_TRACE_A_PIDS] = { .type = NLA_BINARY,
				.len = LLKM_TRACE_PIDS_MAX * sizeof(u32) },
	[LLKM_TRACE_A_FOLLOW_FORK] = { .type = NLA_FLAG },
	[LLKM_TRACE_A_WATERMARK] = NLA_POLICY_FULL_RANGE(NLA_U32, &watermark_range),
	[LLKM_TRACE_A_CPUS] = { .type = NLA_BINARY,
				.len = LLKM_TRACE_CPUS_MAX / 8 },
	[LLKM_TRACE_A_SYSCALLS] = { .type = NLA_BINARY,
				    .len = LLKM_TRACE_SYSCALLS_MAX / 8 },
	[LLKM_TRACE_A_EXCLUDE_PIDS] = { .type = NLA_BINARY,
					.len = LLKM_TRACE_EXCLUDE_MAX * sizeof(u32) },
};

static const struct nla_policy trace_start_policy[LLKM_A_MAX + 1] = {
	[LLKM_A_RING] = NLA_POLICY_NESTED(ring_policy),
	[LLKM_A_TRACE] = NLA_POLICY_NESTED(trace_policy),
};

static struct netlink_range_validation pid_range = {
	.min = 1,
	.max = PID_MAX_LIMIT - 1,
};

static struct netlink_range_validation period_range = {
	.min = 1,
	.max = S64_MAX,		/* perf refuses the top bit */
};

static const struct nla_policy counter_policy[LLKM_CTR_A_MAX + 1] = {
	[LLKM_CTR_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[LLKM_CTR_A_TYPE] = { .type = NLA_U32 },
	[LLKM_CTR_A_CONFIG] = { .type = NLA_U64 },
	[LLKM_CTR_A_CONFIG1] = { .type = NLA_U64 },
	[LLKM_CTR_A_CONFIG2] = { .type = NLA_U64 },
	[LLKM_CTR_A_PID] = NLA_POLICY_FULL_RANGE(NLA_U32, &pid_range),
	[LLKM_CTR_A_CPU] = { .type = NLA_U32 },	/* < nr_cpu_ids, checked */
	[LLKM_CTR_A_GROUP] = NLA_POLICY_MIN(NLA_U32, 1),
	[LLKM_CTR_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, LLKM_CTR_F_ALL),
	[LLKM_CTR_A_PERIOD] = NLA_POLICY_FULL_RANGE(NLA_U64, &period_range),
	/* reply attributes are NLA_UNSPEC: refused in requests */
};

static const struct nla_policy counter_cmd_policy[LLKM_A_MAX + 1] = {
	[LLKM_A_COUNTER] = NLA_POLICY_NESTED(counter_policy),
};

static struct netlink_range_validation iterations_range = {
	.min = 1,
	.max = LLKM_PROBE_ITERATIONS_MAX,
};

static struct netlink_range_validation batches_range = {
	.min = 1,
	.max = LLKM_PROBE_BATCHES_MAX,
};

static struct netlink_range_validation timeout_range = {
	.min = 1,
	.max = LLKM_PROBE_TIMEOUT_MAX_MS,
};

static struct netlink_range_validation param_range = {
	.max = LLKM_BW_BYTES_MAX,	/* the largest of every kind's, checked */
};

static const struct nla_policy probe_policy[LLKM_PROBE_A_MAX + 1] = {
	[LLKM_PROBE_A_KIND] = NLA_POLICY_RANGE(NLA_U32, 1, LLKM_PROBE_KIND_MAX),
	[LLKM_PROBE_A_OP] = { .type = NLA_U32 },	/* per kind, checked */
	[LLKM_PROBE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, LLKM_PROBE_F_ALL),
	[LLKM_PROBE_A_CPUS] = { .type = NLA_BINARY,
				.len = LLKM_PROBE_THREADS_MAX * sizeof(u32) },
	[LLKM_PROBE_A_ITERATIONS] = NLA_POLICY_FULL_RANGE(NLA_U64, &iterations_range),
	[LLKM_PROBE_A_BATCHES] = NLA_POLICY_FULL_RANGE(NLA_U32, &batches_range),
	[LLKM_PROBE_A_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[LLKM_PROBE_A_PARAM] = NLA_POLICY_FULL_RANGE(NLA_U64, &param_range),
	/* SIMD: and a power of two, checked */
	[LLKM_PROBE_A_SIMD] = NLA_POLICY_RANGE(NLA_U32, 64, 512),
	[LLKM_PROBE_A_PREFETCH] = NLA_POLICY_MAX(NLA_U32, LLKM_BW_PREFETCH_MAX),
	/* reply attributes are NLA_UNSPEC: refused in requests */
};

static const struct nla_policy probe_cmd_policy[LLKM_A_MAX + 1] = {
	[LLKM_A_PROBE] = NLA_POLICY_NESTED(probe_policy),
};

/* PROBE_GET, PROBE_STOP: the run's id alone. */
static const struct nla_policy probe_id_policy[LLKM_PROBE_A_MAX + 1] = {
	[LLKM_PROBE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy probe_id_cmd_policy[LLKM_A_MAX + 1] = {
	[LLKM_A_PROBE] = NLA_POLICY_NESTED(probe_id_policy),
};

/* Replies larger than this are a bug, not a big machine. */
#define INFO_MSG_MAX	SZ_1M

static struct genl_family genl_family;

/* genl_ops::internal_flags: the sender needs CAP_PERFMON or CAP_SYS_ADMIN. */
#define LLKM_OP_CAP	BIT(0)
/* genl_ops::internal_flags: the command may make its socket own something. */
#define LLKM_OP_OWNS	BIT(1)

/*
 * The portids that may own something (a session, counters, a probe run):
 * marked before an LLKM_OP_OWNS command runs, unmarked when the socket is
 * released. Every generic netlink socket's release in the system comes
 * through socket_released(): one that never sent such a command finds no
 * mark, lock-free (xa_load() is RCU), and takes none of llkm's locks.
 *
 * owners_sem, read across every LLKM_OP_OWNS command and written around
 * the unmark, keeps a mark from being lost to a portid reused at once: a
 * command that marked the portid before the unmark has finished (what it
 * made is found by the owner_gone calls after it); one after marks anew.
 */
static DEFINE_XARRAY(owners);
static DECLARE_RWSEM(owners_sem);

/*
 * Before every command: those flagged LLKM_OP_CAP (every one that changes
 * something or shows what others do) want CAP_PERFMON or CAP_SYS_ADMIN of
 * the socket's opener.
 */
static bool sender_capable(const struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_PERFMON) ||
	       netlink_capable(skb, CAP_SYS_ADMIN);
}

static int pre_doit(const llkm_genl_split_ops *ops, struct sk_buff *skb,
		    struct genl_info *info)
{
	int ret;

	if ((ops->internal_flags & LLKM_OP_CAP) && !sender_capable(skb))
		return -EPERM;
	if (!(ops->internal_flags & LLKM_OP_OWNS))
		return 0;
	down_read(&owners_sem);
	ret = xa_err(xa_store(&owners, info->snd_portid, xa_mk_value(1),
			      GFP_KERNEL));
	if (ret)
		up_read(&owners_sem);
	return ret;
}

/* After every command whose pre_doit() succeeded. */
static void post_doit(const llkm_genl_split_ops *ops, struct sk_buff *skb,
		      struct genl_info *info)
{
	if (ops->internal_flags & LLKM_OP_OWNS)
		up_read(&owners_sem);
}

/*
 * A reply to @info's command, with room for @size bytes of attributes,
 * its genl header in *@hdr; NULL when out of memory. The caller puts the
 * attributes, then genlmsg_end() and genlmsg_reply(), or nlmsg_free().
 */
static struct sk_buff *reply_new(struct genl_info *info, size_t size,
				 void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return NULL;
	/* genlmsg_new() made room for the headers: this cannot fail. */
	*hdr = genlmsg_put_reply(msg, info, &genl_family, 0, info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int put_pmu(const char *name, u32 type, void *data)
{
	struct sk_buff *skb = data;
	struct nlattr *pmu;

	pmu = nla_nest_start(skb, LLKM_A_PMU);
	if (!pmu)
		return -EMSGSIZE;
	if (nla_put_string(skb, LLKM_PMU_A_NAME, name) ||
	    nla_put_u32(skb, LLKM_PMU_A_TYPE, type)) {
		nla_nest_cancel(skb, pmu);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, pmu);
	return 0;
}

static int put_ring(struct sk_buff *skb, u32 size, u32 mode)
{
	struct nlattr *nest = nla_nest_start(skb, LLKM_A_RING);

	if (!nest || nla_put_u32(skb, LLKM_RING_A_SIZE, size) ||
	    nla_put_u32(skb, LLKM_RING_A_MODE, mode))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_info(struct sk_buff *skb)
{
	struct llkm_defaults d;
	struct nlattr *nest;
	int ret;

	llkm_defaults_get(&d);
	if (nla_put_string(skb, LLKM_A_VERSION, LLKM_VERSION) ||
	    nla_put_u32(skb, LLKM_A_ABI, LLKM_ABI_VERSION) ||
	    nla_put_u32(skb, LLKM_A_CPUS_POSSIBLE, num_possible_cpus()) ||
	    nla_put_u32(skb, LLKM_A_CPUS_ONLINE, num_online_cpus()) ||
	    nla_put_u64_64bit(skb, LLKM_A_FEATURES, llkm_features(),
			      LLKM_A_PAD) ||
	    nla_put_u32(skb, LLKM_A_CACHE_LINE_SIZE, cache_line_size()) ||
	    nla_put_u32(skb, LLKM_A_COUNTERS_OPEN, llkm_counters_open()))
		return -EMSGSIZE;

	if (put_ring(skb, d.ring_size, d.ring_mode))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, LLKM_A_PMUS);
	if (!nest)
		return -EMSGSIZE;
	ret = llkm_pmu_for_each(put_pmu, skb);
	if (ret)
		return ret;
	/* The nest's length is 16 bits: refuse rather than wrap it. */
	if (skb_tail_pointer(skb) - (unsigned char *)nest > U16_MAX)
		return -E2BIG;
	nla_nest_end(skb, nest);
	return 0;
}

static int get_info_doit(struct sk_buff *skb, struct genl_info *info)
{
	size_t size = NLMSG_GOODSIZE;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	/* The PMU list has no fixed length: grow until the reply fits. */
	for (;;) {
		ret = -ENOMEM;
		msg = reply_new(info, size, &hdr);
		if (!msg)
			goto out;
		ret = put_info(msg);
		if (ret != -EMSGSIZE || size >= INFO_MSG_MAX)
			break;
		nlmsg_free(msg);
		size *= 2;
	}
	if (ret) {
		if (ret == -E2BIG)
			NL_SET_ERR_MSG(info->extack, "more PMUs than one nest holds");
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	return ret;
}

/* Applies an LLKM_A_RING nest to @d; -EINVAL (with extack) if invalid. */
static int parse_ring(struct nlattr *nest, struct llkm_defaults *d,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LLKM_RING_A_MAX + 1];
	int ret;

	if (!nest)
		return 0;
	ret = nla_parse_nested(tb, LLKM_RING_A_MAX, nest, ring_policy, extack);
	if (ret)
		return ret;
	if (tb[LLKM_RING_A_SIZE])
		d->ring_size = nla_get_u32(tb[LLKM_RING_A_SIZE]);
	if (!llkm_ring_size_valid(d->ring_size)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_RING_A_SIZE],
				    "ring size must be a power of two");
		return -EINVAL;
	}
	if (tb[LLKM_RING_A_MODE])
		d->ring_mode = nla_get_u32(tb[LLKM_RING_A_MODE]);
	return 0;
}

static int set_defaults_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct llkm_defaults d;
	int ret;

	llkm_defaults_get(&d);
	ret = parse_ring(info->attrs[LLKM_A_RING], &d, info->extack);
	if (ret)
		goto out;
	llkm_defaults_set(&d);
out:
	return ret;
}

/*
 * Checks the request and queues the session's setup: no allocation of
 * the rings here, which would hold cb_lock for seconds.
 */
/* A list of pids that is empty or not whole u32s: said in the extack. */
static bool u32s_bad(struct netlink_ext_ack *extack, const struct nlattr *a)
{
	if (!a || (nla_len(a) && !(nla_len(a) % sizeof(u32))))
		return false;
	NL_SET_ERR_MSG_ATTR(extack, a, "pids must be a non-empty array of u32");
	return true;
}

static int trace_start_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[LLKM_TRACE_A_MAX + 1];
	struct llkm_trace_cfg cfg = { 0 };
	struct llkm_defaults d;
	int ret;

	llkm_defaults_get(&d);
	ret = parse_ring(info->attrs[LLKM_A_RING], &d, info->extack);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (attr_missing(info->extack, NULL, info->attrs, LLKM_A_TRACE))
		goto out;
	ret = nla_parse_nested(tb, LLKM_TRACE_A_MAX, info->attrs[LLKM_A_TRACE],
			       trace_policy, info->extack);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (attr_missing(info->extack, info->attrs[LLKM_A_TRACE], tb,
			 LLKM_TRACE_A_EVENTS))
		goto out;
	if (u32s_bad(info->extack, tb[LLKM_TRACE_A_PIDS]) ||
	    u32s_bad(info->extack, tb[LLKM_TRACE_A_EXCLUDE_PIDS]))
		goto out;
	cfg.events = nla_get_u32(tb[LLKM_TRACE_A_EVENTS]);
	if (tb[LLKM_TRACE_A_PIDS]) {
		cfg.pids = nla_data(tb[LLKM_TRACE_A_PIDS]);
		cfg.n_pids = nla_len(tb[LLKM_TRACE_A_PIDS]) / sizeof(u32);
	}
	if (tb[LLKM_TRACE_A_EXCLUDE_PIDS]) {
		cfg.n_exclude = nla_len(tb[LLKM_TRACE_A_EXCLUDE_PIDS]) / sizeof(u32);
		memcpy(cfg.exclude, nla_data(tb[LLKM_TRACE_A_EXCLUDE_PIDS]),
		       cfg.n_exclude * sizeof(u32));
	}
	cfg.follow_fork = nla_get_flag(tb[LLKM_TRACE_A_FOLLOW_FORK]);
	if (tb[LLKM_TRACE_A_CPUS]) {
		cfg.cpus = nla_data(tb[LLKM_TRACE_A_CPUS]);
		cfg.cpus_len = nla_len(tb[LLKM_TRACE_A_CPUS]);
	}
	if (tb[LLKM_TRACE_A_SYSCALLS]) {
		cfg.syscalls = nla_data(tb[LLKM_TRACE_A_SYSCALLS]);
		cfg.syscalls_len = nla_len(tb[LLKM_TRACE_A_SYSCALLS]);
	}
	if (tb[LLKM_TRACE_A_WATERMARK]) {
		cfg.watermark = nla_get_u32(tb[LLKM_TRACE_A_WATERMARK]);
		ret = -EINVAL;
		if (cfg.watermark > d.ring_size) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[LLKM_TRACE_A_WATERMARK],
					    "watermark above the ring size");
			goto out;
		}
	}
	/* The cap on the rings, said here: the allocation has no extack. */
	ret = llkm_rings_fit(d.ring_size, info->extack);
	if (ret)
		goto out;
	cfg.ring_size = d.ring_size;
	cfg.ring_mode = d.ring_mode;

	/* The rings are set up by a kworker, which answers TRACE_STARTED. */
	ret = llkm_session_start(&cfg, info->snd_portid);
	if (ret == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "another trace session is running or being set up");
	else if (ret == -ESHUTDOWN)
		NL_SET_ERR_MSG(info->extack, "llkm is being unloaded");
out:
	return ret;
}

static int trace_stop_doit(struct sk_buff *skb, struct genl_info *info)
{
	return llkm_session_stop();
}

/* An LLKM_A_STATS_CPU nest, in bytes (with 64-bit padding at worst). */
#define STATS_CPU_SIZE	(nla_total_size(0) + nla_total_size(sizeof(u32)) + \
			 3 * nla_total_size_64bit(sizeof(u64)))

/*
 * An LLKM_A_STATS nest of the entries of @st from @from on, as many as
 * @skb holds: how many, or -EMSGSIZE when not one fits.
 */
static int put_stats(struct sk_buff *skb, const struct llkm_ring_stats *st,
		     int from, int n)
{
	struct nlattr *all, *cpu;
	int i;

	all = nla_nest_start(skb, LLKM_A_STATS);
	if (!all)
		return -EMSGSIZE;
	for (i = from; i < n; i++) {
		cpu = nla_nest_start(skb, LLKM_A_STATS_CPU);
		if (!cpu)
			break;
		if (nla_put_u32(skb, LLKM_STATS_A_CPU, st[i].cpu) ||
		    nla_put_u64_64bit(skb, LLKM_STATS_A_PRODUCED,
				      st[i].produced, LLKM_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, LLKM_STATS_A_LOST, st[i].lost,
				      LLKM_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, LLKM_STATS_A_PUBLISHED,
				      st[i].published, LLKM_STATS_A_PAD)) {
			nla_nest_cancel(skb, cpu);
			break;
		}
		nla_nest_end(skb, cpu);
	}
	if (i == from && from < n) {
		nla_nest_cancel(skb, all);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, all);
	return i - from;
}

static int trace_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct llkm_ring_stats *st;
	struct sk_buff *msg = NULL;
	u64 compat;
	void *hdr;
	int n, ret;

	st = kcalloc(nr_cpu_ids, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	n = llkm_session_stats(st, nr_cpu_ids, &compat);
	ret = n;
	if (n < 0)
		goto out;
	ret = -EMSGSIZE;
	/* The nest's length is 16 bits: a big machine's go in a dump. */
	if (nla_total_size(0) + (size_t)n * STATS_CPU_SIZE > U16_MAX) {
		NL_SET_ERR_MSG(info->extack,
			       "more CPUs than one nest holds: ask with NLM_F_DUMP");
		goto out;
	}
	ret = -ENOMEM;
	msg = reply_new(info, NLMSG_GOODSIZE + n * STATS_CPU_SIZE, &hdr);
	if (!msg)
		goto out;
	ret = -EMSGSIZE;
	if (put_stats(msg, st, 0, n) != n ||
	    nla_put_u64_64bit(msg, LLKM_A_STATS_COMPAT, compat, LLKM_A_PAD))
		goto out;
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	msg = NULL;
out:
	nlmsg_free(msg);
	kfree(st);
	return ret;
}

/* The TRACE_STATS dump's cursor, over cb->args. */
struct stats_dump {
	u32 next;		/* the next entry to send */
};

/* pre_doit() sees no dump: its LLKM_OP_CAP test, here. */
static int trace_stats_start(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct stats_dump) > sizeof(cb->args));
	return sender_capable(cb->skb) ? 0 : -EPERM;
}

/* As many CPUs' entries a message as it holds; each a fresh snapshot. */
static int trace_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct stats_dump *d = (struct stats_dump *)cb->args;
	struct llkm_ring_stats *st;
	u64 compat;
	void *hdr;
	int n, ret;

	st = kcalloc(nr_cpu_ids, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	n = llkm_session_stats(st, nr_cpu_ids, &compat);
	ret = n < 0 ? n : 0;
	if (n < 0 || d->next >= n)
		goto out;
	ret = -EMSGSIZE;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &genl_family, NLM_F_MULTI, LLKM_CMD_TRACE_STATS);
	if (!hdr)
		goto out;
	ret = nla_put_u64_64bit(skb, LLKM_A_STATS_COMPAT, compat, LLKM_A_PAD);
	if (!ret)
		ret = put_stats(skb, st, d->next, n);
	if (ret < 0) {
		genlmsg_cancel(skb, hdr);
		goto out;
	}
	genlmsg_end(skb, hdr);
	d->next += ret;
	ret = skb->len;
out:
	kfree(st);
	return ret;
}

/* Parses LLKM_A_COUNTER; @open: OPEN's attributes, else the id alone. */
static int parse_counter(struct genl_info *info, struct nlattr **tb, bool open)
{
	struct netlink_ext_ack *extack = info->extack;
	int ret, i;

	if (attr_missing(extack, NULL, info->attrs, LLKM_A_COUNTER))
		return -EINVAL;
	ret = nla_parse_nested(tb, LLKM_CTR_A_MAX, info->attrs[LLKM_A_COUNTER],
			       counter_policy, extack);
	if (ret)
		return ret;
	for (i = LLKM_CTR_A_ID; i <= LLKM_CTR_A_MAX; i++) {
		bool id = i == LLKM_CTR_A_ID;

		if (tb[i] && open == id) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "attribute not taken by this command");
			return -EINVAL;
		}
	}
	if (!open && attr_missing(extack, info->attrs[LLKM_A_COUNTER], tb,
				  LLKM_CTR_A_ID))
		return -EINVAL;
	return 0;
}

static int counter_cfg(struct genl_info *info, struct nlattr **tb,
		       struct llkm_counter_cfg *cfg)
{
	struct netlink_ext_ack *extack = info->extack;

	if (attr_missing(extack, info->attrs[LLKM_A_COUNTER], tb,
			 LLKM_CTR_A_TYPE))
		return -EINVAL;
	if (!tb[LLKM_CTR_A_PID] && !tb[LLKM_CTR_A_CPU]) {
		NL_SET_ERR_MSG(extack, "a counter needs a pid, a cpu or both");
		return -EINVAL;
	}
	cfg->type = nla_get_u32(tb[LLKM_CTR_A_TYPE]);
	if (tb[LLKM_CTR_A_CONFIG])
		cfg->config = nla_get_u64(tb[LLKM_CTR_A_CONFIG]);
	if (tb[LLKM_CTR_A_CONFIG1])
		cfg->config1 = nla_get_u64(tb[LLKM_CTR_A_CONFIG1]);
	if (tb[LLKM_CTR_A_CONFIG2])
		cfg->config2 = nla_get_u64(tb[LLKM_CTR_A_CONFIG2]);
	cfg->has_pid = tb[LLKM_CTR_A_PID];
	if (cfg->has_pid)
		cfg->pid = nla_get_u32(tb[LLKM_CTR_A_PID]);
	cfg->has_cpu = tb[LLKM_CTR_A_CPU];
	if (cfg->has_cpu) {
		cfg->cpu = nla_get_u32(tb[LLKM_CTR_A_CPU]);
		if (cfg->cpu >= nr_cpu_ids) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_CTR_A_CPU],
					    "no such CPU");
			return -ERANGE;
		}
	}
	cfg->has_group = tb[LLKM_CTR_A_GROUP];
	if (cfg->has_group)
		cfg->group = nla_get_u32(tb[LLKM_CTR_A_GROUP]);
	if (tb[LLKM_CTR_A_FLAGS])
		cfg->flags = nla_get_u32(tb[LLKM_CTR_A_FLAGS]);
	if (tb[LLKM_CTR_A_PERIOD])
		cfg->period = nla_get_u64(tb[LLKM_CTR_A_PERIOD]);
	if ((cfg->flags & LLKM_CTR_F_FREQ) && cfg->period > LLKM_SAMPLE_FREQ_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_CTR_A_PERIOD],
				    "frequency above LLKM_SAMPLE_FREQ_MAX");
		return -ERANGE;
	}
	if ((cfg->flags & (LLKM_CTR_F_FREQ | LLKM_CTR_F_CALLCHAIN)) &&
	    !cfg->period) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_CTR_A_FLAGS],
				    "sampling flags without a period");
		return -EINVAL;
	}
	return 0;
}

static int counter_open_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[LLKM_CTR_A_MAX + 1];
	struct llkm_counter_cfg cfg = { 0 };
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	u32 id;
	int ret;

	ret = parse_counter(info, tb, true);
	if (!ret)
		ret = counter_cfg(info, tb, &cfg);
	if (ret)
		return ret;
	msg = reply_new(info, NLMSG_GOODSIZE, &hdr);
	if (!msg)
		return -ENOMEM;
	ret = llkm_counter_open(&cfg, info->snd_portid, &id, info->extack);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	nest = nla_nest_start(msg, LLKM_A_COUNTER);
	if (!nest || nla_put_u32(msg, LLKM_CTR_A_ID, id)) {
		/* Cannot happen with a fresh NLMSG_GOODSIZE message. */
		nlmsg_free(msg);
		llkm_counter_close(info->snd_portid, id, false);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int counter_id(struct genl_info *info, u32 *id)
{
	struct nlattr *tb[LLKM_CTR_A_MAX + 1];
	int ret;

	ret = parse_counter(info, tb, false);
	if (!ret)
		*id = nla_get_u32(tb[LLKM_CTR_A_ID]);
	return ret;
}

static int counter_enable_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int ret = counter_id(info, &id);

	return ret ?: llkm_counter_enable(info->snd_portid, id,
					  info->genlhdr->cmd == LLKM_CMD_COUNTER_ENABLE);
}

static int counter_close_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int ret;

	if (!info->attrs[LLKM_A_COUNTER])
		return llkm_counter_close(info->snd_portid, 0, true);
	ret = counter_id(info, &id);
	return ret ?: llkm_counter_close(info->snd_portid, id, false);
}

static int put_counter_value(struct sk_buff *skb,
			     const struct llkm_counter_value *v)
{
	struct nlattr *nest = nla_nest_start(skb, LLKM_A_COUNTER);

	if (!nest || nla_put_u32(skb, LLKM_CTR_A_ID, v->id) ||
	    nla_put_u64_64bit(skb, LLKM_CTR_A_VALUE, v->value, LLKM_CTR_A_PAD) ||
	    nla_put_u64_64bit(skb, LLKM_CTR_A_ENABLED, v->enabled,
			      LLKM_CTR_A_PAD) ||
	    nla_put_u64_64bit(skb, LLKM_CTR_A_RUNNING, v->running,
			      LLKM_CTR_A_PAD) ||
	    nla_put_u32(skb, LLKM_CTR_A_STATE, v->state) ||
	    nla_put_u64_64bit(skb, LLKM_CTR_A_SAMPLES, v->samples,
			      LLKM_CTR_A_PAD) ||
	    nla_put_u64_64bit(skb, LLKM_CTR_A_SAMPLES_LOST, v->samples_lost,
			      LLKM_CTR_A_PAD) ||
	    nla_put_u64_64bit(skb, LLKM_CTR_A_THROTTLED, v->throttled,
			      LLKM_CTR_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int counter_read_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct llkm_counter_value *v = NULL;
	struct sk_buff *msg = NULL;
	int n, i, ret;
	void *hdr;
	u32 id;

	ret = counter_id(info, &id);
	if (ret)
		return ret;
	/* How many, then room for them (a member added since: again). */
	n = llkm_counter_read(info->snd_portid, id, NULL, NULL, 0);
	while (n > 0) {
		kfree(v);
		v = kcalloc(n, sizeof(*v), GFP_KERNEL);
		if (!v)
			return -ENOMEM;
		i = llkm_counter_read(info->snd_portid, id, NULL, v, n);
		if (i <= n) {
			n = i;
			break;
		}
		n = i;
	}
	if (n <= 0) {
		ret = n ?: -ENOENT;
		goto out;
	}
	ret = -ENOMEM;
	/* About 90 bytes per counter. */
	msg = reply_new(info, NLMSG_GOODSIZE + n * 128, &hdr);
	if (!msg)
		goto out;
	ret = -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (put_counter_value(msg, &v[i]))
			goto out;
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	msg = NULL;
out:
	nlmsg_free(msg);
	kfree(v);
	return ret;
}

static int probe_cfg(struct genl_info *info, struct llkm_probe_cfg *c)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[LLKM_PROBE_A_MAX + 1];
	struct nlattr *nest;
	int ret;

	if (attr_missing(extack, NULL, info->attrs, LLKM_A_PROBE))
		return -EINVAL;
	ret = nla_parse_nested(tb, LLKM_PROBE_A_MAX, info->attrs[LLKM_A_PROBE],
			       probe_policy, extack);
	if (ret)
		return ret;
	nest = info->attrs[LLKM_A_PROBE];
	if (attr_missing(extack, nest, tb, LLKM_PROBE_A_KIND) ||
	    attr_missing(extack, nest, tb, LLKM_PROBE_A_CPUS) ||
	    attr_missing(extack, nest, tb, LLKM_PROBE_A_ITERATIONS) ||
	    attr_missing(extack, nest, tb, LLKM_PROBE_A_BATCHES))
		return -EINVAL;
	if (!nla_len(tb[LLKM_PROBE_A_CPUS]) ||
	    nla_len(tb[LLKM_PROBE_A_CPUS]) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LLKM_PROBE_A_CPUS],
				    "cpus must be a non-empty array of u32");
		return -EINVAL;
	}
	c->kind = nla_get_u32(tb[LLKM_PROBE_A_KIND]);
	if (tb[LLKM_PROBE_A_OP])
		c->op = nla_get_u32(tb[LLKM_PROBE_A_OP]);
	if (tb[LLKM_PROBE_A_FLAGS])
		c->flags = nla_get_u32(tb[LLKM_PROBE_A_FLAGS]);
	c->ncpus = nla_len(tb[LLKM_PROBE_A_CPUS]) / sizeof(u32);
	memcpy(c->cpus, nla_data(tb[LLKM_PROBE_A_CPUS]), c->ncpus * sizeof(u32));
	c->iterations = nla_get_u64(tb[LLKM_PROBE_A_ITERATIONS]);
	c->batches = nla_get_u32(tb[LLKM_PROBE_A_BATCHES]);
	c->timeout_ms = tb[LLKM_PROBE_A_TIMEOUT_MS] ?
			nla_get_u32(tb[LLKM_PROBE_A_TIMEOUT_MS]) : 10000;
	if (tb[LLKM_PROBE_A_PARAM])
		c->param = nla_get_u64(tb[LLKM_PROBE_A_PARAM]);
	c->simd = tb[LLKM_PROBE_A_SIMD] ? nla_get_u32(tb[LLKM_PROBE_A_SIMD]) : 64;
	if (tb[LLKM_PROBE_A_PREFETCH])
		c->prefetch = nla_get_u32(tb[LLKM_PROBE_A_PREFETCH]);
	return llkm_probe_check(c, tb, extack);
}

/* Why a run was refused, or its setup failed, in words; NULL: the errno. */
static const char *probe_why_msg(int err, enum llkm_probe_why why)
{
	switch (why) {
	case LLKM_PROBE_WHY_NO_AVX:
		return "this CPU has no AVX: simd 256 needs it";
	case LLKM_PROBE_WHY_NO_AVX512:
		return "this CPU has no AVX-512F: simd 512 needs it";
	case LLKM_PROBE_WHY_RAM:
		return "the working sets need more than a quarter of RAM";
	case LLKM_PROBE_WHY_NO_LSE:
		return "this CPU has no LSE atomics (FEAT_LSE): ldaddal, swpal and casal need them";
	case LLKM_PROBE_WHY_NO_RCPC:
		return "this CPU has no FEAT_LRCPC: ldapr needs it";
	case LLKM_PROBE_WHY_NO_BW_KERNELS:
		return "the bandwidth kernels are not written for this architecture";
	case LLKM_PROBE_WHY_NO_FPSIMD:
		return "no kernel-mode NEON here: the bandwidth kernels need it";
	case LLKM_PROBE_WHY_SVE_KERNEL:
		return "SVE runs in user mode only: kernel_neon_begin() saves no SVE state";
	case LLKM_PROBE_WHY_NONE:
		break;
	}
	return err == -EOPNOTSUPP ? llkm_probes_need : NULL;
}

static void probe_refused(struct netlink_ext_ack *extack, int err,
			  enum llkm_probe_why why)
{
	const char *msg = probe_why_msg(err, why);

	/* NL_SET_ERR_MSG() takes a literal; these are, with static storage. */
	if (msg && extack)
		extack->_msg = msg;
}

/*
 * Starts the run and replies with its id at once: the run's worker sets it
 * up (its memory, its kthreads) and says how it ended in PROBE_DONE.
 */
static int probe_run_doit(struct sk_buff *skb, struct genl_info *info)
{
	enum llkm_probe_why why = LLKM_PROBE_WHY_NONE;
	struct llkm_probe_cfg cfg = { 0 };
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	u32 id;
	int ret;

	ret = probe_cfg(info, &cfg);
	if (ret)
		return ret;
	msg = reply_new(info, NLMSG_GOODSIZE, &hdr);
	if (!msg)
		return -ENOMEM;
	ret = llkm_probe_start(&cfg, info->snd_portid, &id, &why);
	if (ret) {
		probe_refused(info->extack, ret, why);
		nlmsg_free(msg);
		return ret;
	}
	nest = nla_nest_start(msg, LLKM_A_PROBE);
	if (!nest || nla_put_u32(msg, LLKM_PROBE_A_ID, id)) {
		/* Cannot happen with a fresh NLMSG_GOODSIZE message. */
		nlmsg_free(msg);
		llkm_probe_stop(info->snd_portid, id);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* The id in an LLKM_A_PROBE nest of @attrs (validated by probe_id_policy). */
static int probe_id(struct nlattr **attrs, u32 *id,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LLKM_PROBE_A_MAX + 1];
	int ret;

	if (attr_missing(extack, NULL, attrs, LLKM_A_PROBE))
		return -EINVAL;
	ret = nla_parse_nested(tb, LLKM_PROBE_A_MAX, attrs[LLKM_A_PROBE],
			       probe_id_policy, extack);
	if (ret)
		return ret;
	if (attr_missing(extack, attrs[LLKM_A_PROBE], tb, LLKM_PROBE_A_ID))
		return -EINVAL;
	*id = nla_get_u32(tb[LLKM_PROBE_A_ID]);
	return 0;
}

static int probe_stop_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int ret = probe_id(info->attrs, &id, info->extack);

	return ret ?: llkm_probe_stop(info->snd_portid, id);
}

/* The PROBE_GET dump's cursor, over cb->args. */
struct probe_dump {
	u32 id;
	u32 next;		/* the first sample of the next message */
};

static struct probe_dump *probe_dump(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct probe_dump) > sizeof(cb->args));
	return (struct probe_dump *)cb->args;
}

/*
 * Before the first message: the sender's capability and the run's id; a
 * refusal is the request's error.
 */
static int probe_get_start(struct netlink_callback *cb)
{
	struct nlattr *attrs[LLKM_A_MAX + 1];
	struct llkm_probe_done res;
	int ret;

	/* pre_doit() sees no dump: its LLKM_OP_CAP test, here. */
	if (!sender_capable(cb->skb))
		return -EPERM;
	ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, attrs, LLKM_A_MAX,
			  probe_id_cmd_policy, cb->extack);
	if (!ret)
		ret = probe_id(attrs, &probe_dump(cb)->id, cb->extack);
	if (ret)
		return ret;
	ret = llkm_probe_result(NETLINK_CB(cb->skb).portid, probe_dump(cb)->id,
				0, NULL, 0, &res);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(cb->extack, "no run of this id on this socket");
	else if (ret == -EBUSY)
		NL_SET_ERR_MSG(cb->extack, "the run is not done yet: wait for PROBE_DONE");
	else if (ret < 0)	/* its setup failed, as PROBE_DONE said */
		probe_refused(cb->extack, ret, res.why);
	return ret < 0 ? ret : 0;
}

static int put_probe_done(struct sk_buff *skb, const struct llkm_probe_done *res)
{
	if (nla_put_u32(skb, LLKM_PROBE_A_NSAMPLES, res->nsamples) ||
	    nla_put_u32(skb, LLKM_PROBE_A_TSC_KHZ, res->tsc_khz) ||
	    nla_put_u64_64bit(skb, LLKM_PROBE_A_ELAPSED_NS, res->elapsed_ns,
			      LLKM_PROBE_A_PAD) ||
	    (res->stopped && nla_put_flag(skb, LLKM_PROBE_A_STOPPED)))
		return -EMSGSIZE;
	return 0;
}

/*
 * One message of samples, as many as the dump's buffer holds (at most
 * LLKM_PROBE_SAMPLES_MSG_MAX: each attribute stays far below nla_len's
 * 64 KiB); 0 once every sample went.
 */
static int probe_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct probe_dump *d = probe_dump(cb);
	struct llkm_probe_done res;
	struct nlattr *nest, *data;
	int room, n;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &genl_family, NLM_F_MULTI, LLKM_CMD_PROBE_GET);
	if (!hdr)
		return -EMSGSIZE;
	n = llkm_probe_result(NETLINK_CB(cb->skb).portid, d->id, 0, NULL, 0,
			      &res);
	if (n < 0)
		goto cancel;
	if (d->next >= res.nsamples && d->next) {
		genlmsg_cancel(skb, hdr);
		return 0;
	}
	nest = nla_nest_start(skb, LLKM_A_PROBE);
	if (!nest || nla_put_u32(skb, LLKM_PROBE_A_ID, d->id) ||
	    nla_put_u32(skb, LLKM_PROBE_A_OFFSET, d->next) ||
	    (!d->next && put_probe_done(skb, &res)))
		goto cancel;
	room = (skb_tailroom(skb) - nla_total_size(0)) / (int)sizeof(u64);
	n = min_t(int, res.nsamples - d->next, LLKM_PROBE_SAMPLES_MSG_MAX);
	n = min(n, room);
	if (n < 0 || (!n && res.nsamples))
		goto cancel;
	data = nla_reserve(skb, LLKM_PROBE_A_SAMPLES, n * sizeof(u64));
	if (!data)
		goto cancel;
	/* The run cannot change once done; its owner's close ends the dump. */
	n = llkm_probe_result(NETLINK_CB(cb->skb).portid, d->id, d->next,
			      nla_data(data), n, &res);
	if (n < 0)
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	d->next += n;
	if (!res.nsamples)
		d->next = 1;	/* the one message went */
	return skb->len;

cancel:
	genlmsg_cancel(skb, hdr);
	return n < 0 ? n : -EMSGSIZE;
}

static const struct genl_ops genl_ops[] = {
	{
		.cmd = LLKM_CMD_GET_INFO,
		.doit = get_info_doit,
		/* no policy: the core refuses every attribute */
	},
	{
		.cmd = LLKM_CMD_SET_DEFAULTS,
		.doit = set_defaults_doit,
		.internal_flags = LLKM_OP_CAP,
		.policy = set_defaults_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_TRACE_START,
		.doit = trace_start_doit,
		.internal_flags = LLKM_OP_CAP | LLKM_OP_OWNS,
		.policy = trace_start_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_TRACE_STOP,
		.doit = trace_stop_doit,
		.internal_flags = LLKM_OP_CAP,
	},
	{
		.cmd = LLKM_CMD_TRACE_STATS,
		.doit = trace_stats_doit,
		.start = trace_stats_start,
		.dumpit = trace_stats_dumpit,
		.internal_flags = LLKM_OP_CAP,
	},
	{
		.cmd = LLKM_CMD_COUNTER_OPEN,
		.doit = counter_open_doit,
		.internal_flags = LLKM_OP_CAP | LLKM_OP_OWNS,
		.policy = counter_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_COUNTER_ENABLE,
		.doit = counter_enable_doit,
		.internal_flags = LLKM_OP_CAP,
		.policy = counter_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_COUNTER_DISABLE,
		.doit = counter_enable_doit,
		.internal_flags = LLKM_OP_CAP,
		.policy = counter_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_COUNTER_READ,
		.doit = counter_read_doit,
		.internal_flags = LLKM_OP_CAP,
		.policy = counter_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_COUNTER_CLOSE,
		.doit = counter_close_doit,
		.internal_flags = LLKM_OP_CAP,
		.policy = counter_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_PROBE_RUN,
		.doit = probe_run_doit,
		.internal_flags = LLKM_OP_CAP | LLKM_OP_OWNS,
		.policy = probe_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_PROBE_GET,
		.start = probe_get_start,
		.dumpit = probe_get_dumpit,
		.internal_flags = LLKM_OP_CAP,
		.policy = probe_id_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
	{
		.cmd = LLKM_CMD_PROBE_STOP,
		.doit = probe_stop_doit,
		.internal_flags = LLKM_OP_CAP,
		.policy = probe_id_cmd_policy,
		.maxattr = LLKM_A_MAX,
	},
};

/*
 * The events carry TRACE_STATS's loss count, which needs privilege: so
 * does listening (genetlink tests CAP_SYS_ADMIN, it has no CAP_PERFMON).
 */
static const struct genl_multicast_group mcgrps[] = {
	{ .name = LLKM_GENL_MCGRP_EVENTS, .flags = LLKM_MCGRP_CAP_SYS_ADMIN },
};

static struct genl_family genl_family __ro_after_init = {
	.mcgrps = mcgrps,
	.n_mcgrps = ARRAY_SIZE(mcgrps),
	.name = LLKM_GENL_NAME,
	.version = LLKM_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = genl_ops,
	.n_ops = ARRAY_SIZE(genl_ops),
	.pre_doit = pre_doit,
	.post_doit = post_doit,
	.resv_start_op = 0,	/* every command validates strictly */
	.netnsok = false,
	/*
	 * Every handler takes its own lock. Parallel ops spare genl_mutex,
	 * not cb_lock, which every handler holds for read: none may take
	 * long (a probe run goes on in kthreads, after PROBE_RUN returned;
	 * a session's rings are set up by a kworker, after TRACE_START).
	 */
	.parallel_ops = true,
};

/*
 * A generic netlink socket of the initial namespace was released (llctl
 * exited or was killed): what it owned goes with it, the session first.
 * netlink_release() calls the chain in process context, the socket gone
 * from its table: this may sleep, and the owners take their own locks,
 * but only for a portid that sent an owning command (owners): the close
 * of any other socket in the system waits on nothing of llkm's.
 */
static int socket_released(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	const struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net) || !xa_load(&owners, n->portid))
		return NOTIFY_DONE;
	down_write(&owners_sem);
	xa_erase(&owners, n->portid);
	up_write(&owners_sem);
	llkm_session_owner_gone(n->portid);
	llkm_counter_owner_gone(n->portid);
	llkm_probe_owner_gone(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block release_nb = {
	.notifier_call = socket_released,
};

/* A session event as LLKM_CMD_TRACE_EVENT to the events group. */
static int session_event(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	const struct llkm_session_event *ev = ptr;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NOTIFY_DONE;
	hdr = genlmsg_put(msg, 0, 0, &genl_family, 0, LLKM_CMD_TRACE_EVENT);
	if (!hdr || nla_put_u32(msg, LLKM_A_EVENT, event) ||
	    (ev->reason && nla_put_u32(msg, LLKM_A_EVENT_REASON, ev->reason)) ||
	    nla_put_u64_64bit(msg, LLKM_A_EVENT_LOST, ev->lost, LLKM_A_PAD)) {
		nlmsg_free(msg);
		return NOTIFY_DONE;
	}
	genlmsg_end(msg, hdr);
	/* -ESRCH only says nobody listens. */
	genlmsg_multicast(&genl_family, msg, 0, 0, GFP_KERNEL);
	return NOTIFY_DONE;
}

static struct notifier_block session_nb = {
	.notifier_call = session_event,
};

/* A setup's failure: -errno, and what an extended ack would say, if any. */
static int put_error(struct sk_buff *msg, int err, const char *why)
{
	if (nla_put_s32(msg, LLKM_A_ERROR, err) ||
	    (why && nla_put_string(msg, LLKM_A_ERROR_MSG, why)))
		return -EMSGSIZE;
	return 0;
}

/* From probe.c's workqueue, the family registered (rmmod flushes first). */
void llkm_genl_probe_done(u32 owner, const struct llkm_probe_done *res)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &genl_family, 0, LLKM_CMD_PROBE_DONE);
	if (!hdr)
		goto err;
	nest = nla_nest_start(msg, LLKM_A_PROBE);
	if (!nest || nla_put_u32(msg, LLKM_PROBE_A_ID, res->id) ||
	    (!res->err && put_probe_done(msg, res)))
		goto err;
	nla_nest_end(msg, nest);
	if (res->err && put_error(msg, res->err, probe_why_msg(res->err, res->why)))
		goto err;
	genlmsg_end(msg, hdr);
	/* The owner gone or its queue full: PROBE_GET still answers. */
	genlmsg_unicast(&init_net, msg, owner);
	return;
err:
	nlmsg_free(msg);
}

/* From session.c's setup work, the family registered (rmmod flushes first). */
void llkm_genl_trace_started(u32 owner, const struct llkm_trace_started *res)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &genl_family, 0, LLKM_CMD_TRACE_STARTED);
	if (!hdr)
		goto err;
	if (res->err) {
		if (put_error(msg, res->err, res->msg))
			goto err;
	} else if (put_ring(msg, res->size, res->mode)) {
		goto err;
	}
	genlmsg_end(msg, hdr);
	/* The owner gone or its queue full: TRACE_STATS still answers. */
	genlmsg_unicast(&init_net, msg, owner);
	return;
err:
	nlmsg_free(msg);
}

/*
 * Releases are watched before any socket can own something; session
 * events are multicast while the family is registered.
 */
int llkm_genl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&release_nb);
	if (ret)
		goto out;
	ret = genl_register_family(&genl_family);
	if (ret)
		goto err_family;
	ret = llkm_session_notifier_register(&session_nb);
	if (ret)
		goto err_session;
	return 0;

err_session:
	genl_unregister_family(&genl_family);
err_family:
	netlink_unregister_notifier(&release_nb);
out:
	return ret;
}

/* Calls in flight of either notifier have returned when this does. */
void llkm_genl_exit(void)
{
	llkm_session_notifier_unregister(&session_nb);
	genl_unregister_family(&genl_family);
	netlink_unregister_notifier(&release_nb);
	xa_destroy(&owners);
}
