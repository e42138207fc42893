// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: zone states, write pointers and the open and active limits of a
 * zoned namespace (see zone.h).
 */
#include "zone.h"

static bool vssd_zs_open(u8 state)
{
	return state == VSSD_ZS_IOPEN || state == VSSD_ZS_EOPEN;
}

static bool vssd_zs_active(u8 state)
{
	return vssd_zs_open(state) || state == VSSD_ZS_CLOSED;
}

int vssd_zoned_check(struct vssd_zoned_config *cfg)
{
	u64 nr_zones;

	if (!cfg->zone_blocks || !cfg->cap_blocks || cfg->cap_blocks > cfg->zone_blocks ||
	    !cfg->nr_blocks || cfg->nr_blocks % cfg->zone_blocks)
		return -EINVAL;
	nr_zones = vssd_div64(cfg->nr_blocks, cfg->zone_blocks);
	if (nr_zones > 0xffffffffULL || cfg->max_open > nr_zones || cfg->max_active > nr_zones)
		return -EINVAL;
	if (cfg->max_active && (!cfg->max_open || cfg->max_open > cfg->max_active))
		cfg->max_open = cfg->max_active;
	return 0;
}

int vssd_zoned_init(struct vssd_zoned *z, const struct vssd_zoned_config *cfg)
{
	int ret;

	memset(z, 0, sizeof(*z));
	z->cfg = *cfg;
	ret = vssd_zoned_check(&z->cfg);
	if (ret)
		return ret;
	z->nr_zones = (u32)vssd_div64(z->cfg.nr_blocks, z->cfg.zone_blocks);
	z->zone = vssd_pure_zalloc(sizeof(*z->zone) * (size_t)z->nr_zones);
	if (!z->zone)
		return -ENOMEM;
	vssd_zoned_reset_all(z);
	return 0;
}

void vssd_zoned_destroy(struct vssd_zoned *z)
{
	vssd_pure_free(z->zone);
	z->zone = NULL;
	z->nr_zones = 0;
}

void vssd_zoned_reset_all(struct vssd_zoned *z)
{
	u32 i;

	INIT_LIST_HEAD(&z->iopen);
	for (i = 0; i < z->nr_zones; i++) {
		z->zone[i].wp = 0;
		z->zone[i].state = VSSD_ZS_EMPTY;
		z->zone[i].selected = 0;
		INIT_LIST_HEAD(&z->zone[i].iopen);
	}
	z->nr_open = 0;
	z->nr_active = 0;
	z->nr_iopen = 0;
}

/* Moves @zone to @state, keeping the resource counts and the iopen list. */
static void vssd_zone_set(struct vssd_zoned *z, struct vssd_zone *zone, u8 state)
{
	if (zone->state == VSSD_ZS_IOPEN) {
		list_del_init(&zone->iopen);
		z->nr_iopen--;
	}
	z->nr_open -= vssd_zs_open(zone->state);
	z->nr_active -= vssd_zs_active(zone->state);
	zone->state = state;
	z->nr_open += vssd_zs_open(state);
	z->nr_active += vssd_zs_active(state);
	if (state == VSSD_ZS_IOPEN) {
		list_add_tail(&zone->iopen, &z->iopen);
		z->nr_iopen++;
	}
}

static bool vssd_zone_active_full(const struct vssd_zoned *z)
{
	return z->cfg.max_active && z->nr_active >= z->cfg.max_active;
}

/*
 * An open resource for a zone that is not open yet: free, or taken from the
 * implicitly opened zone written least recently, which is closed.
 */
static u16 vssd_zone_take_open(struct vssd_zoned *z)
{
	struct vssd_zone *victim;

	if (!z->cfg.max_open || z->nr_open < z->cfg.max_open)
		return VSSD_ZSC_OK;
	if (list_empty(&z->iopen))
		return VSSD_ZSC_TOO_MANY_OPEN;
	victim = list_first_entry(&z->iopen, struct vssd_zone, iopen);
	vssd_zone_set(z, victim, VSSD_ZS_CLOSED);
	z->implicit_closes++;
	return VSSD_ZSC_OK;
}

