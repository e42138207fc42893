/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAND geometries the unit tests time against: the 970pro preset's
 * (drivers/vssd/params.c) as a struct vssd_nand_config.
 */
#ifndef VSSD_UNIT_NAND_PRESETS_H
#define VSSD_UNIT_NAND_PRESETS_H

#include <vssd/nand.h>

/* 8 channels x 2 dies, 32 KiB pages, 64-page blocks, 1 MiB write buffer. */
static const struct vssd_nand_config pro970 = {
	.channels = 8, .dies_per_channel = 2, .planes_per_die = 1,
	.page_size = 32768, .pages_per_block = 64,
	.read_lsb_ns = 29760, .read_msb_ns = 41760, .program_ns = 185000,
	.erase_ns = 3500000, .channel_mbps = 800, .host_mbps = 3360,
	.fw_read_ns = 21500, .fw_write_ns = 4000, .fw_write_per4k_ns = 460,
	.buffer_units = 256,
};

#endif /* VSSD_UNIT_NAND_PRESETS_H */
