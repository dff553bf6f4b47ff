// SPDX-License-Identifier: GPL-2.0
/*
 * llctl config: read a low_level_optimization tuning profile (YAML), say
 * what each key maps to on this machine, apply it, verify it, revert it.
 * The parts are listed in config/config.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd.h"
#include "config/config.h"
#include "lib/options.h"
#include "lib/rootfs.h"
#include "lib/util.h"


enum sub { SHOW, CHECK, PLAN, APPLY, VERIFY, REVERT };

static const struct {
	const char *name;
	int file;		/* 0 none, 1 optional, 2 required */
	bool json;
	bool root;
} subs[] = {
	[SHOW] = { "show", 1, true, false },
	[CHECK] = { "check", 2, true, false },
	[PLAN] = { "plan", 2, true, false },
	[APPLY] = { "apply", 2, false, true },
	[VERIFY] = { "verify", 1, true, false },
	[REVERT] = { "revert", 0, false, true },
};

struct config {
	enum sub sub;
	const char *file;
	bool json;
	bool strict;		/* the exact types only: no documented words */
	char state_dir[PATH_MAX];
	struct cfg_ctx ctx;
	struct cfg_daemon dm[8];
	int nd;
};

static const char *const action_name[] = {
	[CFG_NONE] = "none", [CFG_CHANGE] = "change",
	[CFG_UNAVAILABLE] = "unavailable", [CFG_REPORT] = "report",
	[CFG_MISMATCH] = "mismatch",
};

static const char *const kind_name[] = {
	[CFG_ITEM_FILE] = "file", [CFG_ITEM_NIC] = "nic",
	[CFG_ITEM_REPORT] = "report", [CFG_ITEM_DEFAULT] = "default",
};

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* CAP_SYS_ADMIN in the effective set (bit 21 of CapEff). */
static bool have_sys_admin(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	unsigned long long cap = 0;
	char line[256];
	bool found = false;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &cap) == 1) {
			found = true;
			break;
		}
	if (f)
		fclose(f);
	return found ? (cap >> 21) & 1 : geteuid() == 0;
}

/* Each of @n entries as FILE:LINE:COLUMN: WHAT: message, on stderr. */
static void say_entries(const char *file, const struct cfg_error *e, int n,
			const char *what)
{
	int i;

	for (i = 0; i < n; i++) {
		if (e[i].line)
			fprintf(stderr, "%s:%d:%d: %s: %s\n", file, e[i].line,
				e[i].column, what, e[i].msg);
		else
			fprintf(stderr, "%s: %s: %s\n", file, what, e[i].msg);
	}
}

/*
 * Parse FILE (--strict: the exact types only), saying each error, and for
 * check each note (plan says what each became), as FILE:LINE:COLUMN.
 * 0, 1 invalid, -errno.
 */
static int load(const struct config *c, struct cfg_profile *p,
		struct cfg_errors *errs, bool quiet)
{
	int ret;

	p->strict = c->strict;
	ret = cfg_parse_file(c->file, p, errs);
	if (ret < 0) {
		llctl_err("Unable to read '%s': %s", c->file, strerror(-ret));
		return ret;
	}
	if (quiet)
		return ret;
	say_entries(c->file, errs->e, errs->n, "error");
	if (!ret && c->sub == CHECK)
		say_entries(c->file, errs->note, errs->nnote, "note");
	return ret;
}

static struct json_object *daemons_json(const struct config *c)
{
	struct json_object *a = json_object_new_array(), *o;
	int i;

	for (i = 0; i < c->nd; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(c->dm[i].name));
		json_object_object_add(o, "pid", json_object_new_int(c->dm[i].pid));
		json_object_array_add(a, o);
	}
	return a;
}

static void daemons_text(const struct config *c)
{
	char s[256];

	cfg_daemons_str(c->dm, c->nd, s, sizeof(s));
	if (c->nd)
		printf("# running: %s: may change these settings back\n", s);
}

static struct json_object *item_json(const struct cfg_item *it)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "key", jstr(cfg_key_name(cfg_key_at(it->key))));
	json_object_object_add(o, "kind", jstr(kind_name[it->kind]));
	json_object_object_add(o, "target", jstr(it->target));
	json_object_object_add(o, "current", jstr(it->current));
	json_object_object_add(o, "wanted", jstr(it->wanted));
	json_object_object_add(o, "unit", jstr(it->unit));
	json_object_object_add(o, "action", jstr(action_name[it->action]));
	json_object_object_add(o, "note", jstr(it->note));
	return o;
}

