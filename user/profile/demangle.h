/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol names as people write them: C++ (_Z...) and Rust (legacy _ZN...h<hash>E
 * and v0 _R...) demangled by libiberty's cplus_demangle, as perf, c++filt and
 * nm -C show them. llctl built without libiberty (make arm64-llctl: no arm64
 * libiberty.a) keeps the ELF's names and says so once.
 */
#ifndef LLCTL_PROFILE_DEMANGLE_H
#define LLCTL_PROFILE_DEMANGLE_H

#include <stdbool.h>

/* Whether @sym looks mangled: "_Z", "_R" (Rust v0). */
bool prof_is_mangled(const char *sym);
/*
 * @sym demangled, a new string the caller frees; NULL when it is not
 * mangled, when libiberty does not read it, or when llctl has no libiberty.
 */
char *prof_demangle(const char *sym);
/* Why prof_demangle() can not work in this llctl, or NULL when it can. */
const char *prof_demangle_missing(void);

#endif /* LLCTL_PROFILE_DEMANGLE_H */
