// SPDX-License-Identifier: GPL-2.0
/*
 * The environment a measurement was taken in, read from proc/ and sys/
 * under a root prefix (lib/rootfs.h).
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

#include "lib/env.h"
#include "lib/midr.h"
#include "lib/rootfs.h"

#ifndef LLCTL_VERSION
#error "LLCTL_VERSION must come from the Makefile (the VERSION file)"
#endif

#define READ_MAX	4096
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))


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

	if (llctl_parse_long(s, &v) || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

/* A hex cpuinfo value ("0x41"), -1 when absent or not hex. */
static int cpuinfo_hex(const char *s)
{
	unsigned long v;
	char *end;

	if (strncmp(s, "0x", 2) || !isxdigit((unsigned char)s[2]))
		return -1;
	errno = 0;
	v = strtoul(s + 2, &end, 16);
	if (errno || *end || v > INT_MAX)
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
		llctl_rstrip(line);
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
		llctl_rstrip(key);
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
		} else if (!strcmp(key, "CPU implementer")) {
			env->midr_implementer = cpuinfo_hex(val);
		} else if (!strcmp(key, "CPU variant")) {
			env->midr_variant = cpuinfo_hex(val);
		} else if (!strcmp(key, "CPU part")) {
			env->midr_part = cpuinfo_hex(val);
		} else if (!strcmp(key, "CPU revision")) {
			env->midr_revision = cpuinfo_int(val);
		} else if (!strcmp(key, "flags")) {
			*hv = has_word(val, "hypervisor");
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/*
 * arm64: cpu0's MIDR_EL1 from sysfs (the whole register, with the
 * architecture field cpuinfo does not show); its fields stand in for
 * cpuinfo's when cpuinfo has none. Then a model name from the table of
 * lib/midr.c when cpuinfo has no "model name" (arm64's never does).
 */
static int arm_identity(struct llctl_env *env, const char *root)
{
	char *s = llctl_root_read(root,
		"sys/devices/system/cpu/cpu0/regs/identification/midr_el1");
	unsigned long long m;
	char model[256];
	char *end;

	if (s && !strncmp(s, "0x", 2) && isxdigit((unsigned char)s[2])) {
		errno = 0;
		m = strtoull(s + 2, &end, 16);
		if (!errno && !*end && m <= 0xffffffffULL) {
			env->midr_el1 = (long long)m;
			env->midr_architecture = LLCTL_MIDR_ARCHITECTURE(m);
		}
	}
	free(s);
	if (env->midr_el1 >= 0 && env->midr_implementer < 0) {
		env->midr_implementer = LLCTL_MIDR_IMPLEMENTER(env->midr_el1);
		env->midr_variant = LLCTL_MIDR_VARIANT(env->midr_el1);
		env->midr_part = LLCTL_MIDR_PART(env->midr_el1);
		env->midr_revision = LLCTL_MIDR_REVISION(env->midr_el1);
	}
	if (env->cpu_model || env->midr_implementer < 0 || env->midr_part < 0)
		return 0;
	llctl_midr_model(model, sizeof(model), env->midr_implementer,
			 env->midr_part);
	env->cpu_model = strdup(model);
	return env->cpu_model ? 0 : -ENOMEM;
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
	llctl_rstrip(sig);
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

static char *json_strdup(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_is_type(v, json_type_string) ?
	       strdup(json_object_get_string(v)) : NULL;
}

/* The profile llctl config applied: its state file's "profile". */
static void tuning_profile(struct llctl_env *env, const char *root)
{
	struct json_object *st, *prof;
	char dir[PATH_MAX];

	llctl_state_file(root, dir, sizeof(dir));
	if (access(dir, F_OK)) {
		env->tuning = errno == ENOENT ? 0 : -1;
		return;
	}
	env->tuning = -1;
	st = json_object_from_file(dir);
	if (st && json_object_object_get_ex(st, "profile", &prof)) {
		env->tuning_hash = json_strdup(prof, "hash");
		env->tuning_file = json_strdup(prof, "file");
		env->tuning_applied_at = json_strdup(prof, "applied_at");
		if (env->tuning_hash)
			env->tuning = 1;
	}
	json_object_put(st);
}

int llctl_env_collect(struct llctl_env *env, const char *root)
{
	long smt;
	int hv, ret;

	memset(env, 0, sizeof(*env));
	env->cpu_family = -1;
	env->cpu_model_nr = -1;
	env->cpu_stepping = -1;
	env->midr_implementer = -1;
	env->midr_variant = -1;
	env->midr_architecture = -1;
	env->midr_part = -1;
	env->midr_revision = -1;
	env->midr_el1 = -1;
	env->smt = -1;

	env->kernel = kernel_release(root);
	ret = parse_cpuinfo(env, root, &hv);
	if (!ret)
		ret = arm_identity(env, root);
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
	tuning_profile(env, root);
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
	free(env->tuning_hash);
	free(env->tuning_file);
	free(env->tuning_applied_at);
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

/* @v as 0x%0*x in @buf, or "unknown" when it is negative. */
static const char *hex_str(char buf[24], int width, long long v)
{
	if (v < 0)
		return "unknown";
	snprintf(buf, 24, "0x%0*llx", width, v);
	return buf;
}

/* arm64's "# cpu" line: the model and the MIDR_EL1 fields it came from. */
static void print_arm_cpu(FILE *f, const struct llctl_env *env)
{
	char imp[24], var[24], part[24], rev[16], midr[24];

	fprintf(f, "# cpu %s (implementer %s variant %s part %s revision %s, MIDR_EL1 %s)\n",
		str_or(env->cpu_model, "unknown"),
		hex_str(imp, 2, env->midr_implementer),
		hex_str(var, 1, env->midr_variant),
		hex_str(part, 3, env->midr_part),
		int_str(rev, env->midr_revision),
		hex_str(midr, 8, env->midr_el1));
}

void llctl_env_print(FILE *f, const struct llctl_env *env)
{
	char fam[16], mod[16], step[16];

	fprintf(f, "# kernel %s, llctl %s, llkm %s\n",
		str_or(env->kernel, "unknown"),
		str_or(env->llctl_version, "unknown"),
		str_or(env->llkm_version, "not loaded"));
	if (env->midr_implementer >= 0)
		print_arm_cpu(f, env);
	else
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
	if (env->tuning > 0)
		fprintf(f, "# tuning profile %s (%s, applied %s)\n",
			env->tuning_hash, str_or(env->tuning_file, "file unknown"),
			str_or(env->tuning_applied_at, "at an unknown time"));
	else if (env->tuning < 0)
		fputs("# tuning profile unknown (llctl config's state is unreadable)\n", f);
}

static struct json_object *json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *json_int(int v)
{
	return v < 0 ? NULL : json_object_new_int(v);
}

/* {"hash", "file", "applied_at"}, "none", or null when unreadable. */
static struct json_object *tuning_json(const struct llctl_env *env)
{
	struct json_object *o;

	if (env->tuning == 0)
		return json_object_new_string("none");
	if (env->tuning < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "hash", json_str(env->tuning_hash));
	json_object_object_add(o, "file", json_str(env->tuning_file));
	json_object_object_add(o, "applied_at", json_str(env->tuning_applied_at));
	return o;
}

/*
 * cpu.midr: {"value": "0x...", "implementer", "implementer_name",
 * "variant", "architecture", "part", "part_name", "revision"}, each null
 * when unknown; the whole object null when there is no MIDR (x86).
 */
static struct json_object *midr_json(const struct llctl_env *env)
{
	struct json_object *o;
	char v[24];

	if (env->midr_implementer < 0)
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	snprintf(v, sizeof(v), "0x%08llx", env->midr_el1);
	json_object_object_add(o, "value", env->midr_el1 < 0 ? NULL :
			       json_object_new_string(v));
	json_object_object_add(o, "implementer",
			       json_int(env->midr_implementer));
	json_object_object_add(o, "implementer_name",
			       json_str(llctl_midr_implementer_name(env->midr_implementer)));
	json_object_object_add(o, "variant", json_int(env->midr_variant));
	json_object_object_add(o, "architecture",
			       json_int(env->midr_architecture));
	json_object_object_add(o, "part", json_int(env->midr_part));
	json_object_object_add(o, "part_name", env->midr_part < 0 ? NULL :
			       json_str(llctl_midr_part_name(env->midr_implementer,
							     env->midr_part)));
	json_object_object_add(o, "revision", json_int(env->midr_revision));
	return o;
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
	json_object_object_add(cpu, "midr", midr_json(env));
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
	json_object_object_add(o, "tuning_profile", tuning_json(env));
	return o;
}

/* An int field of llctl_env_json(): -1 when null or absent. */
static int json_int_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_is_type(v, json_type_int) ?
	       json_object_get_int(v) : -1;
}

/* tuning_json()'s inverse. */
static void tuning_of(struct llctl_env *env, struct json_object *o)
{
	struct json_object *t;

	env->tuning = -1;
	if (!json_object_object_get_ex(o, "tuning_profile", &t) || !t)
		return;
	if (json_object_is_type(t, json_type_string)) {
		if (!strcmp(json_object_get_string(t), "none"))
			env->tuning = 0;
		return;
	}
	env->tuning_hash = json_strdup(t, "hash");
	env->tuning_file = json_strdup(t, "file");
	env->tuning_applied_at = json_strdup(t, "applied_at");
	if (env->tuning_hash)
		env->tuning = 1;
}

/* midr_json()'s inverse: the fields stay -1 when @cpu has no midr. */
static void midr_of(struct llctl_env *env, struct json_object *cpu)
{
	struct json_object *m, *v;
	const char *s;

	env->midr_el1 = -1;
	if (!json_object_object_get_ex(cpu, "midr", &m) ||
	    !json_object_is_type(m, json_type_object))
		return;
	env->midr_implementer = json_int_of(m, "implementer");
	env->midr_variant = json_int_of(m, "variant");
	env->midr_architecture = json_int_of(m, "architecture");
	env->midr_part = json_int_of(m, "part");
	env->midr_revision = json_int_of(m, "revision");
	if (json_object_object_get_ex(m, "value", &v) &&
	    json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (!strncmp(s, "0x", 2) && isxdigit((unsigned char)s[2]))
			env->midr_el1 = (long long)strtoull(s + 2, NULL, 16);
	}
}

int llctl_env_from_json(struct llctl_env *env, struct json_object *o)
{
	struct json_object *cpu = NULL, *smt;

	memset(env, 0, sizeof(*env));
	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	json_object_object_get_ex(o, "cpu", &cpu);
	env->kernel = json_strdup(o, "kernel");
	env->cpu_model = json_strdup(cpu, "model");
	env->cpu_family = json_int_of(cpu, "family");
	env->cpu_model_nr = json_int_of(cpu, "model_id");
	env->cpu_stepping = json_int_of(cpu, "stepping");
	env->microcode = json_strdup(cpu, "microcode");
	env->midr_implementer = env->midr_variant = -1;
	env->midr_architecture = env->midr_part = env->midr_revision = -1;
	midr_of(env, cpu);
	env->hypervisor = json_strdup(o, "hypervisor");
	env->online_cpus = json_int_of(o, "online_cpus");
	env->smt = json_object_object_get_ex(o, "smt", &smt) &&
		   json_object_is_type(smt, json_type_boolean) ?
		   json_object_get_boolean(smt) : -1;
	env->numa_nodes = json_int_of(o, "numa_nodes");
	env->governor = json_strdup(o, "governor");
	env->llctl_version = json_strdup(o, "llctl_version");
	env->llkm_version = json_strdup(o, "llkm_version");
	tuning_of(env, o);
	return 0;
}
