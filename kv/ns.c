// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: the key-value command set's ops table, and a KV namespace's life
 * (power on/off, Format), background GC, identify data and statistics.
 */
#include <linux/slab.h>
#include <vssd/compat.h>
#include <vssd/nvme_fields.h>

#include "kv.h"

/* Records of the write cache: wcache_kb / 4 of them (a key per 4 KiB). */
static u32 vssd_kv_cache_keys(struct vssd_ctrl *ctrl)
{
	u64 kb = vssd_ctrl_params(ctrl)->wcache_kb;

	return kb ? max_t(u64, kb / 4, 1) : 0;
}

/*
 * The keys a power off kept (keep_data, a power loss), when the namespace
 * still reads them the same way; else they are dropped.
 */
static struct vssd_kv *vssd_kv_adopt(struct vssd_cs_ns *ns, const struct vssd_kv_conf *conf,
				     const struct vssd_vlog_config *cfg)
{
	const struct vssd_vlog_config *was;
	struct vssd_kv *kv = ns->kept;

	if (!kv || ns->kept_ops != &vssd_cs_kv)
		return NULL;
	ns->kept = NULL;
	ns->kept_ops = NULL;
	/* The same limits and flash geometry: every kept value fits the new log as before. */
	was = &kv->log.cfg;
	if (kv->max_value == conf->max_value && kv->max_keys == conf->max_keys &&
	    was->capacity == cfg->capacity && was->nr_dies == cfg->nr_dies &&
	    was->page_size == cfg->page_size && was->pages_per_block == cfg->pages_per_block &&
	    was->max_record == cfg->max_record && was->op_percent == cfg->op_percent &&
	    was->gc_free_percent == cfg->gc_free_percent)
		return kv;
	pr_info("%s: namespace %u: its kept keys are dropped: size, KV limits or flash geometry changed\n",
		vssd_ctrl_name(ns->ctrl), ns->nsid);
	vssd_kv_index_destroy(kv);
	kfree(kv);
	return NULL;
}

/*
 * Power on with kept keys: a new value log, every value written into it
 * again in key order, as if at time 0 (the device rewrote them before it
 * answered).
 */
static int vssd_kv_revive(struct vssd_cs_ns *ns, struct vssd_kv *kv,
			  const struct vssd_vlog_config *cfg)
{
	struct vssd_ctrl *ctrl = ns->ctrl;
	struct rb_node *node;
	u64 done;
	int ret;

	ret = vssd_vlog_init(&kv->log, cfg, vssd_media_nand(ctrl));
	if (ret)
		goto out_index;
	ret = vssd_kv_undo_init(kv, vssd_kv_cache_keys(ctrl),
				(u64)vssd_ctrl_params(ctrl)->wcache_kb << 10);
	if (ret)
		goto out_log;
	for (node = rb_first(&kv->tree); node; node = rb_next(node)) {
		struct vssd_kv_entry *e = rb_entry(node, struct vssd_kv_entry, sorted);

		ret = vssd_vlog_append(&kv->log, &e->item, e->value->len, 0, &done);
		if (ret)
			goto out_undo;
		cond_resched();
	}
	kv->ns = ns;
	kv->bytes_stored = 0;
	kv->bytes_retrieved = 0;
	kv->iter_steps = 0;
	ns->data = kv;
	return 0;

out_undo:
	vssd_kv_undo_destroy(kv);
out_log:
	vssd_vlog_destroy(&kv->log);
out_index:
	pr_err("%s: namespace %u: its kept keys could not be brought back: %d\n",
	       vssd_ctrl_name(ctrl), ns->nsid, ret);
	vssd_kv_index_destroy(kv);
	kfree(kv);
	return ret;
}

