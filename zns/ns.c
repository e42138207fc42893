// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the zoned command set's ops table, and a zoned namespace's life
 * (power on/off, Format), identify data and statistics.
 */
#include <linux/blkzoned.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <vssd/compat.h>
#include <vssd/nvme_fields.h>

#include "zns.h"

/* The zone geometry in logical blocks, or why the settings do not fit. */
static int vssd_zns_geometry(struct vssd_cs_ns *ns, const struct vssd_zns_conf *conf,
			     struct vssd_zoned_config *cfg)
{
	const char *name = vssd_ctrl_name(ns->ctrl);
	u32 cap_mb = conf->zone_capacity_mb ? conf->zone_capacity_mb : conf->zone_size_mb;

	cfg->nr_blocks = ns->nr_lbas;
	cfg->zone_blocks = ((u64)conf->zone_size_mb << 20) >> ns->lba_shift;
	cfg->cap_blocks = ((u64)cap_mb << 20) >> ns->lba_shift;
	cfg->max_open = conf->max_open;
	cfg->max_active = conf->max_active;
	if (!is_power_of_2(conf->zone_size_mb)) {
		pr_err("%s: namespace %u: zone_size_mb %u is not a power of two (zoned block devices need one)\n",
		       name, ns->nsid, conf->zone_size_mb);
		return -EINVAL;
	}
	if (cap_mb > conf->zone_size_mb) {
		pr_err("%s: namespace %u: zone_capacity_mb %u is above zone_size_mb %u\n",
		       name, ns->nsid, cap_mb, conf->zone_size_mb);
		return -EINVAL;
	}
	if (ns->size % ((u64)conf->zone_size_mb << 20)) {
		pr_err("%s: namespace %u: size_mb %llu is not a multiple of zone_size_mb %u\n",
		       name, ns->nsid, ns->size >> 20, conf->zone_size_mb);
		return -EINVAL;
	}
	if (vssd_zoned_check(cfg)) {
		pr_err("%s: namespace %u: max_open_zones %u and max_active_zones %u must not exceed the %llu zones\n",
		       name, ns->nsid, conf->max_open, conf->max_active,
		       div64_u64(ns->size, (u64)conf->zone_size_mb << 20));
		return -EINVAL;
	}
	return 0;
}

static int vssd_zns_init(struct vssd_cs_ns *ns)
{
	const struct vssd_zns_conf *conf = vssd_cs_conf(ns, &vssd_cs_zns);
	struct vssd_nand *nand = vssd_media_nand(ns->ctrl);
	struct vssd_zoned_config cfg;
	struct vssd_zns *zns;
	int ret;

	ret = vssd_zns_geometry(ns, conf, &cfg);
	if (ret)
		return ret;
	zns = kzalloc(sizeof(*zns), GFP_KERNEL);
	if (!zns)
		return -ENOMEM;
	zns->ns = ns;
	ret = vssd_zoned_init(&zns->zones, &cfg);
	if (!ret && nand) {
		ret = vssd_zflash_init(&zns->flash, nand, zns->zones.nr_zones);
		zns->timed_flash = !ret;
	}
	if (ret) {
		vssd_zflash_destroy(&zns->flash);
		vssd_zoned_destroy(&zns->zones);
		kfree(zns);
		return ret;
	}
	ns->data = zns;
	return 0;
}

static void vssd_zns_exit(struct vssd_cs_ns *ns)
{
	struct vssd_zns *zns = ns->data;

	if (!zns)
		return;
	vssd_zflash_destroy(&zns->flash);
	vssd_zoned_destroy(&zns->zones);
	kfree(zns);
	ns->data = NULL;
}

/* Format NVM: every zone empty; the flash it used is erased. */
static void vssd_zns_format(struct vssd_cs_ns *ns)
{
	struct vssd_zns *zns = ns->data;
	u32 zone;

	vssd_assert_dispatching(ns->ctrl);
	if (zns->timed_flash)
		for (zone = 0; zone < zns->zones.nr_zones; zone++)
			vssd_zflash_reset(&zns->flash, zone, 0);
	vssd_zoned_reset_all(&zns->zones);
}

static u32 vssd_zns_limit(u32 limit)
{
	return limit ? limit - 1 : U32_MAX;	/* 0's based; all ones: no limit */
}

/* Zoned Identify Namespace (CNS 05h, CSI 02h) into a zeroed 4 KiB page. */
static void vssd_zns_identify_ns(struct vssd_cs_ns *ns, u8 csi, void *data)
{
	struct vssd_zns *zns = ns->data;
	struct nvme_id_ns_zns *id = data;

	if (csi != NVME_CSI_ZNS)
		return;
	id->ozcs = cpu_to_le16(1 << 0);		/* reads may cross zone boundaries */
	id->mar = cpu_to_le32(vssd_zns_limit(zns->zones.cfg.max_active));
	id->mor = cpu_to_le32(vssd_zns_limit(zns->zones.cfg.max_open));
	id->lbafe[0].zsze = cpu_to_le64(zns->zones.cfg.zone_blocks);
}

/* Zoned Identify Controller (CNS 06h, CSI 02h): Zone Append takes what a Write takes. */
static void vssd_zns_identify_ctrl(struct vssd_ctrl *ctrl, u8 csi, void *data)
{
	struct nvme_id_ctrl_zns *id = data;

	if (csi == NVME_CSI_ZNS)
		id->zasl = ilog2(vssd_ctrl_params(ctrl)->max_transfer_kb / 4);
}

