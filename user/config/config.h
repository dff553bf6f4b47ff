/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/config/: llctl config, the low_level_optimization tuning profile:
 * read, checked, planned, applied, verified and reverted, and the defaults
 * it gives llctl profile, record and trace. Exported names start with
 * cfg_ (CFG_). config/ calls lib/ only.
 *
 * The parts and who uses them:
 *
 *   config/schema.c  the key table (type, range, meaning), the YAML reader
 *                    (libyaml, errors with line:column), the canonical
 *                    form and its SHA-256 (libcrypto)
 *   config/knobs.c   what each key maps to on this machine: sysctl and
 *                    sysfs files read and written under a root prefix
 *                    (lib/rootfs.h), reports of what cannot be changed, the
 *                    daemons that fight such settings
 *   config/nic.c     ethtool interrupt coalescing (SIOCETHTOOL), behind
 *                    an ops table the unit tests replace
 *   config/events.c  the generic hardware events that open here
 *                    (perf_event_open), for hardware_counters: all
 *   config/state.c   the state directory: the applied profile, its hash
 *                    and the values it replaced (state.json, written by
 *                    tmp + rename); the defaults of profile/record/trace
 *   cmd-config.c     the command line
 *
 * The state file, $LLCTL_STATE_DIR/state.json (default /var/lib/llctl):
 *
 *   {"version": 1,
 *    "profile": {"hash": "sha256:HEX", "file": str, "applied_at": str},
 *    "settings": {"memory.huge_pages": "64", ...,      // the profile's keys,
 *                 "profiling.trace_points": ["sched"]},  // canonical text
 *    "saved": [{"key": str, "kind": "file", "path": str, "previous": str},
 *              {"key": str, "kind": "nic", "ifname": str,
 *               "previous": {"rx_usecs": int, "rx_frames": int,
 *                            "adaptive_rx": int, "adaptive_tx": int}}]}
 *
 * "path" is relative to the root ("proc/sys/vm/nr_hugepages"); "saved" is
 * in the order the values were changed and is restored in reverse. lib/env.c
 * reads "profile" into every report's environment.
 */
#ifndef LLCTL_CONFIG_CONFIG_H
#define LLCTL_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/rootfs.h"

struct json_object;

enum cfg_type {
	CFG_INT,	/* decimal, in [min, max], a multiple of step */
	CFG_BOOL,	/* true | false (YAML 1.1's yes/no/on/off too) */
	CFG_ENUM,	/* one of choices */
	CFG_LIST,	/* a sequence of strings (of choices, when set) */
};

struct cfg_key;

/*
 * One key's value as written, validated; line/column are 1-based. Unless
 * strict, a key also takes the words its table documents ("busy_poll:
 * true"): @word keeps the word as written, and @num/@str hold what it
 * means ("50"), or, when only this machine can say (huge_pages: true,
 * hardware_counters: all), the word itself with @here set.
 */
struct cfg_value {
	bool set;
	long num;		/* CFG_INT, CFG_BOOL (0/1) */
	char *str;		/* CFG_ENUM; the canonical text of every type */
	char **list;		/* CFG_LIST */
	int nlist;
	int line, column;
	char *word;		/* the documented word as written, or NULL */
	bool here;		/* the plan resolves it on this machine */
};

enum { CFG_MAX_KEYS = 16 };

struct cfg_profile {
	struct cfg_value v[CFG_MAX_KEYS];	/* indexed like the key table */
	char *file;
	bool strict;	/* set before parsing: the exact types only, no words */
};

/* One error (or note) of check: where, which key (NULL when none), what. */
struct cfg_error {
	int line, column;
	char *key;
	char *msg;
};

/* The errors, and the notes: a value read with its documented meaning. */
struct cfg_errors {
	struct cfg_error *e;
	int n;
	struct cfg_error *note;
	int nnote;
};

/* The key table. */
int cfg_nkeys(void);
const struct cfg_key *cfg_key_at(int i);
const char *cfg_key_name(const struct cfg_key *k);	/* "memory.huge_pages" */
const char *cfg_key_help(const struct cfg_key *k);
int cfg_key_find(const char *name);			/* index or -1 */
/*
 * What @v of key @i means when it was read as a documented word or as
 * cache lines ("'true' means 50 us, ..."), into @buf; NULL otherwise.
 */
