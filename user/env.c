// SPDX-License-Identifier: GPL-2.0
/*
 * The environment a measurement was taken in, read from proc/ and sys/
 * under a root prefix, plus the root-prefixed file primitives (rootfs.h)
 * that doctor.c shares.
 *
 * Nothing is guessed: a file that is missing or does not parse leaves its
 * field unknown (NULL or -1), and the reports say "unknown" or null.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <json-c/json.h>

#include "env.h"
#include "rootfs.h"

#ifndef LLCTL_VERSION
#error "LLCTL_VERSION must come from the Makefile (the VERSION file)"
#endif

#define READ_MAX	4096
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

bool llctl_root_is_real(const char *root)
{
	return !root || !root[0] || !strcmp(root, "/");
}

int llctl_root_path(char *buf, size_t size, const char *root,
		    const char *path)
{
	int n;

	if (llctl_root_is_real(root))
		root = "";
	n = snprintf(buf, size, "%s/%s", root, path);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

bool llctl_root_exists(const char *root, const char *path)
{
	char p[PATH_MAX];

	return !llctl_root_path(p, sizeof(p), root, path) && !access(p, F_OK);
}

FILE *llctl_root_fopen(const char *root, const char *path)
{
	char p[PATH_MAX];
	int ret;

	ret = llctl_root_path(p, sizeof(p), root, path);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	return fopen(p, "re");
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

char *llctl_root_read(const char *root, const char *path)
{
	char p[PATH_MAX];
	char *buf, *nl;
	ssize_t n;
	int fd, ret;

	ret = llctl_root_path(p, sizeof(p), root, path);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(READ_MAX + 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	do {
		n = read(fd, buf, READ_MAX);
	} while (n < 0 && errno == EINTR);
	ret = errno;
	close(fd);
	if (n < 0) {
		free(buf);
		errno = ret;
		return NULL;
	}
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	rstrip(buf);
	return buf;
}

/* A whole string as a decimal long, trailing white space allowed. */
static int parse_long(const char *s, long *val)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*val = v;
	return 0;
}

int llctl_root_read_int(const char *root, const char *path, long *val)
{
	char *s = llctl_root_read(root, path);
	int ret;

	if (!s)
		return -errno;
	ret = parse_long(s, val);
	free(s);
	return ret;
}

/* One CPU number: digits only, at most INT_MAX. */
static int cpulist_num(const char **p, int *val)
{
	const char *s = *p;
	long v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	*val = (int)v;
	*p = s;
	return 0;
}

/*
 * Walk "A[-B](,A[-B])*" with an optional trailing newline, calling @fn once
 * per range when it is set. Returns the CPU count or -1.
 */
static int cpulist_walk(const char *s, int (*fn)(int lo, int hi, void *arg),
			void *arg)
{
	long long count = 0;
	int lo, hi, prev = -1;
	int ret;

	if (!s)
		return -1;
	if (!*s || !strcmp(s, "\n"))
		return 0;
	for (;;) {
		if (cpulist_num(&s, &lo))
			return -1;
		hi = lo;
		if (*s == '-') {
			s++;
			if (cpulist_num(&s, &hi))
				return -1;
		}
		if (hi < lo || lo <= prev)
			return -1;
		prev = hi;
		count += (long long)hi - lo + 1;
		if (count > INT_MAX)
			return -1;
		if (fn) {
			ret = fn(lo, hi, arg);
			if (ret)
				return ret;
		}
		if (*s != ',')
			break;
		s++;
	}
	if (*s == '\n')
		s++;
	return *s ? -1 : (int)count;
}

int llctl_cpulist_count(const char *s)
{
	return cpulist_walk(s, NULL, NULL);
}

struct cpulist_iter {
	int (*fn)(int cpu, void *arg);
	void *arg;
	int ret;
};

static int cpulist_range(int lo, int hi, void *arg)
{
	struct cpulist_iter *it = arg;
	int cpu;

	for (cpu = lo; ; cpu++) {
		it->ret = it->fn(cpu, it->arg);
		if (it->ret)
			return -1;	/* stops the walk */
		if (cpu == hi)
			return 0;
	}
}

int llctl_cpulist_for_each(const char *s, int (*fn)(int cpu, void *arg),
			   void *arg)
{
	struct cpulist_iter it = { .fn = fn, .arg = arg };

	if (llctl_cpulist_count(s) < 0)
		return -1;
	cpulist_walk(s, cpulist_range, &it);
	return it.ret;
}

/* llctl_root_read(), with an empty file as missing. */
static char *read_nonempty(const char *root, const char *path)
{
	char *s = llctl_root_read(root, path);

	if (s && !s[0]) {
		free(s);
		s = NULL;
	}
	return s;
}

