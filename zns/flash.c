// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: flash timing of a zoned namespace's zones (see flash.h).
 */
#include "flash.h"

#define VSSD_ZF_UNIT	4096ULL

static u64 vssd_zf_units(u64 bytes)
{
	return vssd_div64(bytes + VSSD_ZF_UNIT - 1, VSSD_ZF_UNIT);
}

int vssd_zflash_init(struct vssd_zflash *zf, struct vssd_nand *nand, u32 nr_zones)
{
	memset(zf, 0, sizeof(*zf));
	zf->nand = nand;
	zf->nr_dies = nand->nr_dies;
	zf->nr_zones = nr_zones;
	zf->zone = vssd_pure_zalloc(sizeof(*zf->zone) * (size_t)nr_zones);
	return zf->zone ? 0 : -ENOMEM;
}

void vssd_zflash_destroy(struct vssd_zflash *zf)
{
	vssd_pure_free(zf->zone);
	zf->zone = NULL;
}

static u32 vssd_zf_die(const struct vssd_zflash *zf, u32 zone, u64 page)
{
	return (u32)vssd_div64_rem(zone + page, zf->nr_dies);
}

static u32 vssd_zf_page_in_block(const struct vssd_zflash *zf, u64 page)
{
	return (u32)vssd_div64_rem(vssd_div64(page, zf->nr_dies),
				   zf->nand->cfg.pages_per_block);
}

/* Program stream page @page of @zone, holding the stream up to @upto bytes. */
static u64 vssd_zf_program(struct vssd_zflash *zf, u32 zone, u64 page, u64 upto, u64 ready)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	u64 units = vssd_zf_units(upto);
	u64 done = vssd_nand_program(zf->nand, vssd_zf_die(zf, zone, page), ready);

	if (units > z->released) {
		vssd_wb_release(zf->nand, (u32)(units - z->released), done);
		z->released = units;
	}
	z->programmed = upto;
	zf->programs++;
	return done;
}

u64 vssd_zflash_sync(struct vssd_zflash *zf, u32 zone, u64 now)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	u32 ps = zf->nand->cfg.page_size;

	if (z->programmed >= z->bytes)
		return now;
	return vssd_zf_program(zf, zone, vssd_div64(z->bytes, ps), z->bytes,
			       max_t(u64, z->page_ready, now));
}

/*
 * A unit needs room in a full buffer with no program under way to free any:
 * the zones' partial pages hold it all.  Program one of them padded (the
 * firmware would have to), so that the buffer drains.
 */
static void vssd_zf_make_room(struct vssd_zflash *zf, u64 now)
{
	struct vssd_nand *nand = zf->nand;
	u32 zone;

	if (nand->wb_used < nand->cfg.buffer_units || vssd_heap_peek(&nand->wb_heap))
		return;
	for (zone = 0; zone < zf->nr_zones; zone++) {
		if (vssd_zf_units(zf->zone[zone].bytes) > zf->zone[zone].released) {
			vssd_zflash_sync(zf, zone, now);
			zf->forced++;
			return;
		}
	}
}

void vssd_zflash_write(struct vssd_zflash *zf, u32 zone, u64 len, u64 now,
		       bool write_through, u64 *done)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	const struct vssd_nand_config *cfg = &zf->nand->cfg;
	u64 ps = cfg->page_size, new_units, admitted = now, ready, ack, programmed = 0;
	u64 page;

	new_units = vssd_zf_units(z->bytes + len) - vssd_zf_units(z->bytes);
	while (new_units--) {
		vssd_zf_make_room(zf, admitted);
		admitted = vssd_wb_admit(zf->nand, admitted);
	}
	ready = admitted + cfg->fw_write_ns;
	z->page_ready = max_t(u64, z->page_ready, ready);
	z->bytes += len;
	/* Every page the stream has filled goes to flash. */
	for (page = vssd_div64(z->programmed, ps); (page + 1) * ps <= z->bytes; page++) {
		programmed = vssd_zf_program(zf, zone, page, (page + 1) * ps, z->page_ready);
		z->page_ready = ready;
	}
	ack = ready + max_t(u64, vssd_zf_units(len), 1) * cfg->fw_write_per4k_ns;
	ack = vssd_nand_host(zf->nand, len, ack);
	if (write_through || !cfg->buffer_units) {
		programmed = max_t(u64, programmed, vssd_zflash_sync(zf, zone, now));
		ack = max_t(u64, ack, programmed);
	}
	*done = ack;
}

u64 vssd_zflash_read(struct vssd_zflash *zf, u32 zone, u64 off, u64 len, u64 now)
{
	const struct vssd_zflash_zone *z = &zf->zone[zone];
	u64 ps = zf->nand->cfg.page_size, start = now + zf->nand->cfg.fw_read_ns;
	u64 ready = start, end = off + len, page;

	for (page = vssd_div64(off, ps); page * ps < end; page++) {
		u64 from = max_t(u64, off, page * ps);
		u64 to = min_t(u64, end, (page + 1) * ps);

		/* Never written: nothing to sense.  Still buffered: no flash. */
		if (from >= z->programmed)
			continue;
		to = min_t(u64, to, z->programmed);
		ready = max_t(u64, ready,
			      vssd_nand_read(zf->nand, vssd_zf_die(zf, zone, page),
					     vssd_zf_page_in_block(zf, page), (u32)(to - from),
					     start));
	}
	return vssd_nand_host(zf->nand, len, ready);
}

void vssd_zflash_drop(struct vssd_zflash *zf, u32 zone, u64 now)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	u64 units = vssd_zf_units(z->bytes);

	if (units > z->released)
		vssd_wb_release(zf->nand, (u32)(units - z->released), now);
	memset(z, 0, sizeof(*z));
}

u64 vssd_zflash_reset(struct vssd_zflash *zf, u32 zone, u64 now)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	u32 ps = zf->nand->cfg.page_size, ppb = zf->nand->cfg.pages_per_block;
	u64 used = vssd_div64(z->programmed + ps - 1, ps);
	u64 done = now;
	u32 d;

	/* What never reached flash leaves the buffer now. */
	vssd_zflash_drop(zf, zone, now);
	/* Die d holds the pages p < used with (zone + p) mod D == d. */
	for (d = 0; d < zf->nr_dies && used; d++) {
		u32 first = (u32)vssd_div64_rem(d + zf->nr_dies - vssd_div64_rem(zone, zf->nr_dies),
						zf->nr_dies);
		u64 pages = first < used ? vssd_div64(used - first - 1, zf->nr_dies) + 1 : 0;
		u64 blocks = vssd_div64(pages + ppb - 1, ppb);

		while (blocks--) {
			done = max_t(u64, done, vssd_nand_erase(zf->nand, d, now));
			zf->erases++;
		}
	}
	return done;
}
