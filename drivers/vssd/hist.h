/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: a log-linear histogram of nanosecond values (lateness, overhead,
 * measured latency).
 * Eight buckets per power of two, so a percentile read back is within 12.5%
 * of the true value.  Pure code: selftests/unit compiles it in userspace.
 */
#ifndef VSSD_HIST_H
#define VSSD_HIST_H

#include <vssd/pure.h>

#define VSSD_HIST_SUB_BITS	3
#define VSSD_HIST_SUB		BIT(VSSD_HIST_SUB_BITS)
#define VSSD_HIST_BUCKETS	((64 - VSSD_HIST_SUB_BITS + 1) * VSSD_HIST_SUB)

struct vssd_hist {
	u64 count;
	u64 sum;
	u64 max;
	u64 buckets[VSSD_HIST_BUCKETS];
};

void vssd_hist_add(struct vssd_hist *h, u64 value);
void vssd_hist_merge(struct vssd_hist *into, const struct vssd_hist *from);
u64 vssd_hist_percentile(const struct vssd_hist *h, unsigned int percent);
unsigned int vssd_hist_bucket(u64 value);
u64 vssd_hist_bucket_high(unsigned int bucket);

#endif /* VSSD_HIST_H */
