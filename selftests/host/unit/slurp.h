/* SPDX-License-Identifier: GPL-2.0 */
/* For the unit tests that read a file an llctl writer wrote. */
#ifndef LLKM_UNIT_SLURP_H
#define LLKM_UNIT_SLURP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @path's whole text, malloc'ed and NUL-terminated ("" when empty), or NULL. */
static inline char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

#endif /* LLKM_UNIT_SLURP_H */
