/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * llkm: low-level performance measurement module, user/kernel ABI.
 *
 * Documentation
 * =============
 *
 * Control goes through the generic netlink family LLKM_GENL_NAME, version
 * LLKM_GENL_VERSION; data and cheap queries go through the character device
 * /dev/llkm (mode 0600). Everything here uses fixed-width types only, so one
 * header serves the module, llctl and the selftests. LLKM_ABI_VERSION is
 * bumped on every incompatible change; additions that old userspace can
 * ignore (a new attribute, a new feature bit) do not bump it.
 *
 * Every command is validated strictly: an attribute the command does not
 * take, an attribute of the wrong type or length or an unknown attribute
 * type is refused with -EINVAL, a number outside its range with -ERANGE,
 * each with an extended ack message naming the attribute.
 *
 * LLKM_CMD_GET_INFO
 * -----------------
 *
 * Request: NLM_F_REQUEST, no attributes. Needs no privilege beyond access to
 * the family. Reply: one message with
 *
 *    LLKM_A_VERSION: NLA_NUL_STRING, module version, "MAJOR.MINOR.PATCH"
 *    LLKM_A_ABI: NLA_U32, LLKM_ABI_VERSION of the running module
 *    LLKM_A_CPUS_POSSIBLE: NLA_U32
 *    LLKM_A_CPUS_ONLINE: NLA_U32
 *    LLKM_A_FEATURES: NLA_U64, LLKM_FEAT_* bits this module offers here
 *    LLKM_A_CACHE_LINE_SIZE: NLA_U32, bytes (cache_line_size())
 *    LLKM_A_PMUS: NLA_NESTED
 *        LLKM_A_PMU: NLA_NESTED, once per PMU registered with perf
 *            LLKM_PMU_A_NAME: NLA_NUL_STRING (as under
 *                             /sys/bus/event_source/devices)
 *            LLKM_PMU_A_TYPE: NLA_U32, perf_event_attr.type to use
 *        LLKM_A_PMU: NLA_NESTED
 *            ...
 *    LLKM_A_RING: NLA_NESTED, defaults for new sessions
 *        LLKM_RING_A_SIZE: NLA_U32, bytes per CPU, power of two
 *        LLKM_RING_A_MODE: NLA_U32, enum llkm_ring_mode
 *
 * Errors: -EINVAL (any attribute), -ENOMEM, -E2BIG (the PMUs' nest would
 * pass the 64 KiB an attribute's length can say).
 *
 * LLKM_CMD_SET_DEFAULTS
 * ---------------------
 *
 * Request: NLM_F_REQUEST (NLM_F_ACK for a reply), needs CAP_PERFMON or
 * CAP_SYS_ADMIN. Changes the defaults that GET_INFO reports; each attribute
 * is optional, an absent one keeps its value:
 *
 *    LLKM_A_RING: NLA_NESTED
 *        LLKM_RING_A_SIZE: NLA_U32, power of two in
 *                          [LLKM_RING_SIZE_MIN, LLKM_RING_SIZE_MAX]
 *        LLKM_RING_A_MODE: NLA_U32, at most LLKM_RING_MODE_MAX
 *
 * Errors: -EPERM (capability), -ERANGE (a value out of range), -EINVAL
 * (any other validation failure, a size that is not a power of two). On
 * error nothing is changed.
 *
 * LLKM_CMD_TRACE_START
 * --------------------
 *
 * Request: NLM_F_REQUEST, needs CAP_PERFMON or CAP_SYS_ADMIN. Starts the
 * trace session (one at a time), owned by the requesting socket: closing
 * that socket stops it, as do TRACE_STOP and rmmod.
 *
 * A start is asynchronous (ABI 3): the command checks the request, takes
 * the one session slot and returns, acked with no reply message, within
 * milliseconds whatever the ring size; a kernel worker then allocates and
 * zeroes the rings (up to LLKM_RING_SIZE_MAX per CPU: seconds) and
 * attaches the tracepoints, and the requesting socket gets a
 * LLKM_CMD_TRACE_STARTED message (unicast, sequence number 0, which may
 * come before the ack) saying how it ended. The rings can be mapped once
 * it says the session runs. While the setup goes on, another start is
 * -EBUSY; TRACE_STOP cancels it (TRACE_STARTED then says -ECANCELED); the
 * socket's close cancels it and returns once the worker is done with it;
 * rmmod cancels it (-ESHUTDOWN) and tells the socket before unloading.
 *
 *    LLKM_A_RING: NLA_NESTED, optional, as for SET_DEFAULTS; absent values
 *                 come from the defaults
 *    LLKM_A_TRACE: NLA_NESTED
 *        LLKM_TRACE_A_EVENTS: NLA_U32, LLKM_TRACE_EV_* bits; 0 for rings
 *                             only (samples of this socket's counters)
 *        LLKM_TRACE_A_PIDS: NLA_BINARY, optional, __u32 thread group ids
 *                           (at most LLKM_TRACE_PIDS_MAX): only their
 *                           events are recorded
 *        LLKM_TRACE_A_FOLLOW_FORK: NLA_FLAG, optional: children of traced
 *                                  processes are traced too
 *        LLKM_TRACE_A_WATERMARK: NLA_U32, optional, bytes at most the ring
 *                                size: in discard mode poll() on
 *                                /dev/llkm says EPOLLIN once a ring holds
 *                                that much unread (default: half the ring)
 *        LLKM_TRACE_A_CPUS: NLA_BINARY, optional, a bitmap (bit n of byte
 *                           n / 8) of the CPUs whose events are recorded,
 *                           at most LLKM_TRACE_CPUS_MAX bits
 *        LLKM_TRACE_A_SYSCALLS: NLA_BINARY, optional, a bitmap of the
 *                               syscall numbers recorded, at most
 *                               LLKM_TRACE_SYSCALLS_MAX bits
 *        LLKM_TRACE_A_EXCLUDE_PIDS: NLA_BINARY, optional, __u32 thread
 *                                   group ids (at most
 *                                   LLKM_TRACE_EXCLUDE_MAX) whose syscalls
 *                                   are not recorded, whatever PIDS says:
 *                                   a tracer leaves itself out, as perf
 *                                   trace does
 *
 * Every filter runs in the probe before any ring space is reserved: a
 * filtered-out event is neither produced nor lost.
 *
 * Rings: one per online CPU at the start; a CPU that comes online while
 * the session runs gets its own before it runs anything (when that fails,
 * the CPU stays offline: -ENOMEM to whoever onlines it); a CPU that goes
 * offline keeps its ring. Their pages are charged to the starter's memory
 * cgroup and may fail rather than wake the OOM killer. The rings together
 * (size x online CPUs) are capped at a quarter of RAM, checked against
 * the CPUs online at the start, before anything is allocated.
 *
 * Syscalls are those of the x86-64 table only. A 32-bit task's syscalls
 * (ia32 or x32: in_compat_syscall()) have numbers of another table and
 * are dropped, as ftrace's syscall events drop them: neither their entry
 * nor their exit is recorded, produced or lost; TRACE_STATS counts them
 * in LLKM_A_STATS_COMPAT (those of traced tasks, pid and CPU filters
 * applied).
 *
 * Reply: the ack alone. Errors: -EPERM, -EBUSY (a session runs or is being
 * set up), -EINVAL, -ERANGE, -ENOMEM, -E2BIG (the cap: the extack says
 * it), -ESHUTDOWN (rmmod under way).
 *
 * LLKM_CMD_TRACE_STARTED: notification only, to the socket that sent the
 * TRACE_START, once per accepted start:
 *
 *    LLKM_A_RING: NLA_NESTED, when the session runs: its rings, to map
 *                 with /dev/llkm
 *        LLKM_RING_A_SIZE: NLA_U32, bytes per CPU
 *        LLKM_RING_A_MODE: NLA_U32, enum llkm_ring_mode
 *    LLKM_A_ERROR: NLA_S32, when it does not: -errno, -ENOMEM (the rings,
 *                  also the starter's memory cgroup limit), -E2BIG (a CPU
 *                  came online since the cap was checked),
 *                  -ENOENT (a tracepoint this kernel does not have),
 *                  -ECANCELED (TRACE_STOP during the setup), -ESHUTDOWN
 *                  (rmmod)
 *    LLKM_A_ERROR_MSG: NLA_NUL_STRING, optional, with LLKM_A_ERROR: what
 *                      an extended ack would say
 *
 * A socket whose receive queue is full misses it: TRACE_STATS and the
 * events group still say whether the session runs.
 *
 * LLKM_CMD_TRACE_STOP
 * -------------------
 *
 * Request: NLM_F_REQUEST, needs CAP_PERFMON or CAP_SYS_ADMIN, no
 * attributes. Detaches every probe; mapped rings stay readable until
 * unmapped. During a start's setup, cancels it without waiting for it (a
 * new start is -EBUSY until its TRACE_STARTED went out). Errors: -EPERM,
 * -ENOENT (no session and no setup).
 *
 * LLKM_CMD_TRACE_STATS
 * --------------------
 *
 * Request: NLM_F_REQUEST, needs CAP_PERFMON or CAP_SYS_ADMIN, no
 * attributes; with NLM_F_DUMP, the reply is as many messages as it takes
 * (NLM_F_MULTI), each its own snapshot of some CPUs, and without it one
 * message, refused (-EMSGSIZE) when the CPUs' entries would pass the
 * 64 KiB a nest's length can say (about 1300 CPUs). Reply, for the
 * running or last stopped session:
 *
 *    LLKM_A_STATS: NLA_NESTED
 *        LLKM_A_STATS_CPU: NLA_NESTED, once per CPU with a ring (of
 *                          the message, in a dump)
 *            LLKM_STATS_A_CPU: NLA_U32
 *            LLKM_STATS_A_PRODUCED: NLA_U64, records producers asked for
 *            LLKM_STATS_A_LOST: NLA_U64, of those, never delivered
 *            LLKM_STATS_A_PUBLISHED: NLA_U64, producer_pos, bytes
 *
 *    LLKM_A_STATS_COMPAT: NLA_U64, syscalls of traced 32-bit tasks (ia32
 *                         int 0x80/sysenter, x32) not recorded, in every
 *                         message
 *
 * Delivered records are produced - lost, once the consumer has read up to
 * the published position. Errors: -EPERM, -ENOENT (no session yet).
 *
 * Counters: LLKM_CMD_COUNTER_*
 * ----------------------------
 *
 * Every counter command needs CAP_PERFMON or CAP_SYS_ADMIN: the capability
 * upstream perf_event_open() accepts at every perf_event_paranoid level
 * (Debian's level 3 asks perf for CAP_SYS_ADMIN: docs/security.md). A
 * per-task counter on a process of another user also needs CAP_SYS_PTRACE
 * (-EACCES), as perf's ptrace check would. Counters go through the kernel's
 * perf_event API (perf_event_create_kernel_counter()), so perf schedules,
 * multiplexes and accounts them as its own. A counter belongs to the netlink
 * socket that opened it: only that socket sees it by id, and it is closed
 * when that socket closes, on LLKM_CMD_COUNTER_CLOSE and on rmmod. A socket
 * holds at most LLKM_COUNTERS_MAX counters (-ENOSPC).
 *
 * LLKM_CMD_COUNTER_OPEN: LLKM_A_COUNTER, a nest of
 *
 *    LLKM_CTR_A_TYPE: NLA_U32, perf_event_attr.type (any PMU's type)
 *    LLKM_CTR_A_CONFIG, _CONFIG1, _CONFIG2: NLA_U64, optional, passed through
 *    LLKM_CTR_A_PID: NLA_U32, optional: count this thread (with
 *                    LLKM_CTR_F_INHERIT, its future children too)
 *    LLKM_CTR_A_CPU: NLA_U32, optional: count on this CPU only; without a
 *                    pid, everything that runs there (system-wide is one
 *                    counter per CPU, as in perf). One of pid and cpu is
 *                    required.
 *    LLKM_CTR_A_GROUP: NLA_U32, optional, the id of a group leader of this
 *                      socket: the counter joins its group (same pid/cpu)
 *    LLKM_CTR_A_FLAGS: NLA_U32, optional, LLKM_CTR_F_* bits
 *    LLKM_CTR_A_PERIOD: NLA_U64, optional: sample every PERIOD events (or
 *                       PERIOD times a second with LLKM_CTR_F_FREQ) into
 *                       the CPU's ring of this socket's trace session,
 *                       which must run (TRACE_START, events may be 0):
 *                       LLKM_REC_SAMPLE records, until that session
 *                       stops (then the counter counts on, without
 *                       samples, which also stop growing
 *                       LLKM_CTR_A_SAMPLES). A frequency is at most
 *                       LLKM_SAMPLE_FREQ_MAX (-ERANGE)
 *
 * Reply: LLKM_A_COUNTER with LLKM_CTR_A_ID. Errors: those of
 * perf_event_create_kernel_counter() (-ENOENT: no such event on this PMU,
 * -EOPNOTSUPP, -EINVAL, -EBUSY, -ENODEV: offline CPU), -ESRCH (no such
 * pid), -EACCES, -ENOSPC, and -ENOENT with an extended ack for a missing
 * group leader or session.
 *
 * LLKM_CMD_COUNTER_ENABLE, LLKM_CMD_COUNTER_DISABLE: LLKM_A_COUNTER with
 * LLKM_CTR_A_ID; on a group leader they act on the whole group.
 * LLKM_CMD_COUNTER_CLOSE: LLKM_A_COUNTER with LLKM_CTR_A_ID closes that
 * counter (a leader: its whole group); without LLKM_A_COUNTER, every
 * counter of the socket. -ENOENT for an id the socket does not hold.
 *
 * LLKM_CMD_COUNTER_READ: LLKM_A_COUNTER with LLKM_CTR_A_ID. Reply: one
 * LLKM_A_COUNTER per member (the leader first for a group leader; the
 * counter alone otherwise), each with
 *
 *    LLKM_CTR_A_ID: NLA_U32
 *    LLKM_CTR_A_VALUE: NLA_U64, the count, children that exited included
 *    LLKM_CTR_A_ENABLED, LLKM_CTR_A_RUNNING: NLA_U64, ns enabled and ns
 *        actually on the PMU: running < enabled means multiplexed, and
 *        value * enabled / running is perf's estimate
 *    LLKM_CTR_A_STATE: NLA_U32, enum llkm_ctr_state
 *    LLKM_CTR_A_SAMPLES, LLKM_CTR_A_SAMPLES_LOST: NLA_U64, samples the
 *        overflow handler wrote, and of those the ring had no room for
 *    LLKM_CTR_A_THROTTLED: NLA_U64, times the kernel throttled the event
 *        (more overflows in a tick than perf_event_max_sample_rate allows):
 *        each time it stopped counting and sampling until its next tick
 *
 * A group is read member after member; disable it first (as perf stat
 * does at the end) for values taken at one instant.
 *
 * LLKM_A_COUNTERS_OPEN (NLA_U32) in the GET_INFO reply: counters open in
 * the module, all sockets together, for leak checks.
 *
 * Probes: LLKM_CMD_PROBE_RUN, _DONE, _GET, _STOP
 * ------------------------------------------------
 *
 * A probe run is asynchronous: PROBE_RUN checks the request (one run at
 * a time, the CPUs online, a bandwidth run's SIMD width and RAM cap) and
 * replies at once with the run's id, within milliseconds whatever the
 * run's size; no genl handler waits for a run nor for its memory. Since
 * ABI 4 a kernel worker then allocates the run's memory (its samples, a
 * bandwidth run's working sets: up to a quarter of RAM, zeroed, seconds)
 * and starts kernel threads pinned to the given CPUs. A stop during that
 * setup (PROBE_STOP, the socket closing, rmmod) is heard between two
 * threads' working sets and before the threads start, and ends the run
 * STOPPED with no samples; one of its CPUs going offline then is the
 * run's error (-ENODEV). A setup that fails is said in PROBE_DONE
 * (LLKM_A_ERROR). While a run is set up or runs, another PROBE_RUN is
 * -EBUSY. When the run ends, the module sends the requesting socket a
 * LLKM_CMD_PROBE_DONE message (unicast, which may come before PROBE_RUN's
 * reply and ack for a short run), and the socket fetches the samples with
 * a PROBE_GET dump, in as many messages as they take. The socket owns the
 * run: only it can fetch or stop it, and closing it stops the run (llctl's
 * Ctrl-C) and frees its samples. A socket keeps the samples of its last
 * run only, until it starts another run, closes, or rmmod. Threads run
 * batches with preemption off and interrupts off, but for a short window
 * with interrupts on about every millisecond (checked by the TSC inside
 * the batch, every kind): no CPU of a run goes much more than 1 ms
 * without serving interrupts, whatever the batch's work; the windows are
 * not in the samples. In a window, every kind but bandwidth and false
 * sharing also lets a task waiting for the CPU run. PROBE_STOP, the socket
 * closing, rmmod or one of its CPUs going offline stop a run within a
 * batch, and every run is bounded by LLKM_PROBE_A_TIMEOUT_MS. Every probe
 * command needs CAP_PERFMON or CAP_SYS_ADMIN. The measuring code is
 * kmod/probe_core.h, the same source llctl runs in user mode.
 *
 * LLKM_CMD_PROBE_RUN: NLM_F_REQUEST,
 *
 *    LLKM_A_PROBE: NLA_NESTED
 *        LLKM_PROBE_A_KIND: NLA_U32, enum llkm_probe_kind
 *        LLKM_PROBE_A_OP: NLA_U32, per kind: enum llkm_fence_op, enum
 *                         llkm_litmus_test, enum llkm_icache_op, enum
 *                         llkm_bw_op; 0 otherwise
 *        LLKM_PROBE_A_FLAGS: NLA_U32, LLKM_PROBE_F_*
 *        LLKM_PROBE_A_CPUS: NLA_BINARY, __u32 CPU numbers, one per thread
 *                           the kind needs (fence, branch, icache 1; c2c
 *                           2; litmus 2 to 4; false sharing and bandwidth
 *                           1 to LLKM_PROBE_THREADS_MAX)
 *        LLKM_PROBE_A_ITERATIONS: NLA_U64, per batch, at most
 *                                 LLKM_PROBE_ITERATIONS_MAX: a batch runs
 *                                 with preemption off, keep it short
 *        LLKM_PROBE_A_BATCHES: NLA_U32, at most LLKM_PROBE_BATCHES_MAX,
 *                              and the samples the run makes (BATCHES, or
 *                              BATCHES x threads for false sharing and
 *                              bandwidth) at most LLKM_PROBE_SAMPLES_MAX
 *        LLKM_PROBE_A_TIMEOUT_MS: NLA_U32, optional, at most
 *                                 LLKM_PROBE_TIMEOUT_MAX_MS (default 10 s)
 *        LLKM_PROBE_A_PARAM: NLA_U64, what the sweep kinds measure at:
 *                            branch, the pattern length in branches (0:
 *                            random bits; with LLKM_PROBE_F_SORTED, the
 *                            same bits sorted), at most LLKM_BRANCH_BITS;
 *                            icache, the footprint in bytes (CODE, a
 *                            multiple of 4, at most LLKM_ICACHE_CODE_MAX;
 *                            0 times the call alone) or pages (PAGES, 1 to
 *                            LLKM_ICACHE_PAGES_MAX); bandwidth, each
 *                            thread's working set in bytes, at most
 *                            LLKM_BW_BYTES_MAX
 *        LLKM_PROBE_A_SIMD: NLA_U32, bandwidth: access width in bits, 64
 *                           (scalar, the default), 128, 256 or 512; on
 *                           arm64 256 and 512 stand for SVE, which the
 *                           module refuses (-EOPNOTSUPP, and why): it
 *                           runs in user mode only
 *        LLKM_PROBE_A_PREFETCH: NLA_U32, bandwidth: prefetch distance
 *                               (prefetcht0; prfm pldl1keep) in
 *                               bytes, a multiple of 64, at most
 *                               LLKM_BW_PREFETCH_MAX (0: none)
 *
 * The sweep kinds (branch, icache, bandwidth) run two batches first as
 * a warm-up, not in SAMPLES. ITERATIONS counts passes over the branch
 * buffer (at most LLKM_BRANCH_PASSES_MAX), calls of the icache footprint
 * (at most LLKM_ICACHE_BATCH_BYTES_MAX bytes of code, or
 * LLKM_PROBE_ITERATIONS_MAX pages, a batch), or passes over the working
 * set (at most LLKM_BW_BATCH_BYTES_MAX a batch): each batch runs with
 * preemption off, so each is bounded.
 *
 * Reply: LLKM_A_PROBE with LLKM_PROBE_A_ID (NLA_U32, not 0), the run.
 * Errors: -EPERM, -EINVAL (a CPU count the kind does not take, an
 * unknown op, a parameter the kind does not take), -ERANGE (a value out
 * of range, more than LLKM_PROBE_SAMPLES_MAX samples), -ENODEV (an
 * offline CPU), -EBUSY (another probe runs or is set up: one at a time),
 * -EOPNOTSUPP (no TSC, not x86, a SIMD width this CPU lacks), -ENOMEM (a
 * working set over a quarter of RAM, the run's own small allocation).
 *
 * LLKM_CMD_PROBE_DONE: notification only, to the run's socket, once per
 * run acked:
 *
 *    LLKM_A_PROBE: NLA_NESTED
 *        LLKM_PROBE_A_ID: NLA_U32
 *        LLKM_PROBE_A_NSAMPLES: NLA_U32, the samples to fetch
 *        LLKM_PROBE_A_TSC_KHZ: NLA_U32, the kernel's TSC rate
 *        LLKM_PROBE_A_ELAPSED_NS: NLA_U64
 *        LLKM_PROBE_A_STOPPED: NLA_FLAG, the run stopped early (PROBE_STOP,
 *                              socket closed, timeout, rmmod, CPU offline,
 *                              also during the setup):
 *                              the samples are of the batches done
 *
 * or, when the run's setup failed (ABI 4), LLKM_A_PROBE with the ID alone
 * and, as TRACE_STARTED says them:
 *
 *    LLKM_A_ERROR: NLA_S32, -errno: -ENOMEM (the run's memory), -ENODEV
 *                  (a CPU of the run went offline before its threads
 *                  started), or what creating its kernel threads failed
 *                  with
 *    LLKM_A_ERROR_MSG: NLA_NUL_STRING, optional, with LLKM_A_ERROR: what
 *                      an extended ack would say
 *
 * It goes to the run's portid: a socket that binds the portid of one that
 * just closed may get that one's last PROBE_DONE (docs/security.md): take
 * the one whose ID is your run's, which may come before PROBE_RUN's reply.
 *
 * A socket whose receive queue is full misses it: PROBE_GET says -EBUSY
 * while the run goes, and answers once it is done (with the setup's
 * error, and its message as the extended ack, when it failed).
 *
 * LLKM_CMD_PROBE_GET: NLM_F_REQUEST | NLM_F_DUMP, LLKM_A_PROBE with
 * LLKM_PROBE_A_ID. Messages (NLM_F_MULTI), as many as the samples take,
 * each with LLKM_A_PROBE:
 *
 *        LLKM_PROBE_A_ID: NLA_U32
 *        LLKM_PROBE_A_OFFSET: NLA_U32, the index of this message's first
 *                             sample
 *        LLKM_PROBE_A_SAMPLES: NLA_BINARY, __u64 per batch, at most
 *                              LLKM_PROBE_SAMPLES_MSG_MAX a message: TSC
 *                              cycles of the batch, its windows with
 *                              interrupts on left out (fence: ITERATIONS ops;
 *                              c2c: ITERATIONS round trips; false sharing:
 *                              ITERATIONS stores, one per writer,
 *                              batch-major; branch: ITERATIONS passes of
 *                              LLKM_BRANCH_BITS branches; icache:
 *                              ITERATIONS calls; bandwidth: ITERATIONS
 *                              passes, one per thread, batch-major), or
 *                              for litmus the outcome histogram
 *                              (LLKM_LITMUS_OUTCOMES_MAX counters, the
 *                              whole run)
 *        and in the first message, what PROBE_DONE says: NSAMPLES,
 *        TSC_KHZ, ELAPSED_NS, STOPPED
 *
 * Errors: -EPERM, -EINVAL, -ENOENT (no run of this id of this socket),
 * -EBUSY (it still runs).
 *
 * LLKM_CMD_PROBE_STOP: NLM_F_REQUEST, LLKM_A_PROBE with LLKM_PROBE_A_ID:
 * stops that run of this socket within a batch (PROBE_DONE follows, with
 * STOPPED); a run that is done already is left as it is. Errors: -EPERM,
 * -EINVAL, -ENOENT.
 *
 * Multicast group LLKM_GENL_MCGRP_EVENTS
 * --------------------------------------
 *
 * LLKM_CMD_TRACE_EVENT messages, to listeners with CAP_SYS_ADMIN (joining
 * without it: -EPERM; a kernel without GENL_MCAST_CAP_SYS_ADMIN, before 6.7
 * and its stable backports, lets anyone join):
 *
 *    LLKM_A_EVENT: NLA_U32, enum llkm_event
 *    LLKM_A_EVENT_REASON: NLA_U32, enum llkm_stop_reason (STOPPED only)
 *    LLKM_A_EVENT_LOST: NLA_U64, records lost so far in the session
 *
 * STARTED and STOPPED when a session does; LOST at most once a second
 * while the session's lost count grows.
 *
 * /dev/llkm
 * ---------
 *
 * open() needs CAP_PERFMON or CAP_SYS_ADMIN (-EPERM) on top of the file mode.
 *
 *    LLKM_IOC_INFO: _IOR, struct llkm_ioc_info; every byte is written.
 *    LLKM_IOC_COUNTER_READ: _IOWR, struct llkm_ioc_counter_read (below).
 *
 *    poll(): a descriptor polls the session that ran (or had stopped last)
 *    when it first polled, for as long as it is open. Discard mode:
 *    EPOLLIN when a ring holds its watermark of unread bytes, or after a
 *    wake-up since the last poll(). Overwrite mode (a flight recorder):
 *    nothing until the stop. After the stop: EPOLLHUP, with EPOLLIN while
 *    anything is unread; EPOLLHUP alone before any session. Producers wake
 *    pollers once per watermark of bytes published and once when a ring
 *    fills, never per record, through an irq_work, so no context is too
 *    deep to produce in.
 *
 *    mmap(): the rings of the session (see "Rings" below). CPU c's ring
 *    starts at page offset c * LLKM_RING_PAGES(size): its consumer page may
 *    be mapped read-write (shared) on its own by the process that started
 *    the session, read-only by anyone else (-EPERM); every other page only
 *    read-only (-EPERM), within one ring (-EINVAL). -ENXIO for a CPU with
 *    no ring (offline since the start: it may get one by coming online).
 *    -ENODEV without a session.
 */
#ifndef _UAPI_LINUX_LLKM_H
#define _UAPI_LINUX_LLKM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define LLKM_GENL_NAME		"llkm"
#define LLKM_GENL_VERSION	1
#define LLKM_ABI_VERSION	6	/* 2: asynchronous probe runs; 3: and starts;
					 * 4: a run's setup, its error in PROBE_DONE;
					 * 5: counter values say how often throttled;
					 * 6: syscall entries carry their paths,
					 * LLKM_REC_COMM
					 */
#define LLKM_DEVICE_NAME	"llkm"
#define LLKM_GENL_MCGRP_EVENTS	"events"

/* Room for the longest PMU name, with its NUL (perf keeps no limit). */
#define LLKM_PMU_NAME_MAX	64
#define LLKM_VERSION_MAX	32

#define LLKM_RING_SIZE_MIN	(1U << 12)	/* one page */
#define LLKM_RING_SIZE_MAX	(1U << 28)	/* 256 MiB per CPU */
/* And a session's rings together: at most a quarter of RAM (-E2BIG). */

enum llkm_cmd {
	LLKM_CMD_UNSPEC,
	LLKM_CMD_GET_INFO,
	LLKM_CMD_SET_DEFAULTS,
	LLKM_CMD_TRACE_START,
	LLKM_CMD_TRACE_STOP,
	LLKM_CMD_TRACE_STATS,
	LLKM_CMD_TRACE_EVENT,	/* notification only */
	LLKM_CMD_COUNTER_OPEN,
	LLKM_CMD_COUNTER_ENABLE,
	LLKM_CMD_COUNTER_DISABLE,
	LLKM_CMD_COUNTER_READ,
	LLKM_CMD_COUNTER_CLOSE,
	LLKM_CMD_PROBE_RUN,
	LLKM_CMD_PROBE_DONE,	/* notification only */
	LLKM_CMD_PROBE_GET,
	LLKM_CMD_PROBE_STOP,
	LLKM_CMD_TRACE_STARTED,	/* notification only */
	__LLKM_CMD_MAX
};

#define LLKM_CMD_MAX (__LLKM_CMD_MAX - 1)

enum llkm_attr {
	LLKM_A_UNSPEC,
	LLKM_A_PAD,
	LLKM_A_VERSION,
	LLKM_A_ABI,
	LLKM_A_CPUS_POSSIBLE,
	LLKM_A_CPUS_ONLINE,
	LLKM_A_FEATURES,
	LLKM_A_CACHE_LINE_SIZE,
	LLKM_A_PMUS,
	LLKM_A_PMU,
	LLKM_A_RING,
	LLKM_A_TRACE,
	LLKM_A_STATS,
	LLKM_A_STATS_CPU,
	LLKM_A_EVENT,
	LLKM_A_EVENT_REASON,
	LLKM_A_EVENT_LOST,
	LLKM_A_COUNTER,
	LLKM_A_COUNTERS_OPEN,
	LLKM_A_PROBE,
	LLKM_A_STATS_COMPAT,
	LLKM_A_ERROR,
	LLKM_A_ERROR_MSG,
	__LLKM_A_LAST
};

#define LLKM_A_MAX (__LLKM_A_LAST - 1)

enum llkm_pmu_attr {
	LLKM_PMU_A_UNSPEC,
	LLKM_PMU_A_NAME,
	LLKM_PMU_A_TYPE,
	__LLKM_PMU_A_LAST
};

#define LLKM_PMU_A_MAX (__LLKM_PMU_A_LAST - 1)

enum llkm_ring_attr {
	LLKM_RING_A_UNSPEC,
	LLKM_RING_A_SIZE,
	LLKM_RING_A_MODE,
	__LLKM_RING_A_LAST
};

#define LLKM_RING_A_MAX (__LLKM_RING_A_LAST - 1)

enum llkm_trace_attr {
	LLKM_TRACE_A_UNSPEC,
	LLKM_TRACE_A_EVENTS,
	LLKM_TRACE_A_PIDS,
	LLKM_TRACE_A_FOLLOW_FORK,
	LLKM_TRACE_A_WATERMARK,
	LLKM_TRACE_A_CPUS,
	LLKM_TRACE_A_SYSCALLS,
	LLKM_TRACE_A_EXCLUDE_PIDS,
	__LLKM_TRACE_A_LAST
};

#define LLKM_TRACE_A_MAX (__LLKM_TRACE_A_LAST - 1)

/* LLKM_TRACE_A_EVENTS bits. */
enum llkm_trace_event {
	LLKM_TRACE_EV_SYSCALLS	= 1 << 0,	/* raw_syscalls sys_enter/exit */
	LLKM_TRACE_EV_IRQS	= 1 << 1,	/* irq_handler_entry/exit */
	LLKM_TRACE_EV_SOFTIRQS	= 1 << 2,	/* softirq_entry/exit */
	LLKM_TRACE_EV_SCHED	= 1 << 3,	/* sched_switch */
};

#define LLKM_TRACE_EV_ALL	((__u32)(LLKM_TRACE_EV_SYSCALLS | LLKM_TRACE_EV_IRQS | \
					 LLKM_TRACE_EV_SOFTIRQS | LLKM_TRACE_EV_SCHED))
#define LLKM_TRACE_PIDS_MAX	1024
#define LLKM_TRACE_EXCLUDE_MAX	16
#define LLKM_TRACE_CPUS_MAX	8192
#define LLKM_TRACE_SYSCALLS_MAX	1024

enum llkm_counter_attr {
	LLKM_CTR_A_UNSPEC,
	LLKM_CTR_A_PAD,
	LLKM_CTR_A_ID,
	LLKM_CTR_A_TYPE,
	LLKM_CTR_A_CONFIG,
	LLKM_CTR_A_CONFIG1,
	LLKM_CTR_A_CONFIG2,
	LLKM_CTR_A_PID,
	LLKM_CTR_A_CPU,
	LLKM_CTR_A_GROUP,
	LLKM_CTR_A_FLAGS,
	LLKM_CTR_A_PERIOD,
	LLKM_CTR_A_VALUE,
	LLKM_CTR_A_ENABLED,
	LLKM_CTR_A_RUNNING,
	LLKM_CTR_A_STATE,
	LLKM_CTR_A_SAMPLES,
	LLKM_CTR_A_SAMPLES_LOST,
	LLKM_CTR_A_THROTTLED,
	__LLKM_CTR_A_LAST
};

#define LLKM_CTR_A_MAX (__LLKM_CTR_A_LAST - 1)

/* LLKM_CTR_A_FLAGS bits: perf_event_attr's bits of the same names. */
enum llkm_ctr_flag {
	LLKM_CTR_F_DISABLED		= 1 << 0,	/* open disabled */
	LLKM_CTR_F_INHERIT		= 1 << 1,	/* children too */
	LLKM_CTR_F_ENABLE_ON_EXEC	= 1 << 2,	/* enable at exec */
	LLKM_CTR_F_PINNED		= 1 << 3,	/* never multiplexed */
	LLKM_CTR_F_EXCLUDE_USER		= 1 << 4,
	LLKM_CTR_F_EXCLUDE_KERNEL	= 1 << 5,
	LLKM_CTR_F_EXCLUDE_HV		= 1 << 6,
	LLKM_CTR_F_EXCLUDE_IDLE		= 1 << 7,
	LLKM_CTR_F_FREQ			= 1 << 8,	/* PERIOD is in Hz */
	LLKM_CTR_F_CALLCHAIN		= 1 << 9,	/* samples: stacks */
};

#define LLKM_CTR_F_ALL		((__u32)(LLKM_CTR_F_DISABLED | LLKM_CTR_F_INHERIT | \
				 LLKM_CTR_F_ENABLE_ON_EXEC | LLKM_CTR_F_PINNED | \
				 LLKM_CTR_F_EXCLUDE_USER | LLKM_CTR_F_EXCLUDE_KERNEL | \
				 LLKM_CTR_F_EXCLUDE_HV | LLKM_CTR_F_EXCLUDE_IDLE | \
				 LLKM_CTR_F_FREQ | LLKM_CTR_F_CALLCHAIN))
#define LLKM_COUNTERS_MAX	4096	/* per socket */
#define LLKM_SAMPLE_FREQ_MAX	100000	/* Hz, perf's default ceiling */

/* LLKM_CTR_A_STATE: perf's state of the counter when it was read. */
enum llkm_ctr_state {
	LLKM_CTR_STATE_ACTIVE = 1,	/* on the PMU now */
	LLKM_CTR_STATE_INACTIVE,	/* enabled, waiting for the PMU */
	LLKM_CTR_STATE_OFF,		/* disabled */
	LLKM_CTR_STATE_ERROR,		/* pinned and could not be scheduled */
	LLKM_CTR_STATE_EXIT,		/* its task exited */
};

enum llkm_probe_attr {
	LLKM_PROBE_A_UNSPEC,
	LLKM_PROBE_A_PAD,
	LLKM_PROBE_A_KIND,
	LLKM_PROBE_A_OP,
	LLKM_PROBE_A_FLAGS,
	LLKM_PROBE_A_CPUS,
	LLKM_PROBE_A_ITERATIONS,
	LLKM_PROBE_A_BATCHES,
	LLKM_PROBE_A_TIMEOUT_MS,
	LLKM_PROBE_A_SAMPLES,
	LLKM_PROBE_A_TSC_KHZ,
	LLKM_PROBE_A_ELAPSED_NS,
	LLKM_PROBE_A_STOPPED,
	LLKM_PROBE_A_PARAM,
	LLKM_PROBE_A_SIMD,
	LLKM_PROBE_A_PREFETCH,
	LLKM_PROBE_A_ID,
	LLKM_PROBE_A_NSAMPLES,
	LLKM_PROBE_A_OFFSET,
	__LLKM_PROBE_A_LAST
};

#define LLKM_PROBE_A_MAX (__LLKM_PROBE_A_LAST - 1)

enum llkm_probe_kind {
	LLKM_PROBE_FENCE = 1,		/* one ordering primitive, one CPU */
	LLKM_PROBE_C2C,			/* cache-line round trips, two CPUs */
	LLKM_PROBE_FALSE_SHARING,	/* writers on one line, or padded */
	LLKM_PROBE_LITMUS,		/* a memory-model litmus test */
	LLKM_PROBE_BRANCH,		/* one branch over a bit pattern */
	LLKM_PROBE_ICACHE,		/* code of a footprint, called */
	LLKM_PROBE_BANDWIDTH,		/* read/write/copy/triad passes */
	__LLKM_PROBE_KIND_LAST
};

#define LLKM_PROBE_KIND_MAX (__LLKM_PROBE_KIND_LAST - 1)

/* LLKM_PROBE_A_FLAGS */
enum llkm_probe_flag {
	LLKM_PROBE_F_FENCED	= 1 << 0,	/* litmus: with its fences */
	LLKM_PROBE_F_PADDED	= 1 << 1,	/* false sharing: a line each */
	LLKM_PROBE_F_SORTED	= 1 << 2,	/* branch: random bits, sorted */
};

#define LLKM_PROBE_F_ALL		((__u32)(LLKM_PROBE_F_FENCED | LLKM_PROBE_F_PADDED | \
					  LLKM_PROBE_F_SORTED))
