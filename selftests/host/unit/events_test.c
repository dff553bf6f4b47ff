// SPDX-License-Identifier: GPL-2.0
/*
 * The text line of each record (user/trace/events.c): exact strings, as the
 * format in user/trace/events.h promises them.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <sanitizer/lsan_interface.h>

#include "kselftest_harness.h"

#include "records.h"
#include "trace/events.h"

#define T0	1000000000ULL	/* the trace's start, 1 s */

/* A record as the rings hold it: the header, then its payload. */
static const struct llkm_rec *mk(struct rec_buf *b, unsigned int type,
				 uint64_t t, const void *payload, size_t len)
{
	return rec_make(b, type, 1, 1235, t, payload, len);
}

#define MK(b, type, t, payload) mk(b, type, t, &(payload), sizeof(payload))

FIXTURE(line) {
	char *buf;
	size_t len;
	FILE *f;
	struct rec_buf b;
};

FIXTURE_SETUP(line)
{
	self->buf = NULL;
	self->f = open_memstream(&self->buf, &self->len);
	ASSERT_NE(NULL, self->f);
}

FIXTURE_TEARDOWN(line)
{
	fclose(self->f);
	free(self->buf);
	/* the harness's children _exit(): look for leaks here */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

/* What was printed so far. */
static const char *out(FIXTURE_DATA(line) *self)
{
	fflush(self->f);
	return self->buf;
}

TEST_F(line, syscall_entry_of_another_syscall_prints_six_hex_args)
{
	struct llkm_rec_sys_enter e = {
		.nr = SYS_io_uring_enter,
		.args = { (__u64)-100, 0x7ffd5000, 0x80000, 0, 0, 0 },
	};

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_ENTER,
				      T0 + 1234567, e), T0, NULL);
	EXPECT_STREQ("     0.001234 [001] 1234/1235  syscall_entry: "
		     "io_uring_enter(0xffffffffffffff9c, 0x7ffd5000, 0x80000, 0x0, 0x0, 0x0)\n",
		     out(self));
}

/* An entry with its path trailer, as the module writes it (ABI 6). */
struct enter_path {
	struct llkm_rec_sys_enter e;
	struct llkm_rec_sys_path sp;
	char path[16];
};

TEST_F(line, openat_entry_prints_as_strace_with_its_path_and_name)
{
	struct enter_path ep = {
		.e = { .nr = SYS_openat,
		       .args = { (__u64)-100, 0x7ffd5000, 02000000, 0, 0, 0 } },
		.sp = { .arg = 1, .len = 11 },
		.path = "/etc/passwd",
	};

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_ENTER,
				      T0 + 1234567, ep), T0, "cat");
	EXPECT_STREQ("     0.001234 [001] 1234/1235 cat  syscall_entry: "
		     "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC)\n",
		     out(self));
}

TEST_F(line, a_cut_path_ends_in_dots_a_faulted_one_says_so)
{
	struct enter_path ep = {
		.e = { .nr = SYS_openat,
		       .args = { 3, 0x7ffd5000, 0101, 0640, 0, 0 } },
		.sp = { .arg = 1, .len = 8, .flags = LLKM_PATH_CUT },
		.path = "/tmp/xxx",
	};

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_ENTER, T0, ep), T0, NULL);
	ep.sp.flags = LLKM_PATH_FAULT;
	ep.sp.len = 0;
	memset(ep.path, 0, sizeof(ep.path));
	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_ENTER, T0, ep), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  syscall_entry: "
		     "openat(3, \"/tmp/xxx\"..., O_WRONLY|O_CREAT, 0640)\n"
		     "     0.000000 [001] 1234/1235  syscall_entry: "
		     "openat(3, 0x7ffd5000 <not copied: page not present>, O_WRONLY|O_CREAT, 0640)\n",
		     out(self));
}

TEST_F(line, syscall_exit_prints_the_return_value)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_openat, .ret = 3 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT,
				      T0 + 2000, x), T0, NULL);
	EXPECT_STREQ("     0.000002 [001] 1234/1235  syscall_exit: openat = 3\n",
		     out(self));
}

TEST_F(line, syscall_exit_names_the_errno)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_openat, .ret = -2 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT, T0, x), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  syscall_exit: openat = "
		     "-1 ENOENT (No such file or directory)\n",
		     out(self));
}

