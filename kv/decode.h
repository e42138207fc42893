/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the fields of a KV command, decoded from its submission queue entry.
 *
 * The NVMe KV Command Set and the Samsung vendor opcodes carry the same
 * things (a key, a length, options) in different dwords and units; these
 * functions turn either into one form before anything is looked up,
 * allocated or copied with it.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit and selftests/fuzz run
 * it in userspace.
 */
#ifndef VSSD_KV_DECODE_H
#define VSSD_KV_DECODE_H

#include <vssd/pure.h>
#include <vssd/kv_cmd.h>

#define VSSD_KV_SQE_DWORDS	16

struct vssd_kv_key {
	u8 len;
	u8 bytes[VSSD_KV_MAX_KEY];
};

/* Samsung opcodes are the vendor range 80h and up. */
static inline bool vssd_kv_opcode_vendor(u8 opcode)
{
	return opcode >= 0x80;
}

int vssd_kv_decode_key(const __le32 *sqe, bool may_be_empty,
		       struct vssd_kv_key *key);
u32 vssd_kv_decode_len(const __le32 *sqe, u32 buf_len);
int vssd_kv_decode_store_options(const __le32 *sqe, bool *must_exist,
				 bool *must_be_absent);
u32 vssd_kv_decode_iter_size(const __le32 *sqe, u32 buf_len, u32 max_bytes);

#endif /* VSSD_KV_DECODE_H */
