/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every file of llctl shares for its output: error lines on stderr,
 * JSON on stdout, and checking that stdout took what was written.
 */
#ifndef LLCTL_LIB_UTIL_H
#define LLCTL_LIB_UTIL_H

#include <stdio.h>

struct json_object;

/* "llctl": what error lines and usage start with. */
extern const char *llctl_prog;

/* "Unable to VERB OBJECT: reason" on stderr, prefixed with the program. */
void llctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print @obj as pretty JSON on stdout followed by a newline, then drop the
 * reference. Returns 0, or 1 (after saying so) when stdout failed.
 */
int llctl_json_print(struct json_object *obj);
int llctl_json_fprint(FILE *f, struct json_object *obj);

/* Flush stdout and report a write error (full disk, closed pipe): 0 or 1. */
int llctl_stdout_close(void);

#endif /* LLCTL_LIB_UTIL_H */
