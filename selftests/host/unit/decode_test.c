// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall arguments as user/trace/decode.c spells them. The oracle is
 * strace 6.1 (Debian 12): every expected string below is what it printed
 * for the same raw values, made by syscall(2) with those arguments.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "trace/decode.h"

static char b[512];

TEST(open_flags_as_strace)
{
	EXPECT_STREQ("O_RDONLY|O_CLOEXEC",
		     trace_decode_open_flags(b, sizeof(b), O_RDONLY | O_CLOEXEC));
	EXPECT_STREQ("O_WRONLY|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|"
		     "O_DSYNC|O_DIRECT|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_DIRECTORY|FASYNC",
		     trace_decode_open_flags(b, sizeof(b), O_WRONLY | O_CREAT | O_EXCL |
					     O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
					     O_DSYNC | O_ASYNC | O_DIRECT | O_DIRECTORY |
					     O_NOFOLLOW | O_NOATIME | O_CLOEXEC));
#ifdef __x86_64__
	EXPECT_STREQ("O_RDWR|O_SYNC|O_LARGEFILE|O_PATH",
		     trace_decode_open_flags(b, sizeof(b), O_RDWR | O_SYNC | O_PATH | 0100000));
#endif
	EXPECT_STREQ("O_RDWR|O_TMPFILE", trace_decode_open_flags(b, sizeof(b), O_RDWR | O_TMPFILE));
	EXPECT_STREQ("O_ACCMODE", trace_decode_open_flags(b, sizeof(b), 3));
	EXPECT_STREQ("O_RDONLY|0x40000000", trace_decode_open_flags(b, sizeof(b), 0x40000000));
	EXPECT_STREQ("O_RDONLY", trace_decode_open_flags(b, sizeof(b), 0));
}

TEST(modes_in_octal_as_strace)
{
	EXPECT_STREQ("0644", trace_decode_mode(b, sizeof(b), 0644));
	EXPECT_STREQ("04755", trace_decode_mode(b, sizeof(b), 04755));
	EXPECT_STREQ("07777", trace_decode_mode(b, sizeof(b), 07777));
	EXPECT_STREQ("000", trace_decode_mode(b, sizeof(b), 0));
	EXPECT_STREQ("S_IFREG|0600", trace_decode_mode(b, sizeof(b), S_IFREG | 0600));
}

TEST(prot_and_map_flags_as_strace)
{
	EXPECT_STREQ("PROT_READ|PROT_WRITE|PROT_EXEC",
		     trace_decode_prot(b, sizeof(b), PROT_READ | PROT_WRITE | PROT_EXEC));
	EXPECT_STREQ("PROT_NONE", trace_decode_prot(b, sizeof(b), 0));
	EXPECT_STREQ("PROT_READ|0x100", trace_decode_prot(b, sizeof(b), PROT_READ | 0x100));
	EXPECT_STREQ("MAP_PRIVATE|MAP_ANONYMOUS",
		     trace_decode_map_flags(b, sizeof(b), MAP_PRIVATE | MAP_ANONYMOUS));
	EXPECT_STREQ("MAP_SHARED_VALIDATE|MAP_SYNC|MAP_FIXED_NOREPLACE",
		     trace_decode_map_flags(b, sizeof(b), MAP_SHARED_VALIDATE | MAP_SYNC |
					    MAP_FIXED_NOREPLACE));
#ifdef __x86_64__
	EXPECT_STREQ("MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|"
		     "MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|"
		     "MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB",
		     trace_decode_map_flags(b, sizeof(b), MAP_PRIVATE | MAP_FIXED |
					    MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN |
					    MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED |
					    MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK |
					    MAP_STACK | MAP_HUGETLB));
#endif
}

TEST(at_and_access_flags_and_dirfds_as_strace)
{
	EXPECT_STREQ("AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH",
		     trace_decode_at_flags(b, sizeof(b), AT_SYMLINK_NOFOLLOW |
					   AT_EMPTY_PATH | AT_NO_AUTOMOUNT));
	EXPECT_STREQ("0", trace_decode_at_flags(b, sizeof(b), 0));
	EXPECT_STREQ("R_OK|W_OK|X_OK", trace_decode_access(b, sizeof(b), R_OK | W_OK | X_OK));
	EXPECT_STREQ("F_OK", trace_decode_access(b, sizeof(b), F_OK));
	EXPECT_STREQ("R_OK|0x8", trace_decode_access(b, sizeof(b), 8 | R_OK));
	EXPECT_STREQ("AT_FDCWD", trace_decode_dirfd(b, sizeof(b), (uint64_t)(int64_t)AT_FDCWD));
	EXPECT_STREQ("5", trace_decode_dirfd(b, sizeof(b), 5));
}

TEST(errnos_as_strace)
{
	EXPECT_STREQ("-1 ENOENT (No such file or directory)",
		     trace_decode_errno(b, sizeof(b), ENOENT));
	EXPECT_STREQ("-1 EBADF (Bad file descriptor)", trace_decode_errno(b, sizeof(b), EBADF));
	EXPECT_STREQ("-1 EINVAL (Invalid argument)", trace_decode_errno(b, sizeof(b), EINVAL));
	EXPECT_STREQ("-1 ESRCH (No such process)", trace_decode_errno(b, sizeof(b), ESRCH));
	EXPECT_STREQ("? ERESTARTSYS (To be restarted if SA_RESTART is set)",
		     trace_decode_errno(b, sizeof(b), 512));
}

/* An entry record's payload with up to two path trailers. */
struct entry {
	struct llkm_rec_sys_enter e;
	char tail[2 * (sizeof(struct llkm_rec_sys_path) + 24)];
	size_t len;
};

