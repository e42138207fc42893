// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: Identify data structures (CNS 00h, 01h, 02h, 03h, 05h, 06h, 07h,
 * 08h).  Built on a worker into a zeroed 4 KiB page and copied into the
 * command's data.
 */
#include <linux/log2.h>
#include <linux/slab.h>
#include <vssd/compat.h>

#include "vssd.h"

#define VSSD_ID_SIZE	4096

/* An Identify string field: ASCII, space-padded, no terminating NUL. */
static void vssd_copy_padded(char *dst, size_t size, const char *src)
{
	memcpy_and_pad(dst, size, src, strnlen(src, size), ' ');
}

static void vssd_identify_ctrl(struct vssd_ctrl *ctrl, struct nvme_id_ctrl *id)
{
	char model_name[40];
	const char *preset;
	u64 capacity = 0;
	struct vssd_ns *ns;
	u8 *raw = (u8 *)id;

	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid))
		capacity += ns->cs.store.size;

	vssd_copy_padded(id->sn, sizeof(id->sn), ctrl->serial);
	/* What the device is: its preset, or its model when no preset matches. */
	preset = vssd_preset_matching(&ctrl->params);
	snprintf(model_name, sizeof(model_name), "vssd %s",
		 strcmp(preset, "custom") ? preset : ctrl->params.model);
	vssd_copy_padded(id->mn, sizeof(id->mn), model_name);
	vssd_copy_padded(id->fr, sizeof(id->fr), VSSD_VERSION);
	id->mdts = ilog2(ctrl->params.max_transfer_kb / 4);
	id->cntlid = cpu_to_le16(1);
	id->ver = cpu_to_le32(0x00020000);		/* NVMe 2.0 */
	id->cntrltype = 1;				/* I/O controller */
	id->oacs = cpu_to_le16(1 << 1);			/* Format NVM */
	id->acl = 3;
	id->aerl = 3;
	id->frmw = 0x3;					/* 1 slot, read-only */
	id->lpa = (1 << 1) | (1 << 2);			/* effects log, extended data */
	id->elpe = VSSD_ERROR_LOG_ENTRIES - 1;
	id->wctemp = cpu_to_le16(343);
	id->cctemp = cpu_to_le16(353);
	put_unaligned_le64(capacity, id->tnvmcap);
	id->sqes = (6 << 4) | 6;
	id->cqes = (4 << 4) | 4;
	id->maxcmd = cpu_to_le16(ctrl->params.queue_depth);
	id->nn = cpu_to_le32(VSSD_MAX_NSID);
	id->oncs = cpu_to_le16(NVME_CTRL_ONCS_COMPARE | NVME_CTRL_ONCS_DSM |
			       NVME_CTRL_ONCS_WRITE_ZEROES | VSSD_ONCS_COPY);
	/* Volatile write cache present; Flush to all namespaces supported. */
	id->vwc = NVME_CTRL_VWC_PRESENT | (0x3 << 1);
	put_unaligned_le16(1, raw + VSSD_ID_CTRL_OCFS_OFFSET);	/* copy format 0 */
	snprintf(id->subnqn, sizeof(id->subnqn), "nqn.2024-01.dev.vssd:%s",
		 vssd_ctrl_name(ctrl));
	id->psd[0].max_power = cpu_to_le16(900);	/* 9 W */
	id->psd[0].entry_lat = cpu_to_le32(10);
	id->psd[0].exit_lat = cpu_to_le32(10);
}

static u64 vssd_ns_nuse(struct vssd_ns *ns)
{
	u64 used = (u64)atomic_long_read(&ns->cs.store.nr_pages) << PAGE_SHIFT >> ns->cs.lba_shift;

	return min(used, ns->cs.nr_lbas);
}

static void vssd_identify_ns(struct vssd_ctrl *ctrl, struct vssd_ns *ns,
			     struct nvme_id_ns *id)
{
	u64 max_single = (u64)ctrl->params.max_transfer_kb * 1024 >> ns->cs.lba_shift;
	u8 *raw = (u8 *)id;

