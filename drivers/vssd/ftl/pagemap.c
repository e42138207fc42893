// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: page-mapped FTL with greedy GC (see pagemap.h).
 *
 * Physical unit p lives in line p / units_per_line at offset
 * o = p % units_per_line; page slot s = o / units_per_page goes to die
 * s % nr_dies, page s / nr_dies of that die's block in the line.
 */
#include "pagemap.h"

static u32 vssd_pm_die(const struct vssd_pagemap *pm, u32 offset)
{
	return (offset / pm->units_per_page) % pm->nand->nr_dies;
}

static u32 vssd_pm_page_in_block(const struct vssd_pagemap *pm, u32 offset)
{
	return (offset / pm->units_per_page) / pm->nand->nr_dies;
}

/*
 * Lines for @nr_units plus @op_percent, rounded up to whole lines.  Any
 * over-provisioning at all gets at least two spare lines (one kept for GC,
 * one to write into while GC works), or a small namespace would have less
 * than a line of slack and fill up at once.  With 0% there are no spares.
 */
u32 vssd_pagemap_lines_needed(const struct vssd_nand_config *cfg, u64 nr_units,
			      u32 op_percent)
{
	u64 dies = (u64)cfg->channels * cfg->dies_per_channel * cfg->planes_per_die;
	u64 per_line = dies * cfg->pages_per_block * (cfg->page_size / 4096);
	u64 physical = vssd_div64(nr_units * (100 + op_percent) + 99, 100);
	u64 lines = vssd_div64(physical + per_line - 1, per_line);
	u64 data_lines = vssd_div64(nr_units + per_line - 1, per_line);

	if (op_percent && lines < data_lines + 2)
		lines = data_lines + 2;
	return lines;
}

int vssd_pagemap_init(struct vssd_pagemap *pm, struct vssd_nand *nand,
		      u64 nr_units, u32 op_percent, u32 gc_free_percent)
{
	u64 phys_units;
	u32 nr_lines;

	memset(pm, 0, sizeof(*pm));
	pm->nand = nand;
	pm->nr_units = nr_units;
	pm->units_per_page = nand->cfg.page_size / 4096;
	pm->units_per_line = nand->nr_dies * nand->cfg.pages_per_block *
			     pm->units_per_page;
	nr_lines = vssd_pagemap_lines_needed(&nand->cfg, nr_units, op_percent);
	/* GC needs a line to write into besides the one it empties. */
	if (nr_lines < 2)
		nr_lines = 2;
	phys_units = (u64)nr_lines * pm->units_per_line;
	if (!nr_units || nr_units >= VSSD_PAGEMAP_UNMAPPED ||
	    phys_units >= VSSD_PAGEMAP_UNMAPPED)
		return -EINVAL;
	pm->gc_free_lines = vssd_div64((u64)nr_lines * gc_free_percent + 99, 100);
	if (pm->gc_free_lines < VSSD_PAGEMAP_GC_RESERVE + 1)
		pm->gc_free_lines = VSSD_PAGEMAP_GC_RESERVE + 1;

	pm->l2p = vssd_pure_zalloc(sizeof(u32) * nr_units);
	pm->p2l = vssd_pure_zalloc(sizeof(u32) * phys_units);
	if (!pm->l2p || !pm->p2l || vssd_segs_init(&pm->lines, nr_lines)) {
		vssd_pagemap_destroy(pm);
		return -ENOMEM;
	}
	memset(pm->l2p, 0xff, sizeof(u32) * nr_units);
	memset(pm->p2l, 0xff, sizeof(u32) * phys_units);
	return 0;
}

void vssd_pagemap_destroy(struct vssd_pagemap *pm)
{
	vssd_pure_free(pm->l2p);
	vssd_pure_free(pm->p2l);
	vssd_segs_destroy(&pm->lines);
	pm->l2p = NULL;
	pm->p2l = NULL;
}

/* Program the open page (full, or padded by a flush); returns its end. */
static u64 vssd_pm_program_open_page(struct vssd_pagemap *pm)
{
	u32 page_start = pm->wp - 1 - (pm->wp - 1) % pm->units_per_page;
	u64 done = vssd_nand_program(pm->nand, vssd_pm_die(pm, page_start),
				     pm->page_ready);

	vssd_wb_release(pm->nand, pm->page_host_units, done);
	pm->page_host_units = 0;
	pm->page_ready = 0;
	pm->last_program_done = max_t(u64, pm->last_program_done, done);
	return done;
}