#define LLKM_PROBE_THREADS_MAX		64
#define LLKM_PROBE_ITERATIONS_MAX	(1ULL << 20)	/* a batch runs with preemption off */
#define LLKM_PROBE_BATCHES_MAX		100000
#define LLKM_PROBE_SAMPLES_MAX		(1U << 17)	/* a run's, 1 MiB */
#define LLKM_PROBE_SAMPLES_MSG_MAX	4096		/* a PROBE_GET message's */
#define LLKM_PROBE_TIMEOUT_MAX_MS	600000
#define LLKM_LITMUS_OUTCOMES_MAX	16
#define LLKM_BRANCH_BITS		(1U << 20)	/* branches a pass */
#define LLKM_ICACHE_CODE_MAX		(1U << 20)	/* bytes of code */
#define LLKM_ICACHE_PAGES_MAX		512		/* pages, one jump each */
#define LLKM_BW_BYTES_MAX		(1ULL << 30)	/* a thread's working set */
#define LLKM_BW_BATCH_BYTES_MAX		(256ULL << 20)	/* PARAM x ITERATIONS */
#define LLKM_BW_PREFETCH_MAX		8192
#define LLKM_BRANCH_PASSES_MAX		16		/* ITERATIONS, branch */
#define LLKM_ICACHE_BATCH_BYTES_MAX	(64U << 20)	/* PARAM x ITERATIONS, CODE */

