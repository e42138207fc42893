// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: drivers/vssd/ftl/pagemap.c, the page-mapped FTL, against
 * a reference model.  The input picks a small NAND geometry, a namespace
 * size and over-provisioning, then a program of writes, trims, reads,
 * flushes, background GC steps and formats.
 *
 * The model is an array: logical unit -> generation of its last write (0:
 * never written or trimmed).  A shadow of the flash holds, per physical
 * unit, the unit and generation programmed there; the FTL moves data only
 * by its maps, so a unit whose mapping changed without a host write must
 * have been copied by GC from where it was.  After every step:
 *   - every logical unit reads the generation the model says, from a
 *     physical unit that holds exactly that;
 *   - no physical unit is programmed twice without an erase of its line,
 *     and nothing is mapped at or past the open line's write pointer;
 *   - line states, the free stack and the counters add up, and the FTL's
 *     own consistency check passes;
 *   - a write fails (-ENOSPC) only without over-provisioning, and then
 *     exactly the units it reports as written are new;
 *   - reads change nothing and time never runs backwards.
 */
// fuzz-sources: drivers/vssd/ftl/pagemap.c drivers/vssd/ftl/segs.c drivers/vssd/ftl/nand.c
// fuzz-sources: drivers/vssd/ftl/heap.c
// fuzz-max-len: 4096
#include "fuzz.h"
#include "drivers/vssd/ftl/pagemap.h"

#define MAX_PHYS	4096

struct shadow {
	u32 unit;
	u32 gen;
	u32 epoch;	/* erase count + 1 of its line when programmed */
};

struct model {
	u32 *gen;		/* per logical unit */
	u32 *old_l2p;		/* maps before the step */
	u32 *old_p2l;
	u32 *old_erases;	/* per line */
	struct shadow *flash;
	struct shadow *old_flash;
	u32 next_gen;
};

static void snapshot(const struct vssd_pagemap *pm, struct model *m, u64 phys_units)
{
	u32 i;

	for (i = 0; i < pm->lines.nr; i++)
		m->old_erases[i] = pm->lines.seg[i].erase_count;
	memcpy(m->old_l2p, pm->l2p, sizeof(u32) * pm->nr_units);
	memcpy(m->old_p2l, pm->p2l, sizeof(u32) * phys_units);
	memcpy(m->old_flash, m->flash, sizeof(*m->flash) * phys_units);
}

/*
 * After a step: bring the shadow flash up to date from what the maps say
 * moved, and check it all.  @first/@written: the units the host wrote.
 */
static void settle(const struct vssd_pagemap *pm, struct model *m, u64 phys_units,
		   u64 first, u64 written)
{
	u32 upl = pm->units_per_line, i, free_lines = 0, open_lines = 0;
	u64 p, u, mapped = 0;

	FUZZ_ASSERT(vssd_pagemap_check(pm) == 0);
	for (p = 0; p < phys_units; p++) {
		u32 unit = pm->p2l[p], line = p / upl;
		struct shadow *s = &m->flash[p];

		/*
		 * Unchanged, unless its line was erased and the unit landed
		 * at the same place again.
		 */
		if (unit == VSSD_PAGEMAP_UNMAPPED ||
		    (unit == m->old_p2l[p] &&
		     pm->lines.seg[line].erase_count == m->old_erases[line]))
			continue;
		/* Newly programmed in this step: once per erase cycle. */
		FUZZ_ASSERT(s->epoch != pm->lines.seg[line].erase_count + 1);
		s->epoch = pm->lines.seg[line].erase_count + 1;
		s->unit = unit;
		if (unit >= first && unit < first + written) {
			s->gen = m->gen[unit];
		} else {
			/* A GC move: the data comes from where the unit was. */
			FUZZ_ASSERT(m->old_l2p[unit] != VSSD_PAGEMAP_UNMAPPED);
			FUZZ_ASSERT(m->old_flash[m->old_l2p[unit]].unit == unit);
			s->gen = m->old_flash[m->old_l2p[unit]].gen;
		}
	}
	for (u = 0; u < pm->nr_units; u++) {
		u32 phys = pm->l2p[u];

		if (!m->gen[u]) {
			FUZZ_ASSERT(phys == VSSD_PAGEMAP_UNMAPPED);
			continue;
		}
		FUZZ_ASSERT(phys != VSSD_PAGEMAP_UNMAPPED);
		FUZZ_ASSERT(m->flash[phys].unit == u && m->flash[phys].gen == m->gen[u]);
		FUZZ_ASSERT(pm->lines.seg[phys / upl].state != VSSD_SEG_FREE);
		if (phys / upl == pm->lines.open)
			FUZZ_ASSERT(phys % upl < pm->wp);
		mapped++;
	}
	FUZZ_ASSERT(mapped == pm->mapped_units);
	for (i = 0; i < pm->lines.nr; i++) {
		free_lines += pm->lines.seg[i].state == VSSD_SEG_FREE;
		open_lines += pm->lines.seg[i].state == VSSD_SEG_OPEN;
	}
	FUZZ_ASSERT(free_lines == pm->lines.nr_free);
	FUZZ_ASSERT(open_lines == (pm->lines.open != VSSD_SEG_NONE));
	for (i = 0; i < pm->lines.nr_free; i++)
		FUZZ_ASSERT(pm->lines.seg[pm->lines.free[i]].state == VSSD_SEG_FREE);
	if (pm->lines.open != VSSD_SEG_NONE)
		FUZZ_ASSERT(pm->lines.seg[pm->lines.open].state == VSSD_SEG_OPEN &&
			    pm->wp < upl);
}

