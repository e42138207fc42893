// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the NVM command set.
 *
 * nvm_prepare runs on the dispatcher: it checks the namespace, every LBA
 * range and the data length before anything is touched, asks the model for
 * the deadline and picks the data-phase function the worker will run.
 */
#include "vssd.h"

/* Byte offset and length of a Read, Write or Compare (checked on dispatch). */
static void vssd_nvm_rw_range(struct vssd_cmd *cmd, u64 *off, u32 *len,
			      struct vssd_buf_pos *pos)
{
	u8 shift = cmd->ns->cs.lba_shift;

	*off = le64_to_cpu(cmd->sqe.rw.slba) << shift;
	*len = (le16_to_cpu(cmd->sqe.rw.length) + 1) << shift;
	vssd_buf_pos_init(pos, &cmd->buf);
}

static void vssd_nvm_exec_read(struct vssd_cmd *cmd)
{
	struct vssd_buf_pos pos;
	u64 off;
	u32 len;

	vssd_nvm_rw_range(cmd, &off, &len, &pos);
	vssd_store_read(&cmd->ns->cs.store, off, &pos, len);
}

static void vssd_nvm_exec_write(struct vssd_cmd *cmd)
{
	struct vssd_buf_pos pos;
	u64 off;
	u32 len;

	vssd_nvm_rw_range(cmd, &off, &len, &pos);
	if (!vssd_pl_lock(cmd))
		return;
	vssd_pl_log(cmd, off >> cmd->ns->cs.lba_shift, len >> cmd->ns->cs.lba_shift,
		    vssd_pl_durable(cmd));
	if (vssd_store_write(&cmd->ns->cs.store, off, &pos, len))
		cmd->status = VSSD_SC(NVME_SC_INTERNAL);
	vssd_pl_unlock(cmd);
}

static void vssd_nvm_exec_compare(struct vssd_cmd *cmd)
{
	struct vssd_buf_pos pos;
	u64 off;
	u32 len;

	vssd_nvm_rw_range(cmd, &off, &len, &pos);
	if (!vssd_store_equal(&cmd->ns->cs.store, off, &pos, len))
		cmd->status = VSSD_SC(NVME_SC_COMPARE_FAILED);
}

static void vssd_nvm_exec_write_zeroes(struct vssd_cmd *cmd)
{
	struct vssd_ns *ns = cmd->ns;
	u64 slba = le64_to_cpu(cmd->sqe.write_zeroes.slba);
	u64 nlb = le16_to_cpu(cmd->sqe.write_zeroes.length) + 1;

	if (!vssd_pl_lock(cmd))
		return;
	vssd_pl_log(cmd, slba, nlb, vssd_pl_durable(cmd));
	vssd_store_discard(&ns->cs.store, slba << ns->cs.lba_shift, nlb << ns->cs.lba_shift);
	vssd_pl_unlock(cmd);
}

static int vssd_nvm_dsm_range(struct vssd_cmd *cmd, u32 i, u64 *slba, u64 *nlb)
{
	struct nvme_dsm_range range;
	int ret = vssd_buf_read_at(&cmd->buf, i * sizeof(range), &range, sizeof(range));

	*slba = le64_to_cpu(range.slba);
	*nlb = le32_to_cpu(range.nlb);
	return ret;
}

static void vssd_nvm_exec_dsm(struct vssd_cmd *cmd)
{
	struct vssd_ns *ns = cmd->ns;
	u32 i, nr = (le32_to_cpu(cmd->sqe.dsm.nr) & 0xff) + 1;
	u64 slba, nlb;

	if (!vssd_pl_lock(cmd))
		return;
	for (i = 0; i < nr; i++) {
		if (vssd_nvm_dsm_range(cmd, i, &slba, &nlb) || !nlb)
			continue;
		vssd_pl_log(cmd, slba, nlb, vssd_pl_durable(cmd));
		vssd_store_discard(&ns->cs.store, slba << ns->cs.lba_shift,
				   nlb << ns->cs.lba_shift);
	}
	vssd_pl_unlock(cmd);
}

static int vssd_nvm_copy_range(struct vssd_cmd *cmd, u32 i, u64 *slba, u64 *nlb)
{
	struct vssd_copy_range range;
	int ret = vssd_buf_read_at(&cmd->buf, i * sizeof(range), &range, sizeof(range));

	*slba = le64_to_cpu(range.slba);
	*nlb = (u64)le16_to_cpu(range.nlb) + 1;
	return ret;
}

