// SPDX-License-Identifier: GPL-2.0
/*
 * perf.data, written for perf 6.1 and read back: the layout is in
 * profile/perfdata.h. The writer builds each record in one buffer and appends it;
 * the header, the attr and the feature sections go in at prof_pd_close(), when
 * the data's size is known. The reader maps the file and turns its records
 * into items in time order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "profile/perfdata.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN8(x)	(((x) + 7) & ~(size_t)7)

#define PROF_PD_ATTR_SIZE	PERF_ATTR_SIZE_VER7	/* what perf 6.1 reads */
#define PROF_PD_FEAT_BITS	256
#define PROF_PD_NAME_ALIGN	64	/* perf pads header strings to this */
#define PROF_PD_RECORD_MAX	65528	/* header.size is a u16; 8-byte aligned */

/* perf's HEADER_* feature bits (perf.data-file-format.txt). */
enum {
	FEAT_HOSTNAME = 3,
	FEAT_OSRELEASE = 4,
	FEAT_VERSION = 5,
	FEAT_ARCH = 6,
	FEAT_NRCPUS = 7,
	FEAT_CPUDESC = 8,
	FEAT_CPUID = 9,
	FEAT_TOTAL_MEM = 10,
	FEAT_CMDLINE = 11,
	FEAT_EVENT_DESC = 12,
	FEAT_SAMPLE_TIME = 21,
	FEAT_CLOCKID = 23,
	FEAT_CLOCK_DATA = 29,
};

/* perf's own record types in a file (user types, >= 64). */
enum {
	REC_AUXTRACE = 71,	/* its payload follows, outside header.size */
	REC_COMPRESSED = 81,	/* zstd: records inside */
	REC_COMPRESSED2 = 83,	/* u64 data_size, then zstd, padded to 8 */
};

struct prof_pd_section {
	uint64_t offset;
	uint64_t size;
};

struct prof_pd_file_header {
	char magic[PROF_PD_MAGIC_LEN];
	uint64_t size;
	uint64_t attr_size;
	struct prof_pd_section attrs;
	struct prof_pd_section data;
	struct prof_pd_section event_types;
	uint64_t features[PROF_PD_FEAT_BITS / 64];
};

struct prof_pd_file_attr {
	unsigned char attr[PROF_PD_ATTR_SIZE];
	struct prof_pd_section ids;
};

_Static_assert(sizeof(struct prof_pd_file_header) == 104, "perf_file_header");
_Static_assert(sizeof(struct prof_pd_file_attr) == PROF_PD_ATTR_SIZE + 16, "file attr");
_Static_assert(sizeof(struct perf_event_attr) >= PROF_PD_ATTR_SIZE, "attr size");

#define DATA_OFFSET	(sizeof(struct prof_pd_file_header) + sizeof(struct prof_pd_file_attr))

struct prof_pd_writer {
	FILE *f;
	struct perf_event_attr attr;
	char *name;
	uint64_t first_ns, last_ns;	/* of the samples */
	uint64_t tod_ns, mono_ns;	/* the same instant, at prof_pd_create() */
	struct prof_pd_counts n;
	int err;			/* the first write error */
	size_t len;			/* of the record being built */
	bool overflow;
	uint64_t rec[PROF_PD_RECORD_MAX / 8];
};

/* Writer: one record at a time in w->rec. */

static void rec_begin(struct prof_pd_writer *w, uint32_t type, uint16_t misc)
{
	struct perf_event_header *h = (void *)w->rec;

	h->type = type;
	h->misc = misc;
	w->len = sizeof(*h);
	w->overflow = false;
}

static void rec_put(struct prof_pd_writer *w, const void *p, size_t len)
{
	if (w->overflow || len > sizeof(w->rec) - w->len) {
		w->overflow = true;
		return;
	}
	memcpy((char *)w->rec + w->len, p, len);
	w->len += len;
}

static void rec_u64(struct prof_pd_writer *w, uint64_t v)
{
	rec_put(w, &v, sizeof(v));
}

static void rec_u32x2(struct prof_pd_writer *w, uint32_t a, uint32_t b)
{
	uint32_t v[2] = { a, b };

	rec_put(w, v, sizeof(v));
}

/* A NUL-terminated string, padded with NULs to 8 bytes as the kernel's. */
static void rec_str(struct prof_pd_writer *w, const char *s)
{
	static const char zero[8];
	size_t len = strlen(s) + 1;

	rec_put(w, s, len);
	rec_put(w, zero, ALIGN8(len) - len);
}

/* The sample_id trailer of sample_id_all with our sample_type. */
static void rec_sample_id(struct prof_pd_writer *w, uint32_t pid, uint32_t tid,
			  uint64_t time_ns, uint32_t cpu)
{
	rec_u32x2(w, pid, tid);
	rec_u64(w, time_ns);
	rec_u32x2(w, cpu, 0);
}

static int rec_end(struct prof_pd_writer *w)
{
	struct perf_event_header *h = (void *)w->rec;

	if (w->overflow)
		return -E2BIG;
	h->size = w->len;
	if (fwrite(w->rec, w->len, 1, w->f) != 1 && !w->err)
		w->err = errno ? -errno : -EIO;
	return w->err;
}

