// SPDX-License-Identifier: GPL-2.0
/*
 * Event names (profile/pmu-events.h): specs into perf_event_attr numbers, the
 * events this machine knows, and what perf_event_open's errors mean.
 *
 * Two sources, each for what it knows best:
 *
 *  - libpfm4 holds the event tables of the CPU PMUs (Intel, AMD, Arm, POWER,
 *    ...) and detects which one this CPU has; its perf_events layer also
 *    knows the generic names (cycles, cs, L1-dcache-loads). The kernel does
 *    not export the core PMUs' full tables, so without libpfm4 we would have
 *    to carry them. We ask its generic layer first ("perf::NAME"), so that
 *    "cycles" never lands on a host PMU event of the same name.
 *
 *  - the kernel describes each dynamic PMU itself in sysfs:
 *    /sys/bus/event_source/devices/PMU/type is perf_event_attr.type,
 *    events/EVENT holds "term=value,..." and format/TERM says which bits of
 *    which config word a term fills ("config:0-7,32-35": the value's low 8
 *    bits into bits 0-7, the next 4 into 32-35). That is read directly, so
 *    msr, uncore_* and the hybrid cpu_core/cpu_atom work whatever libpfm4's
 *    version.
 *
 * libpfm4 is initialised once, on first use, and is not thread-safe: llctl
 * resolves names before it starts any thread.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-c/json.h>

/* The kernel's header first: libpfm4's own copy then steps aside. */
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>

#include "lib/hint.h"
#include "lib/rootfs.h"
#include "profile/pmu-events.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PMU_DIR		"sys/bus/event_source/devices"
#define SPEC_MAX	256

static const char *root;	/* NULL: the real system */
static int hw_pmu = -1;		/* prof_have_hw_pmu(): -1 not looked yet */
static char core_pmu[64];	/* core_pmu_name(): "" not looked yet */

void prof_events_set_root(const char *r)
{
	root = r;
	hw_pmu = -1;
	core_pmu[0] = '\0';
}

static int scan_not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * The sysfs name of the PMU the kernel gives PERF_TYPE_HARDWARE, HW_CACHE
 * and RAW events: "cpu" on x86, and whenever sysfs does not say otherwise;
 * on arm64 the PMUv3 driver's one PMU, named after its core
 * ("armv8_pmuv3", "armv8_cortex_a72"). With several (big.LITTLE) the
 * kernel picks among them per event: "cpu" stays, as no one name is right.
 */
static const char *core_pmu_name(void)
{
	struct dirent **ents = NULL;
	char path[PATH_MAX];
	int i, n = -1, arm = 0;

	if (core_pmu[0])
		return core_pmu;
	snprintf(core_pmu, sizeof(core_pmu), "cpu");
	if (!llctl_root_path(path, sizeof(path), root, PMU_DIR))
		n = scandir(path, &ents, scan_not_dot, alphasort);
	for (i = 0; i < n; i++) {
		if (!strcmp(ents[i]->d_name, "cpu"))
			arm = -1;	/* x86's: it stays */
		else if (arm >= 0 && !strncmp(ents[i]->d_name, "armv", 4) &&
			 !arm++)
			snprintf(core_pmu, sizeof(core_pmu), "%.*s",
				 (int)sizeof(core_pmu) - 1, ents[i]->d_name);
	}
	if (arm != 1)
		snprintf(core_pmu, sizeof(core_pmu), "cpu");
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return core_pmu;
}

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Say why in @err (which may be NULL) and return @ret. */
static int fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/*
 * The generic events: the canonical name (the one 'perf stat' prints), the
 * other spelling both perf and libpfm4 accept, and what it counts. libpfm4
 * resolves the names; this table names and describes the result, and
 * stands in for the few libpfm4 4.13 lacks (alignment-faults, dummy, ...).
 */
static const struct generic {
	uint32_t type;
	uint64_t config;
	const char *name, *alias, *desc;
} generics[] = {
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "cycles", "cpu-cycles",
	  "CPU cycles while not halted (varies with frequency)" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, "instructions", NULL,
	  "Instructions retired" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, "cache-references", NULL,
	  "Cache accesses, usually of the last-level cache" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, "cache-misses", NULL,
	  "Cache misses, usually of the last-level cache" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, "branches",
	  "branch-instructions", "Branch instructions retired" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, "branch-misses", NULL,
	  "Mispredicted branch instructions" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, "bus-cycles", NULL,
	  "Bus cycles" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
	  "stalled-cycles-frontend", "idle-cycles-frontend",
	  "Cycles the front end delivered no instruction" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND,
	  "stalled-cycles-backend", "idle-cycles-backend",
	  "Cycles the back end executed no instruction" },
	{ PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, "ref-cycles", NULL,
	  "Reference cycles, at a constant rate whatever the frequency" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, "cpu-clock", NULL,
	  "Time on a per-CPU high-resolution timer, in ns" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, "task-clock", NULL,
	  "Time the task ran, in ns" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, "page-faults", "faults",
	  "Page faults, minor and major" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, "context-switches",
	  "cs", "Context switches" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, "cpu-migrations",
	  "migrations", "Moves of the task to another CPU" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, "minor-faults", NULL,
	  "Page faults served without I/O" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, "major-faults", NULL,
	  "Page faults that needed I/O" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, "alignment-faults",
	  NULL, "Unaligned accesses the kernel fixed up" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, "emulation-faults",
	  NULL, "Instructions the kernel emulated" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY, "dummy", NULL,
	  "Counts nothing: a placeholder for side-band records" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, "bpf-output", NULL,
	  "Records written by BPF programs (bpf_perf_event_output)" },
	{ PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CGROUP_SWITCHES, "cgroup-switches",
	  NULL, "Context switches to a task of another cgroup" },
};

/* PERF_TYPE_HW_CACHE config: cache | op << 8 | result << 16, named as perf does. */
static const char *const cache_ids[PERF_COUNT_HW_CACHE_MAX] = {
	"L1-dcache", "L1-icache", "LLC", "dTLB", "iTLB", "branch", "node",
};
static const char *const cache_what[PERF_COUNT_HW_CACHE_MAX] = {
	"L1 data cache", "L1 instruction cache", "Last-level cache",
	"Data TLB", "Instruction TLB", "Branch predictor", "Local memory node",
};
static const char *const cache_ops[PERF_COUNT_HW_CACHE_OP_MAX] = {
	"load", "store", "prefetch",
};

static const struct generic *generic_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(generics); i++)
		if (!strcasecmp(name, generics[i].name) ||
		    (generics[i].alias && !strcasecmp(name, generics[i].alias)))
			return &generics[i];
	return NULL;
}

