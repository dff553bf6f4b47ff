/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The key table of llctl config, shared by config/schema.c (types and
 * ranges) and config/knobs.c (which owns the table and the effects).
 */
#ifndef LLCTL_CONFIG_KEY_H
#define LLCTL_CONFIG_KEY_H

#include "config/config.h"

/*
 * A word a key takes in place of its type, unless strict, and its one
 * meaning: @value is what it stands for ("50"), NULL when the plan finds
 * it on this machine (huge_pages: true, hardware_counters: all).
 */
struct cfg_word {
	const char *word;		/* "true", "aggressive" */
	const char *value;		/* "50", or NULL: resolved here */
	const char *meaning;		/* "50 us, as the kernel suggests" */
};

struct cfg_key {
	const char *name;		/* "section.key" */
	enum cfg_type type;
	long min, max, step;		/* CFG_INT */
	const char *const *choices;	/* CFG_ENUM, CFG_LIST (NULL: any) */
	const char *help;		/* what it means, one line */
	const char *unit;		/* of its values: "us", NULL */
	const struct cfg_word *words;	/* NULL-terminated, or NULL */
	long lines_below;		/* CFG_INT: 1..this-1 are cache lines */
	/*
	 * Add the items the key maps to, read now; @v is NULL when nothing
	 * is wanted (show). 0 or -ENOMEM.
	 */
	int (*plan)(const struct cfg_ctx *ctx, int key,
		    const struct cfg_value *v, struct cfg_plan *plan);
};

extern const struct cfg_key cfg_keys[];
extern const int cfg_keys_n;

#endif /* LLCTL_CONFIG_KEY_H */
