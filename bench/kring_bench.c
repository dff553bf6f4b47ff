// SPDX-License-Identifier: GPL-2.0
/*
 * kring_bench: N records through llkm's per-CPU ring against the same N
 * through a BPF ringbuf, each from a producer in the kernel to a consumer
 * in userspace, one tool per run (bench/kring_bench.sh runs both in one
 * guest boot and makes the table of docs/benchmarks.md).
 *
 *   llkm  a session of rings only (no tracepoint: nothing else writes),
 *         started, mapped and drained with llctl's own code (trace/session.c,
 *         trace/rings.c); the producer is LLKM_IOC_BENCH_RING of a module
 *         built with LLKM_BENCH=1 (kmod/bench_ring.c): the tracer's reserve
 *         and commit, N times, on the producer's CPU
 *   bpf   kring_bpf.o's syscall program (LLKM_BENCH_OBJ), run once by
 *         bpf_prog_test_run_opts(): bpf_loop() of N reserves and submits of
 *         the same bytes; consumed by libbpf's ring_buffer__poll()
 *
 * The producer runs in this process's main thread pinned to CPU -p, the
 * consumer in a second thread pinned to CPU -c (the producer starts once
 * the consumer runs there), the consumer blocking in poll()
 * until its tool wakes it (timeout 10 ms, the same for both), and after the
 * producer returned it drains until every record written was read. Both
 * rings hold -r bytes (llkm: per CPU; discard mode, as BPF's ringbuf). A
 * record of -s payload bytes is the 24-byte llkm header + payload in both
 * (BPF's ringbuf adds its 8-byte header, llkm nothing).
 *
 * The consumer checks every record: its size and type, its sequence number
 * rising, its payload words (llkm_bench_word()); a record that fails is
 * torn. Produced = delivered + lost is checked against each tool's own
 * counts (llkm: the ioctl's and the module's session stats; BPF: the
 * program's count of failed reserves), and the sequence gaps must equal the
 * records lost. Prints one line of key=value; exit status 1 when a check
 * failed, 2 when the tool could not run (the line says why).
 *
 * -b clock: no ring; the module reads the ring's clock N times on CPU -p
 * (LLKM_BENCH_F_CLOCK), the part of each record's cost both tools pay
 * (bpf_ktime_get_ns() is the same ktime_get_mono_fast_ns()).
 *
 * Usage: kring_bench -b llkm|bpf|clock [-n N] [-s PAYLOAD] [-r RING] [-p CPU]
 *                    [-c CPU]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/nl.h"
#include "trace/session.h"
#include "../kmod/bench_ring.h"
#include "kring_check.h"

#define POLL_MS		10

struct run {
	const char *tool;
	uint64_t n;
	uint32_t payload;
	uint32_t ring;
	int pcpu, ccpu;
	/* the consumer's */
	struct check ck;
	atomic_int ready;	/* the consumer is pinned, about to wait */
	atomic_int done;	/* the producer returned */
	atomic_ulong target;	/* records written, once done */
	int64_t t_end;		/* the consumer read the last one */
	/* the tool's */
	struct trace_session s;
	struct ring_buffer *rb;
	char why[400];
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void llkm_rec_cb(const struct llkm_rec *rec, void *arg)
{
	struct check *ck = arg;

	check_rec(ck, rec, rec->size);
}

static int bpf_rec_cb(void *arg, void *data, size_t size)
{
	check_rec(arg, data, size);
	return 0;
}

/* Waits in the tool's poll, reads; after the producer, reads to the end. */
static void *consumer(void *arg)
{
	struct run *r = arg;
	struct pollfd pfd;
	bool llkm = !strcmp(r->tool, "llkm");

	if (pin(r->ccpu)) {
		atomic_store(&r->ready, -1);
		return NULL;
	}
	atomic_store(&r->ready, 1);
	pfd.fd = llkm ? r->s.dev : 0;
	pfd.events = POLLIN;
	for (;;) {
		int done = atomic_load(&r->done);

		if (llkm) {
			if (!done)
				poll(&pfd, 1, POLL_MS);
			trace_session_drain(&r->s, llkm_rec_cb, &r->ck);
		} else if (!done) {
			ring_buffer__poll(r->rb, POLL_MS);
		} else {
			ring_buffer__consume(r->rb);
		}
		if (done && r->ck.delivered >= atomic_load(&r->target))
			break;
	}
	r->t_end = now_ns();
	return NULL;
}

