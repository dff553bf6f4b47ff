// SPDX-License-Identifier: GPL-2.0
/*
 * The side-band of a sampled command, from the kernel's perf rings, and its
 * /proc fallback: the ring layout is in profile/sideband.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "profile/perfdata.h"
#include "profile/sideband.h"

#define SCRATCH_SIZE	65536	/* header.size is a u16 */

int prof_sb_ring_mmap(struct prof_sb_ring *r, int fd, unsigned int data_pages)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *p;

	if (!data_pages || data_pages & (data_pages - 1))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->map_len = (1 + data_pages) * page;
	p = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->pg = p;
	r->data = (char *)p + page;
	r->mask = (uint64_t)data_pages * page - 1;
	return 0;
}

void prof_sb_ring_unmap(struct prof_sb_ring *r)
{
	if (r->pg)
		munmap(r->pg, r->map_len);
	free(r->scratch);
	r->pg = NULL;
	r->scratch = NULL;
}

/* @h's record at ring offset @off, copied whole when it wraps; or NULL. */
static const struct perf_event_header *ring_record(struct prof_sb_ring *r,
						   uint64_t off, size_t size)
{
	size_t first = r->mask + 1 - off;

	if (size <= first)
		return (const void *)(r->data + off);
	if (!r->scratch)
		r->scratch = malloc(SCRATCH_SIZE);
	if (!r->scratch)
		return NULL;
	memcpy(r->scratch, r->data + off, first);
	memcpy(r->scratch + first, r->data, size - first);
	return (const void *)r->scratch;
}

int prof_sb_ring_read(struct prof_sb_ring *r, prof_sb_fn fn, void *ctx)
{
	const struct perf_event_header *rec;
	struct perf_event_header h;
	uint64_t head, tail;
	int n = 0, ret = 0;

	/* Only we write data_tail: a plain load sees our last store. */
	tail = r->pg->data_tail;
	/*
	 * (C) in the kernel's ring_buffer.c diagram: pairs with the smp_wmb()
	 * (B) before perf_output_put_handle() stores data_head, so the
	 * records below head are complete when we read them.
	 */
	head = __atomic_load_n(&r->pg->data_head, __ATOMIC_ACQUIRE);
	while (tail < head) {
		/* records are 8-byte aligned: a header never wraps */
		memcpy(&h, r->data + (tail & r->mask), sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail) {
			ret = -EIO;
			break;
		}
		rec = ring_record(r, tail & r->mask, h.size);
		if (!rec) {
			ret = -ENOMEM;
			break;
		}
		ret = fn(rec, ctx);
		tail += h.size;
		n++;
		if (ret)
			break;
	}
	/*
	 * (D): our reads of the records happen before the kernel sees their
	 * space free; pairs with the smp_mb() (A) after perf_output_begin()
	 * reads data_tail.
	 */
	__atomic_store_n(&r->pg->data_tail, tail, __ATOMIC_RELEASE);
	return ret ?: n;
}

/* A record waiting in prof_sb_drain(): its time, and where its copy is. */
struct pending {
	uint64_t time_ns;
	size_t off;
	size_t seq;
};

struct prof_sb {
	int nr;
	struct prof_sb_ring *ring;
	uint64_t lost;
	char *buf;		/* copies of the drained records */
	size_t len, cap;
	struct pending *pend;
	size_t npend, pcap;
};

