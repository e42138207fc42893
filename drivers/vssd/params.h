/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the per-controller parameters.
 *
 * Each one is a read-only module parameter (the default copied into every
 * new controller), a field of struct vssd_params, an entry of
 * vssd_param_descs[] (name, unit, limits) and a configfs attribute of the
 * controller directory.  Documentation/configfs.rst has the same table for
 * users; keep them in step.
 */
#ifndef VSSD_PARAMS_H
#define VSSD_PARAMS_H

#include <linux/types.h>

#define VSSD_MODEL_NAME_LEN	16

struct vssd_params {
	/* engine */
	long nr_io_queues;
	long queue_depth;
	long dispatcher_cpu;
	long poll;
	long max_transfer_kb;
	/* "simple" model */
	long read_latency_ns;
	long write_latency_ns;
	long read_mbps;
	long write_mbps;
	/* "ssd" model */
	long channels;
	long dies_per_channel;
	long planes_per_die;
	long page_kb;
	long pages_per_block;
	long read_lsb_ns;
	long read_msb_ns;
	long program_ns;
	long erase_ns;
	long channel_mbps;
	long host_mbps;
	long fw_read_ns;
	long fw_write_ns;
	long fw_write_per4k_ns;
	long write_buffer_kb;
	long op_percent;
	long gc_free_percent;
	long pe_cycles;
	/* key-value namespaces */
	long kv_index_ns;
	char model[VSSD_MODEL_NAME_LEN];
};

enum vssd_param_index {
	VSSD_PARAM_nr_io_queues,
	VSSD_PARAM_queue_depth,
	VSSD_PARAM_dispatcher_cpu,
	VSSD_PARAM_poll,
	VSSD_PARAM_max_transfer_kb,
	VSSD_PARAM_read_latency_ns,
	VSSD_PARAM_write_latency_ns,
	VSSD_PARAM_read_mbps,
	VSSD_PARAM_write_mbps,
	VSSD_PARAM_channels,
	VSSD_PARAM_dies_per_channel,
	VSSD_PARAM_planes_per_die,
	VSSD_PARAM_page_kb,
	VSSD_PARAM_pages_per_block,
	VSSD_PARAM_read_lsb_ns,
	VSSD_PARAM_read_msb_ns,
	VSSD_PARAM_program_ns,
	VSSD_PARAM_erase_ns,
	VSSD_PARAM_channel_mbps,
	VSSD_PARAM_host_mbps,
	VSSD_PARAM_fw_read_ns,
	VSSD_PARAM_fw_write_ns,
	VSSD_PARAM_fw_write_per4k_ns,
	VSSD_PARAM_write_buffer_kb,
	VSSD_PARAM_op_percent,
	VSSD_PARAM_gc_free_percent,
	VSSD_PARAM_pe_cycles,
	VSSD_PARAM_kv_index_ns,
	VSSD_NR_PARAMS
};

struct vssd_param_desc {
	const char *name;
	const char *unit;
	long min;
	long max;
	size_t offset;
};

extern const struct vssd_param_desc vssd_param_descs[VSSD_NR_PARAMS];

static inline long *vssd_param_ptr(struct vssd_params *p, enum vssd_param_index i)
{
	return (long *)((char *)p + vssd_param_descs[i].offset);
}

/* A named set of values: writing its name to "preset" applies them. */
struct vssd_preset_value {
	enum vssd_param_index param;
	long value;
};

struct vssd_preset {
	const char *name;
	const char *model;
	const char *description;
	const struct vssd_preset_value *values;
	unsigned int nr_values;
};

const struct vssd_preset *vssd_preset_find(const char *name);
void vssd_preset_apply(const struct vssd_preset *preset, struct vssd_params *p);
const char *vssd_preset_matching(const struct vssd_params *p);
void vssd_params_defaults(struct vssd_params *p);
int vssd_params_check(const struct vssd_params *p, char *why, size_t why_len);
int vssd_param_value_check(enum vssd_param_index i, long v, char *why, size_t why_len);

#endif /* VSSD_PARAMS_H */
