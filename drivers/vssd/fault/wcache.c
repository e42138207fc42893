// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the volatile write cache as an undo log (see include/vssd/wcache.h).
 *
 * Entry i holds one unit; its slot is i, so a unit keeps its slot while it
 * stays in the cache.  The units in the cache form a doubly linked list in
 * the order of their latest write, through entry[cap] as its head; a hash
 * table of singly linked chains finds a unit's entry.  Unused entries are
 * chained through next.  Flush and power loss walk the units in the cache
 * only, not the whole table, so their cost is the number of dirty units.
 */
#include <vssd/wcache.h>

#define VSSD_WCACHE_NONE	0xffffffffU

struct vssd_wcache_entry {
	u64 unit;
	u32 prev;
	u32 next;
	u32 hnext;
};

u64 vssd_wcache_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u32 *vssd_wcache_chain(const struct vssd_wcache *wc, u64 unit)
{
	return &wc->bucket[vssd_wcache_mix(unit) & wc->bucket_mask];
}

int vssd_wcache_init(struct vssd_wcache *wc, u32 cap)
{
	u32 nr_buckets = 1, i;

	memset(wc, 0, sizeof(*wc));
	if (!cap || cap > VSSD_WCACHE_MAX_CAP)
		return -EINVAL;
	/* At least two buckets per unit: chains stay short. */
	while (nr_buckets < 2 * cap)
		nr_buckets <<= 1;
	wc->entry = vssd_pure_zalloc(sizeof(*wc->entry) * ((size_t)cap + 1));
	wc->bucket = vssd_pure_zalloc(sizeof(*wc->bucket) * (size_t)nr_buckets);
	if (!wc->entry || !wc->bucket) {
		vssd_wcache_destroy(wc);
		return -ENOMEM;
	}
	wc->cap = cap;
	wc->bucket_mask = nr_buckets - 1;
	for (i = 0; i < nr_buckets; i++)
		wc->bucket[i] = VSSD_WCACHE_NONE;
	for (i = 0; i < cap; i++)
		wc->entry[i].next = i + 1 < cap ? i + 1 : VSSD_WCACHE_NONE;
	wc->free = 0;
	wc->entry[cap].prev = cap;
	wc->entry[cap].next = cap;
	return 0;
}

void vssd_wcache_destroy(struct vssd_wcache *wc)
{
	vssd_pure_free(wc->entry);
	vssd_pure_free(wc->bucket);
	wc->entry = NULL;
	wc->bucket = NULL;
	wc->cap = 0;
	wc->nr = 0;
}

static u32 vssd_wcache_find(const struct vssd_wcache *wc, u64 unit)
{
	u32 i = *vssd_wcache_chain(wc, unit);

	while (i != VSSD_WCACHE_NONE && wc->entry[i].unit != unit)
		i = wc->entry[i].hnext;
	return i;
}

bool vssd_wcache_dirty(const struct vssd_wcache *wc, u64 unit)
{
	return wc->nr && vssd_wcache_find(wc, unit) != VSSD_WCACHE_NONE;
}

static void vssd_wcache_unlink(struct vssd_wcache *wc, u32 i)
{
	struct vssd_wcache_entry *e = wc->entry;

	e[e[i].prev].next = e[i].next;
	e[e[i].next].prev = e[i].prev;
}

/* @i goes last in the order, right before the head. */
static void vssd_wcache_link_last(struct vssd_wcache *wc, u32 i)
{
	struct vssd_wcache_entry *e = wc->entry;
	u32 head = wc->cap;

	e[i].prev = e[head].prev;
	e[i].next = head;
	e[e[head].prev].next = i;
	e[head].prev = i;
}

static void vssd_wcache_unhash(struct vssd_wcache *wc, u32 i)
{
	u32 *link = vssd_wcache_chain(wc, wc->entry[i].unit);

	while (*link != i)
		link = &wc->entry[*link].hnext;
	*link = wc->entry[i].hnext;
}

/* Takes @i out of the cache, unit and order; the entry stays unused. */
static void vssd_wcache_remove(struct vssd_wcache *wc, u32 i)
{
	vssd_wcache_unhash(wc, i);
	vssd_wcache_unlink(wc, i);
	wc->nr--;
}

u32 vssd_wcache_write(struct vssd_wcache *wc, u64 unit)
{
	u32 i = vssd_wcache_find(wc, unit);
	u32 *chain;

	if (i != VSSD_WCACHE_NONE) {
		/* Its old content is kept already; only its place moves. */
		vssd_wcache_unlink(wc, i);
		vssd_wcache_link_last(wc, i);
		wc->stats.coalesced++;
		return VSSD_WCACHE_NO_SLOT;
	}
	if (wc->nr == wc->cap) {
		/* Full: the front unit is written back and gives up its slot. */
		i = wc->entry[wc->cap].next;
		vssd_wcache_remove(wc, i);
		wc->stats.drained++;
	} else {
		i = wc->free;
		wc->free = wc->entry[i].next;
	}
	chain = vssd_wcache_chain(wc, unit);
	wc->entry[i].unit = unit;
	wc->entry[i].hnext = *chain;
	*chain = i;
	vssd_wcache_link_last(wc, i);
	wc->nr++;
	wc->stats.logged++;
	return i;
}

