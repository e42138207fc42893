// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the API of <vssd/fwd.h>, through which a transport (vssd_tcp) runs
 * commands a remote host sent to an exported vssd namespace.  It is one
 * exported symbol, vssd_fwd_ops, that the transport takes with symbol_get().
 *
 * A forwarded command becomes a vssd_cmd on one of the controller's queues
 * like a passthrough ioctl, with the transport's scatterlist as its buffer,
 * and is timed and completed by the same engine.  It carries the remote
 * controller it came from (its "owner") and that host's value of the
 * command set's configuration feature: what a command set keeps open for
 * an owner is closed by vssd_fwd_forget() when the owner's
 * connection ends.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <vssd/fwd.h>

#include "vssd.h"

/* Every controller, for vssd_fwd_forget(); taken before any ctrl->lock. */
static LIST_HEAD(vssd_fwd_ctrls);
static DEFINE_MUTEX(vssd_fwd_lock);

void vssd_fwd_add_ctrl(struct vssd_ctrl *ctrl)
{
	mutex_lock(&vssd_fwd_lock);
	list_add_tail(&ctrl->all, &vssd_fwd_ctrls);
	mutex_unlock(&vssd_fwd_lock);
}

void vssd_fwd_remove_ctrl(struct vssd_ctrl *ctrl)
{
	mutex_lock(&vssd_fwd_lock);
	list_del(&ctrl->all);
	mutex_unlock(&vssd_fwd_lock);
}

/**
 * vssd_fwd_lookup() - what a block device a transport exports is
 * @bdev: the device (may be NULL)
 * @nsp: set to its vssd namespace when the kind is not VSSD_FWD_NONE
 *
 * Return: VSSD_FWD_NONE for anything nvmet serves itself (not vssd's, or
 * a namespace made of logical blocks: NVM or zoned), else whether the
 * namespace is presented with its command set's CSI or as NVM.
 */
static enum vssd_fwd_kind vssd_fwd_lookup(struct block_device *bdev, struct vssd_ns **nsp)
{
	struct vssd_ns *ns = bdev ? vssd_blk_ns(bdev) : NULL;

	*nsp = NULL;
	/* nvmet serves namespaces of logical blocks itself, zoned ones too. */
	if (!ns || ns->ops->blocks)
		return VSSD_FWD_NONE;
	*nsp = ns;
	return vssd_ns_presented_csi(ns) == NVME_CSI_NVM ? VSSD_FWD_CS_AS_NVM : VSSD_FWD_CS;
}

struct vssd_fwd_cmd {
	struct vssd_cmd cmd;
	struct vssd_fwd_req *req;
	struct bio_vec bvecs[];
};

static void vssd_fwd_done(struct vssd_cmd *cmd)
{
	struct vssd_fwd_cmd *fc = container_of(cmd, struct vssd_fwd_cmd, cmd);
	struct vssd_fwd_req *req = fc->req;

	req->status = cmd->status;
	req->result = cmd->result;
	kfree(fc);
	req->done(req);
}

static struct vssd_fwd_cmd *vssd_fwd_alloc(struct scatterlist *sgl, u32 len)
{
	unsigned int nr = 0, i = 0;
	struct vssd_fwd_cmd *fc;
	struct scatterlist *sg;
	u32 left = len;

	for (sg = sgl; sg && left; sg = sg_next(sg)) {
		left -= min(left, sg->length);
		nr++;
	}
	if (left)
		return NULL;
	fc = kzalloc(struct_size(fc, bvecs, nr), GFP_KERNEL);
	if (!fc)
		return NULL;
	left = len;
	for (sg = sgl; i < nr; sg = sg_next(sg), i++) {
		fc->bvecs[i].bv_page = sg_page(sg);
		fc->bvecs[i].bv_offset = sg->offset;
		fc->bvecs[i].bv_len = min(left, sg->length);
		left -= fc->bvecs[i].bv_len;
	}
	fc->cmd.buf.bvec = fc->bvecs;
	fc->cmd.buf.len = len;
	return fc;
}

/**
 * vssd_fwd_submit() - run a remote host's command on a vssd namespace
 * @ns: from vssd_fwd_lookup(), while the transport holds the device open
 * @req: the command; its done() is always called, maybe before this returns
 *
 * Context: may sleep.
 */
static void vssd_fwd_submit(struct vssd_ns *ns, struct vssd_fwd_req *req)
{
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	struct vssd_fwd_cmd *fc;

	if (req->len > ctrl->params.max_transfer_kb * 1024) {
		req->status = VSSD_SC(NVME_SC_INVALID_FIELD);
		req->result = 0;
		req->done(req);
		return;
	}
	fc = vssd_fwd_alloc(req->sg, req->len);
	if (!fc) {
		req->status = NVME_SC_INTERNAL;
		req->result = 0;
		req->done(req);
		return;
	}
	fc->req = req;
	fc->cmd.sqe = req->sqe;
	fc->cmd.sqe.common.nsid = cpu_to_le32(ns->cs.nsid);
	fc->cmd.qid = req->admin ? 0 : vssd_pick_io_queue(ctrl);
	fc->cmd.foreign = true;
	fc->cmd.owner = req->owner;
	fc->cmd.cs_config = req->cs_config;
	fc->cmd.complete = vssd_fwd_done;
	/* The transport sleeps here and takes a completion before return. */
	vssd_submit_direct(ctrl, &fc->cmd);
}

/**
 * vssd_fwd_forget() - close what a remote host controller holds open
 * @owner: the id the transport gave it in struct vssd_fwd_req (0: nothing)
 *
 * Context: may sleep; takes every controller's lock and dispatch lock.
 */
static void vssd_fwd_forget(u64 owner)
{
	struct vssd_ctrl *ctrl;
	struct vssd_ns *ns;

	if (!owner)
		return;
	mutex_lock(&vssd_fwd_lock);
	list_for_each_entry(ctrl, &vssd_fwd_ctrls, all) {
		mutex_lock(&ctrl->lock);
		/* Power-off takes ctrl->lock: the engine stays up meanwhile. */
		if (ctrl->state == VSSD_CTRL_LIVE) {
			mutex_lock(&ctrl->dispatch_lock);
			list_for_each_entry(ns, &ctrl->ns_list, link)
				if (ns->ops->forget)
					ns->ops->forget(&ns->cs, owner);
			mutex_unlock(&ctrl->dispatch_lock);
		}
		mutex_unlock(&ctrl->lock);
	}
	mutex_unlock(&vssd_fwd_lock);
}

/**
 * vssd_fwd_effects() - the I/O commands of a command set for an effects log
 * @csi: the command set (e.g. 01h, key-value)
 * @log: the log page to add them to
 */
static void vssd_fwd_effects(u8 csi, struct nvme_effects_log *log)
{
	const struct vssd_cs_ops *cs;
	unsigned int i;

	for (i = 0; (cs = vssd_cs_at(i)); i++)
		if (cs->csi == csi && cs->effects)
			cs->effects(NULL, csi, log);
}

const struct vssd_fwd_ops vssd_fwd_ops = {
	.lookup = vssd_fwd_lookup,
	.submit = vssd_fwd_submit,
	.forget = vssd_fwd_forget,
	.effects = vssd_fwd_effects,
};
EXPORT_SYMBOL_GPL(vssd_fwd_ops);
