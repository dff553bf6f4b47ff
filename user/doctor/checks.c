// SPDX-License-Identifier: GPL-2.0
/*
 * llctl doctor's checks: each one reads a few files under the root prefix
 * (and what only a live system answers, struct doctor_live) and says
 * ok/warn/fail, what it found, why that matters to a measurement and the
 * command that fixes it. Nothing here touches the real system beyond
 * reading files, so the unit tests run every check on a fake tree.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "doctor/doctor.h"
#include "lib/env.h"
#include "lib/hint.h"
#include "lib/rootfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CAP_SYS_ADMIN_BIT	21
#define CAP_PERFMON_BIT		38



/* What every check may consult. */
struct ctx {
	const char *root;
	const struct llctl_env *env;
	const struct doctor_live *p;
	int caps;		/* 1 CAP_PERFMON or CAP_SYS_ADMIN, 0 no, -1 ? */
	char capnames[48];	/* which of the two, for the found texts */
	uint64_t capeff;
	int capeff_err;		/* 0, or -errno reading CapEff */
	bool sys_module;	/* /sys/module/llkm exists */
	bool loaded;		/* by sysfs or by genl */
	char fix_load[512];	/* lib/hint.h's, for this root and llctl */
	char fix_caps[512];
	char fix_device[512];	/* fix_caps for /dev/llkm's mode */
	char fix_reload[600];	/* rmmod, then fix_load's command */
	char fix_rebuild[700];	/* one tree for both, then fix_reload */
	char fix_dmesg[700];	/* the log, then fix_reload */
	char fix_perf[512];	/* CAP_PERFMON for perf_event_open */
	char fix_recreate[700];	/* /dev/llkm removed, then fix_reload */
	char fix_paranoid[600];	/* the sysctl, or fix_perf */
};

const char *doctor_status_name(enum doctor_status status)
{
	switch (status) {
	case DOCTOR_OK:
		return "ok";
	case DOCTOR_WARN:
		return "warn";
	case DOCTOR_FAIL:
		return "fail";
	}
	return "unknown";
}

void doctor_live_init(struct doctor_live *p)
{
	memset(p, 0, sizeof(*p));
	p->nl_err = -ENOENT;
	p->nl_family = -1;
	p->info_err = -ENOENT;
	p->dev_stat_err = -ENOENT;
	p->dev_open_err = DOCTOR_NOT_TRIED;
	p->perf_hw_err = DOCTOR_NOT_TRIED;
}

static const char *errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "errno";
}

/* "EACCES (Permission denied)" for a negative errno, until the next call. */
static const char *err_str(int err)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s (%s)", errname(-err), strerror(-err));
	return buf;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* Set the verdict; @fix is copied, NULL for ok. */
static void set(struct doctor_check *c, enum doctor_status status,
		const char *why, const char *fix)
{
	c->status = status;
	c->why = why;
	c->fix = fix ? strdup(fix) : NULL;
}

/* CapEff of the process whose status file this root shows. */
static void read_caps(struct ctx *x)
{
	FILE *f = llctl_root_fopen(x->root, "proc/self/status");
	unsigned long long v;
	size_t cap = 0;
	char *line = NULL;
	bool has_perfmon, has_admin;

	x->caps = -1;
	x->capeff_err = f ? -ENOENT : -errno;
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "CapEff: %llx", &v) == 1) {
			x->capeff = v;
			x->capeff_err = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	if (x->capeff_err)
		return;
	has_perfmon = x->capeff & (1ULL << CAP_PERFMON_BIT);
	has_admin = x->capeff & (1ULL << CAP_SYS_ADMIN_BIT);
	x->caps = has_perfmon || has_admin;
	snprintf(x->capnames, sizeof(x->capnames), "%s%s%s",
		 has_perfmon ? "CAP_PERFMON" : "",
		 has_perfmon && has_admin ? " and " : "",
		 has_admin ? "CAP_SYS_ADMIN" : "");
}

static const char *module_version(const struct ctx *x)
{
	if (!x->p->nl_err && !x->p->info_err && x->p->version[0])
		return x->p->version;
	return x->env->llkm_version ? x->env->llkm_version : "(no version)";
}

static int check_module(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "llctl measures through llkm: without the module, or with one built for another ABI, no measurement can be taken or its records are misread";
	const struct doctor_live *p = x->p;
	int err = p->nl_err ? p->nl_err : p->info_err;

	if (!err && p->abi != LLKM_ABI_VERSION) {
		c->found = fmt("llkm %s loaded with ABI %" PRIu32 ", llctl %s was built for ABI %d",
			       module_version(x), p->abi, LLCTL_VERSION,
			       LLKM_ABI_VERSION);
		set(c, DOCTOR_FAIL, why, x->fix_rebuild);
	} else if (!err) {
		c->found = fmt("llkm %s loaded, ABI %" PRIu32,
			       module_version(x), p->abi);
		set(c, DOCTOR_OK, why, NULL);
	} else if (err == -EPROTO) {
		c->found = fmt("llkm %s loaded, but its GET_INFO reply does not parse for llctl %s (ABI %d): the two come from different trees",
			       module_version(x), LLCTL_VERSION,
			       LLKM_ABI_VERSION);
		set(c, DOCTOR_FAIL, why, x->fix_rebuild);
	} else if (p->nl_err == -ENOENT && !x->sys_module) {
		c->found = fmt("llkm not loaded: no /sys/module/llkm, no generic netlink family \"%s\"",
			       LLKM_GENL_NAME);
		set(c, DOCTOR_FAIL, why, x->fix_load);
	} else if (p->nl_err == -ENOENT) {
		c->found = fmt("llkm %s is in /sys/module, but its generic netlink family \"%s\" is not registered",
			       module_version(x), LLKM_GENL_NAME);
		set(c, DOCTOR_FAIL, why, x->fix_dmesg);
	} else if (x->sys_module) {
		c->found = fmt("llkm %s loaded (/sys/module/llkm), ABI not verified: %s: %s",
			       module_version(x),
			       p->nl_err ? "resolving the family" : "GET_INFO",
			       err_str(err));
		set(c, DOCTOR_WARN, why,
		    "see the genl check; as root: sudo user/llctl doctor");
	} else {
		c->found = fmt("llkm not loaded (no /sys/module/llkm); %s: %s",
			       p->nl_err ? "resolving the family" : "GET_INFO",
			       err_str(err));
		set(c, DOCTOR_FAIL, why, x->fix_load);
	}
	return 0;
}

