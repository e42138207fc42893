// SPDX-License-Identifier: GPL-2.0
/*
 * vssd_tcp: key-value namespaces over NVMe/TCP.  nvmet knows the NVM
 * command set only; for an nvmet namespace whose device is a vssd KV
 * namespace, this file, the only one of the transport that knows vssd,
 *
 * - forwards the I/O commands nvmet cannot parse to vssd (<vssd/fwd.h>):
 *   every opcode of a namespace presented as KV, the vendor opcodes (80h
 *   and up) of one presented as NVM.  nvmet_req_init() first sees a Flush
 *   in the command's place, so that it makes its own checks (controller
 *   live, namespace in the host's subsystem, ANA state) and takes its
 *   namespace reference; the real opcode is put back before anything else
 *   reads the command.
 * - answers the admin commands nvmet 6.1 gets wrong for such a namespace:
 *   Identify CNS 00h (zeros), 03h (CSI 01h descriptor), 05h/CSI 01h (from
 *   vssd), 06h/CSI 01h (zeros), 08h, Get Log Page 05h for CSI 01h, and
 *   Get/Set Features 20h (KV configuration, per host controller).
 *
 * Each host controller has an owner record, created when its admin queue
 * connects and shared by its I/O queues: it keeps feature 20h, and its id
 * marks the Samsung iterators the host opens, which are closed when the
 * controller's last queue goes away.
 *
 * vssd_tcp does not depend on vssd.ko.  An owner takes vssd's API
 * (vssd_fwd_ops) with symbol_get() the first time one of its commands meets
 * a block device of vssd, and puts it when the owner goes: vssd.ko stays
 * loaded while a host controller that used one of its namespaces lives, and
 * no longer.  The KV effects log and feature 20h, answered while vssd.ko is
 * loaded, hold it only for the command.  Block devices and files of
 * anything else never reach this file's vssd calls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include <vssd/fwd.h>
#include <vssd/kv_cmd.h>
#include <vssd/nvme_ext.h>
#include <vssd/nvme_fields.h>

#include "fwd.h"

#define VTCP_ID_SIZE		4096

struct vtcp_owner {
	struct list_head	entry;
	const struct nvmet_ctrl	*ctrl;	/* compared, never dereferenced */
	refcount_t		ref;	/* one per queue */
	u64			id;
	u32			kv_config;
	/* From symbol_get(), set once (NULL until vssd is needed). */
	const struct vssd_fwd_ops *vssd;
};

static LIST_HEAD(vtcp_owners);
static DEFINE_SPINLOCK(vtcp_owners_lock);
static atomic64_t vtcp_owner_ids;

/*
 * A queue's Connect succeeded: the admin queue starts a new owner, an I/O
 * queue joins its controller's (or starts one when the admin queue has
 * none).  Without memory the queue has none, and nothing of it reaches
 * vssd: nvmet answers its KV commands (Invalid Opcode).
 */
void vtcp_fwd_connected(struct vtcp_queue *queue)
{
	struct nvmet_ctrl *ctrl = queue->nvme_sq.ctrl;
	struct vtcp_owner *owner = NULL, *o;

	if (!ctrl || queue->owner)
		return;
	spin_lock(&vtcp_owners_lock);
	if (queue->nvme_sq.qid) {
		list_for_each_entry(o, &vtcp_owners, entry) {
			if (o->ctrl == ctrl) {
				refcount_inc(&o->ref);
				owner = o;
				break;
			}
		}
	}
	spin_unlock(&vtcp_owners_lock);
	if (!owner) {
		owner = kzalloc(sizeof(*owner), GFP_KERNEL);
		if (!owner)
			return;
		owner->ctrl = ctrl;
		refcount_set(&owner->ref, 1);
		owner->id = atomic64_inc_return(&vtcp_owner_ids);
		spin_lock(&vtcp_owners_lock);
		/* Newest first: a reused controller address finds this one. */
		list_add(&owner->entry, &vtcp_owners);
		spin_unlock(&vtcp_owners_lock);
	}
	queue->owner = owner;
}

/* The queue is gone and nvmet has finished its commands. */
void vtcp_fwd_queue_gone(struct vtcp_queue *queue)
{
	struct vtcp_owner *owner = queue->owner;

	queue->owner = NULL;
	if (!owner)
		return;
	spin_lock(&vtcp_owners_lock);
	if (!refcount_dec_and_test(&owner->ref)) {
		spin_unlock(&vtcp_owners_lock);
		return;
	}
	list_del(&owner->entry);
	spin_unlock(&vtcp_owners_lock);
	if (owner->vssd) {
		owner->vssd->forget(owner->id);
		symbol_put(vssd_fwd_ops);
	}
	kfree(owner);
}

