// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall arguments and results as strace spells them (trace/decode.h).
 * The flag tables follow strace's own order (its xlat/ files), so that a
 * line reads as strace's would; the unit test holds strace 6.1's strings.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/decode.h"
#include "trace/syscalls.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_ERRNO	4095
#define MAX_NR		1024

/*
 * The kernel's O_LARGEFILE, which 64-bit glibc defines as 0: a 32-bit
 * caller's flags may hold it. Its bit differs by architecture.
 */
#if defined(__aarch64__)
#define K_O_LARGEFILE	0400000
#else
#define K_O_LARGEFILE	0100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef AT_EACCESS
#define AT_EACCESS		0x200
#endif
#ifndef AT_STATX_FORCE_SYNC
#define AT_STATX_FORCE_SYNC	0x2000
#endif
#ifndef AT_STATX_DONT_SYNC
#define AT_STATX_DONT_SYNC	0x4000
#endif

struct flag {
	uint64_t bits;
	const char *name;
};

#define F(x)	{ (uint64_t)(x), #x }

/* strace's order; a name that covers another's bit comes before it. */
static const struct flag open_flags[] = {
	F(O_CREAT), F(O_EXCL), F(O_NOCTTY), F(O_TRUNC), F(O_APPEND),
	F(O_NONBLOCK), F(O_SYNC), F(O_DSYNC), F(O_DIRECT),
	{ K_O_LARGEFILE, "O_LARGEFILE" }, F(O_NOFOLLOW), F(O_NOATIME),
	F(O_CLOEXEC), F(O_PATH), F(O_TMPFILE), F(O_DIRECTORY), F(FASYNC),
};

static const struct flag prot_flags[] = {
	F(PROT_READ), F(PROT_WRITE), F(PROT_EXEC),
#ifdef PROT_BTI
	F(PROT_BTI),
#endif
#ifdef PROT_MTE
	F(PROT_MTE),
#endif
	F(PROT_GROWSDOWN), F(PROT_GROWSUP),
};

static const struct flag map_flags[] = {
	F(MAP_FIXED), F(MAP_ANONYMOUS),
#ifdef MAP_32BIT
	F(MAP_32BIT),
#endif
	F(MAP_NORESERVE), F(MAP_POPULATE), F(MAP_NONBLOCK), F(MAP_GROWSDOWN),
	F(MAP_DENYWRITE), F(MAP_EXECUTABLE), F(MAP_LOCKED), F(MAP_STACK),
	F(MAP_HUGETLB), F(MAP_SYNC), F(MAP_FIXED_NOREPLACE),
};

static const struct flag at_flags[] = {
	F(AT_SYMLINK_NOFOLLOW), F(AT_SYMLINK_FOLLOW), F(AT_NO_AUTOMOUNT),
	F(AT_EMPTY_PATH),
};

static const struct flag statx_flags[] = {
	F(AT_STATX_FORCE_SYNC), F(AT_STATX_DONT_SYNC), F(AT_SYMLINK_NOFOLLOW),
	F(AT_SYMLINK_FOLLOW), F(AT_NO_AUTOMOUNT), F(AT_EMPTY_PATH),
};

static const struct flag access_flags[] = { F(R_OK), F(W_OK), F(X_OK) };
static const struct flag rmdir_flags[] = { F(AT_REMOVEDIR) };
static const struct flag eaccess_flags[] = {
	F(AT_SYMLINK_NOFOLLOW), F(AT_EACCESS), F(AT_EMPTY_PATH),
};
static const struct flag cloexec_flags[] = { F(O_CLOEXEC) };
static const struct flag rename_flags[] = {
	{ 1, "RENAME_NOREPLACE" }, { 2, "RENAME_EXCHANGE" },
	{ 4, "RENAME_WHITEOUT" },
};

/* A growing string in a fixed buffer, cut (never overflowed) when full. */
struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos = o->pos + n < o->len ? o->pos + n : o->len;
}

/* @v's bits by name, '|'-joined after @o's text; the rest in hex. */
static void put_flags(struct out *o, const struct flag *f, size_t n,
		      uint64_t v, bool sep)
{
	size_t i;

	for (i = 0; i < n && v; i++) {
		if (!f[i].bits || (v & f[i].bits) != f[i].bits)
			continue;
		put(o, "%s%s", sep ? "|" : "", f[i].name);
		v &= ~f[i].bits;
		sep = true;
	}
	if (v || !sep)
		put(o, "%s%#" PRIx64, sep ? "|" : "", v);
}