static const char *file_type(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISLNK(m))
		return "a symlink";
	return "not a device";
}

static int check_device(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "llctl reads the rings and the cheap queries through /dev/llkm: if it is missing or does not open, nothing can be measured";
	const struct doctor_live *p = x->p;
	unsigned int perm = p->dev_mode & 07777;
	char dev[64];

	snprintf(dev, sizeof(dev), "/dev/llkm (char %u:%u, mode %04o)",
		 p->dev_major, p->dev_minor, perm);
	if (p->dev_stat_err == -ENOENT && !x->loaded) {
		c->found = fmt("no /dev/llkm: llkm is not loaded");
		set(c, DOCTOR_FAIL, why, x->fix_load);
	} else if (p->dev_stat_err == -ENOENT) {
		c->found = fmt("no /dev/llkm although llkm is loaded: nothing created the node (no devtmpfs or udev)");
		set(c, DOCTOR_FAIL, why,
		    "sudo mount -t devtmpfs devtmpfs /dev, or sudo udevadm trigger --subsystem-match=misc");
	} else if (p->dev_stat_err) {
		c->found = fmt("stat /dev/llkm: %s",
			       err_str(p->dev_stat_err));
		set(c, DOCTOR_FAIL, why, "ls -l /dev/llkm; as root: sudo user/llctl doctor");
	} else if (!S_ISCHR(p->dev_mode)) {
		c->found = fmt("/dev/llkm is %s, not a character device",
			       file_type(p->dev_mode));
		set(c, DOCTOR_FAIL, why, x->fix_recreate);
	} else if (p->dev_open_err == -EACCES) {
		c->found = fmt("%s, open(O_RDONLY): %s: the file mode lets only its owner (root) open it",
			       dev, err_str(p->dev_open_err));
		set(c, DOCTOR_FAIL, why, x->fix_device);
	} else if (p->dev_open_err == -EPERM) {
		c->found = fmt("%s, open(O_RDONLY): %s: llkm wants CAP_PERFMON or CAP_SYS_ADMIN",
			       dev, err_str(p->dev_open_err));
		set(c, DOCTOR_FAIL, why, x->fix_caps);
	} else if (p->dev_open_err && p->dev_open_err != DOCTOR_NOT_TRIED) {
		c->found = fmt("%s, open(O_RDONLY): %s", dev,
			       err_str(p->dev_open_err));
		set(c, DOCTOR_FAIL, why, x->fix_dmesg);
	} else if (perm != 0600) {
		c->found = fmt("%s: llkm creates it 0600, something changed it",
			       dev);
		set(c, DOCTOR_WARN,
		    "the device hands out measurement data of every process: 0600 keeps it to root, another mode widens or breaks that",
		    "sudo chmod 0600 /dev/llkm");
	} else {
		c->found = fmt("%s%s", dev, p->dev_open_err ? "" :
			       ", opens for this user");
		set(c, DOCTOR_OK, why, NULL);
	}
	return 0;
}

static int check_genl(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "llctl configures sessions over the llkm generic netlink family: without it no command beyond doctor works";
	const struct doctor_live *p = x->p;
	const char *phase = p->nl_err ? "resolving the family" : "GET_INFO";
	int err = p->nl_err ? p->nl_err : p->info_err;

	switch (err) {
	case 0:
		c->found = fmt("family \"%s\" (id %d) resolved, GET_INFO answered: llkm %s, ABI %" PRIu32,
			       LLKM_GENL_NAME, p->nl_family, p->version,
			       p->abi);
		set(c, DOCTOR_OK, why, NULL);
		break;
	case -ENOENT:
		c->found = fmt("family \"%s\" is not registered%s: llkm is not loaded",
			       LLKM_GENL_NAME, p->nl_err ? "" :
			       " (GET_INFO: ENOENT)");
		set(c, DOCTOR_FAIL, why, x->fix_load);
		break;
	case -EPERM:
	case -EACCES:
		c->found = fmt("%s: %s: refused by a security policy (LSM, seccomp) or a privilege check",
			       phase, err_str(err));
		set(c, DOCTOR_FAIL, why,
		    "run as root: sudo user/llctl doctor; look for a denial: sudo dmesg | grep -i denied");
		break;
	case -EPROTONOSUPPORT:
	case -EAFNOSUPPORT:
		c->found = fmt("%s: %s: this kernel offers no generic netlink socket",
			       phase, err_str(err));
		set(c, DOCTOR_FAIL, why,
		    "boot a kernel with networking (CONFIG_NET): generic netlink is part of it");
		break;
	case -EPROTO:
		c->found = fmt("%s: %s: the reply does not parse: llctl and llkm come from different trees",
			       phase, err_str(err));
		set(c, DOCTOR_FAIL, why, x->fix_rebuild);
		break;
	default:
		c->found = fmt("%s: %s", phase, err_str(err));
		set(c, DOCTOR_FAIL, why, x->fix_dmesg);
		break;
	}
	return 0;
}

