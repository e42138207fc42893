// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the Linux NVMe passthrough ioctls (<linux/nvme_ioctl.h>) on
 * /dev/vssdN and /dev/vssdNnM, so that nvme-cli works unchanged.
 *
 * The user's data goes through zeroed bounce pages: copied in before
 * submission when the opcode transfers to the controller (bit 0 set, as the
 * Linux NVMe driver decides), copied out after completion otherwise.  The
 * return value is the NVMe status (0, or positive), the result field gets
 * CQE dword 0 (and 1 for the 64-bit variants), as with the Linux driver.
 */
#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/nvme_ioctl.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vssd.h"

struct vssd_user_cmd {
	struct vssd_cmd cmd;
	struct completion done;
	unsigned int nr_pages;
	struct bio_vec bvecs[];
};

static void vssd_user_cmd_done(struct vssd_cmd *cmd)
{
	struct vssd_user_cmd *uc = container_of(cmd, struct vssd_user_cmd, cmd);

	complete(&uc->done);
}

static void vssd_user_cmd_free(struct vssd_user_cmd *uc)
{
	unsigned int i;

	for (i = 0; i < uc->nr_pages; i++)
		__free_page(uc->bvecs[i].bv_page);
	kfree(uc);
}

static struct vssd_user_cmd *vssd_user_cmd_alloc(u32 len)
{
	unsigned int i, nr = DIV_ROUND_UP(len, PAGE_SIZE);
	struct vssd_user_cmd *uc;

	uc = kzalloc(struct_size(uc, bvecs, nr), GFP_KERNEL);
	if (!uc)
		return NULL;
	for (i = 0; i < nr; i++) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

		if (!page) {
			vssd_user_cmd_free(uc);
			return NULL;
		}
		uc->bvecs[i].bv_page = page;
		uc->bvecs[i].bv_offset = 0;
		uc->bvecs[i].bv_len = min_t(u32, len - i * PAGE_SIZE, PAGE_SIZE);
		uc->nr_pages++;
	}
	init_completion(&uc->done);
	uc->cmd.buf.bvec = uc->bvecs;
	uc->cmd.buf.len = len;
	return uc;
}

static int vssd_user_copy(struct vssd_user_cmd *uc, void __user *ubuf, u32 len,
			  bool to_kernel)
{
	unsigned int i;

	for (i = 0; i < uc->nr_pages && len; i++) {
		void *p = page_address(uc->bvecs[i].bv_page);
		u32 n = uc->bvecs[i].bv_len;
		unsigned long left = to_kernel ? copy_from_user(p, ubuf, n) :
						 copy_to_user(ubuf, p, n);

		if (left)
			return -EFAULT;
		ubuf += n;
		len -= n;
	}
	return 0;
}

static int vssd_user_submit(struct vssd_ctrl *ctrl, struct vssd_ns *ns,
			    struct nvme_passthru_cmd64 *c, bool admin)
{
	u32 max_len = ctrl->params.max_transfer_kb * 1024;
	void __user *ubuf = u64_to_user_ptr(c->addr);
	bool to_ctrl = c->opcode & 1;
	struct vssd_user_cmd *uc;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	/* Fused commands, metadata and SGL flags are not supported. */
	if (c->flags || c->metadata || c->metadata_len)
		return -EINVAL;
	if (c->data_len > max_len)
		return -EINVAL;
	if (c->data_len && !ubuf)
		return -EINVAL;

