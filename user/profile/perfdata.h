/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf.data: what `llctl record` writes so that `perf report`, `perf script`
 * and `llctl report` read the same profile. One event, no sample IDs, the
 * plain (seekable, not pipe) layout of tools/perf/Documentation/
 * perf.data-file-format.txt, native endian, written in one pass and the
 * header filled in at prof_pd_close():
 *
 *   0     struct prof_pd_file_header (104 bytes)
 *           magic "PERFILE2", size 104, attr_size 144,
 *           attrs -> the one prof_pd_file_attr, data -> records,
 *           event_types {0, 0}, features: a 256-bit set
 *   104   struct prof_pd_file_attr (144 bytes): perf_event_attr (128 bytes,
 *           PERF_ATTR_SIZE_VER7, what perf 6.1 reads) + ids {0, 0}
 *   248   data: the records, each a perf_event_header and 8-byte aligned
 *   ...   one perf_file_section {offset, size} per feature bit set, in bit
 *         order, then each feature's bytes (HEADER_HOSTNAME ... CLOCK_DATA)
 *
 * The attr says sample_id_all and sample_type IP|TID|TIME|CPU|PERIOD, plus
 * CALLCHAIN when the event has one, and use_clockid with CLOCK_MONOTONIC:
 *
 *   PERF_RECORD_SAMPLE  ip, pid, tid, time, cpu, res, period,
 *                       [nr, ips[nr]]  (PERF_CONTEXT_KERNEL, kernel
 *                       frames, PERF_CONTEXT_USER, user frames; the
 *                       first frame is ip, as the kernel writes it)
 *   anything else       its body, then the sample_id trailer
 *                       pid, tid, time, cpu, res  (24 bytes)
 *
 * Side-band records come from the rings of profile/sideband.c with exactly that
 * trailer (PROF_PD_SB_SAMPLE_TYPE); prof_pd_write_sideband() rebuilds it all the same
 * so the two can not drift apart unnoticed.
 *
 * Losses: PERF_RECORD_LOST_SAMPLES carries samples the sampler dropped
 * (prof_pd_write_lost_samples(); `perf report` shows "Total Lost Samples"),
 * PERF_RECORD_LOST side-band records a ring dropped (re-emitted as they
 * come; perf warns "lost N chunks").
 */
#ifndef LLCTL_PROFILE_PERFDATA_H
#define LLCTL_PROFILE_PERFDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/perf_event.h>

#define PROF_PD_MAGIC	"PERFILE2"
#define PROF_PD_MAGIC_LEN	8

/* The sample_id trailer of side-band records, both in the rings and here. */
#define PROF_PD_SB_SAMPLE_TYPE	(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | \
				 PERF_SAMPLE_CPU)
#define PROF_PD_SAMPLE_ID_SIZE	24

/* perf's own record types (user types, >= 64) that a reader may skip. */
#define PROF_PD_RECORD_FINISHED_ROUND	68

struct prof_pd_sample {
	uint64_t time_ns;	/* CLOCK_MONOTONIC */
	uint32_t pid, tid, cpu;
	uint64_t ip, period;
	bool user;		/* ip is a user-space address */
	unsigned int event;	/* index in prof_pd_file.events (reader) */
	unsigned int nr_kernel, nr_user; /* chain[]: kernel frames then user frames, innermost first */
	const uint64_t *chain;
};

struct prof_pd_event {		/* the sampled event, for the file's attr */
	const char *name;	/* as the user wrote it, e.g. "cpu-clock" */
	uint32_t type;
	uint64_t config, config1, config2;
	uint64_t period_or_freq;
	bool freq;
	bool callchain;
};

/* A PERF_RECORD_MMAP (kernel) or MMAP2 (user) record. */
struct prof_pd_map {
	uint32_t pid, tid;	/* pid (uint32_t)-1: the kernel's */
	uint64_t start, len, pgoff;
	uint32_t maj, min;
	uint64_t ino;
	uint32_t prot, flags;	/* PROT_*, MAP_* */
	bool kernel;
	const char *filename;
	uint64_t time_ns;	/* 0 for a synthesized one */
	uint32_t cpu;
};

struct prof_pd_comm {
	uint32_t pid, tid;
	const char *comm;
	bool exec;		/* the thread exec'd: its old maps are gone */
	uint64_t time_ns;
};

struct prof_pd_task {		/* PERF_RECORD_FORK and PERF_RECORD_EXIT */
	uint32_t pid, ppid, tid, ptid;
	uint64_t time_ns;
};

/* Writer. */

struct prof_pd_writer;

struct prof_pd_counts {
	uint64_t samples;
	uint64_t sideband;	/* records written besides samples */
	uint64_t skipped;	/* side-band records of a type we do not carry */
	uint64_t truncated;	/* callchains cut to fit a record */
	uint64_t lost_samples, lost_sideband;
};