static const struct generic *generic_by_config(uint32_t type, uint64_t config)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(generics); i++)
		if (generics[i].type == type && generics[i].config == config)
			return &generics[i];
	return NULL;
}

/* The perf name of a PERF_TYPE_HW_CACHE config: false when it has none. */
static bool cache_name(uint64_t config, struct prof_event *ev)
{
	unsigned int id = config & 0xff, op = (config >> 8) & 0xff;
	unsigned int res = (config >> 16) & 0xff;
	const char *plural = op == PERF_COUNT_HW_CACHE_OP_PREFETCH ? "es" : "s";

	if ((config >> 24) || id >= PERF_COUNT_HW_CACHE_MAX ||
	    op >= PERF_COUNT_HW_CACHE_OP_MAX ||
	    res >= PERF_COUNT_HW_CACHE_RESULT_MAX)
		return false;
	snprintf(ev->name, sizeof(ev->name), "%s-%s%s", cache_ids[id],
		 cache_ops[op], res ? "-misses" : plural);
	snprintf(ev->desc, sizeof(ev->desc), "%s %s %s", cache_what[id],
		 cache_ops[op], res ? "misses" : "accesses");
	return true;
}

/*
 * Name and describe a generic event from its numbers (the PMU type that
 * cpu_core/cycles/ puts in the high config bits aside). False if not one.
 */
static bool generic_names(struct prof_event *ev)
{
	uint64_t config = ev->config & PERF_HW_EVENT_MASK;
	const struct generic *g;

	if (ev->type == PERF_TYPE_HW_CACHE)
		return cache_name(config, ev);
	if (ev->type != PERF_TYPE_HARDWARE && ev->type != PERF_TYPE_SOFTWARE)
		return false;
	g = generic_by_config(ev->type, config);
	if (!g)
		return false;
	snprintf(ev->name, sizeof(ev->name), "%s", g->name);
	snprintf(ev->desc, sizeof(ev->desc), "%s", g->desc);
	return true;
}

/* Where the kernel routes the fixed perf types. */
static const char *type_pmu(uint32_t type)
{
	switch (type) {
	case PERF_TYPE_SOFTWARE:
		return "software";
	case PERF_TYPE_TRACEPOINT:
		return "tracepoint";
	case PERF_TYPE_BREAKPOINT:
		return "breakpoint";
	}
	return core_pmu_name();
}

static bool type_needs_hw(uint32_t type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE ||
	       type == PERF_TYPE_RAW;
}

/* The PMUs that count the CPU's own events, by their sysfs names. */
static bool is_core_pmu(const char *n)
{
	return !strcmp(n, "cpu") || !strcmp(n, "cpu_core") ||
	       !strcmp(n, "cpu_atom") || !strncmp(n, "armv", 4) ||
	       (!strncmp(n, "arm_", 4) && strstr(n, "pmu")) ||
	       !strcmp(n, "cpum_cf") || !strcmp(n, "riscv_pmu");
}

/* perf's modifiers that llctl takes: a non-empty mix of u, k and h. */
static bool is_modifier(const char *s)
{
	return s[0] && strspn(s, "ukh") == strlen(s);
}

/* Count only the modes @m names. */
static void apply_modifier(const char *m, struct prof_event *ev)
{
	ev->exclude_user = !strchr(m, 'u');
	ev->exclude_kernel = !strchr(m, 'k');
	ev->exclude_hv = !strchr(m, 'h');
}

/*
 * Append to the name the modes still counted when some are excluded
 * (":u", or "u" after a PMU spec as perf writes "msr/tsc/u").
 */
static int name_modifier(struct prof_event *ev, const char *sep,
			 const char *spec, char *err, size_t errlen)
{
	size_t n = strlen(ev->name);
	int len;

	if (!ev->exclude_user && !ev->exclude_kernel && !ev->exclude_hv)
		return 0;
	len = snprintf(ev->name + n, sizeof(ev->name) - n, "%s%s%s%s", sep,
		       ev->exclude_user ? "" : "u",
		       ev->exclude_kernel ? "" : "k",
		       ev->exclude_hv ? "" : "h");
	if (len < 0 || (size_t)len >= sizeof(ev->name) - n)
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': its name is longer than %zu characters",
			    spec, sizeof(ev->name) - 1);
	return 0;
}

/* rNNNN: 1 to 16 hex digits, lower-case r as perf has it. */
static bool is_raw(const char *s)
{
	size_t n = strlen(s + 1);

	return s[0] == 'r' && n >= 1 && n <= 16 &&
	       strspn(s + 1, "0123456789abcdefABCDEF") == n;
}

static void raw_resolve(const char *s, struct prof_event *ev)
{
	ev->type = PERF_TYPE_RAW;
	ev->config = strtoull(s + 1, NULL, 16);
	ev->hw = true;
	snprintf(ev->pmu, sizeof(ev->pmu), "%s", core_pmu_name());
	snprintf(ev->name, sizeof(ev->name), "r%" PRIx64, ev->config);
	snprintf(ev->desc, sizeof(ev->desc),
		 "Raw config 0x%" PRIx64 " of the CPU's PMU", ev->config);
}

/* libpfm4: 0 once initialised, else its error (tried once). */
static int pfm_ready(void)
{
	static int ret = 1;

	if (ret == 1)
		ret = pfm_initialize();
	return ret;
}

static int pfm_event_info(int idx, pfm_event_info_t *ei)
{
	memset(ei, 0, sizeof(*ei));
	ei->size = sizeof(*ei);
	return pfm_get_event_info(idx, PFM_OS_PERF_EVENT_EXT, ei);
}

static int pfm_pmu_info(pfm_pmu_t pmu, pfm_pmu_info_t *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->size = sizeof(*pi);
	return pfm_get_pmu_info(pmu, pi);
}

static int pfm_encode(const char *s, struct perf_event_attr *attr, int *idx)
{
	pfm_perf_encode_arg_t arg;
	int ret;

	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	ret = pfm_get_os_event_encoding(s, PFM_PLM0 | PFM_PLM3,
					PFM_OS_PERF_EVENT_EXT, &arg);
	*idx = arg.idx;
	return ret;
}

/* A host PMU event's name: as given, without "pmu::", in libpfm's case. */
static void pfm_hw_name(const char *base, struct prof_event *ev)
{
	const char *s = strstr(base, "::");
	char *p;

	snprintf(ev->name, sizeof(ev->name), "%s", s ? s + 2 : base);
	for (p = ev->name; *p; p++)
		*p = toupper((unsigned char)*p);
}