/* The resources an empty or closed zone needs to become open. */
static u16 vssd_zone_make_room(struct vssd_zoned *z, const struct vssd_zone *zone)
{
	if (zone->state == VSSD_ZS_EMPTY && vssd_zone_active_full(z))
		return VSSD_ZSC_TOO_MANY_ACTIVE;
	return vssd_zone_take_open(z);
}

static u16 vssd_zone_range(const struct vssd_zoned *z, u64 slba, u64 nlb)
{
	if (!nlb)
		return VSSD_ZSC_INVALID_FIELD;
	if (slba >= z->cfg.nr_blocks || nlb > z->cfg.nr_blocks - slba)
		return VSSD_ZSC_LBA_RANGE;
	return VSSD_ZSC_OK;
}

u16 vssd_zone_write(struct vssd_zoned *z, u64 slba, u64 nlb, bool append, u64 *lba)
{
	struct vssd_zone *zone;
	u64 start;
	u16 status;
	u32 idx;

	status = vssd_zone_range(z, slba, nlb);
	if (status)
		return status;
	idx = vssd_zone_of(z, slba);
	zone = &z->zone[idx];
	start = vssd_zone_start(z, idx);
	if (append && slba != start)
		return VSSD_ZSC_INVALID_FIELD;
	switch (zone->state) {
	case VSSD_ZS_FULL:
		return VSSD_ZSC_FULL;
	case VSSD_ZS_READ_ONLY:
		return VSSD_ZSC_READ_ONLY;
	case VSSD_ZS_OFFLINE:
		return VSSD_ZSC_OFFLINE;
	}
	if (!append && slba != start + zone->wp)
		return VSSD_ZSC_INVALID_WRITE;
	if (nlb > z->cfg.cap_blocks - zone->wp)
		return VSSD_ZSC_BOUNDARY;
	if (!vssd_zs_open(zone->state)) {
		status = vssd_zone_make_room(z, zone);
		if (status)
			return status;
	}

	*lba = start + zone->wp;
	zone->wp += nlb;
	if (zone->wp == z->cfg.cap_blocks) {
		vssd_zone_set(z, zone, VSSD_ZS_FULL);
	} else if (zone->state == VSSD_ZS_IOPEN) {
		/* Written most recently: the last to be closed implicitly. */
		list_del_init(&zone->iopen);
		list_add_tail(&zone->iopen, &z->iopen);
	} else if (zone->state != VSSD_ZS_EOPEN) {
		vssd_zone_set(z, zone, VSSD_ZS_IOPEN);
	}
	return VSSD_ZSC_OK;
}

u16 vssd_zone_read(const struct vssd_zoned *z, u64 slba, u64 nlb)
{
	u16 status = vssd_zone_range(z, slba, nlb);
	u32 idx, last;

	if (status)
		return status;
	last = vssd_zone_of(z, slba + nlb - 1);
	for (idx = vssd_zone_of(z, slba); idx <= last; idx++)
		if (z->zone[idx].state == VSSD_ZS_OFFLINE)
			return VSSD_ZSC_OFFLINE;
	return VSSD_ZSC_OK;
}

