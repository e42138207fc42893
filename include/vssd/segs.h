/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: a pool of flash segments, shared by the block FTL (its "lines") and
 * the KV value log.  A segment is one erase block on every die; data is
 * written into one open segment at a time, a full one waits for greedy GC
 * (the full segment with the least live data) to move what is live and
 * erase it.  The pool keeps each segment's state, live amount (in the
 * owner's unit: 4 KiB units or bytes) and erase count, the stack of free
 * segments (the lowest numbers are handed out first) and the open one.
 * Timing and what the data is stay with the owner.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit runs it in userspace.
 */
#ifndef VSSD_SEGS_H
#define VSSD_SEGS_H

#include <vssd/pure.h>

#define VSSD_SEG_NONE	0xffffffffU

enum vssd_seg_state {
	VSSD_SEG_FREE,
	VSSD_SEG_OPEN,
	VSSD_SEG_FULL,
};

struct vssd_seg {
	u64 live;
	u32 erase_count;
	u32 state;
};

struct vssd_segs {
	struct vssd_seg *seg;
	u32 nr;
	u32 *free;		/* stack */
	u32 nr_free;
	u32 open;		/* VSSD_SEG_NONE when none */
};

int vssd_segs_init(struct vssd_segs *s, u32 nr);
void vssd_segs_destroy(struct vssd_segs *s);
/* Open the next free segment (the caller checked nr_free); returns it. */
u32 vssd_segs_open(struct vssd_segs *s);
/* The open segment is full. */
void vssd_segs_close(struct vssd_segs *s);
/* @i was erased (GC moved what was live): free again. */
void vssd_segs_erased(struct vssd_segs *s, u32 i);
/* The full segment with the least live data, below @below; VSSD_SEG_NONE. */
u32 vssd_segs_victim(const struct vssd_segs *s, u64 below);
/* Format: every segment free; returns how many held data (to erase). */
u32 vssd_segs_format(struct vssd_segs *s);
/* Its lists agree with the states (tests): 0, or a negative code. */
int vssd_segs_check(const struct vssd_segs *s);

#endif /* VSSD_SEGS_H */
