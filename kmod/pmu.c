// SPDX-License-Identifier: GPL-2.0
/*
 * The PMUs perf knows on this kernel.
 *
 * perf keeps its PMU list private, but every registered PMU is a device on
 * the "event_source" bus (/sys/bus/event_source/devices) whose driver data
 * is its struct pmu. We find that bus once, through the PMU of a software
 * event we open and close at init, and walk it on request: PMUs that
 * modules register later show up too.
 *
 * A walk holds a reference on each device it visits, not on the struct
 * pmu, which a PMU module frees once perf_pmu_unregister() returns. That
 * calls device_del(), which tells the bus's notifiers BUS_NOTIFY_DEL_DEVICE
 * before anything else and BUS_NOTIFY_REMOVED_DEVICE once the device is
 * off the bus's list. In between the device is dying: a walk skips it.
 * pmu_lock, held across a walk and taken by both notifications, keeps a
 * PMU whose removal starts during a walk alive until the walk is over.
 */

#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/perf_event.h>
#include <linux/slab.h>

#include "compat.h"
#include "llkm.h"
#include "llkm_arch.h"

/* Set once at init, read-only after: the bus lives in the core kernel. */
static llkm_bus_ptr pmu_bus;
static bool hw_pmu;

static DEFINE_MUTEX(pmu_lock);
/* Guarded by pmu_lock. */
static LIST_HEAD(dying);		/* struct dying_pmu */
static unsigned int dying_untracked;	/* no memory to note them: no walk */

struct dying_pmu {
	struct list_head node;
	struct device *dev;		/* only compared, never followed */
};

static struct dying_pmu *dying_find(struct device *dev)
{
	struct dying_pmu *d;

	lockdep_assert_held(&pmu_lock);
	list_for_each_entry(d, &dying, node)
		if (d->dev == dev)
			return d;
	return NULL;
}

static int pmu_bus_event(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct device *dev = data;
	struct dying_pmu *d;

	if (action != BUS_NOTIFY_DEL_DEVICE &&
	    action != BUS_NOTIFY_REMOVED_DEVICE)
		return NOTIFY_DONE;
	mutex_lock(&pmu_lock);
	if (action == BUS_NOTIFY_DEL_DEVICE) {
		d = kmalloc(sizeof(*d), GFP_KERNEL);
		if (d) {
			d->dev = dev;
			list_add(&d->node, &dying);
		} else {
			dying_untracked++;
		}
	} else {
		d = dying_find(dev);
		if (d) {
			list_del(&d->node);
			kfree(d);
		} else if (dying_untracked) {
			dying_untracked--;
		}
	}
	mutex_unlock(&pmu_lock);
	return NOTIFY_DONE;
}

static struct notifier_block pmu_bus_nb = {
	.notifier_call = pmu_bus_event,
};

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
	/*
	 * Before the first walk. A removal that told the bus before this
	 * and is still under way is the one it cannot see.
	 */
	if (pmu_bus && bus_register_notifier(pmu_bus, &pmu_bus_nb))
		pmu_bus = NULL;

	/* Virtual machines without a vPMU fail here with -ENOENT. */
	event = open_kernel_counter(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
	hw_pmu = !IS_ERR(event);
	if (hw_pmu)
		perf_event_release_kernel(event);
	return 0;
}

/* After every walk: genl and the chardev are gone. */
void llkm_pmu_exit(void)
{
	struct dying_pmu *d, *tmp;

	if (!pmu_bus)
		return;
	/* Returns once a notification in flight has. */
	bus_unregister_notifier(pmu_bus, &pmu_bus_nb);
	list_for_each_entry_safe(d, tmp, &dying, node)
		kfree(d);
}

struct pmu_walk {
	int (*fn)(const char *name, u32 type, void *data);
	void *data;
};

static int pmu_visit(struct device *dev, void *data)
{
	struct pmu *pmu = dev_get_drvdata(dev);
	struct pmu_walk *walk = data;

	/* Dying: its struct pmu may be freed as soon as we let go. */
	if (!pmu || dying_find(dev))
		return 0;
	return walk->fn(dev_name(dev), pmu->type, walk->data);
}

/* -EAGAIN while a PMU's removal could not be noted (out of memory). */
int llkm_pmu_for_each(int (*fn)(const char *name, u32 type, void *data),
		      void *data)
{
	struct pmu_walk walk = { .fn = fn, .data = data };
	int ret = -EAGAIN;

	if (!pmu_bus)
		return 0;
	mutex_lock(&pmu_lock);
	if (!dying_untracked)
		ret = bus_for_each_dev(pmu_bus, NULL, &walk, pmu_visit);
	mutex_unlock(&pmu_lock);
	return ret;
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
	if (llkm_arch_probes_run())
		features |= LLKM_FEAT_PROBES;
	return features;
}
