// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/vssd/fault/wcache.c, the volatile write cache as
 * an undo log: Flush and durable (FUA) writes, overwrites of a unit kept as
 * one entry with its oldest content, write-back of the oldest unit when the
 * cache is full, each power-loss rule, and a model check: many random
 * sequences of writes, FUA writes, deallocations, Flushes, write cache
 * on/off and power losses, played on a small device (each unit's content is
 * a version number) that keeps its undo data in the slots the cache hands
 * out, and on a reference written here that keeps every version of every
 * unit.  After each power loss every unit must read exactly what the rule
 * says: durable data untouched, a unit that was not durable either its
 * newest version or its newest durable one, never anything else; and the
 * cache never holds more units than its capacity.
 */
// unit-sources: drivers/vssd/fault/wcache.c
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include <vssd/wcache.h>

#define MAX_UNITS	1024
#define UNIT_BITS	12		/* a content: seq << UNIT_BITS | unit */
#define ZEROED		0x8000000000000000ULL	/* the version is a deallocation */

/*
 * The device: each unit's present content, the undo data in the slots the
 * cache handed out, and what the last power loss restored.
 */
struct dev {
	struct vssd_wcache wc;
	u64 cur[MAX_UNITS];
	u64 *slot;
	u32 restored[MAX_UNITS];
	u32 nr_restored;
	u64 seq;
	bool bad_slot;		/* a restore named a slot beyond the capacity */
};

static u64 content(u64 seq, u32 unit, bool zeroed)
{
	return seq << UNIT_BITS | unit | (zeroed ? ZEROED : 0);
}

static int dev_init(struct dev *d, u32 cap)
{
	u32 u;

	memset(d, 0, sizeof(*d));
	for (u = 0; u < MAX_UNITS; u++)
		d->cur[u] = content(0, u, false);	/* never written */
	d->slot = calloc(cap, sizeof(*d->slot));
	return d->slot ? vssd_wcache_init(&d->wc, cap) : -ENOMEM;
}

static void dev_exit(struct dev *d)
{
	vssd_wcache_destroy(&d->wc);
	free(d->slot);
}

/* A write of @u; returns the new content.  The old one is saved first. */
static u64 dev_write(struct dev *d, u32 u, bool durable, bool zeroed)
{
	u64 v = content(++d->seq, u, zeroed);

	if (durable) {
		vssd_wcache_write_durable(&d->wc, u);
	} else {
		u32 s = vssd_wcache_write(&d->wc, u);

		if (s != VSSD_WCACHE_NO_SLOT) {
			if (s >= d->wc.cap)
				d->bad_slot = true;
			else
				d->slot[s] = d->cur[u];
		}
	}
	d->cur[u] = v;
	return v;
}

static void dev_restore(void *priv, u64 unit, u32 slot)
{
	struct dev *d = priv;

	if (slot >= d->wc.cap || unit >= MAX_UNITS) {
		d->bad_slot = true;
		return;
	}
	d->cur[unit] = d->slot[slot];
	d->restored[unit]++;
	d->nr_restored++;
}

static u32 dev_cut(struct dev *d, enum vssd_wcache_rule rule, u32 keep_permille, u64 seed)
{
	struct vssd_wcache_cut cut = { .rule = rule, .keep_permille = keep_permille, .seed = seed };
	u32 lost;

	memset(d->restored, 0, sizeof(d->restored));
	d->nr_restored = 0;
	lost = vssd_wcache_power_loss(&d->wc, &cut, dev_restore, d);
	return lost == d->nr_restored ? lost : ~0U;
}

static u64 next_rand(u64 *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return *state >> 33;
}

UNIT_TEST(init_checked)
{
	struct vssd_wcache wc;

	EXPECT_EQ(vssd_wcache_init(&wc, 0), -EINVAL);
	vssd_wcache_destroy(&wc);
	EXPECT_EQ(vssd_wcache_init(&wc, VSSD_WCACHE_MAX_CAP + 1), -EINVAL);
	vssd_wcache_destroy(&wc);
	EXPECT_EQ(vssd_wcache_init(&wc, 1), 0);
	EXPECT_EQ(wc.cap, 1);
	EXPECT_EQ(wc.nr, 0);
	EXPECT(!vssd_wcache_dirty(&wc, 0));
	vssd_wcache_destroy(&wc);
	vssd_wcache_destroy(&wc);	/* twice: nothing left to free */
	EXPECT(!vssd_wcache_dirty(&wc, 0));
}

