// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: emulated NVMe controllers, configured at run time through configfs.
 *
 * This file holds only module load and unload; each concern (configfs,
 * controllers, engine, commands, devices, models) lives in a file of its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "vssd.h"

static int __init vssd_init(void)
{
	int ret;

	ret = vssd_params_init();
	if (ret)
		return ret;
	ret = vssd_configfs_init();
	if (ret) {
		pr_err("cannot register the configfs subsystem: %d\n", ret);
		return ret;
	}
	pr_info("version %s loaded\n", VSSD_VERSION);
	return 0;
}

/* configfs pins the module while any controller directory exists. */
static void __exit vssd_exit(void)
{
	vssd_configfs_exit();
	pr_info("unloaded\n");
}

module_init(vssd_init);
module_exit(vssd_exit);

MODULE_DESCRIPTION("vssd: emulated NVMe SSDs and KV-SSDs");
MODULE_LICENSE("GPL");
MODULE_VERSION(VSSD_VERSION);
