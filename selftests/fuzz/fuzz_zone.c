// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: zns/zone.c and zns/flash.c, the zones of a zoned
 * namespace and their flash timing, driven as zns/cmd.c drives them but
 * with every field a host controls taken from the input: SLBA, NLB, Zone
 * Append or not, Zone Management Send action codes (valid or not) on a
 * zone or on all, read ranges, zone failures.  The input first picks a
 * geometry (zone size, capacity, open and active limits; settings the
 * checks refuse end the run).  After every step: open and active counts
 * equal what the zone states say and stay within the limits, every write
 * pointer is within the zone capacity, a full zone's pointer is at it,
 * an empty zone's at 0, successful writes land at the zone's old write
 * pointer, the implicitly-open list holds exactly the implicitly open
 * zones, flash time never runs backwards and the write buffer never holds
 * more than its size.
 */
// fuzz-sources: zns/zone.c zns/flash.c drivers/vssd/ftl/nand.c
// fuzz-sources: drivers/vssd/ftl/heap.c
// fuzz-max-len: 4096
#include "fuzz.h"
#include "zns/flash.h"
#include "zns/zone.h"

static const struct vssd_nand_config nand_cfg = {
	.channels = 2, .dies_per_channel = 2, .planes_per_die = 1,
	.page_size = 16384, .pages_per_block = 4,
	.read_lsb_ns = 40000, .read_msb_ns = 60000, .program_ns = 300000,
	.erase_ns = 2000000, .channel_mbps = 400, .host_mbps = 2000,
	.fw_read_ns = 10000, .fw_write_ns = 3000, .fw_write_per4k_ns = 500,
	.buffer_units = 24,
};

static void check(const struct vssd_zoned *z, const struct vssd_nand *nand)
{
	u32 i, open = 0, active = 0, iopen = 0, listed = 0;
	const struct vssd_zone *zone;

	for (i = 0; i < z->nr_zones; i++) {
		u8 s = z->zone[i].state;

		open += s == VSSD_ZS_IOPEN || s == VSSD_ZS_EOPEN;
		active += s == VSSD_ZS_IOPEN || s == VSSD_ZS_EOPEN || s == VSSD_ZS_CLOSED;
		iopen += s == VSSD_ZS_IOPEN;
		FUZZ_ASSERT(z->zone[i].wp <= z->cfg.cap_blocks);
		if (s == VSSD_ZS_FULL)
			FUZZ_ASSERT(z->zone[i].wp == z->cfg.cap_blocks);
		if (s == VSSD_ZS_EMPTY || s == VSSD_ZS_OFFLINE)
			FUZZ_ASSERT(z->zone[i].wp == 0);
	}
	list_for_each_entry(zone, &z->iopen, iopen) {
		FUZZ_ASSERT(zone->state == VSSD_ZS_IOPEN);
		FUZZ_ASSERT(++listed <= z->nr_zones);
	}
	FUZZ_ASSERT(z->nr_open == open && z->nr_active == active);
	FUZZ_ASSERT(z->nr_iopen == iopen && listed == iopen);
	FUZZ_ASSERT(!z->cfg.max_open || open <= z->cfg.max_open);
	FUZZ_ASSERT(!z->cfg.max_active || active <= z->cfg.max_active);
	FUZZ_ASSERT(nand->wb_used <= nand->cfg.buffer_units);
}

struct mgmt_ctx {
	struct vssd_zoned *z;
	struct vssd_zflash *zf;
	u8 action;
	u64 now;
};

/* A zone an action changed: as zns/cmd.c, reset erases and Finish syncs its flash. */
static void zone_done(void *arg, u32 idx, u64 old_wp)
{
	struct mgmt_ctx *ctx = arg;

	FUZZ_ASSERT(idx < ctx->z->nr_zones && old_wp <= ctx->z->cfg.cap_blocks);
	if (ctx->action == VSSD_ZA_RESET)
		FUZZ_ASSERT(vssd_zflash_reset(ctx->zf, idx, ctx->now) >= ctx->now);
	else if (ctx->action == VSSD_ZA_FINISH)
		FUZZ_ASSERT(vssd_zflash_sync(ctx->zf, idx, ctx->now) >= ctx->now);
	else if (ctx->action == VSSD_ZA_OFFLINE)
		vssd_zflash_drop(ctx->zf, idx, ctx->now);
}

