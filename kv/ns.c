// SPDX-License-Identifier: GPL-2.0
/*
 * vssd: a KV namespace's life (power on/off, Format), its identify data,
 * background GC and statistics.
 */
#include <linux/slab.h>
#include <vssd/compat.h>

#include "../drivers/vssd/vssd.h"
#include "kv.h"

int vssd_kv_ns_init(struct vssd_ns *ns)
{
	struct vssd_ctrl *ctrl = ns->ctrl;
	const struct vssd_params *p = &ctrl->params;
	u64 mdts = (u64)p->max_transfer_kb * 1024;
	struct vssd_vlog_config cfg = {
		.nr_dies = p->channels * p->dies_per_channel * p->planes_per_die,
		.page_size = p->page_kb * 1024,
		.pages_per_block = p->pages_per_block,
		.capacity = (u64)ns->size_mb << 20,
		.max_record = vssd_vlog_record_size(ns->kv_max_value),
		.op_percent = p->op_percent,
		.gc_free_percent = p->gc_free_percent,
	};
	struct vssd_nand *nand;
	struct vssd_kv *kv;
	int ret;

	if (ns->kv_max_value > mdts) {
		pr_err("%s: namespace %u: kv_max_value %u is above the transfer limit (max_transfer_kb = %ld)\n",
		       vssd_ctrl_name(ctrl), ns->nsid, ns->kv_max_value, p->max_transfer_kb);
		return -EINVAL;
	}
	kv = kzalloc(sizeof(*kv), GFP_KERNEL);
	if (!kv)
		return -ENOMEM;
	kv->ns = ns;
	kv->max_value = ns->kv_max_value;
	kv->max_keys = ns->kv_max_keys;
	nand = ctrl->model->flash ? ctrl->model->flash(ctrl) : NULL;
	ret = vssd_vlog_init(&kv->log, &cfg, nand);
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
	ns->kv = kv;
	return 0;
}

void vssd_kv_ns_exit(struct vssd_ns *ns)
{
	struct vssd_kv *kv = ns->kv;

	if (!kv)
		return;
	vssd_kv_index_destroy(kv);
	vssd_vlog_destroy(&kv->log);
	kfree(kv);
	ns->kv = NULL;
}

/* Format NVM on a KV namespace: every key goes, the log is erased. */
void vssd_kv_format(struct vssd_kv *kv)
{
	vssd_kv_index_clear(kv);
	vssd_vlog_format(&kv->log);
	vssd_kv_iters_close_all(kv);
}

/* Background GC of the value logs; same contract as the models' idle(). */
u64 vssd_kv_idle(struct vssd_ctrl *ctrl, u64 now)
{
	u64 next = 0;
	u32 nsid;

	lockdep_assert_held(&ctrl->dispatch_lock);
	for (nsid = 1; nsid <= VSSD_MAX_NSID; nsid++) {
		struct vssd_ns *ns = ctrl->ns_by_id[nsid];
		u64 t;

		if (!ns || !ns->kv)
			continue;
		t = vssd_vlog_background_gc(&ns->kv->log, now);
		if (t == now)
			return now;
		if (t && (!next || t < next))
			next = t;
	}
	return next;
}

/* What the host is told: KV (01h), or NVM in compat presentation. */
u8 vssd_kv_presented_csi(const struct vssd_ns *ns)
{
	return ns->csi == VSSD_CSI_KV && !ns->kv_compat ? VSSD_CSI_KV : VSSD_CSI_NVM;
}

/* KV Identify Namespace (CNS 05h, CSI 01h) into a zeroed 4 KiB page. */
void vssd_kv_identify_ns(struct vssd_ns *ns, void *data)
{
	struct vssd_kv *kv = ns->kv;
	u8 *raw = data, *kvf = raw + VSSD_KV_ID_KVF0;

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
int vssd_kv_stats_show(struct vssd_ctrl *ctrl, char *page, int at)
{
	u64 keys = 0, live = 0, values = 0, used = 0, gc_runs = 0, gc_bytes = 0;
	u64 host = 0, index = 0, stored = 0, retrieved = 0, mem = 0, steps = 0, waf100;
	u32 nsid, nr = 0, iters = 0;

	for (nsid = 1; nsid <= VSSD_MAX_NSID; nsid++) {
		struct vssd_ns *ns = ctrl->ns_by_id[nsid];
		struct vssd_kv *kv;

		if (!ns || !ns->kv)
			continue;
		kv = ns->kv;
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
