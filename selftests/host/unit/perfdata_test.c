// SPDX-License-Identifier: GPL-2.0
/*
 * perf.data (user/profile/perfdata.c), its side-band (profile/sideband.c), symbols
 * (profile/symbols.c) and the report (profile/report.c), judged by the readers that
 * must agree: our own, `perf report` and `perf script`.
 *
 * perfdata: files made of synthetic samples and records, read back field
 * by field. symbols: addresses of this very test and of the kernel. profile:
 * a real profile of ./workload, sampled here with perf_event_open (cpu-clock
 * at 1 kHz with callchains, the module's stand-in) with side-band from
 * prof_sb_open(): every reader must name workload_hot() first.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "fake_root.h"
#include "kselftest_harness.h"
#include "slurp.h"

#include <json-c/json.h>

#include "profile/diff.h"
#include "profile/perfdata.h"
#include "profile/report.h"
#include "profile/sideband.h"
#include "profile/symbols.h"

#define HOT		"workload_hot"
#define LUKEWARM	"workload_warm"
#define SAMPLE_HZ	1000
#define WORKLOAD_MS	"400"
#define RECORD_TIMEOUT	20	/* s: workload spins 0.4 s of CPU */

static const struct prof_pd_event cpu_clock = {
	.name = "cpu-clock", .type = PERF_TYPE_SOFTWARE,
	.config = PERF_COUNT_SW_CPU_CLOCK, .period_or_freq = SAMPLE_HZ,
	.freq = true, .callchain = true,
};

/* @cmd's stdout (stderr to @err when not NULL), NULL when it failed. */
static char *run(const char *cmd, const char *err)
{
	char full[PATH_MAX * 2], chunk[4096], *buf = NULL;
	size_t len = 0, n;
	FILE *p, *m;

	snprintf(full, sizeof(full), "%s 2>%s", cmd, err ? err : "/dev/null");
	m = open_memstream(&buf, &len);
	p = popen(full, "r");
	while (m && p && (n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, m);
	if ((p && pclose(p)) | (m && fclose(m)) || !p || !m) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool have_perf(void)
{
	return access("/usr/bin/perf", X_OK) == 0 &&
	       system("/usr/bin/perf version >/dev/null 2>&1") == 0;
}

/* kptr_restrict shows every kernel address as 0 to whom it hides them. */
static bool kallsyms_visible(void)
{
	unsigned long long addr = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (f && fscanf(f, "%llx", &addr) != 1)
		addr = 0;
	if (f)
		fclose(f);
	return addr;
}

/*
 * The 6.1 harness runs a test's body even after its setup said SKIP: each
 * body of a fixture that may skip starts with this.
 */
#define RETURN_IF_SKIPPED() do { if (_metadata->skip) return; } while (0)

/* What perf says on stderr about a file it did not like. */
static const char *const perf_complaints[] = {
	"WARNING", "Warning", "warning", "rror", "nvalid", "unknown events",
	"unexpected", "not supported", "unprocessable", "out of order", "Can't",
};

static const char *complaint(const char *err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(perf_complaints); i++)
		if (strstr(err, perf_complaints[i]))
			return perf_complaints[i];
	return NULL;
}

/* A side-band record as the rings hold it: body, then the trailer. */
static const struct perf_event_header *raw(uint64_t *buf, uint32_t type,
					   uint16_t misc, const void *body,
					   size_t len, uint32_t pid,
					   uint64_t t, uint32_t cpu)
{
	struct perf_event_header *h = (void *)buf;
	char *p = (char *)(h + 1);
	uint32_t ids[2] = { pid, pid }, c[2] = { cpu, 0 };

	memset(buf, 0, 512);
	h->type = type;
	h->misc = misc;
	memcpy(p, body, len);
	p += (len + 7) & ~7UL;
	memcpy(p, ids, 8);
	memcpy(p + 8, &t, 8);
	memcpy(p + 16, c, 8);
	h->size = p + 24 - (char *)h;
	return h;
}

FIXTURE(perfdata) {
	char tmp[sizeof(FAKE_ROOT_TEMPLATE)];
	char path[sizeof(FAKE_ROOT_TEMPLATE) + 16];
	struct prof_pd_writer *w;
	struct prof_pd_file *f;
	uint64_t buf[64];
};

FIXTURE_SETUP(perfdata)
{
	strcpy(self->tmp, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->path, sizeof(self->path), "%s/perf.data", self->tmp);
	self->w = NULL;
	self->f = NULL;
}

FIXTURE_TEARDOWN(perfdata)
{
	if (self->w)
		prof_pd_close(self->w);
	prof_pd_file_free(self->f);
	EXPECT_EQ(0, fake_root_remove(self->tmp));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

static struct prof_pd_file *close_and_read(FIXTURE_DATA(perfdata) *self, int *err)
{
	int ret = prof_pd_close(self->w);

	self->w = NULL;
	*err = ret;
	if (ret)
		return NULL;
	prof_pd_file_free(self->f);
	self->f = prof_pd_open_read(self->path, err);
	return self->f;
}

static const struct prof_pd_item *nth(const struct prof_pd_file *f, enum prof_pd_kind kind,
				      unsigned int n)
{
	size_t i;

	for (i = 0; i < f->nr_items; i++)
		if (f->items[i].kind == kind && !n--)
			return &f->items[i];
	return NULL;
}

static unsigned int count(const struct prof_pd_file *f, enum prof_pd_kind kind)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < f->nr_items; i++)
		n += f->items[i].kind == kind;
	return n;
}

TEST_F(perfdata, samples_round_trip_with_their_chains)
{
	static const uint64_t user_chain[] = { 0x401000, 0x402000, 0x403000 };
	static const uint64_t kernel_chain[] = {
		0xffffffff81001000ULL, 0xffffffff81002000ULL, 0x404000,
	};
	struct prof_pd_sample s[] = {
		{ .time_ns = 100, .pid = 7, .tid = 8, .cpu = 1, .ip = 0x401000,
		  .period = 1000, .user = true, .nr_user = 3, .chain = user_chain },
		{ .time_ns = 200, .pid = 7, .tid = 9, .cpu = 0,
		  .ip = 0xffffffff81001000ULL, .period = 2000, .nr_kernel = 2,
		  .nr_user = 1, .chain = kernel_chain },
	};
	const struct prof_pd_sample *r;
	struct prof_pd_counts n;
	int err;

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, prof_pd_write_sample(self->w, &s[0]));
	ASSERT_EQ(0, prof_pd_write_sample(self->w, &s[1]));
	prof_pd_writer_counts(self->w, &n);
	EXPECT_EQ(2, n.samples);
	EXPECT_EQ(0, n.truncated);
	ASSERT_NE(NULL, close_and_read(self, &err)) TH_LOG("err %d", err);
	EXPECT_STREQ("cpu-clock", self->f->ev.name);
	EXPECT_EQ(PERF_TYPE_SOFTWARE, self->f->ev.type);
	EXPECT_EQ(PERF_COUNT_SW_CPU_CLOCK, self->f->ev.config);
	EXPECT_EQ(SAMPLE_HZ, self->f->ev.period_or_freq);
	EXPECT_TRUE(self->f->ev.freq);
	EXPECT_TRUE(self->f->ev.callchain);
	ASSERT_EQ(2, self->f->samples);
	r = &nth(self->f, PROF_PD_SAMPLE, 0)->sample;
	EXPECT_EQ(100, r->time_ns);
	EXPECT_EQ(7, r->pid);
	EXPECT_EQ(8, r->tid);
	EXPECT_EQ(1, r->cpu);
	EXPECT_EQ(0x401000, r->ip);
	EXPECT_EQ(1000, r->period);
	EXPECT_TRUE(r->user);
	EXPECT_EQ(0, r->nr_kernel);
	ASSERT_EQ(3, r->nr_user);
	EXPECT_EQ(0, memcmp(user_chain, r->chain, sizeof(user_chain)));
	r = &nth(self->f, PROF_PD_SAMPLE, 1)->sample;
	EXPECT_FALSE(r->user);
	EXPECT_EQ(9, r->tid);
	ASSERT_EQ(2, r->nr_kernel);
	ASSERT_EQ(1, r->nr_user);
	EXPECT_EQ(0, memcmp(kernel_chain, r->chain, sizeof(kernel_chain)));
}

