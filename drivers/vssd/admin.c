// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the admin command set (queue 0).
 *
 * Commands that only read or set controller state finish on the
 * dispatcher; Identify and Get Log Page build their data on a worker; Format
 * resets the FTL here (the dispatcher owns model state) and frees the store
 * on a worker.  Queue management and the rest of the optional commands get
 * Invalid Opcode: vssd's queues are fixed at power-on.
 */
#include "vssd.h"

static u16 vssd_admin_identify_check(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	u32 nsid = le32_to_cpu(cmd->sqe.identify.nsid);
	u8 cns = cmd->sqe.identify.cns;
	u8 csi = cmd->sqe.identify.csi;

	switch (cns) {
	case NVME_ID_CNS_CTRL:
		return 0;
	case NVME_ID_CNS_NS_ACTIVE_LIST:
	case VSSD_CNS_NS_ACTIVE_LIST_CS:
		/* The namespaces after NSID: none can follow FFFFFFFEh. */
		if (nsid >= NVME_NSID_ALL - 1)
			return VSSD_SC(NVME_SC_INVALID_NS);
		if (cns == NVME_ID_CNS_NS_ACTIVE_LIST)
			return 0;
		fallthrough;
	case NVME_ID_CNS_CS_CTRL:
		return vssd_cs_csi_known(csi) ? 0 : VSSD_SC(NVME_SC_INVALID_FIELD);
	case NVME_ID_CNS_NS:
	case NVME_ID_CNS_NS_DESC_LIST:
	case NVME_ID_CNS_NS_CS_INDEP:
		/* An inactive NSID in range reads as zeros; others are invalid. */
		if (!nsid || nsid > VSSD_MAX_NSID)
			return VSSD_SC(NVME_SC_INVALID_NS);
		return 0;
	case NVME_ID_CNS_CS_NS:
		if (!nsid || nsid > VSSD_MAX_NSID)
			return VSSD_SC(NVME_SC_INVALID_NS);
		if (vssd_ns_get(ctrl, nsid) &&
		    csi != vssd_ns_presented_csi(vssd_ns_get(ctrl, nsid)))
			return VSSD_SC(NVME_SC_INVALID_IO_CMD_SET);
		return 0;
	default:
		return VSSD_SC(NVME_SC_INVALID_FIELD);
	}
}

static u16 vssd_admin_get_log_check(struct vssd_cmd *cmd)
{
	if (vssd_get_log_len(&cmd->sqe) > cmd->buf.len ||
	    vssd_get_log_offset(&cmd->sqe) & 3)
		return VSSD_SC(NVME_SC_INVALID_FIELD);
	return 0;
}

static u32 vssd_num_queues_result(struct vssd_ctrl *ctrl)
{
	u32 n = ctrl->nr_io_queues - 1;

	return n | n << 16;
}

static void vssd_admin_get_features(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	u32 cdw10 = le32_to_cpu(cmd->sqe.common.cdw10);
	u8 sel = (cdw10 >> 8) & 0x7;
	const struct vssd_cs_ops *cs;

	if (sel == 3) {			/* supported capabilities: changeable */
		cmd->result = 0x4;
		return;
	}
	switch (cdw10 & 0xff) {
	case NVME_FEAT_ARBITRATION:
		cmd->result = sel == 1 ? 0 : ctrl->features.arbitration;
		break;
	case NVME_FEAT_POWER_MGMT:
	case NVME_FEAT_ERR_RECOVERY:
	case NVME_FEAT_IRQ_COALESCE:
	case NVME_FEAT_ASYNC_EVENT:
		cmd->result = 0;
		break;
	case NVME_FEAT_TEMP_THRESH:
		cmd->result = 358;	/* 85 C, in kelvin */
		break;
	case NVME_FEAT_VOLATILE_WC:
		cmd->result = sel == 1 ? 1 : ctrl->features.volatile_wc;
		break;
	case NVME_FEAT_NUM_QUEUES:
		cmd->result = vssd_num_queues_result(ctrl);
		break;
	default:
		cs = vssd_cs_of_feature(cdw10 & 0xff);
		if (cs)
			cmd->result = sel == 1 ? 0 :
				      ctrl->features.cs_config[vssd_cs_index(cs)];
		else
			cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		break;
	}
}

