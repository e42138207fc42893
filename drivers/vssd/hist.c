// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: log-linear histogram (see hist.h).  A value v >= 8 falls in the
 * bucket given by its highest set bit and the three bits below it.
 */
#include "hist.h"

unsigned int vssd_hist_bucket(u64 value)
{
	unsigned int top;

	if (value < VSSD_HIST_SUB)
		return value;
	top = 63 - __builtin_clzll(value);
	return (top - VSSD_HIST_SUB_BITS + 1) * VSSD_HIST_SUB +
	       ((value >> (top - VSSD_HIST_SUB_BITS)) & (VSSD_HIST_SUB - 1));
}

/* The largest value that lands in @bucket. */
u64 vssd_hist_bucket_high(unsigned int bucket)
{
	unsigned int top, sub;
	u64 low;

	if (bucket < VSSD_HIST_SUB)
		return bucket;
	top = bucket / VSSD_HIST_SUB + VSSD_HIST_SUB_BITS - 1;
	sub = bucket % VSSD_HIST_SUB;
	low = (u64)(VSSD_HIST_SUB + sub) << (top - VSSD_HIST_SUB_BITS);
	return low + ((u64)1 << (top - VSSD_HIST_SUB_BITS)) - 1;
}

void vssd_hist_add(struct vssd_hist *h, u64 value)
{
	h->count++;
	h->sum += value;
	if (value > h->max)
		h->max = value;
	h->buckets[vssd_hist_bucket(value)]++;
}

void vssd_hist_merge(struct vssd_hist *into, const struct vssd_hist *from)
{
	unsigned int i;

	into->count += from->count;
	into->sum += from->sum;
	if (from->max > into->max)
		into->max = from->max;
	for (i = 0; i < VSSD_HIST_BUCKETS; i++)
		into->buckets[i] += from->buckets[i];
}

/*
 * The upper edge of the bucket holding the value at @percent (1..100), never
 * above the exact maximum; 0 for an empty histogram.
 */
u64 vssd_hist_percentile(const struct vssd_hist *h, unsigned int percent)
{
	u64 rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = (h->count * percent + 99) / 100;
	if (!rank)
		rank = 1;
	for (i = 0; i < VSSD_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			u64 high = vssd_hist_bucket_high(i);

			return high < h->max ? high : h->max;
		}
	}
	return h->max;
}