static void collect(void *priv, u64 unit, u32 slot)
{
	u64 *units = priv;

	units[slot] = unit;
}

/* A unit is any u64: the restore names it back exactly. */
UNIT_TEST(any_unit_number)
{
	static const u64 units[] = { ~0ULL, 1ULL << 40, 0, 0x123456789abcdefULL };
	u64 got[ARRAY_SIZE(units)], slot_of[ARRAY_SIZE(units)];
	struct vssd_wcache_cut cut = { .rule = VSSD_WCACHE_LOSE_ALL };
	struct vssd_wcache wc;
	unsigned int i;

	EXPECT_EQ(vssd_wcache_init(&wc, ARRAY_SIZE(units)), 0);
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		slot_of[i] = vssd_wcache_write(&wc, units[i]);
		EXPECT(slot_of[i] < ARRAY_SIZE(units));
	}
	for (i = 0; i < ARRAY_SIZE(units); i++)
		EXPECT(vssd_wcache_dirty(&wc, units[i]));
	EXPECT(!vssd_wcache_dirty(&wc, 1));
	EXPECT_EQ(vssd_wcache_power_loss(&wc, &cut, collect, got), ARRAY_SIZE(units));
	for (i = 0; i < ARRAY_SIZE(units); i++)
		EXPECT(slot_of[i] < ARRAY_SIZE(units) && got[slot_of[i]] == units[i]);
	EXPECT_EQ(vssd_wcache_check(&wc), 0);
	vssd_wcache_destroy(&wc);
}

/* Before a Flush everything can be lost, after it nothing. */
UNIT_TEST(flush_makes_durable)
{
	struct dev d;
	u64 a1, b1, a2;

	EXPECT_EQ(dev_init(&d, 16), 0);
	a1 = dev_write(&d, 1, false, false);
	b1 = dev_write(&d, 2, false, false);
	EXPECT(vssd_wcache_dirty(&d.wc, 1) && vssd_wcache_dirty(&d.wc, 2));
	vssd_wcache_flush(&d.wc);
	EXPECT_EQ(d.wc.nr, 0);
	EXPECT_EQ(d.wc.stats.flushed, 2);
	EXPECT(!vssd_wcache_dirty(&d.wc, 1));
	a2 = dev_write(&d, 1, false, false);
	dev_write(&d, 3, false, false);
	EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_LOSE_ALL, 0, 1), 2);
	EXPECT_EQ(d.cur[1], a1);	/* back to the flushed version */
	EXPECT_EQ(d.cur[2], b1);	/* flushed, untouched */
	EXPECT_EQ(d.cur[3], content(0, 3, false));	/* never written again */
	EXPECT(a2 != a1);
	EXPECT_EQ(d.wc.nr, 0);
	/* An empty cache: a power loss changes nothing. */
	EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_LOSE_ALL, 0, 1), 0);
	EXPECT_EQ(d.wc.stats.power_losses, 2);
	EXPECT_EQ(d.wc.stats.lost, 2);
	EXPECT(!d.bad_slot);
	dev_exit(&d);
}

/* A durable write is never undone, even over an older unflushed write. */
UNIT_TEST(fua_not_undone)
{
	struct dev d;
	u64 f, g;

	EXPECT_EQ(dev_init(&d, 16), 0);
	dev_write(&d, 5, false, false);
	f = dev_write(&d, 5, true, false);
	EXPECT(!vssd_wcache_dirty(&d.wc, 5));
	EXPECT_EQ(d.wc.stats.superseded, 1);
	dev_write(&d, 6, false, false);
	g = dev_write(&d, 7, true, false);	/* not in the cache: nothing to forget */
	EXPECT_EQ(d.wc.stats.superseded, 1);
	EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_LOSE_ALL, 0, 9), 1);
	EXPECT_EQ(d.cur[5], f);
	EXPECT_EQ(d.cur[6], content(0, 6, false));
	EXPECT_EQ(d.cur[7], g);
	/* A write after a FUA write goes back to the FUA version. */
	dev_write(&d, 5, false, false);
	dev_write(&d, 5, false, true);
	EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_LOSE_ALL, 0, 9), 1);
	EXPECT_EQ(d.cur[5], f);
	EXPECT(!d.bad_slot);
	dev_exit(&d);
}

