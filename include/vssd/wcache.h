/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the volatile write cache of a block namespace, as an undo log for
 * power-loss emulation.
 *
 * The store (include/vssd/store.h) takes a write's data at once, so what a
 * real cache would still hold is already in RAM.  This file remembers, for
 * every atomic unit whose newest write is not durable yet, which slot holds
 * the unit's content from before that write; a power loss decides unit by
 * unit whether the new content survived or the old one comes back.  The
 * unit's content itself is the caller's: a slot is an index into an array
 * the caller keeps, of @cap entries, each the size of one unit (so the
 * memory the undo data takes is bounded by the cache size).
 *
 * The atomic unit is the caller's choice, a u64 index: the block
 * namespaces use the logical block (drivers/vssd/fault/powerloss.c).
 *
 * Who calls what, in the order the writes change the data (the order a
 * Flush refers to):
 *
 *   vssd_wcache_write()    a write of one unit that is not durable when it
 *                          completes: Write, Write Zeroes, Dataset
 *                          Management deallocate, Copy's destination, with
 *                          the volatile write cache on and without FUA.  It
 *                          returns the slot to keep the unit's present
 *                          content in (never written and deallocated are
 *                          contents too), before the write changes it, or
 *                          VSSD_WCACHE_NO_SLOT when the unit's content from
 *                          before its first write since it was durable is
 *                          kept already.
 *   vssd_wcache_write_durable()  a write of one unit that is durable when it
 *                          completes: FUA, or the write cache is off.  The
 *                          unit's undo entry, if any, is forgotten: an older
 *                          unflushed write of it can no longer be undone.
 *   vssd_wcache_flush()    Flush (and Format): everything written before is
 *                          durable; the cache is empty.
 *   vssd_wcache_power_loss()  the power fails: every unit in the cache is
 *                          decided by the cut's rule, @restore is called for
 *                          each that loses its new content, and the cache is
 *                          empty.
 *
 * The cache holds at most @cap units, in the order of each unit's latest
 * write (a write of a unit that is in the cache already moves it to the
 * end).  A write of a unit that is not in the cache while the cache is full
 * first writes back the unit at the front, as a real cache would: that unit
 * becomes durable, counted in stats.drained, and its slot is the one
 * returned.
 *
 * The rules of a power loss (struct vssd_wcache_cut), each deterministic in
 * the seed and the cache's content:
 *
 *   VSSD_WCACHE_LOSE_ALL  every unit in the cache gets its old content back.
 *   VSSD_WCACHE_RANDOM    each unit on its own: unit u keeps its new content
 *                         when vssd_wcache_mix(seed ^ vssd_wcache_mix(u)) mod
 *                         1000 < keep_permille, else gets its old content
 *                         back.  A unit's fate depends only on the seed and
 *                         its index, not on what else is in the cache.
 *   VSSD_WCACHE_PREFIX    the cache drains in its order up to a random
 *                         point: with n units in the cache and
 *                         k = vssd_wcache_mix(seed) mod (n + 1), the first k
 *                         keep their new content, the other n - k get their
 *                         old content back.
 *
 * Not locked: the caller serialises every call (the block namespaces under
 * their ns->pl.lock).  Init and destroy may sleep, nothing else does.  Pure
 * code (see include/vssd/pure.h): selftests/unit runs it in userspace.
 */
#ifndef VSSD_WCACHE_H
#define VSSD_WCACHE_H

#include <vssd/pure.h>

#define VSSD_WCACHE_NO_SLOT	0xffffffffU
#define VSSD_WCACHE_MAX_CAP	BIT(30)
#define VSSD_WCACHE_PERMILLE	1000

enum vssd_wcache_rule {
	VSSD_WCACHE_LOSE_ALL,
	VSSD_WCACHE_RANDOM,
	VSSD_WCACHE_PREFIX,
};

struct vssd_wcache_cut {
	enum vssd_wcache_rule rule;
	u32 keep_permille;	/* VSSD_WCACHE_RANDOM; above 1000 counts as 1000 */
	u64 seed;
};

/* Counts since init, units each. */
struct vssd_wcache_stats {
	u64 logged;		/* writes that took a slot */
	u64 coalesced;		/* writes of a unit already in the cache */
	u64 drained;		/* written back because the cache was full */
	u64 flushed;		/* made durable by a Flush */
	u64 superseded;		/* made durable by a durable write of the unit */
	u64 lost;		/* old content given back at a power loss */
	u64 survived;		/* new content kept through a power loss */
	u64 power_losses;
};

struct vssd_wcache_entry;

struct vssd_wcache {
	struct vssd_wcache_entry *entry;	/* [cap + 1], [cap] heads the order */
	u32 *bucket;		/* first entry of each hash chain */
	u32 bucket_mask;
	u32 cap;
	u32 nr;			/* units in the cache, at most cap */
	u32 free;		/* first unused entry */
	struct vssd_wcache_stats stats;
};

/* Room for @cap units (1 to VSSD_WCACHE_MAX_CAP).  0, -EINVAL or -ENOMEM. */
int vssd_wcache_init(struct vssd_wcache *wc, u32 cap);
void vssd_wcache_destroy(struct vssd_wcache *wc);

/* A slot below cap to fill with @unit's present content, or VSSD_WCACHE_NO_SLOT. */
u32 vssd_wcache_write(struct vssd_wcache *wc, u64 unit);
void vssd_wcache_write_durable(struct vssd_wcache *wc, u64 unit);
/* vssd_wcache_write_durable() of @n units from @first, in O(min(n, nr)). */
void vssd_wcache_write_durable_range(struct vssd_wcache *wc, u64 first, u64 n);
void vssd_wcache_flush(struct vssd_wcache *wc);
/* Every unit is written back to make room (counted as drained, not flushed). */
void vssd_wcache_drain(struct vssd_wcache *wc);

/*
 * Calls @restore(@priv, unit, slot) for every unit that gets its old content
 * back, in cache order, each unit at most once; @restore must not call into
 * @wc.  Returns how many.
 */
u32 vssd_wcache_power_loss(struct vssd_wcache *wc, const struct vssd_wcache_cut *cut,
			   void (*restore)(void *priv, u64 unit, u32 slot), void *priv);

/* 0 when the cache's lists agree with each other, else < 0; for the unit tests. */
int vssd_wcache_check(const struct vssd_wcache *wc);

/* True while @unit has a write that is not durable. */
bool vssd_wcache_dirty(const struct vssd_wcache *wc, u64 unit);

/* The rules' bit mixer (splitmix64's finaliser), for tools that replay them. */
u64 vssd_wcache_mix(u64 x);

#endif /* VSSD_WCACHE_H */