static const char *where(const struct cfg_item *it, char *buf, size_t size)
{
	bool path = it->kind == CFG_ITEM_FILE || !strncmp(it->target, "sys/", 4) ||
		    !strncmp(it->target, "proc/", 5);

	snprintf(buf, size, "%s%s", path ? "/" : "", it->target);
	return buf;
}

/* @v with its item's unit after its number ("50 us (built in)"), into @buf. */
static const char *with_unit(const struct cfg_item *it, const char *v,
			     char *buf, size_t size)
{
	size_t n;

	if (!v)
		return "unknown";
	n = strspn(v, "0123456789");
	if (it->unit && n)
		snprintf(buf, size, "%.*s %s%s", (int)n, v, it->unit, v + n);
	else
		snprintf(buf, size, "%s", v);
	return buf;
}

static void item_text(const struct cfg_item *it)
{
	const char *key = cfg_key_name(cfg_key_at(it->key));
	char w[160], cur[160], want[256];

	where(it, w, sizeof(w));
	with_unit(it, it->current, cur, sizeof(cur));
	with_unit(it, it->wanted, want, sizeof(want));
	switch (it->action) {
	case CFG_CHANGE:
		printf("%-28s %s: %s -> %s\n", key, w, cur, want);
		break;
	case CFG_NONE:
		printf("%-28s %s: %s%s\n", key, w, cur,
		       it->wanted ? " (as wanted)" : "");
		break;
	case CFG_UNAVAILABLE:
		printf("%-28s not applicable here: %s\n", key, it->note);
		return;
	case CFG_REPORT:
	case CFG_MISMATCH:
		printf("%-28s %s: %s", key, w, cur);
		if (it->wanted)
			printf(", wanted %s%s", want,
			       it->action == CFG_MISMATCH ? ": DIFFERS, not changeable here" :
			       ": not changed by llctl");
		putchar('\n');
		break;
	}
	if (it->note)
		printf("%-28s   %s\n", "", it->note);
}

/* --- check, show ---------------------------------------------------------- */

/* [{"line", "column", "key", "message"}] of @n entries. */
static struct json_object *entries_json(const struct cfg_error *x, int n)
{
	struct json_object *a = json_object_new_array(), *e;
	int i;

	for (i = 0; i < n; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "line", x[i].line ?
				       json_object_new_int(x[i].line) : NULL);
		json_object_object_add(e, "column", x[i].line ?
				       json_object_new_int(x[i].column) : NULL);
		json_object_object_add(e, "key", jstr(x[i].key));
		json_object_object_add(e, "message", jstr(x[i].msg));
		json_object_array_add(a, e);
	}
	return a;
}

static int do_check(struct config *c)
{
	struct cfg_profile p = { 0 };
	struct cfg_errors errs = { 0 };
	struct json_object *o;
	int ret, i, n = 0;

	ret = load(c, &p, &errs, c->json);
	if (ret < 0)
		goto out;
	for (i = 0; i < cfg_nkeys(); i++)
		n += p.v[i].set;
	if (!c->json) {
		if (!ret && errs.nnote)
			printf("%s: valid, %d key%s, %d read with a documented meaning (the notes)\n",
			       c->file, n, n == 1 ? "" : "s", errs.nnote);
		else if (!ret)
			printf("%s: valid, %d key%s\n", c->file, n, n == 1 ? "" : "s");
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "file", jstr(c->file));
	json_object_object_add(o, "valid", json_object_new_boolean(!ret));
	json_object_object_add(o, "strict", json_object_new_boolean(c->strict));
	json_object_object_add(o, "keys", json_object_new_int(n));
	json_object_object_add(o, "errors", entries_json(errs.e, errs.n));
	json_object_object_add(o, "notes", entries_json(errs.note, ret ? 0 : errs.nnote));
	if (llctl_json_print(o))
		ret = 1;
out:
	cfg_errors_free(&errs);
	cfg_profile_free(&p);
	return ret ? 1 : 0;
}

