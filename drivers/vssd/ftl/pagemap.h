/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: page-mapped FTL of one block namespace.
 *
 * The logical space is cut into 4 KiB units.  The flash a namespace owns is
 * a set of "lines": one erase block on every die, so that consecutive pages
 * of a line go to different dies (and channels) and are programmed in
 * parallel.  Writes (host and GC alike) fill one open line page by page; a
 * page is programmed when full, or padded at a flush.  Greedy GC takes the
 * full line with the fewest valid units, moves them into the open line and
 * erases it.  One line is kept for GC: a host write that would need it and
 * cannot free another gets -ENOSPC, so the device never wedges.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit runs it in userspace.
 */
#ifndef VSSD_FTL_PAGEMAP_H
#define VSSD_FTL_PAGEMAP_H

#include <vssd/nand.h>
#include <vssd/segs.h>

#define VSSD_PAGEMAP_UNMAPPED	0xffffffffU
#define VSSD_PAGEMAP_GC_RESERVE	1

struct vssd_pagemap {
	struct vssd_nand *nand;
	u64 nr_units;		/* logical */
	u32 units_per_page;
	u32 units_per_line;
	u32 gc_free_lines;	/* background GC target */

	u32 *l2p;		/* logical unit -> physical unit */
	u32 *p2l;		/* physical unit -> logical unit */
	struct vssd_segs lines;	/* live: valid units of each line */

	u32 wp;			/* next unit offset in the open line */
	u64 page_ready;		/* latest data-ready time in the open page */
	u32 page_host_units;	/* host units of the open page (buffer) */
	u64 last_program_done;

	u64 mapped_units;
	u64 host_units_written;
	u64 gc_units_moved;
	u64 gc_runs;
	u64 erases;
};

int vssd_pagemap_init(struct vssd_pagemap *pm, struct vssd_nand *nand,
		      u64 nr_units, u32 op_percent, u32 gc_free_percent);
void vssd_pagemap_destroy(struct vssd_pagemap *pm);
u32 vssd_pagemap_lines_needed(const struct vssd_nand_config *cfg, u64 nr_units,
			      u32 op_percent);

u64 vssd_pagemap_read(struct vssd_pagemap *pm, u64 unit, u64 count, u64 now);
int vssd_pagemap_write(struct vssd_pagemap *pm, u64 unit, u64 count, u64 now,
		       bool write_through, u64 *done);
void vssd_pagemap_trim(struct vssd_pagemap *pm, u64 unit, u64 count);
u64 vssd_pagemap_flush(struct vssd_pagemap *pm, u64 now);
void vssd_pagemap_format(struct vssd_pagemap *pm, u64 now);
u64 vssd_pagemap_background_gc(struct vssd_pagemap *pm, u64 now);
int vssd_pagemap_check(const struct vssd_pagemap *pm);

#endif /* VSSD_FTL_PAGEMAP_H */