static void pfm_names(const char *base, const pfm_event_info_t *ei,
		      const pfm_pmu_info_t *pi, struct prof_event *ev)
{
	if (pi->pmu == PFM_PMU_PERF_EVENT || pi->pmu == PFM_PMU_PERF_EVENT_RAW) {
		snprintf(ev->pmu, sizeof(ev->pmu), "%s", type_pmu(ev->type));
		ev->hw = type_needs_hw(ev->type);
		if (generic_names(ev))
			return;
		snprintf(ev->name, sizeof(ev->name), "%s", base);
	} else {
		snprintf(ev->pmu, sizeof(ev->pmu), "%s", pi->name);
		ev->hw = true;
		pfm_hw_name(base, ev);
	}
	snprintf(ev->desc, sizeof(ev->desc), "%s", ei->desc ? ei->desc : "");
}

/*
 * @base (no perf modifier) through libpfm4's perf_events layer: the generic
 * names first, then the detected PMUs' own. 0 or a PFM_ERR_*.
 */
static int pfm_resolve(const char *base, struct prof_event *ev)
{
	struct perf_event_attr attr;
	pfm_event_info_t ei;
	pfm_pmu_info_t pi;
	char q[SPEC_MAX + 8];
	int idx, ret;

	ret = pfm_ready();
	if (ret != PFM_SUCCESS)
		return ret;
	ret = PFM_ERR_NOTFOUND;
	if (!strstr(base, "::")) {
		snprintf(q, sizeof(q), "perf::%s", base);
		ret = pfm_encode(q, &attr, &idx);
	}
	if (ret == PFM_ERR_NOTFOUND)
		ret = pfm_encode(base, &attr, &idx);
	if (ret == PFM_SUCCESS)
		ret = pfm_event_info(idx, &ei);
	if (ret == PFM_SUCCESS)
		ret = pfm_pmu_info(ei.pmu, &pi);
	if (ret != PFM_SUCCESS)
		return ret;
	ev->type = attr.type;
	ev->config = attr.config;
	ev->config1 = attr.config1;
	ev->config2 = attr.config2;
	/* only libpfm4's own u=/k= say anything here; the hv bit follows */
	ev->exclude_user = attr.exclude_user;
	ev->exclude_kernel = attr.exclude_kernel;
	ev->exclude_hv = attr.exclude_user || attr.exclude_kernel;
	pfm_names(base, &ei, &pi, ev);
	return 0;
}

/* A name libpfm4 does not know but the generic table does. */
static int table_resolve(const char *base, struct prof_event *ev)
{
	const struct generic *g = generic_by_name(base);

	if (!g)
		return PFM_ERR_NOTFOUND;
	ev->type = g->type;
	ev->config = g->config;
	ev->hw = type_needs_hw(g->type);
	snprintf(ev->pmu, sizeof(ev->pmu), "%s", type_pmu(g->type));
	generic_names(ev);
	return 0;
}

/*
 * perf's generic names are ABI constants: the table answers them without
 * pfm_initialize(), which reads every tracepoint id under debugfs (about
 * 50 ms, most of a short 'llctl profile'). libpfm4 gets the rest.
 */
static int named_resolve(const char *base, struct prof_event *ev)
{
	if (table_resolve(base, ev) == PFM_SUCCESS)
		return 0;
	return pfm_resolve(base, ev);
}

/* Has the core PMU an events/@name file (arm64's cpu_cycles, ...)? */
static bool core_pmu_has(const char *name)
{
	char rel[PATH_MAX];

	if (!name[0] || strchr(name, '/') ||
	    snprintf(rel, sizeof(rel), PMU_DIR "/%s/events/%s",
		     core_pmu_name(), name) >= (int)sizeof(rel))
		return false;
	return llctl_root_exists(root, rel);
}

/* What a libpfm4 error means for @spec. */
static int pfm_fail(const char *spec, const char *base, int ret, char *err,
		    size_t errlen)
{
	char pat[SPEC_MAX];

	/* the event part, for 'llctl events PATTERN' */
	snprintf(pat, sizeof(pat), "%s", strstr(base, "::") ?
		 strstr(base, "::") + 2 : base);
	pat[strcspn(pat, ":.")] = '\0';
	switch (ret) {
	case PFM_ERR_NOTFOUND:
		if (core_pmu_has(pat) && !strchr(base, ':'))
			return fail(err, errlen, -ENOENT,
				    "Unable to use event '%s': it is an event of PMU %s (sysfs), named with its PMU: %s/%s/",
				    spec, core_pmu_name(), core_pmu_name(),
				    base);
		return fail(err, errlen, -ENOENT,
			    "Unable to use event '%s': unknown event: 'llctl events %s' lists the names this machine knows",
			    spec, pat);
	case PFM_ERR_NOINIT:
		return fail(err, errlen, -ENOENT,
			    "Unable to use event '%s': unknown event, and libpfm4 did not initialise, so only generic, rNNNN and PMU/.../ names work: see 'llctl events'",
			    spec);
	case PFM_ERR_UMASK:
	case PFM_ERR_ATTR:
	case PFM_ERR_ATTR_VAL:
	case PFM_ERR_ATTR_SET:
	case PFM_ERR_FEATCOMB:
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': %s (libpfm4): 'llctl events %s' lists its unit masks",
			    spec, pfm_strerror(ret), pat);
	}
	return fail(err, errlen, -EINVAL, "Unable to use event '%s': %s (libpfm4)",
		    spec, pfm_strerror(ret));
}

/* A name, maybe rNNNN, maybe with a trailing ":u"-style modifier. */
static int parse_named(char *s, const char *spec, struct prof_event *ev,
		       char *err, size_t errlen)
{
	char *colon = strrchr(s, ':');
	const char *mod = NULL;
	int ret;

	if (colon && is_modifier(colon + 1)) {
		*colon = '\0';
		mod = colon + 1;
	} else if (colon && colon[1] && strspn(colon + 1, "p") == strlen(colon + 1)) {
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': ':%s' asks for precise sampling (PEBS, IBS), and llctl counts: drop it",
			    spec, colon + 1);
	}
	if (!s[0])
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': no event name before the modifier",
			    spec);
	if (is_raw(s)) {
		raw_resolve(s, ev);
	} else {
		ret = named_resolve(s, ev);
		if (ret)
			return pfm_fail(spec, s, ret, err, errlen);
	}
	if (mod)
		apply_modifier(mod, ev);
	return name_modifier(ev, ":", spec, err, errlen);
}