/* One action on one zone; *@changed when the zone's state or pointer moved. */
static u16 vssd_zone_act(struct vssd_zoned *z, struct vssd_zone *zone, u8 action,
			 bool *changed)
{
	u8 state = zone->state;
	u16 status;

	*changed = false;
	switch (action) {
	case VSSD_ZA_CLOSE:
		if (state == VSSD_ZS_CLOSED)
			return VSSD_ZSC_OK;
		if (!vssd_zs_open(state))
			return VSSD_ZSC_INVALID_TRANSITION;
		vssd_zone_set(z, zone, VSSD_ZS_CLOSED);
		break;
	case VSSD_ZA_FINISH:
		if (state == VSSD_ZS_FULL)
			return VSSD_ZSC_OK;
		if (state != VSSD_ZS_EMPTY && !vssd_zs_active(state))
			return VSSD_ZSC_INVALID_TRANSITION;
		/* An empty zone passes through an active state on its way. */
		if (state == VSSD_ZS_EMPTY && vssd_zone_active_full(z))
			return VSSD_ZSC_TOO_MANY_ACTIVE;
		zone->wp = z->cfg.cap_blocks;
		vssd_zone_set(z, zone, VSSD_ZS_FULL);
		z->finishes++;
		break;
	case VSSD_ZA_OPEN:
		if (state == VSSD_ZS_EOPEN)
			return VSSD_ZSC_OK;
		if (state != VSSD_ZS_IOPEN && state != VSSD_ZS_EMPTY && state != VSSD_ZS_CLOSED)
			return VSSD_ZSC_INVALID_TRANSITION;
		if (state != VSSD_ZS_IOPEN) {
			status = vssd_zone_make_room(z, zone);
			if (status)
				return status;
		}
		vssd_zone_set(z, zone, VSSD_ZS_EOPEN);
		break;
	case VSSD_ZA_RESET:
		if (state == VSSD_ZS_EMPTY)
			return VSSD_ZSC_OK;
		if (state != VSSD_ZS_FULL && !vssd_zs_active(state))
			return VSSD_ZSC_INVALID_TRANSITION;
		zone->wp = 0;
		vssd_zone_set(z, zone, VSSD_ZS_EMPTY);
		z->resets++;
		break;
	case VSSD_ZA_OFFLINE:
		if (state == VSSD_ZS_OFFLINE)
			return VSSD_ZSC_OK;
		if (state != VSSD_ZS_READ_ONLY)
			return VSSD_ZSC_INVALID_TRANSITION;
		zone->wp = 0;
		vssd_zone_set(z, zone, VSSD_ZS_OFFLINE);
		break;
	default:
		return VSSD_ZSC_INVALID_FIELD;
	}
	*changed = true;
	return VSSD_ZSC_OK;
}

/* Whether a select-all @action takes a zone in @state. */
static bool vssd_zone_selects(u8 action, u8 state)
{
	switch (action) {
	case VSSD_ZA_CLOSE:
		return vssd_zs_open(state);
	case VSSD_ZA_FINISH:
		return vssd_zs_active(state);
	case VSSD_ZA_OPEN:
		return state == VSSD_ZS_CLOSED;
	case VSSD_ZA_RESET:
		return vssd_zs_active(state) || state == VSSD_ZS_FULL;
	case VSSD_ZA_OFFLINE:
		return state == VSSD_ZS_READ_ONLY;
	}
	return false;
}

/*
 * Select-all: the zones selected when the command starts, not those that
 * an implicit close on the way puts in a selected state.
 */
static u16 vssd_zone_mgmt_all(struct vssd_zoned *z, u8 action,
			      void (*done)(void *ctx, u32 idx, u64 old_wp), void *ctx)
{
	u32 idx, selected = 0;

	if (action < VSSD_ZA_CLOSE || action > VSSD_ZA_OFFLINE)
		return VSSD_ZSC_INVALID_FIELD;
	for (idx = 0; idx < z->nr_zones; idx++) {
		z->zone[idx].selected = vssd_zone_selects(action, z->zone[idx].state);
		selected += z->zone[idx].selected;
	}
	/* Opening every closed zone may close implicitly opened ones, no more. */
	if (action == VSSD_ZA_OPEN && z->cfg.max_open &&
	    selected > z->cfg.max_open - (z->nr_open - z->nr_iopen)) {
		for (idx = 0; idx < z->nr_zones; idx++)
			z->zone[idx].selected = 0;
		return VSSD_ZSC_TOO_MANY_OPEN;
	}
	for (idx = 0; idx < z->nr_zones; idx++) {
		struct vssd_zone *zone = &z->zone[idx];
		u64 old_wp = zone->wp;
		bool changed;

		if (!zone->selected)
			continue;
		zone->selected = 0;
		/* Cannot fail: each selected state allows the action. */
		vssd_zone_act(z, zone, action, &changed);
		if (changed && done)
			done(ctx, idx, old_wp);
	}
	return VSSD_ZSC_OK;
}

