// SPDX-License-Identifier: GPL-2.0
/*
 * The attribute tables of include/uapi/linux/llkm.h, one space per nest,
 * with each request attribute's range and meaning, and the messages
 * generated from them: every command, every request attribute, with
 * plausible values (known counter ids, own pids, CPUs, PMU types from
 * GET_INFO) and sometimes one at or beyond the edge of its range.
 */
#include <linux/perf_event.h>

#include "core.h"

/* ---- the tables --------------------------------------------------------- */

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
	A(TRACE_A_EXCLUDE_PIDS, K_BIN, S_PIDS, 0, LLKM_TRACE_EXCLUDE_MAX * 4),
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
	A(PROBE_A_ID, K_U32, S_RANGE, 1, UINT32_MAX),
	R(PROBE_A_NSAMPLES, K_U32),
	R(PROBE_A_OFFSET, K_U32),
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
	R(A_STATS_COMPAT, K_U64),
	R(A_ERROR, K_U32),
	R(A_ERROR_MSG, K_STR),
};

const struct space top_sp = SPACE("top", top_a, LLKM_A_MAX);

const struct space *const spaces[] = {
	&top_sp, &ring_sp, &trace_sp, &counter_sp, &probe_sp, &pmu_sp, &stats_sp,
};

const unsigned int nspaces = sizeof(spaces) / sizeof(spaces[0]);

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
	C(PROBE_DONE, 1, 0),
	C(PROBE_GET, 4, LLKM_A_PROBE),
	C(PROBE_STOP, 3, LLKM_A_PROBE),
	C(TRACE_STARTED, 1, 0),
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

const struct aspec *spec_of(const struct space *sp, uint16_t type)
{
	unsigned int i;

	for (i = 0; i < sp->n; i++)
		if (sp->a[i].type == type)
			return &sp->a[i];
	return NULL;
}

const struct aspec *spec_named(const char *name)
{
	unsigned int i, j;

	for (i = 0; i < nspaces; i++)
		for (j = 0; j < spaces[i]->n; j++)
			if (!strcmp(spaces[i]->a[j].name, name))
				return &spaces[i]->a[j];
	return NULL;
}

const struct cspec *cmd_named(const char *name)
{
	unsigned int i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
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

uint32_t pick_id(struct rng *r, const struct thread *t)
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
uint64_t gen_boundary(struct rng *r, const struct aspec *s)
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

uint64_t gen_number(struct rng *r, const struct aspec *s, const struct thread *t)
{
	unsigned int bits;

	if (chance(r, 15))
		return gen_boundary(r, s);
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
void gen_attr(struct msg *m, struct rng *r, const struct aspec *s,
	      const struct thread *t)
{
	static __thread uint8_t tmp[MSG_MAX];
	uint32_t v32, len, room;
	uint64_t v;
	int off;

	room = m->len + 1024 < MSG_MAX ? MSG_MAX - 1024 - m->len : 0;
	switch (s->kind) {
	case K_U32:
		v32 = gen_number(r, s, t);
		msg_put(m, s->type, &v32, 4);
		break;
	case K_U64:
		v = gen_number(r, s, t);
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
void gen_probe(struct msg *m, struct rng *r, const struct thread *t)
{
	static const uint32_t ops[] = {
		[LLKM_PROBE_FENCE] = LLKM_FENCE_LOAD_ACQUIRE + 1,	/* and the arch's */
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
	v32 = 1 + below(r, 4);
	if (chance(r, 10)) {
		/* The large-reply path: the most samples accepted, or one more. */
		v32 = LLKM_PROBE_SAMPLES_MAX / (kind == LLKM_PROBE_FALSE_SHARING ||
						kind == LLKM_PROBE_BANDWIDTH ? n : 1);
		if (v32 > LLKM_PROBE_BATCHES_MAX)
			v32 = LLKM_PROBE_BATCHES_MAX;
		v32 += chance(r, 20);
		iters = 1;
	}
	msg_put(m, LLKM_PROBE_A_BATCHES, &v32, 4);
	msg_put(m, LLKM_PROBE_A_ITERATIONS, &iters, 8);
	v32 = 1 + below(r, TIMEOUT_CAP);
	msg_put(m, LLKM_PROBE_A_TIMEOUT_MS, &v32, 4);
	if (has_param)
		msg_put(m, LLKM_PROBE_A_PARAM, &param, 8);
	if (chance(r, 20))
		gen_attr(m, r, &probe_a[below(r, sizeof(probe_a) / sizeof(probe_a[0]))], t);
	msg_nest_end(m, off);
}

/*
 * PROBE_GET (a dump, mostly) or PROBE_STOP of a run: this thread's last,
 * another's, none, or a boundary id.
 */
void gen_probe_id(struct msg *m, struct rng *r, uint8_t cmd)
{
	uint32_t id = probe_id_seen(NULL);
	int off;

	msg_init(m, cmd);
	if (cmd == LLKM_CMD_PROBE_GET && chance(r, 90))
		msg_hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (chance(r, 5))
		return;
	off = msg_put(m, LLKM_A_PROBE | NLA_F_NESTED, NULL, 0);
	if (!id || chance(r, 15))
		id = chance(r, 50) ? below(r, 1000) : (uint32_t)gen_boundary(r,
				spec_of(&probe_sp, LLKM_PROBE_A_ID));
	if (chance(r, 97))
		msg_put(m, LLKM_PROBE_A_ID, &id, 4);
	msg_nest_end(m, off);
}

const struct cspec *pick_cmd(struct rng *r)
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
void gen_msg(struct msg *m, struct rng *r, const struct cspec *c,
	     const struct thread *t)
{
	int off;

	msg_init(m, c->cmd);
	if (c->cmd == LLKM_CMD_PROBE_RUN) {
		gen_probe(m, r, t);
		return;
	}
	if (c->cmd == LLKM_CMD_PROBE_GET || c->cmd == LLKM_CMD_PROBE_STOP) {
		gen_probe_id(m, r, c->cmd);
		return;
	}
	if (c->cmd == LLKM_CMD_TRACE_STATS && chance(r, 50))
		msg_hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
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
