// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random and mutated input to every interface of llkm, from several
 * threads, for a bounded number of inputs.
 *
 * Each input is one of
 *
 *   genl     a generic netlink message (or two or three in one send) of the
 *            llkm family: a seed from the corpus (fuzz-corpus/NAME.msg) or one
 *            generated from the attribute tables below, then mutated: bit
 *            flips, values at and beyond every UAPI range, lengths, types
 *            and nesting changed, attributes duplicated, removed, spliced
 *            from another seed or wrapped in deep nests, headers and
 *            lengths corrupted, messages truncated
 *   ioctl    /dev/llkm ioctls, known and random command numbers, with
 *            good, NULL, unmapped, PROT_NONE and straddling pointers
 *   mmap     mappings of /dev/llkm at random offsets, sizes, protections
 *            and flags, then touched, written, mprotect()ed, mremap()ed,
 *            split, forked and unmapped
 *   file     read, write, poll, epoll, lseek, dup and close/reopen
 *   session  valid sequences: start a small trace, map its rings, open a
 *            sampling counter, read it by ioctl, stop or drop the owner
 *   probe    valid probe runs with tiny budgets, mutated
 *
 * Input i is a function of --seed and i alone (its own PRNG stream), so a
 * report names the seed and input to --replay. What the inputs do to the
 * module's state still depends on the threads' interleaving.
 *
 * Guard rails: the generator never sends what is legitimate but heavy.
 * Before sending, every message is walked as the kernel will parse it and
 * values inside the accepted ranges are lowered (values outside stay, to be
 * refused): ring sizes to RING_CAP (rings are per CPU, and the default ring
 * size is changed by SET_DEFAULTS), probe iterations, batches, timeout and
 * PARAM to their caps below (a probe batch runs with interrupts off), and
 * a counter's perf type is never kprobe's or uprobe's (those would place
 * kernel probes at random addresses: perf's fuzzing, not ours). Messages
 * go to the llkm family only: every message of a datagram, as a lying
 * length frames them, gets the family's nlmsg_type. Ioctls go to
 * /dev/llkm only.
 *
 * Failure: a hang (no input completed for --hang seconds), a kernel taint
 * flag raised during the run (a WARN, an oops, a lockup, a bad page),
 * counters left open after every socket closed (GET_INFO's
 * LLKM_A_COUNTERS_OPEN), a session still running, or with --unpriv a
 * privileged request served. The caller checks the kernel log as well
 * (fuzz_test.sh, selftests/vm/run).
 */
#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <grp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/perf_event.h>

#include "helpers.h"

/* ---- guard rails --------------------------------------------------- */

#define RING_CAP	(256U << 10)	/* bytes per CPU */
#define ITER_CAP	256		/* a batch, interrupts off */
#define BATCH_CAP	8
#define TIMEOUT_CAP	100		/* ms */
#define PARAM_CAP	(64U << 10)	/* bandwidth bytes, icache bytes, bits */
#define COUNTERS_KEEP	64		/* a thread closes its counters then */
#define MAPS_KEEP	4		/* live mappings a thread keeps */

#define MSG_MAX		16384
#define RECV_MAX	(256 << 10)
#define CORPUS_MAX	256
#define THREADS_MAX	64
#define NERR		134		/* errno values counted one by one */

/* ---- a seeded PRNG: one stream per input ----------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct rng *r)
{
	return splitmix(&r->s);
}

/* Uniform in [0, n); 0 when n is 0. */
static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* ---- the attribute tables (include/uapi/linux/llkm.h) ------------------- */

enum kind { K_U32, K_U64, K_FLAG, K_BIN, K_STR, K_NEST };

/* What a value means, beyond its range: the generator picks plausible ones. */
enum sem {
	S_RANGE,	/* [min, max] */
	S_POW2,		/* a power of two in [min, max] */
	S_MASK,		/* bits of max */
	S_ID,		/* a counter id this thread holds */
	S_PERF_TYPE,
	S_CONFIG,
	S_PID,
	S_CPU,
	S_CPUS,		/* __u32 CPU numbers */
	S_PIDS,		/* __u32 pids */
	S_BITMAP,
	S_OP,		/* a probe op: small */
	S_MUL64,	/* a multiple of 64 in [min, max] */
};

struct space;

struct aspec {
	const char *name;
	uint16_t type;
	uint8_t kind;
	uint8_t sem;
	bool reply;		/* in replies only: refused in requests */
	uint64_t min, max;	/* numbers; K_BIN: max is the length */
	const struct space *nest;
};

struct space {
	const char *name;
	const struct aspec *a;
	unsigned int n;
	uint16_t max;
};

#define A(n, k, s, lo, hi)	{ #n, LLKM_##n, k, s, false, lo, hi, NULL }
#define R(n, k)			{ #n, LLKM_##n, k, S_RANGE, true, 0, 0, NULL }
#define N(n, sp)		{ #n, LLKM_##n, K_NEST, S_RANGE, false, 0, 0, &sp }
#define SPACE(n, arr, m)	{ n, arr, sizeof(arr) / sizeof(arr[0]), m }

static const struct aspec ring_a[] = {
	A(RING_A_SIZE, K_U32, S_POW2, LLKM_RING_SIZE_MIN, LLKM_RING_SIZE_MAX),
	A(RING_A_MODE, K_U32, S_RANGE, 0, LLKM_RING_MODE_MAX),
};

static const struct aspec trace_a[] = {
	A(TRACE_A_EVENTS, K_U32, S_MASK, 0, LLKM_TRACE_EV_ALL),
	A(TRACE_A_PIDS, K_BIN, S_PIDS, 0, LLKM_TRACE_PIDS_MAX * 4),
	A(TRACE_A_FOLLOW_FORK, K_FLAG, S_RANGE, 0, 0),
	A(TRACE_A_WATERMARK, K_U32, S_RANGE, 1, LLKM_RING_SIZE_MAX),
	A(TRACE_A_CPUS, K_BIN, S_BITMAP, 0, LLKM_TRACE_CPUS_MAX / 8),
	A(TRACE_A_SYSCALLS, K_BIN, S_BITMAP, 0, LLKM_TRACE_SYSCALLS_MAX / 8),
};

static const struct aspec counter_a[] = {
	R(CTR_A_PAD, K_U32),
	A(CTR_A_ID, K_U32, S_ID, 1, UINT32_MAX),
	A(CTR_A_TYPE, K_U32, S_PERF_TYPE, 0, UINT32_MAX),
	A(CTR_A_CONFIG, K_U64, S_CONFIG, 0, UINT64_MAX),
	A(CTR_A_CONFIG1, K_U64, S_RANGE, 0, UINT64_MAX),
	A(CTR_A_CONFIG2, K_U64, S_RANGE, 0, UINT64_MAX),
	A(CTR_A_PID, K_U32, S_PID, 1, (1 << 22) - 1),
	A(CTR_A_CPU, K_U32, S_CPU, 0, UINT32_MAX),
	A(CTR_A_GROUP, K_U32, S_ID, 1, UINT32_MAX),
	A(CTR_A_FLAGS, K_U32, S_MASK, 0, LLKM_CTR_F_ALL),
	A(CTR_A_PERIOD, K_U64, S_RANGE, 1, INT64_MAX),
	R(CTR_A_VALUE, K_U64),
	R(CTR_A_ENABLED, K_U64),
	R(CTR_A_RUNNING, K_U64),
	R(CTR_A_STATE, K_U32),
	R(CTR_A_SAMPLES, K_U64),
	R(CTR_A_SAMPLES_LOST, K_U64),
};

static const struct aspec probe_a[] = {
	R(PROBE_A_PAD, K_U32),
	A(PROBE_A_KIND, K_U32, S_RANGE, 1, LLKM_PROBE_KIND_MAX),
	A(PROBE_A_OP, K_U32, S_OP, 0, LLKM_FENCE_MAX),
	A(PROBE_A_FLAGS, K_U32, S_MASK, 0, LLKM_PROBE_F_ALL),
	A(PROBE_A_CPUS, K_BIN, S_CPUS, 0, LLKM_PROBE_THREADS_MAX * 4),
	A(PROBE_A_ITERATIONS, K_U64, S_RANGE, 1, LLKM_PROBE_ITERATIONS_MAX),
	A(PROBE_A_BATCHES, K_U32, S_RANGE, 1, LLKM_PROBE_BATCHES_MAX),
	A(PROBE_A_TIMEOUT_MS, K_U32, S_RANGE, 1, LLKM_PROBE_TIMEOUT_MAX_MS),
	R(PROBE_A_SAMPLES, K_BIN),
	R(PROBE_A_TSC_KHZ, K_U32),
	R(PROBE_A_ELAPSED_NS, K_U64),
	R(PROBE_A_STOPPED, K_FLAG),
	A(PROBE_A_PARAM, K_U64, S_RANGE, 0, LLKM_BW_BYTES_MAX),
	A(PROBE_A_SIMD, K_U32, S_POW2, 64, 512),
	A(PROBE_A_PREFETCH, K_U32, S_MUL64, 0, LLKM_BW_PREFETCH_MAX),
};

static const struct aspec pmu_a[] = {
	R(PMU_A_NAME, K_STR),
	R(PMU_A_TYPE, K_U32),
};

static const struct aspec stats_a[] = {
	R(STATS_A_PAD, K_U32),
	R(STATS_A_CPU, K_U32),
	R(STATS_A_PRODUCED, K_U64),
	R(STATS_A_LOST, K_U64),
	R(STATS_A_PUBLISHED, K_U64),
};

static const struct space ring_sp = SPACE("ring", ring_a, LLKM_RING_A_MAX);
static const struct space trace_sp = SPACE("trace", trace_a, LLKM_TRACE_A_MAX);
static const struct space counter_sp = SPACE("counter", counter_a, LLKM_CTR_A_MAX);
static const struct space probe_sp = SPACE("probe", probe_a, LLKM_PROBE_A_MAX);
static const struct space pmu_sp = SPACE("pmu", pmu_a, LLKM_PMU_A_MAX);
static const struct space stats_sp = SPACE("stats", stats_a, LLKM_STATS_A_MAX);