static char *flags_or(char *buf, size_t len, const struct flag *f, size_t n,
		      uint64_t v, const char *zero)
{
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (!v && zero)
		put(&o, "%s", zero);
	else
		put_flags(&o, f, n, v, false);
	return buf;
}

char *trace_decode_open_flags(char *buf, size_t len, uint64_t flags)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					   "O_ACCMODE" };
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	put(&o, "%s", acc[flags & O_ACCMODE]);
	put_flags(&o, open_flags, ARRAY_SIZE(open_flags), flags & ~(uint64_t)O_ACCMODE,
		  true);
	/* put_flags() writes "|0" for nothing left: not strace's. */
	if (o.pos >= 2 && !strcmp(buf + o.pos - 2, "|0"))
		buf[o.pos - 2] = '\0';
	return buf;
}

/* strace: the file type by name (mknod), then octal. */
char *trace_decode_mode(char *buf, size_t len, uint64_t mode)
{
	static const struct flag types[] = {
		F(S_IFREG), F(S_IFDIR), F(S_IFCHR), F(S_IFBLK), F(S_IFIFO),
		F(S_IFLNK), F(S_IFSOCK),
	};
	struct out o = { buf, len, 0 };
	bool sep = false;
	size_t i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if ((mode & S_IFMT) == types[i].bits) {
			put(&o, "%s", types[i].name);
			sep = true;
		}
	mode &= ~(uint64_t)S_IFMT;
	/* The set-id and sticky bits stay octal too: 04755, as strace. */
	put(&o, "%s%#03" PRIo64, sep ? "|" : "", mode);
	return buf;
}

char *trace_decode_prot(char *buf, size_t len, uint64_t prot)
{
	return flags_or(buf, len, prot_flags, ARRAY_SIZE(prot_flags), prot,
			"PROT_NONE");
}

char *trace_decode_map_flags(char *buf, size_t len, uint64_t flags)
{
	static const char *const type[] = { NULL, "MAP_SHARED", "MAP_PRIVATE",
					    "MAP_SHARED_VALIDATE" };
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (type[flags & MAP_SHARED_VALIDATE])
		put(&o, "%s", type[flags & MAP_SHARED_VALIDATE]);
	else
		put(&o, "%#x", 0);
	flags &= ~(uint64_t)MAP_SHARED_VALIDATE;
	if (flags)
		put_flags(&o, map_flags, ARRAY_SIZE(map_flags), flags, true);
	return buf;
}

char *trace_decode_at_flags(char *buf, size_t len, uint64_t flags)
{
	return flags_or(buf, len, at_flags, ARRAY_SIZE(at_flags), flags, "0");
}

char *trace_decode_access(char *buf, size_t len, uint64_t mode)
{
	return flags_or(buf, len, access_flags, ARRAY_SIZE(access_flags), mode,
			"F_OK");
}

char *trace_decode_dirfd(char *buf, size_t len, uint64_t fd)
{
	if ((int)fd == AT_FDCWD)
		snprintf(buf, len, "AT_FDCWD");
	else
		snprintf(buf, len, "%d", (int)fd);
	return buf;
}

/* The kernel's restart codes, which reach a tracer but have no libc name. */
static const char *kernel_errno(int err, const char **msg)
{
	switch (err) {
	case 512:
		*msg = "To be restarted if SA_RESTART is set";
		return "ERESTARTSYS";
	case 513:
		*msg = "To be restarted";
		return "ERESTARTNOINTR";
	case 514:
		*msg = "To be restarted if no handler";
		return "ERESTARTNOHAND";
	case 516:
		*msg = "Interrupted by signal";
		return "ERESTART_RESTARTBLOCK";
	}
	return NULL;
}

char *trace_decode_errno(char *buf, size_t len, int err)
{
	const char *msg = NULL, *name = kernel_errno(err, &msg);

	if (name) {
		snprintf(buf, len, "? %s (%s)", name, msg);
		return buf;
	}
	name = strerrorname_np(err);
	if (name)
		snprintf(buf, len, "-1 %s (%s)", name, strerror(err));
	else
		snprintf(buf, len, "-1 ERRNO_%d (Unknown error %d)", err, err);
	return buf;
}