static u64 vssd_nvm_copy_dest(struct vssd_cmd *cmd)
{
	return le32_to_cpu(cmd->sqe.common.cdw10) |
	       (u64)le32_to_cpu(cmd->sqe.common.cdw11) << 32;
}

static void vssd_nvm_exec_copy(struct vssd_cmd *cmd)
{
	struct vssd_ns *ns = cmd->ns;
	u32 i, nr = (le32_to_cpu(cmd->sqe.common.cdw12) & 0xff) + 1;
	u64 dst = vssd_nvm_copy_dest(cmd), slba, nlb;

	if (!vssd_pl_lock(cmd))
		return;
	for (i = 0; i < nr; i++) {
		if (vssd_nvm_copy_range(cmd, i, &slba, &nlb))
			break;
		vssd_pl_log(cmd, dst, nlb, vssd_pl_durable(cmd));
		if (vssd_store_copy(&ns->cs.store, dst << ns->cs.lba_shift,
				    slba << ns->cs.lba_shift, nlb << ns->cs.lba_shift)) {
			cmd->status = VSSD_SC(NVME_SC_INTERNAL);
			break;
		}
		dst += nlb;
	}
	vssd_pl_unlock(cmd);
}

static bool vssd_nvm_range_ok(struct vssd_ns *ns, u64 slba, u64 nlb)
{
	return slba < ns->cs.nr_lbas && nlb <= ns->cs.nr_lbas - slba;
}

u16 vssd_nvm_check_xfer(struct vssd_ctrl *ctrl, const struct vssd_cmd *cmd, u64 bytes)
{
	if (bytes > (u64)ctrl->params.max_transfer_kb * 1024 || bytes > cmd->buf.len)
		return VSSD_SC(NVME_SC_INVALID_FIELD);
	return 0;
}

static u16 vssd_nvm_check_rw(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	struct vssd_ns *ns = cmd->ns;
	u64 slba = le64_to_cpu(cmd->sqe.rw.slba);
	u64 nlb = le16_to_cpu(cmd->sqe.rw.length) + 1;

	if (!vssd_nvm_range_ok(ns, slba, nlb))
		return VSSD_SC(NVME_SC_LBA_RANGE);
	return vssd_nvm_check_xfer(ctrl, cmd, nlb << ns->cs.lba_shift);
}

static void vssd_nvm_rw(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			u64 *deadline)
{
	struct vssd_ns *ns = cmd->ns;
	u64 off = le64_to_cpu(cmd->sqe.rw.slba) << ns->cs.lba_shift;
	u64 len = (u64)(le16_to_cpu(cmd->sqe.rw.length) + 1) << ns->cs.lba_shift;

	cmd->status = vssd_nvm_check_rw(ctrl, cmd);
	if (cmd->status)
		return;
	switch (cmd->sqe.common.opcode) {
	case nvme_cmd_read:
		*deadline = ctrl->model->read(ns, off, len, now);
		cmd->exec = vssd_nvm_exec_read;
		break;
	case nvme_cmd_compare:
		*deadline = ctrl->model->read(ns, off, len, now);
		cmd->exec = vssd_nvm_exec_compare;
		break;
	default:
		if (ctrl->model->write(ns, off, len, now, deadline)) {
			cmd->status = VSSD_SC(NVME_SC_CAP_EXCEEDED);
			return;
		}
		cmd->exec = vssd_nvm_exec_write;
		break;
	}
}

static void vssd_nvm_trim(struct vssd_ctrl *ctrl, struct vssd_ns *ns, u64 slba, u64 nlb)
{
	if (ctrl->model->trim)
		ctrl->model->trim(ns, slba << ns->cs.lba_shift, nlb << ns->cs.lba_shift);
}

/* Write Zeroes: the range is deallocated, which reads back as zeros. */
static void vssd_nvm_write_zeroes(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	struct vssd_ns *ns = cmd->ns;
	u64 slba = le64_to_cpu(cmd->sqe.write_zeroes.slba);
	u64 nlb = le16_to_cpu(cmd->sqe.write_zeroes.length) + 1;

	if (!vssd_nvm_range_ok(ns, slba, nlb)) {
		cmd->status = VSSD_SC(NVME_SC_LBA_RANGE);
		return;
	}
	vssd_nvm_trim(ctrl, ns, slba, nlb);
	cmd->exec = vssd_nvm_exec_write_zeroes;
}

