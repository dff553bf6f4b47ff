// SPDX-License-Identifier: GPL-2.0
/*
 * The Chrome JSON trace writer (user/trace/perfetto.c): the file parses, and
 * holds the events trace/perfetto.h promises, on the tracks it promises.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <json-c/json.h>

#include "fake_root.h"
#include "kselftest_harness.h"

#include "records.h"
#include "trace/events.h"
#include "trace/perfetto.h"

#define T0	1000000000ULL	/* the first record's time, 1 s */
#define CPUS	TRACE_PERFETTO_CPUS_PID

/* A record as the rings hold it: the header, then its payload. */
static const struct llkm_rec *mk(struct rec_buf *b, unsigned int type,
				 unsigned int cpu, uint32_t tid, uint64_t t,
				 const void *payload, size_t len)
{
	return rec_make(b, type, cpu, tid, t, payload, len);
}

FIXTURE(perfetto) {
	char dir[sizeof(FAKE_ROOT_TEMPLATE)];
	char path[sizeof(FAKE_ROOT_TEMPLATE) + 16];
	struct trace_perfetto *p;
	struct rec_buf b;
	struct json_object *root;
	struct json_object *ev;		/* root's traceEvents */
};

FIXTURE_SETUP(perfetto)
{
	self->p = NULL;
	self->root = NULL;
	strcpy(self->dir, FAKE_ROOT_TEMPLATE);
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/trace.json", self->dir);
	self->p = trace_perfetto_open(self->path);
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(perfetto)
{
	if (self->p)
		trace_perfetto_close(self->p);
	json_object_put(self->root);
	EXPECT_EQ(0, fake_root_remove(self->dir));
	/* the harness's children _exit(): look for leaks here */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#define PUT(type, cpu, tid, t, payload) \
	ASSERT_EQ(0, trace_perfetto_write(self->p, mk(&self->b, type, cpu, tid, \
					  t, &(payload), sizeof(payload))))

/* Closes the file and parses it with json-c: its traceEvents, or NULL. */
static struct json_object *close_and_load(FIXTURE_DATA(perfetto) *self)
{
	struct json_object *ev;
	int ret = trace_perfetto_close(self->p);

	self->p = NULL;
	if (ret)
		return NULL;
	self->root = json_object_from_file(self->path);
	if (!json_object_object_get_ex(self->root, "traceEvents", &ev) ||
	    !json_object_is_type(ev, json_type_array))
		return NULL;
	self->ev = ev;
	return ev;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) :
	       NULL;
}

static int64_t num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) :
	       -1;
}

static double dbl(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) :
	       -1;
}

static struct json_object *args(struct json_object *o)
{
	struct json_object *v;

	return json_object_object_get_ex(o, "args", &v) ? v : NULL;
}

/* How many events have phase @ph (and name @name, unless NULL). */
static int count(struct json_object *ev, const char *ph, const char *name)
{
	size_t i;
	int n = 0;

	for (i = 0; i < json_object_array_length(ev); i++) {
		struct json_object *e = json_object_array_get_idx(ev, i);

		if (!strcmp(str(e, "ph"), ph) &&
		    (!name || !strcmp(str(e, "name"), name)))
			n++;
	}
	return n;
}

/* The first event of phase @ph named @name (on thread @tid, unless 0). */
static struct json_object *find(struct json_object *ev, const char *ph,
				const char *name, int64_t tid)
{
	size_t i;

	for (i = 0; i < json_object_array_length(ev); i++) {
		struct json_object *e = json_object_array_get_idx(ev, i);

		if (!strcmp(str(e, "ph"), ph) && !strcmp(str(e, "name"), name) &&
		    (!tid || num(e, "tid") == tid))
			return e;
	}
	return NULL;
}

/* The name the "M" event @what gives to @tid, or NULL. */
static const char *meta_name(struct json_object *ev, const char *what,
			     int64_t tid)
{
	struct json_object *e = find(ev, "M", what, tid);

	return e && args(e) ? str(args(e), "name") : NULL;
}

