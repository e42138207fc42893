/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: the zones of a zoned namespace (NVMe Zoned Namespace Command Set,
 * CSI 02h): each zone's state and write pointer, the open and active zone
 * limits, and what every write and Zone Management Send action may do to
 * them.  Every zone is sequential-write-required; there are no conventional
 * zones.
 *
 * Resources: a zone in an open state (implicitly or explicitly opened)
 * holds an open resource and an active resource, a closed zone holds an
 * active resource.  A write to an empty or closed zone opens it implicitly;
 * when that (or an Open Zone action) needs an open resource and none is
 * free, the implicitly opened zone written least recently is closed to
 * make room; if there is none, the command fails with Too Many Open Zones.
 *
 * The data of a zone, and how its writes are timed, stay with the caller;
 * this file only decides and records.  Not locked: the caller serialises
 * every call (the controller's dispatch lock).
 *
 * Pure code (see include/vssd/pure.h): selftests/unit runs it in userspace.
 */
#ifndef VSSD_ZNS_ZONE_H
#define VSSD_ZNS_ZONE_H

#include <vssd/pure.h>

/* Zone states as Report Zones gives them (the ZS field, bits 7:4). */
enum vssd_zone_state {
	VSSD_ZS_EMPTY		= 0x1,
	VSSD_ZS_IOPEN		= 0x2,	/* implicitly opened */
	VSSD_ZS_EOPEN		= 0x3,	/* explicitly opened */
	VSSD_ZS_CLOSED		= 0x4,
	VSSD_ZS_READ_ONLY	= 0xd,
	VSSD_ZS_FULL		= 0xe,
	VSSD_ZS_OFFLINE		= 0xf,
};

/* Zone Management Send actions (CDW13 bits 7:0). */
enum vssd_zone_action {
	VSSD_ZA_CLOSE		= 0x1,
	VSSD_ZA_FINISH		= 0x2,
	VSSD_ZA_OPEN		= 0x3,
	VSSD_ZA_RESET		= 0x4,
	VSSD_ZA_OFFLINE		= 0x5,
};

/*
 * Completion statuses, SCT << 8 | SC as in the specification (the kernel
 * side checks them against <linux/nvme.h>).
 */
#define VSSD_ZSC_OK			0x000
#define VSSD_ZSC_INVALID_FIELD		0x002
#define VSSD_ZSC_LBA_RANGE		0x080
#define VSSD_ZSC_BOUNDARY		0x1b8
#define VSSD_ZSC_FULL			0x1b9
#define VSSD_ZSC_READ_ONLY		0x1ba
#define VSSD_ZSC_OFFLINE		0x1bb
#define VSSD_ZSC_INVALID_WRITE		0x1bc
#define VSSD_ZSC_TOO_MANY_ACTIVE	0x1bd
#define VSSD_ZSC_TOO_MANY_OPEN		0x1be
#define VSSD_ZSC_INVALID_TRANSITION	0x1bf

/*
 * Report Zones data: a 64-byte header (le64 number of zones), then 64-byte
 * zone descriptors.
 */
#define VSSD_ZONE_REPORT_HDR		64
#define VSSD_ZONE_DESC_SIZE		64
#define VSSD_ZONE_DESC_ZT		0	/* zone type: 2, sequential write required */
#define VSSD_ZONE_DESC_ZS		1	/* state << 4 */
#define VSSD_ZONE_DESC_ZA		2	/* zone attributes */
#define VSSD_ZONE_DESC_ZCAP		8	/* le64, logical blocks */
#define VSSD_ZONE_DESC_ZSLBA		16	/* le64 */
#define VSSD_ZONE_DESC_WP		24	/* le64 */
#define VSSD_ZONE_TYPE_SWR		0x2

/* Report Zones filter (CDW13 bits 15:8): 0 all, else one state. */
#define VSSD_ZONE_FILTER_ALL		0x0
#define VSSD_ZONE_FILTER_MAX		0x7

struct vssd_zone {
	u64 wp;			/* blocks written, 0 .. zone capacity */
	struct list_head iopen;	/* on vssd_zoned.iopen while implicitly open */
	u8 state;
	u8 selected;		/* set for the zones a select-all action takes */
};

struct vssd_zoned_config {
	u64 nr_blocks;		/* namespace size, logical blocks */
	u64 zone_blocks;	/* zone size */
	u64 cap_blocks;		/* zone capacity: writable blocks of a zone */
	u32 max_open;		/* 0: no limit */
	u32 max_active;		/* 0: no limit */
};

struct vssd_zoned {
	struct vssd_zoned_config cfg;
	struct vssd_zone *zone;
	u32 nr_zones;
	u32 nr_open;		/* implicitly and explicitly opened */
	u32 nr_active;		/* opened and closed */
	u32 nr_iopen;		/* implicitly opened */
	struct list_head iopen;	/* implicitly opened, least recently written first */

	u64 resets;		/* zones reset (from a non-empty state) */
	u64 finishes;		/* zones finished by a Finish action */
	u64 implicit_closes;
};

/*
 * Checks @cfg: -EINVAL when the zone size is 0, the capacity is 0 or above
 * the zone size, the namespace is not a whole number of zones, or a limit
 * is above the number of zones (max_open above max_active is lowered).
 */
int vssd_zoned_check(struct vssd_zoned_config *cfg);
/* Every zone empty; may sleep.  0, -EINVAL (see above) or -ENOMEM. */
int vssd_zoned_init(struct vssd_zoned *z, const struct vssd_zoned_config *cfg);
void vssd_zoned_destroy(struct vssd_zoned *z);
/* Every zone back to empty (Format, power on). */
void vssd_zoned_reset_all(struct vssd_zoned *z);

static inline u64 vssd_zone_start(const struct vssd_zoned *z, u32 idx)
{
	return (u64)idx * z->cfg.zone_blocks;
}

/* The zone holding @lba (the caller has checked @lba < nr_blocks). */
static inline u32 vssd_zone_of(const struct vssd_zoned *z, u64 lba)
{
	return (u32)vssd_div64(lba, z->cfg.zone_blocks);
}

/*
 * A Write (@append false: at @slba, which must be the write pointer) or a
 * Zone Append (@append true: @slba is the zone's first block) of @nlb >= 1
 * blocks.  On success the zone is open or full and *@lba is where the data
 * goes; on failure nothing changed.
 */
u16 vssd_zone_write(struct vssd_zoned *z, u64 slba, u64 nlb, bool append, u64 *lba);

/* A Read of @nlb >= 1 blocks at @slba: reads may cross zones, not offline ones. */
u16 vssd_zone_read(const struct vssd_zoned *z, u64 slba, u64 nlb);

/*
 * Zone Management Send @action on the zone starting at @slba or, with
 * @all, on every zone the action selects.  @done (may be NULL) is called
 * for each zone the action changed, with the write pointer it had before,
 * so that the caller can drop a reset zone's data or time its erase.  A
 * failed action changes nothing; a select-all action acts on every zone it
 * selects or (Open, short of open resources) on none.
 */
u16 vssd_zone_mgmt(struct vssd_zoned *z, u64 slba, u8 action, bool all,
		   void (*done)(void *ctx, u32 idx, u64 old_wp), void *ctx);

/* Makes a zone read-only or offline, as a failing device does (offline is final). */
u16 vssd_zone_fail(struct vssd_zoned *z, u32 idx, u8 state);

/* Whether zone @idx passes Report Zones filter @filter. */
bool vssd_zone_matches(const struct vssd_zoned *z, u32 idx, u8 filter);
/* Its 64-byte zone descriptor. */
void vssd_zone_describe(const struct vssd_zoned *z, u32 idx, u8 *desc);

#endif /* VSSD_ZNS_ZONE_H */
