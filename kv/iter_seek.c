// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: heads of the keys an iterator selects (see iter_seek.h).
 */
#include "iter_seek.h"

u32 vssd_kv_head_order(const u8 *key, u32 len)
{
	u32 head = 0, i;

	for (i = 0; i < 4; i++)
		head = head << 8 | (i < len ? key[i] : 0);
	return head;
}

u32 vssd_kv_head_swap(u32 le)
{
	return (le & 0xff) << 24 | (le & 0xff00) << 8 | (le >> 8 & 0xff00) | le >> 24;
}

/* Bits 0..@bit of a 32-bit word. */
static u32 vssd_kv_low_bits(u32 bit)
{
	return bit >= 31 ? 0xffffffffU : (2U << bit) - 1;
}

static u32 vssd_kv_top_bit(u32 x)
{
	u32 bit = 31;

	while (!(x & (1U << bit)))
		bit--;
	return bit;
}

bool vssd_kv_next_head(u32 head, u32 want, u32 mask, u32 *next)
{
	u32 t, diff, bit, j;

	want &= mask;
	if (head == 0xffffffffU)
		return false;
	t = head + 1;
	diff = (t ^ want) & mask;
	if (!diff) {
		*next = t;
		return true;
	}
	bit = vssd_kv_top_bit(diff);
	if (want & (1U << bit)) {
		/*
		 * t has a 0 where a 1 is wanted: set it, keep what is above,
		 * the lowest matching value below.
		 */
		*next = (t & ~vssd_kv_low_bits(bit)) | (1U << bit) |
			(want & vssd_kv_low_bits(bit) & ~(1U << bit));
		return true;
	}
	/*
	 * t has a 1 where a 0 is wanted: carry into the lowest free bit
	 * above it that is 0 (the free bits between are all 1), then the
	 * lowest matching value below.
	 */
	for (j = bit + 1; j < 32; j++) {
		if (!(mask & (1U << j)) && !(t & (1U << j))) {
			*next = (t & ~vssd_kv_low_bits(j)) | (1U << j) |
				(want & (vssd_kv_low_bits(j) >> 1));
			return true;
		}
	}
	return false;
}

u32 vssd_kv_head_key(u32 head, u8 *bytes)
{
	u32 len = 4, i;

	for (i = 0; i < 4; i++)
		bytes[i] = head >> (24 - 8 * i);
	while (len && !bytes[len - 1])
		len--;
	return len;
}
