/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the RAM a KV record takes, as charged against its namespace's
 * capacity (size_mb).  The emulator keeps every value in RAM, so the
 * capacity a host sees is the RAM its records hold: the index entry, the
 * value's storage (a small value packed into one slab object with its
 * header, a larger one in whole pages plus its page array) and, once per
 * namespace, the index's hash buckets.  Slab objects are charged at the
 * power of two at or above their size, which is never below the size of
 * the kmalloc cache that serves them.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit and the model check
 * (selftests/kv_model.c) use the same formula.
 */
#ifndef VSSD_KV_MEM_H
#define VSSD_KV_MEM_H

#include <vssd/pure.h>

#define VSSD_KV_ENTRY_BYTES	128	/* an index entry, key included */
#define VSSD_KV_VALUE_HDR	16	/* a value's header, before its bytes or pages */
#define VSSD_KV_PACK_MAX	2048	/* header + bytes up to this: one slab object */

bool vssd_kv_value_packed(u32 len);
u64 vssd_kv_slab_bytes(u64 size);
u64 vssd_kv_value_bytes(u32 len, u32 page_size);
u64 vssd_kv_mem_charge(u32 len, u32 page_size);
u32 vssd_kv_hash_bits(u64 capacity, u32 max_keys, u32 page_size);
u64 vssd_kv_buckets_bytes(u32 hash_bits);

#endif /* VSSD_KV_MEM_H */
