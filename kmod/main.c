// SPDX-License-Identifier: GPL-2.0
/*
 * llkm: low-level performance measurement module.
 */

#include <linux/module.h>

#include "llkm.h"

static int __init llkm_init(void)
{
	int ret;

	ret = llkm_pmu_init();
	if (ret)
		goto err;
	ret = llkm_rings_init();
	if (ret)
		goto err_rings;
	llkm_session_init();
	ret = llkm_probe_init();
	if (ret)
		goto err_probe;
	ret = llkm_chardev_init();
	if (ret)
		goto err_chardev;
	ret = llkm_genl_init();
	if (ret)
		goto err_genl;
	pr_info("version %s loaded, ABI %d\n", LLKM_VERSION, LLKM_ABI_VERSION);
	return 0;

err_genl:
	llkm_chardev_exit();
err_chardev:
	llkm_probe_exit();
err_probe:
	llkm_counter_exit();
	llkm_session_exit();
	llkm_rings_exit();
err_rings:
	llkm_pmu_exit();
err:
	return ret;
}

static void __exit llkm_exit(void)
{
	/* Probe runs and session setups answer on the family: end them before. */
	llkm_probe_stop_all();
	llkm_session_stop_all();
	llkm_genl_exit();
	llkm_chardev_exit();
	llkm_probe_exit();
	llkm_counter_exit();
	llkm_session_exit();
	llkm_rings_exit();
	llkm_pmu_exit();
}

module_init(llkm_init);
module_exit(llkm_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LLKM_VERSION);
MODULE_AUTHOR("The llkm authors");
MODULE_DESCRIPTION("Low-level performance measurement: PMU, probes, tracing ring");
