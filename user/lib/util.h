/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/lib/: the base library, what every area and command shares. The
 * llkm generic netlink family and /dev/llkm (nl.c), files under a root
 * prefix and the state file's place (rootfs.c), the environment a
 * measurement was taken in (env.c), a command's options, typed and
 * checked by one parser (options.c), the CPU lists users give (cpus.c),
 * the held command (spawn.c), SVG (svg.c), the pager (pager.c), and in
 * util.c, declared here, error lines on stderr, JSON on stdout and checking
 * that stdout took what was written. Exported names start with llctl_ (LLCTL_). lib/ calls only
 * itself and the system's libraries: no other folder of user/, no command.
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

/*
 * What a part this llctl was built without says when asked for: "Unable
 * to run @what: this llctl was built without it (@no_flag=1); install
 * @debs and rebuild" on stderr. Returns 1, the exit status.
 */
int llctl_left_out(const char *what, const char *no_flag, const char *debs);

#endif /* LLCTL_LIB_UTIL_H */