static int show_file(struct config *c)
{
	struct cfg_profile p = { 0 };
	struct cfg_errors errs = { 0 };
	struct json_object *o, *a, *e;
	char hash[80];
	int ret = 1, i;

	if (load(c, &p, &errs, false) || cfg_hash(&p, hash, sizeof(hash)))
		goto out;
	if (!c->json) {
		printf("# %s %s\n", p.file, hash);
		for (i = 0; i < cfg_nkeys(); i++)
			if (p.v[i].set)
				printf("%-28s %-24s # line %d: %s\n",
				       cfg_key_name(cfg_key_at(i)), p.v[i].str,
				       p.v[i].line, cfg_key_help(cfg_key_at(i)));
		ret = 0;
		goto out;
	}
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "file", jstr(p.file));
	json_object_object_add(o, "hash", jstr(hash));
	json_object_object_add(o, "settings", cfg_settings_json(&p));
	for (i = 0; i < cfg_nkeys(); i++) {
		if (!p.v[i].set)
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "key", jstr(cfg_key_name(cfg_key_at(i))));
		json_object_object_add(e, "value", jstr(p.v[i].str));
		json_object_object_add(e, "line", json_object_new_int(p.v[i].line));
		json_object_object_add(e, "meaning", jstr(cfg_key_help(cfg_key_at(i))));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "keys", a);
	ret = llctl_json_print(o);
out:
	cfg_errors_free(&errs);
	cfg_profile_free(&p);
	return ret;
}

/* The applied profile, or NULL (errno ENOENT: none), and its state. */
static struct json_object *applied(struct config *c, struct cfg_profile *p)
{
	struct json_object *st = cfg_state_load(c->state_dir);

	if (!st)
		return NULL;
	if (cfg_state_profile(st, p)) {
		json_object_put(st);
		errno = EINVAL;
		return NULL;
	}
	return st;
}

static struct json_object *profile_obj(struct json_object *st)
{
	struct json_object *v;

	return st && json_object_object_get_ex(st, "profile", &v) ?
	       json_object_get(v) : json_object_new_string("none");
}