static int vssd_pm_gc_one(struct vssd_pagemap *pm, u64 now);

/*
 * Open a new line.  Host writes leave VSSD_PAGEMAP_GC_RESERVE lines to GC
 * and run foreground GC to get above that; GC itself may take the reserve.
 */
static int vssd_pm_open_line(struct vssd_pagemap *pm, bool for_gc, u64 now)
{
	if (!for_gc) {
		while (pm->lines.nr_free <= VSSD_PAGEMAP_GC_RESERVE)
			if (vssd_pm_gc_one(pm, now))
				break;
		/* GC may have opened a line with room for us. */
		if (pm->lines.open != VSSD_SEG_NONE)
			return 0;
		if (pm->lines.nr_free <= VSSD_PAGEMAP_GC_RESERVE)
			return -ENOSPC;
	}
	if (!pm->lines.nr_free)
		return -ENOSPC;
	vssd_segs_open(&pm->lines);
	pm->wp = 0;
	return 0;
}

/* Take the next physical unit of the open line for @lunit. */
static int vssd_pm_place(struct vssd_pagemap *pm, u32 lunit, u64 ready,
			 bool host, u64 now)
{
	u32 phys;
	int ret;

	if (pm->lines.open == VSSD_SEG_NONE) {
		ret = vssd_pm_open_line(pm, !host, now);
		if (ret)
			return ret;
	}
	phys = pm->lines.open * pm->units_per_line + pm->wp;
	pm->wp++;
	/*
	 * A host write replaces the unit's current copy, wherever a GC run
	 * triggered just above may have moved it.
	 */
	if (host) {
		u32 old = pm->l2p[lunit];

		if (old != VSSD_PAGEMAP_UNMAPPED) {
			pm->p2l[old] = VSSD_PAGEMAP_UNMAPPED;
			pm->lines.seg[old / pm->units_per_line].live--;
		} else {
			pm->mapped_units++;
		}
	}
	pm->p2l[phys] = lunit;
	pm->l2p[lunit] = phys;
	pm->lines.seg[pm->lines.open].live++;
	pm->page_ready = max_t(u64, pm->page_ready, ready);
	if (host)
		pm->page_host_units++;
	if (pm->wp % pm->units_per_page == 0)
		vssd_pm_program_open_page(pm);
	if (pm->wp == pm->units_per_line)
		vssd_segs_close(&pm->lines);
	return 0;
}

static void vssd_pm_invalidate(struct vssd_pagemap *pm, u32 lunit)
{
	u32 phys = pm->l2p[lunit];

	if (phys == VSSD_PAGEMAP_UNMAPPED)
		return;
	pm->p2l[phys] = VSSD_PAGEMAP_UNMAPPED;
	pm->lines.seg[phys / pm->units_per_line].live--;
	pm->l2p[lunit] = VSSD_PAGEMAP_UNMAPPED;
	pm->mapped_units--;
}

/*
 * Greedy GC of one line: read every flash page that holds valid units, write
 * those units into the open line, erase the line's blocks.  -ENOSPC when no
 * full line has anything to reclaim.
 */
static int vssd_pm_gc_one(struct vssd_pagemap *pm, u64 now)
{
	u32 victim = vssd_segs_victim(&pm->lines, pm->units_per_line);
	u32 upl = pm->units_per_line, upp = pm->units_per_page;
	u32 base, page, i;
	u64 last_read = now;
	int ret;

	if (victim == VSSD_SEG_NONE)
		return -ENOSPC;
	base = victim * upl;
	for (page = 0; page < upl; page += upp) {
		u32 nr_valid = 0;
		u64 ready;

		for (i = page; i < page + upp; i++)
			nr_valid += pm->p2l[base + i] != VSSD_PAGEMAP_UNMAPPED;
		if (!nr_valid)
			continue;
		ready = vssd_nand_read(pm->nand, vssd_pm_die(pm, page),
				       vssd_pm_page_in_block(pm, page),
				       nr_valid * 4096, now);
		last_read = max_t(u64, last_read, ready);
		for (i = page; i < page + upp; i++) {
			u32 lunit = pm->p2l[base + i];

			if (lunit == VSSD_PAGEMAP_UNMAPPED)
				continue;
			pm->p2l[base + i] = VSSD_PAGEMAP_UNMAPPED;
			pm->lines.seg[victim].live--;
			ret = vssd_pm_place(pm, lunit, ready, false, now);
			if (ret) {
				/* Put it back: the victim stays as it was. */
				pm->p2l[base + i] = lunit;
				pm->lines.seg[victim].live++;
				return ret;
			}
			pm->gc_units_moved++;
		}
	}
	for (i = 0; i < pm->nand->nr_dies; i++)
		vssd_nand_erase(pm->nand, i, last_read);
	vssd_segs_erased(&pm->lines, victim);
	pm->erases++;
	pm->gc_runs++;
	return 0;
}

