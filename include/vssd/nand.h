/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: timing of a NAND flash array behind a host interface.
 *
 * Each parallel unit ("die": a plane of a die on a channel) and each channel
 * is a timeline: the time it next becomes free.  An operation starts when
 * both what it needs are free and ends a fixed time later; nothing waits in
 * a queue, so every call is O(1).  The DRAM write buffer is a count of held
 * 4 KiB units and a min-heap of the times programs release them.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit runs it in userspace.
 */
#ifndef VSSD_NAND_H
#define VSSD_NAND_H

#include <vssd/heap.h>

struct vssd_nand_config {
	u32 channels;
	u32 dies_per_channel;
	u32 planes_per_die;
	u32 page_size;		/* bytes, multiple of 4096 */
	u32 pages_per_block;
	u64 read_lsb_ns;
	u64 read_msb_ns;
	u64 program_ns;
	u64 erase_ns;
	u32 channel_mbps;
	u32 host_mbps;
	u64 fw_read_ns;
	u64 fw_write_ns;
	u64 fw_write_per4k_ns;
	u32 buffer_units;	/* 4 KiB units; 0: no write buffer */
};

struct vssd_nand {
	struct vssd_nand_config cfg;
	u32 nr_dies;
	u64 *die_free;
	u64 *channel_free;
	u64 host_free;

	u32 wb_used;
	u64 wb_last_release;
	struct vssd_heap wb_heap;	/* key: release time, value: units */

	u64 pages_read;
	u64 pages_programmed;
	u64 blocks_erased;
};

int vssd_nand_init(struct vssd_nand *nand, const struct vssd_nand_config *cfg);
void vssd_nand_destroy(struct vssd_nand *nand);

u64 vssd_xfer_ns(u64 bytes, u32 mbps);

static inline u32 vssd_nand_channel(const struct vssd_nand *nand, u32 die)
{
	return die % nand->cfg.channels;
}

u64 vssd_nand_read(struct vssd_nand *nand, u32 die, u32 page_in_block,
		   u32 bytes, u64 start);
u64 vssd_nand_program(struct vssd_nand *nand, u32 die, u64 ready);
u64 vssd_nand_erase(struct vssd_nand *nand, u32 die, u64 start);
u64 vssd_nand_host(struct vssd_nand *nand, u64 bytes, u64 start);
u64 vssd_nand_busy_until(const struct vssd_nand *nand);

u64 vssd_wb_admit(struct vssd_nand *nand, u64 start);
void vssd_wb_release(struct vssd_nand *nand, u32 units, u64 time);

#endif /* VSSD_NAND_H */