/* LLKM_PROBE_ICACHE: straight-line code, or one jump a page. */
enum llkm_icache_op {
	LLKM_ICACHE_CODE,
	LLKM_ICACHE_PAGES,
	__LLKM_ICACHE_LAST
};

#define LLKM_ICACHE_MAX (__LLKM_ICACHE_LAST - 1)

/* LLKM_PROBE_BANDWIDTH: STREAM's kernels, on 64-bit doubles. */
enum llkm_bw_op {
	LLKM_BW_READ,			/* load b[i] */
	LLKM_BW_WRITE,			/* a[i] = 0 */
	LLKM_BW_COPY,			/* a[i] = b[i] */
	LLKM_BW_TRIAD,			/* a[i] = b[i] + s * c[i] */
	__LLKM_BW_LAST
};

#define LLKM_BW_MAX (__LLKM_BW_LAST - 1)

/*
 * The ordering primitives LLKM_PROBE_FENCE times, each in a loop of
 * ITERATIONS (LLKM_FENCE_EMPTY is the loop alone, to subtract). Each
 * architecture runs the common ones and its own (MFENCE to CMPXCHG on
 * x86-64, DMB_ISH to LLSC_CAS on arm64: -EINVAL elsewhere, and
 * -EOPNOTSUPP where the CPU lacks the feature named); the C11 atomics
 * exist in user mode only (-EINVAL in the kernel).
 */