u16 vssd_nvm_check_dsm(struct vssd_cmd *cmd)
{
	u32 i, nr = (le32_to_cpu(cmd->sqe.dsm.nr) & 0xff) + 1;
	u64 slba, nlb;

	if (cmd->buf.len < nr * sizeof(struct nvme_dsm_range))
		return VSSD_SC(NVME_SC_INVALID_FIELD);
	for (i = 0; i < nr; i++) {
		if (vssd_nvm_dsm_range(cmd, i, &slba, &nlb))
			return VSSD_SC(NVME_SC_INVALID_FIELD);
		if (nlb && !vssd_nvm_range_ok(cmd->ns, slba, nlb))
			return VSSD_SC(NVME_SC_LBA_RANGE);
	}
	return 0;
}

/* Dataset Management: all ranges are checked before any is deallocated. */
static void vssd_nvm_dsm(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	struct vssd_ns *ns = cmd->ns;
	u32 i, nr = (le32_to_cpu(cmd->sqe.dsm.nr) & 0xff) + 1;
	bool deallocate = le32_to_cpu(cmd->sqe.dsm.attributes) & NVME_DSMGMT_AD;
	u64 slba, nlb;

	cmd->status = vssd_nvm_check_dsm(cmd);
	if (cmd->status || !deallocate)
		return;		/* refused, or only hints: nothing to do */
	for (i = 0; i < nr; i++) {
		vssd_nvm_dsm_range(cmd, i, &slba, &nlb);
		if (nlb) {
			vssd_nvm_trim(ctrl, ns, slba, nlb);
			ctrl->stats.bytes_deallocated += nlb << ns->cs.lba_shift;
		}
	}
	cmd->exec = vssd_nvm_exec_dsm;
}

/*
 * Copy (descriptor format 0): every source range and the destination are
 * checked against the namespace and the limits Identify Namespace states.
 * Timing: all source reads, then one write of the total.
 */
static void vssd_nvm_copy(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			  u64 *deadline)
{
	struct vssd_ns *ns = cmd->ns;
	u32 cdw12 = le32_to_cpu(cmd->sqe.common.cdw12);
	u32 i, nr = (cdw12 & 0xff) + 1;
	u64 dst = vssd_nvm_copy_dest(cmd), total = 0, slba, nlb, ready = now;
	u64 max_single = (u64)ctrl->params.max_transfer_kb * 1024 >> ns->cs.lba_shift;

	if (((cdw12 >> 8) & 0xf) != 0 || nr > VSSD_MAX_COPY_RANGES ||
	    cmd->buf.len < nr * sizeof(struct vssd_copy_range)) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	for (i = 0; i < nr; i++) {
		if (vssd_nvm_copy_range(cmd, i, &slba, &nlb) || nlb > max_single) {
			cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
			return;
		}
		if (!vssd_nvm_range_ok(ns, slba, nlb)) {
			cmd->status = VSSD_SC(NVME_SC_LBA_RANGE);
			return;
		}
		total += nlb;
	}
	if (total > max_single * VSSD_MAX_COPY_RANGES) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		return;
	}
	if (!vssd_nvm_range_ok(ns, dst, total)) {
		cmd->status = VSSD_SC(NVME_SC_LBA_RANGE);
		return;
	}
	for (i = 0; i < nr; i++) {
		vssd_nvm_copy_range(cmd, i, &slba, &nlb);
		ready = max(ready, ctrl->model->read(ns, slba << ns->cs.lba_shift,
						     nlb << ns->cs.lba_shift, now));
	}
	if (ctrl->model->write(ns, dst << ns->cs.lba_shift, total << ns->cs.lba_shift,
			       ready, deadline)) {
		cmd->status = VSSD_SC(NVME_SC_CAP_EXCEEDED);
		return;
	}
	ctrl->stats.bytes_copied += total << ns->cs.lba_shift;
	cmd->exec = vssd_nvm_exec_copy;
}