static void vssd_wcache_release(struct vssd_wcache *wc, u32 i)
{
	wc->entry[i].next = wc->free;
	wc->free = i;
}

void vssd_wcache_write_durable(struct vssd_wcache *wc, u64 unit)
{
	u32 i = vssd_wcache_find(wc, unit);

	if (i == VSSD_WCACHE_NONE)
		return;
	vssd_wcache_remove(wc, i);
	vssd_wcache_release(wc, i);
	wc->stats.superseded++;
}

/* Every unit leaves the cache: its chain emptied, its entry unused. */
static void vssd_wcache_empty(struct vssd_wcache *wc)
{
	u32 head = wc->cap, i = wc->entry[head].next;

	while (i != head) {
		u32 next = wc->entry[i].next;

		*vssd_wcache_chain(wc, wc->entry[i].unit) = VSSD_WCACHE_NONE;
		vssd_wcache_release(wc, i);
		i = next;
	}
	wc->entry[head].prev = head;
	wc->entry[head].next = head;
	wc->nr = 0;
}

void vssd_wcache_flush(struct vssd_wcache *wc)
{
	wc->stats.flushed += wc->nr;
	vssd_wcache_empty(wc);
}

void vssd_wcache_drain(struct vssd_wcache *wc)
{
	wc->stats.drained += wc->nr;
	vssd_wcache_empty(wc);
}

void vssd_wcache_write_durable_range(struct vssd_wcache *wc, u64 first, u64 n)
{
	u32 head = wc->cap, i, next;
	u64 u;

	if (n <= wc->nr) {
		for (u = 0; u < n; u++)
			vssd_wcache_write_durable(wc, first + u);
		return;
	}
	/* Fewer units cached than written: look at each cached one instead. */
	for (i = wc->entry[head].next; i != head; i = next) {
		next = wc->entry[i].next;
		if (wc->entry[i].unit - first < n) {
			vssd_wcache_remove(wc, i);
			vssd_wcache_release(wc, i);
			wc->stats.superseded++;
		}
	}
}

/* The @pos-th unit in cache order (from 0), @unit: does it keep its new content? */
static bool vssd_wcache_keeps(const struct vssd_wcache_cut *cut, u64 unit, u32 pos,
			      u32 prefix)
{
	switch (cut->rule) {
	case VSSD_WCACHE_RANDOM:
		return vssd_div64_rem(vssd_wcache_mix(cut->seed ^ vssd_wcache_mix(unit)),
				      VSSD_WCACHE_PERMILLE) < cut->keep_permille;
	case VSSD_WCACHE_PREFIX:
		return pos < prefix;
	case VSSD_WCACHE_LOSE_ALL:
	default:
		return false;
	}
}

u32 vssd_wcache_power_loss(struct vssd_wcache *wc, const struct vssd_wcache_cut *cut,
			   void (*restore)(void *priv, u64 unit, u32 slot), void *priv)
{
	u32 head = wc->cap, i, pos = 0, lost = 0, prefix;

	prefix = vssd_div64_rem(vssd_wcache_mix(cut->seed), (u64)wc->nr + 1);
	for (i = wc->entry[head].next; i != head; i = wc->entry[i].next, pos++) {
		if (vssd_wcache_keeps(cut, wc->entry[i].unit, pos, prefix))
			continue;
		restore(priv, wc->entry[i].unit, i);
		lost++;
	}
	wc->stats.power_losses++;
	wc->stats.lost += lost;
	wc->stats.survived += wc->nr - lost;
	vssd_wcache_empty(wc);
	return lost;
}

/*
 * Consistency of the order, the hash chains and the unused entries, every
 * walk bounded so that a broken link cannot loop; for the unit tests.
 */
int vssd_wcache_check(const struct vssd_wcache *wc)
{
	const struct vssd_wcache_entry *e = wc->entry;
	u32 head = wc->cap, i, j, n = 0, chained = 0;

	for (i = e[head].next; i != head; i = e[i].next) {
		if (i > head || e[e[i].prev].next != i || ++n > wc->nr)
			return -1;
		/* Each unit in the order is found through its chain. */
		for (j = *vssd_wcache_chain(wc, e[i].unit), chained = 0; j != i;
		     j = e[j].hnext)
			if (j >= head || ++chained > wc->nr)
				return -2;
	}
	if (n != wc->nr || e[head].prev > head || e[e[head].prev].next != head)
		return -1;
	chained = 0;
	for (i = 0; i <= wc->bucket_mask; i++)
		for (j = wc->bucket[i]; j != VSSD_WCACHE_NONE; j = e[j].hnext)
			if (j >= head || ++chained > wc->nr)
				return -3;
	if (chained != wc->nr)
		return -3;
	for (i = wc->free, n = 0; i != VSSD_WCACHE_NONE; i = e[i].next)
		if (i >= head || ++n > wc->cap - wc->nr)
			return -4;
	return n == wc->cap - wc->nr ? 0 : -4;
}
