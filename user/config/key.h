/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The key table of llctl config, shared by config/schema.c (types and
 * ranges) and config/knobs.c (which owns the table and the effects).
 */
#ifndef LLCTL_CONFIG_KEY_H
#define LLCTL_CONFIG_KEY_H

#include "config/config.h"

struct cfg_key {
	const char *name;		/* "section.key" */
	enum cfg_type type;
	long min, max, step;		/* CFG_INT */
	const char *const *choices;	/* CFG_ENUM, CFG_LIST (NULL: any) */
	const char *help;		/* what it means, one line */
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
