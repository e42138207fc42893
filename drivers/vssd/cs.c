// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the I/O command sets by name and CSI, and what the core offers
 * them (<vssd/cs.h>).  Adding a command set means adding its ops table
 * here; the core reaches it only through the table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vssd.h"

static const struct vssd_cs_ops *const vssd_cs_table[] = {
	&vssd_cs_nvm,		/* first: the default of a new namespace */
	&vssd_cs_kv,
	&vssd_cs_zns,
};

static_assert(ARRAY_SIZE(vssd_cs_table) <= VSSD_CS_MAX);

const struct vssd_cs_ops *vssd_cs_at(unsigned int i)
{
	return i < ARRAY_SIZE(vssd_cs_table) ? vssd_cs_table[i] : NULL;
}

const struct vssd_cs_ops *vssd_cs_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_cs_table); i++)
		if (sysfs_streq(name, vssd_cs_table[i]->name))
			return vssd_cs_table[i];
	return NULL;
}

unsigned int vssd_cs_index(const struct vssd_cs_ops *cs)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_cs_table); i++)
		if (vssd_cs_table[i] == cs)
			return i;
	/* An ops table missing from vssd_cs_table[]: a build mistake. */
	WARN_ON_ONCE(1);
	return 0;
}

/* Configuration (controller off): @ns belongs to command set @cs. */
void vssd_ns_set_ops(struct vssd_ns *ns, const struct vssd_cs_ops *cs)
{
	ns->ops = cs;
	ns->cs_index = vssd_cs_index(cs);
	/* Its counters were counted under the command set it leaves. */
	memset(&ns->stats, 0, sizeof(ns->stats));
}

/*
 * Dispatch lock held: the write caches command sets keep themselves
 * (struct vssd_cs_ops.cache_flush) are written back; the block
 * namespaces' is fault/powerloss.c's.
 */
void vssd_cs_cache_flush_all(struct vssd_ctrl *ctrl)
{
	struct vssd_ns *ns;

	lockdep_assert_held(&ctrl->dispatch_lock);
	for (ns = vssd_ns_after(ctrl, 0); ns; ns = vssd_ns_after(ctrl, ns->cs.nsid))
		if (ns->ops->cache_flush)
			ns->ops->cache_flush(&ns->cs);
}

/*
 * Dispatch lock held: an I/O command goes to its namespace's command set;
 * a Flush of every namespace is the model's.
 */
void vssd_io_prepare(struct vssd_ctrl *ctrl, struct vssd_cmd *cmd, u64 now, u64 *deadline)
{
	u32 nsid = le32_to_cpu(cmd->sqe.common.nsid);

	lockdep_assert_held(&ctrl->dispatch_lock);
	*deadline = now;
	if (READ_ONCE(ctrl->power_lost)) {
		/* fault/powerloss.c: nothing is served until the next power on. */
		cmd->status = VSSD_SC(NVME_SC_NS_NOT_READY);
		return;
	}
	if (cmd->sqe.common.opcode == nvme_cmd_flush && nsid == NVME_NSID_ALL) {
		*deadline = ctrl->model->flush(ctrl, now);
		vssd_cs_cache_flush_all(ctrl);
		cmd->exec = vssd_pl_exec_flush;
		return;
	}
	cmd->ns = vssd_ns_get(ctrl, nsid);
	if (!cmd->ns) {
		cmd->status = VSSD_SC(NVME_SC_INVALID_NS);
		return;
	}
	if (!cmd->foreign)
		cmd->cs_config = ctrl->features.cs_config[cmd->ns->cs_index];
	/*
	 * Worn-out media refuses changes (fault/wear.c); fault rules
	 * (fault/inject.c) give a media error instead, or a later completion.
	 */
	if (!vssd_wear_refuses(ctrl, cmd, now) && !vssd_fault_media(ctrl, cmd))
		cmd->ns->ops->prepare(ctrl, cmd, now, deadline);
	vssd_fault_delay(ctrl, cmd, now, deadline);
}

/*
 * Power on: which I/O opcodes change each namespace's data, from its
 * command set's effects (its own CSI and the one the host is told).
 */