static void build_attr(struct prof_pd_writer *w, const struct prof_pd_event *ev)
{
	struct perf_event_attr *a = &w->attr;

	a->type = ev->type;
	a->size = PROF_PD_ATTR_SIZE;
	a->config = ev->config;
	a->config1 = ev->config1;
	a->config2 = ev->config2;
	a->sample_period = ev->period_or_freq;	/* a union with sample_freq */
	a->freq = ev->freq;
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	if (ev->callchain)
		a->sample_type |= PERF_SAMPLE_CALLCHAIN;
	/* what the side-band carried: perf reads these bits as "has maps" */
	a->disabled = 1;
	a->inherit = 1;
	a->mmap = 1;
	a->mmap2 = 1;
	a->comm = 1;
	a->comm_exec = 1;
	a->task = 1;
	a->enable_on_exec = 1;
	a->sample_id_all = 1;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct prof_pd_writer *prof_pd_create(const char *path, const struct prof_pd_event *ev,
				      int *err)
{
	static const char zero[DATA_OFFSET];
	struct prof_pd_writer *w;
	int fd;

	w = calloc(1, sizeof(*w));
	if (!w) {
		*err = -ENOMEM;
		return NULL;
	}
	w->name = strdup(ev->name ? ev->name : "");
	if (!w->name) {
		*err = -ENOMEM;
		goto fail;
	}
	/* 0600 as perf's own: a profile shows what a program did */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	w->f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!w->f) {
		*err = -errno;
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	build_attr(w, ev);
	w->first_ns = UINT64_MAX;
	w->tod_ns = clock_ns(CLOCK_REALTIME);
	w->mono_ns = clock_ns(CLOCK_MONOTONIC);
	/* header and attr come at prof_pd_close(): keep their room */
	if (fwrite(zero, sizeof(zero), 1, w->f) != 1) {
		*err = -errno;
		goto fail;
	}
	return w;
fail:
	if (w->f)
		fclose(w->f);
	free(w->name);
	free(w);
	return NULL;
}

/* Room left in the record, in u64 words. */
static size_t rec_room(const struct prof_pd_writer *w)
{
	return (sizeof(w->rec) - w->len) / 8;
}

/* Frames while @keep words stay free; true when some did not fit. */
static bool put_frames(struct prof_pd_writer *w, const uint64_t *f, size_t n,
		       size_t keep)
{
	size_t i;

	for (i = 0; i < n && rec_room(w) > keep; i++)
		rec_u64(w, f[i]);
	return i < n;
}

/*
 * The callchain as perf reads it: a context marker before each part, ip as
 * the part's first frame (the kernel's chains start there; the module's may
 * not), frames cut from the outermost end when the record would overflow.
 */
static void put_chain(struct prof_pd_writer *w, const struct prof_pd_sample *s)
{
	const uint64_t *k = s->chain, *u = s->chain + s->nr_kernel;
	size_t at = w->len;
	uint64_t nr;
	bool cut = false;

	rec_u64(w, 0);		/* nr: known at the end */
	if (s->nr_kernel || !s->user) {
		rec_u64(w, PERF_CONTEXT_KERNEL);
		if (!s->user && (!s->nr_kernel || k[0] != s->ip))
			rec_u64(w, s->ip);
		cut = put_frames(w, k, s->nr_kernel, 2);  /* USER, ip */
	}
	if (s->nr_user || s->user) {
		rec_u64(w, PERF_CONTEXT_USER);
		if (s->user && (!s->nr_user || u[0] != s->ip))
			rec_u64(w, s->ip);
		cut |= put_frames(w, u, s->nr_user, 0);
	}
	w->n.truncated += cut;
	nr = (w->len - at) / 8 - 1;
	memcpy((char *)w->rec + at, &nr, sizeof(nr));
}

int prof_pd_write_sample(struct prof_pd_writer *w, const struct prof_pd_sample *s)
{
	uint16_t misc = s->user ? PERF_RECORD_MISC_USER : PERF_RECORD_MISC_KERNEL;
	int ret;

	if (s->nr_kernel + s->nr_user && !s->chain)
		return -EINVAL;
	rec_begin(w, PERF_RECORD_SAMPLE, misc);
	rec_u64(w, s->ip);
	rec_u32x2(w, s->pid, s->tid);
	rec_u64(w, s->time_ns);
	rec_u32x2(w, s->cpu, 0);
	rec_u64(w, s->period);
	if (w->attr.sample_type & PERF_SAMPLE_CALLCHAIN)
		put_chain(w, s);
	ret = rec_end(w);
	if (ret)
		return ret;
	w->n.samples++;
	if (s->time_ns < w->first_ns)
		w->first_ns = s->time_ns;
	if (s->time_ns > w->last_ns)
		w->last_ns = s->time_ns;
	return 0;
}

/* The fixed part of each side-band type we carry; 0: not carried. */
static size_t sideband_body_min(uint32_t type)
{
	switch (type) {
	case PERF_RECORD_MMAP:
		return 32 + 8;		/* pid, tid, addr, len, pgoff, name */
	case PERF_RECORD_MMAP2:
		return 64 + 8;		/* ... maj, min, ino, gen, prot, flags */
	case PERF_RECORD_COMM:
		return 8 + 8;		/* pid, tid, comm */
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		return 24;		/* pid, ppid, tid, ptid, time */
	case PERF_RECORD_LOST:
		return 16;		/* id, lost */
	default:
		return 0;
	}
}

int prof_pd_write_sideband(struct prof_pd_writer *w, const struct perf_event_header *rec)
{
	size_t min = sideband_body_min(rec->type), body;
	const char *p = (const char *)rec, *sid;
	uint32_t pid_tid[2], cpu;
	uint64_t lost, time_ns;

	if (!min) {
		w->n.skipped++;
		return 0;
	}
	/* unaligned, the records after it would be misread */
	if (rec->size < sizeof(*rec) + min + PROF_PD_SAMPLE_ID_SIZE || rec->size % 8)
		return -EINVAL;
	body = rec->size - sizeof(*rec) - PROF_PD_SAMPLE_ID_SIZE;
	/* PROF_PD_SB_SAMPLE_TYPE's trailer: pid, tid; time; cpu, res */
	sid = p + sizeof(*rec) + body;
	memcpy(pid_tid, sid, sizeof(pid_tid));
	memcpy(&time_ns, sid + 8, sizeof(time_ns));
	memcpy(&cpu, sid + 16, sizeof(cpu));
	rec_begin(w, rec->type, rec->misc);
	rec_put(w, p + sizeof(*rec), body);
	rec_sample_id(w, pid_tid[0], pid_tid[1], time_ns, cpu);
	if (rec->type == PERF_RECORD_LOST) {
		memcpy(&lost, p + sizeof(*rec) + 8, sizeof(lost));
		w->n.lost_sideband += lost;
	}
	w->n.sideband++;
	return rec_end(w);
}

int prof_pd_write_map(struct prof_pd_writer *w, const struct prof_pd_map *m)
{
	if (m->kernel)
		rec_begin(w, PERF_RECORD_MMAP, PERF_RECORD_MISC_KERNEL);
	else
		rec_begin(w, PERF_RECORD_MMAP2, PERF_RECORD_MISC_USER);
	rec_u32x2(w, m->pid, m->tid);
	rec_u64(w, m->start);
	rec_u64(w, m->len);
	rec_u64(w, m->pgoff);
	if (!m->kernel) {
		rec_u32x2(w, m->maj, m->min);
		rec_u64(w, m->ino);
		rec_u64(w, 0);		/* ino_generation */
		rec_u32x2(w, m->prot, m->flags);
	}
	rec_str(w, m->filename);
	rec_sample_id(w, m->pid, m->tid, m->time_ns, m->cpu);
	w->n.sideband++;
	return rec_end(w);
}

int prof_pd_write_comm(struct prof_pd_writer *w, const struct prof_pd_comm *c)
{
	rec_begin(w, PERF_RECORD_COMM, c->exec ? PERF_RECORD_MISC_COMM_EXEC : 0);
	rec_u32x2(w, c->pid, c->tid);
	rec_str(w, c->comm);
	rec_sample_id(w, c->pid, c->tid, c->time_ns, 0);
	w->n.sideband++;
	return rec_end(w);
}

int prof_pd_write_lost_samples(struct prof_pd_writer *w, uint64_t lost, uint64_t time_ns)
{
	rec_begin(w, PERF_RECORD_LOST_SAMPLES, 0);
	rec_u64(w, lost);
	rec_sample_id(w, 0, 0, time_ns, 0);
	w->n.lost_samples += lost;
	return rec_end(w);
}

/*
 * _text and _etext from /proc/kallsyms: 0, -ENOENT, -EPERM when
 * kptr_restrict shows them as 0, or -errno.
 */
static int kernel_text(uint64_t *text, uint64_t *etext)
{
	char line[512], name[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");
	int found = 0;

	if (!f)
		return -errno;
	*text = *etext = 0;
	while (found < 2 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (!strcmp(name, "_text")) {
			*text = addr;
			found++;
		} else if (!strcmp(name, "_etext")) {
			*etext = addr;
			found++;
		}
	}
	fclose(f);
	if (found < 2)
		return -ENOENT;
	return *text && *etext > *text ? 0 : -EPERM;
}

int prof_pd_write_kernel_map(struct prof_pd_writer *w)
{
	struct prof_pd_map m = {
		.pid = (uint32_t)-1,
		.kernel = true,
		.filename = "[kernel.kallsyms]_text",
	};
	uint64_t text = 0, etext = 0;
	int ret = kernel_text(&text, &etext);

	if (ret)
		return ret;
	/* as perf's own: the map starts at _text, pgoff is _text too */
	m.start = text;
	m.len = etext - text;
	m.pgoff = text;
	return prof_pd_write_map(w, &m);
}

void prof_pd_writer_counts(const struct prof_pd_writer *w, struct prof_pd_counts *n)
{
	*n = w->n;
}

/* Features: each writes its bytes to @f; non-zero leaves it out. */

static int put_string(FILE *f, const char *s)
{
	static const char zero[PROF_PD_NAME_ALIGN];
	uint32_t len = strlen(s) + 1;
	uint32_t padded = (len + PROF_PD_NAME_ALIGN - 1) / PROF_PD_NAME_ALIGN * PROF_PD_NAME_ALIGN;

	return fwrite(&padded, sizeof(padded), 1, f) != 1 ||
	       fwrite(s, len, 1, f) != 1 ||
	       (padded > len && fwrite(zero, padded - len, 1, f) != 1);
}

static int put_u32(FILE *f, uint32_t v)
{
	return fwrite(&v, sizeof(v), 1, f) != 1;
}

static int put_u64(FILE *f, uint64_t v)
{
	return fwrite(&v, sizeof(v), 1, f) != 1;
}

static int feat_uname(FILE *f, const struct prof_pd_writer *w, int feat)
{
	struct utsname u;

	(void)w;
	if (uname(&u))
		return -1;
	return put_string(f, feat == FEAT_HOSTNAME ? u.nodename :
			  feat == FEAT_OSRELEASE ? u.release : u.machine);
}

static int feat_version(FILE *f, const struct prof_pd_writer *w, int feat)
{
	(void)w;
	(void)feat;
#ifdef LLCTL_VERSION
	return put_string(f, "llctl " LLCTL_VERSION);
#else
	return put_string(f, "llctl");
#endif
}

static int feat_nrcpus(FILE *f, const struct prof_pd_writer *w, int feat)
{
	long avail = sysconf(_SC_NPROCESSORS_CONF);
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	(void)w;
	(void)feat;
	if (avail <= 0 || online <= 0)
		return -1;
	return put_u32(f, avail) || put_u32(f, online);
}

/* The value of the first "@key<spaces>: value" line of @path, or NULL. */
static char *proc_value(const char *path, const char *key)
{
	char *line = NULL, *v = NULL, *p;
	size_t cap = 0, klen = strlen(key);
	FILE *in = fopen(path, "r");

	while (in && getline(&line, &cap, in) > 0) {
		if (strncmp(line, key, klen) || !strchr(" \t:", line[klen]))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		p += strspn(p + 1, " \t") + 1;
		p[strcspn(p, "\n")] = '\0';
		v = strdup(p);
		break;
	}
	free(line);
	if (in)
		fclose(in);
	return v;
}

static int feat_cpudesc(FILE *f, const struct prof_pd_writer *w, int feat)
{
	char *v = proc_value("/proc/cpuinfo", "model name");
	int ret = v ? put_string(f, v) : -1;

	(void)w;
	(void)feat;
	free(v);
	return ret;
}

/* x86's "vendor,family,model,stepping", as perf's get_cpuid(). */
static int feat_cpuid(FILE *f, const struct prof_pd_writer *w, int feat)
{
	static const char *const keys[] = {
		"vendor_id", "cpu family", "model", "stepping",
	};
	char buf[128] = "", *v;
	int ret = 0;
	size_t i;

	(void)w;
	(void)feat;
	for (i = 0; i < ARRAY_SIZE(keys) && !ret; i++) {
		v = proc_value("/proc/cpuinfo", keys[i]);
		if (!v || strlen(buf) + strlen(v) + 2 > sizeof(buf))
			ret = -1;
		else
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%s", i ? "," : "", v);
		free(v);
	}
	return ret ?: put_string(f, buf);
}

static int feat_total_mem(FILE *f, const struct prof_pd_writer *w, int feat)
{
	char *v = proc_value("/proc/meminfo", "MemTotal");
	uint64_t kb = v ? strtoull(v, NULL, 10) : 0;

	(void)w;
	(void)feat;
	free(v);
	return kb ? put_u64(f, kb) : -1;
}

/* All of a small file (procfs: no size to ask for), or NULL. */
static char *read_all(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *in = fopen(path, "r"), *m = open_memstream(&buf, len);
	char chunk[4096];
	size_t n;

	while (in && m && (n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fwrite(chunk, 1, n, m);
	if (in)
		fclose(in);
	if (m && fclose(m) == 0 && in)
		return buf;
	free(buf);
	return NULL;
}

/* Our own argv, from /proc/self/cmdline: NUL-separated already. */
static int feat_cmdline(FILE *f, const struct prof_pd_writer *w, int feat)
{
	size_t len = 0;
	char *buf = read_all("/proc/self/cmdline", &len), *p;
	uint32_t nr = 0;
	int ret = -1;

	(void)w;
	(void)feat;
	if (buf && len > 0 && buf[len - 1] == '\0') {
		for (p = buf; p < buf + len; p += strlen(p) + 1)
			nr++;
		ret = put_u32(f, nr);
		for (p = buf; !ret && p < buf + len; p += strlen(p) + 1)
			ret = put_string(f, p);
	}
	free(buf);
	return ret;
}

static int feat_event_desc(FILE *f, const struct prof_pd_writer *w, int feat)
{
	(void)feat;
	return put_u32(f, 1) || put_u32(f, PROF_PD_ATTR_SIZE) ||
	       fwrite(&w->attr, PROF_PD_ATTR_SIZE, 1, f) != 1 ||
	       put_u32(f, 0) ||		/* no ids: there is one event */
	       put_string(f, w->name);
}

static int feat_sample_time(FILE *f, const struct prof_pd_writer *w, int feat)
{
	(void)feat;
	if (!w->n.samples)
		return -1;
	return put_u64(f, w->first_ns) || put_u64(f, w->last_ns);
}

static int feat_clockid(FILE *f, const struct prof_pd_writer *w, int feat)
{
	struct timespec res;

	(void)w;
	(void)feat;
	if (clock_getres(CLOCK_MONOTONIC, &res))
		return -1;
	return put_u64(f, (uint64_t)res.tv_sec * 1000000000 + res.tv_nsec);
}

/* Lets perf script --tod turn CLOCK_MONOTONIC times into wall clock. */
static int feat_clock_data(FILE *f, const struct prof_pd_writer *w, int feat)
{
	(void)feat;
	return put_u32(f, 1) || put_u32(f, CLOCK_MONOTONIC) ||
	       put_u64(f, w->tod_ns) || put_u64(f, w->mono_ns);
}

static const struct {
	int bit;
	int (*fn)(FILE *f, const struct prof_pd_writer *w, int feat);
} features[] = {	/* in bit order: the sections go in that order */
	{ FEAT_HOSTNAME, feat_uname },
	{ FEAT_OSRELEASE, feat_uname },
	{ FEAT_VERSION, feat_version },
	{ FEAT_ARCH, feat_uname },
	{ FEAT_NRCPUS, feat_nrcpus },
	{ FEAT_CPUDESC, feat_cpudesc },
	{ FEAT_CPUID, feat_cpuid },
	{ FEAT_TOTAL_MEM, feat_total_mem },
	{ FEAT_CMDLINE, feat_cmdline },
	{ FEAT_EVENT_DESC, feat_event_desc },
	{ FEAT_SAMPLE_TIME, feat_sample_time },
	{ FEAT_CLOCKID, feat_clockid },
	{ FEAT_CLOCK_DATA, feat_clock_data },
};

struct feat_buf {
	char *buf;
	size_t len;
};

/* Each feature's bytes in memory: their sizes place them. */
static void collect_features(const struct prof_pd_writer *w, struct feat_buf *fb,
			     uint64_t *bits)
{
	size_t i;
	FILE *m;
	int bad;

	for (i = 0; i < ARRAY_SIZE(features); i++) {
		m = open_memstream(&fb[i].buf, &fb[i].len);
		if (!m)
			continue;
		bad = features[i].fn(m, w, features[i].bit);
		if (fclose(m) || bad) {
			free(fb[i].buf);
			fb[i].buf = NULL;
			continue;
		}
		bits[features[i].bit / 64] |= 1ULL << (features[i].bit % 64);
	}
}

/* At @off: the section table, then the features' bytes. */
static int write_features(struct prof_pd_writer *w, uint64_t off, uint64_t *bits)
{
	struct feat_buf fb[ARRAY_SIZE(features)] = { { 0 } };
	struct prof_pd_section sec;
	size_t i, nr = 0;
	int ret = 0;

	collect_features(w, fb, bits);
	for (i = 0; i < ARRAY_SIZE(features); i++)
		nr += fb[i].buf != NULL;
	sec.offset = off + nr * sizeof(sec);
	for (i = 0; i < ARRAY_SIZE(features) && !ret; i++) {
		if (!fb[i].buf)
			continue;
		sec.size = fb[i].len;
		ret = fwrite(&sec, sizeof(sec), 1, w->f) != 1;
		sec.offset += sec.size;
	}
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		if (fb[i].buf && !ret)
			ret = fwrite(fb[i].buf, fb[i].len, 1, w->f) != 1;
		free(fb[i].buf);
	}
	return ret ? -EIO : 0;
}

static int write_header(struct prof_pd_writer *w, uint64_t data_size)
{
	struct prof_pd_file_header h = {
		.size = sizeof(h),
		.attr_size = sizeof(struct prof_pd_file_attr),
		.attrs = { sizeof(h), sizeof(struct prof_pd_file_attr) },
		.data = { DATA_OFFSET, data_size },
	};
	struct prof_pd_file_attr fa = { .ids = { 0, 0 } };
	int ret;

	memcpy(h.magic, PROF_PD_MAGIC, PROF_PD_MAGIC_LEN);
	ret = write_features(w, DATA_OFFSET + data_size, h.features);
	if (ret)
		return ret;
	memcpy(fa.attr, &w->attr, PROF_PD_ATTR_SIZE);
	if (fseeko(w->f, 0, SEEK_SET) ||
	    fwrite(&h, sizeof(h), 1, w->f) != 1 ||
	    fwrite(&fa, sizeof(fa), 1, w->f) != 1)
		return -errno ?: -EIO;
	return 0;
}

int prof_pd_close(struct prof_pd_writer *w)
{
	off_t end;
	int ret;

	if (!w)
		return 0;
	ret = w->err;
	end = ftello(w->f);
	if (!ret && end < (off_t)DATA_OFFSET)
		ret = -EIO;
	if (!ret)
		ret = write_header(w, end - DATA_OFFSET);
	if (fclose(w->f) && !ret)
		ret = -errno;
	free(w->name);
	free(w);
	return ret;
}

/* Reader. */

struct reader {
	struct prof_pd_file *f;
	const char *base;		/* the mapped file */
	const struct prof_pd_file_header *h;
	uint64_t sid_type;		/* the sample_id trailer's fields */
	size_t sid_size;
	size_t cap;			/* of f->items */
	size_t chains_used;
	unsigned int attr_idx;		/* the event among the attrs */
	unsigned int last;		/* attr of the last ID looked up */
	ZSTD_DStream *zstd;		/* while inflating */
	size_t cap_decomp;		/* of f->decomp */
	bool same_sid;			/* one sample_id trailer for all */
	const char *why;		/* the one reason a file is refused */
};

/* Sets why a file is refused; returns @err. */
static int refuse(struct reader *r, int err, const char *why)
{
	if (!r->why)
		r->why = why;
	return err;
}

static uint64_t get_u64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool section_ok(const struct prof_pd_file *f, const struct prof_pd_section *s)
{
	return s->offset <= f->map_len && s->size <= f->map_len - s->offset;
}

static const char *const hw_names[] = {
	"cpu-cycles", "instructions", "cache-references", "cache-misses",
	"branch-instructions", "branch-misses", "bus-cycles",
	"stalled-cycles-frontend", "stalled-cycles-backend", "ref-cycles",
};

static const char *const sw_names[] = {
	"cpu-clock", "task-clock", "page-faults", "context-switches",
	"cpu-migrations", "minor-faults", "major-faults", "alignment-faults",
	"emulation-faults", "dummy",
};

/* When the file does not name its event: perf's names, or type:config. */
static char *name_event(const struct prof_pd_event *ev)
{
	char *name;

	if (ev->type == PERF_TYPE_HARDWARE && ev->config < ARRAY_SIZE(hw_names))
		return strdup(hw_names[ev->config]);
	if (ev->type == PERF_TYPE_SOFTWARE && ev->config < ARRAY_SIZE(sw_names))
		return strdup(sw_names[ev->config]);
	if (asprintf(&name, "%u:0x%" PRIx64, ev->type, ev->config) < 0)
		return NULL;
	return name;
}

/* Feature @bit's section, when the file has it in bounds. */
static bool feature(const struct reader *r, unsigned int bit,
		    struct prof_pd_section *sec)
{
	const struct prof_pd_file_header *h = r->h;
	uint64_t off = h->data.offset + h->data.size;
	unsigned int i, n = 0;

	if (!(h->features[bit / 64] & 1ULL << (bit % 64)))
		return false;
	for (i = 0; i < bit; i++)
		n += !!(h->features[i / 64] & 1ULL << (i % 64));
	if (off > r->f->map_len ||
	    (n + 1) * sizeof(*sec) > r->f->map_len - off)
		return false;
	memcpy(sec, r->base + off + n * sizeof(*sec), sizeof(*sec));
	return section_ok(r->f, sec);
}

/* A perf_header_string feature: u32 len, then len bytes NUL-padded. */
static char *feature_string(const struct reader *r, unsigned int bit)
{
	struct prof_pd_section sec;
	uint32_t len;

	if (!feature(r, bit, &sec) || sec.size < 4)
		return NULL;
	len = get_u32(r->base + sec.offset);
	if (len > sec.size - 4)
		return NULL;
	return strndup(r->base + sec.offset + 4, len);
}

static void read_host(const struct reader *r, struct prof_pd_host *host)
{
	struct prof_pd_section sec;

	host->hostname = feature_string(r, FEAT_HOSTNAME);
	host->osrelease = feature_string(r, FEAT_OSRELEASE);
	host->arch = feature_string(r, FEAT_ARCH);
	host->cpudesc = feature_string(r, FEAT_CPUDESC);
	host->cpuid = feature_string(r, FEAT_CPUID);
	host->version = feature_string(r, FEAT_VERSION);
	host->online_cpus = -1;
	/* nr_cpus_available, then nr_cpus_online */
	if (feature(r, FEAT_NRCPUS, &sec) && sec.size >= 8)
		host->online_cpus = get_u32(r->base + sec.offset + 4);
}

/* HEADER_EVENT_DESC's name of attr @idx; NULL when it has none. */
static char *event_desc_name(const struct reader *r, unsigned int idx)
{
	struct prof_pd_section sec;
	unsigned int i, n;
	uint32_t nr, sz, len;
	const char *p;
	uint64_t end;

	if (!feature(r, FEAT_EVENT_DESC, &sec) || sec.size < 8)
		return NULL;
	p = r->base + sec.offset;
	end = sec.offset + sec.size;
	nr = get_u32(p);
	sz = get_u32(p + 4);
	p += 8;
	for (i = 0; i < nr; i++) {
		if ((uint64_t)(p - r->base) + sz + 8 > end)
			return NULL;
		p += sz;
		n = get_u32(p);			/* ids */
		len = get_u32(p + 4);
		p += 8;
		if ((uint64_t)(p - r->base) + len + 8ULL * n > end)
			return NULL;
		if (i == idx)
			return strndup(p, len);
		p += len + 8ULL * n;
	}
	return NULL;
}

#define SID_FIELDS	(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ID | \
			 PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU | \
			 PERF_SAMPLE_IDENTIFIER)

/* Attr @i: its event, name, sample layout and sample IDs. */
static int read_one_attr(struct reader *r, uint64_t i, struct prof_pd_attr *ea)
{
	const struct prof_pd_file_header *h = r->h;
	const char *base = r->base + h->attrs.offset + i * h->attr_size;
	uint64_t sz = h->attr_size - sizeof(struct prof_pd_section);
	struct perf_event_attr a = { 0 };
	struct prof_pd_section ids;

	memcpy(&a, base, sz < sizeof(a) ? sz : sizeof(a));
	memcpy(&ids, base + sz, sizeof(ids));
	if (ids.size && (!section_ok(r->f, &ids) || ids.size % 8))
		return refuse(r, -EINVAL, "an event's sample IDs lie outside the file");
	ea->ids = r->base + ids.offset;
	ea->nr_ids = ids.size / 8;
	ea->sample_type = a.sample_type;
	ea->sideband = a.type == PERF_TYPE_SOFTWARE && a.config == PERF_COUNT_SW_DUMMY;
	ea->ev = (struct prof_pd_event) {
		.type = a.type, .config = a.config,
		.config1 = a.config1, .config2 = a.config2,
		.period_or_freq = a.sample_period, .freq = a.freq,
		.callchain = !!(a.sample_type & PERF_SAMPLE_CALLCHAIN),
	};
	if (a.sample_id_all)
		ea->sid_type = a.sample_type & SID_FIELDS;
	if (!ea->sideband && a.sample_type & PERF_SAMPLE_READ)
		return refuse(r, -EOPNOTSUPP, "its samples carry counter values (sample_type READ, perf record -s or a group leader sampling), which llctl does not read");
	if (!ea->sideband && !(a.sample_type & PERF_SAMPLE_IP))
		return refuse(r, -EOPNOTSUPP, "its samples have no instruction pointer (sample_type without IP)");
	ea->name = event_desc_name(r, i);
	if (!ea->name)
		ea->name = name_event(&ea->ev);
	ea->ev.name = ea->name;
	return ea->name ? 0 : -ENOMEM;
}

/* How samples of several events are told apart, and side-band trailers read. */
static int check_ids(struct reader *r)
{
	const struct prof_pd_file *f = r->f;
	bool ident = true, same_type = true;
	unsigned int i;

	r->same_sid = true;
	for (i = 0; i < f->nr_events; i++) {
		ident &= !!(f->events[i].sample_type & PERF_SAMPLE_IDENTIFIER);
		same_type &= f->events[i].sample_type == f->events[0].sample_type;
		r->same_sid &= f->events[i].sid_type == f->events[0].sid_type;
	}
	if (f->nr_events == 1 || ident)
		return 0;
	if (!same_type || !(f->events[0].sample_type & PERF_SAMPLE_ID))
		return refuse(r, -EOPNOTSUPP, "its events' samples differ in layout and carry no sample identifier to tell them apart");
	if (!r->same_sid)
		return refuse(r, -EOPNOTSUPP, "its events' side-band records differ in layout and carry no sample identifier");
	return 0;
}

/*
 * Every attr; the first that is not side-band only (dummy) is f->ev, the
 * event of files with one.
 */
static int read_attrs(struct reader *r)
{
	const struct prof_pd_file_header *h = r->h;
	struct prof_pd_file *f = r->f;
	const struct prof_pd_attr *ea;
	uint64_t n, i;
	int ret;

	if (h->attr_size < PERF_ATTR_SIZE_VER0 + sizeof(struct prof_pd_section) ||
	    !h->attrs.size || !section_ok(r->f, &h->attrs))
		return refuse(r, -EINVAL, "its header has no valid event attributes");
	n = h->attrs.size / h->attr_size;
	if (!n || n > 4096)
		return refuse(r, -EINVAL, "its header holds no event, or more than 4096");
	f->events = calloc(n, sizeof(*f->events));
	if (!f->events)
		return -ENOMEM;
	f->nr_events = n;
	for (i = 0; i < n; i++) {
		ret = read_one_attr(r, i, &f->events[i]);
		if (ret)
			return ret;
		if (f->events[r->attr_idx].sideband && !f->events[i].sideband)
			r->attr_idx = i;
	}
	ret = check_ids(r);
	if (ret)
		return ret;
	ea = &f->events[r->attr_idx];
	f->sample_type = ea->sample_type;
	f->ev = ea->ev;
	r->sid_type = ea->sid_type;
	r->sid_size = 8 * __builtin_popcountll(r->sid_type);
	return 0;
}

/* The attr whose sample IDs hold @id; -1 when none does. */
static int find_id(struct reader *r, uint64_t id)
{
	const struct prof_pd_file *f = r->f;
	unsigned int i, k;
	uint64_t j;

	for (k = 0; k < f->nr_events; k++) {
		i = (r->last + k) % f->nr_events;
		for (j = 0; j < f->events[i].nr_ids; j++) {
			if (get_u64(f->events[i].ids + 8 * j) == id) {
				r->last = i;
				return i;
			}
		}
	}
	return -1;
}

static struct prof_pd_item *new_item(struct reader *r, enum prof_pd_kind kind)
{
	struct prof_pd_file *f = r->f;
	struct prof_pd_item *it;

	if (f->nr_items == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;

		it = reallocarray(f->items, cap, sizeof(*it));
		if (!it)
			return NULL;
		f->items = it;
		r->cap = cap;
	}
	it = &f->items[f->nr_items];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->seq = f->nr_items++;
	return it;
}

static bool is_kernel_addr(uint64_t a)
{
	return a >> 63;
}

/*
 * Splits perf's chain (markers, then frames) into ours: kernel frames then
 * user frames, in r->f->chains. Frames of other contexts (hypervisor,
 * guest) are left out; frames before any marker go by their address.
 */
static void split_chain(struct reader *r, const char *p, uint64_t nr,
			struct prof_pd_sample *s)
{
	uint64_t *out = r->f->chains + r->chains_used, e;
	int pass, ctx;
	uint64_t i;

	s->chain = out;
	for (pass = 0; pass < 2; pass++) {
		ctx = -1;
		for (i = 0; i < nr; i++) {
			e = get_u64(p + 8 * i);
			if (e >= (uint64_t)PERF_CONTEXT_MAX) {
				ctx = e == (uint64_t)PERF_CONTEXT_KERNEL ? 0 :
				      e == (uint64_t)PERF_CONTEXT_USER ? 1 : 2;
				continue;
			}
			if ((ctx < 0 ? !is_kernel_addr(e) : ctx) != pass)
				continue;
			*out++ = e;
			if (pass)
				s->nr_user++;
			else
				s->nr_kernel++;
		}
	}
	r->chains_used = out - r->f->chains;
}

/* The u64 words before the callchain, each present or not by its bit. */
#define SAMPLE_FIXED	(PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | \
			 PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | \
			 PERF_SAMPLE_ID | PERF_SAMPLE_STREAM_ID | \
			 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD)

/* Word @bit of the fixed part at @p, when sample_type @t has it. */
static const char *sample_word(const char *p, uint64_t t, uint64_t bit)
{
	/* IDENTIFIER, bit 16, comes first */
	if (bit == PERF_SAMPLE_IDENTIFIER)
		return t & bit ? p : NULL;
	return t & bit ? p + 8 * (!!(t & PERF_SAMPLE_IDENTIFIER) +
				  __builtin_popcountll(t & SAMPLE_FIXED & (bit - 1))) :
	       NULL;
}

static void parse_sample_fixed(const char *p, uint64_t t, struct prof_pd_sample *s)
{
	const char *w;

	w = sample_word(p, t, PERF_SAMPLE_IP);	/* read_attrs() made sure */
	s->ip = w ? get_u64(w) : 0;
	w = sample_word(p, t, PERF_SAMPLE_TID);
	if (w) {
		s->pid = get_u32(w);
		s->tid = get_u32(w + 4);
	}
	w = sample_word(p, t, PERF_SAMPLE_TIME);
	s->time_ns = w ? get_u64(w) : 0;
	w = sample_word(p, t, PERF_SAMPLE_CPU);
	s->cpu = w ? get_u32(w) : 0;
	w = sample_word(p, t, PERF_SAMPLE_PERIOD);
	s->period = w ? get_u64(w) : 1;
}

/*
 * The event of the sample at @p: its first word with IDENTIFIER (check_ids()
 * made sure all events have it), else its ID word (then all share one
 * sample_type). -1 for an ID no event has.
 */
static int sample_event(struct reader *r, const char *p, const char *end)
{
	const struct prof_pd_file *f = r->f;
	uint64_t t = f->events[0].sample_type;
	const char *w;

	if (f->nr_events == 1)
		return 0;
	w = t & PERF_SAMPLE_IDENTIFIER ? p : sample_word(p, t, PERF_SAMPLE_ID);
	if (!w || end - w < 8)
		return -1;
	return find_id(r, get_u64(w));
}

static int parse_sample(struct reader *r, const struct perf_event_header *h,
			const char *p, const char *end)
{
	int ev = sample_event(r, p, end);
	uint64_t t = ev < 0 ? 0 : r->f->events[ev].sample_type, nr = 0;
	size_t fixed = 8 * __builtin_popcountll(t & SAMPLE_FIXED);
	uint16_t mode = h->misc & PERF_RECORD_MISC_CPUMODE_MASK;
	bool chain = t & PERF_SAMPLE_CALLCHAIN;
	struct prof_pd_item *it;

	if (ev < 0 || !(t & PERF_SAMPLE_IP) || end - p < (ptrdiff_t)(fixed + 8 * chain))
		goto malformed;
	if (chain) {
		nr = get_u64(p + fixed);
		if (nr > (uint64_t)(end - p - fixed - 8) / 8)
			goto malformed;
	}
	it = new_item(r, PROF_PD_SAMPLE);
	if (!it)
		return -ENOMEM;
	parse_sample_fixed(p, t, &it->sample);
	it->sample.user = mode == PERF_RECORD_MISC_USER ||
			  mode == PERF_RECORD_MISC_GUEST_USER;
	if (chain)
		split_chain(r, p + fixed + 8, nr, &it->sample);
	it->sample.event = ev;
	it->time_ns = it->sample.time_ns;
	r->f->events[ev].samples++;
	r->f->samples++;
	return 0;
malformed:
	r->f->malformed++;
	return 0;
}

/* Time and CPU from a side-band record's sample_id trailer. */
static void parse_sample_id(const struct reader *r, const char *end,
			    uint64_t *time_ns, uint32_t *cpu)
{
	const char *p = end - r->sid_size;

	if (!r->sid_size)
		return;
	p += 8 * !!(r->sid_type & PERF_SAMPLE_TID);
	if (r->sid_type & PERF_SAMPLE_TIME) {
		*time_ns = get_u64(p);
		p += 8;
	}
	p += 8 * !!(r->sid_type & PERF_SAMPLE_ID) +
	     8 * !!(r->sid_type & PERF_SAMPLE_STREAM_ID);
	if (r->sid_type & PERF_SAMPLE_CPU)
		*cpu = get_u32(p);
}

/* A NUL-terminated string in [p, end), or NULL. */
static const char *get_str(const char *p, const char *end)
{
	return p < end && memchr(p, '\0', end - p) ? p : NULL;
}

static int parse_map(struct reader *r, const struct perf_event_header *h,
		     const char *p, const char *end)
{
	bool two = h->type == PERF_RECORD_MMAP2;
	size_t fixed = two ? 64 : 32;
	struct prof_pd_item *it;
	struct prof_pd_map *m;

	if (end - p < (ptrdiff_t)fixed || !get_str(p + fixed, end))
		return -EINVAL;
	it = new_item(r, PROF_PD_MAP);
	if (!it)
		return -ENOMEM;
	m = &it->map;
	m->pid = get_u32(p);
	m->tid = get_u32(p + 4);
	m->start = get_u64(p + 8);
	m->len = get_u64(p + 16);
	m->pgoff = get_u64(p + 24);
	if (two && !(h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID)) {
		m->maj = get_u32(p + 32);
		m->min = get_u32(p + 36);
		m->ino = get_u64(p + 40);
	}
	if (two) {
		m->prot = get_u32(p + 56);
		m->flags = get_u32(p + 60);
	}
	m->kernel = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) ==
		    PERF_RECORD_MISC_KERNEL;
	m->filename = p + fixed;
	parse_sample_id(r, end + r->sid_size, &m->time_ns, &m->cpu);
	it->time_ns = m->time_ns;
	return 0;
}

