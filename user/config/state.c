// SPDX-License-Identifier: GPL-2.0
/*
 * The applied profile's state (layout in config/config.h): what apply changed and
 * the values it replaced, so that revert restores them, verify knows what
 * to compare, the reports name the profile and llctl profile/record/trace
 * take their defaults from it.
 *
 * apply changes only what differs, in table order, and reads every value
 * back; the first write that fails restores what this run changed, in
 * reverse, so the system is never left half configured. The state is
 * written after the changes (tmp + rename: a reader sees the old file or
 * the new one); when that write fails the changes are restored too.
 * Applying the same profile again changes nothing; applying another one
 * over it is refused (revert first), so the saved values are always the
 * ones from before the first apply.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config/key.h"
#include "lib/rootfs.h"

#define STATE_VERSION	1

const char *cfg_state_dir(const char *root, char *buf, size_t size)
{
	const char *e = getenv("LLCTL_STATE_DIR");

	if (e && e[0])
		snprintf(buf, size, "%s", e);
	else if (llctl_root_path(buf, size, root, "var/lib/llctl"))
		snprintf(buf, size, "%s", LLCTL_STATE_DIR_DEFAULT);
	return buf;
}

static int state_path(const char *dir, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", dir, LLCTL_STATE_FILE);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

struct json_object *cfg_state_load(const char *state_dir)
{
	struct json_object *o;
	char p[PATH_MAX];

	if (state_path(state_dir, p, sizeof(p))) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (access(p, F_OK))
		return NULL;	/* errno: ENOENT when nothing is applied */
	o = json_object_from_file(p);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		errno = EINVAL;
		return NULL;
	}
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

static struct json_object *jget(struct json_object *o, const char *key,
				enum json_type type)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_is_type(v, type) ? v : NULL;
}

int cfg_state_profile(struct json_object *state, struct cfg_profile *p)
{
	struct json_object *prof = jget(state, "profile", json_type_object);
	struct json_object *set = jget(state, "settings", json_type_object);
	char why[256];
	const char *f;

	if (!prof || !set || cfg_settings_from_json(set, p, why, sizeof(why)))
		return -EINVAL;
	f = jstr(prof, "file");
	p->file = f ? strdup(f) : NULL;
	return 0;
}

/* mkdir -p @dir, 0755. */
static int mkdirs(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	for (i = 1; ; i++) {
		char c = p[i];

		if (c != '/' && c)
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		p[i] = '/';
	}
}

/* Write @o as the state file: tmp + fsync + rename. 0 or -errno. */
static int state_save(const char *dir, struct json_object *o)
{
	char p[PATH_MAX], tmp[PATH_MAX];
	const char *s;
	size_t len;
	int fd, ret;

	ret = mkdirs(dir);
	if (ret)
		return ret;
	if (state_path(dir, p, sizeof(p)) ||
	    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", p) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	len = strlen(s);
	ret = write(fd, s, len) == (ssize_t)len && write(fd, "\n", 1) == 1 ?
	      0 : -(errno ? errno : EIO);
	if (!ret && (fchmod(fd, 0644) || fsync(fd)))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, p))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int state_remove(const char *dir)
{
	char p[PATH_MAX];

	if (state_path(dir, p, sizeof(p)))
		return -ENAMETOOLONG;
	return unlink(p) && errno != ENOENT ? -errno : 0;
}

/* --- saved values ------------------------------------------------------ */

static struct json_object *coal_json(const struct cfg_nic_coal *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "rx_usecs", json_object_new_int64(c->rx_usecs));
	json_object_object_add(o, "rx_frames", json_object_new_int64(c->rx_frames));
	json_object_object_add(o, "adaptive_rx", json_object_new_int64(c->adaptive_rx));
	json_object_object_add(o, "adaptive_tx", json_object_new_int64(c->adaptive_tx));
	return o;
}