/* Is @bdev a vssd namespace's device?  Its module is then loaded. */
static bool vtcp_fwd_is_vssd(struct block_device *bdev)
{
	struct module *mod = bdev ? bdev->bd_disk->fops->owner : NULL;

	return mod && !strcmp(module_name(mod), VSSD_FWD_MODULE);
}

/* vssd's API for @owner's commands: NULL without an owner or without vssd.ko. */
static const struct vssd_fwd_ops *vtcp_fwd_vssd(struct vtcp_owner *owner)
{
	const struct vssd_fwd_ops *ops, *old;

	if (!owner)
		return NULL;
	/* Pairs with the cmpxchg() below, on another queue of the owner. */
	ops = smp_load_acquire(&owner->vssd);
	if (ops)
		return ops;
	ops = symbol_get(vssd_fwd_ops);
	if (!ops)
		return NULL;
	old = cmpxchg(&owner->vssd, NULL, ops);
	if (old) {
		/* Another queue of the same host controller was first. */
		symbol_put(vssd_fwd_ops);
		return old;
	}
	return ops;
}

/* Is vssd.ko loaded (and not on its way out)? */
static bool vtcp_fwd_vssd_loaded(void)
{
	const struct vssd_fwd_ops *ops = symbol_get(vssd_fwd_ops);

	if (ops)
		symbol_put(vssd_fwd_ops);
	return ops;
}

/* nvmet's namespace @nsid of @ctrl's subsystem, with a reference. */
static struct nvmet_ns *vtcp_fwd_find_ns(struct nvmet_ctrl *ctrl, u32 nsid)
{
	struct nvmet_ns *ns;

	rcu_read_lock();
	ns = xa_load(&ctrl->subsys->namespaces, nsid);
	if (ns && !percpu_ref_tryget_live(&ns->ref))
		ns = NULL;
	rcu_read_unlock();
	return ns;
}

static enum vssd_fwd_kind vtcp_fwd_kind(struct vtcp_owner *owner, struct nvmet_ctrl *ctrl,
					u32 nsid, struct nvmet_ns **nsp, struct vssd_ns **vns)
{
	struct nvmet_ns *ns = vtcp_fwd_find_ns(ctrl, nsid);
	enum vssd_fwd_kind kind = VSSD_FWD_NONE;
	const struct vssd_fwd_ops *vssd;

	*vns = NULL;
	if (ns && vtcp_fwd_is_vssd(ns->bdev)) {
		vssd = vtcp_fwd_vssd(owner);
		if (vssd)
			kind = vssd->lookup(ns->bdev, vns);
	}
	if (ns && (kind == VSSD_FWD_NONE || !nsp))
		percpu_ref_put(&ns->ref);
	else if (nsp)
		*nsp = ns;
	return kind;
}

static bool vtcp_fwd_opcode_wanted(enum vssd_fwd_kind kind, u8 opcode)
{
	return kind == VSSD_FWD_CS || (kind == VSSD_FWD_CS_AS_NVM && opcode >= 0x80);
}

/* Before nvmet_req_init(): does this I/O command go to vssd? */
static bool vtcp_fwd_io_wanted(struct vtcp_queue *queue, const struct nvme_command *sqe)
{
	struct nvmet_ctrl *ctrl = queue->nvme_sq.ctrl;
	struct vssd_ns *vns;

	if (!ctrl || !queue->nvme_sq.qid || nvmet_is_passthru_subsys(ctrl->subsys))
		return false;
	return vtcp_fwd_opcode_wanted(vtcp_fwd_kind(queue->owner, ctrl,
						    le32_to_cpu(sqe->common.nsid), NULL, &vns),
				      sqe->common.opcode);
}

static bool vtcp_fwd_modifies(u8 opcode)
{
	switch (opcode) {
	case VSSD_KV_OP_STORE:
	case VSSD_KV_OP_DELETE:
	case VSSD_SKV_OP_STORE:
	case VSSD_SKV_OP_APPEND:
	case VSSD_SKV_OP_DELETE:
		return true;
	default:
		return false;
	}
}

static void vtcp_fwd_done(struct vssd_fwd_req *fr)
{
	struct vtcp_cmd *cmd = container_of(fr, struct vtcp_cmd, fwd);

	cmd->req.cqe->result.u64 = cpu_to_le64(fr->result);
	nvmet_req_complete(&cmd->req, fr->status);
}