/* NULL and *err = -errno on failure. */
struct prof_pd_writer *prof_pd_create(const char *path, const struct prof_pd_event *ev,
				      int *err);
/*
 * 0, -EINVAL for frames without a chain, or -errno. A chain too deep for
 * one record loses its outermost frames and counts in prof_pd_counts.truncated.
 */
int prof_pd_write_sample(struct prof_pd_writer *w, const struct prof_pd_sample *s);
/*
 * A raw MMAP, MMAP2, COMM, FORK, EXIT or LOST record from a ring opened
 * with PROF_PD_SB_SAMPLE_TYPE. Other types are skipped and counted. 0, -EINVAL
 * for a record too short for its type, or -errno.
 */
int prof_pd_write_sideband(struct prof_pd_writer *w, const struct perf_event_header *rec);
int prof_pd_write_map(struct prof_pd_writer *w, const struct prof_pd_map *m);
int prof_pd_write_comm(struct prof_pd_writer *w, const struct prof_pd_comm *c);
int prof_pd_write_lost_samples(struct prof_pd_writer *w, uint64_t lost, uint64_t time_ns);
/*
 * The [kernel.kallsyms]_text map from /proc/kallsyms, so that perf places
 * kernel samples: write it once, after prof_pd_create(); without it `perf
 * report` warns that kernel address maps were restricted. -ENOENT when
 * _text is missing, -EPERM when kptr_restrict shows it as 0.
 */
int prof_pd_write_kernel_map(struct prof_pd_writer *w);
void prof_pd_writer_counts(const struct prof_pd_writer *w, struct prof_pd_counts *n);
/* Header, attr and features, then frees @w: 0 or the first -errno seen. */
int prof_pd_close(struct prof_pd_writer *w);

/* Reader. */

enum prof_pd_kind {
	PROF_PD_SAMPLE,
	PROF_PD_MAP,
	PROF_PD_COMM,
	PROF_PD_FORK,
	PROF_PD_EXIT,
};

struct prof_pd_item {
	enum prof_pd_kind kind;
	uint64_t time_ns;
	uint64_t seq;		/* file order: breaks ties in time */
	union {
		struct prof_pd_sample sample;
		struct prof_pd_map map;
		struct prof_pd_comm comm;
		struct prof_pd_task task;
	};
};

/* Where the file was recorded, from its feature sections: NULL, -1 unknown. */
struct prof_pd_host {
	char *hostname, *osrelease, *arch;
	char *cpudesc, *cpuid;	/* "model name"; "vendor,family,model,stepping" */
	char *version;		/* of the tool that wrote it */
	int online_cpus;
};

/* One attr of the file: an event, with the sample IDs its samples carry. */
struct prof_pd_attr {
	struct prof_pd_event ev;	/* ev.name: never NULL */
	uint64_t sample_type;
	bool sideband;			/* dummy: side-band only, no section */
	uint64_t samples;
	/* private */
	const char *ids;		/* u64s in the mapped file, maybe unaligned */
	uint64_t nr_ids;
	uint64_t sid_type;		/* its sample_id trailer's fields */
	char *name;
};

struct prof_pd_file {
	/* the first event that is not side-band only */
	struct prof_pd_event ev;	/* ev.name: the event's name, never NULL */
	struct prof_pd_attr *events;	/* every attr, in file order */
	unsigned int nr_events;
	struct prof_pd_host host;
	uint64_t sample_type;
	struct prof_pd_item *items;	/* in time order */
	size_t nr_items;
	uint64_t samples;
	uint64_t lost_samples;	/* PERF_RECORD_LOST_SAMPLES */
	uint64_t lost_sideband;	/* PERF_RECORD_LOST */
	uint64_t malformed;	/* records too short for their type */
	/* private */
	void *map;
	size_t map_len;
	uint64_t *chains;
	char *name;
	char *decomp;			/* PERF_RECORD_COMPRESSED, inflated */
	size_t decomp_len;
};

/* True when @path starts with the perf.data magic. */
bool prof_pd_is_perf_data(const char *path);
/*
 * Reads @path: ours, or `perf record`'s: several events (samples told apart
 * by their sample ID), side-band dummies, zstd-compressed records. NULL and
 * *err = -EINVAL (not perf.data, or torn), -EOPNOTSUPP (a layout we do not
 * read) or -errno; *why, when @why is not NULL, says which (or NULL).
 */
struct prof_pd_file *prof_pd_open_read_why(const char *path, int *err, const char **why);
struct prof_pd_file *prof_pd_open_read(const char *path, int *err);
void prof_pd_file_free(struct prof_pd_file *f);

#endif /* LLCTL_PROFILE_PERFDATA_H */