static void put_openat(struct __test_metadata *_metadata,
		       FIXTURE_DATA(perfetto) *self, uint32_t tid,
		       uint64_t enter, uint64_t exit, int64_t ret)
{
	struct llkm_rec_sys_enter e = { .nr = SYS_openat };
	struct llkm_rec_sys_exit x = { .nr = SYS_openat, .ret = ret };

	PUT(LLKM_REC_SYS_ENTER, 0, tid, enter, e);
	PUT(LLKM_REC_SYS_EXIT, 0, tid, exit, x);
}

TEST_F(perfetto, empty_trace_is_json_with_the_cpus_process)
{
	struct json_object *ev = close_and_load(self), *unit;

	ASSERT_NE(NULL, ev);
	ASSERT_TRUE(json_object_object_get_ex(self->root, "displayTimeUnit", &unit));
	EXPECT_STREQ("ns", json_object_get_string(unit));
	EXPECT_EQ(1, json_object_array_length(ev));
	EXPECT_STREQ("CPUs", meta_name(ev, "process_name", CPUS));
	EXPECT_EQ(CPUS, num(find(ev, "M", "process_name", 0), "pid"));
}

TEST_F(perfetto, syscall_pair_is_one_complete_event)
{
	struct json_object *ev, *e;

	put_openat(_metadata, self, 1235, T0 + 500, T0 + 3750, 3);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(1, count(ev, "X", NULL));
	EXPECT_EQ(0, count(ev, "i", NULL));
	e = find(ev, "X", "openat", 1235);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("syscall", str(e, "cat"));
	EXPECT_EQ(1234, num(e, "pid"));
	EXPECT_EQ(1000000.5, dbl(e, "ts"));
	EXPECT_EQ(3.25, dbl(e, "dur"));
	ASSERT_NE(NULL, args(e));
	EXPECT_EQ(SYS_openat, num(args(e), "nr"));
	EXPECT_EQ(3, num(args(e), "ret"));
}

TEST_F(perfetto, durations_keep_every_nanosecond)
{
	struct json_object *ev, *e;

	put_openat(_metadata, self, 7, T0 + 1, T0 + 1 + 1000001, -2);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	e = find(ev, "X", "openat", 7);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(1000000.001, dbl(e, "ts"));
	EXPECT_EQ(1000.001, dbl(e, "dur"));
	EXPECT_EQ(-2, num(args(e), "ret"));
}

TEST_F(perfetto, syscalls_pair_by_thread)
{
	struct llkm_rec_sys_enter e = { .nr = SYS_read };
	struct llkm_rec_sys_exit x = { .nr = SYS_read, .ret = 10 };
	struct json_object *ev;

	PUT(LLKM_REC_SYS_ENTER, 0, 10, T0, e);
	PUT(LLKM_REC_SYS_ENTER, 1, 20, T0 + 1000, e);
	PUT(LLKM_REC_SYS_EXIT, 0, 10, T0 + 5000, x);
	PUT(LLKM_REC_SYS_EXIT, 1, 20, T0 + 7000, x);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(2, count(ev, "X", "read"));
	EXPECT_EQ(5.0, dbl(find(ev, "X", "read", 10), "dur"));
	EXPECT_EQ(6.0, dbl(find(ev, "X", "read", 20), "dur"));
}

TEST_F(perfetto, exit_without_entry_emits_nothing)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_openat, .ret = 3 };
	struct trace_perfetto_counts n;
	struct json_object *ev;

	PUT(LLKM_REC_SYS_EXIT, 0, 1235, T0, x);
	trace_perfetto_counts(self->p, &n);
	EXPECT_EQ(1, n.orphans);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(1, json_object_array_length(ev));	/* process_name "CPUs" */
	EXPECT_EQ(0, count(ev, "X", NULL));
}

