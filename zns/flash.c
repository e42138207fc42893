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
	u32 i;

	memset(zf, 0, sizeof(*zf));
	zf->nand = nand;
	zf->nr_dies = nand->nr_dies;
	zf->nr_zones = nr_zones;
	INIT_LIST_HEAD(&zf->partial);
	zf->zone = vssd_pure_zalloc(sizeof(*zf->zone) * (size_t)nr_zones);
	if (!zf->zone)
		return -ENOMEM;
	for (i = 0; i < nr_zones; i++)
		INIT_LIST_HEAD(&zf->zone[i].partial);
	return 0;
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

/* On zf->partial exactly while part of the zone's stream is only buffered. */
static void vssd_zf_track(struct vssd_zflash *zf, struct vssd_zflash_zone *z)
{
	bool buffered = z->bytes > z->programmed;

	if (buffered && list_empty(&z->partial))
		list_add_tail(&z->partial, &zf->partial);
	else if (!buffered && !list_empty(&z->partial))
		list_del_init(&z->partial);
}

/* Program stream page @page of @zone, holding the stream up to @end bytes. */
static u64 vssd_zf_program(struct vssd_zflash *zf, u32 zone, u64 page, u64 end, u64 ready)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	u64 units = vssd_zf_units(end);
	u64 done = vssd_nand_program(zf->nand, vssd_zf_die(zf, zone, page), ready);

	if (units > z->released) {
		vssd_wb_release(zf->nand, (u32)(units - z->released), done);
		z->released = units;
	}
	z->programmed = end;
	zf->programs++;
	return done;
}

u64 vssd_zflash_sync(struct vssd_zflash *zf, u32 zone, u64 now)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	u64 done;

	if (z->programmed >= z->bytes)
		return now;
	done = vssd_zf_program(zf, zone, vssd_div64(z->bytes, zf->nand->cfg.page_size),
			       z->bytes, max_t(u64, z->page_ready, now));
	vssd_zf_track(zf, z);
	return done;
}

u64 vssd_zflash_sync_all(struct vssd_zflash *zf, u64 now)
{
	u64 done = now;

	while (!list_empty(&zf->partial)) {
		struct vssd_zflash_zone *z = list_first_entry(&zf->partial,
							      struct vssd_zflash_zone, partial);

		done = max_t(u64, done, vssd_zflash_sync(zf, (u32)(z - zf->zone), now));
	}
	return done;
}

/*
 * A unit needs room in a full buffer with no program under way to free any:
 * the zones' partial pages hold it all.  Program the oldest one padded (the
 * firmware would have to), so that the buffer drains.
 */
static void vssd_zf_make_room(struct vssd_zflash *zf, u64 now)
{
	struct vssd_nand *nand = zf->nand;
	struct vssd_zflash_zone *z;

	if (nand->wb_used < nand->cfg.buffer_units || vssd_heap_peek(&nand->wb_heap) ||
	    list_empty(&zf->partial))
		return;
	z = list_first_entry(&zf->partial, struct vssd_zflash_zone, partial);
	vssd_zflash_sync(zf, (u32)(z - zf->zone), now);
	zf->forced++;
}

/*
 * Page by page: the units of what fits in the zone's open page wait for the
 * buffer, then the page is programmed if it is full, so that a long write
 * frees the buffer space of its own first pages as it goes.
 */
void vssd_zflash_write(struct vssd_zflash *zf, u32 zone, u64 len, u64 now,
		       bool write_through, u64 *done)
{
	struct vssd_zflash_zone *z = &zf->zone[zone];
	const struct vssd_nand_config *cfg = &zf->nand->cfg;
	u64 ps = cfg->page_size, admitted = now, ready = now + cfg->fw_write_ns;
	u64 left = len, programmed = 0, ack;

	while (left) {
		u64 chunk = min_t(u64, left, ps - vssd_div64_rem(z->bytes, ps));
		u64 units = vssd_zf_units(z->bytes + chunk) - vssd_zf_units(z->bytes);

		while (units--) {
			vssd_zf_make_room(zf, admitted);
			admitted = vssd_wb_admit(zf->nand, admitted);
		}
		ready = admitted + cfg->fw_write_ns;
		z->page_ready = max_t(u64, z->page_ready, ready);
		z->bytes += chunk;
		left -= chunk;
		if (!vssd_div64_rem(z->bytes, ps)) {
			programmed = vssd_zf_program(zf, zone, vssd_div64(z->bytes, ps) - 1,
						     z->bytes, z->page_ready);
			z->page_ready = 0;
		}
	}
	vssd_zf_track(zf, z);
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
	z->bytes = 0;
	z->programmed = 0;
	z->released = 0;
	z->page_ready = 0;
	vssd_zf_track(zf, z);
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
