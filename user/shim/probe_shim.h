/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/shim/: what kmod/'s headers shared with llctl need from the kernel,
 * for userspace, as perf's tools/include does it: ring_shim.h for
 * kmod/ring_core.h, probe_shim.h for kmod/probe_*.h (the probes' code).
 * Their names are the kernel's (READ_ONCE(), smp_mb(), local_t) by design;
 * what is their own starts with shim_. shim/ calls nothing of user/.
 *
 * What kmod/probe_*.h need from the kernel, for userspace: llctl runs
 * the same probes in pinned threads that the module runs in kthreads.
 * Include this, then the probe kind's header (../kmod/probe_c2c.h, ...).
 *
 * The definitions are the kernel's (x86-64's, arm64's), not C11's: READ_ONCE() and
 * WRITE_ONCE() are volatile accesses, which the compiler neither drops,
 * merges nor reorders against each other (relaxed C11 atomics could be
 * reordered, and a litmus test would then measure the compiler); smp_mb()
 * is a locked add to the stack; smp_rmb(), smp_wmb() and the acquire and
 * release accessors are compiler barriers, which TSO makes enough. On
 * arm64 they are the kernel's dmb ish, dmb ishld, dmb ishst, stlr and ldar.
 */
#ifndef LLCTL_SHIM_PROBE_SHIM_H
#define LLCTL_SHIM_PROBE_SHIM_H

#include <stdint.h>

#include <linux/llkm.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#ifndef __aligned
#define __aligned(x)		__attribute__((aligned(x)))
#endif
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif

#ifndef barrier
#define barrier()		__asm__ __volatile__("" ::: "memory")
#endif
#ifndef READ_ONCE
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	do {					\
	*(volatile __typeof__(x) *)&(x) = (v);				\
} while (0)
#endif

#if defined(__x86_64__)
#define cpu_relax()		__asm__ __volatile__("pause" ::: "memory")
#define smp_mb()		__asm__ __volatile__(			\
	"lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define smp_rmb()		barrier()
#define smp_wmb()		barrier()
#define smp_store_release(p, v)	do {					\
	barrier();							\
	WRITE_ONCE(*(p), (v));						\
} while (0)
#define smp_load_acquire(p)	({					\
	__typeof__(*(p)) ___p = READ_ONCE(*(p));			\
	barrier();							\
	___p;								\
})
#elif defined(__aarch64__)
/* The arm64 kernel's: yield, and the dmbs smp_*() are there. */
#define cpu_relax()		__asm__ __volatile__("yield" ::: "memory")
#define smp_mb()		__asm__ __volatile__("dmb ish" ::: "memory")
#define smp_rmb()		__asm__ __volatile__("dmb ishld" ::: "memory")
#define smp_wmb()		__asm__ __volatile__("dmb ishst" ::: "memory")
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#else
#define cpu_relax()		barrier()
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#endif

/* The C11 ops of LLKM_PROBE_FENCE exist here, not in the kernel. */
#define PROBE_HAVE_C11_ATOMICS	1

#endif /* LLCTL_SHIM_PROBE_SHIM_H */