static int check_capabilities(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "llkm's device and settings, CPU-wide perf events and kernel samples need CAP_PERFMON (Linux 5.8+) or CAP_SYS_ADMIN";

	if (x->caps < 0) {
		c->found = fmt("unknown: no CapEff in /proc/self/status: %s",
			       err_str(x->capeff_err));
		set(c, DOCTOR_WARN, why, "mount /proc: sudo mount -t proc proc /proc");
	} else if (!x->caps) {
		c->found = fmt("CapEff %016" PRIx64 ": neither CAP_PERFMON nor CAP_SYS_ADMIN",
			       x->capeff);
		set(c, DOCTOR_FAIL, why, x->fix_caps);
	} else {
		c->found = fmt("CapEff %016" PRIx64 ": %s", x->capeff,
			       x->capnames);
		set(c, DOCTOR_OK, why, NULL);
	}
	return 0;
}

static const char *paranoid_meaning(long level)
{
	if (level < 0)
		return "no restrictions";
	switch (level) {
	case 0:
		return "unprivileged users may count CPU-wide and kernel events, without raw tracepoint data";
	case 1:
		return "unprivileged users may count their own processes, user and kernel space";
	case 2:
		return "unprivileged users may count their own processes in user space only";
	}
	return "perf_event_open refused to unprivileged users altogether, a Debian patch";
}

static int check_paranoid(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "above 1 an unprivileged perf_event_open loses the kernel side of every event (2) or is refused outright (3 and above, Debian): counts come out short or not at all";
	long level;
	int ret;

	ret = llctl_root_read_int(x->root,
				  "proc/sys/kernel/perf_event_paranoid", &level);
	if (ret) {
		c->found = fmt("no /proc/sys/kernel/perf_event_paranoid: %s: a kernel without perf events?",
			       err_str(ret));
		set(c, DOCTOR_WARN, why,
		    "boot a kernel built with CONFIG_PERF_EVENTS=y");
	} else if (x->caps > 0) {
		c->found = fmt("level %ld (%s); this process has %s, which the level does not restrict",
			       level, paranoid_meaning(level), x->capnames);
		set(c, DOCTOR_OK, why, NULL);
	} else if (level >= 2) {
		c->found = fmt("level %ld (%s), and this process has %s",
			       level, paranoid_meaning(level), x->caps < 0 ?
			       "unknown capabilities" :
			       "neither CAP_PERFMON nor CAP_SYS_ADMIN");
		set(c, level >= 3 ? DOCTOR_FAIL : DOCTOR_WARN, why,
		    x->fix_paranoid);
	} else {
		c->found = fmt("level %ld (%s)", level,
			       paranoid_meaning(level));
		set(c, DOCTOR_OK, why, NULL);
	}
	return 0;
}

static bool is_hw_pmu(const char *n)
{
	return !strcmp(n, "cpu") || !strcmp(n, "cpu_core") ||
	       !strcmp(n, "cpu_atom") || !strncmp(n, "armv", 4) ||
	       (!strncmp(n, "arm_", 4) && strstr(n, "pmu"));
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* "a, b, c" of the names, with only the hardware ones when @hw. */
static char *join_pmus(struct dirent **ents, int n, bool hw)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(ents[i]->d_name) + 2;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		if (hw && !is_hw_pmu(ents[i]->d_name))
			continue;
		if (s[0])
			strcat(s, ", ");
		strcat(s, ents[i]->d_name);
	}
	return s;
}

/* arm64's checks run when the environment has a MIDR (lib/midr.h). */
static bool is_arm(const struct ctx *x)
{
	return x->env->midr_implementer >= 0;
}

/*
 * "; armv8_pmuv3: 7 counters (...)" per hardware PMU the live side
 * counted, saying how; "" on x86, whose check says what it always said.
 */
static void arm_counters(const struct ctx *x, char *buf, size_t size)
{
	const struct doctor_pmu_counters *p;
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	if (!is_arm(x))
		return;
	if (!x->p->npmu) {
		snprintf(buf, size, "; counters not counted (no armv* PMU to open a group on)");
		return;
	}
	for (i = 0; i < x->p->npmu && len < size; i++) {
		p = &x->p->pmu[i];
		if (!p->opened)
			len += snprintf(buf + len, size - len,
					"; %s: counters unknown: its cpu_cycles event does not open: %s",
					p->name, err_str(p->refused));
		else if (!p->refused)
			len += snprintf(buf + len, size - len,
					"; %s: at least %d counters (a perf_event_open group of its cpu_cycles event took %d members)",
					p->name, p->opened, p->opened);
		else
			len += snprintf(buf + len, size - len,
					"; %s: %d counter%s (found by perf_event_open: a group of its cpu_cycles event took %d, member %d was refused with %s)",
					p->name, p->opened,
					p->opened == 1 ? "" : "s", p->opened,
					p->opened + 1, errname(-p->refused));
	}
}

