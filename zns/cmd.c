// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the I/O commands of a zoned namespace.
 *
 * vssd_zns_prepare runs on the dispatcher under the dispatch lock: it
 * checks the command, moves zone state (zone.c), sets the deadline from
 * the model's media (flash.c on the ssd model's NAND array, the simple
 * model's timelines, nothing on the zero model) and picks the function a
 * worker runs to move the data.  Data written lands where the write
 * pointer was when the command was dispatched.
 */
#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <vssd/compat.h>
#include <vssd/nvme_fields.h>

#include "zns.h"

static_assert(VSSD_ZSC_BOUNDARY == NVME_SC_ZONE_BOUNDARY_ERROR);
static_assert(VSSD_ZSC_FULL == NVME_SC_ZONE_FULL);
static_assert(VSSD_ZSC_READ_ONLY == NVME_SC_ZONE_READ_ONLY);
static_assert(VSSD_ZSC_OFFLINE == NVME_SC_ZONE_OFFLINE);
static_assert(VSSD_ZSC_INVALID_WRITE == NVME_SC_ZONE_INVALID_WRITE);
static_assert(VSSD_ZSC_TOO_MANY_ACTIVE == NVME_SC_ZONE_TOO_MANY_ACTIVE);
static_assert(VSSD_ZSC_TOO_MANY_OPEN == NVME_SC_ZONE_TOO_MANY_OPEN);
static_assert(VSSD_ZSC_INVALID_TRANSITION == NVME_SC_ZONE_INVALID_TRANSITION);
static_assert(VSSD_ZSC_INVALID_FIELD == NVME_SC_INVALID_FIELD);
static_assert(VSSD_ZSC_LBA_RANGE == NVME_SC_LBA_RANGE);
static_assert(sizeof(struct nvme_zone_descriptor) == VSSD_ZONE_DESC_SIZE);
static_assert(sizeof(struct nvme_zone_report) == VSSD_ZONE_REPORT_HDR);
static_assert(offsetof(struct nvme_zone_descriptor, zcap) == VSSD_ZONE_DESC_ZCAP);
static_assert(offsetof(struct nvme_zone_descriptor, zslba) == VSSD_ZONE_DESC_ZSLBA);
static_assert(offsetof(struct nvme_zone_descriptor, wp) == VSSD_ZONE_DESC_WP);

static u16 vssd_zns_status(u16 zsc)
{
	return zsc ? VSSD_SC(zsc) : 0;
}

static void vssd_zns_exec_read(struct vssd_cmd *cmd)
{
	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);
	struct vssd_buf_pos pos;

	vssd_buf_pos_init(&pos, &cmd->buf);
	vssd_store_read(&vssd_cmd_cs_ns(cmd)->store, zc->off, &pos, zc->len);
}

static void vssd_zns_exec_compare(struct vssd_cmd *cmd)
{
	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);
	struct vssd_buf_pos pos;

	vssd_buf_pos_init(&pos, &cmd->buf);
	if (!vssd_store_equal(&vssd_cmd_cs_ns(cmd)->store, zc->off, &pos, zc->len))
		cmd->status = VSSD_SC(NVME_SC_COMPARE_FAILED);
}

static void vssd_zns_exec_write(struct vssd_cmd *cmd)
{
	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);
	struct vssd_buf_pos pos;

	vssd_buf_pos_init(&pos, &cmd->buf);
	if (vssd_store_write(&vssd_cmd_cs_ns(cmd)->store, zc->off, &pos, zc->len))
		cmd->status = VSSD_SC(NVME_SC_INTERNAL);
}

/* Write Zeroes, and a reset zone: the bytes read as zeros again. */
static void vssd_zns_exec_discard(struct vssd_cmd *cmd)
{
	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);

	vssd_store_discard(&vssd_cmd_cs_ns(cmd)->store, zc->off, zc->len);
}

/* A select-all Reset or Offline: the data of every zone it changed goes. */
static void vssd_zns_exec_discard_zones(struct vssd_cmd *cmd)
{
	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);
	struct vssd_cs_ns *ns = vssd_cmd_cs_ns(cmd);
	struct vssd_zns *zns = ns->data;
	u64 zone_bytes = zns->zones.cfg.zone_blocks << ns->lba_shift;
	unsigned long zone;

	for_each_set_bit(zone, zc->zones, zns->zones.nr_zones)
		vssd_store_discard(&ns->store, zone * zone_bytes, zone_bytes);
	bitmap_free(zc->zones);
	zc->zones = NULL;
}