static const struct aspec top_a[] = {
	R(A_PAD, K_U32),
	R(A_VERSION, K_STR),
	R(A_ABI, K_U32),
	R(A_CPUS_POSSIBLE, K_U32),
	R(A_CPUS_ONLINE, K_U32),
	R(A_FEATURES, K_U64),
	R(A_CACHE_LINE_SIZE, K_U32),
	N(A_PMUS, pmu_sp),
	N(A_PMU, pmu_sp),
	N(A_RING, ring_sp),
	N(A_TRACE, trace_sp),
	N(A_STATS, stats_sp),
	N(A_STATS_CPU, stats_sp),
	R(A_EVENT, K_U32),
	R(A_EVENT_REASON, K_U32),
	R(A_EVENT_LOST, K_U64),
	N(A_COUNTER, counter_sp),
	R(A_COUNTERS_OPEN, K_U32),
	N(A_PROBE, probe_sp),
};

static const struct space top_sp = SPACE("top", top_a, LLKM_A_MAX);

static const struct space *const spaces[] = {
	&top_sp, &ring_sp, &trace_sp, &counter_sp, &probe_sp, &pmu_sp, &stats_sp,
};

struct cspec {
	const char *name;
	uint8_t cmd;
	unsigned int weight;	/* of generated messages */
	uint16_t attr;		/* the top-level nest it takes, or 0 */
};

#define C(n, w, a)	{ #n, LLKM_CMD_##n, w, a }

