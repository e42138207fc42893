/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd: zoned namespaces (csi=zns), the NVMe Zoned Namespace Command Set
 * (CSI 02h).
 *
 * zone.c      zone states, write pointers, open and active limits (pure).
 * flash.c     zone timing on the ssd model's NAND array (pure).
 * cmd.c       the I/O commands: reads, writes, Zone Append, Zone
 *             Management Send and Receive.
 * ns.c        the ops table, namespace set-up, identify data, statistics.
 * configfs.c  the zone_* attributes of a namespace.
 *
 * Everything but the data bytes is owned by the controller's dispatcher,
 * as model state is: it is touched only under the dispatch lock.
 */
#ifndef VSSD_ZNS_H
#define VSSD_ZNS_H

#include <linux/gfp.h>
#include <linux/types.h>

#include <vssd/cs.h>
#include "flash.h"
#include "zone.h"

/*
 * Allocations on the dispatcher, under the dispatch lock that block I/O
 * may wait for: no reclaim that waits for I/O, no retries, no warning.
 */
#define VSSD_ZNS_GFP			(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN)

#define VSSD_ZNS_DEFAULT_ZONE_MB	64
#define VSSD_ZNS_MAX_ZONE_MB		BIT(16)

/* A namespace's zone settings (its zone_* attributes in configfs). */
struct vssd_zns_conf {
	u32 zone_size_mb;
	u32 zone_capacity_mb;	/* 0: the zone size */
	u32 max_open;		/* 0: no limit */
	u32 max_active;		/* 0: no limit */
};

struct vssd_zns {
	struct vssd_cs_ns *ns;
	struct vssd_zoned zones;
	struct vssd_zflash flash;	/* with the ssd model's NAND array */
	bool timed_flash;
};

/* A zoned command between its prepare and its exec (struct vssd_cmd.cs_priv). */
struct vssd_zns_cmd {
	u64 off;		/* byte offset of the data in the namespace */
	u64 len;		/* bytes */
	unsigned long *zones;	/* select-all Reset/Offline: the zones whose data goes */
};

static inline struct vssd_zns_cmd *vssd_zns_cmd(struct vssd_cmd *cmd)
{
	BUILD_BUG_ON(sizeof(struct vssd_zns_cmd) > sizeof(cmd->cs_priv));
	return (struct vssd_zns_cmd *)cmd->cs_priv;
}

extern struct configfs_attribute *const vssd_zns_ns_attrs[];
void vssd_zns_conf_init(void *conf);

void vssd_zns_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now, u64 *deadline);
u8 vssd_zns_stat_opcode(const struct vssd_cmd *cmd);
u16 vssd_zns_zone_failed(struct vssd_zns *zns, u32 zone, u8 state);

#endif /* VSSD_ZNS_H */
