// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: RAM charged for KV records (see mem.h).
 */
#include "mem.h"

#define VSSD_KV_MIN_HASH_BITS	6
#define VSSD_KV_MAX_HASH_BITS	24

/* A value of @len bytes lives in one slab object with its header. */
bool vssd_kv_value_packed(u32 len)
{
	return (u64)VSSD_KV_VALUE_HDR + len <= VSSD_KV_PACK_MAX;
}

/* The power of two at or above @size, at least 8: a bound on kmalloc's cache. */
u64 vssd_kv_slab_bytes(u64 size)
{
	u64 bytes = 8;

	while (bytes < size)
		bytes <<= 1;
	return bytes;
}

/* The storage of a value of @len bytes: packed, or pages and their array. */
u64 vssd_kv_value_bytes(u32 len, u32 page_size)
{
	u64 pages = vssd_div64((u64)len + page_size - 1, page_size);

	if (vssd_kv_value_packed(len))
		return vssd_kv_slab_bytes((u64)VSSD_KV_VALUE_HDR + len);
	return vssd_kv_slab_bytes(VSSD_KV_VALUE_HDR + pages * sizeof(u64)) + pages * page_size;
}

/* What one key with a value of @len bytes is charged. */
u64 vssd_kv_mem_charge(u32 len, u32 page_size)
{
	return VSSD_KV_ENTRY_BYTES + vssd_kv_value_bytes(len, page_size);
}

/*
 * Hash buckets for the keys that can exist: kv_max_keys, or as many
 * one-byte values as the capacity holds if fewer; two keys per bucket.
 */
u32 vssd_kv_hash_bits(u64 capacity, u32 max_keys, u32 page_size)
{
	u64 keys = vssd_div64(capacity, vssd_kv_mem_charge(1, page_size));
	u32 bits = VSSD_KV_MIN_HASH_BITS;

	if (keys > max_keys)
		keys = max_keys;
	while (bits < VSSD_KV_MAX_HASH_BITS && (1ULL << bits) * 2 < keys)
		bits++;
	return bits;
}

u64 vssd_kv_buckets_bytes(u32 hash_bits)
{
	return sizeof(void *) << hash_bits;
}