void trace_decode_quote(FILE *f, const char *s, size_t n)
{
	static const char esc[] = "\"\"\\\\\nn\tt\rr\vv\ff";
	unsigned char c;
	const char *e;
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		e = c ? strchr(esc, c) : NULL;
		if (e && (e - esc) % 2 == 0)
			fprintf(f, "\\%c", e[1]);
		else if (isprint(c))
			fputc(c, f);
		else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7')
			fprintf(f, "\\%03o", c);	/* no digit may follow */
		else
			fprintf(f, "\\%o", c);
	}
	fputc('"', f);
}

/* What each argument is, as strace prints it. */
enum kind {
	K_END,
	K_INT,		/* int, decimal */
	K_ULONG,	/* size_t and kin, decimal */
	K_LONG,		/* off_t and kin, signed decimal */
	K_PTR,		/* NULL or hex */
	K_HEX,		/* 0 or hex */
	K_OCT,		/* umask's */
	K_PATH,		/* the module's copy */
	K_DIRFD,
	K_OFLAGS,
	K_OMODE,	/* only with O_CREAT or O_TMPFILE, as strace */
	K_MODE,
	K_NODMODE,	/* mknod: the type too */
	K_PROT,
	K_MAP,
	K_ATFLAGS,
	K_STATXFLAGS,
	K_STATXMASK,
	K_ACCESS,
	K_RMDIR,	/* unlinkat's flags */
	K_EACCESS,	/* faccessat2's flags */
	K_CLOEXEC,	/* dup3, pipe2 */
	K_RENAME,
	K_WHENCE,
};

struct sig {
	const char *name;
	unsigned char args[6];
};

static const struct sig sigs[] = {
	{ "read", { K_INT, K_PTR, K_ULONG } },
	{ "write", { K_INT, K_PTR, K_ULONG } },
	{ "pread64", { K_INT, K_PTR, K_ULONG, K_LONG } },
	{ "pwrite64", { K_INT, K_PTR, K_ULONG, K_LONG } },
	{ "readv", { K_INT, K_PTR, K_INT } },
	{ "writev", { K_INT, K_PTR, K_INT } },
	{ "close", { K_INT } },
	{ "dup", { K_INT } },
	{ "dup2", { K_INT, K_INT } },
	{ "dup3", { K_INT, K_INT, K_CLOEXEC } },
	{ "pipe2", { K_PTR, K_CLOEXEC } },
	{ "lseek", { K_INT, K_LONG, K_WHENCE } },
	{ "fstat", { K_INT, K_PTR } },
	{ "fsync", { K_INT } },
	{ "ioctl", { K_INT, K_HEX, K_HEX } },
	{ "open", { K_PATH, K_OFLAGS, K_OMODE } },
	{ "openat", { K_DIRFD, K_PATH, K_OFLAGS, K_OMODE } },
	{ "creat", { K_PATH, K_MODE } },
	{ "stat", { K_PATH, K_PTR } },
	{ "lstat", { K_PATH, K_PTR } },
	{ "newfstatat", { K_DIRFD, K_PATH, K_PTR, K_ATFLAGS } },
	{ "statx", { K_DIRFD, K_PATH, K_STATXFLAGS, K_STATXMASK, K_PTR } },
	{ "access", { K_PATH, K_ACCESS } },
	{ "faccessat", { K_DIRFD, K_PATH, K_ACCESS } },
	{ "faccessat2", { K_DIRFD, K_PATH, K_ACCESS, K_EACCESS } },
	{ "execve", { K_PATH, K_PTR, K_PTR } },
	{ "execveat", { K_DIRFD, K_PATH, K_PTR, K_PTR, K_ATFLAGS } },
	{ "unlink", { K_PATH } },
	{ "unlinkat", { K_DIRFD, K_PATH, K_RMDIR } },
	{ "mkdir", { K_PATH, K_MODE } },
	{ "mkdirat", { K_DIRFD, K_PATH, K_MODE } },
	{ "mknod", { K_PATH, K_NODMODE } },
	{ "mknodat", { K_DIRFD, K_PATH, K_NODMODE } },
	{ "rmdir", { K_PATH } },
	{ "chdir", { K_PATH } },
	{ "fchdir", { K_INT } },
	{ "chroot", { K_PATH } },
	{ "readlink", { K_PATH, K_PTR, K_ULONG } },
	{ "readlinkat", { K_DIRFD, K_PATH, K_PTR, K_ULONG } },
	{ "rename", { K_PATH, K_PATH } },
	{ "renameat", { K_DIRFD, K_PATH, K_DIRFD, K_PATH } },
	{ "renameat2", { K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_RENAME } },
	{ "link", { K_PATH, K_PATH } },
	{ "linkat", { K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_ATFLAGS } },
	{ "symlink", { K_PATH, K_PATH } },
	{ "symlinkat", { K_PATH, K_DIRFD, K_PATH } },
	{ "chmod", { K_PATH, K_MODE } },
	{ "fchmod", { K_INT, K_MODE } },
	{ "fchmodat", { K_DIRFD, K_PATH, K_MODE } },
	{ "truncate", { K_PATH, K_LONG } },
	{ "ftruncate", { K_INT, K_LONG } },
	{ "umask", { K_OCT } },
	{ "mmap", { K_PTR, K_ULONG, K_PROT, K_MAP, K_INT, K_HEX } },
	{ "mprotect", { K_PTR, K_ULONG, K_PROT } },
	{ "munmap", { K_PTR, K_ULONG } },
	{ "brk", { K_PTR } },
	{ "getpid", { K_END } },
	{ "getppid", { K_END } },
	{ "gettid", { K_END } },
	{ "getuid", { K_END } },
	{ "geteuid", { K_END } },
	{ "getgid", { K_END } },
	{ "getegid", { K_END } },
	{ "sched_yield", { K_END } },
	{ "fork", { K_END } },
	{ "vfork", { K_END } },
	{ "kill", { K_INT, K_INT } },
	{ "exit", { K_INT } },
	{ "exit_group", { K_INT } },
};

