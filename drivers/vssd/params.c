// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: parameter defaults (read-only module parameters), their limits and
 * the presets.  The list itself is in params.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/string.h>

#include <vssd/params.h>
#include "vssd.h"

/* Defaults of new controllers; each is a read-only module parameter. */
#define VSSD_PARAM_DEFAULT(name, def, ...)	.name = def,

static struct vssd_params vssd_defaults = {
	VSSD_PARAM_LIST(VSSD_PARAM_DEFAULT)
	.model = "ssd",
};

#define VSSD_PARAM_MODULE(name, def, lo, hi, unit, what)		\
	module_param_named(name, vssd_defaults.name, long, 0444);	\
	MODULE_PARM_DESC(name, what " [" unit ", default " #def "]");

VSSD_PARAM_LIST(VSSD_PARAM_MODULE)
module_param_string(model, vssd_defaults.model, sizeof(vssd_defaults.model), 0444);
MODULE_PARM_DESC(model, "timing model of new controllers: zero, simple or ssd [default ssd]");

#define VSSD_PARAM_DESC(field, def, lo, hi, unit_name, what)		\
	[VSSD_PARAM_##field] = {					\
		.name = #field, .unit = unit_name, .min = lo, .max = hi, \
		.offset = offsetof(struct vssd_params, field),		\
	},

const struct vssd_param_desc vssd_param_descs[VSSD_NR_PARAMS] = {
	VSSD_PARAM_LIST(VSSD_PARAM_DESC)
};

/*
 * Samsung 970 PRO as NVMeVirt models it (8 channels x 2 dies, 32 KiB pages,
 * MLC read times, 185 us program, 800 MB/s channels, PCIe 3.0 x4), with a
 * 3.5 ms block erase instead of NVMeVirt's free one.
 */
static const struct vssd_preset_value vssd_preset_970pro_values[] = {
	{ VSSD_PARAM_channels, 8 },
	{ VSSD_PARAM_dies_per_channel, 2 },
	{ VSSD_PARAM_planes_per_die, 1 },
	{ VSSD_PARAM_page_kb, 32 },
	{ VSSD_PARAM_pages_per_block, 64 },
	{ VSSD_PARAM_read_lsb_ns, 29760 },
	{ VSSD_PARAM_read_msb_ns, 41760 },
	{ VSSD_PARAM_program_ns, 185000 },
	{ VSSD_PARAM_erase_ns, 3500000 },
	{ VSSD_PARAM_channel_mbps, 800 },
	{ VSSD_PARAM_host_mbps, 3360 },
	{ VSSD_PARAM_fw_read_ns, 21500 },
	{ VSSD_PARAM_fw_write_ns, 4000 },
	{ VSSD_PARAM_fw_write_per4k_ns, 460 },
	{ VSSD_PARAM_write_buffer_kb, 1024 },
	{ VSSD_PARAM_op_percent, 7 },
};

/* An Optane-like device: flat latency, no GC, bandwidth-bound. */
static const struct vssd_preset_value vssd_preset_optane_values[] = {
	{ VSSD_PARAM_read_latency_ns, 12000 },
	{ VSSD_PARAM_write_latency_ns, 14000 },
	{ VSSD_PARAM_read_mbps, 2400 },
	{ VSSD_PARAM_write_mbps, 2000 },
};

static const struct vssd_preset vssd_presets[] = {
	{
		.name = "970pro", .model = "ssd",
		.description = "Samsung 970 PRO class TLC/MLC NVMe SSD",
		.values = vssd_preset_970pro_values,
		.nr_values = ARRAY_SIZE(vssd_preset_970pro_values),
	},
	{
		.name = "optane", .model = "simple",
		.description = "Optane-like: 12/14 us, 2.4/2.0 GB/s",
		.values = vssd_preset_optane_values,
		.nr_values = ARRAY_SIZE(vssd_preset_optane_values),
	},
};

const struct vssd_preset *vssd_preset_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_presets); i++)
		if (sysfs_streq(name, vssd_presets[i].name))
			return &vssd_presets[i];
	return NULL;
}

/* The name of the @i-th preset, NULL past the last. */
const char *vssd_preset_name(unsigned int i)
{
	return i < ARRAY_SIZE(vssd_presets) ? vssd_presets[i].name : NULL;
}

void vssd_preset_apply(const struct vssd_preset *preset, struct vssd_params *p)
{
	unsigned int i;

	strscpy(p->model, preset->model, sizeof(p->model));
	for (i = 0; i < preset->nr_values; i++)
		*vssd_param_ptr(p, preset->values[i].param) = preset->values[i].value;
}

/* The preset whose model and values all equal @p's, or "custom". */
const char *vssd_preset_matching(const struct vssd_params *p)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(vssd_presets); i++) {
		const struct vssd_preset *preset = &vssd_presets[i];
		bool same = !strcmp(p->model, preset->model);

		for (j = 0; same && j < preset->nr_values; j++)
			same = *vssd_param_ptr((struct vssd_params *)p,
					       preset->values[j].param) ==
			       preset->values[j].value;
		if (same)
			return preset->name;
	}
	return "custom";
}

void vssd_params_defaults(struct vssd_params *p)
{
	*p = vssd_defaults;
}

/*
 * Whether @v is a valid value of parameter @i on its own; @why gets a
 * sentence for the kernel log.  Returns 0 or -EINVAL.
 */
int vssd_param_value_check(enum vssd_param_index i, long v, char *why, size_t why_len)
{
	const struct vssd_param_desc *d = &vssd_param_descs[i];

	if (v < d->min || v > d->max) {
		snprintf(why, why_len, "%s=%ld refused: must be %ld..%ld (%s)",
			 d->name, v, d->min, d->max, d->unit);
		return -EINVAL;
	}
	if (i == VSSD_PARAM_max_transfer_kb && !is_power_of_2(v)) {
		snprintf(why, why_len, "max_transfer_kb=%ld refused: not a power of two", v);
		return -EINVAL;
	}
	if (i == VSSD_PARAM_page_kb && v % 4) {
		snprintf(why, why_len, "page_kb=%ld refused: not a multiple of 4", v);
		return -EINVAL;
	}
	return 0;
}

/* Every value valid, and the model known.  Returns 0 or -EINVAL. */
int vssd_params_check(const struct vssd_params *p, char *why, size_t why_len)
{
	unsigned int i;

	for (i = 0; i < VSSD_NR_PARAMS; i++)
		if (vssd_param_value_check(i, *vssd_param_ptr((struct vssd_params *)p, i),
					   why, why_len))
			return -EINVAL;
	if (!vssd_model_find(p->model)) {
		snprintf(why, why_len, "model \"%s\" is unknown", p->model);
		return -EINVAL;
	}
	return 0;
}

int vssd_params_init(void)
{
	struct vssd_params p;
	char why[96];

	vssd_params_defaults(&p);
	if (vssd_params_check(&p, why, sizeof(why))) {
		pr_err("module parameters: %s\n", why);
		return -EINVAL;
	}
	return 0;
}