static const struct cspec cmds[] = {
	C(UNSPEC, 1, 0),
	C(GET_INFO, 6, 0),
	C(SET_DEFAULTS, 6, LLKM_A_RING),
	C(TRACE_START, 12, LLKM_A_TRACE),
	C(TRACE_STOP, 6, 0),
	C(TRACE_STATS, 6, 0),
	C(TRACE_EVENT, 1, 0),
	C(COUNTER_OPEN, 14, LLKM_A_COUNTER),
	C(COUNTER_ENABLE, 6, LLKM_A_COUNTER),
	C(COUNTER_DISABLE, 6, LLKM_A_COUNTER),
	C(COUNTER_READ, 8, LLKM_A_COUNTER),
	C(COUNTER_CLOSE, 8, LLKM_A_COUNTER),
	C(PROBE_RUN, 4, LLKM_A_PROBE),
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

static const struct aspec *spec_of(const struct space *sp, uint16_t type)
{
	unsigned int i;

	for (i = 0; i < sp->n; i++)
		if (sp->a[i].type == type)
			return &sp->a[i];
	return NULL;
}

/* ---- the run's shared state ------------------------------------------ */

enum cat { CAT_GENL, CAT_IOCTL, CAT_MMAP, CAT_FILE, CAT_SESSION, CAT_PROBE, NCAT };

static const char *const cat_names[NCAT] = {
	"genl", "ioctl", "mmap", "file", "session", "probe",
};

/* Weights of the categories, percent. */
static const unsigned int cat_weight[NCAT] = { 62, 12, 10, 8, 6, 2 };

struct opts {
	uint64_t seed;
	long inputs;
	int threads;
	bool unpriv;
	long replay;		/* -1: every input */
	int hang;		/* seconds without progress */
	const char *corpus;
};

struct seed_msg {
	char name[256];
	uint8_t buf[MSG_MAX];
	uint32_t len;
};

struct stats {
	long inputs[NCAT];
	long ok[NCAT];
	long err[NCAT][NERR + 1];	/* [NERR]: anything larger */
	long capped;			/* values lowered by the guard rails */
	long replies;
	long served;			/* --unpriv: privileged requests served */
};

struct thread {
	pthread_t tid;
	int idx;
	int nl;			/* this thread's genl socket */
	uint32_t portid;
	int dev;		/* /dev/llkm, or -1 */
	uint32_t ids[COUNTERS_KEEP];
	int nids;
	struct {
		void *addr;
		size_t len;
	} maps[MAPS_KEEP];
	uint8_t *rbuf;
	struct stats st;
	_Atomic long current;	/* the input it runs, for the watchdog */
	_Atomic int cat;
	_Atomic(const char *) step;	/* what it does within the input */
};

static struct opts opt = {
	.seed = 0,
	.inputs = 10000,
	.threads = 4,
	.replay = -1,
	.hang = 60,
};

static int family;
static int events_group = -1;	/* LLKM_GENL_MCGRP_EVENTS */
static int ncpus;
static uint32_t pmu_types[32];
static int npmu;
static uint32_t banned_types[2] = { UINT32_MAX, UINT32_MAX };
static struct seed_msg *corpus;
static int ncorpus;
static int inherited_dev = -1;	/* --unpriv: opened before the drop */
static _Atomic long next_input;
static _Atomic long done_inputs;
static _Atomic uint32_t ring_size_seen = 512 * 1024;
static _Atomic uint32_t portids[THREADS_MAX];
static uint8_t *guard_none;	/* a PROT_NONE page */
static uint8_t *guard_edge;	/* the last page before guard_none */
static uint8_t *unmapped;	/* an address nothing is mapped at */

/* ---- messages -------------------------------------------------------- */

struct msg {
	uint8_t buf[MSG_MAX];
	uint32_t len;
};

static struct nlmsghdr *msg_hdr(struct msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

static void msg_init(struct msg *m, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	msg_hdr(m)->nlmsg_type = family;
	msg_hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = LLKM_GENL_VERSION;
}

static void msg_sync(struct msg *m)
{
	msg_hdr(m)->nlmsg_len = m->len;
}

/* Appends an attribute; returns its offset, or -1 when it does not fit. */
static int msg_put(struct msg *m, uint16_t type, const void *data, uint32_t len)
{
	uint32_t off = NLA_ALIGN(m->len);
	struct nlattr *a;

	if (off + NLA_HDRLEN + len > MSG_MAX || NLA_HDRLEN + len > 0xffff)
		return -1;
	memset(m->buf + m->len, 0, off - m->len);
	a = (struct nlattr *)(m->buf + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(a + 1, data, len);
	m->len = off + NLA_ALIGN(a->nla_len);
	memset(m->buf + off + a->nla_len, 0, m->len - off - a->nla_len);
	msg_sync(m);
	return off;
}

static void msg_nest_end(struct msg *m, int off)
{
	if (off >= 0)
		((struct nlattr *)(m->buf + off))->nla_len = m->len - off;
	msg_sync(m);
}

/* ---- generation --------------------------------------------------------- */

static uint32_t pick_cpu(struct rng *r)
{
	if (chance(r, 85))
		return below(r, ncpus);
	switch (below(r, 4)) {
	case 0:
		return ncpus;
	case 1:
		return ncpus + 1;
	case 2:
		return UINT32_MAX;
	default:
		return below(r, 8192);
	}
}

static uint32_t pick_pid(struct rng *r)
{
	switch (below(r, 6)) {
	case 0:
	case 1:
		return getpid();
	case 2:
		return syscall(SYS_gettid);
	case 3:
		return 1;
	case 4:
		return below(r, 1 << 22);
	default:
		return getppid();
	}
}

static uint32_t pick_id(struct rng *r, const struct thread *t)
{
	if (t->nids && chance(r, 80))
		return t->ids[below(r, t->nids)];
	return chance(r, 50) ? 1 + below(r, 64) : (uint32_t)rnd(r);
}

static uint32_t pick_perf_type(struct rng *r)
{
	switch (below(r, 8)) {
	case 0:
	case 1:
	case 2:
		return PERF_TYPE_SOFTWARE;
	case 3:
		return PERF_TYPE_TRACEPOINT;
	case 4:
		return below(r, PERF_TYPE_MAX);
	case 5:
		return npmu ? pmu_types[below(r, npmu)] : PERF_TYPE_SOFTWARE;
	case 6:
		return PERF_TYPE_HARDWARE;
	default:
		return (uint32_t)rnd(r);
	}
}

/* At and beyond the edges of [min, max], and the usual suspects. */
static uint64_t boundary(struct rng *r, const struct aspec *s)
{
	uint64_t lim = s->kind == K_U64 ? UINT64_MAX : UINT32_MAX;

	switch (below(r, 9)) {
	case 0:
		return s->min;
	case 1:
		return s->max;
	case 2:
		return s->min - 1;
	case 3:
		return s->max + 1;
	case 4:
		return 0;
	case 5:
		return lim;
	case 6:
		return lim >> 1;
	case 7:
		return (lim >> 1) + 1;
	default:
		return 1ULL << below(r, s->kind == K_U64 ? 64 : 32);
	}
}

static uint64_t in_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return lo;
	if (hi - lo == UINT64_MAX)
		return rnd(r);
	/* Mostly small: the interesting values of wide ranges are. */
	if (chance(r, 60) && hi - lo > 4096)
		return lo + below(r, 4096);
	return lo + below(r, hi - lo + 1);
}

static uint64_t number(struct rng *r, const struct aspec *s,
		       const struct thread *t)
{
	unsigned int bits;

	if (chance(r, 15))
		return boundary(r, s);
	switch (s->sem) {
	case S_POW2:
		bits = 0;
		while ((1ULL << bits) < s->min)
			bits++;
		/* Small rings fill up: the producers' full paths run. */
		return 1ULL << (bits + below(r, 4));
	case S_MASK:
		return chance(r, 80) ? rnd(r) & s->max : rnd(r);
	case S_ID:
		return pick_id(r, t);
	case S_PERF_TYPE:
		return pick_perf_type(r);
	case S_CONFIG:
		return chance(r, 70) ? below(r, 12) : rnd(r);
	case S_PID:
		return pick_pid(r);
	case S_CPU:
		return pick_cpu(r);
	case S_OP:
		return below(r, LLKM_FENCE_MAX + 2);
	case S_MUL64:
		return below(r, s->max / 64 + 1) * 64;
	default:
		return in_range(r, s->min, s->max);
	}
}

/* A binary payload of @s: lengths at the edges, contents by meaning. */
static uint32_t binary(struct rng *r, const struct aspec *s, uint8_t *out,
		       uint32_t room)
{
	uint32_t len, i, elem = s->sem == S_CPUS || s->sem == S_PIDS ? 4 : 1;

	switch (below(r, 8)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = s->max;
		break;
	case 2:
		len = s->max + elem;
		break;
	case 3:
		len = below(r, s->max + 8);
		break;
	default:
		len = elem * (1 + below(r, s->sem == S_CPUS ? ncpus + 1 : 4));
	}
	if (len > room)
		len = room;
	for (i = 0; i + 4 <= len && elem == 4; i += 4) {
		uint32_t v = s->sem == S_CPUS ? (chance(r, 90) ? i / 4 : pick_cpu(r)) :
						pick_pid(r);
		memcpy(out + i, &v, 4);
	}
	for (; i < len; i++)
		out[i] = s->sem == S_BITMAP && chance(r, 30) ? 0xff : rnd(r);
	return len;
}

static void gen_space(struct msg *m, struct rng *r, const struct space *sp,
		      const struct thread *t, unsigned int percent);

/* One attribute of @s with a plausible (sometimes a boundary) value. */
static void gen_attr(struct msg *m, struct rng *r, const struct aspec *s,
		     const struct thread *t)
{
	static __thread uint8_t tmp[MSG_MAX];
	uint32_t v32, len, room;
	uint64_t v;
	int off;

	room = m->len + 1024 < MSG_MAX ? MSG_MAX - 1024 - m->len : 0;
	switch (s->kind) {
	case K_U32:
		v32 = number(r, s, t);
		msg_put(m, s->type, &v32, 4);
		break;
	case K_U64:
		v = number(r, s, t);
		msg_put(m, s->type, &v, 8);
		break;
	case K_FLAG:
		msg_put(m, s->type, NULL, 0);
		break;
	case K_STR:
		msg_put(m, s->type, "llkm", 5);
		break;
	case K_BIN:
		len = binary(r, s, tmp, room);
		msg_put(m, s->type, tmp, len);
		break;
	case K_NEST:
		off = msg_put(m, s->type | NLA_F_NESTED, NULL, 0);
		gen_space(m, r, s->nest, t, 50);
		msg_nest_end(m, off);
		break;
	}
}

/* Request attributes of @sp, each with probability @percent. */
static void gen_space(struct msg *m, struct rng *r, const struct space *sp,
		      const struct thread *t, unsigned int percent)
{
	unsigned int i;

	for (i = 0; i < sp->n; i++)
		if (!sp->a[i].reply && chance(r, percent))
			gen_attr(m, r, &sp->a[i], t);
}

/* A probe run that can pass validation: kind, op, CPUs and param agree. */
static void gen_probe(struct msg *m, struct rng *r, const struct thread *t)
{
	static const uint32_t ops[] = {
		[LLKM_PROBE_FENCE] = LLKM_FENCE_KERNEL_MAX + 1,
		[LLKM_PROBE_LITMUS] = LLKM_LITMUS_MAX + 1,
		[LLKM_PROBE_ICACHE] = LLKM_ICACHE_MAX + 1,
		[LLKM_PROBE_BANDWIDTH] = LLKM_BW_MAX + 1,
	};
	uint32_t kind = 1 + below(r, LLKM_PROBE_KIND_MAX), op = 0, n = 1, i;
	uint32_t cpus[LLKM_PROBE_THREADS_MAX], v32;
	uint64_t iters = 1 + below(r, 64), param = 0;
	bool has_param = false;
	int off;

	if (ops[kind])
		op = below(r, ops[kind]);
	if (kind == LLKM_PROBE_C2C)
		n = 2;
	if (kind == LLKM_PROBE_LITMUS)
		n = op == LLKM_LITMUS_IRIW ? 4 : 2;
	if (kind == LLKM_PROBE_FALSE_SHARING || kind == LLKM_PROBE_BANDWIDTH)
		n = 1 + below(r, ncpus);
	if (kind == LLKM_PROBE_BRANCH) {
		iters = 1 + below(r, 2);
		param = below(r, 2) ? 0 : 1 + below(r, 64);
		has_param = true;
	}
	if (kind == LLKM_PROBE_ICACHE) {
		param = op == LLKM_ICACHE_CODE ? 4 * (1 + below(r, 1024)) :
						 1 + below(r, 16);
		has_param = true;
	}
	if (kind == LLKM_PROBE_BANDWIDTH) {
		param = 16384 << below(r, 3);
		has_param = true;
	}
	for (i = 0; i < n; i++)
		cpus[i] = (i + below(r, 2)) % (ncpus > 0 ? ncpus : 1);
	off = msg_put(m, LLKM_A_PROBE | NLA_F_NESTED, NULL, 0);
	msg_put(m, LLKM_PROBE_A_KIND, &kind, 4);
	msg_put(m, LLKM_PROBE_A_OP, &op, 4);
	msg_put(m, LLKM_PROBE_A_CPUS, cpus, n * 4);
	msg_put(m, LLKM_PROBE_A_ITERATIONS, &iters, 8);
	v32 = 1 + below(r, 4);
	msg_put(m, LLKM_PROBE_A_BATCHES, &v32, 4);
	v32 = 1 + below(r, TIMEOUT_CAP);
	msg_put(m, LLKM_PROBE_A_TIMEOUT_MS, &v32, 4);
	if (has_param)
		msg_put(m, LLKM_PROBE_A_PARAM, &param, 8);
	if (chance(r, 20))
		gen_attr(m, r, &probe_a[below(r, sizeof(probe_a) / sizeof(probe_a[0]))], t);
	msg_nest_end(m, off);
}

static const struct cspec *pick_cmd(struct rng *r)
{
	unsigned int total = 0, i, x;

	for (i = 0; i < NCMDS; i++)
		total += cmds[i].weight;
	x = below(r, total);
	for (i = 0; i < NCMDS; i++) {
		if (x < cmds[i].weight)
			break;
		x -= cmds[i].weight;
	}
	return &cmds[i];
}

/* A message for @c from the tables. */
static void gen_msg(struct msg *m, struct rng *r, const struct cspec *c,
		    const struct thread *t)
{
	int off;

	msg_init(m, c->cmd);
	if (c->cmd == LLKM_CMD_PROBE_RUN) {
		gen_probe(m, r, t);
		return;
	}
	if (c->cmd == LLKM_CMD_TRACE_START && chance(r, 60))
		gen_attr(m, r, spec_of(&top_sp, LLKM_A_RING), t);
	if (!c->attr || (c->cmd == LLKM_CMD_COUNTER_CLOSE && chance(r, 20)))
		return;
	off = msg_put(m, c->attr | NLA_F_NESTED, NULL, 0);
	if (c->attr == LLKM_A_COUNTER && c->cmd != LLKM_CMD_COUNTER_OPEN) {
		gen_attr(m, r, spec_of(&counter_sp, LLKM_CTR_A_ID), t);
	} else if (c->attr == LLKM_A_COUNTER) {
		gen_attr(m, r, spec_of(&counter_sp, LLKM_CTR_A_TYPE), t);
		gen_attr(m, r, spec_of(&counter_sp, LLKM_CTR_A_CONFIG), t);
		if (chance(r, 70))
			gen_attr(m, r, spec_of(&counter_sp, LLKM_CTR_A_PID), t);
		if (chance(r, 50))
			gen_attr(m, r, spec_of(&counter_sp, LLKM_CTR_A_CPU), t);
		gen_space(m, r, &counter_sp, t, 15);
	} else if (c->attr == LLKM_A_TRACE) {
		gen_attr(m, r, spec_of(&trace_sp, LLKM_TRACE_A_EVENTS), t);
		gen_space(m, r, &trace_sp, t, 30);
	} else {
		gen_space(m, r, spec_of(&top_sp, c->attr)->nest, t, 70);
	}
	msg_nest_end(m, off);
}

/* ---- the corpus ------------------------------------------------------ */

static const struct aspec *spec_named(const char *name)
{
	unsigned int i, j;

	for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++)
		for (j = 0; j < spaces[i]->n; j++)
			if (!strcmp(spaces[i]->a[j].name, name))
				return &spaces[i]->a[j];
	return NULL;
}

static int parse_hex(const char *s, uint8_t *out, uint32_t room)
{
	uint32_t n = 0;
	unsigned int b;

	while (*s && !isspace((unsigned char)*s)) {
		if (n == room || sscanf(s, "%2x", &b) != 1 || !s[1])
			return -1;
		out[n++] = b;
		s += 2;
	}
	return n;
}

/*
 * One line of a seed: "NAME TYPE VALUE", "NAME {" or "}". NAME is an
 * attribute of the UAPI without LLKM_ (RING_A_SIZE) or a number; TYPE is
 * u8, u16, u32, u64, flag, hex (bytes) or str (NUL added).
 */
static int parse_line(struct msg *m, char *line, int *stack, int *depth)
{
	static uint8_t tmp[MSG_MAX];
	char name[64], type[16], *val;
	const struct aspec *s;
	unsigned long long v;
	uint16_t id;
	int n, len;

	if (!strcmp(line, "}")) {
		if (!*depth)
			return -1;
		msg_nest_end(m, stack[--*depth]);
		return 0;
	}
	if (sscanf(line, "%63s %15s %n", name, type, &n) < 2)
		return -1;
	val = line + n;
	s = spec_named(name);
	if (s)
		id = s->type;
	else if (isdigit((unsigned char)name[0]))
		id = strtoul(name, NULL, 0);
	else
		return -1;
	v = strtoull(val, NULL, 0);
	if (!strcmp(type, "{")) {
		if (*depth == 16)
			return -1;
		stack[(*depth)++] = msg_put(m, id | NLA_F_NESTED, NULL, 0);
		return 0;
	}
	if (!strcmp(type, "u8") || !strcmp(type, "u16") || !strcmp(type, "u32") ||
	    !strcmp(type, "u64")) {
		len = atoi(type + 1) / 8;
		memcpy(tmp, &v, 8);	/* little-endian: the low bytes */
	} else if (!strcmp(type, "flag")) {
		len = 0;
	} else if (!strcmp(type, "str")) {
		len = strlen(val) + 1;
		memcpy(tmp, val, len);
	} else if (!strcmp(type, "hex")) {
		len = parse_hex(val, tmp, sizeof(tmp) - 1024);
	} else {
		return -1;
	}
	return len < 0 || msg_put(m, id, tmp, len) < 0 ? -1 : 0;
}

/* A seed file: "cmd NAME" first, attribute lines after; '#' comments. */
static int load_seed(const char *path, struct seed_msg *out)
{
	char line[8192], cmd[32], *p;
	int stack[16], depth = 0, lineno = 0, ret = -1;
	struct msg *m = calloc(1, sizeof(*m));
	FILE *f = fopen(path, "re");
	unsigned int i;

	if (!f || !m)
		goto cleanup;
	m->len = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		p[strcspn(p, "\r\n")] = '\0';
		if (!*p || *p == '#')
			continue;
		if (!m->len) {
			if (sscanf(p, "cmd %31s", cmd) != 1)
				goto bad;
			for (i = 0; i < NCMDS && strcmp(cmds[i].name, cmd); i++)
				;
			if (i == NCMDS)
				goto bad;
			msg_init(m, cmds[i].cmd);
			continue;
		}
		if (parse_line(m, p, stack, &depth))
			goto bad;
	}
	if (!m->len || depth)
		goto bad;
	memcpy(out->buf, m->buf, m->len);
	out->len = m->len;
	ret = 0;
	goto cleanup;
bad:
	fprintf(stderr, "Unable to parse seed %s:%d: '%s' (see fuzz-corpus/README)\n",
		path, lineno, line);
cleanup:
	if (f)
		fclose(f);
	free(m);
	return ret;
}