static int coal_from_json(struct json_object *o, struct cfg_nic_coal *c)
{
	static const char *const k[] = { "rx_usecs", "rx_frames",
					 "adaptive_rx", "adaptive_tx" };
	unsigned int *f[] = { &c->rx_usecs, &c->rx_frames, &c->adaptive_rx,
			      &c->adaptive_tx };
	struct json_object *v;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		v = jget(o, k[i], json_type_int);
		if (!v)
			return -EINVAL;
		*f[i] = (unsigned int)json_object_get_int64(v);
	}
	return 0;
}

static struct json_object *saved_entry(const struct cfg_item *it)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "key", json_object_new_string(cfg_keys[it->key].name));
	if (it->kind == CFG_ITEM_FILE) {
		json_object_object_add(o, "kind", json_object_new_string("file"));
		json_object_object_add(o, "path", json_object_new_string(it->target));
		json_object_object_add(o, "bracketed", json_object_new_boolean(it->bracketed));
		json_object_object_add(o, "previous", json_object_new_string(it->current));
	} else {
		json_object_object_add(o, "kind", json_object_new_string("nic"));
		json_object_object_add(o, "ifname", json_object_new_string(it->target));
		json_object_object_add(o, "previous", coal_json(&it->coal_now));
	}
	return o;
}

/* Is @it's target among the saved entries already (a re-apply)? */
static bool is_saved(struct json_object *saved, const struct cfg_item *it)
{
	size_t i, n = saved ? json_object_array_length(saved) : 0;
	const char *t;

	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(saved, i);

		t = jstr(e, it->kind == CFG_ITEM_FILE ? "path" : "ifname");
		if (t && !strcmp(t, it->target))
			return true;
	}
	return false;
}

/*
 * A saved entry as an item to write back: the target, and the previous
 * value in *@value or *@coal. 0 or -EINVAL.
 */