static void vtcp_fwd_submit(struct vtcp_cmd *cmd, struct vssd_ns *vns, bool admin)
{
	struct vssd_fwd_req *fr = &cmd->fwd;
	/* The namespace was found through this owner's vssd_fwd_ops. */
	struct vtcp_owner *owner = cmd->queue->owner;

	/* Nothing of an earlier command may reach the host past the value. */
	if (!nvme_is_write(&cmd->sqe) && cmd->data_len)
		sg_zero_buffer(cmd->sg, cmd->sg_nents, cmd->data_len, 0);
	memset(fr, 0, sizeof(*fr));
	fr->sqe = cmd->sqe;
	fr->admin = admin;
	fr->sg = cmd->sg;
	fr->len = cmd->data_len;
	fr->owner = owner->id;
	fr->cs_config = READ_ONCE(owner->kv_config);
	fr->done = vtcp_fwd_done;
	READ_ONCE(owner->vssd)->submit(vns, fr);
}

static void vtcp_fwd_execute_io(struct nvmet_req *req)
{
	struct vtcp_cmd *cmd = container_of(req, struct vtcp_cmd, req);

	vtcp_fwd_submit(cmd, cmd->fwd_ns, false);
}

/*
 * After nvmet_req_init() accepted the stand-in: check the namespace it
 * found (it may have changed since vtcp_fwd_io_wanted()) and take over.
 */
static u16 vtcp_fwd_io_claim(struct vtcp_cmd *cmd)
{
	const struct vssd_fwd_ops *vssd = vtcp_fwd_vssd(cmd->queue->owner);
	struct nvmet_ns *ns = cmd->req.ns;
	enum vssd_fwd_kind kind = VSSD_FWD_NONE;

	cmd->fwd_ns = NULL;
	if (vssd && vtcp_fwd_is_vssd(ns->bdev))
		kind = vssd->lookup(ns->bdev, &cmd->fwd_ns);

	if (!vtcp_fwd_opcode_wanted(kind, cmd->sqe.common.opcode))
		return NVME_SC_INVALID_OPCODE | NVME_STATUS_DNR;
	if (ns->readonly && vtcp_fwd_modifies(cmd->sqe.common.opcode))
		return NVME_SC_NS_WRITE_PROTECTED | NVME_STATUS_DNR;
	cmd->req.execute = vtcp_fwd_execute_io;
	return 0;
}

/* Admin data built here: @len bytes of @buf, zeros up to the transfer. */
static u16 vtcp_fwd_copy(struct vtcp_cmd *cmd, const void *buf, u32 len)
{
	u32 total = cmd->data_len;

	len = min(len, total);
	if (sg_copy_from_buffer(cmd->sg, cmd->sg_nents, buf, len) != len)
		return NVME_SC_INTERNAL | NVME_STATUS_DNR;
	if (total > len &&
	    sg_zero_buffer(cmd->sg, cmd->sg_nents, total - len, len) != total - len)
		return NVME_SC_INTERNAL | NVME_STATUS_DNR;
	return 0;
}

/* CNS 03h: nvmet's identifiers, with the KV command set. */
static void vtcp_fwd_desc_list(struct nvmet_ns *ns, u8 *data)
{
	u8 csi = VSSD_CSI_KV;
	u8 *p = data;

	if (!uuid_is_null(&ns->uuid))
		p = vssd_put_ns_desc(p, NVME_NIDT_UUID, NVME_NIDT_UUID_LEN, &ns->uuid);
	if (memchr_inv(ns->nguid, 0, sizeof(ns->nguid)))
		p = vssd_put_ns_desc(p, NVME_NIDT_NGUID, NVME_NIDT_NGUID_LEN, ns->nguid);
	vssd_put_ns_desc(p, NVME_NIDT_CSI, NVME_NIDT_CSI_LEN, &csi);
}

/* CNS 08h: I/O command set independent identify namespace. */
static void vtcp_fwd_cs_indep(struct nvmet_ns *ns, struct nvme_id_ns_cs_indep *id)
{
	id->anagrpid = cpu_to_le32(ns->anagrpid);
	id->nsattr = ns->readonly ? 1 : 0;
	id->nstat = 1;		/* ready */
}

/*
 * Identify for a KV namespace; nvmet_execute_identify() for the rest.
 * Returns true when the command was taken.
 */