static int open_dummy(pid_t pid, int cpu)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_DUMMY,
		.sample_type = PROF_PD_SB_SAMPLE_TYPE,
		.disabled = 1,
		.inherit = 1,
		.enable_on_exec = 1,
		.mmap = 1,
		.mmap2 = 1,
		.comm = 1,
		.comm_exec = 1,
		.task = 1,
		.sample_id_all = 1,
		/* side-band needs no kernel samples: paranoid 2 allows it */
		.exclude_kernel = 1,
		.exclude_hv = 1,
		/* the module stamps samples with ktime_get_mono_fast_ns() */
		.use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,
		.watermark = 1,
		.wakeup_watermark = PROF_SB_RING_PAGES * sysconf(_SC_PAGESIZE) / 4,
	};

	return syscall(SYS_perf_event_open, &a, pid, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

static int add_ring(struct prof_sb *sb, int cpu, pid_t pid)
{
	struct prof_sb_ring *r;
	int fd, ret;

	fd = open_dummy(pid, cpu);
	if (fd < 0 && (errno == ENODEV || errno == ENOENT))
		return 0;	/* went offline since we read the list */
	if (fd < 0)
		return -errno;
	r = reallocarray(sb->ring, sb->nr + 1, sizeof(*r));
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	sb->ring = r;
	ret = prof_sb_ring_mmap(&r[sb->nr], fd, PROF_SB_RING_PAGES);
	if (ret) {
		close(fd);
		return ret;
	}
	sb->nr++;
	return 0;
}

/* A ring on each online CPU, listed as "0-3,6": 0 or -errno. */
static int add_online_rings(struct prof_sb *sb, pid_t pid)
{
	char buf[1024], *p = buf, *end;
	long a, b, cpu;
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		ret = -EIO;
	fclose(f);
	while (!ret && *p && *p != '\n') {
		a = b = strtol(p, &end, 10);
		if (end == p)
			return -EIO;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (cpu = a; cpu <= b && !ret; cpu++)
			ret = add_ring(sb, cpu, pid);
		p = end + (*end == ',');
	}
	return ret;
}

int prof_sb_open(pid_t pid, struct prof_sb **out)
{
	struct prof_sb *sb = calloc(1, sizeof(*sb));
	int ret;

	*out = NULL;
	if (!sb)
		return -ENOMEM;
	ret = add_online_rings(sb, pid);
	if (!ret && !sb->nr)
		ret = -ENODEV;
	if (ret) {
		prof_sb_close(sb);
		return ret;
	}
	*out = sb;
	return 0;
}

const char *prof_sb_hint(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return "not allowed: run as root, or set kernel.perf_event_paranoid to 2 or less and raise kernel.perf_event_mlock_kb";
	case -ENOSYS:
	case -ENOENT:
		return "this kernel has no perf events (CONFIG_PERF_EVENTS)";
	case -EMFILE:
		return "too many open files: raise 'ulimit -n' (one per CPU is needed)";
	case -ESRCH:
		return "the process is gone";
	case -EINVAL:
		return "this kernel lacks mmap2, comm_exec or use_clockid (Linux 4.1 or later)";
	default:
		return strerror(-err);
	}
}

int prof_sb_enable(struct prof_sb *sb)
{
	int i;

	for (i = 0; i < sb->nr; i++)
		if (ioctl(sb->ring[i].fd, PERF_EVENT_IOC_ENABLE, 0))
			return -errno;
	return 0;
}