TEST_F(perfetto, entry_without_exit_is_an_unfinished_instant)
{
	struct llkm_rec_sys_enter e = { .nr = SYS_exit_group };
	struct json_object *ev, *i;

	PUT(LLKM_REC_SYS_ENTER, 0, 1235, T0 + 2000, e);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(0, count(ev, "X", NULL));
	i = find(ev, "i", "exit_group", 1235);
	ASSERT_NE(NULL, i);
	EXPECT_STREQ("t", str(i, "s"));
	EXPECT_EQ(1000002.0, dbl(i, "ts"));
	ASSERT_NE(NULL, args(i));
	EXPECT_EQ(SYS_exit_group, num(args(i), "nr"));
	EXPECT_EQ(1, num(args(i), "unfinished"));
}

TEST_F(perfetto, entry_after_entry_leaves_the_first_unfinished)
{
	struct llkm_rec_sys_enter a = { .nr = SYS_read }, b = { .nr = SYS_write };
	struct llkm_rec_sys_exit x = { .nr = SYS_write, .ret = 1 };
	struct trace_perfetto_counts n;
	struct json_object *ev;

	PUT(LLKM_REC_SYS_ENTER, 0, 1235, T0, a);
	PUT(LLKM_REC_SYS_ENTER, 0, 1235, T0 + 1000, b);
	PUT(LLKM_REC_SYS_EXIT, 0, 1235, T0 + 3000, x);
	trace_perfetto_counts(self->p, &n);
	EXPECT_EQ(1, n.unfinished);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(1, count(ev, "i", "read"));
	EXPECT_EQ(1, count(ev, "X", "write"));
	EXPECT_EQ(2.0, dbl(find(ev, "X", "write", 1235), "dur"));
}

TEST_F(perfetto, exit_of_another_syscall_pairs_nothing)
{
	struct llkm_rec_sys_enter e = { .nr = SYS_read };
	struct llkm_rec_sys_exit x = { .nr = SYS_write, .ret = 1 };
	struct json_object *ev;

	PUT(LLKM_REC_SYS_ENTER, 0, 1235, T0, e);
	PUT(LLKM_REC_SYS_EXIT, 0, 1235, T0 + 1000, x);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(0, count(ev, "X", NULL));
	EXPECT_EQ(1, count(ev, "i", "read"));
}

TEST_F(perfetto, exit_older_than_its_entry_pairs_nothing)
{
	struct llkm_rec_irq irq = { .irq = 24 };
	struct json_object *ev;

	put_openat(_metadata, self, 1235, T0 + 5000, T0 + 4000, 3);
	PUT(LLKM_REC_IRQ_ENTRY, 0, 0, T0 + 5000, irq);
	PUT(LLKM_REC_IRQ_EXIT, 0, 0, T0 + 4000, irq);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(0, count(ev, "X", NULL));
	EXPECT_EQ(2, count(ev, "i", NULL));
}

TEST_F(perfetto, irq_is_a_slice_on_its_cpu_track)
{
	struct llkm_rec_irq irq = { .irq = 24, .ret = 1 };
	struct json_object *ev, *e;

	PUT(LLKM_REC_IRQ_ENTRY, 2, 1235, T0, irq);
	PUT(LLKM_REC_IRQ_EXIT, 2, 1235, T0 + 1500, irq);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	e = find(ev, "X", "irq 24", 0);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("irq", str(e, "cat"));
	EXPECT_EQ(CPUS, num(e, "pid"));
	EXPECT_EQ(CPUS + 1 + 2, num(e, "tid"));
	EXPECT_EQ(1.5, dbl(e, "dur"));
	EXPECT_EQ(24, num(args(e), "irq"));
	EXPECT_EQ(1, num(args(e), "ret"));
	EXPECT_STREQ("CPU 2", meta_name(ev, "thread_name", CPUS + 1 + 2));
	e = find(ev, "M", "thread_sort_index", CPUS + 1 + 2);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(2, num(args(e), "sort_index"));
	EXPECT_EQ(NULL, meta_name(ev, "thread_name", CPUS + 1 + 1));
}