enum llkm_fence_op {
	LLKM_FENCE_EMPTY,
	LLKM_FENCE_COMPILER,		/* barrier() */
	LLKM_FENCE_SMP_RMB,
	LLKM_FENCE_SMP_WMB,
	LLKM_FENCE_SMP_MB,
	LLKM_FENCE_MFENCE,
	LLKM_FENCE_LFENCE,
	LLKM_FENCE_SFENCE,
	LLKM_FENCE_LOCK_ADD,
	LLKM_FENCE_XCHG,
	LLKM_FENCE_CMPXCHG,
	LLKM_FENCE_STORE_RELEASE,
	LLKM_FENCE_LOAD_ACQUIRE,
	LLKM_FENCE_ATOMIC_RELAXED,	/* C11 atomic_fetch_add, user mode */
	LLKM_FENCE_ATOMIC_ACQUIRE,
	LLKM_FENCE_ATOMIC_RELEASE,
	LLKM_FENCE_ATOMIC_ACQ_REL,
	LLKM_FENCE_ATOMIC_SEQ_CST,
	LLKM_FENCE_DMB_ISH,		/* arm64 */
	LLKM_FENCE_DMB_ISHLD,
	LLKM_FENCE_DMB_ISHST,
	LLKM_FENCE_DSB_SY,
	LLKM_FENCE_ISB,
	LLKM_FENCE_LDAR,
	LLKM_FENCE_STLR,
	LLKM_FENCE_LDAPR,		/* FEAT_LRCPC */
	LLKM_FENCE_LDADDAL,		/* FEAT_LSE */
	LLKM_FENCE_SWPAL,		/* FEAT_LSE */
	LLKM_FENCE_CASAL,		/* FEAT_LSE */
	LLKM_FENCE_LLSC_ADD,		/* ldaxr/stlxr loops */
	LLKM_FENCE_LLSC_SWP,
	LLKM_FENCE_LLSC_CAS,
	__LLKM_FENCE_LAST
};