/*
 * A durable range forgets exactly the cached units inside it, whether it
 * is shorter than the cache (unit by unit) or longer (a walk of the
 * cache); drain empties it as written back.
 */
UNIT_TEST(durable_range_and_drain)
{
	struct vssd_wcache wc;
	u64 u;

	EXPECT_EQ(vssd_wcache_init(&wc, 8), 0);
	for (u = 10; u < 18; u++)
		vssd_wcache_write(&wc, u);
	vssd_wcache_write_durable_range(&wc, 12, 3);	/* 3 <= 8 cached */
	EXPECT_EQ(wc.nr, 5);
	EXPECT(!vssd_wcache_dirty(&wc, 12) && !vssd_wcache_dirty(&wc, 14));
	EXPECT(vssd_wcache_dirty(&wc, 11) && vssd_wcache_dirty(&wc, 15));
	vssd_wcache_write_durable_range(&wc, 0, 16);	/* 16 > 5 cached: a walk */
	EXPECT_EQ(wc.nr, 2);
	EXPECT(vssd_wcache_dirty(&wc, 16) && vssd_wcache_dirty(&wc, 17));
	EXPECT_EQ(wc.stats.superseded, 6);
	vssd_wcache_write_durable_range(&wc, 17, ~0ULL - 17);	/* to the end of u64 */
	EXPECT_EQ(wc.nr, 1);
	EXPECT_EQ(vssd_wcache_check(&wc), 0);
	vssd_wcache_drain(&wc);
	EXPECT_EQ(wc.nr, 0);
	EXPECT_EQ(wc.stats.drained, 1);
	EXPECT_EQ(vssd_wcache_check(&wc), 0);
	vssd_wcache_destroy(&wc);
}

/* Overwrites between durable points: one entry, the oldest content. */
UNIT_TEST(overwrite_chain)
{
	struct dev d;
	u64 v1;
	u32 s;

	EXPECT_EQ(dev_init(&d, 4), 0);
	v1 = dev_write(&d, 3, true, false);
	s = vssd_wcache_write(&d.wc, 3);
	EXPECT(s < 4);
	d.slot[s] = d.cur[3];
	d.cur[3] = content(++d.seq, 3, false);
	EXPECT_EQ(vssd_wcache_write(&d.wc, 3), VSSD_WCACHE_NO_SLOT);
	dev_write(&d, 3, false, true);
	dev_write(&d, 3, false, false);
	EXPECT_EQ(d.wc.nr, 1);
	EXPECT_EQ(d.wc.stats.logged, 1);
	EXPECT_EQ(d.wc.stats.coalesced, 3);
	EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_LOSE_ALL, 0, 0), 1);
	EXPECT_EQ(d.cur[3], v1);
	EXPECT_EQ(d.restored[3], 1);
	dev_exit(&d);
}

/*
 * A full cache writes back the unit whose latest write is oldest; that
 * unit's slot serves the new one.  A rewrite moves a unit to the end.
 */
UNIT_TEST(capacity_drain)
{
	struct dev d;
	u64 a, c;
	u32 sa, sd;

	EXPECT_EQ(dev_init(&d, 3), 0);
	sa = vssd_wcache_write(&d.wc, 10);
	d.slot[sa] = d.cur[10];
	a = content(++d.seq, 10, false);
	d.cur[10] = a;
	dev_write(&d, 11, false, false);
	dev_write(&d, 12, false, false);
	EXPECT_EQ(d.wc.stats.drained, 0);
	sd = vssd_wcache_write(&d.wc, 13);	/* full: 10 is written back */
	d.slot[sd] = d.cur[13];
	d.cur[13] = content(++d.seq, 13, false);
	EXPECT_EQ(sd, sa);
	EXPECT_EQ(d.wc.stats.drained, 1);
	EXPECT_EQ(d.wc.nr, 3);
	EXPECT(!vssd_wcache_dirty(&d.wc, 10));
	dev_write(&d, 11, false, false);	/* 11 moves behind 12 and 13 */
	c = d.cur[12];
	dev_write(&d, 14, false, false);	/* so 12 is written back, not 11 */
	EXPECT_EQ(d.wc.stats.drained, 2);
	EXPECT(!vssd_wcache_dirty(&d.wc, 12));
	EXPECT(vssd_wcache_dirty(&d.wc, 11));
	EXPECT_EQ(vssd_wcache_check(&d.wc), 0);
	EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_LOSE_ALL, 0, 0), 3);
	EXPECT_EQ(vssd_wcache_check(&d.wc), 0);
	EXPECT_EQ(d.cur[10], a);
	EXPECT_EQ(d.cur[12], c);
	EXPECT_EQ(d.cur[11], content(0, 11, false));
	EXPECT_EQ(d.cur[13], content(0, 13, false));
	EXPECT_EQ(d.cur[14], content(0, 14, false));
	EXPECT(!d.bad_slot);
	dev_exit(&d);
}