TEST_F(perfdata, chain_without_ip_gets_ip_first)
{
	static const uint64_t chain[] = { 0x402000, 0x403000 };
	struct prof_pd_sample s = {
		.pid = 1, .tid = 1, .ip = 0x401000, .user = true,
		.nr_user = 2, .chain = chain,
	};
	const struct prof_pd_sample *r;
	int err;

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, prof_pd_write_sample(self->w, &s));
	ASSERT_NE(NULL, close_and_read(self, &err));
	r = &nth(self->f, PROF_PD_SAMPLE, 0)->sample;
	ASSERT_EQ(3, r->nr_user);
	EXPECT_EQ(0x401000, r->chain[0]);
	EXPECT_EQ(0x402000, r->chain[1]);
	EXPECT_EQ(0x403000, r->chain[2]);
}

/*
 * A record is at most 65528 bytes (a u16 size, 8-byte aligned): 56 before
 * the chain, so 8184 entries, the USER marker and 8183 frames.
 */
#define MAX_USER_FRAMES	8183

TEST_F(perfdata, deep_chain_is_cut_to_fit_and_counted)
{
	static const unsigned int depth[] = {
		MAX_USER_FRAMES - 1, MAX_USER_FRAMES, MAX_USER_FRAMES + 1,
	};
	struct prof_pd_sample s = { .pid = 1, .tid = 1, .ip = 0x400000, .user = true };
	uint64_t *chain = calloc(MAX_USER_FRAMES + 1, sizeof(*chain));
	const struct prof_pd_sample *r;
	struct prof_pd_counts n;
	unsigned int i;
	int err;

	ASSERT_NE(NULL, chain);
	for (i = 0; i <= MAX_USER_FRAMES; i++)
		chain[i] = 0x400000 + i;
	s.chain = chain;
	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	for (i = 0; i < ARRAY_SIZE(depth); i++) {
		s.nr_user = depth[i];
		s.time_ns = i;
		ASSERT_EQ(0, prof_pd_write_sample(self->w, &s));
	}
	prof_pd_writer_counts(self->w, &n);
	EXPECT_EQ(1, n.truncated);
	ASSERT_NE(NULL, close_and_read(self, &err));
	for (i = 0; i < ARRAY_SIZE(depth); i++) {
		r = &nth(self->f, PROF_PD_SAMPLE, i)->sample;
		EXPECT_EQ(i < 2 ? depth[i] : MAX_USER_FRAMES, r->nr_user);
		EXPECT_EQ(0x400000, r->chain[0]);	/* the innermost stay */
	}
	free(chain);
}

TEST_F(perfdata, event_without_callchain_has_no_chain)
{
	struct prof_pd_event ev = cpu_clock;
	struct prof_pd_sample s = { .pid = 1, .tid = 1, .ip = 0x401000, .user = true };
	const struct prof_pd_sample *r;
	int err;

	ev.callchain = false;
	ev.freq = false;
	ev.period_or_freq = 100000;
	self->w = prof_pd_create(self->path, &ev, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, prof_pd_write_sample(self->w, &s));
	ASSERT_NE(NULL, close_and_read(self, &err));
	EXPECT_FALSE(self->f->ev.callchain);
	EXPECT_FALSE(self->f->ev.freq);
	EXPECT_EQ(100000, self->f->ev.period_or_freq);
	EXPECT_EQ(0, self->f->sample_type & PERF_SAMPLE_CALLCHAIN);
	r = &nth(self->f, PROF_PD_SAMPLE, 0)->sample;
	EXPECT_EQ(0x401000, r->ip);
	EXPECT_EQ(0, r->nr_kernel + r->nr_user);
}

TEST_F(perfdata, sideband_keeps_its_fields_and_trailer)
{
	char mmap2[64 + 16] = { 0 }, comm[16] = { 0 };
	uint32_t task[6] = { 10, 7, 10, 7, 0, 0 };
	const struct prof_pd_map *m;
	const struct prof_pd_comm *c;
	const struct prof_pd_task *t;
	uint64_t v;
	uint32_t u;
	int err;

	v = 0x555555554000ULL;
	memcpy(mmap2, (uint32_t[]){ 7, 7 }, 8);
	memcpy(mmap2 + 8, &v, 8);
	v = 0x2000;
	memcpy(mmap2 + 16, &v, 8);
	v = 0x1000;
	memcpy(mmap2 + 24, &v, 8);
	u = PROT_READ | PROT_EXEC;
	memcpy(mmap2 + 56, &u, 4);
	strcpy(mmap2 + 64, "/usr/bin/true");
	memcpy(comm, (uint32_t[]){ 7, 7 }, 8);
	strcpy(comm + 8, "true");
	v = 1234;
	memcpy(&task[4], &v, 8);

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, prof_pd_write_sideband(self->w, raw(self->buf, PERF_RECORD_COMM,
				PERF_RECORD_MISC_COMM_EXEC, comm, sizeof(comm), 7, 500, 1)));
	ASSERT_EQ(0, prof_pd_write_sideband(self->w, raw(self->buf, PERF_RECORD_MMAP2,
				PERF_RECORD_MISC_USER, mmap2, sizeof(mmap2), 7, 600, 1)));
	ASSERT_EQ(0, prof_pd_write_sideband(self->w, raw(self->buf, PERF_RECORD_FORK,
				0, task, sizeof(task), 7, 700, 0)));
	ASSERT_NE(NULL, close_and_read(self, &err));
	c = &nth(self->f, PROF_PD_COMM, 0)->comm;
	EXPECT_STREQ("true", c->comm);
	EXPECT_TRUE(c->exec);
	EXPECT_EQ(500, c->time_ns);
	m = &nth(self->f, PROF_PD_MAP, 0)->map;
	EXPECT_STREQ("/usr/bin/true", m->filename);
	EXPECT_EQ(0x555555554000ULL, m->start);
	EXPECT_EQ(0x2000, m->len);
	EXPECT_EQ(0x1000, m->pgoff);
	EXPECT_EQ(PROT_READ | PROT_EXEC, m->prot);
	EXPECT_FALSE(m->kernel);
	EXPECT_EQ(600, m->time_ns);
	EXPECT_EQ(1, m->cpu);
	t = &nth(self->f, PROF_PD_FORK, 0)->task;
	EXPECT_EQ(10, t->pid);
	EXPECT_EQ(7, t->ppid);
	EXPECT_EQ(1234, t->time_ns);
}

