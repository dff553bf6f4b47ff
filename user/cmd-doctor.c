// SPDX-License-Identifier: GPL-2.0
/*
 * llctl doctor: ask the live system what only it can answer (the genl
 * family, /dev/llkm, a hardware perf event), run the checks of
 * doctor/checks.c on the real root and print them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <json-c/json.h>

#include "cmd.h"
#include "doctor/doctor.h"
#include "lib/env.h"
#include "lib/nl.h"
#include "lib/rootfs.h"
#include "lib/options.h"
#include "lib/util.h"

#define DEV_PATH "/dev/" LLKM_DEVICE_NAME

struct doctor_args {
	bool json;
};

static const struct llctl_opt doctor_opt[] = {
	{ "json", LLCTL_OPT_JSON, NULL, "Print JSON: {\"checks\": [...], \"env\": {...}}",
	  .type = LLCTL_OPT_FLAG, LLCTL_FIELD(struct doctor_args, json) },
	{ 0 }
};

static const struct llctl_opts doctor_opts = {
	.cmd = "doctor",
	.synopsis = "[--json]",
	.summary = "Check this machine for what silently breaks low-level measurement:\n"
		   "the module, its device and genl family, privileges, the PMU (on\n"
		   "arm64 its counters, pseudo-NMIs and user access too), the NMI\n"
		   "watchdog, lockdown, headers, tracefs, frequency, turbo, SMT and\n"
		   "the clocksource. Each check says what it found, why it matters and\n"
		   "the command that fixes it. Exits 1 when a check fails.",
	.opt = doctor_opt,
};

static void live_genl(struct doctor_live *p)
{
	struct llctl_info info = { 0 };
	struct llctl_nl nl;

	p->nl_err = llctl_nl_open(&nl);
	if (p->nl_err)
		return;
	p->nl_family = nl.family;
	p->info_err = llctl_nl_get_info(&nl, &info);
	llctl_nl_close(&nl);
	if (p->info_err)
		return;
	snprintf(p->version, sizeof(p->version), "%s", info.version);
	p->abi = info.abi;
	llctl_info_free(&info);
}

static void live_device(struct doctor_live *p)
{
	struct stat st;
	int fd;

	if (stat(DEV_PATH, &st)) {
		p->dev_stat_err = -errno;
		return;
	}
	p->dev_stat_err = 0;
	p->dev_mode = st.st_mode;
	p->dev_major = major(st.st_rdev);
	p->dev_minor = minor(st.st_rdev);
	if (!S_ISCHR(st.st_mode))
		return;
	fd = open(DEV_PATH, O_RDONLY | O_CLOEXEC);
	p->dev_open_err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
}

/* Does a hardware cycle counter open for this process, user space only? */
static void live_perf(struct doctor_live *p)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_CPU_CYCLES,
		.disabled = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	long fd;

	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1,
		     PERF_FLAG_FD_CLOEXEC);
	p->perf_hw_err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close((int)fd);
}

/* Arm's architected CPU_CYCLES event number (PMUv3), on every core */
#define ARM_CPU_CYCLES		0x11

/*
 * How many counters @pmu (perf type @type) has: open a group of its
 * CPU_CYCLES event until a member is refused. The arm PMU driver checks at
 * open time that the whole group fits in its counters (validate_group:
 * the cycle counter, then the event counters), so the members that open
 * are the counters, whatever else holds them now. The members are
 * disabled with enable_on_exec: never exec'd, they never count, yet the
 * driver's check counts them (it skips only disabled events that will not
 * enable themselves).
 */