const char *cfg_value_meaning(int i, const struct cfg_value *v, char *buf,
			      size_t size);

/*
 * Parse and validate the YAML text of a profile. Returns 0 when valid,
 * 1 when @errs holds at least one error, -errno when it could not even be
 * read. @p is filled with what was valid either way.
 */
int cfg_parse_file(const char *path, struct cfg_profile *p,
		   struct cfg_errors *errs);
int cfg_parse_string(const char *text, size_t len, struct cfg_profile *p,
		     struct cfg_errors *errs);
/* One scalar for key @i (state.json reads back through this): 0 or -EINVAL. */
int cfg_set_scalar(struct cfg_profile *p, int i, const char *text,
		   char *why, size_t whylen);
int cfg_set_list(struct cfg_profile *p, int i, const char *const *items,
		 int n, char *why, size_t whylen);
void cfg_profile_free(struct cfg_profile *p);
void cfg_errors_free(struct cfg_errors *errs);

/* "key=value\n" per set key, in table order, lists comma-joined: malloc'ed. */
char *cfg_canonical(const struct cfg_profile *p);
/* "sha256:" + 64 hex digits of the canonical form, into @buf (>= 72). */
int cfg_hash(const struct cfg_profile *p, char *buf, size_t size);
/* {"section.key": "value" | ["a", "b"]} */
struct json_object *cfg_settings_json(const struct cfg_profile *p);
int cfg_settings_from_json(struct json_object *o, struct cfg_profile *p,
			   char *why, size_t whylen);

/* --- what the keys do on this machine (config/knobs.c) --------------- */

struct cfg_nic_coal {
	unsigned int rx_usecs, rx_frames, adaptive_rx, adaptive_tx;
};

/* ethtool coalescing: the real SIOCETHTOOL one, or a test's. -errno. */
struct cfg_nic_ops {
	int (*get)(const char *ifname, struct cfg_nic_coal *c);
	int (*set)(const char *ifname, const struct cfg_nic_coal *c);
};
extern const struct cfg_nic_ops cfg_nic_ethtool;

struct cfg_ctx {
	const char *root;	/* NULL for "/" */
	const char *state_dir;
	const struct cfg_nic_ops *nic;
	/*
	 * Opens generic hardware event @config (PERF_COUNT_HW_*) for this
	 * process: 0 or -errno. NULL is the real perf_event_open.
	 */
	int (*event_open)(const struct cfg_ctx *ctx, unsigned long long config);
	/*
	 * Writes @value into @root/@path: NULL is the real write(2). The unit
	 * tests give one that behaves like sysfs and fails on demand.
	 */
	int (*write_file)(const struct cfg_ctx *ctx, const char *path,
			  const char *value);
	void *priv;		/* the test's */
};

enum cfg_item_kind {
	CFG_ITEM_FILE,		/* a sysctl or sysfs file, changeable */
	CFG_ITEM_NIC,		/* one interface's coalescing, changeable */
	CFG_ITEM_REPORT,	/* compared or described, never changed */
	CFG_ITEM_DEFAULT,	/* a default of another llctl command */
};

enum cfg_action {
	CFG_NONE,		/* already as wanted */
	CFG_CHANGE,		/* differs: apply writes it */
	CFG_UNAVAILABLE,	/* not on this kernel / machine */
	CFG_REPORT,		/* cannot be changed: said, with the value */
	CFG_MISMATCH,		/* cannot be changed and differs from wanted */
};

/* One thing a key maps to, its current and wanted values. */
struct cfg_item {
	int key;			/* index in the key table */
	enum cfg_item_kind kind;
	enum cfg_action action;
	char target[128];		/* "proc/sys/vm/nr_hugepages", "eth0" */
	char *current;			/* NULL: could not be read */
	char *wanted;			/* NULL: nothing wanted (show) */
	char *note;			/* meaning, or why not */
	const char *unit;		/* of current and wanted: "us", NULL */
	bool bracketed;			/* sysfs [selected] word list */
	struct cfg_nic_coal coal_now, coal_want;
};

