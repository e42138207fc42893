// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kv/vlog.c, the KV value log: record sizes, the read
 * formula, GC under random overwrites and deletes of random sizes (lists
 * and counters stay consistent, live data never lost, -ENOSPC never while
 * live data fits the capacity), and refusal of a segment smaller than two
 * records.
 */
// unit-sources: drivers/vssd/ftl/nand.c kv/vlog.c drivers/vssd/ftl/segs.c drivers/vssd/ftl/heap.c
#include <stdlib.h>

#include "unit.h"
#include "kv/vlog.h"

static const struct vssd_nand_config tiny = {
	.channels = 2, .dies_per_channel = 1, .planes_per_die = 1,
	.page_size = 16384, .pages_per_block = 8,
	.read_lsb_ns = 50000, .read_msb_ns = 50000, .program_ns = 500000,
	.erase_ns = 3000000, .channel_mbps = 400, .host_mbps = 2000,
	.fw_read_ns = 10000, .fw_write_ns = 3000, .fw_write_per4k_ns = 500,
	.buffer_units = 16,
};

static struct vssd_vlog_config tiny_log(u64 capacity, u32 max_value)
{
	struct vssd_vlog_config c = {
		.nr_dies = 2, .page_size = 16384, .pages_per_block = 8,
		.capacity = capacity, .max_record = vssd_vlog_record_size(max_value),
		.op_percent = 7, .gc_free_percent = 10,
	};
	return c;
}

UNIT_TEST(record_size)
{
	EXPECT_EQ(vssd_vlog_record_size(1), 64);
	EXPECT_EQ(vssd_vlog_record_size(32), 64);
	EXPECT_EQ(vssd_vlog_record_size(33), 96);
	EXPECT_EQ(vssd_vlog_record_size(4096), 4128);
}

UNIT_TEST(read_formula)
{
	struct vssd_nand nand;
	struct vssd_vlog log;
	struct vssd_vlog_config c = tiny_log(1 << 20, 4096);
	struct vssd_vlog_item items[8];
	u64 done, t;
	int i;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	EXPECT_EQ(vssd_vlog_init(&log, &c, &nand), 0);
	/* Five 4 KiB records fill the first page and part of the second. */
	for (i = 0; i < 5; i++)
		EXPECT_EQ(vssd_vlog_append(&log, &items[i], 4096, 0, &done), 0);
	EXPECT_EQ(log.programmed, 1);
	/* Item 0 is on flash: fw + tR + channel(record bytes) + host(value). */
	t = vssd_vlog_read(&log, &items[0], 4096, 100000000);
	EXPECT_EQ(t, 100000000 + 10000 + 50000 + vssd_xfer_ns(4128, 400) +
		  vssd_xfer_ns(4096, 2000));
	/* Item 4 is wholly in the buffer: fw + host only. */
	t = vssd_vlog_read(&log, &items[4], 4096, 200000000);
	EXPECT_EQ(t, 200000000 + 10000 + vssd_xfer_ns(4096, 2000));
	EXPECT_EQ(vssd_vlog_check(&log), 0);
	vssd_vlog_destroy(&log);
	vssd_nand_destroy(&nand);
}

UNIT_TEST(segment_too_small)
{
	struct vssd_vlog log;
	struct vssd_vlog_config c = tiny_log(1 << 20, 128 << 10);

	EXPECT_EQ(vssd_vlog_init(&log, &c, NULL), -EINVAL);
}

/*
 * A value within 63 bytes of 4 GiB has no record size in 32 bits: it must
 * not wrap to a small one, which would let a log sized for it be set up
 * and then refuse every record (or take a huge value for a tiny record).
 */
UNIT_TEST(record_size_saturates)
{
	struct vssd_vlog log;
	struct vssd_vlog_config c = tiny_log(1 << 20, 0xffffffff);
	struct vssd_vlog_item item;
	u64 done;

	EXPECT_EQ(vssd_vlog_record_size(0xffffffc0), 0xffffffe0);
	EXPECT_EQ(vssd_vlog_record_size(0xffffffc1), 0xffffffe0);
	EXPECT_EQ(vssd_vlog_record_size(0xffffffff), 0xffffffe0);
	EXPECT_EQ(vssd_vlog_init(&log, &c, NULL), -EINVAL);
	c = tiny_log(1 << 20, 4096);
	EXPECT_EQ(vssd_vlog_init(&log, &c, NULL), 0);
	EXPECT_EQ(vssd_vlog_append(&log, &item, 0xfffffff0, 0, &done), -EINVAL);
	EXPECT_EQ(log.live, 0);
	vssd_vlog_destroy(&log);
}

