// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/vssd/ftl/{nand,pagemap}.c: the timing formulas
 * Documentation/emulator.rst states, the write buffer, greedy GC under
 * random overwrites (maps stay consistent, WAF > 1, no error), trim, and a
 * clean -ENOSPC when a namespace without over-provisioning is full.
 */
// unit-sources: drivers/vssd/ftl/nand.c drivers/vssd/ftl/pagemap.c
// unit-sources: drivers/vssd/ftl/segs.c drivers/vssd/ftl/heap.c
#include <stdlib.h>

#include "unit.h"
#include "drivers/vssd/ftl/pagemap.h"
#include "nand_presets.h"

/* A small geometry: 2 dies, 16 KiB pages, 8-page blocks = 64-unit lines. */
static const struct vssd_nand_config tiny = {
	.channels = 2, .dies_per_channel = 1, .planes_per_die = 1,
	.page_size = 16384, .pages_per_block = 8,
	.read_lsb_ns = 50000, .read_msb_ns = 70000, .program_ns = 500000,
	.erase_ns = 3000000, .channel_mbps = 400, .host_mbps = 2000,
	.fw_read_ns = 10000, .fw_write_ns = 3000, .fw_write_per4k_ns = 500,
	.buffer_units = 16,
};

UNIT_TEST(xfer_rounds_up)
{
	EXPECT_EQ(vssd_xfer_ns(4096, 800), 5120);
	EXPECT_EQ(vssd_xfer_ns(4096, 3360), 1220);
	EXPECT_EQ(vssd_xfer_ns(0, 800), 0);
}

/* An idle device: read = fw + tR(LSB or MSB) + channel + host transfer. */
UNIT_TEST(read_latency_formula)
{
	struct vssd_nand nand;
	struct vssd_pagemap pm;
	u64 done, t0 = 1000000000ULL;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_pagemap_init(&pm, &nand, 65536, 7, 10), 0);
	/* Never written: firmware and host transfer only. */
	EXPECT_EQ(vssd_pagemap_read(&pm, 5, 1, t0), t0 + 21500 + 1220);
	/* Fill a whole stripe so unit 0 sits in a programmed LSB page. */
	EXPECT_EQ(vssd_pagemap_write(&pm, 0, 16 * 8, t0, false, &done), 0);
	t0 += 100000000ULL;		/* long after every program */
	EXPECT_EQ(vssd_pagemap_read(&pm, 0, 1, t0), t0 + 21500 + 29760 + 5120 + 1220);
	t0 += 100000000ULL;
	/* Unit 16*8 is on page 1 of die 0 (MSB): one stripe further. */
	EXPECT_EQ(vssd_pagemap_write(&pm, 128, 128, t0, false, &done), 0);
	t0 += 100000000ULL;
	EXPECT_EQ(vssd_pagemap_read(&pm, 128, 1, t0), t0 + 21500 + 41760 + 5120 + 1220);
	EXPECT_EQ(vssd_pagemap_check(&pm), 0);
	vssd_pagemap_destroy(&pm);
	vssd_nand_destroy(&nand);
}

/* A buffered write: fw + per-4K + host transfer, no program wait. */
UNIT_TEST(write_buffer_early_completion)
{
	struct vssd_nand nand;
	struct vssd_pagemap pm;
	u64 done, t0 = 1000000000ULL;

	EXPECT_EQ(vssd_nand_init(&nand, &pro970), 0);
	EXPECT_EQ(vssd_pagemap_init(&pm, &nand, 65536, 7, 10), 0);
	EXPECT_EQ(vssd_pagemap_write(&pm, 0, 1, t0, false, &done), 0);
	EXPECT_EQ(done, t0 + 4000 + 460 + 1220);
	/* Write-through waits for the (padded) page program. */
	EXPECT_EQ(vssd_pagemap_write(&pm, 1, 1, t0, true, &done), 0);
	EXPECT(done >= t0 + 185000);
	/* Flush: everything buffered is programmed by the returned time. */
	EXPECT(vssd_pagemap_flush(&pm, t0) >= t0 + 185000);
	vssd_pagemap_destroy(&pm);
	vssd_nand_destroy(&nand);
}

/* More data than the buffer holds: later writes wait for programs. */
UNIT_TEST(write_buffer_full_waits)
{
	struct vssd_nand nand;
	struct vssd_pagemap pm;
	u64 done, t0 = 1000000000ULL;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	EXPECT_EQ(vssd_pagemap_init(&pm, &nand, 4096, 20, 10), 0);
	EXPECT_EQ(vssd_pagemap_write(&pm, 0, 16, t0, false, &done), 0);
	EXPECT(done < t0 + 500000);
	EXPECT_EQ(vssd_pagemap_write(&pm, 16, 4, t0, false, &done), 0);
	EXPECT(done >= t0 + 500000);
	vssd_pagemap_destroy(&pm);
	vssd_nand_destroy(&nand);
}