TEST_F(perfdata, unknown_sideband_is_skipped_and_counted)
{
	uint64_t throttle[3] = { 1, 2, 3 };
	struct prof_pd_counts n;
	int err;

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, prof_pd_write_sideband(self->w, raw(self->buf, PERF_RECORD_THROTTLE,
				0, throttle, sizeof(throttle), 1, 1, 0)));
	prof_pd_writer_counts(self->w, &n);
	EXPECT_EQ(1, n.skipped);
	EXPECT_EQ(0, n.sideband);
}

TEST_F(perfdata, short_sideband_is_refused)
{
	struct perf_event_header *h = (void *)self->buf;
	uint64_t body[3] = { 0 };
	int err;

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	raw(self->buf, PERF_RECORD_FORK, 0, body, sizeof(body), 1, 1, 0);
	h->size -= 8;		/* one word short of pid..time + trailer */
	EXPECT_EQ(-EINVAL, prof_pd_write_sideband(self->w, h));
}

TEST_F(perfdata, items_come_in_time_order)
{
	static const uint64_t t[] = { 300, 100, 200, 100 };
	struct prof_pd_sample s = { .pid = 1, .tid = 1, .user = true };
	unsigned int i;
	int err;

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		s.time_ns = t[i];
		s.ip = 0x1000 + i;
		ASSERT_EQ(0, prof_pd_write_sample(self->w, &s));
	}
	ASSERT_NE(NULL, close_and_read(self, &err));
	ASSERT_EQ(4, self->f->nr_items);
	EXPECT_EQ(0x1001, self->f->items[0].sample.ip);	/* ties: file order */
	EXPECT_EQ(0x1003, self->f->items[1].sample.ip);
	EXPECT_EQ(0x1002, self->f->items[2].sample.ip);
	EXPECT_EQ(0x1000, self->f->items[3].sample.ip);
}

TEST_F(perfdata, losses_are_read_back)
{
	uint64_t lost[2] = { 99, 5 };	/* id, lost */
	int err;

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, prof_pd_write_lost_samples(self->w, 17, 10));
	ASSERT_EQ(0, prof_pd_write_lost_samples(self->w, 3, 20));
	ASSERT_EQ(0, prof_pd_write_sideband(self->w, raw(self->buf, PERF_RECORD_LOST,
				0, lost, sizeof(lost), 1, 30, 0)));
	ASSERT_NE(NULL, close_and_read(self, &err));
	EXPECT_EQ(20, self->f->lost_samples);
	EXPECT_EQ(5, self->f->lost_sideband);
	EXPECT_EQ(0, self->f->malformed);
}

TEST_F(perfdata, host_is_in_the_features)
{
	struct utsname u;
	int err;

	ASSERT_EQ(0, uname(&u));
	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_NE(NULL, close_and_read(self, &err));
	EXPECT_STREQ(u.nodename, self->f->host.hostname);
	EXPECT_STREQ(u.release, self->f->host.osrelease);
	EXPECT_STREQ(u.machine, self->f->host.arch);
	EXPECT_STREQ("llctl " LLCTL_VERSION, self->f->host.version);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), self->f->host.online_cpus);
}

TEST_F(perfdata, other_files_are_einval)
{
	char junk[4096];
	int err = 0;

	memset(junk, 'x', sizeof(junk));
	ASSERT_EQ(0, fake_put_bytes(self->tmp, "junk", junk, sizeof(junk)));
	snprintf(self->path, sizeof(self->path), "%s/junk", self->tmp);
	EXPECT_FALSE(prof_pd_is_perf_data(self->path));
	EXPECT_EQ(NULL, prof_pd_open_read(self->path, &err));
	EXPECT_EQ(-EINVAL, err);
	snprintf(self->path, sizeof(self->path), "%s/none", self->tmp);
	EXPECT_EQ(NULL, prof_pd_open_read(self->path, &err));
	EXPECT_EQ(-ENOENT, err);
}

TEST_F(perfdata, torn_data_is_einval)
{
	/* magic, size, attr_size, attrs {offset, size}, data {offset, size} */
	const long data_size_at = 8 + 8 + 8 + 16 + 8;
	struct prof_pd_sample s = { .pid = 1, .tid = 1, .ip = 0x1000, .user = true };
	uint64_t size;
	FILE *f;
	int err;

	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
	ASSERT_EQ(0, prof_pd_write_sample(self->w, &s));
	ASSERT_EQ(0, prof_pd_close(self->w));
	self->w = NULL;
	/* the data section now ends 8 bytes short of its last record */
	f = fopen(self->path, "r+");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, fseek(f, data_size_at, SEEK_SET));
	ASSERT_EQ(1, fread(&size, 8, 1, f));
	size -= 8;
	ASSERT_EQ(0, fseek(f, data_size_at, SEEK_SET));
	ASSERT_EQ(1, fwrite(&size, 8, 1, f));
	ASSERT_EQ(0, fclose(f));
	EXPECT_TRUE(prof_pd_is_perf_data(self->path));
	EXPECT_EQ(NULL, prof_pd_open_read(self->path, &err));
	EXPECT_EQ(-EINVAL, err);
}