/* Signatures by this architecture's numbers, resolved once by name. */
static const struct sig *sig_of(int64_t nr)
{
	static const struct sig *by_nr[MAX_NR];
	static bool done;
	size_t i;
	int n;

	if (!done) {
		for (i = 0; i < ARRAY_SIZE(sigs); i++) {
			n = trace_syscall_nr(sigs[i].name);
			if (n >= 0 && n < MAX_NR)
				by_nr[n] = &sigs[i];
		}
		done = true;
	}
	return nr >= 0 && nr < MAX_NR ? by_nr[nr] : NULL;
}

int trace_decode_paths(const struct llkm_rec_sys_enter *e, size_t payload_len,
		       void (*fn)(void *arg, const struct llkm_rec_sys_path *sp),
		       void *arg)
{
	size_t off = sizeof(*e), size;
	int n = 0;

	while (off + sizeof(struct llkm_rec_sys_path) <= payload_len) {
		const struct llkm_rec_sys_path *sp = (const void *)((const char *)e + off);

		size = sizeof(*sp) + ((sp->len + 8u) & ~7u);
		if (sp->len > LLKM_PATH_MAX || sp->arg > 5 ||
		    off + size > payload_len)
			return -1;
		if (fn)
			fn(arg, sp);
		off += size;
		n++;
	}
	return n;
}

struct paths {
	const struct llkm_rec_sys_path *of[6];
};

static void path_take(void *arg, const struct llkm_rec_sys_path *sp)
{
	struct paths *p = arg;

	p->of[sp->arg] = sp;
}

static void put_path(FILE *f, uint64_t addr, const struct llkm_rec_sys_path *sp)
{
	if (!addr)
		fputs("NULL", f);
	else if (!sp)
		fprintf(f, "%#" PRIx64, addr);	/* not copied: an old record */
	else if (sp->flags & LLKM_PATH_FAULT)
		fprintf(f, "%#" PRIx64 " <not copied: page not present>", addr);
	else {
		trace_decode_quote(f, sp->path, sp->len);
		if (sp->flags & LLKM_PATH_CUT)
			fputs("...", f);
	}
}

