// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: the module parameters.  The tunables are the entries of
 * VTCP_PARAM_LIST (params.h), each checked against its range when set;
 * data_in_use_kb and data_peak_kb report what data buffers hold (mem.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "mem.h"
#include "params.h"

#define VTCP_PARAM_DEFINE(name, def, min, max, perm, desc)		\
	unsigned int vtcp_##name = def;
VTCP_PARAM_LIST(VTCP_PARAM_DEFINE)
#undef VTCP_PARAM_DEFINE

/* The accepted range of each numeric parameter, found by its variable. */
static const struct {
	const unsigned int *var;
	unsigned int min;
	unsigned int max;
} vtcp_param_ranges[] = {
#define VTCP_PARAM_RANGE(name, def, min, max, perm, desc)		\
	{ &vtcp_##name, min, max },
	VTCP_PARAM_LIST(VTCP_PARAM_RANGE)
#undef VTCP_PARAM_RANGE
};

static int vtcp_param_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v, i;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(vtcp_param_ranges); i++) {
		if (vtcp_param_ranges[i].var != kp->arg)
			continue;
		if (v < vtcp_param_ranges[i].min || v > vtcp_param_ranges[i].max) {
			pr_err("%s must be within %u..%u, not %u\n", kp->name,
			       vtcp_param_ranges[i].min, vtcp_param_ranges[i].max, v);
			return -EINVAL;
		}
	}
	/*
	 * max_data_mb 0 stands for the default, computed from RAM; at least
	 * 16 MiB, so that a transfer of the largest MDTS always fits.
	 */
	if (kp->arg == &vtcp_max_data_mb && !v)
		v = vtcp_data_mb_default();
	if (kp->arg == &vtcp_max_data_mb && v < 16) {
		pr_err("%s must be 0 or at least 16, not %u\n", kp->name, v);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops vtcp_param_ops = {
	.set = vtcp_param_set,
	.get = param_get_uint,
};

#define VTCP_PARAM_MODULE(name, def, min, max, perm, desc)		\
	module_param_cb(name, &vtcp_param_ops, &vtcp_##name, perm);	\
	MODULE_PARM_DESC(name, desc);
VTCP_PARAM_LIST(VTCP_PARAM_MODULE)
#undef VTCP_PARAM_MODULE

/* Read-only counters: data buffer KiB held now, and the most since reset. */
static int vtcp_data_in_use_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", vtcp_data_in_use() >> 10);
}

static const struct kernel_param_ops vtcp_data_in_use_ops = {
	.get = vtcp_data_in_use_get,
};

static int vtcp_data_peak_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", vtcp_data_peak_bytes() >> 10);
}

/* Writing 0 starts a new high-water mark at what is held now. */
static int vtcp_data_peak_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v)
		return -EINVAL;
	vtcp_data_peak_reset();
	return 0;
}

static const struct kernel_param_ops vtcp_data_peak_ops = {
	.get = vtcp_data_peak_get,
	.set = vtcp_data_peak_set,
};

module_param_cb(data_in_use_kb, &vtcp_data_in_use_ops, NULL, 0444);
MODULE_PARM_DESC(data_in_use_kb, "data buffer KiB held now (read-only)");
module_param_cb(data_peak_kb, &vtcp_data_peak_ops, NULL, 0644);
MODULE_PARM_DESC(data_peak_kb, "most data buffer KiB held since load or since 0 was written");