static int show_system(struct config *c)
{
	struct cfg_profile p = { 0 };
	struct cfg_plan plan = { 0 };
	struct json_object *st, *o, *a, *prof;
	int ret = 1, i;

	st = applied(c, &p);
	if (!st && errno != ENOENT) {
		llctl_err("Unable to read %s/%s: %s", c->state_dir,
			  LLCTL_STATE_FILE, strerror(errno));
		return 1;
	}
	plan.applied = st ? &p : NULL;
	if (cfg_plan_build(&c->ctx, NULL, &plan)) {
		llctl_err("Unable to read the current values: out of memory");
		goto out;
	}
	prof = profile_obj(st);
	if (c->json) {
		o = json_object_new_object();
		a = json_object_new_array();
		json_object_object_add(o, "profile", prof);
		json_object_object_add(o, "settings", st ? cfg_settings_json(&p) : NULL);
		json_object_object_add(o, "daemons", daemons_json(c));
		for (i = 0; i < plan.n; i++)
			json_object_array_add(a, item_json(&plan.it[i]));
		json_object_object_add(o, "items", a);
		ret = llctl_json_print(o);
		goto out;
	}
	if (st)
		printf("# applied: %s\n", json_object_to_json_string_ext(prof,
		       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		printf("# applied: none\n");
	json_object_put(prof);
	daemons_text(c);
	for (i = 0; i < plan.n; i++)
		item_text(&plan.it[i]);
	ret = 0;
out:
	cfg_plan_free(&plan);
	cfg_profile_free(&p);
	json_object_put(st);
	return ret;
}

/* --- plan, verify ------------------------------------------------------------ */

static int do_plan(struct config *c)
{
	struct cfg_profile p = { 0 }, cur = { 0 };
	struct cfg_errors errs = { 0 };
	struct cfg_plan plan = { 0 };
	struct json_object *st, *o, *a;
	char hash[80];
	int ret = 1, i;

	if (load(c, &p, &errs, false) || cfg_hash(&p, hash, sizeof(hash)))
		goto out;
	st = applied(c, &cur);
	plan.applied = st ? &cur : NULL;
	if (cfg_plan_build(&c->ctx, &p, &plan)) {
		llctl_err("Unable to read the current values: out of memory");
		json_object_put(st);
		goto out;
	}
	if (c->json) {
		o = json_object_new_object();
		a = json_object_new_array();
		json_object_object_add(o, "file", jstr(p.file));
		json_object_object_add(o, "hash", jstr(hash));
		json_object_object_add(o, "applied", profile_obj(st));
		json_object_object_add(o, "daemons", daemons_json(c));
		json_object_object_add(o, "changes", json_object_new_int(cfg_plan_changes(&plan)));
		for (i = 0; i < plan.n; i++)
			json_object_array_add(a, item_json(&plan.it[i]));
		json_object_object_add(o, "items", a);
		ret = llctl_json_print(o);
	} else {
		printf("# plan for %s %s\n", p.file, hash);
		daemons_text(c);
		for (i = 0; i < plan.n; i++)
			item_text(&plan.it[i]);
		i = cfg_plan_changes(&plan);
		if (i)
			printf("%d change%s\n", i, i == 1 ? "" : "s");
		else
			printf("nothing to change\n");
		ret = 0;
	}
	json_object_put(st);
out:
	cfg_plan_free(&plan);
	cfg_errors_free(&errs);
	cfg_profile_free(&p);
	cfg_profile_free(&cur);
	return ret;
}

static const char *verify_status(const struct cfg_item *it)
{
	switch (it->action) {
	case CFG_NONE:
		return "matches";
	case CFG_CHANGE:
	case CFG_MISMATCH:
		return "differs";
	case CFG_UNAVAILABLE:
		return "not_available";
	default:
		return "report";
	}
}

/* Why @it differs from the profile: the likeliest cause, in @buf. */
static const char *verify_reason(const struct config *c,
				 const struct cfg_item *it, bool applied,
				 char *buf, size_t size)
{
	char d[256];
	long got, want;

	if (it->action == CFG_UNAVAILABLE || it->action == CFG_MISMATCH)
		return it->note;
	if (it->action != CFG_CHANGE)
		return NULL;
	if (it->kind == CFG_ITEM_DEFAULT) {
		snprintf(buf, size, applied ? "not what the applied profile sets" :
			 "the applied profile (or llctl's built-in default) differs");
		return buf;
	}
	if (!strcmp(it->target, "proc/sys/vm/nr_hugepages") && it->current &&
	    it->wanted && !llctl_parse_long(it->current, &got) &&
	    !llctl_parse_long(it->wanted, &want) && got < want) {
		snprintf(buf, size, "the kernel holds %ld of %ld huge pages: it may not have found the free contiguous memory, or someone lowered it",
			 got, want);
		return buf;
	}
	if (!applied) {
		snprintf(buf, size, "this profile is not applied");
		return buf;
	}
	cfg_daemons_str(c->dm, c->nd, d, sizeof(d));
	if (c->nd)
		snprintf(buf, size, "changed since apply: %s %s running and may have set it",
			 d, c->nd > 1 ? "are" : "is");
	else
		snprintf(buf, size, "changed since apply, by hand or by another tool (no tuning daemon runs)");
	return buf;
}

/* What verify compares: FILE's profile, or the applied one, with the system. */
struct verify {
	struct cfg_profile p, cur;	/* FILE's; the applied one */
	struct cfg_errors errs;		/* FILE's */
	struct json_object *st;		/* the state, or NULL: none applied */
	bool is_applied;		/* the profile compared is the applied one */
};

/* The state and the profile to compare: 0, or 1 after saying why not. */
static int verify_load(struct config *c, struct verify *v)
{
	v->st = applied(c, &v->cur);
	if (!v->st && errno != ENOENT) {
		llctl_err("Unable to read %s/%s: %s", c->state_dir,
			  LLCTL_STATE_FILE, strerror(errno));
		return 1;
	}
	if (c->file) {
		if (load(c, &v->p, &v->errs, false))
			return 1;
	} else if (!v->st) {
		llctl_err("Unable to verify: no profile is applied (%s/%s); give FILE.yaml to compare with one",
			  c->state_dir, LLCTL_STATE_FILE);
		return 1;
	}
	if (v->st && c->file) {
		char h1[80], h2[80];

		v->is_applied = !cfg_hash(&v->p, h1, sizeof(h1)) &&
				!cfg_hash(&v->cur, h2, sizeof(h2)) && !strcmp(h1, h2);
	} else if (v->st) {
		v->is_applied = true;
	}
	return 0;
}

static struct json_object *verify_item_json(const struct cfg_item *it,
					    const char *status, const char *reason)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "key", jstr(cfg_key_name(cfg_key_at(it->key))));
	json_object_object_add(e, "kind", jstr(kind_name[it->kind]));
	json_object_object_add(e, "target", jstr(it->target));
	json_object_object_add(e, "expected", jstr(it->wanted));
	json_object_object_add(e, "found", jstr(it->current));
	json_object_object_add(e, "status", jstr(status));
	json_object_object_add(e, "reason", jstr(reason));
	return e;
}

