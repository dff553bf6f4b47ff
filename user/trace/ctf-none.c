// SPDX-License-Identifier: GPL-2.0
/*
 * The CTF writer of an llctl built without it (NO_CTF=1, or no
 * libbabeltrace at build time): user/Makefile builds this file instead of
 * trace/ctf.c. The commands ask trace_ctf_missing() before a session
 * starts; the writer itself then never opens.
 */
#include <errno.h>
#include <stddef.h>

#include "lib/util.h"
#include "trace/ctf.h"

int trace_ctf_missing(const char *what)
{
	return llctl_left_out(what, "NO_CTF", "libbabeltrace-dev");
}

struct trace_ctf *trace_ctf_open(const char *dir, int ncpus,
				 const struct llctl_env *env)
{
	(void)dir;
	(void)ncpus;
	(void)env;
	errno = EOPNOTSUPP;
	return NULL;
}

int trace_ctf_write(struct trace_ctf *c, const struct llkm_rec *rec)
{
	(void)c;
	(void)rec;
	return -EOPNOTSUPP;
}

void trace_ctf_counts(const struct trace_ctf *c, struct trace_ctf_counts *n)
{
	(void)c;
	*n = (struct trace_ctf_counts){ 0 };
}

int trace_ctf_close(struct trace_ctf *c)
{
	(void)c;
	return 0;
}
