/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl's side of the llkm generic netlink family (libnl-genl-3).
 */
#ifndef LLCTL_LIB_NL_H
#define LLCTL_LIB_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/llkm.h>

struct nl_msg;
struct nl_sock;
struct nlattr;

struct llctl_nl {
	struct nl_sock *sk;
	int family;
};

struct llctl_pmu_info {
	char name[LLKM_PMU_NAME_MAX];
	uint32_t type;
};

struct llctl_info {
	char version[LLKM_VERSION_MAX];
	uint32_t abi;
	uint32_t cpus_possible;
	uint32_t cpus_online;
	uint64_t features;
	uint32_t cache_line_size;
	uint32_t ring_size;
	uint32_t ring_mode;
	int64_t counters_open;		/* module-wide, -1: not reported */
	unsigned int n_pmus;
	struct llctl_pmu_info *pmus;	/* malloc'ed, llctl_info_free() */
};

/*
 * Connect and resolve the family. Returns 0, or a negative errno:
 * -ENOENT when the family is not registered (module not loaded).
 */
int llctl_nl_open(struct llctl_nl *nl);
void llctl_nl_close(struct llctl_nl *nl);

/* LLKM_CMD_GET_INFO. Returns 0 or a negative errno. */
int llctl_nl_get_info(struct llctl_nl *nl, struct llctl_info *info);
void llctl_info_free(struct llctl_info *info);

struct llctl_trace_req {
	uint32_t events;		/* LLKM_TRACE_EV_* */
	const uint32_t *pids;		/* NULL: every process */
	unsigned int n_pids;
	int follow_fork;
	uint32_t ring_size;		/* 0: the module's default */
	int ring_mode;			/* -1: the module's default */
	const uint8_t *cpus;		/* bitmap, cpus_len bytes, or NULL */
	unsigned int cpus_len;
	const uint8_t *syscalls;	/* bitmap, syscalls_len bytes, or NULL */
	unsigned int syscalls_len;
	uint32_t exclude;		/* a tgid whose syscalls are left out, or 0 */
};

struct llctl_cpu_stats {
	uint32_t cpu;
	uint64_t produced, lost, published;
};

/* How long llctl waits for the module to set a session's rings up. */
#define LLCTL_TRACE_START_TIMEOUT_S	120

/*
 * LLKM_CMD_TRACE_START, then its LLKM_CMD_TRACE_STARTED: 0 and the
 * session's ring size and mode, or -errno (the module's reason in
 * llctl_nl_last_extack()). Signals do not end the wait (the setup takes
 * seconds at most; the caller sees its Ctrl-C flag after). A setup that
 * outlasts LLCTL_TRACE_START_TIMEOUT_S is cancelled with TRACE_STOP:
 * -ETIMEDOUT. -EPROTO: a module of another ABI (ABI 2 replied at once).
 */
int llctl_nl_trace_start(struct llctl_nl *nl, const struct llctl_trace_req *req,
			 uint32_t *ring_size, uint32_t *ring_mode);
int llctl_nl_trace_stop(struct llctl_nl *nl);
/*
 * LLKM_CMD_TRACE_STATS into @st (at most @max CPUs): how many, or -errno;
 * and, when @compat is not NULL, the syscalls of 32-bit tasks the module
 * did not record (0 from a module that does not say).
 */
int llctl_nl_trace_stats(struct llctl_nl *nl, struct llctl_cpu_stats *st,
			 unsigned int max, uint64_t *compat);

struct llctl_counter_req {
	uint32_t type;
	uint64_t config, config1, config2;
	int pid;			/* > 0: that thread */
	int cpu;			/* >= 0: that CPU only */
	uint32_t group;			/* leader id, 0: none */
	uint32_t flags;			/* LLKM_CTR_F_* */
	uint64_t period;		/* 0: counting only */
};

/* LLKM_CMD_COUNTER_*: 0 or -errno (the extack says more). */
int llctl_nl_counter_open(struct llctl_nl *nl, const struct llctl_counter_req *req,
			  uint32_t *id);
int llctl_nl_counter_enable(struct llctl_nl *nl, uint32_t id, int enable);
/* @id 0: every counter of this socket. */
int llctl_nl_counter_close(struct llctl_nl *nl, uint32_t id);
/* Values of @id (and its members, a leader first): how many, or -errno. */
int llctl_nl_counter_read(struct llctl_nl *nl, uint32_t id,
			  struct llkm_counter_value *v, unsigned int max);
const char *llctl_ctr_state_name(uint32_t state);
/* This socket's port id: who owns the counters it opens. */
uint32_t llctl_nl_portid(const struct llctl_nl *nl);
/*
 * LLKM_IOC_COUNTER_READ on /dev/llkm (@dev): what llctl_nl_counter_read()
 * gives, without the netlink round trip.
 */
int llctl_dev_counter_read(int dev, const struct llctl_nl *nl, uint32_t id,
			   struct llkm_counter_value *v, unsigned int max);

/*
 * For requests built in their own file (coherency/kernel-run.c): a new request of
 * @cmd to fill (NULL: no memory), and its transaction, which consumes
 * @msg and calls @parse with each reply's top-level attributes (indexed
 * up to LLKM_A_MAX). 0 or -errno, as the calls above.
 */
struct nl_msg *llctl_nl_request(struct llctl_nl *nl, uint8_t cmd);
/* The same with NLM_F_DUMP: llctl_nl_transact() reads to the dump's end. */
struct nl_msg *llctl_nl_dump_request(struct llctl_nl *nl, uint8_t cmd);
int llctl_nl_transact(struct llctl_nl *nl, struct nl_msg *msg,
		      int (*parse)(struct nlattr **tb, void *arg), void *arg);
/*
 * Waits up to @timeout_ms for a message to the socket (a notification)
 * and gives what one read brings to @parse. 0 (also when nothing came or a
 * signal came first), or -errno.
 */
int llctl_nl_listen(struct llctl_nl *nl, int timeout_ms,
		    int (*parse)(struct nlattr **tb, void *arg), void *arg);

/*
 * The extended-ack message of the last failed request, or NULL.
 */
const char *llctl_nl_last_extack(void);
/*
 * A notification's reason (LLKM_A_ERROR_MSG; NULL: none), told as the
 * last request's extended ack: the module's setup of a request failed
 * after its ack.
 */
void llctl_nl_set_extack(const char *msg);

/*
 * One line that says what went wrong and what to do, for an errno from the
 * calls above, e.g. for -ENOENT "llkm is not loaded: run 'sudo insmod
 * kmod/llkm.ko'".
 */
const char *llctl_nl_strerror(int err);
/* llkm is loaded and not being unloaded (/sys/module/llkm/initstate). */
bool llctl_nl_module_live(void);

/* Feature bit to its stable name ("genl", "hw_pmu" ...), NULL if unknown. */
const char *llctl_feature_name(uint64_t bit);
const char *llctl_ring_mode_name(uint32_t mode);

#endif /* LLCTL_LIB_NL_H */