	id->nsze = cpu_to_le64(ns->cs.nr_lbas);
	id->ncap = cpu_to_le64(ns->cs.nr_lbas);
	id->nuse = cpu_to_le64(vssd_ns_nuse(ns));
	id->nsfeat = 1 << 0;				/* NUSE is meaningful */
	id->nlbaf = 0;
	id->flbas = 0;
	id->lbaf[0].ds = ns->cs.lba_shift;
	/* Deallocated blocks read as zeros; Write Zeroes deallocates. */
	id->dlfeat = 0x1 | (1 << 3);
	put_unaligned_le64(ns->cs.store.size, id->nvmcap);
	put_unaligned_le16(min_t(u64, max_single, 0xffff), raw + VSSD_ID_NS_MSSRL_OFFSET);
	put_unaligned_le32(min_t(u64, max_single * VSSD_MAX_COPY_RANGES, U32_MAX),
			   raw + VSSD_ID_NS_MCL_OFFSET);
	raw[VSSD_ID_NS_MSRC_OFFSET] = VSSD_MAX_COPY_RANGES - 1;
	memcpy(id->nguid, &ns->cs.uuid, sizeof(id->nguid));
}

static void vssd_identify_ns_list(struct vssd_ctrl *ctrl, u32 after, int csi,
				  __le32 *list)
{
	unsigned int n = 0;
	struct vssd_ns *ns;

	for (ns = vssd_ns_after(ctrl, after); ns && n < VSSD_ID_SIZE / 4;
	     ns = vssd_ns_after(ctrl, ns->cs.nsid))
		if (csi < 0 || vssd_ns_presented_csi(ns) == csi)
			list[n++] = cpu_to_le32(ns->cs.nsid);
}

static void vssd_identify_desc_list(struct vssd_ns *ns, void *data)
{
	u8 csi = vssd_ns_presented_csi(ns);
	void *p = data;

	p = vssd_put_ns_desc(p, NVME_NIDT_NGUID, NVME_NIDT_NGUID_LEN, &ns->cs.uuid);
	p = vssd_put_ns_desc(p, NVME_NIDT_UUID, NVME_NIDT_UUID_LEN, &ns->cs.uuid);
	vssd_put_ns_desc(p, NVME_NIDT_CSI, NVME_NIDT_CSI_LEN, &csi);
}

static void vssd_identify_cs_indep(struct vssd_ns *ns, struct nvme_id_ns_cs_indep *id)
{
	id->nsfeat = 1 << 0;
	id->nstat = 1;					/* ready */
}

/* Worker: the checks were done by vssd_admin_prepare. */
void vssd_identify_exec(struct vssd_cmd *cmd)
{
	struct vssd_ctrl *ctrl = cmd->ctrl;
	u32 nsid = le32_to_cpu(cmd->sqe.identify.nsid);
	struct vssd_ns *ns = vssd_ns_get(ctrl, nsid);
	struct vssd_buf_pos pos;
	void *data = kzalloc(VSSD_ID_SIZE, GFP_KERNEL);
	u32 len = min_t(u32, cmd->buf.len, VSSD_ID_SIZE);

	if (!data) {
		cmd->status = VSSD_SC(NVME_SC_INTERNAL);
		return;
	}
	switch (cmd->sqe.identify.cns) {
	case NVME_ID_CNS_CTRL:
		vssd_identify_ctrl(ctrl, data);
		break;
	case NVME_ID_CNS_NS:
		/* Namespaces of logical blocks, and those presented as NVM. */
		if (ns && (ns->ops->blocks || vssd_ns_presented_csi(ns) == NVME_CSI_NVM))
			vssd_identify_ns(ctrl, ns, data);
		break;
	case NVME_ID_CNS_NS_ACTIVE_LIST:
		vssd_identify_ns_list(ctrl, nsid, -1, data);
		break;
	case VSSD_CNS_NS_ACTIVE_LIST_CS:
		vssd_identify_ns_list(ctrl, nsid, cmd->sqe.identify.csi, data);
		break;
	case NVME_ID_CNS_NS_DESC_LIST:
		if (ns)
			vssd_identify_desc_list(ns, data);
		break;
	case NVME_ID_CNS_NS_CS_INDEP:
		if (ns)
			vssd_identify_cs_indep(ns, data);
		break;
	case NVME_ID_CNS_CS_NS:
		/* The command set's; NVM: no limits, no protection: zeros. */
		if (ns && ns->ops->identify_ns)
			ns->ops->identify_ns(&ns->cs, cmd->sqe.identify.csi, data);
		break;
	case NVME_ID_CNS_CS_CTRL:
		/* The command set of that CSI, if it defines any: else zeros. */
		vssd_cs_identify_ctrl(ctrl, cmd->sqe.identify.csi, data);
		break;
	}
	vssd_buf_pos_init(&pos, &cmd->buf);
	vssd_buf_copy_to(&pos, data, len);
	kfree(data);
}
