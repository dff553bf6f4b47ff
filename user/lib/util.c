// SPDX-License-Identifier: GPL-2.0
/*
 * What every file of llctl shares for its output: error lines on stderr,
 * JSON and text on stdout, and checking that stdout really took what we
 * wrote (lib/util.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/util.h"

const char *llctl_prog = "llctl";

void llctl_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", llctl_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int llctl_json_fprint(FILE *f, struct json_object *obj)
{
	const char *s;
	int ret = 0;

	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || fputs(s, f) == EOF || fputc('\n', f) == EOF)
		ret = 1;
	json_object_put(obj);
	if (ret)
		llctl_err("Unable to write the report: %s", strerror(errno));
	return ret;
}

int llctl_json_print(struct json_object *obj)
{
	return llctl_json_fprint(stdout, obj);
}

int llctl_stdout_close(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		llctl_err("Unable to write to stdout: %s", strerror(errno));
		return 1;
	}
	return 0;
}

int llctl_left_out(const char *what, const char *no_flag, const char *debs)
{
	llctl_err("Unable to run %s: this llctl was built without it (%s=1); install %s and rebuild",
		  what, no_flag, debs);
	return 1;
}