/* Deallocate and Write Zeroes are writes: a lost one brings the data back. */
UNIT_TEST(deallocate_is_a_write)
{
	struct dev d;
	u64 v;

	EXPECT_EQ(dev_init(&d, 8), 0);
	v = dev_write(&d, 0, false, false);
	vssd_wcache_flush(&d.wc);
	dev_write(&d, 0, false, true);
	dev_write(&d, 1, false, true);	/* never written, now zeroed */
	EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_LOSE_ALL, 0, 3), 2);
	EXPECT_EQ(d.cur[0], v);
	EXPECT_EQ(d.cur[1], content(0, 1, false));
	dev_exit(&d);
}

/* The documented RANDOM rule, recomputed here from the header's formula. */
static bool random_keeps(u64 seed, u32 permille, u64 unit)
{
	return vssd_wcache_mix(seed ^ vssd_wcache_mix(unit)) % 1000 < permille;
}

UNIT_TEST(rule_random)
{
	static const u32 permille[] = { 0, 1, 250, 500, 999, 1000, 5000 };
	struct dev d;
	unsigned int i;
	u32 u, lost;

	EXPECT_EQ(dev_init(&d, MAX_UNITS), 0);
	for (i = 0; i < ARRAY_SIZE(permille); i++) {
		u32 expect_lost = 0;

		for (u = 0; u < MAX_UNITS; u++) {
			dev_write(&d, u, false, false);
			expect_lost += !random_keeps(77 + i, permille[i], u);
		}
		lost = dev_cut(&d, VSSD_WCACHE_RANDOM, permille[i], 77 + i);
		EXPECT_EQ(lost, expect_lost);
		for (u = 0; u < MAX_UNITS; u++)
			EXPECT_EQ(d.restored[u], !random_keeps(77 + i, permille[i], u));
		if (permille[i] == 0)
			EXPECT_EQ(lost, MAX_UNITS);
		if (permille[i] >= 1000)
			EXPECT_EQ(lost, 0);
		if (permille[i] == 500)
			EXPECT(lost > MAX_UNITS * 45 / 100 && lost < MAX_UNITS * 55 / 100);
	}
	/* A unit's fate depends on the seed and the unit only. */
	for (u = 0; u < 64; u++)
		dev_write(&d, u, false, false);
	dev_cut(&d, VSSD_WCACHE_RANDOM, 500, 4242);
	for (u = 0; u < 64; u++)
		EXPECT_EQ(d.restored[u], !random_keeps(4242, 500, u));
	for (u = MAX_UNITS - 1; u < MAX_UNITS; u--)	/* other units, other order */
		dev_write(&d, u, false, false);
	dev_cut(&d, VSSD_WCACHE_RANDOM, 500, 4242);
	for (u = 0; u < 64; u++)
		EXPECT_EQ(d.restored[u], !random_keeps(4242, 500, u));
	EXPECT(!d.bad_slot);
	dev_exit(&d);
}

/*
 * PREFIX: the units that keep their new content come first in cache order
 * (latest write order), and the cut point takes every value from 0 to n.
 */
UNIT_TEST(rule_prefix)
{
	static const u32 order[] = { 7, 3, 9, 1, 4, 8 };	/* after the rewrites */
	bool seen[ARRAY_SIZE(order) + 1] = { false };
	struct dev d;
	u64 seed;
	u32 i;

	EXPECT_EQ(dev_init(&d, 16), 0);
	for (seed = 0; seed < 200; seed++) {
		u32 n = ARRAY_SIZE(order), k;

		dev_write(&d, 1, false, false);
		dev_write(&d, 7, false, false);
		dev_write(&d, 3, false, false);
		dev_write(&d, 9, false, false);
		dev_write(&d, 1, false, false);		/* 1 moves to the end */
		dev_write(&d, 4, false, true);
		dev_write(&d, 8, false, false);
		k = vssd_wcache_mix(seed) % (n + 1);
		EXPECT_EQ(dev_cut(&d, VSSD_WCACHE_PREFIX, 0, seed), n - k);
		for (i = 0; i < n; i++)
			EXPECT_EQ(d.restored[order[i]], i >= k);
		seen[k] = true;
	}
	for (i = 0; i < ARRAY_SIZE(seen); i++)
		EXPECT(seen[i]);
	dev_exit(&d);
}