static int check_hw_pmu(struct doctor_check *c, const struct ctx *x)
{
	static const char why_ok[] = "cycles, instructions, cache and branch events are counted by the hardware PMU";
	static const char why_none[] = "cycles, instructions, cache and branch events cannot be counted; only software events, tracepoints and the msr PMU work: typical of a virtual machine without a virtual PMU";
	static const char why_dead[] = "a PMU that refuses its cycles event counts nothing: the hypervisor hides the counters, or other users (perf, the NMI watchdog) hold them";
	static const char fix_none[] = "run on bare metal, or give the VM a vPMU (QEMU/KVM: -cpu host,pmu=on; VMware: virtualize CPU performance counters)";
	int perr = x->p->perf_hw_err;
	struct dirent **ents = NULL;
	char path[PATH_MAX], perf[160] = "", cnt[800];
	char *all = NULL, *hw = NULL;
	int i, n = -1, ret = -ENOMEM;

	if (!llctl_root_path(path, sizeof(path), x->root,
			     "sys/bus/event_source/devices"))
		n = scandir(path, &ents, not_dot, alphasort);
	if (perr == 0)
		snprintf(perf, sizeof(perf),
			 "; perf_event_open(cycles) counts for this process");
	else if (perr != DOCTOR_NOT_TRIED)
		snprintf(perf, sizeof(perf),
			 "; perf_event_open(cycles): %s", err_str(perr));
	arm_counters(x, cnt, sizeof(cnt));
	if (n < 0) {
		c->found = fmt("no hardware PMU: /sys/bus/event_source/devices is missing (a kernel without perf events)%s",
			       perf);
		set(c, DOCTOR_WARN, why_none, fix_none);
		return 0;
	}
	all = join_pmus(ents, n, false);
	hw = join_pmus(ents, n, true);
	if (!all || !hw)
		goto out;
	if (hw[0] && (perr == -ENOENT || perr == -EOPNOTSUPP ||
		      perr == -ENODEV || perr == -EBUSY || perr == -EINVAL)) {
		c->found = fmt("hardware PMU %s listed, but its cycles event does not open%s%s",
			       hw, perf, cnt);
		set(c, DOCTOR_WARN, why_dead,
		    "stop other PMU users (perf, sudo sysctl kernel.nmi_watchdog=0); in a VM enable the vPMU (QEMU/KVM: -cpu host,pmu=on)");
	} else if (hw[0]) {
		c->found = fmt("hardware PMU %s%s%s%s", hw, perf,
			       perr == -EACCES || perr == -EPERM ?
			       " (see perf_event_paranoid)" : "", cnt);
		set(c, DOCTOR_OK, why_ok, NULL);
	} else if (!perr) {
		c->found = fmt("a PMU not named here counts cycles (%s)%s",
			       all, perf);
		set(c, DOCTOR_OK, why_ok, NULL);
	} else {
		c->found = fmt("no hardware PMU: /sys/bus/event_source/devices has %s%s",
			       all[0] ? all : "nothing", perf);
		set(c, DOCTOR_WARN, why_none, fix_none);
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	free(all);
	free(hw);
	return ret;
}

static int check_nmi_watchdog(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "the NMI watchdog holds one hardware counter on every CPU, so event groups get one counter less and may be multiplexed";
	long v;
	int ret;

	ret = llctl_root_read_int(x->root, "proc/sys/kernel/nmi_watchdog", &v);
	if (ret == -ENOENT) {
		c->found = fmt("no NMI watchdog (no /proc/sys/kernel/nmi_watchdog)");
		set(c, DOCTOR_OK, why, NULL);
	} else if (ret) {
		c->found = fmt("/proc/sys/kernel/nmi_watchdog unreadable: %s",
			       err_str(ret));
		set(c, DOCTOR_WARN, why, "cat /proc/sys/kernel/nmi_watchdog; sudo sysctl kernel.nmi_watchdog=0");
	} else if (v) {
		c->found = fmt("nmi_watchdog %ld: on, one hardware counter per CPU taken", v);
		set(c, DOCTOR_WARN, why, "sudo sysctl kernel.nmi_watchdog=0");
	} else {
		c->found = fmt("nmi_watchdog 0: off");
		set(c, DOCTOR_OK, why, NULL);
	}
	return 0;
}

#define PSEUDO_NMI_PARAM	"irqchip.gicv3_pseudo_nmi="

/*
 * irqchip.gicv3_pseudo_nmi on @cmdline as the kernel's kstrtobool reads
 * it (y, Y, 1, on: true); the last one wins, as early_param sees them all.
 */
static bool cmdline_pseudo_nmi(const char *cmdline)
{
	size_t n = strlen(PSEUDO_NMI_PARAM);
	const char *p, *v;
	bool on = false;

	for (p = cmdline; (p = strstr(p, PSEUDO_NMI_PARAM)); p += n) {
		if (p != cmdline && !isspace((unsigned char)p[-1]))
			continue;
		v = p + n;
		on = *v == 'y' || *v == 'Y' || *v == '1' ||
		     ((*v == 'o' || *v == 'O') && (v[1] == 'n' || v[1] == 'N'));
	}
	return on;
}

/* CONFIG_@name of /boot/config-@release: 1 y, 0 not set, -1 unknown. */
static int kconfig_bool(const struct ctx *x, const char *name, char *path,
			size_t size)
{
	char want_y[96], want_n[96];
	size_t cap = 0;
	char *line = NULL;
	int v = -1;
	FILE *f;

	path[0] = '\0';
	if (!x->env->kernel)
		return -1;
	snprintf(path, size, "boot/config-%s", x->env->kernel);
	f = llctl_root_fopen(x->root, path);
	if (!f)
		return -1;
	snprintf(want_y, sizeof(want_y), "CONFIG_%s=y", name);
	snprintf(want_n, sizeof(want_n), "# CONFIG_%s is not set", name);
	v = 0;		/* a config that does not name it has it off */
	while (getline(&line, &cap, f) > 0) {
		llctl_rstrip(line);
		if (!strcmp(line, want_y))
			v = 1;
		else if (!strcmp(line, want_n))
			v = 0;
	}
	free(line);
	fclose(f);
	return v;
}

/* The interrupt controller of /proc/interrupts: 3, 2, or 0 unknown. */
static int gic_version(const struct ctx *x)
{
	FILE *f = llctl_root_fopen(x->root, "proc/interrupts");
	size_t cap = 0;
	char *line = NULL;
	int v = 0;

	while (f && !v && getline(&line, &cap, f) > 0) {
		if (strstr(line, " GICv3 "))
			v = 3;
		else if (strstr(line, " GIC-"))
			v = 2;	/* gic_chip's name on GICv2: "GIC-0" */
	}
	free(line);
	if (f)
		fclose(f);
	return v;
}

static int check_pseudo_nmi(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "without pseudo-NMIs the PMU's overflow interrupt is an ordinary IRQ, held off while the kernel runs with interrupts disabled: a sample taken there lands at the instruction that enables them again (local_irq_enable, spin_unlock_irqrestore), so kernel profiles blame the wrong code";
	static const char fix_gic[] = "none on this machine: pseudo-NMIs need a GICv3 (QEMU: -M virt,gic-version=3); meanwhile read kernel samples at irq-enable points as the irq-off code before them";
	static const char fix_kernel[] = "boot a kernel built with CONFIG_ARM64_PSEUDO_NMI=y (Debian's arm64 kernels are built without it), with irqchip.gicv3_pseudo_nmi=1 on its command line";
	static const char fix_cmdline[] = "add irqchip.gicv3_pseudo_nmi=1 to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then sudo update-grub and reboot); the kernel must be built with CONFIG_ARM64_PSEUDO_NMI=y";
	char *cmdline = llctl_root_read(x->root, "proc/cmdline");
	bool on = cmdline && cmdline_pseudo_nmi(cmdline);
	char cfgpath[PATH_MAX], cfg[PATH_MAX + 96];
	int config = kconfig_bool(x, "ARM64_PSEUDO_NMI", cfgpath,
				  sizeof(cfgpath));
	int gic = gic_version(x);

	if (config > 0)
		snprintf(cfg, sizeof(cfg), "CONFIG_ARM64_PSEUDO_NMI=y (/%s)",
			 cfgpath);
	else if (!config)
		snprintf(cfg, sizeof(cfg), "CONFIG_ARM64_PSEUDO_NMI not set (/%s)",
			 cfgpath);
	else
		snprintf(cfg, sizeof(cfg), "CONFIG_ARM64_PSEUDO_NMI not verified (no /%s)",
			 cfgpath[0] ? cfgpath : "boot/config-RELEASE");
	c->found = fmt("%s; %s; %s%s",
		       !cmdline ? "/proc/cmdline unreadable" : on ?
		       "irqchip.gicv3_pseudo_nmi=1 on the command line" :
		       "no irqchip.gicv3_pseudo_nmi=1 on the command line",
		       cfg, gic == 3 ? "GICv3" : gic == 2 ?
		       "GICv2 (no pseudo-NMIs possible)" :
		       "GIC version unknown (not in /proc/interrupts)",
		       on && config && gic != 2 ?
		       ": PMU overflow interrupts are NMIs" :
		       ": PMU overflow interrupts are ordinary IRQs");
	if (gic == 2)
		set(c, DOCTOR_WARN, why, fix_gic);
	else if (!config)
		set(c, DOCTOR_WARN, why, fix_kernel);
	else if (!on)
		set(c, DOCTOR_WARN, why, fix_cmdline);
	else
		set(c, DOCTOR_OK, why, NULL);
	free(cmdline);
	return 0;
}

static int check_perf_user_access(struct doctor_check *c,
				  const struct ctx *x)
{
	static const char why[] = "at 0 a counter read is a system call, not one mrs instruction, so self-monitoring code pays about a microsecond per read; informational: llctl reads its counters through the kernel either way";
	long v;
	int ret;

	ret = llctl_root_read_int(x->root, "proc/sys/kernel/perf_user_access",
				  &v);
	if (ret == -ENOENT)
		c->found = fmt("no /proc/sys/kernel/perf_user_access (a kernel before 5.17): user space cannot read the counters directly");
	else if (ret)
		c->found = fmt("/proc/sys/kernel/perf_user_access unreadable: %s",
			       err_str(ret));
	else if (!v)
		c->found = fmt("perf_user_access 0: user space cannot read the counters directly (mrs traps); counts are read through the kernel");
	else
		c->found = fmt("perf_user_access %ld: a process may read its own counters with mrs when its event asks for it (perf_event_mmap_page's cap_user_rdpmc)",
			       v);
	set(c, DOCTOR_OK, why, NULL);
	return 0;
}

#define EFI_SECURE_BOOT \
	"sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

/* The Secure Boot variable: 1 on, 0 off, -1 no variable (or no EFI). */
static int secure_boot(const char *root)
{
	unsigned char buf[8];
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if (llctl_root_path(path, sizeof(path), root, EFI_SECURE_BOOT))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));	/* 4 bytes of attributes, value */
	close(fd);
	if (n < 5)
		return -1;
	return buf[4] == 1;
}

