// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: value log of a KV namespace (see vlog.h).
 */
#include "vlog.h"

/*
 * Values within 63 bytes of 4 GiB get the largest aligned 32-bit size
 * instead of a wrapped, small one, so that the max_record limits refuse them.
 */
u32 vssd_vlog_record_size(u32 value_len)
{
	const u64 largest = 0xffffffffULL / VSSD_VLOG_ALIGN * VSSD_VLOG_ALIGN;
	u64 bytes = (u64)VSSD_VLOG_HDR + value_len + VSSD_VLOG_ALIGN - 1;

	bytes -= bytes % VSSD_VLOG_ALIGN;
	return (u32)(bytes < largest ? bytes : largest);
}

/* Every segment without records. */
static void vssd_vlog_forget_records(struct vssd_vlog *log)
{
	u32 i;

	for (i = 0; i < log->segs.nr; i++)
		INIT_LIST_HEAD(&log->records_of[i]);
}

int vssd_vlog_init(struct vssd_vlog *log, const struct vssd_vlog_config *cfg,
		   struct vssd_nand *nand)
{
	u64 usable, needed, segs;

	memset(log, 0, sizeof(*log));
	log->cfg = *cfg;
	log->nand = nand;
	log->segs.open = VSSD_SEG_NONE;
	if (!cfg->nr_dies || !cfg->page_size || !cfg->pages_per_block || !cfg->capacity)
		return -EINVAL;
	log->pages_per_seg = cfg->nr_dies * cfg->pages_per_block;
	log->seg_size = (u64)log->pages_per_seg * cfg->page_size;
	/* A record never straddles segments: each may end in up to one
	 * record's worth of padding, which the sizing below pays for.
	 */
	if (log->seg_size >= VSSD_VLOG_NONE || (u64)cfg->max_record * 2 > log->seg_size)
		return -EINVAL;
	usable = log->seg_size - cfg->max_record;
	needed = vssd_div64(cfg->capacity * (100 + cfg->op_percent) + 99, 100);
	/* Data segments, the open one and the one GC keeps. */
	segs = vssd_div64(needed + usable - 1, usable) + 1 + VSSD_VLOG_GC_RESERVE;
	if (segs >= VSSD_VLOG_NONE / 2)
		return -EINVAL;
	log->gc_free_segs = (u32)vssd_div64(segs * cfg->gc_free_percent + 99, 100);
	if (log->gc_free_segs < VSSD_VLOG_GC_RESERVE + 1)
		log->gc_free_segs = VSSD_VLOG_GC_RESERVE + 1;
	log->records_of = vssd_pure_zalloc(sizeof(*log->records_of) * segs);
	if (!log->records_of || vssd_segs_init(&log->segs, (u32)segs)) {
		vssd_vlog_destroy(log);
		return -ENOMEM;
	}
	vssd_vlog_forget_records(log);
	return 0;
}

void vssd_vlog_destroy(struct vssd_vlog *log)
{
	vssd_segs_destroy(&log->segs);
	vssd_pure_free(log->records_of);
	log->records_of = NULL;
}

static u32 vssd_vlog_die(const struct vssd_vlog *log, u32 page)
{
	return page % log->cfg.nr_dies;
}

static u32 vssd_vlog_page_in_block(const struct vssd_vlog *log, u32 page)
{
	return page / log->cfg.nr_dies;
}

/* @item joins segment @seg's records. */
static void vssd_vlog_link(struct vssd_vlog *log, u32 seg, struct vssd_vlog_item *item)
{
	list_add(&item->link, &log->records_of[seg]);
	log->segs.seg[seg].live += item->size;
}

static void vssd_vlog_unlink(struct vssd_vlog *log, u32 seg, struct vssd_vlog_item *item)
{
	list_del_init(&item->link);
	log->segs.seg[seg].live -= item->size;
}

/* Program the open segment's next page: its data is all in the buffer. */
static u64 vssd_vlog_program_page(struct vssd_vlog *log)
{
	u32 page = log->programmed++;
	u64 done;

	if (!log->nand)
		return 0;
	done = vssd_nand_program(log->nand, vssd_vlog_die(log, page), log->page_ready);
	vssd_wb_release(log->nand, log->page_wb_units, done);
	log->page_wb_units = 0;
	return done;
}

static void vssd_vlog_close(struct vssd_vlog *log)
{
	/* The last page goes out padded. */
	while ((u64)log->programmed * log->cfg.page_size < log->wp)
		vssd_vlog_program_page(log);
	vssd_segs_close(&log->segs);
}

