/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/analyze/: what llctl analyze concludes from a command's counts and
 * trace. The rules table (rules.c), top-down level 1 (topdown.c), the
 * Universal Scalability Law fit (usl.c), whether the command uses the
 * thread count (use.c: an_use) and the traced run (trace.c,
 * declared here), which runs trace/'s session and summary on the held
 * command. Exported names start with an_ (AN_): an_td_, an_usl_ for
 * those parts. analyze/ calls trace/ and lib/.
 *
 * The traced run and what it found, read from the trace summary.
 */
#ifndef LLCTL_ANALYZE_ANALYZE_H
#define LLCTL_ANALYZE_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct json_object;
struct llctl_nl;

#define AN_TOP_SYSCALLS	5

struct an_trace {
	bool done;
	char reason[384];		/* !done: why there is no trace */
	double wall_ns;
	uint64_t lost, produced;
	uint64_t syscall_ns;		/* every syscall but futex */
	uint64_t futex_ns;
	uint64_t irq_ns, softirq_ns;
	uint64_t switches;
	struct json_object *summary;	/* trace_summary_json(), owned */
};

/*
 * Traces held @child (released through @go, closed here) from its execve
 * to its exit: syscalls, IRQs, softirqs and switches. When tracing cannot
 * start, releases the child all the same, waits for it and says why in
 * @t->reason. Returns the child's wait status, or -1.
 */
int an_trace_run(struct llctl_nl *nl, pid_t child, int go, struct an_trace *t);
void an_trace_free(struct an_trace *t);

#endif /* LLCTL_ANALYZE_ANALYZE_H */
