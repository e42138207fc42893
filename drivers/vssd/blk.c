// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the block device of each namespace, /dev/vssdNnM.
 *
 * One blk-mq hardware queue per I/O submission queue; a request becomes an
 * NVMe command in its PDU and goes through the engine like any other.  The
 * NVMe passthrough ioctls work on the block device too.
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include <vssd/compat.h>

#include "vssd.h"

struct vssd_blk_pdu {
	struct vssd_cmd cmd;
	unsigned int retries;		/* times sent again after a timeout */
	struct nvme_dsm_range range;	/* a discard's one DSM range */
	struct bio_vec range_bvec;
};

/* NVMe statuses the block layer can tell apart; any other is an I/O error. */
static const struct {
	u16 nvme;
	blk_status_t blk;
} vssd_blk_statuses[] = {
	{ NVME_SC_CAP_EXCEEDED,		BLK_STS_NOSPC },
	{ NVME_SC_LBA_RANGE,		BLK_STS_TARGET },
	{ NVME_SC_INVALID_FIELD,	BLK_STS_TARGET },
	{ NVME_SC_INVALID_OPCODE,	BLK_STS_NOTSUPP },
	{ NVME_SC_INTERNAL,		BLK_STS_RESOURCE },
	/* As the nvme driver reports a device's unrecovered errors. */
	{ NVME_SC_READ_ERROR,		BLK_STS_MEDIUM },
	{ NVME_SC_WRITE_FAULT,		BLK_STS_MEDIUM },
	{ NVME_SC_ZONE_TOO_MANY_OPEN,	BLK_STS_ZONE_OPEN_RESOURCE },
	{ NVME_SC_ZONE_TOO_MANY_ACTIVE,	BLK_STS_ZONE_ACTIVE_RESOURCE },
};

static blk_status_t vssd_blk_status(u16 status)
{
	u16 code = status & ~VSSD_SC_DNR;
	unsigned int i;

	if (!code)
		return BLK_STS_OK;
	for (i = 0; i < ARRAY_SIZE(vssd_blk_statuses); i++)
		if (vssd_blk_statuses[i].nvme == code)
			return vssd_blk_statuses[i].blk;
	return BLK_STS_IOERR;
}

/* Times a request is sent again after an abort, the Linux NVMe host's default. */
#define VSSD_BLK_RETRIES	5

static void vssd_blk_complete(struct vssd_cmd *cmd)
{
	struct request *rq = cmd->private;
	struct vssd_blk_pdu *pdu = container_of(cmd, struct vssd_blk_pdu, cmd);

	/* A lost command aborted (fault/lost.c) is sent again, as a host retries it. */
	if (cmd->status == NVME_SC_ABORT_REQ && pdu->retries < VSSD_BLK_RETRIES) {
		pdu->retries++;
		blk_mq_requeue_request(rq, true);
		return;
	}

	/* A Zone Append tells the block layer where its data went. */
	if (req_op(rq) == REQ_OP_ZONE_APPEND && !cmd->status)
		rq->__sector = cmd->result << (cmd->ns->cs.lba_shift - SECTOR_SHIFT);
	blk_mq_end_request(rq, vssd_blk_status(cmd->status));
}

/* Zone Management Send for a zone operation of the block layer. */
static void vssd_blk_set_zone_mgmt(struct vssd_cmd *cmd, u64 slba, u8 action, bool all)
{
	cmd->sqe.zms.opcode = nvme_cmd_zone_mgmt_send;
	cmd->sqe.zms.slba = cpu_to_le64(all ? 0 : slba);
	cmd->sqe.zms.zsa = action;
	cmd->sqe.zms.select_all = all;
}

static void vssd_blk_set_discard(struct vssd_ns *ns, struct vssd_blk_pdu *pdu,
				 struct request *rq, u64 slba)
{
	struct vssd_cmd *cmd = &pdu->cmd;

	pdu->range.cattr = 0;
	pdu->range.nlb = cpu_to_le32(blk_rq_bytes(rq) >> ns->cs.lba_shift);
	pdu->range.slba = cpu_to_le64(slba);
	pdu->range_bvec.bv_page = virt_to_page(&pdu->range);
	pdu->range_bvec.bv_offset = offset_in_page(&pdu->range);
	pdu->range_bvec.bv_len = sizeof(pdu->range);
	cmd->sqe.dsm.opcode = nvme_cmd_dsm;
	cmd->sqe.dsm.nr = 0;
	cmd->sqe.dsm.attributes = cpu_to_le32(NVME_DSMGMT_AD);
	cmd->buf.bvec = &pdu->range_bvec;
	cmd->buf.len = sizeof(pdu->range);
}

