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

#include "params.h"
#include "vssd.h"

/* Defaults of new controllers; each is a read-only module parameter. */
static struct vssd_params vssd_defaults = {
	.nr_io_queues = 0,
	.queue_depth = 256,
	.dispatcher_cpu = -1,
	.poll = 0,
	.max_transfer_kb = 1024,
	.read_latency_ns = 12000,
	.write_latency_ns = 14000,
	.read_mbps = 2400,
	.write_mbps = 2000,
	.channels = 8,
	.dies_per_channel = 2,
	.planes_per_die = 1,
	.page_kb = 32,
	.pages_per_block = 64,
	.read_lsb_ns = 29760,
	.read_msb_ns = 41760,
	.program_ns = 185000,
	.erase_ns = 3500000,
	.channel_mbps = 800,
	.host_mbps = 3360,
	.fw_read_ns = 21500,
	.fw_write_ns = 4000,
	.fw_write_per4k_ns = 460,
	.write_buffer_kb = 1024,
	.op_percent = 7,
	.gc_free_percent = 10,
	.pe_cycles = 3000,
	.kv_index_ns = 1000,
	.model = "ssd",
};

module_param_named(nr_io_queues, vssd_defaults.nr_io_queues, long, 0444);
MODULE_PARM_DESC(nr_io_queues, "I/O submission queues (0: one per online CPU) [queues, default 0]");
module_param_named(queue_depth, vssd_defaults.queue_depth, long, 0444);
MODULE_PARM_DESC(queue_depth, "depth of each I/O submission queue [commands, default 256]");
module_param_named(dispatcher_cpu, vssd_defaults.dispatcher_cpu, long, 0444);
MODULE_PARM_DESC(dispatcher_cpu, "CPU the dispatcher thread is bound to (-1: any) [cpu, default -1]");
module_param_named(poll, vssd_defaults.poll, long, 0444);
MODULE_PARM_DESC(poll, "1: workers spin up to 2 ms before each deadline and hand every command to a worker (precision, CPU time); 0: short spins only [bool, default 0]");
module_param_named(max_transfer_kb, vssd_defaults.max_transfer_kb, long, 0444);
MODULE_PARM_DESC(max_transfer_kb, "largest data transfer of one command (MDTS), power of two [KiB, default 1024]");
module_param_named(read_latency_ns, vssd_defaults.read_latency_ns, long, 0444);
MODULE_PARM_DESC(read_latency_ns, "simple: fixed latency added to every read [ns, default 12000]");
module_param_named(write_latency_ns, vssd_defaults.write_latency_ns, long, 0444);
MODULE_PARM_DESC(write_latency_ns, "simple: fixed latency added to every write [ns, default 14000]");
module_param_named(read_mbps, vssd_defaults.read_mbps, long, 0444);
MODULE_PARM_DESC(read_mbps, "simple: read bandwidth [MB/s, default 2400]");
module_param_named(write_mbps, vssd_defaults.write_mbps, long, 0444);
MODULE_PARM_DESC(write_mbps, "simple: write bandwidth [MB/s, default 2000]");
module_param_named(channels, vssd_defaults.channels, long, 0444);
MODULE_PARM_DESC(channels, "ssd: flash channels [channels, default 8]");
module_param_named(dies_per_channel, vssd_defaults.dies_per_channel, long, 0444);
MODULE_PARM_DESC(dies_per_channel, "ssd: dies (LUNs) on each channel [dies, default 2]");
module_param_named(planes_per_die, vssd_defaults.planes_per_die, long, 0444);
MODULE_PARM_DESC(planes_per_die, "ssd: planes per die, each an independent unit [planes, default 1]");
module_param_named(page_kb, vssd_defaults.page_kb, long, 0444);
MODULE_PARM_DESC(page_kb, "ssd: flash page size, a multiple of 4 [KiB, default 32]");
module_param_named(pages_per_block, vssd_defaults.pages_per_block, long, 0444);
MODULE_PARM_DESC(pages_per_block, "ssd: pages per erase block [pages, default 64]");
module_param_named(read_lsb_ns, vssd_defaults.read_lsb_ns, long, 0444);
MODULE_PARM_DESC(read_lsb_ns, "ssd: page read time tR, even (LSB) pages [ns, default 29760]");
module_param_named(read_msb_ns, vssd_defaults.read_msb_ns, long, 0444);
MODULE_PARM_DESC(read_msb_ns, "ssd: page read time tR, odd (MSB) pages [ns, default 41760]");
module_param_named(program_ns, vssd_defaults.program_ns, long, 0444);
MODULE_PARM_DESC(program_ns, "ssd: page program time tPROG [ns, default 185000]");
module_param_named(erase_ns, vssd_defaults.erase_ns, long, 0444);
MODULE_PARM_DESC(erase_ns, "ssd: block erase time tBERS [ns, default 3500000]");
module_param_named(channel_mbps, vssd_defaults.channel_mbps, long, 0444);
MODULE_PARM_DESC(channel_mbps, "ssd: bandwidth of each flash channel [MB/s, default 800]");
module_param_named(host_mbps, vssd_defaults.host_mbps, long, 0444);
MODULE_PARM_DESC(host_mbps, "ssd: host interface bandwidth [MB/s, default 3360]");
module_param_named(fw_read_ns, vssd_defaults.fw_read_ns, long, 0444);
MODULE_PARM_DESC(fw_read_ns, "ssd: firmware time before a read reaches the flash [ns, default 21500]");
module_param_named(fw_write_ns, vssd_defaults.fw_write_ns, long, 0444);
MODULE_PARM_DESC(fw_write_ns, "ssd: firmware time of a write into the buffer [ns, default 4000]");
module_param_named(fw_write_per4k_ns, vssd_defaults.fw_write_per4k_ns, long, 0444);
MODULE_PARM_DESC(fw_write_per4k_ns, "ssd: extra firmware time per 4 KiB written [ns, default 460]");
module_param_named(write_buffer_kb, vssd_defaults.write_buffer_kb, long, 0444);
MODULE_PARM_DESC(write_buffer_kb, "ssd: DRAM write buffer (0: writes wait for the program) [KiB, default 1024]");
module_param_named(op_percent, vssd_defaults.op_percent, long, 0444);
MODULE_PARM_DESC(op_percent, "ssd: over-provisioning, flash beyond the namespace size [%, default 7]");
module_param_named(gc_free_percent, vssd_defaults.gc_free_percent, long, 0444);
MODULE_PARM_DESC(gc_free_percent, "ssd: background GC keeps this share of blocks free [%, default 10]");
module_param_named(pe_cycles, vssd_defaults.pe_cycles, long, 0444);
MODULE_PARM_DESC(pe_cycles, "ssd: rated program/erase cycles (SMART percentage used) [cycles, default 3000]");
module_param_named(kv_index_ns, vssd_defaults.kv_index_ns, long, 0444);
MODULE_PARM_DESC(kv_index_ns, "kv: firmware time of one index step (lookup, insert, delete) [ns, default 1000]");
module_param_string(model, vssd_defaults.model, sizeof(vssd_defaults.model), 0444);
MODULE_PARM_DESC(model, "timing model of new controllers: zero, simple or ssd [default ssd]");

