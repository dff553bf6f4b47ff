// SPDX-License-Identifier: GPL-2.0
/*
 * The CTF writer (user/trace/ctf.c), judged by the reader that must open its
 * traces: babeltrace2 prints every event written, with its fields, its
 * CPU and its time, in order.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "fake_root.h"
#include "kselftest_harness.h"

#include "lib/env.h"
#include "records.h"
#include "trace/ctf.h"
#include "trace/events.h"

#define T0	1000000000ULL	/* the first record's time, 1 s */

/* A record as the rings hold it: the header, then its payload. */
static const struct llkm_rec *mk(struct rec_buf *b, unsigned int type,
				 unsigned int cpu, uint64_t t,
				 const void *payload, size_t len)
{
	return rec_make(b, type, cpu, 1235, t, payload, len);
}

/* babeltrace2 @opts @dir's stdout, or NULL when it did not exit with 0. */
static char *babeltrace(const char *dir, const char *opts)
{
	char cmd[PATH_MAX + 64], chunk[4096], *buf = NULL;
	size_t len = 0, n;
	FILE *p, *m;
	int status;

	snprintf(cmd, sizeof(cmd), "babeltrace2 %s '%s' 2>/dev/null", opts, dir);
	m = open_memstream(&buf, &len);
	p = popen(cmd, "r");
	if (!m || !p) {
		if (p)
			pclose(p);
		if (m)
			fclose(m);
		free(buf);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, m);
	status = pclose(p);
	fclose(m);
	if (status) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Lines of @out that hold @needle ("" for every line). */
static int lines_with(const char *out, const char *needle)
{
	const char *line = out, *nl;
	int n = 0;

	for (; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (memmem(line, nl - line, needle, strlen(needle)))
			n++;
		if (!*nl)
			break;
	}
	return n;
}

/* The line of @out that holds @needle and @also, or NULL. */
static char *line_with(const char *out, const char *needle, const char *also)
{
	const char *line = out, *nl;

	for (; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (memmem(line, nl - line, needle, strlen(needle)) &&
		    memmem(line, nl - line, also, strlen(also)))
			return strndup(line, nl - line);
		if (!*nl)
			break;
	}
	return NULL;
}

/* @dir/metadata as a string, NULL when unreadable. */
static char *read_metadata(const char *dir)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/metadata", dir);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

FIXTURE(ctf) {
	char tmp[sizeof(FAKE_ROOT_TEMPLATE)];
	char dir[sizeof(FAKE_ROOT_TEMPLATE) + 8];
	struct trace_ctf *c;
	struct rec_buf b;
	char *out;
};

FIXTURE_SETUP(ctf)
{
	self->c = NULL;
	self->out = NULL;
	self->tmp[0] = '\0';
	if (system("babeltrace2 --version >/dev/null 2>&1"))
		SKIP(return, "babeltrace2 is not installed (apt-get install babeltrace2)");
	strcpy(self->tmp, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	/* a directory the writer has to make */
	snprintf(self->dir, sizeof(self->dir), "%s/trace", self->tmp);
}

FIXTURE_TEARDOWN(ctf)
{
	if (self->c)
		trace_ctf_close(self->c);
	free(self->out);
	if (self->tmp[0])
		EXPECT_EQ(0, fake_root_remove(self->tmp));
	/* the harness's children _exit(): look for leaks here */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#define PUT(type, cpu, t, payload) \
	ASSERT_EQ(0, trace_ctf_write(self->c, mk(&self->b, type, cpu, t, \
				     &(payload), sizeof(payload))))

/* Closes the trace and reads it back with babeltrace2 @opts. */
static char *close_and_read(FIXTURE_DATA(ctf) *self, const char *opts)
{
	int ret = trace_ctf_close(self->c);

	self->c = NULL;
	free(self->out);
	self->out = ret ? NULL : babeltrace(self->dir, opts);
	return self->out;
}

/* One record of each type the trace carries, on CPU 1, 1 us apart. */
static void put_one_of_each(struct __test_metadata *_metadata,
			    FIXTURE_DATA(ctf) *self)
{
	struct llkm_rec_sys_enter enter = {
		.nr = SYS_openat, .args = { (__u64)-100, 0x7ffd5000, 0x80000 },
	};
	struct llkm_rec_sys_exit exit = { .nr = SYS_openat, .ret = 3 };
	struct llkm_rec_irq irq = { .irq = 24, .ret = 1 };
	struct llkm_rec_softirq softirq = { .vec = 1 };
	struct llkm_rec_sched_switch sw = {
		.prev_tid = 12, .next_tid = 0, .prev_state = 1,
		.prev_comm = "bash", .next_comm = "swapper/1",
	};
	struct llkm_rec_fork fork = { .child_pid = 5, .child_tid = 6 };

	PUT(LLKM_REC_SYS_ENTER, 1, T0 + 1000, enter);
	PUT(LLKM_REC_SYS_EXIT, 1, T0 + 2000, exit);
	PUT(LLKM_REC_IRQ_ENTRY, 1, T0 + 3000, irq);
	PUT(LLKM_REC_IRQ_EXIT, 1, T0 + 4000, irq);
	PUT(LLKM_REC_SOFTIRQ_ENTRY, 1, T0 + 5000, softirq);
	PUT(LLKM_REC_SOFTIRQ_EXIT, 1, T0 + 6000, softirq);
	PUT(LLKM_REC_SCHED_SWITCH, 1, T0 + 7000, sw);
	PUT(LLKM_REC_FORK, 1, T0 + 8000, fork);
}

TEST_F(ctf, trace_without_records_is_valid)
{
	char *meta;

	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_STREQ("", self->out);
	meta = read_metadata(self->dir);
	ASSERT_NE(NULL, meta);
	EXPECT_NE(NULL, strstr(meta, "name = \"syscall_entry\";"));
	free(meta);
}

TEST_F(ctf, each_known_record_is_one_event)
{
	static const char *const names[] = {
		" syscall_entry: ", " syscall_exit: ", " irq_handler_entry: ",
		" irq_handler_exit: ", " softirq_entry: ", " softirq_exit: ",
		" sched_switch: ", " sched_process_fork: ",
	};
	struct trace_ctf_counts n;
	unsigned int i;

	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	put_one_of_each(_metadata, self);
	trace_ctf_counts(self->c, &n);
	EXPECT_EQ(8, n.written);
	EXPECT_EQ(0, n.skipped);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(8, lines_with(self->out, ""));
	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_EQ(1, lines_with(self->out, names[i])) TH_LOG("event %u", i);
}

TEST_F(ctf, unknown_type_is_skipped_and_counted)
{
	struct llkm_rec_test test = { .seq = 1 };
	struct llkm_rec_irq irq = { .irq = 24 };
	struct trace_ctf_counts n;

	self->c = trace_ctf_open(self->dir, 1, NULL);
	ASSERT_NE(NULL, self->c);
	PUT(LLKM_REC_TEST, 0, T0, test);
	PUT(LLKM_REC_IRQ_ENTRY, 0, T0 + 1, irq);
	self->b.h.type = 200;
	ASSERT_EQ(0, trace_ctf_write(self->c, &self->b.h));
	trace_ctf_counts(self->c, &n);
	EXPECT_EQ(1, n.written);
	EXPECT_EQ(2, n.skipped);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(1, lines_with(self->out, ""));
}

TEST_F(ctf, syscall_fields_are_named)
{
	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	put_one_of_each(_metadata, self);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(2, lines_with(self->out, "name = \"openat\""));
	EXPECT_EQ(2, lines_with(self->out, "pid = 1234, tid = 1235, nr = 257"));
	EXPECT_EQ(1, lines_with(self->out,
		"arg0 = 0xFFFFFFFFFFFFFF9C, arg1 = 0x7FFD5000, arg2 = 0x80000, "
		"arg3 = 0x0, arg4 = 0x0, arg5 = 0x0 }"));
	EXPECT_EQ(1, lines_with(self->out, "name = \"openat\", ret = 3 }"));
}

TEST_F(ctf, cpu_event_fields_are_named)
{
	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	put_one_of_each(_metadata, self);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(1, lines_with(self->out, "irq_handler_entry: { cpu_id = 1 }, "
				"{ pid = 1234, tid = 1235, irq = 24 }"));
	EXPECT_EQ(1, lines_with(self->out, "irq = 24, ret = 1 }"));
	EXPECT_EQ(2, lines_with(self->out, "vec = 1, name = \"TIMER\" }"));
	EXPECT_EQ(1, lines_with(self->out,
		"prev_tid = 12, prev_comm = \"bash\", prev_state = 1, "
		"next_tid = 0, next_comm = \"swapper/1\" }"));
	EXPECT_EQ(1, lines_with(self->out, "child_pid = 5, child_tid = 6 }"));
}

TEST_F(ctf, two_cpus_make_two_streams)
{
	struct llkm_rec_irq irq = { 0 };
	char path[PATH_MAX], *l;
	unsigned int i;

	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	for (i = 0; i < 6; i++) {
		irq.irq = 100 + i % 2;		/* tells the CPU */
		PUT(LLKM_REC_IRQ_ENTRY, i % 2, T0 + i, irq);
	}
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(3, lines_with(self->out, "{ cpu_id = 0 }"));
	EXPECT_EQ(3, lines_with(self->out, "{ cpu_id = 1 }"));
	l = line_with(self->out, "{ cpu_id = 0 }", "irq = 101");
	EXPECT_EQ(NULL, l);
	free(l);
	l = line_with(self->out, "{ cpu_id = 1 }", "irq = 100");
	EXPECT_EQ(NULL, l);
	free(l);
	for (i = 0; i < 2; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/cpu_%u", self->dir, i);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_LT(0, st.st_size);
	}
}

TEST_F(ctf, idle_cpu_has_an_empty_stream)
{
	struct llkm_rec_irq irq = { .irq = 1 };

	self->c = trace_ctf_open(self->dir, 4, NULL);
	ASSERT_NE(NULL, self->c);
	PUT(LLKM_REC_IRQ_ENTRY, 2, T0, irq);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(1, lines_with(self->out, "{ cpu_id = 2 }"));
	EXPECT_EQ(1, lines_with(self->out, ""));
}

TEST_F(ctf, timestamps_are_the_records_in_order)
{
	static const uint64_t t[] = { T0, T0 + 1, T0 + 1, T0 + 999, T0 + 123456789 };
	struct llkm_rec_irq irq = { .irq = 1 };
	const char *line;
	unsigned int i;

	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	for (i = 0; i < ARRAY_SIZE(t); i++)
		PUT(LLKM_REC_IRQ_ENTRY, i % 2, t[i], irq);
	ASSERT_NE(NULL, close_and_read(self, "--clock-cycles"));
	ASSERT_EQ(5, lines_with(self->out, ""));
	for (i = 0, line = self->out; i < 5; i++, line = strchr(line, '\n') + 1)
		EXPECT_EQ(t[i], strtoull(line + 1, NULL, 10)) TH_LOG("event %u", i);
}

TEST_F(ctf, events_span_packets_and_keep_their_cpu)
{
	int n = 3 * TRACE_CTF_PACKET_EVENTS + 5, i;
	struct llkm_rec_irq irq = { .irq = 7 };

	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	for (i = 0; i < n; i++)
		PUT(LLKM_REC_IRQ_ENTRY, 1, T0 + i, irq);
	PUT(LLKM_REC_IRQ_ENTRY, 0, T0 + n, irq);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(n + 1, lines_with(self->out, "irq = 7 }"));
	EXPECT_EQ(n, lines_with(self->out, "{ cpu_id = 1 }"));
	EXPECT_EQ(1, lines_with(self->out, "{ cpu_id = 0 }"));
}

TEST_F(ctf, older_record_is_written_at_the_previous_time)
{
	struct llkm_rec_irq irq = { .irq = 1 };
	struct trace_ctf_counts n;

	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	PUT(LLKM_REC_IRQ_ENTRY, 0, T0 + 500, irq);
	PUT(LLKM_REC_IRQ_ENTRY, 1, T0 + 100, irq);
	PUT(LLKM_REC_IRQ_ENTRY, 0, T0 + 400, irq);
	PUT(LLKM_REC_IRQ_ENTRY, 1, T0 + 600, irq);
	trace_ctf_counts(self->c, &n);
	EXPECT_EQ(4, n.written);
	EXPECT_EQ(2, n.reordered);
	ASSERT_NE(NULL, close_and_read(self, "--clock-cycles"));
	EXPECT_EQ(3, lines_with(self->out, "[00000000001000000500]"));
	EXPECT_EQ(1, lines_with(self->out, "[00000000001000000600]"));
}

TEST_F(ctf, environment_is_in_the_metadata)
{
	struct llctl_env env = {
		.kernel = "6.1.0-test", .llctl_version = "9.9.9",
		.hypervisor = "KVM", .cpu_model = "Some \"quoted\" CPU",
	};
	char *meta;

	self->c = trace_ctf_open(self->dir, 1, &env);
	ASSERT_NE(NULL, self->c);
	ASSERT_NE(NULL, close_and_read(self, ""));
	meta = read_metadata(self->dir);
	ASSERT_NE(NULL, meta);
	EXPECT_NE(NULL, strstr(meta, "\ttracer_name = \"llctl\";\n"));
	EXPECT_NE(NULL, strstr(meta, "\ttracer_version = \"9.9.9\";\n"));
	EXPECT_NE(NULL, strstr(meta, "\tkernel_release = \"6.1.0-test\";\n"));
	EXPECT_NE(NULL, strstr(meta, "\thypervisor = \"KVM\";\n"));
	EXPECT_NE(NULL, strstr(meta, "\tcpu_model = \"Some _quoted_ CPU\";\n"));
	EXPECT_EQ(NULL, strstr(meta, "llkm_version"));	/* unknown: left out */
	EXPECT_NE(NULL, strstr(meta, "freq = 1000000000;"));
	EXPECT_NE(NULL, strstr(meta, "} cpu_id;"));
	free(meta);
}

TEST_F(ctf, bare_metal_has_no_hypervisor)
{
	struct llctl_env env = { .kernel = "6.1.0-test" };
	char *meta;

	self->c = trace_ctf_open(self->dir, 1, &env);
	ASSERT_NE(NULL, self->c);
	ASSERT_NE(NULL, close_and_read(self, ""));
	meta = read_metadata(self->dir);
	ASSERT_NE(NULL, meta);
	EXPECT_NE(NULL, strstr(meta, "kernel_release = \"6.1.0-test\";"));
	EXPECT_EQ(NULL, strstr(meta, "hypervisor"));
	free(meta);
}

TEST_F(ctf, bad_records_are_refused)
{
	struct llkm_rec_sys_exit exit = { .nr = SYS_openat, .ret = 3 };
	struct trace_ctf_counts n;

	self->c = trace_ctf_open(self->dir, 2, NULL);
	ASSERT_NE(NULL, self->c);
	mk(&self->b, LLKM_REC_SYS_EXIT, 1, T0, &exit, sizeof(exit));
	self->b.h.size -= 8;
	EXPECT_EQ(-EINVAL, trace_ctf_write(self->c, &self->b.h));
	self->b.h.size += 8;
	self->b.h.cpu = 2;
	EXPECT_EQ(-ERANGE, trace_ctf_write(self->c, &self->b.h));
	self->b.h.cpu = 1;
	EXPECT_EQ(0, trace_ctf_write(self->c, &self->b.h));
	trace_ctf_counts(self->c, &n);
	EXPECT_EQ(1, n.written);
	ASSERT_NE(NULL, close_and_read(self, ""));
	EXPECT_EQ(1, lines_with(self->out, ""));
}

TEST_F(ctf, open_fails_with_errno)
{
	char path[PATH_MAX];
	FILE *f;

	errno = 0;
	EXPECT_EQ(NULL, trace_ctf_open(self->dir, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	snprintf(path, sizeof(path), "%s/missing/trace", self->tmp);
	errno = 0;
	EXPECT_EQ(NULL, trace_ctf_open(path, 1, NULL));
	EXPECT_EQ(ENOENT, errno);
	snprintf(path, sizeof(path), "%s/file", self->tmp);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fclose(f);
	errno = 0;
	EXPECT_EQ(NULL, trace_ctf_open(path, 1, NULL));
	EXPECT_EQ(ENOTDIR, errno);
}

TEST_HARNESS_MAIN
