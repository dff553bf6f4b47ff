/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake root for the unit tests: a temporary directory under /tmp that the
 * tests fill with proc/ and sys/ files, then hand to lib/env.c and doctor/checks.c as
 * their root prefix.
 */
#ifndef FAKE_ROOT_H
#define FAKE_ROOT_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sanitizer/lsan_interface.h>

#define FAKE_ROOT_TEMPLATE "/tmp/llctl-unit.XXXXXX"

/* mkdir -p @root/@path. */
static inline int fake_mkdir(const char *root, const char *path)
{
	char p[PATH_MAX], c;
	size_t i;

	if (snprintf(p, sizeof(p), "%s/%s", root, path) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	for (i = strlen(root) + 1; ; i++) {
		c = p[i];
		if (c != '/' && c != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		p[i] = '/';
	}
}

/* Write @len bytes of @data to @root/@path, making its directories. */
static inline int fake_put_bytes(const char *root, const char *path,
				 const void *data, size_t len)
{
	char p[PATH_MAX], dir[PATH_MAX], *slash;
	int fd, ret = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		ret = fake_mkdir(root, dir);
		if (ret)
			return ret;
	}
	if (snprintf(p, sizeof(p), "%s/%s", root, path) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* Write the string @s to @root/@path. */
static inline int fake_put(const char *root, const char *path, const char *s)
{
	return fake_put_bytes(root, path, s, strlen(s));
}

static inline int fake_rm_one(const char *p, const struct stat *st, int type,
			      struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(p);
}

/* rm -rf @root */
static inline int fake_root_remove(const char *root)
{
	return nftw(root, fake_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline int fake_rm_below(const char *p, const struct stat *st,
				int type, struct FTW *ftw)
{
	return ftw->level ? fake_rm_one(p, st, type, ftw) : 0;
}

/* Empty @root, keeping it: a test that tries a second tree. */
static inline int fake_root_clear(const char *root)
{
	return nftw(root, fake_rm_below, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* FAKE_ROOT_H */