TEST_F(perfetto, softirq_is_a_named_slice_on_its_cpu_track)
{
	struct llkm_rec_softirq s = { .vec = 1 };
	struct json_object *ev, *e;

	PUT(LLKM_REC_SOFTIRQ_ENTRY, 0, 0, T0, s);
	PUT(LLKM_REC_SOFTIRQ_EXIT, 0, 0, T0 + 4000, s);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	e = find(ev, "X", "softirq TIMER", CPUS + 1);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(CPUS, num(e, "pid"));
	EXPECT_EQ(4.0, dbl(e, "dur"));
	EXPECT_EQ(1, num(args(e), "vec"));
	EXPECT_STREQ("CPU 0", meta_name(ev, "thread_name", CPUS + 1));
}

TEST_F(perfetto, irq_exit_without_entry_emits_nothing)
{
	struct llkm_rec_irq irq = { .irq = 24 };
	struct llkm_rec_softirq s = { .vec = 3 };
	struct json_object *ev;

	PUT(LLKM_REC_IRQ_EXIT, 0, 0, T0, irq);
	PUT(LLKM_REC_SOFTIRQ_EXIT, 0, 0, T0, s);
	PUT(LLKM_REC_IRQ_ENTRY, 1, 0, T0, irq);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(0, count(ev, "X", NULL));
	EXPECT_EQ(1, count(ev, "i", "irq 24"));		/* CPU 1's, unfinished */
	EXPECT_NE(NULL, find(ev, "i", "irq 24", CPUS + 1 + 1));
}

TEST_F(perfetto, second_exit_emits_nothing)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_openat, .ret = 3 };
	struct llkm_rec_softirq s = { .vec = 3 };
	struct llkm_rec_irq irq = { .irq = 24 };
	struct trace_perfetto_counts n;
	struct json_object *ev;

	put_openat(_metadata, self, 1235, T0, T0 + 1000, 3);
	PUT(LLKM_REC_SYS_EXIT, 0, 1235, T0 + 3000, x);
	PUT(LLKM_REC_IRQ_ENTRY, 0, 0, T0 + 4000, irq);
	PUT(LLKM_REC_IRQ_EXIT, 0, 0, T0 + 5000, irq);
	PUT(LLKM_REC_IRQ_EXIT, 0, 0, T0 + 6000, irq);
	PUT(LLKM_REC_SOFTIRQ_ENTRY, 0, 0, T0 + 7000, s);
	PUT(LLKM_REC_SOFTIRQ_EXIT, 0, 0, T0 + 8000, s);
	PUT(LLKM_REC_SOFTIRQ_EXIT, 0, 0, T0 + 9000, s);
	trace_perfetto_counts(self->p, &n);
	EXPECT_EQ(3, n.orphans);
	EXPECT_EQ(0, n.unfinished);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(1, count(ev, "X", "openat"));
	EXPECT_EQ(1, count(ev, "X", "irq 24"));
	EXPECT_EQ(1, count(ev, "X", "softirq NET_RX"));
	EXPECT_EQ(0, count(ev, "i", NULL));
}

TEST_F(perfetto, sched_switch_is_an_instant_that_names_threads)
{
	struct llkm_rec_sched_switch sw = {
		.prev_tid = 12, .next_tid = 77, .next_pid = 70, .prev_state = 1,
		.prev_comm = "bash", .next_comm = "worker",
	};
	struct json_object *ev, *e;

	mk(&self->b, LLKM_REC_SCHED_SWITCH, 3, 12, T0, &sw, sizeof(sw));
	self->b.h.pid = 12;
	ASSERT_EQ(0, trace_perfetto_write(self->p, &self->b.h));
	ASSERT_EQ(0, trace_perfetto_write(self->p, &self->b.h));
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(2, count(ev, "i", "sched_switch"));
	e = find(ev, "i", "sched_switch", CPUS + 1 + 3);
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("sched", str(e, "cat"));
	EXPECT_STREQ("t", str(e, "s"));
	EXPECT_EQ(12, num(args(e), "prev_tid"));
	EXPECT_STREQ("bash", str(args(e), "prev_comm"));
	EXPECT_EQ(1, num(args(e), "prev_state"));
	EXPECT_EQ(77, num(args(e), "next_tid"));
	EXPECT_EQ(70, num(args(e), "next_pid"));
	EXPECT_STREQ("worker", str(args(e), "next_comm"));
	/* each thread named once, a leader's process too */
	EXPECT_EQ(2, count(ev, "M", "thread_name") - 1);	/* and CPU 3 */
	EXPECT_STREQ("bash", meta_name(ev, "thread_name", 12));
	EXPECT_STREQ("bash", meta_name(ev, "process_name", 12));
	EXPECT_STREQ("worker", meta_name(ev, "thread_name", 77));
	EXPECT_EQ(70, num(find(ev, "M", "thread_name", 77), "pid"));
	EXPECT_EQ(NULL, meta_name(ev, "process_name", 77));
}

