// SPDX-License-Identifier: GPL-2.0
/*
 * The "llkm" generic netlink family: the control plane. The commands, their
 * attribute trees and errors are documented in include/uapi/linux/llkm.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/sizes.h>
#include <net/genetlink.h>

#include "llkm.h"

/* Not const: 6.1's nla_policy holds a non-const pointer (compat.h). */
static struct netlink_range_validation ring_size_range = {
	.min = LLKM_RING_SIZE_MIN,
	.max = LLKM_RING_SIZE_MAX,
};

static const struct nla_policy ring_policy[LLKM_RING_A_MAX + 1] = {
	[LLKM_RING_A_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ring_size_range),
	[LLKM_RING_A_MODE] = NLA_POLICY_MAX(NLA_U32, LLKM_RING_MODE_MAX),
};

static const struct nla_policy set_defaults_policy[LLKM_A_MAX + 1] = {
	[LLKM_A_RING] = NLA_POLICY_NESTED(ring_policy),
};

/* Replies larger than this are a bug, not a big machine. */
#define INFO_MSG_MAX	SZ_1M

static struct genl_family genl_family;

/* Mutating commands: CAP_PERFMON or CAP_SYS_ADMIN of the socket's opener. */
static bool capable_sender(const struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_PERFMON) ||
	       netlink_capable(skb, CAP_SYS_ADMIN);
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
	    nla_put_u32(skb, LLKM_A_CACHE_LINE_SIZE, cache_line_size()))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, LLKM_A_RING);
	if (!nest ||
	    nla_put_u32(skb, LLKM_RING_A_SIZE, d.ring_size) ||
	    nla_put_u32(skb, LLKM_RING_A_MODE, d.ring_mode))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, LLKM_A_PMUS);
	if (!nest)
		return -EMSGSIZE;
	ret = llkm_pmu_for_each(put_pmu, skb);
	if (ret)
		return ret;
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
		msg = genlmsg_new(size, GFP_KERNEL);
		if (!msg)
			goto out;
		ret = -EMSGSIZE;
		hdr = genlmsg_put_reply(msg, info, &genl_family, 0,
					LLKM_CMD_GET_INFO);
		if (hdr)
			ret = put_info(msg);
		if (ret != -EMSGSIZE || size >= INFO_MSG_MAX)
			break;
		nlmsg_free(msg);
		size *= 2;
	}
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	return ret;
}

static int set_defaults_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[LLKM_RING_A_MAX + 1];
	struct llkm_defaults d;
	int ret;

	ret = -EPERM;
	if (!capable_sender(skb))
		goto out;

	llkm_defaults_get(&d);
	if (info->attrs[LLKM_A_RING]) {
		ret = nla_parse_nested(tb, LLKM_RING_A_MAX,
				       info->attrs[LLKM_A_RING], ring_policy,
				       info->extack);
		if (ret)
			goto out;
		if (tb[LLKM_RING_A_SIZE])
			d.ring_size = nla_get_u32(tb[LLKM_RING_A_SIZE]);
		ret = -EINVAL;
		if (!llkm_ring_size_valid(d.ring_size)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[LLKM_RING_A_SIZE],
					    "ring size must be a power of two");
			goto out;
		}
		if (tb[LLKM_RING_A_MODE])
			d.ring_mode = nla_get_u32(tb[LLKM_RING_A_MODE]);
	}
	llkm_defaults_set(&d);
	ret = 0;
out:
	return ret;
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
		.policy = set_defaults_policy,
		.maxattr = LLKM_A_MAX,
	},
};

static struct genl_family genl_family __ro_after_init = {
	.name = LLKM_GENL_NAME,
	.version = LLKM_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = genl_ops,
	.n_ops = ARRAY_SIZE(genl_ops),
	.resv_start_op = 0,	/* every command validates strictly */
	.netnsok = false,
};

int llkm_genl_init(void)
{
	return genl_register_family(&genl_family);
}

void llkm_genl_exit(void)
{
	genl_unregister_family(&genl_family);
}