static void add_path(struct entry *en, unsigned int arg, const char *path)
{
	struct llkm_rec_sys_path *sp;
	size_t off = en->len ? en->len : sizeof(en->e);
	size_t n = strlen(path);

	sp = (void *)((char *)en + off);
	memset(sp, 0, sizeof(*sp) + ((n + 8) & ~(size_t)7));
	sp->arg = arg;
	sp->len = n;
	memcpy(sp->path, path, n);
	en->len = off + sizeof(*sp) + ((n + 8) & ~(size_t)7);
}

static const char *enter(struct entry *en)
{
	FILE *f = fmemopen(b, sizeof(b), "w");

	trace_decode_enter(f, &en->e, en->len ? en->len : sizeof(en->e));
	fclose(f);
	return b;
}

#define ENTRY(n, ...)	{ .e = { .nr = (n), .args = { __VA_ARGS__ } } }

TEST(whole_entries_as_strace)
{
	struct entry mm = ENTRY(SYS_mmap, 0, 4096, 0, MAP_SHARED_VALIDATE | MAP_SYNC |
				MAP_FIXED_NOREPLACE, 3, 0);
	struct entry sx = ENTRY(SYS_statx, (uint64_t)(int64_t)AT_FDCWD, 0x1000, 0, 0xfff, 0);
	struct entry sy = ENTRY(SYS_statx, (uint64_t)(int64_t)AT_FDCWD, 0x1000,
				AT_SYMLINK_NOFOLLOW | 0x2000, 0x7ff, 0);
	struct entry rn = ENTRY(SYS_renameat2, (uint64_t)(int64_t)AT_FDCWD, 0x1000, 3,
				0x2000, 1);
	struct entry ex = ENTRY(SYS_execve, 0x1000, 0, 0);
	struct entry gp = ENTRY(SYS_getppid, 7, 7, 7);
	struct entry d3 = ENTRY(SYS_dup3, 77, 78, O_CLOEXEC);
	struct entry mn = ENTRY(SYS_mknodat, (uint64_t)(int64_t)AT_FDCWD, 0x1000,
				S_IFREG | 0600, 0);
	struct entry um = ENTRY(SYS_munmap, 0, 4096);
	struct entry fa = ENTRY(SYS_faccessat2, (uint64_t)(int64_t)AT_FDCWD, 0x1000, R_OK,
				AT_EACCESS);
	struct entry ul = ENTRY(SYS_unlinkat, (uint64_t)(int64_t)AT_FDCWD, 0x1000,
				AT_REMOVEDIR);
	struct entry o4 = ENTRY(SYS_openat, 5, 0x1000, O_RDWR | O_TMPFILE, 04755);

	EXPECT_STREQ("mmap(NULL, 4096, PROT_NONE, MAP_SHARED_VALIDATE|MAP_SYNC|"
		     "MAP_FIXED_NOREPLACE, 3, 0)", enter(&mm));
	add_path(&sx, 1, "/nonexist");
	EXPECT_STREQ("statx(AT_FDCWD, \"/nonexist\", AT_STATX_SYNC_AS_STAT, STATX_ALL, NULL)",
		     enter(&sx));
	add_path(&sy, 1, "/nonexist");
	EXPECT_STREQ("statx(AT_FDCWD, \"/nonexist\", AT_STATX_FORCE_SYNC|AT_SYMLINK_NOFOLLOW, "
		     "STATX_BASIC_STATS, NULL)", enter(&sy));
	add_path(&rn, 1, "/a");
	add_path(&rn, 3, "/b");
	EXPECT_STREQ("renameat2(AT_FDCWD, \"/a\", 3, \"/b\", RENAME_NOREPLACE)", enter(&rn));
	add_path(&ex, 0, "/nonexist");
	EXPECT_STREQ("execve(\"/nonexist\", NULL, NULL)", enter(&ex));
	EXPECT_STREQ("getppid()", enter(&gp));
	EXPECT_STREQ("dup3(77, 78, O_CLOEXEC)", enter(&d3));
	add_path(&mn, 1, "/nonexist/x");
	EXPECT_STREQ("mknodat(AT_FDCWD, \"/nonexist/x\", S_IFREG|0600)", enter(&mn));
	EXPECT_STREQ("munmap(NULL, 4096)", enter(&um));
	add_path(&fa, 1, "/nonexist");
	EXPECT_STREQ("faccessat2(AT_FDCWD, \"/nonexist\", R_OK, AT_EACCESS)", enter(&fa));
	add_path(&ul, 1, "/nonexist");
	EXPECT_STREQ("unlinkat(AT_FDCWD, \"/nonexist\", AT_REMOVEDIR)", enter(&ul));
	add_path(&o4, 1, "a\"b\\c\n\t\001z");
	EXPECT_STREQ("openat(5, \"a\\\"b\\\\c\\n\\t\\1z\", O_RDWR|O_TMPFILE, 04755)",
		     enter(&o4));
}

TEST(return_values_as_strace)
{
	FILE *f = fmemopen(b, sizeof(b), "w");

	trace_decode_ret(f, SYS_umask, 022);
	fputc(';', f);
	trace_decode_ret(f, SYS_brk, 0x5627a3670000);
	fputc(';', f);
	trace_decode_ret(f, SYS_openat, -ENOENT);
	fputc(';', f);
	trace_decode_ret(f, SYS_getppid, 607);
	fclose(f);
	EXPECT_STREQ("= 022;= 0x5627a3670000;= -1 ENOENT (No such file or directory);= 607", b);
}

TEST_HARNESS_MAIN
