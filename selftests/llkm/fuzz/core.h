/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's common core, as every file of it sees it.
 *
 * main.c     the driver, on top: main(), options, setup, the threads, the
 *            table of the interfaces, the watchdog, the summary, the end
 *            checks
 * core.c     the run's shared state and count_err(), at the bottom: every
 *            other file calls into it, and it calls none of them
 * attrs.c    the UAPI's attribute tables, and messages generated from them
 * corpus.c   the seed messages (fuzz-corpus/NAME.msg)
 * mutate.c   what is done to a message before it is sent
 * guard.c    the guard rails: what the fuzzer never sends
 * netlink.c  building messages, sending them on a thread's socket and
 *            draining the replies (and, on half the sockets, the events
 *            multicast group)
 *
 * One file per interface runs one input against it, from the input's own
 * PRNG stream: genl.c (generic netlink commands), ioctl.c, mmap.c, file.c
 * (the character device's other file operations), session.c (a ring
 * consumer's life) and probe.c (probe runs). An interface file calls into
 * the core, and into another interface file only for mmap.c's map_touch()
 * and map_drop(). The driver runs an input through the table in main.c,
 * and calls the others otherwise only to set up (load_corpus(),
 * ioctl_setup(), nl_reopen()) and to drop a thread's mappings at its end
 * (map_drop()). Nothing calls back up into main.c.
 */
#ifndef LLKM_FUZZ_CORE_H
#define LLKM_FUZZ_CORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "../helpers.h"

/* ---- guard rails (guard.c) and limits ---------------------------------- */

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

static inline uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rnd(struct rng *r)
{
	return splitmix(&r->s);
}

/* Uniform in [0, n); 0 when n is 0. */
static inline uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static inline bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* ---- the attribute tables (attrs.c, include/uapi/linux/llkm.h) --------- */

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

struct cspec {
	const char *name;
	uint8_t cmd;
	unsigned int weight;	/* of generated messages */
	uint16_t attr;		/* the top-level nest it takes, or 0 */
};

/* The top level (LLKM_A_*), and every space with it first. */
extern const struct space top_sp;
extern const struct space *const spaces[];
extern const unsigned int nspaces;

const struct aspec *spec_of(const struct space *sp, uint16_t type);
/* By UAPI name without LLKM_ (RING_A_SIZE, GET_INFO); NULL if unknown. */
const struct aspec *spec_named(const char *name);
const struct cspec *cmd_named(const char *name);

/* ---- the run's shared state (core.c), set before the threads start ---- */

/* The interfaces, as the summary counts them (main.c's table names them). */
enum cat { CAT_GENL, CAT_IOCTL, CAT_MMAP, CAT_FILE, CAT_SESSION, CAT_PROBE, NCAT };

struct opts {
	uint64_t seed;
	long inputs;
	int threads;
	bool unpriv;
	long replay;		/* -1: every input */
	int hang;		/* seconds without progress */
	const char *corpus;
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

extern struct opts opt;
extern int family;
extern int events_group;	/* LLKM_GENL_MCGRP_EVENTS */
extern int ncpus;
extern uint32_t pmu_types[32];
extern int npmu;
extern uint32_t banned_types[2];
extern int inherited_dev;	/* --unpriv: opened before the drop */
extern _Atomic uint32_t ring_size_seen;
extern _Atomic uint32_t portids[THREADS_MAX];

void count_err(struct stats *st, enum cat c, int err);

/* ---- generation (attrs.c) ------------------------------------------------ */

struct msg;

uint32_t pick_id(struct rng *r, const struct thread *t);
uint64_t gen_boundary(struct rng *r, const struct aspec *s);
uint64_t gen_number(struct rng *r, const struct aspec *s, const struct thread *t);
void gen_attr(struct msg *m, struct rng *r, const struct aspec *s,
	      const struct thread *t);
void gen_probe(struct msg *m, struct rng *r, const struct thread *t);
void gen_probe_id(struct msg *m, struct rng *r, uint8_t cmd);
const struct cspec *pick_cmd(struct rng *r);
void gen_msg(struct msg *m, struct rng *r, const struct cspec *c,
	     const struct thread *t);

/* ---- the corpus (corpus.c) -------------------------------------------- */

struct seed_msg {
	char name[256];
	uint8_t buf[MSG_MAX];
	uint32_t len;
};

extern struct seed_msg *corpus;	/* sorted by name */
extern int ncorpus;

int load_corpus(const char *dir);

/* ---- mutation (mutate.c), the guard rails (guard.c) -------------------- */

void mutate(struct msg *m, struct rng *r, const struct thread *t);
void guard(uint8_t *buf, uint32_t len, long *capped);

/* ---- messages, the thread's socket (netlink.c) -------------------------- */

struct msg {
	uint8_t buf[MSG_MAX];
	uint32_t len;
};

static inline struct nlmsghdr *msg_hdr(struct msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

void msg_init(struct msg *m, uint8_t cmd);
void msg_sync(struct msg *m);
int msg_put(struct msg *m, uint16_t type, const void *data, uint32_t len);
void msg_nest_end(struct msg *m, int off);

int nl_reopen(struct thread *t);
int send_msg(struct thread *t, enum cat c, struct msg *m);
/* Drains what comes within @ms (a run's PROBE_DONE, a dump's rest). */
void nl_wait(struct thread *t, enum cat c, int ms);
/* This thread's last probe run id (0: none); *@done: its PROBE_DONE came. */
uint32_t probe_id_seen(bool *done);
/* A TRACE_STARTED came to this thread's socket (@clear: forget it). */
bool trace_started_seen(bool clear);

/* ---- the interfaces: one input each ------------------------------------- */

void fuzz_genl(struct thread *t, struct rng *r);
void fuzz_ioctl(struct thread *t, struct rng *r);
void fuzz_mmap(struct thread *t, struct rng *r);
void fuzz_file(struct thread *t, struct rng *r);
void fuzz_session(struct thread *t, struct rng *r);
void fuzz_probe(struct thread *t, struct rng *r);

/* ioctl.c: the pages its bad pointers point into, mapped before the run. */
int ioctl_setup(void);

/* mmap.c: a mapping read page by page (and written), a mapping dropped. */
void map_touch(struct rng *r, volatile uint8_t *p, size_t len, int prot);
void map_drop(struct thread *t, int slot);

#endif