/* A power loss replays: the same operations and seed give the same device. */
UNIT_TEST(deterministic)
{
	static const enum vssd_wcache_rule rules[] = {
		VSSD_WCACHE_LOSE_ALL, VSSD_WCACHE_RANDOM, VSSD_WCACHE_PREFIX,
	};
	static u64 first[MAX_UNITS];
	unsigned int r, run, step;

	for (r = 0; r < ARRAY_SIZE(rules); r++) {
		for (run = 0; run < 2; run++) {
			struct dev d;
			u64 rng = 99 + r;

			EXPECT_EQ(dev_init(&d, 32), 0);
			for (step = 0; step < 500; step++) {
				u32 u = next_rand(&rng) % 100;

				if (next_rand(&rng) % 50 == 0)
					vssd_wcache_flush(&d.wc);
				else
					dev_write(&d, u, next_rand(&rng) % 10 == 0, false);
			}
			dev_cut(&d, rules[r], 300, 31337);
			if (run == 0)
				memcpy(first, d.cur, sizeof(first));
			else
				EXPECT(!memcmp(first, d.cur, sizeof(first)));
			dev_exit(&d);
		}
	}
}

/*
 * The reference: every version ever written, each unit's newest, and which
 * versions are durable (FUA, written before the last Flush or power loss,
 * or written back because the cache was full).  It applies the cache's
 * policy in the plainest way: the dirty units are those whose newest
 * version is not durable; when there are more than the capacity, the one
 * with the oldest newest version is written back.
 */
struct ref_version {
	u64 content;
	u64 seq;
	u32 prev;		/* the unit's previous version, or NONE */
	bool durable;
};

#define NONE		0xffffffffU
#define MAX_VERSIONS	65536

struct ref {
	struct ref_version *v;
	u32 nr_v;
	u32 newest[MAX_UNITS];
	u64 flush_seq;		/* versions up to this seq are durable */
	u32 nr_units;
	u32 cap;
	u32 nr_dirty;
	u64 drained;
};

static bool ref_durable(const struct ref *r, u32 vi)
{
	return vi == NONE || r->v[vi].durable || r->v[vi].seq <= r->flush_seq;
}

static bool ref_dirty(const struct ref *r, u32 u)
{
	return !ref_durable(r, r->newest[u]);
}

/* The content a unit reads once its non-durable versions are gone. */
static u64 ref_durable_content(const struct ref *r, u32 u)
{
	u32 vi = r->newest[u];

	while (!ref_durable(r, vi))
		vi = r->v[vi].prev;
	return vi == NONE ? content(0, u, false) : r->v[vi].content;
}

static u64 ref_newest_content(const struct ref *r, u32 u)
{
	u32 vi = r->newest[u];

	return vi == NONE ? content(0, u, false) : r->v[vi].content;
}

static u64 ref_newest_seq(const struct ref *r, u32 u)
{
	return r->v[r->newest[u]].seq;
}

static void ref_write(struct ref *r, u32 u, u64 c, u64 seq, bool durable)
{
	struct ref_version *v = &r->v[r->nr_v];
	bool was_dirty = ref_dirty(r, u);

	v->content = c;
	v->seq = seq;
	v->prev = r->newest[u];
	v->durable = durable;
	r->newest[u] = r->nr_v++;
	r->nr_dirty += (int)!durable - (int)was_dirty;
	if (r->nr_dirty > r->cap) {
		u32 w, oldest = NONE;

		for (w = 0; w < r->nr_units; w++)
			if (ref_dirty(r, w) &&
			    (oldest == NONE || ref_newest_seq(r, w) < ref_newest_seq(r, oldest)))
				oldest = w;
		r->v[r->newest[oldest]].durable = true;
		r->nr_dirty--;
		r->drained++;
	}
}

