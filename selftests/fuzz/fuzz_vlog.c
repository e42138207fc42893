// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: kv/vlog.c, the value log of a KV namespace, driven as
 * kv/cmd.c drives it.  The input picks a geometry (with or without a NAND
 * timing model), then a program of Stores, Appends, Deletes, Retrieves,
 * background GC steps and Formats on 32 keys.  A Store is checked against
 * capacity first, in log record bytes (the KV layer charges each key the
 * RAM it holds, never less than its record, so its Stores pass a stricter
 * check), and its new record is appended before the old one is removed, as
 * kv/cmd.c does; from then on it must succeed.
 * After every step: the log's own consistency check, every live record of
 * the model is linked in its segment, records of a segment never overlap
 * and lie below the write pointer, live bytes add up, and time never runs
 * backwards.
 */
// fuzz-sources: kv/vlog.c drivers/vssd/ftl/segs.c drivers/vssd/ftl/nand.c
// fuzz-sources: drivers/vssd/ftl/heap.c
// fuzz-max-len: 4096
#include "fuzz.h"
#include "kv/vlog.h"

#define SLOTS	32

struct model {
	struct vssd_vlog_item *item[SLOTS];
	u32 len[SLOTS];
	u64 live;
};

static bool linked(const struct vssd_vlog *log, const struct vssd_vlog_item *item)
{
	const struct vssd_vlog_item *it;

	list_for_each_entry(it, &log->records_of[item->seg], link)
		if (it == item)
			return true;
	return false;
}

static void check(const struct vssd_vlog *log, const struct model *m)
{
	u32 i, j, full = 0;

	FUZZ_ASSERT(vssd_vlog_check(log) == 0);
	FUZZ_ASSERT(log->live == m->live);
	FUZZ_ASSERT(vssd_vlog_used(log) >= log->live &&
		    vssd_vlog_used(log) <= (u64)log->segs.nr * log->seg_size);
	for (i = 0; i < log->segs.nr; i++)
		full += log->segs.seg[i].state == VSSD_SEG_FULL;
	FUZZ_ASSERT(log->segs.nr_free + full + (log->segs.open != VSSD_SEG_NONE) == log->segs.nr);
	if (log->segs.open != VSSD_SEG_NONE)
		FUZZ_ASSERT(log->segs.seg[log->segs.open].state == VSSD_SEG_OPEN &&
			    log->wp <= log->seg_size);
	for (i = 0; i < SLOTS; i++) {
		const struct vssd_vlog_item *a = m->item[i];

		if (!a)
			continue;
		FUZZ_ASSERT(a->seg < log->segs.nr);
		FUZZ_ASSERT(log->segs.seg[a->seg].state != VSSD_SEG_FREE);
		FUZZ_ASSERT(a->size == vssd_vlog_record_size(m->len[i]));
		FUZZ_ASSERT((u64)a->off + a->size <= log->seg_size);
		if (a->seg == log->segs.open)
			FUZZ_ASSERT(a->off + a->size <= log->wp);
		FUZZ_ASSERT(linked(log, a));
		for (j = i + 1; j < SLOTS; j++) {
			const struct vssd_vlog_item *b = m->item[j];

			if (b && b->seg == a->seg)
				FUZZ_ASSERT(a->off + a->size <= b->off ||
					    b->off + b->size <= a->off);
		}
	}
}

static void drop(struct vssd_vlog *log, struct model *m, u32 slot)
{
	if (!m->item[slot])
		return;
	vssd_vlog_remove(log, m->item[slot]);
	m->live -= m->item[slot]->size;
	free(m->item[slot]);
	m->item[slot] = NULL;
	m->len[slot] = 0;
}

/* A Store as kv/cmd.c does it: capacity check, append the new, drop the old. */
static void store(struct vssd_vlog *log, struct model *m, u32 slot, u32 len,
		  bool append, u32 max_value, u64 now)
{
	u32 keep = append ? m->len[slot] : 0, total = keep + len;
	u64 old = m->item[slot] ? m->item[slot]->size : 0, done = 0;
	struct vssd_vlog_item *item;
	int ret;

	item = calloc(1, sizeof(*item));
	FUZZ_ASSERT(item);
	if (total > max_value && vssd_vlog_record_size(total) > log->cfg.max_record) {
		/* Past the largest record: refused, nothing changes. */
		FUZZ_ASSERT(vssd_vlog_append(log, item, total, now, &done) == -EINVAL);
		free(item);
		return;
	}
	if (!len || total > max_value ||
	    m->live - old + vssd_vlog_record_size(total) > log->cfg.capacity) {
		free(item);
		return;		/* refused before the log is asked */
	}
	ret = vssd_vlog_append(log, item, total, now, &done);
	if (ret)
		fprintf(stderr,
			"append of %u bytes failed (%d): live %llu, old %llu, capacity %llu\n",
			total, ret, (unsigned long long)m->live, (unsigned long long)old,
			(unsigned long long)log->cfg.capacity);
	FUZZ_ASSERT(ret == 0);
	FUZZ_ASSERT(done >= now);
	m->live += item->size;
	drop(log, m, slot);
	m->item[slot] = item;
	m->len[slot] = total;
}

