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
 *                       data_tail  consumer: prof_sb_ring_read()
 *   pages 1..2^n      records: perf_event_header, body, then the
 *                     sample_id trailer of PROF_PD_SB_SAMPLE_TYPE (pid, tid;
 *                     time, CLOCK_MONOTONIC as the module's samples; cpu)
 *
 * A full ring drops records and says so with PERF_RECORD_LOST: prof_sb_drain()
 * hands those on and prof_sb_lost() sums them.
 */
#ifndef LLCTL_PROFILE_SIDEBAND_H
#define LLCTL_PROFILE_SIDEBAND_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/perf_event.h>

struct prof_pd_writer;
struct prof_pd_map;

#define PROF_SB_RING_PAGES	16	/* data pages per CPU: a power of two */

/* One mmap'ed perf ring; also what the tests read their sampler with. */
struct prof_sb_ring {
	int fd;
	struct perf_event_mmap_page *pg;
	char *data;
	uint64_t mask;		/* data size - 1 */
	size_t map_len;
	char *scratch;		/* a record that wraps, made whole */
};

/* Return non-zero to stop: prof_sb_ring_read() then returns that value. */
typedef int (*prof_sb_fn)(const struct perf_event_header *rec, void *ctx);

/* Maps @fd's ring of @data_pages pages (a power of two): 0 or -errno. */
int prof_sb_ring_mmap(struct prof_sb_ring *r, int fd, unsigned int data_pages);
/* Hands each record in the ring to @fn: how many, or -EIO for a torn one. */
int prof_sb_ring_read(struct prof_sb_ring *r, prof_sb_fn fn, void *ctx);
void prof_sb_ring_unmap(struct prof_sb_ring *r);

struct prof_sb;

/*
 * Opens the rings for @pid, to start at its next exec: 0 or -errno;
 * prof_sb_hint() says what to do about an error.
 */
int prof_sb_open(pid_t pid, struct prof_sb **out);
const char *prof_sb_hint(int err);
/*
 * Starts them now, for a process already past its exec (record -p PID,
 * with prof_pd_write_proc_maps() for the maps it has). Only @pid's own thread
 * and what it forks from now on are followed. 0 or -errno.
 */
int prof_sb_enable(struct prof_sb *sb);
/* Fills up to @max pollfds (POLLIN); returns how many rings there are. */
int prof_sb_fds(const struct prof_sb *sb, struct pollfd *pfd, int max);
/*
 * Hands the records waiting in all rings to @fn, in time order within the
 * call (rings are read one after the other, then merged). Returns how
 * many, or -errno.
 */
int prof_sb_drain(struct prof_sb *sb, prof_sb_fn fn, void *ctx);
/* Records the rings dropped (PERF_RECORD_LOST), since prof_sb_open(). */
uint64_t prof_sb_lost(const struct prof_sb *sb);
void prof_sb_close(struct prof_sb *sb);

/*
 * For a process already running (record -p PID): MMAP2 records of its
 * executable mappings and COMM records of its threads, from /proc/PID.
 * Returns how many maps, or -errno.
 */
int prof_pd_write_proc_maps(struct prof_pd_writer *w, pid_t pid);
/*
 * Each executable mapping of /proc/@pid/maps to @fn (llctl top's symbols):
 * how many, or -errno, or @fn's first non-zero return.
 */
int prof_proc_maps(pid_t pid, int (*fn)(const struct prof_pd_map *m, void *ctx),
		   void *ctx);

#endif /* LLCTL_PROFILE_SIDEBAND_H */