TEST_F(perfdata, perf_reads_a_synthetic_file_cleanly)
{
	char cmd[PATH_MAX + 64], err_path[PATH_MAX], *out, *err;
	struct prof_pd_sample s = { .pid = getpid(), .tid = getpid(), .user = true };
	const char *bad;
	int e, i;

	if (!have_perf())
		SKIP(return, "perf is not installed (apt-get install linux-perf)");
	if (!kallsyms_visible())
		SKIP(return, "kptr_restrict hides kernel addresses: no kernel map to write");
	self->w = prof_pd_create(self->path, &cpu_clock, &e);
	ASSERT_NE(NULL, self->w);
	/* without it perf warns that it can not place kernel samples */
	ASSERT_EQ(0, prof_pd_write_kernel_map(self->w));
	ASSERT_LE(0, prof_pd_write_proc_maps(self->w, getpid()));
	for (i = 0; i < 30; i++) {
		s.time_ns = 1000 + i;
		s.ip = (uintptr_t)&close_and_read;
		ASSERT_EQ(0, prof_pd_write_sample(self->w, &s));
	}
	/* under 5%: perf warns above that, rightly */
	ASSERT_EQ(0, prof_pd_write_lost_samples(self->w, 1, 2000));
	ASSERT_EQ(0, prof_pd_close(self->w));
	self->w = NULL;
	snprintf(err_path, sizeof(err_path), "%s/err", self->tmp);
	snprintf(cmd, sizeof(cmd), "perf script -i '%s' -F comm,ip,sym -G", self->path);
	out = run(cmd, err_path);
	ASSERT_NE(NULL, out);
	err = slurp(err_path);
	ASSERT_NE(NULL, err);
	bad = complaint(err);
	EXPECT_EQ(NULL, bad) TH_LOG("perf script: %s", err);
	EXPECT_NE(NULL, strstr(out, "close_and_read")) TH_LOG("%s", out);
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "perf report -i '%s' --stdio", self->path);
	out = run(cmd, err_path);
	ASSERT_NE(NULL, out);
	err = slurp(err_path);
	ASSERT_NE(NULL, err);
	EXPECT_EQ(NULL, complaint(err)) TH_LOG("perf report: %s", err);
	EXPECT_NE(NULL, strstr(out, "# Total Lost Samples: 1\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "# Samples: 30  of event 'cpu-clock'"))
		TH_LOG("%s", out);
	free(out);
	free(err);
}

/* Side-band: the kernel's records of this very process, pinned to a CPU. */

FIXTURE(sideband) {
	char exe[PATH_MAX];
	struct prof_sb *sb;
	int fd;
	unsigned int seen, lost_records;
};

FIXTURE_SETUP(sideband)
{
	cpu_set_t one;
	int err;

	self->sb = NULL;
	self->fd = -1;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	err = prof_sb_open(getpid(), &self->sb);
	if (err == -EACCES || err == -EPERM || err == -ENOSYS || err == -ENOENT)
		SKIP(return, "no side-band here: %s", prof_sb_hint(err));
	ASSERT_EQ(0, err) TH_LOG("prof_sb_open: %s", prof_sb_hint(err));
	ASSERT_EQ(0, prof_sb_enable(self->sb));
	memset(self->exe, 0, sizeof(self->exe));
	ASSERT_LT(0, readlink("/proc/self/exe", self->exe, sizeof(self->exe) - 1));
	self->fd = open(self->exe, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(sideband)
{
	prof_sb_close(self->sb);
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

/* @n executable mappings of this test's file, each gone again at once. */
static int map_exec(int fd, int n)
{
	void *p;

	while (n--) {
		p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return -errno;
		munmap(p, 4096);
	}
	return 0;
}

static int see(const struct perf_event_header *rec, void *ctx)
{
	FIXTURE_DATA(sideband) *self = ctx;
	const char *name = (const char *)(rec + 1) + 64;

	if (rec->type == PERF_RECORD_MMAP2 && !strcmp(name, self->exe))
		self->seen++;
	if (rec->type == PERF_RECORD_LOST)
		self->lost_records++;
	return 0;
}

TEST_F(sideband, running_process_mmaps_are_seen_after_enable)
{
	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, map_exec(self->fd, 3));
	ASSERT_LE(3, prof_sb_drain(self->sb, see, self));
	EXPECT_EQ(3, self->seen);
	EXPECT_EQ(0, self->lost_records);
	EXPECT_EQ(0, prof_sb_lost(self->sb));
}

TEST_F(sideband, full_ring_says_how_many_it_lost)
{
	/* ~150 bytes each: far more than PROF_SB_RING_PAGES hold */
	const int n = 4000;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, map_exec(self->fd, n));
	ASSERT_LT(0, prof_sb_drain(self->sb, see, self));
	/* the kernel writes PERF_RECORD_LOST with the next record that fits */
	ASSERT_EQ(0, map_exec(self->fd, 1));
	ASSERT_LT(0, prof_sb_drain(self->sb, see, self));
	EXPECT_EQ(1, self->lost_records);
	EXPECT_LT(0, prof_sb_lost(self->sb));
	EXPECT_EQ(n + 1, self->seen + prof_sb_lost(self->sb));
}

/* Symbols: this test's own functions, and the kernel's. */

FIXTURE(symbols) {
	char tmp[sizeof(FAKE_ROOT_TEMPLATE)];
	char path[sizeof(FAKE_ROOT_TEMPLATE) + 16];
	struct prof_pd_writer *w;
	struct prof *p;
};

FIXTURE_SETUP(symbols)
{
	int err;

	self->p = NULL;
	strcpy(self->tmp, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->path, sizeof(self->path), "%s/perf.data", self->tmp);
	self->w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, self->w);
}

FIXTURE_TEARDOWN(symbols)
{
	if (self->w)
		prof_pd_close(self->w);
	prof_free(self->p);
	EXPECT_EQ(0, fake_root_remove(self->tmp));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

static int put_ips(struct prof_pd_writer *w, const uint64_t *ip, int n, bool user)
{
	struct prof_pd_sample s = { .pid = getpid(), .tid = getpid(), .user = user,
			       .time_ns = 10 };
	int i, ret = 0;

	for (i = 0; i < n && !ret; i++) {
		s.ip = ip[i];
		ret = prof_pd_write_sample(w, &s);
	}
	return ret;
}

static int close_and_load(FIXTURE_DATA(symbols) *self)
{
	int ret = prof_pd_close(self->w);

	self->w = NULL;
	return ret ?: prof_load(self->path, &self->p);
}

static __attribute__((noinline)) int symbols_test_marker(int x)
{
	return x * 3 + 1;
}

TEST_F(symbols, own_function_of_a_pie_by_name)
{
	uint64_t ip[3];

	ip[0] = (uintptr_t)&symbols_test_marker + 1;	/* inside it */
	ip[1] = ip[0];
	ip[2] = (uintptr_t)&put_ips;
	ASSERT_LE(1, prof_pd_write_proc_maps(self->w, getpid()));
	ASSERT_EQ(0, put_ips(self->w, ip, 3, true));
	ASSERT_EQ(0, close_and_load(self));
	ASSERT_EQ(3, self->p->samples);
	EXPECT_EQ(0, self->p->unresolved);
	ASSERT_LE(2, self->p->nr_fn);
	EXPECT_STREQ("symbols_test_marker", self->p->fn[0].sym);
	EXPECT_EQ(2, self->p->fn[0].self);
	EXPECT_STREQ("perfdata_test", self->p->fn[0].dso);
	EXPECT_STREQ("put_ips", self->p->fn[1].sym);
}

TEST_F(symbols, libc_function_by_name)
{
	/* not one ASan intercepts: its address is libc's own */
	uint64_t ip = (uintptr_t)&getpid;

	ASSERT_LE(1, prof_pd_write_proc_maps(self->w, getpid()));
	ASSERT_EQ(0, put_ips(self->w, &ip, 1, true));
	ASSERT_EQ(0, close_and_load(self));
	ASSERT_EQ(1, self->p->nr_fn);
	EXPECT_EQ(0, self->p->unresolved);
	EXPECT_NE(NULL, strstr(self->p->fn[0].dso, "libc.so"))
		TH_LOG("dso %s", self->p->fn[0].dso);
	EXPECT_NE(NULL, strstr(self->p->fn[0].sym, "getpid"))
		TH_LOG("sym %s", self->p->fn[0].sym);
}

/* @name's address in this process's vdso (a whole ELF image), or 0. */
static uint64_t vdso_sym(const char *name)
{
	const char *base = (const char *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const void *)base;
	const Elf64_Shdr *sh;
	const Elf64_Sym *sym;
	const char *str;
	size_t i, j;

	if (!base)
		return 0;
	sh = (const void *)(base + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		sym = (const void *)(base + sh[i].sh_offset);
		str = base + sh[sh[i].sh_link].sh_offset;
		for (j = 0; j < sh[i].sh_size / sizeof(*sym); j++)
			if (!strcmp(str + sym[j].st_name, name))
				return (uintptr_t)base + sym[j].st_value;
	}
	return 0;
}

TEST_F(symbols, vdso_function_by_name)
{
	uint64_t ip = vdso_sym("__vdso_clock_gettime");

	if (!ip)
		SKIP(return, "no vdso with __vdso_clock_gettime here");
	ip += 1;
	ASSERT_LE(1, prof_pd_write_proc_maps(self->w, getpid()));
	ASSERT_EQ(0, put_ips(self->w, &ip, 1, true));
	ASSERT_EQ(0, close_and_load(self));
	ASSERT_EQ(1, self->p->nr_fn);
	EXPECT_STREQ("[vdso]", self->p->fn[0].dso);
	EXPECT_NE(NULL, strstr(self->p->fn[0].sym, "clock_gettime"))
		TH_LOG("sym %s", self->p->fn[0].sym);
	EXPECT_EQ(0, self->p->unresolved);
}

TEST_F(symbols, address_without_map_is_unknown_and_counted)
{
	uint64_t ip[2] = { 0x1000, 0x2000 };

	ASSERT_EQ(0, put_ips(self->w, ip, 2, true));
	ASSERT_EQ(0, close_and_load(self));
	EXPECT_EQ(2, self->p->samples);
	EXPECT_EQ(2, self->p->unresolved);
	ASSERT_EQ(1, self->p->nr_fn);
	EXPECT_STREQ(PROF_SYMS_UNKNOWN, self->p->fn[0].sym);
	EXPECT_STREQ(PROF_SYMS_UNKNOWN, self->p->fn[0].dso);
}

TEST_F(symbols, kernel_address_by_name)
{
	char line[512], name[256], type;
	unsigned long long addr = 0;
	uint64_t ip;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    !strcmp(name, "schedule"))
			break;
	fclose(f);
	if (!addr)
		SKIP(return, "kallsyms hides addresses or has no schedule()");
	ip = addr + 1;
	ASSERT_EQ(0, prof_pd_write_kernel_map(self->w));
	ASSERT_EQ(0, put_ips(self->w, &ip, 1, false));
	ASSERT_EQ(0, close_and_load(self));
	ASSERT_EQ(1, self->p->nr_fn);
	EXPECT_STREQ("schedule", self->p->fn[0].sym);
	EXPECT_STREQ(PROF_SYMS_KERNEL_DSO, self->p->fn[0].dso);
	EXPECT_TRUE(self->p->fn[0].kernel);
	EXPECT_EQ(0, self->p->unresolved);
}

/*
 * -g and --diff on a known construction: samples whose chains are this
 * test's own functions, @n of them, one period each.
 */
static int put_chain(struct prof_pd_writer *w, const uint64_t *chain, unsigned int depth,
		     int n)
{
	struct prof_pd_sample s = { .pid = getpid(), .tid = getpid(), .user = true,
			       .period = 1000, .ip = chain[0], .nr_user = depth,
			       .chain = chain };
	int i, ret = 0;

	for (i = 0; i < n && !ret; i++) {
		s.time_ns = 100 + i;
		ret = prof_pd_write_sample(w, &s);
	}
	return ret;
}

#define FN(f)	((uintptr_t)&(f) + 1)

/* The text of section @p, with its call graphs. */
static char *print_text(const struct prof *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	prof_print_text(f, p);
	fclose(f);
	return buf;
}

/* 6 samples in marker < put_ips < close_and_load, 3 in marker < vdso_sym < close_and_load, 1 in put_ips. */
static int write_graph_file(FIXTURE_DATA(symbols) *self)
{
	const uint64_t a[] = { FN(symbols_test_marker), FN(put_ips), FN(close_and_load) };
	const uint64_t b[] = { FN(symbols_test_marker), FN(vdso_sym), FN(close_and_load) };
	const uint64_t c[] = { FN(put_ips), FN(close_and_load) };
	int ret = prof_pd_write_proc_maps(self->w, getpid()) < 1;

	ret = ret ?: put_chain(self->w, a, 3, 6);
	ret = ret ?: put_chain(self->w, b, 3, 3);
	ret = ret ?: put_chain(self->w, c, 2, 1);
	ret = ret ?: prof_pd_close(self->w);
	self->w = NULL;
	return ret;
}

TEST_F(symbols, call_graph_of_a_known_construction)
{
	struct prof_cfg cfg = { .keys = { PROF_KEY_DSO, PROF_KEY_SYM }, .nkeys = 2,
				.graph = PROF_GRAPH_CALLEE };
	const char *why;
	char *text;

	ASSERT_EQ(0, write_graph_file(self));
	ASSERT_EQ(0, prof_load_cfg(self->path, &cfg, &self->p, &why));
	ASSERT_EQ(10, self->p->samples);
	EXPECT_STREQ("symbols_test_marker", self->p->fn[0].sym);
	EXPECT_EQ(9, self->p->fn[0].self);
	text = print_text(self->p);
	ASSERT_NE(NULL, text);
	/* perf report -g's graph: percentages of all 10 samples */
	EXPECT_NE(NULL, strstr(text, "            ---symbols_test_marker\n"
				     "               |          \n"
				     "               |--60.00%--put_ips\n"
				     "               |          close_and_load\n"
				     "               |          \n"
				     "                --30.00%--vdso_sym\n"
				     "                          close_and_load\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "            ---put_ips\n               close_and_load\n"))
		TH_LOG("%s", text);
	free(text);
	prof_free(self->p);
	self->p = NULL;
	cfg.graph = PROF_GRAPH_CALLER;
	ASSERT_EQ(0, prof_load_cfg(self->path, &cfg, &self->p, &why));
	text = print_text(self->p);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "            ---close_and_load\n"
				     "               |          \n"
				     "               |--60.00%--put_ips\n"
				     "               |          symbols_test_marker\n"))
		TH_LOG("%s", text);
	free(text);
}

/* perf reads the same file to the same chains: perf report -g folded. */
TEST_F(symbols, call_graph_chains_are_perfs)
{
	char cmd[PATH_MAX + 160], *out;

	if (!have_perf())
		SKIP(return, "perf is not installed (apt-get install linux-perf)");
	ASSERT_EQ(0, write_graph_file(self));
	snprintf(cmd, sizeof(cmd), "perf report -i '%s' --stdio --no-children --sort sym "
		 "-g folded,0,callee,function,percent 2>/dev/null", self->path);
	out = run(cmd, NULL);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\n60.00% symbols_test_marker;put_ips;close_and_load\n"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\n30.00% symbols_test_marker;vdso_sym;close_and_load\n"))
		TH_LOG("%s", out);
	free(out);
}