/* The bracketed word of "none [integrity] confidentiality", in @mode. */
static int lockdown_mode(const char *s, char *mode, size_t size)
{
	const char *open = strchr(s, '['), *close;

	if (!open)
		return -EINVAL;
	close = strchr(open, ']');
	if (!close || close == open + 1 || (size_t)(close - open) > size)
		return -EINVAL;
	memcpy(mode, open + 1, close - open - 1);
	mode[close - open - 1] = '\0';
	return 0;
}

static int check_lockdown(struct doctor_check *c, const struct ctx *x)
{
	static const char why_lock[] = "kernel lockdown refuses unsigned modules like llkm.ko and restricts kernel-side tracing; confidentiality also refuses kernel memory reads and kernel samples";
	static const char why_sb[] = "with Secure Boot on, the kernel refuses modules not signed by a trusted key, so a locally built llkm.ko does not load";
	static const char why_both[] = "kernel lockdown and Secure Boot refuse unsigned modules like llkm.ko, and lockdown restricts kernel-side tracing";
	static const char fix_sign[] = "sign llkm.ko with a Machine Owner Key (sudo mokutil --import MOK.der, reboot, then sudo /lib/modules/$(uname -r)/build/scripts/sign-file sha256 MOK.priv MOK.der kmod/llkm.ko), or sudo mokutil --disable-validation and reboot";
	static const char fix_lock[] = "remove lockdown= from the kernel command line; if Secure Boot turned it on: sudo mokutil --disable-validation and reboot, or sign llkm.ko with a MOK";
	enum doctor_status ls = DOCTOR_OK, ss = DOCTOR_OK;
	char *s = llctl_root_read(x->root, "sys/kernel/security/lockdown");
	char mode[32], lock[96];
	const char *sb;
	int sbv = secure_boot(x->root);

	if (!s) {
		snprintf(lock, sizeof(lock), "not in lockdown (no /sys/kernel/security/lockdown)");
	} else if (lockdown_mode(s, mode, sizeof(mode))) {
		snprintf(lock, sizeof(lock), "lockdown unparsable: \"%.40s\"", s);
		ls = DOCTOR_WARN;
	} else {
		snprintf(lock, sizeof(lock), "lockdown %s", mode);
		if (!strcmp(mode, "confidentiality"))
			ls = DOCTOR_FAIL;
		else if (strcmp(mode, "none"))
			ls = DOCTOR_WARN;
	}
	free(s);
	if (sbv > 0) {
		sb = "Secure Boot enabled";
		ss = DOCTOR_WARN;
	} else if (!sbv) {
		sb = "Secure Boot disabled";
	} else if (llctl_root_exists(x->root, "sys/firmware/efi")) {
		sb = "EFI without a SecureBoot variable";
	} else {
		sb = "no EFI";
	}
	c->found = fmt("%s; %s", lock, sb);
	if (ls != DOCTOR_OK && ss != DOCTOR_OK)
		set(c, ls, why_both, fix_lock);
	else if (ls != DOCTOR_OK)
		set(c, ls, why_lock, fix_lock);
	else if (ss != DOCTOR_OK)
		set(c, ss, why_sb, fix_sign);
	else
		set(c, DOCTOR_OK, why_lock, NULL);
	return 0;
}