static int vssd_kv_init(struct vssd_cs_ns *ns)
{
	struct vssd_ctrl *ctrl = ns->ctrl;
	const struct vssd_params *p = vssd_ctrl_params(ctrl);
	const struct vssd_kv_conf *conf = vssd_cs_conf(ns, &vssd_cs_kv);
	u64 mdts = (u64)p->max_transfer_kb * 1024;
	struct vssd_vlog_config cfg = {
		.nr_dies = p->channels * p->dies_per_channel * p->planes_per_die,
		.page_size = p->page_kb * 1024,
		.pages_per_block = p->pages_per_block,
		.capacity = ns->size,
		.max_record = vssd_vlog_record_size(conf->max_value),
		.op_percent = p->op_percent,
		.gc_free_percent = p->gc_free_percent,
	};
	struct vssd_kv *kv;
	int ret;

	if (conf->max_value > mdts) {
		pr_err("%s: namespace %u: kv_max_value %u is above the transfer limit (max_transfer_kb = %ld)\n",
		       vssd_ctrl_name(ctrl), ns->nsid, conf->max_value, p->max_transfer_kb);
		return -EINVAL;
	}
	kv = vssd_kv_adopt(ns, conf, &cfg);
	if (kv)
		return vssd_kv_revive(ns, kv, &cfg);
	kv = kzalloc(sizeof(*kv), GFP_KERNEL);
	if (!kv)
		return -ENOMEM;
	kv->ns = ns;
	kv->max_value = conf->max_value;
	kv->max_keys = conf->max_keys;
	ret = vssd_vlog_init(&kv->log, &cfg, vssd_media_nand(ctrl));
	if (ret) {
		pr_err("%s: namespace %u: a value log segment (dies x pages_per_block x page_kb) of %llu bytes must hold two records of kv_max_value\n",
		       vssd_ctrl_name(ctrl), ns->nsid,
		       (u64)cfg.nr_dies * cfg.pages_per_block * cfg.page_size);
		kfree(kv);
		return ret;
	}
	ret = vssd_kv_index_init(kv);
	if (ret) {
		vssd_vlog_destroy(&kv->log);
		kfree(kv);
		return ret;
	}
	ret = vssd_kv_undo_init(kv, vssd_kv_cache_keys(ctrl),
				(u64)vssd_ctrl_params(ctrl)->wcache_kb << 10);
	if (ret) {
		vssd_kv_index_destroy(kv);
		vssd_vlog_destroy(&kv->log);
		kfree(kv);
		return ret;
	}
	ns->data = kv;
	return 0;
}

static void vssd_kv_drop_kept(struct vssd_cs_ns *ns)
{
	struct vssd_kv *kv = ns->kept;

	ns->kept = NULL;
	ns->kept_ops = NULL;
	if (!kv)
		return;
	vssd_kv_index_destroy(kv);
	kfree(kv);
}

static void vssd_kv_exit(struct vssd_cs_ns *ns)
{
	struct vssd_kv *kv = ns->data;

	if (!kv)
		return;
	ns->data = NULL;
	/* An orderly power off writes the cache back; a power loss emptied it. */
	vssd_kv_undo_destroy(kv);
	vssd_vlog_destroy(&kv->log);
	if (ns->keep) {
		vssd_kv_iters_close_all(kv);
		ns->kept = kv;
		ns->kept_ops = &vssd_cs_kv;
		return;
	}
	vssd_kv_index_destroy(kv);
	kfree(kv);
}

/* Format NVM on a KV namespace: every key goes, the log is erased. */
static void vssd_kv_format(struct vssd_cs_ns *ns)
{
	struct vssd_kv *kv = ns->data;

	vssd_kv_undo_flush(kv);
	vssd_kv_index_clear(kv);
	vssd_vlog_format(&kv->log);
	vssd_kv_iters_close_all(kv);
}

/* Background GC of the value log; same contract as the models' idle(). */
static u64 vssd_kv_idle(struct vssd_cs_ns *ns, u64 now)
{
	struct vssd_kv *kv = ns->data;

	vssd_assert_dispatching(ns->ctrl);
	return vssd_vlog_background_gc(&kv->log, now);
}

static void vssd_kv_cache_flush(struct vssd_cs_ns *ns)
{
	vssd_assert_dispatching(ns->ctrl);
	vssd_kv_undo_flush(ns->data);
}

