/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the flash timing of a zoned namespace on the ssd model's NAND array.
 *
 * Mapping: the bytes a zone is written with form a stream cut into flash
 * pages; page p of zone z is on die (z + p) mod D (D = all dies), in
 * erase block p / (D x pages_per_block) of that die's share of the zone, at
 * page (p / D) mod pages_per_block of that block.  A zone is thus striped
 * over every die, one page at a time, and consecutive zones start one die
 * apart so that zones written side by side do not program in lockstep.
 * There is no mapping table and no GC: a zone's data is where its write
 * pointer put it, and a reset erases the blocks the zone used.
 *
 * Writes: each 4 KiB unit of the stream waits for room in the write buffer,
 * the firmware takes fw_write_ns plus fw_write_per4k_ns a unit, the data
 * crosses the host interface and the command completes; a page is
 * programmed once the zone's stream fills it, and frees its units of the
 * buffer when the program ends.  Without a buffer, or write-through, the
 * command completes when its last page is programmed (a partial page is
 * programmed padded; the page is programmed again when the stream fills
 * it, as a device with a small SLC staging area would).  When the partial
 * pages of open zones fill the whole buffer, the one written first is
 * programmed padded to make room.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit runs it in userspace.
 * Not locked: the caller serialises every call (the dispatch lock).
 */
#ifndef VSSD_ZNS_FLASH_H
#define VSSD_ZNS_FLASH_H

#include <vssd/nand.h>

struct vssd_zflash_zone {
	u64 bytes;		/* stream bytes written since the last reset */
	u64 programmed;		/* stream bytes on flash (whole pages, or padded) */
	u64 released;		/* 4 KiB units given back to the write buffer */
	u64 page_ready;		/* when the data of the open page is all in */
	struct list_head partial;	/* on vssd_zflash.partial */
};

struct vssd_zflash {
	struct vssd_nand *nand;
	u32 nr_dies;
	u32 nr_zones;
	struct vssd_zflash_zone *zone;
	struct list_head partial;	/* zones with buffered bytes, oldest first */
	u64 programs;		/* pages programmed, padded ones included */
	u64 forced;		/* of them, padded to free a full write buffer */
	u64 erases;		/* blocks erased by resets */
};

/* Per-zone state for @nr_zones zones; may sleep.  0 or -ENOMEM. */
int vssd_zflash_init(struct vssd_zflash *zf, struct vssd_nand *nand, u32 nr_zones);
void vssd_zflash_destroy(struct vssd_zflash *zf);

/*
 * @len bytes appended to zone @zone's stream, arriving at @now; *@done is
 * when the command completes.
 */
void vssd_zflash_write(struct vssd_zflash *zf, u32 zone, u64 len, u64 now,
		       bool write_through, u64 *done);
/* A read of @len bytes at byte @off of zone @zone's stream: when the data is at the host. */
u64 vssd_zflash_read(struct vssd_zflash *zf, u32 zone, u64 off, u64 len, u64 now);
/* Program the zone's partial page (Flush, Finish); returns when it is on flash. */
u64 vssd_zflash_sync(struct vssd_zflash *zf, u32 zone, u64 now);
/* The same for every zone with a partial page (Flush). */
u64 vssd_zflash_sync_all(struct vssd_zflash *zf, u64 now);
/* The zone's data is gone (an offline zone): its buffered units are freed. */
void vssd_zflash_drop(struct vssd_zflash *zf, u32 zone, u64 now);
/* Reset: buffered data is dropped, the used blocks erased; returns when done. */
u64 vssd_zflash_reset(struct vssd_zflash *zf, u32 zone, u64 now);

#endif /* VSSD_ZNS_FLASH_H */
