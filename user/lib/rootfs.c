// SPDX-License-Identifier: GPL-2.0
/*
 * Files under a root prefix (lib/rootfs.h): the real system, or the fake
 * proc/ and sys/ trees of the unit tests. lib/env.c and doctor/checks.c read through
 * these.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/rootfs.h"

#define READ_MAX	4096
bool llctl_root_is_real(const char *root)
{
	return !root || !root[0] || !strcmp(root, "/");
}

int llctl_root_path(char *buf, size_t size, const char *root,
		    const char *path)
{
	int n;

	if (llctl_root_is_real(root))
		root = "";
	n = snprintf(buf, size, "%s/%s", root, path);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

bool llctl_root_exists(const char *root, const char *path)
{
	char p[PATH_MAX];

	return !llctl_root_path(p, sizeof(p), root, path) && !access(p, F_OK);
}

FILE *llctl_root_fopen(const char *root, const char *path)
{
	char p[PATH_MAX];
	int ret;

	ret = llctl_root_path(p, sizeof(p), root, path);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	return fopen(p, "re");
}

void llctl_rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

char *llctl_root_read(const char *root, const char *path)
{
	char p[PATH_MAX];
	char *buf, *nl;
	ssize_t n;
	int fd, ret;

	ret = llctl_root_path(p, sizeof(p), root, path);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(READ_MAX + 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	do {
		n = read(fd, buf, READ_MAX);
	} while (n < 0 && errno == EINTR);
	ret = errno;
	close(fd);
	if (n < 0) {
		free(buf);
		errno = ret;
		return NULL;
	}
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	llctl_rstrip(buf);
	return buf;
}

/* A whole string as a decimal long, trailing white space allowed. */
int llctl_proc_for_each_thread(int pid, int (*fn)(int tid, void *arg),
			       void *arg)
{
	char path[64];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -ESRCH;
	while (!ret && (de = readdir(d)))
		if (de->d_name[0] != '.')
			ret = fn(atoi(de->d_name), arg);
	closedir(d);
	return ret;
}

int llctl_parse_long(const char *s, long *val)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*val = v;
	return 0;
}

int llctl_root_read_int(const char *root, const char *path, long *val)
{
	char *s = llctl_root_read(root, path);
	int ret;

	if (!s)
		return -errno;
	ret = llctl_parse_long(s, val);
	free(s);
	return ret;
}

/* One CPU number: digits only, at most INT_MAX. */
static int cpulist_num(const char **p, int *val)
{
	const char *s = *p;
	long v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	*val = (int)v;
	*p = s;
	return 0;
}

/*
 * Walk "A[-B](,A[-B])*" with an optional trailing newline, calling @fn once
 * per range when it is set. Returns the CPU count or -1.
 */
static int cpulist_walk(const char *s, int (*fn)(int lo, int hi, void *arg),
			void *arg)
{
	long long count = 0;
	int lo, hi, prev = -1;
	int ret;

	if (!s)
		return -1;
	if (!*s || !strcmp(s, "\n"))
		return 0;
	for (;;) {
		if (cpulist_num(&s, &lo))
			return -1;
		hi = lo;
		if (*s == '-') {
			s++;
			if (cpulist_num(&s, &hi))
				return -1;
		}
		if (hi < lo || lo <= prev)
			return -1;
		prev = hi;
		count += (long long)hi - lo + 1;
		if (count > INT_MAX)
			return -1;
		if (fn) {
			ret = fn(lo, hi, arg);
			if (ret)
				return ret;
		}
		if (*s != ',')
			break;
		s++;
	}
	if (*s == '\n')
		s++;
	return *s ? -1 : (int)count;
}

int llctl_cpulist_count(const char *s)
{
	return cpulist_walk(s, NULL, NULL);
}

struct cpulist_iter {
	int (*fn)(int cpu, void *arg);
	void *arg;
	int ret;
};

static int cpulist_range(int lo, int hi, void *arg)
{
	struct cpulist_iter *it = arg;
	int cpu;

	for (cpu = lo; ; cpu++) {
		it->ret = it->fn(cpu, it->arg);
		if (it->ret)
			return -1;	/* stops the walk */
		if (cpu == hi)
			return 0;
	}
}

int llctl_cpulist_for_each(const char *s, int (*fn)(int cpu, void *arg),
			   void *arg)
{
	struct cpulist_iter it = { .fn = fn, .arg = arg };

	if (llctl_cpulist_count(s) < 0)
		return -1;
	cpulist_walk(s, cpulist_range, &it);
	return it.ret;
}

void llctl_state_file(const char *root, char *buf, size_t size)
{
	const char *e = getenv("LLCTL_STATE_DIR");

	if (e && e[0])
		snprintf(buf, size, "%s/%s", e, LLCTL_STATE_FILE);
	else if (llctl_root_path(buf, size, root, "var/lib/llctl/" LLCTL_STATE_FILE))
		buf[0] = '\0';
}