TEST_F(line, errno_without_a_name_is_spelt_as_strace_does)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_openat, .ret = -4095 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT, T0, x), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  syscall_exit: openat = "
		     "-1 ERRNO_4095 (Unknown error 4095)\n",
		     out(self));
}

TEST_F(line, below_minus_4095_is_not_an_errno)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_mmap, .ret = -4096 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT, T0, x), T0, NULL);
	x.ret = -4095;
	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT, T0, x), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  syscall_exit: mmap = 0xfffffffffffff000\n"
		     "     0.000000 [001] 1234/1235  syscall_exit: mmap = -1 ERRNO_4095 (Unknown error 4095)\n",
		     out(self));
}

TEST_F(line, address_returns_print_in_hex)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_mmap, .ret = 0x7f0000001000 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT, T0, x), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  syscall_exit: mmap = 0x7f0000001000\n",
		     out(self));
}

TEST_F(line, failed_mmap_still_names_the_errno)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_mmap, .ret = -12 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT, T0, x), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  syscall_exit: mmap = -1 ENOMEM (Cannot allocate memory)\n",
		     out(self));
}

TEST_F(line, unknown_syscall_number_is_named_by_number)
{
	struct llkm_rec_sys_exit x = { .nr = 999, .ret = 0 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SYS_EXIT, T0, x), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  syscall_exit: syscall_999 = 0\n",
		     out(self));
}

TEST_F(line, irq_entry_and_exit)
{
	struct llkm_rec_irq i = { .irq = 24, .ret = 1 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_ENTRY, T0, i), T0, NULL);
	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_EXIT, T0, i), T0, NULL);
	i.ret = 0;
	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_EXIT, T0, i), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  irq_handler_entry: irq=24\n"
		     "     0.000000 [001] 1234/1235  irq_handler_exit: irq=24 ret=handled\n"
		     "     0.000000 [001] 1234/1235  irq_handler_exit: irq=24 ret=unhandled\n",
		     out(self));
}

TEST_F(line, softirq_names_its_vector)
{
	struct llkm_rec_softirq s = { .vec = 1 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SOFTIRQ_ENTRY, T0, s), T0, NULL);
	s.vec = 9;
	trace_event_print(self->f, MK(&self->b, LLKM_REC_SOFTIRQ_EXIT, T0, s), T0, NULL);
	s.vec = 10;
	trace_event_print(self->f, MK(&self->b, LLKM_REC_SOFTIRQ_EXIT, T0, s), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  softirq_entry: vec=1 [TIMER]\n"
		     "     0.000000 [001] 1234/1235  softirq_exit: vec=9 [RCU]\n"
		     "     0.000000 [001] 1234/1235  softirq_exit: vec=10 [unknown]\n",
		     out(self));
}

TEST_F(line, sched_switch_shows_both_tasks)
{
	struct llkm_rec_sched_switch s = {
		.prev_tid = 12, .next_tid = 0, .next_pid = 0, .prev_state = 1,
		.prev_comm = "bash", .next_comm = "swapper/1",
	};

	trace_event_print(self->f, MK(&self->b, LLKM_REC_SCHED_SWITCH, T0, s), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  sched_switch: "
		     "prev_tid=12 (bash) state=1 ==> next_tid=0 (swapper/1)\n",
		     out(self));
}

TEST_F(line, comm_of_16_bytes_without_nul_stops_at_15)
{
	struct llkm_rec_sched_switch s = { .prev_tid = 1, .next_tid = 2 };

	memcpy(s.prev_comm, "0123456789abcdef", 16);
	memcpy(s.next_comm, "0123456789abcde", 16);
	trace_event_print(self->f, MK(&self->b, LLKM_REC_SCHED_SWITCH, T0, s), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  sched_switch: "
		     "prev_tid=1 (0123456789abcde) state=0 ==> next_tid=2 (0123456789abcde)\n",
		     out(self));
}

TEST_F(line, fork_shows_the_child)
{
	struct llkm_rec_fork f = { .child_pid = 5, .child_tid = 6 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_FORK, T0, f), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  sched_process_fork: child_pid=5 child_tid=6\n",
		     out(self));
}