static bool vtcp_fwd_identify(struct vtcp_cmd *cmd)
{
	struct nvmet_req *req = &cmd->req;
	struct nvme_identify *id = &cmd->sqe.identify;
	u32 nsid = le32_to_cpu(id->nsid);
	enum vssd_fwd_kind kind;
	struct nvmet_ns *ns = NULL;
	struct vssd_ns *vns;
	u8 *data;
	u16 status;

	if (id->cns == NVME_ID_CNS_CS_CTRL && id->csi == VSSD_CSI_KV)
		goto zeros;	/* the KV command set defines nothing there */
	if (id->cns != NVME_ID_CNS_NS && id->cns != NVME_ID_CNS_NS_DESC_LIST &&
	    id->cns != NVME_ID_CNS_CS_NS && id->cns != NVME_ID_CNS_NS_CS_INDEP)
		return false;
	kind = vtcp_fwd_kind(cmd->queue->owner, req->sq->ctrl, nsid, &ns, &vns);
	if (kind == VSSD_FWD_NONE)
		return false;
	/* nvmet_req_complete() drops this reference. */
	req->ns = ns;
	switch (id->cns) {
	case NVME_ID_CNS_CS_NS:
		if (id->csi != VSSD_CSI_KV)
			break;
		if (nvmet_check_transfer_len(req, VTCP_ID_SIZE))
			vtcp_fwd_submit(cmd, vns, true);
		return true;
	case NVME_ID_CNS_NS_CS_INDEP:
		break;
	default:
		/* Presented as NVM: nvmet's own answers are right. */
		if (kind == VSSD_FWD_CS_AS_NVM) {
			percpu_ref_put(&ns->ref);
			req->ns = NULL;
			return false;
		}
		break;
	}
	if (!nvmet_check_transfer_len(req, VTCP_ID_SIZE))
		return true;
	data = kzalloc(VTCP_ID_SIZE, GFP_KERNEL);
	if (!data) {
		nvmet_req_complete(req, NVME_SC_INTERNAL);
		return true;
	}
	if (id->cns == NVME_ID_CNS_NS_DESC_LIST)
		vtcp_fwd_desc_list(ns, data);
	else if (id->cns == NVME_ID_CNS_NS_CS_INDEP)
		vtcp_fwd_cs_indep(ns, (void *)data);
	/* CNS 00h (NVM data) and 05h for another CSI: zeros. */
	status = vtcp_fwd_copy(cmd, data, VTCP_ID_SIZE);
	kfree(data);
	nvmet_req_complete(req, status);
	return true;

zeros:
	if (nvmet_check_transfer_len(req, VTCP_ID_SIZE))
		nvmet_req_complete(req, vtcp_fwd_copy(cmd, NULL, 0));
	return true;
}

/*
 * Get Log Page 05h for CSI 01h: nvmet's admin commands, vssd's KV ones
 * (none if vssd.ko went away since the command was claimed).
 */
static void vtcp_fwd_effects(struct vtcp_cmd *cmd)
{
	const struct nvme_command *sqe = &cmd->sqe;
	u64 len = vssd_get_log_len(sqe), offset = vssd_get_log_offset(sqe);
	const struct vssd_fwd_ops *vssd;
	struct nvme_effects_log *log;
	static const struct vssd_effect admin[] = {
		{ nvme_admin_get_log_page, VSSD_EFFECT_SUPPORTED },
		{ nvme_admin_identify, VSSD_EFFECT_SUPPORTED },
		{ nvme_admin_abort_cmd, VSSD_EFFECT_SUPPORTED },
		{ nvme_admin_set_features, VSSD_EFFECT_SUPPORTED },
		{ nvme_admin_get_features, VSSD_EFFECT_SUPPORTED },
		{ nvme_admin_async_event, VSSD_EFFECT_SUPPORTED },
		{ nvme_admin_keep_alive, VSSD_EFFECT_SUPPORTED },
	};
	u16 status;

	if (!nvmet_check_transfer_len(&cmd->req, len))
		return;
	if (offset >= sizeof(*log) || offset & 3) {
		nvmet_req_complete(&cmd->req, NVME_SC_INVALID_FIELD | NVME_STATUS_DNR);
		return;
	}
	log = kzalloc(sizeof(*log), GFP_KERNEL);
	if (!log) {
		nvmet_req_complete(&cmd->req, NVME_SC_INTERNAL);
		return;
	}
	vssd_effects_fill(log->acs, admin, ARRAY_SIZE(admin));
	vssd = symbol_get(vssd_fwd_ops);
	if (vssd) {
		vssd->effects(VSSD_CSI_KV, log);
		symbol_put(vssd_fwd_ops);
	}
	status = vtcp_fwd_copy(cmd, (u8 *)log + offset, sizeof(*log) - offset);
	kfree(log);
	nvmet_req_complete(&cmd->req, status);
}