#define VSSD_PARAM_DESC(field, unit_name, lo, hi)			\
	[VSSD_PARAM_##field] = {					\
		.name = #field, .unit = unit_name, .min = lo, .max = hi, \
		.offset = offsetof(struct vssd_params, field),		\
	}

const struct vssd_param_desc vssd_param_descs[VSSD_NR_PARAMS] = {
	VSSD_PARAM_DESC(nr_io_queues, "queues", 0, 64),
	VSSD_PARAM_DESC(queue_depth, "commands", 2, 4096),
	VSSD_PARAM_DESC(dispatcher_cpu, "cpu", -1, 8191),
	VSSD_PARAM_DESC(poll, "bool", 0, 1),
	VSSD_PARAM_DESC(max_transfer_kb, "KiB", 4, 4096),
	VSSD_PARAM_DESC(read_latency_ns, "ns", 0, 1000000000),
	VSSD_PARAM_DESC(write_latency_ns, "ns", 0, 1000000000),
	VSSD_PARAM_DESC(read_mbps, "MB/s", 1, 1000000),
	VSSD_PARAM_DESC(write_mbps, "MB/s", 1, 1000000),
	VSSD_PARAM_DESC(channels, "channels", 1, 64),
	VSSD_PARAM_DESC(dies_per_channel, "dies", 1, 64),
	VSSD_PARAM_DESC(planes_per_die, "planes", 1, 8),
	VSSD_PARAM_DESC(page_kb, "KiB", 4, 256),
	VSSD_PARAM_DESC(pages_per_block, "pages", 2, 4096),
	VSSD_PARAM_DESC(read_lsb_ns, "ns", 0, 100000000),
	VSSD_PARAM_DESC(read_msb_ns, "ns", 0, 100000000),
	VSSD_PARAM_DESC(program_ns, "ns", 0, 100000000),
	VSSD_PARAM_DESC(erase_ns, "ns", 0, 1000000000),
	VSSD_PARAM_DESC(channel_mbps, "MB/s", 1, 1000000),
	VSSD_PARAM_DESC(host_mbps, "MB/s", 1, 1000000),
	VSSD_PARAM_DESC(fw_read_ns, "ns", 0, 100000000),
	VSSD_PARAM_DESC(fw_write_ns, "ns", 0, 100000000),
	VSSD_PARAM_DESC(fw_write_per4k_ns, "ns", 0, 100000000),
	VSSD_PARAM_DESC(write_buffer_kb, "KiB", 0, 1048576),
	VSSD_PARAM_DESC(op_percent, "%", 0, 400),
	VSSD_PARAM_DESC(gc_free_percent, "%", 0, 90),
	VSSD_PARAM_DESC(pe_cycles, "cycles", 1, 1000000),
	VSSD_PARAM_DESC(kv_index_ns, "ns", 0, 100000000),
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