/* A PMU or term name safe to put in a sysfs path. */
static bool sysfs_name_ok(const char *s, bool dots)
{
	size_t i;

	if (!s[0] || s[0] == '.')
		return false;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && !(dots && s[i] == '.'))
			return false;
	return true;
}

/* What a PMU/.../ spec is being built from. */
struct pmu_spec {
	const char *spec;
	const char *pmu;
	long type;
	struct prof_event *ev;
	const char *event;	/* the events/ file used, if any */
	char *err;
	size_t errlen;
};

static char *pmu_file(const struct pmu_spec *x, const char *dir,
		      const char *name)
{
	char path[256];

	if (snprintf(path, sizeof(path), PMU_DIR "/%s/%s/%s", x->pmu, dir,
		     name) >= (int)sizeof(path))
		return NULL;
	return llctl_root_read(root, path);
}

static uint64_t *config_word(struct prof_event *ev, const char *name)
{
	if (!strcmp(name, "config"))
		return &ev->config;
	if (!strcmp(name, "config1"))
		return &ev->config1;
	if (!strcmp(name, "config2"))
		return &ev->config2;
	return NULL;
}

/*
 * Put @val into the bits a format file names ("config:0-7,32-35": low
 * bits first). 0, -EINVAL for a format we do not read, -ERANGE when @val
 * has bits left over.
 */
static int place_bits(const char *fmt, uint64_t val, struct prof_event *ev)
{
	const char *colon = strchr(fmt, ':');
	unsigned long lo, hi, width;
	char word[16], *end;
	uint64_t *dst, mask;
	const char *p;

	if (!colon || (size_t)(colon - fmt) >= sizeof(word))
		return -EINVAL;
	memcpy(word, fmt, colon - fmt);
	word[colon - fmt] = '\0';
	dst = config_word(ev, word);
	if (!dst)
		return -EINVAL;
	for (p = colon + 1; ; p = end + 1) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			hi = strtoul(end + 1, &end, 10);
		}
		if (hi < lo || hi > 63)
			return -EINVAL;
		width = hi - lo + 1;
		mask = width == 64 ? ~0ULL : (1ULL << width) - 1;
		*dst = (*dst & ~(mask << lo)) | ((val & mask) << lo);
		val = width == 64 ? 0 : val >> width;
		if (*end != ',')
			break;
	}
	if (*end && !isspace((unsigned char)*end))
		return -EINVAL;
	return val ? -ERANGE : 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int apply_terms(struct pmu_spec *x, char *terms, int depth);

/* A term naming one of the PMU's events/ files: its terms, not nested. */
static int apply_event_file(struct pmu_spec *x, const char *name,
			    char *terms)
{
	int ret = apply_terms(x, terms, 1);

	free(terms);
	x->event = name;
	return ret;
}

/*
 * cpu_core/cycles/: a generic name on a core PMU that has no such events/
 * file. Hybrid PMUs take it as PERF_TYPE_HARDWARE with their own type in
 * config's high 32 bits; the one "cpu" PMU of other machines is type 4,
 * PERF_TYPE_RAW, and takes it plain.
 */
static int apply_generic(struct pmu_spec *x, const char *name)
{
	struct prof_event g = { 0 };

	if (!is_core_pmu(x->pmu) || named_resolve(name, &g) ||
	    (g.type != PERF_TYPE_HARDWARE && g.type != PERF_TYPE_HW_CACHE))
		return -ENOENT;
	x->ev->type = g.type;
	x->ev->config = g.config;
	if (x->type != PERF_TYPE_RAW)
		x->ev->config |= (uint64_t)x->type << PERF_PMU_TYPE_SHIFT;
	snprintf(x->ev->desc, sizeof(x->ev->desc), "%s", g.desc);
	x->event = name;
	return 0;
}

static int term_fail(struct pmu_spec *x, int ret, const char *name,
		     const char *val, const char *fmt)
{
	if (ret == -ERANGE)
		return fail(x->err, x->errlen, ret,
			    "Unable to use event '%s': %s=%s does not fit in %s (format/%s of PMU %s)",
			    x->spec, name, val, fmt, name, x->pmu);
	if (fmt)
		return fail(x->err, x->errlen, ret,
			    "Unable to use event '%s': PMU %s describes term '%s' as '%s', which llctl cannot read: use config=, config1=, config2=",
			    x->spec, x->pmu, name, fmt);
	if (val)
		return fail(x->err, x->errlen, ret,
			    "Unable to use event '%s': '%s' is not a number (decimal, or hex with 0x)",
			    x->spec, val);
	return fail(x->err, x->errlen, -ENOENT,
		    "Unable to use event '%s': PMU %s has no event or format term '%s': 'llctl events %s/' lists its events, /sys/bus/event_source/devices/%s/format its terms",
		    x->spec, x->pmu, name, x->pmu, x->pmu);
}

/* One "name" or "name=value" term. */
static int apply_term(struct pmu_spec *x, char *term, int depth, bool alone)
{
	char *eq = strchr(term, '='), *fmt, *terms;
	const char *val = eq ? eq + 1 : NULL;
	uint64_t v = 1, *word;
	int ret;

	if (eq)
		*eq = '\0';
	if (!sysfs_name_ok(term, false))
		return fail(x->err, x->errlen, -EINVAL,
			    "Unable to use event '%s': '%s' is not a term: terms are name=value, separated by ','",
			    x->spec, term);
	if (val && parse_u64(val, &v))
		return term_fail(x, -EINVAL, term, val, NULL);
	word = config_word(x->ev, term);
	if (word) {
		*word = v;
		return 0;
	}
	fmt = pmu_file(x, "format", term);
	if (fmt) {
		ret = place_bits(fmt, v, x->ev);
		if (ret)
			ret = term_fail(x, ret, term, val ? val : "1", fmt);
		free(fmt);
		return ret;
	}
	terms = !val && !depth ? pmu_file(x, "events", term) : NULL;
	if (terms)
		return apply_event_file(x, term, terms);
	if (!val && alone && !depth && !apply_generic(x, term))
		return 0;
	return term_fail(x, -ENOENT, term, NULL, NULL);
}

