// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the KV settings of a namespace, attributes of every namespace
 * directory (used when its csi is kv): kv_max_value, kv_max_keys and
 * kv_compat.  Documentation/configfs.rst lists them.
 */
#include <linux/configfs.h>
#include <linux/kernel.h>

#include "kv.h"

void vssd_kv_conf_init(void *data)
{
	struct vssd_kv_conf *conf = data;

	conf->max_value = VSSD_KV_DEFAULT_MAX_VALUE;
	conf->max_keys = VSSD_KV_DEFAULT_MAX_KEYS;
	conf->compat = false;
}

VSSD_CS_NS_U32_ATTR(vssd_kv_ns_, kv_max_value, &vssd_cs_kv,
		    offsetof(struct vssd_kv_conf, max_value), 1, VSSD_KV_MAX_VALUE_LIMIT);
VSSD_CS_NS_U32_ATTR(vssd_kv_ns_, kv_max_keys, &vssd_cs_kv,
		    offsetof(struct vssd_kv_conf, max_keys), 1, VSSD_KV_MAX_KEYS_LIMIT);

static ssize_t vssd_kv_ns_kv_compat_get(struct vssd_cs_ns *ns, char *page)
{
	const struct vssd_kv_conf *conf = vssd_cs_conf(ns, &vssd_cs_kv);

	return sysfs_emit(page, "%d\n", conf->compat);
}

static int vssd_kv_ns_kv_compat_set(struct vssd_cs_ns *ns, const char *page)
{
	struct vssd_kv_conf *conf = vssd_cs_conf(ns, &vssd_cs_kv);

	return kstrtobool(page, &conf->compat);
}
VSSD_CS_NS_ATTR(vssd_kv_ns_, kv_compat);

struct configfs_attribute *const vssd_kv_ns_attrs[] = {
	&vssd_kv_ns_attr_kv_max_value,
	&vssd_kv_ns_attr_kv_max_keys,
	&vssd_kv_ns_attr_kv_compat,
	NULL,
};