static int seed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seed_msg *)a)->name,
		      ((const struct seed_msg *)b)->name);
}

static int load_corpus(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);
	size_t n;

	if (!d) {
		fprintf(stderr, "Unable to open corpus %s: %s\n", dir, strerror(errno));
		return -1;
	}
	corpus = calloc(CORPUS_MAX, sizeof(*corpus));
	if (!corpus) {
		closedir(d);
		return -1;
	}
	while ((e = readdir(d)) && ncorpus < CORPUS_MAX) {
		n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".msg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(corpus[ncorpus].name, sizeof(corpus[0].name), "%s", e->d_name);
		if (load_seed(path, &corpus[ncorpus])) {
			closedir(d);
			return -1;
		}
		ncorpus++;
	}
	closedir(d);
	/* readdir's order is the file system's: sort for reproducibility. */
	qsort(corpus, ncorpus, sizeof(*corpus), seed_cmp);
	if (!ncorpus) {
		fprintf(stderr, "Unable to use corpus %s: no *.msg seed in it\n", dir);
		return -1;
	}
	return 0;
}

/* ---- mutation ------------------------------------------------------ */

/* The attributes of a message, nests walked, with their parents. */
#define WALK_MAX 256
struct walk {
	int n;
	uint32_t off[WALK_MAX];
	int parent[WALK_MAX];	/* index, -1 at the top */
};

static void walk_attrs(const struct msg *m, uint32_t from, uint32_t to,
		       int parent, int depth, struct walk *w)
{
	while (from + NLA_HDRLEN <= to && w->n < WALK_MAX) {
		const struct nlattr *a = (const void *)(m->buf + from);
		int me = w->n;

		if (a->nla_len < NLA_HDRLEN || from + a->nla_len > to)
			return;
		w->off[me] = from;
		w->parent[me] = parent;
		w->n++;
		if ((a->nla_type & NLA_F_NESTED) && depth < 32)
			walk_attrs(m, from + NLA_HDRLEN, from + a->nla_len, me,
				   depth + 1, w);
		from += NLA_ALIGN(a->nla_len);
	}
}

static void walk_msg(const struct msg *m, struct walk *w)
{
	w->n = 0;
	walk_attrs(m, NLMSG_HDRLEN + GENL_HDRLEN, m->len, -1, 0, w);
}

/* Inserts @n bytes at @at; @in's nests and the message grow around them. */
static bool splice_in(struct msg *m, const struct walk *w, int in, uint32_t at,
		      const void *bytes, uint32_t n)
{
	int p;

	if (m->len + n > MSG_MAX)
		return false;
	for (p = in; p >= 0; p = w->parent[p])
		if (((struct nlattr *)(m->buf + w->off[p]))->nla_len + n > 0xffff)
			return false;
	memmove(m->buf + at + n, m->buf + at, m->len - at);
	memcpy(m->buf + at, bytes, n);
	m->len += n;
	for (p = in; p >= 0; p = w->parent[p])
		((struct nlattr *)(m->buf + w->off[p]))->nla_len += n;
	msg_sync(m);
	return true;
}

/* Removes @n bytes at @at, shrinking the nests around them. */
static void splice_out(struct msg *m, const struct walk *w, int in, uint32_t at,
		       uint32_t n)
{
	int p;

	memmove(m->buf + at, m->buf + at + n, m->len - at - n);
	m->len -= n;
	for (p = in; p >= 0; p = w->parent[p])
		((struct nlattr *)(m->buf + w->off[p]))->nla_len -= n;
	msg_sync(m);
}

static struct nlattr *attr_at(struct msg *m, const struct walk *w, int i)
{
	return (struct nlattr *)(m->buf + w->off[i]);
}

/* The space attribute @i of a walked message is in (NULL: unknown). */
static const struct space *space_of(struct msg *m, const struct walk *w, int i)
{
	const struct aspec *s;
	const struct space *sp;

	if (w->parent[i] < 0)
		return &top_sp;
	sp = space_of(m, w, w->parent[i]);
	s = sp ? spec_of(sp, attr_at(m, w, w->parent[i])->nla_type & NLA_TYPE_MASK) :
		 NULL;
	return s ? s->nest : NULL;
}

enum mut {
	M_VALUE,	/* a new value, same length */
	M_BITFLIP,
	M_RESIZE,	/* payload longer or shorter, nests fixed up */
	M_BADLEN,	/* nla_len wrong, nests not fixed up */
	M_TYPE,		/* another type, flags toggled */
	M_DELETE,
	M_DUP,
	M_INSERT,	/* an attribute of another space, or unknown */
	M_DEEP,		/* wrapped in many nests */
	M_SPLICE,	/* an attribute of another seed */
	M_HEADER,	/* nlmsghdr or genlmsghdr fields */
	M_TRUNCATE,
	NMUT
};

static void mut_value(struct msg *m, struct rng *r, const struct walk *w, int i,
		      const struct thread *t)
{
	struct nlattr *a = attr_at(m, w, i);
	const struct space *sp = space_of(m, w, i);
	const struct aspec *s = sp ? spec_of(sp, a->nla_type & NLA_TYPE_MASK) : NULL;
	uint8_t *p = (uint8_t *)(a + 1);
	uint32_t len = a->nla_len - NLA_HDRLEN;
	uint64_t v;

	if (s && (s->kind == K_U32 || s->kind == K_U64) && len == (s->kind == K_U32 ? 4U : 8U)) {
		v = chance(r, 70) ? boundary(r, s) : number(r, s, t);
		memcpy(p, &v, len);
		return;
	}
	for (uint32_t j = 0; j < len; j++)
		if (chance(r, 30))
			p[j] = rnd(r);
}

static void mut_resize(struct msg *m, struct rng *r, const struct walk *w, int i)
{
	static const int deltas[] = { -8, -4, -2, -1, 1, 2, 4, 8, 64, 1024 };
	struct nlattr *a = attr_at(m, w, i);
	uint32_t len = a->nla_len - NLA_HDRLEN, end = w->off[i] + a->nla_len;
	int d = deltas[below(r, sizeof(deltas) / sizeof(deltas[0]))];
	uint8_t junk[1024];
	uint32_t k;

	if (d < 0 && (uint32_t)-d > len)
		d = -(int)len;
	if (d < 0) {
		splice_out(m, w, i, end + d, -d);
		return;
	}
	for (k = 0; k < (uint32_t)d; k++)
		junk[k] = chance(r, 50) ? 0 : rnd(r);
	splice_in(m, w, i, end, junk, d);
}

static void mut_insert(struct msg *m, struct rng *r, const struct walk *w,
		       int i, const struct thread *t)
{
	struct msg *tmp = malloc(sizeof(*tmp));
	const struct space *sp = spaces[below(r, sizeof(spaces) / sizeof(spaces[0]))];
	uint64_t v;
	uint32_t at;

	if (!tmp)
		return;
	tmp->len = 0;
	if (chance(r, 30)) {
		/* A type past the space's max, or one nobody defines. */
		v = rnd(r);
		msg_put(tmp, chance(r, 50) ? sp->max + 1 + below(r, 3) :
					     (uint16_t)rnd(r),
			&v, below(r, 9));
	} else {
		gen_attr(tmp, r, &sp->a[below(r, sp->n)], t);
	}
	/* Before attribute i, inside its parent (or at the end). */
	at = i < w->n ? w->off[i] : m->len;
	if (tmp->len)
		splice_in(m, w, i < w->n ? w->parent[i] : -1, at, tmp->buf, tmp->len);
	free(tmp);
}

static void mut_deep(struct msg *m, struct rng *r, const struct walk *w, int i)
{
	uint32_t levels = 1 + below(r, 40), k, at = w->off[i];
	uint32_t len = attr_at(m, w, i)->nla_len;
	struct nlattr h;

	if (m->len + levels * NLA_HDRLEN > MSG_MAX || len + levels * NLA_HDRLEN > 0xffff)
		return;
	memmove(m->buf + at + levels * NLA_HDRLEN, m->buf + at, m->len - at);
	for (k = 0; k < levels; k++) {
		h.nla_len = len + (levels - k) * NLA_HDRLEN;
		h.nla_type = (chance(r, 80) ? NLA_F_NESTED : 0) |
			     (uint16_t)(chance(r, 50) ? attr_at(m, w, i)->nla_type :
							below(r, 24));
		memcpy(m->buf + at + k * NLA_HDRLEN, &h, NLA_HDRLEN);
	}
	m->len += levels * NLA_HDRLEN;
	for (int p = w->parent[i]; p >= 0; p = w->parent[p]) {
		struct nlattr *pa = attr_at(m, w, p);

		pa->nla_len = pa->nla_len + levels * NLA_HDRLEN > 0xffff ? 0xffff :
			      pa->nla_len + levels * NLA_HDRLEN;
	}
	msg_sync(m);
}

static void mut_splice(struct msg *m, struct rng *r, const struct walk *w, int i)
{
	const struct seed_msg *s = &corpus[below(r, ncorpus)];
	struct msg *o = malloc(sizeof(*o));
	struct walk *ow = malloc(sizeof(*ow));
	struct nlattr *a;

	if (!o || !ow)
		goto cleanup;
	memcpy(o->buf, s->buf, s->len);
	o->len = s->len;
	walk_msg(o, ow);
	if (!ow->n)
		goto cleanup;
	a = attr_at(o, ow, below(r, ow->n));
	splice_in(m, w, w->parent[i], w->off[i], a, (uint32_t)NLA_ALIGN(a->nla_len) <= o->len ?
		  NLA_ALIGN(a->nla_len) : a->nla_len);
cleanup:
	free(o);
	free(ow);
}

static void mut_header(struct msg *m, struct rng *r)
{
	struct nlmsghdr *h = msg_hdr(m);
	struct genlmsghdr *g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);

	switch (below(r, 7)) {
	case 0:
		h->nlmsg_flags = rnd(r);
		break;
	case 1:
		h->nlmsg_flags ^= 1 << below(r, 16);
		break;
	case 2:
		g->cmd = chance(r, 50) ? below(r, LLKM_CMD_MAX + 3) : rnd(r);
		break;
	case 3:
		g->version = rnd(r);
		break;
	case 4:
		g->reserved = rnd(r);
		break;
	case 5:
		h->nlmsg_pid = chance(r, 50) ? 0 : (uint32_t)rnd(r);
		break;
	default:
		h->nlmsg_len = chance(r, 50) ? m->len + below(r, 64) - 32 : (uint32_t)rnd(r);
		break;
	}
}

