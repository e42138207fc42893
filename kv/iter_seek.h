/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: where an iterator's next key can be.  A Samsung iterator selects
 * the keys whose head (first four bytes, zero-padded, little-endian) equals
 * a prefix under a bitmask.  In the index's order a key's head compares as
 * the big-endian number of the same bytes, and that order never disagrees
 * with the key order, so the matching heads above a given one can be
 * computed: Iterate Read seeks to the next of them instead of walking every
 * key between.
 *
 * Pure code (see include/vssd/pure.h): selftests/unit tests it.
 */
#ifndef VSSD_KV_ITER_SEEK_H
#define VSSD_KV_ITER_SEEK_H

#include <vssd/pure.h>

/* A key's head as a number in key order (big-endian, zero-padded). */
u32 vssd_kv_head_order(const u8 *key, u32 len);

/* The prefix or bitmask of Iterate Request (little-endian) in key order. */
u32 vssd_kv_head_swap(u32 le);

/*
 * The smallest head above @head whose bits under @mask equal @want's (all
 * in key order); false when there is none.
 */
bool vssd_kv_next_head(u32 head, u32 want, u32 mask, u32 *next);

/* The shortest key whose head is @head: its bytes, returns its length. */
u32 vssd_kv_head_key(u32 head, u8 *bytes);

#endif /* VSSD_KV_ITER_SEEK_H */