static blk_status_t vssd_blk_queue_rq(struct blk_mq_hw_ctx *hctx,
				      const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct vssd_ns *ns = hctx->queue->queuedata;
	struct vssd_blk_pdu *pdu = blk_mq_rq_to_pdu(rq);
	struct vssd_cmd *cmd = &pdu->cmd;
	u64 slba = blk_rq_pos(rq) >> (ns->cs.lba_shift - SECTOR_SHIFT);
	u32 nlb = blk_rq_bytes(rq) >> ns->cs.lba_shift;

	memset(&cmd->sqe, 0, sizeof(cmd->sqe));
	memset(&cmd->buf, 0, sizeof(cmd->buf));
	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		cmd->sqe.rw.opcode = req_op(rq) == REQ_OP_READ ? nvme_cmd_read :
								 nvme_cmd_write;
		cmd->sqe.rw.slba = cpu_to_le64(slba);
		cmd->sqe.rw.length = cpu_to_le16(nlb - 1);
		if (rq->cmd_flags & REQ_FUA)
			cmd->sqe.rw.control = cpu_to_le16(NVME_RW_FUA);
		cmd->buf.bio = rq->bio;
		cmd->buf.len = blk_rq_bytes(rq);
		break;
	case REQ_OP_FLUSH:
		cmd->sqe.common.opcode = nvme_cmd_flush;
		break;
	case REQ_OP_DISCARD:
		vssd_blk_set_discard(ns, pdu, rq, slba);
		break;
	case REQ_OP_WRITE_ZEROES:
		cmd->sqe.write_zeroes.opcode = nvme_cmd_write_zeroes;
		cmd->sqe.write_zeroes.slba = cpu_to_le64(slba);
		cmd->sqe.write_zeroes.length = cpu_to_le16(nlb - 1);
		break;
	case REQ_OP_ZONE_APPEND:
		cmd->sqe.rw.opcode = nvme_cmd_zone_append;
		cmd->sqe.rw.slba = cpu_to_le64(slba);
		cmd->sqe.rw.length = cpu_to_le16(nlb - 1);
		cmd->buf.bio = rq->bio;
		cmd->buf.len = blk_rq_bytes(rq);
		break;
	case REQ_OP_ZONE_OPEN:
		vssd_blk_set_zone_mgmt(cmd, slba, NVME_ZONE_OPEN, false);
		break;
	case REQ_OP_ZONE_CLOSE:
		vssd_blk_set_zone_mgmt(cmd, slba, NVME_ZONE_CLOSE, false);
		break;
	case REQ_OP_ZONE_FINISH:
		vssd_blk_set_zone_mgmt(cmd, slba, NVME_ZONE_FINISH, false);
		break;
	case REQ_OP_ZONE_RESET:
		vssd_blk_set_zone_mgmt(cmd, slba, NVME_ZONE_RESET, false);
		break;
	case REQ_OP_ZONE_RESET_ALL:
		vssd_blk_set_zone_mgmt(cmd, slba, NVME_ZONE_RESET, true);
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	cmd->sqe.common.nsid = cpu_to_le32(ns->cs.nsid);
	cmd->qid = hctx->queue_num + 1;
	/* Its tag is its identifier in the queue, as Abort names it. */
	cmd->sqe.common.command_id = rq->tag;
	if (!(rq->rq_flags & RQF_DONTPREP)) {
		/* Sent for the first time, not again after a timeout. */
		pdu->retries = 0;
		rq->rq_flags |= RQF_DONTPREP;
	}
	/* Sent again: a fault rule does not lose it twice (fault/lost.c). */
	cmd->no_lose = pdu->retries > 0;
	cmd->foreign = false;
	cmd->owner = 0;
	cmd->complete = vssd_blk_complete;
	cmd->private = rq;
	blk_mq_start_request(rq);
	vssd_submit_direct(ns->cs.ctrl, cmd);
	return BLK_STS_OK;
}

/*
 * A command finishes at its modelled deadline, at most 60 s late: wait
 * longer.  One a fault rule lost (fault/lost.c) is aborted here, as the
 * host driver of a real device would, and sent again, at most
 * VSSD_BLK_RETRIES times; then it fails with a timeout.
 */
static enum blk_eh_timer_return vssd_blk_timeout(struct request *rq)
{
	struct vssd_blk_pdu *pdu = blk_mq_rq_to_pdu(rq);
	struct vssd_cmd *cmd = &pdu->cmd;
	struct vssd_ctrl *ctrl = cmd->ctrl;

