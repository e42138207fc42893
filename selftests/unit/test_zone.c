// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for zns/zone.c, the zone state machine of a zoned namespace:
 * the specification's transitions one by one, the open and active limits
 * with implicit close, select-all actions, Report Zones descriptors, and a
 * model check: long random sequences of writes, appends, reads, Zone
 * Management Send actions and zone failures, applied to zone.c and to a
 * small reference model written here from the specification, must agree
 * on every status, every returned LBA and every zone's state and pointer.
 */
// unit-sources: zns/zone.c
#include <stdlib.h>

#include "unit.h"
#include "zns/zone.h"

#define ZB	16	/* zone size, blocks */

static void setup(struct vssd_zoned *z, u32 zones, u64 cap, u32 max_open, u32 max_active,
		  int *unit_failed)
{
	struct vssd_zoned_config cfg = {
		.nr_blocks = (u64)zones * ZB, .zone_blocks = ZB, .cap_blocks = cap,
		.max_open = max_open, .max_active = max_active,
	};

	EXPECT_EQ(vssd_zoned_init(z, &cfg), 0);
}

static u16 wr(struct vssd_zoned *z, u64 slba, u64 nlb)
{
	u64 lba;

	return vssd_zone_write(z, slba, nlb, false, &lba);
}

static u16 act(struct vssd_zoned *z, u32 idx, u8 action)
{
	return vssd_zone_mgmt(z, (u64)idx * ZB, action, false, NULL, NULL);
}