TEST_F(perfetto, prev_is_named_only_as_the_running_thread)
{
	struct llkm_rec_sched_switch sw = {
		.prev_tid = 12, .next_tid = 77, .next_pid = 70,
		.prev_comm = "bash", .next_comm = "worker",
	};
	struct json_object *ev;

	/* the header says another thread ran: its pid is not prev's */
	PUT(LLKM_REC_SCHED_SWITCH, 0, 99, T0, sw);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(NULL, meta_name(ev, "thread_name", 12));
	EXPECT_STREQ("worker", meta_name(ev, "thread_name", 77));
}

TEST_F(perfetto, new_comm_renames_the_thread)
{
	struct llkm_rec_sched_switch sw = {
		.prev_tid = 5, .next_tid = 6, .next_pid = 6,
		.prev_comm = "a", .next_comm = "sh",
	};
	struct json_object *ev;

	PUT(LLKM_REC_SCHED_SWITCH, 0, 5, T0, sw);
	strcpy(sw.next_comm, "ls");
	PUT(LLKM_REC_SCHED_SWITCH, 0, 5, T0 + 1, sw);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(2, count(ev, "M", "process_name") - 1);
	EXPECT_STREQ("sh", meta_name(ev, "thread_name", 6));
	EXPECT_EQ(3, count(ev, "M", "thread_name") - 1);
}

TEST_F(perfetto, idle_task_is_not_named)
{
	struct llkm_rec_sched_switch sw = {
		.prev_tid = 0, .next_tid = 0, .prev_comm = "swapper/0",
		.next_comm = "swapper/0",
	};
	struct json_object *ev;

	PUT(LLKM_REC_SCHED_SWITCH, 0, 0, T0, sw);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(1, count(ev, "M", "thread_name"));	/* CPU 0's */
}

TEST_F(perfetto, comm_is_escaped)
{
	struct llkm_rec_sched_switch sw = { .prev_tid = 5, .next_tid = 6 };
	struct json_object *ev, *e;

	memcpy(sw.next_comm, "a\"b\\c\x01\xff/\t", 10);
	PUT(LLKM_REC_SCHED_SWITCH, 0, 5, T0, sw);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	e = find(ev, "i", "sched_switch", 0);
	ASSERT_NE(NULL, e);
	/* bytes above 0x7e are taken as Latin-1: JSON stays valid UTF-8 */
	EXPECT_STREQ("a\"b\\c\x01\xc3\xbf/\t", str(args(e), "next_comm"));
	EXPECT_STREQ("a\"b\\c\x01\xc3\xbf/\t", meta_name(ev, "thread_name", 6));
}

TEST_F(perfetto, fork_is_an_instant_on_the_parent)
{
	struct llkm_rec_fork f = { .child_pid = 5, .child_tid = 6 };
	struct json_object *ev, *e;

	PUT(LLKM_REC_FORK, 0, 1235, T0, f);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	e = find(ev, "i", "sched_process_fork", 1235);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(1234, num(e, "pid"));
	EXPECT_EQ(5, num(args(e), "child_pid"));
	EXPECT_EQ(6, num(args(e), "child_tid"));
}

