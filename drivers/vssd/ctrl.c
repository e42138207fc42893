// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: controller lifecycle.  A controller is allocated at mkdir, brought
 * up by power=1 (model, engine, block and character devices, in that order)
 * and taken down by power=0 in the reverse order.  Power-off is refused
 * while any of its device nodes is open: that includes an nvmet namespace
 * exporting it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/jhash.h>
#include <linux/slab.h>

#include "vssd.h"

static DEFINE_IDA(vssd_index_ida);

struct vssd_ctrl *vssd_ctrl_alloc(const char *name)
{
	struct vssd_ctrl *ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);

	if (!ctrl)
		return NULL;
	if (!zalloc_cpumask_var(&ctrl->worker_cpus, GFP_KERNEL)) {
		kfree(ctrl);
		return NULL;
	}
	cpumask_copy(ctrl->worker_cpus, cpu_online_mask);
	mutex_init(&ctrl->lock);
	mutex_init(&ctrl->dispatch_lock);
	INIT_LIST_HEAD(&ctrl->ns_list);
	spin_lock_init(&ctrl->errors.lock);
	vssd_lost_init(ctrl);
	vssd_params_defaults(&ctrl->params);
	ctrl->index = -1;
	/* Stable across reloads for the same name, unique enough per host. */
	snprintf(ctrl->serial, sizeof(ctrl->serial), "VSSD%08X",
		 jhash(name, strlen(name), 0x76737364));
	vssd_fwd_add_ctrl(ctrl);
	return ctrl;
}

void vssd_ctrl_free(struct vssd_ctrl *ctrl)
{
	vssd_fwd_remove_ctrl(ctrl);
	free_cpumask_var(ctrl->worker_cpus);
	mutex_destroy(&ctrl->lock);
	kfree(ctrl);
}

int vssd_ctrl_open(struct vssd_ctrl *ctrl)
{
	int ret = 0;

	mutex_lock(&ctrl->lock);
	if (ctrl->state == VSSD_CTRL_LIVE)
		ctrl->open_count++;
	else
		ret = -ENODEV;
	mutex_unlock(&ctrl->lock);
	return ret;
}

void vssd_ctrl_release(struct vssd_ctrl *ctrl)
{
	mutex_lock(&ctrl->lock);
	if (!WARN_ON_ONCE(!ctrl->open_count))
		ctrl->open_count--;
	mutex_unlock(&ctrl->lock);
}

static int vssd_ns_prepare(struct vssd_ctrl *ctrl, struct vssd_ns *ns)
{
	u64 size = (u64)ns->size_mb << 20;

	if (!ns->size_mb) {
		pr_err("%s: namespace %u: size_mb is 0\n", vssd_ctrl_name(ctrl), ns->cs.nsid);
		return -EINVAL;
	}
	/* Data kept from before is read the same way or not at all. */
	if (ns->cs.kept_ops && ns->cs.kept_ops != ns->ops)
		ns->cs.kept_ops->drop_kept(&ns->cs);
	if (ns->kept && (ns->ops != &vssd_cs_nvm || ns->cs.store.size != size ||
			 ns->cs.lba_shift != ilog2(ns->block_size))) {
		pr_info("%s: namespace %u: its kept data is dropped: size, block size or command set changed\n",
			vssd_ctrl_name(ctrl), ns->cs.nsid);
		vssd_store_destroy(&ns->cs.store);
		ns->kept = false;
	}
	ns->cs.size = size;
	ns->cs.lba_shift = ilog2(ns->block_size);
	ns->cs.nr_lbas = size >> ns->cs.lba_shift;
	if (!ns->kept)
		vssd_store_init(&ns->cs.store, size);
	ns->kept = false;
	return 0;
}

/*
 * A block namespace keeps its data across power off when keep_data is set
 * or the power was lost (fault/powerloss.c), until the next power on.
 */
static bool vssd_ns_keeps_data(struct vssd_ctrl *ctrl, struct vssd_ns *ns)
{
	return (ns->ops == &vssd_cs_nvm || ns->ops->drop_kept) &&
	       (ctrl->params.keep_data || ctrl->pl_keep);
}