/* A list file's count, -1 when missing, malformed or empty. */
static int read_cpulist_count(const char *root, const char *path)
{
	char *s = llctl_root_read(root, path);
	int n;

	if (!s)
		return -1;
	n = llctl_cpulist_count(s);
	free(s);
	return n > 0 ? n : -1;
}

static char *kernel_release(const char *root)
{
	struct utsname u;

	if (llctl_root_is_real(root))
		return uname(&u) ? NULL : strdup(u.release);
	return read_nonempty(root, "proc/sys/kernel/osrelease");
}

/* A non-negative decimal cpuinfo value, -1 when absent or not a number. */
static int cpuinfo_int(const char *s)
{
	long v;

	if (parse_long(s, &v) || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)); p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return true;
	return false;
}

/*
 * The first processor's block of cpuinfo ("key\t: value" lines up to the
 * first blank line). *@hv: 1 when its flags have "hypervisor", 0 when they
 * do not, -1 without a flags line (no cpuinfo, or not x86).
 */
static int parse_cpuinfo(struct llctl_env *env, const char *root, int *hv)
{
	FILE *f = llctl_root_fopen(root, "proc/cpuinfo");
	size_t cap = 0;
	char *line = NULL, *key, *val, *colon;
	bool seen = false;
	int ret = 0;

	*hv = -1;
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		rstrip(line);
		if (!line[0]) {
			if (seen)
				break;
			continue;
		}
		seen = true;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		key = line;
		rstrip(key);
		for (val = colon + 1; isspace((unsigned char)*val); val++)
			;
		if (!strcmp(key, "model name") && !env->cpu_model) {
			env->cpu_model = strdup(val);
			if (!env->cpu_model)
				ret = -ENOMEM;
		} else if (!strcmp(key, "cpu family")) {
			env->cpu_family = cpuinfo_int(val);
		} else if (!strcmp(key, "model")) {
			env->cpu_model_nr = cpuinfo_int(val);
		} else if (!strcmp(key, "stepping")) {
			env->cpu_stepping = cpuinfo_int(val);
		} else if (!strcmp(key, "microcode") && !env->microcode) {
			env->microcode = strdup(val);
			if (!env->microcode)
				ret = -ENOMEM;
		} else if (!strcmp(key, "flags")) {
			*hv = has_word(val, "hypervisor");
		}
	}
	free(line);
	fclose(f);
	return ret;
}

#if defined(__x86_64__) || defined(__i386__)
static const struct {
	const char *sig;
	const char *name;
} hv_sigs[] = {
	{ "KVMKVMKVM",		"kvm" },
	{ "TCGTCGTCGTCG",	"tcg" },
	{ "Microsoft Hv",	"hyperv" },
	{ "VMwareVMware",	"vmware" },
	{ "XenVMMXenVMM",	"xen" },
};