struct result {
	uint64_t written, lost;		/* the producer's counts */
	uint64_t produced, tlost;	/* the tool's own counts */
	int64_t t0, t1;
};

/* The producer side of llkm: the session, then the ioctl. */
static int llkm_setup(struct run *r, struct llctl_nl *nl)
{
	struct llctl_trace_req req = { .events = 0, .ring_size = r->ring,
				       .ring_mode = LLKM_RING_MODE_DISCARD };
	int err;

	err = llctl_nl_open(nl);
	if (err) {
		snprintf(r->why, sizeof(r->why), "llkm netlink: %s", strerror(-err));
		return err;
	}
	r->s = (struct trace_session)TRACE_SESSION_INIT;
	err = trace_session_open(&r->s, nl);
	if (!err)
		err = trace_session_start(&r->s, &req, trace_session_cpus());
	if (err)
		snprintf(r->why, sizeof(r->why), "%s", r->s.why);
	return err;
}

static int llkm_produce(struct run *r, struct llctl_nl *nl, struct result *res)
{
	struct llkm_bench_ring b = { .portid = llctl_nl_portid(nl),
				     .payload = r->payload, .n = r->n };
	int ret;

	res->t0 = now_ns();
	ret = ioctl(r->s.dev, LLKM_IOC_BENCH_RING, &b);
	res->t1 = now_ns();
	if (ret) {
		snprintf(r->why, sizeof(r->why), "LLKM_IOC_BENCH_RING: %s%s",
			 strerror(errno), errno == ENOTTY ?
			 " (a module built without LLKM_BENCH=1)" : "");
		return -errno;
	}
	res->written = b.written;
	res->lost = b.lost;
	return 0;
}

static int llkm_finish(struct run *r, struct result *res)
{
	struct trace_ring_totals tot;
	int err;

	trace_session_stop(&r->s);
	err = trace_session_finish(&r->s, llkm_rec_cb, &r->ck, &tot);
	if (err) {
		snprintf(r->why, sizeof(r->why), "session stats: %s", strerror(-err));
		return err;
	}
	res->produced = tot.produced;
	res->tlost = tot.lost;
	return 0;
}

static int bpf_setup(struct run *r, struct bpf_object **obj,
		     struct bpf_program **prog)
{
	const char *path = getenv("LLKM_BENCH_OBJ");
	char name[16];
	int err;

	if (!path)
		path = "bench/kring_bpf.o";
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	*obj = bpf_object__open_file(path, NULL);
	if (!*obj) {
		snprintf(r->why, sizeof(r->why), "open %s: %s", path, strerror(errno));
		return -errno;
	}
	err = bpf_map__set_max_entries(bpf_object__find_map_by_name(*obj, "rb"),
				       r->ring);
	if (!err)
		err = bpf_object__load(*obj);
	if (err) {
		snprintf(r->why, sizeof(r->why), "load %s: %s", path, strerror(-err));
		return err;
	}
	snprintf(name, sizeof(name), "kring%u", r->payload);
	*prog = bpf_object__find_program_by_name(*obj, name);
	if (!*prog) {
		snprintf(r->why, sizeof(r->why), "%s has no program %s (payload 16 or 64 only)",
			 path, name);
		return -ENOENT;
	}
	r->rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(*obj, "rb")),
				 bpf_rec_cb, &r->ck, NULL);
	if (!r->rb) {
		snprintf(r->why, sizeof(r->why), "ring_buffer__new: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

struct kring_args {
	uint64_t n, written, lost;
};

static int bpf_produce(struct run *r, struct bpf_program *prog,
		       struct result *res)
{
	struct kring_args a = { .n = r->n };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));
	int err;

	res->t0 = now_ns();
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	res->t1 = now_ns();
	if (err) {
		snprintf(r->why, sizeof(r->why), "bpf_prog_test_run_opts: %s",
			 strerror(errno));
		return -errno;
	}
	res->written = a.written;
	res->lost = a.lost;
	/* The program counts both: its loop ran n times, or says otherwise. */
	res->produced = a.written + a.lost;
	res->tlost = a.lost;
	return 0;
}