static u64 vssd_zns_read_time(struct vssd_zns *zns, u64 slba, u64 nlb, u64 now)
{
	struct vssd_cs_ns *ns = zns->ns;
	u64 end = slba + nlb, done = now;

	if (vssd_media_untimed(ns->ctrl))
		return now;
	if (!zns->timed_flash)
		return vssd_media_read(ns, slba << ns->lba_shift, nlb << ns->lba_shift, now);
	/* Reads may cross zones: each zone's part is timed on its pages. */
	while (slba < end) {
		u32 zone = vssd_zone_of(&zns->zones, slba);
		u64 start = vssd_zone_start(&zns->zones, zone);
		u64 part = min_t(u64, end, start + zns->zones.cfg.zone_blocks) - slba;
		u64 t = vssd_zflash_read(&zns->flash, zone, (slba - start) << ns->lba_shift,
					 part << ns->lba_shift, now);

		done = max_t(u64, done, t);
		slba += part;
	}
	return done;
}

static void vssd_zns_read(struct vssd_ctrl *ctrl, struct vssd_zns *zns, struct vssd_cmd *cmd,
			  u64 now, u64 *deadline)
{
	struct vssd_cs_ns *ns = zns->ns;
	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);
	u64 slba = le64_to_cpu(cmd->sqe.rw.slba);
	u64 nlb = (u64)le16_to_cpu(cmd->sqe.rw.length) + 1;

	cmd->status = vssd_zns_status(vssd_zone_read(&zns->zones, slba, nlb));
	if (!cmd->status)
		cmd->status = vssd_nvm_check_xfer(ctrl, cmd, nlb << ns->lba_shift);
	if (cmd->status)
		return;
	zc->off = slba << ns->lba_shift;
	zc->len = nlb << ns->lba_shift;
	*deadline = vssd_zns_read_time(zns, slba, nlb, now);
	cmd->exec = cmd->sqe.common.opcode == nvme_cmd_read ? vssd_zns_exec_read :
							      vssd_zns_exec_compare;
}

/* Write, Write Zeroes and Zone Append: at the write pointer. */
static void vssd_zns_write(struct vssd_ctrl *ctrl, struct vssd_zns *zns, struct vssd_cmd *cmd,
			   u64 now, u64 *deadline)
{
	struct vssd_cs_ns *ns = zns->ns;
	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);
	u8 opcode = cmd->sqe.common.opcode;
	u64 slba = le64_to_cpu(cmd->sqe.rw.slba);
	u64 nlb = (u64)le16_to_cpu(cmd->sqe.rw.length) + 1;
	bool fua = le16_to_cpu(cmd->sqe.rw.control) & NVME_RW_FUA;
	u64 bytes = nlb << ns->lba_shift, lba;

	if (opcode != nvme_cmd_write_zeroes) {
		cmd->status = vssd_nvm_check_xfer(ctrl, cmd, bytes);
		if (cmd->status)
			return;
	}
	cmd->status = vssd_zns_status(vssd_zone_write(&zns->zones, slba, nlb,
						      opcode == nvme_cmd_zone_append, &lba));
	if (cmd->status)
		return;
	zc->off = lba << ns->lba_shift;
	zc->len = bytes;
	if (opcode == nvme_cmd_zone_append)
		cmd->result = lba;
	cmd->exec = opcode == nvme_cmd_write_zeroes ? vssd_zns_exec_discard :
						      vssd_zns_exec_write;
	if (zns->timed_flash)
		vssd_zflash_write(&zns->flash, vssd_zone_of(&zns->zones, lba), bytes, now,
				  fua || !vssd_ctrl_write_cache(ctrl), deadline);
	else if (!vssd_media_untimed(ctrl))
		vssd_media_write(ns, zc->off, bytes, now, deadline);
}

/* Flush: every zone's partial page goes to flash, then the buffer drains. */
static u64 vssd_zns_flush(struct vssd_zns *zns, u64 now)
{
	u64 done;

	if (!zns->timed_flash)
		return now;
	done = vssd_zflash_sync_all(&zns->flash, now);
	return max_t(u64, done, zns->flash.nand->wb_last_release);
}