static const struct vssd_effect vssd_zns_io_effects[] = {
	{ nvme_cmd_flush, VSSD_EFFECT_SUPPORTED }, { nvme_cmd_read, VSSD_EFFECT_SUPPORTED },
	{ nvme_cmd_compare, VSSD_EFFECT_SUPPORTED }, { nvme_cmd_dsm, VSSD_EFFECT_SUPPORTED },
	{ nvme_cmd_zone_mgmt_recv, VSSD_EFFECT_SUPPORTED },
	{ nvme_cmd_write, VSSD_EFFECT_CHANGES }, { nvme_cmd_write_zeroes, VSSD_EFFECT_CHANGES },
	{ nvme_cmd_zone_append, VSSD_EFFECT_CHANGES },
	{ nvme_cmd_zone_mgmt_send, VSSD_EFFECT_CHANGES },
};

static void vssd_zns_effects(struct vssd_ctrl *ctrl, u8 csi, struct nvme_effects_log *log)
{
	if (csi == NVME_CSI_ZNS)
		vssd_effects_fill(log->iocs, vssd_zns_io_effects, ARRAY_SIZE(vssd_zns_io_effects));
}

/* The zns_* lines of the controller's stats, summed over its zoned namespaces. */
static int vssd_zns_stats_show(struct vssd_ctrl *ctrl, char *page, int at)
{
	u64 zones = 0, open = 0, active = 0, resets = 0, finishes = 0, closes = 0;
	u64 programs = 0, erases = 0;
	struct vssd_cs_ns *ns;
	u32 nr = 0;

	for (ns = vssd_cs_ns_next(ctrl, &vssd_cs_zns, NULL); ns;
	     ns = vssd_cs_ns_next(ctrl, &vssd_cs_zns, ns)) {
		struct vssd_zns *zns = ns->data;

		nr++;
		zones += zns->zones.nr_zones;
		open += READ_ONCE(zns->zones.nr_open);
		active += READ_ONCE(zns->zones.nr_active);
		resets += READ_ONCE(zns->zones.resets);
		finishes += READ_ONCE(zns->zones.finishes);
		closes += READ_ONCE(zns->zones.implicit_closes);
		programs += READ_ONCE(zns->flash.programs);
		erases += READ_ONCE(zns->flash.erases);
	}
	if (!nr)
		return 0;
	return scnprintf(page + at, PAGE_SIZE - at,
			 "zns_namespaces %u\nzns_zones %llu\nzns_open_zones %llu\n"
			 "zns_active_zones %llu\nzns_zone_resets %llu\nzns_zone_finishes %llu\n"
			 "zns_implicit_closes %llu\nzns_pages_programmed %llu\n"
			 "zns_blocks_erased %llu\n",
			 nr, zones, open, active, resets, finishes, closes, programs, erases);
}

/* Report Zones states are the block layer's zone conditions. */
static_assert((int)VSSD_ZS_EMPTY == (int)BLK_ZONE_COND_EMPTY);
static_assert((int)VSSD_ZS_IOPEN == (int)BLK_ZONE_COND_IMP_OPEN);
static_assert((int)VSSD_ZS_EOPEN == (int)BLK_ZONE_COND_EXP_OPEN);
static_assert((int)VSSD_ZS_CLOSED == (int)BLK_ZONE_COND_CLOSED);
static_assert((int)VSSD_ZS_READ_ONLY == (int)BLK_ZONE_COND_READONLY);
static_assert((int)VSSD_ZS_FULL == (int)BLK_ZONE_COND_FULL);
static_assert((int)VSSD_ZS_OFFLINE == (int)BLK_ZONE_COND_OFFLINE);

/* The block device of a zoned namespace is a host-managed zoned disk. */
static bool vssd_zns_zone_limits(struct vssd_cs_ns *ns, struct vssd_cs_zone_limits *lim)
{
	struct vssd_zns *zns = ns->data;

	lim->zone_blocks = zns->zones.cfg.zone_blocks;
	lim->nr_zones = zns->zones.nr_zones;
	lim->max_open = zns->zones.cfg.max_open;
	lim->max_active = zns->zones.cfg.max_active;
	return true;
}

static void vssd_zns_zone_report(struct vssd_cs_ns *ns, u32 idx, struct vssd_cs_zone *zone)
{
	struct vssd_zns *zns = ns->data;
	const struct vssd_zone *z = &zns->zones.zone[idx];

	vssd_assert_dispatching(ns->ctrl);
	zone->start = vssd_zone_start(&zns->zones, idx);
	zone->len = zns->zones.cfg.zone_blocks;
	zone->capacity = zns->zones.cfg.cap_blocks;
	zone->state = z->state;
	/* A full zone's pointer is at its end, as block layer hosts expect. */
	zone->wp = z->state == VSSD_ZS_FULL ? zone->start + zone->len : zone->start + z->wp;
}

const struct vssd_cs_ops vssd_cs_zns = {
	.name = "zns", .csi = NVME_CSI_ZNS, .features = "zns", .blocks = true,
	/* configfs: the zone_* attributes */
	.conf_size = sizeof(struct vssd_zns_conf), .conf_init = vssd_zns_conf_init,
	.ns_attrs = vssd_zns_ns_attrs,
	/* a namespace's life */
	.ns_init = vssd_zns_init, .ns_exit = vssd_zns_exit, .format = vssd_zns_format,
	/* commands, and what the host and the statistics are told of them */
	.prepare = vssd_zns_prepare, .stat_opcode = vssd_zns_stat_opcode,
	.identify_ns = vssd_zns_identify_ns, .identify_ctrl = vssd_zns_identify_ctrl,
	.effects = vssd_zns_effects, .stats_show = vssd_zns_stats_show,
	/* the zoned block device */
	.zone_limits = vssd_zns_zone_limits, .zone_report = vssd_zns_zone_report,
};
