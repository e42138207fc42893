// SPDX-License-Identifier: GPL-2.0
/*
 * vssd "simple" model: a fixed latency per operation plus a bandwidth limit
 * for reads and one for writes.  Each direction is a timeline: a command's
 * data transfer starts when the previous one in that direction has ended,
 * then the latency is added.  QD1 latency = latency + bytes / bandwidth;
 * at depth, throughput = bandwidth.
 */
#include <linux/slab.h>

#include "../vssd.h"
#include <vssd/nand.h>

struct vssd_simple {
	u64 read_free;
	u64 write_free;
};

static int vssd_simple_ctrl_init(struct vssd_ctrl *ctrl)
{
	struct vssd_simple *s = kzalloc(sizeof(*s), GFP_KERNEL);

	ctrl->model_data = s;
	return s ? 0 : -ENOMEM;
}

static void vssd_simple_ctrl_exit(struct vssd_ctrl *ctrl)
{
	kfree(ctrl->model_data);
	ctrl->model_data = NULL;
}

static u64 vssd_simple_read(struct vssd_ns *ns, u64 off, u64 len, u64 now)
{
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	struct vssd_simple *s = ctrl->model_data;

	lockdep_assert_held(&ctrl->dispatch_lock);
	s->read_free = max(now, s->read_free) +
		       vssd_xfer_ns(len, ctrl->params.read_mbps);
	return s->read_free + ctrl->params.read_latency_ns;
}

static int vssd_simple_write(struct vssd_ns *ns, u64 off, u64 len, u64 now, u64 *done)
{
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	struct vssd_simple *s = ctrl->model_data;

	lockdep_assert_held(&ctrl->dispatch_lock);
	s->write_free = max(now, s->write_free) +
			vssd_xfer_ns(len, ctrl->params.write_mbps);
	*done = s->write_free + ctrl->params.write_latency_ns;
	return 0;
}

/* Writes are durable when they complete: a flush has nothing to wait for. */
static u64 vssd_simple_flush(struct vssd_ctrl *ctrl, u64 now)
{
	return now;
}

const struct vssd_model_ops vssd_model_simple = {
	.name = "simple",
	.ctrl_init = vssd_simple_ctrl_init, .ctrl_exit = vssd_simple_ctrl_exit,
	/* No FTL: nothing to trim, format or collect. */
	.read = vssd_simple_read, .write = vssd_simple_write, .flush = vssd_simple_flush,
};