/* Writes @n_marker samples in symbols_test_marker and @n_put in put_ips to @path. */
static int write_two_rows(const char *path, int n_marker, int n_put)
{
	const uint64_t a[] = { FN(symbols_test_marker) }, b[] = { FN(put_ips) };
	struct prof_pd_writer *w;
	int err, ret;

	w = prof_pd_create(path, &cpu_clock, &err);
	if (!w)
		return err;
	ret = prof_pd_write_proc_maps(w, getpid()) < 1;
	ret = ret ?: put_chain(w, a, 1, n_marker);
	ret = ret ?: put_chain(w, b, 1, n_put);
	return prof_pd_close(w) ?: ret;
}

/* prof_diff_main()'s stdout, into @out (a file). */
static int diff_into(char **files, const char *out, bool json)
{
	int saved = dup(STDOUT_FILENO), fd, ret;

	fflush(stdout);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || saved < 0 || dup2(fd, STDOUT_FILENO) < 0)
		return -1;
	close(fd);
	ret = prof_diff_main(2, files, json, false);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return ret;
}

static double row_delta(struct json_object *o, const char *sym)
{
	struct json_object *rows, *r, *ev = json_object_array_get_idx(
		json_object_object_get(o, "events"), 0);
	size_t i;

	rows = json_object_object_get(ev, "rows");
	for (i = 0; i < json_object_array_length(rows); i++) {
		r = json_object_array_get_idx(rows, i);
		if (!strcmp(json_object_get_string(json_object_object_get(r, "symbol")), sym))
			return json_object_get_double(json_object_object_get(r, "delta_percent"));
	}
	return -1000;
}