#define LLKM_FENCE_MAX (__LLKM_FENCE_LAST - 1)

/*
 * Litmus tests (klitmus7's names). The outcome histogram indexes are the
 * tests' registers read as bits, r0 the lowest: SB "r0=0,r1=0" is 0.
 */
enum llkm_litmus_test {
	LLKM_LITMUS_SB,		/* store buffering, 2 threads */
	LLKM_LITMUS_MP,		/* message passing, 2 threads */
	LLKM_LITMUS_LB,		/* load buffering, 2 threads */
	LLKM_LITMUS_IRIW,	/* independent reads of independent writes, 4 */
	LLKM_LITMUS_2_2W,	/* 2+2W, 2 threads */
	LLKM_LITMUS_R,		/* R, 2 threads */
	__LLKM_LITMUS_LAST
};

#define LLKM_LITMUS_MAX (__LLKM_LITMUS_LAST - 1)

enum llkm_event {
	LLKM_EVENT_STARTED = 1,
	LLKM_EVENT_STOPPED,
	LLKM_EVENT_LOST,
};

enum llkm_stop_reason {
	LLKM_STOP_REQUESTED = 1,	/* LLKM_CMD_TRACE_STOP */
	LLKM_STOP_OWNER_GONE,		/* the starting socket closed */
	LLKM_STOP_UNLOAD,		/* rmmod (not announced: no family) */
};

