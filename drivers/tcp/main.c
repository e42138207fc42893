// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: an NVMe/TCP transport for the kernel's NVMe target (nvmet).
 *
 * Module load and unload only.  nvmet has one transport slot per trtype, so
 * this module and the in-tree nvmet_tcp exclude each other; see
 * Documentation/transport.rst for how to make "modprobe nvmet-tcp" load us.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "nvmet.h"

static int vtcp_add_port(struct nvmet_port *port)
{
	return -EOPNOTSUPP;
}

static void vtcp_remove_port(struct nvmet_port *port)
{
}

static void vtcp_queue_response(struct nvmet_req *req)
{
}

static void vtcp_delete_ctrl(struct nvmet_ctrl *ctrl)
{
}

static const struct nvmet_fabrics_ops vtcp_ops = {
	.owner		= THIS_MODULE,
	.type		= NVMF_TRTYPE_TCP,
	.msdbd		= 1,
	.add_port	= vtcp_add_port,
	.remove_port	= vtcp_remove_port,
	.queue_response	= vtcp_queue_response,
	.delete_ctrl	= vtcp_delete_ctrl,
};

static int __init vtcp_init(void)
{
	int ret;

	ret = nvmet_register_transport(&vtcp_ops);
	if (ret == -EINVAL) {
		pr_err("the nvmet transport slot for trtype tcp is taken (is nvmet_tcp loaded?); unload it first: rmmod nvmet_tcp\n");
		return -EBUSY;
	}
	if (ret) {
		pr_err("cannot register with nvmet: %d\n", ret);
		return ret;
	}
	pr_info("version %s registered as nvmet transport tcp\n", VSSD_VERSION);
	return 0;
}

static void __exit vtcp_exit(void)
{
	nvmet_unregister_transport(&vtcp_ops);
	pr_info("unloaded\n");
}

module_init(vtcp_init);
module_exit(vtcp_exit);

MODULE_DESCRIPTION("vssd_tcp: NVMe/TCP target transport for nvmet");
MODULE_LICENSE("GPL");
MODULE_VERSION(VSSD_VERSION);
