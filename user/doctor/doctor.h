/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/doctor/: llctl doctor's checks (checks.c), one per condition that
 * silently breaks low-level measurement. These are checks, not probes: a
 * check reads what is there, a probe (coherency/) measures. Exported names
 * start with doctor_ (DOCTOR_). doctor/ calls lib/ only.
 *
 * The checks are pure functions of a root prefix (proc/, sys/, lib/modules
 * under it; NULL for the real system), the environment collected from the
 * same root, and a struct doctor_live holding what only a live system can
 * answer (the genl family, /dev/llkm, perf_event_open). cmd-doctor.c asks
 * the live system and prints; the unit tests craft both.
 */
#ifndef LLCTL_DOCTOR_DOCTOR_H
#define LLCTL_DOCTOR_DOCTOR_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/llkm.h>

struct json_object;
struct llctl_env;

enum doctor_status {
	DOCTOR_OK,
	DOCTOR_WARN,
	DOCTOR_FAIL,
};

/* "ok", "warn", "fail": the JSON values. */
const char *doctor_status_name(enum doctor_status status);

struct doctor_check {
	const char *name;		/* stable, e.g. "hardware_pmu" */
	enum doctor_status status;
	char *found;			/* what was seen, the value read */
	const char *why;		/* why it matters, one sentence */
	char *fix;			/* command(s) to run; NULL when ok */
};

/* A field of struct doctor_live that was not tried (a fake root): */
#define DOCTOR_NOT_TRIED		1

/* arm64: the hardware PMUs whose counters are counted (big.LITTLE has 2-3) */
#define DOCTOR_PMUS_MAX			4
/* the largest group tried: more counters are reported as "at least" */
#define DOCTOR_GROUP_MAX		32

/*
 * One hardware PMU's counters, found by perf_event_open: a group of its
 * CPU_CYCLES event grows until the PMU refuses the next member (the arm
 * PMU driver checks at open that a group fits in its counters).
 */
struct doctor_pmu_counters {
	char name[32];		/* its sysfs name, "armv8_pmuv3" */
	int opened;		/* members that opened: the counters */
	/*
	 * -errno that refused member opened + 1, or 0 when
	 * DOCTOR_GROUP_MAX + 1 members all opened
	 */
	int refused;
};

struct doctor_live {
	/* llctl_nl_open(): 0, or -errno (-ENOENT: family not registered) */
	int nl_err;
	int nl_family;			/* its id when nl_err is 0 */
	/* llctl_nl_get_info() when nl_err is 0: 0 or -errno */
	int info_err;
	char version[LLKM_VERSION_MAX];	/* GET_INFO's answer */
	uint32_t abi;
	/* stat("/dev/llkm"): 0 or -errno; then its mode and device number */
	int dev_stat_err;
	mode_t dev_mode;
	unsigned int dev_major, dev_minor;
	/* open("/dev/llkm", O_RDONLY) after stat: 0, -errno, DOCTOR_NOT_TRIED */
	int dev_open_err;
	/*
	 * perf_event_open(HARDWARE, CPU_CYCLES, this process, any CPU,
	 * exclude_kernel): 0, -errno, or DOCTOR_NOT_TRIED
	 */
	int perf_hw_err;
	/* arm64's hardware PMUs, their counters; npmu 0: none tried */
	struct doctor_pmu_counters pmu[DOCTOR_PMUS_MAX];
	unsigned int npmu;
};

/* Nothing loaded, nothing tried: what a fake root starts from. */
void doctor_live_init(struct doctor_live *p);

/* At most; x86 runs 14 of them, arm64 all (pseudo_nmi, perf_user_access) */
#define DOCTOR_CHECKS	16

struct doctor_report {
	struct doctor_check checks[DOCTOR_CHECKS];
	unsigned int n;
	unsigned int count[DOCTOR_FAIL + 1];	/* per status */
};

/*
 * Run every check, in their documented order: module, device, genl,
 * capabilities, perf_event_paranoid, hardware_pmu, nmi_watchdog,
 * pseudo_nmi and perf_user_access (arm64 only: when @env has a MIDR),
 * lockdown, headers, tracefs, governor, turbo, smt, clocksource. @env
 * must have been collected from @root. Returns 0 or -ENOMEM; free with doctor_free()
 * either way.
 */
int doctor_run(struct doctor_report *d, const char *root,
	       const struct llctl_env *env,
	       const struct doctor_live *live);
void doctor_free(struct doctor_report *d);

/* The check named @name, or NULL. */
const struct doctor_check *doctor_find(const struct doctor_report *d,
				       const char *name);

/*
 * The "checks" array of the JSON report: {"name", "status", "found", "why",
 * "fix"} per check, fix null when ok. A new reference, NULL on ENOMEM.
 */
struct json_object *doctor_json(const struct doctor_report *d);

#endif /* LLCTL_DOCTOR_DOCTOR_H */
