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

#define NAME_MIN_WIDTH	20
#define NAME_MAX_WIDTH	40
/* Below this many columns for the description it goes on a line of its own. */
#define NARROW_ROOM	20
/* The footer's paragraph, wrapped to the terminal or to this. */
#define FOOTER_WIDTH	80

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

/* The footnote number of @reason, adding it when new (1-based). */
static size_t footnote(const char **notes, size_t *n, const char *reason)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(notes[i], reason))
			return i + 1;
	notes[(*n)++] = reason;
	return *n;
}

static int name_width(const struct prof_event_entry *e, size_t n)
{
	size_t i, w = NAME_MIN_WIDTH;

	for (i = 0; i < n && !strcmp(e[i].ev.pmu, e[0].ev.pmu); i++)
		if (strlen(e[i].ev.name) > w)
			w = strlen(e[i].ev.name);
	return w > NAME_MAX_WIDTH ? NAME_MAX_WIDTH : (int)w;
}

/*
 * One event's line: name, whether it opens here, what it counts, the
 * description wrapped to @width (0: not wrapped) under its own column. A
 * name longer than its column @w takes a line of its own.
 */
static void event_line(const struct prof_event_entry *e, const char *here,
		       int w, int width)
{
	int col = 2 + w + 1 + 8 + 1;

	if ((int)strlen(e->ev.name) > w)
		printf("  %s\n  %-*s", e->ev.name, w, "");
	else
		printf("  %-*s", w, e->ev.name);
	if (width && width - col < NARROW_ROOM) {
		/* Too narrow for a column: the description under the name. */
		printf(" %s\n    ", here);
		col = 4;
	} else {
		printf(" %-8s ", here);
	}
	llctl_text_wrap(stdout, e->ev.desc, col, width);
}

/*
 * perf list's shape: a heading per PMU, then name, whether it opens here
 * and what it counts, fitted to the terminal's width. The reasons are
 * footnotes: one reason often covers every event of a PMU.
 */
static void events_text(const struct prof_event_list *l, bool footer,
			const char **notes, const char *pfm_note)
{
	int w = 0, width = llctl_text_width(stdout);
	const struct prof_event_entry *e;
	size_t i, nnotes = 0;
	char here[32], tag[32];

	for (i = 0; i < l->n; i++) {
		e = &l->v[i];
		if (!i || strcmp(e->ev.pmu, l->v[i - 1].ev.pmu)) {
			printf("%s%s:\n", i ? "\n" : "", e->ev.pmu);
			w = name_width(e, l->n - i);
		}
		if (e->supported)
			snprintf(here, sizeof(here), "yes");
		else
			snprintf(here, sizeof(here), "no [%zu]",
				 footnote(notes, &nnotes, e->reason));
		event_line(e, here, w, width);
	}
	if (nnotes)
		printf("\nNot supported here:\n");
	for (i = 0; i < nnotes; i++) {
		snprintf(tag, sizeof(tag), "  [%zu] ", i + 1);
		fputs(tag, stdout);
		llctl_text_wrap(stdout, notes[i], (int)strlen(tag), width);
	}
	if (pfm_note[0]) {
		char note[1024];

		snprintf(note, sizeof(note), "%s.", pfm_note);
		printf("\nNote: ");
		llctl_text_wrap(stdout, note, 6, width);
	}
	if (footer) {
		putchar('\n');
		llctl_text_wrap(stdout, "Also: rNNNN (a raw config, hex), PMU/EVENT/ and PMU/term=value,.../ (terms in /sys/bus/event_source/devices/PMU/format), each with :u, :k or :h to count only user space, the kernel or the hypervisor.",
				0, width && width < FOOTER_WIDTH ? width : FOOTER_WIDTH);
	}
}

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
	const char **notes;

	if (json) {
		o = prof_events_json(l);
		if (add_pfm_json(o, pfm_note)) {
			json_object_put(o);
			llctl_err("Unable to list events: out of memory");
			return 1;
		}
		return llctl_json_print(o);
	}
	notes = calloc(l->n ? l->n : 1, sizeof(*notes));
	if (!notes) {
		llctl_err("Unable to list events: out of memory");
		return 1;
	}
	events_text(l, footer, notes, pfm_note);
	free(notes);
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