static void run(struct vssd_pagemap *pm, struct model *m, struct fuzz_input *in,
		u32 op_percent)
{
	u64 phys_units = (u64)pm->lines.nr * pm->units_per_line, now = 0, t;
	u32 steps;

	for (steps = 0; steps < 256 && !fuzz_done(in); steps++) {
		u8 op = fuzz_u8(in);
		u64 unit = fuzz_u16(in) % pm->nr_units, count, i, before, placed = 0;
		u64 first = 0;
		int ret;

		count = 1 + fuzz_u8(in) % 64;
		if (count > pm->nr_units - unit)
			count = pm->nr_units - unit;
		now += (u64)fuzz_u8(in) * 10000;
		snapshot(pm, m, phys_units);
		switch (op % 8) {
		case 0:
		case 1:
		case 2:
			before = pm->host_units_written;
			for (i = 0; i < count; i++)
				m->gen[unit + i] = ++m->next_gen;
			ret = vssd_pagemap_write(pm, unit, count, now, op & 0x80, &t);
			placed = pm->host_units_written - before;
			if (ret) {
				FUZZ_ASSERT(ret == -ENOSPC && !op_percent);
				FUZZ_ASSERT(placed < count);
				/* The units not written keep their data. */
				for (i = placed; i < count; i++)
					m->gen[unit + i] = m->old_l2p[unit + i] ==
							   VSSD_PAGEMAP_UNMAPPED ? 0 :
							   m->old_flash[m->old_l2p[unit + i]].gen;
			} else {
				FUZZ_ASSERT(placed == count && t >= now);
			}
			first = unit;
			break;
		case 3:
			vssd_pagemap_trim(pm, unit, count);
			for (i = 0; i < count; i++)
				m->gen[unit + i] = 0;
			break;
		case 4:
			FUZZ_ASSERT(vssd_pagemap_read(pm, unit, count, now) >= now);
			FUZZ_ASSERT(!memcmp(m->old_l2p, pm->l2p, sizeof(u32) * pm->nr_units));
			break;
		case 5:
			FUZZ_ASSERT(vssd_pagemap_flush(pm, now) >= now);
			break;
		case 6:
			vssd_pagemap_background_gc(pm, now);
			break;
		default:
			if (op & 0x40) {
				vssd_pagemap_format(pm, now);
				memset(m->gen, 0, sizeof(u32) * pm->nr_units);
			} else {
				vssd_pagemap_background_gc(pm, now);
			}
			break;
		}
		settle(pm, m, phys_units, first, placed);
	}
}

int vssd_fuzz_one(const u8 *data, size_t size)
{
	struct vssd_nand_config cfg = {
		.planes_per_die = 1,
		.read_lsb_ns = 50000, .read_msb_ns = 70000, .program_ns = 500000,
		.erase_ns = 3000000, .channel_mbps = 400, .host_mbps = 2000,
		.fw_read_ns = 10000, .fw_write_ns = 3000, .fw_write_per4k_ns = 500,
	};
	struct model m = { 0 };
	struct vssd_pagemap pm;
	struct vssd_nand nand;
	struct fuzz_input in;
	u32 op_percent, gc_free_percent;
	u64 nr_units, phys_units;

	fuzz_input_init(&in, data, size);
	cfg.channels = 1 + fuzz_u8(&in) % 4;
	cfg.dies_per_channel = 1 + fuzz_u8(&in) % 2;
	cfg.page_size = 4096 * (1 + fuzz_u8(&in) % 4);
	cfg.pages_per_block = 1 + fuzz_u8(&in) % 8;
	cfg.buffer_units = fuzz_u8(&in) % 33;
	nr_units = 1 + fuzz_u16(&in) % 1024;
	op_percent = fuzz_u8(&in) % 51;
	gc_free_percent = fuzz_u8(&in) % 51;

	FUZZ_ASSERT(vssd_nand_init(&nand, &cfg) == 0);
	if (vssd_pagemap_init(&pm, &nand, nr_units, op_percent, gc_free_percent))
		goto out_nand;
	phys_units = (u64)pm.lines.nr * pm.units_per_line;
	if (phys_units > MAX_PHYS)
		goto out_pm;
	m.gen = calloc(nr_units, sizeof(u32));
	m.old_l2p = calloc(nr_units, sizeof(u32));
	m.old_p2l = calloc(phys_units, sizeof(u32));
	m.old_erases = calloc(pm.lines.nr, sizeof(u32));
	m.flash = calloc(phys_units, sizeof(*m.flash));
	m.old_flash = calloc(phys_units, sizeof(*m.flash));
	FUZZ_ASSERT(m.gen && m.old_l2p && m.old_p2l && m.old_erases && m.flash &&
		    m.old_flash);
	run(&pm, &m, &in, op_percent);
	free(m.gen);
	free(m.old_l2p);
	free(m.old_p2l);
	free(m.old_erases);
	free(m.flash);
	free(m.old_flash);
out_pm:
	vssd_pagemap_destroy(&pm);
out_nand:
	vssd_nand_destroy(&nand);
	return 0;
}