static int parse_comm(struct reader *r, const struct perf_event_header *h,
		      const char *p, const char *end)
{
	struct prof_pd_item *it;
	uint32_t cpu = 0;

	if (end - p < 8 || !get_str(p + 8, end))
		return -EINVAL;
	it = new_item(r, PROF_PD_COMM);
	if (!it)
		return -ENOMEM;
	it->comm.pid = get_u32(p);
	it->comm.tid = get_u32(p + 4);
	it->comm.comm = p + 8;
	it->comm.exec = h->misc & PERF_RECORD_MISC_COMM_EXEC;
	parse_sample_id(r, end + r->sid_size, &it->comm.time_ns, &cpu);
	it->time_ns = it->comm.time_ns;
	return 0;
}

static int parse_task(struct reader *r, const struct perf_event_header *h,
		      const char *p, const char *end)
{
	struct prof_pd_item *it;

	if (end - p < 24)
		return -EINVAL;
	it = new_item(r, h->type == PERF_RECORD_FORK ? PROF_PD_FORK : PROF_PD_EXIT);
	if (!it)
		return -ENOMEM;
	it->task.pid = get_u32(p);
	it->task.ppid = get_u32(p + 4);
	it->task.tid = get_u32(p + 8);
	it->task.ptid = get_u32(p + 12);
	it->task.time_ns = get_u64(p + 16);
	it->time_ns = it->task.time_ns;
	return 0;
}

