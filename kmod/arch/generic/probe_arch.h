/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe core's architecture half where nothing is ported (arm64 for
 * now, or llctl built for another architecture): no clock, every probe
 * returns "nothing measured" and llctl says the probes do not run here,
 * naming PROBE_ARCH_NAME when the architecture's header set it.
 */
#ifndef _LLKM_ARCH_GENERIC_PROBE_ARCH_H
#define _LLKM_ARCH_GENERIC_PROBE_ARCH_H

#define PROBE_SUPPORTED		0
#ifndef PROBE_ARCH_NAME
#define PROBE_ARCH_NAME		"this architecture"
#endif
#define PROBE_CLOCK_NAME	"no clock"
#define PROBE_FULL_FENCE_NAME	"no fence"
#define PROBE_MODEL_NAME	"no model"

static inline u64 probe_tsc_begin(void)
{
	return 0;
}

static inline u64 probe_tsc_end(void)
{
	return 0;
}

static inline u64 probe_rdtsc(void)
{
	return 0;
}

#endif /* _LLKM_ARCH_GENERIC_PROBE_ARCH_H */