static u32 vssd_kv_power_loss(struct vssd_cs_ns *ns, const struct vssd_wcache_cut *cut,
			      u32 *kept, u32 *failed)
{
	vssd_assert_dispatching(ns->ctrl);
	return vssd_kv_undo_cut(ns->data, cut, kept, failed);
}

static void vssd_kv_forget(struct vssd_cs_ns *ns, u64 owner)
{
	vssd_assert_dispatching(ns->ctrl);
	vssd_kv_iters_forget(ns->data, owner);
}

/* What the host is told: KV (01h), or NVM in compat presentation. */
u8 vssd_kv_presented_csi(const struct vssd_cs_ns *ns)
{
	const struct vssd_kv_conf *conf = vssd_cs_conf(ns, &vssd_cs_kv);

	return conf->compat ? NVME_CSI_NVM : VSSD_CSI_KV;
}

/* KV Identify Namespace (CNS 05h, CSI 01h) into a zeroed 4 KiB page. */
static void vssd_kv_identify_ns(struct vssd_cs_ns *ns, u8 csi, void *data)
{
	struct vssd_kv *kv = ns->data;
	u8 *raw = data, *kvf = raw + VSSD_KV_ID_KVF0;

	if (csi != VSSD_CSI_KV)
		return;
	put_unaligned_le64(kv->log.cfg.capacity, raw + VSSD_KV_ID_NSZE);
	put_unaligned_le64(READ_ONCE(kv->mem_used), raw + VSSD_KV_ID_NUSE);
	raw[VSSD_KV_ID_NKVF] = 0;		/* one KV format */
	put_unaligned_le32(VSSD_VLOG_ALIGN, raw + VSSD_KV_ID_NOVG);
	memcpy(raw + VSSD_KV_ID_NGUID, &ns->uuid, 16);
	put_unaligned_le16(VSSD_KV_MAX_KEY, kvf + VSSD_KV_KVF_MAX_KEY);
	put_unaligned_le32(kv->max_value, kvf + VSSD_KV_KVF_MAX_VALUE);
	put_unaligned_le32(kv->max_keys, kvf + VSSD_KV_KVF_MAX_KEYS);
}

/* The kv_* lines of the controller's stats, summed over its KV namespaces. */
static int vssd_kv_stats_show(struct vssd_ctrl *ctrl, char *page, int at)
{
	u64 keys = 0, live = 0, values = 0, used = 0, gc_runs = 0, gc_bytes = 0;
	u64 host = 0, index = 0, stored = 0, retrieved = 0, mem = 0, steps = 0, waf100;
	struct vssd_cs_ns *ns;
	u32 nr = 0, iters = 0;

	for (ns = vssd_cs_ns_next(ctrl, &vssd_cs_kv, NULL); ns;
	     ns = vssd_cs_ns_next(ctrl, &vssd_cs_kv, ns)) {
		struct vssd_kv *kv = ns->data;

		nr++;
		keys += READ_ONCE(kv->nr_keys);
		live += READ_ONCE(kv->log.live);
		values += READ_ONCE(kv->value_bytes);
		used += vssd_vlog_used(&kv->log);
		gc_runs += READ_ONCE(kv->log.gc_runs);
		gc_bytes += READ_ONCE(kv->log.gc_bytes);
		host += READ_ONCE(kv->log.host_bytes);
		index += vssd_kv_index_bytes(kv);
		stored += READ_ONCE(kv->bytes_stored);
		retrieved += READ_ONCE(kv->bytes_retrieved);
		mem += READ_ONCE(kv->mem_used);
		iters += READ_ONCE(kv->iters_open);
		steps += READ_ONCE(kv->iter_steps);
	}
	if (!nr)
		return 0;
	waf100 = host ? div64_u64((host + gc_bytes) * 100, host) : 100;
	return scnprintf(page + at, PAGE_SIZE - at,
			 "kv_namespaces %u\nkv_keys %llu\nkv_value_bytes %llu\n"
			 "kv_live_bytes %llu\nkv_garbage_bytes %llu\nkv_nuse_bytes %llu\n"
			 "kv_bytes_stored %llu\nkv_bytes_retrieved %llu\n"
			 "kv_gc_runs %llu\nkv_gc_bytes_moved %llu\nkv_waf %llu.%02llu\n"
			 "kv_index_bytes %llu\nkv_index_bytes_per_key %llu\n"
			 "kv_iters_open %u\nkv_iter_steps %llu\n",
			 nr, keys, values, live, used > live ? used - live : 0, mem, stored,
			 retrieved, gc_runs, gc_bytes, waf100 / 100, waf100 % 100, index,
			 keys ? div64_u64(index, keys) : 0ULL, iters, steps);
}