UNIT_TEST(config_checked)
{
	struct vssd_zoned_config bad[] = {
		{ .nr_blocks = 64, .zone_blocks = 0, .cap_blocks = 1 },
		{ .nr_blocks = 64, .zone_blocks = 16, .cap_blocks = 0 },
		{ .nr_blocks = 64, .zone_blocks = 16, .cap_blocks = 17 },
		{ .nr_blocks = 60, .zone_blocks = 16, .cap_blocks = 16 },
		{ .nr_blocks = 64, .zone_blocks = 16, .cap_blocks = 16, .max_open = 5 },
		{ .nr_blocks = 64, .zone_blocks = 16, .cap_blocks = 16, .max_active = 5 },
	};
	struct vssd_zoned_config ok = {
		.nr_blocks = 64, .zone_blocks = 16, .cap_blocks = 12, .max_active = 2,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(vssd_zoned_check(&bad[i]), -EINVAL);
	EXPECT_EQ(vssd_zoned_check(&ok), 0);
	EXPECT_EQ(ok.max_open, 2);	/* no more open than active */
}

UNIT_TEST(write_pointer_rules)
{
	struct vssd_zoned z;
	u64 lba = 0;

	setup(&z, 4, 12, 0, 0, unit_failed);
	EXPECT_EQ(wr(&z, 0, 4), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_IOPEN);
	EXPECT_EQ(wr(&z, 0, 1), VSSD_ZSC_INVALID_WRITE);	/* behind the pointer */
	EXPECT_EQ(wr(&z, 5, 1), VSSD_ZSC_INVALID_WRITE);	/* ahead of it */
	EXPECT_EQ(wr(&z, 4, 9), VSSD_ZSC_BOUNDARY);		/* past the capacity */
	EXPECT_EQ(wr(&z, 4, 0), VSSD_ZSC_INVALID_FIELD);
	EXPECT_EQ(wr(&z, 64, 1), VSSD_ZSC_LBA_RANGE);
	EXPECT_EQ(wr(&z, 60, 8), VSSD_ZSC_LBA_RANGE);
	EXPECT_EQ(vssd_zone_write(&z, 4, 2, true, &lba), VSSD_ZSC_INVALID_FIELD);
	EXPECT_EQ(vssd_zone_write(&z, 0, 2, true, &lba), VSSD_ZSC_OK);
	EXPECT_EQ(lba, 4);
	EXPECT_EQ(wr(&z, 6, 6), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_FULL);
	EXPECT_EQ(z.nr_open, 0);
	EXPECT_EQ(z.nr_active, 0);
	EXPECT_EQ(wr(&z, 12, 1), VSSD_ZSC_FULL);
	EXPECT_EQ(vssd_zone_write(&z, 0, 1, true, &lba), VSSD_ZSC_FULL);
	/* Blocks between capacity and zone size are never writable. */
	EXPECT_EQ(wr(&z, 16, 13), VSSD_ZSC_BOUNDARY);
	EXPECT_EQ(vssd_zone_read(&z, 0, 64), VSSD_ZSC_OK);
	EXPECT_EQ(vssd_zone_read(&z, 63, 2), VSSD_ZSC_LBA_RANGE);
	vssd_zoned_destroy(&z);
}

UNIT_TEST(transitions)
{
	struct vssd_zoned z;

	setup(&z, 4, 16, 0, 0, unit_failed);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_CLOSE), VSSD_ZSC_INVALID_TRANSITION);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_RESET), VSSD_ZSC_OK);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_OPEN), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_EOPEN);
	EXPECT_EQ(wr(&z, 0, 3), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_EOPEN);	/* stays explicit */
	EXPECT_EQ(act(&z, 0, VSSD_ZA_CLOSE), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_CLOSED);
	EXPECT_EQ(wr(&z, 3, 1), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_IOPEN);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_FINISH), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_FULL);
	EXPECT_EQ(z.zone[0].wp, 16);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_OPEN), VSSD_ZSC_INVALID_TRANSITION);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_CLOSE), VSSD_ZSC_INVALID_TRANSITION);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_FINISH), VSSD_ZSC_OK);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_OFFLINE), VSSD_ZSC_INVALID_TRANSITION);
	EXPECT_EQ(act(&z, 0, VSSD_ZA_RESET), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_EMPTY);
	EXPECT_EQ(z.zone[0].wp, 0);
	EXPECT_EQ(z.resets, 1);
	EXPECT_EQ(z.finishes, 1);
	EXPECT_EQ(act(&z, 0, 0x10), VSSD_ZSC_INVALID_FIELD);	/* descriptor extension */
	EXPECT_EQ(vssd_zone_mgmt(&z, 3, VSSD_ZA_OPEN, false, NULL, NULL),
		  VSSD_ZSC_INVALID_FIELD);			/* not a zone start */
	EXPECT_EQ(vssd_zone_mgmt(&z, 64, VSSD_ZA_OPEN, false, NULL, NULL), VSSD_ZSC_LBA_RANGE);

	/* A failed zone: read-only until taken offline. */
	EXPECT_EQ(wr(&z, 16, 5), VSSD_ZSC_OK);
	EXPECT_EQ(vssd_zone_fail(&z, 1, VSSD_ZS_READ_ONLY), VSSD_ZSC_OK);
	EXPECT_EQ(z.nr_active, 0);
	EXPECT_EQ(wr(&z, 21, 1), VSSD_ZSC_READ_ONLY);
	EXPECT_EQ(vssd_zone_read(&z, 16, 5), VSSD_ZSC_OK);
	EXPECT_EQ(act(&z, 1, VSSD_ZA_RESET), VSSD_ZSC_INVALID_TRANSITION);
	EXPECT_EQ(act(&z, 1, VSSD_ZA_OFFLINE), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[1].state, VSSD_ZS_OFFLINE);
	EXPECT_EQ(vssd_zone_read(&z, 10, 10), VSSD_ZSC_OFFLINE);
	EXPECT_EQ(wr(&z, 16, 1), VSSD_ZSC_OFFLINE);
	EXPECT_EQ(act(&z, 1, VSSD_ZA_OPEN), VSSD_ZSC_INVALID_TRANSITION);
	vssd_zoned_destroy(&z);
}

