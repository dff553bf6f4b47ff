// SPDX-License-Identifier: GPL-2.0
/*
 * A session's rings, mapped read-only in place but for each CPU's consumer
 * page, and drained through the ring core's consumer functions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include "trace/rings.h"

/* CPU @c's ring: 0, -ENXIO when it has none (yet), or -errno. */
static int map_one(struct trace_rings *rs, int c, uint32_t mode)
{
	unsigned long stride = LLKM_RING_PAGES(rs->size);
	off_t base = (off_t)c * stride * LLKM_RING_PAGE;
	struct llkm_ring *r = &rs->ring[c];
	void *cons, *ro;
	int err;

	cons = mmap(NULL, LLKM_RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    rs->fd, base);
	if (cons == MAP_FAILED)
		return -errno;
	ro = mmap(NULL, (stride - 1) * LLKM_RING_PAGE, PROT_READ, MAP_SHARED,
		  rs->fd, base + LLKM_RING_PAGE);
	if (ro == MAP_FAILED) {
		err = -errno;
		munmap(cons, LLKM_RING_PAGE);
		return err;
	}
	r->cons = cons;
	r->prod = ro;
	r->data = (char *)ro + LLKM_RING_PAGE;
	r->mask = rs->size - 1;
	r->mode = mode;
	r->cpu = c;
	return 0;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int trace_rings_map(struct trace_rings *rs, int fd, int ncpus, uint32_t size,
		    uint32_t mode)
{
	int c, err;

	memset(rs, 0, sizeof(*rs));
	rs->ring = calloc(ncpus, sizeof(*rs->ring));
	if (!rs->ring)
		return -ENOMEM;
	rs->n = ncpus;
	rs->size = size;
	rs->fd = fd;
	for (c = 0; c < ncpus; c++) {
		rs->ring[c].mode = mode;
		err = map_one(rs, c, mode);
		if (err == -ENXIO)
			rs->missing++;
		else if (err)
			goto fail;
	}
	rs->scanned_ns = mono_ns();
	return 0;
fail:
	trace_rings_unmap(rs);
	return err;
}

int trace_rings_rescan(struct trace_rings *rs)
{
	int c, err;

	rs->scanned_ns = mono_ns();
	for (c = 0; c < rs->n && rs->missing; c++) {
		if (rs->ring[c].cons)
			continue;
		err = map_one(rs, c, rs->ring[c].mode);
		if (err == -ENXIO)
			continue;
		if (err)
			return err;
		rs->missing--;
	}
	return 0;
}

void trace_rings_unmap(struct trace_rings *rs)
{
	unsigned long stride = LLKM_RING_PAGES(rs->size);
	int c;

	for (c = 0; c < rs->n; c++) {
		if (rs->ring[c].cons)
			munmap(rs->ring[c].cons, LLKM_RING_PAGE);
		if (rs->ring[c].prod)
			munmap(rs->ring[c].prod,
			       (stride - 1) * LLKM_RING_PAGE);
	}
	free(rs->ring);
	rs->ring = NULL;
	rs->n = 0;
}

long trace_rings_drain(struct trace_rings *rs,
		       void (*fn)(const struct llkm_rec *rec, void *arg),
		       void *arg)
{
	unsigned long pos[rs->n], start[rs->n], pub[rs->n];
	long n = 0;
	int c;

	/* A CPU onlined since: its ring, once a second at most. */
	if (rs->missing && mono_ns() - rs->scanned_ns >= 1000000000)
		trace_rings_rescan(rs);
	for (c = 0; c < rs->n; c++) {
		if (!rs->ring[c].cons) {
			pos[c] = start[c] = pub[c] = 0;	/* no ring: nothing */
			continue;
		}
		pos[c] = start[c] = READ_ONCE(rs->ring[c].cons->consumer_pos);
		pub[c] = llkm_ring_published(&rs->ring[c]);
		if (pub[c] - pos[c] > rs->size)
			pub[c] = pos[c];	/* not a window we can read */
	}
	/* Merge: the oldest head record of all CPUs, until none is left. */
	for (;;) {
		const struct llkm_rec *best = NULL, *rec;
		int bc = -1;

		for (c = 0; c < rs->n; c++) {
			if (pos[c] == pub[c])
				continue;
			rec = llkm_ring_rec(&rs->ring[c], pos[c]);
			if (!best || rec->time_ns < best->time_ns) {
				best = rec;
				bc = c;
			}
		}
		if (!best)
			break;
		if (best->size < sizeof(*best) || best->size > pub[bc] - pos[bc]) {
			pub[bc] = pos[bc];	/* torn: stop this CPU here */
			continue;
		}
		fn(best, arg);
		pos[bc] += best->size;
		n++;
	}
	for (c = 0; c < rs->n; c++)
		if (pos[c] != start[c])
			llkm_ring_release(&rs->ring[c], start[c],
					  pos[c] - start[c]);
	rs->delivered += n;
	return n;
}
