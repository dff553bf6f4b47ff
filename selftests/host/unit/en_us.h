/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the unit tests of counts grouped by the locale: an en_US locale
 * built with localedef into a directory of our own (no locales package
 * needed, only its source), and a count's digits without its commas.
 */
#ifndef LLKM_UNIT_EN_US_H
#define LLKM_UNIT_EN_US_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * en_US.UTF-8 built into @dir (a mkdtemp() template) and made this
 * process's locale (LOCPATH, LC_ALL); false when localedef cannot.
 */
static inline bool en_us_locale(char *dir)
{
	char cmd[512];

	if (!mkdtemp(dir))
		return false;
	snprintf(cmd, sizeof(cmd), "localedef -i en_US -f UTF-8 %s/en_US.UTF-8 >/dev/null 2>&1",
		 dir);
	if (system(cmd)) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "# unable to remove %s\n", dir);
		return false;
	}
	setenv("LOCPATH", dir, 1);
	setenv("LC_ALL", "en_US.UTF-8", 1);
	return true;
}

/* Removes en_us_locale()'s @dir. */
static inline void en_us_remove(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "# unable to remove %s\n", dir);
}

/*
 * @s into @out without the commas that stand between digits, en_US's
 * thousands separators: "1,234 calls, 5" is "1234 calls, 5".
 */
static inline void ungroup(const char *s, char *out, size_t len)
{
	size_t n = 0;
	const char *p;

	for (p = s; *p && n + 1 < len; p++)
		if (*p != ',' || p == s || p[-1] < '0' || p[-1] > '9' ||
		    p[1] < '0' || p[1] > '9')
			out[n++] = *p;
	out[n] = '\0';
}

#endif /* LLKM_UNIT_EN_US_H */
