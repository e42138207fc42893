// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: decoding of KV commands of both families (see decode.h).  Every
 * dword is host input: lengths are capped by the data actually transferred
 * and a key is never longer than VSSD_KV_MAX_KEY.
 */
#include "decode.h"

static u32 vssd_kv_dw(const __le32 *sqe, int n)
{
	return le32_to_cpu(sqe[n]);
}

static u8 vssd_kv_sqe_opcode(const __le32 *sqe)
{
	return vssd_kv_dw(sqe, 0) & 0xff;
}

/*
 * The key: KV command set CDW2, CDW3, CDW14, CDW15 and a length in bytes;
 * Samsung CDW12..15 and the length - 1.  @may_be_empty: List starts from
 * the first key when given none.  Bytes past the length are zero, so keys
 * compare and hash by their length and bytes only.
 */
int vssd_kv_decode_key(const __le32 *sqe, bool may_be_empty,
		       struct vssd_kv_key *key)
{
	static const int standard[] = { 2, 3, 14, 15 }, vendor[] = { 12, 13, 14, 15 };
	bool is_vendor = vssd_kv_opcode_vendor(vssd_kv_sqe_opcode(sqe));
	const int *dws = is_vendor ? vendor : standard;
	u32 len = vssd_kv_dw(sqe, 11) & 0xff;
	u32 i, dw;

	if (is_vendor)
		len++;
	if ((!len && !may_be_empty) || len > VSSD_KV_MAX_KEY)
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	key->len = len;
	for (i = 0; i < len; i++) {
		dw = vssd_kv_dw(sqe, dws[i / 4]);
		key->bytes[i] = dw >> (8 * (i % 4));
	}
	return 0;
}

/*
 * Bytes a command moves: the KV command set gives them in bytes, the
 * Samsung opcodes in 4-byte words (scripts often pass bytes: either way the
 * data actually transferred, @buf_len, caps it).  0 in a Samsung read: the
 * whole transfer.
 */
u32 vssd_kv_decode_len(const __le32 *sqe, u32 buf_len)
{
	u8 opcode = vssd_kv_sqe_opcode(sqe);
	u64 len = vssd_kv_dw(sqe, 10);

	if (vssd_kv_opcode_vendor(opcode)) {
		len *= 4;
		if (!len && !(opcode & 1))
			len = buf_len;
	}
	return len < buf_len ? len : buf_len;
}

/* The store options of either family as "must exist" / "must be absent". */
int vssd_kv_decode_store_options(const __le32 *sqe, bool *must_exist,
				 bool *must_be_absent)
{
	u8 opt = vssd_kv_dw(sqe, 11) >> 8;

	if (vssd_kv_opcode_vendor(vssd_kv_sqe_opcode(sqe))) {
		*must_exist = opt & VSSD_SKV_STORE_UPDATE_ONLY;
		*must_be_absent = opt & VSSD_SKV_STORE_IDEMPOTENT;
	} else {
		*must_exist = opt & VSSD_KV_STORE_ONLY_IF_EXISTS;
		*must_be_absent = opt & VSSD_KV_STORE_ONLY_IF_ABSENT;
	}
	return *must_exist && *must_be_absent ? -EINVAL : 0;
}

/*
 * Bytes of Iterate Read data: the transfer, narrowed by CDW10 (4-byte
 * words; 0 means all of it) and by @max_bytes.
 */
u32 vssd_kv_decode_iter_size(const __le32 *sqe, u32 buf_len, u32 max_bytes)
{
	u64 words = vssd_kv_dw(sqe, 10);
	u32 size = buf_len;

	if (words && words * 4 < size)
		size = words * 4;
	return size < max_bytes ? size : max_bytes;
}
