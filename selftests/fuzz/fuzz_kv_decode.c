// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: kv/decode.c, the key, length and options of a KV
 * command of either family, decoded from a submission queue entry the host
 * wrote.  Two ways in, by the first input byte:
 *
 *   even  an arbitrary SQE (64 input bytes) and transfer length, decoded
 *         and compared with a reference decoder written here from the
 *         command set definitions (include/vssd/kv_cmd.h)
 *   odd   a command a host builds (family, key, value length, options)
 *         encoded as the specifications say, then decoded: what the host
 *         meant comes back
 *
 * Either way: a key is 1..16 bytes (0 only where allowed) with zeros
 * after it, and a length never exceeds the data transferred.
 */
// fuzz-sources: kv/decode.c
// fuzz-max-len: 128
#include "fuzz.h"
#include "kv/decode.h"

static const int ref_key_dws[2][4] = { { 2, 3, 14, 15 }, { 12, 13, 14, 15 } };

static void check_key(const __le32 *sqe, bool may_be_empty)
{
	bool vendor = (le32_to_cpu(sqe[0]) & 0xff) >= 0x80;
	u32 len = (le32_to_cpu(sqe[11]) & 0xff) + (vendor ? 1 : 0);
	bool valid = (len || may_be_empty) && len <= VSSD_KV_MAX_KEY;
	struct vssd_kv_key key;
	u32 i;
	int ret;

	memset(&key, 0xa5, sizeof(key));
	ret = vssd_kv_decode_key(sqe, may_be_empty, &key);
	FUZZ_ASSERT(!ret == valid);
	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL);
		return;
	}
	FUZZ_ASSERT(key.len == len);
	for (i = 0; i < VSSD_KV_MAX_KEY; i++) {
		u32 dw = le32_to_cpu(sqe[ref_key_dws[vendor][i / 4]]);
		u8 want = i < len ? (u8)(dw >> (8 * (i % 4))) : 0;

		FUZZ_ASSERT(key.bytes[i] == want);
	}
}

static void check_len(const __le32 *sqe, u32 buf_len)
{
	u8 opcode = le32_to_cpu(sqe[0]) & 0xff;
	u64 want = le32_to_cpu(sqe[10]);
	u32 got = vssd_kv_decode_len(sqe, buf_len);

	if (opcode >= 0x80) {
		want *= 4;
		/* 0 in a vendor read (opcode bit 0 clear): the whole transfer. */
		if (!want && !(opcode & 1))
			want = buf_len;
	}
	if (want > buf_len)
		want = buf_len;
	FUZZ_ASSERT(got == want);
}

static void check_store_options(const __le32 *sqe)
{
	bool vendor = (le32_to_cpu(sqe[0]) & 0xff) >= 0x80;
	u8 opt = le32_to_cpu(sqe[11]) >> 8;
	bool exist, absent, want_exist, want_absent;
	int ret = vssd_kv_decode_store_options(sqe, &exist, &absent);

	want_exist = opt & (vendor ? VSSD_SKV_STORE_UPDATE_ONLY : VSSD_KV_STORE_ONLY_IF_EXISTS);
	want_absent = opt & (vendor ? VSSD_SKV_STORE_IDEMPOTENT : VSSD_KV_STORE_ONLY_IF_ABSENT);
	FUZZ_ASSERT(exist == want_exist && absent == want_absent);
	FUZZ_ASSERT((ret == -EINVAL) == (want_exist && want_absent));
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL);
}

static void check_iter_size(const __le32 *sqe, u32 buf_len, u32 max_bytes)
{
	u64 words = le32_to_cpu(sqe[10]);
	u32 got = vssd_kv_decode_iter_size(sqe, buf_len, max_bytes);
	u64 want = buf_len;

	if (words && words * 4 < want)
		want = words * 4;
	if (want > max_bytes)
		want = max_bytes;
	FUZZ_ASSERT(got == want);
	FUZZ_ASSERT(got <= buf_len && got <= max_bytes);
}