static void mutate(struct msg *m, struct rng *r, const struct thread *t)
{
	struct walk *w = malloc(sizeof(*w));
	enum mut op = below(r, NMUT);
	int i;

	if (!w)
		return;
	walk_msg(m, w);
	i = below(r, w->n);
	if (!w->n && op < M_HEADER)
		op = chance(r, 50) ? M_INSERT : M_HEADER;
	switch (op) {
	case M_VALUE:
		mut_value(m, r, w, i, t);
		break;
	case M_BITFLIP:
		m->buf[NLMSG_HDRLEN + below(r, m->len - NLMSG_HDRLEN)] ^= 1 << below(r, 8);
		break;
	case M_RESIZE:
		mut_resize(m, r, w, i);
		break;
	case M_BADLEN:
		attr_at(m, w, i)->nla_len += below(r, 17) - 8;
		break;
	case M_TYPE:
		if (chance(r, 50))
			attr_at(m, w, i)->nla_type ^= chance(r, 70) ? NLA_F_NESTED :
						       NLA_F_NET_BYTEORDER;
		else
			attr_at(m, w, i)->nla_type = (attr_at(m, w, i)->nla_type &
						      ~NLA_TYPE_MASK) | below(r, 24);
		break;
	case M_DELETE:
		splice_out(m, w, w->parent[i], w->off[i],
			   (uint32_t)NLA_ALIGN(attr_at(m, w, i)->nla_len) <= m->len - w->off[i] ?
			   NLA_ALIGN(attr_at(m, w, i)->nla_len) : attr_at(m, w, i)->nla_len);
		break;
	case M_DUP: {
		uint32_t n = NLA_ALIGN(attr_at(m, w, i)->nla_len);
		uint8_t *copy = malloc(n);

		if (copy && w->off[i] + n <= m->len) {
			memcpy(copy, attr_at(m, w, i), n);
			splice_in(m, w, w->parent[i], w->off[i] + n, copy, n);
		}
		free(copy);
		break;
	}
	case M_INSERT:
		mut_insert(m, r, w, w->n ? i : 0, t);
		break;
	case M_DEEP:
		mut_deep(m, r, w, i);
		break;
	case M_SPLICE:
		if (w->n)
			mut_splice(m, r, w, i);
		break;
	case M_HEADER:
		mut_header(m, r);
		break;
	default:
		m->len = NLMSG_HDRLEN + below(r, m->len - NLMSG_HDRLEN + 1);
		if (chance(r, 50))
			msg_sync(m);
		break;
	}
	free(w);
}

/* ---- the guard rails ----------------------------------------------------- */

static void *payload(struct nlattr *a)
{
	return a + 1;
}

/* Lowers @a's u32 or u64 value to @cap when it lies in [@lo, @hi]. */
static void cap_value(struct nlattr *a, uint64_t lo, uint64_t hi, uint64_t cap,
		      bool pow2, long *capped)
{
	uint64_t v = 0;
	uint32_t len = a->nla_len - NLA_HDRLEN;

	if (len != 4 && len != 8)
		return;
	memcpy(&v, payload(a), len);
	if (v < lo || v > hi || v <= cap)
		return;
	/* Keep a non-power of two one: the kernel refuses it either way. */
	v = pow2 && (v & (v - 1)) ? cap + 1 : cap;
	memcpy(payload(a), &v, len);
	(*capped)++;
}

/* Walks @nest as nla_parse_nested() would and caps what is heavy. */
static void cap_nest(struct nlattr *nest, uint16_t top, long *capped)
{
	int rem = nest->nla_len - NLA_HDRLEN;
	struct nlattr *a = payload(nest);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (top == LLKM_A_RING && type == LLKM_RING_A_SIZE)
			cap_value(a, LLKM_RING_SIZE_MIN, LLKM_RING_SIZE_MAX, RING_CAP,
				  true, capped);
		if (top == LLKM_A_COUNTER && type == LLKM_CTR_A_TYPE &&
		    a->nla_len == NLA_HDRLEN + 4 &&
		    (*(uint32_t *)payload(a) == banned_types[0] ||
		     *(uint32_t *)payload(a) == banned_types[1])) {
			*(uint32_t *)payload(a) = PERF_TYPE_SOFTWARE;
			(*capped)++;
		}
		if (top != LLKM_A_PROBE)
			continue;
		if (type == LLKM_PROBE_A_ITERATIONS)
			cap_value(a, 1, LLKM_PROBE_ITERATIONS_MAX, ITER_CAP, false, capped);
		if (type == LLKM_PROBE_A_BATCHES)
			cap_value(a, 1, LLKM_PROBE_BATCHES_MAX, BATCH_CAP, false, capped);
		if (type == LLKM_PROBE_A_TIMEOUT_MS)
			cap_value(a, 1, LLKM_PROBE_TIMEOUT_MAX_MS, TIMEOUT_CAP, false, capped);
		if (type == LLKM_PROBE_A_PARAM)
			cap_value(a, 0, LLKM_BW_BYTES_MAX, PARAM_CAP, false, capped);
	}
}

/*
 * Walks the buffer as netlink_rcv_skb() and genl would: every message of
 * the family, its top-level attributes, the nests that carry heavy values.
 */
static void guard(uint8_t *buf, uint32_t len, long *capped)
{
	uint32_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
		uint32_t mlen = h->nlmsg_len;
		int rem;
		struct nlattr *a;

		if (mlen < NLMSG_HDRLEN || mlen > len - off)
			return;
		/*
		 * A corrupted length frames the next message elsewhere: its
		 * type could name another family. Ours only, always.
		 */
		if (h->nlmsg_type != family) {
			h->nlmsg_type = family;
			(*capped)++;
		}
		rem = (int)mlen - NLMSG_HDRLEN - GENL_HDRLEN;
		a = (struct nlattr *)(buf + off + NLMSG_HDRLEN + GENL_HDRLEN);
		for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
		     rem -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
			uint16_t type = a->nla_type & NLA_TYPE_MASK;

			if (type == LLKM_A_RING || type == LLKM_A_PROBE ||
			    type == LLKM_A_COUNTER)
				cap_nest(a, type, capped);
		}
		off += NLMSG_ALIGN(mlen) < len - off ? NLMSG_ALIGN(mlen) : len - off;
	}
}

/* ---- sending and counting ------------------------------------------ */

static void count_err(struct stats *st, enum cat c, int err)
{
	if (err < 0)
		err = -err;
	if (!err)
		st->ok[c]++;
	else
		st->err[c][err < NERR ? err : NERR]++;
}

static void remember_id(struct thread *t, uint32_t id)
{
	if (t->nids < COUNTERS_KEEP)
		t->ids[t->nids++] = id;
}

/* What a reply teaches: a session's ring size, a counter's id. */
static void learn(struct thread *t, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const struct nlattr *tb[NL_MAXATTR + 1], *nt[NL_MAXATTR + 1];
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if ((int)h->nlmsg_len < hdr)
		return;
	nl_attrs((const char *)h + hdr, h->nlmsg_len - hdr, tb);
	if (g->cmd == LLKM_CMD_TRACE_START && tb[LLKM_A_RING]) {
		nl_attrs(nla_data_of(tb[LLKM_A_RING]), nla_len_of(tb[LLKM_A_RING]), nt);
		if (nt[LLKM_RING_A_SIZE] && nla_len_of(nt[LLKM_RING_A_SIZE]) == 4)
			ring_size_seen = nla_u32_of(nt[LLKM_RING_A_SIZE]);
	}
	if (g->cmd == LLKM_CMD_COUNTER_OPEN && tb[LLKM_A_COUNTER]) {
		nl_attrs(nla_data_of(tb[LLKM_A_COUNTER]),
			 nla_len_of(tb[LLKM_A_COUNTER]), nt);
		if (nt[LLKM_CTR_A_ID] && nla_len_of(nt[LLKM_CTR_A_ID]) == 4)
			remember_id(t, nla_u32_of(nt[LLKM_CTR_A_ID]));
	}
}

/* Every command but GET_INFO needs CAP_PERFMON (TRACE_EVENT: multicast). */
static bool privileged_cmd(const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);

	return h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN &&
	       g->cmd != LLKM_CMD_GET_INFO && g->cmd != LLKM_CMD_TRACE_EVENT;
}

/*
 * A success ack echoes the request (the sockets do not cap acks): was it
 * a request the family ran (not a bare message acked unread) for a
 * privileged command?
 */
static bool acked_privileged(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	uint32_t echoed = h->nlmsg_len - NLMSG_LENGTH(sizeof(*e)) + sizeof(e->msg);

	if (echoed < NLMSG_HDRLEN + GENL_HDRLEN ||
	    e->msg.nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	return e->msg.nlmsg_type == family && (e->msg.nlmsg_flags & NLM_F_REQUEST) &&
	       privileged_cmd(&e->msg);
}

/*
 * Replies are queued before send() returns (genl runs the request in the
 * sender's context), so they are drained without waiting. Returns the
 * last ack's error, 0, or 1 when no ack came.
 */
static int drain(struct thread *t, enum cat c)
{
	int last = 1;

	for (;;) {
		int n = recv(t->nl, t->rbuf, RECV_MAX, MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno != EAGAIN)
				count_err(&t->st, c, errno);
			if (errno == EAGAIN || errno == EINTR)
				return last;
			if (errno != ENOBUFS)
				return last;
			continue;
		}
		if (n == 0)
			return last;
		for (h = (struct nlmsghdr *)t->rbuf; NLMSG_OK(h, (unsigned int)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
				last = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				count_err(&t->st, c, last);
				if (!last && opt.unpriv && acked_privileged(h))
					t->st.served++;
			} else if (h->nlmsg_type == family) {
				t->st.replies++;
				learn(t, h);
				if (opt.unpriv && privileged_cmd(h))
					t->st.served++;
			}
		}
	}
}

static int nl_reopen(struct thread *t)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	int rcv = RECV_MAX, off = 0;

	if (t->nl >= 0)
		close(t->nl);
	t->nids = 0;	/* the socket's counters closed with it */
	t->nl = nl_open();
	if (t->nl < 0)
		return -1;
	setsockopt(t->nl, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	/* Acks echo the whole request: acked_privileged() reads its command. */
	setsockopt(t->nl, SOL_NETLINK, NETLINK_CAP_ACK, &off, sizeof(off));
	/* Half the threads hear STARTED, STOPPED and LOST as they happen. */
	if (events_group >= 0 && t->idx % 2)
		setsockopt(t->nl, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_group,
			   sizeof(events_group));
	if (getsockname(t->nl, (struct sockaddr *)&sa, &len))
		return -1;
	t->portid = sa.nl_pid;
	portids[t->idx] = t->portid;
	return 0;
}

