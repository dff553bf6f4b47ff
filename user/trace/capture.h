/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl's capture file: what `llctl trace -o FILE` writes and `llctl report
 * FILE` reads. A 40-byte header, the environment of the machine that
 * recorded, then the records exactly as the rings held them (struct
 * llkm_rec and its payload, 8-byte aligned), in time order across CPUs:
 *
 *   0  magic "LLKMCAP" and a NUL
 *   8  __u32 version (2)      12  __u32 possible CPUs
 *  16  __u32 LLKM_TRACE_EV_*  20  __u32 pid of "-- CMD", or 0
 *  24  __u64 ring counts: records lost while capturing
 *  32  __u32 env_len          36  __u32 0
 *  40  env_len bytes: the "env" object of a JSON report (lib/env.h), as
 *      recorded, then NULs to the next multiple of 8
 *
 * Little-endian, as the machine that traced. Version 1 is the
 * first 32 bytes and no environment: read, its environment unknown.
 */
#ifndef LLCTL_TRACE_CAPTURE_H
#define LLCTL_TRACE_CAPTURE_H

#include <stdint.h>

#include <linux/llkm.h>

#define TRACE_CAPTURE_MAGIC	"LLKMCAP"
#define TRACE_CAPTURE_VERSION	2
/* The largest environment a capture may hold: a sanity bound. */
#define TRACE_CAPTURE_ENV_MAX	65536

struct trace_capture_hdr {
	char magic[8];
	uint32_t version;
	uint32_t ncpus;
	uint32_t events;
	uint32_t cmd_pid;
	uint64_t lost;
	uint32_t env_len;	/* version 2 */
	uint32_t reserved;
};

struct llctl_env;

struct trace_capture;

/* @env: the machine recording, written into the file (NULL: none). */
struct trace_capture *trace_capture_create(const char *path, int ncpus,
					   uint32_t events, uint32_t cmd_pid,
					   const struct llctl_env *env);
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

/*
 * The environment recorded in @path into @env (free it with
 * llctl_env_free()): 0, -ENODATA when the capture holds none (version 1),
 * -EINVAL when it is not a capture or is damaged, or -errno.
 */
int trace_capture_env(const char *path, struct llctl_env *env);

#endif /* LLCTL_TRACE_CAPTURE_H */