UNIT_TEST(limits_and_implicit_close)
{
	struct vssd_zoned z;

	setup(&z, 8, 16, 2, 3, unit_failed);
	EXPECT_EQ(wr(&z, 0, 1), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 16, 1), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 1, 1), VSSD_ZSC_OK);		/* zone 1 now written least recently */
	EXPECT_EQ(wr(&z, 32, 1), VSSD_ZSC_OK);		/* closes zone 1 implicitly */
	EXPECT_EQ(z.zone[1].state, VSSD_ZS_CLOSED);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_IOPEN);
	EXPECT_EQ(z.implicit_closes, 1);
	EXPECT_EQ(z.nr_open, 2);
	EXPECT_EQ(z.nr_active, 3);
	EXPECT_EQ(wr(&z, 48, 1), VSSD_ZSC_TOO_MANY_ACTIVE);
	EXPECT_EQ(act(&z, 3, VSSD_ZA_OPEN), VSSD_ZSC_TOO_MANY_ACTIVE);
	EXPECT_EQ(act(&z, 3, VSSD_ZA_FINISH), VSSD_ZSC_TOO_MANY_ACTIVE);
	/* Two explicit opens take both open resources... */
	EXPECT_EQ(act(&z, 0, VSSD_ZA_OPEN), VSSD_ZSC_OK);
	EXPECT_EQ(act(&z, 1, VSSD_ZA_OPEN), VSSD_ZSC_OK);	/* closes zone 2 */
	EXPECT_EQ(z.zone[2].state, VSSD_ZS_CLOSED);
	/* ...and nothing can be closed implicitly any more. */
	EXPECT_EQ(wr(&z, 33, 1), VSSD_ZSC_TOO_MANY_OPEN);
	EXPECT_EQ(act(&z, 2, VSSD_ZA_OPEN), VSSD_ZSC_TOO_MANY_OPEN);
	EXPECT_EQ(z.zone[2].wp, 1);
	/* Full zones give their resources back. */
	EXPECT_EQ(wr(&z, 2, 14), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_FULL);
	EXPECT_EQ(wr(&z, 33, 1), VSSD_ZSC_OK);
	EXPECT_EQ(z.nr_open, 2);
	EXPECT_EQ(z.nr_active, 2);
	vssd_zoned_destroy(&z);
}

static void count_done(void *ctx, u32 idx, u64 old_wp)
{
	u64 *sum = ctx;

	sum[0]++;
	sum[1] += old_wp;
	sum[2] |= 1ULL << idx;
}