struct cfg_plan {
	struct cfg_item *it;
	int n;
	int err;			/* -ENOMEM while building */
	/* The profile applied now (state.json), NULL when none. */
	const struct cfg_profile *applied;
};

/*
 * Every item of every key of @p (all keys, with nothing wanted, when @p is
 * NULL), read now under @ctx->root. 0 or -ENOMEM.
 */
int cfg_plan_build(const struct cfg_ctx *ctx, const struct cfg_profile *p,
		   struct cfg_plan *plan);
void cfg_plan_free(struct cfg_plan *plan);
int cfg_plan_changes(const struct cfg_plan *plan);

/*
 * Write @value (an item's wanted or previous one) and read it back: 0,
 * 1 when the kernel took less than asked (nr_hugepages; @why says how
 * much), or -errno with @why set.
 */
int cfg_item_write(const struct cfg_ctx *ctx, const struct cfg_item *it,
		   const char *value, const struct cfg_nic_coal *coal,
		   char *why, size_t whylen);
/* The real writer of cfg_ctx.write_file. */
int cfg_write_file(const struct cfg_ctx *ctx, const char *path,
		   const char *value);
/* The selected word of a sysfs "a [b] c" list, malloc'ed, or NULL. */
char *cfg_bracketed(const char *s);
/* "rx-usecs 0 rx-frames 1 adaptive-rx off adaptive-tx off", malloc'ed. */
char *cfg_coal_str(const struct cfg_nic_coal *c);

/* The daemons that fight such settings, running now: "tuned (pid 12)". */
struct cfg_daemon {
	char name[32];
	int pid;
};
int cfg_daemons(const char *root, struct cfg_daemon *d, int max);
/* "tuned (pid 12), irqbalance (pid 40)" into @buf; "" when none. */
void cfg_daemons_str(const struct cfg_daemon *d, int n, char *buf,
		     size_t size);

/* --- the hardware events that open here (config/events.c) ---------- */

/*
 * The generic hardware events (perf's names) that open for this process
 * now (@ctx NULL: the real ones), comma-joined into @buf: their number.
 * None: 0, and @why says what the first one answered.
 */
int cfg_hw_events(const struct cfg_ctx *ctx, char *buf, size_t size,
		  char *why, size_t whylen);

/* --- the state (config/state.c) -------------------------------------- */

/* $LLCTL_STATE_DIR, else @root/var/lib/llctl: into @buf. */
const char *cfg_state_dir(const char *root, char *buf, size_t size);

/*
 * Apply @p: change what differs, save the previous values, record the
 * profile. A failure restores what was changed and returns non-zero
 * after saying why on @err. *@changed counts what changed.
 */
int cfg_apply(const struct cfg_ctx *ctx, const struct cfg_profile *p,
	      int *changed, FILE *out, FILE *err);
/* Restore every saved value and remove the state: 0, or 1 after saying. */
int cfg_revert(const struct cfg_ctx *ctx, int *restored, FILE *out,
	       FILE *err);

/* The state file: NULL with errno ENOENT when nothing is applied. */
struct json_object *cfg_state_load(const char *state_dir);
/* The applied profile from a loaded state: 0 or -EINVAL. */
int cfg_state_profile(struct json_object *state, struct cfg_profile *p);

/*
 * The defaults of llctl profile/record/trace from the applied profile,
 * read from the real state directory. Unset fields stay as given.
 */
struct cfg_defaults {
	long sampling_rate;		/* 0: not set */
	long stack_depth;		/* -1: not set */
	char *hardware_counters;	/* "cycles,instructions", malloc'ed */
	char *trace_points;		/* "syscalls,sched", malloc'ed */
	char *note;			/* what was not taken, and why */
};
void cfg_defaults(struct cfg_defaults *d);
void cfg_defaults_free(struct cfg_defaults *d);

#endif /* LLCTL_CONFIG_CONFIG_H */
