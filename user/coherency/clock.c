// SPDX-License-Identifier: GPL-2.0
/*
 * The core clock and its cross-check (coherency/clock.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-c/json.h>

#include "coherency/clock.h"
#include "coherency/machine.h"
#include "coherency/stats.h"
#include "lib/plausible.h"
#include "lib/rootfs.h"

/* "cpu MHz" of processor @cpu in /proc/cpuinfo, in GHz; 0 without one. */
static double cpuinfo_ghz(int cpu)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];
	int p = -1;
	double mhz = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "processor : %d", &p) == 1)
			continue;
		if (p == cpu && !strncmp(line, "cpu MHz", 7)) {
			const char *colon = strchr(line, ':');

			mhz = colon ? strtod(colon + 1, NULL) : 0;
			break;
		}
	}
	fclose(f);
	return mhz > 0 ? mhz / 1000 : 0;
}

/* cpufreq's FILE of @cpu (kHz) in GHz; 0 without it. */
static double cpufreq_ghz(int cpu, const char *file)
{
	char path[128];
	long khz;

	snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/cpufreq/%s",
		 cpu, file);
	if (llctl_root_read_int(NULL, path, &khz) || khz <= 0)
		return 0;
	return khz / 1e6;
}

/* The msr PMU's aperf event on @cpu: an fd, or -1 with @why set. */
static int open_aperf(int cpu, char *why, size_t len)
{
	struct perf_event_attr a;
	long type, config;
	char *s;
	int fd;

	if (llctl_root_read_int(NULL, "sys/bus/event_source/devices/msr/type", &type)) {
		snprintf(why, len, "not available: no msr PMU");
		return -1;
	}
	s = llctl_root_read(NULL, "sys/bus/event_source/devices/msr/events/aperf");
	if (!s || sscanf(s, "event=%li", &config) != 1) {
		free(s);
		snprintf(why, len, "not available: the msr PMU has no aperf event (a VM hides APERF/MPERF)");
		return -1;
	}
	free(s);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)type;
	a.config = (uint64_t)config;
	fd = (int)syscall(SYS_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		snprintf(why, len, "not available: perf_event_open(msr/aperf/): %s",
			 strerror(errno));
	return fd;
}

/* APERF cycles over a chain, per ns of wall time: GHz, 0 with @c->aperf_why. */
static double aperf_ghz(int cpu, struct coh_clock *c)
{
	uint64_t a0, a1, t0, t1;
	int fd = open_aperf(cpu, c->aperf_why, sizeof(c->aperf_why));
	double ghz = 0;

	if (fd < 0)
		return 0;
	char scratch[320];

	t0 = coh_now_ns();
	if (read(fd, &a0, sizeof(a0)) == sizeof(a0)) {
		coh_core_ghz(scratch, sizeof(scratch));
		t1 = coh_now_ns();
		if (read(fd, &a1, sizeof(a1)) == sizeof(a1) && t1 > t0 && a1 > a0)
			ghz = (double)(a1 - a0) / (double)(t1 - t0);
	}
	if (ghz <= 0)
		snprintf(c->aperf_why, sizeof(c->aperf_why),
			 "not available: msr/aperf/ did not count");
	close(fd);
	return ghz;
}

void coh_clock(int cpu, struct coh_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->ghz = coh_core_ghz(c->why, sizeof(c->why));	/* also the warm-up */
	c->cpuinfo_ghz = cpuinfo_ghz(cpu);
	c->cur_ghz = cpufreq_ghz(cpu, "scaling_cur_freq");
	c->max_ghz = cpufreq_ghz(cpu, "cpuinfo_max_freq");
	c->aperf_ghz = aperf_ghz(cpu, c);
	coh_clock_compare(c);
}

static double off_pct(double v, double ref)
{
	return (v - ref) / ref * 100;
}

