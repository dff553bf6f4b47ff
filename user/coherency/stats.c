// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics over batches, and the TSC seen from userspace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "coherency/stats.h"
#include "lib/plausible.h"
#include "shim/probe_shim.h"
#include "../kmod/probe_base.h"

#define CAL_WINDOWS	5
#define CAL_WINDOW_NS	20000000ULL

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int coh_stats_f(double *v, size_t n, struct coh_stats *st)
{
	size_t rank;

	memset(st, 0, sizeof(*st));
	if (!n)
		return -1;
	qsort(v, n, sizeof(*v), cmp_double);
	st->n = n;
	st->min = v[0];
	st->max = v[n - 1];
	st->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	/* Nearest rank: ceil(0.99 n), 1-based. */
	rank = (n * 99 + 99) / 100;
	st->p99 = v[rank - 1];
	st->spread = st->median > 0 ? (st->p99 - st->min) / st->median : 0;
	return 0;
}

int coh_stats_u64(const uint64_t *v, size_t n, struct coh_stats *st)
{
	double *d;
	size_t i;
	int ret;

	memset(st, 0, sizeof(*st));
	if (!n)
		return -1;
	d = malloc(n * sizeof(*d));
	if (!d)
		return -1;
	for (i = 0; i < n; i++)
		d[i] = (double)v[i];
	ret = coh_stats_f(d, n, st);
	free(d);
	return ret;
}

uint64_t coh_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void coh_warm_up(unsigned int ms)
{
	uint64_t until = coh_now_ns() + ms * 1000000ULL;

	while (coh_now_ns() < until)
		;
}

bool coh_tsc_invariant(void)
{
#if defined(__x86_64__)
	unsigned int a, b, c, d;

	if (!__get_cpuid(0x80000007, &a, &b, &c, &d))
		return false;
	return d & (1U << 8);
#else
	return false;
#endif
}

#if !defined(__aarch64__)
/* One window: TSC ticks per ns, bracketed by clock reads on both sides. */
static double cal_window(void)
{
	uint64_t n0, n1, t0, t1;

	n0 = coh_now_ns();
	t0 = probe_tsc_begin();
	do {
		n1 = coh_now_ns();
	} while (n1 - n0 < CAL_WINDOW_NS);
	t1 = probe_tsc_end();
	return (double)(t1 - t0) / (double)(n1 - n0);
}
#endif

bool coh_tsc_plausible(double khz, char *why, size_t len)
{
#if defined(__aarch64__)
	return llctl_plausible(LLCTL_PLAUS_CNTFRQ_MHZ, khz / 1e3, 1, why, len);
#else
	return llctl_plausible(LLCTL_PLAUS_TSC_GHZ, khz / 1e6, 1, why, len);
#endif
}

const char *coh_tsc_source(void)
{
#if defined(__aarch64__)
	return " (CNTFRQ_EL0)";
#else
	return " (calibrated)";
#endif
}

#if defined(__aarch64__)
/* arm64: what the generic timer ticks at, as firmware set it. */
static int clock_khz(double *khz, char *why, size_t len)
{
	char g[320];

	*khz = probe_clock_hz() / 1e3;
	if (coh_tsc_plausible(*khz, g, sizeof(g)))
		return 0;
	snprintf(why, len, "CNTFRQ_EL0 says the generic timer ticks at %.0f kHz, %s; no tick is turned into ns",
		 *khz, g);
	*khz = 0;
	return -1;
}
#else
/* The TSC, calibrated against CLOCK_MONOTONIC_RAW over a few windows. */
static int clock_khz(double *khz, char *why, size_t len)
{
	double r[CAL_WINDOWS];
	struct coh_stats st;
	char g[320];
	int i;

	for (i = 0; i < CAL_WINDOWS; i++) {
		r[i] = cal_window();
		if (!(r[i] > 0)) {
			snprintf(why, len, "the TSC did not advance against CLOCK_MONOTONIC_RAW");
			return -1;
		}
	}
	coh_stats_f(r, CAL_WINDOWS, &st);
	if (!coh_tsc_plausible(st.median * 1e6, g, sizeof(g))) {
		snprintf(why, len, "calibrated against CLOCK_MONOTONIC_RAW, the TSC ticks at %.0f kHz, %s; no tick is turned into ns",
			 st.median * 1e6, g);
		return -1;
	}
	*khz = st.median * 1e6;
	return 0;
}
#endif

int coh_tsc_rate(double *khz, char *why, size_t len)
{
	*khz = 0;
	if (!PROBE_SUPPORTED) {
		snprintf(why, len, "the probe clock is read on x86-64 and arm64 only");
		return -1;
	}
	return clock_khz(khz, why, len);
}

void coh_timer_overhead(unsigned int n, double *min, double *median)
{
	struct coh_stats st;
	unsigned int i;
	double *d;
	uint64_t t0;

	*min = *median = 0;
	d = malloc((n ? n : 1) * sizeof(*d));
	if (!d)
		return;
	for (i = 0; i < n; i++) {
		t0 = probe_tsc_begin();
		d[i] = (double)(probe_tsc_end() - t0);
	}
	if (!coh_stats_f(d, n, &st)) {
		*min = st.min;
		*median = st.median;
	}
	free(d);
}