/*
 * --diff: A 6 marker + 4 put_ips, B 2 + 8: Baseline 60% and 40%, Delta
 * -40 and +40 by construction; perf diff on the same files says the same.
 */
TEST_F(symbols, diff_of_a_known_construction)
{
	char a[PATH_MAX], b[PATH_MAX], out[PATH_MAX], cmd[3 * PATH_MAX], *files[2], *text;
	struct json_object *o;

	prof_pd_close(self->w);
	self->w = NULL;
	snprintf(a, sizeof(a), "%s/a.data", self->tmp);
	snprintf(b, sizeof(b), "%s/b.data", self->tmp);
	snprintf(out, sizeof(out), "%s/diff.json", self->tmp);
	ASSERT_EQ(0, write_two_rows(a, 6, 4));
	ASSERT_EQ(0, write_two_rows(b, 2, 8));
	files[0] = a;
	files[1] = b;
	ASSERT_EQ(0, diff_into(files, out, true));
	o = json_object_from_file(out);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(-40.0, row_delta(o, "symbols_test_marker"));
	EXPECT_EQ(40.0, row_delta(o, "put_ips"));
	json_object_put(o);
	if (!have_perf())
		SKIP(return, "perf is not installed: the construction only");
	snprintf(cmd, sizeof(cmd), "perf diff '%s' '%s' 2>/dev/null | grep -v '^#'", a, b);
	text = run(cmd, NULL);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "60.00%    -40.00%  perfdata_test  [.] symbols_test_marker")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "40.00%    +40.00%  perfdata_test  [.] put_ips")) TH_LOG("%s", text);
	free(text);
	ASSERT_EQ(0, diff_into(files, out, false));
	text = slurp(out);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "    60.00%    -40.00%  perfdata_test")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "    40.00%    +40.00%  perfdata_test")) TH_LOG("%s", text);
	free(text);
}


/* Profile: a real one, of ./workload. */

FIXTURE(profile) {
	char tmp[sizeof(FAKE_ROOT_TEMPLATE)];
	char path[sizeof(FAKE_ROOT_TEMPLATE) + 16];
	char workload[PATH_MAX];
	struct prof_pd_counts n;
	uint64_t prof_sb_lost;
	struct prof *p;
};

/* The sampler's records into the file, as `llctl record` will the module's. */
struct sampler {
	struct prof_pd_writer *w;
	uint64_t chain[PERF_MAX_STACK_DEPTH * 2];
	int err;
};

static int put_perf_sample(const struct perf_event_header *rec, void *ctx)
{
	const char *p = (const char *)(rec + 1);
	struct sampler *sm = ctx;
	struct prof_pd_sample s = { .chain = sm->chain };
	uint64_t nr, i, e, lost, k = 0, u = 0, user[PERF_MAX_STACK_DEPTH * 2];
	int ctxt = -1;

	if (rec->type == PERF_RECORD_LOST) {
		memcpy(&lost, p + 8, 8);
		return prof_pd_write_lost_samples(sm->w, lost, 0);
	}
	if (rec->type != PERF_RECORD_SAMPLE)
		return 0;
	/* IP | TID | TIME | CPU | PERIOD | CALLCHAIN */
	memcpy(&s.ip, p, 8);
	memcpy(&s.pid, p + 8, 4);
	memcpy(&s.tid, p + 12, 4);
	memcpy(&s.time_ns, p + 16, 8);
	memcpy(&s.cpu, p + 24, 4);
	memcpy(&s.period, p + 32, 8);
	memcpy(&nr, p + 40, 8);
	s.user = (rec->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_USER;
	for (i = 0; i < nr && k < ARRAY_SIZE(user) && u < ARRAY_SIZE(user); i++) {
		memcpy(&e, p + 48 + 8 * i, 8);
		if (e >= (uint64_t)PERF_CONTEXT_MAX)
			ctxt = e == (uint64_t)PERF_CONTEXT_KERNEL ? 0 :
			       e == (uint64_t)PERF_CONTEXT_USER ? 1 : 2;
		else if (ctxt == 0)
			sm->chain[k++] = e;
		else if (ctxt == 1)
			user[u++] = e;
	}
	if (k + u > ARRAY_SIZE(sm->chain))
		u = ARRAY_SIZE(sm->chain) - k;
	memcpy(sm->chain + k, user, u * 8);
	s.nr_kernel = k;
	s.nr_user = u;
	return prof_pd_write_sample(sm->w, &s);
}

static int put_sideband(const struct perf_event_header *rec, void *ctx)
{
	return prof_pd_write_sideband(ctx, rec);
}

static int open_sampler(pid_t pid)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_freq = SAMPLE_HZ, .freq = 1,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			       PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
			       PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN,
		.disabled = 1, .enable_on_exec = 1, .exclude_hv = 1,
		.sample_id_all = 1, .use_clockid = 1, .clockid = CLOCK_MONOTONIC,
		.wakeup_events = 16,
	};

	return syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* ./workload next to this test, held until @go is written to. */