enum llkm_stats_attr {
	LLKM_STATS_A_UNSPEC,
	LLKM_STATS_A_PAD,
	LLKM_STATS_A_CPU,
	LLKM_STATS_A_PRODUCED,
	LLKM_STATS_A_LOST,
	LLKM_STATS_A_PUBLISHED,
	__LLKM_STATS_A_LAST
};

#define LLKM_STATS_A_MAX (__LLKM_STATS_A_LAST - 1)

/*
 * What a producer does when the consumer is a full ring behind. Either way
 * the records that did not make it are counted, never silently dropped.
 */
enum llkm_ring_mode {
	LLKM_RING_MODE_DISCARD,		/* keep the oldest, count the new as lost */
	LLKM_RING_MODE_OVERWRITE,	/* keep the newest, count the overwritten */
	__LLKM_RING_MODE_LAST
};

#define LLKM_RING_MODE_MAX (__LLKM_RING_MODE_LAST - 1)

/* LLKM_A_FEATURES bits. */
enum llkm_feature {
	LLKM_FEAT_GENL		= 1ULL << 0,	/* this family */
	LLKM_FEAT_CHARDEV	= 1ULL << 1,	/* /dev/llkm and its ioctls */
	LLKM_FEAT_PERF		= 1ULL << 2,	/* kernel built with perf events */
	LLKM_FEAT_HW_PMU	= 1ULL << 3,	/* a hardware cycle counter opens */
	LLKM_FEAT_TRACEPOINTS	= 1ULL << 4,	/* kernel built with tracepoints */
	LLKM_FEAT_PROBES	= 1ULL << 5,	/* PROBE_RUN runs on this architecture */
};

