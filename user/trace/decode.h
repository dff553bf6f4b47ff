/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Syscall arguments and results as strace spells them: fds in decimal
 * (AT_FDCWD by name), flags and modes by name (O_RDONLY|O_CLOEXEC,
 * PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, 0644), the paths the
 * module copied at the entry in quotes, and a failure as
 * "-1 ENOENT (No such file or directory)".
 *
 * Which argument is what comes from a table of the common syscalls by
 * name, resolved to this architecture's numbers through libseccomp (arm64
 * has no open, stat or access: only their *at kin). A syscall outside the
 * table prints its six arguments in hex, as before.
 *
 * A path the module could not copy without a fault prints as its address
 * and "<not copied: page not present>"; one longer than LLKM_PATH_MAX as
 * its first LLKM_PATH_MAX bytes then "..." (strace's mark for a cut
 * string).
 */
#ifndef LLCTL_TRACE_DECODE_H
#define LLCTL_TRACE_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/llkm.h>

/* Each of these writes into @buf (@len bytes, cut to fit) and returns it. */
char *trace_decode_open_flags(char *buf, size_t len, uint64_t flags);
char *trace_decode_mode(char *buf, size_t len, uint64_t mode);
char *trace_decode_prot(char *buf, size_t len, uint64_t prot);
char *trace_decode_map_flags(char *buf, size_t len, uint64_t flags);
char *trace_decode_at_flags(char *buf, size_t len, uint64_t flags);
char *trace_decode_access(char *buf, size_t len, uint64_t mode);
char *trace_decode_dirfd(char *buf, size_t len, uint64_t fd);
/* "-1 ENOENT (No such file or directory)" for @err 2. */
char *trace_decode_errno(char *buf, size_t len, int err);
/* A string in double quotes, with C escapes for the unprintable. */
void trace_decode_quote(FILE *f, const char *s, size_t n);

/*
 * A syscall entry: "NAME(ARGS)". @payload_len: the record's bytes from @e
 * on, which say whether path trailers follow @e.
 */
void trace_decode_enter(FILE *f, const struct llkm_rec_sys_enter *e,
			size_t payload_len);
/* A syscall exit's "= RET": decimal, hex for an address, or the errno. */
void trace_decode_ret(FILE *f, int64_t nr, int64_t ret);

/*
 * The path trailers after @e (@payload_len bytes from @e on), for each
 * @fn(@arg, trailer); returns how many, or -1 when one is torn.
 */
int trace_decode_paths(const struct llkm_rec_sys_enter *e, size_t payload_len,
		       void (*fn)(void *arg, const struct llkm_rec_sys_path *sp),
		       void *arg);

#endif /* LLCTL_TRACE_DECODE_H */
