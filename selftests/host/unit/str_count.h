/* SPDX-License-Identifier: GPL-2.0 */
/* For the unit tests of text output: how often a string is in another. */
#ifndef LLKM_UNIT_STR_COUNT_H
#define LLKM_UNIT_STR_COUNT_H

#include <string.h>

/* How many times @needle (not empty) is in @hay, not overlapping. */
static inline int str_count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

#endif /* LLKM_UNIT_STR_COUNT_H */
