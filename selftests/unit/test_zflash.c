// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for zns/flash.c, the flash timing of zoned namespaces: the
 * write and read formulas of Documentation/zns.rst on an idle 970pro
 * array, the die each page lands on, pages programmed as the stream fills
 * them, write-through, the blocks a reset erases, and write-buffer units
 * that always come back.
 */
// unit-sources: zns/flash.c drivers/vssd/ftl/nand.c drivers/vssd/ftl/heap.c
#include <stdlib.h>

#include "unit.h"
#include "zns/flash.h"
#include "nand_presets.h"

#define T0	1000000000ULL
#define LATER	100000000ULL	/* long after anything queued */

UNIT_TEST(write_and_read_formulas)
{
	struct vssd_nand nand;
	struct vssd_zflash zf;
	u64 t = T0, done;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_zflash_init(&zf, &nand, 4), 0);
	/* QD1 4 KiB write with room in the buffer: fw + per-4k + host DMA. */
	vssd_zflash_write(&zf, 0, 4096, t, false, &done);
	EXPECT_EQ(done, t + 4000 + 460 + 1220);
	EXPECT_EQ(zf.programs, 0);
	/* Still buffered: a read costs firmware and DMA only. */
	t += LATER;
	EXPECT_EQ(vssd_zflash_read(&zf, 0, 0, 4096, t), t + 21500 + 1220);
	/* The rest of the page: programmed on die 0 (zone 0, page 0). */
	vssd_zflash_write(&zf, 0, 28672, t, false, &done);
	EXPECT_EQ(zf.programs, 1);
	EXPECT(nand.die_free[0] > t);
	EXPECT_EQ(nand.die_free[1], 0);
	t += LATER;
	/* On flash, LSB page: fw + tR + channel + host. */
	EXPECT_EQ(vssd_zflash_read(&zf, 0, 0, 4096, t), t + 21500 + 29760 + 5120 + 1220);
	/* Never written: nothing to sense. */
	t += LATER;
	EXPECT_EQ(vssd_zflash_read(&zf, 0, 65536, 4096, t), t + 21500 + 1220);
	/* Zone 1 starts one die further. */
	vssd_zflash_write(&zf, 1, 32768, t, false, &done);
	EXPECT(nand.die_free[1] > t);
	EXPECT(nand.die_free[2] < t);
	vssd_zflash_destroy(&zf);
	vssd_nand_destroy(&nand);
}

UNIT_TEST(write_through_waits_for_program)
{
	struct vssd_nand nand;
	struct vssd_zflash zf;
	u64 t = T0, done;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_zflash_init(&zf, &nand, 2), 0);
	vssd_zflash_write(&zf, 1, 4096, t, true, &done);
	/* A padded program of the partial page: channel in, then tPROG. */
	EXPECT_EQ(done, t + 4000 + 40960 + 185000);
	EXPECT_EQ(zf.programs, 1);
	/* The page is programmed again once the stream fills it. */
	t += LATER;
	vssd_zflash_write(&zf, 1, 28672, t, false, &done);
	EXPECT_EQ(zf.programs, 2);
	EXPECT_EQ(vssd_zflash_sync(&zf, 1, t), t);	/* nothing partial left */
	vssd_zflash_destroy(&zf);
	vssd_nand_destroy(&nand);
}