static int saved_item(struct json_object *e, struct cfg_item *it,
		      const char **value, struct cfg_nic_coal *coal)
{
	const char *kind = jstr(e, "kind"), *key = jstr(e, "key"), *t;
	struct json_object *b;

	memset(it, 0, sizeof(*it));
	*value = NULL;
	it->key = key ? cfg_key_find(key) : -1;
	if (!kind || it->key < 0)
		return -EINVAL;
	if (!strcmp(kind, "file")) {
		it->kind = CFG_ITEM_FILE;
		t = jstr(e, "path");
		*value = jstr(e, "previous");
		b = jget(e, "bracketed", json_type_boolean);
		it->bracketed = b && json_object_get_boolean(b);
		if (!t || !*value || t[0] == '/' || strstr(t, ".."))
			return -EINVAL;
	} else if (!strcmp(kind, "nic")) {
		struct json_object *prev = jget(e, "previous", json_type_object);

		it->kind = CFG_ITEM_NIC;
		t = jstr(e, "ifname");
		if (!t || !prev || coal_from_json(prev, coal))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	snprintf(it->target, sizeof(it->target), "%s", t);
	return 0;
}

/* --- apply --------------------------------------------------------------- */

static void now_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct json_object *profile_json(const struct cfg_profile *p,
					const char *hash)
{
	struct json_object *o = json_object_new_object();
	char at[32];

	now_iso(at, sizeof(at));
	json_object_object_add(o, "hash", json_object_new_string(hash));
	json_object_object_add(o, "file", p->file ?
			       json_object_new_string(p->file) : NULL);
	json_object_object_add(o, "applied_at", json_object_new_string(at));
	return o;
}

/* Put the @n changed items back, newest first. Errors are said on @err. */
static int undo(const struct cfg_ctx *ctx, struct cfg_item **done, int n,
		FILE *err)
{
	char why[512];
	int ret = 0;

	while (n--) {
		if (cfg_item_write(ctx, done[n], done[n]->current,
				   &done[n]->coal_now, why, sizeof(why)) < 0) {
			fprintf(err, "llctl: %s (while rolling back)\n", why);
			ret = 1;
		}
	}
	return ret;
}

static const char *item_target(const struct cfg_item *it)
{
	return it->target;
}

/*
 * A profile is applied (@state): 0 when it is @hash, read into @applied;
 * 1 after saying why not.
 */
static int check_applied(const struct cfg_ctx *ctx, struct json_object *state,
			 const char *hash, struct cfg_profile *applied, FILE *err)
{
	const char *old = jstr(jget(state, "profile", json_type_object), "hash");

	if (!old || strcmp(old, hash)) {
		fprintf(err, "llctl: Unable to apply the profile: %s is applied (%s); run 'llctl config revert' first\n",
			old ? old : "another profile",
			jstr(jget(state, "profile", json_type_object), "file") ?:
			"file unknown");
		return 1;
	}
	if (cfg_state_profile(state, applied)) {
		fprintf(err, "llctl: Unable to read the applied profile in %s/%s: fix or remove it\n",
			ctx->state_dir, LLCTL_STATE_FILE);
		return 1;
	}
	return 0;
}

/* The daemons that may undo what is applied, as a warning on @err. */
static void warn_daemons(const struct cfg_ctx *ctx, FILE *err)
{
	struct cfg_daemon dm[8];
	char dstr[256];
	int nd;

	nd = cfg_daemons(ctx->root, dm, 8);
	cfg_daemons_str(dm, nd, dstr, sizeof(dstr));
	if (nd)
		fprintf(err, "llctl: warning: %s %s running and may change these settings back\n",
			dstr, nd > 1 ? "are" : "is");
}

/* One apply's progress: what it has changed, to record or to undo. */
struct apply {
	const struct cfg_ctx *ctx;
	FILE *out, *err;
	struct cfg_item **done;		/* the items written, in order */
	int ndone;
	int *changed;			/* the changes, written or reported */
};

/*
 * Write each change of @plan (or, for what llctl does not write, say
 * it): 0, or 1 after putting back what was written.
 */
static int apply_items(struct apply *a, struct cfg_plan *plan)
{
	char why[512];
	int i, r;

	for (i = 0; i < plan->n; i++) {
		struct cfg_item *it = &plan->it[i];

		if (it->action != CFG_CHANGE)
			continue;
		(*a->changed)++;
		if (it->kind != CFG_ITEM_FILE && it->kind != CFG_ITEM_NIC) {
			fprintf(a->out, "%s: %s: %s -> %s\n", cfg_keys[it->key].name,
				item_target(it), it->current, it->wanted);
			continue;
		}
		r = cfg_item_write(a->ctx, it, it->wanted, &it->coal_want, why,
				   sizeof(why));
		if (r < 0) {
			fprintf(a->err, "llctl: %s: %s; restoring the %d value%s changed so far\n",
				cfg_keys[it->key].name, why, a->ndone,
				a->ndone == 1 ? "" : "s");
			undo(a->ctx, a->done, a->ndone, a->err);
			*a->changed = 0;
			return 1;
		}
		a->done[a->ndone++] = it;
		fprintf(a->out, "%s: /%s: %s -> %s\n", cfg_keys[it->key].name,
			item_target(it), it->current, it->wanted);
		if (r > 0)
			fprintf(a->err, "llctl: warning: %s: %s\n",
				cfg_keys[it->key].name, why);
	}
	return 0;
}

/*
 * The state file: @p as applied, the values @saved before (from an
 * earlier apply, or NULL) and those a->done changed. 0, or 1 after
 * putting them back when it cannot be written.
 */
static int apply_record(struct apply *a, const struct cfg_profile *p,
			const char *hash, struct json_object *saved, bool again)
{
	const struct cfg_ctx *ctx = a->ctx;
	struct json_object *o = json_object_new_object();
	int i, r, ret = 1;

	json_object_object_add(o, "version", json_object_new_int(STATE_VERSION));
	json_object_object_add(o, "profile", profile_json(p, hash));
	json_object_object_add(o, "settings", cfg_settings_json(p));
	saved = saved ? json_object_get(saved) : json_object_new_array();
	for (i = 0; i < a->ndone; i++)
		if (!is_saved(saved, a->done[i]))
			json_object_array_add(saved, saved_entry(a->done[i]));
	json_object_object_add(o, "saved", saved);
	r = state_save(ctx->state_dir, o);
	if (r) {
		fprintf(a->err, "llctl: Unable to write %s/%s: %s; restoring the %d value%s changed\n",
			ctx->state_dir, LLCTL_STATE_FILE, strerror(-r), a->ndone,
			a->ndone == 1 ? "" : "s");
		undo(ctx, a->done, a->ndone, a->err);
		*a->changed = 0;
		goto out;
	}
	fprintf(a->out, "%s %s (%d change%s)\n", again ? "re-applied" : "applied",
		hash, *a->changed, *a->changed == 1 ? "" : "s");
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

int cfg_apply(const struct cfg_ctx *ctx, const struct cfg_profile *p,
	      int *changed, FILE *out, FILE *err)
{
	struct apply a = { .ctx = ctx, .out = out, .err = err, .changed = changed };
	struct cfg_profile applied = { 0 };
	struct cfg_plan plan = { 0 };
	struct json_object *state, *saved = NULL;
	char hash[80];
	int ret = 1, r;

	*changed = 0;
	if (cfg_hash(p, hash, sizeof(hash))) {
		fprintf(err, "llctl: Unable to hash the profile\n");
		return 1;
	}
	state = cfg_state_load(ctx->state_dir);
	if (!state && errno != ENOENT) {
		fprintf(err, "llctl: Unable to read %s/%s: %s: fix or remove it\n",
			ctx->state_dir, LLCTL_STATE_FILE, strerror(errno));
		return 1;
	}
	if (state) {
		if (check_applied(ctx, state, hash, &applied, err))
			goto out;
		plan.applied = &applied;
		saved = jget(state, "saved", json_type_array);
	}
	r = cfg_plan_build(ctx, p, &plan);
	if (r) {
		fprintf(err, "llctl: Unable to read the current values: %s\n",
			strerror(-r));
		goto out;
	}
	warn_daemons(ctx, err);
	if (!cfg_plan_changes(&plan)) {
		fprintf(out, "nothing to change: the system matches %s\n", hash);
		if (state) {
			ret = 0;
			goto out;
		}
	} else {
		a.done = calloc(plan.n, sizeof(*a.done));
		if (!a.done || apply_items(&a, &plan))
			goto out;
	}
	ret = apply_record(&a, p, hash, saved, state != NULL);
out:
	json_object_put(state);
	cfg_plan_free(&plan);
	cfg_profile_free(&applied);
	free(a.done);
	return ret;
}

/* --- revert --------------------------------------------------------------- */

int cfg_revert(const struct cfg_ctx *ctx, int *restored, FILE *out,
	       FILE *err)
{
	struct json_object *state, *saved, *left = NULL;
	struct cfg_nic_coal coal;
	struct cfg_item it;
	const char *value = NULL;
	char why[512], *now;
	int ret = 1, i, n, r, failed = 0;

	*restored = 0;
	state = cfg_state_load(ctx->state_dir);
	if (!state) {
		if (errno == ENOENT) {
			fprintf(out, "nothing to revert: no profile is applied (%s/%s)\n",
				ctx->state_dir, LLCTL_STATE_FILE);
			return 0;
		}
		fprintf(err, "llctl: Unable to read %s/%s: %s\n", ctx->state_dir,
			LLCTL_STATE_FILE, strerror(errno));
		return 1;
	}
	saved = jget(state, "saved", json_type_array);
	n = saved ? (int)json_object_array_length(saved) : 0;
	left = json_object_new_array();
	for (i = n - 1; i >= 0; i--) {
		struct json_object *e = json_object_array_get_idx(saved, i);

		if (saved_item(e, &it, &value, &coal)) {
			fprintf(err, "llctl: Unable to restore saved entry %d of %s/%s: malformed\n",
				i, ctx->state_dir, LLCTL_STATE_FILE);
			json_object_array_add(left, json_object_get(e));
			failed++;
			continue;
		}
		now = it.kind == CFG_ITEM_FILE ?
		      llctl_root_read(ctx->root, it.target) : NULL;
		if (now && it.bracketed) {
			char *w = cfg_bracketed(now);

			free(now);
			now = w;
		}
		r = cfg_item_write(ctx, &it, value, &coal, why, sizeof(why));
		if (r) {
			fprintf(err, "llctl: %s: %s\n", cfg_keys[it.key].name, why);
			json_object_array_add(left, json_object_get(e));
			failed++;
		} else {
			(*restored)++;
			if (it.kind == CFG_ITEM_FILE)
				fprintf(out, "%s: /%s: restored %s%s%s\n",
					cfg_keys[it.key].name, it.target, value,
					now ? ", was " : "", now ? now : "");
			else
				fprintf(out, "%s: %s: restored its interrupt coalescing\n",
					cfg_keys[it.key].name, it.target);
		}
		free(now);
	}
	if (failed) {
		/* Keep what could not be restored, so that a retry does it. */
		json_object_object_add(state, "saved", json_object_get(left));
		r = state_save(ctx->state_dir, state);
		fprintf(err, "llctl: %d value%s could not be restored%s\n", failed,
			failed == 1 ? "" : "s", r ? " and the state could not be updated" :
			"; they stay in the state for another 'llctl config revert'");
		goto out;
	}
	r = state_remove(ctx->state_dir);
	if (r) {
		fprintf(err, "llctl: Unable to remove %s/%s: %s\n", ctx->state_dir,
			LLCTL_STATE_FILE, strerror(-r));
		goto out;
	}
	fprintf(out, "reverted %s: %d value%s restored\n",
		jstr(jget(state, "profile", json_type_object), "hash") ?: "the profile",
		*restored, *restored == 1 ? "" : "s");
	ret = 0;
out:
	json_object_put(left);
	json_object_put(state);
	return ret;
}

/* --- the defaults of profile, record, trace ------------------------------- */

/* hardware_counters: all, resolved now: the events that open, or a note. */
static void defaults_all_events(struct cfg_defaults *d)
{
	char list[256], why[160];

	if (cfg_hw_events(NULL, list, sizeof(list), why, sizeof(why)))
		d->hardware_counters = strdup(list);
	else if (asprintf(&d->note, "the applied profile's hardware_counters: all: no hardware event opens here (%s); counting the default set",
			  why) < 0)
		d->note = NULL;
}

void cfg_defaults(struct cfg_defaults *d)
{
	struct cfg_profile p = { 0 };
	struct json_object *state;
	char dir[PATH_MAX];
	int i;

	state = cfg_state_load(cfg_state_dir(NULL, dir, sizeof(dir)));
	if (!state)
		return;
	if (cfg_state_profile(state, &p))
		goto out;
	i = cfg_key_find("profiling.sampling_rate");
	if (p.v[i].set)
		d->sampling_rate = p.v[i].num;
	i = cfg_key_find("profiling.stack_depth");
	if (p.v[i].set)
		d->stack_depth = p.v[i].num;
	i = cfg_key_find("profiling.hardware_counters");
	if (p.v[i].set && p.v[i].here)
		defaults_all_events(d);
	else if (p.v[i].set && p.v[i].nlist)
		d->hardware_counters = strdup(p.v[i].str);
	i = cfg_key_find("profiling.trace_points");
	if (p.v[i].set && p.v[i].nlist)
		d->trace_points = strdup(p.v[i].str);
out:
	cfg_profile_free(&p);
	json_object_put(state);
}

void cfg_defaults_free(struct cfg_defaults *d)
{
	free(d->hardware_counters);
	free(d->trace_points);
	free(d->note);
	d->hardware_counters = NULL;
	d->trace_points = NULL;
	d->note = NULL;
}
