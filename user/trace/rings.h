/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The consumer side of a session's rings: mapping every CPU's ring from
 * /dev/llkm and reading records in place, merged across CPUs by time.
 *
 * The module gives a ring to each CPU online while the session runs: a
 * possible CPU that was offline at the start has none (its offset maps
 * with ENXIO) until it comes online, when the module allocates its ring
 * before it runs. Such a CPU is looked for again once a second while
 * draining and at the end, and read from then on; until then it has
 * nothing to read.
 */
#ifndef LLCTL_TRACE_RINGS_H
#define LLCTL_TRACE_RINGS_H

#include <stdint.h>

#include "shim/ring_shim.h"
#include "../kmod/ring_core.h"

struct trace_rings {
	int n;			/* possible CPUs */
	unsigned long size;	/* data bytes per CPU */
	struct llkm_ring *ring;	/* n of them; cons NULL: no ring (yet) */
	int fd;			/* /dev/llkm, to map the missing ones */
	int missing;		/* rings not mapped: CPUs offline so far */
	int64_t scanned_ns;	/* when they were last looked for */
	uint64_t delivered;	/* records handed to the callback */
};

/*
 * Maps CPU 0..@ncpus-1's rings of @size bytes from @fd, but for CPUs
 * without a ring: 0 or -errno.
 */
int trace_rings_map(struct trace_rings *rs, int fd, int ncpus, uint32_t size,
		    uint32_t mode);
void trace_rings_unmap(struct trace_rings *rs);

/* Maps the rings of CPUs that have one now: 0 or -errno. */
int trace_rings_rescan(struct trace_rings *rs);

/*
 * Hands every published record to @fn, oldest first across CPUs, then
 * releases them (after a rescan when one is due). Returns how many.
 */
long trace_rings_drain(struct trace_rings *rs,
		       void (*fn)(const struct llkm_rec *rec, void *arg),
		       void *arg);

#endif /* LLCTL_TRACE_RINGS_H */