UNIT_TEST(select_all)
{
	struct vssd_zoned z;
	u64 sum[3] = { 0 };

	setup(&z, 8, 16, 3, 0, unit_failed);
	EXPECT_EQ(wr(&z, 0, 2), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 16, 3), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 32, 4), VSSD_ZSC_OK);
	EXPECT_EQ(vssd_zone_mgmt(&z, 0, VSSD_ZA_CLOSE, true, count_done, sum), VSSD_ZSC_OK);
	EXPECT_EQ(sum[0], 3);
	EXPECT_EQ(sum[1], 9);
	EXPECT_EQ(sum[2], 0x7);
	EXPECT_EQ(z.nr_open, 0);
	EXPECT_EQ(z.nr_active, 3);
	EXPECT_EQ(wr(&z, 48, 1), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 64, 1), VSSD_ZSC_OK);
	EXPECT_EQ(act(&z, 4, VSSD_ZA_OPEN), VSSD_ZSC_OK);	/* explicit, closes zone 3 */
	/* Three closed zones and two open slots short of explicit opens: refused, no change. */
	EXPECT_EQ(vssd_zone_mgmt(&z, 0, VSSD_ZA_OPEN, true, NULL, NULL), VSSD_ZSC_TOO_MANY_OPEN);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_CLOSED);
	EXPECT_EQ(z.zone[4].state, VSSD_ZS_EOPEN);
	EXPECT_EQ(act(&z, 4, VSSD_ZA_CLOSE), VSSD_ZSC_OK);
	EXPECT_EQ(vssd_zone_mgmt(&z, 0, VSSD_ZA_RESET, true, NULL, NULL), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 0, 1), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 16, 1), VSSD_ZSC_OK);
	EXPECT_EQ(act(&z, 1, VSSD_ZA_CLOSE), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 32, 1), VSSD_ZSC_OK);
	EXPECT_EQ(wr(&z, 48, 1), VSSD_ZSC_OK);
	/*
	 * Zone 1 closed, zones 0, 2, 3 implicitly open: opening zone 1
	 * closes zone 0, which is not reopened.
	 */
	EXPECT_EQ(vssd_zone_mgmt(&z, 0, VSSD_ZA_OPEN, true, NULL, NULL), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[1].state, VSSD_ZS_EOPEN);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_CLOSED);
	EXPECT_EQ(vssd_zone_mgmt(&z, 0, VSSD_ZA_FINISH, true, NULL, NULL), VSSD_ZSC_OK);
	EXPECT_EQ(z.zone[0].state, VSSD_ZS_FULL);
	EXPECT_EQ(z.zone[5].state, VSSD_ZS_EMPTY);	/* finish-all leaves empty zones */
	EXPECT_EQ(z.nr_active, 0);
	EXPECT_EQ(vssd_zone_mgmt(&z, 0, 9, true, NULL, NULL), VSSD_ZSC_INVALID_FIELD);
	vssd_zoned_destroy(&z);
}

static u64 get_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

UNIT_TEST(report_descriptors)
{
	struct vssd_zoned z;
	u8 d[VSSD_ZONE_DESC_SIZE];
	u8 f;

	setup(&z, 4, 10, 0, 0, unit_failed);
	EXPECT_EQ(wr(&z, 16, 3), VSSD_ZSC_OK);
	EXPECT_EQ(vssd_zone_fail(&z, 3, VSSD_ZS_OFFLINE), VSSD_ZSC_OK);
	vssd_zone_describe(&z, 1, d);
	EXPECT_EQ(d[VSSD_ZONE_DESC_ZT], 2);
	EXPECT_EQ(d[VSSD_ZONE_DESC_ZS], 0x20);
	EXPECT_EQ(get_le64(d + VSSD_ZONE_DESC_ZCAP), 10);
	EXPECT_EQ(get_le64(d + VSSD_ZONE_DESC_ZSLBA), 16);
	EXPECT_EQ(get_le64(d + VSSD_ZONE_DESC_WP), 19);
	vssd_zone_describe(&z, 3, d);
	EXPECT_EQ(d[VSSD_ZONE_DESC_ZS], 0xf0);
	for (f = 0; f <= 9; f++) {
		u32 n = 0, i;

		for (i = 0; i < 4; i++)
			n += vssd_zone_matches(&z, i, f);
		EXPECT_EQ(n, f == 0 ? 4 : f == 1 ? 2 : f == 2 || f == 7 ? 1 : 0);
	}
	vssd_zoned_destroy(&z);
}

/*
 * The reference: the same rules, written as the specification states them,
 * with counts found by looking at every zone and the implicit-close victim
 * by a write sequence number.
 */
struct ref {
	u32 n, max_open, max_active;
	u64 cap;
	u8 st[32];
	u64 wp[32];
	u64 used[32];
	u64 seq;
};

static u32 ref_count(const struct ref *r, int open_only)
{
	u32 i, c = 0;

	for (i = 0; i < r->n; i++)
		c += r->st[i] == VSSD_ZS_IOPEN || r->st[i] == VSSD_ZS_EOPEN ||
		     (!open_only && r->st[i] == VSSD_ZS_CLOSED);
	return c;
}