static void verify_item_text(const struct cfg_item *it, const char *status,
			     const char *reason)
{
	const char *key = cfg_key_name(cfg_key_at(it->key));
	char w[160], cur[160], want[256];

	where(it, w, sizeof(w));
	with_unit(it, it->current, cur, sizeof(cur));
	with_unit(it, it->wanted, want, sizeof(want));
	if (!strcmp(status, "matches"))
		printf("%-28s %s: matches (%s)\n", key, w, cur);
	else if (!strcmp(status, "differs"))
		printf("%-28s %s: DIFFERS: expected %s, found %s: %s\n", key, w,
		       it->wanted ? want : "?", cur, reason);
	else if (!strcmp(status, "not_available"))
		printf("%-28s not applicable here: %s\n", key, reason);
	else
		printf("%-28s %s: %s (wanted %s; not changed by llctl)\n", key, w,
		       cur, it->wanted ? want : "-");
}

static int do_verify(struct config *c)
{
	struct verify v = { 0 };
	struct cfg_plan plan = { 0 };
	struct json_object *o = NULL, *a = NULL;
	const char *status, *reason;
	char why[512];
	int ret = 1, i, differ = 0;

	if (verify_load(c, &v))
		goto out;
	plan.applied = v.st ? &v.cur : NULL;
	if (cfg_plan_build(&c->ctx, c->file ? &v.p : &v.cur, &plan)) {
		llctl_err("Unable to read the current values: out of memory");
		goto out;
	}
	if (c->json) {
		o = json_object_new_object();
		a = json_object_new_array();
		json_object_object_add(o, "profile", profile_obj(v.st));
		json_object_object_add(o, "daemons", daemons_json(c));
	} else {
		printf("# verify %s against %s\n", c->file ? c->file : "the applied profile",
		       c->file && !v.is_applied ? "this system (not applied)" : "this system");
		daemons_text(c);
	}
	for (i = 0; i < plan.n; i++) {
		const struct cfg_item *it = &plan.it[i];

		status = verify_status(it);
		reason = verify_reason(c, it, v.is_applied, why, sizeof(why));
		differ += !strcmp(status, "differs");
		if (c->json)
			json_object_array_add(a, verify_item_json(it, status, reason));
		else
			verify_item_text(it, status, reason);
	}
	if (c->json) {
		json_object_object_add(o, "matches", json_object_new_boolean(!differ));
		json_object_object_add(o, "items", a);
		ret = llctl_json_print(o) ? 1 : differ ? 1 : 0;
	} else {
		printf(differ ? "%d key%s differ%s\n" : "the system matches the profile\n",
		       differ, differ == 1 ? "" : "s", differ == 1 ? "s" : "");
		ret = differ ? 1 : 0;
	}
out:
	json_object_put(v.st);
	cfg_plan_free(&plan);
	cfg_errors_free(&v.errs);
	cfg_profile_free(&v.p);
	cfg_profile_free(&v.cur);
	return ret;
}

/* --- apply, revert ------------------------------------------------------------- */

static int do_apply(struct config *c)
{
	struct cfg_profile p = { 0 };
	struct cfg_errors errs = { 0 };
	int ret = 1, changed;

	if (load(c, &p, &errs, false))
		goto out;
	ret = cfg_apply(&c->ctx, &p, &changed, stdout, stderr);
out:
	cfg_errors_free(&errs);
	cfg_profile_free(&p);
	return ret;
}

static int do_revert(struct config *c)
{
	int restored;

	return cfg_revert(&c->ctx, &restored, stdout, stderr);
}

/* --- the command line ------------------------------------------------------------ */

static int parse_sub(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(s, subs[i].name))
			return (int)i;
	return -1;
}

enum { OPT_STRICT = LLCTL_OPT_JSON + 1 };

static const struct llctl_opt config_opt[] = {
	{ "json", LLCTL_OPT_JSON, NULL, "show, check, plan, verify: print JSON (keys in docs/json.md)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct config, json) },
	{ "strict", OPT_STRICT, NULL, "with FILE: the exact types only, none of the documented words (true for a number, all, ...)",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct config, strict) },
	{ 0 }
};