static int parse_lost(struct reader *r, const struct perf_event_header *h,
		      const char *p, const char *end)
{
	if (h->type == PERF_RECORD_LOST) {
		if (end - p < 16)
			return -EINVAL;
		r->f->lost_sideband += get_u64(p + 8);
	} else {
		if (end - p < 8)
			return -EINVAL;
		r->f->lost_samples += get_u64(p);
	}
	return 0;
}

/*
 * The sample_id trailer of a side-band record in [p, end): the one all
 * events share, or that of the event its last word (IDENTIFIER) names.
 */
static void record_sid(struct reader *r, const char *p, const char *end)
{
	int ev;

	if (r->same_sid || end - p < 8)
		return;
	ev = find_id(r, get_u64(end - 8));
	r->sid_type = ev < 0 ? 0 : r->f->events[ev].sid_type;
	r->sid_size = 8 * __builtin_popcountll(r->sid_type);
}

/* One record, its trailer cut off @end for the parsers but samples'. */
static int parse_record(struct reader *r, const char *rec, size_t size)
{
	const char *p = rec + sizeof(struct perf_event_header), *end = rec + size;
	struct perf_event_header h;
	int ret = -EINVAL;

	memcpy(&h, rec, sizeof(h));
	if (h.type == PERF_RECORD_SAMPLE)
		return parse_sample(r, &h, p, end);
	if (h.type < PERF_RECORD_MAX)
		record_sid(r, p, end);
	if (h.type < PERF_RECORD_MAX && size - sizeof(h) >= r->sid_size)
		end -= r->sid_size;
	else if (h.type < PERF_RECORD_MAX)
		h.type = PERF_RECORD_MAX;	/* too short: malformed */
	switch (h.type) {
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2:
		ret = parse_map(r, &h, p, end);
		break;
	case PERF_RECORD_COMM:
		ret = parse_comm(r, &h, p, end);
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		ret = parse_task(r, &h, p, end);
		break;
	case PERF_RECORD_LOST:
	case PERF_RECORD_LOST_SAMPLES:
		ret = parse_lost(r, &h, p, end);
		break;
	case PERF_RECORD_MAX:
		break;
	default:
		return 0;	/* throttling, rounds, ids...: not a profile's */
	}
	if (ret == -EINVAL) {
		r->f->malformed++;
		ret = 0;
	}
	return ret;
}

