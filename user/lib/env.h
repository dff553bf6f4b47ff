/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment a measurement was taken in: every report carries it.
 */
#ifndef LLCTL_LIB_ENV_H
#define LLCTL_LIB_ENV_H

#include <stdio.h>

struct json_object;

/*
 * Unknown values are kept as NULL strings / -1 numbers and printed as
 * "unknown" (text) or null (JSON): never guessed, never zero.
 */
struct llctl_env {
	char *kernel;		/* uname -r */
	char *cpu_model;	/* model name */
	int cpu_family, cpu_model_nr, cpu_stepping;
	char *microcode;
	/*
	 * arm64's MIDR_EL1 fields (lib/midr.h), -1 each when unknown: all -1
	 * on x86. From cpuinfo's "CPU implementer", "CPU variant", "CPU part",
	 * "CPU revision", else from sysfs's midr_el1 of cpu0, which alone
	 * gives the architecture field (cpuinfo prints 8 for any AArch64).
	 */
	int midr_implementer, midr_variant, midr_architecture, midr_part,
	    midr_revision;
	long long midr_el1;	/* cpu0/regs/identification/midr_el1, or -1 */
	char *hypervisor;	/* NULL on bare metal, "unknown" when unnamed */
	int online_cpus;
	int smt;		/* 1 active, 0 off, -1 unknown (no smt/ in sysfs) */
	int numa_nodes;
	char *governor;		/* of cpu0; NULL when there is no cpufreq */
	char *llctl_version;
	char *llkm_version;	/* NULL when the module is not loaded */
	/* llctl config's applied profile: 1 applied, 0 none, -1 unreadable */
	int tuning;
	char *tuning_hash, *tuning_file, *tuning_applied_at;
};

/*
 * Fill @env from the files under @root ("" or NULL for "/": tests pass a
 * fake tree with proc/ and sys/). Returns 0; missing files leave fields
 * unknown.
 */
int llctl_env_collect(struct llctl_env *env, const char *root);
void llctl_env_free(struct llctl_env *env);

/* The "# env: ..." header lines of a text report. */
void llctl_env_print(FILE *f, const struct llctl_env *env);
/* The "env" object of a JSON report (a new reference). */
struct json_object *llctl_env_json(const struct llctl_env *env);
/*
 * @env from an object llctl_env_json() made (a capture's); 0, or -EINVAL
 * when @o is not an object. Free it with llctl_env_free().
 */
int llctl_env_from_json(struct llctl_env *env, struct json_object *o);

#endif /* LLCTL_LIB_ENV_H */