static void vssd_vlog_open(struct vssd_vlog *log)
{
	vssd_segs_open(&log->segs);
	log->wp = 0;
	log->programmed = 0;
	log->page_ready = 0;
}

/*
 * Put @item (item->size set) at the log head; its data is ready at @ready
 * and holds @units of the write buffer.  The caller made room.
 */
static void vssd_vlog_place(struct vssd_vlog *log, struct vssd_vlog_item *item,
			    u64 ready, u32 units)
{
	item->seg = log->segs.open;
	item->off = (u32)log->wp;
	vssd_vlog_link(log, item->seg, item);
	log->live += item->size;
	log->wp += item->size;
	log->page_ready = max_t(u64, log->page_ready, ready);
	log->page_wb_units += units;
	while ((u64)(log->programmed + 1) * log->cfg.page_size <= log->wp)
		vssd_vlog_program_page(log);
}

/* Flash reads of the pages a record spans; those still buffered are free. */
static u64 vssd_vlog_read_pages(struct vssd_vlog *log, const struct vssd_vlog_item *item,
				u64 start)
{
	u32 ps = log->cfg.page_size;
	u32 first = item->off / ps, last = (item->off + item->size - 1) / ps, p;
	u64 ready = start;

	for (p = first; p <= last; p++) {
		u32 from = p == first ? item->off % ps : 0;
		u32 to = p == last ? (item->off + item->size - 1) % ps + 1 : ps;

		if (item->seg == log->segs.open && p >= log->programmed)
			continue;
		ready = max_t(u64, ready,
			      vssd_nand_read(log->nand, vssd_vlog_die(log, p),
					     vssd_vlog_page_in_block(log, p), to - from, start));
	}
	return ready;
}

static u32 vssd_vlog_victim(const struct vssd_vlog *log)
{
	return vssd_segs_victim(&log->segs, ~0ULL);
}

/*
 * Room for @size bytes at the head, taking a free segment if needed.  GC's
 * own moves may use the reserved segment; they never start GC.
 */
static int vssd_vlog_room(struct vssd_vlog *log, u32 size)
{
	if (log->segs.open != VSSD_SEG_NONE && log->wp + size <= log->seg_size)
		return 0;
	if (log->segs.open != VSSD_SEG_NONE)
		vssd_vlog_close(log);
	if (!log->segs.nr_free)
		return -ENOSPC;
	vssd_vlog_open(log);
	return 0;
}

/*
 * Greedy GC of one segment: the full one with the least live data.  Its
 * records move to the head (read, then programmed like any page), then its
 * blocks are erased.  Refuses (-ENOSPC) when moving would not gain space.
 */
static int vssd_vlog_gc_one(struct vssd_vlog *log, u64 now)
{
	u32 victim = vssd_vlog_victim(log), d;
	u64 last_read = now;

	if (victim == VSSD_SEG_NONE)
		return -ENOSPC;
	if (log->segs.seg[victim].live + log->cfg.max_record > log->seg_size)
		return -ENOSPC;
	while (!list_empty(&log->records_of[victim])) {
		struct vssd_vlog_item *item = list_first_entry(&log->records_of[victim],
							       struct vssd_vlog_item, link);
		u64 ready = now;

		if (log->nand)
			ready = vssd_vlog_read_pages(log, item, now);
		vssd_vlog_unlink(log, victim, item);
		log->live -= item->size;
		if (vssd_vlog_room(log, item->size)) {
			/* Cannot happen (the sizing keeps a segment); stay whole. */
			vssd_vlog_link(log, victim, item);
			log->live += item->size;
			return -ENOSPC;
		}
		vssd_vlog_place(log, item, ready, 0);
		log->gc_bytes += item->size;
		last_read = max_t(u64, last_read, ready);
	}
	if (log->nand)
		for (d = 0; d < log->cfg.nr_dies; d++)
			vssd_nand_erase(log->nand, d, last_read);
	vssd_segs_erased(&log->segs, victim);
	log->erases++;
	log->gc_runs++;
	return 0;
}

/* Room for a host record: foreground GC while only the reserve is free. */
static int vssd_vlog_host_room(struct vssd_vlog *log, u32 size, u64 now)
{
	u32 tries;

	for (tries = 0; tries <= 2 * log->segs.nr; tries++) {
		if (log->segs.open != VSSD_SEG_NONE && log->wp + size <= log->seg_size)
			return 0;
		if (log->segs.open != VSSD_SEG_NONE)
			vssd_vlog_close(log);
		if (log->segs.nr_free > VSSD_VLOG_GC_RESERVE) {
			vssd_vlog_open(log);
			return 0;
		}
		if (vssd_vlog_gc_one(log, now))
			return -ENOSPC;
	}
	return -ENOSPC;
}