/* Random overwrites of twice the capacity: GC runs, maps stay right. */
UNIT_TEST(gc_random_overwrite)
{
	struct vssd_nand nand;
	struct vssd_pagemap pm;
	u64 done, t = 0, units = 2048, i;
	int errors = 0;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	EXPECT_EQ(vssd_pagemap_init(&pm, &nand, units, 15, 10), 0);
	for (i = 0; i < units; i++)
		errors += vssd_pagemap_write(&pm, i, 1, t, false, &done) != 0;
	srand(7);
	for (i = 0; i < 2 * units; i++) {
		errors += vssd_pagemap_write(&pm, rand() % units, 1, t, false, &done) != 0;
		t = done;
		if (i % 97 == 0)
			while (vssd_pagemap_background_gc(&pm, t) == t)
				;
	}
	EXPECT_EQ(errors, 0);
	EXPECT(pm.gc_runs > 0);
	EXPECT(pm.gc_units_moved > 0);
	EXPECT_EQ(pm.mapped_units, units);
	EXPECT_EQ(vssd_pagemap_check(&pm), 0);
	for (i = 0; i < units; i++)
		EXPECT(pm.l2p[i] != VSSD_PAGEMAP_UNMAPPED);
	vssd_pagemap_destroy(&pm);
	vssd_nand_destroy(&nand);
}

/* Trimmed units are unmapped and GC finds them free. */
UNIT_TEST(trim_frees)
{
	struct vssd_nand nand;
	struct vssd_pagemap pm;
	u64 done, i, units = 1024;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	EXPECT_EQ(vssd_pagemap_init(&pm, &nand, units, 10, 10), 0);
	for (i = 0; i < units; i++)
		EXPECT_EQ(vssd_pagemap_write(&pm, i, 1, 0, false, &done), 0);
	vssd_pagemap_trim(&pm, 0, units / 2);
	EXPECT_EQ(pm.mapped_units, units / 2);
	EXPECT_EQ(pm.l2p[0], VSSD_PAGEMAP_UNMAPPED);
	EXPECT_EQ(vssd_pagemap_check(&pm), 0);
	/* The space is reusable: the whole namespace can be rewritten. */
	for (i = 0; i < units; i++)
		EXPECT_EQ(vssd_pagemap_write(&pm, i, 1, 0, false, &done), 0);
	EXPECT_EQ(vssd_pagemap_check(&pm), 0);
	vssd_pagemap_destroy(&pm);
	vssd_nand_destroy(&nand);
}

/*
 * No over-provisioning and a size of exactly whole lines: filling it must
 * end in -ENOSPC, not a hang, and the maps stay consistent.
 */
UNIT_TEST(no_op_full_is_enospc)
{
	struct vssd_nand nand;
	struct vssd_pagemap pm;
	u64 done, i, units = 64 * 8;
	int ret = 0;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	EXPECT_EQ(vssd_pagemap_init(&pm, &nand, units, 0, 10), 0);
	EXPECT_EQ(pm.lines.nr, 8);
	for (i = 0; i < units && !ret; i++)
		ret = vssd_pagemap_write(&pm, i, 1, 0, false, &done);
	EXPECT_EQ(ret, -ENOSPC);
	EXPECT(i > units - 64);
	EXPECT_EQ(vssd_pagemap_check(&pm), 0);
	/* Deleting half makes room again. */
	vssd_pagemap_trim(&pm, 0, units / 2);
	EXPECT_EQ(vssd_pagemap_write(&pm, units - 1, 1, 0, false, &done), 0);
	EXPECT_EQ(vssd_pagemap_check(&pm), 0);
	vssd_pagemap_destroy(&pm);
	vssd_nand_destroy(&nand);
}

/* Reads on different dies overlap; on one die they queue. */
UNIT_TEST(dies_bound_parallelism)
{
	struct vssd_nand nand;
	u64 a, b, c;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	a = vssd_nand_read(&nand, 0, 0, 4096, 0);
	b = vssd_nand_read(&nand, 1, 0, 4096, 0);
	c = vssd_nand_read(&nand, 0, 0, 4096, 0);
	EXPECT_EQ(a, 50000 + 10240);
	EXPECT_EQ(b, 50000 + 10240);	/* other die, other channel */
	EXPECT_EQ(c, a + 50000 + 10240);
	vssd_nand_destroy(&nand);
}

UNIT_TEST(format_resets)
{
	struct vssd_nand nand;
	struct vssd_pagemap pm;
	u64 done, i;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	EXPECT_EQ(vssd_pagemap_init(&pm, &nand, 512, 10, 10), 0);
	for (i = 0; i < 512; i++)
		EXPECT_EQ(vssd_pagemap_write(&pm, i, 1, 0, false, &done), 0);
	vssd_pagemap_format(&pm, 0);
	EXPECT_EQ(pm.mapped_units, 0);
	EXPECT_EQ(pm.lines.nr_free, pm.lines.nr);
	EXPECT(pm.erases > 0);
	EXPECT_EQ(vssd_pagemap_check(&pm), 0);
	vssd_pagemap_destroy(&pm);
	vssd_nand_destroy(&nand);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(xfer_rounds_up),
		UNIT_CASE(read_latency_formula),
		UNIT_CASE(write_buffer_early_completion),
		UNIT_CASE(write_buffer_full_waits),
		UNIT_CASE(gc_random_overwrite),
		UNIT_CASE(trim_frees),
		UNIT_CASE(no_op_full_is_enospc),
		UNIT_CASE(dies_bound_parallelism),
		UNIT_CASE(format_resets),
	};

	return unit_run("ftl", cases, ARRAY_SIZE(cases));
}
