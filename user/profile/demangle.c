// SPDX-License-Identifier: GPL-2.0
/*
 * Demangling through libiberty (binutils' own demangler, the one c++filt
 * uses): DMGL_PARAMS | DMGL_ANSI as perf asks for C++, and DMGL_AUTO, which
 * in libiberty 20230104 (Debian 12) tries Rust's legacy and v0 schemes
 * before GNU v3, so that a Rust legacy symbol loses its ::h<hash> as
 * c++filt shows it.
 */
#include <stdlib.h>
#include <string.h>

#include "profile/demangle.h"

#ifdef LLCTL_HAVE_LIBIBERTY
#include <libiberty/demangle.h>
#endif

bool prof_is_mangled(const char *sym)
{
	return sym[0] == '_' && (sym[1] == 'Z' || sym[1] == 'R');
}

#ifdef LLCTL_HAVE_LIBIBERTY
char *prof_demangle(const char *sym)
{
	if (!prof_is_mangled(sym))
		return NULL;
	return cplus_demangle(sym, DMGL_PARAMS | DMGL_ANSI | DMGL_AUTO);
}

const char *prof_demangle_missing(void)
{
	return NULL;
}
#else
char *prof_demangle(const char *sym)
{
	(void)sym;
	return NULL;
}

const char *prof_demangle_missing(void)
{
	return "this llctl was built without libiberty (its libiberty.a was not found): names stay mangled";
}
#endif