/* The dirty units in cache order: by the seq of their newest version. */
static u32 ref_order(const struct ref *r, u32 *order)
{
	u32 u, n = 0, i;

	for (u = 0; u < r->nr_units; u++) {
		if (!ref_dirty(r, u))
			continue;
		for (i = n; i > 0 && ref_newest_seq(r, order[i - 1]) > ref_newest_seq(r, u); i--)
			order[i] = order[i - 1];
		order[i] = u;
		n++;
	}
	return n;
}

/*
 * After @d's power loss under @cut: every unit of @d against the rule, then
 * the reference forgets the lost versions.  False at the first mismatch.
 */
static bool ref_check_cut(struct ref *r, const struct dev *d, const struct vssd_wcache_cut *cut,
			  u64 seq)
{
	static u32 order[MAX_UNITS];
	static bool keeps[MAX_UNITS];
	u32 n = ref_order(r, order), i, u, k = vssd_wcache_mix(cut->seed) % (n + 1);
	bool ok = true;

	memset(keeps, 0, sizeof(keeps));
	for (i = 0; i < n; i++) {
		u = order[i];
		if (cut->rule == VSSD_WCACHE_RANDOM)
			keeps[u] = random_keeps(cut->seed, cut->keep_permille, u);
		else if (cut->rule == VSSD_WCACHE_PREFIX)
			keeps[u] = i < k;
	}
	for (u = 0; u < r->nr_units; u++) {
		bool dirty = ref_dirty(r, u);
		bool lost = dirty && !keeps[u];
		u64 want = lost ? ref_durable_content(r, u) : ref_newest_content(r, u);

		if (d->cur[u] != want || d->restored[u] != lost) {
			printf("#   unit %u: content %#llx restored %u, expected %#llx%s\n", u,
			       (unsigned long long)d->cur[u], d->restored[u],
			       (unsigned long long)want, dirty ? " (dirty)" : "");
			ok = false;
		}
	}
	/* The lost versions never happened; what is left is durable. */
	for (u = 0; u < r->nr_units; u++) {
		u32 vi = r->newest[u];

		if (!ref_dirty(r, u) || keeps[u])
			continue;
		while (!ref_durable(r, vi))
			vi = r->v[vi].prev;
		r->newest[u] = vi;
	}
	r->flush_seq = seq;
	r->nr_dirty = 0;
	return ok;
}

struct shape {
	u32 nr_units;
	u32 cap;
	u32 seeds;
};

/* One random sequence of @steps operations; false at the first disagreement. */
static bool model_run(u64 first_seed, const struct shape *sh, u32 steps,
		      struct vssd_wcache_stats *sum)
{
	static const char *const rule_name[] = { "lose-all", "random", "prefix" };
	struct ref r = { .nr_units = sh->nr_units, .cap = sh->cap };
	u64 rng = first_seed;
	bool ok = true, vwc = true;
	struct dev d;
	u32 step, u;