typedef int (*record_fn)(struct reader *r, const char *rec, size_t size);

/* @fn per record of [base + off, base + end); -EINVAL when it is torn. */
static int walk_range(struct reader *r, const char *base, uint64_t off,
		      uint64_t end, record_fn fn)
{
	struct perf_event_header h;
	uint64_t extra;
	int ret;

	while (off + sizeof(h) <= end) {
		memcpy(&h, base + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > end - off)
			return refuse(r, -EINVAL, "a record runs past the end of its data (the file is torn)");
		ret = fn(r, base + off, h.size);
		if (ret)
			return ret;
		extra = 0;
		if (h.type == REC_AUXTRACE && h.size >= 16)
			extra = get_u64(base + off + 8);
		if (extra > end - off - h.size)
			return refuse(r, -EINVAL, "an AUX trace runs past the end of the data (the file is torn)");
		off += h.size + extra;
	}
	return off == end ? 0 :
	       refuse(r, -EINVAL, "its data ends inside a record (the file is torn)");
}

/* The data section, then the records its compressed records held. */
static int walk(struct reader *r, record_fn fn)
{
	uint64_t off = r->h->data.offset;
	int ret = walk_range(r, r->base, off, off + r->h->data.size, fn);

	return ret ?: walk_range(r, r->f->decomp, 0, r->f->decomp_len, fn);
}