static void live_pmu_counters(struct doctor_pmu_counters *c, uint32_t type)
{
	struct perf_event_attr attr = {
		.type = type,
		.size = sizeof(attr),
		.config = ARM_CPU_CYCLES,
		.disabled = 1,
		.enable_on_exec = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	int fd[DOCTOR_GROUP_MAX + 1];
	int n;

	c->refused = 0;
	for (n = 0; n <= DOCTOR_GROUP_MAX; n++) {
		fd[n] = (int)syscall(SYS_perf_event_open, &attr, 0, -1,
				     n ? fd[0] : -1, PERF_FLAG_FD_CLOEXEC);
		if (fd[n] < 0) {
			c->refused = -errno;
			break;
		}
	}
	c->opened = n > DOCTOR_GROUP_MAX ? DOCTOR_GROUP_MAX : n;
	while (n-- > 0)
		close(fd[n]);
}

/* arm64: every armv* PMU in sysfs (the Arm PMUv3 driver's), counted. */
static void live_arm_pmus(struct doctor_live *p)
{
	struct dirent **ents = NULL;
	struct doctor_pmu_counters *c;
	char rel[128];
	long type;
	int i, n;

	n = scandir("/sys/bus/event_source/devices", &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "sys/bus/event_source/devices/%.64s/type",
			 ents[i]->d_name);
		if (p->npmu < DOCTOR_PMUS_MAX &&
		    !strncmp(ents[i]->d_name, "armv", 4) &&
		    !llctl_root_read_int(NULL, rel, &type) && type > 0 &&
		    type <= UINT32_MAX) {
			c = &p->pmu[p->npmu++];
			snprintf(c->name, sizeof(c->name), "%.*s",
				 (int)sizeof(c->name) - 1, ents[i]->d_name);
			live_pmu_counters(c, (uint32_t)type);
		}
		free(ents[i]);
	}
	free(ents);
}

static bool use_colour(void)
{
	const char *no = getenv("NO_COLOR");

	/* no-color.org: set and not empty turns colour off */
	return isatty(STDOUT_FILENO) && !(no && no[0]);
}

static void print_text(const struct doctor_report *d,
		       const struct llctl_env *env)
{
	static const char *const label[] = { "ok", "WARN", "FAIL" };
	static const char *const colour[] = { "\033[32m", "\033[33m",
					      "\033[1;31m" };
	bool col = use_colour();
	const struct doctor_check *c;
	unsigned int i;

	llctl_env_print(stdout, env);
	for (i = 0; i < d->n; i++) {
		c = &d->checks[i];
		printf("%s%-4s%s  %-20s %s\n", col ? colour[c->status] : "",
		       label[c->status], col ? "\033[0m" : "", c->name,
		       c->found);
		if (c->status == DOCTOR_OK)
			continue;
		printf("      why: %s\n", c->why);
		printf("      fix: %s\n", c->fix);
	}
	printf("doctor: %u ok, %u warn, %u fail\n", d->count[DOCTOR_OK],
	       d->count[DOCTOR_WARN], d->count[DOCTOR_FAIL]);
}

static struct json_object *report_json(const struct doctor_report *d,
				       const struct llctl_env *env)
{
	struct json_object *o = json_object_new_object();
	struct json_object *checks = doctor_json(d);
	struct json_object *e = llctl_env_json(env);

	if (!o || !checks || !e) {
		json_object_put(o);
		json_object_put(checks);
		json_object_put(e);
		return NULL;
	}
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "env", e);
	return o;
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor_report d = { 0 };
	struct llctl_env env = { 0 };
	struct doctor_live live;
	struct json_object *o;
	struct doctor_args a = { 0 };
	int ret = 1;
	int c;

	c = llctl_parse(argc, argv, &doctor_opts, &a);
	if (c < 0)
		return llctl_parse_status(c);

	doctor_live_init(&live);
	live_genl(&live);
	live_device(&live);
	live_perf(&live);
	if (llctl_env_collect(&env, NULL)) {
		llctl_err("Unable to run the checks: %s", strerror(ENOMEM));
		goto cleanup;
	}
	if (env.midr_implementer >= 0)
		live_arm_pmus(&live);
	if (doctor_run(&d, NULL, &env, &live)) {
		llctl_err("Unable to run the checks: %s", strerror(ENOMEM));
		goto cleanup;
	}
	if (a.json) {
		o = report_json(&d, &env);
		if (!o) {
			llctl_err("Unable to build the report: %s",
				  strerror(ENOMEM));
			goto cleanup;
		}
		if (llctl_json_print(o))
			goto cleanup;
	} else {
		print_text(&d, &env);
	}
	if (llctl_stdout_close())
		goto cleanup;
	ret = d.count[DOCTOR_FAIL] ? 1 : 0;
cleanup:
	doctor_free(&d);
	llctl_env_free(&env);
	return ret;
}
