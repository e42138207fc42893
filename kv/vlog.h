/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the value log of a key-value namespace.
 *
 * The flash a KV namespace owns is cut into segments: one erase block on
 * every die, so that consecutive flash pages of a segment go to different
 * dies and channels, as the block FTL's lines do.  Every stored value
 * becomes a record (a header with its key, then the value) appended at the
 * log head; records never straddle segments.  Overwrites and deletes leave
 * the old record behind as garbage; greedy GC takes the full segment with
 * the least live data, moves its live records to the head (their owners see
 * the new place at once: the record is embedded in the index entry) and
 * erases it.  One segment is kept for GC, and the log is sized so that GC
 * always gains space while live data fits the namespace's capacity.
 *
 * With a NAND array (the ssd model) every append, read, GC move and erase
 * is timed on its dies and channels; without one (zero and simple models)
 * the log only keeps space and GC, and times nothing.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit runs it in userspace.
 */
#ifndef VSSD_KV_VLOG_H
#define VSSD_KV_VLOG_H

#include <vssd/nand.h>
#include <vssd/segs.h>

#define VSSD_VLOG_ALIGN		32	/* record size granularity, bytes */
#define VSSD_VLOG_HDR		32	/* key, key length, value length, crc */
#define VSSD_VLOG_NONE		0xffffffffU
#define VSSD_VLOG_GC_RESERVE	1

/* One record; the index embeds it in its entry. */
struct vssd_vlog_item {
	struct list_head link;			/* records of the same segment */
	u32 seg;
	u32 off;				/* byte offset in the segment */
	u32 size;				/* record bytes, aligned */
};

struct vssd_vlog_config {
	u32 nr_dies;
	u32 page_size;			/* bytes */
	u32 pages_per_block;
	u64 capacity;			/* live record bytes the namespace holds */
	u32 max_record;			/* largest record, bytes */
	u32 op_percent;
	u32 gc_free_percent;
};

struct vssd_vlog {
	struct vssd_vlog_config cfg;
	struct vssd_nand *nand;		/* NULL: no timing */
	u64 seg_size;
	u32 pages_per_seg;
	u32 gc_free_segs;		/* background GC target */
	struct vssd_segs segs;		/* live: bytes of live records */
	struct list_head *records_of;	/* each segment's records */

	u64 wp;				/* next byte in the open segment */
	u32 programmed;			/* pages of the open segment on flash */
	u64 page_ready;			/* latest data-ready time, open page */
	u32 page_wb_units;		/* buffer units the open page holds */

	u64 live;			/* bytes of live records */
	u64 records;
	u64 host_bytes;			/* record bytes the host appended */
	u64 gc_bytes;			/* record bytes GC moved */
	u64 gc_runs;
	u64 erases;
};

u32 vssd_vlog_record_size(u32 value_len);
int vssd_vlog_init(struct vssd_vlog *log, const struct vssd_vlog_config *cfg,
		   struct vssd_nand *nand);
void vssd_vlog_destroy(struct vssd_vlog *log);

int vssd_vlog_append(struct vssd_vlog *log, struct vssd_vlog_item *item,
		     u32 value_len, u64 now, u64 *done);
u64 vssd_vlog_read(struct vssd_vlog *log, const struct vssd_vlog_item *item,
		   u32 value_len, u64 now);
void vssd_vlog_remove(struct vssd_vlog *log, struct vssd_vlog_item *item);
u64 vssd_vlog_background_gc(struct vssd_vlog *log, u64 now);
void vssd_vlog_format(struct vssd_vlog *log);
u64 vssd_vlog_used(const struct vssd_vlog *log);
int vssd_vlog_check(const struct vssd_vlog *log);

#endif /* VSSD_KV_VLOG_H */