int vssd_cs_changes_init(struct vssd_ctrl *ctrl)
{
	struct nvme_effects_log *log;
	struct vssd_ns *ns;
	unsigned int op;

	lockdep_assert_held(&ctrl->lock);
	log = kzalloc(sizeof(*log), GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	list_for_each_entry(ns, &ctrl->ns_list, link) {
		memset(log, 0, sizeof(*log));
		if (ns->ops->effects) {
			ns->ops->effects(ctrl, ns->ops->csi, log);
			if (ns->ops->presented_csi)
				ns->ops->effects(ctrl, ns->ops->presented_csi(&ns->cs), log);
		}
		bitmap_zero(ns->changes, 256);
		for (op = 0; op < 256; op++)
			if (le32_to_cpu(log->iocs[op]) & NVME_CMD_EFFECTS_LBCC)
				__set_bit(op, ns->changes);
	}
	kfree(log);
	return 0;
}

bool vssd_cs_csi_known(u8 csi)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_cs_table); i++)
		if (vssd_cs_table[i]->csi == csi)
			return true;
	return false;
}

/* Identify CNS 06h: the data the command set of @csi defines, if any. */
void vssd_cs_identify_ctrl(struct vssd_ctrl *ctrl, u8 csi, void *data)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_cs_table); i++)
		if (vssd_cs_table[i]->csi == csi && vssd_cs_table[i]->identify_ctrl)
			vssd_cs_table[i]->identify_ctrl(ctrl, csi, data);
}

/* The command set that owns feature @fid, if one does. */
const struct vssd_cs_ops *vssd_cs_of_feature(u8 fid)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_cs_table); i++)
		if (fid && vssd_cs_table[i]->config_fid == fid)
			return vssd_cs_table[i];
	return NULL;
}

/* What the host is told of @ns (powered): its command set may present another. */
u8 vssd_ns_presented_csi(struct vssd_ns *ns)
{
	const struct vssd_cs_ops *cs = ns->ops;

	return cs->presented_csi ? cs->presented_csi(&ns->cs) : cs->csi;
}

/* At mkdir: every command set's configuration of the namespace, at its defaults. */
int vssd_cs_ns_alloc_conf(struct vssd_ns *ns)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vssd_cs_table); i++) {
		const struct vssd_cs_ops *cs = vssd_cs_table[i];

		if (!cs->conf_size)
			continue;
		ns->cs.conf[i] = kzalloc(cs->conf_size, GFP_KERNEL);
		if (!ns->cs.conf[i]) {
			vssd_cs_ns_free_conf(ns);
			return -ENOMEM;
		}
		if (cs->conf_init)
			cs->conf_init(ns->cs.conf[i]);
	}
	return 0;
}

void vssd_cs_ns_free_conf(struct vssd_ns *ns)
{
	unsigned int i;

	for (i = 0; i < VSSD_CS_MAX; i++) {
		kfree(ns->cs.conf[i]);
		ns->cs.conf[i] = NULL;
	}
}

void *vssd_cs_conf(const struct vssd_cs_ns *ns, const struct vssd_cs_ops *cs)
{
	return ns->conf[vssd_cs_index(cs)];
}

const char *vssd_ctrl_name(struct vssd_ctrl *ctrl)
{
	return config_item_name(&ctrl->group.cg_item);
}

const struct vssd_params *vssd_ctrl_params(struct vssd_ctrl *ctrl)
{
	return &ctrl->params;
}

bool vssd_ctrl_write_cache(struct vssd_ctrl *ctrl)
{
	return READ_ONCE(ctrl->features.volatile_wc);
}

void vssd_assert_dispatching(struct vssd_ctrl *ctrl)
{
	lockdep_assert_held(&ctrl->dispatch_lock);
}

/* The next powered namespace of @ctrl after @prev whose command set is @cs. */
struct vssd_cs_ns *vssd_cs_ns_next(struct vssd_ctrl *ctrl, const struct vssd_cs_ops *cs,
				   struct vssd_cs_ns *prev)
{
	struct vssd_ns *ns;

	for (ns = vssd_ns_after(ctrl, prev ? prev->nsid : 0); ns;
	     ns = vssd_ns_after(ctrl, ns->cs.nsid))
		if (ns->ops == cs)
			return &ns->cs;
	return NULL;
}

bool vssd_media_untimed(struct vssd_ctrl *ctrl)
{
	return ctrl->model->untimed;
}

struct vssd_nand *vssd_media_nand(struct vssd_ctrl *ctrl)
{
	return ctrl->model->flash ? ctrl->model->flash(ctrl) : NULL;
}

u64 vssd_media_read(struct vssd_cs_ns *ns, u64 off, u64 len, u64 now)
{
	struct vssd_ctrl *ctrl = ns->ctrl;

	return ctrl->model->read(container_of(ns, struct vssd_ns, cs), off, len, now);
}

int vssd_media_write(struct vssd_cs_ns *ns, u64 off, u64 len, u64 now, u64 *done)
{
	struct vssd_ctrl *ctrl = ns->ctrl;

	return ctrl->model->write(container_of(ns, struct vssd_ns, cs), off, len, now, done);
}