int vssd_fuzz_one(const u8 *data, size_t size)
{
	struct vssd_zoned_config cfg;
	struct fuzz_input in;
	struct vssd_nand nand;
	struct vssd_zflash zf;
	struct vssd_zoned z;
	u64 now = 1000000;
	u8 desc[VSSD_ZONE_DESC_SIZE];

	fuzz_input_init(&in, data, size);
	cfg.zone_blocks = 1 + fuzz_u8(&in) % 64;
	cfg.cap_blocks = 1 + fuzz_u8(&in) % 70;
	cfg.nr_blocks = cfg.zone_blocks * (1 + fuzz_u8(&in) % 24);
	cfg.max_open = fuzz_u8(&in) % 8;
	cfg.max_active = fuzz_u8(&in) % 10;
	if (vssd_zoned_init(&z, &cfg))
		return 0;
	FUZZ_ASSERT(vssd_nand_init(&nand, &nand_cfg) == 0);
	FUZZ_ASSERT(vssd_zflash_init(&zf, &nand, z.nr_zones) == 0);
	while (!fuzz_done(&in)) {
		u8 op = fuzz_u8(&in);
		u64 slba = fuzz_u16(&in) % (cfg.nr_blocks + 8);
		u64 nlb = fuzz_u8(&in) % 80, lba = ~0ULL, done;
		u32 zone = slba < cfg.nr_blocks ? vssd_zone_of(&z, slba) : 0;
		u64 old_wp = slba < cfg.nr_blocks ? z.zone[zone].wp : 0;
		struct mgmt_ctx ctx = { &z, &zf, 0, now };
		u16 st;

		switch (op % 6) {
		case 0:
		case 1:
			st = vssd_zone_write(&z, slba, nlb, op & 8, &lba);
			if (st)
				break;
			FUZZ_ASSERT(lba == vssd_zone_start(&z, zone) + old_wp);
			FUZZ_ASSERT((op & 8) || lba == slba);	/* a Write lands where it says */
			FUZZ_ASSERT(nlb && old_wp + nlb <= cfg.cap_blocks);
			FUZZ_ASSERT(z.zone[zone].wp == old_wp + nlb);
			vssd_zflash_write(&zf, zone, nlb * 512, now, op & 16, &done);
			FUZZ_ASSERT(done >= now);
			break;
		case 2:
			st = vssd_zone_read(&z, slba, nlb);
			if (!st) {
				u64 off = (slba - vssd_zone_start(&z, zone)) * 512;
				u64 t = vssd_zflash_read(&zf, zone, off, nlb * 512, now);

				FUZZ_ASSERT(t >= now);
			}
			break;
		case 3:
			ctx.action = fuzz_u8(&in) % 8;
			st = vssd_zone_mgmt(&z, slba, ctx.action, op & 8, zone_done, &ctx);
			break;
		case 4:
			st = vssd_zone_fail(&z, zone + (op >> 7), op & 8 ? VSSD_ZS_OFFLINE :
								  VSSD_ZS_READ_ONLY);
			if (!st)
				vssd_zflash_sync(&zf, zone + (op >> 7), now);
			break;
		default:
			st = 0;
			vssd_zone_describe(&z, zone, desc);
			FUZZ_ASSERT(desc[VSSD_ZONE_DESC_ZS] >> 4 == z.zone[zone].state);
			FUZZ_ASSERT(vssd_zone_matches(&z, zone, 0));
			break;
		}
		(void)st;
		check(&z, &nand);
		now += fuzz_u16(&in);
	}
	vssd_zflash_destroy(&zf);
	vssd_nand_destroy(&nand);
	vssd_zoned_destroy(&z);
	return 0;
}
