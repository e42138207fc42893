// SPDX-License-Identifier: GPL-2.0
/*
 * vssd configfs tree: /sys/kernel/config/vssd/.
 *
 * The root carries a read-only "features" attribute so that tools and tests
 * can tell what this build supports before they create anything.
 */
#include <linux/configfs.h>
#include <linux/module.h>

#include "vssd.h"

/* Space-separated list of what this build can do; grows with the driver. */
static const char vssd_features[] = "";

static ssize_t vssd_root_features_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", vssd_features);
}
CONFIGFS_ATTR_RO(vssd_root_, features);

static struct configfs_attribute *vssd_root_attrs[] = {
	&vssd_root_attr_features,
	NULL,
};

static const struct config_item_type vssd_root_type = {
	.ct_attrs	= vssd_root_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem vssd_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "vssd",
			.ci_type	= &vssd_root_type,
		},
	},
};

int vssd_configfs_init(void)
{
	config_group_init(&vssd_subsys.su_group);
	mutex_init(&vssd_subsys.su_mutex);
	return configfs_register_subsystem(&vssd_subsys);
}

void vssd_configfs_exit(void)
{
	configfs_unregister_subsystem(&vssd_subsys);
}