int vssd_fuzz_one(const u8 *data, size_t size)
{
	struct vssd_nand_config ncfg = {
		.read_lsb_ns = 50000, .read_msb_ns = 70000, .program_ns = 500000,
		.erase_ns = 3000000, .channel_mbps = 400, .host_mbps = 2000,
		.fw_read_ns = 10000, .fw_write_ns = 3000, .fw_write_per4k_ns = 500,
	};
	struct vssd_vlog_config cfg = { 0 };
	struct vssd_nand nand, *nandp = NULL;
	struct model m = { 0 };
	struct vssd_vlog log;
	struct fuzz_input in;
	u32 max_value, steps, i;
	u64 now = 0;
	u8 bits;

	fuzz_input_init(&in, data, size);
	bits = fuzz_u8(&in);
	ncfg.channels = 1 + fuzz_u8(&in) % 4;
	ncfg.dies_per_channel = 1 + fuzz_u8(&in) % 2;
	ncfg.planes_per_die = 1;
	cfg.nr_dies = ncfg.channels * ncfg.dies_per_channel;
	cfg.pages_per_block = 1 + fuzz_u8(&in) % 8;
	if (bits & 1) {
		ncfg.page_size = 4096 * (1 + fuzz_u8(&in) % 4);
		ncfg.pages_per_block = cfg.pages_per_block;
		ncfg.buffer_units = fuzz_u8(&in) % 33;
		cfg.page_size = ncfg.page_size;
	} else {
		cfg.page_size = 512 * (1 + fuzz_u8(&in) % 32);
	}
	cfg.op_percent = fuzz_u8(&in) % 51;
	cfg.gc_free_percent = fuzz_u8(&in) % 101;
	/* Largest value: up to what two records per segment allow. */
	max_value = (u32)((u64)cfg.nr_dies * cfg.pages_per_block * cfg.page_size / 2);
	max_value = 1 + fuzz_u16(&in) % (max_value > VSSD_VLOG_HDR + 32 ?
					  max_value - VSSD_VLOG_HDR - 32 : 1);
	if (bits & 2)	/* init must refuse what does not fit */
		max_value = fuzz_u32(&in) | 1;
	cfg.max_record = vssd_vlog_record_size(max_value);
	cfg.capacity = 1 + fuzz_u32(&in) % (1 << 20);

	if (bits & 1) {
		FUZZ_ASSERT(vssd_nand_init(&nand, &ncfg) == 0);
		nandp = &nand;
	}
	if (vssd_vlog_init(&log, &cfg, nandp)) {
		FUZZ_ASSERT((u64)cfg.max_record * 2 > (u64)cfg.nr_dies *
			    cfg.pages_per_block * cfg.page_size);
		goto out_nand;
	}
	FUZZ_ASSERT((u64)cfg.max_record * 2 <= log.seg_size);
	if (log.segs.nr > 512)
		goto out_log;	/* keep each input fast */
	check(&log, &m);

	for (steps = 0; steps < 512 && !fuzz_done(&in); steps++) {
		u8 op = fuzz_u8(&in);
		u32 slot = op >> 3, len;

		now += (u64)fuzz_u8(&in) * 1000;
		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			len = fuzz_u16(&in);
			if (len & 0x8000)	/* near the limit */
				len = max_value - (len & 0x7fff) % max_value;
			store(&log, &m, slot, len, (op & 7) == 2, max_value, now);
			break;
		case 3:
			drop(&log, &m, slot);
			break;
		case 4:
			if (m.item[slot])
				FUZZ_ASSERT(vssd_vlog_read(&log, m.item[slot],
							   m.len[slot], now) >= now);
			break;
		case 5:
		case 6:
			vssd_vlog_background_gc(&log, now);
			break;
		default:
			/* Format: the owner drops every record first. */
			for (i = 0; i < SLOTS; i++) {
				free(m.item[i]);
				m.item[i] = NULL;
				m.len[i] = 0;
			}
			m.live = 0;
			vssd_vlog_format(&log);
			break;
		}
		check(&log, &m);
	}
out_log:
	for (i = 0; i < SLOTS; i++)
		free(m.item[i]);
	vssd_vlog_destroy(&log);
out_nand:
	if (nandp)
		vssd_nand_destroy(nandp);
	return 0;
}