/*
 * Host read of @count units: firmware, then one page read per run of units
 * sharing a flash page (units still in the open page come from the buffer,
 * never-written units need no flash), then the DMA to the host.
 */
u64 vssd_pagemap_read(struct vssd_pagemap *pm, u64 unit, u64 count, u64 now)
{
	struct vssd_nand *nand = pm->nand;
	u64 start = now + nand->cfg.fw_read_ns, ready = start;
	u32 open_page_start = VSSD_PAGEMAP_UNMAPPED;
	u32 run_phys = VSSD_PAGEMAP_UNMAPPED, run_units = 0;
	u64 i;

	if (pm->lines.open != VSSD_SEG_NONE)
		open_page_start = pm->lines.open * pm->units_per_line +
				  pm->wp - pm->wp % pm->units_per_page;
	for (i = 0; i <= count; i++) {
		u32 phys = i < count ? pm->l2p[unit + i] : VSSD_PAGEMAP_UNMAPPED;

		if (phys != VSSD_PAGEMAP_UNMAPPED && open_page_start != VSSD_PAGEMAP_UNMAPPED &&
		    phys >= open_page_start && phys < open_page_start + pm->units_per_page)
			phys = VSSD_PAGEMAP_UNMAPPED;	/* buffer hit */
		if (run_units && (phys == VSSD_PAGEMAP_UNMAPPED ||
				  phys / pm->units_per_page !=
				  run_phys / pm->units_per_page)) {
			u32 off = run_phys % pm->units_per_line;
			u64 out = vssd_nand_read(nand, vssd_pm_die(pm, off),
						 vssd_pm_page_in_block(pm, off),
						 run_units * 4096, start);

			ready = max_t(u64, ready, out);
			run_units = 0;
		}
		if (phys == VSSD_PAGEMAP_UNMAPPED)
			continue;
		if (!run_units)
			run_phys = phys;
		run_units++;
	}
	return vssd_nand_host(nand, count * 4096, ready);
}

/*
 * Host write of @count units.  Each unit waits for buffer space, the
 * firmware takes fw_write_ns plus fw_write_per4k_ns per unit, the data
 * crosses the host interface, and the command completes: the flash programs
 * later.  Without a buffer, or with @write_through, the command completes
 * when its last page is programmed.
 */
int vssd_pagemap_write(struct vssd_pagemap *pm, u64 unit, u64 count, u64 now,
		       bool write_through, u64 *done)
{
	struct vssd_nand *nand = pm->nand;
	u64 admitted = now, ack, i, programmed;
	u64 programs_before = pm->last_program_done;
	int ret = 0;

	/* last_program_done collects this command's programs only. */
	pm->last_program_done = 0;
	for (i = 0; i < count; i++) {
		admitted = vssd_wb_admit(nand, admitted);
		ret = vssd_pm_place(pm, unit + i, admitted + nand->cfg.fw_write_ns,
				    true, now);
		if (ret) {
			/* Units already placed stay written; the rest keep their data. */
			if (nand->cfg.buffer_units)
				nand->wb_used--;
			break;
		}
		pm->host_units_written++;
	}
	if (ret) {
		pm->last_program_done = max_t(u64, programs_before, pm->last_program_done);
		*done = now;
		return ret;
	}
	ack = admitted + nand->cfg.fw_write_ns + count * nand->cfg.fw_write_per4k_ns;
	ack = vssd_nand_host(nand, count * 4096, ack);
	if (write_through || !nand->cfg.buffer_units) {
		if (pm->lines.open != VSSD_SEG_NONE && pm->wp % pm->units_per_page)
			vssd_pagemap_flush(pm, now);
		ack = max_t(u64, ack, pm->last_program_done);
	}
	programmed = pm->last_program_done;
	pm->last_program_done = max_t(u64, programs_before, programmed);
	*done = ack;
	return 0;
}

