// SPDX-License-Identifier: GPL-2.0
/*
 * llctl info: what the loaded module offers on this machine.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd.h"
#include "lib/env.h"
#include "lib/nl.h"
#include "lib/options.h"
#include "lib/text.h"
#include "lib/util.h"

struct info_args {
	bool json;
};

static const struct llctl_opt info_opt[] = {
	{ "json", LLCTL_OPT_JSON, NULL, "Print JSON (keys documented in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct info_args, json) },
	{ 0 }
};

static const struct llctl_opts info_opts = {
	.cmd = "info",
	.synopsis = "[--json]",
	.summary = "Show the module's version and ABI, the CPUs, the features it offers\n"
		   "here, the PMUs perf knows and the ring-buffer defaults.",
	.opt = info_opt,
};

static void feature_str(uint64_t bit, char *buf, size_t len)
{
	const char *name = llctl_feature_name(bit);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "bit%d", __builtin_ctzll(bit));
}

/* The machine's architecture as the kernel names it (uname -m), or NULL. */
static const char *machine_arch(void)
{
	static struct utsname u;

	return uname(&u) ? NULL : u.machine;
}

static struct json_object *info_json(const struct llctl_info *info,
				     const struct llctl_env *env)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cpus = json_object_new_object();
	struct json_object *feat = json_object_new_array();
	struct json_object *pmus = json_object_new_array();
	struct json_object *ring = json_object_new_object();
	const char *mode = llctl_ring_mode_name(info->ring_mode);
	char name[32];
	unsigned int i;

	json_object_object_add(o, "version",
			       json_object_new_string(info->version));
	json_object_object_add(o, "abi", json_object_new_int64(info->abi));
	json_object_object_add(o, "arch", machine_arch() ?
			       json_object_new_string(machine_arch()) : NULL);
	json_object_object_add(cpus, "possible",
			       json_object_new_int64(info->cpus_possible));
	json_object_object_add(cpus, "online",
			       json_object_new_int64(info->cpus_online));
	json_object_object_add(o, "cpus", cpus);
	json_object_object_add(o, "cache_line_size",
			       json_object_new_int64(info->cache_line_size));
	json_object_object_add(o, "counters_open", info->counters_open < 0 ? NULL :
			       json_object_new_int64(info->counters_open));
	for (i = 0; i < 64; i++) {
		if (!(info->features & (1ULL << i)))
			continue;
		feature_str(1ULL << i, name, sizeof(name));
		json_object_array_add(feat, json_object_new_string(name));
	}
	json_object_object_add(o, "features", feat);
	for (i = 0; i < info->n_pmus; i++) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "name",
				       json_object_new_string(info->pmus[i].name));
		json_object_object_add(p, "type",
				       json_object_new_int64(info->pmus[i].type));
		json_object_array_add(pmus, p);
	}
	json_object_object_add(o, "pmus", pmus);
	json_object_object_add(ring, "size_per_cpu",
			       json_object_new_int64(info->ring_size));
	json_object_object_add(ring, "mode",
			       json_object_new_string(mode ? mode : "unknown"));
	json_object_object_add(o, "ring", ring);
	json_object_object_add(o, "env", llctl_env_json(env));
	return o;
}

static void info_text(const struct llctl_info *info,
		      const struct llctl_env *env)
{
	const char *mode = llctl_ring_mode_name(info->ring_mode);
	char name[32], n[32];
	unsigned int i;

	llctl_env_print(stdout, env);
	printf("llkm %s, ABI %" PRIu32 "\n", info->version, info->abi);
	printf("  %-15s %s\n", "arch:", machine_arch() ? machine_arch() : "unknown");
	printf("  %-15s %" PRIu32 " possible, %" PRIu32 " online\n", "cpus:",
	       info->cpus_possible, info->cpus_online);
	printf("  %-15s %s\n", "cache line:",
	       llctl_text_bytes(n, sizeof(n), info->cache_line_size));
	if (info->counters_open >= 0)
		printf("  %-15s %s (all users)\n", "counters open:",
		       llctl_text_count(n, sizeof(n), (double)info->counters_open, 0));
	printf("  %-15s", "features:");
	for (i = 0; i < 64; i++) {
		if (!(info->features & (1ULL << i)))
			continue;
		feature_str(1ULL << i, name, sizeof(name));
		printf(" %s", name);
	}
	printf("\n");
	if (!(info->features & LLKM_FEAT_HW_PMU))
		printf("  %-15s no hardware PMU: cycles, instructions and cache events cannot be\n"
		       "  %-15s counted here, only software events, tracepoints and msr ('llctl doctor')\n",
		       "not available:", "");
	printf("  %-15s %s per CPU, %s when full\n", "ring defaults:",
	       llctl_text_bytes(n, sizeof(n), info->ring_size), mode ? mode : "unknown mode");
	printf("  %-15s %u:", "pmus:", info->n_pmus);
	for (i = 0; i < info->n_pmus; i++)
		printf(" %s(%" PRIu32 ")", info->pmus[i].name,
		       info->pmus[i].type);
	printf("\n");
}

int cmd_info(int argc, char **argv)
{
	struct llctl_env env = { 0 };
	struct llctl_info info;
	struct llctl_nl nl;
	struct info_args a = { 0 };
	int ret = 1;
	int c;

	c = llctl_parse(argc, argv, &info_opts, &a);
	if (c < 0)
		return llctl_parse_status(c);

	c = llctl_nl_open(&nl);
	if (c) {
		llctl_err("%s", llctl_nl_strerror(c));
		return 1;
	}
	c = llctl_nl_get_info(&nl, &info);
	llctl_nl_close(&nl);
	if (c) {
		llctl_err("Unable to query llkm: %s%s%s", llctl_nl_strerror(c),
			  llctl_nl_last_extack() ? ": " : "",
			  llctl_nl_last_extack() ? llctl_nl_last_extack() : "");
		return 1;
	}
	if (info.abi != LLKM_ABI_VERSION)
		llctl_err("warning: llkm speaks ABI %" PRIu32 ", llctl was built for ABI %d: rebuild llctl or reload the matching module",
			  info.abi, LLKM_ABI_VERSION);

	llctl_env_collect(&env, NULL);
	if (a.json) {
		if (llctl_json_print(info_json(&info, &env)))
			goto cleanup;
	} else {
		info_text(&info, &env);
	}
	ret = llctl_stdout_close();
cleanup:
	llctl_env_free(&env);
	llctl_info_free(&info);
	return ret;
}