static int check_headers(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "llkm is built against the running kernel's headers: without them it cannot be rebuilt for this kernel";
	const char *rel = x->env->kernel;
	char rp[PATH_MAX], path[PATH_MAX] = "";
	struct stat st;
	bool dangling;

	if (!llctl_root_exists(x->root, "proc/modules")) {
		c->found = fmt("no /proc/modules: this kernel loads no module, so no llkm is built for it");
		set(c, DOCTOR_WARN, why, x->fix_load);
		return 0;
	}
	if (!rel) {
		c->found = fmt("kernel release unknown, headers not looked for");
		set(c, DOCTOR_WARN, why,
		    "sudo apt-get install linux-headers-$(uname -r)");
		return 0;
	}
	snprintf(rp, sizeof(rp), "lib/modules/%s/build", rel);
	if (llctl_root_path(path, sizeof(path), x->root, rp) ||
	    stat(path, &st) || !S_ISDIR(st.st_mode)) {
		dangling = path[0] && !lstat(path, &st) && S_ISLNK(st.st_mode);
		c->found = fmt("no /%s%s", rp,
			       dangling ? " (a dangling symlink)" : "");
		c->fix = fmt("sudo apt-get install linux-headers-%s", rel);
		c->status = DOCTOR_WARN;
		c->why = why;
		return 0;
	}
	c->found = fmt("/%s present", rp);
	set(c, DOCTOR_OK, why, NULL);
	return 0;
}

static int check_tracefs(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "tracepoints are named and read through tracefs: without it tracepoint events cannot be resolved";
	FILE *f = llctl_root_fopen(x->root, "proc/mounts");
	char *line = NULL, *at = NULL, *mnt, *type, *sp;
	size_t cap = 0;

	if (!f) {
		c->found = fmt("/proc/mounts unreadable: %s",
			       err_str(-errno));
		set(c, DOCTOR_WARN, why, "sudo mount -t proc proc /proc");
		return 0;
	}
	while (!at && getline(&line, &cap, f) > 0) {
		if (!strtok_r(line, " ", &sp))
			continue;
		mnt = strtok_r(NULL, " ", &sp);
		type = strtok_r(NULL, " ", &sp);
		if (mnt && type && !strcmp(type, "tracefs"))
			at = strdup(mnt);
	}
	free(line);
	fclose(f);
	if (at) {
		c->found = fmt("tracefs mounted on %s", at);
		set(c, DOCTOR_OK, why, NULL);
	} else {
		c->found = fmt("tracefs not mounted");
		set(c, DOCTOR_WARN, why,
		    "sudo mount -t tracefs nodev /sys/kernel/tracing");
	}
	free(at);
	return 0;
}

#define GOV_MAX		8	/* distinct governors told apart */
#define GOV_CPUS_MAX	8192	/* NR_CPUS' largest x86 value */

struct gov_tally {
	const char *root;
	unsigned int cpus, none, other, n;
	char name[GOV_MAX][32];
	unsigned int count[GOV_MAX];
};