static int apply_terms(struct pmu_spec *x, char *terms, int depth)
{
	bool alone = !strchr(terms, ',');
	char *save = NULL, *t;
	int ret;

	for (t = strtok_r(terms, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		t += strspn(t, " \t\n");
		llctl_rstrip(t);
		if (!t[0])
			continue;
		ret = apply_term(x, t, depth, alone);
		if (ret)
			return ret;
	}
	return 0;
}

/* Describe a PMU/.../ event: its terms, and the unit sysfs gives. */
static void pmu_desc(struct pmu_spec *x, const char *body)
{
	char unit_file[96], *terms = NULL, *unit = NULL;

	if (x->ev->desc[0])
		return;
	if (x->event) {
		terms = pmu_file(x, "events", x->event);
		snprintf(unit_file, sizeof(unit_file), "%s.unit", x->event);
		unit = pmu_file(x, "events", unit_file);
	}
	snprintf(x->ev->desc, sizeof(x->ev->desc), "%s event (%s)%s%s",
		 x->pmu, terms ? terms : body, unit ? ", in " : "",
		 unit ? unit : "");
	free(terms);
	free(unit);
}

/* PMU/EVENT/ or PMU/term=value,.../, then an optional modifier. */
static int parse_pmu_spec(char *s, const char *spec, struct prof_event *ev,
			  char *err, size_t errlen)
{
	struct pmu_spec x = { .spec = spec, .pmu = s, .ev = ev, .err = err,
			      .errlen = errlen };
	char *body = strchr(s, '/') + 1, *end = strchr(body, '/'), *mod;
	char path[128], terms[SPEC_MAX];
	int ret;

	if (!end)
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': a PMU event is PMU/EVENT/ or PMU/term=value,.../, with the closing '/'",
			    spec);
	body[-1] = *end = '\0';
	mod = end + 1 + (end[1] == ':');
	if (*mod && !is_modifier(mod))
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': unknown modifier '%s': llctl takes u (user space), k (kernel) and h (hypervisor)",
			    spec, mod);
	if (!sysfs_name_ok(s, true) ||
	    snprintf(path, sizeof(path), PMU_DIR "/%s/type", s) >= (int)sizeof(path) ||
	    llctl_root_read_int(root, path, &x.type) || x.type < 0)
		return fail(err, errlen, -ENOENT,
			    "Unable to use event '%s': no PMU '%s' in /sys/bus/event_source/devices: 'llctl events' lists the PMUs here",
			    spec, s);
	if (!body[0])
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': name an event or terms between the slashes, as in %s/config=0x1/",
			    spec, s);
	ev->type = x.type;
	ev->hw = is_core_pmu(s);
	if (snprintf(ev->pmu, sizeof(ev->pmu), "%s", s) >= (int)sizeof(ev->pmu))
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': PMU names longer than %zu characters are not supported",
			    spec, sizeof(ev->pmu) - 1);
	snprintf(terms, sizeof(terms), "%s", body);
	if (err && errlen)
		err[0] = '\0';
	ret = apply_terms(&x, terms, 0);
	if (ret)
		return ret;
	pmu_desc(&x, body);
	if (snprintf(ev->name, sizeof(ev->name), "%s/%s/", s, body) >=
	    (int)sizeof(ev->name))
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%s': its name is longer than %zu characters",
			    spec, sizeof(ev->name) - 1);
	if (*mod)
		apply_modifier(mod, ev);
	return name_modifier(ev, "", spec, err, errlen);
}

int prof_event_parse(const char *spec, struct prof_event *ev, char *err,
		     size_t errlen)
{
	char s[SPEC_MAX];
	size_t n;

	memset(ev, 0, sizeof(*ev));
	if (err && errlen)
		err[0] = '\0';
	if (!spec)
		spec = "";
	spec += strspn(spec, " \t\n");
	n = strlen(spec);
	if (n >= sizeof(s) - 1)
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '%.32s...': names are at most %zu characters",
			    spec, sizeof(s) - 2);
	memcpy(s, spec, n + 1);
	llctl_rstrip(s);
	if (!s[0])
		return fail(err, errlen, -EINVAL,
			    "Unable to use event '': name one, e.g. cycles or task-clock ('llctl events' lists them)");
	if (strchr(s, '/'))
		return parse_pmu_spec(s, spec, ev, err, errlen);
	return parse_named(s, spec, ev, err, errlen);
}

void prof_event_attr(const struct prof_event *ev,
		     struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = ev->type;
	attr->config = ev->config;
	attr->config1 = ev->config1;
	attr->config2 = ev->config2;
	attr->exclude_user = ev->exclude_user;
	attr->exclude_kernel = ev->exclude_kernel;
	attr->exclude_hv = ev->exclude_hv;
}

static int perf_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/* The first CPU in @pmu's cpumask, or -1 when it has none. */
static int cpumask_first(const char *pmu)
{
	char path[128], *mask;
	long cpu = -1;

	if (snprintf(path, sizeof(path), PMU_DIR "/%s/cpumask", pmu) >=
	    (int)sizeof(path))
		return -1;
	mask = llctl_root_read(root, path);
	if (mask && isdigit((unsigned char)mask[0]))
		cpu = strtol(mask, NULL, 10);
	free(mask);
	return cpu > INT32_MAX ? -1 : (int)cpu;
}

/* The sysfs PMU of a dynamic type (libpfm4 names uncore PMUs its own way). */
static bool sysfs_pmu_of_type(uint32_t type, char *name, size_t len)
{
	char path[PATH_MAX], rel[128];
	struct dirent *d;
	bool found = false;
	DIR *dir = NULL;
	long t;

	if (!llctl_root_path(path, sizeof(path), root, PMU_DIR))
		dir = opendir(path);
	while (dir && !found && (d = readdir(dir))) {
		if (!sysfs_name_ok(d->d_name, true) ||
		    snprintf(rel, sizeof(rel), PMU_DIR "/%s/type", d->d_name) >=
		    (int)sizeof(rel) || llctl_root_read_int(root, rel, &t))
			continue;
		found = t == type &&
			snprintf(name, len, "%s", d->d_name) < (int)len;
	}
	if (dir)
		closedir(dir);
	return found;
}

/*
 * The first CPU of a per-CPU PMU (uncore, power: those with a cpumask), on
 * which it must be opened CPU-wide, or -1 for a PMU that counts per task.
 */
static int pmu_first_cpu(const struct prof_event *ev)
{
	char pmu[256];

	if (ev->pmu[0] && sysfs_name_ok(ev->pmu, true) &&
	    cpumask_first(ev->pmu) >= 0)
		return cpumask_first(ev->pmu);
	if (ev->type < PERF_TYPE_MAX ||
	    !sysfs_pmu_of_type(ev->type, pmu, sizeof(pmu)))
		return -1;
	return cpumask_first(pmu);
}

