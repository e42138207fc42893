// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the timing models by name.  Adding a model means adding its ops
 * table here; nothing else in the I/O path knows which model runs.
 */
#include "../vssd.h"

static const struct vssd_model_ops *const vssd_models[] = {
	&vssd_model_zero,
	&vssd_model_simple,
	&vssd_model_ssd,
};

const struct vssd_model_ops *vssd_model_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_models); i++)
		if (sysfs_streq(name, vssd_models[i]->name))
			return vssd_models[i];
	return NULL;
}

/* The name of the @i-th model, NULL past the last. */
const char *vssd_model_name(unsigned int i)
{
	return i < ARRAY_SIZE(vssd_models) ? vssd_models[i]->name : NULL;
}