/* Sends @len bytes as one datagram, then drains the replies. */
static int send_raw(struct thread *t, enum cat c, uint8_t *buf, uint32_t len)
{
	guard(buf, len, &t->st.capped);
	t->step = "send";
	if (send(t->nl, buf, len, 0) < 0) {
		count_err(&t->st, c, errno);
		return -errno;
	}
	t->step = "drain";
	return drain(t, c);
}

static int send_msg(struct thread *t, enum cat c, struct msg *m)
{
	return send_raw(t, c, m->buf, m->len);
}

/* ---- category: genl -------------------------------------------------------- */

static void one_genl(struct thread *t, struct rng *r)
{
	static __thread struct msg m, two;
	unsigned int k, n;

	if (ncorpus && chance(r, 40)) {
		const struct seed_msg *s = &corpus[below(r, ncorpus)];

		memcpy(m.buf, s->buf, s->len);
		m.len = s->len;
		msg_hdr(&m)->nlmsg_type = family;
	} else {
		gen_msg(&m, r, pick_cmd(r), t);
	}
	/* Mostly a few mutations; sometimes none, to reach deep state. */
	n = chance(r, 25) ? 0 : 1 + below(r, chance(r, 80) ? 3 : 12);
	for (k = 0; k < n; k++)
		mutate(&m, r, t);
	msg_hdr(&m)->nlmsg_seq = below(r, 1000);
	if (chance(r, 8)) {
		/* Two or three messages in one datagram. */
		gen_msg(&two, r, pick_cmd(r), t);
		if (chance(r, 50))
			mutate(&two, r, t);
		if (NLMSG_ALIGN(m.len) + two.len <= MSG_MAX) {
			memset(m.buf + m.len, 0, NLMSG_ALIGN(m.len) - m.len);
			memcpy(m.buf + NLMSG_ALIGN(m.len), two.buf, two.len);
			m.len = NLMSG_ALIGN(m.len) + two.len;
		}
	}
	send_msg(t, CAT_GENL, &m);
	if (t->nids >= COUNTERS_KEEP || chance(r, 1))
		nl_reopen(t);	/* counters and owned sessions go with it */
}

/* ---- category: ioctl ------------------------------------------------------ */

/* A user pointer for the kernel to copy @size bytes to or from. */
static void *pick_ptr(struct rng *r, void *good, size_t size)
{
	switch (below(r, 10)) {
	case 0:
		return NULL;
	case 1:
		return guard_none;
	case 2:
		return unmapped;
	case 3:		/* the last bytes before the PROT_NONE page */
		return guard_edge + 4096 - (size > 1 ? 1 + below(r, size - 1) : 1);
	case 4:
		return (void *)(uintptr_t)0xffff888000000000ULL;
	case 5:
		return (void *)(uintptr_t)rnd(r);
	case 6:
		return (char *)good + 1;	/* misaligned */
	default:
		return good;
	}
}

static void one_ioctl(struct thread *t, struct rng *r)
{
	static __thread struct llkm_counter_value vals[64];
	struct llkm_ioc_counter_read req;
	struct llkm_ioc_info info;
	unsigned long cmd;
	int ret, fd = t->dev;

	if (fd < 0) {
		t->st.err[CAT_IOCTL][EBADF]++;
		return;
	}
	memset(&req, 0, sizeof(req));
	req.portid = chance(r, 60) ? t->portid :
		     chance(r, 70) ? portids[below(r, opt.threads)] : (uint32_t)rnd(r);
	req.id = pick_id(r, t);
	req.n = chance(r, 70) ? below(r, 65) : (uint32_t)rnd(r);
	if (req.n > 64 && chance(r, 50))
		req.n = 64;
	req.pad = chance(r, 90) ? 0 : rnd(r);
	req.values = (uintptr_t)pick_ptr(r, vals, sizeof(vals[0]) * (req.n ? req.n : 1));
	switch (below(r, 6)) {
	case 0:
	case 1:
		t->step = "ioctl info";
		ret = ioctl(fd, LLKM_IOC_INFO, pick_ptr(r, &info, sizeof(info)));
		break;
	case 2:
	case 3:
		t->step = "ioctl counter_read";
		ret = ioctl(fd, LLKM_IOC_COUNTER_READ, pick_ptr(r, &req, sizeof(req)));
		break;
	case 4:		/* llkm's magic, any number, size and direction */
		cmd = _IOC(below(r, 4), LLKM_IOC_MAGIC, 0x38 + below(r, 24),
			   below(r, 64));
		t->step = "ioctl llkm magic";
		ret = ioctl(fd, cmd, pick_ptr(r, &req, sizeof(req)));
		break;
	default:
		cmd = (uint32_t)rnd(r);
		t->step = "ioctl random";
		ret = ioctl(fd, cmd, pick_ptr(r, &req, sizeof(req)));
		break;
	}
	count_err(&t->st, CAT_IOCTL, ret < 0 ? errno : 0);
}

/* ---- category: mmap ---------------------------------------------------- */

static void unmap_one(struct thread *t, int i)
{
	if (t->maps[i].addr)
		munmap(t->maps[i].addr, t->maps[i].len);
	t->maps[i].addr = NULL;
}

/* Reads a mapping page by page, and writes a consumer page it can. */
static void touch(struct rng *r, volatile uint8_t *p, size_t len, int prot)
{
	volatile uint64_t sink = 0;
	size_t off;

	if (prot == PROT_NONE)
		return;
	for (off = 0; off < len; off += 4096)
		sink += p[off];
	(void)sink;
	if ((prot & PROT_WRITE) && len == 4096)
		*(volatile uint64_t *)p = chance(r, 50) ? 0 : rnd(r);
}

