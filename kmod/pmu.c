// SPDX-License-Identifier: GPL-2.0
/*
 * The PMUs perf knows on this kernel.
 *
 * perf keeps its PMU list private, but every registered PMU is a device on
 * the "event_source" bus (/sys/bus/event_source/devices) whose driver data
 * is its struct pmu. We find that bus once, through the PMU of a software
 * event we open and close at init, and walk it on request: PMUs that
 * modules register later show up too.
 */

#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/perf_event.h>

#include "compat.h"
#include "llkm.h"

/* Set once at init, read-only after: the bus lives in the core kernel. */
static llkm_bus_ptr pmu_bus;
static bool hw_pmu;

/*
 * A disabled counter on one online CPU, only to look at. Not a task
 * counter: those flip perf's scheduler hooks (perf_sched_events), which
 * patches __schedule() on every load and unload of llkm.
 */
static struct perf_event *open_kernel_counter(u32 type, u64 config)
{
	struct perf_event_attr attr = {
		.type = type,
		.size = sizeof(attr),
		.config = config,
		.disabled = 1,
	};
	struct perf_event *event;
	int tries = 3;

	/*
	 * No cpus_read_lock() around this: perf takes it itself (software
	 * events enable a static key), and a read lock taken twice
	 * deadlocks against a hotplug writer waiting in between (lockdep:
	 * "possible recursive locking"). perf checks under its context
	 * mutex that the CPU is online and says -ENODEV when it went
	 * offline meanwhile: then the CPU we are on now.
	 */
	do {
		event = perf_event_create_kernel_counter(&attr,
							 raw_smp_processor_id(),
							 NULL, NULL, NULL);
	} while (PTR_ERR_OR_ZERO(event) == -ENODEV && --tries);
	return event;
}

int llkm_pmu_init(void)
{
	struct perf_event *event;

	event = open_kernel_counter(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY);
	if (IS_ERR(event)) {
		pr_info("perf events unavailable (%pe): no PMU list\n", event);
		return 0;
	}
	if (event->pmu->dev)
		pmu_bus = event->pmu->dev->bus;
	perf_event_release_kernel(event);

	/* Virtual machines without a vPMU fail here with -ENOENT. */
	event = open_kernel_counter(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
	hw_pmu = !IS_ERR(event);
	if (hw_pmu)
		perf_event_release_kernel(event);
	return 0;
}

void llkm_pmu_exit(void)
{
}

struct pmu_walk {
	int (*fn)(const char *name, u32 type, void *data);
	void *data;
};

static int pmu_visit(struct device *dev, void *data)
{
	struct pmu *pmu = dev_get_drvdata(dev);
	struct pmu_walk *walk = data;

	if (!pmu)
		return 0;
	return walk->fn(dev_name(dev), pmu->type, walk->data);
}

int llkm_pmu_for_each(int (*fn)(const char *name, u32 type, void *data),
		      void *data)
{
	struct pmu_walk walk = { .fn = fn, .data = data };

	if (!pmu_bus)
		return 0;
	return bus_for_each_dev(pmu_bus, NULL, &walk, pmu_visit);
}

u64 llkm_features(void)
{
	u64 features = LLKM_FEAT_GENL | LLKM_FEAT_CHARDEV;

	if (IS_ENABLED(CONFIG_PERF_EVENTS) && pmu_bus)
		features |= LLKM_FEAT_PERF;
	if (hw_pmu)
		features |= LLKM_FEAT_HW_PMU;
	if (IS_ENABLED(CONFIG_TRACEPOINTS))
		features |= LLKM_FEAT_TRACEPOINTS;
	return features;
}