UNIT_TEST(reset_erases_used_blocks)
{
	struct vssd_nand nand;
	struct vssd_zflash zf;
	u64 t = T0, done;
	u32 i;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_zflash_init(&zf, &nand, 3), 0);
	EXPECT_EQ(vssd_zflash_reset(&zf, 2, t), t);	/* nothing written */
	EXPECT_EQ(zf.erases, 0);
	/* 20 pages from die 2 on: every die holds one or two, in one block each. */
	for (i = 0; i < 20; i++)
		vssd_zflash_write(&zf, 2, 32768, t, false, &done);
	t += LATER;
	EXPECT_EQ(vssd_zflash_reset(&zf, 2, t), t + 3500000);
	EXPECT_EQ(zf.erases, 16);
	/* 16 x 64 + 1 pages: die 0 (first page of the zone) holds 65: two blocks. */
	for (i = 0; i < 16 * 64 + 1; i++)
		vssd_zflash_write(&zf, 0, 32768, t, false, &done);
	t += LATER * 100;
	EXPECT_EQ(vssd_zflash_reset(&zf, 0, t), t + 2 * 3500000);
	EXPECT_EQ(zf.erases, 16 + 17);
	vssd_zflash_destroy(&zf);
	vssd_nand_destroy(&nand);
}

/* Random writes, syncs and resets on several zones: the buffer never overflows and drains. */
UNIT_TEST(buffer_units_come_back)
{
	struct vssd_nand nand;
	struct vssd_zflash zf;
	u64 t = T0, done, seed = 5;
	u32 step;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_zflash_init(&zf, &nand, 8), 0);
	for (step = 0; step < 200000; step++) {
		u32 zone, op;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		zone = (seed >> 33) % 8;
		op = (seed >> 40) % 100;
		if (op < 90)
			vssd_zflash_write(&zf, zone, 512 * (1 + (seed >> 20) % 64), t, op < 3,
					  &done);
		else if (op < 95)
			vssd_zflash_sync(&zf, zone, t);
		else
			vssd_zflash_reset(&zf, zone, t);
		EXPECT(nand.wb_used <= pro970.buffer_units);
		t += 2000;
	}
	for (step = 0; step < 8; step++)
		vssd_zflash_reset(&zf, step, t);
	vssd_wb_admit(&nand, t + LATER * 1000);
	EXPECT_EQ(nand.wb_used, 1);	/* only the unit just admitted */
	vssd_zflash_destroy(&zf);
	vssd_nand_destroy(&nand);
}

/* Partial pages of many zones fill the buffer: one is programmed to make room. */
UNIT_TEST(partial_pages_never_overfill)
{
	struct vssd_nand nand;
	struct vssd_zflash zf;
	u64 t = T0, done;
	u32 zone;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_zflash_init(&zf, &nand, 300), 0);
	for (zone = 0; zone < 300; zone++) {
		vssd_zflash_write(&zf, zone, 4096, t, false, &done);
		EXPECT(nand.wb_used <= pro970.buffer_units);
	}
	EXPECT(zf.forced >= 300 - 256);
	EXPECT_EQ(zf.programs, zf.forced);
	vssd_zflash_destroy(&zf);
	vssd_nand_destroy(&nand);
}

/* One write far larger than the buffer (a 256 MiB Write Zeroes) frees its own pages. */
UNIT_TEST(long_write_drains_itself)
{
	struct vssd_nand nand;
	struct vssd_zflash zf;
	u64 t = T0, done;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_zflash_init(&zf, &nand, 4), 0);
	vssd_zflash_write(&zf, 1, 4096, t, false, &done);	/* another zone's partial page */
	vssd_zflash_write(&zf, 2, 256ULL << 20, t, false, &done);
	EXPECT(nand.wb_used <= pro970.buffer_units);
	EXPECT_EQ(zf.programs, 8192);
	EXPECT_EQ(zf.forced, 0);
	/* Limited by the programs: 8192 pages over 16 dies at >= 185 us each. */
	EXPECT(done >= t + 512ULL * 185000);
	vssd_zflash_destroy(&zf);
	vssd_nand_destroy(&nand);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(write_and_read_formulas),
		UNIT_CASE(write_through_waits_for_program),
		UNIT_CASE(reset_erases_used_blocks),
		UNIT_CASE(buffer_units_come_back),
		UNIT_CASE(partial_pages_never_overfill),
		UNIT_CASE(long_write_drains_itself),
	};

	return unit_run("zflash", cases, ARRAY_SIZE(cases));
}
