/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a command's entry point on an argv made of string literals, with
 * what it writes on stderr captured: the unit tests that check refusals.
 */
#ifndef LLCTL_TEST_RUN_ARGV_H
#define LLCTL_TEST_RUN_ARGV_H

/* Needs _GNU_SOURCE (memfd_create()), as the tests define it first. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*argv_fn)(int argc, char **argv, void *ctx);

static char *run_argv_kept[1024];
static unsigned int run_argv_nkept;

static inline char *run_argv_copy(const char *s)
{
	char *c = strdup(s);

	if (run_argv_nkept < sizeof(run_argv_kept) / sizeof(*run_argv_kept))
		run_argv_kept[run_argv_nkept++] = c;
	return c;
}

__attribute__((destructor)) static void run_argv_free(void)
{
	while (run_argv_nkept)
		free(run_argv_kept[--run_argv_nkept]);
}

/*
 * @argv0 (when not NULL), then the NULL-ended strings of @ap, as writable
 * copies (a real argv: the commands may cut them up), passed to @fn with
 * @ctx; its stderr in @err. Returns what @fn returned. The copies live
 * as long as the test: what @fn parsed may point into them.
 */
static inline int run_argv(argv_fn fn, void *ctx, char *err, size_t size,
			   const char *argv0, va_list ap)
{
	char *argv[16];
	int argc = 0, fd, saved, ret;
	const char *s = argv0 ? argv0 : va_arg(ap, const char *);
	ssize_t n;

	for (; s && argc < 15; s = va_arg(ap, const char *))
		argv[argc++] = run_argv_copy(s);
	argv[argc] = NULL;
	fd = memfd_create("stderr", 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	optind = 0;
	ret = fn(argc, argv, ctx);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, err, size - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

#endif