static void fuzz_raw(struct fuzz_input *in)
{
	__le32 sqe[VSSD_KV_SQE_DWORDS];
	u32 buf_len, max_bytes;
	u8 bits;

	bits = fuzz_u8(in);
	fuzz_bytes(in, sqe, sizeof(sqe));
	buf_len = fuzz_u32(in);
	max_bytes = fuzz_u32(in);
	if (bits & 1)
		buf_len %= 1 << 21;	/* an MDTS-sized transfer */

	check_key(sqe, false);
	check_key(sqe, true);
	check_len(sqe, buf_len);
	check_store_options(sqe);
	check_iter_size(sqe, buf_len, max_bytes);
}

/* A host's Store, Retrieve or List, encoded as DESIGN.md's table says. */
static void fuzz_roundtrip(struct fuzz_input *in)
{
	static const u8 ops[2][3] = {
		{ VSSD_KV_OP_STORE, VSSD_KV_OP_RETRIEVE, VSSD_KV_OP_LIST },
		{ VSSD_SKV_OP_STORE, VSSD_SKV_OP_RETRIEVE, VSSD_SKV_OP_APPEND },
	};
	u32 cdw[VSSD_KV_SQE_DWORDS] = { 0 }, i, value_len, buf_len;
	__le32 sqe[VSSD_KV_SQE_DWORDS];
	u8 bits = fuzz_u8(in), raw[VSSD_KV_MAX_KEY];
	bool vendor = bits & 1, exist, absent;
	u32 klen = 1 + fuzz_u8(in) % VSSD_KV_MAX_KEY;
	u8 op = ops[vendor][(bits >> 1) % 3];
	struct vssd_kv_key key;

	fuzz_bytes(in, raw, sizeof(raw));
	memset(raw + klen, 0, sizeof(raw) - klen);
	value_len = fuzz_u32(in) % (1 << 21);
	cdw[0] = op | (u32)fuzz_u16(in) << 16;	/* the command id */
	for (i = 0; i < VSSD_KV_MAX_KEY; i++)
		cdw[ref_key_dws[vendor][i / 4]] |= (u32)raw[i] << (8 * (i % 4));
	cdw[11] = vendor ? klen - 1 : klen;
	if (bits & 0x10)
		cdw[11] |= (vendor ? VSSD_SKV_STORE_UPDATE_ONLY :
			    VSSD_KV_STORE_ONLY_IF_EXISTS) << 8;
	if (bits & 0x20)
		cdw[11] |= (vendor ? VSSD_SKV_STORE_IDEMPOTENT :
			    VSSD_KV_STORE_ONLY_IF_ABSENT) << 8;
	/* Vendor lengths in words: the host transfers the value padded to 4. */
	cdw[10] = vendor ? (value_len + 3) / 4 : value_len;
	buf_len = vendor ? (value_len + 3) / 4 * 4 : value_len;
	for (i = 0; i < VSSD_KV_SQE_DWORDS; i++)
		sqe[i] = cpu_to_le32(cdw[i]);

	FUZZ_ASSERT(!vssd_kv_decode_key(sqe, false, &key));
	FUZZ_ASSERT(key.len == klen && !memcmp(key.bytes, raw, sizeof(raw)));
	FUZZ_ASSERT(vssd_kv_decode_len(sqe, buf_len) ==
		    (vendor && !value_len && !(op & 1) ? buf_len :
		     vendor ? (value_len + 3) / 4 * 4 : value_len));
	FUZZ_ASSERT(!vssd_kv_decode_store_options(sqe, &exist, &absent) ==
		    !((bits & 0x10) && (bits & 0x20)));
	FUZZ_ASSERT(exist == !!(bits & 0x10) && absent == !!(bits & 0x20));
}

int vssd_fuzz_one(const u8 *data, size_t size)
{
	struct fuzz_input in;

	fuzz_input_init(&in, data, size);
	if (fuzz_u8(&in) & 1)
		fuzz_roundtrip(&in);
	else
		fuzz_raw(&in);
	return 0;
}