/*
 * A host Store of @value_len bytes: each 4 KiB of it waits for buffer space,
 * the firmware takes fw_write_ns plus fw_write_per4k_ns per 4 KiB, the data
 * crosses the host interface and the command completes (*done); the pages
 * are programmed as they fill.  -ENOSPC when no room can be made.
 */
int vssd_vlog_append(struct vssd_vlog *log, struct vssd_vlog_item *item,
		     u32 value_len, u64 now, u64 *done)
{
	u32 size = vssd_vlog_record_size(value_len);
	u32 units = (value_len + 4095) / 4096, i;
	u64 admitted = now, ready, ack;
	int ret;

	if (size > log->cfg.max_record)
		return -EINVAL;
	ret = vssd_vlog_host_room(log, size, now);
	if (ret)
		return ret;
	if (!units)
		units = 1;
	item->size = size;
	if (!log->nand) {
		vssd_vlog_place(log, item, now, 0);
		*done = now;
	} else {
		for (i = 0; i < units; i++)
			admitted = vssd_wb_admit(log->nand, admitted);
		ready = admitted + log->nand->cfg.fw_write_ns;
		ack = ready + units * log->nand->cfg.fw_write_per4k_ns;
		vssd_vlog_place(log, item, ready, units);
		*done = vssd_nand_host(log->nand, value_len, ack);
	}
	log->records++;
	log->host_bytes += size;
	return 0;
}

/* A host Retrieve of @value_len bytes of @item: firmware, flash, DMA. */
u64 vssd_vlog_read(struct vssd_vlog *log, const struct vssd_vlog_item *item,
		   u32 value_len, u64 now)
{
	u64 ready;

	if (!log->nand)
		return now;
	ready = vssd_vlog_read_pages(log, item, now + log->nand->cfg.fw_read_ns);
	return vssd_nand_host(log->nand, value_len, ready);
}

/* The record is garbage now (overwritten or deleted). */
void vssd_vlog_remove(struct vssd_vlog *log, struct vssd_vlog_item *item)
{
	vssd_vlog_unlink(log, item->seg, item);
	log->live -= item->size;
	log->records--;
}

/*
 * Background GC while the dies are idle: one segment per call, only when
 * fewer than gc_free_segs are free and the victim is at least a quarter
 * garbage.  Returns @now when it did work, a later time to retry at, or 0.
 */
u64 vssd_vlog_background_gc(struct vssd_vlog *log, u64 now)
{
	u32 victim;
	u64 busy;

	if (log->segs.nr_free >= log->gc_free_segs || log->segs.nr_free < VSSD_VLOG_GC_RESERVE)
		return 0;
	victim = vssd_vlog_victim(log);
	if (victim == VSSD_SEG_NONE || log->segs.seg[victim].live * 4 > log->seg_size * 3)
		return 0;
	busy = log->nand ? vssd_nand_busy_until(log->nand) : 0;
	if (busy > now)
		return busy;
	return vssd_vlog_gc_one(log, now) ? 0 : now;
}

/* Everything is garbage: the owner dropped its records.  Erase it all. */
void vssd_vlog_format(struct vssd_vlog *log)
{
	log->erases += vssd_segs_format(&log->segs);
	vssd_vlog_forget_records(log);
	log->live = 0;
	log->records = 0;
}

/* Bytes written and not yet erased: live records, garbage and padding. */
u64 vssd_vlog_used(const struct vssd_vlog *log)
{
	u32 open = log->segs.open != VSSD_SEG_NONE;
	u64 full = log->segs.nr - log->segs.nr_free - open;

	return full * log->seg_size + (open ? log->wp : 0);
}

/* Consistency of the segment lists and counters (tests). */
int vssd_vlog_check(const struct vssd_vlog *log)
{
	u64 live = 0, records = 0;
	u32 i;

	for (i = 0; i < log->segs.nr; i++) {
		const struct vssd_seg *seg = &log->segs.seg[i];
		const struct vssd_vlog_item *it;
		u64 seg_live = 0;

		list_for_each_entry(it, &log->records_of[i], link) {
			if (it->seg != i || (u64)it->off + it->size > log->seg_size)
				return -1;
			if (it->link.next->prev != &it->link)
				return -2;
			seg_live += it->size;
			records++;
		}
		if (seg_live != seg->live || (seg->state == VSSD_SEG_FREE && seg_live))
			return -3;
		live += seg_live;
	}
	if (live != log->live || records != log->records || vssd_segs_check(&log->segs))
		return -4;
	return 0;
}