/* After a mapping worked: what a confused consumer could do to it. */
static void abuse(struct thread *t, struct rng *r, int slot, int prot)
{
	void *p = t->maps[slot].addr, *q;
	size_t len = t->maps[slot].len;
	pid_t pid;

	switch (below(r, 8)) {
	case 0:		/* refused, or a private copy to write */
		if (mprotect(p, len, PROT_READ | PROT_WRITE)) {
			count_err(&t->st, CAT_MMAP, errno);
			break;
		}
		count_err(&t->st, CAT_MMAP, 0);
		if (len < (64UL << 20))
			touch(r, p, len, PROT_WRITE);
		break;
	case 1:
		q = mremap(p, len, len + 4096, MREMAP_MAYMOVE);
		count_err(&t->st, CAT_MMAP, q == MAP_FAILED ? errno : 0);
		if (q != MAP_FAILED) {
			t->maps[slot].addr = q;
			t->maps[slot].len = len + 4096;
		}
		break;
	case 2:
		count_err(&t->st, CAT_MMAP, madvise(p, len, MADV_DONTNEED) ? errno : 0);
		break;
	case 3:
		if (len > 4096 && len < (64UL << 20)) {	/* a split: vm_ops->open */
			count_err(&t->st, CAT_MMAP, munmap(p, 4096) ? errno : 0);
			t->maps[slot].addr = (char *)p + 4096;
			t->maps[slot].len = len - 4096;
		}
		break;
	case 4:
		if (chance(r, 20)) {	/* the child inherits the mapping */
			pid = fork();
			if (pid == 0) {
				touch(r, p, len < 4096 ? len : 4096, prot & PROT_READ);
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
		break;
	default:
		if (len < (64UL << 20))
			touch(r, p, len, prot);
		break;
	}
}

static void one_mmap(struct thread *t, struct rng *r)
{
	static const int prots[] = {
		PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	uint32_t stride = LLKM_RING_PAGES(ring_size_seen);
	int slot = below(r, MAPS_KEEP), prot, flags, fd = t->dev;
	uint64_t pgoff, pages;
	void *p;

	unmap_one(t, slot);
	if (fd < 0) {
		t->st.err[CAT_MMAP][EBADF]++;
		return;
	}
	pgoff = below(r, ncpus + 1) * stride;
	switch (below(r, 5)) {
	case 0:
		break;
	case 1:
		pgoff += 1;
		break;
	case 2:
		pgoff += below(r, stride + 2);
		break;
	case 3:
		pgoff += stride - 1;
		break;
	default:
		pgoff = rnd(r) >> below(r, 64);
	}
	pages = chance(r, 40) ? 1 : chance(r, 80) ? below(r, stride + 2) :
		rnd(r) >> below(r, 64);
	prot = prots[below(r, sizeof(prots) / sizeof(prots[0]))];
	flags = chance(r, 85) ? MAP_SHARED : MAP_PRIVATE;
	if (chance(r, 10))
		flags |= MAP_POPULATE;
	if (chance(r, 5))
		flags |= MAP_LOCKED;
	t->step = "mmap";
	p = mmap(NULL, pages * 4096, prot, flags, fd, pgoff * 4096);
	count_err(&t->st, CAT_MMAP, p == MAP_FAILED ? errno : 0);
	if (p == MAP_FAILED)
		return;
	t->maps[slot].addr = p;
	t->maps[slot].len = pages * 4096;
	t->step = "mmap abuse";
	abuse(t, r, slot, prot);
	if (chance(r, 50))
		unmap_one(t, slot);
}

/* ---- category: file --------------------------------------------------- */

static void one_file(struct thread *t, struct rng *r)
{
	char buf[64];
	struct pollfd pfd;
	struct epoll_event ev = { .events = EPOLLIN };
	int ret = 0, ep, fd = t->dev, op = below(r, 6);

	if (fd < 0 && op != 5) {
		t->st.err[CAT_FILE][EBADF]++;
		return;
	}
	switch (op) {
	case 0:
		t->step = "read";
		ret = read(fd, buf, below(r, sizeof(buf) + 1));
		break;
	case 1:
		t->step = "write";
		ret = write(fd, buf, below(r, sizeof(buf) + 1));
		break;
	case 2:
		pfd.fd = fd;
		pfd.events = POLLIN | POLLOUT | POLLPRI;
		t->step = "poll";
		ret = poll(&pfd, 1, below(r, 10));
		break;
	case 3:
		t->step = "epoll";
		ep = epoll_create1(EPOLL_CLOEXEC);
		ret = ep < 0 ? -1 : epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		if (!ret)
			ret = epoll_wait(ep, &ev, 1, below(r, 10));
		if (ep >= 0)
			close(ep);
		break;
	case 4:
		t->step = "lseek";
		ret = lseek(fd, rnd(r), below(r, 3));
		break;
	default:	/* close and reopen: pollers and mappings outlive it */
		t->step = "reopen";
		if (fd >= 0 && fd != inherited_dev)
			close(fd);
		t->dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
		if (t->dev < 0 && inherited_dev >= 0)
			t->dev = dup(inherited_dev);
		ret = t->dev;
		break;
	}
	count_err(&t->st, CAT_FILE, ret < 0 ? errno : 0);
}

/* ---- category: session ------------------------------------------------ */

static int start_trace(struct thread *t, struct rng *r)
{
	static __thread struct msg m;
	uint32_t v;
	int off;

	msg_init(&m, LLKM_CMD_TRACE_START);
	off = msg_put(&m, LLKM_A_RING | NLA_F_NESTED, NULL, 0);
	v = 4096 << below(r, 3);
	msg_put(&m, LLKM_RING_A_SIZE, &v, 4);
	v = below(r, 2);
	msg_put(&m, LLKM_RING_A_MODE, &v, 4);
	msg_nest_end(&m, off);
	off = msg_put(&m, LLKM_A_TRACE | NLA_F_NESTED, NULL, 0);
	v = rnd(r) & LLKM_TRACE_EV_ALL;
	msg_put(&m, LLKM_TRACE_A_EVENTS, &v, 4);
	if (chance(r, 30)) {
		v = 1 + below(r, 4096);
		msg_put(&m, LLKM_TRACE_A_WATERMARK, &v, 4);
	}
	msg_nest_end(&m, off);
	return send_msg(t, CAT_SESSION, &m);
}

static int counter_cmd(struct thread *t, uint8_t cmd, const uint32_t *id,
		       uint64_t period, struct rng *r)
{
	static __thread struct msg m;
	uint32_t v;
	uint64_t cfg;
	int off;

	msg_init(&m, cmd);
	off = msg_put(&m, LLKM_A_COUNTER | NLA_F_NESTED, NULL, 0);
	if (id) {
		msg_put(&m, LLKM_CTR_A_ID, id, 4);
	} else {
		v = PERF_TYPE_SOFTWARE;
		msg_put(&m, LLKM_CTR_A_TYPE, &v, 4);
		cfg = chance(r, 50) ? PERF_COUNT_SW_TASK_CLOCK : PERF_COUNT_SW_PAGE_FAULTS;
		msg_put(&m, LLKM_CTR_A_CONFIG, &cfg, 8);
		v = chance(r, 50) ? (uint32_t)getpid() : (uint32_t)syscall(SYS_gettid);
		msg_put(&m, LLKM_CTR_A_PID, &v, 4);
		if (period)
			msg_put(&m, LLKM_CTR_A_PERIOD, &period, 8);
		if (chance(r, 30)) {
			v = LLKM_CTR_F_CALLCHAIN | (chance(r, 50) ? LLKM_CTR_F_INHERIT : 0);
			msg_put(&m, LLKM_CTR_A_FLAGS, &v, 4);
		}
	}
	msg_nest_end(&m, off);
	return send_msg(t, CAT_SESSION, &m);
}

/* A consumer's life: start, map, sample, read, then stop or walk away. */
static void one_session(struct thread *t, struct rng *r)
{
	static __thread struct msg stop;
	struct llkm_ioc_counter_read req = { 0 };
	struct llkm_counter_value v[4];
	int slot = below(r, MAPS_KEEP);
	size_t len;
	uint32_t id;
	void *p;

	t->step = "session start";
	start_trace(t, r);
	if (t->dev >= 0) {
		unmap_one(t, slot);
		t->step = "session mmap";
		/* Once: another thread's start changes it. */
		len = 4096 * (size_t)LLKM_RING_PAGES(ring_size_seen);
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, t->dev, below(r, ncpus) * len);
		count_err(&t->st, CAT_SESSION, p == MAP_FAILED ? errno : 0);
		if (p != MAP_FAILED) {
			t->maps[slot].addr = p;
			t->maps[slot].len = len;
			t->step = "session read";
			touch(r, p, len, PROT_READ);
		}
	}
	t->step = "session counter";
	counter_cmd(t, LLKM_CMD_COUNTER_OPEN, NULL, chance(r, 60) ? 1 + below(r, 1000) : 0, r);
	if (t->nids && t->dev >= 0) {
		req.portid = t->portid;
		req.id = t->ids[t->nids - 1];
		req.n = 4;
		req.values = (uintptr_t)v;
		t->step = "session ioctl";
		count_err(&t->st, CAT_SESSION,
			  ioctl(t->dev, LLKM_IOC_COUNTER_READ, &req) ? errno : 0);
	}
	if (t->nids) {
		id = t->ids[below(r, t->nids)];
		counter_cmd(t, chance(r, 50) ? LLKM_CMD_COUNTER_DISABLE :
			    LLKM_CMD_COUNTER_READ, &id, 0, r);
	}
	switch (below(r, 3)) {
	case 0:
		t->step = "session stop";
		msg_init(&stop, LLKM_CMD_TRACE_STOP);
		send_msg(t, CAT_SESSION, &stop);
		break;
	case 1:
		t->step = "session owner gone";
		nl_reopen(t);
		break;
	default:
		break;	/* someone else's stop, or the next start's EBUSY */
	}
}

/* ---- category: probe ------------------------------------------------------ */

static void one_probe(struct thread *t, struct rng *r)
{
	static __thread struct msg m;

	msg_init(&m, LLKM_CMD_PROBE_RUN);
	gen_probe(&m, r, t);
	if (chance(r, 50))
		mutate(&m, r, t);
	t->step = "probe";
	send_msg(t, CAT_PROBE, &m);
}

/* ---- threads, the watchdog, the summary ---------------------------------- */

static enum cat pick_cat(struct rng *r)
{
	unsigned int x = below(r, 100), c;

	for (c = 0; c < NCAT - 1; c++) {
		if (x < cat_weight[c])
			break;
		x -= cat_weight[c];
	}
	return c;
}

static void run_input(struct thread *t, long i)
{
	struct rng r = { opt.seed ^ ((uint64_t)i * 0xd1342543de82ef95ULL) };
	enum cat c;

	rnd(&r);
	c = pick_cat(&r);
	t->current = i;
	t->cat = c;
	t->st.inputs[c]++;
	switch (c) {
	case CAT_GENL:
		one_genl(t, &r);
		break;
	case CAT_IOCTL:
		one_ioctl(t, &r);
		break;
	case CAT_MMAP:
		one_mmap(t, &r);
		break;
	case CAT_FILE:
		one_file(t, &r);
		break;
	case CAT_SESSION:
		one_session(t, &r);
		break;
	default:
		one_probe(t, &r);
		break;
	}
	t->step = "between inputs";
	done_inputs++;
}

static __thread struct thread *self;

/* The fuzzer's own crash: say which input did it, for --replay. */
static void crashed(int sig)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "fuzz: signal %d in input %ld (%s), in %s, seed %"
		     PRIu64 "\n", sig, self ? (long)self->current : -1L,
		     self ? cat_names[self->cat] : "-", self ? self->step : "-", opt.seed);
	if (write(STDERR_FILENO, buf, n) < 0)
		_exit(1);
	_exit(1);
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	long i;
	int k;

	self = t;
	if (opt.replay >= 0) {
		if (t->idx == 0)
			run_input(t, opt.replay);
	} else {
		while ((i = next_input++) < opt.inputs)
			run_input(t, i);
	}
	for (k = 0; k < MAPS_KEEP; k++)
		unmap_one(t, k);
	return NULL;
}

static int thread_setup(struct thread *t, int idx)
{
	t->idx = idx;
	t->nl = -1;
	t->current = -1;
	t->rbuf = malloc(RECV_MAX);
	if (!t->rbuf || nl_reopen(t)) {
		fprintf(stderr, "Unable to open a generic netlink socket: %s\n",
			strerror(errno));
		return -1;
	}
	t->dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
	if (t->dev < 0 && inherited_dev >= 0)
		t->dev = dup(inherited_dev);
	t->step = "starting";
	return 0;
}

static void thread_teardown(struct thread *t)
{
	if (t->nl >= 0)
		close(t->nl);
	if (t->dev >= 0)
		close(t->dev);
	free(t->rbuf);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns 0 when the threads finished, -1 on a hang (they are left). */
static int watch(struct thread *th, int n, double t0)
{
	long last = -1, total = opt.replay >= 0 ? 1 : opt.inputs;
	double since = now();
	bool tty = isatty(STDERR_FILENO);
	int i;

	for (;;) {
		long done = done_inputs;

		if (done >= total)
			return 0;
		if (done != last) {
			last = done;
			since = now();
		} else if (now() - since > opt.hang) {
			fprintf(stderr, "fuzz: hang: no input completed for %d s (seed %" PRIu64
				"); threads:\n", opt.hang, opt.seed);
			for (i = 0; i < n; i++)
				fprintf(stderr, "fuzz:   thread %d: input %ld (%s), in %s\n",
					i, (long)th[i].current, cat_names[th[i].cat],
					th[i].step);
			return -1;
		}
		if (tty)
			fprintf(stderr, "\rfuzz: %ld/%ld inputs, %.0f s", done, total,
				now() - t0);
		usleep(200000);
	}
}

/* Prints the summary; returns the privileged requests served (--unpriv). */
static long summary(struct thread *th, int n, double secs)
{
	struct stats all = { 0 };
	long inputs = 0;
	int i, c, e;

	for (i = 0; i < n; i++) {
		for (c = 0; c < NCAT; c++) {
			all.inputs[c] += th[i].st.inputs[c];
			all.ok[c] += th[i].st.ok[c];
			for (e = 0; e <= NERR; e++)
				all.err[c][e] += th[i].st.err[c][e];
		}
		all.capped += th[i].st.capped;
		all.replies += th[i].st.replies;
		all.served += th[i].st.served;
	}
	for (c = 0; c < NCAT; c++)
		inputs += all.inputs[c];
	printf("seed %" PRIu64 "\n", opt.seed);
	printf("inputs %ld\nthreads %d\nseconds %.1f\ninputs_per_second %.0f\n",
	       inputs, n, secs, secs > 0 ? inputs / secs : 0.0);
	printf("replies %ld\ncapped_by_guard_rails %ld\n", all.replies, all.capped);
	if (opt.unpriv)
		printf("privileged_served %ld\n", all.served);
	for (c = 0; c < NCAT; c++) {
		printf("%s: inputs %ld ok %ld", cat_names[c], all.inputs[c], all.ok[c]);
		for (e = 1; e <= NERR; e++)
			if (all.err[c][e])
				printf(" %s %ld", e < NERR ? (strerrorname_np(e) ?: "?") : "other",
				       all.err[c][e]);
		printf("\n");
	}
	return all.served;
}

/* ---- setup and end checks ---------------------------------------------- */

static long taint(void)
{
	char buf[32];

	return read_line("/proc/sys/kernel/tainted", buf, sizeof(buf)) ? -1 :
	       strtol(buf, NULL, 10);
}

/* Taints that are not a kernel report: proprietary, out-of-tree, unsigned. */
#define TAINT_BENIGN	((1L << 0) | (1L << 12) | (1L << 13))

static void read_pmu_types(void)
{
	static const char *const names[] = { "kprobe", "uprobe" };
	char path[128], buf[32];
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	const struct nlattr *p;
	struct nl_req req;
	int fd = nl_open(), rem, i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type",
			 names[i]);
		if (!read_line(path, buf, sizeof(buf)))
			banned_types[i] = strtoul(buf, NULL, 10);
	}
	if (fd < 0 || !rep)
		goto cleanup;
	nl_init(&req, family, LLKM_CMD_GET_INFO);
	if (nl_transact(fd, &req, rep) || rep->err || !rep->len)
		goto cleanup;
	nl_reply_attrs(rep, tb);
	if (tb[LLKM_A_CPUS_POSSIBLE])
		ncpus = nla_u32_of(tb[LLKM_A_CPUS_POSSIBLE]);
	if (!tb[LLKM_A_PMUS])
		goto cleanup;
	for (p = nla_data_of(tb[LLKM_A_PMUS]), rem = nla_len_of(tb[LLKM_A_PMUS]);
	     rem >= NLA_HDRLEN && p->nla_len <= rem && npmu < 32;
	     rem -= NLA_ALIGN(p->nla_len),
	     p = (const void *)((const char *)p + NLA_ALIGN(p->nla_len))) {
		const struct nlattr *pt[NL_MAXATTR + 1];

		nl_attrs(nla_data_of(p), nla_len_of(p), pt);
		if (pt[LLKM_PMU_A_TYPE])
			pmu_types[npmu++] = nla_u32_of(pt[LLKM_PMU_A_TYPE]);
	}
