/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl's capture file: what `llctl trace -o FILE` writes and `llctl report
 * FILE` reads. A 32-byte header, then the records exactly as the rings
 * held them (struct llkm_rec and its payload, 8-byte aligned), in time
 * order across CPUs:
 *
 *   0  magic "LLKMCAP" and a NUL
 *   8  __u32 version (1)      12  __u32 possible CPUs
 *  16  __u32 LLKM_TRACE_EV_*  20  __u32 pid of "-- CMD", or 0
 *  24  __u64 ring counts: records lost while capturing
 *
 * Little-endian, as the machine that traced.
 */
#ifndef LLCTL_TRACE_CAPTURE_H
#define LLCTL_TRACE_CAPTURE_H

#include <stdint.h>

#include <linux/llkm.h>

#define TRACE_CAPTURE_MAGIC	"LLKMCAP"
#define TRACE_CAPTURE_VERSION	1

struct trace_capture_hdr {
	char magic[8];
	uint32_t version;
	uint32_t ncpus;
	uint32_t events;
	uint32_t cmd_pid;
	uint64_t lost;
};

struct trace_capture;

struct trace_capture *trace_capture_create(const char *path, int ncpus,
					   uint32_t events, uint32_t cmd_pid);
int trace_capture_write(struct trace_capture *c, const struct llkm_rec *rec);
/* Writes the final lost count into the header; 0 or -errno. */
int trace_capture_close(struct trace_capture *c, uint64_t lost);

/*
 * Reads @path: fills @hdr, then hands each record to @fn (NULL: only check
 * them). Returns how many
 * records, -EINVAL for a file that is not a capture or is torn (nothing
 * after the damage is handed over), or -errno.
 */
long trace_capture_read(const char *path, struct trace_capture_hdr *hdr,
			void (*fn)(const struct llkm_rec *rec, void *arg),
			void *arg);

#endif /* LLCTL_TRACE_CAPTURE_H */
