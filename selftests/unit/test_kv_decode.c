// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kv/decode.c: keys, lengths and options of both KV command
 * families as DESIGN.md's tables give them (selftests/fuzz checks the same
 * against a reference decoder on any SQE).
 */
// unit-sources: kv/decode.c
#include "unit.h"
#include "kv/decode.h"

static void sqe_set(__le32 *sqe, const u32 *cdw)
{
	int i;

	for (i = 0; i < VSSD_KV_SQE_DWORDS; i++)
		sqe[i] = cpu_to_le32(cdw[i]);
}

UNIT_TEST(standard_key)
{
	u32 cdw[VSSD_KV_SQE_DWORDS] = { VSSD_KV_OP_STORE };
	__le32 sqe[VSSD_KV_SQE_DWORDS];
	struct vssd_kv_key key;

	/* "hello" in CDW2/CDW3, length 5 in bytes; noise past the key. */
	cdw[2] = 0x6c6c6568;
	cdw[3] = 0xffffff6f;
	cdw[11] = 5;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_key(sqe, false, &key), 0);
	EXPECT_EQ(key.len, 5);
	EXPECT(!memcmp(key.bytes, "hello\0\0\0\0\0\0\0\0\0\0\0", 16));
	/* 0 and 17 bytes are refused; 0 only where allowed (List). */
	cdw[11] = 0;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_key(sqe, false, &key), -EINVAL);
	EXPECT_EQ(vssd_kv_decode_key(sqe, true, &key), 0);
	EXPECT_EQ(key.len, 0);
	cdw[11] = 17;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_key(sqe, true, &key), -EINVAL);
}

UNIT_TEST(vendor_key)
{
	u32 cdw[VSSD_KV_SQE_DWORDS] = { VSSD_SKV_OP_STORE };
	__le32 sqe[VSSD_KV_SQE_DWORDS];
	struct vssd_kv_key key;
	int i;

	/* 16 bytes in CDW12..15, length - 1 in CDW11[7:0]. */
	for (i = 0; i < 4; i++)
		cdw[12 + i] = 0x03020100 + 0x04040404 * i;
	cdw[11] = 15;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_key(sqe, false, &key), 0);
	EXPECT_EQ(key.len, 16);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(key.bytes[i], i);
	cdw[11] = 16;	/* 17 bytes */
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_key(sqe, false, &key), -EINVAL);
}

UNIT_TEST(lengths)
{
	u32 cdw[VSSD_KV_SQE_DWORDS] = { VSSD_KV_OP_STORE };
	__le32 sqe[VSSD_KV_SQE_DWORDS];

	cdw[10] = 100;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_len(sqe, 4096), 100);
	EXPECT_EQ(vssd_kv_decode_len(sqe, 64), 64);
	/* Vendor: 4-byte words, capped by the transfer; 0 in a read: all of it. */
	cdw[0] = VSSD_SKV_OP_STORE;
	cdw[10] = 0x40000001;	/* words * 4 overflows 32 bits */
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_len(sqe, 4096), 4096);
	cdw[10] = 3;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_len(sqe, 4096), 12);
	cdw[0] = VSSD_SKV_OP_RETRIEVE;
	cdw[10] = 0;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_len(sqe, 4096), 4096);
	/* Iterate Read: words narrow the transfer, then the cap. */
	cdw[10] = 8;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_iter_size(sqe, 4096, 1 << 20), 32);
	EXPECT_EQ(vssd_kv_decode_iter_size(sqe, 16, 1 << 20), 16);
	EXPECT_EQ(vssd_kv_decode_iter_size(sqe, 4096, 20), 20);
}

UNIT_TEST(store_options)
{
	u32 cdw[VSSD_KV_SQE_DWORDS] = { VSSD_KV_OP_STORE };
	__le32 sqe[VSSD_KV_SQE_DWORDS];
	bool exist, absent;

	cdw[11] = 1 | VSSD_KV_STORE_ONLY_IF_EXISTS << 8;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_store_options(sqe, &exist, &absent), 0);
	EXPECT(exist && !absent);
	cdw[11] |= VSSD_KV_STORE_ONLY_IF_ABSENT << 8;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_store_options(sqe, &exist, &absent), -EINVAL);
	cdw[0] = VSSD_SKV_OP_STORE;
	cdw[11] = VSSD_SKV_STORE_IDEMPOTENT << 8;
	sqe_set(sqe, cdw);
	EXPECT_EQ(vssd_kv_decode_store_options(sqe, &exist, &absent), 0);
	EXPECT(!exist && absent);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(standard_key),
		UNIT_CASE(vendor_key),
		UNIT_CASE(lengths),
		UNIT_CASE(store_options),
	};

	return unit_run("kv/decode", cases, ARRAY_SIZE(cases));
}