cleanup:
	if (fd >= 0)
		close(fd);
	free(rep);
}

/* After every socket closed: nothing of ours may stay open. */
static int end_checks(void)
{
	const struct nlattr *tb[NL_MAXATTR + 1];
	struct nl_reply *rep = calloc(1, sizeof(*rep));
	struct pollfd pfd = { .events = POLLIN };
	struct nl_req req;
	int fd = nl_open(), ret = 1;
	uint32_t open_ctr;

	if (fd < 0 || !rep) {
		fprintf(stderr, "fuzz: Unable to query llkm at the end: %s\n", strerror(errno));
		goto cleanup;
	}
	nl_init(&req, family, LLKM_CMD_GET_INFO);
	if (nl_transact(fd, &req, rep) || rep->err) {
		fprintf(stderr, "fuzz: Unable to GET_INFO at the end: %s\n",
			strerror(rep->err ? -rep->err : errno));
		goto cleanup;
	}
	nl_reply_attrs(rep, tb);
	open_ctr = tb[LLKM_A_COUNTERS_OPEN] ? nla_u32_of(tb[LLKM_A_COUNTERS_OPEN]) : 0;
	printf("counters_open_at_end %u\n", open_ctr);
	if (open_ctr) {
		fprintf(stderr, "fuzz: leak: %u counters open after every socket closed\n",
			open_ctr);
		goto cleanup;
	}
	pfd.fd = inherited_dev >= 0 ? inherited_dev : open(LLKM_DEV, O_RDONLY | O_CLOEXEC);
	if (pfd.fd >= 0) {
		poll(&pfd, 1, 0);
		printf("session_running_at_end %s\n", pfd.revents & POLLHUP ? "no" : "yes");
		if (!(pfd.revents & POLLHUP)) {
			fprintf(stderr, "fuzz: a trace session still runs after its owner closed\n");
			goto cleanup;
		}
		if (pfd.fd != inherited_dev)
			close(pfd.fd);
	} else {
		printf("session_running_at_end not-measured (%s)\n", strerror(errno));
	}
	ret = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	free(rep);
	return ret;
}

/*
 * Root opens /dev/llkm first: a file handed to an unprivileged process
 * keeps working, as perf's do; everything else is refused to nobody.
 */
static int drop_to_nobody(void)
{
	if (geteuid() != 0)
		return 0;	/* unprivileged already */
	inherited_dev = open(LLKM_DEV, O_RDWR | O_CLOEXEC);
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	return 0;
}

/* Pages for bad pointers: one PROT_NONE after a readable one, and a hole. */
static int bad_pages(void)
{
	uint8_t *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	guard_edge = p;
	guard_none = p + 4096;
	unmapped = p + 2 * 4096;
	if (mprotect(guard_none, 4096, PROT_NONE) || munmap(unmapped, 4096))
		return -1;
	return 0;
}

/* ---- options ---------------------------------------------------------- */

static const struct option longopts[] = {
	{ "seed", required_argument, NULL, 's' },
	{ "inputs", required_argument, NULL, 'n' },
	{ "threads", required_argument, NULL, 't' },
	{ "unpriv", no_argument, NULL, 'u' },
	{ "corpus", required_argument, NULL, 'c' },
	{ "replay", required_argument, NULL, 'r' },
	{ "hang", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const helps[] = {
	"N       PRNG seed (default: from the clock; always printed)",
	"N       inputs to run (default 10000)",
	"N       threads sending them (default 4, at most 64)",
	"        drop to nobody first (a /dev/llkm fd opened before stays)",
	"DIR     seed messages, *.msg (default: fuzz-corpus beside this program)",
	"I       run input I of --seed alone, in one thread",
	"SEC     a hang: no input completed for SEC seconds (default 60)",
	"        this text",
};

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: fuzz [OPTIONS]\n"
		"Random and mutated generic netlink messages, ioctls, mmaps and file\n"
		"operations to llkm (loaded), from several threads. Exit 0 without a hang,\n"
		"a new kernel taint, a counter or session left, or (--unpriv) a privileged\n"
		"request served; 1 otherwise; 2 on usage errors. The summary goes to stdout.\n\n");
	for (i = 0; longopts[i].name; i++)
		fprintf(f, "  --%-8s %s\n", longopts[i].name, helps[i]);
}

static int number_arg(const char *name, const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 0);
	if (errno || *end || !*s || *out < lo || *out > hi) {
		fprintf(stderr, "Unable to parse --%s '%s': a number in [%ld, %ld]\n",
			name, s, lo, hi);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv)
{
	long v;
	int c;

	opt.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			opt.seed = strtoull(optarg, NULL, 0);
			if (errno) {
				fprintf(stderr, "Unable to parse --seed '%s': a 64-bit number\n",
					optarg);
				return -1;
			}
			break;
		case 'n':
			if (number_arg("inputs", optarg, 1, 1000000000L, &opt.inputs))
				return -1;
			break;
		case 't':
			if (number_arg("threads", optarg, 1, THREADS_MAX, &v))
				return -1;
			opt.threads = v;
			break;
		case 'u':
			opt.unpriv = true;
			break;
		case 'c':
			opt.corpus = optarg;
			break;
		case 'r':
			if (number_arg("replay", optarg, 0, 1000000000L, &opt.replay))
				return -1;
			break;
		case 'H':
			if (number_arg("hang", optarg, 1, 3600, &v))
				return -1;
			opt.hang = v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Unable to use argument '%s': fuzz takes options only\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

static const char *default_corpus(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return "fuzz-corpus";
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/fuzz-corpus", dirname(exe));
	return path;
}

int main(int argc, char **argv)
{
	struct thread *th = NULL;
	long taint0, taint1, served;
	double t0;
	int ret = 1, i, started = 0, fd;

	if (parse_opts(argc, argv))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGSEGV, crashed);
	signal(SIGBUS, crashed);
	fd = nl_open();
	family = fd < 0 ? -1 : nl_family(fd, LLKM_GENL_NAME);
	if (family >= 0)
		events_group = nl_mcast_group(fd, LLKM_GENL_NAME, LLKM_GENL_MCGRP_EVENTS);
	if (fd >= 0)
		close(fd);
	if (family < 0) {
		fprintf(stderr, "Unable to find the genl family '%s': is llkm loaded?\n",
			LLKM_GENL_NAME);
		return 1;
	}
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	read_pmu_types();
	if (ncpus < 1)
		ncpus = 1;
	if (load_corpus(opt.corpus ? opt.corpus : default_corpus()) || bad_pages())
		return 1;
	if (opt.unpriv && drop_to_nobody()) {
		fprintf(stderr, "Unable to drop to nobody: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "fuzz: seed %" PRIu64 ", %ld inputs, %d threads, %d seeds, uid %d\n",
		opt.seed, opt.replay >= 0 ? 1 : opt.inputs, opt.threads, ncorpus, geteuid());
	th = calloc(opt.threads, sizeof(*th));
	if (!th)
		goto cleanup;
	taint0 = taint();
	t0 = now();
	for (i = 0; i < opt.threads; i++)
		if (thread_setup(&th[i], i))
			goto cleanup;
	for (i = 0; i < opt.threads; i++, started++)
		if (pthread_create(&th[i].tid, NULL, thread_main, &th[i])) {
			fprintf(stderr, "Unable to start thread %d\n", i);
			goto cleanup;
		}
	if (watch(th, opt.threads, t0)) {
		/* Threads stuck in the kernel: report, do not join them. */
		summary(th, opt.threads, now() - t0);
		fflush(stdout);
		_exit(1);
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	started = 0;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\n");
	for (i = 0; i < opt.threads; i++)
		thread_teardown(&th[i]);
	served = summary(th, opt.threads, now() - t0);
	free(th);
	th = NULL;
	taint1 = taint();
	printf("taint_before %ld\ntaint_after %ld\n", taint0, taint1);
	if (taint0 >= 0 && taint1 >= 0 && (taint1 & ~taint0 & ~TAINT_BENIGN)) {
		fprintf(stderr, "fuzz: the kernel was tainted during the run: %ld -> %ld "
			"(see the kernel log)\n", taint0, taint1);
		goto cleanup;
	}
	ret = end_checks();
	if (!ret && served) {
		fprintf(stderr, "fuzz: %ld privileged requests were served to an unprivileged caller\n",
			served);
		ret = 1;
	}
cleanup:
	for (i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	free(th);
	return ret;
}