/*
 * Random stores (new keys and overwrites) and deletes of 1 byte .. 40 KiB
 * values, live data kept near the capacity: GC runs many times, nothing is
 * lost, -ENOSPC only when the capacity check says so.
 */
static void gc_workload(int *unit_failed, struct vssd_nand *nand)
{
	enum { KEYS = 600 };
	const u64 capacity = 4 << 20;
	struct vssd_vlog_config c = tiny_log(capacity, 40 << 10);
	static struct vssd_vlog_item items[KEYS];
	static u32 lens[KEYS];
	struct vssd_vlog log;
	u64 now = 0, done;
	int op, errors = 0, bad = 0;

	memset(items, 0, sizeof(items));
	memset(lens, 0, sizeof(lens));
	srand(7);
	EXPECT_EQ(vssd_vlog_init(&log, &c, nand), 0);
	for (op = 0; op < 60000; op++) {
		int k = rand() % KEYS;
		u32 len = rand() % 3 ? 1 + rand() % 8192 : 1 + rand() % (40 << 10);
		u64 old = lens[k] ? items[k].size : 0;

		now += 20000;
		if (lens[k] && rand() % 4 == 0) {
			vssd_vlog_remove(&log, &items[k]);
			lens[k] = 0;
			continue;
		}
		/* The KV layer's capacity check. */
		if (log.live - old + vssd_vlog_record_size(len) > capacity)
			continue;
		if (lens[k])
			vssd_vlog_remove(&log, &items[k]);
		lens[k] = 0;
		if (vssd_vlog_append(&log, &items[k], len, now, &done)) {
			errors++;
			continue;
		}
		if (done < now)
			bad++;
		lens[k] = len;
		if (op % 97 == 0 && vssd_vlog_check(&log))
			bad++;
		if (op % 13 == 0)
			vssd_vlog_background_gc(&log, now);
	}
	EXPECT_EQ(errors, 0);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vssd_vlog_check(&log), 0);
	EXPECT(log.gc_runs > 20);
	EXPECT(log.gc_bytes > 0);
	printf("# %llu GC runs, %llu bytes moved, %llu host bytes, %u segments\n",
	       (unsigned long long)log.gc_runs, (unsigned long long)log.gc_bytes,
	       (unsigned long long)log.host_bytes, log.segs.nr);
	vssd_vlog_destroy(&log);
}

UNIT_TEST(gc_random_timed)
{
	struct vssd_nand nand;

	EXPECT_EQ(vssd_nand_init(&nand, &tiny), 0);
	gc_workload(unit_failed, &nand);
	vssd_nand_destroy(&nand);
}

UNIT_TEST(gc_random_untimed)
{
	gc_workload(unit_failed, NULL);
}

/* Live data at the capacity: the next record is refused, never lost. */
UNIT_TEST(full_then_delete)
{
	struct vssd_vlog_config c = tiny_log(1 << 20, 4096);
	static struct vssd_vlog_item items[400];
	struct vssd_vlog log;
	u64 done;
	int n = 0, i;

	EXPECT_EQ(vssd_vlog_init(&log, &c, NULL), 0);
	while (n < 400 && log.live + vssd_vlog_record_size(4096) <= c.capacity)
		EXPECT_EQ(vssd_vlog_append(&log, &items[n++], 4096, 0, &done), 0);
	EXPECT_EQ(n, (1 << 20) / 4128);
	for (i = 0; i < n; i += 2)
		vssd_vlog_remove(&log, &items[i]);
	for (i = 0; i < n; i += 2)
		EXPECT_EQ(vssd_vlog_append(&log, &items[i], 4096, 0, &done), 0);
	EXPECT_EQ(vssd_vlog_check(&log), 0);
	vssd_vlog_format(&log);
	EXPECT_EQ(log.live, 0);
	EXPECT_EQ(log.segs.nr_free, log.segs.nr);
	vssd_vlog_destroy(&log);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(record_size),
		UNIT_CASE(read_formula),
		UNIT_CASE(segment_too_small),
		UNIT_CASE(record_size_saturates),
		UNIT_CASE(gc_random_timed),
		UNIT_CASE(gc_random_untimed),
		UNIT_CASE(full_then_delete),
	};

	return unit_run("vlog", cases, ARRAY_SIZE(cases));
}