#define LLKM_FEAT_ALL	((__u64)(LLKM_FEAT_GENL | LLKM_FEAT_CHARDEV | LLKM_FEAT_PERF | \
			 LLKM_FEAT_HW_PMU | LLKM_FEAT_TRACEPOINTS | LLKM_FEAT_PROBES))

/*
 * Rings
 * -----
 *
 * One ring per CPU that was online while the session ran. Userspace maps
 * a CPU's ring from /dev/llkm as
 *
 *   page 0        struct llkm_ring_consumer   read-write: the consumer
 *                                             (the session's owner)
 *   page 1        struct llkm_ring_producer   read-only
 *   pages 2..     the data area, size bytes, read-only, mapped twice back
 *                 to back so that a record that wraps reads contiguously
 *
 * Positions are free-running byte counts; a record at pos starts at
 * data + (pos & (size - 1)). Every record starts with struct llkm_rec and
 * is a multiple of 8 bytes long. Records below producer_pos are complete;
 * the consumer reads them in place, then moves consumer_pos past them (see
 * kmod/ring_core.h for the protocol and its barriers). In overwrite mode
 * the producer takes back at most len / 24 + 1 records for a record of len
 * bytes, then loses it: a consumer that moves consumer_pos back only loses
 * its own records.
 */
struct llkm_ring_consumer {
	__u64 consumer_pos;	/* consumer; also the producer in overwrite */
};

/* Pages of one CPU's ring in the mmap() offset space, for 4 KiB pages. */
#define LLKM_RING_PAGE		4096
#define LLKM_RING_PAGES(size)	(2 + 2 * ((size) / LLKM_RING_PAGE))

struct llkm_ring_producer {
	__u64 producer_pos;	/* producer: all records below are complete */
	__u64 size;		/* data area bytes, a power of two */
	__u32 mode;		/* enum llkm_ring_mode */
	__u32 cpu;
};

/*
 * Record header, 24 bytes. size counts the header and is a multiple of 8,
 * so records stay 8-byte aligned and one record is at most
 * LLKM_REC_MAX bytes (size is 16 bits).
 */
struct llkm_rec {
	__u16 size;		/* bytes, header included */
	__u16 type;		/* enum llkm_rec_type */
	__u32 cpu;
	__u64 time_ns;		/* CLOCK_MONOTONIC */
	__u32 pid;		/* thread group id */
	__u32 tid;
};

#define LLKM_REC_ALIGN	8
#define LLKM_REC_MAX	(0xffff & ~(LLKM_REC_ALIGN - 1))