/* The Samsung/NVMeVirt vendor opcodes: they work in either presentation. */
static const struct vssd_effect vssd_kv_vendor_effects[] = {
	{ VSSD_SKV_OP_STORE, VSSD_EFFECT_CHANGES }, { VSSD_SKV_OP_APPEND, VSSD_EFFECT_CHANGES },
	{ VSSD_SKV_OP_DELETE, VSSD_EFFECT_CHANGES }, { VSSD_SKV_OP_EXIST, VSSD_EFFECT_SUPPORTED },
	{ VSSD_SKV_OP_RETRIEVE, VSSD_EFFECT_SUPPORTED },
	{ VSSD_SKV_OP_ITER_REQ, VSSD_EFFECT_SUPPORTED },
	{ VSSD_SKV_OP_ITER_READ, VSSD_EFFECT_SUPPORTED },
};

/* The NVMe KV command set (CSI 01h). */
static const struct vssd_effect vssd_kv_io_effects[] = {
	{ VSSD_KV_OP_STORE, VSSD_EFFECT_CHANGES }, { VSSD_KV_OP_DELETE, VSSD_EFFECT_CHANGES },
	{ nvme_cmd_flush, VSSD_EFFECT_SUPPORTED }, { VSSD_KV_OP_RETRIEVE, VSSD_EFFECT_SUPPORTED },
	{ VSSD_KV_OP_LIST, VSSD_EFFECT_SUPPORTED }, { VSSD_KV_OP_EXIST, VSSD_EFFECT_SUPPORTED },
};

/*
 * CSI 01h: both families.  Any other CSI, on a controller with a KV
 * namespace: the vendor opcodes.  @ctrl is NULL for a transport's log of
 * CSI 01h.
 */
static void vssd_kv_effects(struct vssd_ctrl *ctrl, u8 csi, struct nvme_effects_log *log)
{
	if (csi == VSSD_CSI_KV)
		vssd_effects_fill(log->iocs, vssd_kv_io_effects,
				  ARRAY_SIZE(vssd_kv_io_effects));
	else if (!ctrl || !vssd_cs_ns_next(ctrl, &vssd_cs_kv, NULL))
		return;
	vssd_effects_fill(log->iocs, vssd_kv_vendor_effects,
			  ARRAY_SIZE(vssd_kv_vendor_effects));
}

const struct vssd_cs_ops vssd_cs_kv = {
	.name = "kv",
	.csi = VSSD_CSI_KV,
	.features = "kv kv-vendor kv-compat",
	.conf_size = sizeof(struct vssd_kv_conf),
	.conf_init = vssd_kv_conf_init,
	.ns_attrs = vssd_kv_ns_attrs,
	.config_fid = VSSD_FEAT_KV_CONFIG,
	.config_mask = VSSD_KV_CONFIG_EDNEK,
	.ns_init = vssd_kv_init,
	.ns_exit = vssd_kv_exit,
	.presented_csi = vssd_kv_presented_csi,
	.prepare = vssd_kv_prepare,
	.identify_ns = vssd_kv_identify_ns,
	.effects = vssd_kv_effects,
	.format = vssd_kv_format,
	.idle = vssd_kv_idle,
	.forget = vssd_kv_forget,
	.stats_show = vssd_kv_stats_show,
	.cache_flush = vssd_kv_cache_flush,
	.power_loss = vssd_kv_power_loss,
	.drop_kept = vssd_kv_drop_kept,
};