static void vssd_ctrl_models_exit(struct vssd_ctrl *ctrl)
{
	struct vssd_ns *ns;

	while ((ns = vssd_ns_after(ctrl, 0))) {
		/* Also after a failed or skipped ns_init(). */
		/* A command set keeps its own data (cs.kept); blocks are the store. */
		ns->cs.keep = vssd_ns_keeps_data(ctrl, ns);
		if (ns->ops->ns_exit)
			ns->ops->ns_exit(&ns->cs);
		ns->cs.keep = false;
		vssd_pl_ns_exit(ns);
		ns->kept = vssd_ns_keeps_data(ctrl, ns) && ns->ops == &vssd_cs_nvm;
		if (!ns->kept)
			vssd_store_destroy(&ns->cs.store);
		ctrl->ns_by_id[ns->cs.nsid] = NULL;
	}
	if (ctrl->model && ctrl->model->ctrl_exit)
		ctrl->model->ctrl_exit(ctrl);
	ctrl->model = NULL;
}

static int vssd_ctrl_models_init(struct vssd_ctrl *ctrl)
{
	struct vssd_ns *ns;
	int ret;

	ctrl->model = vssd_model_find(ctrl->params.model);
	if (ctrl->model->ctrl_init) {
		ret = ctrl->model->ctrl_init(ctrl);
		if (ret) {
			ctrl->model = NULL;
			return ret;
		}
	}
	list_for_each_entry(ns, &ctrl->ns_list, link) {
		ret = vssd_ns_prepare(ctrl, ns);
		if (ret)
			goto out_exit;
		ctrl->ns_by_id[ns->cs.nsid] = ns;
		ret = vssd_pl_ns_init(ns);
		if (ret)
			goto out_exit;
		if (ns->ops->ns_init) {
			ret = ns->ops->ns_init(&ns->cs);
			if (ret)
				goto out_exit;
		}
	}
	return 0;

out_exit:
	vssd_ctrl_models_exit(ctrl);
	return ret;
}

static void vssd_ctrl_remove_disks(struct vssd_ctrl *ctrl)
{
	struct vssd_ns *ns;

	list_for_each_entry(ns, &ctrl->ns_list, link)
		vssd_blk_remove_ns(ns);
}

/*
 * Take the character device (if it was added), the disks and the engine
 * down.  Called with ctrl->lock held in STARTING or STOPPING, which keep
 * openers out; drops the lock meanwhile, because removing a disk or the
 * misc device waits on locks (the disk's open_mutex, misc_mtx) that an
 * opener holds while it waits for ctrl->lock.
 */
static void vssd_ctrl_devices_down(struct vssd_ctrl *ctrl, bool chardev)
{
	lockdep_assert_held(&ctrl->lock);
	mutex_unlock(&ctrl->lock);
	if (chardev)
		vssd_chardev_remove(ctrl);
	vssd_ctrl_remove_disks(ctrl);
	vssd_blk_exit(ctrl);
	vssd_engine_stop(ctrl);
	mutex_lock(&ctrl->lock);
}