struct vssd_zns_mgmt {
	struct vssd_zns *zns;
	struct vssd_cmd *cmd;
	u8 action;
	bool all;
	u64 now;
	u64 done;
};

/* A zone a Zone Management Send action changed: its flash and data. */
static void vssd_zns_mgmt_done(void *ctx, u32 zone, u64 old_wp)
{
	struct vssd_zns_mgmt *m = ctx;
	struct vssd_zns *zns = m->zns;
	struct vssd_cs_ns *ns = zns->ns;
	u64 off = vssd_zone_start(&zns->zones, zone) << ns->lba_shift;
	u64 len = old_wp << ns->lba_shift;

	switch (m->action) {
	case VSSD_ZA_FINISH:
		if (zns->timed_flash)
			m->done = max_t(u64, m->done, vssd_zflash_sync(&zns->flash, zone, m->now));
		return;
	case VSSD_ZA_RESET:
		if (zns->timed_flash)
			m->done = max_t(u64, m->done, vssd_zflash_reset(&zns->flash, zone, m->now));
		break;
	case VSSD_ZA_OFFLINE:
		if (zns->timed_flash)
			vssd_zflash_drop(&zns->flash, zone, m->now);
		break;
	default:
		return;
	}
	if (!len)
		return;
	if (m->all) {
		/* The worker drops it; without a bitmap, now (under the lock). */
		if (vssd_zns_cmd(m->cmd)->zones)
			__set_bit(zone, vssd_zns_cmd(m->cmd)->zones);
		else
			vssd_store_discard(&ns->store, off, len);
		return;
	}
	vssd_zns_cmd(m->cmd)->off = off;
	vssd_zns_cmd(m->cmd)->len = len;
	m->cmd->exec = vssd_zns_exec_discard;
}

static void vssd_zns_mgmt_send(struct vssd_zns *zns, struct vssd_cmd *cmd, u64 now,
			       u64 *deadline)
{
	struct vssd_zns_mgmt m = {
		.zns = zns, .cmd = cmd, .action = cmd->sqe.zms.zsa,
		.all = cmd->sqe.zms.select_all & 1, .now = now, .done = now,
	};

	struct vssd_zns_cmd *zc = vssd_zns_cmd(cmd);

	zc->zones = NULL;
	if (m.all && (m.action == VSSD_ZA_RESET || m.action == VSSD_ZA_OFFLINE))
		zc->zones = bitmap_zalloc(zns->zones.nr_zones, VSSD_ZNS_GFP);
	cmd->status = vssd_zns_status(vssd_zone_mgmt(&zns->zones,
						     le64_to_cpu(cmd->sqe.zms.slba), m.action,
						     m.all, vssd_zns_mgmt_done, &m));
	*deadline = m.done;
	if (!zc->zones)
		return;
	if (!cmd->status && !bitmap_empty(zc->zones, zns->zones.nr_zones)) {
		cmd->exec = vssd_zns_exec_discard_zones;
		return;
	}
	bitmap_free(zc->zones);
	zc->zones = NULL;
}

/*
 * Report Zones: built into the host's buffer here, under the dispatch lock,
 * so that it is one consistent picture of the zones.
 */