/* PERF_RECORD_COMPRESSED(2)'s zstd bytes, inflated onto f->decomp. */
static int inflate_record(struct reader *r, ZSTD_DStream *z, const char *rec,
			  size_t size)
{
	struct prof_pd_file *f = r->f;
	struct perf_event_header h;
	ZSTD_inBuffer in;
	ZSTD_outBuffer out;
	size_t cap = f->decomp_len, ret;
	char *buf;

	memcpy(&h, rec, sizeof(h));
	in = (ZSTD_inBuffer) { rec + sizeof(h), size - sizeof(h), 0 };
	if (h.type == REC_COMPRESSED2) {
		if (size < sizeof(h) + 8 || get_u64(rec + sizeof(h)) > size - sizeof(h) - 8)
			return refuse(r, -EINVAL, "a compressed record is shorter than it says");
		in = (ZSTD_inBuffer) { rec + sizeof(h) + 8, get_u64(rec + sizeof(h)), 0 };
	}
	do {
		if (f->decomp_len + ZSTD_DStreamOutSize() > r->cap_decomp) {
			cap = 2 * r->cap_decomp + ZSTD_DStreamOutSize();
			buf = realloc(f->decomp, cap);
			if (!buf)
				return -ENOMEM;
			f->decomp = buf;
			r->cap_decomp = cap;
		}
		out = (ZSTD_outBuffer) { f->decomp + f->decomp_len,
					 r->cap_decomp - f->decomp_len, 0 };
		ret = ZSTD_decompressStream(z, &out, &in);
		if (ZSTD_isError(ret))
			return refuse(r, -EINVAL, "a compressed record does not inflate (zstd): the file is damaged");
		f->decomp_len += out.pos;
	} while (in.pos < in.size || out.pos == out.size);
	return 0;
}

