/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/shim/: what kmod/'s headers shared with llctl need from the kernel,
 * for userspace, as perf's tools/include does it: ring_shim.h for
 * kmod/ring_core.h, probe_shim.h for kmod/probe_*.h (the probes' code).
 * Their names are the kernel's (READ_ONCE(), smp_mb(), local_t) by design;
 * what is their own starts with shim_. shim/ calls nothing of user/.
 *
 * What kmod/ring_core.h needs from the kernel, for userspace: the ring
 * core is unit-tested and benchmarked on the host, and llctl reads the
 * mapped rings with it. Include this, then ring_core.h.
 *
 * local_t here is only ever touched by one thread (the producer's), as in
 * the kernel it is only touched by one CPU.
 */
#ifndef LLCTL_SHIM_RING_SHIM_H
#define LLCTL_SHIM_RING_SHIM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/llkm.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

typedef struct {
	long a;
} local_t;

/*
 * local_t as the kernel's, so that the ring is unit-tested and benchmarked
 * with the instructions it runs in the kernel. A userspace producer is one
 * thread, as a kernel producer is one CPU: these are atomic against that
 * thread's own nested writers (a signal handler, or the tests' nested
 * calls), never against another thread.
 *
 * x86-64 (arch/x86/include/asm/local.h): reads and writes are plain
 * (READ_ONCE(), WRITE_ONCE()); each read-modify-write is one instruction
 * without LOCK, which an interrupt cannot split but another CPU can. As
 * the kernel's, inc/dec/add order nothing for the compiler, cmpxchg is a
 * compiler barrier ("memory").
 */
#define local_read(l)		__atomic_load_n(&(l)->a, __ATOMIC_RELAXED)
#define local_set(l, v)		__atomic_store_n(&(l)->a, (v), __ATOMIC_RELAXED)
#if defined(__x86_64__)
static inline void local_add(long i, local_t *l)
{
	__asm__ __volatile__("addq %1,%0" : "+m" (l->a) : "er" (i));
}

static inline void local_inc(local_t *l)
{
	__asm__ __volatile__("incq %0" : "+m" (l->a));
}

static inline void local_dec(local_t *l)
{
	__asm__ __volatile__("decq %0" : "+m" (l->a));
}

/* cmpxchg_local(): returns the old value. */
static inline long local_cmpxchg(local_t *l, long old, long new)
{
	long ret;

	__asm__ __volatile__("cmpxchgq %2,%1"
			     : "=a" (ret), "+m" (l->a)
			     : "r" (new), "0" (old)
			     : "memory");
	return ret;
}
#else
/*
 * Elsewhere, arm64 included (include/asm-generic/local.h): local_t is
 * atomic_long_t. inc/dec/add are its void ops, unordered (LSE STADD or an
 * LL/SC loop); cmpxchg is atomic_long_cmpxchg(), fully ordered.
 */
#define local_add(i, l)		((void)__atomic_fetch_add(&(l)->a, (i), __ATOMIC_RELAXED))
#define local_inc(l)		local_add(1, (l))
#define local_dec(l)		local_add(-1, (l))
#define local_cmpxchg(l, o, n)	({					\
	long __old = (o);						\
	__atomic_compare_exchange_n(&(l)->a, &__old, (long)(n), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	__old;								\
})
#endif

/*
 * The kernel's barriers as gcc emits them: on x86 (TSO) acquire and
 * release are plain moves behind a compiler barrier, as in
 * arch/x86/include/asm/barrier.h; on arm64 LDAR/LDAPR and STLR, as
 * arch/arm64/include/asm/barrier.h.
 */
#define barrier()		__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
/* Fully ordered, and returns the old value, as the kernel's. */
#define cmpxchg(p, o, n)	({					\
	__typeof__(*(p)) __old = (o);					\
	__atomic_compare_exchange_n((p), &__old, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	__old;								\
})
/* The kernel's; glibc's <sys/cdefs.h> has it too. */
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#ifndef noinline
#define noinline		__attribute__((__noinline__))
#endif
#ifndef __maybe_unused
#define __maybe_unused		__attribute__((__unused__))
#endif

static inline u64 llkm_ring_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The kernel reads these from current; here they are cached per thread so
 * a producer costs no system call. Only tests and benchmarks produce in
 * userspace, and none of them forks after producing.
 */
static inline u32 llkm_ring_pid(void)
{
	static __thread u32 pid;

	if (!pid)
		pid = getpid();
	return pid;
}

static inline u32 llkm_ring_tid(void)
{
	static __thread u32 tid;

	if (!tid)
		tid = gettid();
	return tid;
}

/*
 * A data area of @size bytes mapped twice back to back, as the module maps
 * a ring's pages: a record that wraps reads contiguously. NULL on failure;
 * munmap(p, 2 * size) undoes it.
 */
static inline void *shim_map_twice(size_t size)
{
	int fd = memfd_create("llkm-ring", MFD_CLOEXEC);
	char *p = MAP_FAILED;

	if (fd < 0)
		return NULL;
	if (ftruncate(fd, size))
		goto out;
	p = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		goto out;
	if (mmap(p, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 0) == MAP_FAILED ||
	    mmap(p + size, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(p, 2 * size);
		p = MAP_FAILED;
	}
out:
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

#endif /* LLCTL_SHIM_RING_SHIM_H */