static int gov_one(int cpu, void *arg)
{
	struct gov_tally *t = arg;
	char path[96];
	unsigned int i;
	char *g;

	if (t->cpus >= GOV_CPUS_MAX)
		return 1;
	t->cpus++;
	snprintf(path, sizeof(path),
		 "sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", cpu);
	g = llctl_root_read(t->root, path);
	if (!g || !g[0]) {
		t->none++;
		free(g);
		return 0;
	}
	for (i = 0; i < t->n; i++)
		if (!strncmp(t->name[i], g, sizeof(t->name[i]) - 1))
			break;
	if (i == t->n && t->n < GOV_MAX)
		snprintf(t->name[t->n++], sizeof(t->name[0]), "%s", g);
	if (i < t->n)
		t->count[i]++;
	else
		t->other++;
	free(g);
	return 0;
}

/* "powersave on 3 CPUs, performance on 1 CPU, no cpufreq on 1 CPU" */
static char *gov_list(const struct gov_tally *t)
{
	char buf[(GOV_MAX + 2) * 64] = "";
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < t->n + 2; i++) {
		const char *name = i < t->n ? t->name[i] :
				   i == t->n ? "other governors" : "no cpufreq";
		unsigned int n = i < t->n ? t->count[i] :
				 i == t->n ? t->other : t->none;

		if (!n)
			continue;
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s on %u CPU%s",
				len ? ", " : "", name, n, n == 1 ? "" : "s");
	}
	return strdup(buf);
}

static int check_governor(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "a governor other than performance moves the clock with load, so the same code measures differently from run to run";
	struct gov_tally t = { .root = x->root };
	char *online, *list;
	const char *scope = "";

	online = llctl_root_read(x->root, "sys/devices/system/cpu/online");
	if (!online || llctl_cpulist_count(online) <= 0) {
		scope = " (online CPUs unknown: cpu0 only)";
		gov_one(0, &t);
	} else {
		llctl_cpulist_for_each(online, gov_one, &t);
	}
	free(online);
	if (t.none == t.cpus) {
		c->found = fmt("no cpufreq: frequency not visible to this OS (virtual machine or driver missing); results may vary with frequency");
		set(c, DOCTOR_WARN, why,
		    "none here: in a VM set the host's governor to performance; on bare metal load a cpufreq driver (intel_pstate, amd-pstate, acpi-cpufreq)");
		return 0;
	}
	if (t.n == 1 && !t.none && !strcmp(t.name[0], "performance")) {
		c->found = fmt("performance on %s %u online CPU%s%s",
			       t.cpus == 1 ? "the" : "all", t.cpus,
			       t.cpus == 1 ? "" : "s", scope);
		set(c, DOCTOR_OK, why, NULL);
		return 0;
	}
	list = gov_list(&t);
	if (list)
		c->found = fmt("%s%s", list, scope);
	free(list);
	set(c, DOCTOR_WARN, why,
	    "sudo cpupower frequency-set -g performance (package linux-cpupower), or echo performance | sudo tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor");
	return 0;
}

static int check_turbo(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "turbo clocks follow temperature, power and how many cores are busy, so repeated runs measure at different frequencies";
	long v;

	if (!llctl_root_read_int(x->root,
				 "sys/devices/system/cpu/intel_pstate/no_turbo",
				 &v)) {
		c->found = fmt("intel_pstate/no_turbo %ld: turbo %s", v,
			       v ? "off" : "on");
		set(c, v ? DOCTOR_OK : DOCTOR_WARN, why, v ? NULL :
		    "echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/no_turbo");
	} else if (!llctl_root_read_int(x->root,
					"sys/devices/system/cpu/cpufreq/boost",
					&v)) {
		c->found = fmt("cpufreq/boost %ld: turbo %s", v,
			       v ? "on" : "off");
		set(c, v ? DOCTOR_WARN : DOCTOR_OK, why, v ?
		    "echo 0 | sudo tee /sys/devices/system/cpu/cpufreq/boost" :
		    NULL);
	} else {
		c->found = fmt("no turbo control exposed (no intel_pstate/no_turbo, no cpufreq/boost)");
		set(c, DOCTOR_OK, why, NULL);
	}
	return 0;
}

static int check_smt(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "sibling hyperthreads share the core's caches and ports: core-to-core and PMU results depend on placement";
	char *ctl = llctl_root_read(x->root,
				    "sys/devices/system/cpu/smt/control");
	long v;
	int ret;

	ret = llctl_root_read_int(x->root, "sys/devices/system/cpu/smt/active",
				  &v);
	if (ret) {
		c->found = fmt("SMT not supported (no /sys/devices/system/cpu/smt/active)");
		set(c, DOCTOR_OK, why, NULL);
	} else if (v) {
		c->found = fmt("SMT active%s%s%s", ctl ? " (control " : "",
			       ctl ? ctl : "", ctl ? ")" : "");
		set(c, DOCTOR_WARN, why,
		    "pin with taskset to one thread per core, or echo off | sudo tee /sys/devices/system/cpu/smt/control");
	} else {
		c->found = fmt("SMT inactive%s%s%s", ctl ? " (control " : "",
			       ctl ? ctl : "", ctl ? ")" : "");
		set(c, DOCTOR_OK, why, NULL);
	}
	free(ctl);
	return 0;
}

