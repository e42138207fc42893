// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: Get Log Page (error information, SMART / health, firmware slot,
 * commands supported and effects) and the error log itself.
 */
#include <linux/slab.h>
#include <vssd/compat.h>

#include "vssd.h"

#define VSSD_LOG_MAX	4096

/* Completed with an error: remember it for the error information log. */
void vssd_error_log_add(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	struct vssd_error_log *log = &ctrl->errors;
	struct nvme_error_slot *slot;
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	slot = &log->slots[log->count % VSSD_ERROR_LOG_ENTRIES];
	log->count++;
	memset(slot, 0, sizeof(*slot));
	slot->error_count = cpu_to_le64(log->count);
	slot->sqid = cpu_to_le16(cmd->qid);
	slot->cmdid = cmd->sqe.common.command_id;
	/* Status field as in the CQE: phase tag bit 0 clear. */
	slot->status_field = cpu_to_le16(cmd->status << 1);
	slot->param_error_location = cpu_to_le16(0xffff);
	if (cmd->qid && (cmd->sqe.common.opcode == nvme_cmd_read ||
			 cmd->sqe.common.opcode == nvme_cmd_write ||
			 cmd->sqe.common.opcode == nvme_cmd_compare))
		slot->lba = cmd->sqe.rw.slba;
	slot->nsid = cmd->sqe.common.nsid;
	spin_unlock_irqrestore(&log->lock, flags);
}

static u32 vssd_log_error(struct vssd_ctrl *ctrl, void *data)
{
	struct vssd_error_log *log = &ctrl->errors;
	struct nvme_error_slot *out = data;
	unsigned long flags;
	u64 i, n;

	spin_lock_irqsave(&log->lock, flags);
	n = min_t(u64, log->count, VSSD_ERROR_LOG_ENTRIES);
	/* Newest first. */
	for (i = 0; i < n; i++)
		out[i] = log->slots[(log->count - 1 - i) % VSSD_ERROR_LOG_ENTRIES];
	spin_unlock_irqrestore(&log->lock, flags);
	return VSSD_ERROR_LOG_ENTRIES * sizeof(struct nvme_error_slot);
}

static void vssd_put_le128(u8 *field, u64 value)
{
	put_unaligned_le64(value, field);
}

/* "Data units" are thousands of 512-byte units, rounded up. */
static u64 vssd_data_units(u64 bytes)
{
	return div64_u64((bytes >> 9) + 999, 1000);
}

static u32 vssd_log_smart(struct vssd_ctrl *ctrl, struct nvme_smart_log *log)
{
	const struct vssd_stats *s = &ctrl->stats;
	u32 used = vssd_wear_used(ctrl);

	log->critical_warning = vssd_wear_warning(used);
	log->temperature[0] = 313 & 0xff;		/* 40 C in kelvin */
	log->temperature[1] = 313 >> 8;
	log->avail_spare = vssd_wear_spare(used);
	log->spare_thresh = VSSD_WEAR_SPARE_THRESH;
	log->percent_used = used;
	vssd_put_le128(log->data_units_read, vssd_data_units(READ_ONCE(s->bytes_read)));
	vssd_put_le128(log->data_units_written,
		       vssd_data_units(READ_ONCE(s->bytes_written)));
	vssd_put_le128(log->host_reads, READ_ONCE(s->cmds[VSSD_STAT_READ]) +
					READ_ONCE(s->cmds[VSSD_STAT_COMPARE]));
	vssd_put_le128(log->host_writes, READ_ONCE(s->cmds[VSSD_STAT_WRITE]));
	vssd_put_le128(log->power_cycles, ctrl->power_cycles);
	vssd_put_le128(log->unsafe_shutdowns, READ_ONCE(ctrl->unsafe_shutdowns));
	vssd_put_le128(log->power_on_hours,
		       div64_u64(ktime_get_ns() - ctrl->power_on_ns,
				 3600ULL * NSEC_PER_SEC));
	vssd_put_le128(log->media_errors, READ_ONCE(s->media_errors));
	vssd_put_le128(log->num_err_log_entries, READ_ONCE(ctrl->errors.count));
	log->temp_sensor[0] = cpu_to_le16(313);
	return sizeof(*log);
}