static pid_t spawn_workload(const char *workload, int go[2])
{
	pid_t pid;
	char c;

	if (pipe2(go, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid)
		return pid;
	close(go[1]);
	if (read(go[0], &c, 1) == 1)
		execl(workload, "workload", "spin", WORKLOAD_MS, (char *)NULL);
	_exit(127);
}

static int drain(struct prof_sb_ring *ring, struct prof_sb *sb, struct sampler *sm)
{
	int ret = prof_sb_drain(sb, put_sideband, sm->w);

	if (ret >= 0)
		ret = prof_sb_ring_read(ring, put_perf_sample, sm);
	return ret < 0 ? ret : 0;
}

/* Until workload exits: poll, drain both, again; then the last drain. */
static int sample_until_exit(pid_t pid, struct prof_sb_ring *ring, struct prof_sb *sb,
			     struct sampler *sm, int *status)
{
	struct pollfd pfd[65];
	time_t end = time(NULL) + RECORD_TIMEOUT;
	int n, ret = 0;

	while (!ret) {
		pfd[0] = (struct pollfd) { .fd = ring->fd, .events = POLLIN };
		n = prof_sb_fds(sb, pfd + 1, ARRAY_SIZE(pfd) - 1);
		poll(pfd, 1 + (n < 64 ? n : 64), 50);
		ret = drain(ring, sb, sm);
		if (waitpid(pid, status, WNOHANG) == pid)
			break;
		if (time(NULL) > end) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
	}
	return ret ?: drain(ring, sb, sm);
}

static void record_workload(struct __test_metadata *_metadata,
			   FIXTURE_DATA(profile) *self)
{
	struct sampler sm = { 0 };
	struct prof_sb_ring ring = { .fd = -1 };
	struct prof_sb *sb = NULL;
	int go[2], status = -1, fd, err;
	pid_t pid;

	pid = spawn_workload(self->workload, go);
	ASSERT_LT(0, pid);
	close(go[0]);
	err = prof_sb_open(pid, &sb);
	ASSERT_EQ(0, err) TH_LOG("prof_sb_open: %s", prof_sb_hint(err));
	fd = open_sampler(pid);
	ASSERT_LE(0, fd) TH_LOG("perf_event_open: %s", strerror(errno));
	ASSERT_EQ(0, prof_sb_ring_mmap(&ring, fd, 64));
	sm.w = prof_pd_create(self->path, &cpu_clock, &err);
	ASSERT_NE(NULL, sm.w);
	EXPECT_EQ(0, prof_pd_write_kernel_map(sm.w));
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	EXPECT_EQ(0, sample_until_exit(pid, &ring, sb, &sm, &status));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("workload status 0x%x", status);
	prof_pd_writer_counts(sm.w, &self->n);
	self->prof_sb_lost = prof_sb_lost(sb);
	EXPECT_EQ(0, prof_pd_close(sm.w));
	prof_sb_ring_unmap(&ring);
	close(fd);
	prof_sb_close(sb);
}

FIXTURE_SETUP(profile)
{
	char exe[PATH_MAX] = "";
	int fd;

	self->p = NULL;
	self->tmp[0] = '\0';
	ASSERT_LT(0, readlink("/proc/self/exe", exe, sizeof(exe) - 1));
	snprintf(self->workload, sizeof(self->workload), "%s/workload", dirname(exe));
	if (access(self->workload, X_OK))
		SKIP(return, "workload is not built next to this test (make -C selftests/host/unit)");
	fd = open_sampler(0);
	if (fd < 0)
		SKIP(return, "perf_event_open is refused here: %s (perf_event_paranoid)",
		     strerror(errno));
	close(fd);
	if (!kallsyms_visible())
		SKIP(return, "kptr_restrict hides kernel addresses: no kernel map to write");
	strcpy(self->tmp, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->path, sizeof(self->path), "%s/perf.data", self->tmp);
	record_workload(_metadata, self);
	/* enough samples for "first" to mean something: 1 kHz for 0.4 s */
	ASSERT_LE(100, self->n.samples);
}

FIXTURE_TEARDOWN(profile)
{
	prof_free(self->p);
	if (self->tmp[0])
		EXPECT_EQ(0, fake_root_remove(self->tmp));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

TEST_F(profile, sideband_has_the_exec_and_its_maps)
{
	struct prof_pd_file *f;
	const struct prof_pd_item *it;
	bool exec = false, map = false;
	size_t i;
	int err;

	RETURN_IF_SKIPPED();
	f = prof_pd_open_read(self->path, &err);
	ASSERT_NE(NULL, f);
	EXPECT_EQ(0, self->prof_sb_lost);
	for (i = 0; i < f->nr_items; i++) {
		it = &f->items[i];
		if (it->kind == PROF_PD_COMM && it->comm.exec &&
		    !strcmp(it->comm.comm, "workload"))
			exec = true;
		if (it->kind == PROF_PD_MAP && !strcmp(it->map.filename, self->workload))
			map = exec;	/* after the exec, in time order */
	}
	EXPECT_TRUE(exec);
	EXPECT_TRUE(map);
	EXPECT_EQ(self->n.samples, f->samples);
	EXPECT_LE(3, count(f, PROF_PD_MAP));	/* kernel, workload, ld.so, ... */
	prof_pd_file_free(f);
}

TEST_F(profile, our_report_names_the_hot_function_first)
{
	const struct prof_fn *hot = NULL, *luke = NULL, *main_fn = NULL;
	size_t i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, prof_load(self->path, &self->p));
	ASSERT_LT(0, self->p->nr_fn);
	EXPECT_STREQ(HOT, self->p->fn[0].sym);
	EXPECT_STREQ("workload", self->p->fn[0].comm);
	EXPECT_STREQ("workload", self->p->fn[0].dso);
	for (i = 0; i < self->p->nr_fn; i++) {
		if (!strcmp(self->p->fn[i].sym, HOT))
			hot = &self->p->fn[i];
		else if (!strcmp(self->p->fn[i].sym, LUKEWARM))
			luke = &self->p->fn[i];
		else if (!strcmp(self->p->fn[i].sym, "main") &&
			 !strcmp(self->p->fn[i].dso, "workload"))
			main_fn = &self->p->fn[i];
	}
	ASSERT_NE(NULL, hot);
	ASSERT_NE(NULL, luke) TH_LOG("the lukewarm function got no sample");
	EXPECT_LT(luke->self * 3, hot->self);
	ASSERT_NE(NULL, main_fn) TH_LOG("no callchain reached main()");
	/* main() holds both: inclusive, not self */
	EXPECT_LE(hot->self + luke->self, main_fn->children);
	EXPECT_GT(hot->self, main_fn->self);
	/* most samples are symbolized, and the rest are counted */
	EXPECT_GT(self->p->samples / 10, self->p->unresolved);
	EXPECT_EQ(self->n.samples, self->p->samples);
}

TEST_F(profile, our_json_names_the_hot_function_first)
{
	struct json_object *o, *fns, *first, *v, *evs, *ev;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, prof_load(self->path, &self->p));
	o = prof_json(self->p);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(json_object_object_get_ex(o, "lost", &v));
	ASSERT_TRUE(json_object_object_get_ex(o, "events", &evs));
	ASSERT_EQ(1, json_object_array_length(evs));
	ev = json_object_array_get_idx(evs, 0);
	ASSERT_TRUE(json_object_object_get_ex(ev, "event", &v));
	EXPECT_STREQ("cpu-clock", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(ev, "samples", &v));
	EXPECT_EQ(self->n.samples, (uint64_t)json_object_get_int64(v));
	EXPECT_TRUE(json_object_object_get_ex(ev, "unresolved", &v));
	ASSERT_TRUE(json_object_object_get_ex(ev, "functions", &fns));
	ASSERT_LT(0, json_object_array_length(fns));
	first = json_object_array_get_idx(fns, 0);
	ASSERT_TRUE(json_object_object_get_ex(first, "symbol", &v));
	EXPECT_STREQ(HOT, json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(first, "percent", &v));
	EXPECT_LT(50.0, json_object_get_double(v));
	ASSERT_TRUE(json_object_object_get_ex(first, "children_percent", &v));
	EXPECT_LE(50.0, json_object_get_double(v));
	json_object_put(o);
}