void vssd_pagemap_trim(struct vssd_pagemap *pm, u64 unit, u64 count)
{
	u64 i;

	for (i = 0; i < count; i++)
		vssd_pm_invalidate(pm, unit + i);
}

/*
 * Flush: a partly filled open page is programmed with padding (its unused
 * units are lost until GC), and the command waits for every buffered unit.
 */
u64 vssd_pagemap_flush(struct vssd_pagemap *pm, u64 now)
{
	u32 pad;

	if (pm->lines.open != VSSD_SEG_NONE && pm->wp % pm->units_per_page) {
		pad = pm->units_per_page - pm->wp % pm->units_per_page;
		pm->wp += pad;
		pm->page_ready = max_t(u64, pm->page_ready, now);
		vssd_pm_program_open_page(pm);
		if (pm->wp == pm->units_per_line)
			vssd_segs_close(&pm->lines);
	}
	return max_t(u64, now, pm->nand->wb_last_release);
}

/* Format NVM: every line that held data is erased and the map forgotten. */
void vssd_pagemap_format(struct vssd_pagemap *pm, u64 now)
{
	u32 i, d;

	if (pm->lines.open != VSSD_SEG_NONE && pm->wp % pm->units_per_page)
		vssd_pagemap_flush(pm, now);
	memset(pm->l2p, 0xff, sizeof(u32) * pm->nr_units);
	memset(pm->p2l, 0xff, sizeof(u32) * (u64)pm->lines.nr * pm->units_per_line);
	/* Every line that held data is erased on every die. */
	for (i = vssd_segs_format(&pm->lines); i; i--) {
		for (d = 0; d < pm->nand->nr_dies; d++)
			vssd_nand_erase(pm->nand, d, now);
		pm->erases++;
	}
	pm->wp = 0;
	pm->page_host_units = 0;
	pm->mapped_units = 0;
}

/*
 * Background GC: when free lines are below the target, one GC run if no die
 * is busy (returns @now), else the time the dies will be idle.  0 when
 * nothing needs or is worth reclaiming.
 */
u64 vssd_pagemap_background_gc(struct vssd_pagemap *pm, u64 now)
{
	u32 victim;
	u64 busy;

	if (pm->lines.nr_free >= pm->gc_free_lines)
		return 0;
	/*
	 * Background work is worth it only for a victim that is at least a
	 * quarter garbage; emptier lines are left to foreground GC, which
	 * runs only when a host write needs the room.  Nothing to reclaim
	 * means no timer and no wake-up for the dispatcher.
	 */
	victim = vssd_segs_victim(&pm->lines, pm->units_per_line);
	if (victim == VSSD_SEG_NONE ||
	    pm->lines.seg[victim].live > pm->units_per_line - pm->units_per_line / 4)
		return 0;
	busy = vssd_nand_busy_until(pm->nand);
	if (busy > now)
		return busy;
	return vssd_pm_gc_one(pm, now) ? 0 : now;
}

/* Consistency of the maps and counters; for the unit tests. */
int vssd_pagemap_check(const struct vssd_pagemap *pm)
{
	u64 phys_units = (u64)pm->lines.nr * pm->units_per_line;
	u64 mapped = 0, p;
	u32 i, valid;

	for (p = 0; p < pm->nr_units; p++) {
		u32 phys = pm->l2p[p];

		if (phys == VSSD_PAGEMAP_UNMAPPED)
			continue;
		if (phys >= phys_units || pm->p2l[phys] != p)
			return -1;
		mapped++;
	}
	if (mapped != pm->mapped_units)
		return -2;
	for (i = 0; i < pm->lines.nr; i++) {
		valid = 0;
		for (p = (u64)i * pm->units_per_line;
		     p < (u64)(i + 1) * pm->units_per_line; p++)
			valid += pm->p2l[p] != VSSD_PAGEMAP_UNMAPPED;
		if (valid != pm->lines.seg[i].live)
			return -3;
		if (pm->lines.seg[i].state == VSSD_SEG_FREE && valid)
			return -4;
	}
	return vssd_segs_check(&pm->lines) ? -5 : 0;
}
