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
 * against the _text the file recorded (prof_pd_write_kernel_map()): a file from
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

struct prof_pd_map;
struct prof_pd_sample;

#define PROF_SYMS_UNKNOWN	"[unknown]"
#define PROF_SYMS_KERNEL_DSO	"[kernel.kallsyms]"

/* Strings live as long as the struct prof_syms. */
struct prof_sym_frame {
	const char *name;	/* PROF_SYMS_UNKNOWN when unresolved */
	const char *dso;	/* file's basename, "[kernel.kallsyms]", "[MOD]" */
	const char *path;	/* the file's path as mapped; else dso */
	bool known;
	bool kernel;
};

struct prof_syms_stats {
	uint64_t frames;		/* looked up */
	uint64_t unknown;		/* of those, not found */
	unsigned int dso_failed;	/* files we could not read */
};

struct prof_syms;

struct prof_syms *prof_syms_new(void);
void prof_syms_free(struct prof_syms *s);

/* Replaying the side-band: 0 or -ENOMEM. */
int prof_syms_map(struct prof_syms *s, const struct prof_pd_map *m);
void prof_syms_exec(struct prof_syms *s, uint32_t pid);
int prof_syms_fork(struct prof_syms *s, uint32_t ppid, uint32_t pid);

void prof_syms_resolve(struct prof_syms *s, uint32_t pid, uint64_t addr, bool kernel,
		       struct prof_sym_frame *f);
/*
 * Sample @ps's frames into @f[0..max), innermost first: how many. Its chain
 * (nr_kernel kernel addresses, then nr_user user ones) starts at its ip as
 * the kernel writes it; one that does not (or no chain) gets the ip first.
 */
unsigned int prof_syms_chain(struct prof_syms *s, const struct prof_pd_sample *ps,
			     struct prof_sym_frame *f, unsigned int max);
void prof_syms_stats(const struct prof_syms *s, struct prof_syms_stats *st);

/*
 * The @i-th file we could not read symbols from and why, NULL past the
 * last one; and why kernel frames are unresolved, NULL when they are not.
 */
const char *prof_syms_failed_dso(const struct prof_syms *s, unsigned int i,
				 const char **why);
const char *prof_syms_kernel_problem(const struct prof_syms *s);

#endif /* LLCTL_PROFILE_SYMBOLS_H */
