// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: an NVMe/TCP transport for the kernel's NVMe target (nvmet).
 *
 * The nvmet ops table, load and unload; the parameters are in params.c.
 * nvmet has one transport slot per trtype, so this module and the in-tree
 * nvmet_tcp exclude each other; see Documentation/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "cmd.h"
#include "mem.h"
#include "port.h"
#include "queue.h"
#include "wire_check.h"

struct workqueue_struct *vtcp_wq;

static u16 vtcp_install_queue(struct nvmet_sq *sq)
{
	struct vtcp_queue *queue = vtcp_sq_to_queue(sq);

	if (queue->cmds)
		return NVME_SC_CMD_SEQ_ERROR | NVME_STATUS_DNR;
	if (vtcp_cmds_alloc(queue, sq->size)) {
		pr_warn("queue %u: no memory for %u commands\n", queue->id, sq->size);
		return NVME_SC_INTERNAL | NVME_STATUS_DNR;
	}
	return 0;
}

static u8 vtcp_get_mdts(const struct nvmet_ctrl *ctrl)
{
	return vtcp_mdts;
}

static u16 vtcp_get_max_queue_size(const struct nvmet_ctrl *ctrl)
{
	return vtcp_max_queue_size;
}

/* What nvmet calls us for, by concern. */
const struct nvmet_fabrics_ops vtcp_ops = {
	/* identity: trtype tcp, one SGL descriptor per command */
	.type = NVMF_TRTYPE_TCP, .owner = THIS_MODULE, .msdbd = 1,
	/* limits reported to hosts */
	.get_mdts = vtcp_get_mdts,
	.get_max_queue_size = vtcp_get_max_queue_size,
	/* listeners and connections (port.c, queue.c) */
	.add_port = vtcp_add_port,
	.remove_port = vtcp_remove_port,
	.install_queue = vtcp_install_queue,
	.delete_ctrl = vtcp_close_ctrl_queues,
	/* the data path (cmd.c) and discovery (port.c) */
	.queue_response = vtcp_queue_response,
	.disc_traddr = vtcp_disc_traddr,
};

static int __init vtcp_init(void)
{
	int ret;

	if (!vtcp_max_data_mb)
		vtcp_max_data_mb = vtcp_data_mb_default();
	vtcp_wq = alloc_workqueue("vssd_tcp", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
	if (!vtcp_wq)
		return -ENOMEM;

	ret = nvmet_register_transport(&vtcp_ops);
	if (ret == -EINVAL) {
		pr_err("the nvmet transport slot for trtype tcp is taken (is nvmet_tcp loaded?); unload it first: rmmod nvmet_tcp\n");
		ret = -EBUSY;
		goto out_wq;
	}
	if (ret) {
		pr_err("cannot register with nvmet: %d\n", ret);
		goto out_wq;
	}
	pr_info("version %s registered as nvmet transport tcp\n", VSSD_VERSION);
	return 0;

out_wq:
	destroy_workqueue(vtcp_wq);
	return ret;
}

static void __exit vtcp_exit(void)
{
	nvmet_unregister_transport(&vtcp_ops);
	/* Ports hold a module reference, so only closing queues remain. */
	vtcp_close_all_queues();
	flush_workqueue(vtcp_wq);
	/* Controller teardown work in nvmet may still name our ops. */
	flush_workqueue(nvmet_wq);
	destroy_workqueue(vtcp_wq);
	pr_info("unloaded\n");
}

module_init(vtcp_init);
module_exit(vtcp_exit);

MODULE_DESCRIPTION("vssd_tcp: NVMe/TCP target transport for nvmet");
MODULE_LICENSE("GPL");
MODULE_VERSION(VSSD_VERSION);