	if (!vssd_lost_take(ctrl, cmd))
		return BLK_EH_RESET_TIMER;
	pr_warn_ratelimited("%s: namespace %u: tag %u timed out, aborted%s\n",
			    vssd_ctrl_name(ctrl), cmd->ns->cs.nsid, rq->tag,
			    pdu->retries < VSSD_BLK_RETRIES ? ", sent again" : "");
	if (pdu->retries < VSSD_BLK_RETRIES) {
		pdu->retries++;
		blk_mq_requeue_request(rq, true);
	} else {
		blk_mq_end_request(rq, BLK_STS_TIMEOUT);
	}
	return BLK_EH_DONE;
}

static const struct blk_mq_ops vssd_blk_mq_ops = {
	.queue_rq	= vssd_blk_queue_rq,
	.timeout	= vssd_blk_timeout,
};

static int vssd_blk_open_disk(struct gendisk *disk)
{
	struct vssd_ns *ns = disk->private_data;

	return vssd_ctrl_open(ns->cs.ctrl);
}

static void vssd_blk_release_disk(struct gendisk *disk)
{
	struct vssd_ns *ns = disk->private_data;

	vssd_ctrl_release(ns->cs.ctrl);
}

#ifdef VSSD_HAVE_BLK_MODE
static int vssd_blk_open(struct gendisk *disk, blk_mode_t mode)
{
	return vssd_blk_open_disk(disk);
}

static void vssd_blk_release(struct gendisk *disk)
{
	vssd_blk_release_disk(disk);
}
#else
static int vssd_blk_open(struct block_device *bdev, fmode_t mode)
{
	return vssd_blk_open_disk(bdev->bd_disk);
}

static void vssd_blk_release(struct gendisk *disk, fmode_t mode)
{
	vssd_blk_release_disk(disk);
}
#endif

/*
 * The zones of a zoned namespace from the one holding @sector, each read
 * under the dispatch lock (the command set's state) and reported without it.
 */
static int vssd_blk_report_zones(struct gendisk *disk, sector_t sector,
				 unsigned int nr_zones, report_zones_cb cb, void *data)
{
	struct vssd_ns *ns = disk->private_data;
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	u8 shift = ns->cs.lba_shift - SECTOR_SHIFT;
	struct vssd_cs_zone_limits lim;
	unsigned int i;
	u64 idx;

	if (!ns->ops->zone_limits || !ns->ops->zone_limits(&ns->cs, &lim))
		return -EOPNOTSUPP;
	idx = div64_u64(sector >> shift, lim.zone_blocks);
	for (i = 0; i < nr_zones && idx < lim.nr_zones; i++, idx++) {
		struct vssd_cs_zone z;
		struct blk_zone bz = { .type = BLK_ZONE_TYPE_SEQWRITE_REQ };
		int ret;

		mutex_lock(&ctrl->dispatch_lock);
		ns->ops->zone_report(&ns->cs, idx, &z);
		mutex_unlock(&ctrl->dispatch_lock);
		bz.start = z.start << shift;
		bz.len = z.len << shift;
		bz.capacity = z.capacity << shift;
		bz.wp = z.wp << shift;
		bz.cond = z.state;
		ret = cb(&bz, i, data);
		if (ret)
			return ret;
	}
	return i;
}

/* fmode_t on 6.1, blk_mode_t from 6.5: the same unsigned int. */
static int vssd_blk_ioctl(struct block_device *bdev, fmode_t mode,
			  unsigned int cmd, unsigned long arg)
{
	struct vssd_ns *ns = bdev->bd_disk->private_data;

	return vssd_passthru_ioctl(ns->cs.ctrl, ns, cmd, (void __user *)arg);
}

static const struct block_device_operations vssd_blk_fops = {
	.owner		= THIS_MODULE,
	.open		= vssd_blk_open,
	.release	= vssd_blk_release,
	.ioctl		= vssd_blk_ioctl,
	.compat_ioctl	= blkdev_compat_ptr_ioctl,
	.report_zones	= vssd_blk_report_zones,
};

/*
 * /sys/block/vssdNnM/vssd/: the controller's configfs name and the
 * namespace's NSID, which udev names the stable links by
 * (tools/udev/60-vssd.rules).
 */
static ssize_t ctrl_show(struct device *dev, struct device_attribute *attr, char *page)
{
	struct vssd_ns *ns = dev_to_disk(dev)->private_data;

	return sysfs_emit(page, "%s\n", vssd_ctrl_name(ns->cs.ctrl));
}
static DEVICE_ATTR_RO(ctrl);