/* Called with ctrl->lock held, from the "power" attribute; drops it while devices are added. */
int vssd_ctrl_power_on(struct vssd_ctrl *ctrl)
{
	char why[96];
	struct vssd_ns *ns;
	int ret;

	lockdep_assert_held(&ctrl->lock);
	if (ctrl->state == VSSD_CTRL_LIVE)
		return 0;
	if (ctrl->state != VSSD_CTRL_OFF)
		return -EBUSY;
	ret = vssd_params_check(&ctrl->params, why, sizeof(why));
	if (ret) {
		pr_err("%s: cannot power on: %s\n", vssd_ctrl_name(ctrl), why);
		return ret;
	}
	ret = ida_alloc_max(&vssd_index_ida, VSSD_MAX_CTRLS - 1, GFP_KERNEL);
	if (ret < 0) {
		pr_err("%s: cannot power on: %d controllers are live already\n",
		       vssd_ctrl_name(ctrl), VSSD_MAX_CTRLS);
		return -ENOSPC;
	}
	ctrl->index = ret;
	ctrl->state = VSSD_CTRL_STARTING;
	/* From here on rmdir of the controller or a namespace is refused. */
	ret = vssd_configfs_depend(ctrl, true);
	if (ret)
		goto out_ida;
	ctrl->nr_io_queues = ctrl->params.nr_io_queues ?: num_online_cpus();
	ctrl->features.volatile_wc = true;
	ctrl->features.arbitration = 0;
	memset(&ctrl->stats, 0, sizeof(ctrl->stats));
	list_for_each_entry(ns, &ctrl->ns_list, link)
		memset(&ns->stats, 0, sizeof(ns->stats));
	ctrl->errors.count = 0;
	ctrl->wear_checked = 0;
	WRITE_ONCE(ctrl->power_lost, false);
	ret = vssd_cs_changes_init(ctrl);
	if (ret)
		goto out_depend;

	ret = vssd_ctrl_models_init(ctrl);
	if (ret) {
		pr_err("%s: cannot power on: the %s model failed: %d\n",
		       vssd_ctrl_name(ctrl), ctrl->params.model, ret);
		goto out_depend;
	}
	ret = vssd_engine_start(ctrl);
	if (ret)
		goto out_models;
	ret = vssd_blk_init(ctrl);
	if (ret)
		goto out_engine;
	/*
	 * Adding a disk or the misc device waits on locks an opener holds
	 * while it waits for ctrl->lock (a disk's open_mutex, misc_mtx):
	 * drop ours meanwhile.  STARTING keeps openers, namespace changes
	 * and power writes out, and ns_list cannot change.
	 */
	mutex_unlock(&ctrl->lock);
	list_for_each_entry(ns, &ctrl->ns_list, link) {
		ret = vssd_blk_add_ns(ns);
		if (ret)
			break;
	}
	if (!ret)
		ret = vssd_chardev_add(ctrl);
	mutex_lock(&ctrl->lock);
	if (ret)
		goto out_disks;

	ctrl->power_on_ns = ktime_get_ns();
	ctrl->power_cycles++;
	ctrl->pl_keep = false;
	ctrl->state = VSSD_CTRL_LIVE;
	pr_info("%s: /dev/vssd%d up: model %s (%s), %u I/O queues, %u workers\n",
		vssd_ctrl_name(ctrl), ctrl->index, ctrl->params.model,
		vssd_preset_matching(&ctrl->params), ctrl->nr_io_queues,
		ctrl->nr_workers);
	return 0;

out_disks:
	vssd_ctrl_devices_down(ctrl, false);
	goto out_models;
out_engine:
	vssd_engine_stop(ctrl);
out_models:
	vssd_ctrl_models_exit(ctrl);
out_depend:
	vssd_configfs_depend(ctrl, false);
out_ida:
	ida_free(&vssd_index_ida, ctrl->index);
	ctrl->index = -1;
	ctrl->state = VSSD_CTRL_OFF;
	if (ret != -EINVAL)
		pr_err("%s: cannot power on: %d\n", vssd_ctrl_name(ctrl), ret);
	return ret;
}

/* Called with ctrl->lock held, which vssd_ctrl_devices_down() drops. */
int vssd_ctrl_power_off(struct vssd_ctrl *ctrl)
{
	lockdep_assert_held(&ctrl->lock);
	if (ctrl->state == VSSD_CTRL_OFF)
		return 0;
	if (ctrl->state != VSSD_CTRL_LIVE)
		return -EBUSY;
	if (ctrl->open_count) {
		pr_err("%s: cannot power off: /dev/vssd%d or its namespaces are open (%u users)\n",
		       vssd_ctrl_name(ctrl), ctrl->index, ctrl->open_count);
		return -EBUSY;
	}
	ctrl->state = VSSD_CTRL_STOPPING;
	vssd_ctrl_devices_down(ctrl, true);
	vssd_ctrl_models_exit(ctrl);
	vssd_configfs_depend(ctrl, false);
	pr_info("%s: /dev/vssd%d down\n", vssd_ctrl_name(ctrl), ctrl->index);
	ida_free(&vssd_index_ida, ctrl->index);
	ctrl->index = -1;
	ctrl->state = VSSD_CTRL_OFF;
	return 0;
}
