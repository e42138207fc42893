// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the zone settings of a namespace, attributes of every namespace
 * directory (used when its csi is zns): zone_size_mb, zone_capacity_mb,
 * max_open_zones and max_active_zones, and zone_fail, which fails a zone of
 * a powered namespace.  Documentation/configfs.rst lists them.
 */
#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "zns.h"

void vssd_zns_conf_init(void *data)
{
	struct vssd_zns_conf *conf = data;

	conf->zone_size_mb = VSSD_ZNS_DEFAULT_ZONE_MB;
	conf->zone_capacity_mb = 0;
	conf->max_open = 0;
	conf->max_active = 0;
}

VSSD_CS_NS_U32_ATTR(vssd_zns_ns_, zone_size_mb, &vssd_cs_zns,
		    offsetof(struct vssd_zns_conf, zone_size_mb), 1, VSSD_ZNS_MAX_ZONE_MB);
VSSD_CS_NS_U32_ATTR(vssd_zns_ns_, zone_capacity_mb, &vssd_cs_zns,
		    offsetof(struct vssd_zns_conf, zone_capacity_mb), 0, VSSD_ZNS_MAX_ZONE_MB);
VSSD_CS_NS_U32_ATTR(vssd_zns_ns_, max_open_zones, &vssd_cs_zns,
		    offsetof(struct vssd_zns_conf, max_open), 0, U32_MAX);
VSSD_CS_NS_U32_ATTR(vssd_zns_ns_, max_active_zones, &vssd_cs_zns,
		    offsetof(struct vssd_zns_conf, max_active), 0, U32_MAX);

/*
 * "N ro" or "N offline" (one space, an optional newline): zone N fails as
 * a worn-out device's zone would.  An offline zone stays offline.
 */
static int vssd_zns_fail_zone(struct vssd_cs_ns *ns, const char *page)
{
	struct vssd_zns *zns = ns->data;
	const char *how = strchr(page, ' ');
	char num[12];
	u32 zone;
	u8 state;

	vssd_assert_dispatching(ns->ctrl);
	if (!how || how - page >= sizeof(num))
		return -EINVAL;
	memcpy(num, page, how - page);
	num[how - page] = '\0';
	how++;
	if (kstrtou32(num, 10, &zone) || zone >= zns->zones.nr_zones)
		return -EINVAL;
	if (sysfs_streq(how, "ro"))
		state = VSSD_ZS_READ_ONLY;
	else if (sysfs_streq(how, "offline"))
		state = VSSD_ZS_OFFLINE;
	else
		return -EINVAL;
	return vssd_zns_zone_failed(zns, zone, state) ? -EINVAL : 0;
}

static ssize_t vssd_zns_ns_zone_fail_store(struct config_item *item, const char *page,
					   size_t count)
{
	return vssd_cs_ns_act(item, count, &vssd_cs_zns, vssd_zns_fail_zone, page);
}
CONFIGFS_ATTR_WO(vssd_zns_ns_, zone_fail);

struct configfs_attribute *const vssd_zns_ns_attrs[] = {
	&vssd_zns_ns_attr_zone_size_mb,
	&vssd_zns_ns_attr_zone_capacity_mb,
	&vssd_zns_ns_attr_max_open_zones,
	&vssd_zns_ns_attr_max_active_zones,
	&vssd_zns_ns_attr_zone_fail,
	NULL,
};
