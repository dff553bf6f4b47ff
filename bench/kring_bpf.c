// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side of bench/kring_bench: a syscall program that pushes n records
 * through a BPF ringbuf with bpf_ringbuf_reserve() and bpf_ringbuf_submit(),
 * each the bytes llkm's bench producer writes (kmod/bench_ring.c): the
 * 24-byte struct llkm_rec header, filled as llkm_ring_reserve() fills it
 * (clock, CPU, pid, tid), then the payload words of llkm_bench_word(). The
 * ringbuf adds its own 8-byte header. Built with clang -target bpf.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#include "../kmod/bench_ring.h"

char LICENSE[] SEC("license") = "GPL";

/* Its size is set before the load (bpf_map__set_max_entries()). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
} rb SEC(".maps");

/* struct llkm_rec, as the UAPI header lays it out. */
struct rec {
	__u16 size;
	__u16 type;
	__u32 cpu;
	__u64 time_ns;
	__u32 pid;
	__u32 tid;
};

/* The program's context, in and out (test_run copies it back). */
struct kring_args {
	__u64 n;
	__u64 written;
	__u64 lost;
};

static __always_inline long push(__u32 seq, struct kring_args *a, int words)
{
	struct rec *r;
	__u64 id, *p;
	int k;

	r = bpf_ringbuf_reserve(&rb, sizeof(*r) + words * 8, 0);
	if (!r) {
		a->lost++;
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	r->size = sizeof(*r) + words * 8;
	r->type = 1;	/* LLKM_REC_TEST */
	r->cpu = bpf_get_smp_processor_id();
	r->time_ns = bpf_ktime_get_ns();
	r->pid = id >> 32;
	r->tid = (__u32)id;
	p = (__u64 *)(r + 1);
	for (k = 0; k < words; k++)
		p[k] = llkm_bench_word(seq, k);
	bpf_ringbuf_submit(r, 0);
	a->written++;
	return 0;
}

static long push16(__u32 i, void *a)
{
	return push(i, a, 2);
}

static long push64(__u32 i, void *a)
{
	return push(i, a, 8);
}

static __always_inline int run(struct kring_args *ctx, void *fn)
{
	struct kring_args a = { .n = ctx->n };

	bpf_loop(a.n, fn, &a, 0);
	ctx->written = a.written;
	ctx->lost = a.lost;
	return 0;
}

SEC("syscall")
int kring16(struct kring_args *ctx)
{
	return run(ctx, push16);
}

SEC("syscall")
int kring64(struct kring_args *ctx)
{
	return run(ctx, push64);
}
