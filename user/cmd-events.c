// SPDX-License-Identifier: GPL-2.0
/*
 * llctl events: the performance events this machine knows, grouped by PMU,
 * and whether each one opens here (profile/pmu-events.c finds them and
 * tries each).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd.h"
#include "lib/env.h"
#include "lib/options.h"
#include "lib/text.h"
#include "lib/util.h"
#include "profile/pmu-events.h"

struct events_args {
	bool json, all;
};

static const struct llctl_opt events_opt[] = {
	{ "json", LLCTL_OPT_JSON, NULL, "Print JSON (keys documented in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct events_args, json) },
	{ "all", 'a', NULL, "Also list libpfm4's events of PMUs this machine does not have",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct events_args, all) },
	{ 0 }
};

static const struct llctl_opts events_opts = {
	.cmd = "events",
	.synopsis = "[PATTERN] [--json] [--all]",
	.summary = "List the performance events this machine supports, grouped by PMU, and\n"
		   "whether each opens here. PATTERN is a case-insensitive substring of the\n"
		   "name or the PMU, or a glob (*, ?, [...]). Exits 1 when nothing matches.\n"
		   "The names work with -e of llctl profile and llctl record, as do rNNNN,\n"
		   "PMU/EVENT/, PMU/term=value,.../ and the modifiers :u, :k, :h.",
	.opt = events_opt,
	.operands = true,
};

/*
 * "libpfm4": {"core_pmus": [str], "note": str|null}: the core PMUs libpfm4
 * recognised, and why the listing has only sysfs names when it knows none.
 */
static int add_pfm_json(struct json_object *o, const char *pfm_note)
{
	struct json_object *p = json_object_new_object();
	struct json_object *a = json_object_new_array();
	char names[128], *tok, *save = NULL;

	if (!o || !p || !a) {
		json_object_put(p);
		json_object_put(a);
		return -1;
	}
	prof_pfm_core_pmus(names, sizeof(names));
	for (tok = strtok_r(names, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		json_object_array_add(a, json_object_new_string(tok));
	json_object_object_add(p, "core_pmus", a);
	json_object_object_add(p, "note", pfm_note[0] ?
			       json_object_new_string(pfm_note) : NULL);
	json_object_object_add(o, "libpfm4", p);
	return 0;
}

static int print_events(const struct prof_event_list *l, bool json,
			bool footer, const char *pfm_note)
{
	struct json_object *o;

	if (json) {
		o = prof_events_json(l);
		if (add_pfm_json(o, pfm_note)) {
			json_object_put(o);
			llctl_err("Unable to list events: out of memory");
			return 1;
		}
		return llctl_json_print(o);
	}
	if (prof_events_text(stdout, l, footer, pfm_note, llctl_text_width(stdout))) {
		llctl_err("Unable to list events: out of memory");
		return 1;
	}
	return 0;
}

/*
 * libpfm4's note (profile/pmu-events.h), naming the CPU by what libpfm4
 * looks up: MIDR_EL1's implementer and part on arm64, else the model.
 */
static void pfm_note(char *buf, size_t len)
{
	struct llctl_env env;
	char cpu[64];

	llctl_env_collect(&env, NULL);
	if (env.midr_implementer >= 0 && env.midr_part >= 0)
		snprintf(cpu, sizeof(cpu), "MIDR implementer 0x%02x, part 0x%03x",
			 env.midr_implementer, env.midr_part);
	else
		snprintf(cpu, sizeof(cpu), "%.60s",
			 env.cpu_model ? env.cpu_model : "model unknown");
	prof_pfm_core_note(cpu, buf, len);
	llctl_env_free(&env);
}

int cmd_events(int argc, char **argv)
{
	char pnote[768];
	struct prof_event_list l;
	const char *pattern = NULL;
	struct events_args a = { 0 };
	int c, ret;

	/* the pattern may come before the options as well as after them */
	for (;;) {
		c = llctl_parse(argc, argv, &events_opts, &a);
		if (c < 0)
			return llctl_parse_status(c);
		if (pattern || c >= argc)
			break;
		pattern = argv[optind++];
	}
	if (c < argc) {
		fprintf(stderr, "%s events: Unable to parse '%s': one PATTERN at most, see 'llctl help events'\n",
			llctl_prog, argv[c]);
		return 1;
	}

	ret = prof_events_collect(&l, pattern, a.all);
	if (ret) {
		llctl_err("Unable to list events: %s", strerror(-ret));
		return 1;
	}
	prof_events_try_open(&l);
	pfm_note(pnote, sizeof(pnote));
	ret = print_events(&l, a.json, !pattern, pnote);
	if (!ret)
		ret = llctl_stdout_close();
	if (!ret && !l.n && pattern) {
		llctl_err("No event matches '%s': try a shorter pattern, or --all for PMUs this machine does not have",
			  pattern);
		ret = 1;
	}
	prof_event_list_free(&l);
	return ret;
}