static const struct llctl_opts config_opts = {
	.cmd = "config",
	.synopsis = "{show | check | plan | apply | verify | revert} "
		    "[FILE.yaml] [--json] [--strict]",
	.summary = "The low_level_optimization tuning profile (YAML):\n"
		   "  show [FILE]    the profile in FILE; without FILE, the applied one and\n"
		   "                 the current value of every knob the keys map to\n"
		   "  check FILE     validate it: each error with its line:column, each\n"
		   "                 value read with a documented meaning as a note\n"
		   "  plan FILE      what apply would change, changing nothing\n"
		   "  apply FILE     change what differs, saving the values it replaces\n"
		   "                 (root); again, it changes nothing\n"
		   "  verify [FILE]  does the system still match (the applied profile)?\n"
		   "  revert         restore the saved values (root)\n"
		   "State: $LLCTL_STATE_DIR (default " LLCTL_STATE_DIR_DEFAULT ").",
	.opt = config_opt,
	.operands = true,
};

/* Options and the one FILE operand, in any order: 0, or llctl_parse()'s. */
static int parse_args(int argc, char **argv, struct config *c)
{
	int n;

	optind = 0;	/* getopt starts afresh */
	for (;;) {
		n = llctl_parse(argc, argv, &config_opts, c);
		if (n < 0 || n >= argc)
			return n < 0 ? n : 0;
		if (c->file) {
			fprintf(stderr, "%s config: Unable to parse '%s': one FILE at most, see 'llctl help config'\n",
				llctl_prog, argv[n]);
			return LLCTL_PARSE_ERROR;
		}
		c->file = argv[n];
		optind = n + 1;
	}
}

int cmd_config(int argc, char **argv)
{
	struct config c = { 0 };
	int ret, s;

	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") &&
			 strcmp(argv[1], "-h"))) {
		llctl_err("Unable to configure: give show, check, plan, apply, verify or revert");
		llctl_usage(stderr, &config_opts);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		llctl_usage(stdout, &config_opts);
		return llctl_stdout_close();
	}
	s = parse_sub(argv[1]);
	if (s < 0) {
		llctl_err("Unable to configure: unknown subcommand '%s': give show, check, plan, apply, verify or revert",
			  argv[1]);
		return 1;
	}
	c.sub = s;
	ret = parse_args(argc - 1, argv + 1, &c);
	if (ret)
		return llctl_parse_status(ret);
	if (subs[s].file == 2 && !c.file) {
		llctl_err("Unable to %s: give the profile, FILE.yaml", subs[s].name);
		return 1;
	}
	if (subs[s].file == 0 && c.file) {
		llctl_err("Unable to %s: it takes no FILE ('%s')", subs[s].name, c.file);
		return 1;
	}
	if (c.strict && !subs[s].file) {
		llctl_err("Unable to %s: --strict is about FILE, and %s reads none",
			  subs[s].name, subs[s].name);
		return 1;
	}
	if (c.json && !subs[s].json) {
		llctl_opt_bad(&config_opts, LLCTL_OPT_JSON, NULL,
			      "%s reports on stdout as text lines", subs[s].name);
		return 1;
	}
	if (subs[s].root && !have_sys_admin()) {
		llctl_err("Unable to %s: it changes kernel settings and needs root (CAP_SYS_ADMIN); 'llctl config plan' shows the changes without privilege",
			  subs[s].name);
		return 1;
	}
	cfg_state_dir(NULL, c.state_dir, sizeof(c.state_dir));
	c.ctx = (struct cfg_ctx){ .root = NULL, .state_dir = c.state_dir,
				  .nic = &cfg_nic_ethtool };
	c.nd = cfg_daemons(NULL, c.dm, 8);
	switch (c.sub) {
	case SHOW:
		ret = c.file ? show_file(&c) : show_system(&c);
		break;
	case CHECK:
		ret = do_check(&c);
		break;
	case PLAN:
		ret = do_plan(&c);
		break;
	case APPLY:
		ret = do_apply(&c);
		break;
	case VERIFY:
		ret = do_verify(&c);
		break;
	case REVERT:
		ret = do_revert(&c);
		break;
	}
	if (llctl_stdout_close())
		ret = 1;
	return ret;
}