enum llkm_rec_type {
	LLKM_REC_UNSPEC,
	LLKM_REC_TEST,		/* payload: struct llkm_rec_test */
	LLKM_REC_SYS_ENTER,	/* struct llkm_rec_sys_enter */
	LLKM_REC_SYS_EXIT,	/* struct llkm_rec_sys_exit */
	LLKM_REC_FORK,		/* struct llkm_rec_fork */
	LLKM_REC_IRQ_ENTRY,	/* struct llkm_rec_irq */
	LLKM_REC_IRQ_EXIT,	/* struct llkm_rec_irq */
	LLKM_REC_SOFTIRQ_ENTRY,	/* struct llkm_rec_softirq */
	LLKM_REC_SOFTIRQ_EXIT,	/* struct llkm_rec_softirq */
	LLKM_REC_SCHED_SWITCH,	/* struct llkm_rec_sched_switch */
	LLKM_REC_SAMPLE,	/* struct llkm_rec_sample */
	LLKM_REC_COMM,		/* struct llkm_rec_comm (ABI 6) */
	__LLKM_REC_LAST
};

/*
 * ABI 6: the entry of a syscall that takes paths (open, openat, execve,
 * newfstatat, statx, access, faccessat, unlink, mkdir, chdir, readlink,
 * rename, link, symlink and their kin, those of the architecture's table)
 * goes on with one struct llkm_rec_sys_path per path argument, in the
 * order of the arguments, the record's size counting them: the strings
 * as the call got them, copied at its entry.
 */
struct llkm_rec_sys_enter {
	__s64 nr;		/* syscall number, as in asm/unistd.h */
	__u64 args[6];
};

/*
 * A path argument, copied without faulting (preemption is off): a string
 * whose page is not in memory is LLKM_PATH_FAULT with len 0, not an empty
 * path; one longer than LLKM_PATH_MAX bytes keeps its first LLKM_PATH_MAX
 * and says LLKM_PATH_CUT. path[] holds len bytes, a NUL, then NULs up to
 * a multiple of 8: the trailer is 8 + ((len + 8) & ~7) bytes.
 */
struct llkm_rec_sys_path {
	__u8 arg;		/* its index in args[] */
	__u8 flags;		/* LLKM_PATH_* */
	__u16 len;		/* bytes before the NUL */
	__u32 pad;		/* 0 */
	char path[];
};

#define LLKM_PATH_MAX	256
#define LLKM_PATH_CUT	(1U << 0)	/* longer: cut at LLKM_PATH_MAX */
#define LLKM_PATH_FAULT	(1U << 1)	/* not readable without a fault */

/*
 * ABI 6: a traced thread's name, after it changed: at the exit of a
 * successful execve or execveat and of every prctl (PR_SET_NAME), so that
 * a reader that knows the name a thread started with (its parent's at the
 * fork, /proc for a thread older than the trace) knows it all along.
 */
struct llkm_rec_comm {
	char comm[16];		/* NUL-padded */
};

struct llkm_rec_sys_exit {
	__s64 nr;
	__s64 ret;		/* negative errno on failure */
};

/*
 * IRQs, softirqs and context switches are recorded on every CPU whatever
 * the pid filter: they belong to the CPU, not to a process. The header's
 * pid and tid are those of the task they interrupted.
 */
struct llkm_rec_irq {
	__u32 irq;
	__s32 ret;		/* exit: IRQ_NONE 0, IRQ_HANDLED 1, ... */
};

struct llkm_rec_softirq {
	__u32 vec;		/* HI_SOFTIRQ 0, TIMER_SOFTIRQ 1, ... */
	__u32 pad;
};

struct llkm_rec_sched_switch {
	__u32 prev_tid;
	__u32 next_tid;
	__u32 next_pid;
	__u32 prev_state;	/* 0: preempted while runnable */
	char prev_comm[16];
	char next_comm[16];
};

/* A traced process forked: the child is traced too (follow-fork). */
struct llkm_rec_fork {
	__u32 child_pid;	/* thread group id */
	__u32 child_tid;
};

/*
 * A counter overflowed (sampling). The header's pid and tid are those of
 * the task it interrupted. With LLKM_CTR_F_CALLCHAIN, ips[] holds the
 * kernel frames then the user frames, innermost first (user frames by
 * frame pointers); without it nr_kernel and nr_user are 0.
 */
struct llkm_rec_sample {
	__u64 ip;		/* where the task was */
	__u64 period;		/* events this sample stands for */
	__u32 id;		/* LLKM_CTR_A_ID of the counter */
	__u32 flags;		/* LLKM_SAMPLE_* */
	__u16 nr_kernel;
	__u16 nr_user;
	__u32 pad;
	__u64 ips[];
};

#define LLKM_SAMPLE_USER	(1U << 0)	/* ip is a user address */
#define LLKM_SAMPLE_STACK_MAX	127		/* frames, both kinds */

/* LLKM_REC_TEST: the ring tests' and benchmarks' record. */
struct llkm_rec_test {
	__u64 seq;
	__u64 check;		/* a function of seq and the payload length */
};

/* LLKM_IOC_INFO: the cheap subset of GET_INFO, for a quick ABI check. */
struct llkm_ioc_info {
	__u32 abi;		/* LLKM_ABI_VERSION */
	__u32 ring_size;	/* default bytes per CPU */
	__u64 features;		/* LLKM_FEAT_* */
};

/* One counter's reading, as LLKM_CMD_COUNTER_READ gives it. */
struct llkm_counter_value {
	__u32 id;
	__u32 state;		/* enum llkm_ctr_state */
	__u64 value;
	__u64 enabled;		/* ns */
	__u64 running;		/* ns */
	__u64 samples;
	__u64 samples_lost;
	__u64 throttled;	/* LLKM_CTR_A_THROTTLED */
};

/*
 * LLKM_IOC_COUNTER_READ: COUNTER_READ without a netlink round trip, for
 * reading often (intervals). @portid is the netlink socket that owns the
 * counter (as it opened it), and the caller must be the process that
 * opened it; @n, the room in @values on the way in, the members read on
 * the way out. Errors: -ENOENT (no such counter of that socket opened by
 * this process), -ENOSPC (@n too small: *n says how many), -EFAULT,
 * -EINVAL.
 */
struct llkm_ioc_counter_read {
	__u32 portid;
	__u32 id;
	__u32 n;
	__u32 pad;		/* 0 */
	__u64 values;		/* user pointer to struct llkm_counter_value[n] */
};

#define LLKM_IOC_MAGIC	'L'	/* 0x40-0x4F: free in ioctl-number.rst */
#define LLKM_IOC_INFO	_IOR(LLKM_IOC_MAGIC, 0x40, struct llkm_ioc_info)
#define LLKM_IOC_COUNTER_READ	_IOWR(LLKM_IOC_MAGIC, 0x41, struct llkm_ioc_counter_read)

#endif /* _UAPI_LINUX_LLKM_H */
