// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kv/mem.c, the RAM a KV record is charged: a one-byte
 * value costs its entry and a 32-byte slab object, not a page; a value of
 * a page or more costs whole pages; the charge is never below the record
 * the value log keeps nor below the bytes themselves; the hash buckets
 * follow the keys the capacity can hold.
 */
// unit-sources: kv/mem.c kv/vlog.c drivers/vssd/ftl/segs.c
// unit-sources: drivers/vssd/ftl/nand.c drivers/vssd/ftl/heap.c
#include "unit.h"
#include "kv/mem.h"
#include "kv/vlog.h"

UNIT_TEST(charges)
{
	EXPECT_EQ(vssd_kv_slab_bytes(1), 8);
	EXPECT_EQ(vssd_kv_slab_bytes(17), 32);
	EXPECT_EQ(vssd_kv_slab_bytes(2048), 2048);
	EXPECT_EQ(vssd_kv_mem_charge(1, 4096), 128 + 32);
	EXPECT_EQ(vssd_kv_mem_charge(100, 4096), 128 + 128);
	EXPECT(vssd_kv_value_packed(2032));
	EXPECT(!vssd_kv_value_packed(2033));
	EXPECT_EQ(vssd_kv_mem_charge(2033, 4096), 128 + 32 + 4096);
	EXPECT_EQ(vssd_kv_mem_charge(4096, 4096), 128 + 32 + 4096);
	EXPECT_EQ(vssd_kv_mem_charge(4097, 4096), 128 + 32 + 8192);
	EXPECT_EQ(vssd_kv_mem_charge(1 << 20, 4096), 128 + 4096 + (1 << 20));
}

UNIT_TEST(never_below_record_or_bytes)
{
	u32 len;

	for (len = 1; len <= (1 << 20); len += len < 9000 ? 1 : 4093) {
		u64 c = vssd_kv_mem_charge(len, 4096);

		if (c < vssd_vlog_record_size(len) || c < (u64)len + VSSD_KV_ENTRY_BYTES ||
		    c < vssd_kv_mem_charge(len - 1 ? len - 1 : 1, 4096)) {
			EXPECT_EQ(len, 0);
			return;
		}
	}
}

UNIT_TEST(one_byte_values_fill_the_capacity)
{
	u64 cap = 1 << 20;
	u32 bits = vssd_kv_hash_bits(cap, 1 << 20, 4096);
	u64 base = vssd_kv_buckets_bytes(bits), keys;

	/* 6553 one-byte keys fit a MiB: 4096 buckets, two keys per bucket. */
	EXPECT_EQ(bits, 12);
	EXPECT_EQ(base, 32768);
	keys = (cap - base) / vssd_kv_mem_charge(1, 4096);
	EXPECT_EQ(keys, 6348);
	/* The old charge (the 64-byte record) would have let 16384 in. */
	EXPECT_EQ(cap / vssd_vlog_record_size(1), 16384);
	EXPECT_EQ(vssd_kv_hash_bits(cap, 100, 4096), 6);
	EXPECT_EQ(vssd_kv_hash_bits(1ULL << 40, 1 << 30, 4096), 24);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(charges),
		UNIT_CASE(never_below_record_or_bytes),
		UNIT_CASE(one_byte_values_fill_the_capacity),
	};

	return unit_run("kv_mem", cases, ARRAY_SIZE(cases));
}