static void vssd_admin_set_features(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	u32 cdw10 = le32_to_cpu(cmd->sqe.common.cdw10);
	u32 cdw11 = le32_to_cpu(cmd->sqe.common.cdw11);
	const struct vssd_cs_ops *cs;

	if (cdw10 & BIT(31)) {
		cmd->status = VSSD_SC(NVME_SC_FEATURE_NOT_SAVEABLE);
		return;
	}
	switch (cdw10 & 0xff) {
	case NVME_FEAT_ARBITRATION:
		/* Round robin only: the burst and weights are kept, not used. */
		ctrl->features.arbitration = cdw11;
		break;
	case NVME_FEAT_VOLATILE_WC:
		/* Turned off, the cache writes back what it holds. */
		/*
		 * Off first, then written back: a write that still saw it
		 * on is in the cache by the time the flush takes its lock.
		 */
		WRITE_ONCE(ctrl->features.volatile_wc, cdw11 & 1);
		if (!(cdw11 & 1)) {
			vssd_pl_flush_all(ctrl);
			vssd_cs_cache_flush_all(ctrl);
		}
		break;
	case NVME_FEAT_NUM_QUEUES:
		/* Fixed at power-on: report what exists. */
		cmd->result = vssd_num_queues_result(ctrl);
		break;
	case NVME_FEAT_POWER_MGMT:
	case NVME_FEAT_ERR_RECOVERY:
	case NVME_FEAT_IRQ_COALESCE:
	case NVME_FEAT_ASYNC_EVENT:
	case NVME_FEAT_TEMP_THRESH:
		break;
	default:
		/* A command set's: controller-wide, its namespaces follow it. */
		cs = vssd_cs_of_feature(cdw10 & 0xff);
		if (!cs || (cdw11 & ~cs->config_mask))
			cmd->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		else
			ctrl->features.cs_config[vssd_cs_index(cs)] = cdw11;
		break;
	}
}

/*
 * Abort: a command a fault rule lost completes with Command Abort
 * Requested (fault/lost.c); every other command finishes at its deadline
 * anyway and is not aborted (result bit 0 set).
 */
static void vssd_admin_exec_abort(struct vssd_cmd *cmd)
{
	u32 cdw10 = le32_to_cpu(cmd->sqe.common.cdw10);

	cmd->result = !vssd_lost_abort(cmd->ctrl, cdw10 & 0xffff, cdw10 >> 16);
}

static void vssd_admin_exec_format(struct vssd_cmd *cmd)
{
	struct vssd_ctrl *ctrl = cmd->ctrl;
	u32 nsid = le32_to_cpu(cmd->sqe.format.nsid);
	struct vssd_ns *ns;

	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid)) {
		if (nsid != NVME_NSID_ALL && nsid != ns->cs.nsid)
			continue;
		/* Durable when it completes; nothing changes once the power is lost. */
		if (!vssd_pl_format(ns))
			cmd->status = VSSD_SC(NVME_SC_NS_NOT_READY);
	}
}

/*
 * Format NVM: only the one LBA format each namespace has, no protection
 * information; any Secure Erase Setting erases the same way.
 */
static void vssd_admin_format(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd)
{
	u32 nsid = le32_to_cpu(cmd->sqe.format.nsid);
	u32 cdw10 = le32_to_cpu(cmd->sqe.format.cdw10);
	struct vssd_ns *ns;

	if (nsid != NVME_NSID_ALL && !vssd_ns_get(ctrl, nsid)) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_NS);
		return;
	}
	/* After a power loss (fault/powerloss.c) the data stays as it was left. */
	if (READ_ONCE(ctrl->power_lost)) {
		cmd->status = VSSD_SC(NVME_SC_NS_NOT_READY);
		return;
	}
	if ((cdw10 & 0xf) != 0 || (cdw10 & (0x7 << 5)) || (cdw10 & BIT(4))) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_FORMAT);
		return;
	}
	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid))
		if ((nsid == NVME_NSID_ALL || nsid == ns->cs.nsid) && ns->ops->format)
			ns->ops->format(&ns->cs);
	cmd->exec = vssd_admin_exec_format;
}

void vssd_admin_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now,
			u64 *deadline)
{
	lockdep_assert_held(&ctrl->dispatch_lock);
	*deadline = now;
	switch (cmd->sqe.common.opcode) {
	case nvme_admin_identify:
		cmd->status = vssd_admin_identify_check(ctrl, cmd);
		cmd->exec = vssd_identify_exec;
		break;
	case nvme_admin_get_log_page:
		cmd->status = vssd_admin_get_log_check(cmd);
		cmd->exec = vssd_get_log_exec;
		break;
	case nvme_admin_get_features:
		vssd_admin_get_features(ctrl, cmd);
		break;
	case nvme_admin_set_features:
		vssd_admin_set_features(ctrl, cmd);
		break;
	case nvme_admin_abort_cmd:
		/* On a worker: completing the lost command may start new I/O. */
		cmd->exec = vssd_admin_exec_abort;
		break;
	case nvme_admin_keep_alive:
		break;
	case nvme_admin_format_nvm:
		vssd_admin_format(ctrl, cmd);
		break;
	default:
		cmd->status = VSSD_SC(NVME_SC_INVALID_OPCODE);
		break;
	}
}