/* The vendor of CPUID leaf 0x40000000, NULL when it says nothing. */
static char *cpuid_hypervisor(void)
{
	unsigned int eax, ebx, ecx, edx, i;
	char sig[13];

	__cpuid(0x40000000, eax, ebx, ecx, edx);
	(void)eax;
	memcpy(sig, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = '\0';
	for (i = 0; i < 12 && sig[i]; i++)
		if (!isprint((unsigned char)sig[i]))
			sig[i] = '?';
	rstrip(sig);
	if (!sig[0])
		return NULL;
	for (i = 0; i < ARRAY_SIZE(hv_sigs); i++)
		if (!strcmp(sig, hv_sigs[i].sig))
			return strdup(hv_sigs[i].name);
	return strdup(sig);
}
#else
static char *cpuid_hypervisor(void)
{
	return NULL;
}
#endif

/*
 * sys/hypervisor/type (Xen) first; then, when the CPU says it runs under
 * one, CPUID's vendor (real root only), DMI's sys_vendor, or "unknown".
 * NULL means the flags line says bare metal; without a flags line (no
 * cpuinfo, not x86) it is "unknown": DMI alone names the machine's maker,
 * not whether it is virtual.
 */
static char *hypervisor(const char *root, int hv_flag)
{
	char *s = read_nonempty(root, "sys/hypervisor/type");

	if (s || !hv_flag)
		return s;
	if (hv_flag > 0 && llctl_root_is_real(root))
		s = cpuid_hypervisor();
	if (!s && hv_flag > 0)
		s = read_nonempty(root, "sys/class/dmi/id/sys_vendor");
	return s ? s : strdup("unknown");
}

int llctl_env_collect(struct llctl_env *env, const char *root)
{
	long smt;
	int hv, ret;

	memset(env, 0, sizeof(*env));
	env->cpu_family = -1;
	env->cpu_model_nr = -1;
	env->cpu_stepping = -1;
	env->smt = -1;

	env->kernel = kernel_release(root);
	ret = parse_cpuinfo(env, root, &hv);
	env->hypervisor = hypervisor(root, hv);
	env->online_cpus = read_cpulist_count(root,
					      "sys/devices/system/cpu/online");
	if (!llctl_root_read_int(root, "sys/devices/system/cpu/smt/active",
				 &smt) && (smt == 0 || smt == 1))
		env->smt = (int)smt;
	env->numa_nodes = read_cpulist_count(root,
					     "sys/devices/system/node/online");
	env->governor = read_nonempty(root,
			"sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	env->llctl_version = strdup(LLCTL_VERSION);
	env->llkm_version = read_nonempty(root, "sys/module/llkm/version");
	if (!env->llctl_version || (!env->hypervisor && hv))
		ret = -ENOMEM;
	return ret;
}

void llctl_env_free(struct llctl_env *env)
{
	free(env->kernel);
	free(env->cpu_model);
	free(env->microcode);
	free(env->hypervisor);
	free(env->governor);
	free(env->llctl_version);
	free(env->llkm_version);
	memset(env, 0, sizeof(*env));
}

static const char *str_or(const char *s, const char *unknown)
{
	return s ? s : unknown;
}

/* @v in @buf, or "unknown" when it is negative. */
static const char *int_str(char buf[16], int v)
{
	if (v < 0)
		return "unknown";
	snprintf(buf, 16, "%d", v);
	return buf;
}

void llctl_env_print(FILE *f, const struct llctl_env *env)
{
	char fam[16], mod[16], step[16];

	fprintf(f, "# kernel %s, llctl %s, llkm %s\n",
		str_or(env->kernel, "unknown"),
		str_or(env->llctl_version, "unknown"),
		str_or(env->llkm_version, "not loaded"));
	fprintf(f, "# cpu %s (family %s model %s stepping %s, microcode %s)\n",
		str_or(env->cpu_model, "unknown"),
		int_str(fam, env->cpu_family),
		int_str(mod, env->cpu_model_nr),
		int_str(step, env->cpu_stepping),
		str_or(env->microcode, "unknown"));
	fputs("# ", f);
	if (env->online_cpus < 0)
		fputs("online CPUs unknown", f);
	else
		fprintf(f, "%d online CPU%s", env->online_cpus,
			env->online_cpus == 1 ? "" : "s");
	fprintf(f, ", SMT %s", env->smt < 0 ? "unknown" :
		env->smt ? "on" : "off");
	if (env->numa_nodes < 0)
		fputs(", NUMA nodes unknown", f);
	else
		fprintf(f, ", %d NUMA node%s", env->numa_nodes,
			env->numa_nodes == 1 ? "" : "s");
	fprintf(f, ", governor %s, hypervisor %s\n",
		str_or(env->governor, "n/a (no cpufreq)"),
		str_or(env->hypervisor, "none"));
}

static struct json_object *json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *json_int(int v)
{
	return v < 0 ? NULL : json_object_new_int(v);
}

struct json_object *llctl_env_json(const struct llctl_env *env)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cpu = json_object_new_object();

	if (!o || !cpu) {
		json_object_put(o);
		json_object_put(cpu);
		return NULL;
	}
	json_object_object_add(o, "kernel", json_str(env->kernel));
	json_object_object_add(cpu, "model", json_str(env->cpu_model));
	json_object_object_add(cpu, "family", json_int(env->cpu_family));
	json_object_object_add(cpu, "model_id", json_int(env->cpu_model_nr));
	json_object_object_add(cpu, "stepping", json_int(env->cpu_stepping));
	json_object_object_add(cpu, "microcode", json_str(env->microcode));
	json_object_object_add(o, "cpu", cpu);
	json_object_object_add(o, "hypervisor", json_str(env->hypervisor));
	json_object_object_add(o, "online_cpus", json_int(env->online_cpus));
	json_object_object_add(o, "smt", env->smt < 0 ? NULL :
			       json_object_new_boolean(env->smt));
	json_object_object_add(o, "numa_nodes", json_int(env->numa_nodes));
	json_object_object_add(o, "governor", json_str(env->governor));
	json_object_object_add(o, "llctl_version",
			       json_str(env->llctl_version));
	json_object_object_add(o, "llkm_version", json_str(env->llkm_version));
	return o;
}