/* -b clock: what the ring's clock read costs in the kernel, per read. */
static int clock_only(uint64_t n)
{
	struct llkm_bench_ring b = { .flags = LLKM_BENCH_F_CLOCK, .n = n };
	int fd = open("/dev/llkm", O_RDWR), ret;

	ret = fd < 0 ? -1 : ioctl(fd, LLKM_IOC_BENCH_RING, &b);
	if (ret) {
		printf("kring tool=clock SKIP %s: %s\n",
		       fd < 0 ? "open /dev/llkm" : "LLKM_IOC_BENCH_RING",
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	close(fd);
	printf("kring tool=clock n=%" PRIu64 " ns=%" PRIu64 " ns_per_read=%.1f\n",
	       n, (uint64_t)b.ns, n ? (double)b.ns / n : 0.0);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: kring_bench -b llkm|bpf|clock [-n N] [-s 16|64] [-r RING_BYTES] [-p CPU] [-c CPU]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct run r = { .n = 1000000, .payload = 16, .ring = 1 << 22,
			 .pcpu = 0, .ccpu = 1 };
	struct bpf_object *obj = NULL;
	struct bpf_program *prog = NULL;
	struct result res = { 0 };
	struct llctl_nl nl;
	pthread_t th;
	uint64_t gaps;
	bool llkm, ok;
	int opt, err;

	while ((opt = getopt(argc, argv, "b:n:s:r:p:c:")) != -1) {
		switch (opt) {
		case 'b': r.tool = optarg; break;
		case 'n': r.n = strtoull(optarg, NULL, 0); break;
		case 's': r.payload = strtoul(optarg, NULL, 0); break;
		case 'r': r.ring = strtoul(optarg, NULL, 0); break;
		case 'p': r.pcpu = atoi(optarg); break;
		case 'c': r.ccpu = atoi(optarg); break;
		default: usage();
		}
	}
	if (r.tool && !strcmp(r.tool, "clock"))
		return pin(r.pcpu) ? 2 : clock_only(r.n);
	if (!r.tool || (strcmp(r.tool, "llkm") && strcmp(r.tool, "bpf")) ||
	    !r.payload || r.payload % 8 || r.payload > LLKM_BENCH_PAYLOAD_MAX)
		usage();
	llkm = !strcmp(r.tool, "llkm");
	r.ck.payload = r.payload;
	r.ck.type = LLKM_REC_TEST;
	r.ck.last = -1;
	err = pin(r.pcpu);
	if (!err)
		err = llkm ? llkm_setup(&r, &nl) : bpf_setup(&r, &obj, &prog);
	else
		snprintf(r.why, sizeof(r.why), "pin to CPU %d: %s", r.pcpu, strerror(-err));
	if (err) {
		printf("kring tool=%s payload=%u SKIP %s\n", r.tool, r.payload, r.why);
		return 2;
	}
	if (pthread_create(&th, NULL, consumer, &r)) {
		fprintf(stderr, "kring_bench: pthread_create failed\n");
		return 2;
	}
	/* The producer starts once the consumer waits on its CPU. */
	while (!atomic_load(&r.ready))
		sched_yield();
	if (atomic_load(&r.ready) < 0) {
		printf("kring tool=%s payload=%u SKIP pin the consumer to CPU %d\n",
		       r.tool, r.payload, r.ccpu);
		return 2;
	}
	err = llkm ? llkm_produce(&r, &nl, &res) : bpf_produce(&r, prog, &res);
	atomic_store(&r.target, err ? 0 : res.written);
	atomic_store(&r.done, 1);
	pthread_join(th, NULL);
	if (!err && llkm)
		err = llkm_finish(&r, &res);
	if (err) {
		printf("kring tool=%s payload=%u FAIL %s\n", r.tool, r.payload, r.why);
		return 1;
	}
	gaps = r.n - (r.ck.delivered - r.ck.torn);
	ok = res.written + res.lost == r.n && res.tlost == res.lost &&
	     kring_accounts(&r.ck, r.n, res.produced, res.lost);
	printf("kring tool=%s payload=%u rec_bytes=%u n=%" PRIu64 " produced=%" PRIu64
	       " delivered=%" PRIu64 " lost=%" PRIu64 " torn=%" PRIu64 " gaps=%" PRIu64
	       " producer_ns=%" PRId64 " e2e_ns=%" PRId64 " rate=%.0f producer_rate=%.0f %s\n",
	       r.tool, r.payload, REC_HDR + r.payload, r.n, res.produced,
	       r.ck.delivered, res.tlost, r.ck.torn, gaps, res.t1 - res.t0,
	       r.t_end - res.t0, r.ck.delivered * 1e9 / (r.t_end - res.t0),
	       r.n * 1e9 / (res.t1 - res.t0), ok ? "OK" : "MISMATCH");
	if (llkm)
		trace_session_close(&r.s);
	else {
		ring_buffer__free(r.rb);
		bpf_object__close(obj);
	}
	return ok ? 0 : 1;
}