/* Room to open zone @i: 0 or a status; may close the least recently written implicit zone. */
static u16 ref_room(struct ref *r, u32 i)
{
	u32 k, victim = r->n;

	if (r->st[i] == VSSD_ZS_EMPTY && r->max_active && ref_count(r, 0) >= r->max_active)
		return VSSD_ZSC_TOO_MANY_ACTIVE;
	if (!r->max_open || ref_count(r, 1) < r->max_open)
		return 0;
	for (k = 0; k < r->n; k++)
		if (r->st[k] == VSSD_ZS_IOPEN && (victim == r->n || r->used[k] < r->used[victim]))
			victim = k;
	if (victim == r->n)
		return VSSD_ZSC_TOO_MANY_OPEN;
	r->st[victim] = VSSD_ZS_CLOSED;
	return 0;
}

static u16 ref_write(struct ref *r, u64 slba, u64 nlb, bool append, u64 *lba)
{
	u32 i;
	u16 s;

	if (!nlb)
		return VSSD_ZSC_INVALID_FIELD;
	if (slba + nlb > (u64)r->n * ZB)
		return VSSD_ZSC_LBA_RANGE;
	i = slba / ZB;
	if (append && slba % ZB)
		return VSSD_ZSC_INVALID_FIELD;
	if (r->st[i] == VSSD_ZS_FULL)
		return VSSD_ZSC_FULL;
	if (r->st[i] == VSSD_ZS_READ_ONLY)
		return VSSD_ZSC_READ_ONLY;
	if (r->st[i] == VSSD_ZS_OFFLINE)
		return VSSD_ZSC_OFFLINE;
	if (!append && slba != i * ZB + r->wp[i])
		return VSSD_ZSC_INVALID_WRITE;
	if (r->wp[i] + nlb > r->cap)
		return VSSD_ZSC_BOUNDARY;
	if (r->st[i] == VSSD_ZS_EMPTY || r->st[i] == VSSD_ZS_CLOSED) {
		s = ref_room(r, i);
		if (s)
			return s;
		r->st[i] = VSSD_ZS_IOPEN;
	}
	*lba = i * ZB + r->wp[i];
	r->wp[i] += nlb;
	r->used[i] = ++r->seq;
	if (r->wp[i] == r->cap)
		r->st[i] = VSSD_ZS_FULL;
	return 0;
}

static u16 ref_act(struct ref *r, u32 i, u8 a)
{
	u8 s = r->st[i];
	u16 st;

	switch (a) {
	case VSSD_ZA_CLOSE:
		if (s == VSSD_ZS_IOPEN || s == VSSD_ZS_EOPEN)
			r->st[i] = VSSD_ZS_CLOSED;
		else if (s != VSSD_ZS_CLOSED)
			return VSSD_ZSC_INVALID_TRANSITION;
		return 0;
	case VSSD_ZA_FINISH:
		if (s == VSSD_ZS_READ_ONLY || s == VSSD_ZS_OFFLINE)
			return VSSD_ZSC_INVALID_TRANSITION;
		if (s == VSSD_ZS_EMPTY && r->max_active && ref_count(r, 0) >= r->max_active)
			return VSSD_ZSC_TOO_MANY_ACTIVE;
		r->st[i] = VSSD_ZS_FULL;
		r->wp[i] = r->cap;
		return 0;
	case VSSD_ZA_OPEN:
		if (s == VSSD_ZS_FULL || s == VSSD_ZS_READ_ONLY || s == VSSD_ZS_OFFLINE)
			return VSSD_ZSC_INVALID_TRANSITION;
		if (s == VSSD_ZS_EMPTY || s == VSSD_ZS_CLOSED) {
			st = ref_room(r, i);
			if (st)
				return st;
		}
		r->st[i] = VSSD_ZS_EOPEN;
		return 0;
	case VSSD_ZA_RESET:
		if (s == VSSD_ZS_READ_ONLY || s == VSSD_ZS_OFFLINE)
			return VSSD_ZSC_INVALID_TRANSITION;
		r->st[i] = VSSD_ZS_EMPTY;
		r->wp[i] = 0;
		return 0;
	case VSSD_ZA_OFFLINE:
		if (s != VSSD_ZS_READ_ONLY && s != VSSD_ZS_OFFLINE)
			return VSSD_ZSC_INVALID_TRANSITION;
		r->st[i] = VSSD_ZS_OFFLINE;
		r->wp[i] = 0;
		return 0;
	}
	return VSSD_ZSC_INVALID_FIELD;
}