TEST_F(perfetto, unknown_and_bad_records)
{
	struct llkm_rec_test t = { .seq = 1 };
	struct llkm_rec_irq irq = { .irq = 1 };
	struct trace_perfetto_counts n;

	PUT(LLKM_REC_TEST, 0, 1, T0, t);
	mk(&self->b, LLKM_REC_IRQ_ENTRY, 0, 1, T0, &irq, sizeof(irq));
	self->b.h.size -= 8;
	EXPECT_EQ(-EINVAL, trace_perfetto_write(self->p, &self->b.h));
	self->b.h.size += 8;
	self->b.h.cpu = TRACE_PERFETTO_CPUS_MAX;
	EXPECT_EQ(-ERANGE, trace_perfetto_write(self->p, &self->b.h));
	self->b.h.cpu = TRACE_PERFETTO_CPUS_MAX - 1;
	EXPECT_EQ(0, trace_perfetto_write(self->p, &self->b.h));
	trace_perfetto_counts(self->p, &n);
	EXPECT_EQ(1, n.skipped);
	EXPECT_NE(NULL, close_and_load(self));
}

TEST_F(perfetto, many_threads_outgrow_the_table)
{
	struct llkm_rec_sys_enter e = { .nr = SYS_read };
	struct llkm_rec_sys_exit x = { .nr = SYS_read };
	struct json_object *ev;
	uint32_t tid;

	for (tid = 1; tid <= 5000; tid++)
		PUT(LLKM_REC_SYS_ENTER, 0, tid, T0 + tid, e);
	for (tid = 1; tid <= 5000; tid++)
		PUT(LLKM_REC_SYS_EXIT, 0, tid, T0 + 10000 + tid, x);
	ev = close_and_load(self);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(5000, count(ev, "X", "read"));
	EXPECT_EQ(10.0, dbl(find(ev, "X", "read", 4321), "dur"));
}

/* The structure chrome://tracing and the Perfetto UI need, by jq and python3. */
TEST_F(perfetto, jq_and_python_accept_it)
{
	static const char jq[] =
		"jq -e '(.traceEvents | type == \"array\" and length == 6) and "
		"all(.traceEvents[]; (.ph | type == \"string\") and "
		"(.pid | type == \"number\") and (.tid | type == \"number\") and "
		"(.ph == \"M\" or (.ts | type == \"number\"))) and "
		".displayTimeUnit == \"ns\"' '%s' >/dev/null";
	static const char py[] =
		"python3 -c 'import json, sys; t = json.load(open(sys.argv[1])); "
		"assert len(t[\"traceEvents\"]) == 6; "
		"assert [e[\"dur\"] for e in t[\"traceEvents\"] if e[\"ph\"] == \"X\"] == [3.25, 1.0]' '%s'";
	struct llkm_rec_irq irq = { .irq = 9 };
	char cmd[sizeof(jq) + PATH_MAX];

	if (system("jq --version >/dev/null 2>&1") ||
	    system("python3 --version >/dev/null 2>&1"))
		SKIP(return, "jq or python3 is not installed");
	put_openat(_metadata, self, 1235, T0 + 500, T0 + 3750, 3);
	PUT(LLKM_REC_IRQ_ENTRY, 1, 0, T0 + 4000, irq);
	PUT(LLKM_REC_IRQ_EXIT, 1, 0, T0 + 5000, irq);
	PUT(LLKM_REC_IRQ_ENTRY, 1, 0, T0 + 6000, irq);
	ASSERT_NE(NULL, close_and_load(self));
	snprintf(cmd, sizeof(cmd), jq, self->path);
	EXPECT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd), py, self->path);
	EXPECT_EQ(0, system(cmd));
}

TEST(open_fails_with_errno)
{
	errno = 0;
	EXPECT_EQ(NULL, trace_perfetto_open("/nonexistent/dir/trace.json"));
	EXPECT_EQ(ENOENT, errno);
}

TEST_HARNESS_MAIN
