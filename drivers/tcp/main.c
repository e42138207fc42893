// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: an NVMe/TCP transport for the kernel's NVMe target (nvmet).
 *
 * Module parameters, the nvmet ops table, load and unload.  nvmet has one
 * transport slot per trtype, so this module and the in-tree nvmet_tcp
 * exclude each other; see Documentation/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "vtcp.h"

struct workqueue_struct *vtcp_wq;

int vtcp_default_inline_size = 16384;
unsigned int vtcp_max_h2c_data = 262144;
unsigned int vtcp_r2t_chunk;
unsigned int vtcp_mdts_shift = 8;
unsigned int vtcp_max_queue_size = 1024;
unsigned int vtcp_connect_timeout_ms = 10000;
unsigned int vtcp_max_queue_data_kb = 16384;
unsigned int vtcp_max_data_mb;		/* 0 until load: 1/16 of RAM */
unsigned int vtcp_data_timeout_ms = 15000;
unsigned int vtcp_send_timeout_ms = 30000;
unsigned int vtcp_max_connections = 128;

/* The accepted range of each numeric parameter, found by its variable. */
static const struct {
	const void *var;
	unsigned int min;
	unsigned int max;
} vtcp_param_ranges[] = {
	{ &vtcp_default_inline_size, 0, VTCP_MAX_INLINE_SIZE },
	{ &vtcp_max_h2c_data, VTCP_MIN_MAXH2CDATA, 16 * 1024 * 1024 },
	{ &vtcp_r2t_chunk, 0, 1U << 30 },
	{ &vtcp_mdts_shift, 1, 10 },
	{ &vtcp_max_queue_size, 16, 1024 },
	{ &vtcp_connect_timeout_ms, 100, 600000 },
	{ &vtcp_max_queue_data_kb, 64, 4U << 20 },
	{ &vtcp_max_data_mb, 0, 1U << 20 },
	{ &vtcp_data_timeout_ms, 100, 600000 },
	{ &vtcp_send_timeout_ms, 100, 600000 },
	{ &vtcp_max_connections, 1, 65535 },
};

static int vtcp_param_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v, i;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(vtcp_param_ranges); i++) {
		if (vtcp_param_ranges[i].var != kp->arg)
			continue;
		if (v < vtcp_param_ranges[i].min || v > vtcp_param_ranges[i].max) {
			pr_err("%s must be within %u..%u, not %u\n", kp->name,
			       vtcp_param_ranges[i].min, vtcp_param_ranges[i].max, v);
			return -EINVAL;
		}
	}
	/*
	 * max_data_mb 0 stands for the default, computed from RAM; at least
	 * 16 MiB, so that a transfer of the largest MDTS always fits.
	 */
	if (kp->arg == &vtcp_max_data_mb && !v)
		v = vtcp_data_mb_default();
	if (kp->arg == &vtcp_max_data_mb && v < 16) {
		pr_err("%s must be 0 or at least 16, not %u\n", kp->name, v);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops vtcp_param_ops = {
	.set = vtcp_param_set,
	.get = param_get_uint,
};

module_param_cb(inline_data_size, &vtcp_param_ops, &vtcp_default_inline_size, 0644);
MODULE_PARM_DESC(inline_data_size,
		 "in-capsule data size for ports whose param_inline_data_size is unset (bytes, default 16384)");
module_param_cb(max_h2c_data, &vtcp_param_ops, &vtcp_max_h2c_data, 0644);
MODULE_PARM_DESC(max_h2c_data,
		 "MAXH2CDATA offered in ICResp: largest H2CData PDU (bytes, default 262144)");
module_param_cb(r2t_chunk, &vtcp_param_ops, &vtcp_r2t_chunk, 0644);
MODULE_PARM_DESC(r2t_chunk,
		 "bytes asked for per R2T; 0 = the whole transfer in one R2T (default 0)");
module_param_cb(mdts, &vtcp_param_ops, &vtcp_mdts_shift, 0444);
MODULE_PARM_DESC(mdts,
		 "MDTS reported to hosts: largest transfer is 4 KiB << mdts (default 8 = 1 MiB)");
module_param_cb(max_queue_size, &vtcp_param_ops, &vtcp_max_queue_size, 0644);
MODULE_PARM_DESC(max_queue_size, "largest queue a host may create (entries, default 1024)");
module_param_cb(icreq_timeout_ms, &vtcp_param_ops, &vtcp_connect_timeout_ms, 0644);
MODULE_PARM_DESC(icreq_timeout_ms,
		 "close connections that send no ICReq and Connect within this time (ms, default 10000)");
module_param_cb(max_queue_data_kb, &vtcp_param_ops, &vtcp_max_queue_data_kb, 0644);
MODULE_PARM_DESC(max_queue_data_kb,
		 "data buffer bytes one connection may hold (KiB, default 16384)");
module_param_cb(max_data_mb, &vtcp_param_ops, &vtcp_max_data_mb, 0644);
MODULE_PARM_DESC(max_data_mb,
		 "data buffer bytes all connections together may hold (MiB, default 0 = 1/16 of RAM)");
module_param_cb(data_timeout_ms, &vtcp_param_ops, &vtcp_data_timeout_ms, 0644);
MODULE_PARM_DESC(data_timeout_ms,
		 "longest wait for H2C data or a data buffer (ms, default 15000)");
module_param_cb(send_timeout_ms, &vtcp_param_ops, &vtcp_send_timeout_ms, 0644);
MODULE_PARM_DESC(send_timeout_ms,
		 "close a connection whose host takes none of the data waiting for it for this long (ms, default 30000)");
module_param_cb(max_connections, &vtcp_param_ops, &vtcp_max_connections, 0644);
MODULE_PARM_DESC(max_connections, "connections one port accepts (default 128)");

/* Read-only counters: data buffer KiB held now, and the most since reset. */
static int vtcp_data_in_use_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", vtcp_data_in_use() >> 10);
}

static const struct kernel_param_ops vtcp_data_in_use_ops = {
	.get = vtcp_data_in_use_get,
};

static int vtcp_data_peak_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", vtcp_data_peak_bytes() >> 10);
}

/* Writing 0 starts a new high-water mark at what is held now. */
static int vtcp_data_peak_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v)
		return -EINVAL;
	vtcp_data_peak_reset();
	return 0;
}

static const struct kernel_param_ops vtcp_data_peak_ops = {
	.get = vtcp_data_peak_get,
	.set = vtcp_data_peak_set,
};

module_param_cb(data_in_use_kb, &vtcp_data_in_use_ops, NULL, 0444);
MODULE_PARM_DESC(data_in_use_kb, "data buffer KiB held now (read-only)");
module_param_cb(data_peak_kb, &vtcp_data_peak_ops, NULL, 0644);
MODULE_PARM_DESC(data_peak_kb, "most data buffer KiB held since load or since 0 was written");

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
	return vtcp_mdts_shift;
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