static void put_arg(FILE *f, enum kind k, uint64_t v,
		    const struct llkm_rec_sys_path *sp)
{
	static const char *const whence[] = { "SEEK_SET", "SEEK_CUR", "SEEK_END",
					      "SEEK_DATA", "SEEK_HOLE" };
	char b[256];

	switch (k) {
	case K_END:
		break;
	case K_INT:
		fprintf(f, "%d", (int)v);
		break;
	case K_ULONG:
		fprintf(f, "%" PRIu64, v);
		break;
	case K_LONG:
		fprintf(f, "%" PRId64, (int64_t)v);
		break;
	case K_PTR:
		if (v)
			fprintf(f, "%#" PRIx64, v);
		else
			fputs("NULL", f);
		break;
	case K_HEX:
		fprintf(f, "%#" PRIx64, v);
		break;
	case K_OCT:
		fprintf(f, "%#03" PRIo64, v);
		break;
	case K_PATH:
		put_path(f, v, sp);
		break;
	case K_DIRFD:
		fputs(trace_decode_dirfd(b, sizeof(b), v), f);
		break;
	case K_OFLAGS:
		fputs(trace_decode_open_flags(b, sizeof(b), v), f);
		break;
	case K_OMODE:
	case K_MODE:
		fputs(trace_decode_mode(b, sizeof(b), v & 07777), f);
		break;
	case K_NODMODE:
		fputs(trace_decode_mode(b, sizeof(b), v), f);
		break;
	case K_PROT:
		fputs(trace_decode_prot(b, sizeof(b), v), f);
		break;
	case K_MAP:
		fputs(trace_decode_map_flags(b, sizeof(b), v), f);
		break;
	case K_ATFLAGS:
		fputs(trace_decode_at_flags(b, sizeof(b), v), f);
		break;
	case K_STATXFLAGS:
		fputs(flags_or(b, sizeof(b), statx_flags, ARRAY_SIZE(statx_flags),
			       v, "AT_STATX_SYNC_AS_STAT"), f);
		break;
	case K_STATXMASK:
		if (v == 0xfff)
			fputs("STATX_ALL", f);
		else if (v == 0x7ff)
			fputs("STATX_BASIC_STATS", f);
		else
			fprintf(f, "%#" PRIx64, v);
		break;
	case K_ACCESS:
		fputs(trace_decode_access(b, sizeof(b), v), f);
		break;
	case K_RMDIR:
		fputs(flags_or(b, sizeof(b), rmdir_flags, 1, v, "0"), f);
		break;
	case K_EACCESS:
		fputs(flags_or(b, sizeof(b), eaccess_flags,
			       ARRAY_SIZE(eaccess_flags), v, "0"), f);
		break;
	case K_CLOEXEC:
		fputs(flags_or(b, sizeof(b), cloexec_flags, 1, v, "0"), f);
		break;
	case K_RENAME:
		fputs(flags_or(b, sizeof(b), rename_flags,
			       ARRAY_SIZE(rename_flags), v, "0"), f);
		break;
	case K_WHENCE:
		if (v < ARRAY_SIZE(whence))
			fputs(whence[v], f);
		else
			fprintf(f, "%#" PRIx64, v);
		break;
	}
}

/* openat's mode counts only with O_CREAT or O_TMPFILE: strace omits it. */
static bool shown(const struct sig *s, int i, const uint64_t *args)
{
	if (s->args[i] != K_OMODE)
		return true;
	return i > 0 && (args[i - 1] & (O_CREAT | __O_TMPFILE));
}

void trace_decode_enter(FILE *f, const struct llkm_rec_sys_enter *e,
			size_t payload_len)
{
	const struct sig *s = sig_of(e->nr);
	const uint64_t *args = (const uint64_t *)e->args;
	struct paths p = { { NULL } };
	int i, n = 0;

	fprintf(f, "%s(", trace_syscall_name(e->nr));
	if (!s) {
		for (i = 0; i < 6; i++)
			fprintf(f, "%s0x%" PRIx64, i ? ", " : "", args[i]);
		fputc(')', f);
		return;
	}
	trace_decode_paths(e, payload_len, path_take, &p);
	for (i = 0; i < 6 && s->args[i] != K_END; i++) {
		if (!shown(s, i, args))
			continue;
		fputs(n++ ? ", " : "", f);
		put_arg(f, s->args[i], args[i], p.of[i]);
	}
	fputc(')', f);
}

/* Syscalls whose return value is an address: printed in hex. */
static bool returns_addr(const char *name)
{
	static const char *const addr[] = { "mmap", "mmap2", "mremap", "brk",
					    "shmat" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addr); i++)
		if (!strcmp(name, addr[i]))
			return true;
	return false;
}

void trace_decode_ret(FILE *f, int64_t nr, int64_t ret)
{
	const char *name = trace_syscall_name(nr);
	char b[160];

	fputs("= ", f);
	if (ret < 0 && ret >= -MAX_ERRNO)
		fputs(trace_decode_errno(b, sizeof(b), (int)-ret), f);
	else if (returns_addr(name))
		fprintf(f, "%#" PRIx64, (uint64_t)ret);
	else if (!strcmp(name, "umask"))
		fprintf(f, "%#03" PRIo64, (uint64_t)ret);
	else
		fprintf(f, "%" PRId64, ret);
}