	r.v = calloc(MAX_VERSIONS, sizeof(*r.v));
	if (!r.v || dev_init(&d, sh->cap)) {
		free(r.v);
		return false;
	}
	for (u = 0; u < MAX_UNITS; u++)
		r.newest[u] = NONE;
	for (step = 0; step < steps && ok && r.nr_v + 64 < MAX_VERSIONS; step++) {
		u32 op = next_rand(&rng) % 100, n = 1 + next_rand(&rng) % 8;
		u32 first = next_rand(&rng) % sh->nr_units, i;

		if (op < 75) {
			/*
			 * Writes of n units: 0-44 Write, 45-54 Write FUA,
			 * 55-64 Write Zeroes or deallocate, 65-74 Write of
			 * a few hot units (overwrite chains).
			 */
			bool fua = (op >= 45 && op < 55) || !vwc;
			bool zeroed = op >= 55 && op < 65;

			if (op >= 65)
				first %= 4;
			for (i = 0; i < n && first + i < sh->nr_units; i++) {
				u64 c = dev_write(&d, first + i, fua, zeroed);

				ref_write(&r, first + i, c, d.seq, fua);
			}
		} else if (op < 85) {
			/* Read: the device shows the newest version. */
			if (d.cur[first] != ref_newest_content(&r, first)) {
				printf("#   read of unit %u\n", first);
				ok = false;
			}
		} else if (op < 93) {
			vssd_wcache_flush(&d.wc);
			r.flush_seq = d.seq;
			r.nr_dirty = 0;
		} else if (op < 95) {
			/* Set Features, Volatile Write Cache: off means durable. */
			vwc = !vwc;
			if (!vwc) {
				vssd_wcache_flush(&d.wc);	/* turning it off writes it back */
				r.flush_seq = d.seq;
				r.nr_dirty = 0;
			}
		} else {
			struct vssd_wcache_cut cut = {
				.rule = next_rand(&rng) % 3,
				.keep_permille = next_rand(&rng) % 1001,
				.seed = next_rand(&rng) << 31 ^ next_rand(&rng),
			};

			dev_cut(&d, cut.rule, cut.keep_permille, cut.seed);
			if (!ref_check_cut(&r, &d, &cut, d.seq)) {
				printf("#   power loss, rule %s\n", rule_name[cut.rule]);
				ok = false;
			}
		}
		if ((op >= 85 || step % 16 == 0) && vssd_wcache_check(&d.wc)) {
			printf("#   inconsistent cache: %d\n", vssd_wcache_check(&d.wc));
			ok = false;
		}
		if (d.wc.nr != r.nr_dirty || d.wc.nr > sh->cap || d.bad_slot ||
		    d.wc.stats.drained != r.drained ||
		    vssd_wcache_dirty(&d.wc, first) != ref_dirty(&r, first)) {
			printf("#   cache %u units (reference %u, cap %u), drained %llu (%llu)%s\n",
			       d.wc.nr, r.nr_dirty, sh->cap,
			       (unsigned long long)d.wc.stats.drained,
			       (unsigned long long)r.drained, d.bad_slot ? ", bad slot" : "");
			ok = false;
		}
		if (!ok)
			printf("#   seed %llu, %u units, capacity %u, step %u, op %u\n",
			       (unsigned long long)first_seed, sh->nr_units, sh->cap, step, op);
	}
	sum->power_losses += d.wc.stats.power_losses;
	sum->lost += d.wc.stats.lost;
	sum->survived += d.wc.stats.survived;
	sum->drained += d.wc.stats.drained;
	sum->coalesced += d.wc.stats.coalesced;
	sum->superseded += d.wc.stats.superseded;
	dev_exit(&d);
	free(r.v);
	return ok;
}

UNIT_TEST(model_check)
{
	static const struct shape shapes[] = {
		{ .nr_units = 8, .cap = 1, .seeds = 300 },
		{ .nr_units = 16, .cap = 4, .seeds = 300 },
		{ .nr_units = 64, .cap = 8, .seeds = 300 },
		{ .nr_units = 64, .cap = 64, .seeds = 200 },
		{ .nr_units = 64, .cap = 500, .seeds = 200 },	/* never full */
		{ .nr_units = 1000, .cap = 32, .seeds = 50 },
	};
	struct vssd_wcache_stats sum = { 0 };
	struct timespec t0, t1;
	unsigned int s, seed, runs = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (s = 0; s < ARRAY_SIZE(shapes); s++) {
		for (seed = 1; seed <= shapes[s].seeds; seed++, runs++) {
			bool ok = model_run(seed * 7919 + s, &shapes[s], 3000, &sum);

			EXPECT(ok);
			if (!ok)
				break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# model check: %u sequences of 3000 steps, %.1f s\n", runs,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("# %llu power losses: %llu units lost, %llu kept; %llu written back when full\n",
	       (unsigned long long)sum.power_losses, (unsigned long long)sum.lost,
	       (unsigned long long)sum.survived, (unsigned long long)sum.drained);
	printf("# %llu overwrites in the cache, %llu undo entries ended by FUA\n",
	       (unsigned long long)sum.coalesced, (unsigned long long)sum.superseded);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(init_checked),
		UNIT_CASE(any_unit_number),
		UNIT_CASE(flush_makes_durable),
		UNIT_CASE(fua_not_undone),
		UNIT_CASE(durable_range_and_drain),
		UNIT_CASE(overwrite_chain),
		UNIT_CASE(capacity_drain),
		UNIT_CASE(deallocate_is_a_write),
		UNIT_CASE(rule_random),
		UNIT_CASE(rule_prefix),
		UNIT_CASE(deterministic),
		UNIT_CASE(model_check),
	};

	/* A broken link can make a walk loop: SIGALRM then fails the test. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(300);
	return unit_run("wcache", cases, ARRAY_SIZE(cases));
}