static ssize_t nsid_show(struct device *dev, struct device_attribute *attr, char *page)
{
	struct vssd_ns *ns = dev_to_disk(dev)->private_data;

	return sysfs_emit(page, "%u\n", ns->cs.nsid);
}
static DEVICE_ATTR_RO(nsid);

static struct attribute *vssd_disk_attrs[] = {
	&dev_attr_ctrl.attr,
	&dev_attr_nsid.attr,
	NULL,
};

static const struct attribute_group vssd_disk_group = {
	.name = "vssd",
	.attrs = vssd_disk_attrs,
};

static const struct attribute_group *vssd_disk_groups[] = {
	&vssd_disk_group,
	NULL,
};

/* The namespace of @bdev if it is a vssd block device, else NULL. */
struct vssd_ns *vssd_blk_ns(struct block_device *bdev)
{
	if (bdev->bd_disk->fops != &vssd_blk_fops)
		return NULL;
	return bdev->bd_disk->private_data;
}

int vssd_blk_init(struct vssd_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->tag_set;
	int ret;

	memset(set, 0, sizeof(*set));
	set->ops = &vssd_blk_mq_ops;
	set->nr_hw_queues = ctrl->nr_io_queues;
	set->queue_depth = ctrl->params.queue_depth;
	set->numa_node = NUMA_NO_NODE;
	set->cmd_size = sizeof(struct vssd_blk_pdu);
	/*
	 * Direct dispatch: queue_rq takes the dispatch lock and may move the
	 * data itself, so it may sleep.
	 */
	set->flags = BLK_MQ_F_SHOULD_MERGE | BLK_MQ_F_BLOCKING;
	set->driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		return ret;
	ctrl->tag_set_ready = true;
	return 0;
}

void vssd_blk_exit(struct vssd_ctrl *ctrl)
{
	if (ctrl->tag_set_ready)
		blk_mq_free_tag_set(&ctrl->tag_set);
	ctrl->tag_set_ready = false;
}

int vssd_blk_add_ns(struct vssd_ns *ns)
{
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	u32 max_bytes = ctrl->params.max_transfer_kb * 1024;
	struct vssd_disk_limits lim = {
		.logical_block_size = ns->block_size,
		.physical_block_size = max_t(u32, ns->block_size, VSSD_UNIT_SIZE),
		.io_min = VSSD_UNIT_SIZE,
		.max_hw_sectors = max_bytes >> SECTOR_SHIFT,
		.max_segments = USHRT_MAX,
		.max_discard_sectors = UINT_MAX >> SECTOR_SHIFT,
		.discard_granularity = VSSD_UNIT_SIZE,
		.max_write_zeroes_sectors = 0x10000 << (ns->cs.lba_shift - SECTOR_SHIFT),
	};
	struct vssd_cs_zone_limits zl;
	bool zoned = ns->ops->zone_limits && ns->ops->zone_limits(&ns->cs, &zl);
	struct gendisk *disk;
	int ret;

	if (zoned) {
		/* Zones are written, never discarded; Zone Append takes MDTS. */
		lim.zone_sectors = zl.zone_blocks << (ns->cs.lba_shift - SECTOR_SHIFT);
		lim.max_zone_append_sectors = lim.max_hw_sectors;
		lim.max_open_zones = zl.max_open;
		lim.max_active_zones = zl.max_active;
		lim.max_discard_sectors = 0;
		lim.discard_granularity = 0;
		lim.max_write_zeroes_sectors = 0;
	}
	disk = vssd_alloc_disk(&ctrl->tag_set, &lim, ns);
	if (IS_ERR(disk))
		return PTR_ERR(disk);
	disk->fops = &vssd_blk_fops;
	disk->private_data = ns;
	disk->flags |= GENHD_FL_NO_PART;
	snprintf(disk->disk_name, DISK_NAME_LEN, "vssd%dn%u", ctrl->index, ns->cs.nsid);
	/* A namespace without blocks (KV not in compat): the node is for ioctls. */
	if (ns->ops->blocks || vssd_ns_presented_csi(ns) == NVME_CSI_NVM)
		set_capacity(disk, ns->cs.nr_lbas << (ns->cs.lba_shift - SECTOR_SHIFT));

	ret = zoned ? vssd_revalidate_zones(disk) : 0;
	if (!ret)
		ret = device_add_disk(NULL, disk, vssd_disk_groups);
	if (ret) {
		put_disk(disk);
		return ret;
	}
	ns->disk = disk;
	return 0;
}

void vssd_blk_remove_ns(struct vssd_ns *ns)
{
	if (!ns->disk)
		return;
	del_gendisk(ns->disk);
	put_disk(ns->disk);
	ns->disk = NULL;
}