	uc = vssd_user_cmd_alloc(c->data_len);
	if (!uc)
		return -ENOMEM;
	if (to_ctrl && c->data_len) {
		ret = vssd_user_copy(uc, ubuf, c->data_len, true);
		if (ret)
			goto out;
	}
	uc->cmd.sqe.common.opcode = c->opcode;
	uc->cmd.sqe.common.nsid = cpu_to_le32(c->nsid);
	uc->cmd.sqe.common.cdw2[0] = cpu_to_le32(c->cdw2);
	uc->cmd.sqe.common.cdw2[1] = cpu_to_le32(c->cdw3);
	uc->cmd.sqe.common.cdw10 = cpu_to_le32(c->cdw10);
	uc->cmd.sqe.common.cdw11 = cpu_to_le32(c->cdw11);
	uc->cmd.sqe.common.cdw12 = cpu_to_le32(c->cdw12);
	uc->cmd.sqe.common.cdw13 = cpu_to_le32(c->cdw13);
	uc->cmd.sqe.common.cdw14 = cpu_to_le32(c->cdw14);
	uc->cmd.sqe.common.cdw15 = cpu_to_le32(c->cdw15);
	uc->cmd.qid = admin ? 0 : vssd_pick_io_queue(ctrl);
	/*
	 * An identifier Abort can name (faults/lost lists it), above every
	 * block device tag (queue_depth is at most 4096): 8000h to FFFFh.
	 */
	uc->cmd.sqe.common.command_id = 0x8000 | (u16)atomic_inc_return(&ctrl->next_cid);
	uc->cmd.complete = vssd_user_cmd_done;
	vssd_submit_direct(ctrl, &uc->cmd);
	/* Deadlines are finite, a lost command's too (fault/lost.c). */
	wait_for_completion_io(&uc->done);

	c->result = uc->cmd.result;
	ret = uc->cmd.status;
	if (!to_ctrl && c->data_len && vssd_user_copy(uc, ubuf, c->data_len, false))
		ret = -EFAULT;
out:
	vssd_user_cmd_free(uc);
	return ret;
}

static int vssd_user_cmd32(struct vssd_ctrl *ctrl, struct vssd_ns *ns,
			   struct nvme_passthru_cmd __user *ucmd, bool admin)
{
	struct nvme_passthru_cmd c32;
	struct nvme_passthru_cmd64 c = {};
	int ret;

	if (copy_from_user(&c32, ucmd, sizeof(c32)))
		return -EFAULT;
	c.opcode = c32.opcode;
	c.flags = c32.flags;
	c.nsid = c32.nsid;
	c.cdw2 = c32.cdw2;
	c.cdw3 = c32.cdw3;
	c.metadata = c32.metadata;
	c.addr = c32.addr;
	c.metadata_len = c32.metadata_len;
	c.data_len = c32.data_len;
	c.cdw10 = c32.cdw10;
	c.cdw11 = c32.cdw11;
	c.cdw12 = c32.cdw12;
	c.cdw13 = c32.cdw13;
	c.cdw14 = c32.cdw14;
	c.cdw15 = c32.cdw15;
	ret = vssd_user_submit(ctrl, ns, &c, admin);
	if (ret >= 0 && put_user((u32)c.result, &ucmd->result))
		return -EFAULT;
	return ret;
}

static int vssd_user_cmd64(struct vssd_ctrl *ctrl, struct vssd_ns *ns,
			   struct nvme_passthru_cmd64 __user *ucmd, bool admin)
{
	struct nvme_passthru_cmd64 c;
	int ret;

	if (copy_from_user(&c, ucmd, sizeof(c)))
		return -EFAULT;
	ret = vssd_user_submit(ctrl, ns, &c, admin);
	if (ret >= 0 && put_user(c.result, &ucmd->result))
		return -EFAULT;
	return ret;
}

/* @ns: the namespace of a block device node, NULL for /dev/vssdN. */
long vssd_passthru_ioctl(struct vssd_ctrl *ctrl, struct vssd_ns *ns,
			 unsigned int cmd, void __user *argp)
{
	switch (cmd) {
	case NVME_IOCTL_ID:
		return ns ? ns->cs.nsid : -ENOTTY;
	case NVME_IOCTL_ADMIN_CMD:
		return vssd_user_cmd32(ctrl, ns, argp, true);
	case NVME_IOCTL_ADMIN64_CMD:
		return vssd_user_cmd64(ctrl, ns, argp, true);
	case NVME_IOCTL_IO_CMD:
		return vssd_user_cmd32(ctrl, ns, argp, false);
	case NVME_IOCTL_IO64_CMD:
		return vssd_user_cmd64(ctrl, ns, argp, false);
	default:
		return -ENOTTY;
	}
}