static int check_clocksource(struct doctor_check *c, const struct ctx *x)
{
	static const char why[] = "clock_gettime() reads the clocksource: with hpet or acpi_pm every call is a slow system call (around a microsecond) that swamps short intervals";
	static const char *const slow[] = {
		"hpet", "acpi_pm", "jiffies", "refined-jiffies", "pit",
	};
	char *cs = llctl_root_read(x->root,
		"sys/devices/system/clocksource/clocksource0/current_clocksource");
	bool is_slow = false;
	unsigned int i;

	for (i = 0; cs && i < ARRAY_SIZE(slow); i++)
		is_slow |= !strcmp(cs, slow[i]);
	if (!cs) {
		c->found = fmt("no clocksource in sysfs");
		set(c, DOCTOR_OK, why, NULL);
	} else if (is_slow) {
		c->found = fmt("clocksource %s", cs);
		set(c, DOCTOR_WARN, why,
		    "dmesg | grep -i tsc (why the TSC was not chosen); if tsc is in available_clocksource: echo tsc | sudo tee /sys/devices/system/clocksource/clocksource0/current_clocksource");
	} else {
		c->found = fmt("clocksource %s", cs);
		set(c, DOCTOR_OK, why, NULL);
	}
	free(cs);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct doctor_check *c, const struct ctx *x);
	bool arm64;	/* only when the CPU has a MIDR */
} checks[DOCTOR_CHECKS] = {
	{ "module",		 check_module, false },
	{ "device",		 check_device, false },
	{ "genl",		 check_genl, false },
	{ "capabilities",	 check_capabilities, false },
	{ "perf_event_paranoid", check_paranoid, false },
	{ "hardware_pmu",	 check_hw_pmu, false },
	{ "nmi_watchdog",	 check_nmi_watchdog, false },
	{ "pseudo_nmi",		 check_pseudo_nmi, true },
	{ "perf_user_access",	 check_perf_user_access, true },
	{ "lockdown",		 check_lockdown, false },
	{ "headers",		 check_headers, false },
	{ "tracefs",		 check_tracefs, false },
	{ "governor",		 check_governor, false },
	{ "turbo",		 check_turbo, false },
	{ "smt",		 check_smt, false },
	{ "clocksource",	 check_clocksource, false },
};

/* Reloading llkm, with what loads it here (or why nothing does). */
static void reload_hints(struct ctx *x, const struct llctl_hint_ctx *h)
{
	char cmd[512];

	if (llctl_hint_load_cmd(h, cmd, sizeof(cmd)))
		snprintf(x->fix_reload, sizeof(x->fix_reload),
			 "reload llkm: sudo rmmod llkm && %s", cmd);
	else
		snprintf(x->fix_reload, sizeof(x->fix_reload),
			 "sudo rmmod llkm; then %s", x->fix_load);
	snprintf(x->fix_rebuild, sizeof(x->fix_rebuild),
		 "install llctl and llkm of one version (one tree, or one package), then %s",
		 x->fix_reload);
	snprintf(x->fix_dmesg, sizeof(x->fix_dmesg),
		 "read why in sudo dmesg | tail; then %s", x->fix_reload);
	snprintf(x->fix_recreate, sizeof(x->fix_recreate),
		 "sudo rm /dev/llkm; then %s", x->fix_reload);
	llctl_hint_perf_cap(h, x->fix_perf, sizeof(x->fix_perf));
	snprintf(x->fix_paranoid, sizeof(x->fix_paranoid),
		 "sudo sysctl kernel.perf_event_paranoid=1 (or %s)", x->fix_perf);
}

/* The hints for this root: its kernel, this llctl, the caps it read. */
static void hints(struct ctx *x)
{
	struct llctl_hint_ctx h;

	llctl_hint_ctx_self(&h);
	h.root = x->root;
	if (!llctl_root_is_real(x->root)) {
		h.release = x->env ? x->env->kernel : NULL;
		h.root_user = false;
	}
	h.capable = x->caps == 1;
	llctl_hint_load(&h, x->fix_load, sizeof(x->fix_load));
	llctl_hint_perm(&h, false, x->fix_caps, sizeof(x->fix_caps));
	llctl_hint_perm(&h, true, x->fix_device, sizeof(x->fix_device));
	reload_hints(x, &h);
}

int doctor_run(struct doctor_report *d, const char *root,
	       const struct llctl_env *env,
	       const struct doctor_live *live)
{
	struct ctx x = { .root = root, .env = env, .p = live };
	struct doctor_check *c;
	unsigned int i;
	int ret = 0;

	memset(d, 0, sizeof(*d));
	read_caps(&x);
	hints(&x);
	x.sys_module = llctl_root_exists(root, "sys/module/llkm");
	x.loaded = x.sys_module || !live->nl_err;
	for (i = 0; i < DOCTOR_CHECKS; i++) {
		if (checks[i].arm64 && !is_arm(&x))
			continue;
		c = &d->checks[d->n++];
		c->name = checks[i].name;
		if (!ret)
			ret = checks[i].fn(c, &x);
		if (!c->found || (c->status != DOCTOR_OK && !c->fix))
			ret = -ENOMEM;
		d->count[c->status]++;
	}
	return ret;
}

void doctor_free(struct doctor_report *d)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		free(d->checks[i].found);
		free(d->checks[i].fix);
	}
	memset(d, 0, sizeof(*d));
}

const struct doctor_check *doctor_find(const struct doctor_report *d,
				       const char *name)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->checks[i].name, name))
			return &d->checks[i];
	return NULL;
}

static struct json_object *check_json(const struct doctor_check *c)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "status",
			       json_object_new_string(doctor_status_name(c->status)));
	json_object_object_add(o, "found", json_object_new_string(c->found));
	json_object_object_add(o, "why", json_object_new_string(c->why));
	json_object_object_add(o, "fix",
			       c->fix ? json_object_new_string(c->fix) : NULL);
	return o;
}

struct json_object *doctor_json(const struct doctor_report *d)
{
	struct json_object *a = json_object_new_array();
	struct json_object *o;
	unsigned int i;

	for (i = 0; a && i < d->n; i++) {
		o = check_json(&d->checks[i]);
		if (!o || json_object_array_add(a, o)) {
			json_object_put(o);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}