TEST_F(line, time_truncates_to_the_microsecond)
{
	struct llkm_rec_irq i = { .irq = 1 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_ENTRY, T0 + 999, i), T0, NULL);
	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_ENTRY, T0 + 1000, i), T0, NULL);
	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_ENTRY,
				      T0 + 12345 * 1000000000ULL + 1999, i), T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  irq_handler_entry: irq=1\n"
		     "     0.000001 [001] 1234/1235  irq_handler_entry: irq=1\n"
		     " 12345.000001 [001] 1234/1235  irq_handler_entry: irq=1\n",
		     out(self));
}

TEST_F(line, time_before_t0_is_negative)
{
	struct llkm_rec_irq i = { .irq = 1 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_ENTRY, T0 - 1500, i), T0, NULL);
	trace_event_print(self->f, MK(&self->b, LLKM_REC_IRQ_ENTRY, T0, i),
			  T0 + 3000000000ULL, NULL);
	EXPECT_STREQ("    -0.000001 [001] 1234/1235  irq_handler_entry: irq=1\n"
		     "    -3.000000 [001] 1234/1235  irq_handler_entry: irq=1\n",
		     out(self));
}

TEST_F(line, cpu_has_three_digits_at_least)
{
	struct llkm_rec_irq i = { .irq = 1 };

	mk(&self->b, LLKM_REC_IRQ_ENTRY, T0, &i, sizeof(i));
	self->b.h.cpu = 12;
	trace_event_print(self->f, &self->b.h, T0, NULL);
	self->b.h.cpu = 1234;
	trace_event_print(self->f, &self->b.h, T0, NULL);
	EXPECT_STREQ("     0.000000 [012] 1234/1235  irq_handler_entry: irq=1\n"
		     "     0.000000 [1234] 1234/1235  irq_handler_entry: irq=1\n",
		     out(self));
}

TEST_F(line, unknown_type_says_so)
{
	struct llkm_rec_test t = { .seq = 1 };

	trace_event_print(self->f, MK(&self->b, LLKM_REC_TEST, T0, t), T0, NULL);
	self->b.h.type = 200;	/* beyond any type */
	trace_event_print(self->f, &self->b.h, T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  unknown: type=1 size=40\n"
		     "     0.000000 [001] 1234/1235  unknown: type=200 size=40\n",
		     out(self));
}

TEST_F(line, record_shorter_than_its_payload_is_truncated)
{
	struct llkm_rec_sys_exit x = { .nr = SYS_openat, .ret = 3 };

	mk(&self->b, LLKM_REC_SYS_EXIT, T0, &x, sizeof(x));
	self->b.h.size = sizeof(self->b.h) + sizeof(x) - 8;
	trace_event_print(self->f, &self->b.h, T0, NULL);
	self->b.h.size = sizeof(self->b.h) + sizeof(x);
	trace_event_print(self->f, &self->b.h, T0, NULL);
	EXPECT_STREQ("     0.000000 [001] 1234/1235  truncated: type=3 size=32\n"
		     "     0.000000 [001] 1234/1235  syscall_exit: openat = 3\n",
		     out(self));
}

TEST(event_names_cover_the_known_types_only)
{
	EXPECT_EQ(NULL, trace_event_name(LLKM_REC_UNSPEC));
	EXPECT_EQ(NULL, trace_event_name(LLKM_REC_TEST));
	EXPECT_STREQ("syscall_entry", trace_event_name(LLKM_REC_SYS_ENTER));
	EXPECT_STREQ("sched_switch", trace_event_name(LLKM_REC_SCHED_SWITCH));
	/* Samples belong to llctl record, not to trace output. */
	EXPECT_EQ(NULL, trace_event_name(LLKM_REC_SAMPLE));
	EXPECT_EQ(NULL, trace_event_name(__LLKM_REC_LAST));
	EXPECT_EQ(NULL, trace_event_name(0xffff));
}

TEST(softirq_names_end_at_rcu)
{
	EXPECT_STREQ("HI", trace_softirq_name(0));
	EXPECT_STREQ("RCU", trace_softirq_name(9));
	EXPECT_STREQ("unknown", trace_softirq_name(10));
	EXPECT_STREQ("unknown", trace_softirq_name(~0U));
}

TEST_HARNESS_MAIN