/*
 * Feature 20h: kept per host controller, handed to vssd with each command.
 * Claimed only with an owner (vtcp_fwd_admin_claim()).
 */
static void vtcp_fwd_kv_feature(struct vtcp_cmd *cmd, bool set)
{
	struct vtcp_owner *owner = cmd->queue->owner;
	u32 cdw10 = le32_to_cpu(cmd->sqe.common.cdw10);
	u32 cdw11 = le32_to_cpu(cmd->sqe.common.cdw11);
	u8 sel = (cdw10 >> 8) & 0x7;
	u16 status = 0;
	u32 result = 0;

	if (!nvmet_check_transfer_len(&cmd->req, 0))
		return;
	if (set) {
		if (cdw10 & BIT(31))
			status = NVME_SC_FEATURE_NOT_SAVEABLE | NVME_STATUS_DNR;
		else if (cdw11 & ~VSSD_KV_CONFIG_EDNEK)
			status = NVME_SC_INVALID_FIELD | NVME_STATUS_DNR;
		else
			WRITE_ONCE(owner->kv_config, cdw11);
	} else if (sel == 3) {
		result = 0x4;	/* changeable */
	} else if (sel != 1) {
		result = READ_ONCE(owner->kv_config);
	}
	cmd->req.cqe->result.u32 = cpu_to_le32(result);
	nvmet_req_complete(&cmd->req, status);
}

static void vtcp_fwd_execute_admin(struct nvmet_req *req)
{
	struct vtcp_cmd *cmd = container_of(req, struct vtcp_cmd, req);
	const struct nvme_command *sqe = &cmd->sqe;

	switch (sqe->common.opcode) {
	case nvme_admin_identify:
		if (vtcp_fwd_identify(cmd))
			return;
		break;
	case nvme_admin_get_log_page:
		vtcp_fwd_effects(cmd);
		return;
	case nvme_admin_set_features:
	case nvme_admin_get_features:
		vtcp_fwd_kv_feature(cmd, sqe->common.opcode == nvme_admin_set_features);
		return;
	}
	cmd->nvmet_execute(req);
}

/* After nvmet_req_init() accepted an admin command: ours to answer? */
static void vtcp_fwd_admin_claim(struct vtcp_cmd *cmd)
{
	const struct nvme_command *sqe = &cmd->sqe;
	u32 cdw10 = le32_to_cpu(sqe->common.cdw10);
	bool ours;

	switch (sqe->common.opcode) {
	case nvme_admin_identify:
		ours = true;	/* decided at execution, by namespace */
		break;
	case nvme_admin_get_log_page:
		ours = (cdw10 & 0xff) == NVME_LOG_CMD_EFFECTS &&
		       sqe->get_log_page.csi == VSSD_CSI_KV;
		break;
	case nvme_admin_set_features:
	case nvme_admin_get_features:
		ours = (cdw10 & 0xff) == VSSD_FEAT_KV_CONFIG;
		break;
	default:
		ours = false;
	}
	if (!ours || nvmet_is_passthru_subsys(cmd->req.sq->ctrl->subsys))
		return;
	/* The KV log and feature exist while vssd.ko does; the feature per owner. */
	if (sqe->common.opcode != nvme_admin_identify &&
	    (!vtcp_fwd_vssd_loaded() ||
	     (sqe->common.opcode != nvme_admin_get_log_page && !cmd->queue->owner)))
		return;
	cmd->nvmet_execute = cmd->req.execute;
	cmd->req.execute = vtcp_fwd_execute_admin;
}

/*
 * nvmet_req_init(), with a Flush in the place of an I/O command that goes
 * to a vssd KV namespace.  False: nvmet queued an error.
 */
bool vtcp_fwd_req_init(struct vtcp_queue *queue, struct vtcp_cmd *cmd)
{
	u8 opcode = cmd->sqe.common.opcode;
	bool fwd = vtcp_fwd_io_wanted(queue, &cmd->sqe);
	bool ok;
	u16 status;

	if (fwd)
		cmd->sqe.common.opcode = nvme_cmd_flush;
	ok = nvmet_req_init(&cmd->req, &queue->nvme_cq, &queue->nvme_sq, &vtcp_ops);
	cmd->sqe.common.opcode = opcode;
	if (!ok)
		return false;
	if (fwd) {
		status = vtcp_fwd_io_claim(cmd);
		if (status) {
			nvmet_req_complete(&cmd->req, status);
			return false;
		}
	} else if (!queue->nvme_sq.qid && queue->nvme_sq.ctrl) {
		vtcp_fwd_admin_claim(cmd);
	}
	return true;
}
