// SPDX-License-Identifier: GPL-2.0
/*
 * vssd "ssd" model: a NAND array shared by the controller's namespaces
 * (nand.c) and a page-mapped FTL per namespace (pagemap.c).  This file only
 * turns parameters into their configurations and byte ranges into 4 KiB
 * units; the maths is in the pure files.
 */
#include <linux/slab.h>

#include "../vssd.h"
#include <vssd/nand.h>
#include "pagemap.h"

static struct vssd_nand *vssd_ssd_nand(struct vssd_ctrl *ctrl)
{
	return ctrl->model_data;
}

static int vssd_ssd_ctrl_init(struct vssd_ctrl *ctrl)
{
	const struct vssd_params *p = &ctrl->params;
	struct vssd_nand_config cfg = {
		.channels		= p->channels,
		.dies_per_channel	= p->dies_per_channel,
		.planes_per_die		= p->planes_per_die,
		.page_size		= p->page_kb * 1024,
		.pages_per_block	= p->pages_per_block,
		.read_lsb_ns		= p->read_lsb_ns,
		.read_msb_ns		= p->read_msb_ns,
		.program_ns		= p->program_ns,
		.erase_ns		= p->erase_ns,
		.channel_mbps		= p->channel_mbps,
		.host_mbps		= p->host_mbps,
		.fw_read_ns		= p->fw_read_ns,
		.fw_write_ns		= p->fw_write_ns,
		.fw_write_per4k_ns	= p->fw_write_per4k_ns,
		.buffer_units		= p->write_buffer_kb / 4,
	};
	struct vssd_nand *nand = kzalloc(sizeof(*nand), GFP_KERNEL);
	int ret;

	if (!nand)
		return -ENOMEM;
	ret = vssd_nand_init(nand, &cfg);
	if (ret) {
		kfree(nand);
		return ret;
	}
	ctrl->model_data = nand;
	return 0;
}

static void vssd_ssd_ctrl_exit(struct vssd_ctrl *ctrl)
{
	struct vssd_nand *nand = vssd_ssd_nand(ctrl);

	vssd_nand_destroy(nand);
	kfree(nand);
	ctrl->model_data = NULL;
}

static int vssd_ssd_ns_init(struct vssd_ns *ns)
{
	struct vssd_ctrl *ctrl = ns->cs.ctrl;
	struct vssd_pagemap *pm = kzalloc(sizeof(*pm), GFP_KERNEL);
	u64 units = ns->cs.store.size >> VSSD_UNIT_SHIFT;
	int ret;

	if (!pm)
		return -ENOMEM;
	ret = vssd_pagemap_init(pm, vssd_ssd_nand(ctrl), units,
				ctrl->params.op_percent, ctrl->params.gc_free_percent);
	if (ret) {
		pr_err("vssd: %s: namespace %u: cannot build the FTL (%d)\n",
		       vssd_ctrl_name(ctrl), ns->cs.nsid, ret);
		kfree(pm);
		return ret;
	}
	ns->model_data = pm;
	return 0;
}

static void vssd_ssd_ns_exit(struct vssd_ns *ns)
{
	vssd_pagemap_destroy(ns->model_data);
	kfree(ns->model_data);
	ns->model_data = NULL;
}

/* Units touched by [off, off + len); a partial unit counts whole. */
static void vssd_ssd_units(u64 off, u64 len, u64 *first, u64 *count)
{
	*first = off >> VSSD_UNIT_SHIFT;
	*count = ((off + len + VSSD_UNIT_SIZE - 1) >> VSSD_UNIT_SHIFT) - *first;
}

static u64 vssd_ssd_read(struct vssd_ns *ns, u64 off, u64 len, u64 now)
{
	u64 first, count;

	lockdep_assert_held(&ns->cs.ctrl->dispatch_lock);
	vssd_ssd_units(off, len, &first, &count);
	return vssd_pagemap_read(ns->model_data, first, count, now);
}