static u32 vssd_log_fw_slot(struct nvme_fw_slot_info_log *log)
{
	log->afi = 1;
	memcpy_and_pad(&log->frs[0], sizeof(log->frs[0]), VSSD_VERSION,
		       strnlen(VSSD_VERSION, sizeof(log->frs[0])), ' ');
	return sizeof(*log);
}

static const struct vssd_effect vssd_admin_effects[] = {
	{ nvme_admin_get_log_page, VSSD_EFFECT_SUPPORTED },
	{ nvme_admin_identify, VSSD_EFFECT_SUPPORTED },
	{ nvme_admin_abort_cmd, VSSD_EFFECT_SUPPORTED },
	{ nvme_admin_set_features, VSSD_EFFECT_SUPPORTED },
	{ nvme_admin_get_features, VSSD_EFFECT_SUPPORTED },
	{ nvme_admin_keep_alive, VSSD_EFFECT_SUPPORTED },
	/* Format changes content, capacity and identify data, per namespace. */
	{ nvme_admin_format_nvm, VSSD_EFFECT_CHANGES | NVME_CMD_EFFECTS_NCC |
				 NVME_CMD_EFFECTS_NIC | (1 << 16) },
};

static u32 vssd_log_effects(struct vssd_ctrl *ctrl, u8 csi, struct nvme_effects_log *log)
{
	const struct vssd_cs_ops *cs;
	unsigned int i;

	vssd_effects_fill(log->acs, vssd_admin_effects, ARRAY_SIZE(vssd_admin_effects));
	/* Each command set adds its I/O commands (those of @csi, or others). */
	for (i = 0; (cs = vssd_cs_at(i)); i++)
		if (cs->effects)
			cs->effects(ctrl, csi, log);
	return sizeof(*log);
}

/* Worker: the length and offset alignment were checked on the dispatcher. */
void vssd_get_log_exec(struct vssd_cmd *cmd)
{
	struct vssd_ctrl *ctrl = cmd->ctrl;
	u32 cdw10 = le32_to_cpu(cmd->sqe.common.cdw10);
	/* At most the buffer (checked on the dispatcher): fits in a u32. */
	u32 len = vssd_get_log_len(&cmd->sqe);
	u64 offset = vssd_get_log_offset(&cmd->sqe);
	u8 csi = le32_to_cpu(cmd->sqe.common.cdw14) >> VSSD_LOG_CSI_SHIFT;
	struct vssd_buf_pos pos;
	void *data;
	u32 size, n;

	data = kzalloc(VSSD_LOG_MAX, GFP_KERNEL);
	if (!data) {
		cmd->status = VSSD_SC(NVME_SC_INTERNAL);
		return;
	}
	switch (cdw10 & 0xff) {
	case NVME_LOG_ERROR:
		size = vssd_log_error(ctrl, data);
		break;
	case NVME_LOG_SMART:
		size = vssd_log_smart(ctrl, data);
		break;
	case NVME_LOG_FW_SLOT:
		size = vssd_log_fw_slot(data);
		break;
	case NVME_LOG_CMD_EFFECTS:
		size = vssd_log_effects(ctrl, csi, data);
		break;
	default:
		cmd->status = VSSD_SC(NVME_SC_INVALID_LOG_PAGE);
		goto out;
	}
	if (offset >= size) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		goto out;
	}
	n = min_t(u64, len, size - offset);
	vssd_buf_pos_init(&pos, &cmd->buf);
	vssd_buf_copy_to(&pos, data + offset, n);
	vssd_buf_zero(&pos, len - n);
out:
	kfree(data);
}
