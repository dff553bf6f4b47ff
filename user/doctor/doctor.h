/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl doctor: one check per condition that silently breaks low-level
 * measurement.
 *
 * The checks are pure functions of a root prefix (proc/, sys/, lib/modules
 * under it; NULL for the real system), the environment collected from the
 * same root, and a struct llctl_probe holding what only a live system can
 * answer (the genl family, /dev/llkm, perf_event_open). cmd-doctor.c fills
 * the probe and prints; the unit tests craft both.
 */
#ifndef LLCTL_DOCTOR_DOCTOR_H
#define LLCTL_DOCTOR_DOCTOR_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/llkm.h>

struct json_object;
struct llctl_env;

enum llctl_status {
	LLCTL_OK,
	LLCTL_WARN,
	LLCTL_FAIL,
};

/* "ok", "warn", "fail": the JSON values. */
const char *llctl_status_name(enum llctl_status status);

struct llctl_check {
	const char *name;		/* stable, e.g. "hardware_pmu" */
	enum llctl_status status;
	char *found;			/* what was seen, the value read */
	const char *why;		/* why it matters, one sentence */
	char *fix;			/* command(s) to run; NULL when ok */
};

/* A probe field that was not tried (a fake root): */
#define LLCTL_NOT_TRIED		1

struct llctl_probe {
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
	/* open("/dev/llkm", O_RDONLY) after stat: 0, -errno, LLCTL_NOT_TRIED */
	int dev_open_err;
	/*
	 * perf_event_open(HARDWARE, CPU_CYCLES, this process, any CPU,
	 * exclude_kernel): 0, -errno, or LLCTL_NOT_TRIED
	 */
	int perf_hw_err;
};

/* Nothing loaded, nothing tried: what a fake root starts from. */
void llctl_probe_init(struct llctl_probe *p);

#define LLCTL_DOCTOR_CHECKS	14

struct llctl_doctor {
	struct llctl_check checks[LLCTL_DOCTOR_CHECKS];
	unsigned int n;
	unsigned int count[LLCTL_FAIL + 1];	/* per status */
};

/*
 * Run every check, in their documented order: module, device, genl,
 * capabilities, perf_event_paranoid, hardware_pmu, nmi_watchdog, lockdown,
 * headers, tracefs, governor, turbo, smt, clocksource. @env must have been
 * collected from @root. Returns 0 or -ENOMEM; free with llctl_doctor_free()
 * either way.
 */
int llctl_doctor_run(struct llctl_doctor *d, const char *root,
		     const struct llctl_env *env,
		     const struct llctl_probe *probe);
void llctl_doctor_free(struct llctl_doctor *d);

/* The check named @name, or NULL. */
const struct llctl_check *llctl_doctor_find(const struct llctl_doctor *d,
					    const char *name);

/*
 * The "checks" array of the JSON report: {"name", "status", "found", "why",
 * "fix"} per check, fix null when ok. A new reference, NULL on ENOMEM.
 */
struct json_object *llctl_doctor_json(const struct llctl_doctor *d);

#endif /* LLCTL_DOCTOR_DOCTOR_H */