static int vssd_ssd_write(struct vssd_ns *ns, u64 off, u64 len, u64 now, u64 *done)
{
	u64 first, count;

	lockdep_assert_held(&ns->cs.ctrl->dispatch_lock);
	vssd_ssd_units(off, len, &first, &count);
	return vssd_pagemap_write(ns->model_data, first, count, now,
				  !ns->cs.ctrl->features.volatile_wc, done);
}

/* Only units wholly inside the range can be forgotten. */
static void vssd_ssd_trim(struct vssd_ns *ns, u64 off, u64 len)
{
	u64 first = (off + VSSD_UNIT_SIZE - 1) >> VSSD_UNIT_SHIFT;
	u64 end = (off + len) >> VSSD_UNIT_SHIFT;

	lockdep_assert_held(&ns->cs.ctrl->dispatch_lock);
	if (end > first)
		vssd_pagemap_trim(ns->model_data, first, end - first);
}

static u64 vssd_ssd_flush(struct vssd_ctrl *ctrl, u64 now)
{
	struct vssd_ns *ns;
	u64 done = now;

	lockdep_assert_held(&ctrl->dispatch_lock);
	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid))
		if (ns->model_data)
			done = max(done, vssd_pagemap_flush(ns->model_data, now));
	return done;
}

static void vssd_ssd_format(struct vssd_ns *ns)
{
	vssd_pagemap_format(ns->model_data, ktime_get_ns());
}

/* Background GC, one line at a time, when no die is busy. */
static u64 vssd_ssd_idle(struct vssd_ctrl *ctrl, u64 now)
{
	struct vssd_ns *ns;
	u64 next = 0, t;

	lockdep_assert_held(&ctrl->dispatch_lock);
	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid)) {
		if (!ns->model_data)
			continue;
		t = vssd_pagemap_background_gc(ns->model_data, now);
		if (t && (!next || t < next))
			next = t;
		if (t == now)
			break;
	}
	return next;
}

static void vssd_ssd_counters(struct vssd_ctrl *ctrl, struct vssd_model_counters *c)
{
	u64 erase_sum = 0, lines = 0;
	struct vssd_ns *ns;
	u32 i;

	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid)) {
		struct vssd_pagemap *pm;

		if (!ns->model_data)
			continue;
		pm = ns->model_data;
		c->gc_runs += READ_ONCE(pm->gc_runs);
		c->gc_units_moved += READ_ONCE(pm->gc_units_moved);
		c->host_units_programmed += READ_ONCE(pm->host_units_written);
		c->erases += READ_ONCE(pm->erases);
		c->free_blocks += READ_ONCE(pm->lines.nr_free);
		c->total_blocks += pm->lines.nr;
		for (i = 0; i < pm->lines.nr; i++) {
			u32 e = READ_ONCE(pm->lines.seg[i].erase_count);

			erase_sum += e;
			c->max_erase_count = max_t(u64, c->max_erase_count, e);
		}
		lines += pm->lines.nr;
	}
	if (lines)
		c->avg_erase_count_x100 = div64_u64(erase_sum * 100, lines);
}

/* Namespaces of other command sets (a KV value log) use the same dies. */
static struct vssd_nand *vssd_ssd_flash(struct vssd_ctrl *ctrl)
{
	return vssd_ssd_nand(ctrl);
}

const struct vssd_model_ops vssd_model_ssd = {
	.name = "ssd",
	/* The NAND array belongs to the controller, an FTL to each namespace. */
	.ctrl_init = vssd_ssd_ctrl_init, .ctrl_exit = vssd_ssd_ctrl_exit,
	.ns_init = vssd_ssd_ns_init, .ns_exit = vssd_ssd_ns_exit,
	/* Dispatcher: timing and mapping. */
	.read = vssd_ssd_read, .write = vssd_ssd_write, .trim = vssd_ssd_trim,
	.flush = vssd_ssd_flush, .format = vssd_ssd_format,
	/* Background GC, and what SMART and stats report. */
	.idle = vssd_ssd_idle, .counters = vssd_ssd_counters,
	.flash = vssd_ssd_flash,
};