static bool ref_selects(u8 a, u8 s)
{
	bool open = s == VSSD_ZS_IOPEN || s == VSSD_ZS_EOPEN;

	return (a == VSSD_ZA_CLOSE && open) ||
	       (a == VSSD_ZA_FINISH && (open || s == VSSD_ZS_CLOSED)) ||
	       (a == VSSD_ZA_OPEN && s == VSSD_ZS_CLOSED) ||
	       (a == VSSD_ZA_RESET && (open || s == VSSD_ZS_CLOSED || s == VSSD_ZS_FULL)) ||
	       (a == VSSD_ZA_OFFLINE && s == VSSD_ZS_READ_ONLY);
}

static u16 ref_act_all(struct ref *r, u8 a)
{
	bool sel[32];
	u32 i, n = 0, explicit = 0;

	if (a < VSSD_ZA_CLOSE || a > VSSD_ZA_OFFLINE)
		return VSSD_ZSC_INVALID_FIELD;
	for (i = 0; i < r->n; i++) {
		sel[i] = ref_selects(a, r->st[i]);
		n += sel[i];
		explicit += r->st[i] == VSSD_ZS_EOPEN;
	}
	if (a == VSSD_ZA_OPEN && r->max_open && n + explicit > r->max_open)
		return VSSD_ZSC_TOO_MANY_OPEN;
	for (i = 0; i < r->n; i++)
		if (sel[i])
			ref_act(r, i, a);
	return 0;
}