int prof_event_try_open(const struct prof_event *ev)
{
	struct perf_event_attr attr;
	int cpu = pmu_first_cpu(ev), fd, first;
	pid_t pid = cpu < 0 ? 0 : -1;

	prof_event_attr(ev, &attr);
	attr.disabled = 1;
	fd = perf_open(&attr, pid, cpu);
	if (fd < 0 && (errno == EACCES || errno == EPERM) &&
	    !attr.exclude_kernel) {
		/* paranoid level 2 leaves users without CAP_PERFMON user space */
		first = -errno;
		attr.exclude_kernel = 1;
		attr.exclude_hv = 1;
		fd = perf_open(&attr, pid, cpu);
		if (fd < 0)
			return first;
	}
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * A core PMU by name, else (names differ across architectures) a cycles
 * counter that opens: only "no such event" means there is none.
 */
static int find_hw_pmu(void)
{
	struct prof_event cycles = {
		.type = PERF_TYPE_HARDWARE, .config = PERF_COUNT_HW_CPU_CYCLES,
		.exclude_kernel = true, .exclude_hv = true,
	};
	struct dirent *d;
	char path[PATH_MAX];
	bool found = false;
	DIR *dir = NULL;
	int ret;

	if (!llctl_root_path(path, sizeof(path), root, PMU_DIR))
		dir = opendir(path);
	while (dir && !found && (d = readdir(dir)))
		found = is_core_pmu(d->d_name);
	if (dir)
		closedir(dir);
	if (found || !llctl_root_is_real(root))
		return found;
	ret = prof_event_try_open(&cycles);
	return ret != -ENOENT && ret != -EOPNOTSUPP;
}

bool prof_have_hw_pmu(void)
{
	if (hw_pmu < 0)
		hw_pmu = find_hw_pmu();
	return hw_pmu;
}

static void hint_access(const struct prof_event *ev, char *buf, size_t len)
{
	struct llctl_hint_ctx h;
	char cap[512];
	long level;

	llctl_hint_ctx_self(&h);
	llctl_hint_perf_cap(&h, cap, sizeof(cap));

	if (llctl_root_read_int(root, "proc/sys/kernel/perf_event_paranoid",
				&level))
		snprintf(buf, len, "perf_event_open was refused and /proc/sys/kernel/perf_event_paranoid cannot be read: run as root, or %s",
			 cap);
	else if (level > 0 && ev && pmu_first_cpu(ev) >= 0)
		snprintf(buf, len, "perf_event_paranoid is %ld and %s counts per CPU only, which needs level 0 or CAP_PERFMON: run 'sudo sysctl kernel.perf_event_paranoid=0', or %s",
			 level, ev->pmu, cap);
	else if (level >= 3)
		snprintf(buf, len, "perf_event_paranoid is %ld: users without CAP_PERFMON may not use perf_event_open at all (a Debian patch): run 'sudo sysctl kernel.perf_event_paranoid=2', or %s",
			 level, cap);
	else if (level == 2 && !(ev && ev->exclude_kernel))
		snprintf(buf, len, "perf_event_paranoid is 2: users without CAP_PERFMON count user space only: add :u to the event, run 'sudo sysctl kernel.perf_event_paranoid=1', or %s",
			 cap);
	else
		snprintf(buf, len, "perf_event_paranoid is %ld, and this needs more: CPU-wide counting (per-CPU PMUs like uncore) wants CAP_PERFMON, or a security module (SELinux, lockdown) refused it: run as root, or %s",
			 level, cap);
}

static void hint_missing(int err, const struct prof_event *ev, char *buf,
			 size_t len)
{
	const char *name = ev && ev->name[0] ? ev->name : "the event";
	const char *pmu = ev && ev->pmu[0] ? ev->pmu : "its PMU";

	if (ev && ev->hw && !prof_have_hw_pmu())
		snprintf(buf, len, "this machine has no hardware PMU (a VM without a virtual PMU?): only software events, tracepoints and msr count here ('llctl events software'); QEMU/KVM guests need -cpu host,pmu=on");
	else if (err == ENOENT)
		snprintf(buf, len, "%s is not an event of %s on this machine: 'llctl events' lists what this machine supports",
			 name, pmu);
	else
		snprintf(buf, len, "%s cannot count %s this way (sampling, or a :u/:k filter it lacks): drop the modifier, or see 'llctl events'",
			 pmu, name);
}

static void hint_busy(const struct prof_event *ev, char *buf, size_t len)
{
	long wd;

	if ((!ev || ev->hw) &&
	    !llctl_root_read_int(root, "proc/sys/kernel/nmi_watchdog", &wd) &&
	    wd > 0)
		snprintf(buf, len, "another user holds the counter: the NMI watchdog keeps one (kernel.nmi_watchdog=%ld): run 'sudo sysctl kernel.nmi_watchdog=0', or stop other perf users",
			 wd);
	else
		snprintf(buf, len, "another user holds the counter (perf stat/record, a profiler, the hypervisor): stop it and retry");
}

const char *prof_perf_err_hint(int err, const struct prof_event *ev,
			       char *buf, size_t len)
{
	const char *pmu = ev && ev->pmu[0] ? ev->pmu : "this PMU";

	if (!buf || !len)
		return "";
	err = err < 0 ? -err : err;
	switch (err) {
	case EACCES:
	case EPERM:
		hint_access(ev, buf, len);
		break;
	case ENOENT:
	case EOPNOTSUPP:
		hint_missing(err, ev, buf, len);
		break;
	case EBUSY:
		hint_busy(ev, buf, len);
		break;
	case ENODEV:
		snprintf(buf, len, "the CPU is offline, or %s does not count on it (hybrid CPUs: cpu_core counts on P-cores, cpu_atom on E-cores): use an online CPU the PMU covers",
			 pmu);
		break;
	case EINVAL:
		snprintf(buf, len, "the attributes are not valid for %s (type %" PRIu32 ", config 0x%" PRIx64 "): a config bit it lacks, a :u/:k filter it cannot apply (msr counts every mode), or sampling where it only counts",
			 pmu, ev ? ev->type : 0, ev ? ev->config : 0);
		break;
	case EMFILE:
		snprintf(buf, len, "too many open files, one per counter and CPU: raise the limit (ulimit -n) or count fewer events at once");
		break;
	case ENOSPC:
		snprintf(buf, len, "too many counters: %s has none left for this event: count fewer events at once",
			 pmu);
		break;
	case E2BIG:
		snprintf(buf, len, "this kernel is older than llctl's perf_event_attr: rebuild llctl against this kernel's headers");
		break;
	default:
		snprintf(buf, len, "%s: see perf_event_open(2)", strerror(err));
	}
	return buf;
}

/* The listing: @pattern against the name or the PMU. */
static bool matches(const char *pattern, const char *name, const char *pmu)
{
	if (!pattern || !pattern[0])
		return true;
	if (strpbrk(pattern, "*?["))
		return !fnmatch(pattern, name, FNM_CASEFOLD) ||
		       !fnmatch(pattern, pmu, FNM_CASEFOLD);
	return strcasestr(name, pattern) || strcasestr(pmu, pattern);
}

static int list_add(struct prof_event_list *l, const struct prof_event *ev,
		    const char *reason)
{
	struct prof_event_entry *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? 2 * l->cap : 64;
		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	v->ev = *ev;
	if (reason)
		snprintf(v->reason, sizeof(v->reason), "%s", reason);
	return 0;
}

void prof_event_list_free(struct prof_event_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Parse @spec and add it when it has @type and it, or its other spelling
 * @alias (may be NULL), matches; a spec that fails is skipped.
 */
static int add_spec(struct prof_event_list *l, const char *pattern,
		    const char *spec, const char *alias, uint32_t type)
{
	struct prof_event ev;

	if (prof_event_parse(spec, &ev, NULL, 0) || ev.type != type ||
	    (!matches(pattern, ev.name, ev.pmu) &&
	     !(alias && matches(pattern, alias, ev.pmu))))
		return 0;
	return list_add(l, &ev, NULL);
}

static int collect_generic(struct prof_event_list *l, const char *pattern)
{
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(generics); i++) {
		ret = add_spec(l, pattern, generics[i].name, generics[i].alias,
			       generics[i].type);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The generic cache events: libpfm4's perf-style aliases
 * (L1-DCACHE-LOADS is PERF_COUNT_HW_CACHE_L1D:READ:ACCESS).
 */
static int collect_cache(struct prof_event_list *l, const char *pattern)
{
	pfm_event_info_t ei;
	pfm_pmu_info_t pi;
	int idx, ret;

	if (pfm_ready() || pfm_pmu_info(PFM_PMU_PERF_EVENT, &pi))
		return 0;
	for (idx = pi.first_event; idx != -1; idx = pfm_get_event_next(idx)) {
		if (pfm_event_info(idx, &ei) || !ei.equiv ||
		    strncmp(ei.equiv, "PERF_COUNT_HW_CACHE_", 20))
			continue;
		ret = add_spec(l, pattern, ei.name, NULL, PERF_TYPE_HW_CACHE);
		if (ret)
			return ret;
	}
	return 0;
}

/* An event that needs a unit mask: one entry per unit mask. */
static int collect_umasks(struct prof_event_list *l, const char *pattern,
			  const pfm_pmu_info_t *pi, const pfm_event_info_t *ei)
{
	pfm_event_attr_info_t ai;
	struct prof_event ev;
	char spec[SPEC_MAX];
	int i, ret;

	for (i = 0; i < ei->nattrs; i++) {
		memset(&ai, 0, sizeof(ai));
		ai.size = sizeof(ai);
		if (pfm_get_event_attr_info(ei->idx, i, PFM_OS_PERF_EVENT_EXT, &ai) ||
		    ai.type != PFM_ATTR_UMASK)
			continue;
		snprintf(spec, sizeof(spec), "%s:%s", ei->name, ai.name);
		if (!matches(pattern, spec, pi->name))
			continue;
		snprintf(spec, sizeof(spec), "%s::%s:%s", pi->name, ei->name,
			 ai.name);
		memset(&ev, 0, sizeof(ev));
		if (pfm_resolve(spec, &ev))
			continue;
		if (ai.desc)
			snprintf(ev.desc, sizeof(ev.desc), "%s: %s",
				 ei->desc ? ei->desc : ei->name, ai.desc);
		ret = list_add(l, &ev, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

static int collect_pfm_event(struct prof_event_list *l, const char *pattern,
			     const pfm_pmu_info_t *pi, const pfm_event_info_t *ei)
{
	struct prof_event ev = { 0 };
	char spec[SPEC_MAX], reason[sizeof(l->v->reason)];
	int ret;

	if (pi->is_present) {
		snprintf(spec, sizeof(spec), "%s::%s", pi->name, ei->name);
		ret = pfm_resolve(spec, &ev);
		if (ret == PFM_ERR_UMASK)
			return collect_umasks(l, pattern, pi, ei);
		if (ret || !matches(pattern, ev.name, ev.pmu))
			return 0;
		return list_add(l, &ev, NULL);
	}
	/* not here: libpfm4 cannot encode it, show its code as a raw one */
	if (!matches(pattern, ei->name, pi->name))
		return 0;
	ev.type = PERF_TYPE_RAW;
	ev.config = ei->code;
	ev.hw = true;
	snprintf(ev.name, sizeof(ev.name), "%s", ei->name);
	snprintf(ev.pmu, sizeof(ev.pmu), "%s", pi->name);
	snprintf(ev.desc, sizeof(ev.desc), "%s", ei->desc ? ei->desc : "");
	snprintf(reason, sizeof(reason), "libpfm4 knows PMU %s (%s) but did not detect it on this machine",
		 pi->name, pi->desc ? pi->desc : "no description");
	return list_add(l, &ev, reason);
}

/* The CPU PMUs libpfm4 knows: the detected ones, or with @all every one. */
static int collect_pfm(struct prof_event_list *l, const char *pattern,
		       bool all)
{
	pfm_event_info_t ei;
	pfm_pmu_info_t pi;
	int p, idx, ret;

	if (pfm_ready())
		return 0;
	pfm_for_all_pmus(p) {
		if (pfm_pmu_info(p, &pi) ||
		    (pi.type != PFM_PMU_TYPE_CORE &&
		     pi.type != PFM_PMU_TYPE_UNCORE) ||
		    (!pi.is_present && !all))
			continue;
		for (idx = pi.first_event; idx != -1;
		     idx = pfm_get_event_next(idx)) {
			if (pfm_event_info(idx, &ei))
				continue;
			ret = collect_pfm_event(l, pattern, &pi, &ei);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.' && !strchr(d->d_name, '.');
}

/* The events/ files of one sysfs PMU; one that does not parse says why. */
static int collect_sysfs_pmu(struct prof_event_list *l, const char *pattern,
			     const char *pmu)
{
	char rel[128], path[PATH_MAX], spec[SPEC_MAX];
	char err[sizeof(l->v->reason)];
	struct dirent **ents = NULL;
	struct prof_event ev;
	int i, n = -1, ret = 0;

	if (snprintf(rel, sizeof(rel), PMU_DIR "/%s/events", pmu) <
	    (int)sizeof(rel) && !llctl_root_path(path, sizeof(path), root, rel))
		n = scandir(path, &ents, not_dot, alphasort);
	for (i = 0; i < n; i++) {
		if (ret || snprintf(spec, sizeof(spec), "%s/%s/", pmu,
				    ents[i]->d_name) >= (int)sizeof(spec) ||
		    !matches(pattern, spec, pmu))
			continue;
		if (prof_event_parse(spec, &ev, err, sizeof(err))) {
			memset(&ev, 0, sizeof(ev));
			snprintf(ev.name, sizeof(ev.name), "%.*s",
				 (int)sizeof(ev.name) - 1, spec);
			snprintf(ev.pmu, sizeof(ev.pmu), "%.*s",
				 (int)sizeof(ev.pmu) - 1, pmu);
			ret = list_add(l, &ev, err);
		} else {
			ret = list_add(l, &ev, NULL);
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return ret;
}

static int collect_sysfs(struct prof_event_list *l, const char *pattern)
{
	struct dirent **ents = NULL;
	char path[PATH_MAX];
	int i, n = -1, ret = 0;

	if (!llctl_root_path(path, sizeof(path), root, PMU_DIR))
		n = scandir(path, &ents, not_dot, alphasort);
	for (i = 0; i < n; i++) {
		if (!ret && sysfs_name_ok(ents[i]->d_name, true))
			ret = collect_sysfs_pmu(l, pattern, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

char *prof_event_next(char **s, char *err, size_t errlen)
{
	char *tok = *s, *p;
	bool in_pmu = false;

	err[0] = '\0';
	if (!tok)
		return NULL;
	if (*tok == '{' || strchr(tok, '}')) {
		snprintf(err, errlen,
			 "Unable to count the group in '%s': llkm opens each counter through the kernel's perf API, which takes no group leader, so the members would not be one perf group; give them without braces (each is scaled by its own running time, or use --no-multiplex)",
			 tok);
		return NULL;
	}
	for (p = tok; *p && (in_pmu || *p != ','); p++)
		if (*p == '/')
			in_pmu = !in_pmu;
	*s = *p ? p + 1 : NULL;
	*p = '\0';
	if (!*tok || (*s && !**s)) {
		snprintf(err, errlen,
			 "Unable to use the event list: an empty event (two commas in a row, or one at an end); separate the events by single commas");
		return NULL;
	}
	return tok;
}

/* Entries of one PMU together, the PMUs in the order they first came. */
static int group_by_pmu(struct prof_event_list *l)
{
	struct prof_event_entry *out;
	bool *done;
	size_t i, j, k = 0;

	if (!l->n)
		return 0;
	out = malloc(l->n * sizeof(*out));
	done = calloc(l->n, sizeof(*done));
	if (!out || !done) {
		free(out);
		free(done);
		return -ENOMEM;
	}
	for (i = 0; i < l->n; i++) {
		if (done[i])
			continue;
		for (j = i; j < l->n; j++) {
			if (done[j] || strcmp(l->v[j].ev.pmu, l->v[i].ev.pmu))
				continue;
			out[k++] = l->v[j];
			done[j] = true;
		}
	}
	free(done);
	free(l->v);
	l->v = out;
	l->cap = l->n;
	return 0;
}

int prof_events_collect(struct prof_event_list *l, const char *pattern,
			bool all)
{
	int ret;

	memset(l, 0, sizeof(*l));
	ret = collect_generic(l, pattern);
	if (!ret)
		ret = collect_cache(l, pattern);
	if (!ret)
		ret = collect_pfm(l, pattern, all);
	if (!ret)
		ret = collect_sysfs(l, pattern);
	if (!ret)
		ret = group_by_pmu(l);
	if (ret)
		prof_event_list_free(l);
	return ret;
}

void prof_events_try_open(struct prof_event_list *l)
{
	struct prof_event_entry *e;
	char hint[sizeof(e->reason) - 16];
	const char *name;
	int ret;

	for (e = l->v; e < l->v + l->n; e++) {
		if (e->reason[0])
			continue;
		ret = prof_event_try_open(&e->ev);
		e->supported = !ret;
		if (!ret)
			continue;
		name = strerrorname_np(-ret);
		prof_perf_err_hint(ret, &e->ev, hint, sizeof(hint));
		snprintf(e->reason, sizeof(e->reason), "%s: %s",
			 name ? name : "error", hint);
	}
}

int prof_pfm_core_pmus(char *names, size_t size)
{
	pfm_pmu_info_t pi;
	size_t len = 0;
	int p, n = 0;

	names[0] = '\0';
	if (pfm_ready())
		return -1;
	pfm_for_all_pmus(p) {
		if (pfm_pmu_info(p, &pi) || pi.type != PFM_PMU_TYPE_CORE ||
		    !pi.is_present)
			continue;
		n++;
		if (len < size)
			len += snprintf(names + len, size - len, "%s%s",
					len ? "," : "", pi.name);
	}
	return n;
}

void prof_pfm_core_note(const char *cpu, char *buf, size_t len)
{
	char names[128];
	const char *pmu;
	int n;

	buf[0] = '\0';
	if (!prof_have_hw_pmu())
		return;
	n = prof_pfm_core_pmus(names, sizeof(names));
	if (n > 0)
		return;
	pmu = core_pmu_name();
	if (n < 0)
		snprintf(buf, len, "libpfm4 did not initialise (%s), so its named events are not listed; %s's own events from sysfs are, as %s/NAME/, and rNNNN takes a raw event number",
			 pfm_strerror(pfm_ready()), pmu, pmu);
	else
		snprintf(buf, len, "libpfm4 does not recognise this CPU's core PMU%s%s%s, so its named events are not listed; %s's own events from sysfs are, as %s/NAME/, and rNNNN takes a raw event number",
			 cpu ? " (" : "", cpu ? cpu : "", cpu ? ")" : "",
			 pmu, pmu);
}

struct json_object *prof_events_json(const struct prof_event_list *l)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	const struct prof_event_entry *e;

	for (e = l->v; e < l->v + l->n; e++) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "name",
				       json_object_new_string(e->ev.name));
		json_object_object_add(j, "pmu",
				       json_object_new_string(e->ev.pmu));
		json_object_object_add(j, "type",
				       json_object_new_int64(e->ev.type));
		json_object_object_add(j, "config",
				       json_object_new_uint64(e->ev.config));
		json_object_object_add(j, "description",
				       json_object_new_string(e->ev.desc));
		json_object_object_add(j, "supported",
				       json_object_new_boolean(e->supported));
		json_object_object_add(j, "reason", e->supported ? NULL :
				       json_object_new_string(e->reason));
		json_object_array_add(arr, j);
	}
	json_object_object_add(o, "events", arr);
	return o;
}