static void vssd_zns_mgmt_recv(struct vssd_ctrl *ctrl, struct vssd_zns *zns,
			       struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	struct vssd_zoned *z = &zns->zones;
	u64 slba = le64_to_cpu(cmd->sqe.zmr.slba);
	u64 bytes = ((u64)le32_to_cpu(cmd->sqe.zmr.numd) + 1) * 4, total = 0, fit, sent = 0;
	u8 filter = cmd->sqe.zmr.zrasf;
	bool partial = cmd->sqe.zmr.pr & NVME_REPORT_ZONE_PARTIAL;
	u8 desc[VSSD_ZONE_DESC_SIZE], hdr[VSSD_ZONE_REPORT_HDR] = {};
	struct vssd_buf_pos pos;
	u32 zone, first;

	if (cmd->sqe.zmr.zra != NVME_ZRA_ZONE_REPORT || filter > VSSD_ZONE_FILTER_MAX) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	cmd->status = vssd_nvm_check_xfer(ctrl, cmd, bytes);
	if (cmd->status)
		return;
	if (slba >= zns->ns->nr_lbas) {
		cmd->status = VSSD_SC(NVME_SC_LBA_RANGE);
		return;
	}
	first = vssd_zone_of(z, slba);
	fit = bytes > VSSD_ZONE_REPORT_HDR ?
	      (bytes - VSSD_ZONE_REPORT_HDR) / VSSD_ZONE_DESC_SIZE : 0;
	if (filter == VSSD_ZONE_FILTER_ALL)
		total = z->nr_zones - first;
	else
		/* Partial: no need to count past what fits. */
		for (zone = first; zone < z->nr_zones && (!partial || total < fit); zone++)
			total += vssd_zone_matches(z, zone, filter);
	put_unaligned_le64(partial ? min(total, fit) : total, hdr);
	vssd_buf_pos_init(&pos, &cmd->buf);
	vssd_buf_copy_to(&pos, hdr, min_t(u64, bytes, sizeof(hdr)));
	for (zone = first; zone < z->nr_zones && sent < fit; zone++) {
		if (!vssd_zone_matches(z, zone, filter))
			continue;
		vssd_zone_describe(z, zone, desc);
		vssd_buf_copy_to(&pos, desc, sizeof(desc));
		sent++;
	}
	if (bytes > VSSD_ZONE_REPORT_HDR + sent * VSSD_ZONE_DESC_SIZE)
		vssd_buf_zero(&pos, bytes - VSSD_ZONE_REPORT_HDR - sent * VSSD_ZONE_DESC_SIZE);
	*deadline = zns->timed_flash ? now + zns->flash.nand->cfg.fw_read_ns : now;
}

/*
 * A zone the device failed: offline data is gone, flash and all (dropped
 * here, under the dispatch lock: a fault injected by the administrator).
 */
u16 vssd_zns_zone_failed(struct vssd_zns *zns, u32 zone, u8 state)
{
	struct vssd_cs_ns *ns = zns->ns;
	u64 off = vssd_zone_start(&zns->zones, zone) << ns->lba_shift;
	u64 len = zns->zones.cfg.zone_blocks << ns->lba_shift;
	u16 status = vssd_zone_fail(&zns->zones, zone, state);

	if (status)
		return status;
	/* Read-only keeps the data: what was buffered goes to flash. */
	if (state != VSSD_ZS_OFFLINE) {
		if (zns->timed_flash)
			vssd_zflash_sync(&zns->flash, zone, 0);
		return 0;
	}
	if (zns->timed_flash)
		vssd_zflash_drop(&zns->flash, zone, 0);
	vssd_store_discard(&ns->store, off, len);
	return 0;
}

void vssd_zns_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	struct vssd_zns *zns = vssd_cmd_cs_ns(cmd)->data;

	vssd_assert_dispatching(ctrl);
	switch (cmd->sqe.common.opcode) {
	case nvme_cmd_flush:
		*deadline = vssd_zns_flush(zns, now);
		break;
	case nvme_cmd_read:
	case nvme_cmd_compare:
		vssd_zns_read(ctrl, zns, cmd, now, deadline);
		break;
	case nvme_cmd_write:
	case nvme_cmd_write_zeroes:
	case nvme_cmd_zone_append:
		vssd_zns_write(ctrl, zns, cmd, now, deadline);
		break;
	case nvme_cmd_dsm:
		/* Ranges are checked; nothing in a zone is deallocated. */
		cmd->status = vssd_nvm_check_dsm(cmd);
		break;
	case nvme_cmd_zone_mgmt_send:
		vssd_zns_mgmt_send(zns, cmd, now, deadline);
		break;
	case nvme_cmd_zone_mgmt_recv:
		vssd_zns_mgmt_recv(ctrl, zns, cmd, now, deadline);
		break;
	default:
		cmd->status = VSSD_SC(NVME_SC_INVALID_OPCODE);
		break;
	}
}

/* Statistics: Zone Append moves data as a Write does. */
u8 vssd_zns_stat_opcode(const struct vssd_cmd *cmd)
{
	u8 opcode = cmd->sqe.common.opcode;

	return opcode == nvme_cmd_zone_append ? nvme_cmd_write : opcode;
}
