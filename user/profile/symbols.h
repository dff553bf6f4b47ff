/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses to function names, for the profiles in perf.data.
 *
 * User addresses go through the process's maps, replayed from the file's
 * MMAP2 records in time order (an exec drops them, a fork copies them):
 * address - map start + pgoff is a file offset, the PT_LOAD segment holding
 * it turns that into the ELF's own address, which libdwfl (elfutils)
 * looks up in .symtab, .dynsym, .gnu_debugdata or the separate debuginfo
 * found by build-id. That covers PIE executables, shared objects and
 * stripped files alike.
 *
 * Kernel addresses go through this machine's /proc/kallsyms, checked
 * against the _text the file recorded (pd_write_kernel_map()): a file from
 * another boot or machine gets its kernel frames left unresolved, and the
 * reason said, rather than wrong names. The [vdso] is the kernel's too:
 * our own process's stands for the file's, under the same check.
 *
 * Nothing is dropped: an address without a symbol is "[unknown]" in its
 * DSO (or in "[unknown]" without a map), and counted.
 */
#ifndef LLCTL_PROFILE_SYMBOLS_H
#define LLCTL_PROFILE_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>

struct pd_map;

#define SYMS_UNKNOWN	"[unknown]"
#define SYMS_KERNEL_DSO	"[kernel.kallsyms]"

/* Strings live as long as the struct syms. */
struct sym_frame {
	const char *name;	/* SYMS_UNKNOWN when unresolved */
	const char *dso;	/* file's basename, "[kernel.kallsyms]", "[MOD]" */
	bool known;
	bool kernel;
};

struct syms_stats {
	uint64_t frames;		/* looked up */
	uint64_t unknown;		/* of those, not found */
	unsigned int dso_failed;	/* files we could not read */
};

struct syms;

struct syms *syms_new(void);
void syms_free(struct syms *s);

/* Replaying the side-band: 0 or -ENOMEM. */
int syms_map(struct syms *s, const struct pd_map *m);
void syms_exec(struct syms *s, uint32_t pid);
int syms_fork(struct syms *s, uint32_t ppid, uint32_t pid);

void syms_resolve(struct syms *s, uint32_t pid, uint64_t addr, bool kernel,
		  struct sym_frame *f);
void syms_stats(const struct syms *s, struct syms_stats *st);

/*
 * The @i-th file we could not read symbols from and why, NULL past the
 * last one; and why kernel frames are unresolved, NULL when they are not.
 */
const char *syms_failed_dso(const struct syms *s, unsigned int i,
			    const char **why);
const char *syms_kernel_problem(const struct syms *s);

#endif /* LLCTL_PROFILE_SYMBOLS_H */