int prof_sb_fds(const struct prof_sb *sb, struct pollfd *pfd, int max)
{
	int i;

	for (i = 0; i < sb->nr && i < max; i++) {
		pfd[i].fd = sb->ring[i].fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return sb->nr;
}

uint64_t prof_sb_lost(const struct prof_sb *sb)
{
	return sb->lost;
}

/* The time in a record's PROF_PD_SB_SAMPLE_TYPE trailer: pid, tid; time; cpu. */
static uint64_t record_time(const struct perf_event_header *rec)
{
	uint64_t t = 0;

	if (rec->size >= sizeof(*rec) + PROF_PD_SAMPLE_ID_SIZE)
		memcpy(&t, (const char *)rec + rec->size - 16, sizeof(t));
	return t;
}

static int keep(const struct perf_event_header *rec, void *ctx)
{
	struct prof_sb *sb = ctx;
	struct pending *p;
	uint64_t lost;
	char *b;

	if (sb->len + rec->size > sb->cap) {
		b = realloc(sb->buf, 2 * (sb->cap + rec->size));
		if (!b)
			return -ENOMEM;
		sb->buf = b;
		sb->cap = 2 * (sb->cap + rec->size);
	}
	if (sb->npend == sb->pcap) {
		p = reallocarray(sb->pend, 2 * sb->pcap + 16, sizeof(*p));
		if (!p)
			return -ENOMEM;
		sb->pend = p;
		sb->pcap = 2 * sb->pcap + 16;
	}
	if (rec->type == PERF_RECORD_LOST && rec->size >= sizeof(*rec) + 16) {
		memcpy(&lost, (const char *)rec + sizeof(*rec) + 8, sizeof(lost));
		sb->lost += lost;
	}
	memcpy(sb->buf + sb->len, rec, rec->size);
	sb->pend[sb->npend] = (struct pending) {
		.time_ns = record_time(rec), .off = sb->len, .seq = sb->npend,
	};
	sb->npend++;
	sb->len += rec->size;
	return 0;
}

static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int prof_sb_drain(struct prof_sb *sb, prof_sb_fn fn, void *ctx)
{
	int i, ret = 0;
	size_t n;

	sb->len = sb->npend = 0;
	for (i = 0; i < sb->nr && ret >= 0; i++)
		ret = prof_sb_ring_read(&sb->ring[i], keep, sb);
	if (ret < 0)
		return ret;
	if (sb->npend)
		qsort(sb->pend, sb->npend, sizeof(*sb->pend), cmp_pending);
	for (n = 0; n < sb->npend; n++) {
		ret = fn((const void *)(sb->buf + sb->pend[n].off), ctx);
		if (ret)
			return ret < 0 ? ret : -ECANCELED;
	}
	return sb->npend;
}

void prof_sb_close(struct prof_sb *sb)
{
	int i;

	if (!sb)
		return;
	for (i = 0; i < sb->nr; i++) {
		prof_sb_ring_unmap(&sb->ring[i]);
		close(sb->ring[i].fd);
	}
	free(sb->ring);
	free(sb->buf);
	free(sb->pend);
	free(sb);
}

/* The /proc fallback. */

static int write_thread_comms(struct prof_pd_writer *w, pid_t pid)
{
	char path[64], comm[64];
	struct dirent *d;
	DIR *dir;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while (!ret && (d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/comm", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;	/* the thread just exited */
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			ret = prof_pd_write_comm(w, &(struct prof_pd_comm) {
				.pid = pid, .tid = atoi(d->d_name), .comm = comm,
			});
		}
		fclose(f);
	}
	closedir(dir);
	return ret;
}

/* One line of /proc/PID/maps as a map, when it is executable: 1, else 0. */
static int parse_maps_line(char *line, pid_t pid, struct prof_pd_map *m)
{
	unsigned long long start, end, off, ino;
	unsigned int maj, min;
	char perm[5];
	int name = 0;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end,
		   perm, &off, &maj, &min, &ino, &name) < 7 || perm[2] != 'x')
		return 0;
	line[strcspn(line, "\n")] = '\0';
	*m = (struct prof_pd_map) {
		.pid = pid, .tid = pid, .start = start, .len = end - start,
		.pgoff = off, .maj = maj, .min = min, .ino = ino,
		.prot = (perm[0] == 'r' ? PROT_READ : 0) |
			(perm[1] == 'w' ? PROT_WRITE : 0) | PROT_EXEC,
		.flags = perm[3] == 's' ? MAP_SHARED : MAP_PRIVATE,
		.filename = name && line[name] ? line + name : "//anon",
	};
	return 1;
}

int prof_proc_maps(pid_t pid, int (*fn)(const struct prof_pd_map *m, void *ctx),
		   void *ctx)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	struct prof_pd_map m;
	int ret = 0, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (!ret && getline(&line, &cap, f) > 0) {
		if (!parse_maps_line(line, pid, &m))
			continue;
		ret = fn(&m, ctx);
		n++;
	}
	free(line);
	fclose(f);
	return ret ?: n;
}

static int write_map(const struct prof_pd_map *m, void *ctx)
{
	return prof_pd_write_map(ctx, m);
}

int prof_pd_write_proc_maps(struct prof_pd_writer *w, pid_t pid)
{
	int ret = write_thread_comms(w, pid);

	return ret ?: prof_proc_maps(pid, write_map, w);
}