static u64 next_rand(u64 *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static bool same(const struct vssd_zoned *z, const struct ref *r)
{
	u32 i, open = 0, active = 0;

	for (i = 0; i < r->n; i++) {
		if (z->zone[i].state != r->st[i] || z->zone[i].wp != r->wp[i])
			return false;
		open += r->st[i] == VSSD_ZS_IOPEN || r->st[i] == VSSD_ZS_EOPEN;
	}
	active = ref_count(r, 0);
	return z->nr_open == open && z->nr_active == active &&
	       (!r->max_open || open <= r->max_open) &&
	       (!r->max_active || active <= r->max_active);
}

/* One random sequence: @steps operations on @n zones; false at the first disagreement. */
static bool model_run(const u64 first_seed, u32 n, u64 cap, u32 max_open, u32 max_active, u32 steps,
		      int *unit_failed)
{
	struct vssd_zoned z;
	struct ref r = { .n = n, .max_open = max_open, .max_active = max_active, .cap = cap };
	u64 seed = first_seed;
	u32 step, i;

	setup(&z, n, cap, max_open, max_active, unit_failed);
	/* The implementation lowers max_open to max_active; so does the reference. */
	r.max_open = z.cfg.max_open;
	for (i = 0; i < n; i++)
		r.st[i] = VSSD_ZS_EMPTY;
	for (step = 0; step < steps; step++) {
		u32 op = next_rand(&seed) % 100, zi = next_rand(&seed) % n;
		u64 nlb = 1 + next_rand(&seed) % 6, got_lba = ~0ULL, ref_lba = ~0ULL;
		u16 got, want;

		if (op < 45) {			/* write, mostly at the pointer */
			u64 slba = zi * ZB + r.wp[zi];

			if (op < 5)
				slba = zi * ZB + next_rand(&seed) % ZB;
			got = vssd_zone_write(&z, slba, nlb, false, &got_lba);
			want = ref_write(&r, slba, nlb, false, &ref_lba);
		} else if (op < 60) {		/* append, now and then off the zone start */
			u64 slba = zi * ZB + (op < 47);

			got = vssd_zone_write(&z, slba, nlb, true, &got_lba);
			want = ref_write(&r, slba, nlb, true, &ref_lba);
		} else if (op < 65) {		/* read across zones */
			u64 slba = next_rand(&seed) % (n * ZB);

			nlb = 1 + next_rand(&seed) % (2 * ZB);
			got = vssd_zone_read(&z, slba, nlb);
			want = slba + nlb > n * ZB ? VSSD_ZSC_LBA_RANGE : 0;
			for (i = slba / ZB; !want && i <= (slba + nlb - 1) / ZB; i++)
				if (r.st[i] == VSSD_ZS_OFFLINE)
					want = VSSD_ZSC_OFFLINE;
		} else if (op < 93) {		/* one zone */
			u8 a = 1 + next_rand(&seed) % 5;

			got = vssd_zone_mgmt(&z, (u64)zi * ZB, a, false, NULL, NULL);
			want = ref_act(&r, zi, a);
		} else if (op < 99) {		/* select all */
			u8 a = 1 + next_rand(&seed) % 5;

			got = vssd_zone_mgmt(&z, 0, a, true, NULL, NULL);
			want = ref_act_all(&r, a);
		} else {			/* the device fails a zone */
			u8 s = next_rand(&seed) % 2 ? VSSD_ZS_READ_ONLY : VSSD_ZS_OFFLINE;

			got = vssd_zone_fail(&z, zi, s);
			want = 0;
			if (r.st[zi] == VSSD_ZS_OFFLINE && s != VSSD_ZS_OFFLINE)
				want = VSSD_ZSC_INVALID_TRANSITION;
			else
				r.st[zi] = s;
			if (s == VSSD_ZS_OFFLINE)
				r.wp[zi] = 0;
		}
		if (got != want || got_lba != ref_lba || !same(&z, &r)) {
			printf("#   seed %llu step %u op %u zone %u: ",
			       (unsigned long long)first_seed, step, op, zi);
			printf("status %#x want %#x, lba %lld want %lld\n", got, want,
			       (long long)got_lba, (long long)ref_lba);
			vssd_zoned_destroy(&z);
			return false;
		}
		/* Now and then start over, so that failed zones do not take over. */
		if (step % 500 == 499) {
			vssd_zoned_reset_all(&z);
			for (i = 0; i < n; i++) {
				r.st[i] = VSSD_ZS_EMPTY;
				r.wp[i] = 0;
			}
		}
	}
	vssd_zoned_destroy(&z);
	return true;
}

UNIT_TEST(model_check)
{
	static const struct {
		u32 n, max_open, max_active;
		u64 cap;
	} shapes[] = {
		{ 8, 0, 0, 16 }, { 8, 2, 0, 16 }, { 8, 0, 3, 12 }, { 8, 2, 4, 7 },
		{ 16, 3, 3, 16 }, { 32, 5, 9, 11 }, { 4, 1, 1, 1 },
	};
	unsigned int s, seed;

	for (s = 0; s < ARRAY_SIZE(shapes); s++)
		for (seed = 1; seed <= 20; seed++)
			EXPECT(model_run(seed * 7919 + s, shapes[s].n, shapes[s].cap,
					 shapes[s].max_open, shapes[s].max_active, 5000,
					 unit_failed));
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(config_checked),
		UNIT_CASE(write_pointer_rules),
		UNIT_CASE(transitions),
		UNIT_CASE(limits_and_implicit_close),
		UNIT_CASE(select_all),
		UNIT_CASE(report_descriptors),
		UNIT_CASE(model_check),
	};

	return unit_run("zone", cases, ARRAY_SIZE(cases));
}