/* The first line of `perf report` that is not a comment. */
static char *first_entry(const char *out)
{
	const char *line = out, *nl;

	for (; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (line[0] != '#' && nl > line)
			return strndup(line, nl - line);
		if (!*nl)
			break;
	}
	return NULL;
}

TEST_F(profile, perf_report_names_the_hot_function_first)
{
	char cmd[PATH_MAX * 2], err_path[PATH_MAX], *out, *err, *top;

	RETURN_IF_SKIPPED();
	if (!have_perf())
		SKIP(return, "perf is not installed (apt-get install linux-perf)");
	snprintf(err_path, sizeof(err_path), "%s/err", self->tmp);
	snprintf(cmd, sizeof(cmd), "perf report -i '%s' --stdio --no-children -g none",
		 self->path);
	out = run(cmd, err_path);
	ASSERT_NE(NULL, out);
	err = slurp(err_path);
	ASSERT_NE(NULL, err);
	EXPECT_EQ(NULL, complaint(err)) TH_LOG("perf report: %s", err);
	EXPECT_NE(NULL, strstr(out, "of event 'cpu-clock'")) TH_LOG("%s", out);
	top = first_entry(out);
	ASSERT_NE(NULL, top) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(top, HOT)) TH_LOG("first: %s", top);
	EXPECT_NE(NULL, strstr(top, "workload")) TH_LOG("first: %s", top);
	free(top);
	free(out);
	free(err);
}

/* The symbol most `perf script -F ip,sym -G` lines name. */
static char *most_frequent_sym(const char *out)
{
	struct { char name[128]; int n; } tab[256];
	int nr = 0, best = -1, i;
	const char *line = out, *nl;
	char ip[32], sym[128];

	for (; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (sscanf(line, "%31s %127s", ip, sym) == 2) {
			for (i = 0; i < nr && strcmp(tab[i].name, sym); i++)
				;
			if (i == nr && nr < (int)ARRAY_SIZE(tab)) {
				strcpy(tab[nr].name, sym);
				tab[nr++].n = 0;
			}
			if (i < nr)
				tab[i].n++;
		}
		if (!*nl)
			break;
	}
	for (i = 0; i < nr; i++)
		if (best < 0 || tab[i].n > tab[best].n)
			best = i;
	return best < 0 ? NULL : strdup(tab[best].name);
}

TEST_F(profile, perf_script_names_the_hot_function_first)
{
	char cmd[PATH_MAX * 2], err_path[PATH_MAX], *out, *err, *top;

	RETURN_IF_SKIPPED();
	if (!have_perf())
		SKIP(return, "perf is not installed (apt-get install linux-perf)");
	snprintf(err_path, sizeof(err_path), "%s/err", self->tmp);
	snprintf(cmd, sizeof(cmd), "perf script -i '%s' -F ip,sym -G", self->path);
	out = run(cmd, err_path);
	ASSERT_NE(NULL, out);
	err = slurp(err_path);
	ASSERT_NE(NULL, err);
	EXPECT_EQ(NULL, complaint(err)) TH_LOG("perf script: %s", err);
	top = most_frequent_sym(out);
	ASSERT_NE(NULL, top);
	EXPECT_STREQ(HOT, top);
	free(top);
	free(out);
	free(err);
	/* and with the callchains shown, main() calls it */
	snprintf(cmd, sizeof(cmd), "perf script -i '%s'", self->path);
	out = run(cmd, NULL);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, " main+")) TH_LOG("no main() in the chains");
	free(out);
}

TEST_F(profile, folded_lines_parse_and_hold_the_hot_function)
{
	char path[PATH_MAX], *buf, *line, *save, *sp, *end;
	uint64_t total = 0, hot = 0, n;
	FILE *f;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, prof_load(self->path, &self->p));
	snprintf(path, sizeof(path), "%s/folded", self->tmp);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, prof_print_folded(f, self->p));
	ASSERT_EQ(0, fclose(f));
	buf = slurp(path);
	ASSERT_NE(NULL, buf);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		sp = strrchr(line, ' ');
		ASSERT_NE(NULL, sp) TH_LOG("line: %s", line);
		n = strtoull(sp + 1, &end, 10);
		EXPECT_TRUE(*end == '\0' && n > 0) TH_LOG("line: %s", line);
		EXPECT_NE(line, sp) TH_LOG("an empty stack");
		total += n;
		*sp = '\0';
		/* root first: the comm, then outermost to innermost */
		if (!strncmp(line, "workload;", 8) && strstr(line, ";main;") &&
		    !strcmp(strrchr(line, ';') + 1, HOT))
			hot += n;
	}
	EXPECT_EQ(self->p->samples, total);
	EXPECT_LT(self->p->samples / 2, hot);
	free(buf);
}

/* 0 when @path parses as XML; -1 when no checker is installed. */
static int xml_check(const char *path)
{
	char cmd[PATH_MAX + 128];

	if (system("xmllint --version >/dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
		return system(cmd) ? 1 : 0;
	}
	if (system("python3 -c 'import xml.dom.minidom' >/dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd),
			 "python3 -c 'import sys, xml.dom.minidom; "
			 "xml.dom.minidom.parse(sys.argv[1])' '%s'", path);
		return system(cmd) ? 1 : 0;
	}
	return -1;
}

TEST_F(profile, svg_is_xml_and_names_the_hot_function)
{
	char path[PATH_MAX], *svg, *title;
	FILE *f;
	int ret;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, prof_load(self->path, &self->p));
	snprintf(path, sizeof(path), "%s/flame.svg", self->tmp);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, prof_print_svg(f, self->p, "workload <&> \"test\""));
	ASSERT_EQ(0, fclose(f));
	ret = xml_check(path);
	if (ret < 0)
		SKIP(return, "neither xmllint nor python3 is installed");
	EXPECT_EQ(0, ret);
	svg = slurp(path);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "<svg "));
	/* the hot frame: a tooltip with its name, and its label */
	title = strstr(svg, "<title>" HOT " (workload): ");
	EXPECT_NE(NULL, title);
	EXPECT_NE(NULL, strstr(svg, ">" HOT "</text>"));
	EXPECT_NE(NULL, strstr(svg, "workload &lt;&amp;&gt; &quot;test&quot;"));
	free(svg);
}

TEST_HARNESS_MAIN