static int inflate_one(struct reader *r, const char *rec, size_t size)
{
	struct perf_event_header h;

	memcpy(&h, rec, sizeof(h));
	if (h.type != REC_COMPRESSED && h.type != REC_COMPRESSED2)
		return 0;
	return inflate_record(r, r->zstd, rec, size);
}

/* Compressed records (perf record -z), inflated once before the walks. */
static int inflate_all(struct reader *r)
{
	uint64_t off = r->h->data.offset;
	int ret;

	r->zstd = ZSTD_createDStream();
	if (!r->zstd || ZSTD_isError(ZSTD_initDStream(r->zstd))) {
		ZSTD_freeDStream(r->zstd);
		return -ENOMEM;
	}
	ret = walk_range(r, r->base, off, off + r->h->data.size, inflate_one);
	ZSTD_freeDStream(r->zstd);
	r->zstd = NULL;
	return ret;
}

/* First pass: how many callchain entries, to size f->chains once. */
static int count_chain(struct reader *r, const char *rec, size_t size)
{
	uint64_t t, off = sizeof(struct perf_event_header), nr;
	struct perf_event_header h;
	int ev;

	memcpy(&h, rec, sizeof(h));
	if (h.type != PERF_RECORD_SAMPLE)
		return 0;
	ev = sample_event(r, rec + off, rec + size);
	t = ev < 0 ? 0 : r->f->events[ev].sample_type;
	if (!(t & PERF_SAMPLE_CALLCHAIN))
		return 0;
	off += 8 * __builtin_popcountll(t & SAMPLE_FIXED);
	if (off + 8 > size)
		return 0;
	nr = get_u64(rec + off);
	if (nr <= (size - off - 8) / 8)
		r->chains_used += nr;
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct prof_pd_item *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int read_records(struct reader *r)
{
	int ret = inflate_all(r) ?: walk(r, count_chain);

	if (ret)
		return ret;
	r->f->chains = calloc(r->chains_used + 1, sizeof(uint64_t));
	if (!r->f->chains)
		return -ENOMEM;
	r->chains_used = 0;
	ret = walk(r, parse_record);
	if (ret)
		return ret;
	if (r->f->nr_items)
		qsort(r->f->items, r->f->nr_items, sizeof(*r->f->items), cmp_item);
	return 0;
}

static int check_header(struct reader *r)
{
	const struct prof_pd_file_header *h = r->h;

	if (r->f->map_len >= PROF_PD_MAGIC_LEN &&
	    !memcmp(h->magic, "2ELIFREP", PROF_PD_MAGIC_LEN))
		return refuse(r, -EOPNOTSUPP, "it was recorded on a machine of the other byte order");
	if (r->f->map_len < sizeof(*h) || memcmp(h->magic, PROF_PD_MAGIC, PROF_PD_MAGIC_LEN))
		return refuse(r, -EINVAL, "it does not start with perf.data's magic PERFILE2");
	if (h->size != sizeof(*h))
		return refuse(r, -EOPNOTSUPP, "its header is not the 104-byte one of perf.data version 2 (a pipe-mode file? perf record -o FILE writes the other)");
	if (!section_ok(r->f, &h->data) || h->data.offset % 8)
		return refuse(r, -EINVAL, "its data section lies outside the file (the file is torn)");
	return 0;
}

static int map_file(struct prof_pd_file *f, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	else if (st.st_size < (off_t)sizeof(struct prof_pd_file_header))
		ret = -EINVAL;
	if (!ret) {
		f->map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (f->map == MAP_FAILED) {
			f->map = NULL;
			ret = -errno;
		}
		f->map_len = st.st_size;
	}
	close(fd);
	return ret;
}

struct prof_pd_file *prof_pd_open_read(const char *path, int *err)
{
	return prof_pd_open_read_why(path, err, NULL);
}

struct prof_pd_file *prof_pd_open_read_why(const char *path, int *err, const char **why)
{
	struct reader r = { 0 };
	int ret;

	r.f = calloc(1, sizeof(*r.f));
	if (!r.f) {
		*err = -ENOMEM;
		return NULL;
	}
	ret = map_file(r.f, path);
	r.base = r.f->map;
	r.h = r.f->map;
	ret = ret ?: check_header(&r);
	ret = ret ?: read_attrs(&r);
	if (!ret)
		read_host(&r, &r.f->host);
	ret = ret ?: read_records(&r);
	if (why)
		*why = ret ? r.why : NULL;
	if (ret) {
		prof_pd_file_free(r.f);
		*err = ret;
		return NULL;
	}
	return r.f;
}

void prof_pd_file_free(struct prof_pd_file *f)
{
	unsigned int i;

	if (!f)
		return;
	if (f->map)
		munmap(f->map, f->map_len);
	free(f->items);
	free(f->chains);
	free(f->name);
	free(f->decomp);
	for (i = 0; i < f->nr_events; i++)
		free(f->events[i].name);
	free(f->events);
	free(f->host.hostname);
	free(f->host.osrelease);
	free(f->host.arch);
	free(f->host.cpudesc);
	free(f->host.cpuid);
	free(f->host.version);
	free(f);
}

bool prof_pd_is_perf_data(const char *path)
{
	char magic[PROF_PD_MAGIC_LEN];
	FILE *f = fopen(path, "r");
	bool ret;

	if (!f)
		return false;
	ret = fread(magic, sizeof(magic), 1, f) == 1 &&
	      !memcmp(magic, PROF_PD_MAGIC, PROF_PD_MAGIC_LEN);
	fclose(f);
	return ret;
}
