/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Side-band for a sampled command: the kernel's own MMAP2, COMM, FORK and
 * EXIT records for it, so that user addresses can be symbolized.
 *
 * One PERF_COUNT_SW_DUMMY event per online CPU, opened on the command's pid
 * before it execs (inherit, enable_on_exec; per CPU because the kernel
 * refuses to mmap() an inherited per-task cpu=-1 event), each with a small
 * ring:
 *
 *   page 0            struct perf_event_mmap_page
 *                       data_head  producer: the kernel, any CPU the
 *                                  command runs on
 *                       data_tail  consumer: sb_ring_read()
 *   pages 1..2^n      records: perf_event_header, body, then the
 *                     sample_id trailer of PD_SB_SAMPLE_TYPE (pid, tid;
 *                     time, CLOCK_MONOTONIC as the module's samples; cpu)
 *
 * A full ring drops records and says so with PERF_RECORD_LOST: sb_drain()
 * hands those on and sb_lost() sums them.
 */
#ifndef LLCTL_PROFILE_SIDEBAND_H
#define LLCTL_PROFILE_SIDEBAND_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/perf_event.h>

struct pd_writer;

#define SB_RING_PAGES	16	/* data pages per CPU: a power of two */

/* One mmap'ed perf ring; also what the tests read their sampler with. */
struct sb_ring {
	int fd;
	struct perf_event_mmap_page *pg;
	char *data;
	uint64_t mask;		/* data size - 1 */
	size_t map_len;
	char *scratch;		/* a record that wraps, made whole */
};

/* Return non-zero to stop: sb_ring_read() then returns that value. */
typedef int (*sb_fn)(const struct perf_event_header *rec, void *ctx);

/* Maps @fd's ring of @data_pages pages (a power of two): 0 or -errno. */
int sb_ring_mmap(struct sb_ring *r, int fd, unsigned int data_pages);
/* Hands each record in the ring to @fn: how many, or -EIO for a torn one. */
int sb_ring_read(struct sb_ring *r, sb_fn fn, void *ctx);
void sb_ring_unmap(struct sb_ring *r);

struct sb;

/*
 * Opens the rings for @pid, to start at its next exec: 0 or -errno;
 * sb_hint() says what to do about an error.
 */
int sb_open(pid_t pid, struct sb **out);
const char *sb_hint(int err);
/*
 * Starts them now, for a process already past its exec (record -p PID,
 * with pd_write_proc_maps() for the maps it has). Only @pid's own thread
 * and what it forks from now on are followed. 0 or -errno.
 */
int sb_enable(struct sb *sb);
/* Fills up to @max pollfds (POLLIN); returns how many rings there are. */
int sb_fds(const struct sb *sb, struct pollfd *pfd, int max);
/*
 * Hands the records waiting in all rings to @fn, in time order within the
 * call (rings are read one after the other, then merged). Returns how
 * many, or -errno.
 */
int sb_drain(struct sb *sb, sb_fn fn, void *ctx);
/* Records the rings dropped (PERF_RECORD_LOST), since sb_open(). */
uint64_t sb_lost(const struct sb *sb);
void sb_close(struct sb *sb);

/*
 * For a process already running (record -p PID): MMAP2 records of its
 * executable mappings and COMM records of its threads, from /proc/PID.
 * Returns how many maps, or -errno.
 */
int pd_write_proc_maps(struct pd_writer *w, pid_t pid);

#endif /* LLCTL_PROFILE_SIDEBAND_H */