static void vssd_nvm_exec_read_zeros(struct vssd_cmd *cmd)
{
	struct vssd_buf_pos pos;
	u64 off;
	u32 len;

	vssd_nvm_rw_range(cmd, &off, &len, &pos);
	vssd_buf_zero(&pos, len);
}

/*
 * A namespace presented as NVM that holds no blocks (<vssd/cs.h>): reads
 * see zeros, Flush succeeds, everything else (writes) is refused.
 */
void vssd_nvm_prepare_empty(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			    u64 *deadline)
{
	switch (cmd->sqe.common.opcode) {
	case nvme_cmd_flush:
		break;
	case nvme_cmd_read:
		cmd->status = vssd_nvm_check_rw(ctrl, cmd);
		if (!cmd->status)
			cmd->exec = vssd_nvm_exec_read_zeros;
		break;
	default:
		cmd->status = VSSD_SC(NVME_SC_INVALID_OPCODE);
		break;
	}
}

static void vssd_nvm_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			     u64 *deadline)
{
	switch (cmd->sqe.common.opcode) {
	case nvme_cmd_flush:
		*deadline = ctrl->model->flush(ctrl, now);
		if (cmd->ns->pl.cached)
			cmd->exec = vssd_pl_exec_flush;
		break;
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_compare:
		vssd_nvm_rw(ctrl, cmd, now, deadline);
		break;
	case nvme_cmd_write_zeroes:
		vssd_nvm_write_zeroes(ctrl, cmd);
		break;
	case nvme_cmd_dsm:
		vssd_nvm_dsm(ctrl, cmd);
		break;
	case VSSD_NVM_CMD_COPY:
		vssd_nvm_copy(ctrl, cmd, now, deadline);
		break;
	default:
		cmd->status = VSSD_SC(NVME_SC_INVALID_OPCODE);
		break;
	}
}

static const struct vssd_effect vssd_nvm_io_effects[] = {
	{ nvme_cmd_flush, VSSD_EFFECT_SUPPORTED }, { nvme_cmd_read, VSSD_EFFECT_SUPPORTED },
	{ nvme_cmd_compare, VSSD_EFFECT_SUPPORTED },
	{ nvme_cmd_write, VSSD_EFFECT_CHANGES }, { nvme_cmd_write_zeroes, VSSD_EFFECT_CHANGES },
	{ nvme_cmd_dsm, VSSD_EFFECT_CHANGES }, { VSSD_NVM_CMD_COPY, VSSD_EFFECT_CHANGES },
};

static void vssd_nvm_effects(struct vssd_ctrl *ctrl, u8 csi, struct nvme_effects_log *log)
{
	if (csi == NVME_CSI_NVM)
		vssd_effects_fill(log->iocs, vssd_nvm_io_effects,
				  ARRAY_SIZE(vssd_nvm_io_effects));
}

/* The FTL of the controller's model keeps a block namespace's state. */
static int vssd_nvm_ns_init(struct vssd_cs_ns *cs)
{
	struct vssd_ns *ns = container_of(cs, struct vssd_ns, cs);
	struct vssd_ctrl *ctrl = cs->ctrl;

	return ctrl->model->ns_init ? ctrl->model->ns_init(ns) : 0;
}

static void vssd_nvm_ns_exit(struct vssd_cs_ns *cs)
{
	struct vssd_ns *ns = container_of(cs, struct vssd_ns, cs);
	struct vssd_ctrl *ctrl = cs->ctrl;

	if (ns->model_data && ctrl->model->ns_exit)
		ctrl->model->ns_exit(ns);
}

static void vssd_nvm_format(struct vssd_cs_ns *cs)
{
	struct vssd_ctrl *ctrl = cs->ctrl;

	if (ctrl->model->format)
		ctrl->model->format(container_of(cs, struct vssd_ns, cs));
}

/* Block I/O, the default command set; the model's FTL keeps the state. */
const struct vssd_cs_ops vssd_cs_nvm = {
	.name = "nvm", .csi = NVME_CSI_NVM, .blocks = true,
	/* a namespace's life */
	.ns_init = vssd_nvm_ns_init, .ns_exit = vssd_nvm_ns_exit, .format = vssd_nvm_format,
	/* its commands */
	.prepare = vssd_nvm_prepare, .effects = vssd_nvm_effects,
};
