/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the per-controller parameters.
 *
 * VSSD_PARAM_LIST has one entry per parameter:
 *   X(name, default, min, max, unit, what it does)
 * and is expanded into the fields of struct vssd_params, enum
 * vssd_param_index, the defaults (each also a read-only module parameter)
 * and vssd_param_descs[] in params.c, and the attributes of a controller's
 * configfs directory in configfs.c.  A new parameter is one entry here
 * (and its row in Documentation/configfs.rst).
 */
#ifndef VSSD_PARAMS_H
#define VSSD_PARAMS_H

#include <linux/types.h>

#define VSSD_MODEL_NAME_LEN	16

#define VSSD_PARAM_LIST(X)							\
	/* engine */								\
	X(nr_io_queues, 0, 0, 64, "queues",					\
	  "I/O submission queues (0: one per online CPU)")			\
	X(queue_depth, 256, 2, 4096, "commands",				\
	  "depth of each I/O submission queue")					\
	X(dispatcher_cpu, -1, -1, 8191, "cpu",					\
	  "CPU the dispatcher thread is bound to (-1: any)")			\
	X(poll, 0, 0, 1, "bool",						\
	  "1: workers spin up to 2 ms before each deadline and hand every "	\
	  "command to a worker (precision, CPU time); 0: short spins only")	\
	X(keep_data, 0, 0, 1, "bool",						\
	  "1: block and KV namespaces keep their data across power off and on") \
	X(wcache_kb, 0, 0, 1048576, "KiB",					\
	  "volatile write cache a power loss can lose, per block or KV namespace " \
	  "(0: a write is durable when it completes)")			\
	X(max_transfer_kb, 1024, 4, 4096, "KiB",				\
	  "largest data transfer of one command (MDTS), power of two")		\
	/* "simple" model */							\
	X(read_latency_ns, 12000, 0, 1000000000, "ns",				\
	  "simple: fixed latency added to every read")				\
	X(write_latency_ns, 14000, 0, 1000000000, "ns",				\
	  "simple: fixed latency added to every write")				\
	X(read_mbps, 2400, 1, 1000000, "MB/s",					\
	  "simple: read bandwidth")						\
	X(write_mbps, 2000, 1, 1000000, "MB/s",					\
	  "simple: write bandwidth")						\
	/* "ssd" model */							\
	X(channels, 8, 1, 64, "channels",					\
	  "ssd: flash channels")						\
	X(dies_per_channel, 2, 1, 64, "dies",					\
	  "ssd: dies (LUNs) on each channel")					\
	X(planes_per_die, 1, 1, 8, "planes",					\
	  "ssd: planes per die, each an independent unit")			\
	X(page_kb, 32, 4, 256, "KiB",						\
	  "ssd: flash page size, a multiple of 4")				\
	X(pages_per_block, 64, 2, 4096, "pages",				\
	  "ssd: pages per erase block")						\
	X(read_lsb_ns, 29760, 0, 100000000, "ns",				\
	  "ssd: page read time tR, even (LSB) pages")				\
	X(read_msb_ns, 41760, 0, 100000000, "ns",				\
	  "ssd: page read time tR, odd (MSB) pages")				\
	X(program_ns, 185000, 0, 100000000, "ns",				\
	  "ssd: page program time tPROG")					\
	X(erase_ns, 3500000, 0, 1000000000, "ns",				\
	  "ssd: block erase time tBERS")					\
	X(channel_mbps, 800, 1, 1000000, "MB/s",				\
	  "ssd: bandwidth of each flash channel")				\
	X(host_mbps, 3360, 1, 1000000, "MB/s",					\
	  "ssd: host interface bandwidth")					\
	X(fw_read_ns, 21500, 0, 100000000, "ns",				\
	  "ssd: firmware time before a read reaches the flash")			\
	X(fw_write_ns, 4000, 0, 100000000, "ns",				\
	  "ssd: firmware time of a write into the buffer")			\
	X(fw_write_per4k_ns, 460, 0, 100000000, "ns",				\
	  "ssd: extra firmware time per 4 KiB written")				\
	X(write_buffer_kb, 1024, 0, 1048576, "KiB",				\
	  "ssd: DRAM write buffer (0: writes wait for the program)")		\
	X(op_percent, 7, 0, 400, "%",						\
	  "ssd: over-provisioning, flash beyond the namespace size")		\
	X(gc_free_percent, 10, 0, 90, "%",					\
	  "ssd: background GC keeps this share of blocks free")			\
	X(pe_cycles, 3000, 1, 1000000, "cycles",				\
	  "ssd: rated program/erase cycles (SMART percentage used)")		\
	/* key-value namespaces */						\
	X(kv_index_ns, 1000, 0, 100000000, "ns",				\
	  "kv: firmware time of one index step (lookup, insert, delete)")

#define VSSD_PARAM_FIELD(name, ...)	long name;
#define VSSD_PARAM_INDEX(name, ...)	VSSD_PARAM_##name,

struct vssd_params {
	VSSD_PARAM_LIST(VSSD_PARAM_FIELD)
	char model[VSSD_MODEL_NAME_LEN];
};

enum vssd_param_index {
	VSSD_PARAM_LIST(VSSD_PARAM_INDEX)
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
const char *vssd_preset_name(unsigned int i);
void vssd_preset_apply(const struct vssd_preset *preset, struct vssd_params *p);
const char *vssd_preset_matching(const struct vssd_params *p);
void vssd_params_defaults(struct vssd_params *p);
int vssd_params_check(const struct vssd_params *p, char *why, size_t why_len);
int vssd_param_value_check(enum vssd_param_index i, long v, char *why, size_t why_len);

#endif /* VSSD_PARAMS_H */
