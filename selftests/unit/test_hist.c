// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/vssd/hist.c: bucket edges are contiguous, values
 * land in the bucket whose range holds them, percentiles are within one
 * bucket (12.5%) of the exact value and never above the maximum.
 */
// unit-sources: drivers/vssd/hist.c
#include <stdlib.h>

#include "unit.h"
#include "drivers/vssd/hist.h"

UNIT_TEST(buckets_are_contiguous)
{
	unsigned int b;

	for (b = 1; b < VSSD_HIST_BUCKETS; b++) {
		EXPECT(vssd_hist_bucket_high(b) > vssd_hist_bucket_high(b - 1));
		EXPECT_EQ(vssd_hist_bucket(vssd_hist_bucket_high(b - 1) + 1), b);
	}
	for (b = 0; b < VSSD_HIST_BUCKETS; b++)
		EXPECT_EQ(vssd_hist_bucket(vssd_hist_bucket_high(b)), b);
	EXPECT_EQ(vssd_hist_bucket(~0ULL), VSSD_HIST_BUCKETS - 1);
}

UNIT_TEST(value_in_its_bucket)
{
	unsigned long long v;

	for (v = 0; v < 100000; v += 7) {
		unsigned int b = vssd_hist_bucket(v);

		EXPECT(v <= vssd_hist_bucket_high(b));
		EXPECT(b == 0 || v > vssd_hist_bucket_high(b - 1));
	}
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

UNIT_TEST(percentiles_close_to_exact)
{
	static struct vssd_hist h;
	static u64 values[10000];
	unsigned int i, p;

	srand(42);
	for (i = 0; i < 10000; i++) {
		values[i] = 1000 + (u64)rand() % 1000000;
		vssd_hist_add(&h, values[i]);
	}
	qsort(values, 10000, sizeof(values[0]), cmp_u64);
	EXPECT_EQ(h.count, 10000);
	EXPECT_EQ(h.max, values[9999]);
	for (p = 1; p <= 100; p++) {
		u64 exact = values[(10000 * p + 99) / 100 - 1];
		u64 got = vssd_hist_percentile(&h, p);

		EXPECT(got >= exact);
		EXPECT(got <= exact + exact / 8 + 1);
		EXPECT(got <= h.max);
	}
}

UNIT_TEST(empty_and_merge)
{
	static struct vssd_hist a, b;

	EXPECT_EQ(vssd_hist_percentile(&a, 50), 0);
	vssd_hist_add(&a, 5);
	vssd_hist_add(&b, 500);
	vssd_hist_merge(&a, &b);
	EXPECT_EQ(a.count, 2);
	EXPECT_EQ(a.max, 500);
	EXPECT_EQ(vssd_hist_percentile(&a, 50), 5);
	EXPECT_EQ(vssd_hist_percentile(&a, 100), 500);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(buckets_are_contiguous),
		UNIT_CASE(value_in_its_bucket),
		UNIT_CASE(percentiles_close_to_exact),
		UNIT_CASE(empty_and_merge),
	};

	return unit_run("hist", cases, ARRAY_SIZE(cases));
}