void coh_clock_compare(struct coh_clock *c)
{
	const struct { const char *name; double ghz; } ref[] = {
		{ "APERF", c->aperf_ghz },
		{ "cpufreq scaling_cur_freq", c->cur_ghz },
		{ "/proc/cpuinfo", c->cpuinfo_ghz },
	};
	int i, n = 0, best = -1;

	c->note[0] = '\0';
	if (c->ghz <= 0) {
		c->agrees = -1;
		snprintf(c->note, sizeof(c->note), "%s",
			 c->why[0] ? c->why : "not measured on this architecture");
		return;
	}
	for (i = 0; i < 3; i++) {
		char why[320];

		/* Not there, or not a clock (a VM's emulated APERF). */
		if (ref[i].ghz <= 0 ||
		    !llctl_plausible(LLCTL_PLAUS_CORE_GHZ, ref[i].ghz, 1, why,
				     sizeof(why)))
			continue;
		n++;
		if (best < 0 || fabs(off_pct(c->ghz, ref[i].ghz)) <
				fabs(off_pct(c->ghz, ref[best].ghz)))
			best = i;
	}
	if (c->max_ghz > 0 && off_pct(c->ghz, c->max_ghz) > COH_CLOCK_TOL_PCT) {
		c->agrees = 0;
		snprintf(c->note, sizeof(c->note),
			 "disagrees: %+.0f %% above cpufreq's cpuinfo_max_freq %.0f MHz (tolerance %d %%)",
			 off_pct(c->ghz, c->max_ghz), c->max_ghz * 1000, COH_CLOCK_TOL_PCT);
		return;
	}
	if (!n) {
		c->agrees = c->max_ghz > 0 ? 1 : -1;
		snprintf(c->note, sizeof(c->note), c->max_ghz > 0 ?
			 "within cpufreq's cpuinfo_max_freq; no current figure" :
			 "nothing to compare with (no cpufreq, no cpu MHz, no APERF)");
		return;
	}
	c->agrees = fabs(off_pct(c->ghz, ref[best].ghz)) <= COH_CLOCK_TOL_PCT;
	snprintf(c->note, sizeof(c->note), "%s %s %.0f MHz by %+.0f %% (tolerance %d %%)%s",
		 c->agrees ? "agrees with" : "disagrees with", ref[best].name,
		 ref[best].ghz * 1000, off_pct(c->ghz, ref[best].ghz), COH_CLOCK_TOL_PCT,
		 !c->agrees && best == 2 && !c->cur_ghz ?
		 "; without cpufreq, as in a VM, cpuinfo shows the TSC rate, not the clock the core runs at" : "");
}

static void add_ghz(struct json_object *o, const char *key, double ghz)
{
	json_object_object_add(o, key, ghz > 0 ? json_object_new_double(ghz) : NULL);
}

/*
 * APERF's clock: null with aperf_reason when not available, or when
 * outside the core clock's bound (a VM's emulated counter).
 */
static void add_aperf(struct json_object *k, const struct coh_clock *c)
{
	char why[320];

	if (c->aperf_ghz <= 0) {
		json_object_object_add(k, "aperf_ghz", NULL);
		json_object_object_add(k, "aperf_reason",
				       json_object_new_string(c->aperf_why));
	} else if (!llctl_plausible(LLCTL_PLAUS_CORE_GHZ, c->aperf_ghz, 1, why,
				    sizeof(why))) {
		json_object_object_add(k, "aperf_ghz", NULL);
		json_object_object_add(k, "aperf_reason",
				       json_object_new_string(why));
	} else {
		json_object_object_add(k, "aperf_ghz",
				       json_object_new_double(c->aperf_ghz));
	}
}

void coh_clock_json(struct json_object *o, const struct coh_clock *c)
{
	struct json_object *k = json_object_new_object();

	if (c->ghz > 0)
		llctl_plaus_json(o, "core_ghz", LLCTL_PLAUS_CORE_GHZ, c->ghz, 1);
	else
		coh_json_gated(o, "core_ghz", 0, c->note);
	json_object_object_add(k, "method", json_object_new_string(
		coh_core_ghz_method(false)));
	/* The same measurement as core_ghz: null with it, and why. */
	if (c->ghz > 0)
		llctl_plaus_json(k, "measured_ghz", LLCTL_PLAUS_CORE_GHZ, c->ghz, 1);
	else
		coh_json_gated(k, "measured_ghz", 0, c->note);
	add_ghz(k, "cpuinfo_ghz", c->cpuinfo_ghz);
	add_ghz(k, "cpufreq_cur_ghz", c->cur_ghz);
	add_ghz(k, "cpufreq_max_ghz", c->max_ghz);
	add_aperf(k, c);
	json_object_object_add(k, "tolerance_pct", json_object_new_int(COH_CLOCK_TOL_PCT));
	json_object_object_add(k, "agrees", c->agrees < 0 ? NULL :
			       json_object_new_boolean(c->agrees));
	json_object_object_add(k, "note", json_object_new_string(c->note));
	json_object_object_add(o, "clock", k);
}

const char *coh_clock_text(const struct coh_clock *c, char *buf, size_t len)
{
	char v[384];

	if (c->ghz <= 0) {
		snprintf(buf, len, "unknown (%s)", c->note);
		return buf;
	}
	llctl_plaus_text(LLCTL_PLAUS_CORE_GHZ, c->ghz, 1, "%.2f GHz", v, sizeof(v));
	snprintf(buf, len, "%s (%s; %s)", v, coh_core_ghz_method(true), c->note);
	return buf;
}

double coh_clock_usable_ghz(const struct coh_clock *c)
{
	char why[320];

	return c->ghz > 0 && llctl_plausible(LLCTL_PLAUS_CORE_GHZ, c->ghz, 1, why,
					     sizeof(why)) ? c->ghz : 0;
}