u16 vssd_zone_mgmt(struct vssd_zoned *z, u64 slba, u8 action, bool all,
		   void (*done)(void *ctx, u32 idx, u64 old_wp), void *ctx)
{
	struct vssd_zone *zone;
	bool changed;
	u64 old_wp;
	u16 status;
	u32 idx;

	if (all)
		return vssd_zone_mgmt_all(z, action, done, ctx);
	if (slba >= z->cfg.nr_blocks)
		return VSSD_ZSC_LBA_RANGE;
	idx = vssd_zone_of(z, slba);
	if (slba != vssd_zone_start(z, idx))
		return VSSD_ZSC_INVALID_FIELD;
	zone = &z->zone[idx];
	old_wp = zone->wp;
	status = vssd_zone_act(z, zone, action, &changed);
	if (!status && changed && done)
		done(ctx, idx, old_wp);
	return status;
}

u16 vssd_zone_fail(struct vssd_zoned *z, u32 idx, u8 state)
{
	if (idx >= z->nr_zones || (state != VSSD_ZS_READ_ONLY && state != VSSD_ZS_OFFLINE))
		return VSSD_ZSC_INVALID_FIELD;
	/* Offline is final. */
	if (z->zone[idx].state == VSSD_ZS_OFFLINE && state != VSSD_ZS_OFFLINE)
		return VSSD_ZSC_INVALID_TRANSITION;
	if (state == VSSD_ZS_OFFLINE)
		z->zone[idx].wp = 0;
	vssd_zone_set(z, &z->zone[idx], state);
	return VSSD_ZSC_OK;
}

/* The state each Report Zones filter value (1..7) selects. */
static const u8 vssd_zone_filter_state[VSSD_ZONE_FILTER_MAX + 1] = {
	[1] = VSSD_ZS_EMPTY, [2] = VSSD_ZS_IOPEN, [3] = VSSD_ZS_EOPEN,
	[4] = VSSD_ZS_CLOSED, [5] = VSSD_ZS_FULL, [6] = VSSD_ZS_READ_ONLY,
	[7] = VSSD_ZS_OFFLINE,
};

bool vssd_zone_matches(const struct vssd_zoned *z, u32 idx, u8 filter)
{
	if (filter == VSSD_ZONE_FILTER_ALL)
		return true;
	return filter <= VSSD_ZONE_FILTER_MAX &&
	       z->zone[idx].state == vssd_zone_filter_state[filter];
}

static void vssd_put_le64(u8 *p, u64 v)
{
	__le64 le = cpu_to_le64(v);

	memcpy(p, &le, sizeof(le));
}

void vssd_zone_describe(const struct vssd_zoned *z, u32 idx, u8 *desc)
{
	const struct vssd_zone *zone = &z->zone[idx];
	u64 start = vssd_zone_start(z, idx), wp;

	switch (zone->state) {
	case VSSD_ZS_OFFLINE:
		wp = ~0ULL;		/* not valid */
		break;
	default:
		wp = start + zone->wp;
	}
	memset(desc, 0, VSSD_ZONE_DESC_SIZE);
	desc[VSSD_ZONE_DESC_ZT] = VSSD_ZONE_TYPE_SWR;
	desc[VSSD_ZONE_DESC_ZS] = zone->state << 4;
	vssd_put_le64(desc + VSSD_ZONE_DESC_ZCAP, z->cfg.cap_blocks);
	vssd_put_le64(desc + VSSD_ZONE_DESC_ZSLBA, start);
	vssd_put_le64(desc + VSSD_ZONE_DESC_WP, wp);
}
